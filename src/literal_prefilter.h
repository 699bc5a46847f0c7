// Private: a literal prefilter for groups of RE2 patterns.
//
// RE2's FilteredRE2 reduces each pattern to "atoms", literal strings of which
// some combination must occur in any text the pattern matches. Finding the
// atoms of a text with one Aho-Corasick pass and asking FilteredRE2 which
// patterns they allow gives a short list of candidates; only those need an
// RE2 search. On customer texts most patterns have no atom in a given text,
// so the big lazily-built set DFAs (which two threads contend for) run far
// less often.
//
// The candidates are a superset of the patterns that match: atoms are matched
// against a case-folded copy of the text (ASCII lowercased, other code points
// through Unicode simple case folding after lowercasing, the same transform
// applied to the atoms), so case-insensitive patterns are never filtered out
// by a letter that folds across scripts (U+017F LATIN SMALL LETTER LONG S
// matches (?i)s, U+212A KELVIN SIGN matches (?i)k).
#ifndef VOC_SRC_LITERAL_PREFILTER_H_
#define VOC_SRC_LITERAL_PREFILTER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <re2/re2.h>

#include "bulk_allocator.h"

namespace re2 {
class FilteredRE2;
}

namespace voc {
namespace internal {

// Writes the case-folded form of `text` described above to `out`.
void FoldForAtoms(std::string_view text, std::string* out);

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

  // Appends the indices of the atoms occurring in `text` to `found`, each
  // once, in increasing order.
  void Find(std::string_view text, std::vector<int>* found) const;

  // States a table can number (15-bit ids); a longer prefix that needs more
  // is shortened.
  static constexpr size_t kMaxStates = 0x8000;

 private:
  // Atom prefixes of at most this many bytes are matched by the automaton.
  static constexpr size_t kMaxPrefix = 6;
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
  std::vector<uint16_t, BulkAllocator<uint16_t, true>> table_;  // state * classes + class -> state | kHasOutput
  std::vector<uint32_t> outputs_begin_;  // state -> first entry in outputs_
  std::vector<int> outputs_;             // atom indices, per state
};

// A FilteredRE2 and the AtomMatcher for its atoms.
class LiteralPrefilter {
 public:
  LiteralPrefilter();
  ~LiteralPrefilter();

  // Adds `pattern`, compiled with `options`; returns its index, or -1 with
  // `error` set.
  int Add(const std::string& pattern, const RE2::Options& options, std::string* error);

  // Prepares the atoms. Call once, after the last Add.
  void Compile();

  int size() const { return count_; }

  // The compiled pattern `i` (owned by the prefilter).
  const RE2& regex(int i) const;

  // Number of patterns that are candidates for every text (no atoms).
  int unfiltered() const { return unfiltered_; }

  // Replaces `candidates` with the indices of the patterns that may match
  // `text`, in increasing order.
  void Candidates(std::string_view text, std::vector<int>* candidates) const;

 private:
  std::unique_ptr<re2::FilteredRE2> filter_;
  AtomMatcher matcher_;
  int count_ = 0;
  int unfiltered_ = 0;
  bool compiled_ = false;
};

}  // namespace internal
}  // namespace voc

#endif  // VOC_SRC_LITERAL_PREFILTER_H_
