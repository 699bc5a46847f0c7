// The literal prefilter in front of the theme rules and signal cues must
// never drop a pattern that matches: its candidates are held to RE2 itself
// (and to the RE2::Set path it replaced) on the bundled texts, on texts built
// to hit the patterns, and on random patterns over case-folding traps.
#include <doctest/doctest.h>
#include <re2/re2.h>
#include <unicode/uchar.h>

#include <algorithm>
#include <random>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "util/flat_string_map.h"
#include "patterns/literal_prefilter.h"
#include "patterns/pattern_atoms.h"
#include "patterns/regex_set.h"
#include "themes/shared_patterns.h"
#include "themes/signals_internal.h"
#include "util/utf8_util.h"
#include "voc/reader.h"
#include "voc/signals.h"
#include "voc/taxonomy.h"

namespace {

using voc::internal::AtomMatcher;
using voc::internal::FoldForAtoms;
using voc::internal::LiteralPrefilter;
using voc::internal::RegexSetGroup;

std::string Fold(std::string_view s) {
  std::string out;
  FoldForAtoms(s, &out);
  return out;
}

bool IsSubset(const std::vector<int>& small, const std::vector<int>& big) {
  for (int x : small)
    if (!std::binary_search(big.begin(), big.end(), x)) return false;
  return true;
}

void ReadAll(const std::string& path, const voc::ReaderOptions& options, std::vector<std::string>* texts) {
  auto reader = voc::RecordReader::Open(path, options);
  REQUIRE(reader.ok());
  voc::Record r;
  voc::Reject j;
  for (voc::RecordReader::Next next; (next = (*reader)->Read(&r, &j)) != voc::RecordReader::Next::kEnd;)
    if (next == voc::RecordReader::Next::kRecord) texts->push_back(r.text);
}

// The bundled texts: complaint narratives, sample tweets.
std::vector<std::string> BundledTexts() {
  std::vector<std::string> texts;
  const std::string root = VOC_SOURCE_DIR;
  ReadAll(root + "/examples/data/cfpb_complaints.csv.gz", voc::ReaderOptions(), &texts);
  voc::ReaderOptions plain;
  plain.format = voc::InputFormat::kText;
  ReadAll(root + "/examples/data/sample_tweets.txt", plain, &texts);
  ReadAll(root + "/tests/data/tokenizer/cfpb_sample.txt", plain, &texts);
  return texts;
}

// Variants of `text` that stress case folding and offsets.
std::vector<std::string> Variants(const std::string& text) {
  std::string upper = text, kelvin, long_s;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  for (char c : text) {
    if (c == 'k' || c == 'K')
      kelvin += "\xE2\x84\xAA";  // U+212A KELVIN SIGN
    else
      kelvin.push_back(c);
    if (c == 's')
      long_s += "\xC5\xBF";  // U+017F LATIN SMALL LETTER LONG S
    else
      long_s.push_back(c);
  }
  // Long enough for Search to locate the atoms (and to search around them).
  std::string repeated = text;
  for (int k = 0; repeated.size() < LiteralPrefilter::kLocateBytes + 40; ++k)
    repeated += (k % 3 == 0 ? ". " : k % 3 == 1 ? ", and " : "\n") + (k % 2 ? upper : text);
  return {text, upper, kelvin, long_s, repeated};
}

// Adds `patterns` to `group` and compiles it; returns them compiled by RE2
// with `options`, the reference for Search.
std::vector<std::unique_ptr<RE2>> AddAll(const std::vector<std::string>& patterns,
                                         const RE2::Options& options, RegexSetGroup* group) {
  std::vector<std::unique_ptr<RE2>> res;
  for (const auto& p : patterns) {
    std::string error;
    REQUIRE(group->Add(p, &error) >= 0);
    res.push_back(std::make_unique<RE2>(p, options));
  }
  group->Compile();
  return res;
}

// Checks that group.Search gives the matches RE2 gives, one after the other
// from the start, for the patterns `which` on `text` (the pipeline searches
// only candidates; a candidate that does not match must find nothing);
// returns how many searches had the atoms located.
size_t CheckSearch(const RegexSetGroup& group, const std::vector<std::unique_ptr<RE2>>& res,
                   const std::vector<int>& which, const std::string& text) {
  RegexSetGroup::Hits hits;
  group.Candidates(text, &hits);
  const re2::StringPiece in(text);
  for (int i : which) {
    size_t pos = 0;
    for (int step = 0; step < 50 && pos <= text.size(); ++step) {
      re2::StringPiece want, got;
      const bool w = res[static_cast<size_t>(i)]->Match(in, pos, text.size(), RE2::UNANCHORED, &want, 1);
      const bool g = group.Search(i, hits, in, pos, &got);
      CAPTURE(i);
      CAPTURE(pos);
      REQUIRE(g == w);
      if (!w) break;
      REQUIRE(got.data() == want.data());
      REQUIRE(got.size() == want.size());
      const size_t b = static_cast<size_t>(want.data() - text.data());
      pos = want.empty() ? b + 1 : b + want.size();
    }
  }
  return hits.atoms.located ? 1 : 0;
}

// The patterns that match `text`, by RE2 alone and independently of the
// code under test: RE2::Sets of a few dozen patterns each (one pass of a
// small DFA instead of one search per pattern), and a plain search per
// pattern of any set whose DFA runs out of memory.
class Truth {
 public:
  Truth(const std::vector<std::string>& patterns, const RE2::Options& options,
        const std::vector<std::unique_ptr<RE2>>& res)
      : res_(res) {
    constexpr size_t kChunk = 48;
    for (size_t first = 0; first < patterns.size(); first += kChunk) {
      auto set = std::make_unique<RE2::Set>(options, RE2::UNANCHORED);
      const size_t end = std::min(patterns.size(), first + kChunk);
      for (size_t i = first; i < end; ++i)
        REQUIRE(set->Add(patterns[i], nullptr) == static_cast<int>(i - first));
      REQUIRE(set->Compile());
      sets_.push_back({static_cast<int>(first), static_cast<int>(end), std::move(set)});
    }
  }

  std::vector<int> Matching(const std::string& text) const {
    std::vector<int> out, ids;
    for (const Chunk& c : sets_) {
      RE2::Set::ErrorInfo error{RE2::Set::kNoError};
      ids.clear();
      if (c.set->Match(text, &ids, &error)) {
        for (int id : ids) out.push_back(c.first + id);
      } else if (error.kind != RE2::Set::kNoError) {
        for (int i = c.first; i < c.end; ++i)
          if (RE2::PartialMatch(text, *res_[static_cast<size_t>(i)])) out.push_back(i);
      }
    }
    std::sort(out.begin(), out.end());
    return out;
  }

 private:
  struct Chunk {
    int first, end;
    std::unique_ptr<RE2::Set> set;
  };
  const std::vector<std::unique_ptr<RE2>>& res_;
  std::vector<Chunk> sets_;
};

// Checks candidates against RE2 and the set path for every text; returns
// the mean number of candidates.
double CheckGroup(const RegexSetGroup& group, const std::vector<std::string>& patterns,
                  const RE2::Options& options, const std::vector<std::string>& texts) {
  std::vector<std::unique_ptr<RE2>> res;
  for (const auto& p : patterns) {
    res.push_back(std::make_unique<RE2>(p, options));
    REQUIRE(res.back()->ok());
  }
  const Truth truth(patterns, options, res);
  size_t total = 0, checked = 0, located = 0;
  std::vector<int> candidates, by_sets;
  for (const std::string& base : texts) {
    for (const std::string& text : Variants(base)) {
      group.Candidates(text, &candidates);
      REQUIRE(std::is_sorted(candidates.begin(), candidates.end()));
      const std::vector<int> matching = truth.Matching(text);
      CAPTURE(text);
      CHECK(IsSubset(matching, candidates));
      if (group.MatchWithSets(text, &by_sets)) CHECK(by_sets == matching);
      located += CheckSearch(group, res, candidates, text);
      total += candidates.size();
      ++checked;
    }
  }
  CHECK(located > 0);  // the located path was taken
  return static_cast<double>(total) / static_cast<double>(checked);
}

// A group of `patterns` (default options) checked by CheckGroup on `texts`.
void CheckRandomGroup(const std::vector<std::string>& patterns, const std::vector<std::string>& texts) {
  RE2::Options opt;
  opt.set_log_errors(false);
  RegexSetGroup group(opt);
  for (const auto& p : patterns) {
    std::string error;
    CAPTURE(p);
    REQUIRE(group.Add(p, &error) >= 0);
  }
  group.Compile();
  CheckGroup(group, patterns, opt, texts);
}

// Texts made of each pattern's own words, so that most patterns match
// somewhere: phrases lifted from the patterns' literal alternatives.
// The theme rules' include patterns of the shipped taxonomy (its packs' and
// other languages' rules among them), as the classifier adds them.
std::vector<std::string> ShippedRulePatterns() {
  auto taxonomy = voc::Taxonomy::LoadFile(std::string(VOC_SOURCE_DIR) + "/models/taxonomy.json");
  REQUIRE(taxonomy.ok());
  std::vector<std::string> patterns;
  for (const auto& theme : (*taxonomy)->themes())
    for (const auto& rule : theme.rules)
      for (const auto& p : rule.include) patterns.push_back(rule.case_sensitive ? p : "(?i)" + p);
  return patterns;
}

std::vector<std::string> PatternTexts(const std::vector<std::string>& patterns) {
  std::vector<std::string> out;
  for (const std::string& p : patterns) {
    std::string words;
    for (char c : p) words.push_back(std::isalpha(static_cast<unsigned char>(c)) || c == ' ' ? c : ' ');
    out.push_back("I " + words + " again and again, no one called me back!");
  }
  return out;
}

}  // namespace

