// Tests of voc/reader.h: CSV, JSON Lines and text records, gzip, rejects,
// timestamps, streaming memory bounds and the rejects writer.
#include "voc/reader.h"

#include <zlib.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "doctest/doctest.h"
#include "io/reader_internal.h"

namespace {

using voc::InputFormat;
using voc::ReaderOptions;
using voc::Record;
using voc::RecordReader;
using voc::Reject;
using voc::StatusCode;
using namespace std::string_literals;

const std::string kData = std::string(VOC_TEST_DATA_DIR) + "/reader/";

struct Output {
  std::vector<Record> records;
  std::vector<Reject> rejects;
  voc::Status status;
  voc::ReaderStats stats;
  std::vector<std::string> columns;
  InputFormat format = InputFormat::kAuto;
};

Output Drain(RecordReader* reader) {
  Output out;
  Record record;
  Reject reject;
  for (;;) {
    auto next = reader->Read(&record, &reject);
    if (next == RecordReader::Next::kEnd) break;
    if (next == RecordReader::Next::kRecord) out.records.push_back(record);
    if (next == RecordReader::Next::kReject) out.rejects.push_back(reject);
  }
  // Reading past the end stays at the end.
  CHECK(reader->Read(&record, &reject) == RecordReader::Next::kEnd);
  out.status = reader->status();
  out.stats = reader->stats();
  out.columns = reader->columns();
  out.format = reader->format();
  CHECK(out.stats.read == out.stats.emitted + out.stats.rejected);
  CHECK(out.stats.emitted == out.records.size());
  CHECK(out.stats.rejected == out.rejects.size());
  return out;
}

Output ReadString(std::string data, const ReaderOptions& options = {}) {
  auto reader = RecordReader::FromString(std::move(data), options);
  REQUIRE_MESSAGE(reader.ok(), reader.status().ToString());
  return Drain(reader->get());
}

Output ReadFile(const std::string& path, const ReaderOptions& options = {}) {
  auto reader = RecordReader::Open(path, options);
  REQUIRE_MESSAGE(reader.ok(), reader.status().ToString());
  return Drain(reader->get());
}

ReaderOptions Csv() {
  ReaderOptions o;
  o.format = InputFormat::kCsv;
  return o;
}
ReaderOptions Jsonl() {
  ReaderOptions o;
  o.format = InputFormat::kJsonl;
  return o;
}
ReaderOptions Text() {
  ReaderOptions o;
  o.format = InputFormat::kText;
  return o;
}

// Compresses `data` as one gzip member with zlib.
std::string Gzip(const std::string& data, int level = 6) {
  z_stream zs{};
  REQUIRE(deflateInit2(&zs, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) == Z_OK);
  std::string out(deflateBound(&zs, data.size()) + 64, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  REQUIRE(deflate(&zs, Z_FINISH) == Z_STREAM_END);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

std::string TempPath(const std::string& name) {
  return (std::filesystem::temp_directory_path() / ("voc_reader_test_" + name)).string();
}

void WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
}

std::string ReadBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

}  // namespace

TEST_CASE("csv: quoted fields with commas, doubled quotes and newlines; BOM and CRLF") {
  ReaderOptions o;
  o.text_column = "body";
  o.time_column = "date";
  o.channel_column = "channel";
  Output out = ReadFile(kData + "complaints.csv", o);
  REQUIRE(out.status.ok());
  CHECK(out.format == InputFormat::kCsv);
  CHECK(out.columns == std::vector<std::string>{"id", "body", "date", "channel"});
  REQUIRE(out.records.size() == 3);
  CHECK(out.rejects.empty());
  CHECK(out.records[0].id == "A1");
  CHECK(out.records[0].text == "Charged twice, \"again\"");
  CHECK(out.records[0].line == 2);
  CHECK(out.records[0].index == 0);
  CHECK(out.records[0].channel == "phone");
  CHECK(*out.records[0].timestamp == 1709251200);  // 2024-03-01
  CHECK(out.records[1].text == "Line one\r\nline two");
  CHECK(out.records[1].line == 3);
  CHECK(voc::FormatTimestamp(*out.records[1].timestamp) == "2024-03-02T00:00:00Z");
  CHECK(out.records[2].line == 5);
  CHECK(out.records[2].text == "plain text");
  CHECK(voc::FormatTimestamp(*out.records[2].timestamp) == "2024-03-03T10:00:00Z");
  CHECK(out.records[2].metadata.empty());
  CHECK(out.stats.bytes == 156);  // the whole file, BOM included
}

TEST_CASE("csv: mixed line endings count lines") {
  Output out = ReadString("text,n\r\na,1\nb,2\rc,3\r\n\"d\rx\",4\ne,5", Csv());
  REQUIRE(out.records.size() == 5);
  std::vector<uint64_t> lines;
  for (const auto& r : out.records) lines.push_back(r.line);
  CHECK(lines == std::vector<uint64_t>{2, 3, 4, 5, 7});
  CHECK(out.records[3].text == "d\rx");
  CHECK(out.records[4].text == "e");  // last line without a line end
  CHECK(out.records[4].metadata == std::vector<std::pair<std::string, std::string>>{{"n", "5"}});
}

TEST_CASE("csv: columns by name, metadata in input order, id fallback") {
  ReaderOptions o = Csv();
  o.text_column = "msg";
  o.customer_column = "cust";
  Output out = ReadString("z,msg,cust,a\n1,hello,c9,x\n2,\"bye\",c8,\n", o);
  REQUIRE(out.records.size() == 2);
  CHECK(out.records[0].id == "1");  // no id column: the record number
  CHECK(out.records[1].id == "2");
  CHECK(out.records[0].customer_id == "c9");
  CHECK(out.records[0].metadata == std::vector<std::pair<std::string, std::string>>{{"z", "1"}, {"a", "x"}});
  CHECK(out.records[1].metadata[1].second.empty());
  CHECK_FALSE(out.records[0].timestamp.has_value());

  // The "id" column is used by default, and an explicit one overrides it.
  out = ReadString("id,text,ref\nr1,t1,x1\n", Csv());
  CHECK(out.records[0].id == "r1");
  o = Csv();
  o.id_column = "ref";
  out = ReadString("id,text,ref\nr1,t1,x1\n", o);
  CHECK(out.records[0].id == "x1");
  CHECK(out.records[0].metadata == std::vector<std::pair<std::string, std::string>>{{"id", "r1"}});
}

TEST_CASE("csv: tab delimiter from .tsv and by option") {
  Output out = ReadFile(kData + "tabbed.tsv");
  REQUIRE(out.records.size() == 1);
  CHECK(out.records[0].text == "from a tsv");
  ReaderOptions o = Csv();
  o.delimiter = ';';
  out = ReadString("id;text\n1;semi, colon\n", o);
  REQUIRE(out.records.size() == 1);
  CHECK(out.records[0].text == "semi, colon");
}

TEST_CASE("csv: wrong column names fail Open with the list of columns") {
  const std::string data = "id,body,date\n1,x,2020-01-01\n";
  ReaderOptions o = Csv();
  o.text_column = "txt";
  auto r = RecordReader::FromString(data, o);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == StatusCode::kInvalidArgument);
  CHECK(r.status().message() == "text column 'txt' not found; columns are: id, body, date");

