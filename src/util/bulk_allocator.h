// Private: an allocator for the large arrays filled while a model or a
// pattern group loads.
//
// Where page faults are expensive (on the virtual machines measured here a
// first touch of a 4 KiB page costs ~10 us, a trap into the hypervisor), the
// start-up of `voc analyze` spent about half its CPU time faulting in fresh
// memory. Arrays of at least kMinBytes are mapped with MAP_POPULATE instead,
// which fills all their pages in one system call (~1 us a page), in the
// kernel's default pages (bulk_allocator.cc says why not huge pages).
// Smaller arrays come from operator new. Mapped memory is zero-filled.
//
// BulkAllocator<T, true> also leaves default-constructed elements
// uninitialised (resize() then costs nothing per element), for arrays that
// are written in full right after.
#ifndef VOC_SRC_BULK_ALLOCATOR_H_
#define VOC_SRC_BULK_ALLOCATOR_H_

#include <cstddef>
#include <new>
#include <utility>

namespace voc {
namespace internal {

void* BulkAllocate(size_t bytes);
void BulkFree(void* p, size_t bytes);

template <typename T, bool kUninitialized = false>
struct BulkAllocator {
  using value_type = T;
  template <typename U>
  struct rebind {
    using other = BulkAllocator<U, kUninitialized>;
  };

  BulkAllocator() = default;
  template <typename U>
  BulkAllocator(const BulkAllocator<U, kUninitialized>&) {}

  T* allocate(size_t n) {
    if (n > static_cast<size_t>(-1) / sizeof(T)) throw std::bad_alloc();
    return static_cast<T*>(BulkAllocate(n * sizeof(T)));
  }
  void deallocate(T* p, size_t n) { BulkFree(p, n * sizeof(T)); }

  template <typename U>
  void construct(U* p) noexcept(kUninitialized) {
    if (kUninitialized) {
      ::new (static_cast<void*>(p)) U;
    } else {
      ::new (static_cast<void*>(p)) U();
    }
  }
  template <typename U, typename... Args>
  void construct(U* p, Args&&... args) {
    ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }

  template <typename U>
  bool operator==(const BulkAllocator<U, kUninitialized>&) const {
    return true;
  }
  template <typename U>
  bool operator!=(const BulkAllocator<U, kUninitialized>&) const {
    return false;
  }
};

}  // namespace internal
}  // namespace voc

#endif  // VOC_SRC_BULK_ALLOCATOR_H_
