// The history and actions parts of the reports (voc/history.h): JSON objects,
// CSV columns, the "What changed since the last run" HTML section and the
// digest lines.
#include <cstdio>
#include <string>
#include <vector>

#include "insight/report_util.h"

namespace voc {
namespace internal {

using Json = nlohmann::ordered_json;

namespace {

Json ActionJson(const ActionResult& r) {
  return Json{{"owner", r.action.owner},
              {"action", r.action.action},
              {"date", r.action.date},
              {"status", r.action.status},
              {"action_period", r.action_period},
              {"before",
               {{"periods", r.before_periods},
                {"count", r.before_count},
                {"total", r.before_total},
                {"share", r.before_share}}},
              {"after",
               {{"periods", r.after_periods},
                {"count", r.after_count},
                {"total", r.after_total},
                {"share", r.after_share}}},
              {"test", "two-proportion z-test, one-sided (share after < share before)"},
              {"z", r.z},
              {"p_value", r.p_value},
              {"verdict", r.verdict},
              {"why", r.why}};
}

}  // namespace

void AddFindingHistoryJson(const Finding& f, Json* j) {
  if (f.history) {
    const FindingHistory& h = *f.history;
    Json o{{"state", h.state},
           {"reason", h.reason},
           {"since_run", h.since_run},
           {"since_period", h.since_period},
           {"runs", h.runs},
           {"in_previous", h.in_previous},
           {"previous_status", h.previous_status},
           {"volume_change", h.volume_change},
           {"share_change", h.share_change},
           {"impact_change", nullptr},
           {"z", h.z},
           {"p_value", h.p_value}};
    if (h.impact_change) o["impact_change"] = *h.impact_change;
    (*j)["history"] = std::move(o);
  }
  if (!f.actions.empty()) {
    Json a = Json::array();
    for (const ActionResult& r : f.actions) a.push_back(ActionJson(r));
    (*j)["actions"] = std::move(a);
  }
}

void AddHistoryJson(const Findings& f, Json* j) {
  const FindingsOptions& o = f.options;
  if (f.has_history) {
    (*j)["options"]["history"] = {{"alpha", o.history_alpha}, {"min_change", o.history_min_change}};
    (*j)["run"] = {{"id", f.run.run_id},
                   {"timestamp", f.run.timestamp},
                   {"previous", f.changes.previous_run},
                   {"previous_timestamp", f.changes.previous_timestamp}};
    Json resolved = Json::array();
    for (const ResolvedTheme& r : f.resolved)
      resolved.push_back({{"theme", r.theme},
                          {"department", r.department},
                          {"previous_status", r.previous_status},
                          {"status", r.status},
                          {"previous_volume", r.previous_volume},
                          {"volume", r.volume},
                          {"previous_share", r.previous_share},
                          {"share", r.share},
                          {"since_run", r.since_run},
                          {"runs", r.runs}});
    (*j)["resolved"] = std::move(resolved);
  }
  if (f.has_history || !o.actions.empty()) {
    if (!o.actions.empty())
      (*j)["options"]["actions"] = {{"alpha", o.action_alpha}, {"min_periods", o.action_min_periods}};
    const HistoryChanges& c = f.changes;
    Json ch{{"previous_run", c.previous_run}};
    if (f.has_history) {
      ch["new"] = c.new_issues;
      ch["new_chronic"] = c.new_chronic;
      ch["relapsed"] = c.relapsed;
      ch["worsening"] = c.worsening;
      ch["improving"] = c.improving;
      ch["persisting"] = c.persisting;
      ch["resolved"] = c.resolved;
    }
    ch["actions"] = {{"worked", c.actions_worked},
                     {"did_not_work", c.actions_did_not_work},
                     {"too_early", c.actions_too_early}};
    (*j)["changes"] = std::move(ch);
  }
}

}  // namespace internal
}  // namespace voc

