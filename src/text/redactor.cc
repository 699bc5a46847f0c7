// PII detection and masking with RE2. See voc/redactor.h for the contract.
//
// How a text is scanned: one cheap byte pass decides which kinds can occur at
// all (digit-based kinds need a digit, e-mail needs '@', URLs need "://" or
// "www."); one RE2::Set pass over the text tells which of the remaining
// detectors match somewhere; only those run their own RE2 to locate matches,
// which are then validated in C++ (Luhn, mod-97, SSN areas, octet ranges,
// token boundaries, secret-bearing URL parts ...). Overlaps are resolved by
// earliest start, then longest span, then kind priority.
#include "voc/redactor.h"

#include <re2/re2.h>
#include <re2/set.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>
#include <iterator>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "text/redactor_runs.h"
#include "util/impl_access.h"
#include "util/utf8_util.h"

namespace voc {

const char* PiiKindName(PiiKind kind) {
  switch (kind) {
    case PiiKind::kEmail:
      return "email";
    case PiiKind::kPhone:
      return "phone";
    case PiiKind::kCard:
      return "card";
    case PiiKind::kSsn:
      return "ssn";
    case PiiKind::kIban:
      return "iban";
    case PiiKind::kIp:
      return "ip";
    case PiiKind::kUrlToken:
      return "url";
    case PiiKind::kAccount:
      return "account";
    case PiiKind::kAddress:
      return "address";
    case PiiKind::kCustom:
      return "custom";
  }
  return "custom";
}

namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsAlnum(char c) { return IsDigit(c) || IsAlpha(c); }
bool IsWordByte(char c) { return IsAlnum(c) || c == '_'; }
bool IsHex(char c) { return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

size_t CountDigits(std::string_view s) {
  return static_cast<size_t>(std::count_if(s.begin(), s.end(), IsDigit));
}

// The input around a candidate, for boundary checks.
struct Ctx {
  std::string_view text;
  char At(size_t i) const { return i < text.size() ? text[i] : '\0'; }
  char Before(size_t b, size_t k = 1) const { return b >= k ? text[b - k] : '\0'; }
};

// A number must stand alone: no letter, digit or '_' touches it, and it does
// not continue with "-5", ".5" or "/5" (longer numbers, decimals, dates).
bool NumberBoundaryOk(const Ctx& c, size_t b, size_t e) {
  const char p = c.Before(b);
  if (IsWordByte(p) || p == '$' || p == '@') return false;
  if ((p == '-' || p == '.' || p == '/' || p == ',' || p == ':') && IsDigit(c.Before(b, 2))) return false;
  const char n = c.At(e);
  if (IsWordByte(n) || n == '@') return false;
  if ((n == '-' || n == '.' || n == '/' || n == ',' || n == ':') && IsDigit(c.At(e + 1))) return false;
  return true;
}

bool LuhnOk(std::string_view digits) {
  int sum = 0;
  bool dbl = false;
  for (size_t i = digits.size(); i-- > 0;) {
    int d = digits[i] - '0';
    if (dbl) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    dbl = !dbl;
  }
  return sum % 10 == 0;
}

std::string OnlyDigits(std::string_view s) {
  std::string d;
  for (char ch : s)
    if (IsDigit(ch)) d.push_back(ch);
  return d;
}

// --- validators: return the accepted end (<= e), or 0 to reject ----------

size_t ValidEmail(const Ctx& c, size_t b, size_t e) {
  // The regex stops the domain at a letter run; a following '.x' or '@'
  // means a longer token we do not understand.
  if (c.At(e) == '@') return 0;
  return e;
}

size_t ValidPhoneNanp(const Ctx& c, size_t b, size_t e) {
  if (c.text[b] != '+' && c.text[b] != '(' && !NumberBoundaryOk(c, b, e)) return 0;
  if ((c.text[b] == '+' || c.text[b] == '(') && (IsWordByte(c.Before(b)) || c.At(e) == '-')) return 0;
  if (IsWordByte(c.At(e))) return 0;
  std::string d = OnlyDigits(c.text.substr(b, e - b));
  if (d.size() == 11) {
    if (d[0] != '1') return 0;
    d.erase(0, 1);
  }
  if (d.size() != 10) return 0;
  const std::string_view raw = c.text.substr(b, e - b);
  const bool separated =
      std::any_of(raw.begin(), raw.end(), [](char ch) { return !IsDigit(ch) && ch != '+'; });
  // A bare run of ten digits is only a phone number when it is a valid NANP
  // number (area code and exchange start with 2-9).
  if (!separated && (d[0] < '2' || d[3] < '2')) return 0;
  return e;
}

size_t ValidPhoneIntl(const Ctx& c, size_t b, size_t e) {
  // Anything but a letter may precede the '+' ("tel:+44...", "4+44 ...").
  if (IsAlpha(c.Before(b)) || IsWordByte(c.At(e))) return 0;
  if ((c.At(e) == '-' || c.At(e) == '.') && IsDigit(c.At(e + 1))) return 0;
  // Trim a dangling ')' or separator left by the optional groups.
  while (e > b && !IsDigit(c.text[e - 1]) && c.text[e - 1] != ')') --e;
  size_t n = CountDigits(c.text.substr(b, e - b));
  // The groups may run into a following number ("+49 30 1234567 0170/..."):
  // drop whole groups from the end while there are too many digits.
  while (n > 15) {
    const size_t sp = c.text.find_last_of(" .-", e - 1);
    if (sp == std::string_view::npos || sp <= b) return 0;
    e = sp;
    while (e > b && !IsDigit(c.text[e - 1]) && c.text[e - 1] != ')') --e;
    n = CountDigits(c.text.substr(b, e - b));
  }
  if (n < 8) return 0;
  return e;
}

size_t ValidPhone00(const Ctx& c, size_t b, size_t e) {
  // Not the tail of a longer grouped number ("DE89 3704 0044 0532 0130 01").
  const char p = c.Before(b);
  if (IsWordByte(p) || ((p == '-' || p == '.' || p == ' ') && IsDigit(c.Before(b, 2)))) return 0;
  if (IsWordByte(c.At(e)) || ((c.At(e) == '-' || c.At(e) == '.') && IsDigit(c.At(e + 1)))) return 0;
  while (e > b && !IsDigit(c.text[e - 1]) && c.text[e - 1] != ')') --e;
  const size_t n = CountDigits(c.text.substr(b, e - b)) - 2;  // without "00"
  if (n < 8 || n > 15) return 0;
  return e;
}

bool IsUnitWord(std::string_view w);
std::string_view TokenBefore(const Ctx& c, size_t b);

// "91.234.56.78" is an IPv4 address, not a Spanish phone number.
bool LooksLikeIpv4(std::string_view raw) {
  int groups = 0, len = 0, value = 0;
  for (size_t i = 0; i <= raw.size(); ++i) {
    if (i == raw.size() || raw[i] == '.') {
      if (len == 0 || len > 3 || value > 255) return false;
      ++groups;
      len = value = 0;
    } else if (IsDigit(raw[i])) {
      value = value * 10 + (raw[i] - '0');
      ++len;
    } else {
      return false;
    }
  }
  return groups == 4;
}

// Words that say a number counts or prices something ("612 345 678 euros",
// "Via Roma 10 volte").
bool IsCountWord(std::string_view w) {
  static const char* const kWords[] = {
      "eur",        "euro",   "euros",     "usd",        "chf",      "gbp",       "brl",      "mxn",
      "reais",      "real",   "pesos",     "dollars",    "dollar",   "franken",   "francs",   "km",
      "kg",         "mal",    "fois",      "volte",      "veces",    "vezes",     "keer",     "times",
      "stück",      "stk",    "pcs",       "personen",   "persone",  "personas",  "pessoas",  "personnes",
      "mensen",     "people", "habitants", "habitantes", "abitanti", "einwohner", "inwoners", "followers",
      "seguidores", "likes",  "views",     "votes",      "votos",    "voti",      "stimmen",  "stemmen",
      "voix",       "tweets", "days",      "tage",       "jours",    "giorni",    "días",     "dias",
      "dagen",      "min",    "minuten",   "minutes",    "minuti",   "minutos",   "hours",    "stunden",
      "heures",     "ore",    "horas",     "uur",        "punkte",   "points",    "punti",    "puntos",
      "pontos",     "punten", "%"};
  for (const char* u : kWords)
    if (w == u) return true;
  return IsUnitWord(w);
}

// The lower-cased word right after `e` (skipping spaces), or "%" / "€"-like
// symbols as words.
std::string WordAfter(const Ctx& c, size_t e) {
  size_t i = e;
  while (i < c.text.size() && c.text[i] == ' ') ++i;
  if (i < c.text.size() && c.text[i] == '%') return "%";
  if (c.text.substr(i, 3) == "\xE2\x82\xAC") return "eur";  // €
  std::string w;
  while (i < c.text.size() && w.size() < 16) {
    const unsigned char ch = static_cast<unsigned char>(c.text[i]);
    if (IsAlpha(static_cast<char>(ch))) {
      w.push_back(Lower(static_cast<char>(ch)));
      ++i;
    } else if (ch >= 0x80) {
      w.push_back(static_cast<char>(ch));  // kept as is: "días", "stück"
      ++i;
    } else {
      break;
    }
  }
  // Lower-case the two-byte Latin-1 capitals (Ä -> ä ...).
  for (size_t k = 0; k + 1 < w.size(); ++k)
    if (static_cast<unsigned char>(w[k]) == 0xC3 && static_cast<unsigned char>(w[k + 1]) >= 0x80 &&
        static_cast<unsigned char>(w[k + 1]) <= 0x9E)
      w[k + 1] = static_cast<char>(w[k + 1] + 0x20);
  return w;
}

// A currency sign or code right before `b` ("€ 612 345 678", "R$ 912 345 678").
bool AfterCurrency(const Ctx& c, size_t b) {
  size_t i = b;
  while (i > 0 && c.text[i - 1] == ' ') --i;
  const std::string_view before = c.text.substr(0, i);
  auto ends = [&before](std::string_view suffix) {
    return before.size() >= suffix.size() && before.substr(before.size() - suffix.size()) == suffix;
  };
  return ends("$") || ends("\xE2\x82\xAC") || ends("\xC2\xA3") || ends("EUR") || ends("CHF") || ends("USD") ||
         ends("Fr.");
}

size_t ValidPhoneNationalWhole(const Ctx& c, size_t b, size_t e) {
  if (!NumberBoundaryOk(c, b, e)) return 0;
  // Not the tail of a longer grouped number ("DE89 3704 0044 0532 0130 01",
  // "01.02.2019"); a number listed before it is no group ("item 12 030
  // 1234567", "2079460958 030 1234567").
  if ((c.Before(b) == '-' || c.Before(b) == '.') && IsDigit(c.Before(b, 2))) return 0;
  if (c.Before(b) == ' ' && IsDigit(c.Before(b, 2))) {
    size_t at = b;
    for (int k = 0; k < 8; ++k) {  // walk back over the chain of groups
      const std::string_view t = TokenBefore(c, at);
      if (t.empty()) break;
      if (!std::any_of(t.begin(), t.end(), IsDigit)) break;     // a word
      if (!std::all_of(t.begin(), t.end(), IsDigit)) return 0;  // "DE89 ..."
      at -= t.size() + 1;
      if (c.Before(at) != ' ') break;
    }
  }
  const std::string_view raw = c.text.substr(b, e - b);
  const size_t n = CountDigits(raw);
  if (n < 9 || n > 12 || raw[1] == '0' || LooksLikeIpv4(raw)) return 0;
  // One kind of separator ("01.02.2019 12:30" and mixed runs are not
  // phones), except that a '/' after the area code may be followed by
  // another ("02/123.45.67", "0170 / 123 4567").
  char sep = 0;
  size_t first_group = 0;
  while (first_group < raw.size() && IsDigit(raw[first_group])) ++first_group;
  std::string_view rest = raw;
  const size_t slash = raw.find('/');
  if (slash != std::string_view::npos && slash <= first_group + 1) {
    size_t k = slash + 1;
    while (k < raw.size() && raw[k] == ' ') ++k;
    rest = raw.substr(k);
    if (rest.find('/') != std::string_view::npos) return 0;
  }
  for (char ch : rest) {
    if (IsDigit(ch)) continue;
    if (sep != 0 && ch != sep) return 0;
    sep = ch;
  }
  // Nine digits only with an area code of two to four digits after the
  // trunk '0' ("02 123 45 67", "030 123456"), and with dots only after a
  // '/' ("02/123.45.67"; "01.234.567" is an amount).
  if (n == 9 &&
      (first_group < 2 || first_group > 4 || (rest == raw && raw.find('.') != std::string_view::npos)))
    return 0;
  if (IsCountWord(WordAfter(c, e)) || AfterCurrency(c, b)) return 0;
  return e;
}

// Nine-digit numbers without a trunk '0' as Spain and Portugal write them
// ("612 34 56 78", "91 123 45 67", "912 345 678", "21 123 4567"), and
// Italian mobiles ("347 1234567", "347 123 4567" is NANP-shaped).
size_t ValidPhoneNine(const Ctx& c, size_t b, size_t e) {
  if (!NumberBoundaryOk(c, b, e)) return 0;
  // Beside another number, only the shapes that thousands never have.
  const char p = c.Before(b);
  const bool glued = ((p == ' ' || p == '-' || p == '.' || p == ',') && IsDigit(c.Before(b, 2))) ||
                     (IsDigit(c.At(e + 1)) && (c.At(e) == ' ' || c.At(e) == '.' || c.At(e) == ','));
  const std::string_view raw = c.text.substr(b, e - b);
  std::vector<size_t> groups;
  char sep = 0;
  size_t run = 0;
  for (char ch : raw) {
    if (IsDigit(ch)) {
      ++run;
      continue;
    }
    if (sep != 0 && ch != sep) return 0;
    sep = ch;
    groups.push_back(run);
    run = 0;
  }
  groups.push_back(run);
  const size_t n = CountDigits(raw);
  if (LooksLikeIpv4(raw)) return 0;
  if (glued && groups.size() == 2) return 0;
  if (raw[0] == '3' && groups.size() == 2 && groups[0] == 3 && (groups[1] == 6 || groups[1] == 7) &&
      sep != '.') {
    // Italian mobile "347 1234567".
  } else {
    if (n != 9) return 0;
    static const std::vector<std::vector<size_t>> kShapes = {
        {3, 2, 2, 2}, {2, 3, 2, 2}, {3, 3, 3}, {2, 3, 4}, {3, 3, 2, 1}};
    if (std::find(kShapes.begin(), kShapes.end(), groups) == kShapes.end()) return 0;
    if (raw[0] != '2' && (raw[0] < '6' || raw[0] > '9')) return 0;
    // Thousands: "612.345.678", "200 000 000".
    if (groups.size() == 3 && groups[0] == 3 && groups[1] == 3 && groups[2] == 3) {
      if (sep == '.' || sep == ',' || glued) return 0;
      if (raw.substr(4, 3) == "000" || raw.substr(8, 3) == "000") return 0;
    }
  }
  if (IsCountWord(WordAfter(c, e)) || AfterCurrency(c, b)) return 0;
  return e;
}

// An area code in parentheses ("(11) 91234-5678", "(55) 1234 5678",
// "(030) 1234567"): 10 to 12 digits in all.
size_t ValidPhoneParenWhole(const Ctx& c, size_t b, size_t e) {
  if (IsWordByte(c.Before(b)) || IsWordByte(c.At(e))) return 0;
  if ((c.At(e) == '-' || c.At(e) == '.' || c.At(e) == '/') && IsDigit(c.At(e + 1))) return 0;
  const size_t n = CountDigits(c.text.substr(b, e - b));
  if (n < 10 || n > 12) return 0;
  if (IsCountWord(WordAfter(c, e))) return 0;
  return e;
}

// The pattern may take in a count after the number ("(17) 3089-6892 10
// times"): without the last group it is tried again.
size_t ValidPhoneParen(const Ctx& c, size_t b, size_t e) {
  for (int k = 0; k < 2; ++k) {
    if (const size_t ok = ValidPhoneParenWhole(c, b, e); ok != 0) return ok;
    const size_t sp = c.text.rfind(' ', e - 1);
    if (sp == std::string_view::npos || sp <= b || c.text[sp - 1] == ')') return 0;
    e = sp;
  }
  return 0;
}

size_t ValidPhoneNational(const Ctx& c, size_t b, size_t e) {
  for (int k = 0; k < 2; ++k) {
    if (const size_t ok = ValidPhoneNationalWhole(c, b, e); ok != 0) return ok;
    const size_t sp = c.text.find_last_of(" .-/", e - 1);
    if (sp == std::string_view::npos || sp <= b + 2) return 0;
    e = sp;
    while (e > b && !IsDigit(c.text[e - 1])) --e;
  }
  return 0;
}

// Mexico's and Brazil's area code, then the number: "55 1234 5678",
// "11 91234-5678".
size_t ValidPhoneArea2(const Ctx& c, size_t b, size_t e) {
  if (!NumberBoundaryOk(c, b, e)) return 0;
  // Not the head of a longer grouped number ("12 5157 1988 4965 0439").
  if ((c.At(e) == ' ' || c.At(e) == '.' || c.At(e) == ',') && IsDigit(c.At(e + 1)) && IsDigit(c.At(e + 2)) &&
      IsDigit(c.At(e + 3)))
    return 0;
  const std::string_view raw = c.text.substr(b, e - b);
  // Two years in a row are not a phone number ("12 2019 2020").
  auto year = [](std::string_view g) {
    return g.size() == 4 && (g.substr(0, 2) == "19" || g.substr(0, 2) == "20");
  };
  const size_t s1 = raw.find_first_of(" -"), s2 = raw.find_first_of(" -", s1 + 1);
  if (year(raw.substr(s1 + 1, s2 - s1 - 1)) && year(raw.substr(s2 + 1))) return 0;
  if (IsCountWord(WordAfter(c, e)) || AfterCurrency(c, b)) return 0;
  return e;
}

size_t ValidPhoneLocal(const Ctx& c, size_t b, size_t e) {
  if (!NumberBoundaryOk(c, b, e)) return 0;
  return c.text[b] >= '2' ? e : 0;  // exchanges start with 2-9
}

// The alphanumeric token that ends right before a one-character separator
// at `b - 1` ("DE89" in "DE89 3704 ..."), or empty.
std::string_view TokenBefore(const Ctx& c, size_t b) {
  if (b < 2 || !IsAlnum(c.text[b - 2])) return {};
  size_t i = b - 1;
  while (i > 0 && IsAlnum(c.text[i - 1])) --i;
  return c.text.substr(i, b - 1 - i);
}

// One card candidate: digit groups [first, last] of a match.
bool CardOk(const Ctx& c, const std::vector<std::pair<size_t, size_t>>& groups, size_t first, size_t last) {
  const size_t b = groups[first].first, e = groups[last].second;
  if (!NumberBoundaryOk(c, b, e)) return false;
  std::string d;
  std::string seps;
  std::vector<size_t> sizes;
  for (size_t g = first; g <= last; ++g) {
    d.append(c.text.substr(groups[g].first, groups[g].second - groups[g].first));
    sizes.push_back(groups[g].second - groups[g].first);
    if (g > first) seps.push_back(c.text[groups[g].first - 1]);
  }
  if (d.size() < 13 || d.size() > 19) return false;
  if (d[0] < '2' || d[0] > '6') return false;  // issuer ranges in use
  // A card beside another number ("paid 3 4111 1111 ...", two cards in a
  // row) is still a card; the tail of an IBAN ("DE89 3704 ...", after a
  // token of letters ending in digits) is not.
  const char before = c.Before(b);
  if (before == ' ' || before == '-' || before == '_' || before == '.' || before == '/') {
    const std::string_view t = TokenBefore(c, b);
    if (!t.empty() && !std::all_of(t.begin(), t.end(), IsDigit) && IsDigit(t.back())) return false;
  }
  // '.', '/' and '_' separate card groups only as cards print them: one
  // separator throughout, in the issuers' groupings.
  if (seps.find_first_not_of(" -") != std::string::npos) {
    if (seps.find_first_not_of(seps[0]) != std::string::npos) return false;
    static const std::vector<std::vector<size_t>> kGroupings = {
        {4, 4, 4, 4}, {4, 6, 5}, {4, 6, 4}, {4, 4, 5}, {4, 4, 4, 4, 3}, {4, 4, 4, 4, 2}};
    if (std::find(kGroupings.begin(), kGroupings.end(), sizes) == kGroupings.end()) return false;
  }
  return LuhnOk(d);
}

// Card numbers: the match may hold a neighbouring number too ("3 4111 1111
// 1111 1111" is 17 digits and fails Luhn): every run of whole digit groups
// is tried, longest first, and the first that passes is kept.
bool ValidCardRange(const Ctx& c, size_t* b, size_t* e) {
  std::vector<std::pair<size_t, size_t>> groups;
  for (size_t i = *b; i < *e;) {
    if (!IsDigit(c.text[i])) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < *e && IsDigit(c.text[j])) ++j;
    groups.emplace_back(i, j);
    i = j;
  }
  const size_t n = groups.size();
  if (n == 0) return false;
  // All digits ungrouped, or a grouped run: candidates by length, longest first.
  size_t best_len = 0, best_first = 0, best_last = 0;
  for (size_t first = 0; first < n; ++first) {
    size_t len = 0;
    for (size_t last = first; last < n; ++last) {
      len += groups[last].second - groups[last].first;
      if (len > 19) break;
      if (len < 13 || len <= best_len) continue;
      if (CardOk(c, groups, first, last)) {
        best_len = len;
        best_first = first;
        best_last = last;
      }
    }
  }
  if (best_len == 0) return false;
  *b = groups[best_first].first;
  *e = groups[best_last].second;
  return true;
}

size_t ValidSsn(const Ctx& c, size_t b, size_t e) {
  if (!NumberBoundaryOk(c, b, e)) return 0;
  const std::string d = OnlyDigits(c.text.substr(b, e - b));
  if (d.size() != 9) return 0;
  const std::string_view area(d.data(), 3), group(d.data() + 3, 2), serial(d.data() + 5, 4);
  if (area == "000" || area == "666" || area[0] == '9') return 0;
  if (group == "00" || serial == "0000") return 0;
  return e;
}

int IbanLength(std::string_view country) {
  static const struct {
    const char* cc;
    int len;
  } kLengths[] = {{"AD", 24}, {"AE", 23}, {"AT", 20}, {"BE", 16}, {"BG", 22}, {"BH", 22}, {"BR", 29},
                  {"CH", 21}, {"CY", 28}, {"CZ", 24}, {"DE", 22}, {"DK", 18}, {"EE", 20}, {"ES", 24},
                  {"FI", 18}, {"FR", 27}, {"GB", 22}, {"GR", 27}, {"HR", 21}, {"HU", 28}, {"IE", 22},
                  {"IL", 23}, {"IS", 26}, {"IT", 27}, {"LT", 20}, {"LU", 20}, {"LV", 21}, {"MC", 27},
                  {"MT", 31}, {"NL", 18}, {"NO", 15}, {"PL", 28}, {"PT", 25}, {"RO", 24}, {"SA", 24},
                  {"SE", 24}, {"SI", 19}, {"SK", 24}, {"TR", 26}};
  for (const auto& l : kLengths)
    if (country == l.cc) return l.len;
  return 0;
}

bool IbanChecksumOk(std::string_view alnum) {
  if (alnum.size() < 15 || alnum.size() > 34) return false;
  int rem = 0;
  auto feed = [&rem](char ch) {
    if (IsDigit(ch)) {
      rem = (rem * 10 + (ch - '0')) % 97;
    } else {
      const int v = (ch >= 'a' ? ch - 'a' : ch - 'A') + 10;
      rem = (rem * 100 + v) % 97;
    }
  };
  for (size_t i = 4; i < alnum.size(); ++i) feed(alnum[i]);
  for (size_t i = 0; i < 4; ++i) feed(alnum[i]);
  return rem == 1;
}

size_t ValidIban(const Ctx& c, size_t b, size_t e) {
  if (IsWordByte(c.Before(b))) return 0;
  // Positions in the text after each alphanumeric character.
  std::string alnum;
  std::vector<size_t> end_after;
  for (size_t i = b; i < e; ++i) {
    if (IsAlnum(c.text[i])) {
      alnum.push_back(c.text[i]);
      end_after.push_back(i + 1);
    }
  }
  if (alnum.size() < 15) return 0;
  std::string country = alnum.substr(0, 2);
  for (char& ch : country) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  const int want = IbanLength(country);
  // Lower-case or dash-separated IBANs are accepted for known countries only
  // (their length is then fixed), to keep ordinary words out.
  const bool unusual =
      std::any_of(alnum.begin(), alnum.end(), [](char ch) { return ch >= 'a' && ch <= 'z'; }) ||
      c.text.substr(b, e - b).find('-') != std::string_view::npos;
  if (unusual && want == 0) return 0;
  // The regex may run into following words ("... 00 IS MY IBAN"): try the
  // country's length, else every prefix that ends before a space, longest
  // first.
  for (size_t len = alnum.size(); len >= 15; --len) {
    if (want != 0 && len != static_cast<size_t>(want)) continue;
    const size_t end = end_after[len - 1];
    if (IsWordByte(c.At(end))) continue;
    if (IbanChecksumOk(std::string_view(alnum).substr(0, len))) return end;
  }
  return 0;
}

bool PrecededByVersionWord(const Ctx& c, size_t b) {
  // "version 1.2.3.4", "v1.2.3.4", "build 10.0.1.2"
  size_t i = b;
  while (i > 0 && c.text[i - 1] == ' ') --i;
  size_t j = i;
  while (j > 0 && IsAlpha(c.text[j - 1])) --j;
  std::string w;
  for (size_t k = j; k < i; ++k) w.push_back(Lower(c.text[k]));
  return w == "version" || w == "ver" || w == "v" || w == "build" || w == "firmware" || w == "release";
}

size_t ValidIpv4(const Ctx& c, size_t b, size_t e) {
  // A port (":443") or prefix length ("/24") may follow; more dotted
  // numbers may not ("1.2.3.4.5" is a version).
  const char p = c.Before(b);
  if (IsWordByte(p) || ((p == '.' || p == '-') && IsDigit(c.Before(b, 2)))) return 0;
  const char n = c.At(e);
  if (IsWordByte(n) || ((n == '.' || n == '-') && IsDigit(c.At(e + 1)))) return 0;
  if (PrecededByVersionWord(c, b)) return 0;
  int octet = 0, digits = 0;
  for (size_t i = b; i <= e; ++i) {
    if (i == e || c.text[i] == '.') {
      if (digits == 0 || octet > 255) return 0;
      octet = digits = 0;
    } else {
      octet = octet * 10 + (c.text[i] - '0');
      ++digits;
    }
  }
  return e;
}

size_t ValidIpv6(const Ctx& c, size_t b, size_t e) {
  const char p = c.Before(b);
  if (IsWordByte(p) || p == ':' || p == '.') return 0;
  while (e > b && c.text[e - 1] == ':' && !(e - b >= 2 && c.text[e - 2] == ':')) --e;
  if (IsWordByte(c.At(e)) || c.At(e) == ':') return 0;
  const std::string_view s = c.text.substr(b, e - b);
  const size_t dc = s.find("::");
  if (dc != std::string_view::npos && s.find("::", dc + 1) != std::string_view::npos) return 0;
  // Count groups; an IPv4 tail counts as two.
  int groups = 0;
  bool digit = false;
  size_t i = 0;
  while (i < s.size()) {
    if (s[i] == ':') {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < s.size() && s[j] != ':') ++j;
    const std::string_view g = s.substr(i, j - i);
    if (g.find('.') != std::string_view::npos) {
      if (j != s.size()) return 0;
      Ctx sub{g};
      if (ValidIpv4(sub, 0, g.size()) == 0) return 0;
      groups += 2;
      digit = true;
    } else {
      if (g.size() > 4) return 0;
      for (char ch : g) {
        if (!IsHex(ch)) return 0;
        if (IsDigit(ch)) digit = true;
      }
      ++groups;
    }
    i = j;
  }
  if (!digit) return 0;
  if (dc == std::string_view::npos) return groups == 8 ? e : 0;
  // With "::" at least two groups, so that "a::b" in code is not an address.
  if (groups < 2 || groups > 7) return 0;
  return e;
}

// `s` with %XX escapes decoded (others kept), for finding encoded secrets.
std::string PercentDecode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() + 0 && IsHex(s[i + 1]) && IsHex(s[i + 2])) {
      auto hex = [](char ch) { return IsDigit(ch) ? ch - '0' : (Lower(ch) - 'a' + 10); };
      out.push_back(static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2])));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

