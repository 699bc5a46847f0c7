// voc/taxonomy.h: a hierarchical customer-experience theme taxonomy with
// department routing, and a multi-label theme classifier built on it.
//
//   auto tax = voc::Taxonomy::LoadFile("models/taxonomy.json");
//   if (!tax.ok()) return tax.status();
//   std::shared_ptr<const voc::Taxonomy> shared = std::move(*tax);
//   auto clf = voc::ThemeClassifier::Create(shared);
//   if (!clf.ok()) return clf.status();
//   for (const voc::ThemeHit& hit : (*clf)->Classify(redacted_text))
//     std::cout << hit.id << " -> " << hit.department << "\n";
//
// The file format is documented in models/TAXONOMY.md. Rules are RE2
// patterns matched against the normalised, redacted text; a text that no
// rule or model score fits gets no hits at all (the caller reports it as
// unclassified), it is never forced into a theme.
//
// Thread safety: a Taxonomy and a ThemeClassifier are immutable after
// construction; Classify() is const and may be called from many threads.
#ifndef VOC_TAXONOMY_H_
#define VOC_TAXONOMY_H_

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "voc/analysis.h"
#include "voc/status.h"

namespace voc {

// Where an exclude pattern looks for a veto.
enum class ExcludeScope : int8_t {
  kSentence,  // only in the sentence holding the include match (default)
  kText,      // anywhere in the text
};

// One rule of a theme: it fires when an include pattern matches and no
// exclude pattern matches in its scope.
struct ThemeRule {
  std::string id;                    // unique within its theme
  std::vector<std::string> include;  // RE2 patterns, any of them may fire
  std::vector<std::string> exclude;  // RE2 patterns that veto the rule
  bool case_sensitive = false;       // default: case-insensitive
  ExcludeScope exclude_scope = ExcludeScope::kSentence;
  double weight = 0.8;  // confidence of a hit, in (0, 1]
  // ISO 639-1 codes of the languages the patterns are written in; the rule
  // fires only on texts of those languages (and on undetermined ones).
  // Empty: English. Set by the rule's "lang", or one rule per language of an
  // "include": {"en": [...], "de": [...]} map (models/TAXONOMY.md).
  std::vector<std::string> languages;
};

struct Theme {
  std::string id;     // hierarchical, "billing/unexpected-fee"
  std::string label;  // human label, "Unexpected fee"
  std::string description;
  std::string department;  // owner, e.g. "finance"; "unassigned" if unknown
  ValueRole role = ValueRole::kUnknown;
  double threshold = 0.5;  // minimum model probability for a model hit
  std::string parent;      // id of the parent theme, empty for a root
  bool implied = false;    // true when the parent was not declared in the file
  std::string pack;        // industry pack declaring the theme; empty for the core
  std::vector<ThemeRule> rules;
};

// An industry pack: themes and vocabulary specific to one industry, on top of
// the cross-industry core (models/TAXONOMY.md, "Industry packs").
struct IndustryPack {
  std::string id;     // "travel", "telecom", ...
  std::string label;  // "Travel and transport"
  std::string description;
  // RE2 patterns (case-insensitive) of the industry's vocabulary, for
  // `--industry auto`.
  std::vector<std::string> detect;
  // auto enables the pack when at least this share of the sample matches.
  double min_share = 0.1;
};

// Which packs an analysis uses, and why (see SelectIndustries).
struct IndustryChoice {
  std::string id;
  std::string label;
  bool enabled = false;
  size_t matched = 0;              // sample records matching its vocabulary
  std::vector<std::string> terms;  // its most frequent words in the sample
  std::string reason;              // e.g. "34% of 1000 sampled records (flight, airline)"
};

struct IndustrySelection {
  std::string mode;                   // "auto", "none", "all" or "list"
  size_t sample_size = 0;             // records the auto mode looked at
  std::vector<IndustryChoice> packs;  // every pack of the taxonomy, in file order
  // Ids of the enabled packs, in file order.
  std::vector<std::string> Enabled() const;
  // One line for people: "travel (34% of 1000 sampled records: flight,
  // airline); not enabled: banking (0%) ..." or "none (core themes only)".
  std::string Summary() const;
  // {"mode": ..., "sample_size": n, "enabled": [...], "packs": [{"id", "label",
  // "enabled", "matched", "share", "terms", "reason"}]}
  std::string ToJson() const;
};

class Taxonomy {
 public:
  // Reads and parses a taxonomy file. NotFound when it cannot be read,
  // InvalidArgument (with the file name) when it is not a valid taxonomy.
  static Result<std::unique_ptr<Taxonomy>> LoadFile(const std::string& path);
  // Parses taxonomy JSON. Errors: JSON syntax errors with line and column,
  // duplicate theme ids, unknown roles, bad fields, and patterns that RE2
  // rejects (naming the theme, the rule, RE2's message and the position).
  static Result<std::unique_ptr<Taxonomy>> Parse(std::string_view json);
  // Builds a flat taxonomy from the labels of a model that has none: each
  // label becomes a theme (id = label slug, label = the label itself),
  // owned by department "unassigned" with role kUnknown, and each label
  // maps to its theme for model scores. InvalidArgument on an empty label.
  static Result<std::unique_ptr<Taxonomy>> FromLabels(const std::vector<std::string>& labels,
                                                      double threshold = 0.5);