namespace voc {
namespace internal {

namespace {

std::string Fx(double x, const char* fmt) {
  char buf[48];
  std::snprintf(buf, sizeof buf, fmt, x);
  return buf;
}

std::string Signed(double x, const char* fmt) { return (x > 0 ? "+" : "") + Fx(x, fmt); }

// "2.1% -> 3.4% (+1.3 pts)" for a finding with a previous run.
std::string ShareMove(double before, double after) {
  return PercentText(before) + " &rarr; " + PercentText(after) + " (" +
         Signed(100.0 * (after - before), "%.1f") + " pts)";
}

bool Asked(const Findings& f) { return f.has_history || !f.options.actions.empty(); }

const Finding* FindTheme(const Findings& f, const std::string& theme) {
  for (const Finding& x : f.findings)
    if (x.theme == theme) return &x;
  return nullptr;
}

// One line per theme of `themes` (owned by `department` unless `all`).
template <typename Line>
std::string Lines(const Findings& f, const std::vector<std::string>& themes, bool all,
                  const std::string& department, Line line) {
  std::string out;
  for (const std::string& t : themes) {
    const Finding* x = FindTheme(f, t);
    std::string dept;
    if (x)
      dept = x->department;
    else
      for (const ResolvedTheme& r : f.resolved)
        if (r.theme == t) dept = r.department;
    if (!all && dept != department) continue;
    out += line(t, x);
  }
  return out;
}

}  // namespace

std::vector<std::string> HistoryCsvHeader(const Findings& f) {
  std::vector<std::string> h;
  if (f.has_history)
    h = {"history_state", "history_since_run", "history_since_period", "history_runs",
         "volume_change", "share_change",      "impact_change"};
  if (!f.options.actions.empty()) h.push_back("actions");
  return h;
}

std::vector<std::string> HistoryCsvRow(const Finding& x, const Findings& f) {
  std::vector<std::string> row;
  if (f.has_history) {
    const FindingHistory h = x.history ? *x.history : FindingHistory();
    row = {h.state,
           h.since_run,
           h.since_period,
           std::to_string(h.runs),
           h.in_previous ? std::to_string(h.volume_change) : "",
           h.in_previous ? Fx(h.share_change, "%.6g") : "",
           h.impact_change ? Fx(*h.impact_change, "%.6g") : ""};
  }
  if (!f.options.actions.empty()) {
    std::string a;
    for (const ActionResult& r : x.actions)
      a += (a.empty() ? "" : "; ") + r.action.date + " " + r.action.action + ": " + r.verdict;
    row.push_back(a);
  }
  return row;
}

std::string HistoryDigest(const Findings& f, const std::string& department) {
  if (!Asked(f)) return "";
  const HistoryChanges& c = f.changes;
  std::string m = "## What changed since the last run\n\n";
  if (f.has_history)
    m += c.previous_run.empty()
             ? "The first run with history: every issue is new.\n\n"
             : "Compared with " + c.previous_run +
                   (c.previous_timestamp.empty() ? "" : " (" + c.previous_timestamp + ")") + ".\n\n";
  std::string body;
  auto md_line = [&](const std::string& label) {
    return [&f, label](const std::string& t, const Finding* x) {
      std::string s = "- " + label + ": " + MdText(t) + (x ? "" : " (no finding in this run)");
      if (x && x->history && x->history->in_previous)
        s += " (share " + PercentText(x->share - x->history->share_change) + " -> " + PercentText(x->share) +
             ")";
      if (x && x->history && x->history->runs > 1)
        s += ", an issue for " + std::to_string(x->history->runs) + " runs since " + x->history->since_run;
      (void)f;
      return s + "\n";
    };
  };
  if (f.has_history) {
    body += Lines(f, c.new_issues, false, department, md_line("New"));
    body += Lines(f, c.relapsed, false, department, md_line("Relapsed"));
    body += Lines(f, c.worsening, false, department, md_line("Worsening"));
    body += Lines(f, c.improving, false, department, md_line("Improving"));
    body += Lines(f, c.resolved, false, department, md_line("Resolved"));
    body += Lines(f, c.persisting, false, department, md_line("Persisting"));
  }
  for (const Finding& x : f.findings) {
    if (x.department != department) continue;
    for (const ActionResult& r : x.actions)
      body += "- Action on " + MdText(x.theme) + " (" + MdText(r.action.action) + ", " +
              MdText(r.action.owner) + ", " + r.action.date + "): **" + r.verdict + "**: " + MdText(r.why) +
              "\n";
  }
  if (body.empty()) body = "- Nothing changed for this department.\n";
  return m + body + "\n";
}

std::string FindingHistoryDigest(const Finding& x) {
  std::string m;
  if (x.history) m += "- Since the last run: " + MdText(x.history->reason) + "\n";
  for (const ActionResult& r : x.actions)
    m += "- Action " + r.action.date + " (" + MdText(r.action.action) + "): " + r.verdict + "; " +
         MdText(r.why) + "\n";
  return m;
}

std::string HistoryHtml(const Findings& f) {
  if (!Asked(f)) return "";
  const HistoryChanges& c = f.changes;
  std::string h = "<h2>What changed since the last run</h2>\n";
  if (f.has_history)
    h += "<p class=\"sub\">" +
         (c.previous_run.empty()
              ? std::string("The first run with history (") + Esc(f.run.run_id) + "): every issue is new."
              : "This run " + Esc(f.run.run_id) + " compared with " + Esc(c.previous_run) +
                    (c.previous_timestamp.empty() ? "" : " of " + Esc(c.previous_timestamp)) +
                    ". Worsening / improving: two-proportion z-test on the window share at " +
                    Fx(f.options.history_alpha, "%g") + " and a change of at least " +
                    Fx(100 * f.options.history_min_change, "%g") + "%.") +
         "</p>\n";
  if (f.has_history) {
    auto row = [&](const char* label, const std::vector<std::string>& themes) {
      if (themes.empty()) return;
      std::string items;
      for (const std::string& t : themes) {
        const Finding* x = FindTheme(f, t);
        items += (items.empty() ? "" : "<br>") + std::string("<b>") + Esc(t) + "</b>";
        if (x && x->history && x->history->in_previous)
          items += " " + ShareMove(x->share - x->history->share_change, x->share);
        else if (!x)
          for (const ResolvedTheme& r : f.resolved)
            if (r.theme == t) items += " " + ShareMove(r.previous_share, r.share) + " (no finding now)";
        if (x && x->history && x->history->runs > 1)
          items +=
              " &middot; " + std::to_string(x->history->runs) + " runs since " + Esc(x->history->since_run);
      }
      h += "<tr><td>" + std::string(label) + "</td><td class=\"n\">" + std::to_string(themes.size()) +
           "</td><td>" + items + "</td></tr>\n";
    };
    h += "<table><tr><th>Change</th><th class=\"n\">Themes</th><th>Share last run &rarr; now"
         "</th></tr>\n";
    row("New issues", c.new_issues);
    row("Relapsed", c.relapsed);
    row("Worsening", c.worsening);
    row("Improving", c.improving);
    row("Resolved", c.resolved);
    row("Persisting", c.persisting);
    if (c.new_issues.empty() && c.relapsed.empty() && c.worsening.empty() && c.improving.empty() &&
        c.resolved.empty() && c.persisting.empty())
      h += "<tr><td colspan=\"3\">No issues in this run or the last.</td></tr>\n";
    h += "</table>\n";
    if (!c.new_chronic.empty()) {
      std::string t;
      for (const std::string& x : c.new_chronic) t += (t.empty() ? "" : ", ") + Esc(x);
      h += "<p class=\"meta\"><b>New chronic issues:</b> " + t + "</p>\n";
    }
  }
  std::string acts;
  for (const Finding& x : f.findings)
    for (const ActionResult& r : x.actions)
      acts += "<tr><td><b>" + Esc(x.theme) + "</b></td><td>" + Esc(r.action.action) + "<br><small>" +
              Esc(r.action.owner) + (r.action.status.empty() ? "" : ", " + Esc(r.action.status)) +
              "</small></td><td>" + Esc(r.action.date) + "</td><td class=\"n\">" +
              Esc(PercentText(r.before_share)) + " <small>(" + std::to_string(r.before_periods) +
              ")</small></td><td class=\"n\">" + Esc(PercentText(r.after_share)) + " <small>(" +
              std::to_string(r.after_periods) + ")</small></td><td class=\"n\">" +
              Fx(r.p_value, r.p_value < 1e-4 ? "%.1e" : "%.4f") + "</td><td><b>" + Esc(r.verdict) +
              "</b></td></tr>\n";
  if (!acts.empty())
    h += "<h3>Actions: before vs after</h3><p class=\"sub\">Share of the theme in the periods "
         "before and after the action date (periods in brackets; the period of the date is left "
         "out); p: one-sided two-proportion z-test that the share fell.</p>\n<table><tr><th>Theme"
         "</th><th>Action</th><th>Date</th><th class=\"n\">Before</th><th class=\"n\">After</th>"
         "<th class=\"n\">p</th><th>Verdict</th></tr>\n" +
         acts + "</table>\n";
  return h;
}

std::string FindingHistoryHtml(const Finding& x) {
  std::string h;
  if (x.history)
    h += "<div class=\"meta\"><b>Since the last run: " + Esc(x.history->state) + ".</b> " +
         Esc(x.history->reason) + "</div>";
  for (const ActionResult& r : x.actions)
    h += "<div class=\"meta\"><b>Action " + Esc(r.action.date) + "</b> (" + Esc(r.action.action) +
         (r.action.owner.empty() ? "" : ", " + Esc(r.action.owner)) + "): <b>" + Esc(r.verdict) + "</b>; " +
         Esc(r.why) + "</div>";
  return h;
}

}  // namespace internal
}  // namespace voc
