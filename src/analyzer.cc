#include "voc/analyzer.h"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <fstream>
#include <thread>
#include <utility>

#include <nlohmann/json.hpp>

#include "voc/classifier.h"
#include "voc/reader.h"
#include "voc/sentiment.h"
#include "voc/signals.h"
#include "voc/taxonomy.h"

#ifndef VOC_INSTALL_MODELS_DIR
#define VOC_INSTALL_MODELS_DIR ""
#endif
#ifndef VOC_SOURCE_MODELS_DIR
#define VOC_SOURCE_MODELS_DIR ""
#endif

namespace voc {
namespace {

namespace fs = std::filesystem;

bool IsDir(const std::string& p) {
  std::error_code ec;
  return !p.empty() && fs::is_directory(p, ec);
}

bool IsFile(const std::string& p) {
  std::error_code ec;
  return !p.empty() && fs::is_regular_file(p, ec);
}

// A file starting with '{' (after blanks) is a taxonomy; anything else is
// taken for a model made by `voc train`.
bool LooksLikeJson(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  char c = 0;
  while (in.get(c)) {
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t') continue;
    return c == '{';
  }
  return false;
}

int ResolveThreads(int threads) {
  if (threads > 0) return threads;
  unsigned hw = std::thread::hardware_concurrency();
  return hw == 0 ? 1 : static_cast<int>(hw);
}

}  // namespace

std::string DefaultModelsDir() {
  if (const char* env = std::getenv("VOC_MODELS_DIR"); env && *env) return env;
  if (IsDir(VOC_INSTALL_MODELS_DIR) && IsFile(std::string(VOC_INSTALL_MODELS_DIR) + "/taxonomy.json"))
    return VOC_INSTALL_MODELS_DIR;
  if (IsDir(VOC_SOURCE_MODELS_DIR)) return VOC_SOURCE_MODELS_DIR;
  return "models";
}

struct Analyzer::Impl {
  std::unique_ptr<Normalizer> normalizer;
  std::unique_ptr<Redactor> redactor;
  std::unique_ptr<SentimentAnalyzer> sentiment;
  std::shared_ptr<const Taxonomy> taxonomy;
  std::unique_ptr<ThemeClassifier> themes;
  std::unique_ptr<TextClassifier> themes_model;
  std::unique_ptr<SignalDetector> signals;
  int themes_model_top_k = 3;
  nlohmann::json description;

  std::vector<std::pair<std::string, double>> ModelScores(std::string_view text) const {
    std::vector<std::pair<std::string, double>> scores;
    if (!themes_model) return scores;
    std::vector<Prediction> preds = themes_model->info().multi_label
                                        ? themes_model->PredictAboveThresholds(text)
                                        : themes_model->Predict(text, themes_model_top_k);
    scores.reserve(preds.size());
    for (auto& p : preds) scores.emplace_back(std::move(p.label), p.probability);
    return scores;
  }

