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
