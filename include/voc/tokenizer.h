// voc/tokenizer.h: splits UTF-8 text into words, punctuation, social tokens
// (URLs, e-mails, @mentions, #hashtags, emoji, emoticons, money, times,
// redaction masks) and sentences, with byte offsets into the input.
//
//   auto t = voc::Tokenizer::Create({});
//   if (!t.ok()) return t.status();
//   std::string_view input = "Sooo happy :) see https://x.io";
//   voc::Tokenization out = (*t)->Tokenize(input);
//   for (const voc::Token& tok : out.tokens)
//     std::cout << tok.text(input) << " " << voc::TokenKindName(tok.kind) << "\n";
//
// Words come from ICU word breaks (UAX #29 plus dictionary segmentation for
// CJK, Thai, ...), so every script works. Whitespace is never a token.
// A fast path for ASCII stretches gives exactly the tokens of the ICU path.
//
// Thread safety: a Tokenizer is immutable after Create(); Tokenize() is const
// and may be called from many threads at once (each thread keeps its own
// clones of the ICU break iterators, for up to 8 tokenizers).
#ifndef VOC_TOKENIZER_H_
#define VOC_TOKENIZER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "voc/status.h"

namespace voc {

enum class TokenKind : uint8_t {
  kWord,         // letters (any script), possibly with digits: "hello", "mp3"
  kNumber,       // "42", "1,234.56", "3rd"
  kPunct,        // one punctuation mark, or a run of the same mark: "!", "!!!"
  kSymbol,       // symbols and other characters: "+", "=", "|", "^"
  kUrl,          // "https://example.com/a?b=1", "www.example.com"
  kEmail,        // "jane.doe@example.com"
  kMention,      // "@united"
  kHashtag,      // "#fail"
  kEmoji,        // one emoji sequence: "👍🏽", "👨‍👩‍👧", "🇫🇷", "1️⃣" (any
                 // Extended_Pictographic, so also "©" and "™")
  kEmoticon,     // ":)", ":-(", ":D", ";)", "<3", ":'(", "XD", ":/"
  kMoney,        // "$12.50", "€5", "£1,200", "12.50 USD"
  kTime,         // "10:30", "10:30pm", "9am", "9:05:10 a.m."
  kMask,         // a redaction mask: "[EMAIL]", "XXXX", "XX/XX/XXXX", "{$39.00}"
  kContraction,  // kept whole: "can't", "I'm", "don’t" (norm uses "'"); a word
                 // ending in n't 's 're 've 'll 'd 'm, so possessives too
                 // ("John's")
};

// Returns the lower-case name of `kind`: "word", "number", "punct", "symbol",
// "url", "email", "mention", "hashtag", "emoji", "emoticon", "money", "time",
// "mask", "contraction".
const char* TokenKindName(TokenKind kind);

struct Token {
  uint32_t begin = 0;  // byte offset of the first byte in the input
  uint32_t end = 0;    // byte offset one past the last byte
  TokenKind kind = TokenKind::kWord;
  // True when a letter (or punctuation mark) is repeated 3+ times in a row:
  // "soooo", "!!!!". A run of exactly three dots ("...") is not elongated.
  bool elongated = false;
  // Normalised form: case-folded (full Unicode case folding) for words,
  // contractions, URLs, e-mails, mentions, hashtags and times; runs of 3+
  // identical characters reduced to 2 ("Soooo" -> "soo", "!!!!" -> "!!",
  // "....." -> "..."); contractions use the ASCII apostrophe ("don’t" ->
  // "don't"). Numbers, money, masks, emoji, emoticons and symbols keep their
  // text.
  std::string norm;

  // Returns the token's text in `src`, the string given to Tokenize().
  std::string_view text(std::string_view src) const { return src.substr(begin, end - begin); }
};

struct Sentence {
  uint32_t begin = 0;        // byte offset of the sentence's first token
  uint32_t end = 0;          // byte offset one past its last token
  uint32_t first_token = 0;  // index of its first token in Tokenization::tokens
  uint32_t end_token = 0;    // one past the index of its last token
};

struct Tokenization {
  std::vector<Token> tokens;        // in input order, not overlapping
  std::vector<Sentence> sentences;  // empty when options.sentences is false
};

struct TokenizerOptions {
  // Also split into sentences: ICU's (UAX #29) sentence breaks, plus a
  // break after a single full stop followed by a lower-case word unless the
  // word before the stop is an abbreviation ("Love it. the fit is great" is
  // two sentences; "e.g. the", "approx. ten" and "waited... and" are not
  // broken). Every stage of voc uses these sentences. Default: true.
  bool sentences = true;
  // Fill Token::norm with the case-folded form; when false, norm is the text
  // with only elongation and apostrophe normalisation. Default: true.
  bool case_fold = true;
  // Recognise URLs, e-mails, mentions, hashtags, emoji, emoticons, money,
  // times and masks as single tokens; when false only ICU word breaks (plus
  // contractions, numbers and punctuation runs) apply. Default: true.
  bool social = true;
  // Segment ASCII stretches (words) and texts without Extend/Format
  // characters (sentences) with built-in UAX #29 code instead of ICU's break
  // iterators; tokens and sentences are identical either way, only faster.
  // Default: true.
  bool fast_path = true;
};

class Tokenizer {
 public:
  // Builds a tokenizer; fails only if ICU cannot create its break iterators
  // (e.g. missing ICU data).
  static Result<std::unique_ptr<Tokenizer>> Create(const TokenizerOptions& options = {});

  // Returns the tokens and sentences of `utf8`. Any bytes are accepted:
  // invalid UTF-8 never crashes (ill-formed bytes become kSymbol tokens).
  // Inputs of 2 GiB or more are cut to 2 GiB - 1 bytes (ICU's index range).
  Tokenization Tokenize(std::string_view utf8) const;

  const TokenizerOptions& options() const;

  ~Tokenizer();
  Tokenizer(const Tokenizer&) = delete;
  Tokenizer& operator=(const Tokenizer&) = delete;

 private:
  struct Impl;
  explicit Tokenizer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace voc

#endif  // VOC_TOKENIZER_H_
