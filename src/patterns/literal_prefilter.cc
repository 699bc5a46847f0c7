#include "patterns/literal_prefilter.h"

#include <re2/re2.h>
#include <re2/set.h>
#include <unicode/uchar.h>

#include <algorithm>
#include <bitset>
#include <cctype>
#include <cstring>
#include <limits>

#include "util/bulk_allocator.h"
#include "patterns/pattern_alphabet.h"
#include "patterns/pattern_length.h"
#include "patterns/pattern_syntax.h"
#include "util/utf8_util.h"

namespace voc {
namespace internal {

namespace {

// Atoms shorter than this count as found in every text (the patterns needing
// them become candidates for more texts): one- and two-letter atoms occur in
// nearly every text and only cost table lookups.
constexpr int kMinAtomLength = 3;

char32_t FoldCodePoint(char32_t cp) {
  return static_cast<char32_t>(u_foldCase(u_tolower(static_cast<UChar32>(cp)), U_FOLD_CASE_DEFAULT));
}

}  // namespace

std::string Latin1SearchPattern(std::string_view pattern) {
  if (IsAsciiBytes(pattern)) return std::string(pattern);
  if (pattern.find("\\Q") != std::string_view::npos) return {};  // quoted: no escapes there
  std::string out;
  size_t i = 0;
  while (i < pattern.size()) {
    const auto b = static_cast<unsigned char>(pattern[i]);
    if (b < 0x80) {
      out.push_back(static_cast<char>(b));
      ++i;
      continue;
    }
    bool invalid = false;
    const size_t from = i;
    const char32_t cp = DecodeUtf8(pattern, &i, &invalid);
    // A range endpoint (next to '-'), an escaped character, or a letter
    // that folds to an ASCII one: no Latin-1 form.
    if (invalid || cp == 0x17F || cp == 0x212A ||
        (from > 0 && (pattern[from - 1] == '-' || pattern[from - 1] == '\\')) ||
        (i < pattern.size() && pattern[i] == '-'))
      return {};
    out += "\\x{FF}";
  }
  return out;
}

namespace {

// The escape Latin1SearchPattern writes for a non-ASCII character (one no
// ASCII byte is, in either case).
constexpr std::string_view kNonAscii = "\\x{FF}";

// For LowercaseSearchPattern: the escapes it keeps as written, whose meaning
// does not depend on case over ASCII bytes (Perl classes, assertions,
// control characters; an escaped punctuation byte is that byte).
bool KeptEscape(char e) {
  const auto c = static_cast<unsigned char>(e);
  if (c >= 0x80) return false;
  if (!std::isalnum(c)) return true;
  return std::strchr("dDwWsSbBAzafnrtv", c) != nullptr;
}

// Reads one class character at `p[*i]` (a byte or an escape RE2 reads as
// one byte); false on an escape it does not know.
bool ReadClassChar(std::string_view p, size_t* i, unsigned char* out) {
  if (p[*i] != '\\') {
    *out = static_cast<unsigned char>(p[(*i)++]);
    return true;
  }
  if (p.substr(*i, kNonAscii.size()) == kNonAscii) {
    *out = 0xFF;
    *i += kNonAscii.size();
    return true;
  }
  if (*i + 1 >= p.size()) return false;
  const char e = p[*i + 1];
  if (uint32_t control = 0; PatternControlEscape(e, &control)) {
    *out = static_cast<unsigned char>(control);
  } else if (std::isalnum(static_cast<unsigned char>(e)) || static_cast<unsigned char>(e) >= 0x80) {
    return false;  // octal, \x, \p, or no escape of a class character
  } else {
    *out = static_cast<unsigned char>(e);
  }
  *i += 2;
  return true;
}

// Appends class character `c` to `out` as RE2 reads it anywhere in a class.
void AppendClassChar(unsigned char c, std::string* out) {
  if (c >= 0x80) {  // (only 0xFF is read)
    out->append(kNonAscii);
    return;
  }
  if (c >= 0x20 && c < 0x7F && !std::isalnum(c)) out->push_back('\\');
  out->push_back(static_cast<char>(c));
}

// Rewrites the class at `p[*i]` ('[') for LowercaseSearchPattern, as RE2
// parses it (a ']' first is a member, a '-' first, last or after a range
// is one): the same members written out, and the lower-case image of its
// upper-case letters added (before a negation, as (?i) does). False on
// what it does not read: POSIX classes, \p, escapes that are no byte.
bool LowerClass(std::string_view p, size_t* i, std::string* out) {
  size_t j = *i + 1;
  out->push_back('[');
  if (j < p.size() && p[j] == '^') {
    out->push_back('^');
    ++j;
  }
  std::bitset<26> lower;  // letters to add
  for (bool first = true; j < p.size() && (p[j] != ']' || first); first = false) {
    if (p[j] == '[' && j + 1 < p.size() && p[j + 1] == ':') return false;
    if (p[j] == '\\' && j + 1 < p.size() && std::strchr("dDwWsS", p[j + 1]) != nullptr && p[j + 1] != 0) {
      out->append(p.substr(j, 2));  // holds both cases of each letter or neither
      j += 2;
      continue;
    }
    unsigned char lo = 0, hi = 0;
    if (!ReadClassChar(p, &j, &lo)) return false;
    hi = lo;
    if (j + 1 < p.size() && p[j] == '-' && p[j + 1] != ']') {
      ++j;
      if (!ReadClassChar(p, &j, &hi) || hi < lo) return false;
    }
    AppendClassChar(lo, out);
    if (hi != lo) {
      out->push_back('-');
      AppendClassChar(hi, out);
    }
    for (unsigned c = std::max<unsigned>(lo, 'A'); c <= std::min<unsigned>(hi, 'Z'); ++c) lower.set(c - 'A');
  }
  if (j >= p.size()) return false;  // unterminated
  for (size_t c = 0; c < 26;) {     // in runs: a-z
    if (!lower[c]) {
      ++c;
      continue;
    }
    size_t e = c;
    while (e + 1 < 26 && lower[e + 1]) ++e;
    out->push_back(static_cast<char>('a' + c));
    if (e > c) {
      out->push_back('-');
      out->push_back(static_cast<char>('a' + e));
    }
    c = e + 1;
  }
  out->push_back(']');
  *i = j + 1;
  return true;
}

}  // namespace

std::string LowercaseSearchPattern(std::string_view pattern, bool fold_case) {
  constexpr std::string_view kFold = "(?i)";
  if (pattern.substr(0, kFold.size()) == kFold) {
    pattern.remove_prefix(kFold.size());
    fold_case = true;
  }
  if (!fold_case || !IsAsciiBytes(pattern)) return {};
  std::string out;
  out.reserve(pattern.size() + 8);
  size_t i = 0;
  while (i < pattern.size()) {
    const char c = pattern[i];
    if (pattern.substr(i, kNonAscii.size()) == kNonAscii) {
      out.append(kNonAscii);
      i += kNonAscii.size();
    } else if (c == '\\') {
      if (i + 1 >= pattern.size() || !KeptEscape(pattern[i + 1])) return {};
      out.append(pattern.substr(i, 2));
      i += 2;
    } else if (c == '[') {
      if (!LowerClass(pattern, &i, &out)) return {};
    } else if (c == '(' && pattern.substr(i + 1, 1) == "?") {
      // A non-capturing or a named group (its name as written); flags are
      // not read.
      const std::string_view rest = pattern.substr(i);
      size_t len = 0;
      if (rest.substr(0, 3) == "(?:") {
        len = 3;
      } else if (rest.substr(0, 4) == "(?P<" ||
                 (rest.substr(0, 3) == "(?<" && rest.substr(3, 1) != "=" && rest.substr(3, 1) != "!")) {
        len = rest.find('>');
        if (len == std::string_view::npos) return {};
        ++len;
      } else {
        return {};
      }
      out.append(rest.substr(0, len));
      i += len;
    } else {
      out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c + ('a' - 'A')) : c);
      ++i;
    }
  }
  return out;
}

