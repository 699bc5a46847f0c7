#include "voc/history.h"

#include <doctest/doctest.h>

#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "voc/aggregate.h"
#include "voc/findings.h"
#include "voc/report.h"

namespace {

constexpr int64_t kMonday = 1704067200;  // 2024-01-01, the start of 2024-W01
constexpr int kPerWeek = 1000;

const char* const kNoise[] = {"account/address", "support/wait", "shipping/box",
                              "web/search",      "pricing/plan", "marketing/promo"};

// One run's data: `weeks` ISO weeks from week `first` (0 = 2024-W01), 1000
// verbatims a week: `fee[i]` about billing/fee in week i, 20 on each of six
// noise themes, the rest unclassified.
voc::Aggregate Weeks(int first, const std::vector<int>& fee) {
  voc::Aggregate agg;
  int id = 0;
  for (size_t w = 0; w < fee.size(); ++w) {
    const int64_t start = kMonday + (first + static_cast<int64_t>(w)) * 7 * 86400;
    auto add = [&](const char* theme, const char* dept) {
      voc::Analysis a;
      a.id = "r" + std::to_string(id++);
      a.timestamp = start + (id % 7) * 86400;
      a.channel = "email";
      a.text = "note";
      a.sentiment.label = voc::Polarity::kNegative;
      a.sentiment.score = -0.5;
      if (theme) {
        voc::ThemeHit h;
        h.id = theme;
        h.confidence = 0.9;
        h.department = dept;
        a.themes.push_back(h);
      }
      agg.Add(a);
    };
    int n = 0;
    for (int i = 0; i < fee[w]; ++i, ++n) add("billing/fee", "Billing");
    for (const char* t : kNoise)
      for (int i = 0; i < 20; ++i, ++n) add(t, "Service");
    for (; n < kPerWeek; ++n) add(nullptr, "");
  }
  return agg;
}

const voc::Finding* Find(const voc::Findings& f, const std::string& theme) {
  for (const voc::Finding& x : f.findings)
    if (x.theme == theme) return &x;
  return nullptr;
}

voc::FindingsOptions HistoryOptions(const std::optional<voc::HistoryRun>& prev) {
  voc::FindingsOptions o;
  o.history = true;
  o.previous_run = prev;
  o.run_timestamp = "2026-01-01T00:00:00Z";
  o.bootstrap_samples = 0;
  return o;
}

// Runs the findings on `agg` against `prev` and round-trips the stored run
// through its file format, as the CLI does between runs.
voc::Findings NextRun(const voc::Aggregate& agg, std::optional<voc::HistoryRun>* prev) {
  voc::Findings f = voc::DetectFindings(agg, HistoryOptions(*prev));
  voc::Result<voc::HistoryRun> back = voc::ParseHistoryRun(voc::SerializeHistoryRun(f.run));
  REQUIRE(back.ok());
  *prev = *back;
  return f;
}

}  // namespace

