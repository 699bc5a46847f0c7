// Private: a literal prefilter for groups of RE2 patterns.
//
// Each pattern is reduced to "atoms", literal strings of which some
// combination must occur in any text the pattern matches (pattern_atoms.h
// reads them from the pattern's syntax, by the rules of RE2's FilteredRE2).
// Finding the atoms of a text with one Aho-Corasick pass and evaluating each
// pattern's requirement gives a short list of candidates; only those need an
// RE2 search. A pattern is compiled on the first text where it is a
// candidate (its syntax is checked when it is added): on customer texts many
// patterns never are, and compiling every pattern was most of a start-up.
//
// The candidates are a superset of the patterns that match: atoms are matched
// against a case-folded copy of the text (ASCII lowercased, other code points
// through Unicode simple case folding after lowercasing, the same transform
// applied to the atoms), so case-insensitive patterns are never filtered out
// by a letter that folds across scripts (U+017F LATIN SMALL LETTER LONG S
// matches (?i)s, U+212A KELVIN SIGN matches (?i)k).
//
// In a long text (a complaint narrative) a candidate is then searched only
// where it can match. A match is itself a text the pattern matches, so it
// holds one of the pattern's atoms; in fact one of a smaller "witness" set
// (for "(late|annual) fees?" the atoms of either side), read from the
// pattern's requirement. A match also holds none of the pattern's barrier
// bytes (pattern_alphabet.h: for a rule made of words and spaces, the
// punctuation). So Search looks up where the witness atoms occur and runs RE2
// only on the barrier-free runs of text around them, with the whole text as
// context for \b. On the CFPB narratives that is about a sixth of the bytes
// the plain search read, whose every call ran from its start to the end of
// the text. A match is also no longer than the pattern's match bounds
// (pattern_length.h: bytes, and separator bytes, which \w+ never matches),
// so the window around an occurrence ends where either bound runs out; and
// the atoms a match holds meet the pattern's whole requirement, so a window
// whose atoms do not (for `\bfees?\b[^.!?\n]{0,20}\bwaived\b`, a clause
// with "fee" but no "waived" near it) is not searched at all. RE2 costs
// more per search than per byte (a search near an atom builds new DFA
// states), and on the CFPB narratives that leaves about half the searches
// (they were 86,152, of which 57,588 found nothing).
//
// A pattern is also compiled for Latin-1 (on the first search of ASCII
// bytes; its non-ASCII characters rewritten, Latin1SearchPattern), and
// Search runs that form where the bytes it searches are all ASCII: the
// matches cost fewer instructions (about 6% fewer on the CFPB narratives).
// There it finds what the UTF-8 form finds: both
// read one character per ASCII byte; no ASCII letter's case fold reaches a
// Latin-1 character (KELVIN SIGN and LONG S, the non-ASCII folds of k and s,
// lie above U+00FF and are dropped from the Latin-1 form, and never occur
// in ASCII text); `.`, negated classes, \W, \S, \D and \pL-style classes
// hold the same ASCII bytes in both forms; \b and \B test ASCII word bytes
// in both (a non-ASCII byte of the context around a region is a non-word
// byte to each, as it is not a newline to ^ and $). Case-insensitive
// letters compile to folding literals rather than three-way classes, so
// the Latin-1 form is smaller to compile and its literal prefixes can be
// looked for directly.
#ifndef VOC_SRC_LITERAL_PREFILTER_H_
#define VOC_SRC_LITERAL_PREFILTER_H_

#include <atomic>
#include <cstdint>
#include <limits>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include <re2/re2.h>

#include "patterns/pattern_atoms.h"
#include "patterns/pattern_length.h"
#include "util/bulk_allocator.h"

