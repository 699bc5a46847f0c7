#include "model_input.h"

#include <memory>

#include "cli.h"
#include "voc/model_input.h"

namespace voc_cli {

std::function<std::string(std::string_view)> ModelInputFor(const voc::ModelInfo& info) {
  auto input = voc::ModelInput::Create(info.input);
  if (!input.ok()) throw Failure(input.status().message());
  auto shared = std::make_shared<const voc::ModelInput>(std::move(*input));
  return [shared](std::string_view t) { return shared->Prepare(t); };
}

}  // namespace voc_cli
