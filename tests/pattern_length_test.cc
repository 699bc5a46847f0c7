// ReadMatchBounds must never give a bound a match exceeds: the prefilter
// searches a pattern only within those bounds of its atoms.
#include "patterns/pattern_length.h"

#include <doctest/doctest.h>
#include <re2/re2.h>

#include <functional>
#include <random>
#include <string>
#include <vector>

namespace {

using voc::internal::IsSeparatorByte;
using voc::internal::MatchBounds;
using voc::internal::ReadMatchBounds;

constexpr size_t kInf = MatchBounds::kUnbounded;

size_t Separators(re2::StringPiece s) {
  size_t n = 0;
  for (char c : s) n += IsSeparatorByte(static_cast<unsigned char>(c));
  return n;
}

}  // namespace

TEST_CASE("ReadMatchBounds: bytes and separators of rule-like patterns") {
  auto bytes = [](const std::string& p, bool fold = false) { return ReadMatchBounds(p, fold).bytes; };
  auto seps = [](const std::string& p, bool fold = false) { return ReadMatchBounds(p, fold).separators; };
  CHECK(bytes("late fees?") == 9);
  CHECK(seps("late fees?") == 1);
  // Under case folding s may match U+017F (2 bytes), k U+212A (3 bytes).
  CHECK(bytes("late fees?", true) == 10);
  CHECK(bytes("(?i)kit") == 5);
  CHECK(bytes("(?i:k)k") == 4);
  CHECK(bytes("a(?i)k|k") == 4);  // the flag holds to the end of the group, across '|'
  CHECK(bytes("\\b(?:late|annual)\\b") == 6);
  CHECK(bytes("x{2,5}y") == 6);
  CHECK(bytes("x{3}") == 3);
  CHECK(bytes("(?:ab){0,2}?c") == 5);
  CHECK(bytes("[^.!?\\n]{0,30}") == 120);
  CHECK(seps("[^.!?\\n]{0,30}") == 30);
  CHECK(bytes("\\d\\w\\s") == 3);
  CHECK(bytes("(?i)\\w") == 3);
  CHECK(bytes("\\W") == 4);
  CHECK(bytes("caf\xC3\xA9") == 5);
  CHECK(bytes("(?i)caf\xC3\xA9") == 7);
  CHECK(bytes("\\x{212A}") == 3);
  CHECK(bytes("^a$") == 1);
  CHECK(bytes("x{,3}") == 5);  // not a repeat: literal braces
  CHECK(seps("x{,3}") == 3);
  // \w+ has no byte bound but holds no separator.
  CHECK(bytes("\\bno (?:\\w+ ){0,2}charger\\b") == kInf);
  CHECK(seps("\\bno (?:\\w+ ){0,2}charger\\b") == 3);
  CHECK(seps("\\d+-\\d+") == 1);
  CHECK(seps("a\\s*b") == kInf);
  CHECK(seps("(?:\\b)*x") == 0);
  CHECK(bytes("(?:\\b)+x") == 1);
}

TEST_CASE("ReadMatchBounds: what it does not read is unbounded") {
  for (const std::string p : {"\\Qa.b\\E", "[[:alpha:]]", "a\\C", "(a", "a)", "*a", "[a", "\\8", "{2}"}) {
    CAPTURE(p);
    const MatchBounds b = ReadMatchBounds(p, false);
    CHECK(b.bytes == kInf);
    CHECK(b.separators == kInf);
  }
}

TEST_CASE("ReadMatchBounds: no match of a random pattern exceeds its bounds") {
  // Pieces over case-folding traps (k, s), separators and multibyte letters;
  // the texts hold KELVIN SIGN, LONG S and accented letters.
  const std::vector<std::string> atoms = {
      "a",   "k",   "s",         " ",      ",",      "-",     "\\w", "\\d",      "\\s",
      "\\W", "\\S", "[^.!?\\n]", "[a-c ]", "[ks]",   "[^a]",  ".",   "\xC3\xA9", "\\x{212A}",
      "\\b", "\\B", "\\pL",      "[0-9_]", "(?i:k)", "(?i)s", "\\.", "[\\w-]",   "[\\s,]"};
  const std::vector<std::string> quantifiers = {"", "", "", "?", "{0,3}", "{2}", "{1,2}?", "*", "+", "{2,}"};
  const std::vector<std::string> text_pieces = {"a",        "k",        "K",  "s", "S", "\xE2\x84\xAA",
                                                "\xC5\xBF", "\xC3\xA9", " ",  ",", ".", "-",
                                                "_",        "7",        "\n", "b", "c"};
  std::mt19937 rng(20261206);
  auto pick = [&](size_t n) { return static_cast<size_t>(rng() % n); };
  std::function<std::string(int)> gen = [&](int depth) {
    std::string out;
    const size_t items = 1 + pick(4);
    for (size_t i = 0; i < items; ++i) {
      std::string item;
      if (depth < 2 && pick(4) == 0) {
        item = "(?:" + gen(depth + 1) + "|" + gen(depth + 1) + ")";
      } else {
        item = atoms[pick(atoms.size())];
      }
      out += item + quantifiers[pick(quantifiers.size())];
    }
    return out;
  };
  int bounded = 0, checked = 0;
  for (int round = 0; round < 400; ++round) {
    const std::string pattern = gen(0);
    const bool fold = pick(2) == 0;
    RE2::Options opt;
    opt.set_log_errors(false);
    opt.set_case_sensitive(!fold);
    opt.set_longest_match(true);  // the longest match at each start
    RE2 re(pattern, opt);
    if (!re.ok()) continue;
    const MatchBounds b = ReadMatchBounds(pattern, fold);
    bounded += b.bytes != kInf || b.separators != kInf;
    for (int t = 0; t < 20; ++t) {
      std::string text;
      for (size_t n = 8 + pick(40); n > 0; --n) text += text_pieces[pick(text_pieces.size())];
      const re2::StringPiece in(text);
      for (size_t pos = 0; pos <= text.size(); ++pos) {
        re2::StringPiece m;
        if (!re.Match(in, pos, text.size(), RE2::ANCHOR_START, &m, 1)) continue;
        CAPTURE(pattern);
        CAPTURE(fold);
        CAPTURE(text);
        CAPTURE(pos);
        CHECK(m.size() <= b.bytes);
        CHECK(Separators(m) <= b.separators);
        ++checked;
      }
    }
  }
  CHECK(bounded > 100);
  CHECK(checked > 1000);
}
