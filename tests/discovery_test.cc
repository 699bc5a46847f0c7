#include "voc/discovery.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include <algorithm>
#include <map>
#include <set>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "insight/aggregate_data.h"
#include "voc/aggregate.h"
#include "voc/analyzer.h"
#include "voc/economics.h"
#include "voc/findings.h"
#include "voc/reader.h"
#include "voc/report.h"
#include "voc/taxonomy.h"

namespace {

// 10 ISO weeks of airline complaints, ~300 a week, none with a known theme
// unless `known` (then the refund ones are covered by "billing/refund"):
//   luggage   ~40 a week, said three ways: "lost luggage", "lost bag",
//             "baggage claim"
//   refund    ~30 a week: "refund request", "refund still pending"
//   seat      ~25 a week: "seat upgrade", "extra legroom"
//   app       0 a week, then 40 in each of the last two weeks: "app crashes"
//   the rest  varied filler
// Every text names the brand "skyfleet" and most "flight", evenly.
std::vector<voc::Analysis> Airline(uint64_t seed, bool known = false) {
  std::mt19937_64 rng(seed);
  auto uni = [&](size_t n) { return static_cast<size_t>(rng() % n); };
  const char* filler[] = {"gate",    "crew",    "snack",        "window",    "pilot",    "terminal",
                          "airport", "ticket",  "boarding",     "lounge",    "coffee",   "music",
                          "movie",   "blanket", "pillow",       "sandwich",  "magazine", "weather",
                          "runway",  "captain", "announcement", "passenger", "morning",  "evening",
                          "route",   "city"};
  const size_t nf = sizeof(filler) / sizeof(filler[0]);
  auto fill = [&](int n) {
    std::string s;
    for (int i = 0; i < n; ++i) s += std::string(" ") + filler[uni(nf)] + ".";
    return s;
  };
  const char* luggage[] = {"They lost luggage on my trip", "My lost bag never arrived",
                           "Waited an hour at baggage claim", "Still no lost luggage update",
                           "The baggage claim desk lost bag reports"};
  const char* refund[] = {"I filed a refund request", "My refund still pending after weeks",
                          "Where is my refund request"};
  const char* seat[] = {"Paid for a seat upgrade", "The extra legroom seat upgrade was gone",
                        "No extra legroom as promised"};
  const char* channels[] = {"email", "social", "chat"};
  std::vector<voc::Analysis> out;
  int id = 0;
  for (int w = 0; w < 10; ++w) {
    auto add = [&](const std::string& body, bool covered) {
      voc::Analysis a;
      a.id = "a" + std::to_string(id++);
      a.timestamp = 1704067200 + int64_t{w} * 7 * 86400 + static_cast<int64_t>(uni(7 * 86400));
      a.channel = channels[uni(3)];
      // One draw per statement: the operands of one expression are evaluated
      // in an order the compiler chooses (gcc and clang differ).
      const bool flight = uni(4) != 0;
      const std::string filled = fill(3);
      const bool mail = uni(5) == 0;
      a.text = "Skyfleet" + std::string(flight ? " flight. " : ". ") + body + "." + filled +
               (mail ? " Mail me at [EMAIL]." : "");
      a.sentiment.label = uni(3) ? voc::Polarity::kNegative : voc::Polarity::kNeutral;
      a.sentiment.score = a.sentiment.label == voc::Polarity::kNegative ? -0.5 : 0.0;
      if (covered) {
        voc::ThemeHit h;
        h.id = "billing/refund";
        a.themes.push_back(h);
      }
      out.push_back(std::move(a));
    };
    for (int i = 0; i < 40; ++i) add(luggage[uni(5)], false);
    for (int i = 0; i < 30; ++i) add(refund[uni(3)], known);
    for (int i = 0; i < 25; ++i) add(seat[uni(3)], false);
    if (w >= 8)
      for (int i = 0; i < 40; ++i) add(std::string("The app crashes at check in"), false);
    for (int i = 0; i < 200; ++i) add("Note" + fill(4), false);
  }
  return out;
}

voc::Aggregate OnePass(const std::vector<voc::Analysis>& xs, const voc::AggregateOptions& o = {}) {
  voc::Aggregate a(o);
  for (const auto& x : xs) a.Add(x);
  return a;
}

const voc::DiscoveredTheme* WithPhrase(const voc::Discovery& d, const std::string& phrase) {
  for (const auto& t : d.themes)
    for (const auto& p : t.phrases)
      if (p.phrase == phrase) return &t;
  return nullptr;
}

std::string Summary(const voc::Discovery& d) {
  std::string s;
  for (const auto& t : d.themes) {
    s += t.id + "|" + t.name + "|" + std::to_string(t.sample_count) + "|" + t.rule + "|" +
         voc::FindingStatusName(t.finding.status) + "|";
    for (const auto& m : t.members) s += m + ",";
    for (const auto& q : t.examples) s += q.id + ",";
    s += "\n";
  }
  return s;
}

}  // namespace

