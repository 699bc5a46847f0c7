// Tokenizer: social scanner + word segmentation (ICU or the ASCII fast path)
// + classification and normalisation of each segment + sentence breaks.
#include "voc/tokenizer.h"

#include <unicode/brkiter.h>
#include <unicode/locid.h>
#include <unicode/uchar.h>
#include <unicode/ucasemap.h>
#include <unicode/utext.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <limits>
#include <mutex>

#include "text/segment.h"
#include "text/tokenizer_internal.h"

namespace voc {

const char* TokenKindName(TokenKind kind) {
  switch (kind) {
    case TokenKind::kWord:
      return "word";
    case TokenKind::kNumber:
      return "number";
    case TokenKind::kPunct:
      return "punct";
    case TokenKind::kSymbol:
      return "symbol";
    case TokenKind::kUrl:
      return "url";
    case TokenKind::kEmail:
      return "email";
    case TokenKind::kMention:
      return "mention";
    case TokenKind::kHashtag:
      return "hashtag";
    case TokenKind::kEmoji:
      return "emoji";
    case TokenKind::kEmoticon:
      return "emoticon";
    case TokenKind::kMoney:
      return "money";
    case TokenKind::kTime:
      return "time";
    case TokenKind::kMask:
      return "mask";
    case TokenKind::kContraction:
      return "contraction";
  }
  return "unknown";
}

using tokenizer_internal::Segment;
using tokenizer_internal::SocialSpan;

namespace {

std::atomic<uint64_t> g_next_tokenizer_id{1};

inline bool IsAsciiSpace(unsigned char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }
inline bool IsAsciiAlpha(unsigned char c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; }
inline bool IsAsciiDigit(unsigned char c) { return c >= '0' && c <= '9'; }

// Per-thread clones of a tokenizer's break iterators, keyed by tokenizer id
// (ids are never reused, so a destroyed tokenizer's entry just ages out).
struct ThreadIterators {
  uint64_t id = 0;
  std::unique_ptr<icu::BreakIterator> word;
};
constexpr size_t kMaxCachedTokenizersPerThread = 8;

}  // namespace

struct Tokenizer::Impl {
  TokenizerOptions options;
  uint64_t id = 0;
  std::unique_ptr<icu::BreakIterator> word_proto;
  // Created to check that ICU has its sentence rules; segment.cc keeps the
  // per-thread iterators that use them.
  std::unique_ptr<icu::BreakIterator> sentence_proto;
  UCaseMap* case_map = nullptr;
  mutable std::mutex clone_mu;  // guards cloning the prototypes

  ~Impl() {
    if (case_map) ucasemap_close(case_map);
  }