bool SecretKey(std::string_view key) {
  std::string k;
  for (char ch : key) k.push_back(Lower(ch));
  static const char* const kContains[] = {"token", "secret", "passw",   "pwd", "session", "sig",
                                          "auth",  "apikey", "api_key", "otp", "jwt",     "credential"};
  for (const char* w : kContains)
    if (k.find(w) != std::string::npos) return true;
  static const char* const kExact[] = {"key",   "code", "sid", "hash", "ticket", "access", "pass", "pin",
                                       "nonce", "t",    "k",   "s",    "reset",  "verify", "login"};
  for (const char* w : kExact)
    if (k == w) return true;
  return false;
}

// A path segment that looks machine-generated: long, and letters and digits
// interleave (hex ids, base64 tokens), or very long without separators.
bool RandomSegment(std::string_view seg) {
  if (seg.size() < 16) return false;
  size_t letters = 0, digits = 0, switches = 0, other = 0;
  int prev = 0;
  for (char ch : seg) {
    int cls = 0;
    if (IsDigit(ch)) {
      ++digits;
      cls = 1;
    } else if (IsAlpha(ch)) {
      ++letters;
      cls = 2;
    } else if (ch == '-' || ch == '_' || ch == '=') {
      cls = 3;
    } else {
      ++other;
      cls = 4;
    }
    if ((cls == 1 || cls == 2) && (prev == 1 || prev == 2) && cls != prev) ++switches;
    prev = cls;
  }
  if (other > 0) return false;
  if (digits >= 3 && letters >= 3 && switches >= 4) return true;
  const size_t upper = static_cast<size_t>(
      std::count_if(seg.begin(), seg.end(), [](char ch) { return ch >= 'A' && ch <= 'Z'; }));
  if (seg.size() >= 20 && digits >= 2 && upper >= 2 && letters - upper >= 2) return true;
  return seg.size() >= 32 && digits >= 4 && letters >= 4;
}

