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

// Eight bytes per step, the tail byte by byte from a table.
size_t PlainJsonRun(const char* p, size_t n) {
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

namespace {

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

namespace {

using U128 = unsigned __int128;

// 10^0 .. 10^21.
constexpr U128 Pow10(int k) { return k == 0 ? U128{1} : 10 * Pow10(k - 1); }
constexpr U128 kPow10[] = {Pow10(0),  Pow10(1),  Pow10(2),  Pow10(3),  Pow10(4),  Pow10(5),
                           Pow10(6),  Pow10(7),  Pow10(8),  Pow10(9),  Pow10(10), Pow10(11),
                           Pow10(12), Pow10(13), Pow10(14), Pow10(15), Pow10(16), Pow10(17),
                           Pow10(18), Pow10(19), Pow10(20), Pow10(21)};

constexpr char kDigitPairs[] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

// Writes the eight decimal digits of `v` < 10^8 (leading zeros too) at `p`.
void WriteEightDigits(uint32_t v, char* p) {
  const uint32_t hi = v / 10000, lo = v % 10000;
  std::memcpy(p, kDigitPairs + 2 * (hi / 100), 2);
  std::memcpy(p + 2, kDigitPairs + 2 * (hi % 100), 2);
  std::memcpy(p + 4, kDigitPairs + 2 * (lo / 100), 2);
  std::memcpy(p + 6, kDigitPairs + 2 * (lo % 100), 2);
}

// Writes the decimal digits of `v` < 10^20 (no leading zeros) ending at
// `end`, with room for 24 bytes before it; returns their count.
int WriteDigitsBackward(uint64_t v, char* end) {
  char* p = end;
  while (v >= 100000000) {
    const uint64_t q = v / 100000000;
    p -= 8;
    WriteEightDigits(static_cast<uint32_t>(v - q * 100000000), p);
    v = q;
  }
  auto x = static_cast<uint32_t>(v);
  while (x >= 100) {
    const uint32_t q = x / 100;
    p -= 2;
    std::memcpy(p, kDigitPairs + 2 * (x - 100 * q), 2);
    x = q;
  }
  if (x >= 10) {
    p -= 2;
    std::memcpy(p, kDigitPairs + 2 * x, 2);
  } else {
    *--p = static_cast<char>('0' + x);
  }
  return static_cast<int>(end - p);
}

}  // namespace

size_t ShortestDoubleSpelling(double v, char* buf) {
  uint64_t bits;
  std::memcpy(&bits, &v, sizeof bits);
  const auto biased = static_cast<int>((bits >> 52) & 0x7FF);
  const uint64_t fraction = bits & ((uint64_t{1} << 52) - 1);
  const int e2 = biased - 1075;  // v = m * 2^e2
  if (biased == 0 || e2 > 0 || e2 < -66) return 0;
  const uint64_t m = fraction | (uint64_t{1} << 52);
  // The values that round to v lie between the halfway points to its
  // neighbours, (mv - 2) and (mv + 2) in units of 2^(e2 - 2) (the lower one
  // half as far at a power of two); the halfway points themselves round to
  // v when m is even.
  const bool accept_bounds = (m & 1) == 0;
  const uint64_t mv = 4 * m, mp = mv + 2, mm = mv - 1 - (fraction != 0 ? 1 : 0);
  // Scaled by 10^p, p = floor(-e2 log10 2) + 2 (at most 21): the interval
  // is then at least ten units wide and 10^p * mp < 2^125.
  const int p = static_cast<int>((static_cast<uint32_t>(-e2) * 78913u) >> 18) + 2;
  const int shift = 2 - e2;  // 2..68
  const U128 below = (U128{1} << shift) - 1;
  U128 nv, np, nm;
  if (p <= 19) {  // 64 by 64 bits
    const auto ten = static_cast<uint64_t>(kPow10[p]);
    nv = static_cast<U128>(ten) * mv, np = static_cast<U128>(ten) * mp, nm = static_cast<U128>(ten) * mm;
  } else {
    const U128 ten = kPow10[p];
    nv = ten * mv, np = ten * mp, nm = ten * mm;
  }
  uint64_t vr = static_cast<uint64_t>(nv >> shift), vp = static_cast<uint64_t>(np >> shift),
           vm = static_cast<uint64_t>(nm >> shift);
  bool vr_exact = (nv & below) == 0;                   // no digit of vr dropped so far is non-zero
  bool vm_exact = accept_bounds && (nm & below) == 0;  // the lower bound is a valid value
  if (!accept_bounds && (np & below) == 0) --vp;       // the upper bound is not
  // Ryu's digit removal (Ulf Adams, 2018), on exact values: drop digits
  // while the interval holds a shorter number, then round what is left.
  int removed = 0;
  uint64_t last = 0;
  const auto drop = [&] {
    vr_exact &= last == 0;
    last = vr % 10;
    vr /= 10;
    vp /= 10;
    vm /= 10;
    ++removed;
  };
  while (vp / 10 > vm / 10) {
    vm_exact &= vm % 10 == 0;
    drop();
  }
  if (vm_exact)
    while (vm % 10 == 0) drop();
  if (vr_exact && last == 5 && vr % 2 == 0) last = 4;  // exactly halfway: to even
  const uint64_t digits = vr + ((vr == vm && (!accept_bounds || !vm_exact)) || last >= 5);
  const int exp10 = removed - p;  // v = digits * 10^exp10, shortest
  // The digits end at tmp + 24; copies of a fixed 20 bytes from them stay
  // inside tmp, and inside `buf` where they land.
  char tmp[48];
  const int n = WriteDigitsBackward(digits, tmp + 24);
  const char* d = tmp + 24 - n;
  // std::to_chars' choice: the shorter of printf's %f and %e spellings.
  const int sci_exp = exp10 + n - 1;
  const int fixed_len = exp10 >= 0 ? n + exp10 : -exp10 < n ? n + 1 : 2 - exp10;
  const int abs_sci = sci_exp < 0 ? -sci_exp : sci_exp;
  const int sci_len = n + (n > 1 ? 1 : 0) + 2 + (abs_sci >= 100 ? 3 : 2);
  char* q = buf;
  if (bits >> 63) *q++ = '-';
  if (sci_len < fixed_len) {
    *q++ = d[0];
    if (n > 1) {
      *q++ = '.';
      std::memcpy(q, d + 1, 20);
      q += n - 1;
    }
    *q++ = 'e';
    *q++ = sci_exp < 0 ? '-' : '+';
    std::memcpy(q, kDigitPairs + 2 * abs_sci, 2);  // |sci_exp| < 100 here
    q += 2;
  } else if (exp10 >= 0) {  // at most 5 zeros (else scientific is shorter)
    std::memcpy(q, d, 20);
    q += n;
    std::memcpy(q, "00000000", 8);
    q += exp10;
    std::memcpy(q, ".0", 2);
    q += 2;
  } else if (-exp10 < n) {
    const int whole = n + exp10;
    std::memcpy(q, d, 20);
    q += whole;
    *q++ = '.';
    std::memcpy(q, d + whole, 20);
    q += n - whole;
  } else {  // "0." and at most 3 zeros (else scientific is shorter)
    std::memcpy(q, "0.000000", 8);
    q += 2 - exp10 - n;
    std::memcpy(q, d, 20);
    q += n;
  }
  return static_cast<size_t>(q - buf);
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
    const size_t run = PlainJsonRun(text.data() + i, text.size() - i);
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
