// Private: the sentiment lexicon's map from keys to entries. A key of one to
// eight bytes (nearly every word of a text) is read as one integer and found
// in a table of such integers: no string hash, no comparison of key bytes.
// Longer keys (phrases, long words) and the empty key live in a
// FlatStringMap. A bit filter, as in FlatStringMap, turns away most absent
// short keys before any slot is read.
#ifndef VOC_SRC_SENTIMENT_SHORT_KEY_MAP_H_
#define VOC_SRC_SENTIMENT_SHORT_KEY_MAP_H_

#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

#include "util/flat_string_map.h"

namespace voc {
namespace sentiment_internal {

template <typename V>
class ShortKeyMap {
 public:
  // Room for `n` keys.
  void reserve(size_t n) {
    long_.reserve(n);
    values_.reserve(n);
    size_t cap = 16;
    while (cap < 2 * n) cap *= 2;
    if (cap > slots_.size()) Rehash(cap);
  }

  // The value under `key`, inserted (V{}) if absent. References stay valid
  // until the next insertion.
  V& operator[](std::string_view key) {
    if (!IsShort(key.size())) return long_[key];
    const uint64_t k = Load(key);
    const uint64_t h = Hash(k, key.size());
    if (slots_.empty()) Rehash(16);
    Slot* s = Probe(k, key.size(), h);
    if (s->size != 0) return values_[s->index];
    if (2 * (values_.size() + 1) > slots_.size()) {
      Rehash(2 * slots_.size());
      s = Probe(k, key.size(), h);
    }
    *s = Slot{k, static_cast<uint32_t>(key.size()), static_cast<uint32_t>(values_.size())};
    filter_.Add(h);
    values_.emplace_back();
    return values_.back();
  }

  // The value under `key`, or null. Inlined where it is called (several
  // times per word): the call cost as much as the lookup.
  __attribute__((always_inline)) const V* find(std::string_view key) const {
    if (!IsShort(key.size())) return FindLong(key);
    if (slots_.empty()) return nullptr;
    const uint64_t k = Load(key);
    const uint64_t h = Hash(k, key.size());
    if (!filter_.Has(h)) return nullptr;
    const Slot* s = Probe(k, key.size(), h);
    return s->size != 0 ? &values_[s->index] : nullptr;
  }

 private:
  // A short key's bytes (zero above its size) and size; size 0: empty.
  struct Slot {
    uint64_t key = 0;
    uint32_t size = 0;
    uint32_t index = 0;  // into values_
  };

  __attribute__((noinline)) const V* FindLong(std::string_view key) const {
    const auto* slot = long_.find(key);
    return slot != nullptr ? &slot->second : nullptr;
  }

  static bool IsShort(size_t n) { return n - 1 < 8; }  // 1 to 8 bytes

  // The bytes of a short key as one integer, reading only those bytes: two
  // keys of one size are equal exactly when their integers are (the slots
  // compare no bytes). LoadShortKey's overlapping loads give that only
  // little-endian; elsewhere the bytes are placed one by one.
  static uint64_t Load(std::string_view key) {
    if (key.size() == 8) {
      uint64_t k;
      std::memcpy(&k, key.data(), 8);
      return k;
    }
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    return internal::LoadShortKey(key.data(), key.size());
#else
    uint64_t k = 0;
    for (size_t i = 0; i < key.size(); ++i) k |= uint64_t{static_cast<unsigned char>(key[i])} << (8 * i);
    return k;
#endif
  }

  // The size tells "a" from "a\0"; the high bits pick the slot, the low
  // ones the filter bit.
  static uint64_t Hash(uint64_t k, size_t n) {
    uint64_t h = (k ^ (uint64_t{n} << 59 | uint64_t{n})) * 0x9E3779B97F4A7C15ULL;
    return h ^ (h >> 31);
  }

  const Slot* Probe(uint64_t k, size_t n, uint64_t h) const {
    const size_t mask = slots_.size() - 1;
    for (size_t i = static_cast<size_t>(h >> 40) & mask;; i = (i + 1) & mask) {
      const Slot& s = slots_[i];
      if (s.size == 0 || (s.key == k && s.size == n)) return &s;
    }
  }
  Slot* Probe(uint64_t k, size_t n, uint64_t h) {
    return const_cast<Slot*>(static_cast<const ShortKeyMap*>(this)->Probe(k, n, h));
  }

  void Rehash(size_t cap) {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(cap, Slot{});
    filter_.Reset(cap);
    for (const Slot& s : old) {
      if (s.size == 0) continue;
      const uint64_t h = Hash(s.key, s.size);
      *Probe(s.key, s.size, h) = s;
      filter_.Add(h);
    }
  }

  std::vector<Slot> slots_;
  internal::HashFilter filter_;
  std::vector<V> values_;
  internal::FlatStringMap<V> long_;
};

}  // namespace sentiment_internal
}  // namespace voc

#endif  // VOC_SRC_SENTIMENT_SHORT_KEY_MAP_H_
