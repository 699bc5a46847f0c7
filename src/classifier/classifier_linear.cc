// Private: the linear backend of voc::TextClassifier. TF-IDF word 1-2 grams
// and character 2-5 grams (classifier_features.h), one-vs-rest linear models
// trained with LIBLINEAR (L2-regularized L2-loss SVM or logistic regression,
// dual solvers), probabilities from a temperature fitted on validation rows.
#include <linear.h>
#include <zlib.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <memory>
#include <mutex>
#include <numeric>
#include <vector>

#include "util/bulk_allocator.h"
#include "util/flat_string_map.h"
#include "classifier/classifier_backend.h"
#include "classifier/classifier_features.h"
#include "voc/parallel.h"

namespace voc::internal {
namespace {

// In place of the uncompressed size: the payload that follows is stored as
// it is, not deflated.
constexpr uint64_t kStoredPayload = ~uint64_t{0};

// Version 2 adds the char_ngrams flag; version 1 models always used them.
constexpr uint32_t kLinearPayloadVersion = 2;
constexpr uint64_t kMaxFeatures = 50'000'000;
constexpr uint32_t kMaxLabels = 100'000;

void Silent(const char*) {}

// LIBLINEAR's dual solvers draw from rand(); training holds this lock and
// seeds rand() so that a seed gives the same model.
std::mutex& TrainMutex() {
  static std::mutex m;
  return m;
}

// One row of a problem of SolveL2SvcDual: its features' indices (their
// weight slots, ColumnSlots) and values, in LIBLINEAR's order, `n` of them
// (at least one: the bias, last, of value 1 and the last slot of the
// weights), then the `m` entries its update adds (those of the first
// feature of each slot but the bias's: features sharing a slot are one
// weight); and x . x added up in LIBLINEAR's order (the same for every
// label's problem: summed once).
struct SolverRow {
  const int* index;
  const double* value;
  int n, m;
  double norm;
};

// Runs f(-r), f(-r + 1) ... f(-1) (0 <= r <= kRun): a jump into a run of
// kRun calls, where a loop would add its count, test and branch to each.
constexpr int kRun = 16;
template <class F>
[[gnu::always_inline]] inline void LastOfRun(int r, F f) {
  static_assert(kRun == 16, "one case per call of a run");
  switch (r) {
    case 16:
      f(-16);
      [[fallthrough]];
    case 15:
      f(-15);
      [[fallthrough]];
    case 14:
      f(-14);
      [[fallthrough]];
    case 13:
      f(-13);
      [[fallthrough]];
    case 12:
      f(-12);
      [[fallthrough]];
    case 11:
      f(-11);
      [[fallthrough]];
    case 10:
      f(-10);
      [[fallthrough]];
    case 9:
      f(-9);
      [[fallthrough]];
    case 8:
      f(-8);
      [[fallthrough]];
    case 7:
      f(-7);
      [[fallthrough]];
    case 6:
      f(-6);
      [[fallthrough]];
    case 5:
      f(-5);
      [[fallthrough]];
    case 4:
      f(-4);
      [[fallthrough]];
    case 3:
      f(-3);
      [[fallthrough]];
    case 2:
      f(-2);
      [[fallthrough]];
    case 1:
      f(-1);
      [[fallthrough]];
    default:
      break;
  }
}

// Runs f(end, j) for each feature end + j (j < 0) of a row of n, in the
// row's order: whole runs of kRun first (`end` kRun past a run's start),
// then the rest in one jump (`end` = n).
template <class F>
[[gnu::always_inline]] inline void ForEachFeature(int n, F f) {
  int k = 0;
  for (; n - k > kRun; k += kRun) LastOfRun(kRun, [&](int j) { f(k + kRun, j); });
  LastOfRun(n - k, [&](int j) { f(n, j); });
}

// x . w over a row, added up in the row's order (LIBLINEAR's sum, to the
// bit).
[[gnu::always_inline]] inline double RowDot(const int* ix, const double* v, int n, const double* w) {
  double g = 0;
  ForEachFeature(n, [&](int end, int j) {
    const int* e = ix + end;
    const double* u = v + end;
    g += w[e[j]] * u[j];
  });
  return g;
}

// w += d x over a row's update entries (any order is the same: a slot is
// listed once, or twice for a feature listed twice, whose two additions
// keep their order).
[[gnu::always_inline]] inline void RowAdd(const int* ix, const double* v, int n, double d, double* w) {
  ForEachFeature(n, [&](int end, int j) {
    const int* e = ix + end;
    const double* u = v + end;
    w[e[j]] += d * u[j];
  });
}

// LIBLINEAR's dual coordinate descent with shrinking for the L2-regularized
// L2-loss SVM (solve_l2r_l1l2_svc of LIBLINEAR 2.30, after Hsieh et al.,
// ICML 2008), on one binary problem: rows `x`, labels `y` (+1 / -1), loss
// weights `cp` and `cn` of the positive and negative rows. Each pass visits
// the active rows in an order drawn from `draw(n)`, a number in [0, n). `w`
// (w_size weights) is set. The arithmetic is LIBLINEAR's, step for step:
// with its draws (rand() % n after the same srand) it gives LIBLINEAR's
// weights. Each row's features, label, diagonal and dual variable are kept
// together, where one pass reads them all. The bias's weight, in every row
// with value 1, is held apart from w until the end: LIBLINEAR's w[bias] * 1
// is w[bias] and its d * 1 is d, the same doubles added in the same order.
// `w` holds one weight per slot (ColumnSlots): features of equal columns
// have equal weights at every step, so x . w reads the slot once per
// feature, in LIBLINEAR's order, and w += d x adds to each slot once (the
// entries of its first feature in the row).
// A translation of LIBLINEAR's code: Copyright (c) 2007-2019 The LIBLINEAR
// Project, BSD-3-clause (third_party/liblinear/NOTICE.md).
template <class Draw>
void SolveL2SvcDual(const std::vector<SolverRow>& x, const std::vector<signed char>& y, double cp, double cn,
                    double eps, Draw&& draw, double* w, int w_size) {
  const int l = static_cast<int>(x.size());
  constexpr int kMaxIter = 1000;
  constexpr double kInf = HUGE_VAL;
  const double diag[3] = {0.5 / cn, 0, 0.5 / cp};
  // A row in one 64-byte line: a pass reaches it by a shift of its index.
  struct alignas(64) Row {
    const int* index;
    const double* value;
    int n;        // features before the bias
    int m;        // the entries its update adds, after the bias
    double y;     // +1 / -1
    double diag;  // diag[y + 1]
    double qd;    // x . x + diag
    double alpha;
  };
  std::vector<Row> rows(static_cast<size_t>(l));
  std::vector<int> index(static_cast<size_t>(l));
  std::fill(w, w + w_size, 0.0);
  double bias_w = 0;  // w[w_size - 1]
  for (int i = 0; i < l; ++i) {
    const double di = diag[y[i] + 1];
    rows[i] = {x[i].index, x[i].value,     x[i].n - 1, x[i].m, static_cast<double>(y[i]),
               di,         di + x[i].norm, 0.0};
    index[i] = i;  // alpha starts at 0: w stays 0
  }
  double pg_max_old = kInf;  // no upper bound: LIBLINEAR's PGmin_old is never read
  int active = l;
  for (int iter = 0; iter < kMaxIter;) {
    double pg_max_new = -kInf, pg_min_new = kInf;
    for (int i = 0; i < active; ++i) std::swap(index[i], index[i + draw(active - i)]);
    for (int s = 0; s < active; ++s) {
      Row& r = rows[static_cast<size_t>(index[s])];
      double g = RowDot(r.index, r.value, r.n, w);
      g += bias_w;
      g = r.y * g - 1;
      g += r.alpha * r.diag;
      double pg = 0;
      if (r.alpha == 0) {
        if (g > pg_max_old) {  // shrink: likely to stay at the bound
          --active;
          std::swap(index[s], index[active]);
          --s;
          continue;
        }
        if (g < 0) pg = g;
      } else {
        pg = g;  // no upper bound for the L2 loss
      }
      pg_max_new = std::max(pg_max_new, pg);
      pg_min_new = std::min(pg_min_new, pg);
      if (std::fabs(pg) > 1.0e-12) {
        const double old = r.alpha;
        // LIBLINEAR's min(max(old - g / qd, 0), inf): the min leaves any
        // double as it is.
        r.alpha = std::max(old - g / r.qd, 0.0);
        const double d = (r.alpha - old) * r.y;
        RowAdd(r.index + r.n + 1, r.value + r.n + 1, r.m, d, w);
        bias_w += d;
      }
    }
    ++iter;
    if (pg_max_new - pg_min_new <= eps) {
      if (active == l) break;
      active = l;  // converged on the active rows: check them all
      pg_max_old = kInf;
      continue;
    }
    pg_max_old = pg_max_new <= 0 ? kInf : pg_max_new;
  }
  w[w_size - 1] = bias_w;
}

// The weight slots of features 0 .. nf - 1 of rows laid out flat (row i's
// features at [begin[i], begin[i + 1]) of `index` and `value`, in order;
// `index` nf is the bias, left out): features whose columns are equal (the
// same rows, the same value in each, to the bit) share a slot, the others
// have one each. In the dual solver such features' weights are equal at
// every step (they start at 0 and each update adds the same d * x to
// both), so one weight stands for them all: an update adds to it once,
// where it added to each (two in five features of short texts' rows share
// their slot: a rare word and its word pairs, met in one row). Sets
// (*slot_of)[j] for each feature and returns the number of slots, numbered
// in the order of their first feature.
size_t ColumnSlots(const std::vector<int>& index, const std::vector<double>& value,
                   const std::vector<size_t>& begin, size_t nf, std::vector<uint32_t>* slot_of) {
  const size_t rows = begin.size() - 1;
  // The columns, each in row order: col_begin[j] .. col_begin[j + 1].
  std::vector<size_t> col_begin(nf + 1, 0);
  for (int j : index)
    if (static_cast<size_t>(j) < nf) ++col_begin[static_cast<size_t>(j) + 1];
  for (size_t j = 0; j < nf; ++j) col_begin[j + 1] += col_begin[j];
  std::vector<std::pair<uint32_t, uint64_t>> col(col_begin[nf]);  // (row, the value's bits)
  std::vector<size_t> fill(col_begin.begin(), col_begin.end() - 1);
  std::vector<uint64_t> hash(nf, 0x9E3779B97F4A7C15ULL);
  for (size_t i = 0; i < rows; ++i)
    for (size_t k = begin[i]; k < begin[i + 1]; ++k) {
      const auto j = static_cast<size_t>(index[k]);
      if (j >= nf) continue;
      uint64_t bits;
      std::memcpy(&bits, &value[k], sizeof bits);
      col[fill[j]++] = {static_cast<uint32_t>(i), bits};
      uint64_t h = (hash[j] ^ i) * 0xff51afd7ed558ccdULL;
      h = (h ^ bits ^ (h >> 29)) * 0xc4ceb9fe1a85ec53ULL;
      hash[j] = h ^ (h >> 32);
    }
  auto same = [&](size_t a, size_t b) {
    return col_begin[a + 1] - col_begin[a] == col_begin[b + 1] - col_begin[b] &&
           std::equal(col.begin() + static_cast<std::ptrdiff_t>(col_begin[a]),
                      col.begin() + static_cast<std::ptrdiff_t>(col_begin[a + 1]),
                      col.begin() + static_cast<std::ptrdiff_t>(col_begin[b]));
  };
  // Each column's first feature in a table by hash (open addressing); a
  // feature joins the slot of the first earlier one of its column (equal
  // hashes of unequal columns are compared, not trusted).
  size_t cap = 16;
  while (cap < 2 * nf) cap *= 2;
  std::vector<uint32_t> table(cap, UINT32_MAX);
  slot_of->assign(nf, 0);
  size_t slots = 0;
  for (size_t j = 0; j < nf; ++j) {
    size_t t = static_cast<size_t>(hash[j]) & (cap - 1);
    for (;; t = (t + 1) & (cap - 1)) {
      const uint32_t r = table[t];
      if (r == UINT32_MAX) {
        table[t] = static_cast<uint32_t>(j);
        (*slot_of)[j] = static_cast<uint32_t>(slots++);
        break;
      }
      if (hash[r] == hash[j] && same(r, j)) {
        (*slot_of)[j] = (*slot_of)[r];
        break;
      }
    }
  }
  return slots;
}

}  // namespace

std::vector<char> KeptNegatives(const std::vector<uint32_t>& yes, size_t rows, double ratio, size_t floor,
                                int seed, int label) {
  if (!(ratio > 0)) return {};
  const size_t negatives = rows - yes.size();
  // At least one negative: a problem without any has no balanced weight.
  const double want = std::max({static_cast<double>(floor), ratio * static_cast<double>(yes.size()), 1.0});
  if (want >= static_cast<double>(negatives)) return {};
  const auto cap = static_cast<size_t>(want);
  const uint64_t key =
      (static_cast<uint64_t>(static_cast<uint32_t>(seed)) << 32) ^ static_cast<uint32_t>(label);
  std::vector<std::pair<uint64_t, uint32_t>> drawn;
  drawn.reserve(negatives);
  size_t next = 0;
  for (size_t i = 0; i < rows; ++i) {
    if (next < yes.size() && yes[next] == i) {
      ++next;
      continue;
    }
    uint64_t h = (key + 0x9E3779B97F4A7C15ULL) ^ (static_cast<uint64_t>(i) * 0xC2B2AE3D27D4EB4FULL);
    h ^= h >> 31;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    drawn.emplace_back(h, static_cast<uint32_t>(i));
  }
  std::nth_element(drawn.begin(), drawn.begin() + static_cast<std::ptrdiff_t>(cap), drawn.end());
  std::vector<char> kept(rows, 0);
  for (size_t k = 0; k < cap; ++k) kept[drawn[k].second] = 1;
  return kept;
}

namespace {

// The draws of one problem of SolveL2SvcDual: SplitMix64 seeded by the
// training seed and the label, a number in [0, n) taken from the high bits
// by a multiplication (bias below 2^-32 for these n).
class ProblemDraws {
 public:
  ProblemDraws(int seed, int label)
      : state_((static_cast<uint64_t>(static_cast<uint32_t>(seed)) << 32) ^ static_cast<uint32_t>(label)) {}
  int operator()(int n) {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    return static_cast<int>(((z >> 32) * static_cast<uint64_t>(n)) >> 32);
  }

