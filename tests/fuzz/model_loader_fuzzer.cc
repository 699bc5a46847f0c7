// Fuzzes the model loader: arbitrary bytes must load cleanly or fail with a
// status, never crash or allocate without bound. Each input is tried as is
// and, because random bytes rarely match a CRC32, a second time with the
// container's checksums recomputed, so the fuzzer also reaches the metadata,
// linear, fastText and ensemble parsers behind them.
#include <zlib.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "voc/classifier.h"

namespace {

uint32_t Get32(const std::string& s, size_t at) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v |= static_cast<uint32_t>(static_cast<uint8_t>(s[at + i])) << (8 * i);
  return v;
}
uint64_t Get64(const std::string& s, size_t at) {
  return Get32(s, at) | (static_cast<uint64_t>(Get32(s, at + 4)) << 32);
}
void Put32(std::string* s, size_t at, uint32_t v) {
  for (int i = 0; i < 4; ++i) (*s)[at + i] = static_cast<char>(v >> (8 * i));
}
uint32_t Crc(const std::string& s, size_t from, size_t n) {
  return static_cast<uint32_t>(
      crc32(crc32(0L, Z_NULL, 0), reinterpret_cast<const Bytef*>(s.data() + from), static_cast<uInt>(n)));
}

// Rewrites section and header checksums where the layout allows; returns
// false when the bytes do not have a container's shape.
bool FixChecksums(std::string* s) {
  if (s->size() < 16) return false;
  uint32_t count = Get32(*s, 12);
  if (count == 0 || count > 8) return false;
  size_t table_end = 16 + static_cast<size_t>(count) * 40;
  if (s->size() < table_end + 4) return false;
  for (uint32_t i = 0; i < count; ++i) {
    size_t e = 16 + i * 40;
    uint64_t off = Get64(*s, e + 16), size = Get64(*s, e + 24);
    if (off > s->size() || size > s->size() - off) continue;
    Put32(s, e + 32, Crc(*s, off, size));
  }
  Put32(s, table_end, Crc(*s, 0, table_end));
  return true;
}

void Exercise(std::string_view bytes) {
  auto model = voc::TextClassifier::FromBytes(bytes);
  if (model.ok()) {
    (void)(*model)->Predict("I was charged twice for the same order!", 3);
    (void)(*model)->PredictAboveThresholds("late parcel, locked account");
    (void)(*model)->Explain("refund please", {}, 3);
    (void)(*model)->Serialize();
  } else if (model.status().message().empty()) {
    __builtin_trap();  // every failure must say why
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string bytes(reinterpret_cast<const char*>(data), size);
  Exercise(bytes);
  if (FixChecksums(&bytes)) Exercise(bytes);
  return 0;
}