TEST_CASE("History: new -> persisting -> worsening -> improving -> resolved -> relapsed") {
  std::optional<voc::HistoryRun> prev;
  // Run 1, weeks 1-8: the fee at 5% a week, the noise at 2%: chronic, new.
  voc::Findings r1 = NextRun(Weeks(0, std::vector<int>(8, 50)), &prev);
  REQUIRE(r1.has_history);
  const voc::Finding* fee = Find(r1, "billing/fee");
  REQUIRE(fee);
  CHECK(fee->status == voc::FindingStatus::kChronic);
  REQUIRE(fee->history);
  CHECK(fee->history->state == "new");
  CHECK(fee->history->since_run == "run-000001");
  CHECK(fee->history->since_period == "2024-W08");
  CHECK(fee->history->runs == 1);
  CHECK(r1.changes.previous_run.empty());
  CHECK(r1.changes.new_chronic == std::vector<std::string>{"billing/fee"});
  CHECK(Find(r1, "web/search")->history->state == "quiet");
  CHECK(r1.run.run_id == "run-000001");
  CHECK(r1.run.last_period == "2024-W08");
  CHECK(r1.run.in_window == 8000);

  // Run 2, weeks 5-12: the same share: persisting since run 1.
  voc::Findings r2 = NextRun(Weeks(4, std::vector<int>(8, 50)), &prev);
  fee = Find(r2, "billing/fee");
  CHECK(fee->history->state == "persisting");
  CHECK(fee->history->since_run == "run-000001");
  CHECK(fee->history->since_period == "2024-W08");
  CHECK(fee->history->runs == 2);
  CHECK(fee->history->volume_change == 0);
  CHECK(fee->history->p_value == doctest::Approx(1.0));
  CHECK(r2.changes.persisting == std::vector<std::string>{"billing/fee"});
  CHECK(r2.changes.previous_run == "run-000001");

  // Run 3: the fee doubles to 10%: worsening (z = 12.0), still since run 1.
  voc::Findings r3 = NextRun(Weeks(8, std::vector<int>(8, 100)), &prev);
  fee = Find(r3, "billing/fee");
  CHECK(fee->status == voc::FindingStatus::kChronic);
  CHECK(fee->history->state == "worsening");
  CHECK(fee->history->runs == 3);
  CHECK(fee->history->since_run == "run-000001");
  CHECK(fee->history->volume_change == 400);
  CHECK(fee->history->share_change == doctest::Approx(0.05));
  CHECK(fee->history->z == doctest::Approx(12.006).epsilon(1e-4));
  CHECK(r3.changes.worsening == std::vector<std::string>{"billing/fee"});

  // Run 4: back to 6%: improving.
  voc::Findings r4 = NextRun(Weeks(12, std::vector<int>(8, 60)), &prev);
  fee = Find(r4, "billing/fee");
  CHECK(fee->history->state == "improving");
  CHECK(fee->history->runs == 4);
  CHECK(fee->history->z < 0);
  CHECK(r4.changes.improving == std::vector<std::string>{"billing/fee"});

  // Run 5: down to 1%, below the typical theme: not an issue: resolved, and
  // listed in the top-level resolved list.
  voc::Findings r5 = NextRun(Weeks(16, std::vector<int>(8, 10)), &prev);
  fee = Find(r5, "billing/fee");
  CHECK(fee->status == voc::FindingStatus::kStable);
  CHECK(fee->history->state == "resolved");
  REQUIRE(r5.resolved.size() == 1);
  CHECK(r5.resolved[0].theme == "billing/fee");
  CHECK(r5.resolved[0].previous_status == "chronic");
  CHECK(r5.resolved[0].status == "stable");
  CHECK(r5.resolved[0].since_run == "run-000001");
  CHECK(r5.resolved[0].runs == 4);
  CHECK(r5.changes.resolved == std::vector<std::string>{"billing/fee"});

  // Run 6: stays quiet; the resolution is remembered.
  voc::Findings r6 = NextRun(Weeks(20, std::vector<int>(8, 10)), &prev);
  CHECK(Find(r6, "billing/fee")->history->state == "quiet");
  CHECK(r6.resolved.empty());

  // Run 7: 5% again: relapsed, a new streak.
  voc::Findings r7 = NextRun(Weeks(24, std::vector<int>(8, 50)), &prev);
  fee = Find(r7, "billing/fee");
  CHECK(fee->history->state == "relapsed");
  CHECK(fee->history->since_run == "run-000007");
  CHECK(fee->history->runs == 1);
  CHECK(fee->history->reason.find("resolved in run-000005") != std::string::npos);
  CHECK(r7.changes.relapsed == std::vector<std::string>{"billing/fee"});
  CHECK(r7.changes.new_chronic == std::vector<std::string>{"billing/fee"});
  CHECK(r7.run.run_id == "run-000007");
}

