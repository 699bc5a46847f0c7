// The per-record JSON writer's numbers: its spelling of doubles with at most
// three decimals (written without std::to_chars) must be std::to_chars'.
#include <doctest/doctest.h>

#include <charconv>
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "util/json_writer.h"

#include <nlohmann/json.hpp>

namespace {

std::string Written(double v) {
  std::string out;
  voc::internal::JsonWriter(&out).Double(v);
  return out;
}

std::string ToChars(double v) {
  char buf[32];
  std::string s(buf, static_cast<size_t>(std::to_chars(buf, buf + sizeof buf, v).ptr - buf));
  if (s.find_first_of(".e") == std::string::npos) s += ".0";
  return s;
}

}  // namespace

TEST_CASE("JsonWriter::Double: thousandths are spelled as std::to_chars spells them") {
  using voc::internal::JsonWriter;
  char buf[32];
  // Every k / 1000 up to 300 in magnitude, then a sample up to 10^4.
  for (int64_t k = -300000; k <= 300000; ++k) {
    const double v = static_cast<double>(k) / 1000.0;
    REQUIRE_MESSAGE(Written(v) == ToChars(v), "k = " << k);
    if (k != 0) CHECK(JsonWriter::ThousandthsSpelling(v, buf) > 0);  // the fast path, not the fallback
  }
  std::mt19937_64 rng(7);
  for (int i = 0; i < 200000; ++i) {
    const int64_t k = static_cast<int64_t>(rng() % 19999999) - 9999999;
    const double v = static_cast<double>(k) / 1000.0;
    REQUIRE_MESSAGE(Written(v) == ToChars(v), "k = " << k);
  }
  CHECK(Written(2.4) == "2.4");
  CHECK(Written(-3.7) == "-3.7");
  CHECK(Written(0.005) == "0.005");
  CHECK(Written(1.0) == "1.0");
  CHECK(Written(-1000.0) == "-1000.0");
  CHECK(Written(0.0) == "0.0");
  CHECK(Written(-0.0) == "-0.0");
}

TEST_CASE("JsonWriter::Double: other values go to std::to_chars") {
  using voc::internal::JsonWriter;
  char buf[32];
  for (double v :
       {0.1 + 0.2, 0.0005, 1e-4, 0.3102349042892456, 12345.5, 1e4, 1e5, -1e7, 9999.9995, 0.0, -0.0, 5e-324}) {
    CHECK_MESSAGE(Written(v) == ToChars(v), v);
  }
  CHECK(JsonWriter::ThousandthsSpelling(0.1 + 0.2, buf) == 0);
  CHECK(JsonWriter::ThousandthsSpelling(0.0005, buf) == 0);
  CHECK(JsonWriter::ThousandthsSpelling(1e4, buf) == 0);
  CHECK(JsonWriter::ThousandthsSpelling(0.0, buf) == 0);
  CHECK(JsonWriter::ThousandthsSpelling(-0.0, buf) == 0);
  CHECK(Written(std::nan("")) == "null");
  CHECK(Written(INFINITY) == "null");
  // Values spelled before (the writer keeps the last few per thread) are
  // spelled again the same, and only for the same bits.
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> any(-2e4, 2e4);
  std::vector<double> seen;
  for (int i = 0; i < 200000; ++i) {
    const double v = i % 3 == 2 && !seen.empty() ? seen[rng() % seen.size()] : any(rng);
    if (seen.size() < 16) seen.push_back(v);
    REQUIRE_MESSAGE(Written(v) == ToChars(v), v);
    REQUIRE_MESSAGE(Written(std::nextafter(v, 1e9)) == ToChars(std::nextafter(v, 1e9)), v);
  }
  CHECK(Written(0.990792402433908) == "0.990792402433908");
  CHECK(Written(0.990792402433908) == "0.990792402433908");
  CHECK(Written(-0.9884756503086467) == "-0.9884756503086467");
}

namespace {

// ShortestDoubleSpelling's answer for `v`, or "" when it leaves `v` to
// std::to_chars.
std::string Shortest(double v) {
  char buf[40];
  const size_t n = voc::internal::ShortestDoubleSpelling(v, buf);
  return std::string(buf, n);
}

}  // namespace

