#include "voc/classifier.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <random>
#include <string>
#include <thread>

#include <zlib.h>
#include <unistd.h>

#include "util/bulk_allocator.h"
#include "classifier/classifier_backend.h"
#include "classifier/classifier_features.h"
#include "util/utf8_util.h"
#include <vector>

namespace {

// Three well separated classes with some shared filler words.
std::vector<voc::LabeledText> Synthetic(int per_class, int seed = 1) {
  const std::vector<std::pair<std::string, std::vector<std::string>>> classes = {
      {"billing", {"charged", "twice", "refund", "invoice", "fee", "bill", "overcharged"}},
      {"delivery", {"package", "late", "courier", "shipping", "arrived", "tracking", "parcel"}},
      {"login", {"password", "reset", "locked", "account", "login", "username", "app"}},
  };
  const std::vector<std::string> filler = {"the", "my", "i", "was", "and", "please", "help", "today"};
  std::mt19937 rng(seed);
  std::vector<voc::LabeledText> rows;
  for (int i = 0; i < per_class; ++i) {
    for (const auto& [label, words] : classes) {
      std::string text;
      for (int w = 0; w < 6; ++w) {
        const auto& pool = (rng() % 3 == 0) ? filler : words;
        text += (w ? " " : "") + pool[rng() % pool.size()];
      }
      rows.push_back({text, {label}});
    }
  }
  return rows;
}

voc::TrainOptions Quick(const std::string& backend) {
  voc::TrainOptions o;
  o.backend = backend;
  o.fasttext_dim = 8;
  o.fasttext_bucket = 2000;
  return o;
}

std::string TempFile(const std::string& name) {
  return (std::filesystem::temp_directory_path() /
          ("voc_classifier_test_" + std::to_string(::getpid()) + "_" + name))
      .string();
}

// Backend-level training data over `rows` (single-label, ids by `labels`).
voc::internal::TrainData SyntheticTrainData(const std::vector<voc::LabeledText>& rows,
                                            const std::vector<std::string>& labels) {
  voc::internal::TrainData data;
  data.num_labels = static_cast<int>(labels.size());
  for (const auto& r : rows) {
    data.rows.push_back(&r);
    int id = static_cast<int>(std::find(labels.begin(), labels.end(), r.labels[0]) - labels.begin());
    data.ids.push_back({id});
  }
  return data;
}

}  // namespace

TEST_CASE("SortIds sorts like std::sort at every length, with duplicates and extremes") {
  std::mt19937 rng(5);
  std::vector<size_t> lengths;
  for (size_t n = 0; n <= 150; ++n) lengths.push_back(n);
  for (size_t n : {255, 256, 257, 1000, 4097}) lengths.push_back(n);
  for (size_t n : lengths) {
    for (uint32_t range : {3u, 1000u, 70000u, 0xFFFFFFFFu}) {
      std::vector<uint32_t> ids(n);
      for (auto& x : ids) x = range == 0xFFFFFFFFu ? static_cast<uint32_t>(rng()) : rng() % range;
      if (n > 2) ids[n / 2] = 0xFFFFFFFFu;  // the largest id ranks like any other
      std::vector<uint32_t> expected = ids;
      std::sort(expected.begin(), expected.end());
      voc::internal::SortIds(&ids);
      CAPTURE(n);
      CAPTURE(range);
      CHECK(ids == expected);
    }
  }
}

namespace {

// ExtractFeatures' word features read the plain way: the text decoded a code
// point at a time (a byte that starts no valid sequence is a code point of
// its own value), each word lower-cased into a string and then hashed.
std::vector<voc::internal::RawFeature> ReferenceWordFeatures(std::string_view text) {
  auto decode = [&](size_t i, size_t* len) -> uint32_t {
    const auto c = static_cast<unsigned char>(text[i]);
    *len = 1;
    const size_t need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : c >= 0x80 ? 0 : 1;
    if (need <= 1 || i + need > text.size()) return c;
    uint32_t cp = c & (0x3Fu >> (need - 1));
    for (size_t k = 1; k < need; ++k) {
      const auto d = static_cast<unsigned char>(text[i + k]);
      if ((d & 0xC0) != 0x80) return c;
      cp = cp << 6 | (d & 0x3F);
    }
    *len = need;
    return cp;
  };
  auto lower = [](std::string_view s) {
    std::string out(s);
    for (char& ch : out)
      if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
    return out;
  };
  auto fnv = [](std::string_view s) {
    uint64_t h = 0xcbf29ce484222325ULL;
    for (char ch : s) h = (h ^ static_cast<unsigned char>(ch)) * 0x100000001b3ULL;
    return h;
  };
  std::vector<voc::internal::RawFeature> out;
  bool have_prev = false;
  uint64_t prev = 0;
  uint32_t prev_begin = 0;
  for (size_t i = 0; i < text.size();) {
    size_t len;
    uint32_t cp = decode(i, &len);
    if (cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == '\v' || cp == '\f') {
      i += len;
      continue;
    }
    const size_t start = i;
    i += len;
    if (voc::internal::IsWordCodePoint(cp))
      while (i < text.size() && voc::internal::IsWordCodePoint(cp = decode(i, &len))) i += len;
    const std::string word = lower(text.substr(start, i - start));
    const uint64_t h = fnv(word);
    if (have_prev)
      out.push_back({voc::internal::BigramHash(prev, word), voc::internal::FeatureFamily::kWord, true,
                     prev_begin, static_cast<uint32_t>(i)});
    out.push_back({h, voc::internal::FeatureFamily::kWord, false, static_cast<uint32_t>(start),
                   static_cast<uint32_t>(i)});
    have_prev = true;
    prev = h;
    prev_begin = static_cast<uint32_t>(start);
  }
  return out;
}

// A words-only linear model of Synthetic(60, seed) (null if training fails).
std::unique_ptr<voc::internal::Backend> WordModel(int seed) {
  auto rows = Synthetic(60, seed);
  voc::internal::TrainData data = SyntheticTrainData(rows, {"billing", "delivery", "login"});
  auto model = voc::internal::LinearTrainer(data, false)
                   .Train({{"solver", "svc"}, {"C", 0.5}, {"balanced", true}}, 13);
  return model.ok() ? std::move(*model) : nullptr;
}

}  // namespace

TEST_CASE("ExtractFeatures: word features equal those of a text read a code point at a time") {
  // Pieces of every byte class: letters of both cases, digits, apostrophes,
  // punctuation, each kind of white space, multi-byte letters and symbols,
  // and broken sequences (a lead byte alone, stray continuations, 0xFF).
  const std::vector<std::string> pieces = {"a",
                                           "Z",
                                           "q",
                                           "Word",
                                           "0",
                                           "9",
                                           "'",
                                           "_",
                                           "-",
                                           "!",
                                           "?",
                                           ".",
                                           " ",
                                           "   ",
                                           "\t",
                                           "\n",
                                           "\r",
                                           "\v",
                                           "\f",
                                           "\xC3\xA9",
                                           "\xC3\x89",
                                           "\xC3\x9F",
                                           "\xE4\xB8\xAD",
                                           "\xF0\x9F\x98\x80",
                                           "\xE2\x80\x99",
                                           "\xC3",
                                           "\xE2\x80",
                                           "\x80",
                                           "\xFF",
                                           "\xC3\xA9t\xC3\xA9",
                                           "lexnone"};
  std::mt19937 rng(11);
  for (int round = 0; round < 3000; ++round) {
    std::string text;
    const size_t count = rng() % 40;
    for (size_t k = 0; k < count; ++k) text += pieces[rng() % pieces.size()];
    std::vector<voc::internal::RawFeature> got;
    voc::internal::ExtractFeatures(text, &got, /*char_ngrams=*/false);
    const auto want = ReferenceWordFeatures(text);
    CAPTURE(text);
    REQUIRE(got.size() == want.size());
    for (size_t i = 0; i < got.size(); ++i) {
      CAPTURE(i);
      CHECK(got[i].hash == want[i].hash);
      CHECK(got[i].pair == want[i].pair);
      CHECK(got[i].family == want[i].family);
      CHECK(got[i].begin == want[i].begin);
      CHECK(got[i].end == want[i].end);
    }
  }
}

TEST_CASE("TextClassifier: linear backend learns a small synthetic task") {
  auto rows = Synthetic(40);
  auto model = voc::TextClassifier::Train(rows, Quick("linear"));
  REQUIRE(model.ok());
  CHECK((*model)->info().backend == "linear");
  CHECK((*model)->info().labels == std::vector<std::string>{"billing", "delivery", "login"});
  CHECK((*model)->Predict("I was charged twice, please refund the fee")[0].label == "billing");
  CHECK((*model)->Predict("the courier lost my package")[0].label == "delivery");
  CHECK((*model)->Predict("password reset does not work, account locked")[0].label == "login");
  auto top = (*model)->Predict("refund", 3);
  REQUIRE(top.size() == 3);
  CHECK(top[0].probability >= top[1].probability);
  double sum = top[0].probability + top[1].probability + top[2].probability;
  CHECK(sum == doctest::Approx(1.0).epsilon(1e-6));
  voc::EvalReport r = voc::Evaluate(**model, Synthetic(10, 7));
  CHECK(r.accuracy > 0.9);
  CHECK(r.macro_f1 > 0.9);
}

