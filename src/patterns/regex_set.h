// Private: a group of RE2 patterns that answers "which of these patterns may
// match in this text" for the theme rules and the signal cues.
//
// Candidates() asks a literal prefilter (literal_prefilter.h): on customer
// texts it leaves one or two of ~90 theme patterns per short text and about
// ten per complaint narrative, which the callers then search one by one.
// This replaced matching the whole group with RE2::Set objects, whose large
// lazily-built DFAs cost more per text than the prefilter and, shared by two
// threads, serialised them on RE2's DFA cache lock.
//
// MatchWithSets() is that exact RE2::Set path, kept as the reference the
// tests hold the prefilter to (candidates must include every pattern that
// matches). Its sets are built on first use.
#ifndef VOC_SRC_REGEX_SET_H_
#define VOC_SRC_REGEX_SET_H_

#include <re2/re2.h>
#include <re2/set.h>

#include <algorithm>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "patterns/literal_prefilter.h"

namespace voc {
namespace internal {

class RegexSetGroup {
 public:
  // Patterns per RE2::Set in MatchWithSets: RE2's DFA for one set of ~80
  // case-insensitive patterns with bounded gaps builds so many states on
  // varied text that it ran 2.5x slower on CFPB narratives than ten sets of 8.
  static constexpr int kPatternsPerSet = 8;

  explicit RegexSetGroup(const RE2::Options& options) : options_(options) {}

  // Adds `pattern`; returns its index or -1 with `error` set.
  int Add(const std::string& pattern, std::string* error) { return Add(pattern, false, error); }

  // Adds `pattern`, case-insensitive when `ignore_case` (whatever the
  // group's options say).
  int Add(const std::string& pattern, bool ignore_case, std::string* error) {
    RE2::Options opt = options_;
    if (ignore_case) opt.set_case_sensitive(false);
    if (prefilter_.Add(pattern, opt, error) < 0) return -1;
    // The reference sets share the group's options.
    patterns_.push_back(ignore_case && options_.case_sensitive() ? "(?i)" + pattern : pattern);
    return static_cast<int>(patterns_.size()) - 1;
  }

  // Prepares the prefilter. Call once, after the last Add.
  void Compile() { prefilter_.Compile(); }

  int size() const { return static_cast<int>(patterns_.size()); }

  // Pattern `i`, compiled with the group's options: callers search the
  // candidates with these rather than compiling each pattern again.
  const RE2& regex(int i) const { return prefilter_.regex(i); }
  const LiteralPrefilter& prefilter() const { return prefilter_; }

  // Replaces `out` with the indices of the patterns that may match `text`
  // (every pattern that matches is among them), in increasing order.
  void Candidates(std::string_view text, std::vector<int>* out) const { prefilter_.Candidates(text, out); }

  // The candidates of one text, and where its atoms are for Search.
  struct Hits {
    std::vector<int> candidates;
    LiteralPrefilter::TextAtoms atoms;
  };
  // Fills `hits` for `text`, which must outlive its use.
  void Candidates(std::string_view text, Hits* hits) const {
    prefilter_.Candidates(text, &hits->candidates, &hits->atoms);
  }
  // The leftmost match of pattern `i` in `text` that starts at `pos` or
  // later: regex(i).Match(text, pos, text.size(), RE2::UNANCHORED, match, 1),
  // searching only where the pattern can match when `hits` are those of
  // `text` (LiteralPrefilter::Search).
  bool Search(int i, const Hits& hits, re2::StringPiece text, size_t pos, re2::StringPiece* match) const {
    return prefilter_.Search(i, hits.atoms, text, pos, match);
  }

  // Replaces `out` with the indices of exactly the patterns that match, in
  // increasing order. Returns false when a set could not finish (its DFA ran
  // out of memory). For tests: slower than Candidates and its searches.
  bool MatchWithSets(std::string_view text, std::vector<int>* out) const {
    std::call_once(sets_once_, [this] { BuildSets(); });
    out->clear();
    if (!sets_ok_) return false;
    std::vector<int> v;
    for (size_t i = 0; i < sets_.size(); ++i) {
      v.clear();
      RE2::Set::ErrorInfo info;
      if (!sets_[i]->Match(re2::StringPiece(text.data(), text.size()), &v, &info) &&
          info.kind != RE2::Set::kNoError)
        return false;
      std::sort(v.begin(), v.end());
      for (int k : v) out->push_back(static_cast<int>(i) * kPatternsPerSet + k);
    }
    return true;
  }

 private:
  void BuildSets() const {
    sets_ok_ = true;
    for (size_t i = 0; i < patterns_.size(); ++i) {
      if (i % kPatternsPerSet == 0) sets_.push_back(std::make_unique<RE2::Set>(options_, RE2::UNANCHORED));
      std::string error;
      if (sets_.back()->Add(patterns_[i], &error) < 0) sets_ok_ = false;
    }
    for (auto& s : sets_)
      if (!s->Compile()) sets_ok_ = false;
  }

  RE2::Options options_;
  std::vector<std::string> patterns_;
  LiteralPrefilter prefilter_;
  mutable std::once_flag sets_once_;
  mutable std::vector<std::unique_ptr<RE2::Set>> sets_;
  mutable bool sets_ok_ = false;
};

}  // namespace internal
}  // namespace voc

#endif  // VOC_SRC_REGEX_SET_H_
