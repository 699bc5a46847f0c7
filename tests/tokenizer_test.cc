#include "voc/tokenizer.h"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "text/segment.h"
#include "voc/json.h"

#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace {

const voc::Tokenizer& Default() {
  static auto t = voc::Tokenizer::Create({});
  REQUIRE(t.ok());
  return **t;
}

// "text/kind" for every token.
std::vector<std::string> Kinds(const voc::Tokenizer& tok, std::string_view text) {
  std::vector<std::string> out;
  for (const voc::Token& t : tok.Tokenize(text).tokens)
    out.push_back(std::string(t.text(text)) + "/" + voc::TokenKindName(t.kind));
  return out;
}
std::vector<std::string> Kinds(std::string_view text) { return Kinds(Default(), text); }

using V = std::vector<std::string>;

}  // namespace

TEST_CASE("TokenKindName names every kind") {
  CHECK(std::string(voc::TokenKindName(voc::TokenKind::kWord)) == "word");
  CHECK(std::string(voc::TokenKindName(voc::TokenKind::kNumber)) == "number");
  CHECK(std::string(voc::TokenKindName(voc::TokenKind::kPunct)) == "punct");
  CHECK(std::string(voc::TokenKindName(voc::TokenKind::kSymbol)) == "symbol");
  CHECK(std::string(voc::TokenKindName(voc::TokenKind::kUrl)) == "url");
  CHECK(std::string(voc::TokenKindName(voc::TokenKind::kEmail)) == "email");
  CHECK(std::string(voc::TokenKindName(voc::TokenKind::kMention)) == "mention");
  CHECK(std::string(voc::TokenKindName(voc::TokenKind::kHashtag)) == "hashtag");
  CHECK(std::string(voc::TokenKindName(voc::TokenKind::kEmoji)) == "emoji");
  CHECK(std::string(voc::TokenKindName(voc::TokenKind::kEmoticon)) == "emoticon");
  CHECK(std::string(voc::TokenKindName(voc::TokenKind::kMoney)) == "money");
  CHECK(std::string(voc::TokenKindName(voc::TokenKind::kTime)) == "time");
  CHECK(std::string(voc::TokenKindName(voc::TokenKind::kMask)) == "mask");
  CHECK(std::string(voc::TokenKindName(voc::TokenKind::kContraction)) == "contraction");
  CHECK(std::string(voc::TokenKindName(static_cast<voc::TokenKind>(200))) == "unknown");
}

TEST_CASE("Tokenizer: Create keeps the options") {
  voc::TokenizerOptions o;
  o.sentences = false;
  o.case_fold = false;
  auto t = voc::Tokenizer::Create(o);
  REQUIRE(t.ok());
  CHECK_FALSE((*t)->options().sentences);
  CHECK_FALSE((*t)->options().case_fold);
  CHECK((*t)->options().social);
  CHECK((*t)->options().fast_path);
}

TEST_CASE("Tokenizer: words, punctuation and whitespace") {
  CHECK(Kinds("Hello, world!") == V{"Hello/word", ",/punct", "world/word", "!/punct"});
  CHECK(Kinds("  \t\n \r\n\v\f").empty());
  CHECK(Kinds("").empty());
  CHECK(Default().Tokenize("").sentences.empty());
  voc::Tokenization t = Default().Tokenize("Hello, World");
  REQUIRE(t.tokens.size() == 3);
  CHECK(t.tokens[0].begin == 0);
  CHECK(t.tokens[0].end == 5);
  CHECK(t.tokens[0].norm == "hello");
  CHECK(t.tokens[1].text("Hello, World") == ",");
  CHECK(t.tokens[2].begin == 7);
  CHECK(t.tokens[2].end == 12);
  CHECK(t.tokens[2].norm == "world");
  CHECK(Kinds("a+b=c | 50% ^") == V{"a/word", "+/symbol", "b/word", "=/symbol", "c/word", "|/symbol",
                                    "50/number", "%/punct", "^/symbol"});
  CHECK(Kinds("e.g. file.txt") == V{"e.g/word", "./punct", "file.txt/word"});
}

