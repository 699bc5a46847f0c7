// The redactor searches most detectors only where they can match
// (text/redactor_runs.h): numeric detectors in the runs of digits and
// separators, e-mail addresses around their '@', existing masks at the bytes
// they start with. These tests hold those places to RE2 on random texts
// (every match of the whole-text search must lie in them) and check through
// Redact() that the gated detectors still fire at the edges of the places.
#include <doctest/doctest.h>
#include <re2/re2.h>
#include <re2/set.h>

#include <algorithm>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "text/redactor_runs.h"
#include "voc/redactor.h"

namespace {

using voc::internal::ByteRanges;

// Random texts from pieces that the patterns care about: digits, every
// separator, letters next to numbers, '@', masks, the UTF-8 dashes.
std::string RandomText(std::mt19937* rng, int pieces, bool numeric = false) {
  static const char* const kNumeric[] = {
      "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "00", "555", "1234", "4111",         "030",
      "+", "(", ")", " ", " ", ".", "-", "/", "_", "a", "X",  ",",   ":",    "\xE2\x80\x93", "\xE2\x80\x90"};
  if (numeric) {
    std::uniform_int_distribution<size_t> pick(0, std::size(kNumeric) - 1);
    std::string s;
    for (int i = 0; i < pieces; ++i) s += kNumeric[pick(*rng)];
    return s;
  }
  static const char* const kPieces[] = {
      "0",        "1",
      "2",        "3",
      "4",        "5",
      "6",        "7",
      "8",        "9",
      "00",       "555",
      "4111",     " ",
      " ",        ".",
      "-",        "/",
      "_",        "(",
      ")",        "+",
      ",",        ":",
      "#",        "a",
      "x",        "X",
      "XX",       "e",
      "@",        "{",
      "}",        "$",
      "[",        "]",
      "\n",       "\xE2\x80\x93",
      "\xC3\xA9", "de",
      "co",       "m",
      "A",        "Z",
      "%",        "'",
      ";",        "{{",
      "}}",       "XXXX",
      "[PHONE]",  "{$1,0.5}",
  };
  std::uniform_int_distribution<size_t> pick(0, std::size(kPieces) - 1);
  std::string s;
  for (int i = 0; i < pieces; ++i) s += kPieces[pick(*rng)];
  return s;
}

// Every leftmost match of `re` from every start offset, as the redactor's
// whole-text loop could meet them.
std::vector<std::pair<size_t, size_t>> AllMatches(const RE2& re, const std::string& text) {
  std::vector<std::pair<size_t, size_t>> out;
  re2::StringPiece in(text), m;
  for (size_t pos = 0; pos < text.size(); ++pos) {
    if (!re.Match(in, pos, text.size(), RE2::UNANCHORED, &m, 1)) break;
    const size_t b = static_cast<size_t>(m.data() - text.data());
    out.emplace_back(b, b + m.size());
    pos = b;
  }
  return out;
}

bool Inside(const ByteRanges& ranges, size_t b, size_t e) {
  for (const auto& [rb, re] : ranges)
    if (rb <= b && e <= re) return true;
  return false;
}

// Checks that the ranges `runs_of` finds in `text` hold every match of `re`;
// returns the number of matches.
int CheckRunsHoldMatches(const RE2& re, const std::string& text,
                         void (*runs_of)(std::string_view, ByteRanges*)) {
  ByteRanges runs;
  runs_of(text, &runs);
  int matched = 0;
  for (const auto& match : AllMatches(re, text)) {
    // Not a structured binding: INFO captures its operands in a lambda.
    const size_t b = match.first, e = match.second;
    INFO("pattern " << re.pattern() << " text '" << text << "' match " << b << ".." << e);
    CHECK(Inside(runs, b, e));
    ++matched;
  }
  return matched;
}

}  // namespace

