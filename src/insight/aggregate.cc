#include "voc/aggregate.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <exception>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <tuple>
#include <utility>

#include "util/json_depth.h"
#include "util/impl_access.h"
#include "insight/aggregate_json.h"
#include "insight/aggregate_data.h"
#include "voc/json.h"
#include "insight/aggregate_figures.h"
#include "voc/language.h"
#include "voc/conversation.h"

namespace voc {
namespace internal {

void Counts::Add(const Counts& o) {
  volume += o.volume;
  negative += o.negative;
  neutral += o.neutral;
  positive += o.positive;
  unscored += o.unscored;
  score_micros += o.score_micros;
  emotion_micros += o.emotion_micros;
  with_signal += o.with_signal;
  for (int i = 0; i < kSignalCount; ++i) signals[i] += o.signals[i];
  costly += o.costly;
  churn_valued += o.churn_valued;
  churn_value_cents += o.churn_value_cents;
  sentiment_sq += o.sentiment_sq;
  score_n += o.score_n;
  score_invalid += o.score_invalid;
  score_milli += o.score_milli;
  score_sq += o.score_sq;
  for (int i = 0; i <= 10; ++i) score_int[i] += o.score_int[i];
  value_invalid += o.value_invalid;
}

bool EvidenceLess(const Evidence& a, const Evidence& b) {
  return std::tie(a.hash, a.id, a.snippet, a.period, a.channel, a.polarity, a.score_micros, a.spans,
                  a.truncated_left,
                  a.truncated_right) < std::tie(b.hash, b.id, b.snippet, b.period, b.channel, b.polarity,
                                                b.score_micros, b.spans, b.truncated_left, b.truncated_right);
}

}  // namespace internal

using internal::AggregateData;
using internal::Counts;
using internal::Evidence;
using internal::ThemeData;
using Json = nlohmann::json;

namespace {

int64_t Micros(double x, double lo, double hi) {
  if (!std::isfinite(x)) return 0;
  return std::llround(std::clamp(x, lo, hi) * 1e6);
}

bool IsHunsakerSignal(Signal s) { return s != Signal::kEmotionIntensity; }

size_t EvidenceLimit(const AggregateOptions& o, const std::string& theme) {
  return theme == kUnclassifiedTheme ? o.unclassified_evidence : o.evidence_per_theme;
}

// Inserts `e` into a sorted candidate list that keeps the `k` smallest.
void Offer(std::vector<Evidence>* list, Evidence e, size_t k) {
  if (k == 0) return;
  if (list->size() >= k && !internal::EvidenceLess(e, list->back())) return;
  auto it = std::lower_bound(list->begin(), list->end(), e, internal::EvidenceLess);
  list->insert(it, std::move(e));
  if (list->size() > k) list->resize(k);
}

void MergeEvidence(std::vector<Evidence>* into, const std::vector<Evidence>& from, size_t k) {
  std::vector<Evidence> all;
  all.reserve(into->size() + from.size());
  std::merge(into->begin(), into->end(), from.begin(), from.end(), std::back_inserter(all),
             internal::EvidenceLess);
  if (all.size() > k) all.resize(k);
  *into = std::move(all);
}

bool SameOptions(const AggregateOptions& a, const AggregateOptions& b) {
  return a.period == b.period && a.evidence_per_theme == b.evidence_per_theme &&
         a.unclassified_evidence == b.unclassified_evidence && a.snippet_bytes == b.snippet_bytes &&
         a.track_customers == b.track_customers && a.phrase_stats == b.phrase_stats &&
         a.max_ngram == b.max_ngram && a.discovery_sample == b.discovery_sample;
}

std::string DescribeOptions(const AggregateOptions& o) {
  return std::string("period=") + PeriodName(o.period) +
         " evidence_per_theme=" + std::to_string(o.evidence_per_theme) +
         " unclassified_evidence=" + std::to_string(o.unclassified_evidence) +
         " snippet_bytes=" + std::to_string(o.snippet_bytes) +
         " track_customers=" + (o.track_customers ? "true" : "false") +
         " phrase_stats=" + (o.phrase_stats ? "true" : "false") +
         " max_ngram=" + std::to_string(o.max_ngram) +
         " discovery_sample=" + std::to_string(o.discovery_sample);
}

// ---- serialization ----------------------------------------------------------

// "uns" (unscored) is written only when there are some, so that aggregates
// of English-only data read and write as before.
Json CountsToJson(const Counts& c) {
  Json sig = Json::object();
  for (int i = 0; i < kSignalCount; ++i)
    if (c.signals[i]) sig[SignalName(static_cast<Signal>(i))] = c.signals[i];
  Json out{{"n", c.volume},
           {"neg", c.negative},
           {"neu", c.neutral},
           {"pos", c.positive},
           {"score_u", c.score_micros},
           {"emotion_u", c.emotion_micros},
           {"with_signal", c.with_signal},
           {"signals", sig}};
  if (c.unscored) out["uns"] = c.unscored;
  internal::FiguresToJson(c, &out);
  return out;
}

Json CellsToJson(const std::map<std::string, std::map<std::string, Counts>>& cells) {
  Json out = Json::object();
  for (const auto& [period, by_channel] : cells)
    for (const auto& [channel, c] : by_channel) out[period][channel] = CountsToJson(c);
  return out;
}

Json EvidenceToJson(const std::vector<Evidence>& list) {
  Json out = Json::array();
  for (const Evidence& e : list) {
    Json spans = Json::array();
    for (const auto& [b, en] : e.spans) spans.push_back({b, en});
    out.push_back({{"hash", e.hash},
                   {"id", e.id},
                   {"period", e.period},
                   {"channel", e.channel},
                   {"polarity", e.polarity},
                   {"score_u", e.score_micros},
                   {"snippet", e.snippet},
                   {"spans", spans},
                   {"cut_left", e.truncated_left},
                   {"cut_right", e.truncated_right}});
  }
  return out;
}

// Reading: every accessor throws std::runtime_error with a path on a bad
// shape; Deserialize() turns it into a Status.
struct Reader {
  [[noreturn]] static void Fail(const std::string& what) { throw std::runtime_error(what); }

