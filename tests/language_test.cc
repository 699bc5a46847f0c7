#include "voc/language.h"

#include <doctest/doctest.h>

#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>
#include <string>
#include <unistd.h>
#include <filesystem>
#include <vector>

#include <fasttext/fasttext.h>

#include "voc/analyzer.h"
#include "voc/json.h"
#include "text/language_internal.h"

#include <nlohmann/json.hpp>

namespace {

const voc::LanguageIdentifier& WithModel() {
  static std::unique_ptr<voc::LanguageIdentifier> lid = [] {
    voc::LanguageOptions o;
    o.model_path = VOC_SOURCE_DIR "/models/lid.176.ftz";
    auto r = voc::LanguageIdentifier::Create(o);
    REQUIRE_MESSAGE(r.ok(), r.status().ToString());
    return std::move(*r);
  }();
  return *lid;
}

const voc::LanguageIdentifier& WithoutModel() {
  static std::unique_ptr<voc::LanguageIdentifier> lid = [] {
    auto r = voc::LanguageIdentifier::Create(voc::LanguageOptions());
    REQUIRE(r.ok());
    return std::move(*r);
  }();
  return *lid;
}

}  // namespace

TEST_CASE("Language: scripts decide their languages without the model") {
  const auto& lid = WithoutModel();
  CHECK_FALSE(lid.has_model());
  struct Case {
    const char* text;
    const char* code;
  } cases[] = {
      {"酒店服务很差，房间也很脏", "zh"},
      {"ホテルのサービスはとても良かったです", "ja"},
      {"배송이 너무 늦었어요", "ko"},
      {"الخدمة سيئة جدا والتوصيل متأخر", "ar"},
      {"Обслуживание ужасное, жду уже неделю", "ru"},
      {"Обслуговування жахливе, чекаю вже тиждень і нічого", "uk"},
      {"Връзката е ужасна, търпението ми свърши", "bg"},
      {"सेवा बहुत खराब है", "hi"},
      {"Η εξυπηρέτηση ήταν απαίσια", "el"},
      {"השירות היה נורא", "he"},
      {"บริการแย่มาก", "th"},
      {"این سرویس خیلی بد است و پشتیبانی نگفت", "fa"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.text);
    voc::LanguageGuess g = lid.Identify(c.text);
    CHECK(g.code == c.code);
    CHECK(std::string(g.method) == "script");
    CHECK(g.confidence > 0.9);
  }
  // A few Latin letters (a product name) do not outvote the script.
  CHECK(lid.Identify("iPhone 15 的电池续航太差了，很失望").code == "zh");
}

TEST_CASE("Language: English function words decide plain English without the model") {
  const auto& lid = WithoutModel();
  voc::LanguageGuess g = lid.Identify("I have been waiting for my refund for three weeks and nobody answers");
  CHECK(g.code == "en");
  CHECK(std::string(g.method) == "cues");
  // Emoji and curly quotes do not matter, letters outside ASCII do.
  CHECK(std::string(lid.Identify("The refund was late and the agent didn’t answer 😡").method) == "cues");
  CHECK(lid.Identify("The café was closed and the menu was in French").code == "und");
  // German and Spanish have none of the English cues (or one of their own):
  // without the model they are undetermined, never English.
  CHECK(lid.Identify("Der Zug hatte 40 Minuten Verspätung und das ist nicht ok").code == "und");
  CHECK(lid.Identify("El servicio fue muy malo y la comida estaba fria").code == "und");
  // Cue words are matched whole, in any case, up to their longest (eleven
  // bytes, "everything"); longer words and near misses are no cues.
  CHECK(lid.Identify("EVERYTHING that SHOULDN'T break broke").code == "en");
  CHECK(lid.Identify("Everythings shouldnt breaks").code == "und");
  CHECK(lid.Identify("somethingelse anythingatall").code == "und");
  // The letters of a long ASCII text are counted eight bytes at a time:
  // with too few of them it stays undetermined.
  voc::LanguageOptions few;
  few.min_letters = 20;
  auto strict = voc::LanguageIdentifier::Create(few);
  REQUIRE(strict.ok());
  CHECK((*strict)->Identify("1234567 89 !!! ?? the and 12345678").code == "und");           // 9 letters
  CHECK((*strict)->Identify("1234567 the and with this that have 12345678").code == "en");  // 23 letters
}

TEST_CASE("Language: the model decides other Latin-script texts") {
  const auto& lid = WithModel();
  CHECK(lid.has_model());
  struct Case {
    const char* text;
    const char* code;
  } cases[] = {
      {"40 Minuten Verspätung, total ärgerlich!", "de"},
      {"El pedido llegó tarde y nadie me respondió", "es"},
      {"Le colis est arrivé cassé, très déçu du service client", "fr"},
      {"Il treno era in ritardo di un'ora, pessimo servizio", "it"},
      {"O atendimento foi péssimo, ninguém resolveu meu problema", "pt"},
      {"De bezorging was te laat en de klantenservice reageert niet", "nl"},
      {"Great service, thanks!", "en"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.text);
    voc::LanguageGuess g = lid.Identify(c.text);
    CHECK(g.code == c.code);
    CHECK(g.confidence >= 0.4);
    CHECK(g.confidence <= 1.0);
  }
  // Mentions, URLs and masks are not language evidence.
  CHECK(lid.Identify("@user @other [EMAIL] https://example.com/a/b Die Lieferung kam nicht an").code == "de");
}