namespace voc {
namespace internal {

// Writes the case-folded form of `text` described above to `out`. Returns
// true when every character folds to as many bytes as it had (then offsets
// in `out` are offsets in `text`).
bool FoldForAtoms(std::string_view text, std::string* out);

// Writes `text`, whose bytes are all ASCII, with its letters lowercased to
// `out` (room for text.size() bytes).
void LowercaseAscii(std::string_view text, char* out);

// The pattern that, compiled for Latin-1, matches exactly where `pattern`
// compiled for UTF-8 does on ASCII bytes (see LiteralPrefilter): `pattern`
// when it is ASCII; otherwise `pattern` with every non-ASCII character in it
// written \x{FF}, a character no ASCII byte is (an ASCII text cannot
// match one, in a class or out of it, and a quantifier still applies to one
// character). Empty when there is no such pattern: a non-ASCII character
// next to '-' (a range endpoint, whose range may hold more) or after '\',
// one that folds to an ASCII letter (U+017F, U+212A), or \Q...\E quoting.
std::string Latin1SearchPattern(std::string_view pattern);

// For a case-insensitive `pattern` (a leading (?i), or `fold_case`) of
// ASCII bytes, read as Latin-1 (a Latin1SearchPattern): a case-sensitive
// pattern that, compiled for Latin-1, matches the ASCII-lowercased form of
// an ASCII text exactly where `pattern` matches the text (the same
// offsets). Its letters are lower-cased, and each
// class gets the lower-case letters of its upper-case members (a negated one
// too: (?i)[^A-Z] holds no letter of either case, nor does [^A-Za-z]);
// Perl classes, \b, \B, ^, $ and `.` do not depend on the case of an ASCII
// byte. RE2 parses such a pattern without folding each letter. Empty when
// the pattern is not case-insensitive, is not ASCII, or holds what this
// does not read: flags other than the leading (?i), \Q...\E, \x (but for
// the \x{FF} Latin1SearchPattern writes, kept), octal, \p and \C escapes,
// POSIX classes.
std::string LowercaseSearchPattern(std::string_view pattern, bool fold_case);

// Whether RE2 parses `pattern` with `options`, without compiling it: RE2's
// syntax errors are found, not a program over the memory budget.
bool PatternParses(std::string_view pattern, RE2::Options options);

// Finds which of a fixed list of strings ("atoms") occur in a text: an
// Aho-Corasick automaton over the first few bytes of each atom, as a full
// transition table of 16-bit entries (bytes that occur in no atom share one
// class; states are numbered breadth-first so the shallow states, where a
// scan spends most bytes, are close together); the rest of a longer atom is
// compared where its prefix ends. The scan only notes the positions where it
// reaches a state with atoms (without a branch); their atoms are checked after
// each block of text.
class AtomMatcher {
 public:
  AtomMatcher();
  ~AtomMatcher();
  AtomMatcher(AtomMatcher&&) noexcept;
  AtomMatcher& operator=(AtomMatcher&&) noexcept;

  // Builds the automaton for `atoms` (empty strings occur in every text;
  // duplicates allowed).
  explicit AtomMatcher(const std::vector<std::string>& atoms);

  struct Occurrence {
    uint32_t begin;  // offset of the atom in the text
    int atom;
  };

  // Appends the indices of the atoms occurring in `text` to `found`, each
  // once, in increasing order; with `occurrences`, also appends every
  // occurrence of every atom (in no particular order), up to
  // `max_occurrences` of them. Returns false when there were more.
  bool Find(std::string_view text, std::vector<int>* found, std::vector<Occurrence>* occurrences = nullptr,
            size_t max_occurrences = 0) const;

  // States a table can number (15-bit ids); a longer prefix that needs more
  // is shortened.
  static constexpr size_t kMaxStates = 0x8000;

  size_t size() const { return atoms_.size(); }

 private:
  // Atom prefixes of at most this many bytes are matched by the automaton.
  // Eight rather than six: the theme rules' and cues' atoms of seven and
  // eight bytes ("account ", "service") are then found without a compare
  // at each text position that ends a six-byte prefix, of each atom listed
  // there (a tenth fewer instructions in Candidates on tweets and
  // narratives; the seven tables of the shipped rules grow from 1.7 MB to
  // 2.7 MB).
  static constexpr size_t kMaxPrefix = 8;
  // Blocks of at least twice this many bytes are scanned as two halves.
  static constexpr size_t kMinHalf = 16;
  static_assert(kMinHalf >= kMaxPrefix, "a half ends in the state one pass reaches");
  static constexpr uint16_t kHasOutput = 0x8000;
  static constexpr uint16_t kStateMask = 0x7FFF;
  static_assert(kMaxStates == size_t{kStateMask} + 1, "state ids fill the mask");

