#include "voc/analyzer.h"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <future>
#include <iterator>
#include <mutex>
#include <optional>
#include <thread>
#include <tuple>
#include <utility>

#include <nlohmann/json.hpp>

#include "voc/adapter.h"
#include "voc/classifier.h"
#include "voc/language.h"
#include "voc/model_input.h"
#include "voc/parallel.h"
#include "voc/reader.h"
#include "voc/sentiment.h"
#include "voc/signals.h"
#include "voc/taxonomy.h"
#include "util/json_writer.h"
#include "sentiment/sentiment_internal.h"
#include "sentiment/sentiment_language.h"
#include "pipeline/adapter_internal.h"
#include "themes/shared_patterns.h"
#include "themes/taxonomy_internal.h"
#include "text/redactor_runs.h"
#include "util/threads.h"

#ifndef VOC_INSTALL_MODELS_DIR
#define VOC_INSTALL_MODELS_DIR ""
#endif
#ifndef VOC_SOURCE_MODELS_DIR
#define VOC_SOURCE_MODELS_DIR ""
#endif

namespace voc {
namespace {

namespace fs = std::filesystem;

// Language confidence below which a record's themes are found with the rules
// of every language, as for "und" (the identified language still reported).
constexpr double kRuleLanguageMinConfidence = 0.5;

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

// The lexicons of <dir>/sentiment/<lang>.tsv, in file-name order.
Result<std::vector<std::unique_ptr<internal::LanguageSentiment>>> LoadLanguageLexicons(
    const std::string& dir) {
  std::vector<std::unique_ptr<internal::LanguageSentiment>> out;
  std::error_code ec;
  const fs::path folder = fs::path(dir) / "sentiment";
  if (!fs::is_directory(folder, ec)) return out;
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(folder, ec))
    if (e.path().extension() == ".tsv" && IsLanguageCode(e.path().stem().string()) &&
        e.path().stem() != "und" && e.path().stem() != "en")
      files.push_back(e.path());
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    auto ls = internal::LanguageSentiment::Load(f.string(), f.stem().string());
    if (!ls.ok()) return ls.status();
    out.push_back(std::move(*ls));
  }
  return out;
}

}  // namespace

namespace internal {

int ResolveThreads(int threads) {
  if (threads > 0) return std::min(threads, MaxThreads());
  unsigned hw = std::thread::hardware_concurrency();
  return hw == 0 ? 1 : static_cast<int>(hw);
}

}  // namespace internal

int MaxThreads() {
  const unsigned hw = std::thread::hardware_concurrency();
  return static_cast<int>(std::max(8u, 4 * std::min(hw, 1u << 16)));
}

std::string DefaultModelsDir() {
  if (const char* env = std::getenv("VOC_MODELS_DIR"); env && *env) return env;
  if (IsDir(VOC_INSTALL_MODELS_DIR) && IsFile(std::string(VOC_INSTALL_MODELS_DIR) + "/taxonomy.json"))
    return VOC_INSTALL_MODELS_DIR;
  if (IsDir(VOC_SOURCE_MODELS_DIR)) return VOC_SOURCE_MODELS_DIR;
  return "models";
}

namespace {

uint64_t Rotl(uint64_t x, int b) { return (x << b) | (x >> (64 - b)); }

// SipHash-2-4 (Aumasson and Bernstein), 64-bit output.
uint64_t SipHash24(uint64_t k0, uint64_t k1, std::string_view m) {
  uint64_t v0 = 0x736f6d6570736575ULL ^ k0, v1 = 0x646f72616e646f6dULL ^ k1, v2 = 0x6c7967656e657261ULL ^ k0,
           v3 = 0x7465646279746573ULL ^ k1;
  auto round = [&] {
    v0 += v1;
    v1 = Rotl(v1, 13);
    v1 ^= v0;
    v0 = Rotl(v0, 32);
    v2 += v3;
    v3 = Rotl(v3, 16);
    v3 ^= v2;
    v0 += v3;
    v3 = Rotl(v3, 21);
    v3 ^= v0;
    v2 += v1;
    v1 = Rotl(v1, 17);
    v1 ^= v2;
    v2 = Rotl(v2, 32);
  };
  const size_t n = m.size();
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t w = 0;
    for (int k = 7; k >= 0; --k) w = w << 8 | static_cast<unsigned char>(m[i + k]);
    v3 ^= w;
    round();
    round();
    v0 ^= w;
  }
  uint64_t last = static_cast<uint64_t>(n & 0xff) << 56;
  for (size_t k = 0; i + k < n; ++k)
    last |= static_cast<uint64_t>(static_cast<unsigned char>(m[i + k])) << (8 * k);
  v3 ^= last;
  round();
  round();
  v0 ^= last;
  v2 ^= 0xff;
  for (int r = 0; r < 4; ++r) round();
  return v0 ^ v1 ^ v2 ^ v3;
}

}  // namespace

