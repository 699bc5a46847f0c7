// Private: a small streaming JSON writer for the per-record outputs
// (AnalysisToJson and friends), where building a DOM first cost more than
// the analysis of a short text. Output matches nlohmann::json's dump() of the
// same document up to number spelling: keys are written in the order given
// (callers give them sorted, as nlohmann's std::map does), strings are UTF-8
// with invalid sequences replaced by U+FFFD, control characters escaped.
#ifndef VOC_SRC_JSON_WRITER_H_
#define VOC_SRC_JSON_WRITER_H_

#include <charconv>
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>

namespace voc::internal {

class JsonWriter {
 public:
  explicit JsonWriter(std::string* out) : out_(out) {}

  JsonWriter& BeginObject() { Sep(); out_->push_back('{'); first_ = true; return *this; }
  JsonWriter& EndObject() { out_->push_back('}'); first_ = false; return *this; }
  JsonWriter& BeginArray() { Sep(); out_->push_back('['); first_ = true; return *this; }
  JsonWriter& EndArray() { out_->push_back(']'); first_ = false; return *this; }

  // The key of the next value in an object.
  JsonWriter& Key(std::string_view k) {
    Sep();
    Quoted(k);
    out_->push_back(':');
    first_ = true;  // the value follows without a comma
    return *this;
  }

  JsonWriter& String(std::string_view s) { Sep(); Quoted(s); return *this; }
  JsonWriter& Bool(bool b) { Sep(); out_->append(b ? "true" : "false"); return *this; }
  JsonWriter& Null() { Sep(); out_->append("null"); return *this; }
  JsonWriter& Uint(uint64_t v) { Sep(); AppendNumber(v); return *this; }
  JsonWriter& Int(int64_t v) { Sep(); AppendNumber(v); return *this; }
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

  // Length of the valid UTF-8 sequence at s[i], or 0 if it is invalid.
  static size_t Utf8Length(std::string_view s, size_t i) {
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    const size_t n = s.size();
    const unsigned char c = p[i];
    if (c < 0x80) return 1;
    size_t len;
    uint32_t cp;
    if (c >= 0xC2 && c <= 0xDF) len = 2, cp = c & 0x1F;
    else if (c >= 0xE0 && c <= 0xEF) len = 3, cp = c & 0x0F;
    else if (c >= 0xF0 && c <= 0xF4) len = 4, cp = c & 0x07;
    else return 0;
    if (i + len > n) return 0;
    for (size_t k = 1; k < len; ++k) {
      if ((p[i + k] & 0xC0) != 0x80) return 0;
      cp = (cp << 6) | (p[i + k] & 0x3F);
    }
    if ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
        (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
      return 0;
    return len;
  }

  void Quoted(std::string_view s) {
    static const char kHex[] = "0123456789abcdef";
    out_->push_back('"');
    size_t i = 0, run = 0;  // [run, i): bytes to copy as they are
    while (i < s.size()) {
      const unsigned char c = static_cast<unsigned char>(s[i]);
      if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
        ++i;
        continue;
      }
      if (c >= 0x80) {
        size_t len = Utf8Length(s, i);
        if (len > 0) {
          i += len;
          continue;
        }
      }
      out_->append(s.data() + run, i - run);
      switch (c) {
        case '"': out_->append("\\\""); break;
        case '\\': out_->append("\\\\"); break;
        case '\b': out_->append("\\b"); break;
        case '\f': out_->append("\\f"); break;
        case '\n': out_->append("\\n"); break;
        case '\r': out_->append("\\r"); break;
        case '\t': out_->append("\\t"); break;
        default:
          if (c < 0x20) {
            out_->append("\\u00");
            out_->push_back(kHex[c >> 4]);
            out_->push_back(kHex[c & 15]);
          } else {
            out_->append("\xEF\xBF\xBD");  // invalid UTF-8: U+FFFD
          }
      }
      run = ++i;
    }
    out_->append(s.data() + run, s.size() - run);
    out_->push_back('"');
  }

  std::string* out_;
  bool first_ = true;
};

}  // namespace voc::internal

#endif  // VOC_SRC_JSON_WRITER_H_
