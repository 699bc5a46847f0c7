#include "voc/sentiment.h"
#include "voc/tokenizer.h"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <cctype>
#include <cstdio>
#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <random>
#include <unistd.h>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "sentiment/sentiment_internal.h"
#include "sentiment/sentiment_lexicon.h"
#include "sentiment/sentiment_model.h"
#include "sentiment/sentiment_scan.h"
#include "sentiment/short_key_map.h"
#include "text/segment.h"

namespace {

const voc::SentimentAnalyzer& Lexicon() {
  static std::unique_ptr<voc::SentimentAnalyzer> a = [] {
    auto r = voc::SentimentAnalyzer::Create({});
    REQUIRE(r.ok());
    return std::move(*r);
  }();
  return *a;
}

double Score(const std::string& text) { return Lexicon().Analyze(text).document.score; }
voc::Polarity Label(const std::string& text) { return Lexicon().Analyze(text).document.label; }

std::string TempPath(const char* name) {
  return (std::filesystem::temp_directory_path() /
          ("voc_sentiment_test_" + std::to_string(::getpid()) + "_" + name))
      .string();
}

// Returns the evidence text of `r` joined by '|'.
std::string EvidenceText(const std::string& text, const voc::Sentiment& s) {
  std::string out;
  for (const auto& e : s.evidence) {
    if (!out.empty()) out += "|";
    out += text.substr(e.begin, e.end - e.begin);
  }
  return out;
}

}  // namespace

TEST_CASE("Sentiment: basic polarity and ranges") {
  CHECK(Label("I love this phone, it works great") == voc::Polarity::kPositive);
  CHECK(Label("This is the worst service I have ever had") == voc::Polarity::kNegative);
  CHECK(Label("The package arrived on Tuesday") == voc::Polarity::kNeutral);
  for (const char* t : {"great", "awful!!!", "", "ok", "HORRIBLE HORRIBLE HORRIBLE!!!!"}) {
    auto r = Lexicon().Analyze(t);
    CHECK(r.document.score >= -1.0);
    CHECK(r.document.score <= 1.0);
    CHECK(r.document.confidence >= 0.0);
    CHECK(r.document.confidence <= 1.0);
  }
  auto empty = Lexicon().Analyze("");
  CHECK(empty.document.label == voc::Polarity::kNeutral);
  CHECK(empty.document.evidence.empty());
  CHECK(empty.sentences.empty());
  // An empty text as the first a thread scores: its working arrays are
  // still empty (under the sanitizers, a null pointer given to memset).
  voc::Polarity first = voc::Polarity::kPositive;
  std::thread([&] { first = Lexicon().Analyze("").document.label; }).join();
  CHECK(first == voc::Polarity::kNeutral);
}

TEST_CASE("Sentiment: customer-service phrases") {
  CHECK(Label("No problem, happy to help") == voc::Polarity::kPositive);
  CHECK(Label("no worries") != voc::Polarity::kNegative);
  CHECK(Label("I was on hold for an hour") == voc::Polarity::kNegative);
  CHECK(Label("Still waiting for my refund") == voc::Polarity::kNegative);
  CHECK(Label("I was charged twice for one order") == voc::Polarity::kNegative);
  CHECK(Label("No one called me back") == voc::Polarity::kNegative);
  CHECK(Label("The agent was rude") == voc::Polarity::kNegative);
  CHECK(Label("My issue is still unresolved") == voc::Polarity::kNegative);
  CHECK(Label("The call got disconnected") == voc::Polarity::kNegative);
  // "like" as a preposition or a request is not praise; as a verb it is.
  CHECK(Label("It looks like a box") == voc::Polarity::kNeutral);
  CHECK(Label("I would like a copy of my bill") == voc::Polarity::kNeutral);
  CHECK(Label("I like it") == voc::Polarity::kPositive);
  // A contraction is not mistaken for a word without its apostrophe ("I'll" is not "ill").
  CHECK(Label("I'll call tomorrow") == voc::Polarity::kNeutral);
  // "pretty" praises at the end of its clause or after a booster; before
  // another word it only strengthens it ("pretty bad").
  for (const char* t :
       {"The dress is pretty.", "so pretty!", "very pretty colours", "It looks pretty, thanks"}) {
    std::string text = t;
    CAPTURE(text);
    CHECK(Label(text) == voc::Polarity::kPositive);
    CHECK(EvidenceText(text, Lexicon().Analyze(text).document).find("pretty") != std::string::npos);
  }
  CHECK(Label("The service was pretty bad") == voc::Polarity::kNegative);
  CHECK(Score("pretty bad") < Score("bad"));
  CHECK(Label("pretty much the same") == voc::Polarity::kNeutral);
  // Stretched words are the words: "goooood" is "good", "loooove" is "love",
  // "sooo" boosts like "so", "nooo" negates like "no".
  for (const char* t : {"this is goooood", "loooove it", "awesomeeee"}) {
    std::string text = t;
    CAPTURE(text);
    CHECK(Label(text) == voc::Polarity::kPositive);
  }
  CHECK(EvidenceText("loooove it", Lexicon().Analyze("loooove it").document) == "loooove");
  CHECK(Score("sooo happy") > Score("happy"));
  CHECK(Label("nooo, not goooood") == voc::Polarity::kNegative);
  CHECK(Label("zzzz hmmm www") == voc::Polarity::kNeutral);
  // Product verdicts and their common misspellings.
  CHECK(Label("It works well") == voc::Polarity::kPositive);
  CHECK(Label("Very dissapointed, sent it back") == voc::Polarity::kNegative);
  CHECK(Label("Overpriced and flimsy") == voc::Polarity::kNegative);
  // "well" praises after a booster; alone, or in "as well", it does not.
  for (const char* t : {"It worked very well.", "It holds up pretty well", "The plot is so well"}) {
    std::string text = t;
    CAPTURE(text);
    CHECK(Label(text) == voc::Polarity::kPositive);
    CHECK(EvidenceText(text, Lexicon().Analyze(text).document) == "well");
  }
  CHECK(Label("Well, I called them") == voc::Polarity::kNeutral);
  CHECK(Label("I ordered the case as well") == voc::Polarity::kNeutral);
  CHECK(Label("The plug did not work very well") == voc::Polarity::kNegative);
  // General evaluative words the sources lack, and misspellings of polar words.
  CHECK(Label("The checkout was a nightmare") == voc::Polarity::kNegative);
  CHECK(Label("What a letdown") == voc::Polarity::kNegative);
  CHECK(Label("The soup was tasty") == voc::Polarity::kPositive);
  CHECK(Label("The app is buggy") == voc::Polarity::kNegative);
  CHECK(Label("excelent service") == voc::Polarity::kPositive);
  CHECK(Label("the delay is unacceptible") == voc::Polarity::kNegative);
}

TEST_CASE("Sentiment: ratings written with a number") {
  struct Case {
    const char* text;
    const char* evidence;
    voc::Polarity label;
  };
  const Case cases[] = {
      {"10/10", "10/10", voc::Polarity::kPositive},
      {"I rate this movie 9/10.", "9/10", voc::Polarity::kPositive},
      {"Rating: 1 out of 10.", "1 out of 10", voc::Polarity::kNegative},
      {"I give it 4 out of 5 stars", "4 out of 5 stars", voc::Polarity::kPositive},
      {"He deserves 5 stars.", "5 stars", voc::Polarity::kPositive},
      {"I gave Wirefly 1 star.", "1 star", voc::Polarity::kNegative},
      {"2/5 stars for the food", "2/5 stars", voc::Polarity::kNegative},
      {"a 5-star hotel", "5-star", voc::Polarity::kPositive},
      {"10 out of 10 for the trilogy", "10 out of 10", voc::Polarity::kPositive},
  };
  for (const Case& c : cases) {
    std::string text = c.text;
    CAPTURE(text);
    auto r = Lexicon().Analyze(text);
    CHECK(r.document.label == c.label);
    CHECK(EvidenceText(text, r.document) == c.evidence);
    REQUIRE(r.document.evidence.size() == 1);
    CHECK(r.document.evidence[0].source == "rating");
  }
  // Three of five is the middle of the scale; more stars score higher.
  CHECK(Label("3 stars") == voc::Polarity::kNeutral);
  CHECK(Score("5 stars") > Score("4 stars"));
  CHECK(Score("1 star") < Score("2 stars"));
  // Sizes, dates, fractions and counts are no ratings.
  for (const char* t : {"I wear size 8/10", "size l 8/10 fits", "On 3/10 I called them", "due 3/10/2024",
                        "9 out of 10 dentists", "3/4 sleeves", "open 24/7", "I bought 2 of them", "12/10"}) {
    std::string text = t;
    CAPTURE(text);
    for (const auto& e : Lexicon().Analyze(text).document.evidence) CHECK(e.source != "rating");
  }
  // The pipeline's tokens find the same ratings.
  auto tok = voc::Tokenizer::Create({});
  REQUIRE(tok.ok());
  for (std::string text : {"I rate this movie 9/10.", "I give it 4 out of 5 stars", "On 3/10 I called"}) {
    CAPTURE(text);
    auto a = Lexicon().Analyze(text, (*tok)->Tokenize(text));
    CHECK(EvidenceText(text, a.document) == EvidenceText(text, Lexicon().Analyze(text).document));
  }
}

