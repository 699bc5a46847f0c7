// The action loop across runs: history files, actions files, and the
// comparison of a run's findings with the previous run (voc/history.h).
#include "voc/history.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "insight/findings_history.h"
#include "util/json_depth.h"
#include "voc/aggregate.h"
#include "voc/findings.h"

namespace voc {

using Json = nlohmann::ordered_json;

namespace {

double Round(double x, double scale = 1e6) { return std::round(x * scale) / scale; }

std::string Pct(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", 100.0 * x);
  return buf;
}

std::string Num(double x, const char* fmt) {
  char buf[48];
  std::snprintf(buf, sizeof buf, fmt, x);
  return buf;
}

std::string PValue(double p) { return p < 1e-4 ? Num(p, "%.1e") : Num(p, "%.4f"); }

// Days since 1970-01-01 of a proleptic Gregorian date (Hinnant's algorithm).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

bool ParseDate(std::string_view s, int64_t* days) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (s[i] < '0' || s[i] > '9') return false;
  auto num = [&](size_t b, size_t n) {
    int v = 0;
    for (size_t i = b; i < b + n; ++i) v = v * 10 + (s[i] - '0');
    return v;
  };
  const int y = num(0, 4), m = num(5, 2), d = num(8, 2);
  if (y < 1970 || m < 1 || m > 12 || d < 1) return false;
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (d > kDays[m - 1] + (m == 2 && leap)) return false;
  if (days) *days = DaysFromCivil(y, static_cast<unsigned>(m), static_cast<unsigned>(d));
  return true;
}

std::string NowUtc() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// Pooled two-proportion z statistic of (x2/n2 - x1/n1); 0 when undefined.
double TwoProportionZ(double x1, double n1, double x2, double n2) {
  if (n1 <= 0 || n2 <= 0) return 0.0;
  const double p = (x1 + x2) / (n1 + n2);
  const double se = std::sqrt(p * (1.0 - p) * (1.0 / n1 + 1.0 / n2));
  if (!(se > 0)) return 0.0;
  return (x2 / n2 - x1 / n1) / se;
}

// Line (1-based) of byte `offset` in `text`.
size_t LineOf(std::string_view text, size_t offset) {
  offset = std::min(offset, text.size());
  return 1 + static_cast<size_t>(
                 std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(offset), '\n'));
}

// What a JSON library error says after its "[json.exception.KIND.N] " tag
// (e.g. "number overflow parsing '1e400'").
std::string JsonExceptionDetail(const std::exception& e) {
  const std::string what = e.what();
  const size_t tag = what.find("] ");
  return tag == std::string::npos ? what : what.substr(tag + 2);
}

// ---- actions ------------------------------------------------------------

struct CsvRow {
  size_t line = 0;
  std::vector<std::string> fields;
};

// RFC 4180 rows with the line each starts on; an error names the line.
Status ParseCsvRows(std::string_view text, const std::string& src, std::vector<CsvRow>* rows) {
  size_t i = 0, line = 1;
  if (text.substr(0, 3) == "\xEF\xBB\xBF") i = 3;
  while (i < text.size()) {
    CsvRow row;
    row.line = line;
    std::string field;
    bool done = false;
    while (!done) {
      field.clear();
      if (i < text.size() && text[i] == '"') {
        const size_t open_line = line;
        ++i;
        bool closed = false;
        while (i < text.size()) {
          const char c = text[i++];
          if (c == '"') {
            if (i < text.size() && text[i] == '"') {
              field += '"';
              ++i;
            } else {
              closed = true;
              break;
            }
          } else {
            if (c == '\n') ++line;
            field += c;
          }
        }
        if (!closed)
          return InvalidArgumentError(src + ":" + std::to_string(open_line) + ": unterminated quoted field");
        if (i < text.size() && text[i] != ',' && text[i] != '\n' && text[i] != '\r')
          return InvalidArgumentError(src + ":" + std::to_string(line) + ": text after a closing quote");
      } else {
        while (i < text.size() && text[i] != ',' && text[i] != '\n' && text[i] != '\r') field += text[i++];
      }
      row.fields.push_back(field);
      if (i >= text.size()) {
        done = true;
      } else if (text[i] == ',') {
        ++i;
      } else {
        if (text[i] == '\r') ++i;
        if (i < text.size() && text[i] == '\n') ++i;
        ++line;
        done = true;
      }
    }
    const bool blank = row.fields.size() == 1 && row.fields[0].find_first_not_of(" \t") == std::string::npos;
    if (!blank) rows->push_back(std::move(row));
  }
  return Status::Ok();
}

