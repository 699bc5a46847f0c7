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
