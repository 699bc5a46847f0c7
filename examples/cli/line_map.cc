#include "line_map.h"

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

namespace voc_cli {

bool MapLines(std::istream& in, int threads,
              const std::function<void(size_t, const std::string&, std::string*)>& map,
              std::FILE* to, size_t batch) {
  if (threads <= 0) threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  batch = std::max<size_t>(1, batch);
  std::vector<std::string> lines, outs;
  std::string joined;
  size_t first = 1;  // number of the batch's first line
  for (;;) {
    lines.clear();
    std::string line;
    while (lines.size() < batch && std::getline(in, line)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      lines.push_back(std::move(line));
    }
    if (lines.empty()) break;
    outs.resize(lines.size());
    std::atomic<size_t> next{0};
    auto work = [&] {
      for (size_t i; (i = next.fetch_add(1)) < lines.size();) {
        outs[i].clear();
        map(first + i, lines[i], &outs[i]);
      }
    };
    const int n = std::min<int>(threads, static_cast<int>(lines.size()));
    std::vector<std::thread> pool;
    for (int t = 1; t < n; ++t) pool.emplace_back(work);
    work();
    for (auto& t : pool) t.join();
    joined.clear();
    for (const auto& o : outs) {
      joined += o;
      joined.push_back('\n');
    }
    std::fwrite(joined.data(), 1, joined.size(), to);
    first += lines.size();
  }
  return !in.bad();
}

}  // namespace voc_cli
