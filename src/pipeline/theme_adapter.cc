// ThemeAdapter: a linear classifier trained on the verbatims the taxonomy's
// rules label confidently, applied to those they leave unclassified.
//
// File format: "VOCADAPT" (8 bytes), a little-endian u32 format version, a
// u64 length and that many bytes of JSON (options, report, per-theme
// calibration), then a u64 length and the bytes of the first half's
// TextClassifier (task "adapted-themes"), then the second's; the
// classifiers check themselves.
#include "voc/adapter.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>
#include <sstream>
#include <type_traits>
#include <utility>

#include <nlohmann/json.hpp>

#include "classifier/classifier_backend.h"
#include "text/segment.h"
#include "text/stop_words.h"
#include "util/flat_string_map.h"
#include "util/impl_access.h"
#include "util/json_depth.h"
#include "pipeline/adapter_internal.h"
#include "voc/analyzer.h"
#include "voc/pipeline.h"
#include "voc/classifier.h"
#include "voc/parallel.h"
#include "voc/files.h"
#include "voc/taxonomy.h"

namespace voc {
namespace {

using nlohmann::json;

constexpr char kMagic[8] = {'V', 'O', 'C', 'A', 'D', 'A', 'P', 'T'};
constexpr uint32_t kFormatVersion = 1;
constexpr const char* kTask = "adapted-themes";
constexpr const char* kSource = "adapted";
// Distinct words an adapted hit's positive features must span (Classify).
constexpr size_t kMinEvidenceWords = 2;

// Lower end of the one-sided 90% Wilson score interval of a proportion k/n.
double WilsonLower(uint64_t k, uint64_t n) {
  if (n == 0) return 0.0;
  const double z = 1.2816, nn = static_cast<double>(n), p = static_cast<double>(k) / nn;
  const double centre = p + z * z / (2 * nn);
  const double margin = z * std::sqrt(p * (1 - p) / nn + z * z / (4 * nn * nn));
  return (centre - margin) / (1 + z * z / nn);
}
// A word is one of the rules' words, blanked in every text the classifiers
// see, when the rules matched it in at least this share of the sample's texts
// that hold it ("cancel", "newsletter"); a word the rules match only now and
// then ("credit" in "credit report", among narratives about credit cards) is
// kept as context.
constexpr double kRuleWordShare = 0.8;

uint64_t Fnv1a(std::string_view s, uint64_t seed) {
  constexpr uint64_t kPrime = 1099511628211ULL;
  uint64_t h = 1469598103934665603ULL ^ (seed * 0x9E3779B97F4A7C15ULL);
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const size_t n = s.size();
  size_t i = 0;
  for (; i + 4 <= n; i += 4) {  // four bytes a turn: the same steps, fewer loop tests
    h = (h ^ p[i]) * kPrime;
    h = (h ^ p[i + 1]) * kPrime;
    h = (h ^ p[i + 2]) * kPrime;
    h = (h ^ p[i + 3]) * kPrime;
  }
  for (; i < n; ++i) h = (h ^ p[i]) * kPrime;
  // Final mix: the low bits of FNV alone are poorly spread.
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  return h;
}

double Logit(double p) {
  p = std::min(1.0 - 1e-9, std::max(1e-9, p));
  return std::log(p / (1.0 - p));
}

double Sigmoid(double z) { return 1.0 / (1.0 + std::exp(-z)); }

}  // namespace

std::pair<double, double> internal::FitPlatt(const std::vector<double>& x, const std::vector<uint32_t>& of,
                                             const std::vector<int>& y) {
  double npos = 0, nneg = 0;
  for (int v : y) (v ? npos : nneg) += 1;
  if (npos == 0 || nneg == 0) return {1.0, 0.0};
  const double hi = (npos + 1) / (npos + 2), lo = 1 / (nneg + 2);
  double a = 1.0, b = 0.0;
  const size_t n = y.size(), m = x.size();
  // Per score: A x + B, and log(1 + e^z) or the probability and its
  // weight p (1 - p).
  std::vector<double> z(m), f(m), w(m);
  auto loss = [&](double A, double B) {
    for (size_t k = 0; k < m; ++k) {
      z[k] = A * x[k] + B;
      // log(1 + e^z), computed stably.
      f[k] = z[k] > 0 ? z[k] + std::log1p(std::exp(-z[k])) : std::log1p(std::exp(z[k]));
    }
    double l = 0;
    for (size_t i = 0; i < n; ++i) {
      const double t = y[i] ? hi : lo;
      l += f[of[i]] - t * z[of[i]];  // log(1 + e^z) - t z
    }
    return l;
  };
  double cur = loss(a, b);
  for (int it = 0; it < 100; ++it) {
    for (size_t k = 0; k < m; ++k) f[k] = Sigmoid(a * x[k] + b), w[k] = f[k] * (1 - f[k]);
    double ga = 0, gb = 0, haa = 1e-9, hab = 0, hbb = 1e-9;
    for (size_t i = 0; i < n; ++i) {
      const double t = y[i] ? hi : lo, xi = x[of[i]], d = f[of[i]] - t, wi = w[of[i]];
      ga += d * xi, gb += d;
      haa += wi * xi * xi, hab += wi * xi, hbb += wi;
    }
    const double det = haa * hbb - hab * hab;
    if (!(std::fabs(det) > 1e-12)) break;
    const double da = -(hbb * ga - hab * gb) / det, db = -(haa * gb - hab * ga) / det;
    double step = 1.0, next = cur;
    while (step > 1e-6) {
      next = loss(a + step * da, b + step * db);
      if (next < cur) break;
      step /= 2;
    }
    if (step <= 1e-6) break;
    a += step * da, b += step * db;
    if (cur - next < 1e-10 * (1 + std::fabs(cur))) {
      cur = next;
      break;
    }
    cur = next;
  }
  return {a, b};
}

namespace {

json OptionsJson(const AdaptOptions& o) {
  return {{"sample_records", o.sample_records},
          {"sample_bytes", o.sample_bytes},
          {"min_rule_confidence", o.min_rule_confidence},
          {"min_examples", o.min_examples},
          {"min_negatives", o.min_negatives},
          {"min_precision", o.min_precision},
          {"mask_rule_evidence", o.mask_rule_evidence},
          {"unlabelled_share", o.unlabelled_share},
          {"max_themes_per_text", o.max_themes_per_text},
          {"seed", o.seed}};
}

json ThemeJson(const AdaptedTheme& t) {
  return {{"id", t.id},
          {"examples", t.examples},
          {"negatives", t.negatives},
          {"precision", t.precision},
          {"recall", t.recall},
          {"label_rate", t.label_rate},
          {"calibration_a", t.calibration_a},
          {"calibration_b", t.calibration_b}};
}

json ReportJson(const AdaptReport& r) {
  json themes = json::array(), skipped = json::array();
  for (const auto& t : r.themes) themes.push_back(ThemeJson(t));
  for (const auto& [id, why] : r.skipped) skipped.push_back({{"id", id}, {"reason", why}});
  return {{"sample", r.sample}, {"labelled", r.labelled}, {"themes", themes}, {"skipped", skipped}};
}

Status CheckOptions(const AdaptOptions& o) {
  if (o.sample_records < 1) return InvalidArgumentError("adapt: sample_records must be >= 1");
  if (o.sample_bytes < 1) return InvalidArgumentError("adapt: sample_bytes must be >= 1");
  if (!(o.min_rule_confidence >= 0 && o.min_rule_confidence <= 1))
    return InvalidArgumentError("adapt: min_rule_confidence must be in [0, 1]");
  if (o.min_examples < 2) return InvalidArgumentError("adapt: min_examples must be >= 2");
  if (o.min_negatives < 1) return InvalidArgumentError("adapt: min_negatives must be >= 1");
  if (!(o.min_precision >= 0 && o.min_precision <= 1))
    return InvalidArgumentError("adapt: min_precision must be in [0, 1]");
  if (!(o.unlabelled_share >= 0 && o.unlabelled_share <= 100))
    return InvalidArgumentError("adapt: unlabelled_share must be in [0, 100]");
  if (o.max_themes_per_text < 1) return InvalidArgumentError("adapt: max_themes_per_text must be >= 1");
  if (o.threads < 0) return InvalidArgumentError("adapt: threads must be >= 0");
  return Status::Ok();
}

bool IsRuleHit(const ThemeHit& h) { return h.source.compare(0, 5, "rule:") == 0; }

// A byte of a word: an ASCII letter or digit, an apostrophe, or any byte of
// a non-ASCII character (looked up: several per byte of every text); its
// classes as bits, so that one pass over a word tells whether it is all
// digits and whether it has a capital.
constexpr uint8_t kWordByte = 1, kDigitByte = 2, kUpperByte = 4;
struct WordByteTable {
  uint8_t cls[256];
  char lower[256];  // ASCII capitals lower-cased, other bytes as they are
  constexpr WordByteTable() : cls(), lower() {
    for (int c = 0; c < 256; ++c) {
      const bool upper = c >= 'A' && c <= 'Z', digit = c >= '0' && c <= '9';
      const bool word = (c >= 'a' && c <= 'z') || upper || digit || c == '\'' || c >= 0x80;
      cls[c] =
          static_cast<uint8_t>((word ? kWordByte : 0) | (digit ? kDigitByte : 0) | (upper ? kUpperByte : 0));
      lower[c] = static_cast<char>(upper ? c + 32 : c);
    }
  }
};
constexpr WordByteTable kWordBytes;

bool IsWordByte(unsigned char c) { return kWordBytes.cls[c] & kWordByte; }

// A word of a text: its end, and the or (`any`) and the and (`all`) of its
// bytes' classes.
struct WordScan {
  size_t end;
  uint8_t any, all;
};

// Scans the word starting at s[i] (a word byte) up to n.
inline WordScan ScanWord(const char* s, size_t i, size_t n) {
  uint8_t any = 0, all = 0xff;
  for (; i < n; ++i) {
    const uint8_t k = kWordBytes.cls[static_cast<unsigned char>(s[i])];
    if (!(k & kWordByte)) break;
    any |= k;
    all &= k;
  }
  return {i, any, all};
}

// The n bytes at s lower-cased (ASCII), without trailing apostrophes: a view
// of s itself when they hold no capital (`any`: the or of their classes),
// else of a lower-cased copy in the room of *buf (grown when too small).
std::string_view LowerWord(const char* s, size_t n, uint8_t any, std::string* buf) {
  const char* o = s;
  if (any & kUpperByte) {
    if (buf->size() < n) buf->resize(std::max<size_t>(n, 64));
    char* w = buf->data();
    for (size_t k = 0; k < n; ++k) w[k] = kWordBytes.lower[static_cast<unsigned char>(s[k])];
    o = w;
  }
  while (n > 0 && o[n - 1] == '\'') --n;
  return std::string_view(o, n);
}

// The words blanked in every text the classifiers see (ContentOnly): the
// stop words and the rules' words, looked up once per word of every text
// classified.
using WordIndex = internal::WordMap<uint8_t>;

// The length of the word of `n` bytes at `s` without its trailing
// apostrophes (LowerWord's).
inline size_t WithoutTrailingApostrophes(const char* s, size_t n) {
  while (n > 0 && s[n - 1] == '\'') --n;
  return n;
}

// The text the classifiers see, in *out: stop words (those of discovery, in
// the languages it knows), numbers and redaction masks ("[ACCOUNT]") blanked
// out with spaces, so that byte offsets are unchanged and only content words
// can carry a theme ("order [ACCOUNT]" or "how do I" say nothing about one).
// The words the rules matched anywhere in the sample (in `blank` with the
// stop words) are blanked too, in every text: the classifier then learns the
// context of a theme, not the rules' own words, and the same word cannot be
// a theme's evidence where one rule's match was masked and another's was not
// (after "cancel" is masked in "cancel my order", "order" would teach
// `cancellation` while another rule masked it in "track my order"). Returns
// whether any word is left. `social`, if given, holds the social tokens of
// `text` (segment.h SocialSpans).
bool ContentOnly(std::string_view text, const WordIndex& blank,
                 const std::vector<internal::SocialSpan>* social, std::string* out) {
  // Tokens that are not words (URLs, mentions, e-mails, masks, numbers) are
  // never features nor evidence: the segmentation's rule (text/segment.h).
  if (social != nullptr)
    internal::BlankNonWords(text, *social, out);
  else
    internal::BlankNonWords(text, out);
  bool content = false;
  thread_local std::string lower;
  const size_t n = out->size();
  char* o = out->data();
  for (size_t i = 0; i < n;) {
    const auto c = static_cast<unsigned char>(o[i]);
    if (c == '[') {  // a mask: '[', capitals, digits or '_', ']'
      size_t j = i + 1;
      while (j < n && ((o[j] >= 'A' && o[j] <= 'Z') || o[j] == '_' || (o[j] >= '0' && o[j] <= '9'))) ++j;
      if (j > i + 1 && j < n && o[j] == ']') {
        std::memset(o + i, ' ', j + 1 - i);
        i = j + 1;
        continue;
      }
    }
    if (!IsWordByte(c)) {
      ++i;
      continue;
    }
    const WordScan w = ScanWord(o, i, n);
    bool drop = (w.all & kDigitByte) != 0;  // a number
    if (!drop) {
      // Its lower-cased form without trailing apostrophes (LowerWord's),
      // looked up without making it.
      const size_t size = WithoutTrailingApostrophes(o + i, w.end - i);
      drop = size < 2 || blank.FindText(o + i, size, (w.any & kUpperByte) != 0, n - i, &lower) != nullptr;
    }
    if (drop)
      std::memset(o + i, ' ', w.end - i);
    else
      content = true;
    i = w.end;
  }
  return content;
}

// Calls f(i, any, size) for each word of `span` of two bytes or more
// without its trailing apostrophes: the word starts at span[i], `any` is the
// or of its bytes' classes, `size` its length without those apostrophes.
template <class F>
void ForEachWordAt(std::string_view span, F f) {
  const char* s = span.data();
  const size_t n = span.size();
  for (size_t i = 0; i < n;) {
    if (!IsWordByte(static_cast<unsigned char>(s[i]))) {
      ++i;
      continue;
    }
    const WordScan scan = ScanWord(s, i, n);
    const size_t size = WithoutTrailingApostrophes(s + i, scan.end - i);
    if (size >= 2) f(i, scan.any, size);
    i = scan.end;
  }
}

// Calls f(word) for each lower-cased word of `span` (of two bytes or more;
// a view of `span`'s or `w`'s bytes).
template <class F>
void ForEachWord(std::string_view span, std::string* w, F f) {
  ForEachWordAt(span,
                [&](size_t i, uint8_t any, size_t size) { f(LowerWord(span.data() + i, size, any, w)); });
}

// Calls f(value) for each lower-cased word of `span` (of two bytes or more)
// in `map`: ForEachWord's words looked up in `map`, not made (*w: room for
// a long word lower-cased).
template <class V, class F>
void ForEachWordIn(std::string_view span, const internal::WordMap<V>& map, std::string* w, F f) {
  ForEachWordAt(span, [&](size_t i, uint8_t any, size_t size) {
    if (const V* v = map.FindText(span.data() + i, size, (any & kUpperByte) != 0, span.size() - i, w)) f(*v);
  });
}

// Adds the lower-cased words of `span` to `words`.
void AddWords(std::string_view span, std::set<std::string, std::less<>>* words) {
  std::string w;
  ForEachWord(span, &w, [&](std::string_view word) { words->emplace(word); });
}

}  // namespace

std::string AdaptReport::ToJson() const { return ReportJson(*this).dump(); }

struct ThemeAdapter::Impl {
  AdaptOptions options;
  AdaptReport report;
  // The classifiers of the two halves of the sample; a text of half f is
  // scored by models[1 - f].
  std::unique_ptr<TextClassifier> models[2];
  // Per model and model label (sorted, as the model holds them): its
  // adapted theme in report.themes, or -1 for a label that was not kept.
  std::vector<int> label_theme[2];
  // Per model: its labels with an adapted theme, ascending.
  std::vector<int> adapted_labels[2];
  // Per adapted theme: the confidence below which it is not assigned (its
  // taxonomy threshold applies too), so that it labels no more of the
  // unlabelled verbatims than the rules' label rate says they hold.
  std::vector<double> min_confidence;
  // Per adapted theme: a probability below which its confidence is surely
  // under min_confidence (MinProbability), so that Classify computes no
  // confidence for most labels of most texts; 0 where none is known.
  std::vector<double> min_probability;
  // The rules' words in the sample (kRuleWordShare), blanked in every text
  // the classifiers see (options.mask_rule_evidence; see ContentOnly).
  std::set<std::string, std::less<>> rule_words;
  WordIndex blank_words;  // the stop words and rule_words, for ContentOnly

