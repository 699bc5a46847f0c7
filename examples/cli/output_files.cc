#include "output_files.h"

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "cli.h"

namespace voc_cli {
namespace {

struct Identity {
  bool exists = false;
  bool may_repeat = false;  // character device, FIFO, socket
  dev_t dev = 0;
  ino_t ino = 0;
  std::string path;  // absolute, lexically normal (for files not yet created)
};

Identity Identify(const std::string& path, bool is_input) {
  Identity id;
  struct stat st;
  int rc;
  if (path == "-") {
    rc = ::fstat(is_input ? STDIN_FILENO : STDOUT_FILENO, &st);
  } else {
    rc = ::stat(path.c_str(), &st);
    std::error_code ec;
    std::filesystem::path abs = std::filesystem::absolute(path, ec);
    id.path = ec ? path : abs.lexically_normal().string();
  }
  if (rc == 0) {
    id.exists = true;
    id.dev = st.st_dev;
    id.ino = st.st_ino;
    id.may_repeat = !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode) && !S_ISBLK(st.st_mode);
  }
  return id;
}

bool Same(const Identity& a, const Identity& b) {
  if (a.exists && b.exists) return a.dev == b.dev && a.ino == b.ino && !a.may_repeat;
  return !a.path.empty() && a.path == b.path;
}

std::string Describe(const NamedFile& f) {
  return f.flag + " (" + (f.path == "-" ? std::string("standard stream") : f.path) + ")";
}

constexpr int kSlots = 16;
constexpr size_t kPathMax = 4096;
char g_temp[kSlots][kPathMax];
std::atomic<bool> g_used[kSlots];

std::atomic<int> g_deferring{0};
std::atomic<int> g_pending{0};

void OnSignal(int sig) {
  if (g_deferring.load() > 0) {
    g_pending.store(sig);
    return;
  }
  for (int i = 0; i < kSlots; ++i)
    if (g_used[i].load(std::memory_order_acquire)) ::unlink(g_temp[i]);
  ::signal(sig, SIG_DFL);
  ::raise(sig);
}

}  // namespace

void CheckDistinctFiles(const std::vector<NamedFile>& inputs, const std::vector<NamedFile>& outputs) {
  std::vector<Identity> in_ids, out_ids;
  for (const NamedFile& f : inputs) in_ids.push_back(Identify(f.path, true));
  for (const NamedFile& f : outputs) out_ids.push_back(Identify(f.path, false));
  for (size_t o = 0; o < outputs.size(); ++o) {
    if (outputs[o].path.empty()) continue;
    for (size_t i = 0; i < inputs.size(); ++i) {
      if (inputs[i].path.empty()) continue;
      if (outputs[o].path == "-" && inputs[i].path == "-") continue;
      if (Same(out_ids[o], in_ids[i]))
        throw UsageError(Describe(outputs[o]) + " is the same file as " + Describe(inputs[i]) +
                         ": refusing to overwrite an input");
    }
    for (size_t p = 0; p < o; ++p) {
      if (outputs[p].path.empty() || (outputs[p].path == "-" && outputs[o].path == "-")) continue;
      if (Same(out_ids[o], out_ids[p]))
        throw UsageError(Describe(outputs[o]) + " is the same file as " + Describe(outputs[p]) +
                         ": one output would overwrite the other");
    }
  }
}

void InstallTempCleanup() {
  static bool installed = false;
  if (installed) return;
  installed = true;
  struct sigaction sa;
  std::memset(&sa, 0, sizeof sa);
  sa.sa_handler = OnSignal;
  sigemptyset(&sa.sa_mask);
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) {
    struct sigaction old;
    // A signal the caller chose to ignore (nohup, a shell's background job) stays ignored.
    if (::sigaction(sig, nullptr, &old) == 0 && old.sa_handler == SIG_IGN) continue;
    ::sigaction(sig, &sa, nullptr);
  }
}

int RegisterTemp(const std::string& path) {
  if (path.size() + 1 > kPathMax) return -1;
  for (int i = 0; i < kSlots; ++i) {
    if (g_used[i].load(std::memory_order_relaxed)) continue;
    std::memcpy(g_temp[i], path.c_str(), path.size() + 1);
    g_used[i].store(true, std::memory_order_release);
    return i;
  }
  return -1;
}

void UnregisterTemp(int slot) {
  if (slot >= 0 && slot < kSlots) g_used[slot].store(false, std::memory_order_release);
}

SignalsDeferred::SignalsDeferred() {
  InstallTempCleanup();
  g_deferring.fetch_add(1);
}

SignalsDeferred::~SignalsDeferred() {
  if (g_deferring.fetch_sub(1) == 1) {
    const int sig = g_pending.exchange(0);
    if (sig != 0) OnSignal(sig);
  }
}

}  // namespace voc_cli