TEST_CASE("TextClassifier: a words-only linear model keeps its setting through save and load") {
  auto rows = Synthetic(40);
  voc::TrainOptions o = Quick("linear");
  o.char_ngrams = false;
  o.input = "custom-input/2";
  auto model = voc::TextClassifier::Train(rows, o);
  REQUIRE(model.ok());
  CHECK((*model)->info().input == "custom-input/2");
  auto with_chars = voc::TextClassifier::Train(rows, Quick("linear"));
  REQUIRE(with_chars.ok());
  CHECK((*with_chars)->info().input == "text");
  auto has_char_feature = [](const voc::TextClassifier& m) {
    for (const auto& f : m.Explain("overcharged on my invoice", "billing", 50).features)
      if (f.feature.rfind("char:", 0) == 0) return true;
    return false;
  };
  CHECK_FALSE(has_char_feature(**model));
  CHECK(has_char_feature(**with_chars));
  auto loaded = voc::TextClassifier::FromBytes((*model)->Serialize());
  REQUIRE(loaded.ok());
  CHECK((*loaded)->info().input == "custom-input/2");
  CHECK_FALSE(has_char_feature(**loaded));
  for (const char* t : {"charged twice", "the courier lost my parcel", "overchargd", "locked out"}) {
    auto a = (*model)->Predict(t, 3), b = (*loaded)->Predict(t, 3);
    CAPTURE(t);
    CHECK(a[0].label == b[0].label);
    CHECK(a[0].probability == doctest::Approx(b[0].probability));
  }
  o.input = "";
  auto empty = voc::TextClassifier::Train(rows, o);
  REQUIRE_FALSE(empty.ok());
  CHECK(empty.status().message() == "input description is empty (use \"text\")");
}

TEST_CASE(
    "TextClassifier: the linear solver's tolerance is an option, checked, and recorded when not the "
    "default") {
  auto rows = Synthetic(40);
  voc::TrainOptions o = Quick("linear");
  auto strict = voc::TextClassifier::Train(rows, o);
  REQUIRE(strict.ok());
  o.solver_tolerance = 0.1;
  auto loose = voc::TextClassifier::Train(rows, o);
  REQUIRE(loose.ok());
  // The default leaves the settings as they were; another value is recorded.
  CHECK((*strict)->info().metadata_json.find("\"eps\"") == std::string::npos);
  CHECK((*loose)->info().metadata_json.find("\"eps\":0.1") != std::string::npos);
  for (const char* t : {"I was charged twice, please refund the fee", "the courier lost my package",
                        "password reset does not work, account locked"}) {
    CAPTURE(t);
    CHECK((*loose)->Predict(t)[0].label == (*strict)->Predict(t)[0].label);
  }
  for (double bad : {0.0, -0.1, 1.0}) {
    o.solver_tolerance = bad;
    auto m = voc::TextClassifier::Train(rows, o);
    REQUIRE_FALSE(m.ok());
    CHECK(m.status().message() == "linear solver tolerance must be in (0, 1)");
  }
}

TEST_CASE(
    "TextClassifier: the class weight power is checked, recorded when not the default, and favours a "
    "rare label less when below 1") {
  // 60 billing rows against 6 delivery rows: balanced weights favour
  // delivery on text that carries no evidence of either.
  std::vector<voc::LabeledText> rows;
  int deliveries = 0;
  for (const auto& r : Synthetic(60))
    if (r.labels[0] == "billing" || (r.labels[0] == "delivery" && deliveries++ % 10 == 0)) rows.push_back(r);
  voc::TrainOptions o = Quick("linear");
  o.validation_fraction = 0;  // no calibration: the raw decision values are compared
  auto delivery = [](const voc::TextClassifier& m, const char* text) {
    for (const auto& p : m.Predict(text, 2))
      if (p.label == "delivery") return p.probability;
    return 0.0;
  };
  std::vector<double> p;
  for (double power : {1.0, 0.5, 0.0}) {
    o.class_weight_power = power;
    auto m = voc::TextClassifier::Train(rows, o);
    REQUIRE(m.ok());
    const bool recorded = (*m)->info().metadata_json.find("\"class_weight_power\"") != std::string::npos;
    CHECK(recorded == (power != 1.0));
    CHECK((*m)->Predict("the courier lost my parcel")[0].label == "delivery");
    p.push_back(delivery(**m, "please help me today"));
  }
  CHECK(p[0] > p[1]);
  CHECK(p[1] > p[2]);
  for (double bad : {-0.5, 1.5}) {
    o.class_weight_power = bad;
    auto m = voc::TextClassifier::Train(rows, o);
    REQUIRE_FALSE(m.ok());
    CHECK(m.status().message() == "linear class weight power must be in [0, 1]");
  }
}

TEST_CASE("TextClassifier: fastText backend learns a small synthetic task") {
  auto rows = Synthetic(60);
  auto opts = Quick("fasttext");
  auto model = voc::TextClassifier::Train(rows, opts);
  REQUIRE(model.ok());
  CHECK((*model)->info().backend == "fasttext");
  voc::EvalReport r = voc::Evaluate(**model, Synthetic(10, 7));
  CHECK(r.accuracy > 0.85);
}

TEST_CASE("TextClassifier: search picks a backend on validation and records it") {
  auto opts = Quick("auto");
  opts.search = true;
  auto model = voc::TextClassifier::Train(Synthetic(30), opts);
  REQUIRE(model.ok());
  const auto& info = (*model)->info();
  CHECK((info.backend == "linear" || info.backend == "fasttext"));
  CHECK(info.validation_macro_f1 > 0.8);
  CHECK(info.metadata_json.find("\"candidates\"") != std::string::npos);
  CHECK(info.metadata_json.find("\"fingerprint\":\"fnv1a64:") != std::string::npos);
}

TEST_CASE("TextClassifier: without search the default setting is scored on validation") {
  auto model = voc::TextClassifier::Train(Synthetic(30), Quick("auto"));
  REQUIRE(model.ok());
  const auto& info = (*model)->info();
  CHECK(info.backend == "linear");
  CHECK(info.metadata_json.find("\"settings\":{\"C\":0.5,\"backend\":\"linear\",\"balanced\":true") !=
        std::string::npos);
  CHECK(info.validation_macro_f1 > 0.8);
}

TEST_CASE("TextClassifier: training is deterministic for a seed") {
  auto rows = Synthetic(20);
  for (std::string backend : {"linear", "fasttext"}) {
    auto a = voc::TextClassifier::Train(rows, Quick(backend));
    auto b = voc::TextClassifier::Train(rows, Quick(backend));
    REQUIRE(a.ok());
    REQUIRE(b.ok());
    CHECK((*a)->Serialize() == (*b)->Serialize());
  }
}

TEST_CASE("TextClassifier: save and load give identical predictions") {
  auto rows = Synthetic(30);
  const std::vector<std::string> probes = {"charged twice",
                                           "late parcel",
                                           "locked out of the app",
                                           "",
                                           "?!",
                                           "caf\xc3\xa9 \xf0\x9f\x98\xa1 refund"};
  for (std::string backend : {"linear", "fasttext"}) {
    for (bool quantize : {false, true}) {
      CAPTURE(backend);
      CAPTURE(quantize);
      auto opts = Quick(backend);
      opts.quantize = quantize;
      opts.quantize_max_features = 500;
      opts.task = "themes";
      auto model = voc::TextClassifier::Train(rows, opts);
      REQUIRE(model.ok());
      std::string path = TempFile("roundtrip.vocm");
      REQUIRE((*model)->Save(path).ok());
      auto loaded = voc::TextClassifier::Load(path, "themes");
      REQUIRE(loaded.ok());
      CHECK((*loaded)->info().labels == (*model)->info().labels);
      CHECK((*loaded)->info().backend == backend);
      for (const auto& p : probes) {
        auto x = (*model)->Predict(p, 3), y = (*loaded)->Predict(p, 3);
        REQUIRE(x.size() == y.size());
        for (size_t i = 0; i < x.size(); ++i) {
          CHECK(x[i].label == y[i].label);
          CHECK(x[i].probability == doctest::Approx(y[i].probability).epsilon(1e-6));
        }
      }
      // fastText writes its pruning index from a hash map, in no fixed order.
      if (!(quantize && backend == "fasttext")) CHECK((*loaded)->Serialize() == (*model)->Serialize());
      std::remove(path.c_str());
    }
  }
}

