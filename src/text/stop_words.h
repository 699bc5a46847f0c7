// Private: the stop words of the languages voc reads (text/stop_words.cc).
#ifndef VOC_SRC_TEXT_STOP_WORDS_H_
#define VOC_SRC_TEXT_STOP_WORDS_H_

#include <functional>
#include <string_view>

namespace voc {
namespace internal {

// True for a function word of English, French, German, Spanish, Italian,
// Portuguese, Dutch or Arabic, chat filler ("pls", "thx") or a reporting verb
// ("said", "told"): words that say nothing about a theme (lower-case input).
bool IsStopWord(std::string_view word);

// Calls f(word) for every stop word (IsStopWord's list), in no particular
// order: for callers that index them with words of their own.
void ForEachStopWord(const std::function<void(std::string_view)>& f);

// True for a word that may name a theme or stand in a phrase (lower-case
// input): at least two characters (one CJK character counts), a letter, not
// a number ("42", "3rd"), not a redaction mask ("xxxx"), not a stop word.
// The aggregate's phrase statistics and the discovery sample's content words
// keep these.
bool IsContentWord(std::string_view word);

}  // namespace internal
}  // namespace voc

#endif  // VOC_SRC_TEXT_STOP_WORDS_H_
