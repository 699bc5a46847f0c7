#include "voc/signals.h"

#include <doctest/doctest.h>
#include <re2/re2.h>

#include <random>
#include <string>
#include <utility>
#include <vector>

#include "themes/signals_internal.h"

namespace {

const voc::SignalDetector& Detector() {
  static const std::unique_ptr<voc::SignalDetector> det = [] {
    auto r = voc::SignalDetector::Create();
    REQUIRE_MESSAGE(r.ok(), r.status().ToString());
    return std::move(*r);
  }();
  return *det;
}

std::vector<voc::SignalHit> HitsOf(const voc::SignalResult& r, voc::Signal s) {
  std::vector<voc::SignalHit> out;
  for (const auto& h : r.hits)
    if (h.signal == s) out.push_back(h);
  return out;
}

// The text of the first hit of `s`, or "" when there is none.
std::string Evidence(const std::string& text, voc::Signal s) {
  auto hits = HitsOf(Detector().Detect(text), s);
  if (hits.empty()) return "";
  return text.substr(hits[0].evidence.begin, hits[0].evidence.end - hits[0].evidence.begin);
}

bool Has(const std::string& text, voc::Signal s) { return !HitsOf(Detector().Detect(text), s).empty(); }

}  // namespace

TEST_CASE("Signals: repeat contact") {
  using voc::Signal;
  CHECK(Evidence("This is the third time I call about this", Signal::kRepeatContact) == "third time");
  CHECK(Evidence("I called again yesterday", Signal::kRepeatContact) == "called again");
  CHECK(Evidence("and it is still not fixed", Signal::kRepeatContact) == "still not");
  CHECK(Evidence("They reopened the case", Signal::kRepeatContact) == "reopened the case");
  CHECK_FALSE(Has("The account was reopened in May", Signal::kRepeatContact));
  CHECK(Evidence("I keep calling and nothing happens", Signal::kRepeatContact) == "keep calling");
  CHECK(Evidence("it happens again and again", Signal::kRepeatContact) == "again and again");
  CHECK(Evidence("I have disputed it several times", Signal::kRepeatContact) == "several times");
  CHECK(Evidence("I am still waiting", Signal::kRepeatContact) == "still waiting");
  CHECK(Evidence("I already disputed this item", Signal::kRepeatContact) == "already disputed");
  auto r = Detector().Detect("For the second time, I called.");
  auto hits = HitsOf(r, Signal::kRepeatContact);
  REQUIRE(hits.size() == 1);
  CHECK(hits[0].evidence.begin == 8);
  CHECK(hits[0].evidence.end == 19);
  CHECK(hits[0].evidence.source == "cue:nth time");
  CHECK_FALSE(Has("I called once and they fixed it right away", Signal::kRepeatContact));
  CHECK_FALSE(Has("I still love this jacket", Signal::kRepeatContact));
}

TEST_CASE("Signals: effort") {
  using voc::Signal;
  CHECK(Evidence("I was transferred to another department", Signal::kEffort) ==
        "was transferred to another department");
  CHECK(Evidence("then they transferred me again", Signal::kEffort) == "transferred me");
  CHECK_FALSE(Has("My loan was transferred to a new servicer", Signal::kEffort));
  CHECK(Evidence("they put me on hold", Signal::kEffort) == "on hold");
  CHECK(Evidence("I waited for 45 minutes", Signal::kEffort) == "waited for 45 minutes");
  CHECK(Evidence("I had to explain everything again", Signal::kEffort) == "had to explain everything again");
  CHECK(Evidence("I emailed them, then called them", Signal::kEffort) == "emailed them, then called");
  CHECK(Evidence("they want it notarized and faxed", Signal::kEffort) == "notarized");
  CHECK(Evidence("I had to jump through hoops", Signal::kEffort) == "jump through hoops");
  CHECK(Evidence("I went to the store twice", Signal::kEffort) == "went to the store twice");
  CHECK(Evidence("It is impossible to reach anyone", Signal::kEffort) == "impossible to reach");
  CHECK_FALSE(Has("I was not transferred, the first agent solved it", Signal::kEffort));
  CHECK_FALSE(Has("Quick and easy, thank you", Signal::kEffort));
}