TEST_CASE("ShortestDoubleSpelling: std::to_chars' spelling for 2^-14 <= |v| < 2^53") {
  std::mt19937_64 rng(3);
  // Every exponent of the range, random mantissas, both signs.
  for (int i = 0; i < 400000; ++i) {
    const int e = -14 + static_cast<int>(rng() % 67);  // 2^e <= |v| < 2^(e+1)
    const double v = std::ldexp(1.0 + static_cast<double>(rng() >> 12) / 4503599627370496.0, e) *
                     (i % 2 == 0 ? 1.0 : -1.0);
    REQUIRE_MESSAGE(Shortest(v) == ToChars(v), v);
  }
  // Probabilities and scores as computed, short decimals, neighbours of
  // powers of two and of ten (where the lower gap halves, and where the
  // shortest spelling may be the bound itself).
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  for (int i = 0; i < 200000; ++i) {
    const double p = unit(rng);
    for (double v : {p, 1.0 / (1.0 + std::exp(-20 * p + 10)), std::round(p * 1e6) / 1e6, p * 9e15,
                     std::nextafter(p, 2.0)})
      if (v >= 0x1p-14) REQUIRE_MESSAGE(Shortest(v) == ToChars(v), v);
  }
  for (int e = -14; e < 53; ++e)
    for (double v = std::ldexp(1.0, e), k = 0; k < 4; ++k, v = std::nextafter(v, 1e300)) {
      REQUIRE_MESSAGE(Shortest(v) == ToChars(v), v);
      const double below = std::nextafter(std::ldexp(1.0, e), 0.0);
      if (e > -14) REQUIRE_MESSAGE(Shortest(below) == ToChars(below), e);
    }
  for (int k = -4; k < 16; ++k)
    for (int d = 1; d < 1000; ++d) {
      const double v = d * std::pow(10.0, k);
      if (v >= 0x1p53) {
        REQUIRE(Shortest(v).empty());
        continue;
      }
      REQUIRE_MESSAGE(Shortest(v) == ToChars(v), v);
      REQUIRE_MESSAGE(Shortest(std::nextafter(v, 0.0)) == ToChars(std::nextafter(v, 0.0)), v);
    }
  // Scientific notation where it is shorter, fixed on a tie, ".0" after
  // integers.
  CHECK(Shortest(1e-4) == "1e-04");
  CHECK(Shortest(0.001) == "0.001");
  CHECK(Shortest(1.5e-4) == "0.00015");
  CHECK(Shortest(1e15) == "1e+15");
  CHECK(Shortest(123456.0) == "123456.0");
  CHECK(Shortest(0.3102349042892456) == "0.3102349042892456");
  CHECK(Shortest(-0.1 - 0.2) == "-0.30000000000000004");
  // Other values are left to std::to_chars.
  for (double v : {0.0, -0.0, 0x1p-15, 0x1p53, 1e300, 5e-324, -1e20}) CHECK_MESSAGE(Shortest(v).empty(), v);
}

TEST_CASE("JsonRoomWriter writes what JsonWriter writes") {
  using voc::internal::JsonRoomWriter;
  using voc::internal::JsonWriter;
  std::mt19937 rng(9);
  const std::string pieces[] = {"a", "word ", "\"", "\\", "\n", "\x01", "\xC3\xA9", "\xFF", "\xE2\x80\x99"};
  auto random_text = [&](size_t parts) {
    std::string t;
    for (size_t k = 0; k < parts; ++k) t += pieces[rng() % std::size(pieces)];
    return t;
  };
  for (int round = 0; round < 300; ++round) {
    // The same calls on both writers, after the same prefix; texts past the
    // writer's spare room (long, all escapes) make it grow.
    std::vector<std::string> texts;
    for (int k = 0; k < 12; ++k) texts.push_back(random_text(rng() % (k == 5 ? 3000 : 20)));
    std::string want = "prefix", got = "prefix";
    {
      JsonWriter w(&want);
      JsonRoomWriter r(&got);
      w.BeginObject();
      r.BeginObject();
      for (int k = 0; k < 12; ++k) {
        const std::string& t = texts[k];
        switch ((round + k) % 6) {
          case 0:
            w.Key("text").String(t);
            r.Key("text").String(t);
            break;
          case 1: {
            const uint64_t u = rng();
            w.Key(t).Uint(u);
            r.Key(t).Uint(u);
            break;
          }
          case 2: {
            const double v = std::ldexp(static_cast<double>(rng()), -static_cast<int>(rng() % 60));
            w.Key("x").Double(v);
            r.Key("x").Double(v);
            break;
          }
          case 3:
            w.Key("list").BeginArray().Bool(k % 2 == 0).Null().String(t).BeginObject().EndObject().EndArray();
            r.Key("list").BeginArray().Bool(k % 2 == 0).Null().String(t).BeginObject().EndObject().EndArray();
            break;
          case 4:
            w.Key("raw").Raw("[1,2]");
            r.Key("raw").Raw("[1,2]");
            break;
          default: {
            // The parts: one value written in pieces.
            w.Key("span").BeginObject().Key("begin").Uint(k).Key("source").String(t).EndObject();
            char* key = r.Sep(r.Room(16));
            r.Keyed(voc::internal::PutLiteral(key, "\"span\":"));
            char* p = r.Sep(r.Room(64 + voc::internal::JsonStringRoom(t.size())));
            p = voc::internal::PutLiteral(p, "{\"begin\":");
            p = voc::internal::PutUint(p, static_cast<uint64_t>(k));
            p = voc::internal::PutLiteral(p, ",\"source\":");
            p = voc::internal::PutString(p, t);
            *p++ = '}';
            r.Done(p);
          }
        }
        REQUIRE(r.size() == want.size());
        REQUIRE(r.view(0, r.size()) == want);
      }
      w.EndObject();
      r.EndObject();
    }
    REQUIRE(got == want);
    CHECK(nlohmann::json::accept(want.substr(6)));
  }
}