  ThreadIterators& Iterators() const;
  void AddGap(std::string_view text, uint32_t b, uint32_t e, Tokenization* out) const;
  void IcuSegments(icu::BreakIterator* bi, std::string_view text, uint32_t b, uint32_t e,
                   std::vector<Segment>* out) const;
  void AddSegment(std::string_view text, Segment seg, Tokenization* out) const;
  void AddAscii(std::string_view text, uint32_t b, uint32_t e, Tokenization* out) const;
  void AddAsciiToken(std::string_view text, uint32_t b, uint32_t e, uint32_t flags, Tokenization* out) const;
  void AddAsciiRun(std::string_view text, uint32_t b, uint32_t e, Tokenization* out) const;
  void AddSocial(std::string_view text, const SocialSpan& span, Tokenization* out) const;
  void Fold(std::string_view in, std::string* out) const;
  void Sentences(std::string_view text, bool ascii, Tokenization* out) const;
};

ThreadIterators& Tokenizer::Impl::Iterators() const {
  thread_local std::vector<ThreadIterators> cache;
  for (size_t k = 0; k < cache.size(); ++k) {
    if (cache[k].id == id) {
      if (k != 0) std::swap(cache[k], cache[0]);  // most recent first
      return cache[0];
    }
  }
  ThreadIterators fresh;
  fresh.id = id;
  {
    std::lock_guard<std::mutex> lock(clone_mu);
    fresh.word.reset(word_proto->clone());
  }
  if (cache.size() >= kMaxCachedTokenizersPerThread) cache.pop_back();
  cache.insert(cache.begin(), std::move(fresh));
  return cache[0];
}

void Tokenizer::Impl::IcuSegments(icu::BreakIterator* bi, std::string_view text, uint32_t b, uint32_t e,
                                  std::vector<Segment>* out) const {
  if (b >= e) return;
  UErrorCode status = U_ZERO_ERROR;
  UText ut = UTEXT_INITIALIZER;
  utext_openUTF8(&ut, text.data() + b, static_cast<int64_t>(e - b), &status);
  if (U_FAILURE(status)) {
    out->push_back({b, e});
    return;
  }
  // The iterator keeps its own shallow clone of `ut` (pointing at `text`),
  // so the stack UText can be closed once the boundaries are read.
  bi->setText(&ut, status);
  if (U_FAILURE(status)) {
    utext_close(&ut);
    out->push_back({b, e});
    return;
  }
  int32_t prev = bi->first();
  for (int32_t cur = bi->next(); cur != icu::BreakIterator::DONE; cur = bi->next()) {
    if (cur > prev) out->push_back({b + static_cast<uint32_t>(prev), b + static_cast<uint32_t>(cur)});
    prev = cur;
  }
  utext_close(&ut);
}

using tokenizer_internal::FindNonAscii;

// Adds the tokens of text[b, e), a stretch between social tokens: all
// segmented by ICU, or (fast path) ASCII chunks between ASCII white space by
// the built-in segmenter and the chunks holding other bytes by ICU.
void Tokenizer::Impl::AddGap(std::string_view text, uint32_t b, uint32_t e, Tokenization* out) const {
  if (b >= e) return;
  thread_local std::vector<Segment> segs;
  const unsigned char* s = reinterpret_cast<const unsigned char*>(text.data());
  auto icu_run = [&](uint32_t rb, uint32_t re) {
    segs.clear();
    IcuSegments(Iterators().word.get(), text, rb, re, &segs);
    for (const Segment& seg : segs) AddSegment(text, seg, out);
  };
  if (!options.fast_path) {
    icu_run(b, e);
    return;
  }
  auto ascii_run = [&](uint32_t rb, uint32_t re) { AddAsciiRun(text, rb, re, out); };
  uint32_t pos = b;
  while (pos < e) {
    uint32_t q = FindNonAscii(s, pos, e);
    if (q == e) {
      ascii_run(pos, e);
      return;
    }
    // The non-ASCII byte at q: its chunk runs between ASCII whitespace;
    // extend over following chunks that also hold non-ASCII bytes.
    uint32_t cs = q;
    while (cs > pos && !IsAsciiSpace(s[cs - 1])) --cs;
    uint32_t ce = q;
    for (;;) {
      while (ce < e && !IsAsciiSpace(s[ce])) ++ce;
      uint32_t ns = ce;
      while (ns < e && IsAsciiSpace(s[ns])) ++ns;
      uint32_t ne = ns;
      bool non_ascii = false;
      while (ne < e && !IsAsciiSpace(s[ne])) non_ascii |= s[ne++] >= 0x80;
      if (ns < e && non_ascii) {
        ce = ne;
      } else {
        break;
      }
    }
    if (cs > pos) ascii_run(pos, cs);
    icu_run(cs, ce);
    pos = ce;
  }
}

void Tokenizer::Impl::Fold(std::string_view in, std::string* out) const {
  bool ascii = true;
  for (unsigned char c : in) ascii &= c < 0x80;
  if (ascii || !options.case_fold) {
    out->assign(in.data(), in.size());
    if (options.case_fold)
      for (char& c : *out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
    return;
  }
  out->resize(in.size() * 3 + 8);
  UErrorCode status = U_ZERO_ERROR;
  int32_t n = ucasemap_utf8FoldCase(case_map, out->data(), static_cast<int32_t>(out->size()), in.data(),
                                    static_cast<int32_t>(in.size()), &status);
  if (status == U_BUFFER_OVERFLOW_ERROR) {
    out->resize(static_cast<size_t>(n));
    status = U_ZERO_ERROR;
    n = ucasemap_utf8FoldCase(case_map, out->data(), static_cast<int32_t>(out->size()), in.data(),
                              static_cast<int32_t>(in.size()), &status);
  }
  if (U_FAILURE(status) || n < 0) {
    out->assign(in.data(), in.size());
    return;
  }
  out->resize(static_cast<size_t>(n));
}

namespace {

// Collapses runs of 3+ identical letters (code points) to 2; returns whether
// any run was collapsed.
bool ReduceElongation(std::string* s) {
  const unsigned char* p = reinterpret_cast<const unsigned char*>(s->data());
  int32_t n = static_cast<int32_t>(s->size());
  // Quick check: any byte repeated 3 times?
  bool maybe = false;
  for (int32_t i = 2; i < n && !maybe; ++i) maybe = p[i] == p[i - 1] && p[i] == p[i - 2];
  if (!maybe) return false;
  std::string out;
  out.reserve(s->size());
  bool changed = false;
  int32_t i = 0;
  UChar32 prev = -2;
  int run = 0;
  while (i < n) {
    int32_t start = i;
    UChar32 c;
    U8_NEXT(p, i, n, c);
    if (c == prev && c >= 0 && u_isalpha(c)) {
      ++run;
    } else {
      prev = c;
      run = 1;
    }
    if (run <= 2) {
      out.append(s->data() + start, static_cast<size_t>(i - start));
    } else {
      changed = true;
    }
  }
  if (changed) s->swap(out);
  return changed;
}

// True when `w` (with ASCII apostrophes) ends in a contraction suffix: n't,
// 's, 're, 've, 'll, 'd, 'm (ASCII case-insensitive).
bool EndsWithContractionSuffix(std::string_view w) {
  size_t a = w.rfind('\'');
  if (a == std::string_view::npos || a == 0 || a + 1 >= w.size() || w.size() - a > 3) return false;
  char suf[3] = {0, 0, 0};
  for (size_t k = a + 1; k < w.size(); ++k) suf[k - a - 1] = static_cast<char>(w[k] | 0x20);
  switch (w.size() - a - 1) {
    case 1:
      if (suf[0] == 't') return (w[a - 1] | 0x20) == 'n';
      return suf[0] == 's' || suf[0] == 'd' || suf[0] == 'm';
    case 2:
      return (suf[0] == 'r' && suf[1] == 'e') || (suf[0] == 'v' && suf[1] == 'e') ||
             (suf[0] == 'l' && suf[1] == 'l');
  }
  return false;
}

// Punctuation (general category P) among the ASCII characters.
struct AsciiPunctTable {
  bool punct[128];
  constexpr AsciiPunctTable() : punct() {
    const char* p = "!\"#%&'()*,-./:;?@[\\]_{}";
    for (; *p; ++p) punct[static_cast<int>(*p)] = true;
  }
};
constexpr AsciiPunctTable kAsciiPunct;

}  // namespace

namespace {

// When the previous token is a run of the same punctuation mark as
// text[b, e) (one code point) and ends at `b`, extends it and returns true:
// "!!!", "...". Runs of 3+ marks are elongated ("....": 4+) and their norm
// keeps 2 marks ("...": 3).
bool MergePunct(std::string_view text, uint32_t b, uint32_t e, Tokenization* out) {
  if (out->tokens.empty()) return false;
  Token& last = out->tokens.back();
  if (last.kind != TokenKind::kPunct || last.end != b) return false;
  std::string_view mark = text.substr(b, e - b);
  std::string_view prev = text.substr(last.begin, last.end - last.begin);
  if (prev.size() % mark.size() != 0) return false;
  if (mark.size() == 1) {
    for (char c : prev)
      if (c != mark[0]) return false;
  } else {
    for (size_t k = 0; k < prev.size(); k += mark.size())
      if (prev.compare(k, mark.size(), mark) != 0) return false;
  }
  last.end = e;
  size_t count = (last.end - last.begin) / mark.size();
  bool dot = mark == ".";
  last.elongated = dot ? count >= 4 : count >= 3;
  size_t keep = count < 3 ? count : (dot ? 3 : 2);
  if (last.norm.size() != keep * mark.size()) {
    last.norm.clear();
    for (size_t k = 0; k < keep; ++k) last.norm.append(mark.data(), mark.size());
  }
  return true;
}

}  // namespace

void Tokenizer::Impl::AddSegment(std::string_view text, Segment seg, Tokenization* out) const {
  const unsigned char* s = reinterpret_cast<const unsigned char*>(text.data());
  int32_t b = static_cast<int32_t>(seg.begin), e = static_cast<int32_t>(seg.end);
  // Trim white space (a segment may be white space with marks attached).
  b = internal::SkipSpaceForward(s, b, e);
  e = internal::SkipSpaceBackward(s, b, e);
  if (b >= e) return;
  bool ascii = true;
  for (int32_t i = b; i < e; ++i) ascii &= s[i] < 0x80;
  if (ascii) {
    AddAscii(text, static_cast<uint32_t>(b), static_cast<uint32_t>(e), out);
    return;
  }
  // Classify by content.
  bool has_letter = false, has_digit = false, has_apostrophe = false, all_x = true;
  bool emoji = false;
  int cps = 0;
  UChar32 first = -1;
  for (int32_t i = b; i < e;) {
    UChar32 c;
    unsigned char byte = s[i];
    if (byte < 0x80) {
      c = byte;
      ++i;
      if (IsAsciiAlpha(byte))
        has_letter = true;
      else if (IsAsciiDigit(byte))
        has_digit = true;
      else if (byte == '\'')
        has_apostrophe = true;
    } else {
      U8_NEXT(s, i, e, c);
      if (c == 0x2019) {
        has_apostrophe = true;
      } else if (c >= 0) {
        if (u_hasBinaryProperty(c, UCHAR_ALPHABETIC))
          has_letter = true;
        else if (u_isdigit(c))
          has_digit = true;
        if (cps == 0 &&
            ((c >= 0x1F1E6 && c <= 0x1F1FF) || u_hasBinaryProperty(c, UCHAR_EXTENDED_PICTOGRAPHIC)))
          emoji = true;
      }
    }
    if (c != 'X') all_x = false;
    if (cps == 0) first = c;
    ++cps;
  }
  Token tok;
  tok.begin = static_cast<uint32_t>(b);
  tok.end = static_cast<uint32_t>(e);
  std::string_view raw = text.substr(static_cast<size_t>(b), static_cast<size_t>(e - b));
  if (emoji) {
    tok.kind = TokenKind::kEmoji;
    tok.norm.assign(raw.data(), raw.size());
  } else if (has_letter) {
    if (all_x && cps >= 2 && options.social) {
      tok.kind = TokenKind::kMask;
      tok.norm.assign(raw.data(), raw.size());
      out->tokens.push_back(std::move(tok));
      return;
    }
    Fold(raw, &tok.norm);
    tok.kind = TokenKind::kWord;
    if (has_apostrophe) {
      // Normalise U+2019 to the ASCII apostrophe.
      size_t p;
      while ((p = tok.norm.find("\xE2\x80\x99")) != std::string::npos) tok.norm.replace(p, 3, "'");
      if (EndsWithContractionSuffix(tok.norm)) tok.kind = TokenKind::kContraction;
    }
    if (tok.kind == TokenKind::kWord && IsAsciiDigit(static_cast<unsigned char>(raw[0]))) {
      // Ordinals: "1st", "22nd", "3rd", "4th".
      size_t k = 0;
      while (k < raw.size() && IsAsciiDigit(static_cast<unsigned char>(raw[k]))) ++k;
      std::string suf(raw.substr(k));
      for (char& c : suf) c = static_cast<char>(c | 0x20);
      if (suf == "st" || suf == "nd" || suf == "rd" || suf == "th") tok.kind = TokenKind::kNumber;
    }
    if (tok.kind != TokenKind::kNumber) tok.elongated = ReduceElongation(&tok.norm);
  } else if (has_digit) {
    tok.kind = TokenKind::kNumber;
    tok.norm.assign(raw.data(), raw.size());
  } else {
    bool punct = first >= 0 && (U_GET_GC_MASK(first) & U_GC_P_MASK) != 0;
    tok.kind = punct ? TokenKind::kPunct : TokenKind::kSymbol;
    if (punct && cps == 1 && MergePunct(text, tok.begin, tok.end, out)) return;
    tok.norm.assign(raw.data(), raw.size());
  }
  out->tokens.push_back(std::move(tok));
}

namespace {

// Per-byte flags of ASCII word characters, OR-ed over a segment.
enum AsciiFlag : uint8_t {
  kFlagLetter = 1,
  kFlagDigit = 2,
  kFlagApostrophe = 4,
  kFlagNotX = 8,  // any byte but 'X'
  kFlagUpper = 16,
  kFlagWordish = 32,  // letter, digit, '_' or '@' (ICU's ALetter, Numeric, ExtendNumLet)
};
struct AsciiFlagTable {
  uint8_t flags[256];
  constexpr AsciiFlagTable() : flags() {
    for (int c = 0; c < 256; ++c) flags[c] = kFlagNotX;
    for (int c = 'a'; c <= 'z'; ++c) flags[c] |= kFlagLetter;
    for (int c = 'A'; c <= 'Z'; ++c) flags[c] |= kFlagLetter | kFlagUpper;
    for (int c = '0'; c <= '9'; ++c) flags[c] |= kFlagDigit;
    flags[static_cast<int>('\'')] |= kFlagApostrophe;
    flags[static_cast<int>('X')] &= static_cast<uint8_t>(~kFlagNotX);
    for (int c = 0; c < 128; ++c)
      if (tokenizer_internal::IsWordish(tokenizer_internal::kAsciiWord.cls[c])) flags[c] |= kFlagWordish;
  }
};
constexpr AsciiFlagTable kAsciiFlags;

// A byte repeated 3 times in p[b, e) ignoring ASCII case: a superset test
// for the runs ReduceElongation collapses. Reads up to 8 bytes past e while
// they are below n.
inline bool MaybeRepeated(const unsigned char* p, uint32_t b, uint32_t e, uint32_t n) {
  uint32_t i = b;  // tests the triples starting at i
  while (i + 2 < e) {
    if (i + 10 > n) {
      for (; i + 2 < e; ++i)
        if ((((p[i] ^ p[i + 1]) | (p[i] ^ p[i + 2])) & 0xDF) == 0) return true;
      return false;
    }
    uint64_t x0, x1, x2;
    std::memcpy(&x0, p + i, 8);
    std::memcpy(&x1, p + i + 1, 8);
    std::memcpy(&x2, p + i + 2, 8);
    const uint64_t lo7 = 0x7F7F7F7F7F7F7F7Full;
    uint64_t t = ((x0 ^ x1) | (x0 ^ x2)) & 0xDFDFDFDFDFDFDFDFull;
    uint64_t zero = ~(((t & lo7) + lo7) | t | lo7);  // high bit set in zero bytes
    uint32_t lanes = e - 2 - i;
    if (lanes < 8) zero &= (uint64_t{1} << (8 * lanes)) - 1;
    if (zero) return true;
    i += 8;
  }
  return false;
}

}  // namespace

// Adds the ASCII segment text[b, e) (no white space) as a token, given the OR
// of kAsciiFlags over its bytes: the same rules as AddSegment's for other
// segments.
inline void Tokenizer::Impl::AddAsciiToken(std::string_view text, uint32_t b, uint32_t e, uint32_t flags,
                                           Tokenization* out) const {
  const unsigned char* s = reinterpret_cast<const unsigned char*>(text.data());
  const unsigned char c0 = s[b];
  if (e - b == 1) {
    TokenKind kind;
    char norm = static_cast<char>(c0);
    if (flags & kFlagLetter) {
      kind = TokenKind::kWord;
      if (options.case_fold && c0 <= 'Z') norm = static_cast<char>(c0 | 0x20);
    } else if (flags & kFlagDigit) {
      kind = TokenKind::kNumber;
    } else if (kAsciiPunct.punct[c0 & 0x7f]) {
      if (MergePunct(text, b, e, out)) return;
      kind = TokenKind::kPunct;
    } else {
      kind = TokenKind::kSymbol;
    }
    Token& tok = out->tokens.emplace_back();
    tok.begin = b;
    tok.end = e;
    tok.kind = kind;
    tok.norm.push_back(norm);
    return;
  }
  Token& tok = out->tokens.emplace_back();
  tok.begin = b;
  tok.end = e;
  const bool lower = options.case_fold && (flags & kFlagUpper) && ((flags & kFlagNotX) || !options.social);
  tok.norm.append(text.data() + b, e - b);
  if (lower)
    for (char& c : tok.norm)
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c | 0x20);
  if (!(flags & kFlagLetter)) {
    tok.kind = (flags & kFlagDigit) ? TokenKind::kNumber
                                    : (kAsciiPunct.punct[c0 & 0x7f] ? TokenKind::kPunct : TokenKind::kSymbol);
    return;
  }
  if (!(flags & kFlagNotX) && options.social) {
    tok.kind = TokenKind::kMask;
    return;
  }
  tok.kind = TokenKind::kWord;
  if ((flags & kFlagApostrophe) && EndsWithContractionSuffix(tok.norm)) tok.kind = TokenKind::kContraction;
  if ((flags & kFlagDigit) && tok.kind == TokenKind::kWord && IsAsciiDigit(c0)) {
    uint32_t k = b;
    while (k < e && IsAsciiDigit(s[k])) ++k;
    if (e - k == 2) {
      char a = static_cast<char>(s[k] | 0x20), z = static_cast<char>(s[k + 1] | 0x20);
      if ((a == 's' && z == 't') || (a == 'n' && z == 'd') || (a == 'r' && z == 'd') ||
          (a == 't' && z == 'h')) {
        tok.kind = TokenKind::kNumber;
        return;
      }
    }
  }
  if (e - b >= 3 && MaybeRepeated(s, b, e, static_cast<uint32_t>(text.size())))
    tok.elongated = ReduceElongation(&tok.norm);
}

void Tokenizer::Impl::AddAscii(std::string_view text, uint32_t b, uint32_t e, Tokenization* out) const {
  const unsigned char* s = reinterpret_cast<const unsigned char*>(text.data());
  uint32_t flags = 0;
  for (uint32_t i = b; i < e; ++i) flags |= kAsciiFlags.flags[s[i]];
  AddAsciiToken(text, b, e, flags, out);
}

// Adds the tokens of the ASCII bytes text[b, e): the UAX #29 word segments of
// tokenizer_internal::ForEachAsciiWordSegment, fused with the flag collection
// of AddAscii (white space, which ICU segments separately, is skipped).
void Tokenizer::Impl::AddAsciiRun(std::string_view text, uint32_t b, uint32_t e, Tokenization* out) const {
  using namespace tokenizer_internal;
  const unsigned char* s = reinterpret_cast<const unsigned char*>(text.data());
  const uint8_t* cls = kAsciiWord.cls;
  const uint8_t* fl = kAsciiFlags.flags;
  uint32_t i = b;
  while (i < e) {
    unsigned char c = s[i];
    if (IsAsciiSpace(c)) {
      ++i;
      continue;
    }
    uint8_t cl = cls[c];
    if (!IsWordish(cl)) {
      AddAsciiToken(text, i, i + 1, fl[c], out);
      ++i;
      continue;
    }
    uint32_t flags = fl[c];
    uint32_t j = i + 1;
    for (;;) {
      for (; j < e; ++j) {
        uint8_t f = fl[s[j]];
        if (!(f & kFlagWordish)) break;
        flags |= f;
      }
      if (j + 1 >= e) break;
      uint8_t prev = cls[s[j - 1]];
      uint8_t d = cls[s[j]];
      uint8_t next = cls[s[j + 1]];
      if ((prev == kWbLetter && next == kWbLetter && d == kWbMidNumLet) ||
          (prev == kWbNumeric && next == kWbNumeric && (d == kWbMidNum || d == kWbMidNumLet))) {
        flags |= fl[s[j]];
        j += 1;  // the letter or digit after is taken by the loop above
        continue;
      }
      break;
    }
    AddAsciiToken(text, i, j, flags, out);
    i = j;
  }
}

void Tokenizer::Impl::AddSocial(std::string_view text, const SocialSpan& span, Tokenization* out) const {
  Token tok;
  tok.begin = span.begin;
  tok.end = span.end;
  tok.kind = span.kind;
  std::string_view raw = text.substr(span.begin, span.end - span.begin);
  switch (span.kind) {
    case TokenKind::kUrl:
    case TokenKind::kEmail:
    case TokenKind::kMention:
    case TokenKind::kHashtag:
    case TokenKind::kTime:
      Fold(raw, &tok.norm);
      break;
    default:
      tok.norm.assign(raw.data(), raw.size());
  }
  out->tokens.push_back(std::move(tok));
}

void Tokenizer::Impl::Sentences(std::string_view text, bool ascii, Tokenization* out) const {
  if (out->tokens.empty()) return;
  thread_local std::vector<uint32_t> breaks;
  breaks.clear();
  // The sentence rules shared by every stage (segment.h).
  internal::SentenceBreaks(text, options.fast_path, ascii, &breaks);
  out->sentences.reserve(breaks.size());
  if (breaks.empty() || breaks.back() < text.size()) breaks.push_back(static_cast<uint32_t>(text.size()));
  // A token belongs to the sentence holding its first byte.
  const std::vector<Token>& toks = out->tokens;
  uint32_t t = 0, n = static_cast<uint32_t>(toks.size());
  for (uint32_t limit : breaks) {
    if (t >= n) break;
    if (toks[t].begin >= limit) continue;
    Sentence sent;
    sent.first_token = t;
    sent.begin = toks[t].begin;
    while (t < n && toks[t].begin < limit) ++t;
    sent.end_token = t;
    sent.end = toks[t - 1].end;
    out->sentences.push_back(sent);
  }
}

Result<std::unique_ptr<Tokenizer>> Tokenizer::Create(const TokenizerOptions& options) {
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  impl->id = g_next_tokenizer_id.fetch_add(1);
  UErrorCode status = U_ZERO_ERROR;
  impl->word_proto.reset(icu::BreakIterator::createWordInstance(icu::Locale::getRoot(), status));
  if (U_FAILURE(status) || !impl->word_proto)
    return InternalError(std::string("cannot create ICU word break iterator: ") + u_errorName(status));
  impl->sentence_proto.reset(icu::BreakIterator::createSentenceInstance(icu::Locale::getRoot(), status));
  if (U_FAILURE(status) || !impl->sentence_proto)
    return InternalError(std::string("cannot create ICU sentence break iterator: ") + u_errorName(status));
  impl->case_map = ucasemap_open("", U_FOLD_CASE_DEFAULT, &status);
  if (U_FAILURE(status) || !impl->case_map)
    return InternalError(std::string("cannot create ICU case map: ") + u_errorName(status));
  return std::unique_ptr<Tokenizer>(new Tokenizer(std::move(impl)));
}

Tokenizer::Tokenizer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Tokenizer::~Tokenizer() = default;

const TokenizerOptions& Tokenizer::options() const { return impl_->options; }

Tokenization Tokenizer::Tokenize(std::string_view utf8) const {
  Tokenization out;
  // ICU's UText indexes are 32-bit signed in the break iterator API.
  if (utf8.size() > static_cast<size_t>(std::numeric_limits<int32_t>::max()))
    utf8 = utf8.substr(0, static_cast<size_t>(std::numeric_limits<int32_t>::max()));
  const uint32_t n = static_cast<uint32_t>(utf8.size());
  // About one token per 3 bytes covers dense text (numbers, lists) without
  // regrowth; capped so a huge input does not reserve gigabytes up front.
  out.tokens.reserve(std::min<size_t>(n / 3 + 8, size_t{1} << 20));
  thread_local std::vector<SocialSpan> spans;
  spans.clear();
  if (impl_->options.social) tokenizer_internal::ScanSocial(utf8, &spans);
  uint32_t pos = 0;
  for (size_t k = 0; k <= spans.size(); ++k) {
    uint32_t gap_end = k < spans.size() ? spans[k].begin : n;
    impl_->AddGap(utf8, pos, gap_end, &out);
    if (k < spans.size()) {
      impl_->AddSocial(utf8, spans[k], &out);
      pos = spans[k].end;
    }
  }
  if (impl_->options.sentences) {
    const unsigned char* s = reinterpret_cast<const unsigned char*>(utf8.data());
    impl_->Sentences(utf8, FindNonAscii(s, 0, n) == n, &out);
  }
  return out;
}

}  // namespace voc
