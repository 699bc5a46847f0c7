// ThemeClassifier: a literal prefilter finds the rules whose include patterns
// may match (regex_set.h), then only those rules run for evidence spans and
// vetoes.
#include <re2/re2.h>
#include <re2/set.h>

#include <algorithm>
#include <limits>
#include <memory>
#include <mutex>
#include <string>

#include "patterns/literal_prefilter.h"
#include "patterns/pattern_atoms.h"
#include "patterns/regex_set.h"
#include "text/segment.h"
#include "themes/shared_patterns.h"
#include "util/impl_access.h"
#include "voc/taxonomy.h"

namespace voc {

namespace {

// An exclude pattern, compiled on its first search: a rule's excludes are
// searched only where its include patterns match, and most rules match
// nothing in a run (compiling all of them was a fifth of the start-up's
// work). Create checks its syntax; a pattern whose program might outgrow RE2's
// memory budget (a long pattern, or one with a repetition or a Unicode class
// that the pattern reader does not bound below kCompileWhenAdded, as
// LiteralPrefilter decides for include patterns; other programs grow with
// the pattern's length, tens of instructions per byte at most, far below
// the budget) is compiled there and then, so that it is refused when the
// rules are compiled, not skipped at the first search.
class ExcludePattern {
 public:
  static constexpr size_t kLazyMaxBytes = 2000;
  // A pattern whose compiled program may be this large (PatternAtoms::size)
  // is compiled when added, as LiteralPrefilter does with include patterns.
  static constexpr double kCompileWhenAdded = 5000.0;

  // The pattern, or the error RE2 gives for it.
  static Result<std::unique_ptr<ExcludePattern>> Create(const std::string& pattern,
                                                        const RE2::Options& options) {
    std::unique_ptr<ExcludePattern> e(new ExcludePattern(pattern, options));
    if (MayGrow(pattern, options) || !internal::PatternParses(pattern, options)) {
      const RE2& re = e->regex();
      if (!re.ok()) return InvalidArgumentError(re.error().empty() ? "invalid pattern" : re.error());
    }
    return e;
  }

  const RE2& regex() const {
    std::call_once(once_, [this] { re_ = std::make_unique<RE2>(pattern_, options_); });
    return *re_;
  }

 private:
  // Whether the program of `pattern` may outgrow RE2's memory budget: a
  // long pattern, or one with a repetition or a Unicode class whose size
  // the pattern reader does not bound below kCompileWhenAdded.
  static bool MayGrow(const std::string& pattern, const RE2::Options& options) {
    if (pattern.size() > kLazyMaxBytes) return true;
    if (pattern.find('{') == std::string::npos && pattern.find("\\p") == std::string::npos &&
        pattern.find("\\P") == std::string::npos)
      return false;
    if (options.literal() || options.posix_syntax() || options.encoding() != RE2::Options::EncodingUTF8)
      return true;
    const internal::PatternAtoms atoms = internal::ReadPatternAtoms(pattern, 1);
    return !atoms.read || atoms.size > kCompileWhenAdded;
  }

  ExcludePattern(std::string pattern, const RE2::Options& options)
      : pattern_(std::move(pattern)), options_(options) {}

