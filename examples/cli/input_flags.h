// Command-line flags shared by the subcommands that read records
// (`voc records`, `voc analyze`, `voc findings`): the input format, the
// column names and the rejects file.
//
//   voc_cli::InputFlags input;
//   po::options_description desc("options");
//   voc_cli::AddInputFlags(&desc, &input);
//   ... parse ...
//   auto reader = voc_cli::OpenReader(path, voc_cli::MakeReaderOptions(input));
#ifndef VOC_EXAMPLES_CLI_INPUT_FLAGS_H_
#define VOC_EXAMPLES_CLI_INPUT_FLAGS_H_

#include <boost/program_options.hpp>
#include <cstdint>
#include <memory>
#include <string>

#include "voc/reader.h"

namespace voc_cli {

struct InputFlags {
  std::string format = "auto";    // --format
  std::string text_col = "text";  // --text-col
  std::string id_col;             // --id-col
  std::string time_col;           // --time-col
  std::string channel_col;        // --channel-col
  std::string customer_col;       // --customer-col
  std::string rejects;            // --rejects FILE
  long long max_record_bytes =
      8LL << 20;  // signed: a negative value is refused, not wrapped  // --max-record-bytes
};

// Adds --format, --text-col, --id-col, --time-col, --channel-col,
// --customer-col and --rejects to `desc`, stored into `*flags`.
void AddInputFlags(boost::program_options::options_description* desc, InputFlags* flags);

// Builds reader options from the flags; throws UsageError for a bad --format.
voc::ReaderOptions MakeReaderOptions(const InputFlags& flags);

// Opens `path` ("-" = stdin); throws Failure with the reader's message.
std::unique_ptr<voc::RecordReader> OpenReader(const std::string& path, const voc::ReaderOptions& options);

// Opens the rejects file named by --rejects (nullptr when absent), passing
// `redact` to apply to each reject's raw bytes; throws Failure on error.
std::unique_ptr<voc::RejectWriter> OpenRejects(const InputFlags& flags,
                                               voc::RejectWriter::Redact redact = nullptr);

// Handles one reject: writes it to `writer` if there is one, otherwise warns
// on stderr ("voc: line 12: <reason>") for the first few.
// `redact`, when given, masks personal data in the reason printed on stderr.
void ReportReject(const voc::Reject& reject, voc::RejectWriter* writer,
                  const voc::RejectWriter::Redact& redact = nullptr);

// Prints "voc: read N records: M emitted, K rejected" on stderr, closes the
// rejects file, and throws Failure if the stream or the rejects file failed.
void FinishInput(const voc::RecordReader& reader, voc::RejectWriter* writer);

}  // namespace voc_cli

#endif  // VOC_EXAMPLES_CLI_INPUT_FLAGS_H_
