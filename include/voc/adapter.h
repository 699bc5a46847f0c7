// voc/adapter.h: themes adapted to the user's own data, without labels.
//
// The taxonomy's rules are precise but miss the many ways customers say the
// same thing. A ThemeAdapter learns the user's vocabulary from the verbatims
// the rules label confidently: it trains linear classifiers (the linear
// backend of voc/classifier.h, word 1-2 grams) on them, with the rules'
// own matched words blanked out so that they learn the words around them,
// and then gives themes to the verbatims the rules left unclassified. The
// sample is split in two halves by a hash of the text, each trains a
// classifier, and every text is scored by the one that did not see it.
// Hits carry `source == "adapted"` and a confidence calibrated on the other
// half; a hit below its theme's threshold is not assigned. See
// docs/ADAPTATION.md for the method and its figures.
//
//   auto analyzer = voc::Analyzer::Create({});
//   auto reader = voc::RecordReader::Open("complaints.csv", {});
//   std::vector<voc::Analysis> sample;               // the first records, analysed
//   auto adapter = voc::FitThemeAdapter(**reader, **analyzer, {}, &sample, nullptr);
//   if (!adapter.ok()) return adapter.status();
//   VOC_RETURN_IF_ERROR((*adapter)->Save("adapted.voca"));   // reuse later
//   VOC_RETURN_IF_ERROR((*analyzer)->SetThemeAdapter(std::move(*adapter)));
//   for (voc::Analysis& a : sample) {                // the sample first ...
//     (*analyzer)->ApplyThemeAdapter(&a);
//     on_analysis(std::move(a));
//   }
//   voc::RunPipeline(**reader, **analyzer, {}, on_analysis, on_reject);  // ... then the rest
//
// Determinism: the sample is the first records of the input (bounded by
// count and bytes), analysed in input order; training is seeded and single
// threaded. The same input and options give a byte-identical adapter for
// any thread count, and a saved adapter applied elsewhere (another process,
// a Dask worker) gives the same hits.
//
// Thread safety: a ThemeAdapter is immutable after Fit() or Load(); its
// const methods may be called from many threads at once.
#ifndef VOC_ADAPTER_H_
#define VOC_ADAPTER_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "voc/analysis.h"
#include "voc/reader.h"
#include "voc/status.h"

