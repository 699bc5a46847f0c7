// What trained models read: the "words/1" preparation, the model input
// kinds of every version, and the training and prediction that use them.
#include "voc/model_input.h"

#include <doctest/doctest.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include <unistd.h>

#include "voc/analyzer.h"
#include "voc/sentiment.h"

namespace {

std::string TempPath(const std::string& name) {
  return (std::filesystem::temp_directory_path() /
          ("voc_model_input_test_" + std::to_string(::getpid()) + "_" + name))
      .string();
}

// Two themes whose texts each carry a URL, a mention, an e-mail address, a
// redaction mask and a number that go with the theme: a model that reads
// them learns them as well as the words.
std::vector<voc::LabeledText> LeakyRows() {
  const char* billing[] = {"charged twice on my card",    "unexpected fee on my bill",
                           "the invoice amount is wrong", "double charge again",
                           "billing error on statement",  "refund the overcharge"};
  const char* delivery[] = {"parcel arrived late",    "package never delivered", "tracking shows no update",
                            "courier lost my parcel", "delivery is a week late", "the box arrived damaged"};
  std::vector<voc::LabeledText> rows;
  for (int rep = 0; rep < 4; ++rep)
    for (int i = 0; i < 6; ++i) {
      rows.push_back({std::string("@billdesk ") + billing[i] + " https://pay.example.com/zq " +
                          "mail zq@pay.example.com [EMAIL] 4417",
                      {"billing"}});
      rows.push_back({std::string("@shipdesk ") + delivery[i] + " https://track.example.com/wv " +
                          "mail wv@track.example.com XXXX 9932",
                      {"delivery"}});
    }
  return rows;
}

voc::TrainOptions Linear(const std::string& input) {
  voc::TrainOptions o;
  o.backend = "linear";
  o.validation_fraction = 0;
  o.input = input;
  return o;
}

}  // namespace

TEST_CASE("WordsOnly: blanks every token that is not a word, byte for byte") {
  const std::string text =
      "@united lost my bag #fail, see https://t.co/x1 or mail jo@x.com [EMAIL] XXXX on the 3rd, 1,234.56 at "
      "10:30pm for $12.50 :( \xF0\x9F\x98\xA1 mp3 cafe\xCC\x81!";
  const std::string out = voc::WordsOnly(text);
  REQUIRE(out.size() == text.size());
  auto at = [&](const std::string& piece) { return out.substr(text.find(piece), piece.size()); };
  for (const std::string& gone : {"@united", "#", "https://t.co/x1", "jo@x.com", "[EMAIL]", "XXXX", "3rd",
                                  "1,234.56", "10:30pm", "$12.50"}) {
    CAPTURE(gone);
    CHECK(at(gone) == std::string(gone.size(), ' '));
  }
  for (const std::string& kept : {"lost my bag", "fail,", "see", "or mail", "on the", ", ", "at", "for",
                                  ":( \xF0\x9F\x98\xA1 mp3 cafe\xCC\x81!"}) {
    CAPTURE(kept);
    CHECK(at(kept) == kept);
  }
  // Nothing to blank: the text itself; invalid bytes survive.
  CHECK(voc::WordsOnly("the agent was rude!") == "the agent was rude!");
  CHECK(voc::WordsOnly("bad \xC3 byte 42") == "bad \xC3 byte   ");
  CHECK(voc::WordsOnly("").empty());
}

