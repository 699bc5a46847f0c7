// ThemeAdapter: a linear classifier trained on the verbatims the taxonomy's
// rules label confidently, applied to those they leave unclassified.
//
// File format: "VOCADAPT" (8 bytes), a little-endian u32 format version, a
// u64 length and that many bytes of JSON (options, report, per-theme
// calibration), then the bytes of the TextClassifier (task
// "adapted-themes"), which check themselves.
#include "voc/adapter.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <utility>

#include <nlohmann/json.hpp>

#include "voc/analyzer.h"
#include "voc/classifier.h"
#include "voc/parallel.h"
#include "voc/report.h"
#include "voc/taxonomy.h"

namespace voc {
namespace {

using nlohmann::json;

constexpr char kMagic[8] = {'V', 'O', 'C', 'A', 'D', 'A', 'P', 'T'};
constexpr uint32_t kFormatVersion = 1;
constexpr const char* kTask = "adapted-themes";
constexpr const char* kSource = "adapted";

uint64_t Fnv1a(std::string_view s, uint64_t seed) {
  uint64_t h = 1469598103934665603ULL ^ (seed * 0x9E3779B97F4A7C15ULL);
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ULL;
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

// Platt scaling of scores `x` against 0/1 targets `y`, with Platt's smoothed
// targets (no probability of exactly 0 or 1 from a few examples); Newton's
// method with a backtracking step. Returns {a, b}.
std::pair<double, double> FitPlatt(const std::vector<double>& x, const std::vector<int>& y) {
  double npos = 0, nneg = 0;
  for (int v : y) (v ? npos : nneg) += 1;
  if (npos == 0 || nneg == 0) return {1.0, 0.0};
  const double hi = (npos + 1) / (npos + 2), lo = 1 / (nneg + 2);
  double a = 1.0, b = 0.0;
  auto loss = [&](double A, double B) {
    double l = 0;
    for (size_t i = 0; i < x.size(); ++i) {
      const double t = y[i] ? hi : lo, z = A * x[i] + B;
      // log(1 + e^z) - t z, computed stably.
      l += (z > 0 ? z + std::log1p(std::exp(-z)) : std::log1p(std::exp(z))) - t * z;
    }
    return l;
  };
  double cur = loss(a, b);
  for (int it = 0; it < 100; ++it) {
    double ga = 0, gb = 0, haa = 1e-9, hab = 0, hbb = 1e-9;
    for (size_t i = 0; i < x.size(); ++i) {
      const double t = y[i] ? hi : lo, p = Sigmoid(a * x[i] + b), d = p - t, w = p * (1 - p);
      ga += d * x[i], gb += d;
      haa += w * x[i] * x[i], hab += w * x[i], hbb += w;
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

json OptionsJson(const AdaptOptions& o) {
  return {{"sample_records", o.sample_records}, {"sample_bytes", o.sample_bytes},
          {"min_rule_confidence", o.min_rule_confidence}, {"min_examples", o.min_examples},
          {"min_negatives", o.min_negatives}, {"holdout_fraction", o.holdout_fraction},
          {"min_holdout_precision", o.min_holdout_precision},
          {"mask_rule_evidence", o.mask_rule_evidence}, {"unlabelled_share", o.unlabelled_share},
          {"max_themes_per_text", o.max_themes_per_text}, {"seed", o.seed}};
}

json ThemeJson(const AdaptedTheme& t) {
  return {{"id", t.id}, {"examples", t.examples}, {"negatives", t.negatives},
          {"holdout_precision", t.holdout_precision}, {"holdout_recall", t.holdout_recall},
          {"calibration_a", t.calibration_a}, {"calibration_b", t.calibration_b}};
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
  if (!(o.holdout_fraction > 0 && o.holdout_fraction < 1))
    return InvalidArgumentError("adapt: holdout_fraction must be in (0, 1)");
  if (!(o.min_holdout_precision >= 0 && o.min_holdout_precision <= 1))
    return InvalidArgumentError("adapt: min_holdout_precision must be in [0, 1]");
  if (!(o.unlabelled_share >= 0 && o.unlabelled_share <= 100))
    return InvalidArgumentError("adapt: unlabelled_share must be in [0, 100]");
  if (o.max_themes_per_text < 1) return InvalidArgumentError("adapt: max_themes_per_text must be >= 1");
  if (o.threads < 0) return InvalidArgumentError("adapt: threads must be >= 0");
  return Status::Ok();
}

bool IsRuleHit(const ThemeHit& h) { return h.source.compare(0, 5, "rule:") == 0; }

}  // namespace

std::string AdaptReport::ToJson() const { return ReportJson(*this).dump(); }

struct ThemeAdapter::Impl {
  AdaptOptions options;
  AdaptReport report;
  std::unique_ptr<TextClassifier> model;
  // Per model label (sorted, as the model holds them): its adapted theme in
  // report.themes, or -1 for a label that was not kept.
  std::vector<int> label_theme;

  Status Index() {
    const auto& labels = model->info().labels;
    label_theme.assign(labels.size(), -1);
    for (size_t t = 0; t < report.themes.size(); ++t) {
      auto it = std::lower_bound(labels.begin(), labels.end(), report.themes[t].id);
      if (it == labels.end() || *it != report.themes[t].id)
        return InvalidArgumentError("adapted theme '" + report.themes[t].id +
                                    "' is not a label of the adapter's classifier");
      label_theme[static_cast<size_t>(it - labels.begin())] = static_cast<int>(t);
    }
    return Status::Ok();
  }

  double Calibrated(const AdaptedTheme& t, double p) const {
    return Sigmoid(t.calibration_a * Logit(p) + t.calibration_b);
  }
};

ThemeAdapter::ThemeAdapter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ThemeAdapter::~ThemeAdapter() = default;

const AdaptReport& ThemeAdapter::report() const { return impl_->report; }
const AdaptOptions& ThemeAdapter::options() const { return impl_->options; }

Result<std::unique_ptr<ThemeAdapter>> ThemeAdapter::Fit(const std::vector<Analysis>& sample,
                                                        const AdaptOptions& options) {
  VOC_RETURN_IF_ERROR(CheckOptions(options));
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  AdaptReport& report = impl->report;
  report.sample = sample.size();

  // The confident rule labels of each verbatim; verbatims with none are not
  // used (the rules may have missed their themes).
  struct Row {
    size_t index;
    std::vector<std::string> labels;
  };
  std::vector<Row> rows;
  std::map<std::string, uint64_t> examples;
  std::set<std::string> weak;  // themes only seen in hits below the cut
  std::vector<std::pair<uint64_t, size_t>> unlabelled;  // (hash of the text, index)
  const uint64_t seed = static_cast<uint64_t>(options.seed);
  for (size_t i = 0; i < sample.size(); ++i) {
    Row row{i, {}};
    if (sample[i].themes.empty()) {
      if (!sample[i].text.empty()) unlabelled.emplace_back(Fnv1a(sample[i].text, seed + 1), i);
      continue;
    }
    for (const ThemeHit& h : sample[i].themes) {
      if (!IsRuleHit(h)) continue;
      if (h.confidence >= options.min_rule_confidence) row.labels.push_back(h.id);
      else weak.insert(h.id);
    }
    if (row.labels.empty()) continue;
    std::sort(row.labels.begin(), row.labels.end());
    row.labels.erase(std::unique(row.labels.begin(), row.labels.end()), row.labels.end());
    for (const auto& l : row.labels) ++examples[l];
    rows.push_back(std::move(row));
  }
  report.labelled = rows.size();

  std::set<std::string> kept;
  for (const auto& [id, n] : examples) {
    const uint64_t neg = rows.size() - n;
    if (n < options.min_examples) {
      report.skipped.emplace_back(id, std::to_string(n) + " examples (needs " +
                                          std::to_string(options.min_examples) + ")");
    } else if (neg < options.min_negatives) {
      report.skipped.emplace_back(id, std::to_string(neg) + " negatives (needs " +
                                          std::to_string(options.min_negatives) + ")");
    } else {
      kept.insert(id);
    }
  }
  for (const auto& id : weak)
    if (!examples.count(id))
      report.skipped.emplace_back(id, "no rule hit with confidence >= " +
                                          std::to_string(options.min_rule_confidence).substr(0, 4));
  std::sort(report.skipped.begin(), report.skipped.end());
  auto none = [&](const std::string& why) {
    return FailedPreconditionError("adapt: no theme can be adapted: " + why + " (sample of " +
                                   std::to_string(report.sample) + " verbatims, " +
                                   std::to_string(report.labelled) + " labelled by the rules)");
  };
  if (kept.empty())
    return none("none has " + std::to_string(options.min_examples) +
                " confidently labelled verbatims and " + std::to_string(options.min_negatives) +
                " without it");

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

  // Training and held-back texts, the rules' matched spans blanked out.
  std::vector<LabeledText> fit, held;
  for (const Row& row : rows) {
    const Analysis& a = sample[row.index];
    LabeledText lt;
    lt.text = a.text;
    if (options.mask_rule_evidence) {
      for (const ThemeHit& h : a.themes)
        for (const EvidenceSpan& e : h.evidence)
          if (e.source.compare(0, 5, "rule:") == 0 && e.begin < e.end && e.end <= lt.text.size())
            std::memset(&lt.text[e.begin], ' ', e.end - e.begin);
    }
    for (const auto& l : row.labels)
      if (kept.count(l)) lt.labels.push_back(l);
    const bool hold = static_cast<double>(Fnv1a(a.text, static_cast<uint64_t>(options.seed)) >> 11) *
                          (1.0 / 9007199254740992.0) <
                      options.holdout_fraction;
    (hold ? held : fit).push_back(std::move(lt));
  }
  if (held.empty() || fit.empty()) return none("too few labelled verbatims to hold some back");

  TrainOptions to;
  to.task = kTask;
  to.multi_label = true;
  to.backend = "linear";
  to.char_ngrams = false;
  to.validation_fraction = 0;
  to.seed = options.seed;
  auto model = TextClassifier::Train(fit, to);
  if (!model.ok()) return model.status();
  impl->model = std::move(*model);
  const auto& labels = impl->model->info().labels;
  const size_t L = labels.size();

  // Held-back probabilities of every label; per label, Platt calibration
  // and precision / recall at 0.5 against the rules' labels.
  std::vector<std::vector<double>> probs(held.size(), std::vector<double>(L, 0.0));
  for (size_t i = 0; i < held.size(); ++i)
    for (const Prediction& p : impl->model->Predict(held[i].text, static_cast<int>(L))) {
      auto it = std::lower_bound(labels.begin(), labels.end(), p.label);
      probs[i][static_cast<size_t>(it - labels.begin())] = p.probability;
    }
  for (size_t l = 0; l < L; ++l) {
    AdaptedTheme t;
    t.id = labels[l];
    t.examples = examples[t.id];
    t.negatives = labelled_rows - t.examples;
    std::vector<double> x(held.size());
    std::vector<int> y(held.size());
    for (size_t i = 0; i < held.size(); ++i) {
      x[i] = Logit(probs[i][l]);
      y[i] = std::find(held[i].labels.begin(), held[i].labels.end(), t.id) != held[i].labels.end();
    }
    std::tie(t.calibration_a, t.calibration_b) = FitPlatt(x, y);
    uint64_t tp = 0, fp = 0, pos = 0;
    for (size_t i = 0; i < held.size(); ++i) {
      const bool hit = Sigmoid(t.calibration_a * x[i] + t.calibration_b) >= 0.5;
      tp += hit && y[i], fp += hit && !y[i], pos += y[i];
    }
    t.holdout_precision = tp + fp ? static_cast<double>(tp) / static_cast<double>(tp + fp) : 0.0;
    t.holdout_recall = pos ? static_cast<double>(tp) / static_cast<double>(pos) : 0.0;
    char why[96];
    if (!(t.calibration_a > 0)) {
      report.skipped.emplace_back(t.id, "its classifier does not separate it on held-back verbatims");
    } else if (tp + fp == 0) {
      report.skipped.emplace_back(t.id, "no held-back verbatim reaches confidence 0.5");
    } else if (t.holdout_precision < options.min_holdout_precision) {
      std::snprintf(why, sizeof why, "held-back precision %.2f (needs %.2f)", t.holdout_precision,
                    options.min_holdout_precision);
      report.skipped.emplace_back(t.id, why);
    } else {
      report.themes.push_back(std::move(t));
    }
  }
  std::sort(report.skipped.begin(), report.skipped.end());
  if (report.themes.empty()) return none("no theme's classifier is precise enough on held-back verbatims");
  VOC_RETURN_IF_ERROR(impl->Index());
  return std::unique_ptr<ThemeAdapter>(new ThemeAdapter(std::move(impl)));
}

std::string ThemeAdapter::Serialize() const {
  json meta = {{"format", "voc-adapted-themes"},
               {"options", OptionsJson(impl_->options)},
               {"report", ReportJson(impl_->report)}};
  const std::string head = meta.dump();
  std::string out(kMagic, sizeof kMagic);
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((kFormatVersion >> (8 * i)) & 0xff));
  const uint64_t n = head.size();
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((n >> (8 * i)) & 0xff));
  out += head;
  out += impl_->model->Serialize();
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
    opt.holdout_fraction = o.at("holdout_fraction").get<double>();
    opt.min_holdout_precision = o.at("min_holdout_precision").get<double>();
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
      at.holdout_precision = t.at("holdout_precision").get<double>();
      at.holdout_recall = t.at("holdout_recall").get<double>();
      at.calibration_a = t.at("calibration_a").get<double>();
      at.calibration_b = t.at("calibration_b").get<double>();
      if (!std::isfinite(at.calibration_a) || !std::isfinite(at.calibration_b))
        return bad("calibration of '" + at.id + "' is not finite");
      impl->report.themes.push_back(std::move(at));
    }
    for (const json& s : r.at("skipped"))
      impl->report.skipped.emplace_back(s.at("id").get<std::string>(), s.at("reason").get<std::string>());
  } catch (const json::exception& e) {
    return bad(std::string("metadata: ") + e.what());
  }
  auto model = TextClassifier::FromBytes(bytes.substr(20 + n), kTask);
  if (!model.ok()) return bad(model.status().message());
  impl->model = std::move(*model);
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
  std::vector<ThemeHit> hits;
  const Impl& im = *impl_;
  const auto& labels = im.model->info().labels;
  for (const Prediction& p : im.model->Predict(text, static_cast<int>(labels.size()))) {
    auto it = std::lower_bound(labels.begin(), labels.end(), p.label);
    const int t = im.label_theme[static_cast<size_t>(it - labels.begin())];
    if (t < 0) continue;
    const AdaptedTheme& at = im.report.themes[static_cast<size_t>(t)];
    const Theme* theme = taxonomy.Find(at.id);
    if (theme == nullptr) continue;
    const double c = im.Calibrated(at, p.probability);
    if (!(c >= theme->threshold)) continue;
    ThemeHit h;
    h.id = theme->id;
    h.confidence = c;
    h.source = kSource;
    h.department = theme->department;
    h.role = theme->role;
    hits.push_back(std::move(h));
  }
  std::sort(hits.begin(), hits.end(), [](const ThemeHit& x, const ThemeHit& y) {
    return x.confidence != y.confidence ? x.confidence > y.confidence : x.id < y.id;
  });
  if (hits.size() > static_cast<size_t>(im.options.max_themes_per_text))
    hits.resize(static_cast<size_t>(im.options.max_themes_per_text));
  for (ThemeHit& h : hits) {
    Explanation e = im.model->Explain(text, h.id, 3);
    for (const FeatureContribution& f : e.features)
      if (f.begin < f.end && f.end <= text.size())
        h.evidence.push_back({static_cast<uint32_t>(f.begin), static_cast<uint32_t>(f.end), kSource,
                              f.weight});
    std::sort(h.evidence.begin(), h.evidence.end(), [](const EvidenceSpan& x, const EvidenceSpan& y) {
      return x.begin != y.begin ? x.begin < y.begin : x.end < y.end;
    });
  }
  return hits;
}

Result<std::unique_ptr<ThemeAdapter>> FitThemeAdapter(
    RecordReader& reader, const Analyzer& analyzer, const AdaptOptions& options,
    std::vector<Analysis>* sample, const std::function<void(const Reject&)>& on_reject) {
  VOC_RETURN_IF_ERROR(CheckOptions(options));
  sample->clear();
  // Read and analysed a batch at a time, so that only the analyses are
  // kept. A stream that fails part-way is fitted on what it delivered; the
  // caller reading on reports the failure.
  constexpr size_t kBatch = 512, kChunk = 16;
  std::vector<Record> batch;
  size_t bytes = 0;
  bool end = false;
  ParallelFor team(options.threads);
  while (!end && sample->size() < options.sample_records && bytes < options.sample_bytes) {
    batch.clear();
    Reject reject;
    while (batch.size() < kBatch && sample->size() + batch.size() < options.sample_records &&
           bytes < options.sample_bytes) {
      Record record;
      RecordReader::Next next = reader.Read(&record, &reject);
      if (next == RecordReader::Next::kEnd) {
        end = true;
        break;
      }
      if (next == RecordReader::Next::kReject) {
        if (on_reject) on_reject(reject);
        continue;
      }
      bytes += record.text.size();
      batch.push_back(std::move(record));
    }
    const size_t first = sample->size();
    sample->resize(first + batch.size());
    team.Run((batch.size() + kChunk - 1) / kChunk, [&](size_t c) {
      const size_t b = c * kChunk;
      analyzer.Analyze(batch.data() + b, std::min(kChunk, batch.size() - b), sample->data() + first + b);
    });
  }
  return ThemeAdapter::Fit(*sample, options);
}

}  // namespace voc