  void IndexRuleWords() {
    blank_words = WordIndex();
    internal::ForEachStopWord([&](std::string_view w) { blank_words.emplace(w, 1); });
    for (const std::string& w : rule_words) blank_words.emplace(w, 1);
  }

  static int Fold(std::string_view text, int seed) {
    return static_cast<int>(Fnv1a(text, static_cast<uint64_t>(seed) + 7) & 1);
  }

  Status Index() {
    for (int k = 0; k < 2; ++k) {
      const auto& labels = models[k]->info().labels;
      label_theme[k].assign(labels.size(), -1);
      for (size_t t = 0; t < report.themes.size(); ++t) {
        auto it = std::lower_bound(labels.begin(), labels.end(), report.themes[t].id);
        if (it != labels.end() && *it == report.themes[t].id)
          label_theme[k][static_cast<size_t>(it - labels.begin())] = static_cast<int>(t);
      }
      adapted_labels[k].clear();
      for (size_t l = 0; l < labels.size(); ++l)
        if (label_theme[k][l] >= 0) adapted_labels[k].push_back(static_cast<int>(l));
    }
    min_probability.clear();
    for (size_t t = 0; t < report.themes.size(); ++t)
      min_probability.push_back(MinProbability(report.themes[t], min_confidence[t]));
    return Status::Ok();
  }

