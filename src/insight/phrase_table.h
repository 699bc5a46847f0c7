// Private: the phrase statistics of an aggregate in compact form. Each
// distinct phrase is stored once, in a PhraseIds of the aggregate, and the
// per-period tables count phrase ids (PhraseCounts): the same phrase seen in
// many periods costs one string, a lookup hashes it once for every table of
// the record, and merging or writing a table moves integers.
#ifndef VOC_SRC_PHRASE_TABLE_H_
#define VOC_SRC_PHRASE_TABLE_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace voc {
namespace internal {

// Phrases numbered 0, 1, ... in the order they are added.
class PhraseIds {
 public:
  static constexpr uint32_t kNone = UINT32_MAX;

  static uint64_t Hash(std::string_view phrase);
  // The id of `phrase` (whose Hash() is `hash`), or kNone.
  uint32_t Find(std::string_view phrase, uint64_t hash) const;
  uint32_t Find(std::string_view phrase) const { return Find(phrase, Hash(phrase)); }
  // The id of `phrase`, added when new.
  uint32_t Add(std::string_view phrase, uint64_t hash);
  uint32_t Add(std::string_view phrase) { return Add(phrase, Hash(phrase)); }

  std::string_view operator[](uint32_t id) const {
    return std::string_view(text_).substr(begin_[id], begin_[id + 1] - begin_[id]);
  }
  size_t size() const { return begin_.size() - 1; }
  void Reserve(size_t phrases);

 private:
  void Rehash(size_t slots);

  std::string text_;              // the phrases back to back
  std::vector<size_t> begin_{0};  // id -> offset in text_; one more: the end
  std::vector<uint64_t> hashes_;  // id -> its hash
  std::vector<uint32_t> slots_;   // open addressing: id + 1, 0 when empty
};

// Counts by phrase id (of one period), in an open-addressing table.
class PhraseCounts {
 public:
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  // The count of `id`, or nullptr when it has none.
  uint64_t* Find(uint32_t id) {
    if (slots_.empty() || id == PhraseIds::kNone) return nullptr;
    const size_t mask = slots_.size() - 1;
    for (size_t i = Slot(id, mask);; i = (i + 1) & mask) {
      Entry& e = slots_[i];
      if (e.key == id + 1) return &e.count;
      if (e.key == 0) return nullptr;
    }
  }
  const uint64_t* Find(uint32_t id) const { return const_cast<PhraseCounts*>(this)->Find(id); }
  // Adds `id` (not in the table) with `count`.
  void Insert(uint32_t id, uint64_t count);
  // Adds `count` to the count of `id`, inserting it when absent.
  void Add(uint32_t id, uint64_t count) {
    if (uint64_t* c = Find(id))
      *c += count;
    else
      Insert(id, count);
  }
  void Reserve(size_t n);
  // Calls f(id, count) for every entry, in table order.
  template <typename F>
  void ForEach(F&& f) const {
    for (const Entry& e : slots_)
      if (e.key != 0) f(e.key - 1, e.count);
  }

 private:
  struct Entry {
    uint32_t key = 0;  // id + 1; 0: empty
    uint64_t count = 0;
  };
  static size_t Slot(uint32_t id, size_t mask) {
    return static_cast<size_t>((static_cast<uint64_t>(id) * 0x9e3779b97f4a7c15ULL) >> 32) & mask;
  }
  void Rehash(size_t slots);

  std::vector<Entry> slots_;
  size_t size_ = 0;
};

}  // namespace internal
}  // namespace voc

#endif  // VOC_SRC_PHRASE_TABLE_H_