bool UrlHasSecret(std::string_view url);

// False when no URL inside `run` can pass ValidUrl, which finds a secret
// only with an '@', '=' or '%' in it, a '/'-separated piece of at least 16
// bytes (RandomSegment's shortest) or one of at least 6 with a digit (after
// a secret word): most shared links ("https://t.co/abc") are refused
// without the URL pattern's search. Keep in step with UrlHasSecret.
bool UrlRunMayHoldSecret(std::string_view run) {
  size_t piece = 0;
  bool digit = false;
  for (const char c : run) {
    if (c == '@' || c == '=' || c == '%') return true;
    if (c == '/') {
      piece = 0;
      digit = false;
      continue;
    }
    digit |= IsDigit(c);
    if (++piece >= 16 || (piece >= 6 && digit)) return true;
  }
  return false;
}

size_t ValidUrl(const Ctx& c, size_t b, size_t e) {
  // Trailing sentence punctuation is not part of the URL.
  while (e > b && std::strchr(".,;:!?)]}'\"", c.text[e - 1]) != nullptr) --e;
  if (e == b || IsWordByte(c.Before(b)) || c.Before(b) == '@' || c.Before(b) == '.') return 0;
  const std::string_view url = c.text.substr(b, e - b);
  if (UrlHasSecret(url)) return e;
  // Percent-encoded secrets ("?next=%2Freset%3Ftoken%3D..."), twice encoded too.
  if (url.find('%') != std::string_view::npos) {
    const std::string once = PercentDecode(url);
    if (UrlHasSecret(once)) return e;
    if (once.find('%') != std::string::npos && UrlHasSecret(PercentDecode(once))) return e;
  }
  return 0;
}

bool UrlHasSecret(std::string_view url) {
  constexpr bool e = true;
  const size_t scheme = url.find("://");
  const size_t host_begin = scheme == std::string_view::npos ? 0 : scheme + 3;
  size_t host_end = url.find_first_of("/?#", host_begin);
  if (host_end == std::string_view::npos) host_end = url.size();
  // user:password@host
  if (url.substr(host_begin, host_end - host_begin).find('@') != std::string_view::npos) return e;
  // Query and fragment parameters.
  const size_t q = url.find_first_of("?#;", host_end);
  if (q != std::string_view::npos) {
    std::string_view params = url.substr(q + 1);
    while (!params.empty()) {
      size_t amp = params.find_first_of("&;#?");
      std::string_view kv = params.substr(0, amp);
      const size_t eq = kv.find('=');
      if (eq != std::string_view::npos && eq + 1 < kv.size()) {
        if (SecretKey(kv.substr(0, eq))) return e;
        if (RandomSegment(kv.substr(eq + 1))) return e;
      }
      if (amp == std::string_view::npos) break;
      params.remove_prefix(amp + 1);
    }
  }
  // Path segments.
  const size_t path_end = q == std::string_view::npos ? url.size() : q;
  std::string_view path =
      host_end < path_end ? url.substr(host_end, path_end - host_end) : std::string_view();
  bool after_secret_word = false;
  while (!path.empty()) {
    if (path[0] == '/') {
      path.remove_prefix(1);
      continue;
    }
    const size_t slash = path.find('/');
    const std::string_view seg = path.substr(0, slash);
    if (after_secret_word && seg.size() >= 6 && CountDigits(seg) + 0 > 0) return e;
    if (RandomSegment(seg)) return e;
    std::string low;
    for (char ch : seg) low.push_back(Lower(ch));
    after_secret_word = low == "reset" || low == "token" || low == "session" || low == "verify" ||
                        low == "confirm" || low == "unsubscribe" || low == "auth" || low == "magic" ||
                        low == "invite" || low.find("password") != std::string::npos;
    if (low.find("session") != std::string::npos && low.find('=') != std::string::npos) return e;
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash);
  }
  return false;
}

bool IsUnitWord(std::string_view w) {
  static const char* const kUnits[] = {
      "dollars", "dollar", "usd",    "bucks",  "cents",   "euros", "pounds", "units",  "unit",
      "items",   "item",   "times",  "pieces", "pcs",     "days",  "day",    "months", "month",
      "years",   "year",   "hours",  "hour",   "minutes", "mins",  "miles",  "people", "points",
      "calls",   "emails", "orders", "pages",  "percent", "boxes", "pairs",  "lbs",    "kg"};
  for (const char* u : kUnits)
    if (w == u) return true;
  return false;
}

size_t ValidAccount(const Ctx& c, size_t b, size_t e) {
  while (e > b && (c.text[e - 1] == '-')) --e;
  if (IsWordByte(c.At(e))) return 0;
  if ((c.At(e) == '.' || c.At(e) == ',') && IsDigit(c.At(e + 1))) return 0;  // amounts
  if (c.Before(b) == '$') return 0;
  const std::string_view tok = c.text.substr(b, e - b);
  const size_t digits = CountDigits(tok);
  const size_t letters = static_cast<size_t>(std::count_if(tok.begin(), tok.end(), IsAlpha));
  if (digits < 3) return 0;
  if (digits < 4 && tok.size() < 5) return 0;
  if (letters == 0 && tok.find('-') == std::string_view::npos && digits == 4 &&
      (tok.substr(0, 2) == "19" || tok.substr(0, 2) == "20"))
    return 0;  // a year
  // Dates written with dashes ("2019-03-04", "03-04-2019").
  if (letters == 0 && std::count(tok.begin(), tok.end(), '-') == 2 && tok.size() <= 10) {
    const size_t d1 = tok.find('-'), d2 = tok.rfind('-');
    if ((d1 == 4 && d2 - d1 <= 3) || (d1 <= 2 && d2 - d1 <= 3 && tok.size() - d2 - 1 == 4)) return 0;
  }
  // "for reference 32-26-35": measurements, scores and ranges are groups of
  // one or two digits.
  if (letters == 0 && tok.find('-') != std::string_view::npos) {
    size_t longest = 0, run = 0;
    for (char ch : tok) {
      run = IsDigit(ch) ? run + 1 : 0;
      longest = std::max(longest, run);
    }
    if (longest <= 2) return 0;
  }
  // "order 5000 units": a quantity, not an identifier.
  size_t i = e;
  while (i < c.text.size() && c.text[i] == ' ') ++i;
  std::string word;
  while (i < c.text.size() && IsAlpha(c.text[i]) && word.size() < 16) word.push_back(Lower(c.text[i++]));
  if (letters == 0 && IsUnitWord(word)) return 0;
  return e;
}

// --- addresses ------------------------------------------------------------

// The boundaries every address shares: it starts a word, does not continue
// a number, is not an amount and is not followed by a count word ("Via
// Amazon 3 volte", "Parkplatz 2 Stunden").
bool AddressBoundaryOk(const Ctx& c, size_t b, size_t e) {
  const unsigned char p = static_cast<unsigned char>(c.Before(b));
  if (IsWordByte(static_cast<char>(p)) || p >= 0x80 || p == '@' || p == '#') return false;
  if ((p == '.' || p == ',' || p == '/' || p == '-' || p == ':') && IsDigit(c.Before(b, 2))) return false;
  const char n = c.At(e);
  if (IsWordByte(n) || n == '%' || n == '@') return false;
  if ((n == '.' || n == ',' || n == ':' || n == '/' || n == '-' || n == ' ') && IsDigit(c.At(e + 1)))
    return false;  // the number goes on ("Amazon 4 739 000")
  if (AfterCurrency(c, b)) return false;
  return !IsCountWord(WordAfter(c, e));
}