  o.text_column = "body";
  o.time_column = "when";
  r = RecordReader::FromString(data, o);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message() == "time column 'when' not found; columns are: id, body, date");

  o.time_column = "";
  o.id_column = "key";
  r = RecordReader::FromString(data, o);
  CHECK(r.status().message() == "id column 'key' not found; columns are: id, body, date");
  o.id_column = "";
  o.channel_column = "chan";
  r = RecordReader::FromString(data, o);
  CHECK(r.status().message() == "channel column 'chan' not found; columns are: id, body, date");
  o.channel_column = "";
  o.customer_column = "cust";
  r = RecordReader::FromString(data, o);
  CHECK(r.status().message() == "customer column 'cust' not found; columns are: id, body, date");

  o.customer_column = "";
  o.text_column = "";
  r = RecordReader::FromString(data, o);
  CHECK(r.status().message() == "text column name is empty");
}

TEST_CASE("csv: empty, header-only and blank input give zero records") {
  for (std::string data : {std::string(), std::string("\xEF\xBB\xBF"), std::string("text,id\n"),
                           std::string("text,id"), std::string("\n\n"), std::string("text,id\r\n\r\n\n")}) {
    CAPTURE(data);
    Output out = ReadString(data, Csv());
    CHECK(out.status.ok());
    CHECK(out.stats.read == 0);
  }
}

TEST_CASE("csv: malformed records are rejected with line and reason") {
  ReaderOptions o;
  o.time_column = "date";
  Output out = ReadFile(kData + "broken.csv", o);
  CHECK(out.status.ok());
  CHECK(out.stats.read == 8);
  CHECK(out.stats.emitted == 3);
  CHECK(out.stats.rejected == 5);
  REQUIRE(out.records.size() == 3);
  CHECK(out.records[0].text == "good record");
  CHECK(out.records[1].text == "fine again");
  CHECK(out.records[2].text == "last good");
  CHECK(out.records[2].line == 9);
  CHECK(out.records[2].index == 7);
  REQUIRE(out.rejects.size() == 5);
  CHECK(out.rejects[0].line == 4);
  CHECK(out.rejects[0].index == 2);
  CHECK(out.rejects[0].reason ==
        "cannot parse timestamp '31/31/2020' in column 'date': month 31 is out of range");
  CHECK(out.rejects[0].raw == "3,bad date,31/31/2020\n");
  CHECK(out.rejects[1].line == 5);
  CHECK(out.rejects[1].reason == "empty text in column 'text'");
  CHECK(out.rejects[2].line == 6);
  CHECK(out.rejects[2].reason == "record has 4 fields, header has 3");
  CHECK(out.rejects[3].line == 7);
  CHECK(out.rejects[3].reason == "record contains a NUL byte");
  CHECK(out.rejects[3].raw == std::string("7,nul\0byte,2020-01-07\n", 22));
  CHECK(out.rejects[4].line == 8);
  CHECK(out.rejects[4].reason == "unterminated quoted field starting at line 8");
  CHECK(out.rejects[4].raw == "2,\"broken, quote");
}

TEST_CASE("csv: unterminated quote on a later line of the record is reported there") {
  Output out = ReadString("text,n\nok,1\n\"a\nb\",2\nc,\"never closed\nd,4\ne,5\n", Csv());
  REQUIRE(out.rejects.size() == 1);
  CHECK(out.rejects[0].reason == "unterminated quoted field starting at line 5");
  CHECK(out.rejects[0].line == 5);
  REQUIRE(out.records.size() == 4);
  CHECK(out.records[1].text == "a\nb");
  CHECK(out.records[2].text == "d");
  CHECK(out.records[2].line == 6);
  CHECK(out.records[3].line == 7);
}

TEST_CASE("csv: lenient about stray quotes inside and after fields") {
  Output out = ReadString("text,n\nab\"c,1\n\"x\"y,2\n", Csv());
  REQUIRE(out.records.size() == 2);
  CHECK(out.records[0].text == "ab\"c");
  CHECK(out.records[1].text == "xy");
}

TEST_CASE("csv: oversized records are rejected without buffering them") {
  ReaderOptions o = Csv();
  o.max_record_bytes = 100;
  o.max_reject_raw_bytes = 10;
  std::string big(5000, 'x');
  Output out = ReadString("text,n\n" + big + ",1\n\"" + big + "\n" + big + "\",2\nsmall,3\n", o);
  REQUIRE(out.rejects.size() == 2);
  CHECK(out.rejects[0].reason == "record exceeds 100 bytes");
  CHECK(out.rejects[0].line == 2);
  // Kept whole up to a margin past the limit, so it is redacted before the cut.
  CHECK(out.rejects[0].raw == std::string(100, 'x'));
  CHECK(out.rejects[0].raw_limit == 10);
  CHECK(out.rejects[1].reason == "record exceeds 100 bytes");
  CHECK(out.rejects[1].line == 3);
  REQUIRE(out.records.size() == 1);
  CHECK(out.records[0].text == "small");
  CHECK(out.records[0].line == 5);
  CHECK(out.stats.peak_buffer_bytes < 200 * 1024);

  // An oversized header fails Open.
  auto r = RecordReader::FromString(big + "\n", o);
  CHECK(r.status().message() == "CSV header record exceeds 100 bytes");
}

TEST_CASE("csv: header errors fail Open") {
  auto r = RecordReader::FromString("\"text,id\n1,2\n", Csv());
  CHECK(r.status().code() == StatusCode::kInvalidArgument);
  CHECK(r.status().message() == "CSV header has an unterminated quoted field starting at line 1");
  r = RecordReader::FromString(std::string("t\0e\0x\0t\0\n", 10), Csv());
  CHECK(r.status().message() == "CSV header contains NUL bytes (is the file UTF-16?)");
  ReaderOptions o = Csv();
  o.delimiter = '"';
  r = RecordReader::FromString("text\n", o);
  CHECK(r.status().message() == "CSV delimiter cannot be a quote or a line end");
  o = Csv();
  o.max_record_bytes = 0;
  r = RecordReader::FromString("text\n", o);
  CHECK(r.status().message() == "max_record_bytes must be positive");
}

TEST_CASE("csv and text: invalid UTF-8 passes through untouched") {
  const std::string bad = "caf\xE9 \xFF\xFE \xC0\x80 ok";
  Output out = ReadString("text\n" + bad + "\n", Csv());
  REQUIRE(out.records.size() == 1);
  CHECK(out.records[0].text == bad);
  out = ReadString(bad + "\n", Text());
  REQUIRE(out.records.size() == 1);
  CHECK(out.records[0].text == bad);
}

