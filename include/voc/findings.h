// voc/findings.h: chronic, emerging, resolved and one-off issues from an
// aggregate, with the numbers that explain each one.
//
//   voc::FindingsOptions opt;            // chronic: >= 3 of the last 4 periods
//   voc::Findings f = voc::DetectFindings(aggregate, opt);
//   for (const voc::Finding& x : f.findings)
//     std::cout << x.theme << " " << voc::FindingStatusName(x.status) << "\n";
//
// Definitions (every threshold is a field of FindingsOptions):
//
// * Window: the consecutive dated periods from the first period seen (or
//   `window_periods` back) to `last_period` (default: the latest seen);
//   periods without records count as zero. Undated records are counted and
//   reported but take no part in the tests below.
// * Reference share r: the `baseline_quantile` quantile (default: the median)
//   of the window shares of all known themes, i.e. the share of a typical
//   theme. A theme is "present above baseline" in period p when its count
//   c_p >= `min_count` and a one-sided Poisson test rejects
//   c_p ~ Poisson(r * N_p) (N_p: all verbatims of p) at `presence_alpha`.
// * Chronic: present above baseline in >= `chronic_k` of the last
//   `chronic_n` periods.
// * Emerging: the last period's count c_L is significantly above the theme's
//   own baseline share b = (C_before + 0.5) / (N_before + 1) over the earlier
//   window periods, scaled by the last period's total volume: one-sided
//   Poisson test of c_L against lambda = b * N_L at `emerging_alpha`, with
//   c_L >= `emerging_min_count` and c_L / N_L >= `emerging_min_ratio` * b.
// * Resolved: chronic in some earlier run of `chronic_n` periods, and not
//   present in any of the last `resolved_quiet` periods.
// * Spike: exactly one earlier period p (not the last) is significantly above
//   the theme's share in the other periods (the larger of their median and
//   their pooled share), by the same Poisson test at `spike_alpha`, with the
//   same minimum count and ratio: a one-off, not a persistent issue.
// * Stable: none of the above. Precedence: chronic, emerging, resolved,
//   spike, stable. The tests that also hold are listed in `Finding::also`:
//   a chronic theme whose last period passes the emerging test (it spiked
//   on top of being chronic) or that had one one-off spike says "spike" there
//   and in its status reason.
// * Short windows: the tests need `chronic_n + min_baseline_periods`
//   periods (default 4 + 2). With fewer, `Findings::window_sufficient` is
//   false, a warning says so and every finding is `provisional` (its reason
//   starts with "provisional:").
// * Volume surge: the total volume N_p of a window period (over all channels,
//   and per channel when there are several) against the typical volume m (the
//   median of the other window periods): a surge when N_p >= `surge_min_count`,
//   N_p >= `surge_min_ratio` * m, a one-sided Poisson test of N_p against
//   max(m, 1) is significant at `surge_alpha`, and, with >= 4 other periods
//   whose volumes vary, the robust z-score (N_p - m) / (1.4826 MAD) >= 3
//   (periods vary more than Poisson). Shares may stay flat: the surge is its
//   own finding. Its drivers are the themes (and "unclassified") with the
//   largest excess count over their own median count in the other periods.
// * Priority (0..100) = 100 * sum(w_i * v_i) / sum(w_i) over five parts:
//   volume v = sqrt(V / V_max) (V_max: the largest theme's window volume),
//   persistence (share of the last `chronic_n` periods present above
//   baseline: current persistence, so a resolved issue scores 0 here),
//   negativity (share of negative verbatims), signals (share of verbatims
//   with at least one Hunsaker signal) and growth (when the emerging test is
//   significant: log2(last share / own baseline share) / 4, capped at 1;
//   else 0). Each part is reported with its value, weight, points and why.
// * Escalation: a theme with >= `escalation_min_count` urgency/safety
//   signals is escalated whatever its volume or priority.
// * Unknown themes: when the aggregate holds a discovery sample (the
//   default), the themes of DiscoverThemes() (voc/discovery.h): named
//   groups of phrases with their own series and status, a suggested rule,
//   and representative verbatims; they also join the drivers of volume
//   surges. Otherwise (aggregates saved without a sample): word n-grams
//   over-represented in unclassified verbatims
//   against the classified ones (2x2 log-likelihood ratio G2, chi-square 1 df
//   critical value at `phrase_alpha`, document frequencies), grouped into
//   connected components of phrases sharing a word; each group is named by
//   its longest phrase at least half as common as its strongest phrase.
//
// * History and actions: with `history` set, each finding is compared with
//   `previous_run` (new, persisting, worsening, improving, resolved,
//   relapsed) and `Findings::run` is the record to store for the next run;
//   `actions` are judged by the theme's share before and after their date.
//   Definitions and tests: voc/history.h.
//
// Thread safety: DetectFindings() is a pure function; results are values
// (with `history` and no `run_timestamp`, the run's timestamp is the clock).
#ifndef VOC_FINDINGS_H_
#define VOC_FINDINGS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "voc/aggregate.h"
#include "voc/analysis.h"
#include "voc/economics.h"
#include "voc/history.h"
#include "voc/status.h"
#include "voc/taxonomy.h"