TEST_CASE("TextClassifier: multi-label training predicts every label above its threshold") {
  std::vector<voc::LabeledText> rows;
  std::mt19937 rng(3);
  const std::vector<std::string> bill = {"charged", "refund", "fee", "invoice"};
  const std::vector<std::string> ship = {"package", "courier", "late", "parcel"};
  const std::vector<std::string> fill = {"my", "the", "and", "today"};
  for (int i = 0; i < 150; ++i) {
    int kind = i % 3;  // 0 billing, 1 delivery, 2 both
    std::string text;
    for (int w = 0; w < 6; ++w) {
      const auto& pool = w % 3 == 2 ? fill : (kind == 0 ? bill : kind == 1 ? ship : (w % 2 ? bill : ship));
      text += (w ? " " : "") + pool[rng() % pool.size()];
    }
    std::vector<std::string> labels;
    if (kind != 1) labels.push_back("billing");
    if (kind != 0) labels.push_back("delivery");
    rows.push_back({text, labels});
  }
  for (std::string backend : {"linear", "fasttext"}) {
    CAPTURE(backend);
    auto opts = Quick(backend);
    opts.multi_label = true;
    auto model = voc::TextClassifier::Train(rows, opts);
    REQUIRE(model.ok());
    CHECK((*model)->info().multi_label);
    auto both = (*model)->PredictAboveThresholds("refund the fee for the late parcel courier charged");
    REQUIRE(both.size() == 2);
    auto one = (*model)->PredictAboveThresholds("refund the invoice fee charged");
    REQUIRE(one.size() == 1);
    CHECK(one[0].label == "billing");
    voc::EvalReport r = voc::Evaluate(**model, rows);
    CHECK(r.confusion.empty());
    CHECK(r.macro_f1 > 0.9);
    std::string path = TempFile("multi.vocm");
    REQUIRE((*model)->Save(path).ok());
    auto loaded = voc::TextClassifier::Load(path);
    REQUIRE(loaded.ok());
    CHECK((*loaded)->PredictAboveThresholds("late parcel").size() ==
          (*model)->PredictAboveThresholds("late parcel").size());
    std::remove(path.c_str());
  }
}

TEST_CASE("Evaluate: metrics of a hand-computed example") {
  std::vector<voc::LabeledText> rows;
  for (int i = 0; i < 30; ++i) {
    rows.push_back({"good great fine", {"pos"}});
    rows.push_back({"bad awful poor", {"neg"}});
  }
  auto opts = Quick("linear");
  opts.validation_fraction = 0;
  auto model = voc::TextClassifier::Train(rows, opts);
  REQUIRE(model.ok());
  // Predictions: pos, pos, neg, neg; truth: pos, neg, neg, neg.
  std::vector<voc::LabeledText> test = {
      {"good", {"pos"}}, {"great", {"neg"}}, {"bad", {"neg"}}, {"awful", {"neg"}}};
  voc::EvalReport r = voc::Evaluate(**model, test);
  CHECK(r.n == 4);
  CHECK(r.accuracy == doctest::Approx(0.75));
  REQUIRE(r.labels == std::vector<std::string>{"neg", "pos"});
  // neg: P = 2/2, R = 2/3, F1 = 0.8; pos: P = 1/2, R = 1, F1 = 2/3.
  CHECK(r.per_label[0].precision == doctest::Approx(1.0));
  CHECK(r.per_label[0].recall == doctest::Approx(2.0 / 3));
  CHECK(r.per_label[0].f1 == doctest::Approx(0.8));
  CHECK(r.per_label[0].support == 3);
  CHECK(r.per_label[1].precision == doctest::Approx(0.5));
  CHECK(r.per_label[1].recall == doctest::Approx(1.0));
  CHECK(r.per_label[1].f1 == doctest::Approx(2.0 / 3));
  CHECK(r.macro_f1 == doctest::Approx((0.8 + 2.0 / 3) / 2));
  CHECK(r.confusion == std::vector<std::vector<uint64_t>>{{2, 1}, {0, 1}});
  // A true label the model does not know is appended and counted.
  voc::EvalReport u = voc::Evaluate(**model, {{"good", {"other"}}});
  CHECK(u.labels.back() == "other");
  CHECK(u.accuracy == 0);
  CHECK(u.macro_f1 == doctest::Approx(0.0));
}

TEST_CASE("TextClassifier: explanations point at the evidence") {
  auto model = voc::TextClassifier::Train(Synthetic(30), Quick("linear"));
  REQUIRE(model.ok());
  std::string text = "Hello, I was OVERCHARGED yesterday";
  voc::Explanation e = (*model)->Explain(text);
  CHECK(e.label == "billing");
  REQUIRE_FALSE(e.features.empty());
  bool points_at_word = false;
  for (const auto& f : e.features) {
    CHECK(f.weight > 0);
    CHECK(f.end <= text.size());
    CHECK(f.begin <= f.end);
    if (f.begin >= 13 && f.end <= 24) points_at_word = true;
  }
  CHECK(points_at_word);
  CHECK((*model)->Explain(text, "no-such-label").label.empty());
  auto ft = voc::TextClassifier::Train(Synthetic(60), Quick("fasttext"));
  REQUIRE(ft.ok());
  voc::Explanation f = (*ft)->Explain("my parcel is late");
  CHECK(f.label == "delivery");
  REQUIRE_FALSE(f.features.empty());
  CHECK(f.features[0].end <= 17);
}

TEST_CASE("TextClassifier: Predict is safe from many threads") {
  auto model = voc::TextClassifier::Train(Synthetic(30), Quick("linear"));
  REQUIRE(model.ok());
  const std::string want = (*model)->Predict("tracking says the parcel arrived")[0].label;
  std::vector<std::thread> threads;
  std::vector<int> wrong(4, 0);
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i)
        wrong[t] += (*model)->Predict("tracking says the parcel arrived")[0].label != want;
    });
  for (auto& th : threads) th.join();
  CHECK(wrong == std::vector<int>(4, 0));
}

TEST_CASE("TextClassifier::Train: error paths") {
  auto rows = Synthetic(5);
  voc::TrainOptions o;
  auto r = voc::TextClassifier::Train({}, o);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message() == "no training rows");
  r = voc::TextClassifier::Train({{"a", {"x"}}, {"b", {"x"}}}, o);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message() == "only one class ('x') in the training rows; need at least two");
  r = voc::TextClassifier::Train({{"a", {"x", "y"}}, {"b", {"x"}}}, o);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message().find("row 1 has 2 labels") == 0);
  r = voc::TextClassifier::Train({{"a", {}}, {"b", {"x"}}}, o);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message().find("row 1 has 0 labels") == 0);
  auto bad = o;
  bad.backend = "svm";
  r = voc::TextClassifier::Train(rows, bad);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message() == "unknown backend 'svm' (expected auto, linear or fasttext)");
  bad = o;
  bad.validation_fraction = 0.9;
  r = voc::TextClassifier::Train(rows, bad);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message() == "validation_fraction must be in [0, 0.5]");
  bad = o;
  bad.task = "";
  r = voc::TextClassifier::Train(rows, bad);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message() == "task name is empty");
  bad = o;
  bad.fasttext_dim = 0;
  r = voc::TextClassifier::Train(rows, bad);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message() == "fasttext_dim must be in [1, 1024]");
  bad = o;
  bad.multi_label = true;
  r = voc::TextClassifier::Train({{"a", {}}, {"b", {}}}, bad);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message() == "no labels in the training rows");
}

TEST_CASE("TextClassifier::Load: error paths") {
  auto missing = voc::TextClassifier::Load("/nonexistent/model.vocm");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.status().code() == voc::StatusCode::kNotFound);
  CHECK(missing.status().message() == "cannot open model '/nonexistent/model.vocm'");

  auto garbage = voc::TextClassifier::FromBytes("this is not a model");
  REQUIRE_FALSE(garbage.ok());
  CHECK(garbage.status().message() == "not a voc model file (bad magic)");

  auto model = voc::TextClassifier::Train(Synthetic(10), Quick("linear"));
  REQUIRE(model.ok());
  std::string bytes = (*model)->Serialize();
  auto wrong_task = voc::TextClassifier::FromBytes(bytes, "sentiment");
  REQUIRE_FALSE(wrong_task.ok());
  CHECK(wrong_task.status().code() == voc::StatusCode::kFailedPrecondition);
  CHECK(wrong_task.status().message() == "model was trained for task 'themes', expected 'sentiment'");
  CHECK(voc::TextClassifier::FromBytes(bytes, "themes").ok());

  std::string future = bytes;
  future[8] = 2;  // format version 2
  auto v2 = voc::TextClassifier::FromBytes(future);
  REQUIRE_FALSE(v2.ok());
  CHECK(v2.status().message() ==
        "model format version 2 is not supported (this voc reads version 1); retrain the model");

  auto trailing = voc::TextClassifier::FromBytes(bytes + "x");
  REQUIRE_FALSE(trailing.ok());
  CHECK(trailing.status().message() == "corrupt model file: trailing bytes after the last section");

  std::string path = TempFile("bad.vocm");
  std::ofstream(path, std::ios::binary) << bytes.substr(0, bytes.size() / 2);
  auto truncated = voc::TextClassifier::Load(path);
  REQUIRE_FALSE(truncated.ok());
  CHECK(truncated.status().code() == voc::StatusCode::kDataLoss);
  CHECK(truncated.status().message().find("model '" + path + "': corrupt model file:") == 0);
  std::remove(path.c_str());

  auto bad_dir = (*model)->Save("/nonexistent/dir/model.vocm");
  REQUIRE_FALSE(bad_dir.ok());
  CHECK(bad_dir.message().find("cannot write '/nonexistent/dir/model.vocm.tmp.") == 0);
}

