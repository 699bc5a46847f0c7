#include "voc/adapter.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "pipeline/adapter_internal.h"
#include "text/segment.h"

#include "voc/analyzer.h"
#include "voc/pipeline.h"
#include "voc/classifier.h"
#include "voc/json.h"
#include "voc/reader.h"
#include "voc/taxonomy.h"

namespace {

namespace fs = std::filesystem;

// A small taxonomy of its own (the shipped one changes): three themes with
// plenty of rule hits in the corpus below, one with few, one whose rule is
// too weak to label.
std::string TaxonomyJson(double billing_threshold = 0.5) {
  return R"({"themes": [
    {"id": "billing", "department": "finance", "threshold": )" +
         std::to_string(billing_threshold) + R"(,
     "rules": [{"id": "charged", "include": ["\\bcharged\\b"], "weight": 0.8}]},
    {"id": "delivery", "department": "operations",
     "rules": [{"id": "parcel", "include": ["\\bparcel\\b"], "weight": 0.8}]},
    {"id": "quality", "department": "quality",
     "rules": [{"id": "broken", "include": ["\\bbroken\\b"], "weight": 0.8}]},
    {"id": "login", "department": "it",
     "rules": [{"id": "password", "include": ["\\bpassword\\b"], "weight": 0.8}]},
    {"id": "promo", "department": "marketing",
     "rules": [{"id": "coupon", "include": ["\\bcoupon\\b"], "weight": 0.6}]}
  ]})";
}

std::string WriteTemp(const std::string& name, const std::string& data) {
  const fs::path dir = fs::temp_directory_path() / "voc_adapter_test";
  fs::create_directories(dir);
  const std::string path = (dir / name).string();
  std::ofstream(path, std::ios::binary) << data;
  return path;
}

std::unique_ptr<voc::Analyzer> MakeAnalyzer(double billing_threshold = 0.5) {
  voc::AnalyzerOptions o;
  o.models_dir = VOC_SOURCE_DIR "/models";
  o.sentiment_model = "none";
  o.themes =
      WriteTemp("taxonomy_" + std::to_string(billing_threshold) + ".json", TaxonomyJson(billing_threshold));
  auto r = voc::Analyzer::Create(o);
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  return std::move(*r);
}

// Verbatims: each theme's rule word with its theme's other words around it
// (what the adapter learns), a few login and promo ones, and plain ones.
std::vector<std::string> Corpus() {
  const char* money[] = {"invoice", "fee", "statement", "subscription", "bill", "overdraft"};
  const char* ship[] = {"courier", "tracking", "shipment", "warehouse", "dispatch", "driver"};
  const char* make[] = {"cracked", "faulty", "screen", "hinge", "stopped working", "defective"};
  const char* filler[] = {"today", "again", "last week", "this month", "yesterday", "as usual"};
  const char* other[] = {"Hello there, a question", "Thanks for your help",    "Nice people at the shop",
                         "Can I ask something",     "Good morning to you all", "Just saying hi"};
  std::vector<std::string> out;
  for (int i = 0; i < 60; ++i) {
    // Distinct texts: duplicates are fitted once.
    const std::string f = std::string(filler[i % 6]) + " ref " + std::to_string(i);
    const int a = i % 6, b = (i / 6 + 1) % 6, c = (i / 2 + 3) % 6;
    out.push_back(std::string("I was charged for the ") + money[a] + ", the " + money[b] + " and the " +
                  money[c] + " " + f);
    out.push_back(std::string("The parcel never came, the ") + ship[a] + ", the " + ship[b] + " and the " +
                  ship[c] + " " + f);
    out.push_back(std::string("It arrived broken, ") + make[a] + ", " + make[b] + " and " + make[c] + " " +
                  f);
    if (i % 12 == 0) out.push_back("I forgot my password " + f);
    if (i % 10 == 0) out.push_back("Where is my coupon " + f);
    if (i % 3 == 0)
      out.push_back(std::string(other[i % 6]) + " " + filler[(i / 6) % 6] + " ref " + std::to_string(i));
  }
  return out;
}

// Said in words the rules do not know.
const char* const kMissed[] = {
    "I was billed for the invoice, the fee and the bill today",
    "The package never came, the courier, the tracking and the driver again",
    "It arrived cracked, faulty and stopped working",
};

std::vector<voc::Analysis> AnalyzeAll(const voc::Analyzer& an, const std::vector<std::string>& texts) {
  std::vector<voc::Analysis> out;
  for (const auto& t : texts) out.push_back(an.AnalyzeText(t));
  return out;
}

std::unique_ptr<voc::RecordReader> ReaderOf(const std::vector<std::string>& texts) {
  std::string data;
  for (const auto& t : texts) data += t + "\n";
  voc::ReaderOptions ro;
  ro.format = voc::InputFormat::kText;
  auto r = voc::RecordReader::FromString(data, ro);
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  return std::move(*r);
}

const voc::ThemeHit* Find(const voc::Analysis& a, const std::string& id) {
  for (const auto& h : a.themes)
    if (h.id == id) return &h;
  return nullptr;
}

}  // namespace

