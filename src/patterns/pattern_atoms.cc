#include "patterns/pattern_atoms.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <cstring>
#include <utility>

#include "patterns/literal_prefilter.h"
#include "patterns/pattern_syntax.h"
#include "util/utf8_util.h"

namespace voc {
namespace internal {

namespace {

using Op = AtomRequirement::Op;
// A small set of strings, sorted, without duplicates.
using Strings = std::vector<std::string>;

void Normalize(Strings* s) {
  if (!std::is_sorted(s->begin(), s->end())) std::sort(s->begin(), s->end());
  s->erase(std::unique(s->begin(), s->end()), s->end());
}

// The number of strings in the union of two sets (sorted, without
// duplicates).
size_t UnionSize(const Strings& a, const Strings& b) {
  size_t n = 0, i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    const int c = a[i].compare(b[j]);
    i += c <= 0;
    j += c >= 0;
    ++n;
  }
  return n + (a.size() - i) + (b.size() - j);
}

// `a` becomes the union of the sets `a` and `b` (the strings are moved).
void MergeInto(Strings* a, Strings&& b) {
  Strings u;
  u.reserve(a->size() + b.size());
  size_t i = 0, j = 0;
  while (i < a->size() && j < b.size()) {
    const int c = (*a)[i].compare(b[j]);
    u.push_back(std::move(c <= 0 ? (*a)[i] : b[j]));
    i += c <= 0;
    j += c >= 0;
  }
  for (; i < a->size(); ++i) u.push_back(std::move((*a)[i]));
  for (; j < b.size(); ++j) u.push_back(std::move(b[j]));
  *a = std::move(u);
}

// Exact sets hold at most this many strings (RE2's prefilter bound); a
// class of more characters than kMaxClassChars matches "any character".
constexpr size_t kMaxExact = 16;
constexpr uint32_t kMaxClassChars = 4;
constexpr int kMaxDepth = 1000;

AtomRequirement All() { return AtomRequirement(); }

AtomRequirement Combine(Op op, AtomRequirement a, AtomRequirement b) {
  // kAll is the unit of kAnd and absorbs kOr. (Each operand is returned
  // by name, so that it is moved.)
  if (a.op == Op::kAll) {
    if (op == Op::kAnd) return b;
    return a;
  }
  if (b.op == Op::kAll) {
    if (op == Op::kAnd) return a;
    return b;
  }
  // Operands of the same operator are merged into one list, `a`'s first.
  // An accumulated `a` (a long alternation read one branch at a time) is
  // extended in place, not copied at each step.
  AtomRequirement r;
  if (a.op == op) {
    r = std::move(a);
  } else {
    r.op = op;
    r.subs.push_back(std::move(a));
  }
  if (b.op == op) {
    for (AtomRequirement& s : b.subs) r.subs.push_back(std::move(s));
  } else {
    r.subs.push_back(std::move(b));
  }
  return r;
}

// What a part of a pattern matches: exactly one of a set of strings, or
// texts that meet a requirement.
struct Info {
  bool exact = false;
  Strings strings;        // when exact
  AtomRequirement match;  // when not
  double size = 0.0;
};

Info Exact(Strings s, double size) {
  Info i;
  i.exact = true;
  i.strings = std::move(s);
  i.size = size;
  return i;
}

Info Inexact(AtomRequirement r, double size) {
  Info i;
  i.match = std::move(r);
  i.size = size;
  return i;
}

std::string FoldedChar(uint32_t cp) {
  if (cp < 0x80) return std::string(1, static_cast<char>(cp >= 'A' && cp <= 'Z' ? cp + ('a' - 'A') : cp));
  std::string utf8, folded;
  AppendUtf8(static_cast<char32_t>(cp), &utf8);
  FoldForAtoms(utf8, &folded);
  return folded;
}

// The exact strings of a run of items, sorted, and a suffix that each of
// them has yet to be given: the characters of a word are appended to the
// suffix, and to the strings once, when they are read.
struct ExactRun {
  Strings strings;
  std::string suffix;

  // Appends the suffix to each string.
  void Flush() {
    if (suffix.empty()) return;
    for (std::string& x : strings) x += suffix;
    suffix.clear();
    // Distinct strings stay distinct; their order changes only when one was
    // a prefix of another.
    Normalize(&strings);
  }

