// The atoms read from a pattern's syntax (patterns/pattern_atoms.h): what
// they require of a text, what the reader leaves without a requirement, and
// the lazy compiling of the prefilter that uses them.
#include <doctest/doctest.h>
#include <re2/re2.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include "voc/files.h"

#include "patterns/literal_prefilter.h"
#include "patterns/pattern_atoms.h"
#include "patterns/regex_set.h"

namespace {

using voc::internal::AtomRequirement;
using voc::internal::LiteralPrefilter;
using voc::internal::PatternAtoms;
using voc::internal::ReadPatternAtoms;
using voc::internal::RegexSetGroup;

// The requirement as text: "atom", AND(...), OR(...), * for none.
std::string Show(const AtomRequirement& r) {
  switch (r.op) {
    case AtomRequirement::Op::kAll:
      return "*";
    case AtomRequirement::Op::kAtom:
      return "\"" + r.atom + "\"";
    case AtomRequirement::Op::kAnd:
    case AtomRequirement::Op::kOr: {
      std::string s = r.op == AtomRequirement::Op::kAnd ? "AND(" : "OR(";
      for (size_t i = 0; i < r.subs.size(); ++i) s += (i ? "," : "") + Show(r.subs[i]);
      return s + ")";
    }
  }
  return "?";
}

std::string Atoms(const std::string& pattern) {
  const PatternAtoms a = ReadPatternAtoms(pattern, 3);
  CHECK(a.read);
  return Show(a.requirement);
}

// Control bytes, '%' and bytes above ASCII as %XX, so that a pattern or a
// requirement fits one field of a tab-separated line.
std::string Escape(std::string_view s) {
  std::string out;
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c >= 0x7F || c == '%') {
      char hex[4];
      std::snprintf(hex, sizeof hex, "%%%02X", c);
      out += hex;
    } else {
      out += ch;
    }
  }
  return out;
}

std::string Unescape(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

// One line of the reference: pattern, whether it was read, the size (exact
// digits) and the requirement.
std::string ReferenceLine(const std::string& pattern, size_t min_atom) {
  const PatternAtoms a = ReadPatternAtoms(pattern, min_atom);
  char size[40];
  std::snprintf(size, sizeof size, "%.17g", a.size);
  return std::to_string(min_atom) + "\t" + Escape(pattern) + "\t" + (a.read ? "read" : "unread") + "\t" +
         size + "\t" + Escape(Show(a.requirement));
}

}  // namespace

