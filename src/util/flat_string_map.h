// Private: an open-addressing hash map from strings to small values, for the
// sentiment lexicon's lookups (several per word of every text). One probe
// usually reads one 16-byte slot, which holds the key's hash, so a miss
// never touches key bytes; std::unordered_map read a bucket, a node and the
// key. The keys are copied into one arena, and a bit filter turns away most
// absent keys before any slot is read.
//
// The interface is the part of std::unordered_map the lexicon uses: find()
// returns a pointer to a slot with `second`, or end() (nullptr).
#ifndef VOC_SRC_FLAT_STRING_MAP_H_
#define VOC_SRC_FLAT_STRING_MAP_H_

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace voc {
namespace internal {

// The `n` bytes at `s` (0 < n < 8) as one word, the rest zero, reading only
// those bytes: two overlapping 4-byte loads, or the first, middle and last
// byte (the overlaps hold the same bytes).
inline uint64_t LoadShortKey(const char* s, size_t n) {
  if (n >= 4) {
    uint32_t lo, hi;
    std::memcpy(&lo, s, 4);
    std::memcpy(&hi, s + n - 4, 4);
    return lo | (static_cast<uint64_t>(hi) << (8 * (n - 4)));
  }
  const auto b = [s](size_t k) { return static_cast<uint64_t>(static_cast<unsigned char>(s[k])); };
  return b(0) | (b(n / 2) << (8 * (n / 2))) | (b(n - 1) << (8 * (n - 1)));
}

// The keys' hash. (Only ever compared within one process: the word loads
// may order bytes differently on a big-endian machine, consistently.)
inline uint64_t HashBytes(std::string_view s) {
  const char* p = s.data();
  size_t n = s.size();
  uint64_t h = 0x9E3779B97F4A7C15ULL ^ (n * 0xFF51AFD7ED558CCDULL);
  auto mix = [](uint64_t x) {
    x ^= x >> 33;
    x *= 0xC4CEB9FE1A85EC53ULL;
    x ^= x >> 29;
    return x;
  };
  while (n >= 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    h = mix(h ^ w) * 0xBF58476D1CE4E5B9ULL;
    p += 8;
    n -= 8;
  }
  if (n > 0) {
    // The last n (1-7) bytes, read with fixed-size loads (a memcpy of n
    // bytes is a library call): the 8 bytes ending at the key's end when
    // there are 8, shifted to drop the bytes already mixed in.
    uint64_t w;
    if (s.size() >= 8) {
      std::memcpy(&w, p + n - 8, 8);
      w >>= 8 * (8 - n);
    } else {
      w = LoadShortKey(p, n);
    }
    h = mix(h ^ w) * 0xBF58476D1CE4E5B9ULL;
  }
  return mix(h);
}

// A bit filter over keys' hashes for a table of `slots` slots: four bits
// per slot (at least eight per key), one set for each key's hash. Most words
// of a text are in no lexicon, and a clear bit answers for them from a table
// small enough to stay in cache, where a probe of the slots would usually
// miss it.
class HashFilter {
 public:
  // Empties the filter, sized for `slots` slots (a power of two, >= 16).
  void Reset(size_t slots) { bits_.assign(slots / 16, 0); }
  bool Has(uint64_t h) const {
    const size_t bit = static_cast<size_t>(h) & (bits_.size() * 64 - 1);
    return (bits_[bit / 64] >> (bit % 64)) & 1;
  }
  void Add(uint64_t h) {
    const size_t bit = static_cast<size_t>(h) & (bits_.size() * 64 - 1);
    bits_[bit / 64] |= uint64_t{1} << (bit % 64);
  }

 private:
  std::vector<uint64_t> bits_;
};

template <typename V>
class FlatStringMap {
 public:
  // 16 bytes for a float value: the key lives in the map's arena.
  struct Slot {
    uint32_t hash = 0;
    uint32_t offset = 0;  // of the key in the arena
    uint32_t size = kEmpty;
    V second{};
  };

  // Room for `n` keys at a load of at most one half.
  void reserve(size_t n) {
    size_t cap = 16;
    while (cap < 2 * n) cap *= 2;
    if (cap > slots_.size()) Rehash(cap);
  }

  // Inserts `value` under `key` unless the key is present; returns the slot.
  std::pair<Slot*, bool> emplace(std::string_view key, const V& value) {
    if (2 * (size_ + 1) > slots_.size()) Rehash(slots_.empty() ? 16 : 2 * slots_.size());
    const uint64_t h = HashBytes(key);
    Slot* s = Probe(key, h);
    if (s->size != kEmpty) return {s, false};
    *s = Slot{static_cast<uint32_t>(h), static_cast<uint32_t>(arena_.size()),
              static_cast<uint32_t>(key.size()), value};
    filter_.Add(h);
    arena_.append(key);
    ++size_;
    return {s, true};
  }

  V& operator[](std::string_view key) { return emplace(key, V{}).first->second; }

  const Slot* find(std::string_view key) const {
    if (slots_.empty()) return nullptr;
    const uint64_t h = HashBytes(key);
    if (!filter_.Has(h)) return nullptr;
    const Slot* s = const_cast<FlatStringMap*>(this)->Probe(key, h);
    return s->size != kEmpty ? s : nullptr;
  }
  const Slot* end() const { return nullptr; }
  size_t size() const { return size_; }
  std::string_view key(const Slot& s) const { return std::string_view(arena_).substr(s.offset, s.size); }

 private:
  static constexpr uint32_t kEmpty = 0xFFFFFFFFu;

  // The slot holding `key`, or the empty slot where it would go.
  Slot* Probe(std::string_view key, uint64_t h) {
    const size_t mask = slots_.size() - 1;
    const uint32_t h32 = static_cast<uint32_t>(h);
    for (size_t i = static_cast<size_t>(h >> 32) & mask;; i = (i + 1) & mask) {
      Slot& s = slots_[i];
      if (s.size == kEmpty) return &s;
      if (s.hash == h32 && s.size == key.size() &&
          std::memcmp(arena_.data() + s.offset, key.data(), key.size()) == 0)
        return &s;
    }
  }

  void Rehash(size_t cap) {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(cap, Slot{});
    filter_.Reset(cap);
    for (const Slot& s : old) {
      if (s.size == kEmpty) continue;
      const uint64_t h = HashBytes(key(s));
      *Probe(key(s), h) = s;
      filter_.Add(h);
    }
  }

  std::vector<Slot> slots_;
  HashFilter filter_;
  std::string arena_;  // the keys, end to end
  size_t size_ = 0;
};

}  // namespace internal
}  // namespace voc

#endif  // VOC_SRC_FLAT_STRING_MAP_H_
