#include "voc/analyzer.h"
#include "voc/pipeline.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <limits>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "voc/aggregate.h"
#include "voc/economics.h"
#include "voc/reader.h"
#include "voc/signals.h"
#include "voc/taxonomy.h"

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
  const char* texts[] = {"Package never arrived, where is my order?", "Great service, thank you!",
                         "I will cancel my account and switch to another bank.",
                         "They charged a late fee I was never told about.", "Nothing to report."};
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

TEST_CASE(
    "RunPipeline: records read into reused slots carry nothing over from the record before, on 1-3 threads") {
  // Rows with and without channel, customer and time (CSV: empty cells;
  // JSONL: keys left out), a rejected row between them and texts longer
  // than a reused record keeps: every analysis must equal the one of its row
  // read on its own.
  std::string csv = "id,text,time,channel,customer,extra\n";
  std::string jsonl;
  for (int i = 0; i < 60; ++i) {
    const std::string n = std::to_string(i);
    std::string text = i % 7 == 3 ? std::string(40000, 'x') + " refund " + n : "refund number " + n;
    if (i % 5 == 2) {  // rejected: a time that does not parse
      csv += n + ",late fee " + n + ",not a time,,,\n";
      jsonl += nlohmann::json({{"id", n}, {"text", "late fee " + n}, {"time", "not a time"}}).dump() + "\n";
      continue;
    }
    const bool full = i % 2 == 0;
    const std::string day = "2024-03-0" + std::to_string(1 + i % 9);
    csv += n + "," + text + "," + (full ? day : "") + "," + (full ? "call" : "") + "," +
           (full ? "c" + n : "") + "," + (full ? "e" + n : "") + "\n";
    nlohmann::json j = {{"id", n}, {"text", text}};
    if (full) {
      j["time"] = day;
      j["channel"] = "call";
      j["customer"] = "c" + n;
      j["extra"] = "e" + n;
    }
    jsonl += j.dump() + "\n";
  }
  for (const std::string* input : {&csv, &jsonl}) {
    voc::ReaderOptions ro;
    ro.format = input == &csv ? voc::InputFormat::kCsv : voc::InputFormat::kJsonl;
    ro.id_column = "id";
    ro.time_column = "time";
    ro.channel_column = "channel";
    ro.customer_column = "customer";
    std::vector<std::string> expected;
    auto reader = voc::RecordReader::FromString(*input, ro);
    REQUIRE(reader.ok());
    voc::Reject j;
    for (;;) {
      voc::Record fresh;
      voc::RecordReader::Next n = (*reader)->Read(&fresh, &j);
      if (n == voc::RecordReader::Next::kEnd) break;
      if (n == voc::RecordReader::Next::kRecord)
        expected.push_back(voc::AnalysisToJson(Shared().Analyze(fresh)));
    }
    REQUIRE(expected.size() == 48);
    CHECK(expected[0].find("\"channel\":\"call\"") != std::string::npos);
    CHECK(expected[1].find("\"channel\":\"call\"") == std::string::npos);
    for (int threads : {1, 2, 3}) {
      for (size_t batch : {size_t{1}, size_t{2}, size_t{5}}) {
        CAPTURE(ro.format);
        CAPTURE(threads);
        CAPTURE(batch);
        reader = voc::RecordReader::FromString(*input, ro);
        REQUIRE(reader.ok());
        voc::PipelineOptions po;
        po.threads = threads;
        po.batch_size = batch;
        std::vector<std::string> got;
        int rejects = 0;
        voc::Status st = voc::RunPipeline(
            **reader, Shared(), po, [&](voc::Analysis&& a) { got.push_back(voc::AnalysisToJson(a)); },
            [&](const voc::Reject& r) {
              CHECK(r.reason.find("not a time") != std::string::npos);
              ++rejects;
            });
        CHECK(st.ok());
        CHECK(rejects == 12);
        CHECK(got == expected);
      }
    }
  }
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

namespace {

// The straightforward rendering AnalysisToJson replaced: a nlohmann DOM.
nlohmann::json ReferenceSpan(const voc::EvidenceSpan& e, const std::string& text, bool echo = true) {
  nlohmann::json j = {{"begin", e.begin}, {"end", e.end}, {"source", e.source}};
  if (echo && e.end <= text.size() && e.begin <= e.end) j["text"] = text.substr(e.begin, e.end - e.begin);
  if (e.weight != 0.0) j["weight"] = e.weight;
  return j;
}

nlohmann::json ReferenceSentiment(const voc::Sentiment& s, const std::string& text) {
  nlohmann::json ev = nlohmann::json::array();
  for (const auto& e : s.evidence) ev.push_back(ReferenceSpan(e, text));
  return {{"label", voc::PolarityName(s.label)},
          {"score", s.score},
          {"confidence", s.confidence},
          {"evidence", std::move(ev)}};
}

std::string ReferenceJson(const voc::Analysis& a) {
  nlohmann::json j;
  j["id"] = a.id;
  j["timestamp"] = a.timestamp ? nlohmann::json(voc::FormatTimestamp(*a.timestamp)) : nlohmann::json();
  j["channel"] = a.channel;
  if (!a.customer_id.empty()) j["customer_id"] = a.customer_id;
  j["text"] = a.text;
  nlohmann::json red = nlohmann::json::object();
  for (const auto& [kind, count] : a.redactions) red[kind] = count;
  j["redactions"] = std::move(red);
  if (a.invalid_utf8) j["invalid_utf8"] = a.invalid_utf8;
  j["sentiment"] = ReferenceSentiment(a.sentiment, a.text);
  nlohmann::json sents = nlohmann::json::array();
  for (const auto& s : a.sentences) {
    nlohmann::json sj = ReferenceSentiment(s.sentiment, a.text);
    sj["begin"] = s.begin;
    sj["end"] = s.end;
    sents.push_back(std::move(sj));
  }
  j["sentences"] = std::move(sents);
  nlohmann::json themes = nlohmann::json::array();
  for (const auto& t : a.themes) {
    nlohmann::json ev = nlohmann::json::array();
    for (const auto& e : t.evidence) ev.push_back(ReferenceSpan(e, a.text));
    themes.push_back({{"id", t.id},
                      {"confidence", t.confidence},
                      {"source", t.source},
                      {"department", t.department},
                      {"role", voc::ValueRoleName(t.role)},
                      {"evidence", std::move(ev)}});
  }
  j["themes"] = std::move(themes);
  j["unclassified"] = a.unclassified();
  nlohmann::json signals = nlohmann::json::array();
  for (const auto& h : a.signals) {
    nlohmann::json sj = ReferenceSpan(h.evidence, a.text, h.evidence.source != "cue:profanity");
    sj["signal"] = voc::SignalName(h.signal);
    signals.push_back(std::move(sj));
  }
  j["signals"] = std::move(signals);
  j["emotion_intensity"] = a.emotion_intensity;
  j["profanity"] = a.profanity;
  j["language"] = a.language;
  j["language_confidence"] = a.language_confidence;
  if (!a.sentiment.scored()) {
    j["sentiment"]["label"] = "unscored";
    j["sentiment"]["score"] = nullptr;
    j["sentiment"]["reason"] = a.sentiment.unscored;
  }
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::vector<voc::Record> SampleRecords() {
  auto reader = voc::RecordReader::Open(VOC_SOURCE_DIR "/examples/data/sample_tweets.txt", {});
  REQUIRE(reader.ok());
  std::vector<voc::Record> out;
  voc::Record r;
  voc::Reject j;
  for (voc::RecordReader::Next n; (n = (*reader)->Read(&r, &j)) != voc::RecordReader::Next::kEnd;)
    if (n == voc::RecordReader::Next::kRecord) out.push_back(r);
  return out;
}

}  // namespace

TEST_CASE("Analyzer::Analyze over many records equals one by one, whatever was in the output") {
  // Short and long texts mixed, so that the passes through the stages hold
  // different numbers of records; the output starts out holding analyses of
  // other records.
  std::vector<voc::Record> records = SampleRecords();
  REQUIRE(records.size() > 40);
  records.resize(40);
  for (size_t i = 0; i < records.size(); i += 3) {
    std::string narrative;
    while (narrative.size() < 3000) narrative += records[i].text + ". I was charged a late fee twice! ";
    records[i].text = narrative;
  }
  std::vector<voc::Analysis> out(records.size());
  for (size_t i = 0; i < out.size(); ++i) {
    out[i] = Shared().Analyze(records[out.size() - 1 - i]);
    out[i].redactions = Shared().AnalyzeText("write to jane.doe@example.com").redactions;
    REQUIRE(!out[i].redactions.empty());
  }
  Shared().Analyze(records.data(), records.size(), out.data());
  for (size_t i = 0; i < records.size(); ++i) {
    CAPTURE(i);
    CHECK(voc::AnalysisToJson(out[i]) == voc::AnalysisToJson(Shared().Analyze(records[i])));
  }
  Shared().Analyze(records.data(), 0, nullptr);  // nothing to do
}

TEST_CASE("AnalysisToJson: the streaming writer equals the nlohmann rendering") {
  std::vector<voc::Record> records = SampleRecords();
  REQUIRE(records.size() > 50);
  int compared = 0;
  for (const auto& r : records) {
    voc::Analysis a = Shared().Analyze(r);
    const std::string fast = voc::AnalysisToJson(a);
    CAPTURE(fast);
    nlohmann::json parsed = nlohmann::json::parse(fast);
    CHECK(parsed == nlohmann::json::parse(ReferenceJson(a)));
    std::string appended = "prefix\n";
    voc::AppendAnalysisJson(a, &appended);
    CHECK(appended == "prefix\n" + fast);
    ++compared;
  }
  CHECK(compared == static_cast<int>(records.size()));
  // Hand-made edge cases: escapes, control characters, invalid UTF-8 in
  // evidence, a repeated redaction kind, a timestamp, non-finite numbers.
  voc::Analysis a;
  a.id = "q\"uote\\back\tslash\x01";
  a.text = std::string("caf\xC3\xA9 \xE2\x82\xAC \xC3(bad) \xF0\x9F\x98\xA1 line\nbreak");
  a.timestamp = 1700000000;
  a.customer_id = "c-1";
  a.redactions = {{"phone", 1}, {"email", 2}, {"phone", 3}};
  a.invalid_utf8 = 2;
  a.sentiment.evidence.push_back({6, 12, "lexicon", -0.25});
  a.sentiment.evidence.push_back({10, 14, "emoji", 0.0});
  a.sentiment.score = std::numeric_limits<double>::quiet_NaN();
  a.sentiment.confidence = 1.0;
  a.emotion_intensity = 1e-7;
  a.sentences.push_back({0, 5, a.sentiment});
  a.themes.push_back({"billing/fee",
                      0.5,
                      "rule:billing/fee#r1",
                      {{0, 4, "rule:x", 1.0}},
                      "finance",
                      voc::ValueRole::kEnhancer});
  a.signals.push_back({voc::Signal::kEffort, {0, 99, "cue:far", 0.0}});
  const std::string fast = voc::AnalysisToJson(a);
  CHECK(nlohmann::json::parse(fast) == nlohmann::json::parse(ReferenceJson(a)));
  CHECK(fast.find("\"id\":\"q\\\"uote\\\\back\\tslash\\u0001\"") != std::string::npos);
  CHECK(fast.find("\"redactions\":{\"email\":2,\"phone\":3}") != std::string::npos);
  CHECK(fast.find("\"score\":null") != std::string::npos);
  CHECK(fast.find("\"confidence\":1.0") != std::string::npos);
  CHECK(fast.find("\"emotion_intensity\":1e-07") != std::string::npos);
}

TEST_CASE(
    "RunPipeline and RunPipelineText: any thread count and batch size gives the one-by-one results in "
    "order") {
  std::vector<voc::Record> records = SampleRecords();
  std::string jsonl;
  std::vector<std::string> expected;
  for (int copy = 0; copy < 5; ++copy) {  // more records than one chunk of RunPipelineText
    for (const auto& r : records) {
      jsonl += nlohmann::json({{"id", r.id}, {"text", r.text}}).dump() + "\n";
      expected.push_back(voc::AnalysisToJson(Shared().Analyze(r)));
    }
  }
  std::string expected_text;
  for (const auto& e : expected) expected_text += e + "\n";
  for (int threads : {1, 2, 3, 8}) {
    for (size_t batch : {size_t{1}, size_t{7}, size_t{512}}) {
      CAPTURE(threads);
      CAPTURE(batch);
      voc::ReaderOptions ro;
      ro.format = voc::InputFormat::kJsonl;
      ro.id_column = "id";
      voc::PipelineOptions po;
      po.threads = threads;
      po.batch_size = batch;
      auto reader = voc::RecordReader::FromString(jsonl, ro);
      REQUIRE(reader.ok());
      std::vector<std::string> got;
      voc::Status st = voc::RunPipeline(
          **reader, Shared(), po, [&](voc::Analysis&& a) { got.push_back(voc::AnalysisToJson(a)); }, {});
      CHECK(st.ok());
      CHECK(got == expected);

      reader = voc::RecordReader::FromString(jsonl, ro);
      REQUIRE(reader.ok());
      std::string text;
      size_t pieces = 0;
      st = voc::RunPipelineText(
          **reader, Shared(), po,
          [](const voc::Analysis& a, std::string* out) { *out += voc::AnalysisToJson(a) + "\n"; },
          [&](std::string_view t) {
            text += t;
            ++pieces;
          },
          {});
      CHECK(st.ok());
      CHECK(text == expected_text);
      CHECK(pieces <= expected.size());
    }
  }
}

namespace {

// A reader of `n` JSONL records "record <i>"; pipeline options for
// `threads` threads and batches of 64.
std::unique_ptr<voc::RecordReader> NumberedRecords(int n) {
  std::string jsonl;
  for (int i = 0; i < n; ++i) jsonl += "{\"text\": \"record " + std::to_string(i) + "\"}\n";
  voc::ReaderOptions ro;
  ro.format = voc::InputFormat::kJsonl;
  auto reader = voc::RecordReader::FromString(jsonl, ro);
  REQUIRE(reader.ok());
  return std::move(*reader);
}

voc::PipelineOptions SmallBatches(int threads) {
  voc::PipelineOptions po;
  po.threads = threads;
  po.batch_size = 64;
  return po;
}

}  // namespace

TEST_CASE("AggregateRecords: an aggregate per thread, merged, equals one thread adding in input order") {
  const char* texts[] = {"the app keeps crashing when I log in",
                         "refund still not received after three weeks",
                         "late fee charged twice on my credit card",
                         "the agent was rude and hung up on me",
                         "great service, thank you so much",
                         "my package arrived damaged and the box was open",
                         "cannot reset my password, locked out of my account",
                         "the flight was delayed four hours and my bag was lost"};
  std::string csv = "id,time,score,text\n";
  for (int i = 0; i < 700; ++i) {
    csv += std::to_string(i) + ",2024-0" + std::to_string(1 + i % 6) + "-1" + std::to_string(i % 9) + "," +
           (i % 5 ? std::to_string(i % 11) : std::string("x")) + ",\"" + texts[i % 8] + " " +
           std::to_string(i % 13) + "\"\n";
    if (i % 97 == 0) csv += "r" + std::to_string(i) + ",2024-01-01,1,\n";  // empty text: a reject
  }
  voc::ReaderOptions ro;
  ro.id_column = "id";
  ro.time_column = "time";
  voc::AggregateOptions ao;
  ao.period = voc::Period::kWeek;
  voc::PipelineOptions po;
  po.batch_size = 64;
  po.keep_columns = {"score"};
  const voc::PrepareAnalysis prepare = [](voc::Analysis& a, voc::RecordFigures* f) {
    a.id.insert(0, "p-");
    for (const auto& [k, v] : a.fields)
      if (k == "score") voc::ParseScoreField(v, f);
  };
  // The reference: input order, one thread, Add by hand.
  voc::Aggregate one(ao);
  {
    auto reader = voc::RecordReader::FromString(csv, ro);
    REQUIRE(reader.ok());
    po.threads = 1;
    REQUIRE(voc::RunPipeline(
                **reader, Shared(), po,
                [&](voc::Analysis&& a) {
                  voc::RecordFigures f;
                  prepare(a, &f);
                  one.Add(a, f);
                },
                nullptr)
                .ok());
  }
  REQUIRE(one.records() == 700);
  const std::string expected = one.Serialize();
  CHECK(expected.find("\"p-699\"") != std::string::npos);  // the prepared ids are in
  for (int threads : {1, 2, 4}) {
    CAPTURE(threads);
    auto reader = voc::RecordReader::FromString(csv, ro);
    REQUIRE(reader.ok());
    po.threads = threads;
    voc::Aggregate got(ao);
    size_t rejects = 0;
    REQUIRE(voc::AggregateRecords(
                **reader, Shared(), po, prepare, [&](const voc::Reject&) { ++rejects; }, &got)
                .ok());
    CHECK(rejects == 8);
    CHECK(got.Serialize() == expected);
    // The same analyses added in parts on threads.
    auto again = voc::RecordReader::FromString(csv, ro);
    REQUIRE(again.ok());
    std::vector<voc::Analysis> all;
    REQUIRE(voc::RunPipeline(
                **again, Shared(), po, [&](voc::Analysis&& a) { all.push_back(std::move(a)); }, nullptr)
                .ok());
    voc::Aggregate parts(ao);
    REQUIRE(voc::AggregateAnalyses(all, threads, prepare, &parts).ok());
    CHECK(parts.Serialize() == expected);
  }
}

TEST_CASE("RunPipelineUnordered: every record once, on worker numbers below the thread count") {
  std::string text;
  for (int i = 0; i < 500; ++i) text += "complaint number " + std::to_string(i) + " about a late refund\n";
  for (int threads : {1, 3}) {
    auto reader = voc::RecordReader::FromString(text, {});
    REQUIRE(reader.ok());
    voc::PipelineOptions po;
    po.threads = threads;
    po.batch_size = 50;
    REQUIRE(voc::PipelineThreads(po) == threads);
    std::mutex mu;
    std::vector<std::string> ids;
    std::set<int> workers;
    REQUIRE(voc::RunPipelineUnordered(
                **reader, Shared(), po,
                [&](voc::Analysis&& a, int worker) {
                  std::lock_guard<std::mutex> l(mu);
                  ids.push_back(a.id);
                  workers.insert(worker);
                },
                nullptr)
                .ok());
    CHECK(ids.size() == 500);
    CHECK(std::set<std::string>(ids.begin(), ids.end()).size() == 500);
    CHECK(*workers.begin() >= 0);
    CHECK(*workers.rbegin() < threads);
  }
}

TEST_CASE("RunPipelineText: an exception thrown while formatting on a helper thread reaches the caller") {
  for (int threads : {1, 2, 4}) {
    auto reader = NumberedRecords(200);
    const voc::PipelineOptions po = SmallBatches(threads);
    auto format = [](const voc::Analysis& a, std::string* out) {
      if (a.text.find("record 150") != std::string::npos) throw std::runtime_error("format failed on 150");
      *out += a.text;
    };
    CAPTURE(threads);
    CHECK_THROWS_WITH((void)voc::RunPipelineText(*reader, Shared(), po, format, [](std::string_view) {}, {}),
                      "format failed on 150");
  }
}

TEST_CASE("RunPipelineText: a writer that throws while the helpers work stops the run cleanly") {
  // The third chunk written fails (a full disk): the batch in flight on the
  // helpers must be finished before the exception leaves (the sanitizer
  // runs would see its records used after they were freed).
  for (int threads : {1, 2, 4}) {
    auto reader = NumberedRecords(400);
    const voc::PipelineOptions po = SmallBatches(threads);
    int written = 0;
    auto on_text = [&written](std::string_view) {
      if (++written == 3) throw std::runtime_error("write error on output: No space left on device");
    };
    auto format = [](const voc::Analysis& a, std::string* out) { *out += a.text; };
    CAPTURE(threads);
    CHECK_THROWS_WITH((void)voc::RunPipelineText(*reader, Shared(), po, format, on_text, {}),
                      "write error on output: No space left on device");
    CHECK(written == 3);
  }
}

namespace {

std::vector<std::string> SampleTexts() {
  std::vector<std::string> texts;
  for (const char* path : {VOC_SOURCE_DIR "/examples/data/sample_tweets.txt",
                           VOC_SOURCE_DIR "/examples/data/cfpb_complaints.csv.gz"}) {
    auto reader = voc::RecordReader::Open(path, {});
    REQUIRE(reader.ok());
    voc::Record r;
    voc::Reject j;
    for (voc::RecordReader::Next n; (n = (*reader)->Read(&r, &j)) != voc::RecordReader::Next::kEnd;)
      if (n == voc::RecordReader::Next::kRecord) texts.push_back(r.text);
  }
  return texts;
}

std::string SpansJson(const std::vector<voc::ThemeHit>& themes, const voc::SignalResult& signals) {
  nlohmann::json j = nlohmann::json::array();
  for (const auto& t : themes) {
    nlohmann::json ev = nlohmann::json::array();
    for (const auto& e : t.evidence) ev.push_back({e.begin, e.end, e.source, e.weight});
    j.push_back({t.id, t.confidence, t.source, ev});
  }
  for (const auto& h : signals.hits)
    j.push_back({static_cast<int>(h.signal), h.evidence.begin, h.evidence.end, h.evidence.source});
  j.push_back({signals.emotion_intensity, signals.profanity});
  return j.dump();
}

}  // namespace

// The Analyzer's themes and signals share one pattern group (one prefilter
// pass per text); they must find what the classifiers created on their own
// find.
TEST_CASE("Analyzer: themes and signals from the shared pattern group equal the standalone classifiers") {
  auto tax = voc::Taxonomy::LoadFile(VOC_SOURCE_DIR "/models/taxonomy.json");
  REQUIRE(tax.ok());
  // The shared analyzer's industry packs: `auto` without a sample, none.
  REQUIRE(Shared().industries().mode == "auto");
  REQUIRE(Shared().industries().Enabled().empty());
  voc::ThemeOptions core;
  core.all_packs = false;
  auto themes = voc::ThemeClassifier::Create(std::shared_ptr<const voc::Taxonomy>(std::move(*tax)), core);
  REQUIRE(themes.ok());
  auto signals = voc::SignalDetector::Create();
  REQUIRE(signals.ok());
  std::vector<std::string> texts = SampleTexts();
  REQUIRE(texts.size() > 100);
  const size_t n = texts.size();
  for (size_t i = 0; i < n; ++i) {  // and upper-cased, where case-insensitive patterns differ
    std::string upper = texts[i];
    for (char& c : upper)
      if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    texts.push_back(upper);
  }
  size_t with_themes = 0, with_signals = 0;
  for (const std::string& text : texts) {
    voc::Analysis a = Shared().AnalyzeText(text);
    // The pipeline classifies the redacted, normalised text.
    const std::vector<voc::ThemeHit> want_themes = (*themes)->Classify(a.text);
    const voc::SignalResult want_signals = (*signals)->Detect(a.text);
    voc::SignalResult got_signals;
    got_signals.hits = a.signals;
    got_signals.emotion_intensity = a.emotion_intensity;
    got_signals.profanity = a.profanity;
    CAPTURE(a.text);
    CHECK(SpansJson(a.themes, got_signals) == SpansJson(want_themes, want_signals));
    with_themes += !want_themes.empty();
    with_signals += !want_signals.hits.empty();
  }
  // The comparison covers texts where both find something.
  CHECK(with_themes > 100);
  CHECK(with_signals > 50);
}

// The Analyzer loads its taxonomy without parsing each pattern first (the
// compile does that); a bad pattern must still be reported as
// Taxonomy::LoadFile reports it, saying where.
TEST_CASE("Analyzer::Create: a taxonomy pattern that does not compile is reported as the loader reports it") {
  const std::string dir = std::filesystem::temp_directory_path() / "voc_analyzer_bad_taxonomy";
  std::filesystem::create_directories(dir);
  auto write = [&](const std::string& name, const std::string& rule) {
    const std::string path = dir + "/" + name;
    std::ofstream(path) << R"({"themes": [{"id": "billing/fees", "department": "finance", "rules": [)" << rule
                        << "]}]}";
    return path;
  };
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"include.json", R"({"include": ["fee(s"]})"},
      {"exclude.json", R"({"include": ["fee"], "exclude": ["a**"]})"},
      {"empty.json", R"({"include": [""]})"},
  };
  for (const auto& c : cases) {  // no structured binding: CAPTURE is a lambda (clang 14)
    const std::string& name = c.first;
    const std::string path = write(name, c.second);
    auto loaded = voc::Taxonomy::LoadFile(path);
    REQUIRE_FALSE(loaded.ok());
    voc::AnalyzerOptions o;
    o.models_dir = VOC_SOURCE_DIR "/models";
    o.sentiment_model = "none";
    o.themes = path;
    auto r = voc::Analyzer::Create(o);
    CAPTURE(name);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == loaded.status().code());
    CHECK(r.status().message() == loaded.status().message());
    CHECK(r.status().message().find("billing/fees") != std::string::npos);
  }
  // A good taxonomy from the same writer loads.
  voc::AnalyzerOptions o;
  o.models_dir = VOC_SOURCE_DIR "/models";
  o.sentiment_model = "none";
  o.themes = write("good.json", R"({"include": ["\\bfees?\\b"]})");
  auto r = voc::Analyzer::Create(o);
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  CHECK(HasTheme((*r)->AnalyzeText("They charged a fee twice."), "billing/fees"));
  std::filesystem::remove_all(dir);
}

