// Private: the light scanner that splits text into the units voc's sentiment
// scores (words, emoji, emoticons, punctuation) and into sentences.
#ifndef VOC_SRC_SENTIMENT_SCAN_H_
#define VOC_SRC_SENTIMENT_SCAN_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "text/tokenizer_internal.h"
#include "util/flat_string_map.h"

namespace voc {
namespace sentiment_internal {

// kRating: a rating written with a number ("9/10", "4 out of 5", "1 star"),
// with its valence.
enum class TokenKind : uint8_t { kWord, kEmoji, kEmoticon, kPunct, kRating };

struct Token {
  uint32_t begin = 0;  // byte offsets into the scanned text
  uint32_t end = 0;
  TokenKind kind = TokenKind::kWord;
  bool all_caps = false;      // a word of 2+ letters, none lower case
  bool clause_break = false;  // punctuation that ends negation scope (, ; : . ! ? ...)
  // A word without an apostrophe (no ' and no curly quote U+2018/U+2019):
  // its lookup key is its bytes lower-cased. False when not known.
  bool plain = false;
  // A plain word without an ASCII upper-case letter: its lookup key is its
  // bytes as they are. False when not known.
  bool lower = false;
  uint8_t bangs = 0;      // number of '!' in a punctuation token
  float valence = 0.0f;   // emoji, emoticons and ratings: their valence
  uint32_t sentence = 0;  // index into the sentence list
};

class Scanner {
 public:
  // Builds the emoji and emoticon tables from the compiled lexicon.
  Scanner();

  // Splits `text` into tokens and sentences. The sentences are those every
  // stage shares (segment.h: the Tokenizer's); a sentence may hold no token
  // here. URLs, e-mail addresses, @mentions, masks, money, times and numbers
  // are not tokens (never scored), but for a number that is a rating
  // (RatingValence). `social`, if given, is set to the social
  // tokens of `text` (segment.h SocialSpans), which the scan finds.
  void Scan(std::string_view text, std::vector<Token>* tokens,
            std::vector<std::pair<uint32_t, uint32_t>>* sentences,
            std::vector<tokenizer_internal::SocialSpan>* social = nullptr) const;

  // Valence of an emoji sequence or emoticon, if it has one.
  bool LookupSymbol(std::string_view s, float* valence) const;

 private:
  internal::FlatStringMap<float> emoji_;
  internal::FlatStringMap<float> emoticons_;
  size_t max_emoji_ = 0;
  // Bit k: some emoji sequence is k bytes long (k < 64); only those lengths
  // are looked up.
  uint64_t emoji_lengths_ = 0;
  size_t max_emoticon_ = 0;
  // The first two bytes (ASCII lower-cased) of every emoticon, as bits: a
  // chunk whose start is not among them (almost every word) skips the
  // emoticon lookups.
  uint64_t emoticon_starts_[1024] = {};
  // Whether an emoticon (of two bytes or more) starts with this ASCII byte,
  // either case: one load turns away the chunks that start a word.
  bool emoticon_first_[256] = {};
};

// Whether the number text[begin, end) (digits) starts a rating: "N/5" or
// "N/10" (at the end of a clause or after "rate", "give", "score" ...;
// not a size, "size l 8/10", or a date, "on 3/10 I called"), "N out of
// 5/10" (not followed by a word: "9 out of 10 dentists"), "N star(s)" or
// "N-star" (out of 5). On success sets *end to the rating's end and
// *valence to 5 x (N / scale - 0.6), clamped to [-3, 2.5]: 3 of 5 is
// neutral, 5 of 5 scores 2.0, 1 of 5 -2.0. `prev` is the word before the
// number, lower case (empty if none).
bool RatingValence(std::string_view text, size_t begin, size_t end_digits, std::string_view prev, size_t* end,
                   float* valence);

// `w` with every run of three or more equal ASCII letters cut to `keep`
// ("buenooo" -> "bueno", "cooool" -> "cool" with keep 2); `w` itself when
// it has no such run.
std::string Unstretch(std::string_view w, size_t keep);
// Whether `w` has a run of three or more equal ASCII letters. Inline: the
// scorer asks it of every word the lexicon does not know.
inline bool IsStretched(std::string_view w) {
  for (size_t i = 2; i < w.size(); ++i)
    if (w[i] == w[i - 1] && w[i] == w[i - 2] && (w[i] | 0x20) >= 'a' && (w[i] | 0x20) <= 'z') return true;
  return false;
}

}  // namespace sentiment_internal
}  // namespace voc

#endif  // VOC_SRC_SENTIMENT_SCAN_H_
