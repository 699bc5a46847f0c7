// Private: a small streaming JSON writer for the per-record outputs
// (AnalysisToJson and friends), where building a DOM first cost more than
// the analysis of a short text. Output matches nlohmann::json's dump() of the
// same document up to number spelling: keys are written in the order given
// (callers give them sorted, as nlohmann's std::map does), strings are UTF-8
// with invalid sequences replaced by U+FFFD, control characters escaped
// (util/json_text.h AppendJsonString).
#ifndef VOC_SRC_JSON_WRITER_H_
#define VOC_SRC_JSON_WRITER_H_

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "util/json_text.h"

namespace voc::internal {

class JsonWriter {
 public:
  explicit JsonWriter(std::string* out) : out_(out) {}

  JsonWriter& BeginObject() {
    Sep();
    out_->push_back('{');
    first_ = true;
    return *this;
  }
  JsonWriter& EndObject() {
    out_->push_back('}');
    first_ = false;
    return *this;
  }
  JsonWriter& BeginArray() {
    Sep();
    out_->push_back('[');
    first_ = true;
    return *this;
  }
  JsonWriter& EndArray() {
    out_->push_back(']');
    first_ = false;
    return *this;
  }

  // The key of the next value in an object. A string literal is written as
  // it is, without the escaping pass: the literal keys of voc's records are
  // plain ASCII names (the tests hold the output to nlohmann's rendering).
  template <size_t N>
  JsonWriter& Key(const char (&k)[N]) {
    static_assert(N >= 1, "a string literal");
    char buf[N + 3];  // ,"key":
    size_t n = 0;
    if (!first_) buf[n++] = ',';
    buf[n++] = '"';
    std::memcpy(buf + n, k, N - 1);  // a copy of known length: a few moves
    n += N - 1;
    buf[n++] = '"';
    buf[n++] = ':';
    out_->append(buf, n);
    first_ = true;  // the value follows without a comma
    return *this;
  }
  // Any other key is escaped.
  JsonWriter& Key(std::string_view k) {
    Sep();
    Quoted(k);
    out_->push_back(':');
    first_ = true;  // the value follows without a comma
    return *this;
  }

  JsonWriter& String(std::string_view s) {
    Sep();
    Quoted(s);
    return *this;
  }
  // A value written before by a JsonWriter (an object or array whole),
  // copied as it is.
  JsonWriter& Raw(std::string_view json) {
    Sep();
    out_->append(json);
    first_ = false;
    return *this;
  }
  JsonWriter& Bool(bool b) {
    Sep();
    out_->append(b ? "true" : "false");
    return *this;
  }
  JsonWriter& Null() {
    Sep();
    out_->append("null");
    return *this;
  }
  JsonWriter& Uint(uint64_t v) {
    Sep();
    AppendNumber(v);
    return *this;
  }
  JsonWriter& Int(int64_t v) {
    Sep();
    AppendNumber(v);
    return *this;
  }
  // Shortest round-trip spelling; integral values keep a ".0"; NaN and
  // infinities are written as null, as nlohmann does.
  JsonWriter& Double(double v) {
    Sep();
    if (!std::isfinite(v)) {
      out_->append("null");
      return *this;
    }
    char buf[32];
    size_t n = ThousandthsSpelling(v, buf);
    if (n == 0) {
      // The last values spelled on this thread, by their bits: a record
      // writes some twice (a one-sentence text's sentence and document
      // scores), and std::to_chars costs some 600 instructions.
      struct Spelled {
        uint64_t bits;
        uint8_t n;  // 0: empty
        char s[31];
      };
      thread_local Spelled memo[8] = {};
      uint64_t bits;
      std::memcpy(&bits, &v, sizeof bits);
      Spelled& m = memo[(bits * 0x9E3779B97F4A7C15ull) >> 61];
      if (m.n != 0 && m.bits == bits) {
        out_->append(m.s, m.n);
        return *this;
      }
      n = static_cast<size_t>(std::to_chars(buf, buf + 24, v).ptr - buf);
      if (std::string_view(buf, n).find_first_of(".e") == std::string_view::npos)
        buf[n++] = '.', buf[n++] = '0';
      m.bits = bits;
      m.n = static_cast<uint8_t>(n);
      std::memcpy(m.s, buf, n);
      out_->append(buf, n);
      return *this;
    }
    std::string_view s(buf, n);
    out_->append(s);
    if (s.find_first_of(".e") == std::string_view::npos) out_->append(".0");
    return *this;
  }

  // What std::to_chars writes for `v` when v is k / 1000 for an integer
  // 0 < |k| < 10^7 (weights rounded to thousandths, 0.9, 1.0 ...), written
  // at `buf` (12 bytes at most); 0 for any other value. The decimal k / 1000
  // is then the shortest spelling that reads back as v (any other of as few
  // digits is at least 10^-9 away, where doubles below 10^4 are 2^-39
  // apart), and fixed notation is never longer than scientific there.
  static size_t ThousandthsSpelling(double v, char* buf) {
    if (!(std::fabs(v) < 1e4)) return 0;
    const double scaled = v * 1000.0;
    const int64_t k = static_cast<int64_t>(scaled < 0 ? scaled - 0.5 : scaled + 0.5);
    if (k == 0 || static_cast<double>(k) / 1000.0 != v) return 0;
    uint64_t m = static_cast<uint64_t>(k < 0 ? -k : k);
    char digits[8];
    size_t nd = 0;
    for (; m != 0; m /= 10) digits[nd++] = static_cast<char>('0' + m % 10);  // lowest first
    size_t frac = 3, low = 0;  // drop the fraction's trailing zeros
    while (frac > 0 && low < nd && digits[low] == '0') --frac, ++low;
    if (low == nd) return 0;  // not reached: k != 0
    size_t n = 0;
    if (k < 0) buf[n++] = '-';
    // Integer part: the digits above the three fraction places.
    if (nd > 3) {
      for (size_t i = nd; i-- > 3;) buf[n++] = digits[i];
    } else {
      buf[n++] = '0';
    }
    if (frac > 0) {
      buf[n++] = '.';
      for (size_t i = 3; i-- > 3 - frac;) buf[n++] = i < nd ? digits[i] : '0';
    }
    return n;
  }

 private:
  void Sep() {
    if (!first_) out_->push_back(',');
    first_ = false;
  }

  template <typename T>
  void AppendNumber(T v) {
    char buf[24];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    out_->append(buf, static_cast<size_t>(r.ptr - buf));
  }

  void Quoted(std::string_view s) { AppendJsonString(s, out_); }

  std::string* out_;
  bool first_ = true;
};

}  // namespace voc::internal

#endif  // VOC_SRC_JSON_WRITER_H_