TEST_CASE("History: an issue with no finding any more is resolved and the file keeps no text") {
  voc::HistoryRun prev;
  prev.run_id = "run-000004";
  prev.sequence = 4;
  prev.period = "week";
  prev.last_period = "2024-W04";
  prev.in_window = 4000;
  voc::HistoryTheme gone;
  gone.theme = "store/closure";
  gone.status = "chronic";
  gone.issue = true;
  gone.volume = 300;
  gone.share = 0.075;
  gone.department = "Retail";
  gone.since_run = "run-000002";
  gone.runs = 3;
  prev.themes.push_back(gone);
  const voc::Findings f = voc::DetectFindings(Weeks(4, std::vector<int>(8, 50)), HistoryOptions(prev));
  REQUIRE(f.resolved.size() == 1);
  CHECK(f.resolved[0].theme == "store/closure");
  CHECK(f.resolved[0].status == "");
  CHECK(f.resolved[0].previous_volume == 300);
  CHECK(f.resolved[0].runs == 3);
  CHECK(f.run.run_id == "run-000005");
  // Carried in the stored run so a relapse is recognised later.
  bool carried = false;
  for (const voc::HistoryTheme& t : f.run.themes)
    if (t.theme == "store/closure") carried = t.resolved_run == "run-000005" && !t.issue;
  CHECK(carried);
  const std::string stored = voc::SerializeHistoryRun(f.run);
  CHECK(stored.find("\"version\": 1") != std::string::npos);
  CHECK(stored.find("note") == std::string::npos);    // no verbatim text
  CHECK(stored.find("\"r1\"") == std::string::npos);  // no record ids

  // Its department gets a digest that says so.
  bool digest = false;
  for (const voc::Digest& d : voc::DepartmentDigests(f))
    if (d.department == "Retail") {
      digest = true;
      CHECK(d.markdown.find("- Resolved: store/closure (no finding in this run)\n") != std::string::npos);
      CHECK(d.markdown.find("Your findings: none in this window.") != std::string::npos);
    }
  CHECK(digest);

  // The JSON document has history, resolved, changes and run.
  const std::string json = voc::FindingsToJson(f);
  CHECK(json.find("\"history\": {") != std::string::npos);
  CHECK(json.find("\"resolved\": [") != std::string::npos);
  CHECK(json.find("\"changes\": {") != std::string::npos);
  CHECK(json.find("\"run\": {") != std::string::npos);
}

TEST_CASE("History: without the option nothing changes in the outputs") {
  voc::FindingsOptions o;
  o.bootstrap_samples = 0;
  const voc::Findings f = voc::DetectFindings(Weeks(0, std::vector<int>(8, 50)), o);
  CHECK_FALSE(f.has_history);
  for (const voc::Finding& x : f.findings) CHECK_FALSE(x.history);
  const std::string json = voc::FindingsToJson(f);
  for (const char* key :
       {"\"history\": {", "\"resolved\": [", "\"changes\": {", "\"run\": {", "\"actions\": ["})
    CHECK(json.find(key) == std::string::npos);
}

TEST_CASE("History: a previous run of another period is not compared") {
  voc::HistoryRun prev;
  prev.run_id = "run-000001";
  prev.sequence = 1;
  prev.period = "month";
  const voc::Findings f = voc::DetectFindings(Weeks(0, std::vector<int>(8, 50)), HistoryOptions(prev));
  CHECK(Find(f, "billing/fee")->history->state == "new");
  REQUIRE_FALSE(f.warnings.empty());
  CHECK(f.warnings.back() ==
        "history: the previous run (run-000001) used month periods, this one week; not compared");
}

TEST_CASE("ParseHistoryRun: round trip, corrupt and future files") {
  voc::HistoryRun r;
  r.run_id = "run-000002";
  r.sequence = 2;
  r.timestamp = "2026-01-01T00:00:00Z";
  r.period = "week";
  r.last_period = "2024-W08";
  r.in_window = 8000;
  voc::HistoryTheme t;
  t.theme = "billing/fee";
  t.status = "chronic";
  t.issue = true;
  t.state = "persisting";
  t.volume = 400;
  t.share = 0.05;
  t.impact = -0.012;
  t.priority = 61.5;
  t.department = "Billing";
  t.since_run = "run-000001";
  t.since_period = "2024-W04";
  t.runs = 2;
  r.themes.push_back(t);
  const std::string text = voc::SerializeHistoryRun(r);
  voc::Result<voc::HistoryRun> back = voc::ParseHistoryRun(text);
  REQUIRE(back.ok());
  CHECK(voc::SerializeHistoryRun(*back) == text);
  REQUIRE(back->themes.size() == 1);
  CHECK(*back->themes[0].impact == doctest::Approx(-0.012));

  auto message = [](const std::string& s) { return voc::ParseHistoryRun(s).status().message(); };
  CHECK(message("{not json") == "history: not valid JSON (line 1)");
  CHECK(message("{\"version\": 1}") == "history: not a voc history file (no \"format\": \"voc-history\")");
  CHECK(message("[1, 2]") == "history: not a voc history file (no \"format\": \"voc-history\")");
  std::string future = text;
  future.replace(future.find("\"version\": 1"), 12, "\"version\": 7");
  voc::Result<voc::HistoryRun> f = voc::ParseHistoryRun(future);
  CHECK(f.status().code() == voc::StatusCode::kFailedPrecondition);
  CHECK(f.status().message() == "history: version 7 is newer than this voc reads (1); upgrade voc");
  std::string bad_share = text;
  bad_share.replace(bad_share.find("\"share\": 0.05"), 13, "\"share\": 5.0");
  CHECK(message(bad_share) == "history: share of 'billing/fee' outside [0, 1]");
  std::string bad_runs = text;
  bad_runs.replace(bad_runs.find("\"runs\": 2"), 9, "\"runs\": \"x\"");
  CHECK(message(bad_runs) == "history: \"runs\" must be a count");
  std::string huge = text;  // counts large enough to overflow a difference
  huge.replace(huge.find("\"volume\": 400"), 13, "\"volume\": 9223372036854775808");
  CHECK(message(huge) == "history: \"volume\" must be a count");
  // A number no type holds: the JSON library refuses it with an error of
  // its own kind (not a syntax error), which is reported the same way.
  std::string overflow = text;
  overflow.replace(overflow.find("\"sequence\": "), 12, "\"sequence\": 1e400, \"x\": ");
  CHECK(message(overflow) == "history: not valid JSON: number overflow parsing '1e400'");
  CHECK(message(std::string(100, '[')) == "history: JSON nested deeper than 64 levels at byte 64");
  // Truncated in the middle (a crash while writing by another tool).
  CHECK(!voc::ParseHistoryRun(text.substr(0, text.size() / 2)).ok());
}