std::string LowerAscii(std::string_view s) {
  std::string out(s);
  for (char& ch : out) ch = Lower(ch);
  return out;
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// Name + street word + number. The match may begin with capitalised words
// that are not part of the street ("Meine Adresse Hauptstraße 12"): it is
// narrowed to the street word and, for a bare one ("Berliner Platz 5"), the
// word before it.
bool ValidAddressSuffix(const Ctx& c, size_t* pb, size_t* pe) {
  const size_t e = *pe;
  const std::string_view m = c.text.substr(*pb, e - *pb);
  // The street word: the token before the house number.
  size_t digit = 0;
  while (digit < m.size() && !IsDigit(m[digit])) ++digit;
  if (digit < 2) return false;
  const size_t token_end = digit - 1;  // the space before the number
  size_t token_begin = token_end;
  while (token_begin > 0 && m[token_begin - 1] != ' ' && m[token_begin - 1] != '-') --token_begin;
  const std::string token = LowerAscii(m.substr(token_begin, token_end - token_begin));
  // Places that are not streets: seats, parking spaces, workplaces, buyers.
  static const char* const kNotStreets[] = {"sitzplatz",
                                            "stehplatz",
                                            "parkplatz",
                                            "stellplatz",
                                            "arbeitsplatz",
                                            "ausbildungsplatz",
                                            "studienplatz",
                                            "kitaplatz",
                                            "k\xC3\xA4ufer",
                                            "l\xC3\xA4ufer",
                                            "heimweg",
                                            "r\xC3\xBC"
                                            "ckweg",
                                            "umweg",
                                            "hinweg",
                                            "zugangsweg",
                                            "ausweg",
                                            "fussweg",
                                            "fu\xC3\x9Fweg"};
  for (const char* w : kNotStreets)
    if (EndsWith(token, w)) return false;
  static const char* const kBare[] = {
      "stra\xC3\x9F"
      "e",
      "strasse",
      "str.",
      "gasse",
      "allee",
      "platz",
      "weg",
      "damm",
      "ufer",
      "chaussee",
      "steig",
      "pfad",
      "straat",
      "laan",
      "plein",
      "gracht",
      "kade",
      "dijk",
      "singel",
      "steeg",
      "dreef"};
  bool bare = false;
  for (const char* w : kBare)
    if (token == w) bare = true;
  size_t start = token_begin;
  // Hyphenated names belong to the street ("Karl-Marx-Straße").
  while (start > 0 && m[start - 1] == '-') {
    --start;
    while (start > 0 && m[start - 1] != ' ' && m[start - 1] != '-') --start;
  }
  if (bare && start == token_begin) {
    // "Berliner Platz 5", "Lange Gasse 3"; not "Den Platz 2", "Platz 1".
    if (token_begin < 2) return false;
    size_t w0 = token_begin - 1;
    while (w0 > 0 && m[w0 - 1] != ' ' && m[w0 - 1] != '-') --w0;
    const std::string first = LowerAscii(m.substr(w0, token_begin - 1 - w0));
    static const char* const kStop[] = {
        "der",     "die",    "das",   "den",    "dem",     "des",   "ein",     "eine",      "einen",
        "einem",   "einer",  "am",    "im",     "auf",     "in",    "zum",     "zur",       "mein",
        "meine",   "meinen", "unser", "unsere", "ihr",     "ihre",  "sein",    "seine",     "kein",
        "keine",   "jeder",  "jede",  "de",     "het",     "een",   "op",      "mijn",      "onze",
        "geen",    "elke",   "the",   "a",      "my",      "no",    "this",    "that",      "nur",
        "noch",    "auch",   "wo",    "was",    "wie",     "bis",   "ab",      "von",       "vom",
        "mit",     "nach",   "naar",  "ich",    "wir",     "sie",   "er",      "es",        "ik",
        "we",      "wij",    "zij",   "hij",    "adresse", "adres", "address", "anschrift", "lieferadresse",
        "wohnung", "haus"};
    for (const char* w : kStop)
      if (first == w) return false;
    // Adjectives and place names before a bare street word end in -er or -e
    // ("Berliner Platz", "Lange Gasse", "Neuer Weg"); "Dennoch Platz 2" is
    // a ranking.
    if (!EndsWith(first, "er") && !EndsWith(first, "e")) return false;
    start = w0;
  }
  const size_t b = *pb + start;
  if (!AddressBoundaryOk(c, b, e)) return false;
  *pb = b;
  return true;
}

// Street word + name + number. "via" is also a preposition ("via Amazon 2
// cose"): after it, the number must not be followed by a content word.
size_t ValidAddress(const Ctx& c, size_t b, size_t e) {
  if (!AddressBoundaryOk(c, b, e)) return 0;
  const std::string word = LowerAscii(c.text.substr(b, 5));
  if ((word.compare(0, 4, "via ") == 0 || word.compare(0, 5, "largo") == 0) && IsDigit(c.text[e - 1])) {
    const std::string next = WordAfter(c, e);
    static const char* const kFunction[] = {"and",
                                            "und",
                                            "et",
                                            "en",
                                            "in",
                                            "a",
                                            "al",
                                            "alla",
                                            "da",
                                            "dal",
                                            "di",
                                            "del",
                                            "nel",
                                            "nella",
                                            "per",
                                            "con",
                                            "vicino",
                                            "presso",
                                            "ma",
                                            "o",
                                            "oppure",
                                            "che",
                                            "dove",
                                            "non",
                                            "sono",
                                            "era",
                                            "ha",
                                            "ho",
                                            "abito",
                                            "vivo",
                                            "near",
                                            "but",
                                            "or",
                                            "is",
                                            "was",
                                            "where",
                                            "con",
                                            "y",
                                            "pero",
                                            "para",
                                            "e",
                                            "em",
                                            "na",
                                            "no",
                                            "com",
                                            "mas",
                                            "pour",
                                            "mais",
                                            "ou",
                                            "mit",
                                            "bei",
                                            "aber",
                                            "oder",
                                            "met",
                                            "bij",
                                            "maar",
                                            "of",
                                            "interno",
                                            "int",
                                            "scala",
                                            "piano",
                                            "cap",
                                            "depuis",
                                            "since",
                                            "seit",
                                            "desde",
                                            "sinds",
                                            "from",
                                            "dove",
                                            "where",
                                            "wo",
                                            "waar",
                                            "o\xC3\xB9",
                                            "onde",
                                            "donde",
                                            "und",
                                            "para",
                                            "pour",
                                            "perch\xC3\xA9",
                                            "weil",
                                            "omdat",
                                            "because",
                                            "porque",
                                            "parce",
                                            "il",
                                            "lo",
                                            "la",
                                            "le",
                                            "les",
                                            "el",
                                            "der",
                                            "die",
                                            "das",
                                            "de",
                                            "het",
                                            "the",
                                            "ich",
                                            "je",
                                            "io",
                                            "yo",
                                            "eu",
                                            "ik",
                                            "i",
                                            "nobody",
                                            "niemand",
                                            "personne",
                                            "nessuno",
                                            "nadie",
                                            "ningu\xC3\xA9m",
                                            "graag"};
    bool function = next.size() < 3 || next == "\xC3\xA8";
    for (const char* w : kFunction)
      if (next == w) function = true;
    if (!function) return 0;
  }
  return e;
}

size_t ValidAddressNumberFirst(const Ctx& c, size_t b, size_t e) {
  if (!AddressBoundaryOk(c, b, e)) return 0;
  // "2019 Avenue ..." is a year, "0 rue ..." nothing.
  size_t n = 0;
  while (b + n < e && IsDigit(c.text[b + n])) ++n;
  if (c.text[b] == '0') return 0;
  if (n == 4 && (c.text.substr(b, 2) == "19" || c.text.substr(b, 2) == "20")) return 0;
  return e;
}

// Postcode and city alone: a postcode word before it, or a spelling that no
// amount has.
size_t ValidAddressPostcode(const Ctx& c, size_t b, size_t e) {
  if (!AddressBoundaryOk(c, b, e)) return 0;
  size_t i = b;
  while (i > 0 && (c.text[i - 1] == ' ' || c.text[i - 1] == ':')) --i;
  const std::string before = LowerAscii(c.text.substr(i >= 16 ? i - 16 : 0, i >= 16 ? 16 : i));
  bool keyword = false;
  static const char* const kWords[] = {"plz",
                                       "cap",
                                       "c.p.",
                                       "cp",
                                       "cep",
                                       "code postal",
                                       "postcode",
                                       "c\xC3\xB3"
                                       "digo postal",
                                       "codigo postal"};
  for (const char* w : kWords) {
    if (!EndsWith(before, w)) continue;
    const size_t k = before.size() - std::strlen(w);
    if (k == 0 || !IsAlnum(before[k - 1])) keyword = true;
  }
  size_t digits = 0;
  while (b + digits < e && IsDigit(c.text[b + digits])) ++digits;
  if (digits == 0) {
    // "D-10115 Berlin", "CH-8001 Zürich".
    const size_t dash = c.text.find('-', b);
    static const char* const kCountries[] = {"D", "A", "CH", "F", "B", "I", "E", "P", "NL", "L"};
    const std::string_view cc = c.text.substr(b, dash - b);
    for (const char* k : kCountries)
      if (cc == k) return e;
    return 0;
  }
  const char after = c.At(b + digits);
  if (after == '-') return e;  // "1100-053 Lisboa", "01310-100 São Paulo"
  if (digits == 4 && (after == ' ' || IsAlpha(after))) {
    size_t l = b + digits;
    if (after == ' ') ++l;
    const auto upper = [](char ch) { return ch >= 'A' && ch <= 'Z'; };
    const unsigned char city2 = static_cast<unsigned char>(c.At(l + 4));
    if (upper(c.At(l)) && upper(c.At(l + 1)) && c.At(l + 2) == ' ' &&
        ((city2 >= 'a' && city2 <= 'z') || city2 >= 0x80)) {
      // "1017 GC Amsterdam"; not "1000 GB Speicher", "2019 EU Gipfel",
      // "2016 TO CANCEL", "2016 To Whom".
      static const char* const kUnits[] = {
          "GB", "MB", "KB", "TB", "PS", "KW", "EU", "US", "UK", "HD", "CM", "MM", "KM", "AM",
          "PM", "SA", "SD", "SS", "DM", "CD", "TV", "PC", "MW", "GW", "KG", "ML", "TO", "BY",
          "OF", "IN", "ON", "AT", "IS", "IT", "AS", "AN", "OR", "IF", "NO", "SO", "UP", "WE",
          "MY", "ME", "HE", "BE", "DO", "GO", "VS", "ET", "EN", "DE", "LA", "LE", "EL", "UM"};
      const std::string_view two = c.text.substr(l, 2);
      for (const char* u : kUnits)
        if (two == u) return 0;
      return e;
    }
  }
  return keyword ? e : 0;
}

// --- detectors -----------------------------------------------------------

enum Need : unsigned {
  kNeedNone = 0,
  kNeedDigit = 1,
  kNeedAt = 2,
  kNeedUrl = 4,
  kNeedColon = 8,
  kHintMask = 32,     // 'X', '{' or '[' occurs (for existing masks)
  kHintSlash = 64,    // '/' occurs (for URLs without a scheme)
  kNeedStreet = 128,  // a street word occurs (kStreetWordRe; address patterns)
};

using Validator = size_t (*)(const Ctx&, size_t, size_t);
// Validates a match and may narrow it at either end; false rejects it.
using RangeValidator = bool (*)(const Ctx&, size_t*, size_t*);
// Where a detector's capture group starts in its whole match (the group ends
// where the match ends); false when the match alone does not tell.
using GroupLocator = bool (*)(std::string_view match, size_t* group_begin);

struct Detector {
  PiiKind kind;
  std::string name;  // reported in PiiSpan::name
  std::string mask;
  std::string pattern;
  int group = 0;  // capture group holding the span (0 = whole match)
  unsigned need = kNeedNone;
  Validator validate = nullptr;
  RangeValidator validate_range = nullptr;
  // For a pattern whose group ends its match: the group found from the
  // whole match, which RE2 finds with its DFAs alone, without the
  // backtracking search that places groups (most of a short text's cost of
  // the account pattern). Where it cannot tell, RE2 places the group.
  GroupLocator locate_group = nullptr;
  int priority = 0;  // lower wins among equal spans
  // After a rejected match, resume the search after it rather than one byte
  // further: for unbounded patterns (URLs) whose sub-matches cannot pass
  // either; keeps the scan linear.
  bool skip_rejected = false;
  // Where the detector is searched (see Redactor::Impl::Find).
  enum Scope { kWholeText, kNumericRuns, kEmailRuns, kUrlRuns } scope = kWholeText;

  // The compiled pattern. A built-in one is compiled when first searched
  // (most texts need few of them, and compiling all was a third of the
  // start-up); a custom one when added, to report errors.
  const RE2& Re() const {
    std::call_once(*compiled, [this] {
      if (re == nullptr) re = Compile(pattern);
    });
    return *re;
  }
  // The pattern compiled for Latin-1, for ranges of ASCII bytes, when the
  // pattern itself is ASCII (`ascii_pattern`; null otherwise, and when it
  // does not compile that way: an escape above \x{FF}). On ASCII bytes it
  // finds what Re() finds: their classes, case folds and \b agree on ASCII
  // (a non-ASCII literal would not: Latin-1 reads its UTF-8 bytes as
  // characters, so "°?" would require two bytes and make one optional).
  // It compiles in a fraction of the time: \p{L} and the like build no
  // UTF-8 automata (the e-mail pattern, about 30 M instructions in UTF-8).
  const RE2* AsciiRe() const {
    if (!ascii_pattern) return nullptr;
    std::call_once(*ascii_compiled, [this] {
      RE2::Options o;
      o.set_log_errors(false);
      o.set_max_mem(64 << 20);
      o.set_encoding(RE2::Options::EncodingLatin1);
      auto r = std::make_unique<RE2>(pattern, o);
      if (r->ok()) ascii_re = std::move(r);
    });
    return ascii_re.get();
  }
  static std::unique_ptr<RE2> Compile(const std::string& pattern) {
    RE2::Options o;
    o.set_log_errors(false);
    o.set_max_mem(64 << 20);
    return std::make_unique<RE2>(pattern, o);
  }
  std::unique_ptr<std::once_flag> compiled = std::make_unique<std::once_flag>();
  mutable std::unique_ptr<RE2> re;
  bool ascii_pattern = false;  // every byte of `pattern` is ASCII (set by Add)
  std::unique_ptr<std::once_flag> ascii_compiled = std::make_unique<std::once_flag>();
  mutable std::unique_ptr<RE2> ascii_re;
};

struct Candidate {
  uint32_t begin, end;
  int detector;
  int priority;
};

constexpr char kEmailRe[] = R"([\p{L}\p{N}._%+\-]+@[\p{L}\p{N}](?:[\p{L}\p{N}\-]*[\p{L}\p{N}])?)"
                            R"((?:\.[\p{L}\p{N}](?:[\p{L}\p{N}\-]*[\p{L}\p{N}])?)*\.[A-Za-z]{2,24}\b)";
// Separators: space, '.', '-' and the Unicode hyphens and dashes U+2010..2015.
constexpr char kPhoneNanpRe[] =
    R"((?:\+1[ .\-\x{2010}-\x{2015}]?|\b1[ .\-\x{2010}-\x{2015}]?)?)"
    R"((?:\(\d{3}\) ?|\d{3}[ .\-\x{2010}-\x{2015}]?)\d{3}[ .\-\x{2010}-\x{2015}]?\d{4}\b)";
constexpr char kPhoneIntlRe[] = R"(\+[1-9]\d{0,2}(?:[ .\-\x{2010}-\x{2015}]?(?:\(\d{1,4}\)|\d{1,5})){2,6})";
// Up to 19 digits in groups; a neighbouring number may be caught too, which
// ValidCardRange trims.
constexpr char kCardRe[] = R"(\b\d(?:[ \-./_]?\d){12,22}\b)";
constexpr char kSsnRe[] = R"(\b\d{3}-\d{2}-\d{4}\b|\b\d{3} \d{2} \d{4}\b|\b\d{3}\.\d{2}\.\d{4}\b)";
constexpr char kIbanRe[] = R"((?i)\b[A-Z]{2}\d{2}(?:[ \-]?[A-Z0-9]){11,32})";
// International numbers dialled with "00" ("0044 20 7946 0958").
constexpr char kPhone00Re[] = R"(\b00[1-9]\d{0,2}(?:[ .\-]?(?:\(\d{1,4}\)|\d{1,5})){2,6})";
// National numbers with a trunk "0" and separated groups ("020 7946 0958",
// "01 23 45 67 89", "030/1234567"): 10 or 11 digits.
constexpr char kPhoneNationalRe[] = R"(\b0\d{1,4}(?: ?/ ?|[ .\-])\d{2,8}(?:[ .\-/]\d{1,8}){0,3}\b)";
// Nine digits without a trunk '0' (Spain, Portugal) and Italian mobiles.
constexpr char kPhoneNineRe[] = R"(\b[236-9]\d{1,2}(?:[ .\-/]\d{1,7}){1,3}\b)";
// An area code in parentheses: "(11) 91234-5678", "(030) 1234567".
constexpr char kPhoneParenRe[] = R"(\(0?\d{2,4}\) ?\d{3,8}(?:[ \-.]\d{2,4}){0,2}\b)";
// A two-digit area code, then four and four or five and four digits:
// "55 1234 5678", "11 91234-5678".
constexpr char kPhoneArea2Re[] = R"(\b[1-9]\d (?:\d{4}|9\d{4})[ \-]\d{4}\b)";
// Postal addresses. Street words of the countries whose languages voc
// supports, in each country's order:
//   name + street word + number  "Hauptstraße 12", "Kerkstraat 1", "Berliner Platz 5";
//   street word + name + number  "Via Roma 10", "Calle Mayor, 5", "Rua Augusta 100",
//                                "Rue de la Loi 16", "Av. Paulista, 1000";
//   number + street word + name  "12 rue de la Paix", "221 Baker Street";
// each optionally followed by postcode and city ("10115 Berlin",
// "1017 GC Amsterdam", "1100-053 Lisboa", "D-10115 Berlin"). A postcode and
// city alone are masked only in the spellings no amount or count has
// ("1017 GC Amsterdam", "1100-053 Lisboa", "01310-100 São Paulo") or after a
// postcode word ("PLZ", "CAP", "C.P.", "CEP", "code postal").
// Letters are Latin (Latin-1 and Latin Extended-A/B, the alphabets of these
// countries): with \p{L} and \p{Lu} these patterns were most of the RE2
// compilation at start-up.
#define VOC_CITY \
  R"([A-ZÀ-ÖØ-Þ][a-zA-ZÀ-ÖØ-öø-ɏ'’\-]+(?:[ \-](?:[A-ZÀ-ÖØ-Þ][a-zA-ZÀ-ÖØ-öø-ɏ'’\-]+|(?:am|an der|im|de|di|da|del|do|dos|das|sur|la|le|les|en|aan den|aan de) [A-ZÀ-ÖØ-Þ][a-zA-ZÀ-ÖØ-öø-ɏ'’\-]+)){0,2})"
#define VOC_POSTCODE_CITY R"((?:(?:[A-Z]{1,2}-)?\d{4,5}(?: ?[A-Z]{2}\b)?|\d{4,5}-\d{3}) )" VOC_CITY
#define VOC_HOUSE_NUMBER R"(\d{1,4}(?: ?[a-zA-Z]\b| ?bis\b| ?ter\b)?(?:[\-/]\d{1,4}[a-zA-Z]?\b){0,2})"
#define VOC_ADDRESS_TAIL R"((?:,? (?:\- )?(?:(?i:plz|cap|c\.p\.|cp|cep) )?)" VOC_POSTCODE_CITY R"()?)"
#define VOC_NAME_WORD R"((?:[A-ZÀ-ÖØ-Þ][a-zA-ZÀ-ÖØ-öø-ɏ'’\-\.]*|[dlDL]['’][A-ZÀ-ÖØ-Þ][a-zA-ZÀ-ÖØ-öø-ɏ'’\-]*))"
#define VOC_CONNECTOR \
  R"((?:de|del|della|delle|dei|degli|dello|di|da|do|dos|das|la|las|los|le|les|des|du|y|e|et|aux|au|sur|van|der|den|het|dell['’]|d['’]|l['’]))"
#define VOC_STREET_SUFFIX \
  R"((?i:stra(?:ß|ss)e|str\.|gasse|allee|platz|weg|damm|ufer|chaussee|steig|pfad|straat|laan|plein|gracht|kade|dijk|singel|steeg|dreef))"
#define VOC_STREET_FIRST \
  R"((?i:\b(?:via|viale|piazza|piazzale|corso|largo|vicolo|calle|c/|avenida|avda\.|av\.|avd\.|plaza|paseo|ronda|carrer|rua|praça|praca|travessa|alameda|estrada|rodovia|rue|avenue|boulevard|chaussée|quai)))"
#define VOC_STREET_AFTER_NUMBER \
  R"((?i:rue|avenue|av\.|boulevard|bd|place|allée|allee|impasse|chemin|quai|cours|route|square|passage|voie|sentier))"
#define VOC_STREET_EN R"((?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Drive))"
constexpr char kAddressSuffixRe[] =
    R"((?:[A-ZÀ-ÖØ-Þ][a-zA-ZÀ-ÖØ-öø-ɏ]*[ \-]){0,2}[a-zA-ZÀ-ÖØ-öø-ɏ]*)" VOC_STREET_SUFFIX
    " " VOC_HOUSE_NUMBER VOC_ADDRESS_TAIL;
constexpr char kAddressStreetFirstRe[] =
    VOC_STREET_FIRST R"([ ]+)"
                     R"((?:)" VOC_CONNECTOR R"( |)" VOC_NAME_WORD R"( ){0,5})" VOC_NAME_WORD
                     R"(,? (?:n[º°o]\.? ?|num\. ?)?)" VOC_HOUSE_NUMBER VOC_ADDRESS_TAIL;
constexpr char kAddressNumberFirstRe[] =
    R"(\b\d{1,5}(?: ?bis| ?ter| ?[a-zA-Z])?,? (?:)" VOC_STREET_AFTER_NUMBER
    " "
    R"((?:)" VOC_CONNECTOR R"( )*)" VOC_NAME_WORD R"((?: (?:)" VOC_CONNECTOR R"( )*)" VOC_NAME_WORD
    R"(){0,4})"
    R"(|(?:[A-ZÀ-ÖØ-Þ][a-zA-ZÀ-ÖØ-öø-ɏ'’\-]*\.? ){1,3})" VOC_STREET_EN R"(\b\.?))" VOC_ADDRESS_TAIL;
// A postcode and city alone, in the spellings that are not amounts.
constexpr char kAddressPostcodeRe[] =
    R"((?:(?i:\b(?:plz|cap|c\.p\.|cp|cep|code postal|postcode|código postal|codigo postal)):? )?)"
    R"(\b((?:\d{4} ?[A-Z]{2}|\d{4}-\d{3}|\d{5}-\d{3}|[A-Z]{1,2}-\d{4,5}|\d{4,5}) )" VOC_CITY ")";
// Every match of the three street patterns above holds one of these words
// (spelled and cased as there): texts without any skip those patterns, the
// costliest of the redactor's.
constexpr char kStreetWordRe[] = VOC_STREET_SUFFIX
    "|" VOC_STREET_FIRST R"([ ]+(?:[A-ZÀ-ÖØ-Þ]|[dlDL]['’]|)" VOC_CONNECTOR R"( ))"
    R"(|\d(?: ?bis| ?ter| ?[a-zA-Z])?,? )" VOC_STREET_AFTER_NUMBER R"( |\b)" VOC_STREET_EN R"(\b)";
constexpr char kIpv4Re[] = R"(\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\b)";
constexpr char kIpv6Re[] =
    R"((?i)(?:[0-9a-f]{1,4}|:)(?::[0-9a-f]{0,4}){2,8}(?:\.\d{1,3}\.\d{1,3}\.\d{1,3})?)";
// With a scheme, "www.", or a bare domain followed by a path
// ("example.com/reset?token=...").
constexpr char kUrlRe[] =
    R"((?i)\b(?:https?://|www\.|(?:[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?\.)+[a-z]{2,24}/))"
    R"([^\s<>"'{}|\\^`\[\]]+)";
constexpr char kAccountRe[] =
    R"((?i)\b(?:acc(?:oun)?t|a/c|order|ord|ref(?:erence)?|confirmation|conf|)"
    R"(member(?:ship)?|policy|ticket|case|claim|invoice|tracking|transaction|txn|loan|)"
    R"(booking|reservation|customer|client|contract|subscriber|ending|rma|pnr|purchase|bill|)"
    R"(routing|iban|bic|swift|sort code|passport|licen[cs]e|driver'?s licen[cs]e|employee|patient))"
    R"((?:[\s:#.\-]{0,4}(?:numbers?|num|nbr|no|id|code|is|was|in|with|the)\b){0,4}[\s:#.\-]{0,4})"
    R"(([A-Za-z]{0,4}-?[0-9][A-Za-z0-9\-]{1,30}(?: [0-9]{2,8}){0,6}))";

// "#00108", "# 4587345": five or more digits after '#' name a record.
constexpr char kHashIdRe[] = R"((?:^|[^&#])#\s?([A-Za-z]{0,3}\d{5,20})\b)";

// Nine digits right after "SSN" or "social security number".
constexpr char kSsnKeywordRe[] =
    R"((?i)\b(?:ssn|ss#|social security(?: number| no| #)?|social)\b[\s:#.]{0,4}(?:is\s+|was\s+)?(\d{9})\b)";
// Seven-digit local numbers ("555 1234") right after a phone word.
constexpr char kPhoneLocalRe[] =
    R"((?i)\b(?:call(?:ed)?|phone|tel|telephone|cell|mobile|fax|text|dial(?:ed)?)\b)"
    R"([^.\d\n]{0,20}?\b(\d{3}[\-. ]\d{4})\b)";

// The detectors whose matches hold nothing but digits, the separators
// ' ' . - / _ ( ) + and the dashes U+2010..2015: each match lies in one run
// of those bytes that holds at least kNumericMatchDigits digits
// (internal::NumericRuns), and only those runs are searched.
const char* const kNumericPatterns[] = {kPhoneNanpRe,     kPhoneIntlRe, kCardRe,       kSsnRe,
                                        kPhone00Re,       kPhoneNineRe, kPhoneParenRe, kPhoneArea2Re,
                                        kPhoneNationalRe, kIpv4Re};

const char* const kOwnMasks[] = {"EMAIL", "PHONE", "CARD",    "SSN",     "IBAN",
                                 "IP",    "URL",   "ACCOUNT", "ADDRESS", "CUSTOM"};

// --- folding: what the detectors see --------------------------------------
//
// Personal data is often written with characters the patterns do not expect:
// invisible format characters inside it (zero-width space and joiners, word
// joiner, soft hyphen, bidirectional marks and overrides, variation
// selectors, tag characters), digits of other scripts (fullwidth,
// Arabic-Indic, Devanagari ...), fullwidth ASCII ("＠"), Unicode dashes and
// spaces. The detectors run on a folded copy where invisible characters are
// gone and the others are ASCII; each folded byte remembers the input range
// of the character it came from, so masks cover the input exactly
// (invisible characters inside a match are masked with it).

// Zero points of the decimal digit blocks (Unicode Nd) of common scripts.
constexpr char32_t kDigitZeros[] = {
    0x0660, 0x06F0, 0x07C0, 0x0966,  0x09E6,  0x0A66,  0x0AE6,  0x0B66,  0x0BE6,  0x0C66, 0x0CE6,
    0x0D66, 0x0DE6, 0x0E50, 0x0ED0,  0x0F20,  0x1040,  0x1090,  0x17E0,  0x1810,  0x1946, 0x19D0,
    0x1A80, 0x1A90, 0x1B50, 0x1BB0,  0x1C40,  0x1C50,  0xA620,  0xA8D0,  0xA900,  0xA9D0, 0xA9F0,
    0xAA50, 0xABF0, 0xFF10, 0x104A0, 0x11066, 0x1D7CE, 0x1D7D8, 0x1D7E2, 0x1D7EC, 0x1D7F6};

bool Invisible(char32_t cp) {
  return cp == 0x00AD || cp == 0x034F || cp == 0x061C || cp == 0x115F || cp == 0x1160 || cp == 0x17B4 ||
         cp == 0x17B5 || (cp >= 0x180B && cp <= 0x180F) || (cp >= 0x200B && cp <= 0x200F) ||
         (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2060 && cp <= 0x206F) || cp == 0x3164 ||
         (cp >= 0xFE00 && cp <= 0xFE0F) || cp == 0xFEFF || cp == 0xFFA0 || (cp >= 0xE0000 && cp <= 0xE0FFF) ||
         (cp >= 0x1BCA0 && cp <= 0x1BCA3);
}

// The ASCII character `cp` stands for in personal data, or 0.
char AsciiFold(char32_t cp) {
  if (cp >= 0xFF01 && cp <= 0xFF5E) return static_cast<char>(cp - 0xFF01 + 0x21);  // fullwidth
  for (char32_t z : kDigitZeros)
    if (cp >= z && cp <= z + 9) return static_cast<char>('0' + (cp - z));
  if ((cp >= 0x2010 && cp <= 0x2015) || cp == 0x2212 || cp == 0xFE58 || cp == 0xFE63 || cp == 0x2043)
    return '-';
  if (cp == 0x00A0 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x202F || cp == 0x205F || cp == 0x3000 ||
      cp == 0x1680)
    return ' ';
  if (cp == 0xFE6B) return '@';
  if (cp == 0x2024 || cp == 0xFE52 || cp == 0x3002) return '.';
  if (cp == 0x2215 || cp == 0x2044) return '/';
  return 0;
}

struct Folded {
  std::string text;
  std::vector<uint32_t> from, to;  // per folded byte: its character's input range
};

// Folds `in` into `*f`; false (and `*f` untouched) when folding changes
// nothing, the common case, found without decoding pure-ASCII text.
bool Fold(std::string_view in, Folded* f) {
  const size_t i = internal::FindNonAscii(reinterpret_cast<const unsigned char*>(in.data()), 0, in.size());
  if (i == in.size()) return false;
  bool changed = false;
  for (size_t p = i; p < in.size();) {
    if (static_cast<unsigned char>(in[p]) < 0x80) {
      ++p;
      continue;
    }
    bool bad;
    size_t q = p;
    const char32_t cp = internal::DecodeUtf8(in, &q, &bad);
    if (!bad && (Invisible(cp) || AsciiFold(cp) != 0)) {
      changed = true;
      break;
    }
    p = q;
  }
  if (!changed) return false;
  f->text.clear();
  f->from.clear();
  f->to.clear();
  f->text.reserve(in.size());
  for (size_t p = 0; p < in.size();) {
    const size_t start = p;
    bool bad = false;
    const char32_t cp = static_cast<unsigned char>(in[p]) < 0x80 ? static_cast<char32_t>(in[p++])
                                                                 : internal::DecodeUtf8(in, &p, &bad);
    if (!bad && cp >= 0x80) {
      if (Invisible(cp)) continue;
      if (const char a = AsciiFold(cp); a != 0) {
        f->text.push_back(a);
        f->from.push_back(static_cast<uint32_t>(start));
        f->to.push_back(static_cast<uint32_t>(p));
        continue;
      }
    }
    for (size_t k = start; k < p; ++k) {
      f->text.push_back(in[k]);
      f->from.push_back(static_cast<uint32_t>(start));
      f->to.push_back(static_cast<uint32_t>(p));
    }
  }
  return true;
}

bool ValidCustomName(std::string_view s) {
  if (s.empty() || !IsAlpha(s[0])) return false;
  return std::all_of(s.begin(), s.end(), IsWordByte);
}

}  // namespace