std::string CustomerKey(std::string_view customer_id, std::string_view salt) {
  if (customer_id.empty()) return std::string();
  // The key: SipHash of the salt under two fixed keys.
  const uint64_t k0 = SipHash24(0x0706050403020100ULL, 0x0f0e0d0c0b0a0908ULL, salt);
  const uint64_t k1 = SipHash24(0x1716151413121110ULL, 0x1f1e1d1c1b1a1918ULL, salt);
  char out[40];
  std::snprintf(out, sizeof out, "cust-%016llx%016llx",
                static_cast<unsigned long long>(SipHash24(k0, k1, customer_id)),
                static_cast<unsigned long long>(SipHash24(k1, k0 ^ 1, customer_id)));
  return out;
}

struct Analyzer::Impl {
  std::string customer_salt;
  // Fills the identity fields of `a` from `r`: id and channel redacted (they
  // may hold e-mail addresses, phone numbers ...), the customer keyed.
  // The reader's own numbering (plain text: the line; other formats
  // without an id column: the record's 1-based number) is not searched
  // for personal data: it is the record's position, and searching it cost
  // as much as redacting a short text.
  static bool IsRecordNumber(const Record& r) {
    const std::string& id = r.id;
    if (id.empty() || id.size() > 19 || id[0] == '0') return false;
    uint64_t v = 0;
    for (char c : id) {
      if (c < '0' || c > '9') return false;
      v = v * 10 + static_cast<uint64_t>(c - '0');
    }
    return v == r.line || v == r.index + 1;
  }
  void Identify(const Record& r, Analysis* a) const {
    a->id = IsRecordNumber(r) || !redactor->ContainsPii(r.id) ? r.id : redactor->Redact(r.id).text;
    a->timestamp = r.timestamp;
    a->channel = redactor->ContainsPii(r.channel) ? redactor->Redact(r.channel).text : r.channel;
    a->customer_id = CustomerKey(r.customer_id, customer_salt);
  }
  std::unique_ptr<Normalizer> normalizer;
  std::unique_ptr<Redactor> redactor;
  std::unique_ptr<LanguageIdentifier> language;  // null when forced
  std::string forced_language;
  std::unique_ptr<SentimentAnalyzer> sentiment;  // English, and "und"
  // Other languages' lexicons (<models_dir>/sentiment/<lang>.tsv).
  std::vector<std::unique_ptr<internal::LanguageSentiment>> language_sentiment;
  std::shared_ptr<const Taxonomy> taxonomy;
  std::unique_ptr<ThemeClassifier> themes;
  std::unique_ptr<TextClassifier> themes_model;
  std::unique_ptr<ModelInput> themes_model_input;  // what themes_model reads
  std::shared_ptr<const ThemeAdapter> adapter;     // for unclassified texts
  std::unique_ptr<SignalDetector> signals;
  bool detect_signals = true;  // AnalyzerOptions::detect_signals
  // Without signals and theme rules, no text needs the patterns' candidates.
  bool scan_patterns = true;
  // The patterns of `themes` and `signals`, searched once per text.
  std::shared_ptr<internal::RegexSetGroup> patterns;
  int themes_model_top_k = 3;
  IndustrySelection industries;
  nlohmann::json description;

  std::vector<std::pair<std::string, double>> ModelScores(std::string_view text) const {
    std::vector<std::pair<std::string, double>> scores;
    if (!themes_model) return scores;
    const std::string input = themes_model_input->Prepare(text);
    std::vector<Prediction> preds = themes_model->info().multi_label
                                        ? themes_model->PredictAboveThresholds(input)
                                        : themes_model->Predict(input, themes_model_top_k);
    scores.reserve(preds.size());
    for (auto& p : preds) scores.emplace_back(std::move(p.label), p.probability);
    return scores;
  }