TEST_CASE("jsonl: objects, metadata serialised compactly in input order") {
  Output out = ReadFile(kData + "reviews.jsonl");
  REQUIRE(out.status.ok());
  CHECK(out.format == InputFormat::kJsonl);
  CHECK(out.columns == std::vector<std::string>{"id", "text", "stars", "tags"});
  REQUIRE(out.records.size() == 2);
  CHECK(out.records[0].id == "j1");
  CHECK(out.records[0].text == "late delivery");
  CHECK(out.records[0].metadata ==
        std::vector<std::pair<std::string, std::string>>{{"stars", "2"}, {"tags", "[\"a\",\"b\"]"}});
  CHECK(out.records[1].metadata ==
        std::vector<std::pair<std::string, std::string>>{{"stars", "5"}, {"extra", "null"}});
  CHECK(out.records[1].line == 2);
}

TEST_CASE("jsonl: time, channel, customer and id fields") {
  ReaderOptions o = Jsonl();
  o.time_column = "ts";
  o.channel_column = "ch";
  o.customer_column = "cu";
  o.id_column = "key";
  Output out = ReadString(
      "{\"text\":\"a\",\"ts\":1577934245,\"ch\":\"web\",\"cu\":42,\"key\":7}\n"
      "{\"text\":\"b\",\"ts\":\"2020-01-02 03:04:05 -0800\"}\n"
      "{\"text\":\"c\",\"ts\":null,\"z\":{\"k\":[1,2.5,true]}}\n"
      "{\"text\":\"d\",\"ts\":\"31/31/2020\"}\n"
      "{\"text\":\"e\",\"ts\":\"\"}\n",
      o);
  REQUIRE(out.records.size() == 4);
  CHECK(*out.records[0].timestamp == 1577934245);
  CHECK(out.records[0].channel == "web");
  CHECK(out.records[0].customer_id == "42");
  CHECK(out.records[0].id == "7");
  CHECK(out.records[0].metadata.empty());
  CHECK(*out.records[1].timestamp == 1577963045);
  CHECK(out.records[1].id == "2");
  CHECK_FALSE(out.records[2].timestamp.has_value());
  CHECK(out.records[2].metadata ==
        std::vector<std::pair<std::string, std::string>>{{"z", "{\"k\":[1,2.5,true]}"}});
  CHECK_FALSE(out.records[3].timestamp.has_value());
  CHECK(out.records[3].line == 5);
  REQUIRE(out.rejects.size() == 1);
  CHECK(out.rejects[0].reason ==
        "cannot parse timestamp '31/31/2020' in column 'ts': month 31 is out of range");
  CHECK(out.rejects[0].line == 4);
}

TEST_CASE("jsonl: malformed lines are rejected with the parser's message") {
  Output out = ReadString(
      "{\"text\":\"first\"}\n"
      "{\"text\": oops}\n"
      "[1,2]\n"
      "{\"body\":\"x\"}\n"
      "{\"text\":5}\n"
      "{\"text\":\"  \"}\n"
      "\n   \n"
      "{\"text\":\"bad \xFF utf8\"}\n"
      "{\"text\":\"nul\\u0000 escaped\"}\r\n"
      "{\"text\":\"nul\x00raw\"}\n"
      "{\"text\":\"last\"}"s,
      Jsonl());
  // The raw NUL splits nothing: it is inside line 11.
  REQUIRE(out.records.size() == 4);
  CHECK(out.records[0].text == "first");
  CHECK(out.records[1].text == "bad \xFF utf8");  // passed through untouched
  CHECK(out.records[1].line == 9);
  CHECK(out.records[2].text == std::string("nul\0 escaped", 12));
  CHECK(out.records[2].line == 10);
  CHECK(out.records[3].text == "last");
  CHECK(out.records[3].line == 12);
  REQUIRE(out.rejects.size() == 6);
  CHECK(out.rejects[0].line == 2);
  CHECK(out.rejects[0].reason.rfind(
            "invalid JSON: [json.exception.parse_error.101] parse error at line 1, column 10", 0) == 0);
  CHECK(out.rejects[0].raw == "{\"text\": oops}");
  CHECK(out.rejects[1].reason == "JSON value is not an object");
  CHECK(out.rejects[2].reason == "missing text field 'text'");
  CHECK(out.rejects[3].reason == "text field 'text' is not a string");
  CHECK(out.rejects[4].reason == "empty text in column 'text'");
  CHECK(out.rejects[5].line == 11);
  CHECK(out.rejects[5].reason.rfind("invalid JSON: [json.exception.parse_error.101]", 0) == 0);
  CHECK(out.rejects[5].reason.find("NUL") != std::string::npos);
}

TEST_CASE("jsonl: ill-formed UTF-8 in strings passes through untouched") {
  ReaderOptions o = Jsonl();
  o.channel_column = "ch";
  // Latin-1 bytes, a lone continuation byte, a cut sequence, an overlong
  // form and a surrogate, in text, channel, a key and a nested value; the
  // genuine U+1F600 and U+10FFFF stay as they are in a clean line.
  const std::string text = "caf\xE9 \x80 \xE2\x82 \xC0\xAF \xED\xA0\x80 \xF0\x9F\x98\x80";
  Output out = ReadString("{\"text\":\"" + text +
                              "\",\"ch\":\"w\xEB"
                              "b\",\"k\xFF\":[\"\xFE\"]}\n"
                              "{\"text\":\"\xF4\x8F\xBF\xBF ok\"}\n",
                          o);
  REQUIRE(out.records.size() == 2);
  CHECK(out.records[0].text == text);
  CHECK(out.records[0].channel ==
        "w\xEB"
        "b");
  CHECK(out.records[0].metadata == std::vector<std::pair<std::string, std::string>>{{"k\xFF", "[\"\xFE\"]"}});
  CHECK(out.records[1].text == "\xF4\x8F\xBF\xBF ok");
  CHECK(out.columns == std::vector<std::string>{"text", "ch", "k\xFF"});
  // Outside strings such bytes are still a JSON syntax error.
  out = ReadString("{\"text\":\"a\"\xFF}\n", Jsonl());
  REQUIRE(out.rejects.size() == 1);
  CHECK(out.rejects[0].reason.rfind("invalid JSON: ", 0) == 0);
  CHECK(out.rejects[0].raw == "{\"text\":\"a\"\xFF}");
}

TEST_CASE("jsonl: the first object's fields are the columns") {
  ReaderOptions o = Jsonl();
  o.text_column = "txt";
  auto r = RecordReader::FromString("\n{\"id\":1,\"body\":\"x\"}\n", o);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == StatusCode::kInvalidArgument);
  CHECK(r.status().message() == "text column 'txt' not found; columns are: id, body");
  // A malformed first line is a reject, not an Open failure.
  Output out = ReadString("not json\n{\"txt\":\"y\"}\n", o);
  CHECK(out.rejects.size() == 1);
  CHECK(out.records.size() == 1);
  CHECK(out.columns.empty());
  out = ReadString("", o);
  CHECK(out.stats.read == 0);
}

