#include "analyzer_flags.h"

#include <chrono>
#include <cstdio>
#include <unistd.h>

#include "cli.h"

namespace po = boost::program_options;

namespace voc_cli {

void AddAnalyzerFlags(po::options_description* desc, AnalyzerFlags* f) {
  desc->add_options()
      ("models-dir", po::value(&f->models_dir),
       "folder of the shipped models (default: $VOC_MODELS_DIR, the installed or source models/)")
      ("sentiment-model", po::value(&f->sentiment_model),
       "sentiment model file, or 'none' for the lexicon alone (default: <models-dir>/sentiment.vocm)")
      ("themes", po::value(&f->themes),
       "taxonomy JSON, or a model made by `voc train` whose labels become the themes "
       "(default: <models-dir>/taxonomy.json)")
      ("themes-model", po::value(&f->themes_model),
       "with a taxonomy: a trained model whose labels map to its themes")
      ("language", po::value(&f->language),
       "language of every record, an ISO 639-1 code such as 'de' (default: identified per record)")
      ("pattern", po::value(&f->patterns)->composing(),
       "extra PII pattern to redact, NAME=REGEX (RE2 syntax); repeatable")
      ("threads", po::value(&f->threads)->default_value(0), "worker threads (0: all cores)")
      ("batch-size", po::value(&f->batch_size)->default_value(f->batch_size),
       "records analysed per batch; at most about two batches are held in memory")
      ("quiet,q", po::bool_switch(&f->quiet), "no progress on stderr");
}

std::unique_ptr<voc::Analyzer> MakeAnalyzer(const AnalyzerFlags& f) {
  if (f.threads < 0) throw UsageError("--threads must be >= 0");
  voc::AnalyzerOptions o;
  o.models_dir = f.models_dir;
  o.sentiment_model = f.sentiment_model;
  o.themes = f.themes;
  o.themes_model = f.themes_model;
  o.language = f.language;
  o.redactor.extra_patterns = f.patterns;
  auto an = voc::Analyzer::Create(o);
  if (!an.ok()) throw Failure(an.status().message());
  return std::move(*an);
}

std::function<void(uint64_t)> MakeProgress(bool quiet) {
  if (quiet) return nullptr;
  auto start = std::chrono::steady_clock::now();
  auto last = std::make_shared<std::chrono::steady_clock::time_point>(start);
  const bool tty = isatty(STDERR_FILENO);
  return [start, last, tty](uint64_t n) {
    auto now = std::chrono::steady_clock::now();
    if (now - *last < std::chrono::seconds(2)) return;
    *last = now;
    double secs = std::chrono::duration<double>(now - start).count();
    std::fprintf(stderr, tty ? "\rvoc: %llu records read (%.0f/s)   " : "voc: %llu records read (%.0f/s)\n",
                 static_cast<unsigned long long>(n), secs > 0 ? n / secs : 0.0);
    std::fflush(stderr);
  };
}

}  // namespace voc_cli