TEST_CASE("FoldForAtoms lowercases ASCII and folds other letters to one form") {
  CHECK(Fold("Refund REQUESTED 42x!") == "refund requested 42x!");
  CHECK(Fold("\xC5\xBF") == "s");         // long s
  CHECK(Fold("\xE2\x84\xAA") == "k");     // Kelvin sign
  CHECK(Fold("\xCE\xA3") == "\xCF\x83");  // capital sigma -> sigma
  CHECK(Fold("\xCF\x82") == "\xCF\x83");  // final sigma -> sigma
  CHECK(Fold("\xC3\x89T\xC3\x89") == "\xC3\xA9t\xC3\xA9");
  CHECK(Fold("a\xFF"
             "b") ==
        "a\xEF\xBF\xBD"
        "b");  // a malformed byte becomes U+FFFD
  CHECK(Fold("") == "");
}

TEST_CASE("LowercaseAscii lowercases each ASCII letter, byte by byte, at every length") {
  std::mt19937 rng(11);
  for (int t = 0; t < 2000; ++t) {
    std::string text(rng() % 40, ' ');
    for (char& c : text) c = static_cast<char>(rng() % 128);
    if (t < 128) text.assign(static_cast<size_t>(t % 17 + 1), static_cast<char>(t));  // every byte
    std::string want = text;
    for (char& c : want)
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    std::string got(text.size(), '\0');
    voc::internal::LowercaseAscii(text, got.data());
    CAPTURE(text);
    CHECK(got == want);
  }
}

TEST_CASE("AtomMatcher finds exactly the atoms a plain search finds") {
  std::mt19937 rng(7);
  const std::string alphabet = "abcab \xC3\xA9-";
  auto random_string = [&](size_t max_len) {
    std::string s;
    size_t n = rng() % (max_len + 1);
    for (size_t i = 0; i < n; ++i) s.push_back(alphabet[rng() % alphabet.size()]);
    return s;
  };
  for (int round = 0; round < 200; ++round) {
    std::vector<std::string> atoms;
    const size_t count = 1 + rng() % 40;
    for (size_t i = 0; i < count; ++i)
      atoms.push_back(random_string(12));                // some longer than the table's prefix
    if (round % 5 == 0) atoms.push_back(atoms.front());  // duplicates
    AtomMatcher m(atoms);
    for (int t = 0; t < 20; ++t) {
      // Some texts span several of the scan's 4096-byte blocks.
      std::string text = random_string(t % 10 == 9 ? 9000 : 80);
      std::vector<int> want, got{-1};  // Find appends
      for (size_t i = 0; i < atoms.size(); ++i)
        if (text.find(atoms[i]) != std::string::npos) want.push_back(static_cast<int>(i));
      m.Find(text, &got);
      CAPTURE(text);
      REQUIRE(got.size() >= 1);
      CHECK(got.front() == -1);
      got.erase(got.begin());
      CHECK(got == want);
    }
  }
  // An atom that is found only across a block boundary, once.
  {
    const std::vector<std::string> atoms = {"zzzzzzzzzyq", "q", "yq"};
    AtomMatcher m(atoms);
    for (size_t at : {size_t{4090}, size_t{4094}, size_t{4095}, size_t{4096}, size_t{8185}}) {
      std::string text(9000, '-');
      text.replace(at, 11, "zzzzzzzzzyq");
      std::vector<int> got;
      m.Find(text, &got);
      CAPTURE(at);
      CHECK(got == std::vector<int>{0, 1, 2});
    }
  }
  // So many atoms that eight-byte prefixes need more states than 15-bit ids
  // number: the prefix is shortened and the rest compared.
  // `count` random atoms of 3 to 2 + `spread` letters.
  auto random_atoms = [&](int count, size_t spread) {
    std::vector<std::string> atoms;
    for (int i = 0; i < count; ++i) {
      std::string a;
      const size_t n = 3 + rng() % spread;
      for (size_t j = 0; j < n; ++j) a.push_back(static_cast<char>('a' + rng() % 26));
      atoms.push_back(a);
    }
    return atoms;
  };
  {
    const std::vector<std::string> atoms = random_atoms(20000, 8);
    AtomMatcher m(atoms);
    for (int t = 0; t < 10; ++t) {
      std::string text;
      for (int j = 0; j < 3000; ++j) text.push_back(static_cast<char>('a' + rng() % 26));
      std::vector<int> want, got;
      for (size_t i = 0; i < atoms.size(); ++i)
        if (text.find(atoms[i]) != std::string::npos) want.push_back(static_cast<int>(i));
      m.Find(text, &got);
      CHECK(want.size() > 100);
      CHECK(got == want);
    }
  }
  // Thousands of atoms and short texts holding a few of them (the found
  // atoms are sorted rather than read out of the bits), with and without
  // their occurrences.
  {
    const std::vector<std::string> atoms = random_atoms(3000, 6);
    AtomMatcher m(atoms);
    for (int t = 0; t < 300; ++t) {
      std::string text;
      for (int j = 0; j < 1 + t % 6; ++j) text += atoms[rng() % atoms.size()] + " ";
      std::vector<int> want, got, got_located;
      for (size_t i = 0; i < atoms.size(); ++i)
        if (text.find(atoms[i]) != std::string::npos) want.push_back(static_cast<int>(i));
      m.Find(text, &got);
      std::vector<AtomMatcher::Occurrence> at;
      m.Find(text, &got_located, &at, 1000);
      CAPTURE(text);
      CHECK(got == want);
      CHECK(got_located == want);
    }
  }
  AtomMatcher none(std::vector<std::string>{});
  std::vector<int> found;
  none.Find("anything", &found);
  CHECK(found.empty());
}

TEST_CASE("LiteralPrefilter keeps every random pattern that matches, across case folds") {
  std::mt19937 rng(11);
  const std::vector<std::string> words = {
      "stress", "kick", "SIGMA", "\xCF\x82ig", "refund", "ok", "\xC3\xA9t\xC3\xA9", "as", "no"};
  const std::vector<std::string> glue = {"|",     "\\s+", "[^.]{0,8}?", "(?:x|y)?",     " ",   ".*", "\\W+",
                                         "[,;] ", "-?",   "\\.",        "[^a-z ]{1,3}", "\\w*"};
  auto word = [&] { return words[rng() % words.size()]; };
  for (int round = 0; round < 60; ++round) {
    std::vector<std::string> patterns;
    for (int i = 0; i < 12; ++i) {
      std::string p = (rng() % 2 ? "(?i)" : "") + std::string(rng() % 2 ? "\\b" : "") + word();
      const int parts = static_cast<int>(rng() % 3);
      for (int k = 0; k < parts; ++k) p += glue[rng() % glue.size()] + word();
      patterns.push_back(p);
    }
    std::vector<std::string> texts;
    for (int t = 0; t < 30; ++t) {
      std::string text;
      const int n = static_cast<int>(rng() % 5);
      for (int k = 0; k < n; ++k) text += word() + (rng() % 2 ? " " : "x");
      texts.push_back(text);
    }
    CheckRandomGroup(patterns, texts);
  }
}

TEST_CASE("LiteralPrefilter keeps every random pattern that matches, across the syntax it reads") {
  // Groups, repeats, classes, flags and escapes around words with case
  // folding traps: the atoms read from the syntax must never drop a match.
  std::mt19937 rng(23);
  const std::vector<std::string> words = {"stress", "kick", "SIGMA", "\xCF\x82ig",
                                          "refund", "ok",   "as",    "fee"};
  const std::vector<std::string> glue = {
      "|",     "(?:ab|cd){2}", "(?P<n>x|yz)",  "[aeiou]",   "\\pL{0,3}", "[^\\s]{1,2}", "(?:)",
      "x{2,}", "\\x{17F}",     "[\\x{212A}k]", "(?:kick|)", "\\d{1,3}",  "\xC3\xA9?",   "(?i:Fee)s?",
      "[-.]+", "\\b",          "\\S*?",        "(?U)e+",    "[]x]",      "\\.",         " "};
  auto word = [&] { return words[rng() % words.size()]; };
  for (int round = 0; round < 40; ++round) {
    std::vector<std::string> patterns;
    for (int i = 0; i < 12; ++i) {
      std::string p = (rng() % 2 ? "(?i)" : "") + word();
      const int parts = 1 + static_cast<int>(rng() % 3);
      for (int k = 0; k < parts; ++k) p += glue[rng() % glue.size()] + (rng() % 3 ? word() : "");
      patterns.push_back(p);
    }
    std::vector<std::string> texts;
    for (int t = 0; t < 30; ++t) {
      std::string text;
      const int n = static_cast<int>(rng() % 6);
      for (int k = 0; k < n; ++k) text += word() + glue[rng() % glue.size()] + (rng() % 2 ? " " : "x");
      texts.push_back(text);
    }
    CheckRandomGroup(patterns, texts);
  }
}

