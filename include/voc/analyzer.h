// voc/analyzer.h: the whole per-verbatim pipeline in one object.
//
//   voc::AnalyzerOptions options;             // shipped models by default
//   auto analyzer = voc::Analyzer::Create(options);
//   if (!analyzer.ok()) return analyzer.status();
//   voc::Analysis a = (*analyzer)->AnalyzeText("Charged twice and on hold 40 min!");
//   // a.sentiment, a.themes (with department and evidence), a.signals ...
//
// Stages: normalise (ICU) -> redact PII (RE2) -> tokenize -> sentiment
// (lexicon + model) -> themes (taxonomy rules + optional trained model) ->
// CX signals. Every offset in the result points into `Analysis::text`,
// which is already redacted.
//
// Thread safety: an Analyzer is immutable after Create(); all methods are
// const and may be called from many threads at once.
#ifndef VOC_ANALYZER_H_
#define VOC_ANALYZER_H_

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "voc/analysis.h"
#include "voc/normalizer.h"
#include "voc/reader.h"
#include "voc/redactor.h"
#include "voc/sentiment.h"
#include "voc/signals.h"
#include "voc/json.h"
#include "voc/status.h"
#include "voc/taxonomy.h"

namespace voc {

struct Conversation;          // voc/conversation.h
struct ConversationAnalysis;  // voc/conversation.h
class ThemeAdapter;

struct AnalyzerOptions {
  NormalizerOptions normalizer;  // default: NFC, entities decoded, whitespace collapsed
  RedactorOptions redactor;      // default: every PII kind on
  // Folder of the shipped models. Default "": `DefaultModelsDir()`.
  std::string models_dir;
  // Sentiment model file. Default "": `<models_dir>/sentiment.vocm` or
  // `<models_dir>/sentiment.ftz`, the first that exists; "none": the
  // lexicon-and-rules scorer alone.
  std::string sentiment_model;
  // Theme source: a taxonomy JSON file or a model made by `voc train` (its
  // labels become the themes). Default "": `<models_dir>/taxonomy.json`.
  std::string themes;
  // With a taxonomy, an optional trained model whose labels map to themes
  // through the taxonomy's `model_labels` (or equal theme ids). Default "".
  std::string themes_model;
  // Model predictions considered per text for a single-label themes model.
  int themes_model_top_k = 3;
  // Industry packs of the taxonomy (models/TAXONOMY.md): "auto" (default)
  // enables the packs whose vocabulary `industry_sample` shows (none when
  // the sample is empty), "none" the core themes only, "all" every pack, or
  // a comma-separated list of pack ids ("travel,telecom").
  std::string industry = "auto";
  // The texts `auto` looks at: the first kIndustrySampleRecords records of
  // the input, say. Not used by the other modes.
  std::vector<std::string> industry_sample;