TEST_CASE("ThemeAdapter: adapts only the themes with enough confident examples") {
  auto an = MakeAnalyzer();
  auto adapter = voc::ThemeAdapter::Fit(AnalyzeAll(*an, Corpus()));
  REQUIRE_MESSAGE(adapter.ok(), adapter.status().ToString());
  const voc::AdaptReport& r = (*adapter)->report();
  std::vector<std::string> ids;
  for (const auto& t : r.themes) ids.push_back(t.id);
  CHECK(ids == std::vector<std::string>{"billing", "delivery", "quality"});
  CHECK(r.labelled == 185);  // 3 x 60 + 5 login; promo's rule is too weak
  for (const auto& t : r.themes) {
    CHECK(t.examples == 60);
    CHECK(t.negatives == 125);
    CHECK(t.precision >= 0.6);
    CHECK(t.calibration_a > 0);
    CHECK(t.label_rate > 0);
    CHECK(t.label_rate <= 1);
  }
  REQUIRE(r.skipped.size() == 2);
  CHECK(r.skipped[0].first == "login");
  CHECK(r.skipped[0].second == "5 examples (needs 30)");
  CHECK(r.skipped[1].first == "promo");
  CHECK(r.skipped[1].second.find("no rule hit with confidence >= 0.7") == 0);
  // Raising the bar above every theme's count adapts nothing, and says why.
  voc::AdaptOptions strict;
  strict.min_examples = 61;
  auto none = voc::ThemeAdapter::Fit(AnalyzeAll(*an, Corpus()), strict);
  REQUIRE_FALSE(none.ok());
  CHECK(none.status().code() == voc::StatusCode::kFailedPrecondition);
  CHECK(none.status().message().find("none has 61 confidently labelled verbatims") != std::string::npos);
  // The precision bar holds for the lower end of the 90% interval, not the
  // point estimate: at 0.99 even a theme with every hit right on the other
  // half (about 60 of them: lower end about 0.97) is not adapted.
  voc::AdaptOptions exacting;
  exacting.min_precision = 0.99;
  auto unsure = voc::ThemeAdapter::Fit(AnalyzeAll(*an, Corpus()), exacting);
  REQUIRE_FALSE(unsure.ok());
  CHECK(unsure.status().message().find("no theme's classifier is precise enough") != std::string::npos);
  // ... though a point estimate would pass it.
  CHECK(std::any_of(r.themes.begin(), r.themes.end(), [](const auto& t) { return t.precision >= 0.99; }));
  voc::AdaptOptions few_negatives;
  few_negatives.min_negatives = 126;
  auto no_neg = voc::ThemeAdapter::Fit(AnalyzeAll(*an, Corpus()), few_negatives);
  REQUIRE_FALSE(no_neg.ok());
  CHECK(no_neg.status().code() == voc::StatusCode::kFailedPrecondition);
}

TEST_CASE("ThemeAdapter: the verbatims the rules miss get adapted themes, the others keep theirs") {
  auto an = MakeAnalyzer();
  auto adapter = voc::ThemeAdapter::Fit(AnalyzeAll(*an, Corpus()));
  REQUIRE_MESSAGE(adapter.ok(), adapter.status().ToString());
  const std::string missed = kMissed[0];
  CHECK(an->AnalyzeText(missed).unclassified());
  const std::string ruled = "I was charged twice";
  REQUIRE(an->SetThemeAdapter(std::move(*adapter)).ok());
  voc::Analysis a = an->AnalyzeText(missed);
  const voc::ThemeHit* h = Find(a, "billing");
  REQUIRE(h != nullptr);
  CHECK(h->source == "adapted");
  CHECK(h->department == "finance");
  CHECK(h->confidence >= 0.5);
  CHECK(h->confidence <= 1.0);
  REQUIRE_FALSE(h->evidence.empty());
  for (const auto& e : h->evidence) {
    CHECK(e.source == "adapted");
    CHECK(e.begin < e.end);
    CHECK(e.end <= a.text.size());
  }
  CHECK(Find(a, "delivery") == nullptr);
  CHECK(Find(an->AnalyzeText(kMissed[1]), "delivery") != nullptr);
  CHECK(Find(an->AnalyzeText(kMissed[2]), "quality") != nullptr);
  // Rule hits are untouched; nothing is added to a classified verbatim.
  voc::Analysis b = an->AnalyzeText(ruled);
  REQUIRE(b.themes.size() == 1);
  CHECK(b.themes[0].source.rfind("rule:billing#", 0) == 0);
  // Unrelated text stays unclassified.
  CHECK(an->AnalyzeText("Hello there, a question").unclassified());
  CHECK(an->AnalyzeText("What a lovely day").unclassified());
  CHECK(an->AnalyzeText("").unclassified());
  // Only content words carry an adapted theme: function words, numbers and
  // masks are no evidence, and a text of nothing else gets none.
  const std::string stop_words = "I was for the and the 42 [ACCOUNT]";
  CHECK(an->AnalyzeText(stop_words).unclassified());
  // Nor are the pieces of mentions and URLs, whatever words they spell.
  CHECK(Find(an->AnalyzeText("I was billed for the invoice, the fee and the bill"), "billing") != nullptr);
  CHECK(an->AnalyzeText("I was @invoice @fee @bill https://example.com/invoice/fee/bill").unclassified());
  for (const auto& e : h->evidence) {
    const std::string word = a.text.substr(e.begin, e.end - e.begin);
    CHECK_MESSAGE(word.find("the") == std::string::npos, word);
    CHECK_MESSAGE(word != "I", word);
  }
}

