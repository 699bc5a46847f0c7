// Private: small readers of RE2 pattern syntax shared by the pattern
// readers (pattern_atoms.cc, pattern_alphabet.cc, pattern_length.cc).
#ifndef VOC_SRC_PATTERN_SYNTAX_H_
#define VOC_SRC_PATTERN_SYNTAX_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace voc {
namespace internal {

inline bool IsPatternHex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

inline uint32_t PatternHexValue(char c) {
  return c <= '9' ? static_cast<uint32_t>(c - '0') : static_cast<uint32_t>((c | 0x20) - 'a' + 10);
}

// Reads one UTF-8 character at p[*i]; false if malformed.
inline bool ReadPatternUtf8(std::string_view p, size_t* i, uint32_t* cp) {
  const auto b = static_cast<unsigned char>(p[*i]);
  const size_t len = b < 0x80 ? 1 : (b >> 5) == 6 ? 2 : (b >> 4) == 14 ? 3 : (b >> 3) == 30 ? 4 : 0;
  if (len == 0 || *i + len > p.size()) return false;
  uint32_t v = len == 1 ? b : b & (0x7F >> len);
  for (size_t k = 1; k < len; ++k) {
    const auto c = static_cast<unsigned char>(p[*i + k]);
    if ((c >> 6) != 2) return false;
    v = v << 6 | (c & 0x3F);
  }
  *i += len;
  *cp = v;
  return true;
}

// Reads the digits of a \x escape at p[*i] (after "\x"): \x{10FFFF} or
// \x7F. False if malformed.
inline bool ReadPatternHexEscape(std::string_view p, size_t* i, uint32_t* cp) {
  uint32_t v = 0;
  if (*i < p.size() && p[*i] == '{') {
    size_t k = *i + 1;
    for (; k < p.size() && IsPatternHex(p[k]) && k - *i <= 8; ++k) v = v * 16 + PatternHexValue(p[k]);
    if (k == *i + 1 || k >= p.size() || p[k] != '}') return false;
    *i = k + 1;
  } else {
    if (*i + 2 > p.size() || !IsPatternHex(p[*i]) || !IsPatternHex(p[*i + 1])) return false;
    v = PatternHexValue(p[*i]) * 16 + PatternHexValue(p[*i + 1]);
    *i += 2;
  }
  *cp = v;
  return true;
}

// The character of a one-letter escape (\a \f \t \n \r \v); false for other
// letters.
inline bool PatternControlEscape(char c, uint32_t* cp) {
  switch (c) {
    case 'a':
      *cp = 7;
      return true;
    case 'f':
      *cp = '\f';
      return true;
    case 't':
      *cp = '\t';
      return true;
    case 'n':
      *cp = '\n';
      return true;
    case 'r':
      *cp = '\r';
      return true;
    case 'v':
      *cp = '\v';
      return true;
    default:
      return false;
  }
}

// Reads an octal escape whose first digit `first` was read, with up to two
// more digits at p[*i].
inline uint32_t ReadPatternOctal(std::string_view p, size_t* i, char first) {
  uint32_t v = static_cast<uint32_t>(first - '0');
  for (int k = 0; k < 2 && *i < p.size() && p[*i] >= '0' && p[*i] <= '7'; ++k, ++*i)
    v = v * 8 + static_cast<uint32_t>(p[*i] - '0');
  return v;
}

}  // namespace internal
}  // namespace voc

#endif  // VOC_SRC_PATTERN_SYNTAX_H_