TEST_CASE("DiscoverThemes: planted themes are found, grouped, named and tracked") {
  const voc::Discovery d = voc::DiscoverThemes(OnePass(Airline(1)));
  INFO(Summary(d));
  REQUIRE(d.themes.size() >= 4);
  CHECK(d.sampled == d.records);  // below the sample size nothing is sampled away
  // One theme for the three ways of saying it.
  const voc::DiscoveredTheme* lug = WithPhrase(d, "lost luggage");
  REQUIRE(lug != nullptr);
  CHECK(WithPhrase(d, "baggage claim") == lug);
  CHECK(WithPhrase(d, "lost bag") == lug);
  CHECK(lug->sample_count >= 380);
  CHECK(lug->sample_count <= 420);
  CHECK(lug->rule_precision >= 0.9);
  CHECK(lug->rule_recall >= 0.9);
  CHECK(lug->id.rfind("discovered/", 0) == 0);
  CHECK(lug->examples.size() == 3);
  CHECK(lug->members.size() == lug->sample_count);
  // The new issue of the last weeks is discovered and called emerging.
  const voc::DiscoveredTheme* app = WithPhrase(d, "app crashes");
  REQUIRE(app != nullptr);
  CHECK(app->finding.status == voc::FindingStatus::kEmerging);
  CHECK(app->sample_count == 80);
  CHECK(app->finding.series.size() == 10);
  CHECK(app->finding.series.back().count == 40);
  // The steady ones are not emerging.
  CHECK(lug->finding.status != voc::FindingStatus::kEmerging);
  // The brand is ubiquitous and names nothing.
  CHECK(std::find(d.ubiquitous.begin(), d.ubiquitous.end(), "skyfleet") != d.ubiquitous.end());
  std::vector<std::string> names;
  for (const auto& t : d.themes) {
    CHECK(t.name.find("skyfleet") == std::string::npos);
    CHECK(t.name.find("email") == std::string::npos);
    CHECK_FALSE(t.name.empty());
    names.push_back(t.name);
    CHECK_FALSE(t.rule.empty());
  }
  std::sort(names.begin(), names.end());
  CHECK(std::adjacent_find(names.begin(), names.end()) == names.end());
}

TEST_CASE("DiscoverThemes: the same themes for any thread count or split, and after a round trip") {
  const std::vector<voc::Analysis> xs = Airline(2);
  voc::AggregateOptions o;
  o.discovery_sample = 1500;  // smaller than the input: the sample decides
  const voc::Aggregate one = OnePass(xs, o);
  const std::string want = Summary(voc::DiscoverThemes(one));
  REQUIRE(!want.empty());
  for (int threads : {2, 3, 8}) {
    std::vector<voc::Aggregate> parts(threads, voc::Aggregate(o));
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t)
      pool.emplace_back([&, t] {
        for (size_t i = t; i < xs.size(); i += threads) parts[t].Add(xs[i]);
      });
    for (auto& th : pool) th.join();
    voc::Aggregate merged(o);
    for (int t = threads - 1; t >= 0; --t) REQUIRE(merged.Merge(parts[t]).ok());
    CHECK(merged.Serialize() == one.Serialize());
    CHECK_MESSAGE(Summary(voc::DiscoverThemes(merged)) == want, threads << " threads");
  }
  // Random partitions merged as a tree (as Dask does).
  std::mt19937_64 rng(5);
  std::vector<voc::Analysis> shuffled = xs;
  std::shuffle(shuffled.begin(), shuffled.end(), rng);
  std::vector<voc::Aggregate> parts;
  for (size_t i = 0; i < shuffled.size(); i += 337) {
    voc::Aggregate a(o);
    for (size_t j = i; j < std::min(shuffled.size(), i + 337); ++j) a.Add(shuffled[j]);
    parts.push_back(std::move(a));
  }
  while (parts.size() > 1) {
    std::vector<voc::Aggregate> next;
    for (size_t i = 0; i + 1 < parts.size(); i += 2) {
      REQUIRE(parts[i].Merge(parts[i + 1]).ok());
      next.push_back(std::move(parts[i]));
    }
    if (parts.size() % 2) next.push_back(std::move(parts.back()));
    parts = std::move(next);
  }
  CHECK(Summary(voc::DiscoverThemes(parts[0])) == want);
  voc::Result<voc::Aggregate> back = voc::Aggregate::Deserialize(one.Serialize());
  REQUIRE(back.ok());
  CHECK(Summary(voc::DiscoverThemes(*back)) == want);
}