  // Calibrated(t, p) >= cut (cut <= 1) holds exactly when
  // sigmoid(a logit(p) + b) >= cut * label_rate, that is (a > 0) when
  // p >= sigmoid((logit(cut * label_rate) - b) / a). That bound, lowered by
  // a millionth of itself (the rounding of either side is some 1e-15 of
  // it), is returned when it is a fair one: a not tiny, the bound above
  // Logit's clamp of p; else 0.
  static double MinProbability(const AdaptedTheme& t, double cut) {
    const double q = cut * t.label_rate;
    if (!(t.calibration_a > 1e-3) || !(q > 1e-6 && q < 1 - 1e-6) || !(cut <= 1)) return 0.0;
    const double bound = Sigmoid((std::log(q / (1 - q)) - t.calibration_b) / t.calibration_a) * (1 - 1e-6);
    return std::isfinite(bound) && bound > 1e-8 ? bound : 0.0;
  }

  double Calibrated(const AdaptedTheme& t, double p) const {
    return std::min(1.0, Sigmoid(t.calibration_a * Logit(p) + t.calibration_b) / t.label_rate);
  }
};

ThemeAdapter::ThemeAdapter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ThemeAdapter::~ThemeAdapter() = default;

const AdaptReport& ThemeAdapter::report() const { return impl_->report; }
const AdaptOptions& ThemeAdapter::options() const { return impl_->options; }

namespace {

// The first `n` analyses of a sample (read where another thread may append
// to the vector that holds them, within its capacity: they do not move).
struct SampleView {
  const Analysis* data;
  size_t n;
  size_t size() const { return n; }
  const Analysis& operator[](size_t i) const { return data[i]; }
};

// ThemeAdapter::Impl, by a name this file's free functions may use.
using AdapterImpl = std::remove_reference_t<decltype(ImplOf(std::declval<ThemeAdapter&>()))>;

// ThemeAdapter::Fit on the analyses of `sample`.
Result<std::unique_ptr<ThemeAdapter>> FitOn(SampleView sample, const AdaptOptions& options);

}  // namespace

Result<std::unique_ptr<ThemeAdapter>> ThemeAdapter::Fit(const std::vector<Analysis>& sample,
                                                        const AdaptOptions& options) {
  return FitOn({sample.data(), sample.size()}, options);
}

namespace {

Result<std::unique_ptr<ThemeAdapter>> FitOn(SampleView sample, const AdaptOptions& options) {
  using Impl = AdapterImpl;
  VOC_RETURN_IF_ERROR(CheckOptions(options));
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  AdaptReport& report = impl->report;
  // The passes over the sample's texts, the two halves' training and the
  // themes' calibration run on a team; each result is the one a single
  // thread computes (per-part sums added up, per-theme results in order).
  ParallelFor team(options.threads);
  report.sample = sample.size();

  // The confident rule labels of each verbatim; verbatims with none are not
  // used (the rules may have missed their themes).
  struct Row {
    size_t index;
    std::vector<std::string> labels;
  };
  std::vector<Row> rows;
  std::map<std::string, uint64_t> examples;
  std::set<std::string> weak;                           // themes only seen in hits below the cut
  std::vector<std::pair<uint64_t, size_t>> unlabelled;  // (hash of the text, index)
  const uint64_t seed = static_cast<uint64_t>(options.seed);
  // A text seen before adds nothing but weight (and training time).
  std::unordered_set<std::string_view> seen;
  for (size_t i = 0; i < sample.size(); ++i) {
    if (!seen.insert(sample[i].text).second) continue;
    Row row{i, {}};
    if (sample[i].themes.empty()) {
      if (!sample[i].text.empty()) unlabelled.emplace_back(Fnv1a(sample[i].text, seed + 1), i);
      continue;
    }
    for (const ThemeHit& h : sample[i].themes) {
      if (!IsRuleHit(h)) continue;
      if (h.confidence >= options.min_rule_confidence)
        row.labels.push_back(h.id);
      else
        weak.insert(h.id);
    }
    if (row.labels.empty()) continue;
    std::sort(row.labels.begin(), row.labels.end());
    row.labels.erase(std::unique(row.labels.begin(), row.labels.end()), row.labels.end());
    for (const auto& l : row.labels) ++examples[l];
    rows.push_back(std::move(row));
  }
  report.labelled = rows.size();
  if (options.mask_rule_evidence) {
    // Per word: the texts of the sample the rules matched it in, and the
    // texts it occurs in; counted per part of the sample, then added up.
    constexpr size_t kTextsPerTask = 512;
    const size_t tasks = (sample.size() + kTextsPerTask - 1) / kTextsPerTask;
    auto texts_of = [&](size_t c) {
      return std::make_pair(c * kTextsPerTask, std::min(sample.size(), (c + 1) * kTextsPerTask));
    };
    // Per part: its matched words (in the order first met), the texts each
    // was matched in, and the last text that counted it.
    struct Matched {
      internal::FlatStringMap<uint32_t> id;  // word -> its index in `words`
      std::vector<std::string> words;
      std::vector<uint64_t> texts;
      std::vector<size_t> last;
    };
    std::vector<Matched> matched_in(tasks);
    team.Run(tasks, [&](size_t c) {
      Matched& m = matched_in[c];
      std::string w;
      const auto range = texts_of(c);
      for (size_t t = range.first; t < range.second; ++t) {
        const Analysis& a = sample[t];
        for (const ThemeHit& h : a.themes)
          for (const EvidenceSpan& e : h.evidence)
            if (e.source.compare(0, 5, "rule:") == 0 && e.begin < e.end && e.end <= a.text.size())
              ForEachWord(std::string_view(a.text).substr(e.begin, e.end - e.begin), &w,
                          [&](std::string_view word) {
                            const auto added = m.id.emplace(word, static_cast<uint32_t>(m.words.size()));
                            const uint32_t k = added.first->second;
                            if (added.second)
                              m.words.emplace_back(word), m.texts.push_back(0), m.last.push_back(t - 1);
                            if (m.last[k] != t) m.last[k] = t, ++m.texts[k];
                          });
      }
    });
    std::map<std::string, uint64_t, std::less<>> matched;
    for (const Matched& part : matched_in)
      for (size_t k = 0; k < part.words.size(); ++k) matched[part.words[k]] += part.texts[k];
    // The texts each matched word occurs in, each counted once (the words
    // of a text are looked up, not collected).
    internal::WordMap<uint32_t> index;  // matched word -> k
    index.reserve(matched.size());
    uint32_t next = 0;
    for (const auto& entry : matched) index.emplace(entry.first, next++);
    std::vector<std::vector<uint32_t>> occurs_in(tasks);
    team.Run(tasks, [&](size_t c) {
      std::vector<uint32_t>& occurs = occurs_in[c];
      occurs.assign(matched.size(), 0);
      std::vector<size_t> last(matched.size(), SIZE_MAX);  // the last text counted
      std::string w;
      // Not a structured binding: a lambda cannot capture one in C++17.
      const auto range = texts_of(c);
      for (size_t t = range.first; t < range.second; ++t)
        ForEachWordIn(sample[t].text, index, &w, [&](uint32_t k) {
          if (last[k] != t) last[k] = t, ++occurs[k];
        });
    });
    size_t k = 0;
    for (const auto& [word, n] : matched) {
      uint64_t occurs = 0;
      for (const auto& part : occurs_in) occurs += part[k];
      ++k;
      if (static_cast<double>(n) >= kRuleWordShare * static_cast<double>(occurs))
        impl->rule_words.insert(word);
    }
  }
  impl->IndexRuleWords();

  std::set<std::string> kept;
  for (const auto& [id, n] : examples) {
    const uint64_t neg = rows.size() - n;
    if (n < options.min_examples) {
      report.skipped.emplace_back(
          id, std::to_string(n) + " examples (needs " + std::to_string(options.min_examples) + ")");
    } else if (neg < options.min_negatives) {
      report.skipped.emplace_back(
          id, std::to_string(neg) + " negatives (needs " + std::to_string(options.min_negatives) + ")");
    } else {
      kept.insert(id);
    }
  }
  for (const auto& id : weak)
    if (!examples.count(id))
      report.skipped.emplace_back(
          id, "no rule hit with confidence >= " + std::to_string(options.min_rule_confidence).substr(0, 4));
  std::sort(report.skipped.begin(), report.skipped.end());
  auto none = [&](const std::string& why) {
    return FailedPreconditionError("adapt: no theme can be adapted: " + why + " (sample of " +
                                   std::to_string(report.sample) + " verbatims, " +
                                   std::to_string(report.labelled) + " labelled by the rules)");
  };
  if (kept.empty())
    return none("none has " + std::to_string(options.min_examples) + " confidently labelled verbatims and " +
                std::to_string(options.min_negatives) + " without it");

  const size_t unlabelled_total = unlabelled.size();
  // Unlabelled negatives: the smallest hashes, in sample order.
  const size_t keep = static_cast<size_t>(options.unlabelled_share * static_cast<double>(rows.size()));
  if (unlabelled.size() > keep) {
    std::nth_element(unlabelled.begin(), unlabelled.begin() + static_cast<std::ptrdiff_t>(keep),
                     unlabelled.end());
    unlabelled.resize(keep);
  }
  std::sort(unlabelled.begin(), unlabelled.end(),
            [](const auto& x, const auto& y) { return x.second < y.second; });
  const size_t labelled_rows = rows.size();
  for (const auto& u : unlabelled) rows.push_back(Row{u.second, {}});

  // Two halves by a hash of the text; each trains a classifier, and every
  // text (of the sample or not) is scored by the one that did not see it:
  // the verbatims to label were negatives of the training, and a classifier
  // scoring its own training rows would have learnt them as such.
  std::vector<LabeledText> half[2];
  std::vector<int> fold(rows.size());
  std::vector<bool> is_labelled(rows.size());
  std::vector<std::string> shown(rows.size());  // the texts the classifiers see
  constexpr size_t kRowsPerTask = 64;
  const size_t row_tasks = (rows.size() + kRowsPerTask - 1) / kRowsPerTask;
  team.Run(row_tasks, [&](size_t c) {
    for (size_t r = c * kRowsPerTask; r < std::min(rows.size(), (c + 1) * kRowsPerTask); ++r) {
      const Analysis& a = sample[rows[r].index];
      ContentOnly(a.text, impl->blank_words, nullptr, &shown[r]);
      if (options.mask_rule_evidence) {
        for (const ThemeHit& h : a.themes)
          for (const EvidenceSpan& e : h.evidence)
            if (e.source.compare(0, 5, "rule:") == 0 && e.begin < e.end && e.end <= shown[r].size())
              std::memset(&shown[r][e.begin], ' ', e.end - e.begin);
      }
    }
  });
  for (size_t r = 0; r < rows.size(); ++r) {
    const Analysis& a = sample[rows[r].index];
    LabeledText lt;
    lt.text = std::move(shown[r]);
    for (const auto& l : rows[r].labels)
      if (kept.count(l)) lt.labels.push_back(l);
    fold[r] = Impl::Fold(a.text, options.seed);
    is_labelled[r] = r < labelled_rows;
    half[fold[r]].push_back(std::move(lt));
  }
  TrainOptions to;
  to.task = kTask;
  to.multi_label = true;
  to.backend = "linear";
  to.char_ngrams = false;
  to.validation_fraction = 0;
  to.solver_tolerance = 0.1;  // LIBLINEAR's default: half the training time of 0.01
  to.linear_solver = "voc";   // no lock: the labels train at the same time
  // A theme's problem keeps at most max(10 x its positives, 1,000)
  // negatives. On a sample of 20,000 distinct verbatims (clothing reviews,
  // support requests, tweets: 10,101 labelled, 29 themes fitted per half)
  // the rarer themes' problems, whose balanced weights of 20-190 on the
  // positives took the solver up to 491 passes, made the fit 2.8 s of a
  // 3.1 s run; with the bound it takes 0.6-1.1 s. The six corpora of
  // bench/adapt_bench.py get the same adapted hits.
  to.negative_ratio = 10;
  to.negative_floor = 1000;
  to.seed = options.seed;
  // Each half's training solves its labels on a team as large as this one.
  to.threads = team.threads();
  for (int k = 0; k < 2; ++k) {
    bool any = false;
    for (const auto& lt : half[k]) any |= !lt.labels.empty();
    if (!any) return none("a half of the sample has no labelled verbatim");
  }
  // The halves train one after the other, each label's problem with draws
  // of its own (TrainOptions::linear_solver "voc"): each model is the one a
  // single thread trains. (Trained at the same time, the two halves' data
  // were alive at once: on 31,345 distinct texts the run's peak was 213 MB
  // against 190 MB, and it was no faster.)
  Result<std::unique_ptr<TextClassifier>> models[2] = {InternalError("not trained"),
                                                       InternalError("not trained")};
  for (size_t k = 0; k < 2; ++k) models[k] = TextClassifier::Train(half[k], to);
  for (int k = 0; k < 2; ++k) {
    if (!models[k].ok()) return models[k].status();
    impl->models[k] = std::move(*models[k]);
  }

  // Out-of-half probabilities of every kept theme.
  const std::vector<std::string> ids(kept.begin(), kept.end());
  const size_t T = ids.size();
  std::vector<std::vector<double>> probs(rows.size(), std::vector<double>(T, 0.0));
  std::vector<std::vector<int>> truth(rows.size(), std::vector<int>(T, 0));
  std::vector<size_t> in_half(rows.size());  // row r is half[fold[r]][in_half[r]]
  for (size_t r = 0, seen[2] = {0, 0}; r < rows.size(); ++r) in_half[r] = seen[fold[r]]++;
  // Per model and model label: its kept theme in ids, or -1.
  std::vector<int> id_of[2];
  for (int k = 0; k < 2; ++k)
    for (const std::string& label : impl->models[k]->info().labels) {
      auto it = std::lower_bound(ids.begin(), ids.end(), label);
      id_of[k].push_back(it != ids.end() && *it == label ? static_cast<int>(it - ids.begin()) : -1);
    }
  team.Run(row_tasks, [&](size_t c) {
    std::vector<double> p;
    for (size_t r = c * kRowsPerTask; r < std::min(rows.size(), (c + 1) * kRowsPerTask); ++r) {
      const int f = fold[r];
      const LabeledText& lt = half[f][in_half[r]];
      internal::BackendOf(*impl->models[1 - f]).Probabilities(lt.text, &p);
      for (size_t l = 0; l < p.size() && l < id_of[1 - f].size(); ++l)
        if (id_of[1 - f][l] >= 0) probs[r][static_cast<size_t>(id_of[1 - f][l])] = p[l];
      for (const auto& l : lt.labels)
        truth[r][static_cast<size_t>(std::lower_bound(ids.begin(), ids.end(), l) - ids.begin())] = 1;
    }
  });
  // Per theme: Platt scaling of the out-of-half probability to the chance
  // that the rules label the verbatim with it; divided by the share of its
  // verbatims the rules label (its mean on those they do label: Elkan and
  // Noto's correction for positives labelled at random), that is the
  // chance that the verbatim is about the theme. Precision and recall at
  // 0.5 against the rules, over the labelled verbatims.
  struct Calibration {
    AdaptedTheme at;
    double cut = 0.5;
    uint64_t tp = 0, fp = 0;
  };
  // Rows whose out-of-half probabilities are the same doubles for every
  // theme (texts the classifiers see alike, as those left with no word) are
  // one group: each theme's calibration computes the exp and log of their
  // score once per group (a third of the rows of short texts share one).
  std::vector<uint32_t> group(rows.size());
  std::vector<size_t> group_row;  // per group: its first row
  {
    std::unordered_map<std::string_view, uint32_t> first;
    first.reserve(rows.size());
    for (size_t r = 0; r < rows.size(); ++r) {
      const std::string_view bytes(reinterpret_cast<const char*>(probs[r].data()), T * sizeof(double));
      const auto added = first.emplace(bytes, static_cast<uint32_t>(group_row.size()));
      if (added.second) group_row.push_back(r);
      group[r] = added.first->second;
    }
  }
  std::vector<Calibration> calibrations(T);
  team.Run(T, [&](size_t t) {
    AdaptedTheme& at = calibrations[t].at;
    at.id = ids[t];
    at.examples = examples.at(at.id);
    at.negatives = labelled_rows - at.examples;
    // The scores per group of rows.
    std::vector<double> x(group_row.size());
    for (size_t g = 0; g < group_row.size(); ++g) x[g] = Logit(probs[group_row[g]][t]);
    std::vector<int> y(rows.size());
    for (size_t r = 0; r < rows.size(); ++r) y[r] = truth[r][t];
    std::tie(at.calibration_a, at.calibration_b) = internal::FitPlatt(x, group, y);
    std::vector<double> p(x.size());  // per group
    for (size_t g = 0; g < x.size(); ++g) p[g] = Sigmoid(at.calibration_a * x[g] + at.calibration_b);
    double sum = 0;
    uint64_t n = 0;
    for (size_t r = 0; r < rows.size(); ++r)
      if (y[r]) sum += p[group[r]], ++n;
    at.label_rate = n ? std::min(1.0, std::max(0.05, sum / static_cast<double>(n))) : 1.0;
    auto conf = [&](size_t r) { return std::min(1.0, p[group[r]] / at.label_rate); };
    // The rules label a share label_rate of the theme's verbatims: the
    // unlabelled ones hold about examples * (1 / label_rate - 1) more. The
    // cut lets no more than that share of the unlabelled rows through.
    double cut = 0.5;
    if (rows.size() > labelled_rows && unlabelled_total > 0) {
      const double expected = static_cast<double>(at.examples) * (1.0 / at.label_rate - 1.0);
      const double rate = std::min(1.0, expected / static_cast<double>(unlabelled_total));
      std::vector<double> u;
      for (size_t r = labelled_rows; r < rows.size(); ++r) u.push_back(conf(r));
      std::sort(u.begin(), u.end(), std::greater<double>());
      const size_t allowed = static_cast<size_t>(rate * static_cast<double>(u.size()));
      if (allowed < u.size()) cut = std::max(cut, std::nextafter(u[allowed], 2.0));
    }
    uint64_t tp = 0, fp = 0, pos = 0;
    for (size_t r = 0; r < labelled_rows; ++r) {
      const bool hit = conf(r) >= cut;
      tp += hit && y[r], fp += hit && !y[r], pos += y[r];
    }
    at.precision = tp + fp ? static_cast<double>(tp) / static_cast<double>(tp + fp) : 0.0;
    at.recall = pos ? static_cast<double>(tp) / static_cast<double>(pos) : 0.0;
    calibrations[t].cut = cut;
    calibrations[t].tp = tp;
    calibrations[t].fp = fp;
  });
  for (Calibration& c : calibrations) {
    AdaptedTheme& at = c.at;
    const uint64_t tp = c.tp, fp = c.fp;
    char why[96];
    if (!(at.calibration_a > 0)) {
      report.skipped.emplace_back(at.id, "its classifier does not separate it on the other half");
    } else if (tp + fp == 0) {
      report.skipped.emplace_back(at.id, "no verbatim of the other half reaches its cut");
    } else if (WilsonLower(tp, tp + fp) < options.min_precision) {
      // The lower end, not the point estimate: a theme with few hits on the
      // other half, or precision just over the bar, is not adapted on luck.
      std::snprintf(why, sizeof why, "precision %.2f on the other half, at least %.2f at 90%% (needs %.2f)",
                    at.precision, WilsonLower(tp, tp + fp), options.min_precision);
      report.skipped.emplace_back(at.id, why);
    } else if (c.cut > 1.0) {
      report.skipped.emplace_back(at.id, "the rules leave none of its verbatims unlabelled");
    } else {
      report.themes.push_back(std::move(at));
      impl->min_confidence.push_back(c.cut);
    }
  }
  std::sort(report.skipped.begin(), report.skipped.end());
  if (report.themes.empty()) return none("no theme's classifier is precise enough on the other half");
  VOC_RETURN_IF_ERROR(impl->Index());
  return ImplAccess::New<ThemeAdapter>(std::move(impl));
}

}  // namespace

std::string ThemeAdapter::Serialize() const {
  json report = ReportJson(impl_->report);
  for (size_t t = 0; t < impl_->min_confidence.size(); ++t)
    report["themes"][t]["min_confidence"] = impl_->min_confidence[t];
  json meta = {{"format", "voc-adapted-themes"},
               {"options", OptionsJson(impl_->options)},
               {"report", report},
               {"rule_words", impl_->rule_words}};
  const std::string head = meta.dump();
  std::string out(kMagic, sizeof kMagic);
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((kFormatVersion >> (8 * i)) & 0xff));
  const uint64_t n = head.size();
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((n >> (8 * i)) & 0xff));
  out += head;
  const std::string first = impl_->models[0]->Serialize();
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((uint64_t{first.size()} >> (8 * i)) & 0xff));
  out += first;
  out += impl_->models[1]->Serialize();
  return out;
}

