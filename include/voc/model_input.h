// voc/model_input.h: what a trained model reads. A model made by voc
// records in ModelInfo::input how its training texts were prepared, and a
// text must be prepared the same way before Predict, Explain or Evaluate:
//
//   "text"                 the text itself (TrainOptions::input's default)
//   "words/1"              kWordsInput: the text with every token that is
//                          not a word blanked (WordsOnly); the theme models
//                          `voc train` makes
//   "sentiment-lexicon/3"  kSentimentLexiconInput: words/1, then tokens that
//                          describe the sentiment lexicon's judgement of the
//                          text, once more for every 16 words
//                          (TrainSentimentModel, voc/sentiment.h)
//   "sentiment-lexicon/2"  kSentimentLexiconInputV2: words/1, then the
//                          lexicon tokens once (earlier versions)
//   "sentiment-lexicon/1"  kSentimentLexiconInputV1: the text itself, then
//                          the lexicon tokens (sentiment models of earlier
//                          versions)
//
//   auto input = voc::ModelInput::Create(model->info().input);
//   if (!input.ok()) return input.status();
//   auto top = model->Predict(input->Prepare(text), 3);
//
// Every preparation keeps byte offsets: it blanks (one space per byte),
// never removes, and appends only after the text, so the spans Explain
// reports for a prepared text point into the original one.
#ifndef VOC_MODEL_INPUT_H_
#define VOC_MODEL_INPUT_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "voc/classifier.h"
#include "voc/status.h"

namespace voc {

class SentimentAnalyzer;

// `text` with every token that is not a word replaced by spaces, byte for
// byte: URLs, e-mail addresses, @mentions, redaction masks ("[EMAIL]",
// "XXXX"), money, times, numbers ("42", "3rd", "1,234.56") and the '#' of a
// hashtag (its word stays). Words, punctuation, emoji and emoticons are
// kept. The tokens are the Tokenizer's (voc/tokenizer.h), so these are the
// tokens that are never sentiment or theme words anywhere in voc.
std::string WordsOnly(std::string_view text);

// The preparation a ModelInfo::input names. Copyable and cheap to copy
// (the sentiment lexicon a lexicon kind needs is shared); Prepare is
// thread-safe.
class ModelInput {
 public:
  // FailedPrecondition "the model expects input 'KIND', which this version
  // cannot produce" for a kind not listed above.
  static Result<ModelInput> Create(const std::string& kind);

  // `text` as a model of this input reads it.
  std::string Prepare(std::string_view text) const;
  // The rows with their texts prepared (labels unchanged).
  std::vector<LabeledText> Prepare(const std::vector<LabeledText>& rows) const;
  const std::string& kind() const { return kind_; }

 private:
  ModelInput() = default;
  std::string kind_;
  std::shared_ptr<const SentimentAnalyzer> lexicon_;  // the lexicon kinds
};

// Trains a model on `rows` (and options.validation) prepared as
// options.input names ("text" or kWordsInput), through TextClassifier::Train.
// A sentiment-lexicon kind is InvalidArgument here: TrainSentimentModel
// makes those. An unknown kind fails as ModelInput::Create does.
Result<std::unique_ptr<TextClassifier>> TrainModel(const std::vector<LabeledText>& rows,
                                                   TrainOptions options);

}  // namespace voc

#endif  // VOC_MODEL_INPUT_H_
