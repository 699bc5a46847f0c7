#include "voc/findings.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <numeric>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "findings_stream.h"
#include "voc/aggregate.h"
#include "voc/report.h"

namespace {

voc::Aggregate OnePass(const std::vector<voc::Analysis>& xs, const voc::AggregateOptions& o = {}) {
  voc::Aggregate a(o);
  for (const auto& x : xs) a.Add(x);
  return a;
}

// Aggregates with `threads` threads, each over an interleaved slice, then
// merges the parts in reverse order.
voc::Aggregate Threaded(const std::vector<voc::Analysis>& xs, int threads) {
  std::vector<voc::Aggregate> parts(threads);
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&, t] {
      for (size_t i = t; i < xs.size(); i += threads) parts[t].Add(xs[i]);
    });
  for (auto& th : pool) th.join();
  voc::Aggregate out;
  for (int t = threads - 1; t >= 0; --t) REQUIRE(out.Merge(parts[t]).ok());
  return out;
}

// Shuffles the records, cuts them into 2..12 random parts, aggregates each
// and merges the parts in a random order (partly as a tree).
voc::Aggregate RandomSplit(std::vector<voc::Analysis> xs, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::shuffle(xs.begin(), xs.end(), rng);
  const size_t parts = 2 + rng() % 11;
  std::vector<size_t> cuts = {0, xs.size()};
  for (size_t i = 1; i < parts; ++i) cuts.push_back(rng() % (xs.size() + 1));
  std::sort(cuts.begin(), cuts.end());
  std::vector<voc::Aggregate> aggs;
  for (size_t i = 0; i + 1 < cuts.size(); ++i) {
    voc::Aggregate a;
    for (size_t j = cuts[i]; j < cuts[i + 1]; ++j) a.Add(xs[j]);
    aggs.push_back(std::move(a));
  }
  std::shuffle(aggs.begin(), aggs.end(), rng);
  while (aggs.size() > 1) {  // merge two random parts until one is left
    const size_t i = rng() % aggs.size();
    size_t j = rng() % (aggs.size() - 1);
    if (j >= i) ++j;
    REQUIRE(aggs[i].Merge(aggs[j]).ok());
    aggs.erase(aggs.begin() + static_cast<long>(j));
  }
  return std::move(aggs.front());
}

const voc::Finding* Find(const voc::Findings& f, const std::string& theme) {
  for (const auto& x : f.findings)
    if (x.theme == theme) return &x;
  return nullptr;
}

const std::vector<voc::Analysis>& Stream() {
  static const auto* const kStream = new std::vector<voc::Analysis>(voc_test::SyntheticStream(42));
  return *kStream;
}

void CheckPlantedStatuses(const voc::Findings& f) {
  const std::map<std::string, voc::FindingStatus> expected = {
      {"billing/unexpected-fee", voc::FindingStatus::kChronic},
      {"delivery/late", voc::FindingStatus::kChronic},
      {"app/login-failure", voc::FindingStatus::kEmerging},
      {"product/overheating", voc::FindingStatus::kSpike},
      {"store/closure", voc::FindingStatus::kResolved},
      {"account/address-change", voc::FindingStatus::kStable},
      {"marketing/promo-confusion", voc::FindingStatus::kStable},
      {"support/wait-time", voc::FindingStatus::kStable},
      {"shipping/packaging", voc::FindingStatus::kStable},
      {"web/search", voc::FindingStatus::kStable},
      {"pricing/plan-change", voc::FindingStatus::kStable}};
  REQUIRE(f.findings.size() == expected.size());
  for (const auto& entry : expected) {
    const auto& theme = entry.first;  // named copies: clang 14 cannot capture bindings
    const auto status = entry.second;
    const voc::Finding* x = Find(f, theme);
    REQUIRE_MESSAGE(x != nullptr, theme);
    CHECK_MESSAGE(x->status == status,
                  theme << " is " << voc::FindingStatusName(x->status) << ": " << x->status_reason);
  }
  CHECK(f.Count(voc::FindingStatus::kChronic) == 2);
}

