// voc/normalizer.h: cleans raw customer text into valid, normalised UTF-8.
//
//   auto n = voc::Normalizer::Create({});
//   if (!n.ok()) return n.status();
//   voc::Normalized out = (*n)->Normalize("Caf\xC3\xA9  &amp; bar\r\n");
//   // out.text == "Café & bar", out.entities_decoded == 1
//
// The steps, in order:
//   1. bytes are decoded as UTF-8; every invalid or truncated sequence becomes
//      U+FFFD (counted in `invalid_utf8`);
//   2. HTML character references are decoded (`&amp;`, `&#39;`, `&#x1F600;`
//      and about sixty common named ones; a name needs its `;`);
//   3. control characters are dropped: C0/C1 controls other than the
//      whitespace ones (TAB, LF, VT, FF, CR, NEL), NUL, U+FEFF and U+200B
//      (counted in `controls_removed`);
//   4. the text is put in Unicode normal form NFC (or NFKC) with ICU;
//   5. whitespace is normalised: every Unicode space and line break (TAB,
//      LF, VT, FF, CR, CRLF, U+0085 NEL, U+00A0, U+2000..U+200A, U+2028,
//      U+2029, U+202F, U+205F, U+3000, ...) becomes one ASCII space, runs
//      collapse into one and the ends are trimmed. With `keep_line_breaks`, a
//      run that holds a line break becomes one "\n" instead.
// Pure-ASCII input that needs none of this is copied without calling ICU.
//
// Thread safety: a Normalizer is immutable after Create(); Normalize() is
// const and may be called from many threads at once.
#ifndef VOC_NORMALIZER_H_
#define VOC_NORMALIZER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "voc/status.h"

namespace voc {

struct NormalizerOptions {
  enum class Form { kNFC, kNFKC };
  // Unicode normal form. Default: kNFC (kNFKC also folds compatibility
  // characters such as full-width letters and ligatures).
  Form form = Form::kNFC;
  // Decode HTML character references. Default: true.
  bool decode_html_entities = true;
  // Map every whitespace character to a space, collapse runs and trim the
  // ends. Default: true. When false, whitespace is left as it is.
  bool collapse_whitespace = true;
  // With `collapse_whitespace`, a whitespace run holding a line break becomes
  // "\n" rather than " ". Default: false (one line in, one line out).
  bool keep_line_breaks = false;
  // Drop control characters (step 3 above). Default: true. NUL bytes are
  // dropped even when false.
  bool remove_controls = true;
};

struct Normalized {
  std::string text;               // valid UTF-8
  uint32_t invalid_utf8 = 0;      // invalid sequences replaced by U+FFFD
  uint32_t controls_removed = 0;  // control characters (and NULs) dropped
  uint32_t entities_decoded = 0;  // HTML character references decoded
};

class Normalizer {
 public:
  // Returns a normalizer, or an error when ICU's normalisation data cannot
  // be loaded.
  static Result<std::unique_ptr<Normalizer>> Create(const NormalizerOptions& options = {});
  ~Normalizer();
  Normalizer(const Normalizer&) = delete;
  Normalizer& operator=(const Normalizer&) = delete;

  // Returns the normalised text of `bytes` (any bytes; need not be UTF-8).
  Normalized Normalize(std::string_view bytes) const;

  const NormalizerOptions& options() const;

 private:
  struct Impl;
  explicit Normalizer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace voc

#endif  // VOC_NORMALIZER_H_
