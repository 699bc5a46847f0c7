// Private: which ASCII bytes a match of an RE2 pattern can contain.
//
// The literal prefilter (literal_prefilter.h) uses it to search a pattern
// only where it can match: a match lies within one run of text free of the
// pattern's "barrier" bytes (ASCII bytes no match contains), and it contains
// one of the pattern's atoms, so only the runs around atoms need a search.
// For `\b(?:late|annual)\s+fees?\b` the barriers are the punctuation marks,
// and a complaint narrative is searched clause by clause where "fee" occurs
// instead of from every position to the end.
#ifndef VOC_SRC_PATTERN_ALPHABET_H_
#define VOC_SRC_PATTERN_ALPHABET_H_

#include <bitset>
#include <string_view>

namespace voc {
namespace internal {

// Sets `*ascii` to a superset of the ASCII bytes that any match of `pattern`
// (RE2 syntax, UTF-8, Perl classes and word boundaries allowed) can contain,
// in any case-sensitivity mode; bytes >= 0x80 are not covered and may always
// occur. Letters are always added in both cases, and a pattern with a
// non-ASCII character adds every ASCII letter (case folding maps U+212A
// KELVIN SIGN to k, U+017F LONG S to s). Returns false, and says nothing,
// for what it does not read: anchors (^ $ \A \z, whose meaning depends on
// where a search starts), \p classes, \Q...\E, \C, POSIX classes in
// brackets and malformed text.
bool MatchAlphabet(std::string_view pattern, std::bitset<128>* ascii);

}  // namespace internal
}  // namespace voc

#endif  // VOC_SRC_PATTERN_ALPHABET_H_