TEST_CASE("TextClassifier::FromBytes: every truncation and many bit flips fail cleanly") {
  for (std::string backend : {"linear", "fasttext"}) {
    CAPTURE(backend);
    auto opts = Quick(backend);
    opts.fasttext_bucket = 50;
    opts.fasttext_dim = 4;
    auto model = voc::TextClassifier::Train(Synthetic(4), opts);
    REQUIRE(model.ok());
    const std::string bytes = (*model)->Serialize();
    for (size_t n = 0; n < bytes.size(); ++n) {
      auto r = voc::TextClassifier::FromBytes(std::string_view(bytes.data(), n));
      REQUIRE_FALSE(r.ok());
      REQUIRE_FALSE(r.status().message().empty());
    }
    std::mt19937 rng(11);
    int loaded = 0;
    for (int i = 0; i < 3000; ++i) {
      std::string flipped = bytes;
      size_t pos = rng() % flipped.size();
      flipped[pos] = static_cast<char>(flipped[pos] ^ (1 << (rng() % 8)));
      auto r = voc::TextClassifier::FromBytes(flipped);
      if (r.ok()) {
        ++loaded;  // only possible where a flip leaves the bytes valid
        (void)(*r)->Predict("charged twice", 3);
      } else {
        REQUIRE_FALSE(r.status().message().empty());
      }
    }
    CHECK(loaded == 0);  // checksums catch every single-bit flip
  }
}

TEST_CASE("ReadLabeledCsv: RFC 4180 fields and errors") {
  std::string path = TempFile("in.csv");
  std::ofstream(path, std::ios::binary) << "\xEF\xBB\xBFid,text,label\r\n"
                                           "1,\"quoted, with comma\",a\r\n"
                                           "2,\"say \"\"hi\"\"\nsecond line\",b|c\n"
                                           "\n"
                                           "3,plain,b\n";
  voc::CsvReadOptions o;
  auto rows = voc::ReadLabeledCsv(path, o);
  REQUIRE(rows.ok());
  REQUIRE(rows->size() == 3);
  CHECK((*rows)[0].text == "quoted, with comma");
  CHECK((*rows)[1].text == "say \"hi\"\nsecond line");
  CHECK((*rows)[1].labels == std::vector<std::string>{"b|c"});
  o.multi_label = true;
  rows = voc::ReadLabeledCsv(path, o);
  REQUIRE(rows.ok());
  CHECK((*rows)[1].labels == std::vector<std::string>{"b", "c"});

  o = {};
  o.text_column = "body";
  auto missing = voc::ReadLabeledCsv(path, o);
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.status().message() == "text column 'body' not found; columns are: id, text, label");
  o = {};
  o.label_column = "intent";
  auto nolabelcol = voc::ReadLabeledCsv(path, o);
  REQUIRE_FALSE(nolabelcol.ok());
  CHECK(nolabelcol.status().message() == "label column 'intent' not found; columns are: id, text, label");
  auto nofile = voc::ReadLabeledCsv("/nonexistent.csv", {});
  REQUIRE_FALSE(nofile.ok());
  CHECK(nofile.status().code() == voc::StatusCode::kNotFound);
  CHECK(nofile.status().message() == "input file '/nonexistent.csv' not found");

  std::ofstream(path, std::ios::binary) << "";
  auto empty = voc::ReadLabeledCsv(path, {});
  REQUIRE_FALSE(empty.ok());
  CHECK(empty.status().message() == "'" + path + "' is empty (no header row)");
  std::ofstream(path, std::ios::binary) << "text,label\n";
  auto header_only = voc::ReadLabeledCsv(path, {});
  REQUIRE_FALSE(header_only.ok());
  CHECK(header_only.status().message() == "'" + path + "' has no data rows");
  std::ofstream(path, std::ios::binary) << "text,label\n\"open quote,a\n";
  auto open = voc::ReadLabeledCsv(path, {});
  REQUIRE_FALSE(open.ok());
  CHECK(open.status().message() == "'" + path + "' line 2: unterminated quoted field starting at line 2");
  std::ofstream(path, std::ios::binary) << "text,label\nx,a,extra\n";
  auto extra = voc::ReadLabeledCsv(path, {});
  REQUIRE_FALSE(extra.ok());
  CHECK(extra.status().message() == "'" + path + "' line 2: record has 3 fields, header has 2");
  std::ofstream(path, std::ios::binary) << "text,label\nx,\n";
  auto nolabel = voc::ReadLabeledCsv(path, {});
  REQUIRE_FALSE(nolabel.ok());
  CHECK(nolabel.status().message() == "'" + path + "' line 2: empty label");
  // A quote after a closing quote is kept as text, as the record reader does everywhere.
  std::ofstream(path, std::ios::binary) << "text,label\n\"x\"y,a\n";
  auto after = voc::ReadLabeledCsv(path, {});
  REQUIRE(after.ok());
  CHECK((*after)[0].labels == std::vector<std::string>{"a"});
  std::remove(path.c_str());
}

TEST_CASE("SplitLabels: trims, drops empty parts and duplicates") {
  CHECK(voc::SplitLabels(" a | b ||a", '|') == std::vector<std::string>{"a", "b"});
  CHECK(voc::SplitLabels("", '|').empty());
}

TEST_CASE("Ensemble payload: round trip, truncations and bit flips fail cleanly") {
  auto rows = Synthetic(6);
  const std::vector<std::string> labels = {"billing", "delivery", "login"};
  voc::internal::TrainData data = SyntheticTrainData(rows, labels);
  voc::internal::LinearTrainer lt(data, true);
  voc::internal::FastTextTrainer ft(data, labels);
  auto lin = lt.Train({{"solver", "svc"}, {"C", 0.5}, {"balanced", true}}, 13);
  auto fst = ft.Train({{"dim", 4}, {"bucket", 30}, {"epoch", 5}}, 13, 1);
  REQUIRE(lin.ok());
  REQUIRE(fst.ok());
  auto ens = voc::internal::MakeEnsemble(std::move(*lin), std::move(*fst), 0.5);
  CHECK(std::string(ens->name()) == "ensemble");
  const std::string bytes = ens->Serialize();
  auto loaded = voc::internal::LoadEnsemble(bytes, labels, false);
  REQUIRE(loaded.ok());
  std::vector<double> a, b;
  ens->Probabilities("charged twice", &a);
  (*loaded)->Probabilities("charged twice", &b);
  REQUIRE(a.size() == 3);
  for (size_t i = 0; i < a.size(); ++i) CHECK(a[i] == doctest::Approx(b[i]));
  CHECK((*loaded)->Serialize() == bytes);
  for (size_t n = 0; n < bytes.size(); n += 7) {
    auto r = voc::internal::LoadEnsemble(std::string_view(bytes.data(), n), labels, false);
    REQUIRE_FALSE(r.ok());
  }
  std::mt19937 rng(5);
  for (int i = 0; i < 2000; ++i) {
    std::string flipped = bytes;
    size_t pos = rng() % flipped.size();
    flipped[pos] = static_cast<char>(flipped[pos] ^ (1 << (rng() % 8)));
    auto r = voc::internal::LoadEnsemble(flipped, labels, false);  // no checksum here: may load
    if (r.ok()) {
      std::vector<double> p;
      (*r)->Probabilities("x", &p);
    }
  }
}

TEST_CASE("Linear backend: the packed prediction tables give the reference decisions") {
  auto rows = Synthetic(60, 3);
  const std::vector<std::string> labels = {"billing", "delivery", "login"};
  voc::internal::TrainData data = SyntheticTrainData(rows, labels);
  const std::vector<std::string> texts = {"I was charged twice, please refund the fee",
                                          "the courier lost my package",
                                          "password reset does not work, account locked",
                                          "",
                                          "!!!",
                                          "unrelated words only",
                                          "charged charged charged twice twice",
                                          "CHARGED Twice: refund?",
                                          "caf\xC3\xA9 refund \xF0\x9F\x98\xA1"};
  for (bool chars : {true, false}) {
    voc::internal::LinearTrainer lt(data, chars);
    auto model = lt.Train({{"solver", "svc"}, {"C", 0.5}, {"balanced", true}}, 13);
    REQUIRE(model.ok());
    for (int round = 0; round < 3; ++round) {
      // round 0: as trained; 1: quantized; 2: quantized, saved and loaded.
      if (round == 1) (*model)->Quantize(40);
      if (round == 2) {
        auto loaded = voc::internal::LoadLinear((*model)->Serialize(), 3, false);
        REQUIRE(loaded.ok());
        model = std::move(loaded);
      }
      for (const auto& t : texts) {
        std::vector<double> fast, ref;
        REQUIRE(voc::internal::LinearDecisions(**model, t, false, &fast));
        REQUIRE(voc::internal::LinearDecisions(**model, t, true, &ref));
        CAPTURE(t);
        CAPTURE(chars);
        CAPTURE(round);
        REQUIRE(fast.size() == ref.size());
        for (size_t l = 0; l < fast.size(); ++l) CHECK(fast[l] == doctest::Approx(ref[l]).epsilon(1e-5));
      }
    }
  }
}