 private:
  uint64_t state_;
};

void PutVarint(ByteWriter* w, uint64_t v) {
  while (v >= 0x80) {
    w->U8(static_cast<uint8_t>(v | 0x80));
    v >>= 7;
  }
  w->U8(static_cast<uint8_t>(v));
}

// 1 + ln(c) for small counts c (1 for c = 1; c = 0 is never asked), as
// LinearModel::SublinearTf would compute them.
struct SublinearTfTable {
  double tf[64];
  SublinearTfTable() {
    tf[0] = 0.0;
    tf[1] = 1.0;
    for (uint64_t c = 2; c < std::size(tf); ++c) {
      volatile double x = static_cast<double>(c);  // by the library's log, not folded at compile time
      tf[c] = 1.0 + std::log(x);
    }
  }
};
const SublinearTfTable kSublinearTf;

class LinearModel : public Backend {
 public:
  const char* name() const override { return "linear"; }

  // The decision values of every label for `text`. The default path uses the
  // packed tables (Pack()); `reference` takes the straightforward one through
  // FeatureIndex and Vectorize, which the tests hold the packed one to.
  void Decisions(std::string_view text, std::vector<double>* dec, bool reference = false) const {
    thread_local std::vector<RawFeature> raw;
    ExtractFeatures(text, &raw, char_ngrams_);
    dec->assign(bias_.begin(), bias_.end());
    const size_t L = bias_.size();
    if (reference) {
      // Only a quantized model keeps a FeatureIndex (it is not needed to
      // predict): for the others it is built from the keys, in their order.
      FeatureIndex built;
      const FeatureIndex* index = &index_;
      if (index_.size() != keys_.size()) {
        built.Reserve(keys_.size());
        for (uint64_t k : keys_) built.Insert(k);
        index = &built;
      }
      std::vector<float> idf(keys_.size());
      for (size_t k = 0; k < idf.size(); ++k) idf[k] = Idf(k);
      SparseVector vec;
      Vectorize(raw, *index, idf, &vec);
      for (const auto& [id, val] : vec.entries)
        for (size_t l = 0; l < L; ++l) (*dec)[l] += val * W(static_cast<size_t>(id), l);
      return;
    }
    PackedDecisions(raw, dec);
  }

  // Decision values of the features `raw` through the packed tables.
  void PackedDecisions(const std::vector<RawFeature>& raw, std::vector<double>* dec) const {
    thread_local std::vector<std::pair<uint32_t, float>> vals[2];
    float scale[2];
    PackedValues(raw, vals, scale);
    DecisionsOfValues(vals, dec, scale);
  }

  // The features of each part are those of `text` inside it, those of its
  // suffix, and the bigram joining the two, so `text` is scanned once; a
  // suffix that starts with white space repeats its own features and adds
  // the bigram joining its last word to its first, so it is scanned once
  // too. A part whose boundary cuts a word, or whose suffix does not start
  // with white space, or a model with character n-grams, takes the plain
  // path. The rows of `text` are sorted once for the parts that cover it
  // whole and for parts that do not overlap (the sentences of a text):
  // RowsByRun and RowsByTag.
  void PartsProbabilities(std::string_view text, const std::vector<TextPart>& parts,
                          std::vector<double>* text_probs,
                          std::vector<std::vector<double>>* part_probs) const override {
    if (char_ngrams_) {
      Backend::PartsProbabilities(text, parts, text_probs, part_probs);
      return;
    }
    if (text_probs == nullptr && parts.size() == 1) {
      part_probs->resize(1);
      if (WholePartProbabilities(text, parts[0], &(*part_probs)[0])) return;
    }
    // Per-thread working vectors (the path of every sentiment prediction).
    thread_local std::vector<RawFeature> doc;
    thread_local std::vector<int64_t> doc_rows;
    thread_local std::vector<uint32_t> rows[2];
    thread_local std::vector<std::pair<uint32_t, float>> vals[2];
    ExtractFeatures(text, &doc, false);  // words only: every feature is of family 0
    // The row of every feature of the text, looked up once for the text and
    // all parts.
    doc_rows.assign(doc.size(), -1);
    size_t known = 0;  // features with a row
    if (!packed_.empty()) {
      const std::vector<size_t>& bucket = PrefetchedBuckets(doc);
      // The weight rows of the features found, fetched once for all parts.
      const size_t stride = bias_.size() + 1;
      for (size_t j = 0; j < doc.size(); ++j) {
        doc_rows[j] = FindPackedFrom(bucket[j], doc[j].hash);
        if (doc_rows[j] < 0) continue;
        __builtin_prefetch(&rows_[static_cast<size_t>(doc_rows[j]) * stride]);
        ++known;
      }
    }
    rows[0].clear();
    rows[1].clear();
    auto add_row = [&](const RawFeature& f, int64_t r) {
      if (r >= 0) rows[static_cast<int>(f.family)].push_back(static_cast<uint32_t>(r));
    };
    if (text_probs != nullptr) {
      for (size_t j = 0; j < doc.size(); ++j) add_row(doc[j], doc_rows[j]);
      float scale[2];
      ValuesOfRows(rows, vals, scale);
      DecisionsOfValues(vals, text_probs, scale);
      ToProbabilities(multi_label_, temperature_, text_probs);
    }
    part_probs->resize(parts.size());
    // Each part's run of `doc`. The features of `doc` come in text order,
    // their begins and their ends both non-decreasing (a word, the bigram of
    // it and the next word, the next word ...): those inside a part are one
    // run, found by a binary search, and only the few next to its edges may
    // be words cut by its boundaries.
    thread_local std::vector<Run> runs;
    runs.assign(parts.size(), Run{});
    size_t owners = 0, owned_end = 0;
    bool any_whole = false;
    for (size_t i = 0; i < parts.size(); ++i) {
      const TextPart& p = parts[i];
      Run& run = runs[i];
      run.cut = p.begin > p.end || p.end > text.size() ||
                (!p.suffix.empty() && !(p.suffix[0] == ' ' || p.suffix[0] == '\t' || p.suffix[0] == '\n'));
      if (run.cut) continue;
      run.lo =
          static_cast<size_t>(std::lower_bound(doc.begin(), doc.end(), p.begin,
                                               [](const RawFeature& f, uint32_t b) { return f.begin < b; }) -
                              doc.begin());
      for (size_t j = run.lo; j-- > 0 && doc[j].end > p.begin;)
        if (!doc[j].pair) run.cut = true;  // a word holding the part's first byte
      run.hi = static_cast<size_t>(
          std::partition_point(doc.begin() + static_cast<std::ptrdiff_t>(run.lo), doc.end(),
                               [&p](const RawFeature& f) { return f.end <= p.end; }) -
          doc.begin());
      for (size_t j = run.hi; j-- > run.lo;)
        if (!doc[j].pair) {
          run.last = static_cast<int64_t>(j);
          break;
        }
      for (size_t j = run.hi; j < doc.size() && doc[j].begin < p.end; ++j)
        if (!doc[j].pair) run.cut = true;  // a word holding the part's last byte
      if (run.cut) continue;
      if (run.lo == 0 && run.hi == doc.size()) {
        run.whole = true;
        any_whole = true;
      } else if (run.lo < run.hi && run.lo >= owned_end) {  // after the runs owned so far
        run.owner = static_cast<uint32_t>(++owners);
        owned_end = run.hi;
      }
    }
    thread_local std::vector<uint32_t> all_rows, owned_rows;
    thread_local std::vector<size_t> owned_begin;
    if (owners > 0 && known <= kFewRows) {
      RowsByRun(doc_rows, runs, owners, any_whole, &owned_rows, &owned_begin, &all_rows);
    } else if (any_whole || owners > 0) {
      if (!RowsByTag(doc_rows, runs, owners, any_whole, &owned_rows, &owned_begin, &all_rows)) {
        // No room for the tags: every part not whole sorts its own.
        for (Run& run : runs) run.owner = 0;
        RowsByTag(doc_rows, runs, 0, any_whole, &owned_rows, &owned_begin, &all_rows);
      }
    }
    for (size_t i = 0; i < parts.size(); ++i) {
      const TextPart& p = parts[i];
      const Run& run = runs[i];
      std::vector<double>* out = &(*part_probs)[i];
      if (run.cut) {
        Probabilities(PartText(text, p), out);
        continue;
      }
      // The part's rows of `text` (family 0: the text's features are words),
      // ascending, read where they are.
      const uint32_t* v = nullptr;
      size_t nv = 0;
      if (run.whole) {
        v = all_rows.data();
        nv = all_rows.size();
      } else if (run.owner > 0) {
        v = owned_rows.data() + owned_begin[run.owner];
        nv = owned_begin[run.owner + 1] - owned_begin[run.owner];
      } else {
        std::vector<uint32_t>& own = rows[0];
        own.clear();
        for (size_t j = run.lo; j < run.hi; ++j) add_row(doc[j], doc_rows[j]);
        SortIds(&own);
        v = own.data();
        nv = own.size();
      }
      PartOfRows(v, nv, run.last >= 0 ? &doc[static_cast<size_t>(run.last)] : nullptr, p, out);
    }
  }

