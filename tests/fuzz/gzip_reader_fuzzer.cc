// Fuzzes the gzip layer. The first byte picks a mode:
//   even: the rest is read as gzip data as it is (the magic is added when
//         missing), so the decompressor meets arbitrary, mostly corrupt data;
//   odd:  the rest is compressed here with zlib into one or two members,
//         then cut short or has one byte flipped, as chosen by later bits,
//         so valid streams that break part-way are exercised too.
// Either way the result is read as CSV or text. The stream must end OK or
// with DataLoss, counts must reconcile, and nothing may crash or hang.
#include <zlib.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "voc/reader.h"

namespace {

std::string Compress(const std::string& plain, int level) {
  z_stream zs{};
  if (deflateInit2(&zs, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) return {};
  std::string out(deflateBound(&zs, plain.size()) + 32, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(plain.data()));
  zs.avail_in = static_cast<uInt>(plain.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t mode = data[0];
  std::string rest(reinterpret_cast<const char*>(data + 1), size - 1);
  std::string bytes;
  bool expect_ok = false;
  if ((mode & 1) == 0) {
    bytes = rest;
    if (bytes.size() < 2 || bytes[0] != '\x1f' || bytes[1] != '\x8b')
      bytes.insert(0, std::string("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03", 10));
  } else {
    size_t half = (mode & 2) ? rest.size() / 2 : rest.size();
    bytes = Compress(rest.substr(0, half), (mode >> 4) % 10);
    if (half < rest.size()) bytes += Compress(rest.substr(half), 1);
    expect_ok = true;
    size_t where = rest.empty() ? 0 : static_cast<unsigned char>(rest[0]) * bytes.size() / 256;
    if ((mode & 4) && where < bytes.size()) {
      bytes.resize(where);  // truncated
      expect_ok = false;
    } else if ((mode & 8) && where < bytes.size()) {
      bytes[where] = static_cast<char>(bytes[where] ^ 0x20);  // corrupt (CRC catches the rest)
      expect_ok = false;
    }
  }
  voc::ReaderOptions options;
  options.format = (mode & 32) ? voc::InputFormat::kText : voc::InputFormat::kCsv;
  options.max_record_bytes = 1024;
  auto reader = voc::RecordReader::FromString(std::move(bytes), options);
  if (!reader.ok()) {
    // Open fails only for bad columns (CSV header) or a stream that yields nothing.
    return 0;
  }
  voc::Record record;
  voc::Reject reject;
  while ((*reader)->Read(&record, &reject) != voc::RecordReader::Next::kEnd) {
  }
  const auto& stats = (*reader)->stats();
  if (stats.read != stats.emitted + stats.rejected) std::abort();
  const voc::Status& status = (*reader)->status();
  if (!status.ok() && status.code() != voc::StatusCode::kDataLoss) std::abort();
  if (expect_ok && !status.ok()) std::abort();                // intact zlib output must read cleanly
  if (expect_ok && stats.bytes != rest.size()) std::abort();  // every byte came through
  return 0;
}
