// Private: where in a text the redactor searches its detectors (redactor.cc).
//
// A regular expression search reads the whole text from where it starts; on a
// complaint narrative that is most of the redactor's cost. Most detectors
// can only match in a few places: a phone, card, SSN or IPv4 match holds
// nothing but digits and a few separators, an e-mail address has no space
// around its '@', a URL none around its '/' or "www.", a mask starts with
// '{', '[' or a word-initial 'X'. These
// functions find those places with one cheap byte pass; the redactor then
// searches only there, with the whole text as context (so that \b at the ends
// of a range sees the bytes around it), and finds exactly what a search of
// the whole text finds.
#ifndef VOC_SRC_TEXT_REDACTOR_RUNS_H_
#define VOC_SRC_TEXT_REDACTOR_RUNS_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace voc {

class Redactor;
struct Redaction;

namespace internal {

using ByteRanges = std::vector<std::pair<uint32_t, uint32_t>>;

// True for the bytes a match of a numeric detector may hold: digits,
// ' ' . - / _ ( ) + and the UTF-8 bytes of U+2010..U+2015 (E2 80 90..95).
bool IsNumericRunByte(unsigned char c);

// The fewest digits a match of a numeric detector holds (the nine-digit
// pattern's "2d 1", the international one's "+1 2 3"; the others hold more).
constexpr size_t kNumericMatchDigits = 3;

// Replaces `runs` with the maximal runs of IsNumericRunByte bytes of `text`
// that hold at least kNumericMatchDigits digits, in order: a run of fewer
// ("10", "2 - 1") holds no match, and the redactor neither matches the
// numeric set nor searches there.
void NumericRuns(std::string_view text, ByteRanges* runs);

// The runs of `text` with the byte before and after each (when there is
// one), joined in order: every match of a numeric detector in `text` occurs
// in the result with the same neighbouring bytes, so a set of them matched
// against it reports every detector that matches in `text` (and may report
// more).
std::string JoinRuns(std::string_view text, const ByteRanges& runs);

// The bytes the redactor's pre-filter looks for, as bits of TextBytes.
enum TextByte : unsigned {
  kTextDigit = 1,   // '0'..'9'
  kTextAt = 2,      // '@'
  kTextColon = 4,   // ':'
  kTextMask = 8,    // 'X', '{' or '['
  kTextSlash = 16,  // '/'
  kTextW = 32,      // 'w' or 'W'
};
// Which of those bytes occur in `text`: one pass, sixteen bytes at a time.
unsigned TextBytes(std::string_view text);

// Replaces `runs` with the maximal runs around each '@' of `text` of the
// bytes an e-mail match may hold (ASCII letters, digits, . _ % + - @, and
// every byte >= 0x80), in order.
void EmailRuns(std::string_view text, ByteRanges* runs);

// False when no e-mail match lies inside `run` (a range of EmailRuns): a
// match holds an '@' after a byte of its local part (not an '@'), and after
// it a '.' and two ASCII letters. A mention ("@name") is refused without the
// e-mail pattern's search.
bool EmailRunMayHoldAddress(std::string_view run);

// Replaces `runs` with the maximal runs of `text` without the bytes a URL
// match cannot hold (ASCII white space and < > " ' { } | \ ^ ` [ ]) that
// hold a '/' or "www." in any case, in order.
void UrlRuns(std::string_view text, ByteRanges* runs);

// The patterns of the detectors searched in NumericRuns only, of e-mail
// addresses (searched in EmailRuns only) and of URLs (UrlRuns); for tests.
std::vector<std::string> NumericPatterns();
std::string EmailPattern();
std::string UrlPattern();
// The account detectors' patterns (a keyword, then the number as group 1;
// '#' and a number as group 1), for tests.
std::string AccountPattern();
std::string HashIdPattern();

// Where group 1 of AccountPattern() / HashIdPattern() starts in a whole
// match `match` of it (the group ends the match), found from the match's
// bytes; false when they do not tell (the redactor then has RE2 place the
// group). Where true, it is where RE2 places the group.
bool AccountGroupStart(std::string_view match, size_t* group_begin);
bool HashIdGroupStart(std::string_view match, size_t* group_begin);

// Redactor::Redact(text) for a text the caller gives up: when nothing is
// masked, the result's text is `text` itself, moved, not a copy.
Redaction RedactOwned(const Redactor& redactor, std::string text);

// The patterns of `redactor`'s detectors that run compiled for Latin-1 on
// ranges of ASCII bytes (ASCII patterns that compile so); for tests.
std::vector<std::string> Latin1DetectorPatterns(const Redactor& redactor);

// The pattern of the masks the redactor keeps ("[PHONE]", "XXXX",
// "{$12.00}" ...); `mask_names` are the mask names joined by '|'.
std::string ExistingMaskPattern(const std::string& mask_names);

// The offsets at or after `pos` where a mask of the redactor's existing-mask
// pattern may start: '{', '[', or an 'X' not preceded by a word byte
// (ASCII letter, digit, '_'). Returns the first, or text.size() if none.
size_t NextMaskStart(std::string_view text, size_t pos);

}  // namespace internal
}  // namespace voc

#endif  // VOC_SRC_TEXT_REDACTOR_RUNS_H_