TEST_CASE("numeric runs hold every match of the numeric detectors") {
  std::vector<std::unique_ptr<RE2>> patterns;
  RE2::Set set(RE2::Options(), RE2::UNANCHORED);
  for (const std::string& p : voc::internal::NumericPatterns()) {
    patterns.push_back(std::make_unique<RE2>(p));
    REQUIRE(patterns.back()->ok());
    REQUIRE(set.Add(p, nullptr) >= 0);
  }
  REQUIRE(patterns.size() == 10);
  REQUIRE(set.Compile());
  std::mt19937 rng(17);
  int matched = 0, short_runs = 0;
  for (int t = 0; t < 3000; ++t) {
    const std::string text = RandomText(&rng, 4 + t % 40, t % 2 == 0);
    ByteRanges runs;
    voc::internal::NumericRuns(text, &runs);
    for (const auto& [b, e] : runs) {
      REQUIRE(b < e);
      REQUIRE(e <= text.size());
      const auto digits =
          std::count_if(text.begin() + b, text.begin() + e, [](char c) { return c >= '0' && c <= '9'; });
      CHECK(static_cast<size_t>(digits) >= voc::internal::kNumericMatchDigits);
    }
    // Digits left out of the runs: runs of fewer digits, which the checks
    // below hold to hold no match.
    for (size_t i = 0; i < text.size(); ++i)
      if (text[i] >= '0' && text[i] <= '9' && !Inside(runs, i, i + 1)) {
        ++short_runs;
        break;
      }
    std::vector<int> in_joined;
    set.Match(voc::internal::JoinRuns(text, runs), &in_joined);
    for (size_t i = 0; i < patterns.size(); ++i) {
      const int n = CheckRunsHoldMatches(*patterns[i], text, voc::internal::NumericRuns);
      matched += n;
      // The set over the joined runs reports every detector that matches.
      if (n > 0) {
        INFO("pattern " << patterns[i]->pattern() << " text '" << text << "'");
        CHECK(std::find(in_joined.begin(), in_joined.end(), static_cast<int>(i)) != in_joined.end());
      }
    }
  }
  CHECK(matched > 1000);    // the texts exercise the patterns
  CHECK(short_runs > 300);  // and runs too short to be searched
}

TEST_CASE("a search inside a numeric run sees the bytes around it") {
  // \b at the ends of a run looks at the text: no match where a letter or
  // digit touches the number, a match where a barrier byte does.
  const RE2 ssn(voc::internal::NumericPatterns()[3]);  // \b\d{3}-\d{2}-\d{4}\b|...
  REQUIRE(ssn.pattern().rfind("\\b\\d{3}-", 0) == 0);
  const std::string text = "a123-45-6789 ,123-45-6789b x 123-45-6789";
  ByteRanges runs;
  voc::internal::NumericRuns(text, &runs);
  std::vector<std::string> found;
  re2::StringPiece in(text), m;
  for (const auto& [b, e] : runs) {
    size_t pos = b;
    while (pos < e && ssn.Match(in, pos, e, RE2::UNANCHORED, &m, 1)) {
      found.emplace_back(m.data(), m.size());
      pos = static_cast<size_t>(m.data() - text.data()) + m.size();
    }
  }
  CHECK(found == std::vector<std::string>{"123-45-6789"});
}

TEST_CASE("e-mail runs hold every e-mail match") {
  const RE2 email(voc::internal::EmailPattern());
  REQUIRE(email.ok());
  std::mt19937 rng(21);
  int matched = 0;
  for (int t = 0; t < 3000; ++t) {
    const std::string text = RandomText(&rng, 4 + t % 40) + (t % 3 == 0 ? "a@b.co" : "");
    matched += CheckRunsHoldMatches(email, text, voc::internal::EmailRuns);
  }
  CHECK(matched > 500);
}