// The identifier computes the model's prediction itself (LidNetwork): it
// must give fastText's predict() label and log-probability to the bit, on
// texts of every script and length, words the model knows and random bytes.
TEST_CASE("Language: the model's prediction computed in voc is fastText's, bit for bit") {
  static const char* const kWords[] = {"the",
                                       "service",
                                       "was",
                                       "terrible",
                                       "der",
                                       "Kundendienst",
                                       "war",
                                       "schlecht",
                                       "le",
                                       "service",
                                       "\xC3\xA9tait",
                                       "nul",
                                       "el",
                                       "servicio",
                                       "fue",
                                       "malo",
                                       "il",
                                       "servizio",
                                       "era",
                                       "pessimo",
                                       "o",
                                       "atendimento",
                                       "foi",
                                       "ruim",
                                       "de",
                                       "klantenservice",
                                       "slecht",
                                       "\xD0\xBE\xD1\x87\xD0\xB5\xD0\xBD\xD1\x8C",
                                       "\xE5\xBE\x88\xE5\xB7\xAE",
                                       "\xE3\x81\xA7\xE3\x81\x99",
                                       "lol",
                                       "omg",
                                       "#fail",
                                       "@user",
                                       "http://x.co",
                                       "[EMAIL]",
                                       "123",
                                       "!!!",
                                       "\xF0\x9F\x98\xA1",
                                       "a",
                                       "zzzq",
                                       "xkcd",
                                       "\xC3\xBC",
                                       "\xC3\x9F"};
  std::mt19937 rng(5);
  std::uniform_int_distribution<size_t> word(0, std::size(kWords) - 1);
  std::uniform_int_distribution<int> byte(1, 255);
  int compared = 0, answered = 0, labels_seen = 0;
  std::vector<bool> seen(512, false);
  for (int t = 0; t < 3000; ++t) {
    std::string text;
    if (t % 10 == 9) {  // random bytes
      for (int k = 0; k < 1 + t % 50; ++k) text.push_back(static_cast<char>(byte(rng)));
    } else {
      for (int k = 0; k < 1 + t % 40; ++k) text += std::string(kWords[word(rng)]) + " ";
    }
    voc::internal::ModelAnswer library, own;
    REQUIRE(voc::internal::ModelAnswers(WithModel(), text, &library, &own));
    INFO("text '" << text << "'");
    CHECK(own.found == library.found);
    if (!own.found || !library.found) continue;
    CHECK(own.label == library.label);
    CHECK(std::memcmp(&own.score, &library.score, sizeof(float)) == 0);
    ++compared;
    if (library.score > -0.7f) ++answered;
    if (library.label >= 0 && library.label < 512 && !seen[static_cast<size_t>(library.label)]) {
      seen[static_cast<size_t>(library.label)] = true;
      ++labels_seen;
    }
  }
  CHECK(compared > 2500);
  CHECK(answered > 100);    // confident answers among them
  CHECK(labels_seen > 10);  // and many labels
  // Without a model there is nothing to compare.
  voc::internal::ModelAnswer library, own;
  CHECK_FALSE(voc::internal::ModelAnswers(WithoutModel(), "text", &library, &own));
  // The load-time check (the same comparison on a few lines) kept the
  // identifier's own computation for the shipped model.
  CHECK(voc::internal::UsesOwnNetwork(WithModel()));
  CHECK_FALSE(voc::internal::UsesOwnNetwork(WithoutModel()));
}

TEST_CASE("Language: a word's model ids are fastText's getSubwords, id for id") {
  // Known words, unknown words of every script, the end-of-line token,
  // invalid UTF-8 and random bytes: the identifier's own n-gram ids (a flat
  // pruning index) must be those fastText's dictionary gives, in order.
  const std::vector<std::string> fixed = {"the",
                                          "and",
                                          "</s>",
                                          "<",
                                          ">",
                                          "a",
                                          "",
                                          "ok",
                                          "Bonjour",
                                          "stra\xC3\x9F"
                                          "e",
                                          "\xE4\xBD\xA0\xE5\xA5\xBD",
                                          "\xF0\x9F\x98\xA1",
                                          "\xC3",
                                          "\x80\x80",
                                          std::string(300, 'x')};
  std::mt19937 rng(11);
  std::uniform_int_distribution<int> letter('a', 'z'), len(1, 14), kind(0, 9), byte(1, 255);
  const char* const kMultibyte[] = {"\xC3\xA9", "\xC3\xBC", "\xD0\xB4", "\xE3\x81\x82", "\xF0\x9F\x91\x8D"};
  int with_ngrams = 0, compared = 0;
  for (int t = 0; t < 20000; ++t) {
    std::string w;
    if (t < static_cast<int>(fixed.size())) {
      w = fixed[static_cast<size_t>(t)];
    } else {
      const int n = len(rng);
      for (int k = 0; k < n; ++k) {
        const int c = kind(rng);
        if (c < 7) {
          w.push_back(static_cast<char>(letter(rng)));
        } else if (c < 9) {
          w += kMultibyte[static_cast<size_t>(letter(rng)) % std::size(kMultibyte)];
        } else {
          w.push_back(static_cast<char>(byte(rng)));
        }
      }
    }
    std::vector<int32_t> library, own;
    REQUIRE(voc::internal::WordIds(WithModel(), w, &library, &own));
    INFO("word '" << w << "'");
    CHECK(own == library);
    ++compared;
    if (library.size() > 1) ++with_ngrams;
  }
  CHECK(compared == 20000);
  CHECK(with_ngrams > 8000);  // half the words keep n-grams of the pruned model
  std::vector<int32_t> library, own;
  CHECK_FALSE(voc::internal::WordIds(WithoutModel(), "text", &library, &own));
}

