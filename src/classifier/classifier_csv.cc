// Labeled training and evaluation files, read with the shared RecordReader
// (RFC 4180 CSV, BOM, CRLF, gzip by content). Training data must be clean:
// the first malformed record fails the read, with its line and reason.
#include <string>
#include <vector>

#include "voc/classifier.h"
#include "voc/reader.h"

namespace voc {

Result<std::vector<LabeledText>> ReadLabeledCsv(const std::string& path, const CsvReadOptions& options) {
  ReaderOptions ro;
  ro.format = InputFormat::kCsv;
  ro.text_column = options.text_column;
  auto reader = RecordReader::Open(path, ro);
  if (!reader.ok()) return reader.status();
  const std::vector<std::string>& columns = (*reader)->columns();
  if (columns.empty()) return InvalidArgumentError("'" + path + "' is empty (no header row)");
  bool has_label = false;
  for (const auto& c : columns) has_label = has_label || c == options.label_column;
  if (!has_label) {
    std::string names;
    for (const auto& c : columns) names += (names.empty() ? "" : ", ") + c;
    return InvalidArgumentError("label column '" + options.label_column +
                                "' not found; columns are: " + names);
  }
  std::vector<LabeledText> rows;
  Record record;
  Reject reject;
  for (;;) {
    RecordReader::Next next = (*reader)->Read(&record, &reject);
    if (next == RecordReader::Next::kEnd) break;
    if (next == RecordReader::Next::kReject)
      return InvalidArgumentError("'" + path + "' line " + std::to_string(reject.line) + ": " +
                                  reject.reason);
    std::string_view label;
    for (const auto& [name, value] : record.metadata)
      if (name == options.label_column) label = value;
    LabeledText row;
    row.text = std::move(record.text);
    row.labels = SplitLabels(label, options.multi_label ? options.label_separator : '\0');
    if (row.labels.empty() && !options.multi_label)
      return InvalidArgumentError("'" + path + "' line " + std::to_string(record.line) + ": empty label");
    rows.push_back(std::move(row));
  }
  if (!(*reader)->status().ok()) return (*reader)->status();
  if (rows.empty()) return InvalidArgumentError("'" + path + "' has no data rows");
  return rows;
}

std::vector<std::string> SplitLabels(std::string_view field, char separator) {
  std::vector<std::string> out;
  size_t start = 0;
  for (;;) {
    size_t end = separator == '\0' ? std::string_view::npos : field.find(separator, start);
    std::string_view part = field.substr(start, end == std::string_view::npos ? field.npos : end - start);
    while (!part.empty() && (part.front() == ' ' || part.front() == '\t')) part.remove_prefix(1);
    while (!part.empty() && (part.back() == ' ' || part.back() == '\t' || part.back() == '\r'))
      part.remove_suffix(1);
    if (!part.empty()) {
      bool dup = false;
      for (const auto& o : out) dup |= o == part;
      if (!dup) out.emplace_back(part);
    }
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return out;
}

}  // namespace voc
