// Fuzzes the gzip layer: the input is prefixed with the gzip magic so the
// decompressor always runs, then read as CSV or text. Corrupt data must end
// in a DataLoss status, never a crash or a hang.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "voc/reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string bytes(reinterpret_cast<const char*>(data), size);
  // Inputs that do not start with the magic get it (and a deflate header).
  if (bytes.size() < 2 || bytes[0] != '\x1f' || bytes[1] != '\x8b')
    bytes.insert(0, std::string("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03", 10));
  voc::ReaderOptions options;
  options.format = (size % 2) ? voc::InputFormat::kText : voc::InputFormat::kCsv;
  options.max_record_bytes = 1024;
  auto reader = voc::RecordReader::FromString(std::move(bytes), options);
  if (!reader.ok()) return 0;
  voc::Record record;
  voc::Reject reject;
  while ((*reader)->Read(&record, &reject) != voc::RecordReader::Next::kEnd) {
  }
  const auto& stats = (*reader)->stats();
  if (stats.read != stats.emitted + stats.rejected) std::abort();
  const voc::Status& status = (*reader)->status();
  if (!status.ok() && status.code() != voc::StatusCode::kDataLoss) std::abort();
  return 0;
}