  // Each string followed by each of `next` (sorted, without duplicates).
  void Cross(const Strings& next) {
    Flush();
    Strings crossed;
    crossed.reserve(strings.size() * next.size());
    for (const std::string& x : strings)
      for (const std::string& y : next) {
        crossed.emplace_back();
        crossed.back().reserve(x.size() + y.size());
        crossed.back().append(x).append(y);
      }
    strings = std::move(crossed);
    Normalize(&strings);
  }

  // The strings, with their suffix, moved out of the run.
  Strings Take() {
    Flush();
    return std::move(strings);
  }
};

// Whether each byte is an ASCII character that stands for itself in a
// pattern.
constexpr std::array<bool, 256> kPlainChars = [] {
  std::array<bool, 256> plain{};
  for (int c = 0; c < 0x80; ++c) plain[static_cast<size_t>(c)] = true;
  for (const char c : std::string_view("\\[](){}|*+?.^$")) plain[static_cast<unsigned char>(c)] = false;
  return plain;
}();

class Reader {
 public:
  Reader(std::string_view p, size_t min_atom) : p_(p), min_atom_(min_atom) {}

  bool Run(PatternAtoms* out) {
    Info info = Alternation(0);
    if (!ok_ || i_ != p_.size()) return false;
    out->size = info.size;
    out->requirement = Requirement(std::move(info));
    return true;
  }

  // Any text matching one of `s` meets this (the atoms are moved from `s`).
  AtomRequirement OrStrings(Strings&& s) const {
    for (const std::string& x : s)
      if (x.size() < min_atom_) return All();  // found everywhere
    // One string (most alternatives are a word or a phrase): its atom.
    if (s.size() == 1) {
      AtomRequirement a;
      a.op = Op::kAtom;
      a.atom = std::move(s[0]);
      return a;
    }
    // A string holding another of the set adds nothing.
    std::vector<std::string*> kept;
    kept.reserve(s.size());
    for (std::string& x : s) {
      bool redundant = false;
      for (const std::string& y : s)
        if (y.size() < x.size() && std::string_view(x).find(y) != std::string_view::npos) redundant = true;
      if (!redundant) kept.push_back(&x);
    }
    AtomRequirement r;
    r.op = kept.size() == 1 ? Op::kAtom : Op::kOr;
    r.subs.reserve(kept.size() == 1 ? 0 : kept.size());
    for (std::string* x : kept) {
      AtomRequirement a;
      a.op = Op::kAtom;
      a.atom = std::move(*x);
      if (kept.size() == 1) return a;
      r.subs.push_back(std::move(a));
    }
    return r;
  }

  AtomRequirement Requirement(Info info) const {
    return info.exact ? OrStrings(std::move(info.strings)) : std::move(info.match);
  }

 private:
  bool Fail() {
    ok_ = false;
    return false;
  }
  bool AtEnd() const { return i_ >= p_.size(); }

  // alternatives separated by '|', up to ')' or the end
  Info Alternation(int depth) {
    if (depth > kMaxDepth) {
      Fail();
      return Info();
    }
    Info r = Concatenation(depth);
    while (ok_ && !AtEnd() && p_[i_] == '|') {
      ++i_;
      Info next = Concatenation(depth);
      const double size = r.size + next.size;
      if (r.exact && next.exact &&
          (r.strings.size() + next.strings.size() <= kMaxExact ||
           UnionSize(r.strings, next.strings) <= kMaxExact)) {
        MergeInto(&r.strings, std::move(next.strings));
        r.size = size;
        continue;
      }
      r = Inexact(Combine(Op::kOr, Requirement(std::move(r)), Requirement(std::move(next))), size);
    }
    return r;
  }