  static const Json& Field(const Json& obj, const char* key, const std::string& path) {
    if (!obj.is_object()) Fail(path + " is not an object");
    auto it = obj.find(key);
    if (it == obj.end()) Fail(path + "." + key + " is missing");
    return *it;
  }
  static uint64_t U64(const Json& v, const std::string& path) {
    if (!v.is_number_unsigned() && !(v.is_number_integer() && v.get<int64_t>() >= 0))
      Fail(path + " is not a non-negative integer");
    return v.get<uint64_t>();
  }
  static int64_t I64(const Json& v, const std::string& path) {
    if (!v.is_number_integer()) Fail(path + " is not an integer");
    if (v.is_number_unsigned() && v.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX))
      Fail(path + " is out of range");
    return v.get<int64_t>();
  }
  static std::string Str(const Json& v, const std::string& path) {
    if (!v.is_string()) Fail(path + " is not a string");
    return v.get<std::string>();
  }
  static bool Bool(const Json& v, const std::string& path) {
    if (!v.is_boolean()) Fail(path + " is not a boolean");
    return v.get<bool>();
  }
  static const Json& Obj(const Json& v, const std::string& path) {
    if (!v.is_object()) Fail(path + " is not an object");
    return v;
  }
  static const Json& Arr(const Json& v, const std::string& path) {
    if (!v.is_array()) Fail(path + " is not an array");
    return v;
  }

  Period period;
  bool* legacy_counts;

  void CheckPeriod(const std::string& id, const std::string& path) const {
    if (id == kUndatedPeriod) return;
    if (!PeriodOrdinal(id, period).ok())
      Fail(path + ": '" + id + "' is not a " + PeriodName(period) + " period id");
  }

  Counts ReadCounts(const Json& v, const std::string& path) const {
    Counts c;
    c.volume = U64(Field(v, "n", path), path + ".n");
    c.negative = U64(Field(v, "neg", path), path + ".neg");
    c.neutral = U64(Field(v, "neu", path), path + ".neu");
    c.positive = U64(Field(v, "pos", path), path + ".pos");
    if (v.contains("uns")) c.unscored = U64(v["uns"], path + ".uns");
    c.score_micros = I64(Field(v, "score_u", path), path + ".score_u");
    c.emotion_micros = I64(Field(v, "emotion_u", path), path + ".emotion_u");
    c.with_signal = U64(Field(v, "with_signal", path), path + ".with_signal");
    const Json& sig = Obj(Field(v, "signals", path), path + ".signals");
    for (auto it = sig.begin(); it != sig.end(); ++it) {
      int idx = -1;
      for (int i = 0; i < kSignalCount; ++i)
        if (it.key() == SignalName(static_cast<Signal>(i))) idx = i;
      if (idx < 0) Fail(path + ".signals: unknown signal '" + it.key() + "'");
      c.signals[idx] = U64(it.value(), path + ".signals." + it.key());
    }
    if (c.negative + c.neutral + c.positive + c.unscored != c.volume)
      Fail(path + ": sentiment counts do not add up to n");
    // Each record adds at most 1e6 in absolute value; this bound also keeps
    // later sums far from int64 overflow.
    const uint64_t cap = std::min<uint64_t>(c.volume, 1ULL << 40) * 1000000ULL;
    const int64_t icap = static_cast<int64_t>(cap);
    if (c.volume > (1ULL << 40) || c.score_micros > icap || c.score_micros < -icap || c.emotion_micros < 0 ||
        c.emotion_micros > icap)
      Fail(path + ": scores out of range for n");
    for (uint64_t x : c.signals)
      if (x > c.volume) Fail(path + ": a signal count exceeds n");
    if (c.with_signal > c.volume) Fail(path + ": with_signal exceeds n");
    internal::ReadFigures(v, path, &c, legacy_counts);
    return c;
  }

  std::map<std::string, std::map<std::string, Counts>> ReadCells(const Json& v,
                                                                 const std::string& path) const {
    std::map<std::string, std::map<std::string, Counts>> out;
    for (auto p = Obj(v, path).begin(); p != v.end(); ++p) {
      CheckPeriod(p.key(), path);
      const std::string pp = path + "." + p.key();
      for (auto c = Obj(p.value(), pp).begin(); c != p.value().end(); ++c)
        out[p.key()][c.key()] = ReadCounts(c.value(), pp + "." + c.key());
    }
    return out;
  }

  std::vector<Evidence> ReadEvidence(const Json& v, const std::string& path) const {
    std::vector<Evidence> out;
    size_t i = 0;
    for (const Json& j : Arr(v, path)) {
      const std::string p = path + "[" + std::to_string(i++) + "]";
      Evidence e;
      e.hash = U64(Field(j, "hash", p), p + ".hash");
      e.id = Str(Field(j, "id", p), p + ".id");
      e.period = Str(Field(j, "period", p), p + ".period");
      CheckPeriod(e.period, p + ".period");
      e.channel = Str(Field(j, "channel", p), p + ".channel");
      e.polarity = static_cast<int>(I64(Field(j, "polarity", p), p + ".polarity"));
      if (e.polarity < -1 || e.polarity > 1) Fail(p + ".polarity is not -1, 0 or 1");
      e.score_micros = I64(Field(j, "score_u", p), p + ".score_u");
      e.snippet = Str(Field(j, "snippet", p), p + ".snippet");
      for (const Json& s : Arr(Field(j, "spans", p), p + ".spans")) {
        if (!s.is_array() || s.size() != 2) Fail(p + ".spans: a span is not [begin, end]");
        const uint64_t b = U64(s[0], p + ".spans"), en = U64(s[1], p + ".spans");
        if (b > en || en > e.snippet.size()) Fail(p + ".spans: span outside the snippet");
        e.spans.emplace_back(static_cast<uint32_t>(b), static_cast<uint32_t>(en));
      }
      e.truncated_left = Bool(Field(j, "cut_left", p), p + ".cut_left");
      e.truncated_right = Bool(Field(j, "cut_right", p), p + ".cut_right");
      out.push_back(std::move(e));
    }
    if (!std::is_sorted(out.begin(), out.end(), internal::EvidenceLess))
      Fail(path + " is not in canonical order");
    return out;
  }

