// Private helpers shared by the report writers.
#ifndef VOC_SRC_REPORT_UTIL_H_
#define VOC_SRC_REPORT_UTIL_H_

#include <string>

#include "voc/findings.h"

namespace voc {
namespace internal {

// "12%" for shares >= 10%, "3.4%" below.
std::string PercentText(double share);
// "2024-W01 to 2024-W12 (12 weeks)".
std::string WindowText(const Findings& f);

}  // namespace internal
}  // namespace voc

#endif  // VOC_SRC_REPORT_UTIL_H_
