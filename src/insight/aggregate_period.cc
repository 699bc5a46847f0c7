// Period ids: UTC days, ISO 8601 weeks (Monday start) and months.
#include <cstdio>
#include <string>
#include <string_view>

#include "voc/aggregate.h"

namespace voc {
namespace {

int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

// Days since 1970-01-01 of a proleptic Gregorian date.
int64_t DaysFromCivil(int64_t y, int m, int d) {
  y -= m <= 2;
  const int64_t era = FloorDiv(y, 400);
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

void CivilFromDays(int64_t z, int64_t* y, int* m, int* d) {
  z += 719468;
  const int64_t era = FloorDiv(z, 146097);
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  *d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  *m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  *y = yoe + era * 400 + (*m <= 2);
}

// Monday-start week ordinal of a day: week 0 starts on Monday 1969-12-29.
int64_t WeekOfDay(int64_t day) { return FloorDiv(day + 3, 7); }

bool ParseInt(std::string_view s, int64_t* out) {
  if (s.empty() || s.size() > 6) return false;
  int64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *out = v;
  return true;
}

}  // namespace

const char* PeriodName(Period p) {
  switch (p) {
    case Period::kDay:
      return "day";
    case Period::kWeek:
      return "week";
    case Period::kMonth:
      return "month";
  }
  return "week";
}

Result<Period> ParsePeriod(std::string_view name) {
  if (name == "day") return Period::kDay;
  if (name == "week") return Period::kWeek;
  if (name == "month") return Period::kMonth;
  return InvalidArgumentError("unknown period '" + std::string(name) + "' (expected day, week or month)");
}

std::string PeriodIdFromOrdinal(int64_t ordinal, Period p) {
  char buf[32];
  int64_t y;
  int m, d;
  switch (p) {
    case Period::kDay:
      CivilFromDays(ordinal, &y, &m, &d);
      std::snprintf(buf, sizeof buf, "%04lld-%02d-%02d", static_cast<long long>(y), m, d);
      return buf;
    case Period::kWeek: {
      const int64_t monday = ordinal * 7 - 3;
      const int64_t thursday = monday + 3;  // its year is the ISO year
      CivilFromDays(thursday, &y, &m, &d);
      const int64_t week = (thursday - DaysFromCivil(y, 1, 1)) / 7 + 1;
      std::snprintf(buf, sizeof buf, "%04lld-W%02lld", static_cast<long long>(y),
                    static_cast<long long>(week));
      return buf;
    }
    case Period::kMonth:
      std::snprintf(buf, sizeof buf, "%04lld-%02d", static_cast<long long>(FloorDiv(ordinal, 12)),
                    static_cast<int>(ordinal - FloorDiv(ordinal, 12) * 12) + 1);
      return buf;
  }
  return "";
}

std::string PeriodId(int64_t unix_seconds, Period p) {
  const int64_t day = FloorDiv(unix_seconds, 86400);
  switch (p) {
    case Period::kDay:
      return PeriodIdFromOrdinal(day, p);
    case Period::kWeek:
      return PeriodIdFromOrdinal(WeekOfDay(day), p);
    case Period::kMonth: {
      int64_t y;
      int m, d;
      CivilFromDays(day, &y, &m, &d);
      return PeriodIdFromOrdinal(y * 12 + (m - 1), p);
    }
  }
  return "";
}

Result<int64_t> PeriodOrdinal(std::string_view id, Period p) {
  auto bad = [&]() {
    return InvalidArgumentError("'" + std::string(id) + "' is not a " + PeriodName(p) + " period id");
  };
  int64_t y = 0, a = 0, b = 0, ordinal = 0;
  switch (p) {
    case Period::kDay:
      if (id.size() != 10 || id[4] != '-' || id[7] != '-' || !ParseInt(id.substr(0, 4), &y) ||
          !ParseInt(id.substr(5, 2), &a) || !ParseInt(id.substr(8, 2), &b) || a < 1 || a > 12 || b < 1 ||
          b > 31)
        return bad();
      ordinal = DaysFromCivil(y, static_cast<int>(a), static_cast<int>(b));
      break;
    case Period::kWeek: {
      if (id.size() != 8 || id[4] != '-' || id[5] != 'W' || !ParseInt(id.substr(0, 4), &y) ||
          !ParseInt(id.substr(6, 2), &a) || a < 1 || a > 53)
        return bad();
      const int64_t jan4 = DaysFromCivil(y, 1, 4);
      const int64_t week1_monday = WeekOfDay(jan4) * 7 - 3;
      ordinal = WeekOfDay(week1_monday + 7 * (a - 1));
      break;
    }
    case Period::kMonth:
      if (id.size() != 7 || id[4] != '-' || !ParseInt(id.substr(0, 4), &y) ||
          !ParseInt(id.substr(5, 2), &a) || a < 1 || a > 12)
        return bad();
      ordinal = y * 12 + (a - 1);
      break;
  }
  // Rejects dates like 2023-02-30 and week 53 of a 52-week year.
  if (PeriodIdFromOrdinal(ordinal, p) != id) return bad();
  return ordinal;
}

}  // namespace voc
