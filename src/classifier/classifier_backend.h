// Private: the backends behind voc::TextClassifier and what they share.
#ifndef VOC_SRC_CLASSIFIER_BACKEND_H_
#define VOC_SRC_CLASSIFIER_BACKEND_H_

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "voc/classifier.h"
#include "voc/status.h"

namespace voc::internal {

// Training rows with labels mapped to indices into the model's label list.
struct TrainData {
  std::vector<const LabeledText*> rows;
  std::vector<std::vector<int>> ids;  // label indices of each row
  int num_labels = 0;
  bool multi_label = false;
};

// A piece of a text with words appended: text[begin, end) + suffix, the
// suffix `repeats` more times.
struct TextPart {
  uint32_t begin = 0, end = 0;
  std::string_view suffix;
  uint32_t repeats = 0;
};

// The text of `part`: its piece of `text` (clamped to it) and its suffix,
// 1 + repeats times.
inline std::string PartText(std::string_view text, const TextPart& part) {
  const size_t begin = std::min<size_t>(part.begin, text.size());
  const size_t end = std::min<size_t>(std::max(part.begin, part.end), text.size());
  std::string s(text.substr(begin, end - begin));
  s.reserve(s.size() + part.suffix.size() * (size_t{1} + part.repeats));
  for (size_t r = 0; r <= part.repeats; ++r) s.append(part.suffix);
  return s;
}

class Backend {
 public:
  virtual ~Backend() = default;
  // "linear" or "fasttext".
  virtual const char* name() const = 0;
  // Probability of every label (single-label: sums to 1; multi-label: each
  // label on its own). `probs` is resized to the number of labels.
  virtual void Probabilities(std::string_view text, std::vector<double>* probs) const = 0;
  // Probabilities of `text` (unless `text_probs` is null) and of each part
  // (PartText): exactly what Probabilities gives for each. This default
  // calls it for each; the linear model extracts the features of `text`
  // once, and those of a repeated suffix once.
  virtual void PartsProbabilities(std::string_view text, const std::vector<TextPart>& parts,
                                  std::vector<double>* text_probs,
                                  std::vector<std::vector<double>>* part_probs) const;
  // Features with their contribution to `label`'s score, strongest first.
  virtual std::vector<FeatureContribution> Explain(std::string_view text, int label,
                                                   int max_features) const = 0;
  // Fits the mapping from scores to probabilities on validation rows.
  virtual void Calibrate(const TrainData& validation) {}
  // Copies that mapping from a model trained with the same settings.
  virtual void CopyCalibration(const Backend& other) {}
  // Makes the model small; returns a description of what was kept.
  virtual nlohmann::json Quantize(std::size_t max_features) = 0;
  // The payload stored in the model file.
  virtual std::string Serialize() const = 0;
};

// The backend of a classifier (for the library's own hot paths).
const Backend& BackendOf(const TextClassifier& classifier);

// Trains linear models with several settings on the same rows, sharing the
// feature extraction.
class LinearTrainer {
 public:
  // `char_ngrams`: add character 2-5 grams to the word 1-2 grams.
  LinearTrainer(const TrainData& data, bool char_ngrams);
  ~LinearTrainer();
  // `params`: {"solver": "svc"|"lr", "C": double, "balanced": bool}.
  // `threads` (0: one) solve the labels' problems at once when each has
  // draws of its own ("shuffle": "voc"); the model does not depend on it.
  Result<std::unique_ptr<Backend>> Train(const nlohmann::json& params, int seed, int threads = 0);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// The raw decision values of a linear model, through its packed prediction
// tables or (`reference`) the straightforward FeatureIndex/Vectorize path.
// False if `model` is not a linear model. For tests.
bool LinearDecisions(const Backend& model, std::string_view text, bool reference, std::vector<double>* out);
// The probabilities Probabilities would give `labels` (model label indices),
// in that order, computing no other label's: false (nothing computed) if
// `model` is not a multi-label linear model.
bool LinearLabelProbabilities(const Backend& model, std::string_view text, const std::vector<int>& labels,
                              std::vector<double>* out);

// The negative rows a label's problem keeps under TrainOptions::
// negative_ratio and negative_floor: when the label has the positive rows
// `yes` (ascending) of `rows`, max(ratio x positives, floor, 1) of the
// others, those with the smallest hash of (seed, label, row), so that the
// choice depends on neither the thread count nor the other labels; as a
// mask over all rows (positives 0). Empty: every row (ratio 0, or no more
// negatives than that).
std::vector<char> KeptNegatives(const std::vector<uint32_t>& yes, size_t rows, double ratio, size_t floor,
                                int seed, int label);

Result<std::unique_ptr<Backend>> LoadLinear(std::string_view payload, int num_labels, bool multi_label);

// Trains fastText models on the same rows (written once to a temporary file).
class FastTextTrainer {
 public:
  explicit FastTextTrainer(const TrainData& data, const std::vector<std::string>& labels);
  ~FastTextTrainer();
  // `params`: {"epoch", "lr", "wordNgrams", "minn", "maxn", "dim", "bucket"}.
  Result<std::unique_ptr<Backend>> Train(const nlohmann::json& params, int seed, int threads);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// Validates a fastText model image completely, then loads it. `labels` are
// the labels the container declares; the payload must hold exactly these.
Result<std::unique_ptr<Backend>> LoadFastText(std::string_view payload,
                                              const std::vector<std::string>& labels, bool multi_label);

// A weighted average of a linear and a fastText model's probabilities.
std::unique_ptr<Backend> MakeEnsemble(std::unique_ptr<Backend> linear, std::unique_ptr<Backend> fasttext,
                                      double linear_weight);
Result<std::unique_ptr<Backend>> LoadEnsemble(std::string_view payload,
                                              const std::vector<std::string>& labels, bool multi_label);

// Little-endian byte writer and bounds-checked reader.
class ByteWriter {
 public:
  void U8(uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void U32(uint32_t v) {
    for (int i = 0; i < 4; ++i) U8(static_cast<uint8_t>(v >> (8 * i)));
  }
  void U64(uint64_t v) {
    for (int i = 0; i < 8; ++i) U8(static_cast<uint8_t>(v >> (8 * i)));
  }
  void F32(float f);
  void Bytes(std::string_view b) { out_.append(b.data(), b.size()); }
  std::string& str() { return out_; }

 private:
  std::string out_;
};

class ByteReader {
 public:
  explicit ByteReader(std::string_view in) : in_(in) {}
  bool U8(uint8_t* v);
  bool U32(uint32_t* v);
  bool U64(uint64_t* v);
  bool F32(float* v);
  bool Bytes(size_t n, std::string_view* out);
  size_t remaining() const { return in_.size() - pos_; }
  size_t pos() const { return pos_; }
  bool Skip(size_t n) {
    if (remaining() < n) return false;
    pos_ += n;
    return true;
  }

 private:
  std::string_view in_;
  size_t pos_ = 0;
};

// Checks a raw fastText supervised single-label model image (labels named
// `__label__<name>`, as the fastText command line writes them) before
// fastText loads it: every size is bounded by the image, every weight finite.
// Softmax and hierarchical-softmax losses are accepted.
Status ValidateNamedFastTextImage(std::string_view image);

}  // namespace voc::internal

#endif  // VOC_SRC_CLASSIFIER_BACKEND_H_
