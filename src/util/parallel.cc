// ParallelFor: the helpers sleep on a condition variable between jobs; within
// a job every thread claims indices with one atomic increment each.
#include "voc/parallel.h"

#include <atomic>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "util/threads.h"

namespace voc {

struct ParallelFor::Impl {
  std::vector<std::thread> helpers;
  std::mutex mu;
  std::condition_variable work_cv, done_cv;
  // The current job. `fn` and `n` change only between jobs, while no
  // helper is inside one (active == 0).
  std::function<void(size_t)> fn;
  size_t n = 0;
  std::atomic<size_t> next{0};
  bool open = false;         // a job is started and not finished (under mu)
  uint64_t generation = 0;   // jobs started (under mu)
  int active = 0;            // helpers inside the current job (under mu)
  bool stop = false;         // (under mu)
  std::exception_ptr error;  // first exception of the job (under mu)

  // Runs indices of the current job until none is left.
  void Drain() {
    for (size_t i; (i = next.fetch_add(1, std::memory_order_relaxed)) < n;) {
      try {
        fn(i);
      } catch (...) {
        std::lock_guard<std::mutex> l(mu);
        if (!error) error = std::current_exception();
        next.store(n, std::memory_order_relaxed);  // skip what is not begun
      }
    }
  }

  void HelperLoop() {
    uint64_t seen = 0;
    std::unique_lock<std::mutex> l(mu);
    for (;;) {
      work_cv.wait(l, [&] { return stop || (open && generation != seen); });
      if (stop) return;
      seen = generation;
      ++active;
      l.unlock();
      Drain();
      l.lock();
      if (--active == 0) done_cv.notify_all();
    }
  }
};

ParallelFor::ParallelFor(int threads) : impl_(std::make_unique<Impl>()) {
  const int n = internal::ResolveThreads(threads);
  for (int i = 1; i < n; ++i) impl_->helpers.emplace_back([this] { impl_->HelperLoop(); });
}

ParallelFor::~ParallelFor() {
  {
    // A job still open (its caller unwound between Start and Finish): the
    // indices not begun are skipped, the running ones are waited for.
    std::unique_lock<std::mutex> l(impl_->mu);
    impl_->next.store(impl_->n, std::memory_order_relaxed);
    impl_->done_cv.wait(l, [&] { return impl_->active == 0; });
    impl_->stop = true;
  }
  impl_->work_cv.notify_all();
  for (auto& t : impl_->helpers) t.join();
}

int ParallelFor::threads() const { return static_cast<int>(impl_->helpers.size()) + 1; }

void ParallelFor::Start(size_t n, std::function<void(size_t)> fn) {
  Impl& m = *impl_;
  std::lock_guard<std::mutex> l(m.mu);
  m.fn = std::move(fn);
  m.n = n;
  m.next.store(0, std::memory_order_relaxed);
  m.error = nullptr;
  m.open = true;
  ++m.generation;
  // A job of one index too: the caller may work on something else (the
  // adapter's fit runs on a helper while the caller reads ahead).
  if (!m.helpers.empty() && n > 0) m.work_cv.notify_all();
}

void ParallelFor::Finish() {
  Impl& m = *impl_;
  m.Drain();
  std::unique_lock<std::mutex> l(m.mu);
  // Every index is claimed; wait for the helpers still running theirs.
  m.done_cv.wait(l, [&] { return m.active == 0; });
  m.open = false;
  m.fn = nullptr;
  if (m.error) std::rethrow_exception(std::exchange(m.error, nullptr));
}

void ParallelFor::Run(size_t n, std::function<void(size_t)> fn) {
  Start(n, std::move(fn));
  Finish();
}

}  // namespace voc