namespace voc {

class Analyzer;
class Taxonomy;

struct AdaptOptions {
  // The sample: the first `sample_records` records of the input, fewer when
  // their texts reach `sample_bytes`. Defaults 20000 and 8 MiB (about 7,000
  // complaint narratives: training time grows with the bytes).
  size_t sample_records = 20000;
  size_t sample_bytes = size_t{8} << 20;
  // A rule hit is a training label when its confidence (the rule's weight)
  // is at least this. Default 0.7.
  double min_rule_confidence = 0.7;
  // A theme is adapted only with at least this many confidently labelled
  // verbatims in the sample, and at least this many labelled verbatims
  // without it. Defaults 30 and 30.
  size_t min_examples = 30;
  size_t min_negatives = 30;
  // A theme is dropped when its precision against the rules' labels, on
  // the labelled verbatims of the half of the sample its classifier did not
  // see, at confidence 0.5, is below this. Default 0.6.
  double min_precision = 0.6;
  // Verbatims of the sample with no rule hit at all are negatives of every
  // theme (so that a text without any theme's words gets none), up to this
  // many times the labelled ones (those with the smallest hash of their
  // text). 0 leaves them out. Default 1.
  double unlabelled_share = 1.0;
  // Blank out the rules' matched spans in the training texts (the verbatims
  // the adapter labels lack those words by construction). Default true.
  bool mask_rule_evidence = true;
  // Most adapted themes given to one verbatim. Default 2.
  int max_themes_per_text = 2;
  // Threads for analysing the sample (FitThemeAdapter); 0 = all cores. The
  // result does not depend on it.
  int threads = 0;
  int seed = 13;
  // Metadata columns FitThemeAdapter copies into the sample's
  // Analysis::fields, as PipelineOptions::keep_columns does.
  std::vector<std::string> keep_columns;
  // With more than one thread, FitThemeAdapter fits on one of them and
  // meanwhile reads on and analyses (without adapter) up to this many more
  // records, and no more than sample_bytes more text, on the calling thread,
  // until the fit ends; they go into the room `*sample` has left after the
  // sample (FitThemeAdapter reserves at most 65,536 for them, none when the
  // sample was full before the call), and stop when it is used up;
  // it appends them to `*sample` after the sample (they take no part in the
  // fit), so that fitting overlaps analysis. 0 (the default): none. The
  // adapter does not depend on it.
  size_t read_ahead_records = 0;
};

// What Fit() learnt, per theme.
struct AdaptedTheme {
  std::string id;
  uint64_t examples = 0;   // labelled verbatims of the sample with the theme
  uint64_t negatives = 0;  // labelled verbatims without it
  // On the labelled verbatims of the other half: precision and recall
  // against the rules' labels, at confidence 0.5.
  double precision = 0, recall = 0;
  // Calibration: confidence = min(1, q / label_rate) with
  // q = 1 / (1 + exp(-(a * logit(p) + b))), p the classifier's probability:
  // q estimates the chance that the rules label the verbatim with the theme,
  // label_rate the share of the theme's verbatims that they do label.
  double calibration_a = 1, calibration_b = 0, label_rate = 1;
};

struct AdaptReport {
  uint64_t sample = 0;               // verbatims in the sample
  uint64_t labelled = 0;             // ... with at least one confident rule hit
  std::vector<AdaptedTheme> themes;  // adapted, sorted by id
  // Themes seen in the sample but not adapted, with the reason, e.g.
  // {"refunds/denied", "12 examples (needs 30)"}.
  std::vector<std::pair<std::string, std::string>> skipped;
  // One line of JSON, keys sorted.
  std::string ToJson() const;
};

class ThemeAdapter {
 public:
  // Fits on analyses made by an Analyzer without adapter: their rule hits
  // (source "rule:...") are the labels. FailedPrecondition, with the
  // reason, when no theme has enough examples.
  static Result<std::unique_ptr<ThemeAdapter>> Fit(const std::vector<Analysis>& sample,
                                                   const AdaptOptions& options = {});
  // Loads a file written by Save(). NotFound for a missing file,
  // InvalidArgument for a file that is not an adapted-themes model.
  static Result<std::unique_ptr<ThemeAdapter>> Load(const std::string& path);
  static Result<std::unique_ptr<ThemeAdapter>> FromBytes(std::string_view bytes);

  ~ThemeAdapter();
  ThemeAdapter(const ThemeAdapter&) = delete;
  ThemeAdapter& operator=(const ThemeAdapter&) = delete;

  // Writes the adapter atomically; Serialize() gives the same bytes.
  Status Save(const std::string& path) const;
  std::string Serialize() const;

  // InvalidArgument naming the first adapted theme `taxonomy` lacks.
  Status CheckTaxonomy(const Taxonomy& taxonomy) const;

  // The adapted themes of a verbatim the rules left unclassified (`text` is
  // Analysis::text): each theme whose calibrated confidence reaches its
  // threshold in `taxonomy` (themes it lacks are skipped), most confident
  // first, at most `max_themes_per_text`. Each hit has source "adapted",
  // department and role from the taxonomy, and as evidence the spans of
  // the words that pushed it most.
  std::vector<ThemeHit> Classify(std::string_view text, const Taxonomy& taxonomy) const;

  const AdaptReport& report() const;
  const AdaptOptions& options() const;

 private:
  friend class ImplAccess;  // the Analyzer passes the social tokens it found
  struct Impl;
  explicit ThemeAdapter(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Reads the sample from `reader` (its first records, bounded as
// AdaptOptions says), analyses it with `analyzer` (without adapter) and
// appends the analyses to `*sample`, in input order, and fits an adapter on
// all of `*sample` (analyses already there, e.g. of records read before,
// count towards the bounds), then appends the records read ahead while
// fitting (AdaptOptions::read_ahead_records). Rejects met while
// reading go to `on_reject` (may be null). The analyses are complete: the
// caller outputs them, each after Analyzer::ApplyThemeAdapter once the
// adapter is set, then analyses the rest of the reader. The sample's
// analyses are kept even when fitting fails.
Result<std::unique_ptr<ThemeAdapter>> FitThemeAdapter(RecordReader& reader, const Analyzer& analyzer,
                                                      const AdaptOptions& options,
                                                      std::vector<Analysis>* sample,
                                                      const std::function<void(const Reject&)>& on_reject);

}  // namespace voc

#endif  // VOC_ADAPTER_H_
