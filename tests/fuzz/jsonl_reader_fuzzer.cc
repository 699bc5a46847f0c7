// Fuzzes the JSON Lines reader, JSON arrays included (and plain text, chosen
// by the first byte):
// arbitrary bytes, checking that counts reconcile and nothing crashes.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "voc/reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  voc::ReaderOptions options;
  uint8_t knobs = size > 0 ? data[0] : 0;
  if (size > 0) {
    ++data;
    --size;
  }
  options.format = (knobs & 1) ? voc::InputFormat::kText : voc::InputFormat::kJsonl;
  if (knobs & 2) options.format = voc::InputFormat::kAuto;
  options.max_record_bytes = (knobs & 4) ? 48 : 4096;
  if (knobs & 8) options.time_column = "t";
  if (knobs & 16) options.channel_column = "c";
  if (knobs & 32) options.id_column = "i";
  auto reader =
      voc::RecordReader::FromString(std::string(reinterpret_cast<const char*>(data), size), options);
  if (!reader.ok()) return 0;
  voc::Record record;
  voc::Reject reject;
  uint64_t seen = 0;
  uint64_t last_line = 0;
  for (;;) {
    auto next = (*reader)->Read(&record, &reject);
    if (next == voc::RecordReader::Next::kEnd) break;
    ++seen;
    uint64_t line = next == voc::RecordReader::Next::kRecord ? record.line : reject.line;
    // JSON Lines: one record per line, in order; a JSON array's elements may
    // share a line.
    if (line < last_line || (line == last_line && !(*reader)->json_array())) std::abort();
    last_line = line;
    if (next == voc::RecordReader::Next::kRecord) (void)voc::RecordToJson(record);
  }
  const auto& stats = (*reader)->stats();
  if (stats.read != seen || stats.read != stats.emitted + stats.rejected) std::abort();
  return 0;
}
