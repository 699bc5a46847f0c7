// Personal data written the ways people and systems write it: other
// separators, invisible characters, other scripts' digits, neighbouring
// numbers, case, spellings. Each known case is pinned, then the generator of
// tests/pii_generator.h plants every kind in every variant and the recall per
// kind and variant is checked.
#include <doctest/doctest.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "pii_generator.h"
#include "voc/redactor.h"

namespace {

const voc::Redactor& Red() {
  static const std::unique_ptr<voc::Redactor> r = [] {
    auto made = voc::Redactor::Create();
    REQUIRE(made.ok());
    return std::move(*made);
  }();
  return *r;
}
std::string R(std::string_view s) { return Red().Redact(s).text; }

// True when every character of [b, e) of `text` but invisible ones lies in a
// span of `r`.
bool Covered(const voc::Redaction& r, const std::string& text, uint32_t b, uint32_t e) {
  for (uint32_t i = b; i < e; ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == ' ' || c == '-' || c == '.' || c == '/' || c == '_' || c == '(' || c == ')') continue;
    if (c >= 0x80) continue;  // part of a multi-byte character; its ASCII neighbours decide
    bool in = false;
    for (const voc::PiiSpan& s : r.spans)
      if (s.begin <= i && i < s.end) in = true;
    if (!in) return false;
  }
  return true;
}

std::string Name(voc::PiiKind kind, voc_test::PiiGenerator::Variant v) {
  return std::string(voc::PiiKindName(kind)) + "/" + voc_test::PiiGenerator::VariantName(v);
}

}  // namespace

TEST_CASE("Redactor: a card beside another number is masked") {
  CHECK(R("paid 3 4111 1111 1111 1111 today") == "paid 3 [CARD] today");
  CHECK(R("4111 1111 1111 1111 5 times") == "[CARD] 5 times");
  CHECK(R("2 x 4111-1111-1111-1111") == "2 x [CARD]");
  CHECK(R("cards 4111 1111 1111 1111 5500-0000-0000-0004") == "cards [CARD] [CARD]");
  // The tail of an IBAN is still not a card, nor a phone number; a mistyped
  // IBAN (its check digits fail) is still an account number after "IBAN".
  CHECK(R("IBAN DE89 3704 0044 0532 0130 00") == "IBAN [IBAN]");
  CHECK(R("IBAN DE89 3704 0044 0532 0130 01 (typo)") == "IBAN [ACCOUNT] (typo)");
  CHECK(R("DE89 3704 0044 0532 0130 01 (typo)") == "DE89 3704 0044 0532 0130 01 (typo)");
}

TEST_CASE("Redactor: invisible characters inside personal data") {
  for (const char* inv : {"\xE2\x80\x8B", "\xE2\x80\x8C", "\xE2\x80\x8D", "\xE2\x81\xA0", "\xC2\xAD",
                          "\xE2\x80\x8E", "\xE2\x80\xAE", "\xEF\xBB\xBF"}) {
    const std::string i(inv);
    CAPTURE(i);
    CHECK(R("card 4111" + i + "1111" + i + "1111" + i + "1111 ok") == "card [CARD] ok");
    CHECK(R("mail jane" + i + ".doe@exa" + i + "mple.com ok") == "mail [EMAIL] ok");
    CHECK(R("ssn 123-" + i + "45-6789 ok") == "ssn [SSN] ok");
    CHECK(R("call 555-867" + i + "-5309 ok") == "call [PHONE] ok");
  }
  // Offsets are those of the input; text outside the masks is kept as is.
  const std::string in =
      "a \xE2\x80\x8B"
      "4111\xC2\xAD"
      "1111 1111 1111 \xE2\x80\x8D z";
  const voc::Redaction r = Red().Redact(in);
  REQUIRE(r.spans.size() == 1);
  CHECK(in.substr(r.spans[0].begin, r.spans[0].end - r.spans[0].begin) ==
        "4111\xC2\xAD"
        "1111 1111 1111");
  CHECK(r.text == "a \xE2\x80\x8B[CARD] \xE2\x80\x8D z");
  CHECK(r.text.substr(r.spans[0].out_begin, r.spans[0].out_end - r.spans[0].out_begin) == "[CARD]");
  CHECK(
      Red().ContainsPii("4111\xE2\x80\x8B"
                        "1111 1111 1111"));
  // Emoji sequences with ZWJ and variation selectors stay as they are.
  const std::string emoji = "family \xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9 \xE2\x9D\xA4\xEF\xB8\x8F";
  CHECK(R(emoji) == emoji);
}