TEST_CASE("Signals: avoidable contact") {
  using voc::Signal;
  CHECK(Evidence("Where is my order?", Signal::kAvoidableContact) == "Where is my order");
  CHECK(Evidence("I need the tracking number", Signal::kAvoidableContact) == "tracking number");
  CHECK(Evidence("I never received the package", Signal::kAvoidableContact) == "never received");
  CHECK(Evidence("This is the wrong item", Signal::kAvoidableContact) == "wrong item");
  CHECK(Evidence("You sent the wrong one", Signal::kAvoidableContact) == "sent the wrong");
  CHECK(Evidence("it arrived broken", Signal::kAvoidableContact) == "arrived broken");
  CHECK(Evidence("I was double charged", Signal::kAvoidableContact) == "double charged");
  CHECK(Evidence("how do I reset my password", Signal::kAvoidableContact) == "how do I reset");
  CHECK(Evidence("the instructions were confusing", Signal::kAvoidableContact) ==
        "instructions were confusing");
  CHECK_FALSE(Has("Love the colour, great fit", Signal::kAvoidableContact));
}

TEST_CASE("Signals: churn risk, with negation") {
  using voc::Signal;
  CHECK(Evidence("I will cancel my account today", Signal::kChurnRisk) == "cancel my account");
  CHECK(Evidence("I'm switching to another bank", Signal::kChurnRisk) == "switching to another");
  CHECK(Evidence("I will close my checking account", Signal::kChurnRisk) == "close my checking account");
  CHECK(Evidence("Never buying from them again", Signal::kChurnRisk) == "Never buying from them");
  CHECK(Evidence("I will take my business elsewhere", Signal::kChurnRisk) == "take my business elsewhere");
  CHECK(Evidence("I won't be back", Signal::kChurnRisk) == "won't be back");
  CHECK_FALSE(Has("I am not cancelling my account, just asking", Signal::kChurnRisk));
  CHECK_FALSE(Has("I don't want to cancel my subscription", Signal::kChurnRisk));
  CHECK_FALSE(Has("The bank closed my account without notice", Signal::kChurnRisk));
  CHECK_FALSE(Has("I love this store and shop here weekly", Signal::kChurnRisk));
  voc::SignalOptions opt;
  opt.negation = false;
  auto det = voc::SignalDetector::Create(opt);
  REQUIRE(det.ok());
  CHECK_FALSE(HitsOf((*det)->Detect("I am not cancelling my account"), Signal::kChurnRisk).empty());
}

TEST_CASE("Signals: expectation mismatch") {
  using voc::Signal;
  CHECK(Evidence("I was told it would be free", Signal::kExpectationMismatch) == "I was told");
  CHECK(Evidence("They promised me a refund", Signal::kExpectationMismatch) == "promised me");
  CHECK(Evidence("It was advertised as waterproof", Signal::kExpectationMismatch) == "advertised as");
  CHECK(Evidence("The item is not as described", Signal::kExpectationMismatch) == "not as described");
  CHECK(Evidence("It was supposed to arrive Monday", Signal::kExpectationMismatch) == "was supposed to");
  CHECK(Evidence("Money back guaranteed, they said", Signal::kExpectationMismatch) == "guaranteed");
  CHECK_FALSE(Has("It looks exactly like the photo", Signal::kExpectationMismatch));
}

