#include "voc/normalizer.h"

#include <doctest/doctest.h>

#include <string>
#include <thread>
#include <vector>

namespace {

std::unique_ptr<voc::Normalizer> Make(const voc::NormalizerOptions& o = {}) {
  auto r = voc::Normalizer::Create(o);
  REQUIRE(r.ok());
  return std::move(*r);
}

std::string N(std::string_view s, const voc::NormalizerOptions& o = {}) { return Make(o)->Normalize(s).text; }

}  // namespace

TEST_CASE("Normalizer: plain ASCII is copied unchanged") {
  auto n = Make();
  const voc::Normalized out = n->Normalize("I waited 3 hours on hold.");
  CHECK(out.text == "I waited 3 hours on hold.");
  CHECK(out.invalid_utf8 == 0);
  CHECK(out.controls_removed == 0);
  CHECK(out.entities_decoded == 0);
  CHECK(n->Normalize("").text.empty());
}

TEST_CASE("Normalizer: whitespace is collapsed and trimmed") {
  CHECK(N("  too   many\tspaces \r\n here  ") == "too many spaces here");
  // NEL, LINE SEPARATOR, PARAGRAPH SEPARATOR, NBSP, EM SPACE, IDEOGRAPHIC SPACE.
  CHECK(N("a\xC2\x85"
          "b\xE2\x80\xA8"
          "c\xE2\x80\xA9"
          "d\xC2\xA0"
          "e\xE2\x80\x83"
          "f\xE3\x80\x80g") == "a b c d e f g");
  CHECK(N(" \t\r\n ") == "");
  voc::NormalizerOptions keep;
  keep.keep_line_breaks = true;
  CHECK(N("line one \r\n\r\n  line two\xE2\x80\xA8three  four", keep) == "line one\nline two\nthree four");
  voc::NormalizerOptions off;
  off.collapse_whitespace = false;
  CHECK(N("  a  b\n", off) == "  a  b\n");
}

TEST_CASE("Normalizer: invalid UTF-8 becomes U+FFFD and is counted") {
  auto n = Make();
  const voc::Normalized out = n->Normalize("bad \xFF byte, cut \xE2\x82 end, overlong \xC0\xAF!");
  CHECK(out.text == "bad \xEF\xBF\xBD byte, cut \xEF\xBF\xBD end, overlong \xEF\xBF\xBD\xEF\xBF\xBD!");
  CHECK(out.invalid_utf8 == 4);
  // A surrogate encoded in UTF-8 is invalid too.
  CHECK(n->Normalize("\xED\xA0\x80").invalid_utf8 >= 1);
  // A truncated sequence at the very end.
  const voc::Normalized t = n->Normalize("abc\xF0\x9F\x98");
  CHECK(t.text == "abc\xEF\xBF\xBD");
  CHECK(t.invalid_utf8 == 1);
}

TEST_CASE("Normalizer: NUL and control characters are removed and counted") {
  auto n = Make();
  const std::string in(
      "a\0b\x01"
      "c\x7F"
      "d\xC2\x80"
      "e\xEF\xBB\xBF"
      "f",
      14);
  const voc::Normalized out = n->Normalize(in);
  CHECK(out.text == "abcdef");
  CHECK(out.controls_removed == 5);
  voc::NormalizerOptions keep;
  keep.remove_controls = false;
  const voc::Normalized k = Make(keep)->Normalize(in);
  CHECK(k.text == std::string("ab\x01"
                              "c\x7F"
                              "d\xC2\x80"
                              "e\xEF\xBB\xBF"
                              "f"));
  CHECK(k.controls_removed == 1);  // NUL is always dropped
}

TEST_CASE("Normalizer: HTML entities are decoded once") {
  auto n = Make();
  const voc::Normalized out =
      n->Normalize("Fish &amp; chips &lt;3 &quot;great&quot; &#39;ok&#39; &#x1F600; &eacute;t&eacute;");
  CHECK(out.text == "Fish & chips <3 \"great\" 'ok' \xF0\x9F\x98\x80 \xC3\xA9t\xC3\xA9");
  CHECK(out.entities_decoded == 9);
  CHECK(N("&amp;lt;") == "&lt;");
  // Unknown names, missing ';' and bare '&' stay as they are.
  CHECK(N("AT&T &bogus; &amp &#; &#xZZ;") == "AT&T &bogus; &amp &#; &#xZZ;");
  // Windows-1252 numeric references, invalid code points and NUL.
  CHECK(N("it&#146;s") == "it\xE2\x80\x99s");
  CHECK(N("x&#0;y&#xD800;z&#x110000;") == "x\xEF\xBF\xBDy\xEF\xBF\xBDz\xEF\xBF\xBD");
  // A decoded control or space is handled like a literal one.
  CHECK(N("a&#10;&#10;b&nbsp;&nbsp;c&#1;") == "a b c");
  voc::NormalizerOptions off;
  off.decode_html_entities = false;
  CHECK(N("a &amp; b", off) == "a &amp; b");
}

TEST_CASE("Normalizer: NFC by default, NFKC on request") {
  // e + COMBINING ACUTE -> e-acute.
  CHECK(N("cafe\xCC\x81") == "caf\xC3\xA9");
  // Full-width letters and the fi ligature are kept by NFC, folded by NFKC.
  const std::string fw = "\xEF\xBC\xA1\xEF\xBC\xA2 \xEF\xAC\x81ne";
  CHECK(N(fw) == fw);
  voc::NormalizerOptions k;
  k.form = voc::NormalizerOptions::Form::kNFKC;
  CHECK(N(fw, k) == "AB fine");
  // NFKC maps U+00A8 to " \u0308": spaces are collapsed again afterwards.
  CHECK(N("a \xC2\xA8", k) == "a \xCC\x88");
}

TEST_CASE("Normalizer: options are kept and Normalize is thread-safe") {
  voc::NormalizerOptions o;
  o.form = voc::NormalizerOptions::Form::kNFKC;
  auto n = Make(o);
  CHECK(n->options().form == voc::NormalizerOptions::Form::kNFKC);
  std::vector<std::thread> threads;
  std::vector<int> ok(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 500; ++i)
        ok[t] += n->Normalize("Caf\xC3\xA9  &amp;  \xEF\xBC\xA1").text == "Café & A";
    });
  }
  for (auto& th : threads) th.join();
  for (int v : ok) CHECK(v == 500);
}

TEST_CASE("Normalizer: the ASCII fast path agrees with a plain reference") {
  // Random strings over letters, spaces, tabs and '&', of every length up to
  // 40 (so that word-at-a-time checks meet every alignment).
  auto n = Make();
  uint64_t state = 12345;
  auto next = [&state] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<unsigned>(state >> 33);
  };
  const char alphabet[] = "ab  c\t&";
  for (int iter = 0; iter < 4000; ++iter) {
    std::string s;
    const unsigned len = next() % 41;
    for (unsigned k = 0; k < len; ++k) s.push_back(alphabet[next() % 7]);
    std::string want;
    bool pending = false;
    for (char c : s) {
      if (c == ' ' || c == '\t') {
        pending = true;
        continue;
      }
      if (pending && !want.empty()) want.push_back(' ');
      pending = false;
      want.push_back(c);
    }
    CHECK_MESSAGE(n->Normalize(s).text == want, "input '", s, "'");
  }
}