TEST_CASE("an e-mail run the gate refuses holds no e-mail match") {
  const RE2 email(voc::internal::EmailPattern());
  REQUIRE(email.ok());
  CHECK_FALSE(voc::internal::EmailRunMayHoldAddress("@united"));
  CHECK_FALSE(voc::internal::EmailRunMayHoldAddress("@united."));
  CHECK_FALSE(voc::internal::EmailRunMayHoldAddress("a@bco."));
  CHECK_FALSE(voc::internal::EmailRunMayHoldAddress("@@b.co"));
  CHECK_FALSE(voc::internal::EmailRunMayHoldAddress("a@.co"));
  CHECK(voc::internal::EmailRunMayHoldAddress("a@b.co"));
  CHECK(voc::internal::EmailRunMayHoldAddress("@x a@@b@c.de"));
  static const char* const kPieces[] = {"@",        "@@",  "a", "b9",    ".",      "..", "co",
                                        "de",       "x.y", "-", "_",     "+",      "%",  " ",
                                        "\xC3\xA9", "Z",   "1", "@name", "a@b.co", ".c"};
  std::mt19937 rng(31);
  std::uniform_int_distribution<size_t> pick(0, std::size(kPieces) - 1);
  int refused = 0, matched = 0;
  for (int t = 0; t < 5000; ++t) {
    std::string text;
    for (int i = 0; i < 2 + t % 12; ++i) text += kPieces[pick(rng)];
    ByteRanges runs;
    voc::internal::EmailRuns(text, &runs);
    re2::StringPiece in(text), m;
    for (const auto& run : runs) {
      const size_t b = run.first, e = run.second;  // named: INFO captures them
      const bool found = email.Match(in, b, e, RE2::UNANCHORED, &m, 1);
      matched += found;
      if (voc::internal::EmailRunMayHoldAddress(std::string_view(text).substr(b, e - b))) continue;
      ++refused;
      INFO("text '" << text << "' run " << b << ".." << e);
      CHECK_FALSE(found);
    }
  }
  CHECK(refused > 1000);
  CHECK(matched > 500);
}

TEST_CASE("URL runs hold every URL match") {
  const RE2 url(voc::internal::UrlPattern());
  REQUIRE(url.ok());
  static const char* const kPieces[] = {"http://", "https://", "www.",    "WwW.", "example", ".com",
                                        ".de/",    "/",        "?token=", "=",    "&",       "a1b2",
                                        " ",       "\t",       "\"",      "<",    "|",       "[",
                                        "x",       "9",        "-",       ".",    "\xC3\xA9"};
  std::mt19937 rng(8);
  std::uniform_int_distribution<size_t> pick(0, std::size(kPieces) - 1);
  int matched = 0;
  for (int t = 0; t < 3000; ++t) {
    std::string text;
    for (int i = 0; i < 3 + t % 25; ++i) text += kPieces[pick(rng)];
    matched += CheckRunsHoldMatches(url, text, voc::internal::UrlRuns);
  }
  CHECK(matched > 1000);
}

TEST_CASE("masks are found at their start bytes as by a whole-text search") {
  const RE2 masks(voc::internal::ExistingMaskPattern("EMAIL|PHONE|CUSTOM"));
  REQUIRE(masks.ok());
  std::mt19937 rng(5);
  int found = 0;
  for (int t = 0; t < 5000; ++t) {
    const std::string text = RandomText(&rng, 2 + t % 30);
    re2::StringPiece in(text), m;
    std::vector<std::pair<size_t, size_t>> whole, anchored;
    for (size_t pos = 0; pos < text.size() && masks.Match(in, pos, text.size(), RE2::UNANCHORED, &m, 1);) {
      const size_t b = static_cast<size_t>(m.data() - text.data());
      whole.emplace_back(b, b + m.size());
      pos = b + std::max<size_t>(1, m.size());
    }
    for (size_t pos = voc::internal::NextMaskStart(text, 0); pos < text.size();
         pos = voc::internal::NextMaskStart(text, pos)) {
      if (!masks.Match(in, pos, text.size(), RE2::ANCHOR_START, &m, 1) || m.empty()) {
        ++pos;
        continue;
      }
      anchored.emplace_back(pos, pos + m.size());
      pos += m.size();
    }
    INFO("text '" << text << "'");
    CHECK(whole == anchored);
    found += static_cast<int>(whole.size());
  }
  CHECK(found > 1000);
}