TEST_CASE("Signals: urgency and safety") {
  using voc::Signal;
  CHECK(Evidence("The heater caught fire in the night", Signal::kUrgencySafety) == "caught fire");
  CHECK(Evidence("He was injured by the toy", Signal::kUrgencySafety) == "injured");
  CHECK(Evidence("My son was burned by it", Signal::kUrgencySafety) == "My son was burned");
  CHECK(Evidence("smoke coming out of the charger", Signal::kUrgencySafety) == "smoke coming");
  CHECK(Evidence("I got an electric shock from it", Signal::kUrgencySafety) == "electric shock");
  CHECK(Evidence("Someone is using my card right now", Signal::kUrgencySafety) == "Someone is using");
  CHECK(Evidence("My account was hacked last night", Signal::kUrgencySafety) == "account was hacked");
  // Past identity theft and disputed inquiries are themes, not emergencies.
  CHECK_FALSE(Has("I am a victim of identity theft", Signal::kUrgencySafety));
  CHECK_FALSE(Has("I did not authorize this inquiry on my report", Signal::kUrgencySafety));
  CHECK_FALSE(Has("I was in the hospital so I missed a payment", Signal::kUrgencySafety));
  CHECK(Evidence("This is a fire hazard", Signal::kUrgencySafety) == "fire hazard");
  auto hits = HitsOf(Detector().Detect("We had to go to the emergency room"), Signal::kUrgencySafety);
  REQUIRE(hits.size() == 1);
  CHECK(hits[0].evidence.source == "cue:medical");
  CHECK(hits[0].evidence.begin == 20);
  CHECK(hits[0].evidence.end == 34);
  CHECK_FALSE(Has("No injuries, luckily, but the box was dented", Signal::kUrgencySafety));
  CHECK_FALSE(Has("Not dangerous at all, just ugly", Signal::kUrgencySafety));
  CHECK_FALSE(Has("I have medical debt in collections", Signal::kUrgencySafety));
}

TEST_CASE("Signals: emotion intensity from capitals, exclamations, profanity, elongation") {
  using voc::Signal;
  auto calm = Detector().Detect("The order arrived on time and it fits well.");
  CHECK(calm.emotion_intensity == doctest::Approx(0.0));
  CHECK(HitsOf(calm, Signal::kEmotionIntensity).empty());

  auto loud = Detector().Detect("THIS IS RIDICULOUS!!! WORST SERVICE EVER");
  CHECK(loud.emotion_intensity > 0.8);
  auto hits = HitsOf(loud, Signal::kEmotionIntensity);
  REQUIRE_FALSE(hits.empty());
  CHECK(hits[0].evidence.source == "cue:all caps");
  CHECK(hits[0].evidence.begin == 0);  // "THIS"; "IS" is too short to count
  bool exclamations = false;
  for (const auto& h : hits)
    if (h.evidence.source == "cue:exclamations") {
      exclamations = true;
      CHECK(h.evidence.begin == 18);
      CHECK(h.evidence.end == 21);
    }
  CHECK(exclamations);

  // Masks (XXXX) and short acronyms do not count as shouting.
  auto masked = Detector().Detect("XXXX XXXX sent the IRS form to the FBI and CFPB on XX/XX/XXXX.");
  CHECK(masked.emotion_intensity < 0.5);
  CHECK(HitsOf(masked, Signal::kEmotionIntensity).empty());

  // Elongation and "?!" count, a single "!" does not.
  CHECK(Detector().Detect("Great!").emotion_intensity == doctest::Approx(0.0));
  auto elong = Detector().Detect("Nooooo way?! Sooo bad!!");
  CHECK(elong.emotion_intensity > 0.5);
}

TEST_CASE("Signals: profanity is counted and never echoed") {
  std::string text = "This damn app is shit!! Total crap";
  auto r = Detector().Detect(text);
  CHECK(r.profanity == 3);
  CHECK(r.emotion_intensity > 0.5);
  int profane = 0;
  for (const auto& h : r.hits) {
    CHECK(h.evidence.source.find("damn") == std::string::npos);
    CHECK(h.evidence.source.find("shit") == std::string::npos);
    if (h.evidence.source == "cue:profanity") {
      ++profane;
      CHECK(h.signal == voc::Signal::kEmotionIntensity);
      if (profane == 1) {
        CHECK(h.evidence.begin == 5);
        CHECK(h.evidence.end == 9);
      }
    }
  }
  CHECK(profane == 3);
  CHECK(Detector().Detect("The class passed the assessment").profanity == 0);
}

