// Private pieces of the tokenizer, exposed for tests and benchmarks.
#ifndef VOC_SRC_TOKENIZER_INTERNAL_H_
#define VOC_SRC_TOKENIZER_INTERNAL_H_

#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

#include "util/utf8_util.h"
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

// A raw word-break segment [begin, end) (may be white space).
struct Segment {
  uint32_t begin, end;
};

// Appends to `out` the UAX #29 sentence boundaries of `text` (excluding 0,
// ending with text.size()), as ICU's root sentence break iterator gives them.
// Returns false, leaving `out` partly filled, when the text holds ill-formed
// UTF-8 or Extend/Format characters, which it leaves to ICU.
// `ascii` tells that `text` is all ASCII (a faster loop).
bool FastSentenceBreaks(std::string_view text, bool ascii, std::vector<uint32_t>* out);

// Returns the offset of the first byte >= 0x80 in s[b, e), or e.
inline uint32_t FindNonAscii(const unsigned char* s, uint32_t b, uint32_t e) {
  return static_cast<uint32_t>(internal::FindNonAscii(s, b, e));
}

// Word_Break classes of the ASCII characters, as ICU's root rules use them.
// The ASCII fast path (Tokenizer::Impl::AddAsciiRun) applies WB5-WB13b with
// them: runs of letters, digits and '_' ('@' counts as a letter in ICU),
// joined across one MidNumLet between letters or one MidNum/MidNumLet
// between digits; every other character stands alone.
enum AsciiWordClass : uint8_t {
  kWbOther = 0,
  kWbLetter,     // ALetter: A-Z a-z, and '@' (an ICU tailoring)
  kWbNumeric,    // 0-9
  kWbExtendNum,  // '_'
  kWbMidNumLet,  // '.', and '\'' (Single_Quote acts as MidNumLet)
  kWbMidNum,     // ',' ';'  (ICU drops ':' from MidLetter, so none here)
  kWbSpace,      // ' ' (WSegSpace)
  kWbCR,
  kWbLF,
  kWbNewline,  // VT, FF
};

struct AsciiWordTable {
  uint8_t cls[256];
  constexpr AsciiWordTable() : cls() {
    for (int c = 'a'; c <= 'z'; ++c) cls[c] = kWbLetter;
    for (int c = 'A'; c <= 'Z'; ++c) cls[c] = kWbLetter;
    for (int c = '0'; c <= '9'; ++c) cls[c] = kWbNumeric;
    cls[static_cast<int>('@')] = kWbLetter;
    cls[static_cast<int>('_')] = kWbExtendNum;
    cls[static_cast<int>('.')] = kWbMidNumLet;
    cls[static_cast<int>('\'')] = kWbMidNumLet;
    cls[static_cast<int>(',')] = kWbMidNum;
    cls[static_cast<int>(';')] = kWbMidNum;
    cls[static_cast<int>(' ')] = kWbSpace;
    cls[static_cast<int>('\r')] = kWbCR;
    cls[static_cast<int>('\n')] = kWbLF;
    cls[0x0B] = kWbNewline;
    cls[0x0C] = kWbNewline;
  }
};
inline constexpr AsciiWordTable kAsciiWord{};

inline constexpr bool IsWordish(uint8_t c) { return c >= kWbLetter && c <= kWbExtendNum; }

}  // namespace tokenizer_internal
}  // namespace voc

#endif  // VOC_SRC_TOKENIZER_INTERNAL_H_
