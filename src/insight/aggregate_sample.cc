// The discovery sample of the aggregate: the records with the smallest
// content hash, with their content words (from the Tokenizer).
#include <algorithm>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "insight/aggregate_data.h"
#include "text/stop_words.h"
#include "voc/tokenizer.h"

namespace voc {
namespace internal {
namespace {

const Tokenizer& SampleTokenizer() {
  static const Tokenizer* const kTokenizer = [] {
    TokenizerOptions o;
    o.sentences = false;
    Result<std::unique_ptr<Tokenizer>> t = Tokenizer::Create(o);
    return t.ok() ? t->release() : nullptr;
  }();
  return *kTokenizer;
}

bool HasDigit(std::string_view w) {
  for (unsigned char c : w)
    if (c >= '0' && c <= '9') return true;
  return false;
}

}  // namespace

bool SampleLess(const SampleDoc& a, const SampleDoc& b) {
  return a.hash != b.hash ? a.hash < b.hash : a.id < b.id;
}

std::string ContentTerms(std::string_view text, size_t max_bytes) {
  std::string out;
  const Tokenization t = SampleTokenizer().Tokenize(text);
  bool run_open = false;
  auto brk = [&] {
    if (run_open) out.push_back('\n');
    run_open = false;
  };
  for (const Token& tok : t.tokens) {
    std::string_view w = tok.norm;
    bool keep = false;
    switch (tok.kind) {
      case TokenKind::kWord:
      case TokenKind::kContraction:
        keep = true;
        break;
      case TokenKind::kHashtag:
        w.remove_prefix(1);
        keep = true;
        break;
      case TokenKind::kPunct:
        // An apostrophe or hyphen inside a phrase does not end it.
        if (w == "-" || w == "'" || w == "/" || w == "&") continue;
        break;
      default:
        break;
    }
    if (keep) {
      // Strip possessive "'s" so "company's" and "company" are one word.
      if (w.size() > 2 && w.substr(w.size() - 2) == "'s") w.remove_suffix(2);
      keep = IsContentWord(w) && !HasDigit(w);
    }
    if (!keep) {
      brk();
      continue;
    }
    if (out.size() + w.size() + 1 > max_bytes) break;
    if (run_open) out.push_back(' ');
    out.append(w.data(), w.size());
    run_open = true;
  }
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

void OfferSample(AggregateData* d, const Analysis& a, const std::string& period, const std::string& channel,
                 const Counts& c, bool covered, uint64_t hash) {
  const size_t k = d->options.discovery_sample;
  if (k == 0) return;
  std::vector<SampleDoc>& s = d->sample;
  if (s.size() >= k && (s.back().hash < hash || (s.back().hash == hash && s.back().id <= a.id)))
    return;  // cheap reject: most records after the first k (the sorted part bounds the k smallest)
  SampleDoc x;
  x.hash = hash;
  x.id = a.id;
  x.period = period;
  x.channel = channel;
  x.polarity = static_cast<int>(a.sentiment.label);
  x.score_micros = c.score_micros;
  x.emotion_micros = c.emotion_micros;
  for (int i = 0; i < kSignalCount; ++i)
    if (c.signals[i]) x.signals |= 1u << i;
  x.covered = covered;
  if (c.score_n) {
    x.rating = 1;
    x.rating_milli = c.score_milli;
  } else if (c.score_invalid) {
    x.rating = 2;
  }
  x.terms = ContentTerms(a.text, 512);
  const auto [b, e] = SnippetRange(a.text, 0, 0, d->options.snippet_bytes);
  x.snippet = a.text.substr(b, e - b);
  d->sample_pending.push_back(std::move(x));
  // Merged in batches of a quarter of the sample (at least 256): a few
  // moves per record, and at most 1.25 samples in memory.
  if (d->sample_pending.size() >= std::max<size_t>(256, s.size() / 4)) d->FlushSample();
}

}  // namespace internal

void internal::AggregateData::FlushSample() const {
  std::lock_guard<std::mutex> lock(sample_lock.m);
  if (sample_pending.empty()) return;
  std::vector<SampleDoc> p = std::move(sample_pending);
  sample_pending.clear();
  std::sort(p.begin(), p.end(), SampleLess);
  // The same record offered twice is one record.
  p.erase(
      std::unique(p.begin(), p.end(),
                  [](const SampleDoc& a, const SampleDoc& b) { return a.hash == b.hash && a.id == b.id; }),
      p.end());
  MergeSample(&sample, p, options.discovery_sample);
}

namespace internal {

void MergeSample(std::vector<SampleDoc>* into, const std::vector<SampleDoc>& from, size_t k) {
  std::vector<SampleDoc> all;
  all.reserve(std::min(k, into->size() + from.size()));
  auto a = into->begin();
  auto b = from.begin();
  while (all.size() < k && (a != into->end() || b != from.end())) {
    if (b == from.end() || (a != into->end() && SampleLess(*a, *b))) {
      all.push_back(std::move(*a++));
    } else if (a == into->end() || SampleLess(*b, *a)) {
      all.push_back(*b++);
    } else {  // equal keys: one record
      all.push_back(std::move(*a++));
      ++b;
    }
  }
  *into = std::move(all);
}

}  // namespace internal
}  // namespace voc
