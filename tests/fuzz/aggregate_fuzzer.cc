// Fuzzes Aggregate::Deserialize on arbitrary bytes; whatever parses must
// re-serialize canonically, merge with itself-copies, and yield findings and
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
  voc::Aggregate copy = *a;
  if (!copy.Merge(*again).ok()) std::abort();
  const voc::Findings f = voc::DetectFindings(copy);
  (void)voc::FindingsToJson(f);
  (void)voc::FindingsToCsv(f);
  (void)voc::FindingsToHtml(f);
  (void)voc::DepartmentDigests(f);
  return 0;
}
