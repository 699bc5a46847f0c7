// Fuzzes the CSV reader: arbitrary bytes as a CSV file. The first byte picks
// options (delimiter, record limit, time column) so more paths are reached.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "voc/reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  voc::ReaderOptions options;
  options.format = voc::InputFormat::kCsv;
  options.text_column = "text";
  uint8_t knobs = size > 0 ? data[0] : 0;
  if (size > 0) {
    ++data;
    --size;
  }
  options.delimiter = (knobs & 1) ? '\t' : ',';
  options.max_record_bytes = (knobs & 2) ? 64 : 4096;
  if (knobs & 4) options.time_column = "t";
  if (knobs & 8) options.id_column = "id";
  options.max_reject_raw_bytes = 16;
  auto reader =
      voc::RecordReader::FromString(std::string(reinterpret_cast<const char*>(data), size), options);
  if (!reader.ok()) return 0;
  voc::Record record;
  voc::Reject reject;
  uint64_t emitted = 0, rejected = 0;
  for (;;) {
    auto next = (*reader)->Read(&record, &reject);
    if (next == voc::RecordReader::Next::kEnd) break;
    if (next == voc::RecordReader::Next::kRecord) {
      ++emitted;
      if (record.text.empty() || record.text.size() > options.max_record_bytes) std::abort();
      (void)voc::RecordToJson(record);
    } else {
      ++rejected;
      // The raw text keeps a margin past the limit so that redaction sees whole
      // items; it is cut at raw_limit after redaction.
      if (reject.reason.empty() || reject.raw.size() > 16 + voc::kRejectRedactionMargin ||
          reject.raw_limit != 16 || reject.line == 0)
        std::abort();
      (void)voc::RejectWriter::ToJson(reject, nullptr);
    }
  }
  const auto& stats = (*reader)->stats();
  if (stats.read != emitted + rejected || stats.emitted != emitted || stats.rejected != rejected)
    std::abort();
  if (stats.bytes > size) std::abort();
  return 0;
}