void LowercaseAscii(std::string_view text, char* out) {
  size_t i = 0;
  for (; i + 8 <= text.size(); i += 8) {  // eight bytes at a time
    uint64_t w;
    std::memcpy(&w, text.data() + i, 8);
    w = LowerAsciiBytes(w);
    std::memcpy(out + i, &w, 8);
  }
  for (; i < text.size(); ++i) {
    const auto b = static_cast<unsigned char>(text[i]);
    out[i] = static_cast<char>(b | (static_cast<unsigned>(b - 'A') < 26u ? 0x20 : 0));
  }
}

bool FoldForAtoms(std::string_view text, std::string* out) {
  out->clear();
  if (IsAsciiBytes(text)) {  // most texts: lowercase in place of a copy
    out->resize(text.size());
    LowercaseAscii(text, out->data());
    return true;
  }
  out->reserve(text.size());
  bool same_offsets = true;
  size_t i = 0;
  while (i < text.size()) {
    const auto b = static_cast<unsigned char>(text[i]);
    if (b < 0x80) {
      out->push_back(static_cast<char>(b >= 'A' && b <= 'Z' ? b + ('a' - 'A') : b));
      ++i;
      continue;
    }
    bool invalid = false;
    const size_t from = i, at = out->size();
    char32_t cp = DecodeUtf8(text, &i, &invalid);
    // A malformed byte cannot be part of any pattern's literal: the U+FFFD
    // written for it can only add candidates.
    AppendUtf8(invalid ? cp : FoldCodePoint(cp), out);
    if (out->size() - at != i - from) same_offsets = false;
  }
  return same_offsets;
}

AtomMatcher::AtomMatcher() = default;
AtomMatcher::~AtomMatcher() = default;
AtomMatcher::AtomMatcher(AtomMatcher&&) noexcept = default;
AtomMatcher& AtomMatcher::operator=(AtomMatcher&&) noexcept = default;

namespace {

// Builds the Aho-Corasick automaton of the first `prefix` bytes of each atom.
// `out[state]` lists the atoms whose (truncated) string ends at the state.
// Returns the full transition table, state * classes + class -> state.
using Transitions = std::vector<uint32_t, BulkAllocator<uint32_t>>;

Transitions BuildAutomaton(const std::vector<std::string>& atoms, size_t prefix, const uint8_t* byte_class,
                           size_t k, std::vector<std::vector<int>>* out) {
  constexpr uint32_t kNone = std::numeric_limits<uint32_t>::max();
  // The trie, level by level, so that the shallow states most bytes of a
  // text visit are numbered first and share cache lines.
  // At most one state per byte of each atom's prefix: room for all of them
  // up front, in one pre-faulted block (no more than the 15-bit state ids
  // allow; a larger trie grows as a vector does and is rebuilt with a
  // shorter prefix).
  size_t bound = 1;
  for (const std::string& a : atoms) bound += std::min(a.size(), prefix);
  Transitions next;
  next.reserve(std::min<size_t>(bound, AtomMatcher::kMaxStates + 1) * k);
  next.assign(k, kNone);
  out->assign(1, {});
  size_t longest = 0;
  for (const std::string& a : atoms) longest = std::max(longest, std::min(a.size(), prefix));
  std::vector<uint32_t> at(atoms.size(), 0);
  for (size_t ai = 0; ai < atoms.size(); ++ai)
    if (atoms[ai].empty()) (*out)[0].push_back(static_cast<int>(ai));
  for (size_t depth = 0; depth < longest; ++depth) {
    for (size_t ai = 0; ai < atoms.size(); ++ai) {
      const size_t len = std::min(atoms[ai].size(), prefix);
      if (len <= depth) continue;
      const size_t cell = at[ai] * k + byte_class[static_cast<unsigned char>(atoms[ai][depth])];
      if (next[cell] == kNone) {
        next[cell] = static_cast<uint32_t>(out->size());
        out->emplace_back();
        next.resize(next.size() + k, kNone);
      }
      at[ai] = next[cell];
      if (len == depth + 1) (*out)[at[ai]].push_back(static_cast<int>(ai));
    }
  }
  // Breadth-first: failure links, inherited outputs, full transitions.
  std::vector<uint32_t> fail(out->size(), 0);
  std::vector<uint32_t> queue;
  for (size_t c = 0; c < k; ++c) {
    if (next[c] == kNone) {
      next[c] = 0;
    } else {
      queue.push_back(next[c]);
    }
  }
  for (size_t qi = 0; qi < queue.size(); ++qi) {
    const uint32_t s = queue[qi];
    const std::vector<int>& inherited = (*out)[fail[s]];  // fail[s] != s
    (*out)[s].insert((*out)[s].end(), inherited.begin(), inherited.end());
    for (size_t c = 0; c < k; ++c) {
      const uint32_t via_fail = next[fail[s] * k + c];
      uint32_t& t = next[s * k + c];
      if (t == kNone) {
        t = via_fail;
      } else {
        fail[t] = via_fail;
        queue.push_back(t);
      }
    }
  }
  return next;
}

}  // namespace

