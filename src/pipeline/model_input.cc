// What a trained model reads (see voc/model_input.h).
#include "voc/model_input.h"

#include <utility>

#include "text/segment.h"
#include "voc/sentiment.h"

namespace voc {

std::string WordsOnly(std::string_view text) {
  std::string out;
  internal::BlankNonWords(text, &out);
  return out;
}

Result<ModelInput> ModelInput::Create(const std::string& kind) {
  ModelInput in;
  in.kind_ = kind;
  if (kind == "text" || kind == kWordsInput) return in;
  if (kind == kSentimentLexiconInput || kind == kSentimentLexiconInputV2 ||
      kind == kSentimentLexiconInputV1) {
    SentimentOptions options;
    options.sentences = false;
    auto lexicon = SentimentAnalyzer::Create(options);
    if (!lexicon.ok()) return lexicon.status();
    in.lexicon_ = std::shared_ptr<const SentimentAnalyzer>(std::move(*lexicon));
    return in;
  }
  return FailedPreconditionError("the model expects input '" + kind + "', which this version cannot produce");
}

std::string ModelInput::Prepare(std::string_view text) const {
  if (lexicon_) return lexicon_->ModelInput(text, kind_);
  if (kind_ == kWordsInput) return WordsOnly(text);
  return std::string(text);
}

std::vector<LabeledText> ModelInput::Prepare(const std::vector<LabeledText>& rows) const {
  std::vector<LabeledText> out;
  out.reserve(rows.size());
  for (const LabeledText& r : rows) out.push_back({Prepare(r.text), r.labels});
  return out;
}

Result<std::unique_ptr<TextClassifier>> TrainModel(const std::vector<LabeledText>& rows,
                                                   TrainOptions options) {
  if (options.input == kSentimentLexiconInput || options.input == kSentimentLexiconInputV2 ||
      options.input == kSentimentLexiconInputV1)
    return InvalidArgumentError("input '" + options.input + "' is made by TrainSentimentModel");
  if (options.input.empty() || options.input == "text") return TextClassifier::Train(rows, options);
  auto input = ModelInput::Create(options.input);
  if (!input.ok()) return input.status();
  options.validation = input->Prepare(options.validation);
  return TextClassifier::Train(input->Prepare(rows), options);
}

}  // namespace voc