// True in a build with AddressSanitizer (gcc defines the macro, clang has the feature test).
#if defined(__SANITIZE_ADDRESS__)
constexpr bool kSanitized = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kSanitized = true;
#else
constexpr bool kSanitized = false;
#endif
#else
constexpr bool kSanitized = false;
#endif

TEST_CASE("Theme rule prefilter: candidates include every matching pattern and few others") {
  const std::vector<std::string> patterns = ShippedRulePatterns();
  REQUIRE(patterns.size() > 50);
  RE2::Options opt;
  opt.set_log_errors(false);
  RegexSetGroup group(opt);
  for (const std::string& p : patterns) {
    std::string error;
    REQUIRE(group.Add(p, &error) >= 0);
  }
  group.Compile();
  // Every rule has literals to look for. (RE2 factors a common prefix out of
  // adjacent alternatives: \brma\b next to \breturn labels?\b left the
  // whole returns pattern without one, searched in every text.)
  CHECK(group.prefilter().unfiltered() == 0);
  // Every fourth bundled text: each is checked against every pattern, in
  // five variants, which is the cost of this test. Under AddressSanitizer
  // (.ci/sanitize), which looks for memory errors rather than missed
  // candidates, every sixteenth: the whole list took minutes there.
  const std::vector<std::string> bundled = BundledTexts();
  std::vector<std::string> texts;
  for (size_t i = 0; i < bundled.size(); i += kSanitized ? 16 : 4) texts.push_back(bundled[i]);
  REQUIRE(texts.size() > 30);
  double mean = CheckGroup(group, patterns, opt, texts);
  // Complaint narratives are long; still only a small share of the rules is searched.
  CHECK(mean < 0.2 * static_cast<double>(patterns.size()));
  CheckGroup(group, patterns, opt, PatternTexts(patterns));
}

// Whether folded text `folded` meets requirement `r`: its atoms looked for
// one by one, independently of the prefilter's automaton and evaluation.
bool MeetsByFind(const voc::internal::AtomRequirement& r, const std::string& folded) {
  using Op = voc::internal::AtomRequirement::Op;
  switch (r.op) {
    case Op::kAll:
      return true;
    case Op::kAtom:
      return folded.find(r.atom) != std::string::npos;
    case Op::kAnd:
      return std::all_of(r.subs.begin(), r.subs.end(), [&](const auto& s) { return MeetsByFind(s, folded); });
    case Op::kOr:
      return std::any_of(r.subs.begin(), r.subs.end(), [&](const auto& s) { return MeetsByFind(s, folded); });
  }
  return true;
}

TEST_CASE("LiteralPrefilter: the candidates are exactly the patterns whose atom requirement the text meets") {
  // Candidates evaluates only the patterns one of whose witness atoms the
  // text holds, an OR held when an atom child was found: the same set as
  // evaluating every requirement. Two groups take turns on one thread, for
  // more texts than the evaluation's one-byte marks number (they wrap).
  constexpr size_t kMinAtomBytes = 3;  // as LiteralPrefilter reads them
  RE2::Options opt;
  opt.set_log_errors(false);
  std::mt19937 rng(41);
  const std::vector<std::string> words = {"refund", "late fee", "to ", "the",
                                          "kick",   "SIGMA",    "no",  "waived"};
  const std::vector<std::string> glue = {"|", " ", "\\s+", "(?:x|yz)?", "[^.]{0,12}", "(?:kick|)", "\\w*"};
  std::vector<std::string> random_patterns;
  for (int i = 0; i < 40; ++i) {
    std::string p = (rng() % 2 ? "(?i)" : "") + std::string("(?:") + words[rng() % words.size()];
    for (int k = static_cast<int>(rng() % 4); k > 0; --k)
      p += glue[rng() % glue.size()] + words[rng() % words.size()];
    random_patterns.push_back(p + ")" + glue[rng() % glue.size()] + words[rng() % words.size()]);
  }
  const std::vector<std::string> shipped = ShippedRulePatterns();
  std::vector<std::string> texts;
  const std::vector<std::string> bundled = BundledTexts();
  for (size_t i = 0; i < bundled.size(); i += 8) texts.push_back(bundled[i]);
  for (const std::string& t : PatternTexts(shipped)) texts.push_back(t);
  for (int t = 0; t < 200; ++t) {
    std::string text;
    for (int k = static_cast<int>(rng() % 6); k > 0; --k) text += words[rng() % words.size()] + " ";
    texts.push_back(text);
  }
  REQUIRE(texts.size() > 600);
  struct Group {
    std::vector<std::string> patterns;
    std::unique_ptr<RegexSetGroup> set;
    std::vector<voc::internal::AtomRequirement> requirements;
  };
  std::vector<Group> groups(2);
  groups[0].patterns = shipped;
  groups[1].patterns = random_patterns;
  for (Group& g : groups) {
    g.set = std::make_unique<RegexSetGroup>(opt);
    for (const std::string& p : g.patterns) {
      std::string error;
      REQUIRE(g.set->Add(p, &error) >= 0);
      g.requirements.push_back(voc::internal::ReadPatternAtoms(p, kMinAtomBytes).requirement);
    }
    g.set->Compile();
  }
  size_t met = 0, unmet = 0;
  std::vector<int> candidates, want;
  for (const std::string& text : texts) {
    const std::string folded = Fold(text);
    for (const Group& g : groups) {
      g.set->Candidates(text, &candidates);
      want.clear();
      for (size_t i = 0; i < g.requirements.size(); ++i)
        if (MeetsByFind(g.requirements[i], folded)) want.push_back(static_cast<int>(i));
      CAPTURE(text);
      CHECK(candidates == want);
      met += want.size();
      unmet += g.patterns.size() - want.size();
    }
  }
  CHECK(met > 1000);  // requirements met and not, in numbers
  CHECK(unmet > 1000);
}

TEST_CASE("LiteralPrefilter: Search from every offset equals RE2 from there, the atoms located or not") {
  // The pipeline searches a rule again after each match: from there on a
  // text whose atoms are not located is searched only where a witness atom
  // occurs later. Texts that hit the rules once and twice (short ones, not
  // located, and longer ones), and bundled texts.
  const std::vector<std::string> patterns = ShippedRulePatterns();
  RE2::Options opt;
  opt.set_log_errors(false);
  RegexSetGroup group(opt);
  const std::vector<std::unique_ptr<RE2>> res = AddAll(patterns, opt, &group);
  const size_t every = kSanitized ? 16 : 4;
  std::vector<std::string> texts;
  const std::vector<std::string> hits = PatternTexts(patterns);
  for (size_t i = 0; i < hits.size(); i += every) {
    texts.push_back(hits[i].substr(0, LiteralPrefilter::kLocateBytes - 1));
    texts.push_back(hits[i] + " Then: " + hits[i]);
  }
  const std::vector<std::string> bundled = BundledTexts();
  for (size_t i = 0; i < bundled.size(); i += 2 * every) texts.push_back(bundled[i]);
  size_t short_searches = 0;
  for (const std::string& text : texts) {
    RegexSetGroup::Hits found;
    group.Candidates(text, &found);
    const re2::StringPiece in(text);
    const bool located = found.atoms.located;
    for (int i : found.candidates) {
      for (size_t pos = 1; pos <= text.size(); pos += located ? 11 : 1) {
        re2::StringPiece want, got;
        const bool w = res[static_cast<size_t>(i)]->Match(in, pos, text.size(), RE2::UNANCHORED, &want, 1);
        const bool g = group.Search(i, found, in, pos, &got);
        CAPTURE(text);
        CAPTURE(i);
        CAPTURE(pos);
        REQUIRE(g == w);
        if (w) {
          REQUIRE(got.data() == want.data());
          REQUIRE(got.size() == want.size());
        }
        short_searches += !located;
      }
    }
  }
  CHECK(short_searches > 1000);
}