  std::string pattern_;
  RE2::Options options_;
  mutable std::once_flag once_;
  mutable std::unique_ptr<RE2> re_;
};

struct CompiledRule {
  size_t theme = 0;
  std::string source;
  double weight = 0.0;
  ExcludeScope scope = ExcludeScope::kSentence;
  std::vector<std::string> languages;  // empty: English
  // The include patterns live in the classifier's pattern group (or in
  // its language group), which numbers them in the order added
  // (set_to_rule maps them back here).
  std::vector<std::unique_ptr<ExcludePattern>> exclude;
  const ThemeRule* def = nullptr;  // in the taxonomy
};

// A rule of other languages only: "lang" given, without "en".
bool OtherLanguagesOnly(const ThemeRule& r) {
  return !r.languages.empty() && std::find(r.languages.begin(), r.languages.end(), "en") == r.languages.end();
}

RE2::Options PatternOptions(bool case_sensitive) {
  RE2::Options opt = internal::GroupPatternOptions();
  opt.set_case_sensitive(case_sensitive);
  return opt;
}

bool AnyMatch(const std::vector<std::unique_ptr<ExcludePattern>>& excludes, re2::StringPiece text) {
  for (const auto& e : excludes)
    if (RE2::PartialMatch(text, e->regex())) return true;
  return false;
}

}  // namespace

struct ThemeClassifier::Impl {
  std::shared_ptr<const Taxonomy> taxonomy;
  ThemeOptions options;
  std::string model_source;  // "model:" + options.model_name, the source of model evidence
  std::vector<CompiledRule> rules;
  // The include patterns are indices [set_base, set_base + set_to_rule.size())
  // of `set`, which may hold other patterns too (shared_patterns.h).
  std::shared_ptr<internal::RegexSetGroup> set;
  int set_base = 0;
  std::vector<size_t> set_to_rule;  // pattern index - set_base -> rule index

  // The rules of other languages only (OtherLanguagesOnly) have their
  // patterns in a group per list of languages, searched only in texts of
  // one of them (or of any language): an English text is not scanned for
  // their atoms, and the groups compile apart from the shared group, at
  // the same time (BuildLanguageGroup).
  struct LanguageGroup {
    std::vector<std::string> languages;
    std::vector<size_t> rules;  // ascending
    std::shared_ptr<internal::RegexSetGroup> set;
    std::vector<size_t> set_to_rule;  // pattern index -> rule index
    Status status;
  };
  std::vector<LanguageGroup> language_groups;

  // Adds the include patterns of rule `ri` to `group` (noting their rule in
  // `to_rule`) and compiles its exclude patterns.
  Status AddRule(size_t ri, internal::RegexSetGroup* group, std::vector<size_t>* to_rule);
  // Adds and compiles the patterns of language group `g`.
  void BuildLanguageGroup(size_t g);

  // Lists the rules (those of other languages only in their language
  // groups) and notes `group` as the one the others' patterns go to.
  void ListRules(std::shared_ptr<internal::RegexSetGroup> group);
  // Compiles the listed rules that are not in a language group, adding their
  // include patterns to `set` (compiled by the caller).
  Status AddSharedRules();
  // Classify, given the candidates of `set` for the text.
  std::vector<ThemeHit> Classify(std::string_view text_in,
                                 const std::vector<std::pair<std::string, double>>& model_scores,
                                 const internal::RegexSetGroup::Hits& group,
                                 std::string_view language = {}) const;

