// Text helpers of the aggregate: content hash, phrase n-grams, snippets.
#include <algorithm>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "insight/aggregate_data.h"
#include "text/segment.h"

namespace voc {
namespace internal {
namespace {

const std::unordered_set<std::string_view>& Stopwords() {
  static const auto* const kWords = new std::unordered_set<std::string_view>{
      "a",         "about",   "above",    "after",      "again",      "against", "all",      "also",
      "am",        "an",      "and",      "any",        "are",        "aren't",  "as",       "at",
      "be",        "because", "been",     "before",     "being",      "below",   "between",  "both",
      "but",       "by",      "can",      "can't",      "cannot",     "could",   "couldn't", "did",
      "didn't",    "do",      "does",     "doesn't",    "doing",      "don't",   "down",     "during",
      "each",      "even",    "ever",     "every",      "few",        "for",     "from",     "further",
      "get",       "got",     "had",      "hadn't",     "has",        "hasn't",  "have",     "haven't",
      "having",    "he",      "he'd",     "he'll",      "he's",       "her",     "here",     "here's",
      "hers",      "herself", "him",      "himself",    "his",        "how",     "how's",    "i",
      "i'd",       "i'll",    "i'm",      "i've",       "if",         "in",      "into",     "is",
      "isn't",     "it",      "it's",     "its",        "itself",     "just",    "let's",    "like",
      "me",        "more",    "most",     "mustn't",    "my",         "myself",  "no",       "nor",
      "not",       "now",     "of",       "off",        "on",         "once",    "only",     "or",
      "other",     "ought",   "our",      "ours",       "ourselves",  "out",     "over",     "own",
      "really",    "same",    "shan't",   "she",        "she'd",      "she'll",  "she's",    "should",
      "shouldn't", "so",      "some",     "still",      "such",       "than",    "that",     "that's",
      "the",       "their",   "theirs",   "them",       "themselves", "then",    "there",    "there's",
      "these",     "they",    "they'd",   "they'll",    "they're",    "they've", "this",     "those",
      "through",   "to",      "too",      "under",      "until",      "up",      "us",       "very",
      "was",       "wasn't",  "we",       "we'd",       "we'll",      "we're",   "we've",    "were",
      "weren't",   "what",    "what's",   "when",       "when's",     "where",   "where's",  "which",
      "while",     "who",     "who's",    "whom",       "why",        "why's",   "will",     "with",
      "won't",     "would",   "wouldn't", "you",        "you'd",      "you'll",  "you're",   "you've",
      "your",      "yours",   "yourself", "yourselves", "im",         "ive",     "dont",     "cant",
      "wont",      "didnt",   "doesnt",   "isnt",       "wasnt",      "u",       "ur",       "yes",
      "ok",        "okay",    "please",   "thanks",     "thank",      "hi",      "hello",    "one",
      "two",       "would",   "could",    "also",       "said",       "told",    "back",     "since",
      "yet",       "via",     "etc",      "amp",        "rt"};
  return *kWords;
}

bool IsWordByte(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c >= 0x80 || c == '\'';
}

// A token is kept when it is not a stopword, a mask, a number or one letter.
bool KeepToken(const std::string& t) {
  if (t.size() < 2) return false;
  bool all_x = true, has_letter = false;
  for (unsigned char c : t) {
    if (c != 'x') all_x = false;
    if ((c >= 'a' && c <= 'z') || c >= 0x80) has_letter = true;
  }
  if (all_x || !has_letter) return false;  // "XXXX" masks, numbers
  return Stopwords().count(t) == 0;
}

}  // namespace

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

std::vector<std::string> DistinctNgrams(std::string_view text, int max_n) {
  // Runs of kept tokens; anything dropped breaks the run.
  std::vector<std::vector<std::string>> runs(1);
  size_t i = 0;
  const size_t n = text.size();
  // Social tokens that are not words (URLs, e-mails, @mentions, masks such
  // as [EMAIL] or XXXX, money, times) are skipped and break the run, as the
  // other stages skip them (segment.h).
  thread_local std::vector<SocialSpan> social;
  social.clear();
  SocialSpans(text, &social);
  size_t next_social = 0;
  while (i < n) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    while (next_social < social.size() &&
           (social[next_social].end <= i || !IsNonWord(social[next_social].kind)))
      ++next_social;
    const size_t stop = next_social < social.size() ? std::max<size_t>(social[next_social].begin, i) : n;
    if (stop == i) {
      if (!runs.back().empty()) runs.emplace_back();
      i = social[next_social].end;
      continue;
    }
    // U+2000..U+206F (general punctuation: dashes, curly quotes) separates.
    if (c == 0xE2 && i + 1 < n && static_cast<unsigned char>(text[i + 1]) == 0x80) {
      if (!runs.back().empty()) runs.emplace_back();
      i += 3;
      continue;
    }
    if (!IsWordByte(c)) {
      // Sentence punctuation breaks phrases; spaces do not.
      if (c != ' ' && c != '\t' && c != '-' && !runs.back().empty()) runs.emplace_back();
      ++i;
      continue;
    }
    size_t j = i;
    std::string tok;
    while (j < stop) {
      const unsigned char d = static_cast<unsigned char>(text[j]);
      if (!IsWordByte(d)) break;
      if (d == 0xE2 && j + 1 < n && static_cast<unsigned char>(text[j + 1]) == 0x80) break;
      tok.push_back(d >= 'A' && d <= 'Z' ? static_cast<char>(d - 'A' + 'a') : static_cast<char>(d));
      ++j;
    }
    i = j;
    while (!tok.empty() && tok.front() == '\'') tok.erase(tok.begin());
    while (!tok.empty() && tok.back() == '\'') tok.pop_back();
    if (KeepToken(tok)) {
      runs.back().push_back(std::move(tok));
    } else if (!runs.back().empty()) {
      runs.emplace_back();
    }
  }
  max_n = std::clamp(max_n, 1, 3);
  std::vector<std::string> out;
  for (const auto& run : runs) {
    for (size_t s = 0; s < run.size(); ++s) {
      std::string g;
      for (int k = 0; k < max_n && s + k < run.size(); ++k) {
        if (k) g.push_back(' ');
        g += run[s + k];
        out.push_back(g);
      }
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
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
