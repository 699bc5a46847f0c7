// RecordReader: CSV (RFC 4180), JSON Lines and plain-text records, streamed.
#include "voc/reader.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <memory>
#include <map>
#include <cstring>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "util/json_depth.h"
#include "io/reader_internal.h"
#include "io/reader_stream.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace voc {

using internal::InputBuffer;

namespace {

bool IsBlank(std::string_view s) {
  for (char c : s)
    if (c != ' ' && c != '\t' && c != '\r' && c != '\n' && c != '\f' && c != '\v') return false;
  return true;
}

std::string Lower(std::string s) {
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

std::string JoinColumns(const std::vector<std::string>& columns) {
  std::string out;
  for (size_t i = 0; i < columns.size(); ++i) {
    if (i > 0) out += ", ";
    out += columns[i];
  }
  return out;
}

std::string ExceedsMessage(size_t limit) { return "record exceeds " + std::to_string(limit) + " bytes"; }

// One CSV record as parsed, before the columns are interpreted.
struct CsvRow {
  std::vector<std::string> fields;  // first `count` are in use; kept for their capacity
  size_t count = 0;
  std::string raw;  // the record's bytes, up to the record limit
  uint64_t line = 0;
  uint64_t quote_line = 0;  // line where the open quoted field started
  uint64_t bytes = 0;
  bool oversized = false;
  bool unterminated = false;
  bool has_nul = false;
  bool had_quote = false;
  bool cut_by_error = false;

  // A line of nothing but spaces or tabs is blank, as in JSON Lines and text.
  bool Blank() const { return count == 1 && IsBlank(fields[0]) && !had_quote && !has_nul && !oversized; }
};

// Streams RFC 4180 records out of an InputBuffer. Accepts CRLF, LF and lone
// CR line ends, mixed. Outside the RFC it is lenient: a quote inside an
// unquoted field, and bytes after a closing quote, are kept as text.
class CsvParser {
 public:
  CsvParser(InputBuffer* in, char delimiter, size_t max_record_bytes)
      : in_(in), delim_(delimiter), limit_(max_record_bytes) {
    for (unsigned char c : {'\n', '\r', '\0'}) stop_unquoted_[c] = stop_quoted_[c] = true;
    stop_unquoted_[static_cast<unsigned char>(delimiter)] = true;
    stop_quoted_[static_cast<unsigned char>('"')] = true;
  }

  // Reads the next record into `row`. Returns false at the end of input.
  bool Next(CsvRow* row);

  // Rewinds to just after the first line of `row`, so that the lines a
  // runaway quoted field swallowed are parsed again.
  void Resync(const CsvRow& row, std::string* first_line);

  uint64_t line() const { return line_; }
  void set_line(uint64_t line) { line_ = line; }

 private:
  enum State { kFieldStart, kUnquoted, kQuoted, kQuoteInQuoted };

  void NewField(CsvRow* row) {
    if (row->count == row->fields.size()) row->fields.emplace_back();
    row->fields[row->count++].clear();
  }
  // Consumes `n` bytes of `span`; adds them to the current field if `keep`.
  void Take(CsvRow* row, std::string_view span, size_t n, bool keep) {
    if (!row->oversized) {
      if (row->bytes + n > limit_) {
        row->oversized = true;
        row->raw.append(span.data(), std::min(n, limit_ > row->raw.size() ? limit_ - row->raw.size() : 0));
      } else {
        row->raw.append(span.data(), n);
        if (keep) row->fields[row->count - 1].append(span.data(), n);
      }
    }
    row->bytes += n;
    in_->Skip(n);
  }

  InputBuffer* in_;
  char delim_;
  bool stop_unquoted_[256] = {};  // bytes that end a run inside an unquoted field
  bool stop_quoted_[256] = {};    // bytes that end a run inside a quoted field
  size_t limit_;
  uint64_t line_ = 1;
  bool after_cr_ = false;   // last byte consumed was a CR ending a record
  bool quoted_cr_ = false;  // last byte consumed was a CR inside quotes
 public:
  // Bytes a resync may still parse again; bounds the work on inputs full of
  // stray quotes.
  uint64_t resync_budget = 0;
};

bool CsvParser::Next(CsvRow* row) {
  row->count = 0;
  row->raw.clear();
  row->line = line_;
  row->quote_line = 0;
  row->bytes = 0;
  row->oversized = row->unterminated = row->has_nul = row->had_quote = false;
  row->cut_by_error = false;
  NewField(row);
  State state = kFieldStart;
  for (;;) {
    std::string_view av = in_->Available();
    if (av.empty()) {
      if (!in_->Refill()) {
        if (row->bytes == 0) return false;
        if (state == kQuoted) row->unterminated = true;
        if (!in_->status().ok()) row->cut_by_error = true;
        return true;
      }
      continue;
    }
    if (after_cr_) {
      after_cr_ = false;
      if (av[0] == '\n') {
        // Second half of a CRLF that ended the previous record.
        in_->Skip(1);
        continue;
      }
    }
    switch (state) {
      case kFieldStart:
        if (av[0] == '"') {
          row->had_quote = true;
          row->quote_line = line_;
          quoted_cr_ = false;
          Take(row, av, 1, false);
          state = kQuoted;
        } else {
          state = kUnquoted;
        }
        break;
      case kUnquoted: {
        size_t i = 0;
        const char* p = av.data();
        while (i < av.size() && !stop_unquoted_[static_cast<unsigned char>(p[i])]) ++i;
        if (i > 0) Take(row, av, i, true);
        if (i == av.size()) break;
        char c = av[i];
        if (c == delim_) {
          Take(row, av.substr(i), 1, false);
          NewField(row);
          state = kFieldStart;
        } else if (c == '\0') {
          row->has_nul = true;
          Take(row, av.substr(i), 1, true);
        } else {
          // End of the record: consume the line end (CRLF counts once).
          Take(row, av.substr(i), 1, false);
          ++line_;
          if (c == '\r') after_cr_ = true;
          return true;
        }
        break;
      }
      case kQuoted: {
        size_t i = 0;
        const char* p = av.data();
        while (i < av.size() && !stop_quoted_[static_cast<unsigned char>(p[i])]) ++i;
        if (i > 0) {
          Take(row, av, i, true);
          quoted_cr_ = false;
        }
        if (i == av.size()) break;
        char c = av[i];
        if (c == '"') {
          Take(row, av.substr(i), 1, false);
          state = kQuoteInQuoted;
        } else {
          if (c == '\0') row->has_nul = true;
          // A line end inside quotes is data; count it once (CRLF, CR or LF).
          if (c == '\r' || (c == '\n' && !quoted_cr_)) ++line_;
          quoted_cr_ = c == '\r';
          Take(row, av.substr(i), 1, true);
        }
        break;
      }
      case kQuoteInQuoted:
        if (av[0] == '"') {
          Take(row, av, 1, true);  // doubled quote stands for one quote
          state = kQuoted;
        } else {
          state = kUnquoted;  // delimiter, line end, or lenient trailing text
        }
        break;
    }
  }
}

void CsvParser::Resync(const CsvRow& row, std::string* first_line) {
  size_t end = row.raw.find_first_of("\r\n");
  if (end == std::string::npos) {
    *first_line = row.raw;
    return;
  }
  *first_line = row.raw.substr(0, end);
  size_t next = end + 1;
  if (row.raw[end] == '\r' && next < row.raw.size() && row.raw[next] == '\n') ++next;
  in_->Unread(std::string_view(row.raw).substr(next));
  line_ = row.line + 1;
  after_cr_ = false;
}

}  // namespace

struct RecordReader::Impl {
  // A reader of `raw` (decompressed when it is gzip), its format detected.
  static Result<std::unique_ptr<Impl>> Make(std::unique_ptr<internal::ByteSource> raw,
                                            const std::string& path, const ReaderOptions& options);