AtomMatcher::AtomMatcher(const std::vector<std::string>& atoms) : atoms_(atoms) {
  // Bytes that occur in some atom get a class each; every other byte shares
  // class 0, which always leads back to the root.
  for (const std::string& a : atoms)
    for (unsigned char c : a)
      if (byte_class_[c] == 0) byte_class_[c] = static_cast<uint8_t>(classes_++);
  const size_t k = static_cast<size_t>(classes_);
  // The automaton matches atom prefixes of at most kMaxPrefix bytes (shorter
  // when there are too many states for 15-bit ids); the rest of a longer
  // atom is compared when its prefix is found. Short prefixes keep the table
  // small enough to stay in cache.
  std::vector<std::vector<int>> out;
  Transitions next;
  for (prefix_ = kMaxPrefix;; --prefix_) {
    next = BuildAutomaton(atoms, prefix_, byte_class_, k, &out);
    if (out.size() <= kMaxStates || prefix_ == 1) break;
  }
  table_.resize(next.size());
  for (size_t i = 0; i < next.size(); ++i)
    table_[i] = static_cast<uint16_t>(next[i] | (out[next[i]].empty() ? 0 : kHasOutput));
  outputs_begin_.reserve(out.size() + 1);
  for (auto& o : out) {
    std::sort(o.begin(), o.end());
    o.erase(std::unique(o.begin(), o.end()), o.end());
    outputs_begin_.push_back(static_cast<uint32_t>(outputs_.size()));
    outputs_.insert(outputs_.end(), o.begin(), o.end());
  }
  outputs_begin_.push_back(static_cast<uint32_t>(outputs_.size()));
}

bool AtomMatcher::Find(std::string_view text, std::vector<int>* found, std::vector<Occurrence>* occurrences,
                       size_t max_occurrences) const {
  if (table_.empty()) return true;
  bool complete = true;
  const size_t k = static_cast<size_t>(classes_);
  const uint16_t* table = table_.data();
  // The scan only notes where it reaches a state with atoms (the note is
  // written for every byte and kept when the state has atoms: no branch to
  // mispredict); the atoms of those states are checked after each block of
  // text. Atoms found are listed when first found; a few are sorted, more
  // are read out of their bits (below), in increasing order either way.
  constexpr size_t kBlock = 4096;
  // (end of the prefix in the block << 16) | state; one array per half.
  uint32_t hit_a[kBlock / 2 + kMaxPrefix + 1];
  uint32_t hit_b[kBlock / 2 + 1];
  thread_local std::vector<uint64_t> bits;
  const size_t words = (atoms_.size() + 63) / 64;
  if (bits.size() < words) bits.resize(words, 0);
  uint64_t* seen = bits.data();
  const size_t first_found = found->size();
  auto report = [&](size_t begin, const uint32_t* h, size_t n) {
    for (; n > 0; ++h, --n) {
      const size_t st = static_cast<size_t>(*h & 0xFFFF);
      const size_t end = begin + static_cast<size_t>(*h >> 16);
      for (uint32_t o = outputs_begin_[st]; o < outputs_begin_[st + 1]; ++o) {
        const auto ai = static_cast<size_t>(outputs_[o]);
        const uint64_t bit = uint64_t{1} << (ai % 64);
        if (occurrences == nullptr && (seen[ai / 64] & bit)) continue;
        const std::string& a = atoms_[ai];
        const size_t start = end - std::min(a.size(), prefix_);
        if (a.size() > prefix_) {  // compare the rest of a longer atom (a few bytes)
          if (a.size() > text.size() - start) continue;
          size_t k = prefix_;
          while (k < a.size() && a[k] == text[start + k]) ++k;
          if (k < a.size()) continue;
        }
        if (!(seen[ai / 64] & bit)) {
          seen[ai / 64] |= bit;
          found->push_back(static_cast<int>(ai));
        }
        if (occurrences == nullptr) continue;
        if (occurrences->size() < max_occurrences)
          occurrences->push_back({static_cast<uint32_t>(start), static_cast<int>(ai)});
        else
          complete = false;
      }
    }
  };
  if (outputs_begin_[0] != outputs_begin_[1]) {  // atoms found everywhere
    hit_a[0] = 0;
    report(0, hit_a, 1);
  }
  static_assert(kHasOutput == 0x8000, "the output flag is the top bit");
  // One step of a scan from `state` over byte `i` of the block at `begin`.
  auto step = [&](size_t& state, size_t i, size_t begin, uint32_t* hit, size_t& n) {
    const uint16_t e = table[state * k + byte_class_[static_cast<unsigned char>(text[i])]];
    state = e & kStateMask;
    hit[n] = static_cast<uint32_t>((i + 1 - begin) << 16 | state);
    n += e >> 15;
  };
  size_t state = 0;
  for (size_t begin = 0; begin < text.size(); begin += kBlock) {
    const size_t end = std::min(text.size(), begin + kBlock);
    size_t na = 0, nb = 0;
    if (end - begin < 2 * kMinHalf) {
      for (size_t i = begin; i < end; ++i) step(state, i, begin, hit_a, na);
    } else {
      // The two halves of the block in one loop: two independent chains of
      // table lookups, whose cache misses overlap. The second half starts
      // at the root, so the first runs on until every prefix that starts in
      // it has ended (kMaxPrefix - 1 bytes into the second); the second is
      // at least kMinHalf >= kMaxPrefix bytes long, so it ends in the state
      // one pass would have reached, which the next block continues from.
      const size_t mid = begin + (end - begin) / 2;
      const size_t a_end = std::min(end, mid + prefix_ - 1);
      size_t sa = state, sb = 0, i = begin, j = mid;
      for (; i < a_end && j < end; ++i, ++j) {
        step(sa, i, begin, hit_a, na);
        step(sb, j, begin, hit_b, nb);
      }
      for (; i < a_end; ++i) step(sa, i, begin, hit_a, na);
      for (; j < end; ++j) step(sb, j, begin, hit_b, nb);
      state = sb;
    }
    report(begin, hit_a, na);
    report(begin, hit_b, nb);
  }
  // The atoms found, in increasing order: a few are sorted (a short text
  // holds a dozen of the thousands of atoms), more are read out of the bits.
  const auto first = found->begin() + static_cast<std::ptrdiff_t>(first_found);
  if (static_cast<size_t>(found->end() - first) * 4 <= words) {
    std::sort(first, found->end());
    for (auto f = first; f != found->end(); ++f) seen[static_cast<size_t>(*f) / 64] = 0;
  } else {
    found->resize(first_found);
    for (size_t w = 0; w < words; ++w) {
      for (uint64_t m = seen[w]; m != 0; m &= m - 1)
        found->push_back(static_cast<int>(w * 64 + static_cast<size_t>(__builtin_ctzll(m))));
      seen[w] = 0;
    }
  }
  return complete;
}