TEST_CASE("ThemeAdapter: a hit below its theme's threshold is not assigned") {
  auto an = MakeAnalyzer();
  auto adapter = voc::ThemeAdapter::Fit(AnalyzeAll(*an, Corpus()));
  REQUIRE(adapter.ok());
  std::shared_ptr<const voc::ThemeAdapter> shared = std::move(*adapter);
  const std::string missed = kMissed[0];
  REQUIRE(an->SetThemeAdapter(shared).ok());
  const voc::Analysis analysed = an->AnalyzeText(missed);
  const voc::ThemeHit* h = Find(analysed, "billing");
  REQUIRE(h != nullptr);
  const double confidence = h->confidence;
  // The same adapter under a taxonomy whose billing threshold is just above
  // that confidence: not assigned (a confidence of 1 passes any threshold);
  // just below: assigned. Under the strictest threshold, no adapted billing
  // hit of any text is below it.
  auto strict = MakeAnalyzer(std::min(1.0, confidence + 1e-3));
  REQUIRE(strict->SetThemeAdapter(shared).ok());
  if (confidence < 1.0) CHECK(Find(strict->AnalyzeText(missed), "billing") == nullptr);
  auto strictest = MakeAnalyzer(1.0);
  REQUIRE(strictest->SetThemeAdapter(shared).ok());
  int below = 0;
  for (const std::string& t :
       {std::string(kMissed[0]), std::string(kMissed[1]), std::string(kMissed[2]),
        std::string("I was billed for the fee"), std::string("The invoice and the bill")}) {
    const voc::Analysis at = strictest->AnalyzeText(t);
    const voc::ThemeHit* b = Find(at, "billing");
    if (b && b->source == "adapted") below += b->confidence < 1.0;
  }
  CHECK(below == 0);
  auto lax = MakeAnalyzer(confidence - 1e-3);
  REQUIRE(lax->SetThemeAdapter(shared).ok());
  CHECK(Find(lax->AnalyzeText(missed), "billing") != nullptr);
}

TEST_CASE("ThemeAdapter: save and load give the same bytes and the same output") {
  auto an = MakeAnalyzer();
  auto adapter = voc::ThemeAdapter::Fit(AnalyzeAll(*an, Corpus()));
  REQUIRE(adapter.ok());
  const std::string path = WriteTemp("adapted.voca", "");
  REQUIRE((*adapter)->Save(path).ok());
  auto loaded = voc::ThemeAdapter::Load(path);
  REQUIRE_MESSAGE(loaded.ok(), loaded.status().ToString());
  CHECK((*loaded)->Serialize() == (*adapter)->Serialize());
  CHECK((*loaded)->report().ToJson() == (*adapter)->report().ToJson());
  // An analyzer that loads the file (AnalyzerOptions::adapted_model) writes
  // what the one holding the fitted adapter writes.
  voc::AnalyzerOptions o;
  o.models_dir = VOC_SOURCE_DIR "/models";
  o.sentiment_model = "none";
  o.themes = WriteTemp("taxonomy_0.500000.json", TaxonomyJson());
  o.adapted_model = path;
  auto from_file = voc::Analyzer::Create(o);
  REQUIRE_MESSAGE(from_file.ok(), from_file.status().ToString());
  REQUIRE(an->SetThemeAdapter(std::move(*adapter)).ok());
  int adapted = 0;
  for (const std::string& t : {kMissed[0], kMissed[1], kMissed[2], "Hello"}) {
    const std::string x = voc::AnalysisToJson(an->AnalyzeText(t));
    CHECK(x == voc::AnalysisToJson((*from_file)->AnalyzeText(t)));
    adapted += x.find("\"source\":\"adapted\"") != std::string::npos;
  }
  CHECK(adapted == 3);
}

