// Shared input flags of the record-reading subcommands.
#include "input_flags.h"

#include <cstdio>
#include <string>

#include "cli.h"

namespace po = boost::program_options;

namespace voc_cli {

void AddInputFlags(po::options_description* desc, InputFlags* flags) {
  desc->add_options()("format", po::value(&flags->format)->default_value(flags->format),
                      "input format: auto, csv, tsv, jsonl or text (jsonl: JSON Lines, or one JSON array "
                      "of objects, told apart by content; auto: by extension, then by content; gzip is "
                      "detected by content)")("text-col",
                                              po::value(&flags->text_col)->default_value(flags->text_col),
                                              "column (CSV header name or JSON field) holding the text")(
      "id-col", po::value(&flags->id_col),
      "column holding the record id (default: 'id' if present, else the record number)")(
      "time-col", po::value(&flags->time_col),
      "column holding the record time (ISO 8601, YYYY-MM-DD, MM/DD/YYYY or Unix seconds)")(
      "channel-col", po::value(&flags->channel_col), "column holding the channel")(
      "customer-col", po::value(&flags->customer_col), "column holding the customer id")(
      "rejects", po::value(&flags->rejects),
      "write rejected records as JSON Lines to this file (default: warn on stderr)")(
      "max-record-bytes", po::value(&flags->max_record_bytes)->default_value(flags->max_record_bytes),
      "larger records are rejected (\"record exceeds N bytes\") without being held in memory");
}

voc::ReaderOptions MakeReaderOptions(const InputFlags& flags) {
  voc::ReaderOptions options;
  auto format = voc::ParseInputFormat(flags.format);
  if (!format.ok()) throw UsageError(format.status().message());
  options.format = *format;
  if (flags.format == "tsv") options.delimiter = '\t';
  if (flags.text_col.empty()) throw UsageError("--text-col must not be empty");
  options.text_column = flags.text_col;
  options.id_column = flags.id_col;
  options.time_column = flags.time_col;
  options.channel_column = flags.channel_col;
  options.customer_column = flags.customer_col;
  if (flags.max_record_bytes < 16)
    throw UsageError("--max-record-bytes must be at least 16, got " + std::to_string(flags.max_record_bytes));
  options.max_record_bytes = static_cast<size_t>(flags.max_record_bytes);
  return options;
}

std::unique_ptr<voc::RecordReader> OpenReader(const std::string& path, const voc::ReaderOptions& options) {
  auto reader = voc::RecordReader::Open(path, options);
  if (!reader.ok()) throw Failure(reader.status().message());
  for (const std::string& note : (*reader)->notes()) std::fprintf(stderr, "voc: note: %s\n", note.c_str());
  return std::move(*reader);
}

std::unique_ptr<voc::RejectWriter> OpenRejects(const InputFlags& flags, voc::RejectWriter::Redact redact) {
  if (flags.rejects.empty()) return nullptr;
  auto writer = voc::RejectWriter::Open(flags.rejects, std::move(redact));
  if (!writer.ok()) throw Failure(writer.status().message());
  return std::move(*writer);
}

void ReportReject(const voc::Reject& reject, voc::RejectWriter* writer,
                  const voc::RejectWriter::Redact& redact) {
  static constexpr uint64_t kMaxWarnings = 20;
  if (writer != nullptr) {
    voc::Status s = writer->Write(reject);
    if (!s.ok()) throw Failure(s.message());
    return;
  }
  static uint64_t warned = 0;
  if (warned < kMaxWarnings) {
    const std::string reason =
        voc::CutRedacted(redact ? redact(reject.reason) : reject.reason, voc::kMaxRejectReasonBytes);
    std::fprintf(stderr, "voc: line %llu: %s\n", static_cast<unsigned long long>(reject.line),
                 reason.c_str());
  } else if (warned == kMaxWarnings) {
    std::fprintf(stderr, "voc: more rejects not shown; use --rejects FILE to keep them all\n");
  }
  ++warned;
}

void FinishInput(const voc::RecordReader& reader, voc::RejectWriter* writer) {
  const voc::ReaderStats& stats = reader.stats();
  std::fprintf(stderr, "voc: read %llu records: %llu emitted, %llu rejected\n",
               static_cast<unsigned long long>(stats.read), static_cast<unsigned long long>(stats.emitted),
               static_cast<unsigned long long>(stats.rejected));
  if (writer != nullptr) {
    voc::Status s = writer->Close();
    if (!s.ok()) throw Failure(s.message());
  }
  if (!reader.status().ok()) throw Failure(reader.status().message());
}

}  // namespace voc_cli
