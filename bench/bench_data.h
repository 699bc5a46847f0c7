// Where the benchmarks find the corpora: $VOC_DATA, else the `shared/data`
// folder beside the source tree (the layout CI and the README use).
#ifndef VOC_BENCH_BENCH_DATA_H_
#define VOC_BENCH_BENCH_DATA_H_

#include <cstdlib>
#include <string>

inline std::string DefaultDataDir() {
  if (const char* env = std::getenv("VOC_DATA"); env && *env) return env;
  return std::string(VOC_SOURCE_DIR) + "/../shared/data";
}

#endif  // VOC_BENCH_BENCH_DATA_H_
