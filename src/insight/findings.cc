#include "voc/findings.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <map>
#include <set>
#include <unordered_map>
#include <string>
#include <string_view>

#include "insight/aggregate_data.h"
#include "insight/findings_economics.h"
#include "insight/findings_history.h"
#include "voc/discovery.h"
#include "voc/language.h"

namespace voc {

using internal::Counts;
using internal::Evidence;
using internal::ThemeData;

namespace {

constexpr int kMaxWindow = 1000;

// P(X >= k) for X ~ Poisson(lambda).
double PoissonUpper(uint64_t k, double lambda) {
  if (k == 0) return 1.0;
  if (lambda <= 0.0) return 0.0;
  const double kd = static_cast<double>(k);
  if (kd > lambda) {
    // Sum the upper tail from k; terms shrink by lambda / (i + 1) < 1.
    double log_term = -lambda + kd * std::log(lambda) - std::lgamma(kd + 1.0);
    double term = std::exp(log_term), sum = 0.0;
    if (term == 0.0) return 0.0;  // below the smallest double
    for (double i = kd; i < kd + 100000.0; i += 1.0) {
      sum += term;
      term *= lambda / (i + 1.0);
      if (term <= sum * 1e-17) break;
    }
    return std::min(1.0, sum);
  }
  // Lower tail P(X < k) is the smaller side here.
  double term = std::exp(-lambda), sum = 0.0;
  for (uint64_t i = 0; i < k; ++i) {
    sum += term;
    term *= lambda / static_cast<double>(i + 1);
  }
  return std::clamp(1.0 - sum, 0.0, 1.0);
}

// Chi-square (1 df) critical value for `alpha`: p = erfc(sqrt(x / 2)).
double ChiSquare1Critical(double alpha) {
  double lo = 0.0, hi = 1000.0;
  for (int i = 0; i < 200; ++i) {
    const double mid = 0.5 * (lo + hi);
    if (std::erfc(std::sqrt(mid / 2.0)) > alpha)
      lo = mid;
    else
      hi = mid;
  }
  return hi;
}

// Log-likelihood ratio G2 of a 2x2 table [[a, b], [c, d]].
double G2(double a, double b, double c, double d) {
  const double n = a + b + c + d;
  if (n <= 0) return 0.0;
  auto term = [n](double o, double row, double col) {
    if (o <= 0) return 0.0;
    const double e = row * col / n;
    return o * std::log(o / e);
  };
  return 2.0 *
         (term(a, a + b, a + c) + term(b, a + b, b + d) + term(c, c + d, a + c) + term(d, c + d, b + d));
}

double Quantile(std::vector<double> v, double q) {
  if (v.empty()) return 0.0;
  std::sort(v.begin(), v.end());
  q = std::clamp(q, 0.0, 1.0);
  const double pos = q * static_cast<double>(v.size() - 1);
  const size_t i = static_cast<size_t>(std::floor(pos));
  const double f = pos - static_cast<double>(i);
  if (i + 1 >= v.size()) return v.back();
  return v[i] * (1.0 - f) + v[i + 1] * f;
}

double Ratio(double a, double b) { return b > 0 ? a / b : 0.0; }

// Rounds for output: keeps results readable and free of last-bit noise.
double Round(double x, double scale = 1e6) { return std::round(x * scale) / scale; }

std::string Pct(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, x >= 0.1 || x == 0 ? "%.0f%%" : "%.1f%%", 100.0 * x);
  return buf;
}

std::string Num(double x, const char* fmt = "%.1f") {
  char buf[32];
  std::snprintf(buf, sizeof buf, fmt, x);
  return buf;
}

std::string PValue(double p) {
  char buf[32];
  if (p < 1e-4)
    std::snprintf(buf, sizeof buf, "%.1e", p);
  else
    std::snprintf(buf, sizeof buf, "%.4f", p);
  return buf;
}

Counts SumChannels(const std::map<std::string, Counts>& m) {
  Counts c;
  for (const auto& [ch, x] : m) c.Add(x);
  return c;
}

// The conversation figures of `cells` over the periods in `scope`; none
// when no conversation of `cells` is in scope, unless `always`.
std::optional<ConversationFigures> FiguresOf(const internal::ConversationCells& cells,
                                             const std::set<std::string>& scope, bool always) {
  internal::ConversationCounts c;
  for (const auto& [p, x] : cells)
    if (scope.count(p)) c.Add(x);
  if (c.conversations == 0 && !always) return std::nullopt;
  ConversationFigures f;
  const double n = static_cast<double>(c.conversations);
  f.conversations = c.conversations;
  f.turns = c.turns;
  f.share_resolved = Round(Ratio(static_cast<double>(c.resolved), n));
  f.share_unresolved = Round(Ratio(static_cast<double>(c.unresolved), n));
  if (c.with_trajectory)
    f.mean_sentiment_change =
        Round(static_cast<double>(c.change_micros) / 1e6 / static_cast<double>(c.with_trajectory));
  f.transfers_per_conversation = Round(Ratio(static_cast<double>(c.transfers), n));
  f.right_first_time = Round(Ratio(static_cast<double>(c.rft_micros) / 1e6, n));
  return f;
}

Quote ToQuote(const Evidence& e) {
  Quote q;
  q.id = e.id;
  q.period = e.period;
  q.channel = e.channel;
  q.polarity = static_cast<Polarity>(e.polarity);
  q.score = Round(static_cast<double>(e.score_micros) / 1e6);
  q.snippet = e.snippet;
  q.spans = e.spans;
  q.cut_left = e.truncated_left;
  q.cut_right = e.truncated_right;
  return q;
}

std::vector<std::string> SplitPath(const std::string& id) {
  std::vector<std::string> out;
  size_t s = 0;
  while (true) {
    const size_t p = id.find('/', s);
    out.push_back(id.substr(s, p == std::string::npos ? std::string::npos : p - s));
    if (p == std::string::npos) break;
    s = p + 1;
  }
  return out;
}

std::vector<NamedCount> SortedCounts(const std::map<std::string, uint64_t>& m) {
  std::vector<NamedCount> out;
  for (const auto& [k, n] : m)
    if (n) out.push_back({k, n});
  std::stable_sort(out.begin(), out.end(),
                   [](const NamedCount& a, const NamedCount& b) { return a.count > b.count; });
  return out;
}

FindingsOptions Clamp(const FindingsOptions& in, std::vector<std::string>* warnings) {
  FindingsOptions o = in;
  auto warn = [&](const std::string& w) { warnings->push_back(w); };
  if (o.chronic_n < 1) {
    warn("chronic_n < 1; using 1");
    o.chronic_n = 1;
  }
  if (o.chronic_k < 1) {
    warn("chronic_k < 1; using 1");
    o.chronic_k = 1;
  }
  if (o.chronic_k > o.chronic_n) {
    warn("chronic_k > chronic_n; using chronic_k = chronic_n");
    o.chronic_k = o.chronic_n;
  }
  if (!(o.baseline_quantile >= 0 && o.baseline_quantile <= 1)) {
    warn("baseline_quantile outside [0, 1]; using 0.5");
    o.baseline_quantile = 0.5;
  }
  if (o.min_baseline_periods < 0) {
    warn("min_baseline_periods < 0; using 0");
    o.min_baseline_periods = 0;
  }
  if (!(o.surge_min_ratio >= 1)) {
    warn("surge_min_ratio < 1; using 1");
    o.surge_min_ratio = 1;
  }
  for (double* a : {&o.presence_alpha, &o.emerging_alpha, &o.spike_alpha, &o.phrase_alpha, &o.surge_alpha})
    if (!(*a > 0 && *a < 1)) {
      warn("a significance level outside (0, 1); using 0.01");
      *a = 0.01;
    }
  if (o.resolved_quiet < 1) {
    warn("resolved_quiet < 1; using 1");
    o.resolved_quiet = 1;
  }
  for (double* a : {&o.history_alpha, &o.action_alpha})
    if (!(*a > 0 && *a < 1)) {
      warn("a significance level outside (0, 1); using 0.05");
      *a = 0.05;
    }
  if (!(o.history_min_change >= 0)) {
    warn("history_min_change < 0; using 0");
    o.history_min_change = 0;
  }
  if (o.action_min_periods < 1) {
    warn("action_min_periods < 1; using 1");
    o.action_min_periods = 1;
  }
  if (o.window_periods < 0) {
    warn("window_periods < 0; using 0");
    o.window_periods = 0;
  }
  if (o.bootstrap_samples < 0 || o.bootstrap_samples > 100000) {
    warn("bootstrap_samples outside [0, 100000]; using 1000");
    o.bootstrap_samples = 1000;
  }
  if (o.cost_per_contact && !(*o.cost_per_contact >= 0 && *o.cost_per_contact <= 1e9)) {
    warn("cost_per_contact outside [0, 1e9]; not used");
    o.cost_per_contact.reset();
  }
  if (o.customer_value && !(*o.customer_value >= 0 && *o.customer_value <= 1e9)) {
    warn("customer_value outside [0, 1e9]; not used");
    o.customer_value.reset();
  }
  for (auto it = o.cost_per_channel.begin(); it != o.cost_per_channel.end();)
    if (!(it->second >= 0 && it->second <= 1e9)) {
      warn("cost_per_channel '" + it->first + "' outside [0, 1e9]; not used");
      it = o.cost_per_channel.erase(it);
    } else
      ++it;
  if (!(o.emerging_min_ratio >= 0)) {
    warn("emerging_min_ratio < 0; using 0");
    o.emerging_min_ratio = 0;
  }
  for (double* w :
       {&o.weight_volume, &o.weight_persistence, &o.weight_negativity, &o.weight_signals, &o.weight_growth})
    if (!(*w >= 0)) {
      warn("a negative priority weight; using 0");
      *w = 0;
    }
  if (o.weight_volume + o.weight_persistence + o.weight_negativity + o.weight_signals + o.weight_growth <=
      0) {
    warn("all priority weights are 0; using the defaults");
    FindingsOptions d;
    o.weight_volume = d.weight_volume;
    o.weight_persistence = d.weight_persistence;
    o.weight_negativity = d.weight_negativity;
    o.weight_signals = d.weight_signals;
    o.weight_growth = d.weight_growth;
  }
  return o;
}

// Median of `v` without element `skip`.
double MedianWithout(const std::vector<double>& v, size_t skip) {
  std::vector<double> rest;
  for (size_t j = 0; j < v.size(); ++j)
    if (j != skip) rest.push_back(v[j]);
  return Quantile(std::move(rest), 0.5);
}

// Volume surges of each window period, over all channels and per channel.
std::vector<VolumeSurge> DetectSurges(const internal::AggregateData& d,
                                      const std::vector<std::string>& periods,
                                      const std::vector<uint64_t>& totals, const FindingsOptions& o) {
  std::vector<VolumeSurge> out;
  const size_t W = periods.size();
  if (W < 3) return out;  // a typical volume needs at least two other periods
  // Series per channel ("" = all channels).
  std::map<std::string, std::vector<double>> series;
  series[""] = std::vector<double>(totals.begin(), totals.end());
  std::set<std::string> chans;
  for (size_t i = 0; i < W; ++i) {
    auto it = d.totals.find(periods[i]);
    if (it == d.totals.end()) continue;
    for (const auto& [ch, c] : it->second) chans.insert(ch);
  }
  if (chans.size() > 1)
    for (const std::string& ch : chans) {
      std::vector<double> v(W, 0.0);
      for (size_t i = 0; i < W; ++i) {
        auto it = d.totals.find(periods[i]);
        if (it == d.totals.end()) continue;
        auto c = it->second.find(ch);
        if (c != it->second.end()) v[i] = static_cast<double>(c->second.volume);
      }
      series[ch] = std::move(v);
    }
  const char* unit = PeriodName(d.options.period);
  for (size_t i = 0; i < W; ++i) {
    for (const auto& [ch, v] : series) {
      const double n = v[i];
      const double m = MedianWithout(v, i);
      if (n < static_cast<double>(o.surge_min_count) || n < o.surge_min_ratio * m) continue;
      const double p = PoissonUpper(static_cast<uint64_t>(n), std::max(m, 1.0));
      if (!(p < o.surge_alpha)) continue;
      if (W - 1 >= 4) {
        std::vector<double> dev;
        for (size_t j = 0; j < W; ++j)
          if (j != i) dev.push_back(std::fabs(v[j] - m));
        const double mad = Quantile(dev, 0.5);
        if (mad > 0 && (n - m) / (1.4826 * mad) < 3.0) continue;
      }
      VolumeSurge s;
      s.period = periods[i];
      s.channel = ch;
      s.count = static_cast<uint64_t>(n);
      s.typical = Round(m, 100);
      s.ratio = m > 0 ? Round(n / m, 100) : 0.0;
      s.p_value = p;
      // Drivers: the themes with the largest excess over their typical count.
      const double excess_total = std::max(n - m, 1.0);
      for (const auto& [theme, td] : d.themes) {
        std::vector<double> c(W, 0.0);
        for (size_t j = 0; j < W; ++j) {
          auto it = td.cells.find(periods[j]);
          if (it == td.cells.end()) continue;
          for (const auto& [cch, x] : it->second)
            if (ch.empty() || cch == ch) c[j] += static_cast<double>(x.volume);
        }
        const double typical = MedianWithout(c, i);
        const double excess = c[i] - typical;
        if (excess <= 0) continue;
        s.drivers.push_back({theme, static_cast<uint64_t>(c[i]), Round(typical, 100), Round(excess, 100),
                             Round(excess / excess_total, 1e4)});
      }
      std::stable_sort(s.drivers.begin(), s.drivers.end(), [](const SurgeDriver& a, const SurgeDriver& b) {
        if (a.excess != b.excess) return a.excess > b.excess;
        return a.theme < b.theme;
      });
      if (s.drivers.size() > o.drivers_per_surge) s.drivers.resize(o.drivers_per_surge);
      s.reason = std::string(unit) + " " + s.period + (ch.empty() ? "" : " on " + ch) + " had " +
                 std::to_string(s.count) + " verbatims vs a typical " + Num(m, "%.0f") +
                 (m > 0 ? " (" + Num(n / m) + "x" + ")" : std::string()) +
                 " (one-sided Poisson p = " + PValue(p) + ")";
      if (!s.drivers.empty()) {
        s.reason += "; driven by ";
        for (size_t k = 0; k < s.drivers.size() && k < 3; ++k)
          s.reason += (k ? ", " : "") + s.drivers[k].theme + " (+" + Num(s.drivers[k].excess, "%.0f") + ")";
      }
      out.push_back(std::move(s));
    }
  }
  return out;
}

// ---- the tests of one theme -------------------------------------------------

// A theme's counts over the window, what its tests read.
struct ThemeSeries {
  const std::string* theme;
  const ThemeData* data;
  std::vector<uint64_t> counts;  // per period of the window
  Counts sum;                    // over the window
  std::map<std::string, uint64_t> channels;
  uint64_t undated = 0;
};

// What the tests of every theme share: the window and its totals.
struct WindowFacts {
  const FindingsOptions& o;
  const std::vector<std::string>& periods;
  const std::vector<uint64_t>& totals;
  size_t W;
  double reference;  // the share "present above baseline" is tested against
  int n_recent;      // periods of the chronic test
  const char* unit;
  std::string units;
};

// Owners: most hits first, then by name; the first with a department owns.
void AddOwners(const ThemeSeries& w, Finding* f) {
  for (const auto& [k, n] : w.data->owners)
    f->owners.push_back({k.department, static_cast<ValueRole>(k.role), n});
  std::stable_sort(f->owners.begin(), f->owners.end(),
                   [](const OwnerShare& a, const OwnerShare& b) { return a.hits > b.hits; });
  for (const OwnerShare& ow : f->owners)
    if (!ow.department.empty()) {
      f->department = ow.department;
      f->role = ow.role;
      break;
    }
}

// Presence above the reference share in each period (the series), and the
// chronic test: present in chronic_k of the last chronic_n periods.
struct Presence {
  std::vector<bool> present;
  int total = 0;
  bool chronic = false;
};
Presence TestChronic(const ThemeSeries& w, const WindowFacts& x, Finding* f) {
  const FindingsOptions& o = x.o;
  const size_t W = x.W;
  Presence p;
  p.present.assign(W, false);
  for (size_t i = 0; i < W; ++i) {
    const uint64_t c = w.counts[i];
    p.present[i] = c >= o.min_count && c > 0 &&
                   PoissonUpper(c, x.reference * static_cast<double>(x.totals[i])) < o.presence_alpha;
    p.total += p.present[i];
    uint64_t repeat = 0;
    auto cust = w.data->customers.find(x.periods[i]);
    if (cust != w.data->customers.end())
      for (const auto& [id, n] : cust->second) repeat += n > 1;
    f->series.push_back({x.periods[i], c, x.totals[i],
                         Round(Ratio(static_cast<double>(c), static_cast<double>(x.totals[i]))), p.present[i],
                         repeat});
  }
  f->persistence = Round(Ratio(p.total, static_cast<double>(W)));
  for (size_t i = W - x.n_recent; i < W; ++i) f->recent_present += p.present[i];
  p.chronic = W >= static_cast<size_t>(o.chronic_k) && f->recent_present >= o.chronic_k;
  return p;
}

// Trend: least-squares slope of the share.
void FitTrend(const WindowFacts& x, Finding* f) {
  const size_t W = x.W;
  if (W >= 2) {
    double mx = (W - 1) / 2.0, my = 0, sxy = 0, sxx = 0;
    for (size_t i = 0; i < W; ++i) my += f->series[i].share;
    my /= static_cast<double>(W);
    for (size_t i = 0; i < W; ++i) {
      sxy += (i - mx) * (f->series[i].share - my);
      sxx += (i - mx) * (i - mx);
    }
    f->trend_slope = Round(sxx > 0 ? sxy / sxx : 0.0, 1e8);
  }
  const double rel = f->share > 0 ? f->trend_slope * (W > 1 ? W - 1 : 0) / f->share : 0.0;
  f->trend = rel > 0.5 ? "rising" : rel < -0.5 ? "falling" : "flat";
}

// Emerging test: the last period against the theme's own earlier share.
bool TestEmerging(const ThemeSeries& w, const WindowFacts& x, Finding* f) {
  const FindingsOptions& o = x.o;
  const size_t W = x.W;
  if (W < 2) return false;
  uint64_t c_before = 0, n_before = 0;
  for (size_t i = 0; i + 1 < W; ++i) {
    c_before += w.counts[i];
    n_before += x.totals[i];
  }
  const double b = (c_before + 0.5) / (n_before + 1.0);
  const uint64_t cl = w.counts[W - 1];
  const double nl = static_cast<double>(x.totals[W - 1]);
  f->last_count = cl;
  f->own_baseline_share = Round(b);
  f->last_expected = Round(b * nl, 1e4);
  const double p = PoissonUpper(cl, b * nl);
  f->last_p_value = p;
  const bool emerging =
      cl >= o.emerging_min_count && p < o.emerging_alpha && Ratio(cl, nl) >= o.emerging_min_ratio * b;
  f->last_significant = emerging;
  return emerging;
}

// Spike test: each earlier period against the theme's share in the others.
struct Spikes {
  int count = 0;
  size_t at = 0;  // the last significant period
  double expected = 0;
};
Spikes TestSpikes(const ThemeSeries& w, const WindowFacts& x, Finding* f) {
  const FindingsOptions& o = x.o;
  const size_t W = x.W;
  Spikes s;
  for (size_t i = 0; i + 1 < W; ++i) {
    uint64_t c_other = 0, n_other = 0;
    std::vector<double> other_shares;
    for (size_t j = 0; j < W; ++j) {
      if (j == i) continue;
      c_other += w.counts[j];
      n_other += x.totals[j];
      if (x.totals[j]) other_shares.push_back(Ratio(w.counts[j], x.totals[j]));
    }
    const double b = std::max(Quantile(other_shares, 0.5), (c_other + 0.5) / (n_other + 1.0));
    const uint64_t c = w.counts[i];
    const double p = PoissonUpper(c, b * x.totals[i]);
    if (p < f->spike_p_value) {
      f->spike_p_value = p;
      f->spike_period = x.periods[i];
    }
    if (c >= o.emerging_min_count && p < o.spike_alpha && Ratio(c, x.totals[i]) >= o.emerging_min_ratio * b) {
      ++s.count;
      s.at = i;
      s.expected = b * x.totals[i];
    }
  }
  return s;
}

// Resolved test: chronic in an earlier run of chronic_n periods, quiet in
// the last resolved_quiet.
struct Resolution {
  bool resolved = false;
  std::string chronic_until;  // last period present in that earlier run
  int quiet = 0;
};
Resolution TestResolved(const Presence& p, const WindowFacts& x) {
  const size_t W = x.W;
  const int n_recent = x.n_recent;
  bool was_chronic = false;
  Resolution r;
  if (W > static_cast<size_t>(n_recent)) {
    for (size_t e = n_recent - 1; e + 1 < W; ++e) {
      int cnt = 0;
      for (size_t i = e + 1 - n_recent; i <= e; ++i) cnt += p.present[i];
      if (cnt >= x.o.chronic_k) {
        was_chronic = true;
        for (size_t i = e + 1 - n_recent; i <= e; ++i)
          if (p.present[i]) r.chronic_until = x.periods[i];
      }
    }
  }
  r.quiet = static_cast<int>(std::min<size_t>(x.o.resolved_quiet, W));
  bool quiet_lately = true;
  for (size_t i = W - r.quiet; i < W; ++i) quiet_lately = quiet_lately && !p.present[i];
  r.resolved = was_chronic && quiet_lately;
  return r;
}

// The status from the tests, in order (chronic, emerging, resolved, spike,
// stable), its reason, and the tests that also hold.
void SetStatus(const ThemeSeries& w, const WindowFacts& x, const Presence& p, bool emerging,
               const Spikes& spikes, const Resolution& res, Finding* f) {
  const size_t W = x.W;
  const std::string& units = x.units;
  const char* unit = x.unit;
  if (p.chronic) {
    f->status = FindingStatus::kChronic;
    f->status_reason = "present above baseline in " + std::to_string(f->recent_present) + " of the last " +
                       std::to_string(x.n_recent) + " " + units + " (" + std::to_string(p.total) + " of " +
                       std::to_string(W) + " in the window)";
  } else if (emerging) {
    f->status = FindingStatus::kEmerging;
    f->status_reason = "last " + std::string(unit) + " " + std::to_string(f->last_count) + " verbatims vs " +
                       Num(f->last_expected) + " expected from its own " + "baseline share " +
                       Pct(f->own_baseline_share) + " (one-sided Poisson p = " + PValue(f->last_p_value) +
                       ")";
  } else if (res.resolved) {
    f->status = FindingStatus::kResolved;
    f->status_reason = "was chronic (last above baseline in " + res.chronic_until +
                       "), not present above baseline in the last " + std::to_string(res.quiet) + " " + units;
  } else if (spikes.count == 1) {
    f->status = FindingStatus::kSpike;
    f->status_reason = "one-off: " + x.periods[spikes.at] + " had " + std::to_string(w.counts[spikes.at]) +
                       " verbatims vs " + Num(spikes.expected) + " expected, no other " + std::string(unit) +
                       " stands out";
  } else {
    f->status = FindingStatus::kStable;
    f->status_reason = spikes.count > 1 ? "several significant " + units + " but not persistent"
                                        : "no persistent or significant change";
  }
  // The tests that hold besides the status: a chronic theme can spike too.
  if (f->status == FindingStatus::kChronic && emerging) {
    f->also.push_back(FindingStatus::kSpike);
    f->status_reason += "; and it spiked in the last " + std::string(unit) + ": " +
                        std::to_string(f->last_count) + " verbatims vs " + Num(f->last_expected) +
                        " expected from its own baseline share " + Pct(f->own_baseline_share) +
                        " (one-sided Poisson p = " + PValue(f->last_p_value) + ")";
  } else if ((f->status == FindingStatus::kChronic || f->status == FindingStatus::kEmerging ||
              f->status == FindingStatus::kResolved) &&
             spikes.count == 1) {
    f->also.push_back(FindingStatus::kSpike);
    f->status_reason += "; also a one-off spike in " + x.periods[spikes.at] + " (" +
                        std::to_string(w.counts[spikes.at]) + " verbatims vs " + Num(spikes.expected) +
                        " expected)";
  }
}

// Sentiment (scored records only), signals and escalation.
void AddSentimentAndSignals(const ThemeSeries& w, const FindingsOptions& o, Finding* f) {
  f->negative = w.sum.negative;
  f->neutral = w.sum.neutral;
  f->positive = w.sum.positive;
  f->unscored = w.sum.unscored;
  const uint64_t scored = f->volume >= f->unscored ? f->volume - f->unscored : 0;
  f->share_negative = Round(Ratio(f->negative, scored));
  f->mean_score = Round(Ratio(static_cast<double>(w.sum.score_micros) / 1e6, scored));
  f->mean_emotion = Round(Ratio(static_cast<double>(w.sum.emotion_micros) / 1e6, f->volume));
  for (int i = 0; i < kSignalCount; ++i)
    f->signals.push_back(
        {static_cast<Signal>(i), w.sum.signals[i], Round(Ratio(w.sum.signals[i], f->volume))});
  f->with_signal = w.sum.with_signal;
  f->urgency_safety = w.sum.signals[static_cast<int>(Signal::kUrgencySafety)];
  f->escalated = o.escalation_min_count > 0 && f->urgency_safety >= o.escalation_min_count;
}

// Customers and repeat contacts within the window.
void CountRepeatContacts(const ThemeSeries& w, const WindowFacts& x, Finding* f) {
  std::map<std::string, uint64_t> per_customer;
  for (size_t i = 0; i < x.W; ++i) {
    auto it = w.data->customers.find(x.periods[i]);
    if (it == w.data->customers.end()) continue;
    for (const auto& [cust, n] : it->second) per_customer[cust] += n;
  }
  f->customers = per_customer.size();
  for (const auto& [cust, n] : per_customer) f->repeat_customers += n > 1;
}

// Priority, with its parts: volume, persistence, negativity, signals, growth.
void ScorePriority(const ThemeSeries& w, const WindowFacts& x, uint64_t vmax, Finding* f) {
  const FindingsOptions& o = x.o;
  const size_t W = x.W;
  const double wsum =
      o.weight_volume + o.weight_persistence + o.weight_negativity + o.weight_signals + o.weight_growth;
  const double v_volume = vmax ? std::sqrt(static_cast<double>(f->volume) / static_cast<double>(vmax)) : 0;
  const double v_recent = x.n_recent ? static_cast<double>(f->recent_present) / x.n_recent : 0.0;
  const double v_signals = Ratio(f->with_signal, f->volume);
  double v_growth = 0.0;
  if (f->last_p_value < o.emerging_alpha && f->own_baseline_share > 0 && W >= 2 && x.totals[W - 1] > 0) {
    const double ratio = Ratio(f->last_count, x.totals[W - 1]) / f->own_baseline_share;
    v_growth = std::clamp(std::log2(std::max(ratio, 1.0)) / 4.0, 0.0, 1.0);
  }
  auto part = [&](const char* name, double value, double weight, std::string why) {
    PriorityPart p;
    p.name = name;
    p.value = Round(value, 1e4);
    p.weight = weight;
    p.points = Round(100.0 * weight * value / wsum, 100);
    p.why = std::move(why);
    f->priority += 100.0 * weight * value / wsum;
    f->priority_parts.push_back(std::move(p));
  };
  part("volume", v_volume, o.weight_volume,
       std::to_string(f->volume) + " verbatims, " + Pct(f->share) + " of all");
  part("persistence", v_recent, o.weight_persistence,
       "present above baseline in " + std::to_string(f->recent_present) + " of the last " +
           std::to_string(x.n_recent) + " " + x.units);
  part("negativity", f->share_negative, o.weight_negativity,
       Pct(f->share_negative) + " negative, mean score " + Num(f->mean_score, "%.2f"));
  std::string sig_why = Pct(v_signals) + " with a Hunsaker signal";
  {
    std::vector<std::pair<uint64_t, int>> top;
    for (int i = 0; i < kSignalCount; ++i)
      if (static_cast<Signal>(i) != Signal::kEmotionIntensity && w.sum.signals[i])
        top.push_back({w.sum.signals[i], i});
    std::stable_sort(top.begin(), top.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    for (size_t i = 0; i < top.size() && i < 2; ++i)
      sig_why += std::string(i ? ", " : " (") + SignalName(static_cast<Signal>(top[i].second)) + " " +
                 Pct(Ratio(top[i].first, f->volume));
    if (!top.empty()) sig_why += ")";
  }
  part("signals", v_signals, o.weight_signals, sig_why);
  part("growth", v_growth, o.weight_growth,
       v_growth > 0
           ? "last " + std::string(x.unit) + " at " +
                 Num(Ratio(f->last_count, x.totals[W - 1]) / f->own_baseline_share) + "x its earlier share"
           : std::string("no significant rise in the last ") + x.unit);
  f->priority = Round(f->priority, 100);
}

// One theme's finding: every test, the figures and the evidence.
Finding FindingOf(const ThemeSeries& w, const WindowFacts& x, uint64_t in_window, uint64_t vmax,
                  const Findings& out) {
  const FindingsOptions& o = x.o;
  Finding f;
  f.theme = *w.theme;
  f.label_path = SplitPath(f.theme);
  f.volume = w.sum.volume;
  f.share = Round(Ratio(static_cast<double>(f.volume), static_cast<double>(in_window)));
  f.undated = w.undated;
  f.reference_share = Round(x.reference);
  AddOwners(w, &f);

  const Presence presence = TestChronic(w, x, &f);
  FitTrend(x, &f);
  const bool emerging = TestEmerging(w, x, &f);
  const Spikes spikes = TestSpikes(w, x, &f);
  const Resolution resolution = TestResolved(presence, x);
  SetStatus(w, x, presence, emerging, spikes, resolution, &f);
  if (!out.window_sufficient) {
    f.provisional = true;
    f.status_reason = "provisional: only " + std::to_string(x.W) + " " +
                      (x.W == 1 ? std::string(x.unit) : x.units) + " of data, the tests need " +
                      std::to_string(out.min_periods) + "; " + f.status_reason;
  }

  AddSentimentAndSignals(w, o, &f);
  CountRepeatContacts(w, x, &f);
  f.channels = SortedCounts(w.channels);
  f.sources = SortedCounts(w.data->sources);
  ScorePriority(w, x, vmax, &f);

  // Evidence: negative candidates first; inside the window or undated.
  std::set<std::string> window(x.periods.begin(), x.periods.end());
  window.insert(kUndatedPeriod);
  for (const auto* list : {&w.data->negative_evidence, &w.data->other_evidence})
    for (const Evidence& e : *list)
      if (f.evidence.size() < o.evidence_per_finding && window.count(e.period))
        f.evidence.push_back(ToQuote(e));
  f.conversations = FiguresOf(w.data->conversations, window, false);
  return f;
}

}  // namespace

const char* FindingStatusName(FindingStatus s) {
  switch (s) {
    case FindingStatus::kChronic:
      return "chronic";
    case FindingStatus::kEmerging:
      return "emerging";
    case FindingStatus::kResolved:
      return "resolved";
    case FindingStatus::kSpike:
      return "spike";
    case FindingStatus::kStable:
      return "stable";
  }
  return "stable";
}

size_t Findings::Count(FindingStatus s) const {
  size_t n = 0;
  for (const Finding& f : findings) n += f.status == s;
  return n;
}

Status ValidateFindingsOptions(const FindingsOptions& o) {
  if (o.chronic_n < 1) return InvalidArgumentError("chronic_n must be >= 1");
  if (o.chronic_k < 1 || o.chronic_k > o.chronic_n)
    return InvalidArgumentError("chronic_k must be in [1, chronic_n]");
  if (!(o.baseline_quantile >= 0 && o.baseline_quantile <= 1))
    return InvalidArgumentError("baseline_quantile must be in [0, 1]");
  if (!(o.presence_alpha > 0 && o.presence_alpha < 1))
    return InvalidArgumentError("presence_alpha must be in (0, 1)");
  if (!(o.emerging_alpha > 0 && o.emerging_alpha < 1))
    return InvalidArgumentError("emerging_alpha must be in (0, 1)");
  if (!(o.spike_alpha > 0 && o.spike_alpha < 1)) return InvalidArgumentError("spike_alpha must be in (0, 1)");
  if (!(o.phrase_alpha > 0 && o.phrase_alpha < 1))
    return InvalidArgumentError("phrase_alpha must be in (0, 1)");
  if (!(o.emerging_min_ratio >= 0)) return InvalidArgumentError("emerging_min_ratio must be >= 0");
  if (!(o.surge_alpha > 0 && o.surge_alpha < 1)) return InvalidArgumentError("surge_alpha must be in (0, 1)");
  if (!(o.surge_min_ratio >= 1)) return InvalidArgumentError("surge_min_ratio must be >= 1");
  if (o.min_baseline_periods < 0) return InvalidArgumentError("min_baseline_periods must be >= 0");
  if (o.resolved_quiet < 1) return InvalidArgumentError("resolved_quiet must be >= 1");
  if (!(o.history_alpha > 0 && o.history_alpha < 1))
    return InvalidArgumentError("history_alpha must be in (0, 1)");
  if (!(o.history_min_change >= 0)) return InvalidArgumentError("history_min_change must be >= 0");
  if (!(o.action_alpha > 0 && o.action_alpha < 1))
    return InvalidArgumentError("action_alpha must be in (0, 1)");
  if (o.action_min_periods < 1) return InvalidArgumentError("action_min_periods must be >= 1");
  for (const Action& a : o.actions)
    if (!IsValidDate(a.date))
      return InvalidArgumentError("action on '" + a.theme + "': bad date '" + a.date +
                                  "' (expected YYYY-MM-DD)");
  if (o.window_periods < 0) return InvalidArgumentError("window_periods must be >= 0");
  if (!(o.weight_volume >= 0 && o.weight_persistence >= 0 && o.weight_negativity >= 0 &&
        o.weight_signals >= 0 && o.weight_growth >= 0))
    return InvalidArgumentError("priority weights must be >= 0");
  if (o.weight_volume + o.weight_persistence + o.weight_negativity + o.weight_signals + o.weight_growth <= 0)
    return InvalidArgumentError("at least one priority weight must be > 0");
  if (o.cost_per_contact && !(*o.cost_per_contact >= 0 && *o.cost_per_contact <= 1e9))
    return InvalidArgumentError("cost_per_contact must be in [0, 1e9]");
  for (const auto& [ch, v] : o.cost_per_channel)
    if (!(v >= 0 && v <= 1e9))
      return InvalidArgumentError("cost_per_channel '" + ch + "' must be in [0, 1e9]");
  if (o.customer_value && !(*o.customer_value >= 0 && *o.customer_value <= 1e9))
    return InvalidArgumentError("customer_value must be in [0, 1e9]");
  if (o.bootstrap_samples < 0 || o.bootstrap_samples > 100000)
    return InvalidArgumentError("bootstrap_samples must be in [0, 100000]");
  return Status::Ok();
}

Findings DetectFindings(const Aggregate& aggregate, const FindingsOptions& options) {
  const internal::AggregateData& d = ImplOf(aggregate);
  Findings out;
  out.options = Clamp(options, &out.warnings);
  const FindingsOptions& o = out.options;
  out.period = d.options.period;
  out.records = d.records;
  out.undated = aggregate.undated();

  // ---- the window ----------------------------------------------------------
  const std::vector<std::string> seen = aggregate.periods();
  if (seen.empty()) {
    out.warnings.push_back("no dated records: no trends can be tested");
  } else {
    int64_t first = *PeriodOrdinal(seen.front(), out.period);
    int64_t last = *PeriodOrdinal(seen.back(), out.period);
    if (!o.last_period.empty()) {
      Result<int64_t> l = PeriodOrdinal(o.last_period, out.period);
      if (!l.ok()) {
        out.warnings.push_back("last_period: " + l.status().message() + "; using " + seen.back());
      } else {
        last = *l;
      }
    }
    if (o.window_periods > 0) first = last - o.window_periods + 1;
    if (last - first + 1 > kMaxWindow) {
      out.warnings.push_back("window cut to the last " + std::to_string(kMaxWindow) + " periods");
      first = last - kMaxWindow + 1;
    }
    for (int64_t p = first; p <= last; ++p) out.periods.push_back(PeriodIdFromOrdinal(p, out.period));
  }
  const size_t W = out.periods.size();
  out.min_periods = o.chronic_n + o.min_baseline_periods;
  if (W > 0 && W < static_cast<size_t>(out.min_periods)) {
    out.window_sufficient = false;
    const std::string u = std::string(PeriodName(out.period)) + "s";
    out.warnings.push_back("the window has only " + std::to_string(W) + " " +
                           (W == 1 ? PeriodName(out.period) : u) + "; the tests need at least " +
                           std::to_string(out.min_periods) + " (the chronic window of " +
                           std::to_string(o.chronic_n) + " plus " + std::to_string(o.min_baseline_periods) +
                           " baseline " + u + "): statuses are provisional");
  }

  std::vector<uint64_t> totals(W, 0);
  std::map<std::string, uint64_t> channels;
  for (size_t i = 0; i < W; ++i) {
    auto it = d.totals.find(out.periods[i]);
    if (it == d.totals.end()) continue;
    for (const auto& [ch, c] : it->second) {
      totals[i] += c.volume;
      channels[ch] += c.volume;
    }
  }
  uint64_t T = 0;
  for (size_t i = 0; i < W; ++i) {
    T += totals[i];
    out.totals.push_back({out.periods[i], totals[i], totals[i], totals[i] ? 1.0 : 0.0, false, 0});
  }
  out.in_window = T;
  out.channels = SortedCounts(channels);
  {
    // The language mix, and a warning for each language with many records
    // that voc could not score.
    std::map<std::string, uint64_t> langs, unscored;
    for (const auto& [l, n] : d.languages) {
      langs[l] = n.records;
      if (n.unscored) unscored[l] = n.unscored;
      out.unscored += n.unscored;
    }
    out.languages = SortedCounts(langs);
    out.languages_unscored = SortedCounts(unscored);
    for (const NamedCount& u : out.languages_unscored)
      if (u.count >= 10 && u.count * 20 >= d.records)
        out.warnings.push_back(std::to_string(u.count) + " records (" + Pct(Ratio(u.count, d.records)) +
                               ") in " + LanguageName(u.name) + " (" + u.name +
                               "): no sentiment support for the language, so they are "
                               "left out of the sentiment shares; theme rules cover only the languages "
                               "they are written for");
  }

  // ---- per-theme series -----------------------------------------------------
  std::vector<ThemeSeries> work;
  std::map<std::string, uint64_t> sources;
  for (const auto& [theme, td] : d.themes)
    for (const auto& [k, n] : td.sources) sources[k] += n;
  out.theme_sources = SortedCounts(sources);
  for (const auto& [theme, td] : d.themes) {
    ThemeSeries w{&theme, &td, std::vector<uint64_t>(W, 0), {}, {}, 0};
    for (size_t i = 0; i < W; ++i) {
      auto it = td.cells.find(out.periods[i]);
      if (it == td.cells.end()) continue;
      for (const auto& [ch, c] : it->second) {
        w.counts[i] += c.volume;
        w.sum.Add(c);
        w.channels[ch] += c.volume;
      }
    }
    auto u = td.cells.find(kUndatedPeriod);
    if (u != td.cells.end()) w.undated = SumChannels(u->second).volume;
    if (theme == kUnclassifiedTheme) {
      out.unclassified = w.sum.volume;
      continue;
    }
    if (w.sum.volume == 0) continue;
    work.push_back(std::move(w));
  }

  std::vector<double> shares;
  uint64_t vmax = 0;
  for (const ThemeSeries& w : work) {
    shares.push_back(Ratio(static_cast<double>(w.sum.volume), static_cast<double>(T)));
    vmax = std::max(vmax, w.sum.volume);
  }
  const double r = Quantile(shares, o.baseline_quantile);
  out.reference_share = Round(r);
  const char* unit = PeriodName(out.period);
  const std::string units = std::string(unit) + "s";
  const int n_recent = static_cast<int>(std::min<size_t>(o.chronic_n, W));
  const WindowFacts facts{o, out.periods, totals, W, r, n_recent, unit, units};
  for (const ThemeSeries& w : work) out.findings.push_back(FindingOf(w, facts, T, vmax, out));
  std::stable_sort(out.findings.begin(), out.findings.end(), [](const Finding& a, const Finding& b) {
    if (a.priority != b.priority) return a.priority > b.priority;
    return a.theme < b.theme;
  });

  if (!d.conversations.empty()) {
    std::set<std::string> window(out.periods.begin(), out.periods.end());
    window.insert(kUndatedPeriod);
    out.conversations = FiguresOf(d.conversations, window, true);
  }
  out.surges = DetectSurges(d, out.periods, totals, o);
  internal::AddMoney(d, &out);
  internal::AddImpact(d, &out);
  internal::RankFindings(&out);
  internal::ApplyHistory(&out);

  // ---- unknown themes ---------------------------------------------------------
  if (!d.Sample().empty()) {
    DiscoveryOptions dopt;
    dopt.max_themes = std::max<size_t>(1, o.max_unknown_themes);
    dopt.phrases_per_theme = std::max<size_t>(1, o.phrases_per_unknown_theme);
    dopt.examples = o.examples_per_unknown_theme;
    // The discovered themes' impacts use the score kind resolved on all records.
    FindingsOptions fo = o;
    if (!out.score.from_sentiment) fo.score_kind = out.score.kind;
    Discovery dis = DiscoverThemes(aggregate, dopt, fo);
    for (const DiscoveredTheme& t : dis.themes) {
      UnknownTheme u;
      u.name = t.name;
      u.count = t.estimated;
      for (const DiscoveredPhrase& p : t.phrases)
        u.phrases.push_back({p.phrase, p.docs, p.covered, 0.0, p.in_theme});
      u.examples = t.examples;
      u.id = t.id;
      u.sample_count = t.sample_count;
      u.share = t.share;
      u.status = t.finding.status;
      u.status_reason = t.finding.status_reason;
      u.trend = t.finding.trend;
      u.series = t.finding.series;
      u.share_negative = t.finding.share_negative;
      u.with_signal = t.finding.with_signal;
      u.rule = t.rule;
      u.rule_precision = t.rule_precision;
      u.rule_recall = t.rule_recall;
      u.impact = t.finding.impact;
      if (u.impact.n) out.drivers.push_back({u.id, "unassigned", u.impact});
      out.unknown_themes.push_back(std::move(u));
    }
    internal::SortDrivers(&out.drivers);
    // Discovered themes join the drivers of overall surges (sample counts
    // scaled to all records).
    for (VolumeSurge& sg : out.surges) {
      if (!sg.channel.empty()) continue;
      const double excess_total = std::max(static_cast<double>(sg.count) - sg.typical, 1.0);
      for (const UnknownTheme& u : out.unknown_themes) {
        std::vector<double> c;
        size_t at = u.series.size();
        for (size_t i = 0; i < u.series.size(); ++i) {
          c.push_back(static_cast<double>(u.series[i].count) * dis.scale);
          if (u.series[i].period == sg.period) at = i;
        }
        if (at == c.size()) continue;
        const double typical = MedianWithout(c, at), excess = c[at] - typical;
        if (excess <= 0) continue;
        sg.drivers.push_back({u.id, static_cast<uint64_t>(std::llround(c[at])), Round(typical, 100),
                              Round(excess, 100), Round(excess / excess_total, 1e4)});
      }
      std::stable_sort(sg.drivers.begin(), sg.drivers.end(), [](const SurgeDriver& a, const SurgeDriver& b) {
        if (a.excess != b.excess) return a.excess > b.excess;
        return a.theme < b.theme;
      });
      if (sg.drivers.size() > o.drivers_per_surge) sg.drivers.resize(o.drivers_per_surge);
    }
    return out;
  }
  std::set<std::string> scope(out.periods.begin(), out.periods.end());
  scope.insert(kUndatedPeriod);
  // Keys point into the aggregate's tables, which outlive this function.
  std::unordered_map<std::string_view, uint64_t> un, all;
  uint64_t n_un = 0, n_all = 0;
  {
    std::vector<uint64_t> by_id(d.phrases.size());
    for (const auto& [p, m] : d.unclassified_ngrams)
      if (scope.count(p)) m.ForEach([&by_id](uint32_t id, uint64_t n) { by_id[id] += n; });
    // Only phrases frequent enough to be tested need background counts.
    for (uint32_t id = 0; id < by_id.size(); ++id)
      if (by_id[id] > 0 && by_id[id] >= o.phrase_min_count) un[d.phrases[id]] = by_id[id];
  }
  for (const auto& [p, n] : d.unclassified_docs)
    if (scope.count(p)) n_un += n;
  for (const auto& [p, n] : d.all_docs)
    if (scope.count(p)) n_all += n;
  const uint64_t n_cls = n_all >= n_un ? n_all - n_un : 0;
  if (n_un > 0 && n_cls > 0) {
    std::vector<std::pair<std::string_view, uint32_t>> tested;  // the phrases of `un` and their ids
    tested.reserve(un.size());
    for (const auto& [g, a] : un) tested.emplace_back(g, d.phrases.Find(g));
    for (const auto& [p, m] : d.all_ngrams) {
      if (!scope.count(p)) continue;
      for (const auto& [g, id] : tested)
        if (const uint64_t* hit = m.Find(id)) all[g] += *hit;
    }
    const double crit = ChiSquare1Critical(o.phrase_alpha);
    std::vector<UnknownPhrase> sig;
    for (const auto& [g, a] : un) {
      if (a < o.phrase_min_count) continue;
      const uint64_t c = all[g] >= a ? all[g] - a : 0;
      if (Ratio(a, n_un) <= Ratio(c, n_cls)) continue;
      const double g2 = G2(a, n_un - std::min(a, n_un), c, n_cls - std::min(c, n_cls));
      if (g2 > crit) sig.push_back({std::string(g), a, c, Round(g2, 1e4)});
    }
    std::stable_sort(sig.begin(), sig.end(), [](const UnknownPhrase& a, const UnknownPhrase& b) {
      if (a.g2 != b.g2) return a.g2 > b.g2;
      return a.phrase < b.phrase;
    });
    auto words = [](const std::string& p) {
      std::set<std::string> s;
      size_t b = 0;
      while (b <= p.size()) {
        size_t e = p.find(' ', b);
        if (e == std::string::npos) e = p.size();
        s.insert(p.substr(b, e - b));
        b = e + 1;
      }
      return s;
    };
    // Connected components of significant phrases that share a word, ranked
    // by their strongest phrase.
    std::vector<int> parent(sig.size());
    for (size_t i = 0; i < sig.size(); ++i) parent[i] = static_cast<int>(i);
    std::function<int(int)> root = [&](int i) { return parent[i] == i ? i : parent[i] = root(parent[i]); };
    std::map<std::string, int> word_owner;
    for (size_t i = 0; i < sig.size(); ++i)
      for (const std::string& w : words(sig[i].phrase)) {
        auto it = word_owner.find(w);
        if (it == word_owner.end())
          word_owner[w] = static_cast<int>(i);
        else {
          const int a = root(static_cast<int>(i)), b = root(it->second);
          parent[std::max(a, b)] = std::min(a, b);  // the stronger phrase stays the root
        }
      }
    struct Group {
      std::vector<UnknownPhrase> phrases;
    };
    std::vector<Group> groups;
    std::map<int, size_t> group_of_root;
    for (size_t i = 0; i < sig.size(); ++i) {
      const int rt = root(static_cast<int>(i));
      auto it = group_of_root.find(rt);
      if (it == group_of_root.end()) {
        if (groups.size() >= o.max_unknown_themes) continue;
        it = group_of_root.emplace(rt, groups.size()).first;
        groups.emplace_back();
      }
      groups[it->second].phrases.push_back(sig[i]);
    }
    // Examples: unclassified evidence candidates containing a group phrase.
    std::vector<Evidence> cands;
    auto uc = d.themes.find(kUnclassifiedTheme);
    if (uc != d.themes.end()) {
      std::merge(uc->second.negative_evidence.begin(), uc->second.negative_evidence.end(),
                 uc->second.other_evidence.begin(), uc->second.other_evidence.end(),
                 std::back_inserter(cands), internal::EvidenceLess);
    }
    std::vector<std::vector<std::string>> cand_grams;
    for (const Evidence& e : cands)
      cand_grams.push_back(internal::DistinctNgrams(e.snippet, d.options.max_ngram));
    for (Group& g : groups) {
      UnknownTheme t;
      const UnknownPhrase& top = g.phrases.front();
      t.name = top.phrase;
      t.count = top.unclassified;
      // Prefer the longest phrase at least half as common as the top one,
      // then the more common, then the stronger.
      size_t best_words = words(top.phrase).size();
      for (const UnknownPhrase& ph : g.phrases) {
        const size_t nw = words(ph.phrase).size();
        if (2 * ph.unclassified < top.unclassified) continue;
        if (nw > best_words || (nw == best_words && ph.unclassified > t.count)) {
          t.name = ph.phrase;
          t.count = ph.unclassified;
          best_words = nw;
        }
      }
      for (size_t i = 0; i < g.phrases.size() && i < o.phrases_per_unknown_theme; ++i)
        t.phrases.push_back(g.phrases[i]);
      // Examples: verbatims holding the suggested name first, then those
      // holding any other phrase of the group.
      std::vector<bool> used(cands.size(), false);
      for (int pass = 0; pass < 2; ++pass) {
        for (size_t i = 0; i < cands.size() && t.examples.size() < o.examples_per_unknown_theme; ++i) {
          if (used[i] || !scope.count(cands[i].period)) continue;
          bool hit = std::binary_search(cand_grams[i].begin(), cand_grams[i].end(), t.name);
          if (pass == 1)
            for (const UnknownPhrase& ph : g.phrases)
              hit = hit || std::binary_search(cand_grams[i].begin(), cand_grams[i].end(), ph.phrase);
          if (hit) {
            used[i] = true;
            t.examples.push_back(ToQuote(cands[i]));
          }
        }
      }
      out.unknown_themes.push_back(std::move(t));
    }
  }
  return out;
}

}  // namespace voc