TEST_CASE("ThemeAdapter: loading refuses what is not an adapted model, with the reason") {
  auto missing = voc::ThemeAdapter::Load("/nonexistent/adapted.voca");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.status().code() == voc::StatusCode::kNotFound);
  CHECK(missing.status().message() == "adapted model not found: /nonexistent/adapted.voca");
  auto garbage = voc::ThemeAdapter::FromBytes("this is not a model at all");
  REQUIRE_FALSE(garbage.ok());
  CHECK(garbage.status().message().find("not an adapted-themes model") == 0);
  // A model made by `voc train` is refused too.
  voc::TrainOptions to;
  to.validation_fraction = 0;
  auto model =
      voc::TextClassifier::Train({{"charged twice", {"billing"}}, {"late parcel", {"delivery"}}}, to);
  REQUIRE(model.ok());
  auto trained = voc::ThemeAdapter::FromBytes((*model)->Serialize());
  REQUIRE_FALSE(trained.ok());
  CHECK(trained.status().message().find("wrong file signature") != std::string::npos);
  // A truncated adapter.
  auto an = MakeAnalyzer();
  auto adapter = voc::ThemeAdapter::Fit(AnalyzeAll(*an, Corpus()));
  REQUIRE(adapter.ok());
  const std::string bytes = (*adapter)->Serialize();
  CHECK_FALSE(voc::ThemeAdapter::FromBytes(bytes.substr(0, bytes.size() / 2)).ok());
  CHECK_FALSE(voc::ThemeAdapter::FromBytes(bytes.substr(0, 30)).ok());
  // An adapter for themes the analyzer's taxonomy lacks.
  voc::AnalyzerOptions o;
  o.models_dir = VOC_SOURCE_DIR "/models";
  o.sentiment_model = "none";
  o.themes = WriteTemp("other.json",
                       R"({"themes": [{"id": "billing", "rules": [{"id": "x", "include": ["fee"]}]}]})");
  auto other = voc::Analyzer::Create(o);
  REQUIRE(other.ok());
  voc::Status st = (*other)->SetThemeAdapter(std::move(*adapter));
  REQUIRE_FALSE(st.ok());
  CHECK(st.message() ==
        "the adapted model's theme 'delivery' is not in the taxonomy (adapt again with this taxonomy)");
}

TEST_CASE("FitThemeAdapter: a bounded sample, the same adapter and output for any thread count") {
  auto an = MakeAnalyzer();
  std::vector<std::string> texts = Corpus();
  texts.insert(texts.end(), std::begin(kMissed), std::end(kMissed));
  std::string first_bytes;
  std::string first_output;
  for (int threads : {1, 2, 3}) {
    CAPTURE(threads);
    auto analyzer = MakeAnalyzer();
    auto reader = ReaderOf(texts);
    voc::AdaptOptions ao;
    ao.threads = threads;
    ao.sample_records = 150;  // the rest is read by the pipeline
    // With threads, records after the sample are analysed while fitting:
    // how many depends on timing, the adapter and the output do not.
    ao.read_ahead_records = threads > 1 ? 40 : 0;
    std::vector<voc::Analysis> sample;
    auto adapter = voc::FitThemeAdapter(*reader, *analyzer, ao, &sample, nullptr);
    REQUIRE_MESSAGE(adapter.ok(), adapter.status().ToString());
    CHECK(sample.size() >= 150);
    CHECK(sample.size() <= 150 + ao.read_ahead_records);
    CHECK((*adapter)->report().sample == 150);
    const std::string bytes = (*adapter)->Serialize();
    if (first_bytes.empty()) first_bytes = bytes;
    CHECK(bytes == first_bytes);
    REQUIRE(analyzer->SetThemeAdapter(std::move(*adapter)).ok());
    std::string output;
    uint64_t n = 0;
    auto on_analysis = [&](voc::Analysis&& a) {
      CHECK(a.id == std::to_string(++n));
      output += voc::AnalysisToJson(a) + "\n";
    };
    for (voc::Analysis& a : sample) {
      analyzer->ApplyThemeAdapter(&a);
      on_analysis(std::move(a));
    }
    voc::PipelineOptions po;
    po.threads = threads;
    po.batch_size = 7;
    REQUIRE(voc::RunPipeline(*reader, *analyzer, po, on_analysis, nullptr).ok());
    CHECK(n == texts.size());
    if (first_output.empty()) first_output = output;
    CHECK(output == first_output);
    // The same as analysing every record with the adapter set.
    std::string again;
    for (size_t i = 0; i < texts.size(); ++i) {
      voc::Record r;
      r.id = std::to_string(i + 1);
      r.index = i;
      r.line = i + 1;
      r.text = texts[i];
      again += voc::AnalysisToJson(analyzer->Analyze(r)) + "\n";
    }
    CHECK(again == output);
  }
  CHECK(first_output.find("\"source\":\"adapted\"") != std::string::npos);
  std::vector<voc::Analysis> sample;
  voc::AdaptOptions bytes_bound;
  bytes_bound.sample_bytes = 1000;
  auto reader2 = ReaderOf(texts);
  auto small = voc::FitThemeAdapter(*reader2, *an, bytes_bound, &sample, nullptr);
  CHECK(sample.size() < 30);
  REQUIRE_FALSE(small.ok());
  CHECK(small.status().code() == voc::StatusCode::kFailedPrecondition);
}

TEST_CASE("ThemeAdapter: one word alone is no adapted theme") {
  auto an = MakeAnalyzer();
  auto adapter = voc::ThemeAdapter::Fit(AnalyzeAll(*an, Corpus()));
  REQUIRE_MESSAGE(adapter.ok(), adapter.status().ToString());
  REQUIRE(an->SetThemeAdapter(std::move(*adapter)).ok());
  // Several of billing's words: adapted; one of them alone: not (a rule's
  // job, and a word shared with other themes' verbatims would decide).
  CHECK(Find(an->AnalyzeText(kMissed[0]), "billing") != nullptr);
  for (const char* one : {"The invoice", "the overdraft", "Courier?", "faulty"})
    CHECK_MESSAGE(an->AnalyzeText(one).unclassified(), std::string(one));
}