TEST_CASE("Tokenizer: numbers and ordinals") {
  CHECK(Kinds("1,234.56 3rd 21st 4th 2ND 10x") ==
        V{"1,234.56/number", "3rd/number", "21st/number", "4th/number", "2ND/number", "10x/word"});
  voc::Tokenization t = Default().Tokenize("2ND");
  REQUIRE(t.tokens.size() == 1);
  CHECK(t.tokens[0].norm == "2nd");
  // Arabic-Indic digits are numbers too.
  CHECK(Kinds("\xD9\xA1\xD9\xA2") == V{"\xD9\xA1\xD9\xA2/number"});
}

TEST_CASE("Tokenizer: URLs, e-mails, mentions, hashtags") {
  CHECK(Kinds("see https://x.io/a?b=1. ok") == V{"see/word", "https://x.io/a?b=1/url", "./punct", "ok/word"});
  CHECK(Kinds("(see www.example.com/x)") == V{"(/punct", "see/word", "www.example.com/x/url", ")/punct"});
  CHECK(Kinds("http://en.wikipedia.org/wiki/A_(b), x") ==
        V{"http://en.wikipedia.org/wiki/A_(b)/url", ",/punct", "x/word"});
  CHECK(Kinds("http://t.co/abc).") == V{"http://t.co/abc/url", ")/punct", "./punct"});
  CHECK(Kinds("mail jane.doe@example.com now") == V{"mail/word", "jane.doe@example.com/email", "now/word"});
  CHECK(Kinds("me@ex.com. @bob: hi") ==
        V{"me@ex.com/email", "./punct", "@bob/mention", ":/punct", "hi/word"});
  CHECK(Kinds("@united #fail #tag1") == V{"@united/mention", "#fail/hashtag", "#tag1/hashtag"});
  // "#1" is a rank, not a hashtag; "a@b" is no e-mail (ICU keeps it one word).
  CHECK(Kinds("#1 a@b") == V{"#/punct", "1/number", "a@b/word"});
  voc::Tokenization t = Default().Tokenize("@United #FAIL HTTP://X.IO Jane@Ex.COM");
  REQUIRE(t.tokens.size() == 4);
  CHECK(t.tokens[0].norm == "@united");
  CHECK(t.tokens[1].norm == "#fail");
  CHECK(t.tokens[2].norm == "http://x.io");
  CHECK(t.tokens[3].norm == "jane@ex.com");
  // Hashtags in other scripts.
  CHECK(Kinds("#\xD0\xBC\xD0\xB8\xD1\x80") == V{"#\xD0\xBC\xD0\xB8\xD1\x80/hashtag"});
}

TEST_CASE("Tokenizer: emoji sequences are one token each") {
  const std::string thumbs_medium = "\xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD";  // 👍🏽
  const std::string family =
      "\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x91\xA7";  // 👨‍👩‍👧
  const std::string flag_fr = "\xF0\x9F\x87\xAB\xF0\x9F\x87\xB7";                  // 🇫🇷
  const std::string keycap_1 = "1\xEF\xB8\x8F\xE2\x83\xA3";                        // 1️⃣
  const std::string heart_vs = "\xE2\x9D\xA4\xEF\xB8\x8F";                         // ❤️
  const std::string text = "ok" + thumbs_medium + " " + family + flag_fr + " " + keycap_1 + heart_vs + "!";
  CHECK(Kinds(text) == V{"ok/word", thumbs_medium + "/emoji", family + "/emoji", flag_fr + "/emoji",
                         keycap_1 + "/emoji", heart_vs + "/emoji", "!/punct"});
  // Two flags in a row split into pairs of regional indicators.
  CHECK(Kinds(flag_fr + flag_fr) == V{flag_fr + "/emoji", flag_fr + "/emoji"});
}

