// The JSON text primitives of the library: UTF-8 checks, the masking of
// ill-formed bytes for the JSON parser, and the one JSON string escaper
// (voc/json.h AppendJsonString, util/json_writer.h).
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "util/json_text.h"
#include "voc/json.h"

namespace voc {
namespace internal {
size_t Utf8SequenceLength(std::string_view s, size_t i) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char b = byte(i);
  size_t n;
  unsigned char lo = 0x80, hi = 0xBF;
  if (b >= 0xC2 && b <= 0xDF) {
    n = 2;
  } else if (b >= 0xE0 && b <= 0xEF) {
    n = 3;
    if (b == 0xE0) lo = 0xA0;
    if (b == 0xED) hi = 0x9F;
  } else if (b >= 0xF0 && b <= 0xF4) {
    n = 4;
    if (b == 0xF0) lo = 0x90;
    if (b == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  if (byte(i + 1) < lo || byte(i + 1) > hi) return 0;
  for (size_t k = 2; k < n; ++k)
    if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
  return n;
}

bool HasInvalidUtf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    if (static_cast<unsigned char>(s[i]) < 0x80) {
      ++i;
      continue;
    }
    size_t n = Utf8SequenceLength(s, i);
    if (n == 0) return true;
    i += n;
  }
  return false;
}

void MaskInvalidUtf8(std::string_view in, std::string* out) {
  out->clear();
  out->reserve(in.size() + 16);
  for (size_t i = 0; i < in.size();) {
    unsigned char b = static_cast<unsigned char>(in[i]);
    if (b < 0x80) {
      out->push_back(static_cast<char>(b));
      ++i;
      continue;
    }
    size_t n = Utf8SequenceLength(in, i);
    if (n > 0) {
      out->append(in.data() + i, n);
      i += n;
      continue;
    }
    // U+10FF00 + b in UTF-8.
    out->push_back('\xF4');
    out->push_back('\x8F');
    out->push_back(static_cast<char>(0xBC + (b >> 6)));
    out->push_back(static_cast<char>(0x80 | (b & 0x3F)));
    ++i;
  }
}

void UnmaskInvalidUtf8(std::string* s) {
  if (s->find("\xF4\x8F") == std::string::npos) return;
  std::string out;
  out.reserve(s->size());
  for (size_t i = 0; i < s->size();) {
    auto at = [&](size_t k) { return static_cast<unsigned char>((*s)[k]); };
    if (i + 3 < s->size() && at(i) == 0xF4 && at(i + 1) == 0x8F && at(i + 2) >= 0xBC && at(i + 2) <= 0xBF &&
        at(i + 3) >= 0x80 && at(i + 3) <= 0xBF) {
      out.push_back(static_cast<char>(((at(i + 2) - 0xBC) << 6) | (at(i + 3) & 0x3F)));
      i += 4;
    } else {
      out.push_back((*s)[i]);
      ++i;
    }
  }
  s->swap(out);
}

namespace {

// The length of the run of plain bytes at the start of `p[0, n)`: eight
// bytes per step, the tail byte by byte from a table.
size_t PlainAsciiRun(const char* p, size_t n) {
  size_t i = 0;
#if VOC_JSON_SWAR
  for (; i + 8 <= n; i += 8) {
    uint64_t v;
    std::memcpy(&v, p + i, 8);
    // The lowest set bit belongs to the first flagged byte.
    if (const uint64_t flags = NotPlainJsonBytes(v))
      return i + static_cast<size_t>(__builtin_ctzll(flags)) / 8;
  }
#endif
  while (i < n && kPlainJsonByte.plain[static_cast<unsigned char>(p[i])]) ++i;
  return i;
}

// Texts up to this size are escaped into a buffer on the stack and appended
// at once (most tokens, labels, ids).
constexpr size_t kShortText = 64;

}  // namespace

size_t EscapeJsonOne(std::string_view text, size_t i, char** p) {
  static const char kHex[] = "0123456789abcdef";
  const auto c = static_cast<unsigned char>(text[i]);
  char* q = *p;
  size_t used = 1;
  if (c >= 0x80) {
    const size_t n = Utf8SequenceLength(text, i);
    if (n == 0) {
      std::memcpy(q, "\xEF\xBF\xBD", 3);
      q += 3;
    } else {
      std::memcpy(q, text.data() + i, n);
      q += n;
      used = n;
    }
  } else {
    *q++ = '\\';
    switch (c) {
      case '"':
        *q++ = '"';
        break;
      case '\\':
        *q++ = '\\';
        break;
      case '\n':
        *q++ = 'n';
        break;
      case '\r':
        *q++ = 'r';
        break;
      case '\t':
        *q++ = 't';
        break;
      case '\b':
        *q++ = 'b';
        break;
      case '\f':
        *q++ = 'f';
        break;
      default:
        std::memcpy(q, "u00", 3);
        q[3] = kHex[c >> 4];
        q[4] = kHex[c & 15];
        q += 5;
    }
  }
  *p = q;
  return used;
}

void AppendJsonString(std::string_view text, std::string* out) {
  if (text.size() <= kShortText) {
    char buf[JsonStringRoom(kShortText)];
    out->append(buf, static_cast<size_t>(WriteJsonString(text, buf) - buf));
    return;
  }
  // A long text: its plain runs straight from the text.
  out->push_back('"');
  for (size_t i = 0; i < text.size();) {
    const size_t run = PlainAsciiRun(text.data() + i, text.size() - i);
    out->append(text.data() + i, run);
    i += run;
    if (i == text.size()) break;
    char buf[kJsonEscapeRoom];
    char* p = buf;
    i += EscapeJsonOne(text, i, &p);
    out->append(buf, static_cast<size_t>(p - buf));
  }
  out->push_back('"');
}

}  // namespace internal

void AppendJsonString(std::string_view text, std::string* out) { internal::AppendJsonString(text, out); }

}  // namespace voc
