#include "voc/report.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <system_error>

#include <fcntl.h>
#include <unistd.h>

#include "insight/report_util.h"

namespace voc {

using Json = nlohmann::ordered_json;

namespace {

Json QuoteJson(const Quote& q) {
  Json spans = Json::array();
  for (const auto& [b, e] : q.spans) spans.push_back({{"begin", b}, {"end", e}});
  return Json{{"id", q.id},
              {"period", q.period},
              {"channel", q.channel},
              {"sentiment", PolarityName(q.polarity)},
              {"score", q.score},
              {"text", q.snippet},
              {"spans", spans},
              {"cut_left", q.cut_left},
              {"cut_right", q.cut_right}};
}

Json NamedCounts(const std::vector<NamedCount>& v, const char* key) {
  Json out = Json::array();
  for (const NamedCount& c : v) out.push_back({{key, c.name}, {"count", c.count}});
  return out;
}

Json AlsoJson(const Finding& f) {
  Json out = Json::array();
  for (FindingStatus s : f.also) out.push_back(FindingStatusName(s));
  return out;
}

Json SurgeJson(const VolumeSurge& s) {
  Json drivers = Json::array();
  for (const SurgeDriver& d : s.drivers)
    drivers.push_back({{"theme", d.theme},
                       {"count", d.count},
                       {"typical", d.typical},
                       {"excess", d.excess},
                       {"share_of_excess", d.share_of_excess}});
  return Json{{"period", s.period}, {"channel", s.channel}, {"count", s.count},   {"typical", s.typical},
              {"ratio", s.ratio},   {"p_value", s.p_value}, {"reason", s.reason}, {"drivers", drivers}};
}

// {"rule": n, "adapted": n, ...}
Json SourceCounts(const std::vector<NamedCount>& v) {
  Json out = Json::object();
  for (const NamedCount& c : v) out[c.name] = c.count;
  return out;
}

Json ConversationJson(const ConversationFigures& c) {
  Json j{
      {"conversations", c.conversations},      {"turns", c.turns},
      {"share_resolved", c.share_resolved},    {"share_unresolved", c.share_unresolved},
      {"mean_sentiment_change", nullptr},      {"transfers_per_conversation", c.transfers_per_conversation},
      {"right_first_time", c.right_first_time}};
  if (c.mean_sentiment_change) j["mean_sentiment_change"] = *c.mean_sentiment_change;
  return j;
}

Json FindingJson(const Finding& f, size_t rank, const Findings& all) {
  Json series = Json::array();
  for (const PeriodPoint& p : f.series)
    series.push_back({{"period", p.period},
                      {"count", p.count},
                      {"total", p.total},
                      {"share", p.share},
                      {"present", p.present},
                      {"repeat_customers", p.repeat_customers}});
  Json owners = Json::array();
  for (const OwnerShare& o : f.owners)
    owners.push_back({{"department", o.department}, {"role", ValueRoleName(o.role)}, {"hits", o.hits}});
  Json signals = Json::object();
  for (const SignalShare& s : f.signals)
    signals[SignalName(s.signal)] = {{"count", s.count}, {"share", s.share}};
  Json parts = Json::array();
  for (const PriorityPart& p : f.priority_parts)
    parts.push_back(
        {{"name", p.name}, {"value", p.value}, {"weight", p.weight}, {"points", p.points}, {"why", p.why}});
  Json evidence = Json::array();
  for (const Quote& q : f.evidence) evidence.push_back(QuoteJson(q));
  Json j{{"rank", rank},
         {"theme", f.theme},
         {"label_path", f.label_path},
         {"status", FindingStatusName(f.status)},
         {"status_reason", f.status_reason},
         {"also", AlsoJson(f)},
         {"provisional", f.provisional},
         {"department", f.department},
         {"role", ValueRoleName(f.role)},
         {"owners", owners},
         {"sources", SourceCounts(f.sources)},
         {"priority", {{"score", f.priority}, {"parts", parts}}},
         {"escalation", {{"escalated", f.escalated}, {"urgency_safety", f.urgency_safety}}},
         {"volume", f.volume},
         {"share", f.share},
         {"undated", f.undated},
         {"persistence", f.persistence},
         {"recent_present", f.recent_present},
         {"reference_share", f.reference_share},
         {"trend", {{"direction", f.trend}, {"slope", f.trend_slope}}},
         {"emerging_test",
          {{"last_count", f.last_count},
           {"baseline_share", f.own_baseline_share},
           {"expected", f.last_expected},
           {"p_value", f.last_p_value},
           {"significant", f.last_significant}}},
         {"spike_test", {{"period", f.spike_period}, {"p_value", f.spike_p_value}}},
         {"series", series},
         {"sentiment",
          {{"negative", f.negative},
           {"neutral", f.neutral},
           {"positive", f.positive},
           {"share_negative", f.share_negative},
           {"mean_score", f.mean_score},
           {"mean_emotion", f.mean_emotion}}},
         {"signals", signals},
         {"with_signal", f.with_signal},
         {"repeat_customers", {{"customers", f.customers}, {"repeat", f.repeat_customers}}},
         {"channels", NamedCounts(f.channels, "channel")},
         {"next_step", SuggestedNextStep(f)},
         {"evidence", evidence}};
  // Verbatims left out of the sentiment shares (unsupported languages).
  if (f.unscored) j["sentiment"]["unscored"] = f.unscored;
  if (f.conversations) j["conversations"] = ConversationJson(*f.conversations);
  internal::AddFindingEconJson(f, all, &j);
  internal::AddFindingHistoryJson(f, &j);
  return j;
}

// A number as FindingsToCsv formats it ("-0.25", "3", "1e-05").
bool PlainNumber(const std::string& s) {
  char* end = nullptr;
  if (s.empty()) return false;
  std::strtod(s.c_str(), &end);
  return end == s.c_str() + s.size() && s.find_first_of("xXnNiI") == std::string::npos;
}

std::string CsvField(const std::string& raw) {
  // Formula injection (OWASP): a cell a spreadsheet would evaluate, one that
  // starts with = + - @ tab or CR (after any spaces), gets a leading ' and is
  // quoted. Numbers stay numbers.
  std::string s = raw;
  const size_t first = s.find_first_not_of(' ');
  const bool formula = first != std::string::npos && s[first] != 0 &&
                       std::strchr("=+-@\t\r", s[first]) != nullptr && !PlainNumber(s);
  if (formula) s.insert(0, "'");
  if (!formula && s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"')
      out += "\"\"";
    else
      out += c;
  }
  return out + "\"";
}

std::string Fmt(double x, const char* f = "%.6g") {
  char buf[40];
  std::snprintf(buf, sizeof buf, f, x);
  return buf;
}

// Escapes Markdown and HTML markup in customer text, on one line.
std::string MdEscape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '\n':
      case '\r':
      case '\t':
        out += ' ';
        break;
      case '\\':
      case '`':
      case '*':
      case '_':
      case '[':
      case ']':
      case '#':
      case '|':
      case '!':
        out += '\\';
        out += c;
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string Slug(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
      out += static_cast<char>(c);
    else if (c >= 'A' && c <= 'Z')
      out += static_cast<char>(c - 'A' + 'a');
    else if (!out.empty() && out.back() != '-')
      out += '-';
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  // File names stay short (a department name may be any length) and a name
  // with no ASCII letters or digits still gets its own file.
  constexpr size_t kMaxSlug = 64;
  if (out.size() > kMaxSlug || (out.empty() && !s.empty())) {
    uint64_t h = 14695981039346656037ULL;
    for (unsigned char c : s) h = (h ^ c) * 1099511628211ULL;
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(h));
    if (out.size() > kMaxSlug) out.resize(kMaxSlug);
    while (!out.empty() && out.back() == '-') out.pop_back();
    out += (out.empty() ? "department-" : "-") + std::string(hex, 8);
  }
  return out.empty() ? "unassigned" : out;
}

}  // namespace

