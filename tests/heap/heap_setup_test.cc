// The CLI's heap set-up (examples/cli/heap_setup.cc) and the pages of the
// bulk arrays (src/util/bulk_allocator.cc), in an executable linked like the
// CLI.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <sys/mman.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <string>

#include "heap_setup.h"
#include "util/bulk_allocator.h"

namespace {

// Whether the /proc/self/smaps entry holding `p` has `flag` among its
// VmFlags ("hg": advised for transparent huge pages, in any system mode).
bool HasVmFlag(const void* p, const std::string& flag) {
  const auto addr = reinterpret_cast<uintptr_t>(p);
  std::ifstream in("/proc/self/smaps");
  std::string line;
  bool inside = false;
  while (std::getline(in, line)) {
    unsigned long lo = 0, hi = 0;
    if (std::sscanf(line.c_str(), "%lx-%lx ", &lo, &hi) == 2 && line.find('-') < 16) {
      inside = addr >= lo && addr < hi;
    } else if (inside && line.rfind("VmFlags:", 0) == 0) {
      return (line + " ").find(" " + flag + " ") != std::string::npos;
    }
  }
  return false;
}

// Whether /proc/self/smaps lists VmFlags (Linux 3.8+).
bool SmapsHasVmFlags() {
  std::ifstream in("/proc/self/smaps");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmFlags:", 0) == 0) return true;
  return false;
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
  // A block the heap grew by for this allocation: advised, it would read
  // "hg" in its VmFlags whatever the system's huge page mode.
  std::unique_ptr<char[]> big(new char[8 << 20]);
  std::memset(big.get(), 0x5a, 8 << 20);
  REQUIRE(SmapsHasVmFlags());
  CHECK_FALSE(HasVmFlag(big.get() + (4 << 20), "hg"));
  CHECK(big[(8 << 20) - 1] == 0x5a);
  // The check sees the advice where it is given.
  const size_t len = size_t{4} << 20;
  void* advised = mmap(nullptr, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  REQUIRE(advised != MAP_FAILED);
  if (madvise(advised, len, MADV_HUGEPAGE) == 0) CHECK(HasVmFlag(advised, "hg"));
  munmap(advised, len);
}

TEST_CASE("large bulk arrays are mapped pre-faulted, not advised for transparent huge pages") {
  REQUIRE(SmapsHasVmFlags());
  // 1 MiB and more were mapped in huge pages before; 256 KiB and more are
  // mapped (MAP_POPULATE).
  for (size_t bytes : {size_t{256} << 10, size_t{1} << 20, size_t{6} << 20}) {
    CAPTURE(bytes);
    void* p = voc::internal::BulkAllocate(bytes);
    CHECK_FALSE(HasVmFlag(p, "hg"));
    CHECK(static_cast<const unsigned char*>(p)[bytes - 1] == 0);  // zero-filled
    voc::internal::BulkFree(p, bytes);
  }
}
