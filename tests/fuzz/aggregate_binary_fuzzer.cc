// Fuzzes Aggregate::DeserializeBinary on arbitrary bytes; whatever parses
// must give the same aggregate through its JSON and through its binary form
// again, merge into an empty aggregate to the same bytes, and yield findings
// and reports without crashing.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "voc/aggregate.h"
#include "voc/findings.h"
#include "voc/report.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  voc::Result<voc::Aggregate> a = voc::Aggregate::DeserializeBinary(bytes);
  if (!a.ok()) return 0;
  const std::string s = a->Serialize();
  voc::Result<voc::Aggregate> json = voc::Aggregate::Deserialize(s);
  if (!json.ok() || json->Serialize() != s) std::abort();  // what binary reads, JSON keeps
  voc::Result<voc::Aggregate> again = voc::Aggregate::DeserializeBinary(a->SerializeBinary());
  if (!again.ok() || again->Serialize() != s) std::abort();  // the binary form round-trips
  voc::Aggregate copy(a->options());
  if (!copy.Merge(*again).ok() || copy.Serialize() != s) std::abort();
  const voc::Findings f = voc::DetectFindings(copy);
  (void)voc::FindingsToJson(f);
  (void)voc::FindingsToHtml(f);
  return 0;
}