std::string Trim(std::string s) {
  const size_t b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  const size_t e = s.find_last_not_of(" \t");
  return s.substr(b, e - b + 1);
}

std::string Lower(std::string s) {
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

// Checks one action; `where` is "file:line" or "file: item N".
Status CheckAction(const Action& a, const std::string& where) {
  if (a.theme.empty()) return InvalidArgumentError(where + ": empty theme");
  if (a.date.empty()) return InvalidArgumentError(where + ": empty date (expected YYYY-MM-DD)");
  if (!ParseDate(a.date, nullptr))
    return InvalidArgumentError(where + ": bad date '" + a.date + "' (expected YYYY-MM-DD)");
  return Status::Ok();
}

Result<std::vector<Action>> ParseActionsJson(std::string_view text, const std::string& src) {
  if (std::string depth = internal::JsonDepthError(text); !depth.empty())
    return InvalidArgumentError(src + ": " + depth);
  Json doc;
  try {
    doc = Json::parse(text.begin(), text.end());
  } catch (const Json::parse_error& e) {
    return InvalidArgumentError(src + ":" + std::to_string(LineOf(text, e.byte ? e.byte - 1 : 0)) +
                                ": not valid JSON");
  } catch (const Json::exception& e) {  // a number too large for any type
    return InvalidArgumentError(src + ": not valid JSON: " + JsonExceptionDetail(e));
  }
  if (!doc.is_array()) return InvalidArgumentError(src + ": expected a JSON array of actions");
  // The line of each item: the n-th '{' at depth 1, found by a scan.
  std::vector<size_t> item_lines;
  {
    int depth = 0;
    size_t line = 1, counted = 0;  // newlines before byte `counted`
    internal::ForEachJsonBracket(text, [&](size_t i, char c) {
      if (c == '[' || c == '{') {
        if (depth == 1) {
          line += static_cast<size_t>(std::count(text.begin() + counted, text.begin() + i, '\n'));
          counted = i;
          item_lines.push_back(line);
        }
        ++depth;
      } else {
        --depth;
      }
      return true;
    });
  }
  std::vector<Action> out;
  for (size_t k = 0; k < doc.size(); ++k) {
    const std::string where = src + ":" + std::to_string(k < item_lines.size() ? item_lines[k] : 1) +
                              " (item " + std::to_string(k + 1) + ")";
    const Json& o = doc[k];
    if (!o.is_object()) return InvalidArgumentError(where + ": expected an object");
    Action a;
    for (auto it = o.begin(); it != o.end(); ++it) {
      const std::string key = Lower(it.key());
      std::string* field = key == "theme"    ? &a.theme
                           : key == "owner"  ? &a.owner
                           : key == "action" ? &a.action
                           : key == "date"   ? &a.date
                           : key == "status" ? &a.status
                                             : nullptr;
      if (!field) continue;
      if (it.value().is_null()) continue;
      if (!it.value().is_string()) return InvalidArgumentError(where + ": '" + key + "' must be a string");
      *field = Trim(it.value().get<std::string>());
    }
    VOC_RETURN_IF_ERROR(CheckAction(a, where));
    out.push_back(std::move(a));
  }
  return out;
}

Result<std::vector<Action>> ParseActionsCsv(std::string_view text, const std::string& src) {
  std::vector<CsvRow> rows;
  VOC_RETURN_IF_ERROR(ParseCsvRows(text, src, &rows));
  if (rows.empty())
    return InvalidArgumentError(src + ": empty (expected a header row: theme,owner,action,date,status)");
  int col[5] = {-1, -1, -1, -1, -1};
  static const char* kNames[5] = {"theme", "owner", "action", "date", "status"};
  for (size_t c = 0; c < rows[0].fields.size(); ++c) {
    const std::string name = Lower(Trim(rows[0].fields[c]));
    for (int k = 0; k < 5; ++k)
      if (name == kNames[k] && col[k] < 0) col[k] = static_cast<int>(c);
  }
  if (col[0] < 0 || col[3] < 0)
    return InvalidArgumentError(src + ":" + std::to_string(rows[0].line) +
                                ": the header must name the columns theme and date "
                                "(theme,owner,action,date,status)");
  std::vector<Action> out;
  for (size_t r = 1; r < rows.size(); ++r) {
    const CsvRow& row = rows[r];
    const std::string where = src + ":" + std::to_string(row.line);
    if (row.fields.size() != rows[0].fields.size())
      return InvalidArgumentError(where + ": " + std::to_string(row.fields.size()) +
                                  " fields, the header has " + std::to_string(rows[0].fields.size()));
    Action a;
    std::string* dst[5] = {&a.theme, &a.owner, &a.action, &a.date, &a.status};
    for (int k = 0; k < 5; ++k)
      if (col[k] >= 0) *dst[k] = Trim(row.fields[static_cast<size_t>(col[k])]);
    VOC_RETURN_IF_ERROR(CheckAction(a, where));
    out.push_back(std::move(a));
  }
  return out;
}

}  // namespace

