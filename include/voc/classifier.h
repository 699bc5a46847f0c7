// voc/classifier.h: trainable, explainable text classifiers (themes,
// sentiment, intents) with a self-checking model file format.
//
//   std::vector<voc::LabeledText> rows = {{"card was charged twice", {"billing"}}, ...};
//   voc::TrainOptions options;            // good defaults: auto-tuned on a held-back slice
//   options.task = "themes";
//   auto model = voc::TextClassifier::Train(rows, options);
//   if (!model.ok()) return model.status();
//   VOC_RETURN_IF_ERROR((*model)->Save("themes.vocm"));
//   auto loaded = voc::TextClassifier::Load("themes.vocm", "themes");
//   std::vector<voc::Prediction> top = (*loaded)->Predict("charged twice!", 3);
//   voc::EvalReport report = voc::Evaluate(**loaded, test_rows);
//
// Two private backends: a linear model (LIBLINEAR) over TF-IDF word 1-2 grams
// and character 2-5 grams, and fastText (supervised, word and character
// n-grams). A stratified, seeded validation slice of the training rows
// calibrates probabilities and multi-label thresholds; with `search` a grid
// of settings of both backends is tried on it and the best by macro-F1
// (ties: accuracy) is retrained on all rows.
//
// Thread safety: a TextClassifier is immutable after Train() or Load(); all
// const methods (Predict, Explain, ...) may be called from many threads at once.
#ifndef VOC_CLASSIFIER_H_
#define VOC_CLASSIFIER_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "voc/status.h"

