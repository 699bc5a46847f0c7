// voc/json.h: every JSON rendering voc writes, in one place.
//
//   std::string line = voc::AnalysisToJson(analysis);      // `voc analyze`
//   std::string doc = voc::FindingsToJson(findings);       // `voc findings`
//   voc::AppendJsonString("any \"text\"", &out);           // one escaper
//
// All of them write valid UTF-8 JSON whatever the input bytes: bytes that are
// not valid UTF-8 become U+FFFD and control characters are escaped. Keys are
// written in sorted order (the tokens of AppendTokenizationJson in the order
// it gives), so equal inputs give byte-identical text. The
// readers of JSON (JSON Lines records, taxonomies, saved aggregates) live with
// the types they read.
#ifndef VOC_JSON_H_
#define VOC_JSON_H_

#include <string>
#include <string_view>
#include <vector>

namespace voc {

struct Analysis;
struct Findings;
struct Record;
struct SentimentResult;
struct SignalHit;
struct ThemeHit;
struct Tokenization;

// Appends `text` to `out` as a JSON string literal, quotes included.
void AppendJsonString(std::string_view text, std::string* out);

// Serialises `a` as one line of JSON (the `voc analyze` output format):
// evidence spans carry their text; profanity is counted, never echoed.
std::string AnalysisToJson(const Analysis& a);
// Appends the same JSON (without a newline) to `out`.
void AppendAnalysisJson(const Analysis& a, std::string* out);

// The `themes` and `signals` arrays of AnalysisToJson, for `text` (the
// redacted text the hits' byte spans point into). `echo`: whether evidence
// spans carry their text.
void AppendThemesJson(const std::vector<ThemeHit>& themes, std::string_view text, std::string* out,
                      bool echo = true);
void AppendSignalsJson(const std::vector<SignalHit>& signals, std::string_view text, std::string* out,
                       bool echo = true);

// Returns `record` as one JSON object (no newline): {"index","line","id",
// "timestamp" (ISO 8601 UTC or null),"channel","customer_id","text",
// "metadata":{name:value,...}}. The text is printed as it is: redact it
// first if it may hold personal data.
std::string RecordToJson(const Record& record);

// Serialises `r`, the result for `text`, as one line of JSON (the `voc
// sentiment` output): {confidence, evidence:[{begin, end, source, text,
// weight}], label, score}, with `sentences` the per-sentence results
// (sentences:[{begin, end, confidence, evidence, label, score}]), with
// `components` lexicon_score and the model's class probabilities.
std::string SentimentToJson(const SentimentResult& r, std::string_view text, bool sentences = true,
                            bool components = false);

// Appends `t`, the tokenization of `text`, as one JSON object without a
// newline (the `voc tokenize` output), keys in this order:
// {"tokens":[{"text","norm","kind","begin","end","elongated":true},...],
//  "sentences":[{"begin","end","first_token","end_token"},...]}.
// "elongated" is written only when true; `norm` false leaves out "norm" and
// "elongated"; `sentences` false leaves out "sentences".
void AppendTokenizationJson(const Tokenization& t, std::string_view text, std::string* out, bool norm = true,
                            bool sentences = true);

// The findings document (pretty-printed JSON, deterministic: equal findings
// give byte-identical text).
std::string FindingsToJson(const Findings& findings);

}  // namespace voc

#endif  // VOC_JSON_H_
