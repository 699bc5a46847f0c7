// The optional fastText part of voc's sentiment.
#include "sentiment/sentiment_model.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <sstream>
#include <type_traits>
#include <utility>
#include <vector>

#include <fasttext/fasttext.h>

#include "classifier/classifier_backend.h"
#include "text/segment.h"
#include "voc/classifier.h"
#include "voc/sentiment.h"

namespace voc {
namespace sentiment_internal {

void PrepareModelInput(std::string_view text, std::string* out) {
  out->clear();
  out->reserve(text.size() + 8);
  for (char ch : text) {
    unsigned char c = static_cast<unsigned char>(ch);
    if (c >= 0x80) {
      out->push_back(ch);
    } else if (c >= 'A' && c <= 'Z') {
      out->push_back(static_cast<char>(c - 'A' + 'a'));
    } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '\'') {
      out->push_back(ch);
    } else if (c == '!' || c == '?') {
      out->push_back(' ');
      out->push_back(ch);
      out->push_back(' ');
    } else {
      out->push_back(' ');
    }
  }
}

void AppendLexiconTokens(double score, double pos, double neg, std::string* out, size_t repeats) {
  const size_t start = out->size();
  auto band = [](double v) { return static_cast<int>(std::min(10.0, std::max(0.0, v * 2.0))); };
  const long tenths = std::lround(std::max(-1.0, std::min(1.0, score)) * 10.0);
  // Written into a buffer (every number is 0-10): one append.
  char buf[64];
  size_t n = 0;
  // Each token copied with its length known at compile time (a choice
  // between two literals made a run-time strlen of the chosen one).
  auto put = [&](const auto& literal) {
    static_assert(std::is_array_v<std::remove_reference_t<decltype(literal)>>, "a string literal");
    std::memcpy(buf + n, literal, sizeof(literal) - 1);
    n += sizeof(literal) - 1;
  };
  auto number = [&](long v) {  // 0 to 10
    if (v >= 10) buf[n++] = static_cast<char>('0' + v / 10);
    buf[n++] = static_cast<char>('0' + v % 10);
  };
  if (tenths < 0)
    put(" lexscoren");
  else
    put(" lexscorep");
  number(tenths < 0 ? -tenths : tenths);
  if (score < -0.05)
    put(" lexclassneg");
  else if (score > 0.05)
    put(" lexclasspos");
  else
    put(" lexclassneu");
  put(" lexpos");
  number(band(pos));
  put(" lexneg");
  number(band(neg));
  if (pos == 0 && neg == 0) put(" lexnone");
  out->append(buf, n);
  if (repeats == 0) return;
  const size_t len = out->size() - start;
  out->reserve(out->size() + len * repeats);  // no reallocation: the copies read from *out
  for (size_t r = 0; r < repeats; ++r) out->append(out->data() + start, len);
}

size_t LexiconRepeats(std::string_view kind, size_t words) {
  return kind == kSentimentLexiconInput ? words / kSentimentLexiconRepeatWords : 0;
}

constexpr const char* kLabelNames[3] = {"__label__negative", "__label__neutral", "__label__positive"};

struct SentimentModel::Impl {
  // Exactly one of the two is used: a voc model trained by `voc train`
  // (task "sentiment"), or a plain fastText model.
  std::unique_ptr<TextClassifier> classifier;
  fasttext::FastText ft;
  std::vector<int> class_of_label;  // label index (fastText id or voc label) -> 0/1/2 or -1
  bool lexicon_tokens = false;
  bool words_only = false;  // tokens that are not words blanked first
  std::string input;        // ModelInfo::input of a voc model