namespace internal {

std::string MdText(std::string_view s) { return MdEscape(s); }

std::string ConversationText(const ConversationFigures& c) {
  char buf[64];
  std::string out = std::to_string(c.conversations) + ", " + PercentText(c.share_resolved) + " resolved, " +
                    PercentText(c.share_unresolved) + " unresolved";
  if (c.mean_sentiment_change) {
    std::snprintf(buf, sizeof buf, "%+.2f", *c.mean_sentiment_change);
    out += std::string("; customer sentiment ") + buf + " from start to end on average";
  }
  std::snprintf(buf, sizeof buf, "%.2f", c.transfers_per_conversation);
  out += std::string("; ") + buf + " transfers per conversation";
  std::snprintf(buf, sizeof buf, "%.2f", c.right_first_time);
  return out + "; right first time " + buf + " (estimate)";
}

std::string PercentText(double x) {
  char buf[32];
  if (x > 0.995 && x < 1.0) {  // "99.9%", never a rounded "100%" beside a share of the rest
    std::snprintf(buf, sizeof buf, "%.1f%%", std::floor(1000.0 * x) / 10.0);
    return buf;
  }
  std::snprintf(buf, sizeof buf, x >= 0.1 || x == 0 ? "%.0f%%" : "%.1f%%", 100.0 * x);
  return buf;
}

std::string WindowText(const Findings& f) {
  if (f.periods.empty()) return "no dated records";
  const std::string unit = PeriodName(f.period);
  return f.periods.front() + " to " + f.periods.back() + " (" + std::to_string(f.periods.size()) + " " +
         unit + (f.periods.size() == 1 ? "" : "s") + ")";
}

}  // namespace internal

