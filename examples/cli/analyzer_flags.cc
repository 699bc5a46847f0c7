#include "analyzer_flags.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

#include "cli.h"
#include "voc/adapter.h"
#include "voc/parallel.h"

namespace po = boost::program_options;

namespace voc_cli {

void AddAnalyzerFlags(po::options_description* desc, AnalyzerFlags* f) {
  desc->add_options()("config", po::value(&f->config),
                      "analyzer options as a JSON file (models, themes, industry, language, normalizer, "
                      "redactor, sentiment thresholds, signal thresholds and extra cues, theme rules; "
                      "--print-config shows every key); the flags given here override it")(
      "print-config", po::bool_switch(&f->print_config),
      "print the analyzer options (the --config file and the flags) as JSON and exit")(
      "models-dir", po::value(&f->models_dir),
      "folder of the shipped models (default: $VOC_MODELS_DIR, the installed or source models/)")(
      "sentiment-model", po::value(&f->sentiment_model),
      "sentiment model file, or 'none' for the lexicon alone (default: <models-dir>/sentiment.vocm)")(
      "themes", po::value(&f->themes),
      "taxonomy JSON, or a model made by `voc train` whose labels become the themes "
      "(default: <models-dir>/taxonomy.json)")(
      "themes-model", po::value(&f->themes_model),
      "with a taxonomy: a trained model whose labels map to its themes")(
      "industry", po::value(&f->industry),
      "industry packs of the taxonomy: auto (default: the packs whose vocabulary the first 1000 records "
      "show), none (core themes only), all, or pack names, e.g. travel,telecom")(
      "language", po::value(&f->language),
      "language of every record, an ISO 639-1 code such as 'de' (default: identified per record)")(
      "pattern", po::value(&f->patterns)->composing(),
      "extra PII pattern to redact, NAME=REGEX (RE2 syntax); repeatable")(
      "customer-salt", po::value(&f->customer_salt),
      "secret salt of the keyed hash that replaces customer ids (default: $VOC_CUSTOMER_SALT); "
      "runs whose aggregates are merged must use the same salt")(
      "threads", po::value(&f->threads)->default_value(0), "worker threads (0: all cores)")(
      "batch-size", po::value(&f->batch_size)->default_value(f->batch_size),
      "records analysed per batch; at most about two batches are held in memory")(
      "quiet,q", po::bool_switch(&f->quiet), "no progress on stderr")(
      "adapt", po::value(&f->adapt),
      "on|off: adapt the themes to the input's own words, a classifier trained on what the "
      "rules label confidently gives themes to what they miss (default: on for a file, off "
      "for stdin)")("adapt-sample", po::value(&f->adapt_sample)->default_value(f->adapt_sample),
                    "records (the first of the input) the adaptation is fitted on")(
      "save-adapted", po::value(&f->save_adapted), "save the adapted themes to MODEL")(
      "adapted", po::value(&f->adapted),
      "apply adapted themes saved by --save-adapted instead of fitting them");
}

int CheckThreads(int threads) {
  if (threads < 0) throw UsageError("--threads must be >= 0");
  if (threads > voc::MaxThreads()) {
    std::fprintf(stderr, "voc: warning: --threads %d is more than 4 per core; using %d\n", threads,
                 voc::MaxThreads());
    return voc::MaxThreads();
  }
  return threads;
}

size_t CheckBatchSize(long long batch_size) {
  if (batch_size < 1) throw UsageError("--batch-size must be at least 1, got " + std::to_string(batch_size));
  return static_cast<size_t>(batch_size);
}

namespace {

// The whole of a small text file (a config: at most 1 MiB).
std::string ReadTextFile(const std::string& path, const char* flag) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    throw UsageError(std::string(flag) + " " + path + " is a directory");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw UsageError(std::string("cannot read ") + flag + " " + path);
  std::string text;
  char buf[65536];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    text.append(buf, static_cast<size_t>(in.gcount()));
    if (text.size() > (1u << 20)) throw UsageError(std::string(flag) + " " + path + " is over 1 MiB");
  }
  return text;
}

}  // namespace

voc::AnalyzerOptions ResolveAnalyzerOptions(const AnalyzerFlags& f) {
  voc::AnalyzerOptions o;
  if (!f.config.empty()) {
    std::string text = ReadTextFile(f.config, "--config");
    if (auto st = voc::ApplyAnalyzerConfig(text, &o); !st.ok())
      throw UsageError(f.config + ": " + st.message());
    // Paths in the file are relative to it.
    const std::filesystem::path base = std::filesystem::path(f.config).parent_path();
    for (std::string* path :
         {&o.models_dir, &o.sentiment_model, &o.themes, &o.themes_model, &o.adapted_model})
      if (!path->empty() && *path != "none" && std::filesystem::path(*path).is_relative())
        *path = (base / *path).string();
  }
  if (!f.models_dir.empty()) o.models_dir = f.models_dir;
  if (!f.sentiment_model.empty()) o.sentiment_model = f.sentiment_model;
  if (!f.themes.empty()) o.themes = f.themes;
  if (!f.themes_model.empty()) o.themes_model = f.themes_model;
  if (!f.language.empty()) o.language = f.language;
  if (!f.patterns.empty()) o.redactor.extra_patterns = f.patterns;
  if (!f.industry.empty()) o.industry = f.industry;
  if (!f.customer_salt.empty()) o.customer_salt = f.customer_salt;
  if (o.customer_salt.empty())
    if (const char* env = std::getenv("VOC_CUSTOMER_SALT")) o.customer_salt = env;
  if (!f.adapted.empty()) o.adapted_model = f.adapted;
  return o;
}

