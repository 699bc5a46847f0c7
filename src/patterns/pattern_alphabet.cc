#include "patterns/pattern_alphabet.h"

#include <cstdint>

#include "patterns/pattern_syntax.h"

namespace voc {
namespace internal {
namespace {

using Ascii = std::bitset<128>;

void AddRange(uint32_t lo, uint32_t hi, Ascii* a) {
  for (uint32_t c = lo; c <= hi && c < 128; ++c) a->set(c);
}

Ascii Letters() {
  Ascii a;
  AddRange('a', 'z', &a);
  AddRange('A', 'Z', &a);
  return a;
}

// Adds the other case of every letter in `a`.
void FoldCases(Ascii* a) {
  for (uint32_t c = 'a'; c <= 'z'; ++c) {
    if ((*a)[c] || (*a)[c - 'a' + 'A']) {
      a->set(c);
      a->set(c - 'a' + 'A');
    }
  }
}

// One parsed element: the code points it may stand for, as an ASCII set and
// whether non-ASCII code points are among them.
struct Item {
  Ascii ascii;
  bool non_ascii = false;
  bool is_char = false;  // a single character (may start a class range)
  uint32_t cp = 0;       // the character, when is_char
};

Item Char(uint32_t cp) {
  Item it;
  it.is_char = true;
  it.cp = cp;
  if (cp < 128)
    it.ascii.set(cp);
  else
    it.non_ascii = true;
  return it;
}

Item Perl(char c) {
  Item it;
  switch (c | 0x20) {
    case 'd':
      AddRange('0', '9', &it.ascii);
      break;
    case 's':
      for (char s : {'\t', '\n', '\f', '\r', ' '}) it.ascii.set(static_cast<unsigned char>(s));
      break;
    default:  // w
      it.ascii = Letters();
      AddRange('0', '9', &it.ascii);
      it.ascii.set('_');
      break;
  }
  if (c >= 'A' && c <= 'Z') {  // \D \S \W: everything else, non-ASCII included
    it.ascii.flip();
    it.non_ascii = true;
  }
  return it;
}

// Reads the escape at p[*i] == '\\'. `in_class`: inside brackets, where the
// zero-width escapes are errors. Sets `*zero_width` for \b and \B.
bool ReadEscape(std::string_view p, size_t* i, bool in_class, Item* out, bool* zero_width) {
  *zero_width = false;
  if (*i + 1 >= p.size()) return false;
  const char c = p[*i + 1];
  *i += 2;
  switch (c) {
    case 'd':
    case 'D':
    case 's':
    case 'S':
    case 'w':
    case 'W':
      *out = Perl(c);
      return true;
    case 'b':
    case 'B':
      if (in_class) return false;
      *zero_width = true;
      return true;
    case 'x': {
      uint32_t v = 0;
      if (!ReadPatternHexEscape(p, i, &v)) return false;
      *out = Char(v);
      return true;
    }
    default:
      break;
  }
  if (uint32_t v = 0; PatternControlEscape(c, &v)) {
    *out = Char(v);
    return true;
  }
  if (c >= '0' && c <= '7') {  // octal, up to three digits
    *out = Char(ReadPatternOctal(p, i, c));
    return true;
  }
  // Any other escaped punctuation stands for itself; escaped letters and
  // digits not read above (\A \z \p \P \Q \C \8 ...) are not read.
  const auto u = static_cast<unsigned char>(c);
  if (u < 128 && !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) {
    *out = Char(u);
    return true;
  }
  return false;
}

// Reads one member of a bracketed class at p[*k]: a character or an escape.
bool ReadClassMember(std::string_view p, size_t* k, Item* out) {
  if (p[*k] == '\\') {
    bool zero_width;
    return ReadEscape(p, k, true, out, &zero_width);
  }
  uint32_t cp;
  if (!ReadPatternUtf8(p, k, &cp)) return false;
  *out = Char(cp);
  return true;
}

// Reads the bracketed class at p[*i] == '['.
bool ReadClass(std::string_view p, size_t* i, Item* out) {
  size_t k = *i + 1;
  bool negated = false;
  if (k < p.size() && p[k] == '^') {
    negated = true;
    ++k;
  }
  // The members as written: a negated class is complemented before the
  // letters' other cases are added, so that nothing it lets through is lost.
  Item members;
  bool first = true;
  for (;;) {
    if (k >= p.size()) return false;
    if (p[k] == ']' && !first) break;
    first = false;
    if (p[k] == '[' && k + 1 < p.size() && p[k + 1] == ':') return false;  // POSIX class
    Item lo;
    if (!ReadClassMember(p, &k, &lo)) return false;
    if (lo.is_char && k + 1 < p.size() && p[k] == '-' && p[k + 1] != ']') {
      ++k;
      Item hi;
      if (!ReadClassMember(p, &k, &hi)) return false;
      if (!hi.is_char || hi.cp < lo.cp) return false;
      AddRange(lo.cp, hi.cp, &members.ascii);
      if (hi.cp >= 128) members.non_ascii = true;
      continue;
    }
    members.ascii |= lo.ascii;
    members.non_ascii |= lo.non_ascii;
  }
  *i = k + 1;
  *out = Item();
  if (negated) {
    out->ascii = ~members.ascii;
    out->non_ascii = true;
  } else {
    *out = members;
    out->is_char = false;
  }
  return true;
}

}  // namespace

bool MatchAlphabet(std::string_view p, Ascii* ascii) {
  Ascii a;
  bool non_ascii = false;
  size_t i = 0;
  while (i < p.size()) {
    const char c = p[i];
    Item it;
    switch (c) {
      case '\\': {
        bool zero_width;
        if (!ReadEscape(p, &i, false, &it, &zero_width)) return false;
        if (zero_width) continue;
        break;
      }
      case '[':
        if (!ReadClass(p, &i, &it)) return false;
        break;
      case '.':  // any character, a newline too under (?s)
        it.ascii.set();
        it.non_ascii = true;
        ++i;
        break;
      case '^':
      case '$':
        return false;
      case '(':
        ++i;
        if (i < p.size() && p[i] == '?') {
          ++i;
          if (i < p.size() && (p[i] == 'P' || p[i] == '<')) {  // a named group
            while (i < p.size() && p[i] != '>') ++i;
            if (i == p.size()) return false;
            ++i;
          } else {  // flags: (?i) (?-s) (?i:...) (?:...)
            while (i < p.size() && p[i] != ')' && p[i] != ':') {
              if (p[i] != 'i' && p[i] != 'm' && p[i] != 's' && p[i] != 'U' && p[i] != '-') return false;
              ++i;
            }
            if (i == p.size()) return false;
            ++i;
          }
        }
        continue;
      case ')':
      case '|':
      case '*':
      case '+':
      case '?':
        ++i;
        continue;
      case '{': {  // a repeat {n}, {n,}, {n,m}; otherwise a literal brace
        size_t k = i + 1;
        while (k < p.size() && ((p[k] >= '0' && p[k] <= '9') || p[k] == ',')) ++k;
        if (k < p.size() && p[k] == '}' && k > i + 1 && p[i + 1] != ',') {
          i = k + 1;
          continue;
        }
        it = Char('{');
        ++i;
        break;
      }
      default: {
        uint32_t cp;
        if (!ReadPatternUtf8(p, &i, &cp)) return false;
        it = Char(cp);
        break;
      }
    }
    a |= it.ascii;
    non_ascii |= it.non_ascii;
  }
  FoldCases(&a);
  if (non_ascii) a |= Letters();
  *ascii = a;
  return true;
}

}  // namespace internal
}  // namespace voc
