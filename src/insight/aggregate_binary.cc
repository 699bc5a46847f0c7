// The binary form of an aggregate (Aggregate::SerializeBinary), for handing
// partial aggregates between the processes of one run.
//
// Layout (integers are LEB128 varints, signed ones zigzag-encoded; a string
// is its byte length then its bytes):
//   "voc.aggb"  version (2)
//   head        string: the JSON of everything but the bulk (aggregate_json.h),
//               read with the checks of Deserialize()
//   phrases     texts: the number of phrases, then each phrase (its id is
//               its position), all: table, all_docs: period counts,
//               unclassified: table, unclassified_docs: period counts,
//               dropped: varint (table: periods, then per period: id,
//               n-grams, then per n-gram: phrase id, count; period counts:
//               periods, then id, count)
//   sample      records, then per record: hash (8 bytes, little-endian), id,
//               period, channel, polarity (signed), score_micros (signed),
//               emotion_micros (signed), signals, covered (0/1), terms,
//               snippet, rating (0/1/2), rating_milli (signed)
// and nothing after. Text is UTF-8 (checked on reading), as in the JSON. The phrases and the tables are
// written in the order of the aggregate's tables (not sorted): this form is fast, not canonical.
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "insight/aggregate_data.h"
#include "insight/aggregate_json.h"
#include "util/impl_access.h"
#include "util/json_depth.h"
#include "util/json_text.h"
#include "voc/aggregate.h"

namespace voc {
namespace {

using internal::AggregateData;
using Json = nlohmann::json;

constexpr char kMagic[] = "voc.aggb";
constexpr size_t kMagicSize = sizeof(kMagic) - 1;
constexpr uint64_t kBinaryVersion = 2;

class Writer {
 public:
  explicit Writer(std::string* out) : out_(out) {}
  void U(uint64_t v) {
    while (v >= 0x80) {
      out_->push_back(static_cast<char>((v & 0x7f) | 0x80));
      v >>= 7;
    }
    out_->push_back(static_cast<char>(v));
  }
  void I(int64_t v) { U((static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63)); }
  // Text as UTF-8, as the JSON has it: a byte that is not well-formed UTF-8
  // is written as U+FFFD (as Serialize() writes the phrases).
  void S(std::string_view s) {
    if (internal::HasInvalidUtf8(s)) {
      std::string fixed;
      for (size_t i = 0; i < s.size();) {
        const size_t n = static_cast<unsigned char>(s[i]) < 0x80 ? 1 : internal::Utf8SequenceLength(s, i);
        if (n == 0) {
          fixed += "\xEF\xBF\xBD";
          ++i;
        } else {
          fixed.append(s.data() + i, n);
          i += n;
        }
      }
      U(fixed.size());
      out_->append(fixed);
      return;
    }
    U(s.size());
    out_->append(s.data(), s.size());
  }
  void Fixed64(uint64_t v) {
    for (int i = 0; i < 8; ++i) out_->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
  }

 private:
  std::string* out_;
};

// Every read checks the bytes left; a shortfall or a bad value throws
// std::runtime_error with what was being read.
class ByteReader {
 public:
  explicit ByteReader(std::string_view in) : in_(in) {}
  [[noreturn]] static void Fail(const std::string& what) { throw std::runtime_error(what); }
  uint64_t U(const char* what) {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos_ >= in_.size()) Fail(std::string("truncated at ") + what);
      const uint8_t b = static_cast<uint8_t>(in_[pos_++]);
      if (shift == 63 && b > 1) Fail(std::string(what) + ": integer out of range");
      v |= static_cast<uint64_t>(b & 0x7f) << shift;
      if (!(b & 0x80)) return v;
    }
    Fail(std::string(what) + ": integer out of range");
  }
  int64_t I(const char* what) {
    const uint64_t z = U(what);
    return static_cast<int64_t>((z >> 1) ^ (~(z & 1) + 1));
  }
  std::string_view S(const char* what) {
    const uint64_t n = U(what);
    if (n > in_.size() - pos_) Fail(std::string("truncated at ") + what);
    std::string_view s = in_.substr(pos_, n);
    if (internal::HasInvalidUtf8(s)) Fail(std::string(what) + ": text that is not UTF-8");
    pos_ += n;
    return s;
  }
  uint64_t Fixed64(const char* what) {
    if (in_.size() - pos_ < 8) Fail(std::string("truncated at ") + what);
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v |= static_cast<uint64_t>(static_cast<uint8_t>(in_[pos_ + i])) << (8 * i);
    pos_ += 8;
    return v;
  }
  // A count of items that each take at least one byte: never more than the
  // bytes left (so a forged count cannot make the reader allocate).
  uint64_t Count(const char* what) {
    const uint64_t n = U(what);
    if (n > in_.size() - pos_) Fail(std::string(what) + ": count exceeds the bytes left");
    return n;
  }
  bool AtEnd() const { return pos_ == in_.size(); }