TEST_CASE("Redactor: digits of other scripts and fullwidth characters") {
  // Fullwidth, Arabic-Indic, Extended Arabic-Indic, Devanagari.
  CHECK(R("card \xEF\xBC\x94\xEF\xBC\x91\xEF\xBC\x91\xEF\xBC\x91 \xEF\xBC\x91\xEF\xBC\x91\xEF\xBC\x91"
          "\xEF\xBC\x91 \xEF\xBC\x91\xEF\xBC\x91\xEF\xBC\x91\xEF\xBC\x91 \xEF\xBC\x91\xEF\xBC\x91"
          "\xEF\xBC\x91\xEF\xBC\x91") == "card [CARD]");
  CHECK(R("ssn \xD9\xA1\xD9\xA2\xD9\xA3-\xD9\xA4\xD9\xA5-\xD9\xA6\xD9\xA7\xD9\xA8\xD9\xA9") == "ssn [SSN]");
  CHECK(R("phone \xDB\xB5\xDB\xB5\xDB\xB5-\xDB\xB8\xDB\xB6\xDB\xB7-\xDB\xB5\xDB\xB3\xDB\xB0\xDB\xB9") ==
        "phone [PHONE]");
  CHECK(R("ssn \xE0\xA5\xA7\xE0\xA5\xA8\xE0\xA5\xA9-\xE0\xA5\xAA\xE0\xA5\xAB-"
          "\xE0\xA5\xAC\xE0\xA5\xAD\xE0\xA5\xAE\xE0\xA5\xAF") == "ssn [SSN]");
  CHECK(R("write jane.doe\xEF\xBC\xA0"
          "example.com now") == "write [EMAIL] now");
  // Other-script digits that are not personal data stay.
  CHECK(R("\xD9\xA3 items for \xD9\xA1\xD9\xA2 dollars") == "\xD9\xA3 items for \xD9\xA1\xD9\xA2 dollars");
}

TEST_CASE("Redactor: spelling variants") {
  for (const char* card : {"4111.1111.1111.1111", "4111/1111/1111/1111", "4111_1111_1111_1111",
                           "4111\xE2\x80\x93"
                           "1111\xE2\x80\x93"
                           "1111\xE2\x80\x93"
                           "1111",
                           "3782.822463.10005"})
    CHECK(R(std::string("card ") + card + " ok") == "card [CARD] ok");
  // Dotted numbers that are not card-shaped stay.
  CHECK(R("version 4.1.11.1111.1111.111") == "version 4.1.11.1111.1111.111");
  CHECK(R("ssn 123.45.6789 ok") == "ssn [SSN] ok");
  CHECK(R("iban de89370400440532013000 ok") == "iban [IBAN] ok");
  CHECK(R("iban DE89-3704-0044-0532-0130-00 ok") == "iban [IBAN] ok");
  CHECK(R("iban gb82 west 1234 5698 7654 32 ok") == "iban [IBAN] ok");
  CHECK(R("call 0044 20 7946 0958 now") == "call [PHONE] now");
  CHECK(R("call 0049 30 1234567 now") == "call [PHONE] now");
  CHECK(R("call 020 7946 0958 or 01 23 45 67 89") == "call [PHONE] or [PHONE]");
  CHECK(R("dated 01.02.2019 12:30, zip 02134-1234") == "dated 01.02.2019 12:30, zip 02134-1234");
  CHECK(R("open example.com/reset?token=abc123XYZ987def now") == "open [URL] now");
  CHECK(R("open shop.example.co.uk/account?session=9f8e7d6c5b4a now") == "open [URL] now");
  CHECK(R("see https://example.com/cb?next=%2Freset%3Ftoken%3Dabc123XYZ987 ok") == "see [URL] ok");
  CHECK(R("see https://example.com/cb?next=%252Freset%253Ftoken%253Dabc123 ok") == "see [URL] ok");
  CHECK(R("see example.com/help/contact-us and/or foo.bar/baz") ==
        "see example.com/help/contact-us and/or foo.bar/baz");
}

TEST_CASE("Redactor: recall per kind and variant on generated variants") {
  voc_test::PiiGenerator gen(20261205);
  const voc::PiiKind kinds[] = {voc::PiiKind::kEmail,    voc::PiiKind::kPhone,   voc::PiiKind::kCard,
                                voc::PiiKind::kSsn,      voc::PiiKind::kIban,    voc::PiiKind::kIp,
                                voc::PiiKind::kUrlToken, voc::PiiKind::kAccount, voc::PiiKind::kAddress};
  std::map<std::string, std::pair<int, int>> by_kind;
  for (voc::PiiKind kind : kinds) {
    for (auto v : voc_test::PiiGenerator::kVariants) {
      int hit = 0, n = 0;
      for (int tries = 0; n < 100 && tries < 2000; ++tries) {
        voc_test::PiiSample s;
        if (!gen.MakeVariant(kind, v, &s)) continue;
        ++n;
        const voc::Redaction r = Red().Redact(s.text);
        if (Covered(r, s.text, s.begin, s.end)) {
          ++hit;
        } else if (n - hit <= 2) {
          MESSAGE((Name(kind, v) + " missed: " + s.text + " -> " + r.text));
        }
      }
      if (n == 0) continue;
      by_kind[voc::PiiKindName(kind)].first += hit;
      by_kind[voc::PiiKindName(kind)].second += n;
      const double recall = static_cast<double>(hit) / n;
      MESSAGE((Name(kind, v) + " recall " + std::to_string(recall) + " (" + std::to_string(hit) + "/" +
               std::to_string(n) + ")"));
      CHECK_MESSAGE(recall >= 0.97, (Name(kind, v) + " recall " + std::to_string(recall)));
    }
  }
  for (const auto& [kind, h] : by_kind)
    MESSAGE((kind + " variants recall " + std::to_string(static_cast<double>(h.first) / h.second) + " (" +
             std::to_string(h.first) + "/" + std::to_string(h.second) + ")"));
}
