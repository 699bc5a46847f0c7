// Private: the ensemble backend, a weighted average of the probabilities of a
// linear and a fastText model trained on the same rows. Payload:
// u32 version, f32 linear weight, u64 size + linear payload, u64 size +
// fastText payload; each part is validated by its own loader.
#include <cmath>

#include "classifier/classifier_backend.h"

namespace voc::internal {
namespace {

constexpr uint32_t kEnsemblePayloadVersion = 1;

class Ensemble : public Backend {
 public:
  Ensemble(std::unique_ptr<Backend> linear, std::unique_ptr<Backend> fasttext, double w)
      : linear_(std::move(linear)), fasttext_(std::move(fasttext)), w_(w) {}
  const char* name() const override { return "ensemble"; }

  void Probabilities(std::string_view text, std::vector<double>* probs) const override {
    thread_local std::vector<double> other;
    linear_->Probabilities(text, probs);
    fasttext_->Probabilities(text, &other);
    for (size_t l = 0; l < probs->size() && l < other.size(); ++l)
      (*probs)[l] = w_ * (*probs)[l] + (1 - w_) * other[l];
  }
  // The linear part carries byte spans of words and character n-grams.
  std::vector<FeatureContribution> Explain(std::string_view text, int label,
                                           int max_features) const override {
    return linear_->Explain(text, label, max_features);
  }
  nlohmann::json Quantize(std::size_t max_features) override {
    return {{"linear", linear_->Quantize(max_features)}, {"fasttext", fasttext_->Quantize(max_features)}};
  }
  std::string Serialize() const override {
    std::string a = linear_->Serialize(), b = fasttext_->Serialize();
    ByteWriter w;
    w.U32(kEnsemblePayloadVersion);
    w.F32(static_cast<float>(w_));
    w.U64(a.size());
    w.Bytes(a);
    w.U64(b.size());
    w.Bytes(b);
    return std::move(w.str());
  }

 private:
  std::unique_ptr<Backend> linear_, fasttext_;
  double w_;
};

}  // namespace

std::unique_ptr<Backend> MakeEnsemble(std::unique_ptr<Backend> linear, std::unique_ptr<Backend> fasttext,
                                      double linear_weight) {
  // Store the weight as the file will, so a loaded model predicts the same.
  float w = static_cast<float>(linear_weight);
  return std::make_unique<Ensemble>(std::move(linear), std::move(fasttext), w);
}

Result<std::unique_ptr<Backend>> LoadEnsemble(std::string_view payload,
                                              const std::vector<std::string>& labels, bool multi_label) {
  ByteReader r(payload);
  uint32_t version;
  float w;
  uint64_t na, nb;
  std::string_view a, b;
  if (!r.U32(&version) || !r.F32(&w)) return DataLossError("corrupt ensemble model: truncated header");
  if (version != kEnsemblePayloadVersion)
    return FailedPreconditionError("ensemble payload version " + std::to_string(version) +
                                   " is not supported");
  if (!std::isfinite(w) || w < 0 || w > 1) return DataLossError("corrupt ensemble model: bad weight");
  if (!r.U64(&na) || na > r.remaining() || !r.Bytes(static_cast<size_t>(na), &a) || !r.U64(&nb) ||
      nb != r.remaining() || !r.Bytes(static_cast<size_t>(nb), &b))
    return DataLossError("corrupt ensemble model: part sizes do not match the payload");
  auto lin = LoadLinear(a, static_cast<int>(labels.size()), multi_label);
  if (!lin.ok()) return lin.status();
  auto ft = LoadFastText(b, labels, multi_label);
  if (!ft.ok()) return ft.status();
  return std::unique_ptr<Backend>(std::make_unique<Ensemble>(std::move(*lin), std::move(*ft), w));
}

}  // namespace voc::internal