TEST_CASE(
    "LiteralPrefilter: Search from every offset equals RE2 on literal-option and dot-all and optional "
    "patterns") {
  // Patterns whose scope Search cannot use (the literal option; patterns
  // every byte may appear in a match of), patterns without a requirement
  // (every text a candidate) and ones with an empty alternative, in random
  // texts of few letters where they match often: short texts (the atoms not
  // located) and long ones (located), each searched from every offset.
  struct Case {
    std::string pattern;
    bool literal;
    bool fold;  // case-insensitive
  };
  const std::vector<Case> cases = {{"foo", true, false},          {"a.b", true, false},
                                   {"FOO", true, true},           {"bar", true, true},
                                   {"x.y", true, false},          {"(ab)*", true, false},
                                   {"ob", true, false},           {"(?s)foo.*bar", false, false},
                                   {"foo.*bar", false, false},    {"(?s)f.{0,3}bar", false, false},
                                   {"(?is).oof", false, false},   {"(?s)[\\s\\S]boa", false, false},
                                   {"x.y", false, false},         {"[^a]b", false, false},
                                   {"[^a]bar", false, false},     {"[^o]{2}boa", false, false},
                                   {"a?", false, false},          {"(?:foo|)bar", false, false},
                                   {"(?:foo|)", false, false},    {"(?i)(?:foo||bar)ab", false, false},
                                   {"(?:|x|y)foo", false, false}, {"\\bfoo\\b", false, true},
                                   {"(?m)^bar$", false, false},   {"(?s)foo.*", false, false}};
  LiteralPrefilter prefilter;
  std::vector<std::unique_ptr<RE2>> res;
  for (const Case& c : cases) {
    RE2::Options o;
    o.set_log_errors(false);
    o.set_literal(c.literal);
    o.set_case_sensitive(!c.fold);
    std::string error;
    CAPTURE(c.pattern);
    REQUIRE(prefilter.Add(c.pattern, o, &error) == static_cast<int>(res.size()));
    res.push_back(std::make_unique<RE2>(c.pattern, o));
    REQUIRE(res.back()->ok());
  }
  prefilter.Compile();
  // Letters of the patterns, whole atoms, separators, and a letter that
  // folds to as many bytes (É); in every eighth text one that does not
  // (KELVIN SIGN: the folded text's offsets differ, so no witness check).
  const std::vector<std::string> pieces = {"a", "b",   "o",   "f",   "r",   "x",   "y",   "A",
                                           "B", "O",   "F",   " ",   ".",   "\n",  "(",   ")",
                                           "*", "foo", "bar", "BAR", "boa", "a.b", "x.y", "\xC3\x89"};
  std::mt19937 rng(11);
  const int rounds = kSanitized ? 100 : 800;
  size_t searches[2][2] = {};  // [located][found]
  LiteralPrefilter::TextAtoms atoms;
  std::vector<int> candidates;
  for (int round = 0; round < rounds; ++round) {
    // Every fourth text long enough to locate its atoms.
    const size_t length = round % 4 == 3 ? LiteralPrefilter::kLocateBytes + rng() % 120 : rng() % 90;
    std::string text;
    while (text.size() < length) text += pieces[rng() % pieces.size()];
    if (round % 8 == 5) text.insert(text.size() / 2, "\xE2\x84\xAA");
    prefilter.Candidates(text, &candidates, &atoms);
    REQUIRE(atoms.located == (text.size() >= LiteralPrefilter::kLocateBytes));
    const re2::StringPiece in(text);
    CAPTURE(text);
    for (size_t i = 0; i < cases.size(); ++i) {
      const bool candidate = std::binary_search(candidates.begin(), candidates.end(), static_cast<int>(i));
      CAPTURE(cases[i].pattern);
      for (size_t pos = 0; pos <= text.size(); ++pos) {
        re2::StringPiece want, got;
        const bool w = res[i]->Match(in, pos, text.size(), RE2::UNANCHORED, &want, 1);
        CAPTURE(pos);
        REQUIRE((candidate || !w));
        if (!candidate) continue;  // the pipeline searches candidates only
        const bool g = prefilter.Search(static_cast<int>(i), atoms, in, pos, &got);
        REQUIRE(g == w);
        if (w) {
          REQUIRE(got.data() == want.data());
          REQUIRE(got.size() == want.size());
        }
        ++searches[atoms.located][w];
      }
    }
  }
  // Both outcomes, in texts located and not.
  CHECK(searches[0][0] > 1000);
  CHECK(searches[0][1] > 1000);
  CHECK(searches[1][0] > 1000);
  CHECK(searches[1][1] > 1000);
}

TEST_CASE("Signal cue prefilter: candidates include every matching cue") {
  RE2::Options opt = voc::internal::SignalCueOptions();
  RegexSetGroup group(opt);
  std::vector<std::string> patterns = voc::internal::BuiltinSignalCuePatterns();
  REQUIRE(patterns.size() > 20);
  for (const auto& p : patterns) {
    std::string error;
    REQUIRE(group.Add(p, &error) >= 0);
  }
  group.Compile();
  std::vector<std::string> texts = BundledTexts();
  double mean = CheckGroup(group, patterns, opt, texts);
  CHECK(mean < 0.3 * static_cast<double>(patterns.size()));
  CheckGroup(group, patterns, opt, PatternTexts(patterns));
}

TEST_CASE("Profanity gate: every text the profanity pattern matches is a candidate") {
  const RE2::Options opt = voc::internal::SignalCueOptions();
  RE2 profanity(voc::internal::ProfanityPattern(), opt);
  RE2 gate(voc::internal::ProfanityGatePattern(), opt);
  REQUIRE(profanity.ok());
  REQUIRE(gate.ok());
  RegexSetGroup group(opt);
  std::string error;
  REQUIRE(group.Add(voc::internal::ProfanityGatePattern(), &error) == 0);
  group.Compile();
  CHECK(group.prefilter().unfiltered() == 0);

  std::vector<std::string> texts = BundledTexts();
  const size_t bundled = texts.size();
  for (const char* t :
       {"FUUUCK this",  "ffffuuuccckkk", "what the f**k", "f*****k off", "sh1tty",      "BullShit",
        "motherfucker", "goddamnit",     "ASSHOLES",      "arsehole",    "bitches",     "bastard",
        "WTF",          "stfu",          "pissed",        "dickheads",   "screwed you", "effing",
        "frigging",     "freaking",      "crappy",        "damned",      "fuk",         "f*ck"})
    texts.push_back(t);
  // The hardest branches (f+u+c+k+, f\*+k, sh[i1]t) with random repeats,
  // cases and neighbours, and near misses with one letter dropped.
  std::mt19937 rng(11);
  const std::vector<std::string> shapes = {"fuck", "f*k", "shit", "sh1t"};
  const std::string neighbours = " x_1.!";
  for (int i = 0; i < 20000; ++i) {
    const std::string& shape = shapes[rng() % shapes.size()];
    const size_t drop = rng() % 4 == 0 ? rng() % shape.size() : shape.size();
    std::string t(1, neighbours[rng() % neighbours.size()]);
    for (size_t k = 0; k < shape.size(); ++k) {
      if (k == drop) continue;
      char c = shape[k];
      if (rng() % 3 == 0) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      t.append(1 + rng() % 3, c);
    }
    t.push_back(neighbours[rng() % neighbours.size()]);
    texts.push_back(t);
  }
  size_t profane = 0, gated_bundled = 0;
  std::vector<int> candidates;
  for (size_t i = 0; i < texts.size(); ++i) {
    for (const std::string& text : Variants(texts[i])) {
      group.Candidates(text, &candidates);
      const bool candidate = !candidates.empty();
      if (candidate && i < bundled) ++gated_bundled;
      if (RE2::PartialMatch(text, profanity)) {
        ++profane;
        CAPTURE(text);
        CHECK(RE2::PartialMatch(text, gate));
        CHECK(candidate);
      }
    }
  }
  CHECK(profane > 1000);
  // The gate lets through a minority of the bundled texts (four variants each).
  CHECK(gated_bundled < bundled * 4 / 2);
}

TEST_CASE("SignalDetector: profanity counts equal a search on every text") {
  auto detector = voc::SignalDetector::Create();
  REQUIRE(detector.ok());
  RE2 profanity(voc::internal::ProfanityPattern(), voc::internal::SignalCueOptions());
  REQUIRE(profanity.ok());
  size_t profane_texts = 0;
  for (const std::string& base : BundledTexts()) {
    for (const std::string& text : Variants(base)) {
      uint32_t expected = 0;
      re2::StringPiece in(text), m;
      for (size_t pos = 0;
           pos < text.size() && profanity.Match(in, pos, text.size(), RE2::UNANCHORED, &m, 1);) {
        ++expected;
        const size_t b = static_cast<size_t>(m.data() - text.data());
        pos = b + std::max<size_t>(m.size(), 1);
      }
      if (expected > 0) ++profane_texts;
      CAPTURE(text);
      CHECK((*detector)->Detect(text).profanity == expected);
    }
  }
  CHECK(profane_texts > 10);
}

TEST_CASE("LiteralPrefilter: an empty group has no candidates; an invalid pattern is refused") {
  LiteralPrefilter empty;
  empty.Compile();
  std::vector<int> c{3};
  empty.Candidates("text", &c);
  CHECK(c.empty());
  LiteralPrefilter bad;
  std::string error;
  RE2::Options opt;
  CHECK(bad.Add("(unclosed", opt, &error) == -1);
  CHECK(error.find("missing )") != std::string::npos);
}