  // A part's run of the features of the text (PartsProbabilities).
  struct Run {
    size_t lo = 0, hi = 0;
    int64_t last = -1;   // the part's last word, an index into doc
    uint32_t owner = 0;  // 1 + its number among the parts that own their rows; 0: none
    bool cut = false, whole = false;
  };

  // The known rows of a text up to which RowsByRun sorts the owned runs'
  // rows each on its own (the sorts of SortIds below its radix sort).
  static constexpr size_t kFewRows = 64;

  // The rows the parts of PartsProbabilities read, from the row of each
  // feature of the text (`doc_rows`, -1: unknown): owner k's ascending in
  // (*owned)[(*owned_begin)[k], (*owned_begin)[k + 1]), and with `whole`
  // all of them ascending in *all. Each owned run's rows sorted on its own
  // (the owned runs are disjoint and in text order), then merged with the
  // rows of no owned run (a bigram across a boundary): for a text of few
  // rows, sorts of a sentence's rows and merges cost less than RowsByTag.
  static void RowsByRun(const std::vector<int64_t>& doc_rows, const std::vector<Run>& runs, size_t owners,
                        bool whole, std::vector<uint32_t>* owned, std::vector<size_t>* owned_begin,
                        std::vector<uint32_t>* all) {
    thread_local std::vector<uint32_t> rest;
    owned->resize(doc_rows.size());
    owned_begin->assign(owners + 2, 0);
    rest.clear();
    size_t m = 0, j = 0;
    for (const Run& run : runs) {
      if (run.owner == 0) continue;
      for (; j < run.lo; ++j)
        if (doc_rows[j] >= 0) rest.push_back(static_cast<uint32_t>(doc_rows[j]));
      const size_t begin = m;
      for (; j < run.hi; ++j)
        if (doc_rows[j] >= 0) (*owned)[m++] = static_cast<uint32_t>(doc_rows[j]);
      (*owned_begin)[run.owner + 1] = m;
      SortIds(owned->data() + begin, m - begin);
    }
    if (!whole) return;
    for (; j < doc_rows.size(); ++j)
      if (doc_rows[j] >= 0) rest.push_back(static_cast<uint32_t>(doc_rows[j]));
    SortIds(&rest);
    all->assign(owned->begin(), owned->begin() + static_cast<std::ptrdiff_t>(m));
    all->insert(all->end(), rest.begin(), rest.end());
    thread_local std::vector<size_t> bounds;  // of the runs not empty
    bounds.assign(1, 0);
    for (size_t k = 2; k < owned_begin->size(); ++k)
      if ((*owned_begin)[k] > bounds.back()) bounds.push_back((*owned_begin)[k]);
    if (all->size() > bounds.back()) bounds.push_back(all->size());
    MergeSortedRuns(all, &bounds);
  }

  // RowsByRun for any text: each row tagged with its owner in its low bits,
  // all sorted once (a radix sort for many rows), then dealt to the owners
  // (each owner's stay ascending). False, with nothing done, when the rows
  // leave no room for the tags.
  bool RowsByTag(const std::vector<int64_t>& doc_rows, const std::vector<Run>& runs, size_t owners,
                 bool whole, std::vector<uint32_t>* owned, std::vector<size_t>* owned_begin,
                 std::vector<uint32_t>* all) const {
    uint32_t shift = 0;
    while ((size_t{1} << shift) <= owners) ++shift;
    if (owners > 0 && (shift >= 32 || (uint64_t{keys_.size()} << shift) > (uint64_t{1} << 32))) return false;
    thread_local std::vector<uint32_t> tagged;
    tagged.resize(doc_rows.size());
    size_t m = 0;
    size_t r = 0;  // the next owned run
    for (size_t j = 0; j < doc_rows.size(); ++j) {
      if (doc_rows[j] < 0) continue;
      while (r < runs.size() && (runs[r].owner == 0 || runs[r].hi <= j)) ++r;
      const uint32_t owner = owners > 0 && r < runs.size() && runs[r].lo <= j ? runs[r].owner : 0;
      tagged[m++] = static_cast<uint32_t>(doc_rows[j]) << shift | owner;
    }
    tagged.resize(m);
    SortIds(&tagged);
    if (owners == 0) {
      all->swap(tagged);
      return true;
    }
    owned_begin->assign(owners + 2, 0);
    const uint32_t mask = (uint32_t{1} << shift) - 1;
    for (uint32_t t : tagged) ++(*owned_begin)[(t & mask) + 1];
    for (size_t k = 1; k < owned_begin->size(); ++k) (*owned_begin)[k] += (*owned_begin)[k - 1];
    owned->resize(tagged.size());
    thread_local std::vector<size_t> fill;
    fill.assign(owned_begin->begin(), owned_begin->end() - 1);
    for (uint32_t t : tagged) (*owned)[fill[t & mask]++] = t >> shift;
    if (whole) {
      all->resize(tagged.size());
      for (size_t k = 0; k < tagged.size(); ++k) (*all)[k] = tagged[k] >> shift;
    }
    return true;
  }

  // Merges the ascending runs (*ids)[(*bounds)[k], (*bounds)[k + 1]) into
  // one, in place: neighbours merged pairwise, pass after pass. `bounds`
  // starts at 0 and ends at ids->size(); it is left as {0, size}.
  static void MergeSortedRuns(std::vector<uint32_t>* ids, std::vector<size_t>* bounds) {
    thread_local std::vector<uint32_t> other;
    thread_local std::vector<size_t> merged;
    while (bounds->size() > 2) {
      other.resize(ids->size());
      merged.assign(1, 0);
      const uint32_t* a = ids->data();
      const std::vector<size_t>& b = *bounds;
      for (size_t k = 0; k + 1 < b.size(); k += 2) {
        const size_t end = k + 2 < b.size() ? b[k + 2] : b[k + 1];
        std::merge(a + b[k], a + b[k + 1], a + b[k + 1], a + end, other.data() + b[k]);
        merged.push_back(end);
      }
      ids->swap(other);
      bounds->swap(merged);
    }
  }

  // The probabilities of a part whose rows of the text are v[0, nv)
  // (family 0, ascending) and whose last word is `last` (null: none),
  // followed by its suffix 1 + p.repeats times (not cut: PartsProbabilities).
  void PartOfRows(const uint32_t* v, size_t nv, const RawFeature* last, const TextPart& p,
                  std::vector<double>* out) const {
    thread_local std::vector<std::pair<uint32_t, uint64_t>> extra[2];
    thread_local std::vector<std::pair<uint32_t, float>> vals[2];
    // The rows the suffix adds, with their counts, ascending: its own
    // (sorted and counted once) 1 + repeats times over, the bigram joining
    // the part's last word to it, and the bigrams joining each copy to the
    // next; merged with the part's rows by ValuesOfFamily.
    const SuffixRows& sr = SuffixOf(p.suffix);
    const uint64_t times = uint64_t{p.repeats} + 1;
    for (int family = 0; family < 2; ++family) {
      auto& e = extra[family];
      e.resize(sr.counted[family].size());
      for (size_t k = 0; k < e.size(); ++k)
        e[k] = {sr.counted[family][k].first, sr.counted[family][k].second * times};
    }
    if (sr.has_word && !packed_.empty()) {
      if (last != nullptr) AddCount(FindPacked(BigramHash(last->hash, sr.first_word)), 1, &extra[0]);
      AddCount(sr.seam_row, p.repeats, &extra[0]);
    }
    float scale[2];
    ValuesOfFamily(v, nv, extra[0].data(), extra[0].size(), &vals[0], &scale[0]);
    if (extra[1].empty()) {  // a model without character n-grams: what ValuesOfFamily gives for none
      vals[1].clear();
      scale[1] = 1.0f;
    } else {
      ValuesOfFamily(nullptr, 0, extra[1].data(), extra[1].size(), &vals[1], &scale[1]);
    }
    DecisionsOfValues(vals, out, scale);
    ToProbabilities(multi_label_, temperature_, out);
  }

