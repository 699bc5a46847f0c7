// Private: the fastText backend of voc::TextClassifier. Text is lower-cased
// with punctuation split off (classifier_features.h); labels are stored in
// fastText as `__label__<index>` so any label text is safe. Before fastText
// sees a stored model, ValidateImage() walks the whole binary image and
// bounds every size, because fastText's loader trusts its input.
#include <fasttext/fasttext.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <unordered_set>
#include <sstream>
#include <utility>
#include <vector>

#include "classifier/classifier_backend.h"
#include "classifier/classifier_features.h"

namespace voc::internal {
namespace {

constexpr int32_t kFtMagic = 793712314;
constexpr int32_t kFtVersion = 12;
constexpr const char* kLabelPrefix = "__label__";

// Gives access to fastText's protected format check.
class FastTextModel : public fasttext::FastText {
 public:
  bool CheckHeader(std::istream& in) { return checkModel(in); }
};

// The line fastText sees for `text`.
std::string FtLine(std::string_view text, std::vector<FtToken>* tokens = nullptr) {
  std::vector<FtToken> local;
  std::vector<FtToken>& toks = tokens ? *tokens : local;
  FastTextTokens(text, &toks);
  std::string line;
  for (const auto& t : toks) {
    if (!line.empty()) line.push_back(' ');
    // A token that looks like a label would be read as one.
    if (t.text.compare(0, 9, kLabelPrefix) == 0) line.push_back('w');
    line += t.text;
  }
  line.push_back('\n');
  return line;
}

std::string TempPath(const char* what) {
  const char* dir = std::getenv("TMPDIR");
  std::string base = dir && *dir ? dir : "/tmp";
  static int counter = 0;
  return base + "/voc-ft-" + std::to_string(::getpid()) + "-" + std::to_string(++counter) + "-" +
         std::to_string(reinterpret_cast<uintptr_t>(&counter) & 0xffff) + what;
}

// Bounds-checked walk over a fastText model image (format version 12).
class ImageWalker {
 public:
  explicit ImageWalker(std::string_view b) : all_(b), r_(b) {}
  bool I32(int32_t* v) {
    uint32_t u;
    if (!r_.U32(&u)) return false;
    std::memcpy(v, &u, 4);
    return true;
  }
  bool I64(int64_t* v) {
    uint64_t u;
    if (!r_.U64(&u)) return false;
    std::memcpy(v, &u, 8);
    return true;
  }
  bool F64(double* v) {
    uint64_t u;
    if (!r_.U64(&u)) return false;
    std::memcpy(v, &u, 8);
    return true;
  }
  bool U8(uint8_t* v) { return r_.U8(v); }
  bool Skip(uint64_t n) {
    std::string_view s;
    return n <= r_.remaining() && r_.Bytes(static_cast<size_t>(n), &s);
  }
  // A NUL-terminated word.
  bool Word(std::string* w) {
    const size_t at = r_.pos();
    const void* nul = std::memchr(all_.data() + at, 0, all_.size() - at);
    if (nul == nullptr) return false;
    const size_t n = static_cast<size_t>(static_cast<const char*>(nul) - (all_.data() + at));
    w->assign(all_.data() + at, n);
    return r_.Skip(n + 1);
  }
  // `n` pairs of int32 (false if fewer bytes are left), read into `pairs`.
  bool I32Pairs(size_t n, std::vector<std::pair<int32_t, int32_t>>* pairs) {
    std::string_view b;
    if (n > r_.remaining() / 8 || !r_.Bytes(8 * n, &b)) return false;
    pairs->resize(n);
    auto le32 = [&b](size_t at) {  // little-endian, as I32 reads
      const auto* u = reinterpret_cast<const unsigned char*>(b.data() + at);
      return static_cast<int32_t>(uint32_t{u[0]} | uint32_t{u[1]} << 8 | uint32_t{u[2]} << 16 |
                                  uint32_t{u[3]} << 24);
    };
    for (size_t i = 0; i < n; ++i) (*pairs)[i] = {le32(8 * i), le32(8 * i + 4)};
    return true;
  }
  // `n` floats, each finite and of a magnitude a trained model can have
  // (fastText throws on NaN while predicting; huge values overflow to NaN).
  bool Floats(uint64_t n) {
    if (n > r_.remaining() / 4) return false;
    for (uint64_t i = 0; i < n; ++i) {
      float f;
      r_.F32(&f);
      if (!std::isfinite(f) || std::fabs(f) > 1e6f) return false;
    }
    return true;
  }
  size_t remaining() const { return r_.remaining(); }

