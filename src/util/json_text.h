// Private: the JSON text primitives (util/json_text.cc): UTF-8 checks, the
// masking of ill-formed bytes for the JSON parser, and the JSON string escaper.
#ifndef VOC_SRC_UTIL_JSON_TEXT_H_
#define VOC_SRC_UTIL_JSON_TEXT_H_

#include <cstddef>
#include <cstdint>
#include <cstring>
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

// Bytes written as they are inside a JSON string: printable ASCII but the
// quote and the backslash.
struct PlainJsonBytes {
  bool plain[256];
  constexpr PlainJsonBytes() : plain() {
    for (int c = 0; c < 256; ++c) plain[c] = c >= 0x20 && c < 0x80 && c != '"' && c != '\\';
  }
};
inline constexpr PlainJsonBytes kPlainJsonByte;

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define VOC_JSON_SWAR 1
// The eight bytes `v` (little-endian) with the high bit of each byte that is
// not plain set; a flag can only be wrong in a byte after a truly flagged
// one, so the lowest flag is exact.
inline uint64_t NotPlainJsonBytes(uint64_t v) {
  constexpr uint64_t kOnes = 0x0101010101010101ull;
  constexpr uint64_t kHigh = 0x8080808080808080ull;
  const uint64_t quote = v ^ (kOnes * '"');
  const uint64_t backslash = v ^ (kOnes * '\\');
  return (((v - kOnes * 0x20) & ~v) | ((quote - kOnes) & ~quote) | ((backslash - kOnes) & ~backslash) | v) &
         kHigh;
}
// The `n` bytes at `s` (0 < n < 8), little-endian, the rest zero; reads
// only those bytes.
inline uint64_t LoadShort(const char* s, size_t n) {
  if (n >= 4) {
    uint32_t lo, hi;
    std::memcpy(&lo, s, 4);
    std::memcpy(&hi, s + n - 4, 4);
    return lo | (static_cast<uint64_t>(hi) << (8 * (n - 4)));  // the overlap holds the same bytes
  }
  const auto b = [s](size_t k) { return static_cast<uint64_t>(static_cast<unsigned char>(s[k])); };
  return b(0) | (b(n / 2) << (8 * (n / 2))) | (b(n - 1) << (8 * (n - 1)));
}
#else
#define VOC_JSON_SWAR 0
#endif

// What std::to_chars(first, last, v) writes for a finite `v` with
// 2^-14 <= |v| < 2^53 (most scores and probabilities), written at `buf`
// (room for 40 bytes: some are written past the spelling), with ".0" after
// an integral value in fixed notation, as JSON writers want it; 0 for any
// other value. The shortest decimal that reads back as `v` (the closest to
// v among those, ties to even), found with exact 128-bit integer
// arithmetic; fixed or scientific notation, whichever is shorter (fixed on
// a tie).
size_t ShortestDoubleSpelling(double v, char* buf);

// The length of the run of plain bytes (kPlainJsonByte) at the start of
// `p[0, n)`.
size_t PlainJsonRun(const char* p, size_t n);

// Writes the escaped form of the byte or UTF-8 sequence at `text[i]` (not a
// plain byte) at `*p` (at most kJsonEscapeRoom bytes), moves `*p` past it and
// returns the number of bytes of `text` it stands for.
constexpr size_t kJsonEscapeRoom = 6;
size_t EscapeJsonOne(std::string_view text, size_t i, char** p);

// Writes `text` as AppendJsonString does at `p`, which has room for
// JsonStringRoom(text.size()) bytes, and returns the end of what it wrote:
// for writers that put several fields in one buffer before one append.
// Inline: most strings are a few plain bytes.
inline char* WriteJsonString(std::string_view text, char* p) {
  // Plain bytes are copied as they are checked: eight at a time (all eight
  // are stored, and `p` moves past the plain ones; the room of the eight
  // bytes' escapes holds them), then one by one.
  const char* s = text.data();
  const size_t n = text.size();
  *p++ = '"';
  for (size_t i = 0; i < n;) {
#if VOC_JSON_SWAR
    for (; i + 8 <= n; i += 8, p += 8) {
      uint64_t v;
      std::memcpy(&v, s + i, 8);
      std::memcpy(p, &v, 8);
      if (const uint64_t flags = NotPlainJsonBytes(v)) {
        const size_t plain = static_cast<size_t>(__builtin_ctzll(flags)) / 8;
        i += plain;
        p += plain;
        break;
      }
    }
    // Two to seven bytes left: read without reading past the text (two
    // overlapping loads), stored whole when all are plain (the room of
    // their escapes, six bytes each, holds eight bytes).
    if (const size_t left = n - i; left >= 2 && left < 8) {
      const uint64_t v = LoadShort(s + i, left);
      if ((NotPlainJsonBytes(v) & ((uint64_t{1} << (8 * left)) - 1)) == 0) {
        std::memcpy(p, &v, 8);
        p += left;
        break;
      }
    }
#endif
    while (i < n && kPlainJsonByte.plain[static_cast<unsigned char>(s[i])]) *p++ = s[i++];
    if (i < n) i += EscapeJsonOne(text, i, &p);
  }
  *p++ = '"';
  return p;
}

}  // namespace internal
}  // namespace voc

#endif  // VOC_SRC_UTIL_JSON_TEXT_H_