TEST_CASE("Aggregate: the discovery sample stays bounded and is the smallest hashes") {
  const std::vector<voc::Analysis> xs = Airline(3);
  voc::AggregateOptions o;
  o.discovery_sample = 200;
  const voc::Aggregate a = OnePass(xs, o);
  CHECK(voc::ImplOf(a).Sample().size() == 200);
  const voc::Discovery d = voc::DiscoverThemes(a);
  CHECK(d.sampled == 200);
  CHECK(d.records == xs.size());
  CHECK(d.scale == doctest::Approx(static_cast<double>(xs.size()) / 200));
  // The luggage theme (~13% of records) is still found on 200 records.
  REQUIRE(WithPhrase(d, "lost luggage") != nullptr);
  const auto* lug = WithPhrase(d, "lost luggage");
  INFO(Summary(d));
  // On 200 records "baggage claim" stays apart, so the theme is the records
  // that say "lost" (4 of the 5 luggage texts, ~320 of 3,000); its size is
  // estimated from the sample within sampling error.
  size_t lost = 0;
  for (const auto& x : xs) lost += x.text.find(" lost ") != std::string::npos;
  CHECK(lost > 250);
  CHECK(lug->estimated == doctest::Approx(static_cast<double>(lost)).epsilon(0.35));
  CHECK(lug->estimated > 0);
  voc::AggregateOptions other = o;
  other.discovery_sample = 300;
  voc::Aggregate b(other);
  CHECK(voc::ImplOf(a).Sample().size() == 200);
  voc::Aggregate c = a;
  CHECK(c.Merge(b).message().find("discovery_sample=200") != std::string::npos);
  o.discovery_sample = 0;
  const voc::Discovery none = voc::DiscoverThemes(OnePass(xs, o));
  CHECK(none.themes.empty());
  REQUIRE(none.warnings.size() == 1);
  CHECK(none.warnings[0] == "no discovery sample in the aggregate (discovery_sample = 0)");
}

TEST_CASE("DiscoverThemes: known themes are the background, not rediscovered") {
  const voc::Discovery d = voc::DiscoverThemes(OnePass(Airline(4, /*known=*/true)));
  INFO(Summary(d));
  CHECK(WithPhrase(d, "refund request") == nullptr);
  CHECK(WithPhrase(d, "lost luggage") != nullptr);
  CHECK(d.uncovered + 300 == d.sampled);
}

TEST_CASE("DiscoveryDraft: a taxonomy with the base and the discovered themes") {
  const voc::Discovery d = voc::DiscoverThemes(OnePass(Airline(1)));
  voc::Result<std::string> draft = voc::DiscoveryDraft(d, "{\"themes\": []}");
  REQUIRE(draft.ok());
  auto tax = voc::Taxonomy::Parse(*draft);
  REQUIRE_MESSAGE(tax.ok(), tax.status().message());
  CHECK(draft->find("\"department\": \"unassigned\"") != std::string::npos);
  CHECK(draft->find("\"comment\": \"about ") != std::string::npos);
  for (const auto& t : d.themes) CHECK(draft->find("\"id\": \"" + t.id + "\"") != std::string::npos);
  // An empty base is the empty taxonomy; a base keeps its themes.
  CHECK(voc::DiscoveryDraft(d, "").ok());
  voc::Result<std::string> with = voc::DiscoveryDraft(
      d, R"({"name": "mine", "themes": [{"id": "billing/refund", "rules": [{"include": "refund"}]}]})");
  REQUIRE(with.ok());
  CHECK(with->find("\"billing/refund\"") != std::string::npos);
  CHECK(voc::Taxonomy::Parse(*with).ok());
  CHECK(voc::DiscoveryDraft(d, "[1]").status().message() == "base taxonomy: not a JSON object");
  CHECK(voc::DiscoveryDraft(d, "{").status().message() == "base taxonomy: not valid JSON");
  CHECK(voc::DiscoveryDraft(d, "{\"themes\": 3}").status().message() == "base taxonomy: no \"themes\" array");
}

