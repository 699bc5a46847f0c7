// Private: the built-in signal cues, for the tests that hold the cue
// prefilter to RE2.
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

}  // namespace internal
}  // namespace voc

#endif  // VOC_SRC_SIGNALS_INTERNAL_H_