  std::map<std::string, internal::NgramCounts> ReadNgrams(const Json& v, const std::string& path,
                                                          internal::PhraseIds* phrases) const {
    std::map<std::string, internal::NgramCounts> out;
    for (auto p = Obj(v, path).begin(); p != v.end(); ++p) {
      CheckPeriod(p.key(), path);
      auto& m = out[p.key()];
      for (auto g = Obj(p.value(), path + "." + p.key()).begin(); g != p.value().end(); ++g) {
        const uint64_t n = U64(g.value(), path + "." + p.key() + "." + g.key());
        const uint32_t id = phrases->Add(g.key());
        if (uint64_t* have = m.Find(id))
          *have = n;
        else
          m.Insert(id, n);
      }
    }
    return out;
  }

  std::map<std::string, uint64_t> ReadPeriodCounts(const Json& v, const std::string& path) const {
    std::map<std::string, uint64_t> out;
    for (auto p = Obj(v, path).begin(); p != v.end(); ++p) {
      CheckPeriod(p.key(), path);
      out[p.key()] = U64(p.value(), path + "." + p.key());
    }
    return out;
  }
};

void WriteNgrams(const std::map<std::string, internal::NgramCounts>& by_period,
                 const internal::PhraseIds& phrases, std::string* out) {
  out->push_back('{');
  bool first_period = true;
  for (const auto& [p, m] : by_period) {
    if (!first_period) out->push_back(',');
    first_period = false;
    voc::AppendJsonString(p, out);
    out->append(":{");
    std::vector<std::pair<std::string_view, uint64_t>> rows;
    rows.reserve(m.size());
    m.ForEach([&](uint32_t id, uint64_t n) { rows.emplace_back(phrases[id], n); });
    std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    for (size_t i = 0; i < rows.size(); ++i) {
      if (i) out->push_back(',');
      voc::AppendJsonString(rows[i].first, out);
      out->push_back(':');
      *out += std::to_string(rows[i].second);
    }
    out->push_back('}');
  }
  out->push_back('}');
}

constexpr const char* kFormat = "voc.aggregate";
constexpr int kFormatVersion = 1;

}  // namespace

Aggregate::Aggregate(const AggregateOptions& options) : impl_(new Impl) {
  impl_->options = options;
  impl_->options.max_ngram = std::clamp(options.max_ngram, 1, 3);
}
Aggregate::Aggregate(const Aggregate& other) : impl_(new Impl(*other.impl_)) {}
Aggregate& Aggregate::operator=(const Aggregate& other) {
  if (this != &other) impl_.reset(new Impl(*other.impl_));
  return *this;
}
Aggregate::Aggregate(Aggregate&& other) noexcept
    : impl_(std::exchange(other.impl_, std::make_unique<Impl>())) {}
Aggregate& Aggregate::operator=(Aggregate&& other) noexcept {
  if (this != &other) impl_ = std::exchange(other.impl_, std::make_unique<Impl>());
  return *this;
}
Aggregate::~Aggregate() = default;

const AggregateOptions& Aggregate::options() const { return impl_->options; }
uint64_t Aggregate::records() const { return impl_->records; }

uint64_t Aggregate::undated() const {
  auto it = impl_->totals.find(kUndatedPeriod);
  if (it == impl_->totals.end()) return 0;
  uint64_t n = 0;
  for (const auto& [ch, c] : it->second) n += c.volume;
  return n;
}

