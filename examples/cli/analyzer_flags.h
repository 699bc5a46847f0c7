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
  std::string config;                 // --config FILE (AnalyzerOptions as JSON; flags given override it)
  bool print_config = false;          // --print-config
  std::string models_dir;             // --models-dir
  std::string sentiment_model;        // --sentiment-model
  std::string themes;                 // --themes (taxonomy JSON or a trained model)
  std::string themes_model;           // --themes-model (with a taxonomy)
  std::string industry;               // --industry NAME[,NAME]|auto|none|all (default auto)
  std::string language;               // --language (forced ISO 639-1 code)
  std::vector<std::string> patterns;  // --pattern NAME=REGEX (extra PII)
  std::string customer_salt;          // --customer-salt (default $VOC_CUSTOMER_SALT)
  int threads = 0;                    // --threads
  long long batch_size = 512;         // signed: a negative value is refused, not wrapped
                                      // --batch-size: records in memory per batch
  bool quiet = false;                 // --quiet
  std::string adapt;                  // --adapt on|off (default: on for a file, off for stdin)
  size_t adapt_sample = 20000;        // --adapt-sample: records the adaptation is fitted on
  std::string save_adapted;           // --save-adapted MODEL
  std::string adapted;                // --adapted MODEL (reuse; no fitting)
};

void AddAnalyzerFlags(boost::program_options::options_description* desc, AnalyzerFlags* flags);

// The analyzer's options: the --config file (when given), then the flags
// given on the command line over it. Throws UsageError for a bad config.
voc::AnalyzerOptions ResolveAnalyzerOptions(const AnalyzerFlags& flags);

// With --print-config, prints the resolved options as a config file on
// stdout and returns true (the command then ends).
bool PrintConfigIfAsked(const AnalyzerFlags& flags);

// Builds the analyzer; throws Failure with the library's message. With
// --industry auto, `sample` holds the records it looks at (the first ones of
// the input, see ReadIndustrySample).
// `adjust`, when given, changes the resolved options first (a command that
// never reads a stage's output turns it off).
std::unique_ptr<voc::Analyzer> MakeAnalyzer(const AnalyzerFlags& flags,
                                            const std::vector<voc::Record>& sample = {},
                                            void (*adjust)(voc::AnalyzerOptions*) = nullptr);

// With --industry auto, reads the first voc::kIndustrySampleRecords records
// of `reader` (rejects met on the way go to `rejects`); the caller analyses
// them first, then runs the pipeline on the rest. Empty for other modes.
std::vector<voc::Record> ReadIndustrySample(const AnalyzerFlags& flags, voc::RecordReader& reader,
                                            std::vector<voc::Reject>* rejects);

// Prints on stderr which industry packs the analyzer uses and why, unless
// quiet: "voc: industry packs: travel (34% of 1000 sampled records: ...)".
void PrintIndustries(const voc::Analyzer& analyzer, bool quiet);

// The --batch-size value; UsageError unless it is at least 1.
size_t CheckBatchSize(long long batch_size);

// Fits the themes adapted to the input (voc/adapter.h) on its first records,
// as the flags say, and sets them on `analyzer`. The analyses of the records
// read are appended to `*sample` (which may hold the analyses of records
// read before; they are part of the sample, and `keep_columns` are copied
// into the fields of the new ones), for the caller to output before the rest
// of the input; rejects to `on_reject`. Returns true when it set adapted
// themes: then the sample's analyses still lack them, and the caller applies
// them (Analyzer::ApplyThemeAdapter) to each, in the pass that outputs it.
// Does nothing (false) with --adapted (loaded by MakeAnalyzer) or when
// adaptation is off. A fit that finds no theme to adapt is a warning, or a
// Failure with --save-adapted.
bool SetUpAdaptation(const AnalyzerFlags& flags, const std::string& input, voc::Analyzer* analyzer,
                     voc::RecordReader* reader, std::vector<voc::Analysis>* sample,
                     const std::function<void(const voc::Reject&)>& on_reject,
                     const std::vector<std::string>& keep_columns = {});

// Returns a progress callback that prints "voc: N records read" on stderr at
// most every two seconds (nothing when quiet).
std::function<void(uint64_t)> MakeProgress(bool quiet);

}  // namespace voc_cli

#endif  // VOC_EXAMPLES_CLI_ANALYZER_FLAGS_H_