 private:
  std::string_view in_;
  size_t pos_ = 0;
};

void WriteTable(const std::map<std::string, internal::NgramCounts>& table, Writer* w) {
  w->U(table.size());
  for (const auto& [period, grams] : table) {
    w->S(period);
    w->U(grams.size());
    grams.ForEach([w](uint32_t id, uint64_t n) {
      w->U(id);
      w->U(n);
    });
  }
}

void WritePeriodCounts(const std::map<std::string, uint64_t>& counts, Writer* w) {
  w->U(counts.size());
  for (const auto& [period, n] : counts) {
    w->S(period);
    w->U(n);
  }
}

std::map<std::string, internal::NgramCounts> ReadTable(ByteReader* r, const internal::CheckPeriod& check,
                                                       const std::vector<uint32_t>& ids,
                                                       const std::string& path) {
  std::map<std::string, internal::NgramCounts> out;
  const uint64_t periods = r->Count(path.c_str());
  for (uint64_t i = 0; i < periods; ++i) {
    const std::string period(r->S(path.c_str()));
    check(period, path);
    internal::NgramCounts& m = out[period];
    const uint64_t grams = r->Count(path.c_str());
    m.Reserve(grams);
    for (uint64_t k = 0; k < grams; ++k) {
      const uint64_t id = r->U(path.c_str());
      if (id >= ids.size()) ByteReader::Fail(path + "." + period + ": phrase id out of range");
      m.Add(ids[id], r->U(path.c_str()));
    }
  }
  return out;
}

std::map<std::string, uint64_t> ReadPeriodCounts(ByteReader* r, const internal::CheckPeriod& check,
                                                 const std::string& path) {
  std::map<std::string, uint64_t> out;
  const uint64_t periods = r->Count(path.c_str());
  for (uint64_t i = 0; i < periods; ++i) {
    const std::string period(r->S(path.c_str()));
    check(period, path);
    out[period] = r->U(path.c_str());
  }
  return out;
}

}  // namespace

std::string Aggregate::SerializeBinary() const {
  const AggregateData& d = *impl_;
  std::string out(kMagic, kMagicSize);
  Writer w(&out);
  w.U(kBinaryVersion);
  w.S(internal::AggregateHeadJson(d).dump(-1, ' ', false, Json::error_handler_t::replace));
  w.U(d.phrases.size());
  for (uint32_t id = 0; id < d.phrases.size(); ++id) w.S(d.phrases[id]);
  WriteTable(d.all_ngrams, &w);
  WritePeriodCounts(d.all_docs, &w);
  WriteTable(d.unclassified_ngrams, &w);
  WritePeriodCounts(d.unclassified_docs, &w);
  w.U(d.ngrams_dropped);
  w.U(d.Sample().size());
  for (const internal::SampleDoc& x : d.Sample()) {
    w.Fixed64(x.hash);
    w.S(x.id);
    w.S(x.period);
    w.S(x.channel);
    w.I(x.polarity);
    w.I(x.score_micros);
    w.I(x.emotion_micros);
    w.U(x.signals);
    w.U(x.covered ? 1 : 0);
    w.S(x.terms);
    w.S(x.snippet);
    w.U(x.rating);
    w.I(x.rating_milli);
  }
  return out;
}

