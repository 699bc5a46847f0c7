// Private helpers shared by the reader sources.
#ifndef VOC_SRC_READER_INTERNAL_H_
#define VOC_SRC_READER_INTERNAL_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "util/json_text.h"

namespace voc {
namespace internal {

// Parses `text` as ParseTimestamp() does. On failure returns false and sets
// `*why` to a short reason, or leaves it empty when the form is unknown.
bool ParseTimestampDetail(std::string_view text, int64_t* out, std::string* why);

// Returns `text` in single quotes, cut to `limit` bytes with "..." after.
std::string Quoted(std::string_view text, size_t limit);

// The offset of the first '\n' or '\r' of `text`, or its size when it has
// none (sixteen bytes at a time where SSE2 is available).
size_t LineBreakOffset(std::string_view text);

}  // namespace internal
}  // namespace voc

#endif  // VOC_SRC_READER_INTERNAL_H_
