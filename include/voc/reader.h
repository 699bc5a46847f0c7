// voc/reader.h: streams customer records in from CSV, JSON Lines, a JSON
// array of objects or plain text, optionally gzip-compressed.
//
//   voc::ReaderOptions options;
//   options.text_column = "Consumer complaint narrative";
//   options.time_column = "Date received";
//   auto reader = voc::RecordReader::Open("complaints.csv.gz", options);
//   if (!reader.ok()) return reader.status();
//   voc::Record record;
//   voc::Reject reject;
//   for (;;) {
//     auto next = (*reader)->Read(&record, &reject);
//     if (next == voc::RecordReader::Next::kEnd) break;
//     if (next == voc::RecordReader::Next::kReject) { /* log `reject` */ continue; }
//     Use(record);
//   }
//   if (!(*reader)->status().ok()) return (*reader)->status();  // e.g. corrupt gzip
//
// Every input record ends up either emitted or rejected with a reason and
// its 1-based line, so `stats().read == stats().emitted + stats().rejected`.
// Blank lines are not records. A record is rejected when its text is empty
// or blank, its time does not parse, it holds a NUL byte (CSV, text), it is
// longer than `max_record_bytes`, its CSV field count differs from the
// header's, its quoted field never closes, its JSON line (or array
// element) does not parse or is not an object, or the input ends inside its
// array element.
// Pass the same `Record` to every Read(): its strings keep their capacity.
// Memory stays bounded by `max_record_bytes` plus a fixed read buffer,
// whatever the number of records. Bytes are passed through as they are:
// the reader never assumes valid UTF-8 (ill-formed bytes inside JSON strings
// are kept too, although JSON requires UTF-8).
//
// CSV follows RFC 4180 and is lenient beyond it (a quote inside an unquoted
// field, or text after a closing quote, is kept as text). A quoted field
// still open at the end of the input is rejected with the line it started on
// and the lines after that line are read again as records; a stray quote
// followed later by another quote cannot be told from a multi-line field.
//
// Thread safety: a RecordReader is a single-threaded cursor; use one per
// thread. `ParseTimestamp` and `FormatTimestamp` are thread-safe.
#ifndef VOC_READER_H_
#define VOC_READER_H_

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "voc/json.h"
#include "voc/status.h"

