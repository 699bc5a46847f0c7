// voc/report.h: findings as JSON, CSV, per-department Markdown digests and a
// self-contained HTML report.
//
//   voc::Findings f = voc::DetectFindings(aggregate, {});
//   voc::Status s = voc::WriteFileAtomic("findings.json", voc::FindingsToJson(f));
//   if (s.ok()) s = voc::WriteFileAtomic("report.html", voc::FindingsToHtml(f));
//   if (s.ok()) s = voc::WriteDigests(f, "digests/");
//
// The JSON follows include/voc/schema/findings.schema.json (JSON Schema
// draft 2020-12), `"schema_version": "1.1"` (1.1 adds the optional history and actions objects). Every piece
// of customer text in every output is the redacted evidence snippet kept by the aggregate; the HTML escapes
// it, the Markdown escapes its markup, the CSV quotes it.
//
// Thread safety: all functions are pure or write only the files named.
#ifndef VOC_REPORT_H_
#define VOC_REPORT_H_

#include <string>
#include <string_view>
#include <vector>

#include "voc/files.h"
#include "voc/findings.h"
#include "voc/json.h"
#include "voc/status.h"

namespace voc {

inline constexpr const char* kFindingsSchemaVersion = "1.1";

// FindingsToJson, the findings document: voc/json.h.

// One row per finding, RFC 4180 (CRLF line ends, fields with commas, quotes
// or line breaks quoted, quotes doubled), with a header row.
std::string FindingsToCsv(const Findings& findings);

struct HtmlOptions {
  // Heading of the page. Default "Voice of the Customer: findings".
  std::string title = "Voice of the Customer: findings";
  // Most findings shown with a trend chart and quotes. Default 12.
  size_t max_detailed = 12;
};

// One self-contained HTML page: inline CSS and SVG, no script, no network.
std::string FindingsToHtml(const Findings& findings, const HtmlOptions& options = {});

struct Digest {
  std::string department;  // "" is written as "unassigned"
  std::string file_name;   // e.g. "billing-operations.md"
  std::string markdown;
};

// One digest per owning department, with its findings, evidence and a
// suggested next step for each.
std::vector<Digest> DepartmentDigests(const Findings& findings);

// The suggested next step for a finding, after its status and signals
// (Hunsaker: right first time, least effort, the best service is no service).
std::string SuggestedNextStep(const Finding& finding);

// Writes DepartmentDigests() into `dir` (created when missing), one file per
// department, plus an index "README.md" listing them.
Status WriteDigests(const Findings& findings, const std::string& dir);

}  // namespace voc

#endif  // VOC_REPORT_H_
