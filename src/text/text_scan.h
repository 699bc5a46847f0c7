// Private helpers for cheap scans over UTF-8 text shared by the theme
// classifier and the signal detector: sentence bounds around a byte
// position and the words just before a position.
#ifndef VOC_SRC_TEXT_SCAN_H_
#define VOC_SRC_TEXT_SCAN_H_

#include <cstddef>
#include <string_view>

namespace voc {
namespace internal {

// True when text[i] ends a sentence: a newline, or '.', '!', '?', ';'
// followed by whitespace or the end of the text.
inline bool EndsSentence(std::string_view text, size_t i) {
  char c = text[i];
  if (c == '\n' || c == '\r') return true;
  if (c != '.' && c != '!' && c != '?' && c != ';') return false;
  if (i + 1 >= text.size()) return true;
  char n = text[i + 1];
  return n == ' ' || n == '\t' || n == '\n' || n == '\r';
}

// The sentence holding the byte range [begin, end): from just after the
// previous sentence end before `begin` to just after the first sentence
// end at or after `end` (or the text's end). A match that itself spans
// sentence ends is kept whole.
struct Bounds {
  size_t begin;
  size_t end;
};
inline Bounds SentenceAround(std::string_view text, size_t begin, size_t end) {
  size_t b = begin;
  while (b > 0 && !EndsSentence(text, b - 1)) --b;
  size_t e = end;
  while (e < text.size() && !EndsSentence(text, e)) ++e;
  if (e < text.size()) ++e;  // keep the terminator
  return {b, e};
}

inline bool IsWordByte(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         c == '\'' || c >= 0x80;
}

}  // namespace internal
}  // namespace voc

#endif  // VOC_SRC_TEXT_SCAN_H_
