// Measures the normalizer and the redactor on the real corpora:
//   * hits per kind on already-anonymised data (every hit is either a leak
//     in the source or a false positive), as a rate per 1,000 records, with
//     optional samples for inspection (--show N);
//   * throughput in MB/s of Normalizer::Normalize, Redactor::Redact and, as
//     references, memcpy and ICU's own NFC normalizeUTF8;
//   * recall per kind on the generated corpus of tests/pii_generator.h.
//
//   build/bin/redact_bench [--data DIR]  (default: $VOC_DATA, else ../shared/data beside the source tree)
//   [--show 5] [--reps 3]
#include <unicode/bytestream.h>
#include <unicode/normalizer2.h>

#include <time.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "bench_data.h"
#include "../tests/pii_generator.h"
#include "voc/normalizer.h"
#include "voc/redactor.h"

namespace {

// Parses RFC 4180 CSV; returns rows of fields.
std::vector<std::vector<std::string>> ReadCsv(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string s((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string field;
  bool quoted = false;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < s.size() && s[i + 1] == '"') {
          field.push_back('"');
          ++i;
        } else {
          quoted = false;
        }
      } else {
        field.push_back(c);
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      row.push_back(std::move(field));
      field.clear();
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < s.size() && s[i + 1] == '\n') ++i;
      row.push_back(std::move(field));
      field.clear();
      rows.push_back(std::move(row));
      row.clear();
    } else {
      field.push_back(c);
    }
  }
  if (!field.empty() || !row.empty()) {
    row.push_back(std::move(field));
    rows.push_back(std::move(row));
  }
  return rows;
}

std::vector<std::string> Column(const std::string& path, const std::string& name) {
  std::vector<std::string> out;
  auto rows = ReadCsv(path);
  if (rows.empty()) return out;
  int col = -1;
  for (size_t i = 0; i < rows[0].size(); ++i)
    if (rows[0][i] == name) col = static_cast<int>(i);
  if (col < 0) {
    std::fprintf(stderr, "redact_bench: no column '%s' in %s\n", name.c_str(), path.c_str());
    return out;
  }
  for (size_t r = 1; r < rows.size(); ++r)
    if (static_cast<size_t>(col) < rows[r].size() && !rows[r][col].empty()) out.push_back(rows[r][col]);
  return out;
}

std::vector<std::string> TabFirst(const std::string& path) {
  std::vector<std::string> out;
  std::ifstream in(path, std::ios::binary);
  std::string line;
  while (std::getline(in, line)) {
    const size_t tab = line.rfind('\t');
    out.push_back(tab == std::string::npos ? line : line.substr(0, tab));
  }
  return out;
}

struct Corpus {
  std::string name;
  std::vector<std::string> texts;
  size_t bytes = 0;
};

// CPU time of this thread: the machines running this are shared, and wall
// time would measure the neighbours.
struct CpuClock {
  using time_point = double;
  static double now() {
    timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
  }
};
double Seconds(double t0) { return CpuClock::now() - t0; }

}  // namespace

