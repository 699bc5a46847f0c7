// Fuzzes ParseHistoryRun and ParseActions on arbitrary bytes; a history run
// that parses must re-serialize canonically and serve as the previous run of
// DetectFindings, and actions that parse must be judged, with every report
// written, without crashing.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "voc/aggregate.h"
#include "voc/findings.h"
#include "voc/history.h"
#include "voc/report.h"

namespace {

const voc::Aggregate& Small() {
  static const voc::Aggregate* const kAgg = [] {
    auto* a = new voc::Aggregate();
    const char* themes[] = {"billing/fee", "delivery/late", "app/login", nullptr};
    int id = 0;
    for (int week = 0; week < 8; ++week)
      for (int i = 0; i < 60; ++i) {
        voc::Analysis x;
        x.id = "r" + std::to_string(id++);
        x.timestamp = 1704067200 + week * 7 * 86400 + i * 600;
        x.channel = "email";
        x.text = "note";
        const char* t = themes[(i + week * (i % 3 == 0)) % 4];
        if (t) {
          voc::ThemeHit h;
          h.id = t;
          h.department = "Ops";
          x.themes.push_back(h);
        }
        a->Add(x);
      }
    return a;
  }();
  return *kAgg;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  voc::FindingsOptions o;
  o.bootstrap_samples = 0;
  o.run_timestamp = "2026-01-01T00:00:00Z";
  voc::Result<voc::HistoryRun> run = voc::ParseHistoryRun(text);
  if (run.ok()) {
    const std::string s = voc::SerializeHistoryRun(*run);
    voc::Result<voc::HistoryRun> again = voc::ParseHistoryRun(s);
    if (!again.ok() || voc::SerializeHistoryRun(*again) != s) std::abort();
    o.history = true;
    o.previous_run = *run;
  }
  voc::Result<std::vector<voc::Action>> actions = voc::ParseActions(text, "fuzz");
  if (actions.ok()) {
    for (const voc::Action& a : *actions)
      if (!voc::IsValidDate(a.date)) std::abort();  // parsing checks every date
    o.actions = *actions;
  }
  if (!run.ok() && !actions.ok()) return 0;
  const voc::Findings f = voc::DetectFindings(Small(), o);
  (void)voc::FindingsToJson(f);
  (void)voc::FindingsToCsv(f);
  (void)voc::FindingsToHtml(f);
  (void)voc::DepartmentDigests(f);
  if (f.has_history && !voc::ParseHistoryRun(voc::SerializeHistoryRun(f.run)).ok()) std::abort();
  return 0;
}