TEST_CASE("Actions: before / after with a one-sided two-proportion z-test") {
  // Weeks 1-4 at 6%, the action on Monday 2024-01-29 (week 5, left out),
  // weeks 6-8 at 5%.
  voc::FindingsOptions o;
  o.bootstrap_samples = 0;
  o.actions = {{"billing/fee", "Billing ops", "waive the fee", "2024-01-29", "done"},
               {"web/search", "Digital", "new index", "2024-01-29", "done"},
               {"billing/fee", "Billing ops", "new letter", "2024-02-19", "planned"},
               {"nosuch/theme", "X", "y", "2024-01-02", "done"}};
  const voc::Findings f = voc::DetectFindings(Weeks(0, {60, 60, 60, 60, 55, 50, 50, 50}), o);
  const voc::Finding* fee = Find(f, "billing/fee");
  REQUIRE(fee);
  REQUIRE(fee->actions.size() == 2);
  const voc::ActionResult& a = fee->actions[0];
  CHECK(a.action_period == "2024-W05");
  CHECK(a.before_periods == 4);
  CHECK(a.after_periods == 3);
  CHECK(a.before_count == 240);
  CHECK(a.before_total == 4000);
  CHECK(a.after_count == 150);
  CHECK(a.after_total == 3000);
  // By hand: pooled p = 390 / 7000 = 0.0557143; se = sqrt(p (1 - p) (1/4000
  // + 1/3000)) = 0.0055398; z = (0.06 - 0.05) / se = 1.8051; one-sided
  // p = 1 - Phi(1.8051) = 0.035528.
  CHECK(a.z == doctest::Approx(1.8051).epsilon(1e-4));
  CHECK(a.p_value == doctest::Approx(0.0355278).epsilon(1e-5));
  CHECK(a.verdict == "worked");
  // The second action on the same theme is in the last week: too early.
  CHECK(fee->actions[1].verdict == "too early");
  CHECK(fee->actions[1].why.rfind("only 0 weeks after 2024-02-19", 0) == 0);
  // A theme whose share did not move.
  const voc::Finding* search = Find(f, "web/search");
  REQUIRE(search->actions.size() == 1);
  CHECK(search->actions[0].verdict == "did not work");
  CHECK(search->actions[0].p_value == doctest::Approx(0.5));
  // The unknown theme is a warning, not an error.
  bool warned = false;
  for (const std::string& w : f.warnings)
    warned = warned || w == "actions: unknown theme 'nosuch/theme' (no finding in this window); "
                            "its action of 2024-01-02 is not judged";
  CHECK(warned);
  CHECK(f.changes.actions_worked == std::vector<std::string>{"billing/fee (2024-01-29)"});
  CHECK(f.changes.actions_did_not_work == std::vector<std::string>{"web/search (2024-01-29)"});
  CHECK(f.changes.actions_too_early == std::vector<std::string>{"billing/fee (2024-02-19)"});
  const std::string json = voc::FindingsToJson(f);
  CHECK(json.find("\"verdict\": \"worked\"") != std::string::npos);
  CHECK(json.find("\"changes\": {") != std::string::npos);
  CHECK(json.find("\"history\": {") == std::string::npos);  // actions only
}