TEST_CASE("ReadPatternAtoms: exact strings are crossed, folded and joined by AND and OR") {
  // Alternatives crossed with what follows; "fees" holds "fee" and adds nothing.
  CHECK(Atoms("(?i)\\b(late|annual) fees?\\b") == "OR(\"annual fee\",\"late fee\")");
  // Case is folded: atoms are matched against a folded text.
  CHECK(Atoms("Refund") == "\"refund\"");
  CHECK(Atoms("[Kk]ey[sS]") == "\"keys\"");
  CHECK(Atoms("(?i)STRA\\x{DF}E") ==
        "\"stra\xC3\x9F"
        "e\"");
  // Escaped characters: hex, octal and control escapes stand for themselves.
  CHECK(Atoms("\\x52ef\\x{75}nd") == "\"refund\"");
  CHECK(Atoms("re\\146und") == "\"refund\"");
  CHECK(Atoms("late\\tfee") == "\"late\tfee\"");
  CHECK(!ReadPatternAtoms("bad\\x{D800}", 3).read);  // a surrogate is no character
  CHECK(!ReadPatternAtoms("bad\\x4", 3).read);       // two hex digits or braces
  // A gap of any text splits the pattern into parts that are all required.
  CHECK(Atoms("\\bcalled\\b[^.!?\\n]{0,40}?\\bagain\\b") == "AND(\"called\",\"again\")");
  CHECK(Atoms("refund.*(?:denied|refused)") == "AND(\"refund\",OR(\"denied\",\"refused\"))");
  // Repeats: at least once keeps the requirement, optional drops it.
  CHECK(Atoms("(?:wait)+ing") == "AND(\"wait\",\"ing\")");
  CHECK(Atoms("(?:never)?mind") == "\"mind\"");
  CHECK(Atoms("x{2,5}abc") == "\"abc\"");
  CHECK(Atoms("(?P<verb>cancel(?:led|ed)?) (?i:my) plan") ==
        "OR(\"cancel my plan\",\"canceled my plan\",\"cancelled my plan\")");
  // Atoms shorter than three bytes are found in every text.
  CHECK(Atoms("ok|no") == "*");
  CHECK(Atoms("\\d+(?:km|mi)") == "*");
  CHECK(Atoms("\\d+ (?:km|mi)") == "OR(\" km\",\" mi\")");
  CHECK(Atoms("a{2}|b") == "*");
  // A class of more than four characters matches "anything".
  CHECK(Atoms("ab[c-z]def") == "\"def\"");
  CHECK(Atoms("ab[cd]ef") == "OR(\"abcef\",\"abdef\")");
  // Assertions match the empty string: the words around them join.
  CHECK(Atoms("^Late\\b fee$") == "\"late fee\"");
  CHECK(Atoms("late\\B\\Afee\\z") == "\"latefee\"");
  CHECK(Atoms("late\\b?fee") == "\"latefee\"");
  // Crossed sets lose their duplicates ("a"+"bc" and "ab"+"c"), and a word
  // after them follows each string.
  CHECK(Atoms("(?:ab|a)(?:c|bc)XYZ") == "OR(\"abbcxyz\",\"abcxyz\",\"acxyz\")");
  CHECK(Atoms("(?:xa|xab)(?:c|d)") == "OR(\"xabc\",\"xabd\",\"xac\",\"xad\")");
  // Alternatives stay exact up to 16 strings, crossed with what follows.
  std::string sixteen, shown;
  for (char c = 'a'; c < 'a' + 16; ++c) {
    sixteen += std::string(sixteen.empty() ? "" : "|") + "x" + c;
    shown += std::string(shown.empty() ? "" : ",") + "\"x" + c + "yzw\"";
  }
  CHECK(Atoms("(?:" + sixteen + ")yzw") == "OR(" + shown + ")");
  // Seventeen: each alternative alone is too short to be required.
  CHECK(Atoms("(?:" + sixteen + "|xq)yzw") == "\"yzw\"");
}

TEST_CASE("ReadPatternAtoms leaves syntax it does not read without a requirement") {
  for (const char* p : {"\\Qa.b\\E", "[[:alpha:]]+word", "word(", "(?P=name)", "\\8word", "*word"}) {
    CAPTURE(p);
    const PatternAtoms a = ReadPatternAtoms(p, 3);
    CHECK_FALSE(a.read);
    CHECK(a.requirement.op == AtomRequirement::Op::kAll);
  }
  // Large programs are estimated large: \pL and many repeats.
  CHECK(ReadPatternAtoms("(?:\\pL\\pN){100}", 3).size > 5000);
  CHECK(ReadPatternAtoms("\\brefund\\b", 3).size < 100);
}

