// Throughput of aggregation, merge, serialization and findings on the
// seeded synthetic stream of the tests (12,050 analysed verbatims).
//
//   build/bin/aggregate_bench [repeats=3]
//
// Prints the best of `repeats` runs, with and without phrase statistics.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "../tests/findings_stream.h"
#include "voc/aggregate.h"
#include "voc/findings.h"
#include "voc/report.h"

namespace {
double Ms(std::chrono::steady_clock::time_point a, std::chrono::steady_clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}
}  // namespace

int main(int argc, char** argv) {
  const int repeats = argc > 1 ? std::max(1, std::atoi(argv[1])) : 3;
  const std::vector<voc::Analysis> xs = voc_test::SyntheticStream(42);
  for (bool phrases : {true, false}) {
    voc::AggregateOptions o;
    o.phrase_stats = phrases;
    double add = 1e300, add2 = 1e300, ser = 1e300, de = 1e300, det = 1e300, out = 1e300;
    size_t bytes = 0;
    for (int r = 0; r < repeats; ++r) {
      auto t0 = std::chrono::steady_clock::now();
      voc::Aggregate a(o);
      for (const auto& x : xs) a.Add(x);
      auto t1 = std::chrono::steady_clock::now();
      std::vector<voc::Aggregate> parts(2, voc::Aggregate(o));
      std::vector<std::thread> pool;
      for (int t = 0; t < 2; ++t)
        pool.emplace_back([&, t] {
          for (size_t i = t; i < xs.size(); i += 2) parts[t].Add(xs[i]);
        });
      for (auto& th : pool) th.join();
      if (!parts[0].Merge(parts[1]).ok()) return 1;
      auto t2 = std::chrono::steady_clock::now();
      const std::string s = a.Serialize();
      auto t3 = std::chrono::steady_clock::now();
      voc::Result<voc::Aggregate> back = voc::Aggregate::Deserialize(s);
      if (!back.ok() || parts[0].Serialize() != s) return 1;
      auto t4 = std::chrono::steady_clock::now();
      const voc::Findings f = voc::DetectFindings(a);
      auto t5 = std::chrono::steady_clock::now();
      const size_t n =
          voc::FindingsToJson(f).size() + voc::FindingsToHtml(f).size() + voc::FindingsToCsv(f).size();
      auto t6 = std::chrono::steady_clock::now();
      add = std::min(add, Ms(t0, t1));
      add2 = std::min(add2, Ms(t1, t2));
      ser = std::min(ser, Ms(t2, t3));
      de = std::min(de, Ms(t3, t4));
      det = std::min(det, Ms(t4, t5));
      out = std::min(out, Ms(t5, t6));
      bytes = s.size() + 0 * n;
    }
    std::printf(
        "phrase_stats=%d: add %.2f us/record (1 thread), %.2f us/record (2 threads + merge); "
        "serialize %.1f ms, deserialize %.1f ms (%zu bytes); detect %.1f ms; JSON+HTML+CSV %.1f ms\n",
        phrases, add * 1000 / xs.size(), add2 * 1000 / xs.size(), ser, de, bytes, det, out);
  }
  return 0;
}