TEST_CASE("LiteralPrefilter gives the same candidates on concurrent threads") {
  RE2::Options opt;
  opt.set_log_errors(false);
  RegexSetGroup group(opt);
  std::vector<std::string> patterns = voc::internal::BuiltinSignalCuePatterns();
  for (const auto& p : patterns) {
    std::string error;
    REQUIRE(group.Add(p, &error) >= 0);
  }
  group.Compile();
  std::vector<std::string> texts = PatternTexts(patterns);
  std::vector<std::vector<int>> want(texts.size());
  for (size_t i = 0; i < texts.size(); ++i) group.Candidates(texts[i], &want[i]);
  std::vector<int> mismatches(4, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      std::vector<int> got;
      for (int rep = 0; rep < 20; ++rep)
        for (size_t i = 0; i < texts.size(); ++i) {
          group.Candidates(texts[i], &got);
          if (got != want[i]) ++mismatches[static_cast<size_t>(t)];
        }
    });
  for (auto& th : threads) th.join();
  CHECK(mismatches == std::vector<int>(4, 0));
}

TEST_CASE(
    "LiteralPrefilter: Search on concurrent threads (each pattern's scope built on first use) agrees with "
    "RE2") {
  RE2::Options opt = voc::internal::SignalCueOptions();
  RegexSetGroup group(opt);
  std::vector<std::string> patterns = voc::internal::BuiltinSignalCuePatterns();
  const std::vector<std::unique_ptr<RE2>> res = AddAll(patterns, opt, &group);
  // Long texts, so that the atoms are located and every search goes
  // through the scopes, which the threads build concurrently.
  std::vector<std::string> texts;
  for (const std::string& t : PatternTexts(patterns)) {
    std::string text = t;
    while (text.size() < LiteralPrefilter::kLocateBytes + 40) text += " Then, " + t;
    texts.push_back(text);
  }
  std::vector<int> mismatches(4, 0), located(4, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      RegexSetGroup::Hits hits;
      for (size_t k = 0; k < texts.size(); ++k) {
        const std::string& text = texts[(k + static_cast<size_t>(t) * 7) % texts.size()];
        group.Candidates(text, &hits);
        located[static_cast<size_t>(t)] += hits.atoms.located;
        const re2::StringPiece in(text);
        for (size_t i = 0; i < res.size(); ++i) {
          re2::StringPiece want, got;
          const bool w = res[i]->Match(in, 0, text.size(), RE2::UNANCHORED, &want, 1);
          const bool g = group.Search(static_cast<int>(i), hits, in, 0, &got);
          if (g != w || (w && (got.data() != want.data() || got.size() != want.size())))
            ++mismatches[static_cast<size_t>(t)];
        }
      }
    });
  for (auto& th : threads) th.join();
  CHECK(mismatches == std::vector<int>(4, 0));
  CHECK(located == std::vector<int>(4, static_cast<int>(texts.size())));
}

TEST_CASE("LiteralPrefilter: a text with more atom occurrences than it keeps is searched whole") {
  RE2::Options opt;
  opt.set_log_errors(false);
  RegexSetGroup group(opt);
  std::string error;
  REQUIRE(group.Add("(?i)\\blate fees?\\b", &error) == 0);
  group.Compile();
  std::string text = "A fee, ";
  while (text.size() < 12 * LiteralPrefilter::kMaxLocated) text += "late fee, ";
  RegexSetGroup::Hits hits;
  group.Candidates(text, &hits);
  CHECK_FALSE(hits.atoms.located);
  CHECK(hits.atoms.at.capacity() == 0);  // nothing kept
  CHECK(hits.candidates == std::vector<int>{0});
  re2::StringPiece m;
  REQUIRE(group.Search(0, hits, text, 0, &m));
  CHECK(m.data() == text.data() + 7);
  CHECK(m.size() == 8);
  // A shorter text of the same words is located and gives the same match.
  const std::string shorter = text.substr(0, 600);
  group.Candidates(shorter, &hits);
  CHECK(hits.atoms.located);
  REQUIRE(group.Search(0, hits, shorter, 0, &m));
  CHECK(m.data() == shorter.data() + 7);
  CHECK(m.size() == 8);
}

TEST_CASE("FlatStringMap agrees with std::unordered_map on random keys") {
  std::mt19937 rng(3);
  std::vector<std::string> keys;
  for (int i = 0; i < 5000; ++i) {
    std::string k;
    const size_t n = rng() % 20;  // includes the empty key and lengths across 8-byte words
    for (size_t j = 0; j < n; ++j) k.push_back(static_cast<char>('a' + rng() % 6));
    keys.push_back(k);
  }
  voc::internal::FlatStringMap<int> flat;
  std::unordered_map<std::string_view, int> reference;
  for (size_t i = 0; i < keys.size() / 2; ++i) {
    auto [slot, inserted] = flat.emplace(keys[i], static_cast<int>(i));
    CHECK(inserted == reference.emplace(keys[i], static_cast<int>(i)).second);
    CHECK(flat.key(*slot) == keys[i]);
  }
  flat["extra"] += 7;
  reference["extra"] += 7;
  CHECK(flat.size() == reference.size());
  for (const std::string& k : keys) {
    auto* got = flat.find(k);
    auto want = reference.find(k);
    CAPTURE(k);
    REQUIRE((got != flat.end()) == (want != reference.end()));
    if (got != flat.end()) CHECK(got->second == want->second);
  }
  CHECK(flat.find("extra")->second == 7);
  voc::internal::FlatStringMap<int> empty;
  CHECK(empty.find("x") == empty.end());
}

namespace {

// Compares the UTF-8 form of every pattern of `group` with its Latin-1 form
// on `text` (all ASCII) and with its lowered form (when it has one) on the
// text lowercased, from every offset up to the last match; returns the
// number of matches compared.
size_t CompareForms(const RegexSetGroup& group, const std::vector<int>& which, const std::string& text) {
  const re2::StringPiece in(text);
  std::string lower = text;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const re2::StringPiece lowered_in(lower);
  size_t matches = 0;
  for (int i : which) {
    const RE2* latin1 = group.prefilter().latin1_regex(i);
    if (latin1 == nullptr) continue;
    const RE2* lowered = group.prefilter().lowered_regex(i);
    const RE2& utf8 = group.regex(i);
    for (size_t pos = 0; pos <= text.size(); ++pos) {
      re2::StringPiece a, b, c;
      const bool fa = utf8.Match(in, pos, text.size(), RE2::UNANCHORED, &a, 1);
      const bool fb = latin1->Match(in, pos, text.size(), RE2::UNANCHORED, &b, 1);
      INFO("pattern " << utf8.pattern() << " text '" << text << "' from " << pos);
      REQUIRE(fa == fb);
      if (lowered != nullptr) {
        INFO("lowered " << lowered->pattern());
        REQUIRE(lowered->Match(lowered_in, pos, text.size(), RE2::UNANCHORED, &c, 1) == fa);
        if (fa) {
          REQUIRE(c.data() - lower.data() == a.data() - text.data());
          REQUIRE(c.size() == a.size());
        }
      }
      if (!fa) break;  // none from here on
      REQUIRE(a.data() == b.data());
      REQUIRE(a.size() == b.size());
      ++matches;
    }
  }
  return matches;
}

// Random ASCII texts of pattern `p`'s words (in three casings), common words,
// digits and punctuation.
std::vector<std::string> RandomAsciiTexts(const std::string& p, std::mt19937* rng, int n) {
  static const char* const kCommon[] = {"the", "my", "a",  "I",  "not", "no", "and", "to", "it", "was",
                                        "k",   "s",  "ss", "KS", "x",   "99", "$",   "%",  "@",  "#"};
  static const char* const kGaps[] = {" ", " ", " ", ", ", ". ", "! ", "?", "\n", "-", "'", "/", "  ", ""};
  std::vector<std::string> words;
  std::string w;
  for (char c : p + " ") {
    if (std::isalpha(static_cast<unsigned char>(c))) {
      w.push_back(c);
    } else if (!w.empty()) {
      words.push_back(w);
      std::string upper = w;
      for (char& u : upper) u = static_cast<char>(std::toupper(static_cast<unsigned char>(u)));
      words.push_back(upper);
      upper[0] = w[0];
      words.push_back(std::string(1, static_cast<char>(std::toupper(static_cast<unsigned char>(w[0])))) +
                      w.substr(1));
      w.clear();
    }
  }
  for (const char* c : kCommon) words.push_back(c);
  std::uniform_int_distribution<size_t> word(0, words.size() - 1), gap(0, std::size(kGaps) - 1);
  std::vector<std::string> out;
  for (int t = 0; t < n; ++t) {
    std::string text;
    for (int k = 0; k < 2 + t % 12; ++k) text += words[word(*rng)] + kGaps[gap(*rng)];
    out.push_back(text);
  }
  return out;
}

// Checks CompareForms for every pattern of a group of `patterns` with
// `options`, on random texts of each pattern's words and on the bundled
// texts that are all ASCII; `min_latin1` of the patterns must have a
// Latin-1 form, `min_lowered` a lowered one.
void CheckLatin1Forms(const std::vector<std::string>& patterns, const RE2::Options& options,
                      double min_latin1, double min_lowered) {
  RegexSetGroup group(options);
  for (const auto& p : patterns) {
    std::string error;
    REQUIRE(group.Add(p, &error) >= 0);
  }
  group.Compile();
  size_t with_latin1 = 0, rewritten = 0, with_lowered = 0;
  for (int i = 0; i < group.size(); ++i) {
    const std::string& p = patterns[static_cast<size_t>(i)];
    if (group.prefilter().lowered_regex(i) != nullptr) ++with_lowered;
    if (group.prefilter().latin1_regex(i) == nullptr) continue;
    ++with_latin1;
    if (!voc::internal::IsAsciiBytes(p)) ++rewritten;
  }
  CHECK(static_cast<double>(with_latin1) >= min_latin1 * static_cast<double>(patterns.size()));
  CHECK(static_cast<double>(with_lowered) >= min_lowered * static_cast<double>(patterns.size()));
  MESSAGE(with_latin1 << " of " << patterns.size() << " patterns with a Latin-1 form, " << rewritten
                      << " of them rewritten; " << with_lowered << " with a lowered form");
  std::mt19937 rng(17);
  size_t random_matches = 0, real_matches = 0;
  for (int i = 0; i < group.size(); ++i)
    for (const std::string& text : RandomAsciiTexts(patterns[static_cast<size_t>(i)], &rng, 40))
      random_matches += CompareForms(group, {i}, text);
  const std::vector<std::string> bundled = BundledTexts();
  RegexSetGroup::Hits hits;
  size_t real = 0;
  for (size_t t = 0; t < bundled.size(); t += kSanitized ? 8 : 2) {
    const std::string& text = bundled[t];
    if (!voc::internal::IsAsciiBytes(text)) continue;
    group.Candidates(text, &hits);  // (a pattern that is no candidate matches nowhere)
    real_matches += CompareForms(group, hits.candidates, text);
    ++real;
  }
  CHECK(real > 20);
  // The texts exercise the patterns: a random text of its words matches
  // most patterns, and the real texts match some from many offsets.
  CHECK(random_matches > 10 * patterns.size());
  CHECK(real_matches > 200);
}

}  // namespace