TEST_CASE("ModelInput: the kinds of every version, and an unknown one") {
  for (const char* kind :
       {"text", "words/1", "sentiment-lexicon/1", "sentiment-lexicon/2", "sentiment-lexicon/3"}) {
    auto in = voc::ModelInput::Create(kind);
    REQUIRE_MESSAGE(in.ok(), kind);
    CHECK(in->kind() == kind);
  }
  const std::string text = "@united still waiting, awful https://t.co/x";
  CHECK(voc::ModelInput::Create("text")->Prepare(text) == text);
  CHECK(voc::ModelInput::Create("words/1")->Prepare(text) == voc::WordsOnly(text));
  auto v1 = voc::ModelInput::Create(voc::kSentimentLexiconInputV1)->Prepare(text);
  auto v2 = voc::ModelInput::Create(voc::kSentimentLexiconInputV2)->Prepare(text);
  auto v3 = voc::ModelInput::Create(voc::kSentimentLexiconInput)->Prepare(text);
  // All append the same lexicon tokens; v2 and v3 blank the mention and URL.
  CHECK(v1.rfind(text + " lexscoren", 0) == 0);
  CHECK(v2.rfind(voc::WordsOnly(text) + " lexscoren", 0) == 0);
  CHECK(v1.substr(text.size()) == v2.substr(text.size()));
  // A short text (3 words): v3 appends them once, as v2.
  CHECK(v3 == v2);
  // A long one: v3 repeats them once more per 16 words.
  std::string long_text;
  for (int i = 0; i < 40; ++i) long_text += i % 8 == 0 ? "awful " : "the order came late ";
  const std::string l2 = voc::ModelInput::Create(voc::kSentimentLexiconInputV2)->Prepare(long_text);
  const std::string l3 = voc::ModelInput::Create(voc::kSentimentLexiconInput)->Prepare(long_text);
  const std::string tokens = l2.substr(long_text.size());
  REQUIRE(tokens.rfind(" lexscoren", 0) == 0);
  CHECK(l3 ==
        l2 + tokens + tokens + tokens + tokens + tokens + tokens + tokens + tokens + tokens);  // 145 words
  auto bad = voc::ModelInput::Create("words/9");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().code() == voc::StatusCode::kFailedPrecondition);
  CHECK(bad.status().message() == "the model expects input 'words/9', which this version cannot produce");
  auto train = voc::TrainModel(LeakyRows(), Linear("words/9"));
  REQUIRE_FALSE(train.ok());
  CHECK(train.status().message() == "the model expects input 'words/9', which this version cannot produce");
  auto stacked = voc::TrainModel(LeakyRows(), Linear(voc::kSentimentLexiconInput));
  REQUIRE_FALSE(stacked.ok());
  CHECK(stacked.status().message() == "input 'sentiment-lexicon/3' is made by TrainSentimentModel");
}

TEST_CASE("TrainModel words/1: URLs, mentions, e-mails, masks and numbers are never features") {
  auto words = voc::TrainModel(LeakyRows(), Linear(voc::kWordsInput));
  REQUIRE_MESSAGE(words.ok(), words.status().ToString());
  CHECK((*words)->info().input == "words/1");
  auto input = voc::ModelInput::Create((*words)->info().input);
  REQUIRE(input.ok());
  const std::string text = "@billdesk https://pay.example.com/zq zq@pay.example.com [EMAIL] 4417 my bill";
  for (const std::string& label : {"billing", "delivery"}) {
    voc::Explanation e = (*words)->Explain(input->Prepare(text), label, 1000);
    REQUIRE_FALSE(e.features.empty());
    for (const auto& f : e.features) {
      CAPTURE(f.feature);
      CHECK(f.feature.find("billdesk") == std::string::npos);
      CHECK(f.feature.find("http") == std::string::npos);
      CHECK(f.feature.find("example") == std::string::npos);
      CHECK(f.feature.find("4417") == std::string::npos);
      CHECK(f.feature.find("email") == std::string::npos);
      if (f.end > f.begin) CHECK(f.begin >= text.rfind("my"));  // nothing before "my bill"
    }
  }
  CHECK((*words)->Predict(input->Prepare(text), 1)[0].label == "billing");
  // The same rows read as text: the model does cite them (the check above can fail).
  auto raw = voc::TrainModel(LeakyRows(), Linear("text"));
  REQUIRE(raw.ok());
  CHECK((*raw)->info().input == "text");
  bool cites = false;
  for (const auto& f : (*raw)->Explain(text, "billing", 1000).features)
    cites |= f.feature.find("billdesk") != std::string::npos || f.feature.find("http") != std::string::npos;
  CHECK(cites);
}

TEST_CASE("TrainModel text: the same model as TextClassifier::Train, and it still loads and predicts") {
  auto via = voc::TrainModel(LeakyRows(), Linear("text"));
  auto direct = voc::TextClassifier::Train(LeakyRows(), Linear("text"));
  REQUIRE(via.ok());
  REQUIRE(direct.ok());
  const std::string path = TempPath("text.vocm");
  REQUIRE((*via)->Save(path).ok());
  auto loaded = voc::TextClassifier::Load(path);
  REQUIRE(loaded.ok());
  CHECK((*loaded)->info().input == "text");
  for (const char* t : {"@shipdesk where is my parcel https://track.example.com/wv", "charged twice", ""}) {
    const auto a = (*loaded)->Predict(t, 2), b = (*direct)->Predict(t, 2);
    REQUIRE(a.size() == b.size());
    for (size_t i = 0; i < a.size(); ++i) {
      CHECK(a[i].label == b[i].label);
      CHECK(a[i].probability == b[i].probability);
    }
  }
  std::remove(path.c_str());
}