  void Fill(std::string_view raw, Analysis* a) const {
    Normalized n = normalizer->Normalize(raw);
    a->invalid_utf8 = n.invalid_utf8;
    Redaction r = redactor->Redact(n.text);
    for (const PiiSpan& s : r.spans) {
      auto it = std::find_if(a->redactions.begin(), a->redactions.end(),
                             [&](const auto& kv) { return kv.first == s.name; });
      if (it == a->redactions.end())
        a->redactions.emplace_back(s.name, 1);
      else
        ++it->second;
    }
    a->text = std::move(r.text);
    const std::string& text = a->text;

    SentimentResult sr = sentiment->Analyze(text);
    a->sentiment = std::move(sr.document);
    a->sentences = std::move(sr.sentences);

    a->themes = themes->Classify(text, ModelScores(text));

    SignalResult sig = signals->Detect(text);
    a->signals = std::move(sig.hits);
    a->emotion_intensity = sig.emotion_intensity;
    a->profanity = sig.profanity;
  }
};

Analyzer::Analyzer() : impl_(std::make_unique<Impl>()) {}
Analyzer::~Analyzer() = default;

Result<std::unique_ptr<Analyzer>> Analyzer::Create(const AnalyzerOptions& options) {
  std::unique_ptr<Analyzer> an(new Analyzer());
  Impl& im = *an->impl_;
  const std::string dir = options.models_dir.empty() ? DefaultModelsDir() : options.models_dir;
  im.themes_model_top_k = std::max(1, options.themes_model_top_k);

  auto norm = Normalizer::Create(options.normalizer);
  if (!norm.ok()) return norm.status();
  im.normalizer = std::move(*norm);
  auto red = Redactor::Create(options.redactor);
  if (!red.ok()) return red.status();
  im.redactor = std::move(*red);

  // Sentiment: lexicon and rules, plus the model when there is one.
  SentimentOptions so;
  if (options.sentiment_model == "none") {
    so.model_path.clear();
  } else if (!options.sentiment_model.empty()) {
    if (!IsFile(options.sentiment_model))
      return NotFoundError("sentiment model not found: " + options.sentiment_model);
    so.model_path = options.sentiment_model;
  } else {
    for (const char* name : {"sentiment.vocm", "sentiment.ftz"}) {
      if (IsFile(dir + "/" + name)) {
        so.model_path = dir + "/" + name;
        break;
      }
    }
  }
  auto sent = SentimentAnalyzer::Create(so);
  if (!sent.ok()) return sent.status();
  im.sentiment = std::move(*sent);
  im.description["sentiment"] = so.model_path.empty() ? "lexicon" : "lexicon+model:" + so.model_path;

  // Themes: a taxonomy file, or a trained model whose labels are the themes.
  std::string theme_source = options.themes.empty() ? dir + "/taxonomy.json" : options.themes;
  if (!IsFile(theme_source)) return NotFoundError("themes file not found: " + theme_source);
  std::string model_path = options.themes_model;
  if (LooksLikeJson(theme_source)) {
    auto tax = Taxonomy::LoadFile(theme_source);
    if (!tax.ok()) return tax.status();
    im.taxonomy = std::shared_ptr<const Taxonomy>(std::move(*tax));
    im.description["themes"] = "taxonomy:" + theme_source;
  } else {
    model_path = theme_source;
  }
  if (!model_path.empty()) {
    auto model = TextClassifier::Load(model_path);
    if (!model.ok()) return model.status();
    im.themes_model = std::move(*model);
    im.description["themes_model"] = "model:" + model_path;
    if (!im.taxonomy) {
      auto tax = Taxonomy::FromLabels(im.themes_model->info().labels);
      if (!tax.ok()) return tax.status();
      im.taxonomy = std::shared_ptr<const Taxonomy>(std::move(*tax));
      im.description["themes"] = "labels of " + model_path;
    }
  }
  ThemeOptions to;
  if (im.themes_model) to.model_name = im.themes_model->info().task;
  auto tc = ThemeClassifier::Create(im.taxonomy, to);
  if (!tc.ok()) return tc.status();
  im.themes = std::move(*tc);

  auto sig = SignalDetector::Create();
  if (!sig.ok()) return sig.status();
  im.signals = std::move(*sig);
  return an;
}

Analysis Analyzer::Analyze(const Record& record) const {
  Analysis a;
  a.id = record.id;
  a.timestamp = record.timestamp;
  a.channel = record.channel;
  a.customer_id = record.customer_id;
  impl_->Fill(record.text, &a);
  return a;
}

Analysis Analyzer::AnalyzeText(std::string_view text) const {
  Analysis a;
  impl_->Fill(text, &a);
  return a;
}

std::vector<Analysis> Analyzer::AnalyzeBatch(const std::vector<Record>& records,
                                             int threads) const {
  std::vector<Analysis> out(records.size());
  const int n = std::min<int>(ResolveThreads(threads), static_cast<int>(records.size()));
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i; (i = next.fetch_add(1)) < records.size();) out[i] = Analyze(records[i]);
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < n; ++t) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();
  return out;
}

std::string Analyzer::Redact(std::string_view text) const {
  return impl_->redactor->Redact(impl_->normalizer->Normalize(text).text).text;
}

std::string Analyzer::DescribeJson() const { return impl_->description.dump(); }

namespace {

nlohmann::json SpanJson(const EvidenceSpan& e, const std::string& text, bool echo = true) {
  nlohmann::json j = {{"begin", e.begin}, {"end", e.end}, {"source", e.source}};
  if (echo && e.end <= text.size() && e.begin <= e.end)
    j["text"] = text.substr(e.begin, e.end - e.begin);
  if (e.weight != 0.0) j["weight"] = e.weight;
  return j;
}

nlohmann::json SentimentJson(const Sentiment& s, const std::string& text) {
  nlohmann::json ev = nlohmann::json::array();
  for (const auto& e : s.evidence) ev.push_back(SpanJson(e, text));
  return {{"label", PolarityName(s.label)}, {"score", s.score},
          {"confidence", s.confidence}, {"evidence", std::move(ev)}};
}

}  // namespace