// Search runs the Latin-1 form of an ASCII pattern on ASCII bytes (a whole
// ASCII text, or the ASCII region around an atom in another text): that
// form must match exactly where the UTF-8 form does, from any offset.
TEST_CASE("Theme rules: on ASCII texts the Latin-1 form of each pattern finds what the UTF-8 form finds") {
  CheckLatin1Forms(ShippedRulePatterns(), voc::internal::GroupPatternOptions(), 0.75, 0.75);
}

TEST_CASE("Signal cues: on ASCII texts the Latin-1 form of each cue finds what the UTF-8 form finds") {
  CheckLatin1Forms(voc::internal::BuiltinSignalCuePatterns(), voc::internal::SignalCueOptions(), 0.95, 0.95);
}

// Which form Search uses: Latin-1 only for an ASCII pattern on ASCII bytes.
// The UTF-8 form is what matches KELVIN SIGN for (?i)k; an ASCII region of a
// text with such letters elsewhere is still searched in Latin-1, with the
// same matches (the non-ASCII byte before it is no word byte to \b).
TEST_CASE("LiteralPrefilter: Search uses the Latin-1 form on ASCII bytes only") {
  RE2::Options opt;
  opt.set_log_errors(false);
  RegexSetGroup group(opt);
  std::string error;
  REQUIRE(group.Add("(?i)\\bkick(?:ed)? back\\b", &error) == 0);
  REQUIRE(group.Add("(?i)caf\xC3\xA9 latte", &error) == 1);  // rewritten for Latin-1
  REQUIRE(group.Add("(?i)\\bcash\\x{212A}", &error) == 2);   // no Latin-1 form
  group.Compile();
  const LiteralPrefilter& prefilter = group.prefilter();
  CHECK(prefilter.latin1_regex(1) != nullptr);
  CHECK(prefilter.latin1_regex(2) == nullptr);
  RegexSetGroup::Hits hits;
  re2::StringPiece m;
  // A short ASCII text: the Latin-1 form alone is compiled.
  const std::string ascii = "They said KICKED BACK, then kick back.";
  group.Candidates(ascii, &hits);
  CHECK(hits.atoms.ascii);
  REQUIRE(group.Search(0, hits, ascii, 0, &m));
  CHECK(m == "KICKED BACK");
  CHECK_FALSE(prefilter.compiled(0));
  REQUIRE(group.Search(0, hits, ascii, 12, &m));
  CHECK(m == "kick back");
  CHECK_FALSE(prefilter.compiled(0));
  // A short text with KELVIN SIGN: searched whole, in UTF-8.
  const std::string kelvin =
      "They KIC\xE2\x84\xAA"
      "ED BACK.";
  group.Candidates(kelvin, &hits);
  CHECK_FALSE(hits.atoms.ascii);
  REQUIRE(group.Search(0, hits, kelvin, 0, &m));
  CHECK(m ==
        "KIC\xE2\x84\xAA"
        "ED BACK");
  CHECK(prefilter.compiled(0));
  CHECK(prefilter.latin1_regex(0)->Match(kelvin, 0, kelvin.size(), RE2::UNANCHORED, nullptr, 0) == false);
  // A long text with non-ASCII bytes in some of the regions around the
  // atoms (searched in UTF-8) and not in others (in Latin-1): the matches
  // are the UTF-8 form's. (KELVIN SIGN would fold to fewer bytes, and a
  // text whose offsets move is searched whole.)
  std::string text =
      "\xC3\xA9"
      "kicked back then ";
  while (text.size() < LiteralPrefilter::kLocateBytes + 600) text += "nothing to see here, ";
  text += "KICKED back, \xC3\xA9kick back and kick backs, kick back";
  group.Candidates(text, &hits);
  REQUIRE(hits.atoms.located);
  const RE2& utf8 = group.regex(0);
  const re2::StringPiece in(text);
  size_t pos = 0, found = 0;
  for (; pos <= text.size(); ++found) {
    re2::StringPiece want;
    const bool w = utf8.Match(in, pos, text.size(), RE2::UNANCHORED, &want, 1);
    REQUIRE(group.Search(0, hits, in, pos, &m) == w);
    if (!w) break;
    CHECK(m.data() == want.data());
    CHECK(m.size() == want.size());
    pos = static_cast<size_t>(want.data() - text.data()) + want.size();
  }
  CHECK(found == 4);  // the one after e-acute, KICKED, the next after e-acute, the last
  // The rewritten pattern finds its non-ASCII letters (in UTF-8).
  const std::string latte = "one CAF\xC3\x89 LATTE please";
  group.Candidates(latte, &hits);
  REQUIRE(group.Search(1, hits, latte, 0, &m));
  CHECK(m == "CAF\xC3\x89 LATTE");
  const std::string cash = "cash\xE2\x84\xAA and cashk";
  group.Candidates(cash, &hits);
  REQUIRE(group.Search(2, hits, cash, 0, &m));
  CHECK(m == "cash\xE2\x84\xAA");
  REQUIRE(group.Search(2, hits, cash, 4, &m));
  CHECK(m == "cashk");
}

// Latin1SearchPattern writes a non-ASCII character as \x{FF} only where the
// rewritten pattern matches ASCII text as the original does.
TEST_CASE("Latin1SearchPattern: non-ASCII characters as one non-ASCII character, or no form") {
  using voc::internal::Latin1SearchPattern;
  CHECK(Latin1SearchPattern("(?i)\\bkick back\\b") == "(?i)\\bkick back\\b");
  CHECK(Latin1SearchPattern("do ?n[o'\xE2\x80\x99]?t") == "do ?n[o'\\x{FF}]?t");
  CHECK(Latin1SearchPattern("caf\xC3\xA9s? \xE2\x80\x9C") == "caf\\x{FF}s? \\x{FF}");
  CHECK(Latin1SearchPattern("[a-\xC3\xA9]").empty());          // a range endpoint
  CHECK(Latin1SearchPattern("[\xC3\xA0-\xC3\xBF]x").empty());  // a range endpoint
  CHECK(Latin1SearchPattern("(?i)ca\xC5\xBF"
                            "e")
            .empty());  // LONG S folds to s
  CHECK(Latin1SearchPattern("(?i)\xE2\x84\xAA"
                            "elvin")
            .empty());                                      // KELVIN SIGN folds to k
  CHECK(Latin1SearchPattern("\\Qcaf\xC3\xA9\\E").empty());  // quoted
  CHECK(Latin1SearchPattern("caf\xC3").empty());            // malformed
  // The two are the only characters outside ASCII whose case fold (the
  // one RE2's (?i) uses, Unicode's simple folding) is ASCII.
  std::vector<UChar32> to_ascii;
  for (UChar32 c = 0x80; c <= 0x10FFFF; ++c)
    if (u_foldCase(c, U_FOLD_CASE_DEFAULT) < 0x80) to_ascii.push_back(c);
  CHECK(to_ascii == std::vector<UChar32>{0x17F, 0x212A});
  // What the rewritten forms match on ASCII text, from every offset, is
  // what the UTF-8 originals match.
  const std::vector<std::string> patterns = {
      "(?i)\\b(?:does|did) ?n[o'\xE2\x80\x99]?t (?:arrive|work)\\b",
      "(?i)[^\xE2\x80\x99\xE2\x80\x98]{2}\\b(?:wait\\w*)\xE2\x80\x99?s\\b",
      "(?i)\\bna[i\xC3\xAF]ve\\b|\\bcaf\xC3\xA9|\\bcafe\\b", "(?i)\\b(?:\xC3\xA9t\xC3\xA9|ete)\\b.",
      "[^\xC3\xA9]+\xC3\xA9*x"};
  RE2::Options opt;
  opt.set_log_errors(false);
  RegexSetGroup group(opt);
  for (const auto& p : patterns) {
    std::string error;
    REQUIRE(group.Add(p, &error) >= 0);
  }
  group.Compile();
  std::mt19937 rng(3);
  size_t matches = 0;
  for (int i = 0; i < group.size(); ++i) {
    REQUIRE(group.prefilter().latin1_regex(i) != nullptr);
    for (const std::string& text : RandomAsciiTexts(
             "does didnt dont doesn't did not arrive work wait waiting waits naive cafe ete x", &rng, 200))
      matches += CompareForms(group, {i}, text);
  }
  CHECK(matches > 200);
}