  // The classes of a voc model's label probabilities.
  std::array<double, 3> Classes(const std::vector<double>& p) const {
    std::array<double, 3> probs{0.0, 0.0, 0.0};
    for (size_t l = 0; l < p.size() && l < class_of_label.size(); ++l)
      if (class_of_label[l] >= 0) probs[static_cast<size_t>(class_of_label[l])] = p[l];
    return probs;
  }
};

bool SentimentModel::wants_lexicon_tokens() const { return impl_->lexicon_tokens; }

uint32_t SentimentModel::lexicon_repeats(size_t words) const {
  return static_cast<uint32_t>(std::min<size_t>(LexiconRepeats(impl_->input, words), UINT32_MAX));
}

void SentimentModel::PrepareText(std::string_view text, std::string* out,
                                 const std::vector<internal::SocialSpan>* social) const {
  if (impl_->words_only && social != nullptr)
    internal::BlankNonWords(text, *social, out);
  else if (impl_->words_only)
    internal::BlankNonWords(text, out);
  else
    out->assign(text);
}

SentimentModel::SentimentModel() : impl_(new Impl) {}
SentimentModel::~SentimentModel() = default;

Result<std::unique_ptr<SentimentModel>> SentimentModel::Load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFoundError("cannot open sentiment model '" + path + "'");
  int32_t magic = 0, version = 0;
  in.read(reinterpret_cast<char*>(&magic), sizeof(magic));
  in.read(reinterpret_cast<char*>(&version), sizeof(version));
  // fastText files start with the magic number 793712314 and version 12;
  // anything else must be a voc model.
  if (!in || magic != 793712314 || version != 12) {
    in.close();
    auto c = TextClassifier::Load(path, "sentiment");
    if (!c.ok())
      return DataLossError("sentiment model '" + path +
                           "' is neither a voc sentiment model nor a fastText model (" +
                           c.status().message() + ")");
    const std::string& input = (*c)->info().input;
    if (input != "text" && input != kWordsInput && input != kSentimentLexiconInput &&
        input != kSentimentLexiconInputV2 && input != kSentimentLexiconInputV1)
      return FailedPreconditionError("sentiment model '" + path + "' expects input '" + input +
                                     "', which this version cannot produce");
    std::unique_ptr<SentimentModel> model(new SentimentModel);
    model->impl_->lexicon_tokens = input == kSentimentLexiconInput || input == kSentimentLexiconInputV2 ||
                                   input == kSentimentLexiconInputV1;
    model->impl_->words_only =
        input == kWordsInput || input == kSentimentLexiconInput || input == kSentimentLexiconInputV2;
    model->impl_->input = input;
    int found = 0;
    for (const std::string& l : (*c)->info().labels) {
      model->impl_->class_of_label.push_back(-1);
      for (int k = 0; k < 3; ++k)
        if (l == kLabelNames[k] + 9) {  // without "__label__"
          model->impl_->class_of_label.back() = k;
          ++found;
        }
    }
    if (found == 0 || (*c)->info().multi_label)
      return DataLossError("sentiment model '" + path +
                           "' has none of the labels negative, neutral, positive");
    model->impl_->classifier = std::move(*c);
    return model;
  }
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  if (size < 64) return DataLossError("sentiment model '" + path + "' is truncated");
  if (size > (std::streamoff{1} << 31))
    return DataLossError("sentiment model '" + path + "' is larger than 2 GiB");
  // fastText's loader trusts its input: walk the whole image first.
  std::string image(static_cast<size_t>(size), '\0');
  in.seekg(0);
  if (!in.read(image.data(), size)) return DataLossError("cannot read sentiment model '" + path + "'");
  in.close();
  if (Status v = internal::ValidateNamedFastTextImage(image); !v.ok())
    return DataLossError("sentiment model '" + path + "' refused: " + v.message());
  std::unique_ptr<SentimentModel> model(new SentimentModel);
  try {
    std::istringstream stream(std::move(image));
    stream.seekg(8);  // past the magic and version, checked above
    model->impl_->ft.loadModel(stream);
  } catch (const std::exception& e) {
    return DataLossError("sentiment model '" + path + "' cannot be loaded: " + e.what());
  } catch (...) {
    return DataLossError("sentiment model '" + path + "' cannot be loaded");
  }
  auto dict = model->impl_->ft.getDictionary();
  int32_t n = dict->nlabels();
  model->impl_->class_of_label.assign(n > 0 ? n : 0, -1);
  int found = 0;
  for (int32_t i = 0; i < n; ++i) {
    std::string name = dict->getLabel(i);
    for (int c = 0; c < 3; ++c)
      if (name == kLabelNames[c]) {
        model->impl_->class_of_label[i] = c;
        ++found;
      }
  }
  if (found == 0)
    return DataLossError("sentiment model '" + path +
                         "' has none of the labels __label__negative, __label__neutral, __label__positive");
  return model;
}

std::array<double, 3> SentimentModel::Predict(std::string_view text) const {
  std::array<double, 3> probs{0.0, 0.0, 0.0};
  if (impl_->classifier) {
    thread_local std::vector<double> p;
    internal::BackendOf(*impl_->classifier).Probabilities(text, &p);
    return impl_->Classes(p);
  }
  std::string prepared;
  PrepareModelInput(text, &prepared);
  prepared.push_back('\n');
  std::istringstream in(prepared);
  std::vector<std::pair<fasttext::real, std::string>> predictions;
  try {
    if (!impl_->ft.predictLine(in, predictions, -1, 0.0)) return probs;
  } catch (...) {
    return probs;
  }
  for (const auto& p : predictions) {
    for (int c = 0; c < 3; ++c)
      if (p.second == kLabelNames[c]) probs[c] = p.first;
  }
  return probs;
}

void SentimentModel::PredictParts(std::string_view text, const std::vector<internal::TextPart>& parts,
                                  std::array<double, 3>* text_probs,
                                  std::vector<std::array<double, 3>>* part_probs) const {
  part_probs->resize(parts.size());
  if (!impl_->classifier) {  // fastText: one text at a time
    if (text_probs != nullptr) *text_probs = Predict(text);
    for (size_t i = 0; i < parts.size(); ++i) (*part_probs)[i] = Predict(internal::PartText(text, parts[i]));
    return;
  }
  thread_local std::vector<double> p;
  thread_local std::vector<std::vector<double>> pp;
  internal::BackendOf(*impl_->classifier)
      .PartsProbabilities(text, parts, text_probs != nullptr ? &p : nullptr, &pp);
  if (text_probs != nullptr) *text_probs = impl_->Classes(p);
  for (size_t i = 0; i < parts.size(); ++i) (*part_probs)[i] = impl_->Classes(pp[i]);
}

std::array<double, 3> SentimentModel::PredictWithSuffix(std::string_view text, std::string_view suffix,
                                                        uint32_t repeats) const {
  // A voc model reads the text and takes the suffix's features from its
  // per-thread cache of suffixes (PartsProbabilities).
  if (!impl_->classifier || text.size() > UINT32_MAX) {
    thread_local std::string whole;
    whole.assign(text);
    for (uint32_t r = 0; r <= repeats; ++r) whole.append(suffix);
    return Predict(whole);
  }
  thread_local std::vector<internal::TextPart> parts(1);
  thread_local std::vector<std::vector<double>> pp;
  parts[0] = {0, static_cast<uint32_t>(text.size()), suffix, repeats};
  internal::BackendOf(*impl_->classifier).PartsProbabilities(text, parts, nullptr, &pp);
  return impl_->Classes(pp[0]);
}

}  // namespace sentiment_internal
}  // namespace voc