TEST_CASE("jsonl and text: oversized lines") {
  ReaderOptions o = Jsonl();
  o.max_record_bytes = 64;
  Output out = ReadString("{\"text\":\"" + std::string(1000, 'y') + "\"}\n{\"text\":\"ok\"}\n", o);
  REQUIRE(out.rejects.size() == 1);
  CHECK(out.rejects[0].reason == "record exceeds 64 bytes");
  CHECK(out.rejects[0].raw.size() == 64);
  REQUIRE(out.records.size() == 1);
  CHECK(out.records[0].line == 2);
  o.format = InputFormat::kText;
  out = ReadString(std::string(1000, 'y') + "\nok\n", o);
  CHECK(out.rejects.size() == 1);
  CHECK(out.records.size() == 1);
}

TEST_CASE("text: one record per line, id is the line number") {
  Output out = ReadFile(kData + "verbatims.txt");
  CHECK(out.format == InputFormat::kText);
  REQUIRE(out.records.size() == 3);
  CHECK(out.records[0].id == "1");
  CHECK(out.records[1].id == "3");
  CHECK(out.records[1].text == "second verbatim");
  CHECK(out.records[2].id == "4");
  CHECK(out.records[2].line == 4);
  CHECK(out.columns.empty());
  out = ReadString(std::string("a\nb\0c\n", 6), Text());
  REQUIRE(out.rejects.size() == 1);
  CHECK(out.rejects[0].reason == "record contains a NUL byte");
  CHECK(out.rejects[0].line == 2);
}

TEST_CASE("auto format: by extension, then by content") {
  CHECK(ReadString("{\"text\":\"a\"}\n").format == InputFormat::kJsonl);
  CHECK(ReadString("  \n{\"text\":\"a\"}\n").format == InputFormat::kJsonl);
  CHECK(ReadString("id,text\n1,a\n").format == InputFormat::kCsv);
  Output tsv = ReadString("id\ttext\n1\ta, b\n");
  CHECK(tsv.format == InputFormat::kCsv);
  REQUIRE(tsv.records.size() == 1);
  CHECK(tsv.records[0].text == "a, b");
  CHECK(ReadString("just words\nmore words\n").format == InputFormat::kText);
  Output one_column = ReadString("text\r\nonly column\n");
  CHECK(one_column.format == InputFormat::kCsv);
  REQUIRE(one_column.records.size() == 1);
  CHECK(one_column.records[0].text == "only column");
  CHECK(ReadString("\"text\"\nquoted header\n").format == InputFormat::kCsv);
  CHECK(ReadFile(kData + "complaints.csv.gz",
                 [] {
                   ReaderOptions o;
                   o.text_column = "body";
                   return o;
                 }())
            .format == InputFormat::kCsv);
  // The extension wins over the content.
  std::string path = TempPath("looks_like_csv.txt");
  WriteFile(path, "a,b\nc,d\n");
  Output out = ReadFile(path);
  CHECK(out.format == InputFormat::kText);
  CHECK(out.records.size() == 2);
  std::filesystem::remove(path);
}

TEST_CASE("ParseInputFormat") {
  CHECK(*voc::ParseInputFormat("csv") == InputFormat::kCsv);
  CHECK(*voc::ParseInputFormat("tsv") == InputFormat::kCsv);
  CHECK(*voc::ParseInputFormat("jsonl") == InputFormat::kJsonl);
  CHECK(*voc::ParseInputFormat("text") == InputFormat::kText);
  CHECK(*voc::ParseInputFormat("auto") == InputFormat::kAuto);
  auto bad = voc::ParseInputFormat("xml");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().message() == "unknown input format 'xml'; expected auto, csv, tsv, jsonl or text");
}

TEST_CASE("Open: missing file, directory") {
  auto r = RecordReader::Open(kData + "no_such_file.csv", {});
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == StatusCode::kNotFound);
  CHECK(r.status().message() == "input file '" + kData + "no_such_file.csv' not found");
  r = RecordReader::Open(kData, {});
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == StatusCode::kInvalidArgument);
  CHECK(r.status().message().find("is a directory") != std::string::npos);
}

TEST_CASE("gzip: every format, detected by content") {
  ReaderOptions o;
  o.text_column = "body";
  Output out = ReadFile(kData + "complaints.csv.gz", o);
  REQUIRE(out.status.ok());
  REQUIRE(out.records.size() == 3);
  CHECK(out.records[1].text == "Line one\r\nline two");

  out = ReadString(Gzip("{\"text\":\"zipped json\"}\n"));
  CHECK(out.format == InputFormat::kJsonl);
  REQUIRE(out.records.size() == 1);
  CHECK(out.records[0].text == "zipped json");
  out = ReadString(Gzip("zipped line\n"), Text());
  REQUIRE(out.records.size() == 1);
  CHECK(out.records[0].text == "zipped line");
  out = ReadString(Gzip(""), Csv());
  CHECK(out.status.ok());
  CHECK(out.stats.read == 0);
}

TEST_CASE("gzip: concatenated members are read as one stream") {
  std::string data = Gzip("text,n\nfirst,1\nsec") + Gzip("ond,2\n", 1) + Gzip("") + Gzip("third,3\n", 9);
  Output out = ReadString(data, Csv());
  CHECK(out.status.ok());
  REQUIRE(out.records.size() == 3);
  CHECK(out.records[1].text == "second");
  CHECK(out.records[2].text == "third");
}

TEST_CASE("gzip: truncated data keeps earlier records and reports DataLoss") {
  std::string plain = "text,n\n";
  for (int i = 0; i < 2000; ++i)
    plain += "record number " + std::to_string(i) + "," + std::to_string(i) + "\n";
  std::string z = Gzip(plain);
  std::string cut = z.substr(0, z.size() / 2);
  Output out = ReadString(cut, Csv());
  CHECK(out.status.code() == StatusCode::kDataLoss);
  CHECK(out.status.message().rfind("gzip data truncated at byte offset " + std::to_string(cut.size()), 0) ==
        0);
  CHECK(out.records.size() > 100);
  CHECK(out.records.size() < 2000);
  for (size_t i = 0; i < out.records.size(); ++i)
    CHECK(out.records[i].text == "record number " + std::to_string(i));
  // The record cut in the middle is rejected, not emitted half.
  if (!out.rejects.empty()) {
    CHECK(out.rejects.size() == 1);
    CHECK(out.rejects[0].reason.rfind("record cut off by a read error: gzip data truncated", 0) == 0);
  }

  // Losing only the 8-byte trailer still reports the loss.
  out = ReadString(z.substr(0, z.size() - 4), Csv());
  CHECK(out.status.code() == StatusCode::kDataLoss);
  CHECK(out.records.size() == 2000);
}

