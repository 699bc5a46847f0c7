// The CLI's tcmalloc heap in 2 MiB pages (examples/cli/huge_heap.cc), in an
// executable linked like the CLI.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <iterator>
#include <string>
#include <vector>

#include "huge_heap.h"

namespace {

constexpr size_t kHugePage = size_t{2} << 20;

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

bool HugePagesOnRequest() {
  std::ifstream in("/sys/kernel/mm/transparent_hugepage/enabled");
  std::string s((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return !s.empty() && s.find("[never]") == std::string::npos;
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

TEST_CASE("the heap is in huge pages from before main") {
  // tcmalloc took the allocator from the hook as it set itself up, so the
  // blocks of its heap were counted before this test ran.
  REQUIRE(voc_cli::HugePageHeap());
  const voc_cli::HugeHeapStats start = voc_cli::HugePageHeapStats();
  CHECK(start.blocks > 0);
  CHECK(start.bytes % kHugePage == 0);
  CHECK(start.misaligned == 0);
  // tcmalloc's zero-filled segment was populated before it initialised.
  const voc_cli::BssPreparation bss = voc_cli::TcmallocBssPreparation();
  CHECK(bss.found);
  if (KernelPopulates()) {
    CHECK(bss.error == 0);
    CHECK(bss.bytes >= (size_t{1} << 20));
  }
}

TEST_CASE("the heap grows in whole, aligned 2 MiB blocks advised for huge pages") {
  REQUIRE(voc_cli::HugePageHeap());
  const voc_cli::HugeHeapStats before = voc_cli::HugePageHeapStats();

  // 48 MiB in pieces of every size class tcmalloc has, from 8 bytes to 1 MiB.
  std::vector<std::unique_ptr<char[]>> blocks;
  size_t total = 0;
  for (size_t size = 8; total < (size_t{48} << 20); size = size >= (1 << 20) ? 8 : size * 2) {
    blocks.emplace_back(new char[size]);
    std::memset(blocks.back().get(), 0x5a, size);
    total += size;
  }
  const voc_cli::HugeHeapStats after = voc_cli::HugePageHeapStats();
  CHECK(after.blocks > before.blocks);
  CHECK(after.bytes - before.bytes >= (size_t{32} << 20));
  CHECK(after.bytes % kHugePage == 0);
  CHECK(after.misaligned == 0);
  // The memory is usable and keeps what was written.
  size_t kept = 0;
  for (const auto& b : blocks) kept += static_cast<unsigned char>(b[0]) == 0x5a;
  CHECK(kept == blocks.size());

  // The kernel sees the advice (where huge pages are allowed at all).
  if (HugePagesOnRequest()) {
    std::unique_ptr<char[]> big(new char[4 << 20]);
    big[0] = 1;
    CHECK(ThpEligible(big.get()) == 1);
  }
}
