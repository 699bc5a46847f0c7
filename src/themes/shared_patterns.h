// Private: the theme rules and the signal cues in one pattern group.
//
// Each of ThemeClassifier and SignalDetector, created on its own, finds the
// candidates among its patterns with a literal prefilter (regex_set.h): a
// case-fold of the text, one pass for atoms and one evaluation of the
// patterns' requirements. The Analyzer runs both on every text; created together here,
// they share one group, so a text is folded, scanned and evaluated once and
// each takes its own patterns' candidates. Results are those of the
// classifiers created on their own (tests/analyzer_test.cc).
#ifndef VOC_SRC_SHARED_PATTERNS_H_
#define VOC_SRC_SHARED_PATTERNS_H_

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <re2/re2.h>

#include "patterns/regex_set.h"
#include "voc/signals.h"
#include "voc/status.h"
#include "voc/taxonomy.h"

namespace voc {
namespace internal {

// The options of a group: case-sensitive (a case-insensitive theme rule
// starts with (?i); cues are added with RegexSetGroup::Add's ignore_case).
RE2::Options GroupPatternOptions();

struct ThemesAndSignals {
  std::unique_ptr<ThemeClassifier> themes;
  std::unique_ptr<SignalDetector> signals;
  // The patterns of both, compiled: its Candidates for a text are what
  // ClassifyWithHits and DetectWithHits take.
  std::shared_ptr<RegexSetGroup> group;
};

// Creates both with one group; the errors are those of ThemeClassifier::Create
// and SignalDetector::Create, the themes' first. Without `with_signals`,
// `signals` is null and only the signal options are checked (the same
// errors; the built-in cues, a sixth of a start-up's instructions, are not
// compiled).
Result<ThemesAndSignals> CreateThemesAndSignals(std::shared_ptr<const Taxonomy> taxonomy,
                                                const ThemeOptions& theme_options,
                                                const SignalOptions& signal_options,
                                                bool with_signals = true);

// A classifier whose rules are added to `group` (compiled by the caller;
// ThemeClassifier::Create uses a group of its own).
Result<std::unique_ptr<ThemeClassifier>> NewThemes(std::shared_ptr<const Taxonomy> taxonomy,
                                                   const ThemeOptions& options,
                                                   std::shared_ptr<RegexSetGroup> group);
// NewThemes in two steps: the classifier with its rules listed (the
// language groups known, nothing compiled), then AddSharedRules adds the
// patterns of the rules outside the language groups to `group`. The
// language groups may be built (BuildLanguageGroup, on other threads) from
// the first step on, while the second runs.
Result<std::unique_ptr<ThemeClassifier>> NewThemesListed(std::shared_ptr<const Taxonomy> taxonomy,
                                                         const ThemeOptions& options,
                                                         std::shared_ptr<RegexSetGroup> group);
Status AddSharedRules(ThemeClassifier& classifier);
// The rules of other languages only ("lang" without "en") have their
// patterns in groups of their own, one per list of languages, which NewThemes
// leaves to build: BuildLanguageGroup(classifier, g) for every g below
// LanguageGroupCount, on any thread (distinct groups at the same time), then
// LanguageGroupsStatus says whether their patterns compiled. Only texts of
// those languages (or of any) are scanned for them.
size_t LanguageGroupCount(const ThemeClassifier& classifier);
void BuildLanguageGroup(ThemeClassifier& classifier, size_t g);
Status LanguageGroupsStatus(const ThemeClassifier& classifier);
// A detector whose cues are added to `group` (compiled by the caller;
// SignalDetector::Create uses a group of its own).
Result<std::unique_ptr<SignalDetector>> NewSignals(const SignalOptions& options,
                                                   std::shared_ptr<RegexSetGroup> group);
// The errors NewSignals would return for `options` (its values and extra
// cues), without compiling the built-in cues.
Status CheckSignalOptionsAndCues(const SignalOptions& options);
// ThemeClassifier::ClassifyLanguage and SignalDetector::Detect, given
// `hits`, the candidates and atoms of their (compiled) group for `text`.
std::vector<ThemeHit> ClassifyWithHits(const ThemeClassifier& classifier, std::string_view text,
                                       const std::vector<std::pair<std::string, double>>& model_scores,
                                       const RegexSetGroup::Hits& hits, std::string_view language = {});
SignalResult DetectWithHits(const SignalDetector& detector, std::string_view text,
                            const RegexSetGroup::Hits& hits);

}  // namespace internal
}  // namespace voc

#endif  // VOC_SRC_SHARED_PATTERNS_H_