Status ThemeAdapter::Save(const std::string& path) const { return WriteFileAtomic(path, Serialize()); }

Result<std::unique_ptr<ThemeAdapter>> ThemeAdapter::Load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFoundError("adapted model not found: " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  auto a = FromBytes(ss.str());
  if (!a.ok()) return Status(a.status().code(), path + ": " + a.status().message());
  return a;
}

Result<std::unique_ptr<ThemeAdapter>> ThemeAdapter::FromBytes(std::string_view bytes) {
  auto bad = [](const std::string& why) {
    return InvalidArgumentError("not an adapted-themes model (write one with --save-adapted): " + why);
  };
  if (bytes.size() < 20 || std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0)
    return bad("wrong file signature");
  uint32_t version = 0;
  uint64_t n = 0;
  for (int i = 0; i < 4; ++i) version |= static_cast<uint32_t>(static_cast<uint8_t>(bytes[8 + i])) << (8 * i);
  for (int i = 0; i < 8; ++i) n |= static_cast<uint64_t>(static_cast<uint8_t>(bytes[12 + i])) << (8 * i);
  if (version != kFormatVersion) return bad("format version " + std::to_string(version) + " (expected 1)");
  if (n > bytes.size() - 20) return bad("truncated");
  if (std::string deep = internal::JsonDepthError(std::string_view(bytes).substr(20, n)); !deep.empty())
    return bad(deep);
  auto impl = std::make_unique<Impl>();
  try {
    const json meta = json::parse(bytes.substr(20, n));
    if (meta.at("format") != "voc-adapted-themes") return bad("unknown format");
    const json& o = meta.at("options");
    AdaptOptions& opt = impl->options;
    opt.sample_records = o.at("sample_records").get<size_t>();
    opt.sample_bytes = o.at("sample_bytes").get<size_t>();
    opt.min_rule_confidence = o.at("min_rule_confidence").get<double>();
    opt.min_examples = o.at("min_examples").get<size_t>();
    opt.min_negatives = o.at("min_negatives").get<size_t>();
    opt.min_precision = o.at("min_precision").get<double>();
    opt.mask_rule_evidence = o.at("mask_rule_evidence").get<bool>();
    opt.unlabelled_share = o.at("unlabelled_share").get<double>();
    opt.max_themes_per_text = o.at("max_themes_per_text").get<int>();
    opt.seed = o.at("seed").get<int>();
    if (Status st = CheckOptions(opt); !st.ok()) return bad(st.message());
    const json& r = meta.at("report");
    impl->report.sample = r.at("sample").get<uint64_t>();
    impl->report.labelled = r.at("labelled").get<uint64_t>();
    for (const json& t : r.at("themes")) {
      AdaptedTheme at;
      at.id = t.at("id").get<std::string>();
      at.examples = t.at("examples").get<uint64_t>();
      at.negatives = t.at("negatives").get<uint64_t>();
      at.precision = t.at("precision").get<double>();
      at.recall = t.at("recall").get<double>();
      at.label_rate = t.at("label_rate").get<double>();
      if (!(at.label_rate > 0 && at.label_rate <= 1))
        return bad("label rate of '" + at.id + "' out of (0, 1]");
      const double cut = t.at("min_confidence").get<double>();
      if (!(cut >= 0 && cut <= 1)) return bad("cut of '" + at.id + "' out of [0, 1]");
      impl->min_confidence.push_back(cut);
      at.calibration_a = t.at("calibration_a").get<double>();
      at.calibration_b = t.at("calibration_b").get<double>();
      if (!std::isfinite(at.calibration_a) || !std::isfinite(at.calibration_b))
        return bad("calibration of '" + at.id + "' is not finite");
      impl->report.themes.push_back(std::move(at));
    }
    // Absent from files written before the rules' words were masked.
    if (meta.contains("rule_words"))
      for (const json& w : meta.at("rule_words")) impl->rule_words.insert(w.get<std::string>());
    impl->IndexRuleWords();
    for (const json& s : r.at("skipped"))
      impl->report.skipped.emplace_back(s.at("id").get<std::string>(), s.at("reason").get<std::string>());
  } catch (const json::exception& e) {
    return bad(std::string("metadata: ") + e.what());
  }
  std::string_view rest = bytes.substr(20 + n);
  uint64_t m = 0;
  if (rest.size() < 8) return bad("truncated");
  for (int i = 0; i < 8; ++i) m |= static_cast<uint64_t>(static_cast<uint8_t>(rest[i])) << (8 * i);
  if (m > rest.size() - 8) return bad("truncated");
  for (int k = 0; k < 2; ++k) {
    auto model = TextClassifier::FromBytes(k == 0 ? rest.substr(8, m) : rest.substr(8 + m), kTask);
    if (!model.ok()) return bad(model.status().message());
    impl->models[k] = std::move(*model);
  }
  if (Status st = impl->Index(); !st.ok()) return bad(st.message());
  return std::unique_ptr<ThemeAdapter>(new ThemeAdapter(std::move(impl)));
}