  ReaderOptions options;
  InputFormat format = InputFormat::kAuto;
  std::unique_ptr<InputBuffer> in;
  Status status;
  ReaderStats stats;
  std::vector<std::string> columns;
  std::vector<std::string> notes;  // see RecordReader::notes()
  bool ended = false;

  // CSV
  std::unique_ptr<CsvParser> csv;
  CsvRow row;
  std::string first_line;
  int text_col = -1, id_col = -1, time_col = -1, channel_col = -1, customer_col = -1;
  std::vector<char> is_metadata;

  // JSON Lines and plain text
  std::string line;
  std::string masked_line;    // `line` with ill-formed UTF-8 masked for the JSON parser
  uint64_t line_no = 0;       // line of the current line
  uint64_t next_line_no = 1;  // line of the next line to read
  bool line_oversized = false;
  bool line_cut = false;
  bool after_cr = false;
  bool have_pending = false;   // `line` holds a line read by Open()
  bool conversations = false;  // the text column holds JSON turns
  uint64_t index_base = 0;     // records before this reader's byte range

  // A JSON array of objects: `line` holds one element at a time; what
  // follows the last array is read as JSON Lines (`after_arrays`).
  bool json_array = false;
  bool in_array = false;  // after an array's '[', before its ']'
  bool after_arrays = false;
  bool element_unclosed = false;  // the input ended inside the element

