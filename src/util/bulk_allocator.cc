#include "util/bulk_allocator.h"

#include <sys/mman.h>

namespace voc {
namespace internal {

namespace {

constexpr size_t kMinBytes = size_t{256} << 10;

}  // namespace

// In the kernel's default pages, not transparent huge pages: on a virtual
// machine whose host takes back the memory a guest freed (free page
// reporting), a fresh 2 MiB page is zeroed in full, each of its 512 small
// pages a fault on the host, and huge pages come from blocks left free long
// enough to have been given back, whereas small pages are taken from those
// the process before just freed. `voc analyze` right after VADER's run was
// 12-20% faster without huge pages (docs/PERFORMANCE.md, "Eleventh round").
void* BulkAllocate(size_t bytes) {
#ifdef MAP_POPULATE
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
    munmap(p, bytes);
    return;
  }
#endif
  ::operator delete(p);
}

}  // namespace internal
}  // namespace voc
