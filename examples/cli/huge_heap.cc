// UseHugePageHeap: a tcmalloc system allocator that hands out 2 MiB pages.
//
// Why: on a virtual machine a first touch of a 4 KiB page can cost 10-15 us
// (a trap into the hypervisor). tcmalloc threads every new span into a free
// list, touching each of its pages, so a `voc analyze` run took some 2,500
// such faults while its heap grew to its working size (~30 ms of a 0.5 s
// run). With the heap in transparent huge pages that is a fault per 2 MiB.
// The block sizes tcmalloc asks for are rounded up to 2 MiB and aligned on
// it; the memory still comes from tcmalloc's own system allocator (sbrk
// first), so the heap stays in one region of its page map.
#include "huge_heap.h"

#include <atomic>

#if defined(VOC_CLI_TCMALLOC) && __has_include(<gperftools/malloc_extension.h>)
#include <gperftools/malloc_extension.h>
#include <sys/mman.h>

#include <algorithm>
#include <cstdint>

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
    void* p = rounded >= size ? system_->Alloc(rounded, &got, std::max(alignment, kHugePage))
                              : nullptr;
    if (p == nullptr) return system_->Alloc(size, actual_size, alignment);  // as before
    // Advice only: where huge pages are not allowed the memory is as usable.
    madvise(p, got, MADV_HUGEPAGE);
    g_blocks.fetch_add(1, std::memory_order_relaxed);
    g_bytes.fetch_add(got, std::memory_order_relaxed);
    if (reinterpret_cast<uintptr_t>(p) % kHugePage != 0)
      g_misaligned.fetch_add(1, std::memory_order_relaxed);
    if (actual_size != nullptr) *actual_size = got;
    return p;
  }

 private:
  SysAllocator* system_;
};

}  // namespace

bool UseHugePageHeap() {
  static const bool installed = [] {
    MallocExtension* ext = MallocExtension::instance();
    SysAllocator* system = ext->GetSystemAllocator();
    if (system == nullptr) return false;
    ext->SetSystemAllocator(new HugePageAllocator(system));  // lives as long as the heap
    return true;
  }();
  return installed;
}

HugeHeapStats HugePageHeapStats() {
  return {g_blocks.load(), g_bytes.load(), g_misaligned.load()};
}

}  // namespace voc_cli

#else  // not linked with tcmalloc

namespace voc_cli {
bool UseHugePageHeap() { return false; }
HugeHeapStats HugePageHeapStats() { return {}; }
}  // namespace voc_cli

#endif