Result<Aggregate> Aggregate::DeserializeBinary(std::string_view bytes) {
  if (bytes.size() < kMagicSize || bytes.substr(0, kMagicSize) != std::string_view(kMagic, kMagicSize))
    return InvalidArgumentError("binary aggregate: does not start with \"voc.aggb\"");
  ByteReader r(bytes.substr(kMagicSize));
  std::string_view head;
  try {
    const uint64_t version = r.U("the version");
    if (version != kBinaryVersion)
      return InvalidArgumentError("binary aggregate: unsupported version " + std::to_string(version) +
                                  " (this build reads " + std::to_string(kBinaryVersion) + ")");
    head = r.S("the head");
  } catch (const std::exception& e) {
    return InvalidArgumentError(std::string("binary aggregate: ") + e.what());
  }
  if (std::string deep = internal::JsonDepthError(head); !deep.empty())
    return InvalidArgumentError("binary aggregate: head: " + deep);
  Json j = Json::parse(head.begin(), head.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return InvalidArgumentError("binary aggregate: the head is not valid JSON");
  if (j.is_object() && (j.contains("phrases") || j.contains("sample")))
    return InvalidArgumentError("binary aggregate: the head holds the phrases or the sample");
  internal::BulkReader bulk = [&r](AggregateData* d, const internal::CheckPeriod& check) {
    // Ids as written -> ids read: two phrases written alike (text that was
    // not UTF-8, written with U+FFFD) become one, their counts added.
    const uint64_t phrases = r.Count("$.phrases");
    if (phrases >= internal::PhraseIds::kNone) ByteReader::Fail("$.phrases: too many phrases");
    std::vector<uint32_t> ids(phrases);
    d->phrases.Reserve(phrases);
    for (uint64_t i = 0; i < phrases; ++i) ids[i] = d->phrases.Add(r.S("$.phrases"));
    d->all_ngrams = ReadTable(&r, check, ids, "$.phrases.all");
    d->all_docs = ReadPeriodCounts(&r, check, "$.phrases.all_docs");
    d->unclassified_ngrams = ReadTable(&r, check, ids, "$.phrases.unclassified");
    d->unclassified_docs = ReadPeriodCounts(&r, check, "$.phrases.unclassified_docs");
    d->ngrams_dropped = r.U("$.phrases.dropped");
    const uint64_t n = r.Count("$.sample");
    if (n > d->options.discovery_sample)
      ByteReader::Fail("$.sample: more records than options.discovery_sample");
    d->sample.reserve(n);
    for (uint64_t i = 0; i < n; ++i) {
      const std::string p = "$.sample[" + std::to_string(i) + "]";
      const char* w = p.c_str();
      internal::SampleDoc s;
      s.hash = r.Fixed64(w);
      s.id = std::string(r.S(w));
      s.period = std::string(r.S(w));
      if (s.period != kUndatedPeriod) check(s.period, p);
      s.channel = std::string(r.S(w));
      const int64_t polarity = r.I(w);
      if (polarity < -1 || polarity > 1) ByteReader::Fail(p + ": polarity is not -1, 0 or 1");
      s.polarity = static_cast<int>(polarity);
      s.score_micros = r.I(w);
      s.emotion_micros = r.I(w);
      const uint64_t signals = r.U(w);
      if (signals > UINT32_MAX) ByteReader::Fail(p + ": signals out of range");
      s.signals = static_cast<uint32_t>(signals);
      const uint64_t covered = r.U(w);
      if (covered > 1) ByteReader::Fail(p + ": covered is not 0 or 1");
      s.covered = covered == 1;
      s.terms = std::string(r.S(w));
      s.snippet = std::string(r.S(w));
      const uint64_t rating = r.U(w);
      if (rating > 2) ByteReader::Fail(p + ": the score state is not 0, 1 or 2");
      s.rating = static_cast<uint8_t>(rating);
      s.rating_milli = r.I(w);
      if (s.rating != 1 ? s.rating_milli != 0 : (s.rating_milli < -1000000 || s.rating_milli > 1000000))
        ByteReader::Fail(p + ": the score is out of range for its state");
      if (!d->sample.empty() && !internal::SampleLess(d->sample.back(), s))
        ByteReader::Fail(p + ": the sample is not sorted by hash and id");
      d->sample.push_back(std::move(s));
    }
    if (!r.AtEnd()) ByteReader::Fail("bytes after the end");
  };
  Result<Aggregate> out = internal::AggregateFromJson(j, bulk);
  if (!out.ok()) return InvalidArgumentError("binary " + out.status().message());
  return out;
}

}  // namespace voc
