// RunPipeline: streams records through an Analyzer on a fixed set of threads.
//
// The records are read in batches; each batch is cut into chunks of
// consecutive records, and every thread claims chunks in input order, of any
// batch that is read. The calling thread reads (two batches are alive: it
// reads the next as soon as the oldest is handed on), hands on the results
// of the oldest batch once all its chunks are done, and analyses chunks in
// between; it waits only when the oldest batch has nothing left to claim and
// is not done. The helpers never wait for a
// batch to end: they go on with the next one while the last chunk of the
// previous one runs elsewhere, and sleep only when everything read is
// claimed. Memory is bounded by the batch size, not the input size. With one
// thread everything runs on the calling thread, one batch at a time.
//
// A chunk is 16 records, analysed together by Analyzer::Analyze(records, n,
// out), which runs each stage over all of them in turn.
//
// The records of a batch are read into the Record objects of the batch
// before: the reader reuses their strings, so a short record costs no
// allocation. Strings over kKeepBytes (records) and kKeepChunkBytes (output
// chunks) are let go after use: each reused string would otherwise keep the
// largest size it ever held, and memory would grow with the input (a slot
// sees more long texts in a longer file).
//
// RunPipelineText also formats each analysis on the thread that made it,
// into one string per chunk that is reused from batch to batch: the analyses
// are freed where they were allocated and the calling thread only writes.
// (Handing analyses to the calling thread to format and free made it the
// bottleneck: glibc serialises frees of another thread's memory on that
// thread's arena lock.)
#include <algorithm>
#include <condition_variable>
#include <exception>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "util/threads.h"
#include "voc/analyzer.h"
#include "voc/pipeline.h"
#include "voc/reader.h"

namespace voc {
namespace {

constexpr size_t kMaxBatches = 2;           // batches alive at a time with helpers
constexpr size_t kKeepBytes = 1024;         // string capacity a reused record may keep
constexpr size_t kKeepChunkBytes = 262144;  // and a chunk's output text

// `work(records, n, out)` turns n consecutive records into `*out`.
template <typename Out>
using Work = std::function<void(const Record*, size_t, Out*)>;

// Lets go of the strings of `r` that grew past kKeepBytes.
void TrimRecord(Record* r) {
  if (r->text.capacity() > kKeepBytes) std::string().swap(r->text);
  for (auto& [key, value] : r->metadata) {
    if (key.capacity() > kKeepBytes || value.capacity() > kKeepBytes) {
      std::vector<std::pair<std::string, std::string>>().swap(r->metadata);
      break;
    }
  }
}

// One batch of records and the outputs of its chunks.
template <typename Out>
struct Batch {
  std::vector<Record> records;  // the first `count` are the batch's
  size_t count = 0;
  std::vector<Out> outputs;  // one per chunk; kept (with capacity) across batches
  size_t chunks = 0;
  size_t claimed = 0;  // chunks handed to a thread (under Stream::mu_)
  size_t done = 0;     // chunks finished (under Stream::mu_)
};

// Reads batches of records, has the threads run `work` on chunks of `chunk`
// records and hands the outputs of each finished batch to `emit` in input
// order.
template <typename Out>
class Stream {
 public:
  Stream(RecordReader& reader, const PipelineOptions& options, const Work<Out>& work, size_t chunk,
         const std::function<void(Out&)>& emit, const std::function<void(const Reject&)>& on_reject)
      : reader_(reader),
        options_(options),
        work_(work),
        chunk_(chunk),
        emit_(emit),
        on_reject_(on_reject),
        batch_size_(std::max<size_t>(1, options.batch_size)) {
    const int threads = internal::ResolveThreads(options.threads);
    max_live_ = threads > 1 ? kMaxBatches : 1;
    for (int i = 1; i < threads; ++i) helpers_.emplace_back([this] { HelperLoop(); });
  }

  // Also on the way out of an exception: the helpers finish the chunks they
  // run (the batches they read stay alive until they are joined).
  ~Stream() {
    {
      std::lock_guard<std::mutex> l(mu_);
      stop_ = true;
    }
    work_cv_.notify_all();
    for (auto& t : helpers_) t.join();
  }

  Stream(const Stream&) = delete;
  Stream& operator=(const Stream&) = delete;