  // A run of items: exact items are crossed while the product stays small;
  // the rest is the AND of what each run and item requires.
  Info Concatenation(int depth) {
    AtomRequirement acc;
    bool all_exact = true;
    bool have_run = false;
    ExactRun run;
    double size = 0.0;
    while (ok_ && !AtEnd() && p_[i_] != '|' && p_[i_] != ')') {
      // Plain ASCII characters that are not repeated extend the run's
      // common suffix (most of a pattern is words); the first of them
      // starts a run of one string.
      if (const size_t n = PlainStretch(); n > 0) {
        if (!have_run) {
          run.strings.emplace_back();
          have_run = true;
        }
        const size_t from = run.suffix.size();
        run.suffix.append(p_.data() + i_, n);
        for (size_t k = from; k < run.suffix.size(); ++k) {
          char& c = run.suffix[k];
          if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + ('a' - 'A'));
        }
        i_ += n;
        // 1 a character, added one at a time (the same sum when it is
        // past 2^53).
        for (size_t k = 0; k < n; ++k) size += 1.0;
        continue;
      }
      if (have_run && EmptyAssertion()) {  // matches the empty string: the run goes on
        size += 1.0;
        continue;
      }
      Info item = Repeated(depth);
      if (!ok_) break;
      size += item.size;
      if (item.exact && (!have_run || run.strings.size() * item.strings.size() <= kMaxExact)) {
        if (!have_run) {
          run.strings = std::move(item.strings);
          have_run = true;
        } else if (item.strings.size() == 1) {
          run.suffix += item.strings[0];
        } else {
          run.Cross(item.strings);
        }
        continue;
      }
      all_exact = false;
      if (have_run) acc = Combine(Op::kAnd, std::move(acc), OrStrings(run.Take()));
      have_run = item.exact;
      if (item.exact) {
        run.strings = std::move(item.strings);
      } else {
        acc = Combine(Op::kAnd, std::move(acc), std::move(item.match));
      }
    }
    if (all_exact) return Exact(have_run ? run.Take() : Strings{""}, size);
    if (have_run) acc = Combine(Op::kAnd, std::move(acc), OrStrings(run.Take()));
    return Inexact(std::move(acc), size);
  }

  // Whether p_[k] is an ASCII character that stands for itself.
  bool PlainChar(size_t k) const { return kPlainChars[static_cast<unsigned char>(p_[k])]; }

  // Reads \b, \B, \A, \z, ^ or $ at i_ when no repetition follows;
  // false, reading nothing, for anything else.
  bool EmptyAssertion() {
    size_t k = i_;
    if (p_[k] == '^' || p_[k] == '$') {
      k += 1;
    } else if (p_[k] == '\\' && k + 1 < p_.size() && std::strchr("bBAz", p_[k + 1]) != nullptr &&
               p_[k + 1] != 0) {
      k += 2;
    } else {
      return false;
    }
    if (k < p_.size() && IsRepeat(p_[k])) return false;
    i_ = k;
    return true;
  }

  // How many characters from i_ on are plain and not repeated.
  size_t PlainStretch() const {
    size_t k = i_;
    while (k < p_.size() && PlainChar(k)) ++k;
    // A repetition applies to the last character only.
    if (k > i_ && k < p_.size() && IsRepeat(p_[k])) --k;
    return k - i_;
  }
  static bool IsRepeat(char c) { return c == '*' || c == '+' || c == '?' || c == '{'; }

  // An item and the repetitions that follow it.
  Info Repeated(int depth) {
    Info item = Item(depth);
    while (ok_ && !AtEnd()) {
      int min = 0, max = -1;  // max -1: no bound
      const char c = p_[i_];
      if (c == '*') {
        ++i_;
      } else if (c == '+') {
        min = 1;
        ++i_;
      } else if (c == '?') {
        max = 1;
        ++i_;
      } else if (c != '{' || !ReadRepeat(&min, &max)) {
        break;
      }
      if (!AtEnd() && p_[i_] == '?') ++i_;  // non-greedy
      const double times = std::max(1, std::max(min, max));
      const double size = item.size * times + 1.0;
      if (min == 1 && max == 1) continue;
      if (min == 0 && max == 1 && item.exact && item.strings.size() < kMaxExact) {
        if (!item.strings.front().empty()) item.strings.insert(item.strings.begin(), "");  // the least string
        item.size = size;
      } else if (min == 0) {
        item = Inexact(All(), size);
      } else {
        item = Inexact(Requirement(std::move(item)), size);
      }
    }
    return item;
  }

  // {n}, {n,}, {n,m} at i_; otherwise '{' is a literal and nothing is read.
  bool ReadRepeat(int* min, int* max) {
    size_t k = i_ + 1;
    auto number = [&](int* v) {
      const size_t from = k;
      long n = 0;
      while (k < p_.size() && p_[k] >= '0' && p_[k] <= '9' && k - from < 8) n = n * 10 + (p_[k++] - '0');
      *v = static_cast<int>(n);
      return k > from && (k >= p_.size() || p_[k] < '0' || p_[k] > '9');
    };
    if (!number(min)) return false;
    *max = *min;
    if (k < p_.size() && p_[k] == ',') {
      ++k;
      *max = -1;
      if (k < p_.size() && p_[k] != '}' && !number(max)) return false;
    }
    if (k >= p_.size() || p_[k] != '}') return false;
    i_ = k + 1;
    return true;
  }