namespace internal {

namespace {

// Byte classes of the run scans: 1 a numeric run byte, 2 a digit too; 4 a
// byte a mask may start with ('{', '[', 'X'); 8 an ASCII word byte.
constexpr std::array<uint8_t, 256> MakeRunTable() {
  std::array<uint8_t, 256> t{};
  for (int c = '0'; c <= '9'; ++c) t[c] = 1 | 2 | 8;
  for (char c : {' ', '.', '-', '/', '_', '(', ')', '+'}) t[static_cast<unsigned char>(c)] |= 1;
  t[0xE2] |= 1;
  t[0x80] |= 1;
  for (int c = 0x90; c <= 0x95; ++c) t[c] |= 1;
  for (int c = 'a'; c <= 'z'; ++c) t[c] |= 8;
  for (int c = 'A'; c <= 'Z'; ++c) t[c] |= 8;
  t['_'] |= 8;
  for (char c : {'{', '[', 'X'}) t[static_cast<unsigned char>(c)] |= 4;
  return t;
}
constexpr std::array<uint8_t, 256> kRunTable = MakeRunTable();

constexpr uint64_t kOnes = 0x0101010101010101ULL;
constexpr uint64_t kHighs = 0x8080808080808080ULL;

// Nonzero when a byte of `x` is zero (exact: no false alarm without one).
constexpr uint64_t HasZeroByte(uint64_t x) { return (x - kOnes) & ~x & kHighs; }

// Byte sets NextByte looks for: digits, or up to three bytes (with
// kFoldCase, a lower-case letter also finds its upper case).
struct DigitBytes {
  static bool Is(unsigned char c) { return c >= '0' && c <= '9'; }
  // Bytes 0x30..0x3F have the high nibble 3; a false alarm for ':' .. '?'.
  static uint64_t Alarm(uint64_t x) { return HasZeroByte((x ^ (kOnes * 0x30)) & (kOnes * 0xF0)); }
};
struct MaskStartBytes {
  static bool Is(unsigned char c) { return c == '{' || c == '[' || c == 'X'; }
  static uint64_t Alarm(uint64_t x) {
    return HasZeroByte(x ^ (kOnes * '{')) | HasZeroByte(x ^ (kOnes * '[')) | HasZeroByte(x ^ (kOnes * 'X'));
  }
};
struct UrlAnchorBytes {
  static bool Is(unsigned char c) { return c == '/' || (c | 0x20) == 'w'; }
  static uint64_t Alarm(uint64_t x) {
    return HasZeroByte(x ^ (kOnes * '/')) | HasZeroByte((x | (kOnes * 0x20)) ^ (kOnes * 'w'));
  }
};

// The first offset at or after `pos` holding a byte of `Set`, or
// text.size(). Eight bytes at a time are skipped while none of them can be
// one (Set::Alarm may raise false alarms, then the bytes are looked at).
template <typename Set>
size_t NextByte(std::string_view text, size_t pos) {
  const auto* const s = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  for (; pos + 8 <= n; pos += 8) {
    uint64_t x;
    std::memcpy(&x, s + pos, 8);
    if (Set::Alarm(x) == 0) continue;
    for (size_t k = 0; k < 8; ++k)
      if (Set::Is(s[pos + k])) return pos + k;
  }
  for (; pos < n; ++pos)
    if (Set::Is(s[pos])) return pos;
  return n;
}

}  // namespace

bool IsNumericRunByte(unsigned char c) { return (kRunTable[c] & 1) != 0; }

namespace {

constexpr std::array<uint8_t, 256> MakeTextByteTable() {
  std::array<uint8_t, 256> t{};
  for (int c = '0'; c <= '9'; ++c) t[c] = kTextDigit;
  t['@'] = kTextAt;
  t[':'] = kTextColon;
  t['X'] = t['{'] = t['['] = kTextMask;
  t['/'] = kTextSlash;
  t['w'] = t['W'] = kTextW;
  return t;
}
constexpr std::array<uint8_t, 256> kTextByteTable = MakeTextByteTable();

}  // namespace

unsigned TextBytes(std::string_view text) {
  const auto* const s = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
#if defined(__SSE2__)
  if (n >= 16) {
    // Each class's matches ORed over the blocks, the last block overlapping
    // the one before (ORs do not mind bytes seen twice).
    __m128i digit = _mm_setzero_si128(), at = digit, colon = digit, mask = digit, slash = digit, w = digit;
    const auto block = [&](const unsigned char* p) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
      // '0'..'9': v - '0' is below 10 unsigned, tested signed after a shift by 0x80.
      const __m128i d = _mm_sub_epi8(v, _mm_set1_epi8(static_cast<char>('0' + 0x80)));
      digit = _mm_or_si128(digit, _mm_cmplt_epi8(d, _mm_set1_epi8(static_cast<char>(-0x80 + 10))));
      at = _mm_or_si128(at, _mm_cmpeq_epi8(v, _mm_set1_epi8('@')));
      colon = _mm_or_si128(colon, _mm_cmpeq_epi8(v, _mm_set1_epi8(':')));
      mask = _mm_or_si128(mask, _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('X')),
                                             _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('{')),
                                                          _mm_cmpeq_epi8(v, _mm_set1_epi8('[')))));
      slash = _mm_or_si128(slash, _mm_cmpeq_epi8(v, _mm_set1_epi8('/')));
      // 'w' and 'W' differ in the case bit only.
      w = _mm_or_si128(w, _mm_cmpeq_epi8(_mm_or_si128(v, _mm_set1_epi8(0x20)), _mm_set1_epi8('w')));
    };
    size_t i = 0;
    for (; i + 16 <= n; i += 16) block(s + i);
    if (i < n) block(s + n - 16);
    const auto any = [](__m128i m, unsigned bit) { return _mm_movemask_epi8(m) != 0 ? bit : 0u; };
    return any(digit, kTextDigit) | any(at, kTextAt) | any(colon, kTextColon) | any(mask, kTextMask) |
           any(slash, kTextSlash) | any(w, kTextW);
  }
