// Private: text features of the linear classifier (see classifier_features.h).
#include "classifier/classifier_features.h"

#include "util/utf8_util.h"

#include <algorithm>
#include <cstdint>
#include <cmath>
#include <cstring>
#include <utility>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace voc::internal {
namespace {

constexpr uint64_t kFnvPrime = 0x100000001b3ULL;
constexpr uint64_t kWordSeed = 0xcbf29ce484222325ULL;
constexpr uint64_t kCharSeed = 0x84222325cbf29ce4ULL;

inline uint64_t FnvByte(uint64_t h, unsigned char c) { return (h ^ c) * kFnvPrime; }

// ASCII upper case to lower case; every other byte as it is.
constexpr unsigned char LowerByte(unsigned char c) {
  return static_cast<unsigned char>(c - 'A') < 26 ? static_cast<unsigned char>(c + 32) : c;
}

inline uint64_t Fnv(uint64_t h, const char* p, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    h ^= static_cast<unsigned char>(p[i]);
    h *= kFnvPrime;
  }
  return h;
}

// Decodes the code point at `p` (at most `n` bytes); sets `*len` (>= 1).
// Invalid bytes decode as themselves with length 1.
inline uint32_t Decode(const unsigned char* p, size_t n, size_t* len) {
  unsigned char c = p[0];
  if (c < 0x80) {
    *len = 1;
    return c;
  }
  size_t need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 0;
  if (need == 0 || need > n) {
    *len = 1;
    return c;
  }
  uint32_t cp = c & (0x3F >> (need - 1));
  for (size_t i = 1; i < need; ++i) {
    if ((p[i] & 0xC0) != 0x80) {
      *len = 1;
      return c;
    }
    cp = (cp << 6) | (p[i] & 0x3F);
  }
  *len = need;
  return cp;
}

// The word characters every stage shares (util/utf8_util.h).
constexpr bool IsWordCp(uint32_t cp) { return IsWordCodePoint(cp); }

constexpr bool IsSpace(unsigned char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

// ASCII bytes by class, as IsSpace and IsWordCp see them.
constexpr uint8_t kOtherClass = 0, kWordClass = 1, kSpaceClass = 2;
struct AsciiClasses {
  uint8_t c[128];
  constexpr AsciiClasses() : c() {
    for (int b = 0; b < 128; ++b)
      c[b] = IsSpace(static_cast<unsigned char>(b)) ? kSpaceClass
             : IsWordCp(static_cast<uint32_t>(b))   ? kWordClass
                                                    : kOtherClass;
  }
  constexpr uint8_t operator[](unsigned char b) const { return c[b]; }
};
constexpr AsciiClasses kAsciiClass;

// Every byte's class (ASCII as kAsciiClass; a byte >= 0x80 is kMultiClass,
// part of a sequence to decode) and its lower-cased form, one load each.
constexpr uint8_t kMultiClass = 3;
// `word_lower`: the lower-cased form of an ASCII word byte, 0 for any
// other byte (byte 0 is no word byte): a word's bytes cost one load each.
struct ByteTables {
  uint8_t cls[256];
  unsigned char lower[256];
  unsigned char word_lower[256];
  constexpr ByteTables() : cls(), lower(), word_lower() {
    for (int b = 0; b < 256; ++b) {
      cls[b] = b < 128 ? kAsciiClass[static_cast<unsigned char>(b)] : kMultiClass;
      lower[b] = LowerByte(static_cast<unsigned char>(b));
      word_lower[b] = cls[b] == kWordClass ? lower[b] : 0;
    }
  }
};

constexpr ByteTables kBytes;
static_assert(kBytes.cls[0] != kWordClass, "word_lower marks the bytes of no word with 0");

// Hashes the ASCII word bytes from p[i] on into both `h` and `hb` (as
// FnvByte of each lower-cased byte); returns the offset of the first other
// byte, or `n`.
inline size_t HashAsciiWordBytes(const unsigned char* p, size_t i, size_t n, uint64_t* h, uint64_t* hb) {
  uint64_t a = *h, b = *hb;
  const unsigned char* q = p + i;
  const unsigned char* const end = p + n;
  for (; q != end; ++q) {
    const unsigned char c = kBytes.word_lower[*q];
    if (c == 0) break;
    a = FnvByte(a, c);
    b = FnvByte(b, c);
  }
  *h = a;
  *hb = b;
  return static_cast<size_t>(q - p);
}

}  // namespace

