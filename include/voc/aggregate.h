// voc/aggregate.h: mergeable per-period counts of analysed verbatims.
//
//   voc::Aggregate a({.period = voc::Period::kWeek});
//   for (const voc::Analysis& x : part1) a.Add(x);
//   voc::Aggregate b({.period = voc::Period::kWeek});
//   for (const voc::Analysis& x : part2) b.Add(x);
//   if (voc::Status s = a.Merge(b); !s.ok()) return s;
//   std::string saved = a.Serialize();            // canonical JSON
//   voc::Result<voc::Aggregate> back = voc::Aggregate::Deserialize(saved);
//
// What is kept, per theme (plus the pseudo-theme "unclassified"), per period
// and per channel: volume, sentiment mix (negative/neutral/positive counts and
// the score sum in fixed point), counts per `Signal`, and totals per period
// and channel over all records (for shares). Records without a timestamp go to
// the period "undated". Per theme it also keeps a few evidence candidates,
// per-customer contact counts (repeat contacts) and, per period, document
// frequencies of word 1-3-grams in unclassified texts and in all texts (for
// emerging unknown themes). Conversations (Add(ConversationAnalysis)) also
// keep, per theme and period, their conversation figures.
//
// The key property: for any split of the input into parts, aggregating the
// parts (in any order, on any thread) and merging them in any order gives
// exactly the same aggregate as one pass: `Serialize()` is byte-identical.
// This holds because every statistic is an integer sum (scores are summed in
// millionths), every sample is "the k smallest by a content hash", and
// serialization sorts every map.
//
// Memory: O(themes x periods x channels) for counts, O(themes x k) for
// evidence, O(distinct (theme, period, customer) triples) for repeat contacts
// (about 60 bytes each plus the customer id), and O(distinct n-grams per
// period) for phrase statistics (each phrase's text is kept once per
// aggregate, a period's table holds 32-64 bytes per phrase, at most 100,000
// phrases per period and table); set `phrase_stats = false` or
// `track_customers = false` to drop the last two.
//
// Thread safety: an Aggregate is a plain value; const methods may be called
// from many threads, Add() and Merge() need exclusive access. Use one
// Aggregate per thread and merge them.
#ifndef VOC_AGGREGATE_H_
#define VOC_AGGREGATE_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "voc/analysis.h"
#include "voc/economics.h"
#include "voc/status.h"

namespace voc {

// The time bucket of an aggregate.
enum class Period : int8_t {
  kDay,    // id "2024-02-13" (UTC)
  kWeek,   // ISO 8601 weeks starting on Monday, id "2024-W07"
  kMonth,  // id "2024-02"
};

// Returns "day", "week" or "month".
const char* PeriodName(Period p);
// Parses "day", "week" or "month"; InvalidArgument otherwise.
Result<Period> ParsePeriod(std::string_view name);
// Returns the id of the period holding `unix_seconds` (UTC).
std::string PeriodId(int64_t unix_seconds, Period p);
// Returns a consecutive ordinal of the period `id` (days, weeks or months
// since an epoch), so that ordinals of neighbouring periods differ by one;
// InvalidArgument for an id that is not of period `p`.
Result<int64_t> PeriodOrdinal(std::string_view id, Period p);
// Inverse of PeriodOrdinal().
std::string PeriodIdFromOrdinal(int64_t ordinal, Period p);

// The period id of records without a timestamp.
inline constexpr const char* kUndatedPeriod = "undated";
// The pseudo-theme of records with no theme.
inline constexpr const char* kUnclassifiedTheme = "unclassified";

struct AggregateOptions {
  // Time bucket. Default: ISO weeks.
  Period period = Period::kWeek;
  // Evidence candidates kept per theme and per stratum (negative,
  // neutral-or-positive): the records with the smallest content hash.
  // Default 5.
  size_t evidence_per_theme = 5;
  // Evidence candidates kept per stratum for the pseudo-theme
  // "unclassified"; they supply the example verbatims of emerging unknown
  // themes, so more are kept. Default 200.
  size_t unclassified_evidence = 200;
  // Longest evidence snippet in bytes; snippets are cut at word boundaries
  // around the theme's first evidence span. Default 280.
  size_t snippet_bytes = 280;
  // Keep per-customer contact counts per theme and period (repeat contacts).
  // Default true.
  bool track_customers = true;
  // Keep word n-gram document frequencies for unknown-theme discovery.
  // Default true.
  bool phrase_stats = true;
  // Longest n-gram counted (1..3). Default 3.
  int max_ngram = 3;
  // Records kept for theme discovery (voc/discovery.h): the ones with the
  // smallest content hash, a uniform sample whatever the split of the input,
  // so merges stay exact and memory stays flat (about 0.7 KB a record) as
  // the input grows. 0 turns discovery off. Default 20000.
  size_t discovery_sample = 20000;
};

struct ConversationAnalysis;  // voc/conversation.h

class Aggregate {
 public:
  explicit Aggregate(const AggregateOptions& options = {});
  Aggregate(const Aggregate& other);
  Aggregate& operator=(const Aggregate& other);
  Aggregate(Aggregate&&) noexcept;
  Aggregate& operator=(Aggregate&&) noexcept;
  ~Aggregate();