 private:
  std::string_view all_;  // the whole image; r_ reads it
  ByteReader r_;
};

Status Bad(const std::string& why) { return DataLossError("corrupt fastText model: " + why); }

// A product quantizer: int32 dim, nsubq, dsub, lastdsub, then dim*256 floats.
Status WalkQuantizer(ImageWalker* w, int64_t expect_dim) {
  int32_t dim, nsubq, dsub, lastdsub;
  if (!w->I32(&dim) || !w->I32(&nsubq) || !w->I32(&dsub) || !w->I32(&lastdsub))
    return Bad("truncated quantizer");
  if (dim != expect_dim || dsub < 1 || dsub > dim || nsubq != (dim + dsub - 1) / dsub ||
      lastdsub != (dim % dsub == 0 ? dsub : dim % dsub))
    return Bad("inconsistent quantizer");
  if (!w->Floats(static_cast<uint64_t>(dim) * 256)) return Bad("truncated or invalid centroids");
  return Status::Ok();
}

// A dense (int64 m, n, floats) or quantized matrix with `rows` x `dim`.
Status WalkMatrix(ImageWalker* w, bool quantized, int64_t rows, int64_t dim) {
  if (!quantized) {
    int64_t m, n;
    if (!w->I64(&m) || !w->I64(&n)) return Bad("truncated matrix header");
    if (m != rows || n != dim) return Bad("matrix dimensions do not match the dictionary");
    if (static_cast<uint64_t>(m) * static_cast<uint64_t>(n) * 4 > w->remaining())
      return Bad("matrix larger than the file");
    if (!w->Floats(static_cast<uint64_t>(m) * n)) return Bad("matrix holds invalid numbers");
    return Status::Ok();
  }
  uint8_t qnorm;
  int64_t m, n;
  int32_t codesize;
  if (!w->U8(&qnorm) || !w->I64(&m) || !w->I64(&n) || !w->I32(&codesize))
    return Bad("truncated quantized matrix header");
  if (qnorm > 1 || m != rows || n != dim) return Bad("quantized matrix does not match the dictionary");
  // codesize = m * nsubq; checked against the quantizer below.
  if (codesize < 0 || static_cast<uint64_t>(codesize) > w->remaining())
    return Bad("codes larger than the file");
  w->Skip(static_cast<uint64_t>(codesize));
  // Peek the quantizer's dsub to check codesize: parse it fully.
  ImageWalker before = *w;
  int32_t qdim, nsubq;
  if (!before.I32(&qdim) || !before.I32(&nsubq)) return Bad("truncated quantizer");
  VOC_RETURN_IF_ERROR(WalkQuantizer(w, dim));
  if (static_cast<int64_t>(codesize) != m * nsubq) return Bad("code size does not match the matrix");
  if (qnorm) {
    if (!w->Skip(static_cast<uint64_t>(m))) return Bad("truncated norm codes");
    VOC_RETURN_IF_ERROR(WalkQuantizer(w, 1));
  }
  return Status::Ok();
}

// Walks the whole image; on success fastText can load it without reading
// past the end or allocating more than the image implies.
// With `labels` null, labels are named (`__label__<name>`, as the fastText
// command line writes them) and any count is accepted; otherwise they are
// voc's `__label__<index>` into `labels`.
Status ValidateImageLabels(std::string_view image, const std::vector<std::string>* labels, bool multi) {
  ImageWalker w(image);
  int32_t magic, version;
  if (!w.I32(&magic) || !w.I32(&version)) return Bad("truncated header");
  if (magic != kFtMagic) return Bad("bad fastText magic");
  if (version != kFtVersion) return Bad("unsupported fastText format version " + std::to_string(version));
  int32_t a[12];
  for (int32_t& v : a)
    if (!w.I32(&v)) return Bad("truncated arguments");
  double t;
  if (!w.F64(&t)) return Bad("truncated arguments");
  const int32_t dim = a[0], word_ngrams = a[5], loss = a[6], model = a[7], bucket = a[8], minn = a[9],
                maxn = a[10];
  if (dim < 1 || dim > 1024) return Bad("dimension out of range");
  if (model != 3) return Bad("not a supervised model");
  // Named-label images (the fastText command line's) may also use
  // hierarchical softmax (loss 1), as fastText's language-identification
  // model does; voc's own models use softmax or one-vs-all.
  const bool loss_ok = loss == (multi ? 4 : 3) || (!labels && !multi && loss == 1);
  if (!loss_ok)
    return Bad(multi ? "multi-label model without one-vs-all loss"
                     : "single-label model without softmax loss");
  if (word_ngrams < 1 || word_ngrams > 8) return Bad("word n-gram length out of range");
  if (bucket < 0 || bucket > 20'000'000) return Bad("bucket count out of range");
  if (minn < 0 || maxn < 0 || maxn > 16 || (maxn > 0 && minn > maxn) || (maxn > 0 && minn < 1))
    return Bad("character n-gram range invalid");
  if ((maxn > 0 || word_ngrams > 1) && bucket == 0) return Bad("n-grams without buckets");
  if (!std::isfinite(t) || t <= 0 || t > 1) return Bad("sampling threshold out of range");
  // Dictionary.
  int32_t size, nwords, nlabels;
  int64_t ntokens, prune_size;
  if (!w.I32(&size) || !w.I32(&nwords) || !w.I32(&nlabels) || !w.I64(&ntokens) || !w.I64(&prune_size))
    return Bad("truncated dictionary header");
  if (nwords < 1 || nlabels < 1 || static_cast<int64_t>(size) != static_cast<int64_t>(nwords) + nlabels ||
      ntokens < 0)
    return Bad("dictionary sizes inconsistent");
  // Every entry needs at least 1 + 8 + 1 bytes.
  if (static_cast<uint64_t>(size) * 10 > w.remaining()) return Bad("dictionary larger than the file");
  if (labels && nlabels != static_cast<int32_t>(labels->size()))
    return Bad("model holds " + std::to_string(nlabels) + " labels, metadata " +
               std::to_string(labels->size()));
  std::unordered_set<std::string> words;
  words.reserve(static_cast<size_t>(size));
  std::vector<bool> label_seen(labels ? labels->size() : 0, false);
  std::string word;
  for (int32_t i = 0; i < size; ++i) {
    int64_t count;
    uint8_t type;
    if (!w.Word(&word) || !w.I64(&count) || !w.U8(&type)) return Bad("truncated dictionary");
    if (count < 0 || type > 1 || (type == 1) != (i >= nwords)) return Bad("bad dictionary entry");
    if (word.empty() || !words.insert(word).second) return Bad("empty or repeated dictionary entry");
    if (type == 1) {
      if (word.compare(0, 9, kLabelPrefix) != 0) return Bad("label without prefix");
      if (!labels) {
        if (word.size() == 9) return Bad("empty label");
        continue;
      }
      std::string digits = word.substr(9);
      if (digits.empty() || digits.size() > 6 || digits.find_first_not_of("0123456789") != std::string::npos)
        return Bad("label is not an index");
      size_t idx = std::stoul(digits);
      if (idx >= labels->size() || label_seen[idx]) return Bad("label index out of range");
      label_seen[idx] = true;
    }
  }
  int64_t input_rows = static_cast<int64_t>(nwords) + bucket;
  if (prune_size >= 0) {
    if (prune_size > bucket || static_cast<uint64_t>(prune_size) * 8 > w.remaining())
      return Bad("pruning index out of range");
    std::vector<bool> firsts(static_cast<size_t>(bucket), false);
    std::vector<std::pair<int32_t, int32_t>> pairs;
    if (!w.I32Pairs(static_cast<size_t>(prune_size), &pairs)) return Bad("truncated pruning index");
    for (const auto& [first, second] : pairs) {
      if (first < 0 || first >= bucket || second < 0 || second >= prune_size || firsts[first])
        return Bad("pruning index entry out of range");
      firsts[first] = true;
    }
    input_rows = static_cast<int64_t>(nwords) + prune_size;
  } else if (prune_size != -1) {
    return Bad("bad pruning index size");
  }
  uint8_t quant_input, qout;
  if (!w.U8(&quant_input) || quant_input > 1) return Bad("bad input matrix flag");
  if (!quant_input && prune_size >= 0) return Bad("pruned dictionary with a dense matrix");
  VOC_RETURN_IF_ERROR(WalkMatrix(&w, quant_input, input_rows, dim));
  if (!w.U8(&qout) || qout > 1) return Bad("bad output matrix flag");
  VOC_RETURN_IF_ERROR(WalkMatrix(&w, quant_input && qout, nlabels, dim));
  if (w.remaining() != 0) return Bad("trailing bytes");
  return Status::Ok();
}

Status ValidateImage(std::string_view image, const std::vector<std::string>& labels, bool multi) {
  return ValidateImageLabels(image, &labels, multi);
}

class FastTextBackend : public Backend {
 public:
  const char* name() const override { return "fasttext"; }