LiteralPrefilter::LiteralPrefilter() = default;
LiteralPrefilter::~LiteralPrefilter() = default;

// A leading (?i) only folds case, on which no syntax error depends, and
// parsing with it costs four times as much.
bool PatternParses(std::string_view pattern, RE2::Options options) {
  constexpr std::string_view kFold = "(?i)";
  if (pattern.substr(0, kFold.size()) == kFold) pattern.remove_prefix(kFold.size());
  options.set_case_sensitive(true);
  RE2::Set set(options, RE2::UNANCHORED);
  return set.Add(re2::StringPiece(pattern.data(), pattern.size()), nullptr) >= 0;
}

namespace {

// Patterns whose compiled program may be this large (PatternAtoms::size) are
// compiled when added, so that one over RE2's memory budget is refused then
// (the built-in patterns are below a thousand).
constexpr double kCompileWhenAdded = 5000.0;

}  // namespace

int LiteralPrefilter::Add(const std::string& pattern, const RE2::Options& options, std::string* error) {
  auto p = std::make_unique<Pattern>();
  p->text = pattern;
  p->options = options;
  p->options.set_log_errors(false);
  if (!PatternParses(pattern, p->options)) {
    RE2 re(pattern, p->options);
    if (!re.ok()) {
      *error = re.error().empty() ? "invalid pattern" : re.error();
      return -1;
    }
  }
  PatternAtoms atoms;
  if (p->options.literal()) {
    atoms = LiteralPatternAtoms(pattern, kMinAtomLength);
  } else if (!p->options.posix_syntax() && p->options.encoding() == RE2::Options::EncodingUTF8) {
    atoms = ReadPatternAtoms(pattern, kMinAtomLength);
  }
  if (!atoms.read || atoms.size > kCompileWhenAdded) {
    Pattern& q = *p;
    std::call_once(q.once, [&q] {
      q.re = std::make_unique<RE2>(q.text, q.options);
      q.ready.store(true, std::memory_order_release);
    });
    if (!q.re->ok()) {
      *error = q.re->error().empty() ? "invalid pattern" : q.re->error();
      return -1;
    }
  }
  if (p->options.encoding() == RE2::Options::EncodingUTF8 && !p->options.literal())
    p->latin1.text = Latin1SearchPattern(pattern);
  else if (p->options.encoding() == RE2::Options::EncodingUTF8 && IsAsciiBytes(pattern))
    p->latin1.text = pattern;
  if (!p->latin1.text.empty() && !p->options.literal() && !p->options.posix_syntax())
    p->lowered.text = LowercaseSearchPattern(p->latin1.text, !p->options.case_sensitive());
  p->requirement = std::move(atoms.requirement);
  patterns_.push_back(std::move(p));
  return count_++;
}

const RE2& LiteralPrefilter::regex(int i) const {
  Pattern& p = *patterns_[static_cast<size_t>(i)];
  std::call_once(p.once, [&p] {
    p.re = std::make_unique<RE2>(p.text, p.options);
    p.ready.store(true, std::memory_order_release);
  });
  return *p.re;
}

const RE2* LiteralPrefilter::CompileForm(Pattern::Form* f, const RE2::Options& options, bool case_sensitive) {
  if (f->text.empty()) return nullptr;
  std::call_once(f->once, [f, &options, case_sensitive] {
    RE2::Options o = options;
    o.set_encoding(RE2::Options::EncodingLatin1);
    o.set_case_sensitive(case_sensitive);
    auto re = std::make_unique<RE2>(f->text, o);
    if (re->ok()) f->re = std::move(re);
    f->ready.store(true, std::memory_order_release);
  });
  return f->re.get();
}

const RE2* LiteralPrefilter::latin1_regex(int i) const {
  Pattern& p = *patterns_[static_cast<size_t>(i)];
  return CompileForm(&p.latin1, p.options, p.options.case_sensitive());
}

const RE2* LiteralPrefilter::lowered_regex(int i) const {
  Pattern& p = *patterns_[static_cast<size_t>(i)];
  return CompileForm(&p.lowered, p.options, true);
}

bool LiteralPrefilter::lowered_compiled(int i) const {
  return patterns_[static_cast<size_t>(i)]->lowered.ready.load(std::memory_order_acquire);
}

bool LiteralPrefilter::SearchRange(int i, const TextAtoms& atoms, re2::StringPiece text, size_t begin,
                                   size_t end, re2::StringPiece* match) const {
  if (begin <= end && !patterns_[static_cast<size_t>(i)]->latin1.text.empty()) {
    const bool whole = text.data() == atoms.text.data() && text.size() == atoms.text.size();
    if ((whole && atoms.ascii) || IsAsciiBytes(std::string_view(text.data() + begin, end - begin))) {
      // The lowercased bytes, when the folded text keeps the offsets: its
      // bytes around the range are as ASCII (or not) as the text's, so \b,
      // ^ and $ read the same there.
      const RE2* lowered = whole && atoms.same_offsets ? lowered_regex(i) : nullptr;
      if (lowered != nullptr) {
        const re2::StringPiece folded(atoms.folded.data(), atoms.folded.size());
        if (!lowered->Match(folded, begin, end, RE2::UNANCHORED, match, 1)) return false;
        if (match != nullptr)
          *match = re2::StringPiece(text.data() + (match->data() - folded.data()), match->size());
        return true;
      }
      if (const RE2* re = latin1_regex(i)) return re->Match(text, begin, end, RE2::UNANCHORED, match, 1);
    }
  }
  return regex(i).Match(text, begin, end, RE2::UNANCHORED, match, 1);
}

bool LiteralPrefilter::latin1_compiled(int i) const {
  return patterns_[static_cast<size_t>(i)]->latin1.ready.load(std::memory_order_acquire);
}

bool LiteralPrefilter::compiled(int i) const {
  return patterns_[static_cast<size_t>(i)]->ready.load(std::memory_order_acquire);
}

int LiteralPrefilter::AddNode(const AtomRequirement& r, std::unordered_map<std::string, int>* atom_ids,
                              std::vector<std::string>* atoms) {
  if (r.op == AtomRequirement::Op::kAtom) {
    auto [it, added] = atom_ids->emplace(r.atom, static_cast<int>(atoms->size()));
    if (added) atoms->push_back(r.atom);
    nodes_.push_back({r.op, it->second, 0, 0, 0, 0});
    return static_cast<int>(nodes_.size()) - 1;
  }
  std::vector<int> subs;
  for (const AtomRequirement& s : r.subs) subs.push_back(AddNode(s, atom_ids, atoms));
  const auto begin = static_cast<uint32_t>(children_.size());
  children_.insert(children_.end(), subs.begin(), subs.end());
  nodes_.push_back({r.op, -1, begin, static_cast<uint32_t>(children_.size()), 0, 0});
  return static_cast<int>(nodes_.size()) - 1;
}

