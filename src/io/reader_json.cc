// JSON output of records and rejects, and the rejects file writer.
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>

#include "io/reader_internal.h"
#include "voc/reader.h"

namespace voc {

std::string RecordToJson(const Record& record) {
  using internal::AppendJsonString;
  std::string out =
      "{\"index\":" + std::to_string(record.index) + ",\"line\":" + std::to_string(record.line) + ",\"id\":";
  AppendJsonString(record.id, &out);
  out += ",\"timestamp\":";
  if (record.timestamp) {
    AppendJsonString(FormatTimestamp(*record.timestamp), &out);
  } else {
    out += "null";
  }
  out += ",\"channel\":";
  AppendJsonString(record.channel, &out);
  out += ",\"customer_id\":";
  AppendJsonString(record.customer_id, &out);
  out += ",\"text\":";
  AppendJsonString(record.text, &out);
  out += ",\"metadata\":{";
  for (size_t i = 0; i < record.metadata.size(); ++i) {
    if (i > 0) out += ',';
    AppendJsonString(record.metadata[i].first, &out);
    out += ':';
    AppendJsonString(record.metadata[i].second, &out);
  }
  out += "}}";
  return out;
}

std::string CutRedacted(std::string_view text, size_t limit) {
  if (text.size() <= limit) return std::string(text);
  size_t cut = limit;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  // Inside "[MASK]": cut before it.
  const size_t open = text.rfind('[', cut == 0 ? 0 : cut - 1);
  if (open != std::string_view::npos && cut - open < 16) {
    const size_t close = text.find(']', open);
    if (close != std::string_view::npos && close >= cut) cut = open;
  }
  return std::string(text.substr(0, cut)) + "...";
}

std::string RejectWriter::ToJson(const Reject& reject, const Redact& redact) {
  using internal::AppendJsonString;
  std::string out = "{\"index\":" + std::to_string(reject.index) +
                    ",\"line\":" + std::to_string(reject.line) + ",\"reason\":";
  // A reason may quote the input (e.g. an unparseable timestamp): redacted too.
  AppendJsonString(CutRedacted(redact ? redact(reject.reason) : reject.reason, kMaxRejectReasonBytes), &out);
  out += ",\"raw\":";
  std::string raw = redact ? redact(reject.raw) : reject.raw;
  if (reject.raw_limit != 0) raw = CutRedacted(raw, reject.raw_limit);
  AppendJsonString(raw, &out);
  out += '}';
  return out;
}

Result<std::unique_ptr<RejectWriter>> RejectWriter::Open(const std::string& path, Redact redact) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) {
    return InvalidArgumentError("cannot open rejects file '" + path + "': " + std::strerror(errno));
  }
  return std::unique_ptr<RejectWriter>(new RejectWriter(f, path, std::move(redact)));
}

RejectWriter::RejectWriter(std::FILE* file, std::string path, Redact redact)
    : file_(file), path_(std::move(path)), redact_(std::move(redact)) {}

RejectWriter::~RejectWriter() {
  if (file_ != nullptr) std::fclose(file_);
}

Status RejectWriter::Write(const Reject& reject) {
  if (file_ == nullptr) return FailedPreconditionError("rejects file '" + path_ + "' is closed");
  std::string line = ToJson(reject, redact_);
  line += '\n';
  if (std::fwrite(line.data(), 1, line.size(), file_) != line.size()) {
    failed_ = true;
    return DataLossError("cannot write rejects file '" + path_ + "': " + std::strerror(errno));
  }
  ++written_;
  return Status();
}

Status RejectWriter::Close() {
  if (file_ == nullptr) return Status();
  bool flush_failed = std::fflush(file_) != 0;
  int err = errno;
  bool close_failed = std::fclose(file_) != 0;
  file_ = nullptr;
  if (failed_ || flush_failed || close_failed) {
    return DataLossError("cannot write rejects file '" + path_ + "': " + std::strerror(err));
  }
  return Status();
}

}  // namespace voc
