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
    for (size_t i = 0; i + 1 < N; ++i) buf[n++] = k[i];
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
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    std::string_view s(buf, static_cast<size_t>(r.ptr - buf));
    out_->append(s);
    if (s.find_first_of(".e") == std::string_view::npos) out_->append(".0");
    return *this;
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
