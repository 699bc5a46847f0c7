// Flags of `voc findings` and `voc report` for the action loop across runs:
// --history DIR (each run is stored as DIR/run-NNNNNN.json and compared with
// the latest one there) and --actions FILE (voc/history.h).
#ifndef VOC_EXAMPLES_CLI_HISTORY_FLAGS_H_
#define VOC_EXAMPLES_CLI_HISTORY_FLAGS_H_

#include <boost/program_options.hpp>
#include <string>

#include "voc/findings.h"

namespace voc_cli {

struct HistoryFlags {
  std::string history;  // directory of run files
  std::string actions;  // JSON or CSV file
  std::string run_timestamp;
};

void AddHistoryFlags(boost::program_options::options_description* desc, HistoryFlags* flags);

// Reads the latest run of --history (none when the folder is missing or has
// no run file) and the --actions file into `options`. Throws Failure naming
// the file for a corrupt or newer history file and for a malformed actions
// file; UsageError when --history is not a folder.
void ApplyHistoryFlags(const HistoryFlags& flags, voc::FindingsOptions* options);

// Stores `findings.run` as a new file in --history (created when missing);
// never replaces an existing file; unless `quiet`, says on stderr where and
// what changed. No-op without --history.
void WriteHistory(const HistoryFlags& flags, const voc::Findings& findings, bool quiet = false);

}  // namespace voc_cli

#endif  // VOC_EXAMPLES_CLI_HISTORY_FLAGS_H_