bool IsValidDate(std::string_view date) { return ParseDate(date, nullptr); }

Result<std::vector<Action>> ParseActions(std::string_view text, std::string_view source) {
  const std::string src(source.empty() ? "actions" : source);
  size_t b = 0;
  if (text.substr(0, 3) == "\xEF\xBB\xBF") b = 3;
  while (b < text.size() && std::isspace(static_cast<unsigned char>(text[b]))) ++b;
  if (b < text.size() && (text[b] == '[' || text[b] == '{')) return ParseActionsJson(text.substr(b), src);
  return ParseActionsCsv(text, src);
}

// ---- history files ----------------------------------------------------------

std::string SerializeHistoryRun(const HistoryRun& r) {
  Json themes = Json::array();
  for (const HistoryTheme& t : r.themes) {
    Json j{{"theme", t.theme},
           {"status", t.status},
           {"issue", t.issue},
           {"state", t.state},
           {"volume", t.volume},
           {"share", t.share},
           {"impact", nullptr},
           {"priority", t.priority},
           {"department", t.department},
           {"since_run", t.since_run},
           {"since_period", t.since_period},
           {"runs", t.runs},
           {"resolved_run", t.resolved_run}};
    if (t.impact) j["impact"] = *t.impact;
    themes.push_back(std::move(j));
  }
  Json j{{"format", "voc-history"},      {"version", kHistoryVersion}, {"run_id", r.run_id},
         {"sequence", r.sequence},       {"timestamp", r.timestamp},   {"period", r.period},
         {"last_period", r.last_period}, {"in_window", r.in_window},   {"themes", themes}};
  return j.dump(1, ' ', false, Json::error_handler_t::replace) + "\n";
}

