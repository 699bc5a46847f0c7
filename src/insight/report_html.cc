// The self-contained HTML report: inline CSS and SVG, no script, no network.
#include <algorithm>
#include <cstdio>
#include <map>
#include <string>
#include <string_view>

#include "insight/report_util.h"
#include "voc/language.h"
#include "voc/report.h"

namespace voc {
namespace {

using internal::Esc;

std::string F(double x, const char* fmt = "%.1f") {
  char buf[48];
  std::snprintf(buf, sizeof buf, fmt, x);
  return buf;
}

using internal::PercentText;

const char* kCss = R"CSS(
:root{--ink:#1f2933;--muted:#616e7c;--line:#e4e7eb;--bg:#f7f8fa;--card:#fff;
--chronic:#b44d3a;--emerging:#c7811c;--spike:#6b5b95;--resolved:#3f7d5a;--stable:#7b8794;--accent:#3e6d8e}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--ink);font:15px/1.5 -apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
main{max-width:1120px;margin:0 auto;padding:28px 32px 60px}
h1{font-size:26px;margin:0 0 4px;font-weight:650}
h2{font-size:19px;margin:36px 0 12px;font-weight:620;border-bottom:1px solid var(--line);padding-bottom:6px}
h3{font-size:16px;margin:0;font-weight:620}
.sub{color:var(--muted);margin:0 0 20px}
.kpis{display:flex;flex-wrap:wrap;gap:12px;margin:16px 0}
.kpi{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:12px 16px;min-width:130px}
.kpi b{display:block;font-size:22px;font-weight:650}
.kpi span{color:var(--muted);font-size:13px}
.kpi span.badge{color:#fff;font-size:12px}
.badge{display:inline-block;padding:1px 9px;border-radius:10px;font-size:12px;font-weight:600;color:#fff;letter-spacing:.02em;white-space:nowrap}
.b-chronic{background:var(--chronic)}.b-emerging{background:var(--emerging)}.b-spike{background:var(--spike)}
.b-resolved{background:var(--resolved)}.b-stable{background:var(--stable)}.b-esc{background:#8a1c1c}
table{border-collapse:collapse;width:100%;background:var(--card);border:1px solid var(--line);border-radius:8px;overflow:hidden}
th,td{text-align:left;padding:8px 10px;border-bottom:1px solid var(--line);vertical-align:top;font-size:14px}
th{background:#eef1f4;font-weight:600;color:#3e4c59;font-size:13px}
td.n{text-align:right;font-variant-numeric:tabular-nums}
td.conv{white-space:nowrap}
.pbar{display:flex;height:10px;width:120px;background:#eef1f4;border-radius:3px;overflow:hidden;margin-top:4px}
.pbar i{display:block;height:100%}
.p-volume{background:#3e6d8e}.p-persistence{background:#b44d3a}.p-negativity{background:#c7811c}.p-signals{background:#6b5b95}.p-growth{background:#3f7d5a}
.legend i{display:inline-block;width:10px;height:10px;margin:0 4px 0 12px;border-radius:2px}
.alert{background:#fbeaea;border:1px solid #e3b4b4;border-radius:8px;padding:12px 16px;margin:16px 0}
.card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:16px 20px;margin:14px 0}
.card .head{display:flex;align-items:baseline;gap:10px;flex-wrap:wrap}
.card .meta{color:var(--muted);font-size:13px;margin:4px 0 10px}
.grid{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:18px}
blockquote{margin:8px 0;padding:6px 12px;border-left:3px solid #cbd2d9;background:#fafbfc;font-size:14px}
blockquote small{display:block;color:var(--muted);font-size:12px;margin-top:2px}
mark{background:#fdf0c4;padding:0 1px}
.next{background:#eef4f8;border-radius:6px;padding:8px 12px;font-size:14px;margin-top:10px}
.why{font-size:13px;color:var(--muted);margin:6px 0 0;padding-left:18px}
.hbar{height:8px;background:var(--accent);border-radius:2px;display:inline-block;vertical-align:middle}
svg text{font:11px sans-serif;fill:#616e7c}
footer{color:var(--muted);font-size:12px;margin-top:40px}
)CSS";

std::string Badge(FindingStatus s) {
  const char* n = FindingStatusName(s);
  return std::string("<span class=\"badge b-") + n + "\">" + n + "</span>";
}

// "+ spike" after the status when another test holds too; "?" when the
// window is too short for the tests.
std::string AlsoBadges(const Finding& f) {
  std::string out;
  for (FindingStatus s : f.also) out += " + " + Badge(s);
  if (f.provisional) out += " <small title=\"too few periods for the tests\">(provisional)</small>";
  return out;
}

// Bars of the share per period with the reference (dashed) and, for
// emerging issues, the own baseline (dotted).
std::string TrendSvg(const Finding& f) {
  const int w = 500, h = 130, left = 40, bottom = 22, top = 8;
  const size_t n = f.series.size();
  if (n == 0) return "";
  double maxv = std::max(f.reference_share, f.own_baseline_share);
  for (const PeriodPoint& p : f.series) maxv = std::max(maxv, p.share);
  if (maxv <= 0) maxv = 1;
  maxv *= 1.1;
  const double plot_w = w - left - 8, plot_h = h - bottom - top;
  const double bw = plot_w / static_cast<double>(n);
  auto y = [&](double v) { return top + plot_h * (1.0 - v / maxv); };
  std::string s = "<svg viewBox=\"0 0 " + std::to_string(w) + " " + std::to_string(h) + "\" width=\"" +
                  std::to_string(w) + "\" height=\"" + std::to_string(h) +
                  "\" role=\"img\" aria-label=\"share per period\">";
  s += "<line x1=\"" + std::to_string(left) + "\" y1=\"" + F(y(0)) + "\" x2=\"" + std::to_string(w - 8) +
       "\" y2=\"" + F(y(0)) + "\" stroke=\"#cbd2d9\"/>";
  s += "<text x=\"" + std::to_string(left - 4) + "\" y=\"" + F(y(maxv / 1.1) + 4) +
       "\" text-anchor=\"end\">" + Esc(PercentText(maxv / 1.1)) + "</text>";
  s += "<text x=\"" + std::to_string(left - 4) + "\" y=\"" + F(y(0)) + "\" text-anchor=\"end\">0</text>";
  for (size_t i = 0; i < n; ++i) {
    const PeriodPoint& p = f.series[i];
    const double x = left + i * bw + bw * 0.15;
    const double bh = plot_h * p.share / maxv;
    const char* fill = p.present ? "#b44d3a" : "#9fb3c8";
    if (f.status == FindingStatus::kEmerging && i + 1 == n) fill = "#c7811c";
    if (f.status == FindingStatus::kSpike && p.period == f.spike_period) fill = "#6b5b95";
    s += "<rect x=\"" + F(x) + "\" y=\"" + F(y(p.share)) + "\" width=\"" + F(bw * 0.7) + "\" height=\"" +
         F(std::max(bh, 0.5)) + "\" fill=\"" + fill + "\"><title>" + Esc(p.period) + ": " +
         std::to_string(p.count) + " of " + std::to_string(p.total) + " (" + Esc(PercentText(p.share)) +
         ")</title></rect>";
  }
  s += "<line x1=\"" + std::to_string(left) + "\" y1=\"" + F(y(f.reference_share)) + "\" x2=\"" +
       std::to_string(w - 8) + "\" y2=\"" + F(y(f.reference_share)) +
       "\" stroke=\"#1f2933\" stroke-dasharray=\"5 4\" stroke-width=\"1.2\"/>";
  if (f.status == FindingStatus::kEmerging)
    s += "<line x1=\"" + std::to_string(left) + "\" y1=\"" + F(y(f.own_baseline_share)) + "\" x2=\"" +
         std::to_string(w - 8) + "\" y2=\"" + F(y(f.own_baseline_share)) +
         "\" stroke=\"#c7811c\" stroke-dasharray=\"2 3\" stroke-width=\"1.2\"/>";
  s += "<text x=\"" + std::to_string(left) + "\" y=\"" + std::to_string(h - 6) + "\">" +
       Esc(f.series.front().period) + "</text>";
  s += "<text x=\"" + std::to_string(w - 8) + "\" y=\"" + std::to_string(h - 6) + "\" text-anchor=\"end\">" +
       Esc(f.series.back().period) + "</text>";
  s += "</svg>";
  return s;
}

// The snippet with its evidence spans marked; everything escaped.
std::string MarkedSnippet(const Quote& q) {
  std::string out = q.cut_left ? "&hellip; " : "";
  std::vector<std::pair<uint32_t, uint32_t>> spans = q.spans;
  std::sort(spans.begin(), spans.end());
  size_t pos = 0;
  for (const auto& [b, e] : spans) {
    if (b < pos || e > q.snippet.size() || b >= e) continue;
    out += Esc(std::string_view(q.snippet).substr(pos, b - pos));
    out += "<mark>" + Esc(std::string_view(q.snippet).substr(b, e - b)) + "</mark>";
    pos = e;
  }
  out += Esc(std::string_view(q.snippet).substr(std::min(pos, q.snippet.size())));
  if (q.cut_right) out += " &hellip;";
  return out;
}

std::string QuoteHtml(const Quote& q) {
  return "<blockquote>" + MarkedSnippet(q) + "<small>" + Esc(q.channel) + " &middot; " + Esc(q.period) +
         " &middot; " + PolarityName(q.polarity) + "</small></blockquote>";
}

// The compact cell of the findings table: share resolved, sentiment
// change and transfers of the conversations that carried the theme.
std::string ConversationCell(const Finding& x) {
  if (!x.conversations) return "<td></td>";
  const ConversationFigures& c = *x.conversations;
  std::string change = c.mean_sentiment_change ? F(*c.mean_sentiment_change, "%+.2f") : "n/a";
  return "<td class=\"conv\" title=\"" + Esc(internal::ConversationText(c)) + "\">" +
         Esc(PercentText(c.share_resolved)) + " resolved<br><small>sentiment " + change + " &middot; " +
         F(c.transfers_per_conversation, "%.2f") + " transfers</small></td>";
}

std::string PriorityBar(const Finding& f) {
  std::string s = "<div class=\"pbar\" title=\"";
  for (const PriorityPart& p : f.priority_parts) s += Esc(p.name) + " " + F(p.points) + "; ";
  s += "\">";
  for (const PriorityPart& p : f.priority_parts)
    s += "<i class=\"p-" + Esc(p.name) + "\" style=\"width:" + F(p.points, "%.2f") + "%\"></i>";
  return s + "</div>";
}

}  // namespace

std::string FindingsToHtml(const Findings& f, const HtmlOptions& options) {
  std::string h;
  h.reserve(64 * 1024);
  h += "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">";
  h += "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">";
  h += "<title>" + Esc(options.title) + "</title><style>" + kCss + "</style></head><body><main>\n";
  h += "<h1>" + Esc(options.title) + "</h1>\n";
  h += "<p class=\"sub\">Window " + Esc(internal::WindowText(f)) + " &middot; by " + PeriodName(f.period) +
       " &middot; chronic = above baseline in " + std::to_string(f.options.chronic_k) + " of the last " +
       std::to_string(f.options.chronic_n) + " periods</p>\n";
  h += internal::HistoryHtml(f);  // what changed opens the report

  h += "<div class=\"kpis\">";
  auto kpi = [&](const std::string& v, const std::string& label) {
    h += "<div class=\"kpi\"><b>" + v + "</b><span>" + label + "</span></div>";
  };
  // Conversation input counts conversations (each once, by the customer's turns).
  const std::string unit = f.conversations ? "conversations" : "verbatims";
  const std::string Unit = f.conversations ? "Conversations" : "Verbatims";
  kpi(std::to_string(f.in_window), unit + " in window");
  kpi(std::to_string(f.findings.size()), "issue themes");
  for (FindingStatus s :
       {FindingStatus::kChronic, FindingStatus::kEmerging, FindingStatus::kSpike, FindingStatus::kResolved})
    kpi(std::to_string(f.Count(s)), Badge(s));
  kpi(Esc(PercentText(f.in_window ? static_cast<double>(f.unclassified) / f.in_window : 0.0)),
      "unclassified");
  if (f.undated) kpi(std::to_string(f.undated), "undated (not in trends)");
  h += "</div>\n";
  if (f.conversations) {
    // Conversation input: one conversation counts once, by the customer's turns.
    const ConversationFigures& c = *f.conversations;
    h += "<div class=\"kpis\" title=\"" + Esc(internal::ConversationText(c)) + "\">";
    kpi(std::to_string(c.turns), "turns in " + std::to_string(c.conversations) + " conversations" +
                                     (f.undated ? " (with undated)" : ""));
    kpi(Esc(PercentText(c.share_resolved)), "resolved");
    kpi(Esc(PercentText(c.share_unresolved)), "unresolved");
    kpi(c.mean_sentiment_change ? F(*c.mean_sentiment_change, "%+.2f") : "n/a", "customer sentiment change");
    kpi(F(c.transfers_per_conversation, "%.2f"), "transfers per conversation");
    kpi(F(c.right_first_time, "%.2f"), "right first time (estimate)");
    h += "</div>\n";
  }
  // The language mix, when there is more than one language.
  if (f.languages.size() > 1) {
    h += "<p class=\"meta\">Languages: ";
    for (size_t i = 0; i < f.languages.size() && i < 8; ++i) {
      const NamedCount& l = f.languages[i];
      h += (i ? " &middot; " : "") + Esc(LanguageName(l.name)) + " " +
           Esc(PercentText(f.records ? static_cast<double>(l.count) / f.records : 0.0));
      for (const NamedCount& u : f.languages_unscored)
        if (u.name == l.name) h += " (" + std::to_string(u.count) + " not scored)";
    }
    h += "</p>\n";
  }

  // Escalations first: safety does not wait for volume. The themes with the
  // most urgency/safety mentions are named; the rest are summed up, so a
  // verbatim touching many themes does not flood the banner.
  std::vector<const Finding*> escalated;
  for (const Finding& x : f.findings)
    if (x.escalated) escalated.push_back(&x);
  std::stable_sort(escalated.begin(), escalated.end(),
                   [](const Finding* a, const Finding* b) { return a->urgency_safety > b->urgency_safety; });
  constexpr size_t kNamedEscalations = 6;
  std::string esc;
  uint64_t rest_mentions = 0;
  for (size_t i = 0; i < escalated.size(); ++i) {
    const Finding& x = *escalated[i];
    if (i >= kNamedEscalations) {
      rest_mentions += x.urgency_safety;
      continue;
    }
    esc += "<li><b>" + Esc(x.theme) + "</b> &mdash; " + std::to_string(x.urgency_safety) +
           " urgency/safety mention" + (x.urgency_safety == 1 ? "" : "s") + " (" +
           Esc(x.department.empty() ? "unassigned" : x.department) + ")</li>";
  }
  if (escalated.size() > kNamedEscalations)
    esc += "<li>and " + std::to_string(escalated.size() - kNamedEscalations) + " more themes with " +
           std::to_string(rest_mentions) +
           " mentions in all (marked <span class=\"badge b-esc\">safety</span> below)</li>";
  if (!esc.empty())
    h += "<div class=\"alert\"><b>Escalate regardless of volume</b><ul>" + esc + "</ul></div>\n";
  if (!f.window_sufficient)
    h += "<div class=\"alert\"><b>Too few periods for confident statuses.</b> The window has " +
         std::to_string(f.periods.size()) + " " + PeriodName(f.period) +
         "(s); the chronic, emerging and spike tests need at least " + std::to_string(f.min_periods) +
         ". The statuses below are provisional: read them as hints, not verdicts.</div>\n";
  if (!f.surges.empty()) {
    h += "<h2>Volume surges</h2>\n<p class=\"sub\">Periods whose total volume stands out "
         "from the typical (median) volume of the other periods, even when theme shares stay "
         "flat.</p>\n<table><tr><th>Period</th><th>Channel</th><th class=\"n\">" +
         Unit +
         "</th>"
         "<th class=\"n\">Typical</th><th class=\"n\">Ratio</th><th>Driven by</th></tr>\n";
    for (const VolumeSurge& x : f.surges) {
      std::string drivers;
      for (const SurgeDriver& dr : x.drivers)
        drivers += (drivers.empty() ? "" : ", ") + Esc(dr.theme) + " (+" + F(dr.excess, "%.0f") + ")";
      h += "<tr><td>" + Esc(x.period) + "</td><td>" +
           (x.channel.empty() ? std::string("all") : Esc(x.channel)) + "</td><td class=\"n\">" +
           std::to_string(x.count) + "</td><td class=\"n\">" + F(x.typical, "%.0f") +
           "</td><td class=\"n\">" + (x.ratio > 0 ? F(x.ratio, "%.1f") + "x" : "new") + "</td><td>" +
           drivers + "</td></tr>\n";
    }
    h += "</table>\n";
  }

  h += internal::EconHtml(f);

  h += "<h2>Findings by " + std::string(RankByName(f.options.rank_by)) +
       "</h2>\n<p class=\"sub legend\">Priority 0&ndash;100, made of"
       "<i class=\"p-volume\"></i>volume<i class=\"p-persistence\"></i>persistence"
       "<i class=\"p-negativity\"></i>negativity<i class=\"p-signals\"></i>CX signals"
       "<i class=\"p-growth\"></i>growth</p>\n";
  h += "<table><tr><th>#</th><th>Theme</th><th>Status</th><th>Priority</th><th>Owner</th>"
       "<th class=\"n\">Volume</th><th class=\"n\">Share</th><th class=\"n\">Negative</th>"
       "<th>Trend</th>" +
       std::string(f.conversations ? "<th>Conversations</th>" : "") + "<th>Channels</th></tr>\n";
  for (size_t i = 0; i < f.findings.size(); ++i) {
    const Finding& x = f.findings[i];
    std::string ch;
    for (const NamedCount& c : x.channels) ch += (ch.empty() ? "" : ", ") + Esc(c.name);
    h += "<tr><td class=\"n\">" + std::to_string(i + 1) + "</td><td><b>" + Esc(x.theme) + "</b></td><td>" +
         Badge(x.status) + AlsoBadges(x) + (x.escalated ? " <span class=\"badge b-esc\">safety</span>" : "") +
         "</td><td>" + F(x.priority) + PriorityBar(x) + "</td><td>" +
         Esc(x.department.empty() ? "unassigned" : x.department) + "<br><small>" + ValueRoleName(x.role) +
         "</small></td><td class=\"n\">" + std::to_string(x.volume) + "</td><td class=\"n\">" +
         Esc(PercentText(x.share)) + "</td><td class=\"n\">" + Esc(PercentText(x.share_negative)) +
         "</td><td>" + Esc(x.trend) + "</td>" + (f.conversations ? ConversationCell(x) : std::string()) +
         "<td>" + ch + "</td></tr>\n";
  }
  h += "</table>\n";

  h += "<h2>Issues to act on</h2>\n";
  size_t shown = 0;
  for (size_t i = 0; i < f.findings.size() && shown < options.max_detailed; ++i) {
    const Finding& x = f.findings[i];
    if (x.status == FindingStatus::kStable && !x.escalated) continue;
    ++shown;
    h += "<div class=\"card\"><div class=\"head\"><h3>" + std::to_string(i + 1) + ". " + Esc(x.theme) +
         "</h3>" + Badge(x.status) + AlsoBadges(x) +
         (x.escalated ? " <span class=\"badge b-esc\">safety</span>" : "") + "</div>";
    h += "<div class=\"meta\">" + Esc(x.department.empty() ? "unassigned" : x.department) + " (" +
         ValueRoleName(x.role) + ") &middot; " + std::to_string(x.volume) + " " + unit + ", " +
         Esc(PercentText(x.share)) + " of all &middot; " + Esc(PercentText(x.share_negative)) +
         " negative &middot; trend " + Esc(x.trend) + "</div>";
    h += "<div class=\"grid\"><div>" + TrendSvg(x) +
         "<div class=\"meta\">Bars: share per period (red: above baseline); dashed: baseline " +
         Esc(PercentText(x.reference_share)) +
         (x.status == FindingStatus::kEmerging
              ? "; dotted: own earlier share " + Esc(PercentText(x.own_baseline_share))
              : std::string()) +
         "</div></div><div><b>Why it is here</b><p style=\"margin:4px 0\">" + Esc(x.status_reason) +
         "</p><b>Priority " + F(x.priority) + "</b><ul class=\"why\">";
    for (const PriorityPart& p : x.priority_parts)
      h += "<li>" + Esc(p.name) + " +" + F(p.points) + ": " + Esc(p.why) + "</li>";
    h += "</ul>";
    if (x.conversations)
      h += "<p class=\"meta\"><b>Conversations.</b> " + Esc(internal::ConversationText(*x.conversations)) +
           "</p>";
    if (x.customers)
      h += "<p class=\"meta\">" + std::to_string(x.repeat_customers) + " of " + std::to_string(x.customers) +
           " identified customers contacted more than once</p>";
    h += "</div></div>";
    h += internal::FindingEconHtml(x, f);
    h += internal::FindingHistoryHtml(x);
    h += "<div class=\"next\"><b>Next step.</b> " + Esc(SuggestedNextStep(x)) + "</div>";
    for (const Quote& q : x.evidence) h += QuoteHtml(q);
    h += "</div>\n";
  }
  if (shown == 0) h += "<p class=\"sub\">No chronic, emerging, resolved or one-off issues.</p>\n";

  // Departments and channels at a glance.
  std::map<std::string, std::map<std::string, int>> dept;
  std::map<std::string, uint64_t> dept_volume;
  for (const Finding& x : f.findings) {
    const std::string d = x.department.empty() ? "unassigned" : x.department;
    ++dept[d][FindingStatusName(x.status)];
    dept_volume[d] += x.volume;
  }
  uint64_t maxd = 1;
  for (const auto& [d, v] : dept_volume) maxd = std::max(maxd, v);
  h += "<h2>At a glance</h2><div class=\"grid\"><div><table><tr><th>Department</th>"
       "<th>Findings</th><th class=\"n\">" +
       Unit + "</th></tr>";
  for (const auto& [d, st] : dept) {
    std::string badges;
    for (const auto& [s, n] : st) badges += std::to_string(n) + "&nbsp;" + Esc(s) + " ";
    h += "<tr><td>" + Esc(d) + "</td><td>" + badges + "</td><td class=\"n\">" +
         std::to_string(dept_volume[d]) +
         " <span class=\"hbar\" style=\"width:" + F(60.0 * dept_volume[d] / maxd, "%.0f") +
         "px\"></span></td></tr>";
  }
  h += "</table></div><div><table><tr><th>Channel</th><th class=\"n\">" + Unit + "</th></tr>";
  uint64_t maxc = 1;
  for (const NamedCount& c : f.channels) maxc = std::max(maxc, c.count);
  for (const NamedCount& c : f.channels)
    h += "<tr><td>" + Esc(c.name) + "</td><td class=\"n\">" + std::to_string(c.count) +
         " <span class=\"hbar\" style=\"width:" + F(60.0 * c.count / maxc, "%.0f") + "px\"></span></td></tr>";
  h += "</table></div></div>\n";

  if (!f.unknown_themes.empty()) {
    h += "<h2>Possible new themes in unclassified verbatims</h2>\n";
    if (!f.unknown_themes.front().id.empty())
      h += "<p class=\"sub\">Discovered in the verbatims no known theme covers (phrases "
           "grouped by the verbatims they share; sizes estimated from a uniform sample). "
           "<b>To promote them</b>: run <code>voc discover INPUT -o draft.json</code> "
           "(add <code>--themes YOUR_TAXONOMY</code> to keep yours), review the "
           "<code>discovered/&hellip;</code> themes in the draft (rename the label, set the "
           "department, edit or delete the rule), then pass it back with "
           "<code>--themes draft.json</code>: they become themes like any other.</p>\n";
    for (const UnknownTheme& t : f.unknown_themes) {
      std::string spark;
      uint64_t maxc = 1;
      for (const PeriodPoint& p : t.series) maxc = std::max(maxc, p.count);
      for (const PeriodPoint& p : t.series)
        spark += "<span class=\"hbar\" title=\"" + Esc(p.period) + ": " + std::to_string(p.count) +
                 "\" style=\"width:4px;margin-right:1px;height:" + F(2.0 + 18.0 * p.count / maxc, "%.0f") +
                 "px;vertical-align:bottom\"></span>";
      h += "<div class=\"card\"><div class=\"head\"><h3>&ldquo;" + Esc(t.name) + "&rdquo;</h3>" +
           (t.id.empty() ? std::string() : Badge(t.status)) + "<span class=\"meta\">" +
           std::to_string(t.count) + " unclassified verbatims" +
           (t.id.empty() ? std::string()
                         : " (" + Esc(PercentText(t.share)) + " of the sample), " +
                               Esc(PercentText(t.sample_count ? t.share_negative : 0.0)) + " negative") +
           "</span></div>";
      if (!t.id.empty()) {
        h += "<div class=\"meta\">" + spark + " trend " + Esc(t.trend) + " &middot; " + Esc(t.status_reason) +
             "</div>";
        h += "<div class=\"meta\">Draft id <code>" + Esc(t.id) + "</code>; suggested rule <code>" +
             Esc(t.rule) + "</code> (precision " + F(t.rule_precision, "%.2f") + ", recall " +
             F(t.rule_recall, "%.2f") + ")</div>";
        if (t.impact.valid) h += "<div class=\"meta\">Impact on the score: " + Esc(t.impact.why) + "</div>";
      }
      h += "<div class=\"meta\">Phrases: ";
      for (size_t i = 0; i < t.phrases.size(); ++i)
        h += (i ? ", " : "") + Esc(t.phrases[i].phrase) + " (" + std::to_string(t.phrases[i].unclassified) +
             ")";
      h += "</div>";
      for (const Quote& q : t.examples) h += QuoteHtml(q);
      h += "</div>\n";
    }
  }
  if (!f.warnings.empty() || !f.industries.mode.empty()) {
    h += "<h2>Notes</h2><ul>";
    if (!f.industries.mode.empty())
      h += "<li>Industry packs of the taxonomy: " + Esc(f.industries.Summary()) + "</li>";
    for (const std::string& w : f.warnings) h += "<li>" + Esc(w) + "</li>";
    h += "</ul>";
  }
  h += "<footer>Generated by voc. Quotes are redacted customer verbatims. Findings schema " +
       std::string(kFindingsSchemaVersion) + ".</footer>\n</main></body></html>\n";
  return h;
}

}  // namespace voc
