// voc/signals.h: customer-experience signals in one verbatim, after
// Hunsaker's mantras (right the first time, path of least resistance, the
// best service is no service), each with the span of text that shows it.
//
//   auto det = voc::SignalDetector::Create();
//   if (!det.ok()) return det.status();
//   voc::SignalResult r = (*det)->Detect("Third time I call and it is STILL not fixed!!");
//   for (const voc::SignalHit& h : r.hits)
//     std::cout << voc::SignalName(h.signal) << " " << h.evidence.source << "\n";
//   // repeat_contact cue:nth time, repeat_contact cue:still unresolved, ...
//
// Cues are built-in RE2 patterns (see src/themes/signals.cc for the list), matched
// case-insensitively on the normalised, redacted text. A cue preceded within
// its sentence by a negation in the three words before it ("not cancelling",
// "no injuries") does not fire, for the signals where negation flips the
// meaning (churn risk, expectation mismatch, urgency/safety, effort).
//
// Emotion intensity is in [0, 1]:
//   raw = 2.0 * caps_share            (texts of >= 3 words only)
//       + 0.35 * min(exclamation runs, 3)   ("!!", "!!!", "?!", "!?")
//       + 0.5  * min(profanity, 3)
//       + 0.25 * min(elongations, 3)        ("sooo", "noooo": a letter 3+ times)
//   intensity = 1 - exp(-raw)
// where caps_share is the share of words written in capitals among all words
// that hold a letter, not counting masks (XXXX) and words of <= 3 letters.
// When intensity >= `SignalOptions::emotion_threshold` (default 0.5) the
// contributing spans are reported as kEmotionIntensity hits, sources
// "cue:all caps", "cue:exclamations", "cue:profanity", "cue:elongation".
// Profane words are never echoed: their hits carry the byte span only.
//
// Thread safety: a SignalDetector is immutable after Create(); Detect() is
// const and may be called from many threads at once.
#ifndef VOC_SIGNALS_H_
#define VOC_SIGNALS_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "voc/analysis.h"
#include "voc/status.h"

namespace voc {

// A cue added by the user to the built-in ones.
struct SignalCue {
  Signal signal = Signal::kRepeatContact;
  std::string name;       // reported as "cue:<name>"; must not be empty
  std::string pattern;    // RE2, matched case-insensitively
  bool negatable = true;  // a negation just before it vetoes the cue
};

struct SignalOptions {
  // Minimum emotion intensity for kEmotionIntensity hits. Default 0.5.
  double emotion_threshold = 0.5;
  // Veto cues preceded by a negation ("not", "never", "no", "n't", ...)
  // in the three words before them. Default true.
  bool negation = true;
  // Most hits reported per signal (the intensity and profanity counts are
  // not capped). Default 5; must be >= 1.
  int max_hits_per_signal = 5;
  // Extra cues; an invalid pattern makes Create() fail. Default none.
  std::vector<SignalCue> extra_cues;
};

struct SignalResult {
  std::vector<SignalHit> hits;     // ordered by signal, then by offset
  double emotion_intensity = 0.0;  // in [0, 1]
  uint32_t profanity = 0;          // profane words counted, never echoed
};

class SignalDetector {
 public:
  // Compiles the built-in cues and `options.extra_cues`. InvalidArgument for
  // an option out of range or a cue pattern RE2 rejects.
  static Result<std::unique_ptr<SignalDetector>> Create(const SignalOptions& options = {});

  ~SignalDetector();
  SignalDetector(const SignalDetector&) = delete;
  SignalDetector& operator=(const SignalDetector&) = delete;

  // Detects the signals in `text` (UTF-8; byte offsets into it).
  SignalResult Detect(std::string_view text) const;

 private:
  friend class ImplAccess;  // the Analyzer runs themes and signals on one pattern group
  SignalDetector();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace voc

#endif  // VOC_SIGNALS_H_
