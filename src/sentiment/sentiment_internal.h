// Private: SentimentAnalyzer::Analyze for the Analyzer, which also keeps
// the social tokens the scan found (for the theme adapter's input).
#ifndef VOC_SRC_SENTIMENT_INTERNAL_H_
#define VOC_SRC_SENTIMENT_INTERNAL_H_

#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

#include "sentiment/sentiment_scan.h"
#include "text/tokenizer_internal.h"
#include "voc/sentiment.h"

namespace voc {
namespace internal {

// analyzer.Analyze(text), with *social set to the social tokens of `text`
// (segment.h SocialSpans).
SentimentResult AnalyzeKeepingSocial(const SentimentAnalyzer& analyzer, std::string_view text,
                                     std::vector<tokenizer_internal::SocialSpan>* social);

// analyzer.Analyze(text) scored from `tokens`, `sentences` and `social`,
// which a Scanner's Scan gave for `text`, instead of from a scan of its own:
// tests clear the words' plain and lower marks (sentiment_scan.h Token) to
// hold the scores of the fast key paths to those of the key built byte by byte.
SentimentResult ScoreScanned(const SentimentAnalyzer& analyzer, std::string_view text,
                             const std::vector<sentiment_internal::Token>& tokens,
                             const std::vector<std::pair<uint32_t, uint32_t>>& sentences,
                             const std::vector<tokenizer_internal::SocialSpan>& social);

}  // namespace internal
}  // namespace voc

#endif  // VOC_SRC_SENTIMENT_INTERNAL_H_
