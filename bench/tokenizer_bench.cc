// Tokenizer throughput against ICU's word BreakIterator, and agreement of the
// fast path with the ICU path.
//
//   build/bin/tokenizer_bench [--data DIR] [--seconds 1.5]
//
// Reads every *.txt / *.csv file under --data (default $VOC_DATA, else ../shared/data beside the source tree,
// skipped when absent) plus the bundled samples in examples/data, one text
// per line. For each corpus it checks that the voc Tokenizer gives identical
// tokens and sentences with the fast path on and off, then prints MB/s of:
//   icu_word      ICU BreakIterator (UBRK_WORD over UText, all boundaries)
//   voc_fast      voc::Tokenizer, fast path on (default options)
//   voc_icu       voc::Tokenizer, fast path off (the ICU reference path)
// and the ratio voc_fast / icu_word. Throughput is measured in thread CPU
// time, so other load on the machine does not skew the ratios much.
// Exit status 1 if any text disagrees.
#include <unicode/ubrk.h>
#include <unicode/utext.h>

#include <algorithm>
#include <ctime>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "bench_data.h"
#include "voc/tokenizer.h"

namespace fs = std::filesystem;

namespace {

struct Corpus {
  std::string name;
  std::vector<std::string> lines;
  size_t bytes = 0;
};

Corpus Load(const fs::path& path, const std::string& name) {
  Corpus c;
  c.name = name;
  std::ifstream in(path, std::ios::binary);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    c.bytes += line.size();
    c.lines.push_back(std::move(line));
  }
  return c;
}

bool Same(const voc::Tokenization& a, const voc::Tokenization& b) {
  if (a.tokens.size() != b.tokens.size() || a.sentences.size() != b.sentences.size()) return false;
  for (size_t k = 0; k < a.tokens.size(); ++k) {
    const voc::Token& x = a.tokens[k];
    const voc::Token& y = b.tokens[k];
    if (x.begin != y.begin || x.end != y.end || x.kind != y.kind || x.elongated != y.elongated ||
        x.norm != y.norm)
      return false;
  }
  for (size_t k = 0; k < a.sentences.size(); ++k) {
    const voc::Sentence& x = a.sentences[k];
    const voc::Sentence& y = b.sentences[k];
    if (x.begin != y.begin || x.end != y.end || x.first_token != y.first_token || x.end_token != y.end_token)
      return false;
  }
  return true;
}

// CPU time of the calling thread in seconds: on a shared machine it counts
// only the time this benchmark ran, unlike wall time.
double ThreadCpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

// Runs `pass` (one pass over the corpus) repeatedly for at least `seconds`
// of CPU time; returns MB per CPU second.
template <typename F>
double Measure(const Corpus& c, double seconds, F pass) {
  pass();  // warm up
  size_t runs = 0;
  double start = ThreadCpuSeconds();
  double elapsed = 0;
  do {
    pass();
    ++runs;
    elapsed = ThreadCpuSeconds() - start;
  } while (elapsed < seconds);
  return static_cast<double>(c.bytes) * runs / elapsed / 1e6;
}

}  // namespace

