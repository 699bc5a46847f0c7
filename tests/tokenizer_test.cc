#include "voc/tokenizer.h"

#include <doctest/doctest.h>

#include <string>
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

TEST_CASE("Tokenizer: words, punctuation and whitespace") {
  CHECK(Kinds("Hello, world!") == V{"Hello/word", ",/punct", "world/word", "!/punct"});
  CHECK(Kinds("  \t\n ").empty());
  CHECK(Kinds("").empty());
  voc::Tokenization t = Default().Tokenize("Hello, World");
  REQUIRE(t.tokens.size() == 3);
  CHECK(t.tokens[0].begin == 0);
  CHECK(t.tokens[0].end == 5);
  CHECK(t.tokens[0].norm == "hello");
  CHECK(t.tokens[2].begin == 7);
  CHECK(t.tokens[2].norm == "world");
}

TEST_CASE("Tokenizer: social tokens are kept whole") {
  CHECK(Kinds("see https://x.io/a?b=1. ok") ==
        V{"see/word", "https://x.io/a?b=1/url", "./punct", "ok/word"});
  CHECK(Kinds("mail jane.doe@example.com now") ==
        V{"mail/word", "jane.doe@example.com/email", "now/word"});
  CHECK(Kinds("@united #fail") == V{"@united/mention", "#fail/hashtag"});
  CHECK(Kinds("I can't don\xE2\x80\x99t") ==
        V{"I/word", "can't/contraction", "don\xE2\x80\x99t/contraction"});
}

TEST_CASE("Tokenizer: thread-safe first look") {
  voc::Tokenization t = Default().Tokenize("One. Two!");
  CHECK(t.sentences.size() == 2);
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
    out += "(" + std::to_string(s.begin) + "," + std::to_string(s.end) + "," +
           std::to_string(s.first_token) + "," + std::to_string(s.end_token) + ")";
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
        "a", "b", "X", "XX", "XXXX", "o", "s", "soooo", "can", "'", "t", "n't", "I'm", ".", ",",
        ";", ":", "!", "?", "-", "_", "(", ")", "[", "]", "{", "}", "$", "#", "@", "<", ">", "=",
        "^", "*", "/", "\\", "\"", "3", "8", "10", "1,234.56", "9", ":)", ":-(", "XD", "<3",
        ":/", "http://", "www.", "x.com", "@user", "#tag", "me@ex.com", "10:30", "pm", "am",
        "$12.50", "USD", "[EMAIL]", "{$39.00}", "XX/XX/XXXX", " ", " ", " ", "  ", "\t", "\n",
        "\r\n", "\r", "\v", "\f", "e.g.", "U.S.", "3rd", "!!!", "...", "Mr.", "Hello", "WORLD",
        "x", "D", "P", "%", "&", "+", "|", "~", "`", "\x01", "\x7f", "0", "a1", "1a", "the",
        "And", ". ", "? ", "! ", ".) ", ".\" ", " i", "No.", "3.", "a.B"};
    static const char* const kOther[] = {
        "\xC3\xA9", "caf\xC3\xA9", "\xE2\x80\x99", "\xE2\x80\x9C", "\xE2\x80\x9D",
        "\xD0\x9F\xD1\x80\xD0\xB8", "\xE6\x9D\xB1\xE4\xBA\xAC", "\xE3\x81\xA7\xE3\x81\x99",
        "\xF0\x9F\x91\x8D", "\xF0\x9F\x8F\xBD", "\xE2\x80\x8D", "\xF0\x9F\x87\xAB",
        "\xF0\x9F\x87\xB7", "\xEF\xB8\x8F", "\xE2\x83\xA3", "\xCC\x81", "\xC2\xA0",
        "\xE3\x80\x80", "\xE2\x80\xA6", "\xE2\x82\xAC", "\xC2\xA3", "\xE0\xB8\xAA\xE0\xB8\xA7",
        "\xD8\xB3\xD9\x84\xD8\xA7\xD9\x85", "\xE2\x9D\xA4", "\xC2\xA9", "\xEF\xBC\x81",
        "\xE2\x80\x8B", "\xC3\x9F", "\xEF\xAC\x80", "\xC4\xB0", "\xE3\x80\x82",
        "\xC2\x85", "\xE2\x80\xA9", "\xE2\x80\xA8", "\xE2\x80\x94", "\xC2\xBF", "\xC3\x89"};
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
    ++compared;
  }
  CHECK(compared == 20000);
}
