// Private helpers for cheap scans over UTF-8 text shared by the theme
// classifier and the signal detector: the words just before a position.
// (Sentences come from segment.h, the rules every stage shares.)
#ifndef VOC_SRC_TEXT_SCAN_H_
#define VOC_SRC_TEXT_SCAN_H_

#include <cstddef>
#include <string_view>

namespace voc {
namespace internal {

inline bool IsWordByte(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '\'' || c >= 0x80;
}

}  // namespace internal
}  // namespace voc

#endif  // VOC_SRC_TEXT_SCAN_H_