namespace voc {

enum class FindingStatus : int8_t { kChronic, kEmerging, kResolved, kSpike, kStable };

// Returns "chronic", "emerging", "resolved", "spike" or "stable".
const char* FindingStatusName(FindingStatus s);

struct FindingsOptions {
  // Chronic: present above baseline in at least `chronic_k` of the last
  // `chronic_n` periods. Defaults 3 of 4. Needs 1 <= k <= n.
  int chronic_k = 3;
  int chronic_n = 4;
  // Quantile (0..1) of the known themes' window shares used as the reference
  // share for "present above baseline". Default 0.5 (the typical theme).
  double baseline_quantile = 0.5;
  // Significance of "present above baseline" in one period. Default 0.05.
  double presence_alpha = 0.05;
  // Smallest count of a period that can be "present". Default 3.
  uint64_t min_count = 3;
  // Emerging test: significance, smallest last-period count and smallest
  // ratio of last-period share to the own baseline share. Defaults 0.01, 5, 2.
  double emerging_alpha = 0.01;
  uint64_t emerging_min_count = 5;
  double emerging_min_ratio = 2.0;
  // Spike test significance (stricter: every earlier period is tested).
  // Default 0.001.
  double spike_alpha = 0.001;
  // Resolved: absent (not present above baseline) in the last
  // `resolved_quiet` periods. Default 2.
  int resolved_quiet = 2;
  // Window length in periods, ending at the last period; 0 = from the first
  // period seen. Windows longer than 1000 periods are cut to the last 1000.
  // Default 0.
  int window_periods = 0;
  // Last period of the window (an id like "2024-W07"); empty = the latest
  // period seen. Default empty.
  std::string last_period;
  // Evidence verbatims per finding (negative ones first). Default 3.
  size_t evidence_per_finding = 3;
  // Priority weights (>= 0, not all 0). Defaults 0.3 volume, 0.25
  // persistence, 0.15 negativity, 0.15 signals, 0.15 growth.
  double weight_volume = 0.3;
  double weight_persistence = 0.25;
  double weight_negativity = 0.15;
  double weight_signals = 0.15;
  double weight_growth = 0.15;
  // Urgency/safety signals that escalate a theme. Default 1.
  uint64_t escalation_min_count = 1;
  // Unknown themes: phrase significance (G2), smallest count in unclassified
  // verbatims, most candidate themes, phrases listed and examples per theme.
  // Defaults 0.001, 5, 5, 5, 3.
  double phrase_alpha = 0.001;
  uint64_t phrase_min_count = 5;
  size_t max_unknown_themes = 5;
  size_t phrases_per_unknown_theme = 5;
  size_t examples_per_unknown_theme = 3;

