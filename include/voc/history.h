// voc/history.h: the action loop across runs. Each run of the findings is
// compared with the previous one (what is new, persisting, worsening,
// improving, resolved or relapsed) and the actions taken on a theme are
// judged by its share before and after them.
//
//   voc::FindingsOptions opt;
//   opt.history = true;                        // compare across runs
//   auto prev = voc::ParseHistoryRun(text);    // the previous run, if any
//   if (prev.ok()) opt.previous_run = *prev;   // else: the first run
//   auto acts = voc::ParseActions(csv_text, "actions.csv");
//   if (acts.ok()) opt.actions = *acts;
//   voc::Findings f = voc::DetectFindings(aggregate, opt);
//   std::string next = voc::SerializeHistoryRun(f.run);  // store for the next run
//
// What is "an issue": a theme is an issue in a run when its status is
// chronic or emerging. Its history state in the current run:
// * new: an issue now, not in the previous run, never one before;
// * relapsed: an issue now, not in the previous run, resolved in an earlier
//   run;
// * persisting: an issue now and in the previous run, with no significant
//   change of share (since: the run and last period its streak started;
//   runs: how many consecutive runs it has been an issue);
// * worsening / improving: an issue in both runs, and its window share rose /
//   fell significantly (the rule below);
// * resolved: an issue in the previous run, not now (it is also listed in
//   `Findings::resolved`, with or without a finding this run);
// * quiet: not an issue in either run.
// Without a previous run (the first run) every issue is new.
//
// Worsening / improving rule: a two-sided two-proportion z-test (pooled
// variance) of the theme's window share in the previous run, x1 / n1, against
// this run's, x2 / n2 (x: the theme's verbatims in the window, n: all
// verbatims in the window), at `history_alpha` (default 0.05), AND a relative
// change of share of at least `history_min_change` (default 10%), so a
// trivial change on a huge volume is not called a trend. When the two windows
// overlap they share records; the test assumes independent samples, which
// overstates the variance of the difference for positively correlated
// shares: it is conservative (it calls fewer changes), never the reverse.
//
// Actions (`Action`): for a theme with an action, the window periods are split
// at the action date: "before" are the periods that end before the date,
// "after" those that start after it; the period that contains the date mixes
// both and is left out. The test is a one-sided two-proportion z-test (pooled
// variance) of H1: share after < share before, at `action_alpha` (default
// 0.05). Verdict: "too early" with fewer than `action_min_periods` (default
// 2) periods after; "no baseline" with no period before in the window;
// otherwise "worked" when the test is significant and "did not work" when it
// is not. The z-test is an approximation for large counts: with fewer than 5
// expected verbatims on either side the verdict stays but `why` says so.
//
// Privacy: a HistoryRun holds theme ids, department names and figures: no
// text and no customer ids.
//
// Thread safety: all functions are pure; results are values.
#ifndef VOC_HISTORY_H_
#define VOC_HISTORY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "voc/status.h"

namespace voc {

// Version of the history file format written by SerializeHistoryRun().
inline constexpr int kHistoryVersion = 1;

// One theme as one run stored it.
struct HistoryTheme {
  std::string theme;
  std::string status;            // FindingStatusName() of the run, "" when no finding
  bool issue = false;            // chronic or emerging in that run
  std::string state;             // its history state in that run (see above)
  uint64_t volume = 0;           // verbatims in the window
  double share = 0.0;            // of all verbatims in the window
  std::optional<double> impact;  // on the score, when it was valid
  double priority = 0.0;
  std::string department;
  std::string since_run;     // issues: the run its current streak started
  std::string since_period;  // ... and that run's last period
  int runs = 0;              // issues: consecutive runs as an issue
  std::string resolved_run;  // the last run it was resolved in ("" never)
};

// What one run stores for the next (SerializeHistoryRun()).
struct HistoryRun {
  std::string run_id;                // "run-000003"
  uint64_t sequence = 0;             // 1 for the first run
  std::string timestamp;             // UTC, "2026-12-05T16:20:00Z"
  std::string period;                // "day", "week" or "month"
  std::string last_period;           // the window's last period
  uint64_t in_window = 0;            // all verbatims in the window
  std::vector<HistoryTheme> themes;  // sorted by theme id
};

// The history of one finding against the previous run.
struct FindingHistory {
  std::string state;                    // new, persisting, worsening, improving, resolved, relapsed, quiet
  std::string reason;                   // one sentence with the numbers
  std::string since_run, since_period;  // issues: the start of the streak
  int runs = 0;                         // issues: consecutive runs as an issue
  bool in_previous = false;             // the theme was in the previous run (deltas valid)
  std::string previous_status;
  int64_t volume_change = 0;
  double share_change = 0.0;  // absolute, e.g. +0.012
  std::optional<double> impact_change;
  double z = 0.0, p_value = 1.0;  // the share test (1 without a previous run)
};

// A theme that was an issue in the previous run and is not any more.
struct ResolvedTheme {
  std::string theme;
  std::string department;
  std::string previous_status;
  std::string status;  // this run's status, "" when it has no finding
  uint64_t previous_volume = 0, volume = 0;
  double previous_share = 0.0, share = 0.0;
  std::string since_run;  // the streak that ended
  int runs = 0;
};

// An action taken on a theme (from a JSON or CSV actions file).
struct Action {
  std::string theme;
  std::string owner;
  std::string action;
  std::string date;    // YYYY-MM-DD
  std::string status;  // free text, e.g. "done", "in progress"
};

// The before / after comparison of one action.
struct ActionResult {
  Action action;
  std::string action_period;  // the period containing the date (left out)
  int before_periods = 0, after_periods = 0;
  uint64_t before_count = 0, before_total = 0;
  uint64_t after_count = 0, after_total = 0;
  double before_share = 0.0, after_share = 0.0;
  double z = 0.0, p_value = 1.0;  // one-sided: after < before
  std::string verdict;            // "worked", "did not work", "too early", "no baseline"
  std::string why;
};

// What changed since the previous run, by theme id.
struct HistoryChanges {
  std::string previous_run;  // "" for the first run
  std::string previous_timestamp;
  std::vector<std::string> new_issues, new_chronic, relapsed, worsening, improving, resolved, persisting;
  std::vector<std::string> actions_worked, actions_did_not_work, actions_too_early;
};

// Serializes a run as small JSON: {"format": "voc-history", "version": 1, ...}.
std::string SerializeHistoryRun(const HistoryRun& run);
// Parses SerializeHistoryRun() output. InvalidArgument for text that is not
// a history run (naming what is wrong), FailedPrecondition for a version
// newer than kHistoryVersion.
Result<HistoryRun> ParseHistoryRun(std::string_view text);

// Parses actions: a JSON array of objects or CSV with a header row naming
// theme, owner, action, date, status (any order; theme and date required,
// other columns ignored). Errors name `source` and the line
// ("actions.csv:4: bad date '2024-13-01' (expected YYYY-MM-DD)").
Result<std::vector<Action>> ParseActions(std::string_view text, std::string_view source);

// Returns true when `date` is a valid calendar date YYYY-MM-DD.
bool IsValidDate(std::string_view date);

}  // namespace voc

#endif  // VOC_HISTORY_H_
