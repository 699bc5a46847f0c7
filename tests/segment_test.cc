// One segmentation: the Tokenizer (`voc tokenize`), sentiment
// (Analysis::sentences), the theme rules' sentence scope, the signals and
// the phrase statistics share the sentence and word rules of src/segment.h.
#include "text/segment.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "insight/aggregate_data.h"
#include "text/stop_words.h"
#include "util/utf8_util.h"
#include "voc/analyzer.h"
#include "voc/sentiment.h"
#include "voc/taxonomy.h"
#include "voc/tokenizer.h"

namespace {

using Spans = std::vector<std::pair<uint32_t, uint32_t>>;

const voc::Tokenizer& Tok() {
  static auto t = voc::Tokenizer::Create({});
  REQUIRE(t.ok());
  return **t;
}

const voc::Analyzer& SharedAnalyzer() {
  static std::unique_ptr<voc::Analyzer> analyzer = [] {
    voc::AnalyzerOptions o;
    o.models_dir = VOC_SOURCE_DIR "/models";
    o.language = "en";
    auto r = voc::Analyzer::Create(o);
    REQUIRE_MESSAGE(r.ok(), r.status().ToString());
    return std::move(*r);
  }();
  return *analyzer;
}

const voc::SentimentAnalyzer& Sentiment() {
  static std::unique_ptr<voc::SentimentAnalyzer> s = [] {
    voc::SentimentOptions o;
    o.model_path.clear();  // the lexicon alone: evidence is the lexicon's
    auto r = voc::SentimentAnalyzer::Create(o);
    REQUIRE(r.ok());
    return std::move(*r);
  }();
  return *s;
}

Spans TokenizerSentences(std::string_view text) {
  Spans out;
  for (const voc::Sentence& s : Tok().Tokenize(text).sentences) out.push_back({s.begin, s.end});
  return out;
}

Spans SharedSentences(std::string_view text) {
  std::vector<voc::internal::TextSpan> spans;
  voc::internal::Sentences(text, &spans);
  Spans out;
  for (const auto& s : spans) out.push_back({s.begin, s.end});
  return out;
}

std::vector<std::string> Texts(std::string_view text, const Spans& spans) {
  std::vector<std::string> out;
  for (const auto& s : spans) out.emplace_back(text.substr(s.first, s.second - s.first));
  return out;
}

// Texts with the cases where the stages used to disagree: ';', '...',
// abbreviations, line breaks, emoji, social tokens, lower-case starts.
const char* const kTexts[] = {
    "Refund please; the fee was wrong. Thanks!",
    "The app crashed... again. Then it froze... Great job \xF0\x9F\x98\xA1 really",
    "Mr. Smith said e.g. the fee is approx. ten dollars. No. 5 is the U.S. rule.",
    "first line\nsecond line\r\nthird line",
    "Love it \xF0\x9F\x98\x8D. the fit is great!! \xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD would buy again",
    "@united thanks for nothing. See http://x.io/?A=1 now. mail me at a.b@c.com? ok",
    "Looks just as good in person!. I love the lacy details. this dress is simple",
    "Wait...what?! I paid $12.50 at 9 a.m. for [EMAIL] XXXX. why",
    "   leading and trailing blanks.   ",
    "",
};

}  // namespace

TEST_CASE("Segmentation: voc tokenize, Analysis::sentences and the shared rules agree") {
  for (const char* text : kTexts) {
    INFO("text: [" << text << "]");
    const Spans tok = TokenizerSentences(text);
    CHECK(SharedSentences(text) == tok);
    voc::Analysis a = SharedAnalyzer().AnalyzeText(text);
    // The analyzer's text is normalised (blanks trimmed); its sentences are
    // the tokenizer's sentences of that text.
    Spans analysed;
    for (const auto& s : a.sentences) analysed.push_back({s.begin, s.end});
    CHECK(analysed == TokenizerSentences(a.text));
    // The rules' sentence scope: each token's sentence is the one holding it.
    voc::internal::SentenceIndex index(text);
    const voc::Tokenization t = Tok().Tokenize(text);
    for (const voc::Sentence& s : t.sentences) {
      for (uint32_t k = s.first_token; k < s.end_token; ++k) {
        const voc::internal::TextSpan around = index.Around(t.tokens[k].begin, t.tokens[k].end);
        CHECK(around.begin == s.begin);
        CHECK(around.end == s.end);
      }
    }
  }
}

