// Hostile inputs at the library's edges: deep JSON, duplicated partial
// aggregates, theme ids, thread counts, timestamps, output files, report
// cells and file names.
#include <doctest/doctest.h>

#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <set>
#include <thread>
#include <vector>

#include "insight/aggregate_data.h"
#include "util/json_depth.h"
#include "voc/adapter.h"
#include "voc/aggregate.h"
#include "voc/analyzer.h"
#include "voc/findings.h"
#include "voc/parallel.h"
#include "voc/reader.h"
#include "voc/report.h"
#include "voc/taxonomy.h"

namespace fs = std::filesystem;

namespace {

voc::Analysis Hit(const std::string& id, int64_t ts, const std::string& theme,
                  const std::string& dept = "Billing", const std::string& text = "") {
  voc::Analysis a;
  a.id = id;
  a.timestamp = ts;
  a.channel = "call";
  a.customer_id = "cust-" + id;
  a.text = text.empty() ? "the fee on my bill " + id : text;
  a.sentiment.label = voc::Polarity::kNegative;
  voc::ThemeHit h;
  h.id = theme;
  h.department = dept;
  h.role = voc::ValueRole::kEnhancer;
  a.themes.push_back(h);
  return a;
}

}  // namespace

TEST_CASE("JsonDepthError: located, strings skipped") {
  CHECK(voc::internal::JsonDepthError(R"({"a":[[1],{"b":"[[[[[["}]})").empty());
  const std::string deep = std::string(70, '[') + std::string(70, ']');
  CHECK(voc::internal::JsonDepthError(deep) == "JSON nested deeper than 64 levels at byte 64");
  CHECK(voc::internal::JsonDepthError(R"({"s":"\"[[[["})", 1).empty());
}

TEST_CASE("RecordReader: a deeply nested JSON line is a located reject") {
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  auto reader = voc::RecordReader::FromString(
      "{\"text\":\"ok\"}\n{\"text\":\"x\",\"m\":" + deep + "}\n{\"text\":\"ok too\"}\n", {});
  REQUIRE(reader.ok());
  voc::Record rec;
  voc::Reject rej;
  CHECK((*reader)->Read(&rec, &rej) == voc::RecordReader::Next::kRecord);
  REQUIRE((*reader)->Read(&rec, &rej) == voc::RecordReader::Next::kReject);
  CHECK(rej.line == 2);
  CHECK(rej.reason == "invalid JSON: JSON nested deeper than 64 levels at byte 79");
  CHECK((*reader)->Read(&rec, &rej) == voc::RecordReader::Next::kRecord);
  // A deep first line (read to find the columns) is rejected the same way.
  auto first = voc::RecordReader::FromString("{\"text\":" + deep + "}\n", {});
  REQUIRE(first.ok());
  CHECK((*first)->Read(&rec, &rej) == voc::RecordReader::Next::kReject);
  CHECK(voc::Aggregate::Deserialize(deep).status().message() ==
        "aggregate: JSON nested deeper than 64 levels at byte 64");
  CHECK(voc::Taxonomy::Parse(deep).status().message().find("nested deeper than 64 levels") !=
        std::string::npos);
}

TEST_CASE("RecordReader: reject raw text keeps a margin to redact before the cut") {
  voc::ReaderOptions o;
  o.max_reject_raw_bytes = 32;
  auto reader = voc::RecordReader::FromString(
      "{\"text\": \"" + std::string(20, 'a') + " 4111 1111 1111 1111 and more text\", oops\n", o);
  REQUIRE(reader.ok());
  voc::Record rec;
  voc::Reject rej;
  REQUIRE((*reader)->Read(&rec, &rej) == voc::RecordReader::Next::kReject);
  CHECK(rej.raw_limit == 32);
  CHECK(rej.raw.find("4111 1111 1111 1111") != std::string::npos);
  const std::string line = voc::RejectWriter::ToJson(rej, [](std::string_view s) {
    std::string out(s);
    const size_t at = out.find("4111 1111 1111 1111");
    if (at != std::string::npos) out.replace(at, 19, "[CARD]");
    return out;
  });
  CHECK(line.find("4111") == std::string::npos);
  CHECK(line.find("\"raw\":\"{\\\"text\\\": \\\"aaaaaaaaaaaaaaaaaaaa ...\"") != std::string::npos);
  CHECK(voc::CutRedacted("abc [CARD] def", 7) == "abc ...");
  CHECK(voc::CutRedacted("abc [CARD] def", 10) == "abc [CARD]...");
  CHECK(voc::CutRedacted("caf\xC3\xA9", 4) == "caf...");
  CHECK(voc::CutRedacted("short", 10) == "short");
}

TEST_CASE("RecordReader: duplicate CSV header names") {
  auto reader = voc::RecordReader::FromString("id,note,text,note,\n1,a,hi,b,c\n", {});
  REQUIRE(reader.ok());
  CHECK((*reader)->columns() == std::vector<std::string>{"id", "note", "text", "note_2", "column_5"});
  REQUIRE((*reader)->notes().size() == 2);
  CHECK((*reader)->notes()[0] == "CSV header: column 4 repeats the name 'note' of column 2; called 'note_2'");
  voc::ReaderOptions o;
  o.channel_column = "ch";
  auto bad = voc::RecordReader::FromString("ch,text,ch\na,b,c\n", o);
  CHECK(bad.status().message() == "CSV header names column 'ch' twice (columns 1 and 3): rename one");
}

TEST_CASE("RecordReader: JSON numbers beyond 64 bits keep their digits; epochs are range-checked") {
  voc::ReaderOptions o;
  o.time_column = "t";
  auto reader = voc::RecordReader::FromString(
      "{\"id\": 123456789012345678901234567890, \"text\": \"hi\", \"t\": 1700000000}\n"
      "{\"id\": 2, \"text\": \"hi\", \"t\": 1700000000000}\n"
      "{\"id\": 3, \"text\": \"hi\", \"t\": 99999999999999999999999}\n",
      o);
  REQUIRE(reader.ok());
  voc::Record rec;
  voc::Reject rej;
  REQUIRE((*reader)->Read(&rec, &rej) == voc::RecordReader::Next::kRecord);
  CHECK(rec.id == "123456789012345678901234567890");
  CHECK(rec.timestamp == 1700000000);
  REQUIRE((*reader)->Read(&rec, &rej) == voc::RecordReader::Next::kReject);
  CHECK(rej.reason ==
        "cannot parse timestamp '1700000000000' in column 't': Unix seconds out of range (years "
        "1900-2199); milliseconds since the epoch? divide by 1000");
  REQUIRE((*reader)->Read(&rec, &rej) == voc::RecordReader::Next::kReject);
  CHECK(voc::ParseTimestamp("7258118399").ok());
  CHECK(!voc::ParseTimestamp("7258118400").ok());
  CHECK(voc::ParseTimestamp("-2208988800").ok());
}

TEST_CASE("RecordReader: compressed twice or in another format is named") {
  auto reader = voc::RecordReader::FromString(std::string("\x78\x9c\x01\x02", 4), {});
  CHECK(reader.status().message() ==
        "input is zlib-compressed (not gzip); voc reads plain or gzip-compressed input");
  auto u16 = voc::RecordReader::FromString(std::string("\xff\xfet\0e\0", 6), {});
  CHECK(u16.status().message().find("is UTF-16") != std::string::npos);
  // Text that merely starts with an 'x' is text.
  CHECK(voc::RecordReader::FromString("x^2 is not zlib\n", {}).ok());
}

TEST_CASE("Aggregate: the same partial is never merged twice") {
  voc::Aggregate a, b;
  a.Add(Hit("1", 1704067200, "billing"));
  b.Add(Hit("2", 1704067200, "billing"));
  const std::string sa = a.Serialize();
  auto a1 = voc::Aggregate::Deserialize(sa);
  auto a2 = voc::Aggregate::Deserialize(sa);
  REQUIRE(a1.ok());
  REQUIRE(a2.ok());
  const voc::Status twice = a1->Merge(*a2);
  CHECK(twice.code() == voc::StatusCode::kFailedPrecondition);
  CHECK(twice.message().find("would be counted twice") != std::string::npos);
  REQUIRE(a1->Merge(b).ok());
  CHECK(a1->records() == 2);
  // The merged aggregate carries both identities and still refuses either.
  auto merged = voc::Aggregate::Deserialize(a1->Serialize());
  REQUIRE(merged.ok());
  CHECK(!merged->Merge(*a2).ok());
  voc::Aggregate copy = b;
  CHECK(!copy.Merge(b).ok());
  // Identities do not depend on the order records were added in.
  voc::Aggregate x, y;
  x.Add(Hit("1", 1704067200, "billing"));
  x.Add(Hit("2", 1704067200, "billing"));
  y.Add(Hit("2", 1704067200, "billing"));
  y.Add(Hit("1", 1704067200, "billing"));
  CHECK(x.Serialize() == y.Serialize());
  // Empty partials carry no identity and merge freely.
  voc::Aggregate e1, e2;
  CHECK(e1.Merge(e2).ok());
}

TEST_CASE("Taxonomy: theme ids are bounded in depth and length") {
  std::string deep = "a";
  for (int i = 0; i < 20000; ++i) deep += "/a";
  auto t = voc::Taxonomy::Parse(R"({"themes":[{"id":")" + deep + R"(","department":"it"}]})");
  CHECK(t.status().message().find("has 20001 levels (at most 8 segments") != std::string::npos);
  auto l =
      voc::Taxonomy::Parse(R"({"themes":[{"id":")" + std::string(300, 'x') + R"(","department":"it"}]})");
  CHECK(l.status().message().find("is 300 bytes long (at most 200)") != std::string::npos);
  CHECK(voc::Taxonomy::Parse(R"({"themes":[{"id":"a/b/c/d/e/f/g/h","department":"it"}]})").ok());
  CHECK(!voc::Taxonomy::FromLabels({deep}).ok());
}

TEST_CASE("ParallelFor: thread counts are capped") {
  CHECK(voc::MaxThreads() >= 8);
  CHECK(voc::MaxThreads() >= static_cast<int>(std::thread::hardware_concurrency()));
  voc::ParallelFor team(100000);
  CHECK(team.threads() == voc::MaxThreads());
}

TEST_CASE("CustomerKey: keyed, stable, never the raw id") {
  const std::string k = voc::CustomerKey("jane.doe@example.com", "");
  CHECK(k.rfind("cust-", 0) == 0);
  CHECK(k.size() == 37);
  CHECK(k.find("jane") == std::string::npos);
  CHECK(voc::CustomerKey("jane.doe@example.com", "") == k);
  CHECK(voc::CustomerKey("jane.doe@example.com", "salt") != k);
  CHECK(voc::CustomerKey("jane.doe@example.co", "") != k);
  CHECK(voc::CustomerKey("", "salt").empty());
}

TEST_CASE("FindingsToCsv: cells a spreadsheet would evaluate are neutralised") {
  voc::Aggregate a;
  for (int i = 0; i < 6; ++i)
    a.Add(Hit("h" + std::to_string(i), 1704067200 + i * 86400, "billing", "=HYPERLINK(\"x\")",
              "=cmd|' /C calc'!A0 the fee"));
  const std::string csv = voc::FindingsToCsv(voc::DetectFindings(a));
  CHECK(csv.find(",=") == std::string::npos);
  CHECK(csv.find("\"'=HYPERLINK(\"\"x\"\")\"") != std::string::npos);
  CHECK(csv.find("\"'=cmd|' /C calc'!A0 the fee\"") != std::string::npos);
  // Negative numbers stay numbers.
  CHECK(csv.find(",'-") == std::string::npos);
}

TEST_CASE("DepartmentDigests: file names stay short and distinct") {
  voc::Aggregate a;
  const std::string long_dept = "Department of " + std::string(3000, 'x');
  for (int i = 0; i < 4; ++i) {
    a.Add(Hit("l" + std::to_string(i), 1704067200 + i * 86400, "billing", long_dept));
    a.Add(Hit("j" + std::to_string(i), 1704067200 + i * 86400, "refunds", "\xE7\xB5\x8C\xE7\x90\x86"));
    a.Add(Hit("k" + std::to_string(i), 1704067200 + i * 86400, "other", "\xE6\xB3\x95\xE5\x8B\x99"));
  }
  const auto digests = voc::DepartmentDigests(voc::DetectFindings(a));
  REQUIRE(digests.size() == 3);
  std::set<std::string> names;
  for (const auto& d : digests) {
    CHECK(d.file_name.size() <= 80);
    names.insert(d.file_name);
  }
  CHECK(names.size() == 3);
}

TEST_CASE("WriteFileAtomic: devices in place, symlinks followed, write errors reported") {
  const fs::path dir = fs::temp_directory_path() / ("voc_rel_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  // A private null device when we may make one (root): /dev/null itself is
  // shared with every other process.
  std::string null = "/dev/null";
  if (::geteuid() == 0 && ::mknod((dir / "null").c_str(), S_IFCHR | 0666, makedev(1, 3)) == 0)
    null = (dir / "null").string();
  CHECK(voc::WriteFileAtomic(null, "x").ok());
  struct stat st;
  REQUIRE(::stat(null.c_str(), &st) == 0);
  CHECK(S_ISCHR(st.st_mode));
  const voc::Status full = voc::WriteFileAtomic("/dev/full", "data");
  CHECK(full.code() == voc::StatusCode::kDataLoss);
  CHECK(full.message() == "cannot write /dev/full: No space left on device");
  const fs::path target = dir / "t.json", link = dir / "l.json";
  fs::create_symlink(target, link);
  REQUIRE(voc::WriteFileAtomic(link.string(), "through").ok());
  CHECK(fs::is_symlink(link));
  std::ifstream in(target);
  std::string got;
  std::getline(in, got);
  CHECK(got == "through");
  CHECK(voc::WriteFileAtomic(dir.string(), "x").message().find("is a directory") != std::string::npos);
  fs::remove_all(dir);
}

TEST_CASE("Aggregate: phrase tables are bounded, the truncation counted") {
  voc::Aggregate a;
  voc::Analysis x;
  x.timestamp = 1704067200;
  x.channel = "call";
  auto word = [](int i, char tag) {  // a distinct word of letters for each i
    std::string w(1, tag);
    for (int k = 0; k < 4; ++k, i /= 26) w.push_back(static_cast<char>('a' + i % 26));
    return w;
  };
  for (int i = 0; i < 40000; ++i) {
    x.id = std::to_string(i);
    x.text = word(i, 'q') + " " + word(i, 'z') + " " + word(i, 'w');
    a.Add(x);
  }
  const auto& d = voc::ImplOf(a);
  REQUIRE(d.all_ngrams.size() == 1);
  CHECK(d.all_ngrams.begin()->second.size() == voc::internal::kMaxNgramsPerPeriod);
  // A phrase no table took is not kept either.
  CHECK(d.phrases.size() == voc::internal::kMaxNgramsPerPeriod);
  CHECK(d.ngrams_dropped > 0);
  const std::string s = a.Serialize();
  CHECK(s.find("\"dropped\":" + std::to_string(d.ngrams_dropped)) != std::string::npos);
  auto back = voc::Aggregate::Deserialize(s);
  REQUIRE(back.ok());
  CHECK(voc::ImplOf(*back).ngrams_dropped == d.ngrams_dropped);
}

TEST_CASE("Taxonomy: a deeply nested file that extends another is refused with the location") {
  const std::string dir = (std::filesystem::temp_directory_path() / "voc_reliability_extends").string();
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/base.json") << R"({"themes": [{"id": "a", "rules": [{"include": "x"}]}]})";
  std::string deep = R"({"extends": "base.json", "themes": )";
  deep += std::string(100000, '[') + std::string(100000, ']') + "}";
  std::ofstream(dir + "/deep.json") << deep;
  auto t = voc::Taxonomy::LoadFile(dir + "/deep.json");
  REQUIRE_FALSE(t.ok());
  CHECK(t.status().message().find("nested deeper than 64 levels") != std::string::npos);
}

TEST_CASE("ThemeAdapter: a model whose metadata nests too deep is refused, not parsed") {
  std::string meta = std::string(100000, '[') + std::string(100000, ']');
  std::string bytes = "VOCADAPT";
  for (int i = 0; i < 4; ++i) bytes.push_back(static_cast<char>(i == 0 ? 1 : 0));  // version 1
  for (int i = 0; i < 8; ++i) bytes.push_back(static_cast<char>((meta.size() >> (8 * i)) & 0xff));
  bytes += meta;
  auto a = voc::ThemeAdapter::FromBytes(bytes);
  REQUIRE_FALSE(a.ok());
  CHECK(a.status().message().find("not an adapted-themes model") != std::string::npos);
  CHECK(a.status().message().find("nested deeper than 64 levels") != std::string::npos);
}
