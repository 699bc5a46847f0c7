// ParallelFor: a fixed team of threads that works through the indices of one
// job at a time. The calling thread is one of the team: it starts a job,
// may do other work (read the next batch, write the last one) while the
// helpers start on it, then joins in and waits for the end. AnalyzeBatch and
// the CLI's line-by-line commands use it; it is public so that applications
// can overlap their own input and output with analysis the same way.
//
//   voc::ParallelFor team(0);  // one thread per core
//   team.Start(texts.size(), [&](size_t i) { results[i] = analyzer.Analyze(texts[i]); });
//   WriteOut(previous_results);  // overlaps the helpers' work
//   team.Finish();               // works too, waits, rethrows
#ifndef VOC_PARALLEL_H_
#define VOC_PARALLEL_H_

#include <cstddef>
#include <functional>
#include <memory>

namespace voc {

// The most threads any voc call starts: 4 per hardware thread, at least 8.
// Larger requests (`threads` arguments, --threads) are capped to it, so a
// mistyped count cannot exhaust the machine's process table.
int MaxThreads();

class ParallelFor {
 public:
  // `threads` in all, the calling thread included; 0: one per core. At most
  // MaxThreads(): a larger request is capped.
  explicit ParallelFor(int threads = 0);
  // With a job started and not finished (an exception between Start() and
  // Finish()), skips the indices not yet begun and waits for the running
  // ones: declare the team after the data its jobs use, so that it is
  // destroyed first.
  ~ParallelFor();
  ParallelFor(const ParallelFor&) = delete;
  ParallelFor& operator=(const ParallelFor&) = delete;

  int threads() const;

  // Makes fn(i) for every i in [0, n) available to the helpers and returns
  // at once. Each index runs exactly once, on some thread of the team, in
  // no particular order. One job at a time: call Finish() before the next
  // Start().
  void Start(size_t n, std::function<void(size_t)> fn);

  // Runs what is left of the job on the calling thread and waits until every
  // index is done. If fn threw, the indices not yet begun are skipped and the
  // first exception is rethrown here.
  void Finish();

  // Start() then Finish().
  void Run(size_t n, std::function<void(size_t)> fn);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace voc

#endif  // VOC_PARALLEL_H_