TEST_CASE("Signals: options, extra cues and errors") {
  voc::SignalOptions opt;
  opt.emotion_threshold = 1.0;
  auto strict = voc::SignalDetector::Create(opt);
  REQUIRE(strict.ok());
  auto r = (*strict)->Detect("THIS IS RIDICULOUS!!! WORST SERVICE EVER");
  CHECK(r.emotion_intensity > 0.8);
  CHECK(HitsOf(r, voc::Signal::kEmotionIntensity).empty());

  voc::SignalOptions capped;
  capped.max_hits_per_signal = 1;
  auto one = voc::SignalDetector::Create(capped);
  REQUIRE(one.ok());
  CHECK(HitsOf((*one)->Detect("third time, called again, still not fixed"), voc::Signal::kRepeatContact)
            .size() == 1);

  voc::SignalOptions extra;
  extra.extra_cues.push_back(
      {voc::Signal::kChurnRisk, "port out", "\\bport(?:ing)? (?:my )?number\\b", true});
  auto ext = voc::SignalDetector::Create(extra);
  REQUIRE(ext.ok());
  auto hits = HitsOf((*ext)->Detect("I am porting my number"), voc::Signal::kChurnRisk);
  REQUIRE(hits.size() == 1);
  CHECK(hits[0].evidence.source == "cue:port out");
  CHECK(HitsOf((*ext)->Detect("I am not porting my number"), voc::Signal::kChurnRisk).empty());

  voc::SignalOptions bad;
  bad.emotion_threshold = 1.5;
  auto e1 = voc::SignalDetector::Create(bad);
  REQUIRE_FALSE(e1.ok());
  CHECK(e1.status().message() == "emotion_threshold must be in [0, 1]");
  bad = {};
  bad.max_hits_per_signal = 0;
  auto e2 = voc::SignalDetector::Create(bad);
  REQUIRE_FALSE(e2.ok());
  CHECK(e2.status().message() == "max_hits_per_signal must be >= 1");
  bad = {};
  bad.extra_cues.push_back({voc::Signal::kEffort, "broken", "(unclosed", true});
  auto e3 = voc::SignalDetector::Create(bad);
  REQUIRE_FALSE(e3.ok());
  CHECK(e3.status().code() == voc::StatusCode::kInvalidArgument);
  CHECK(e3.status().message() ==
        "signal cue 'broken': pattern \"(unclosed\" is not valid RE2: missing ): (unclosed");
  bad = {};
  bad.extra_cues.push_back({voc::Signal::kEffort, "", "x", true});
  auto e4 = voc::SignalDetector::Create(bad);
  REQUIRE_FALSE(e4.ok());
  CHECK(e4.status().message() == "signal cue with an empty name");
}

TEST_CASE("Signals: odd input does not crash") {
  CHECK(Detector().Detect("").hits.empty());
  CHECK(Detector().Detect("").emotion_intensity == doctest::Approx(0.0));
  std::string junk("\xff\xfe\x00!!?!\xe2\x80", 9);
  auto r = Detector().Detect(junk);
  for (const auto& h : r.hits) CHECK(h.evidence.end <= junk.size());
  std::string long_text(200000, 'a');
  CHECK(Detector().Detect(long_text).hits.empty());
}