TEST_CASE("Linear backend, words only: the packed decisions equal the reference bit for bit at any count") {
  // One family of features: the packed path adds the same terms in the same
  // order of rows as the reference, so the sums agree exactly, whatever the
  // repeats of a word (its sublinear term frequency, from a table below 64).
  auto model = WordModel(9);
  REQUIRE(model != nullptr);
  model->Quantize(80);
  auto loaded = voc::internal::LoadLinear(model->Serialize(), 3, false);
  REQUIRE(loaded.ok());
  for (size_t count : {1, 2, 3, 7, 63, 64, 65, 200}) {
    std::string text = "refund the courier";
    for (size_t k = 0; k < count; ++k) text += k % 3 ? " charged" : " package twice";
    for (const voc::internal::Backend* m : {model.get(), loaded->get()}) {
      std::vector<double> fast, ref;
      REQUIRE(voc::internal::LinearDecisions(*m, text, false, &fast));
      REQUIRE(voc::internal::LinearDecisions(*m, text, true, &ref));
      CAPTURE(count);
      CHECK(fast == ref);
      // The probabilities: the softmax of the decisions (temperature 1, no
      // validation data), every exp taken, the largest's too.
      std::vector<double> probs, want(fast.size());
      m->Probabilities(text, &probs);
      const double mx = *std::max_element(fast.begin(), fast.end());
      double sum = 0;
      for (size_t l = 0; l < fast.size(); ++l) sum += (want[l] = std::exp(fast[l] - mx));
      for (double& p : want) p /= sum;
      CHECK(probs == want);
    }
  }
}

namespace {

// Synthetic rows (three labels) whose texts end in words like the sentiment
// model's lexicon tokens, once or twice, so that the bigrams joining a piece
// to its suffix and a suffix to its repeat carry weight.
std::vector<voc::LabeledText> RowsWithTails(int per_class, int seed) {
  auto rows = Synthetic(per_class, seed);
  const std::vector<std::string> tails = {" lexnone", " lexscoren2 lexclassneg", " lexscorep1 lexclasspos"};
  for (size_t i = 0; i < rows.size(); ++i)
    for (size_t k = 0; k <= i / tails.size() % 2; ++k) rows[i].text += tails[i % tails.size()];
  return rows;
}

// A linear model trained on `data` (with character n-grams or not),
// quantized, and the same model serialized and loaded.
std::vector<std::unique_ptr<voc::internal::Backend>> TrainedAndLoaded(const voc::internal::TrainData& data,
                                                                      bool chars) {
  voc::internal::LinearTrainer lt(data, chars);
  auto model = lt.Train({{"solver", "svc"}, {"C", 0.5}, {"balanced", true}}, 13);
  REQUIRE(model.ok());
  (*model)->Quantize(60);
  auto loaded = voc::internal::LoadLinear((*model)->Serialize(), 3, false);
  REQUIRE(loaded.ok());
  std::vector<std::unique_ptr<voc::internal::Backend>> out;
  out.push_back(std::move(*model));
  out.push_back(std::move(*loaded));
  return out;
}

}  // namespace

TEST_CASE("Linear backend: probabilities of parts read once equal those of each part alone") {
  const auto rows = RowsWithTails(60, 5);  // the training data points into them
  const voc::internal::TrainData data = SyntheticTrainData(rows, {"billing", "delivery", "login"});
  const std::vector<std::string> tails = {" lexnone", " lexscoren2 lexclassneg", " lexscorep1 lexclasspos"};
  const std::string text =
      "I was charged twice!! Please refund the fee. The courier lost my PACKAGE, "
      "password reset fails\xE2\x80\xA6 caf\xC3\xA9 login? lexscorep3 lexclasspos";
  const size_t body = text.find(" lexscore");
  std::vector<voc::internal::TextPart> parts = {
      {0, 21, " lexscoren2 lexclassneg lexpos0 lexneg1"},  // ends after "!!"
      {22, 44, " lexnone"},
      {45, static_cast<uint32_t>(body), " lexscorep1 lexclasspos lexpos1 lexneg0"},
      {3, 10, " lexnone"},  // starts inside "was" and ends inside "charged"
      {0, 0, " lexnone"},   // empty piece
      {22, 44, ""},         // no suffix
      {22, 44, "lexnone"},  // suffix glued to the last word
      {static_cast<uint32_t>(body), static_cast<uint32_t>(body), " lexnone lexnone"},
      {0, static_cast<uint32_t>(text.size()), " lexnone"},  // the whole text
      // Suffixes repeated: scanned once, their copies joined by a bigram.
      {0, 21, " lexscoren2 lexclassneg lexpos0 lexneg1", 3},
      {45, static_cast<uint32_t>(body), " lexnone", 2},
      {0, static_cast<uint32_t>(text.size()), " lexscorep1 lexclasspos", 5},
      {22, 44, "", 2},
      {22, 44, "lexnone", 1},         // glued to the last word and to itself
      {22, 44, "  ", 4},              // white space alone
      {22, 44, "\tlexnone !? x", 2},  // ends in a word after punctuation
      {0, 0, " lexnone lexclassneg", 1},
  };
  // Pieces ending in a trained word, so the joining bigram is known.
  for (const char* word : {"twice", "fee", "password", "PACKAGE"}) {
    const uint32_t end = static_cast<uint32_t>(text.find(word) + std::strlen(word));
    for (const auto& tail : tails) parts.push_back({0, end, tail});
    for (const auto& tail : tails) parts.push_back({0, end, tail, 3});
  }
  for (bool chars : {false, true}) {
    for (const auto& m : TrainedAndLoaded(data, chars)) {
      std::vector<double> whole;
      std::vector<std::vector<double>> each;
      m->PartsProbabilities(text, parts, &whole, &each);
      std::vector<double> want;
      m->Probabilities(text, &want);
      CHECK(whole == want);
      REQUIRE(each.size() == parts.size());
      for (size_t i = 0; i < parts.size(); ++i) {
        std::string alone = text.substr(parts[i].begin, parts[i].end - parts[i].begin);
        for (uint32_t r = 0; r <= parts[i].repeats; ++r) alone += parts[i].suffix;
        CHECK(voc::internal::PartText(text, parts[i]) == alone);
        m->Probabilities(alone, &want);
        CAPTURE(chars);
        CAPTURE(alone);
        CHECK(each[i] == want);  // bit for bit: the same features in the same order of rows
      }
      // Without the text's own probabilities: the parts' are the same.
      std::vector<std::vector<double>> again;
      m->PartsProbabilities(text, parts, nullptr, &again);
      CHECK(again == each);
    }
  }
}

TEST_CASE(
    "Linear backend: the whole text and its sentences as parts equal each piece alone, on random texts") {
  // The sentiment model's parts: the whole text, then its sentences, which
  // own their rows (sorted per sentence and merged for the whole). Random
  // texts of trained words, some repeated, split into sentences with or
  // without gaps, some parts cut inside a word.
  const auto rows = RowsWithTails(60, 5);  // the training data points into them
  const voc::internal::TrainData data = SyntheticTrainData(rows, {"billing", "delivery", "login"});
  const std::vector<std::string> words = {
      "charged", "twice", "refund", "fee", "package", "courier", "parcel",      "password", "reset",
      "login",   "the",   "my",     "i",   "was",     "help",    "unknownword", "!"};
  const std::vector<std::string> tails = {" lexnone", " lexscoren2 lexclassneg lexpos0 lexneg1",
                                          " lexscorep1 lexclasspos"};
  std::mt19937 rng(21);
  for (bool chars : {false, true}) {
    for (const auto& m : TrainedAndLoaded(data, chars)) {
      for (int round = 0; round < 150; ++round) {
        std::string text;
        std::vector<uint32_t> ends;              // sentence ends
        const size_t sentences = 1 + rng() % 8;  // from few rows to more than kFewRows
        for (size_t s = 0; s < sentences; ++s) {
          if (s > 0) text += rng() % 4 ? ". " : " ";
          const size_t n = rng() % (round % 4 == 0 ? 40 : 14);
          for (size_t w = 0; w < n; ++w) text += (w ? " " : "") + words[rng() % words.size()];
          ends.push_back(static_cast<uint32_t>(text.size()));
        }
        std::vector<voc::internal::TextPart> parts = {{0, static_cast<uint32_t>(text.size()),
                                                       tails[rng() % tails.size()],
                                                       static_cast<uint32_t>(rng() % 3)}};
        uint32_t begin = 0;
        for (uint32_t end : ends) {
          uint32_t b = begin, e = end;
          if (rng() % 8 == 0 && e > b) --e;  // now and then cut inside a word
          if (rng() % 8 == 0 && b < e) ++b;
          parts.push_back({b, e, tails[rng() % tails.size()], static_cast<uint32_t>(rng() % 3)});
          begin = std::min<uint32_t>(end + 2, static_cast<uint32_t>(text.size()));
        }
        std::vector<double> whole;
        std::vector<std::vector<double>> each;
        m->PartsProbabilities(text, parts, rng() % 2 ? &whole : nullptr, &each);
        REQUIRE(each.size() == parts.size());
        for (size_t i = 0; i < parts.size(); ++i) {
          std::vector<double> want;
          m->Probabilities(voc::internal::PartText(text, parts[i]), &want);
          CAPTURE(chars);
          CAPTURE(voc::internal::PartText(text, parts[i]));
          CHECK(each[i] == want);  // bit for bit
        }
      }
    }
  }
}