void CheckPlanted(const voc::Findings& f) {
  REQUIRE(f.periods.size() == 12);
  CHECK(f.periods.front() == "2024-W01");
  CHECK(f.periods.back() == "2024-W12");
  CHECK(f.undated == 50);
  CHECK(f.in_window == 12000);
  CHECK(f.records == 12050);
  CheckPlantedStatuses(f);
  // Chronic issues lead, the emerging one outranks the stable noise.
  CHECK(f.findings[0].theme == "billing/unexpected-fee");
  CHECK(f.findings[1].theme == "delivery/late");
  CHECK(f.findings[2].theme == "app/login-failure");
  // The spike is escalated for safety, and only it.
  for (const auto& x : f.findings) CHECK(x.escalated == (x.theme == "product/overheating"));
  const voc::Finding* spike = Find(f, "product/overheating");
  CHECK(spike->spike_period == "2024-W06");
  // One unknown theme: the gift card complaints, with examples.
  REQUIRE(f.unknown_themes.size() == 1);
  CHECK(f.unknown_themes[0].name == "gift card balance");
  CHECK(f.unknown_themes[0].count == 362);
  CHECK(f.unknown_themes[0].examples.size() == 3);
  for (const auto& q : f.unknown_themes[0].examples)
    CHECK(q.snippet.find("gift card balance") != std::string::npos);
}

}  // namespace

TEST_CASE("DetectFindings: planted chronic, emerging, spike and resolved issues are found exactly") {
  const voc::Findings f = voc::DetectFindings(OnePass(Stream()));
  CheckPlanted(f);
  CHECK(f.warnings.empty());

  const voc::Finding* billing = Find(f, "billing/unexpected-fee");
  CHECK(billing->department == "Billing");
  CHECK(billing->role == voc::ValueRole::kEnhancer);
  CHECK(billing->recent_present == 4);
  CHECK(billing->persistence == doctest::Approx(1.0));
  CHECK(billing->channels.size() == 4);
  CHECK(billing->customers > 0);
  CHECK(billing->repeat_customers > 0);
  CHECK(billing->repeat_customers <= billing->customers);
  // Signals planted at ~30% repeat and ~40% avoidable contacts.
  CHECK(billing->signals[static_cast<int>(voc::Signal::kRepeatContact)].share ==
        doctest::Approx(0.3).epsilon(0.25));
  CHECK(billing->signals[static_cast<int>(voc::Signal::kAvoidableContact)].share ==
        doctest::Approx(0.4).epsilon(0.25));
  CHECK(billing->evidence.size() == 3);
  for (const auto& q : billing->evidence) {
    REQUIRE(q.spans.size() == 1);
    CHECK(q.snippet.substr(q.spans[0].first, q.spans[0].second - q.spans[0].first) ==
          "charged an unexpected fee");
  }
  // Negative evidence comes first.
  CHECK(billing->evidence[0].polarity == voc::Polarity::kNegative);

  // The priority is the sum of its parts.
  for (const auto& x : f.findings) {
    double sum = 0;
    for (const auto& p : x.priority_parts) sum += p.points;
    CHECK(x.priority == doctest::Approx(sum).epsilon(0.001));
    CHECK(x.priority_parts.size() == 5);
  }
  for (size_t i = 1; i < f.findings.size(); ++i) CHECK(f.findings[i - 1].priority >= f.findings[i].priority);

  const voc::Finding* login = Find(f, "app/login-failure");
  CHECK(login->last_count == 45);
  CHECK(login->last_p_value < 1e-10);
  CHECK(login->trend == "rising");
  const voc::Finding* store = Find(f, "store/closure");
  CHECK(store->trend == "falling");
  CHECK(store->status_reason.find("2024-W06") != std::string::npos);
}

TEST_CASE("DetectFindings: 1/2/4/8 threads and random splits give byte-identical results") {
  const voc::Aggregate one = OnePass(Stream());
  const std::string agg = one.Serialize();
  const std::string json = voc::FindingsToJson(voc::DetectFindings(one));
  for (int threads : {1, 2, 4, 8}) {
    const voc::Aggregate t = Threaded(Stream(), threads);
    CHECK_MESSAGE(t.Serialize() == agg, threads << " threads");
    const voc::Findings f = voc::DetectFindings(t);
    CHECK_MESSAGE(voc::FindingsToJson(f) == json, threads << " threads");
  }
  for (uint64_t seed = 1; seed <= 2; ++seed) {
    const voc::Aggregate r = RandomSplit(Stream(), seed);
    CHECK_MESSAGE(r.Serialize() == agg, "split seed " << seed);
    const voc::Findings f = voc::DetectFindings(r);
    CHECK_MESSAGE(voc::FindingsToJson(f) == json, "split seed " << seed);
    if (seed == 1) CheckPlanted(f);
  }
  // A round trip through the serialized form keeps the findings too.
  voc::Result<voc::Aggregate> back = voc::Aggregate::Deserialize(agg);
  REQUIRE(back.ok());
  CHECK(voc::FindingsToJson(voc::DetectFindings(*back)) == json);
}