  // The bucket of each feature of `doc` in the packed table (not empty),
  // each prefetched: the probes that follow miss the cache, and issued
  // first they are served in parallel. Per thread, valid until the next call.
  __attribute__((always_inline)) const std::vector<size_t>& PrefetchedBuckets(
      const std::vector<RawFeature>& doc) const {
    thread_local std::vector<size_t> bucket;
    const size_t mask = packed_.size() - 1;
    bucket.resize(doc.size());
    for (size_t j = 0; j < doc.size(); ++j) {
      bucket[j] = PackedBucket(doc[j].hash) & mask;
      __builtin_prefetch(&packed_[bucket[j]]);
    }
    return bucket;
  }

  // PartsProbabilities of one part, the whole text followed by its suffix
  // (a one-sentence text's sentiment): the text's rows sorted as they are
  // found, no runs to place. False (nothing done) for any other case.
  bool WholePartProbabilities(std::string_view text, const TextPart& p, std::vector<double>* out) const {
    if (char_ngrams_ || packed_.empty() || p.begin != 0 || p.end != text.size() ||
        (!p.suffix.empty() && !(p.suffix[0] == ' ' || p.suffix[0] == '\t' || p.suffix[0] == '\n')))
      return false;
    thread_local std::vector<RawFeature> doc;
    thread_local std::vector<uint32_t> rows;
    ExtractFeatures(text, &doc, false);  // words only: every feature is of family 0
    const std::vector<size_t>& bucket = PrefetchedBuckets(doc);
    const size_t stride = bias_.size() + 1;
    rows.resize(doc.size());
    size_t m = 0;
    for (size_t j = 0; j < doc.size(); ++j) {
      const int64_t r = FindPackedFrom(bucket[j], doc[j].hash);
      if (r < 0) continue;
      __builtin_prefetch(&rows_[static_cast<size_t>(r) * stride]);
      rows[m++] = static_cast<uint32_t>(r);
    }
    rows.resize(m);
    SortIds(&rows);
    // The text's last feature is its last word (a bigram precedes the word
    // that ends it).
    PartOfRows(rows.data(), rows.size(), doc.empty() ? nullptr : &doc.back(), p, out);
    return true;
  }

  // What a suffix brings to any part it follows: the rows of its features
  // (family, row), its first word lower-cased (for the bigram joining the
  // part's last word to it), and the row of the bigram joining its last
  // word to its first (a copy to the next).
  struct SuffixRows {
    std::vector<std::pair<uint32_t, uint32_t>> counted[2];  // per family: (row, occurrences), by row
    bool has_word = false;
    std::string first_word;
    int64_t seam_row = -1;
  };

  // The SuffixRows of `suffix`, from a per-thread cache: a model reads the
  // same few hundred suffixes (the sentiment model's lexicon tokens) again
  // and again. The cache belongs to one model and one packing of it
  // (generation_), and is emptied when it holds kMaxSuffixes.
  const SuffixRows& SuffixOf(std::string_view suffix) const {
    constexpr size_t kMaxSuffixes = 4096;
    struct Cache {
      uint64_t generation = 0;
      FlatStringMap<uint32_t> index;
      std::vector<SuffixRows> entries;
    };
    // A few models' caches per thread, the oldest replaced.
    thread_local Cache caches[4];
    thread_local size_t next = 0;
    Cache* found = nullptr;
    for (Cache& c : caches)
      if (c.generation == generation_) found = &c;
    if (found == nullptr) {
      found = &caches[next];
      next = (next + 1) % std::size(caches);
      *found = Cache();
      found->generation = generation_;
    }
    Cache& cache = *found;
    if (cache.entries.size() >= kMaxSuffixes) {
      cache = Cache();
      cache.generation = generation_;
    }
    if (const auto* slot = cache.index.find(suffix)) return cache.entries[slot->second];
    SuffixRows sr;
    thread_local std::vector<RawFeature> raw;
    ExtractFeatures(suffix, &raw, false);
    const RawFeature* first = nullptr;  // the suffix's first word
    const RawFeature* final = nullptr;  // and its last
    std::vector<uint32_t> known[2];
    for (const RawFeature& f : raw) {
      const int64_t r = packed_.empty() ? -1 : FindPacked(f.hash);
      if (r >= 0) known[static_cast<int>(f.family)].push_back(static_cast<uint32_t>(r));
      if (!f.pair && first == nullptr) first = &f;
      if (!f.pair) final = &f;
    }
    for (int family = 0; family < 2; ++family) {
      std::sort(known[family].begin(), known[family].end());
      for (uint32_t r : known[family]) {
        auto& c = sr.counted[family];
        if (!c.empty() && c.back().first == r)
          ++c.back().second;
        else
          c.emplace_back(r, 1);
      }
    }
    if (first != nullptr && !packed_.empty()) {
      sr.has_word = true;
      sr.first_word = LowerAscii(suffix.substr(first->begin, first->end - first->begin));
      sr.seam_row = FindPacked(BigramHash(final->hash, sr.first_word));
    }
    cache.index.emplace(suffix, static_cast<uint32_t>(cache.entries.size()));
    cache.entries.push_back(std::move(sr));
    return cache.entries.back();
  }

  // The TF-IDF values of the known features of `raw`, per family, sorted by
  // row: the same arithmetic as Vectorize (sublinear TF times IDF,
  // L2-normalised per family) with one probe of a compact table and one row
  // of IDF and weights per feature instead of three scattered reads.
  // With `scale`, the values are left unnormalised and `scale` holds each
  // family's factor (ValuesOfSortedRows).
  void PackedValues(const std::vector<RawFeature>& raw, std::vector<std::pair<uint32_t, float>> vals[2],
                    float* scale = nullptr) const {
    thread_local std::vector<uint32_t> rows[2];
    rows[0].clear();
    rows[1].clear();
    if (!packed_.empty()) {
      // The table probes miss the cache; issuing them all first lets the
      // memory system serve them in parallel.
      const size_t mask = packed_.size() - 1;
      for (const RawFeature& f : raw) __builtin_prefetch(&packed_[PackedBucket(f.hash) & mask]);
      for (const RawFeature& f : raw) {
        const int64_t r = FindPacked(f.hash);
        if (r >= 0) rows[static_cast<int>(f.family)].push_back(static_cast<uint32_t>(r));
      }
    }
    ValuesOfRows(rows, vals, scale);
  }

  // The TF-IDF values of the features whose rows are `rows` (per family, in
  // any order; sorted here).
  void ValuesOfRows(std::vector<uint32_t> rows[2], std::vector<std::pair<uint32_t, float>> vals[2],
                    float* scale = nullptr) const {
    const size_t stride = bias_.size() + 1;
    for (int family = 0; family < 2; ++family)
      for (uint32_t r : rows[family]) __builtin_prefetch(&rows_[r * stride]);
    SortIds(&rows[0]);
    SortIds(&rows[1]);
    ValuesOfSortedRows(rows, vals, scale);
  }

  // ValuesOfRows of rows sorted ascending. With `scale` the values are left
  // as they are before the L2 normalisation and scale[family] holds its
  // factor: DecisionsOfValues applies it to each value as it reads it (the
  // same product of two floats), a pass over the values fewer.
  void ValuesOfSortedRows(const std::vector<uint32_t> rows[2],
                          std::vector<std::pair<uint32_t, float>> vals[2], float* scale = nullptr) const {
    for (int family = 0; family < 2; ++family) {
      float inv;
      ValuesOfFamily(rows[family].data(), rows[family].size(), nullptr, 0, &vals[family], &inv);
      if (scale != nullptr)
        scale[family] = inv;
      else
        for (auto& e : vals[family]) e.second *= inv;
    }
  }

  // The values of one family: of the rows v[0, nv) (ascending, a row as
  // often as its feature occurs) and of the rows of ex[0, ne) (ascending,
  // each with a count of occurrences to add), left unnormalised; *inv is
  // the family's L2 factor (1 for no values).
  void ValuesOfFamily(const uint32_t* v, size_t nv, const std::pair<uint32_t, uint64_t>* ex, size_t ne,
                      std::vector<std::pair<uint32_t, float>>* out, float* inv) const {
    const size_t stride = bias_.size() + 1;
    // Room for every row (written through a pointer, then cut to size):
    // the vector only grows, so a text costs no fill of what it reuses.
    if (out->size() < nv + ne) out->resize(nv + ne);
    std::pair<uint32_t, float>* o = out->data();
    double norm = 0;
    const float* table = rows_.data();
    auto emit = [&](uint32_t row, uint64_t count) __attribute__((always_inline)) {
      const double val = SublinearTf(count) * table[row * stride];
      norm += val * val;
      *o++ = {row, static_cast<float>(val)};
    };
    // The rows in ascending order, each with its count: each run of `v`
    // after the entries of `ex` below it, merged with the entry equal to it.
    // `next`: the row of the next entry of `ex` (past the end, above any row).
    constexpr uint32_t kPastEnd = UINT32_MAX;  // rows are < kMaxFeatures
    size_t k = 0;
    uint32_t next = ne > 0 ? ex[0].first : kPastEnd;
    auto advance = [&]() __attribute__((always_inline)) {
      ++k;
      next = k < ne ? ex[k].first : kPastEnd;
    };
    for (size_t a = 0; a < nv;) {
      const uint32_t row = v[a];
      if (row < next && (a + 1 == nv || v[a + 1] != row)) {
        // Most rows: once in `v`, in no entry of `ex`. Their count is 1,
        // whose sublinear TF is 1 exactly: the value is the IDF itself.
        const double val = table[row * stride];
        norm += val * val;
        *o++ = {row, static_cast<float>(val)};
        ++a;
        continue;
      }
      while (next < row) {
        emit(next, ex[k].second);
        advance();
      }
      size_t b = a + 1;
      while (b < nv && v[b] == row) ++b;
      uint64_t count = b - a;
      if (next == row) {
        count += ex[k].second;
        advance();
      }
      emit(row, count);
      a = b;
    }
    for (; k < ne; ++k) emit(ex[k].first, ex[k].second);
    out->resize(static_cast<size_t>(o - out->data()));
    *inv = norm > 0 ? static_cast<float>(1.0 / std::sqrt(norm)) : 1.0f;
  }

