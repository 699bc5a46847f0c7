// voc/economics.h: what each finding costs and what drives a score.
//
//   voc::RecordFigures fig;                       // per record, from its columns
//   voc::ParseScoreField("9", &fig);              // e.g. an NPS answer
//   voc::ParseValueField("1200", &fig);           // the customer's value
//   aggregate.Add(analysis, fig);
//
//   voc::FindingsOptions opt;
//   voc::ParseCostPerContact("4.5,call=7,chat=2", &opt);  // per contact
//   opt.customer_value = 1200;                    // or opt.value_per_record
//   opt.currency = "EUR";
//   voc::Findings f = voc::DetectFindings(aggregate, opt);
//   // f.findings[i].money, f.findings[i].impact, f.money, f.drivers
//
// Money (only when asked for; no default amounts):
// * Avoidable-contact cost of a theme = its verbatims in the window with an
//   avoidable-contact or repeat-contact signal x the cost per contact of
//   their channel (a channel without a cost is counted, not costed), per
//   period and over the window.
// * Value at risk = customers with a churn-risk signal x their value. With
//   customer ids: distinct customers (a customer's value is the largest value
//   seen on their churn-risk verbatims); without: each churn-risk verbatim is
//   one customer. Value: `customer_value` per customer, or the per-record
//   value kept by the aggregate (`value_per_record`).
// * Totals: overall over all records (each verbatim once), and per
//   department as the sum of its findings (a verbatim with two themes of the
//   same department counts twice there; the text says so).
//
// Drivers of a score (always computed; see ScoreKind):
// * The score of a set of records: NPS = 100 x (promoters 9-10 - detractors
//   0-6) / answers 0..10; CSAT = 100 x answers 4-5 / answers 1..5; mean = the
//   mean of the numeric scores; without any score, voc's sentiment score
//   (mean, -1..1) is the score and the output says so.
// * Impact of a theme = score of all records - score of the records without
//   the theme (leave-one-out): negative when the theme drags the score down.
//   Scope: the window's periods plus undated records.
// * Confidence interval: percentile bootstrap over 32 buckets of records (a
//   record's bucket is a hash of its id), `bootstrap_samples` resamples from
//   a fixed seed: deterministic, and exactly the same after merging partial
//   aggregates, because the aggregate keeps per-bucket sums.
// * Relative importance: Johnson's relative weights of the theme indicators
//   in a least-squares regression of the (recoded) score: they split the R^2
//   among the themes, and sum to it.
// * Discovered themes (voc/discovery.h) get the same impact and interval,
//   computed over the discovery sample (which keeps each sampled record's
//   score), and join the drivers with department "unassigned"; they have no
//   relative weight (the regression holds the known themes only).
#ifndef VOC_ECONOMICS_H_
#define VOC_ECONOMICS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "voc/status.h"

namespace voc {

// The numbers of one record beyond its text.
struct RecordFigures {
  std::optional<double> score;  // NPS answer, CSAT, stars, any number
  bool score_invalid = false;   // a score field that is not a number in [-1000, 1000]
  std::optional<double> value;  // the customer's value (revenue, LTV), >= 0
  bool value_invalid = false;   // a value field that is not a number in [0, 1e9]
};

// Parses a field into `figures->score` / `->value`: blank (or "NA", "N/A",
// "null", "NaN", "-") means no value; a number (spaces trimmed, '.' or a single
// ',' as the decimal mark) is kept; anything else sets the *_invalid flag.
void ParseScoreField(std::string_view raw, RecordFigures* figures);
void ParseValueField(std::string_view raw, RecordFigures* figures);

enum class ScoreKind : int8_t { kAuto, kNps, kCsat, kMean };
// "auto", "nps", "csat", "mean".
const char* ScoreKindName(ScoreKind k);
Result<ScoreKind> ParseScoreKind(std::string_view name);

enum class RankBy : int8_t { kPriority, kImpact, kCost };
// "priority", "impact", "cost".
const char* RankByName(RankBy r);
Result<RankBy> ParseRankBy(std::string_view name);

struct FindingsOptions;
// Parses "AMOUNT" or "CHANNEL=AMOUNT,..." (both may be mixed: a bare amount
// is the cost of every channel not named) into `options`. InvalidArgument
// naming the bad entry otherwise.
Status ParseCostPerContact(std::string_view spec, FindingsOptions* options);

struct ChannelCost {
  std::string channel;
  uint64_t contacts = 0;                   // avoidable or repeat contacts
  std::optional<double> cost_per_contact;  // none: not costed
  double cost = 0.0;
};

struct PeriodCost {
  std::string period;
  uint64_t contacts = 0;
  double cost = 0.0;
};

// The money of one finding (or of all records, or of a department).
struct Money {
  bool has_cost = false;           // a cost per contact was given
  uint64_t costly_contacts = 0;    // verbatims with avoidable or repeat contact
  uint64_t uncosted_contacts = 0;  // of those, in channels without a cost
  double contact_cost = 0.0;       // over the window
  std::vector<ChannelCost> by_channel;
  std::vector<PeriodCost> by_period;

  bool has_value = false;           // a customer value was given
  uint64_t churn_verbatims = 0;     // verbatims with a churn-risk signal
  uint64_t customers_at_risk = 0;   // distinct customers, or churn verbatims
  bool distinct_customers = false;  // customers_at_risk counts customer ids
  uint64_t without_value = 0;       // customers at risk with no known value
  double value_at_risk = 0.0;
  std::string why;  // every figure by its parts, one sentence
};

struct DepartmentMoney {
  std::string department;
  size_t findings = 0;
  double contact_cost = 0.0;
  double value_at_risk = 0.0;
};

// A theme's effect on the score.
struct Impact {
  bool valid = false;                  // false: too few scored records (see why)
  uint64_t n = 0;                      // scored records of the theme
  double theme_score = 0.0;            // score of the theme's records
  double without = 0.0;                // score of the records without the theme
  double impact = 0.0;                 // all - without
  double ci_low = 0.0, ci_high = 0.0;  // 95% bootstrap interval of impact
  double relative_weight = 0.0;        // share of R^2 (0..1), relative weights
  std::string why;
};

// One theme of the drivers table (every theme with scored records, known
// themes whether or not they make a finding).
struct Driver {
  std::string theme;
  std::string department;
  Impact impact;
};

// The score of all records and how it was read.
struct ScoreSummary {
  bool from_sentiment = true;         // no score column: voc's sentiment score
  std::string name;                   // the score column, or "sentiment"
  ScoreKind kind = ScoreKind::kMean;  // resolved (never kAuto)
  uint64_t n = 0;                     // records scored in the scope
  uint64_t invalid = 0;               // score fields that were not numbers (left out)
  uint64_t out_of_range = 0;          // numbers outside the kind's scale (left out)
  double score = 0.0;                 // of all records in the scope
  double r2 = 0.0;                    // of the regression on theme indicators
  int bootstrap_samples = 0;
  std::string method;  // one sentence: formulas and conventions
};

}  // namespace voc

#endif  // VOC_ECONOMICS_H_
