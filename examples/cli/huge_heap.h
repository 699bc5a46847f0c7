// The CLI's heap in 2 MiB pages.
#ifndef VOC_CLI_HUGE_HEAP_H_
#define VOC_CLI_HUGE_HEAP_H_

#include <cstddef>

namespace voc_cli {

// True when tcmalloc takes the memory it grows its heap by in blocks of
// whole, aligned 2 MiB pages, advised for transparent huge pages
// (madvise(MADV_HUGEPAGE)): one page fault per 2 MiB instead of one per
// 4 KiB page the first time the heap is touched. An executable linked with
// huge_heap.cc and tcmalloc has this from the first allocation of the process
// (tcmalloc's tc_get_sysalloc_override hook): there is nothing to call.
// False when it is not linked with tcmalloc.
bool HugePageHeap();

// What the heap has taken from the system in 2 MiB blocks (for tests and
// diagnostics).
struct HugeHeapStats {
  size_t blocks = 0;
  size_t bytes = 0;
  size_t misaligned = 0;  // blocks not on a 2 MiB boundary (should stay 0)
};
HugeHeapStats HugePageHeapStats();

// What was done before any library initialised: tcmalloc's zero-filled
// segment, which its set-up clears, populated in one call.
struct BssPreparation {
  bool found = false;  // tcmalloc's segment was found
  size_t bytes = 0;    // bytes populated
  int error = 0;       // errno of a refused call (EINVAL before Linux 5.14)
};
BssPreparation TcmallocBssPreparation();

}  // namespace voc_cli

#endif  // VOC_CLI_HUGE_HEAP_H_
