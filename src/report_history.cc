// The history and actions parts of the reports (voc/history.h): JSON objects,
// CSV columns, the "What changed since the last run" HTML section and the
// digest lines.
#include <string>
#include <vector>

#include "report_util.h"

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
      (*j)["options"]["actions"] = {{"alpha", o.action_alpha},
                                    {"min_periods", o.action_min_periods}};
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
