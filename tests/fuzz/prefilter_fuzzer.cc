// Fuzzes the literal prefilter of the signal cues on arbitrary bytes
// (malformed UTF-8, case-folding letters, NULs): every cue that RE2 finds
// in the input must be among the candidates, the candidates must be sorted
// and in range, and Search (which searches only around the atoms it
// located) must find the matches RE2 finds, one after the other.
#include <re2/re2.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "patterns/regex_set.h"
#include "themes/signals_internal.h"

namespace {

struct Fixture {
  std::unique_ptr<voc::internal::RegexSetGroup> group;
  std::vector<std::unique_ptr<RE2>> res;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const Fixture* fx = [] {
    auto* f = new Fixture;
    RE2::Options opt = voc::internal::SignalCueOptions();
    f->group = std::make_unique<voc::internal::RegexSetGroup>(opt);
    for (const std::string& p : voc::internal::BuiltinSignalCuePatterns()) {
      std::string error;
      if (f->group->Add(p, &error) < 0) __builtin_trap();
      f->res.push_back(std::make_unique<RE2>(p, opt));
    }
    f->group->Compile();
    return f;
  }();
  std::string_view text(reinterpret_cast<const char*>(data), size);
  voc::internal::RegexSetGroup::Hits hits;
  fx->group->Candidates(text, &hits);
  const std::vector<int>& candidates = hits.candidates;
  if (!std::is_sorted(candidates.begin(), candidates.end())) __builtin_trap();
  for (int c : candidates)
    if (c < 0 || c >= fx->group->size()) __builtin_trap();
  re2::StringPiece sp(text.data(), text.size());
  for (size_t i = 0; i < fx->res.size(); ++i)
    if (RE2::PartialMatch(sp, *fx->res[i]) &&
        !std::binary_search(candidates.begin(), candidates.end(), static_cast<int>(i)))
      __builtin_trap();
  for (size_t i = 0; i < fx->res.size(); ++i) {
    for (size_t pos = 0; pos <= text.size();) {
      re2::StringPiece want, got;
      const bool w = fx->res[i]->Match(sp, pos, text.size(), RE2::UNANCHORED, &want, 1);
      if (fx->group->Search(static_cast<int>(i), hits, sp, pos, &got) != w) __builtin_trap();
      if (!w) break;
      if (got.data() != want.data() || got.size() != want.size()) __builtin_trap();
      const size_t b = static_cast<size_t>(want.data() - sp.data());
      pos = want.empty() ? b + 1 : b + want.size();
    }
  }
  return 0;
}