TEST_CASE("DiscoverThemes: planted PII never reaches names, phrases, rules or examples") {
  voc::AnalyzerOptions ao;
  ao.models_dir = VOC_SOURCE_DIR "/models";
  ao.themes = VOC_SOURCE_DIR "/tests/data/taxonomy/empty.json";
  auto an = voc::Analyzer::Create(ao);
  REQUIRE_MESSAGE(an.ok(), an.status().message());
  std::mt19937_64 rng(9);
  const std::vector<std::string> pii = {"jane.doe@example.com", "555-867-5309", "4111 1111 1111 1111",
                                        "123-45-6789"};
  voc::Aggregate agg;
  for (int i = 0; i < 600; ++i) {
    voc::Record r;
    r.id = "p" + std::to_string(i);
    r.timestamp = 1704067200 + int64_t{i} * 3600;
    const std::string& x = pii[rng() % pii.size()];
    const char* bodies[] = {"my card was declined at checkout, call me at ",
                            "the router keeps dropping wifi, write to ",
                            "billing portal login fails again, my number is ",
                            "the parcel arrived damaged and late, reach me at "};
    r.text = std::string(bodies[i % 4]) + x + " thanks";
    agg.Add((*an)->Analyze(r));
  }
  const voc::Discovery d = voc::DiscoverThemes(agg);
  REQUIRE(!d.themes.empty());
  const std::string all = Summary(d) + *voc::DiscoveryDraft(d, "");
  std::string texts;
  for (const auto& t : d.themes) {
    texts += t.name + t.rule;
    for (const auto& p : t.phrases) texts += p.phrase + "|";
    for (const auto& q : t.examples) texts += q.snippet + "|";
  }
  for (const std::string& x : pii) {
    CHECK_MESSAGE(all.find(x) == std::string::npos, x);
    CHECK_MESSAGE(texts.find(x) == std::string::npos, x);
  }
  for (const char* digits : {"5309", "1111", "6789", "jane", "example"})
    CHECK_MESSAGE(texts.find(digits) == std::string::npos, digits);
}