TEST_CASE("ThemeAdapter: the Analyzer's adapted themes equal Classify's, social tokens and all") {
  // The Analyzer hands the adapter the social tokens its sentiment scan
  // found; Classify finds them itself. Both must give the same themes.
  auto an = MakeAnalyzer();
  auto fitted = voc::ThemeAdapter::Fit(AnalyzeAll(*an, Corpus()));
  REQUIRE_MESSAGE(fitted.ok(), fitted.status().ToString());
  std::shared_ptr<const voc::ThemeAdapter> adapter = std::move(*fitted);
  REQUIRE(an->SetThemeAdapter(adapter).ok());
  auto taxonomy = voc::Taxonomy::Parse(TaxonomyJson());
  REQUIRE_MESSAGE(taxonomy.ok(), taxonomy.status().ToString());
  const std::vector<std::string> texts = {
      kMissed[0],
      kMissed[1],
      "@courier the tracking https://t.co/x1 and the driver 3rd time, mail jo@x.com [EMAIL]",
      "I was billed for the invoice #fee and the bill 1,234.56 at 10:30pm for $12.50",
      "La factura y la cuota del courier, otra vez",  // not English: no spans kept
  };
  size_t adapted = 0;
  for (const std::string& t : texts) {
    CAPTURE(t);
    const voc::Analysis a = an->AnalyzeText(t);
    if (!a.themes.empty() && a.themes[0].source != "adapted") continue;  // a rule's
    const std::vector<voc::ThemeHit> want = adapter->Classify(a.text, **taxonomy);
    REQUIRE(a.themes.size() == want.size());
    for (size_t i = 0; i < want.size(); ++i) {
      CHECK(a.themes[i].id == want[i].id);
      CHECK(a.themes[i].confidence == want[i].confidence);
      REQUIRE(a.themes[i].evidence.size() == want[i].evidence.size());
      for (size_t k = 0; k < want[i].evidence.size(); ++k) {
        CHECK(a.themes[i].evidence[k].begin == want[i].evidence[k].begin);
        CHECK(a.themes[i].evidence[k].end == want[i].evidence[k].end);
      }
    }
    adapted += want.empty() ? 0 : 1;
  }
  CHECK(adapted >= 3);
}

namespace {

// A byte of a word, for the adapter: an ASCII letter or digit, an
// apostrophe, or any byte of a non-ASCII character.
bool WordByte(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '\'' || c >= 0x80;
}

// The words of `s` as the adapter reads them: runs of word bytes, ASCII
// capitals lower-cased, trailing apostrophes dropped, two bytes or more.
std::vector<std::string> PlainWords(std::string_view s) {
  std::vector<std::string> out;
  for (size_t i = 0; i < s.size();) {
    if (!WordByte(static_cast<unsigned char>(s[i]))) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < s.size() && WordByte(static_cast<unsigned char>(s[j]))) ++j;
    std::string w(s.substr(i, j - i));
    for (char& c : w)
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    while (!w.empty() && w.back() == '\'') w.pop_back();
    if (w.size() >= 2) out.push_back(w);
    i = j;
  }
  return out;
}

// The classifiers' view of `text`, plainly: non-words blanked (segment.h),
// then every mask ("[" capitals, digits or "_" "]") and every word that is
// a number, shorter than two bytes or one the adapter blanks.
std::string PlainContent(const voc::ThemeAdapter& adapter, std::string_view text, bool* content) {
  std::string out;
  voc::internal::BlankNonWords(text, &out);
  *content = false;
  for (size_t i = 0; i < out.size();) {
    if (out[i] == '[') {
      size_t j = i + 1;
      while (j < out.size() &&
             ((out[j] >= 'A' && out[j] <= 'Z') || out[j] == '_' || (out[j] >= '0' && out[j] <= '9')))
        ++j;
      if (j > i + 1 && j < out.size() && out[j] == ']') {
        std::fill(out.begin() + static_cast<std::ptrdiff_t>(i),
                  out.begin() + static_cast<std::ptrdiff_t>(j + 1), ' ');
        i = j + 1;
        continue;
      }
    }
    if (!WordByte(static_cast<unsigned char>(out[i]))) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < out.size() && WordByte(static_cast<unsigned char>(out[j]))) ++j;
    const std::string word = out.substr(i, j - i);
    const bool number = std::all_of(word.begin(), word.end(), [](char c) { return c >= '0' && c <= '9'; });
    const std::vector<std::string> lower = PlainWords(word);
    const bool drop = number || lower.empty() || voc::internal::AdapterBlanks(adapter, lower[0]);
    if (drop)
      std::fill(out.begin() + static_cast<std::ptrdiff_t>(i), out.begin() + static_cast<std::ptrdiff_t>(j),
                ' ');
    else
      *content = true;
    i = j;
  }
  return out;
}

}  // namespace