namespace voc {

// One input record.
struct Record {
  uint64_t index = 0;  // 0-based number of the record among all records read
  uint64_t line = 0;   // 1-based line where the record starts
  // Value of the id column; when there is none, the 1-based record number
  // as text (for plain text: the line number).
  std::string id;
  std::string text;                  // raw text, not yet normalised
  std::optional<int64_t> timestamp;  // Unix seconds UTC, from the time column
  std::string channel;               // value of the channel column, or ""
  std::string customer_id;           // value of the customer column, or ""
  // All other columns, in input order. JSON values that are not strings
  // are serialised compactly (e.g. `{"a":1}`, `3.5`, `true`, `null`).
  std::vector<std::pair<std::string, std::string>> metadata;
};

// A record that could not be used, and why.
struct Reject {
  uint64_t index = 0;  // 0-based record number, shared with `Record::index`
  uint64_t line = 0;   // 1-based line where the record starts
  std::string reason;  // e.g. "unterminated quoted field starting at line 12"
  // The raw bytes of the record, cut at `ReaderOptions::max_reject_raw_bytes`
  // plus kRejectRedactionMargin bytes: personal data that straddles the limit
  // is still whole, so it can be redacted before the text is cut to
  // `raw_limit` (RejectWriter::ToJson does both, in that order).
  std::string raw;
  size_t raw_limit = 0;  // where `raw` is cut after redaction; 0: not cut
};

// Bytes of input kept past the reject limits so that redaction sees whole items.
inline constexpr size_t kRejectRedactionMargin = 512;
// Reasons quote input (a timestamp that does not parse); RejectWriter cuts a
// reason to this many bytes after redacting it.
inline constexpr size_t kMaxRejectReasonBytes = 200;

// Cuts `text`, already redacted, to at most `limit` bytes at a UTF-8
// character boundary and never inside a mask such as "[CARD]"; appends "..."
// when it cuts.
std::string CutRedacted(std::string_view text, size_t limit);

enum class InputFormat { kAuto, kCsv, kJsonl, kText };

// Parses "auto", "csv", "tsv" (CSV with tab), "jsonl"/"ndjson"/"json" (JSON
// Lines, or a JSON array of objects: see RecordReader::json_array), "text".
Result<InputFormat> ParseInputFormat(std::string_view name);

struct ReaderOptions {
  // Default kAuto: chosen by the file extension (.csv, .tsv, .jsonl,
  // .ndjson, .json, .txt, after stripping .gz); otherwise by content: JSON
  // if the first non-blank byte is '{' (JSON Lines) or '[' before '{' or
  // ']' (a JSON array of objects), CSV if the first line holds
  // the delimiter or a tab or is just `text_column` (a one-column header),
  // plain text else. gzip is always detected by content.
  InputFormat format = InputFormat::kAuto;
  // Column (CSV header name or JSON field) holding the text. Default "text".
  // Must exist; plain text input ignores all column names.
  std::string text_column = "text";
  // Column holding the record id. Default "": use "id" if it exists,
  // else the record number. A non-empty name must exist.
  std::string id_column;
  // Column holding the record time, parsed by `ParseTimestamp`. Default "":
  // none. An empty value gives no timestamp; one that does not parse
  // rejects the record.
  std::string time_column;
  std::string channel_column;   // default "": none
  std::string customer_column;  // default "": none
  // CSV field delimiter. Default ','; a ".tsv" file or a tab-separated
  // first line found by sniffing uses '\t' when this is left at ','.
  char delimiter = ',';
  // Records (and JSON lines) longer than this are rejected with
  // "record exceeds N bytes" without being buffered whole. Default 8 MiB.
  size_t max_record_bytes = size_t{8} << 20;
  // `Reject::raw` is cut to this many bytes. Default 4096.
  size_t max_reject_raw_bytes = 4096;
  // JSON Lines only: the field holding a conversation's speaker turns. When
  // it is set and equals `text_column`, or the first object lacks
  // `text_column` but has this field, the reader reads conversations:
  // `conversations()` is true and each record's text is this field's value
  // as compact JSON (an array of turns; see voc/conversation.h). Default "":
  // off.
  std::string turns_column;
};

struct ReaderStats {
  uint64_t read = 0;      // records seen (= emitted + rejected)
  uint64_t emitted = 0;   // records returned as kRecord
  uint64_t rejected = 0;  // records returned as kReject
  uint64_t bytes = 0;     // input bytes consumed (after decompression, BOM included)
  // Largest total capacity, in bytes, the reader's own buffers reached.
  // Bounded by about 4 * max_record_bytes + 128 KiB whatever the number of
  // records (in practice: the read chunk plus twice the longest record).
  uint64_t peak_buffer_bytes = 0;
};

class RecordReader {
 public:
  // Opens `path` ("-" is stdin) and reads the CSV header (or, for JSON
  // Lines, the first object) to check the column names. Returns NotFound
  // for a missing file and InvalidArgument for an unknown column, e.g.
  // "text column 'txt' not found; columns are: id, body, date".
  static Result<std::unique_ptr<RecordReader>> Open(const std::string& path, const ReaderOptions& options);
  // Opens the records of `path` that lie in a byte range, so that several
  // processes can share one large file: the range starts after the first
  // '\n' at or after byte `begin` (at the start of the file when `begin` is
  // 0) and ends after the first '\n' at or after byte `end` (or at the end
  // of the file). Consecutive ranges [0, b1), [b1, b2), ... [bn, size) thus
  // hold every line once; a range with no line start in it is empty.
  // Records, lines, rejects and default ids are numbered as in a reader of
  // the whole file (lines before the range are counted), the format and
  // columns are those of the whole file, and the stats count this range
  // only. JSON Lines and plain text only: InvalidArgument for CSV (a quoted
  // field may hold line ends), a JSON array, gzip (not seekable) and stdin;
  // read those whole with Open().
  static Result<std::unique_ptr<RecordReader>> OpenRange(const std::string& path,
                                                         const ReaderOptions& options, uint64_t begin,
                                                         uint64_t end);
  // As Open(), over bytes in memory (which may be gzip-compressed).
  static Result<std::unique_ptr<RecordReader>> FromString(std::string data, const ReaderOptions& options);
  ~RecordReader();
  RecordReader(const RecordReader&) = delete;
  RecordReader& operator=(const RecordReader&) = delete;