TEST_CASE("Analyzer: a themes model reads its input kind; an unknown kind is refused") {
  const std::string dir = std::string(VOC_SOURCE_DIR) + "/models";
  auto future = voc::TextClassifier::Train(LeakyRows(), Linear("words/9"));
  REQUIRE(future.ok());
  const std::string path = TempPath("future.vocm");
  REQUIRE((*future)->Save(path).ok());
  voc::AnalyzerOptions o;
  o.models_dir = dir;
  o.sentiment_model = "none";
  o.themes_model = path;
  auto refused = voc::Analyzer::Create(o);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().message() == "the model expects input 'words/9', which this version cannot produce");

  // A words/1 model: the analyzer gives it the text with the non-words blanked,
  // so a text of only a URL, a mention and a mask scores as an empty one.
  auto words = voc::TrainModel(LeakyRows(), Linear(voc::kWordsInput));
  REQUIRE(words.ok());
  REQUIRE((*words)->Save(path).ok());
  o.themes = path;
  o.themes_model.clear();
  auto an = voc::Analyzer::Create(o);
  REQUIRE_MESSAGE(an.ok(), an.status().ToString());
  const voc::Analysis leaky = (*an)->AnalyzeText("@billdesk https://pay.example.com/zq [EMAIL] 4417");
  const voc::Analysis blank = (*an)->AnalyzeText("                  ");
  REQUIRE(leaky.themes.size() == blank.themes.size());
  for (size_t i = 0; i < leaky.themes.size(); ++i) {
    CHECK(leaky.themes[i].id == blank.themes[i].id);
    CHECK(leaky.themes[i].confidence == doctest::Approx(blank.themes[i].confidence));
  }
  const voc::Analysis words_text = (*an)->AnalyzeText("@shipdesk my parcel arrived late");
  REQUIRE_FALSE(words_text.themes.empty());
  CHECK(words_text.themes[0].id == "delivery");
  std::remove(path.c_str());
}