  // Adds `count` occurrences of `row` (none if it is -1, a feature the model
  // lacks) to the ascending (row, count) list `rows`.
  static void AddCount(int64_t row, uint64_t count, std::vector<std::pair<uint32_t, uint64_t>>* rows) {
    if (row < 0 || count == 0) return;
    const uint32_t r = static_cast<uint32_t>(row);
    auto it =
        std::lower_bound(rows->begin(), rows->end(), r,
                         [](const std::pair<uint32_t, uint64_t>& e, uint32_t x) { return e.first < x; });
    if (it != rows->end() && it->first == r)
      it->second += count;
    else
      rows->insert(it, {r, count});
  }

  // The sublinear term frequency 1 + ln(count) (1 for one occurrence); the
  // small counts from a table of the same values (kSublinearTf).
  static double SublinearTf(uint64_t count) {
    return count < std::size(kSublinearTf.tf) ? kSublinearTf.tf[count]
                                              : 1.0 + std::log(static_cast<double>(count));
  }

  // Decision values from the values of ValuesOfRows, each times
  // scale[family] if `scale` is given (a value times 1 is itself).
  // The decision values of every label, or with `labels` of those labels
  // only, in that order (each label's sum the same, added in the same order).
  void DecisionsOfValues(const std::vector<std::pair<uint32_t, float>> vals[2], std::vector<double>* dec,
                         const float* scale = nullptr, const std::vector<int>* labels = nullptr) const {
    const size_t L = bias_.size(), stride = L + 1;
    if (labels != nullptr) {
      dec->resize(labels->size());
      for (size_t j = 0; j < labels->size(); ++j) (*dec)[j] = bias_[static_cast<size_t>((*labels)[j])];
      for (int family = 0; family < 2; ++family) {
        const float s = scale != nullptr ? scale[family] : 1.0f;
        for (const auto& [row, value] : vals[family]) {
          const float x = value * s;
          const float* w = &rows_[row * stride + 1];
          for (size_t j = 0; j < labels->size(); ++j) (*dec)[j] += x * w[(*labels)[j]];
        }
      }
      return;
    }
    if (L == 3) {
      // Three labels (a sentiment model's): the sums in registers, added
      // in the same order as below.
      double d0 = bias_[0], d1 = bias_[1], d2 = bias_[2];
      for (int family = 0; family < 2; ++family) {
        const float s = scale != nullptr ? scale[family] : 1.0f;
        for (const auto& [row, value] : vals[family]) {
          const float x = value * s;
          const float* w = &rows_[row * stride + 1];
          d0 += x * w[0];
          d1 += x * w[1];
          d2 += x * w[2];
        }
      }
      dec->resize(3);
      (*dec)[0] = d0;
      (*dec)[1] = d1;
      (*dec)[2] = d2;
      return;
    }
    dec->assign(bias_.begin(), bias_.end());
    for (int family = 0; family < 2; ++family) {
      const float s = scale != nullptr ? scale[family] : 1.0f;
      for (const auto& [row, value] : vals[family]) {
        const float x = value * s;
        const float* w = &rows_[row * stride + 1];
        for (size_t l = 0; l < L; ++l) (*dec)[l] += x * w[l];
      }
    }
  }

  // Builds the prediction tables from keys_, idf_ and weights_: an open-
  // addressing table (load <= 0.75) of 32-bit fingerprints and row numbers,
  // and per feature a row of its IDF and weights.
  void Pack() {
    const size_t L = bias_.size(), n = keys_.size();
    rows_.assign(n * (L + 1), 0.0f);
    for (size_t k = 0; k < n; ++k) {
      rows_[k * (L + 1)] = idf_[k];
      for (size_t l = 0; l < L; ++l) rows_[k * (L + 1) + 1 + l] = weights_[k * L + l];
    }
    PackSlots();
  }

  // The fingerprint table over keys_ (rows_ filled).
  void PackSlots() {
    static std::atomic<uint64_t> packings{0};
    generation_ = ++packings;  // rows renumbered: caches of the old ones are stale
    const size_t n = keys_.size();
    size_t cap = 16;
    while (cap * 3 < n * 4) cap <<= 1;
    packed_.assign(cap, PackedSlot{});
    constexpr size_t kAhead = 8;  // the inserts miss the cache: prefetch
    for (size_t k = 0; k < n; ++k) {
      if (k + kAhead < n) __builtin_prefetch(&packed_[PackedBucket(keys_[k + kAhead]) & (cap - 1)], 1);
      const uint64_t h = keys_[k];
      for (size_t i = PackedBucket(h) & (cap - 1);; i = (i + 1) & (cap - 1)) {
        if (packed_[i].fp == 0) {
          packed_[i] = {PackedFingerprint(h), static_cast<uint32_t>(k)};
          break;
        }
      }
    }
  }

  int64_t FindPacked(uint64_t h) const { return FindPackedFrom(PackedBucket(h) & (packed_.size() - 1), h); }
  // FindPacked of `h`, whose bucket (masked) is `bucket`.
  int64_t FindPackedFrom(size_t bucket, uint64_t h) const {
    const size_t mask = packed_.size() - 1;
    const uint32_t fp = PackedFingerprint(h);
    for (size_t i = bucket;; i = (i + 1) & mask) {
      const PackedSlot& s = packed_[i];
      if (s.fp == 0) return -1;
      if (s.fp == fp) return s.row;
    }
  }
  // The bucket comes from the low bits of the mixed hash and the fingerprint
  // from the high half of the raw one: two features would have to agree on
  // about 50 bits to be confused.
  static size_t PackedBucket(uint64_t h) {
    h ^= h >> 31;
    h *= 0x9e3779b97f4a7c15ULL;
    h ^= h >> 29;
    return static_cast<size_t>(h);
  }
  static uint32_t PackedFingerprint(uint64_t h) {
    const uint32_t f = static_cast<uint32_t>(h >> 32);
    return f != 0 ? f : 1;
  }

  static void ToProbabilities(bool multi, double t, std::vector<double>* v) {
    if (multi) {
      for (double& d : *v) d = 1.0 / (1.0 + std::exp(-t * d));
      return;
    }
    double mx = *std::max_element(v->begin(), v->end()), sum = 0;
    // exp(0) is 1 exactly: the largest value costs no exp.
    for (double& d : *v) {
      const double x = t * (d - mx);
      sum += (d = x == 0.0 ? 1.0 : std::exp(x));
    }
    for (double& d : *v) d /= sum;
  }

  void Probabilities(std::string_view text, std::vector<double>* probs) const override {
    Decisions(text, probs);
    ToProbabilities(multi_label_, temperature_, probs);
  }

  // Multi-label models: the probabilities of `labels` only, each the value
  // Probabilities gives it (the same sums in the same order, per label).
  bool LabelProbabilities(std::string_view text, const std::vector<int>& labels,
                          std::vector<double>* out) const {
    if (!multi_label_) return false;
    out->clear();
    if (labels.empty()) return true;
    thread_local std::vector<RawFeature> raw;
    thread_local std::vector<std::pair<uint32_t, float>> vals[2];
    ExtractFeatures(text, &raw, char_ngrams_);
    float scale[2];
    PackedValues(raw, vals, scale);
    DecisionsOfValues(vals, out, scale, &labels);
    ToProbabilities(true, temperature_, out);
    return true;
  }

  std::vector<FeatureContribution> Explain(std::string_view text, int label,
                                           int max_features) const override {
    std::vector<RawFeature> raw;
    ExtractFeatures(text, &raw, char_ngrams_);
    std::vector<std::pair<uint32_t, float>> vals[2];
    PackedValues(raw, vals);
    const size_t L = bias_.size();
    std::vector<FeatureContribution> out;
    if (label < 0 || static_cast<size_t>(label) >= L) return out;
    for (const RawFeature& f : raw) {
      const int64_t row = FindPacked(f.hash);
      if (row < 0) continue;
      const auto& v = vals[static_cast<int>(f.family)];
      auto it = std::lower_bound(v.begin(), v.end(), std::make_pair(static_cast<uint32_t>(row), -1e30f));
      if (it == v.end() || it->first != row) continue;
      double c = it->second * rows_[static_cast<size_t>(row) * (L + 1) + 1 + label];
      if (c <= 0) continue;
      // The first occurrence of each feature carries its contribution.
      bool seen = false;
      std::string desc = DescribeFeature(text, f);
      for (const auto& o : out) seen |= o.feature == desc;
      if (!seen) out.push_back({std::move(desc), c, f.begin, f.end});
    }
    std::stable_sort(out.begin(), out.end(),
                     [](const auto& a, const auto& b) { return a.weight > b.weight; });
    if (max_features >= 0 && out.size() > static_cast<size_t>(max_features)) out.resize(max_features);
    return out;
  }

  void Calibrate(const TrainData& val) override {
    if (val.rows.empty()) return;
    std::vector<std::vector<double>> decs(val.rows.size());
    for (size_t i = 0; i < val.rows.size(); ++i) Decisions(val.rows[i]->text, &decs[i]);
    double best_t = 1, best_loss = 1e300;
    for (double t : {0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0, 8.0, 12.0, 16.0, 24.0}) {
      double loss = 0;
      std::vector<double> p;
      for (size_t i = 0; i < decs.size(); ++i) {
        p = decs[i];
        ToProbabilities(multi_label_, t, &p);
        if (multi_label_) {
          for (size_t l = 0; l < p.size(); ++l) {
            bool pos = std::find(val.ids[i].begin(), val.ids[i].end(), l) != val.ids[i].end();
            loss -= std::log(std::max(1e-12, pos ? p[l] : 1 - p[l]));
          }
        } else {
          loss -= std::log(std::max(1e-12, p[val.ids[i][0]]));
        }
      }
      if (loss < best_loss) best_loss = loss, best_t = t;
    }
    temperature_ = best_t;
  }

