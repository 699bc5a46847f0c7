// Private: the contents of a voc::Aggregate, shared by aggregate.cc,
// findings.cc and report.cc. Every number is an integer so that sums are
// associative and merges exact.
#ifndef VOC_SRC_AGGREGATE_DATA_H_
#define VOC_SRC_AGGREGATE_DATA_H_

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "insight/phrase_table.h"
#include "voc/aggregate.h"
#include "text/stop_words.h"
#include "voc/analysis.h"
#include "util/impl_access.h"

namespace voc {
namespace internal {

// Counts over a set of records.
struct Counts {
  uint64_t volume = 0;
  uint64_t negative = 0, neutral = 0, positive = 0;
  uint64_t unscored = 0;                         // sentiment not scored (e.g. unsupported language)
  int64_t score_micros = 0;                      // sum of round(score * 1e6), scored records only
  int64_t emotion_micros = 0;                    // sum of round(emotion_intensity * 1e6)
  uint64_t with_signal = 0;                      // records with at least one Hunsaker signal
  std::array<uint64_t, kSignalCount> signals{};  // records with the signal
  // Economics and score drivers (aggregate_figures.cc).
  uint64_t costly = 0;                   // records with an avoidable- or repeat-contact signal
  uint64_t churn_valued = 0;             // churn-risk records with a customer value
  int64_t churn_value_cents = 0;         // sum of those values, in cents
  uint64_t sentiment_sq = 0;             // sum of round(score * 1e3)^2
  uint64_t score_n = 0;                  // records with a numeric score
  uint64_t score_invalid = 0;            // records whose score field is not a usable number
  int64_t score_milli = 0;               // sum of round(score * 1e3)
  uint64_t score_sq = 0;                 // sum of round(score * 1e3)^2
  std::array<uint64_t, 11> score_int{};  // scores equal to the integers 0..10
  uint64_t value_invalid = 0;            // records whose value field is not a usable number