TEST_CASE("Sentiment: a model of the earlier input sentiment-lexicon/1 loads and predicts as before") {
  std::vector<voc::LabeledText> rows;
  const char* pos[] = {"thank you so much, great help", "love the new app @acme",
                       "problem solved, excellent"};
  const char* neg[] = {"the agent was rude @acme", "still waiting for my refund, awful",
                       "worst service ever"};
  const char* neu[] = {"please update my address", "how do I change my plan @acme", "what are your hours"};
  for (int rep = 0; rep < 5; ++rep)
    for (int i = 0; i < 3; ++i) {
      rows.push_back({pos[i], {"positive"}});
      rows.push_back({neg[i], {"negative"}});
      rows.push_back({neu[i], {"neutral"}});
    }
  voc::SentimentOptions lo;
  lo.sentences = false;
  auto lexicon = voc::SentimentAnalyzer::Create(lo);
  REQUIRE(lexicon.ok());
  std::vector<voc::LabeledText> v1 = rows;
  for (auto& r : v1) r.text = (*lexicon)->ModelInput(r.text, voc::kSentimentLexiconInputV1);
  voc::TrainOptions options = Linear(voc::kSentimentLexiconInputV1);
  options.task = "sentiment";
  options.char_ngrams = false;
  auto model = voc::TextClassifier::Train(v1, options);
  REQUIRE(model.ok());
  const std::string path = TempPath("v1.vocm");
  REQUIRE((*model)->Save(path).ok());
  voc::SentimentOptions so;
  so.model_path = path;
  so.sentences = false;
  auto a = voc::SentimentAnalyzer::Create(so);
  REQUIRE_MESSAGE(a.ok(), a.status().ToString());
  auto in = voc::ModelInput::Create(voc::kSentimentLexiconInputV1);
  REQUIRE(in.ok());
  for (const char* t : {"@acme the agent was rude", "great help @acme https://t.co/x", "update my plan"}) {
    CAPTURE(t);
    const voc::SentimentResult r = (*a)->Analyze(t);
    REQUIRE(r.has_model);
    // The model sees the text as it is (the mention and URL included) and the lexicon tokens.
    const std::string input = in->Prepare(t);
    CHECK(input.rfind(t, 0) == 0);
    for (const auto& p : (*model)->Predict(input, 3)) {
      const int c = p.label == "negative" ? 0 : p.label == "neutral" ? 1 : 2;
      CHECK(r.model_probabilities[c] == doctest::Approx(p.probability));
    }
  }
  std::remove(path.c_str());

  // sentiment-lexicon/2: the mention and URL blanked, the lexicon tokens once,
  // whatever the length of the text.
  std::vector<voc::LabeledText> v2rows = rows;
  for (auto& r : v2rows) r.text = (*lexicon)->ModelInput(r.text, voc::kSentimentLexiconInputV2);
  auto v2 = voc::TextClassifier::Train(v2rows, [] {
    voc::TrainOptions o = Linear(voc::kSentimentLexiconInputV2);
    o.task = "sentiment";
    o.char_ngrams = false;
    return o;
  }());
  REQUIRE(v2.ok());
  REQUIRE((*v2)->Save(path).ok());
  auto b2 = voc::SentimentAnalyzer::Create(so);
  REQUIRE_MESSAGE(b2.ok(), b2.status().ToString());
  auto in2 = voc::ModelInput::Create(voc::kSentimentLexiconInputV2);
  REQUIRE(in2.ok());
  std::string long_text = "great help @acme https://t.co/x";
  for (int i = 0; i < 10; ++i) long_text += " the agent said the plan was fine";
  for (const std::string& t : {std::string("great help @acme https://t.co/x"), long_text}) {
    const voc::SentimentResult r = (*b2)->Analyze(t);
    const std::string input = in2->Prepare(t);
    CHECK(input.find("lexscore") == input.rfind("lexscore"));  // once
    for (const auto& p : (*v2)->Predict(input, 3)) {
      const int c = p.label == "negative" ? 0 : p.label == "neutral" ? 1 : 2;
      CHECK(r.model_probabilities[c] == doctest::Approx(p.probability));
    }
  }
  std::remove(path.c_str());

  // The current kind: the same analyzer input, the lexicon tokens repeated by length.
  auto v3 = voc::TrainSentimentModel(rows, Linear("text"));
  REQUIRE(v3.ok());
  CHECK((*v3)->info().input == "sentiment-lexicon/3");
  REQUIRE((*v3)->Save(path).ok());
  auto b = voc::SentimentAnalyzer::Create(so);
  REQUIRE_MESSAGE(b.ok(), b.status().ToString());
  auto in3 = voc::ModelInput::Create(voc::kSentimentLexiconInput);
  REQUIRE(in3.ok());
  // One sentence, then several (with sentences on, the text is judged with
  // them): the lexicon tokens repeated for the text's words, as in training.
  voc::SentimentOptions with_sentences = so;
  with_sentences.sentences = true;
  auto bs = voc::SentimentAnalyzer::Create(with_sentences);
  REQUIRE_MESSAGE(bs.ok(), bs.status().ToString());
  const std::string sentences = long_text +
                                ". It broke again after a week, and nobody at the store would help " +
                                "me with it at all, not the agent and not the manager either! Fine.";
  for (const std::string& t : {std::string("great help @acme https://t.co/x"), long_text, sentences}) {
    CAPTURE(t);
    const voc::SentimentResult r = (*b)->Analyze(t);
    const voc::SentimentResult rs = (*bs)->Analyze(t);
    CHECK(rs.sentences.size() == (t == sentences ? 3 : 1));
    for (const auto& p : (*v3)->Predict(in3->Prepare(t), 3)) {
      const int c = p.label == "negative" ? 0 : p.label == "neutral" ? 1 : 2;
      CHECK(r.model_probabilities[c] == doctest::Approx(p.probability));
      CHECK(rs.model_probabilities[c] == doctest::Approx(p.probability));
    }
    for (const auto& f : (*v3)->Explain(in3->Prepare(t), "positive", 100).features) {
      CAPTURE(f.feature);
      CHECK(f.feature.find("acme") == std::string::npos);
      CHECK(f.feature.find("t.co") == std::string::npos);
    }
  }
  std::remove(path.c_str());
}
