#include "bulk_allocator.h"

#include <sys/mman.h>

namespace voc {
namespace internal {

namespace {
constexpr size_t kMinBytes = size_t{256} << 10;
}  // namespace

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
