// voc/redactor.h: finds and masks personal data in UTF-8 text.
//
//   auto r = voc::Redactor::Create({});
//   if (!r.ok()) return r.status();
//   voc::Redaction out = (*r)->Redact("Call me at 555-867-5309, order #A123456");
//   // out.text == "Call me at [PHONE], order #[ACCOUNT]"
//
// Kinds and masks:
//   [EMAIL]   e-mail addresses (Unicode local parts and domains too);
//   [PHONE]   North American numbers ("(555) 123-4567", "555.123.4567",
//             "+1 555 123 4567", "1-800-555-0199", a bare valid 10-digit
//             number), "+CC ..." and "00CC ..." international numbers with
//             8-15 digits, European national numbers with a trunk 0 and
//             9-12 digits in groups ("030 1234567", "0170/1234567",
//             "01 23 45 67 89", "06-12345678", "02/123.45.67"), Spanish and
//             Portuguese 9-digit numbers ("612 34 56 78", "912 345 678"),
//             Italian mobiles ("347 1234567"), an area code in parentheses
//             ("(11) 91234-5678", "(55) 1234 5678"), "55 1234 5678", and
//             7-digit local numbers right after a phone word ("call me at
//             555 1234"); not before a currency or count word;
//   [CARD]    payment card numbers: 13-19 digits, spaces or dashes allowed,
//             issuer digit 2-6, Luhn-checked;
//   [SSN]     US social security numbers "ddd-dd-dddd"/"ddd dd dddd" (not
//             areas 000, 666, 9xx; not group 00 or serial 0000), and nine
//             digits right after "SSN"/"social security number";
//   [IBAN]    IBANs with or without spaces, checked by country length and
//             mod-97;
//   [IP]      IPv4 (octets <= 255; not after "version"/"v"/"build") and IPv6
//             (full, "::"-compressed, with an IPv4 tail);
//   [URL]     URLs that carry a secret: a query or fragment key such as
//             token, access_token, key, api_key, sig, signature, session,
//             password, code; a "user:password@" part; a random-looking path
//             segment; or a segment after reset/token/verify/... The whole
//             URL is masked;
//   [ACCOUNT] the number after an account/acct/order/ref/reference/
//             confirmation/member/policy/ticket/case/claim/invoice/tracking/
//             purchase/bill/routing/... keyword (with optional "number",
//             "no.", "#", "id", ":" ...), and 5+ digits after '#'; only the
//             number is masked. Years, amounts, dates, measurements and
//             quantities followed by a unit ("5000 units") are left alone;
//   [ADDRESS] postal addresses: street and house number in the orders of
//             the countries of the supported languages ("Hauptstraße 12",
//             "Kerkstraat 1", "Via Roma 10", "Calle Mayor, 5", "Rua Augusta
//             100", "12 rue de la Paix", "221 Baker Street"), with the
//             postcode and city that follow ("..., 10115 Berlin",
//             "1017 GC Amsterdam", "1100-053 Lisboa"); a postcode and city
//             alone only when written so that no amount looks alike
//             ("1017 GC Amsterdam", "1100-053 Lisboa", "D-10115 Berlin") or
//             after "PLZ"/"CAP"/"C.P."/"CEP"/"code postal";
//   [CUSTOM] or [NAME]  user patterns (see `extra_patterns`).
//
// Text that is already masked is recognised and left alone: CFPB-style
// `XXXX`, `XX/XX/XXXX`, `XXXX XXXX`, `{$39.00}`, template placeholders like
// `{{Order Number}}` and voc's own masks, so `Redact(Redact(t).text)` gives
// the same text. (After masking, the output is scanned again until nothing
// new turns up, at most 128 rounds, so that an item glued to a masked one,
// "555-867-5309#A123456", is masked too.)
//
// Input should be valid UTF-8 (run voc::Normalizer first); invalid bytes
// never match a pattern and are copied as they are.
//
// Thread safety: a Redactor is immutable after Create(); Redact() and
// ContainsPii() are const and may be called from many threads at once.
#ifndef VOC_REDACTOR_H_
#define VOC_REDACTOR_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "voc/status.h"

namespace voc {

enum class PiiKind { kEmail, kPhone, kCard, kSsn, kIban, kIp, kUrlToken, kAccount, kAddress, kCustom };

// Returns "email", "phone", "card", "ssn", "iban", "ip", "url", "account",
// "address" or "custom".
const char* PiiKindName(PiiKind kind);

struct RedactorOptions {
  // Per-kind switches. Default: all true.
  bool email = true;
  bool phone = true;
  bool card = true;
  bool ssn = true;
  bool iban = true;
  bool ip = true;
  bool url = true;
  bool account = true;
  bool address = true;
  // Extra patterns in RE2 syntax, each either "PATTERN" (masked as [CUSTOM])
  // or "NAME=PATTERN" with NAME matching [A-Za-z][A-Za-z0-9_]* (masked as
  // [NAME] upper-cased, and reported with `PiiSpan::name` = NAME). A pattern
  // that does not compile or matches the empty string is an error. Default:
  // none.
  std::vector<std::string> extra_patterns;
  // Recognise already-masked text (see above) and count it in
  // `Redaction::existing_masks`; nothing overlapping it is masked again.
  // Default: true.
  bool keep_existing_masks = true;
};

struct PiiSpan {
  PiiKind kind = PiiKind::kCustom;
  std::string name;    // PiiKindName(kind), or the custom pattern's name
  uint32_t begin = 0;  // byte range in the input
  uint32_t end = 0;
  uint32_t out_begin = 0;  // byte range of the mask in `Redaction::text`
  uint32_t out_end = 0;
};

struct Redaction {
  std::string text;             // the input with every span replaced by its mask
  std::vector<PiiSpan> spans;   // in input order, never overlapping
  uint32_t existing_masks = 0;  // already-masked pieces seen in the input
};

class Redactor {
 public:
  // Compiles every pattern once. Returns InvalidArgument naming a user
  // pattern that RE2 rejects (with RE2's message) or that matches "".
  static Result<std::unique_ptr<Redactor>> Create(const RedactorOptions& options = {});
  ~Redactor();
  Redactor(const Redactor&) = delete;
  Redactor& operator=(const Redactor&) = delete;

  // Returns `utf8` with personal data masked. Offsets are bytes.
  Redaction Redact(std::string_view utf8) const;
  // Returns true when Redact() would mask something.
  bool ContainsPii(std::string_view utf8) const;

 private:
  friend class ImplAccess;  // tests list the detectors' patterns
  struct Impl;
  explicit Redactor(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace voc

#endif  // VOC_REDACTOR_H_
