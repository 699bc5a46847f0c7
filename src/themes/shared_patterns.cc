#include "themes/shared_patterns.h"

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
                                                const SignalOptions& signal_options) {
  ThemesAndSignals out;
  out.group = std::make_shared<RegexSetGroup>(GroupPatternOptions());
  auto themes = NewThemes(std::move(taxonomy), theme_options, out.group);
  if (!themes.ok()) return themes.status();
  auto signals = NewSignals(signal_options, out.group);
  if (!signals.ok()) return signals.status();
  out.group->Compile();
  out.themes = std::move(*themes);
  out.signals = std::move(*signals);
  return out;
}

}  // namespace internal
}  // namespace voc
