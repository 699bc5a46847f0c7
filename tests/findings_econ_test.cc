// Money, score drivers and their merging (voc/economics.h).
#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

#include "insight/findings_economics.h"
#include "voc/aggregate.h"
#include "voc/economics.h"
#include "voc/findings.h"
#include "voc/report.h"

namespace {

constexpr int64_t kJan = 1704067200;  // 2024-01-01 (Monday)

struct Rec {
  voc::Analysis a;
  voc::RecordFigures fig;
};

Rec Make(const std::string& id, int64_t ts, const std::string& channel,
         const std::vector<std::string>& themes, const std::vector<voc::Signal>& signals,
         double sentiment = 0.0, const std::string& customer = "") {
  Rec r;
  r.a.id = id;
  r.a.timestamp = ts;
  r.a.channel = channel;
  r.a.customer_id = customer;
  r.a.text = "text " + id;
  r.a.sentiment.score = sentiment;
  r.a.sentiment.label = sentiment < 0   ? voc::Polarity::kNegative
                        : sentiment > 0 ? voc::Polarity::kPositive
                                        : voc::Polarity::kNeutral;
  for (const std::string& t : themes) {
    voc::ThemeHit h;
    h.id = t;
    h.department = t.substr(0, t.find('/'));
    r.a.themes.push_back(h);
  }
  for (voc::Signal s : signals) {
    voc::SignalHit h;
    h.signal = s;
    r.a.signals.push_back(h);
  }
  return r;
}

voc::Aggregate Build(const std::vector<Rec>& rs, size_t from = 0, size_t to = SIZE_MAX) {
  voc::Aggregate agg;
  for (size_t i = from; i < rs.size() && i < to; ++i) agg.Add(rs[i].a, rs[i].fig);
  return agg;
}

const voc::Finding* Find(const voc::Findings& f, const std::string& theme) {
  for (const voc::Finding& x : f.findings)
    if (x.theme == theme) return &x;
  return nullptr;
}

const voc::Driver* Drv(const voc::Findings& f, const std::string& theme) {
  for (const voc::Driver& x : f.drivers)
    if (x.theme == theme) return &x;
  return nullptr;
}

// A survey with NPS answers: "billing" gets detractors, "delivery" promoters.
std::vector<Rec> NpsSurvey() {
  std::vector<Rec> rs;
  for (int i = 0; i < 200; ++i) {
    std::vector<std::string> themes;
    int score;
    if (i % 4 == 0) {
      themes = {"billing/fees"};
      score = i % 3 == 0 ? 2 : (i % 3 == 1 ? 7 : 9);
    } else if (i % 4 == 1) {
      themes = {"delivery/speed"};
      score = i % 5 == 0 ? 6 : 10;
    } else if (i % 4 == 2) {
      themes = {"billing/fees", "delivery/speed"};
      score = 5 + i % 6;
    } else {
      score = 8;
    }
    Rec r = Make("r" + std::to_string(i), kJan + (i % 4) * 7 * 86400, "call", themes, {});
    r.fig.score = score;
    rs.push_back(r);
  }
  return rs;
}

double Nps(const std::vector<Rec>& rs, const std::string& exclude_theme) {
  double p = 0, d = 0, n = 0;
  for (const Rec& r : rs) {
    bool has = false;
    for (const auto& t : r.a.themes) has = has || t.id == exclude_theme;
    if (has) continue;
    const double s = *r.fig.score;
    n += 1;
    p += s >= 9;
    d += s <= 6;
  }
  return 100.0 * (p - d) / n;
}

}  // namespace

