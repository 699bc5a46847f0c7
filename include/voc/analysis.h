// voc/analysis.h: the result of analysing one customer verbatim.
//
// An `Analysis` is what every later stage (aggregation, findings, reports,
// the JSON written by `voc analyze`) consumes. It holds only redacted text:
// every byte offset below points into `Analysis::text`, which is the
// normalised text with personal data already masked.
//
// These are plain value types; they are safe to copy and move between threads.
#ifndef VOC_ANALYSIS_H_
#define VOC_ANALYSIS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace voc {

// A piece of evidence: a byte range of `Analysis::text` and what fired on it
// (e.g. "lexicon", "rule:billing/unexpected-fee#2", "model:themes",
// "cue:third time").
struct EvidenceSpan {
  uint32_t begin = 0;
  uint32_t end = 0;
  std::string source;
  double weight = 0.0;  // contribution, when the source has one
};

enum class Polarity : int8_t { kNegative = -1, kNeutral = 0, kPositive = 1 };

// Returns "negative", "neutral" or "positive".
const char* PolarityName(Polarity p);

struct Sentiment {
  Polarity label = Polarity::kNeutral;
  double score = 0.0;       // in [-1, 1]
  double confidence = 0.0;  // in [0, 1]
  std::vector<EvidenceSpan> evidence;
  // Non-empty when the text was not scored, saying why (e.g. its language
  // has no sentiment support): label and score then mean nothing, and the
  // JSON says label "unscored", score null.
  std::string unscored;
  bool scored() const { return unscored.empty(); }
};

struct SentenceSentiment {
  uint32_t begin = 0;  // byte range of the sentence in `Analysis::text`
  uint32_t end = 0;
  Sentiment sentiment;
};

// Where a theme's owner sits in the value chain (Hunsaker): creators make the
// value, enhancers support it, communicators tell about it, service handles
// contacts.
enum class ValueRole : int8_t { kCreator, kEnhancer, kCommunicator, kService, kUnknown };

// Returns "creator", "enhancer", "communicator", "service" or "unknown".
const char* ValueRoleName(ValueRole r);

struct ThemeHit {
  std::string id;           // hierarchical, e.g. "billing/unexpected-fee"
  double confidence = 0.0;  // in [0, 1]
  std::string source;       // "rule:<rule id>" or "model:<model name>"
  std::vector<EvidenceSpan> evidence;
  std::string department;  // owning department, from the taxonomy
  ValueRole role = ValueRole::kUnknown;
};

// Customer-experience signals, after Hunsaker's mantras.
enum class Signal : int8_t {
  kRepeatContact = 0,  // not right the first time
  kEffort,             // path of least resistance broken
  kAvoidableContact,   // the best service is no service
  kChurnRisk,
  kExpectationMismatch,
  kUrgencySafety,
  kEmotionIntensity,
};
inline constexpr int kSignalCount = 7;

// Returns the snake_case name, e.g. "repeat_contact", "avoidable_contact".
const char* SignalName(Signal s);

struct SignalHit {
  Signal signal = Signal::kRepeatContact;
  EvidenceSpan evidence;  // `source` names the cue, e.g. "cue:still not fixed"
};

// Counts of personal data masked in the text, by kind name ("email", ...).
using RedactionCounts = std::vector<std::pair<std::string, uint32_t>>;

struct Analysis {
  // From the input record.
  std::string id;
  std::optional<int64_t> timestamp;  // seconds since the Unix epoch, UTC
  std::string channel;               // "call", "email", "chat", "social", ...
  std::string customer_id;           // empty when unknown
  // Input columns kept by PipelineOptions::keep_columns (name, raw value),
  // e.g. a score or a customer value; empty otherwise.
  std::vector<std::pair<std::string, std::string>> fields;

  std::string text;  // normalised and redacted; all offsets point here
  // Language of the text: ISO 639-1 code, or "und" when undetermined
  // (voc/language.h); and how sure the identification is, in [0, 1].
  std::string language = "und";
  double language_confidence = 0.0;
  RedactionCounts redactions;
  uint32_t invalid_utf8 = 0;  // invalid sequences replaced by U+FFFD

  Sentiment sentiment;
  std::vector<SentenceSentiment> sentences;
  std::vector<ThemeHit> themes;  // empty: the verbatim is unclassified
  std::vector<SignalHit> signals;
  double emotion_intensity = 0.0;  // in [0, 1]: capitals, "!!!", profanity
  uint32_t profanity = 0;          // count only; the words are never echoed

  bool unclassified() const { return themes.empty(); }
  bool has_signal(Signal s) const {
    for (const auto& h : signals)
      if (h.signal == s) return true;
    return false;
  }
};

}  // namespace voc

#endif  // VOC_ANALYSIS_H_
