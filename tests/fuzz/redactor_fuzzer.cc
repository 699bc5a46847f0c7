// Fuzzes voc::Redactor with arbitrary bytes (after normalisation, as the CLI
// does, and raw). Checks the span invariants: ordered, non-overlapping, inside
// the input, each mask found at its output offsets, and the text between spans
// copied unchanged; and that redacting the output again masks nothing new.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "voc/normalizer.h"
#include "voc/redactor.h"

namespace {

const voc::Redactor& GetRedactor() {
  static const std::unique_ptr<voc::Redactor> r = [] {
    voc::RedactorOptions o;
    o.extra_patterns = {"employee=EMP-\\d{4,6}", "\\bZ[0-9]{3}\\b"};
    return std::move(*voc::Redactor::Create(o));
  }();
  return *r;
}

const voc::Normalizer& GetNormalizer() {
  static const std::unique_ptr<voc::Normalizer> n = std::move(*voc::Normalizer::Create({}));
  return *n;
}

void Check(std::string_view in) {
  const voc::Redactor& r = GetRedactor();
  const voc::Redaction out = r.Redact(in);
  uint32_t at = 0, out_at = 0;
  for (const voc::PiiSpan& s : out.spans) {
    if (s.begin < at || s.end <= s.begin || s.end > in.size()) std::abort();
    if (s.out_begin < out_at || s.out_end <= s.out_begin || s.out_end > out.text.size()) std::abort();
    // Unmasked text is copied as it is.
    if (in.substr(at, s.begin - at) != std::string_view(out.text).substr(out_at, s.out_begin - out_at))
      std::abort();
    const std::string_view mask = std::string_view(out.text).substr(s.out_begin, s.out_end - s.out_begin);
    if (mask.size() < 3 || mask.front() != '[' || mask.back() != ']') std::abort();
    at = s.end;
    out_at = s.out_end;
  }
  if (in.substr(at) != std::string_view(out.text).substr(out_at)) std::abort();
  if (r.ContainsPii(in) != !out.spans.empty()) std::abort();
  // A second pass finds nothing new to mask.
  const voc::Redaction again = r.Redact(out.text);
  if (again.text != out.text) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view raw(reinterpret_cast<const char*>(data), size);
  Check(raw);
  Check(GetNormalizer().Normalize(raw).text);
  return 0;
}
