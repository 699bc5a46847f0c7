// AnalyzerOptions as JSON (ApplyAnalyzerConfig, AnalyzerConfigToJson): every
// stage's options reach the Analyzer, and bad configs are refused by key.
#include "voc/analyzer.h"

#include <doctest/doctest.h>

#include <string>

namespace {

voc::AnalyzerOptions Defaults() {
  voc::AnalyzerOptions o;
  o.models_dir = VOC_SOURCE_DIR "/models";
  o.industry = "none";
  o.language = "en";
  return o;
}

std::string ErrorOf(const std::string& config) {
  voc::AnalyzerOptions o = Defaults();
  const std::string before = voc::AnalyzerConfigToJson(o);
  voc::Status st = voc::ApplyAnalyzerConfig(config, &o);
  CHECK(voc::AnalyzerConfigToJson(o) == before);  // unchanged on error
  return st.ok() ? "" : st.message();
}

}  // namespace

TEST_CASE("ApplyAnalyzerConfig: the printed config reads back to the same options") {
  voc::AnalyzerOptions o = Defaults();
  o.sentiment_options.neutral_threshold = 0.3;
  o.signal_options.emotion_threshold = 0.8;
  o.signal_options.extra_cues.push_back({voc::Signal::kChurnRisk, "bye", "goodbye forever", false});
  o.theme_options.max_evidence_per_rule = 2;
  o.redactor.ip = false;
  o.redactor.address = false;
  o.normalizer.form = voc::NormalizerOptions::Form::kNFKC;
  const std::string json = voc::AnalyzerConfigToJson(o);
  voc::AnalyzerOptions back;
  REQUIRE(voc::ApplyAnalyzerConfig(json, &back).ok());
  CHECK(voc::AnalyzerConfigToJson(back) == json);
  CHECK(back.signal_options.extra_cues.size() == 1);
  CHECK(back.signal_options.extra_cues[0].signal == voc::Signal::kChurnRisk);
  CHECK_FALSE(back.signal_options.extra_cues[0].negatable);
  CHECK(back.normalizer.form == voc::NormalizerOptions::Form::kNFKC);
  CHECK(json.find("customer_salt") == std::string::npos);  // a secret is never written
}

TEST_CASE("ApplyAnalyzerConfig: keys not given keep their values") {
  voc::AnalyzerOptions o = Defaults();
  REQUIRE(voc::ApplyAnalyzerConfig(R"({"sentiment": {"max_evidence": 2}})", &o).ok());
  CHECK(o.sentiment_options.max_evidence == 2);
  CHECK(o.sentiment_options.neutral_threshold == doctest::Approx(0.15));
  CHECK(o.industry == "none");
  CHECK(o.language == "en");
}

TEST_CASE("ApplyAnalyzerConfig: bad configs are refused with the key named, options unchanged") {
  CHECK(ErrorOf("[1,") == "config: not valid JSON");
  CHECK(ErrorOf("[]") == "config: config must be an object");
  CHECK(ErrorOf(R"({"industy": "travel"})").find("config: industy is not an option (known: models_dir") == 0);
  CHECK(ErrorOf(R"({"sentiment": {"neutral_treshold": 0.2}})") ==
        "config: sentiment.neutral_treshold is not an option (known: model_weight, model_temperature, "
        "neutral_threshold, sentences, max_evidence)");
  CHECK(ErrorOf(R"({"sentiment": {"neutral_threshold": 2}})") ==
        "config: sentiment.neutral_threshold must be a number from 0 to 1");
  CHECK(ErrorOf(R"({"signals": {"max_hits_per_signal": 0}})") ==
        "config: signals.max_hits_per_signal must be an integer from 1 to 1000");
  CHECK(ErrorOf(R"({"industry": 3})") == "config: industry must be a string");
  CHECK(ErrorOf(R"({"redactor": {"email": "no"}})") == "config: redactor.email must be true or false");
  CHECK(ErrorOf(R"({"normalizer": {"form": "NFD"}})") ==
        "config: normalizer.form must be \"NFC\" or \"NFKC\"");
  CHECK(ErrorOf(R"({"signals": {"extra_cues": [{"signal": "churn", "name": "x", "pattern": "y"}]}})")
            .find("config: signals.extra_cues[0].signal must be one of repeat_contact, effort") == 0);
  CHECK(ErrorOf(R"({"signals": {"extra_cues": [{"signal": "effort", "name": "", "pattern": "y"}]}})") ==
        "config: signals.extra_cues[0].name and pattern must be given and not empty");
  CHECK(ErrorOf(std::string(300, '[') + std::string(300, ']')).find("config: ") == 0);
}

TEST_CASE("Analyzer: the sentiment, signal and theme-rule options of a config reach their stages") {
  const std::string text = "goodbye forever, the service was slightly meh";
  voc::AnalyzerOptions base = Defaults();
  base.sentiment_model = "none";
  auto plain = voc::Analyzer::Create(base);
  REQUIRE(plain.ok());
  const voc::Analysis before = (*plain)->AnalyzeText(text);
  CHECK(before.signals.empty());

  voc::AnalyzerOptions o = base;
  REQUIRE(voc::ApplyAnalyzerConfig(R"({
      "sentiment": {"neutral_threshold": 0.9, "sentences": false},
      "signals": {"extra_cues": [{"signal": "churn_risk", "name": "bye", "pattern": "goodbye forever"}]},
      "theme_rules": {"use_rules": false}})",
                                   &o)
              .ok());
  auto tuned = voc::Analyzer::Create(o);
  REQUIRE(tuned.ok());
  const voc::Analysis after = (*tuned)->AnalyzeText(text);
  REQUIRE(after.signals.size() == 1);
  CHECK(after.signals[0].signal == voc::Signal::kChurnRisk);
  CHECK(after.signals[0].evidence.source == "cue:bye");
  CHECK(after.sentences.empty());  // per-sentence results off
  CHECK_FALSE(before.sentences.empty());
  // A mildly positive text is neutral under a threshold of 0.9.
  const std::string mild = "the service was good";
  CHECK((*plain)->AnalyzeText(mild).sentiment.label == voc::Polarity::kPositive);
  CHECK((*tuned)->AnalyzeText(mild).sentiment.label == voc::Polarity::kNeutral);

  const voc::Analysis billed = (*plain)->AnalyzeText("I was charged twice on my bill");
  CHECK_FALSE(billed.themes.empty());
  CHECK((*tuned)->AnalyzeText("I was charged twice on my bill").themes.empty());  // rules off
}
