// Fuzz target for voc::Tokenizer: any bytes must tokenize without crashing,
// with tokens and sentences in order and inside the input; on valid UTF-8 the
// fast path must give exactly the tokens and sentences of the ICU path, and
// the shared sentence rules (text/segment.h, used by the other stages) the
// tokenizer's sentences. The JSON of the tokens (voc tokenize's) is valid
// UTF-8 with no raw control character whatever the input.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "text/segment.h"
#include "voc/json.h"
#include "voc/tokenizer.h"

namespace {

void Fail(const char* what, std::string_view input) {
  std::fprintf(stderr, "tokenizer_fuzzer: %s on input of %zu bytes\n", what, input.size());
  std::abort();
}

bool ValidUtf8(std::string_view s) {
  const unsigned char* p = reinterpret_cast<const unsigned char*>(s.data());
  size_t i = 0, n = s.size();
  while (i < n) {
    unsigned char c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len;
    uint32_t cp;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
      cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      cp = c & 0x07;
    } else
      return false;
    if (i + len > n) return false;
    for (size_t k = 1; k < len; ++k) {
      if ((p[i + k] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (p[i + k] & 0x3F);
    }
    if ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
        (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
      return false;
    i += len;
  }
  return true;
}

void CheckShape(const voc::Tokenization& t, std::string_view input) {
  uint32_t pos = 0;
  for (const voc::Token& tok : t.tokens) {
    if (tok.begin < pos || tok.end <= tok.begin || tok.end > input.size())
      Fail("token out of order or outside the input", input);
    pos = tok.end;
  }
  uint32_t next = 0;
  for (const voc::Sentence& s : t.sentences) {
    if (s.first_token != next || s.end_token <= s.first_token || s.end_token > t.tokens.size())
      Fail("sentence token range", input);
    if (s.begin != t.tokens[s.first_token].begin || s.end != t.tokens[s.end_token - 1].end)
      Fail("sentence offsets", input);
    next = s.end_token;
  }
  if (!t.tokens.empty() && !t.sentences.empty() && next != t.tokens.size())
    Fail("tokens outside every sentence", input);
}

bool Same(const voc::Tokenization& a, const voc::Tokenization& b) {
  if (a.tokens.size() != b.tokens.size() || a.sentences.size() != b.sentences.size()) return false;
  for (size_t k = 0; k < a.tokens.size(); ++k) {
    const voc::Token& x = a.tokens[k];
    const voc::Token& y = b.tokens[k];
    if (x.begin != y.begin || x.end != y.end || x.kind != y.kind || x.elongated != y.elongated ||
        x.norm != y.norm)
      return false;
  }
  for (size_t k = 0; k < a.sentences.size(); ++k) {
    const voc::Sentence& x = a.sentences[k];
    const voc::Sentence& y = b.sentences[k];
    if (x.begin != y.begin || x.end != y.end || x.first_token != y.first_token || x.end_token != y.end_token)
      return false;
  }
  return true;
}

std::unique_ptr<voc::Tokenizer> Make(bool fast, bool social, bool fold) {
  voc::TokenizerOptions o;
  o.fast_path = fast;
  o.social = social;
  o.case_fold = fold;
  auto t = voc::Tokenizer::Create(o);
  if (!t.ok()) {
    std::fprintf(stderr, "tokenizer_fuzzer: %s\n", t.status().ToString().c_str());
    std::abort();
  }
  return std::move(*t);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const auto fast = Make(true, true, true);
  static const auto icu = Make(false, true, true);
  static const auto fast_plain = Make(true, false, false);
  static const auto icu_plain = Make(false, false, false);
  std::string_view input(reinterpret_cast<const char*>(data), size);
  voc::Tokenization a = fast->Tokenize(input);
  voc::Tokenization b = icu->Tokenize(input);
  voc::Tokenization c = fast_plain->Tokenize(input);
  voc::Tokenization d = icu_plain->Tokenize(input);
  CheckShape(a, input);
  CheckShape(b, input);
  CheckShape(c, input);
  CheckShape(d, input);
  if (ValidUtf8(input)) {
    if (!Same(a, b)) Fail("fast path differs from the ICU path", input);
    if (!Same(c, d)) Fail("fast path differs from the ICU path (no social, no case fold)", input);
  }
  for (bool norm : {true, false}) {
    std::string json;
    voc::AppendTokenizationJson(a, input, &json, norm);
    if (!ValidUtf8(json)) Fail("the tokens' JSON is not valid UTF-8", input);
    for (char ch : json)
      if (static_cast<unsigned char>(ch) < 0x20) Fail("a raw control character in the tokens' JSON", input);
    if (json.front() != '{' || json.back() != '}') Fail("the tokens' JSON is not one object", input);
  }
  std::vector<voc::internal::TextSpan> shared;
  voc::internal::Sentences(input, &shared);
  bool same = shared.size() == a.sentences.size();
  for (size_t k = 0; same && k < shared.size(); ++k)
    same = shared[k].begin == a.sentences[k].begin && shared[k].end == a.sentences[k].end;
  if (!same) Fail("the shared sentences differ from the tokenizer's", input);
  return 0;
}