TEST_CASE("Tokenizer: emoticons, and look-alikes that are not") {
  CHECK(Kinds(":-) :( ;) :P :D :'( <3 </3 XD xD :/ 8-) ^_^ -_- o_O :)) :DDD") ==
        V{":-)/emoticon", ":(/emoticon", ";)/emoticon", ":P/emoticon", ":D/emoticon", ":'(/emoticon",
          "<3/emoticon", "</3/emoticon", "XD/emoticon", "xD/emoticon",
          ":/"
          "/emoticon",
          "8-)/emoticon", "^_^/emoticon", "-_-/emoticon", "o_O/emoticon", ":))/emoticon", ":DDD/emoticon"});
  CHECK(Kinds("great:)") == V{"great/word", ":)/emoticon"});
  CHECK(Kinds("(a) 8) x) Note:Dallas 3:2") == V{"(/punct", "a/word", ")/punct", "8/number", ")/punct",
                                                "x/word", ")/punct", "Note/word", ":/punct", "Dallas/word",
                                                "3/number", ":/punct", "2/number"});
  CHECK(Kinds("http://x.io/:D") == V{"http://x.io/:D/url"});
}

TEST_CASE("Tokenizer: money, times and masks") {
  CHECK(Kinds("$12.50 \xE2\x82\xAC"
              "5 \xC2\xA3"
              "1,200 $5k 5\xE2\x82\xAC 12.50 USD") == V{"$12.50/money",
                                                        "\xE2\x82\xAC"
                                                        "5/money",
                                                        "\xC2\xA3"
                                                        "1,200/money",
                                                        "$5k/money", "5\xE2\x82\xAC/money",
                                                        "12.50 USD/money"});
  CHECK(Kinds("10:30 10:30pm 9am 9 AM 7:05 a.m.") ==
        V{"10:30/time", "10:30pm/time", "9am/time", "9 AM/time", "7:05 a.m./time"});
  CHECK(Kinds("25:00") == V{"25/number", ":/punct", "00/number"});
  voc::Tokenization t = Default().Tokenize("10:30PM");
  REQUIRE(t.tokens.size() == 1);
  CHECK(t.tokens[0].norm == "10:30pm");
  CHECK(Kinds("XXXX XX/XX/XXXX XX/XX/2019 XXL {$39.00} [EMAIL] [PHONE_NUMBER] [x]") ==
        V{"XXXX/mask", "XX/XX/XXXX/mask", "XX/XX/2019/mask", "XXL/word", "{$39.00}/mask", "[EMAIL]/mask",
          "[PHONE_NUMBER]/mask", "[/punct", "x/word", "]/punct"});
  t = Default().Tokenize("XXXX");
  REQUIRE(t.tokens.size() == 1);
  CHECK(t.tokens[0].norm == "XXXX");
}

TEST_CASE("Tokenizer: contractions keep whole, with the ASCII apostrophe in norm") {
  CHECK(Kinds("I can't don\xE2\x80\x99t") ==
        V{"I/word", "can't/contraction", "don\xE2\x80\x99t/contraction"});
  CHECK(Kinds("I'm we'll they've it's O'Brien rock'n'roll") == V{"I'm/contraction", "we'll/contraction",
                                                                 "they've/contraction", "it's/contraction",
                                                                 "O'Brien/word", "rock'n'roll/word"});
  voc::Tokenization t = Default().Tokenize("DON\xE2\x80\x99T");
  REQUIRE(t.tokens.size() == 1);
  CHECK(t.tokens[0].norm == "don't");
}

TEST_CASE("Tokenizer: elongations and punctuation runs") {
  voc::Tokenization t = Default().Tokenize("Soooo noooo!!! ... .... ?? Goooood");
  std::vector<std::string> got;
  for (const voc::Token& tok : t.tokens) got.push_back(tok.norm + (tok.elongated ? "+" : ""));
  CHECK(got == V{"soo+", "noo+", "!!+", "...", "...+", "??", "good+"});
  CHECK(t.tokens[2].text("Soooo noooo!!! ... .... ?? Goooood") == "!!!");
  // Runs of different marks stay apart.
  CHECK(Kinds("?!") == V{"?/punct", "!/punct"});
  // Digits and plain doubles are not elongations.
  t = Default().Tokenize("1000 good");
  CHECK_FALSE(t.tokens[0].elongated);
  CHECK_FALSE(t.tokens[1].elongated);
  CHECK(t.tokens[1].norm == "good");
}