  // Economics and score drivers (voc/economics.h). No money figure is
  // computed without an amount: every default is "not given".
  std::optional<double> cost_per_contact;                        // all channels not named below
  std::vector<std::pair<std::string, double>> cost_per_channel;  // channel -> cost
  std::optional<double> customer_value;                          // value of each customer at risk
  bool value_per_record = false;                                 // use the values the aggregate kept instead
  std::string currency;                                          // a label, e.g. "EUR"; "" prints none
  std::string score_name;  // the score column; "" = no column: the sentiment score
  ScoreKind score_kind = ScoreKind::kAuto;
  int bootstrap_samples = 1000;  // resamples for the impact interval; 0 = none
  // Relative weights of the drivers: a least-squares regression of the
  // per-record score on the themes' indicators splits its R^2 among them.
  // Default true; false leaves every relative_weight 0 (discovery's
  // estimates on its sample, which holds no known themes, use false).
  bool relative_weights = true;
  RankBy rank_by = RankBy::kPriority;
  // Periods of baseline needed before the chronic window for confident
  // statuses (see "Short windows"). Default 2.
  int min_baseline_periods = 2;
  // Volume surges: significance, smallest ratio to the typical volume,
  // smallest count and most drivers listed. Defaults 0.001, 1.5, 20, 5.
  double surge_alpha = 0.001;
  double surge_min_ratio = 1.5;
  uint64_t surge_min_count = 20;
  size_t drivers_per_surge = 5;

  // History across runs (voc/history.h). Off by default: no history output.
  bool history = false;
  std::optional<HistoryRun> previous_run;  // none: this is the first run
  std::string run_timestamp;               // this run's UTC time "YYYY-MM-DDTHH:MM:SSZ"; "" = now
  // Worsening / improving: two-proportion z-test significance and smallest
  // relative change of share. Defaults 0.05, 0.1.
  double history_alpha = 0.05;
  double history_min_change = 0.1;
  // Actions judged before / after their date (with or without history):
  // significance of the one-sided test and the fewest periods after the
  // date for a verdict. Defaults 0.05, 2.
  std::vector<Action> actions;
  double action_alpha = 0.05;
  int action_min_periods = 2;
};

// Returns InvalidArgument naming the first field out of range.
Status ValidateFindingsOptions(const FindingsOptions& options);

struct PeriodPoint {
  std::string period;
  uint64_t count = 0;             // verbatims of the theme (or all verbatims, for totals)
  uint64_t total = 0;             // all verbatims of the period
  double share = 0.0;             // count / total, 0 when total is 0
  bool present = false;           // present above baseline (themes only)
  uint64_t repeat_customers = 0;  // customers with > 1 contact in the period (themes only)
};

struct PriorityPart {
  std::string name;    // "volume", "persistence", "negativity", "signals", "growth"
  double value = 0.0;  // 0..1
  double weight = 0.0;
  double points = 0.0;  // contribution to the 0..100 score
  std::string why;      // e.g. "412 verbatims, 3.2% of all"
};

struct Quote {
  std::string id;
  std::string period;
  std::string channel;
  Polarity polarity = Polarity::kNeutral;
  double score = 0.0;
  std::string snippet;                               // redacted text, at most AggregateOptions::snippet_bytes
  std::vector<std::pair<uint32_t, uint32_t>> spans;  // byte ranges in `snippet`
  bool cut_left = false, cut_right = false;          // the snippet is part of a longer text
};

struct OwnerShare {
  std::string department;
  ValueRole role = ValueRole::kUnknown;
  uint64_t hits = 0;
};

struct NamedCount {
  std::string name;
  uint64_t count = 0;
};

struct SignalShare {
  Signal signal = Signal::kRepeatContact;
  uint64_t count = 0;
  double share = 0.0;  // of the theme's window volume
};

// Conversation-level figures (conversation input: Aggregate::Add of a
// ConversationAnalysis; docs/CONVERSATIONS.md), over the conversations of
// the window and the undated ones.
struct ConversationFigures {
  uint64_t conversations = 0;
  uint64_t turns = 0;
  double share_resolved = 0.0;    // ended resolved
  double share_unresolved = 0.0;  // ended with the customer still stuck
  // Mean change of the customer's sentiment from start to end, over the
  // conversations where it is known; none when it is known in none.
  std::optional<double> mean_sentiment_change;
  double transfers_per_conversation = 0.0;
  double right_first_time = 0.0;  // mean right-first-time estimate
};

struct Finding {
  std::string theme;                    // "billing/unexpected-fee"
  std::vector<std::string> label_path;  // {"billing", "unexpected-fee"}
  FindingStatus status = FindingStatus::kStable;
  std::string status_reason;        // one sentence with the numbers
  std::vector<FindingStatus> also;  // other tests that hold (e.g. chronic + spike)
  bool provisional = false;         // the window is too short for the tests
  std::string department;           // main owner ("" when unknown)
  ValueRole role = ValueRole::kUnknown;
  std::vector<OwnerShare> owners;  // all owners reported, most hits first