void LiteralPrefilter::Compile() {
  if (compiled_ || count_ == 0) return;
  std::unordered_map<std::string, int> atom_ids;
  root_.assign(static_cast<size_t>(count_), -1);
  for (int i = 0; i < count_; ++i) {
    Pattern& p = *patterns_[static_cast<size_t>(i)];
    if (p.requirement.op == AtomRequirement::Op::kAll) {
      always_.push_back(i);
    } else {
      root_[static_cast<size_t>(i)] = AddNode(p.requirement, &atom_ids, &atoms_);
    }
    p.requirement = AtomRequirement();
  }
  matcher_ = AtomMatcher(atoms_);
  // Each pattern's witness atoms (for Search).
  std::vector<int> w;
  witness_begin_.push_back(0);
  for (int i = 0; i < count_; ++i) {
    const int root = root_[static_cast<size_t>(i)];
    w.clear();
    if (root >= 0) Witness(root, &w);  // (every compiled requirement has one)
    std::sort(w.begin(), w.end());
    w.erase(std::unique(w.begin(), w.end()), w.end());
    witness_.insert(witness_.end(), w.begin(), w.end());
    witness_begin_.push_back(static_cast<uint32_t>(witness_.size()));
  }
  // For Holds: each node's parent, root and count of children that must
  // hold, and the leaves of each atom.
  parent_.assign(nodes_.size(), -1);
  for (size_t n = 0; n < nodes_.size(); ++n)
    for (uint32_t c = nodes_[n].begin; c < nodes_[n].end; ++c)
      parent_[static_cast<size_t>(children_[c])] = static_cast<int>(n);
  needed_.resize(nodes_.size());
  node_root_.resize(nodes_.size());
  std::vector<std::vector<int>> leaves(atoms_.size());
  for (size_t n = 0; n < nodes_.size(); ++n) {
    needed_[n] = nodes_[n].op == AtomRequirement::Op::kAnd ? nodes_[n].end - nodes_[n].begin : 1;
    int r = static_cast<int>(n);
    while (parent_[static_cast<size_t>(r)] >= 0) r = parent_[static_cast<size_t>(r)];
    node_root_[n] = r;
    if (nodes_[n].op == AtomRequirement::Op::kAtom)
      leaves[static_cast<size_t>(nodes_[n].atom)].push_back(static_cast<int>(n));
  }
  atom_leaves_begin_.push_back(0);
  for (const auto& list : leaves) {
    atom_leaves_.insert(atom_leaves_.end(), list.begin(), list.end());
    atom_leaves_begin_.push_back(static_cast<uint32_t>(atom_leaves_.size()));
  }
  // For Meets: the children of an AND, an atom leaf written ~atom (its bit
  // is tested without reading its node); the children of an OR that are
  // not atoms (its atom children are held when the atom's OR parents are
  // marked); the OR parents of each atom.
  std::vector<std::vector<int>> or_parents(atoms_.size());
  std::vector<int> branches;
  for (size_t n = 0; n < nodes_.size(); ++n) {
    Node& node = nodes_[n];
    node.branches_begin = static_cast<uint32_t>(branches.size());
    for (uint32_t c = node.begin; c < node.end; ++c) {
      const int child = children_[c];
      const Node& leaf = nodes_[static_cast<size_t>(child)];
      if (leaf.op != AtomRequirement::Op::kAtom) {
        branches.push_back(child);
      } else if (node.op == AtomRequirement::Op::kOr) {
        or_parents[static_cast<size_t>(leaf.atom)].push_back(static_cast<int>(n));
      } else {
        branches.push_back(~leaf.atom);
      }
    }
    node.branches_end = static_cast<uint32_t>(branches.size());
  }
  // The patterns each atom is a witness of (a pattern whose requirement a
  // text meets holds one of its witness atoms), for Candidates; and the
  // patterns without witness atoms, whose requirement is evaluated for every
  // text.
  std::vector<uint32_t> per_atom(atoms_.size() + 1, 0);
  for (int i = 0; i < count_; ++i) {
    const auto k = static_cast<size_t>(i);
    if (root_[k] >= 0 && witness_begin_[k] == witness_begin_[k + 1]) unwitnessed_.push_back(i);
    for (uint32_t w = witness_begin_[k]; w < witness_begin_[k + 1]; ++w)
      ++per_atom[static_cast<size_t>(witness_[w])];
  }
  witnessed_begin_.assign(atoms_.size() + 1, 0);
  for (size_t a = 0; a < atoms_.size(); ++a) witnessed_begin_[a + 1] = witnessed_begin_[a] + per_atom[a];
  witnessed_.resize(witness_.size());
  std::vector<uint32_t> fill(witnessed_begin_.begin(), witnessed_begin_.end() - 1);
  for (int i = 0; i < count_; ++i) {
    const auto k = static_cast<size_t>(i);
    for (uint32_t w = witness_begin_[k]; w < witness_begin_[k + 1]; ++w)
      witnessed_[fill[static_cast<size_t>(witness_[w])]++] = i;
  }
  branches_ = std::move(branches);
  or_parents_begin_.push_back(0);
  for (const std::vector<int>& list : or_parents) {
    or_parents_.insert(or_parents_.end(), list.begin(), list.end());
    or_parents_begin_.push_back(static_cast<uint32_t>(or_parents_.size()));
  }
  scope_once_ = std::make_unique<std::once_flag[]>(static_cast<size_t>(count_));
  scope_ready_ = std::make_unique<std::atomic<bool>[]>(static_cast<size_t>(count_));
  scopes_ = std::make_unique<Scope[]>(static_cast<size_t>(count_));
  unfiltered_ = static_cast<int>(always_.size());
  compiled_ = true;
}