  Status Init(const std::string& path);
  Status InitCsv();
  Status InitJsonl();
  bool ReadLine();
  bool ReadArrayElement();
  Next ReadCsv(Record* record, Reject* reject);
  Next ReadJsonl(Record* record, Reject* reject);
  Next ReadText(Record* record, Reject* reject);
  Next MakeReject(uint64_t line_no, std::string reason, std::string_view raw, Reject* reject);
  Next Emit(Record* record);
  void UpdatePeak();
};

namespace {

// True when `head` (the input's start) opens a JSON array of objects: after
// blanks, '[' then '{' then '"' or '}' (an object), or '[' then ']' then
// nothing or another '[' (an empty array). Text lines such as "[10:32]
// agent: hello", "[ ] buy milk" or "[{name}] said" are not one.
bool StartsJsonArray(std::string_view head) {
  size_t at = 0;
  // The next non-blank byte from `at` on ('\0' at the end), `at` after it.
  auto next = [&] {
    at = head.find_first_not_of(" \t\r\n", at);
    return at == std::string_view::npos ? '\0' : head[at++];
  };
  if (next() != '[') return false;
  switch (next()) {
    case '{': {
      const char c = next();
      return c == '"' || c == '}';
    }
    case ']': {
      const char c = next();
      return c == '\0' || c == '[';
    }
    default:
      return false;
  }
}

InputFormat FormatFromExtension(const std::string& path, char* delimiter) {
  std::string p = Lower(path);
  if (EndsWith(p, ".gz")) p.resize(p.size() - 3);
  if (EndsWith(p, ".csv")) return InputFormat::kCsv;
  if (EndsWith(p, ".tsv") || EndsWith(p, ".tab")) {
    if (*delimiter == ',') *delimiter = '\t';
    return InputFormat::kCsv;
  }
  if (EndsWith(p, ".jsonl") || EndsWith(p, ".ndjson") || EndsWith(p, ".json")) return InputFormat::kJsonl;
  if (EndsWith(p, ".txt")) return InputFormat::kText;
  return InputFormat::kAuto;
}

}  // namespace

Status RecordReader::Impl::Init(const std::string& path) {
  if (options.max_record_bytes == 0) return InvalidArgumentError("max_record_bytes must be positive");
  // A UTF-8 byte order mark is not part of the data.
  if (in->Lookahead(3) == "\xEF\xBB\xBF") in->Skip(3);
  // Input voc cannot read, named rather than misread as text with NULs.
  {
    const std::string_view m = in->Lookahead(6);
    auto starts = [&](std::string_view magic) { return m.substr(0, magic.size()) == magic; };
    const auto b0 = m.size() > 0 ? static_cast<unsigned char>(m[0]) : 0;
    const auto b1 = m.size() > 1 ? static_cast<unsigned char>(m[1]) : 0;
    std::string what;
    if (starts("\x1f\x8b"))
      what =
          "gzip-compressed twice (the data inside the gzip stream is gzip again); "
          "decompress one level first, e.g. gunzip -c FILE > FILE1";
    else if (b0 == 0x78 &&
             (b1 == 0x01 || b1 == 0x9c ||
              (b1 == 0xda && (m.size() < 3 || (static_cast<unsigned char>(m[2]) & 0xC0) != 0x80))))
      what = "zlib-compressed (not gzip); voc reads plain or gzip-compressed input";
    else if (starts("\x28\xb5\x2f\xfd"))
      what = "zstd-compressed; decompress it first (zstd -d), voc reads plain or gzip input";
    else if (starts("BZh") && m.size() > 3 && m[3] >= '1' && m[3] <= '9')
      what = "bzip2-compressed; decompress it first (bunzip2), voc reads plain or gzip input";
    else if (starts(std::string_view("\xfd"
                                     "7zXZ\0",
                                     6)))
      what = "xz-compressed; decompress it first (unxz), voc reads plain or gzip input";
    else if (starts("PK\x03\x04"))
      what = "a ZIP archive; extract the file first, voc reads plain or gzip input";
    else if (starts("\xff\xfe") || starts("\xfe\xff"))
      what = "UTF-16 (byte order mark); convert it to UTF-8 first, e.g. iconv -f UTF-16 -t UTF-8";
    if (!what.empty())
      return InvalidArgumentError("input" + (path.empty() ? std::string() : " '" + path + "'") + " is " +
                                  what);
  }
  format = options.format;
  if (format == InputFormat::kAuto) format = FormatFromExtension(path, &options.delimiter);
  if (format == InputFormat::kAuto) {
    std::string_view head = in->Lookahead(internal::kReadChunkBytes);
    size_t first = head.find_first_not_of(" \t\r\n");
    if (first != std::string_view::npos && (head[first] == '{' || StartsJsonArray(head))) {
      format = InputFormat::kJsonl;
    } else {
      std::string_view first_line = head.substr(0, head.find_first_of("\r\n"));
      std::string_view bare = first_line;
      if (bare.size() >= 2 && bare.front() == '"' && bare.back() == '"')
        bare = bare.substr(1, bare.size() - 2);
      if (first_line.find(options.delimiter) != std::string_view::npos || bare == options.text_column) {
        format = InputFormat::kCsv;
      } else if (first_line.find('\t') != std::string_view::npos) {
        format = InputFormat::kCsv;
        options.delimiter = '\t';
      } else {
        format = InputFormat::kText;
      }
    }
  }
  if (format == InputFormat::kCsv) return InitCsv();
  if (format == InputFormat::kJsonl) {
    json_array = StartsJsonArray(in->Lookahead(internal::kReadChunkBytes));
    return InitJsonl();
  }
  return Status();
}

Status RecordReader::Impl::InitCsv() {
  if (options.delimiter == '"' || options.delimiter == '\n' || options.delimiter == '\r')
    return InvalidArgumentError("CSV delimiter cannot be a quote or a line end");
  csv = std::make_unique<CsvParser>(in.get(), options.delimiter, options.max_record_bytes);
  csv->resync_budget = std::max<uint64_t>(uint64_t{8} * options.max_record_bytes, uint64_t{64} << 20);
  // The header is the first non-blank record.
  bool got = false;
  while ((got = csv->Next(&row)) && row.Blank()) {
  }
  if (!got) {
    if (!in->status().ok()) return in->status();
    return Status();  // empty input: no records
  }
  if (row.cut_by_error) return in->status();
  if (row.oversized) return InvalidArgumentError("CSV header " + ExceedsMessage(options.max_record_bytes));
  if (row.unterminated)
    return InvalidArgumentError("CSV header has an unterminated quoted field starting at line " +
                                std::to_string(row.quote_line));
  if (row.has_nul) return InvalidArgumentError("CSV header contains NUL bytes (is the file UTF-16?)");
  columns.assign(row.fields.begin(), row.fields.begin() + row.count);
  // Every column needs a name of its own (they become JSON keys): a column
  // the options name must be unique, other repeated or empty names get a
  // suffix, and notes() says so.
  {
    std::map<std::string, size_t> first;
    for (size_t i = 0; i < columns.size(); ++i) {
      const std::string name = columns[i];
      if (name.empty()) {
        columns[i] = "column_" + std::to_string(i + 1);
        notes.push_back("CSV header: column " + std::to_string(i + 1) + " has no name; called '" +
                        columns[i] + "'");
        continue;
      }
      auto [it, fresh] = first.emplace(name, i);
      if (fresh) continue;
      for (const std::string* role : {&options.text_column, &options.id_column, &options.time_column,
                                      &options.channel_column, &options.customer_column})
        if (*role == name || (role == &options.id_column && role->empty() && name == "id"))
          return InvalidArgumentError("CSV header names column '" + name + "' twice (columns " +
                                      std::to_string(it->second + 1) + " and " + std::to_string(i + 1) +
                                      "): rename one");
      for (int k = 2;; ++k) {
        std::string renamed = name + "_" + std::to_string(k);
        if (std::find(columns.begin(), columns.end(), renamed) == columns.end()) {
          columns[i] = renamed;
          break;
        }
      }
      notes.push_back("CSV header: column " + std::to_string(i + 1) + " repeats the name '" + name +
                      "' of column " + std::to_string(it->second + 1) + "; called '" + columns[i] + "'");
    }
  }
  auto find = [&](const std::string& name) -> int {
    for (size_t i = 0; i < columns.size(); ++i)
      if (columns[i] == name) return static_cast<int>(i);
    return -1;
  };
  auto require = [&](const char* what, const std::string& name, int* index) -> Status {
    if (name.empty()) return Status();
    *index = find(name);
    if (*index < 0) {
      return InvalidArgumentError(std::string(what) + " column '" + name +
                                  "' not found; columns are: " + JoinColumns(columns));
    }
    return Status();
  };
  if (options.text_column.empty()) return InvalidArgumentError("text column name is empty");
  VOC_RETURN_IF_ERROR(require("text", options.text_column, &text_col));
  VOC_RETURN_IF_ERROR(require("id", options.id_column, &id_col));
  if (options.id_column.empty()) id_col = find("id");
  VOC_RETURN_IF_ERROR(require("time", options.time_column, &time_col));
  VOC_RETURN_IF_ERROR(require("channel", options.channel_column, &channel_col));
  VOC_RETURN_IF_ERROR(require("customer", options.customer_column, &customer_col));
  is_metadata.assign(columns.size(), 1);
  for (int c : {text_col, id_col, time_col, channel_col, customer_col})
    if (c >= 0) is_metadata[c] = 0;
  return Status();
}

Status RecordReader::Impl::InitJsonl() {
  if (options.text_column.empty()) return InvalidArgumentError("text column name is empty");
  if (!options.turns_column.empty() && options.text_column == options.turns_column) conversations = true;
  // The first object's fields are the columns; the text column must be one.
  while (ReadLine()) {
    have_pending = true;
    if (IsBlank(line) && !line_oversized) {
      have_pending = false;
      continue;
    }
    if (line_oversized || element_unclosed) break;  // rejected by ReadJsonl
    std::string_view json = line;
    const bool masked = internal::HasInvalidUtf8(line);
    if (masked) {
      internal::MaskInvalidUtf8(line, &masked_line);
      json = masked_line;
    }
    if (!internal::JsonDepthError(json).empty()) break;  // rejected, located, by ReadJsonl
    nlohmann::ordered_json j = nlohmann::ordered_json::parse(json, nullptr, false);
    if (j.is_discarded() || !j.is_object()) break;
    for (const auto& item : j.items()) {
      columns.push_back(item.key());
      if (masked) internal::UnmaskInvalidUtf8(&columns.back());
    }
    if (!options.turns_column.empty() &&
        (options.text_column == options.turns_column ||
         (!j.contains(options.text_column) && j.contains(options.turns_column) &&
          j[options.turns_column].is_array()))) {
      options.text_column = options.turns_column;
      conversations = true;
    }
    if (!j.contains(options.text_column)) {
      return InvalidArgumentError("text column '" + options.text_column +
                                  "' not found; columns are: " + JoinColumns(columns));
    }
    break;
  }
  return Status();
}

// Reads the next line (CR, LF or CRLF ends it) into `line`, keeping at most
// max_record_bytes of it. Returns false at the end of input.
size_t internal::LineBreakOffset(std::string_view text) {
  const char* p = text.data();
  size_t i = 0;
#if defined(__SSE2__)
  const __m128i lf = _mm_set1_epi8('\n'), cr = _mm_set1_epi8('\r');
  for (; i + 16 <= text.size(); i += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
    const int hits = _mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, lf), _mm_cmpeq_epi8(v, cr)));
    if (hits != 0) return i + static_cast<size_t>(__builtin_ctz(static_cast<unsigned>(hits)));
  }