uint64_t BigramHash(uint64_t left, std::string_view right) {
  return Fnv(Fnv(left, " ", 1), right.data(), right.size());
}

std::string LowerAscii(std::string_view text) {
  std::string s(text);
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

void ExtractFeatures(std::string_view original, std::vector<RawFeature>* out, bool char_ngrams) {
  out->clear();
  // The text is read as lower-cased (ASCII letters) without a lower-cased
  // copy: lower-casing changes no byte's class, and no byte of a multi-byte
  // sequence is an ASCII letter.
  const auto* p = reinterpret_cast<const unsigned char*>(original.data());
  const size_t n = original.size();

  // Words: maximal runs of word characters, and every other non-space
  // character on its own (punctuation and emoji carry sentiment). Each word
  // is hashed as it is scanned, and so is the bigram ending in it (the
  // previous word's hash, a space, then this word's bytes): two independent
  // multiply chains over the same bytes. Features come out in text order:
  // word, bigram of it and the next word, next word, ...
  uint64_t prev = 0;  // hash of the previous word
  uint32_t prev_begin = 0;
  bool have_prev = false;
  size_t i = 0;
  while (i < n) {
    uint8_t cls = kBytes.cls[p[i]];
    if (cls == kSpaceClass) {
      ++i;
      // Runs of blanks (a model's input has what is not a word blanked, a
      // URL or a mention in one run): eight at a time.
      constexpr uint64_t kEightBlanks = 0x2020202020202020ULL;
      uint64_t eight;
      while (i + 8 <= n && (std::memcpy(&eight, p + i, 8), eight == kEightBlanks)) i += 8;
      continue;
    }
    const size_t start = i;
    uint64_t h = kWordSeed;
    uint64_t hb = have_prev ? FnvByte(prev, ' ') : 0;
    auto take = [&](size_t len) {  // hashes the next `len` bytes into both
      for (size_t k = 0; k < len; ++k) {
        h = FnvByte(h, kBytes.lower[p[i + k]]);
        hb = FnvByte(hb, kBytes.lower[p[i + k]]);
      }
      i += len;
    };
    size_t len = 1;
    const bool word = cls == kWordClass || (cls == kMultiClass && IsWordCp(Decode(p + i, n - i, &len)));
    if (word) {
      take(len);
      for (;;) {
        i = HashAsciiWordBytes(p, i, n, &h, &hb);
        if (i == n || kBytes.cls[p[i]] != kMultiClass) break;
        size_t l;
        if (!IsWordCp(Decode(p + i, n - i, &l))) break;
        take(l);
      }
    } else {
      take(len);
    }
    if (have_prev) out->push_back({hb, FeatureFamily::kWord, true, prev_begin, static_cast<uint32_t>(i)});
    out->push_back({h, FeatureFamily::kWord, false, static_cast<uint32_t>(start), static_cast<uint32_t>(i)});
    prev = h;
    prev_begin = static_cast<uint32_t>(start);
    have_prev = true;
  }

  if (!char_ngrams) return;
  // Per-thread buffer: the lower-cased text, whose chunks are padded.
  thread_local std::string text;
  text.assign(original);
  for (char& c : text) c = static_cast<char>(LowerByte(static_cast<unsigned char>(c)));
  p = reinterpret_cast<const unsigned char*>(text.data());
  // Character 2-5 grams of each whitespace-separated chunk, padded with a
  // space on both sides; a chunk shorter than n yields itself once.
  std::vector<uint32_t> cps;  // byte offsets of code point starts in padded chunk
  std::string padded;
  i = 0;
  while (i < n) {
    if (IsSpace(p[i])) {
      ++i;
      continue;
    }
    size_t start = i;
    while (i < n && !IsSpace(p[i])) ++i;
    padded.assign(1, ' ');
    padded.append(text, start, i - start);
    padded.push_back(' ');
    cps.clear();
    for (size_t j = 0; j < padded.size();) {
      cps.push_back(static_cast<uint32_t>(j));
      size_t len;
      Decode(reinterpret_cast<const unsigned char*>(padded.data()) + j, padded.size() - j, &len);
      j += len;
    }
    const size_t w_len = cps.size();
    cps.push_back(static_cast<uint32_t>(padded.size()));
    auto span_of = [&](size_t a, size_t b) {  // padded byte offsets -> text
      size_t lo = a == 0 ? 0 : a - 1, hi = b == 0 ? 0 : b - 1;
      hi = std::min(hi, i - start);
      lo = std::min(lo, hi);
      return std::make_pair(static_cast<uint32_t>(start + lo), static_cast<uint32_t>(start + hi));
    };
    for (size_t ng = 2; ng <= 5; ++ng) {
      size_t offset = 0;
      for (;;) {
        size_t endcp = std::min(offset + ng, w_len);
        uint32_t a = cps[offset], b = cps[endcp];
        auto sp = span_of(a, b);
        out->push_back(
            {Fnv(kCharSeed, padded.data() + a, b - a), FeatureFamily::kChar, false, sp.first, sp.second});
        if (offset + ng >= w_len) break;
        ++offset;
      }
      if (offset == 0) break;
    }
  }
}

void FastTextTokens(std::string_view original, std::vector<FtToken>* out) {
  out->clear();
  const auto* p = reinterpret_cast<const unsigned char*>(original.data());
  const size_t n = original.size();
  size_t i = 0;
  while (i < n) {
    size_t len;
    uint32_t cp = Decode(p + i, n - i, &len);
    if (cp < 0x80 && IsSpace(static_cast<unsigned char>(cp))) {
      i += len;
      continue;
    }
    // Other control characters separate tokens too.
    if (cp < 0x20 || cp == 0x7F) {
      i += len;
      continue;
    }
    size_t start = i;
    if (IsWordCp(cp)) {
      while (i < n) {
        cp = Decode(p + i, n - i, &len);
        if (!IsWordCp(cp)) break;
        i += len;
      }
    } else {
      i += len;
    }
    out->push_back({LowerAscii(original.substr(start, i - start)), static_cast<uint32_t>(start),
                    static_cast<uint32_t>(i)});
  }
}

std::string DescribeFeature(std::string_view text, const RawFeature& f) {
  std::string piece = LowerAscii(text.substr(f.begin, f.end - f.begin));
  if (f.family == FeatureFamily::kChar) return "char:" + piece;
  return (f.pair ? "words:" : "word:") + piece;
}

int64_t FeatureIndex::Insert(uint64_t hash) {
  if ((keys_.size() + 1) * 2 > slots_.size()) Grow();
  size_t mask = slots_.size() - 1;
  for (size_t i = Mix(hash) & mask;; i = (i + 1) & mask) {
    Slot& s = slots_[i];
    if (s.index < 0) {
      s.key = hash;
      s.index = static_cast<int64_t>(keys_.size());
      keys_.push_back(hash);
      return s.index;
    }
    if (s.key == hash) return s.index;
  }
}

void FeatureIndex::Reserve(size_t n) {
  size_t want = 16;
  while (want < n * 2) want <<= 1;
  if (want <= slots_.size()) return;
  slots_.assign(want, Slot{});
  size_t mask = want - 1;
  for (size_t k = 0; k < keys_.size(); ++k) {
    for (size_t i = Mix(keys_[k]) & mask;; i = (i + 1) & mask) {
      if (slots_[i].index < 0) {
        slots_[i] = {keys_[k], static_cast<int64_t>(k)};
        break;
      }
    }
  }
}

void FeatureIndex::Grow() { Reserve(std::max<size_t>(16, keys_.size() * 2 + 2)); }

namespace {

// LSD radix sort on bytes; a byte that every id shares costs no pass.
void RadixSortIds(uint32_t* ids, size_t n) {
  thread_local std::vector<uint32_t> scratch;
  scratch.resize(n);
  uint32_t count[4][256] = {};
  for (size_t i = 0; i < n; ++i) {
    const uint32_t x = ids[i];
    ++count[0][x & 0xFF];
    ++count[1][x >> 8 & 0xFF];
    ++count[2][x >> 16 & 0xFF];
    ++count[3][x >> 24];
  }
  uint32_t* src = ids;
  uint32_t* dst = scratch.data();
  for (int d = 0; d < 4; ++d) {
    const int shift = 8 * d;
    uint32_t* c = count[d];
    if (c[src[0] >> shift & 0xFF] == n) continue;
    uint32_t sum = 0;
    for (int b = 0; b < 256; ++b) sum += std::exchange(c[b], sum);
    for (size_t i = 0; i < n; ++i) dst[c[src[i] >> shift & 0xFF]++] = src[i];
    std::swap(src, dst);
  }
  if (src != ids) std::copy(src, src + n, ids);
}

}  // namespace

void SortIds(std::vector<uint32_t>* ids) { SortIds(ids->data(), ids->size()); }

void SortIds(uint32_t* ids, size_t n) {
  constexpr size_t kMaxRanked = 64;  // beyond, a radix sort is faster
  if (n > kMaxRanked) {
    RadixSortIds(ids, n);
    return;
  }
#if defined(__SSE2__)
  // Each id goes to its rank, the number of smaller ids. The ranks of four
  // ids are counted at once: their lanes are compared with every id in
  // turn, each id broadcast to all lanes once (SSE2 compares signed lanes:
  // the ids are biased by 2^31; the lanes past the end hold the largest
  // value and their counts are not read). No sum across lanes per id, and
  // no per-id loop set-up. Equal ids have the same count: they take the
  // free slots after it, which no other id's count reaches.
  alignas(16) int32_t biased[kMaxRanked];
  alignas(16) int32_t rank[kMaxRanked];
  __m128i each[kMaxRanked];
  const size_t padded = (n + 3) & ~size_t{3};
  for (size_t i = 0; i < n; ++i) {
    biased[i] = static_cast<int32_t>(ids[i] ^ 0x80000000u);
    each[i] = _mm_set1_epi32(biased[i]);
  }
  for (size_t i = n; i < padded; ++i) biased[i] = INT32_MAX;
  for (size_t b = 0; b < padded; b += 4) {
    const __m128i x = _mm_load_si128(reinterpret_cast<const __m128i*>(biased + b));
    // The compare masks (-1 where an id is smaller) summed, four ids a
    // step in two sums: the count negated.
    __m128i minus = _mm_setzero_si128(), minus2 = _mm_setzero_si128();
    size_t j = 0;
    for (; j + 4 <= n; j += 4) {
      minus = _mm_add_epi32(minus, _mm_cmpgt_epi32(x, each[j]));
      minus2 = _mm_add_epi32(minus2, _mm_cmpgt_epi32(x, each[j + 1]));
      minus = _mm_add_epi32(minus, _mm_cmpgt_epi32(x, each[j + 2]));
      minus2 = _mm_add_epi32(minus2, _mm_cmpgt_epi32(x, each[j + 3]));
    }
    for (; j < n; ++j) minus = _mm_add_epi32(minus, _mm_cmpgt_epi32(x, each[j]));
    _mm_store_si128(reinterpret_cast<__m128i*>(rank + b),
                    _mm_sub_epi32(_mm_setzero_si128(), _mm_add_epi32(minus, minus2)));
  }
  bool taken[kMaxRanked] = {};
  uint32_t* out = ids;
  for (size_t i = 0; i < n; ++i) {
    size_t r = static_cast<size_t>(rank[i]);
    while (taken[r]) ++r;
    taken[r] = true;
    out[r] = static_cast<uint32_t>(biased[i]) ^ 0x80000000u;
  }
#else
  uint32_t in[kMaxRanked];
  std::copy(ids, ids + n, in);
  uint32_t* out = ids;
  for (size_t i = 0; i < n; ++i) {
    const uint32_t x = in[i];
    size_t rank = 0;  // smaller ids, and equal ones before this one
    for (size_t j = 0; j < i; ++j) rank += in[j] <= x;
    for (size_t j = i + 1; j < n; ++j) rank += in[j] < x;
    out[rank] = x;
  }
#endif
}

void Vectorize(const std::vector<RawFeature>& raw, const FeatureIndex& index, const std::vector<float>& idf,
               SparseVector* out) {
  out->entries.clear();
  std::vector<uint32_t> ids[2];
  for (const RawFeature& f : raw) {
    int64_t id = index.Find(f.hash);
    if (id >= 0) ids[static_cast<int>(f.family)].push_back(static_cast<uint32_t>(id));
  }
  for (auto& v : ids) {
    if (v.empty()) continue;
    SortIds(&v);
    size_t first = out->entries.size();
    double norm = 0;
    for (size_t a = 0; a < v.size();) {
      size_t b = a;
      while (b < v.size() && v[b] == v[a]) ++b;
      double val = (1.0 + std::log(static_cast<double>(b - a))) * idf[v[a]];
      norm += val * val;
      out->entries.push_back({v[a], static_cast<float>(val)});
      a = b;
    }
    if (norm > 0) {
      float inv = static_cast<float>(1.0 / std::sqrt(norm));
      for (size_t k = first; k < out->entries.size(); ++k) out->entries[k].second *= inv;
    }
  }
  std::sort(out->entries.begin(), out->entries.end());
}

}  // namespace voc::internal