std::string SuggestedNextStep(const Finding& f) {
  const std::string owner = f.department.empty() ? "the owning team" : f.department;
  std::string s;
  switch (f.status) {
    case FindingStatus::kChronic:
      s = "Chronic: give " + owner +
          " a named owner and a root-cause fix upstream; track the share each period until it "
          "stays below baseline.";
      break;
    case FindingStatus::kEmerging:
      s = "Emerging: investigate now, before it turns chronic; check recent changes in " + owner +
          " against the first evidence.";
      break;
    case FindingStatus::kResolved:
      s = "Resolved: confirm the fix held, record what worked, and keep watching for a relapse.";
      break;
    case FindingStatus::kSpike:
      s = "One-off spike in " + f.spike_period +
          ": check for an incident and close the loop with those customers; no programme "
          "needed unless it recurs.";
      break;
    case FindingStatus::kStable:
      s = "Stable: monitor; act when it turns chronic or emerging.";
      break;
  }
  auto share = [&](Signal sig) {
    return f.signals.size() > static_cast<size_t>(sig) ? f.signals[static_cast<int>(sig)].share : 0.0;
  };
  using internal::PercentText;
  if (share(Signal::kAvoidableContact) >= 0.15)
    s += " The best service is no service: " + PercentText(share(Signal::kAvoidableContact)) +
         " of these contacts should not have been needed; remove their cause.";
  if (share(Signal::kRepeatContact) >= 0.15)
    s += " Right first time: " + PercentText(share(Signal::kRepeatContact)) +
         " are repeat contacts; fix resolution at the first contact.";
  if (share(Signal::kEffort) >= 0.15)
    s += " Least effort: " + PercentText(share(Signal::kEffort)) +
         " describe high effort; cut steps from the customer's path.";
  if (share(Signal::kExpectationMismatch) >= 0.15)
    s += " Truth: " + PercentText(share(Signal::kExpectationMismatch)) +
         " say the experience did not match what was promised; align the promise with what is "
         "delivered.";
  if (share(Signal::kChurnRisk) >= 0.15)
    s += " Churn: " + PercentText(share(Signal::kChurnRisk)) + " threaten to leave; follow up with them.";
  if (f.escalated)
    s += " Urgency/safety: " + std::to_string(f.urgency_safety) +
         " verbatims mention a safety or urgent risk; escalate today whatever the volume.";
  return s;
}