TEST_CASE("gzip: corrupt data reports DataLoss with the byte offset") {
  std::string plain = "text,n\n";
  for (int i = 0; i < 5000; ++i) plain += "complaint " + std::to_string(i * 7919) + ",1\n";
  std::string z = Gzip(plain);
  for (size_t k = z.size() / 2; k < z.size() / 2 + 64; ++k) z[k] = static_cast<char>(z[k] ^ 0x5A);
  Output out = ReadString(z, Csv());
  CHECK(out.status.code() == StatusCode::kDataLoss);
  CHECK(out.status.message().find("gzip data") != std::string::npos);
  CHECK(out.status.message().find("at byte offset ") != std::string::npos);
  REQUIRE(out.records.size() > 100);
  for (size_t i = 0; i < 100; ++i) CHECK(out.records[i].text == "complaint " + std::to_string(i * 7919));

  // Garbage after a complete member is not a gzip header.
  out = ReadString(Gzip("text\nok\n") + "garbage!", Csv());
  CHECK(out.status.code() == StatusCode::kDataLoss);
  CHECK(out.status.message().rfind("corrupt gzip data at byte offset ", 0) == 0);
  REQUIRE(out.records.size() == 1);
  CHECK(out.records[0].text == "ok");

  // Only the magic bytes: nothing can be read, so Open fails.
  auto r = RecordReader::FromString("\x1f\x8b", Csv());
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == StatusCode::kDataLoss);
  CHECK(r.status().message() == "gzip data truncated at byte offset 2");
}

TEST_CASE("streaming: buffers stay bounded whatever the record count") {
  // A generated input of 200k records; gzip keeps the test's own copy small.
  std::string plain = "id,text,date\n";
  plain.reserve(12 << 20);
  for (int i = 0; i < 200000; ++i) {
    plain += std::to_string(i) + ",\"customer said, \"\"thing " + std::to_string(i) + "\"\"\",2021-05-0" +
             std::to_string(1 + i % 9) + "\n";
  }
  const size_t plain_size = plain.size();
  std::string z = Gzip(plain, 1);
  std::string().swap(plain);
  ReaderOptions o = Csv();
  o.time_column = "date";
  auto reader = RecordReader::FromString(std::move(z), o);
  REQUIRE(reader.ok());
  Record record;
  Reject reject;
  uint64_t after_1000 = 0;
  uint64_t n = 0;
  while ((*reader)->Read(&record, &reject) == RecordReader::Next::kRecord) {
    if (++n == 1000) after_1000 = (*reader)->stats().peak_buffer_bytes;
  }
  const auto& stats = (*reader)->stats();
  CHECK((*reader)->status().ok());
  CHECK(n == 200000);
  CHECK(stats.emitted == 200000);
  CHECK(stats.bytes == plain_size);
  CHECK(after_1000 > 0);
  CHECK(stats.peak_buffer_bytes == after_1000);
  CHECK(stats.peak_buffer_bytes < 256 * 1024);
}

TEST_CASE("ParseTimestamp: accepted forms") {
  struct Case {
    const char* text;
    int64_t want;
  };
  const Case cases[] = {
      {"2020-01-02T03:04:05Z", 1577934245},
      {"2020-01-02T03:04:05z", 1577934245},
      {"2020-01-02 03:04:05", 1577934245},
      {"2020-01-02t03:04:05.123456Z", 1577934245},
      {"2020-01-02T03:04:05,5+00:00", 1577934245},
      {"2020-01-02T03:04:05-08:00", 1577963045},
      {"2020-01-02T03:04:05-0800", 1577963045},
      {"2020-01-02T03:04:05-08", 1577963045},
      {"2020-01-02 03:04:05 -0800", 1577963045},
      {"2020-01-02 03:04:05 UTC", 1577934245},
      {"2024-12-31T23:59:59+05:30", 1735669799},
      {"2020-01-02T15:04", 1577977440},
      {"2020-02-29", 1582934400},
      {"  2020-02-29\t", 1582934400},
      {"02/29/2020", 1582934400},
      {"2/29/2020", 1582934400},
      {"01/02/2020 15:04", 1577977440},
      {"01/02/2020 3:04 PM", 1577977440},
      {"01/02/2020 12:00:00 am", 1577923200},
      {"1969-12-31T23:59:59Z", -1},
      {"1600-03-01", -11670912000},
      {"1577934245", 1577934245},
      {"1577934245.75", 1577934245},
      {"0", 0},
      {"-1", -1},
  };
  for (const auto& c : cases) {
    CAPTURE(c.text);
    auto t = voc::ParseTimestamp(c.text);
    REQUIRE_MESSAGE(t.ok(), t.status().ToString());
    CHECK(*t == c.want);
  }
}

TEST_CASE("ParseTimestamp: rejected forms, with reasons") {
  struct Case {
    const char* text;
    const char* message;
  };
  const Case cases[] = {
      {"", "cannot parse timestamp '': empty"},
      {"   ", "cannot parse timestamp '   ': empty"},
      {"31/31/2020", "cannot parse timestamp '31/31/2020': month 31 is out of range"},
      {"2020-02-30", "cannot parse timestamp '2020-02-30': day 30 is out of range for month 2"},
      {"2019-02-29", "cannot parse timestamp '2019-02-29': day 29 is out of range for month 2"},
      {"2020-13-01", "cannot parse timestamp '2020-13-01': month 13 is out of range"},
      {"2020-04-31", "cannot parse timestamp '2020-04-31': day 31 is out of range for month 4"},
      {"2020-01-00", "cannot parse timestamp '2020-01-00': day 0 is out of range for month 1"},
      {"2020-01-01T24:00:00", "cannot parse timestamp '2020-01-01T24:00:00': time of day is out of range"},
      {"2020-01-01T10:60", "cannot parse timestamp '2020-01-01T10:60': time of day is out of range"},
      {"2020-01-01T10:00+25:00",
       "cannot parse timestamp '2020-01-01T10:00+25:00': UTC offset is out of range"},
      {"01/02/2020 13:00 PM",
       "cannot parse timestamp '01/02/2020 13:00 PM': hour 13 is out of range for AM/PM"},
      {"12345678901234567",
       "cannot parse timestamp '12345678901234567': Unix seconds out of range (years 1900-2199)"},
      {"1700000000000",
       "cannot parse timestamp '1700000000000': Unix seconds out of range (years 1900-2199); milliseconds "
       "since the epoch? divide by 1000"},
      {"yesterday", "cannot parse timestamp 'yesterday'"},
      {"2020-1-02", "cannot parse timestamp '2020-1-02'"},
      {"2020-01-02T", "cannot parse timestamp '2020-01-02T'"},
      {"2020-01-02T03", "cannot parse timestamp '2020-01-02T03'"},
      {"2020-01-02 03:04:05 junk", "cannot parse timestamp '2020-01-02 03:04:05 junk'"},
      {"2020-01-02T03:04:05.", "cannot parse timestamp '2020-01-02T03:04:05.'"},
      {"2020/01/02", "cannot parse timestamp '2020/01/02'"},
      {"1.2.3", "cannot parse timestamp '1.2.3'"},
      {"12-5", "cannot parse timestamp '12-5'"},
      {"+", "cannot parse timestamp '+'"},
      {"1577934245.", "cannot parse timestamp '1577934245.'"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.text);
    auto t = voc::ParseTimestamp(c.text);
    REQUIRE_FALSE(t.ok());
    CHECK(t.status().code() == StatusCode::kInvalidArgument);
    CHECK(t.status().message() == c.message);
  }
  // Long inputs are cut in the message.
  auto t = voc::ParseTimestamp(std::string(100, 'z'));
  CHECK(t.status().message() == "cannot parse timestamp '" + std::string(64, 'z') + "...'");
}

