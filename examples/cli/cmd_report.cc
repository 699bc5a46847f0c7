// `voc report`: findings and reports from one or more serialized aggregates.
//
//   voc report AGGREGATE.json [MORE.json ...] [--period week] [-o findings.json]
//              [--csv findings.csv] [--html report.html] [--digests DIR]
//
// Several aggregates (e.g. one per worker) are merged exactly before the
// findings are detected. Without any output flag the findings JSON goes to
// stdout.
#include <boost/program_options.hpp>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "cli.h"
#include "econ_flags.h"
#include "history_flags.h"
#include "output_files.h"
#include "voc/aggregate.h"
#include "voc/findings.h"
#include "voc/report.h"

namespace po = boost::program_options;

namespace {

std::string ReadAll(const std::string& path) {
  if (path == "-") {
    std::stringstream ss;
    ss << std::cin.rdbuf();
    return ss.str();
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw voc_cli::Failure("cannot open " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  if (in.bad()) throw voc_cli::Failure("cannot read " + path);
  return ss.str();
}

void Write(const std::string& path, const std::string& data) {
  if (path == "-") {
    std::fwrite(data.data(), 1, data.size(), stdout);
    std::fflush(stdout);
    return;
  }
  voc::Status s = voc::WriteFileAtomic(path, data);
  if (!s.ok()) throw voc_cli::Failure(s.message());
}

int RunReport(int argc, char** argv) {
  std::vector<std::string> inputs;
  std::string period, out, csv, html, digests, last_period, title;
  voc::FindingsOptions fo;
  voc_cli::EconFlags ef;
  po::options_description opts(
      "usage: voc report AGGREGATE.json [MORE.json ...] [options]\n\n"
      "Detects chronic, emerging, resolved and one-off issues in serialized aggregates\n"
      "(merged exactly when several are given) and writes the reports.\n\noptions");
  opts.add_options()("help,h", "show this help")(
      "period", po::value(&period), "day|week|month: the aggregates' period, or coarser for a day aggregate")(
      "output,o", po::value(&out),
      "findings JSON (schema 1.1); '-' for stdout (the default "
      "when no other output is given)")("csv", po::value(&csv), "CSV, one row per finding")(
      "html", po::value(&html), "self-contained HTML report")(
      "digests", po::value(&digests), "directory for per-department Markdown digests")(
      "title", po::value(&title), "HTML report title")("last-period", po::value(&last_period),
                                                       "last period of the window, e.g. 2024-W07")(
      "window", po::value(&fo.window_periods)->default_value(0), "periods in the window (0 = all)")(
      "chronic-k", po::value(&fo.chronic_k)->default_value(3), "chronic: present in k ...")(
      "chronic-n", po::value(&fo.chronic_n)->default_value(4), "... of the last n periods")(
      "emerging-alpha", po::value(&fo.emerging_alpha)->default_value(0.01),
      "significance of the emerging test");
  voc_cli::AddEconFlags(&opts, &ef, /*from_records=*/false);
  voc_cli::HistoryFlags hf;
  voc_cli::AddHistoryFlags(&opts, &hf);
  po::options_description hidden;
  hidden.add_options()("input", po::value(&inputs));
  po::options_description all;
  all.add(opts).add(hidden);
  po::positional_options_description pos;
  pos.add("input", -1);
  po::variables_map vm = voc_cli::ParseCommandLine(argc, argv, all, pos);
  if (vm.count("help")) {
    std::cout << opts << "\n";
    return 0;
  }
  if (inputs.empty()) throw voc_cli::UsageError("no aggregate file given");
  voc_cli::ApplyEconFlags(ef, &fo);
  {
    std::vector<voc_cli::NamedFile> in_files,
        out_files{{"--output", out}, {"--csv", csv}, {"--html", html}, {"--digests", digests}};
    for (const std::string& path : inputs) in_files.push_back({"AGGREGATE", path});
    in_files.push_back({"--actions", hf.actions});
    voc_cli::CheckDistinctFiles(in_files, out_files);
  }
  fo.last_period = last_period;
  if (voc::Status s = voc::ValidateFindingsOptions(fo); !s.ok()) throw voc_cli::UsageError(s.message());
  voc_cli::ApplyHistoryFlags(hf, &fo);
  std::optional<voc::Period> want_period;
  if (!period.empty()) {
    voc::Result<voc::Period> p = voc::ParsePeriod(period);
    if (!p.ok()) throw voc_cli::UsageError(p.status().message());
    want_period = *p;
  }

  std::optional<voc::Aggregate> agg;
  for (const std::string& path : inputs) {
    voc::Result<voc::Aggregate> a = voc::Aggregate::Deserialize(ReadAll(path));
    if (!a.ok()) throw voc_cli::Failure(path + ": " + a.status().message());
    if (!agg) {
      agg = std::move(*a);
    } else if (voc::Status s = agg->Merge(*a); !s.ok()) {
      throw voc_cli::Failure(path + ": " + s.message());
    }
  }
  if (want_period && agg->options().period != *want_period) {
    voc::Result<voc::Aggregate> re = agg->Regroup(*want_period);
    if (!re.ok())
      throw voc_cli::Failure("--period " + std::string(voc::PeriodName(*want_period)) + ": " +
                             re.status().message());
    agg = std::move(*re);
  }
  if (!last_period.empty() && !voc::PeriodOrdinal(last_period, agg->options().period).ok())
    throw voc_cli::UsageError("--last-period: '" + last_period + "' is not a " +
                              voc::PeriodName(agg->options().period) + " period id");

  const voc::Findings f = voc::DetectFindings(*agg, fo);
  for (const std::string& w : f.warnings) std::fprintf(stderr, "voc: warning: %s\n", w.c_str());
  if (out.empty() && csv.empty() && html.empty() && digests.empty()) out = "-";
  voc_cli::SignalsDeferred defer;  // the outputs are written whole or not at all
  if (!out.empty()) Write(out, voc::FindingsToJson(f));
  if (!csv.empty()) Write(csv, voc::FindingsToCsv(f));
  if (!html.empty()) {
    voc::HtmlOptions ho;
    if (!title.empty()) ho.title = title;
    Write(html, voc::FindingsToHtml(f, ho));
  }
  if (!digests.empty()) {
    voc::Status s = voc::WriteDigests(f, digests);
    if (!s.ok()) throw voc_cli::Failure(s.message());
  }
  voc_cli::WriteHistory(hf, f);  // last: a run whose outputs failed is not stored
  if (out != "-")
    std::fprintf(
        stderr, "voc: %zu findings (%zu chronic, %zu emerging, %zu spike, %zu resolved) over %s\n",
        f.findings.size(), f.Count(voc::FindingStatus::kChronic), f.Count(voc::FindingStatus::kEmerging),
        f.Count(voc::FindingStatus::kSpike), f.Count(voc::FindingStatus::kResolved),
        f.periods.empty() ? "no dated periods" : (f.periods.front() + ".." + f.periods.back()).c_str());
  return 0;
}

}  // namespace

VOC_CLI_COMMAND(report, "report", "findings, CSV, HTML and digests from serialized aggregates", RunReport);
