// `voc discover`: themes the taxonomy does not know yet, written as a draft
// taxonomy to review and pass back with --themes.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>

#include <boost/program_options.hpp>
#include <nlohmann/json.hpp>

#include "analyzer_flags.h"
#include "cli.h"
#include "input_flags.h"
#include "voc/aggregate.h"
#include "voc/analyzer.h"
#include "voc/pipeline.h"
#include "voc/discovery.h"
#include "voc/findings.h"
#include "voc/report.h"

namespace po = boost::program_options;

namespace voc_cli {
namespace {

using Json = nlohmann::ordered_json;

std::string ReadBase(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Failure("cannot read the taxonomy " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

int RunDiscover(int argc, char** argv) {
  InputFlags in;
  AnalyzerFlags af;
  std::string input, output, themes_out, period = "week", background;
  voc::DiscoveryOptions dopt;
  size_t sample = voc::AggregateOptions().discovery_sample;
  po::options_description desc(
      "usage: voc discover INPUT [--themes BASE] -o DRAFT.json [options]\n\n"
      "Analyses every record and discovers themes in the verbatims no known theme\n"
      "covers. Writes a draft taxonomy: the base themes (--themes, default the shipped\n"
      "taxonomy) plus each discovered theme as discovered/<slug> with a label, a rule,\n"
      "department \"unassigned\" and a comment with its size and two redacted examples.\n"
      "Review it, then pass it back with --themes DRAFT.json. {\"themes\": []} as the\n"
      "base discovers from scratch.\n\noptions");
  desc.add_options()("help,h", "show this help")("input", po::value(&input), "input file")(
      "output,o", po::value(&output), "draft taxonomy JSON (default: stdout)")(
      "themes-out", po::value(&themes_out),
      "also write the discovered themes with their member ids, series and examples (JSON)")(
      "period", po::value(&period)->default_value("week"),
      "day, week (ISO) or month: the periods of each theme's series and status")(
      "max-themes", po::value(&dopt.max_themes)->default_value(dopt.max_themes), "most themes discovered")(
      "sample", po::value(&sample)->default_value(sample),
      "records sampled for discovery (memory stays flat beyond it)")(
      "link", po::value(&dopt.link)->default_value(dopt.link),
      "correlation (phi) of record sets that merges two groups of phrases")(
      "min-general-lift", po::value(&dopt.min_general_lift)->default_value(dopt.min_general_lift),
      "least lift of a phrase over the general background (how much more common in the input than in "
      "any text)")(
      "background", po::value(&background),
      "general background: how common words are in any text (default: background.tsv of the models "
      "folder; none: no general background; format in models/BACKGROUND.md)");
  AddInputFlags(&desc, &in);
  AddAnalyzerFlags(&desc, &af);
  po::positional_options_description pos;
  pos.add("input", 1);
  auto vm = ParseCommandLine(argc, argv, desc, pos);
  if (vm.count("help")) {
    std::cout << desc << "\n";
    return 0;
  }
  if (PrintConfigIfAsked(af)) return 0;
  if (input.empty()) throw UsageError("missing INPUT (a file, or - for stdin)");
  auto p = voc::ParsePeriod(period);
  if (!p.ok()) throw UsageError(p.status().message());
  if (sample == 0) throw UsageError("--sample must be at least 1");
  // The base taxonomy: --themes when it is a taxonomy file, else the shipped one.
  const voc::AnalyzerOptions resolved = ResolveAnalyzerOptions(af);
  // The general background: --background, else the models folder's.
  if (background.empty() && !resolved.models_dir.empty()) {
    const std::string shipped = resolved.models_dir + "/background.tsv";
    if (std::ifstream(shipped).good()) dopt.background = shipped;
  } else if (!background.empty()) {
    dopt.background = background;
  }
  if (auto st = voc::ValidateDiscoveryOptions(dopt); !st.ok()) throw UsageError(st.message());

  std::string base_path = resolved.themes;
  if (base_path.empty())
    base_path =
        (resolved.models_dir.empty() ? voc::DefaultModelsDir() : resolved.models_dir) + "/taxonomy.json";
  std::string base = ReadBase(base_path);
  {
    Json probe = Json::parse(base, nullptr, /*allow_exceptions=*/false);
    if (probe.is_discarded() || !probe.is_object())
      throw Failure("--themes " + base_path +
                    " is not a taxonomy JSON file (a trained model cannot be a draft's base)");
  }

  // Discovery reads each record's document sentiment, signals, themes and
  // text, never its per-sentence sentiment: not computed. The signals feed
  // only each theme's per-period finding (its share with a signal); without
  // a time column no record is dated, no theme gets one, and they are not
  // detected either.
  void (*dated)(voc::AnalyzerOptions*) = [](voc::AnalyzerOptions* o) {
    o->sentiment_options.sentences = false;
  };
  void (*undated)(voc::AnalyzerOptions*) = [](voc::AnalyzerOptions* o) {
    o->sentiment_options.sentences = false;
    o->detect_signals = false;
  };
  auto analyzer = MakeAnalyzer(af, {}, in.time_col.empty() ? undated : dated);
  auto reader = OpenReader(input, MakeReaderOptions(in));
  voc::RejectWriter::Redact redact = [&](std::string_view raw) { return analyzer->Redact(raw); };
  auto rejects = OpenRejects(in, redact);
  voc::AggregateOptions ao;
  ao.period = *p;
  ao.discovery_sample = sample;
  ao.phrase_stats = false;
  ao.track_customers = false;
  // Discovery reads the sample: no evidence quotes are kept.
  ao.evidence_per_theme = 0;
  ao.unclassified_evidence = 0;
  voc::Aggregate aggregate(ao);
  voc::PipelineOptions po_;
  po_.threads = af.threads;
  if (af.batch_size == 0) throw UsageError("--batch-size must be at least 1");
  po_.batch_size = af.batch_size;
  po_.progress = MakeProgress(af.quiet);
  voc::Status st = voc::AggregateRecords(
      *reader, *analyzer, po_, nullptr, [&](const voc::Reject& r) { ReportReject(r, rejects.get(), redact); },
      &aggregate);
  FinishInput(*reader, rejects.get());
  if (!st.ok()) throw Failure(st.message());

  voc::Discovery d = voc::DiscoverThemes(aggregate, dopt);
  for (const auto& w : d.warnings) std::fprintf(stderr, "voc: warning: %s\n", w.c_str());
  voc::Result<std::string> draft = voc::DiscoveryDraft(d, base);
  if (!draft.ok()) throw Failure(base_path + ": " + draft.status().message());
  auto write = [](const std::string& path, const std::string& data) {
    voc::Status s = voc::WriteFileAtomic(path, data);
    if (!s.ok()) throw Failure(s.message());
  };
  if (!themes_out.empty()) write(themes_out, voc::DiscoveryToJson(d));
  if (output.empty() || output == "-")
    std::cout << *draft;
  else
    write(output, *draft);
  if (!af.quiet) {
    std::fprintf(stderr, "voc: %zu themes discovered in %llu uncovered of %llu sampled records\n",
                 d.themes.size(), static_cast<unsigned long long>(d.uncovered),
                 static_cast<unsigned long long>(d.sampled));
    for (const voc::DiscoveredTheme& t : d.themes)
      std::fprintf(stderr, "  %-40s ~%llu records, %s\n", t.id.c_str(),
                   static_cast<unsigned long long>(t.estimated), voc::FindingStatusName(t.finding.status));
  }
  ReleaseAtExit(std::move(analyzer));
  return 0;
}

}  // namespace
}  // namespace voc_cli

VOC_CLI_COMMAND(discover, "discover", "discover unknown themes; writes a draft taxonomy to review and reuse",
                voc_cli::RunDiscover);