TEST_CASE("FormatTimestamp") {
  CHECK(voc::FormatTimestamp(0) == "1970-01-01T00:00:00Z");
  CHECK(voc::FormatTimestamp(1577934245) == "2020-01-02T03:04:05Z");
  CHECK(voc::FormatTimestamp(-1) == "1969-12-31T23:59:59Z");
  CHECK(voc::FormatTimestamp(1582934400) == "2020-02-29T00:00:00Z");
  CHECK(voc::FormatTimestamp(-11670912000) == "1600-03-01T00:00:00Z");
  for (int64_t t = -86400 * 800; t < 86400 * 800; t += 86400 * 3 + 3601) {
    CAPTURE(t);
    CHECK(*voc::ParseTimestamp(voc::FormatTimestamp(t)) == t);
  }
}

TEST_CASE("RecordToJson") {
  Record r;
  r.index = 3;
  r.line = 9;
  r.id = "x\"1";
  r.text = "tab\there \xFF end\n";
  r.timestamp = 1577934245;
  r.channel = "web";
  r.metadata = {{"k", "v"}, {"n", "\x01"}};
  CHECK(voc::RecordToJson(r) ==
        "{\"index\":3,\"line\":9,\"id\":\"x\\\"1\",\"timestamp\":\"2020-01-02T03:04:05Z\","
        "\"channel\":\"web\",\"customer_id\":\"\",\"text\":\"tab\\there \xEF\xBF\xBD end\\n\","
        "\"metadata\":{\"k\":\"v\",\"n\":\"\\u0001\"}}");
  r.timestamp.reset();
  r.metadata.clear();
  r.text = "\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80 \xED\xA0\x80 \xC3";  // valid, then surrogate, cut
  CHECK(voc::RecordToJson(r).find(
            "\"timestamp\":null,\"channel\":\"web\",\"customer_id\":\"\",\"text\":\"\xC3\xA9\xE2\x82\xAC"
            "\xF0\x9F\x98\x80 \xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD \xEF\xBF\xBD\",\"metadata\":{}}") !=
        std::string::npos);
}

TEST_CASE("RejectWriter: JSON lines, redaction, errors") {
  std::string path = TempPath("rejects.jsonl");
  auto w = voc::RejectWriter::Open(path, [](std::string_view raw) {
    std::string s(raw);
    for (char& c : s)
      if (c >= '0' && c <= '9') c = '#';
    return s;
  });
  REQUIRE(w.ok());
  Reject a{0, 2, "empty text in column 'text'", "call 555-1234"};
  Reject b{5, 12, "unterminated quoted field starting at line 12", "x\"\xFF"};
  CHECK((*w)->Write(a).ok());
  CHECK((*w)->Write(b).ok());
  CHECK((*w)->written() == 2);
  CHECK((*w)->Close().ok());
  CHECK((*w)->Close().ok());
  CHECK((*w)->Write(a).message() == "rejects file '" + path + "' is closed");
  CHECK(ReadBytes(path) ==
        "{\"index\":0,\"line\":2,\"reason\":\"empty text in column 'text'\",\"raw\":\"call ###-####\"}\n"
        // The reason goes through the redaction too: it may quote the input.
        "{\"index\":5,\"line\":12,\"reason\":\"unterminated quoted field starting at line ##\","
        "\"raw\":\"x\\\"\xEF\xBF\xBD\"}\n");
  CHECK(voc::RejectWriter::ToJson(a, nullptr) ==
        "{\"index\":0,\"line\":2,\"reason\":\"empty text in column 'text'\",\"raw\":\"call 555-1234\"}");
  std::filesystem::remove(path);

  auto bad = voc::RejectWriter::Open(kData + "no_such_dir/rejects.jsonl");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().code() == StatusCode::kInvalidArgument);
  CHECK(bad.status().message() ==
        "cannot open rejects file '" + kData + "no_such_dir/rejects.jsonl': No such file or directory");
}

// The JSON string writer copies plain ASCII eight bytes at a time; it must
// escape exactly as a byte-by-byte writer does, wherever in a word the byte
// to escape falls.
namespace {
std::string ReferenceJsonString(std::string_view text) {
  static const char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  for (size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {
      const size_t n = voc::internal::Utf8SequenceLength(text, i);
      out += n == 0 ? std::string("\xEF\xBF\xBD") : std::string(text.substr(i, n));
      i += n == 0 ? 1 : n;
      continue;
    }
    if (c == '"')
      out += "\\\"";
    else if (c == '\\')
      out += "\\\\";
    else if (c == '\n')
      out += "\\n";
    else if (c == '\r')
      out += "\\r";
    else if (c == '\t')
      out += "\\t";
    else if (c == '\b')
      out += "\\b";
    else if (c == '\f')
      out += "\\f";
    else if (c < 0x20)
      out += std::string("\\u00") + kHex[c >> 4] + kHex[c & 15];
    else
      out.push_back(static_cast<char>(c));
    ++i;
  }
  return out + "\"";
}
}  // namespace

namespace {

// AppendJsonString's and WriteJsonString's rendering of `text` against the
// reference; WriteJsonString stays within JsonStringRoom.
void CheckJsonString(const std::string& text) {
  CAPTURE(text);
  const std::string want = ReferenceJsonString(text);
  std::string got = "prefix";
  voc::internal::AppendJsonString(text, &got);
  CHECK(got == "prefix" + want);
  const size_t room = voc::internal::JsonStringRoom(text.size());
  std::string buf(room + 16, '#');
  const char* end = voc::internal::WriteJsonString(text, buf.data());
  REQUIRE(end <= buf.data() + room);
  CHECK(std::string_view(buf.data(), static_cast<size_t>(end - buf.data())) == want);
  CHECK(buf.substr(room) == std::string(16, '#'));  // nothing past the room
}

}  // namespace

TEST_CASE("AppendJsonString and WriteJsonString escape like a byte-by-byte writer") {
  // Every byte value at every offset of plain ASCII texts shorter and longer
  // than eight bytes, and of a text longer than the short-text buffer.
  for (size_t size : {1, 2, 3, 4, 5, 6, 7, 8, 9, 19, 200}) {
    for (int b = 0; b < 256; ++b) {
      for (size_t at = 0; at<size; at += size> 19 ? 13 : 1) {
        std::string text(size, 'a');
        text[at] = static_cast<char>(b);
        CAPTURE(b);
        CAPTURE(at);
        CheckJsonString(text);
      }
    }
  }
  // A text of nothing but escapes needs all of its room.
  const std::string controls(70, '\x01');
  CheckJsonString(controls);
  std::string all_controls;
  voc::internal::AppendJsonString(controls, &all_controls);
  CHECK(all_controls.size() == voc::internal::JsonStringRoom(controls.size()));
  // Random texts over plain, special, UTF-8 and malformed bytes, short and
  // long.
  std::mt19937 rng(5);
  const std::string pieces[] = {"word",
                                " ",
                                "\"",
                                "\\",
                                "\n",
                                "\x01",
                                "\x1f",
                                "\x7f",
                                " ",
                                "\xC3\xA9",
                                "\xE2\x80\x99",
                                "\xF0\x9F\x98\x80",
                                "\xC3",
                                "\xFF",
                                "~",
                                "plain text of a sentence"};
  for (int round = 0; round < 3000; ++round) {
    std::string text;
    const size_t parts = rng() % (round % 3 == 0 ? 80 : 24);
    for (size_t k = 0; k < parts; ++k) text += pieces[rng() % std::size(pieces)];
    CheckJsonString(text);
  }
}