int main(int argc, char** argv) {
  std::string data_dir = DefaultDataDir();
  double seconds = 1.5;
  std::string only;  // run just one measurement on all text (for profilers)
  int passes = 0;    // with --only: a fixed number of passes instead of --seconds
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--data" && i + 1 < argc) {
      data_dir = argv[++i];
    } else if (a == "--seconds" && i + 1 < argc) {
      seconds = std::atof(argv[++i]);
    } else if (a == "--passes" && i + 1 < argc) {
      passes = std::atoi(argv[++i]);
    } else if (a == "--only" && i + 1 < argc) {
      only = argv[++i];
    } else if (a == "--help" || a == "-h") {
      std::printf(
          "usage: tokenizer_bench [--data DIR] [--seconds S] [--only icu_word|voc_fast|voc_icu [--passes "
          "N]]\n");
      return 0;
    } else {
      std::fprintf(stderr, "tokenizer_bench: unknown argument '%s'\n", a.c_str());
      return 2;
    }
  }

  std::vector<Corpus> corpora;
  fs::path here = fs::path(__FILE__).parent_path();
  fs::path tweets = here / ".." / "examples" / "data" / "sample_tweets.txt";
  if (fs::exists(tweets)) corpora.push_back(Load(tweets, "examples/sample_tweets.txt"));
  fs::path cfpb = here / ".." / "tests" / "data" / "tokenizer" / "cfpb_sample.txt";
  if (fs::exists(cfpb)) corpora.push_back(Load(cfpb, "tests/cfpb_sample.txt"));
  std::error_code ec;
  if (fs::is_directory(data_dir, ec)) {
    std::vector<fs::path> files;
    for (const auto& e : fs::recursive_directory_iterator(data_dir, ec)) {
      if (!e.is_regular_file()) continue;
      std::string ext = e.path().extension().string();
      if (ext == ".txt" || ext == ".csv") files.push_back(e.path());
    }
    std::sort(files.begin(), files.end());
    for (const auto& f : files) corpora.push_back(Load(f, fs::relative(f, data_dir).string()));
  } else {
    std::printf("(no corpora at %s: bundled samples only)\n", data_dir.c_str());
  }
  if (corpora.empty()) {
    std::fprintf(stderr, "tokenizer_bench: no input text found\n");
    return 1;
  }

  voc::TokenizerOptions fast_options;
  voc::TokenizerOptions icu_options;
  icu_options.fast_path = false;
  auto fast = voc::Tokenizer::Create(fast_options);
  auto icu = voc::Tokenizer::Create(icu_options);
  if (!fast.ok() || !icu.ok()) {
    std::fprintf(stderr, "tokenizer_bench: %s\n", fast.status().ToString().c_str());
    return 1;
  }

  if (!only.empty()) {
    // One measurement over all text, for profilers: `perf stat -e cycles:u`
    // divided by the bytes printed gives cycles per byte.
    size_t sink = 0, bytes = 0;
    UErrorCode st = U_ZERO_ERROR;
    UBreakIterator* word = ubrk_open(UBRK_WORD, "", nullptr, 0, &st);
    UText ut = UTEXT_INITIALIZER;
    double start = ThreadCpuSeconds();
    for (int pass = 0; passes > 0 ? pass < passes : ThreadCpuSeconds() - start < seconds; ++pass) {
      for (const Corpus& c : corpora) {
        for (const std::string& line : c.lines) {
          if (only == "icu_word") {
            utext_openUTF8(&ut, line.data(), static_cast<int64_t>(line.size()), &st);
            ubrk_setUText(word, &ut, &st);
            for (int32_t b = ubrk_first(word); b != UBRK_DONE; b = ubrk_next(word)) sink += b;
          } else {
            sink += (only == "voc_icu" ? **icu : **fast).Tokenize(line).tokens.size();
          }
        }
        bytes += c.bytes;
      }
    }
    double el = ThreadCpuSeconds() - start;
    utext_close(&ut);
    ubrk_close(word);
    std::printf("%s: %.1f MB/s, %zu bytes (%zu)\n", only.c_str(), bytes / el / 1e6, bytes, sink % 10);
    return 0;
  }

  // Agreement on every corpus.
  size_t texts = 0, disagree = 0;
  for (const Corpus& c : corpora) {
    for (const std::string& line : c.lines) {
      ++texts;
      if (!Same((*fast)->Tokenize(line), (*icu)->Tokenize(line))) {
        if (++disagree <= 5) std::printf("DISAGREE %s: %.200s\n", c.name.c_str(), line.c_str());
      }
    }
  }
  std::printf("agreement fast path == ICU path: %zu/%zu texts in %zu corpora\n", texts - disagree, texts,
              corpora.size());

  // Throughput on the mostly-ASCII corpora.
  UErrorCode status = U_ZERO_ERROR;
  UBreakIterator* bi = ubrk_open(UBRK_WORD, "", nullptr, 0, &status);
  if (U_FAILURE(status)) {
    std::fprintf(stderr, "tokenizer_bench: ubrk_open: %s\n", u_errorName(status));
    return 1;
  }
  std::printf("\n%-58s %8s %9s %9s %9s %7s\n", "corpus", "MB", "icu_word", "voc_fast", "voc_icu", "ratio");
  Corpus all;
  all.name = "ALL";
  for (const Corpus& c : corpora) {
    all.bytes += c.bytes;
    all.lines.insert(all.lines.end(), c.lines.begin(), c.lines.end());
  }
  std::vector<const Corpus*> order;
  for (const Corpus& c : corpora) order.push_back(&c);
  order.push_back(&all);
  size_t sink = 0;
  for (const Corpus* c : order) {
    double per = c == &all ? seconds * 2 : seconds / 2;
    double icu_mbs = Measure(*c, per, [&] {
      UText ut = UTEXT_INITIALIZER;
      for (const std::string& line : c->lines) {
        UErrorCode st = U_ZERO_ERROR;
        utext_openUTF8(&ut, line.data(), static_cast<int64_t>(line.size()), &st);
        ubrk_setUText(bi, &ut, &st);
        for (int32_t b = ubrk_first(bi); b != UBRK_DONE; b = ubrk_next(bi)) sink += b;
      }
      utext_close(&ut);
    });
    double fast_mbs = Measure(*c, per, [&] {
      for (const std::string& line : c->lines) sink += (*fast)->Tokenize(line).tokens.size();
    });
    double slow_mbs = Measure(*c, per, [&] {
      for (const std::string& line : c->lines) sink += (*icu)->Tokenize(line).tokens.size();
    });
    std::printf("%-58s %8.2f %9.1f %9.1f %9.1f %6.2fx\n", c->name.c_str(), c->bytes / 1e6, icu_mbs, fast_mbs,
                slow_mbs, fast_mbs / icu_mbs);
  }
  ubrk_close(bi);
  std::printf("(MB per CPU second, single thread; ratio = voc_fast / icu_word; checksum %zu)\n", sink % 1000);
  return disagree == 0 ? 0 : 1;
}