  // Fills `label_of_ft` from the loaded dictionary.
  void IndexLabels() {
    auto dict = ft_->getDictionary();
    const int32_t n = dict->nlabels();
    label_of_ft_.assign(n, 0);
    for (int32_t i = 0; i < n; ++i) label_of_ft_[i] = std::stoi(dict->getLabel(i).substr(9));
  }

  void Probabilities(std::string_view text, std::vector<double>* probs) const override {
    ProbabilitiesOfLine(FtLine(text), probs);
  }

  void ProbabilitiesOfLine(const std::string& line, std::vector<double>* probs) const {
    probs->assign(num_labels_, multi_label_ ? 0.0 : 1.0 / num_labels_);
    std::istringstream in(line);
    std::vector<int32_t> words, labels;
    ft_->getDictionary()->getLine(in, words, labels);
    if (words.empty()) return;
    fasttext::Predictions pred;
    try {
      ft_->predict(num_labels_, words, pred, 0.0);
    } catch (const std::exception&) {
      return;  // e.g. fastText's NaN check; the uniform answer stands
    }
    if (!multi_label_) probs->assign(num_labels_, 0.0);
    for (const auto& [logp, id] : pred)
      if (id >= 0 && static_cast<size_t>(id) < label_of_ft_.size())
        (*probs)[label_of_ft_[id]] = std::exp(static_cast<double>(logp));
  }