namespace {

// Reads `path` as consecutive byte ranges cut at `cuts` (0 and the size
// are added) and returns their records and rejects in order.
Output ReadRanges(const std::string& path, const ReaderOptions& options, std::vector<uint64_t> cuts) {
  const uint64_t size = std::filesystem::file_size(path);
  cuts.insert(cuts.begin(), 0);
  cuts.push_back(size);
  Output all;
  for (size_t i = 0; i + 1 < cuts.size(); ++i) {
    auto reader = RecordReader::OpenRange(path, options, cuts[i], cuts[i + 1]);
    REQUIRE_MESSAGE(reader.ok(), reader.status().ToString());
    Output part = Drain(reader->get());
    CHECK(part.status.ok());
    all.records.insert(all.records.end(), part.records.begin(), part.records.end());
    all.rejects.insert(all.rejects.end(), part.rejects.begin(), part.rejects.end());
    all.stats.read += part.stats.read;
  }
  return all;
}

void CheckSameRecords(const Output& a, const Output& b) {
  REQUIRE(a.records.size() == b.records.size());
  for (size_t i = 0; i < a.records.size(); ++i) {
    CHECK(a.records[i].index == b.records[i].index);
    CHECK(a.records[i].line == b.records[i].line);
    CHECK(a.records[i].id == b.records[i].id);
    CHECK(a.records[i].text == b.records[i].text);
    CHECK(a.records[i].timestamp == b.records[i].timestamp);
    CHECK(a.records[i].metadata == b.records[i].metadata);
  }
  REQUIRE(a.rejects.size() == b.rejects.size());
  for (size_t i = 0; i < a.rejects.size(); ++i) {
    CHECK(a.rejects[i].index == b.rejects[i].index);
    CHECK(a.rejects[i].line == b.rejects[i].line);
    CHECK(a.rejects[i].reason == b.rejects[i].reason);
  }
}

}  // namespace

TEST_CASE("byte ranges: every split reads the records of the whole file, numbered alike") {
  ReaderOptions o;
  o.time_column = "t";
  o.max_record_bytes = 60;
  const std::string jsonl =
      "\xEF\xBB\xBF{\"text\":\"first\",\"t\":\"2024-01-02\",\"k\":1}\n"
      "\n   \r\n"
      "{\"text\":\"two\",\"t\":\"bad\"}\r\n"
      "{\"text\":\"three\"}\r"
      "{not json\n"
      "{\"text\":\"" +
      std::string(80, 'x') +
      "\"}\n"
      "                                                                          \n"
      "{\"text\":\"last\"}";
  const std::string text = "a\n\nb\r\nc\rd\n  \n" + std::string(70, 'y') + "\ne";
  for (const std::pair<std::string, std::string>& input :
       {std::pair<std::string, std::string>{"r.jsonl", jsonl},
        std::pair<std::string, std::string>{"r.txt", text}}) {
    const std::string& name = input.first;
    const std::string& data = input.second;
    CAPTURE(name);
    const std::string path = TempPath(name);
    WriteFile(path, data);
    const Output whole = ReadFile(path, o);
    CHECK(whole.records.size() >= 3);
    CHECK(whole.rejects.size() >= 1);
    CheckSameRecords(ReadRanges(path, o, {}), whole);
    for (uint64_t step : {1, 2, 3, 7, 16, 40}) {
      CAPTURE(step);
      std::vector<uint64_t> cuts;
      for (uint64_t c = step; c < data.size(); c += step) cuts.push_back(c);
      const Output parts = ReadRanges(path, o, cuts);
      CHECK(parts.stats.read == whole.stats.read);
      CheckSameRecords(parts, whole);
    }
    std::remove(path.c_str());
  }
}

TEST_CASE("json array: each element a record, on the line it starts") {
  const std::string data =
      "[\r\n  {\"id\": \"a\", \"text\": \"first, with [brackets] and {braces}\", \"n\": [1, {\"x\": 2}]},\r\n"
      "  {\"text\": \"escaped \\\" ] } quote\"}, {\"text\": \"same line\"}\n"
      "  ,\n  {\"text\": \"multi\",\n   \"note\": \"line\"}\n]\n";
  const Output out = ReadString(data);
  CHECK(out.format == InputFormat::kJsonl);
  CHECK(out.columns == std::vector<std::string>{"id", "text", "n"});
  REQUIRE(out.records.size() == 4);
  CHECK(out.rejects.empty());
  CHECK(out.records[0].id == "a");
  CHECK(out.records[0].text == "first, with [brackets] and {braces}");
  CHECK(out.records[0].metadata == std::vector<std::pair<std::string, std::string>>{{"n", "[1,{\"x\":2}]"}});
  CHECK(out.records[0].line == 2);
  CHECK(out.records[1].text == "escaped \" ] } quote");
  CHECK(out.records[1].line == 3);
  CHECK(out.records[1].id == "2");
  CHECK(out.records[2].text == "same line");
  CHECK(out.records[2].line == 3);
  CHECK(out.records[3].text == "multi");
  CHECK(out.records[3].line == 5);
  CHECK(out.stats.bytes == data.size());
  // The same bytes from a .json and a .jsonl file, and with the format named.
  for (const char* name : {"arr.json", "arr.jsonl"}) {
    const std::string path = TempPath(name);
    WriteFile(path, data);
    auto r = RecordReader::Open(path, {});
    REQUIRE(r.ok());
    CHECK((*r)->json_array());
    CHECK(Drain(r->get()).records.size() == 4);
    std::remove(path.c_str());
  }
  CHECK(ReadString(data, Jsonl()).records.size() == 4);
  auto r = RecordReader::FromString("{\"text\": \"a line\"}\n", {});
  REQUIRE(r.ok());
  CHECK_FALSE((*r)->json_array());
}

