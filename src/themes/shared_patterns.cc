#include "themes/shared_patterns.h"

#include <atomic>
#include <future>

namespace voc {
namespace internal {

RE2::Options GroupPatternOptions() {
  RE2::Options opt;
  opt.set_log_errors(false);
  opt.set_case_sensitive(true);
  opt.set_max_mem(8 << 20);
  return opt;
}

Result<ThemesAndSignals> CreateThemesAndSignals(std::shared_ptr<const Taxonomy> taxonomy,
                                                const ThemeOptions& theme_options,
                                                const SignalOptions& signal_options, bool with_signals) {
  ThemesAndSignals out;
  out.group = std::make_shared<RegexSetGroup>(GroupPatternOptions());
  auto themes = NewThemesListed(std::move(taxonomy), theme_options, out.group);
  if (!themes.ok()) return themes.status();
  // The language groups compile on a second thread from here on, while this
  // one adds the other rules' patterns and the signal cues to the shared
  // group and compiles it; then on both: each group is built once, whichever
  // thread takes it, so the result does not depend on the timing.
  ThemeClassifier& classifier = **themes;
  const size_t groups = LanguageGroupCount(classifier);
  std::atomic<size_t> next{0};
  auto build = [&] {
    for (size_t g = next.fetch_add(1); g < groups; g = next.fetch_add(1)) BuildLanguageGroup(classifier, g);
  };
  std::future<void> helper;
  if (groups > 0) helper = std::async(std::launch::async, build);
  const Status shared = AddSharedRules(classifier);
  Result<std::unique_ptr<SignalDetector>> signals = std::unique_ptr<SignalDetector>();
  if (!shared.ok()) {
    next.store(groups);  // the helper stops after its group
  } else if (with_signals) {
    signals = NewSignals(signal_options, out.group);
  } else if (Status st = CheckSignalOptionsAndCues(signal_options); !st.ok()) {
    signals = st;
  }
  if (shared.ok() && signals.ok()) out.group->Compile();
  if (shared.ok()) build();
  if (helper.valid()) helper.get();
  VOC_RETURN_IF_ERROR(shared);
  VOC_RETURN_IF_ERROR(LanguageGroupsStatus(classifier));
  if (!signals.ok()) return signals.status();
  out.themes = std::move(*themes);
  out.signals = std::move(*signals);
  return out;
}

}  // namespace internal
}  // namespace voc