Result<HistoryRun> ParseHistoryRun(std::string_view text) {
  if (std::string depth = internal::JsonDepthError(text); !depth.empty())
    return InvalidArgumentError("history: " + depth);
  Json j;
  try {
    j = Json::parse(text.begin(), text.end());
  } catch (const Json::parse_error& e) {
    return InvalidArgumentError("history: not valid JSON (line " +
                                std::to_string(LineOf(text, e.byte ? e.byte - 1 : 0)) + ")");
  } catch (const Json::exception& e) {  // a number too large for any type
    return InvalidArgumentError("history: not valid JSON: " + JsonExceptionDetail(e));
  }
  if (!j.is_object() || j.value("format", Json()) != "voc-history")
    return InvalidArgumentError("history: not a voc history file (no \"format\": \"voc-history\")");
  if (!j.contains("version") || !j["version"].is_number_integer())
    return InvalidArgumentError("history: missing or non-integer \"version\"");
  const int64_t version = j["version"].get<int64_t>();
  if (version > kHistoryVersion)
    return FailedPreconditionError("history: version " + std::to_string(version) +
                                   " is newer than this voc reads (" + std::to_string(kHistoryVersion) +
                                   "); upgrade voc");
  if (version < 1) return InvalidArgumentError("history: bad version " + std::to_string(version));
  HistoryRun r;
  auto str = [&](const Json& o, const char* key, std::string* dst) -> Status {
    if (!o.contains(key)) return Status::Ok();
    if (!o[key].is_string())
      return InvalidArgumentError(std::string("history: \"") + key + "\" must be a string");
    *dst = o[key].get<std::string>();
    return Status::Ok();
  };
  auto uint = [&](const Json& o, const char* key, uint64_t* dst) -> Status {
    if (!o.contains(key)) return Status::Ok();
    // Counts stay far below 2^53 so that differences never overflow.
    if (!o[key].is_number_unsigned() || o[key].get<uint64_t>() > (uint64_t{1} << 50))
      return InvalidArgumentError(std::string("history: \"") + key + "\" must be a count");
    *dst = o[key].get<uint64_t>();
    return Status::Ok();
  };
  auto num = [&](const Json& o, const char* key, double* dst) -> Status {
    if (!o.contains(key)) return Status::Ok();
    if (!o[key].is_number() || !std::isfinite(o[key].get<double>()))
      return InvalidArgumentError(std::string("history: \"") + key + "\" must be a number");
    *dst = o[key].get<double>();
    return Status::Ok();
  };
  VOC_RETURN_IF_ERROR(str(j, "run_id", &r.run_id));
  VOC_RETURN_IF_ERROR(uint(j, "sequence", &r.sequence));
  VOC_RETURN_IF_ERROR(str(j, "timestamp", &r.timestamp));
  VOC_RETURN_IF_ERROR(str(j, "period", &r.period));
  VOC_RETURN_IF_ERROR(str(j, "last_period", &r.last_period));
  VOC_RETURN_IF_ERROR(uint(j, "in_window", &r.in_window));
  if (r.run_id.empty()) return InvalidArgumentError("history: missing \"run_id\"");
  if (!ParsePeriod(r.period).ok()) return InvalidArgumentError("history: bad \"period\" '" + r.period + "'");
  if (!j.contains("themes") || !j["themes"].is_array())
    return InvalidArgumentError("history: missing \"themes\" array");
  std::set<std::string> seen;
  for (const Json& o : j["themes"]) {
    if (!o.is_object()) return InvalidArgumentError("history: a theme entry is not an object");
    HistoryTheme t;
    VOC_RETURN_IF_ERROR(str(o, "theme", &t.theme));
    if (t.theme.empty()) return InvalidArgumentError("history: a theme entry has no \"theme\"");
    if (!seen.insert(t.theme).second)
      return InvalidArgumentError("history: theme '" + t.theme + "' is listed twice");
    VOC_RETURN_IF_ERROR(str(o, "status", &t.status));
    if (o.contains("issue")) {
      if (!o["issue"].is_boolean()) return InvalidArgumentError("history: \"issue\" must be true or false");
      t.issue = o["issue"].get<bool>();
    }
    VOC_RETURN_IF_ERROR(str(o, "state", &t.state));
    VOC_RETURN_IF_ERROR(uint(o, "volume", &t.volume));
    VOC_RETURN_IF_ERROR(num(o, "share", &t.share));
    if (!(t.share >= 0 && t.share <= 1))
      return InvalidArgumentError("history: share of '" + t.theme + "' outside [0, 1]");
    if (o.contains("impact") && !o["impact"].is_null()) {
      double v = 0;
      VOC_RETURN_IF_ERROR(num(o, "impact", &v));
      t.impact = v;
    }
    VOC_RETURN_IF_ERROR(num(o, "priority", &t.priority));
    VOC_RETURN_IF_ERROR(str(o, "department", &t.department));
    VOC_RETURN_IF_ERROR(str(o, "since_run", &t.since_run));
    VOC_RETURN_IF_ERROR(str(o, "since_period", &t.since_period));
    if (o.contains("runs")) {
      if (!o["runs"].is_number_integer() || o["runs"].get<int64_t>() < 0 ||
          o["runs"].get<int64_t>() > 1000000000)
        return InvalidArgumentError("history: \"runs\" must be a count");
      t.runs = static_cast<int>(o["runs"].get<int64_t>());
    }
    VOC_RETURN_IF_ERROR(str(o, "resolved_run", &t.resolved_run));
    r.themes.push_back(std::move(t));
  }
  return r;
}

