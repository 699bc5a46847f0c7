// RunPipeline: streams records through an Analyzer on a fixed set of threads.
//
// With N threads the calling thread and N - 1 helpers share the work. The
// calling thread reads batch k + 1 and hands on the results of batch k - 1
// (in input order) while the helpers analyse batch k, then joins them on
// what is left of batch k (voc::ParallelFor). Two batches are alive at a
// time, so memory is bounded by the batch size. With one thread everything
// runs on the calling thread.
//
// RunPipelineText also formats each analysis on the thread that made it,
// into one string per chunk of consecutive records that is reused from batch
// to batch: the analyses are freed where they were allocated and the calling
// thread only writes. (Handing analyses to the calling thread to format and
// free made it the bottleneck: glibc serialises frees of another thread's
// memory on that thread's arena lock.)
#include <algorithm>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "voc/analyzer.h"
#include "voc/parallel.h"
#include "voc/reader.h"

namespace voc {
namespace {

// One batch of records and the outputs of its chunks of consecutive records.
template <typename Out>
struct Batch {
  std::vector<Record> records;
  std::vector<Out> outputs;  // one per chunk; kept (with capacity) across batches
  size_t chunks = 0;         // chunks of the batch's records not yet handed on
};

// `work(records, n, out)` turns n consecutive records into `*out`.
template <typename Out>
using Work = std::function<void(const Record*, size_t, Out*)>;

// Reads batches of records, has the team run `work` on chunks of `chunk`
// records and hands the outputs of each finished batch to `emit` in input
// order.
template <typename Out>
Status Stream(RecordReader& reader, const PipelineOptions& options, const Work<Out>& work,
              size_t chunk, const std::function<void(Out&)>& emit,
              const std::function<void(const Reject&)>& on_reject) {
  const size_t batch_size = std::max<size_t>(1, options.batch_size);
  bool exhausted = false;
  // Reads the next batch into `records`; false once the input is exhausted
  // and nothing was read.
  auto read_batch = [&](std::vector<Record>* records) {
    records->clear();
    Record record;
    Reject reject;
    while (!exhausted && records->size() < batch_size) {
      RecordReader::Next next = reader.Read(&record, &reject);
      if (next == RecordReader::Next::kEnd) {
        exhausted = true;
      } else if (next == RecordReader::Next::kReject) {
        if (on_reject) on_reject(reject);
      } else {
        records->push_back(std::move(record));
        record = Record();
      }
    }
    if (options.progress) options.progress(reader.stats().read);
    return !records->empty();
  };
  auto emit_batch = [&](Batch<Out>* b) {
    for (size_t c = 0; c < b->chunks; ++c) emit(b->outputs[c]);
    b->chunks = 0;
  };
  Batch<Out> batches[2];
  // After the batches: if a callback throws while the helpers work on one
  // (a full disk), the team is destroyed first and waits for them.
  ParallelFor team(options.threads);
  auto start = [&](Batch<Out>* b) {
    b->chunks = (b->records.size() + chunk - 1) / chunk;
    if (b->outputs.size() < b->chunks) b->outputs.resize(b->chunks);
    team.Start(b->chunks, [b, chunk, &work](size_t c) {
      const size_t first = c * chunk;
      work(b->records.data() + first, std::min(chunk, b->records.size() - first), &b->outputs[c]);
    });
  };
  Batch<Out>* current = &batches[0];
  Batch<Out>* next = &batches[1];
  if (team.threads() == 1) {
    while (read_batch(&current->records)) {
      start(current);
      team.Finish();
      emit_batch(current);
    }
    return reader.status();
  }
  if (read_batch(&current->records)) {
    start(current);
    for (;;) {
      const bool more = read_batch(&next->records);  // overlaps the helpers' work
      emit_batch(next);                              // the batch before `current`
      team.Finish();
      if (!more) break;
      std::swap(current, next);
      start(current);
    }
    emit_batch(current);
  }
  return reader.status();
}

}  // namespace

Status RunPipeline(RecordReader& reader, const Analyzer& analyzer, const PipelineOptions& options,
                   const std::function<void(Analysis&&)>& on_analysis,
                   const std::function<void(const Reject&)>& on_reject) {
  auto work = [&](const Record* r, size_t n, Analysis* out) {
    (void)n;  // chunks of one record
    *out = analyzer.Analyze(*r);
  };
  auto emit = [&](Analysis& a) { on_analysis(std::move(a)); };
  return Stream<Analysis>(reader, options, work, 1, emit, on_reject);
}

Status RunPipelineText(RecordReader& reader, const Analyzer& analyzer,
                       const PipelineOptions& options,
                       const std::function<void(const Analysis&, std::string*)>& format,
                       const std::function<void(std::string_view)>& on_text,
                       const std::function<void(const Reject&)>& on_reject) {
  // Chunks of 16 records: few enough strings to hand over, small enough to
  // share a batch between threads evenly.
  // Each chunk is formatted into a per-thread string and then swapped into
  // the batch: the batch's strings sit side by side, two to a cache line,
  // and appending to them directly had two threads invalidate each other's
  // line at every append (2-3% of a two-thread run).
  auto work = [&](const Record* r, size_t n, std::string* out) {
    thread_local std::string text;
    text.clear();
    for (size_t i = 0; i < n; ++i) format(analyzer.Analyze(r[i]), &text);
    out->swap(text);
  };
  auto emit = [&](std::string& text) { on_text(text); };
  return Stream<std::string>(reader, options, work, 16, emit, on_reject);
}

}  // namespace voc
