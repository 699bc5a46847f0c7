// The economics and score-driver parts of an aggregate: every number is an
// integer sum (or a max), so merges stay exact.
#include "insight/aggregate_figures.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace voc {
namespace internal {

using Json = nlohmann::json;

void BucketStats::Add(const BucketStats& o) {
  n += o.n;
  sentiment_u += o.sentiment_u;
  score_n += o.score_n;
  score_milli += o.score_milli;
  nps_n += o.nps_n;
  promoters += o.promoters;
  detractors += o.detractors;
  csat_n += o.csat_n;
  csat_top += o.csat_top;
}

void FillFigures(const Analysis& a, const RecordFigures& f, Counts* c) {
  const bool avoidable = a.has_signal(Signal::kAvoidableContact);
  const bool repeat = a.has_signal(Signal::kRepeatContact);
  c->costly = avoidable || repeat;
  const double s = std::isfinite(a.sentiment.score) ? std::clamp(a.sentiment.score, -1.0, 1.0) : 0.0;
  const int64_t sm = std::llround(s * 1e3);
  c->sentiment_sq = static_cast<uint64_t>(sm * sm);
  if (f.value && a.has_signal(Signal::kChurnRisk) && std::isfinite(*f.value) && *f.value >= 0 &&
      *f.value <= 1e9) {
    c->churn_valued = 1;
    c->churn_value_cents = std::llround(*f.value * 100.0);
  }
  if (f.value_invalid) c->value_invalid = 1;
  if (f.score && std::isfinite(*f.score) && std::fabs(*f.score) <= 1000.0) {
    const double x = *f.score;
    const int64_t m = std::llround(x * 1e3);
    c->score_n = 1;
    c->score_milli = m;
    c->score_sq = static_cast<uint64_t>(m * m);
    if (m % 1000 == 0 && m >= 0 && m <= 10000) c->score_int[m / 1000] = 1;
  } else if (f.score || f.score_invalid) {
    c->score_invalid = 1;
  }
}

int ScoreBucket(std::string_view id) {
  uint64_t h = ContentHash(id, "bucket");
  // splitmix64 finalizer: FNV's low bits are weak for short numeric ids.
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ULL;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebULL;
  h ^= h >> 31;
  return static_cast<int>(h % kScoreBuckets);
}

BucketStats ToBucket(const Counts& c) {
  BucketStats b;
  b.n = c.volume;
  b.sentiment_u = c.score_micros;
  b.score_n = c.score_n;
  b.score_milli = c.score_milli;
  for (int i = 0; i <= 10; ++i) {
    b.nps_n += c.score_int[i];
    if (i >= 9) b.promoters += c.score_int[i];
    if (i <= 6) b.detractors += c.score_int[i];
    if (i >= 1 && i <= 5) b.csat_n += c.score_int[i];
    if (i >= 4 && i <= 5) b.csat_top += c.score_int[i];
  }
  return b;
}

void AddChurnCustomer(std::map<std::string, int64_t>* m, const std::string& customer, int64_t cents) {
  auto [it, inserted] = m->emplace(customer, cents);
  if (!inserted) it->second = std::max(it->second, cents);
}

void MergeBuckets(Buckets* into, const Buckets& from, const PeriodKey& key) {
  for (const auto& [p, m] : from) {
    auto& to = (*into)[key(p)];
    for (const auto& [b, s] : m) to[b].Add(s);
  }
}

void MergeChurn(ChurnCustomers* into, const ChurnCustomers& from, const PeriodKey& key) {
  for (const auto& [p, m] : from) {
    auto& to = (*into)[key(p)];
    for (const auto& [c, v] : m) AddChurnCustomer(&to, c, v);
  }
}

void MergePairs(PairCounts* into, const PairCounts& from, const PeriodKey& key) {
  for (const auto& [p, m] : from) {
    auto& to = (*into)[key(p)];
    for (const auto& [k, n] : m) {
      to[k][0] += n[0];
      to[k][1] += n[1];
    }
  }
}

// ---- JSON -----------------------------------------------------------------------

void FiguresToJson(const Counts& c, Json* out) {
  Json& o = *out;
  if (c.costly) o["costly"] = c.costly;
  if (c.churn_valued) o["churn_valued"] = c.churn_valued;
  if (c.churn_value_cents) o["churn_value_c"] = c.churn_value_cents;
  if (c.sentiment_sq) o["score_sq_m"] = c.sentiment_sq;
  if (c.score_n) {
    o["rating_n"] = c.score_n;
    o["rating_m"] = c.score_milli;
    o["rating_sq_m"] = c.score_sq;
    bool any = false;
    for (uint64_t x : c.score_int) any = any || x;
    if (any) o["rating_int"] = c.score_int;
  }
  if (c.score_invalid) o["rating_invalid"] = c.score_invalid;
  if (c.value_invalid) o["value_invalid"] = c.value_invalid;
}

namespace {

[[noreturn]] void Fail(const std::string& what) { throw std::runtime_error(what); }

uint64_t U64(const Json& v, const std::string& path) {
  if (!v.is_number_unsigned() && !(v.is_number_integer() && v.get<int64_t>() >= 0))
    Fail(path + " is not a non-negative integer");
  return v.get<uint64_t>();
}

int64_t I64(const Json& v, const std::string& path) {
  if (!v.is_number_integer()) Fail(path + " is not an integer");
  if (v.is_number_unsigned() && v.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX))
    Fail(path + " is out of range");
  return v.get<int64_t>();
}

uint64_t OptU64(const Json& v, const char* key, const std::string& path) {
  auto it = v.find(key);
  return it == v.end() ? 0 : U64(*it, path + "." + key);
}

int64_t OptI64(const Json& v, const char* key, const std::string& path) {
  auto it = v.find(key);
  return it == v.end() ? 0 : I64(*it, path + "." + key);
}

const Json& Obj(const Json& v, const std::string& path) {
  if (!v.is_object()) Fail(path + " is not an object");
  return v;
}

}  // namespace