LiteralPrefilter::Evaluation& LiteralPrefilter::MarkAtoms(const std::vector<int>& atoms) const {
  thread_local Evaluation e;
  if (e.bits.size() < (atoms_.size() + 63) / 64) e.bits.resize((atoms_.size() + 63) / 64, 0);
  if (e.held.size() < nodes_.size()) e.held.resize(nodes_.size(), 0);
  if (e.seen.size() < patterns_.size()) e.seen.resize(patterns_.size(), 0);
  // Marks of a byte keep the arrays small enough to stay in cache; they are
  // cleared when the numbers wrap.
  if (++e.mark == 0) {
    std::fill(e.held.begin(), e.held.end(), 0);
    std::fill(e.seen.begin(), e.seen.end(), 0);
    e.mark = 1;
  }
  for (int a : atoms) {
    const auto u = static_cast<size_t>(a);
    e.bits[u / 64] |= uint64_t{1} << (u % 64);
    for (uint32_t o = or_parents_begin_[u]; o < or_parents_begin_[u + 1]; ++o)
      e.held[static_cast<size_t>(or_parents_[o])] = e.mark;
  }
  return e;
}

void LiteralPrefilter::Unmark(const std::vector<int>& atoms, Evaluation* e) {
  for (int a : atoms) e->bits[static_cast<size_t>(a) / 64] = 0;
}

bool LiteralPrefilter::Holds(int root, const std::vector<int>& atoms) const {
  // A leaf or an OR holds when one child does, an AND when all do. count_of
  // counts them: the call's number in the high half, the count in the low
  // (an entry of an earlier call counts none), so nothing is cleared.
  thread_local std::vector<uint64_t> count_of;
  thread_local uint32_t call = 0;
  if (count_of.size() < nodes_.size()) count_of.resize(nodes_.size(), 0);
  if (++call == 0) {  // the numbers wrapped: start over
    std::fill(count_of.begin(), count_of.end(), 0);
    call = 1;
  }
  const uint64_t none = uint64_t{call} << 32;
  for (int a : atoms) {
    const auto u = static_cast<size_t>(a);
    for (uint32_t l = atom_leaves_begin_[u]; l < atom_leaves_begin_[u + 1]; ++l) {
      if (node_root_[static_cast<size_t>(atom_leaves_[l])] != root) continue;
      for (int n = atom_leaves_[l]; n >= 0; n = parent_[static_cast<size_t>(n)]) {
        uint64_t& c = count_of[static_cast<size_t>(n)];
        if (c < none) c = none;
        const uint32_t needed = needed_[static_cast<size_t>(n)];
        if (static_cast<uint32_t>(c) >= needed) break;  // held already
        if (static_cast<uint32_t>(++c) < needed) break;
        if (n == root) return true;
      }
    }
  }
  return false;
}

bool LiteralPrefilter::Meets(int node, const Evaluation& e) const {
  const Node& n = nodes_[static_cast<size_t>(node)];
  switch (n.op) {
    case AtomRequirement::Op::kAtom:
      return HasBit(e.bits.data(), n.atom);
    case AtomRequirement::Op::kOr:  // an atom child held, or another child
      if (e.held[static_cast<size_t>(node)] == e.mark) return true;
      for (uint32_t c = n.branches_begin; c < n.branches_end; ++c)
        if (Meets(branches_[c], e)) return true;
      return false;
    case AtomRequirement::Op::kAnd:
      for (uint32_t c = n.branches_begin; c < n.branches_end; ++c) {
        const int k = branches_[c];
        if (!(k < 0 ? HasBit(e.bits.data(), ~k) : Meets(k, e))) return false;
      }
      return true;
    case AtomRequirement::Op::kAll:
      break;
  }
  return true;
}

void SortByOffset(std::vector<AtomMatcher::Occurrence>* v) {
  AtomMatcher::Occurrence* o = v->data();
  const size_t n = v->size();
  size_t budget = 8 * n + 64;  // moves
  for (size_t k = 1; k < n; ++k) {
    const AtomMatcher::Occurrence x = o[k];
    size_t j = k;
    for (; j > 0 && o[j - 1].begin > x.begin && budget > 0; --j, --budget) o[j] = o[j - 1];
    o[j] = x;
    if (budget == 0) {
      std::sort(v->begin(), v->end(), [](const AtomMatcher::Occurrence& a, const AtomMatcher::Occurrence& b) {
        return a.begin < b.begin;
      });
      return;
    }
  }
}

// A counting sort by atom: stable, so each run stays in offset order.
void LiteralPrefilter::IndexByAtom(const std::vector<int>& found, TextAtoms* atoms) const {
  std::vector<uint32_t>& run_of = atoms->run_of;
  if (run_of.size() < atoms_.size()) run_of.resize(atoms_.size(), TextAtoms::kNoRun);
  for (int a : found) run_of[static_cast<size_t>(a)] = 0;
  for (const AtomMatcher::Occurrence& o : atoms->at) ++run_of[static_cast<size_t>(o.atom)];
  uint32_t start = 0;
  for (int a : found) {
    const uint32_t count = run_of[static_cast<size_t>(a)];
    run_of[static_cast<size_t>(a)] = start;
    start += count;
  }
  atoms->by_atom.resize(atoms->at.size());
  for (const AtomMatcher::Occurrence& o : atoms->at)
    atoms->by_atom[run_of[static_cast<size_t>(o.atom)]++] = o;
  // Each entry now holds where its run ends, the start of the next.
  start = 0;
  for (int a : found) std::swap(run_of[static_cast<size_t>(a)], start);
  atoms->run_atoms = found;
}

void LiteralPrefilter::Candidates(std::string_view text, std::vector<int>* candidates) const {
  thread_local TextAtoms atoms;
  Candidates(text, candidates, &atoms);
}

