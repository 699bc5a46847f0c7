// voc/sentiment.h: out-of-the-box sentiment of customer text, per document
// and per sentence, with the evidence that drove it.
//
//   voc::SentimentOptions options;
//   options.model_path = "models/sentiment.vocm";  // empty: lexicon and rules only
//   auto analyzer = voc::SentimentAnalyzer::Create(options);
//   if (!analyzer.ok()) return analyzer.status();
//   voc::SentimentResult r = (*analyzer)->Analyze("Still waiting on my refund :(");
//   // r.document.label == voc::Polarity::kNegative; r.document.evidence
//   // holds the byte spans of "Still waiting", "refund" and ":(".
//
// The lexicon (VADER's, MIT, plus voc's customer-service terms and emoji
// valences) is compiled into the library; rules handle negation scope,
// intensifiers and dampeners, contrast ("but", "however"), ALL-CAPS emphasis,
// exclamation marks, emoji and emoticons. An optional model adds a learned
// opinion: the shipped one (TrainSentimentModel) sees each text's words and
// the lexicon's judgement of it; see models/SENTIMENT.md for how it was
// chosen and measured.
//
// Thread safety: a SentimentAnalyzer is immutable after Create(); Analyze()
// is const and may be called from many threads at once.
#ifndef VOC_SENTIMENT_H_
#define VOC_SENTIMENT_H_

#include <array>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "voc/analysis.h"
#include "voc/classifier.h"
#include "voc/json.h"
#include "voc/status.h"
#include "voc/tokenizer.h"

namespace voc {

struct SentimentOptions {
  // Sentiment model: a voc model trained by `voc train --task sentiment`
  // (TrainSentimentModel: stacked on this lexicon), a model of input "text"
  // or "words/1" (voc/model_input.h), or a fastText model (labels [__label__]negative/neutral/positive).
  // Default: empty, which means lexicon and rules only. Callers that want the shipped model resolve its path
  // (<models dir>/sentiment.vocm).
  std::string model_path;
  // Weight of the model's class probabilities in the blend with the lexicon's
  // (0 = lexicon only, 1 = model only). Default 1: a stacked model already
  // weighs the lexicon's judgement, and measured out of domain it beats every
  // blend chosen without the tested corpus (models/SENTIMENT.md). Lower it
  // for a model that does not see the lexicon. Ignored without a model.
  double model_weight = 1.0;
  // Temperature applied to the model's probabilities before the blend
  // (p^(1/T), renormalised); values above 1 soften an over-confident model.
  // Default 1 (the model's own calibration). Ignored without a model.
  double model_temperature = 1.0;
  // Lexicon score magnitude at which a text stops being neutral. Default 0.15.
  double neutral_threshold = 0.15;
  // Compute per-sentence results. Default true.
  bool sentences = true;
  // Most evidence spans kept per document and per sentence (the strongest
  // ones, reported in text order). Default 8.
  int max_evidence = 8;
};

struct SentimentResult {
  Sentiment document;
  std::vector<SentenceSentiment> sentences;
  // The parts of the blend, for explanation and evaluation.
  double lexicon_score = 0.0;  // in [-1, 1]
  // Summed positive and negative strengths of the lexicon hits (after rules).
  double lexicon_positive = 0.0, lexicon_negative = 0.0;
  bool has_model = false;
  // Model class probabilities {negative, neutral, positive}; zeros without a model.
  std::array<double, 3> model_probabilities{};
};

// ModelInfo::input of the models TrainSentimentModel makes: the text with
// its tokens that are not words blanked, then the lexicon tokens, repeated
// once more for every kSentimentLexiconRepeatWords words of the text (so
// that the lexicon's share of a long text's features does not shrink).
inline constexpr char kSentimentLexiconInput[] = "sentiment-lexicon/3";
inline constexpr int kSentimentLexiconRepeatWords = 16;
// ModelInfo::input of the models earlier versions made; such models still
// load and predict as before. /2: words blanked, the lexicon tokens once;
// /1: the text as it is, the lexicon tokens once.
inline constexpr char kSentimentLexiconInputV2[] = "sentiment-lexicon/2";
inline constexpr char kSentimentLexiconInputV1[] = "sentiment-lexicon/1";

// TrainOptions::class_weight_power of the models TrainSentimentModel makes.
inline constexpr double kSentimentClassWeightPower = 0.5;

class SentimentAnalyzer {
 public:
  // Builds the lexicon tables and loads the model, if any. Errors:
  // InvalidArgument for out-of-range options, NotFound for a missing model
  // file, DataLoss for a file that is neither a voc sentiment model nor a
  // fastText model.
  static Result<std::unique_ptr<SentimentAnalyzer>> Create(const SentimentOptions& options);
  ~SentimentAnalyzer();

  // Scores UTF-8 `text` (invalid bytes are tolerated). Offsets in the result
  // are byte offsets into `text`.
  // Uses a built-in scanner for words, emoji, emoticons, ratings written
  // with a number ("9/10", "1 out of 5", "5 stars") and sentences.
  SentimentResult Analyze(std::string_view text) const;

  // Scores `text` with the tokens and sentences the pipeline's Tokenizer
  // already produced for it (`tokens` must come from tokenizing `text`):
  // words, contractions, numbers and hashtags (without '#') are looked up,
  // emoji, emoticons and ratings ("9/10", "5 stars") scored, URLs, e-mails, mentions, masks, money and
  // times ignored. Tokens that lie outside `text` are skipped. Sentences keep
  // the Tokenizer's byte ranges; a sentence with nothing scorable in it (only
  // a URL, say) has no entry in `sentences`.
  SentimentResult Analyze(std::string_view text, const Tokenization& tokens) const;

  bool has_model() const;

  // What a model of input `input` is given for `text`: the text, with its
  // tokens that are not words blanked (kSentimentLexiconInput and V2, as
  // "words/1" in voc/model_input.h) or as it is (kSentimentLexiconInputV1),
  // followed by tokens describing this analyzer's lexicon judgement of the
  // whole text (score band, class, positive and negative strength; with
  // kSentimentLexiconInput repeated as it says). Byte offsets into
  // the text stay valid in the result.
  std::string ModelInput(std::string_view text, std::string_view input = kSentimentLexiconInput) const;

 private:
  SentimentAnalyzer();
  friend class ImplAccess;  // the Analyzer keeps the scan's social tokens
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// SentimentToJson, the `voc sentiment` format: voc/json.h.

// Trains a model for SentimentOptions::model_path from texts labeled
// negative, neutral or positive, by stacking: a linear model (LIBLINEAR) over
// TF-IDF word 1-2 grams of each text (its tokens that are not words
// blanked: URLs, mentions, e-mails, masks, numbers) plus tokens that describe the lexicon's
// judgement of it (SentimentAnalyzer::ModelInput), so that it learns how far
// to trust the lexicon and which words the lexicon misses. Of `options`, the
// task ("sentiment"), input (kSentimentLexiconInput) and char_ngrams (false)
// are set here, and so is class_weight_power (kSentimentClassWeightPower: the
// labels' imbalance corrected halfway, so that the model leans less towards
// the rarer labels of its training rows on text whose mix of labels differs);
// backend "auto" becomes "linear" ("fasttext" trains a
// fastText model on the same input); the rest apply as given. The two are
// measured against each other in models/SENTIMENT.md.
Result<std::unique_ptr<TextClassifier>> TrainSentimentModel(const std::vector<LabeledText>& rows,
                                                            TrainOptions options);

}  // namespace voc

#endif  // VOC_SENTIMENT_H_
