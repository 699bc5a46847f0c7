// Private: a group of RE2::Set objects that answers "which of these patterns
// match somewhere in the text" in one call. Patterns are spread over sets of
// at most kPatternsPerSet patterns: RE2's DFA for one set of ~80 case-
// insensitive patterns with bounded gaps builds so many states on varied
// text that it ran 2.5x slower on CFPB narratives than ten sets of 8
// (measured 1.44 s vs 0.57 s CPU for 1.7 MB).
#ifndef VOC_SRC_REGEX_SET_H_
#define VOC_SRC_REGEX_SET_H_

#include <re2/re2.h>
#include <re2/set.h>

#include <memory>
#include <string>
#include <vector>

namespace voc {
namespace internal {

class RegexSetGroup {
 public:
  static constexpr int kPatternsPerSet = 8;
  static constexpr size_t kShortText = 256;

  explicit RegexSetGroup(const RE2::Options& options) : options_(options) {}

  // Adds `pattern`; returns its index or -1 with `error` set.
  int Add(const std::string& pattern, std::string* error) {
    if (!whole_) whole_ = std::make_unique<RE2::Set>(options_, RE2::UNANCHORED);
    if (whole_->Add(pattern, error) < 0) return -1;
    if (sets_.empty() || in_last_ == kPatternsPerSet) {
      sets_.push_back(std::make_unique<RE2::Set>(options_, RE2::UNANCHORED));
      in_last_ = 0;
    }
    if (sets_.back()->Add(pattern, error) < 0) return -1;
    ++in_last_;
    return count_++;
  }

  bool Compile() {
    if (whole_ && !whole_->Compile()) return false;
    for (auto& s : sets_)
      if (!s->Compile()) return false;
    return true;
  }

  int size() const { return count_; }

  // Appends the indices of the patterns that match in `text` to `out`.
  // Returns false when a set could not finish (its DFA ran out of memory):
  // the caller must then treat every pattern as a candidate.
  bool Match(re2::StringPiece text, std::vector<int>* out) const {
    std::vector<int> v;
    if (whole_ && text.size() <= kShortText) {
      RE2::Set::ErrorInfo info;
      if (whole_->Match(text, &v, &info) || info.kind == RE2::Set::kNoError) {
        out->insert(out->end(), v.begin(), v.end());
        return true;
      }
    }
    for (size_t i = 0; i < sets_.size(); ++i) {
      v.clear();
      RE2::Set::ErrorInfo info;
      if (!sets_[i]->Match(text, &v, &info) && info.kind != RE2::Set::kNoError) return false;
      for (int k : v) out->push_back(static_cast<int>(i) * kPatternsPerSet + k);
    }
    return true;
  }

 private:
  RE2::Options options_;
  std::unique_ptr<RE2::Set> whole_;
  std::vector<std::unique_ptr<RE2::Set>> sets_;
  int in_last_ = 0;
  int count_ = 0;
};

}  // namespace internal
}  // namespace voc

#endif  // VOC_SRC_REGEX_SET_H_