TEST_CASE("ThemeAdapter: the classifiers' view of a text is the plain reading of what it blanks") {
  auto an = MakeAnalyzer();
  auto adapter = voc::ThemeAdapter::Fit(AnalyzeAll(*an, Corpus()));
  REQUIRE_MESSAGE(adapter.ok(), adapter.status().ToString());
  // Pieces in every case, with apostrophes, digits, masks, social tokens,
  // non-ASCII letters, stop words and the rules' words.
  const char* pieces[] = {"invoice",
                          "Invoice",
                          "INVOICE",
                          "the",
                          "The",
                          "THE",
                          "I'm",
                          "don't",
                          "fee's",
                          "fees'",
                          "'tis",
                          "123",
                          "12ab",
                          "007",
                          "[EMAIL]",
                          "[ACCOUNT_2]",
                          "[abc]",
                          "[",
                          "]",
                          "@user",
                          "#tag",
                          "#Fee",
                          "https://t.co/x1",
                          "café",
                          "NAÏVE",
                          "''",
                          "'",
                          "x",
                          "Courier",
                          "1,234.56",
                          "charged",
                          "Charged",
                          "PARCEL",
                          "broken",
                          "a",
                          "of",
                          "Ü",
                          "10:30pm",
                          "jo@x.com"};
  const char* gaps[] = {" ", "", ", ", "!", "\n", "-", "  ", "?'", "\t"};
  std::mt19937 rng(7);
  std::vector<std::string> texts(Corpus());
  for (const char* t : kMissed) texts.push_back(t);
  for (int k = 0; k < 3000; ++k) {
    std::string t;
    const int n = static_cast<int>(rng() % 9);
    for (int i = 0; i < n; ++i) {
      t += pieces[rng() % (sizeof pieces / sizeof *pieces)];
      t += gaps[rng() % (sizeof gaps / sizeof *gaps)];
    }
    texts.push_back(t);
  }
  size_t with_content = 0, blanked = 0;
  std::string got;
  for (const std::string& t : texts) {
    CAPTURE(t);
    bool want_content = false;
    const std::string want = PlainContent(**adapter, t, &want_content);
    const bool content = voc::internal::AdaptedContent(**adapter, t, &got);
    CHECK(got == want);
    CHECK(content == want_content);
    with_content += content;
    blanked += got != t;
  }
  // Both sides of each rule were met.
  CHECK(with_content > texts.size() / 4);
  CHECK(blanked > texts.size() / 4);
  CHECK(with_content < texts.size());
}

TEST_CASE("ThemeAdapter: the rules' words are those they match in most of the texts that hold them") {
  auto an = MakeAnalyzer();
  std::vector<std::string> texts = Corpus();
  // A rule word in capitals and with apostrophes; "broken" also where no
  // rule matches it ("brokenhearted" is another word).
  for (const char* t : {"CHARGED again for the fee's total", "Charged'' twice, the bill", "a PARCEL's label",
                        "I'm brokenhearted, the fee", "the broken' hinge", "charged charged charged"})
    texts.push_back(t);
  const std::vector<voc::Analysis> sample = AnalyzeAll(*an, texts);
  // Per word: the texts the rules matched it in, and the texts holding it.
  std::map<std::string, std::pair<int, int>> count;
  for (const voc::Analysis& a : sample) {
    std::set<std::string> matched;
    for (const voc::ThemeHit& h : a.themes)
      for (const voc::EvidenceSpan& e : h.evidence)
        if (e.source.rfind("rule:", 0) == 0 && e.begin < e.end && e.end <= a.text.size())
          for (const std::string& w : PlainWords(std::string_view(a.text).substr(e.begin, e.end - e.begin)))
            matched.insert(w);
    const std::vector<std::string> words = PlainWords(a.text);
    for (const std::string& w : std::set<std::string>(words.begin(), words.end())) ++count[w].second;
    for (const std::string& w : matched) ++count[w].first;
  }
  std::vector<std::string> want;
  for (const auto& [w, n] : count)
    if (n.first > 0 && n.first >= 0.8 * n.second) want.push_back(w);
  auto adapter = voc::ThemeAdapter::Fit(sample);
  REQUIRE_MESSAGE(adapter.ok(), adapter.status().ToString());
  const std::string bytes = (*adapter)->Serialize();
  uint64_t n = 0;  // the JSON head's length, little-endian
  for (int i = 0; i < 8; ++i)
    n |= static_cast<uint64_t>(static_cast<unsigned char>(bytes[12 + i])) << (8 * i);
  const auto head = nlohmann::json::parse(bytes.substr(20, n));
  const auto got = head.at("rule_words").get<std::vector<std::string>>();
  CHECK(got == want);
  CHECK(std::find(got.begin(), got.end(), "charged") != got.end());
  CHECK(std::find(got.begin(), got.end(), "parcel") != got.end());
  CHECK(std::find(got.begin(), got.end(), "brokenhearted") == got.end());
}

