// Private: how long a match of an RE2 pattern can be.
//
// The literal prefilter (literal_prefilter.h) searches a pattern only around
// the occurrences of its atoms. A match holds one of them, so when no match
// can be longer than L bytes, it lies within L bytes of the occurrence it
// holds, and the text further away need not be searched. Two measures are
// read from the pattern's syntax:
//  - bytes: the most bytes a match can have (UTF-8; unbounded with a
//    repetition without a maximum, such as \w+);
//  - separators: the most "separator" bytes a match can hold, ASCII bytes
//    other than letters, digits and '_' (a space, punctuation, a control
//    byte). \w+ matches a word of any length but no separator, so
//    `(?:\w+ ){0,2}` holds at most two and a match of
//    `\bno (?:\w+ ){0,2}(?:manual|charger)\b` lies within a few words of
//    "manual"; bytes >= 0x80 are never separators.
// A search around an occurrence then goes no further than either bound
// allows.
#ifndef VOC_SRC_PATTERN_LENGTH_H_
#define VOC_SRC_PATTERN_LENGTH_H_

#include <cstddef>
#include <limits>
#include <string_view>

namespace voc {
namespace internal {

struct MatchBounds {
  static constexpr size_t kUnbounded = std::numeric_limits<size_t>::max();
  size_t bytes = kUnbounded;
  size_t separators = kUnbounded;
};

// Whether byte `b` is a separator in the sense of MatchBounds.
inline bool IsSeparatorByte(unsigned char b) {
  return b < 0x80 && !((b >= '0' && b <= '9') || ((b | 0x20) >= 'a' && (b | 0x20) <= 'z') || b == '_');
}

// The bounds of the matches of `pattern` (RE2 syntax, UTF-8 encoding, Perl
// classes; case-insensitive from the start when `ignore_case`). What the
// reader does not know (\Q...\E, \C, POSIX classes, malformed text) leaves
// both unbounded, never a wrong bound.
MatchBounds ReadMatchBounds(std::string_view pattern, bool ignore_case);

}  // namespace internal
}  // namespace voc

#endif  // VOC_SRC_PATTERN_LENGTH_H_