TEST_CASE("Scanner: RatingValence reads the scale and stops at the rating's end") {
  namespace si = voc::sentiment_internal;
  size_t end = 0;
  float v = 0;
  std::string t = "9/10 overall";
  REQUIRE(si::RatingValence(t, 0, 1, "", &end, &v));
  CHECK(end == 4);
  CHECK(v == doctest::Approx(1.5));
  t = "0 out of five";
  REQUIRE(si::RatingValence(t, 0, 1, "", &end, &v));
  CHECK(end == t.size());
  CHECK(v == doctest::Approx(-3.0));
  t = "10 stars!";
  REQUIRE(si::RatingValence(t, 0, 2, "", &end, &v));
  CHECK(end == 8);
  CHECK(v == doctest::Approx(2.0));  // more than five stars is five
  t = "8/10 and more";
  CHECK(si::RatingValence(t, 0, 1, "rate", &end, &v));  // a rating word before it
  CHECK_FALSE(si::RatingValence(t, 0, 1, "", &end, &v));
  CHECK_FALSE(si::RatingValence(t, 0, 1, "size", &end, &v));
  t = "123/10";
  CHECK_FALSE(si::RatingValence(t, 0, 3, "", &end, &v));  // three digits
  t = "5 out of";
  CHECK_FALSE(si::RatingValence(t, 0, 1, "", &end, &v));  // cut short
  t = "5 starships";
  CHECK_FALSE(si::RatingValence(t, 0, 1, "", &end, &v));
}

TEST_CASE("Sentiment: negation scope") {
  CHECK(Label("The food was not bad") == voc::Polarity::kPositive);
  CHECK(Score("The food was not bad") < Score("The food was good"));
  CHECK(Label("The food was not good") == voc::Polarity::kNegative);
  CHECK(Label("I don't like it") == voc::Polarity::kNegative);
  CHECK(Label("I don’t like it") == voc::Polarity::kNegative);  // typographic apostrophe
  CHECK(Label("It never works properly, and support is useless") == voc::Polarity::kNegative);
  CHECK(Label("without any problem") == voc::Polarity::kPositive);
  // Scope ends at a comma: "great" is not negated.
  CHECK(Label("Not cheap, but great") == voc::Polarity::kPositive);
  // Scope is a few words: a far-away word stays positive.
  CHECK(Score("no doubt the staff were great") > 0.3);
  auto r = Lexicon().Analyze("This is not good");
  REQUIRE(r.document.evidence.size() == 1);
  CHECK(r.document.evidence[0].source == "lexicon:negated");
  CHECK(r.document.evidence[0].weight < 0);
}

TEST_CASE("Sentiment: intensifiers, dampeners, capitals, exclamation marks") {
  CHECK(Score("The service was very good") > Score("The service was good"));
  CHECK(Score("The service was slightly good") < Score("The service was good"));
  CHECK(Score("The service was extremely bad") < Score("The service was bad"));
  CHECK(Score("The service was GREAT today") > Score("The service was great today"));
  CHECK(Score("The service was great!!!") > Score("The service was great"));
  CHECK(Score("The service was awful!!!") < Score("The service was awful"));
  // All capitals everywhere is not emphasis of one word.
  CHECK(Score("THE SERVICE WAS GREAT") == doctest::Approx(Score("the service was great")));
}

TEST_CASE("Sentiment: contrast makes the later clause weigh more") {
  CHECK(Label("The staff were friendly but the wait was terrible") == voc::Polarity::kNegative);
  CHECK(Label("The wait was terrible but the staff were wonderful") == voc::Polarity::kPositive);
  CHECK(Label("The wait was bad. However, the staff were wonderful.") == voc::Polarity::kPositive);
}

TEST_CASE("Sentiment: questions, quotations, wishes, excess and top-of-scale comparatives") {
  // A question asks: its polar words count half, an exclamation does not.
  CHECK(Score("Is the food good?") > 0);
  CHECK(Score("Is the food good?") < Score("The food is good."));
  CHECK(Score("The food is good?!") >= Score("The food is good."));
  // Words in quotation marks are cited: the "expedited" repair.
  CHECK(Score("A \"great\" repair") > 0);
  CHECK(Score("A \"great\" repair") < Score("A great repair"));
  // Counterfactual modals: what would have been good was not.
  CHECK(Label("It could have been better") == voc::Polarity::kNegative);
  CHECK(Label("The trip would've been great") == voc::Polarity::kNegative);
  CHECK(Label("It could have been worse") == voc::Polarity::kPositive);
  CHECK(Label("It couldn't have been better") == voc::Polarity::kPositive);
  CHECK(Label("I have been happy with it") == voc::Polarity::kPositive);  // no modal
  // A wish for a comparative: "would be nicer".
  CHECK(Label("A longer cable would be much nicer") == voc::Polarity::kNegative);
  CHECK(Label("I would be happy to recommend it") == voc::Polarity::kPositive);
  // A negated comparative after "be" / "get any" is the top of the scale.
  CHECK(Label("I couldn't be more happier with it") == voc::Polarity::kPositive);
  CHECK(Label("I could not be happier") == voc::Polarity::kPositive);
  CHECK(Label("It doesn't get any better than this") == voc::Polarity::kPositive);
  CHECK(Label("It couldn't be worse") == voc::Polarity::kNegative);
  CHECK(Label("It never gets better") == voc::Polarity::kNegative);
  // "least" negates; "at least" does not.
  CHECK(Label("The least helpful staff I have met") == voc::Polarity::kNegative);
  CHECK(Label("At least the staff were helpful") == voc::Polarity::kPositive);
  // "too" before a word of no polarity is an excess; "not too" softens it.
  CHECK(Label("The sleeves are too long") == voc::Polarity::kNegative);
  auto r = Lexicon().Analyze("The sleeves are too long");
  REQUIRE(r.document.evidence.size() == 1);
  CHECK(r.document.evidence[0].weight < 0);
  CHECK(EvidenceText("The sleeves are too long", r.document) == "too long");
  CHECK(Score("not too big and it fits well") > Score("too big and it fits well"));
  CHECK(Score("me too!") == 0);
  CHECK(Score("I want one too and the kids") == 0);
  // Idioms whose words mislead, and verdicts the sources lack.
  CHECK(Label("The tiramisu is to die for") == voc::Polarity::kPositive);
  CHECK(Label("@airline thanks for nothing") == voc::Polarity::kNegative);
  CHECK(Label("Simply incredible") == voc::Polarity::kPositive);
  CHECK(Label("Totally overrated") == voc::Polarity::kNegative);
  CHECK(Label("Can't wait to try it") == voc::Polarity::kPositive);
  CHECK(Label("It is no longer working") == voc::Polarity::kNegative);
  // An HTML-escaped heart, as posts exported through an API carry it.
  CHECK(Label("Blues tonight &lt;3") == voc::Polarity::kPositive);
}

TEST_CASE("Sentiment: emoji and emoticons") {
  CHECK(Label("🙄") == voc::Polarity::kNegative);
  CHECK(Label("sure 🙄") == voc::Polarity::kNegative);
  CHECK(Label("😡") == voc::Polarity::kNegative);
  CHECK(Label("😍") == voc::Polarity::kPositive);
  CHECK(Label("❤️") == voc::Polarity::kPositive);
  CHECK(Label("👍🏽") == voc::Polarity::kPositive);  // skin tone modifier
  // Laughing-crying is ambiguous: weak, far below a heart-eyes face.
  CHECK(std::abs(Score("😂")) < 0.5 * Score("😍"));
  CHECK(Label("Thanks :)") == voc::Polarity::kPositive);
  CHECK(Label("my order is late :(") == voc::Polarity::kNegative);
  CHECK(Label("see you :-)") == voc::Polarity::kPositive);
  // URLs are not emoticons.
  CHECK(Label("http://example.com/p") == voc::Polarity::kNeutral);
  auto r = Lexicon().Analyze("ok 😡 :(");
  REQUIRE(r.document.evidence.size() == 3);
  CHECK(r.document.evidence[1].source == "emoji");
  CHECK(r.document.evidence[2].source == "emoticon");
}