std::string AnalysisToJson(const Analysis& a) {
  nlohmann::json j;
  j["id"] = a.id;
  j["timestamp"] = a.timestamp ? nlohmann::json(FormatTimestamp(*a.timestamp)) : nlohmann::json();
  j["channel"] = a.channel;
  if (!a.customer_id.empty()) j["customer_id"] = a.customer_id;
  j["text"] = a.text;
  nlohmann::json red = nlohmann::json::object();
  for (const auto& [kind, count] : a.redactions) red[kind] = count;
  j["redactions"] = std::move(red);
  if (a.invalid_utf8) j["invalid_utf8"] = a.invalid_utf8;
  j["sentiment"] = SentimentJson(a.sentiment, a.text);
  nlohmann::json sents = nlohmann::json::array();
  for (const auto& s : a.sentences) {
    nlohmann::json sj = SentimentJson(s.sentiment, a.text);
    sj["begin"] = s.begin;
    sj["end"] = s.end;
    sents.push_back(std::move(sj));
  }
  j["sentences"] = std::move(sents);
  nlohmann::json themes = nlohmann::json::array();
  for (const auto& t : a.themes) {
    nlohmann::json ev = nlohmann::json::array();
    for (const auto& e : t.evidence) ev.push_back(SpanJson(e, a.text));
    themes.push_back({{"id", t.id}, {"confidence", t.confidence}, {"source", t.source},
                      {"department", t.department}, {"role", ValueRoleName(t.role)},
                      {"evidence", std::move(ev)}});
  }
  j["themes"] = std::move(themes);
  j["unclassified"] = a.unclassified();
  nlohmann::json signals = nlohmann::json::array();
  for (const auto& h : a.signals) {
    const bool profane = h.evidence.source == "cue:profanity";
    nlohmann::json sj = SpanJson(h.evidence, a.text, /*echo=*/!profane);
    sj["signal"] = SignalName(h.signal);
    signals.push_back(std::move(sj));
  }
  j["signals"] = std::move(signals);
  j["emotion_intensity"] = a.emotion_intensity;
  j["profanity"] = a.profanity;
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Status RunPipeline(RecordReader& reader, const Analyzer& analyzer, const PipelineOptions& options,
                   const std::function<void(Analysis&&)>& on_analysis,
                   const std::function<void(const Reject&)>& on_reject) {
  const size_t batch = std::max<size_t>(1, options.batch_size);
  // Reads the next batch; false once the input is exhausted and empty.
  bool done = false;
  auto read_batch = [&](std::vector<Record>* records) {
    records->clear();
    Record record;
    Reject reject;
    while (!done && records->size() < batch) {
      RecordReader::Next next = reader.Read(&record, &reject);
      if (next == RecordReader::Next::kEnd) {
        done = true;
      } else if (next == RecordReader::Next::kReject) {
        if (on_reject) on_reject(reject);
      } else {
        records->push_back(std::move(record));
        record = Record();
      }
    }
    if (options.progress) options.progress(reader.stats().read);
    return !records->empty();
  };
  // Double buffering: while one batch is analysed in the background, this
  // thread reads the next one and hands the previous results on in order.
  // At most two batches of records and one of results are alive at a time.
  auto launch = [&analyzer, &options](std::vector<Record> work) {
    return std::async(std::launch::async, [&analyzer, &options, work = std::move(work)] {
      return analyzer.AnalyzeBatch(work, options.threads);
    });
  };
  std::vector<Record> records;
  std::future<std::vector<Analysis>> pending;
  if (read_batch(&records)) pending = launch(std::move(records));
  while (pending.valid()) {
    records = std::vector<Record>();
    const bool more = read_batch(&records);          // overlaps batch k's analysis
    std::vector<Analysis> results = pending.get();
    pending = more ? launch(std::move(records)) : std::future<std::vector<Analysis>>();
    for (auto& a : results) on_analysis(std::move(a));  // overlaps batch k+1's
  }
  return reader.status();
}

}  // namespace voc
