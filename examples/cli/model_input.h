// What `voc eval` and `voc predict` feed a model: the text prepared as the
// model's ModelInfo::input names (voc::ModelInput, voc/model_input.h).
#ifndef VOC_EXAMPLES_CLI_MODEL_INPUT_H_
#define VOC_EXAMPLES_CLI_MODEL_INPUT_H_

#include <functional>
#include <string>
#include <string_view>

#include "voc/classifier.h"

namespace voc_cli {

// Returns the transformation ModelInfo::input names; throws Failure for an
// input this version cannot produce.
std::function<std::string(std::string_view)> ModelInputFor(const voc::ModelInfo& info);

}  // namespace voc_cli

#endif  // VOC_EXAMPLES_CLI_MODEL_INPUT_H_
