// Private: the JSON of an aggregate in two parts, for aggregate.cc and the
// binary form of aggregate_binary.cc. The "head" is everything but the bulk
// (the phrase tables and the discovery sample): counts, themes, evidence,
// figures. Serialize() writes the bulk into the same JSON;
// SerializeBinary() writes the head as JSON and the bulk in binary.
#ifndef VOC_SRC_INSIGHT_AGGREGATE_JSON_H_
#define VOC_SRC_INSIGHT_AGGREGATE_JSON_H_

#include <functional>

#include <nlohmann/json.hpp>

#include "insight/aggregate_data.h"
#include "insight/aggregate_figures.h"
#include "voc/aggregate.h"
#include "voc/status.h"

namespace voc {
namespace internal {

// The head of `d` as JSON (the keys of Serialize() but "phrases" and "sample").
nlohmann::json AggregateHeadJson(const AggregateData& d);

// Reads the bulk into the aggregate being built (its head already read and
// checked), checking period ids with `check`; throws std::runtime_error
// with the reason when the bulk is not valid.
using BulkReader = std::function<void(AggregateData* d, const CheckPeriod& check)>;

// Reads and checks an aggregate from its JSON; the bulk from `j` when `bulk`
// is empty, else from `bulk`. InvalidArgument with the path of what is wrong.
Result<Aggregate> AggregateFromJson(const nlohmann::json& j, const BulkReader& bulk);

}  // namespace internal
}  // namespace voc

#endif  // VOC_SRC_INSIGHT_AGGREGATE_JSON_H_
