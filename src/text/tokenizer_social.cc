// The social scanner: finds URLs, e-mails, @mentions, #hashtags, emoji
// sequences, emoticons, money, times and redaction masks in UTF-8 text with
// hand-written byte matchers (one left-to-right pass, no backtracking beyond a
// token). Both tokenizer paths share it, so they agree on these tokens.
#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "text/tokenizer_internal.h"

namespace voc {
namespace tokenizer_internal {
namespace {

inline bool IsAsciiAlnum(unsigned char c) {
  return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}
inline bool IsAsciiDigit(unsigned char c) { return c >= '0' && c <= '9'; }
inline bool IsAsciiAlpha(unsigned char c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; }
inline bool IsAsciiSpace(unsigned char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }
inline bool IsAsciiUpper(unsigned char c) { return c >= 'A' && c <= 'Z'; }

class Scanner {
 public:
  Scanner(std::string_view text, std::vector<SocialSpan>* out)
      : s_(reinterpret_cast<const unsigned char*>(text.data())),
        n_(static_cast<int32_t>(text.size())),
        out_(out) {}

  void Run();

 private:
  // Code point at `i` (negative for ill-formed bytes) and its length.
  UChar32 At(int32_t i, int32_t* len) const {
    int32_t j = i;
    UChar32 c;
    U8_NEXT(s_, j, n_, c);
    *len = j - i;
    return c;
  }
  UChar32 Before(int32_t i) const {
    if (i <= 0) return -1;
    int32_t j = i;
    UChar32 c;
    U8_PREV(s_, 0, j, c);
    return c;
  }
  static bool IsWordCp(UChar32 c) {
    if (c < 0) return false;
    if (c < 0x80) return IsAsciiAlnum(static_cast<unsigned char>(c)) || c == '_';
    return u_isalnum(c) || (U_GET_GC_MASK(c) & U_GC_M_MASK) != 0;
  }
  // True when the code point before byte `i` is a letter, digit, mark or '_'.
  bool WordBefore(int32_t i) const {
    if (i <= 0) return false;
    unsigned char p = s_[i - 1];
    if (p < 0x80) return IsAsciiAlnum(p) || p == '_';
    return IsWordCp(Before(i));
  }
  bool WordAt(int32_t i) const {
    if (i >= n_) return false;
    unsigned char c = s_[i];
    if (c < 0x80) return IsAsciiAlnum(c) || c == '_';
    int32_t len;
    return IsWordCp(At(i, &len));
  }
  bool SpaceBefore(int32_t i) const { return i <= 0 || IsAsciiSpace(s_[i - 1]); }
  bool Has(int32_t i, const char* lit) const {
    size_t len = std::strlen(lit);
    return static_cast<size_t>(n_ - i) >= len && std::memcmp(s_ + i, lit, len) == 0;
  }
  bool HasNoCase(int32_t i, const char* lit) const {
    size_t len = std::strlen(lit);
    if (static_cast<size_t>(n_ - i) < len) return false;
    for (size_t k = 0; k < len; ++k)
      if ((s_[i + k] | 0x20) != static_cast<unsigned char>(lit[k])) return false;
    return true;
  }
  void Emit(int32_t b, int32_t e, TokenKind kind) {
    out_->push_back({static_cast<uint32_t>(b), static_cast<uint32_t>(e), kind});
    last_end_ = e;
  }

  int32_t TryAt(int32_t i, int32_t* skip_to);
  int32_t NextCandidate(int32_t i);
  int32_t MatchUrl(int32_t i) const;
  int32_t MatchEmail(int32_t at);  // returns the end; sets email_begin_
  int32_t MatchMention(int32_t i) const;
  int32_t MatchHashtag(int32_t i) const;
  int32_t MatchBracketMask(int32_t i) const;
  int32_t MatchBraceMask(int32_t i) const;
  int32_t MatchXMask(int32_t i) const;
  int32_t MatchTime(int32_t i) const;
  int32_t MatchNumberEnd(int32_t i) const;
  int32_t MatchMoneyPrefix(int32_t i, int32_t symbol_len) const;
  int32_t MatchMoneySuffix(int32_t i) const;
  int32_t MatchEmoticon(int32_t i) const;
  int32_t MatchEmoji(int32_t i) const;
  int32_t MatchKeycap(int32_t i) const;