bool PrintConfigIfAsked(const AnalyzerFlags& f) {
  if (!f.print_config) return false;
  std::fputs(voc::AnalyzerConfigToJson(ResolveAnalyzerOptions(f)).c_str(), stdout);
  return true;
}

std::unique_ptr<voc::Analyzer> MakeAnalyzer(const AnalyzerFlags& f, const std::vector<voc::Record>& sample,
                                            void (*adjust)(voc::AnalyzerOptions*)) {
  CheckThreads(f.threads);
  voc::AnalyzerOptions o = ResolveAnalyzerOptions(f);
  if (adjust) adjust(&o);
  o.industry_sample.reserve(sample.size());
  for (const auto& r : sample) o.industry_sample.push_back(r.text);
  if (f.adapt != "" && f.adapt != "on" && f.adapt != "off")
    throw UsageError("--adapt must be on or off, not '" + f.adapt + "'");
  if (!f.adapted.empty() && f.adapt == "off") throw UsageError("--adapted contradicts --adapt off");
  if (!f.save_adapted.empty() && f.adapt == "off") throw UsageError("--save-adapted contradicts --adapt off");
  if (!f.adapted.empty() && !f.save_adapted.empty())
    throw UsageError("--adapted applies a saved model and --save-adapted fits one: give one of them");
  if (f.adapt_sample == 0) throw UsageError("--adapt-sample must be at least 1");
  auto an = voc::Analyzer::Create(o);
  if (!an.ok()) throw Failure(an.status().message());
  return std::move(*an);
}

std::vector<voc::Record> ReadIndustrySample(const AnalyzerFlags& f, voc::RecordReader& reader,
                                            std::vector<voc::Reject>* rejects) {
  std::vector<voc::Record> sample;
  if (ResolveAnalyzerOptions(f).industry != "auto") return sample;
  voc::Record record;
  voc::Reject reject;
  while (sample.size() < voc::kIndustrySampleRecords) {
    auto next = reader.Read(&record, &reject);
    if (next == voc::RecordReader::Next::kEnd) break;
    if (next == voc::RecordReader::Next::kReject) {
      rejects->push_back(std::move(reject));
      reject = voc::Reject();
    } else {
      sample.push_back(std::move(record));
      record = voc::Record();
    }
  }
  return sample;
}

void PrintIndustries(const voc::Analyzer& analyzer, bool quiet) {
  if (quiet || analyzer.industries().packs.empty()) return;
  std::fprintf(stderr, "voc: industry packs: %s\n", analyzer.industries().Summary().c_str());
}

bool SetUpAdaptation(const AnalyzerFlags& f, const std::string& input, voc::Analyzer* analyzer,
                     voc::RecordReader* reader, std::vector<voc::Analysis>* sample,
                     const std::function<void(const voc::Reject&)>& on_reject,
                     const std::vector<std::string>& keep_columns) {
  if (!f.adapted.empty()) return false;
  const bool on = f.adapt == "on" || (f.adapt.empty() && (input != "-" || !f.save_adapted.empty()));
  if (!on) return false;
  voc::AdaptOptions ao;
  ao.sample_records = f.adapt_sample;
  ao.threads = f.threads;
  ao.keep_columns = keep_columns;
  // The records analysed while the adapter is fitted are written (or
  // aggregated) with the sample.
  ao.read_ahead_records = ao.sample_records;
  auto adapter = voc::FitThemeAdapter(*reader, *analyzer, ao, sample, on_reject);
  if (!adapter.ok()) {
    if (!f.save_adapted.empty() || adapter.status().code() != voc::StatusCode::kFailedPrecondition)
      throw Failure(adapter.status().message());
    if (!f.quiet)
      std::fprintf(stderr, "voc: warning: %s; themes from the rules only\n",
                   adapter.status().message().c_str());
    return false;
  }
  const voc::AdaptReport& r = (*adapter)->report();
  if (!f.quiet)
    std::fprintf(
        stderr,
        "voc: adapted %zu themes on the first %llu records (%llu labelled by the rules); %zu not adapted\n",
        r.themes.size(), static_cast<unsigned long long>(r.sample),
        static_cast<unsigned long long>(r.labelled), r.skipped.size());
  if (!f.save_adapted.empty()) {
    voc::Status st = (*adapter)->Save(f.save_adapted);
    if (!st.ok()) throw Failure(st.message());
  }
  voc::Status st = analyzer->SetThemeAdapter(std::move(*adapter));
  if (!st.ok()) throw Failure(st.message());
  return true;
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