std::vector<std::string> Aggregate::periods() const {
  std::vector<std::string> out;
  for (const auto& [p, v] : impl_->totals)
    if (p != kUndatedPeriod) out.push_back(p);
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> Aggregate::themes() const {
  std::vector<std::string> out;
  for (const auto& [t, v] : impl_->themes) out.push_back(t);
  return out;
}

void Aggregate::Add(const Analysis& a) { Add(a, RecordFigures()); }

uint64_t Aggregate::conversations() const {
  uint64_t n = 0;
  for (const auto& [p, c] : impl_->conversations) n += c.conversations;
  return n;
}

void Aggregate::Add(const ConversationAnalysis& conversation) {
  Add(conversation.customer);
  AggregateData& d = *impl_;
  const Analysis& a = conversation.customer;
  const std::string period = a.timestamp ? PeriodId(*a.timestamp, d.options.period) : kUndatedPeriod;
  const internal::ConversationCounts c = internal::ConversationCountsOf(conversation);
  d.conversations[period].Add(c);
  // The themes as Add() counts them: each distinct id once, else "unclassified".
  std::set<std::string> seen;
  for (const ThemeHit& t : a.themes)
    if (!t.id.empty() && t.id != kUnclassifiedTheme && seen.insert(t.id).second)
      d.themes[t.id].conversations[period].Add(c);
  if (seen.empty()) d.themes[kUnclassifiedTheme].conversations[period].Add(c);
}

void Aggregate::Add(const Analysis& a, const RecordFigures& figures) {
  AggregateData& d = *impl_;
  const AggregateOptions& o = d.options;
  const std::string period = a.timestamp ? PeriodId(*a.timestamp, o.period) : kUndatedPeriod;
  const std::string channel = a.channel.empty() ? "unknown" : a.channel;

  Counts c;
  c.volume = 1;
  if (!a.sentiment.scored())
    c.unscored = 1;
  else if (a.sentiment.label == Polarity::kNegative)
    c.negative = 1;
  else if (a.sentiment.label == Polarity::kPositive)
    c.positive = 1;
  else
    c.neutral = 1;
  c.score_micros = a.sentiment.scored() ? Micros(a.sentiment.score, -1.0, 1.0) : 0;
  c.emotion_micros = Micros(a.emotion_intensity, 0.0, 1.0);
  for (const SignalHit& h : a.signals) {
    const int i = static_cast<int>(h.signal);
    if (i < 0 || i >= kSignalCount) continue;
    c.signals[i] = 1;
    if (IsHunsakerSignal(h.signal)) c.with_signal = 1;
  }
  internal::FillFigures(a, figures, &c);
  const int bucket = internal::ScoreBucket(a.id);
  const internal::BucketStats bucket_stats = internal::ToBucket(c);
  const bool churn_customer =
      o.track_customers && !a.customer_id.empty() && c.signals[static_cast<int>(Signal::kChurnRisk)];
  const int64_t churn_cents = c.churn_valued ? c.churn_value_cents : -1;

  ++d.records;
  d.totals[period][channel].Add(c);
  d.total_buckets[period][bucket].Add(bucket_stats);
  if (churn_customer) internal::AddChurnCustomer(&d.churn_customers[period], a.customer_id, churn_cents);
  internal::LanguageCounts& lc = d.languages[a.language.empty() ? "und" : a.language];
  ++lc.records;
  lc.unscored += c.unscored;

  // One entry per distinct theme id; the first hit of an id supplies the
  // owner and the evidence span.
  std::vector<const ThemeHit*> hits;
  for (const ThemeHit& t : a.themes)
    if (!t.id.empty() && t.id != kUnclassifiedTheme &&
        std::none_of(hits.begin(), hits.end(), [&t](const ThemeHit* h) { return h->id == t.id; }))
      hits.push_back(&t);
  const bool unclassified = hits.empty();
  const uint64_t hash = internal::ContentHash(a.id, a.text);
  {
    // splitmix64 of the content hash: a sum of these is an order-free
    // fingerprint of the records added (the same whatever the period).
    uint64_t z = hash + 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    d.own_fingerprint += z ^ (z >> 31);
    ++d.own_records;
  }

  auto add_theme = [&](const std::string& theme, const ThemeHit* hit) {
    ThemeData& td = d.themes[theme];
    td.cells[period][channel].Add(c);
    if (hit) ++td.owners[{hit->department, static_cast<int>(hit->role)}];
    if (hit) ++td.sources[hit->source.substr(0, hit->source.find(':'))];
    if (o.track_customers && !a.customer_id.empty()) ++td.customers[period][a.customer_id];
    if (hit) {
      td.buckets[period][bucket].Add(bucket_stats);
      if (churn_customer) internal::AddChurnCustomer(&td.churn_customers[period], a.customer_id, churn_cents);
    }

    auto& list = c.negative ? td.negative_evidence : td.other_evidence;
    const size_t k = EvidenceLimit(o, theme);
    if (k == 0) return;
    Evidence probe;
    probe.hash = hash;
    probe.id = a.id;
    if (list.size() >= k && list.back().hash < hash) return;  // cheap reject
    size_t b = 0, e = 0;
    if (hit && !hit->evidence.empty()) {
      b = hit->evidence.front().begin;
      e = hit->evidence.front().end;
    }
    const auto [s, en] = internal::SnippetRange(a.text, b, e, o.snippet_bytes);
    probe.period = period;
    probe.channel = channel;
    probe.polarity = c.unscored ? 0 : static_cast<int>(a.sentiment.label);
    probe.score_micros = c.score_micros;
    probe.snippet = a.text.substr(s, en - s);
    probe.truncated_left = s > 0;
    probe.truncated_right = en < a.text.size();
    if (hit)
      for (const EvidenceSpan& sp : hit->evidence)
        if (sp.begin >= s && sp.end <= en && sp.begin <= sp.end)
          probe.spans.emplace_back(static_cast<uint32_t>(sp.begin - s), static_cast<uint32_t>(sp.end - s));
    Offer(&list, std::move(probe), k);
  };
  if (unclassified) add_theme(kUnclassifiedTheme, nullptr);
  for (const ThemeHit* h : hits) add_theme(h->id, h);
  if (hits.size() > 1) {
    std::vector<const std::string*> ids;
    for (const ThemeHit* h : hits) ids.push_back(&h->id);
    std::sort(ids.begin(), ids.end(), [](auto* x, auto* y) { return *x < *y; });
    auto& pairs = d.theme_pairs[period];
    for (size_t i = 0; i < ids.size(); ++i)
      for (size_t j = i + 1; j < ids.size(); ++j) {
        auto& n = pairs[*ids[i] + '\x1f' + *ids[j]];
        ++n[0];
        n[1] += c.score_n;
      }
  }
  internal::OfferSample(&d, a, period, channel, c, !unclassified, hash);

  if (o.phrase_stats) {
    thread_local std::string gram_text;
    thread_local std::vector<std::string_view> grams;
    internal::DistinctNgramViews(a.text, o.max_ngram, &gram_text, &grams);
    ++d.all_docs[period];
    auto& all = d.all_ngrams[period];
    internal::NgramCounts* un = nullptr;
    if (unclassified) {
      ++d.unclassified_docs[period];
      un = &d.unclassified_ngrams[period];
    }
    // Each phrase is hashed and looked up once for both tables. A full
    // table keeps counting the phrases it holds; a phrase is added to the
    // aggregate's phrases only when a table takes it.
    for (std::string_view g : grams) {
      const uint64_t h = internal::PhraseIds::Hash(g);
      uint32_t id = d.phrases.Find(g, h);
      for (internal::NgramCounts* m : {&all, un}) {
        if (m == nullptr) continue;
        if (uint64_t* n = id == internal::PhraseIds::kNone ? nullptr : m->Find(id)) {
          ++*n;
        } else if (m->size() < internal::kMaxNgramsPerPeriod) {
          if (id == internal::PhraseIds::kNone) id = d.phrases.Add(g, h);
          m->Insert(id, 1);
        } else {
          ++d.ngrams_dropped;
        }
      }
    }
  }
}

namespace internal {
std::set<uint64_t> AggregateSources(const AggregateData& d) {
  std::set<uint64_t> out = d.sources;
  if (d.own_records > 0) out.insert(d.own_fingerprint);
  return out;
}
}  // namespace internal

namespace {
std::string HexId(uint64_t id) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(id));
  return buf;
}
}  // namespace