Status ThemeAdapter::CheckTaxonomy(const Taxonomy& taxonomy) const {
  for (const auto& t : impl_->report.themes)
    if (taxonomy.Find(t.id) == nullptr)
      return InvalidArgumentError("the adapted model's theme '" + t.id +
                                  "' is not in the taxonomy (adapt again with this taxonomy)");
  return Status::Ok();
}

std::vector<ThemeHit> ThemeAdapter::Classify(std::string_view text, const Taxonomy& taxonomy) const {
  return internal::ClassifyAdapted(*this, text, taxonomy, nullptr);
}

bool internal::AdaptedContent(const ThemeAdapter& adapter, std::string_view text, std::string* out) {
  return ContentOnly(text, ImplOf(adapter).blank_words, nullptr, out);
}

std::vector<internal::AdaptedCut> internal::AdaptedCuts(const ThemeAdapter& adapter) {
  const auto& im = ImplOf(adapter);
  std::vector<AdaptedCut> out;
  for (size_t t = 0; t < im.report.themes.size(); ++t) {
    const AdaptedTheme& at = im.report.themes[t];
    out.push_back(
        {im.min_confidence[t], im.min_probability[t], [&im, at](double p) { return im.Calibrated(at, p); }});
  }
  return out;
}

bool internal::AdapterBlanks(const ThemeAdapter& adapter, std::string_view word) {
  return ImplOf(adapter).blank_words.find(word) != nullptr;
}