  // English (and undetermined) texts get the English scorer, languages
  // with a lexicon theirs; any other language is left unscored. Returns
  // whether *social (unless null) was set to the social tokens of a->text:
  // the English scorer's scan finds them.
  bool ScoreSentiment(Analysis* a, std::vector<tokenizer_internal::SocialSpan>* social = nullptr) const {
    const internal::LanguageSentiment* scorer = nullptr;
    if (a->language != "en" && a->language != "und") {
      for (const auto& ls : language_sentiment)
        if (ls->language() == a->language) scorer = ls.get();
      if (!scorer) {
        a->sentiment = Sentiment();
        a->sentiment.unscored =
            "no sentiment support for " + LanguageName(a->language) + " (" + a->language + ")";
        a->sentences.clear();
        return false;
      }
    }
    const bool keep = scorer == nullptr && social != nullptr;
    SentimentResult sr = scorer ? scorer->Analyze(a->text)
                         : keep ? internal::AnalyzeKeepingSocial(*sentiment, a->text, social)
                                : sentiment->Analyze(a->text);
    a->sentiment = std::move(sr.document);
    a->sentences = std::move(sr.sentences);
    return keep;
  }

  // Analyses texts[0..n) into out[0..n), stage by stage: each stage runs
  // over all n texts before the next one starts, so that its tables (the
  // redactor's and the rules' DFAs, the lexicons, the model rows) stay in
  // cache. The results equal those of one text at a time.
  void Fill(const std::string_view* texts, size_t n, Analysis* out) const {
    for (size_t i = 0; i < n; ++i) {
      Analysis* a = &out[i];
      Normalized norm = normalizer->Normalize(texts[i]);
      a->invalid_utf8 = norm.invalid_utf8;
      Redaction r = internal::RedactOwned(*redactor, std::move(norm.text));
      for (const PiiSpan& s : r.spans) {
        auto it = std::find_if(a->redactions.begin(), a->redactions.end(),
                               [&](const auto& kv) { return kv.first == s.name; });
        if (it == a->redactions.end())
          a->redactions.emplace_back(s.name, 1);
        else
          ++it->second;
      }
      a->text = std::move(r.text);
      if (language) {
        LanguageGuess g = language->Identify(a->text);
        a->language = std::move(g.code);
        a->language_confidence = g.confidence;
      } else {
        a->language = forced_language;
        a->language_confidence = 1.0;
      }
    }
    // The social tokens the English scorer's scan found, kept for the
    // adapter's input (texts no rule classifies).
    thread_local std::vector<std::vector<tokenizer_internal::SocialSpan>> social;
    thread_local std::vector<char> has_social;
    if (adapter && social.size() < n) social.resize(n);
    has_social.assign(n, 0);
    for (size_t i = 0; i < n; ++i) has_social[i] = ScoreSentiment(&out[i], adapter ? &social[i] : nullptr);
    thread_local std::vector<std::vector<std::pair<std::string, double>>> scores;
    if (scores.size() < n) scores.resize(n);
    for (size_t i = 0; i < n; ++i) scores[i] = ModelScores(out[i].text);
    for (size_t i = 0; i < n; ++i) {
      thread_local internal::RegexSetGroup::Hits hits;
      const std::string& text = out[i].text;
      if (scan_patterns) {
        patterns->Candidates(text, &hits);
      } else {  // nothing to search: no candidate
        hits.candidates.clear();
        hits.atoms.Reset(text);
      }
      // A guess less likely than even (short texts: "Great wifi too." is
      // "it" at 0.34) does not choose the rules: every language's run.
      const std::string_view rule_language = out[i].language_confidence >= kRuleLanguageMinConfidence
                                                 ? std::string_view(out[i].language)
                                                 : "und";
      out[i].themes = internal::ClassifyWithHits(*themes, text, scores[i], hits, rule_language);
      if (adapter && out[i].themes.empty())
        out[i].themes =
            internal::ClassifyAdapted(*adapter, text, *taxonomy, has_social[i] ? &social[i] : nullptr);
      if (!detect_signals) continue;
      SignalResult sig = internal::DetectWithHits(*signals, text, hits);
      out[i].signals = std::move(sig.hits);
      out[i].emotion_intensity = sig.emotion_intensity;
      out[i].profanity = sig.profanity;
    }
  }
};

Analyzer::Analyzer() : impl_(std::make_unique<Impl>()) {}
Analyzer::~Analyzer() = default;