TEST_CASE("money: avoidable and repeat contacts x cost per channel, value at risk") {
  using voc::Signal;
  std::vector<Rec> rs;
  // billing: 3 costly calls (one with both signals), 2 costly e-mails, 1 plain call.
  rs.push_back(Make("1", kJan, "call", {"billing/fees"}, {Signal::kAvoidableContact}));
  rs.push_back(
      Make("2", kJan, "call", {"billing/fees"}, {Signal::kAvoidableContact, Signal::kRepeatContact}));
  rs.push_back(Make("3", kJan + 7 * 86400, "call", {"billing/fees"}, {Signal::kRepeatContact}));
  rs.push_back(Make("4", kJan, "email", {"billing/fees"}, {Signal::kRepeatContact}));
  rs.push_back(Make("5", kJan + 7 * 86400, "email", {"billing/fees"}, {Signal::kAvoidableContact}));
  rs.push_back(Make("6", kJan, "call", {"billing/fees"}, {}));
  // churn: customer A twice (values 100 and 300), B once without a value.
  rs.push_back(Make("7", kJan, "chat", {"billing/fees"}, {Signal::kChurnRisk}, -0.5, "A"));
  rs.back().fig.value = 100;
  rs.push_back(Make("8", kJan + 7 * 86400, "chat", {"billing/fees"}, {Signal::kChurnRisk}, -0.5, "A"));
  rs.back().fig.value = 300;
  rs.push_back(Make("9", kJan, "chat", {"billing/fees"}, {Signal::kChurnRisk}, -0.5, "B"));
  rs.push_back(Make("10", kJan, "call", {"delivery/speed"}, {}));

  voc::Aggregate agg = Build(rs);

  SUBCASE("absent options: no money figures, no money in the JSON") {
    voc::Findings f = voc::DetectFindings(agg, {});
    const voc::Finding* b = Find(f, "billing/fees");
    REQUIRE(b);
    CHECK_FALSE(b->money.has_cost);
    CHECK_FALSE(b->money.has_value);
    CHECK(f.money_by_department.empty());
    const std::string json = voc::FindingsToJson(f);
    CHECK(json.find("\"money\"") == std::string::npos);
    CHECK(json.find("contact_cost") == std::string::npos);
  }

  SUBCASE("costs per channel, per period and over the window") {
    voc::FindingsOptions o;
    REQUIRE(voc::ParseCostPerContact("4, email=1.5", &o).ok());
    o.currency = "EUR";
    voc::Findings f = voc::DetectFindings(agg, o);
    const voc::Finding* b = Find(f, "billing/fees");
    REQUIRE(b);
    CHECK(b->money.has_cost);
    CHECK(b->money.costly_contacts == 5);  // a record with both signals counts once
    CHECK(b->money.contact_cost == doctest::Approx(3 * 4.0 + 2 * 1.5));
    REQUIRE(b->money.by_period.size() == 2);
    CHECK(b->money.by_period[0].contacts == 3);
    CHECK(b->money.by_period[0].cost == doctest::Approx(2 * 4.0 + 1.5));
    CHECK(b->money.by_period[1].cost == doctest::Approx(4.0 + 1.5));
    CHECK(b->money.why.find("EUR 15") != std::string::npos);
    CHECK_FALSE(b->money.has_value);
    CHECK(f.money.contact_cost == doctest::Approx(15.0));
  }

  SUBCASE("a channel without a cost is counted, not costed") {
    voc::FindingsOptions o;
    REQUIRE(voc::ParseCostPerContact("call=4", &o).ok());
    voc::Findings f = voc::DetectFindings(agg, o);
    const voc::Finding* b = Find(f, "billing/fees");
    CHECK(b->money.contact_cost == doctest::Approx(12.0));
    CHECK(b->money.uncosted_contacts == 2);
    CHECK(b->money.why.find("not costed") != std::string::npos);
  }

  SUBCASE("value at risk: distinct customers, largest recorded value, constant fallback") {
    voc::FindingsOptions o;
    o.value_per_record = true;
    voc::Findings f = voc::DetectFindings(agg, o);
    const voc::Finding* b = Find(f, "billing/fees");
    CHECK(b->money.has_value);
    CHECK(b->money.distinct_customers);
    CHECK(b->money.customers_at_risk == 2);
    CHECK(b->money.churn_verbatims == 3);
    CHECK(b->money.value_at_risk == doctest::Approx(300.0));
    CHECK(b->money.without_value == 1);
    o.customer_value = 50;
    f = voc::DetectFindings(agg, o);
    CHECK(Find(f, "billing/fees")->money.value_at_risk == doctest::Approx(350.0));
    o.value_per_record = false;
    f = voc::DetectFindings(agg, o);
    CHECK(Find(f, "billing/fees")->money.value_at_risk == doctest::Approx(100.0));
  }

  SUBCASE("value at risk without customer ids: one customer per churn verbatim") {
    std::vector<Rec> anon = rs;
    for (Rec& r : anon) r.a.customer_id.clear();
    voc::FindingsOptions o;
    o.value_per_record = true;
    voc::Findings f = voc::DetectFindings(Build(anon), o);
    const voc::Finding* b = Find(f, "billing/fees");
    CHECK_FALSE(b->money.distinct_customers);
    CHECK(b->money.customers_at_risk == 3);
    CHECK(b->money.value_at_risk == doctest::Approx(400.0));
    CHECK(b->money.without_value == 1);
  }

  SUBCASE("department totals and the JSON, CSV and digest explain the figures") {
    voc::FindingsOptions o;
    o.cost_per_contact = 2;
    o.customer_value = 10;
    voc::Findings f = voc::DetectFindings(agg, o);
    REQUIRE(f.money_by_department.size() == 2);
    CHECK(f.money_by_department[0].department == "billing");
    CHECK(f.money_by_department[0].contact_cost == doctest::Approx(10.0));
    CHECK(f.money_by_department[0].value_at_risk == doctest::Approx(20.0));
    const std::string json = voc::FindingsToJson(f);
    CHECK(json.find("\"money\"") != std::string::npos);
    CHECK(json.find("\"by_department\"") != std::string::npos);
    const std::string csv = voc::FindingsToCsv(f);
    CHECK(csv.find("contact_cost,costly_contacts,value_at_risk") != std::string::npos);
    bool found = false;
    for (const voc::Digest& d : voc::DepartmentDigests(f))
      if (d.department == "billing")
        found = d.markdown.find("- Money: 5 avoidable or repeat contacts") != std::string::npos;
    CHECK(found);
    CHECK(voc::FindingsToHtml(f).find("What it costs") != std::string::npos);
  }
}