Status Aggregate::Merge(const Aggregate& other) {
  if (&other == this) return InvalidArgumentError("cannot merge an aggregate into itself");
  AggregateData& d = *impl_;
  const AggregateData& o = *other.impl_;
  if (!SameOptions(d.options, o.options))
    return FailedPreconditionError("cannot merge aggregates with different options: " +
                                   DescribeOptions(d.options) + " vs " + DescribeOptions(o.options));
  const internal::PeriodKey same = [](const std::string& p) { return p; };
  const std::set<uint64_t> mine = internal::AggregateSources(d);
  for (uint64_t id : internal::AggregateSources(o))
    if (mine.count(id))
      return FailedPreconditionError("the same partial aggregate (identity " + HexId(id) +
                                     ") would be counted twice: each partial may be merged once");
  // Saved partials keep their identities; records added in this process
  // stay one partial whose fingerprint is the sum (so that in-memory splits
  // merged give the bytes of one pass).
  d.sources.insert(o.sources.begin(), o.sources.end());
  d.own_fingerprint += o.own_fingerprint;
  d.own_records += o.own_records;
  d.records += o.records;
  for (const auto& [l, n] : o.languages) {
    d.languages[l].records += n.records;
    d.languages[l].unscored += n.unscored;
  }
  for (const auto& [p, m] : o.totals)
    for (const auto& [ch, c] : m) d.totals[p][ch].Add(c);
  for (const auto& [theme, ot] : o.themes) {
    ThemeData& td = d.themes[theme];
    for (const auto& [p, m] : ot.cells)
      for (const auto& [ch, c] : m) td.cells[p][ch].Add(c);
    for (const auto& [k, n] : ot.owners) td.owners[k] += n;
    for (const auto& [k, n] : ot.sources) td.sources[k] += n;
    const size_t k = EvidenceLimit(d.options, theme);
    MergeEvidence(&td.negative_evidence, ot.negative_evidence, k);
    MergeEvidence(&td.other_evidence, ot.other_evidence, k);
    for (const auto& [p, m] : ot.customers)
      for (const auto& [cust, n] : m) td.customers[p][cust] += n;
    internal::MergeBuckets(&td.buckets, ot.buckets, same);
    internal::MergeChurn(&td.churn_customers, ot.churn_customers, same);
    internal::MergeConversations(&td.conversations, ot.conversations, same);
  }
  internal::MergeConversations(&d.conversations, o.conversations, same);
  internal::MergeBuckets(&d.total_buckets, o.total_buckets, same);
  internal::MergeChurn(&d.churn_customers, o.churn_customers, same);
  internal::MergePairs(&d.theme_pairs, o.theme_pairs, same);
  d.legacy_counts = d.legacy_counts || o.legacy_counts;
  // The other's phrase ids mapped to this one's once, when first met.
  std::vector<uint32_t> ids(o.phrases.size(), internal::PhraseIds::kNone);
  auto add_ngrams = [&d, &o, &ids](std::map<std::string, internal::NgramCounts>* into,
                                   const std::map<std::string, internal::NgramCounts>& from) {
    for (const auto& [p, m] : from) {
      auto& dst = (*into)[p];
      m.ForEach([&](uint32_t oid, uint64_t n) {
        uint32_t& id = ids[oid];
        if (id == internal::PhraseIds::kNone) id = d.phrases.Find(o.phrases[oid]);
        if (uint64_t* have = id == internal::PhraseIds::kNone ? nullptr : dst.Find(id)) {
          *have += n;
        } else if (dst.size() < internal::kMaxNgramsPerPeriod) {
          if (id == internal::PhraseIds::kNone) id = d.phrases.Add(o.phrases[oid]);
          dst.Insert(id, n);
        } else {
          d.ngrams_dropped += n;
        }
      });
    }
  };
  d.ngrams_dropped += o.ngrams_dropped;
  add_ngrams(&d.unclassified_ngrams, o.unclassified_ngrams);
  add_ngrams(&d.all_ngrams, o.all_ngrams);
  for (const auto& [p, n] : o.unclassified_docs) d.unclassified_docs[p] += n;
  for (const auto& [p, n] : o.all_docs) d.all_docs[p] += n;
  d.FlushSample();
  internal::MergeSample(&d.sample, o.Sample(), d.options.discovery_sample);
  return Status::Ok();
}

