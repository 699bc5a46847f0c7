// Private: the economics and score-driver parts of an aggregate (scores,
// customer values, bootstrap buckets, churn-risk customers, theme pairs):
// how one record adds to them, merging, regrouping and (de)serialization.
#ifndef VOC_SRC_AGGREGATE_FIGURES_H_
#define VOC_SRC_AGGREGATE_FIGURES_H_

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "insight/aggregate_data.h"
#include "voc/economics.h"

namespace voc {
struct ConversationAnalysis;
namespace internal {

// Sets the figure fields of `c` (a one-record Counts) from the record.
void FillFigures(const Analysis& a, const RecordFigures& f, Counts* c);
// The bootstrap bucket of a record id, 0..kScoreBuckets-1.
int ScoreBucket(std::string_view id);
// The bucket stats of a one-record Counts.
BucketStats ToBucket(const Counts& c);
// Keeps the larger value for a customer.
void AddChurnCustomer(std::map<std::string, int64_t>* m, const std::string& customer, int64_t cents);

// Adds `from` into `into` with period ids mapped by `key` (identity for merges).
using PeriodKey = std::function<std::string(const std::string&)>;
void MergeBuckets(Buckets* into, const Buckets& from, const PeriodKey& key);
void MergeChurn(ChurnCustomers* into, const ChurnCustomers& from, const PeriodKey& key);
void MergePairs(PairCounts* into, const PairCounts& from, const PeriodKey& key);

// JSON: figure fields of Counts are written only when non-zero (and read as 0
// when missing).
void FiguresToJson(const Counts& c, nlohmann::json* out);
// Throws std::runtime_error(path: reason) on a bad shape. `*legacy` is set
// when the cell has contact signals but no `costly` field.
void ReadFigures(const nlohmann::json& v, const std::string& path, Counts* c, bool* legacy);
nlohmann::json BucketsToJson(const Buckets& b);
nlohmann::json ChurnToJson(const ChurnCustomers& c);
nlohmann::json PairsToJson(const PairCounts& p);
// `check_period` throws for an id that is not a period of the aggregate.
using CheckPeriod = std::function<void(const std::string& id, const std::string& path)>;
Buckets ReadBuckets(const nlohmann::json& v, const std::string& path, const CheckPeriod& check);
ChurnCustomers ReadChurn(const nlohmann::json& v, const std::string& path, const CheckPeriod& check);
PairCounts ReadPairs(const nlohmann::json& v, const std::string& path, const CheckPeriod& check);

// Conversations (aggregate_conversations.cc): the counts of one
// conversation, merging / regrouping, and JSON per period
// {"n","turns","resolved","unresolved","traj","change_u","transfers","rft_u"}.
ConversationCounts ConversationCountsOf(const ConversationAnalysis& a);
void MergeConversations(ConversationCells* into, const ConversationCells& from, const PeriodKey& key);
nlohmann::json ConversationsToJson(const ConversationCells& cells);
ConversationCells ReadConversations(const nlohmann::json& v, const std::string& path,
                                    const CheckPeriod& check);

}  // namespace internal
}  // namespace voc

#endif  // VOC_SRC_AGGREGATE_FIGURES_H_