  void Add(const Counts& o);
};

// Score statistics of the records of one bootstrap bucket (records are put
// in one of kScoreBuckets buckets by a hash of their id).
inline constexpr int kScoreBuckets = 32;
struct BucketStats {
  uint64_t n = 0;                                     // records
  int64_t sentiment_u = 0;                            // sum of round(sentiment * 1e6)
  uint64_t score_n = 0;                               // records with a numeric score
  int64_t score_milli = 0;                            // sum of round(score * 1e3)
  uint64_t nps_n = 0, promoters = 0, detractors = 0;  // integer scores 0..10; 9-10; 0-6
  uint64_t csat_n = 0, csat_top = 0;                  // integer scores 1..5; 4-5
  void Add(const BucketStats& o);
};
// period -> bucket -> stats.
using Buckets = std::map<std::string, std::map<int, BucketStats>>;
// period -> "themeA\x1fthemeB" (sorted pair) -> {records, records with a numeric score}.
using PairCounts = std::map<std::string, std::map<std::string, std::array<uint64_t, 2>>>;
// period -> customer id -> largest value in cents (-1: no value known).
using ChurnCustomers = std::map<std::string, std::map<std::string, int64_t>>;

// One evidence candidate: a redacted snippet of a record.
struct Evidence {
  uint64_t hash = 0;  // Fnv1a(id, text): the sampling key
  std::string id;
  std::string period;
  std::string channel;
  int polarity = 0;  // -1, 0, 1
  int64_t score_micros = 0;
  std::string snippet;                               // redacted text
  std::vector<std::pair<uint32_t, uint32_t>> spans;  // into `snippet`
  bool truncated_left = false, truncated_right = false;
};
// Total order used to keep the k smallest candidates.
bool EvidenceLess(const Evidence& a, const Evidence& b);

// Conversation figures over a set of conversations (Add(ConversationAnalysis)),
// integer sums like Counts (aggregate_conversations.cc).
struct ConversationCounts {
  uint64_t conversations = 0;
  uint64_t turns = 0;
  uint64_t resolved = 0, unresolved = 0;
  uint64_t with_trajectory = 0;  // conversations whose customer sentiment has a trajectory
  int64_t change_micros = 0;     // sum of round(trajectory change * 1e6), in [-2e6, 2e6] each
  uint64_t transfers = 0;
  int64_t rft_micros = 0;  // sum of round(right_first_time * 1e6), in [0, 1e6] each
  void Add(const ConversationCounts& o);
};
// period -> counts.
using ConversationCells = std::map<std::string, ConversationCounts>;

struct OwnerKey {
  std::string department;
  int role = static_cast<int>(ValueRole::kUnknown);
  bool operator<(const OwnerKey& o) const {
    return department != o.department ? department < o.department : role < o.role;
  }
};

struct ThemeData {
  // period -> channel -> counts.
  std::map<std::string, std::map<std::string, Counts>> cells;
  // Who owns the theme, as reported by the theme hits, with hit counts.
  std::map<OwnerKey, uint64_t> owners;
  // Hits by the kind of their source ("rule", "model", "adapted": the part of
  // ThemeHit::source before ':').
  std::map<std::string, uint64_t> sources;
  // Evidence candidates: negative stratum and neutral-or-positive stratum,
  // each sorted by EvidenceLess and at most k long.
  std::vector<Evidence> negative_evidence, other_evidence;
  // period -> customer id -> contacts.
  std::map<std::string, std::map<std::string, uint64_t>> customers;
  // Score stats per bootstrap bucket and churn-risk customers with values.
  Buckets buckets;
  ChurnCustomers churn_customers;
  // Conversations carrying the theme, per period (conversation input only).
  ConversationCells conversations;
};

// One record of the discovery sample: the records with the smallest content
// hash (a uniform sample, the same whatever the split of the input), with
// what theme discovery needs. Sorted by (hash, id).
struct SampleDoc {
  uint64_t hash = 0;
  std::string id;
  std::string period;
  std::string channel;
  int polarity = 0;  // -1, 0, 1
  int64_t score_micros = 0;
  int64_t emotion_micros = 0;
  uint32_t signals = 0;  // bit i: Signal i
  bool covered = false;  // has a known theme
  // The record's score field (Counts::score_*): 0 none, 1 a usable number
  // (rating_milli = round(score * 1e3)), 2 not a usable number.
  uint8_t rating = 0;
  int64_t rating_milli = 0;
  // Content words of the text (see ContentTerms), one space between words,
  // '\n' between runs that a phrase may not cross.
  std::string terms;
  std::string snippet;  // the redacted text, at most snippet_bytes
};
bool SampleLess(const SampleDoc& a, const SampleDoc& b);

// Counts by phrase id (AggregateData::phrases) for one period; serialization
// sorts the phrases.
using NgramCounts = PhraseCounts;
// Distinct phrases kept per period and table: a phrase first seen when the
// table is full is not kept, its occurrences are counted in
// AggregateData::ngrams_dropped (memory and the saved aggregate stay bounded
// on text of unique words).
constexpr size_t kMaxNgramsPerPeriod = 100000;

// Records of one language, and how many of them had no sentiment score.
struct LanguageCounts {
  uint64_t records = 0;
  uint64_t unscored = 0;
};

struct AggregateData {
  AggregateOptions options;
  uint64_t records = 0;
  // ISO 639-1 code (or "und") -> counts over all records.
  std::map<std::string, LanguageCounts> languages;
  // period -> channel -> counts over all records.
  std::map<std::string, std::map<std::string, Counts>> totals;
  std::map<std::string, ThemeData> themes;
  // The phrases of the tables below, each once (only phrases some table
  // holds are added).
  PhraseIds phrases;
  // period -> phrase id -> number of texts containing the phrase.
  std::map<std::string, NgramCounts> unclassified_ngrams, all_ngrams;
  // period -> number of texts whose n-grams were counted.
  std::map<std::string, uint64_t> unclassified_docs, all_docs;
  // Over all records: score stats per bucket, churn-risk customers, and
  // theme co-occurrence (for the regression of the score on the themes).
  Buckets total_buckets;
  ChurnCustomers churn_customers;
  PairCounts theme_pairs;
  // All conversations per period (empty unless conversations were added).
  ConversationCells conversations;
  // Read from an aggregate written before `costly` was kept: contact costs
  // would be undercounted.
  bool legacy_counts = false;
  // Phrase occurrences not kept because their period's table was full.
  uint64_t ngrams_dropped = 0;
  // Identity, so that one partial aggregate is never merged twice: the
  // identities of the saved partials merged in (read from "sources"), and
  // the order-free fingerprint (a sum of mixed content hashes) of the records
  // added in this process (Add(), or Merge() of an aggregate not read from a
  // file), which is one more partial when non-empty.
  std::set<uint64_t> sources;
  uint64_t own_fingerprint = 0;
  uint64_t own_records = 0;
  // The discovery sample: at most options.discovery_sample records, sorted
  // by SampleLess. Read it through Sample(). Records offered (OfferSample)
  // wait in `sample_pending`, unsorted, and are merged in batches (a sorted
  // insertion one by one moves half the sample per record: quadratic).
  const std::vector<SampleDoc>& Sample() const {
    FlushSample();
    return sample;
  }
  // Merges the pending records into `sample`.
  void FlushSample() const;
  mutable std::vector<SampleDoc> sample;
  mutable std::vector<SampleDoc> sample_pending;
  // Guards the flush of a const aggregate read by several threads; a copy
  // gets its own.
  struct Lock {
    Lock() = default;
    Lock(const Lock&) {}
    Lock& operator=(const Lock&) { return *this; }
    std::mutex m;
  };
  mutable Lock sample_lock;
};

// The content words of redacted `text` for theme discovery, from the
// Tokenizer: words, contractions and hashtags (without '#'), case-folded;
// stop words (English, French, German, Spanish, Italian, Portuguese, Dutch),
// one-letter words, words with digits, masks, numbers, URLs, e-mails,
// mentions, emoji and punctuation are dropped and end a run (phrases never
// cross them). Words are joined by ' ', runs by '\n'; at most `max_bytes`.
std::string ContentTerms(std::string_view text, size_t max_bytes);

// Offers one record to the discovery sample (kept when it is among the k
// smallest by (hash, id)).
void OfferSample(AggregateData* d, const Analysis& a, const std::string& period, const std::string& channel,
                 const Counts& c, bool covered, uint64_t hash);
// Merges two sorted samples, keeping the k smallest.
void MergeSample(std::vector<SampleDoc>* into, const std::vector<SampleDoc>& from, size_t k);

// `sources` plus this object's own partial, if it has one.
std::set<uint64_t> AggregateSources(const AggregateData& d);

// 64-bit FNV-1a of `id`, a zero byte and `text`.
uint64_t ContentHash(std::string_view id, std::string_view text);

// The distinct n-grams (n = 1..max_n, words joined by one space) of the
// runs of content words of `text`: the words of text/segment.h, ASCII
// lower-cased, that IsContentWord (text/stop_words.h) keeps; a word left
// out (stop words, masks such as "XXXX", numbers, one-letter words), a
// skipped token ("[EMAIL]", URLs, mentions) and punctuation other than a
// hyphen break n-grams.
std::vector<std::string> DistinctNgrams(std::string_view text, int max_n);
// The same n-grams, sorted, as views into `*buffer` (overwritten; the views
// stay valid until it changes): no string is allocated per n-gram.
void DistinctNgramViews(std::string_view text, int max_n, std::string* buffer,
                        std::vector<std::string_view>* grams);

// Cuts a snippet of at most `max_bytes` bytes of `text` around
// [begin, end), at word boundaries and UTF-8 character boundaries.
// Returns the snippet's byte range in `text`.
std::pair<size_t, size_t> SnippetRange(std::string_view text, size_t begin, size_t end, size_t max_bytes);

}  // namespace internal

// The Impl of voc::Aggregate is its data; library code reaches it with
// ImplOf(aggregate) (util/impl_access.h).
struct Aggregate::Impl : internal::AggregateData {};

}  // namespace voc

#endif  // VOC_SRC_AGGREGATE_DATA_H_
