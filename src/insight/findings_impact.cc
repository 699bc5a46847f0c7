// Drivers of a score: each theme's leave-one-out impact with a deterministic
// bucket bootstrap interval, and Johnson's relative weights of the theme
// indicators (voc/economics.h).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "insight/findings_economics.h"

namespace voc {
namespace internal {
namespace {

// What a score needs of a set of records.
struct Score {
  ScoreKind kind = ScoreKind::kMean;
  bool sentiment = true;

  double Count(const BucketStats& s) const {
    if (sentiment) return static_cast<double>(s.n);
    switch (kind) {
      case ScoreKind::kNps:
        return static_cast<double>(s.nps_n);
      case ScoreKind::kCsat:
        return static_cast<double>(s.csat_n);
      default:
        return static_cast<double>(s.score_n);
    }
  }
  // Sum of the per-record score (NPS: +100 / 0 / -100; CSAT: 100 / 0).
  double Sum(const BucketStats& s) const {
    if (sentiment) return static_cast<double>(s.sentiment_u) / 1e6;
    switch (kind) {
      case ScoreKind::kNps:
        return 100.0 * (static_cast<double>(s.promoters) - static_cast<double>(s.detractors));
      case ScoreKind::kCsat:
        return 100.0 * static_cast<double>(s.csat_top);
      default:
        return static_cast<double>(s.score_milli) / 1e3;
    }
  }
  bool Of(const BucketStats& s, double* out) const {
    const double n = Count(s);
    if (n <= 0) return false;
    *out = Sum(s) / n;
    return true;
  }

