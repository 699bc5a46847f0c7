// The streaming engine: every record of a reader through an Analyzer, on
// several threads, in input order, in bounded memory. ParallelFor, the one
// thread team of the library (voc/parallel.h), runs it.
//
//   voc::PipelineOptions po;
//   voc::Status s = voc::RunPipeline(*reader, *analyzer, po,
//       [&](voc::Analysis&& a) { aggregate.Add(a); },
//       [&](const voc::Reject& r) { rejects.Write(r); });
#ifndef VOC_PIPELINE_H_
#define VOC_PIPELINE_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "voc/analysis.h"
#include "voc/analyzer.h"
#include "voc/parallel.h"
#include "voc/reader.h"
#include "voc/status.h"

namespace voc {

struct PipelineOptions {
  // Threads in all, the calling thread included: it reads records and hands
  // on results between its share of the analysis. 1: everything on the
  // calling thread. 0 (default): one per core.
  int threads = 0;
  size_t batch_size = 512;  // records analysed per batch (bounds memory)
  // Called after every batch with the records read so far; may be empty.
  std::function<void(uint64_t records_read)> progress;
  // Input columns copied from each record's metadata into
  // Analysis::fields (RunPipeline only). Default: none.
  std::vector<std::string> keep_columns;
};

// Copies the metadata of `records[i]` named in `columns` into
// `out[i].fields` (name, raw value; the first value of a name), for i < n:
// what PipelineOptions::keep_columns does to every record it analyses.
void KeepColumns(const Record* records, size_t n, const std::vector<std::string>& columns, Analysis* out);

// Streams every record of `reader` through `analyzer`: each analysis goes
// to `on_analysis` in input order, each reject to `on_reject`. Memory is
// bounded by the batch size (two batches are alive at a time), not the input
// size. Callbacks run on the calling thread. Returns the reader's status at
// the end (non-OK if the stream failed part-way).
Status RunPipeline(RecordReader& reader, const Analyzer& analyzer, const PipelineOptions& options,
                   const std::function<void(Analysis&&)>& on_analysis,
                   const std::function<void(const Reject&)>& on_reject);

// Like RunPipeline, for output as text: `format` runs on the analysing
// threads (it must be safe to call concurrently) and appends its rendering of
// an analysis to the string it is given; `on_text` receives those strings in
// input order on the calling thread, each holding the renderings of one or
// more consecutive records. This is the fast way to write every analysis
// out: `voc analyze` uses it with AnalysisToJson.
Status RunPipelineText(RecordReader& reader, const Analyzer& analyzer, const PipelineOptions& options,
                       const std::function<void(const Analysis&, std::string*)>& format,
                       const std::function<void(std::string_view)>& on_text,
                       const std::function<void(const Reject&)>& on_reject);

// Like RunPipeline, for consumers that do not need input order (sums and
// counts, such as an Aggregate per thread merged at the end): `on_analysis`
// runs on the thread that analysed the record, as soon as its chunk is done,
// concurrently on different threads. `worker` names the calling thread:
// 0 <= worker < the number of threads the options resolve to (0: all
// cores), so that each thread can keep state of its own. Rejects still go to
// `on_reject` on the calling thread.
Status RunPipelineUnordered(RecordReader& reader, const Analyzer& analyzer, const PipelineOptions& options,
                            const std::function<void(Analysis&&, int worker)>& on_analysis,
                            const std::function<void(const Reject&)>& on_reject);

// The number of threads PipelineOptions::threads resolves to (0: all cores;
// capped at a sane multiple of them).
int PipelineThreads(const PipelineOptions& options);

}  // namespace voc

#endif  // VOC_PIPELINE_H_
