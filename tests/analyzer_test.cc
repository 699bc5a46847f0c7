#include "voc/analyzer.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "voc/reader.h"

#include <nlohmann/json.hpp>

namespace {

const voc::Analyzer& Shared() {
  static std::unique_ptr<voc::Analyzer> analyzer = [] {
    voc::AnalyzerOptions o;
    o.models_dir = VOC_SOURCE_DIR "/models";
    auto r = voc::Analyzer::Create(o);
    REQUIRE_MESSAGE(r.ok(), r.status().ToString());
    return std::move(*r);
  }();
  return *analyzer;
}

bool HasTheme(const voc::Analysis& a, const std::string& prefix) {
  for (const auto& t : a.themes)
    if (t.id.rfind(prefix, 0) == 0) return true;
  return false;
}

}  // namespace

TEST_CASE("Analyzer: one verbatim through the whole pipeline") {
  voc::Analysis a = Shared().AnalyzeText(
      "This is the third time I call about the double charge on my bill. "
      "Email me at jane.doe@example.com, I was on hold for 45 minutes!");
  // Redacted before anything else sees the text.
  CHECK(a.text.find("jane.doe@example.com") == std::string::npos);
  CHECK(a.text.find("[EMAIL]") != std::string::npos);
  REQUIRE(a.redactions.size() == 1);
  CHECK(a.redactions[0].first == "email");
  CHECK(a.sentiment.label == voc::Polarity::kNegative);
  CHECK(HasTheme(a, "billing"));
  CHECK(a.has_signal(voc::Signal::kRepeatContact));
  CHECK(a.has_signal(voc::Signal::kEffort));
  // Every evidence span points inside the redacted text.
  for (const auto& t : a.themes) {
    CHECK_FALSE(t.department.empty());
    for (const auto& e : t.evidence) {
      CHECK(e.begin < e.end);
      CHECK(e.end <= a.text.size());
    }
  }
  for (const auto& s : a.signals) CHECK(s.evidence.end <= a.text.size());
}

TEST_CASE("Analyzer: text that fits no theme stays unclassified") {
  voc::Analysis a = Shared().AnalyzeText("The weather was mild on Tuesday.");
  CHECK(a.unclassified());
  CHECK(a.themes.empty());
}

TEST_CASE("Analyzer: invalid UTF-8 and empty input do not fail") {
  voc::Analysis a = Shared().AnalyzeText(std::string("bad \xff\xfe bytes", 12));
  CHECK(a.invalid_utf8 >= 1);
  voc::Analysis e = Shared().AnalyzeText("");
  CHECK(e.text.empty());
  CHECK(e.sentiment.label == voc::Polarity::kNeutral);
}

TEST_CASE("Analyzer: AnalyzeBatch equals one-by-one for any thread count") {
  std::vector<voc::Record> records;
  const char* texts[] = {"Package never arrived, where is my order?",
                         "Great service, thank you!",
                         "I will cancel my account and switch to another bank.",
                         "They charged a late fee I was never told about.",
                         "Nothing to report."};
  for (int i = 0; i < 40; ++i) {
    voc::Record r;
    r.id = std::to_string(i);
    r.text = texts[i % 5];
    r.timestamp = 1700000000 + i * 86400;
    records.push_back(r);
  }
  std::vector<std::string> one;
  for (const auto& r : records) one.push_back(voc::AnalysisToJson(Shared().Analyze(r)));
  for (int threads : {1, 2, 4}) {
    auto batch = Shared().AnalyzeBatch(records, threads);
    REQUIRE(batch.size() == records.size());
    for (size_t i = 0; i < batch.size(); ++i) CHECK(voc::AnalysisToJson(batch[i]) == one[i]);
  }
}

TEST_CASE("RunPipeline: every record is analysed or rejected, in input order") {
  std::string csv =
      "id,text\n"
      "1,the app keeps crashing\n"
      "2,\n"  // empty text: rejected
      "3,\"refund still not received\"\n"
      "4,\"unterminated\n";
  voc::ReaderOptions ro;
  ro.id_column = "id";
  auto reader = voc::RecordReader::FromString(csv, ro);
  REQUIRE(reader.ok());
  std::vector<std::string> ids;
  std::vector<std::string> reasons;
  voc::PipelineOptions po;
  po.batch_size = 1;
  po.threads = 2;
  voc::Status st = voc::RunPipeline(
      **reader, Shared(), po, [&](voc::Analysis&& a) { ids.push_back(a.id); },
      [&](const voc::Reject& r) { reasons.push_back(r.reason); });
  CHECK(st.ok());
  CHECK(ids == std::vector<std::string>{"1", "3"});
  CHECK(reasons.size() == 2);
  const auto& stats = (*reader)->stats();
  CHECK(stats.read == stats.emitted + stats.rejected);
  CHECK(stats.read == 4);
}

TEST_CASE("AnalysisToJson: profanity is counted, never echoed as evidence") {
  voc::Analysis a = Shared().AnalyzeText("This damn shit app is broken AGAIN!!!");
  CHECK(a.profanity >= 1);
  nlohmann::json j = nlohmann::json::parse(voc::AnalysisToJson(a));
  CHECK(j["profanity"].get<int>() == static_cast<int>(a.profanity));
  int profane_hits = 0;
  for (const auto& s : j["signals"]) {
    if (s["source"] == "cue:profanity") {
      ++profane_hits;
      CHECK_FALSE(s.contains("text"));
    } else {
      CHECK(s.contains("text"));
    }
  }
  CHECK(profane_hits >= 1);
}

TEST_CASE("Analyzer::Create: clear errors for missing files") {
  voc::AnalyzerOptions o;
  o.models_dir = VOC_SOURCE_DIR "/models";
  o.themes = "/nonexistent/taxonomy.json";
  auto r = voc::Analyzer::Create(o);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == voc::StatusCode::kNotFound);
  CHECK(r.status().message() == "themes file not found: /nonexistent/taxonomy.json");

  voc::AnalyzerOptions s;
  s.models_dir = VOC_SOURCE_DIR "/models";
  s.sentiment_model = "/nonexistent/sentiment.vocm";
  auto r2 = voc::Analyzer::Create(s);
  REQUIRE_FALSE(r2.ok());
  CHECK(r2.status().message() == "sentiment model not found: /nonexistent/sentiment.vocm");

  voc::AnalyzerOptions p;
  p.models_dir = VOC_SOURCE_DIR "/models";
  p.redactor.extra_patterns = {"bad=(unclosed"};
  auto r3 = voc::Analyzer::Create(p);
  REQUIRE_FALSE(r3.ok());
  CHECK(r3.status().code() == voc::StatusCode::kInvalidArgument);
}
