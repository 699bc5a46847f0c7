#include "model_input.h"

#include <memory>

#include "cli.h"
#include "voc/sentiment.h"

namespace voc_cli {

std::function<std::string(std::string_view)> ModelInputFor(const voc::ModelInfo& info) {
  if (info.input == "text") return [](std::string_view t) { return std::string(t); };
  if (info.input == voc::kSentimentLexiconInput) {
    voc::SentimentOptions options;
    options.sentences = false;
    auto lexicon = voc::SentimentAnalyzer::Create(options);
    if (!lexicon.ok()) throw Failure(lexicon.status().message());
    std::shared_ptr<voc::SentimentAnalyzer> shared(std::move(*lexicon));
    return [shared](std::string_view t) { return shared->ModelInput(t); };
  }
  throw Failure("the model expects input '" + info.input + "', which this version cannot produce");
}

}  // namespace voc_cli