TEST_CASE("Scanner: every emoji sequence of the lexicon is found whole, between any neighbours") {
  using voc::sentiment_internal::kEmojiTermCount;
  using voc::sentiment_internal::kEmojiTerms;
  using voc::sentiment_internal::TokenKind;
  voc::sentiment_internal::Scanner scanner;
  std::vector<voc::sentiment_internal::Token> tokens;
  std::vector<std::pair<uint32_t, uint32_t>> sentences;
  size_t longest = 0;
  for (size_t i = 0; i < kEmojiTermCount; ++i) {
    const std::string term = kEmojiTerms[i].term;
    longest = std::max(longest, term.size());
    float valence = 0;
    REQUIRE(scanner.LookupSymbol(term, &valence));
    // Alone, after a word, and between stray continuation bytes (invalid
    // UTF-8 that must not shift where the sequence is looked for).
    for (const std::string& before : {std::string(), std::string("ok "), std::string("\x80")}) {
      for (const std::string& after : {std::string(), std::string(" ok"), std::string("\x80")}) {
        const std::string text = before + term + after;
        scanner.Scan(text, &tokens, &sentences);
        auto it = std::find_if(tokens.begin(), tokens.end(),
                               [&](const auto& t) { return t.begin == before.size(); });
        CAPTURE(text);
        REQUIRE(it != tokens.end());
        CHECK(it->kind == TokenKind::kEmoji);
        CHECK(it->end == before.size() + term.size());
        CHECK(it->valence == valence);
      }
    }
  }
  CHECK(longest < 64);  // the scanner looks up sequences of up to 63 bytes
}

TEST_CASE("Scanner: long words end where their letters end and are all caps when no letter is lower case") {
  using voc::sentiment_internal::TokenKind;
  voc::sentiment_internal::Scanner scanner;
  std::vector<voc::sentiment_internal::Token> tokens;
  std::vector<std::pair<uint32_t, uint32_t>> sentences;
  struct Case {
    const char* word;
    bool all_caps;
  };
  // Words across and inside eight-byte blocks: letters, digits, apostrophes,
  // non-ASCII letters, a lower-case letter at every place.
  const Case cases[] = {{"ABCDEFGHIJKLMNOPQ", true},
                        {"ABCDEFGHIJKLMNOPq", false},
                        {"aBCDEFGHIJKLMNOPQ", false},
                        {"ABCDEFGh", false},
                        {"ABCDEFG7", true},
                        {"X2345678901", false},  // one letter
                        {"XY345678901", true},
                        {"DON'TSTOPMENOW", true},
                        {"DON'TSTOPmENOW", false},
                        {"CAF\xC3\x89"
                         "CAF\xC3\x89"
                         "CAFE",
                         true},
                        {"CAF\xC3\xA9"
                         "CAF\xC3\xA9"
                         "CAFE",
                         true},  // a non-ASCII letter is of neither case
                        {"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", false}};
  for (const Case& c : cases) {
    for (const std::string& around : {std::string(" "), std::string(", "), std::string("! ")}) {
      const std::string text = "ok" + around + c.word + around + "ok";
      CAPTURE(text);
      scanner.Scan(text, &tokens, &sentences);
      const size_t begin = 2 + around.size();
      auto it = std::find_if(tokens.begin(), tokens.end(), [&](const auto& t) { return t.begin == begin; });
      REQUIRE(it != tokens.end());
      CHECK(it->kind == TokenKind::kWord);
      CHECK(it->end == begin + std::strlen(c.word));
      CHECK(it->all_caps == c.all_caps);
    }
  }
}

TEST_CASE("Scanner: the social tokens it reports are SocialSpans', and blank a text the same way") {
  voc::sentiment_internal::Scanner scanner;
  std::vector<voc::sentiment_internal::Token> tokens;
  std::vector<std::pair<uint32_t, uint32_t>> sentences;
  std::vector<voc::internal::SocialSpan> scanned, alone;
  for (const std::string text :
       {std::string("@united lost my bag #fail, see https://t.co/x1 or mail jo@x.com [EMAIL] XXXX"),
        std::string("on the 3rd, 1,234.56 at 10:30pm for $12.50 :( \xF0\x9F\x98\xA1 mp3 cafe\xCC\x81!"),
        std::string("42 is 4,2 or 4.2. x1,000 ok_2 2nd,3rd caf\xC3\xA9 \xC3 12\x80 7"), std::string("")}) {
    CAPTURE(text);
    scanned.assign(3, {0, 0, voc::TokenKind::kWord});  // stale content is replaced
    scanner.Scan(text, &tokens, &sentences, &scanned);
    alone.clear();
    voc::internal::SocialSpans(text, &alone);
    REQUIRE(scanned.size() == alone.size());
    for (size_t i = 0; i < alone.size(); ++i) {
      CHECK(scanned[i].begin == alone[i].begin);
      CHECK(scanned[i].end == alone[i].end);
      CHECK(scanned[i].kind == alone[i].kind);
    }
    std::string with, without;
    voc::internal::BlankNonWords(text, scanned, &with);
    voc::internal::BlankNonWords(text, &without);
    CHECK(with == without);
  }
  std::string out;
  voc::internal::BlankNonWords("3rd 1,234.56 x4 4.x", {}, &out);  // no social tokens: numbers still blanked
  CHECK(out == "             x4  .x");
  // A number is found wherever its first digit falls in the text's 8-byte
  // blocks or its tail; bytes that only look like digits in their low bits
  // ("\xC2\xB0" = "°", "\xC2\xB9" = "¹", '@' .. 'I') are not digits.
  const std::string filler = "ab\xC2\xB0\xC2\xB9@I";  // 8 bytes, no digit
  voc::internal::BlankNonWords(filler + filler + filler, {}, &out);
  CHECK(out == filler + filler + filler);
  for (size_t at = 0; at < 20; ++at) {
    CAPTURE(at);
    std::string text(20, 'x');
    for (size_t k = 0; k < 20; ++k) text[k] = k % 3 == 2 ? ' ' : 'q';
    text.replace(at, 1, "7");
    if (at > 0) text[at - 1] = ' ';
    if (at + 1 < text.size()) text[at + 1] = ' ';
    std::string want = text;
    want[at] = ' ';
    voc::internal::BlankNonWords(text, {}, &out);
    CHECK(out == want);
  }
}

TEST_CASE("Sentiment: evidence offsets point at the words") {
  std::string text = "Today, I was STILL WAITING on my refund and the agent was rude :(";
  auto r = Lexicon().Analyze(text);
  CHECK(EvidenceText(text, r.document) == "STILL WAITING|refund|rude|:(");
  for (const auto& e : r.document.evidence) {
    CHECK(e.begin < e.end);
    CHECK(e.end <= text.size());
    CHECK(e.weight < 0);
  }
  voc::SentimentOptions o;
  o.max_evidence = 2;
  auto few = voc::SentimentAnalyzer::Create(o);
  REQUIRE(few.ok());
  auto r2 = (*few)->Analyze(text);
  // The two strongest, in text order.
  CHECK(EvidenceText(text, r2.document) == "STILL WAITING|rude");
}

TEST_CASE("Sentiment: mentions, URLs, e-mail addresses and masks are never scored") {
  // "@united" would be the lexicon's positive "united"; the brand handle is not a word.
  std::string text = "@united thanks for nothing";
  auto r = Lexicon().Analyze(text);
  CHECK(EvidenceText(text, r.document) == "thanks for nothing");
  CHECK(EvidenceText("(@HappyAirline) awful", Lexicon().Analyze("(@HappyAirline) awful").document) ==
        "awful");
  std::string urls = "see http://t.co/great and www.love.com/best, https://x.io/happy. Rude staff";
  CHECK(EvidenceText(urls, Lexicon().Analyze(urls).document) == "Rude");
  std::string mail = "write to happy.love@best.com or [EMAIL] now: terrible service";
  auto m = Lexicon().Analyze(mail);
  CHECK(EvidenceText(mail, m.document) == "terrible service");
  // The sentence after a skipped address still starts a sentence of its own.
  std::string two = "Mail good.guy@x.com. Awful wait!";
  auto t = Lexicon().Analyze(two);
  REQUIRE(t.sentences.size() == 2);
  CHECK(EvidenceText(two, t.document) == "Awful");
  // Hashtag words still count ("#fail" is the customer's word), and so does an
  // '@' inside a word that is not an address.
  CHECK(Label("#love this") == voc::Polarity::kPositive);
}

