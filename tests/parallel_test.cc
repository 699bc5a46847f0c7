#include "voc/parallel.h"

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

TEST_CASE("ParallelFor threads: every index runs exactly once, job after job") {
  for (int threads : {1, 2, 3, 8}) {
    voc::ParallelFor team(threads);
    CHECK(team.threads() == threads);
    for (size_t n : {size_t{0}, size_t{1}, size_t{5}, size_t{1000}}) {
      std::vector<std::atomic<int>> hits(n);
      team.Run(n, [&](size_t i) { hits[i].fetch_add(1); });
      CAPTURE(threads);
      CAPTURE(n);
      for (size_t i = 0; i < n; ++i) REQUIRE(hits[i].load() == 1);
    }
  }
  voc::ParallelFor cores(0);
  CHECK(cores.threads() >= 1);
}

TEST_CASE("ParallelFor threads: the caller works between Start and Finish") {
  voc::ParallelFor team(2);
  std::atomic<int> sum{0};
  team.Start(100, [&](size_t i) { sum.fetch_add(static_cast<int>(i)); });
  int own = 0;
  for (int i = 0; i < 100; ++i) own += i;  // the caller's own work meanwhile
  team.Finish();
  CHECK(sum.load() == own);
}

TEST_CASE("ParallelFor threads: a one-index job runs on a helper while the caller works") {
  // The caller does not join in until its own work is done, and that work
  // waits for the job: a helper must take the job without Finish().
  voc::ParallelFor team(2);
  std::atomic<bool> ran{false};
  std::thread::id runner;
  team.Start(1, [&](size_t) {
    runner = std::this_thread::get_id();
    ran.store(true);
  });
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (!ran.load() && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
  const bool by_helper = ran.load();
  team.Finish();
  CHECK(by_helper);
  const bool other_thread = runner != std::this_thread::get_id();
  CHECK(other_thread);
}

TEST_CASE("ParallelFor threads: the first exception reaches Finish and the team stays usable") {
  for (int threads : {1, 2, 4}) {
    voc::ParallelFor team(threads);
    std::atomic<int> ran{0};
    CHECK_THROWS_WITH(team.Run(10000,
                               [&](size_t i) {
                                 ran.fetch_add(1);
                                 if (i == 17) throw std::runtime_error("index 17 failed");
                               }),
                      "index 17 failed");
    CHECK(ran.load() < 10000);  // the rest of the job was skipped
    std::atomic<int> after{0};
    team.Run(50, [&](size_t) { after.fetch_add(1); });
    CHECK(after.load() == 50);
  }
}

TEST_CASE("ParallelFor threads: a team destroyed with a job open waits for the running indices") {
  // The caller unwinds between Start and Finish (its output failed): the
  // team's destructor must not return while a helper still runs an index,
  // and indices not yet begun are skipped.
  for (int threads : {2, 4}) {
    std::atomic<int> running{0}, done{0}, begun{0};
    {
      voc::ParallelFor team(threads);
      team.Start(1000, [&](size_t) {
        begun.fetch_add(1);
        running.fetch_add(1);
        std::this_thread::sleep_for(std::chrono::microseconds(200));
        running.fetch_sub(1);
        done.fetch_add(1);
      });
      while (begun.load() == 0) std::this_thread::yield();
    }
    CAPTURE(threads);
    CHECK(running.load() == 0);
    CHECK(done.load() == begun.load());
    CHECK(done.load() < 1000);  // the caller never joined in; the rest was skipped
  }
}