TEST_CASE("DetectFindings: another seed plants the same issues") {
  voc::Findings f = voc::DetectFindings(OnePass(voc_test::SyntheticStream(7)));
  CHECK(Find(f, "billing/unexpected-fee")->status == voc::FindingStatus::kChronic);
  CHECK(Find(f, "app/login-failure")->status == voc::FindingStatus::kEmerging);
  CHECK(Find(f, "product/overheating")->status == voc::FindingStatus::kSpike);
  CHECK(Find(f, "store/closure")->status == voc::FindingStatus::kResolved);
  CHECK(Find(f, "web/search")->status == voc::FindingStatus::kStable);
}

TEST_CASE("DetectFindings: window and last period") {
  const voc::Aggregate a = OnePass(Stream());
  voc::FindingsOptions o;
  o.last_period = "2024-W06";  // the spike week is now the last week
  voc::Findings f = voc::DetectFindings(a, o);
  REQUIRE(f.periods.size() == 6);
  CHECK(f.periods.back() == "2024-W06");
  CHECK(Find(f, "product/overheating")->status == voc::FindingStatus::kEmerging);
  CHECK(Find(f, "store/closure")->status == voc::FindingStatus::kChronic);
  CHECK(Find(f, "app/login-failure")->status == voc::FindingStatus::kStable);

  o.last_period = "";
  o.window_periods = 4;
  f = voc::DetectFindings(a, o);
  REQUIRE(f.periods.size() == 4);
  CHECK(f.periods.front() == "2024-W09");
  CHECK(f.in_window == 4000);
  // Out of the window, the store issue is not seen at all (0 or 1 a week).
  CHECK(Find(f, "billing/unexpected-fee")->status == voc::FindingStatus::kChronic);

  o.window_periods = 0;
  o.last_period = "2024-13";
  f = voc::DetectFindings(a, o);
  REQUIRE(f.warnings.size() == 1);
  CHECK(f.warnings[0] == "last_period: '2024-13' is not a week period id; using 2024-W12");
  CHECK(f.periods.size() == 12);
}

TEST_CASE("DetectFindings: empty and undated-only aggregates") {
  voc::Aggregate empty;
  voc::Findings f = voc::DetectFindings(empty);
  CHECK(f.findings.empty());
  CHECK(f.periods.empty());
  REQUIRE(f.warnings.size() == 1);
  CHECK(f.warnings[0] == "no dated records: no trends can be tested");
  CHECK(voc::FindingsToJson(f).find("\"findings\": []") != std::string::npos);

  voc::Analysis x;
  x.id = "1";
  x.text = "the charger is overheating";
  voc::ThemeHit h;
  h.id = "product/overheating";
  x.themes.push_back(h);
  voc::Aggregate undated;
  undated.Add(x);
  f = voc::DetectFindings(undated);
  CHECK(f.undated == 1);
  CHECK(f.findings.empty());  // no volume in a (non-existent) window
}

TEST_CASE("FindingsOptions: validation names the bad field; DetectFindings clamps") {
  voc::FindingsOptions o;
  CHECK(voc::ValidateFindingsOptions(o).ok());
  o.chronic_k = 5;
  CHECK(voc::ValidateFindingsOptions(o).ToString() ==
        "INVALID_ARGUMENT: chronic_k must be in [1, chronic_n]");
  voc::Findings f = voc::DetectFindings(OnePass(Stream()), o);
  REQUIRE(!f.warnings.empty());
  CHECK(f.warnings[0] == "chronic_k > chronic_n; using chronic_k = chronic_n");
  CHECK(f.options.chronic_k == 4);
  o = {};
  o.chronic_n = 0;
  CHECK(voc::ValidateFindingsOptions(o).message() == "chronic_n must be >= 1");
  o = {};
  o.emerging_alpha = 0;
  CHECK(voc::ValidateFindingsOptions(o).message() == "emerging_alpha must be in (0, 1)");
  o = {};
  o.baseline_quantile = 2;
  CHECK(voc::ValidateFindingsOptions(o).message() == "baseline_quantile must be in [0, 1]");
  o = {};
  o.weight_growth = -1;
  CHECK(voc::ValidateFindingsOptions(o).message() == "priority weights must be >= 0");
  o = {};
  o.weight_volume = o.weight_persistence = o.weight_negativity = o.weight_signals = o.weight_growth = 0;
  CHECK(voc::ValidateFindingsOptions(o).message() == "at least one priority weight must be > 0");
  o = {};
  o.resolved_quiet = 0;
  CHECK(voc::ValidateFindingsOptions(o).message() == "resolved_quiet must be >= 1");
  o = {};
  o.window_periods = -2;
  CHECK(voc::ValidateFindingsOptions(o).message() == "window_periods must be >= 0");
}

