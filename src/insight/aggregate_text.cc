// Text helpers of the aggregate: content hash, phrase n-grams, snippets.
#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "insight/aggregate_data.h"
#include "text/segment.h"
#include "text/stop_words.h"

namespace voc {
namespace internal {
namespace {}  // namespace

uint64_t ContentHash(std::string_view id, std::string_view text) {
  uint64_t h = 1469598103934665603ULL;
  auto mix = [&h](unsigned char c) {
    h ^= c;
    h *= 1099511628211ULL;
  };
  for (unsigned char c : id) mix(c);
  mix(0);
  for (unsigned char c : text) mix(c);
  return h;
}

void DistinctNgramViews(std::string_view text, int max_n, std::string* buffer,
                        std::vector<std::string_view>* grams) {
  // Runs of content words (segment.h's words, stop_words.h's rule); a word
  // left out, or anything but spaces and hyphens between two words, ends a
  // run. `buffer` holds the runs' lowercased words, one space between the
  // words of a run and '\n' between runs, so that every n-gram is a
  // substring of it.
  struct Span {
    uint32_t begin, end, run;
  };
  thread_local std::vector<Word> words;
  thread_local std::vector<Span> spans;
  thread_local std::string tok;
  Words(text, &words);
  buffer->clear();
  spans.clear();
  grams->clear();
  uint32_t run = 0;
  bool open = false;  // the current run holds a word
  for (const Word& w : words) {
    if (!w.joined && open) {
      ++run;
      open = false;
    }
    tok.assign(text.data() + w.begin, w.end - w.begin);
    for (char& c : tok)
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (!IsContentWord(tok)) {
      if (open) ++run;
      open = false;
      continue;
    }
    if (!buffer->empty()) buffer->push_back(open ? ' ' : '\n');
    const auto begin = static_cast<uint32_t>(buffer->size());
    buffer->append(tok);
    spans.push_back({begin, static_cast<uint32_t>(buffer->size()), run});
    open = true;
  }
  const size_t n = static_cast<size_t>(std::clamp(max_n, 1, 3));
  const std::string_view all(*buffer);
  for (size_t s = 0; s < spans.size(); ++s)
    for (size_t k = 0; k < n && s + k < spans.size() && spans[s + k].run == spans[s].run; ++k)
      grams->push_back(all.substr(spans[s].begin, spans[s + k].end - spans[s].begin));
  std::sort(grams->begin(), grams->end());
  grams->erase(std::unique(grams->begin(), grams->end()), grams->end());
}

std::vector<std::string> DistinctNgrams(std::string_view text, int max_n) {
  std::string buffer;
  std::vector<std::string_view> grams;
  DistinctNgramViews(text, max_n, &buffer, &grams);
  return std::vector<std::string>(grams.begin(), grams.end());
}

std::pair<size_t, size_t> SnippetRange(std::string_view text, size_t begin, size_t end, size_t max_bytes) {
  const size_t n = text.size();
  begin = std::min(begin, n);
  end = std::clamp(end, begin, n);
  if (max_bytes == 0) return {begin, begin};
  size_t s, e;
  if (n <= max_bytes) {
    s = 0;
    e = n;
  } else {
    const size_t span = end - begin;
    if (span >= max_bytes) {
      s = begin;
      e = begin + max_bytes;
    } else {
      const size_t left = (max_bytes - span) / 3;  // a third before, the rest after
      s = begin > left ? begin - left : 0;
      e = std::min(n, s + max_bytes);
      if (e - s < max_bytes) s = e > max_bytes ? e - max_bytes : 0;
    }
    auto is_space = [&](size_t i) {
      return text[i] == ' ' || text[i] == '\n' || text[i] == '\t' || text[i] == '\r';
    };
    // Word boundaries: move inwards to a space, but never past the span.
    if (s > 0 && !is_space(s - 1)) {
      size_t k = s;
      while (k < begin && k < e && !is_space(k)) ++k;
      if (k < begin || (k < e && is_space(k))) s = k;
    }
    if (e < n && !is_space(e)) {
      size_t k = e;
      while (k > end && k > s && !is_space(k - 1)) --k;
      if (k > end) e = k;
    }
  }
  auto cont = [&](size_t i) { return i < n && (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80; };
  while (s < e && cont(s)) ++s;
  while (e > s && cont(e)) --e;
  while (s < e && (text[s] == ' ' || text[s] == '\n' || text[s] == '\t' || text[s] == '\r')) ++s;
  while (e > s && (text[e - 1] == ' ' || text[e - 1] == '\n' || text[e - 1] == '\t' || text[e - 1] == '\r'))
    --e;
  return {s, e};
}

}  // namespace internal
}  // namespace voc