  const unsigned char* s_;
  int32_t n_;
  std::vector<SocialSpan>* out_;
  int32_t last_end_ = 0;
  int32_t email_begin_ = 0;
  // The last 16-byte block NextCandidate examined and its candidate bits.
  int32_t block_ = -32;
  uint32_t block_mask_ = 0;
};

// ---- URLs -------------------------------------------------------------------

int32_t Scanner::MatchUrl(int32_t i) const {
  int32_t j;
  if (HasNoCase(i, "http://"))
    j = i + 7;
  else if (HasNoCase(i, "https://"))
    j = i + 8;
  else if (HasNoCase(i, "ftp://"))
    j = i + 6;
  else if (HasNoCase(i, "www.") && i + 4 < n_ && IsAsciiAlnum(s_[i + 4]))
    j = i + 4;
  else
    return -1;
  int32_t start = j;
  int parens = 0, brackets = 0;
  while (j < n_) {
    unsigned char c = s_[j];
    if (c <= ' ' || c >= 0x7f || c == '<' || c == '>' || c == '"' || c == '`' || c == '{' || c == '}' ||
        c == '|' || c == '\\' || c == '^')
      break;
    if (c == '(') ++parens;
    if (c == ')') --parens;
    if (c == '[') ++brackets;
    if (c == ']') --brackets;
    ++j;
  }
  // Trailing punctuation belongs to the sentence, not the URL.
  while (j > start) {
    unsigned char c = s_[j - 1];
    if (c == '.' || c == ',' || c == ';' || c == ':' || c == '!' || c == '?' || c == '\'' || c == '*') {
      --j;
    } else if (c == ')' && parens < 0) {
      ++parens;
      --j;
    } else if (c == ']' && brackets < 0) {
      ++brackets;
      --j;
    } else {
      break;
    }
  }
  if (j == start) return -1;
  return j;
}

// ---- e-mail -----------------------------------------------------------------

inline bool IsLocalChar(unsigned char c) {
  return IsAsciiAlnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
}

// `at` indexes an '@'. On success returns the end and sets email_begin_.
int32_t Scanner::MatchEmail(int32_t at) {
  int32_t b = at;
  while (b > last_end_ && IsLocalChar(s_[b - 1])) --b;
  while (b < at && !IsAsciiAlnum(s_[b])) ++b;  // start on a letter or digit
  if (b == at) return -1;
  if (b > 0 && s_[b - 1] >= 0x80 && WordBefore(b)) return -1;
  // Domain: labels of [A-Za-z0-9-] separated by single dots, 2+ labels,
  // the last one alphabetic with 2+ letters.
  int32_t j = at + 1;
  int labels = 0;
  int32_t end = -1;
  while (j < n_) {
    int32_t lb = j;
    while (j < n_ && (IsAsciiAlnum(s_[j]) || s_[j] == '-')) ++j;
    if (j == lb) break;
    ++labels;
    if (labels >= 2) {
      bool alpha = j - lb >= 2;
      for (int32_t k = lb; k < j && alpha; ++k) alpha = IsAsciiAlpha(s_[k]);
      if (alpha) end = j;
    }
    if (j + 1 < n_ && s_[j] == '.' && IsAsciiAlnum(s_[j + 1])) {
      ++j;
    } else {
      break;
    }
  }
  if (end < 0) return -1;
  if (WordAt(end) || (end < n_ && s_[end] == '@')) return -1;
  email_begin_ = b;
  return end;
}

// ---- mentions, hashtags -------------------------------------------------------

int32_t Scanner::MatchMention(int32_t i) const {
  int32_t j = i + 1;
  while (j < n_ && (IsAsciiAlnum(s_[j]) || s_[j] == '_')) ++j;
  if (j == i + 1) return -1;
  if (j < n_ && s_[j] >= 0x80 && WordAt(j)) return -1;
  return j;
}

int32_t Scanner::MatchHashtag(int32_t i) const {
  int32_t j = i + 1;
  bool non_digit = false;
  while (j < n_) {
    unsigned char c = s_[j];
    if (c < 0x80) {
      if (!(IsAsciiAlnum(c) || c == '_')) break;
      if (!IsAsciiDigit(c)) non_digit = true;
      ++j;
    } else {
      int32_t len;
      UChar32 cp = At(j, &len);
      if (!IsWordCp(cp)) break;
      if (!u_isdigit(cp)) non_digit = true;
      j += len;
    }
  }
  if (j == i + 1 || !non_digit) return -1;
  return j;
}

// ---- masks --------------------------------------------------------------------

// "[EMAIL]", "[PHONE_NUMBER]", "[REDACTED]".
int32_t Scanner::MatchBracketMask(int32_t i) const {
  int32_t j = i + 1;
  if (j >= n_ || !IsAsciiUpper(s_[j])) return -1;
  while (j < n_ && j - i <= 32 && (IsAsciiUpper(s_[j]) || IsAsciiDigit(s_[j]) || s_[j] == '_')) ++j;
  if (j >= n_ || s_[j] != ']' || j - i < 3) return -1;
  return j + 1;
}

// "{$39.00}" (CFPB's masked amounts).
int32_t Scanner::MatchBraceMask(int32_t i) const {
  int32_t j = i + 1;
  if (j >= n_ || s_[j] != '$') return -1;
  ++j;
  int32_t d = j;
  while (j < n_ && (IsAsciiDigit(s_[j]) || s_[j] == ',' || s_[j] == '.')) ++j;
  if (j == d || j >= n_ || s_[j] != '}') return -1;
  return j + 1;
}

// "XXXX", "XX/XX/XXXX", "XX/XX/2019", "XXXX-XXXX-1234": groups of 2+ X or
// digits separated by '/' or '-', with at least one X group first.
int32_t Scanner::MatchXMask(int32_t i) const {
  int32_t j = i;
  while (j < n_ && s_[j] == 'X') ++j;
  if (j - i < 2) return -1;
  for (;;) {
    if (j + 1 < n_ && (s_[j] == '/' || s_[j] == '-')) {
      int32_t k = j + 1;
      if (s_[k] == 'X') {
        while (k < n_ && s_[k] == 'X') ++k;
      } else {
        while (k < n_ && IsAsciiDigit(s_[k])) ++k;
      }
      if (k - (j + 1) >= 2 && !WordAt(k)) {
        j = k;
        continue;
      }
    }
    break;
  }
  if (WordAt(j)) return -1;
  return j;
}

// ---- numbers, money, time -----------------------------------------------------

// End of "1,234.56"-like number starting at the digit `i`.
int32_t Scanner::MatchNumberEnd(int32_t i) const {
  int32_t j = i;
  while (j < n_ && IsAsciiDigit(s_[j])) ++j;
  while (j + 1 < n_ && (s_[j] == ',' || s_[j] == '.') && IsAsciiDigit(s_[j + 1])) {
    ++j;
    while (j < n_ && IsAsciiDigit(s_[j])) ++j;
  }
  return j;
}

// Currency symbol of `symbol_len` bytes at `i`, then a number: "$12.50",
// "€5", "£1,200", "$5k".
int32_t Scanner::MatchMoneyPrefix(int32_t i, int32_t symbol_len) const {
  int32_t j = i + symbol_len;
  if (j >= n_ || !IsAsciiDigit(s_[j])) return -1;
  j = MatchNumberEnd(j);
  if (j < n_ &&
      (s_[j] == 'k' || s_[j] == 'K' || s_[j] == 'm' || s_[j] == 'M' || s_[j] == 'b' || s_[j] == 'B') &&
      !WordAt(j + 1))
    ++j;
  if (WordAt(j)) return -1;
  return j;
}

// Number then currency: "12.50 USD", "12.50USD", "5€", "5 €".
int32_t Scanner::MatchMoneySuffix(int32_t i) const {
  int32_t j = MatchNumberEnd(i);
  int32_t k = j;
  if (k < n_ && s_[k] == ' ') ++k;
  if (k >= n_ || !(IsAsciiUpper(s_[k]) || s_[k] == 0xE2 || s_[k] == 0xC2)) return -1;
  static const char* const kCodes[] = {"USD", "EUR", "GBP", "CAD", "AUD", "JPY", "INR", "CHF"};
  for (const char* code : kCodes)
    if (Has(k, code) && !WordAt(k + 3)) return k + 3;
  if (Has(k, "\xE2\x82\xAC")) return k + 3;  // €
  if (Has(k, "\xC2\xA3")) return k + 2;      // £
  return -1;
}

// "10:30", "10:30:15", "10:30pm", "10:30 p.m.", "9am", "9 PM".
int32_t Scanner::MatchTime(int32_t i) const {
  int32_t j = i;
  while (j < n_ && IsAsciiDigit(s_[j]) && j - i < 3) ++j;
  int32_t hour_digits = j - i;
  if (hour_digits > 2) return -1;
  int hour = 0;
  for (int32_t k = i; k < j; ++k) hour = hour * 10 + (s_[k] - '0');
  if (hour > 24) return -1;
  bool has_minutes = false;
  if (j + 2 < n_ && s_[j] == ':' && IsAsciiDigit(s_[j + 1]) && IsAsciiDigit(s_[j + 2]) && s_[j + 1] <= '5') {
    j += 3;
    has_minutes = true;
    if (j + 2 < n_ && s_[j] == ':' && IsAsciiDigit(s_[j + 1]) && IsAsciiDigit(s_[j + 2]) && s_[j + 1] <= '5')
      j += 3;
    if (j < n_ && IsAsciiDigit(s_[j])) return -1;
  }
  // Optional am/pm, with or without a space and dots.
  int32_t k = j;
  if (k < n_ && s_[k] == ' ') ++k;
  int32_t ampm_end = -1;
  if (k + 1 < n_ && ((s_[k] | 0x20) == 'a' || (s_[k] | 0x20) == 'p')) {
    if ((s_[k + 1] | 0x20) == 'm' && !WordAt(k + 2)) {
      ampm_end = k + 2;
    } else if (k + 3 < n_ && s_[k + 1] == '.' && (s_[k + 2] | 0x20) == 'm' && s_[k + 3] == '.') {
      ampm_end = k + 4;
    }
  }
  if (ampm_end >= 0) {
    if (hour > 12 || hour_digits == 0) return -1;
    return ampm_end;
  }
  if (!has_minutes) return -1;
  if (WordAt(j)) return -1;
  if (j + 1 < n_ && s_[j] == ':' && IsAsciiDigit(s_[j + 1])) return -1;
  if (j + 1 < n_ && (s_[j] == '.' || s_[j] == ',') && IsAsciiDigit(s_[j + 1])) return -1;
  return j;
}

// ---- emoticons ------------------------------------------------------------------

inline bool IsMouth(unsigned char c) { return std::strchr(")(][DPpOo/\\|*3$@SsbXx", c) != nullptr && c != 0; }

int32_t Scanner::MatchEmoticon(int32_t i) const {
  static const char* const kLiterals[] = {"^_^", "^^",  "^.^", "-_-", "-.-", "o_O", "O_o", "o.O",
                                          "O.o", "T_T", ">_<", ">.<", "*_*", "</3", "<3"};
  unsigned char c = s_[i];
  for (const char* lit : kLiterals) {
    if (static_cast<unsigned char>(lit[0]) != c || !Has(i, lit)) continue;
    int32_t j = i + static_cast<int32_t>(std::strlen(lit));
    if (lit[1] == '3' || (lit[1] == '/' && lit[2] == '3')) {
      while (j < n_ && s_[j] == '3') ++j;  // "<333"
      if (j < n_ && IsAsciiDigit(s_[j])) return -1;
      return j;
    }
    if (WordBefore(i) || WordAt(j)) return -1;
    return j;
  }
  // Western: [>]? eyes [nose]? mouth+, e.g. ":)", ":-(", ">:(", ":'(", ";)",
  // "=D", "XD", ":/", ":)))".
  int32_t j = i;
  if (s_[j] == '>' && j + 1 < n_ && (s_[j + 1] == ':' || s_[j + 1] == ';')) ++j;
  if (j >= n_) return -1;
  unsigned char eyes = s_[j];
  bool letter_eyes = eyes == 'x' || eyes == 'X' || eyes == '8';
  if (!(eyes == ':' || eyes == ';' || eyes == '=' || letter_eyes)) return -1;
  if (letter_eyes && !SpaceBefore(i)) return -1;
  if (!letter_eyes && WordBefore(i) && eyes != ':' && eyes != ';') return -1;
  if (eyes == ':' && i > 0 && IsAsciiDigit(s_[i - 1])) return -1;
  ++j;
  bool nose = false;
  if (j < n_ && (s_[j] == '-' || s_[j] == '\'' || s_[j] == '^' || s_[j] == 'o')) {
    if (j + 1 < n_ && IsMouth(s_[j + 1]) && s_[j + 1] != 'o') {
      ++j;
      nose = true;
    }
  }
  if (j >= n_ || !IsMouth(s_[j])) return -1;
  unsigned char mouth = s_[j];
  if (eyes == '8' && !nose) return -1;
  if ((eyes == 'x' || eyes == 'X') &&
      !(mouth == 'D' || mouth == 'P' || mouth == 'p' || (nose && (mouth == ')' || mouth == '('))))
    return -1;
  int32_t m = j;
  while (j < n_ && s_[j] == mouth) ++j;
  bool alpha_mouth = IsAsciiAlnum(mouth);
  if (alpha_mouth && j - m > 1 && mouth != 'D' && mouth != 'P') return -1;
  if (mouth == '/' || mouth == '\\') {
    if (j - m > 1) return -1;
    if (j < n_ && s_[j] == '/') return -1;
  }
  if (mouth == '@' || mouth == '$' || mouth == '*' || mouth == '|') {
    if (j < n_ && !IsAsciiSpace(s_[j]) && s_[j] != '.' && s_[j] != ',' && s_[j] != '!') return -1;
  }
  if (WordAt(j)) return -1;
  return j;
}

// ---- emoji ------------------------------------------------------------------------

inline bool IsRegionalIndicator(UChar32 c) { return c >= 0x1F1E6 && c <= 0x1F1FF; }
inline bool IsSkinTone(UChar32 c) { return c >= 0x1F3FB && c <= 0x1F3FF; }
inline bool IsPictographic(UChar32 c) {
  return c >= 0xA9 && u_hasBinaryProperty(c, UCHAR_EXTENDED_PICTOGRAPHIC);
}

// An emoji sequence starting at `i` (a non-ASCII code point): flags, a
// pictograph with variation selectors, skin tones, tags, keycap marks and ZWJ
// continuations.
int32_t Scanner::MatchEmoji(int32_t i) const {
  int32_t len;
  UChar32 c = At(i, &len);
  if (c < 0) return -1;
  int32_t j = i + len;
  if (IsRegionalIndicator(c)) {
    if (j < n_) {
      UChar32 d = At(j, &len);
      if (IsRegionalIndicator(d)) j += len;
    }
    return j;
  }
  if (!IsPictographic(c) && !IsSkinTone(c)) return -1;
  for (;;) {
    if (j >= n_) break;
    UChar32 d = At(j, &len);
    if (d == 0xFE0F || d == 0xFE0E || IsSkinTone(d) || (d >= 0xE0020 && d <= 0xE007F) || d == 0x20E3) {
      j += len;
      continue;
    }
    if (d == 0x200D && j + len < n_) {
      int32_t len2;
      UChar32 e = At(j + len, &len2);
      if (IsPictographic(e)) {
        j += len + len2;
        continue;
      }
    }
    break;
  }
  return j;
}

// "1️⃣", "#⃣": [0-9#*] U+FE0F? U+20E3.
int32_t Scanner::MatchKeycap(int32_t i) const {
  int32_t j = i + 1;
  if (j >= n_ || (s_[j] != 0xEF && s_[j] != 0xE2)) return -1;
  if (Has(j, "\xEF\xB8\x8F")) j += 3;
  if (!Has(j, "\xE2\x83\xA3")) return -1;
  return j + 3;
}

// ---- the pass -----------------------------------------------------------------------

// Byte classes for the search of token starts.
enum ScanBits : uint8_t {
  kScanWord = 1,       // ASCII letter, digit or '_'
  kScanAnywhere = 2,   // may start a token anywhere: @ # * [ { $ : ; = < > ^ - and UTF-8 leads
  kScanWordStart = 4,  // may start a token at the start of a word: h f w x o X T and digits
};
struct ScanTable {
  uint8_t bits[256];
  constexpr ScanTable() : bits() {
    for (int c = 'a'; c <= 'z'; ++c) bits[c] = kScanWord;
    for (int c = 'A'; c <= 'Z'; ++c) bits[c] = kScanWord;
    for (int c = '0'; c <= '9'; ++c) bits[c] = kScanWord | kScanWordStart;
    bits[static_cast<int>('_')] = kScanWord;
    for (const char* t = "hHfFwWXxoOT"; *t; ++t) bits[static_cast<unsigned char>(*t)] |= kScanWordStart;
    for (const char* t = "@#*[{$:;=<>^-"; *t; ++t) bits[static_cast<unsigned char>(*t)] = kScanAnywhere;
    for (int c = 0xC2; c <= 0xF4; ++c) bits[c] = kScanAnywhere;
  }
};
constexpr ScanTable kScan;

// A quick filter on the ASCII byte `c` and the byte after it: false when no
// matcher can succeed at `c`.
#if defined(__GNUC__)
__attribute__((always_inline))
#endif
inline bool
MayStartToken(unsigned char c, unsigned char next) {
  switch (c) {
    case 'h':
    case 'H':
    case 'f':
    case 'F':
      return (next | 0x20) == 't';
    case 'w':
    case 'W':
      return (next | 0x20) == 'w';
    case 'X':
      return next == 'X' || next == 'D' || next == 'P' || next == 'p' || next == 'd' || next == '-' ||
             next == '\'' || next == '^' || next == 'o';
    case 'x':
      return next == 'D' || next == 'P' || next == 'p' || next == 'd' || next == '-' || next == '\'' ||
             next == '^' || next == 'o';
    case 'o':
    case 'O':
    case '-':
      return next == '_' || next == '.';
    case 'T':
      return next == '_';
    default:
      return true;
  }
}

// Tries the matchers for the byte at `i`; emits the token and returns its
// end, or returns -1. Sets *skip_to past a number that starts no token.
int32_t Scanner::TryAt(int32_t i, int32_t* skip_to) {
  unsigned char c = s_[i];
  int32_t e = -1;
  TokenKind kind = TokenKind::kWord;
  if (c >= 0x80) {
    if (c == 0xE2 && Has(i, "\xE2\x82\xAC")) {  // €
      e = MatchMoneyPrefix(i, 3);
      kind = TokenKind::kMoney;
    } else if (c == 0xC2 && (Has(i, "\xC2\xA3") || Has(i, "\xC2\xA5"))) {  // £ ¥
      e = MatchMoneyPrefix(i, 2);
      kind = TokenKind::kMoney;
    }
    if (e < 0) {
      e = MatchEmoji(i);
      kind = TokenKind::kEmoji;
    }
    if (e < 0) {
      int32_t len;
      At(i, &len);
      *skip_to = i + len;
      return -1;
    }
    Emit(i, e, kind);
    return e;
  }
  if (!MayStartToken(c, i + 1 < n_ ? s_[i + 1] : 0)) return -1;
  switch (c) {
    case 'h':
    case 'H':
    case 'f':
    case 'F':
    case 'w':
    case 'W':
      if (!WordBefore(i)) {
        e = MatchUrl(i);
        kind = TokenKind::kUrl;
      }
      break;
    case '@':
      if (WordBefore(i)) {
        e = MatchEmail(i);
        if (e >= 0) {
          Emit(email_begin_, e, TokenKind::kEmail);
          return e;
        }
      } else {
        e = MatchMention(i);
        kind = TokenKind::kMention;
      }
      break;
    case '#':
      if (!WordBefore(i)) {
        e = MatchKeycap(i);
        kind = TokenKind::kEmoji;
        if (e < 0) {
          e = MatchHashtag(i);
          kind = TokenKind::kHashtag;
        }
      }
      break;
    case '*':
      e = MatchKeycap(i);
      kind = TokenKind::kEmoji;
      if (e < 0) {
        e = MatchEmoticon(i);
        kind = TokenKind::kEmoticon;
      }
      break;
    case '[':
      e = MatchBracketMask(i);
      kind = TokenKind::kMask;
      if (e < 0) {
        e = MatchEmoticon(i);
        kind = TokenKind::kEmoticon;
      }
      break;
    case '{':
      e = MatchBraceMask(i);
      kind = TokenKind::kMask;
      break;
    case '$':
      e = MatchMoneyPrefix(i, 1);
      kind = TokenKind::kMoney;
      break;
    case 'X':
      if (!WordBefore(i)) {
        e = MatchEmoticon(i);
        kind = TokenKind::kEmoticon;
        if (e < 0) {
          e = MatchXMask(i);
          kind = TokenKind::kMask;
        }
      }
      break;
    case ':':
    case ';':
    case '=':
    case 'x':
    case '8':
    case '<':
    case '>':
    case '^':
    case '-':
    case 'o':
    case 'O':
    case 'T':
      e = MatchEmoticon(i);
      kind = TokenKind::kEmoticon;
      break;
    default:
      break;
  }
  if (e < 0 && IsAsciiDigit(c)) {
    e = MatchKeycap(i);
    kind = TokenKind::kEmoji;
    if (e < 0 && !WordBefore(i) && !(i > 0 && (s_[i - 1] == '.' || s_[i - 1] == ','))) {
      e = MatchTime(i);
      kind = TokenKind::kTime;
      if (e < 0) {
        e = MatchMoneySuffix(i);
        kind = TokenKind::kMoney;
      }
      if (e < 0) {
        // Skip the rest of the number so its digits do not start a token.
        int32_t j = MatchNumberEnd(i);
        while (j < n_ && (kScan.bits[s_[j]] & kScanWord)) ++j;
        *skip_to = j;
        return -1;
      }
    }
  }
  if (e > i) {
    Emit(i, e, kind);
    return e;
  }
  return -1;
}

// Returns the first k >= i where a token may start: a kScanAnywhere byte, or
// a kScanWordStart byte not preceded by a word byte; n_ if none.
int32_t Scanner::NextCandidate(int32_t i) {
  const uint8_t* bits = kScan.bits;
#if defined(__SSE2__)
  const __m128i a_lo = _mm_set1_epi8('a' - 1), a_hi = _mm_set1_epi8('z' + 1);
  const __m128i d_lo = _mm_set1_epi8('0' - 1), d_hi = _mm_set1_epi8('9' + 1);
  const __m128i case_bit = _mm_set1_epi8(0x20);
  if (i >= block_ && i < block_ + 16) {  // bits left in the last block
    uint32_t rest = block_mask_ & (0xFFFFu << (i - block_));
    if (rest) return block_ + __builtin_ctz(rest);
    i = block_ + 16;
  }
  while (i + 17 <= n_) {
    __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s_ + i));
    __m128i low = _mm_or_si128(v, case_bit);  // ASCII letters in lower case
    __m128i letter = _mm_and_si128(_mm_cmpgt_epi8(low, a_lo), _mm_cmpgt_epi8(a_hi, low));
    __m128i digit = _mm_and_si128(_mm_cmpgt_epi8(v, d_lo), _mm_cmpgt_epi8(d_hi, v));
    __m128i word = _mm_or_si128(_mm_or_si128(letter, digit), _mm_cmpeq_epi8(v, _mm_set1_epi8('_')));
    // Word-start triggers, already filtered on the next byte as MayStartToken
    // does: h/f + t, w + w, x/X + a mouth or nose, X + X, o/O + '_' or '.',
    // T + '_'; digits always.
    __m128i nx = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s_ + i + 1));
    __m128i nx_low = _mm_or_si128(nx, case_bit);
    __m128i eyes_next = _mm_or_si128(
        _mm_or_si128(
            _mm_or_si128(_mm_cmpeq_epi8(nx_low, _mm_set1_epi8('d')),
                         _mm_cmpeq_epi8(nx_low, _mm_set1_epi8('p'))),
            _mm_or_si128(_mm_cmpeq_epi8(nx, _mm_set1_epi8('-')), _mm_cmpeq_epi8(nx, _mm_set1_epi8('\'')))),
        _mm_or_si128(_mm_cmpeq_epi8(nx, _mm_set1_epi8('^')), _mm_cmpeq_epi8(nx, _mm_set1_epi8('o'))));
    __m128i under_or_dot =
        _mm_or_si128(_mm_cmpeq_epi8(nx, _mm_set1_epi8('_')), _mm_cmpeq_epi8(nx, _mm_set1_epi8('.')));
    __m128i start = _mm_or_si128(
        _mm_or_si128(_mm_and_si128(_mm_or_si128(_mm_cmpeq_epi8(low, _mm_set1_epi8('h')),
                                                _mm_cmpeq_epi8(low, _mm_set1_epi8('f'))),
                                   _mm_cmpeq_epi8(nx_low, _mm_set1_epi8('t'))),
                     _mm_and_si128(_mm_cmpeq_epi8(low, _mm_set1_epi8('w')),
                                   _mm_cmpeq_epi8(nx_low, _mm_set1_epi8('w')))),
        _mm_or_si128(_mm_or_si128(_mm_and_si128(_mm_cmpeq_epi8(low, _mm_set1_epi8('x')), eyes_next),
                                  _mm_and_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('X')),
                                                _mm_cmpeq_epi8(nx, _mm_set1_epi8('X')))),
                     _mm_or_si128(_mm_and_si128(_mm_cmpeq_epi8(low, _mm_set1_epi8('o')), under_or_dot),
                                  _mm_or_si128(_mm_and_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('T')),
                                                             _mm_cmpeq_epi8(nx, _mm_set1_epi8('_'))),
                                               digit))));
    // "@#*[{$:;=<>^-" and UTF-8 lead bytes 0xC2..0xF4.
    __m128i any = _mm_or_si128(
        _mm_or_si128(
            _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('@')), _mm_cmpeq_epi8(v, _mm_set1_epi8('#'))),
            _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('*')), _mm_cmpeq_epi8(v, _mm_set1_epi8('[')))),
        _mm_or_si128(
            _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('{')), _mm_cmpeq_epi8(v, _mm_set1_epi8('$'))),
            _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(':')), _mm_cmpeq_epi8(v, _mm_set1_epi8(';')))));
    any = _mm_or_si128(
        any, _mm_or_si128(
                 _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('=')), _mm_cmpeq_epi8(v, _mm_set1_epi8('<'))),
                 _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('>')), _mm_cmpeq_epi8(v, _mm_set1_epi8('^')))));
    any = _mm_or_si128(any, _mm_cmpeq_epi8(v, _mm_set1_epi8('-')));
    __m128i lead = _mm_and_si128(_mm_cmpeq_epi8(_mm_max_epu8(v, _mm_set1_epi8(static_cast<char>(0xC2))), v),
                                 _mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8(static_cast<char>(0xF4))), v));
    any = _mm_or_si128(any, lead);
    uint32_t word_mask = static_cast<uint32_t>(_mm_movemask_epi8(word));
    uint32_t prev_word = (word_mask << 1) | (i > 0 && (bits[s_[i - 1]] & kScanWord) ? 1u : 0u);
    uint32_t cand = static_cast<uint32_t>(_mm_movemask_epi8(any)) |
                    (static_cast<uint32_t>(_mm_movemask_epi8(start)) & ~prev_word);
    cand &= 0xFFFF;
    if (cand) {
      block_ = i;
      block_mask_ = cand;
      return i + __builtin_ctz(cand);
    }
    i += 16;
  }
#endif
  for (; i < n_; ++i) {
    uint8_t b = bits[s_[i]];
    if (b & kScanAnywhere) return i;
    if ((b & kScanWordStart) && !(i > 0 && (bits[s_[i - 1]] & kScanWord)) &&
        MayStartToken(s_[i], i + 1 < n_ ? s_[i + 1] : 0))
      return i;
  }
  return n_;
}

// One pass over the candidate starts (see NextCandidate); most bytes are
// letters and spaces that cannot start a token.
void Scanner::Run() {
  int32_t i = 0;
  while (i < n_) {
    i = NextCandidate(i);
    if (i >= n_) break;
    int32_t skip_to = -1;
    int32_t e = TryAt(i, &skip_to);
    if (e > i) {
      i = e;
    } else if (skip_to > i) {
      i = skip_to;
    } else {
      ++i;
    }
  }
}

}  // namespace

void ScanSocial(std::string_view text, std::vector<SocialSpan>* out) { Scanner(text, out).Run(); }

}  // namespace tokenizer_internal
}  // namespace voc