#endif
  while (i < text.size() && p[i] != '\n' && p[i] != '\r') ++i;
  return i;
}

bool RecordReader::Impl::ReadLine() {
  if (json_array && !after_arrays) return ReadArrayElement();
  line.clear();
  line_oversized = false;
  line_cut = false;
  line_no = next_line_no;
  bool any = false;
  const size_t limit = options.max_record_bytes;
  for (;;) {
    std::string_view av = in->Available();
    if (av.empty()) {
      if (!in->Refill()) {
        if (any && !in->status().ok()) line_cut = true;
        return any;
      }
      continue;
    }
    if (after_cr) {
      after_cr = false;
      if (av[0] == '\n') {
        in->Skip(1);
        continue;
      }
    }
    const size_t i = internal::LineBreakOffset(av);
    const char* p = av.data();
    if (i > 0) any = true;
    if (!line_oversized) {
      if (line.size() + i > limit) {
        line_oversized = true;
        line.append(p, limit - line.size());
      } else {
        line.append(p, i);
      }
    }
    if (i == av.size()) {
      in->Skip(i);
      continue;
    }
    after_cr = p[i] == '\r';
    in->Skip(i + 1);
    ++next_line_no;
    return true;
  }
}

// Reads the next element of a JSON array into `line` (at most
// max_record_bytes of it), `line_no` the line it starts on. Commas and
// white space between elements are skipped, a ']' ends the array and a '['
// after it opens another (arrays written one after another). Anything else
// after the end of an array is read as JSON Lines from there on. An input
// that ends inside an array sets `status` to DataLoss (it may be cut off);
// an element it ends inside is returned with `element_unclosed` set.
// Returns false at the end of input.
bool RecordReader::Impl::ReadArrayElement() {
  line.clear();
  line_oversized = false;
  line_cut = false;
  element_unclosed = false;
  // Counts a line end at `c` (CR, LF or CRLF, as ReadLine).
  auto count_line = [&](char c) {
    if (c == '\n') {
      if (!after_cr) ++next_line_no;
      after_cr = false;
    } else if (c == '\r') {
      ++next_line_no;
      after_cr = true;
    } else {
      after_cr = false;
    }
  };
  const auto ends_inside = [&] {
    if (in_array && status.ok() && in->status().ok())
      status = DataLossError("the input ends inside a JSON array (no closing ']'): it may be cut off");
  };
  // Up to the element's first byte.
  for (;;) {
    std::string_view av = in->Available();
    if (av.empty()) {
      if (!in->Refill()) {
        ends_inside();
        return false;
      }
      continue;
    }
    size_t i = 0;
    for (; i < av.size(); ++i) {
      const char c = av[i];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        count_line(c);
        continue;
      }
      after_cr = false;
      if (!in_array) {
        if (c != '[') break;
        in_array = true;
      } else if (c == ']') {
        in_array = false;
      } else if (c != ',') {
        break;
      }
    }
    in->Skip(i);
    if (i < av.size()) break;
  }
  if (!in_array) {  // not an array: lines from here on
    after_arrays = true;
    return ReadLine();
  }
  line_no = next_line_no;
  // The element: an object or array to its matching bracket, a string to
  // its closing quote, any other value to the next comma, bracket or blank.
  const size_t limit = options.max_record_bytes;
  uint64_t depth = 0;
  bool in_string = false, escaped = false, first = true;
  for (;;) {
    std::string_view av = in->Available();
    if (av.empty()) {
      if (!in->Refill()) {
        if (!in->status().ok()) line_cut = true;
        element_unclosed = depth > 0 || in_string;
        ends_inside();
        return true;
      }
      continue;
    }
    size_t i = 0;
    bool done = false;
    for (; i < av.size() && !done; ++i) {
      const char c = av[i];
      if (in_string) {
        count_line(c);
        if (escaped) {
          escaped = false;
        } else if (c == '\\') {
          escaped = true;
        } else if (c == '"') {
          in_string = false;
          done = depth == 0;
        }
        continue;
      }
      if (!first && depth == 0 &&
          (c == ',' || c == ']' || c == '}' || c == ' ' || c == '\t' || c == '\n' || c == '\r')) {
        done = true;  // the end of a value that is not an object, array or string
        --i;          // not part of it
        continue;
      }
      first = false;
      count_line(c);
      if (c == '"') {
        in_string = true;
      } else if (c == '{' || c == '[') {
        ++depth;
      } else if (c == '}' || c == ']') {
        done = depth <= 1;  // a stray closing bracket is an element of its own
        if (depth > 0) --depth;
      }
    }
    if (!line_oversized) {
      if (line.size() + i > limit) {
        line_oversized = true;
        line.append(av.data(), limit - line.size());
      } else {
        line.append(av.data(), i);
      }
    }
    in->Skip(i);
    if (done) return true;
  }
}