std::string FindingsToJson(const Findings& f) {
  const FindingsOptions& o = f.options;
  Json j;
  j["schema_version"] = kFindingsSchemaVersion;
  Json totals = Json::array();
  for (const PeriodPoint& p : f.totals) totals.push_back({{"period", p.period}, {"count", p.count}});
  j["window"] = {{"period", PeriodName(f.period)},
                 {"first", f.periods.empty() ? "" : f.periods.front()},
                 {"last", f.periods.empty() ? "" : f.periods.back()},
                 {"periods", f.periods},
                 {"totals", totals},
                 {"sufficient", f.window_sufficient},
                 {"min_periods", f.min_periods}};
  j["records"] = {{"total", f.records},
                  {"in_window", f.in_window},
                  {"undated", f.undated},
                  {"unclassified", f.unclassified}};
  j["channels"] = NamedCounts(f.channels, "channel");
  if (f.conversations) j["conversations"] = ConversationJson(*f.conversations);
  // The language mix, unless every record is "und" (languages not identified).
  if (!(f.languages.empty() ||
        (f.languages.size() == 1 && f.languages[0].name == "und" && f.unscored == 0))) {
    Json languages = NamedCounts(f.languages, "language");
    for (Json& l : languages) {
      uint64_t n = 0;
      for (const NamedCount& u : f.languages_unscored)
        if (u.name == l["language"]) n = u.count;
      l["unscored"] = n;
    }
    j["languages"] = languages;
  }
  j["theme_sources"] = SourceCounts(f.theme_sources);
  j["reference_share"] = f.reference_share;
  Json by_status = Json::object();
  for (FindingStatus s : {FindingStatus::kChronic, FindingStatus::kEmerging, FindingStatus::kResolved,
                          FindingStatus::kSpike, FindingStatus::kStable})
    by_status[FindingStatusName(s)] = f.Count(s);
  j["counts_by_status"] = by_status;
  j["options"] = {{"chronic_k", o.chronic_k},
                  {"chronic_n", o.chronic_n},
                  {"baseline_quantile", o.baseline_quantile},
                  {"presence_alpha", o.presence_alpha},
                  {"min_count", o.min_count},
                  {"emerging_alpha", o.emerging_alpha},
                  {"emerging_min_count", o.emerging_min_count},
                  {"emerging_min_ratio", o.emerging_min_ratio},
                  {"spike_alpha", o.spike_alpha},
                  {"resolved_quiet", o.resolved_quiet},
                  {"window_periods", o.window_periods},
                  {"weights",
                   {{"volume", o.weight_volume},
                    {"persistence", o.weight_persistence},
                    {"negativity", o.weight_negativity},
                    {"signals", o.weight_signals},
                    {"growth", o.weight_growth}}},
                  {"escalation_min_count", o.escalation_min_count},
                  {"phrase_alpha", o.phrase_alpha},
                  {"phrase_min_count", o.phrase_min_count},
                  {"min_baseline_periods", o.min_baseline_periods},
                  {"surge_alpha", o.surge_alpha},
                  {"surge_min_ratio", o.surge_min_ratio},
                  {"surge_min_count", o.surge_min_count}};
  Json escalations = Json::array();
  for (const Finding& x : f.findings)
    if (x.escalated) escalations.push_back(x.theme);
  j["escalations"] = escalations;
  Json findings = Json::array();
  for (size_t i = 0; i < f.findings.size(); ++i) findings.push_back(FindingJson(f.findings[i], i + 1, f));
  j["findings"] = findings;
  Json unknown = Json::array();
  for (const UnknownTheme& t : f.unknown_themes) {
    Json phrases = Json::array();
    for (const UnknownPhrase& p : t.phrases)
      phrases.push_back({{"phrase", p.phrase},
                         {"unclassified", p.unclassified},
                         {"classified", p.classified},
                         {"g2", p.g2},
                         {"in_theme", p.in_theme}});
    Json examples = Json::array();
    for (const Quote& q : t.examples) examples.push_back(QuoteJson(q));
    Json series = Json::array();
    for (const PeriodPoint& p : t.series)
      series.push_back({{"period", p.period},
                        {"count", p.count},
                        {"total", p.total},
                        {"share", p.share},
                        {"present", p.present}});
    unknown.push_back(
        {{"name", t.name},
         {"count", t.count},
         {"id", t.id},
         {"sample_count", t.sample_count},
         {"share", t.share},
         {"status", FindingStatusName(t.status)},
         {"status_reason", t.status_reason},
         {"trend", t.trend},
         {"series", series},
         {"share_negative", t.share_negative},
         {"with_signal", t.with_signal},
         {"rule", {{"include", t.rule}, {"precision", t.rule_precision}, {"recall", t.rule_recall}}},
         {"phrases", phrases},
         {"examples", examples}});
    if (t.impact.n) unknown.back()["impact"] = internal::ImpactJson(t.impact);
  }
  j["unknown_themes"] = unknown;
  Json surges = Json::array();
  for (const VolumeSurge& x : f.surges) surges.push_back(SurgeJson(x));
  j["surges"] = surges;
  j["warnings"] = f.warnings;
  internal::AddEconJson(f, &j);
  internal::AddHistoryJson(f, &j);
  if (!f.industries.mode.empty()) j["industries"] = Json::parse(f.industries.ToJson());
  return j.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

std::string FindingsToCsv(const Findings& f) {
  std::string out =
      "rank,theme,status,priority,priority_volume,priority_persistence,priority_negativity,"
      "priority_signals,priority_growth,escalated,department,role,volume,share,persistence,trend,trend_slope,"
      "share_negative,mean_score,repeat_contact,effort,avoidable_contact,churn_risk,"
      "expectation_mismatch,urgency_safety,repeat_customers,channels,status_reason,next_step,"
      "";
  for (const std::string& h : internal::EconCsvHeader()) out += h + ",";
  for (const std::string& h : internal::HistoryCsvHeader(f)) out += h + ",";
  // Conversation input only: the conversations that carried each theme.
  const bool conv = f.conversations.has_value();
  if (conv)
    out +=
        "conversations,share_resolved,share_unresolved,mean_sentiment_change,"
        "transfers_per_conversation,right_first_time,";
  out += "evidence\r\n";
  for (size_t i = 0; i < f.findings.size(); ++i) {
    const Finding& x = f.findings[i];
    std::vector<std::string> row;
    row.push_back(std::to_string(i + 1));
    row.push_back(x.theme);
    row.push_back(FindingStatusName(x.status));
    row.push_back(Fmt(x.priority, "%.2f"));
    for (const char* name : {"volume", "persistence", "negativity", "signals", "growth"}) {
      double pts = 0;
      for (const PriorityPart& p : x.priority_parts)
        if (p.name == name) pts = p.points;
      row.push_back(Fmt(pts, "%.2f"));
    }
    row.push_back(x.escalated ? "true" : "false");
    row.push_back(x.department);
    row.push_back(ValueRoleName(x.role));
    row.push_back(std::to_string(x.volume));
    row.push_back(Fmt(x.share));
    row.push_back(Fmt(x.persistence));
    row.push_back(x.trend);
    row.push_back(Fmt(x.trend_slope));
    row.push_back(Fmt(x.share_negative));
    row.push_back(Fmt(x.mean_score));
    for (Signal s : {Signal::kRepeatContact, Signal::kEffort, Signal::kAvoidableContact, Signal::kChurnRisk,
                     Signal::kExpectationMismatch, Signal::kUrgencySafety})
      row.push_back(
          Fmt(x.signals.size() > static_cast<size_t>(s) ? x.signals[static_cast<int>(s)].share : 0.0));
    row.push_back(std::to_string(x.repeat_customers));
    std::string ch;
    for (const NamedCount& c : x.channels) ch += (ch.empty() ? "" : ";") + c.name;
    row.push_back(ch);
    row.push_back(x.status_reason);
    row.push_back(SuggestedNextStep(x));
    for (std::string& e : internal::EconCsvRow(x)) row.push_back(std::move(e));
    for (std::string& e : internal::HistoryCsvRow(x, f)) row.push_back(std::move(e));
    if (conv) {
      if (x.conversations) {
        const ConversationFigures& c = *x.conversations;
        row.push_back(std::to_string(c.conversations));
        row.push_back(Fmt(c.share_resolved));
        row.push_back(Fmt(c.share_unresolved));
        row.push_back(c.mean_sentiment_change ? Fmt(*c.mean_sentiment_change) : "");
        row.push_back(Fmt(c.transfers_per_conversation));
        row.push_back(Fmt(c.right_first_time));
      } else {
        row.insert(row.end(), {"0", "", "", "", "", ""});
      }
    }
    row.push_back(x.evidence.empty() ? "" : x.evidence.front().snippet);
    for (size_t k = 0; k < row.size(); ++k) {
      if (k) out += ',';
      out += CsvField(row[k]);
    }
    out += "\r\n";
  }
  return out;
}

std::vector<Digest> DepartmentDigests(const Findings& f) {
  std::map<std::string, std::vector<size_t>> by_dept;
  for (size_t i = 0; i < f.findings.size(); ++i) by_dept[f.findings[i].department].push_back(i);
  // A department whose issue was resolved and has no finding any more still
  // hears about it.
  for (const ResolvedTheme& r : f.resolved) by_dept[r.department];
  std::vector<Digest> out;
  std::map<std::string, int> used_names;
  for (const auto& [dept, idx] : by_dept) {
    Digest d;
    d.department = dept;
    std::string base = Slug(dept);
    if (used_names[base]++) base += "-" + std::to_string(used_names[base]);
    d.file_name = base + ".md";
    const std::string name = dept.empty() ? "unassigned" : dept;
    std::string& m = d.markdown;
    m += "# Customer issues for " + MdEscape(name) + "\n\n";
    m += "Window: " + internal::WindowText(f) + ". " + std::to_string(f.in_window) +
         " verbatims analysed in the window.\n\n";
    m += internal::HistoryDigest(f, dept);
    std::map<std::string, int> counts;
    for (size_t i : idx) ++counts[FindingStatusName(f.findings[i].status)];
    if (idx.empty())
      m += "Your findings: none in this window";
    else
      m += "Your findings:";
    bool first = true;
    for (FindingStatus s : {FindingStatus::kChronic, FindingStatus::kEmerging, FindingStatus::kSpike,
                            FindingStatus::kResolved, FindingStatus::kStable}) {
      auto it = counts.find(FindingStatusName(s));
      if (it == counts.end()) continue;
      m += std::string(first ? " " : ", ") + std::to_string(it->second) + " " + it->first;
      first = false;
    }
    m += ".\n\n";
    if (f.conversations)
      m += "Conversations (all departments): " + MdEscape(internal::ConversationText(*f.conversations)) +
           ". Each conversation counts once, by the customer's turns; resolution and right first "
           "time are estimated from cue phrases (docs/CONVERSATIONS.md).\n\n";
    m += internal::EconDigestSummary(f, dept);
    for (size_t i : idx) {
      const Finding& x = f.findings[i];
      m += "## " + std::to_string(i + 1) + ". " + MdEscape(x.theme) + " (" + FindingStatusName(x.status) +
           (x.escalated ? ", ESCALATED" : "") + ")\n\n";
      m += "- Status: " + MdEscape(x.status_reason) + "\n";
      m += "- Volume: " + std::to_string(x.volume) + " verbatims, " + internal::PercentText(x.share) +
           " of all; trend " + x.trend + "; persistence " + internal::PercentText(x.persistence) + "\n";
      m += "- Negativity: " + internal::PercentText(x.share_negative) + " negative\n";
      std::string sig;
      for (const SignalShare& s : x.signals)
        if (s.count && s.signal != Signal::kEmotionIntensity)
          sig += (sig.empty() ? "" : ", ") + std::string(SignalName(s.signal)) + " " +
                 internal::PercentText(s.share);
      m += "- Signals: " + (sig.empty() ? std::string("none") : sig) + "\n";
      if (x.customers)
        m += "- Repeat customers: " + std::to_string(x.repeat_customers) + " of " +
             std::to_string(x.customers) + " identified customers contacted more than once\n";
      std::string ch;
      for (const NamedCount& c : x.channels)
        ch += (ch.empty() ? "" : ", ") + MdEscape(c.name) + " " + std::to_string(c.count);
      m += "- Channels: " + ch + "\n";
      if (x.conversations)
        m += "- Conversations: " + MdEscape(internal::ConversationText(*x.conversations)) + "\n";
      m += internal::EconDigestLines(x, f);
      m += internal::FindingHistoryDigest(x);
      m += "- Priority " + Fmt(x.priority, "%.1f") + " =";
      for (size_t k = 0; k < x.priority_parts.size(); ++k) {
        const PriorityPart& p = x.priority_parts[k];
        m += std::string(k ? " +" : "") + " " + p.name + " " + Fmt(p.points, "%.1f") + " (" +
             MdEscape(p.why) + ")";
      }
      m += "\n\n**Next step:** " + MdEscape(SuggestedNextStep(x)) + "\n\n";
      if (!x.evidence.empty()) {
        m += "Evidence (redacted):\n\n";
        for (const Quote& q : x.evidence)
          m += "> " + std::string(q.cut_left ? "... " : "") + MdEscape(q.snippet) +
               (q.cut_right ? " ..." : "") + "  \n> (" + MdEscape(q.channel) + ", " + MdEscape(q.period) +
               ", " + PolarityName(q.polarity) + ")\n\n";
      }
    }
    out.push_back(std::move(d));
  }
  return out;
}

Status WriteDigests(const Findings& f, const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec || !fs::is_directory(dir))
    return InternalError("cannot create directory " + dir + ": " +
                         (ec ? ec.message() : std::string("not a directory")));
  std::string index = "# Department digests\n\nWindow: " + internal::WindowText(f) + "\n\n";
  for (const Digest& d : DepartmentDigests(f)) {
    VOC_RETURN_IF_ERROR(WriteFileAtomic((fs::path(dir) / d.file_name).string(), d.markdown));
    index +=
        "- [" + MdEscape(d.department.empty() ? "unassigned" : d.department) + "](" + d.file_name + ")\n";
  }
  return WriteFileAtomic((fs::path(dir) / "README.md").string(), index);
}

}  // namespace voc
