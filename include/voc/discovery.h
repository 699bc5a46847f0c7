// voc/discovery.h: themes the taxonomy does not know yet, found in the
// verbatims it leaves uncovered, named, tracked and ready to promote.
//
//   voc::Aggregate a;                         // discovery_sample records kept
//   for (const voc::Analysis& x : analyses) a.Add(x);
//   voc::Discovery d = voc::DiscoverThemes(a);
//   for (const voc::DiscoveredTheme& t : d.themes)
//     std::cout << t.name << " " << t.estimated << " " << t.rule << "\n";
//
// Method (every threshold is a field of DiscoveryOptions):
//
// * Input: the aggregate's discovery sample, the records with the smallest
//   content hash (AggregateOptions::discovery_sample, default 20000). It is
//   a uniform sample whatever the split of the input, so a merge of partial
//   aggregates (threads, Dask partitions) discovers exactly what one pass
//   does, and memory stays flat as the input grows. Error bound: a theme's
//   share s estimated on n sampled records has a standard error of at most
//   sqrt(s (1 - s) / n) (0.35 percentage points at n = 20000, s = 0.5);
//   below n records nothing is sampled away and counts are exact.
// * Candidates: phrases of 1..`max_words` consecutive content words of the
//   uncovered records (no known theme). Content words come from the
//   Tokenizer: never mentions, URLs, e-mails, masks, numbers, emoji,
//   punctuation or stop words (English, French, German, Spanish, Italian,
//   Portuguese, Dutch); those end a phrase. A phrase needs `min_docs`
//   records and at most `max_phrase_share` of them; when known themes cover
//   at least 50 sampled records, a phrase must also be at least
//   `min_background_lift` times more common in uncovered than in covered
//   records (the known themes are the background). With a general
//   background (`background`, models/BACKGROUND.md: how common each word
//   and two-word phrase is in general text), a phrase must also be at least
//   `min_general_lift` times more common in the uncovered records than in
//   general text, so words common everywhere ("day", "money", "work")
//   neither name nor found a theme; that lift also ranks the candidates.
// * Ubiquitous words: a word in >= `ubiquity_share` of all sampled records
//   that is independent of the content (no candidate word is
//   `ubiquity_lift` times more likely beside it than elsewhere) and, where
//   there are several periods or channels with 30+ records, is spread
//   evenly across them (its rate within 0.5..2x its overall rate
//   everywhere): brand names, the company's handle, channel names. Such a
//   word never begins or ends a phrase.
// * Clustering: the `max_phrases` best candidates (document frequency times
//   inverse document frequency times log of the lift over general text; a phrase is dropped for a longer one
//   found in >= 90% of its records) are grouped by agglomerative clustering: each group has the set of
//   records holding any of its phrases, and the two groups whose sets correlate most (phi coefficient over
//   the uncovered records, 0 under independence whatever their sizes) merge, while that correlation is at
//   least `link`: "lost bag", "lost luggage" and "baggage claim" end in one group when they share records. A
//   phrase belongs to one group. Each uncovered record goes to the group of its most specific phrase (largest
//   inverse document frequency), its other phrases of each group adding `support` times theirs; groups with
//   fewer than `min_theme_docs` records are dropped and their records reassigned.
// * Each theme: a name from its 1..3 most distinctive phrases (F1 of "holds
//   the phrase" against membership; a phrase inside another chosen one is
//   skipped), unique; the sample members' record ids; representative
//   verbatims (the members holding the most of its phrases), redacted as
//   stored; a suggested RE2 rule (its phrases, chosen greedily for F1) with
//   its precision and recall against the theme's members; and a Finding
//   from DetectFindings() over the sample, so its per-period series,
//   status (emerging, chronic, spike...), sentiment and signals come from
//   the same tests as the known themes.
//
// Thread safety: DiscoverThemes() is a pure function.
#ifndef VOC_DISCOVERY_H_
#define VOC_DISCOVERY_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "voc/aggregate.h"
#include "voc/findings.h"

