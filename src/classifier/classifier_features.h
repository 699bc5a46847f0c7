// Private: text features of the linear classifier. Lower-cased word 1-2 grams
// (runs of word characters, and each other non-space character on its own)
// and character 2-5 grams of each
// whitespace-separated chunk padded with spaces (scikit-learn's `char_wb`),
// each identified by a 64-bit hash, weighted by sublinear TF-IDF and
// L2-normalized per family (words, characters).
#ifndef VOC_SRC_CLASSIFIER_FEATURES_H_
#define VOC_SRC_CLASSIFIER_FEATURES_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace voc::internal {

enum class FeatureFamily : uint8_t { kWord = 0, kChar = 1 };

// One n-gram occurrence: its hash, family and UTF-8 byte span in the text.
struct RawFeature {
  uint64_t hash;
  FeatureFamily family;
  bool pair;  // a word bigram
  uint32_t begin, end;
};

// The hash of the word bigram of a word whose unigram hash is `left` and the
// (lower-cased) word `right`, as ExtractFeatures computes it.
uint64_t BigramHash(uint64_t left, std::string_view right);

// Lower-cases ASCII letters; other bytes stay as they are (same length).
std::string LowerAscii(std::string_view text);

// Appends every feature occurrence of `text` to `out` (cleared first).
void ExtractFeatures(std::string_view text, std::vector<RawFeature>* out, bool char_ngrams = true);

// A token of fastText's input: a run of word characters or one other
// non-space character, lower-cased, with its byte span in the text.
struct FtToken {
  std::string text;
  uint32_t begin, end;
};
void FastTextTokens(std::string_view text, std::vector<FtToken>* out);

// Describes a feature for explanations: "word:...", "words:...", "char:...".
std::string DescribeFeature(std::string_view text, const RawFeature& f);

// Open-addressing map from feature hash to a dense index.
class FeatureIndex {
 public:
  FeatureIndex() = default;
  // Returns the index of `hash`, or -1.
  int64_t Find(uint64_t hash) const {
    if (slots_.empty()) return -1;
    size_t mask = slots_.size() - 1;
    for (size_t i = Mix(hash) & mask;; i = (i + 1) & mask) {
      const Slot& s = slots_[i];
      if (s.index < 0) return -1;
      if (s.key == hash) return s.index;
    }
  }
  // Inserts `hash` if new; returns its index.
  int64_t Insert(uint64_t hash);
  size_t size() const { return keys_.size(); }
  const std::vector<uint64_t>& keys() const { return keys_; }
  void Reserve(size_t n);

 private:
  struct Slot {
    uint64_t key = 0;
    int64_t index = -1;
  };
  static size_t Mix(uint64_t h) {
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    return static_cast<size_t>(h);
  }
  void Grow();
  std::vector<Slot> slots_;
  std::vector<uint64_t> keys_;
};

// Sorts `ids` ascending. The feature rows of one text are a few dozen
// numbers: those are placed by rank (each one's count of smaller ids, and of
// equal ones before it), loops without a data-dependent branch, where
// std::sort's insertion steps mispredict; longer lists (a narrative has
// hundreds) are radix-sorted a byte at a time.
void SortIds(std::vector<uint32_t>* ids);
void SortIds(uint32_t* ids, size_t n);  // ids[0, n)

// A sparse, L2-normalized TF-IDF vector: (dense feature index, value),
// sorted by index.
struct SparseVector {
  std::vector<std::pair<uint32_t, float>> entries;
};

// Turns raw features into a TF-IDF vector against `index` and `idf`;
// features not in `index` are ignored.
void Vectorize(const std::vector<RawFeature>& raw, const FeatureIndex& index, const std::vector<float>& idf,
               SparseVector* out);

}  // namespace voc::internal

#endif  // VOC_SRC_CLASSIFIER_FEATURES_H_
