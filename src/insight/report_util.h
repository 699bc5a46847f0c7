// Private helpers shared by the report writers.
#ifndef VOC_SRC_REPORT_UTIL_H_
#define VOC_SRC_REPORT_UTIL_H_

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "voc/findings.h"

namespace voc {
namespace internal {

// "12%" for shares >= 10%, "3.4%" below.
std::string PercentText(double share);
// "2024-W01 to 2024-W12 (12 weeks)".
std::string WindowText(const Findings& f);
// "24, 50% resolved, 25% unresolved; customer sentiment
// +0.12 from start to end on average; 0.5 transfers per conversation;
// right first time 0.62 (estimate)".
std::string ConversationText(const ConversationFigures& c);

// Money and drivers (report_econ.cc): the `money` and `impact` objects of a
// finding (only when there is something to say), the top-level `score`,
// `drivers` and `money`; CSV columns; digest lines; HTML sections.
void AddFindingEconJson(const Finding& f, const Findings& all, nlohmann::ordered_json* j);
void AddEconJson(const Findings& f, nlohmann::ordered_json* j);
nlohmann::ordered_json ImpactJson(const Impact& im);
std::vector<std::string> EconCsvHeader();
std::vector<std::string> EconCsvRow(const Finding& f);
std::string EconDigestLines(const Finding& f, const Findings& all);
std::string EconDigestSummary(const Findings& f, const std::string& department);
std::string EconHtml(const Findings& f);
std::string FindingEconHtml(const Finding& f, const Findings& all);

// History and actions (report_history.cc): the `history` and `actions` of a
// finding, the top-level `run`, `resolved` and `changes` (each only when
// asked for); CSV columns (empty without history); digest and HTML parts.
void AddFindingHistoryJson(const Finding& f, nlohmann::ordered_json* j);
void AddHistoryJson(const Findings& f, nlohmann::ordered_json* j);
std::vector<std::string> HistoryCsvHeader(const Findings& f);
std::vector<std::string> HistoryCsvRow(const Finding& x, const Findings& f);
std::string HistoryDigest(const Findings& f, const std::string& department);
std::string FindingHistoryDigest(const Finding& x);
std::string HistoryHtml(const Findings& f);
std::string FindingHistoryHtml(const Finding& x);
// Escapes Markdown and HTML markup in text, on one line (report.cc).
std::string MdText(std::string_view s);

// Escapes text for HTML element content and quoted attribute values.
inline std::string Esc(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 16);
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

}  // namespace internal
}  // namespace voc

#endif  // VOC_SRC_REPORT_UTIL_H_