// A small supervised model of fastText's hierarchical softmax trained here,
// of a kind lid.176 is not: a dense input matrix (no pruning index), another
// dimension, with and without character n-grams (bucket 0), and quantized
// with a pruning index of its own. Saved to `path`.
static void TrainSmallModel(const std::string& path, int dim, int maxn, bool quantize) {
  const std::string input = path + ".txt";
  {
    std::ofstream out(input, std::ios::binary);
    std::mt19937 rng(3);
    const std::vector<std::vector<std::string>> words = {{"refund", "late", "fee", "waived", "never"},
                                                         {"versp\xC3\xA4tung", "lieferung", "kunde", "nie"},
                                                         {"retard", "livraison", "client", "jamais"}};
    for (int i = 0; i < 300; ++i) {
      const size_t l = static_cast<size_t>(i) % words.size();
      out << "__label__"
          << "edf"[l] << " ";
      for (int k = 0; k < 6; ++k) out << words[l][rng() % words[l].size()] << (k == 5 ? "\n" : " ");
    }
  }
  fasttext::Args a;
  a.input = input;
  a.output = "";
  a.model = fasttext::model_name::sup;
  a.loss = fasttext::loss_name::hs;
  a.dim = dim;
  a.epoch = 5;
  a.lr = 0.5;
  a.minCount = 1;
  a.wordNgrams = 1;
  a.minn = maxn > 0 ? 2 : 0;
  a.maxn = maxn;
  a.bucket = maxn > 0 ? 5000 : 0;
  a.thread = 1;
  a.verbose = 0;
  fasttext::FastText ft;
  ft.train(a);
  if (quantize) {
    fasttext::Args q;
    q.input = "";
    q.output = "";
    q.cutoff = 300;  // fewer rows than words and buckets: a pruning index
    q.retrain = false;
    q.qnorm = true;
    q.dsub = 2;
    q.verbose = 0;
    ft.quantize(q);
  }
  ft.saveModel(path);
  std::remove(input.c_str());
}

TEST_CASE("Language: the identifier's own prediction and n-gram ids hold for models other than lid.176") {
  struct Kind {
    int dim, maxn;
    bool quantize;
  };
  for (const Kind k : {Kind{10, 4, false}, Kind{8, 0, false}, Kind{10, 3, true}, Kind{16, 4, false}}) {
    const std::string path = std::filesystem::temp_directory_path().string() + "/voc_lid_small_" +
                             std::to_string(::getpid()) + "_" + std::to_string(k.dim) + "_" +
                             std::to_string(k.maxn) + (k.quantize ? ".ftz" : ".bin");
    TrainSmallModel(path, k.dim, k.maxn, k.quantize);
    voc::LanguageOptions o;
    o.model_path = path;
    auto r = voc::LanguageIdentifier::Create(o);
    std::remove(path.c_str());
    REQUIRE_MESSAGE(r.ok(), r.status().ToString());
    const voc::LanguageIdentifier& lid = **r;
    CAPTURE(path);
    std::mt19937 rng(7);
    const std::vector<std::string> pieces = {"refund", "late", "kunde", "livraison",         "jamais",
                                             "xyz",    "fee",  "nie",   "\xC3\xA9t\xC3\xA9", "client",
                                             "a",      "zz"};
    int compared = 0;
    for (int t = 0; t < 400; ++t) {
      std::string text;
      for (int n = 1 + t % 7; n > 0; --n) text += pieces[rng() % pieces.size()] + " ";
      voc::internal::ModelAnswer library, own;
      REQUIRE(voc::internal::ModelAnswers(lid, text, &library, &own));
      CAPTURE(text);
      REQUIRE(own.found == library.found);
      if (!own.found) continue;
      CHECK(own.label == library.label);
      CHECK(std::memcmp(&own.score, &library.score, sizeof(float)) == 0);
      ++compared;
      std::vector<int32_t> library_ids, own_ids;
      const std::string word = pieces[rng() % pieces.size()] + pieces[rng() % pieces.size()];
      REQUIRE(voc::internal::WordIds(lid, word, &library_ids, &own_ids));
      CHECK(own_ids == library_ids);
    }
    CHECK(compared == 400);
    // A dense input matrix is read where it is: no row decoded and kept.
    CHECK((voc::internal::LanguageModelRowsKept(lid) == 0) == !k.quantize);
  }
}

TEST_CASE("Language: too little text is undetermined") {
  const auto& lid = WithModel();
  for (const char* text : {"", "ok", "👍👍", "12345 !!!", "?", "[EMAIL]"}) {
    CAPTURE(text);
    voc::LanguageGuess g = lid.Identify(text);
    if (std::string(text) == "[EMAIL]") {
      // Letters of a mask: the model sees nothing left and answers "und".
      CHECK(g.code == "und");
      continue;
    }
    CHECK(g.code == "und");
    CHECK(g.confidence == 0.0);
  }
  // Invalid UTF-8 is tolerated.
  CHECK(lid.Identify(std::string("\xff\xfe abc \xc3", 9)).code == "und");
}

