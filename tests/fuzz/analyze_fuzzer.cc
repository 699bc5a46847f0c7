// Fuzzes the whole per-record path: bytes in as a CSV file, every record
// through the Analyzer (normalise, redact, sentiment, themes, signals), the
// JSON writer and a findings aggregate. Checks that counts reconcile and
// every evidence span lies inside the redacted text.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "voc/aggregate.h"
#include "voc/analyzer.h"
#include "voc/pipeline.h"
#include "voc/findings.h"
#include "voc/reader.h"

namespace {

const voc::Analyzer& Shared() {
  static std::unique_ptr<voc::Analyzer> analyzer = [] {
    auto r = voc::Analyzer::Create();
    if (!r.ok()) {
      std::fprintf(stderr, "analyze_fuzzer: %s\n", r.status().ToString().c_str());
      std::abort();
    }
    return std::move(*r);
  }();
  return *analyzer;
}

void Check(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > (1 << 16)) return 0;
  std::string bytes(reinterpret_cast<const char*>(data), size);
  // The first byte picks the format: CSV with a header, JSON Lines or text.
  voc::ReaderOptions ro;
  std::string input;
  switch (size ? data[0] % 3 : 0) {
    case 0:
      ro.format = voc::InputFormat::kCsv;
      ro.time_column = "date";
      input = "date,text\n" + bytes.substr(size ? 1 : 0);
      break;
    case 1:
      ro.format = voc::InputFormat::kJsonl;
      input = bytes.substr(1);
      break;
    default:
      ro.format = voc::InputFormat::kText;
      input = bytes.substr(1);
  }
  ro.max_record_bytes = 1 << 14;
  auto reader = voc::RecordReader::FromString(input, ro);
  if (!reader.ok()) return 0;
  voc::Aggregate aggregate;
  uint64_t emitted = 0, rejected = 0;
  voc::PipelineOptions po;
  po.threads = 1;
  po.batch_size = 7;
  voc::Status st = voc::RunPipeline(
      **reader, Shared(), po,
      [&](voc::Analysis&& a) {
        ++emitted;
        for (const auto& t : a.themes)
          for (const auto& e : t.evidence) Check(e.begin <= e.end && e.end <= a.text.size());
        for (const auto& s : a.signals) Check(s.evidence.end <= a.text.size());
        for (const auto& e : a.sentiment.evidence) Check(e.end <= a.text.size());
        Check(a.sentiment.score >= -1.0 && a.sentiment.score <= 1.0);
        Check(!voc::AnalysisToJson(a).empty());
        aggregate.Add(a);
      },
      [&](const voc::Reject&) { ++rejected; });
  (void)st;
  const auto& stats = (*reader)->stats();
  Check(stats.read == stats.emitted + stats.rejected);
  Check(stats.emitted == emitted && stats.rejected == rejected);
  voc::Findings f = voc::DetectFindings(aggregate);
  Check(f.records == emitted);
  return 0;
}
