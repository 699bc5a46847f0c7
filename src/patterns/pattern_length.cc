#include "patterns/pattern_length.h"

#include <algorithm>
#include <cstdint>

#include "patterns/pattern_syntax.h"

namespace voc {
namespace internal {
namespace {

constexpr size_t kInf = MatchBounds::kUnbounded;

size_t Add(size_t a, size_t b) { return a == kInf || b == kInf || a + b < a ? kInf : a + b; }

size_t Times(size_t a, size_t n) {
  if (a == 0 || n == 0) return 0;
  if (a == kInf || n == kInf || a > kInf / n) return kInf;
  return a * n;
}

MatchBounds Zero() { return {0, 0}; }

size_t Utf8Length(uint32_t cp) { return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4; }

// What one character of a class or a literal may match.
struct CharSet {
  bool separator = false;  // an ASCII separator byte
  bool non_ascii = false;  // a code point >= 0x80 (of any length)
  size_t ascii_bytes = 1;  // 3 for k or K under case folding (U+212A), 2 for s or S (U+017F)
};

CharSet OfChar(uint32_t cp, bool fold) {
  CharSet s;
  if (cp >= 0x80) {
    s.non_ascii = true;
  } else {
    s.separator = IsSeparatorByte(static_cast<unsigned char>(cp));
    const uint32_t lower = cp | 0x20;  // 'k' and 's' only from K, k, S and s
    if (fold) s.ascii_bytes = lower == 'k' ? 3 : lower == 's' ? 2 : 1;
  }
  return s;
}

MatchBounds OneChar(const CharSet& s, size_t non_ascii_bytes) {
  MatchBounds b;
  b.bytes = s.non_ascii ? std::max(non_ascii_bytes, s.ascii_bytes) : s.ascii_bytes;
  b.separators = s.separator ? 1 : 0;
  return b;
}

class Reader {
 public:
  Reader(std::string_view p, bool fold) : p_(p), fold_(fold) {}

  bool Read(MatchBounds* out) {
    if (!Alternation(out)) return false;
    return i_ == p_.size();
  }

 private:
  // Branches up to an unmatched ')' or the end; the flags set inside last
  // to the end of the group.
  bool Alternation(MatchBounds* out) {
    MatchBounds best = Zero();
    for (;;) {
      MatchBounds branch = Zero();
      if (!Concatenation(&branch)) return false;
      best.bytes = std::max(best.bytes, branch.bytes);
      best.separators = std::max(best.separators, branch.separators);
      if (i_ < p_.size() && p_[i_] == '|') {
        ++i_;
        continue;
      }
      break;
    }
    *out = best;
    return true;
  }

  bool Concatenation(MatchBounds* out) {
    MatchBounds sum = Zero();
    while (i_ < p_.size() && p_[i_] != '|' && p_[i_] != ')') {
      MatchBounds item;
      if (!Item(&item)) return false;
      if (!Repeats(&item)) return false;
      sum.bytes = Add(sum.bytes, item.bytes);
      sum.separators = Add(sum.separators, item.separators);
    }
    *out = sum;
    return true;
  }

  // Reads a repetition {n}, {n,} or {n,m} at p_[i_] == '{'; false when it
  // is not one (a literal brace).
  bool ReadRepeat(size_t* max, bool* bounded) {
    size_t k = i_ + 1, n = 0, m = 0;
    bool comma = false, digits = false, digits_after = false;
    for (; k < p_.size(); ++k) {
      const char c = p_[k];
      if (c >= '0' && c <= '9') {
        if (comma) {
          digits_after = true;
          m = std::min<size_t>(m * 10 + static_cast<size_t>(c - '0'), 100000);
        } else {
          digits = true;
          n = std::min<size_t>(n * 10 + static_cast<size_t>(c - '0'), 100000);
        }
      } else if (c == ',' && !comma && digits) {
        comma = true;
      } else {
        break;
      }
    }
    if (!digits || k >= p_.size() || p_[k] != '}') return false;
    i_ = k + 1;
    *bounded = !comma || digits_after;
    *max = !comma ? n : m;
    return true;
  }

