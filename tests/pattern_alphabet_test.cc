// MatchAlphabet must never leave out a byte that a match can contain: the
// prefilter searches a pattern only between the bytes it leaves out.
#include "patterns/pattern_alphabet.h"

#include <doctest/doctest.h>
#include <re2/re2.h>

#include <bitset>
#include <random>
#include <string>
#include <vector>

namespace {

using voc::internal::MatchAlphabet;

std::bitset<128> Alphabet(const std::string& pattern) {
  std::bitset<128> a;
  REQUIRE_MESSAGE(MatchAlphabet(pattern, &a), pattern);
  return a;
}

std::string Members(const std::bitset<128>& a, const std::string& probe) {
  std::string out;
  for (char c : probe)
    if (a[static_cast<unsigned char>(c)]) out.push_back(c);
  return out;
}

}  // namespace

TEST_CASE("MatchAlphabet: words, spaces and punctuation of common rule patterns") {
  const std::string probe = "aZ09 \t\n.,!?-_'{}";
  CHECK(Members(Alphabet("\\b(?:late|annual)\\s+fees?\\b"), probe) == "a \t\n");
  CHECK(Members(Alphabet("(?i)\\bcharged\\b[^.!?\\n]{0,40}?\\btwice\\b"), probe) == "aZ09 \t,-_'{}");
  CHECK(Members(Alphabet("\\d{3}-\\d{4}"), probe) == "09-");
  CHECK(Members(Alphabet("\\w+"), probe) == "aZ09_");
  // (Non-ASCII characters are \W too; any of them adds the letters.)
  CHECK(Members(Alphabet("\\W"), probe) == "aZ \t\n.,!?-'{}");
  CHECK(Members(Alphabet("x{,3}"), probe) == ",{}");  // not a repeat: literal braces
  CHECK(Members(Alphabet("(?P<n>a)\\.\\-"), probe) == "a.-");
  CHECK(Members(Alphabet("[a-c-]"), probe) == "a-");
  CHECK(Alphabet("a.b").all());
  CHECK(Alphabet("\\x41")['a']);  // letters in both cases, whatever the flags
  CHECK(Alphabet("\\101")['A']);  // octal
  CHECK(Alphabet("\\x{2c}")[',']);
}

TEST_CASE("MatchAlphabet: negated classes lose nothing to case folding; non-ASCII adds letters") {
  // Case-sensitive [^a] matches 'A': the complement is taken before the
  // letters' other cases are added.
  CHECK(Alphabet("[^a]")['A']);
  CHECK_FALSE(Alphabet("[^,]")[',']);
  // (?i)K-sign matches 'k': a non-ASCII character adds every ASCII letter.
  std::bitset<128> kelvin = Alphabet("(?i)\xE2\x84\xAA");
  CHECK(kelvin['k']);
  CHECK(kelvin['q']);
  CHECK_FALSE(kelvin[' ']);
  CHECK(Alphabet("[\\x{17F}-\\x{2000}]")['s']);
}

TEST_CASE("MatchAlphabet: refuses what it does not read") {
  std::bitset<128> a;
  for (const char* p : {"^abc", "abc$", "\\Aabc", "abc\\z", "\\pL", "\\p{Greek}", "\\Qa.b\\E", "[[:alpha:]]",
                        "\\C", "(?x)a", "[abc", "a\\", "\\x4", "(?P<n", "\xFF", "[b-a]", "\\8"}) {
    CAPTURE(p);
    CHECK_FALSE(MatchAlphabet(p, &a));
  }
}

TEST_CASE("MatchAlphabet: every byte of every match of random patterns is in the alphabet") {
  // Patterns from pieces of the RE2 syntax the rules use, texts over letters,
  // digits, spaces and punctuation; every match RE2 finds is checked.
  std::mt19937 rng(7);
  const std::vector<std::string> atoms = {
      "a",    "B",     "fee",   "\\d",    "\\D",          "\\s",        "\\S",
      "\\w",  "\\W",   "[a-c]", "[^a-c]", "[^.!?\\n]",    "[\\d,]",     "[^\\w]",
      "\\.",  "-",     "'",     ",",      "\\x21",        "(?i:k)",     "[[]",
      "[]a]", "[^]a]", "\\b",   "\\B",    "\xE2\x84\xAA", "[\\x{17F}]", "\\{",
      "x{2}", "."};
  const std::vector<std::string> quant = {"", "", "?", "*", "+", "{0,3}", "{2}", "??", "+?"};
  const std::string chars = "abcABCkKsfe 09,.!?-'_{}[]\n\t";
  int checked = 0;
  for (int round = 0; round < 3000; ++round) {
    std::string p = rng() % 3 == 0 ? "(?i)" : "";
    const int n = 1 + static_cast<int>(rng() % 4);
    for (int k = 0; k < n; ++k) {
      std::string piece = atoms[rng() % atoms.size()];
      if (rng() % 4 == 0) piece = "(?:" + piece + "|" + atoms[rng() % atoms.size()] + ")";
      p += piece + quant[rng() % quant.size()];
    }
    RE2 re(p, RE2::Quiet);
    if (!re.ok()) continue;
    std::bitset<128> alphabet;
    if (!MatchAlphabet(p, &alphabet)) continue;
    for (int t = 0; t < 8; ++t) {
      std::string text;
      const int len = static_cast<int>(rng() % 40);
      for (int k = 0; k < len; ++k) text.push_back(chars[rng() % chars.size()]);
      if (rng() % 4 == 0) text += "\xC5\xBF\xE2\x84\xAA";
      re2::StringPiece in(text), m;
      for (size_t pos = 0; pos <= text.size() && re.Match(in, pos, text.size(), RE2::UNANCHORED, &m, 1);) {
        for (char c : m) {
          const auto u = static_cast<unsigned char>(c);
          if (u < 128) {
            CAPTURE(p);
            CAPTURE(text);
            REQUIRE(alphabet[u]);
          }
        }
        ++checked;
        const size_t b = static_cast<size_t>(m.data() - text.data());
        pos = m.empty() ? b + 1 : b + m.size();
      }
    }
  }
  CHECK(checked > 10000);
}