namespace {

using Spans = std::vector<std::pair<size_t, size_t>>;

// Random text over the bytes the emotion features look at: letters of both
// cases (x, w and a run-prone few), digits, apostrophes, '!', '?', spaces,
// punctuation and UTF-8 bytes.
std::string RandomEmotionText(std::mt19937_64& rng, size_t size) {
  static const std::string kAlphabet = "aAbBoOxXwWeEsSzZ09'!!??  .,_-\x80\xC3\xA9\xFF";
  std::string text;
  std::uniform_int_distribution<size_t> pick(0, kAlphabet.size() - 1);
  std::uniform_int_distribution<int> repeat(1, 4);
  while (text.size() < size) text.append(static_cast<size_t>(repeat(rng)), kAlphabet[pick(rng)]);
  text.resize(size);
  return text;
}

// The exclamation runs as the RE2 pattern the detector used to search.
Spans ExclamationsByRegex(std::string_view text) {
  static const RE2 re("[!?]*(?:!!|\\?!|!\\?)[!?]*", voc::internal::SignalCueOptions());
  Spans out;
  re2::StringPiece sp(text.data(), text.size()), m;
  size_t pos = 0;
  while (pos < text.size() && re.Match(sp, pos, text.size(), RE2::UNANCHORED, &m, 1)) {
    const auto b = static_cast<size_t>(m.data() - text.data());
    out.emplace_back(b, b + m.size());
    pos = b + std::max<size_t>(m.size(), 1);
  }
  return out;
}

}  // namespace

TEST_CASE("Signals: the emotion word scan agrees with the byte-by-byte scan") {
  voc::internal::EmotionWords fast, slow;
  const std::vector<std::string> shipped = {
      "",
      "x",
      "SOOOO ANGRY!!! this is XXXX and xxx, wwwow, Nooo, AAAh",
      "don't STOP IT'S 1234 ABCD5 caf\xC3\xA9 CAF\xC3\x89 zzz",
      std::string(63, 'A') + "B " + std::string(70, 'o') + " " + std::string(130, 'Q'),
      // Runs of bytes that do not count a word, across 64-byte blocks.
      std::string(100, 'x') + "a " + std::string(130, '9') + "b " + std::string(61, '\'') + "XXX" + "c",
      std::string(64, ' ') + std::string(64, 'X') + std::string(64, 'X') + " " + std::string(127, '7') + "Z",
  };
  for (const std::string& text : shipped) {
    voc::internal::ScanEmotionWords(text, &fast);
    voc::internal::EmotionWordsByByte(text, &slow);
    CHECK(fast.words == slow.words);
    CHECK(fast.caps == slow.caps);
    CHECK(fast.elongations == slow.elongations);
  }
  voc::internal::ScanEmotionWords("WHY is it SOOO slow", &fast);
  CHECK(fast.words == 5);
  CHECK(fast.caps == Spans{{10, 14}});
  CHECK(fast.elongations == Spans{{10, 14}});

  std::mt19937_64 rng(11);
  std::uniform_int_distribution<size_t> size(0, 300);
  for (int round = 0; round < 3000; ++round) {
    const std::string text = RandomEmotionText(rng, size(rng));
    voc::internal::ScanEmotionWords(text, &fast);
    voc::internal::EmotionWordsByByte(text, &slow);
    REQUIRE_MESSAGE(fast.words == slow.words, text);
    REQUIRE_MESSAGE(fast.caps == slow.caps, text);
    REQUIRE_MESSAGE(fast.elongations == slow.elongations, text);
  }
}

TEST_CASE("Signals: exclamation runs are the matches of the exclamations pattern") {
  Spans runs;
  voc::internal::ExclamationRuns("no! why?? what?! really!!! ok!?! ?", &runs);
  CHECK(runs == Spans{{14, 16}, {23, 26}, {29, 32}});
  for (const std::string text : {"", "!", "?", "!!", "??", "?!", "a!b!c", "!?!?!? ?? !", "?\?\?\?\?!"}) {
    runs.clear();
    voc::internal::ExclamationRuns(text, &runs);
    CHECK_MESSAGE(runs == ExclamationsByRegex(text), text);
  }
  std::mt19937_64 rng(12);
  std::uniform_int_distribution<size_t> size(0, 120);
  for (int round = 0; round < 3000; ++round) {
    const std::string text = RandomEmotionText(rng, size(rng));
    runs.clear();
    voc::internal::ExclamationRuns(text, &runs);
    REQUIRE_MESSAGE(runs == ExclamationsByRegex(text), text);
  }
}