  bool Repeats(MatchBounds* item) {
    while (i_ < p_.size()) {
      const char c = p_[i_];
      if (c == '*' || c == '+') {
        ++i_;
        if (item->bytes != 0) item->bytes = kInf;
        if (item->separators != 0) item->separators = kInf;
      } else if (c == '?') {
        ++i_;
      } else if (c == '{') {
        size_t max = 0;
        bool bounded = false;
        if (!ReadRepeat(&max, &bounded)) return true;  // a literal brace, read next
        if (bounded) {
          item->bytes = Times(item->bytes, max);
          item->separators = Times(item->separators, max);
        } else {
          if (item->bytes != 0) item->bytes = kInf;
          if (item->separators != 0) item->separators = kInf;
        }
      } else {
        return true;
      }
      if (i_ < p_.size() && p_[i_] == '?') ++i_;  // non-greedy
    }
    return true;
  }

  // Reads flags such as "i", "-i", "im-s" up to ')' or ':' at p_[i_].
  bool Flags(bool* fold) {
    bool negate = false;
    for (; i_ < p_.size() && p_[i_] != ')' && p_[i_] != ':'; ++i_) {
      switch (p_[i_]) {
        case '-':
          if (negate) return false;
          negate = true;
          break;
        case 'i':
          *fold = !negate;
          break;
        case 'm':
        case 's':
        case 'U':
          break;
        default:
          return false;
      }
    }
    return i_ < p_.size();
  }

  bool Group(MatchBounds* out) {
    ++i_;  // '('
    const bool saved = fold_;
    if (i_ < p_.size() && p_[i_] == '?') {
      ++i_;
      if (i_ < p_.size() && (p_[i_] == 'P' || p_[i_] == '<')) {  // a named group
        while (i_ < p_.size() && p_[i_] != '>') ++i_;
        if (i_ == p_.size()) return false;
        ++i_;
      } else {
        bool fold = fold_;
        if (!Flags(&fold)) return false;
        if (p_[i_] == ')') {  // (?i): to the end of the enclosing group
          ++i_;
          fold_ = fold;
          *out = Zero();
          return true;
        }
        ++i_;  // ':'
        fold_ = fold;
      }
    }
    if (!Alternation(out)) return false;
    fold_ = saved;
    if (i_ >= p_.size() || p_[i_] != ')') return false;
    ++i_;
    return true;
  }