void LiteralPrefilter::Candidates(std::string_view text, std::vector<int>* candidates,
                                  TextAtoms* atoms) const {
  candidates->clear();
  atoms->Reset(text);
  atoms->ascii = IsAsciiBytes(text);
  if (!compiled_) {  // every pattern may match
    for (int i = 0; i < count_; ++i) candidates->push_back(i);
    return;
  }
  std::vector<int>& found = atoms->found;
  const std::string& folded = atoms->folded;
  const bool same_offsets = FoldForAtoms(text, &atoms->folded);
  atoms->same_offsets = same_offsets && folded.size() == text.size();
  // Offsets are 32-bit; the few texts whose folding moves them are searched
  // whole.
  const bool locate =
      same_offsets && text.size() >= kLocateBytes && text.size() < std::numeric_limits<uint32_t>::max();
  if (!locate) {
    matcher_.Find(folded, &found);
  } else if (matcher_.Find(folded, &found, &atoms->at, kMaxLocated)) {
    SortByOffset(&atoms->at);
    atoms->located = true;
    if (atoms->at.size() > kScanOccurrences) IndexByAtom(found, atoms);
  } else {  // too many to keep: the text is searched whole
    std::vector<AtomMatcher::Occurrence>().swap(atoms->at);
  }
  // The requirements met: only a pattern with one of its witness atoms in
  // the text can meet its requirement, which is then evaluated on the atoms
  // found (a bit per atom). Most atoms found in a short text ("the", "to ")
  // witness no pattern: they are parts of requirements with rarer parts.
  Evaluation& e = MarkAtoms(found);
  auto evaluate = [&](int pattern) {
    uint8_t& seen = e.seen[static_cast<size_t>(pattern)];
    if (seen == e.mark) return;
    seen = e.mark;
    if (Meets(root_[static_cast<size_t>(pattern)], e)) candidates->push_back(pattern);
  };
  for (int a : found)
    for (uint32_t w = witnessed_begin_[static_cast<size_t>(a)];
         w < witnessed_begin_[static_cast<size_t>(a) + 1]; ++w)
      evaluate(witnessed_[w]);
  for (int pattern : unwitnessed_) evaluate(pattern);
  Unmark(found, &e);
  std::sort(candidates->begin(), candidates->end());
  if (!always_.empty()) {
    const auto mid = static_cast<std::ptrdiff_t>(candidates->size());
    candidates->insert(candidates->end(), always_.begin(), always_.end());
    std::inplace_merge(candidates->begin(), candidates->begin() + mid, candidates->end());
  }
}

bool LiteralPrefilter::Witness(int node, std::vector<int>* out) const {
  const Node& n = nodes_[static_cast<size_t>(node)];
  switch (n.op) {
    case AtomRequirement::Op::kAtom:
      out->push_back(n.atom);
      return true;
    case AtomRequirement::Op::kOr:  // one of each alternative's
      for (uint32_t c = n.begin; c < n.end; ++c)
        if (!Witness(children_[c], out)) return false;
      return true;
    case AtomRequirement::Op::kAnd: {
      // Any part's witness: the one whose shortest atom (the most common
      // in text) is longest, then the one of fewest atoms.
      std::vector<int> best, w;
      size_t best_shortest = 0;
      for (uint32_t c = n.begin; c < n.end; ++c) {
        w.clear();
        if (!Witness(children_[c], &w)) continue;
        size_t shortest = std::numeric_limits<size_t>::max();
        for (int a : w) shortest = std::min(shortest, atoms_[static_cast<size_t>(a)].size());
        if (best.empty() || shortest > best_shortest ||
            (shortest == best_shortest && w.size() < best.size())) {
          best = w;
          best_shortest = shortest;
        }
      }
      if (best.empty()) return false;
      out->insert(out->end(), best.begin(), best.end());
      return true;
    }
    case AtomRequirement::Op::kAll:
      break;
  }
  return false;
}

// A pattern's scope: witness atoms from its requirement (every match holds
// one), its barriers the ASCII bytes outside its alphabet. Not usable when
// the pattern has no requirement or no barrier (the witness atoms are kept
// when it has a requirement).
LiteralPrefilter::Scope LiteralPrefilter::BuildScope(int i) const {
  Scope scope;
  const Pattern& p = *patterns_[static_cast<size_t>(i)];
  const int root = root_[static_cast<size_t>(i)];
  if (root < 0) return scope;
  scope.atom_list.assign(witness_.begin() + witness_begin_[static_cast<size_t>(i)],
                         witness_.begin() + witness_begin_[static_cast<size_t>(i) + 1]);
  if (scope.atom_list.empty()) return scope;
  scope.atom_bits.assign((atoms_.size() + 63) / 64, 0);
  for (int a : scope.atom_list)
    scope.atom_bits[static_cast<size_t>(a) / 64] |= uint64_t{1} << (static_cast<size_t>(a) % 64);
  std::bitset<128> alphabet;
  if (p.options.literal() || p.options.posix_syntax() || !MatchAlphabet(p.text, &alphabet) || alphabet.all())
    return scope;
  for (size_t c = 0; c < 128; ++c) scope.barrier[c] = !alphabet[c];
  scope.bounds = ReadMatchBounds(p.text, !p.options.case_sensitive());
  for (size_t c = 0; c < 256; ++c)
    scope.kind[c] = scope.barrier[c]                                 ? Scope::kBarrier
                    : IsSeparatorByte(static_cast<unsigned char>(c)) ? Scope::kSeparator
                                                                     : Scope::kFree;
  // The atoms of the whole requirement, which a window must meet when it
  // asks more than one of the witness atoms (it has an AND).
  scope.all_bits.assign(scope.atom_bits.size(), 0);
  std::vector<int> stack{root};
  while (!stack.empty()) {
    const Node& n = nodes_[static_cast<size_t>(stack.back())];
    stack.pop_back();
    if (n.op == AtomRequirement::Op::kAtom) {
      scope.all_bits[static_cast<size_t>(n.atom) / 64] |= uint64_t{1} << (static_cast<size_t>(n.atom) % 64);
      continue;
    }
    if (n.op == AtomRequirement::Op::kAnd) scope.check = true;
    for (uint32_t c = n.begin; c < n.end; ++c) stack.push_back(children_[c]);
  }
  scope.usable = true;
  return scope;
}

const LiteralPrefilter::Scope& LiteralPrefilter::ScopeOf(int i) const {
  const auto k = static_cast<size_t>(i);
  if (!scope_ready_[k].load(std::memory_order_acquire)) {
    std::call_once(scope_once_[k], [&] {
      scopes_[k] = BuildScope(i);
      scope_ready_[k].store(true, std::memory_order_release);
    });
  }
  return scopes_[k];
}

bool LiteralPrefilter::WitnessFrom(int i, const TextAtoms& atoms, size_t pos) const {
  if (!compiled_ || !atoms.same_offsets) return true;
  const std::vector<uint64_t>& witness = ScopeOf(i).atom_bits;
  if (witness.empty()) return true;
  for (int a : atoms.found) {
    const auto u = static_cast<size_t>(a);
    if ((witness[u / 64] >> (u % 64) & 1) && atoms.folded.find(atoms_[u], pos) != std::string::npos)
      return true;
  }
  return false;
}

