// Deterministic generator of synthetic personal data embedded in customer
// sentences, and of hard negatives (numbers that are not personal data), for
// measuring the redactor's recall and false positives. Used by
// tests/redactor_test.cc and bench/redact_bench.cc.
//
// The generator uses its own SplitMix64 so that the same seed gives the same
// corpus with every compiler and standard library.
#ifndef VOC_TESTS_PII_GENERATOR_H_
#define VOC_TESTS_PII_GENERATOR_H_

#include <cctype>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "voc/redactor.h"

namespace voc_test {

struct PiiSample {
  std::string text;
  voc::PiiKind kind;
  uint32_t begin = 0;  // byte range of the personal data in `text`
  uint32_t end = 0;
  std::string value;
};

class PiiGenerator {
 public:
  explicit PiiGenerator(uint64_t seed) : state_(seed) {}

  // Returns `per_kind` samples of each of the nine built-in kinds.
  std::vector<PiiSample> Positives(int per_kind) {
    std::vector<PiiSample> out;
    const voc::PiiKind kinds[] = {voc::PiiKind::kEmail,    voc::PiiKind::kPhone,   voc::PiiKind::kCard,
                                  voc::PiiKind::kSsn,      voc::PiiKind::kIban,    voc::PiiKind::kIp,
                                  voc::PiiKind::kUrlToken, voc::PiiKind::kAccount, voc::PiiKind::kAddress};
    for (voc::PiiKind k : kinds)
      for (int i = 0; i < per_kind; ++i) out.push_back(Make(k));
    return out;
  }

  // The ways personal data is written that the plain samples do not cover:
  // each variant rewrites a sample's value and is reported per class.
  enum class Variant {
    kSeparators,  // other separators: '.', '/', '_', en dash, none
    kInvisible,   // zero-width space/joiners, word joiner, soft hyphen, LRM, RLO
    kScripts,     // fullwidth and Arabic-Indic / Devanagari digits, fullwidth '@'
    kAdjacent,    // another number right before or after ("paid 3 4111 ...")
    kCase,        // lower case (IBAN, e-mail), dashes in IBANs
    kSpelling,    // SSN with dots, "0044" and national phones, URLs without scheme,
                  // %-encoded tokens, abbreviated street words ("Hauptstr.", "C/", "Av.")
  };
  static constexpr Variant kVariants[] = {Variant::kSeparators, Variant::kInvisible, Variant::kScripts,
                                          Variant::kAdjacent,   Variant::kCase,      Variant::kSpelling};
  static const char* VariantName(Variant v) {
    switch (v) {
      case Variant::kSeparators:
        return "separators";
      case Variant::kInvisible:
        return "invisible";
      case Variant::kScripts:
        return "scripts";
      case Variant::kAdjacent:
        return "adjacent";
      case Variant::kCase:
        return "case";
      case Variant::kSpelling:
        return "spelling";
    }
    return "?";
  }