TEST_CASE("Sentiment: no mention, URL or hashtag mark is ever cited as evidence") {
  // Handles, addresses and tags made of polar words, around real posts (the
  // 60 sample tweets shipped in examples/data), scored by the lexicon and by
  // the shipped model, from the built-in scan and from the pipeline's tokens.
  std::vector<std::string> posts = {
      "@love_you thanks for nothing #fail",
      "@happy @great_service @best the WORST wait ever",
      "#awesome #love this! http://t.co/great https://terrible.example/awful?bad=1",
      "see www.happy.com/best-deal :( @sad_panda",
      "@united: lost my bag again #neveragain #hate",
      "RT @anonymous: great news!!! #winning",
      "#blessed",
      "@ok",
      "www.good.com",
  };
  {
    std::ifstream f(std::string(VOC_SOURCE_DIR) + "/examples/data/sample_tweets.txt");
    REQUIRE(f);
    for (std::string line; std::getline(f, line);)
      if (!line.empty()) posts.push_back(line);
  }
  REQUIRE(posts.size() > 60);
  // Bytes a piece of evidence may never cover: every '@' and '#' and every
  // byte of a URL (from "http" or "www." to the next white space).
  auto forbidden = [](const std::string& t) {
    std::vector<char> no(t.size(), 0);
    for (size_t i = 0; i < t.size(); ++i) {
      if (t[i] == '@' || t[i] == '#') no[i] = 1;
      if (t.compare(i, 7, "http://") == 0 || t.compare(i, 8, "https://") == 0 || t.compare(i, 4, "www.") == 0)
        for (size_t j = i; j < t.size() && t[j] != ' '; ++j) no[j] = 1;
    }
    return no;
  };
  voc::SentimentOptions with_model;
  with_model.model_path = std::string(VOC_SOURCE_DIR) + "/models/sentiment.vocm";
  auto model = voc::SentimentAnalyzer::Create(with_model);
  REQUIRE(model.ok());
  auto tok = voc::Tokenizer::Create({});
  REQUIRE(tok.ok());
  size_t cited = 0;
  for (const std::string& text : posts) {
    const std::vector<char> no = forbidden(text);
    voc::Tokenization t = (*tok)->Tokenize(text);
    for (const voc::SentimentResult& r : {Lexicon().Analyze(text), Lexicon().Analyze(text, t),
                                          (*model)->Analyze(text), (*model)->Analyze(text, t)}) {
      std::vector<const voc::Sentiment*> all = {&r.document};
      for (const auto& s : r.sentences) all.push_back(&s.sentiment);
      for (const voc::Sentiment* s : all)
        for (const auto& e : s->evidence) {
          CAPTURE(text);
          CAPTURE(text.substr(e.begin, e.end - e.begin));
          REQUIRE(e.begin < e.end);
          REQUIRE(e.end <= text.size());
          CHECK(std::find(no.begin() + e.begin, no.begin() + e.end, 1) == no.begin() + e.end);
          ++cited;
        }
    }
  }
  CHECK(cited > 100);  // the posts do have evidence: the check above ran
  // The words of hashtags still count, without their mark.
  std::string tag = "#love this";
  CHECK(EvidenceText(tag, Lexicon().Analyze(tag).document) == "love");
  std::string mention = "@happy awful";
  CHECK(EvidenceText(mention, (*model)->Analyze(mention).document) == "awful");
}

TEST_CASE("Sentiment: per-sentence results") {
  std::string text = "The product is great. The delivery was awful!\nI called on Monday";
  auto r = Lexicon().Analyze(text);
  REQUIRE(r.sentences.size() == 3);
  CHECK(text.substr(r.sentences[0].begin, r.sentences[0].end - r.sentences[0].begin) ==
        "The product is great.");
  CHECK(text.substr(r.sentences[1].begin, r.sentences[1].end - r.sentences[1].begin) ==
        "The delivery was awful!");
  CHECK(r.sentences[0].sentiment.label == voc::Polarity::kPositive);
  CHECK(r.sentences[1].sentiment.label == voc::Polarity::kNegative);
  CHECK(r.sentences[2].sentiment.label == voc::Polarity::kNeutral);
  CHECK(EvidenceText(text, r.sentences[0].sentiment) == "great");
  CHECK(EvidenceText(text, r.sentences[1].sentiment) == "awful");
  voc::SentimentOptions o;
  o.sentences = false;
  auto a = voc::SentimentAnalyzer::Create(o);
  REQUIRE(a.ok());
  CHECK((*a)->Analyze(text).sentences.empty());
  // Decimals do not split a sentence.
  CHECK(Lexicon().Analyze("It costs 3.5 dollars for shipping").sentences.size() == 1);
}

TEST_CASE("Sentiment: long complaints do not saturate") {
  // A long narrative with mostly negative but some neutral and positive words.
  std::string para =
      "I called the bank on March 3 about a late fee that I did not expect. The first agent was "
      "polite and said the fee would be removed. Two weeks later the fee was still on my statement "
      "and I was charged interest as well. I called again and was on hold for forty minutes before "
      "the call was disconnected. ";
  std::string text;
  while (text.size() < 6000) text += para;  // about 1,000 words
  auto r = Lexicon().Analyze(text);
  CHECK(r.document.label == voc::Polarity::kNegative);
  CHECK(r.document.score > -0.9);
  CHECK(r.document.score < -0.1);
  // Twice the same narrative scores the same: the score is a balance, not a sum.
  CHECK(Score(text + text) == doctest::Approx(r.document.score).epsilon(0.2));
  // A short, purely negative complaint is clearly stronger.
  CHECK(Score("Terrible. Charged twice and the agent was rude.") < r.document.score);
}

TEST_CASE("Sentiment: bad input never crashes") {
  std::string bad = "\xff\xfe good \xc3 \xe2\x80 \xf0\x9f\x98";
  auto r = Lexicon().Analyze(bad);
  CHECK(r.document.label == voc::Polarity::kPositive);
  std::string zeros(100, '\0');
  CHECK(Lexicon().Analyze(zeros).document.label == voc::Polarity::kNeutral);
  std::string marks(10000, '!');
  CHECK(Lexicon().Analyze(marks).document.label == voc::Polarity::kNeutral);
}

TEST_CASE("Sentiment: const Analyze is thread-safe") {
  const std::string text = "The staff were friendly but the wait was terrible :(";
  const double expected = Score(text);
  std::vector<std::thread> threads;
  std::vector<int> mismatches(4, 0);
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i)
        if (Lexicon().Analyze(text).document.score != expected) ++mismatches[t];
    });
  for (auto& th : threads) th.join();
  for (int m : mismatches) CHECK(m == 0);
}

TEST_CASE("Sentiment: option and model errors") {
  voc::SentimentOptions o;
  o.model_weight = 1.5;
  auto r = voc::SentimentAnalyzer::Create(o);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().ToString() == "INVALID_ARGUMENT: model_weight must be in [0, 1]");
  o = {};
  o.neutral_threshold = -0.1;
  CHECK(voc::SentimentAnalyzer::Create(o).status().message() == "neutral_threshold must be in [0, 1)");
  o = {};
  o.model_temperature = 0;
  CHECK(voc::SentimentAnalyzer::Create(o).status().message() == "model_temperature must be in (0, 100]");
  o = {};
  o.max_evidence = -1;
  CHECK(voc::SentimentAnalyzer::Create(o).status().message() == "max_evidence must be >= 0");

  o = {};
  o.model_path = TempPath("missing.ftz");
  std::remove(o.model_path.c_str());
  r = voc::SentimentAnalyzer::Create(o);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == voc::StatusCode::kNotFound);
  CHECK(r.status().message() == "cannot open sentiment model '" + o.model_path + "'");

  o.model_path = TempPath("garbage.ftz");
  {
    std::ofstream f(o.model_path, std::ios::binary);
    f << "this is not a model at all, just some text that is long enough to read";
  }
  r = voc::SentimentAnalyzer::Create(o);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == voc::StatusCode::kDataLoss);
  CHECK(r.status().message().rfind(
            "sentiment model '" + o.model_path + "' is neither a voc sentiment model nor a fastText model (",
            0) == 0);

  o.model_path = TempPath("truncated.ftz");
  {
    std::ofstream f(o.model_path, std::ios::binary);
    int32_t header[2] = {793712314, 12};
    f.write(reinterpret_cast<const char*>(header), sizeof(header));
  }
  r = voc::SentimentAnalyzer::Create(o);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message() == "sentiment model '" + o.model_path + "' is truncated");
  std::remove(TempPath("garbage.ftz").c_str());
  std::remove(TempPath("truncated.ftz").c_str());
}

