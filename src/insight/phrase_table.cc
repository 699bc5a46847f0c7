#include "insight/phrase_table.h"

#include <functional>

namespace voc {
namespace internal {

uint64_t PhraseIds::Hash(std::string_view phrase) { return std::hash<std::string_view>()(phrase); }

uint32_t PhraseIds::Find(std::string_view phrase, uint64_t hash) const {
  if (slots_.empty()) return kNone;
  const size_t mask = slots_.size() - 1;
  for (size_t i = (hash >> 32) & mask;; i = (i + 1) & mask) {
    const uint32_t s = slots_[i];
    if (s == 0) return kNone;
    if (hashes_[s - 1] == hash && (*this)[s - 1] == phrase) return s - 1;
  }
}

uint32_t PhraseIds::Add(std::string_view phrase, uint64_t hash) {
  if (const uint32_t id = Find(phrase, hash); id != kNone) return id;
  if ((size() + 1) * 2 > slots_.size()) Rehash(slots_.empty() ? 1024 : slots_.size() * 2);
  const auto id = static_cast<uint32_t>(size());
  text_.append(phrase.data(), phrase.size());
  begin_.push_back(text_.size());
  hashes_.push_back(hash);
  const size_t mask = slots_.size() - 1;
  size_t i = (hash >> 32) & mask;
  while (slots_[i] != 0) i = (i + 1) & mask;
  slots_[i] = id + 1;
  return id;
}

void PhraseIds::Reserve(size_t phrases) {
  size_t slots = 1024;
  while (slots < phrases * 2) slots *= 2;
  if (slots > slots_.size()) Rehash(slots);
  begin_.reserve(phrases + 1);
  hashes_.reserve(phrases);
}

void PhraseIds::Rehash(size_t slots) {
  slots_.assign(slots, 0);
  const size_t mask = slots - 1;
  for (uint32_t id = 0; id < size(); ++id) {
    size_t i = (hashes_[id] >> 32) & mask;
    while (slots_[i] != 0) i = (i + 1) & mask;
    slots_[i] = id + 1;
  }
}

void PhraseCounts::Insert(uint32_t id, uint64_t count) {
  if ((size_ + 1) * 2 > slots_.size()) Rehash(slots_.empty() ? 256 : slots_.size() * 2);
  const size_t mask = slots_.size() - 1;
  size_t i = Slot(id, mask);
  while (slots_[i].key != 0) i = (i + 1) & mask;
  slots_[i].key = id + 1;
  slots_[i].count = count;
  ++size_;
}

void PhraseCounts::Reserve(size_t n) {
  size_t slots = 256;
  while (slots < n * 2) slots *= 2;
  if (slots > slots_.size()) Rehash(slots);
}

void PhraseCounts::Rehash(size_t slots) {
  std::vector<Entry> old(slots);
  old.swap(slots_);
  const size_t mask = slots - 1;
  for (const Entry& e : old) {
    if (e.key == 0) continue;
    size_t i = Slot(e.key - 1, mask);
    while (slots_[i].key != 0) i = (i + 1) & mask;
    slots_[i] = e;
  }
}

}  // namespace internal
}  // namespace voc
