// Fuzzes Aggregate::Deserialize on arbitrary bytes; whatever parses must
// re-serialize canonically, merge into an empty aggregate to the same bytes
// (and be refused a second time), and yield findings and
// every report without crashing.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "voc/aggregate.h"
#include "voc/findings.h"
#include "voc/report.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  voc::Result<voc::Aggregate> a = voc::Aggregate::Deserialize(text);
  if (!a.ok()) return 0;
  const std::string s = a->Serialize();
  voc::Result<voc::Aggregate> again = voc::Aggregate::Deserialize(s);
  if (!again.ok() || again->Serialize() != s) std::abort();  // canonical form is stable
  // Merged into an empty aggregate (a copy of itself would be refused as
  // the same partial counted twice), it gives the same bytes.
  voc::Aggregate copy(a->options());
  if (!copy.Merge(*again).ok() || copy.Serialize() != s) std::abort();
  if (copy.Merge(*a).ok() && a->records() > 0 && s.find("\"sources\":[]") == std::string::npos)
    std::abort();  // a partial with an identity is never merged twice
  const voc::Findings f = voc::DetectFindings(copy);
  (void)voc::FindingsToJson(f);
  (void)voc::FindingsToCsv(f);
  (void)voc::FindingsToHtml(f);
  (void)voc::DepartmentDigests(f);
  return 0;
}