  // Customer ids are personal data: Analysis::customer_id holds a keyed hash
  // of the record's ("cust-" and 32 hex digits, SipHash-2-4 keyed by this
  // salt), so repeat-customer counts merge exactly across processes that use
  // the same salt, and the raw id is never stored or printed. Keep the salt
  // secret and stable for a deployment. Default "": a fixed public key
  // (still no raw id in any output, but guessable ids can be confirmed).
  std::string customer_salt;
  // Language of every record, an ISO 639-1 code: identification is skipped.
  // Default "": each record's language is identified (voc/language.h) with
  // `<models_dir>/lid.176.ftz` when it exists.
  std::string language;
  // Themes adapted to the user's data (voc/adapter.h): a file written by
  // ThemeAdapter::Save (`voc analyze --save-adapted`), applied to the
  // verbatims the rules leave unclassified. Default "": none.
  std::string adapted_model;
  // The options of the stages the Analyzer builds. Sentiment: thresholds,
  // blend and evidence (its `model_path` is ignored: `sentiment_model` above
  // names the model). Signals: thresholds, negation, extra cues. Theme rules:
  // evidence per rule, rules on or off (`model_name` and the packs are set by
  // the Analyzer from `themes_model` and `industry`).
  SentimentOptions sentiment_options;
  SignalOptions signal_options;
  ThemeOptions theme_options;
  // CX signals detected (Analysis::signals, emotion_intensity, profanity).
  // false: left empty and 0, for a caller that never reads them (`voc
  // discover` on undated records, whose themes get no per-period finding);
  // the built-in cues are not compiled then, the extra cues are checked, so
  // that errors are reported as with true. Not a config key. Default true.
  bool detect_signals = true;
};

// Sets the options a JSON config names over `*options` (the other fields keep
// their values): the keys are the fields above ("models_dir", "industry", ...),
// with objects "normalizer", "redactor", "sentiment", "signals" (extra cues as
// {"signal": "churn_risk", "name": ..., "pattern": ..., "negatable": ...}) and
// "theme_rules". `voc --config FILE` and Python's Analyzer(config=...) read it.
// InvalidArgument naming the key for an unknown key, a wrong type or a value
// out of range; `*options` is unchanged then.
Status ApplyAnalyzerConfig(std::string_view config, AnalyzerOptions* options);

// The config of `options` as JSON (every key; not the customer salt, a
// secret): a template to edit, `voc analyze --print-config`.
std::string AnalyzerConfigToJson(const AnalyzerOptions& options);

// Records of the input that `voc` samples for `--industry auto`.
inline constexpr size_t kIndustrySampleRecords = 1000;

// The customer key Analyzer stores for `customer_id` under `salt` (see
// AnalyzerOptions::customer_salt); "" for an empty id.
std::string CustomerKey(std::string_view customer_id, std::string_view salt);

// Returns the folder holding the shipped models: $VOC_MODELS_DIR when set,
// else the installed share/voc/models, else the source tree's models/.
std::string DefaultModelsDir();

class Analyzer {
 public:
  static Result<std::unique_ptr<Analyzer>> Create(const AnalyzerOptions& options = {});
  ~Analyzer();
  Analyzer(const Analyzer&) = delete;
  Analyzer& operator=(const Analyzer&) = delete;

  // Analyses one record: its id, timestamp, channel and customer id are
  // carried into the result, the id and channel redacted like the text and
  // the customer id as its CustomerKey().
  Analysis Analyze(const Record& record) const;
  // Analyses a bare text.
  Analysis AnalyzeText(std::string_view text) const;
  // Analyses records[0..n) into out[0..n) (overwritten), as Analyze does one
  // by one, stage by stage over a few records at a time: faster, since each
  // stage's tables stay in cache while it runs.
  void Analyze(const Record* records, size_t n, Analysis* out) const;
  // Analyses `records` on `threads` threads (0: all cores); results come
  // back in input order and equal those of `Analyze` one by one.
  std::vector<Analysis> AnalyzeBatch(const std::vector<Record>& records, int threads = 0) const;
  // Analyses a conversation per speaker (include voc/conversation.h): themes
  // and sentiment from the customer's turns only, the trajectory, transfers,
  // resolution and agent behaviours.
  ConversationAnalysis AnalyzeConversation(const Conversation& conversation) const;

  // Gives the verbatims the rules leave unclassified the themes of
  // `adapter` (nullptr: none). InvalidArgument when the adapter has a theme
  // the taxonomy lacks. Not thread-safe: call it before analysing, never
  // while another thread uses this analyzer.
  Status SetThemeAdapter(std::shared_ptr<const ThemeAdapter> adapter);
  // Gives `a`, analysed before the adapter was set, the adapted themes
  // Analyze would give it now (nothing when it has themes or there is no
  // adapter).
  void ApplyThemeAdapter(Analysis* a) const;

  // Redacts `text` (normalised first) with this analyzer's redactor; used
  // for anything echoed from the input, such as rejected records.
  std::string Redact(std::string_view text) const;

  // Describes the loaded components, e.g. for a report's footer:
  // {"sentiment": "...", "themes": "...", "themes_model": "..."}.
  std::string DescribeJson() const;

  // The industry packs in use and why (empty when the themes come from a
  // model without a taxonomy).
  const IndustrySelection& industries() const;

 private:
  Analyzer();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// AnalysisToJson and AppendAnalysisJson, the `voc analyze` format: voc/json.h.

// The streaming engine (RunPipeline, RunPipelineText): voc/pipeline.h.

}  // namespace voc

#endif  // VOC_ANALYZER_H_