TEST_CASE("Tokenizer: case folding is full Unicode folding") {
  voc::Tokenization t = Default().Tokenize(
      "STRASSE Stra\xC3\x9F"
      "e \xCE\xA3\xCE\x8A\xCE\xA3\xCE\xA5\xCE\xA6\xCE\x9F\xCE\xA3");
  REQUIRE(t.tokens.size() == 3);
  CHECK(t.tokens[0].norm == "strasse");
  CHECK(t.tokens[1].norm == "strasse");
  CHECK(t.tokens[2].norm == "\xCF\x83\xCE\xAF\xCF\x83\xCF\x85\xCF\x86\xCE\xBF\xCF\x83");
  voc::TokenizerOptions o;
  o.case_fold = false;
  auto keep = voc::Tokenizer::Create(o);
  REQUIRE(keep.ok());
  t = (*keep)->Tokenize(
      "Hello SOOOO Stra\xC3\x9F"
      "e");
  REQUIRE(t.tokens.size() == 3);
  CHECK(t.tokens[0].norm == "Hello");
  CHECK(t.tokens[1].norm == "SOO");
  CHECK(t.tokens[1].elongated);
  CHECK(t.tokens[2].norm ==
        "Stra\xC3\x9F"
        "e");
}

TEST_CASE("Tokenizer: other scripts") {
  // Japanese: ICU dictionary segmentation, not one token per character.
  voc::Tokenization t = Default().Tokenize(
      "\xE6\x9D\xB1\xE4\xBA\xAC\xE9\x83\xBD\xE3\x81\xAB\xE4\xBD\x8F\xE3\x82\x93\xE3\x81\xA7\xE3"
      "\x81\x84\xE3\x81\xBE\xE3\x81\x99");  // 東京都に住んでいます
  REQUIRE(t.tokens.size() >= 3);
  CHECK(t.tokens.size() < 11);
  CHECK(t.tokens[0].text("\xE6\x9D\xB1\xE4\xBA\xAC") == "\xE6\x9D\xB1\xE4\xBA\xAC");  // 東京
  // Thai has no spaces between words.
  t = Default().Tokenize(
      "\xE0\xB8\xAA\xE0\xB8\xA7\xE0\xB8\xB1\xE0\xB8\xAA\xE0\xB8\x94\xE0\xB8\xB5"
      "\xE0\xB8\x84\xE0\xB8\xA3\xE0\xB8\xB1\xE0\xB8\x9A");  // สวัสดีครับ
  CHECK(t.tokens.size() == 2);
  CHECK(Kinds("\xD0\x9F\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82, \xD0\xBC\xD0\xB8\xD1\x80!") ==
        V{"\xD0\x9F\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82/word", ",/punct", "\xD0\xBC\xD0\xB8\xD1\x80/word",
          "!/punct"});
  CHECK(Kinds("\xD9\x85\xD8\xB1\xD8\xAD\xD8\xA8\xD8\xA7 \xD8\xA8\xD9\x83") ==
        V{"\xD9\x85\xD8\xB1\xD8\xAD\xD8\xA8\xD8\xA7/word", "\xD8\xA8\xD9\x83/word"});
}

TEST_CASE("Tokenizer: sentences with byte offsets and token ranges") {
  const std::string text = "One. Two!  Three? four";
  voc::Tokenization t = Default().Tokenize(text);
  REQUIRE(t.sentences.size() == 4);
  CHECK(t.sentences[0].begin == 0);
  CHECK(t.sentences[0].end == 4);
  CHECK(t.sentences[0].first_token == 0);
  CHECK(t.sentences[0].end_token == 2);
  CHECK(t.sentences[1].begin == 5);
  CHECK(t.sentences[1].end == 9);
  CHECK(t.sentences[2].begin == 11);
  CHECK(t.sentences[2].end == 17);
  CHECK(t.sentences[3].first_token == 6);
  CHECK(t.sentences[3].end_token == 7);
  // A dot inside a URL or a number does not end a sentence.
  t = Default().Tokenize("See http://x.io/a.B now. Pay 3.50 today.");
  CHECK(t.sentences.size() == 2);
  // Line breaks end sentences.
  CHECK(Default().Tokenize("first line\nsecond line").sentences.size() == 2);
  voc::TokenizerOptions o;
  o.sentences = false;
  auto no_sent = voc::Tokenizer::Create(o);
  REQUIRE(no_sent.ok());
  t = (*no_sent)->Tokenize(text);
  CHECK(t.sentences.empty());
  CHECK(t.tokens.size() == 7);
}