TEST_CASE("DiscoverThemes: a discovered theme's impact on the score is the leave-one-out on the sample") {
  // NPS answers: the luggage complaints 0-3 (detractors), everyone else 7-10.
  const std::vector<voc::Analysis> xs = Airline(3);
  std::vector<voc::RecordFigures> figs(xs.size());
  std::map<std::string, int> answer;
  for (size_t i = 0; i < xs.size(); ++i) {
    const bool luggage =
        xs[i].text.find("lost") != std::string::npos || xs[i].text.find("baggage claim") != std::string::npos;
    const int x = luggage ? static_cast<int>(i % 4) : 7 + static_cast<int>(i % 4);
    voc::ParseScoreField(std::to_string(x), &figs[i]);
    answer[xs[i].id] = x;
  }
  voc::AggregateOptions ao;
  ao.discovery_sample = 1500;  // a sample of about half the records
  voc::Aggregate agg(ao);
  for (size_t i = 0; i < xs.size(); ++i) agg.Add(xs[i], figs[i]);
  voc::FindingsOptions fo;
  fo.score_name = "nps";
  const voc::Discovery d = voc::DiscoverThemes(agg, {}, fo);
  const voc::DiscoveredTheme* lug = WithPhrase(d, "lost luggage");
  REQUIRE(lug);

  // Direct computation over the sampled records.
  const auto& sample = voc::ImplOf(agg).Sample();
  REQUIRE(sample.size() == 1500);
  std::set<std::string> members(lug->members.begin(), lug->members.end());
  auto nps = [&](bool skip_members) {
    double n = 0, pro = 0, det = 0;
    for (const auto& s : sample) {
      if (skip_members && members.count(s.id)) continue;
      const int x = answer.at(s.id);
      n += 1;
      pro += x >= 9;
      det += x <= 6;
    }
    return 100.0 * (pro - det) / n;
  };
  const voc::Impact& im = lug->finding.impact;
  REQUIRE(im.valid);
  CHECK(im.n == members.size());
  CHECK(im.impact == doctest::Approx(nps(false) - nps(true)).epsilon(1e-4));
  CHECK(im.impact < -5);  // detractors drag the NPS down
  CHECK(im.ci_low <= im.impact);
  CHECK(im.ci_high >= im.impact);
  CHECK(im.why.find("discovery sample (1500 of") != std::string::npos);
  CHECK(im.relative_weight == 0);  // not in the regression of the known themes
  CHECK(im.why.find("R^2") == std::string::npos);

  // The findings carry it on the unknown theme and in the drivers, and the
  // saved aggregate gives the same impact.
  const voc::Findings f = voc::DetectFindings(agg, fo);
  const voc::UnknownTheme* u = nullptr;
  for (const auto& t : f.unknown_themes)
    if (t.id == lug->id) u = &t;
  REQUIRE(u);
  CHECK(u->impact.impact == im.impact);
  bool in_drivers = false;
  for (const voc::Driver& dr : f.drivers)
    if (dr.theme == lug->id) in_drivers = dr.department == "unassigned" && dr.impact.impact == im.impact;
  CHECK(in_drivers);
  const std::string json = voc::FindingsToJson(f);
  CHECK(json.find("estimated on the discovery sample") != std::string::npos);
  CHECK(voc::FindingsToHtml(f).find("Impact on the score: NPS") != std::string::npos);
  voc::Result<voc::Aggregate> back = voc::Aggregate::Deserialize(agg.Serialize());
  REQUIRE(back.ok());
  const voc::Discovery d2 = voc::DiscoverThemes(*back, {}, fo);
  const voc::DiscoveredTheme* lug2 = WithPhrase(d2, "lost luggage");
  REQUIRE(lug2);
  CHECK(lug2->finding.impact.impact == im.impact);
  CHECK(lug2->finding.impact.ci_low == im.ci_low);

  // Undated records make no findings; the impact is there all the same.
  voc::Aggregate undated(ao);
  for (size_t i = 0; i < xs.size(); ++i) {
    voc::Analysis a = xs[i];
    a.timestamp.reset();
    undated.Add(a, figs[i]);
  }
  const voc::Discovery d3 = voc::DiscoverThemes(undated, {}, fo);
  const voc::DiscoveredTheme* lug3 = WithPhrase(d3, "lost luggage");
  REQUIRE(lug3);
  CHECK(lug3->finding.impact.valid);
  CHECK(lug3->finding.impact.impact == doctest::Approx(im.impact).epsilon(1e-3));
}