Result<std::unique_ptr<Analyzer>> Analyzer::Create(const AnalyzerOptions& options) {
  std::unique_ptr<Analyzer> an(new Analyzer());
  Impl& im = *an->impl_;
  const std::string dir = options.models_dir.empty() ? DefaultModelsDir() : options.models_dir;
  im.themes_model_top_k = std::max(1, options.themes_model_top_k);
  im.customer_salt = options.customer_salt;

  auto norm = Normalizer::Create(options.normalizer);
  if (!norm.ok()) return norm.status();
  im.normalizer = std::move(*norm);
  // Sentiment: lexicon and rules, plus the model when there is one.
  SentimentOptions so = options.sentiment_options;
  so.model_path.clear();
  Status sentiment_missing;
  if (options.sentiment_model == "none") {
    so.model_path.clear();
  } else if (!options.sentiment_model.empty()) {
    if (IsFile(options.sentiment_model)) {
      so.model_path = options.sentiment_model;
    } else {
      sentiment_missing = NotFoundError("sentiment model not found: " + options.sentiment_model);
    }
  } else {
    for (const char* name : {"sentiment.vocm", "sentiment.ftz"}) {
      if (IsFile(dir + "/" + name)) {
        so.model_path = dir + "/" + name;
        break;
      }
    }
  }
  im.description["sentiment"] = so.model_path.empty() ? "lexicon" : "lexicon+model:" + so.model_path;
  // Language: forced, or identified with the shipped model when present.
  LanguageOptions lo;
  if (!options.language.empty()) {
    if (!IsLanguageCode(options.language))
      return InvalidArgumentError(
          "language must be an ISO 639-1 code (two lower-case letters) or 'und', got '" + options.language +
          "'");
    im.forced_language = options.language;
    im.description["language"] = "forced:" + options.language;
  } else {
    if (IsFile(dir + "/lid.176.ftz")) lo.model_path = dir + "/lid.176.ftz";
    im.description["language"] = lo.model_path.empty() ? "script+cues" : "script+cues+model:" + lo.model_path;
  }
  const bool identify = options.language.empty();
  // Four loading stages, independent of each other and of the themes: a
  // second thread takes them in stage order while this one compiles the
  // themes and the signal cues (one pattern group, shared_patterns.h), then
  // this one takes what is left from the other end (with no theme rules to
  // compile, typically the last two: the lexicons and the sentiment model
  // load while the other thread compiles the redactor and loads the language
  // model). Two threads for two cores. Each stage runs once, on whichever
  // thread claims it; errors are reported in stage order. The stages capture
  // `so`, `lo` and `dir` by reference: none changes after this point, and
  // `finish` joins the other thread before any return.
  Result<std::unique_ptr<Redactor>> redactor = InternalError("not loaded");
  Result<std::unique_ptr<LanguageIdentifier>> language = std::unique_ptr<LanguageIdentifier>();
  Result<std::unique_ptr<SentimentAnalyzer>> sentiment = InternalError("not loaded");
  Result<std::vector<std::unique_ptr<internal::LanguageSentiment>>> lexicons = InternalError("not loaded");
  const bool load_sentiment = sentiment_missing.ok();
  const std::function<void()> stages[] = {
      [&] { redactor = Redactor::Create(options.redactor); },
      [&] {
        if (identify) language = LanguageIdentifier::Create(lo);
      },
      [&] {
        if (load_sentiment) sentiment = SentimentAnalyzer::Create(so);
      },
      [&] { lexicons = LoadLanguageLexicons(dir); },
  };
  constexpr int kStages = static_cast<int>(std::size(stages));
  std::mutex stages_mu;
  int first_left = 0, end_left = kStages;  // stages [first_left, end_left) not claimed
  auto side_future = std::async(std::launch::async, [&] {
    for (;;) {
      int k;
      {
        std::lock_guard<std::mutex> lock(stages_mu);
        if (first_left == end_left) return;
        k = first_left++;
      }
      stages[k]();
    }
  });
  auto take_from_end = [&] {
    for (;;) {
      int k;
      {
        std::lock_guard<std::mutex> lock(stages_mu);
        if (first_left == end_left) return;
        k = --end_left;
      }
      stages[k]();
    }
  };
  // Joins the other thread; returns the first error in stage order:
  // redactor, language, sentiment, lexicons, then themes and signals
  // (`status`).
  auto finish = [&](Status status) -> Status {
    take_from_end();
    side_future.get();
    if (!redactor.ok()) return redactor.status();
    if (!language.ok()) return language.status();
    if (!sentiment_missing.ok()) return sentiment_missing;
    if (!sentiment.ok()) return sentiment.status();
    if (!lexicons.ok()) return lexicons.status();
    if (!status.ok()) return status;
    im.language_sentiment = std::move(*lexicons);
    for (const auto& ls : im.language_sentiment)
      im.description["sentiment_languages"].push_back(ls->language());
    im.redactor = std::move(*redactor);
    im.language = std::move(*language);
    im.sentiment = std::move(*sentiment);
    return Status();
  };
  // A missing model file ends here, as it did before anything was compiled.
  if (!sentiment_missing.ok()) return finish(Status());

  // Themes: a taxonomy file, or a trained model whose labels are the themes.
  std::string theme_source = options.themes.empty() ? dir + "/taxonomy.json" : options.themes;
  if (!IsFile(theme_source)) return finish(NotFoundError("themes file not found: " + theme_source));
  std::string model_path = options.themes_model;
  if (LooksLikeJson(theme_source)) {
    // The patterns are parsed once, by the compile below.
    auto tax = internal::LoadTaxonomyDeferringPatternChecks(theme_source);
    if (!tax.ok()) return finish(tax.status());
    im.taxonomy = std::shared_ptr<const Taxonomy>(std::move(*tax));
    im.description["themes"] = "taxonomy:" + theme_source;
  } else {
    model_path = theme_source;
  }
  if (!model_path.empty()) {
    auto model = TextClassifier::Load(model_path);
    if (!model.ok()) return finish(model.status());
    // A sentiment model's labels would become the themes "negative",
    // "neutral" and "positive": a mix-up of files, refused by task.
    if ((*model)->info().task == "sentiment")
      return finish(
          InvalidArgumentError(model_path +
                               " is a sentiment model (task 'sentiment'), not a themes model; give it as "
                               "the sentiment model (--sentiment-model) instead"));
    auto input = ModelInput::Create((*model)->info().input);
    if (!input.ok()) return finish(input.status());
    im.themes_model_input = std::make_unique<ModelInput>(std::move(*input));
    im.themes_model = std::move(*model);
    im.description["themes_model"] = "model:" + model_path;
    if (!im.taxonomy) {
      auto tax = Taxonomy::FromLabels(im.themes_model->info().labels);
      if (!tax.ok()) return finish(tax.status());
      im.taxonomy = std::shared_ptr<const Taxonomy>(std::move(*tax));
      im.description["themes"] = "labels of " + model_path;
    }
  }
  ThemeOptions to = options.theme_options;
  to.model_name = "themes";
  if (im.themes_model) to.model_name = im.themes_model->info().task;
  {
    std::vector<std::string_view> sample(options.industry_sample.begin(), options.industry_sample.end());
    auto sel = SelectIndustries(*im.taxonomy, options.industry, sample);
    if (!sel.ok()) return finish(sel.status());
    im.industries = std::move(*sel);
    to.all_packs = false;
    to.packs = im.industries.Enabled();
    if (!im.taxonomy->packs().empty())
      im.description["industries"] = nlohmann::json::parse(im.industries.ToJson());
  }
  const bool has_rules = std::any_of(im.taxonomy->themes().begin(), im.taxonomy->themes().end(),
                                     [](const Theme& t) { return !t.rules.empty(); });
  auto ts = internal::CreateThemesAndSignals(im.taxonomy, to, options.signal_options, options.detect_signals);
  if (!ts.ok()) {
    // A pattern that does not compile: the loader's message says where.
    if (LooksLikeJson(theme_source)) {
      auto checked = Taxonomy::LoadFile(theme_source);
      if (!checked.ok()) return finish(checked.status());
    }
    return finish(ts.status());
  }
  im.themes = std::move(ts->themes);
  im.signals = std::move(ts->signals);
  im.patterns = std::move(ts->group);
  im.detect_signals = options.detect_signals;
  im.scan_patterns = im.detect_signals || has_rules;

  if (Status st = finish(Status()); !st.ok()) return st;
  if (!options.adapted_model.empty()) {
    auto adapter = ThemeAdapter::Load(options.adapted_model);
    if (!adapter.ok()) return adapter.status();
    VOC_RETURN_IF_ERROR(an->SetThemeAdapter(std::move(*adapter)));
  }
  return an;
}