  Status Run() {
    for (;;) {
      // Reading ahead comes first: helpers with nothing to claim stand idle.
      // `live_` and `head_` change only on this thread.
      if (!exhausted_ && live_ < max_live_) {
        Batch<Out>& b = batches_[(head_ + live_) % kMaxBatches];
        ReadBatch(&b);
        if (b.count == 0) continue;
        b.chunks = (b.count + chunk_ - 1) / chunk_;
        if (b.outputs.size() < b.chunks) b.outputs.resize(b.chunks);
        std::lock_guard<std::mutex> l(mu_);
        b.claimed = b.done = 0;
        ++live_;
        if (idle_ > 0) work_cv_.notify_one();
        continue;
      }
      std::unique_lock<std::mutex> l(mu_);
      if (error_) std::rethrow_exception(error_);
      if (live_ == 0) break;
      Batch<Out>& oldest = batches_[head_];
      if (oldest.done == oldest.chunks) {
        head_ = (head_ + 1) % kMaxBatches;
        --live_;  // no helper touches a batch whose chunks are all claimed
        l.unlock();
        for (size_t c = 0; c < oldest.chunks; ++c) emit_(oldest.outputs[c]);
        continue;
      }
      Batch<Out>* b;
      size_t c;
      if (Claim(&b, &c)) {
        l.unlock();
        RunChunk(b, c);
        l.lock();
        ++b->done;
        continue;
      }
      main_waits_ = true;
      done_cv_.wait(l, [&] { return oldest.done == oldest.chunks || error_; });
      main_waits_ = false;
    }
    return reader_.status();
  }

 private:
  // Reads the next batch into `b`, reusing its records.
  void ReadBatch(Batch<Out>* b) {
    b->count = 0;
    Reject reject;
    while (!exhausted_ && b->count < batch_size_) {
      if (b->count == b->records.size()) b->records.emplace_back();
      Record* record = &b->records[b->count];
      TrimRecord(record);
      RecordReader::Next next = reader_.Read(record, &reject);
      if (next == RecordReader::Next::kEnd) {
        exhausted_ = true;
      } else if (next == RecordReader::Next::kReject) {
        if (on_reject_) on_reject_(reject);
      } else {
        ++b->count;
      }
    }
    if (options_.progress) options_.progress(reader_.stats().read);
  }

  // Hands out the first chunk not yet claimed, oldest batch first (under mu_).
  bool Claim(Batch<Out>** b, size_t* c) {
    for (size_t i = 0; i < live_; ++i) {
      Batch<Out>& batch = batches_[(head_ + i) % kMaxBatches];
      if (batch.claimed < batch.chunks) {
        *b = &batch;
        *c = batch.claimed++;
        return true;
      }
    }
    return false;
  }

  void RunChunk(Batch<Out>* b, size_t c) {
    const size_t first = c * chunk_;
    work_(b->records.data() + first, std::min(chunk_, b->count - first), &b->outputs[c]);
  }

  void HelperLoop() {
    std::unique_lock<std::mutex> l(mu_);
    while (!stop_) {
      Batch<Out>* b;
      size_t c;
      if (!Claim(&b, &c)) {
        ++idle_;
        work_cv_.wait(l);
        --idle_;
        continue;
      }
      l.unlock();
      try {
        RunChunk(b, c);
      } catch (...) {
        l.lock();
        if (!error_) error_ = std::current_exception();
        stop_ = true;
        done_cv_.notify_one();
        return;
      }
      l.lock();
      if (++b->done == b->chunks && main_waits_) done_cv_.notify_one();
    }
  }

  RecordReader& reader_;
  const PipelineOptions& options_;
  const Work<Out>& work_;
  const size_t chunk_;
  const std::function<void(Out&)>& emit_;
  const std::function<void(const Reject&)>& on_reject_;
  const size_t batch_size_;
  size_t max_live_ = 1;
  bool exhausted_ = false;  // (calling thread)

