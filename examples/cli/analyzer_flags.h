// Flags shared by the subcommands that run the whole pipeline
// (`voc analyze`, `voc findings`): models, themes and threads.
#ifndef VOC_EXAMPLES_CLI_ANALYZER_FLAGS_H_
#define VOC_EXAMPLES_CLI_ANALYZER_FLAGS_H_

#include <boost/program_options.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "voc/analyzer.h"
#include "voc/reader.h"

namespace voc_cli {

struct AnalyzerFlags {
  std::string models_dir;       // --models-dir
  std::string sentiment_model;  // --sentiment-model
  std::string themes;           // --themes (taxonomy JSON or a trained model)
  std::string themes_model;     // --themes-model (with a taxonomy)
  std::vector<std::string> patterns;  // --pattern NAME=REGEX (extra PII)
  int threads = 0;              // --threads
  size_t batch_size = 512;      // --batch-size: records in memory per batch
  bool quiet = false;           // --quiet
  std::string adapt;            // --adapt on|off (default: on for a file, off for stdin)
  size_t adapt_sample = 20000;  // --adapt-sample: records the adaptation is fitted on
  std::string save_adapted;     // --save-adapted MODEL
  std::string adapted;          // --adapted MODEL (reuse; no fitting)
};

void AddAnalyzerFlags(boost::program_options::options_description* desc, AnalyzerFlags* flags);

// Builds the analyzer; throws Failure with the library's message.
std::unique_ptr<voc::Analyzer> MakeAnalyzer(const AnalyzerFlags& flags);

// Fits the themes adapted to the input (voc/adapter.h) on its first records,
// as the flags say, and sets them on `analyzer`. The analyses of the records
// read (adapted themes included) go to `*sample`, for the caller to output
// before the rest of the input; rejects to `on_reject`. Does nothing with
// --adapted (loaded by MakeAnalyzer) or when adaptation is off. A fit that
// finds no theme to adapt is a warning, or a Failure with --save-adapted.
void SetUpAdaptation(const AnalyzerFlags& flags, const std::string& input, voc::Analyzer* analyzer,
                     voc::RecordReader* reader, std::vector<voc::Analysis>* sample,
                     const std::function<void(const voc::Reject&)>& on_reject);

// Returns a progress callback that prints "voc: N records read" on stderr at
// most every two seconds (nothing when quiet).
std::function<void(uint64_t)> MakeProgress(bool quiet);

}  // namespace voc_cli

#endif  // VOC_EXAMPLES_CLI_ANALYZER_FLAGS_H_