TEST_CASE("gated detectors fire at the edges of their runs") {
  auto r = voc::Redactor::Create({});
  REQUIRE(r.ok());
  auto redact = [&](const std::string& s) { return (*r)->Redact(s).text; };
  // Numbers at the start and end of the text, in parentheses, after '+',
  // with '_' and '/' separators, beside words.
  CHECK(redact("555-123-4567") == "[PHONE]");
  CHECK(redact("call (555) 123-4567") == "call [PHONE]");
  CHECK(redact("ring +44 20 7946 0958") == "ring [PHONE]");
  CHECK(redact("card 4111_1111_1111_1111.") == "card [CARD].");
  CHECK(redact("Ruf 030/1234567 an") == "Ruf [PHONE] an");
  CHECK(redact("ssn 123-45-6789") == "ssn [SSN]");
  CHECK(redact("from 192.168.10.20") == "from [IP]");
  CHECK(redact("tel\xE2\x80\x93"
               "555\xE2\x80\x93"
               "123\xE2\x80\x93"
               "4567 ok")
            .find("[PHONE]") != std::string::npos);
  // A letter glued to the number keeps it whole (\b sees the letter).
  CHECK(redact("see a5551234567") == "see a5551234567");
  // Several runs in one long text, each found.
  std::string longer;
  for (int i = 0; i < 40; ++i) longer += "the order arrived late again and nobody answered; ";
  const std::string text = longer + "555-123-4567 " + longer + "(555) 987-6543 " + longer;
  const voc::Redaction red = (*r)->Redact(text);
  REQUIRE(red.spans.size() == 2);
  CHECK(red.text.find("[PHONE] ") == longer.size());
  // E-mail addresses at the edges and in punctuation.
  CHECK(redact("a.b+c@example.com") == "[EMAIL]");
  CHECK(redact("(write to j%d@mail.example.org)") == "(write to [EMAIL])");
  CHECK(redact("jos\xC3\xA9@ex\xC3\xA4mple.de ok") == "[EMAIL] ok");
  // URLs at the edges, after punctuation, without a scheme.
  CHECK(redact("https://ex.com/reset?token=abc123") == "[URL]");
  CHECK(redact("see (www.example.com/session?sid=77af0e) now") == "see ([URL]) now");
  CHECK(redact("example.com/reset?token=Zx81Q") == "[URL]");
  // Existing masks counted where they start, not inside words.
  CHECK((*r)->Redact("acct XXXX-XXXX and {$12.50} by [PHONE]").existing_masks == 3);
  CHECK((*r)->Redact("aXXXX and FOXX").existing_masks == 0);
}

// On ranges of ASCII bytes a detector whose pattern is ASCII runs compiled
// for Latin-1 (cheaper to compile). Each such pattern of the default
// redactor, and a custom one, must find the same matches in both encodings
// from every start offset of random ASCII texts.
TEST_CASE("Redactor: the Latin-1 form of each ASCII pattern matches as the UTF-8 form on ASCII text") {
  voc::RedactorOptions o;
  o.extra_patterns = {"REF=(?i)ref(?:erence)?[ #:]*[a-z]{2}-?\\d{4,8}\\b", "(?i)\\bk[a-z]y\\b"};
  auto r = voc::Redactor::Create(o);
  REQUIRE(r.ok());
  const std::vector<std::string> patterns = voc::internal::Latin1DetectorPatterns(**r);
  CHECK(patterns.size() >= 8);  // e-mail, URL and the numeric detectors among them
  CHECK(std::find(patterns.begin(), patterns.end(), voc::internal::EmailPattern()) != patterns.end());
  CHECK(std::find(patterns.begin(), patterns.end(), voc::internal::UrlPattern()) != patterns.end());
  static const char* const kPieces[] = {
      "0",    "1",    "4111", "555",  "123-45-6789", " ",   " ",    ".",       "-",        "/",
      "_",    "(",    ")",    "+",    ",",           ":",   "#",    "@",       "a",        "x",
      "X",    "e",    "de",   "co",   "m",           "com", "www.", "http://", "https://", "ref ",
      "REF#", "key",  "KEY",  "acct", "order ",      "Ave", " St",  "NW",      "ssn",      "IBAN ",
      "GB82", "WEST", "%",    "'",    "\n",          "?",   "=",    "&",       "~"};
  std::mt19937 rng(11);
  std::uniform_int_distribution<size_t> pick(0, std::size(kPieces) - 1);
  RE2::Options utf8, latin1;
  utf8.set_log_errors(false);
  latin1.set_log_errors(false);
  latin1.set_encoding(RE2::Options::EncodingLatin1);
  size_t matches = 0;
  for (const std::string& p : patterns) {
    RE2 a(p, utf8), b(p, latin1);
    REQUIRE(a.ok());
    REQUIRE(b.ok());
    for (int t = 0; t < 300; ++t) {
      std::string text;
      for (int k = 0; k < 3 + t % 30; ++k) text += kPieces[pick(rng)];
      re2::StringPiece in(text), ma, mb;
      for (size_t pos = 0; pos < text.size(); ++pos) {
        const bool fa = a.Match(in, pos, text.size(), RE2::UNANCHORED, &ma, 1);
        const bool fb = b.Match(in, pos, text.size(), RE2::UNANCHORED, &mb, 1);
        INFO("pattern " << p << " text '" << text << "' from " << pos);
        REQUIRE(fa == fb);
        if (!fa) break;
        CHECK(ma.data() == mb.data());
        CHECK(ma.size() == mb.size());
        ++matches;
      }
    }
  }
  CHECK(matches > 2000);  // the texts exercise the patterns
}