TEST_CASE("Tokenizer: social off leaves ICU words") {
  voc::TokenizerOptions o;
  o.social = false;
  auto plain = voc::Tokenizer::Create(o);
  REQUIRE(plain.ok());
  CHECK(Kinds(**plain, "#fail :) XXXX can't") ==
        V{"#/punct", "fail/word", ":/punct", ")/punct", "XXXX/word", "can't/contraction"});
}

TEST_CASE("Tokenizer: invalid UTF-8 does not crash and stays in bounds") {
  const std::string bad = "bad \xFF\xFE utf8 \xC3 \xE2\x82 trunc\xF0\x9F\x91 \xED\xA0\x80 \xC0\xAF!";
  for (bool fast : {true, false}) {
    voc::TokenizerOptions o;
    o.fast_path = fast;
    auto t = voc::Tokenizer::Create(o);
    REQUIRE(t.ok());
    voc::Tokenization out = (*t)->Tokenize(bad);
    REQUIRE_FALSE(out.tokens.empty());
    uint32_t pos = 0;
    for (const voc::Token& tok : out.tokens) {
      CHECK(tok.begin >= pos);
      CHECK(tok.end > tok.begin);
      CHECK(tok.end <= bad.size());
      pos = tok.end;
    }
    CHECK(out.tokens.front().text(bad) == "bad");
    CHECK(out.tokens.back().text(bad) == "!");
  }
  // Embedded NUL bytes are just symbols.
  const std::string nul("a\0b", 3);
  CHECK(Kinds(nul) == V{"a/word", std::string("\0", 1) + "/symbol", "b/word"});
}