TEST_CASE("DetectFindings: the same issue across channels is one finding") {
  voc::Aggregate a;
  const char* channels[] = {"call", "email", "social"};
  for (int i = 0; i < 30; ++i) {
    voc::Analysis x;
    x.id = std::to_string(i);
    x.timestamp = 1704067200 + i * 3600;
    x.channel = channels[i % 3];
    x.text = "my bill has a fee";
    voc::ThemeHit h;
    h.id = "billing/fee";
    h.department = "Billing";
    x.themes.push_back(h);
    a.Add(x);
  }
  voc::Findings f = voc::DetectFindings(a);
  REQUIRE(f.findings.size() == 1);
  CHECK(f.findings[0].channels.size() == 3);
  CHECK(f.findings[0].volume == 30);
  CHECK(f.findings[0].label_path == std::vector<std::string>{"billing", "fee"});
}

TEST_CASE("FindingStatusName") {
  CHECK(std::string(voc::FindingStatusName(voc::FindingStatus::kChronic)) == "chronic");
  CHECK(std::string(voc::FindingStatusName(voc::FindingStatus::kEmerging)) == "emerging");
  CHECK(std::string(voc::FindingStatusName(voc::FindingStatus::kResolved)) == "resolved");
  CHECK(std::string(voc::FindingStatusName(voc::FindingStatus::kSpike)) == "spike");
  CHECK(std::string(voc::FindingStatusName(voc::FindingStatus::kStable)) == "stable");
}

TEST_CASE("DetectFindings: repeat customers per theme and per period") {
  voc::Aggregate a;
  auto add = [&](const std::string& id, int64_t day, const std::string& cust) {
    voc::Analysis x;
    x.id = id;
    x.timestamp = 1704067200 + day * 86400;
    x.customer_id = cust;
    x.text = "fee";
    voc::ThemeHit h;
    h.id = "billing/fee";
    x.themes.push_back(h);
    a.Add(x);
  };
  add("1", 0, "ann");
  add("2", 1, "ann");  // ann twice in 2024-W01
  add("3", 2, "bob");
  add("4", 8, "bob");  // bob once per week, twice in the window
  add("5", 9, "cy");
  add("6", 9, "");  // unknown customers are not counted
  const voc::Findings f = voc::DetectFindings(a);
  REQUIRE(f.findings.size() == 1);
  const voc::Finding& x = f.findings[0];
  CHECK(x.customers == 3);
  CHECK(x.repeat_customers == 2);
  REQUIRE(x.series.size() == 2);
  CHECK(x.series[0].repeat_customers == 1);
  CHECK(x.series[1].repeat_customers == 0);
}

namespace {

// The stream with the records of `week` (0-based) on `channel` ("" = all)
// copied `extra` more times under new ids: the volume of that week surges
// while every theme's share stays what it was.
std::vector<voc::Analysis> WithSurge(int week, const std::string& channel, int extra) {
  std::vector<voc::Analysis> xs = Stream();
  const int64_t start = 1704067200 + int64_t{week} * 7 * 86400;
  const size_t n = xs.size();
  for (size_t i = 0; i < n; ++i) {
    if (!xs[i].timestamp || *xs[i].timestamp < start || *xs[i].timestamp >= start + 7 * 86400) continue;
    if (!channel.empty() && xs[i].channel != channel) continue;
    for (int k = 0; k < extra; ++k) {
      voc::Analysis c = xs[i];
      c.id += "-copy" + std::to_string(k);
      xs.push_back(std::move(c));
    }
  }
  return xs;
}

}  // namespace

TEST_CASE("DetectFindings: no volume surge in a steady stream") {
  const voc::Findings f = voc::DetectFindings(OnePass(Stream()));
  CHECK(f.surges.empty());
  CHECK(f.window_sufficient);
  CHECK(f.min_periods == 6);
  for (const auto& x : f.findings) CHECK_FALSE(x.provisional);
}

