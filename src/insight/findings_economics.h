// Private: the economics and score-driver parts of DetectFindings().
#ifndef VOC_SRC_FINDINGS_ECONOMICS_H_
#define VOC_SRC_FINDINGS_ECONOMICS_H_

#include <string>
#include <vector>

#include "insight/aggregate_data.h"
#include "voc/findings.h"

namespace voc {
namespace internal {

// Fills Finding::money, Findings::money and money_by_department when
// `out->options` has a cost or a value (findings_money.cc).
void AddMoney(const AggregateData& d, Findings* out);

// Fills Findings::score, Findings::drivers and Finding::impact over the
// window's periods plus undated records (findings_impact.cc).
void AddImpact(const AggregateData& d, Findings* out);

// Orders drivers by impact, most negative first; invalid impacts last (stable).
void SortDrivers(std::vector<Driver>* drivers);

// Johnson's relative weights: raw weights of n predictors (they sum to R^2)
// from their correlation matrix `rxx` (row-major n x n) and their
// correlations `rxy` with the outcome.
std::vector<double> RelativeWeights(const std::vector<double>& rxx, const std::vector<double>& rxy, size_t n);

// Orders the findings by `out->options.rank_by` (stable; priority breaks ties).
void RankFindings(Findings* out);

// Formats an amount with the currency, e.g. "EUR 1,234.50" or "1,234.50".
std::string MoneyText(double amount, const std::string& currency);

}  // namespace internal
}  // namespace voc

#endif  // VOC_SRC_FINDINGS_ECONOMICS_H_