TEST_CASE("Language: bad options and model files are refused with their reason") {
  voc::LanguageOptions o;
  o.min_confidence = 1.5;
  auto r = voc::LanguageIdentifier::Create(o);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message().find("min_confidence") != std::string::npos);
  o = voc::LanguageOptions();
  o.model_path = "/nonexistent/lid.ftz";
  r = voc::LanguageIdentifier::Create(o);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == voc::StatusCode::kNotFound);
  const std::string bad = VOC_SOURCE_DIR "/build-lang-test-bad.ftz";
  {
    std::ofstream f(bad, std::ios::binary);
    f << std::string(200, 'x');
  }
  o.model_path = bad;
  r = voc::LanguageIdentifier::Create(o);
  std::remove(bad.c_str());
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == voc::StatusCode::kDataLoss);
  CHECK(r.status().message().find("refused") != std::string::npos);
}

TEST_CASE("Language: codes") {
  CHECK(voc::IsLanguageCode("de"));
  CHECK(voc::IsLanguageCode("und"));
  CHECK_FALSE(voc::IsLanguageCode("DE"));
  CHECK_FALSE(voc::IsLanguageCode("deu"));
  CHECK_FALSE(voc::IsLanguageCode(""));
  CHECK(voc::LanguageName("de") == "German");
  CHECK(voc::LanguageName("xx") == "xx");
}

TEST_CASE("Analyzer: language per record, forced language, and its JSON") {
  voc::AnalyzerOptions o;
  o.models_dir = VOC_SOURCE_DIR "/models";
  auto an = voc::Analyzer::Create(o);
  REQUIRE_MESSAGE(an.ok(), an.status().ToString());
  voc::Analysis de = (*an)->AnalyzeText("Die Lieferung kam zwei Wochen zu spät und niemand hat geantwortet.");
  CHECK(de.language == "de");
  CHECK(de.language_confidence > 0.5);
  voc::Analysis zh = (*an)->AnalyzeText("房间很脏，服务也很差");
  CHECK(zh.language == "zh");
  auto j = nlohmann::json::parse(voc::AnalysisToJson(de));
  CHECK(j["language"] == "de");
  CHECK(j["language_confidence"].get<double>() > 0.5);

  o.language = "fr";
  auto forced = voc::Analyzer::Create(o);
  REQUIRE(forced.ok());
  voc::Analysis f = (*forced)->AnalyzeText("Die Lieferung kam zu spät.");
  CHECK(f.language == "fr");
  CHECK(f.language_confidence == 1.0);

  o.language = "German";
  auto bad = voc::Analyzer::Create(o);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().message().find("ISO 639-1") != std::string::npos);
}

// ---- theme rules by language -------------------------------------------------

#include "voc/taxonomy.h"
#include "sentiment/sentiment_language.h"

namespace {

std::unique_ptr<voc::ThemeClassifier> LanguageRules() {
  auto tax = voc::Taxonomy::Parse(R"({"themes": [
    {"id": "delay", "department": "operations", "rules": [
      {"id": "any", "include": {"en": ["\\bdelay(?:ed)?\\b"], "de": ["versp(?:ä|ae)tung"]},
       "exclude": {"en": ["\\bno delay\\b"]}}]},
    {"id": "staff", "department": "service", "rules": [
      {"id": "rude", "include": "\\brude\\b"},
      {"id": "rude", "lang": ["de", "nl"], "include": "\\bunfreundlich\\b|\\bonvriendelijk\\b"}]}
  ]})");
  REQUIRE_MESSAGE(tax.ok(), tax.status().ToString());
  auto clf = voc::ThemeClassifier::Create(std::shared_ptr<const voc::Taxonomy>(std::move(*tax)));
  REQUIRE(clf.ok());
  return std::move(*clf);
}

}  // namespace

TEST_CASE("Taxonomy: rules fire only in the languages they are written for") {
  auto clf = LanguageRules();
  const auto& rules = clf->taxonomy().Find("delay")->rules;
  REQUIRE(rules.size() == 2);
  CHECK(rules[0].languages == std::vector<std::string>{"de"});  // object keys sorted by the parser
  CHECK(rules[1].languages == std::vector<std::string>{"en"});
  CHECK(rules[1].exclude.size() == 1);
  CHECK(rules[0].exclude.empty());
  // A rule without "lang" is English.
  CHECK(clf->taxonomy().Find("staff")->rules[0].languages.empty());

  CHECK(clf->ClassifyLanguage("The train was delayed again", "en").size() == 1);
  CHECK(clf->ClassifyLanguage("The train was delayed again", "de").empty());
  CHECK(clf->ClassifyLanguage("Schon wieder 40 Minuten Verspätung", "de").size() == 1);
  CHECK(clf->ClassifyLanguage("Schon wieder 40 Minuten Verspätung", "en").empty());
  CHECK(clf->ClassifyLanguage("There was no delay", "en").empty());
  // English rules do not judge German text, German ones do.
  CHECK(clf->ClassifyLanguage("rude staff", "de").empty());
  auto de = clf->ClassifyLanguage("Sehr unfreundlich", "de");
  REQUIRE(de.size() == 1);
  CHECK(de[0].source == "rule:staff#rude");
  CHECK(clf->ClassifyLanguage("Heel onvriendelijk", "nl").size() == 1);
  // Undetermined, and the language-less API: every rule runs.
  CHECK(clf->ClassifyLanguage("rude, and Verspätung", "und").size() == 2);
  CHECK(clf->Classify("rude, and Verspätung").size() == 2);
}