std::vector<ThemeHit> internal::ClassifyAdapted(const ThemeAdapter& adapter, std::string_view text,
                                                const Taxonomy& taxonomy,
                                                const std::vector<SocialSpan>* social) {
  std::vector<ThemeHit> hits;
  const auto& im = ImplOf(adapter);
  const int k = 1 - im.Fold(text, im.options.seed);
  const TextClassifier& model = *im.models[k];
  const auto& labels = model.info().labels;
  // In a buffer of this thread's (no allocation per text).
  thread_local std::string seen;
  if (!ContentOnly(text, im.blank_words, social, &seen)) return hits;
  // The probabilities of the labels with an adapted theme (of every label
  // for a model that cannot give a few), in the model's label order (the
  // hits are sorted below, so the order they are found in does not matter).
  thread_local std::vector<double> probs;
  const std::vector<int>& wanted = im.adapted_labels[k];
  const bool some = internal::LinearLabelProbabilities(internal::BackendOf(model), seen, wanted, &probs);
  if (!some) internal::BackendOf(model).Probabilities(seen, &probs);
  for (size_t j = 0; j < probs.size(); ++j) {
    const size_t l = some ? static_cast<size_t>(wanted[j]) : j;
    if (l >= labels.size()) break;
    const int t = im.label_theme[k][l];
    if (t < 0) continue;
    if (probs[j] < im.min_probability[static_cast<size_t>(t)]) continue;  // surely under its cut
    const AdaptedTheme& at = im.report.themes[static_cast<size_t>(t)];
    const double c = im.Calibrated(at, probs[j]);
    if (!(c >= im.min_confidence[static_cast<size_t>(t)])) continue;
    const Theme* theme = taxonomy.Find(at.id);
    if (theme == nullptr || !(c >= theme->threshold)) continue;
    ThemeHit h;
    h.id = theme->id;
    h.confidence = c;
    h.source = kSource;
    h.department = theme->department;
    h.role = theme->role;
    hits.push_back(std::move(h));
  }
  // Each hit's strongest positive features, found once: the first 8 decide
  // whether it stays, the first 3 are its evidence (the backend sorts them
  // stably and then cuts: its first 3 of 8 are its 3).
  const internal::Backend& backend = internal::BackendOf(model);
  thread_local std::vector<std::vector<FeatureContribution>> features;
  features.resize(hits.size());
  for (size_t i = 0; i < hits.size(); ++i) {
    int l = -1;
    for (size_t j = 0; j < labels.size(); ++j)
      if (labels[j] == hits[i].id) l = static_cast<int>(j);
    features[i].clear();
    if (l >= 0) features[i] = backend.Explain(seen, l, 8);
  }
  // A hit that one word carries is dropped: one word is what a rule would
  // match, and a word the rules do not match but a theme's verbatims share
  // with others ("company" in "your company's newsletter") is not evidence
  // of the theme. Its positive features must span two different words.
  std::set<std::string, std::less<>> words;
  thread_local std::vector<size_t> order;
  order.clear();
  for (size_t i = 0; i < hits.size(); ++i) {
    words.clear();
    for (const FeatureContribution& f : features[i])
      if (f.weight > 0 && f.begin < f.end && f.end <= text.size())
        AddWords(text.substr(f.begin, f.end - f.begin), &words);
    if (words.size() >= kMinEvidenceWords) order.push_back(i);
  }
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    const ThemeHit& x = hits[a];
    const ThemeHit& y = hits[b];
    return x.confidence != y.confidence ? x.confidence > y.confidence : x.id < y.id;
  });
  if (order.size() > static_cast<size_t>(im.options.max_themes_per_text))
    order.resize(static_cast<size_t>(im.options.max_themes_per_text));
  std::vector<ThemeHit> kept;
  kept.reserve(order.size());
  for (size_t i : order) {
    ThemeHit& h = kept.emplace_back(std::move(hits[i]));
    const auto& fs = features[i];
    for (size_t k = 0; k < fs.size() && k < 3; ++k)
      if (fs[k].begin < fs[k].end && fs[k].end <= text.size())
        h.evidence.push_back(
            {static_cast<uint32_t>(fs[k].begin), static_cast<uint32_t>(fs[k].end), kSource, fs[k].weight});
    std::sort(h.evidence.begin(), h.evidence.end(), [](const EvidenceSpan& x, const EvidenceSpan& y) {
      return x.begin != y.begin ? x.begin < y.begin : x.end < y.end;
    });
  }
  return kept;
}

