// The sentiment scanner: words, emoji, emoticons, punctuation, sentences.
#include "sentiment/sentiment_scan.h"

#include <algorithm>
#include <cstring>

#include "sentiment/sentiment_lexicon.h"

namespace voc {
namespace sentiment_internal {

namespace {

bool IsSpace(unsigned char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}
bool IsAsciiAlnum(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

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
  if (cp >= 0x1F000) return false;                 // emoji and pictographs
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

// Lower-case ASCII prefix test.
bool StartsWithNoCase(std::string_view s, size_t p, std::string_view prefix) {
  if (s.size() - p < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    char c = s[p + i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
    if (c != prefix[i]) return false;
  }
  return true;
}

// End of the non-space run starting at `p`, less the punctuation that closes
// a sentence or clause after it ("see http://x.co/a." keeps its '.').
size_t ChunkEndBeforeTrailingPunct(std::string_view s, size_t p) {
  size_t q = p;
  while (q < s.size() && !IsSpace(static_cast<unsigned char>(s[q]))) ++q;
  while (q > p + 1) {
    char c = s[q - 1];
    if (c == '.' || c == ',' || c == '!' || c == '?' || c == ';' || c == ':' || c == ')' ||
        c == ']' || c == '"' || c == '\'') {
      --q;
    } else {
      break;
    }
  }
  return q;
}

// A URL starts at `p`: a scheme ("http://", "https://") or "www.".
bool StartsUrl(std::string_view s, size_t p) {
  return StartsWithNoCase(s, p, "http://") || StartsWithNoCase(s, p, "https://") ||
         StartsWithNoCase(s, p, "www.");
}

// A redaction mask such as "[EMAIL]" or "[CARD]" starts at `p`; returns its length.
size_t MaskLength(std::string_view s, size_t p) {
  size_t q = p + 1;
  while (q < s.size() && q - p <= 24 && ((s[q] >= 'A' && s[q] <= 'Z') || s[q] == '_')) ++q;
  return q > p + 1 && q < s.size() && s[q] == ']' ? q + 1 - p : 0;
}

}  // namespace

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
                   std::vector<std::pair<uint32_t, uint32_t>>* sentences) const {
  tokens->clear();
  sentences->clear();
  tokens->reserve(text.size() / 4 + 4);
  uint32_t sentence = 0;
  bool sentence_open = false;
  auto emit = [&](Token t) {
    t.sentence = sentence;
    if (!sentence_open) {
      sentences->push_back({t.begin, t.end});
      sentence_open = true;
    } else {
      sentences->back().second = t.end;
    }
    tokens->push_back(t);
  };
  auto close_sentence = [&]() {
    if (sentence_open) {
      ++sentence;
      sentence_open = false;
    }
  };

  const size_t n = text.size();
  char lower[16];
  size_t p = 0;
  // State at the start of the current whitespace-delimited chunk, restored
  // when the chunk turns out to be an e-mail address (no sentence closes
  // inside a chunk, so the token count and the sentence state suffice).
  size_t chunk_tokens = 0, chunk_sentences = 0;
  uint32_t chunk_sentence_end = 0;
  bool chunk_sentence_open = false;
  bool at_new_chunk = true;
  while (p < n) {
    unsigned char c = static_cast<unsigned char>(text[p]);
    if (IsSpace(c)) {
      if (c == '\n') close_sentence();
      ++p;
      at_new_chunk = true;
      continue;
    }
    if (at_new_chunk) {
      at_new_chunk = false;
      chunk_tokens = tokens->size();
      chunk_sentences = sentences->size();
      chunk_sentence_open = sentence_open;
      chunk_sentence_end = sentence_open ? sentences->back().second : 0;
    }
    // Social tokens that are not words are never scored: @mentions (often a
    // brand: "@united thanks for nothing"), URLs, e-mail addresses (below)
    // and redaction masks.
    const bool after_word = p > 0 && IsAsciiAlnum(static_cast<unsigned char>(text[p - 1]));
    if (!after_word) {
      if (c == '@' && p + 1 < n &&
          (IsAsciiAlnum(static_cast<unsigned char>(text[p + 1])) || text[p + 1] == '_')) {
        size_t q = p + 1;
        while (q < n && (IsAsciiAlnum(static_cast<unsigned char>(text[q])) || text[q] == '_')) ++q;
        p = q;
        continue;
      }
      if ((c == 'h' || c == 'H' || c == 'w' || c == 'W') && StartsUrl(text, p)) {
        p = ChunkEndBeforeTrailingPunct(text, p);
        continue;
      }
      if (c == '[') {
        if (size_t len = MaskLength(text, p)) {
          p += len;
          continue;
        }
      }
    }
    // Emoticons: at the start of a whitespace-delimited chunk.
    bool at_chunk_start = p == 0 || IsSpace(static_cast<unsigned char>(text[p - 1]));
    if (at_chunk_start && c < 0x80 && max_emoticon_ > 0 && p + 1 < n &&
        (emoticon_starts_[EmoticonPair(text[p], text[p + 1]) >> 6] >>
             (EmoticonPair(text[p], text[p + 1]) & 63) & 1)) {
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
          if (m == 0xFE0F || m == 0x200D || (m >= 0x1F3FB && m <= 0x1F3FF)) end += ml;
          else break;
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
      int letters = 0, lowers = 0;
      while (q < n) {
        unsigned char d = static_cast<unsigned char>(text[q]);
        size_t alen = 0;
        if (d < 0x80) {
          if (IsAsciiAlnum(d)) {
            if (d >= 'a' && d <= 'z') ++lowers, ++letters;
            else if (d >= 'A' && d <= 'Z') ++letters;
            ++q;
            continue;
          }
          if (IsApostrophe(text, q, &alen) && q + alen < n &&
              IsAsciiAlnum(static_cast<unsigned char>(text[q + alen]))) {
            q += alen;
            continue;
          }
          break;
        }
        if (IsApostrophe(text, q, &alen) && q + alen < n &&
            IsAsciiAlnum(static_cast<unsigned char>(text[q + alen]))) {
          q += alen;
          continue;
        }
        uint32_t w;
        size_t wl = Decode(text, q, &w);
        if (!IsWordCodepoint(w)) break;
        ++letters;
        q += wl;
      }
      if (q + 1 < n && text[q] == '@' && IsAsciiAlnum(static_cast<unsigned char>(text[q + 1]))) {
        // An e-mail address: drop what its local part emitted and skip it.
        size_t start = q;
        while (start > 0 && !IsSpace(static_cast<unsigned char>(text[start - 1]))) --start;
        tokens->resize(chunk_tokens);
        sentences->resize(chunk_sentences);
        sentence_open = chunk_sentence_open;
        if (sentence_open) sentences->back().second = chunk_sentence_end;
        p = ChunkEndBeforeTrailingPunct(text, start);
        continue;
      }
      t.end = static_cast<uint32_t>(q);
      t.all_caps = letters >= 2 && lowers == 0;
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
        bool ends = q >= n || IsSpace(static_cast<unsigned char>(text[q]));
        // "e.g." and "3.5" stay inside the sentence: a single '.' ends one
        // only when followed by a space or the end.
        if (ends) close_sentence();
        p = q;
        continue;
      }
      t.end = static_cast<uint32_t>(p + 1);
      t.clause_break = c == ',' || c == ';' || c == ':' || c == '(' || c == ')' || c == '"' ||
                       c == '-';
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

}  // namespace sentiment_internal
}  // namespace voc
