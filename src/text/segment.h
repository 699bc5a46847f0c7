// Private: the one home of voc's sentence and word rules. Every stage that
// needs sentences or words takes them from here, so that the Tokenizer
// (`voc tokenize`), sentiment (Analysis::sentences), the theme rules'
// sentence scope, the signals and the aggregate's phrase statistics agree.
//
// Sentences: UAX #29 sentence boundaries (ICU's root rules; a built-in fast
// path gives the same boundaries), tailored for customer text, which often
// starts sentences in lower case: a single full stop followed by spaces and
// a lower-case letter ends a sentence ("Love it. the fit is great") unless
// the word before it is an abbreviation (one letter, "e.g", "U.S", or a
// short list: "etc", "approx", "vs", "Mr", "No" ...); an ellipsis followed
// by a lower-case word does not ("I waited... and waited"). A boundary
// falling inside a social token
// (a URL, an e-mail address, ...) moved to the token's end (a token belongs
// to the sentence holding its first byte), each sentence trimmed of white
// space, empty ones dropped. These are exactly the Tokenizer's sentences:
// from the first byte of a sentence's first token to the last byte of its
// last token.
//
// Words: runs of word characters (util/utf8_util.h IsWordCodePoint, the
// classifier's word characters) and apostrophes, the apostrophes at a
// word's edges trimmed. Social tokens that are not words (URLs, e-mail addresses,
// @mentions, redaction masks such as "[EMAIL]" or "XXXX", money, times) and
// numbers are never scored as sentiment words nor counted as phrase words;
// the social scanner shared with the Tokenizer finds them.
#ifndef VOC_SRC_TEXT_SEGMENT_H_
#define VOC_SRC_TEXT_SEGMENT_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "text/tokenizer_internal.h"

namespace voc {
namespace internal {

using tokenizer_internal::SocialSpan;

struct TextSpan {
  uint32_t begin = 0;
  uint32_t end = 0;
};

// Appends to `out` the sentence boundaries of `text` (excluding 0, ending
// with text.size() when the text is not empty): those of ICU's root sentence
// break iterator, plus the tailoring above. With `fast_path` the built-in rules give them
// (ICU only for texts they leave to it: ill-formed UTF-8, Extend/Format
// characters); without it ICU always does. `ascii`: `text` is all ASCII.
void SentenceBreaks(std::string_view text, bool fast_path, bool ascii, std::vector<uint32_t>* out);

// The Tokenizer's white space (ASCII blanks and controls \t..\r, and the
// Unicode White_Space code points) skipped in the UTF-8 bytes s[b..e): the
// first offset from `b` that is not white space (or `e`), and the end of
// s[b..e) without its trailing white space (or `b`).
int32_t SkipSpaceForward(const unsigned char* s, int32_t b, int32_t e);
int32_t SkipSpaceBackward(const unsigned char* s, int32_t b, int32_t e);

// Appends to `out` the social tokens of `text` (the Tokenizer's: URLs,
// e-mails, mentions, hashtags, emoji, emoticons, money, times, masks).
void SocialSpans(std::string_view text, std::vector<SocialSpan>* out);

// True for the social tokens that are not words: URLs, e-mail addresses,
// @mentions, redaction masks, money and times.
constexpr bool IsNonWord(TokenKind k) {
  return k == TokenKind::kUrl || k == TokenKind::kEmail || k == TokenKind::kMention ||
         k == TokenKind::kMask || k == TokenKind::kMoney || k == TokenKind::kTime;
}

// True when `w` is a number as the Tokenizer classifies one: ASCII digits,
// optionally followed by an ordinal suffix ("42", "3rd", "21ST").
bool IsNumberWord(std::string_view w);

// A word of `text` (see above) by its byte span. `joined`: only spaces,
// tabs and hyphens stand between it and the word before, so the two may
// form a phrase; punctuation, a line break, an emoji or symbol, or a
// skipped non-word token between them ends the phrase.
struct Word {
  uint32_t begin = 0;
  uint32_t end = 0;
  bool joined = false;
};
// Sets `out` to the words of `text`, in order (the phrase statistics'
// words; the aggregate keeps those that IsContentWord accepts).
void Words(std::string_view text, std::vector<Word>* out);

// Sets `out` to `text` with every token that is not a word replaced by
// spaces, byte for byte (offsets into `out` are offsets into `text`): URLs,
// e-mail addresses, @mentions, redaction masks, money and times (IsNonWord),
// the '#' of a hashtag (its word stays), and numbers (IsNumberWord, with
// the separators of "1,234.56" and "10.5"). Words, punctuation, emoji and
// emoticons are kept. The input of models of kind "words/1"
// (voc/model_input.h).
void BlankNonWords(std::string_view text, std::string* out);
// The same with the social tokens of `text` (SocialSpans) already found.
void BlankNonWords(std::string_view text, const std::vector<SocialSpan>& social, std::string* out);

// The eight bytes `v` (little-endian) with the high bit set in each byte that
// is an ASCII word character (IsWordCodePoint: a letter, digit or '_'),
// exactly; bytes >= 0x80 are not. BlankNonWords reads runs of words with it.
uint64_t AsciiWordBytes8(uint64_t v);

// Sets `out` to the sentences of `text` (see above); `social` holds the
// social tokens of `text` (SocialSpans), in order.
void Sentences(std::string_view text, const std::vector<SocialSpan>& social, std::vector<TextSpan>* out);
// The same, scanning the social tokens itself.
void Sentences(std::string_view text, std::vector<TextSpan>* out);

// The sentences of one text, computed on first use, for stages that need
// the sentence around a position only now and then (the theme rules'
// sentence scope, the signals' negation window).
class SentenceIndex {
 public:
  explicit SentenceIndex(std::string_view text) : text_(text) {}

  // The span from the start of the sentence holding byte `begin` to the end
  // of the sentence holding byte `end - 1` (a match spanning sentences is
  // kept whole). A position between two sentences belongs to the next one;
  // one after the last sentence to the last.
  TextSpan Around(size_t begin, size_t end);

 private:
  const std::vector<TextSpan>& Get();
  std::string_view text_;
  bool built_ = false;
  std::vector<TextSpan> sentences_;
};

}  // namespace internal
}  // namespace voc

#endif  // VOC_SRC_TEXT_SEGMENT_H_