// A custom pattern with a non-ASCII literal runs compiled for UTF-8 even on
// ASCII text: in Latin-1 "°?" would read as two bytes, the first required.
TEST_CASE("Redactor: a custom pattern with a non-ASCII literal masks ASCII text as it masks other text") {
  voc::RedactorOptions o;
  o.extra_patterns = {"REF=n\u00b0?\\d{6}"};
  auto r = voc::Redactor::Create(o);
  REQUIRE(r.ok());
  CHECK(voc::internal::Latin1DetectorPatterns(**r).size() ==
        voc::internal::Latin1DetectorPatterns(**voc::Redactor::Create()).size());
  CHECK((*r)->Redact("file n123456 please").text == "file [REF] please");
  CHECK((*r)->Redact("file n\u00b0123456 please").text == "file [REF] please");
  CHECK((*r)->Redact("caf\u00e9 file n123456 please").text == "caf\u00e9 file [REF] please");
}

// On ranges of ASCII bytes the detectors run compiled for Latin-1 (cheaper
// to compile); elsewhere compiled for UTF-8. The same ASCII text, alone and
// after "é " (which sends every whole-text detector to its UTF-8 form),
// must be redacted alike, spans shifted by the prefix.
TEST_CASE("Redactor: ASCII texts get the same spans from the Latin-1 and the UTF-8 patterns") {
  auto r = voc::Redactor::Create(voc::RedactorOptions());
  REQUIRE(r.ok());
  static const char* const kPii[] = {"jo.doe+x@mail.example.co.uk",
                                     "(555) 123-4567",
                                     "+44 20 7946 0958",
                                     "0044 20 7946 0958",
                                     "4111 1111 1111 1111",
                                     "SSN 123-45-6789",
                                     "IBAN GB82WEST12345698765432",
                                     "https://shop.example.com/reset?token=abc123XYZ987",
                                     "www.shop.example.com/orders/123",
                                     "acct # 7741 2290 1187",
                                     "order 12345",
                                     "192.168.0.17",
                                     "fe80::1ff:fe23:4567:890a",
                                     "1600 Pennsylvania Ave NW",
                                     "my name is Peter Parker",
                                     "ref: XJ-99812",
                                     "DOB 01/02/1980",
                                     "zip 94103",
                                     "a@b",
                                     "dr.who@tardis.space"};
  static const char* const kFiller[] = {" ", " and ", ", call ", " please ", "\n", " my ", ": "};
  const std::string prefix = "\xC3\xA9 ";
  std::mt19937 rng(5);
  std::uniform_int_distribution<size_t> pii(0, std::size(kPii) - 1), filler(0, std::size(kFiller) - 1);
  size_t spans = 0;
  for (int t = 0; t < 400; ++t) {
    std::string text;
    for (int k = 0; k < 1 + t % 5; ++k) {
      text += kPii[pii(rng)];
      text += kFiller[filler(rng)];
    }
    if (t % 3 == 0) text += RandomText(&rng, 12);  // random pieces may bring their own UTF-8
    const voc::Redaction a = (*r)->Redact(text);
    const voc::Redaction b = (*r)->Redact(prefix + text);
    INFO("text '" << text << "'");
    REQUIRE(a.spans.size() == b.spans.size());
    for (size_t i = 0; i < a.spans.size(); ++i) {
      CHECK(a.spans[i].name == b.spans[i].name);
      CHECK(a.spans[i].begin + prefix.size() == b.spans[i].begin);
      CHECK(a.spans[i].end + prefix.size() == b.spans[i].end);
    }
    CHECK(prefix + a.text == b.text);
    spans += a.spans.size();
  }
  CHECK(spans > 600);  // the texts hold personal data of every kind
}