void ReadFigures(const Json& v, const std::string& path, Counts* c, bool* legacy) {
  c->costly = OptU64(v, "costly", path);
  if (v.find("costly") == v.end() && (c->signals[static_cast<int>(Signal::kAvoidableContact)] ||
                                      c->signals[static_cast<int>(Signal::kRepeatContact)]))
    *legacy = true;
  c->churn_valued = OptU64(v, "churn_valued", path);
  c->churn_value_cents = OptI64(v, "churn_value_c", path);
  c->sentiment_sq = OptU64(v, "score_sq_m", path);
  c->score_n = OptU64(v, "rating_n", path);
  c->score_milli = OptI64(v, "rating_m", path);
  c->score_sq = OptU64(v, "rating_sq_m", path);
  c->score_invalid = OptU64(v, "rating_invalid", path);
  c->value_invalid = OptU64(v, "value_invalid", path);
  auto it = v.find("rating_int");
  uint64_t ints = 0;
  if (it != v.end()) {
    if (!it->is_array() || it->size() != 11) Fail(path + ".rating_int is not an array of 11");
    for (int i = 0; i <= 10; ++i) ints += c->score_int[i] = U64((*it)[i], path + ".rating_int");
  }
  const uint64_t cap = std::min<uint64_t>(c->volume, 1ULL << 40);
  if (c->costly > c->volume || c->churn_valued > c->volume || c->score_n > c->volume ||
      c->score_invalid > c->volume || c->value_invalid > c->volume || ints > c->score_n ||
      c->score_n + c->score_invalid > c->volume)
    Fail(path + ": a score or value count exceeds n");
  // Per record: a value <= 1e11 cents, |score| <= 1e6 milli, squares <= 1e12
  // and sentiment squares <= 1e6 (divisions: the products could overflow).
  if (c->churn_value_cents < 0 ||
      static_cast<uint64_t>(c->churn_value_cents) / 100000000000ULL > c->churn_valued ||
      c->score_milli > static_cast<int64_t>(cap) * 1000000 ||
      c->score_milli < -static_cast<int64_t>(cap) * 1000000 || c->score_sq / 1000000000000ULL > c->score_n ||
      c->sentiment_sq / 1000000ULL > cap)
    Fail(path + ": score or value sums out of range for n");
}