TEST_CASE("money: options are checked") {
  voc::FindingsOptions o;
  CHECK(voc::ParseCostPerContact("abc", &o).message().find("'abc'") != std::string::npos);
  CHECK_FALSE(voc::ParseCostPerContact("call=-1", &o).ok());
  CHECK_FALSE(voc::ParseCostPerContact("=3", &o).ok());
  voc::FindingsOptions twice;
  CHECK(voc::ParseCostPerContact("call=1,call=2", &twice).message().find("twice") != std::string::npos);
  voc::FindingsOptions neg;
  neg.customer_value = -5;
  CHECK(voc::ValidateFindingsOptions(neg).message().find("customer_value") != std::string::npos);
  CHECK(voc::ParseScoreKind("nps").ok());
  CHECK(voc::ParseScoreKind("bogus").status().message().find("bogus") != std::string::npos);
  CHECK(voc::ParseRankBy("cost").ok());
  CHECK_FALSE(voc::ParseRankBy("size").ok());
}

TEST_CASE("score fields: numbers, blanks and garbage") {
  voc::RecordFigures f;
  voc::ParseScoreField(" 9 ", &f);
  CHECK(f.score == 9.0);
  voc::ParseScoreField("4,5", &f);
  CHECK(f.score == 4.5);
  voc::ParseScoreField("", &f);
  CHECK_FALSE(f.score);
  CHECK_FALSE(f.score_invalid);
  voc::ParseScoreField("N/A", &f);
  CHECK_FALSE(f.score_invalid);
  voc::ParseScoreField("great", &f);
  CHECK(f.score_invalid);
  voc::ParseScoreField("inf", &f);
  CHECK(f.score_invalid);
  voc::ParseScoreField("1e9", &f);
  CHECK(f.score_invalid);
  voc::ParseValueField("-3", &f);
  CHECK(f.value_invalid);
  voc::ParseValueField("1200.50", &f);
  CHECK(f.value == 1200.5);
}

