// Private: ThemeAdapter::Classify for the Analyzer, which has the text's
// social tokens at hand.
#ifndef VOC_SRC_PIPELINE_ADAPTER_INTERNAL_H_
#define VOC_SRC_PIPELINE_ADAPTER_INTERNAL_H_

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

// Whether the adapter blanks `word` (lower-cased): a stop word or one of the
// rules' words.
bool AdapterBlanks(const ThemeAdapter& adapter, std::string_view word);

}  // namespace internal
}  // namespace voc

#endif  // VOC_SRC_PIPELINE_ADAPTER_INTERNAL_H_