TEST_CASE("Segmentation: sentence rules on ';', '...', abbreviations, line breaks, emoji") {
  using V = std::vector<std::string>;
  std::string t = "Refund please; the fee was wrong. Thanks!";
  CHECK(Texts(t, SharedSentences(t)) == V{"Refund please; the fee was wrong.", "Thanks!"});
  // An ellipsis before a lower-case word continues the sentence.
  t = "The app crashed... again. Then it froze... Great job";
  CHECK(Texts(t, SharedSentences(t)) == V{"The app crashed... again.", "Then it froze...", "Great job"});
  // A full stop before a lower-case word ends a sentence, unless it closes
  // an abbreviation.
  t = "Love it. the fit is great, e.g. the hem is approx. ten cm. no returns";
  CHECK(Texts(t, SharedSentences(t)) ==
        V{"Love it.", "the fit is great, e.g. the hem is approx. ten cm.", "no returns"});
  t = "first line\nsecond line\r\nthird \xF0\x9F\x98\x8D. fourth";
  CHECK(Texts(t, SharedSentences(t)) == V{"first line", "second line", "third \xF0\x9F\x98\x8D.", "fourth"});
  // A boundary inside a URL moves to its end, as the tokenizer keeps the URL
  // in the sentence of its first byte.
  t = "See http://x.io/?A=1 now";
  CHECK(Texts(t, SharedSentences(t)) == V{"See http://x.io/?A=1", "now"});
  CHECK(Texts(t, TokenizerSentences(t)) == V{"See http://x.io/?A=1", "now"});
}

TEST_CASE("Segmentation: the rules' sentence scope is the shared sentence") {
  auto tax = voc::Taxonomy::LoadFile(VOC_TEST_DATA_DIR "/taxonomy/small.json");
  REQUIRE(tax.ok());
  voc::ThemeOptions o;
  auto clf = voc::ThemeClassifier::Create(std::shared_ptr<const voc::Taxonomy>(std::move(*tax)), o);
  REQUIRE(clf.ok());
  // "no fees" vetoes a fee in its sentence only; ';' does not end one.
  CHECK((*clf)->Classify("There were no fees at first; then a fee appeared.").empty());
  CHECK((*clf)->Classify("There were no fees at first... then a fee appeared.").empty());
  CHECK((*clf)->Classify("There were no fees at first. then a fee appeared.").size() == 1);
  CHECK((*clf)->Classify("There were no fees at first\nthen a fee appeared").size() == 1);
}

TEST_CASE("Segmentation: a text split again gets its own sentences, however many texts came between") {
  // Sentences remembers the last texts a thread split, by their bytes: a
  // text of the same length with other bytes, or one split long before, is
  // split afresh.
  using voc::internal::TextSpan;
  auto spans_of = [](std::string_view text) {
    std::vector<TextSpan> out;
    voc::internal::Sentences(text, &out);
    std::vector<std::pair<uint32_t, uint32_t>> v;
    for (const TextSpan& t : out) v.emplace_back(t.begin, t.end);
    return v;
  };
  const std::string a = "Bad one. Good two. Meh!";
  const std::string b = "Bad one, good two, meh!";  // the same length, one sentence
  REQUIRE(a.size() == b.size());
  std::vector<voc::internal::SocialSpan> social;
  std::vector<TextSpan> out;
  voc::internal::Sentences(a, social, &out);  // remembered
  CHECK(spans_of(a) == std::vector<std::pair<uint32_t, uint32_t>>{{0, 8}, {9, 18}, {19, 23}});
  CHECK(spans_of(b) == std::vector<std::pair<uint32_t, uint32_t>>{{0, 23}});
  // Many texts later, the first is split again, with the same result.
  for (int i = 0; i < 100; ++i) {
    const std::string other = "Text " + std::to_string(i) + ". Next one. " + a;
    voc::internal::Sentences(other, social, &out);
  }
  CHECK(spans_of(a) == std::vector<std::pair<uint32_t, uint32_t>>{{0, 8}, {9, 18}, {19, 23}});
  voc::internal::SentenceIndex index(a);
  CHECK(index.Around(10, 12).begin == 9);
  CHECK(index.Around(10, 12).end == 18);
}