#endif
  unsigned found = 0;
  for (size_t i = 0; i < n; ++i) found |= kTextByteTable[s[i]];
  return found;
}

void NumericRuns(std::string_view text, ByteRanges* runs) {
  runs->clear();
  const auto* const s = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  // From each digit not yet in a run, the run around it. The bytes before
  // `d` back to the run's start hold no digit (`d` is the first one after
  // the last run), so the run's digits are counted from `d` on.
  for (size_t d = NextByte<DigitBytes>(text, 0); d < n; d = NextByte<DigitBytes>(text, d)) {
    size_t b = d, e = d + 1, digits = 1;
    while (e < n && (kRunTable[s[e]] & 1) != 0) digits += (kRunTable[s[e++]] >> 1) & 1;
    if (digits >= kNumericMatchDigits) {
      while (b > 0 && (kRunTable[s[b - 1]] & 1) != 0) --b;
      runs->emplace_back(static_cast<uint32_t>(b), static_cast<uint32_t>(e));
    }
    d = e;
  }
}

std::string JoinRuns(std::string_view text, const ByteRanges& runs) {
  std::string joined;
  for (const auto& [b, e] : runs) {
    const size_t pb = b > 0 ? b - 1 : 0;
    const size_t pe = e < text.size() ? e + 1 : e;
    joined.append(text.data() + pb, pe - pb);
  }
  return joined;
}

void EmailRuns(std::string_view text, ByteRanges* runs) {
  static const auto kTable = [] {
    std::array<bool, 256> t{};
    for (int c = 0; c < 256; ++c) t[c] = c >= 0x80 || IsAlnum(static_cast<char>(c));
    for (unsigned char c : std::string_view("._%+-@")) t[c] = true;
    return t;
  }();
  runs->clear();
  size_t done = 0;  // end of the last run
  for (size_t at = text.find('@'); at != std::string_view::npos; at = text.find('@', at + 1)) {
    if (at < done) continue;
    size_t b = at, e = at + 1;
    while (b > done && kTable[static_cast<unsigned char>(text[b - 1])]) --b;
    while (e < text.size() && kTable[static_cast<unsigned char>(text[e])]) ++e;
    runs->emplace_back(static_cast<uint32_t>(b), static_cast<uint32_t>(e));
    done = e;
  }
}

bool EmailRunMayHoldAddress(std::string_view run) {
  // The first '@' after a byte other than '@': a later one has a '.' and two
  // letters after it only when this one has.
  size_t at = 1;
  while (at < run.size() && (run[at] != '@' || run[at - 1] == '@')) ++at;
  for (size_t d = at + 2; d + 2 < run.size(); ++d) {
    if (run[d] == '.' && IsAlpha(run[d + 1]) && IsAlpha(run[d + 2])) return true;
  }
  return false;
}

void UrlRuns(std::string_view text, ByteRanges* runs) {
  static const auto kBarrier = [] {
    std::array<bool, 256> t{};
    for (unsigned char c : std::string_view("\t\n\f\r <>\"'{}|\\^`[]")) t[c] = true;
    return t;
  }();
  runs->clear();
  const size_t n = text.size();
  auto lower = [&text](size_t i) { return static_cast<char>(text[i] | 0x20); };
  // From each '/' or "www." (in any case) not yet in a run, the run around it.
  for (size_t a = NextByte<UrlAnchorBytes>(text, 0); a < n; a = NextByte<UrlAnchorBytes>(text, a)) {
    if (text[a] != '/' &&
        !(a + 3 < n && lower(a) == 'w' && lower(a + 1) == 'w' && lower(a + 2) == 'w' && text[a + 3] == '.')) {
      ++a;
      continue;
    }
    size_t b = a, e = a + 1;
    while (b > 0 && !kBarrier[static_cast<unsigned char>(text[b - 1])]) --b;
    while (e < n && !kBarrier[static_cast<unsigned char>(text[e])]) ++e;
    runs->emplace_back(static_cast<uint32_t>(b), static_cast<uint32_t>(e));
    a = e;
  }
}

std::string UrlPattern() { return kUrlRe; }

std::vector<std::string> NumericPatterns() {
  return {std::begin(kNumericPatterns), std::end(kNumericPatterns)};
}

std::string EmailPattern() { return kEmailRe; }
std::string AccountPattern() { return kAccountRe; }
std::string HashIdPattern() { return kHashIdRe; }