namespace voc {

// One training or evaluation example. Single-label tasks use exactly one
// label; multi-label tasks may use zero or more.
struct LabeledText {
  std::string text;
  std::vector<std::string> labels;
};

// ModelInfo::input of models that read only the words of a text: every
// token that is not a word (URLs, e-mail addresses, @mentions, hashtag
// marks, redaction masks, numbers, money, times) blanked, byte offsets kept
// (voc::WordsOnly in voc/model_input.h). The input of the theme models `voc
// train` makes.
inline constexpr char kWordsInput[] = "words/1";

struct TrainOptions {
  // Name of the task the model is for ("themes", "sentiment", ...). Stored in
  // the model; Load(path, expected_task) refuses a model of another task.
  // Default "themes".
  std::string task = "themes";
  // Whether an example may carry several labels (one-vs-all models with
  // per-label thresholds tuned on the validation slice). Default false.
  bool multi_label = false;
  // Separator of several labels in one label field, used by the CLI and by
  // SplitLabels(). Default '|'.
  char label_separator = '|';
  // Seed of every random choice (validation split, fastText). Same rows, same
  // options and same seed give the same model. Default 13.
  int seed = 13;
  // Share of the training rows held back (stratified by label) to choose the
  // settings; the chosen settings are then retrained on all rows. 0 disables
  // the search and uses the backend's first setting. Default 0.15.
  double validation_fraction = 0.15;
  // Rows to choose settings on instead of a slice of the training rows (for
  // example the CLI's --validation FILE). Default empty (use a slice).
  std::vector<LabeledText> validation;
  // "auto" (with `search`: try both, keep the best on validation; without:
  // the linear model), "linear" or "fasttext". Default "auto".
  std::string backend = "auto";
  // Tries a grid of settings (linear C and class weighting, fastText with
  // word or character n-grams, their ensemble) on the validation rows and
  // keeps the best by macro-F1. Default false: the first setting of the
  // backend (linear: balanced L2-loss SVM, C = 0.5) is trained, scored on the
  // validation rows (metrics, probability calibration, multi-label
  // thresholds) and retrained on all rows. Measured on the four splits of
  // BASELINES.md, one 15% slice chose worse settings than this default on
  // the tweets split (see bench/results/classify.md).
  bool search = false;
  // Linear backend: the stopping tolerance of LIBLINEAR's dual solver.
  // Default 0.01, the setting the shipped models were trained with; 0.1
  // (LIBLINEAR's own default) trains about twice as fast with the same
  // predictions on all but a few texts, and is what theme adaptation uses.
  double solver_tolerance = 0.01;
  // Linear backend, multi-label L2-loss SVM (the default solver): "liblinear"
  // (the default; the shipped models were trained so) runs LIBLINEAR's dual
  // coordinate descent, which shuffles the rows with the C library's rand()
  // and so trains one problem at a time in a process under a lock; "voc"
  // runs voc's own copy of the same solver with a generator of its own per
  // label (seeded by `seed` and the label), so that trainings run in
  // parallel and the model does not depend on the thread count or on other
  // trainings. The two visit the rows in other orders: the weights differ
  // within the solver's tolerance. Theme adaptation uses "voc".
  std::string linear_solver = "liblinear";
  // Linear backend, balanced settings: a label's loss is weighed by
  // (rows / (labels x rows of the label)) to this power. 1 (the default)
  // weighs every label's rows as much in total; 0.5 corrects the imbalance
  // halfway (square root), so that a rare label is favoured less on text
  // whose label mix differs from the training rows'.
  double class_weight_power = 1.0;
  // Linear backend, multi-label L2-loss SVM with linear_solver "voc": each
  // label's problem keeps its positive rows and at most
  // max(negative_ratio x positives, negative_floor) of the other rows,
  // drawn by a hash of (seed, label, row); the balanced weights are those
  // of the rows kept. A rare label's problem, which converges slowest, then
  // costs little. At least one negative is kept. 0 (the default) keeps
  // every row. Theme adaptation uses 10 and 1000. Other linear candidates
  // (the logistic ones of `search`) keep every row.
  double negative_ratio = 0;
  std::size_t negative_floor = 1000;
  // Linear model: add TF-IDF character 2-5 grams to the word 1-2 grams. They
  // help with misspellings and rare word forms; without them prediction is
  // several times faster. Default true.
  bool char_ngrams = true;
  // What the model's input is, stored in the model and reported by
  // ModelInfo::input: "text" (the text itself) or the name of a
  // preparation callers must apply before Predict, Explain and Evaluate:
  // kWordsInput, "sentiment-lexicon/3" (TrainSentimentModel in
  // voc/sentiment.h). Train takes the rows as given; TrainModel
  // (voc/model_input.h) prepares them as `input` names. Default "text".
  std::string input = "text";
  // Makes the stored model small: the linear model keeps its strongest
  // features with 8-bit weights, fastText is product-quantized. Default false.
  bool quantize = false;
  // Upper bound on the number of features a quantized linear model keeps.
  // Default 150000.
  std::size_t quantize_max_features = 150000;
  // fastText vector dimension and hash buckets of word and character
  // n-grams (the unquantized model holds (words + buckets) x dim floats).
  // Defaults 50 and 200000.
  int fasttext_dim = 50;
  int fasttext_bucket = 200000;
  // Training threads; 0 = 1 thread. fastText: its multi-threaded training
  // is not deterministic (one thread is). Linear backend with
  // linear_solver "voc": the labels' problems are solved this many at a
  // time, and the model is the one a single thread trains. Default 0.
  int threads = 0;
  // Prints progress (candidates and their validation scores) to stderr.
  // Default false.
  bool verbose = false;
};

struct Prediction {
  std::string label;
  double probability = 0;  // in [0, 1]
};

// A feature that pushed the explained label, with its contribution to the
// label's score and, where it comes from a contiguous piece of the text, the
// UTF-8 byte span [begin, end) of that piece (begin == end when not).
struct FeatureContribution {
  std::string feature;  // e.g. "word:charged", "words:charged twice", "char:harg"
  double weight = 0;
  std::size_t begin = 0;
  std::size_t end = 0;
};

struct Explanation {
  std::string label;
  double probability = 0;
  std::vector<FeatureContribution> features;  // strongest positive first
};

struct ModelInfo {
  std::string task;
  std::string backend;  // "linear" or "fasttext"
  bool multi_label = false;
  std::vector<std::string> labels;
  std::string input = "text";      // TrainOptions::input of the training run
  std::string metadata_json;       // everything stored about training
  double validation_accuracy = 0;  // of the chosen setting on validation
  double validation_macro_f1 = 0;
};

struct LabelMetrics {
  std::string label;
  double precision = 0, recall = 0, f1 = 0;
  uint64_t support = 0;  // examples carrying the label
};

struct EvalReport {
  // Single-label: share of examples whose top label is right. Multi-label:
  // share whose predicted label set equals the true set.
  double accuracy = 0;
  double macro_f1 = 0;  // mean F1 over `labels`
  std::vector<LabelMetrics> per_label;
  std::vector<std::string> labels;  // the model's labels, then unseen true labels
  // Single-label: confusion[true][predicted] over `labels`. Empty for multi-label.
  std::vector<std::vector<uint64_t>> confusion;
  uint64_t n = 0;
};

class TextClassifier {
 public:
  // Trains a model. Fails on no rows, fewer than two labels, rows without a
  // label in single-label mode, or an unknown backend.
  static Result<std::unique_ptr<TextClassifier>> Train(const std::vector<LabeledText>& rows,
                                                       const TrainOptions& options);
  // Loads and fully validates a model file. With `expected_task` non-empty a
  // model trained for another task is refused.
  static Result<std::unique_ptr<TextClassifier>> Load(const std::string& path,
                                                      std::string_view expected_task = {});
  // Same as Load, from bytes in memory.
  static Result<std::unique_ptr<TextClassifier>> FromBytes(std::string_view bytes,
                                                           std::string_view expected_task = {});