namespace {

std::string Describe(std::string_view text, const voc::Tokenization& t) {
  std::string out;
  for (const voc::Token& tok : t.tokens) {
    out += "[" + std::string(tok.text(text)) + "|" + voc::TokenKindName(tok.kind) + "|" + tok.norm +
           (tok.elongated ? "|E" : "") + "]";
  }
  out += " S:";
  for (const voc::Sentence& s : t.sentences)
    out += "(" + std::to_string(s.begin) + "," + std::to_string(s.end) + "," + std::to_string(s.first_token) +
           "," + std::to_string(s.end_token) + ")";
  return out;
}

// The tokenizer's sentences equal the shared rules' (segment.h), which the
// other stages use.
std::string SharedSentences(std::string_view text) {
  std::vector<voc::internal::TextSpan> spans;
  voc::internal::Sentences(text, &spans);
  std::string out;
  for (const auto& s : spans) out += "(" + std::to_string(s.begin) + "," + std::to_string(s.end) + ")";
  return out;
}
std::string SentenceSpans(const voc::Tokenization& t) {
  std::string out;
  for (const voc::Sentence& s : t.sentences)
    out += "(" + std::to_string(s.begin) + "," + std::to_string(s.end) + ")";
  return out;
}

// Deterministic generator of mixed text: ASCII words and punctuation, social
// fragments, non-ASCII letters, marks, emoji and assorted white space.
class MixGenerator {
 public:
  explicit MixGenerator(uint64_t seed) : state_(seed * 2654435761u + 1) {}
  uint32_t Next() {
    state_ ^= state_ << 13;
    state_ ^= state_ >> 7;
    state_ ^= state_ << 17;
    return static_cast<uint32_t>(state_);
  }
  std::string Text(bool ascii_only) {
    static const char* const kAscii[] = {
        "a",        "b",          "X",    "XX",        "XXXX",  "o",   "s",   "soooo",  "can",     "'",
        "t",        "n't",        "I'm",  ".",         ",",     ";",   ":",   "!",      "?",       "-",
        "_",        "(",          ")",    "[",         "]",     "{",   "}",   "$",      "#",       "@",
        "<",        ">",          "=",    "^",         "*",     "/",   "\\",  "\"",     "3",       "8",
        "10",       "1,234.56",   "9",    ":)",        ":-(",   "XD",  "<3",  ":/",     "http://", "www.",
        "x.com",    "@user",      "#tag", "me@ex.com", "10:30", "pm",  "am",  "$12.50", "USD",     "[EMAIL]",
        "{$39.00}", "XX/XX/XXXX", " ",    " ",         " ",     "  ",  "\t",  "\n",     "\r\n",    "\r",
        "\v",       "\f",         "e.g.", "U.S.",      "3rd",   "!!!", "...", "Mr.",    "Hello",   "WORLD",
        "x",        "D",          "P",    "%",         "&",     "+",   "|",   "~",      "`",       "\x01",
        "\x7f",     "0",          "a1",   "1a",        "the",   "And", ". ",  "? ",     "! ",      ".) ",
        ".\" ",     " i",         "No.",  "3.",        "a.B"};
    static const char* const kOther[] = {"\xC3\xA9",
                                         "caf\xC3\xA9",
                                         "\xE2\x80\x99",
                                         "\xE2\x80\x9C",
                                         "\xE2\x80\x9D",
                                         "\xD0\x9F\xD1\x80\xD0\xB8",
                                         "\xE6\x9D\xB1\xE4\xBA\xAC",
                                         "\xE3\x81\xA7\xE3\x81\x99",
                                         "\xF0\x9F\x91\x8D",
                                         "\xF0\x9F\x8F\xBD",
                                         "\xE2\x80\x8D",
                                         "\xF0\x9F\x87\xAB",
                                         "\xF0\x9F\x87\xB7",
                                         "\xEF\xB8\x8F",
                                         "\xE2\x83\xA3",
                                         "\xCC\x81",
                                         "\xC2\xA0",
                                         "\xE3\x80\x80",
                                         "\xE2\x80\xA6",
                                         "\xE2\x82\xAC",
                                         "\xC2\xA3",
                                         "\xE0\xB8\xAA\xE0\xB8\xA7",
                                         "\xD8\xB3\xD9\x84\xD8\xA7\xD9\x85",
                                         "\xE2\x9D\xA4",
                                         "\xC2\xA9",
                                         "\xEF\xBC\x81",
                                         "\xE2\x80\x8B",
                                         "\xC3\x9F",
                                         "\xEF\xAC\x80",
                                         "\xC4\xB0",
                                         "\xE3\x80\x82",
                                         "\xC2\x85",
                                         "\xE2\x80\xA9",
                                         "\xE2\x80\xA8",
                                         "\xE2\x80\x94",
                                         "\xC2\xBF",
                                         "\xC3\x89"};
    std::string s;
    int parts = 1 + static_cast<int>(Next() % 24);
    for (int k = 0; k < parts; ++k) {
      if (!ascii_only && Next() % 5 == 0) {
        s += kOther[Next() % (sizeof kOther / sizeof *kOther)];
      } else {
        s += kAscii[Next() % (sizeof kAscii / sizeof *kAscii)];
      }
    }
    return s;
  }

 private:
  uint64_t state_;
};

}  // namespace

TEST_CASE("Tokenizer: fast path equals the ICU path on a generated mix") {
  voc::TokenizerOptions icu_options;
  icu_options.fast_path = false;
  auto icu = voc::Tokenizer::Create(icu_options);
  REQUIRE(icu.ok());
  MixGenerator gen(42);
  int compared = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string text = gen.Text(i % 2 == 0);
    std::string fast = Describe(text, Default().Tokenize(text));
    std::string ref = Describe(text, (*icu)->Tokenize(text));
    if (fast != ref) {
      INFO("input: [" << text << "]");
      CHECK(fast == ref);
    }
    const std::string shared = SharedSentences(text);
    if (shared != SentenceSpans((*icu)->Tokenize(text))) {
      INFO("input: [" << text << "]");
      CHECK(shared == SentenceSpans((*icu)->Tokenize(text)));
    }
    ++compared;
  }
  CHECK(compared == 20000);
}