TEST_CASE("Segmentation: mentions, URLs, e-mails, masks and numbers are never sentiment words") {
  auto evidence = [](std::string_view text) {
    std::vector<std::string> out;
    for (const auto& e : Sentiment().Analyze(text).document.evidence)
      out.emplace_back(text.substr(e.begin, e.end - e.begin));
    return out;
  };
  using V = std::vector<std::string>;
  // "united" is a lexicon word; as a mention (a brand) it is not scored.
  CHECK(evidence("we united") == V{"united"});
  CHECK(evidence("@united thanks for nothing") == V{"thanks for nothing"});
  CHECK(evidence("@united").empty());
  CHECK(evidence("see https://great-deals.example/love-it").empty());
  CHECK(evidence("www.awesome.example").empty());
  CHECK(evidence("write to happy.customer@great.example").empty());
  CHECK(evidence("[GREAT] [LOVE]").empty());  // redaction masks
  CHECK(evidence("great [EMAIL]") == V{"great"});
  // The mention still belongs to the sentence: Analysis::sentences spans it.
  voc::SentimentResult r = Sentiment().Analyze("@united thanks for nothing");
  REQUIRE(r.sentences.size() == 1);
  CHECK(r.sentences[0].begin == 0);
  CHECK(r.sentences[0].end == 26);
  // Numbers count as no word: the same score with or without them.
  CHECK(Sentiment().Analyze("great 42").document.score == Sentiment().Analyze("great").document.score);
  CHECK(Sentiment().Analyze("great word").document.score != Sentiment().Analyze("great").document.score);
  // Through the whole pipeline too.
  voc::Analysis a = SharedAnalyzer().AnalyzeText("@united thanks for nothing");
  for (const auto& e : a.sentiment.evidence) CHECK(e.begin >= 8);
}

TEST_CASE("Segmentation: phrase statistics skip mentions, URLs, e-mails and masks") {
  const auto g = voc::internal::DistinctNgrams(
      "@united lost bag https://lost-luggage.example/claim form via jane.doe@mail.example today", 3);
  auto has = [&](const std::string& s) { return std::binary_search(g.begin(), g.end(), s); };
  CHECK(has("lost bag"));
  CHECK(has("claim form") == false);
  CHECK(has("form"));
  CHECK_FALSE(has("united"));
  CHECK_FALSE(has("united lost"));
  CHECK_FALSE(has("lost luggage"));
  CHECK_FALSE(has("example"));
  CHECK_FALSE(has("jane"));
  CHECK_FALSE(has("mail"));
}

TEST_CASE("Segmentation: numbers as the tokenizer classifies them") {
  CHECK(voc::internal::IsNumberWord("42"));
  CHECK(voc::internal::IsNumberWord("3rd"));
  CHECK(voc::internal::IsNumberWord("21ST"));
  CHECK_FALSE(voc::internal::IsNumberWord("mp3"));
  CHECK_FALSE(voc::internal::IsNumberWord("4g"));
  CHECK_FALSE(voc::internal::IsNumberWord(""));
  for (std::string_view w : {"42", "3rd", "mp3", "4g"}) {
    const voc::Tokenization t = Tok().Tokenize(w);
    REQUIRE(t.tokens.size() == 1);
    CHECK((t.tokens[0].kind == voc::TokenKind::kNumber) == voc::internal::IsNumberWord(w));
  }
}

TEST_CASE("Segmentation: words are runs of the classifier's word characters") {
  const std::string text = "Gift-card balance, \xF0\x9F\x98\xA1 won't 'refund' @bank\nnow";
  std::vector<voc::internal::Word> w;
  voc::internal::Words(text, &w);
  std::vector<std::string> got;
  std::vector<bool> joined;
  for (const auto& x : w) {
    got.emplace_back(text.substr(x.begin, x.end - x.begin));
    joined.push_back(x.joined);
  }
  // The emoji and the mention are no words; apostrophes at a word's edges are trimmed.
  CHECK(got == std::vector<std::string>{"Gift", "card", "balance", "won't", "refund", "now"});
  // A hyphen or a space joins; a comma, an emoji, a skipped mention or a line break does not.
  CHECK(joined == std::vector<bool>{false, true, true, false, true, false});
  CHECK(voc::internal::IsWordCodePoint(U'\u00E9'));
  CHECK_FALSE(voc::internal::IsWordCodePoint(U'\u2019'));
  CHECK_FALSE(voc::internal::IsWordCodePoint(0x1F621));
}

