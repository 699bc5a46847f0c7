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
    char buf[kDoubleRoom];
    out_->append(buf, SpellDouble(v, buf));
    return *this;
  }

  // The most bytes SpellDouble writes.
  static constexpr size_t kDoubleRoom = 40;  // ShortestDoubleSpelling's room, >= sizeof Spelled::s
  // Writes Double's spelling of `v` at `buf` (kDoubleRoom bytes) and returns
  // its length: std::to_chars' shortest round-trip spelling with ".0" after
  // an integral value, "null" for NaN and infinities.
  static size_t SpellDouble(double v, char* buf) {
    if (!std::isfinite(v)) {
      std::memcpy(buf, "null", 4);
      return 4;
    }
    size_t n = ThousandthsSpelling(v, buf);
    if (n != 0) {
      // No '.' exactly when v is an integer (k a multiple of 1000; any other
      // k / 1000 is 0.001 from every integer).
      if (v == static_cast<double>(static_cast<int64_t>(v))) buf[n++] = '.', buf[n++] = '0';
      return n;
    }
    // The last values spelled on this thread, by their bits: a record
    // writes some twice (a one-sentence text's sentence and document
    // scores).
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
      std::memcpy(buf, m.s, sizeof m.s);
      return m.n;
    }
    n = ShortestDoubleSpelling(v, buf);
    if (n == 0) {  // other magnitudes, and zero
      n = static_cast<size_t>(std::to_chars(buf, buf + 24, v).ptr - buf);
      if (std::string_view(buf, n).find_first_of(".e") == std::string_view::npos)
        buf[n++] = '.', buf[n++] = '0';
    }
    m.bits = bits;
    m.n = static_cast<uint8_t>(n);
    std::memcpy(m.s, buf, sizeof m.s);
    return n;
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
    const auto m = static_cast<uint32_t>(k < 0 ? -k : k);  // < 10^7
    const uint32_t whole = m / 1000, frac = m % 1000;      // whole < 10^4
    char* q = buf;
    if (k < 0) *q++ = '-';
    q = std::to_chars(q, q + 4, whole).ptr;
    if (frac != 0) {  // the fraction's three digits without their trailing zeros
      *q++ = '.';
      q[0] = static_cast<char>('0' + frac / 100);
      q[1] = static_cast<char>('0' + frac / 10 % 10);
      q[2] = static_cast<char>('0' + frac % 10);
      q += frac % 100 == 0 ? 1 : frac % 10 == 0 ? 2 : 3;
    }
    return static_cast<size_t>(q - buf);
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

// Pieces of JSON written at `p`, which has room for them; each returns the
// end of what it wrote. A literal as it is (keys, punctuation).
template <size_t N>
inline char* PutLiteral(char* p, const char (&s)[N]) {
  std::memcpy(p, s, N - 1);
  return p + N - 1;
}
constexpr size_t kUintRoom = 20;
inline char* PutUint(char* p, uint64_t v) { return std::to_chars(p, p + kUintRoom, v).ptr; }
// JsonWriter::kDoubleRoom bytes.
inline char* PutDouble(char* p, double v) { return p + JsonWriter::SpellDouble(v, p); }
// JsonStringRoom(s.size()) bytes.
inline char* PutString(char* p, std::string_view s) { return WriteJsonString(s, p); }

// A member: its key (a literal with its quotes, colon and any comma before
// it, as ",\"id\":") and its value.
template <size_t N>
inline char* PutStringMember(char* p, const char (&key)[N], std::string_view v) {
  return PutString(PutLiteral(p, key), v);
}
template <size_t N>
inline char* PutDoubleMember(char* p, const char (&key)[N], double v) {
  return PutDouble(PutLiteral(p, key), v);
}
template <size_t N>
inline char* PutUintMember(char* p, const char (&key)[N], uint64_t v) {
  return PutUint(PutLiteral(p, key), v);
}

// JsonWriter's calls for the per-record outputs, written through a pointer
// into spare room at the end of the string instead of one append per call.
// The string holds just the text written (its size right) only after
// Finish() or the writer's end: meanwhile use size() and view() for what was
// written, and do not touch the string otherwise.
class JsonRoomWriter {
 public:
  explicit JsonRoomWriter(std::string* out)
      : out_(out), base_(out->data()), p_(base_ + out->size()), end_(p_) {}
  ~JsonRoomWriter() { Finish(); }
  JsonRoomWriter(const JsonRoomWriter&) = delete;
  JsonRoomWriter& operator=(const JsonRoomWriter&) = delete;

  // Cuts the string to what was written.
  void Finish() {
    out_->resize(size());
    end_ = p_;
  }
  // Bytes in the string so far (as its size will be).
  size_t size() const { return static_cast<size_t>(p_ - base_); }
  std::string_view view(size_t begin, size_t end) const {
    return std::string_view(base_ + begin, end - begin);
  }

