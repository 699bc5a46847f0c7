// Private pieces of the tokenizer, exposed for tests and benchmarks.
#ifndef VOC_SRC_TOKENIZER_INTERNAL_H_
#define VOC_SRC_TOKENIZER_INTERNAL_H_

#include <cstdint>
#include <string_view>
#include <vector>

#include "voc/tokenizer.h"

namespace voc {
namespace tokenizer_internal {

// A span found by the social scanner (URL, e-mail, mention, ...).
struct SocialSpan {
  uint32_t begin, end;
  TokenKind kind;
};

// Appends to `out` the social tokens of `text`, in order, not overlapping.
void ScanSocial(std::string_view text, std::vector<SocialSpan>* out);

// A raw word-break segment [begin, end) (may be whitespace).
struct Segment {
  uint32_t begin, end;
};

// Appends the UAX #29 word-break segments of the ASCII-only bytes
// text[begin, end) to `out`, as ICU's word break iterator would give them for
// that range.
void AsciiWordSegments(std::string_view text, uint32_t begin, uint32_t end,
                       std::vector<Segment>* out);

}  // namespace tokenizer_internal
}  // namespace voc

#endif  // VOC_SRC_TOKENIZER_INTERNAL_H_