  enum class Next { kRecord, kReject, kEnd };
  // Reads the next record into `*record` (kRecord) or `*reject` (kReject).
  // kEnd at the end of the input or when the stream failed; see status().
  Next Read(Record* record, Reject* reject);

  // OK unless the stream failed, e.g. DataLoss for truncated or corrupt
  // gzip data, with the compressed byte offset. Records before the failure
  // have been delivered.
  const Status& status() const;
  const ReaderStats& stats() const;
  // CSV header names, or the field names of the first JSON object; empty
  // for plain text.
  const std::vector<std::string>& columns() const;
  // What Open() changed in the input's header, e.g. "CSV header: column 5
  // repeats the name 'note' of column 2; called 'note_2'" (a repeated name
  // of a column the options use is an InvalidArgument error instead).
  const std::vector<std::string>& notes() const;
  // The format in use (never kAuto after Open).
  InputFormat format() const;
  // True when the records are conversations (see ReaderOptions::turns_column).
  bool conversations() const;
  // True when the input is one JSON array of objects (or several, one after
  // another) rather than JSON Lines: format() is kJsonl, each element is
  // read as a line would be, `Record::line` is the line its element starts
  // on, and the array is read whole (OpenRange refuses it). It is told by
  // the input's first bytes (within the first read chunk): '[' then '{'
  // then '"' or '}', or an empty array. Commas between elements may be
  // missing or repeated. What follows the last array's ']' is read as JSON
  // Lines. An input that ends inside an array sets status() to DataLoss
  // ("the input ends inside a JSON array (no closing ']'): it may be cut
  // off") after every element before it has been delivered; an element the
  // input ends inside is rejected ("JSON array element never closes: the
  // input ends inside it").
  bool json_array() const;

 private:
  struct Impl;
  explicit RecordReader(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Parses a time into Unix seconds UTC. Accepts, after trimming spaces:
// ISO 8601 "YYYY-MM-DDTHH:MM[:SS[.fff]]" with 'T' or ' ' and an optional
// "Z", "±hh:mm", "±hhmm" or "±hh" offset (optionally after a space, as in
// "2020-01-02 03:04:05 -0800"); "YYYY-MM-DD"; "MM/DD/YYYY" with an optional
// " HH:MM[:SS]"; and Unix seconds ("1700000000", optionally signed or with a
// fraction). Fractions are truncated. Ranges are checked (Feb 30 is an
// error). Returns InvalidArgument naming the text otherwise.
Result<int64_t> ParseTimestamp(std::string_view text);

// Formats Unix seconds as ISO 8601 UTC, e.g. "2020-01-02T03:04:05Z".
std::string FormatTimestamp(int64_t unix_seconds);

// RecordToJson: voc/json.h.

// Writes rejects as JSON Lines `{"index":..,"line":..,"reason":..,"raw":..}`.
// `redact`, when given, is applied to `raw` before it is written (pass the
// PII redactor). Bytes that are not valid UTF-8 are written as U+FFFD.
//
// Thread safety: not thread-safe; use one writer from one thread.
class RejectWriter {
 public:
  using Redact = std::function<std::string(std::string_view)>;
  // Creates or truncates `path`. Returns InvalidArgument if it cannot be
  // opened, with the path and the system's reason.
  static Result<std::unique_ptr<RejectWriter>> Open(const std::string& path, Redact redact = nullptr);
  ~RejectWriter();  // closes the file; call Close() to see errors
  RejectWriter(const RejectWriter&) = delete;
  RejectWriter& operator=(const RejectWriter&) = delete;

  Status Write(const Reject& reject);
  // Flushes and closes; returns an error if any write failed.
  Status Close();
  uint64_t written() const { return written_; }

  // The JSON line (without newline) written for `reject`: reason and raw are
  // redacted by `redact`, then cut (kMaxRejectReasonBytes, Reject::raw_limit).
  static std::string ToJson(const Reject& reject, const Redact& redact);

 private:
  RejectWriter(std::FILE* file, std::string path, Redact redact);
  std::FILE* file_;
  std::string path_;
  Redact redact_;
  uint64_t written_ = 0;
  bool failed_ = false;
};

}  // namespace voc

#endif  // VOC_READER_H_
