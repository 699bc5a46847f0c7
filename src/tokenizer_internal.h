// Private pieces of the tokenizer, exposed for tests and benchmarks.
#ifndef VOC_SRC_TOKENIZER_INTERNAL_H_
#define VOC_SRC_TOKENIZER_INTERNAL_H_

#include <cstdint>
#include <cstring>
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

// Appends to `out` the UAX #29 sentence boundaries of `text` (excluding 0,
// ending with text.size()), as ICU's root sentence break iterator gives them.
// Returns false, leaving `out` partly filled, when the text holds ill-formed
// UTF-8 or Extend/Format characters, which it leaves to ICU.
// `ascii` tells that `text` is all ASCII (a faster loop).
bool FastSentenceBreaks(std::string_view text, bool ascii, std::vector<uint32_t>* out);

// Returns the offset of the first byte >= 0x80 in s[b, e), or e.
inline uint32_t FindNonAscii(const unsigned char* s, uint32_t b, uint32_t e) {
  while (b + 8 <= e) {
    uint64_t w;
    std::memcpy(&w, s + b, 8);
    if (w & 0x8080808080808080ull) break;
    b += 8;
  }
  while (b < e && s[b] < 0x80) ++b;
  return b;
}

// Word_Break classes of the ASCII characters, as ICU's root rules use them.
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
  kWbNewline,    // VT, FF
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

// Calls emit(b, e) for each UAX #29 word-break segment of the ASCII bytes
// s[begin, end), as ICU's root word break iterator gives them for that range
// (WB3 CR LF, WB3d spaces, WB5-WB13b; every other character stands alone).
template <typename Emit>
inline void ForEachAsciiWordSegment(const unsigned char* s, uint32_t begin, uint32_t end,
                                    Emit&& emit) {
  const uint8_t* cls = kAsciiWord.cls;
  uint32_t i = begin;
  while (i < end) {
    uint8_t c = cls[s[i]];
    uint32_t j = i + 1;
    if (IsWordish(c)) {
      uint8_t prev = c;
      for (;;) {
        while (j < end && IsWordish(cls[s[j]])) prev = cls[s[j++]];
        if (j + 1 >= end) break;
        // WB6/7 (letter mid letter) and WB11/12 (digit mid digit).
        uint8_t d = cls[s[j]];
        uint8_t next = cls[s[j + 1]];
        if (prev == kWbLetter && next == kWbLetter && d == kWbMidNumLet) {
          j += 2;
          continue;
        }
        if (prev == kWbNumeric && next == kWbNumeric && (d == kWbMidNum || d == kWbMidNumLet)) {
          j += 2;
          continue;
        }
        break;
      }
    } else if (c == kWbSpace) {
      while (j < end && s[j] == ' ') ++j;  // WB3d
    } else if (c == kWbCR) {
      if (j < end && s[j] == '\n') ++j;  // WB3
    }
    emit(i, j);
    i = j;
  }
}

}  // namespace tokenizer_internal
}  // namespace voc

#endif  // VOC_SRC_TOKENIZER_INTERNAL_H_
