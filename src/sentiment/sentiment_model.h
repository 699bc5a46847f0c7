// Private: the optional learned part of voc's sentiment: a voc model trained
// by `voc train --task sentiment` (labels negative, neutral, positive) or a
// plain fastText classifier (labels __label__negative, __label__neutral,
// __label__positive).
#ifndef VOC_SRC_SENTIMENT_MODEL_H_
#define VOC_SRC_SENTIMENT_MODEL_H_

#include <array>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "classifier/classifier_backend.h"
#include "text/tokenizer_internal.h"
#include "voc/status.h"

namespace voc {
namespace sentiment_internal {

// Rewrites `text` the way the model's training data was prepared: ASCII
// letters lower-cased, digits and apostrophes kept, '!' and '?' split off as
// tokens, other ASCII punctuation and control characters turned into spaces,
// non-ASCII bytes kept. bench/sentiment_loco.py does the same in Python.
void PrepareModelInput(std::string_view text, std::string* out);

// Appends to a model input the tokens that describe the lexicon's judgement:
// score band (tenths), class, positive and negative strength (halves, capped),
// and "lexnone" when the lexicon found nothing; then `repeats` more copies of
// them (LexiconRepeats).
void AppendLexiconTokens(double score, double pos, double neg, std::string* out, size_t repeats = 0);

// How many more copies of the lexicon tokens than one follow a text or a
// sentence of `words` words in a model input of kind `kind`: one per
// kSentimentLexiconRepeatWords words for kSentimentLexiconInput, none for the
// earlier kinds. The one home of the rule: the training input
// (SentimentAnalyzer::ModelInput) and the prediction (SentimentModel) both
// ask here.
size_t LexiconRepeats(std::string_view kind, size_t words);

class SentimentModel {
 public:
  // NotFound if `path` cannot be opened, DataLoss if it is neither a voc
  // sentiment model nor a fastText model, or has none of the three labels.
  static Result<std::unique_ptr<SentimentModel>> Load(const std::string& path);
  ~SentimentModel();

  // Class probabilities {negative, neutral, positive} of `text`; a label the
  // model lacks gets 0. Thread-safe.
  std::array<double, 3> Predict(std::string_view text) const;
  // Predict of `text` (unless `text_probs` is null) and of each part
  // (internal::PartText), with the same results; a voc model reads `text`
  // once and each part's suffix once, however often it repeats.
  void PredictParts(std::string_view text, const std::vector<internal::TextPart>& parts,
                    std::array<double, 3>* text_probs, std::vector<std::array<double, 3>>* part_probs) const;
  // Predict of `text` followed by `suffix` 1 + `repeats` times, the suffix
  // read once.
  std::array<double, 3> PredictWithSuffix(std::string_view text, std::string_view suffix,
                                          uint32_t repeats) const;
  // Whether Predict expects the text with AppendLexiconTokens applied.
  bool wants_lexicon_tokens() const;
  // LexiconRepeats of the model's input kind for a text of `words` words.
  uint32_t lexicon_repeats(size_t words) const;
  // Sets `out` to `text` as the model reads it before any lexicon tokens:
  // the text itself, or with its tokens that are not words blanked (inputs
  // "words/1", kSentimentLexiconInput and V2). Byte offsets are kept.
  // `social`, if given, holds the social tokens of `text` (SocialSpans).
  void PrepareText(std::string_view text, std::string* out,
                   const std::vector<tokenizer_internal::SocialSpan>* social = nullptr) const;

 private:
  SentimentModel();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sentiment_internal
}  // namespace voc

#endif  // VOC_SRC_SENTIMENT_MODEL_H_