TEST_CASE("ThemeAdapter: no probability under a theme's bound reaches its cut") {
  // Classify computes no confidence for a probability under its theme's
  // bound: every such probability must be one whose confidence is under
  // the theme's cut, right up to the bound.
  auto an = MakeAnalyzer();
  auto adapter = voc::ThemeAdapter::Fit(AnalyzeAll(*an, Corpus()));
  REQUIRE_MESSAGE(adapter.ok(), adapter.status().ToString());
  const std::vector<voc::internal::AdaptedCut> cuts = voc::internal::AdaptedCuts(**adapter);
  REQUIRE(!cuts.empty());
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  size_t bounded = 0;
  for (const auto& cut : cuts) {
    CAPTURE(cut.min_confidence);
    CAPTURE(cut.min_probability);
    if (cut.min_probability <= 0) continue;
    ++bounded;
    CHECK(cut.min_probability < 1);
    // The confidence at the bound's exact point (1e6 times the bound's
    // margin further) reaches the cut: the bound is not loose.
    CHECK(cut.confidence(cut.min_probability / (1 - 1e-6) * (1 + 1e-12)) >= cut.min_confidence);
    std::vector<double> ps = {0.0, 1e-12, 1e-9, cut.min_probability * 0.5};
    double p = cut.min_probability;
    for (int k = 0; k < 200; ++k) ps.push_back(p = std::nextafter(p, 0.0));
    for (int k = 0; k < 2000; ++k) ps.push_back(unit(rng) * cut.min_probability);
    for (double q : ps) {
      CAPTURE(q);
      REQUIRE(q < cut.min_probability);
      CHECK(cut.confidence(q) < cut.min_confidence);
    }
  }
  CHECK(bounded > 0);
}

TEST_CASE("WordMap: finds what a std::map of the same words finds, by word and in a text") {
  // Words of 1 to 20 bytes (the 8-byte keys and the longer words' map, and
  // the lengths around 8) from a small alphabet, so that many words share
  // their first bytes; capitals, apostrophes and non-ASCII bytes; some with
  // a 0 byte (kept apart: a key cannot hold one).
  const std::string alphabet = "abcAB'\xc3\xa9z0";
  std::mt19937 rng(11);
  auto word = [&](size_t n) {
    std::string w;
    for (size_t i = 0; i < n; ++i) w += alphabet[rng() % alphabet.size()];
    return w;
  };
  auto lower = [](std::string w) {
    for (char& c : w)
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
    return w;
  };
  voc::internal::WordMap<uint32_t> map;
  std::map<std::string, uint32_t> want;
  for (uint32_t k = 0; k < 3000; ++k) {
    std::string w = lower(word(1 + rng() % 20));
    if (k % 50 == 0) w[rng() % w.size()] = '\0';
    map.emplace(w, k);
    want.emplace(w, k);  // the first value stays, as in the map
  }
  size_t found = 0;
  std::string buf;
  for (int k = 0; k < 20000; ++k) {
    const std::string w = word(1 + rng() % 20);
    const std::string l = lower(w);
    CAPTURE(l);
    auto it = want.find(l);
    const uint32_t* got = map.find(l);
    REQUIRE((got != nullptr) == (it != want.end()));
    if (got != nullptr) {
      CHECK(*got == it->second);
      ++found;
    }
    // In a text: the word's bytes as written, with 0 to 9 bytes after it.
    const std::string text = w + std::string(rng() % 10, ' ');
    const bool upper = l != w;
    const uint32_t* in_text = map.FindText(text.data(), w.size(), upper, text.size(), &buf);
    CHECK(in_text == got);
  }
  for (const auto& [w, k] : want) {
    const uint32_t* got = map.find(w);
    REQUIRE(got != nullptr);
    CHECK(*got == k);
  }
  CHECK(found > 1000);  // both answers were met
  CHECK(found < 19000);
}

TEST_CASE("FitPlatt: rows grouped by equal scores give the doubles of one score per row") {
  std::mt19937 rng(5);
  for (int trial = 0; trial < 60; ++trial) {
    CAPTURE(trial);
    // A few distinct scores (logits of probabilities), many rows sharing
    // them, in any order; targets loosely following the score.
    const size_t groups = 1 + rng() % 40, rows = groups + rng() % 300;
    std::vector<double> score(groups);
    for (double& s : score) s = std::log(1e-6 + (rng() % 1000000) / 1e6) - std::log(0.5);
    std::vector<uint32_t> of(rows), one_each(rows);
    std::vector<double> per_row(rows);
    std::vector<int> y(rows);
    for (size_t i = 0; i < rows; ++i) {
      of[i] = static_cast<uint32_t>(i < groups ? i : rng() % groups);
      one_each[i] = static_cast<uint32_t>(i);
      per_row[i] = score[of[i]];
      y[i] = (rng() % 100) < (score[of[i]] > 0 ? 70u : 20u) ? 1 : 0;
    }
    const auto grouped = voc::internal::FitPlatt(score, of, y);
    const auto plain = voc::internal::FitPlatt(per_row, one_each, y);
    CHECK(std::memcmp(&grouped.first, &plain.first, sizeof(double)) == 0);
    CHECK(std::memcmp(&grouped.second, &plain.second, sizeof(double)) == 0);
    if (std::count(y.begin(), y.end(), 1) > 0 && std::count(y.begin(), y.end(), 0) > 0)
      CHECK(grouped.first != 1.0);  // a fit, not the answer for a single class
  }
}