namespace {

std::string WriteBackground(const std::string& name, const std::string& text) {
  const std::string path = (std::filesystem::temp_directory_path() / ("voc_discovery_bg_" + name)).string();
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

}  // namespace

TEST_CASE("DiscoverThemes: a phrase common in general text is no theme, a distinctive one is") {
  const voc::Aggregate agg = OnePass(Airline(1));
  voc::DiscoveryOptions none;
  none.background = "none";
  const voc::Discovery plain = voc::DiscoverThemes(agg, none);
  REQUIRE(WithPhrase(plain, "lost luggage") != nullptr);
  CHECK(plain.background.empty());
  // The luggage words are as common in this background as in the 13% of the
  // records about them: no lift over general text.
  voc::DiscoveryOptions o;
  o.background = WriteBackground("luggage.tsv",
                                 "# common words\nphrase\tper_million\nlost\t150000\nluggage\t150000\n"
                                 "lost luggage\t150000\nbag\t150000\nlost bag\t150000\nbaggage\t150000\n"
                                 "claim\t150000\nbaggage claim\t150000\nupdate\t150000\ndesk\t150000\n"
                                 "reports\t150000\ncrashes\t10\n");
  REQUIRE(voc::ValidateDiscoveryOptions(o).ok());
  const voc::Discovery d = voc::DiscoverThemes(agg, o);
  INFO(Summary(d));
  CHECK(d.background == o.background);
  for (const auto& t : d.themes)
    for (const char* w : {"luggage", "bag", "claim", "update", "desk"})
      CHECK(t.name.find(w) == std::string::npos);
  CHECK(WithPhrase(d, "lost luggage") == nullptr);
  // A phrase rare in general text still makes its theme.
  const voc::DiscoveredTheme* app = WithPhrase(d, "app crashes");
  REQUIRE(app != nullptr);
  CHECK(app->sample_count == 80);
  // The shipped background (models/background.tsv) is the default and holds
  // words of any text, never this test's planted themes.
  const voc::Discovery shipped = voc::DiscoverThemes(agg);
  CHECK_FALSE(shipped.background.empty());
  CHECK(WithPhrase(shipped, "lost luggage") != nullptr);
  CHECK(WithPhrase(shipped, "app crashes") != nullptr);
}

TEST_CASE("ValidateDiscoveryOptions: a bad background file names its line and the fault") {
  auto message = [](const std::string& name, const std::string& text) {
    voc::DiscoveryOptions o;
    o.background = WriteBackground(name, text);
    const voc::Status st = voc::ValidateDiscoveryOptions(o);
    return st.ok() ? std::string("ok") : st.message().substr(st.message().find(name) + name.size());
  };
  CHECK(message("ok.tsv", "phrase\tper_million\nday\t5000\r\n# note\n\nlong day\t300\n") == "ok");
  CHECK(message("noheader.tsv", "day\t5000\n") ==
        " line 1: expected the header \"phrase<TAB>per_million\" before any entry");
  CHECK(message("empty.tsv", "# nothing\n") == ": no header \"phrase<TAB>per_million\"");
  CHECK(message("noentry.tsv", "phrase\tper_million\n") == ": no entry");
  CHECK(message("fields.tsv", "phrase\tper_million\nday 5000\n") ==
        " line 2: expected 2 fields separated by one tab: phrase<TAB>per_million");
  CHECK(message("three.tsv", "phrase\tper_million\nday\t5\t6\n") ==
        " line 2: expected 2 fields separated by one tab: phrase<TAB>per_million");
  CHECK(message("number.tsv", "phrase\tper_million\nday\t5k\n") ==
        " line 2: per_million must be an integer in 1..1000000");
  CHECK(message("zero.tsv", "phrase\tper_million\nday\t0\n") ==
        " line 2: per_million must be an integer in 1..1000000");
  CHECK(message("big.tsv", "phrase\tper_million\nday\t1000001\n") ==
        " line 2: per_million must be an integer in 1..1000000");
  CHECK(message("twice.tsv", "phrase\tper_million\nday\t5\nnight\t6\nday\t7\n") ==
        " line 4: the phrase \"day\" is listed twice");
  CHECK(message("upper.tsv", "phrase\tper_million\nDay\t5\n") ==
        " line 2: the phrase \"Day\" is not lower case");
  CHECK(message("spaces.tsv", "phrase\tper_million\nlong  day\t5\n") ==
        " line 2: the phrase must be words separated by single spaces");
  voc::DiscoveryOptions o;
  o.background = "/nonexistent/voc_background.tsv";
  CHECK(voc::ValidateDiscoveryOptions(o).message() ==
        "background /nonexistent/voc_background.tsv: no such file");
  // A bad background is reported by discovery too, which then runs with the
  // default options.
  o.background = WriteBackground("bad_for_discovery.tsv", "nothing\n");
  const voc::Discovery d = voc::DiscoverThemes(OnePass(Airline(1)), o);
  REQUIRE_FALSE(d.warnings.empty());
  CHECK(d.warnings.front().find("bad_for_discovery.tsv line 1: expected the header") != std::string::npos);
  CHECK(WithPhrase(d, "lost luggage") != nullptr);
  o.background = "none";
  o.min_general_lift = 0.5;
  CHECK(voc::ValidateDiscoveryOptions(o).message() == "min_general_lift must be >= 1");
}

TEST_CASE("DiscoverThemes: a record goes to the theme of its most specific phrase, not the broadest") {
  // 240 records naming 7 of 12 common account words (one broad theme), 40
  // that name "escrow" and 3 of the account words, 320 of rare filler words,
  // half of them with one account word.
  std::mt19937_64 rng(7);
  auto uni = [&](size_t n) { return static_cast<size_t>(rng() % n); };
  const std::vector<std::string> broad = {"payment", "balance",   "statement",  "transfer",
                                          "deposit", "branch",    "teller",     "checking",
                                          "savings", "overdraft", "withdrawal", "wire"};
  std::vector<voc::Analysis> xs;
  std::set<std::string> escrow_ids;
  auto add = [&](const std::string& text) {
    voc::Analysis a;
    a.id = "r" + std::to_string(xs.size());
    a.timestamp = 1704067200 + static_cast<int64_t>(xs.size()) * 3600;
    a.text = text;
    xs.push_back(std::move(a));
  };
  auto words = [&](size_t n) {
    std::vector<std::string> pick = broad;
    std::shuffle(pick.begin(), pick.end(), rng);
    std::string s;
    for (size_t i = 0; i < n; ++i) s += pick[i] + ". ";
    return s;
  };
  for (int i = 0; i < 240; ++i) add(words(7));
  for (int i = 0; i < 40; ++i) {
    escrow_ids.insert("r" + std::to_string(xs.size()));
    add("Escrow. " + words(3));
  }
  for (int i = 0; i < 320; ++i) {
    std::string s = uni(2) ? words(1) : "";
    for (int k = 0; k < 3; ++k) s += std::string("zor") + char('a' + uni(26)) + char('a' + uni(26)) + ". ";
    add(s);
  }
  const voc::Aggregate agg = OnePass(xs);
  voc::DiscoveryOptions o;
  o.background = "none";
  const voc::Discovery d = voc::DiscoverThemes(agg, o);
  INFO(Summary(d));
  const voc::DiscoveredTheme* escrow = WithPhrase(d, "escrow");
  REQUIRE(escrow != nullptr);
  CHECK(escrow->name == "escrow");
  CHECK(escrow->members == std::vector<std::string>(escrow_ids.begin(), escrow_ids.end()));
  const voc::DiscoveredTheme* account = WithPhrase(d, "payment");
  REQUIRE(account != nullptr);
  CHECK(account != escrow);
  // Summed over all of a record's phrases, its three account words outweigh
  // "escrow", and the broad theme takes the escrow records too.
  o.support = 1.0;
  const voc::Discovery sum = voc::DiscoverThemes(agg, o);
  INFO(Summary(sum));
  CHECK(WithPhrase(sum, "escrow") == nullptr);
  const voc::DiscoveredTheme* all = WithPhrase(sum, "payment");
  REQUIRE(all != nullptr);
  CHECK(all->sample_count == account->sample_count + 40);
  for (const std::string& id : escrow_ids)
    CHECK(std::binary_search(all->members.begin(), all->members.end(), id));
  o.support = 1.5;
  CHECK(voc::ValidateDiscoveryOptions(o).message() == "support must be in [0, 1]");
}

// `voc discover` skips signal detection when no record is dated: the
// signals reach the output only through each theme's per-period finding,
// which undated records do not make. Dated, they show.
TEST_CASE("DiscoverThemes: signals change nothing on undated records, and show on dated ones") {
  std::vector<voc::Analysis> with = Airline(4);
  for (size_t i = 0; i < with.size(); ++i)
    if (with[i].text.find("lost") != std::string::npos) {
      with[i].signals.push_back({voc::Signal::kChurnRisk, {0, 4, "cue:test", 0.0}});
      with[i].emotion_intensity = 0.75;
    }
  std::vector<voc::Analysis> without = with;
  for (voc::Analysis& a : without) {
    a.signals.clear();
    a.emotion_intensity = 0.0;
  }
  const voc::Discovery dated = voc::DiscoverThemes(OnePass(with));
  const voc::DiscoveredTheme* lug = WithPhrase(dated, "lost luggage");
  REQUIRE(lug != nullptr);
  CHECK(lug->finding.with_signal > 0);
  CHECK(voc::DiscoveryToJson(dated) != voc::DiscoveryToJson(voc::DiscoverThemes(OnePass(without))));
  for (auto* xs : {&with, &without})
    for (voc::Analysis& a : *xs) a.timestamp.reset();
  const voc::Discovery a = voc::DiscoverThemes(OnePass(with)), b = voc::DiscoverThemes(OnePass(without));
  REQUIRE(WithPhrase(a, "lost luggage") != nullptr);
  CHECK(voc::DiscoveryToJson(a) == voc::DiscoveryToJson(b));
  CHECK(*voc::DiscoveryDraft(a, "") == *voc::DiscoveryDraft(b, ""));
}