TEST_CASE("Segmentation: phrase statistics keep content words in any supported language") {
  const auto g = voc::internal::DistinctNgrams(
      "Terrible service \xF0\x9F\x98\xA1 refund. Le remboursement de la commande! 3rd time x", 3);
  auto has = [&](const std::string& s) { return std::binary_search(g.begin(), g.end(), s); };
  CHECK(has("terrible service"));
  CHECK(has("refund"));
  CHECK(has("remboursement"));
  CHECK(has("commande"));
  // An emoji is no phrase word and ends the phrase.
  CHECK_FALSE(has("terrible service refund"));
  for (const std::string& s : g) CHECK(s.find('\xF0') == std::string::npos);
  // Stop words of the other languages, numbers and one-letter words are left out.
  CHECK_FALSE(has("la"));
  CHECK_FALSE(has("remboursement de"));
  CHECK_FALSE(has("3rd"));
  CHECK_FALSE(has("x"));
  CHECK(voc::internal::IsContentWord("refund"));
  CHECK_FALSE(voc::internal::IsContentWord("xxxx"));
  CHECK_FALSE(voc::internal::IsContentWord("21st"));
  CHECK_FALSE(voc::internal::IsContentWord("\xC3\xA9"));  // one letter
  CHECK_FALSE(voc::internal::IsContentWord("de"));
  // Arabic function words ("in", "from", "this") are not content; a name is.
  CHECK_FALSE(voc::internal::IsContentWord("في"));
  CHECK_FALSE(voc::internal::IsContentWord("من"));
  CHECK_FALSE(voc::internal::IsContentWord("هذا"));
  CHECK(voc::internal::IsContentWord("لبنان"));
}

TEST_CASE("Stop words: ForEachStopWord lists IsStopWord's words, each once") {
  std::set<std::string> listed;
  size_t calls = 0;
  voc::internal::ForEachStopWord([&](std::string_view w) {
    ++calls;
    listed.emplace(w);
    CHECK(voc::internal::IsStopWord(w));
  });
  CHECK(calls == listed.size());
  for (const char* w : {"the", "how", "la", "und", "في", "pls", "told"}) {
    CAPTURE(w);
    CHECK(listed.count(w) == 1);
  }
  for (const char* w : {"refund", "lbnan", "The", ""}) {
    CAPTURE(w);
    CHECK(listed.count(w) == 0);
    CHECK_FALSE(voc::internal::IsStopWord(w));
  }
}

TEST_CASE("AsciiWordBytes8 marks exactly the ASCII word bytes, in every lane") {
  std::mt19937_64 rng(3);
  for (int lane = 0; lane < 8; ++lane) {
    for (int b = 0; b < 256; ++b) {
      for (int t = 0; t < 8; ++t) {
        // The byte under test in its lane, any bytes around it (a carry
        // from a neighbour would show).
        uint64_t v = rng();
        v = (v & ~(uint64_t{0xFF} << (8 * lane))) | (static_cast<uint64_t>(b) << (8 * lane));
        const uint64_t marked = (voc::internal::AsciiWordBytes8(v) >> (8 * lane + 7)) & 1;
        const bool word = b < 0x80 && voc::internal::IsWordCodePoint(static_cast<uint32_t>(b));
        INFO("lane " << lane << " byte " << b << " word " << v);
        CHECK(marked == (word ? 1u : 0u));
        CHECK((voc::internal::AsciiWordBytes8(v) & ~0x8080808080808080ull) == 0);
      }
    }
  }
}

TEST_CASE("BlankNonWords: numbers after long words and at every offset") {
  // Runs of word bytes longer than eight, and numbers just before, inside
  // and after them, with non-ASCII words between.
  std::string out;
  voc::internal::BlankNonWords(
      "abcdefghijklmnop 12345 qrstuvwxyz_0 1,234.56 caf\xC3\xA9"
      "99 x9 9x",
      &out);
  CHECK(out ==
        "abcdefghijklmnop       qrstuvwxyz_0          caf\xC3\xA9"
        "99 x9 9x");
  for (size_t pad = 0; pad < 12; ++pad) {
    const std::string text = std::string(pad, 'a') + " 2024 " + std::string(pad, 'b');
    voc::internal::BlankNonWords(text, &out);
    CHECK(out == std::string(pad, 'a') + "      " + std::string(pad, 'b'));
  }
}