TEST_CASE("drivers: NPS leave-one-out impact equals the direct computation") {
  const std::vector<Rec> rs = NpsSurvey();
  voc::FindingsOptions o;
  o.score_name = "nps";
  const voc::Findings f = voc::DetectFindings(Build(rs), o);
  CHECK(f.score.kind == voc::ScoreKind::kNps);  // auto: integers 0..10 above 5
  CHECK_FALSE(f.score.from_sentiment);
  CHECK(f.score.n == 200);
  const double all = Nps(rs, "");
  CHECK(f.score.score == doctest::Approx(all).epsilon(1e-4));
  for (const char* theme : {"billing/fees", "delivery/speed"}) {
    const voc::Driver* d = Drv(f, theme);
    REQUIRE(d);
    CHECK(d->impact.valid);
    CHECK(d->impact.impact == doctest::Approx(all - Nps(rs, theme)).epsilon(1e-4));
    CHECK(d->impact.ci_low <= d->impact.impact);
    CHECK(d->impact.ci_high >= d->impact.impact);
    const voc::Finding* x = Find(f, theme);
    REQUIRE(x);
    CHECK(x->impact.impact == d->impact.impact);
  }
  CHECK(Drv(f, "billing/fees")->impact.impact < 0);
  CHECK(Drv(f, "delivery/speed")->impact.impact > 0);
  CHECK(f.drivers.front().theme == "billing/fees");  // most negative first
  // Relative weights split the R^2 among the themes.
  double sum = 0;
  for (const voc::Driver& d : f.drivers) sum += d.impact.relative_weight;
  CHECK(sum == doctest::Approx(1.0).epsilon(1e-3));
  CHECK(f.score.r2 > 0);
  CHECK(f.score.r2 < 1);
  CHECK(Drv(f, "billing/fees")->impact.why.find("% of the R^2") != std::string::npos);
  // Without relative weights: the same impacts, no weights, no R^2 in the text.
  o.relative_weights = false;
  const voc::Findings g = voc::DetectFindings(Build(rs), o);
  REQUIRE(g.drivers.size() == f.drivers.size());
  for (size_t i = 0; i < g.drivers.size(); ++i) {
    CAPTURE(g.drivers[i].theme);
    CHECK(g.drivers[i].impact.impact == f.drivers[i].impact.impact);
    CHECK(g.drivers[i].impact.relative_weight == 0);
    CHECK(g.drivers[i].impact.why.find("R^2") == std::string::npos);
  }
  CHECK(g.score.r2 == 0);
}

TEST_CASE("drivers: CSAT is the share of 4-5, mean otherwise, sentiment without scores") {
  std::vector<Rec> rs;
  for (int i = 0; i < 40; ++i) {
    Rec r = Make("c" + std::to_string(i), kJan, "web",
                 i < 10 ? std::vector<std::string>{"size/fit"} : std::vector<std::string>{}, {},
                 i < 10 ? -0.5 : 0.25);
    r.fig.score = i < 10 ? 1 + i % 3 : 3 + i % 3;  // theme: 1..3; rest: 3..5
    rs.push_back(r);
  }
  // CSAT all: answers 4-5 among the 30 others: i%3 in {1,2} -> 20 of 40.
  voc::FindingsOptions o;
  o.score_name = "Rating";
  voc::Findings f = voc::DetectFindings(Build(rs), o);
  CHECK(f.score.kind == voc::ScoreKind::kCsat);
  CHECK(f.score.score == doctest::Approx(100.0 * 20 / 40));
  const voc::Driver* d = Drv(f, "size/fit");
  REQUIRE(d);
  CHECK(d->impact.theme_score == doctest::Approx(0.0));
  CHECK(d->impact.impact == doctest::Approx(50.0 - 100.0 * 20 / 30).epsilon(1e-4));

  o.score_kind = voc::ScoreKind::kMean;
  f = voc::DetectFindings(Build(rs), o);
  double all = 0, rest = 0;
  for (int i = 0; i < 40; ++i) {
    all += *rs[i].fig.score;
    if (i >= 10) rest += *rs[i].fig.score;
  }
  CHECK(Drv(f, "size/fit")->impact.impact == doctest::Approx(all / 40 - rest / 30).epsilon(1e-4));

  // No score column and no scores: the sentiment score, said so.
  std::vector<Rec> plain = rs;
  for (Rec& r : plain) r.fig = {};
  f = voc::DetectFindings(Build(plain), {});
  CHECK(f.score.from_sentiment);
  CHECK(f.score.name == "sentiment");
  CHECK(Drv(f, "size/fit")->impact.impact == doctest::Approx((-5.0 + 7.5) / 40 - 0.25).epsilon(1e-4));
  CHECK(f.score.method.find("no score column") != std::string::npos);
}

TEST_CASE("drivers: non-numeric and out-of-scale scores are counted, never fatal") {
  std::vector<Rec> rs = NpsSurvey();
  rs[0].fig.score.reset();
  rs[0].fig.score_invalid = true;  // "great"
  rs[1].fig.score = 42;            // numeric, outside NPS
  voc::FindingsOptions o;
  o.score_name = "nps";
  o.score_kind = voc::ScoreKind::kNps;
  const voc::Findings f = voc::DetectFindings(Build(rs), o);
  CHECK(f.score.invalid == 1);
  CHECK(f.score.out_of_range == 1);
  CHECK(f.score.n == 198);
  bool warned = false;
  for (const std::string& w : f.warnings) warned = warned || w.find("not a number") != std::string::npos;
  CHECK(warned);
}

