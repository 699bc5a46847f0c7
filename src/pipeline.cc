// RunPipeline: streams records through an Analyzer on a fixed set of threads.
//
// With N threads the calling thread and N - 1 helpers share the work. The
// calling thread reads batch k + 1 and hands on the results of batch k - 1
// (in input order) while the helpers analyse batch k, then joins them on
// what is left of batch k. At most three batches are alive at a time, so
// memory is bounded by the batch size. With one thread everything runs on
// the calling thread.
//
// RunPipelineText also formats each analysis on the thread that made it,
// into one string per chunk of consecutive records that is reused from batch
// to batch: the analyses are freed where they were allocated and the calling
// thread only writes. (Handing analyses to the calling thread to format and
// free made it the bottleneck: glibc serialises frees of another thread's
// memory on that thread's arena lock.)
#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <exception>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "threads.h"
#include "voc/analyzer.h"
#include "voc/reader.h"

namespace voc {
namespace {

// One batch of records and the outputs of its chunks of `chunk` records.
template <typename Out>
struct Batch {
  std::vector<Record> records;
  std::vector<Out> outputs;     // one per chunk; kept (with capacity) across batches
  size_t chunks = 0;
  std::atomic<size_t> next{0};  // next chunk to claim
  size_t done = 0;              // chunks finished (under Pool::mu)
  int active = 0;               // helpers inside this batch (under Pool::mu)
};

// `work(records, n, out)` turns n consecutive records into `*out`.
template <typename Out>
class Pool {
 public:
  using Work = std::function<void(const Record*, size_t, Out*)>;

  Pool(Work work, size_t chunk, int helpers) : work_(std::move(work)), chunk_(chunk) {
    for (int i = 0; i < helpers; ++i) threads_.emplace_back([this] { HelperLoop(); });
  }
  ~Pool() {
    {
      std::lock_guard<std::mutex> l(mu_);
      stop_ = true;
    }
    work_cv_.notify_all();
    for (auto& t : threads_) t.join();
  }

  // Makes `b` (records filled) available to the helpers.
  void Publish(Batch<Out>* b) {
    b->chunks = (b->records.size() + chunk_ - 1) / chunk_;
    if (b->outputs.size() < b->chunks) b->outputs.resize(b->chunks);
    b->next.store(0);
    std::lock_guard<std::mutex> l(mu_);
    b->done = 0;
    b->active = 0;
    current_ = b;
    ++generation_;
    work_cv_.notify_all();
  }

  // Works on what is left of `b` on this thread, waits for the helpers to
  // finish it and withdraws it. Rethrows a helper's exception.
  void Finish(Batch<Out>* b) {
    size_t n = Drain(b);
    std::unique_lock<std::mutex> l(mu_);
    b->done += n;
    done_cv_.wait(l, [&] { return (b->done == b->chunks && b->active == 0) || error_; });
    current_ = nullptr;
    if (error_) std::rethrow_exception(std::exchange(error_, nullptr));
  }

  // Works through `b` on this thread alone.
  void RunHere(Batch<Out>* b) {
    b->chunks = (b->records.size() + chunk_ - 1) / chunk_;
    if (b->outputs.size() < b->chunks) b->outputs.resize(b->chunks);
    b->next.store(0);
    Drain(b);
  }

 private:
  size_t Drain(Batch<Out>* b) {
    size_t n = 0;
    for (size_t c; (c = b->next.fetch_add(1)) < b->chunks; ++n) {
      const size_t first = c * chunk_;
      work_(b->records.data() + first, std::min(chunk_, b->records.size() - first), &b->outputs[c]);
    }
    return n;
  }

  void HelperLoop() {
    uint64_t seen = 0;
    std::unique_lock<std::mutex> l(mu_);
    for (;;) {
      work_cv_.wait(l, [&] { return stop_ || (generation_ != seen && current_ != nullptr); });
      if (stop_) return;
      seen = generation_;
      Batch<Out>* b = current_;
      ++b->active;
      l.unlock();
      size_t n = 0;
      std::exception_ptr e;
      try {
        n = Drain(b);
      } catch (...) {
        e = std::current_exception();
      }
      l.lock();
      b->done += n;
      --b->active;
      if (e && !error_) error_ = e;
      if ((b->done == b->chunks && b->active == 0) || e) done_cv_.notify_all();
    }
  }

  Work work_;
  const size_t chunk_;
  std::vector<std::thread> threads_;
  std::mutex mu_;
  std::condition_variable work_cv_, done_cv_;
  Batch<Out>* current_ = nullptr;
  uint64_t generation_ = 0;
  bool stop_ = false;
  std::exception_ptr error_;
};

// Reads batches of records, has `pool` work through them and hands the
// chunk outputs of each finished batch to `emit` in input order.
template <typename Out>
Status Stream(RecordReader& reader, const PipelineOptions& options, typename Pool<Out>::Work work,
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

  const int threads = internal::ResolveThreads(options.threads);
  Pool<Out> pool(std::move(work), chunk, threads - 1);
  Batch<Out> batches[2];
  Batch<Out>* current = &batches[0];
  Batch<Out>* next = &batches[1];
  if (threads <= 1) {
    while (read_batch(&current->records)) {
      pool.RunHere(current);
      emit_batch(current);
    }
    return reader.status();
  }
  if (read_batch(&current->records)) {
    pool.Publish(current);
    for (;;) {
      const bool more = read_batch(&next->records);  // overlaps the helpers' work
      emit_batch(next);                              // the batch before `current`
      pool.Finish(current);
      if (!more) break;
      std::swap(current, next);
      pool.Publish(current);
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
  auto work = [&](const Record* r, size_t n, std::string* out) {
    out->clear();
    for (size_t i = 0; i < n; ++i) format(analyzer.Analyze(r[i]), out);
  };
  auto emit = [&](std::string& text) { on_text(text); };
  return Stream<std::string>(reader, options, work, 16, emit, on_reject);
}

}  // namespace voc