TEST_CASE("Linear backend: one part that is the whole text equals the text and its suffix alone") {
  // A one-sentence text's sentiment: PartsProbabilities of a single part
  // covering the whole text takes its own path, held here to Probabilities.
  const auto rows = RowsWithTails(60, 9);  // the training data points into them
  const voc::internal::TrainData data = SyntheticTrainData(rows, {"billing", "delivery", "login"});
  const std::vector<std::string> texts = {"",
                                          "fee",
                                          "I was charged twice!! Please refund the fee.",
                                          "The courier lost my PACKAGE",
                                          "password reset fails\xE2\x80\xA6 caf\xC3\xA9 login?",
                                          "   ",
                                          "unknownword anotherone",
                                          "refund refund refund the fee fee twice"};
  const std::vector<std::string> suffixes = {"",
                                             " lexnone",
                                             " lexscoren2 lexclassneg lexpos0 lexneg1",
                                             "lexnone",
                                             "  ",
                                             "\tlexnone !? x",
                                             " lexscorep1 lexclasspos"};
  for (bool chars : {false, true}) {
    for (const auto& m : TrainedAndLoaded(data, chars)) {
      for (const std::string& text : texts) {
        for (const std::string& suffix : suffixes) {
          for (uint32_t repeats : {0u, 1u, 4u}) {
            const std::vector<voc::internal::TextPart> parts = {
                {0, static_cast<uint32_t>(text.size()), suffix, repeats}};
            std::vector<std::vector<double>> each;
            m->PartsProbabilities(text, parts, nullptr, &each);
            REQUIRE(each.size() == 1);
            std::vector<double> want;
            m->Probabilities(voc::internal::PartText(text, parts[0]), &want);
            CAPTURE(chars);
            CAPTURE(voc::internal::PartText(text, parts[0]));
            CHECK(each[0] == want);  // bit for bit
          }
        }
      }
    }
  }
}

TEST_CASE("Linear backend: the parts of a text of many sentences, in order or not, equal each part alone") {
  auto rows = Synthetic(60, 7);
  for (size_t i = 0; i < rows.size(); ++i) rows[i].text += i % 2 ? " lexnone" : " lexscorep1 lexclasspos";
  const std::vector<std::string> labels = {"billing", "delivery", "login"};
  voc::internal::TrainData data = SyntheticTrainData(rows, labels);
  // Forty sentences, some repeating words of others.
  const char* kSentences[] = {"I was charged twice.", "Please refund the fee!",
                              "The courier lost my package.", "Password reset fails?",
                              "Refund the fee twice, please."};
  std::string text;
  std::vector<std::pair<uint32_t, uint32_t>> spans;
  for (int k = 0; k < 40; ++k) {
    if (!text.empty()) text += ' ';
    const uint32_t begin = static_cast<uint32_t>(text.size());
    text += kSentences[k % 5];
    spans.push_back({begin, static_cast<uint32_t>(text.size())});
  }
  std::vector<voc::internal::TextPart> parts;
  parts.push_back({0, static_cast<uint32_t>(text.size()), " lexscorep1 lexclasspos", 2});  // the whole text
  for (size_t k = 0; k < spans.size(); ++k)                                                // in order, apart
    parts.push_back({spans[k].first, spans[k].second, k % 3 ? " lexnone" : " lexscorep1 lexclasspos",
                     static_cast<uint32_t>(k % 4)});
  for (size_t k = spans.size(); k-- > 0;)  // again, backwards
    parts.push_back({spans[k].first, spans[k].second, " lexnone"});
  for (size_t k = 0; k + 1 < spans.size(); k += 7)  // overlapping pairs
    parts.push_back({spans[k].first, spans[k + 1].second, " lexnone", 1});
  parts.push_back({0, static_cast<uint32_t>(text.size()), " lexnone"});  // whole, again
  parts.push_back({spans[3].first + 2, spans[3].second, " lexnone"});    // cut
  voc::internal::LinearTrainer lt(data, false);
  auto model = lt.Train({{"solver", "svc"}, {"C", 0.5}, {"balanced", true}}, 13);
  REQUIRE(model.ok());
  (*model)->Quantize(80);
  std::vector<std::vector<double>> each;
  (*model)->PartsProbabilities(text, parts, nullptr, &each);
  REQUIRE(each.size() == parts.size());
  for (size_t i = 0; i < parts.size(); ++i) {
    std::vector<double> want;
    (*model)->Probabilities(voc::internal::PartText(text, parts[i]), &want);
    CAPTURE(i);
    CHECK(each[i] == want);  // bit for bit
  }
}

TEST_CASE("Linear payload: stored and deflated forms load to the same model; truncations fail") {
  auto rows = Synthetic(60, 3);
  const std::vector<std::string> labels = {"billing", "delivery", "login"};
  voc::internal::TrainData data = SyntheticTrainData(rows, labels);
  voc::internal::LinearTrainer lt(data, false);
  auto model = lt.Train({{"solver", "svc"}, {"C", 0.5}, {"balanced", true}}, 13);
  REQUIRE(model.ok());
  (*model)->Quantize(200);
  const std::string payload = (*model)->Serialize();
  REQUIRE(payload.size() > 8);
  uint64_t head = 0;
  for (int i = 0; i < 8; ++i)
    head |= static_cast<uint64_t>(static_cast<unsigned char>(payload[i])) << (8 * i);
  // Rebuild the payload in the other form: the raw bytes behind a size
  // (deflated) or behind the all-ones marker (stored).
  std::string raw, other;
  if (head == ~uint64_t{0}) {
    raw = payload.substr(8);
    uLongf bound = compressBound(raw.size());
    std::string z(bound, '\0');
    REQUIRE(compress2(reinterpret_cast<Bytef*>(z.data()), &bound, reinterpret_cast<const Bytef*>(raw.data()),
                      raw.size(), 9) == Z_OK);
    z.resize(bound);
    for (int i = 0; i < 8; ++i) other.push_back(static_cast<char>(raw.size() >> (8 * i)));
    other += z;
  } else {
    raw.resize(head);
    uLongf got = head;
    REQUIRE(uncompress(reinterpret_cast<Bytef*>(raw.data()), &got,
                       reinterpret_cast<const Bytef*>(payload.data() + 8), payload.size() - 8) == Z_OK);
    other = std::string(8, '\xFF') + raw;
  }
  auto a = voc::internal::LoadLinear(payload, 3, false);
  auto b = voc::internal::LoadLinear(other, 3, false);
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  for (const char* t : {"I was charged twice, please refund the fee", "the courier lost my package", ""}) {
    std::vector<double> da, db;
    REQUIRE(voc::internal::LinearDecisions(**a, t, false, &da));
    REQUIRE(voc::internal::LinearDecisions(**b, t, false, &db));
    CHECK(da == db);
  }
  const std::string stored = head == ~uint64_t{0} ? payload : other;
  for (size_t n = 0; n < stored.size(); ++n) {
    auto r = voc::internal::LoadLinear(std::string_view(stored.data(), n), 3, false);
    REQUIRE_FALSE(r.ok());
    REQUIRE_FALSE(r.status().message().empty());
  }
}

TEST_CASE("Linear payload: a claimed uncompressed size beyond the limits is refused before allocating") {
  auto payload_claiming = [](uint64_t raw_size, size_t compressed_bytes) {
    std::string p;
    for (int i = 0; i < 8; ++i) p.push_back(static_cast<char>(raw_size >> (8 * i)));
    return p + std::string(compressed_bytes, 'x');
  };
  // More than zlib can expand the bytes that follow.
  auto r = voc::internal::LoadLinear(payload_claiming(uint64_t{1} << 40, 1000), 3, false);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message() == "corrupt linear model: implausible uncompressed size");
  // Plausible for the bytes, but past the 1 GiB cap (about 3 GB claimed).
  const uint64_t claim = uint64_t{3} << 30;
  r = voc::internal::LoadLinear(payload_claiming(claim, static_cast<size_t>(claim / 1100) + 1), 3, false);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message() == "corrupt linear model: uncompressed weights of " + std::to_string(claim) +
                                    " bytes exceed the limit of 1073741824 bytes");
}

TEST_CASE("BulkAllocator: large arrays are mapped zero-filled, small ones come from the heap") {
  using voc::internal::BulkAllocator;
  // Large: 4 MiB of zeros, writable, then grown (copied to a new mapping).
  std::vector<uint64_t, BulkAllocator<uint64_t>> big(size_t{1} << 19);
  CHECK(std::all_of(big.begin(), big.end(), [](uint64_t v) { return v == 0; }));
  for (size_t i = 0; i < big.size(); ++i) big[i] = i * 7;
  big.resize(big.size() + 12345, 3);
  CHECK(big[(size_t{1} << 19) - 1] == ((size_t{1} << 19) - 1) * 7);
  CHECK(big.back() == 3);
  // Sizes around the threshold of the mapped path, and large ones.
  for (size_t bytes : {(size_t{256} << 10) - 8, size_t{256} << 10, (size_t{1} << 20) - 8, size_t{1} << 20,
                       (size_t{2} << 20) + 8, (size_t{6} << 20) - 8}) {
    std::vector<uint64_t, BulkAllocator<uint64_t>> v(bytes / 8);
    CAPTURE(bytes);
    CHECK(std::all_of(v.begin(), v.end(), [](uint64_t x) { return x == 0; }));
    std::iota(v.begin(), v.end(), uint64_t{1});
    CHECK(v.back() == v.size());
    CHECK(std::accumulate(v.begin(), v.end(), uint64_t{0}) == v.size() * (v.size() + 1) / 2);
  }
  // Small, and the uninitialised variant.
  std::vector<int, BulkAllocator<int>> small(10, 5);
  CHECK(std::accumulate(small.begin(), small.end(), 0) == 50);
  std::vector<float, BulkAllocator<float, true>> rows;
  rows.resize(size_t{1} << 20);  // elements left to be written
  for (size_t i = 0; i < rows.size(); ++i) rows[i] = static_cast<float>(i % 3);
  CHECK(rows[(size_t{1} << 20) - 1] == static_cast<float>(((size_t{1} << 20) - 1) % 3));
  rows.assign(5, 1.5f);
  CHECK(rows.size() == 5);
  CHECK(rows[4] == 1.5f);
}

