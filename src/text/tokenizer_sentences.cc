// UAX #29 sentence boundaries (SB1-SB11) without ICU's break iterator, giving
// the same boundaries as ICU's root sentence rules (the ICU path is the
// reference; tests and the fuzzer compare the two). Character classes come
// from ICU's Sentence_Break property.
#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "text/tokenizer_internal.h"

// ---- sentences --------------------------------------------------------------

namespace voc {
namespace tokenizer_internal {
namespace {

enum SentenceClass : uint8_t {
  kSbOther = 0,
  kSbSp,
  kSbLower,
  kSbUpper,
  kSbOLetter,
  kSbNumeric,
  kSbClose,
  kSbSContinue,
  kSbExtend,  // Extend or Format: handled by ICU only
  // The classes after which a sentence may end come last.
  kSbATermOrSep,
  kSbCR = kSbATermOrSep,
  kSbLF,
  kSbSep,
  kSbATerm,
  kSbSTerm,
};

SentenceClass FromIcu(int32_t v) {
  switch (v) {
    case U_SB_CR:
      return kSbCR;
    case U_SB_LF:
      return kSbLF;
    case U_SB_SEP:
      return kSbSep;
    case U_SB_SP:
      return kSbSp;
    case U_SB_LOWER:
      return kSbLower;
    case U_SB_UPPER:
      return kSbUpper;
    case U_SB_OLETTER:
      return kSbOLetter;
    case U_SB_NUMERIC:
      return kSbNumeric;
    case U_SB_ATERM:
      return kSbATerm;
    case U_SB_STERM:
      return kSbSTerm;
    case U_SB_CLOSE:
      return kSbClose;
    case U_SB_SCONTINUE:
      return kSbSContinue;
    case U_SB_EXTEND:
    case U_SB_FORMAT:
      return kSbExtend;
    default:
      return kSbOther;
  }
}

struct SentenceTable {
  uint8_t cls[128];
  SentenceTable() {
    for (int c = 0; c < 128; ++c) cls[c] = FromIcu(u_getIntPropertyValue(c, UCHAR_SENTENCE_BREAK));
  }
};

inline bool IsParaSep(uint8_t c) { return c == kSbCR || c == kSbLF || c == kSbSep; }
inline bool IsSATerm(uint8_t c) { return c == kSbATerm || c == kSbSTerm; }

}  // namespace

namespace {

// Applies SB3-SB11 to `m` code points whose classes are cls(k) and byte
// offsets pos(k) (pos(m) is the text size).
// `skip(i)` returns the first k >= i with cls(k) >= kSbATermOrSep, or m.
template <typename Cls, typename Pos, typename Skip>
void SentenceRules(int32_t m, Cls cls, Pos pos, Skip skip, std::vector<uint32_t>* out) {
  int32_t i = 0;
  while (i < m) {
    // Only separators and terminators can end a sentence.
    i = skip(i);
    if (i >= m) break;
    uint8_t c = cls(i);
    if (c == kSbCR) {
      i += (i + 1 < m && cls(i + 1) == kSbLF) ? 2 : 1;  // SB3, SB4
      if (i < m) out->push_back(pos(i));
      continue;
    }
    if (c == kSbLF || c == kSbSep) {  // SB4
      ++i;
      if (i < m) out->push_back(pos(i));
      continue;
    }
    if (!IsSATerm(c)) {
      ++i;
      continue;
    }
    int32_t j = i + 1;
    if (c == kSbATerm && j < m) {
      if (cls(j) == kSbNumeric) {  // SB6
        i = j;
        continue;
      }
      if (i > 0 && (cls(i - 1) == kSbUpper || cls(i - 1) == kSbLower) && cls(j) == kSbUpper) {
        i = j;  // SB7
        continue;
      }
    }
    while (j < m && cls(j) == kSbClose) ++j;
    while (j < m && cls(j) == kSbSp) ++j;
    if (c == kSbATerm) {  // SB8
      int32_t k = j;
      while (k < m) {
        uint8_t d = cls(k);
        if (d == kSbOLetter || d == kSbUpper || d == kSbLower || IsParaSep(d) || IsSATerm(d)) break;
        ++k;
      }
      if (k < m && cls(k) == kSbLower) {
        i = k;
        continue;
      }
    }
    if (j < m && (cls(j) == kSbSContinue || IsSATerm(cls(j)))) {  // SB8a
      i = j;
      continue;
    }
    if (j < m && IsParaSep(cls(j))) {  // SB9-SB11: the separator stays
      j += (cls(j) == kSbCR && j + 1 < m && cls(j + 1) == kSbLF) ? 2 : 1;
    }
    if (j < m) out->push_back(pos(j));  // SB11
    i = j;
  }
}

}  // namespace

bool FastSentenceBreaks(std::string_view text, bool ascii, std::vector<uint32_t>* out) {
  static const SentenceTable table;
  const unsigned char* s = reinterpret_cast<const unsigned char*>(text.data());
  const int32_t n = static_cast<int32_t>(text.size());
  if (ascii) {
    // In ASCII only CR, LF, '.', '!' and '?' can end a sentence.
    auto skip = [&](int32_t k) {
#if defined(__SSE2__)
      const __m128i dot = _mm_set1_epi8('.'), bang = _mm_set1_epi8('!'), question = _mm_set1_epi8('?'),
                    lf = _mm_set1_epi8('\n'), cr = _mm_set1_epi8('\r');
      while (k + 16 <= n) {
        __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + k));
        __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, dot), _mm_cmpeq_epi8(v, bang)),
                                   _mm_or_si128(_mm_cmpeq_epi8(v, question),
                                                _mm_or_si128(_mm_cmpeq_epi8(v, lf), _mm_cmpeq_epi8(v, cr))));
        int mask = _mm_movemask_epi8(hit);
        if (mask) return k + __builtin_ctz(static_cast<unsigned>(mask));
        k += 16;
      }
#endif
      while (k < n && table.cls[s[k]] < kSbATermOrSep) ++k;
      return k;
    };
    SentenceRules(
        n, [&](int32_t k) { return table.cls[s[k]]; }, [](int32_t k) { return static_cast<uint32_t>(k); },
        skip, out);
    out->push_back(static_cast<uint32_t>(n));
    return true;
  }
  // Classes of the code points and their byte offsets.
  thread_local std::vector<uint8_t> cls;
  thread_local std::vector<uint32_t> pos;
  cls.clear();
  pos.clear();
  for (int32_t i = 0; i < n;) {
    pos.push_back(static_cast<uint32_t>(i));
    unsigned char b = s[i];
    if (b < 0x80) {
      cls.push_back(table.cls[b]);
      ++i;
      continue;
    }
    UChar32 c;
    U8_NEXT(s, i, n, c);
    if (c < 0) return false;
    uint8_t k = FromIcu(u_getIntPropertyValue(c, UCHAR_SENTENCE_BREAK));
    if (k == kSbExtend) return false;
    cls.push_back(k);
  }
  pos.push_back(static_cast<uint32_t>(n));
  const int32_t m = static_cast<int32_t>(cls.size());
  SentenceRules(
      m, [&](int32_t k) { return cls[k]; }, [&](int32_t k) { return pos[k]; },
      [&](int32_t k) {
        while (k < m && cls[k] < kSbATermOrSep) ++k;
        return k;
      },
      out);
  out->push_back(static_cast<uint32_t>(n));
  return true;
}

}  // namespace tokenizer_internal
}  // namespace voc
