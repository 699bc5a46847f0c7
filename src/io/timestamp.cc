// Timestamp parsing and formatting for record times (Unix seconds UTC).
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "io/reader_internal.h"
#include "voc/reader.h"

namespace voc {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool IsLeap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysInMonth(int64_t y, int m) {
  static const int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

// Days since 1970-01-01 of a proleptic Gregorian date.
int64_t DaysFromCivil(int64_t y, int m, int d) {
  y -= m <= 2 ? 1 : 0;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;                                    // [0, 399]
  const int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;  // [0, 365]
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;            // [0, 146096]
  return era * 146097 + doe - 719468;
}

void CivilFromDays(int64_t z, int64_t* y, int* m, int* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  *d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  *m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  *y = yoe + era * 400 + (*m <= 2 ? 1 : 0);
}

// A cursor over the text being parsed.
struct Cursor {
  std::string_view s;
  size_t i = 0;
  bool Done() const { return i == s.size(); }
  bool Eat(char c) {
    if (i < s.size() && s[i] == c) {
      ++i;
      return true;
    }
    return false;
  }
  // Reads between `min` and `max` digits.
  bool Digits(size_t min, size_t max, int64_t* out) {
    size_t start = i;
    int64_t v = 0;
    while (i < s.size() && i - start < max && IsDigit(s[i])) v = v * 10 + (s[i++] - '0');
    if (i - start < min) {
      i = start;
      return false;
    }
    *out = v;
    return true;
  }
  bool EatWord(std::string_view w) {  // ASCII case-insensitive
    if (s.size() - i < w.size()) return false;
    for (size_t k = 0; k < w.size(); ++k) {
      char c = s[i + k];
      if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
      if (c != w[k]) return false;
    }
    i += w.size();
    return true;
  }
};

bool ParseUnixSeconds(std::string_view s, int64_t* out, std::string* why) {
  size_t i = 0;
  bool negative = false;
  if (s[0] == '-' || s[0] == '+') {
    negative = s[0] == '-';
    ++i;
  }
  size_t start = i;
  int64_t v = 0;
  while (i < s.size() && IsDigit(s[i])) {
    if (i - start >= 15) {
      *why = "Unix seconds out of range (years 1900-2199)";
      return false;
    }
    v = v * 10 + (s[i++] - '0');
  }
  if (i == start) return false;
  if (i < s.size()) {
    if (s[i] != '.' || i + 1 == s.size()) return false;
    for (++i; i < s.size(); ++i)
      if (!IsDigit(s[i])) return false;
  }
  *out = negative ? -v : v;
  // Unix seconds of 1900-01-01 and 2200-01-01: beyond them a number is not a
  // plausible contact time (milliseconds or microseconds since the epoch
  // are the usual cause), and one such record would stretch every window.
  constexpr int64_t kMin = -2208988800, kMax = 7258118400;
  if (*out < kMin || *out >= kMax) {
    *why = "Unix seconds out of range (years 1900-2199)";
    if (*out >= kMax && *out / 1000 < kMax)
      *why += "; milliseconds since the epoch? divide by 1000";
    else if (*out >= kMax && *out / 1000000 < kMax)
      *why += "; microseconds since the epoch? divide by 1000000";
    return false;
  }
  return true;
}

}  // namespace

namespace internal {

bool ParseTimestampDetail(std::string_view text, int64_t* out, std::string* why) {
  why->clear();
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r'))
    text.remove_suffix(1);
  if (text.empty()) {
    *why = "empty";
    return false;
  }
  bool all_numeric = true;
  for (char c : text)
    if (!IsDigit(c) && c != '.' && c != '-' && c != '+') all_numeric = false;
  if (all_numeric && text.find('-', 1) == std::string_view::npos) {
    return ParseUnixSeconds(text, out, why);
  }

  Cursor c{text};
  int64_t year = 0, month = 0, day = 0;
  bool us_date = false;
  if (c.Digits(4, 4, &year) && c.Eat('-')) {
    if (!c.Digits(2, 2, &month) || !c.Eat('-') || !c.Digits(2, 2, &day)) return false;
  } else {
    c.i = 0;
    if (!c.Digits(1, 2, &month) || !c.Eat('/') || !c.Digits(1, 2, &day) || !c.Eat('/') ||
        !c.Digits(4, 4, &year))
      return false;
    us_date = true;
  }
  if (month < 1 || month > 12) {
    *why = "month " + std::to_string(month) + " is out of range";
    return false;
  }
  if (day < 1 || day > DaysInMonth(year, static_cast<int>(month))) {
    *why = "day " + std::to_string(day) + " is out of range for month " + std::to_string(month);
    return false;
  }
  int64_t hour = 0, minute = 0, second = 0, offset = 0;
  if (!c.Done()) {
    bool sep = us_date ? c.Eat(' ') : (c.Eat('T') || c.Eat('t') || c.Eat(' '));
    if (!sep || !c.Digits(us_date ? 1 : 2, 2, &hour)) return false;
    if (!c.Eat(':') || !c.Digits(2, 2, &minute)) return false;
    if (c.Eat(':')) {
      if (!c.Digits(2, 2, &second)) return false;
      if (c.Eat('.') || c.Eat(',')) {
        int64_t ignored;
        if (!c.Digits(1, 18, &ignored)) return false;
      }
    }
    size_t before_space = c.i;
    bool space = c.Eat(' ');
    if (us_date && (c.EatWord("AM") || c.EatWord("PM"))) {
      bool pm = c.s[c.i - 2] == 'P' || c.s[c.i - 2] == 'p';
      if (hour < 1 || hour > 12) {
        *why = "hour " + std::to_string(hour) + " is out of range for AM/PM";
        return false;
      }
      hour = hour % 12 + (pm ? 12 : 0);
      before_space = c.i;
      space = c.Eat(' ');
    }
    if (c.Eat('Z') || c.Eat('z') || c.EatWord("UTC") || c.EatWord("GMT")) {
      // UTC
    } else if (!c.Done() && (c.s[c.i] == '+' || c.s[c.i] == '-')) {
      bool negative = c.s[c.i] == '-';
      ++c.i;
      int64_t oh = 0, om = 0;
      if (!c.Digits(2, 2, &oh)) return false;
      if (c.Eat(':')) {
        if (!c.Digits(2, 2, &om)) return false;
      } else if (!c.Done()) {
        if (!c.Digits(2, 2, &om)) return false;
      }
      if (oh > 23 || om > 59) {
        *why = "UTC offset is out of range";
        return false;
      }
      offset = (oh * 3600 + om * 60) * (negative ? -1 : 1);
    } else if (space) {
      c.i = before_space;
    }
    if (hour > 23 || minute > 59 || second > 60) {
      *why = "time of day is out of range";
      return false;
    }
  }
  if (!c.Done()) return false;
  *out = DaysFromCivil(year, static_cast<int>(month), static_cast<int>(day)) * 86400 + hour * 3600 +
         minute * 60 + second - offset;
  return true;
}

std::string Quoted(std::string_view text, size_t limit) {
  std::string out = "'";
  if (text.size() > limit) {
    out.append(text.substr(0, limit));
    out += "...";
  } else {
    out.append(text);
  }
  out += "'";
  return out;
}

}  // namespace internal

Result<int64_t> ParseTimestamp(std::string_view text) {
  int64_t t = 0;
  std::string why;
  if (internal::ParseTimestampDetail(text, &t, &why)) return t;
  std::string msg = "cannot parse timestamp " + internal::Quoted(text, 64);
  if (!why.empty()) msg += ": " + why;
  return InvalidArgumentError(std::move(msg));
}

std::string FormatTimestamp(int64_t unix_seconds) {
  int64_t days = unix_seconds / 86400;
  int64_t rem = unix_seconds % 86400;
  if (rem < 0) {
    rem += 86400;
    --days;
  }
  int64_t y;
  int m, d;
  CivilFromDays(days, &y, &m, &d);
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%04lld-%02d-%02dT%02d:%02d:%02dZ", static_cast<long long>(y), m, d,
                static_cast<int>(rem / 3600), static_cast<int>(rem / 60 % 60), static_cast<int>(rem % 60));
  return buf;
}

}  // namespace voc
