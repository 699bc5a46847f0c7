// Private: ThemeAdapter::Classify for the Analyzer, which has the text's
// social tokens at hand.
#ifndef VOC_SRC_PIPELINE_ADAPTER_INTERNAL_H_
#define VOC_SRC_PIPELINE_ADAPTER_INTERNAL_H_

#include <cstdint>
#include <cstring>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "text/tokenizer_internal.h"
#include "util/flat_string_map.h"
#include "util/utf8_util.h"
#include "voc/adapter.h"

namespace voc {
namespace internal {

// A map from lower-cased words to small values, for the adapter's passes
// over the words of texts (a lookup per word of every text). A word of 1 to
// 8 bytes, most words, is one 64-bit key: its bytes, byte k at bits 8k to
// 8k + 7, the rest zero (no word byte is 0), found in a table by a
// multiplication and a compare, where hashing its bytes and comparing them
// cost several times that. Longer words, and words with a 0 byte, are in a
// FlatStringMap.
template <class V>
class WordMap {
 public:
  // Room for `n` words of up to 8 bytes at a load of at most one half.
  void reserve(size_t n) {
    size_t cap = 16;
    while (cap < 2 * n) cap *= 2;
    if (cap > keys_.size()) Rehash(cap);
  }

  // Inserts `value` under `word` unless the word is present.
  void emplace(std::string_view word, const V& value) {
    if (!IsShort(word)) {
      long_.emplace(word, value);
      return;
    }
    if (2 * (size_ + 1) > keys_.size()) Rehash(keys_.empty() ? 16 : 2 * keys_.size());
    const uint64_t key = KeyOf(word.data(), word.size(), false, 0);
    const size_t i = SlotOf(key);
    if (keys_[i] != 0) return;
    keys_[i] = key;
    values_[i] = value;
    ++size_;
  }

  // The value of `word`, or nullptr.
  const V* find(std::string_view word) const {
    if (IsShort(word)) return FindKey(KeyOf(word.data(), word.size(), false, 0));
    const auto* slot = long_.find(word);
    return slot != nullptr ? &slot->second : nullptr;
  }

  // The value of the word of `n` (>= 1) word bytes at `s` (so no 0 byte)
  // lower-cased (ASCII; `upper`: whether they hold a capital), or nullptr.
  // `avail` bytes from `s` on may be read (>= n); a longer word is
  // lower-cased in *buf.
  const V* FindText(const char* s, size_t n, bool upper, size_t avail, std::string* buf) const {
    if (n <= 8) return FindKey(KeyOf(s, n, upper, avail));
    const char* w = s;
    if (upper) {
      if (buf->size() < n) buf->resize(n);
      for (size_t k = 0; k < n; ++k) (*buf)[k] = Lower(s[k]);
      w = buf->data();
    }
    const auto* slot = long_.find(std::string_view(w, n));
    return slot != nullptr ? &slot->second : nullptr;
  }

 private:
  static char Lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }

  static bool IsShort(std::string_view word) {
    return !word.empty() && word.size() <= 8 && std::memchr(word.data(), 0, word.size()) == nullptr;
  }

  // The key of the n (1 to 8) bytes at s, lower-cased when `upper`; `avail`
  // bytes may be read from s: with 8 of them, one load (lower-cased eight
  // bytes at once: a word with a capital, as a sentence's first, was
  // lower-cased a byte at a time).
  static uint64_t KeyOf(const char* s, size_t n, bool upper, size_t avail) {
    uint64_t key = 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    if (avail >= 8) {
      std::memcpy(&key, s, 8);
      if (upper) key = LowerAsciiBytes(key);
      return n == 8 ? key : key & ((uint64_t{1} << (8 * n)) - 1);
    }
#endif
    for (size_t k = 0; k < n; ++k)
      key |= static_cast<uint64_t>(static_cast<unsigned char>(upper ? Lower(s[k]) : s[k])) << (8 * k);
    return key;
  }

  // The slot holding `key`, or the empty one where it would go.
  size_t SlotOf(uint64_t key) const {
    size_t i = static_cast<size_t>((key * 0x9E3779B97F4A7C15ULL) >> shift_);
    while (keys_[i] != 0 && keys_[i] != key) i = (i + 1) & mask_;
    return i;
  }

  const V* FindKey(uint64_t key) const {
    if (size_ == 0) return nullptr;
    const size_t i = SlotOf(key);
    return keys_[i] != 0 ? &values_[i] : nullptr;
  }

  void Rehash(size_t cap) {
    std::vector<uint64_t> keys = std::move(keys_);
    std::vector<V> values = std::move(values_);
    keys_.assign(cap, 0);
    values_.assign(cap, V{});
    mask_ = cap - 1;
    shift_ = 64;
    for (size_t c = cap; c > 1; c /= 2) --shift_;
    for (size_t i = 0; i < keys.size(); ++i)
      if (keys[i] != 0) {
        const size_t j = SlotOf(keys[i]);
        keys_[j] = keys[i];
        values_[j] = values[i];
      }
  }

  std::vector<uint64_t> keys_;  // 0: an empty slot
  std::vector<V> values_;
  size_t size_ = 0;
  size_t mask_ = 0;  // keys_.size() - 1
  int shift_ = 64;
  FlatStringMap<V> long_;
};

// adapter.Classify(text, taxonomy); `social`, if given, holds the social
// tokens of `text` (segment.h SocialSpans), else they are found here.
std::vector<ThemeHit> ClassifyAdapted(const ThemeAdapter& adapter, std::string_view text,
                                      const Taxonomy& taxonomy,
                                      const std::vector<tokenizer_internal::SocialSpan>* social);

// The text the adapter's classifiers see in place of `text`, in *out: its
// numbers, masks, social tokens, stop words and the rules' words blanked
// with spaces (byte offsets unchanged). Returns whether any word is left.
bool AdaptedContent(const ThemeAdapter& adapter, std::string_view text, std::string* out);

// Per adapted theme (in report order): the confidence it must reach, the
// probability below which Classify does not compute its confidence (0:
// always computes it), and its confidence of a probability.
struct AdaptedCut {
  double min_confidence = 0, min_probability = 0;
  std::function<double(double)> confidence;
};
std::vector<AdaptedCut> AdaptedCuts(const ThemeAdapter& adapter);

// Whether the adapter blanks `word` (lower-cased): a stop word or one of the
// rules' words.
bool AdapterBlanks(const ThemeAdapter& adapter, std::string_view word);

// Platt scaling of scores against 0/1 targets `y` (row i's score is
// x[of[i]]), with Platt's smoothed targets (no probability of exactly 0 or 1
// from a few examples); Newton's method with a backtracking step. Returns
// {a, b}. Rows that share a score share its exp and log1p; each row's terms
// are added in row order, so any grouping of equal scores gives the same
// doubles as one score per row.
std::pair<double, double> FitPlatt(const std::vector<double>& x, const std::vector<uint32_t>& of,
                                   const std::vector<int>& y);

}  // namespace internal
}  // namespace voc

#endif  // VOC_SRC_PIPELINE_ADAPTER_INTERNAL_H_
