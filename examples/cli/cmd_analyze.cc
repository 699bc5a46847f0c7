// `voc analyze` and `voc findings`: the whole pipeline from records to
// per-record analyses or to routed findings and reports.
#include <algorithm>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <filesystem>
#include <functional>
#include <random>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <boost/program_options.hpp>

#include "analyzer_flags.h"
#include "cli.h"
#include "conversation_input.h"
#include "econ_flags.h"
#include "history_flags.h"
#include "input_flags.h"
#include "line_map.h"
#include "output_files.h"
#include "voc/aggregate.h"
#include "voc/analyzer.h"
#include "voc/pipeline.h"
#include "voc/findings.h"
#include "voc/json.h"
#include "voc/parallel.h"
#include "voc/report.h"

namespace po = boost::program_options;

namespace voc_cli {
namespace {

// Writes to a uniquely named temporary file beside `path` (removed on
// SIGINT/SIGTERM/SIGHUP) and renames it into place on Commit(), so an
// interrupted run leaves no half-written output and two runs never
// interleave. A device or FIFO (/dev/stdout, /dev/null) is written in place
// and a symlink is written through.
class AtomicOutput {
 public:
  explicit AtomicOutput(std::string path) : path_(std::move(path)) {
    namespace fs = std::filesystem;
    std::error_code ec;
    fs::path target(path_);
    const fs::file_status st = fs::status(target, ec);  // through symlinks
    if (!ec && fs::exists(st) && !fs::is_regular_file(st)) {
      if (fs::is_directory(st)) throw Failure("cannot write " + path_ + ": is a directory");
      out_.open(target, std::ios::binary);
      if (!out_) throw Failure("cannot write " + path_ + ": " + std::strerror(errno));
      committed_ = true;  // nothing to rename
      return;
    }
    for (int hops = 0; fs::is_symlink(fs::symlink_status(target, ec)); ++hops) {
      const fs::path link = fs::read_symlink(target, ec);
      if (ec || hops == 40) throw Failure("cannot write " + path_ + ": cannot resolve the symlink");
      target = link.is_absolute() ? link : target.parent_path() / link;
    }
    target_ = target.string();
    fs::path dir = target.parent_path();
    if (dir.empty()) dir = ".";
    std::mt19937_64 rng(std::random_device{}());
    for (int attempt = 0; attempt < 16; ++attempt) {
      tmp_ = (dir / ("." + target.filename().string() + ".tmp" + std::to_string(::getpid()) + "-" +
                     std::to_string(rng() % 1000000000ULL)))
                 .string();
      InstallTempCleanup();
      slot_ = RegisterTemp(tmp_);
      const int fd = ::open(tmp_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
      if (fd >= 0) {
        ::close(fd);
        break;
      }
      UnregisterTemp(slot_);
      slot_ = -1;
      const int err = errno;
      tmp_.clear();
      if (err != EEXIST) throw Failure("cannot write " + path_ + ": " + std::strerror(err));
    }
    if (tmp_.empty()) throw Failure("cannot write " + path_ + ": no unused temporary name");
    out_.open(tmp_, std::ios::binary | std::ios::trunc);
    if (!out_) throw Failure("cannot write " + path_ + ": " + std::strerror(errno));
  }
  ~AtomicOutput() {
    if (!committed_) {
      out_.close();
      std::remove(tmp_.c_str());
    }
    UnregisterTemp(slot_);
  }
  std::ostream& stream() { return out_; }
  void Commit() {
    out_.close();
    if (!out_) throw Failure("write error on " + path_ + ": " + std::strerror(errno ? errno : EIO));
    if (committed_) return;
    SignalsDeferred defer;
    if (std::rename(tmp_.c_str(), target_.c_str()) != 0)
      throw Failure("cannot write " + path_ + ": " + std::strerror(errno));
    committed_ = true;
  }

 private:
  std::string path_, target_, tmp_;
  std::ofstream out_;
  int slot_ = -1;
  bool committed_ = false;
};

// The JSON lines of `voc analyze` on their way out. To a regular file they
// leave in writes of kWriteBytes or more: a write per chunk of 16 records
// (some 14 KB of short texts) cost the kernel three times the time of
// 256 KiB writes (each write updates the file's times). To a pipe or a
// terminal, which a reader may be following, each goes at once. If the run
// stops on an error, what is pending is still written: the records analysed
// are not lost.
class LineWriter {
 public:
  LineWriter(std::function<void(std::string_view)> write_through, bool buffer)
      : write_through_(std::move(write_through)), buffer_(buffer) {}
  ~LineWriter() {
    if (std::uncaught_exceptions() <= exceptions_) return;
    try {
      Flush();
    } catch (...) {  // the error under way is the one reported
    }
  }
  LineWriter(const LineWriter&) = delete;
  LineWriter& operator=(const LineWriter&) = delete;