TEST_CASE("Taxonomy: rules of other languages, compiled apart, keep the taxonomy's order") {
  // The German and French rules live in pattern groups of their own; a text
  // they all match still credits the first rule in the taxonomy at equal
  // weight, as one group would.
  auto tax = voc::Taxonomy::Parse(R"({"themes": [
    {"id": "delay", "department": "operations", "rules": [
      {"id": "late-de", "lang": ["de"], "include": "\\bversp(?:ä|ae)tet\\b", "weight": 0.8},
      {"id": "late-en", "include": "\\blate\\b", "weight": 0.8},
      {"id": "late-fr", "lang": ["fr"], "include": "\\ben retard\\b", "weight": 0.8}]}
  ]})");
  REQUIRE_MESSAGE(tax.ok(), tax.status().ToString());
  auto clf = voc::ThemeClassifier::Create(std::shared_ptr<const voc::Taxonomy>(std::move(*tax)));
  REQUIRE(clf.ok());
  const std::string text = "late, verspätet, en retard";
  auto und = (*clf)->ClassifyLanguage(text, "und");
  REQUIRE(und.size() == 1);
  CHECK(und[0].source == "rule:delay#late-de");
  CHECK(und[0].evidence.size() == 3);
  for (const char* lang : {"de", "en", "fr"}) {
    CAPTURE(lang);
    auto one = (*clf)->ClassifyLanguage(text, lang);
    REQUIRE(one.size() == 1);
    CHECK(one[0].source == std::string("rule:delay#late-") + lang);
    CHECK(one[0].evidence.size() == 1);
  }
  CHECK((*clf)->ClassifyLanguage(text, "es").empty());
}

TEST_CASE("Taxonomy: language fields are checked") {
  auto bad = [](const char* rule) {
    std::string json =
        std::string(R"({"themes": [{"id": "a", "department": "service", "rules": [)") + rule + "]}]}";
    auto t = voc::Taxonomy::Parse(json);
    REQUIRE_FALSE(t.ok());
    return t.status().message();
  };
  CHECK(bad(R"({"lang": "German", "include": "x"})").find("not an ISO 639-1 code") != std::string::npos);
  CHECK(bad(R"({"lang": [], "include": "x"})").find("at least one language") != std::string::npos);
  CHECK(bad(R"({"lang": "de", "include": {"de": ["x"]}})").find("exclude each other") != std::string::npos);
  CHECK(bad(R"({"include": {"de": ["x"]}, "exclude": {"fr": ["y"]}})").find("does not") != std::string::npos);
  CHECK(bad(R"({"include": {}})").find("map is empty") != std::string::npos);
  CHECK(bad(R"({"include": {"xx1": ["x"]}})").find("not an ISO 639-1 code") != std::string::npos);
  CHECK(bad(R"({"id": "r", "include": "x"}, {"id": "r", "include": "y"})").find("duplicate rule id") !=
        std::string::npos);
  CHECK(bad(R"({"id": "r", "lang": "de", "include": "x"}, {"id": "r", "lang": ["fr", "de"], "include": "y"})")
            .find("for language 'de'") != std::string::npos);
  // The same id for other languages is fine; defaults.lang sets a file's language.
  auto ok =
      voc::Taxonomy::Parse(R"({"defaults": {"lang": "es"}, "themes": [{"id": "a", "department": "service",
      "rules": [{"id": "r", "include": "retraso"}, {"id": "r", "lang": "en", "include": "delay"}]}]})");
  REQUIRE_MESSAGE(ok.ok(), ok.status().ToString());
  CHECK((*ok)->Find("a")->rules[0].languages == std::vector<std::string>{"es"});
  CHECK((*ok)->Find("a")->rules[1].languages == std::vector<std::string>{"en"});
}

// ---- sentiment by language -----------------------------------------------------

namespace {

const voc::internal::LanguageSentiment& German() {
  static std::unique_ptr<voc::internal::LanguageSentiment> de = [] {
    auto r = voc::internal::LanguageSentiment::Load(VOC_SOURCE_DIR "/models/sentiment/de.tsv", "de");
    REQUIRE_MESSAGE(r.ok(), r.status().ToString());
    return std::move(*r);
  }();
  return *de;
}

voc::Polarity Label(const voc::internal::LanguageSentiment& s, const char* text) {
  return s.Analyze(text).document.label;
}

// The label of `text` by the shipped lexicon of `lang` (models/sentiment/).
voc::Polarity ShippedLabel(const std::string& lang, const char* text) {
  auto s = voc::internal::LanguageSentiment::Load(
      std::string(VOC_SOURCE_DIR "/models/sentiment/") + lang + ".tsv", lang);
  REQUIRE(s.ok());
  return (*s)->Analyze(text).document.label;
}

}  // namespace

TEST_CASE("Sentiment by language: German negation, intensifiers and contrast") {
  const auto& de = German();
  CHECK(de.terms() > 1000);
  CHECK(Label(de, "Das Essen war gut.") == voc::Polarity::kPositive);
  CHECK(Label(de, "Das Essen war nicht gut.") == voc::Polarity::kNegative);
  CHECK(Label(de, "Das hat mir gar nicht gefallen.") != voc::Polarity::kPositive);
  CHECK(Label(de, "40 Minuten Verspätung, total ärgerlich!") == voc::Polarity::kNegative);
  CHECK(Label(de, "Kein Problem, alles bestens.") == voc::Polarity::kPositive);
  CHECK(Label(de, "Der Zug fährt um 9 Uhr ab.") == voc::Polarity::kNeutral);
  // Boosters strengthen; the part after "aber" weighs more.
  const double plain = de.Analyze("Das war schlecht").document.score;
  const double boosted = de.Analyze("Das war sehr schlecht").document.score;
  CHECK(boosted < plain);
  CHECK(Label(de, "Das Hotel war schön, aber das Personal war furchtbar unfreundlich.") ==
        voc::Polarity::kNegative);
  // Emoji score in every language; evidence names the lexicon.
  voc::SentimentResult r = de.Analyze("Danke 😍");
  CHECK(r.document.label == voc::Polarity::kPositive);
  bool emoji = false, lexicon = false;
  for (const auto& e : r.document.evidence) {
    emoji |= e.source == "emoji";
    lexicon |= e.source == "lexicon:de";
  }
  CHECK(emoji);
  CHECK(lexicon);
  auto neg = de.Analyze("nicht gut");
  REQUIRE(neg.document.evidence.size() == 1);
  CHECK(neg.document.evidence[0].source == "lexicon:de:negated");
}

