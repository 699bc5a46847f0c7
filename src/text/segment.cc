// The sentence and word rules shared by every stage (see segment.h).
#include "text/segment.h"

#include "util/utf8_util.h"
#include "voc/tokenizer.h"

#include <unicode/brkiter.h>
#include <unicode/uchar.h>
#include <unicode/utext.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <mutex>

namespace voc {
namespace internal {
namespace {

// ICU's root sentence break iterator, cloned once per thread (a break
// iterator is not thread-safe); null when ICU cannot create one.
icu::BreakIterator* ThreadSentenceIterator() {
  static std::mutex mu;
  static const icu::BreakIterator* const proto = [] {
    UErrorCode status = U_ZERO_ERROR;
    icu::BreakIterator* bi = icu::BreakIterator::createSentenceInstance(icu::Locale::getRoot(), status);
    if (U_FAILURE(status)) {
      delete bi;
      return static_cast<icu::BreakIterator*>(nullptr);
    }
    return bi;
  }();
  thread_local std::unique_ptr<icu::BreakIterator> mine;
  if (!mine && proto) {
    std::lock_guard<std::mutex> lock(mu);
    mine.reset(proto->clone());
  }
  return mine.get();
}

inline bool IsAsciiSpace(unsigned char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

// Abbreviations that a full stop may follow inside a sentence, lower case.
// (A one-letter word and a word holding a full stop, "e.g", "U.S", are
// abbreviations too.)
constexpr std::string_view kAbbreviations[] = {
    "acct", "al",  "appt", "approx", "apt", "avg", "bzw", "ca",  "cf",   "co",   "corp", "dept", "dr",
    "esp",  "est", "etc",  "evtl",   "ext", "fig", "ggf", "inc", "incl", "jr",   "ltd",  "max",  "min",
    "mr",   "mrs", "ms",   "mt",     "no",  "nr",  "nos", "pp",  "pr",   "prof", "ref",  "resp", "sr",
    "sra",  "st",  "tel",  "usw",    "viz", "vol", "vs",  "yr",  "yrs",  "pág",  "núm"};

bool IsAbbreviation(const unsigned char* s, int32_t dot) {
  int32_t b = dot;
  int32_t letters = 0;
  while (b > 0) {
    if (s[b - 1] < 0x80) {
      if (!((s[b - 1] | 0x20) >= 'a' && (s[b - 1] | 0x20) <= 'z')) break;
      --b;
    } else {
      int32_t j = b;
      UChar32 c;
      U8_PREV(s, 0, j, c);
      if (c < 0 || !u_isalpha(c)) break;
      b = j;
    }
    ++letters;
  }
  if (letters == 0) return false;  // "5. then", "(see above). then"
  if (letters == 1 || (b > 0 && s[b - 1] == '.')) return true;
  if (dot - b > 8) return false;
  char lower[8];
  for (int32_t k = b; k < dot; ++k) lower[k - b] = static_cast<char>(s[k] < 0x80 ? (s[k] | 0x20) : s[k]);
  const std::string_view w(lower, static_cast<size_t>(dot - b));
  for (std::string_view a : kAbbreviations)
    if (w == a) return true;
  return false;
}

// Appends to `extra` the boundaries of the tailoring: before a lower-case
// letter that follows a single full stop (closing marks and spaces between),
// unless the word before the stop is an abbreviation.
void LowerCaseBreaks(std::string_view text, std::vector<uint32_t>* extra) {
  const unsigned char* s = reinterpret_cast<const unsigned char*>(text.data());
  const int32_t n = static_cast<int32_t>(text.size());
  for (const void* hit = std::memchr(s, '.', static_cast<size_t>(n)); hit != nullptr;) {
    const int32_t dot = static_cast<int32_t>(static_cast<const unsigned char*>(hit) - s);
    int32_t j = dot + 1;
    hit = j < n ? std::memchr(s + j, '.', static_cast<size_t>(n - j)) : nullptr;
    if ((dot > 0 && s[dot - 1] == '.') || (j < n && s[j] == '.')) continue;  // "...": SB8 holds
    while (j < n && (s[j] == ')' || s[j] == '"' || s[j] == '\'' || s[j] == ']')) ++j;
    const int32_t spaces = j;
    while (j < n && (s[j] == ' ' || s[j] == '\t')) ++j;
    if (j == spaces || j >= n) continue;
    bool lower;
    if (s[j] < 0x80) {
      lower = s[j] >= 'a' && s[j] <= 'z';
    } else {
      int32_t k = j;
      UChar32 c;
      U8_NEXT(s, k, n, c);
      lower = c >= 0 && u_getIntPropertyValue(c, UCHAR_SENTENCE_BREAK) == U_SB_LOWER;
    }
    if (lower && !IsAbbreviation(s, dot)) extra->push_back(static_cast<uint32_t>(j));
  }
}

// The sentences of the last texts this thread split (Sentences), by their
// bytes: the sentiment scan splits a text, and the theme rules' sentence
// scope and the signals' negation window (SentenceIndex) ask again for the
// same text a stage later, after the other texts of its batch (the Analyzer
// runs each stage over at most 16 texts before the next). Texts of one
// sentence (most short texts) are not kept: keeping them cost more than
// splitting again saved.
class SentenceMemo {
 public:
  static SentenceMemo& OfThread() {
    thread_local SentenceMemo memo;
    return memo;
  }
  void Put(std::string_view text, const std::vector<TextSpan>& sentences) {
    if (text.size() > kMaxBytes || sentences.size() < 2) return;
    Entry& e = entries_[next_];
    next_ = (next_ + 1) % kTexts;
    e.text.assign(text);
    e.sentences.assign(sentences.begin(), sentences.end());
    e.used = true;
  }
  const std::vector<TextSpan>* Find(std::string_view text) const {
    for (const Entry& e : entries_)
      if (e.used && e.text.size() == text.size() && std::memcmp(e.text.data(), text.data(), text.size()) == 0)
        return &e.sentences;
    return nullptr;
  }

 private:
  static constexpr size_t kTexts = 32;
  static constexpr size_t kMaxBytes = size_t{1} << 16;  // longer texts are split again
  struct Entry {
    std::string text;
    std::vector<TextSpan> sentences;
    bool used = false;
  };
  Entry entries_[kTexts];
  size_t next_ = 0;
};

}  // namespace

int32_t SkipSpaceForward(const unsigned char* s, int32_t b, int32_t e) {
  while (b < e) {
    if (s[b] < 0x80) {
      if (!IsAsciiSpace(s[b])) break;
      ++b;
      continue;
    }
    int32_t j = b;
    UChar32 c;
    U8_NEXT(s, j, e, c);
    if (c < 0 || !u_isUWhiteSpace(c)) break;
    b = j;
  }
  return b;
}

int32_t SkipSpaceBackward(const unsigned char* s, int32_t b, int32_t e) {
  while (e > b) {
    if (s[e - 1] < 0x80) {
      if (!IsAsciiSpace(s[e - 1])) break;
      --e;
      continue;
    }
    int32_t j = e;
    UChar32 c;
    U8_PREV(s, b, j, c);
    if (c < 0 || !u_isUWhiteSpace(c)) break;
    e = j;
  }
  return e;
}

void SentenceBreaks(std::string_view text, bool fast_path, bool ascii, std::vector<uint32_t>* out) {
  const size_t start = out->size();
  if (!fast_path || !tokenizer_internal::FastSentenceBreaks(text, ascii, out)) {
    out->resize(start);
    if (text.empty()) return;
    if (icu::BreakIterator* bi = ThreadSentenceIterator()) {
      UErrorCode status = U_ZERO_ERROR;
      UText ut = UTEXT_INITIALIZER;
      utext_openUTF8(&ut, text.data(), static_cast<int64_t>(text.size()), &status);
      if (U_SUCCESS(status)) bi->setText(&ut, status);
      if (U_SUCCESS(status)) {
        for (int32_t cur = bi->next(); cur != icu::BreakIterator::DONE; cur = bi->next())
          out->push_back(static_cast<uint32_t>(cur));
      }
      utext_close(&ut);
    }
    if (out->size() == start || out->back() < text.size()) out->push_back(static_cast<uint32_t>(text.size()));
  }
  // The tailoring, applied to either path's boundaries.
  thread_local std::vector<uint32_t> extra;
  extra.clear();
  LowerCaseBreaks(text, &extra);
  if (extra.empty()) return;
  const size_t mid = out->size();
  out->insert(out->end(), extra.begin(), extra.end());
  std::inplace_merge(out->begin() + static_cast<std::ptrdiff_t>(start),
                     out->begin() + static_cast<std::ptrdiff_t>(mid), out->end());
  out->erase(std::unique(out->begin() + static_cast<std::ptrdiff_t>(start), out->end()), out->end());
}

void SocialSpans(std::string_view text, std::vector<SocialSpan>* out) {
  tokenizer_internal::ScanSocial(text, out);
}

bool IsNumberWord(std::string_view w) {
  size_t i = 0;
  while (i < w.size() && w[i] >= '0' && w[i] <= '9') ++i;
  if (i == 0) return false;
  if (i == w.size()) return true;
  if (w.size() - i != 2) return false;
  char a = static_cast<char>(w[i] | 0x20), b = static_cast<char>(w[i + 1] | 0x20);
  return (a == 's' && b == 't') || (a == 'n' && b == 'd') || (a == 'r' && b == 'd') || (a == 't' && b == 'h');
}

void Sentences(std::string_view text, const std::vector<SocialSpan>& social, std::vector<TextSpan>* out) {
  out->clear();
  if (text.empty()) return;
  const unsigned char* s = reinterpret_cast<const unsigned char*>(text.data());
  const int32_t n = static_cast<int32_t>(std::min<size_t>(text.size(), INT32_MAX));
  text = text.substr(0, static_cast<size_t>(n));
  thread_local std::vector<uint32_t> breaks;
  breaks.clear();
  SentenceBreaks(text, /*fast_path=*/true,
                 tokenizer_internal::FindNonAscii(s, 0, n) == static_cast<uint32_t>(n), &breaks);
  // A boundary between two non-blank characters (after a full stop or a
  // closing mark, with no space) may fall inside a word token ("No.Sí"),
  // which the Tokenizer keeps whole in the sentence of its first byte. Such
  // texts (rare: none of 14,000 customer texts has one) take the
  // Tokenizer's own sentences.
  for (uint32_t limit : breaks) {
    if (limit == 0 || limit >= static_cast<uint32_t>(n)) continue;
    const int32_t k = static_cast<int32_t>(limit);
    const unsigned char before = s[k - 1], at = s[k];
    if (before == '!' || before == '?' || at == '.' || at == '!' || at == '?') continue;
    if (SkipSpaceBackward(s, 0, k) != k || SkipSpaceForward(s, k, n) != k) continue;
    {
      static const std::unique_ptr<Tokenizer> tokenizer = [] {
        auto t = Tokenizer::Create({});
        return t.ok() ? std::move(*t) : nullptr;
      }();
      if (!tokenizer) break;
      for (const Sentence& sen : tokenizer->Tokenize(text).sentences) out->push_back({sen.begin, sen.end});
      return;
    }
  }
  size_t k = 0;  // the next social span that may hold a boundary
  int32_t from = 0;
  for (uint32_t limit : breaks) {
    int32_t lim = static_cast<int32_t>(limit);
    // A boundary inside a token moves to the token's end.
    while (k < social.size() && static_cast<int32_t>(social[k].end) <= lim) ++k;
    if (k < social.size() && static_cast<int32_t>(social[k].begin) < lim)
      lim = static_cast<int32_t>(social[k].end);
    if (lim <= from) continue;
    lim = std::min(lim, n);
    int32_t b = SkipSpaceForward(s, from, lim);
    int32_t e = SkipSpaceBackward(s, b, lim);
    if (b < e) out->push_back({static_cast<uint32_t>(b), static_cast<uint32_t>(e)});
    from = lim;
  }
  SentenceMemo::OfThread().Put(text, *out);
}

void Sentences(std::string_view text, std::vector<TextSpan>* out) {
  if (const std::vector<TextSpan>* known = SentenceMemo::OfThread().Find(text)) {
    out->assign(known->begin(), known->end());
    return;
  }
  thread_local std::vector<SocialSpan> social;
  social.clear();
  SocialSpans(text, &social);
  Sentences(text, social, out);
}

const std::vector<TextSpan>& SentenceIndex::Get() {
  if (!built_) {
    Sentences(text_, &sentences_);
    built_ = true;
  }
  return sentences_;
}

TextSpan SentenceIndex::Around(size_t begin, size_t end) {
  const std::vector<TextSpan>& s = Get();
  if (s.empty()) return {0, static_cast<uint32_t>(std::min<size_t>(text_.size(), UINT32_MAX))};
  // The last sentence starting at or before `begin` (else the first).
  auto it =
      std::upper_bound(s.begin(), s.end(), begin, [](size_t v, const TextSpan& t) { return v < t.begin; });
  size_t i = it == s.begin() ? 0 : static_cast<size_t>(it - s.begin()) - 1;
  // A position in the blank between two sentences belongs to the next one.
  if (begin >= s[i].end && i + 1 < s.size()) ++i;
  // The first sentence ending at or after `end` (else the last).
  auto jt = std::lower_bound(s.begin(), s.end(), end, [](const TextSpan& t, size_t v) { return t.end < v; });
  size_t j = jt == s.end() ? s.size() - 1 : static_cast<size_t>(jt - s.begin());
  if (j < i) j = i;
  return {s[i].begin, s[j].end};
}

void Words(std::string_view text, std::vector<Word>* out) {
  out->clear();
  thread_local std::vector<SocialSpan> social;
  social.clear();
  SocialSpans(text, &social);
  const size_t n = std::min<size_t>(text.size(), UINT32_MAX);
  size_t next_social = 0;
  bool joined = false;  // nothing but spaces, tabs and hyphens since the last word
  size_t i = 0;
  // The code point at `at` and its length; an invalid byte is no word character.
  auto at = [&](size_t pos, size_t* len) -> uint32_t {
    const auto c = static_cast<unsigned char>(text[pos]);
    if (c < 0x80) {
      *len = 1;
      return c;
    }
    size_t next = pos;
    bool invalid = false;
    const char32_t cp = DecodeUtf8(text, &next, &invalid);
    *len = next - pos;
    return invalid ? 0 : cp;
  };
  while (i < n) {
    while (next_social < social.size() &&
           (social[next_social].end <= i || !IsNonWord(social[next_social].kind)))
      ++next_social;
    const size_t stop = next_social < social.size() ? std::max<size_t>(social[next_social].begin, i) : n;
    if (stop == i) {  // a social token that is not a word: skipped, ends a phrase
      joined = false;
      i = social[next_social].end;
      continue;
    }
    size_t len;
    const uint32_t cp = at(i, &len);
    if (!IsWordCodePoint(cp) && cp != '\'') {
      if (cp != ' ' && cp != '\t' && cp != '-') joined = false;
      i += len;
      continue;
    }
    size_t b = i, e = i;
    while (i < stop) {
      const uint32_t c = at(i, &len);
      if (!IsWordCodePoint(c) && c != '\'') break;
      i += len;
    }
    e = std::min(i, stop);
    while (b < e && text[b] == '\'') ++b;
    while (e > b && text[e - 1] == '\'') --e;
    if (b == e) {  // apostrophes alone
      joined = false;
      continue;
    }
    out->push_back({static_cast<uint32_t>(b), static_cast<uint32_t>(e), joined});
    joined = true;
  }
}

void BlankNonWords(std::string_view text, std::string* out) {
  thread_local std::vector<SocialSpan> social;
  social.clear();
  SocialSpans(text, &social);
  BlankNonWords(text, social, out);
}

namespace {

// IsWordCodePoint of each ASCII byte, looked up.
struct AsciiWordChars {
  bool word[128];
  constexpr AsciiWordChars() : word() {
    for (uint32_t b = 0; b < 128; ++b) word[b] = IsWordCodePoint(b);
  }
};
constexpr AsciiWordChars kAsciiWord;

// Whether s[0..n) holds a byte '0'..'9', eight bytes at a time.
bool HasAsciiDigit(const unsigned char* s, size_t n) {
  constexpr uint64_t kOnes = 0x0101010101010101ull;
  constexpr uint64_t kHigh = 0x8080808080808080ull;
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t v;
    std::memcpy(&v, s + i, 8);
    // A byte b is a digit when b - '0' < 10, i.e. (b ^ 0x30) < 10 with the
    // high bit clear: x + (0x80 - 10) sets the high bit of x >= 10 (x < 0x80,
    // so no carry crosses a byte).
    const uint64_t x = (v ^ (kOnes * 0x30)) & ~kHigh;
    const uint64_t not_digit = ((x + kOnes * (0x80 - 10)) | v) & kHigh;
    if (not_digit != kHigh) return true;
  }
  for (; i < n; ++i)
    if (s[i] >= '0' && s[i] <= '9') return true;
  return false;
}

}  // namespace

uint64_t AsciiWordBytes8(uint64_t v) {
  constexpr uint64_t kOnes = 0x0101010101010101ull, kHigh = kOnes * 0x80, kLow7 = kOnes * 0x7F;
  // No lane carries into the next: each sum stays below 0x100.
  const uint64_t x = (v | (kOnes * 0x20)) & kLow7;  // lower case, high bit off
  const uint64_t letters = (x + kOnes * (0x80 - 'a')) & ~(x + kOnes * (0x80 - 'z' - 1));
  const uint64_t y = (v ^ (kOnes * '0')) & kLow7;  // below 10 at a digit
  const uint64_t digits = ~(y + kOnes * (0x80 - 10));
  const uint64_t z = v ^ (kOnes * '_');  // zero at an underscore
  const uint64_t underscores = ~(((z & kLow7) + kLow7) | z);
  return (letters | digits | underscores) & ~v & kHigh;
}

void BlankNonWords(std::string_view text, const std::vector<SocialSpan>& social, std::string* out) {
  out->assign(text);
  const size_t n = text.size();
  char* o = out->data();
  for (const SocialSpan& s : social) {
    if (IsNonWord(s.kind)) {
      std::memset(o + s.begin, ' ', std::min<size_t>(s.end, n) - s.begin);
    } else if (s.kind == TokenKind::kHashtag && s.begin < n && text[s.begin] == '#') {
      o[s.begin] = ' ';
    }
  }
  // Numbers: runs of word characters that IsNumberWord accepts, joined by a
  // single '.' or ',' between digits ("1,234.56"). Runs inside a social
  // token are left to the loop above. A number starts with an ASCII digit:
  // a text without one (most short texts) has none.
  const auto* t = reinterpret_cast<const unsigned char*>(text.data());
  if (!HasAsciiDigit(t, n)) return;
  size_t next_social = 0;
  size_t i = 0;
  auto word_end = [&](size_t pos) {  // end of the run of word characters at pos
    while (pos < n) {
      // ASCII word bytes eight at a time, up to the first other byte (the
      // lowest byte of the word is the first: little-endian only).
      for (; __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ && pos + 8 <= n; pos += 8) {
        uint64_t v;
        std::memcpy(&v, t + pos, 8);
        if (const uint64_t others = ~AsciiWordBytes8(v) & 0x8080808080808080ull) {
          pos += static_cast<size_t>(__builtin_ctzll(others)) / 8;
          break;
        }
      }
      if (pos >= n) break;
      const unsigned char c = t[pos];
      if (c < 0x80) {
        if (!kAsciiWord.word[c]) break;
        ++pos;
        continue;
      }
      size_t next = pos;
      bool invalid = false;
      const char32_t cp = DecodeUtf8(text, &next, &invalid);
      if (invalid || !IsWordCodePoint(cp)) break;
      pos = next;
    }
    return pos;
  };
  // The start of the next social token at or after `i` (n when none).
  size_t social_begin = social.empty() ? n : std::min<size_t>(social[0].begin, n);
  while (i < n) {
    if (i >= social_begin) {
      while (next_social < social.size() && social[next_social].end <= i) ++next_social;
      if (next_social < social.size() && social[next_social].begin <= i) {
        i = social[next_social].end;
        continue;
      }
      social_begin = next_social < social.size() ? std::min<size_t>(social[next_social].begin, n) : n;
      continue;
    }
    const unsigned char c = t[i];
    if (c < 0x80 && !kAsciiWord.word[c]) {  // white space, punctuation
      ++i;
      continue;
    }
    const size_t e = word_end(i);
    if (e == i) {
      size_t next = i;
      bool invalid = false;
      DecodeUtf8(text, &next, &invalid);
      i = next;
      continue;
    }
    const size_t stop = social_begin;
    if (c >= '0' && c <= '9' && e <= stop && IsNumberWord(text.substr(i, e - i))) {
      size_t end = e;
      // "1,234.56": a separator between digits belongs to the number.
      while (end + 1 < n && end + 1 < stop && (text[end] == '.' || text[end] == ',') &&
             text[end + 1] >= '0' && text[end + 1] <= '9') {
        const size_t e2 = word_end(end + 1);
        if (e2 > stop || !IsNumberWord(text.substr(end + 1, e2 - end - 1))) break;
        end = e2;
      }
      std::memset(o + i, ' ', end - i);
      i = end;
      continue;
    }
    i = e;
  }
}

}  // namespace internal
}  // namespace voc