  Info Item(int depth) {
    const char c = p_[i_];
    switch (c) {
      case '(':
        return Group(depth);
      case '[':
        return Class();
      case '.':
        ++i_;
        return Inexact(All(), 10.0);
      case '^':
      case '$':
        ++i_;
        return Exact({""}, 1.0);
      case '\\':
        return Escape();
      case '*':
      case '+':
      case '?':
        Fail();  // nothing to repeat (RE2 refuses it)
        return Info();
      case '{': {
        int min, max;
        const size_t at = i_;
        if (ReadRepeat(&min, &max)) {
          i_ = at;
          Fail();
          return Info();
        }
        ++i_;
        return Exact({"{"}, 1.0);
      }
      default: {
        uint32_t cp;
        if (!ReadChar(&cp)) return Info();
        return Exact({FoldedChar(cp)}, 1.0);
      }
    }
  }

  Info Group(int depth) {
    ++i_;  // '('
    if (!AtEnd() && p_[i_] == '?') {
      ++i_;
      if (!AtEnd() && (p_[i_] == '<' || (p_[i_] == 'P' && i_ + 1 < p_.size() && p_[i_ + 1] == '<'))) {
        while (!AtEnd() && p_[i_] != '>') ++i_;  // a named group
        if (AtEnd()) {
          Fail();
          return Info();
        }
        ++i_;
      } else {  // flags: (?i) (?-s) (?i:...) (?:...)
        while (!AtEnd() && p_[i_] != ')' && p_[i_] != ':') {
          const char f = p_[i_];
          if (f != 'i' && f != 'm' && f != 's' && f != 'U' && f != '-') {
            Fail();
            return Info();
          }
          ++i_;
        }
        if (AtEnd()) {
          Fail();
          return Info();
        }
        if (p_[i_++] == ')') return Exact({""}, 0.0);  // flags only
      }
    }
    Info inner = Alternation(depth + 1);
    if (!ok_ || AtEnd() || p_[i_] != ')') {
      Fail();
      return Info();
    }
    ++i_;
    return inner;
  }

  bool ReadChar(uint32_t* cp) {
    bool invalid = false;
    const char32_t c = DecodeUtf8(p_, &i_, &invalid);
    if (invalid) return Fail();
    if (c >= 0xD800 && c <= 0xDFFF) return Fail();
    *cp = static_cast<uint32_t>(c);
    return true;
  }

  // One escape: a character (`*cp`), a class (`*cp` a rough size of its
  // program) or an assertion. Returns false when not read.
  enum class Escaped { kChar, kClass, kEmpty };
  bool ReadEscape(bool in_class, Escaped* kind, uint32_t* cp) {
    if (i_ + 1 >= p_.size()) return Fail();
    const char c = p_[i_ + 1];
    i_ += 2;
    auto ch = [&](uint32_t v) {
      *kind = Escaped::kChar;
      *cp = v;
      return true;
    };
    switch (c) {
      case 'd':
      case 's':
      case 'w':
      case 'C':
        *kind = Escaped::kClass;
        *cp = 4;  // the size of its program, roughly
        return true;
      case 'D':
      case 'S':
      case 'W':
        *kind = Escaped::kClass;
        *cp = 30;
        return true;
      case 'p':
      case 'P':
        if (!AtEnd() && p_[i_] == '{') {
          while (!AtEnd() && p_[i_] != '}') ++i_;
          if (AtEnd()) return Fail();
          ++i_;
        } else {
          uint32_t ignored;
          if (AtEnd() || !ReadChar(&ignored)) return Fail();
        }
        *kind = Escaped::kClass;
        *cp = 500;
        return true;
      case 'b':
      case 'B':
      case 'A':
      case 'z':
        if (in_class) return Fail();
        *kind = Escaped::kEmpty;
        return true;
      case 'x': {
        uint32_t v = 0;
        if (!ReadPatternHexEscape(p_, &i_, &v)) return Fail();
        if (v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) return Fail();
        return ch(v);
      }
      default:
        break;
    }
    if (uint32_t v = 0; PatternControlEscape(c, &v)) return ch(v);
    if (c >= '0' && c <= '7') return ch(ReadPatternOctal(p_, &i_, c));  // up to three digits
    // Escaped punctuation stands for itself; other letters and digits
    // (\Q, \8, ...) are not read.
    const auto u = static_cast<unsigned char>(c);
    if (u < 128 && !std::isalnum(u)) return ch(u);
    return Fail();
  }

