#include "line_map.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>
#include <vector>

#include "cli.h"
#include "voc/parallel.h"

namespace voc_cli {

namespace {

// Lines of one batch and the output of each chunk of kChunk of them. The
// strings keep their capacity from batch to batch.
struct Batch {
  std::vector<std::string> lines;
  size_t count = 0;  // lines in use
  size_t first = 1;  // number of the first line
  std::vector<std::string> outs;
  size_t chunks = 0;  // chunks not yet written
};

constexpr size_t kChunk = 16;

}  // namespace

void WriteAll(std::FILE* to, std::string_view data) {
  if (std::fflush(to) != 0) throw Failure(std::string("write error on output: ") + std::strerror(errno));
  const int fd = fileno(to);
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw Failure(std::string("write error on output: ") + std::strerror(n < 0 ? errno : EIO));
    data.remove_prefix(static_cast<size_t>(n));
  }
}

bool MapLines(std::istream& in, int threads,
              const std::function<void(size_t, const std::string&, std::string*)>& map, std::FILE* to,
              size_t batch) {
  batch = std::max<size_t>(1, batch);
  Batch batches[2];
  // After the batches: if a write fails while the helpers map one, the team
  // is destroyed first and waits for them.
  voc::ParallelFor team(threads);
  size_t number = 1;
  auto read = [&](Batch* b) {
    b->first = number;
    b->count = 0;
    if (b->lines.size() < batch) b->lines.resize(batch);
    while (b->count < batch && std::getline(in, b->lines[b->count])) {
      std::string& line = b->lines[b->count];
      if (!line.empty() && line.back() == '\r') line.pop_back();
      ++b->count;
    }
    number += b->count;
    return b->count > 0;
  };
  auto start = [&](Batch* b) {
    b->chunks = (b->count + kChunk - 1) / kChunk;
    if (b->outs.size() < b->chunks) b->outs.resize(b->chunks);
    team.Start(b->chunks, [b, &map](size_t c) {
      // Each thread maps straight into its own chunk string (no copy of
      // each line's output), so memory is freed by the thread that
      // allocated it; the chunk is swapped in, since the batch's strings
      // share cache lines that two threads appending would pass back and
      // forth. The string swapped out last time may be a smaller one: it
      // starts with the size of this thread's previous chunk, so that it
      // does not grow (copying itself) while the outputs are appended.
      thread_local std::string chunk;
      thread_local size_t last_size = 0;
      chunk.clear();
      chunk.reserve(last_size);
      const size_t end = std::min(b->count, (c + 1) * kChunk);
      for (size_t i = c * kChunk; i < end; ++i) {
        map(b->first + i, b->lines[i], &chunk);
        chunk.push_back('\n');
      }
      last_size = chunk.size();
      b->outs[c].swap(chunk);
    });
  };
  auto write = [&](Batch* b) {
    for (size_t c = 0; c < b->chunks; ++c) WriteAll(to, b->outs[c]);
    b->chunks = 0;
  };
  Batch* current = &batches[0];
  Batch* next = &batches[1];
  if (read(current)) {
    start(current);
    for (;;) {
      // Reading the next batch (its lines only) and writing the outputs of
      // the previous one overlap the helpers' work on this one; with one
      // thread they simply come first.
      const bool more = read(next);
      write(next);
      team.Finish();
      if (!more) break;
      std::swap(current, next);
      start(current);
    }
    write(current);
  }
  return !in.bad();
}

}  // namespace voc_cli