// The multi-label training data of `rows` over `labels` (every row's labels
// among them).
voc::internal::TrainData MultiLabelData(const std::vector<voc::LabeledText>& rows,
                                        const std::vector<std::string>& labels) {
  voc::internal::TrainData data;
  data.num_labels = static_cast<int>(labels.size());
  data.multi_label = true;
  for (const auto& r : rows) {
    data.rows.push_back(&r);
    data.ids.emplace_back();
    for (const auto& l : r.labels)
      data.ids.back().push_back(
          static_cast<int>(std::find(labels.begin(), labels.end(), l) - labels.begin()));
  }
  return data;
}

TEST_CASE(
    "Linear backend: voc's copy of the multi-label SVM solver gives LIBLINEAR's weights with its draws, "
    "and its own draws give one model whatever runs beside it") {
  // Multi-label rows: every row its class, and "urgent" on a third of them.
  auto rows = Synthetic(60, 9);
  for (size_t i = 0; i < rows.size(); i += 3) rows[i].labels.push_back("urgent"), rows[i].text += " asap";
  const std::vector<std::string> labels = {"billing", "delivery", "login", "urgent"};
  const voc::internal::TrainData data = MultiLabelData(rows, labels);
  const std::vector<std::string> texts = {"I was charged twice, please refund the fee asap",
                                          "the courier lost my package", "password reset, account locked",
                                          "please help me today", ""};
  voc::internal::LinearTrainer lt(data, false);
  auto train = [&](const char* shuffle, double eps) {
    nlohmann::json p = {{"solver", "svc"}, {"C", 0.5}, {"balanced", true}, {"eps", eps}};
    if (shuffle != nullptr) p["shuffle"] = shuffle;
    auto m = lt.Train(p, 13);
    REQUIRE(m.ok());
    return std::move(*m);
  };
  auto decisions = [&](const voc::internal::Backend& m) {
    std::vector<std::vector<double>> out;
    for (const auto& t : texts) {
      out.emplace_back();
      REQUIRE(voc::internal::LinearDecisions(m, t, false, &out.back()));
    }
    return out;
  };
  for (double eps : {0.1, 0.01}) {
    CAPTURE(eps);
    const auto liblinear = decisions(*train(nullptr, eps));
    // The same draws: the same arithmetic, the same weights to the bit.
    CHECK(decisions(*train("c-rand", eps)) == liblinear);
    // Its own draws visit the rows in another order: other weights, the
    // same verdicts.
    const auto own = decisions(*train("voc", eps));
    CHECK(own != liblinear);
    for (size_t t = 0; t < texts.size(); ++t)
      for (size_t l = 0; l < labels.size(); ++l) {
        CAPTURE(texts[t]);
        CAPTURE(labels[l]);
        CHECK((own[t][l] > 0) == (liblinear[t][l] > 0));
        CHECK(own[t][l] == doctest::Approx(liblinear[t][l]).epsilon(0.1).scale(1.0));
      }
  }
  // Draws per problem, no process-wide state: two trainings side by side,
  // and another training in between, leave each model as trained alone.
  const auto alone = decisions(*train("voc", 0.1));
  std::unique_ptr<voc::internal::Backend> side[2];
  std::thread a([&] { side[0] = train("voc", 0.1); });
  std::thread b([&] { side[1] = train("voc", 0.1); });
  a.join();
  b.join();
  CHECK(decisions(*side[0]) == alone);
  CHECK(decisions(*side[1]) == alone);
  (void)train(nullptr, 0.1);
  CHECK(decisions(*train("voc", 0.1)) == alone);
  // The labels' problems on three threads: the model one thread trains.
  const nlohmann::json own_params = {
      {"solver", "svc"}, {"C", 0.5}, {"balanced", true}, {"eps", 0.1}, {"shuffle", "voc"}};
  auto threaded = lt.Train(own_params, 13, 3);
  REQUIRE(threaded.ok());
  CHECK(decisions(**threaded) == alone);
  // rand() is the process's: with its draws the labels stay on one thread,
  // and the model is LIBLINEAR's whatever the thread count.
  nlohmann::json c_rand_params = own_params;
  c_rand_params["shuffle"] = "c-rand";
  auto c_rand = lt.Train(c_rand_params, 13, 3);
  REQUIRE(c_rand.ok());
  CHECK(decisions(**c_rand) == decisions(*train(nullptr, 0.1)));

  auto bad = lt.Train({{"solver", "svc"}, {"shuffle", "random"}}, 13);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().message() == "unknown linear shuffle 'random' (liblinear, voc or c-rand)");
}

TEST_CASE(
    "Linear backend: voc's copy of the SVM solver gives LIBLINEAR's weights on rows of every length, "
    "short and long") {
  // Rows of 0 to 60 words from a vocabulary of 150, three labels at random:
  // the solver's sums over rows of 1 (the bias alone) to over 100 features,
  // entering its runs of features at every step.
  std::mt19937 rng(7);
  std::vector<voc::LabeledText> rows;
  const std::vector<std::string> labels = {"a", "b", "c"};
  for (int i = 0; i < 150; ++i) {
    std::string text;
    const int words = i < 61 ? i : static_cast<int>(rng() % 61);
    for (int w = 0; w < words; ++w) text += (w ? " w" : "w") + std::to_string(rng() % 150);
    voc::LabeledText r{text, {}};
    for (const auto& l : labels)
      if (rng() % 3 == 0) r.labels.push_back(l);
    rows.push_back(r);
  }
  rows[0].labels = {"a", "b", "c"};  // every label has rows with and without it
  rows[1].labels.clear();
  const voc::internal::TrainData data = MultiLabelData(rows, labels);
  voc::internal::LinearTrainer lt(data, false);
  auto decisions = [&](const char* shuffle, double eps) {
    nlohmann::json p = {{"solver", "svc"}, {"C", 0.5}, {"balanced", true}, {"eps", eps}};
    if (shuffle != nullptr) p["shuffle"] = shuffle;
    auto m = lt.Train(p, 3);
    REQUIRE(m.ok());
    std::vector<std::vector<double>> out;
    for (const auto& r : rows) {
      out.emplace_back();
      REQUIRE(voc::internal::LinearDecisions(**m, r.text, false, &out.back()));
    }
    return out;
  };
  for (double eps : {0.1, 0.001}) {
    CAPTURE(eps);
    CHECK(decisions("c-rand", eps) == decisions(nullptr, eps));
  }
}

TEST_CASE("Linear backend: the probabilities of a few labels are those of all labels, bit for bit") {
  std::vector<voc::LabeledText> rows = Synthetic(40);
  for (size_t i = 0; i < rows.size(); i += 4) rows[i].labels.push_back("urgent");
  voc::TrainOptions o = Quick("linear");
  o.multi_label = true;
  for (bool char_ngrams : {false, true}) {  // words only; words and character n-grams (two families)
    CAPTURE(char_ngrams);
    o.char_ngrams = char_ngrams;
    auto multi = voc::TextClassifier::Train(rows, o);
    REQUIRE(multi.ok());
    const auto& backend = voc::internal::BackendOf(**multi);
    const int n = static_cast<int>((*multi)->info().labels.size());
    REQUIRE(n >= 3);
    const std::vector<std::vector<int>> subsets = {{}, {0}, {n - 1}, {0, n - 1}, {1, 2}};
    for (const char* t : {"I was charged twice, please refund the fee asap", "the courier lost my package",
                          "password reset, account locked", "", "!!!"}) {
      CAPTURE(t);
      std::vector<double> all, some = {7.0};
      backend.Probabilities(t, &all);
      REQUIRE(all.size() == static_cast<size_t>(n));
      for (const auto& labels : subsets) {
        REQUIRE(voc::internal::LinearLabelProbabilities(backend, t, labels, &some));
        REQUIRE(some.size() == labels.size());
        for (size_t j = 0; j < labels.size(); ++j) CHECK(some[j] == all[static_cast<size_t>(labels[j])]);
      }
    }
  }
  // One label per text (a softmax over all of them): not computed apart.
  o.multi_label = false;
  for (auto& r : rows) r.labels.resize(1);
  auto single = voc::TextClassifier::Train(rows, o);
  REQUIRE(single.ok());
  std::vector<double> none = {7.0};
  CHECK_FALSE(
      voc::internal::LinearLabelProbabilities(voc::internal::BackendOf(**single), "refund", {0}, &none));
  CHECK(none == std::vector<double>{7.0});
}

