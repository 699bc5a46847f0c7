// Private: the literal strings ("atoms") any match of an RE2 pattern holds,
// read from the pattern's text without compiling it.
//
// The literal prefilter (literal_prefilter.h) finds the atoms of a text with
// one pass and searches only the patterns whose requirement the text meets.
// RE2's FilteredRE2 computes such requirements too, but only from compiled
// patterns, and compiling every pattern of a group was most of a start-up;
// many are never searched. This reader follows the same rules (exact string
// sets of at most 16 strings, crossed through concatenations; otherwise an
// AND/OR of atoms) from the syntax alone, so that a pattern is compiled on
// the first text where it is a candidate.
//
// A requirement is a necessary condition: every text the pattern matches
// holds atoms that satisfy it (atoms are in the case-folded form of
// FoldForAtoms, which folds a text and its patterns alike, so case
// sensitivity does not change them). What the reader does not know (\Q..\E,
// POSIX classes, malformed text) gives "no requirement", never a wrong one.
#ifndef VOC_SRC_PATTERN_ATOMS_H_
#define VOC_SRC_PATTERN_ATOMS_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace voc {
namespace internal {

struct AtomRequirement {
  enum class Op { kAll, kAtom, kAnd, kOr };
  Op op = Op::kAll;                   // kAll: every text may match (no requirement)
  std::string atom;                   // kAtom: the text holds this string
  std::vector<AtomRequirement> subs;  // kAnd: all of them; kOr: one of them (two or more)
};

struct PatternAtoms {
  AtomRequirement requirement;
  // False when the pattern uses syntax the reader skips (the requirement is
  // then kAll).
  bool read = false;
  // A rough bound on the size of the compiled program, in units of a
  // character: large patterns are compiled when added, to report at once
  // when they exceed RE2's memory budget.
  double size = 0.0;
};

// The requirement of `pattern` (RE2 syntax, UTF-8, Perl classes), with atoms
// shorter than `min_atom_bytes` taken as found in every text.
PatternAtoms ReadPatternAtoms(std::string_view pattern, size_t min_atom_bytes);

// The requirement of a pattern matched as a literal string.
PatternAtoms LiteralPatternAtoms(std::string_view literal, size_t min_atom_bytes);

}  // namespace internal
}  // namespace voc

#endif  // VOC_SRC_PATTERN_ATOMS_H_