// The other languages' lexicons load after the themes and signals compile;
// a bad lexicon is still reported before a later stage's error (themes), and
// alone when nothing else is wrong.
TEST_CASE("Analyzer::Create: a bad language lexicon is reported in stage order") {
  const std::string dir = std::filesystem::temp_directory_path() / "voc_analyzer_bad_lexicon";
  std::filesystem::create_directories(dir + "/sentiment");
  std::ofstream(dir + "/sentiment/de.tsv") << "@neutral high\n";
  const std::string tax = dir + "/empty.json";
  std::ofstream(tax) << R"({"themes": []})";
  voc::AnalyzerOptions o;
  o.models_dir = dir;
  o.language = "en";
  o.themes = tax;
  auto r = voc::Analyzer::Create(o);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message().find("line 1: @neutral takes one number in [0, 1)") != std::string::npos);
  o.themes = dir + "/missing.json";
  r = voc::Analyzer::Create(o);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message().find("@neutral") != std::string::npos);
  std::ofstream(dir + "/sentiment/de.tsv") << "gut\t2\n";
  r = voc::Analyzer::Create(o);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message() == "themes file not found: " + dir + "/missing.json");
  o.themes = tax;
  r = voc::Analyzer::Create(o);
  CHECK(r.ok());
  std::filesystem::remove_all(dir);
}

