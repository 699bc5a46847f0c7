// `voc records`: reads CSV, JSON Lines or text records (optionally gzip)
// and prints each as one JSON object per line.
#include <cstdio>
#include <iostream>
#include <string>

#include "cli.h"
#include "input_flags.h"
#include "voc/reader.h"

namespace po = boost::program_options;

namespace {

int RunRecords(int argc, char** argv) {
  voc_cli::InputFlags input;
  std::string path = "-";
  po::options_description desc(
      "usage: voc records [INPUT|-] [options]\n\n"
      "Reads records from CSV (RFC 4180), JSON Lines or plain text, optionally gzip-compressed,\n"
      "and prints one JSON object per record: index, line, id, timestamp (ISO 8601 UTC),\n"
      "channel, customer_id, text, metadata. Malformed records are rejected with their line\n"
      "and reason; the counts are printed on stderr at the end.\n\noptions");
  desc.add_options()("help,h", "show this help");
  voc_cli::AddInputFlags(&desc, &input);
  po::options_description hidden;
  hidden.add_options()("input", po::value(&path));
  po::options_description all;
  all.add(desc).add(hidden);
  po::positional_options_description pos;
  pos.add("input", 1);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(argc, argv).options(all).positional(pos).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    throw voc_cli::UsageError(e.what());
  }
  if (vm.count("help")) {
    std::cout << desc << "\n";
    return 0;
  }
  auto reader = voc_cli::OpenReader(path, voc_cli::MakeReaderOptions(input));
  auto rejects = voc_cli::OpenRejects(input);
  voc::Record record;
  voc::Reject reject;
  std::string line;
  for (;;) {
    auto next = reader->Read(&record, &reject);
    if (next == voc::RecordReader::Next::kEnd) break;
    if (next == voc::RecordReader::Next::kReject) {
      voc_cli::ReportReject(reject, rejects.get());
      continue;
    }
    line = voc::RecordToJson(record);
    line += '\n';
    std::fwrite(line.data(), 1, line.size(), stdout);
  }
  std::fflush(stdout);
  voc_cli::FinishInput(*reader, rejects.get());
  return 0;
}

}  // namespace

VOC_CLI_COMMAND(records, "records", "read CSV/JSONL/text records (optionally gzip) and print them as JSONL",
                RunRecords);