  std::vector<FeatureContribution> Explain(std::string_view text, int label,
                                           int max_features) const override {
    // Leave-one-out: how much the label's probability drops without each token.
    std::vector<FtToken> toks;
    FtLine(text, &toks);
    std::vector<double> p;
    Probabilities(text, &p);
    std::vector<FeatureContribution> out;
    if (label < 0 || label >= num_labels_) return out;
    for (size_t skip = 0; skip < toks.size(); ++skip) {
      std::string line;
      for (size_t i = 0; i < toks.size(); ++i) {
        if (i == skip) continue;
        if (!line.empty()) line.push_back(' ');
        if (toks[i].text.compare(0, 9, kLabelPrefix) == 0) line.push_back('w');
        line += toks[i].text;
      }
      line.push_back('\n');
      std::vector<double> q;
      ProbabilitiesOfLine(line, &q);
      double drop = p[label] - q[label];
      if (drop > 0) out.push_back({"word:" + toks[skip].text, drop, toks[skip].begin, toks[skip].end});
    }
    std::stable_sort(out.begin(), out.end(),
                     [](const auto& a, const auto& b) { return a.weight > b.weight; });
    if (max_features >= 0 && out.size() > static_cast<size_t>(max_features)) out.resize(max_features);
    return out;
  }

  nlohmann::json Quantize(std::size_t max_features) override {
    fasttext::Args q;
    q.input = "";
    q.output = "";
    q.cutoff = max_features;
    q.retrain = false;
    q.qnorm = true;
    q.qout = false;
    q.dsub = 2;
    q.verbose = 0;
    try {
      ft_->quantize(q);
    } catch (const std::exception& e) {
      return {{"error", e.what()}};
    }
    return {{"cutoff", max_features}, {"dsub", 2}, {"qnorm", true}};
  }

