// Flags shared by the subcommands that run the whole pipeline
// (`voc analyze`, `voc findings`): models, themes and threads.
#ifndef VOC_EXAMPLES_CLI_ANALYZER_FLAGS_H_
#define VOC_EXAMPLES_CLI_ANALYZER_FLAGS_H_

#include <boost/program_options.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "voc/analyzer.h"

namespace voc_cli {

struct AnalyzerFlags {
  std::string models_dir;       // --models-dir
  std::string sentiment_model;  // --sentiment-model
  std::string themes;           // --themes (taxonomy JSON or a trained model)
  std::string themes_model;     // --themes-model (with a taxonomy)
  std::string language;         // --language (forced ISO 639-1 code)
  std::vector<std::string> patterns;  // --pattern NAME=REGEX (extra PII)
  int threads = 0;              // --threads
  size_t batch_size = 512;      // --batch-size: records in memory per batch
  bool quiet = false;           // --quiet
};

void AddAnalyzerFlags(boost::program_options::options_description* desc, AnalyzerFlags* flags);

// Builds the analyzer; throws Failure with the library's message.
std::unique_ptr<voc::Analyzer> MakeAnalyzer(const AnalyzerFlags& flags);

// Returns a progress callback that prints "voc: N records read" on stderr at
// most every two seconds (nothing when quiet).
std::function<void(uint64_t)> MakeProgress(bool quiet);

}  // namespace voc_cli

#endif  // VOC_EXAMPLES_CLI_ANALYZER_FLAGS_H_
