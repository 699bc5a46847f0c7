// The sentiment scanner: words, emoji, emoticons, punctuation, sentences.
#include "sentiment/sentiment_scan.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "sentiment/sentiment_lexicon.h"
#include "text/segment.h"

namespace voc {
namespace sentiment_internal {

namespace {

constexpr bool IsSpace(unsigned char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}
constexpr bool IsAsciiAlnum(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// Every byte's class for the scan's loops, one load each: space (IsSpace).
constexpr uint8_t kSpaceBit = 1;
struct ScanClasses {
  uint8_t c[256];
  constexpr ScanClasses() : c() {
    for (int b = 0; b < 256; ++b) c[b] = IsSpace(static_cast<unsigned char>(b)) ? kSpaceBit : 0;
  }
};
constexpr ScanClasses kScanClass;

// What an ASCII letter or digit adds to a word's letter counts, one load and
// one add per byte: a lower-case letter 1 (the low 32 bits count them), an
// upper-case letter 1 << 32 (bits 32-62), a digit bit 63 (counting nothing,
// marking it). 0 for every other byte, which ends a run of them. Neither
// count overflows into the next below 2^31 letters, where the int counts
// they are added to overflow first.
struct AlnumCounts {
  uint64_t add[256];
  constexpr AlnumCounts() : add() {
    for (int b = 0; b < 256; ++b)
      add[b] = b >= 'a' && b <= 'z'   ? 1
               : b >= 'A' && b <= 'Z' ? uint64_t{1} << 32
               : b >= '0' && b <= '9' ? uint64_t{1} << 63
                                      : 0;
  }
};
constexpr AlnumCounts kAlnumCounts;

// Decodes one UTF-8 sequence at `p`; returns its length (1 for invalid bytes,
// which decode as U+FFFD).
size_t Decode(std::string_view s, size_t p, uint32_t* cp) {
  unsigned char c = static_cast<unsigned char>(s[p]);
  size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
  if (len == 0 || p + len > s.size()) {
    *cp = 0xFFFD;
    return 1;
  }
  uint32_t v = len == 1 ? c : len == 2 ? (c & 0x1F) : len == 3 ? (c & 0x0F) : (c & 0x07);
  for (size_t i = 1; i < len; ++i) {
    unsigned char d = static_cast<unsigned char>(s[p + i]);
    if ((d & 0xC0) != 0x80) {
      *cp = 0xFFFD;
      return 1;
    }
    v = (v << 6) | (d & 0x3F);
  }
  *cp = v;
  return len;
}

// Letters and marks of other scripts count as word characters; symbols,
// emoji, general punctuation and invalid bytes do not.
bool IsWordCodepoint(uint32_t cp) {
  if (cp < 0x80) return false;
  if (cp == 0xFFFD || cp == 0x00A0 || cp == 0x0085) return false;
  if (cp >= 0x00A1 && cp <= 0x00BF) return false;  // Latin-1 punctuation and signs
  if (cp == 0x00D7 || cp == 0x00F7) return false;
  if (cp >= 0x2000 && cp <= 0x2BFF) return false;  // punctuation, arrows, symbols, dingbats
  if (cp >= 0x3000 && cp <= 0x303F) return false;  // CJK punctuation
  if (cp >= 0xFE00 && cp <= 0xFE0F) return false;  // variation selectors
  if (cp >= 0xFF00 && cp <= 0xFF0F) return false;
  if (cp >= 0x1F000) return false;  // emoji and pictographs
  return true;
}

bool IsApostrophe(std::string_view s, size_t p, size_t* len) {
  if (s[p] == '\'') {
    *len = 1;
    return true;
  }
  if (p + 2 < s.size() && s[p] == '\xE2' && s[p + 1] == '\x80' && s[p + 2] == '\x99') {
    *len = 3;
    return true;
  }
  return false;
}

// The lower-cased byte pair `a b` as a 16-bit number.
unsigned EmoticonPair(char a, char b) {
  auto lower = [](char c) {
    return static_cast<unsigned>(static_cast<unsigned char>(c >= 'A' && c <= 'Z' ? c + 32 : c));
  };
  return lower(a) << 8 | lower(b);
}

// Case-insensitive: does `text` at `p` start with `lower` (ASCII)?
bool StartsWithWord(std::string_view text, size_t p, std::string_view lower) {
  if (p + lower.size() > text.size()) return false;
  for (size_t i = 0; i < lower.size(); ++i) {
    const char c = text[p + i];
    if (((c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c) != lower[i]) return false;
  }
  return true;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

bool RatingValence(std::string_view text, size_t begin, size_t end_digits, std::string_view prev, size_t* end,
                   float* valence) {
  const size_t n = text.size();
  if (end_digits <= begin || end_digits - begin > 2) return false;
  int num = 0;
  for (size_t i = begin; i < end_digits; ++i) {
    if (!IsDigit(text[i])) return false;
    num = num * 10 + (text[i] - '0');
  }
  auto alnum_at = [&](size_t i) { return i < n && IsAsciiAlnum(static_cast<unsigned char>(text[i])); };
  // The first non-blank byte at or after i (n at the end).
  auto skip_blanks = [&](size_t i) {
    while (i < n && (text[i] == ' ' || text[i] == '\t')) ++i;
    return i;
  };
  // Words that may follow a rating without making it a count ("9 out of 10
  // people"): "stars", "for the food", "overall".
  auto rating_word_at = [&](size_t i) {
    for (std::string_view w : {"star", "for", "overall", "rating"})
      if (StartsWithWord(text, i, w)) return true;
    return false;
  };
  auto stars_after = [&](size_t i) -> size_t {  // end of " stars" / " star" at i, or i
    const size_t s = skip_blanks(i);
    if (s == i && !(i < n && text[i] == '-')) return i;
    const size_t w = s < n && text[s] == '-' ? s + 1 : s;
    for (std::string_view st : {"stars", "star"})
      if (StartsWithWord(text, w, st) && !alnum_at(w + st.size())) return w + st.size();
    return i;
  };
  size_t e = end_digits;
  int scale = 0;
  if (e < n && text[e] == '/') {
    // "N/5", "N/10"; not a date ("3/10/2024", "3/10.5") nor a fraction of another scale.
    size_t d = e + 1;
    int den = 0;
    while (d < n && IsDigit(text[d]) && d - e <= 2) den = den * 10 + (text[d++] - '0');
    if (d == e + 1 || (den != 5 && den != 10) || alnum_at(d) || (d < n && text[d] == '/')) return false;
    if (d + 1 < n && (text[d] == '.' || text[d] == ',') && IsDigit(text[d + 1])) return false;
    // A size ("size l 8/10") or a date ("on 3/10 I called") is no rating:
    // the number must follow a rating word, or end its clause.
    const bool cue = prev == "rate" || prev == "rated" || prev == "rating" || prev == "give" ||
                     prev == "gave" || prev == "giving" || prev == "score" || prev == "solid" ||
                     prev == "a" || prev == "an";
    const bool single_letter = prev.size() == 1 && prev != "a" && prev != "i";
    if (prev == "size" || prev == "sizes" || single_letter) return false;
    scale = den;
    e = stars_after(d);
    const size_t next = skip_blanks(e);
    if (!cue && e == d && next < n && IsAsciiAlnum(static_cast<unsigned char>(text[next])) &&
        !rating_word_at(next))
      return false;
  } else if (StartsWithWord(text, skip_blanks(e), "out of ")) {
    size_t d = skip_blanks(skip_blanks(e) + 7);
    if (StartsWithWord(text, d, "10") || StartsWithWord(text, d, "ten")) {
      scale = 10;
      d += text[d] == '1' ? 2 : 3;
    } else if (StartsWithWord(text, d, "5") || StartsWithWord(text, d, "five")) {
      scale = 5;
      d += text[d] == '5' ? 1 : 4;
    } else {
      return false;
    }
    if (alnum_at(d)) return false;
    e = stars_after(d);
    const size_t next = skip_blanks(e);
    if (e == d && next < n && IsAsciiAlnum(static_cast<unsigned char>(text[next])) && !rating_word_at(next))
      return false;  // "9 out of 10 dentists": a count
  } else {
    const size_t s = stars_after(e);
    if (s == e) return false;
    scale = 5;
    e = s;
  }
  if (num > scale) {
    if (scale != 5) return false;  // "12/10"
    num = scale;                   // "10 stars"
  }
  const float f = static_cast<float>(num) / static_cast<float>(scale);
  *valence = std::max(-3.0f, std::min(2.5f, 5.0f * (f - 0.6f)));
  *end = e;
  return true;
}

Scanner::Scanner() {
  for (size_t i = 0; i < kEmojiTermCount; ++i) {
    std::string_view t = kEmojiTerms[i].term;
    emoji_.emplace(t, kEmojiTerms[i].valence);
    max_emoji_ = std::max(max_emoji_, t.size());
    if (t.size() < 64) emoji_lengths_ |= uint64_t{1} << t.size();
  }
  for (size_t i = 0; i < kLexiconTermCount; ++i) {
    std::string_view t = kLexiconTerms[i].term;
    if (t.find(' ') != std::string_view::npos) continue;
    bool symbolic = false;
    for (char ch : t) {
      unsigned char c = static_cast<unsigned char>(ch);
      if (c < 0x80 && !IsAsciiAlnum(c) && c != '\'' && c != '-') symbolic = true;
    }
    if (!symbolic) continue;
    emoticons_.emplace(t, kLexiconTerms[i].valence);
    max_emoticon_ = std::max(max_emoticon_, t.size());
    if (t.size() >= 2) {
      const unsigned pair = EmoticonPair(t[0], t[1]);
      emoticon_starts_[pair >> 6] |= uint64_t{1} << (pair & 63);
      for (int b = 0; b < 0x80; ++b)
        if (EmoticonPair(static_cast<char>(b), 0) == EmoticonPair(t[0], 0)) emoticon_first_[b] = true;
    }
  }
}

bool Scanner::LookupSymbol(std::string_view s, float* valence) const {
  auto it = emoji_.find(s);
  if (it != emoji_.end()) {
    *valence = it->second;
    return true;
  }
  char buf[16];
  if (s.size() <= sizeof(buf)) {
    for (size_t i = 0; i < s.size(); ++i)
      buf[i] = (s[i] >= 'A' && s[i] <= 'Z') ? static_cast<char>(s[i] + 32) : s[i];
    auto e = emoticons_.find(std::string_view(buf, s.size()));
    if (e != emoticons_.end()) {
      *valence = e->second;
      return true;
    }
  }
  return false;
}

void Scanner::Scan(std::string_view text, std::vector<Token>* tokens,
                   std::vector<std::pair<uint32_t, uint32_t>>* sentences,
                   std::vector<internal::SocialSpan>* social_out) const {
  tokens->clear();
  sentences->clear();
  tokens->reserve(text.size() / 4 + 4);
  // Sentences and the social tokens that are not words come from the rules
  // every stage shares (segment.h).
  thread_local std::vector<internal::SocialSpan> own_social;
  thread_local std::vector<internal::TextSpan> spans;
  std::vector<internal::SocialSpan>& social = social_out != nullptr ? *social_out : own_social;
  social.clear();
  internal::SocialSpans(text, &social);
  internal::Sentences(text, social, &spans);
  for (const internal::TextSpan& sp : spans) sentences->push_back({sp.begin, sp.end});
  const size_t ns = spans.size();
  uint32_t sentence = 0;
  // Where the next sentence begins (past any token when there is none).
  size_t next_sentence = ns > 1 ? spans[1].begin : SIZE_MAX;
  auto emit = [&](Token t) {
    // A token belongs to the sentence holding its first byte.
    while (t.begin >= next_sentence) {
      ++sentence;
      next_sentence = sentence + 1 < ns ? spans[sentence + 1].begin : SIZE_MAX;
    }
    t.sentence = sentence;
    tokens->push_back(t);
  };

  const size_t n = text.size();
  char lower[16];
  size_t p = 0;
  size_t next_social = 0;
  // The start of the next social token that is not a word at or after `p`
  // (n when none): words stop there.
  auto skip_start = [&](size_t from) -> size_t {
    while (next_social < social.size() &&
           (social[next_social].end <= from || !internal::IsNonWord(social[next_social].kind)))
      ++next_social;
    return next_social < social.size() ? std::max<size_t>(social[next_social].begin, from) : n;
  };
  while (p < n) {
    unsigned char c = static_cast<unsigned char>(text[p]);
    if (kScanClass.c[c] & kSpaceBit) {
      ++p;
      continue;
    }
    // Social tokens that are not words are never scored: @mentions (often a
    // brand: "@united thanks for nothing"), URLs, e-mail addresses, masks,
    // money and times.
    const size_t stop = skip_start(p);
    if (stop == p) {
      p = social[next_social].end;
      continue;
    }
    // Emoticons: at the start of a whitespace-delimited chunk.
    bool at_chunk_start = p == 0 || (kScanClass.c[static_cast<unsigned char>(text[p - 1])] & kSpaceBit);
    if (at_chunk_start && emoticon_first_[c] && p + 1 < n &&
        (emoticon_starts_[EmoticonPair(text[p], text[p + 1]) >> 6] >>
             (EmoticonPair(text[p], text[p + 1]) & 63) &
         1)) {
      size_t best = 0;
      float v = 0;
      for (size_t len = std::min(max_emoticon_, n - p); len >= 2; --len) {
        size_t after = p + len;
        if (after < n) {
          unsigned char a = static_cast<unsigned char>(text[after]);
          if (IsAsciiAlnum(a)) continue;
        }
        if (len > sizeof(lower)) continue;
        for (size_t i = 0; i < len; ++i) {
          char ch = text[p + i];
          lower[i] = (ch >= 'A' && ch <= 'Z') ? static_cast<char>(ch + 32) : ch;
        }
        auto it = emoticons_.find(std::string_view(lower, len));
        if (it != emoticons_.end()) {
          best = len;
          v = it->second;
          break;
        }
      }
      if (best) {
        Token t;
        t.begin = static_cast<uint32_t>(p);
        t.end = static_cast<uint32_t>(p + best);
        t.kind = TokenKind::kEmoticon;
        t.valence = v;
        emit(t);
        p += best;
        continue;
      }
    }
    uint32_t cp = c;
    size_t clen = 1;
    if (c >= 0x80) {
      // Emoji: the longest known sequence, plus trailing modifiers.
      size_t best = 0;
      float v = 0;
      const bool may_be_emoji = c >= 0xE2 || c == 0xC2;
      if (may_be_emoji) {
        // A sequence that matches here ends where one of the text's code
        // points ends (it is UTF-8 made of whole code points): walk the
        // code point ends by their lead bytes, then try the longest first.
        size_t ends[64];
        size_t count = 0;
        const size_t limit = std::min(max_emoji_, n - p);
        for (size_t e = p; e < p + limit && count < 64;) {
          const unsigned char b = static_cast<unsigned char>(text[e]);
          e += b < 0xC0 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
          if (e > p + limit) break;
          const size_t len = e - p;
          if (len < 64 && (emoji_lengths_ >> len & 1)) ends[count++] = len;
        }
        while (count > 0) {
          const size_t len = ends[--count];
          auto it = emoji_.find(text.substr(p, len));
          if (it != emoji_.end()) {
            best = len;
            v = it->second;
            break;
          }
        }
      }
      clen = Decode(text, p, &cp);
      if (best || cp >= 0x1F000 || (cp >= 0x2600 && cp <= 0x27BF)) {
        size_t end = p + (best ? best : clen);
        while (end < n) {
          uint32_t m;
          size_t ml = Decode(text, end, &m);
          if (m == 0xFE0F || m == 0x200D || (m >= 0x1F3FB && m <= 0x1F3FF))
            end += ml;
          else
            break;
        }
        if (best) {
          Token t;
          t.begin = static_cast<uint32_t>(p);
          t.end = static_cast<uint32_t>(end);
          t.kind = TokenKind::kEmoji;
          t.valence = v;
          emit(t);
        }
        p = end;
        continue;
      }
    }
    bool word_char = c < 0x80 ? IsAsciiAlnum(c) : IsWordCodepoint(cp);
    if (word_char) {
      Token t;
      t.begin = static_cast<uint32_t>(p);
      size_t q = p;
      // Letters of other scripts, and ASCII lower- and upper-case letters.
      int letters = 0, lowers = 0, uppers = 0;
      bool apostrophe = false;
      const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
      while (q < stop) {
        // A run of ASCII letters and digits, counted from kAlnumCounts.
        uint64_t counts = 0, k;
        while (q < stop && (k = kAlnumCounts.add[bytes[q]]) != 0) {
          counts += k;
          ++q;
        }
        lowers += static_cast<int>(counts & 0xFFFFFFFFu);
        uppers += static_cast<int>(counts >> 32 & 0x7FFFFFFFu);
        if (q >= stop) break;
        unsigned char d = bytes[q];
        size_t alen = 0;
        if (d < 0x80) {
          if (IsApostrophe(text, q, &alen) && q + alen < n &&
              IsAsciiAlnum(static_cast<unsigned char>(text[q + alen]))) {
            q += alen;
            apostrophe = true;
            continue;
          }
          break;
        }
        if (IsApostrophe(text, q, &alen) && q + alen < n &&
            IsAsciiAlnum(static_cast<unsigned char>(text[q + alen]))) {
          q += alen;
          apostrophe = true;
          continue;
        }
        uint32_t w;
        size_t wl = Decode(text, q, &w);
        if (!IsWordCodepoint(w)) break;
        ++letters;
        q += wl;
      }
      // Numbers are not words (a number word starts with a digit).
      if (c >= '0' && c <= '9' && internal::IsNumberWord(text.substr(p, q - p))) {
        // But a rating is scored ("9/10", "1 star").
        std::string_view prev;
        if (!tokens->empty() && tokens->back().kind == TokenKind::kWord &&
            tokens->back().end - tokens->back().begin < sizeof(lower)) {
          const Token& b = tokens->back();
          for (uint32_t k = b.begin; k < b.end; ++k)
            lower[k - b.begin] =
                (text[k] >= 'A' && text[k] <= 'Z') ? static_cast<char>(text[k] + 32) : text[k];
          prev = std::string_view(lower, b.end - b.begin);
        }
        size_t rating_end = 0;
        float v = 0;
        if (q - p <= 2 && RatingValence(text, p, q, prev, &rating_end, &v) && rating_end <= stop) {
          t.end = static_cast<uint32_t>(rating_end);
          t.kind = TokenKind::kRating;
          t.valence = v;
          emit(t);
          p = rating_end;
          continue;
        }
        p = q;
        continue;
      }
      t.end = static_cast<uint32_t>(q);
      t.all_caps = letters + lowers + uppers >= 2 && lowers == 0;
      // The other code points of a word are letters and marks: no U+2018,
      // and U+2019 only as an apostrophe.
      t.plain = !apostrophe;
      t.lower = t.plain && uppers == 0;
      emit(t);
      p = q;
      continue;
    }
    if (c < 0x80) {
      // ASCII punctuation: runs of the same sentence-ending mark form one token.
      Token t;
      t.begin = static_cast<uint32_t>(p);
      t.kind = TokenKind::kPunct;
      size_t q = p;
      if (c == '!' || c == '?' || c == '.') {
        int bangs = 0;
        while (q < n && (text[q] == '!' || text[q] == '?' || text[q] == '.')) {
          if (text[q] == '!') ++bangs;
          ++q;
        }
        t.end = static_cast<uint32_t>(q);
        t.bangs = static_cast<uint8_t>(std::min(bangs, 255));
        t.clause_break = true;
        emit(t);
        p = q;
        continue;
      }
      t.end = static_cast<uint32_t>(p + 1);
      t.clause_break = c == ',' || c == ';' || c == ':' || c == '(' || c == ')' || c == '"' || c == '-';
      emit(t);
      ++p;
      continue;
    }
    // Other symbols and general punctuation (dashes, quotes, ellipsis).
    if (cp == 0x2026 || cp == 0x2013 || cp == 0x2014) {
      Token t;
      t.begin = static_cast<uint32_t>(p);
      t.end = static_cast<uint32_t>(p + clen);
      t.kind = TokenKind::kPunct;
      t.clause_break = true;
      emit(t);
    }
    p += clen;
  }
}

std::string Unstretch(std::string_view w, size_t keep) {
  std::string out;
  out.reserve(w.size());
  for (size_t i = 0; i < w.size();) {
    size_t j = i;
    while (j < w.size() && w[j] == w[i]) ++j;
    const bool letter = (w[i] | 0x20) >= 'a' && (w[i] | 0x20) <= 'z';
    out.append(letter && j - i >= 3 ? keep : j - i, w[i]);
    i = j;
  }
  return out;
}

}  // namespace sentiment_internal
}  // namespace voc