  void CopyCalibration(const Backend& other) override {
    if (auto* o = dynamic_cast<const LinearModel*>(&other)) temperature_ = o->temperature_;
  }

  nlohmann::json Quantize(std::size_t max_features) override {
    const size_t L = bias_.size(), n = keys_.size();
    std::vector<float> strength(n, 0);
    for (size_t j = 0; j < n; ++j)
      for (size_t l = 0; l < L; ++l) strength[j] = std::max(strength[j], std::fabs(W(j, l)));
    std::vector<uint32_t> order(n);
    std::iota(order.begin(), order.end(), 0);
    size_t keep = std::min(n, max_features);
    std::stable_sort(order.begin(), order.end(),
                     [&](uint32_t a, uint32_t b) { return strength[a] > strength[b]; });
    order.resize(keep);
    std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return keys_[a] < keys_[b]; });
    FeatureIndex index;
    index.Reserve(keep);
    std::vector<float> idf(keep), w(keep * L);
    for (size_t k = 0; k < keep; ++k) {
      index.Insert(keys_[order[k]]);
      idf[k] = Idf(order[k]);
      for (size_t l = 0; l < L; ++l) w[k * L + l] = W(order[k], l);
    }
    index_ = std::move(index);
    keys_.assign(index_.keys().begin(), index_.keys().end());
    idf_ = std::move(idf);
    weights_ = std::move(w);
    quantized_ = true;
    // Round to what the file stores, so a loaded model predicts the same.
    for (float& v : idf_) v = std::round(std::min(v, 15.0f) * 4096.0f) / 4096.0f;
    std::vector<float> scale = Scales();
    for (size_t k = 0; k < keep; ++k)
      for (size_t l = 0; l < L; ++l)
        weights_[k * L + l] = std::round(weights_[k * L + l] / scale[l]) * scale[l];
    Pack();
    return {{"features_kept", keep}, {"features_before", n}, {"weight_bits", 8}};
  }

  std::vector<float> Scales() const {
    const size_t L = bias_.size();
    std::vector<float> scale(L, 0);
    for (size_t k = 0; k < keys_.size(); ++k)
      for (size_t l = 0; l < L; ++l) scale[l] = std::max(scale[l], std::fabs(W(k, l)));
    for (float& s : scale) s = s > 0 ? s / 127.0f : 1.0f;
    return scale;
  }

  std::string Serialize() const override {
    const size_t L = bias_.size(), n = keys_.size();
    std::vector<uint32_t> order(n);
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return keys_[a] < keys_[b]; });
    ByteWriter w;
    w.U32(kLinearPayloadVersion);
    w.U32(static_cast<uint32_t>(L));
    w.U64(n);
    w.U8(multi_label_);
    w.U8(quantized_);
    w.U8(char_ngrams_);
    w.F32(static_cast<float>(temperature_));
    for (float b : bias_) w.F32(b);
    uint64_t prev = 0;
    for (size_t k = 0; k < n; ++k) {
      uint64_t key = keys_[order[k]];
      PutVarint(&w, key - prev);
      prev = key;
    }
    if (quantized_) {
      for (size_t k = 0; k < n; ++k) {
        uint32_t q = static_cast<uint32_t>(std::lround(Idf(order[k]) * 4096.0f));
        w.U8(q & 0xFF);
        w.U8(q >> 8);
      }
      std::vector<float> scale = Scales();
      for (float s : scale) w.F32(s);
      for (size_t k = 0; k < n; ++k)
        for (size_t l = 0; l < L; ++l) {
          long q = std::lround(W(order[k], l) / scale[l]);
          w.U8(static_cast<uint8_t>(static_cast<int8_t>(std::clamp(q, -127L, 127L))));
        }
    } else {
      for (size_t k = 0; k < n; ++k) w.F32(Idf(order[k]));
      for (size_t k = 0; k < n; ++k)
        for (size_t l = 0; l < L; ++l) w.F32(W(order[k], l));
    }
    const std::string& raw = w.str();
    uLongf bound = compressBound(raw.size());
    std::string z(bound, '\0');
    compress2(reinterpret_cast<Bytef*>(z.data()), &bound, reinterpret_cast<const Bytef*>(raw.data()),
              raw.size(), 9);
    z.resize(bound);
    ByteWriter out;
    // Quantized weights hardly compress: unless deflate saves a third, the
    // payload is stored as it is, which loads without inflating it (the
    // shipped sentiment model: 1.8 MB stored, 1.3 MB deflated, loads in
    // about two thirds of the time).
    if (z.size() * 3 > raw.size() * 2) {
      out.U64(kStoredPayload);
      out.Bytes(raw);
    } else {
      out.U64(raw.size());
      out.Bytes(z);
    }
    return out.str();
  }

  static Result<std::unique_ptr<Backend>> Parse(std::string_view payload, int num_labels, bool multi_label) {
    auto bad = [](const std::string& why) {
      return Result<std::unique_ptr<Backend>>(DataLossError("corrupt linear model: " + why));
    };
    ByteReader outer(payload);
    uint64_t raw_size;
    if (!outer.U64(&raw_size)) return bad("truncated payload header");
    std::unique_ptr<char[]> raw_bytes;
    std::string_view raw;
    if (raw_size == kStoredPayload) {
      raw = payload.substr(outer.pos());
    } else {
      // zlib cannot expand more than about 1032:1; and no model voc trains
      // comes near kMaxInflated, so a payload that claims more is refused
      // before anything is allocated (inflating stops at the claimed size).
      constexpr uint64_t kMaxInflated = uint64_t{1} << 30;
      if (raw_size > 1100ull * outer.remaining() + 64) return bad("implausible uncompressed size");
      if (raw_size > kMaxInflated)
        return bad("uncompressed weights of " + std::to_string(raw_size) + " bytes exceed the limit of " +
                   std::to_string(kMaxInflated) + " bytes");
      // Not zero-filled: inflate writes every byte it reports.
      raw_bytes.reset(new char[std::max<uint64_t>(raw_size, 1)]);
      raw = std::string_view(raw_bytes.get(), raw_size);
      uLongf got = raw_size;
      if (uncompress(reinterpret_cast<Bytef*>(raw_bytes.get()), &got,
                     reinterpret_cast<const Bytef*>(payload.data() + outer.pos()),
                     outer.remaining()) != Z_OK ||
          got != raw_size)
        return bad("compressed weights do not inflate");
    }
    ByteReader r(raw);
    uint32_t version, L;
    uint64_t n;
    uint8_t multi, quantized, chars = 1;
    float t;
    if (!r.U32(&version) || !r.U32(&L) || !r.U64(&n) || !r.U8(&multi) || !r.U8(&quantized) ||
        (version >= 2 && !r.U8(&chars)) || !r.F32(&t))
      return bad("truncated header");
    if (version < 1 || version > kLinearPayloadVersion)
      return Result<std::unique_ptr<Backend>>(FailedPreconditionError(
          "linear model payload version " + std::to_string(version) + " is not supported (expected " +
          std::to_string(kLinearPayloadVersion) + ")"));
    if (L == 0 || L > kMaxLabels || static_cast<int>(L) != num_labels)
      return bad("label count " + std::to_string(L) + " does not match metadata");
    if (n > kMaxFeatures || multi > 1 || quantized > 1 || chars > 1 || (multi != 0) != multi_label ||
        !std::isfinite(t) || t <= 0 || t > 1e6)
      return bad("invalid header fields");
    // Each feature needs at least 1 (key) + 2 (idf) + L (weights) bytes.
    if (n * (3ull + L) > r.remaining()) return bad("feature count exceeds payload");
    auto m = std::make_unique<LinearModel>();
    m->multi_label_ = multi;
    m->quantized_ = quantized;
    m->char_ngrams_ = chars;
    m->temperature_ = t;
    m->bias_.resize(L);
    for (float& b : m->bias_)
      if (!r.F32(&b) || !std::isfinite(b) || std::fabs(b) > 1e6f) return bad("bad bias");
    m->keys_.reserve(n);
    // The keys' varints (PutVarint's), read straight from the bytes: a model
    // holds hundreds of thousands of them. More than ten bytes, or a tenth
    // byte above 1, overflows 64 bits.
    const auto* kp = reinterpret_cast<const unsigned char*>(raw.data()) + r.pos();
    const auto* const kstart = kp;
    const auto* const kend = reinterpret_cast<const unsigned char*>(raw.data()) + raw.size();
    uint64_t key = 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    constexpr bool kLittleEndian = true;
#else
    constexpr bool kLittleEndian = false;
#endif
    for (uint64_t k = 0; k < n; ++k) {
      uint64_t d = 0;
      // Eight bytes at once when they hold the whole varint (keys' deltas
      // take about seven): the seven-bit groups packed by shifts and masks.
      if (kLittleEndian && kend - kp >= 8) {
        uint64_t x;
        std::memcpy(&x, kp, 8);
        const uint64_t ends = ~x & 0x8080808080808080ULL;  // bytes without the continuation bit
        if (ends != 0) {
          const int bytes = __builtin_ctzll(ends) / 8 + 1;
          if (bytes < 8) x &= (uint64_t{1} << (8 * bytes)) - 1;
          x &= 0x7F7F7F7F7F7F7F7FULL;
          x = ((x & 0x7F007F007F007F00ULL) >> 1) | (x & 0x007F007F007F007FULL);
          x = ((x & 0x3FFF00003FFF0000ULL) >> 2) | (x & 0x00003FFF00003FFFULL);
          x = ((x & 0x0FFFFFFF00000000ULL) >> 4) | (x & 0x000000000FFFFFFFULL);
          kp += bytes;
          if (k > 0 && x == 0) return bad("duplicate feature key");
          key += x;
          m->keys_.push_back(key);
          continue;
        }
      }
      for (int shift = 0;; shift += 7) {
        if (shift >= 64 || kp == kend) return bad("truncated feature keys");
        const unsigned b = *kp++;
        if (shift == 63 && b > 1) return bad("truncated feature keys");
        d |= static_cast<uint64_t>(b & 0x7F) << shift;
        if (!(b & 0x80)) break;
      }
      if (k > 0 && d == 0) return bad("duplicate feature key");
      key += d;
      m->keys_.push_back(key);
    }
    r.Skip(static_cast<size_t>(kp - kstart));
    size_t per_feature = quantized ? 2 + L : 4 + 4ull * L;
    if (r.remaining() != n * per_feature + (quantized ? 4ull * L : 0))
      return bad("weight section has the wrong size");
    // Straight into the prediction rows: IDF, then the weights of each label.
    const size_t stride = L + 1;
    m->rows_.resize(n * stride);  // uninitialised
    float* rows = m->rows_.data();
    if (quantized) {
      const auto* q = reinterpret_cast<const unsigned char*>(raw.data() + r.pos());
      for (size_t k = 0; k < n; ++k)
        rows[k * stride] = static_cast<float>(q[2 * k] | (q[2 * k + 1] << 8)) / 4096.0f;
      r.Skip(2 * n);
      std::vector<float> scale(L);
      for (float& s : scale)
        if (!r.F32(&s) || !std::isfinite(s) || std::fabs(s) > 1e4f) return bad("bad scale");
      const auto* b = reinterpret_cast<const unsigned char*>(raw.data() + r.pos());
      for (size_t k = 0; k < n; ++k)
        for (size_t l = 0; l < L; ++l)
          rows[k * stride + 1 + l] = static_cast<int8_t>(b[k * L + l]) * scale[l];
    } else {
      for (size_t k = 0; k < n; ++k) {
        float v;
        r.F32(&v);
        if (!std::isfinite(v) || v < 0 || v > 1e3f) return bad("bad idf");
        rows[k * stride] = v;
      }
      for (size_t k = 0; k < n; ++k)
        for (size_t l = 0; l < L; ++l) {
          float v;
          r.F32(&v);
          if (!std::isfinite(v) || std::fabs(v) > 1e6f) return bad("bad weight");
          rows[k * stride + 1 + l] = v;
        }
    }
    m->PackSlots();
    return std::unique_ptr<Backend>(std::move(m));
  }

  // IDF and weights of feature k: from idf_ and weights_ while training; a
  // loaded model keeps them only in rows_.
  float Idf(size_t k) const { return idf_.empty() ? rows_[k * (bias_.size() + 1)] : idf_[k]; }
  float W(size_t k, size_t l) const {
    const size_t L = bias_.size();
    return weights_.empty() ? rows_[k * (L + 1) + 1 + l] : weights_[k * L + l];
  }

  std::vector<uint64_t, BulkAllocator<uint64_t>> keys_;  // feature row -> n-gram hash
  FeatureIndex index_;                                   // hash -> row; set by Quantize only (see Decisions)
  std::vector<float> idf_;                               // empty in a loaded model (see Idf())
  std::vector<float> weights_;  // feature-major: weights_[feature * L + label]; as idf_
  std::vector<float> bias_;
  double temperature_ = 1;
  bool multi_label_ = false;
  bool quantized_ = false;
  bool char_ngrams_ = true;
  struct PackedSlot {
    uint32_t fp = 0;  // 0: empty
    uint32_t row = 0;
  };
  std::vector<PackedSlot, BulkAllocator<PackedSlot>> packed_;
  uint64_t generation_ = 0;  // this packing of the model, unique in the process (SuffixOf)
  // Per feature: IDF, then the weights of every label. Not zero-filled on
  // resize: Parse writes every element.
  std::vector<float, BulkAllocator<float, true>> rows_;  // written in full on load
};

}  // namespace

