#include "voc/discovery.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "insight/aggregate_data.h"
#include "insight/aggregate_figures.h"
#include "insight/discovery_background.h"
#include "insight/report_util.h"
#include "util/flat_string_map.h"
#include "voc/analyzer.h"

namespace voc {

using internal::SampleDoc;

namespace {

double Ratio(double a, double b) { return b > 0 ? a / b : 0.0; }

// Bits set in x. Inline (SWAR): without -mpopcnt, __builtin_popcountll is a
// call into libgcc, and the clustering counts millions of words.
inline uint32_t Popcount(uint64_t x) {
  x = x - ((x >> 1) & 0x5555555555555555ULL);
  x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
  x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0fULL;
  return static_cast<uint32_t>((x * 0x0101010101010101ULL) >> 56);
}

// Bits set in a[0..n) & b[0..n) (b null: in a). The clustering's inner
// loop: with the CPU's popcnt instruction where it has one (chosen once at
// run time, so the binary still runs on any x86-64), else SWAR. Both count
// the same bits.
uint64_t AndCountSwar(const uint64_t* a, const uint64_t* b, size_t n) {
  uint64_t s = 0;
  if (b == nullptr)
    for (size_t x = 0; x < n; ++x) s += Popcount(a[x]);
  else
    for (size_t x = 0; x < n; ++x) s += Popcount(a[x] & b[x]);
  return s;
}
#if defined(__x86_64__) && defined(__GNUC__)
__attribute__((target("popcnt"))) uint64_t AndCountPopcnt(const uint64_t* a, const uint64_t* b, size_t n) {
  uint64_t s0 = 0, s1 = 0;
  size_t x = 0;
  if (b == nullptr) {
    for (; x < n; ++x) s0 += static_cast<uint64_t>(__builtin_popcountll(a[x]));
    return s0;
  }
  for (; x + 2 <= n; x += 2) {
    s0 += static_cast<uint64_t>(__builtin_popcountll(a[x] & b[x]));
    s1 += static_cast<uint64_t>(__builtin_popcountll(a[x + 1] & b[x + 1]));
  }
  if (x < n) s0 += static_cast<uint64_t>(__builtin_popcountll(a[x] & b[x]));
  return s0 + s1;
}
#endif
using AndCountFn = uint64_t (*)(const uint64_t*, const uint64_t*, size_t);
AndCountFn PickAndCount() {
#if defined(__x86_64__) && defined(__GNUC__)
  if (__builtin_cpu_supports("popcnt")) return AndCountPopcnt;
#endif
  return AndCountSwar;
}
double Round(double x, double scale = 1e4) { return std::round(x * scale) / scale; }

std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t b = 0;
  while (b <= s.size()) {
    size_t e = s.find(sep, b);
    if (e == std::string_view::npos) e = s.size();
    if (e > b) out.push_back(s.substr(b, e - b));
    b = e + 1;
  }
  return out;
}

// Words of a phrase.
std::vector<std::string_view> Words(std::string_view p) { return Split(p, ' '); }

// True when the words of `a` occur consecutively in `b`.
bool Inside(std::string_view a, std::string_view b) {
  if (a.size() >= b.size()) return a == b;
  const std::string pa = " " + std::string(a) + " ", pb = " " + std::string(b) + " ";
  return pb.find(pa) != std::string::npos;
}

// The slug of a name: ASCII letters and digits, other runs become '-'.
std::string Slug(std::string_view name) {
  std::string s;
  for (unsigned char c : name) {
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
      s.push_back(static_cast<char>(c));
    else if (c >= 'A' && c <= 'Z')
      s.push_back(static_cast<char>(c - 'A' + 'a'));
    else if (!s.empty() && s.back() != '-')
      s.push_back('-');
    if (s.size() >= 48) break;
  }
  while (!s.empty() && s.back() == '-') s.pop_back();
  return s;
}

bool IsAsciiWordByte(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// RE2 pattern matching the phrase: words separated by spaces, hyphens,
// apostrophes, slashes or '&' (what the content words skip), word
// boundaries where the phrase begins or ends with an ASCII letter.
std::string PhrasePattern(std::string_view phrase) {
  std::string p;
  const auto words = Words(phrase);
  for (size_t i = 0; i < words.size(); ++i) {
    if (i) p += "[\\s\\-'/&]+";
    for (unsigned char c : words[i]) {
      if (c < 0x80 && !IsAsciiWordByte(c)) p.push_back('\\');
      p.push_back(static_cast<char>(c));
    }
  }
  const bool b = !phrase.empty() && IsAsciiWordByte(static_cast<unsigned char>(phrase.front()));
  const bool e = !phrase.empty() && IsAsciiWordByte(static_cast<unsigned char>(phrase.back()));
  return (b ? "\\b" : "") + p + (e ? "\\b" : "");
}

internal::Counts DocCounts(const SampleDoc& x) {
  internal::Counts c;
  c.volume = 1;
  if (x.polarity < 0)
    c.negative = 1;
  else if (x.polarity > 0)
    c.positive = 1;
  else
    c.neutral = 1;
  c.score_micros = x.score_micros;
  c.emotion_micros = x.emotion_micros;
  if (x.rating == 1) {
    const int64_t m = x.rating_milli;
    c.score_n = 1;
    c.score_milli = m;
    c.score_sq = static_cast<uint64_t>(m * m);
    if (m % 1000 == 0 && m >= 0 && m <= 10000) c.score_int[m / 1000] = 1;
  } else if (x.rating == 2) {
    c.score_invalid = 1;
  }
  for (int i = 0; i < kSignalCount; ++i)
    if (x.signals & (1u << i)) {
      c.signals[i] = 1;
      if (static_cast<Signal>(i) != Signal::kEmotionIntensity) c.with_signal = 1;
    }
  return c;
}

Quote DocQuote(const SampleDoc& x, size_t snippet_bytes) {
  Quote q;
  q.id = x.id;
  q.period = x.period;
  q.channel = x.channel;
  q.polarity = static_cast<Polarity>(x.polarity);
  q.score = Round(static_cast<double>(x.score_micros) / 1e6, 1e6);
  q.snippet = x.snippet;
  q.cut_right = x.snippet.size() >= snippet_bytes;
  return q;
}

// The general background the options name: null for none. `*path` is the
// file used ("" for none); a missing default file is no error.
Result<std::shared_ptr<const internal::Background>> ResolveBackground(const std::string& spec,
                                                                      std::string* path) {
  path->clear();
  if (spec.empty() || spec == "none") return std::shared_ptr<const internal::Background>();
  const bool dflt = spec == "default";
  const std::string file = dflt ? DefaultModelsDir() + "/background.tsv" : spec;
  Result<std::shared_ptr<const internal::Background>> bg = internal::LoadBackground(file);
  if (!bg.ok()) {
    if (dflt && bg.status().code() == StatusCode::kNotFound)
      return std::shared_ptr<const internal::Background>();
    return bg.status();
  }
  *path = file;
  return bg;
}

}  // namespace

Status ValidateDiscoveryOptions(const DiscoveryOptions& o) {
  if (o.max_themes < 1) return InvalidArgumentError("max_themes must be >= 1");
  if (o.max_words < 1 || o.max_words > 4) return InvalidArgumentError("max_words must be in [1, 4]");
  if (!(o.max_phrase_share > 0 && o.max_phrase_share <= 1))
    return InvalidArgumentError("max_phrase_share must be in (0, 1]");
  if (!(o.min_background_lift >= 1)) return InvalidArgumentError("min_background_lift must be >= 1");
  if (!(o.ubiquity_share > 0 && o.ubiquity_share <= 1))
    return InvalidArgumentError("ubiquity_share must be in (0, 1]");
  if (!(o.ubiquity_lift >= 1)) return InvalidArgumentError("ubiquity_lift must be >= 1");
  if (o.max_phrases < 1) return InvalidArgumentError("max_phrases must be >= 1");
  if (!(o.link > 0 && o.link <= 1)) return InvalidArgumentError("link must be in (0, 1]");
  if (!(o.support >= 0 && o.support <= 1)) return InvalidArgumentError("support must be in [0, 1]");
  if (!(o.min_general_lift >= 1)) return InvalidArgumentError("min_general_lift must be >= 1");
  std::string path;
  if (auto bg = ResolveBackground(o.background, &path); !bg.ok()) return bg.status();
  return Status::Ok();
}

Discovery DiscoverThemes(const Aggregate& aggregate, const DiscoveryOptions& options,
                         const FindingsOptions& fopt) {
  const internal::AggregateData& d = ImplOf(aggregate);
  Discovery out;
  DiscoveryOptions o = options;
  if (Status st = ValidateDiscoveryOptions(o); !st.ok()) {
    out.warnings.push_back("discovery options: " + st.message() + "; using the defaults");
    o = DiscoveryOptions();
  }
  std::shared_ptr<const internal::Background> bg;
  {
    Result<std::shared_ptr<const internal::Background>> r = ResolveBackground(o.background, &out.background);
    if (r.ok()) bg = *r;
    if (!bg && o.background == "default")
      out.warnings.push_back("no general background (" + DefaultModelsDir() +
                             "/background.tsv not found): words common in any text may name themes");
  }
  const std::vector<SampleDoc>& docs = d.Sample();
  out.records = d.records;
  out.sampled = docs.size();
  out.scale = docs.empty() ? 1.0 : static_cast<double>(d.records) / docs.size();
  if (docs.empty()) {
    if (d.records > 0) out.warnings.push_back("no discovery sample in the aggregate (discovery_sample = 0)");
    return out;
  }
  const size_t N = docs.size();

  // ---- words per record ---------------------------------------------------
  // Runs of content words, interned (the keys view the sample's terms), in
  // flat arrays: record i's words are word_ids[doc_words[i] .. doc_words[i+1])
  // and its runs end at run_end[doc_runs[i] .. doc_runs[i+1]).
  internal::FlatStringMap<uint32_t> word_id;
  std::vector<std::string> word_text;
  std::vector<uint32_t> word_ids, run_end, doc_words(N + 1, 0), doc_runs(N + 1, 0);
  std::vector<uint32_t> word_df;
  std::vector<char> uncovered(N, 0);
  std::vector<size_t> U;
  std::vector<uint32_t> seen;
  for (size_t i = 0; i < N; ++i) {
    uncovered[i] = !docs[i].covered;
    if (uncovered[i]) U.push_back(i);
    const std::string_view terms = docs[i].terms;
    size_t b = 0;
    bool run_open = false;
    for (size_t e = 0; e <= terms.size(); ++e) {
      const char c = e < terms.size() ? terms[e] : '\n';
      if (c != ' ' && c != '\n') continue;
      if (e > b) {
        const std::string_view w = terms.substr(b, e - b);
        auto [slot, added] = word_id.emplace(w, static_cast<uint32_t>(word_text.size()));
        if (added) {
          word_text.emplace_back(w);
          word_df.push_back(0);
        }
        word_ids.push_back(slot->second);
        run_open = true;
      }
      if (c == '\n' && run_open) {
        run_end.push_back(static_cast<uint32_t>(word_ids.size()));
        run_open = false;
      }
      b = e + 1;
    }
    doc_words[i + 1] = static_cast<uint32_t>(word_ids.size());
    doc_runs[i + 1] = static_cast<uint32_t>(run_end.size());
    seen.assign(word_ids.begin() + doc_words[i], word_ids.end());
    std::sort(seen.begin(), seen.end());
    seen.erase(std::unique(seen.begin(), seen.end()), seen.end());
    for (uint32_t w : seen) ++word_df[w];
  }
  // Record i's distinct words, sorted, into *ws.
  auto distinct_words = [&](size_t i, std::vector<uint32_t>* ws) {
    ws->assign(word_ids.begin() + doc_words[i], word_ids.begin() + doc_words[i + 1]);
    std::sort(ws->begin(), ws->end());
    ws->erase(std::unique(ws->begin(), ws->end()), ws->end());
  };
  out.uncovered = U.size();
  const size_t nU = U.size(), nC = N - nU;
  if (nU == 0) {
    out.warnings.push_back("every sampled record has a known theme: nothing to discover");
    return out;
  }
  const size_t min_docs =
      o.min_docs ? o.min_docs : std::max<size_t>(5, static_cast<size_t>(std::ceil(0.002 * nU)));
  const size_t min_theme =
      o.min_theme_docs ? o.min_theme_docs : std::max<size_t>(8, static_cast<size_t>(std::ceil(0.005 * nU)));
  out.min_docs = min_docs;
  out.min_theme_docs = min_theme;

  // ---- ubiquitous words -----------------------------------------------------
  const size_t W = word_text.size();
  std::vector<char> ubiquitous(W, 0);
  {
    std::vector<uint32_t> high;  // frequent enough to test
    for (uint32_t w = 0; w < W; ++w)
      if (word_df[w] >= o.ubiquity_share * N && word_df[w] >= min_docs) high.push_back(w);
    if (!high.empty()) {
      std::vector<int32_t> high_index(W, -1);
      for (size_t k = 0; k < high.size(); ++k) high_index[high[k]] = static_cast<int32_t>(k);
      // Co-occurrence of each high word with every word of min_docs records,
      // in a dense table over those words.
      std::vector<int32_t> frequent(W, -1);
      std::vector<uint32_t> frequent_word;
      for (uint32_t w = 0; w < W; ++w)
        if (word_df[w] >= min_docs) {
          frequent[w] = static_cast<int32_t>(frequent_word.size());
          frequent_word.push_back(w);
        }
      const size_t F = frequent_word.size();
      std::vector<std::vector<uint32_t>> doc_high(N), doc_frequent(N);
      std::map<std::string, std::pair<uint64_t, std::vector<uint32_t>>>
          strata;  // key -> (n, df per high word)
      for (size_t i = 0; i < N; ++i) {
        std::vector<uint32_t> ws;
        distinct_words(i, &ws);
        std::vector<size_t> hs;
        for (uint32_t w : ws) {
          if (high_index[w] >= 0) hs.push_back(static_cast<size_t>(high_index[w]));
        }
        for (const std::string& key : {"p:" + docs[i].period, "c:" + docs[i].channel}) {
          if (key == "p:" + std::string(kUndatedPeriod)) continue;
          auto& st = strata[key];
          if (st.second.empty()) st.second.assign(high.size(), 0);
          ++st.first;
          for (size_t h : hs) ++st.second[h];
        }
        for (uint32_t w : ws)
          if (frequent[w] >= 0) doc_frequent[i].push_back(static_cast<uint32_t>(frequent[w]));
        for (size_t h : hs) doc_high[i].push_back(static_cast<uint32_t>(h));
      }
      // The table in bands of high words, at most 4M counts (16 MB) at once.
      const size_t band = std::max<size_t>(1, (size_t{4} << 20) / std::max<size_t>(F, 1));
      std::vector<double> max_lifts(high.size(), 0.0);
      std::vector<uint32_t> co;
      for (size_t h0 = 0; h0 < high.size(); h0 += band) {
        const size_t h1 = std::min(high.size(), h0 + band);
        co.assign((h1 - h0) * F, 0);
        for (size_t i = 0; i < N; ++i)
          for (uint32_t h : doc_high[i]) {
            if (h < h0 || h >= h1) continue;
            uint32_t* row = &co[(h - h0) * F];
            for (uint32_t f : doc_frequent[i]) ++row[f];
          }
        for (size_t h = h0; h < h1; ++h) {
          const double dfh = word_df[high[h]];
          double max_lift = 0;
          for (size_t f = 0; f < F; ++f) {
            const uint32_t w = frequent_word[f], c = co[(h - h0) * F + f];
            if (w == high[h] || c < min_docs) continue;
            // Only lifts beyond chance count: c at least 3 Poisson standard
            // deviations above its expectation under independence.
            const double e = dfh * word_df[w] / static_cast<double>(N);
            if (c < e + 3.0 * std::sqrt(e)) continue;
            max_lift = std::max(max_lift, c / e);
          }
          max_lifts[h] = max_lift;
        }
      }
      size_t periods = 0, channels = 0;
      for (const auto& [key, st] : strata)
        if (st.first >= 30) (key[0] == 'p' ? periods : channels) += 1;
      for (size_t h = 0; h < high.size(); ++h) {
        const double dfh = word_df[high[h]];
        const double max_lift = max_lifts[h];
        if (max_lift >= o.ubiquity_lift) continue;
        bool even = true;
        const double rate = dfh / N;
        for (const auto& [key, st] : strata) {
          if (st.first < 30) continue;
          if ((key[0] == 'p' && periods < 2) || (key[0] == 'c' && channels < 2)) continue;
          const double r = static_cast<double>(st.second[h]) / st.first;
          if (r < 0.5 * rate || r > 2 * rate) even = false;
        }
        if (even) ubiquitous[high[h]] = 1;
      }
    }
    for (uint32_t w = 0; w < W; ++w)
      if (ubiquitous[w]) out.ubiquitous.push_back(word_text[w]);
    std::sort(out.ubiquitous.begin(), out.ubiquitous.end());
  }

  // ---- words common in general text ------------------------------------------
  // A word that is not `min_general_lift` times more common in the uncovered
  // records than in the general background neither begins nor ends a phrase
  // (as a ubiquitous word): "lost luggage update" has no more lift than
  // "lost" when "lost" is everywhere.
  std::vector<char> common(W, 0);
  if (bg) {
    std::vector<uint32_t> df_word_u(W, 0);
    std::vector<uint32_t> ws;
    for (size_t i : U) {
      distinct_words(i, &ws);
      for (uint32_t w : ws) ++df_word_u[w];
    }
    for (uint32_t w = 0; w < W; ++w)
      if (word_df[w] >= min_docs &&
          (static_cast<double>(df_word_u[w]) / nU) / bg->Rate(word_text[w]) < o.min_general_lift)
        common[w] = 1;
  }

  // ---- candidate phrases ---------------------------------------------------
  // Phrases of 1..max_words words whose words all have min_docs records,
  // neither first nor last word ubiquitous; per record distinct.
  std::unordered_map<std::string, uint32_t> phrase_id;
  std::vector<std::string> phrase_text;
  std::vector<uint32_t> df_u, df_c;
  std::vector<std::vector<uint32_t>> doc_phrases(N);
  // Word sequences as a trie (node of the sequence without its last word,
  // and that word -> node), so that each occurrence costs one integer look-up;
  // a node becomes a phrase (its text built once) the first time it is one.
  std::unordered_map<uint64_t, uint32_t> trie;
  std::vector<int64_t> node_phrase;  // -1: not (yet) a phrase
  for (size_t i = 0; i < N; ++i) {
    std::vector<uint32_t>& mine = doc_phrases[i];
    for (uint32_t j = doc_runs[i]; j < doc_runs[i + 1]; ++j) {
      const uint32_t* r = word_ids.data() + (j ? run_end[j - 1] : 0);
      const size_t run_size = word_ids.data() + run_end[j] - r;
      for (size_t s = 0; s < run_size; ++s) {
        uint64_t parent = 0;  // root; else node + 1
        for (int k = 0; k < o.max_words && s + k < run_size; ++k) {
          const uint32_t w = r[s + k];
          if (word_df[w] < min_docs) break;
          auto [node, added] =
              trie.try_emplace((parent << 32) | w, static_cast<uint32_t>(node_phrase.size()));
          if (added) node_phrase.push_back(-1);
          parent = uint64_t{node->second} + 1;
          if (ubiquitous[r[s]] || ubiquitous[w] || common[r[s]] || common[w]) continue;
          int64_t& p = node_phrase[node->second];
          if (p < 0) {
            std::string g;
            for (int q = 0; q <= k; ++q) {
              if (q) g.push_back(' ');
              g += word_text[r[s + q]];
            }
            p = static_cast<int64_t>(phrase_text.size());
            phrase_id.emplace(g, static_cast<uint32_t>(p));
            phrase_text.push_back(std::move(g));
            df_u.push_back(0);
            df_c.push_back(0);
          }
          mine.push_back(static_cast<uint32_t>(p));
        }
      }
    }
    std::sort(mine.begin(), mine.end());
    mine.erase(std::unique(mine.begin(), mine.end()), mine.end());
    for (uint32_t p : mine) ++(uncovered[i] ? df_u : df_c)[p];
  }
  const size_t P = phrase_text.size();
  std::vector<char> ok(P, 0);
  // Lift over general text (1e3 without a general background).
  std::vector<double> glift(P, 1e3);
  for (uint32_t p = 0; p < P; ++p) {
    if (df_u[p] < min_docs || df_u[p] > o.max_phrase_share * nU) continue;
    if (nC >= 50) {
      const double lift = ((df_u[p] + 0.5) / (nU + 1.0)) / ((df_c[p] + 0.5) / (nC + 1.0));
      if (lift < o.min_background_lift) continue;
    }
    if (bg) {
      glift[p] = (static_cast<double>(df_u[p]) / nU) / bg->Rate(phrase_text[p]);
      if (glift[p] < o.min_general_lift) continue;
    }
    ok[p] = 1;
  }
  // A phrase found in >= 90% of the records of a longer phrase holding it
  // gives way to the longer one.
  for (uint32_t p = 0; p < P; ++p) {
    if (!ok[p]) continue;
    const auto words = Words(phrase_text[p]);
    if (words.size() < 2) continue;
    // Sub-phrases: every consecutive shorter run of words.
    for (size_t len = 1; len < words.size(); ++len)
      for (size_t s = 0; s + len <= words.size(); ++s) {
        std::string sub;
        for (size_t k = 0; k < len; ++k) {
          if (k) sub.push_back(' ');
          sub += words[s + k];
        }
        auto it = phrase_id.find(sub);
        if (it != phrase_id.end() && ok[it->second] && df_u[p] >= 0.9 * df_u[it->second])
          ok[it->second] = 2;  // dropped after this pass
      }
  }
  std::vector<uint32_t> cand;
  for (uint32_t p = 0; p < P; ++p)
    if (ok[p] == 1) cand.push_back(p);
  auto idf = [&](uint32_t p) { return std::log(static_cast<double>(nU) / df_u[p]); };
  // Rank: document frequency x inverse document frequency x log of the lift
  // over general text (at most 1000; without a general background, the same
  // factor for all), so of two phrases as frequent the one general text
  // uses less ranks first.
  auto rank = [&](uint32_t p) { return df_u[p] * idf(p) * std::log(std::min(glift[p], 1e3)); };
  std::stable_sort(cand.begin(), cand.end(), [&](uint32_t a, uint32_t b) {
    const double sa = rank(a), sb = rank(b);
    if (sa != sb) return sa > sb;
    return phrase_text[a] < phrase_text[b];
  });
  if (cand.size() > o.max_phrases) cand.resize(o.max_phrases);
  std::sort(cand.begin(), cand.end(),
            [&](uint32_t a, uint32_t b) { return phrase_text[a] < phrase_text[b]; });
  const size_t V = cand.size();
  if (V == 0) {
    out.warnings.push_back("no phrase is frequent enough to discover a theme (min " +
                           std::to_string(min_docs) + " records)");
    return out;
  }
  std::vector<int> cand_index(P, -1);
  for (size_t k = 0; k < V; ++k) cand_index[cand[k]] = static_cast<int>(k);
  // Candidates per uncovered record.
  std::vector<std::vector<uint32_t>> dc(N);
  for (size_t i : U)
    for (uint32_t p : doc_phrases[i])
      if (cand_index[p] >= 0) dc[i].push_back(static_cast<uint32_t>(cand_index[p]));
  for (auto& v : dc) std::sort(v.begin(), v.end());
  // Uncovered records holding each candidate.
  std::vector<std::vector<size_t>> holders(V);
  for (size_t i : U)
    for (uint32_t k : dc[i]) holders[k].push_back(i);

  // ---- co-occurrence clustering ---------------------------------------------
  // Each group of phrases has the set of uncovered records holding any of
  // them (a bitset over U); the two groups whose sets correlate most merge,
  // while that correlation (phi) is at least `link`.
  const size_t words64 = (nU + 63) / 64;
  static const AndCountFn and_count = PickAndCount();
  std::vector<uint64_t> bits(V * words64, 0);
  std::vector<uint32_t> card(V, 0);
  for (size_t u = 0; u < nU; ++u)
    for (uint32_t k : dc[U[u]]) bits[k * words64 + u / 64] |= uint64_t{1} << (u % 64);
  for (size_t k = 0; k < V; ++k)
    card[k] = static_cast<uint32_t>(and_count(&bits[k * words64], nullptr, words64));
  // Phi coefficient of the two sets (their correlation as 0/1 vectors over
  // the uncovered records): 0 under independence whatever their sizes, so
  // big groups do not absorb everything (plain cosine grows with size).
  auto phi = [&](size_t a, size_t b, uint64_t inter) {
    const double n = static_cast<double>(nU), ca = card[a], cb = card[b];
    const double den = ca * (n - ca) * cb * (n - cb);
    return den > 0 ? static_cast<float>((n * inter - ca * cb) / std::sqrt(den)) : 0.0f;
  };
  auto cosine = [&](size_t a, size_t b) {
    return phi(a, b, and_count(&bits[a * words64], &bits[b * words64], words64));
  };
  std::vector<float> sim(V * V, 0.0f);
  {
    // The records two phrases share: counted over the records' pairs of
    // phrases when they are fewer than the bitset words of all pairs of
    // phrases (short texts), else by the bitsets. The same counts.
    uint64_t pairs = 0;
    for (size_t i : U) pairs += dc[i].size() * (dc[i].size() - (dc[i].empty() ? 0 : 1)) / 2;
    if (pairs < V * (V - 1) / 2 * words64) {
      std::vector<uint32_t> inter(V * V, 0);
      for (size_t i : U) {
        const std::vector<uint32_t>& ks = dc[i];  // sorted, distinct
        for (size_t x = 0; x < ks.size(); ++x) {
          uint32_t* row = &inter[ks[x] * V];
          for (size_t y = x + 1; y < ks.size(); ++y) ++row[ks[y]];
        }
      }
      for (size_t a = 0; a < V; ++a)
        for (size_t b = a + 1; b < V; ++b) sim[a * V + b] = sim[b * V + a] = phi(a, b, inter[a * V + b]);
    } else {
      for (size_t a = 0; a < V; ++a)
        for (size_t b = a + 1; b < V; ++b) sim[a * V + b] = sim[b * V + a] = cosine(a, b);
    }
  }
  std::vector<int> group(V);
  std::vector<char> alive(V, 1);
  for (size_t k = 0; k < V; ++k) group[k] = static_cast<int>(k);
  // The most correlated later group of each group (the first at equal
  // correlation), so that a merge rescans only the rows it changes: the same
  // merges, in the same order, as a scan of every pair.
  std::vector<float> row_best(V, -2.0f);
  std::vector<size_t> row_arg(V, V);
  auto rescan = [&](size_t a) {
    row_best[a] = -2.0f;
    row_arg[a] = V;
    for (size_t b = a + 1; b < V; ++b)
      if (alive[b] && sim[a * V + b] > row_best[a]) {
        row_best[a] = sim[a * V + b];
        row_arg[a] = b;
      }
  };
  for (size_t a = 0; a < V; ++a) rescan(a);
  while (true) {
    float best = -1;
    size_t ba = 0, bb = 0;
    for (size_t a = 0; a < V; ++a)
      if (alive[a] && row_arg[a] < V && row_best[a] > best) {
        best = row_best[a];
        ba = a;
        bb = row_arg[a];
      }
    if (best < o.link) break;
    // Merge bb into ba: union of the record sets, new cosines for ba.
    for (size_t x = 0; x < words64; ++x) bits[ba * words64 + x] |= bits[bb * words64 + x];
    card[ba] = static_cast<uint32_t>(and_count(&bits[ba * words64], nullptr, words64));
    alive[bb] = 0;
    for (size_t c = 0; c < V; ++c)
      if (alive[c] && c != ba) sim[ba * V + c] = sim[c * V + ba] = cosine(ba, c);
    for (size_t k = 0; k < V; ++k)
      if (group[k] == static_cast<int>(bb)) group[k] = static_cast<int>(ba);
    for (size_t c = 0; c < bb; ++c) {
      if (!alive[c]) continue;
      if (c == ba || row_arg[c] == bb || (c < ba && row_arg[c] == ba)) {
        rescan(c);
      } else if (c < ba) {
        const float x = sim[c * V + ba];
        if (x > row_best[c] || (x == row_best[c] && ba < row_arg[c])) {
          row_best[c] = x;
          row_arg[c] = ba;
        }
      }
    }
  }

  // ---- records to groups ----------------------------------------------------
  std::vector<double> w(V);
  for (size_t k = 0; k < V; ++k) w[k] = idf(cand[k]);
  std::vector<char> kept(V, 1);  // per group root
  std::vector<int> assign(N, -1);
  // A record's score for a group: the idf of its most specific phrase of
  // the group, plus `support` times the idf of its other phrases of the
  // group. A long text holds many common phrases of a broad group; its
  // rarest phrase says more about what it is about.
  auto assign_all = [&] {
    std::fill(assign.begin(), assign.end(), -1);
    std::vector<double> score(V, 0.0), top(V, 0.0);
    for (size_t i : U) {
      int best = -1;
      for (uint32_t k : dc[i]) {
        const int g = group[k];
        if (!kept[g]) continue;
        score[g] += w[k];
        top[g] = std::max(top[g], w[k]);
      }
      for (uint32_t k : dc[i]) {
        const int g = group[k];
        if (top[g] > 0) {
          score[g] = top[g] + o.support * (score[g] - top[g]);
          top[g] = 0.0;
        }
      }
      for (uint32_t k : dc[i]) {
        const int g = group[k];
        if (!kept[g]) continue;
        if (best < 0 || score[g] > score[best] || (score[g] == score[best] && g < best)) best = g;
      }
      for (uint32_t k : dc[i]) score[group[k]] = 0.0;
      assign[i] = best;
    }
  };
  assign_all();
  std::vector<size_t> count(V, 0);
  for (size_t i : U)
    if (assign[i] >= 0) ++count[assign[i]];
  for (size_t g = 0; g < V; ++g)
    if (alive[g] && count[g] < min_theme) kept[g] = 0;
  for (size_t g = 0; g < V; ++g)
    if (!alive[g]) kept[g] = 0;
  assign_all();
  std::fill(count.begin(), count.end(), 0);
  for (size_t i : U)
    if (assign[i] >= 0) ++count[assign[i]];
  std::vector<int> roots;
  for (size_t g = 0; g < V; ++g)
    if (kept[g] && count[g] >= min_theme) roots.push_back(static_cast<int>(g));
  std::stable_sort(roots.begin(), roots.end(), [&](int a, int b) {
    if (count[a] != count[b]) return count[a] > count[b];
    return phrase_text[cand[a]] < phrase_text[cand[b]];
  });
  if (roots.size() > o.max_themes) roots.resize(o.max_themes);

  // ---- describe each theme ---------------------------------------------------
  std::set<std::string> names, slugs;
  std::vector<std::vector<size_t>> members_of(roots.size());
  std::map<int, size_t> theme_of_root;
  for (size_t t = 0; t < roots.size(); ++t) theme_of_root[roots[t]] = t;
  for (size_t i : U)
    if (assign[i] >= 0) {
      auto it = theme_of_root.find(assign[i]);
      if (it != theme_of_root.end()) members_of[it->second].push_back(i);
    }
  for (size_t t = 0; t < roots.size(); ++t) {
    const int root = roots[t];
    const std::vector<size_t>& mem = members_of[t];
    if (mem.empty()) continue;
    DiscoveredTheme th;
    std::vector<char> is_member(N, 0);
    for (size_t i : mem) is_member[i] = 1;
    // Phrases of the group with their counts inside the theme.
    struct Ph {
      uint32_t k;
      uint64_t in = 0;
      double f1 = 0;
    };
    std::vector<Ph> ph;
    std::map<uint32_t, size_t> ph_index;
    for (size_t k = 0; k < V; ++k)
      if (group[k] == root) {
        ph_index[static_cast<uint32_t>(k)] = ph.size();
        ph.push_back({static_cast<uint32_t>(k)});
      }
    for (size_t i : mem)
      for (uint32_t k : dc[i]) {
        auto it = ph_index.find(k);
        if (it != ph_index.end()) ++ph[it->second].in;
      }
    for (Ph& p : ph) {
      const double prec = Ratio(p.in, df_u[cand[p.k]]), rec = Ratio(p.in, mem.size());
      p.f1 = prec + rec > 0 ? 2 * prec * rec / (prec + rec) : 0;
    }
    // Most distinctive first; at equal F1 (to 0.01) the longer phrase.
    std::stable_sort(ph.begin(), ph.end(), [&](const Ph& a, const Ph& b) {
      const long fa = std::lround(a.f1 * 100), fb = std::lround(b.f1 * 100);
      if (fa != fb) return fa > fb;
      const size_t wa = Words(phrase_text[cand[a.k]]).size(), wb = Words(phrase_text[cand[b.k]]).size();
      if (wa != wb) return wa > wb;
      return phrase_text[cand[a.k]] < phrase_text[cand[b.k]];
    });
    // Name: the 1..3 best phrases, none inside another.
    std::vector<std::string> chosen;
    for (const Ph& p0 : ph) {
      if (chosen.size() >= 3) break;
      if (!chosen.empty() && p0.f1 < 0.5 * ph.front().f1) break;
      // A single word reads better as the longer phrase holding it, when
      // that phrase covers at least 30% of the word's members.
      const Ph* pick = &p0;
      for (const Ph& q : ph)
        if (Words(phrase_text[cand[q.k]]).size() > Words(phrase_text[cand[pick->k]]).size() &&
            Words(phrase_text[cand[pick->k]]).size() == 1 &&
            Inside(phrase_text[cand[p0.k]], phrase_text[cand[q.k]]) && q.in >= 0.3 * p0.in &&
            (pick == &p0 || q.in > pick->in))
          pick = &q;
      const Ph& p = *pick;
      const std::string& s = phrase_text[cand[p.k]];
      bool dup = false;
      for (const std::string& c : chosen) dup = dup || Inside(s, c) || Inside(c, s);
      if (!dup) chosen.push_back(s);
    }
    std::string name;
    for (const std::string& c : chosen) name += (name.empty() ? "" : ", ") + c;
    for (size_t extra = 0; names.count(name); ++extra) name += " (" + std::to_string(extra + 2) + ")";
    names.insert(name);
    std::string slug = Slug(chosen.empty() ? name : chosen.front());
    if (slug.empty()) slug = "theme";
    std::string base_slug = slug;
    for (size_t extra = 2; slugs.count(slug); ++extra) slug = base_slug + "-" + std::to_string(extra);
    slugs.insert(slug);
    th.name = name;
    th.slug = slug;
    th.id = "discovered/" + slug;
    th.sample_count = mem.size();
    th.estimated = static_cast<uint64_t>(std::llround(mem.size() * out.scale));
    th.share = Round(Ratio(mem.size(), N), 1e6);
    for (size_t k = 0; k < ph.size() && k < o.phrases_per_theme; ++k) {
      const uint32_t p = cand[ph[k].k];
      th.phrases.push_back({phrase_text[p], df_u[p], ph[k].in, df_c[p]});
    }
    for (size_t i : mem) th.members.push_back(docs[i].id);
    std::sort(th.members.begin(), th.members.end());

    // Rule: phrases added greedily while F1 against membership grows.
    {
      std::vector<char> matched(N, 0);
      uint64_t tp = 0, fp = 0;
      double best_f1 = 0;
      std::vector<uint32_t> rule;
      for (size_t round = 0; round < 8; ++round) {
        int pick = -1;
        double pick_f1 = best_f1;
        uint64_t pick_tp = 0, pick_fp = 0;
        for (size_t c = 0; c < ph.size() && c < 24; ++c) {
          const uint32_t k = ph[c].k;
          if (std::find(rule.begin(), rule.end(), k) != rule.end()) continue;
          uint64_t ntp = tp, nfp = fp;
          for (size_t i : holders[k])
            if (!matched[i]) (is_member[i] ? ntp : nfp) += 1;
          const double prec = Ratio(ntp, ntp + nfp), rec = Ratio(ntp, mem.size());
          const double f1 = prec + rec > 0 ? 2 * prec * rec / (prec + rec) : 0;
          if (f1 > pick_f1 + 1e-9) {
            pick = static_cast<int>(k);
            pick_f1 = f1;
            pick_tp = ntp;
            pick_fp = nfp;
          }
        }
        if (pick < 0) break;
        rule.push_back(static_cast<uint32_t>(pick));
        tp = pick_tp;
        fp = pick_fp;
        best_f1 = pick_f1;
        for (size_t i : holders[pick]) matched[i] = 1;
      }
      std::vector<std::string> pats;
      for (uint32_t k : rule) {
        th.rule_phrases.push_back(phrase_text[cand[k]]);
        pats.push_back(PhrasePattern(phrase_text[cand[k]]));
      }
      std::sort(pats.begin(), pats.end());
      for (const std::string& p : pats) th.rule += (th.rule.empty() ? "(?:" : "|") + p;
      if (!th.rule.empty()) th.rule += ")";
      th.rule_precision = Round(Ratio(tp, tp + fp));
      th.rule_recall = Round(Ratio(tp, mem.size()));
    }

    // Representative verbatims: members holding the most weight of the
    // theme's phrases; distinct snippets.
    {
      std::vector<std::pair<double, size_t>> central;
      for (size_t i : mem) {
        double s = 0;
        for (uint32_t k : dc[i])
          if (group[k] == root) s += w[k];
        central.push_back({-s, i});
      }
      std::stable_sort(central.begin(), central.end());
      std::set<std::string> seen;
      for (const auto& [s, i] : central) {
        if (th.examples.size() >= o.examples) break;
        if (!seen.insert(docs[i].snippet).second) continue;
        th.examples.push_back(DocQuote(docs[i], d.options.snippet_bytes));
      }
    }
    out.themes.push_back(std::move(th));
  }

  // ---- series and status by the findings tests --------------------------------
  if (!out.themes.empty()) {
    AggregateOptions ao;
    ao.period = d.options.period;
    ao.discovery_sample = 0;
    ao.phrase_stats = false;
    ao.track_customers = false;
    ao.evidence_per_theme = 0;
    ao.unclassified_evidence = 0;
    Aggregate tmp(ao);
    internal::AggregateData& td = ImplOf(tmp);
    std::unordered_map<std::string, size_t> theme_of_id;
    for (size_t t = 0; t < out.themes.size(); ++t)
      for (size_t i : members_of[t]) theme_of_id[docs[i].id] = t;
    for (size_t i = 0; i < N; ++i) {
      const internal::Counts c = DocCounts(docs[i]);
      const int bucket = internal::ScoreBucket(docs[i].id);
      const internal::BucketStats bs = internal::ToBucket(c);
      ++td.records;
      td.totals[docs[i].period][docs[i].channel].Add(c);
      td.total_buckets[docs[i].period][bucket].Add(bs);
      auto it = theme_of_id.find(docs[i].id);
      if (it != theme_of_id.end() && !docs[i].covered) {
        internal::ThemeData& theme = td.themes[out.themes[it->second].id];
        theme.cells[docs[i].period][docs[i].channel].Add(c);
        theme.buckets[docs[i].period][bucket].Add(bs);
      }
    }
    FindingsOptions fo = fopt;
    fo.relative_weights = false;  // the regression needs the known themes, which the sample lacks
    Findings f = DetectFindings(tmp, fo);
    std::map<std::string, const Finding*> by_id;
    for (const Finding& x : f.findings) by_id[x.theme] = &x;
    for (DiscoveredTheme& th : out.themes) {
      auto it = by_id.find(th.id);
      if (it != by_id.end()) th.finding = *it->second;
      th.finding.theme = th.id;
      th.finding.label_path = {"discovered", th.slug};
      th.finding.evidence = th.examples;
      // The impact on the score is computed on the sample, like the rest.
      // The impact comes from the drivers (a theme without dated records
      // makes no finding). Relative weights need the regression over all
      // records with the known themes: a discovered theme has none (0), and
      // its text says so.
      Impact& im = th.finding.impact;
      for (const Driver& dr : f.drivers)
        if (dr.theme == th.id) im = dr.impact;
      if (im.valid)
        im.why += "; estimated on the discovery sample (" + std::to_string(N) + " of " +
                  std::to_string(d.records) + " records; no relative weight)";
    }
  }
  return out;
}

using Json = nlohmann::ordered_json;

static nlohmann::ordered_json DiscoveryQuoteJson(const Quote& q) {
  return Json{{"id", q.id},
              {"period", q.period},
              {"channel", q.channel},
              {"sentiment", PolarityName(q.polarity)},
              {"text", q.snippet}};
}

std::string DiscoveryToJson(const Discovery& d) {
  Json themes = Json::array();
  for (const DiscoveredTheme& t : d.themes) {
    Json phrases = Json::array();
    for (const DiscoveredPhrase& p : t.phrases)
      phrases.push_back(
          {{"phrase", p.phrase}, {"docs", p.docs}, {"in_theme", p.in_theme}, {"covered", p.covered}});
    Json examples = Json::array();
    for (const Quote& q : t.examples) examples.push_back(DiscoveryQuoteJson(q));
    Json series = Json::array();
    for (const PeriodPoint& p : t.finding.series)
      series.push_back({{"period", p.period}, {"count", p.count}, {"total", p.total}});
    themes.push_back({{"id", t.id},
                      {"name", t.name},
                      {"sample_count", t.sample_count},
                      {"estimated", t.estimated},
                      {"share", t.share},
                      {"status", FindingStatusName(t.finding.status)},
                      {"status_reason", t.finding.status_reason},
                      {"share_negative", t.finding.share_negative},
                      {"with_signal", t.finding.with_signal},
                      {"series", series},
                      {"rule",
                       {{"include", t.rule},
                        {"phrases", t.rule_phrases},
                        {"precision", t.rule_precision},
                        {"recall", t.rule_recall}}},
                      {"phrases", phrases},
                      {"examples", examples},
                      {"members", t.members}});
    if (t.finding.impact.n) themes.back()["impact"] = internal::ImpactJson(t.finding.impact);
  }
  Json j{{"records", d.records},       {"sampled", d.sampled},       {"uncovered", d.uncovered},
         {"scale", d.scale},           {"min_docs", d.min_docs},     {"min_theme_docs", d.min_theme_docs},
         {"ubiquitous", d.ubiquitous}, {"background", d.background}, {"themes", themes},
         {"warnings", d.warnings}};
  return j.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

Result<std::string> DiscoveryDraft(const Discovery& dis, const std::string& base_text) {
  Json base;
  if (base_text.find_first_not_of(" \t\r\n") == std::string::npos) {
    base = Json{{"themes", Json::array()}};
  } else {
    base = Json::parse(base_text, nullptr, /*allow_exceptions=*/false);
    if (base.is_discarded()) return InvalidArgumentError("base taxonomy: not valid JSON");
    if (!base.is_object()) return InvalidArgumentError("base taxonomy: not a JSON object");
    if (!base.contains("themes") || !base["themes"].is_array())
      return InvalidArgumentError("base taxonomy: no \"themes\" array");
  }
  Json& themes = base["themes"];
  std::set<std::string> ids;
  for (const Json& t : themes)
    if (t.is_object() && t.contains("id") && t["id"].is_string()) ids.insert(t["id"].get<std::string>());
  if (!dis.themes.empty() && !ids.count("discovered"))
    themes.push_back({{"id", "discovered"},
                      {"label", "Discovered themes"},
                      {"description",
                       "Themes found by voc discover in verbatims no known theme covered. "
                       "Review, rename, route (department) or delete each one."},
                      {"department", "unassigned"},
                      {"role", "service"}});
  for (const DiscoveredTheme& t : dis.themes) {
    if (ids.count(t.id) || t.rule.empty()) continue;
    char size[160];
    std::snprintf(
        size, sizeof size, "about %llu records (%.1f%% of the sample); rule precision %.2f, recall %.2f",
        static_cast<unsigned long long>(t.estimated), 100.0 * t.share, t.rule_precision, t.rule_recall);
    std::string comment =
        std::string(size) + ". Route it: set department and role (service until then). Examples: ";
    for (size_t i = 0; i < t.examples.size() && i < 2; ++i)
      comment += (i ? " | " : "") + std::string("\"") + t.examples[i].snippet + "\"";
    themes.push_back({{"id", t.id},
                      {"label", t.name},
                      {"department", "unassigned"},
                      {"role", "service"},
                      {"comment", comment},
                      {"rules", Json::array({{{"id", "phrases"}, {"include", Json::array({t.rule})}}})}});
  }
  return base.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

}  // namespace voc
