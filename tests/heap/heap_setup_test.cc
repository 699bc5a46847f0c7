// The CLI's heap set-up (examples/cli/heap_setup.cc), in an executable linked
// like the CLI.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>

#include "heap_setup.h"

namespace {

// The "THPeligible" line of the /proc/self/smaps entry holding `p`, or -1.
int ThpEligible(const void* p) {
  const auto addr = reinterpret_cast<uintptr_t>(p);
  std::ifstream in("/proc/self/smaps");
  std::string line;
  bool inside = false;
  while (std::getline(in, line)) {
    unsigned long lo = 0, hi = 0;
    if (std::sscanf(line.c_str(), "%lx-%lx ", &lo, &hi) == 2 && line.find('-') < 16) {
      inside = addr >= lo && addr < hi;
    } else if (inside && line.rfind("THPeligible:", 0) == 0) {
      return std::atoi(line.c_str() + 12);
    }
  }
  return -1;
}

// The system's transparent huge page mode: "always", "madvise", "never" or "".
std::string ThpMode() {
  std::ifstream in("/sys/kernel/mm/transparent_hugepage/enabled");
  std::string s((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const size_t open = s.find('['), close = s.find(']');
  return open == std::string::npos || close == std::string::npos ? "" : s.substr(open + 1, close - open - 1);
}

// Linux 5.14 or later (MADV_POPULATE_WRITE).
bool KernelPopulates() {
  std::ifstream in("/proc/sys/kernel/osrelease");
  int major = 0, minor = 0;
  char dot = 0;
  in >> major >> dot >> minor;
  return major > 5 || (major == 5 && minor >= 14);
}

}  // namespace

TEST_CASE("tcmalloc's zero-filled segment is populated before it sets up") {
  const voc_cli::BssPreparation bss = voc_cli::TcmallocBssPreparation();
  CHECK(bss.found);
  if (KernelPopulates()) {
    CHECK(bss.error == 0);
    CHECK(bss.bytes >= (size_t{1} << 20));
  }
}

TEST_CASE("the heap is not advised for transparent huge pages") {
  // Where huge pages are given on request only, a heap block advised for
  // them reads THPeligible 1; the CLI's heap stays in default pages.
  std::unique_ptr<char[]> big(new char[8 << 20]);
  std::memset(big.get(), 0x5a, 8 << 20);
  const std::string mode = ThpMode();
  CAPTURE(mode);
  if (mode == "madvise" || mode == "never") CHECK(ThpEligible(big.get() + (4 << 20)) == 0);
  CHECK(big[(8 << 20) - 1] == 0x5a);
}