TEST_CASE("drivers: the bootstrap is deterministic and merging partial aggregates changes nothing") {
  const std::vector<Rec> rs = NpsSurvey();
  voc::FindingsOptions o;
  o.score_name = "nps";
  const voc::Aggregate one = Build(rs);
  voc::Aggregate parts = Build(rs, 0, 70);
  voc::Aggregate b = Build(rs, 70, 130), c = Build(rs, 130);
  REQUIRE(c.Merge(b).ok());
  REQUIRE(parts.Merge(c).ok());
  CHECK(parts.Serialize() == one.Serialize());
  voc::Result<voc::Aggregate> back = voc::Aggregate::Deserialize(one.Serialize());
  REQUIRE(back.ok());
  CHECK(back->Serialize() == one.Serialize());
  const voc::Findings f1 = voc::DetectFindings(one, o), f2 = voc::DetectFindings(parts, o),
                      f3 = voc::DetectFindings(*back, o);
  REQUIRE(f1.drivers.size() == f2.drivers.size());
  for (size_t i = 0; i < f1.drivers.size(); ++i) {
    CHECK(f1.drivers[i].theme == f2.drivers[i].theme);
    CHECK(f1.drivers[i].impact.impact == f2.drivers[i].impact.impact);
    CHECK(f1.drivers[i].impact.ci_low == f2.drivers[i].impact.ci_low);
    CHECK(f1.drivers[i].impact.ci_high == f2.drivers[i].impact.ci_high);
    CHECK(f1.drivers[i].impact.ci_low == f3.drivers[i].impact.ci_low);
    CHECK(f1.drivers[i].impact.relative_weight == f2.drivers[i].impact.relative_weight);
  }
  CHECK(voc::FindingsToJson(f1) == voc::FindingsToJson(f2));
  // More resamples move the interval a little, never the estimate.
  voc::FindingsOptions o2 = o;
  o2.bootstrap_samples = 200;
  const voc::Findings f4 = voc::DetectFindings(one, o2);
  CHECK(f4.drivers[0].impact.impact == f1.drivers[0].impact.impact);
}

TEST_CASE("drivers: rank by impact or by cost") {
  std::vector<Rec> rs = NpsSurvey();
  rs[4].a.signals.push_back({voc::Signal::kAvoidableContact, {}});  // a billing record
  voc::FindingsOptions o;
  o.score_name = "nps";
  o.rank_by = voc::RankBy::kImpact;
  voc::Findings f = voc::DetectFindings(Build(rs), o);
  REQUIRE(f.findings.size() >= 2);
  CHECK(f.findings[0].theme == "billing/fees");
  o.rank_by = voc::RankBy::kCost;
  o.cost_per_contact = 3;
  f = voc::DetectFindings(Build(rs), o);
  CHECK(f.findings[0].theme == "billing/fees");
  CHECK(f.findings[0].money.contact_cost == doctest::Approx(3.0));
}

TEST_CASE("relative weights: one predictor gets its squared correlation") {
  const std::vector<double> eps = voc::internal::RelativeWeights({1.0}, {0.6}, 1);
  REQUIRE(eps.size() == 1);
  CHECK(eps[0] == doctest::Approx(0.36));
  // Two uncorrelated predictors: each its own r^2.
  const std::vector<double> two = voc::internal::RelativeWeights({1, 0, 0, 1}, {0.3, 0.4}, 2);
  CHECK(two[0] == doctest::Approx(0.09));
  CHECK(two[1] == doctest::Approx(0.16));
  // Correlated predictors: the weights still sum to the regression R^2
  // r' Rxx^-1 r.
  const double r12 = 0.5, r1 = 0.4, r2 = 0.3;
  const double R2 = (r1 * r1 + r2 * r2 - 2 * r1 * r2 * r12) / (1 - r12 * r12);
  const std::vector<double> cor = voc::internal::RelativeWeights({1, r12, r12, 1}, {r1, r2}, 2);
  CHECK(cor[0] + cor[1] == doctest::Approx(R2));
  CHECK(cor[0] > cor[1]);
}