TEST_CASE("Sentiment by language: the other shipped languages") {
  struct Case {
    const char* lang;
    const char* text;
    voc::Polarity label;
  } cases[] = {
      {"es", "El servicio fue excelente, gracias", voc::Polarity::kPositive},
      {"es", "El servicio no fue bueno", voc::Polarity::kNegative},
      {"fr", "Le colis est arrivé cassé, très déçu", voc::Polarity::kNegative},
      {"fr", "Le service n'est pas bon", voc::Polarity::kNegative},
      {"pt", "O atendimento foi péssimo", voc::Polarity::kNegative},
      {"pt", "Adorei, muito bom", voc::Polarity::kPositive},
      {"it", "Servizio pessimo, non lo consiglio", voc::Polarity::kNegative},
      {"it", "Ottimo servizio, grazie", voc::Polarity::kPositive},
      {"nl", "Heel slechte service", voc::Polarity::kNegative},
      {"nl", "Niet slecht, best lekker", voc::Polarity::kPositive},
  };
  for (const auto& c : cases) {
    CAPTURE(c.text);
    CHECK(ShippedLabel(c.lang, c.text) == c.label);
  }
}

TEST_CASE("Sentiment by language: inflected forms reach their lexicon entry through @suffix rules") {
  auto with = voc::internal::LanguageSentiment::Parse(
      "@suffix e> as>o ste>\nlekker\t2\nbueno\t2\nslecht\t-2\n", "nl");
  REQUIRE_MESSAGE(with.ok(), with.status().ToString());
  auto without = voc::internal::LanguageSentiment::Parse("lekker\t2\nbueno\t2\nslecht\t-2\n", "nl");
  REQUIRE(without.ok());
  CHECK(Label(**with, "lekkere soep") == voc::Polarity::kPositive);
  CHECK(Label(**without, "lekkere soep") == voc::Polarity::kNeutral);
  CHECK(Label(**with, "buenas noches") == voc::Polarity::kPositive);
  CHECK(Label(**with, "de slechtste dag") == voc::Polarity::kNegative);
  // At least three letters stay: "kee" is not "k" + "e".
  auto short_stem = voc::internal::LanguageSentiment::Parse("@suffix e>\nke\t2\n", "nl");
  REQUIRE(short_stem.ok());
  CHECK(Label(**short_stem, "kee") == voc::Polarity::kNeutral);
  // The shipped lexicons: adjective endings, superlatives and verb forms.
  struct Case {
    const char* lang;
    const char* text;
    voc::Polarity label;
  } cases[] = {
      {"nl", "Lekkere gerechten, vriendelijke bediening", voc::Polarity::kPositive},
      {"es", "Las camareras fueron buenísimas", voc::Polarity::kPositive},
      {"pt", "Adorei o atendimento", voc::Polarity::kPositive},
      {"it", "Una cena pessima", voc::Polarity::kNegative},
      {"de", "Die schlechteste Verbindung", voc::Polarity::kNegative},
  };
  for (const auto& c : cases) {
    CAPTURE(c.text);
    CHECK(ShippedLabel(c.lang, c.text) == c.label);
  }
}

TEST_CASE("Sentiment by language: laughter and stretched words in any language") {
  auto s = voc::internal::LanguageSentiment::Parse("bueno\t2\nmalo\t-2\n", "es");
  REQUIRE(s.ok());
  for (const char* text : {"jajajaja", "hahaha", "kkkkkk", "ahahah", "xD", "hehe"}) {
    CAPTURE(text);
    CHECK(Label(**s, text) == voc::Polarity::kPositive);
  }
  for (const char* text : {"kk", "haus", "hallo", "jaja2", "ja"}) {
    CAPTURE(text);
    CHECK(Label(**s, text) == voc::Polarity::kNeutral);
  }
  CHECK(Label(**s, "buenooooo") == voc::Polarity::kPositive);
  CHECK(Label(**s, "MALOOOO") == voc::Polarity::kNegative);
}