void RecordReader::Impl::UpdatePeak() {
  uint64_t total =
      in->capacity() + line.capacity() + masked_line.capacity() + row.raw.capacity() + first_line.capacity();
  for (const auto& f : row.fields) total += f.capacity();
  stats.peak_buffer_bytes = std::max(stats.peak_buffer_bytes, total);
}

RecordReader::Next RecordReader::Impl::MakeReject(uint64_t at_line, std::string reason, std::string_view raw,
                                                  Reject* reject) {
  reject->index = index_base + stats.read++;
  reject->line = at_line;
  reject->reason = std::move(reason);
  const size_t keep = options.max_reject_raw_bytes + kRejectRedactionMargin;
  reject->raw.assign(raw.substr(0, std::min(raw.size(), keep)));
  reject->raw_limit = options.max_reject_raw_bytes;
  ++stats.rejected;
  return Next::kReject;
}

RecordReader::Next RecordReader::Impl::Emit(Record* record) {
  record->index = index_base + stats.read++;
  ++stats.emitted;
  return Next::kRecord;
}

namespace {

// Clears `record` but keeps its metadata strings, reused by SetMetadata().
void ResetRecord(Record* record) {
  record->id.clear();
  record->text.clear();
  record->timestamp.reset();
  record->channel.clear();
  record->customer_id.clear();
}

// Sets metadata entry `*n` (reusing the caller's strings) and advances `*n`.
void SetMetadata(Record* record, size_t* n, std::string_view key, std::string_view value) {
  auto& md = record->metadata;
  if (*n < md.size()) {
    md[*n].first.assign(key);
    md[*n].second.assign(value);
  } else {
    md.emplace_back(std::string(key), std::string(value));
  }
  ++*n;
}

std::string TimestampReason(std::string_view value, const std::string& column) {
  int64_t ignored;
  std::string why;
  internal::ParseTimestampDetail(value, &ignored, &why);
  // Quoted long enough to redact whole; the writer cuts it after redaction.
  std::string reason = "cannot parse timestamp " + internal::Quoted(value, 64 + kRejectRedactionMargin) +
                       " in column '" + column + "'";
  if (!why.empty()) reason += ": " + why;
  return reason;
}

}  // namespace

RecordReader::Next RecordReader::Impl::ReadCsv(Record* record, Reject* reject) {
  for (;;) {
    if (!csv->Next(&row)) return Next::kEnd;
    if (row.Blank()) continue;
    if (row.cut_by_error)
      return MakeReject(row.line, "record cut off by a read error: " + in->status().message(), row.raw,
                        reject);
    if (row.unterminated) {
      std::string reason = "unterminated quoted field starting at line " + std::to_string(row.quote_line);
      if (row.oversized) {
        reason += " (" + ExceedsMessage(options.max_record_bytes) + ")";
        return MakeReject(row.line, reason, row.raw, reject);
      }
      if (row.raw.size() > csv->resync_budget) {
        return MakeReject(row.line, reason, row.raw, reject);
      }
      csv->resync_budget -= row.raw.size();
      csv->Resync(row, &first_line);
      return MakeReject(row.line, reason, first_line, reject);
    }
    if (row.oversized) return MakeReject(row.line, ExceedsMessage(options.max_record_bytes), row.raw, reject);
    if (row.has_nul) return MakeReject(row.line, "record contains a NUL byte", row.raw, reject);
    if (row.count != columns.size()) {
      return MakeReject(
          row.line,
          "record has " + std::to_string(row.count) + " fields, header has " + std::to_string(columns.size()),
          row.raw, reject);
    }
    const std::string& text = row.fields[text_col];
    if (IsBlank(text))
      return MakeReject(row.line, "empty text in column '" + options.text_column + "'", row.raw, reject);
    ResetRecord(record);
    if (time_col >= 0 && !IsBlank(row.fields[time_col])) {
      int64_t t;
      std::string why;
      if (!internal::ParseTimestampDetail(row.fields[time_col], &t, &why))
        return MakeReject(row.line, TimestampReason(row.fields[time_col], columns[time_col]), row.raw,
                          reject);
      record->timestamp = t;
    }
    record->line = row.line;
    record->text = text;
    if (id_col >= 0 && !row.fields[id_col].empty()) {
      record->id = row.fields[id_col];
    } else {
      record->id = std::to_string(index_base + stats.read + 1);
    }
    if (channel_col >= 0) record->channel = row.fields[channel_col];
    if (customer_col >= 0) record->customer_id = row.fields[customer_col];
    size_t n = 0;
    for (size_t i = 0; i < columns.size(); ++i)
      if (is_metadata[i]) SetMetadata(record, &n, columns[i], row.fields[i]);
    record->metadata.resize(n);
    return Emit(record);
  }
}