namespace {

// The reference for FitPlatt: the per-row fit it replaced (theme_adapter.cc
// before rows were grouped by score, commit 77d9792), as it was: row i's
// score is x[i], and each row computes its own exp and log1p.
double OldSigmoid(double z) { return 1.0 / (1.0 + std::exp(-z)); }

std::pair<double, double> OldFitPlatt(const std::vector<double>& x, const std::vector<int>& y) {
  double npos = 0, nneg = 0;
  for (int v : y) (v ? npos : nneg) += 1;
  if (npos == 0 || nneg == 0) return {1.0, 0.0};
  const double hi = (npos + 1) / (npos + 2), lo = 1 / (nneg + 2);
  double a = 1.0, b = 0.0;
  auto loss = [&](double A, double B) {
    double l = 0;
    for (size_t i = 0; i < x.size(); ++i) {
      const double t = y[i] ? hi : lo, z = A * x[i] + B;
      // log(1 + e^z) - t z, computed stably.
      l += (z > 0 ? z + std::log1p(std::exp(-z)) : std::log1p(std::exp(z))) - t * z;
    }
    return l;
  };
  double cur = loss(a, b);
  for (int it = 0; it < 100; ++it) {
    double ga = 0, gb = 0, haa = 1e-9, hab = 0, hbb = 1e-9;
    for (size_t i = 0; i < x.size(); ++i) {
      const double t = y[i] ? hi : lo, p = OldSigmoid(a * x[i] + b), d = p - t, w = p * (1 - p);
      ga += d * x[i], gb += d;
      haa += w * x[i] * x[i], hab += w * x[i], hbb += w;
    }
    const double det = haa * hbb - hab * hab;
    if (!(std::fabs(det) > 1e-12)) break;
    const double da = -(hbb * ga - hab * gb) / det, db = -(haa * gb - hab * ga) / det;
    double step = 1.0, next = cur;
    while (step > 1e-6) {
      next = loss(a + step * da, b + step * db);
      if (next < cur) break;
      step /= 2;
    }
    if (step <= 1e-6) break;
    a += step * da, b += step * db;
    if (cur - next < 1e-10 * (1 + std::fabs(cur))) {
      cur = next;
      break;
    }
    cur = next;
  }
  return {a, b};
}

bool SameDoubles(const std::pair<double, double>& u, const std::pair<double, double>& v) {
  return std::memcmp(&u.first, &v.first, sizeof(double)) == 0 &&
         std::memcmp(&u.second, &v.second, sizeof(double)) == 0;
}

}  // namespace

TEST_CASE("FitPlatt: grouped scores give the doubles of the per-row fit it replaced") {
  // Random groups of rows (some groups sharing a score, some with no row),
  // of 0 to 400 rows; scores the adapter's logits of probabilities (the
  // clamped extremes among them) or far beyond them; labels of one class
  // only, following the score, or independent of it.
  std::mt19937 rng(17);
  const double clamp = std::log((1.0 - 1e-9) / 1e-9);
  int fits = 0;
  for (int trial = 0; trial < 3000; ++trial) {
    CAPTURE(trial);
    const size_t rows = trial % 50 == 0 ? rng() % 3 : rng() % 401;
    const size_t groups = 1 + rng() % (rows < 60 ? rows + 1 : 60);
    // A pool of few values, so that groups tie.
    std::vector<double> pool(1 + rng() % 6);
    for (double& v : pool) {
      switch (rng() % 6) {
        case 0:
          v = rng() % 2 ? clamp : -clamp;
          break;
        case 1:
          v = (rng() % 2 ? 1.0 : -1.0) * (30.0 + (rng() % 720));
          break;
        case 2:
          v = 0.0;
          break;
        default: {
          const double p = (1 + rng() % 999999) / 1e6;
          v = std::log(p / (1 - p));
        }
      }
    }
    std::vector<double> x(groups);
    for (double& v : x) v = pool[rng() % pool.size()];
    std::vector<uint32_t> of(rows);
    std::vector<double> per_row(rows);
    std::vector<int> y(rows);
    const unsigned labels = rng() % 4;  // 0: all negative, 1: all positive, 2: by score, 3: random
    for (size_t i = 0; i < rows; ++i) {
      of[i] = static_cast<uint32_t>(rng() % groups);
      per_row[i] = x[of[i]];
      const unsigned share = labels == 2 ? (per_row[i] > 0 ? 75u : 15u) : 50u;
      y[i] = labels < 2 ? static_cast<int>(labels) : (rng() % 100 < share ? 1 : 0);
    }
    CAPTURE(rows);
    CAPTURE(groups);
    const auto want = OldFitPlatt(per_row, y);
    CHECK(SameDoubles(voc::internal::FitPlatt(x, of, y), want));
    std::vector<uint32_t> one_each(rows);
    for (size_t i = 0; i < rows; ++i) one_each[i] = static_cast<uint32_t>(i);
    CHECK(SameDoubles(voc::internal::FitPlatt(per_row, one_each, y), want));
    fits += want.first != 1.0 || want.second != 0.0;
  }
  CHECK(fits > 1000);  // most inputs were fitted, not answered for one class
}