Result<Aggregate> Aggregate::Regroup(Period period) const {
  const AggregateData& d = *impl_;
  const Period from = d.options.period;
  if (period == from) return *this;
  if (from != Period::kDay)
    return FailedPreconditionError(std::string("cannot regroup a ") + PeriodName(from) + " aggregate by " +
                                   PeriodName(period) + ": only day aggregates regroup exactly");
  AggregateOptions o = d.options;
  o.period = period;
  Aggregate out(o);
  AggregateData& r = *out.impl_;
  r.records = d.records;
  r.sources = d.sources;
  r.own_fingerprint = d.own_fingerprint;
  r.own_records = d.own_records;
  r.languages = d.languages;
  // Noon of a day lies in the same week and month as the whole day.
  auto key = [&](const std::string& id) -> std::string {
    if (id == kUndatedPeriod) return id;
    Result<int64_t> day = PeriodOrdinal(id, Period::kDay);
    if (!day.ok()) return id;  // not produced by Add() or Deserialize()
    return PeriodId(*day * 86400 + 43200, period);
  };
  auto cells = [&](const std::map<std::string, std::map<std::string, Counts>>& in,
                   std::map<std::string, std::map<std::string, Counts>>* dst) {
    for (const auto& [p, m] : in) {
      auto& to = (*dst)[key(p)];
      for (const auto& [ch, c] : m) to[ch].Add(c);
    }
  };
  cells(d.totals, &r.totals);
  for (const auto& [theme, td] : d.themes) {
    ThemeData& t = r.themes[theme];
    cells(td.cells, &t.cells);
    t.owners = td.owners;
    t.sources = td.sources;
    for (const auto* list : {&td.negative_evidence, &td.other_evidence}) {
      std::vector<Evidence> re = *list;
      for (Evidence& e : re) e.period = key(e.period);
      std::sort(re.begin(), re.end(), internal::EvidenceLess);
      (list == &td.negative_evidence ? t.negative_evidence : t.other_evidence) = std::move(re);
    }
    for (const auto& [p, m] : td.customers) {
      auto& to = t.customers[key(p)];
      for (const auto& [c, n] : m) to[c] += n;
    }
    internal::MergeBuckets(&t.buckets, td.buckets, key);
    internal::MergeChurn(&t.churn_customers, td.churn_customers, key);
    internal::MergeConversations(&t.conversations, td.conversations, key);
  }
  internal::MergeConversations(&r.conversations, d.conversations, key);
  internal::MergeBuckets(&r.total_buckets, d.total_buckets, key);
  internal::MergeChurn(&r.churn_customers, d.churn_customers, key);
  internal::MergePairs(&r.theme_pairs, d.theme_pairs, key);
  r.legacy_counts = d.legacy_counts;
  // The phrases keep their ids (every one is in some table).
  r.phrases = d.phrases;
  for (const auto& [p, m] : d.unclassified_ngrams) {
    auto& to = r.unclassified_ngrams[key(p)];
    m.ForEach([&to](uint32_t id, uint64_t n) { to.Add(id, n); });
  }
  for (const auto& [p, m] : d.all_ngrams) {
    auto& to = r.all_ngrams[key(p)];
    m.ForEach([&to](uint32_t id, uint64_t n) { to.Add(id, n); });
  }
  for (const auto& [p, n] : d.unclassified_docs) r.unclassified_docs[key(p)] += n;
  for (const auto& [p, n] : d.all_docs) r.all_docs[key(p)] += n;
  r.ngrams_dropped = d.ngrams_dropped;
  r.sample = d.Sample();
  for (internal::SampleDoc& x : r.sample) x.period = key(x.period);
  return out;
}

namespace internal {

nlohmann::json AggregateHeadJson(const AggregateData& d) {
  Json j;
  j["format"] = kFormat;
  j["version"] = kFormatVersion;
  j["options"] = {{"period", PeriodName(d.options.period)},
                  {"evidence_per_theme", d.options.evidence_per_theme},
                  {"unclassified_evidence", d.options.unclassified_evidence},
                  {"snippet_bytes", d.options.snippet_bytes},
                  {"track_customers", d.options.track_customers},
                  {"phrase_stats", d.options.phrase_stats},
                  {"max_ngram", d.options.max_ngram},
                  {"discovery_sample", d.options.discovery_sample}};
  j["records"] = d.records;
  Json sources = Json::array();
  for (uint64_t id : internal::AggregateSources(d)) sources.push_back(HexId(id));
  j["sources"] = sources;
  // Written unless every record is "und" and scored (data from before
  // languages were identified, or a caller that sets none), so that such
  // aggregates keep their format.
  const bool only_und = d.languages.empty() || (d.languages.size() == 1 && d.languages.count("und") &&
                                                !d.languages.at("und").unscored);
  if (!only_und) {
    Json langs = Json::object();
    for (const auto& [l, n] : d.languages) langs[l] = {{"n", n.records}, {"uns", n.unscored}};
    j["languages"] = langs;
  }
  j["totals"] = CellsToJson(d.totals);
  Json themes = Json::object();
  for (const auto& [theme, td] : d.themes) {
    Json owners = Json::array();
    for (const auto& [k, n] : td.owners)
      owners.push_back({{"department", k.department},
                        {"role", ValueRoleName(static_cast<ValueRole>(k.role))},
                        {"hits", n}});
    Json customers = Json::object();
    for (const auto& [p, m] : td.customers) customers[p] = m;
    themes[theme] = {{"cells", CellsToJson(td.cells)},
                     {"owners", owners},
                     {"sources", td.sources},
                     {"evidence_negative", EvidenceToJson(td.negative_evidence)},
                     {"evidence_other", EvidenceToJson(td.other_evidence)},
                     {"customers", customers}};
    if (!td.buckets.empty()) themes[theme]["score_buckets"] = internal::BucketsToJson(td.buckets);
    if (!td.churn_customers.empty())
      themes[theme]["churn_customers"] = internal::ChurnToJson(td.churn_customers);
    if (!td.conversations.empty())
      themes[theme]["conversations"] = internal::ConversationsToJson(td.conversations);
  }
  j["themes"] = themes;
  // Written only for conversation input, so other aggregates keep their bytes.
  if (!d.conversations.empty()) j["conversations"] = internal::ConversationsToJson(d.conversations);
  // After "phrases" in key order: it holds customer ids (see below).
  j["totals_figures"] = {{"score_buckets", internal::BucketsToJson(d.total_buckets)},
                         {"churn_customers", internal::ChurnToJson(d.churn_customers)},
                         {"theme_pairs", internal::PairsToJson(d.theme_pairs)}};
  return j;
}

}  // namespace internal

std::string Aggregate::Serialize() const {
  const AggregateData& d = *impl_;
  Json j = internal::AggregateHeadJson(d);
  Json sample = Json::array();
  for (const internal::SampleDoc& x : d.Sample())
    sample.push_back({x.hash, x.id, x.period, x.channel, x.polarity, x.score_micros, x.emotion_micros,
                      x.signals, x.covered, x.terms, x.snippet, x.rating, x.rating_milli});
  j["sample"] = std::move(sample);
  // The phrase tables are the bulk of the text: written directly, sorted,
  // in place of a placeholder. "phrases" sorts before any key that holds
  // customer text, so the first occurrence of the placeholder is ours.
  j["phrases"] = "@@phrases@@";
  std::string out = j.dump(-1, ' ', false, Json::error_handler_t::replace);
  std::string ph = "{\"all\":";
  WriteNgrams(d.all_ngrams, d.phrases, &ph);
  ph += ",\"all_docs\":" + Json(d.all_docs).dump();
  ph += ",\"unclassified\":";
  WriteNgrams(d.unclassified_ngrams, d.phrases, &ph);
  ph += ",\"unclassified_docs\":" + Json(d.unclassified_docs).dump();
  if (d.ngrams_dropped) ph += ",\"dropped\":" + std::to_string(d.ngrams_dropped);
  ph += "}";
  const std::string placeholder = "\"phrases\":\"@@phrases@@\"";
  const size_t at = out.find(placeholder);
  out.replace(at, placeholder.size(), "\"phrases\":" + ph);
  return out;
}