// kAccountRe is a keyword, words and separators (no digit among them: the
// keywords, the words and [\s:#.\-] have none), then the group:
// [A-Za-z]{0,4}-?[0-9]... The group's first digit is then the match's first
// digit; when all the match's digits end it, the group starts at that digit
// or at the letters and '-' right before it. When the byte before the digits
// is neither of those (nor part of a character that (?i) may fold to a
// letter, as KELVIN SIGN: every byte >= 0x80 is refused), the group is
// exactly the digits.
bool AccountGroupStart(std::string_view match, size_t* group_begin) {
  size_t d = match.size();
  while (d > 0 && IsDigit(match[d - 1])) --d;
  if (d == 0 || d == match.size()) return false;
  if (std::any_of(match.begin(), match.begin() + static_cast<std::ptrdiff_t>(d), IsDigit)) return false;
  const auto before = static_cast<unsigned char>(match[d - 1]);
  if (before >= 0x80 || before == '-' || IsAlpha(static_cast<char>(before))) return false;
  *group_begin = d;
  return true;
}

// kHashIdRe is an optional byte other than '&' and '#' (or a character, in
// UTF-8), '#', an optional white space byte ([\t\n\f\r ]), then the group,
// which starts with a letter or a digit: the group starts after the match's
// one '#' and the white space byte after it, if any.
bool HashIdGroupStart(std::string_view match, size_t* group_begin) {
  size_t i = match.find('#');
  if (i == std::string_view::npos) return false;
  ++i;
  if (i < match.size() &&
      (match[i] == ' ' || match[i] == '\t' || match[i] == '\n' || match[i] == '\f' || match[i] == '\r'))
    ++i;
  *group_begin = i;
  return true;
}

std::string ExistingMaskPattern(const std::string& mask_names) {
  return R"(\{\$[0-9][0-9,]*(?:\.[0-9]*)?\}|\{\{[^{}\r\n]{1,80}\}\}|\[(?:)" + mask_names +
         R"()\]|\bX{2,}(?:[ /\-]X{2,})*\b)";
}

size_t NextMaskStart(std::string_view text, size_t pos) {
  const auto* const s = reinterpret_cast<const unsigned char*>(text.data());
  for (const size_t n = text.size(); (pos = NextByte<MaskStartBytes>(text, pos)) < n; ++pos)
    if (s[pos] != 'X' || pos == 0 || (kRunTable[s[pos - 1]] & 8) == 0) return pos;
  return text.size();
}

}  // namespace internal

struct Redactor::Impl {
  RedactorOptions options;
  std::vector<Detector> detectors;
  // The detectors searched in the whole text, in two sets: those without
  // kNeedStreet (set_index maps a set index to a detector) and, run only
  // when street_gate matches, those with it. The detectors searched in the
  // numeric runs only (Detector::kNumericRuns) are in a third set, matched
  // against the runs alone. URLs and e-mail addresses are in no set.
  std::unique_ptr<RE2::Set> set, street_set, numeric_set;
  std::vector<int> set_index, street_index, numeric_index;
  std::unique_ptr<RE2> street_gate;
  std::unique_ptr<RE2> masks;  // existing masks
  bool has_custom = false;

  Status Add(PiiKind kind, std::string name, std::string mask, const std::string& pattern, int group,
             unsigned need, Validator v, int priority);
  // Returns the accepted, non-overlapping candidates in `text`, in order.
  // Candidates overlapping an existing mask or a range in `blocked` are
  // dropped.
  using Ranges = std::vector<std::pair<uint32_t, uint32_t>>;
  std::vector<Candidate> Find(std::string_view text, bool first_only, uint32_t* n_masks,
                              const Ranges* blocked = nullptr) const;
  // Redact() on text already folded (see Fold()). `owned`, when not null,
  // is the string `utf8` views: moved into the result when nothing is
  // masked.
  Redaction RedactFolded(std::string_view utf8, std::string* owned = nullptr) const;
  // Writes `in` with `found` masked into `r` (text and spans).
  void Apply(std::string_view in, const std::vector<Candidate>& found, Redaction* r,
             Ranges* mask_ranges) const;
};

Status Redactor::Impl::Add(PiiKind kind, std::string name, std::string mask, const std::string& pattern,
                           int group, unsigned need, Validator v, int priority) {
  Detector d;
  if (kind == PiiKind::kCustom) {
    auto re = Detector::Compile(pattern);
    if (!re->ok()) {
      return InvalidArgumentError("invalid pattern '" + pattern + "': " + re->error());
    }
    if (RE2::FullMatch("", *re))
      return InvalidArgumentError("pattern '" + pattern + "' matches the empty string");
    d.re = std::move(re);
  }
  d.kind = kind;
  d.name = std::move(name);
  d.mask = std::move(mask);
  d.pattern = pattern;
  d.ascii_pattern = internal::IsAsciiBytes(pattern);
  d.group = group;
  d.need = need;
  d.validate = v;
  d.priority = priority;
  detectors.push_back(std::move(d));
  return Status::Ok();
}

std::vector<std::string> internal::Latin1DetectorPatterns(const Redactor& redactor) {
  std::vector<std::string> out;
  for (const Detector& d : ImplOf(redactor).detectors)
    if (d.AsciiRe() != nullptr) out.push_back(d.pattern);
  return out;
}

Redactor::Redactor(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Redactor::~Redactor() = default;

Result<std::unique_ptr<Redactor>> Redactor::Create(const RedactorOptions& options) {
  auto im = std::make_unique<Impl>();
  im->options = options;
  const RedactorOptions& o = options;
  // Priorities: URL > email > IBAN > card > SSN > account, address > phone > IP > custom
  // (a number right after "account number" is an account even if it could
  // be dialled).
  if (o.url) {
    VOC_RETURN_IF_ERROR(im->Add(PiiKind::kUrlToken, "url", "[URL]", kUrlRe, 0, kNeedUrl, ValidUrl, 0));
    im->detectors.back().skip_rejected = true;
    im->detectors.back().scope = Detector::kUrlRuns;
  }
  if (o.email) {
    VOC_RETURN_IF_ERROR(im->Add(PiiKind::kEmail, "email", "[EMAIL]", kEmailRe, 0, kNeedAt, ValidEmail, 1));
    im->detectors.back().scope = Detector::kEmailRuns;
  }
  if (o.iban)
    VOC_RETURN_IF_ERROR(im->Add(PiiKind::kIban, "iban", "[IBAN]", kIbanRe, 0, kNeedDigit, ValidIban, 2));
  if (o.card) {
    VOC_RETURN_IF_ERROR(im->Add(PiiKind::kCard, "card", "[CARD]", kCardRe, 0, kNeedDigit, nullptr, 3));
    im->detectors.back().validate_range = ValidCardRange;
  }
  if (o.ssn) VOC_RETURN_IF_ERROR(im->Add(PiiKind::kSsn, "ssn", "[SSN]", kSsnRe, 0, kNeedDigit, ValidSsn, 4));
  if (o.ssn)
    VOC_RETURN_IF_ERROR(im->Add(PiiKind::kSsn, "ssn", "[SSN]", kSsnKeywordRe, 1, kNeedDigit, ValidSsn, 4));
  if (o.phone) {
    VOC_RETURN_IF_ERROR(
        im->Add(PiiKind::kPhone, "phone", "[PHONE]", kPhoneLocalRe, 1, kNeedDigit, ValidPhoneLocal, 6));
    VOC_RETURN_IF_ERROR(
        im->Add(PiiKind::kPhone, "phone", "[PHONE]", kPhoneNanpRe, 0, kNeedDigit, ValidPhoneNanp, 6));
    VOC_RETURN_IF_ERROR(
        im->Add(PiiKind::kPhone, "phone", "[PHONE]", kPhoneIntlRe, 0, kNeedDigit, ValidPhoneIntl, 6));
    VOC_RETURN_IF_ERROR(
        im->Add(PiiKind::kPhone, "phone", "[PHONE]", kPhone00Re, 0, kNeedDigit, ValidPhone00, 6));
    VOC_RETURN_IF_ERROR(
        im->Add(PiiKind::kPhone, "phone", "[PHONE]", kPhoneNationalRe, 0, kNeedDigit, ValidPhoneNational, 6));
    VOC_RETURN_IF_ERROR(
        im->Add(PiiKind::kPhone, "phone", "[PHONE]", kPhoneNineRe, 0, kNeedDigit, ValidPhoneNine, 6));
    VOC_RETURN_IF_ERROR(
        im->Add(PiiKind::kPhone, "phone", "[PHONE]", kPhoneParenRe, 0, kNeedDigit, ValidPhoneParen, 6));
    VOC_RETURN_IF_ERROR(
        im->Add(PiiKind::kPhone, "phone", "[PHONE]", kPhoneArea2Re, 0, kNeedDigit, ValidPhoneArea2, 6));
  }
  if (o.ip) {
    VOC_RETURN_IF_ERROR(im->Add(PiiKind::kIp, "ip", "[IP]", kIpv4Re, 0, kNeedDigit, ValidIpv4, 7));
    VOC_RETURN_IF_ERROR(
        im->Add(PiiKind::kIp, "ip", "[IP]", kIpv6Re, 0, kNeedDigit | kNeedColon, ValidIpv6, 7));
  }
  if (o.account) {
    VOC_RETURN_IF_ERROR(
        im->Add(PiiKind::kAccount, "account", "[ACCOUNT]", kAccountRe, 1, kNeedDigit, ValidAccount, 5));
    im->detectors.back().locate_group = internal::AccountGroupStart;
    VOC_RETURN_IF_ERROR(
        im->Add(PiiKind::kAccount, "account", "[ACCOUNT]", kHashIdRe, 1, kNeedDigit, ValidAccount, 5));
    im->detectors.back().locate_group = internal::HashIdGroupStart;
  }
  if (o.address) {
    VOC_RETURN_IF_ERROR(im->Add(PiiKind::kAddress, "address", "[ADDRESS]", kAddressSuffixRe, 0,
                                kNeedDigit | kNeedStreet, nullptr, 5));
    im->detectors.back().validate_range = ValidAddressSuffix;
    VOC_RETURN_IF_ERROR(im->Add(PiiKind::kAddress, "address", "[ADDRESS]", kAddressStreetFirstRe, 0,
                                kNeedDigit | kNeedStreet, ValidAddress, 5));
    VOC_RETURN_IF_ERROR(im->Add(PiiKind::kAddress, "address", "[ADDRESS]", kAddressNumberFirstRe, 0,
                                kNeedDigit | kNeedStreet, ValidAddressNumberFirst, 5));
    VOC_RETURN_IF_ERROR(im->Add(PiiKind::kAddress, "address", "[ADDRESS]", kAddressPostcodeRe, 1, kNeedDigit,
                                ValidAddressPostcode, 5));
  }
  std::string mask_names;
  for (const char* m : kOwnMasks) mask_names += std::string(mask_names.empty() ? "" : "|") + m;
  for (const std::string& spec : o.extra_patterns) {
    std::string name = "custom", pattern = spec;
    const size_t eq = spec.find('=');
    if (eq != std::string::npos && ValidCustomName(std::string_view(spec).substr(0, eq))) {
      name = spec.substr(0, eq);
      pattern = spec.substr(eq + 1);
    }
    if (pattern.empty()) return InvalidArgumentError("empty pattern in '" + spec + "'");
    std::string upper;
    for (char ch : name) upper.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(ch))));
    VOC_RETURN_IF_ERROR(
        im->Add(PiiKind::kCustom, name, "[" + upper + "]", pattern, 0, kNeedNone, nullptr, 8));
    mask_names += "|" + upper;
    im->has_custom = true;
  }

  for (Detector& d : im->detectors)
    for (const char* numeric : kNumericPatterns)
      if (d.pattern == numeric) d.scope = Detector::kNumericRuns;

  RE2::Options so;
  so.set_log_errors(false);
  so.set_max_mem(128 << 20);
  im->set = std::make_unique<RE2::Set>(so, RE2::UNANCHORED);
  im->street_set = std::make_unique<RE2::Set>(so, RE2::UNANCHORED);
  im->numeric_set = std::make_unique<RE2::Set>(so, RE2::UNANCHORED);
  for (size_t i = 0; i < im->detectors.size(); ++i) {
    const Detector& d = im->detectors[i];
    if (d.scope == Detector::kUrlRuns || d.scope == Detector::kEmailRuns)
      continue;  // no set: searched directly
    const bool street = (d.need & kNeedStreet) != 0;
    const bool numeric = d.scope == Detector::kNumericRuns;
    RE2::Set* s = street ? im->street_set.get() : numeric ? im->numeric_set.get() : im->set.get();
    std::string err;
    if (s->Add(d.pattern, &err) < 0)
      return InvalidArgumentError("cannot add pattern '" + d.pattern + "' to the set: " + err);
    (street ? im->street_index : numeric ? im->numeric_index : im->set_index).push_back(static_cast<int>(i));
  }
  if ((!im->set_index.empty() && !im->set->Compile()) ||
      (!im->street_index.empty() && !im->street_set->Compile()) ||
      (!im->numeric_index.empty() && !im->numeric_set->Compile()))
    return InternalError("cannot compile the pattern set");
  if (!im->street_index.empty()) {
    RE2::Options go;
    go.set_log_errors(false);
    im->street_gate = std::make_unique<RE2>(kStreetWordRe, go);
    if (!im->street_gate->ok())
      return InternalError("cannot compile the street words: " + im->street_gate->error());
  }

  if (o.keep_existing_masks) {
    const std::string masks = internal::ExistingMaskPattern(mask_names);
    RE2::Options mo;
    mo.set_log_errors(false);
    im->masks = std::make_unique<RE2>(masks, mo);
    if (!im->masks->ok()) return InternalError("cannot compile the mask pattern: " + im->masks->error());
  }
  return std::unique_ptr<Redactor>(new Redactor(std::move(im)));
}

