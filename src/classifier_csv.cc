// A small RFC 4180 CSV reader for labeled training and evaluation files.
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "voc/classifier.h"

namespace voc {
namespace {

// Parses the next record starting at `*pos`. Returns false at end of input.
// Sets `*error` on a malformed record.
bool NextRecord(const std::string& s, size_t* pos, size_t* line, std::vector<std::string>* fields,
                std::string* error) {
  fields->clear();
  size_t i = *pos;
  if (i >= s.size()) return false;
  std::string field;
  bool in_quotes = false, quoted = false;
  size_t start_line = *line;
  for (;;) {
    if (i >= s.size()) {
      if (in_quotes) {
        *error = "unterminated quoted field starting on line " + std::to_string(start_line);
        return true;
      }
      fields->push_back(std::move(field));
      break;
    }
    char c = s[i];
    if (in_quotes) {
      if (c == '"') {
        if (i + 1 < s.size() && s[i + 1] == '"') {
          field.push_back('"');
          i += 2;
        } else {
          in_quotes = false;
          ++i;
        }
      } else {
        if (c == '\n') ++*line;
        field.push_back(c);
        ++i;
      }
      continue;
    }
    if (c == '"' && !quoted && field.empty()) {
      in_quotes = quoted = true;
      ++i;
    } else if (c == ',') {
      fields->push_back(std::move(field));
      field.clear();
      quoted = false;
      ++i;
    } else if (c == '\n' || c == '\r') {
      fields->push_back(std::move(field));
      if (c == '\r' && i + 1 < s.size() && s[i + 1] == '\n') ++i;
      ++i;
      ++*line;
      break;
    } else if (quoted) {
      *error = "unexpected character after a closing quote on line " + std::to_string(*line);
      return true;
    } else {
      field.push_back(c);
      ++i;
    }
  }
  *pos = i;
  return true;
}

}  // namespace

Result<std::vector<LabeledText>> ReadLabeledCsv(const std::string& path,
                                                const CsvReadOptions& options) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFoundError("cannot open '" + path + "'");
  std::stringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) return DataLossError("cannot read '" + path + "'");
  std::string s = buffer.str();
  size_t pos = 0, line = 1;
  if (s.compare(0, 3, "\xEF\xBB\xBF") == 0) pos = 3;
  std::vector<std::string> header, fields;
  std::string error;
  if (!NextRecord(s, &pos, &line, &header, &error) || (header.size() == 1 && header[0].empty()))
    return InvalidArgumentError("'" + path + "' is empty (no header row)");
  if (!error.empty()) return InvalidArgumentError("'" + path + "': " + error);
  int text_col = -1, label_col = -1;
  for (size_t c = 0; c < header.size(); ++c) {
    if (header[c] == options.text_column && text_col < 0) text_col = static_cast<int>(c);
    if (header[c] == options.label_column && label_col < 0) label_col = static_cast<int>(c);
  }
  std::string columns;
  for (const auto& h : header) columns += (columns.empty() ? "" : ", ") + h;
  if (text_col < 0)
    return InvalidArgumentError("'" + path + "' has no column '" + options.text_column +
                                "' (columns: " + columns + ")");
  if (label_col < 0)
    return InvalidArgumentError("'" + path + "' has no column '" + options.label_column +
                                "' (columns: " + columns + ")");
  std::vector<LabeledText> rows;
  for (;;) {
    size_t record_line = line;
    if (!NextRecord(s, &pos, &line, &fields, &error)) break;
    if (!error.empty()) return InvalidArgumentError("'" + path + "': " + error);
    if (fields.size() == 1 && fields[0].empty()) continue;  // blank line
    if (fields.size() != header.size())
      return InvalidArgumentError("'" + path + "' line " + std::to_string(record_line) + ": " +
                                  std::to_string(fields.size()) + " fields, header has " +
                                  std::to_string(header.size()));
    LabeledText row;
    row.text = std::move(fields[text_col]);
    if (options.multi_label) {
      row.labels = SplitLabels(fields[label_col], options.label_separator);
    } else {
      auto labels = SplitLabels(fields[label_col], '\0');
      if (labels.empty())
        return InvalidArgumentError("'" + path + "' line " + std::to_string(record_line) +
                                    ": empty label");
      row.labels = std::move(labels);
    }
    rows.push_back(std::move(row));
  }
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
