// The JSON of a tokenization (voc/json.h AppendTokenizationJson), the
// `voc tokenize` output. Most of its bytes are the tokens' fields, so each
// token is written into one buffer and appended at once.
#include <algorithm>
#include <charconv>
#include <cstring>
#include <iterator>
#include <string>
#include <string_view>

#include "util/json_text.h"
#include "voc/json.h"
#include "voc/tokenizer.h"

namespace voc {
namespace {

// The bytes of a token's fields besides its two strings: the keys, the
// kind's name (16 bytes copied), two numbers of at most 10 digits,
// "elongated" and the comma.
constexpr size_t kTokenFixedRoom = 128;

// The kinds' names (TokenKindName) in 16 bytes each, to be copied whole.
struct KindNames {
  struct Name {
    char text[16] = {};
    size_t size = 0;
  };
  Name name[static_cast<size_t>(TokenKind::kContraction) + 1];
  KindNames() {
    for (size_t k = 0; k < std::size(name); ++k) {
      const std::string_view s = TokenKindName(static_cast<TokenKind>(k));
      s.copy(name[k].text, sizeof name[k].text);
      name[k].size = std::min(s.size(), sizeof name[k].text);
    }
  }
};

// Copies the literal `s` to `p` and returns the end.
char* Put(char* p, std::string_view s) {
  std::memcpy(p, s.data(), s.size());
  return p + s.size();
}

char* PutNumber(char* p, uint32_t v) { return std::to_chars(p, p + 10, v).ptr; }

size_t TokenRoom(const Token& tok, bool norm) {
  return internal::JsonStringRoom(tok.end - tok.begin) +
         (norm ? internal::JsonStringRoom(tok.norm.size()) : 0) + kTokenFixedRoom;
}

// Writes `tok`, a token of `text`, at `p` (room for TokenRoom) and returns
// the end.
char* WriteToken(const Token& tok, std::string_view text, bool norm, bool first, const KindNames& kinds,
                 char* p) {
  if (!first) *p++ = ',';
  p = Put(p, "{\"text\":");
  p = internal::WriteJsonString(tok.text(text), p);
  if (norm) {
    p = Put(p, ",\"norm\":");
    p = internal::WriteJsonString(tok.norm, p);
  }
  p = Put(p, ",\"kind\":\"");
  const KindNames::Name& kind = kinds.name[static_cast<size_t>(tok.kind)];
  std::memcpy(p, kind.text, sizeof kind.text);
  p += kind.size;
  p = Put(p, "\",\"begin\":");
  p = PutNumber(p, tok.begin);
  p = Put(p, ",\"end\":");
  p = PutNumber(p, tok.end);
  if (norm && tok.elongated) p = Put(p, ",\"elongated\":true");
  *p++ = '}';
  return p;
}

}  // namespace

void AppendTokenizationJson(const Tokenization& t, std::string_view text, std::string* out, bool norm,
                            bool sentences) {
  static const KindNames kinds;
  // Tokens are written into `buf` and appended a bufferful at a time.
  char buf[4096];
  char* p = buf;
  auto flush = [&] {
    out->append(buf, static_cast<size_t>(p - buf));
    p = buf;
  };
  auto make_room = [&](size_t room) {
    if (room > static_cast<size_t>(std::end(buf) - p)) flush();
  };
  p = Put(p, "{\"tokens\":[");
  std::string large;  // a token too long for `buf` (a long URL)
  for (size_t k = 0; k < t.tokens.size(); ++k) {
    const Token& tok = t.tokens[k];
    const size_t room = TokenRoom(tok, norm);
    make_room(room);
    if (room <= sizeof buf) {
      p = WriteToken(tok, text, norm, k == 0, kinds, p);
    } else {
      large.resize(room);
      out->append(large.data(), static_cast<size_t>(WriteToken(tok, text, norm, k == 0, kinds, large.data()) -
                                                    large.data()));
    }
  }
  make_room(kTokenFixedRoom);  // the rest but the sentences: 17 bytes
  *p++ = ']';
  if (sentences) {
    p = Put(p, ",\"sentences\":[");
    for (size_t k = 0; k < t.sentences.size(); ++k) {
      const Sentence& s = t.sentences[k];
      make_room(kTokenFixedRoom);  // and the closing "]}"
      if (k) *p++ = ',';
      p = PutNumber(Put(p, "{\"begin\":"), s.begin);
      p = PutNumber(Put(p, ",\"end\":"), s.end);
      p = PutNumber(Put(p, ",\"first_token\":"), s.first_token);
      p = PutNumber(Put(p, ",\"end_token\":"), s.end_token);
      *p++ = '}';
    }
    *p++ = ']';
  }
  *p++ = '}';
  flush();
}

}  // namespace voc
