// Fuzzes voc::Normalizer with arbitrary bytes. The first byte picks the
// options. Checks: the output is valid UTF-8, holds no NUL, and normalising it
// again changes nothing (for the default whitespace handling).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "util/utf8_util.h"
#include "voc/normalizer.h"

namespace {

bool ValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    bool invalid = false;
    voc::internal::DecodeUtf8(s, &i, &invalid);
    if (invalid) return false;
  }
  return true;
}

const voc::Normalizer& Get(int which) {
  static std::unique_ptr<voc::Normalizer> normalizers[8];
  std::unique_ptr<voc::Normalizer>& n = normalizers[which & 7];
  if (!n) {
    voc::NormalizerOptions o;
    o.form = (which & 1) ? voc::NormalizerOptions::Form::kNFKC : voc::NormalizerOptions::Form::kNFC;
    o.keep_line_breaks = (which & 2) != 0;
    o.decode_html_entities = (which & 4) == 0;
    n = std::move(*voc::Normalizer::Create(o));
  }
  return *n;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) {
    if (!Get(0).Normalize("").text.empty()) std::abort();
    return 0;
  }
  const int which = data[0];
  const std::string_view in(reinterpret_cast<const char*>(data) + 1, size - 1);
  const voc::Normalizer& n = Get(which);
  const voc::Normalized out = n.Normalize(in);
  if (!ValidUtf8(out.text)) std::abort();
  if (out.text.find('\0') != std::string::npos) std::abort();
  if (!out.text.empty() && (out.text.front() == ' ' || out.text.back() == ' ')) std::abort();
  if (out.text.find("  ") != std::string::npos) std::abort();
  // Idempotent when entities are not decoded (decoding "&amp;lt;" twice
  // legitimately gives "<").
  if ((which & 4) != 0) {
    const voc::Normalized again = n.Normalize(out.text);
    if (again.text != out.text || again.invalid_utf8 != 0) std::abort();
  }
  return 0;
}
