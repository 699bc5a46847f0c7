// voc/language.h: which language a customer verbatim is written in.
//
//   voc::LanguageOptions options;
//   options.model_path = "models/lid.176.ftz";  // empty: script and English cues only
//   auto lid = voc::LanguageIdentifier::Create(options);
//   if (!lid.ok()) return lid.status();
//   voc::LanguageGuess g = (*lid)->Identify("40 Minuten Verspätung, total ärgerlich!");
//   // g.code == "de", g.confidence in [0, 1]
//
// Method (docs/LANGUAGES.md): a text whose letters are mostly of one script
// that decides the language gets that language (Han -> zh, Kana -> ja,
// Hangul -> ko, Arabic -> ar (fa, ur by their letters), Cyrillic -> ru (uk,
// bg, sr, mk by their letters), Devanagari -> hi, Greek -> el, Hebrew -> he,
// Thai -> th). Text whose letters are all ASCII, with several English
// function words and none of the other major languages' is English without
// further work; anything else goes to fastText's language-identification
// model (lid.176, 176 languages). Texts with too few letters, and texts
// whose best language is less likely than `min_confidence`, are "und"
// (undetermined).
//
// Thread safety: a LanguageIdentifier is immutable after Create(); Identify()
// is const and may be called from many threads at once.
#ifndef VOC_LANGUAGE_H_
#define VOC_LANGUAGE_H_

#include <memory>
#include <string>
#include <string_view>

#include "voc/status.h"

namespace voc {

struct LanguageGuess {
  std::string code = "und";  // ISO 639-1 (two lower-case letters) or "und"
  double confidence = 0.0;   // in [0, 1]; 0 for "und" without any evidence
  // How it was decided: "script", "cues" (English function words), "model",
  // "forced", or "" for "und" from too little text.
  const char* method = "";
};

struct LanguageOptions {
  // fastText language-identification model (lid.176.ftz or .bin). Empty:
  // Latin-script texts that the English cues do not decide are "und".
  std::string model_path;
  // Below this probability of the model's best language the text is "und".
  // Default 0.3.
  double min_confidence = 0.3;
  // Texts with fewer letters than this are "und". Default 4.
  int min_letters = 4;
};

class LanguageIdentifier {
 public:
  // Loads the model, if any. NotFound for a missing model file, DataLoss for
  // a file that is not a fastText supervised model, InvalidArgument for
  // options out of range.
  static Result<std::unique_ptr<LanguageIdentifier>> Create(const LanguageOptions& options);
  ~LanguageIdentifier();
  LanguageIdentifier(const LanguageIdentifier&) = delete;
  LanguageIdentifier& operator=(const LanguageIdentifier&) = delete;

  // Identifies the language of UTF-8 `text` (invalid bytes are tolerated).
  LanguageGuess Identify(std::string_view text) const;

  bool has_model() const;

 private:
  LanguageIdentifier();
  friend class ImplAccess;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// True for "und" and for two lower-case ASCII letters (the form of an ISO
// 639-1 code; whether voc supports that language is another matter).
bool IsLanguageCode(std::string_view code);

// English name of a language voc knows ("German" for "de"), else `code`.
std::string LanguageName(std::string_view code);

}  // namespace voc

#endif  // VOC_LANGUAGE_H_
