// `voc records`: reads CSV, JSON Lines or text records (optionally gzip)
// and prints each as one JSON object per line.
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <string>

#include "cli.h"
#include "input_flags.h"
#include "output_files.h"
#include "voc/normalizer.h"
#include "voc/reader.h"
#include "voc/redactor.h"

namespace po = boost::program_options;

namespace {

int RunRecords(int argc, char** argv) {
  voc_cli::InputFlags input;
  std::string path = "-";
  po::options_description desc(
      "usage: voc records [INPUT|-] [options]\n\n"
      "Reads records from CSV (RFC 4180), JSON Lines, a JSON array or plain text, optionally\n"
      "gzip-compressed, and prints one JSON object per record: index, line, id, timestamp\n"
      "(ISO 8601 UTC), channel, customer_id, text, metadata. Malformed records are rejected\n"
      "with their line and reason; the counts are printed on stderr at the end. Personal data\n"
      "in the text and in rejected records is redacted unless --no-redact is given.\n\noptions");
  bool no_redact = false;
  desc.add_options()("help,h", "show this help")("no-redact", po::bool_switch(&no_redact),
                                                 "print the text as read, personal data included");
  voc_cli::AddInputFlags(&desc, &input);
  po::options_description hidden;
  hidden.add_options()("input", po::value(&path));
  po::options_description all;
  all.add(desc).add(hidden);
  po::positional_options_description pos;
  pos.add("input", 1);
  po::variables_map vm = voc_cli::ParseCommandLine(argc, argv, all, pos);
  if (vm.count("help")) {
    std::cout << desc << "\n";
    return 0;
  }
  voc_cli::CheckDistinctFiles({{"INPUT", path}}, {{"standard output", "-"}, {"--rejects", input.rejects}});
  auto reader = voc_cli::OpenReader(path, voc_cli::MakeReaderOptions(input));
  // Redaction needs valid UTF-8 but should otherwise keep the text as read.
  voc::NormalizerOptions keep;
  keep.decode_html_entities = false;
  keep.collapse_whitespace = false;
  keep.keep_line_breaks = true;
  keep.remove_controls = false;
  auto normalizer = voc::Normalizer::Create(keep);
  auto redactor = voc::Redactor::Create();
  if (!normalizer.ok() || !redactor.ok()) throw voc_cli::Failure("cannot build the redactor");
  auto redact = [&](std::string_view text) {
    return (*redactor)->Redact((*normalizer)->Normalize(text).text).text;
  };
  auto rejects = no_redact ? voc_cli::OpenRejects(input) : voc_cli::OpenRejects(input, redact);
  voc::Record record;
  voc::Reject reject;
  std::string line;
  for (;;) {
    auto next = reader->Read(&record, &reject);
    if (next == voc::RecordReader::Next::kEnd) break;
    if (next == voc::RecordReader::Next::kReject) {
      voc_cli::ReportReject(reject, rejects.get(), no_redact ? nullptr : voc::RejectWriter::Redact(redact));
      continue;
    }
    if (!no_redact) {
      // Every column may hold personal data, not only the text.
      record.text = redact(record.text);
      for (std::string* field : {&record.id, &record.channel, &record.customer_id})
        if ((*redactor)->ContainsPii(*field)) *field = redact(*field);
      for (auto& [key, value] : record.metadata)
        if ((*redactor)->ContainsPii(value)) value = redact(value);
    }
    line = voc::RecordToJson(record);
    line += '\n';
    if (std::fwrite(line.data(), 1, line.size(), stdout) != line.size())
      throw voc_cli::Failure(std::string("write error on standard output: ") + std::strerror(errno));
  }
  std::fflush(stdout);
  voc_cli::FinishInput(*reader, rejects.get());
  return 0;
}

}  // namespace

VOC_CLI_COMMAND(records, "records", "read CSV/JSONL/text records (optionally gzip) and print them as JSONL",
                RunRecords);
