// Private UTF-8 helpers: decoding and encoding, and the word characters shared by
// the classifier's features and the word rule of text/segment.h.
#ifndef VOC_SRC_UTF8_UTIL_H_
#define VOC_SRC_UTF8_UTIL_H_

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace voc {
namespace internal {

constexpr char32_t kReplacementChar = 0xFFFD;

// Whether every byte of `s` is ASCII (below 0x80), eight bytes at a time.
inline bool IsAsciiBytes(std::string_view s) {
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    if (w & 0x8080808080808080ULL) return false;
  }
  for (; i < s.size(); ++i)
    if (static_cast<unsigned char>(s[i]) >= 0x80) return false;
  return true;
}

// The eight bytes `x` with each byte 'A'-'Z' lower-cased and every other
// byte (bytes >= 0x80 too) as it is. Per byte, below 0x80: plus 0x80 - 'A'
// reaches the high bit when it is 'A' or above, plus 0x80 - 'Z' - 1 when it
// is above 'Z' (no sum carries into the next byte); 0x20 is the high bit >> 2.
inline uint64_t LowerAsciiBytes(uint64_t x) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  constexpr uint64_t kHighs = 0x8080808080808080ULL;
  const uint64_t low7 = x & ~kHighs;
  const uint64_t upper = (low7 + kOnes * (0x80 - 'A')) & ~(low7 + kOnes * (0x80 - 'Z' - 1)) & ~x & kHighs;
  return x | (upper >> 2);
}

// Decodes one code point of `s` at `*pos` and advances `*pos`. A malformed or
// truncated sequence yields U+FFFD and advances past its maximal valid prefix
// (at least one byte), as the Unicode standard recommends; `*invalid` is set.
inline char32_t DecodeUtf8(std::string_view s, size_t* pos, bool* invalid) {
  const size_t n = s.size();
  size_t i = *pos;
  const auto b0 = static_cast<unsigned char>(s[i]);
  *invalid = false;
  if (b0 < 0x80) {
    *pos = i + 1;
    return b0;
  }
  int need;
  char32_t cp;
  unsigned char lo = 0x80, hi = 0xBF;  // range of the second byte
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    need = 1;
    cp = b0 & 0x1F;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    need = 2;
    cp = b0 & 0x0F;
    if (b0 == 0xE0) lo = 0xA0;  // no overlong forms
    if (b0 == 0xED) hi = 0x9F;  // no surrogates
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    need = 3;
    cp = b0 & 0x07;
    if (b0 == 0xF0) lo = 0x90;
    if (b0 == 0xF4) hi = 0x8F;  // not above U+10FFFF
  } else {
    *pos = i + 1;
    *invalid = true;
    return kReplacementChar;
  }
  ++i;
  for (int k = 0; k < need; ++k, ++i) {
    if (i >= n) {
      *pos = i;
      *invalid = true;
      return kReplacementChar;
    }
    const auto b = static_cast<unsigned char>(s[i]);
    const unsigned char l = k == 0 ? lo : 0x80, h = k == 0 ? hi : 0xBF;
    if (b < l || b > h) {
      *pos = i;
      *invalid = true;
      return kReplacementChar;
    }
    cp = (cp << 6) | (b & 0x3F);
  }
  *pos = i;
  return cp;
}

// True for a word character, an approximation of Unicode \w: ASCII letters,
// digits and '_', and the non-ASCII code points outside the common
// punctuation, symbol and emoji blocks. The classifier's word n-grams
// (classifier/classifier_features.h) and the words of text/segment.h are
// runs of these.
constexpr bool IsWordCodePoint(uint32_t cp) {
  if (cp < 0x80) {
    return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9') || cp == '_';
  }
  if (cp >= 0x80 && cp <= 0xBF) return cp == 0xAA || cp == 0xB5 || cp == 0xBA;
  if (cp == 0xD7 || cp == 0xF7) return false;
  if (cp >= 0x2000 && cp <= 0x2BFF) return false;  // punctuation, symbols, arrows
  if (cp >= 0x3000 && cp <= 0x303F) return false;  // CJK punctuation
  if (cp >= 0xFE00 && cp <= 0xFE0F) return false;  // variation selectors
  if (cp >= 0x1F000) return false;                 // emoji and pictographs
  return true;
}

// Appends the UTF-8 encoding of `cp` (which must be a scalar value) to `out`.
inline void AppendUtf8(char32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Returns the offset of the first byte >= 0x80 in s[b, e), or e; eight bytes
// at a time while they are all ASCII.
inline size_t FindNonAscii(const unsigned char* s, size_t b, size_t e) {
  while (b + 8 <= e) {
    uint64_t w;
    std::memcpy(&w, s + b, 8);
    if (w & 0x8080808080808080ull) break;
    b += 8;
  }
  while (b < e && s[b] < 0x80) ++b;
  return b;
}

}  // namespace internal
}  // namespace voc

#endif  // VOC_SRC_UTF8_UTIL_H_