namespace {

// Runs `f` on this thread while `team` runs a job; if `f` throws (a reject
// the caller cannot write), waits for the job first, so that nothing the job
// reads goes out of scope under it, then rethrows.
template <class F>
void FinishOnThrow(ParallelFor& team, F f) {
  try {
    f();
  } catch (...) {
    try {
      team.Finish();
    } catch (...) {  // the job's own error: the first one is the one reported
    }
    throw;
  }
}

// Reads records into `batch` (cleared first) until it holds `max`, or
// `*bytes` (their texts' sizes are added to it) reaches `max_bytes`;
// rejects go to `on_reject`. Returns true at the end of the input.
bool ReadBatch(RecordReader& reader, size_t max, size_t max_bytes, size_t* bytes, std::vector<Record>* batch,
               const std::function<void(const Reject&)>& on_reject) {
  batch->clear();
  Reject reject;
  while (batch->size() < max && *bytes < max_bytes) {
    Record record;
    RecordReader::Next next = reader.Read(&record, &reject);
    if (next == RecordReader::Next::kEnd) return true;
    if (next == RecordReader::Next::kReject) {
      if (on_reject) on_reject(reject);
      continue;
    }
    *bytes += record.text.size();
    batch->push_back(std::move(record));
  }
  return false;
}

}  // namespace