bool LiteralPrefilter::Search(int i, const TextAtoms& atoms, re2::StringPiece text, size_t pos,
                              re2::StringPiece* match) const {
  auto search = [&](size_t begin, size_t end) { return SearchRange(i, atoms, text, begin, end, match); };
  const bool same_text = text.data() == atoms.text.data() && text.size() == atoms.text.size();
  if (!atoms.located || !compiled_ || !same_text) {
    if (pos > 0 && same_text && !WitnessFrom(i, atoms, pos)) return false;
    return search(pos, text.size());
  }
  const Scope& scope = ScopeOf(i);
  if (!scope.usable) {
    if (pos > 0 && !WitnessFrom(i, atoms, pos)) return false;
    return search(pos, text.size());
  }
  // A match that starts at `pos` or later holds an occurrence of one of the
  // pattern's atoms that starts there or later, and lies in the barrier-free
  // run around it, within the reach of the pattern's match bounds
  // (pattern_length.h) on either side of the occurrence. The windows around
  // such occurrences are searched in order; windows less than kJoinBytes
  // apart are searched in one call, text between them included (on the
  // CFPB narratives 64 cost the fewest instructions of 64, 112, 160, 384
  // and 1000).
  constexpr size_t kJoinBytes = 64;
  // The occurrences of the pattern's atoms from `pos` on: read from all the
  // occurrences when they are no more than the pattern has atoms, otherwise
  // from each atom's run of `by_atom` (a narrative holds a thousand
  // occurrences of all atoms, a pattern's few of them).
  thread_local std::vector<AtomMatcher::Occurrence> found;
  found.clear();
  if (atoms.by_atom.empty() || atoms.at.size() <= scope.atom_list.size()) {
    auto o = std::lower_bound(atoms.at.begin(), atoms.at.end(), pos,
                              [](const AtomMatcher::Occurrence& x, size_t key) { return x.begin < key; });
    for (; o != atoms.at.end(); ++o) {
      const auto a = static_cast<size_t>(o->atom);
      if (scope.atom_bits[a / 64] >> (a % 64) & 1) found.push_back(*o);
    }
  } else {
    for (int a : scope.atom_list) {
      const uint32_t run = atoms.run_of[static_cast<size_t>(a)];
      if (run == TextAtoms::kNoRun) continue;  // not in the text
      auto o = atoms.by_atom.begin() + run;
      if (o->begin < pos)
        o = std::lower_bound(o, atoms.by_atom.end(), std::make_pair(a, pos),
                             [](const AtomMatcher::Occurrence& x, const std::pair<int, size_t>& key) {
                               return x.atom != key.first ? x.atom < key.first : x.begin < key.second;
                             });
      for (; o != atoms.by_atom.end() && o->atom == a; ++o) found.push_back(*o);
    }
  }
  const auto* b = reinterpret_cast<const unsigned char*>(text.data());
  const MatchBounds& bounds = scope.bounds;
  constexpr size_t kInf = MatchBounds::kUnbounded;
  thread_local std::vector<std::pair<size_t, size_t>> windows;
  windows.clear();
  if (bounds.bytes == kInf && bounds.separators == kInf) {
    // The whole run around each occurrence.
    std::sort(
        found.begin(), found.end(),
        [](const AtomMatcher::Occurrence& x, const AtomMatcher::Occurrence& y) { return x.begin < y.begin; });
    for (const AtomMatcher::Occurrence& o : found) {
      const size_t at = o.begin;
      if (!windows.empty() && at < windows.back().second) continue;  // in the run already
      size_t begin = at, end = at;
      while (begin > pos && !scope.barrier[b[begin - 1]]) --begin;
      while (end < text.size() && !scope.barrier[b[end]]) ++end;
      windows.emplace_back(begin, end);
    }
  } else {
    for (const AtomMatcher::Occurrence& o : found) {
      const size_t at = o.begin, n = atoms_[static_cast<size_t>(o.atom)].size();
      // The occurrence's own bytes: a barrier, or more bytes or separators
      // than a match holds, and no match holds this occurrence.
      size_t seps = 0;
      bool barred = false;
      for (size_t k = at; k < at + n; ++k) {
        seps += scope.kind[b[k]] == Scope::kSeparator;
        barred |= scope.kind[b[k]] == Scope::kBarrier;
      }
      if (barred || n > bounds.bytes || seps > bounds.separators) continue;
      const size_t reach = bounds.bytes == kInf ? kInf : bounds.bytes - n;
      const size_t budget = bounds.separators == kInf ? kInf : bounds.separators - seps;
      const size_t left_limit = reach == kInf || at - pos <= reach ? pos : at - reach;
      size_t begin = at;
      for (size_t used = 0; begin > left_limit; --begin) {
        const uint8_t k = scope.kind[b[begin - 1]];
        if (k != Scope::kFree && (k == Scope::kBarrier || used++ == budget)) break;
      }
      const size_t right_limit =
          reach == kInf || text.size() - (at + n) <= reach ? text.size() : at + n + reach;
      size_t end = at + n;
      for (size_t used = 0; end < right_limit; ++end) {
        const uint8_t k = scope.kind[b[end]];
        if (k != Scope::kFree && (k == Scope::kBarrier || used++ == budget)) break;
      }
      windows.emplace_back(begin, end);
    }
    std::sort(windows.begin(), windows.end());
  }
  // A match meets the pattern's whole requirement with the atoms it holds:
  // a window whose atoms do not meet it holds no match.
  thread_local std::vector<uint64_t> present;
  thread_local std::vector<int> marked;
  auto holds = [&](size_t wb, size_t we) {
    if (present.size() < scope.all_bits.size()) present.resize(scope.all_bits.size(), 0);
    marked.clear();  // the requirement's atoms in the window
    auto o = std::lower_bound(atoms.at.begin(), atoms.at.end(), wb,
                              [](const AtomMatcher::Occurrence& x, size_t key) { return x.begin < key; });
    for (; o != atoms.at.end() && o->begin < we; ++o) {
      const auto a = static_cast<size_t>(o->atom);
      if (!(scope.all_bits[a / 64] >> (a % 64) & 1) || o->begin + atoms_[a].size() > we) continue;
      if (!(present[a / 64] >> (a % 64) & 1)) {
        present[a / 64] |= uint64_t{1} << (a % 64);
        marked.push_back(o->atom);
      }
    }
    for (int a : marked) present[static_cast<size_t>(a) / 64] = 0;
    return Holds(root_[static_cast<size_t>(i)], marked);
  };
  if (scope.check) {
    size_t kept = 0;
    for (const auto& w : windows)
      if (holds(w.first, w.second)) windows[kept++] = w;
    windows.resize(kept);
  }
  bool open = false;
  size_t begin = 0, end = 0;  // the region to search, when open
  for (const auto& [wb, we] : windows) {
    if (open && wb > end + kJoinBytes) {
      if (search(begin, end)) return true;
      open = false;
    }
    if (!open) {
      begin = wb;
      end = we;
      open = true;
    } else {
      end = std::max(end, we);
    }
  }
  if (open) return search(begin, end);
  return false;
}

}  // namespace internal
}  // namespace voc
