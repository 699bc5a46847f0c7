// Measures RecordReader throughput (MB/s of decompressed input) on a file.
//
//   build/bin/reader_bench FILE [--text-col C] [--time-col C] [--repeat N]
//
// Reads the file N times (default 5) and prints the best and median pass
// (wall clock, and CPU time of the process, which a loaded machine distorts less),
// with records emitted/rejected and the reader's peak buffer size. A pass
// that only reads the bytes (fread into a 64 KiB buffer) is printed too, as
// the I/O ceiling.
#include <algorithm>
#include <chrono>
#include <ctime>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "voc/reader.h"

namespace {

double Seconds(std::chrono::steady_clock::time_point a, std::chrono::steady_clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr,
                 "usage: reader_bench FILE [--text-col C] [--time-col C] [--format F] [--repeat N]\n");
    return 2;
  }
  std::string path = argv[1];
  voc::ReaderOptions options;
  int repeat = 5;
  for (int i = 2; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--text-col")
      options.text_column = argv[i + 1];
    else if (flag == "--time-col")
      options.time_column = argv[i + 1];
    else if (flag == "--repeat")
      repeat = std::max(1, std::atoi(argv[i + 1]));
    else if (flag == "--format") {
      auto f = voc::ParseInputFormat(argv[i + 1]);
      if (!f.ok()) {
        std::fprintf(stderr, "%s\n", f.status().message().c_str());
        return 2;
      }
      options.format = *f;
    } else {
      std::fprintf(stderr, "unknown flag %s\n", flag.c_str());
      return 2;
    }
  }
  std::vector<double> reader_s, reader_cpu_s, fread_s;
  voc::ReaderStats last;
  for (int r = 0; r < repeat; ++r) {
    auto t0 = std::chrono::steady_clock::now();
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) {
      std::perror(path.c_str());
      return 1;
    }
    std::vector<char> buf(64 << 10);
    size_t total = 0, k;
    while ((k = std::fread(buf.data(), 1, buf.size(), f)) > 0) total += k;
    std::fclose(f);
    auto t1 = std::chrono::steady_clock::now();
    fread_s.push_back(Seconds(t0, t1));

    auto t2 = std::chrono::steady_clock::now();
    std::clock_t c2 = std::clock();
    auto reader = voc::RecordReader::Open(path, options);
    if (!reader.ok()) {
      std::fprintf(stderr, "%s\n", reader.status().ToString().c_str());
      return 1;
    }
    voc::Record record;
    voc::Reject reject;
    size_t text_bytes = 0;
    for (;;) {
      auto next = (*reader)->Read(&record, &reject);
      if (next == voc::RecordReader::Next::kEnd) break;
      if (next == voc::RecordReader::Next::kRecord) text_bytes += record.text.size();
    }
    auto t3 = std::chrono::steady_clock::now();
    reader_s.push_back(Seconds(t2, t3));
    reader_cpu_s.push_back(static_cast<double>(std::clock() - c2) / CLOCKS_PER_SEC);
    last = (*reader)->stats();
    if (!(*reader)->status().ok()) std::fprintf(stderr, "%s\n", (*reader)->status().ToString().c_str());
    (void)text_bytes;
    (void)total;
  }
  std::sort(reader_s.begin(), reader_s.end());
  std::sort(fread_s.begin(), fread_s.end());
  std::sort(reader_cpu_s.begin(), reader_cpu_s.end());
  double mb = last.bytes / 1e6;
  std::printf("file: %s\n", path.c_str());
  std::printf(
      "input: %.2f MB (decompressed), %llu records: %llu emitted, %llu rejected; peak buffers %.0f KiB\n", mb,
      static_cast<unsigned long long>(last.read), static_cast<unsigned long long>(last.emitted),
      static_cast<unsigned long long>(last.rejected), last.peak_buffer_bytes / 1024.0);
  std::printf("reader: best %.1f MB/s, median %.1f MB/s (%d passes)\n", mb / reader_s.front(),
              mb / reader_s[reader_s.size() / 2], repeat);
  std::printf("reader by CPU time: best %.1f MB/s, median %.1f MB/s\n", mb / reader_cpu_s.front(),
              mb / reader_cpu_s[reader_cpu_s.size() / 2]);
  std::printf("fread only (I/O ceiling, compressed bytes if gzip): best %.3f s\n", fread_s.front());
  return 0;
}