TEST_CASE("FlatStringMap: a key's hash reads its own bytes only") {
  // Keys of every length up to 24 taken from buffers whose bytes after the
  // key differ: the hash depends on the key alone, and a change of any one
  // byte of the key changes it.
  std::mt19937 rng(5);
  for (size_t n = 0; n <= 24; ++n) {
    CAPTURE(n);
    std::string a(n + 8, 'a'), b(n + 8, 'b');
    for (size_t k = 0; k < n; ++k) a[k] = b[k] = static_cast<char>(rng());
    const std::string_view ka(a.data(), n), kb(b.data(), n);
    CHECK(voc::internal::HashBytes(ka) == voc::internal::HashBytes(kb));
    for (size_t k = 0; k < n; ++k) {
      std::string c(ka);
      c[k] = static_cast<char>(c[k] ^ 0x20);
      CHECK(voc::internal::HashBytes(c) != voc::internal::HashBytes(ka));
    }
  }
}

TEST_CASE("LiteralPrefilter: Search within the match bounds of each atom equals a search of the whole text") {
  // Patterns whose matches are short (in bytes, or in separators around
  // \w+) and need atoms of two parts; texts where the parts occur far apart,
  // close together, across a sentence end, and at the edges.
  const std::vector<std::string> patterns = {
      "(?i)\\bno (?:\\w+ ){0,2}(?:manual|charger)s?\\b",
      "\\b(?:late|annual) fees?\\b[^.!?\\n]{0,20}?\\b(?:waived|refunded)\\b",
      "(?i)\\b(?:charged|billed)\\w* (?:me )?twice\\b",
      "\\b(?:called|phoned)\\b[^.!?\\n]{0,40}?(?:,|\\band\\b) ?(?:called|wrote)\\b"};
  RE2::Options opt;
  opt.set_log_errors(false);
  RegexSetGroup group(opt);
  const std::vector<std::unique_ptr<RE2>> res = AddAll(patterns, opt, &group);
  const std::vector<std::string> pieces = {
      "There was no manual in the box",
      "no printed paper user manual",
      "no manual",
      "No, the charger",
      "the late fee was finally waived",
      "a late fee that the bank, after weeks, waived",
      "late fees were not waived. Waived",
      "they charged me twice",
      "BILLEDDD twice",
      "charged me again twice",
      "I called them, and wrote",
      "I phoned and phoned and called",
      "called the bank many many many many many many times and then I wrote",
      "words words words words words words",
      "caf\xC3\xA9 manual"};
  std::mt19937 rng(7);
  std::vector<int> all(patterns.size());
  for (size_t i = 0; i < all.size(); ++i) all[i] = static_cast<int>(i);
  size_t located = 0;
  for (int round = 0; round < 300; ++round) {
    std::string text;
    while (text.size() < LiteralPrefilter::kLocateBytes + 100) {
      text += pieces[rng() % pieces.size()];
      text += rng() % 3 == 0 ? ". " : " ";
    }
    CAPTURE(text);
    located += CheckSearch(group, res, all, text);
  }
  CHECK(located == 300);
}

// LowercaseSearchPattern lowers the letters of a case-insensitive ASCII
// pattern, adds to each class the lower-case letters of its upper-case ones
// (negated or not), and gives nothing for what it does not read.
TEST_CASE("LowercaseSearchPattern: a case-insensitive pattern for lowercased text, or none") {
  using voc::internal::LowercaseSearchPattern;
  CHECK(LowercaseSearchPattern("(?i)\\bLate Fees?\\b", false) == "\\blate fees?\\b");
  CHECK(LowercaseSearchPattern("\\bKick(?:ED)? back\\W", true) == "\\bkick(?:ed)? back\\W");
  CHECK(LowercaseSearchPattern("(?i)[^A-Z]", false) == "[^A-Za-z]");
  CHECK(LowercaseSearchPattern("(?i)[A-z]x", false) == "[A-za-z]x");
  CHECK(LowercaseSearchPattern("(?i)[]a-cX-]", false) == "[\\]a-cX\\-x]");
  CHECK(LowercaseSearchPattern("(?i)[\\w.\\-Q]{2,3}", false) == "[\\w\\.\\-Qq]{2,3}");
  CHECK(LowercaseSearchPattern("(?i)(?P<Name>A|b)\\.$", false) == "(?P<Name>a|b)\\.$");
  CHECK(LowercaseSearchPattern("(?i)a[\\n\\t]", false) == "a[\n\t]");
  CHECK(LowercaseSearchPattern("(?i)Don['\\x{FF}]?T \\x{FF}", false) == "don[\\'\\x{FF}]?t \\x{FF}");
  CHECK(LowercaseSearchPattern("Fee", false).empty());  // case-sensitive
  CHECK(LowercaseSearchPattern("(?i)\\x41", false).empty());
  CHECK(LowercaseSearchPattern("(?i)\\101", false).empty());
  CHECK(LowercaseSearchPattern("(?i)\\pLee", false).empty());
  CHECK(LowercaseSearchPattern("(?i)\\QFee\\E", false).empty());
  CHECK(LowercaseSearchPattern("(?i)a(?-i:B)", false).empty());
  CHECK(LowercaseSearchPattern("(?i)a(?s).", false).empty());
  CHECK(LowercaseSearchPattern("(?i)[[:upper:]]", false).empty());
  CHECK(LowercaseSearchPattern("(?i)caf\xC3\xA9", false).empty());
  CHECK(LowercaseSearchPattern("(?i)\\C", false).empty());
}