TEST_CASE("TextClassifier: the linear solver is an option, checked, and recorded when not the default") {
  std::vector<voc::LabeledText> rows = Synthetic(40);
  for (size_t i = 0; i < rows.size(); i += 4) rows[i].labels.push_back("urgent");
  voc::TrainOptions o = Quick("linear");
  o.multi_label = true;
  auto liblinear = voc::TextClassifier::Train(rows, o);
  REQUIRE(liblinear.ok());
  CHECK((*liblinear)->info().metadata_json.find("\"shuffle\"") == std::string::npos);
  o.linear_solver = "voc";
  auto own = voc::TextClassifier::Train(rows, o);
  REQUIRE(own.ok());
  CHECK((*own)->info().metadata_json.find("\"shuffle\":\"voc\"") != std::string::npos);
  // Trained on three threads: the same model, byte for byte.
  o.threads = 3;
  auto threaded = voc::TextClassifier::Train(rows, o);
  REQUIRE(threaded.ok());
  CHECK((*threaded)->Serialize() == (*own)->Serialize());
  o.threads = 0;
  for (const char* t : {"I was charged twice, please refund the fee", "the courier lost my package"}) {
    CAPTURE(t);
    CHECK((*own)->Predict(t)[0].label == (*liblinear)->Predict(t)[0].label);
  }
  o.linear_solver = "fast";
  auto bad = voc::TextClassifier::Train(rows, o);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().message() == "unknown linear solver 'fast' (liblinear or voc)");
}

TEST_CASE("TextClassifier: negative_ratio bounds a rare label's negatives only, and is checked") {
  // 300 rows, 100 per label, and a rare label on 12 of them.
  std::vector<voc::LabeledText> rows = Synthetic(100, 5);
  for (size_t i = 0; i < rows.size(); i += 25) rows[i].labels.push_back("urgent");
  voc::TrainOptions o = Quick("linear");
  o.multi_label = true;
  o.linear_solver = "voc";
  o.validation_fraction = 0;  // no temperature fitted over all labels at once
  auto all = voc::TextClassifier::Train(rows, o);
  REQUIRE(all.ok());
  CHECK((*all)->info().metadata_json.find("negative_ratio") == std::string::npos);
  // At most max(2 x 12, 30) = 30 of urgent's 288 negatives; the common
  // labels (100 positives) keep all 200 of theirs.
  o.negative_ratio = 2;
  o.negative_floor = 30;
  auto bounded = voc::TextClassifier::Train(rows, o);
  REQUIRE(bounded.ok());
  CHECK((*bounded)->info().metadata_json.find("\"negative_ratio\":2") != std::string::npos);
  const auto& labels = (*all)->info().labels;
  REQUIRE((*bounded)->info().labels == labels);
  const auto urgent = static_cast<size_t>(std::find(labels.begin(), labels.end(), "urgent") - labels.begin());
  REQUIRE(urgent < labels.size());
  bool urgent_moved = false;
  for (const char* t : {"I was charged twice, please refund the fee", "the courier lost my package",
                        "password reset please", "my parcel was late and the fee was charged twice"}) {
    CAPTURE(t);
    std::vector<double> a, b;
    voc::internal::BackendOf(**all).Probabilities(t, &a);
    voc::internal::BackendOf(**bounded).Probabilities(t, &b);
    REQUIRE(a.size() == labels.size());
    REQUIRE(b.size() == labels.size());
    for (size_t l = 0; l < labels.size(); ++l)
      if (l != urgent) CHECK(a[l] == b[l]);  // the same problem, solved alike
    urgent_moved |= a[urgent] != b[urgent];
  }
  CHECK(urgent_moved);
  // The rows kept do not depend on the threads.
  o.threads = 3;
  auto threaded = voc::TextClassifier::Train(rows, o);
  REQUIRE(threaded.ok());
  CHECK((*threaded)->Serialize() == (*bounded)->Serialize());
  o.threads = 0;
  // A floor above the negatives keeps them all: the unbounded model.
  o.negative_floor = 1000;
  auto floor = voc::TextClassifier::Train(rows, o);
  REQUIRE(floor.ok());
  std::vector<double> a, f;
  voc::internal::BackendOf(**all).Probabilities("refund the fee", &a);
  voc::internal::BackendOf(**floor).Probabilities("refund the fee", &f);
  CHECK(a == f);

  // With the settings search: only the L2-loss SVM candidates are bounded
  // (the logistic ones are solved by LIBLINEAR).
  o.search = true;
  o.validation_fraction = 0.2;
  o.negative_floor = 30;
  auto searched = voc::TextClassifier::Train(rows, o);
  REQUIRE(searched.ok());
  o.search = false;
  o.validation_fraction = 0;

  o.negative_ratio = -1;
  auto negative = voc::TextClassifier::Train(rows, o);
  REQUIRE_FALSE(negative.ok());
  CHECK(negative.status().message() == "negative_ratio must be >= 0");
  o.negative_ratio = 2;
  o.linear_solver = "liblinear";
  auto liblinear = voc::TextClassifier::Train(rows, o);
  REQUIRE_FALSE(liblinear.ok());
  CHECK(liblinear.status().message() == "negative_ratio needs multi_label and linear_solver \"voc\"");
  o.linear_solver = "voc";
  o.multi_label = false;
  for (auto& r : rows) r.labels.resize(1);
  auto single = voc::TextClassifier::Train(rows, o);
  REQUIRE_FALSE(single.ok());
  CHECK(single.status().message() == "negative_ratio needs multi_label and linear_solver \"voc\"");
}

TEST_CASE("KeptNegatives: max(ratio x positives, floor, 1) negatives, by label and seed alone") {
  std::vector<uint32_t> yes;
  for (uint32_t i = 3; i < 1000; i += 50) yes.push_back(i);  // 20 positives of 1,000 rows
  auto count = [](const std::vector<char>& kept) { return std::count(kept.begin(), kept.end(), 1); };
  auto no_positive = [&](const std::vector<char>& kept) {
    for (uint32_t i : yes)
      if (kept[i]) return false;
    return true;
  };
  // The ratio beyond the floor: 5 x 20 = 100.
  const std::vector<char> a = voc::internal::KeptNegatives(yes, 1000, 5, 30, 13, 2);
  REQUIRE(a.size() == 1000);
  CHECK(count(a) == 100);
  CHECK(no_positive(a));
  // The floor beyond the ratio: 60.
  const std::vector<char> b = voc::internal::KeptNegatives(yes, 1000, 2, 60, 13, 2);
  CHECK(count(b) == 60);
  CHECK(no_positive(b));
  // At least one, whatever the settings.
  CHECK(count(voc::internal::KeptNegatives(yes, 1000, 0.01, 0, 13, 2)) == 1);
  // The same label and seed: the same rows; another label or seed: others.
  CHECK(voc::internal::KeptNegatives(yes, 1000, 5, 30, 13, 2) == a);
  CHECK(voc::internal::KeptNegatives(yes, 1000, 5, 30, 13, 3) != a);
  CHECK(voc::internal::KeptNegatives(yes, 1000, 5, 30, 14, 2) != a);
  // Every negative, or no bound: empty (all rows).
  CHECK(voc::internal::KeptNegatives(yes, 1000, 5, 980, 13, 2).empty());
  CHECK(voc::internal::KeptNegatives(yes, 1000, 0, 30, 13, 2).empty());
}

TEST_CASE("Linear backend: a suffix's rows, kept per thread, follow the model when it is repacked") {
  auto rows = Synthetic(60, 11);
  for (size_t i = 0; i < rows.size(); ++i) rows[i].text += i % 2 ? " lexnone" : " lexscoren2 lexclassneg";
  const std::vector<std::string> labels = {"billing", "delivery", "login"};
  voc::internal::TrainData data = SyntheticTrainData(rows, labels);
  voc::internal::LinearTrainer lt(data, false);
  auto model = lt.Train({{"solver", "svc"}, {"C", 0.5}, {"balanced", true}}, 13);
  REQUIRE(model.ok());
  const std::string text = "I was charged twice. The courier lost my parcel";
  const std::vector<voc::internal::TextPart> parts = {
      {0, 21, " lexscoren2 lexclassneg"}, {22, static_cast<uint32_t>(text.size()), " lexnone", 2}};
  auto check = [&](const voc::internal::Backend& m) {
    std::vector<std::vector<double>> each;
    m.PartsProbabilities(text, parts, nullptr, &each);
    REQUIRE(each.size() == parts.size());
    for (size_t i = 0; i < parts.size(); ++i) {
      std::vector<double> want;
      m.Probabilities(voc::internal::PartText(text, parts[i]), &want);
      CAPTURE(i);
      CHECK(each[i] == want);
    }
  };
  check(**model);  // caches the suffixes' rows
  // Quantizing renumbers the rows: the cached ones must not be used.
  (*model)->Quantize(25);
  check(**model);
  // Another model, loaded on this thread, has rows of its own.
  auto loaded = voc::internal::LoadLinear((*model)->Serialize(), 3, false);
  REQUIRE(loaded.ok());
  check(**loaded);
  check(**model);
}