namespace {

std::vector<std::string> ReadLines(const std::string& path) {
  std::vector<std::string> lines;
  FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return lines;
  std::string cur;
  int c;
  while ((c = std::fgetc(f)) != EOF) {
    if (c == '\n') {
      lines.push_back(cur);
      cur.clear();
    } else {
      cur.push_back(static_cast<char>(c));
    }
  }
  if (!cur.empty()) lines.push_back(cur);
  std::fclose(f);
  return lines;
}

std::vector<std::string> SampleTexts() {
  std::vector<std::string> texts =
      ReadLines(std::string(VOC_SOURCE_DIR) + "/examples/data/sample_tweets.txt");
  std::vector<std::string> cfpb = ReadLines(std::string(VOC_TEST_DATA_DIR) + "/tokenizer/cfpb_sample.txt");
  texts.insert(texts.end(), cfpb.begin(), cfpb.end());
  return texts;
}

}  // namespace

TEST_CASE("Tokenizer: fast path equals the ICU path on the bundled samples") {
  std::vector<std::string> texts = SampleTexts();
  REQUIRE(texts.size() >= 150);  // 60 tweets + 100 CFPB narratives
  voc::TokenizerOptions icu_options;
  icu_options.fast_path = false;
  auto icu = voc::Tokenizer::Create(icu_options);
  REQUIRE(icu.ok());
  size_t tokens = 0;
  for (const std::string& text : texts) {
    std::string fast = Describe(text, Default().Tokenize(text));
    std::string ref = Describe(text, (*icu)->Tokenize(text));
    if (fast != ref) {
      INFO("input: [" << text << "]");
      CHECK(fast == ref);
    }
    const std::string shared = SharedSentences(text);
    if (shared != SentenceSpans((*icu)->Tokenize(text))) {
      INFO("input: [" << text << "]");
      CHECK(shared == SentenceSpans((*icu)->Tokenize(text)));
    }
    tokens += Default().Tokenize(text).tokens.size();
  }
  CHECK(tokens > 20000);
}

TEST_CASE("Tokenizer: one tokenizer shared by threads gives the single-thread output") {
  std::vector<std::string> texts = SampleTexts();
  REQUIRE_FALSE(texts.empty());
  MixGenerator gen(7);
  for (int i = 0; i < 300; ++i) texts.push_back(gen.Text(i % 3 == 0));
  voc::TokenizerOptions icu_options;
  icu_options.fast_path = false;
  auto icu = voc::Tokenizer::Create(icu_options);
  REQUIRE(icu.ok());
  for (const voc::Tokenizer* tok : {&Default(), static_cast<const voc::Tokenizer*>(icu->get())}) {
    std::vector<std::string> expected;
    for (const std::string& t : texts) expected.push_back(Describe(t, tok->Tokenize(t)));
    constexpr int kThreads = 4;
    std::vector<int> mismatches(kThreads, 0);
    std::vector<std::thread> threads;
    for (int k = 0; k < kThreads; ++k) {
      threads.emplace_back([&, k] {
        for (int round = 0; round < 3; ++round)
          for (size_t i = k; i < texts.size() + k; ++i) {
            size_t j = (i * 7 + round) % texts.size();
            if (Describe(texts[j], tok->Tokenize(texts[j])) != expected[j]) ++mismatches[k];
          }
      });
    }
    for (std::thread& t : threads) t.join();
    for (int k = 0; k < kThreads; ++k) CHECK(mismatches[k] == 0);
  }
}

