#include "voc/report.h"

#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

#include "findings_stream.h"
#include "insight/report_util.h"
#include "voc/aggregate.h"
#include "voc/findings.h"

namespace fs = std::filesystem;
using Json = nlohmann::json;

namespace {

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Validates `v` against the subset of JSON Schema 2020-12 that
// findings.schema.json uses: type, const, enum, required, properties,
// additionalProperties (false), items, minItems, minimum, maximum and
// local $ref "#/$defs/<name>". Appends "<path>: <reason>" per violation.
void Validate(const Json& root, const Json& schema, const Json& v, const std::string& path,
              std::vector<std::string>* errors) {
  if (schema.contains("$ref")) {
    const std::string ref = schema["$ref"];
    REQUIRE(ref.rfind("#/$defs/", 0) == 0);
    Validate(root, root["$defs"][ref.substr(8)], v, path, errors);
    return;
  }
  auto fail = [&](const std::string& why) { errors->push_back(path + ": " + why); };
  if (schema.contains("type")) {
    const std::string t = schema["type"];
    const bool ok = (t == "object" && v.is_object()) || (t == "array" && v.is_array()) ||
                    (t == "string" && v.is_string()) || (t == "boolean" && v.is_boolean()) ||
                    (t == "integer" && v.is_number_integer()) || (t == "number" && v.is_number()) ||
                    (t == "null" && v.is_null());
    if (!ok) return fail("is not of type " + t);
  }
  if (schema.contains("const") && v != schema["const"]) fail("is not " + schema["const"].dump());
  if (schema.contains("enum")) {
    bool found = false;
    for (const Json& e : schema["enum"]) found = found || e == v;
    if (!found) fail(v.dump() + " is not one of " + schema["enum"].dump());
  }
  if (v.is_number()) {
    if (schema.contains("minimum") && v.get<double>() < schema["minimum"].get<double>())
      fail("is below the minimum");
    if (schema.contains("maximum") && v.get<double>() > schema["maximum"].get<double>())
      fail("is above the maximum");
  }
  if (v.is_object()) {
    if (schema.contains("required"))
      for (const Json& k : schema["required"])
        if (!v.contains(k.get<std::string>())) fail("misses required " + k.get<std::string>());
    const Json props = schema.value("properties", Json::object());
    for (auto it = v.begin(); it != v.end(); ++it) {
      if (props.contains(it.key())) {
        Validate(root, props[it.key()], it.value(), path + "." + it.key(), errors);
      } else if (schema.contains("additionalProperties") && schema["additionalProperties"] == false) {
        fail("has unexpected property " + it.key());
      }
    }
  }
  if (v.is_array()) {
    if (schema.contains("minItems") && v.size() < schema["minItems"].get<size_t>()) fail("has too few items");
    if (schema.contains("items"))
      for (size_t i = 0; i < v.size(); ++i)
        Validate(root, schema["items"], v[i], path + "[" + std::to_string(i) + "]", errors);
  }
}

std::vector<std::string> ValidateFindings(const std::string& text) {
  const Json schema =
      Json::parse(ReadFile(fs::path(VOC_SOURCE_DIR) / "include/voc/schema/findings.schema.json"));
  const Json doc = Json::parse(text);
  std::vector<std::string> errors;
  Validate(schema, schema, doc, "$", &errors);
  return errors;
}

const voc::Findings& Planted() {
  static const auto* const kFindings = [] {
    voc::Aggregate a;
    for (const auto& x : voc_test::SyntheticStream(42)) a.Add(x);
    return new voc::Findings(voc::DetectFindings(a));
  }();
  return *kFindings;
}

// A small stream whose customer text tries to break every output format.
voc::Findings Hostile() {
  voc::Aggregate a;
  for (int i = 0; i < 12; ++i) {
    voc::Analysis x;
    x.id = "h" + std::to_string(i);
    x.timestamp = 1704067200 + i * 86400;
    x.channel = i % 2 ? "call\"<i>" : "email";
    x.text =
        "<script>alert(\"pwned\")</script> fee, \"quoted\" \" onmouseover=\"x\nline2 | *bold* "
        "[link](http://evil)";
    x.sentiment.label = voc::Polarity::kNegative;
    voc::ThemeHit h;
    h.id = "billing/<b>fee</b>";
    h.department = "Billing & \"Payments\"";
    h.role = voc::ValueRole::kEnhancer;
    voc::EvidenceSpan sp;
    sp.begin = 0;
    sp.end = 8;
    h.evidence.push_back(sp);
    x.themes.push_back(h);
    voc::SignalHit sh;
    sh.signal = voc::Signal::kUrgencySafety;
    x.signals.push_back(sh);
    a.Add(x);
  }
  return voc::DetectFindings(a);
}

// RFC 4180 reader for the test: rows of fields.
std::vector<std::vector<std::string>> ParseCsv(const std::string& s) {
  std::vector<std::vector<std::string>> rows(1);
  std::string field;
  bool quoted = false, in_field = false;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (quoted) {
      if (c == '"' && i + 1 < s.size() && s[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"' && !in_field) {
      quoted = in_field = true;
    } else if (c == ',') {
      rows.back().push_back(field);
      field.clear();
      in_field = false;
    } else if (c == '\r' && i + 1 < s.size() && s[i + 1] == '\n') {
      rows.back().push_back(field);
      field.clear();
      in_field = false;
      rows.emplace_back();
      ++i;
    } else {
      field += c;
      in_field = true;
    }
  }
  if (rows.back().empty()) rows.pop_back();
  return rows;
}

}  // namespace

TEST_CASE("FindingsToJson: valid against the shipped schema") {
  const std::string json = voc::FindingsToJson(Planted());
  const std::vector<std::string> errors = ValidateFindings(json);
  CHECK_MESSAGE(errors.empty(), (errors.empty() ? "" : errors.front()));
  const Json doc = Json::parse(json);
  CHECK(doc["schema_version"] == "1.1");
  CHECK(doc["findings"].size() == 11);
  CHECK(doc["counts_by_status"]["chronic"] == 2);
  CHECK(doc["escalations"] == Json::array({"product/overheating"}));

  CHECK(ValidateFindings(voc::FindingsToJson(voc::DetectFindings(voc::Aggregate()))).empty());
  CHECK(ValidateFindings(voc::FindingsToJson(Hostile())).empty());

  // The validator itself catches a broken document.
  Json broken = doc;
  broken["findings"][0].erase("status");
  broken["findings"][1]["status"] = "fine";
  broken["records"]["total"] = -3;
  broken["extra"] = 1;
  const std::vector<std::string> e = ValidateFindings(broken.dump());
  REQUIRE(e.size() == 4);
  CHECK(e[0] == "$: has unexpected property extra");
  CHECK(e[1] == "$.findings[0]: misses required status");
  CHECK(e[2] ==
        "$.findings[1].status: \"fine\" is not one of "
        "[\"chronic\",\"emerging\",\"resolved\",\"spike\",\"stable\"]");
  CHECK(e[3] == "$.records.total: is below the minimum");
}

TEST_CASE("FindingsToJson: history, resolved, changes and actions follow the schema") {
  voc::Aggregate a;
  for (const auto& x : voc_test::SyntheticStream(42)) a.Add(x);
  voc::FindingsOptions o;
  o.history = true;
  o.run_timestamp = "2026-01-01T00:00:00Z";
  o.actions = {{"billing/unexpected-fee", "Billing", "waive", "2024-02-05", "done"},
               {"nosuch/theme", "", "", "2024-02-05", ""}};
  voc::FindingsOptions first = o;
  first.last_period = "2024-W06";
  const voc::Findings run1 = voc::DetectFindings(a, first);
  o.previous_run = run1.run;
  const voc::Findings run2 = voc::DetectFindings(a, o);
  const std::string json = voc::FindingsToJson(run2);
  const std::vector<std::string> errors = ValidateFindings(json);
  CHECK_MESSAGE(errors.empty(), (errors.empty() ? "" : errors.front()));
  const Json doc = Json::parse(json);
  CHECK(doc["run"]["id"] == "run-000002");
  CHECK(doc["run"]["previous"] == "run-000001");
  // store/closure was chronic up to W06 and is resolved by W12.
  bool resolved = false;
  for (const Json& r : doc["resolved"]) resolved = resolved || r["theme"] == "store/closure";
  CHECK(resolved);
  CHECK(doc["changes"]["resolved"].size() == doc["resolved"].size());
  for (const Json& f : doc["findings"]) CHECK(f.contains("history"));
  CHECK(doc["findings"][0]["actions"].size() == 1);
  CHECK(doc["warnings"].back() ==
        "actions: unknown theme 'nosuch/theme' (no finding in this "
        "window); its action of 2024-02-05 is not judged");
  // A broken history object is caught by the schema.
  Json bad = doc;
  bad["findings"][0]["history"]["state"] = "better";
  CHECK_FALSE(ValidateFindings(bad.dump()).empty());
}

TEST_CASE("FindingsToJson: matches the golden file") {
  const std::string json = voc::FindingsToJson(Planted());
  const fs::path golden = fs::path(VOC_TEST_DATA_DIR) / "findings/planted_findings.json";
  if (std::getenv("VOC_UPDATE_GOLDENS")) {
    fs::create_directories(golden.parent_path());
    REQUIRE(voc::WriteFileAtomic(golden.string(), json).ok());
  }
  const std::string want = ReadFile(golden);
  REQUIRE_MESSAGE(!want.empty(), "missing golden " << golden << " (run with VOC_UPDATE_GOLDENS=1)");
  CHECK(json == want);
}

TEST_CASE("FindingsToCsv: one RFC 4180 row per finding") {
  const std::string csv = voc::FindingsToCsv(Planted());
  const auto rows = ParseCsv(csv);
  REQUIRE(rows.size() == 12);
  CHECK(rows[0][0] == "rank");
  CHECK(rows[0][1] == "theme");
  for (const auto& r : rows) CHECK(r.size() == rows[0].size());
  CHECK(rows[1][1] == "billing/unexpected-fee");
  CHECK(rows[1][2] == "chronic");

  const voc::Findings h = Hostile();
  const auto hr = ParseCsv(voc::FindingsToCsv(h));
  REQUIRE(hr.size() == 2);
  REQUIRE(hr[1].size() == hr[0].size());
  CHECK(hr[1][1] == "billing/<b>fee</b>");
  CHECK(hr[1].back() == h.findings[0].evidence[0].snippet);  // commas, quotes, newline intact
  CHECK(hr[1].back().find('\n') != std::string::npos);
}

TEST_CASE("FindingsToHtml: self-contained, every customer string escaped") {
  const std::string html = voc::FindingsToHtml(Hostile());
  CHECK(html.rfind("<!DOCTYPE html>", 0) == 0);
  CHECK(html.find("<script") == std::string::npos);
  CHECK(html.find("alert(&quot;pwned&quot;)&lt;/script&gt; fee, &quot;quoted&quot;") != std::string::npos);
  CHECK(html.find("onmouseover=\"") == std::string::npos);
  CHECK(html.find("<b>fee</b>") == std::string::npos);
  CHECK(html.find("billing/&lt;b&gt;fee&lt;/b&gt;") != std::string::npos);
  CHECK(html.find("Billing &amp; &quot;Payments&quot;") != std::string::npos);
  CHECK(html.find("call&quot;&lt;i&gt;") != std::string::npos);
  // No network: no external resources or links.
  CHECK(html.find("src=") == std::string::npos);
  CHECK(html.find("href=") == std::string::npos);
  CHECK(html.find("@import") == std::string::npos);
  CHECK(html.find("url(") == std::string::npos);
  // The escalation banner and the evidence mark are there.
  CHECK(html.find("Escalate regardless of volume") != std::string::npos);
  CHECK(html.find("<mark>&lt;script&gt;</mark>") != std::string::npos);

  const std::string planted = voc::FindingsToHtml(Planted());
  CHECK(planted.find("<svg") != std::string::npos);
  CHECK(planted.find("gift card balance") != std::string::npos);
  CHECK(planted.find("2024-W01 to 2024-W12 (12 weeks)") != std::string::npos);
}

TEST_CASE("DepartmentDigests: one Markdown file per department with next steps") {
  const auto digests = voc::DepartmentDigests(Planted());
  std::vector<std::string> names;
  for (const auto& d : digests) names.push_back(d.file_name);
  CHECK(names == std::vector<std::string>{"billing.md", "customer-service.md", "digital.md", "engineering.md",
                                          "finance.md", "logistics.md", "marketing.md", "retail.md"});
  const auto& billing = digests[0];
  CHECK(billing.department == "Billing");
  CHECK(billing.markdown.rfind("# Customer issues for Billing\n", 0) == 0);
  CHECK(billing.markdown.find("billing/unexpected-fee (chronic)") != std::string::npos);
  CHECK(billing.markdown.find("The best service is no service") != std::string::npos);
  CHECK(billing.markdown.find("Right first time") != std::string::npos);
  CHECK(billing.markdown.find("delivery/late") == std::string::npos);  // not theirs
  const auto& eng = digests[3];
  CHECK(eng.markdown.find("ESCALATED") != std::string::npos);
  CHECK(eng.markdown.find("escalate today") != std::string::npos);

  const auto hostile = voc::DepartmentDigests(Hostile());
  REQUIRE(hostile.size() == 1);
  CHECK(hostile[0].file_name == "billing-payments.md");
  CHECK(hostile[0].markdown.find("<script>") == std::string::npos);
  CHECK(hostile[0].markdown.find("&lt;script&gt;") != std::string::npos);
  CHECK(hostile[0].markdown.find("\\[link\\]") != std::string::npos);
}

TEST_CASE("SuggestedNextStep: follows status and signals") {
  voc::Finding f;
  f.status = voc::FindingStatus::kEmerging;
  f.department = "Digital";
  for (int i = 0; i < voc::kSignalCount; ++i) f.signals.push_back({static_cast<voc::Signal>(i), 0, 0.0});
  CHECK(voc::SuggestedNextStep(f).rfind("Emerging: investigate now", 0) == 0);
  f.signals[static_cast<int>(voc::Signal::kEffort)].share = 0.5;
  CHECK(voc::SuggestedNextStep(f).find("Least effort: 50%") != std::string::npos);
  f.status = voc::FindingStatus::kSpike;
  f.spike_period = "2024-W06";
  CHECK(voc::SuggestedNextStep(f).rfind("One-off spike in 2024-W06", 0) == 0);
}

TEST_CASE("WriteFileAtomic and WriteDigests") {
  const fs::path dir = fs::temp_directory_path() / ("voc_report_test_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string file = (dir / "out.json").string();
  REQUIRE(voc::WriteFileAtomic(file, "first").ok());
  REQUIRE(voc::WriteFileAtomic(file, "second").ok());
  CHECK(ReadFile(file) == "second");
  size_t n = 0;
  for (const auto& e : fs::directory_iterator(dir)) n += e.is_regular_file();
  CHECK(n == 1);  // no temporary left behind

  const voc::Status missing = voc::WriteFileAtomic((dir / "nope/out.json").string(), "x");
  CHECK(missing.code() == voc::StatusCode::kNotFound);
  CHECK(missing.message() == "cannot write " + (dir / "nope/out.json").string() + ": directory " +
                                 (dir / "nope").string() + " does not exist");
  CHECK(voc::WriteFileAtomic("", "x").message() == "empty output path");

  const fs::path digests = dir / "digests";
  REQUIRE(voc::WriteDigests(Planted(), digests.string()).ok());
  CHECK(fs::exists(digests / "README.md"));
  CHECK(fs::exists(digests / "billing.md"));
  CHECK(ReadFile(digests / "README.md").find("[Billing](billing.md)") != std::string::npos);
  const voc::Status bad = voc::WriteDigests(Planted(), file + "/sub");
  CHECK(bad.code() == voc::StatusCode::kInternal);
  CHECK(bad.message().rfind("cannot create directory " + file + "/sub", 0) == 0);
  fs::remove_all(dir);
}

TEST_CASE("PercentText: whole percents, one decimal for small shares and just under 100%") {
  CHECK(voc::internal::PercentText(0.0) == "0%");
  CHECK(voc::internal::PercentText(0.25) == "25%");
  CHECK(voc::internal::PercentText(0.042) == "4.2%");
  CHECK(voc::internal::PercentText(1.0) == "100%");
  // 1,377 of 1,379 records: not "100%" beside "0.1%" for the rest.
  CHECK(voc::internal::PercentText(1377.0 / 1379.0) == "99.8%");
  CHECK(voc::internal::PercentText(0.9999) == "99.9%");
}