const IndustrySelection& Analyzer::industries() const { return impl_->industries; }
void Analyzer::ApplyThemeAdapter(Analysis* a) const {
  if (impl_->adapter && a->themes.empty()) a->themes = impl_->adapter->Classify(a->text, *impl_->taxonomy);
}

Status Analyzer::SetThemeAdapter(std::shared_ptr<const ThemeAdapter> adapter) {
  if (adapter) VOC_RETURN_IF_ERROR(adapter->CheckTaxonomy(*impl_->taxonomy));
  impl_->adapter = std::move(adapter);
  if (impl_->adapter)
    impl_->description["themes_adapted"] = std::to_string(impl_->adapter->report().themes.size()) + " themes";
  else
    impl_->description.erase("themes_adapted");
  return Status::Ok();
}

Analysis Analyzer::Analyze(const Record& record) const {
  Analysis a;
  impl_->Identify(record, &a);
  const std::string_view text = record.text;
  impl_->Fill(&text, 1, &a);
  return a;
}

Analysis Analyzer::AnalyzeText(std::string_view text) const {
  Analysis a;
  impl_->Fill(&text, 1, &a);
  return a;
}

void Analyzer::Analyze(const Record* records, size_t n, Analysis* out) const {
  // Texts per pass through the stages: up to kStep, fewer long ones (the
  // stages' data for many narratives would not stay in cache either).
  constexpr size_t kStep = 16, kStepBytes = 8192;
  std::string_view texts[kStep];
  for (size_t first = 0, m = 0; first < n; first += m) {
    size_t bytes = 0;
    for (m = 0; m < kStep && first + m < n && (m == 0 || bytes < kStepBytes); ++m)
      bytes += records[first + m].text.size();
    for (size_t i = 0; i < m; ++i) {
      const Record& r = records[first + i];
      Analysis& a = out[first + i];
      a = Analysis();
      impl_->Identify(r, &a);
      texts[i] = r.text;
    }
    impl_->Fill(texts, m, out + first);
  }
}