TEST_CASE("Tokenizer: many tokenizers in one thread keep their own options") {
  // More tokenizers than the per-thread iterator cache holds, created and
  // destroyed in turn, each used after the others.
  std::vector<std::unique_ptr<voc::Tokenizer>> all;
  std::vector<bool> folds;
  for (int k = 0; k < 12; ++k) {
    voc::TokenizerOptions o;
    o.fast_path = k % 2 == 0;
    o.case_fold = k % 3 != 0;
    auto t = voc::Tokenizer::Create(o);
    REQUIRE(t.ok());
    all.push_back(std::move(*t));
    folds.push_back(o.case_fold);
  }
  const std::string text = "Hello W\xC3\xB6rld. Zweiter Satz \xF0\x9F\x91\x8D";
  for (int round = 0; round < 2; ++round) {
    for (size_t k = 0; k < all.size(); ++k) {
      voc::Tokenization t = all[k]->Tokenize(text);
      REQUIRE(t.tokens.size() == 6);
      CHECK(t.sentences.size() == 2);
      CHECK(t.tokens[1].norm == (folds[k] ? "w\xC3\xB6rld" : "W\xC3\xB6rld"));
    }
    all.erase(all.begin());  // destroy one; the others still work
    folds.erase(folds.begin());
    auto t = voc::Tokenizer::Create({});
    REQUIRE(t.ok());
    CHECK((*t)->Tokenize(text).tokens.size() == 6);
  }
}

namespace {

// The `voc tokenize` JSON of `t` as nlohmann::ordered_json renders it.
std::string ReferenceTokenizationJson(const voc::Tokenization& t, std::string_view text, bool norm,
                                      bool sentences) {
  nlohmann::ordered_json doc;
  doc["tokens"] = nlohmann::ordered_json::array();
  for (const voc::Token& tok : t.tokens) {
    nlohmann::ordered_json j;
    j["text"] = std::string(tok.text(text));
    if (norm) j["norm"] = tok.norm;
    j["kind"] = voc::TokenKindName(tok.kind);
    j["begin"] = tok.begin;
    j["end"] = tok.end;
    if (norm && tok.elongated) j["elongated"] = true;
    doc["tokens"].push_back(j);
  }
  if (sentences) {
    doc["sentences"] = nlohmann::ordered_json::array();
    for (const voc::Sentence& s : t.sentences)
      doc["sentences"].push_back(
          {{"begin", s.begin}, {"end", s.end}, {"first_token", s.first_token}, {"end_token", s.end_token}});
  }
  return doc.dump();
}

}  // namespace

TEST_CASE("AppendTokenizationJson: the tokens and sentences as JSON, escaped, of any length") {
  std::string many;
  for (int k = 0; k < 300; ++k)
    many += "Sooo \"quoted\" back\\slash \x01 caf\xC3\xA9 @bob #tag :) 12:30 $5. ";
  const std::string url = "https://example.com/" + std::string(900, 'a') + "?q=\"x\"";
  const std::string texts[] = {
      "",
      "Hello, World! Sooo happy :)",
      "tab\there \"quotes\" and back\\slash \x01\x1f ctrl",
      "caf\xC3\xA9 \xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD ok. \xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E",
      "see " + url + " and " + url + " twice",  // tokens too long for the writer's buffer
      many,                                     // output many times the buffer
  };
  for (const std::string& text : texts) {
    const voc::Tokenization t = Default().Tokenize(text);
    for (bool norm : {true, false}) {
      for (bool sentences : {true, false}) {
        CAPTURE(text);
        CAPTURE(norm);
        CAPTURE(sentences);
        std::string got = "prefix";
        voc::AppendTokenizationJson(t, text, &got, norm, sentences);
        CHECK(got == "prefix" + ReferenceTokenizationJson(t, text, norm, sentences));
      }
    }
  }
  // The key order and the optional "elongated" exactly.
  std::string got;
  const std::string text = "Sooo ok";
  voc::AppendTokenizationJson(Default().Tokenize(text), text, &got);
  CHECK(got ==
        "{\"tokens\":[{\"text\":\"Sooo\",\"norm\":\"soo\",\"kind\":\"word\",\"begin\":0,\"end\":4,"
        "\"elongated\":true},{\"text\":\"ok\",\"norm\":\"ok\",\"kind\":\"word\",\"begin\":5,\"end\":7}],"
        "\"sentences\":[{\"begin\":0,\"end\":7,\"first_token\":0,\"end_token\":2}]}");
}