TEST_CASE("Sentiment by language: a negator with no term in reach counts as @negation_alone") {
  const char* lexicon = "@negation niet geen ne pas\n@negation_alone -0.5\n@neutral 0.05\nlekker\t2\n";
  auto on = voc::internal::LanguageSentiment::Parse(lexicon, "nl");
  auto off = voc::internal::LanguageSentiment::Parse("@negation niet geen ne pas\nlekker\t2\n", "nl");
  REQUIRE(on.ok());
  REQUIRE(off.ok());
  // "De bestelling kwam niet": no opinion word, the negation alone is negative.
  auto r = (*on)->Analyze("De bestelling kwam niet aan");
  CHECK(r.document.label == voc::Polarity::kNegative);
  REQUIRE(r.document.evidence.size() == 1);
  CHECK(r.document.evidence[0].source == "negation");
  CHECK(r.document.evidence[0].weight == doctest::Approx(-0.5));
  CHECK(Label(**off, "De bestelling kwam niet aan") == voc::Polarity::kNeutral);
  // A negator that reaches a term negates it and is not counted again.
  auto neg = (*on)->Analyze("niet lekker");
  REQUIRE(neg.document.evidence.size() == 1);
  CHECK(neg.document.evidence[0].source == "lexicon:nl:negated");
  // "ne ... pas" within three words is one negation.
  CHECK((*on)->Analyze("il ne vient pas").document.evidence.size() == 1);
  auto bad = voc::internal::LanguageSentiment::Parse("@negation_alone 1\n", "nl");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().message() == "line 1: @negation_alone takes one number in [-4, 0]");
}

TEST_CASE("Sentiment by language: @ignore words and names are not inflected into terms") {
  auto s = voc::internal::LanguageSentiment::Parse("@suffix s> e>\n@ignore plus\nplu\t1.8\nfranc\t2\n", "fr");
  REQUIRE(s.ok());
  CHECK(Label(**s, "rien de plus") == voc::Polarity::kNeutral);      // @ignore
  CHECK(Label(**s, "je vis en France") == voc::Polarity::kNeutral);  // a name inside the sentence
  CHECK(Label(**s, "une france") == voc::Polarity::kPositive);       // lower case: inflected
}

TEST_CASE("Sentiment by language: @neutral sets the neutral band") {
  auto narrow = voc::internal::LanguageSentiment::Parse("@neutral 0.05\nokay\t0.6\n", "nl");
  auto wide = voc::internal::LanguageSentiment::Parse("@neutral 0.4\nokay\t0.6\n", "nl");
  REQUIRE(narrow.ok());
  REQUIRE(wide.ok());
  CHECK(Label(**narrow, "okay") == voc::Polarity::kPositive);
  CHECK(Label(**wide, "okay") == voc::Polarity::kNeutral);
  CHECK((*narrow)->Analyze("okay").document.score == (*wide)->Analyze("okay").document.score);
}

TEST_CASE("Sentiment by language: lexicon file errors name the line") {
  auto r = voc::internal::LanguageSentiment::Parse("@negation nicht\ngut\t1.5\nschlecht -2\n", "de");
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message() == "line 3: expected term<TAB>valence");
  r = voc::internal::LanguageSentiment::Parse("gut\t9\n", "de");
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message().find("[-4, 4]") != std::string::npos);
  r = voc::internal::LanguageSentiment::Parse("@negations nicht\n", "de");
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message().find("unknown rule list") != std::string::npos);
  r = voc::internal::LanguageSentiment::Parse("@neutral high\n", "de");
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message() == "line 1: @neutral takes one number in [0, 1)");
  r = voc::internal::LanguageSentiment::Parse("# rules\n@suffix e> >en\n", "de");
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message() ==
        "line 2: @suffix rules are from>to with a non-empty from, e.g. 'en>' or 'as>o'");
  auto missing = voc::internal::LanguageSentiment::Load("/nonexistent/de.tsv", "de");
  CHECK(missing.status().code() == voc::StatusCode::kNotFound);
}

TEST_CASE("Analyzer: unsupported languages are unscored, with the reason in the JSON") {
  voc::AnalyzerOptions o;
  o.models_dir = VOC_SOURCE_DIR "/models";
  auto an = voc::Analyzer::Create(o);
  REQUIRE(an.ok());
  voc::Analysis ru = (*an)->AnalyzeText("Обслуживание ужасное, жду уже неделю");
  CHECK(ru.language == "ru");
  CHECK_FALSE(ru.sentiment.scored());
  CHECK(ru.sentiment.unscored.find("Russian") != std::string::npos);
  CHECK(ru.sentences.empty());
  auto j = nlohmann::json::parse(voc::AnalysisToJson(ru));
  CHECK(j["sentiment"]["label"] == "unscored");
  CHECK(j["sentiment"]["score"].is_null());
  CHECK(j["sentiment"]["reason"].get<std::string>().find("(ru)") != std::string::npos);
  // German is scored with the German lexicon, English with the English scorer.
  voc::Analysis de = (*an)->AnalyzeText("Das Personal war sehr unfreundlich und das Essen war schlecht.");
  CHECK(de.sentiment.scored());
  CHECK(de.sentiment.label == voc::Polarity::kNegative);
  for (const auto& e : de.sentiment.evidence) CHECK(e.source.rfind("lexicon:de", 0) == 0);
  voc::Analysis en = (*an)->AnalyzeText("The staff were rude and the food was bad.");
  CHECK(en.sentiment.label == voc::Polarity::kNegative);
}

// ---- aggregates and findings -----------------------------------------------------

#include "voc/aggregate.h"
#include "insight/aggregate_data.h"
#include "voc/findings.h"
#include "voc/report.h"

namespace {

voc::Analysis Record(const std::string& id, const std::string& language, bool scored, voc::Polarity p,
                     int64_t day) {
  voc::Analysis a;
  a.id = id;
  a.text = "text " + id;
  a.timestamp = 1767225600 + day * 86400;  // 2026-01-01 + day
  a.channel = "web";
  a.language = language;
  a.language_confidence = 0.9;
  if (scored) {
    a.sentiment.label = p;
    a.sentiment.score = p == voc::Polarity::kNegative ? -0.5 : p == voc::Polarity::kPositive ? 0.5 : 0.0;
  } else {
    a.sentiment.unscored = "no sentiment support for Russian (ru)";
  }
  voc::ThemeHit h;
  h.id = "refunds";
  h.department = "finance";
  a.themes.push_back(h);
  return a;
}

}  // namespace