namespace {

// The value of a JSON field as text: strings as they are, others compact.
std::string JsonValueText(const nlohmann::ordered_json& v) {
  if (v.is_string()) return v.get<std::string>();
  return v.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

// The literal text of each number that is a direct member of the JSON object
// `json` (valid JSON, already parsed), keyed by the member's raw key: the
// parser turns integers beyond 64 bits into doubles ("1.2345678901234568e+23"),
// and an id must keep its digits.
std::vector<std::pair<std::string, std::string>> TopLevelNumberLiterals(std::string_view json) {
  std::vector<std::pair<std::string, std::string>> out;
  size_t i = json.find('{');
  if (i == std::string_view::npos) return out;
  ++i;
  auto skip_ws = [&] {
    while (i < json.size() && (json[i] == ' ' || json[i] == '\t' || json[i] == '\n' || json[i] == '\r')) ++i;
  };
  auto skip_string = [&] {  // at '"'
    for (++i; i < json.size() && json[i] != '"'; ++i)
      if (json[i] == '\\') ++i;
    ++i;
  };
  while (i < json.size()) {
    skip_ws();
    if (i >= json.size() || json[i] != '"') break;
    const size_t key_begin = i;
    skip_string();
    const std::string_view key = json.substr(key_begin, i - key_begin);
    skip_ws();
    if (i >= json.size() || json[i] != ':') break;
    ++i;
    skip_ws();
    const size_t value_begin = i;
    int depth = 0;
    while (i < json.size()) {
      const char c = json[i];
      if (c == '"') {
        skip_string();
        continue;
      }
      if (c == '[' || c == '{') ++depth;
      if (c == ']' || c == '}') {
        if (depth == 0) break;
        --depth;
      }
      if (c == ',' && depth == 0) break;
      ++i;
    }
    std::string_view value = json.substr(value_begin, i - value_begin);
    while (!value.empty() && std::strchr(" \t\r\n", value.back()) != nullptr) value.remove_suffix(1);
    if (!value.empty() && (value[0] == '-' || (value[0] >= '0' && value[0] <= '9'))) {
      nlohmann::ordered_json k = nlohmann::ordered_json::parse(key, nullptr, false);
      if (k.is_string()) out.emplace_back(k.get<std::string>(), std::string(value));
    }
    if (i < json.size() && json[i] == ',')
      ++i;
    else
      break;
  }
  return out;
}

}  // namespace

RecordReader::Next RecordReader::Impl::ReadJsonl(Record* record, Reject* reject) {
  for (;;) {
    if (have_pending) {
      have_pending = false;
    } else if (!ReadLine()) {
      return Next::kEnd;
    }
    if (line_cut)
      return MakeReject(line_no, "record cut off by a read error: " + in->status().message(), line, reject);
    if (line_oversized) return MakeReject(line_no, ExceedsMessage(options.max_record_bytes), line, reject);
    if (element_unclosed)
      return MakeReject(line_no, "JSON array element never closes: the input ends inside it", line, reject);
    if (IsBlank(line)) continue;
    std::string_view json = line;
    const bool masked = internal::HasInvalidUtf8(line);
    if (masked) {
      internal::MaskInvalidUtf8(line, &masked_line);
      json = masked_line;
    }
    if (std::string deep = internal::JsonDepthError(json); !deep.empty())
      return MakeReject(line_no, "invalid JSON: " + deep, line, reject);
    nlohmann::ordered_json j;
    try {
      j = nlohmann::ordered_json::parse(json);
    } catch (const nlohmann::ordered_json::exception& e) {
      return MakeReject(line_no, std::string("invalid JSON: ") + e.what(), line, reject);
    }
    if (!j.is_object()) return MakeReject(line_no, "JSON value is not an object", line, reject);
    auto text_it = j.find(options.text_column);
    if (text_it == j.end())
      return MakeReject(line_no, "missing text field '" + options.text_column + "'", line, reject);
    if (conversations && !text_it->is_array())
      return MakeReject(line_no, "field '" + options.text_column + "' is not an array of turns", line,
                        reject);
    if (!conversations && !text_it->is_string())
      return MakeReject(line_no, "text field '" + options.text_column + "' is not a string", line, reject);
    std::string turns_json;
    if (conversations) turns_json = JsonValueText(*text_it);
    const std::string& text = conversations ? turns_json : text_it->get_ref<const std::string&>();
    if (IsBlank(text))
      return MakeReject(line_no, "empty text in column '" + options.text_column + "'", line, reject);
    ResetRecord(record);
    if (!options.time_column.empty()) {
      auto t_it = j.find(options.time_column);
      if (t_it != j.end() && !t_it->is_null()) {
        {  // numbers too: parsed as text, so that the range is checked alike
          std::string value = JsonValueText(*t_it);
          if (t_it->is_number_float())  // beyond 64 bits: its digits, not "1.2e+29"
            for (const auto& [k, lit] : TopLevelNumberLiterals(json))
              if (k == options.time_column) value = lit;
          int64_t t;
          std::string why;
          if (!IsBlank(value)) {
            if (!internal::ParseTimestampDetail(value, &t, &why))
              return MakeReject(line_no, TimestampReason(value, options.time_column), line, reject);
            record->timestamp = t;
          }
        }
      }
    }
    const std::string id_name = options.id_column.empty() ? "id" : options.id_column;
    record->line = line_no;
    record->text = text;
    size_t n = 0;
    // Numbers too large for 64 bits keep their literal digits.
    std::vector<std::pair<std::string, std::string>> literals;
    for (const auto& item : j.items())
      if (item.value().is_number_float()) {
        literals = TopLevelNumberLiterals(json);
        break;
      }
    auto value_text = [&](const std::string& key, const nlohmann::ordered_json& v) {
      if (v.is_number_float())
        for (const auto& [k, lit] : literals)
          if (k == key) return lit;
      return JsonValueText(v);
    };
    for (const auto& item : j.items()) {
      const std::string& key = item.key();
      if (key == options.text_column || key == options.time_column) continue;
      if (key == id_name) {
        if (!item.value().is_null()) record->id = value_text(key, item.value());
      } else if (!options.channel_column.empty() && key == options.channel_column) {
        if (!item.value().is_null()) record->channel = value_text(key, item.value());
      } else if (!options.customer_column.empty() && key == options.customer_column) {
        if (!item.value().is_null()) record->customer_id = value_text(key, item.value());
      } else {
        SetMetadata(record, &n, key, value_text(key, item.value()));
      }
    }
    record->metadata.resize(n);
    if (record->id.empty()) record->id = std::to_string(index_base + stats.read + 1);
    if (masked) {
      for (std::string* s : {&record->text, &record->id, &record->channel, &record->customer_id})
        internal::UnmaskInvalidUtf8(s);
      for (auto& [key, value] : record->metadata) {
        internal::UnmaskInvalidUtf8(&key);
        internal::UnmaskInvalidUtf8(&value);
      }
    }
    return Emit(record);
  }
}

RecordReader::Next RecordReader::Impl::ReadText(Record* record, Reject* reject) {
  for (;;) {
    if (!ReadLine()) return Next::kEnd;
    if (line_cut)
      return MakeReject(line_no, "record cut off by a read error: " + in->status().message(), line, reject);
    if (line_oversized) return MakeReject(line_no, ExceedsMessage(options.max_record_bytes), line, reject);
    if (IsBlank(line)) continue;
    if (line.find('\0') != std::string::npos)
      return MakeReject(line_no, "record contains a NUL byte", line, reject);
    ResetRecord(record);
    record->line = line_no;
    {
      // std::to_string's digits, into the id's own bytes.
      char digits[24];
      char* const end = digits + sizeof digits;
      char* q = end;
      uint64_t v = line_no;
      do {
        *--q = static_cast<char>('0' + v % 10);
        v /= 10;
      } while (v != 0);
      record->id.assign(q, static_cast<size_t>(end - q));
    }
    record->text = line;
    record->metadata.clear();
    return Emit(record);
  }
}

Result<InputFormat> ParseInputFormat(std::string_view name) {
  if (name == "auto") return InputFormat::kAuto;
  if (name == "csv" || name == "tsv") return InputFormat::kCsv;
  if (name == "jsonl" || name == "ndjson" || name == "json") return InputFormat::kJsonl;
  if (name == "text" || name == "txt") return InputFormat::kText;
  return InvalidArgumentError("unknown input format '" + std::string(name) +
                              "'; expected auto, csv, tsv, jsonl or text");
}

Result<std::unique_ptr<RecordReader::Impl>> RecordReader::Impl::Make(
    std::unique_ptr<internal::ByteSource> raw, const std::string& path, const ReaderOptions& options) {
  auto source = internal::MaybeDecompress(std::move(raw));
  if (!source.ok()) return source.status();
  auto impl = std::make_unique<RecordReader::Impl>();
  impl->options = options;
  impl->in = std::make_unique<InputBuffer>(std::move(*source));
  Status s = impl->Init(path);
  if (!s.ok()) return s;
  impl->UpdatePeak();
  return impl;
}

Result<std::unique_ptr<RecordReader>> RecordReader::Open(const std::string& path,
                                                         const ReaderOptions& options) {
  auto raw = internal::OpenFileSource(path);
  if (!raw.ok()) return raw.status();
  auto impl = Impl::Make(std::move(*raw), path == "-" ? std::string() : path, options);
  if (!impl.ok()) return impl.status();
  return std::unique_ptr<RecordReader>(new RecordReader(std::move(*impl)));
}

Result<std::unique_ptr<RecordReader>> RecordReader::FromString(std::string data,
                                                               const ReaderOptions& options) {
  auto impl = Impl::Make(internal::MakeStringSource(std::move(data)), std::string(), options);
  if (!impl.ok()) return impl.status();
  return std::unique_ptr<RecordReader>(new RecordReader(std::move(*impl)));
}

namespace {

// Finds the offset just past the first '\n' at or after `from` in `f`, or
// the file's size when there is none.
Result<uint64_t> AfterNewline(std::FILE* f, const std::string& path, uint64_t from) {
  if (::fseeko(f, static_cast<off_t>(from), SEEK_SET) != 0)
    return InvalidArgumentError("cannot seek in '" + path + "': " + std::strerror(errno));
  std::vector<char> buf(internal::kReadChunkBytes);
  uint64_t at = from;
  for (;;) {
    const size_t k = std::fread(buf.data(), 1, buf.size(), f);
    if (k == 0) {
      if (std::ferror(f)) return DataLossError("read error on '" + path + "'");
      return at;
    }
    if (const void* nl = std::memchr(buf.data(), '\n', k))
      return at + static_cast<uint64_t>(static_cast<const char*>(nl) - buf.data()) + 1;
    at += k;
  }
}

// Counts, in bytes [0, end) of `f`, the lines (ended by CR, LF or CRLF, as
// the reader ends them) and the records among them: the lines that are not
// blank or exceed `max_bytes`. `end` is just past a '\n'.
Status CountLines(std::FILE* f, const std::string& path, uint64_t end, size_t max_bytes, uint64_t* lines,
                  uint64_t* records) {
  *lines = *records = 0;
  if (std::fseek(f, 0, SEEK_SET) != 0)
    return InvalidArgumentError("cannot seek in '" + path + "': " + std::strerror(errno));
  std::vector<char> buf(internal::kReadChunkBytes);
  uint64_t left = end, length = 0;
  bool blank = true, after_cr = false, first = true;
  while (left > 0) {
    const size_t want = static_cast<size_t>(std::min<uint64_t>(left, buf.size()));
    const size_t k = std::fread(buf.data(), 1, want, f);
    if (k == 0) return DataLossError("read error on '" + path + "'");
    left -= k;
    size_t i = 0;
    if (first) {  // a UTF-8 byte order mark is not part of the data
      first = false;
      if (k >= 3 && std::memcmp(buf.data(), "\xEF\xBB\xBF", 3) == 0) i = 3;
    }
    for (; i < k; ++i) {
      const char c = buf[i];
      if (c == '\n' || c == '\r') {
        if (c == '\n' && after_cr) {
          after_cr = false;
          continue;
        }
        after_cr = c == '\r';
        ++*lines;
        if (!blank || length > max_bytes) ++*records;
        blank = true;
        length = 0;
        continue;
      }
      after_cr = false;
      ++length;
      if (c != ' ' && c != '\t' && c != '\f' && c != '\v') blank = false;
    }
  }
  return Status();
}

}  // namespace

Result<std::unique_ptr<RecordReader>> RecordReader::OpenRange(const std::string& path,
                                                              const ReaderOptions& options, uint64_t begin,
                                                              uint64_t end) {
  if (path == "-") return InvalidArgumentError("standard input cannot be read by byte ranges");
  if (begin > end)
    return InvalidArgumentError("byte range begins at " + std::to_string(begin) + ", after its end " +
                                std::to_string(end));
  // The whole file's reader decides the format and checks the columns.
  auto whole = Open(path, options);
  if (!whole.ok()) return whole.status();
  const Impl& w = *(*whole)->impl_;
  if (w.format == InputFormat::kCsv)
    return InvalidArgumentError("'" + path +
                                "' is CSV, which is read whole (a quoted field may hold line "
                                "ends); byte ranges need JSON Lines or plain text");
  if (w.json_array)
    return InvalidArgumentError("'" + path +
                                "' is a JSON array, which is read whole; byte ranges need JSON Lines "
                                "or plain text");
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return InvalidArgumentError("cannot open '" + path + "': " + std::strerror(errno));
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> closer(f, &std::fclose);
  unsigned char magic[2] = {0, 0};
  if (std::fread(magic, 1, 2, f) == 2 && magic[0] == 0x1f && magic[1] == 0x8b)
    return InvalidArgumentError("'" + path +
                                "' is gzip-compressed, which is read whole; byte ranges need "
                                "an uncompressed file");
  uint64_t start = 0;
  if (begin > 0) {
    auto s = AfterNewline(f, path, begin);
    if (!s.ok()) return s.status();
    start = *s;
  }
  auto stop = AfterNewline(f, path, end);
  if (!stop.ok()) return stop.status();
  if (*stop < start) *stop = start;
  auto impl = std::make_unique<Impl>();
  if (start == 0) {  // the first range reads the file's start as a whole reader does
    auto source = internal::OpenFileRange(path, 0, *stop);
    if (!source.ok()) return source.status();
    ReaderOptions o = options;
    o.format = w.format;
    o.delimiter = w.options.delimiter;
    impl->options = o;
    impl->in = std::make_unique<InputBuffer>(std::move(*source));
    if (Status s = impl->Init(path); !s.ok()) return s;
  } else {
    uint64_t lines = 0, records = 0;
    if (Status s = CountLines(f, path, start, options.max_record_bytes, &lines, &records); !s.ok()) return s;
    auto source = internal::OpenFileRange(path, start, *stop);
    if (!source.ok()) return source.status();
    impl->options = w.options;
    impl->format = w.format;
    impl->columns = w.columns;
    impl->conversations = w.conversations;
    impl->in = std::make_unique<InputBuffer>(std::move(*source));
    impl->next_line_no = lines + 1;
    impl->index_base = records;
  }
  impl->UpdatePeak();
  return std::unique_ptr<RecordReader>(new RecordReader(std::move(impl)));
}

RecordReader::RecordReader(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
RecordReader::~RecordReader() = default;

RecordReader::Next RecordReader::Read(Record* record, Reject* reject) {
  Impl& m = *impl_;
  if (m.ended) return Next::kEnd;
  Next next;
  switch (m.format) {
    case InputFormat::kCsv:
      next = m.csv ? m.ReadCsv(record, reject) : Next::kEnd;
      break;
    case InputFormat::kJsonl:
      next = m.ReadJsonl(record, reject);
      break;
    default:
      next = m.ReadText(record, reject);
      break;
  }
  m.stats.bytes = m.in->consumed();
  m.UpdatePeak();
  if (next == Next::kEnd) {
    m.ended = true;
    if (m.status.ok()) m.status = m.in->status();
  }
  return next;
}

const Status& RecordReader::status() const { return impl_->status; }
const ReaderStats& RecordReader::stats() const { return impl_->stats; }
const std::vector<std::string>& RecordReader::columns() const { return impl_->columns; }
const std::vector<std::string>& RecordReader::notes() const { return impl_->notes; }
InputFormat RecordReader::format() const { return impl_->format; }
bool RecordReader::conversations() const { return impl_->conversations; }
bool RecordReader::json_array() const { return impl_->json_array; }

}  // namespace voc