  std::string Serialize() const override {
    std::string path = TempPath(".bin");
    std::string bytes;
    try {
      ft_->saveModel(path);
      std::ifstream in(path, std::ios::binary);
      std::stringstream s;
      s << in.rdbuf();
      bytes = s.str();
    } catch (const std::exception&) {
    }
    std::remove(path.c_str());
    return bytes;
  }

  std::unique_ptr<FastTextModel> ft_;
  std::vector<int> label_of_ft_;
  int num_labels_ = 0;
  bool multi_label_ = false;
};

}  // namespace

struct FastTextTrainer::State {
  const TrainData* data;
  std::vector<std::string> labels;
  std::string path;
};

FastTextTrainer::FastTextTrainer(const TrainData& data, const std::vector<std::string>& labels)
    : state_(std::make_unique<State>()) {
  state_->data = &data;
  state_->labels = labels;
  state_->path = TempPath(".txt");
  std::ofstream out(state_->path, std::ios::binary);
  for (size_t i = 0; i < data.rows.size(); ++i) {
    for (int id : data.ids[i]) out << kLabelPrefix << id << ' ';
    out << FtLine(data.rows[i]->text);
  }
}

FastTextTrainer::~FastTextTrainer() { std::remove(state_->path.c_str()); }

Result<std::unique_ptr<Backend>> FastTextTrainer::Train(const nlohmann::json& params, int seed, int threads) {
  fasttext::Args a;
  a.input = state_->path;
  a.output = "";
  a.model = fasttext::model_name::sup;
  a.loss = state_->data->multi_label ? fasttext::loss_name::ova : fasttext::loss_name::softmax;
  a.epoch = params.value("epoch", 25);
  a.lr = params.value("lr", 0.5);
  a.wordNgrams = params.value("wordNgrams", 2);
  a.minn = params.value("minn", 0);
  a.maxn = params.value("maxn", 0);
  a.dim = params.value("dim", 50);
  a.bucket = params.value("bucket", 500000);
  a.minCount = 1;
  a.minCountLabel = 0;
  a.neg = 5;
  a.ws = 5;
  a.t = 1e-4;
  a.lrUpdateRate = 100;
  a.label = kLabelPrefix;
  a.verbose = 0;
  a.seed = seed;
  a.thread = threads > 0 ? threads : 1;
  a.saveOutput = false;
  a.pretrainedVectors = "";
  if (a.epoch < 1 || a.epoch > 1000 || !(a.lr > 0) || a.dim < 1 || a.dim > 1024 || a.wordNgrams < 1 ||
      a.minn < 0 || a.maxn > 16 || a.bucket < 1)
    return InvalidArgumentError("fastText settings out of range: " + params.dump());
  auto b = std::make_unique<FastTextBackend>();
  b->ft_ = std::make_unique<FastTextModel>();
  b->num_labels_ = static_cast<int>(state_->labels.size());
  b->multi_label_ = state_->data->multi_label;
  try {
    b->ft_->train(a);
  } catch (const std::exception& e) {
    return InternalError(std::string("fastText training failed: ") + e.what());
  }
  // Labels without rows in this training part are unknown to fastText and
  // get probability 0.
  b->IndexLabels();
  return std::unique_ptr<Backend>(std::move(b));
}

Result<std::unique_ptr<Backend>> LoadFastText(std::string_view payload,
                                              const std::vector<std::string>& labels, bool multi_label) {
  VOC_RETURN_IF_ERROR(ValidateImage(payload, labels, multi_label));
  auto b = std::make_unique<FastTextBackend>();
  b->ft_ = std::make_unique<FastTextModel>();
  b->num_labels_ = static_cast<int>(labels.size());
  b->multi_label_ = multi_label;
  try {
    std::istringstream in{std::string(payload)};
    if (!b->ft_->CheckHeader(in)) return Bad("bad fastText header");
    b->ft_->loadModel(in);
  } catch (const std::exception& e) {
    return Bad(e.what());
  }
  b->IndexLabels();
  return std::unique_ptr<Backend>(std::move(b));
}

Status ValidateNamedFastTextImage(std::string_view image) {
  return ValidateImageLabels(image, nullptr, /*multi=*/false);
}

}  // namespace voc::internal