TEST_CASE("Sentiment: the shipped model loads and blends") {
  voc::SentimentOptions o;
  o.model_path = std::string(VOC_SOURCE_DIR) + "/models/sentiment.vocm";
  auto a = voc::SentimentAnalyzer::Create(o);
  REQUIRE_MESSAGE(a.ok(), a.status().ToString());
  CHECK((*a)->has_model());
  auto r = (*a)->Analyze("The agent was rude and I am still waiting for my refund");
  CHECK(r.has_model);
  double total = r.model_probabilities[0] + r.model_probabilities[1] + r.model_probabilities[2];
  CHECK(total == doctest::Approx(1.0).epsilon(0.02));
  CHECK(r.document.label == voc::Polarity::kNegative);
  CHECK((*a)->Analyze("Great service, thank you so much!").document.label == voc::Polarity::kPositive);
  // Lexicon evidence is still reported with a model.
  CHECK_FALSE(r.document.evidence.empty());
  // Weight 0 gives the lexicon's verdict.
  o.model_weight = 0;
  auto lex = voc::SentimentAnalyzer::Create(o);
  REQUIRE(lex.ok());
  std::string t = "It was fine I guess";
  CHECK((*lex)->Analyze(t).document.label == Lexicon().Analyze(t).document.label);
}

TEST_CASE("Sentiment: scoring the pipeline's tokens agrees with the built-in scanner") {
  auto tok = voc::Tokenizer::Create({});
  REQUIRE(tok.ok());
  for (std::string text :
       {"The staff were friendly but the wait was terrible :(",
        "I don't like it. Still waiting for my refund!!! 🙄", "No problem, thanks 👍🏽 #happy",
        "The food was not bad", "Call me at [PHONE] or see https://x.io/abc, it is GREAT service"}) {
    voc::Tokenization t = (*tok)->Tokenize(text);
    auto a = Lexicon().Analyze(text, t);
    auto b = Lexicon().Analyze(text);
    CAPTURE(text);
    CHECK(a.document.label == b.document.label);
    CHECK(a.document.score == doctest::Approx(b.document.score).epsilon(0.05));
    CHECK(EvidenceText(text, a.document) == EvidenceText(text, b.document));
    CHECK(a.sentences.size() == b.sentences.size());
  }
  // Tokens that do not belong to the text are skipped, not read out of bounds.
  voc::Tokenization bogus;
  bogus.tokens.push_back({0, 500, voc::TokenKind::kWord, false, "x"});
  CHECK(Lexicon().Analyze("short", bogus).document.evidence.empty());
}

TEST_CASE("Sentiment: a fastText model loads and blends") {
  voc::SentimentOptions o;
  o.model_path = std::string(VOC_SOURCE_DIR) + "/tests/data/sentiment/tiny.ftz";
  auto a = voc::SentimentAnalyzer::Create(o);
  REQUIRE_MESSAGE(a.ok(), a.status().ToString());
  auto r = (*a)->Analyze("rude waiting never refund");
  REQUIRE(r.has_model);
  CHECK(r.model_probabilities[0] > r.model_probabilities[2]);
  CHECK(r.model_probabilities[0] + r.model_probabilities[1] + r.model_probabilities[2] ==
        doctest::Approx(1.0).epsilon(0.02));
}

TEST_CASE("Sentiment: truncated and bit-flipped fastText models are refused, never crash") {
  const std::string shipped = std::string(VOC_SOURCE_DIR) + "/tests/data/sentiment/tiny.ftz";
  std::ifstream in(shipped, std::ios::binary);
  const std::string image((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  REQUIRE(image.size() > 10000);
  voc::SentimentOptions o;
  o.model_path = TempPath("damaged.ftz");
  auto write = [&](const std::string& bytes) {
    std::ofstream f(o.model_path, std::ios::binary | std::ios::trunc);
    f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  };
  // Every truncation is refused with a message naming the file.
  for (size_t cut : {size_t{70}, size_t{100}, size_t{1000}, image.size() / 3, image.size() / 2,
                     image.size() - 100, image.size() - 1}) {
    write(image.substr(0, cut));
    auto r = voc::SentimentAnalyzer::Create(o);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == voc::StatusCode::kDataLoss);
    CHECK(r.status().message().find("sentiment model '" + o.model_path + "'") == 0);
  }
  // Bit flips in the header and dictionary: refused or loaded, never a crash,
  // and a loaded model still scores in range.
  uint64_t state = 12345;
  int refused = 0;
  for (int i = 0; i < 60; ++i) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    std::string bad = image;
    const size_t pos = 8 + (state >> 33) % std::min<size_t>(image.size() - 8, 4096);
    bad[pos] = static_cast<char>(bad[pos] ^ (1 << ((state >> 20) % 8)));
    write(bad);
    auto r = voc::SentimentAnalyzer::Create(o);
    if (!r.ok()) {
      ++refused;
      continue;
    }
    auto s = (*r)->Analyze("the refund never came and nobody called back");
    CHECK(s.document.score >= -1.0);
    CHECK(s.document.score <= 1.0);
  }
  CHECK(refused > 0);
  std::remove(o.model_path.c_str());
}

namespace {

std::vector<voc::LabeledText> SentimentRows() {
  const char* pos[] = {"thank you so much, great help",     "the agent was lovely and quick",
                       "problem solved, excellent service", "love the new app, works great",
                       "very happy with the refund speed",  "friendly staff, thanks a lot"};
  const char* neg[] = {"the agent was rude and hung up",   "still waiting for my refund, awful",
                       "charged twice and nobody cares",   "worst service ever, cancel my account",
                       "the app keeps crashing, terrible", "never got a call back, angry"};
  const char* neu[] = {"please update my address",    "how do I change my plan",
                       "I need to reset my password", "what are your opening hours",
                       "where can I find my invoice", "I want to check my order"};
  std::vector<voc::LabeledText> rows;
  for (int rep = 0; rep < 5; ++rep)
    for (int i = 0; i < 6; ++i) {
      rows.push_back({pos[i], {"positive"}});
      rows.push_back({neg[i], {"negative"}});
      rows.push_back({neu[i], {"neutral"}});
    }
  return rows;
}

}  // namespace

TEST_CASE("Sentiment: the model input carries the lexicon's judgement as tokens") {
  const std::string in = Lexicon().ModelInput("The agent was rude");
  CHECK(in.rfind("The agent was rude lexscoren", 0) == 0);
  CHECK(in.find(" lexclassneg") != std::string::npos);
  CHECK(in.find(" lexpos0") != std::string::npos);
  CHECK(in.find(" lexnone") == std::string::npos);
  const std::string flat = Lexicon().ModelInput("where is my order");
  CHECK(flat == "where is my order lexscorep0 lexclassneu lexpos0 lexneg0 lexnone");
}

TEST_CASE("Sentiment: TrainSentimentModel stacks a linear model on the lexicon") {
  voc::TrainOptions options;
  options.task = "themes";     // overridden
  options.char_ngrams = true;  // overridden
  auto model = voc::TrainSentimentModel(SentimentRows(), options);
  REQUIRE_MESSAGE(model.ok(), model.status().ToString());
  const voc::ModelInfo& info = (*model)->info();
  CHECK(info.task == "sentiment");
  CHECK(info.backend == "linear");
  CHECK(info.input == voc::kSentimentLexiconInput);
  CHECK(info.metadata_json.find("\"char_ngrams\":null") != std::string::npos);
  // Its features are words and the lexicon's tokens, never character n-grams.
  voc::Explanation e = (*model)->Explain(Lexicon().ModelInput("still waiting, awful"), "negative", 20);
  REQUIRE_FALSE(e.features.empty());
  for (const auto& f : e.features) CHECK(f.feature.rfind("char:", 0) != 0);

  const std::string path = TempPath("stacked.vocm");
  REQUIRE((*model)->Save(path).ok());
  voc::SentimentOptions so;
  so.model_path = path;
  so.model_weight = 1.0;
  auto a = voc::SentimentAnalyzer::Create(so);
  REQUIRE_MESSAGE(a.ok(), a.status().ToString());
  CHECK((*a)->has_model());
  CHECK((*a)->Analyze("the agent was rude, still waiting").document.label == voc::Polarity::kNegative);
  CHECK((*a)->Analyze("great help, thank you").document.label == voc::Polarity::kPositive);
  CHECK((*a)->Analyze("please update my address").document.label == voc::Polarity::kNeutral);
  std::remove(path.c_str());
}