  std::vector<std::string> atoms_;
  size_t prefix_ = 0;
  int classes_ = 1;
  uint8_t byte_class_[256] = {};
  std::vector<uint16_t, BulkAllocator<uint16_t, true>>
      table_;                            // state * classes + class -> state | kHasOutput
  std::vector<uint32_t> outputs_begin_;  // state -> first entry in outputs_
  std::vector<int> outputs_;             // atom indices, per state
};

// Sorts atom occurrences by offset. AtomMatcher::Find gives them nearly in
// order (by the end of each atom's prefix, a few bytes after its start; the
// two halves of a block one after the other), so an insertion sort moves
// each a few places; a list further out of order (many atoms ending at one
// byte) is left to std::sort. Occurrences at one offset may end in any order.
void SortByOffset(std::vector<AtomMatcher::Occurrence>* v);

// The patterns' requirements and the AtomMatcher for their atoms.
class LiteralPrefilter {
 public:
  LiteralPrefilter();
  ~LiteralPrefilter();

  // Adds `pattern`, to be compiled with `options`; returns its index, or -1
  // with `error` set (RE2's message) when RE2 would not compile it.
  int Add(const std::string& pattern, const RE2::Options& options, std::string* error);

  // Prepares the atoms. Call once, after the last Add.
  void Compile();

  int size() const { return count_; }

  // The compiled pattern `i` (owned by the prefilter; compiled on the first
  // call, on any thread).
  const RE2& regex(int i) const;

  // Whether pattern `i` is compiled yet.
  bool compiled(int i) const;

  // Pattern `i` compiled for Latin-1 (owned by the prefilter; compiled on
  // the first call), which on ASCII bytes finds what regex(i) finds; null
  // when the pattern is not compiled for UTF-8, Latin1SearchPattern gives no
  // form of it, or that form does not compile for Latin-1 (an escape above
  // \x{FF}).
  const RE2* latin1_regex(int i) const;
  // Whether latin1_regex(i) was called yet.
  bool latin1_compiled(int i) const;

  // The Latin-1 form of pattern `i` written by LowercaseSearchPattern,
  // compiled for Latin-1 (owned by the prefilter; compiled on the first call): on the
  // ASCII-lowercased form of ASCII bytes it finds what regex(i) finds on
  // the bytes. Null when the pattern has no such form or it does not compile.
  const RE2* lowered_regex(int i) const;
  // Whether lowered_regex(i) was called yet.
  bool lowered_compiled(int i) const;

  // Number of patterns that are candidates for every text (no atoms).
  int unfiltered() const { return unfiltered_; }

  // Replaces `candidates` with the indices of the patterns that may match
  // `text`, in increasing order.
  void Candidates(std::string_view text, std::vector<int>* candidates) const;

  // Where the atoms of one text are, for Search.
  struct TextAtoms {
    std::string_view text;
    std::vector<int> found;  // the atoms `text` holds, ascending
    bool ascii = false;      // every byte of `text` is ASCII
    bool located = false;    // `at` holds every atom occurrence, by offset
    std::vector<AtomMatcher::Occurrence> at;
    // the same, by atom and offset, when there are more than kScanOccurrences
    std::vector<AtomMatcher::Occurrence> by_atom;
    // where each atom's run starts in `by_atom` (kNoRun: none), and the
    // atoms with a run (whose entries the next text clears)
    static constexpr uint32_t kNoRun = std::numeric_limits<uint32_t>::max();
    std::vector<uint32_t> run_of;
    std::vector<int> run_atoms;
    // `text` case-folded for the atoms (FoldForAtoms); its ASCII bytes
    // are `text`'s lowercased, at the same offsets, when `same_offsets`
    std::string folded;
    bool same_offsets = false;

    // Forgets the previous text's atoms: `t`, with nothing located, not
    // known to be ASCII and no folded copy (keeps the buffers).
    void Reset(std::string_view t) {
      text = t;
      found.clear();
      ascii = false;
      located = false;
      at.clear();
      same_offsets = false;
      by_atom.clear();
      for (int a : run_atoms) run_of[static_cast<size_t>(a)] = kNoRun;
      run_atoms.clear();
    }
  };