TEST_CASE("TextBytes finds the pre-filter's bytes as a byte-by-byte search does") {
  using namespace voc::internal;
  const auto reference = [](const std::string& t) {
    const auto has = [&t](char c) { return t.find(c) != std::string::npos; };
    unsigned r = 0;
    if (std::any_of(t.begin(), t.end(), [](char c) { return c >= '0' && c <= '9'; })) r |= kTextDigit;
    if (has('@')) r |= kTextAt;
    if (has(':')) r |= kTextColon;
    if (has('X') || has('{') || has('[')) r |= kTextMask;
    if (has('/')) r |= kTextSlash;
    if (has('w') || has('W')) r |= kTextW;
    return r;
  };
  // Texts of every length to 70 mostly of other bytes (one sought byte at
  // any offset, or none), and random bytes.
  const std::string sought = "0123456789@:X{[/wW";
  std::mt19937 rng(5);
  std::uniform_int_distribution<int> byte(0, 255);
  int checked = 0;
  for (size_t len = 0; len <= 70; ++len) {
    for (int t = 0; t < 300; ++t) {
      std::string text(len, 'a');
      for (char& c : text) {
        c = static_cast<char>(byte(rng));
        if (sought.find(c) != std::string::npos) c = 'a';
      }
      if (len > 0 && t % 3 != 0) text[rng() % len] = sought[rng() % sought.size()];
      if (t % 10 == 9)
        for (char& c : text) c = static_cast<char>(byte(rng));
      INFO("len " << len << " text '" << text << "'");
      CHECK(TextBytes(text) == reference(text));
      ++checked;
    }
  }
  CHECK(checked == 71 * 300);
  CHECK(TextBytes("") == 0u);
  CHECK(TextBytes("see www.example.com at 10:30") == (kTextDigit | kTextColon | kTextW));
}

TEST_CASE("RedactOwned gives what Redact gives") {
  auto made = voc::Redactor::Create();
  REQUIRE(made.ok());
  const voc::Redactor& redactor = **made;
  // Random pieces, with personal data, existing masks and characters the
  // redactor folds (a fullwidth digit, a zero-width space) mixed in.
  static const char* const kExtra[] = {"call 555-867-5309 ", "a@b.co ",      "http://x.io/reset?token=abc ",
                                       "\xEF\xBC\x95",       "\xE2\x80\x8B", "[PHONE] ",
                                       "acct 12345678 ",     "hello there ", "4111 1111 1111 1111 "};
  std::mt19937 rng(9);
  int masked = 0, folded = 0;
  for (int t = 0; t < 4000; ++t) {
    std::string text = RandomText(&rng, 1 + t % 12);
    for (int k = 0; k < t % 4; ++k) text += kExtra[rng() % std::size(kExtra)];
    const voc::Redaction want = redactor.Redact(text);
    const voc::Redaction got = voc::internal::RedactOwned(redactor, text);
    INFO("text '" << text << "'");
    CHECK(got.text == want.text);
    CHECK(got.existing_masks == want.existing_masks);
    REQUIRE(got.spans.size() == want.spans.size());
    for (size_t i = 0; i < got.spans.size(); ++i) {
      CHECK(got.spans[i].kind == want.spans[i].kind);
      CHECK(got.spans[i].name == want.spans[i].name);
      CHECK(got.spans[i].begin == want.spans[i].begin);
      CHECK(got.spans[i].end == want.spans[i].end);
      CHECK(got.spans[i].out_begin == want.spans[i].out_begin);
      CHECK(got.spans[i].out_end == want.spans[i].out_end);
    }
    masked += want.spans.empty() ? 0 : 1;
    folded +=
        text.find("\xEF\xBC\x95") != std::string::npos || text.find("\xE2\x80\x8B") != std::string::npos;
  }
  CHECK(masked > 500);
  CHECK(folded > 300);
}

