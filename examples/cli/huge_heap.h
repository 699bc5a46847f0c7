// The CLI's heap in 2 MiB pages.
#ifndef VOC_CLI_HUGE_HEAP_H_
#define VOC_CLI_HUGE_HEAP_H_

#include <cstddef>

namespace voc_cli {

// Has tcmalloc take the memory it grows its heap by in blocks of whole,
// aligned 2 MiB pages, advised for transparent huge pages
// (madvise(MADV_HUGEPAGE)): one page fault per 2 MiB instead of one per
// 4 KiB page the first time the heap is touched. Returns false, and changes
// nothing, when the executable is not linked with tcmalloc. Call once, early.
bool UseHugePageHeap();

// What the heap has taken from the system since UseHugePageHeap: blocks and
// bytes (for tests and diagnostics).
struct HugeHeapStats {
  size_t blocks = 0;
  size_t bytes = 0;
  size_t misaligned = 0;  // blocks not on a 2 MiB boundary (should stay 0)
};
HugeHeapStats HugePageHeapStats();

}  // namespace voc_cli

#endif  // VOC_CLI_HUGE_HEAP_H_