Json BucketsToJson(const Buckets& b) {
  Json out = Json::object();
  for (const auto& [p, m] : b) {
    Json per = Json::object();
    for (const auto& [k, s] : m)
      per[std::to_string(k)] = {s.n,         s.sentiment_u, s.score_n, s.score_milli, s.nps_n,
                                s.promoters, s.detractors,  s.csat_n,  s.csat_top};
    out[p] = per;
  }
  return out;
}

Json ChurnToJson(const ChurnCustomers& c) {
  Json out = Json::object();
  for (const auto& [p, m] : c) out[p] = m;
  return out;
}

Json PairsToJson(const PairCounts& pc) {
  Json out = Json::object();
  for (const auto& [p, m] : pc) {
    Json per = Json::object();
    for (const auto& [k, n] : m) per[k] = {n[0], n[1]};
    out[p] = per;
  }
  return out;
}

Buckets ReadBuckets(const Json& v, const std::string& path, const CheckPeriod& check) {
  Buckets out;
  for (auto p = Obj(v, path).begin(); p != v.end(); ++p) {
    check(p.key(), path);
    const std::string pp = path + "." + p.key();
    for (auto b = Obj(p.value(), pp).begin(); b != p.value().end(); ++b) {
      const std::string bp = pp + "." + b.key();
      int k = -1;
      if (b.key().size() <= 3 && !b.key().empty() &&
          b.key().find_first_not_of("0123456789") == std::string::npos)
        k = std::stoi(b.key());
      if (k < 0 || k >= kScoreBuckets) Fail(bp + ": not a bucket number");
      const Json& a = b.value();
      if (!a.is_array() || a.size() != 9) Fail(bp + " is not an array of 9 integers");
      BucketStats s;
      s.n = U64(a[0], bp);
      s.sentiment_u = I64(a[1], bp);
      s.score_n = U64(a[2], bp);
      s.score_milli = I64(a[3], bp);
      s.nps_n = U64(a[4], bp);
      s.promoters = U64(a[5], bp);
      s.detractors = U64(a[6], bp);
      s.csat_n = U64(a[7], bp);
      s.csat_top = U64(a[8], bp);
      const uint64_t cap = std::min<uint64_t>(s.n, 1ULL << 40);
      if (s.score_n > s.n || s.nps_n > s.score_n || s.promoters + s.detractors > s.nps_n ||
          s.csat_n > s.score_n || s.csat_top > s.csat_n ||
          s.sentiment_u > static_cast<int64_t>(cap) * 1000000 ||
          s.sentiment_u < -static_cast<int64_t>(cap) * 1000000 ||
          s.score_milli > static_cast<int64_t>(cap) * 1000000 ||
          s.score_milli < -static_cast<int64_t>(cap) * 1000000)
        Fail(bp + ": counts out of range");
      out[p.key()][k] = s;
    }
  }
  return out;
}

ChurnCustomers ReadChurn(const Json& v, const std::string& path, const CheckPeriod& check) {
  ChurnCustomers out;
  for (auto p = Obj(v, path).begin(); p != v.end(); ++p) {
    check(p.key(), path);
    const std::string pp = path + "." + p.key();
    for (auto c = Obj(p.value(), pp).begin(); c != p.value().end(); ++c) {
      const int64_t x = I64(c.value(), pp);
      if (x < -1 || x > 100000000000LL) Fail(pp + ": a customer value out of range");
      out[p.key()][c.key()] = x;
    }
  }
  return out;
}

PairCounts ReadPairs(const Json& v, const std::string& path, const CheckPeriod& check) {
  PairCounts out;
  for (auto p = Obj(v, path).begin(); p != v.end(); ++p) {
    check(p.key(), path);
    const std::string pp = path + "." + p.key();
    for (auto k = Obj(p.value(), pp).begin(); k != p.value().end(); ++k) {
      const Json& a = k.value();
      if (!a.is_array() || a.size() != 2) Fail(pp + ": a pair count is not [n, scored]");
      const uint64_t n = U64(a[0], pp), s = U64(a[1], pp);
      if (s > n) Fail(pp + ": scored pairs exceed pairs");
      if (k.key().find('\x1f') == std::string::npos) Fail(pp + ": a pair key without separator");
      out[p.key()][k.key()] = {n, s};
    }
  }
  return out;
}

}  // namespace internal
}  // namespace voc