  uint64_t volume = 0;   // in the window
  double share = 0.0;    // of all verbatims in the window
  uint64_t undated = 0;  // undated verbatims of the theme (not in volume)
  std::vector<PeriodPoint> series;
  double reference_share = 0.0;  // the share "present above baseline" is tested against
  double trend_slope = 0.0;      // least-squares change of share per period
  std::string trend;             // "rising", "falling" or "flat"
  double persistence = 0.0;      // share of window periods present
  int recent_present = 0;        // present periods among the last chronic_n

  // The emerging test on the last period.
  uint64_t last_count = 0;
  double own_baseline_share = 0.0;
  double last_expected = 0.0;
  double last_p_value = 1.0;
  bool last_significant = false;  // the emerging test holds on the last period
  // The spike test: the most significant earlier period.
  std::string spike_period;
  double spike_p_value = 1.0;

  uint64_t negative = 0, neutral = 0, positive = 0;
  uint64_t unscored = 0;        // sentiment not scored (unsupported language)
  double share_negative = 0.0;  // of the scored verbatims
  double mean_score = 0.0;      // over the scored verbatims
  double mean_emotion = 0.0;
  std::vector<SignalShare> signals;  // all signals, in enum order
  uint64_t with_signal = 0;          // verbatims with any Hunsaker signal

  // Repeat contacts: customers with a known id and those with > 1 contact on
  // this theme in the window.
  uint64_t customers = 0;
  uint64_t repeat_customers = 0;

  std::vector<NamedCount> channels;  // most verbatims first
  // Hits of the theme by source kind ("rule", "model", "adapted"), over the
  // whole aggregate (every period), most first.
  std::vector<NamedCount> sources;

  double priority = 0.0;  // 0..100
  std::vector<PriorityPart> priority_parts;
  bool escalated = false;
  uint64_t urgency_safety = 0;

  std::vector<Quote> evidence;

  Money money;    // has_cost / has_value false without amounts
  Impact impact;  // on the score (Findings::score)

  // The conversations that carried the theme (conversation input only).
  std::optional<ConversationFigures> conversations;