  // Reads the escape at p_[i_] == '\\' as a character set; `*zero_width`
  // for \b \B \A \z, `*cp` with `*is_char` for one character.
  bool Escape(bool in_class, CharSet* set, bool* zero_width, bool* is_char, uint32_t* cp) {
    *zero_width = false;
    *is_char = false;
    if (i_ + 1 >= p_.size()) return false;
    const char c = p_[i_ + 1];
    i_ += 2;
    auto character = [&](uint32_t v) {
      *is_char = true;
      *cp = v;
      *set = OfChar(v, fold_);
      return true;
    };
    switch (c) {
      case 'd':
        *set = CharSet();
        return true;
      case 'w':
        *set = CharSet();
        if (fold_) set->ascii_bytes = 3;
        return true;
      case 's':
        *set = CharSet();
        set->separator = true;
        return true;
      case 'D':
      case 'W':
      case 'S':
        set->separator = true;
        set->non_ascii = true;
        return true;
      case 'p':
      case 'P':  // a Unicode class: \pL or \p{Greek}
        if (i_ < p_.size() && p_[i_] == '{') {
          while (i_ < p_.size() && p_[i_] != '}') ++i_;
          if (i_ == p_.size()) return false;
        }
        if (i_ == p_.size()) return false;
        ++i_;
        set->separator = true;
        set->non_ascii = true;
        return true;
      case 'b':
      case 'B':
      case 'A':
      case 'z':
        if (in_class) return false;
        *zero_width = true;
        return true;
      case 'x': {
        uint32_t v = 0;
        if (!ReadPatternHexEscape(p_, &i_, &v)) return false;
        return character(v);
      }
      default:
        break;
    }
    if (uint32_t v = 0; PatternControlEscape(c, &v)) return character(v);
    if (c >= '0' && c <= '7') return character(ReadPatternOctal(p_, &i_, c));  // octal
    // Escaped punctuation stands for itself; other escaped letters and
    // digits (\Q \E \C \8 ...) are not read.
    const auto u = static_cast<unsigned char>(c);
    if (u < 128 && !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')))
      return character(u);
    return false;
  }

  // A bracketed class at p_[i_] == '['.
  bool Class(MatchBounds* out) {
    ++i_;
    bool negated = false;
    if (i_ < p_.size() && p_[i_] == '^') {
      negated = true;
      ++i_;
    }
    CharSet all;
    bool first = true;
    for (;;) {
      if (i_ >= p_.size()) return false;
      if (p_[i_] == ']' && !first) break;
      first = false;
      if (p_[i_] == '[' && i_ + 1 < p_.size() && p_[i_ + 1] == ':') return false;  // POSIX class
      CharSet lo;
      uint32_t lo_cp = 0;
      bool lo_char = true;
      if (p_[i_] == '\\') {
        bool zero_width;
        if (!Escape(true, &lo, &zero_width, &lo_char, &lo_cp)) return false;
      } else {
        if (!ReadPatternUtf8(p_, &i_, &lo_cp)) return false;
        lo = OfChar(lo_cp, fold_);
      }
      if (lo_char && i_ + 1 < p_.size() && p_[i_] == '-' && p_[i_ + 1] != ']') {
        ++i_;
        uint32_t hi_cp = 0;
        bool hi_char = true;
        CharSet hi;
        if (p_[i_] == '\\') {
          bool zero_width;
          if (!Escape(true, &hi, &zero_width, &hi_char, &hi_cp)) return false;
        } else if (!ReadPatternUtf8(p_, &i_, &hi_cp)) {
          return false;
        }
        if (!hi_char || hi_cp < lo_cp) return false;
        for (uint32_t c = lo_cp; c <= hi_cp && c < 0x80; ++c) {
          const CharSet s = OfChar(c, fold_);
          all.separator |= s.separator;
          all.ascii_bytes = std::max(all.ascii_bytes, s.ascii_bytes);
        }
        if (hi_cp >= 0x80) all.non_ascii = true;
        continue;
      }
      all.separator |= lo.separator;
      all.non_ascii |= lo.non_ascii;
      all.ascii_bytes = std::max(all.ascii_bytes, lo.ascii_bytes);
    }
    ++i_;
    if (negated) {  // any character the members leave out
      *out = {4, 1};
      return true;
    }
    *out = OneChar(all, 4);
    return true;
  }

  bool Item(MatchBounds* out) {
    const char c = p_[i_];
    switch (c) {
      case '(':
        return Group(out);
      case '[':
        return Class(out);
      case '.':
        ++i_;
        *out = {4, 1};
        return true;
      case '^':
      case '$':
        ++i_;
        *out = Zero();
        return true;
      case '*':
      case '+':
      case '?':
        return false;  // nothing to repeat
      case '\\': {
        CharSet set;
        bool zero_width = false, is_char = false;
        uint32_t cp = 0;
        if (!Escape(false, &set, &zero_width, &is_char, &cp)) return false;
        if (zero_width) {
          *out = Zero();
        } else if (is_char) {
          *out = OneChar(set, fold_ ? 4 : Utf8Length(cp));
        } else {
          *out = OneChar(set, 4);
        }
        return true;
      }
      default: {
        if (c == '{') {  // a repetition with nothing to repeat, or a brace
          size_t max;
          bool bounded;
          const size_t at = i_;
          if (ReadRepeat(&max, &bounded)) return false;
          i_ = at;
        }
        uint32_t cp;
        if (!ReadPatternUtf8(p_, &i_, &cp)) return false;
        *out = OneChar(OfChar(cp, fold_), fold_ ? 4 : Utf8Length(cp));
        return true;
      }
    }
  }

  std::string_view p_;
  size_t i_ = 0;
  bool fold_;
};

}  // namespace

MatchBounds ReadMatchBounds(std::string_view pattern, bool ignore_case) {
  MatchBounds out;
  if (!Reader(pattern, ignore_case).Read(&out)) return MatchBounds();
  return out;
}

}  // namespace internal
}  // namespace voc