TEST_CASE("Sentiment: TrainSentimentModel refuses other labels and multi-label rows") {
  auto rows = SentimentRows();
  rows[4].labels = {"angry"};
  auto bad = voc::TrainSentimentModel(rows, {});
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().message() ==
        "row 5 has label 'angry'; sentiment labels are negative, neutral and positive");
  voc::TrainOptions multi;
  multi.multi_label = true;
  auto m = voc::TrainSentimentModel(SentimentRows(), multi);
  REQUIRE_FALSE(m.ok());
  CHECK(m.status().message() == "a sentiment model is single-label");
}

TEST_CASE("Sentiment: a voc model whose input this version cannot produce is refused") {
  voc::TrainOptions options;
  options.task = "sentiment";
  options.input = "sentiment-lexicon/99";
  auto model = voc::TextClassifier::Train(SentimentRows(), options);
  REQUIRE(model.ok());
  const std::string path = TempPath("future_input.vocm");
  REQUIRE((*model)->Save(path).ok());
  voc::SentimentOptions so;
  so.model_path = path;
  auto a = voc::SentimentAnalyzer::Create(so);
  REQUIRE_FALSE(a.ok());
  CHECK(a.status().message() ==
        "sentiment model '" + path +
            "' expects input 'sentiment-lexicon/99', which this version cannot produce");
  std::remove(path.c_str());
}

TEST_CASE("SentimentToJson: equals the nlohmann rendering it replaced") {
  auto evidence = [](const std::string& text, const std::vector<voc::EvidenceSpan>& ev) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& e : ev) {
      nlohmann::json j = {{"begin", e.begin}, {"end", e.end}, {"source", e.source}, {"weight", e.weight}};
      if (e.end <= text.size() && e.begin <= e.end) j["text"] = text.substr(e.begin, e.end - e.begin);
      out.push_back(std::move(j));
    }
    return out;
  };
  voc::SentimentOptions o;
  o.model_path = std::string(VOC_SOURCE_DIR) + "/models/sentiment.vocm";
  auto a = voc::SentimentAnalyzer::Create(o);
  REQUIRE(a.ok());
  for (std::string text : {"The staff were friendly but the wait was terrible :(", "",
                           "I don't like it. Still waiting for my refund!!! \xF0\x9F\x99\x84",
                           "quote \" back\\slash \x01 tab\t and bad \xC3 byte. Great!"}) {
    for (bool components : {false, true}) {
      voc::SentimentResult r = (*a)->Analyze(text);
      nlohmann::json j = {{"label", voc::PolarityName(r.document.label)},
                          {"score", r.document.score},
                          {"confidence", r.document.confidence},
                          {"evidence", evidence(text, r.document.evidence)}};
      nlohmann::json ss = nlohmann::json::array();
      for (const auto& s : r.sentences)
        ss.push_back({{"begin", s.begin},
                      {"end", s.end},
                      {"label", voc::PolarityName(s.sentiment.label)},
                      {"score", s.sentiment.score},
                      {"confidence", s.sentiment.confidence},
                      {"evidence", evidence(text, s.sentiment.evidence)}});
      j["sentences"] = std::move(ss);
      if (components) {
        j["lexicon_score"] = r.lexicon_score;
        j["model"] = {{"negative", r.model_probabilities[0]},
                      {"neutral", r.model_probabilities[1]},
                      {"positive", r.model_probabilities[2]}};
      }
      CAPTURE(text);
      const std::string fast = voc::SentimentToJson(r, text, true, components);
      CHECK(nlohmann::json::parse(fast) ==
            nlohmann::json::parse(j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)));
      CHECK((voc::SentimentToJson(r, text, false, components).find("\"sentences\"") == std::string::npos));
    }
  }
}

TEST_CASE("Sentiment: TrainSentimentModel can stack a fastText model instead") {
  voc::TrainOptions options;
  options.backend = "fasttext";
  options.fasttext_dim = 8;
  options.fasttext_bucket = 2000;
  auto model = voc::TrainSentimentModel(SentimentRows(), options);
  REQUIRE_MESSAGE(model.ok(), model.status().ToString());
  CHECK((*model)->info().backend == "fasttext");
  CHECK((*model)->info().input == voc::kSentimentLexiconInput);
  const std::string path = TempPath("stacked_ft.vocm");
  REQUIRE((*model)->Save(path).ok());
  voc::SentimentOptions so;
  so.model_path = path;
  auto a = voc::SentimentAnalyzer::Create(so);
  REQUIRE_MESSAGE(a.ok(), a.status().ToString());
  auto r = (*a)->Analyze("the agent was rude, still waiting");
  REQUIRE(r.has_model);
  CHECK(r.model_probabilities[0] + r.model_probabilities[1] + r.model_probabilities[2] ==
        doctest::Approx(1.0).epsilon(0.02));
  std::remove(path.c_str());
}

TEST_CASE("The model's lexicon tokens spell the score band, class and strengths, then their repeats") {
  using voc::sentiment_internal::AppendLexiconTokens;
  std::string s = "text";
  AppendLexiconTokens(-0.55, 0.0, 1.2, &s);
  CHECK(s == "text lexscoren6 lexclassneg lexpos0 lexneg2");
  s.clear();
  AppendLexiconTokens(1.0, 7.5, 0.0, &s, 1);
  CHECK(s == " lexscorep10 lexclasspos lexpos10 lexneg0 lexscorep10 lexclasspos lexpos10 lexneg0");
  s.clear();
  AppendLexiconTokens(0.0, 0.0, 0.0, &s);
  CHECK(s == " lexscorep0 lexclassneu lexpos0 lexneg0 lexnone");
  s.clear();
  AppendLexiconTokens(-3.0, 0.2, 50.0, &s);
  CHECK(s == " lexscoren10 lexclassneg lexpos0 lexneg10");
}

TEST_CASE(
    "Sentiment: lookup keys ignore case and the apostrophe's form, in words of any length and at the end") {
  // Words shorter and longer than eight bytes, at the end of the text and
  // before it, with straight and curly apostrophes.
  CHECK(Score("the food was Great") == Score("the food was great"));
  CHECK(Score("Great food, Wonderful staff") == Score("great food, wonderful staff"));
  CHECK(Score("Absolutely Unbelievably Wonderful experience") ==
        Score("absolutely unbelievably wonderful experience"));
  CHECK(Score("Goooood") == Score("goooood"));
  CHECK(Score("I Don\xE2\x80\x99t Like It") == Score("i don't like it"));
  CHECK(Score("I Don\xE2\x80\x99t Like It") == Score("I dont like it"));
  CHECK(Label("I don't like it") == voc::Polarity::kNegative);
  CHECK(Score("It didn\xE2\x80\x99t work well at all, sadly") == Score("It didn't work well at all, sadly"));
  CHECK(Score("The support wasn\xE2\x80\x99t helpful") == Score("The support wasn't helpful"));
  CHECK(Label("The support wasn't helpful") == voc::Polarity::kNegative);
  // A contraction in "n't" that no list holds negates; without the
  // apostrophe the word is no contraction.
  CHECK(Label("This mightn't be good") == voc::Polarity::kNegative);
  CHECK(Label("This mightnt be good") == voc::Polarity::kPositive);
  // A stretched word whose shortened form ends in "nt" is no contraction.
  CHECK(Label("elegaaaant good design") == voc::Polarity::kPositive);
  CHECK(Score("elegaaaant good design") == Score("elegant good design"));
}