Result<std::unique_ptr<ThemeAdapter>> FitThemeAdapter(RecordReader& reader, const Analyzer& analyzer,
                                                      const AdaptOptions& options,
                                                      std::vector<Analysis>* sample,
                                                      const std::function<void(const Reject&)>& on_reject) {
  VOC_RETURN_IF_ERROR(CheckOptions(options));
  // Read and analysed a batch at a time, so that only the analyses are
  // kept. A stream that fails part-way is fitted on what it delivered; the
  // caller reading on reports the failure.
  constexpr size_t kBatch = 512, kChunk = 16;
  std::vector<Record> batch;
  size_t bytes = 0;
  for (const Analysis& a : *sample) bytes += a.text.size();
  bool end = false;
  ParallelFor team(options.threads);
  // Room for the sample, and for the records read ahead while it is fitted,
  // up front: growing it batch by batch moved every analysis again at each
  // doubling, and appending the records read ahead moved the whole sample
  // once more, on one thread while the others waited (2-15 ms on 20,000
  // short texts). Room not written costs no memory.
  constexpr size_t kMaxReserve = size_t{1} << 16;
  if (sample->size() < options.sample_records)
    sample->reserve(sample->size() + std::min(options.sample_records - sample->size(), kMaxReserve) +
                    (team.threads() > 1 ? std::min(options.read_ahead_records, kMaxReserve) : 0));
  // Each batch is read while the one before it is analysed.
  auto read_more = [&](std::vector<Record>* into) {
    into->clear();
    if (!end && sample->size() < options.sample_records && bytes < options.sample_bytes)
      end = ReadBatch(reader, std::min(kBatch, options.sample_records - sample->size()), options.sample_bytes,
                      &bytes, into, on_reject);
  };
  std::vector<Record> next;
  read_more(&batch);
  while (!batch.empty()) {
    const size_t first = sample->size();
    sample->resize(first + batch.size());
    team.Start((batch.size() + kChunk - 1) / kChunk, [&, first](size_t c) {
      const size_t b = c * kChunk;
      analyzer.Analyze(batch.data() + b, std::min(kChunk, batch.size() - b), sample->data() + first + b);
    });
    FinishOnThrow(team, [&] { read_more(&next); });
    team.Finish();
    KeepColumns(batch.data(), batch.size(), options.keep_columns, sample->data() + first);
    std::swap(batch, next);
  }
  if (end || options.read_ahead_records == 0 || team.threads() < 2)
    return ThemeAdapter::Fit(*sample, options);
  // The fit runs on a helper, on one thread fewer than the team's; this
  // thread reads on and analyses the records after the sample until it
  // ends, in chunks as the pipeline's, into the room reserved after the
  // sample: the fit reads the sample's first analyses, which stay where they
  // are as long as the vector grows within its capacity. (Analysed into a
  // vector of their own and moved after the sample, they took their room
  // twice, in fresh pages, and the move held up the output.) With the fit
  // on as many threads as the team, one thread more than asked for was busy
  // (three on `--threads 2`). The output is the same (a fit does not depend
  // on its thread count), and so are the instructions; on this 2-core VM the
  // wall time was within its noise (31,345 distinct texts of
  // bench/run_peers.py: medians 1.15 s before and 1.21 s after in one
  // series of ten alternations, 1.40 s and 1.22 s in another of eight).
  Result<std::unique_ptr<ThemeAdapter>> fitted = InternalError("adapt: the fit did not run");
  std::atomic<bool> done{false};
  const SampleView fixed{sample->data(), sample->size()};
  AdaptOptions fit_options = options;
  fit_options.threads = team.threads() - 1;  // at least 1: the team has two or more
  team.Start(1, [&](size_t) {
    fitted = FitOn(fixed, fit_options);
    done.store(true, std::memory_order_release);
  });
  bytes = 0;
  FinishOnThrow(team, [&] {
    size_t ahead = 0;
    while (!end && !done.load(std::memory_order_acquire) && ahead < options.read_ahead_records &&
           bytes < options.sample_bytes && sample->size() < sample->capacity()) {
      const size_t room = std::min(options.read_ahead_records - ahead, sample->capacity() - sample->size());
      end = ReadBatch(reader, std::min(kChunk, room), options.sample_bytes, &bytes, &batch, on_reject);
      const size_t first = sample->size();
      sample->resize(first + batch.size());  // within the capacity: nothing moves
      analyzer.Analyze(batch.data(), batch.size(), sample->data() + first);
      KeepColumns(batch.data(), batch.size(), options.keep_columns, sample->data() + first);
      ahead += batch.size();
    }
  });
  team.Finish();
  return fitted;
}

}  // namespace voc