TEST_CASE("json array: empty, several arrays, and what is not an array") {
  for (const char* empty : {"[]", "  [ ]\n", "[]\n[]"}) {
    const Output e = ReadString(empty);
    CHECK(e.records.empty());
    CHECK(e.rejects.empty());
    CHECK(e.status.ok());
  }
  // Arrays written one after another (an export in pages).
  Output out = ReadString("[{\"text\":\"a\"}]\n[{\"text\":\"b\"},{\"text\":\"c\"}]");
  REQUIRE(out.records.size() == 3);
  CHECK(out.records[2].text == "c");
  CHECK(out.records[2].line == 2);
  // Text lines that begin with '[' stay text.
  for (const char* text : {"[10:32] agent: how can I help?\n[10:33] customer: my order\n",
                           "[ ] buy milk\n[x] call bob\n", "[{name}] said hello\n[{name}] said bye\n"}) {
    out = ReadString(text);
    CHECK(out.format == InputFormat::kText);
    CHECK(out.records.size() == 2);
  }
  // After the last array, JSON Lines: each line a record or a reject of its own.
  out = ReadString("[{\"text\":\"a\"}]\n{\"text\":\"b\"}\n{\"text\":\"c\"}\n");
  REQUIRE(out.records.size() == 3);
  CHECK(out.records[2].text == "c");
  CHECK(out.records[2].line == 3);
  CHECK(out.status.ok());
}

TEST_CASE("json array: bad elements are rejected with their reason, the rest read") {
  Output out = ReadString(
      "[{\"text\":\"one\"}, 5, \"str\", {\"text\": 7}, {not json}, {\"text\":\"two\"}] trailing junk\n"
      "{\"text\":\"three\"}\n");
  REQUIRE(out.records.size() == 3);
  CHECK(out.records[0].text == "one");
  CHECK(out.records[1].text == "two");
  CHECK(out.records[1].index == 5);
  CHECK(out.records[2].text == "three");
  CHECK(out.records[2].line == 2);
  CHECK(out.status.ok());
  REQUIRE(out.rejects.size() == 5);
  CHECK(out.rejects[0].reason == "JSON value is not an object");
  CHECK(out.rejects[0].raw == "5");
  CHECK(out.rejects[1].reason == "JSON value is not an object");
  CHECK(out.rejects[1].raw == "\"str\"");
  CHECK(out.rejects[2].reason == "text field 'text' is not a string");
  CHECK(out.rejects[3].reason.rfind("invalid JSON: ", 0) == 0);
  CHECK(out.rejects[3].raw == "{not json}");
  CHECK(out.rejects[4].reason.rfind("invalid JSON: ", 0) == 0);
  CHECK(out.rejects[4].raw == "trailing junk");
  CHECK(out.rejects[4].line == 1);
  // The input ends inside an element: that element is rejected, none lost.
  out = ReadString("[{\"text\":\"kept\"},\n{\"text\":\"cut [off\", \"x\": [1,");
  REQUIRE(out.records.size() == 1);
  REQUIRE(out.rejects.size() == 1);
  CHECK(out.rejects[0].reason == "JSON array element never closes: the input ends inside it");
  CHECK(out.rejects[0].line == 2);
  CHECK(out.rejects[0].raw == "{\"text\":\"cut [off\", \"x\": [1,");
  const std::string cut = "the input ends inside a JSON array (no closing ']'): it may be cut off";
  CHECK(out.status.code() == StatusCode::kDataLoss);
  CHECK(out.status.message() == cut);
  // An array that never closes after whole elements loses no element, and
  // says it may be cut off.
  for (const char* data : {"[{\"text\":\"a\"},{\"text\":\"b\"}", "[{\"text\":\"a\"},\n{\"text\":\"b\"},\n"}) {
    out = ReadString(data);
    CHECK(out.records.size() == 2);
    CHECK(out.rejects.empty());
    CHECK(out.status.code() == StatusCode::kDataLoss);
    CHECK(out.status.message() == cut);
  }
  // Only the first element, the one Open() reads, and it never closes.
  out = ReadString("[{\"text\":\"never closes\"");
  CHECK(out.records.empty());
  REQUIRE(out.rejects.size() == 1);
  CHECK(out.rejects[0].reason == "JSON array element never closes: the input ends inside it");
}

TEST_CASE("json array: an element over max_record_bytes is rejected without being held") {
  ReaderOptions o;
  o.max_record_bytes = 64;
  const std::string big = "{\"text\":\"" + std::string(size_t{1} << 20, 'x') + " ] } \"}";
  const Output out = ReadString("[{\"text\":\"small\"}," + big + ",{\"text\":\"after\"}]", o);
  REQUIRE(out.records.size() == 2);
  CHECK(out.records[1].text == "after");
  REQUIRE(out.rejects.size() == 1);
  CHECK(out.rejects[0].reason == "record exceeds 64 bytes");
  CHECK(out.stats.peak_buffer_bytes < 256 * 1024);  // the element is 1 MiB
  CHECK(out.status.ok());
}

TEST_CASE("byte ranges: CSV, gzip, stdin and reversed ranges are refused") {
  const std::string csv = TempPath("r.csv");
  WriteFile(csv, "text\n\"a\nb\"\n");
  auto r = RecordReader::OpenRange(csv, {}, 0, 3);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message().find("is CSV, which is read whole") != std::string::npos);
  const std::string gz = TempPath("r.jsonl.gz");
  WriteFile(gz, Gzip("{\"text\":\"a\"}\n"));
  r = RecordReader::OpenRange(gz, {}, 0, 3);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message().find("gzip-compressed, which is read whole") != std::string::npos);
  CHECK_FALSE(RecordReader::OpenRange("-", {}, 0, 3).ok());
  const std::string txt = TempPath("r2.txt");
  WriteFile(txt, "a\nb\n");
  r = RecordReader::OpenRange(txt, {}, 3, 1);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message() == "byte range begins at 3, after its end 1");
  const std::string arr = TempPath("r.json");
  WriteFile(arr, "[{\"text\":\"a\"},\n{\"text\":\"b\"}]\n");
  r = RecordReader::OpenRange(arr, {}, 0, 3);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message() == "'" + arr +
                                    "' is a JSON array, which is read whole; byte ranges need JSON Lines or "
                                    "plain text");
  std::remove(arr.c_str());
  r = RecordReader::OpenRange(TempPath("missing.txt"), {}, 0, 1);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == StatusCode::kNotFound);
  for (const std::string& p : {csv, gz, txt}) std::remove(p.c_str());
}

TEST_CASE("reader: a line ends at the first CR or LF, found as a byte-by-byte search finds it") {
  CHECK(voc::internal::LineBreakOffset("") == 0);
  CHECK(voc::internal::LineBreakOffset("abc") == 3);
  CHECK(voc::internal::LineBreakOffset("abc\r\ndef") == 3);
  CHECK(voc::internal::LineBreakOffset(std::string(40, 'x') + "\n") == 40);
  std::mt19937 rng(17);
  std::uniform_int_distribution<int> size(0, 70), byte(0, 255), rare(0, 40);
  for (int t = 0; t < 5000; ++t) {
    std::string text;
    for (int i = size(rng); i > 0; --i) {
      const int r = rare(rng);
      text.push_back(r == 0 ? '\n' : r == 1 ? '\r' : static_cast<char>(byte(rng)));
    }
    size_t want = 0;
    while (want < text.size() && text[want] != '\n' && text[want] != '\r') ++want;
    REQUIRE(voc::internal::LineBreakOffset(text) == want);
  }
}