TEST_CASE("Aggregate: languages and unscored records are counted, merged and serialized exactly") {
  voc::AggregateOptions o;
  o.period = voc::Period::kDay;
  voc::Aggregate one(o), a(o), b(o);
  std::vector<voc::Analysis> xs;
  for (int i = 0; i < 30; ++i)
    xs.push_back(Record("e" + std::to_string(i), "en", true,
                        i % 3 ? voc::Polarity::kNegative : voc::Polarity::kPositive, i % 10));
  for (int i = 0; i < 20; ++i)
    xs.push_back(Record("r" + std::to_string(i), "ru", false, voc::Polarity::kNeutral, i % 10));
  for (size_t i = 0; i < xs.size(); ++i) {
    one.Add(xs[i]);
    (i % 2 ? a : b).Add(xs[i]);
  }
  REQUIRE(a.Merge(b).ok());
  CHECK(a.Serialize() == one.Serialize());
  const auto& langs = voc::ImplOf(one).languages;
  REQUIRE(langs.size() == 2);
  CHECK(langs.at("en").records == 30);
  CHECK(langs.at("en").unscored == 0);
  CHECK(langs.at("ru").records == 20);
  CHECK(langs.at("ru").unscored == 20);
  auto back = voc::Aggregate::Deserialize(one.Serialize());
  REQUIRE_MESSAGE(back.ok(), back.status().ToString());
  CHECK(back->Serialize() == one.Serialize());
  // Corrupt counts are refused with the reason.
  std::string bad = one.Serialize();
  const size_t at = bad.find("\"uns\":20");
  REQUIRE(at != std::string::npos);
  bad.replace(at, 8, "\"uns\":21");
  auto refused = voc::Aggregate::Deserialize(bad);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().message().find("more unscored records than records") != std::string::npos);

  voc::FindingsOptions fo;
  fo.min_count = 1;
  voc::Findings f = voc::DetectFindings(one, fo);
  CHECK(f.unscored == 20);
  REQUIRE(f.languages.size() == 2);
  CHECK(f.languages[0].name == "en");
  REQUIRE(f.languages_unscored.size() == 1);
  CHECK(f.languages_unscored[0].name == "ru");
  bool warned = false;
  for (const auto& w : f.warnings) warned |= w.find("Russian (ru)") != std::string::npos;
  CHECK(warned);
  // Sentiment shares count scored records only.
  const voc::Finding* refunds = nullptr;
  for (const auto& x : f.findings)
    if (x.theme == "refunds") refunds = &x;
  REQUIRE(refunds != nullptr);
  CHECK(refunds->unscored == 20);
  CHECK(refunds->negative == 20);
  CHECK(refunds->share_negative == doctest::Approx(20.0 / 30.0).epsilon(1e-6));
  auto j = nlohmann::json::parse(voc::FindingsToJson(f));
  CHECK(j["languages"][1]["language"] == "ru");
  CHECK(j["languages"][1]["unscored"] == 20);
}

// The lexicon reader's numbers: a short decimal is read without
// std::from_chars, to the same double (bit for bit) as from_chars or strtod
// give, and any other text as they read it.
TEST_CASE("ParseLexiconNumber reads what std::from_chars and strtod read, to the same bits") {
  auto reference = [](const std::string& s, double* v) {
    if (s.empty()) return false;
    const auto r = std::from_chars(s.data(), s.data() + s.size(), *v);
    if (r.ec == std::errc() && r.ptr == s.data() + s.size()) return true;
    char* end = nullptr;
    *v = std::strtod(s.c_str(), &end);
    return end != s.c_str() && *end == '\0';
  };
  auto same = [&](const std::string& s) {
    CAPTURE(s);
    double got = 7.0, want = 7.0;
    const bool ok = voc::internal::ParseLexiconNumber(s, &got);
    REQUIRE(ok == reference(s, &want));
    if (ok) CHECK(std::memcmp(&got, &want, sizeof got) == 0);
  };
  for (const char* s : {"0",
                        "-0",
                        "-0.0",
                        "1.5",
                        "-4",
                        "4.000",
                        "0.1",
                        "0.3",
                        "-2.675",
                        "123456789012345",
                        "1234567890123456",
                        "0.000000000000001",
                        "9.99999999999999",
                        "5.",
                        ".5",
                        "-.5",
                        "-",
                        "+1",
                        "1e2",
                        "1.5e-3",
                        "inf",
                        "nan",
                        " 1",
                        "1 ",
                        "1..2",
                        "1.2.3",
                        "--1",
                        "0x10",
                        "",
                        "00012.50"})
    same(s);
  std::mt19937 rng(20261207);
  for (int n = 0; n < 200000; ++n) {
    std::string s = rng() % 4 == 0 ? "-" : "";
    const int whole = 1 + static_cast<int>(rng() % 8), fraction = static_cast<int>(rng() % 10);
    for (int k = 0; k < whole; ++k) s += static_cast<char>('0' + rng() % 10);
    if (fraction > 0 || rng() % 8 == 0) s += '.';
    for (int k = 0; k < fraction; ++k) s += static_cast<char>('0' + rng() % 10);
    same(s);
  }
}