int main(int argc, char** argv) {
  std::string data = DefaultDataDir();
  int show = 0, reps = 3;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--data" && i + 1 < argc)
      data = argv[++i];
    else if (a == "--show" && i + 1 < argc)
      show = std::atoi(argv[++i]);
    else if (a == "--reps" && i + 1 < argc)
      reps = std::atoi(argv[++i]);
    else {
      std::fprintf(stderr, "usage: redact_bench [--data DIR] [--show N] [--reps N]\n");
      return 2;
    }
  }
  std::vector<Corpus> corpora;
  corpora.push_back({"cfpb_narratives", Column(data + "/cfpb_complaints/narratives_product_only.csv",
                                               "Consumer complaint narrative")});
  corpora.push_back({"cfpb_sample", Column(data + "/cfpb_complaints/complaints_sample.csv",
                                           "Consumer complaint narrative")});
  {
    Corpus b{"bitext_instruction",
             Column(data + "/bitext_customer_support/Bitext_Sample_Customer_Support_Training_Dataset.csv",
                    "instruction")};
    corpora.push_back(b);
    corpora.push_back(
        {"bitext_response",
         Column(data + "/bitext_customer_support/Bitext_Sample_Customer_Support_Training_Dataset.csv",
                "response")});
  }
  {
    Corpus t{"tweets", Column(data + "/splits/tweets_sentiment_train.csv", "text")};
    for (auto& s : Column(data + "/splits/tweets_sentiment_test.csv", "text")) t.texts.push_back(s);
    corpora.push_back(t);
  }
  {
    Corpus r{"reviews", Column(data + "/splits/reviews_sentiment_train.csv", "text")};
    for (auto& s : Column(data + "/splits/reviews_sentiment_test.csv", "text")) r.texts.push_back(s);
    corpora.push_back(r);
  }
  {
    Corpus u{"uci_sentences", {}};
    for (const char* f : {"amazon_cells_labelled.txt", "imdb_labelled.txt", "yelp_labelled.txt"})
      for (auto& s : TabFirst(data + "/uci_sentiment_labelled_sentences/" + f)) u.texts.push_back(s);
    corpora.push_back(u);
  }
  {
    // Tweets in the languages of the national formats (phones, addresses).
    Corpus x{"xlmt_tweets_6lang", {}};
    for (const char* l : {"german", "spanish", "french", "italian", "portuguese"}) {
      std::ifstream in(data + "/multilingual/eval/xlm-t/" + l + "-test_text.txt", std::ios::binary);
      for (std::string line; std::getline(in, line);) x.texts.push_back(line);
    }
    if (!x.texts.empty()) corpora.push_back(x);
  }
  for (auto& c : corpora)
    for (auto& t : c.texts) c.bytes += t.size();

  auto nr = voc::Normalizer::Create({});
  auto rr = voc::Redactor::Create({});
  if (!nr.ok() || !rr.ok()) {
    std::fprintf(stderr, "redact_bench: cannot create the normalizer or redactor\n");
    return 1;
  }
  const voc::Normalizer& normalizer = **nr;
  const voc::Redactor& redactor = **rr;

  // --- hits on anonymised corpora -------------------------------------------
  std::printf("== hits on anonymised corpora (each is a leak or a false positive)\n");
  std::printf("%-20s %8s %9s %7s", "corpus", "records", "MB", "masks");
  const char* kinds[] = {"email", "phone", "card",    "ssn",     "iban",
                         "ip",    "url",   "account", "address", "custom"};
  for (const char* k : kinds) std::printf(" %7s", k);
  std::printf(" %9s\n", "hits/1k");
  std::vector<std::string> normalized_all;
  for (const Corpus& c : corpora) {
    std::map<std::string, int> hits;
    std::map<std::string, int> shown;
    uint64_t masks = 0;
    int total = 0;
    for (const std::string& t : c.texts) {
      const std::string n = normalizer.Normalize(t).text;
      const voc::Redaction r = redactor.Redact(n);
      masks += r.existing_masks;
      for (const voc::PiiSpan& s : r.spans) {
        ++hits[voc::PiiKindName(s.kind)];
        ++total;
        if (shown[voc::PiiKindName(s.kind)]++ < show) {
          const size_t b = s.begin > 40 ? s.begin - 40 : 0;
          const size_t e = std::min<size_t>(n.size(), s.end + 40);
          std::printf("  [%s] %s <<%s>> %s\n", voc::PiiKindName(s.kind), n.substr(b, s.begin - b).c_str(),
                      n.substr(s.begin, s.end - s.begin).c_str(), n.substr(s.end, e - s.end).c_str());
        }
      }
      normalized_all.push_back(n);
    }
    std::printf("%-20s %8zu %9.2f %7llu", c.name.c_str(), c.texts.size(), c.bytes / 1e6,
                static_cast<unsigned long long>(masks));
    for (const char* k : kinds) std::printf(" %7d", hits[k]);
    std::printf(" %9.2f\n", c.texts.empty() ? 0.0 : 1000.0 * total / c.texts.size());
  }

  // --- recall on Bitext's annotated order and invoice ids ----------------------
  {
    const std::string path =
        data + "/bitext_customer_support/Bitext_Sample_Customer_Support_Training_Dataset.csv";
    auto rows = ReadCsv(path);
    int ci = -1, ct = -1, cv = -1;
    if (!rows.empty())
      for (size_t i = 0; i < rows[0].size(); ++i) {
        if (rows[0][i] == "instruction") ci = static_cast<int>(i);
        if (rows[0][i] == "entity_type") ct = static_cast<int>(i);
        if (rows[0][i] == "entity_value") cv = static_cast<int>(i);
      }
    std::map<std::string, std::pair<int, int>> found;
    for (size_t r = 1; ci >= 0 && ct >= 0 && cv >= 0 && r < rows.size(); ++r) {
      const auto& row = rows[r];
      if (row.size() <= static_cast<size_t>(std::max({ci, ct, cv}))) continue;
      const std::string& type = row[ct];
      if (type != "order_id" && type != "invoice_id") continue;
      std::string value = row[cv];
      if (!value.empty() && value[0] == '#') value.erase(0, 1);
      const std::string n = normalizer.Normalize(row[ci]).text;
      if (n.find(value) == std::string::npos) continue;  // not in the text as annotated
      auto& f = found[type];
      f.first += redactor.Redact(n).text.find(value) == std::string::npos;
      f.second += 1;
    }
    std::printf("\n== Bitext annotated ids masked (real data recall)\n");
    for (const auto& [k, f] : found)
      std::printf("%-12s %6.2f%% (%d/%d)\n", k.c_str(), 100.0 * f.first / f.second, f.first, f.second);
  }

  // --- throughput -------------------------------------------------------------
  std::vector<std::string> all;
  size_t total_bytes = 0;
  for (const Corpus& c : corpora)
    for (const std::string& t : c.texts) {
      all.push_back(t);
      total_bytes += t.size();
    }
  std::printf("\n== throughput over %zu texts, %.1f MB, best of %d, thread CPU time\n", all.size(),
              total_bytes / 1e6, reps);
  auto best = [&](auto fn) {
    double b = 1e9;
    for (int r = 0; r < reps; ++r) {
      const auto t0 = CpuClock::now();
      fn();
      b = std::min(b, Seconds(t0));
    }
    return total_bytes / 1e6 / b;
  };
  size_t sink = 0;
  const double memcpy_mbs = best([&] {
    for (const std::string& t : all) {
      std::string copy(t);
      sink += copy.size();
    }
  });
  UErrorCode st = U_ZERO_ERROR;
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(st);
  const double icu_mbs = best([&] {
    for (const std::string& t : all) {
      std::string out;
      icu::StringByteSink<std::string> bs(&out);
      UErrorCode s2 = U_ZERO_ERROR;
      nfc->normalizeUTF8(0, t, bs, nullptr, s2);
      sink += out.size();
    }
  });
  const double norm_mbs = best([&] {
    for (const std::string& t : all) sink += normalizer.Normalize(t).text.size();
  });
  const double red_mbs = best([&] {
    for (const std::string& t : normalized_all) sink += redactor.Redact(t).text.size();
  });
  // The fast path: clean ASCII lines.
  std::vector<std::string> ascii;
  size_t ascii_bytes = 0;
  for (const std::string& t : normalized_all) {
    bool ok = true;
    for (char ch : t) ok = ok && static_cast<unsigned char>(ch) < 0x80 && ch != '&';
    if (ok) {
      ascii.push_back(t);
      ascii_bytes += t.size();
    }
  }
  double ascii_norm = 1e9, ascii_copy = 1e9;
  for (int r = 0; r < reps; ++r) {
    auto t0 = CpuClock::now();
    for (const std::string& t : ascii) sink += normalizer.Normalize(t).text.size();
    ascii_norm = std::min(ascii_norm, Seconds(t0));
    t0 = CpuClock::now();
    for (const std::string& t : ascii) {
      std::string copy(t);
      sink += copy.size();
    }
    ascii_copy = std::min(ascii_copy, Seconds(t0));
  }
  std::printf("%-40s %9.1f MB/s\n", "std::string copy (memcpy)", memcpy_mbs);
  std::printf("%-40s %9.1f MB/s\n", "ICU Normalizer2 NFC normalizeUTF8", icu_mbs);
  std::printf("%-40s %9.1f MB/s\n", "voc::Normalizer::Normalize", norm_mbs);
  std::printf("%-40s %9.1f MB/s\n", "voc::Redactor::Redact (normalised text)", red_mbs);
  std::printf("%-40s %9.1f MB/s (copy %.1f MB/s, %.1f MB)\n", "Normalize, clean ASCII (fast path)",
              ascii_bytes / 1e6 / ascii_norm, ascii_bytes / 1e6 / ascii_copy, ascii_bytes / 1e6);

  // Per corpus.
  std::printf("\n%-20s %12s %12s\n", "corpus", "normalize", "redact");
  for (const Corpus& c : corpora) {
    std::vector<std::string> norm;
    for (const std::string& t : c.texts) norm.push_back(normalizer.Normalize(t).text);
    double tn = 1e9, tr = 1e9;
    for (int r = 0; r < reps; ++r) {
      double t0 = CpuClock::now();
      for (const std::string& t : c.texts) sink += normalizer.Normalize(t).text.size();
      tn = std::min(tn, Seconds(t0));
      t0 = CpuClock::now();
      for (const std::string& t : norm) sink += redactor.Redact(t).text.size();
      tr = std::min(tr, Seconds(t0));
    }
    std::printf("%-20s %7.1f MB/s %7.1f MB/s\n", c.name.c_str(), c.bytes / 1e6 / tn, c.bytes / 1e6 / tr);
  }

  // --- recall on generated data -------------------------------------------------
  voc_test::PiiGenerator gen(20261123);
  std::map<std::string, std::pair<int, int>> rec;
  for (const auto& s : gen.Positives(1000)) {
    const voc::Redaction r = redactor.Redact(s.text);
    bool found = false;
    for (const auto& sp : r.spans)
      if (sp.kind == s.kind && sp.begin <= s.begin && sp.end >= s.end) found = true;
    auto& h = rec[voc::PiiKindName(s.kind)];
    h.first += found;
    h.second += 1;
  }
  int fp = 0;
  const auto negs = gen.Negatives(10000);
  for (const auto& s : negs) fp += !redactor.Redact(s).spans.empty();
  std::printf("\n== generated data (seed 20261123)\n");
  for (const auto& [k, h] : rec)
    std::printf("%-8s recall %6.2f%% (%d/%d)\n", k.c_str(), 100.0 * h.first / h.second, h.first, h.second);
  std::printf("hard negatives masked: %d of %zu\n", fp, negs.size());

  // --- recall on generated spelling variants -----------------------------------
  // A sample counts when the whole value is inside spans of its kind.
  std::printf("\n== generated variants (seed 20261205): recall per kind and variant\n");
  const voc::PiiKind vkinds[] = {voc::PiiKind::kEmail,    voc::PiiKind::kPhone,   voc::PiiKind::kCard,
                                 voc::PiiKind::kSsn,      voc::PiiKind::kIban,    voc::PiiKind::kIp,
                                 voc::PiiKind::kUrlToken, voc::PiiKind::kAccount, voc::PiiKind::kAddress};
  voc_test::PiiGenerator vgen(20261205);
  for (voc::PiiKind kind : vkinds) {
    int all_hit = 0, all_n = 0;
    std::string line;
    for (auto v : voc_test::PiiGenerator::kVariants) {
      int hit = 0, n = 0;
      for (int tries = 0; n < 500 && tries < 10000; ++tries) {
        voc_test::PiiSample smp;
        if (!vgen.MakeVariant(kind, v, &smp)) continue;
        ++n;
        const voc::Redaction r = redactor.Redact(smp.text);
        uint32_t covered_to = smp.begin;
        for (const auto& sp : r.spans)
          if (sp.kind == kind && sp.begin <= covered_to && sp.end > covered_to) covered_to = sp.end;
        hit += covered_to >= smp.end;
      }
      if (n == 0) continue;
      all_hit += hit;
      all_n += n;
      char cell[64];
      std::snprintf(cell, sizeof cell, " %s %.1f%%", voc_test::PiiGenerator::VariantName(v), 100.0 * hit / n);
      line += cell;
    }
    std::printf("%-8s recall %6.2f%% (%d/%d):%s\n", voc::PiiKindName(kind),
                100.0 * all_hit / std::max(all_n, 1), all_hit, all_n, line.c_str());
  }
  return sink == 42 ? 1 : 0;
}