std::vector<Candidate> Redactor::Impl::Find(std::string_view text, bool first_only, uint32_t* n_masks,
                                            const Ranges* blocked) const {
  std::vector<Candidate> out;
  if (text.empty()) return out;
  // Cheap pre-filter: what kinds of characters occur at all (one pass).
  const unsigned bytes = internal::TextBytes(text);
  unsigned have = 0;
  if (bytes & internal::kTextDigit) have |= kNeedDigit;
  if (bytes & internal::kTextAt) have |= kNeedAt;
  if (bytes & internal::kTextColon) have |= kNeedColon;
  if (bytes & internal::kTextMask) have |= kHintMask;
  if (bytes & internal::kTextSlash) have |= kHintSlash;
  if ((have & kNeedColon) && text.find("://") != std::string_view::npos) have |= kNeedUrl;
  if (have & kHintSlash) have |= kNeedUrl;  // "example.com/reset?token=..."
  if ((bytes & internal::kTextW) &&
      (text.find("www.") != std::string_view::npos || text.find("WWW.") != std::string_view::npos))
    have |= kNeedUrl;
  if (street_gate != nullptr && (have & kNeedDigit) &&
      RE2::PartialMatch(re2::StringPiece(text.data(), text.size()), *street_gate))
    have |= kNeedStreet;

  // Existing masks.
  std::vector<std::pair<uint32_t, uint32_t>> masked;
  if (masks != nullptr && (have & kHintMask)) {
    // Every mask starts at an internal::NextMaskStart offset: the leftmost
    // match is the first of them where an anchored match succeeds.
    re2::StringPiece in(text.data(), text.size()), m;
    for (size_t pos = internal::NextMaskStart(text, 0); pos < text.size();
         pos = internal::NextMaskStart(text, pos)) {
      if (!masks->Match(in, pos, text.size(), RE2::ANCHOR_START, &m, 1) || m.empty()) {
        ++pos;
        continue;
      }
      masked.emplace_back(static_cast<uint32_t>(pos), static_cast<uint32_t>(pos + m.size()));
      pos += m.size();
    }
  }
  if (n_masks != nullptr) *n_masks = static_cast<uint32_t>(masked.size());
  if (blocked != nullptr) {
    masked.insert(masked.end(), blocked->begin(), blocked->end());
    // Sorted, disjoint ranges for the binary search below.
    std::sort(masked.begin(), masked.end());
    size_t w = 0;
    for (size_t i = 0; i < masked.size(); ++i) {
      if (w > 0 && masked[i].first <= masked[w - 1].second) {
        masked[w - 1].second = std::max(masked[w - 1].second, masked[i].second);
      } else {
        masked[w++] = masked[i];
      }
    }
    masked.resize(w);
  }
  // True when [b, e) overlaps a masked range.
  auto overlaps_mask = [&masked](size_t b, size_t e) {
    // First range that starts at or after `e`; the one before it is the only
    // candidate for an overlap.
    auto it = std::lower_bound(masked.begin(), masked.end(), e,
                               [](const std::pair<uint32_t, uint32_t>& m, size_t v) { return m.first < v; });
    return it != masked.begin() && std::prev(it)->second > b;
  };

  if (!has_custom && std::none_of(detectors.begin(), detectors.end(),
                                  [have](const Detector& d) { return (d.need & have) == d.need; }))
    return out;

  // Which detectors may match: the sets answer for theirs; URLs and e-mail
  // addresses, each one pattern, are searched without a set.
  std::vector<char> hit(detectors.size(), 0);
  auto match_set = [&](const RE2::Set& s, const std::vector<int>& index, std::string_view where) {
    std::vector<int> found;
    RE2::Set::ErrorInfo info;
    if (s.Match(re2::StringPiece(where.data(), where.size()), &found, &info)) {
      for (int i : found) hit[index[i]] = 1;
    } else if (info.kind != RE2::Set::kNoError) {
      for (int i : index) hit[i] = 1;  // the set failed (memory): run them all
    }
  };
  auto needed = [&](const std::vector<int>& index) {
    return std::any_of(index.begin(), index.end(),
                       [&](int i) { return (detectors[i].need & have) == detectors[i].need; });
  };
  Ranges numeric_runs, email_runs, url_runs;
  if (!numeric_index.empty() && (have & kNeedDigit)) {
    internal::NumericRuns(text, &numeric_runs);
    if (!numeric_runs.empty()) match_set(*numeric_set, numeric_index, internal::JoinRuns(text, numeric_runs));
  }
  if (have & kNeedAt) internal::EmailRuns(text, &email_runs);
  if (have & kNeedUrl) internal::UrlRuns(text, &url_runs);
  if (needed(set_index)) match_set(*set, set_index, text);
  if (have & kNeedStreet) match_set(*street_set, street_index, text);
  for (size_t i = 0; i < detectors.size(); ++i)
    if (detectors[i].scope == Detector::kUrlRuns || detectors[i].scope == Detector::kEmailRuns) hit[i] = 1;

  const Ctx ctx{text};
  re2::StringPiece in(text.data(), text.size());
  re2::StringPiece groups[2];
  const Ranges whole = {{0, static_cast<uint32_t>(text.size())}};
  for (int idx = 0; idx < static_cast<int>(detectors.size()); ++idx) {
    if (!hit[idx]) continue;
    const Detector& d = detectors[idx];
    if ((d.need & have) != d.need) continue;
    const int ngroups = d.group + 1;
    // Every match lies in one of these ranges, searched with the whole text
    // as context (\b at their ends sees the bytes around them).
    const Ranges& ranges = d.scope == Detector::kNumericRuns ? numeric_runs
                           : d.scope == Detector::kEmailRuns ? email_runs
                           : d.scope == Detector::kUrlRuns   ? url_runs
                                                             : whole;
    for (const auto& [range_b, range_e] : ranges) {
      if (d.validate == ValidUrl && !UrlRunMayHoldSecret(text.substr(range_b, range_e - range_b))) continue;
      if (d.validate == ValidEmail &&
          !internal::EmailRunMayHoldAddress(text.substr(range_b, range_e - range_b)))
        continue;
      const RE2* ascii =
          internal::IsAsciiBytes(text.substr(range_b, range_e - range_b)) ? d.AsciiRe() : nullptr;
      const RE2& re = ascii != nullptr ? *ascii : d.Re();
      size_t pos = range_b;
      while (pos < range_e &&
             re.Match(in, pos, range_e, RE2::UNANCHORED, groups, d.locate_group != nullptr ? 1 : ngroups)) {
        if (d.locate_group != nullptr) {
          size_t group_b = 0;
          if (d.locate_group(std::string_view(groups[0].data(), groups[0].size()), &group_b)) {
            groups[d.group] = re2::StringPiece(groups[0].data() + group_b, groups[0].size() - group_b);
          } else if (!re.Match(in, pos, range_e, RE2::UNANCHORED, groups, ngroups)) {
            break;  // the same search as above: it matches again
          }
        }
        const re2::StringPiece& g = groups[d.group];
        const size_t whole_b = static_cast<size_t>(groups[0].data() - text.data());
        if (g.data() == nullptr || g.empty()) {
          pos = whole_b + std::max<size_t>(1, groups[0].size());
          continue;
        }
        size_t b = static_cast<size_t>(g.data() - text.data());
        size_t e = b + g.size();
        if (d.validate != nullptr) e = d.validate(ctx, b, e);
        if (d.validate_range != nullptr && !d.validate_range(ctx, &b, &e)) e = b;
        if (e > b) {
          if (!overlaps_mask(b, e)) {
            out.push_back({static_cast<uint32_t>(b), static_cast<uint32_t>(e), idx, d.priority});
            if (first_only) return out;
          }
          pos = e;
        } else {
          pos = d.skip_rejected ? std::max(whole_b + 1, whole_b + groups[0].size()) : whole_b + 1;
        }
      }
    }
  }
  std::sort(out.begin(), out.end(), [](const Candidate& a, const Candidate& b) {
    if (a.begin != b.begin) return a.begin < b.begin;
    if (a.end != b.end) return a.end > b.end;
    return a.priority < b.priority;
  });
  std::vector<Candidate> kept;
  uint32_t last_end = 0;
  for (const Candidate& c : out) {
    if (!kept.empty() && c.begin < last_end) continue;
    kept.push_back(c);
    last_end = c.end;
  }
  return kept;
}

void Redactor::Impl::Apply(std::string_view in, const std::vector<Candidate>& found, Redaction* r,
                           Ranges* mask_ranges) const {
  r->text.clear();
  r->spans.clear();
  mask_ranges->clear();
  r->text.reserve(in.size());
  size_t at = 0;
  for (const Candidate& c : found) {
    const Detector& d = detectors[c.detector];
    r->text.append(in.data() + at, c.begin - at);
    PiiSpan s;
    s.kind = d.kind;
    s.name = d.name;
    s.begin = c.begin;
    s.end = c.end;
    s.out_begin = static_cast<uint32_t>(r->text.size());
    r->text += d.mask;
    s.out_end = static_cast<uint32_t>(r->text.size());
    mask_ranges->emplace_back(s.out_begin, s.out_end);
    r->spans.push_back(std::move(s));
    at = c.end;
  }
  r->text.append(in.data() + at, in.size() - at);
}

Redaction Redactor::Redact(std::string_view utf8) const {
  Folded folded;
  if (!Fold(utf8, &folded)) return impl_->RedactFolded(utf8);
  // Detect on the folded text, then mask the input ranges the folded spans
  // came from.
  const Redaction in_folded = impl_->RedactFolded(folded.text);
  Redaction r;
  r.existing_masks = in_folded.existing_masks;
  r.text.reserve(utf8.size());
  size_t at = 0;
  for (const PiiSpan& fs : in_folded.spans) {
    PiiSpan s = fs;
    s.begin = folded.from[fs.begin];
    s.end = folded.to[fs.end - 1];
    if (s.begin < at) s.begin = static_cast<uint32_t>(at);  // never overlap
    r.text.append(utf8.data() + at, s.begin - at);
    s.out_begin = static_cast<uint32_t>(r.text.size());
    r.text.append(in_folded.text, fs.out_begin, fs.out_end - fs.out_begin);
    s.out_end = static_cast<uint32_t>(r.text.size());
    at = s.end;
    r.spans.push_back(std::move(s));
  }
  r.text.append(utf8.data() + at, utf8.size() - at);
  return r;
}

Redaction internal::RedactOwned(const Redactor& redactor, std::string text) {
  Folded folded;
  if (Fold(text, &folded)) return redactor.Redact(text);  // Redact folds it again (rare)
  return ImplOf(redactor).RedactFolded(text, &text);
}

Redaction Redactor::Impl::RedactFolded(std::string_view utf8, std::string* owned) const {
  const Impl* impl_ = this;
  Redaction r;
  std::vector<Candidate> found = impl_->Find(utf8, false, &r.existing_masks);
  if (found.empty()) {
    if (owned != nullptr)
      r.text = std::move(*owned);
    else
      r.text.assign(utf8.data(), utf8.size());
    return r;
  }
  Impl::Ranges masks;
  impl_->Apply(utf8, found, &r, &masks);
  // Masking changes the context of the text around it: an id glued to a
  // phone number ("555-867-5309#A123456") fails the boundary checks until its
  // neighbour is masked. Scan the output again until nothing new turns up, so
  // that redacting the result again changes nothing. Each round unmasks one
  // more link of a chain of glued items; the cap bounds the work on
  // adversarial input (chains longer than kMaxRounds keep their tail).
  constexpr int kMaxRounds = 128;
  for (int round = 0; round < kMaxRounds; ++round) {
    const std::vector<Candidate> more = impl_->Find(r.text, false, nullptr, &masks);
    if (more.empty()) break;
    // Map output offsets back to the input: text outside masks is copied,
    // so an offset shifts by the size difference of the masks before it.
    std::vector<int64_t> shift_after(r.spans.size());
    int64_t shift = 0;
    for (size_t i = 0; i < r.spans.size(); ++i) {
      const PiiSpan& s = r.spans[i];
      shift += static_cast<int64_t>(s.out_end - s.out_begin) - static_cast<int64_t>(s.end - s.begin);
      shift_after[i] = shift;
    }
    for (Candidate c : more) {
      // Masks that end at or before the candidate.
      const size_t k =
          static_cast<size_t>(std::upper_bound(r.spans.begin(), r.spans.end(), c.begin,
                                               [](uint32_t v, const PiiSpan& s) { return v < s.out_end; }) -
                              r.spans.begin());
      const int64_t sh = k == 0 ? 0 : shift_after[k - 1];
      c.begin = static_cast<uint32_t>(c.begin - sh);
      c.end = static_cast<uint32_t>(c.end - sh);
      found.push_back(c);
    }
    std::sort(found.begin(), found.end(),
              [](const Candidate& a, const Candidate& b) { return a.begin < b.begin; });
    impl_->Apply(utf8, found, &r, &masks);
  }
  return r;
}

bool Redactor::ContainsPii(std::string_view utf8) const {
  if (utf8.empty()) return false;  // as Find says (most records' channel)
  Folded folded;
  if (Fold(utf8, &folded)) return !impl_->Find(folded.text, true, nullptr).empty();
  return !impl_->Find(utf8, true, nullptr).empty();
}

}  // namespace voc