  // The (at most three) fields Count and Sum read, as 64-bit lanes: what a
  // bootstrap resample needs to add, a third of BucketStats or less. Signed
  // sums wrap in their lane, exactly as int64 adds.
  struct Lanes {
    uint64_t count = 0, a = 0, b = 0;
  };
  bool SignedSum() const { return sentiment || (kind != ScoreKind::kNps && kind != ScoreKind::kCsat); }
  Lanes Pick(const BucketStats& s) const {
    if (sentiment) return {s.n, static_cast<uint64_t>(s.sentiment_u), 0};
    switch (kind) {
      case ScoreKind::kNps:
        return {s.nps_n, s.promoters, s.detractors};
      case ScoreKind::kCsat:
        return {s.csat_n, s.csat_top, 0};
      default:
        return {s.score_n, static_cast<uint64_t>(s.score_milli), 0};
    }
  }
  // Of(Minus(x, y)) for the stats whose lanes are x and y.
  bool OfMinus(const Lanes& x, const Lanes& y, double* out) const {
    BucketStats s;
    const uint64_t count = x.count - std::min(x.count, y.count);
    const uint64_t a = SignedSum() ? x.a - y.a : x.a - std::min(x.a, y.a);
    const uint64_t b = x.b - std::min(x.b, y.b);
    if (sentiment) {
      s.n = count;
      s.sentiment_u = static_cast<int64_t>(a);
    } else if (kind == ScoreKind::kNps) {
      s.nps_n = count;
      s.promoters = a;
      s.detractors = b;
    } else if (kind == ScoreKind::kCsat) {
      s.csat_n = count;
      s.csat_top = a;
    } else {
      s.score_n = count;
      s.score_milli = static_cast<int64_t>(a);
    }
    return Of(s, out);
  }
};

BucketStats Minus(const BucketStats& a, const BucketStats& b) {
  BucketStats r;
  r.n = a.n - std::min(a.n, b.n);
  r.sentiment_u = a.sentiment_u - b.sentiment_u;
  r.score_n = a.score_n - std::min(a.score_n, b.score_n);
  r.score_milli = a.score_milli - b.score_milli;
  r.nps_n = a.nps_n - std::min(a.nps_n, b.nps_n);
  r.promoters = a.promoters - std::min(a.promoters, b.promoters);
  r.detractors = a.detractors - std::min(a.detractors, b.detractors);
  r.csat_n = a.csat_n - std::min(a.csat_n, b.csat_n);
  r.csat_top = a.csat_top - std::min(a.csat_top, b.csat_top);
  return r;
}

using BucketArray = std::vector<BucketStats>;

BucketArray SumBuckets(const Buckets& b, const std::set<std::string>& scope) {
  BucketArray out(kScoreBuckets);
  for (const auto& [p, m] : b)
    if (scope.count(p))
      for (const auto& [k, s] : m) out[k].Add(s);
  return out;
}

BucketStats Total(const BucketArray& a) {
  BucketStats t;
  for (const BucketStats& s : a) t.Add(s);
  return t;
}

// Deterministic generator: splitmix64.
uint64_t SplitMix(uint64_t* state) {
  uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// The q-quantile of `v` (linear interpolation between the order statistics
// around it, as over the sorted values); reorders v.
double Percentile(std::vector<double>& v, double q) {
  const double pos = q * static_cast<double>(v.size() - 1);
  const size_t i = static_cast<size_t>(std::floor(pos));
  if (i + 1 >= v.size()) return *std::max_element(v.begin(), v.end());
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(i), v.end());
  const double next = *std::min_element(v.begin() + static_cast<std::ptrdiff_t>(i) + 1, v.end());
  const double f = pos - static_cast<double>(i);
  return v[i] * (1 - f) + next * f;
}

double Round(double x, double scale = 1e4) { return std::round(x * scale) / scale; }

std::string Num(double x, const char* fmt = "%.2f") {
  char buf[48];
  std::snprintf(buf, sizeof buf, fmt, x);
  return buf;
}

// Eigen-decomposition of a symmetric matrix by cyclic Jacobi rotations:
// a = v diag(w) v'.
void Jacobi(std::vector<double> a, size_t n, std::vector<double>* w, std::vector<double>* v) {
  v->assign(n * n, 0.0);
  for (size_t i = 0; i < n; ++i) (*v)[i * n + i] = 1.0;
  for (int sweep = 0; sweep < 100; ++sweep) {
    double off = 0;
    for (size_t i = 0; i < n; ++i)
      for (size_t j = i + 1; j < n; ++j) off += a[i * n + j] * a[i * n + j];
    if (off < 1e-22) break;
    for (size_t p = 0; p < n; ++p)
      for (size_t q = p + 1; q < n; ++q) {
        const double apq = a[p * n + q];
        if (std::fabs(apq) < 1e-300) continue;
        const double theta = (a[q * n + q] - a[p * n + p]) / (2.0 * apq);
        const double t = (theta >= 0 ? 1.0 : -1.0) / (std::fabs(theta) + std::sqrt(theta * theta + 1.0));
        const double c = 1.0 / std::sqrt(t * t + 1.0), s = t * c;
        for (size_t k = 0; k < n; ++k) {
          const double akp = a[k * n + p], akq = a[k * n + q];
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (size_t k = 0; k < n; ++k) {
          const double apk = a[p * n + k], aqk = a[q * n + k];
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (size_t k = 0; k < n; ++k) {
          const double vkp = (*v)[k * n + p], vkq = (*v)[k * n + q];
          (*v)[k * n + p] = c * vkp - s * vkq;
          (*v)[k * n + q] = s * vkp + c * vkq;
        }
      }
  }
  w->resize(n);
  for (size_t i = 0; i < n; ++i) (*w)[i] = a[i * n + i];
}

}  // namespace

// Johnson's (2000) relative weights from a correlation matrix `rxx` (n x n)
// and the correlations `rxy` of the predictors with the outcome: raw weights
// eps_j = sum_k lambda_jk^2 beta_k^2 with lambda = rxx^(1/2) and
// beta = lambda^-1 rxy; they sum to the R^2 of the regression.
std::vector<double> RelativeWeights(const std::vector<double>& rxx, const std::vector<double>& rxy,
                                    size_t n) {
  std::vector<double> w, v;
  Jacobi(rxx, n, &w, &v);
  std::vector<double> lam(n * n, 0.0), lam_inv(n * n, 0.0);
  for (size_t i = 0; i < n; ++i)
    for (size_t j = 0; j < n; ++j) {
      double s = 0, si = 0;
      for (size_t k = 0; k < n; ++k) {
        const double e = std::max(w[k], 0.0);
        s += v[i * n + k] * std::sqrt(e) * v[j * n + k];
        if (e > 1e-10) si += v[i * n + k] / std::sqrt(e) * v[j * n + k];
      }
      lam[i * n + j] = s;
      lam_inv[i * n + j] = si;
    }
  std::vector<double> beta(n, 0.0);
  for (size_t i = 0; i < n; ++i)
    for (size_t j = 0; j < n; ++j) beta[i] += lam_inv[i * n + j] * rxy[j];
  std::vector<double> eps(n, 0.0);
  for (size_t j = 0; j < n; ++j)
    for (size_t k = 0; k < n; ++k) eps[j] += lam[j * n + k] * lam[j * n + k] * beta[k] * beta[k];
  return eps;
}

void SortDrivers(std::vector<Driver>* drivers) {
  std::stable_sort(drivers->begin(), drivers->end(), [](const Driver& a, const Driver& b) {
    if (a.impact.valid != b.impact.valid) return a.impact.valid;
    return a.impact.impact < b.impact.impact;
  });
}

void AddImpact(const AggregateData& d, Findings* out) {
  const FindingsOptions& o = out->options;
  std::set<std::string> scope(out->periods.begin(), out->periods.end());
  scope.insert(kUndatedPeriod);
  ScoreSummary& sum = out->score;

  // The scope's totals, to choose the score.
  Counts all_cells;
  for (const auto& [p, m] : d.totals)
    if (scope.count(p))
      for (const auto& [ch, c] : m) all_cells.Add(c);
  const bool has_scores = all_cells.score_n + all_cells.score_invalid > 0;
  Score sc;
  sc.sentiment = o.score_name.empty() && !has_scores;
  sum.from_sentiment = sc.sentiment;
  sum.name = sc.sentiment ? "sentiment" : (o.score_name.empty() ? "score" : o.score_name);
  sum.invalid = all_cells.score_invalid;
  if (sc.sentiment) {
    sc.kind = ScoreKind::kMean;
  } else if (o.score_kind != ScoreKind::kAuto) {
    sc.kind = o.score_kind;
  } else {
    // auto: integers 0..10 with some above 5: NPS; integers 1..5 (not all
    // 1): CSAT; anything else (e.g. 0/1 flags, decimals): mean.
    uint64_t ints = 0, above5 = 0, zero = all_cells.score_int[0], top = 0;
    for (int i = 0; i <= 10; ++i) {
      ints += all_cells.score_int[i];
      if (i > 5) above5 += all_cells.score_int[i];
      if (i > 1 && i <= 5) top += all_cells.score_int[i];
    }
    const bool integral = all_cells.score_n > 0 && ints == all_cells.score_n;
    sc.kind = integral && above5         ? ScoreKind::kNps
              : integral && !zero && top ? ScoreKind::kCsat
                                         : ScoreKind::kMean;
  }
  sum.kind = sc.kind;
  sum.bootstrap_samples = std::max(0, o.bootstrap_samples);

  const BucketArray all_b = SumBuckets(d.total_buckets, scope);
  const BucketStats all = Total(all_b);
  sum.n = static_cast<uint64_t>(sc.Count(all));
  if (!sc.sentiment && sc.kind != ScoreKind::kMean) sum.out_of_range = all.score_n - sum.n;
  sc.Of(all, &sum.score);
  sum.score = Round(sum.score);
  const char* unit = sc.sentiment ? "" : sc.kind == ScoreKind::kMean ? "" : " points";
  const std::string what =
      sc.sentiment ? "mean sentiment score (-1..1; no score column given)"
      : sc.kind == ScoreKind::kNps
          ? "NPS of " + sum.name + " (100 x (promoters 9-10 - detractors 0-6) / answers 0-10)"
      : sc.kind == ScoreKind::kCsat ? "CSAT of " + sum.name + " (100 x answers 4-5 / answers 1-5)"
                                    : "mean of " + sum.name;
  sum.method = "Score: " + what +
               ". Impact of a theme = score of all records - score of the "
               "records without the theme (leave-one-out; negative: the theme drags the score "
               "down), over the window and undated records; 95% interval: percentile bootstrap, " +
               std::to_string(sum.bootstrap_samples) + " resamples of " + std::to_string(kScoreBuckets) +
               " record buckets (bucket = hash of the record id, "
               "fixed seed). Relative importance: Johnson's relative weights of the theme "
               "indicators in a least-squares regression of the per-record score; they split R^2.";
  if (!o.score_name.empty() && !has_scores)
    out->warnings.push_back("score column '" + o.score_name +
                            "': no record has a value; using the sentiment score");
  if (sum.invalid)
    out->warnings.push_back(std::to_string(sum.invalid) + " records had a " + sum.name +
                            " that is not a number in [-1000, 1000]; left out of the score");
  if (sum.out_of_range)
    out->warnings.push_back(std::to_string(sum.out_of_range) + " numeric " + sum.name +
                            " values are outside the " + ScoreKindName(sc.kind) +
                            " scale; left out of the score");
  if (sum.n == 0) return;

  // The bootstrap draws: the same for every theme.
  const int R = sum.bootstrap_samples;
  std::vector<uint8_t> draws(static_cast<size_t>(R) * kScoreBuckets);
  uint64_t state = 0x766f632d64726976ULL;  // "voc-driv"
  for (uint8_t& x : draws) x = static_cast<uint8_t>(SplitMix(&state) % kScoreBuckets);

  // Each resample's sum over all records, the same for every theme; a
  // theme's resample adds its own buckets the same way (integer sums: the
  // order of the additions does not change them).
  // Only the fields the score reads are added (Score::Lanes).
  auto add = [](Score::Lanes* to, const Score::Lanes& o) {
    to->count += o.count;
    to->a += o.a;
    to->b += o.b;
  };
  auto lanes = [&sc](const BucketArray& b) {
    std::vector<Score::Lanes> out;
    for (const BucketStats& s : b) out.push_back(sc.Pick(s));
    return out;
  };
  const std::vector<Score::Lanes> all_l = lanes(all_b);
  std::vector<Score::Lanes> resample_all(static_cast<size_t>(R));
  for (int r = 0; r < R; ++r)
    for (int k = 0; k < kScoreBuckets; ++k)
      add(&resample_all[r], all_l[draws[static_cast<size_t>(r) * kScoreBuckets + k]]);

  std::map<std::string, Impact> impacts;
  std::vector<std::string> reg_themes;
  for (const auto& [theme, td] : d.themes) {
    if (theme == kUnclassifiedTheme) continue;
    const BucketArray tb = SumBuckets(td.buckets, scope);
    const BucketStats t = Total(tb);
    Impact im;
    im.n = static_cast<uint64_t>(sc.Count(t));
    if (im.n == 0) continue;
    const BucketStats rest = Minus(all, t);
    double st = 0, sr = 0;
    sc.Of(t, &st);
    im.theme_score = Round(st);
    if (!sc.Of(rest, &sr)) {
      im.why = "every scored record has this theme: no leave-one-out";
      impacts[theme] = im;
      continue;
    }
    im.valid = true;
    im.without = Round(sr);
    im.impact = Round(sum.score - sr);
    std::vector<double> reps;
    reps.reserve(R);
    const std::vector<Score::Lanes> tl = lanes(tb);
    for (int r = 0; r < R; ++r) {
      const Score::Lanes& ra = resample_all[r];
      Score::Lanes rt;
      for (int k = 0; k < kScoreBuckets; ++k) add(&rt, tl[draws[static_cast<size_t>(r) * kScoreBuckets + k]]);
      double sa = 0, sw = 0;
      if (sc.OfMinus(ra, Score::Lanes(), &sa) && sc.OfMinus(ra, rt, &sw)) reps.push_back(sa - sw);
    }
    if (reps.size() >= 20) {
      im.ci_low = Round(Percentile(reps, 0.025));
      im.ci_high = Round(Percentile(reps, 0.975));
    } else {
      im.ci_low = im.ci_high = im.impact;
    }
    impacts[theme] = im;
    if (im.n < sum.n) reg_themes.push_back(theme);
  }

  // Relative weights over the most frequent themes (at most 150).
  std::stable_sort(reg_themes.begin(), reg_themes.end(),
                   [&](const auto& a, const auto& b) { return impacts[a].n > impacts[b].n; });
  if (reg_themes.size() > 150) reg_themes.resize(150);
  if (!o.relative_weights) reg_themes.clear();
  std::sort(reg_themes.begin(), reg_themes.end());
  const size_t n = reg_themes.size();
  if (n > 0) {
    // Population: scored records; y: the per-record score.
    const double N =
        sc.sentiment ? static_cast<double>(all_cells.volume) : static_cast<double>(all_cells.score_n);
    double sy = 0, syy = 0;
    if (sc.sentiment) {
      sy = static_cast<double>(all_cells.score_micros) / 1e6;
      syy = static_cast<double>(all_cells.sentiment_sq) / 1e6;
    } else if (sc.kind == ScoreKind::kMean) {
      sy = static_cast<double>(all_cells.score_milli) / 1e3;
      syy = static_cast<double>(all_cells.score_sq) / 1e6;
    } else {
      const BucketStats b = all;
      sy = sc.Sum(b);
      syy = sc.kind == ScoreKind::kNps ? 1e4 * static_cast<double>(b.promoters + b.detractors)
                                       : 1e4 * static_cast<double>(b.csat_top);
    }
    const double my = sy / N, vy = syy / N - my * my;
    std::vector<double> p(n), rxy(n), rxx(n * n, 0.0);
    std::vector<bool> keep(n, true);
    for (size_t i = 0; i < n; ++i) {
      const ThemeData& td = d.themes.at(reg_themes[i]);
      Counts c;
      for (const auto& [per, m] : td.cells)
        if (scope.count(per))
          for (const auto& [ch, x] : m) c.Add(x);
      const BucketStats tb = Total(SumBuckets(td.buckets, scope));
      const double ni = sc.sentiment ? static_cast<double>(c.volume) : static_cast<double>(c.score_n);
      const double siy = sc.sentiment                  ? static_cast<double>(c.score_micros) / 1e6
                         : sc.kind == ScoreKind::kMean ? static_cast<double>(c.score_milli) / 1e3
                                                       : sc.Sum(tb);
      p[i] = ni / N;
      const double vx = p[i] * (1 - p[i]);
      keep[i] = vx > 0 && vy > 0;
      rxy[i] = keep[i] ? (siy / N - p[i] * my) / std::sqrt(vx * vy) : 0.0;
      rxx[i * n + i] = 1.0;
    }
    std::map<std::string, size_t> index;
    for (size_t i = 0; i < n; ++i) index[reg_themes[i]] = i;
    std::vector<double> nij(n * n, 0.0);
    for (const auto& [per, m] : d.theme_pairs) {
      if (!scope.count(per)) continue;
      for (const auto& [key, cnt] : m) {
        const size_t sep = key.find('\x1f');
        auto a = index.find(key.substr(0, sep)), b = index.find(key.substr(sep + 1));
        if (a == index.end() || b == index.end()) continue;
        const double x = static_cast<double>(sc.sentiment ? cnt[0] : cnt[1]);
        nij[a->second * n + b->second] += x;
        nij[b->second * n + a->second] += x;
      }
    }
    for (size_t i = 0; i < n; ++i)
      for (size_t j = 0; j < n; ++j) {
        if (i == j || !keep[i] || !keep[j]) continue;
        const double cov = nij[i * n + j] / N - p[i] * p[j];
        rxx[i * n + j] = cov / std::sqrt(p[i] * (1 - p[i]) * p[j] * (1 - p[j]));
      }
    const std::vector<double> eps = RelativeWeights(rxx, rxy, n);
    double r2 = 0;
    for (double e : eps) r2 += e;
    sum.r2 = Round(r2, 1e6);
    for (size_t i = 0; i < n; ++i) impacts[reg_themes[i]].relative_weight = r2 > 0 ? Round(eps[i] / r2) : 0.0;
  }

  // Texts, the drivers table and the findings' impacts.
  for (auto& [theme, im] : impacts) {
    if (im.valid) {
      const std::string name = sc.sentiment ? "mean sentiment"
                               : std::string(ScoreKindName(sc.kind)) == "mean"
                                   ? "mean " + sum.name
                                   : std::string(sc.kind == ScoreKind::kNps ? "NPS" : "CSAT");
      im.why = name + " " + Num(im.theme_score) + " on its " + std::to_string(im.n) + " scored records; " +
               Num(im.without) + " without them vs " + Num(sum.score) + " for all: impact " + Num(im.impact) +
               unit + " (95% interval " + Num(im.ci_low) + " to " + Num(im.ci_high) + ")";
      if (im.relative_weight > 0)
        im.why += "; " + Num(100 * im.relative_weight, "%.1f") + "% of the R^2 " + Num(sum.r2, "%.3f") +
                  " (relative weights)";
    }
    Driver dr;
    dr.theme = theme;
    auto td = d.themes.find(theme);
    uint64_t best = 0;
    for (const auto& [k, hits] : td->second.owners)
      if (!k.department.empty() && hits > best) {
        best = hits;
        dr.department = k.department;
      }
    dr.impact = im;
    out->drivers.push_back(std::move(dr));
  }
  SortDrivers(&out->drivers);
  for (Finding& f : out->findings) {
    auto it = impacts.find(f.theme);
    if (it != impacts.end()) f.impact = it->second;
  }
}

}  // namespace internal
}  // namespace voc
