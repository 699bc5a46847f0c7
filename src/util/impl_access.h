// Private: the one way the library's own code reaches the implementation of
// a public class.
//
// Every public class with state keeps it behind a pointer to a private
// `struct Impl`, declared in its header and defined in its .cc file:
//
//   class Foo {
//     ...
//    private:
//     friend class ImplAccess;  // only when other library files need the Impl
//     struct Impl;
//     std::unique_ptr<Impl> impl_;
//   };
//
// Public headers name no internal type and befriend nothing else
// (tests/check_layers.py fails on `internal::` and on any other `friend`
// there). A library file that needs another class's Impl includes this
// header and writes ImplOf(foo) (the Impl, bound with `auto&`: the type's
// name is private to Foo) or ImplAccess::New<Foo>(args...) (a Foo from its
// private constructor); the Impl's definition comes from the private header of the
// class's stage (e.g. insight/aggregate_data.h).
#ifndef VOC_SRC_UTIL_IMPL_ACCESS_H_
#define VOC_SRC_UTIL_IMPL_ACCESS_H_

#include <memory>
#include <utility>

namespace voc {

class ImplAccess {
 public:
  template <class T>
  static auto& Of(T& object) {
    return *object.impl_;
  }
  template <class T>
  static const auto& Of(const T& object) {
    return *object.impl_;
  }
  // A new T from one of its private constructors.
  template <class T, class... Args>
  static std::unique_ptr<T> New(Args&&... args) {
    return std::unique_ptr<T>(new T(std::forward<Args>(args)...));
  }
};

// The Impl of `object` (const when `object` is).
template <class T>
auto& ImplOf(T& object) {
  return ImplAccess::Of(object);
}

}  // namespace voc

#endif  // VOC_SRC_UTIL_IMPL_ACCESS_H_
