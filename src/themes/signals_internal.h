// Private: the built-in signal cues and profanity patterns, for the tests
// that hold the cue prefilter to RE2.
#ifndef VOC_SRC_SIGNALS_INTERNAL_H_
#define VOC_SRC_SIGNALS_INTERNAL_H_

#include <re2/re2.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace voc {
namespace internal {

// The options every cue pattern is compiled with (case-insensitive).
RE2::Options SignalCueOptions();

// The patterns of the built-in cues, in detection order.
std::vector<std::string> BuiltinSignalCuePatterns();

// The profanity pattern of the emotion-intensity signal, and its gate: a
// pattern that matches every text the first one matches and has literals
// for the prefilter (the detector searches for profanity only where the
// gate is a candidate).
std::string ProfanityPattern();
std::string ProfanityGatePattern();

// The word features of the emotion-intensity signal. A word is a maximal run
// of IsWordByte bytes (text_scan.h); one without an ASCII letter, or whose
// letters are all 'x' (a mask such as XXXX), is not counted.
struct EmotionWords {
  size_t words = 0;  // the counted words
  // [begin, end) of the counted words of four or more letters, all upper
  // case, and of those with a letter other than 'x' or 'w' three times in a
  // row (either case).
  std::vector<std::pair<size_t, size_t>> caps;
  std::vector<std::pair<size_t, size_t>> elongations;
};

// Fills `out` from `text`: with bit masks of 64 bytes at a time where SSE2
// is available, otherwise byte by byte (EmotionWordsByByte).
void ScanEmotionWords(std::string_view text, EmotionWords* out);
// The same, byte by byte: the reference the tests hold ScanEmotionWords to.
void EmotionWordsByByte(std::string_view text, EmotionWords* out);

// The runs of the exclamations cue: every match of
// `[!?]*(?:!!|\?!|!\?)[!?]*`, searched left to right, which are the maximal
// runs of '!' and '?' of two or more bytes with a '!' in them. Appends
// [begin, end) pairs to `out`.
void ExclamationRuns(std::string_view text, std::vector<std::pair<size_t, size_t>>* out);

}  // namespace internal
}  // namespace voc

#endif  // VOC_SRC_SIGNALS_INTERNAL_H_