  // Appends the evidence of `rule` over `text` (the text of `group`, cut to
  // its first 4 GiB), searching its include patterns whose group indices are
  // in `patterns` (ascending; the others cannot match, the prefilter says);
  // returns false when it does not fire.
  bool RunRule(const CompiledRule& rule, re2::StringPiece text, const internal::RegexSetGroup& set,
               const internal::RegexSetGroup::Hits& group, const int* patterns, size_t n_patterns,
               internal::SentenceIndex* sentences, std::vector<EvidenceSpan>* evidence) const;
};

bool ThemeClassifier::Impl::RunRule(const CompiledRule& rule, re2::StringPiece text,
                                    const internal::RegexSetGroup& set,
                                    const internal::RegexSetGroup::Hits& group, const int* patterns,
                                    size_t n_patterns, internal::SentenceIndex* sentences,
                                    std::vector<EvidenceSpan>* evidence) const {
  if (rule.scope == ExcludeScope::kText && AnyMatch(rule.exclude, text)) return false;
  int found = 0;
  const int cap = options.max_evidence_per_rule;
  for (size_t k = 0; k < n_patterns; ++k) {
    size_t pos = 0;
    // (At the end of the text only an empty match is left, never evidence.)
    while (found < cap && pos < text.size()) {
      re2::StringPiece m;
      if (!set.Search(patterns[k], group, text, pos, &m)) break;
      size_t b = static_cast<size_t>(m.data() - text.data());
      size_t e = b + m.size();
      if (e == b) {  // empty matches are never evidence
        pos = b + 1;
        continue;
      }
      if (rule.scope == ExcludeScope::kSentence && !rule.exclude.empty()) {
        const internal::TextSpan s = sentences->Around(b, e);
        if (AnyMatch(rule.exclude, re2::StringPiece(text.data() + s.begin, s.end - s.begin))) {
          pos = std::max<size_t>(s.end, e);  // the whole sentence is vetoed
          continue;
        }
      }
      bool dup = false;
      for (const auto& ev : *evidence)
        if (ev.begin == b && ev.end == e && ev.source == rule.source) dup = true;
      if (!dup) {
        evidence->push_back({static_cast<uint32_t>(b), static_cast<uint32_t>(e), rule.source, rule.weight});
        ++found;
      }
      pos = e;
    }
  }
  return found > 0;
}

ThemeClassifier::ThemeClassifier() : impl_(std::make_unique<Impl>()) {}
ThemeClassifier::~ThemeClassifier() = default;

const Taxonomy& ThemeClassifier::taxonomy() const { return *impl_->taxonomy; }

namespace {

Status CheckThemeOptions(const std::shared_ptr<const Taxonomy>& taxonomy, const ThemeOptions& options) {
  if (taxonomy == nullptr) return InvalidArgumentError("ThemeClassifier needs a taxonomy");
  if (options.max_evidence_per_rule < 1) return InvalidArgumentError("max_evidence_per_rule must be >= 1");
  if (options.model_name.empty()) return InvalidArgumentError("model_name is empty");
  if (!options.all_packs) {
    for (const std::string& p : options.packs) {
      const auto& packs = taxonomy->packs();
      if (std::none_of(packs.begin(), packs.end(), [&](const IndustryPack& k) { return k.id == p; }))
        return InvalidArgumentError("unknown industry pack \"" + p + "\"");
    }
  }
  return Status::Ok();
}

}  // namespace

void ThemeClassifier::Impl::ListRules(std::shared_ptr<internal::RegexSetGroup> group) {
  set = std::move(group);
  set_base = set->size();
  const auto& themes = taxonomy->themes();
  for (size_t t = 0; options.use_rules && t < themes.size(); ++t) {
    // Themes of the packs not chosen get no rules.
    if (!options.all_packs && !themes[t].pack.empty() &&
        std::find(options.packs.begin(), options.packs.end(), themes[t].pack) == options.packs.end())
      continue;
    for (const ThemeRule& r : themes[t].rules) {
      CompiledRule cr;
      cr.theme = t;
      cr.source = "rule:" + themes[t].id + "#" + r.id;
      cr.weight = r.weight;
      cr.scope = r.exclude_scope;
      cr.languages = r.languages;
      cr.def = &r;
      const size_t index = rules.size();
      rules.push_back(std::move(cr));
      if (OtherLanguagesOnly(r)) {  // compiled by BuildLanguageGroup
        auto g = std::find_if(language_groups.begin(), language_groups.end(),
                              [&](const LanguageGroup& lg) { return lg.languages == r.languages; });
        if (g == language_groups.end()) {
          language_groups.emplace_back();
          g = language_groups.end() - 1;
          g->languages = r.languages;
        }
        g->rules.push_back(index);
      }
    }
  }
}

Status ThemeClassifier::Impl::AddSharedRules() {
  for (size_t index = 0; index < rules.size(); ++index)
    if (!OtherLanguagesOnly(*rules[index].def)) VOC_RETURN_IF_ERROR(AddRule(index, set.get(), &set_to_rule));
  return Status::Ok();
}

Status ThemeClassifier::Impl::AddRule(size_t ri, internal::RegexSetGroup* group,
                                      std::vector<size_t>* to_rule) {
  CompiledRule& cr = rules[ri];
  const ThemeRule& r = *cr.def;
  const std::string& theme_id = taxonomy->themes()[cr.theme].id;
  for (const std::string& p : r.include) {
    std::string error;
    const int i = group->Add(r.case_sensitive ? p : "(?i)" + p, &error);
    if (i < 0)
      return InvalidArgumentError("theme '" + theme_id + "' rule '" + r.id + "': invalid pattern \"" + p +
                                  "\": " + error);
    to_rule->push_back(ri);
  }
  for (const std::string& p : r.exclude) {
    auto e = ExcludePattern::Create(p, PatternOptions(r.case_sensitive));
    if (!e.ok())
      return InvalidArgumentError("theme '" + theme_id + "' rule '" + r.id + "': invalid pattern \"" + p +
                                  "\": " + e.status().message());
    cr.exclude.push_back(std::move(*e));
  }
  return Status::Ok();
}

void ThemeClassifier::Impl::BuildLanguageGroup(size_t g) {
  LanguageGroup& lg = language_groups[g];
  lg.set = std::make_shared<internal::RegexSetGroup>(internal::GroupPatternOptions());
  for (size_t ri : lg.rules) {
    lg.status = AddRule(ri, lg.set.get(), &lg.set_to_rule);
    if (!lg.status.ok()) return;
  }
  lg.set->Compile();
}

size_t internal::LanguageGroupCount(const ThemeClassifier& classifier) {
  return ImplOf(classifier).language_groups.size();
}

void internal::BuildLanguageGroup(ThemeClassifier& classifier, size_t g) {
  ImplOf(classifier).BuildLanguageGroup(g);
}

Status internal::LanguageGroupsStatus(const ThemeClassifier& classifier) {
  for (const auto& lg : ImplOf(classifier).language_groups) VOC_RETURN_IF_ERROR(lg.status);
  return Status::Ok();
}

Result<std::unique_ptr<ThemeClassifier>> ThemeClassifier::Create(std::shared_ptr<const Taxonomy> taxonomy,
                                                                 const ThemeOptions& options) {
  auto group = std::make_shared<internal::RegexSetGroup>(internal::GroupPatternOptions());
  auto clf = internal::NewThemes(std::move(taxonomy), options, group);
  if (!clf.ok()) return clf;
  group->Compile();
  for (size_t g = 0; g < internal::LanguageGroupCount(**clf); ++g) internal::BuildLanguageGroup(**clf, g);
  VOC_RETURN_IF_ERROR(internal::LanguageGroupsStatus(**clf));
  return clf;
}

Result<std::unique_ptr<ThemeClassifier>> internal::NewThemes(std::shared_ptr<const Taxonomy> taxonomy,
                                                             const ThemeOptions& options,
                                                             std::shared_ptr<RegexSetGroup> group) {
  auto clf = NewThemesListed(std::move(taxonomy), options, std::move(group));
  if (!clf.ok()) return clf;
  VOC_RETURN_IF_ERROR(AddSharedRules(**clf));
  return clf;
}

Result<std::unique_ptr<ThemeClassifier>> internal::NewThemesListed(std::shared_ptr<const Taxonomy> taxonomy,
                                                                   const ThemeOptions& options,
                                                                   std::shared_ptr<RegexSetGroup> group) {
  VOC_RETURN_IF_ERROR(CheckThemeOptions(taxonomy, options));
  std::unique_ptr<ThemeClassifier> clf = ImplAccess::New<ThemeClassifier>();
  auto& impl = ImplOf(*clf);
  impl.taxonomy = std::move(taxonomy);
  impl.options = options;
  impl.model_source = "model:" + options.model_name;
  impl.ListRules(std::move(group));
  return clf;
}

Status internal::AddSharedRules(ThemeClassifier& classifier) { return ImplOf(classifier).AddSharedRules(); }

std::vector<ThemeHit> internal::ClassifyWithHits(
    const ThemeClassifier& classifier, std::string_view text,
    const std::vector<std::pair<std::string, double>>& model_scores,
    const internal::RegexSetGroup::Hits& hits, std::string_view language) {
  return ImplOf(classifier).Classify(text, model_scores, hits, language);
}

std::vector<ThemeHit> ThemeClassifier::Classify(
    std::string_view text_in, const std::vector<std::pair<std::string, double>>& model_scores) const {
  thread_local internal::RegexSetGroup::Hits hits;
  hits.candidates.clear();  // no rules: nothing is searched
  if (!impl_->set_to_rule.empty()) impl_->set->Candidates(text_in, &hits);
  return impl_->Classify(text_in, model_scores, hits);
}

std::vector<ThemeHit> ThemeClassifier::ClassifyLanguage(
    std::string_view text_in, std::string_view language,
    const std::vector<std::pair<std::string, double>>& model_scores) const {
  thread_local internal::RegexSetGroup::Hits hits;
  hits.candidates.clear();
  if (!impl_->set_to_rule.empty()) impl_->set->Candidates(text_in, &hits);
  return impl_->Classify(text_in, model_scores, hits, language);
}

std::vector<ThemeHit> ThemeClassifier::Impl::Classify(
    std::string_view text_in, const std::vector<std::pair<std::string, double>>& model_scores,
    const internal::RegexSetGroup::Hits& group, std::string_view language) const {
  const Impl& impl = *this;
  // Rules run on texts of their languages; "" and "und" run them all.
  const bool any_language = language.empty() || language == "und";
  auto applies = [&](const CompiledRule& rule) {
    if (any_language) return true;
    if (rule.languages.empty()) return language == "en";
    return std::find(rule.languages.begin(), rule.languages.end(), language) != rule.languages.end();
  };
  const auto& themes = impl.taxonomy->themes();
  // Offsets are 32-bit; longer texts are classified on their first 4 GiB.
  std::string_view text_view =
      text_in.substr(0, std::min<size_t>(text_in.size(), std::numeric_limits<uint32_t>::max()));
  re2::StringPiece text(text_view.data(), text_view.size());

  struct Acc {
    size_t theme = 0;
    double rule_conf = -1.0;
    std::string rule_source;
    double model_conf = -1.0;
    std::vector<EvidenceSpan> evidence;
  };
  std::vector<Acc> acc;
  auto slot = [&](size_t theme) -> Acc& {
    for (auto& a : acc)
      if (a.theme == theme) return a;
    acc.emplace_back();
    acc.back().theme = theme;
    return acc.back();
  };

  if (!impl.set_to_rule.empty() || !impl.language_groups.empty()) {
    // The candidate patterns of this classifier, ascending: a rule's
    // patterns are consecutive, so each rule's candidates form one run.
    thread_local std::vector<int> candidates;
    candidates.clear();
    const int end = impl.set_base + static_cast<int>(impl.set_to_rule.size());
    for (int m : group.candidates)
      if (m >= impl.set_base && m < end) candidates.push_back(m);
    std::sort(candidates.begin(), candidates.end());
    candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
    // The runs of the rules that apply, from the shared group and the
    // language groups of the text's language, in rule order.
    struct Run {
      size_t rule;
      const internal::RegexSetGroup* set;
      const internal::RegexSetGroup::Hits* hits;
      const int* patterns;
      size_t n;
    };
    thread_local std::vector<Run> runs;
    runs.clear();
    auto add_runs = [&](const internal::RegexSetGroup* set, const internal::RegexSetGroup::Hits* hits,
                        const std::vector<int>& found, int base, const std::vector<size_t>& to_rule) {
      for (size_t c = 0; c < found.size();) {
        const size_t ri = to_rule[static_cast<size_t>(found[c] - base)];
        size_t run = c + 1;
        while (run < found.size() && to_rule[static_cast<size_t>(found[run] - base)] == ri) ++run;
        if (applies(impl.rules[ri])) runs.push_back({ri, set, hits, &found[c], run - c});
        c = run;
      }
    };
    add_runs(impl.set.get(), &group, candidates, impl.set_base, impl.set_to_rule);
    if (!impl.language_groups.empty()) {
      int sources = runs.empty() ? 0 : 1;  // groups with runs: sorted when more than one
      thread_local std::vector<internal::RegexSetGroup::Hits> language_hits;
      if (language_hits.size() < impl.language_groups.size())
        language_hits.resize(impl.language_groups.size());
      for (size_t g = 0; g < impl.language_groups.size(); ++g) {
        const LanguageGroup& lg = impl.language_groups[g];
        if (!any_language &&
            std::find(lg.languages.begin(), lg.languages.end(), language) == lg.languages.end())
          continue;
        lg.set->Candidates(text_in, &language_hits[g]);
        const size_t before = runs.size();
        add_runs(lg.set.get(), &language_hits[g], language_hits[g].candidates, 0, lg.set_to_rule);
        sources += runs.size() > before;
      }
      if (sources > 1)
        std::sort(runs.begin(), runs.end(), [](const Run& x, const Run& y) { return x.rule < y.rule; });
    }
    std::vector<EvidenceSpan> evidence;
    // The rules' sentence scope: the sentences every stage shares, computed
    // when a rule first needs them.
    internal::SentenceIndex sentences(text_view);
    for (const Run& r : runs) {
      const CompiledRule& rule = impl.rules[r.rule];
      evidence.clear();
      const bool fired = impl.RunRule(rule, text, *r.set, *r.hits, r.patterns, r.n, &sentences, &evidence);
      if (!fired) continue;
      Acc& a = slot(rule.theme);
      if (rule.weight > a.rule_conf) {
        a.rule_conf = rule.weight;
        a.rule_source = rule.source;
      }
      a.evidence.insert(a.evidence.end(), evidence.begin(), evidence.end());
    }
  }

  for (const auto& [label, p] : model_scores) {
    const Theme* theme = impl.taxonomy->FindModelLabel(label);
    if (theme == nullptr || !(p >= theme->threshold)) continue;
    size_t t = static_cast<size_t>(theme - themes.data());
    Acc& a = slot(t);
    double conf = std::min(1.0, std::max(0.0, p));
    if (conf > a.model_conf) a.model_conf = conf;
  }

  std::vector<ThemeHit> hits;
  hits.reserve(acc.size());
  const std::string& model_source = impl.model_source;
  for (auto& a : acc) {
    const Theme& theme = themes[a.theme];
    ThemeHit hit;
    hit.id = theme.id;
    hit.department = theme.department;
    hit.role = theme.role;
    std::sort(a.evidence.begin(), a.evidence.end(), [](const EvidenceSpan& x, const EvidenceSpan& y) {
      return x.begin != y.begin ? x.begin < y.begin : x.end < y.end;
    });
    hit.evidence = std::move(a.evidence);
    if (a.model_conf >= 0.0) {
      hit.evidence.push_back({0, static_cast<uint32_t>(text.size()), model_source, a.model_conf});
    }
    if (a.model_conf > a.rule_conf) {
      hit.confidence = a.model_conf;
      hit.source = model_source;
    } else {
      hit.confidence = a.rule_conf;
      hit.source = a.rule_source;
    }
    hits.push_back(std::move(hit));
  }
  std::sort(hits.begin(), hits.end(), [](const ThemeHit& x, const ThemeHit& y) {
    return x.confidence != y.confidence ? x.confidence > y.confidence : x.id < y.id;
  });
  return hits;
}

}  // namespace voc
