// Private: parts of language identification (text/language.cc) exposed for
// tests.
#ifndef VOC_SRC_TEXT_LANGUAGE_INTERNAL_H_
#define VOC_SRC_TEXT_LANGUAGE_INTERNAL_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace voc {
class LanguageIdentifier;
}  // namespace voc

namespace voc::internal {

// The English-cue rule's counts over `text`: its words (an ASCII letter,
// then ASCII letters and apostrophes), how many of them are English cue
// words, and whether a foreign cue word was met (the count stops there).
struct CueCounts {
  int words = 0;
  int english = 0;
  bool foreign = false;
};
CueCounts CountCueWords(std::string_view text);

// The cue words of the rule, lower case; for tests.
std::vector<std::string_view> EnglishCueWords();
std::vector<std::string_view> ForeignCueWords();

// The line fastText's language model sees for `text` (see
// LanguageIdentifier::Identify), written to `*line`.
void LanguageModelLine(std::string_view text, std::string* line);

// The language model's best label and its log-probability.
struct ModelAnswer {
  bool found = false;
  int32_t label = -1;
  float score = 0;
};
// For tests: the answer for `text`'s model line from fastText's predict()
// (`*library`) and from the identifier's own computation of it (`*own`);
// false when the identifier has no such computation (no model, or one of
// another kind).
bool ModelAnswers(const LanguageIdentifier& lid, std::string_view text, ModelAnswer* library,
                  ModelAnswer* own);

// For tests: whether the identifier computes the model's prediction itself
// (LidNetwork, kept when it answers as fastText's predict() at load).
bool UsesOwnNetwork(const LanguageIdentifier& lid);

// For tests: the model input ids of `word` from fastText's
// Dictionary::getSubwords (`*library`) and from the identifier's own
// computation of them (`*own`); false when the identifier has no model.
bool WordIds(const LanguageIdentifier& lid, const std::string& word, std::vector<int32_t>* library,
             std::vector<int32_t>* own);

// For tests: the bytes the identifier's own prediction holds for input rows
// decoded and kept (a quantized model's; a dense one's are read in place).
size_t LanguageModelRowsKept(const LanguageIdentifier& lid);

}  // namespace voc::internal

#endif  // VOC_SRC_TEXT_LANGUAGE_INTERNAL_H_
