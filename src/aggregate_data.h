// Private: the contents of a voc::Aggregate, shared by aggregate.cc,
// findings.cc and report.cc. Every number is an integer so that sums are
// associative and merges exact.
#ifndef VOC_SRC_AGGREGATE_DATA_H_
#define VOC_SRC_AGGREGATE_DATA_H_

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "voc/aggregate.h"
#include "voc/analysis.h"

namespace voc {
namespace internal {

// Counts over a set of records.
struct Counts {
  uint64_t volume = 0;
  uint64_t negative = 0, neutral = 0, positive = 0;
  int64_t score_micros = 0;       // sum of round(score * 1e6)
  int64_t emotion_micros = 0;     // sum of round(emotion_intensity * 1e6)
  uint64_t with_signal = 0;       // records with at least one Hunsaker signal
  std::array<uint64_t, kSignalCount> signals{};  // records with the signal

  void Add(const Counts& o);
};

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
};

// Unordered for speed; serialization sorts the keys.
using NgramCounts = std::unordered_map<std::string, uint64_t>;

struct AggregateData {
  AggregateOptions options;
  uint64_t records = 0;
  // period -> channel -> counts over all records.
  std::map<std::string, std::map<std::string, Counts>> totals;
  std::map<std::string, ThemeData> themes;
  // period -> n-gram -> number of texts containing it.
  std::map<std::string, NgramCounts> unclassified_ngrams, all_ngrams;
  // period -> number of texts whose n-grams were counted.
  std::map<std::string, uint64_t> unclassified_docs, all_docs;
};

// 64-bit FNV-1a of `id`, a zero byte and `text`.
uint64_t ContentHash(std::string_view id, std::string_view text);

// Splits `text` into lowercased word tokens for phrase statistics and
// returns its distinct n-grams (n = 1..max_n, words joined by one space).
// Stopwords, masks ("XXXX", "[EMAIL]"), numbers and one-letter words are
// dropped and break n-grams.
std::vector<std::string> DistinctNgrams(std::string_view text, int max_n);

// Cuts a snippet of at most `max_bytes` bytes of `text` around
// [begin, end), at word boundaries and UTF-8 character boundaries.
// Returns the snippet's byte range in `text`.
std::pair<size_t, size_t> SnippetRange(std::string_view text, size_t begin, size_t end,
                                       size_t max_bytes);

}  // namespace internal
}  // namespace voc

#endif  // VOC_SRC_AGGREGATE_DATA_H_