// ---- the comparison -----------------------------------------------------------

namespace internal {

namespace {

bool IsIssue(FindingStatus s) { return s == FindingStatus::kChronic || s == FindingStatus::kEmerging; }

std::string RunId(uint64_t seq) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "run-%06llu", static_cast<unsigned long long>(seq));
  return buf;
}

void JudgeAction(const Findings& out, const Finding& f, const Action& a, ActionResult* r) {
  const FindingsOptions& o = out.options;
  r->action = a;
  int64_t days = 0;
  ParseDate(a.date, &days);
  const std::string at = PeriodId(days * 86400, out.period);
  r->action_period = at;
  const int64_t a_ord = *PeriodOrdinal(at, out.period);
  for (size_t i = 0; i < f.series.size() && i < out.periods.size(); ++i) {
    const Result<int64_t> ord = PeriodOrdinal(f.series[i].period, out.period);
    if (!ord.ok()) continue;
    if (*ord < a_ord) {
      ++r->before_periods;
      r->before_count += f.series[i].count;
      r->before_total += f.series[i].total;
    } else if (*ord > a_ord) {
      ++r->after_periods;
      r->after_count += f.series[i].count;
      r->after_total += f.series[i].total;
    }
  }
  const double xb = static_cast<double>(r->before_count), nb = static_cast<double>(r->before_total);
  const double xa = static_cast<double>(r->after_count), na = static_cast<double>(r->after_total);
  r->before_share = nb > 0 ? Round(xb / nb) : 0.0;
  r->after_share = na > 0 ? Round(xa / na) : 0.0;
  // z > 0 when the share fell after the action.
  const double z = -TwoProportionZ(xb, nb, xa, na);
  r->z = Round(z, 1e4);
  r->p_value = 0.5 * std::erfc(z / std::sqrt(2.0));
  const std::string unit = PeriodName(out.period);
  const std::string figures = "share " + Pct(r->before_share) + " in " + std::to_string(r->before_periods) +
                              " " + unit + (r->before_periods == 1 ? "" : "s") + " before (" +
                              std::to_string(r->before_count) + " of " + std::to_string(r->before_total) +
                              ") vs " + Pct(r->after_share) + " in " + std::to_string(r->after_periods) +
                              " after (" + std::to_string(r->after_count) + " of " +
                              std::to_string(r->after_total) + ")";
  if (r->after_periods < o.action_min_periods || na <= 0) {
    r->verdict = "too early";
    r->why = "only " + std::to_string(r->after_periods) + " " + unit + (r->after_periods == 1 ? "" : "s") +
             " after " + a.date + " (the " + unit + " " + at + " is left out); a verdict needs " +
             std::to_string(o.action_min_periods);
    if (r->after_periods > 0) r->why += "; so far " + figures;
    return;
  }
  if (r->before_periods == 0 || nb <= 0) {
    r->verdict = "no baseline";
    r->why = "no " + unit + " before " + a.date + " in the window; " + figures;
    return;
  }
  const bool sig = r->p_value < o.action_alpha;
  r->verdict = sig ? "worked" : "did not work";
  r->why = figures + "; one-sided two-proportion z-test (after < before): z = " + Num(z, "%.2f") +
           ", p = " + PValue(r->p_value) + (sig ? ", significant at " : ", not significant at ") +
           Num(o.action_alpha, "%g");
  const double pooled = (xb + xa) / (nb + na);
  if (std::min({pooled * nb, (1 - pooled) * nb, pooled * na, (1 - pooled) * na}) < 5)
    r->why += " (few verbatims: the normal approximation is rough)";
}

}  // namespace