  Batch<Out> batches_[kMaxBatches];  // a ring: live_ batches from head_
  std::mutex mu_;
  std::condition_variable work_cv_;  // helpers wait for chunks
  std::condition_variable done_cv_;  // the calling thread waits for the oldest batch
  size_t head_ = 0;                  // written by the calling thread under mu_
  size_t live_ = 0;                  // written by the calling thread under mu_
  int idle_ = 0;                     // helpers waiting (under mu_)
  bool main_waits_ = false;
  bool stop_ = false;
  std::exception_ptr error_;
  std::vector<std::thread> helpers_;  // joined by the destructor
};

}  // namespace

void KeepColumns(const Record* records, size_t n, const std::vector<std::string>& columns, Analysis* out) {
  if (columns.empty()) return;
  for (size_t i = 0; i < n; ++i)
    for (const std::string& name : columns)
      for (const auto& [key, value] : records[i].metadata)
        if (key == name) {
          out[i].fields.emplace_back(key, value);
          break;
        }
}

Status RunPipeline(RecordReader& reader, const Analyzer& analyzer, const PipelineOptions& options,
                   const std::function<void(Analysis&&)>& on_analysis,
                   const std::function<void(const Reject&)>& on_reject) {
  using Analyses = std::vector<Analysis>;
  Work<Analyses> work = [&](const Record* r, size_t n, Analyses* out) {
    out->resize(n);
    analyzer.Analyze(r, n, out->data());
    KeepColumns(r, n, options.keep_columns, out->data());
  };
  std::function<void(Analyses&)> emit = [&](Analyses& analyses) {
    for (Analysis& a : analyses) on_analysis(std::move(a));
  };
  return Stream<Analyses>(reader, options, work, 16, emit, on_reject).Run();
}

Status RunPipelineText(RecordReader& reader, const Analyzer& analyzer, const PipelineOptions& options,
                       const std::function<void(const Analysis&, std::string*)>& format,
                       const std::function<void(std::string_view)>& on_text,
                       const std::function<void(const Reject&)>& on_reject) {
  // Chunks of 16 records: few enough strings to hand over, small enough to
  // share a batch between threads evenly, enough for the stages to keep
  // their tables in cache. Each chunk is formatted into a per-thread string
  // and then swapped into the batch: the batch's strings sit side by side,
  // two to a cache line, and appending to them directly had two threads
  // invalidate each other's line at every append (2-3% of a two-thread run).
  Work<std::string> work = [&](const Record* r, size_t n, std::string* out) {
    thread_local std::string text;
    thread_local std::vector<Analysis> analyses;
    text.clear();
    if (analyses.size() < n) analyses.resize(n);
    analyzer.Analyze(r, n, analyses.data());
    for (size_t i = 0; i < n; ++i) format(analyses[i], &text);
    out->swap(text);
  };
  std::function<void(std::string&)> emit = [&](std::string& text) {
    on_text(text);
    // The strings circulate between the batches and the threads and would
    // each keep the largest chunk it ever held.
    if (text.capacity() > kKeepChunkBytes) std::string().swap(text);
  };
  return Stream<std::string>(reader, options, work, 16, emit, on_reject).Run();
}

Status RunPipelineUnordered(RecordReader& reader, const Analyzer& analyzer, const PipelineOptions& options,
                            const std::function<void(Analysis&&, int worker)>& on_analysis,
                            const std::function<void(const Reject&)>& on_reject) {
  // Each thread takes a worker number the first time it runs a chunk.
  std::mutex mu;
  std::vector<std::thread::id> workers;
  auto worker_of = [&] {
    const std::thread::id me = std::this_thread::get_id();
    std::lock_guard<std::mutex> l(mu);
    for (size_t w = 0; w < workers.size(); ++w)
      if (workers[w] == me) return static_cast<int>(w);
    workers.push_back(me);
    return static_cast<int>(workers.size() - 1);
  };
  struct Done {};  // a chunk's output: nothing is left to hand over
  Work<Done> work = [&](const Record* r, size_t n, Done*) {
    thread_local std::vector<Analysis> analyses;
    if (analyses.size() < n) analyses.resize(n);
    analyzer.Analyze(r, n, analyses.data());
    KeepColumns(r, n, options.keep_columns, analyses.data());
    const int w = worker_of();
    for (size_t i = 0; i < n; ++i) on_analysis(std::move(analyses[i]), w);
  };
  std::function<void(Done&)> emit = [](Done&) {};
  return Stream<Done>(reader, options, work, 16, emit, on_reject).Run();
}

int PipelineThreads(const PipelineOptions& options) { return internal::ResolveThreads(options.threads); }

}  // namespace voc