TEST_CASE("LiteralPrefilter compiles a pattern on the first text where it is a candidate") {
  RE2::Options opt;
  opt.set_log_errors(false);
  RegexSetGroup group(opt);
  std::string error;
  REQUIRE(group.Add("(?i)\\brefund(?:ed|s)?\\b", &error) == 0);
  REQUIRE(group.Add("(?i)\\bchargeback\\b", &error) == 1);
  REQUIRE(group.Add("\\Qliteral\\E", &error) == 2);  // not read: compiled when added
  group.Compile();
  const LiteralPrefilter& prefilter = group.prefilter();
  CHECK_FALSE(prefilter.compiled(0));
  CHECK_FALSE(prefilter.compiled(1));
  CHECK(prefilter.compiled(2));
  RegexSetGroup::Hits hits;
  const std::string text = "They REFUNDED me after a week.";
  group.Candidates(text, &hits);
  CHECK(hits.candidates == std::vector<int>{0, 2});
  re2::StringPiece m;
  REQUIRE(group.Search(0, hits, text, 0, &m));
  CHECK(m == "REFUNDED");
  // (An ASCII text: searched lowercased, with the pattern lowercased and
  // compiled for Latin-1.)
  CHECK(prefilter.lowered_compiled(0));
  CHECK_FALSE(prefilter.latin1_compiled(0));
  CHECK_FALSE(prefilter.compiled(0));
  CHECK_FALSE(prefilter.compiled(1));  // never a candidate
  CHECK_FALSE(prefilter.latin1_compiled(1));
  CHECK(group.regex(1).ok());  // compiled when asked for
  CHECK(prefilter.compiled(1));
  const std::string accented = "Refunded, d\xC3\xA9j\xC3\xA0.";
  group.Candidates(accented, &hits);
  REQUIRE(group.Search(0, hits, accented, 0, &m));
  CHECK(m == "Refunded");
  CHECK(prefilter.compiled(0));  // (a text with other bytes: UTF-8)
}

TEST_CASE("LiteralPrefilter refuses an invalid pattern with RE2's message, (?i) or not") {
  RE2::Options opt;
  opt.set_log_errors(false);
  for (const char* p : {"(?i)a{2,1}", "(?i)(unclosed", "x**", "\\8", "(?i)[z-a]"}) {
    CAPTURE(p);
    LiteralPrefilter prefilter;
    std::string error;
    CHECK(prefilter.Add(p, opt, &error) == -1);
    RE2 re(p, opt);
    REQUIRE_FALSE(re.ok());
    CHECK(error == re.error());
  }
  // Over RE2's memory budget: refused when added, though parsing succeeds.
  RE2::Options small = opt;
  small.set_max_mem(1 << 16);
  LiteralPrefilter prefilter;
  std::string error;
  CHECK(prefilter.Add("(?:\\pL\\pN){200}", small, &error) == -1);
  CHECK(error.find("too large") != std::string::npos);
}

// The requirements of the shipped taxonomy's patterns (every industry pack,
// as the themes and signals add them) and of the patterns the other tests
// add, saved when they were read by the reader this file tests. Run with
// VOC_UPDATE_GOLDENS=1 to rewrite the reference from its own patterns.
TEST_CASE("ReadPatternAtoms gives the saved requirements of the shipped and tested patterns") {
  const std::string path = std::string(VOC_TEST_DATA_DIR) + "/patterns/atoms_reference.tsv";
  std::ifstream in(path, std::ios::binary);
  REQUIRE_MESSAGE(in.good(), "missing reference " << path);
  std::vector<std::string> comments, lines;
  for (std::string line; std::getline(in, line);)
    (line.empty() || line[0] == '#' ? comments : lines).push_back(line);
  REQUIRE(lines.size() > 1000);
  std::string updated;
  for (const std::string& c : comments) updated += c + "\n";
  size_t read = 0;
  for (const std::string& want : lines) {
    const size_t tab = want.find('\t');
    const size_t tab2 = want.find('\t', tab + 1);
    REQUIRE(tab2 != std::string::npos);
    const std::string pattern = Unescape(std::string_view(want).substr(tab + 1, tab2 - tab - 1));
    const std::string got = ReferenceLine(pattern, std::stoul(want.substr(0, tab)));
    CHECK(got == want);
    read += got.find("\tread\t") != std::string::npos;
    updated += got + "\n";
  }
  CHECK(read > lines.size() / 2);  // most patterns are read
  if (std::getenv("VOC_UPDATE_GOLDENS")) REQUIRE(voc::WriteFileAtomic(path, updated).ok());
}