void ApplyHistory(Findings* out) {
  const FindingsOptions& o = out->options;
  // Actions: with or without history.
  if (!o.actions.empty()) {
    std::map<std::string, size_t> by_theme;
    for (size_t i = 0; i < out->findings.size(); ++i) by_theme[out->findings[i].theme] = i;
    for (const Action& a : o.actions) {
      auto it = by_theme.find(a.theme);
      if (it == by_theme.end()) {
        out->warnings.push_back("actions: unknown theme '" + a.theme +
                                "' (no finding in this window); its action of " + a.date + " is not judged");
        continue;
      }
      if (!IsValidDate(a.date)) {
        out->warnings.push_back("actions: bad date '" + a.date + "' for theme '" + a.theme + "'; not judged");
        continue;
      }
      Finding& f = out->findings[it->second];
      ActionResult r;
      JudgeAction(*out, f, a, &r);
      f.actions.push_back(std::move(r));
    }
    for (Finding& f : out->findings) {
      std::stable_sort(f.actions.begin(), f.actions.end(), [](const ActionResult& a, const ActionResult& b) {
        return a.action.date < b.action.date;
      });
      for (const ActionResult& r : f.actions) {
        const std::string label = f.theme + " (" + r.action.date + ")";
        if (r.verdict == "worked")
          out->changes.actions_worked.push_back(label);
        else if (r.verdict == "did not work")
          out->changes.actions_did_not_work.push_back(label);
        else
          out->changes.actions_too_early.push_back(label);
      }
    }
  }
  if (!o.history) return;
  out->has_history = true;

  const HistoryRun* prev = o.previous_run ? &*o.previous_run : nullptr;
  if (prev && prev->period != PeriodName(out->period)) {
    out->warnings.push_back("history: the previous run (" + prev->run_id + ") used " + prev->period +
                            " periods, this one " + PeriodName(out->period) + "; not compared");
    prev = nullptr;
  }
  std::map<std::string, const HistoryTheme*> before;
  if (prev)
    for (const HistoryTheme& t : prev->themes) before[t.theme] = &t;

  HistoryRun& run = out->run;
  run.sequence = prev ? prev->sequence + 1 : (o.previous_run ? o.previous_run->sequence + 1 : 1);
  run.run_id = RunId(run.sequence);
  run.timestamp = o.run_timestamp.empty() ? NowUtc() : o.run_timestamp;
  run.period = PeriodName(out->period);
  run.last_period = out->periods.empty() ? "" : out->periods.back();
  run.in_window = out->in_window;

  HistoryChanges& ch = out->changes;
  if (prev) {
    ch.previous_run = prev->run_id;
    ch.previous_timestamp = prev->timestamp;
  }
  const std::string prev_name = prev ? prev->run_id : "";
  std::set<std::string> current;
  for (Finding& f : out->findings) {
    current.insert(f.theme);
    FindingHistory h;
    auto it = before.find(f.theme);
    const HistoryTheme* p = it == before.end() ? nullptr : it->second;
    const bool now = IsIssue(f.status), was = p && p->issue;
    const std::string status = FindingStatusName(f.status);
    if (p) {
      h.in_previous = true;
      h.previous_status = p->status;
      h.volume_change = static_cast<int64_t>(f.volume) - static_cast<int64_t>(p->volume);
      h.share_change = Round(f.share - p->share);
      if (p->impact && f.impact.valid) h.impact_change = Round(f.impact.impact - *p->impact, 1e4);
      const double z = TwoProportionZ(static_cast<double>(p->volume), static_cast<double>(prev->in_window),
                                      static_cast<double>(f.volume), static_cast<double>(out->in_window));
      h.z = Round(z, 1e4);
      h.p_value = std::erfc(std::fabs(z) / std::sqrt(2.0));
    }
    const std::string change_text =
        p ? "share " + Pct(p->share) + " in " + prev_name + " -> " + Pct(f.share) + " now (" +
                std::to_string(p->volume) + " -> " + std::to_string(f.volume) +
                " verbatims; two-proportion z = " + Num(h.z, "%.2f") + ", p = " + PValue(h.p_value) + ")"
          : std::string();
    if (now && !was) {
      const bool relapse = p && !p->resolved_run.empty();
      h.state = relapse ? "relapsed" : "new";
      h.since_run = run.run_id;
      h.since_period = run.last_period;
      h.runs = 1;
      h.reason = relapse ? "relapsed: " + status + " again after it was resolved in " + p->resolved_run
                 : prev  ? "new: " + status + " now, not an issue in " + prev_name
                         : "new: " + status + " (the first run with history)";
      if (p) h.reason += "; " + change_text;
      (relapse ? ch.relapsed : ch.new_issues).push_back(f.theme);
      if (f.status == FindingStatus::kChronic) ch.new_chronic.push_back(f.theme);
    } else if (now && was) {
      h.since_run = p->since_run.empty() ? prev_name : p->since_run;
      h.since_period = p->since_run.empty() ? prev->last_period : p->since_period;
      h.runs = std::max(1, p->runs) + 1;
      const double rel = p->share > 0 ? std::fabs(f.share - p->share) / p->share : (f.share > 0 ? 1.0 : 0.0);
      const bool sig = h.p_value < o.history_alpha && rel >= o.history_min_change;
      h.state = !sig ? "persisting" : f.share > p->share ? "worsening" : "improving";
      h.reason = h.state + ": an issue for " + std::to_string(h.runs) + " runs since " + h.since_run +
                 (h.since_period.empty() ? "" : " (" + h.since_period + ")") + "; " + change_text +
                 (sig ? std::string(f.share > p->share ? ", a significant rise" : ", a significant fall")
                      : std::string(", no significant change"));
      (h.state == "persisting"  ? ch.persisting
       : h.state == "worsening" ? ch.worsening
                                : ch.improving)
          .push_back(f.theme);
    } else if (!now && was) {
      h.state = "resolved";
      h.since_run = p->since_run;
      h.since_period = p->since_period;
      h.runs = p->runs;
      h.reason = "resolved: " + p->status + " in " + prev_name + ", " + status + " now; " + change_text;
      ch.resolved.push_back(f.theme);
      ResolvedTheme r;
      r.theme = f.theme;
      r.department = f.department;
      r.previous_status = p->status;
      r.status = status;
      r.previous_volume = p->volume;
      r.volume = f.volume;
      r.previous_share = p->share;
      r.share = f.share;
      r.since_run = p->since_run;
      r.runs = p->runs;
      out->resolved.push_back(std::move(r));
    } else {
      h.state = "quiet";
      h.reason = prev ? "quiet: not an issue in this run nor in " + prev_name : "quiet: not an issue";
    }
    HistoryTheme t;
    t.theme = f.theme;
    t.status = status;
    t.issue = now;
    t.state = h.state;
    t.volume = f.volume;
    t.share = f.share;
    if (f.impact.valid) t.impact = f.impact.impact;
    t.priority = f.priority;
    t.department = f.department;
    if (now) {
      t.since_run = h.since_run;
      t.since_period = h.since_period;
      t.runs = h.runs;
    }
    t.resolved_run = h.state == "resolved" ? run.run_id : p ? p->resolved_run : "";
    run.themes.push_back(std::move(t));
    f.history = std::move(h);
  }
  // Themes of the previous run with no finding now: resolved when they were
  // issues; carried while they were resolved once (for relapses).
  for (const auto& [theme, p] : before) {
    if (current.count(theme)) continue;
    if (!p->issue && p->resolved_run.empty()) continue;
    HistoryTheme t;
    t.theme = theme;
    t.department = p->department;
    t.state = p->issue ? "resolved" : "quiet";
    t.resolved_run = p->issue ? run.run_id : p->resolved_run;
    run.themes.push_back(t);
    if (!p->issue) continue;
    ch.resolved.push_back(theme);
    ResolvedTheme r;
    r.theme = theme;
    r.department = p->department;
    r.previous_status = p->status;
    r.previous_volume = p->volume;
    r.previous_share = p->share;
    r.since_run = p->since_run;
    r.runs = p->runs;
    out->resolved.push_back(std::move(r));
  }
  std::sort(run.themes.begin(), run.themes.end(),
            [](const HistoryTheme& a, const HistoryTheme& b) { return a.theme < b.theme; });
}

}  // namespace internal
}  // namespace voc
