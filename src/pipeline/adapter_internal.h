// Private: ThemeAdapter::Classify for the Analyzer, which has the text's
// social tokens at hand.
#ifndef VOC_SRC_PIPELINE_ADAPTER_INTERNAL_H_
#define VOC_SRC_PIPELINE_ADAPTER_INTERNAL_H_

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "text/tokenizer_internal.h"
#include "voc/adapter.h"

namespace voc {
namespace internal {

// adapter.Classify(text, taxonomy); `social`, if given, holds the social
// tokens of `text` (segment.h SocialSpans), else they are found here.
std::vector<ThemeHit> ClassifyAdapted(const ThemeAdapter& adapter, std::string_view text,
                                      const Taxonomy& taxonomy,
                                      const std::vector<tokenizer_internal::SocialSpan>* social);

// The text the adapter's classifiers see in place of `text`, in *out: its
// numbers, masks, social tokens, stop words and the rules' words blanked
// with spaces (byte offsets unchanged). Returns whether any word is left.
bool AdaptedContent(const ThemeAdapter& adapter, std::string_view text, std::string* out);

// Per adapted theme (in report order): the confidence it must reach, the
// probability below which Classify does not compute its confidence (0:
// always computes it), and its confidence of a probability.
struct AdaptedCut {
  double min_confidence = 0, min_probability = 0;
  std::function<double(double)> confidence;
};
std::vector<AdaptedCut> AdaptedCuts(const ThemeAdapter& adapter);

// Whether the adapter blanks `word` (lower-cased): a stop word or one of the
// rules' words.
bool AdapterBlanks(const ThemeAdapter& adapter, std::string_view word);

}  // namespace internal
}  // namespace voc

#endif  // VOC_SRC_PIPELINE_ADAPTER_INTERNAL_H_