TEST_CASE("Sentiment: a text of one sentence gives that sentence the document's verdict and evidence") {
  voc::SentimentOptions o;
  o.model_path = std::string(VOC_SOURCE_DIR) + "/models/sentiment.vocm";
  auto with_model = voc::SentimentAnalyzer::Create(o);
  REQUIRE_MESSAGE(with_model.ok(), with_model.status().ToString());
  const voc::SentimentAnalyzer* analyzers[] = {&Lexicon(), with_model->get()};
  for (const voc::SentimentAnalyzer* a : analyzers) {
    for (const std::string text :
         {"The agent was rude, slow and not helpful at all but the refund came quickly", "great", "",
          "I called on Monday"}) {
      CAPTURE(text);
      auto r = a->Analyze(text);
      if (text.empty()) {
        CHECK(r.sentences.empty());
        continue;
      }
      REQUIRE(r.sentences.size() == 1);
      const voc::Sentiment& s = r.sentences[0].sentiment;
      CHECK(s.label == r.document.label);
      CHECK(s.score == r.document.score);
      CHECK(s.confidence == r.document.confidence);
      REQUIRE(s.evidence.size() == r.document.evidence.size());
      for (size_t i = 0; i < s.evidence.size(); ++i) {
        CHECK(s.evidence[i].begin == r.document.evidence[i].begin);
        CHECK(s.evidence[i].end == r.document.evidence[i].end);
        CHECK(s.evidence[i].source == r.document.evidence[i].source);
        CHECK(s.evidence[i].weight == r.document.evidence[i].weight);
      }
    }
    // Two sentences: each has its own evidence.
    const std::string two = "The product is great. The delivery was awful!";
    auto r = a->Analyze(two);
    REQUIRE(r.sentences.size() == 2);
    CHECK(EvidenceText(two, r.sentences[0].sentiment) == "great");
    CHECK(EvidenceText(two, r.sentences[1].sentiment) == "awful");
    CHECK(EvidenceText(two, r.document) == "great|awful");
  }
}