  std::optional<FindingHistory> history;  // with FindingsOptions::history
  std::vector<ActionResult> actions;      // the actions on this theme, by date
};

struct UnknownPhrase {
  std::string phrase;
  uint64_t unclassified = 0;  // unclassified verbatims containing it
  uint64_t classified = 0;    // classified verbatims containing it
  double g2 = 0.0;            // 0 for discovered themes
  uint64_t in_theme = 0;      // discovered themes: members containing it
};

struct UnknownTheme {
  std::string name;    // suggested: its most telling phrase(s)
  uint64_t count = 0;  // unclassified verbatims of the theme (estimated from the sample)
  std::vector<UnknownPhrase> phrases;
  std::vector<Quote> examples;
  // Discovered themes only (empty / zero otherwise):
  std::string id;             // "discovered/<slug>", the id in a `voc discover` draft
  uint64_t sample_count = 0;  // members in the discovery sample
  double share = 0.0;         // of the sampled records
  FindingStatus status = FindingStatus::kStable;
  std::string status_reason;
  std::string trend;                // "rising", "falling" or "flat"
  std::vector<PeriodPoint> series;  // sample counts per window period
  double share_negative = 0.0;
  uint64_t with_signal = 0;  // sampled members with a Hunsaker signal
  std::string rule;          // suggested RE2 include
  double rule_precision = 0.0, rule_recall = 0.0;
  Impact impact;  // on the score, estimated on the discovery sample (also in Findings::drivers)
};

// A theme's part in a volume surge.
struct SurgeDriver {
  std::string theme;             // a theme id or "unclassified"
  uint64_t count = 0;            // its verbatims in the surge period (and channel)
  double typical = 0.0;          // its median count in the other window periods
  double excess = 0.0;           // count - typical
  double share_of_excess = 0.0;  // excess / (surge count - typical volume)
};

// A period whose total volume (overall or on one channel) surged.
struct VolumeSurge {
  std::string period;
  std::string channel;               // "" for all channels
  uint64_t count = 0;                // verbatims in the period (on the channel)
  double typical = 0.0;              // median volume of the other window periods
  double ratio = 0.0;                // count / typical (0 when typical is 0)
  double p_value = 1.0;              // one-sided Poisson test of count against typical
  std::string reason;                // one sentence with the numbers
  std::vector<SurgeDriver> drivers;  // largest excess first
};

struct Findings {
  Period period = Period::kWeek;
  std::vector<std::string> periods;  // the window, oldest first
  std::vector<PeriodPoint> totals;   // all verbatims per window period
  uint64_t records = 0;              // all records in the aggregate
  uint64_t in_window = 0;            // dated records inside the window
  uint64_t undated = 0;
  uint64_t unclassified = 0;  // unclassified records in the window
  double reference_share = 0.0;
  std::vector<NamedCount> channels;  // window volume per channel
  // All records per language (ISO 639-1 or "und"), most first, and of
  // them those whose sentiment was not scored (unsupported languages).
  std::vector<NamedCount> languages;
  std::vector<NamedCount> languages_unscored;
  uint64_t unscored = 0;
  // Theme hits by source kind over all themes of the aggregate, most first.
  std::vector<NamedCount> theme_sources;
  FindingsOptions options;
  std::vector<Finding> findings;  // by priority, highest first
  std::vector<UnknownTheme> unknown_themes;
  std::vector<VolumeSurge> surges;  // by period, overall before channels
  // False when the window has fewer than chronic_n + min_baseline_periods
  // periods: statuses are provisional.
  bool window_sufficient = true;
  int min_periods = 0;                // chronic_n + min_baseline_periods
  std::vector<std::string> warnings;  // e.g. an unknown `last_period`
  // The industry packs the analysis used and why; set by the caller that ran
  // the analysis (`mode` empty when unknown, e.g. from saved aggregates).
  IndustrySelection industries;

  // All conversations (conversation input only).
  std::optional<ConversationFigures> conversations;

  Money money;                                       // over all records in the window, each verbatim once
  std::vector<DepartmentMoney> money_by_department;  // largest cost first
  ScoreSummary score;
  std::vector<Driver> drivers;  // most negative impact first

  // With FindingsOptions::history (voc/history.h): the issues of the previous
  // run that are not issues any more, the summary of changes, and this run's
  // record to store for the next one. `changes` also lists the verdicts of
  // the actions when actions were given.
  bool has_history = false;
  std::vector<ResolvedTheme> resolved;
  HistoryChanges changes;
  HistoryRun run;

  size_t Count(FindingStatus s) const;
};

// Detects the findings of `aggregate`. Options out of range are clamped and
// reported in `Findings::warnings` (check ValidateFindingsOptions() first to
// refuse them instead).
Findings DetectFindings(const Aggregate& aggregate, const FindingsOptions& options = {});

}  // namespace voc

#endif  // VOC_FINDINGS_H_