// detect_signals = false leaves the signals out and changes nothing else:
// with the default taxonomy (rules scanned) and with an empty one (nothing
// scanned at all).
TEST_CASE("Analyzer: detect_signals off leaves signals empty, the rest unchanged") {
  const std::string dir = std::filesystem::temp_directory_path() / "voc_analyzer_no_signals";
  std::filesystem::create_directories(dir);
  const std::string empty = dir + "/empty.json";
  std::ofstream(empty) << R"({"themes": []})";
  std::vector<std::string> texts = SampleTexts();
  REQUIRE(texts.size() > 100);
  for (const std::string& themes : {std::string(), empty}) {
    voc::AnalyzerOptions o;
    o.models_dir = VOC_SOURCE_DIR "/models";
    o.themes = themes;
    auto with = voc::Analyzer::Create(o);
    REQUIRE_MESSAGE(with.ok(), with.status().ToString());
    o.detect_signals = false;
    auto without = voc::Analyzer::Create(o);
    REQUIRE_MESSAGE(without.ok(), without.status().ToString());
    std::vector<voc::Record> records;
    for (size_t i = 0; i < texts.size(); ++i) {
      voc::Record r;
      r.id = "r" + std::to_string(i);
      r.text = texts[i];
      records.push_back(std::move(r));
    }
    const std::vector<voc::Analysis> a = (*with)->AnalyzeBatch(records, 1);
    const std::vector<voc::Analysis> b = (*without)->AnalyzeBatch(records, 1);
    size_t had_signals = 0, had_themes = 0;
    for (size_t i = 0; i < a.size(); ++i) {
      CAPTURE(a[i].text);
      CHECK(b[i].signals.empty());
      CHECK(b[i].emotion_intensity == 0.0);
      CHECK(b[i].profanity == 0);
      had_signals += !a[i].signals.empty();
      had_themes += !a[i].themes.empty();
      voc::Analysis x = a[i];
      x.signals.clear();
      x.emotion_intensity = 0.0;
      x.profanity = 0;
      CHECK(voc::AnalysisToJson(x) == voc::AnalysisToJson(b[i]));
    }
    CHECK(had_signals > 50);  // the texts have signals to leave out
    if (themes.empty())
      CHECK(had_themes > 100);  // the shipped taxonomy's rules still run
    else
      CHECK(had_themes == 0);
  }
  std::filesystem::remove_all(dir);
}