  void Write(std::string_view text) {
    if (!buffer_ || (pending_.empty() && text.size() >= kWriteBytes)) {
      write_through_(text);
      return;
    }
    pending_.append(text);
    if (pending_.size() >= kWriteBytes) WritePending();
  }

  void Flush() { WritePending(); }

 private:
  static constexpr size_t kWriteBytes = size_t{256} << 10;

  void WritePending() {
    if (pending_.empty()) return;
    spare_.swap(pending_);  // emptied first: a failed write is not tried again
    write_through_(spare_);
    spare_.clear();
  }

  std::function<void(std::string_view)> write_through_;
  const bool buffer_;
  const int exceptions_ = std::uncaught_exceptions();
  std::string pending_, spare_;  // two buffers taking turns, each keeping its room
};

// Writes the JSON lines of the analyses of the adaptation sample to
// `lines`, in order; with `adapted`, each analysis gets the analyzer's
// adapted themes first. The lines are formatted on `threads` threads a group
// of chunks at a time, into two sets of strings that take turns: one group
// is written while the next is formatted. Each analysis is let go on the
// thread that formatted it. Memory stays at two groups of lines (holding the
// lines of the whole sample took some 30 MB on 25,000 short texts, in fresh
// pages, and their time to fault in).
void WriteSample(std::vector<voc::Analysis>* sample, const voc::Analyzer& analyzer, bool adapted, int threads,
                 LineWriter* lines) {
  constexpr size_t kChunk = 64, kGroupChunks = 32;
  const size_t chunks = (sample->size() + kChunk - 1) / kChunk;
  std::vector<std::string> texts[2];
  for (auto& t : texts) t.resize(std::min(kGroupChunks, chunks));
  auto write = [&](const std::vector<std::string>& group, size_t n) {
    for (size_t k = 0; k < n; ++k) lines->Write(group[k]);
  };
  voc::ParallelFor team(threads);  // after the data its jobs use
  size_t before = 0;               // chunks of the group before, not yet written
  for (size_t first = 0, turn = 0; first < chunks; first += kGroupChunks, turn ^= 1) {
    std::vector<std::string>& group = texts[turn];
    const size_t n = std::min(kGroupChunks, chunks - first);
    team.Start(n, [&, first](size_t k) {
      group[k].clear();
      const size_t end = std::min(sample->size(), (first + k + 1) * kChunk);
      for (size_t i = (first + k) * kChunk; i < end; ++i) {
        voc::Analysis& a = (*sample)[i];
        if (adapted) analyzer.ApplyThemeAdapter(&a);
        voc::AppendAnalysisJson(a, &group[k]);
        group[k].push_back('\n');
        a = voc::Analysis();
      }
    });
    write(texts[turn ^ 1], before);
    team.Finish();
    before = n;
    if (first + kGroupChunks >= chunks) write(group, n);
  }
  std::vector<voc::Analysis>().swap(*sample);
}

int RunAnalyze(int argc, char** argv) {
  InputFlags in;
  AnalyzerFlags af;
  std::string input, output;
  po::options_description desc(
      "usage: voc analyze INPUT [options]\n\n"
      "Runs the whole pipeline (normalise, redact, tokenize, sentiment, themes,\n"
      "CX signals, routing) and writes one JSON object per record.\n"
      "INPUT is CSV, JSON Lines, a JSON array or text, optionally gzip-compressed; '-' is stdin.\n\noptions");
  desc.add_options()("help,h", "show this help")("input", po::value(&input), "input file")(
      "output,o", po::value(&output), "output JSONL file (default: stdout)");
  AddInputFlags(&desc, &in);
  AddAnalyzerFlags(&desc, &af);
  ConversationFlags cf;
  AddConversationFlags(&desc, &cf);
  po::positional_options_description pos;
  pos.add("input", 1);
  auto vm = ParseCommandLine(argc, argv, desc, pos);
  if (vm.count("help")) {
    std::cout << desc << "\n";
    return 0;
  }
  if (PrintConfigIfAsked(af)) return 0;
  if (input.empty()) throw UsageError("missing INPUT (a file, or - for stdin)");
  CheckDistinctFiles({{"INPUT", input}},
                     {{"--output", output.empty() ? "-" : output}, {"--rejects", in.rejects}});
  // The output first: an unwritable one fails before any input is read.
  std::unique_ptr<AtomicOutput> file;
  if (!output.empty() && output != "-") file = std::make_unique<AtomicOutput>(output);
  OpenedInput opened = OpenInput(input, in, cf);
  // --industry auto looks at the first records (conversations: no sample).
  std::vector<voc::Reject> early_rejects;
  const std::vector<voc::Record> head =
      opened.records ? ReadIndustrySample(af, *opened.records, &early_rejects) : std::vector<voc::Record>();
  auto analyzer = MakeAnalyzer(af, head);
  voc::RejectWriter::Redact redact = [&](std::string_view raw) { return analyzer->Redact(raw); };
  auto rejects = OpenRejects(in, redact);
  auto on_reject = [&](const voc::Reject& r) { ReportReject(r, rejects.get(), redact); };
  for (const auto& r : early_rejects) on_reject(r);
  PrintIndustries(*analyzer, af.quiet);

  std::ostream& out = file ? file->stream() : std::cout;
  if (opened.conversations) {  // one JSON object per conversation
    RunConversations(
        *opened.conversations, *analyzer, af.threads,
        [&](voc::ConversationAnalysis&& a) { out << voc::ConversationAnalysisToJson(a) << '\n'; },
        [&](const voc::Reject& r) { ReportReject(r, rejects.get(), redact); });
    out.flush();
    if (!out)
      throw Failure("write error on " + (output.empty() ? std::string("standard output") : output) + ": " +
                    std::strerror(errno ? errno : EIO));
    FinishConversations(*opened.conversations, rejects.get(), !cf.parent_col.empty());
    if (file) file->Commit();
    ReleaseAtExit(std::move(analyzer));
    return 0;
  }
  auto reader = std::move(opened.records);
  // The records read for --industry auto come first; adaptation reads on
  // from there for its sample, and the sample is written before the rest.
  std::vector<voc::Analysis> sample = analyzer->AnalyzeBatch(head, af.threads);
  const bool adapted = SetUpAdaptation(af, input, analyzer.get(), reader.get(), &sample, on_reject);
  voc::PipelineOptions po_;
  po_.threads = af.threads;
  po_.batch_size = CheckBatchSize(af.batch_size);
  po_.progress = MakeProgress(af.quiet || output.empty());
  struct stat stdout_stat;
  const bool to_regular_file =
      file != nullptr || (fstat(STDOUT_FILENO, &stdout_stat) == 0 && S_ISREG(stdout_stat.st_mode));
  LineWriter lines(
      [&](std::string_view text) {
        if (file) {
          out.write(text.data(), static_cast<std::streamsize>(text.size()));
        } else {
          WriteAll(stdout, text);  // chunks of many records: no copy into cout's buffer
        }
      },
      to_regular_file);
  // The sample's lines go first.
  WriteSample(&sample, *analyzer, adapted, af.threads, &lines);
  auto on_text = [&](std::string_view text) { lines.Write(text); };
  voc::Status st = voc::RunPipelineText(
      *reader, *analyzer, po_,
      [](const voc::Analysis& a, std::string* text) {
        voc::AppendAnalysisJson(a, text);
        text->push_back('\n');
      },
      on_text, on_reject);
  lines.Flush();
  out.flush();
  if (!out)
    throw Failure("write error on " + (output.empty() ? std::string("standard output") : output) + ": " +
                  std::strerror(errno ? errno : EIO));
  FinishInput(*reader, rejects.get());
  if (!st.ok()) throw Failure(st.message());
  if (file) file->Commit();
  ReleaseAtExit(std::move(analyzer));
  return 0;
}

int RunFindings(int argc, char** argv) {
  InputFlags in;
  AnalyzerFlags af;
  std::string input, output, html, csv, digests, period = "week", save_aggregate, last_period, title;
  voc::FindingsOptions fo;
  EconFlags ef;
  po::options_description desc(
      "usage: voc findings INPUT --period day|week|month [options]\n\n"
      "Analyses every record, aggregates by theme, period and channel, and reports\n"
      "the chronic, emerging, spike and resolved issues, routed to their departments.\n\noptions");
  desc.add_options()("help,h", "show this help")("input", po::value(&input), "input file")(
      "period", po::value(&period)->default_value("week"), "day, week (ISO) or month")(
      "output,o", po::value(&output), "findings JSON file (default: stdout)")(
      "html", po::value(&html), "self-contained HTML report")("csv", po::value(&csv),
                                                              "findings as CSV, one row per finding")(
      "digests", po::value(&digests), "folder for one Markdown digest per department")(
      "save-aggregate", po::value(&save_aggregate),
      "also save the mergeable aggregate (JSON) for `voc report`")(
      "last-period", po::value(&last_period), "last period of the window (default: the latest seen)")(
      "window", po::value(&fo.window_periods)->default_value(fo.window_periods),
      "periods in the window, ending at the last period (0: all periods seen)")(
      "chronic-k", po::value(&fo.chronic_k)->default_value(fo.chronic_k),
      "chronic: above baseline in at least k ...")(
      "chronic-n", po::value(&fo.chronic_n)->default_value(fo.chronic_n), "... of the last n periods")(
      "emerging-alpha", po::value(&fo.emerging_alpha)->default_value(fo.emerging_alpha),
      "significance of the emerging test")("title", po::value(&title), "HTML report title");
  AddInputFlags(&desc, &in);
  AddAnalyzerFlags(&desc, &af);
  ConversationFlags cf;
  AddConversationFlags(&desc, &cf);
  AddEconFlags(&desc, &ef, /*from_records=*/true);
  HistoryFlags hf;
  AddHistoryFlags(&desc, &hf);
  po::positional_options_description pos;
  pos.add("input", 1);
  auto vm = ParseCommandLine(argc, argv, desc, pos);
  if (vm.count("help")) {
    std::cout << desc << "\n";
    return 0;
  }
  if (PrintConfigIfAsked(af)) return 0;
  if (input.empty()) throw UsageError("missing INPUT (a file, or - for stdin)");
  ApplyEconFlags(ef, &fo);
  auto p = voc::ParsePeriod(period);
  if (!p.ok()) throw UsageError(p.status().message());
  fo.last_period = last_period;
  if (auto st = voc::ValidateFindingsOptions(fo); !st.ok()) throw UsageError(st.message());
  if (!last_period.empty() && !voc::PeriodOrdinal(last_period, *p).ok())
    throw UsageError("--last-period: '" + last_period + "' is not a " + voc::PeriodName(*p) +
                     " period id (e.g. " + voc::PeriodId(1700000000, *p) + ")");
  CheckDistinctFiles({{"INPUT", input}, {"--actions", hf.actions}},
                     {{"--output", output.empty() ? "-" : output},
                      {"--rejects", in.rejects},
                      {"--save-aggregate", save_aggregate},
                      {"--csv", csv},
                      {"--html", html},
                      {"--digests", digests}});
  ApplyHistoryFlags(hf, &fo);

  OpenedInput opened = OpenInput(input, in, cf);
  auto reader = std::move(opened.records);
  if (reader) {
    for (const std::string& col : FigureColumns(ef)) {
      const auto& cols = reader->columns();
      if (std::find(cols.begin(), cols.end(), col) != cols.end()) continue;
      std::string list;
      for (const std::string& c : cols) list += (list.empty() ? "" : ", ") + c;
      throw UsageError("column '" + col + "' not found; columns are: " + list);
    }
  } else if (!FigureColumns(ef).empty()) {
    throw UsageError("--score-col and --value-col read record columns; conversation input has none");
  }
  std::vector<voc::Reject> early_rejects;
  const std::vector<voc::Record> head =
      reader ? ReadIndustrySample(af, *reader, &early_rejects) : std::vector<voc::Record>();
  auto analyzer = MakeAnalyzer(af, head);
  voc::RejectWriter::Redact redact = [&](std::string_view raw) { return analyzer->Redact(raw); };
  auto rejects = OpenRejects(in, redact);
  auto on_reject = [&](const voc::Reject& r) { ReportReject(r, rejects.get(), redact); };
  for (const auto& r : early_rejects) on_reject(r);
  PrintIndustries(*analyzer, af.quiet);
  voc::AggregateOptions ao;
  ao.period = *p;
  voc::Aggregate aggregate(ao);
  voc::PipelineOptions po_;
  po_.threads = af.threads;
  po_.batch_size = CheckBatchSize(af.batch_size);
  po_.progress = MakeProgress(af.quiet);
  po_.keep_columns = FigureColumns(ef);
  const voc::PrepareAnalysis prepare = [&ef](voc::Analysis& a, voc::RecordFigures* figures) {
    *figures = FiguresOf(a, ef);
  };
  {
    // The records read for --industry auto come first; adaptation reads on
    // from there for its sample; all of them are aggregated before the rest.
    std::vector<voc::Analysis> sample = analyzer->AnalyzeBatch(head, af.threads);
    voc::KeepColumns(head.data(), sample.size(), po_.keep_columns, sample.data());
    const bool adapted = reader && SetUpAdaptation(af, input, analyzer.get(), reader.get(), &sample,
                                                   on_reject, po_.keep_columns);
    // The adapted themes are applied to the sample as it is aggregated.
    const voc::PrepareAnalysis adapt_and_prepare = [&](voc::Analysis& a, voc::RecordFigures* figures) {
      if (adapted) analyzer->ApplyThemeAdapter(&a);
      prepare(a, figures);
    };
    voc::Status st = voc::AggregateAnalyses(sample, af.threads, adapt_and_prepare, &aggregate);
    if (!st.ok()) throw Failure(st.message());
  }
  if (opened.conversations) {
    // A conversation counts once, by its customer's turns, with its figures.
    RunConversations(
        *opened.conversations, *analyzer, af.threads,
        [&](voc::ConversationAnalysis&& a) { aggregate.Add(a); }, on_reject);
    FinishConversations(*opened.conversations, rejects.get(), !cf.parent_col.empty());
  } else {
    voc::Status st = voc::AggregateRecords(*reader, *analyzer, po_, prepare, on_reject, &aggregate);
    FinishInput(*reader, rejects.get());
    if (!st.ok()) throw Failure(st.message());
  }

  voc::Findings findings = voc::DetectFindings(aggregate, fo);
  if (!analyzer->industries().packs.empty()) findings.industries = analyzer->industries();
  for (const auto& w : findings.warnings) std::fprintf(stderr, "voc: warning: %s\n", w.c_str());
  SignalsDeferred defer;  // the outputs are written whole or not at all
  auto write = [](const std::string& path, const std::string& data) {
    voc::Status s = voc::WriteFileAtomic(path, data);
    if (!s.ok()) throw Failure(s.message());
  };
  if (!save_aggregate.empty()) write(save_aggregate, aggregate.Serialize());
  if (!csv.empty()) write(csv, voc::FindingsToCsv(findings));
  if (!html.empty()) {
    voc::HtmlOptions ho;
    if (!title.empty()) ho.title = title;
    write(html, voc::FindingsToHtml(findings, ho));
  }
  if (!digests.empty()) {
    voc::Status s = voc::WriteDigests(findings, digests);
    if (!s.ok()) throw Failure(s.message());
  }
  std::string json = voc::FindingsToJson(findings);
  if (output.empty() || output == "-")
    std::cout << json << (json.empty() || json.back() != '\n' ? "\n" : "");
  else
    write(output, json);
  WriteHistory(hf, findings, af.quiet);  // last: a run whose outputs failed is not stored
  if (!af.quiet)
    std::fprintf(stderr, "voc: %zu findings: %zu chronic, %zu emerging, %zu spike, %zu resolved\n",
                 findings.findings.size(), findings.Count(voc::FindingStatus::kChronic),
                 findings.Count(voc::FindingStatus::kEmerging), findings.Count(voc::FindingStatus::kSpike),
                 findings.Count(voc::FindingStatus::kResolved));
  ReleaseAtExit(std::move(analyzer));
  return 0;
}

}  // namespace
}  // namespace voc_cli

VOC_CLI_COMMAND(analyze, "analyze", "analyse records: sentiment, themes, signals, routing (JSONL)",
                voc_cli::RunAnalyze);
VOC_CLI_COMMAND(findings, "findings",
                "chronic and emerging issues, routed upstream; JSON, CSV, HTML, digests",
                voc_cli::RunFindings);