// The account detectors place their group from the whole match
// (AccountGroupStart, HashIdGroupStart) instead of RE2's group search:
// where they answer, the answer must be RE2's, with either compilation the
// redactor uses (UTF-8, and Latin-1 on ASCII ranges).
TEST_CASE("Redactor: the account detectors' group found from the whole match is RE2's group") {
  // Pieces by kind, one kind picked per piece: keywords, the words after
  // them, separators, digits, and bytes that may stand before the number.
  static const std::vector<std::vector<std::string>> kKinds = {
      {"order", "ord", "ref", "reference", "acct", "account", "a/c", "sort code", "driver's license", "bill"},
      {"no", "number", "id", "is", "the", "e", "ab", "x", "K"},
      {" ", " ", ":", "#", ".", "-", "\t", "&", "# "},
      {"1", "12", "123", "0042", "12345678", "00108", "555"},
      {"\xE2\x84\xAA" /* KELVIN SIGN */, "\xC5\xBF" /* LONG S */, "\xC3\xA9", "-", "x-", "ab"}};
  struct Case {
    std::string pattern;
    bool (*locate)(std::string_view, size_t*);
  };
  const Case cases[] = {{voc::internal::AccountPattern(), voc::internal::AccountGroupStart},
                        {voc::internal::HashIdPattern(), voc::internal::HashIdGroupStart}};
  std::mt19937 rng(29);
  std::uniform_int_distribution<size_t> kind(0, kKinds.size() - 1);
  for (const Case& c : cases) {
    RE2::Options utf8, latin1;
    utf8.set_log_errors(false);
    latin1.set_log_errors(false);
    latin1.set_encoding(RE2::Options::EncodingLatin1);
    const RE2 a(c.pattern, utf8), b(c.pattern, latin1);
    REQUIRE(a.ok());
    REQUIRE(b.ok());
    size_t placed = 0, refused = 0;
    // Texts whose group starts before the digits or after an earlier
    // number, then random ones.
    const std::vector<std::string> fixed = {"orderx-123",
                                            "refe-12345",
                                            "order 12 345",
                                            "ref\xE2\x84\xAA"
                                            "12345",
                                            "order no-12345",
                                            "bill #ab-123456",
                                            "# 00108"};
    for (int t = 0; t < 6000 + static_cast<int>(fixed.size()); ++t) {
      std::string text = t < static_cast<int>(fixed.size()) ? fixed[static_cast<size_t>(t)] : "";
      // Mostly the patterns' shape: any pieces, a keyword, words and
      // separators, digits, any pieces.
      const auto add = [&](size_t k) {
        const std::vector<std::string>& pieces = kKinds[k];
        text += pieces[std::uniform_int_distribution<size_t>(0, pieces.size() - 1)(rng)];
      };
      if (text.empty()) {
        for (int k = t % 3; k > 0; --k) add(kind(rng));
        add(0);
        for (int k = t % 4; k > 0; --k) add(k % 2 == 0 ? 1 : 2);
        for (int k = t % 5 / 2; k > 0; --k) add(t % 7 == 0 ? 4 : 2);
        add(3);
        for (int k = t % 4; k > 0; --k) add(kind(rng));
      }
      const bool ascii = std::all_of(text.begin(), text.end(), [](char ch) { return (ch & 0x80) == 0; });
      for (const RE2* re : {&a, &b}) {
        if (re == &b && !ascii) continue;
        re2::StringPiece in(text), groups[2];
        for (size_t pos = 0; pos < text.size(); ++pos) {
          if (!re->Match(in, pos, text.size(), RE2::UNANCHORED, groups, 2)) break;
          const std::string_view whole(groups[0].data(), groups[0].size());
          size_t group_b = 0;
          if (c.locate(whole, &group_b)) {
            INFO("pattern " << c.pattern << " text '" << text << "' match '" << whole << "'");
            CHECK(groups[1].data() == groups[0].data() + group_b);
            CHECK(groups[1].data() + groups[1].size() == groups[0].data() + groups[0].size());
            ++placed;
          } else {
            ++refused;
          }
          pos = static_cast<size_t>(groups[0].data() - text.data());
        }
      }
    }
    // Both answers occur (the account pattern's refusals are the letters,
    // '-' and non-ASCII bytes before the digits, and digits before them).
    const bool account = c.locate == voc::internal::AccountGroupStart;
    CHECK(placed > (account ? 1000u : 200u));
    if (account) CHECK(refused > 100);
  }
}