  // Counts one analysed record.
  void Add(const Analysis& a);
  // Counts one analysed record with its score and customer value (for the
  // drivers of the score and the value at risk; voc/economics.h).
  void Add(const Analysis& a, const RecordFigures& figures);
  // Counts one analysed conversation: its customer analysis once, as
  // Add(conversation.customer) does, and the conversation figures per theme
  // and period (conversations, turns, resolved / unresolved, customer
  // sentiment change, transfers, right-first-time estimate), which merge,
  // regroup and serialize like the rest and reach findings and reports.
  void Add(const ConversationAnalysis& conversation);
  // Adds all of `other` into this aggregate. FailedPrecondition when the
  // options differ (they decide what is kept, so merging would not be exact)
  // and when a partial aggregate would be counted twice: each aggregate
  // carries the identities of the saved partials in it (an order-free
  // fingerprint of the records added to each), written as "sources" by
  // Serialize(). Aggregates built in one process and merged there form one
  // partial, so in-memory splits merged serialize as one pass does.
  Status Merge(const Aggregate& other);

  // Returns this aggregate regrouped into coarser periods: day -> week,
  // day -> month, or the same period (a copy). The result is exactly what
  // aggregating by `period` would have given. FailedPrecondition for
  // week -> month and for any finer target, which cannot be exact.
  Result<Aggregate> Regroup(Period period) const;

  // Canonical JSON (sorted keys, integers only): equal aggregates give
  // byte-identical strings.
  std::string Serialize() const;
  // Parses Serialize() output; InvalidArgument with the reason when the text
  // is not a valid serialized aggregate.
  static Result<Aggregate> Deserialize(std::string_view json);

  // A compact binary form for handing partial aggregates between processes
  // of one run (e.g. Dask workers): the same content as Serialize(), read
  // back with the same checks, several times faster to write and read, but
  // not canonical (equal aggregates may give different bytes) and not meant
  // for files. Starts with "voc.aggb" and a format version.
  std::string SerializeBinary() const;
  // Parses SerializeBinary() output; InvalidArgument with the reason when the
  // bytes are not a valid binary aggregate (of this version).
  static Result<Aggregate> DeserializeBinary(std::string_view bytes);

  const AggregateOptions& options() const;
  // Records added, in total and without a timestamp.
  uint64_t records() const;
  uint64_t undated() const;
  // Conversations added with Add(ConversationAnalysis) (0 for flat records).
  uint64_t conversations() const;
  // Dated period ids seen, sorted (chronological).
  std::vector<std::string> periods() const;
  // Theme ids seen, sorted; includes "unclassified" when such records exist.
  std::vector<std::string> themes() const;

 private:
  friend class ImplAccess;  // findings, discovery and reports read the counts
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

class Analyzer;          // voc/analyzer.h
class RecordReader;      // voc/reader.h
struct PipelineOptions;  // voc/pipeline.h
struct Reject;           // voc/reader.h

// Called on each analysis before it is added, on the thread that adds it:
// may change the analysis (say, prefix its id) and sets its figures.
using PrepareAnalysis = std::function<void(Analysis& analysis, RecordFigures* figures)>;

// Aggregates every record of `reader`, analysed by `analyzer`, into `*out`
// on the threads of `options` (voc::RunPipelineUnordered): each thread adds
// the records it analysed to an Aggregate of its own, and these are merged
// into `*out` at the end, which gives exactly what adding every record in
// input order on one thread gives (the key property above). `prepare` may be
// empty; rejects go to `on_reject` on the calling thread. Returns the
// reader's status.
Status AggregateRecords(RecordReader& reader, const Analyzer& analyzer, const PipelineOptions& options,
                        const PrepareAnalysis& prepare, const std::function<void(const Reject&)>& on_reject,
                        Aggregate* out);

// Adds `analyses` to `*out` on `threads` threads (0: all cores): each adds
// a contiguous part to an Aggregate of its own, merged at the end; the
// result equals adding them in order.
Status AggregateAnalyses(std::vector<Analysis>& analyses, int threads, const PrepareAnalysis& prepare,
                         Aggregate* out);

}  // namespace voc

#endif  // VOC_AGGREGATE_H_
