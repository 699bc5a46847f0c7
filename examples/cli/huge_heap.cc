// The CLI's tcmalloc heap in 2 MiB pages, from the first allocation of the
// process.
//
// Why: on a virtual machine a first touch of a 4 KiB page can cost 10-17 us
// (a trap into the hypervisor). tcmalloc threads every new span into a free
// list, touching each of its pages, so a `voc analyze` run took some 2,500
// such faults while its heap grew to its working size (~30 ms of a 0.5 s
// run). With the heap in transparent huge pages that is a fault per 2 MiB.
// The block sizes tcmalloc asks for are rounded up to 2 MiB and aligned on
// it; the memory still comes from tcmalloc's own system allocator (sbrk
// first), so the heap stays in one region of its page map.
//
// tcmalloc sets itself up at the first allocation of the process, before
// main, and zeroes its page map then: a 2 MiB leaf from its system allocator
// and a 1.5 MiB root in its own zero-filled segment, ~900 faults, some 13 ms
// of every start. Taking the allocator from tcmalloc's hook puts the leaf in
// a huge page; the root's pages are populated in one madvise call before any
// library initialises. `voc --version` went from 1,224 faults to 260.
#include "huge_heap.h"

#include <atomic>

#if defined(VOC_CLI_TCMALLOC) && __has_include(<gperftools/malloc_extension.h>)
#include <gperftools/malloc_extension.h>
#include <link.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <new>

namespace voc_cli {
namespace {

constexpr size_t kHugePage = size_t{2} << 20;

std::atomic<size_t> g_blocks{0}, g_bytes{0}, g_misaligned{0};

class HugePageAllocator : public SysAllocator {
 public:
  explicit HugePageAllocator(SysAllocator* system) : system_(system) {}

  void* Alloc(size_t size, size_t* actual_size, size_t alignment) override {
    const size_t rounded = (size + kHugePage - 1) & ~(kHugePage - 1);
    size_t got = rounded;
    void* p = rounded >= size ? system_->Alloc(rounded, &got, std::max(alignment, kHugePage)) : nullptr;
    if (p == nullptr) return system_->Alloc(size, actual_size, alignment);  // as before
    // Advice only: where huge pages are not allowed the memory is as usable.
    madvise(p, got, MADV_HUGEPAGE);
    g_blocks.fetch_add(1, std::memory_order_relaxed);
    g_bytes.fetch_add(got, std::memory_order_relaxed);
    if (reinterpret_cast<uintptr_t>(p) % kHugePage != 0) g_misaligned.fetch_add(1, std::memory_order_relaxed);
    if (actual_size != nullptr) *actual_size = got;
    return p;
  }

 private:
  SysAllocator* system_;
};

// The allocator the hook installs, in static storage: the hook runs inside
// tcmalloc's set-up, where nothing may be allocated.
alignas(HugePageAllocator) unsigned char g_allocator[sizeof(HugePageAllocator)];
std::atomic<bool> g_installed{false};
BssPreparation g_bss;

SysAllocator* Install(SysAllocator* system) {
  if (system == nullptr || g_installed.load(std::memory_order_acquire)) return system;
  SysAllocator* huge = new (g_allocator) HugePageAllocator(system);
  g_installed.store(true, std::memory_order_release);
  return huge;
}

// Populates the zero-filled end (.bss) of tcmalloc's writable segment.
int PopulateTcmallocBss(dl_phdr_info* info, size_t, void*) {
  if (info->dlpi_name == nullptr || std::strstr(info->dlpi_name, "libtcmalloc") == nullptr) return 0;
  g_bss.found = true;
  const auto page = static_cast<uintptr_t>(sysconf(_SC_PAGESIZE));
  for (int i = 0; i < info->dlpi_phnum; ++i) {
    const ElfW(Phdr)& ph = info->dlpi_phdr[i];
    if (ph.p_type != PT_LOAD || (ph.p_flags & PF_W) == 0 || ph.p_memsz <= ph.p_filesz) continue;
    const uintptr_t start = info->dlpi_addr + ph.p_vaddr;
    const uintptr_t begin = (start + ph.p_filesz + page - 1) & ~(page - 1);
    const uintptr_t end = (start + ph.p_memsz + page - 1) & ~(page - 1);
    if (end <= begin) continue;
    constexpr int kPopulateWrite = 23;  // MADV_POPULATE_WRITE, Linux 5.14
    if (madvise(reinterpret_cast<void*>(begin), end - begin, kPopulateWrite) == 0)
      g_bss.bytes += end - begin;
    else
      g_bss.error = errno;  // EINVAL before 5.14: the pages fault in as before
  }
  return 1;
}

void PrepareHeap(int, char**, char**) { dl_iterate_phdr(PopulateTcmallocBss, nullptr); }

}  // namespace

bool HugePageHeap() { return g_installed.load(std::memory_order_acquire); }

HugeHeapStats HugePageHeapStats() { return {g_blocks.load(), g_bytes.load(), g_misaligned.load()}; }

BssPreparation TcmallocBssPreparation() { return g_bss; }

}  // namespace voc_cli

// tcmalloc asks this hook for its system allocator once, as it sets itself
// up (the hook is weak in tcmalloc; this definition in the executable takes
// its place).
SysAllocator* tc_get_sysalloc_override(SysAllocator* def) { return voc_cli::Install(def); }

// The executable's preinit array runs before the initialisers of every
// library, tcmalloc's among them.
__attribute__((section(".preinit_array"),
               used)) void (*const voc_cli_prepare_heap)(int, char**, char**) = voc_cli::PrepareHeap;

#else  // not linked with tcmalloc

namespace voc_cli {
bool HugePageHeap() { return false; }
HugeHeapStats HugePageHeapStats() { return {}; }
BssPreparation TcmallocBssPreparation() { return {}; }
}  // namespace voc_cli

#endif