Result<Aggregate> Aggregate::Deserialize(std::string_view text) {
  if (std::string deep = internal::JsonDepthError(text); !deep.empty())
    return InvalidArgumentError("aggregate: " + deep);
  Json j = Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return InvalidArgumentError("aggregate: not valid JSON");
  return internal::AggregateFromJson(j, nullptr);
}

namespace internal {

Result<Aggregate> AggregateFromJson(const nlohmann::json& j, const BulkReader& bulk) {
  try {
    using R = Reader;
    if (!j.is_object()) R::Fail("not a JSON object");
    if (R::Str(R::Field(j, "format", "$"), "$.format") != kFormat)
      R::Fail("$.format is not \"voc.aggregate\"");
    const int64_t version = R::I64(R::Field(j, "version", "$"), "$.version");
    if (version != kFormatVersion)
      R::Fail("unsupported version " + std::to_string(version) + " (this build reads " +
              std::to_string(kFormatVersion) + ")");
    const Json& jo = R::Field(j, "options", "$");
    AggregateOptions o;
    Result<Period> period = ParsePeriod(R::Str(R::Field(jo, "period", "$.options"), "$.options.period"));
    if (!period.ok()) R::Fail("$.options.period: " + period.status().message());
    o.period = *period;
    o.evidence_per_theme =
        R::U64(R::Field(jo, "evidence_per_theme", "$.options"), "$.options.evidence_per_theme");
    o.unclassified_evidence =
        R::U64(R::Field(jo, "unclassified_evidence", "$.options"), "$.options.unclassified_evidence");
    o.snippet_bytes = R::U64(R::Field(jo, "snippet_bytes", "$.options"), "$.options.snippet_bytes");
    o.track_customers = R::Bool(R::Field(jo, "track_customers", "$.options"), "$.options.track_customers");
    o.phrase_stats = R::Bool(R::Field(jo, "phrase_stats", "$.options"), "$.options.phrase_stats");
    o.max_ngram = static_cast<int>(R::I64(R::Field(jo, "max_ngram", "$.options"), "$.options.max_ngram"));
    if (o.max_ngram < 1 || o.max_ngram > 3) R::Fail("$.options.max_ngram is not 1, 2 or 3");
    // Aggregates saved before discovery existed have no sample.
    o.discovery_sample = 0;
    if (jo.contains("discovery_sample"))
      o.discovery_sample = R::U64(jo["discovery_sample"], "$.options.discovery_sample");

    Aggregate out(o);
    AggregateData& d = ImplOf(out);
    Reader r{o.period, &d.legacy_counts};
    const internal::CheckPeriod check = [&r](const std::string& id, const std::string& path) {
      r.CheckPeriod(id, path);
    };
    d.records = R::U64(R::Field(j, "records", "$"), "$.records");
    if (j.contains("sources")) {  // absent in files written before identities
      for (const Json& id : R::Arr(j["sources"], "$.sources")) {
        const std::string hex = R::Str(id, "$.sources");
        uint64_t v = 0;
        bool good = hex.size() == 16;
        for (char c : hex) {
          const int dgt = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
          if (dgt < 0) good = false;
          v = v << 4 | static_cast<uint64_t>(dgt & 15);
        }
        if (!good) R::Fail("$.sources: '" + hex.substr(0, 20) + "' is not 16 hex digits");
        d.sources.insert(v);
      }
    }
    d.totals = r.ReadCells(R::Field(j, "totals", "$"), "$.totals");
    uint64_t total = 0;
    for (const auto& [p, m] : d.totals)
      for (const auto& [ch, c] : m) total += c.volume;
    if (total != d.records) R::Fail("$.totals do not add up to $.records");
    if (j.contains("languages")) {  // absent in aggregates written before languages were counted
      uint64_t in_languages = 0;
      const Json& langs = R::Obj(j["languages"], "$.languages");
      for (auto l = langs.begin(); l != langs.end(); ++l) {
        const std::string p = "$.languages." + l.key();
        if (!IsLanguageCode(l.key())) R::Fail(p + ": not a language code");
        internal::LanguageCounts& lc = d.languages[l.key()];
        lc.records = R::U64(R::Field(l.value(), "n", p), p + ".n");
        lc.unscored = R::U64(R::Field(l.value(), "uns", p), p + ".uns");
        if (lc.unscored > lc.records) R::Fail(p + ": more unscored records than records");
        in_languages += lc.records;
      }
      if (in_languages != d.records) R::Fail("$.languages do not add up to $.records");
    } else if (d.records) {
      d.languages["und"].records = d.records;
    }
    const Json& themes = R::Obj(R::Field(j, "themes", "$"), "$.themes");
    for (auto t = themes.begin(); t != themes.end(); ++t) {
      const std::string p = "$.themes." + t.key();
      ThemeData& td = d.themes[t.key()];
      td.cells = r.ReadCells(R::Field(t.value(), "cells", p), p + ".cells");
      for (const Json& ow : R::Arr(R::Field(t.value(), "owners", p), p + ".owners")) {
        internal::OwnerKey k;
        k.department = R::Str(R::Field(ow, "department", p + ".owners"), p + ".owners.department");
        const std::string role = R::Str(R::Field(ow, "role", p + ".owners"), p + ".owners.role");
        k.role = -1;
        for (int i = 0; i <= static_cast<int>(ValueRole::kUnknown); ++i)
          if (role == ValueRoleName(static_cast<ValueRole>(i))) k.role = i;
        if (k.role < 0) R::Fail(p + ".owners: unknown role '" + role + "'");
        td.owners[k] += R::U64(R::Field(ow, "hits", p + ".owners"), p + ".owners.hits");
      }
      if (t.value().contains("sources")) {  // absent from aggregates saved before it
        const Json& src = R::Obj(t.value()["sources"], p + ".sources");
        for (auto s = src.begin(); s != src.end(); ++s)
          td.sources[s.key()] += R::U64(s.value(), p + ".sources." + s.key());
      }
      const size_t k = EvidenceLimit(o, t.key());
      td.negative_evidence =
          r.ReadEvidence(R::Field(t.value(), "evidence_negative", p), p + ".evidence_negative");
      td.other_evidence = r.ReadEvidence(R::Field(t.value(), "evidence_other", p), p + ".evidence_other");
      if (td.negative_evidence.size() > k || td.other_evidence.size() > k)
        R::Fail(p + ": more evidence candidates than the options keep");
      const Json& cust = R::Obj(R::Field(t.value(), "customers", p), p + ".customers");
      for (auto per = cust.begin(); per != cust.end(); ++per) {
        r.CheckPeriod(per.key(), p + ".customers");
        for (auto c = R::Obj(per.value(), p + ".customers." + per.key()).begin(); c != per.value().end(); ++c)
          td.customers[per.key()][c.key()] = R::U64(c.value(), p + ".customers");
      }
      if (auto b = t.value().find("score_buckets"); b != t.value().end())
        td.buckets = internal::ReadBuckets(*b, p + ".score_buckets", check);
      if (auto c = t.value().find("churn_customers"); c != t.value().end())
        td.churn_customers = internal::ReadChurn(*c, p + ".churn_customers", check);
      if (auto c = t.value().find("conversations"); c != t.value().end())
        td.conversations = internal::ReadConversations(*c, p + ".conversations", check);
    }
    if (auto c = j.find("conversations"); c != j.end()) {
      d.conversations = internal::ReadConversations(*c, "$.conversations", check);
      uint64_t n = 0;
      for (const auto& [per, cc] : d.conversations) n += cc.conversations;
      if (n > d.records) R::Fail("$.conversations: more conversations than $.records");
    }
    if (auto tf = j.find("totals_figures"); tf != j.end()) {
      const Json& f = R::Obj(*tf, "$.totals_figures");
      if (auto b = f.find("score_buckets"); b != f.end())
        d.total_buckets = internal::ReadBuckets(*b, "$.totals_figures.score_buckets", check);
      if (auto c = f.find("churn_customers"); c != f.end())
        d.churn_customers = internal::ReadChurn(*c, "$.totals_figures.churn_customers", check);
      if (auto pc = f.find("theme_pairs"); pc != f.end())
        d.theme_pairs = internal::ReadPairs(*pc, "$.totals_figures.theme_pairs", check);
    }
    if (bulk) {  // the phrase tables and the sample come from elsewhere
      bulk(&d, check);
      return out;
    }
    const Json& ph = R::Field(j, "phrases", "$");
    d.unclassified_ngrams =
        r.ReadNgrams(R::Field(ph, "unclassified", "$.phrases"), "$.phrases.unclassified", &d.phrases);
    d.all_ngrams = r.ReadNgrams(R::Field(ph, "all", "$.phrases"), "$.phrases.all", &d.phrases);
    d.unclassified_docs =
        r.ReadPeriodCounts(R::Field(ph, "unclassified_docs", "$.phrases"), "$.phrases.unclassified_docs");
    d.all_docs = r.ReadPeriodCounts(R::Field(ph, "all_docs", "$.phrases"), "$.phrases.all_docs");
    if (ph.contains("dropped")) d.ngrams_dropped = R::U64(ph["dropped"], "$.phrases.dropped");
    if (j.contains("sample")) {
      for (const Json& x : R::Arr(j["sample"], "$.sample")) {
        const std::string p = "$.sample[" + std::to_string(d.sample.size()) + "]";
        // 11 items: saved before the sample kept the score field.
        if (!x.is_array() || (x.size() != 11 && x.size() != 13)) R::Fail(p + " is not an array of 13 items");
        internal::SampleDoc s;
        s.hash = R::U64(x[0], p);
        s.id = R::Str(x[1], p);
        s.period = R::Str(x[2], p);
        if (s.period != kUndatedPeriod) r.CheckPeriod(s.period, p);
        s.channel = R::Str(x[3], p);
        s.polarity = static_cast<int>(R::I64(x[4], p));
        if (s.polarity < -1 || s.polarity > 1) R::Fail(p + ": polarity is not -1, 0 or 1");
        s.score_micros = R::I64(x[5], p);
        s.emotion_micros = R::I64(x[6], p);
        s.signals = static_cast<uint32_t>(R::U64(x[7], p));
        s.covered = R::Bool(x[8], p);
        s.terms = R::Str(x[9], p);
        s.snippet = R::Str(x[10], p);
        if (x.size() == 13) {
          const uint64_t rating = R::U64(x[11], p);
          if (rating > 2) R::Fail(p + ": the score state is not 0, 1 or 2");
          s.rating = static_cast<uint8_t>(rating);
          s.rating_milli = R::I64(x[12], p);
          if (s.rating != 1 ? s.rating_milli != 0 : (s.rating_milli < -1000000 || s.rating_milli > 1000000))
            R::Fail(p + ": the score is out of range for its state");
        }
        if (!d.sample.empty() && !internal::SampleLess(d.sample.back(), s))
          R::Fail(p + ": the sample is not sorted by hash and id");
        d.sample.push_back(std::move(s));
      }
      if (d.sample.size() > o.discovery_sample)
        R::Fail("$.sample: more records than options.discovery_sample");
    }
    return out;
  } catch (const std::exception& e) {
    return InvalidArgumentError(std::string("aggregate: ") + e.what());
  }
}

}  // namespace internal

}  // namespace voc
