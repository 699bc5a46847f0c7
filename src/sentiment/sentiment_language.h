// Private: lexicon-and-rules sentiment for a language other than English,
// from a lexicon file in models/sentiment/<lang>.tsv (docs/LANGUAGES.md,
// models/make_language_lexicons.py). Emoji and emoticons score with the
// English lexicon's valences in every language.
#ifndef VOC_SRC_SENTIMENT_LANGUAGE_H_
#define VOC_SRC_SENTIMENT_LANGUAGE_H_

#include <memory>
#include <string>
#include <string_view>

#include "voc/sentiment.h"
#include "voc/status.h"

namespace voc {
namespace internal {

class LanguageSentiment {
 public:
  // Parses a lexicon file: '#' comments, lines `@negation|@booster|@dampener|
  // @contrast word ...`, then `term<TAB>valence` (VADER's scale, -4..4).
  // NotFound when it cannot be read; InvalidArgument with the line number
  // for a malformed line.
  static Result<std::unique_ptr<LanguageSentiment>> Load(const std::string& path, std::string language);
  static Result<std::unique_ptr<LanguageSentiment>> Parse(std::string_view contents, std::string language);
  ~LanguageSentiment();

  // Scores UTF-8 `text`; offsets are byte offsets into it. Evidence sources
  // are "lexicon:<lang>", "lexicon:<lang>:negated", "emoji", "emoticon".
  SentimentResult Analyze(std::string_view text) const;

  const std::string& language() const;
  size_t terms() const;

 private:
  LanguageSentiment();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// A valence or threshold of a lexicon: true when the whole of `s` is a
// number, read as std::from_chars reads it (or as strtod, for what it alone
// reads, e.g. a leading '+').
bool ParseLexiconNumber(std::string_view s, double* v);

}  // namespace internal
}  // namespace voc

#endif  // VOC_SRC_SENTIMENT_LANGUAGE_H_