  Info Escape() {
    Escaped kind;
    uint32_t cp = 0;
    if (!ReadEscape(false, &kind, &cp)) return Info();
    if (kind == Escaped::kEmpty) return Exact({""}, 1.0);
    if (kind == Escaped::kClass) return Inexact(All(), static_cast<double>(cp));
    return Exact({FoldedChar(cp)}, 1.0);
  }

  // A bracketed class: exact when it has at most kMaxClassChars characters
  // and is not negated; otherwise any character.
  Info Class() {
    ++i_;  // '['
    bool negated = false;
    if (!AtEnd() && p_[i_] == '^') {
      negated = true;
      ++i_;
    }
    bool escapes = false;  // \d, \pL...: many characters
    std::vector<std::pair<uint32_t, uint32_t>> ranges;
    uint64_t chars = 0;
    bool first = true;
    for (;;) {
      if (AtEnd()) {
        Fail();
        return Info();
      }
      if (p_[i_] == ']' && !first) break;
      first = false;
      if (p_[i_] == '[' && i_ + 1 < p_.size() && p_[i_ + 1] == ':') {  // POSIX class
        Fail();
        return Info();
      }
      uint32_t lo = 0;
      bool is_char = false;
      if (!Member(&lo, &is_char, &escapes)) return Info();
      if (is_char && i_ + 1 < p_.size() && p_[i_] == '-' && p_[i_ + 1] != ']') {
        ++i_;
        uint32_t hi = 0;
        bool hi_char = false;
        if (!Member(&hi, &hi_char, &escapes)) return Info();
        if (!hi_char || hi < lo) {
          Fail();
          return Info();
        }
        ranges.emplace_back(lo, hi);
        chars += hi - lo + 1;
      } else if (is_char) {
        ranges.emplace_back(lo, lo);
        chars += 1;
      }
    }
    ++i_;  // ']'
    const double size = 2.0 + static_cast<double>(ranges.size()) + (escapes ? 500.0 : negated ? 20.0 : 0.0);
    if (negated || escapes || chars > kMaxClassChars) return Inexact(All(), size);
    Strings s;
    for (const auto& [lo, hi] : ranges)
      for (uint32_t c = lo; c <= hi; ++c) {
        if (c >= 0xD800 && c <= 0xDFFF) return Inexact(All(), size);
        s.push_back(FoldedChar(c));
      }
    Normalize(&s);
    return Exact(std::move(s), size);
  }

  // One member of a class: a character, or a class escape (`*escapes`).
  bool Member(uint32_t* cp, bool* is_char, bool* escapes) {
    *is_char = false;
    if (p_[i_] == '\\') {
      Escaped kind;
      if (!ReadEscape(true, &kind, cp)) return false;
      if (kind == Escaped::kClass) {
        *escapes = true;
        *cp = 0;
      }
      *is_char = kind == Escaped::kChar;
      return true;
    }
    if (!ReadChar(cp)) return false;
    *is_char = true;
    return true;
  }

  std::string_view p_;
  size_t min_atom_;
  size_t i_ = 0;
  bool ok_ = true;
};

}  // namespace

PatternAtoms ReadPatternAtoms(std::string_view pattern, size_t min_atom_bytes) {
  PatternAtoms out;
  Reader reader(pattern, min_atom_bytes);
  out.read = reader.Run(&out);
  if (!out.read) {
    out.requirement = All();
    out.size = 0.0;
  }
  return out;
}

PatternAtoms LiteralPatternAtoms(std::string_view literal, size_t min_atom_bytes) {
  PatternAtoms out;
  std::string folded;
  FoldForAtoms(literal, &folded);
  out.requirement = Reader(literal, min_atom_bytes).OrStrings(Strings{std::move(folded)});
  out.read = true;
  out.size = static_cast<double>(literal.size());
  return out;
}

}  // namespace internal
}  // namespace voc
