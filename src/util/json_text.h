// Private: the JSON text primitives (util/json_text.cc): UTF-8 checks, the
// masking of ill-formed bytes for the JSON parser, and the JSON string escaper.
#ifndef VOC_SRC_UTIL_JSON_TEXT_H_
#define VOC_SRC_UTIL_JSON_TEXT_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace voc {
namespace internal {

// Returns the length of the well-formed UTF-8 sequence starting at `s[i]`
// (2 to 4), or 0 if the bytes there are not one. ASCII is not handled here.
size_t Utf8SequenceLength(std::string_view s, size_t i);

// Returns true if `s` holds bytes that are not well-formed UTF-8.
bool HasInvalidUtf8(std::string_view s);

// JSON must be UTF-8, and the JSON parser rejects other bytes. To pass them
// through untouched, MaskInvalidUtf8 swaps each byte B of an ill-formed
// sequence for the private-use code point U+10FF00+B; UnmaskInvalidUtf8
// swaps them back. (A line that holds both ill-formed bytes and genuine
// U+10FF00..U+10FFFF characters gets the latter turned into bytes.)
void MaskInvalidUtf8(std::string_view in, std::string* out);
void UnmaskInvalidUtf8(std::string* s);

// Appends `text` as a JSON string literal (with quotes). Bytes that are not
// valid UTF-8 become U+FFFD; control characters are escaped.
void AppendJsonString(std::string_view text, std::string* out);

// The most bytes the JSON string literal of an `n`-byte text takes (a
// control character is six).
constexpr size_t JsonStringRoom(size_t n) { return 6 * n + 2; }

// Writes `text` as AppendJsonString does at `p`, which has room for
// JsonStringRoom(text.size()) bytes, and returns the end of what it wrote:
// for writers that put several fields in one buffer before one append.
char* WriteJsonString(std::string_view text, char* p);

}  // namespace internal
}  // namespace voc

#endif  // VOC_SRC_UTIL_JSON_TEXT_H_
