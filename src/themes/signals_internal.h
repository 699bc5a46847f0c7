// Private: the built-in signal cues and profanity patterns, for the tests
// that hold the cue prefilter to RE2.
#ifndef VOC_SRC_SIGNALS_INTERNAL_H_
#define VOC_SRC_SIGNALS_INTERNAL_H_

#include <re2/re2.h>

#include <string>
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

}  // namespace internal
}  // namespace voc

#endif  // VOC_SRC_SIGNALS_INTERNAL_H_
