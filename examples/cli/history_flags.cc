#include "history_flags.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

#include "cli.h"
#include "output_files.h"
#include "voc/history.h"
#include "voc/report.h"

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace voc_cli {
namespace {

std::string ReadText(const std::string& path, const std::string& flag) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Failure(flag + ": cannot open " + path + ": " + std::strerror(errno));
  std::stringstream ss;
  ss << in.rdbuf();
  if (in.bad()) throw Failure(flag + ": cannot read " + path);
  return ss.str();
}

// The sequence number of a run file name "run-NNNNNN.json"; 0 otherwise.
uint64_t RunNumber(const std::string& name) {
  if (name.size() < 10 || name.compare(0, 4, "run-") != 0 || name.compare(name.size() - 5, 5, ".json") != 0)
    return 0;
  const std::string digits = name.substr(4, name.size() - 9);
  if (digits.empty() || digits.size() > 18 || digits.find_first_not_of("0123456789") != std::string::npos)
    return 0;
  return std::stoull(digits);
}

}  // namespace

void AddHistoryFlags(po::options_description* desc, HistoryFlags* f) {
  desc->add_options()("history", po::value(&f->history),
                      "folder of past runs: compare with the latest run stored there (new, persisting, "
                      "worsening, improving, resolved, relapsed) and store this run (created when missing)")(
      "actions", po::value(&f->actions),
      "actions taken (JSON array or CSV with theme,owner,action,date,status): each is judged "
      "by the theme's share before vs after its date")(
      "run-timestamp", po::value(&f->run_timestamp),
      "this run's UTC time stored in --history (YYYY-MM-DDTHH:MM:SSZ; default: now)");
}

void ApplyHistoryFlags(const HistoryFlags& f, voc::FindingsOptions* o) {
  if (!f.actions.empty()) {
    voc::Result<std::vector<voc::Action>> a = voc::ParseActions(ReadText(f.actions, "--actions"), f.actions);
    if (!a.ok()) throw Failure(a.status().message());
    o->actions = std::move(*a);
  }
  if (!f.run_timestamp.empty()) {
    const std::string& t = f.run_timestamp;
    if (t.size() != 20 || !voc::IsValidDate(t.substr(0, 10)) || t[10] != 'T' || t[13] != ':' ||
        t[16] != ':' || t[19] != 'Z')
      throw UsageError("--run-timestamp: '" + t + "' is not YYYY-MM-DDTHH:MM:SSZ");
    o->run_timestamp = t;
  }
  if (f.history.empty()) return;
  o->history = true;
  std::error_code ec;
  const fs::file_status st = fs::status(f.history, ec);
  if (!fs::exists(st)) return;  // the first run: created when the run is stored
  if (!fs::is_directory(st)) throw UsageError("--history: " + f.history + " is not a folder");
  uint64_t best = 0;
  fs::path latest;
  for (fs::directory_iterator it(f.history, ec), end; !ec && it != end; it.increment(ec)) {
    const uint64_t n = RunNumber(it->path().filename().string());
    if (n > best) {
      best = n;
      latest = it->path();
    }
  }
  if (ec) throw Failure("--history: cannot list " + f.history + ": " + ec.message());
  if (best == 0) return;
  voc::Result<voc::HistoryRun> run = voc::ParseHistoryRun(ReadText(latest.string(), "--history"));
  if (!run.ok())
    throw Failure(latest.string() + ": " + run.status().message() +
                  "; fix or move the file away (it is never overwritten)");
  o->previous_run = std::move(*run);
}

void WriteHistory(const HistoryFlags& f, const voc::Findings& findings, bool quiet) {
  if (f.history.empty() || !findings.has_history) return;
  std::error_code ec;
  fs::create_directories(f.history, ec);
  if (!fs::is_directory(f.history))
    throw Failure("--history: cannot create folder " + f.history +
                  (ec ? ": " + ec.message() : std::string()));
  const fs::path target = fs::path(f.history) / (findings.run.run_id + ".json");
  if (fs::exists(fs::symlink_status(target)))
    throw Failure("--history: " + target.string() + " already exists; not overwritten");
  // Written whole beside the target, then linked into place: link() fails
  // rather than replace a file another run stored meanwhile.
  const fs::path part = fs::path(f.history) / ("." + findings.run.run_id + ".json.part");
  voc::Status s = voc::WriteFileAtomic(part.string(), voc::SerializeHistoryRun(findings.run));
  if (!s.ok()) throw Failure("--history: " + s.message());
  fs::create_hard_link(part, target, ec);
  std::error_code ignored;
  fs::remove(part, ignored);
  if (ec) throw Failure("--history: cannot store " + target.string() + ": " + ec.message());
  if (quiet) return;
  const voc::HistoryChanges& c = findings.changes;
  std::fprintf(stderr,
               "voc: stored %s; %s: %zu new, %zu relapsed, %zu worsening, %zu improving, "
               "%zu persisting, %zu resolved\n",
               target.string().c_str(),
               c.previous_run.empty() ? "first run" : ("since " + c.previous_run).c_str(),
               c.new_issues.size(), c.relapsed.size(), c.worsening.size(), c.improving.size(),
               c.persisting.size(), c.resolved.size());
}

}  // namespace voc_cli