void ByteWriter::F32(float f) {
  uint32_t v;
  std::memcpy(&v, &f, 4);
  U32(v);
}
bool ByteReader::U8(uint8_t* v) {
  if (remaining() < 1) return false;
  *v = static_cast<uint8_t>(in_[pos_++]);
  return true;
}
bool ByteReader::U32(uint32_t* v) {
  if (remaining() < 4) return false;
  *v = 0;
  for (int i = 0; i < 4; ++i) *v |= static_cast<uint32_t>(static_cast<uint8_t>(in_[pos_ + i])) << (8 * i);
  pos_ += 4;
  return true;
}
bool ByteReader::U64(uint64_t* v) {
  if (remaining() < 8) return false;
  *v = 0;
  for (int i = 0; i < 8; ++i) *v |= static_cast<uint64_t>(static_cast<uint8_t>(in_[pos_ + i])) << (8 * i);
  pos_ += 8;
  return true;
}
bool ByteReader::F32(float* f) {
  uint32_t v;
  if (!U32(&v)) return false;
  std::memcpy(f, &v, 4);
  return true;
}
bool ByteReader::Bytes(size_t n, std::string_view* out) {
  if (remaining() < n) return false;
  *out = in_.substr(pos_, n);
  pos_ += n;
  return true;
}

struct LinearTrainer::State {
  const TrainData* data;
  bool char_ngrams = true;
  FeatureIndex index;
  std::vector<float> idf;
  std::vector<std::vector<feature_node>> x;  // per row, with bias and terminator
};

LinearTrainer::LinearTrainer(const TrainData& data, bool char_ngrams) : state_(std::make_unique<State>()) {
  State& s = *state_;
  s.data = &data;
  s.char_ngrams = char_ngrams;
  std::vector<std::vector<RawFeature>> raw(data.rows.size());
  std::vector<uint32_t> df;
  std::vector<uint32_t> seen_in;  // last row that counted a feature
  for (size_t i = 0; i < data.rows.size(); ++i) {
    ExtractFeatures(data.rows[i]->text, &raw[i], char_ngrams);
    for (const RawFeature& f : raw[i]) {
      size_t id = static_cast<size_t>(s.index.Insert(f.hash));
      if (id >= df.size()) df.push_back(0), seen_in.push_back(UINT32_MAX);
      if (seen_in[id] != i) ++df[id], seen_in[id] = static_cast<uint32_t>(i);
    }
  }
  const double n = static_cast<double>(data.rows.size());
  s.idf.resize(df.size());
  for (size_t j = 0; j < df.size(); ++j) s.idf[j] = static_cast<float>(std::log((1 + n) / (1 + df[j])) + 1);
  s.x.resize(data.rows.size());
  SparseVector vec;
  const int bias_index = static_cast<int>(s.index.size()) + 1;
  for (size_t i = 0; i < raw.size(); ++i) {
    Vectorize(raw[i], s.index, s.idf, &vec);
    auto& xi = s.x[i];
    xi.reserve(vec.entries.size() + 2);
    for (const auto& [id, val] : vec.entries) xi.push_back({static_cast<int>(id) + 1, val});
    xi.push_back({bias_index, 1.0});
    xi.push_back({-1, 0});
    std::vector<RawFeature>().swap(raw[i]);
  }
}

LinearTrainer::~LinearTrainer() = default;