// Without signals the built-in cues are not compiled, but the options and
// the extra cues are checked as they are with signals: the same errors.
TEST_CASE("Analyzer: detect_signals off still rejects bad signal options with the same message") {
  const std::string dir = std::filesystem::temp_directory_path() / "voc_analyzer_no_signals_errors";
  std::filesystem::create_directories(dir);
  const std::string empty = dir + "/empty.json";
  std::ofstream(empty) << R"({"themes": []})";
  for (const std::string& themes : {std::string(), empty}) {
    voc::AnalyzerOptions o;
    o.models_dir = VOC_SOURCE_DIR "/models";
    o.themes = themes;
    o.signal_options.extra_cues.push_back({voc::Signal::kEffort, "broken", "(unclosed", true});
    auto on = voc::Analyzer::Create(o);
    REQUIRE_FALSE(on.ok());
    CHECK(on.status().message().find("signal cue 'broken': pattern \"(unclosed\" is not valid RE2") == 0);
    o.detect_signals = false;
    auto off = voc::Analyzer::Create(o);
    REQUIRE_FALSE(off.ok());
    CHECK(off.status().ToString() == on.status().ToString());
    o.signal_options.extra_cues = {{voc::Signal::kEffort, "", "x", true}};
    auto unnamed = voc::Analyzer::Create(o);
    REQUIRE_FALSE(unnamed.ok());
    CHECK(unnamed.status().message() == "signal cue with an empty name");
    o.signal_options.extra_cues = {{static_cast<voc::Signal>(99), "odd", "x", true}};
    auto unknown = voc::Analyzer::Create(o);
    REQUIRE_FALSE(unknown.ok());
    CHECK(unknown.status().message() == "signal cue 'odd' has an unknown signal");
    o.signal_options.extra_cues.clear();
    o.signal_options.max_hits_per_signal = 0;
    auto bad = voc::Analyzer::Create(o);
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.status().message() == "max_hits_per_signal must be >= 1");
    o.signal_options.max_hits_per_signal = 3;
    o.signal_options.extra_cues.push_back({voc::Signal::kEffort, "fine", "hoops to jump", true});
    auto good = voc::Analyzer::Create(o);
    REQUIRE_MESSAGE(good.ok(), good.status().ToString());
    CHECK((*good)->AnalyzeText("I had to jump through hoops to jump.").signals.empty());
  }
  std::filesystem::remove_all(dir);
}

TEST_CASE("Analyzer: an id that is the record's own number is kept, any other id is searched for PII") {
  voc::Record r;
  r.text = "My order never arrived.";
  r.index = 41;
  r.line = 57;
  // The reader's numbering, by record (index + 1) or by line.
  for (const char* id : {"42", "57"}) {
    r.id = id;
    CHECK(Shared().Analyze(r).id == id);
  }
  // Personal data in an id is masked, whatever the record's number.
  r.id = "jane.doe@example.com";
  CHECK(Shared().Analyze(r).id == "[EMAIL]");
  r.index = 2125550122;  // the record whose number is a phone number's digits
  r.id = "(212) 555-0123";
  CHECK(Shared().Analyze(r).id == "[PHONE]");
  // Numbers that are not the record's: searched as before.
  r.index = 0;
  r.line = 1;
  r.id = "042";
  CHECK(Shared().Analyze(r).id == "042");
  r.id = "2125550123";
  CHECK(Shared().Analyze(r).id == Shared().Redact("2125550123"));
}