TEST_CASE("Scanner: a word is plain exactly when it holds no apostrophe or curly quote") {
  // Impl::Score copies a plain word's bytes lower-cased without looking for
  // apostrophes, and reads a lower one in place as its key: held here to the
  // bytes of every word of random texts.
  using voc::sentiment_internal::TokenKind;
  voc::sentiment_internal::Scanner scanner;
  std::vector<voc::sentiment_internal::Token> tokens;
  std::vector<std::pair<uint32_t, uint32_t>> sentences;
  const char* pieces[] = {"good",
                          "DON'T",
                          "don\xE2\x80\x99t",
                          "\xE2\x80\x98quoted",
                          "it's",
                          "'",
                          "\xE2\x80\x99",
                          "caf\xC3\xA9",
                          "\xE2\xB0\x80x",
                          "Z9",
                          "a",
                          "ABCDEFGHIJ",
                          " ",
                          ". ",
                          "!",
                          ",",
                          "-",
                          "\xF0\x9F\x98\x80",
                          ":)",
                          "#tag",
                          "@who",
                          "1",
                          "y'",
                          "'s",
                          "\xE2\x80\x98"};
  uint64_t state = 12345;
  auto next = [&]() {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<size_t>(state >> 33);
  };
  size_t plain = 0, not_plain = 0, lower = 0;
  for (int round = 0; round < 3000; ++round) {
    std::string text;
    const size_t count = next() % 12;
    for (size_t k = 0; k < count; ++k) text += pieces[next() % std::size(pieces)];
    CAPTURE(text);
    scanner.Scan(text, &tokens, &sentences);
    for (const auto& t : tokens) {
      if (t.kind != TokenKind::kWord) {
        CHECK_FALSE(t.plain);
        CHECK_FALSE(t.lower);
        continue;
      }
      const std::string_view word = std::string_view(text).substr(t.begin, t.end - t.begin);
      const bool quote = word.find('\'') != std::string_view::npos ||
                         word.find("\xE2\x80\x98") != std::string_view::npos ||
                         word.find("\xE2\x80\x99") != std::string_view::npos;
      CHECK(t.plain == !quote);
      const bool upper = std::any_of(word.begin(), word.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
      CHECK(t.lower == (!quote && !upper));
      ++(t.plain ? plain : not_plain);
      lower += t.lower;
    }
  }
  CHECK(plain > 1000);
  CHECK(not_plain > 100);
  CHECK(lower > 500);
  CHECK(lower < plain);
}

TEST_CASE("Scanner: every emoticon of the lexicon is found at the start of a chunk, in either case") {
  // The scanner turns away chunks by their first byte before it looks up
  // emoticons: held here to every emoticon the lexicon has.
  using voc::sentiment_internal::TokenKind;
  voc::sentiment_internal::Scanner scanner;
  std::vector<voc::sentiment_internal::Token> tokens;
  std::vector<std::pair<uint32_t, uint32_t>> sentences;
  std::vector<voc::internal::SocialSpan> social;
  size_t checked = 0;
  for (size_t i = 0; i < voc::sentiment_internal::kLexiconTermCount; ++i) {
    const std::string term = voc::sentiment_internal::kLexiconTerms[i].term;
    bool symbolic = false, ascii = true;
    for (char ch : term) {
      const auto c = static_cast<unsigned char>(ch);
      if (c >= 0x80) ascii = false;
      if (c < 0x80 && !std::isalnum(c) && c != '\'' && c != '-') symbolic = true;
    }
    if (!symbolic || !ascii || term.size() < 2 || term.find(' ') != std::string::npos) continue;
    std::string upper = term;
    for (char& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    for (const std::string& form : {term, upper}) {
      const std::string text = "ok " + form + " ok";
      CAPTURE(text);
      scanner.Scan(text, &tokens, &sentences, &social);
      // Social tokens (a mention, a time) are never scored.
      if (std::any_of(social.begin(), social.end(), [](const auto& s) { return s.begin <= 3 && s.end > 3; }))
        continue;
      auto it = std::find_if(tokens.begin(), tokens.end(), [](const auto& t) { return t.begin == 3; });
      REQUIRE(it != tokens.end());
      CHECK(it->kind == TokenKind::kEmoticon);
      CHECK(it->end == 3 + form.size());
      ++checked;
    }
  }
  CHECK(checked > 50);
}

namespace {

// Empty when `a` and `b` are the same verdict bit for bit; else what differs.
std::string SentimentDifference(const voc::Sentiment& a, const voc::Sentiment& b) {
  auto same = [](double x, double y) { return std::memcmp(&x, &y, sizeof x) == 0; };
  if (a.label != b.label) return "label";
  if (!same(a.score, b.score)) return "score";
  if (!same(a.confidence, b.confidence)) return "confidence";
  if (a.unscored != b.unscored) return "unscored";
  if (a.evidence.size() != b.evidence.size()) return "evidence count";
  for (size_t i = 0; i < a.evidence.size(); ++i) {
    const voc::EvidenceSpan& x = a.evidence[i];
    const voc::EvidenceSpan& y = b.evidence[i];
    if (x.begin != y.begin || x.end != y.end || x.source != y.source || !same(x.weight, y.weight))
      return "evidence " + std::to_string(i);
  }
  return "";
}

// Empty when `a` and `b` are the same result bit for bit (document,
// sentences, the blend's parts); else where they differ.
std::string ResultDifference(const voc::SentimentResult& a, const voc::SentimentResult& b) {
  std::string d = SentimentDifference(a.document, b.document);
  if (!d.empty()) return "document " + d;
  const double parts_a[] = {a.lexicon_score,          a.lexicon_positive,       a.lexicon_negative,
                            a.model_probabilities[0], a.model_probabilities[1], a.model_probabilities[2]};
  const double parts_b[] = {b.lexicon_score,          b.lexicon_positive,       b.lexicon_negative,
                            b.model_probabilities[0], b.model_probabilities[1], b.model_probabilities[2]};
  if (a.has_model != b.has_model || std::memcmp(parts_a, parts_b, sizeof parts_a) != 0) return "blend parts";
  if (a.sentences.size() != b.sentences.size()) return "sentence count";
  for (size_t s = 0; s < a.sentences.size(); ++s) {
    if (a.sentences[s].begin != b.sentences[s].begin || a.sentences[s].end != b.sentences[s].end)
      return "sentence " + std::to_string(s) + " range";
    d = SentimentDifference(a.sentences[s].sentiment, b.sentences[s].sentiment);
    if (!d.empty()) return "sentence " + std::to_string(s) + " " + d;
  }
  return "";
}

// Random texts for the lookup keys of the sentiment scorer: lexicon words
// and phrases, the words it treats apart, stretched words, apostrophes,
// capitals in every place, non-ASCII letters, punctuation and symbols.
class KeyTexts {
 public:
  KeyTexts() {
    for (size_t i = 0; i < voc::sentiment_internal::kLexiconTermCount; ++i) {
      const std::string term = voc::sentiment_internal::kLexiconTerms[i].term;
      (term.find(' ') == std::string::npos ? terms_ : phrases_).push_back(term);
    }
  }

  std::string Next() {
    std::string text;
    const size_t words = 1 + Below(24);
    for (size_t k = 0; k < words; ++k) {
      if (k > 0) text += Below(3) > 0 ? std::string(" ") : Pick(kSeparators);
      text += Cased(Marked(Word()));
    }
    if (Below(2) > 0) text += Pick(kSeparators);
    return text;
  }

 private:
  // Negations, boosters, contrast words and the words Score reads apart
  // ("well", "like", "too", "pretty", "have" and their neighbours).
  static constexpr const char* kSpecial[] = {
      "well",  "like",    "too",    "pretty", "not",      "no",    "never",  "don't",  "dont",     "didn't",
      "can't", "won’t",   "isn’t",  "very",   "really",   "so",    "quite",  "but",    "however",  "though",
      "would", "could",   "should", "have",   "would've", "i",     "we",     "you",    "they",     "do",
      "did",   "totally", "just",   "as",     "at",       "least", "only",   "doubt",  "mind",     "nothing",
      "made",  "big",     "long",   "the",    "and",      "with",  "hardly", "barely", "slightly", "it's"};
  // Those words with the neighbours that decide what they are.
  static constexpr const char* kPairs[] = {
      "works very well",  "as well",    "well made",  "so pretty", "pretty good",   "very pretty",
      "i really like",    "looks like", "don't like", "too big",   "too expensive", "not too long",
      "would have liked", "not only",   "at least",   "no doubt",  "never mind"};
  static constexpr const char* kForeign[] = {"café",   "CAFÉ",  "naïve", "Über",  "straße", "señor",
                                             "déçu",   "Échec", "très",  "bien",  "плохо",  "отлично",
                                             "größte", "ÇA",    "ñoño",  "mañana"};
  static constexpr const char* kSeparators[] = {", ", ". ",   "! ",   "!!! ", "? ",    " - ",
                                                "; ", "... ", " :) ", " :( ", " 😀 ",   " 😡 ",
                                                "\n", "",     "'",    " ’",   " 9/10 "};
  static constexpr const char* kQuotes[] = {"'", "’", "‘"};

  size_t Below(size_t n) {
    state_ = state_ * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<size_t>(state_ >> 33) % n;
  }
  template <size_t N>
  std::string Pick(const char* const (&list)[N]) {
    return list[Below(N)];
  }

  // A word (or a phrase) as the lexicon or the scorer knows it.
  std::string Word() {
    const size_t kind = Below(11);
    if (kind < 3) return terms_[Below(terms_.size())];
    if (kind < 5) return Pick(kSpecial);
    if (kind < 6) return Pick(kPairs);
    if (kind < 7) return phrases_[Below(phrases_.size())];
    if (kind < 8) return Pick(kForeign);
    if (kind < 9) return Stretched(Below(2) ? Pick(kSpecial) : terms_[Below(terms_.size())]);
    return Below(2) ? "service" : "agent";
  }

  // `w` with one of its ASCII letters said three to seven times ("sooooo").
  std::string Stretched(std::string w) {
    const size_t at = Below(w.size());
    if (!std::isalpha(static_cast<unsigned char>(w[at]))) return w;
    return w.insert(at, 2 + Below(5), w[at]);
  }

  // `w`, an ASCII word, sometimes with a straight or curly quote inside or at either end.
  std::string Marked(std::string w) {
    if (Below(8) > 0 || std::any_of(w.begin(), w.end(), [](char c) { return c & 0x80; })) return w;
    return w.insert(Below(w.size() + 1), Pick(kQuotes));
  }

  // `w` as it is, with a capital first or last letter, in capitals, or in a
  // random mix of cases (ASCII letters only).
  std::string Cased(std::string w) {
    auto upper = [](char& c) { c = static_cast<char>(std::toupper(static_cast<unsigned char>(c))); };
    switch (Below(8)) {
      case 0:
        upper(w.front());
        break;
      case 1:
        upper(w.back());
        break;
      case 2:
        for (char& c : w) upper(c);
        break;
      case 3:
        for (char& c : w)
          if (Below(2)) upper(c);
        break;
      default:
        break;
    }
    return w;
  }

  uint64_t state_ = 2026;
  std::vector<std::string> terms_;
  std::vector<std::string> phrases_;
};

}  // namespace

TEST_CASE(
    "Sentiment: a word's key read in place or copied by eight bytes scores as the key built byte by byte") {
  // The scanner marks words plain (no apostrophe) and lower (plain, no ASCII
  // capital); Score reads a lower word in place as its key and copies a
  // plain one lower-cased eight bytes at a time. With the marks cleared every
  // key is built byte by byte: the results must be the same, bit for bit.
  voc::SentimentOptions with_model;
  with_model.model_path = std::string(VOC_SOURCE_DIR) + "/models/sentiment.vocm";
  auto model = voc::SentimentAnalyzer::Create(with_model);
  REQUIRE_MESSAGE(model.ok(), model.status().ToString());
  REQUIRE((*model)->has_model());
  voc::sentiment_internal::Scanner scanner;
  std::vector<voc::sentiment_internal::Token> tokens;
  std::vector<std::pair<uint32_t, uint32_t>> sentences;
  std::vector<voc::internal::SocialSpan> social;
  KeyTexts texts;
  size_t lower = 0, plain = 0, quoted = 0, polar = 0;
  for (int round = 0; round < 4000; ++round) {
    const std::string text = texts.Next();
    CAPTURE(text);
    scanner.Scan(text, &tokens, &sentences, &social);
    for (const voc::SentimentAnalyzer* analyzer :
         {&Lexicon(), static_cast<const voc::SentimentAnalyzer*>(model->get())}) {
      const voc::SentimentResult fast =
          voc::internal::ScoreScanned(*analyzer, text, tokens, sentences, social);
      // The marked tokens score as Analyze does.
      REQUIRE(ResultDifference(fast, analyzer->Analyze(text)) == "");
      std::vector<voc::sentiment_internal::Token> unmarked = tokens;
      for (auto& t : unmarked) t.plain = t.lower = false;
      const voc::SentimentResult slow =
          voc::internal::ScoreScanned(*analyzer, text, unmarked, sentences, social);
      CHECK(ResultDifference(fast, slow) == "");
      polar += !fast.document.evidence.empty();
    }
    for (const auto& t : tokens) {
      if (t.kind != voc::sentiment_internal::TokenKind::kWord) continue;
      ++(t.lower ? lower : t.plain ? plain : quoted);
    }
  }
  // Every path is taken, and most texts have evidence to compare.
  CHECK(lower > 15000);
  CHECK(plain > 10000);
  CHECK(quoted > 2500);
  CHECK(polar > 6000);
}

TEST_CASE(
    "ShortKeyMap agrees with std::map on random keys, with NUL bytes and keys of every size around eight") {
  std::mt19937 rng(11);
  for (int round = 0; round < 20; ++round) {
    // Few distinct bytes (NUL among them), so keys of one size collide
    // often and "a" and "a\0" both occur.
    std::vector<std::string> keys;
    for (int i = 0; i < 3000; ++i) {
      std::string k;
      const size_t n = rng() % 14;  // the empty key, short keys, and long ones
      for (size_t j = 0; j < n; ++j) k.push_back("ab\0c"[rng() % 4]);
      keys.push_back(k);
    }
    voc::sentiment_internal::ShortKeyMap<int> map;
    if (round % 2 == 0) map.reserve(keys.size() / 4);  // else grown by insertion
    std::map<std::string, int> reference;
    for (size_t i = 0; i < keys.size() / 2; ++i) {
      const int v = static_cast<int>(rng() % 100);
      map[keys[i]] += v;
      reference[keys[i]] += v;
    }
    for (const std::string& k : keys) {
      const int* got = map.find(k);
      auto want = reference.find(k);
      CAPTURE(k);
      REQUIRE((got != nullptr) == (want != reference.end()));
      if (got != nullptr) CHECK(*got == want->second);
    }
  }
  voc::sentiment_internal::ShortKeyMap<int> empty;
  CHECK(empty.find("x") == nullptr);
  CHECK(empty.find("a longer key") == nullptr);
  CHECK(empty.find("") == nullptr);
}