TEST_CASE("ParseActions: CSV and JSON, errors with file and line") {
  voc::Result<std::vector<voc::Action>> csv = voc::ParseActions(
      "theme,owner,action,date,status\r\n"
      "billing/fee,Billing ops,\"waive the fee, then refund\",2024-01-29,done\r\n"
      "\r\n"
      " delivery/late , Logistics ,new carrier, 2024-02-05 ,planned\n",
      "a.csv");
  REQUIRE(csv.ok());
  REQUIRE(csv->size() == 2);
  CHECK((*csv)[0].action == "waive the fee, then refund");
  CHECK((*csv)[1].theme == "delivery/late");
  CHECK((*csv)[1].date == "2024-02-05");
  // Columns in any order, extra columns ignored.
  csv = voc::ParseActions("date,theme,notes\n2024-03-01,app/login,x\n", "b.csv");
  REQUIRE(csv.ok());
  CHECK((*csv)[0].theme == "app/login");

  voc::Result<std::vector<voc::Action>> json = voc::ParseActions(
      "[\n {\"theme\": \"billing/fee\", \"owner\": \"Billing ops\", \"action\": \"waive\",\n"
      "  \"date\": \"2024-01-29\", \"status\": \"done\"}\n]\n",
      "a.json");
  REQUIRE(json.ok());
  REQUIRE(json->size() == 1);
  CHECK((*json)[0].owner == "Billing ops");

  auto message = [](const std::string& text, const char* src) {
    return voc::ParseActions(text, src).status().message();
  };
  CHECK(message("theme,date\nbilling/fee,2024-13-01\n", "a.csv") ==
        "a.csv:2: bad date '2024-13-01' (expected YYYY-MM-DD)");
  CHECK(message("theme,date\nx,2024-01-01\ny,2023-02-29\n", "a.csv") ==
        "a.csv:3: bad date '2023-02-29' (expected YYYY-MM-DD)");
  CHECK(message("theme,date\nx,01/02/2024\n", "a.csv") ==
        "a.csv:2: bad date '01/02/2024' (expected YYYY-MM-DD)");
  CHECK(message("theme,date\nx,2024-01-01,extra\n", "a.csv") == "a.csv:2: 3 fields, the header has 2");
  CHECK(message("theme,date\n,2024-01-01\n", "a.csv") == "a.csv:2: empty theme");
  CHECK(message("owner,when\nx,2024-01-01\n", "a.csv") ==
        "a.csv:1: the header must name the columns theme and date "
        "(theme,owner,action,date,status)");
  CHECK(message("theme,date\n\"x,2024-01-01\n", "a.csv") == "a.csv:2: unterminated quoted field");
  CHECK(message("", "a.csv") == "a.csv: empty (expected a header row: theme,owner,action,date,status)");
  CHECK(message("[{\"theme\": \"x\", \"date\": \"2024-01-01\", \"n\": 1e999}]", "a.json") ==
        "a.json: not valid JSON: number overflow parsing '1e999'");
  CHECK(message("[\n {\"theme\": \"x\", \"date\": \"2024-01-01\"},\n {\"theme\": \"y\", \"date\": "
                "\"tomorrow\"}\n]",
                "a.json") == "a.json:3 (item 2): bad date 'tomorrow' (expected YYYY-MM-DD)");
  CHECK(message("[\n {\"theme\": 3, \"date\": \"2024-01-01\"}]", "a.json") ==
        "a.json:2 (item 1): 'theme' must be a string");
  CHECK(message("[\n {\"theme\": \"x\",\n", "a.json") == "a.json:3: not valid JSON");
  CHECK(message("{\"theme\": \"x\"}", "a.json") == "a.json: expected a JSON array of actions");
  CHECK(voc::IsValidDate("2024-02-29"));
  CHECK_FALSE(voc::IsValidDate("2023-02-29"));
  CHECK_FALSE(voc::IsValidDate("2024-1-01"));
}

TEST_CASE("FindingsOptions: history and action fields are validated") {
  voc::FindingsOptions o;
  o.history_alpha = 0;
  CHECK(voc::ValidateFindingsOptions(o).message() == "history_alpha must be in (0, 1)");
  o = {};
  o.action_min_periods = 0;
  CHECK(voc::ValidateFindingsOptions(o).message() == "action_min_periods must be >= 1");
  o = {};
  o.actions = {{"x", "", "", "2024-02-30", ""}};
  CHECK(voc::ValidateFindingsOptions(o).message() ==
        "action on 'x': bad date '2024-02-30' (expected YYYY-MM-DD)");
}