std::vector<Analysis> Analyzer::AnalyzeBatch(const std::vector<Record>& records, int threads) const {
  std::vector<Analysis> out(records.size());
  const int n =
      std::min<int>(internal::ResolveThreads(threads), static_cast<int>(std::max<size_t>(records.size(), 1)));
  constexpr size_t kChunk = 16;
  ParallelFor team(n);
  team.Run((records.size() + kChunk - 1) / kChunk, [&](size_t c) {
    const size_t first = c * kChunk;
    Analyze(records.data() + first, std::min(kChunk, records.size() - first), out.data() + first);
  });
  return out;
}

std::string Analyzer::Redact(std::string_view text) const {
  return impl_->redactor->Redact(impl_->normalizer->Normalize(text).text).text;
}

std::string Analyzer::DescribeJson() const { return impl_->description.dump(); }

namespace {

using JsonWriter = internal::JsonRoomWriter;

using internal::JsonStringRoom;
using internal::PutDoubleMember;
using internal::PutLiteral;
using internal::PutStringMember;
using internal::PutUintMember;
constexpr size_t kDoubleRoom = internal::JsonWriter::kDoubleRoom;
constexpr size_t kUintRoom = internal::kUintRoom;

// The text of an evidence span, when it is to be echoed and its range is
// valid; empty otherwise.
std::string_view EchoedText(const EvidenceSpan& e, std::string_view text, bool echo) {
  return echo && e.end <= text.size() && e.begin <= e.end ? text.substr(e.begin, e.end - e.begin)
                                                          : std::string_view();
}

// The members of a span object after "begin" and "end" (from "source" on)
// and the closing brace, at `p`: the room of SpanTailRoom.
char* PutSpanTail(char* p, const EvidenceSpan& e, std::string_view echoed, bool has_text) {
  p = PutStringMember(p, ",\"source\":", e.source);
  if (has_text) {
    p = PutStringMember(p, ",\"text\":", echoed);
  }
  if (e.weight != 0.0) {
    p = PutDoubleMember(p, ",\"weight\":", e.weight);
  }
  *p++ = '}';
  return p;
}
size_t SpanTailRoom(const EvidenceSpan& e, std::string_view echoed) {
  return 32 + JsonStringRoom(e.source.size()) + JsonStringRoom(echoed.size()) + kDoubleRoom;
}

// Keys in sorted order throughout, as nlohmann::json's std::map wrote them.
void SpanJson(JsonWriter& w, const EvidenceSpan& e, std::string_view text, bool echo = true) {
  const std::string_view echoed = EchoedText(e, text, echo);
  const bool has_text = echo && e.end <= text.size() && e.begin <= e.end;
  char* p = w.Sep(w.Room(1 + 32 + 2 * kUintRoom + SpanTailRoom(e, echoed)));
  p = PutUintMember(p, "{\"begin\":", e.begin);
  p = PutUintMember(p, ",\"end\":", e.end);
  w.Done(PutSpanTail(p, e, echoed, has_text));
}

void SignalsArray(JsonWriter& w, const std::vector<SignalHit>& signals, std::string_view text, bool echo) {
  w.BeginArray();
  for (const auto& h : signals) {
    // Profane words are counted, never echoed.
    const EvidenceSpan& e = h.evidence;
    const bool has_text = echo && e.source != "cue:profanity" && e.end <= text.size() && e.begin <= e.end;
    const std::string_view echoed = EchoedText(e, text, has_text);
    const std::string_view name = SignalName(h.signal);
    char* p = w.Sep(w.Room(1 + 48 + 2 * kUintRoom + JsonStringRoom(name.size()) + SpanTailRoom(e, echoed)));
    p = PutUintMember(p, "{\"begin\":", e.begin);
    p = PutUintMember(p, ",\"end\":", e.end);
    p = PutStringMember(p, ",\"signal\":", name);
    w.Done(PutSpanTail(p, e, echoed, has_text));
  }
  w.EndArray();
}

void ThemesArray(JsonWriter& w, const std::vector<ThemeHit>& themes, std::string_view text, bool echo) {
  w.BeginArray();
  for (const auto& t : themes) {
    char* p = w.Sep(w.Room(1 + 48 + kDoubleRoom + JsonStringRoom(t.department.size())));
    p = PutDoubleMember(p, "{\"confidence\":", t.confidence);
    p = PutStringMember(p, ",\"department\":", t.department);
    p = PutLiteral(p, ",\"evidence\":");
    w.Keyed(p);
    w.BeginArray();
    for (const auto& e : t.evidence) SpanJson(w, e, text, echo);
    w.EndArray();
    const std::string_view role = ValueRoleName(t.role);
    p = w.Room(48 + JsonStringRoom(t.id.size()) + JsonStringRoom(role.size()) +
               JsonStringRoom(t.source.size()));
    p = PutStringMember(p, ",\"id\":", t.id);
    p = PutStringMember(p, ",\"role\":", role);
    p = PutStringMember(p, ",\"source\":", t.source);
    *p++ = '}';
    w.Done(p);
  }
  w.EndArray();
}

bool SameEvidence(const std::vector<EvidenceSpan>& x, const std::vector<EvidenceSpan>& y) {
  if (x.size() != y.size()) return false;
  for (size_t i = 0; i < x.size(); ++i)
    if (x[i].begin != y[i].begin || x[i].end != y[i].end || x[i].source != y[i].source ||
        std::memcmp(&x[i].weight, &y[i].weight, sizeof(double)) != 0)
      return false;
  return true;
}

// The members of a sentiment object; a sentence's adds its byte range. The
// evidence array is written at [*evidence_begin, *evidence_end) of the
// writer's output, or copied from `evidence_json` when that is not empty
// (the same spans, written before).
void SentimentMembers(JsonWriter& w, const Sentiment& s, const std::string& text, size_t* evidence_begin,
                      size_t* evidence_end, std::string_view evidence_json = {},
                      const SentenceSentiment* sentence = nullptr) {
  // The first members of the object: no comma before them.
  char* p = w.Room(64 + 2 * kUintRoom + kDoubleRoom);
  if (sentence) {
    p = PutUintMember(p, "\"begin\":", sentence->begin);
    *p++ = ',';
  }
  p = PutDoubleMember(p, "\"confidence\":", s.confidence);
  if (sentence) {
    p = PutUintMember(p, ",\"end\":", sentence->end);
  }
  p = PutLiteral(p, ",\"evidence\":");
  w.Keyed(p);
  if (!evidence_json.empty()) {
    w.Raw(evidence_json);
  } else {
    *evidence_begin = w.size();
    w.BeginArray();
    for (const auto& e : s.evidence) SpanJson(w, e, text);
    w.EndArray();
    *evidence_end = w.size();
  }
  if (!s.scored()) {
    w.Key("label").String("unscored").Key("reason").String(s.unscored).Key("score").Null();
    return;
  }
  const std::string_view label = PolarityName(s.label);
  p = w.Room(32 + JsonStringRoom(label.size()) + kDoubleRoom);
  p = PutStringMember(p, ",\"label\":", label);
  w.Done(PutDoubleMember(p, ",\"score\":", s.score));
}

}  // namespace