  // A sample of `kind` written in variant `v`, or false when the variant
  // does not apply to the kind (e.g. scripts of a URL).
  bool MakeVariant(voc::PiiKind kind, Variant v, PiiSample* out) {
    PiiSample s = Make(kind);
    std::string value = s.value;
    const std::string before = s.text.substr(0, s.begin), after = s.text.substr(s.end);
    std::string pre, post;  // outside the value, in the text
    switch (v) {
      case Variant::kSeparators: {
        if (kind != voc::PiiKind::kCard && kind != voc::PiiKind::kPhone && kind != voc::PiiKind::kSsn)
          return false;
        static const char* const kSeps[] = {".", "/", "_", "\xE2\x80\x93", "\xE2\x80\x94", "\xC2\xA0", ""};
        const std::string digits = OnlyDigitsOf(value);
        if (kind == voc::PiiKind::kCard) {
          const char* sep = Pick(kSeps);
          std::vector<int> g = digits.size() == 15   ? std::vector<int>{4, 6, 5}
                               : digits.size() == 13 ? std::vector<int>{4, 4, 5}
                                                     : std::vector<int>{4, 4, 4, 4};
          value = GroupWith(digits, g, sep);
        } else if (kind == voc::PiiKind::kSsn) {
          static const char* const kSsnSeps[] = {".", "\xE2\x80\x93", "\xC2\xA0"};
          value = GroupWith(digits, {3, 2, 4}, Pick(kSsnSeps));
        } else {
          if (value[0] == '+' || digits.size() != 10) return false;  // NANP only
          static const char* const kPhoneSeps[] = {"\xE2\x80\x93", "\xC2\xA0", "."};
          value = "(" + digits.substr(0, 3) + ") " + GroupWith(digits.substr(3), {3, 4}, Pick(kPhoneSeps));
        }
        break;
      }
      case Variant::kInvisible: {
        if (kind == voc::PiiKind::kUrlToken || kind == voc::PiiKind::kAccount) return false;
        if (kind == voc::PiiKind::kAddress) {
          // Inside the house number or the street word: never between
          // letters and a following space, where it would join words.
          const size_t d = value.find_first_of("0123456789");
          static const char* const kInvA[] = {"\xE2\x80\x8B", "\xE2\x81\xA0", "\xC2\xAD"};
          value.insert(d == std::string::npos ? 1 : d + 1 > value.size() - 1 ? d : d + 1, Pick(kInvA));
          break;
        }
        static const char* const kInv[] = {"\xE2\x80\x8B", "\xE2\x80\x8C", "\xE2\x80\x8D", "\xE2\x81\xA0",
                                           "\xC2\xAD",     "\xE2\x80\x8E", "\xE2\x80\xAE", "\xEF\xBB\xBF"};
        const char* inv = Pick(kInv);
        std::string w;
        const bool every = Uniform(0, 1) == 0;
        for (size_t i = 0; i < value.size(); ++i) {
          w.push_back(value[i]);
          if (i + 1 < value.size() && (every ? true : i == value.size() / 2)) w += inv;
        }
        value = w;
        break;
      }
      case Variant::kScripts: {
        if (kind == voc::PiiKind::kEmail) {
          const size_t at = value.find('@');
          value.replace(at, 1, "\xEF\xBC\xA0");  // fullwidth commercial at
          break;
        }
        if (kind != voc::PiiKind::kCard && kind != voc::PiiKind::kPhone && kind != voc::PiiKind::kSsn &&
            kind != voc::PiiKind::kIban)
          return false;
        static const char32_t kZeros[] = {0xFF10, 0x0660, 0x06F0, 0x0966};
        const char32_t zero = Pick(kZeros);
        std::string w;
        for (char ch : value) {
          if (ch >= '0' && ch <= '9')
            AppendUtf8(zero + static_cast<char32_t>(ch - '0'), &w);
          else
            w.push_back(ch);
        }
        value = w;
        break;
      }
      case Variant::kAdjacent: {
        if (kind != voc::PiiKind::kCard && kind != voc::PiiKind::kPhone && kind != voc::PiiKind::kSsn &&
            kind != voc::PiiKind::kEmail)
          return false;
        if (Uniform(0, 1) == 0) {
          static const char* const kPre[] = {"paid 3 ", "2 x ", "item 12 ", "#7 "};
          pre = Pick(kPre);
        } else {
          static const char* const kPost[] = {" 5", " x2", " 10 times"};
          post = Pick(kPost);
        }
        break;
      }
      case Variant::kCase: {
        if (kind == voc::PiiKind::kIban) {
          std::string w;
          for (char ch : OnlyAlnumOf(value))
            w.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(ch))));
          if (Uniform(0, 1) == 0) {
            std::string d;
            for (size_t i = 0; i < w.size(); ++i) {
              if (i > 0 && i % 4 == 0) d.push_back('-');
              d.push_back(w[i]);
            }
            w = d;
          }
          value = w;
        } else if (kind == voc::PiiKind::kEmail) {
          for (char& ch : value) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
        } else {
          return false;
        }
        break;
      }
      case Variant::kSpelling: {
        if (kind == voc::PiiKind::kSsn) {
          value = GroupWith(OnlyDigitsOf(value), {3, 2, 4}, ".");
        } else if (kind == voc::PiiKind::kPhone) {
          if (Uniform(0, 1) == 0) {
            value = NationalPhone();
          } else {
            static const char* const kIntl[] = {"0044 20 ", "0049 30 ", "0033 1 ", "0061 2 "};
            value = std::string(Pick(kIntl)) + Digits(4, true) + " " + Digits(4);
          }
        } else if (kind == voc::PiiKind::kAddress) {
          value = Address(true);
        } else if (kind == voc::PiiKind::kUrlToken) {
          static const char* const kBare[] = {
              "example.com/reset?token=", "shop.example.co.uk/account?session=",
              "example.org/cb?next=%2Freset%3Ftoken%3D"};
          value = std::string(Pick(kBare)) + Alnum(20);
        } else {
          return false;
        }
        break;
      }
    }
    s.text = before + pre + value + post + after;
    s.begin = static_cast<uint32_t>(before.size() + pre.size());
    s.end = static_cast<uint32_t>(s.begin + value.size());
    s.value = value;
    *out = std::move(s);
    return true;
  }

  // Returns `n` sentences that hold numbers and masks but no personal data.
  std::vector<std::string> Negatives(int n) {
    std::vector<std::string> out;
    for (int i = 0; i < n; ++i) out.push_back(Negative());
    return out;
  }

 private:
  uint64_t Next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  int Uniform(int lo, int hi) {  // inclusive
    return lo + static_cast<int>(Next() % static_cast<uint64_t>(hi - lo + 1));
  }
  template <typename T, size_t N>
  const T& Pick(const T (&a)[N]) {
    return a[Next() % N];
  }
  std::string Digits(int n, bool first_nonzero = false) {
    std::string s;
    for (int i = 0; i < n; ++i)
      s.push_back(static_cast<char>('0' + (i == 0 && first_nonzero ? Uniform(1, 9) : Uniform(0, 9))));
    return s;
  }
  std::string Alnum(int n, bool upper_only = false) {
    static const char kChars[] = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz0123456789";
    static const char kUpper[] = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789";
    std::string s;
    for (int i = 0; i < n; ++i)
      s.push_back(upper_only ? kUpper[Next() % (sizeof kUpper - 1)] : kChars[Next() % (sizeof kChars - 1)]);
    return s;
  }
  std::string Hex(int n) {
    static const char kHex[] = "0123456789abcdef";
    std::string s;
    for (int i = 0; i < n; ++i) s.push_back(kHex[Next() % 16]);
    return s;
  }

  static std::string OnlyDigitsOf(const std::string& s) {
    std::string d;
    for (char ch : s)
      if (ch >= '0' && ch <= '9') d.push_back(ch);
    return d;
  }
  static std::string OnlyAlnumOf(const std::string& s) {
    std::string d;
    for (char ch : s)
      if (std::isalnum(static_cast<unsigned char>(ch))) d.push_back(ch);
    return d;
  }
  static std::string GroupWith(const std::string& d, const std::vector<int>& sizes, const std::string& sep) {
    std::string s;
    size_t at = 0;
    for (size_t i = 0; i < sizes.size(); ++i) {
      if (i > 0) s += sep;
      s += d.substr(at, static_cast<size_t>(sizes[i]));
      at += static_cast<size_t>(sizes[i]);
    }
    return s;
  }
  static void AppendUtf8(char32_t cp, std::string* out) {
    if (cp < 0x80) {
      out->push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  }

  static std::string Group(const std::string& d, const std::vector<int>& sizes, char sep) {
    std::string s;
    size_t at = 0;
    for (size_t i = 0; i < sizes.size(); ++i) {
      if (i > 0 && sep != 0) s.push_back(sep);
      s += d.substr(at, static_cast<size_t>(sizes[i]));
      at += static_cast<size_t>(sizes[i]);
    }
    return s;
  }

  std::string Email() {
    static const char* const kFirst[] = {"john", "maria",   "li",        "ahmed", "sofia", "dave",
                                         "Kim",  "o.brien", "anna-lena", "j",     "raj",   "chloe"};
    static const char* const kLast[] = {"smith",  "garcia",  "wang",   "khan",   "rossi", "lee",
                                        "nguyen", "mueller", "DUPONT", "o'neil", "x"};
    static const char* const kDomain[] = {"gmail.com",     "yahoo.co.uk", "outlook.com", "mail.example.org",
                                          "web.de",        "company.io",  "uni-bonn.de", "icloud.com",
                                          "corp.bank.net", "hotmail.fr"};
    std::string last = Pick(kLast);
    if (last == "o'neil") last = "oneil";
    std::string local;
    switch (Uniform(0, 4)) {
      case 0:
        local = std::string(Pick(kFirst)) + "." + last;
        break;
      case 1:
        local = std::string(Pick(kFirst)) + "_" + last + Digits(2);
        break;
      case 2:
        local = std::string(Pick(kFirst)) + Digits(Uniform(1, 4));
        break;
      case 3:
        local = std::string(Pick(kFirst)) + "+" + "orders";
        break;
      default:
        local = last + "." + std::string(Pick(kFirst)) + Digits(1);
        break;
    }
    std::string e = local + "@" + Pick(kDomain);
    if (Uniform(0, 9) == 0) {
      for (char& ch : e) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    }
    return e;
  }

  std::string Phone() {
    const std::string area = std::to_string(Uniform(2, 9)) + Digits(2);
    const std::string exch = std::to_string(Uniform(2, 9)) + Digits(2);
    const std::string line = Digits(4);
    if (Uniform(0, 2) == 0) return NationalPhone();
    switch (Uniform(0, 16)) {
      case 14:
        return "(" + area + ")" + exch + "-" + line;
      case 15:
        return "+1 (" + area + ") " + exch + "-" + line;
      case 16:
        return "+52 55 " + Digits(4, true) + " " + Digits(4);
      case 0:
        return "(" + area + ") " + exch + "-" + line;
      case 1:
        return area + "-" + exch + "-" + line;
      case 2:
        return area + "." + exch + "." + line;
      case 3:
        return "+1 " + area + " " + exch + " " + line;
      case 4:
        return "+1-" + area + "-" + exch + "-" + line;
      case 5:
        return "1-800-" + exch + "-" + line;
      case 6:
        return area + " " + exch + " " + line;
      case 7:
        return area + exch + line;
      case 8:
        return "+44 20 " + Digits(4, true) + " " + Digits(4);
      case 9:
        return "+49 30 " + Digits(7, true);
      case 10:
        return "+33 " + std::to_string(Uniform(1, 9)) + " " + Digits(2) + " " + Digits(2) + " " + Digits(2) +
               " " + Digits(2);
      case 11:
        return "+44 7" + Digits(3) + " " + Digits(6);
      case 12:
        return "+61 2 " + Digits(4, true) + " " + Digits(4);
      default:
        return "+91 " + std::to_string(Uniform(6, 9)) + Digits(4) + " " + Digits(5);
    }
  }

  // Numbers as written in the countries of the supported languages.
  std::string NationalPhone() {
    const std::string d2 = Digits(2), d3 = Digits(3), d4 = Digits(4);
    switch (Uniform(0, 23)) {
      case 0:
        return "030 " + Digits(7, true);  // DE
      case 1:
        return "+49 (0)30 " + Digits(3, true) + " " + d3 + " " + Digits(1);
      case 2:
        return "01" + std::to_string(Uniform(5, 7)) + "0/" + Digits(7, true);
      case 3:
        return "089 " + Digits(3, true) + " " + d2 + " " + Digits(2);
      case 4:
        return "0" + std::to_string(Uniform(1, 5)) + " " + Digits(2, true) + " " + d2 + " " + Digits(2) +
               " " + Digits(2);  // FR
      case 5:
        return "+33 6 " + Digits(2) + " " + d2 + " " + Digits(2) + " " + Digits(2);
      case 6:
        return "0" + std::to_string(Uniform(6, 7)) + "." + Digits(2) + "." + d2 + "." + Digits(2) + "." +
               Digits(2);
      case 7:
        return std::to_string(Uniform(6, 7)) + Digits(2) + " " + d2 + " " + Digits(2) + " " +
               Digits(2);  // ES
      case 8:
        return "+34 6" + Digits(2) + " " + d3 + " " + Digits(3);
      case 9:
        return "91 " + Digits(3, true) + " " + d2 + " " + Digits(2);
      case 10:
        return "06-" + Digits(8, true);  // NL
      case 11:
        return "020 " + Digits(3, true) + " " + d4;
      case 12:
        return "9" + Digits(2) + " " + d3 + " " + Digits(3, true);  // PT
      case 13:
        return "21 " + Digits(3, true) + " " + d4;
      case 14:
        return "(" + std::to_string(Uniform(11, 99)) + ") 9" + d4 + "-" + Digits(4);  // BR
      case 15:
        return "(" + std::to_string(Uniform(11, 99)) + ") " + Digits(4, true) + "-" + d4;
      case 16:
        return "+55 11 9" + d4 + "-" + Digits(4);
      case 17:
        return "55 " + Digits(4, true) + " " + d4;  // MX
      case 18:
        return "+52 1 55 " + Digits(4, true) + " " + d4;
      case 19:
        return "3" + Digits(2) + " " + Digits(3, true) + " " + d4;  // IT
      case 20:
        return "3" + Digits(2) + " " + Digits(7, true);
      case 21:
        return "+39 06 " + Digits(4, true) + " " + d4;
      case 22:
        return "044 " + Digits(3, true) + " " + d2 + " " + Digits(2);  // CH
      default:
        return "0" + std::to_string(Uniform(2, 9)) + "/" + Digits(3, true) + "." + d2 + "." +
               Digits(2);  // BE
    }
  }

  // A postal address of the countries of the supported languages, in each
  // one's order; `abbreviated` uses the short street words.
  std::string Address(bool abbreviated = false) {
    const std::string n = std::to_string(Uniform(1, 250));
    const bool tail = Uniform(0, 1) == 0;
    static const char* const kDeName[] = {"Haupt", "Bahnhof", "Schiller", "Goethe",    "Linden",
                                          "Kirch", "Garten",  "Mozart",   "Karl-Marx-"};
    static const char* const kDeCity[] = {"10115 Berlin",      "80331 M\xC3\xBCnchen",
                                          "50667 K\xC3\xB6ln", "60311 Frankfurt am Main",
                                          "1060 Wien",         "8001 Z\xC3\xBCrich"};
    switch (Uniform(0, 9)) {
      case 0: {  // DE, AT, CH
        static const char* const kSuf[] = {
            "stra\xC3\x9F"
            "e",
            "strasse", "weg", "gasse", "allee"};
        std::string name = Pick(kDeName);
        std::string suf = abbreviated ? "str." : Pick(kSuf);
        if (name.back() == '-') suf[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(suf[0])));
        std::string s = name + suf + " " + n + (Uniform(0, 3) == 0 ? "a" : "");
        return tail ? s + ", " + Pick(kDeCity) : s;
      }
      case 1: {
        static const char* const kAdj[] = {
            "Berliner Stra\xC3\x9F"
            "e",
            "Lange Gasse", "Wiener Platz", "Alter Markt"};
        std::string s = std::string(Pick(kAdj)) + " " + n;
        if (s.rfind("Alter Markt", 0) == 0) s = "Neuer Weg " + n;
        return tail ? s + ", " + Pick(kDeCity) : s;
      }
      case 2: {  // FR, BE
        static const char* const kWord[] = {"rue",
                                            "avenue",
                                            "boulevard",
                                            "place",
                                            "all\xC3\xA9"
                                            "e",
                                            "impasse",
                                            "chemin",
                                            "quai"};
        static const char* const kName[] = {
            "de la Paix",         "Victor Hugo", "des Lilas", "du G\xC3\xA9n\xC3\xA9ral Leclerc",
            "Jean Jaur\xC3\xA8s", "de Rivoli",   "d'Alsace",  "Saint-Michel"};
        static const char* const kCity[] = {"75002 Paris", "69001 Lyon", "13001 Marseille", "1000 Bruxelles"};
        std::string word = abbreviated ? (Uniform(0, 1) ? "bd" : "av.") : Pick(kWord);
        std::string s = n + (Uniform(0, 5) == 0 ? " bis" : "") + (Uniform(0, 4) == 0 ? ", " : " ") + word +
                        " " + Pick(kName);
        return tail ? s + ", " + Pick(kCity) : s;
      }
      case 3: {  // BE (street first), NL
        static const char* const kS[] = {"Rue de la Loi", "Avenue Louise", "Kerkstraat",    "Dorpsstraat",
                                         "Molenweg",      "Prinsengracht", "Stationsplein", "Julianalaan"};
        static const char* const kCity[] = {"1000 Bruxelles", "1017 GC Amsterdam", "3511 AB Utrecht",
                                            "2511 CV Den Haag", "1050 Ixelles"};
        std::string s = std::string(Pick(kS)) + " " + n;
        return tail ? s + ", " + Pick(kCity) : s;
      }
      case 4:
      case 5: {  // ES, MX
        static const char* const kWord[] = {"Calle", "Avenida", "Plaza", "Paseo", "calle"};
        static const char* const kAbbr[] = {"C/", "Avda.", "Av."};
        static const char* const kName[] = {"Mayor",
                                            "de Alcal\xC3\xA1",
                                            "Gran V\xC3\xAD"
                                            "a",
                                            "de la Castellana",
                                            "del Prado",
                                            "Madero",
                                            "Insurgentes Sur"};
        static const char* const kCity[] = {"28013 Madrid", "08001 Barcelona", "46001 Valencia",
                                            "06000 Ciudad de M\xC3\xA9xico", "C.P. 44100 Guadalajara"};
        std::string s = std::string(abbreviated ? Pick(kAbbr) : Pick(kWord)) + " " + Pick(kName) +
                        (Uniform(0, 2) == 0 ? ", " : " ") + (Uniform(0, 5) == 0 ? "n\xC2\xBA " : "") + n;
        return tail ? s + ", " + Pick(kCity) : s;
      }
      case 6:
      case 7: {  // PT, BR
        static const char* const kWord[] = {"Rua", "Avenida",
                                            "Pra\xC3\xA7"
                                            "a",
                                            "Travessa", "Alameda"};
        static const char* const kName[] = {
            "Augusta",  "da Liberdade", "do Com\xC3\xA9rcio", "de S\xC3\xA3o Bento",
            "Paulista", "Oscar Freire"};
        static const char* const kCity[] = {"1100-053 Lisboa", "4000-322 Porto", "01310-100 S\xC3\xA3o Paulo",
                                            "22021-001 Rio de Janeiro"};
        std::string s = std::string(abbreviated ? "Av." : Pick(kWord)) + " " + Pick(kName) +
                        (Uniform(0, 1) == 0 ? ", " : " ") + n;
        return tail ? s + (Uniform(0, 1) ? ", " : " - ") + Pick(kCity) : s;
      }
      case 8: {  // IT
        static const char* const kWord[] = {"Via", "Viale", "Piazza", "Corso", "via", "Largo"};
        static const char* const kName[] = {
            "Roma", "Garibaldi", "dei Mille", "Vittorio Emanuele II", "della Repubblica", "Cavour"};
        static const char* const kCity[] = {"00184 Roma", "20121 Milano", "80100 Napoli",
                                            "CAP 50122 Firenze"};
        std::string s = std::string(Pick(kWord)) + " " + Pick(kName) + (Uniform(0, 3) == 0 ? ", " : " ") + n;
        return tail ? s + ", " + Pick(kCity) : s;
      }
      default: {  // EN
        static const char* const kName[] = {"Baker Street",     "Main Street", "Oak Avenue", "High Road",
                                            "Sunset Boulevard", "Elm St",      "Park Lane"};
        return n + " " + Pick(kName);
      }
    }
  }

  std::string Card() {
    std::string d;
    int len = 16;
    switch (Uniform(0, 4)) {
      case 0:
        d = "4";
        break;
      case 1:
        d = "5" + std::to_string(Uniform(1, 5));
        break;
      case 2:
        d = Uniform(0, 1) ? "34" : "37";
        len = 15;
        break;
      case 3:
        d = "6011";
        break;
      default:
        d = "4";
        len = 13;
        break;
    }
    while (static_cast<int>(d.size()) < len - 1) d += Digits(1);
    // Luhn check digit.
    int sum = 0;
    bool dbl = true;
    for (size_t i = d.size(); i-- > 0;) {
      int v = d[i] - '0';
      if (dbl) {
        v *= 2;
        if (v > 9) v -= 9;
      }
      sum += v;
      dbl = !dbl;
    }
    d.push_back(static_cast<char>('0' + (10 - sum % 10) % 10));
    const int style = Uniform(0, 2);
    const char sep = style == 0 ? ' ' : style == 1 ? '-' : 0;
    if (len == 15) return Group(d, {4, 6, 5}, sep);
    if (len == 13) return Group(d, {4, 4, 5}, sep);
    return Group(d, {4, 4, 4, 4}, sep);
  }

  std::string Ssn() {
    int area;
    do area = Uniform(1, 899);
    while (area == 666);
    char a[4];
    std::snprintf(a, sizeof a, "%03d", area);
    char g[3];
    std::snprintf(g, sizeof g, "%02d", Uniform(1, 99));
    char s[5];
    std::snprintf(s, sizeof s, "%04d", Uniform(1, 9999));
    const int style = Uniform(0, 5);
    if (style == 0) return std::string(a) + ' ' + g + ' ' + s;
    return std::string(a) + '-' + g + '-' + s;
  }

  static int Mod97(const std::string& s) {
    int rem = 0;
    for (char ch : s) {
      if (ch >= '0' && ch <= '9') {
        rem = (rem * 10 + (ch - '0')) % 97;
      } else {
        rem = (rem * 100 + (ch - 'A' + 10)) % 97;
      }
    }
    return rem;
  }

  std::string Iban() {
    std::string cc, bban;
    switch (Uniform(0, 5)) {
      case 0:
        cc = "DE";
        bban = Digits(18);
        break;
      case 1:
        cc = "GB";
        bban = "NWBK" + Digits(14);
        break;
      case 2:
        cc = "FR";
        bban = Digits(10) + Alnum(11, true) + Digits(2);
        break;
      case 3:
        cc = "NL";
        bban = "ABNA" + Digits(10);
        break;
      case 4:
        cc = "ES";
        bban = Digits(20);
        break;
      default:
        cc = "IT";
        bban = "X" + Digits(10) + Alnum(12, true);
        break;
    }
    const int check = 98 - Mod97(bban + cc + "00");
    char cd[3];
    std::snprintf(cd, sizeof cd, "%02d", check);
    const std::string iban = cc + cd + bban;
    if (Uniform(0, 1) == 0) return iban;
    std::string spaced;
    for (size_t i = 0; i < iban.size(); ++i) {
      if (i > 0 && i % 4 == 0) spaced.push_back(' ');
      spaced.push_back(iban[i]);
    }
    return spaced;
  }

  std::string Ip() {
    const int form = Uniform(0, 5);
    if (form == 4) return "2001:db8::" + Hex(4) + ":" + Hex(3) + "7";
    if (form == 5)
      return "::ffff:" + std::to_string(Uniform(1, 223)) + "." + std::to_string(Uniform(0, 255)) + ".0." +
             std::to_string(Uniform(1, 254));
    if (form < 3) {
      return std::to_string(Uniform(1, 223)) + "." + std::to_string(Uniform(0, 255)) + "." +
             std::to_string(Uniform(0, 255)) + "." + std::to_string(Uniform(1, 254));
    }
    if (Uniform(0, 1) == 0) {
      std::string s = "2001:0db8";
      for (int i = 0; i < 6; ++i) s += ":" + Hex(4);
      return s;
    }
    return "fe80::" + Hex(3) + ":" + Hex(4) + ":" + Hex(2) + "a" + ":" + Hex(3) + "1";
  }

  std::string Url() {
    static const char* const kHosts[] = {"https://www.shop-example.com", "http://bank.example.org",
                                         "https://app.telco.net", "www.airline.example.com",
                                         "https://portal.insure.io"};
    const std::string host = Pick(kHosts);
    switch (Uniform(0, 10)) {
      case 8:
        return host + "/verify?email=me&key=" + Alnum(16);
      case 9:
        return host + "/unsubscribe?u=12&session=" + Hex(24);
      case 10:
        return host + "/files/report.pdf?X-Amz-Signature=" + Hex(40) + "&X-Amz-Expires=300";
      case 0:
        return host + "/account?token=" + Alnum(24);
      case 1:
        return host + "/oauth/callback?code=" + Alnum(20) + "&state=xyz";
      case 2:
        return host + "/api/v2/orders?api_key=" + Hex(32);
      case 3:
        return host + "/download?file=invoice.pdf&sig=" + Alnum(30);
      case 4:
        return host + "/reset/" + Hex(32);
      case 5:
        return host + "/login;jsessionid=" + Alnum(26, true);
      case 6:
        return host + "/track?id=7&access_token=" + Alnum(40);
      default:
        return host + "/s/" + Alnum(8) + Digits(3) + Alnum(6) + Digits(3) + Alnum(4);
    }
  }

  std::string Account(std::string* prefix) {
    static const char* const kKeys[] = {"account number ",
                                        "acct # ",
                                        "account no. ",
                                        "order #",
                                        "order number ",
                                        "reference ",
                                        "ref: ",
                                        "confirmation number ",
                                        "case number ",
                                        "ticket #",
                                        "policy number ",
                                        "member ID ",
                                        "claim no ",
                                        "invoice #",
                                        "tracking number ",
                                        "order with the number ",
                                        "booking reference ",
                                        "Order#",
                                        "ACCOUNT NO. ",
                                        "acct:",
                                        "confirmation code ",
                                        "loan number ",
                                        "Case #",
                                        "member number: "};
    *prefix = Pick(kKeys);
    switch (Uniform(0, 5)) {
      case 0:
        return Digits(Uniform(6, 12), true);
      case 1:
        return std::string(1, static_cast<char>('A' + Uniform(0, 25))) + Digits(6, true);
      case 2:
        return "PLC-" + Digits(8, true);
      case 3:
        return Alnum(2, true) + Digits(3, true) + Alnum(3, true);
      case 4:
        return Digits(3, true) + "-" + Digits(4) + "-" + Digits(3);
      default:
        return Digits(Uniform(5, 9), true);
    }
  }

  PiiSample Make(voc::PiiKind kind) {
    static const char* const kEmailT[] = {"Please reply to {} as I never got the refund.",
                                          "my email is {} and nobody wrote back",
                                          "I sent three messages to your team from {}, still waiting.",
                                          "Contact me at {}.",
                                          "({}) is the address on file but the bill goes elsewhere",
                                          "Email:{} -- why was I charged twice?",
                                          "From: Jane <{}>",
                                          "I wrote to {}; no answer in 3 weeks!!"};
    static const char* const kPhoneT[] = {"I called from {} twice and nobody answered",
                                          "please call me back on {} after 5pm",
                                          "My number is {}.",
                                          "They keep calling {} every day about a debt I don't owe!",
                                          "phone: {}, best time is mornings",
                                          "Reach me at {} or by mail.",
                                          "cell:{}",
                                          "I got 12 calls from {} in 2 days",
                                          "They called me at work ({}) 5 times"};
    static const char* const kCardT[] = {
        "They charged my card {} without permission.", "card number {} was declined 3 times",
        "I paid with {} on the 5th and it still shows pending", "Why is {} being billed $49.99 every month?"};
    static const char* const kSsnT[] = {"SSN#{} was printed on the envelope",
                                        "my ssn is {}, why do you need it?",
                                        "They asked for my SSN {} over the phone.",
                                        "my social security number {} appears on someone else's report",
                                        "SSN: {}. Please remove it.",
                                        "the letter showed {} in plain text"};
    static const char* const kIbanT[] = {"Please refund to IBAN {} as soon as possible.",
                                         "my account {} was debited twice", "transfer to {} failed again",
                                         "IBAN: {}"};
    static const char* const kIpT[] = {"The login came from {} which is not me.",
                                       "your site blocked my IP {} for no reason",
                                       "Router at {} keeps dropping the connection",
                                       "Error shown: access denied for {}.",
                                       "ping {} timed out",
                                       "my IP address is {}"};
    static const char* const kUrlT[] = {"I clicked {} and it said my session expired",
                                        "the link {} in your email does not work",
                                        "Tried again at {}, still broken.", "see {}"};
    static const char* const kAccountT[] = {
        "My {}{} was cancelled without notice.", "I am writing about {}{} which never arrived",
        "Regarding {}{}, I was charged twice.",  "please check {}{}.",
        "{}{} - still no refund after 3 weeks",  "Hi, this is about my {}{}; the charge of $25.00 is wrong"};
    static const char* const kAddressT[] = {
        "Please send the replacement to {}, nobody was home last time.",
        "Meine Adresse ist {} und das Paket kam nie an.",
        "Lieferadresse: {} (2. Stock)",
        "J'habite au {} depuis 2019 et le colis n'est jamais arriv\xC3\xA9.",
        "La mia casa in {} \xC3\xA8 rimasta senza luce per 3 giorni",
        "Vivo en {} y el t\xC3\xA9"
        "cnico nunca vino.",
        "moro na {} e a entrega n\xC3\xA3o chegou",
        "Mijn adres is {}; graag terugbellen.",
        "Address on file: {}."};
    PiiSample s;
    s.kind = kind;
    std::string tmpl, prefix;
    switch (kind) {
      case voc::PiiKind::kEmail:
        tmpl = Pick(kEmailT);
        s.value = Email();
        break;
      case voc::PiiKind::kPhone:
        tmpl = Pick(kPhoneT);
        s.value = Phone();
        break;
      case voc::PiiKind::kCard:
        tmpl = Pick(kCardT);
        s.value = Card();
        break;
      case voc::PiiKind::kSsn:
        tmpl = Pick(kSsnT);
        s.value = Ssn();
        break;
      case voc::PiiKind::kIban:
        tmpl = Pick(kIbanT);
        s.value = Iban();
        break;
      case voc::PiiKind::kIp:
        tmpl = Pick(kIpT);
        s.value = Ip();
        break;
      case voc::PiiKind::kUrlToken:
        tmpl = Pick(kUrlT);
        s.value = Url();
        break;
      case voc::PiiKind::kAddress:
        tmpl = Pick(kAddressT);
        s.value = Address();
        break;
      default:
        tmpl = Pick(kAccountT);
        s.value = Account(&prefix);
        break;
    }
    size_t at = tmpl.find("{}");
    if (!prefix.empty()) {
      tmpl.replace(at, 2, prefix);
      at = tmpl.find("{}", at + prefix.size());
    }
    s.begin = static_cast<uint32_t>(at);
    s.end = static_cast<uint32_t>(at + s.value.size());
    s.text = tmpl.replace(at, 2, s.value);
    return s;
  }

  std::string Negative() {
    static const char* const kT[] = {
        "I paid ${} on {} and was charged again.",
        "They promised a callback within {} hours, it has been {} days.",
        "I have called {} times since {}.",
        "The app version {} crashes on build {}.",
        "Ordered {} items, only {} arrived.",
        "My zip code {} is not accepted at checkout.",
        "Balance of ${} was due on {}.",
        "The letter dated XX/XX/XXXX said I owe {$39.00} more, account XXXX XXXX.",
        "At {} I was on hold for {} minutes.",
        "I rate this {} out of 10, size {} fits fine.",
        "the order of {} units was delayed until {}",
        "I have been a customer since {} and paid {} dollars",
        "On XX/XX/{} I called XXXX and they charged {$1,250.00}.",
        "ticket price was {} and the flight left at {}",
        "I was charged {}% interest on {} dollars in {}",
        "Page {} of the contract, section {}, says otherwise.",
        "Room {} on floor {} was not cleaned for {} days",
        "Call 911 or 1-800-FLOWERS, we are open 24/7 from {} to {}",
        "The iPhone 12 and model SM-G991B both failed after {} months",
        "Case 1 of 3: policy 3.2 applies since {}",
        "I need {} more, please order 2 extra by {}",
        "ISBN 978-3-16-148410-0 costs ${} plus {} shipping",
        "My credit score dropped from {} to {} in {}",
        "interest went from {}% to {}%, the limit is ${}",
        "between {} and {} I made {} payments of ${}",
        "Flight UA {} at gate {}, seat {}",
        "Der ICE {} hatte {} Minuten Versp\xC3\xA4tung, Gleis {}",
        "Platz {} im Wagen {} war doppelt belegt, Sitzplatz {} auch",
        "Ich habe {} \xE2\x82\xAC bezahlt und {} St\xC3\xBC"
        "ck bekommen, {} Mitarbeiter vor Ort",
        "Le train de {} avait {} minutes de retard, {} fois cette semaine",
        "Pagato {} euro per {} biglietti il {}, via Amazon {} volte",
        "Pagu\xC3\xA9 {} \xE2\x82\xAC por {} entradas el {}",
        "Paguei R$ {} em {} parcelas desde {}",
        "Ik heb {} keer gebeld en {} euro betaald",
        "{} Einwohner, {} GB Speicher, {} Euro Schaden",
        "Entre {} et {}, {} % de hausse, {} habitants",
        "Il costo \xC3\xA8 di {} euro, {} persone in coda",
    };
    std::string t = Pick(kT);
    size_t at;
    while ((at = t.find("{}")) != std::string::npos) t.replace(at, 2, NegativeValue());
    return t;
  }

  std::string NegativeValue() {
    switch (Uniform(0, 23)) {
      case 21:
        return std::to_string(Uniform(1, 9)) + " " + Digits(3) + " " + Digits(3);  // 1 234 567
      case 22:
        return std::to_string(Uniform(100, 999)) + " 000 000";
      case 23:
        return std::to_string(Uniform(1, 999)) + "." + Digits(3) + "." + Digits(3);  // 1.234.567
      case 18:
        return std::to_string(Uniform(300, 850));  // credit score
      case 19:
        return std::to_string(Uniform(1, 9)) + "," + Digits(3);  // 4,500
      case 20:
        return std::to_string(Uniform(1, 999)) + "," + Digits(3) + "," + Digits(3);
      case 0:
        return std::to_string(Uniform(1, 999)) + "." + Digits(2);  // amount
      case 1:
        return std::to_string(Uniform(1, 99)) + "," + Digits(3) + "." + Digits(2);
      case 2:
        return std::to_string(Uniform(1, 12)) + "/" + std::to_string(Uniform(1, 28)) + "/" +
               std::to_string(Uniform(2010, 2024));  // date
      case 3:
        return std::to_string(Uniform(2010, 2024)) + "-0" + std::to_string(Uniform(1, 9)) + "-" +
               std::to_string(Uniform(10, 28));
      case 4:
        return std::to_string(Uniform(1, 12)) + ":" + std::to_string(Uniform(10, 59)) +
               (Uniform(0, 1) ? " pm" : "");  // time
      case 5:
        return std::to_string(Uniform(1990, 2024));  // year
      case 6:
        return std::to_string(Uniform(1, 40));  // count
      case 7:
        return Digits(5, true);  // zip
      case 8:
        return Digits(5, true) + "-" + Digits(4);  // zip+4
      case 9:
        return std::to_string(Uniform(1, 17)) + "." + std::to_string(Uniform(0, 9)) + "." +
               std::to_string(Uniform(0, 30));  // version
      case 10:
        return std::to_string(Uniform(1, 12)) + "." + std::to_string(Uniform(0, 9)) + "." +
               std::to_string(Uniform(1000, 20000)) + "." + std::to_string(Uniform(0, 999));  // build
      case 11:
        return std::to_string(Uniform(100, 99999));  // quantity / amount
      case 12:
        return std::to_string(Uniform(1, 31)) + "." + std::to_string(Uniform(1, 12)) + "." +
               std::to_string(Uniform(2010, 2024));  // European date
      case 13:
        return "24/7";
      case 14:
        return std::to_string(Uniform(1, 9)) + "-" + std::to_string(Uniform(2, 9)) + " weeks";
      case 15:
        return Digits(3, true) + "-" + Digits(3);  // short code
      case 16:
        return "XX/XX/XXXX";
      default:
        return "{$" + std::to_string(Uniform(1, 999)) + ".00}";
    }
  }

  uint64_t state_;
};

}  // namespace voc_test

#endif  // VOC_TESTS_PII_GENERATOR_H_