// Random case-insensitive patterns over the syntax LowercaseSearchPattern
// reads (ranges with letters on either side or both, negated classes, Perl
// classes, \b, repeats, groups) on random ASCII texts of few bytes: each
// lowered form matches the lowercased text where the UTF-8 form matches the
// text, and Search (short texts whole, long ones around atoms) gives RE2's
// matches.
TEST_CASE("LiteralPrefilter: the lowered form of random patterns finds what the UTF-8 form finds") {
  std::mt19937 rng(29);
  const std::string ends = "09AMZ[^_`amz-. ";  // range endpoints, in ASCII order when sorted
  auto class_char = [](char c) {
    return std::string(std::isalnum(static_cast<unsigned char>(c)) ? "" : "\\") + c;
  };
  auto random_class = [&] {
    std::string c = rng() % 3 == 0 ? "[^" : "[";
    const int items = 1 + static_cast<int>(rng() % 3);
    for (int k = 0; k < items; ++k) {
      switch (rng() % 4) {
        case 0:
          c += std::string("\\") + "wWdDsS"[rng() % 6];
          break;
        case 1:
          c += class_char(ends[rng() % ends.size()]);
          break;
        default: {
          char lo = ends[rng() % ends.size()], hi = ends[rng() % ends.size()];
          if (lo > hi) std::swap(lo, hi);
          c += class_char(lo) + "-" + class_char(hi);
        }
      }
    }
    return c + "]";
  };
  const std::vector<std::string> atoms = {"Fee", "fEE", "Kick", "ab",  "Z",      "q",   ".",
                                          "-",   "\\.", "\\w",  "\\W", "\\b",    "\\B", "\\s",
                                          "\\S", "\\d", "\\D",  ".",   "\\x{FF}"};
  auto element = [&]() -> std::string {
    std::string e;
    switch (rng() % 4) {
      case 0:
        e = random_class();
        break;
      case 1:
        e = "(?:" + atoms[rng() % atoms.size()] + "|" + random_class() + ")";
        break;
      default:
        e = atoms[rng() % atoms.size()];
    }
    static const char* const kRepeat[] = {"", "", "", "?", "*", "+", "{1,3}", "+?"};
    return e + kRepeat[rng() % std::size(kRepeat)];
  };
  std::vector<std::string> patterns;
  for (int i = 0; i < 300; ++i) {
    std::string p = i % 4 == 0 ? "(?i)^" : "(?i)";
    const int n = 1 + static_cast<int>(rng() % 4);
    for (int k = 0; k < n; ++k) p += element();
    patterns.push_back(p);
  }
  RE2::Options opt;
  opt.set_log_errors(false);
  RegexSetGroup group(opt);
  const std::vector<std::unique_ptr<RE2>> res = AddAll(patterns, opt, &group);
  size_t lowered = 0;
  for (int i = 0; i < group.size(); ++i) lowered += group.prefilter().lowered_regex(i) != nullptr;
  CHECK(lowered == patterns.size());
  const std::string bytes = "aAbBeEfFkKqQzZmM09_[]^`-. \n!";
  auto random_text = [&](size_t n) {
    std::string t;
    for (size_t k = 0; k < n; ++k) t.push_back(bytes[rng() % bytes.size()]);
    return t;
  };
  std::vector<int> all(patterns.size());
  for (size_t i = 0; i < all.size(); ++i) all[i] = static_cast<int>(i);
  size_t matches = 0;
  for (int t = 0; t < 60; ++t) matches += CompareForms(group, all, random_text(rng() % 24));
  CHECK(matches > 10000);
  size_t located = 0;
  for (int t = 0; t < 20; ++t) {
    const std::string text = random_text(t % 2 ? 40 : LiteralPrefilter::kLocateBytes + 200);
    CAPTURE(text);
    located += CheckSearch(group, res, all, text);
  }
  CHECK(located == 10);
  // Non-ASCII characters around ASCII runs: the lowered form searches the
  // folded copy's ASCII windows where folding keeps the offsets (é, É, ß, €,
  // an emoji), today's forms where it moves them (İ, the Kelvin sign, a stray
  // or cut byte), with non-ASCII neighbours on either side for \b.
  const std::vector<std::string> kept = {"\xC3\xA9", "\xC3\x89", "\xC3\x9F", "\xE2\x82\xAC",
                                         "\xF0\x9F\x98\x80"};
  const std::vector<std::string> moved = {"\xC4\xB0", "\xE2\x84\xAA", "\xFF", "\xC3"};
  size_t mixed = 0;
  for (int t = 0; t < 20; ++t) {
    std::string text;
    const size_t n = t % 2 ? 40 : LiteralPrefilter::kLocateBytes + 200;
    while (text.size() < n) {
      if (rng() % 5 == 0)
        text += t % 4 == 2 ? moved[rng() % moved.size()] : kept[rng() % kept.size()];
      else
        text += random_text(1 + rng() % 6);
    }
    CAPTURE(text);
    mixed += CheckSearch(group, res, all, text);
  }
  CHECK(mixed == 5);  // the long texts whose folding keeps the offsets are located
}

// SortByOffset sorts lists nearly in order (as Find gives them) and lists
// in no order (past its insertion sort's budget) alike.
TEST_CASE("SortByOffset sorts occurrences by offset, nearly sorted or not") {
  std::mt19937 rng(31);
  for (int round = 0; round < 200; ++round) {
    const size_t n = rng() % 400;
    std::vector<AtomMatcher::Occurrence> v;
    for (size_t k = 0; k < n; ++k) {
      const auto near = static_cast<uint32_t>(k + rng() % 7);  // a few places out
      v.push_back({round % 2 ? near : static_cast<uint32_t>(rng() % 1000), static_cast<int>(rng() % 9)});
    }
    auto key = [](const AtomMatcher::Occurrence& o) { return std::make_pair(o.begin, o.atom); };
    std::vector<std::pair<uint32_t, int>> want;
    for (const auto& o : v) want.push_back(key(o));
    std::sort(want.begin(), want.end());
    voc::internal::SortByOffset(&v);
    std::vector<std::pair<uint32_t, int>> got;
    for (size_t k = 0; k < v.size(); ++k) {
      if (k > 0) REQUIRE(v[k - 1].begin <= v[k].begin);
      got.push_back(key(v[k]));
    }
    std::sort(got.begin(), got.end());
    CHECK(got == want);  // the same occurrences
  }
}

// On a long text of many atom occurrences, Candidates lists them by atom in
// offset order, with each atom's run start; the next text's runs replace
// them.
TEST_CASE("LiteralPrefilter: the occurrences by atom, and where each atom's run starts") {
  RE2::Options opt;
  opt.set_log_errors(false);
  RegexSetGroup group(opt);
  const std::vector<std::string> patterns = {"(?i)\\blate fees?\\b", "\\bcharged (?:me )?twice\\b",
                                             "(?i)refund(?:ed)?", "(?i)\\bno (?:\\w+ )?manual\\b"};
  const std::vector<std::unique_ptr<RE2>> res = AddAll(patterns, opt, &group);
  const std::vector<std::string> pieces = {"late fee",  "LATE FEES", "charged me twice", "refunded",
                                           "no manual", "nothing",   "no user manual",   "Refund"};
  std::mt19937 rng(37);
  RegexSetGroup::Hits hits;
  std::vector<int> all(patterns.size());
  for (size_t i = 0; i < all.size(); ++i) all[i] = static_cast<int>(i);
  for (int round = 0; round < 40; ++round) {
    std::string text;
    const size_t size = round % 4 == 3 ? 300 : 3000;
    while (text.size() < size) text += pieces[rng() % pieces.size()] + (rng() % 4 ? " " : ". ");
    group.Candidates(text, &hits);
    const LiteralPrefilter::TextAtoms& atoms = hits.atoms;
    REQUIRE(atoms.located);
    if (atoms.at.size() <= LiteralPrefilter::kScanOccurrences) {
      CHECK(atoms.by_atom.empty());
      CHECK(atoms.run_atoms.empty());
    } else {
      std::vector<AtomMatcher::Occurrence> want = atoms.at;
      std::stable_sort(
          want.begin(), want.end(),
          [](const AtomMatcher::Occurrence& x, const AtomMatcher::Occurrence& y) { return x.atom < y.atom; });
      REQUIRE(atoms.by_atom.size() == want.size());
      for (size_t k = 0; k < want.size(); ++k) {
        CHECK(atoms.by_atom[k].atom == want[k].atom);
        CHECK(atoms.by_atom[k].begin == want[k].begin);
      }
      for (size_t a = 0; a < atoms.run_of.size(); ++a) {
        const bool present =
            std::binary_search(atoms.run_atoms.begin(), atoms.run_atoms.end(), static_cast<int>(a));
        if (!present) {
          CHECK(atoms.run_of[a] == LiteralPrefilter::TextAtoms::kNoRun);
          continue;
        }
        const uint32_t r = atoms.run_of[a];
        REQUIRE(r < atoms.by_atom.size());
        CHECK(atoms.by_atom[r].atom == static_cast<int>(a));
        CHECK((r == 0 || atoms.by_atom[r - 1].atom != static_cast<int>(a)));
      }
    }
    for (size_t k = 1; k < atoms.at.size(); ++k) REQUIRE(atoms.at[k - 1].begin <= atoms.at[k].begin);
    CheckSearch(group, res, all, text);
  }
}

// Reset forgets everything Candidates learnt of the previous text: a search
// of hits reset for another text must not take its atoms, its ASCII-ness or
// its folded copy.
TEST_CASE("LiteralPrefilter: TextAtoms::Reset forgets the previous text's atoms") {
  RE2::Options opt;
  opt.set_log_errors(false);
  RegexSetGroup group(opt);
  const std::vector<std::string> patterns = {"(?i)\\blate fees?\\b", "(?i)refund(?:ed)?"};
  const std::vector<std::unique_ptr<RE2>> res = AddAll(patterns, opt, &group);
  std::string text;
  while (text.size() < 3000) text += "Late fee, then a refund. ";
  RegexSetGroup::Hits hits;
  group.Candidates(text, &hits);
  REQUIRE(hits.atoms.located);
  REQUIRE(hits.atoms.ascii);
  REQUIRE(hits.atoms.same_offsets);
  REQUIRE(!hits.atoms.run_atoms.empty());
  const std::string other = "caf\xC3\xA9 late fee";
  hits.atoms.Reset(other);
  CHECK(hits.atoms.text == other);
  CHECK(!hits.atoms.ascii);
  CHECK(!hits.atoms.located);
  CHECK(!hits.atoms.same_offsets);
  CHECK(hits.atoms.at.empty());
  CHECK(hits.atoms.by_atom.empty());
  CHECK(hits.atoms.run_atoms.empty());
  for (uint32_t r : hits.atoms.run_of) CHECK(r == LiteralPrefilter::TextAtoms::kNoRun);
  // A search of the reset hits reads the new text whole, as RE2 does.
  re2::StringPiece m;
  REQUIRE(group.Search(0, hits, re2::StringPiece(other), 0, &m));
  CHECK(std::string(m.data(), m.size()) == "late fee");
  CHECK(m.data() == other.data() + 6);
}
