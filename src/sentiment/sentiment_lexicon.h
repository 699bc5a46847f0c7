// Private: the English sentiment lexicon compiled into libvoc: the tables are
// generated at build time from models/sentiment_lexicon.tsv (cmake/embed_lexicon.cc),
// which models/make_sentiment_lexicon.py writes.
#ifndef VOC_SRC_SENTIMENT_LEXICON_H_
#define VOC_SRC_SENTIMENT_LEXICON_H_

#include <cstddef>

namespace voc {
namespace sentiment_internal {

// `term` is lower-case UTF-8: a word, a phrase of words separated by one
// space, or an emoticon. `valence` is on VADER's scale (-4..+4).
struct LexiconEntry {
  const char* term;
  float valence;
};

extern const LexiconEntry kLexiconTerms[];
extern const size_t kLexiconTermCount;
// Emoji sequences (UTF-8) and their valence.
extern const LexiconEntry kEmojiTerms[];
extern const size_t kEmojiTermCount;

}  // namespace sentiment_internal
}  // namespace voc

#endif  // VOC_SRC_SENTIMENT_LEXICON_H_