  // Candidates, and the atoms of `text` in `atoms` (kept until the next
  // call; `text` must outlive it). The atoms are located only in texts of at
  // least kLocateBytes, where searching around them pays, and with at most
  // kMaxLocated occurrences (a huge text of one repeated word is searched
  // whole rather than take megabytes of occurrences).
  void Candidates(std::string_view text, std::vector<int>* candidates, TextAtoms* atoms) const;
  static constexpr size_t kLocateBytes = 256;
  static constexpr size_t kScanOccurrences = 64;
  static constexpr size_t kMaxLocated = size_t{1} << 16;

  // Equals regex(i).Match(text, pos, text.size(), RE2::UNANCHORED, match, 1):
  // the leftmost match of pattern `i` that starts at `pos` or later. A
  // search from `pos` > 0 (the next match after one) that does not look at
  // the located atoms (below) runs RE2 only when one of the pattern's
  // witness atoms occurs from `pos` on (WitnessFrom). When
  // `atoms` are located for this text and the pattern allows it
  // (pattern_alphabet.h), only the runs of text free of the pattern's
  // barrier bytes around one of its atoms, within its match bounds of the
  // atom (pattern_length.h) and holding atoms that meet its requirement, are
  // searched: a region's match is the whole text's, as RE2 reads the text
  // around a region for \b, ^ and $. Ranges of ASCII bytes are searched
  // with lowered_regex(i) in the folded text when there is one and the
  // folded text has the same offsets (the match is then translated to
  // `text`), otherwise with latin1_regex(i) when there is one.
  bool Search(int i, const TextAtoms& atoms, re2::StringPiece text, size_t pos,
              re2::StringPiece* match) const;

 private:
  // Where pattern i can match: built on first use by Search.
  struct Scope {
    bool usable = false;
    bool barrier[256] = {};           // ASCII bytes no match contains
    std::vector<int> atom_list;       // matcher atoms: every match contains one
    std::vector<uint64_t> atom_bits;  // the same, a bit per atom
    MatchBounds bounds;               // how far a match reaches from an atom
    // Each byte as a window sees it: a barrier, a separator (counted
    // against bounds.separators) or free.
    enum : uint8_t { kFree, kSeparator, kBarrier };
    uint8_t kind[256] = {};
    std::vector<uint64_t> all_bits;  // every atom of the requirement, a bit per atom
    bool check = false;              // the requirement asks more than a witness atom
  };
  const Scope& ScopeOf(int i) const;
  // Whether `atoms.text` may hold a match of pattern `i` that starts at
  // `pos` or later: false only when none of its witness atoms occurs in
  // the folded text (which keeps the offsets) from `pos` on (every match
  // holds one).
  bool WitnessFrom(int i, const TextAtoms& atoms, size_t pos) const;
  Scope BuildScope(int i) const;