namespace voc {

struct DiscoveryOptions {
  // Most themes returned, largest first. Default 20.
  size_t max_themes = 20;
  // Longest phrase in words (1..4). Default 4.
  int max_words = 4;
  // Smallest number of sampled uncovered records holding a candidate phrase;
  // 0 = max(5, 0.2% of the uncovered sample). Default 0.
  size_t min_docs = 0;
  // Smallest theme in sampled records; 0 = max(8, 0.5% of the uncovered
  // sample). Default 0.
  size_t min_theme_docs = 0;
  // Phrases held by more than this share of the uncovered records are too
  // broad to name a theme. Default 0.3.
  double max_phrase_share = 0.3;
  // Background test against the covered records. Default 1.5.
  double min_background_lift = 1.5;
  // Ubiquitous words (see above). Defaults 0.03 and 1.5.
  double ubiquity_share = 0.03;
  double ubiquity_lift = 1.5;
  // Candidate phrases clustered. Default 400.
  size_t max_phrases = 400;
  // Correlation (phi) of record sets needed to merge two groups. Default 0.2.
  double link = 0.2;
  // A record goes to the group where it scores most: the inverse document
  // frequency of its most specific phrase of the group plus `support` times
  // that of its other phrases of the group (0: the most specific phrase
  // alone; 1: the sum). Default 0.1.
  double support = 0.1;
  // Phrases listed per theme (the rule may use fewer). Default 8.
  size_t phrases_per_theme = 8;
  // Representative verbatims per theme. Default 3.
  size_t examples = 3;
  // General background: "default" = background.tsv in DefaultModelsDir()
  // (voc/analyzer.h; without that file, no general background and a
  // warning); "" or "none" = no general background; else the path of a
  // background file (models/BACKGROUND.md). Default "default".
  std::string background = "default";
  // Least lift of a candidate phrase over general text. Default 2.
  double min_general_lift = 2.0;
};

// Returns InvalidArgument naming the first field out of range, or the line
// and the reason when the background file is not one (NotFound when a
// background path given does not exist).
Status ValidateDiscoveryOptions(const DiscoveryOptions& options);

struct DiscoveredPhrase {
  std::string phrase;     // content words joined by one space
  uint64_t docs = 0;      // sampled uncovered records holding it
  uint64_t in_theme = 0;  // ... of them members of the theme
  uint64_t covered = 0;   // sampled covered records holding it
};

struct DiscoveredTheme {
  std::string id;                         // "discovered/<slug>"
  std::string slug;                       // "lost-luggage"
  std::string name;                       // "lost luggage, baggage claim"
  uint64_t sample_count = 0;              // sampled members
  uint64_t estimated = 0;                 // sample_count scaled to all records
  double share = 0.0;                     // of the sampled records (all, covered too)
  std::vector<DiscoveredPhrase> phrases;  // most distinctive first
  std::vector<std::string> members;       // record ids of the sampled members
  std::vector<Quote> examples;            // representative, redacted
  // Suggested rule: an RE2 pattern (case-insensitive use) over its phrases.
  std::string rule;
  std::vector<std::string> rule_phrases;
  double rule_precision = 0.0;  // of the rule's matches, members
  double rule_recall = 0.0;     // of the members, matched by the rule
  // Series, status, sentiment and signals over the sample (DetectFindings).
  Finding finding;
};

struct Discovery {
  uint64_t records = 0;                       // all records of the aggregate
  uint64_t sampled = 0;                       // records in the discovery sample
  uint64_t uncovered = 0;                     // sampled records without a known theme
  double scale = 1.0;                         // records / sampled
  uint64_t min_docs = 0, min_theme_docs = 0;  // the thresholds used
  std::vector<std::string> ubiquitous;        // words left out of names
  std::string background;                     // the general background's path, "" none
  std::vector<DiscoveredTheme> themes;        // largest first
  std::vector<std::string> warnings;
};

// Discovers themes in `aggregate`'s discovery sample; `findings` sets the
// tests of each theme's status (window, chronic_k/n, alphas).
Discovery DiscoverThemes(const Aggregate& aggregate, const DiscoveryOptions& options = {},
                         const FindingsOptions& findings = {});

// Returns a taxonomy (models/TAXONOMY.md format, pretty JSON) holding the
// themes of `base_taxonomy_json` (a taxonomy file's text; "" or
// {"themes": []} for none) plus each discovered theme as
// "discovered/<slug>" with its label, rule, department "unassigned" (role
// "service", as the taxonomy needs one, until the user routes it) and a
// comment giving its size and two redacted examples. InvalidArgument when
// the base is not a JSON object with a "themes" array.
Result<std::string> DiscoveryDraft(const Discovery& discovery, const std::string& base_taxonomy_json);

// The discovery as JSON (pretty, deterministic): counts, ubiquitous words
// and each theme with its phrases, rule, series, status, examples and the
// record ids of its sampled members; for scripts (`voc discover
// --themes-out`, voc.discover in Python).
std::string DiscoveryToJson(const Discovery& discovery);

}  // namespace voc

#endif  // VOC_DISCOVERY_H_
