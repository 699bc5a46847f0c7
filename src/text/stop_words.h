// Private: the stop words of the languages voc reads (text/stop_words.cc).
#ifndef VOC_SRC_TEXT_STOP_WORDS_H_
#define VOC_SRC_TEXT_STOP_WORDS_H_

#include <string_view>

namespace voc {
namespace internal {

// True for a function word of English, French, German, Spanish, Italian,
// Portuguese or Dutch, chat filler ("pls", "thx") or a reporting verb
// ("said", "told"): words that say nothing about a theme (lower-case input).
bool IsStopWord(std::string_view word);

}  // namespace internal
}  // namespace voc

#endif  // VOC_SRC_TEXT_STOP_WORDS_H_
