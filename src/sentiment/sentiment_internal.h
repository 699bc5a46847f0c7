// Private: SentimentAnalyzer::Analyze for the Analyzer, which also keeps
// the social tokens the scan found (for the theme adapter's input).
#ifndef VOC_SRC_SENTIMENT_INTERNAL_H_
#define VOC_SRC_SENTIMENT_INTERNAL_H_

#include <string_view>
#include <vector>

#include "text/tokenizer_internal.h"
#include "voc/sentiment.h"

namespace voc {
namespace internal {

// analyzer.Analyze(text), with *social set to the social tokens of `text`
// (segment.h SocialSpans).
SentimentResult AnalyzeKeepingSocial(const SentimentAnalyzer& analyzer, std::string_view text,
                                     std::vector<tokenizer_internal::SocialSpan>* social);

}  // namespace internal
}  // namespace voc

#endif  // VOC_SRC_SENTIMENT_INTERNAL_H_
