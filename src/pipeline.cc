// RunPipeline: streams records through an Analyzer on a fixed set of threads.
//
// With N threads the calling thread and N - 1 helpers share the work. The
// calling thread reads batch k + 1 and hands on the results of batch k - 1
// (in input order) while the helpers analyse batch k, then joins them on
// what is left of batch k. At most three batches are alive at a time, so
// memory is bounded by the batch size. With one thread everything runs on
// the calling thread.
#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "threads.h"
#include "voc/analyzer.h"
#include "voc/reader.h"

namespace voc {
namespace {

struct Batch {
  std::vector<Record> records;
  std::vector<Analysis> results;
  std::atomic<size_t> next{0};  // next record to claim
  size_t done = 0;              // records analysed (under Pool::mu)
  int active = 0;               // helpers inside this batch (under Pool::mu)
};

class Pool {
 public:
  Pool(const Analyzer& analyzer, int helpers) : analyzer_(analyzer) {
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
  void Publish(Batch* b) {
    b->results.clear();
    b->results.resize(b->records.size());
    b->next.store(0);
    std::lock_guard<std::mutex> l(mu_);
    b->done = 0;
    b->active = 0;
    current_ = b;
    ++generation_;
    work_cv_.notify_all();
  }

  // Analyses what is left of `b` on this thread, waits for the helpers to
  // finish it and withdraws it. Rethrows a helper's exception.
  void Finish(Batch* b) {
    size_t n = Drain(b);
    std::unique_lock<std::mutex> l(mu_);
    b->done += n;
    done_cv_.wait(l, [&] { return (b->done == b->records.size() && b->active == 0) || error_; });
    current_ = nullptr;
    if (error_) std::rethrow_exception(std::exchange(error_, nullptr));
  }

 private:
  size_t Drain(Batch* b) {
    size_t n = 0;
    for (size_t i; (i = b->next.fetch_add(1)) < b->records.size(); ++n)
      b->results[i] = analyzer_.Analyze(b->records[i]);
    return n;
  }

  void HelperLoop() {
    uint64_t seen = 0;
    std::unique_lock<std::mutex> l(mu_);
    for (;;) {
      work_cv_.wait(l, [&] { return stop_ || (generation_ != seen && current_ != nullptr); });
      if (stop_) return;
      seen = generation_;
      Batch* b = current_;
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
      if ((b->done == b->records.size() && b->active == 0) || e) done_cv_.notify_all();
    }
  }

  const Analyzer& analyzer_;
  std::vector<std::thread> threads_;
  std::mutex mu_;
  std::condition_variable work_cv_, done_cv_;
  Batch* current_ = nullptr;
  uint64_t generation_ = 0;
  bool stop_ = false;
  std::exception_ptr error_;
};

}  // namespace

Status RunPipeline(RecordReader& reader, const Analyzer& analyzer, const PipelineOptions& options,
                   const std::function<void(Analysis&&)>& on_analysis,
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

  const int threads = internal::ResolveThreads(options.threads);
  if (threads <= 1) {
    std::vector<Record> records;
    while (read_batch(&records))
      for (const Record& r : records) on_analysis(analyzer.Analyze(r));
    return reader.status();
  }

  Pool pool(analyzer, threads - 1);
  Batch batches[2];
  Batch* current = &batches[0];
  Batch* next = &batches[1];
  std::vector<Analysis> ready;  // results of the previous batch, not yet handed on
  if (read_batch(&current->records)) {
    pool.Publish(current);
    for (;;) {
      const bool more = read_batch(&next->records);  // overlaps the helpers' work
      for (auto& a : ready) on_analysis(std::move(a));
      ready.clear();
      pool.Finish(current);
      ready.swap(current->results);
      if (!more) break;
      std::swap(current, next);
      pool.Publish(current);
    }
  }
  for (auto& a : ready) on_analysis(std::move(a));
  return reader.status();
}

}  // namespace voc
