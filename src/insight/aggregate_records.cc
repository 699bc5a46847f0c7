// AggregateRecords and AggregateAnalyses (voc/aggregate.h): an Aggregate per
// thread, merged at the end. Adding is a large part of `voc findings` on
// long texts (the phrase statistics and the discovery sample's terms of each
// record), and on the thread that reads and hands out the records it was the
// bottleneck of two threads.
#include <algorithm>
#include <memory>
#include <vector>

#include "voc/parallel.h"
#include "util/threads.h"
#include "voc/aggregate.h"
#include "voc/analyzer.h"
#include "voc/pipeline.h"
#include "voc/reader.h"

namespace voc {
namespace {

// Merges `parts` into `*out`, in order.
Status MergeParts(std::vector<std::unique_ptr<Aggregate>>& parts, Aggregate* out) {
  for (auto& p : parts)
    if (p != nullptr) VOC_RETURN_IF_ERROR(out->Merge(*p));
  return Status::Ok();
}

void AddOne(Analysis& a, const PrepareAnalysis& prepare, Aggregate* to) {
  RecordFigures figures;
  if (prepare) prepare(a, &figures);
  to->Add(a, figures);
}

}  // namespace

Status AggregateRecords(RecordReader& reader, const Analyzer& analyzer, const PipelineOptions& options,
                        const PrepareAnalysis& prepare, const std::function<void(const Reject&)>& on_reject,
                        Aggregate* out) {
  std::vector<std::unique_ptr<Aggregate>> parts(static_cast<size_t>(PipelineThreads(options)));
  Status st = RunPipelineUnordered(
      reader, analyzer, options,
      [&](Analysis&& a, int worker) {
        auto& part = parts[static_cast<size_t>(worker)];
        if (part == nullptr) part = std::make_unique<Aggregate>(out->options());
        AddOne(a, prepare, part.get());
      },
      on_reject);
  VOC_RETURN_IF_ERROR(MergeParts(parts, out));
  return st;
}

Status AggregateAnalyses(std::vector<Analysis>& analyses, int threads, const PrepareAnalysis& prepare,
                         Aggregate* out) {
  const size_t n = analyses.size();
  const size_t k = std::max<size_t>(
      1, std::min<size_t>(static_cast<size_t>(internal::ResolveThreads(threads)), (n + 255) / 256));
  if (k == 1) {
    for (Analysis& a : analyses) AddOne(a, prepare, out);
    return Status::Ok();
  }
  std::vector<std::unique_ptr<Aggregate>> parts(k);
  ParallelFor team(static_cast<int>(k));
  team.Run(k, [&](size_t p) {
    parts[p] = std::make_unique<Aggregate>(out->options());
    for (size_t i = p * n / k; i < (p + 1) * n / k; ++i) AddOne(analyses[i], prepare, parts[p].get());
  });
  return MergeParts(parts, out);
}

}  // namespace voc
