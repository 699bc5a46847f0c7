// Private: the history and actions part of DetectFindings() (history.cc).
#ifndef VOC_SRC_FINDINGS_HISTORY_H_
#define VOC_SRC_FINDINGS_HISTORY_H_

#include "voc/findings.h"

namespace voc {
namespace internal {

// Judges `out->options.actions` (Finding::actions, a warning per unknown
// theme) and, with `out->options.history`, compares the findings with the
// previous run: Finding::history, Findings::resolved, changes and run.
// Call after the findings are ranked.
void ApplyHistory(Findings* out);

}  // namespace internal
}  // namespace voc

#endif  // VOC_SRC_FINDINGS_HISTORY_H_