void AppendThemesJson(const std::vector<ThemeHit>& themes, std::string_view text, std::string* out,
                      bool echo) {
  JsonWriter w(out);
  ThemesArray(w, themes, text, echo);
}

void AppendSignalsJson(const std::vector<SignalHit>& signals, std::string_view text, std::string* out,
                       bool echo) {
  JsonWriter w(out);
  SignalsArray(w, signals, text, echo);
}

std::string AnalysisToJson(const Analysis& a) {
  std::string out;
  out.reserve(a.text.size() * 2 + 512);
  AppendAnalysisJson(a, &out);
  return out;
}

void AppendAnalysisJson(const Analysis& a, std::string* out) {
  JsonWriter w(out);
  // The members up to "profanity" in one piece.
  char* p = w.Room(160 + JsonStringRoom(a.channel.size()) + JsonStringRoom(a.customer_id.size()) +
                   JsonStringRoom(a.id.size()) + JsonStringRoom(a.language.size()) + 2 * kDoubleRoom +
                   2 * kUintRoom);
  p = PutStringMember(p, "{\"channel\":", a.channel);
  if (!a.customer_id.empty()) {
    p = PutStringMember(p, ",\"customer_id\":", a.customer_id);
  }
  p = PutDoubleMember(p, ",\"emotion_intensity\":", a.emotion_intensity);
  p = PutStringMember(p, ",\"id\":", a.id);
  if (a.invalid_utf8) {
    p = PutUintMember(p, ",\"invalid_utf8\":", a.invalid_utf8);
  }
  p = PutStringMember(p, ",\"language\":", a.language);
  p = PutDoubleMember(p, ",\"language_confidence\":", a.language_confidence);
  p = PutUintMember(p, ",\"profanity\":", a.profanity);
  w.Done(p);  // inside the object, after a member
  // Redaction kinds sorted, each once (the last count wins, as with a map).
  std::vector<std::pair<std::string_view, uint32_t>> red(a.redactions.begin(), a.redactions.end());
  std::stable_sort(red.begin(), red.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
  w.Key("redactions").BeginObject();
  for (size_t i = 0; i < red.size(); ++i)
    if (i + 1 == red.size() || red[i + 1].first != red[i].first) w.Key(red[i].first).Uint(red[i].second);
  w.EndObject();
  // A text of one sentence mostly has the document's evidence: written
  // once, copied.
  size_t evidence_begin = 0, evidence_end = 0;
  w.Key("sentences").BeginArray();
  for (const auto& s : a.sentences) {
    w.BeginObject();
    SentimentMembers(w, s.sentiment, a.text, &evidence_begin, &evidence_end, {}, &s);
    w.EndObject();
  }
  w.EndArray();
  const bool same =
      a.sentences.size() == 1 && SameEvidence(a.sentences[0].sentiment.evidence, a.sentiment.evidence);
  // Copied out first: appending may move the string's bytes.
  thread_local std::string evidence;
  evidence.assign(same ? w.view(evidence_begin, evidence_end) : std::string_view());
  w.Key("sentiment").BeginObject();
  SentimentMembers(w, a.sentiment, a.text, &evidence_begin, &evidence_end, evidence);
  w.EndObject();
  w.Key("signals");
  SignalsArray(w, a.signals, a.text, /*echo=*/true);
  w.Key("text").String(a.text);
  w.Key("themes");
  ThemesArray(w, a.themes, a.text, /*echo=*/true);
  w.Key("timestamp");
  if (a.timestamp)
    w.String(FormatTimestamp(*a.timestamp));
  else
    w.Null();
  w.Key("unclassified").Bool(a.unclassified());
  w.EndObject();
}

}  // namespace voc