  ~TextClassifier();
  TextClassifier(const TextClassifier&) = delete;
  TextClassifier& operator=(const TextClassifier&) = delete;

  // Writes the model atomically (temporary file, then rename).
  Status Save(const std::string& path) const;
  // The model file's bytes.
  std::string Serialize() const;

  // The `k` most probable labels, most probable first.
  std::vector<Prediction> Predict(std::string_view text, int k = 1) const;
  // Multi-label: every label above its tuned threshold, most probable first.
  // Single-label: the top label.
  std::vector<Prediction> PredictAboveThresholds(std::string_view text) const;
  // Why the top label (or `label`, when given) was predicted: up to
  // `max_features` features with the largest positive contributions.
  Explanation Explain(std::string_view text, std::string_view label = {}, int max_features = 10) const;

  const ModelInfo& info() const;

 private:
  friend class ImplAccess;  // the sentiment model calls the backend directly
  struct Impl;
  explicit TextClassifier(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Scores `model` on labeled rows (top label for single-label models,
// PredictAboveThresholds for multi-label ones).
EvalReport Evaluate(const TextClassifier& model, const std::vector<LabeledText>& rows);

// Splits a label field on `separator`, trimming spaces and dropping empty parts.
std::vector<std::string> SplitLabels(std::string_view field, char separator);

struct CsvReadOptions {
  std::string text_column = "text";    // default "text"
  std::string label_column = "label";  // default "label"
  bool multi_label = false;            // split labels on `label_separator`; default false
  char label_separator = '|';          // default '|'
};

// Reads labeled rows from an RFC 4180 CSV file with a header row (quoted
// fields may hold commas, doubled quotes and newlines; a UTF-8 BOM is
// skipped). Fails on an unreadable file, a missing column, a malformed
// record (reported with its line) or no data rows. In single-label mode a
// row with an empty label is an error.
Result<std::vector<LabeledText>> ReadLabeledCsv(const std::string& path, const CsvReadOptions& options);

}  // namespace voc

#endif  // VOC_CLASSIFIER_H_