  struct Pattern {
    std::string text;
    RE2::Options options;
    AtomRequirement requirement;  // until Compile
    std::once_flag once;
    std::unique_ptr<RE2> re;  // set once
    std::atomic<bool> ready{false};
    // Other forms of the pattern, compiled for Latin-1 on first use: the
    // text may be empty (no such form); `re` stays null if it does not
    // compile.
    struct Form {
      std::string text;
      std::once_flag once;
      std::unique_ptr<RE2> re;  // set once
      std::atomic<bool> ready{false};
    };
    Form latin1;   // Latin1SearchPattern(text) for UTF-8
    Form lowered;  // LowercaseSearchPattern(latin1.text)
  };
  // Form `f` of a pattern, compiled with `options` for Latin-1 (and
  // `case_sensitive`) on the first call; null when it has no text or does
  // not compile.
  static const RE2* CompileForm(Pattern::Form* f, const RE2::Options& options, bool case_sensitive);
  // Searches bytes [begin, end) of `text` (the rest is context) for pattern
  // `i`, with the form that suits them (see Search).
  bool SearchRange(int i, const TextAtoms& atoms, re2::StringPiece text, size_t begin, size_t end,
                   re2::StringPiece* match) const;
  // The requirements, compiled: a node is an atom, or the AND or OR of the
  // nodes children_[begin, end) (for Meets, branches_[branches_begin,
  // branches_end)).
  struct Node {
    AtomRequirement::Op op;
    int atom;
    uint32_t begin, end;
    uint32_t branches_begin, branches_end;
  };
  int AddNode(const AtomRequirement& r, std::unordered_map<std::string, int>* atom_ids,
              std::vector<std::string>* atoms);
  // Appends to `out` a set of atoms one of which every text that meets
  // `node` holds; false when there is none.
  bool Witness(int node, std::vector<int>* out) const;
  // A thread's scratch for evaluating requirements on the atoms of a text.
  struct Evaluation {
    std::vector<uint64_t> bits;  // a bit per atom found
    std::vector<uint8_t> held;   // node -> the mark of the evaluation that found an atom child (ORs)
    std::vector<uint8_t> seen;   // pattern -> the mark of the evaluation that evaluated it
    uint8_t mark = 0;            // this evaluation's number (0: none)
  };
  // This thread's scratch, marked for `atoms` (distinct): their bits set and
  // their OR parents held.
  Evaluation& MarkAtoms(const std::vector<int>& atoms) const;
  // Clears the bits of `atoms` that MarkAtoms set.
  static void Unmark(const std::vector<int>& atoms, Evaluation* e);
  // Whether the atoms marked in `e` meet the requirement of node `node`.
  bool Meets(int node, const Evaluation& e) const;
  // Whether `atoms` (distinct; a few, in a window of Search) meet the
  // requirement of root node `root`: counted from the atoms' leaves up,
  // which for a few atoms reads less than Meets.
  bool Holds(int root, const std::vector<int>& atoms) const;
  static bool HasBit(const uint64_t* bits, int atom) {
    const auto a = static_cast<size_t>(atom);
    return (bits[a / 64] >> (a % 64) & 1) != 0;
  }
  // Fills atoms->by_atom and its runs from atoms->at (sorted by offset),
  // whose distinct atoms are `found` (ascending).
  void IndexByAtom(const std::vector<int>& found, TextAtoms* atoms) const;

  std::vector<std::unique_ptr<Pattern>> patterns_;
  AtomMatcher matcher_;
  std::vector<std::string> atoms_;  // matcher atom -> string
  std::vector<Node> nodes_;
  std::vector<int> children_;
  // For Meets: the children of an AND, each atom leaf written ~atom, and
  // the children of an OR that are no atom (its atom children are held
  // through or_parents_).
  std::vector<int> branches_;
  std::vector<int> root_;                    // pattern -> node, -1: no requirement
  std::vector<int> always_;                  // the patterns without a requirement
  std::vector<uint32_t> witness_begin_;      // pattern -> first entry in witness_
  std::vector<int> witness_;                 // atoms, one of which every match holds
  std::vector<uint32_t> or_parents_begin_;   // atom -> first entry in or_parents_
  std::vector<int> or_parents_;              // the OR nodes with the atom as a child
  std::vector<int> parent_;                  // node -> parent, -1 at a root
  std::vector<int> node_root_;               // node -> its root
  std::vector<uint32_t> needed_;             // node -> children that must hold (1 but for an AND)
  std::vector<uint32_t> atom_leaves_begin_;  // atom -> first entry in atom_leaves_
  std::vector<int> atom_leaves_;             // the nodes of the atom
  std::vector<uint32_t> witnessed_begin_;    // atom -> first entry in witnessed_
  std::vector<int> witnessed_;               // the patterns the atom is a witness atom of
  std::vector<int> unwitnessed_;             // patterns with a requirement but no witness atoms
  std::unique_ptr<std::once_flag[]> scope_once_;
  std::unique_ptr<std::atomic<bool>[]> scope_ready_;  // scopes_[i] is built
  std::unique_ptr<Scope[]> scopes_;
  int count_ = 0;
  int unfiltered_ = 0;
  bool compiled_ = false;
};

}  // namespace internal
}  // namespace voc

#endif  // VOC_SRC_LITERAL_PREFILTER_H_