  ~Taxonomy();
  Taxonomy(const Taxonomy&) = delete;
  Taxonomy& operator=(const Taxonomy&) = delete;

  // Name and version declared in the file (empty / 0 when absent).
  const std::string& name() const;
  int version() const;
  // All themes, parents before their children, in file order otherwise.
  const std::vector<Theme>& themes() const;
  // Returns the theme with `id` (or the theme an alias of the file renames
  // it to), or nullptr.
  const Theme* Find(std::string_view id) const;
  // The industry packs declared in the file, in file order.
  const std::vector<IndustryPack>& packs() const;
  // The (old id, new id) pairs declared in `aliases`.
  const std::vector<std::pair<std::string, std::string>>& aliases() const;
  // Returns the theme a model label maps to (through `model_labels`, or a
  // theme whose id equals the label), or nullptr. When the label is not
  // found as given, a fastText "__label__" prefix is dropped and it is
  // looked up again.
  const Theme* FindModelLabel(std::string_view label) const;
  // The (model label, theme id) pairs declared in `model_labels`.
  const std::vector<std::pair<std::string, std::string>>& model_labels() const;

 private:
  Taxonomy();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Turns a label into a theme id: lower case ASCII letters and digits,
// every other run of bytes becomes one '-', '/' is kept as the hierarchy
// separator. "Credit card or prepaid card" -> "credit-card-or-prepaid-card".
std::string ThemeIdSlug(std::string_view label);

// Returns the value role of a well-known department (case-insensitive):
// creator for engineering, manufacturing, operations; enhancer for it,
// finance, facilities, hr, quality, policy; communicator for marketing,
// sales; service for service. kUnknown otherwise.
ValueRole DepartmentRole(std::string_view department);

struct ThemeOptions {
  // Name written in hit sources for model scores, "model:<model_name>".
  // Default "themes".
  std::string model_name = "themes";
  // Most evidence spans kept per rule (matches further on are not
  // reported). Default 3; must be >= 1.
  int max_evidence_per_rule = 3;
  // Run the taxonomy's rules. Default true; false uses model scores only.
  bool use_rules = true;
  // Industry packs whose themes' rules run: all of them (default), or, when
  // false, only the packs listed in `packs` (see SelectIndustries). Core
  // themes always run.
  bool all_packs = true;
  std::vector<std::string> packs;
};

// Chooses the industry packs of `taxonomy` from `spec`:
//   "auto"   the packs whose `detect` vocabulary appears in at least
//            `min_share` of the `sample` records (and in at least one); an
//            empty sample enables none;
//   "none"   core themes only;   "all"   every pack;
//   "a,b"    the listed pack ids.
// Deterministic: depends only on the sample's texts and their order.
// InvalidArgument for an unknown pack id (listing the known ones) or an
// empty spec.
Result<IndustrySelection> SelectIndustries(const Taxonomy& taxonomy, std::string_view spec,
                                           const std::vector<std::string_view>& sample);

// Multi-label theme classification from the taxonomy's rules and, when
// given, a trained model's label probabilities.
class ThemeClassifier {
 public:
  // Compiles every rule of `taxonomy`. InvalidArgument for a null taxonomy
  // or bad options.
  static Result<std::unique_ptr<ThemeClassifier>> Create(std::shared_ptr<const Taxonomy> taxonomy,
                                                         const ThemeOptions& options = {});

  ~ThemeClassifier();
  ThemeClassifier(const ThemeClassifier&) = delete;
  ThemeClassifier& operator=(const ThemeClassifier&) = delete;

  // Returns one hit per theme that fits `text`, ordered by confidence
  // (highest first), then by id. A theme fits when one of its rules fires
  // (confidence = the highest weight among its fired rules, source
  // "rule:<theme id>#<rule id>" of that rule, evidence = the matched spans
  // of every fired rule) or when `model_scores` gives one of its labels a
  // probability >= the theme's threshold (source "model:<model_name>",
  // evidence spanning the whole text). When both fit, the hit keeps the
  // higher confidence, its source, and both evidences. Department and role
  // come from the taxonomy. Empty when nothing fits. Labels unknown to the
  // taxonomy are ignored.
  std::vector<ThemeHit> Classify(std::string_view text,
                                 const std::vector<std::pair<std::string, double>>& model_scores = {}) const;
  // The same for a text in `language` (ISO 639-1): only the rules written
  // for that language run. "" or "und": every rule runs.
  std::vector<ThemeHit> ClassifyLanguage(
      std::string_view text, std::string_view language,
      const std::vector<std::pair<std::string, double>>& model_scores = {}) const;

  const Taxonomy& taxonomy() const;

 private:
  friend class ImplAccess;  // the Analyzer runs themes and signals on one pattern group
  ThemeClassifier();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace voc

#endif  // VOC_TAXONOMY_H_