Result<std::unique_ptr<Backend>> LinearTrainer::Train(const nlohmann::json& params, int seed, int threads) {
  const State& s = *state_;
  const TrainData& data = *s.data;
  const size_t rows = data.rows.size();
  const int L = data.num_labels;
  const size_t nf = s.index.size();
  std::string solver = params.value("solver", "svc");
  double C = params.value("C", 0.5);
  bool balanced = params.value("balanced", false);
  const double eps = params.value("eps", 0.01);
  const double power = params.value("class_weight_power", 1.0);
  const double neg_ratio = params.value("negative_ratio", 0.0);
  const size_t neg_floor = params.value("negative_floor", size_t{1000});  // TrainOptions' default
  if (C <= 0) return InvalidArgumentError("linear C must be > 0");
  if (!(neg_ratio >= 0)) return InvalidArgumentError("linear negative ratio must be >= 0");
  if (!(eps > 0 && eps < 1)) return InvalidArgumentError("linear solver tolerance must be in (0, 1)");
  if (!(power >= 0 && power <= 1)) return InvalidArgumentError("linear class weight power must be in [0, 1]");
  // Weight of a label with `n` of the `total` rows (default: all of them),
  // shared among `k` labels.
  auto class_weight = [&](double n, double k, double total = -1) {
    return std::pow((total < 0 ? static_cast<double>(rows) : total) / (k * n), power);
  };
  if (solver != "svc" && solver != "lr")
    return InvalidArgumentError("unknown linear solver '" + solver + "' (svc or lr)");
  // Who solves the multi-label L2-loss SVM problems: LIBLINEAR; voc's copy
  // of its solver with draws of its own ("voc"), or with rand() as
  // LIBLINEAR draws ("c-rand": its models, for tests).
  const std::string shuffle = params.value("shuffle", "liblinear");
  if (shuffle != "liblinear" && shuffle != "voc" && shuffle != "c-rand")
    return InvalidArgumentError("unknown linear shuffle '" + shuffle + "' (liblinear, voc or c-rand)");
  const bool own_solver = data.multi_label && solver == "svc" && shuffle != "liblinear";
  if (neg_ratio > 0 && !own_solver)
    return InvalidArgumentError("linear negative ratio needs a multi-label svc problem and the voc solver");

  std::vector<feature_node*> xptr(rows);
  for (size_t i = 0; i < rows; ++i) xptr[i] = const_cast<feature_node*>(s.x[i].data());
  std::vector<double> y(rows);
  problem prob;
  prob.l = static_cast<int>(rows);
  prob.n = static_cast<int>(nf) + 1;
  prob.y = y.data();
  prob.x = xptr.data();
  prob.bias = 1.0;
  parameter param{};
  param.solver_type = solver == "svc" ? L2R_L2LOSS_SVC_DUAL : L2R_LR_DUAL;
  param.eps = eps;
  param.C = C;
  param.p = 0.1;

  auto m = std::make_unique<LinearModel>();
  m->multi_label_ = data.multi_label;
  m->char_ngrams_ = s.char_ngrams;
  // No copy of the index (it can be 16 MB): the model's reference path
  // builds one from keys_, as for a loaded model.
  m->keys_.assign(s.index.keys().begin(), s.index.keys().end());
  m->idf_ = s.idf;
  m->weights_.assign(nf * L, 0.0f);
  m->bias_.assign(L, 0.0f);

  // LIBLINEAR and rand() are shared by the process: one training at a time.
  std::unique_lock<std::mutex> lock(TrainMutex(), std::defer_lock);
  if (!own_solver || shuffle == "c-rand") lock.lock();
  if (!own_solver) set_print_string_function(&Silent);

  // Copies LIBLINEAR weights of its class `c` (in model order) into label `l`,
  // negated when `sign` < 0.
  auto copy = [&](const model* lm, int c, int l, double sign) {
    const int nr_w = (lm->nr_class == 2 && lm->param.solver_type != MCSVM_CS) ? 1 : lm->nr_class;
    for (size_t j = 0; j < nf; ++j) m->weights_[j * L + l] = static_cast<float>(sign * lm->w[j * nr_w + c]);
    m->bias_[l] = static_cast<float>(sign * lm->w[nf * nr_w + c] * lm->bias);
  };

  if (!data.multi_label) {
    std::vector<int> count(L, 0);
    for (size_t i = 0; i < rows; ++i) y[i] = data.ids[i][0], ++count[data.ids[i][0]];
    std::vector<int> wl;
    std::vector<double> wv;
    if (balanced) {
      int present = 0;
      for (int c : count) present += c > 0;
      for (int l = 0; l < L; ++l)
        if (count[l] > 0) wl.push_back(l), wv.push_back(class_weight(count[l], present));
    }
    param.nr_weight = static_cast<int>(wl.size());
    param.weight_label = wl.data();
    param.weight = wv.data();
    if (const char* err = check_parameter(&prob, &param)) return InternalError(err);
    std::srand(static_cast<unsigned>(seed));
    model* lm = train(&prob, &param);
    if (!lm) return InternalError("LIBLINEAR training failed");
    if (lm->nr_class == 1) {
      m->bias_[lm->label[0]] = 1.0f;
    } else if (lm->nr_class == 2) {
      copy(lm, 0, lm->label[0], 1.0);
      copy(lm, 0, lm->label[1], -1.0);
      // Labels absent from the training rows never win.
      for (int l = 0; l < L; ++l)
        if (l != lm->label[0] && l != lm->label[1]) m->bias_[l] = -1e3f;
    } else {
      for (int c = 0; c < lm->nr_class; ++c) copy(lm, c, lm->label[c], 1.0);
      for (int l = 0; l < L; ++l)
        if (count[l] == 0) m->bias_[l] = -1e3f;
    }
    free_and_destroy_model(&lm);
  } else if (own_solver) {
    // The own solver's problem: LIBLINEAR's order (the positive rows first,
    // each class in input order).
    // Its rows: every row's indices (0-based) and values, laid out once for
    // all labels.
    std::vector<int> flat_index;
    std::vector<double> flat_value;
    std::vector<SolverRow> all_rows;
    size_t nnz = 0;
    for (const auto& xi : s.x) nnz += xi.size() - 1;
    flat_index.reserve(nnz);
    flat_value.reserve(nnz);
    std::vector<size_t> begin(rows + 1);
    for (size_t i = 0; i < rows; ++i) {
      begin[i] = flat_index.size();
      for (const feature_node* f = xptr[i]; f->index != -1; ++f)
        flat_index.push_back(f->index - 1), flat_value.push_back(f->value);
    }
    begin[rows] = flat_index.size();
    // The solver's rows: each row's slots in its order (the bias's slot
    // last), then the entries its update adds.
    std::vector<uint32_t> slot_of;
    const size_t slots = ColumnSlots(flat_index, flat_value, begin, nf, &slot_of);
    const int solver_size = static_cast<int>(slots) + 1;
    std::vector<int> row_index;
    std::vector<double> row_value;
    row_index.reserve(2 * nnz);
    row_value.reserve(2 * nnz);
    std::vector<size_t> row_begin(rows + 1);
    std::vector<int> row_m(rows);
    // Per slot: the last row that listed it, and its first feature there
    // (whose entries the update adds; Vectorize lists a feature once a row,
    // but a feature listed twice would be added twice, as LIBLINEAR does).
    std::vector<size_t> last_row(slots, SIZE_MAX);
    std::vector<size_t> owner(slots);
    for (size_t i = 0; i < rows; ++i) {
      row_begin[i] = row_index.size();
      for (size_t k = begin[i]; k < begin[i + 1]; ++k) {
        const auto j = static_cast<size_t>(flat_index[k]);
        row_index.push_back(j < nf ? static_cast<int>(slot_of[j]) : static_cast<int>(slots));
        row_value.push_back(flat_value[k]);
      }
      for (size_t k = begin[i]; k < begin[i + 1]; ++k) {
        const auto j = static_cast<size_t>(flat_index[k]);
        if (j >= nf) continue;
        const uint32_t slot = slot_of[j];
        if (last_row[slot] != i) last_row[slot] = i, owner[slot] = j;
        if (owner[slot] != j) continue;
        row_index.push_back(static_cast<int>(slot));
        row_value.push_back(flat_value[k]);
        ++row_m[i];
      }
    }
    std::vector<int>().swap(flat_index);
    std::vector<double>().swap(flat_value);
    all_rows.resize(rows);
    for (size_t i = 0; i < rows; ++i) {
      const double* v = row_value.data() + row_begin[i];
      const int n = static_cast<int>(begin[i + 1] - begin[i]);
      double norm = 0;
      for (int k = 0; k < n; ++k) norm += v[k] * v[k];
      all_rows[i] = {row_index.data() + row_begin[i], v, n, row_m[i], norm};
    }
    // Each label's rows, ascending (a label listed twice in a row counts
    // once), gathered in one pass over the rows for all labels.
    std::vector<std::vector<uint32_t>> positives(static_cast<size_t>(L));
    for (size_t i = 0; i < rows; ++i)
      for (int id : data.ids[i]) {
        auto& p = positives[static_cast<size_t>(id)];
        if (p.empty() || p.back() != i) p.push_back(static_cast<uint32_t>(i));
      }
    // Label l's problem and weights; each label writes only its own column
    // of weights_ and its bias.
    auto solve_label = [&](int l) {
      const std::vector<uint32_t>& yes = positives[static_cast<size_t>(l)];
      const int pos = static_cast<int>(yes.size());
      if (pos == 0 || pos == static_cast<int>(rows)) {
        m->bias_[l] = pos == 0 ? -5.0f : 5.0f;
        return;
      }
      const std::vector<char> kept = KeptNegatives(yes, rows, neg_ratio, neg_floor, seed, l);
      std::vector<SolverRow> ox;
      ox.reserve(kept.empty() ? rows
                              : yes.size() + static_cast<size_t>(std::count(kept.begin(), kept.end(), 1)));
      for (uint32_t i : yes) ox.push_back(all_rows[i]);
      size_t next = 0;  // the next positive row
      for (size_t i = 0; i < rows; ++i) {
        if (next < yes.size() && yes[next] == i) {
          ++next;
          continue;
        }
        if (kept.empty() || kept[i]) ox.push_back(all_rows[i]);
      }
      std::vector<signed char> oy(ox.size(), -1);
      std::fill(oy.begin(), oy.begin() + pos, 1);
      // Not zeroed here: the solver sets every slot's weight.
      const std::unique_ptr<double[]> weights(new double[static_cast<size_t>(solver_size)]);
      double* ow = weights.get();
      // The balanced weights of the problem's rows (all of them, or the
      // positives and the negatives kept).
      const double n = static_cast<double>(ox.size());
      const double cp = C * (balanced ? class_weight(pos, 2, n) : 1.0);
      const double cn = C * (balanced ? class_weight(n - pos, 2, n) : 1.0);
      if (shuffle == "voc") {
        SolveL2SvcDual(ox, oy, cp, cn, eps, ProblemDraws(seed, l), ow, solver_size);
      } else {
        std::srand(static_cast<unsigned>(seed + l));
        SolveL2SvcDual(
            ox, oy, cp, cn, eps, [](int n) { return std::rand() % n; }, ow, solver_size);
      }
      for (size_t j = 0; j < nf; ++j) m->weights_[j * L + l] = static_cast<float>(ow[slot_of[j]]);
      m->bias_[l] = static_cast<float>(ow[slots] * prob.bias);
    };
    // With draws of its own ("voc"), each label's problem is solved alone:
    // labels on several threads give the weights one thread gives. rand()
    // ("c-rand") is the process's: one label at a time.
    const int team_size = shuffle == "voc" ? std::min(std::max(threads, 1), L) : 1;
    if (team_size > 1) {
      ParallelFor team(team_size);
      team.Run(static_cast<size_t>(L), [&](size_t l) { solve_label(static_cast<int>(l)); });
    } else {
      for (int l = 0; l < L; ++l) solve_label(l);
    }
  } else {
    for (int l = 0; l < L; ++l) {
      int pos = 0;
      for (size_t i = 0; i < rows; ++i) {
        bool has = std::find(data.ids[i].begin(), data.ids[i].end(), l) != data.ids[i].end();
        y[i] = has ? 1 : -1;
        pos += has;
      }
      if (pos == 0 || pos == static_cast<int>(rows)) {
        m->bias_[l] = pos == 0 ? -5.0f : 5.0f;
        continue;
      }
      int wl[2] = {1, -1};
      double wv[2] = {balanced ? class_weight(pos, 2) : 1.0,
                      balanced ? class_weight(static_cast<double>(rows - pos), 2) : 1.0};
      param.nr_weight = 2;
      param.weight_label = wl;
      param.weight = wv;
      std::srand(static_cast<unsigned>(seed + l));
      model* lm = train(&prob, &param);
      if (!lm) return InternalError("LIBLINEAR training failed");
      copy(lm, 0, l, lm->label[0] == 1 ? 1.0 : -1.0);
      free_and_destroy_model(&lm);
    }
  }
  m->Pack();
  return std::unique_ptr<Backend>(std::move(m));
}

bool LinearDecisions(const Backend& model, std::string_view text, bool reference, std::vector<double>* out) {
  const auto* m = dynamic_cast<const LinearModel*>(&model);
  if (m == nullptr) return false;
  m->Decisions(text, out, reference);
  return true;
}

bool LinearLabelProbabilities(const Backend& model, std::string_view text, const std::vector<int>& labels,
                              std::vector<double>* out) {
  const auto* m = dynamic_cast<const LinearModel*>(&model);
  return m != nullptr && m->LabelProbabilities(text, labels, out);
}

Result<std::unique_ptr<Backend>> LoadLinear(std::string_view payload, int num_labels, bool multi_label) {
  return LinearModel::Parse(payload, num_labels, multi_label);
}

}  // namespace voc::internal