  JsonRoomWriter& BeginObject() { return Open('{'); }
  JsonRoomWriter& EndObject() { return Close('}'); }
  JsonRoomWriter& BeginArray() { return Open('['); }
  JsonRoomWriter& EndArray() { return Close(']'); }

  // As JsonWriter::Key: a string literal is written as it is.
  template <size_t N>
  JsonRoomWriter& Key(const char (&k)[N]) {
    static_assert(N >= 1, "a string literal");
    char* p = Room(N + 3);  // ,"key":
    if (!first_) *p++ = ',';
    *p++ = '"';
    std::memcpy(p, k, N - 1);
    p += N - 1;
    *p++ = '"';
    *p++ = ':';
    Commit(p);
    first_ = true;  // the value follows without a comma
    return *this;
  }
  JsonRoomWriter& Key(std::string_view k) {
    String(k);
    *Room(1) = ':';
    ++p_;
    first_ = true;
    return *this;
  }
  JsonRoomWriter& String(std::string_view s) {
    if (s.size() <= kShortString) {
      char* p = Sep(Room(1 + JsonStringRoom(s.size())));
      Commit(WriteJsonString(s, p));
      return *this;
    }
    // A long text: its plain runs, then each other byte or sequence.
    char* p = Sep(Room(1 + 1 + s.size() + kJsonEscapeRoom + 1));
    *p++ = '"';
    Commit(p);
    for (size_t i = 0; i < s.size();) {
      const size_t run = PlainJsonRun(s.data() + i, s.size() - i);
      p = Room(run + kJsonEscapeRoom + 1);
      std::memcpy(p, s.data() + i, run);
      p += run;
      i += run;
      if (i < s.size()) i += EscapeJsonOne(s, i, &p);
      Commit(p);
    }
    *Room(1) = '"';
    ++p_;
    return *this;
  }
  // As JsonWriter::Raw: a value written before, copied as it is.
  JsonRoomWriter& Raw(std::string_view json) {
    char* p = Sep(Room(1 + json.size()));
    std::memcpy(p, json.data(), json.size());
    Commit(p + json.size());
    first_ = false;
    return *this;
  }
  JsonRoomWriter& Bool(bool b) { return Word(b ? std::string_view("true") : std::string_view("false")); }
  JsonRoomWriter& Null() { return Word("null"); }
  JsonRoomWriter& Uint(uint64_t v) {
    char* p = Sep(Room(1 + 20));
    Commit(std::to_chars(p, p + 20, v).ptr);
    return *this;
  }
  JsonRoomWriter& Double(double v) {
    char* p = Sep(Room(1 + JsonWriter::kDoubleRoom));
    Commit(p + JsonWriter::SpellDouble(v, p));
    return *this;
  }

  // The writer's parts, for callers that write a value of several members
  // at once: Room(n) gives room for `n` bytes, Sep() writes a comma where
  // one is due, the Put functions below write the pieces, and Commit(end)
  // (Keyed(end) after a key, Done(end) after a whole value) keeps what was
  // written up to `end`.
  char* Room(size_t n) {
    if (static_cast<size_t>(end_ - p_) < n) Grow(n);
    return p_;
  }
  void Commit(char* end) { p_ = end; }
  // After a key: its value follows without a comma.
  void Keyed(char* end) {
    p_ = end;
    first_ = true;
  }
  void Done(char* end) {
    p_ = end;
    first_ = false;
  }
  char* Sep(char* p) {
    if (!first_) *p++ = ',';
    first_ = false;
    return p;
  }

 private:
  static constexpr size_t kShortString = 96;
  static constexpr size_t kSlack = 1024;  // room made beyond a request: fewer resizes
  void Grow(size_t n) {
    const size_t len = size();
    out_->resize(len + n + kSlack);
    base_ = out_->data();
    p_ = base_ + len;
    end_ = base_ + out_->size();
  }

  JsonRoomWriter& Open(char c) {
    char* p = Sep(Room(2));
    *p++ = c;
    Commit(p);
    first_ = true;
    return *this;
  }
  JsonRoomWriter& Close(char c) {
    *Room(1) = c;
    ++p_;
    first_ = false;
    return *this;
  }
  JsonRoomWriter& Word(std::string_view w) {
    char* p = Sep(Room(1 + w.size()));
    std::memcpy(p, w.data(), w.size());
    Commit(p + w.size());
    return *this;
  }

  std::string* out_;
  char* base_;  // out_->data()
  char* p_;     // the end of what was written
  char* end_;   // the end of the string: [p_, end_) is spare room
  bool first_ = true;
};

}  // namespace voc::internal

#endif  // VOC_SRC_JSON_WRITER_H_
