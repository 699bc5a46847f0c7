// UAX #29 word and sentence boundaries for ASCII text, written to give the
// same boundaries as ICU's root-locale break iterators on ASCII input (the
// ICU path is the reference; tests and the fuzzer compare the two).
#include <cstring>

#include "tokenizer_internal.h"

namespace voc {
namespace tokenizer_internal {
namespace {

// Word_Break classes of the ASCII characters that matter.
enum WordClass : uint8_t {
  kWbOther = 0,
  kWbLetter,     // ALetter: A-Z a-z
  kWbNumeric,    // 0-9
  kWbExtendNum,  // '_'
  kWbMidLetter,  // ':' (MidLetter)
  kWbMidNumLet,  // '.', and '\'' (Single_Quote acts as MidNumLet)
  kWbMidNum,     // ',' ';'
  kWbSpace,      // ' ' (WSegSpace)
  kWbCR,
  kWbLF,
  kWbNewline,    // VT, FF
};

struct WordTable {
  uint8_t cls[128];
  constexpr WordTable() : cls() {
    for (int c = 'a'; c <= 'z'; ++c) cls[c] = kWbLetter;
    for (int c = 'A'; c <= 'Z'; ++c) cls[c] = kWbLetter;
    for (int c = '0'; c <= '9'; ++c) cls[c] = kWbNumeric;
    cls[static_cast<int>('_')] = kWbExtendNum;
    cls[static_cast<int>(':')] = kWbMidLetter;
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
constexpr WordTable kWord;

inline bool IsWordish(uint8_t c) {
  return c == kWbLetter || c == kWbNumeric || c == kWbExtendNum;
}

}  // namespace

void AsciiWordSegments(std::string_view text, uint32_t begin, uint32_t end,
                       std::vector<Segment>* out) {
  const unsigned char* s = reinterpret_cast<const unsigned char*>(text.data());
  uint32_t i = begin;
  while (i < end) {
    uint8_t c = kWord.cls[s[i] & 0x7f];
    uint32_t j = i + 1;
    if (IsWordish(c)) {
      uint8_t prev = c;
      while (j < end) {
        uint8_t d = kWord.cls[s[j] & 0x7f];
        if (IsWordish(d)) {
          prev = d;
          ++j;
          continue;
        }
        // WB6/7 (letter mid letter) and WB11/12 (digit mid digit).
        if (j + 1 < end) {
          uint8_t next = kWord.cls[s[j + 1] & 0x7f];
          if (prev == kWbLetter && next == kWbLetter &&
              (d == kWbMidLetter || d == kWbMidNumLet)) {
            j += 2;
            continue;
          }
          if (prev == kWbNumeric && next == kWbNumeric &&
              (d == kWbMidNum || d == kWbMidNumLet)) {
            j += 2;
            continue;
          }
        }
        break;
      }
    } else if (c == kWbSpace) {
      while (j < end && s[j] == ' ') ++j;  // WB3d
    } else if (c == kWbCR) {
      if (j < end && s[j] == '\n') ++j;  // WB3
    }
    out->push_back({i, j});
    i = j;
  }
}

}  // namespace tokenizer_internal
}  // namespace voc