TEST_CASE("DetectFindings: a planted volume surge with flat shares is its own finding") {
  const voc::Findings f = voc::DetectFindings(OnePass(WithSurge(8, "", 1)));
  REQUIRE(!f.surges.empty());
  const voc::VolumeSurge& s = f.surges.front();
  CHECK(s.period == "2024-W09");
  CHECK(s.channel == "");
  CHECK(s.count == 2000);
  CHECK(s.typical == doctest::Approx(1000));
  CHECK(s.ratio == doctest::Approx(2.0));
  CHECK(s.p_value < 1e-10);
  CHECK(s.reason.find("week 2024-W09 had 2000 verbatims vs a typical 1000 (2.0x)") == 0);
  // The drivers are the big themes, largest excess first.
  REQUIRE(s.drivers.size() == 5);
  CHECK(s.drivers[0].theme == "unclassified");
  CHECK(s.drivers[1].theme == "billing/unexpected-fee");
  for (size_t i = 1; i < s.drivers.size(); ++i) CHECK(s.drivers[i - 1].excess >= s.drivers[i].excess);
  // Every channel doubled: one surge per channel too, and no other period.
  CHECK(f.surges.size() == 5);
  for (const auto& x : f.surges) CHECK(x.period == "2024-W09");
  // Shares stayed flat: the statuses of the themes are those of the stream.
  CheckPlantedStatuses(f);
  const std::string json = voc::FindingsToJson(f);
  CHECK(json.find("\"surges\": [") != std::string::npos);
  CHECK(voc::FindingsToHtml(f).find("<h2>Volume surges</h2>") != std::string::npos);
}

TEST_CASE("DetectFindings: a surge on one channel is reported for that channel only") {
  const voc::Findings f = voc::DetectFindings(OnePass(WithSurge(9, "social", 2)));
  REQUIRE(f.surges.size() == 1);
  CHECK(f.surges[0].period == "2024-W10");
  CHECK(f.surges[0].channel == "social");
  CHECK(f.surges[0].ratio == doctest::Approx(3.0).epsilon(0.15));
  CHECK(f.surges[0].reason.find(" on social had ") != std::string::npos);
}

TEST_CASE("DetectFindings: a chronic theme that spiked in the last period says both") {
  std::vector<voc::Analysis> xs = Stream();
  const int64_t last = 1704067200 + int64_t{11} * 7 * 86400;
  const size_t n = xs.size();
  for (size_t i = 0; i < n; ++i) {
    if (!xs[i].timestamp || *xs[i].timestamp < last) continue;
    if (xs[i].themes.empty() || xs[i].themes[0].id != "billing/unexpected-fee") continue;
    for (int k = 0; k < 2; ++k) {
      voc::Analysis c = xs[i];
      c.id += "-again" + std::to_string(k);
      xs.push_back(std::move(c));
    }
  }
  const voc::Findings f = voc::DetectFindings(OnePass(xs));
  const voc::Finding* billing = Find(f, "billing/unexpected-fee");
  REQUIRE(billing != nullptr);
  CHECK(billing->status == voc::FindingStatus::kChronic);
  CHECK(billing->last_significant);
  REQUIRE(billing->also.size() == 1);
  CHECK(billing->also[0] == voc::FindingStatus::kSpike);
  CHECK(billing->status_reason.find("; and it spiked in the last week: ") != std::string::npos);
  CHECK(voc::FindingsToJson(f).find("\"also\": [\n        \"spike\"\n      ]") != std::string::npos);
  // The steady chronic theme says nothing more.
  CHECK(Find(f, "delivery/late")->also.empty());
}

TEST_CASE("DetectFindings: a window too short for the tests gives provisional statuses") {
  voc::FindingsOptions o;
  o.window_periods = 4;
  voc::Findings f = voc::DetectFindings(OnePass(Stream()), o);
  CHECK_FALSE(f.window_sufficient);
  REQUIRE(f.warnings.size() == 1);
  CHECK(f.warnings[0] ==
        "the window has only 4 weeks; the tests need at least 6 (the chronic window of 4 plus 2 "
        "baseline weeks): statuses are provisional");
  REQUIRE(!f.findings.empty());
  for (const auto& x : f.findings) {
    CHECK(x.provisional);
    CHECK(x.status_reason.rfind("provisional: only 4 weeks of data, the tests need 6; ", 0) == 0);
  }
  CHECK(voc::FindingsToHtml(f).find("Too few periods for confident statuses") != std::string::npos);
  CHECK(voc::FindingsToJson(f).find("\"sufficient\": false") != std::string::npos);
  o.min_baseline_periods = 0;
  f = voc::DetectFindings(OnePass(Stream()), o);
  CHECK(f.window_sufficient);
  CHECK(f.warnings.empty());

  o = {};
  o.surge_min_ratio = 0.5;
  CHECK(voc::ValidateFindingsOptions(o).message() == "surge_min_ratio must be >= 1");
  o = {};
  o.surge_alpha = 1;
  CHECK(voc::ValidateFindingsOptions(o).message() == "surge_alpha must be in (0, 1)");
  o = {};
  o.min_baseline_periods = -1;
  CHECK(voc::ValidateFindingsOptions(o).message() == "min_baseline_periods must be >= 0");
}
