// Text normalisation: UTF-8 repair, HTML entities, controls, NFC/NFKC and
// whitespace. See voc/normalizer.h for the contract.
#include "voc/normalizer.h"

#include <unicode/bytestream.h>
#include <unicode/normalizer2.h>
#include <unicode/utypes.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <algorithm>
#include <cstring>
#include <string>
#include <utility>

#include "util/utf8_util.h"

namespace voc {
namespace {

using internal::AppendUtf8;
using internal::DecodeUtf8;
using internal::kReplacementChar;

struct NamedEntity {
  const char* name;
  char32_t cp;
};

// Common named character references.
constexpr NamedEntity kNamedEntities[] = {
    {"AMP", '&'},       {"Aacute", 0xC1},   {"Agrave", 0xC0},  {"Auml", 0xC4},   {"Ccedil", 0xC7},
    {"Eacute", 0xC9},   {"GT", '>'},        {"LT", '<'},       {"Ntilde", 0xD1}, {"Ouml", 0xD6},
    {"QUOT", '"'},      {"Uuml", 0xDC},     {"aacute", 0xE1},  {"acirc", 0xE2},  {"agrave", 0xE0},
    {"amp", '&'},       {"apos", '\''},     {"auml", 0xE4},    {"bull", 0x2022}, {"ccedil", 0xE7},
    {"cent", 0xA2},     {"copy", 0xA9},     {"deg", 0xB0},     {"divide", 0xF7}, {"eacute", 0xE9},
    {"ecirc", 0xEA},    {"egrave", 0xE8},   {"ensp", 0x2002},  {"emsp", 0x2003}, {"euml", 0xEB},
    {"euro", 0x20AC},   {"frac12", 0xBD},   {"frac14", 0xBC},  {"gt", '>'},      {"hearts", 0x2665},
    {"hellip", 0x2026}, {"iacute", 0xED},   {"iexcl", 0xA1},   {"iquest", 0xBF}, {"laquo", 0xAB},
    {"ldquo", 0x201C},  {"lsaquo", 0x2039}, {"lsquo", 0x2018}, {"lt", '<'},      {"mdash", 0x2014},
    {"middot", 0xB7},   {"nbsp", 0xA0},     {"ndash", 0x2013}, {"ntilde", 0xF1}, {"oacute", 0xF3},
    {"ocirc", 0xF4},    {"ouml", 0xF6},     {"para", 0xB6},    {"plusmn", 0xB1}, {"pound", 0xA3},
    {"quot", '"'},      {"raquo", 0xBB},    {"rdquo", 0x201D}, {"reg", 0xAE},    {"rsaquo", 0x203A},
    {"rsquo", 0x2019},  {"sbquo", 0x201A},  {"sect", 0xA7},    {"shy", 0xAD},    {"szlig", 0xDF},
    {"thinsp", 0x2009}, {"times", 0xD7},    {"trade", 0x2122}, {"uacute", 0xFA}, {"uuml", 0xFC},
    {"yen", 0xA5},
};

// HTML maps numeric references 0x80..0x9F to their Windows-1252 characters.
constexpr char16_t kWin1252[32] = {0x20AC, 0x81,   0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
                                   0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8D,   0x017D, 0x8F,
                                   0x90,   0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
                                   0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D,   0x017E, 0x0178};

bool LookupEntity(std::string_view name, char32_t* cp) {
  // Linear scan: the table is small and only reached after '&'.
  for (const NamedEntity* e = std::begin(kNamedEntities); e != std::end(kNamedEntities); ++e) {
    if (name.size() == std::strlen(e->name) && name == e->name) {
      *cp = e->cp;
      return true;
    }
  }
  return false;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Parses a character reference at `s[pos]` (which is '&'). On success sets
// `*cp` and `*len` (bytes consumed, including '&' and ';').
bool ParseEntity(std::string_view s, size_t pos, char32_t* cp, size_t* len) {
  size_t i = pos + 1;
  const size_t n = s.size();
  if (i >= n) return false;
  if (s[i] == '#') {
    ++i;
    uint32_t value = 0;
    size_t digits = 0;
    const bool hex = i < n && (s[i] == 'x' || s[i] == 'X');
    if (hex) ++i;
    while (i < n && digits < 8) {
      const int d = hex ? HexValue(s[i]) : (s[i] >= '0' && s[i] <= '9' ? s[i] - '0' : -1);
      if (d < 0) break;
      value = value * (hex ? 16 : 10) + static_cast<uint32_t>(d);
      ++digits;
      ++i;
    }
    if (digits == 0 || i >= n || s[i] != ';') return false;
    if (value >= 0x80 && value <= 0x9F) value = kWin1252[value - 0x80];
    if (value == 0 || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) value = kReplacementChar;
    *cp = value;
    *len = i + 1 - pos;
    return true;
  }
  const size_t start = i;
  while (i < n && i - start < 8 &&
         ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9')))
    ++i;
  if (i == start || i >= n || s[i] != ';') return false;
  if (!LookupEntity(s.substr(start, i - start), cp)) return false;
  *len = i + 1 - pos;
  return true;
}

// 0 = not whitespace, 1 = space, 2 = line break.
int WhitespaceClass(char32_t c) {
  switch (c) {
    case ' ':
    case '\t':
    case 0xA0:
    case 0x1680:
    case 0x180E:
    case 0x202F:
    case 0x205F:
    case 0x3000:
      return 1;
    case '\n':
    case '\v':
    case '\f':
    case '\r':
    case 0x85:
    case 0x2028:
    case 0x2029:
      return 2;
    default:
      return (c >= 0x2000 && c <= 0x200A) ? 1 : 0;
  }
}

bool IsRemovedControl(char32_t c) {
  return (c < 0x20 && WhitespaceClass(c) == 0) || (c >= 0x7F && c <= 0x9F && c != 0x85) || c == 0xFEFF ||
         c == 0x200B;
}

// Collapses whitespace while appending code points to `out`.
class Writer {
 public:
  Writer(std::string* out, bool collapse, bool keep_line_breaks)
      : out_(out), collapse_(collapse), keep_line_breaks_(keep_line_breaks) {}

  void Put(char32_t c) {
    if (collapse_) {
      const int ws = WhitespaceClass(c);
      if (ws != 0) {
        pending_ = std::max(pending_, ws);
        return;
      }
      Flush();
    }
    if (c >= 0x80) non_ascii_ = true;
    AppendUtf8(c, out_);
  }
  // Appends a run of ASCII bytes that holds no whitespace or controls.
  void PutAsciiRun(const char* p, size_t n) {
    if (collapse_) Flush();
    out_->append(p, n);
  }
  bool non_ascii() const { return non_ascii_; }

 private:
  void Flush() {
    if (pending_ != 0 && !out_->empty()) out_->push_back(pending_ == 2 && keep_line_breaks_ ? '\n' : ' ');
    pending_ = 0;
  }

  std::string* out_;
  bool collapse_, keep_line_breaks_;
  int pending_ = 0;
  bool non_ascii_ = false;
};

}  // namespace

struct Normalizer::Impl {
  NormalizerOptions options;
  const icu::Normalizer2* icu = nullptr;  // owned by ICU, immutable

  bool FastPathApplies(std::string_view s) const;
  void Clean(std::string_view s, Normalized* out, bool* non_ascii) const;
};

// Returns true when `s` is printable ASCII that no step would change. Tests
// eight bytes at a time (SWAR), so clean input costs little more than a copy.
bool Normalizer::Impl::FastPathApplies(std::string_view s) const {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const size_t n = s.size();
  const bool collapse = options.collapse_whitespace;
  if (collapse && n > 0 && (p[0] == ' ' || p[n - 1] == ' ')) return false;
  const bool entities = options.decode_html_entities;
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  constexpr uint64_t kHigh = 0x8080808080808080ULL;
  constexpr uint64_t kLow7 = 0x7F7F7F7F7F7F7F7FULL;
  // High bit set in exactly the bytes of `v` that are zero.
  auto zero_bytes = [](uint64_t v) { return ~(((v & kLow7) + kLow7) | v | kLow7); };
  uint64_t prev_space = 0;  // the byte before `p[i]` is a space
  size_t i = 0;
#if defined(__SSE2__)
  // Sixteen bytes at a time: a signed compare with 0x20 catches both the C0
  // controls and every byte >= 0x80.
  const __m128i kSpace = _mm_set1_epi8(' ');
  const __m128i kDel = _mm_set1_epi8(0x7F);
  const __m128i kAmp = _mm_set1_epi8(entities ? '&' : 0x7F);
  for (; i + 16 <= n; i += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
    const __m128i bad = _mm_or_si128(_mm_cmplt_epi8(v, kSpace),
                                     _mm_or_si128(_mm_cmpeq_epi8(v, kDel), _mm_cmpeq_epi8(v, kAmp)));
    if (_mm_movemask_epi8(bad) != 0) return false;
    if (collapse) {
      const auto sp = static_cast<uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, kSpace)));
      if ((sp & (sp >> 1)) != 0 || (prev_space && (sp & 1))) return false;
      prev_space = (sp >> 15) & 1;
    }
  }
#endif
  for (; i + 8 <= n; i += 8) {
    uint64_t v;
    std::memcpy(&v, p + i, 8);
    // Any byte >= 0x80, < 0x20 or == 0x7F?
    if (v & kHigh) return false;
    if ((v - 0x20 * kOnes) & ~v & kHigh) return false;
    if (zero_bytes(v ^ (0x7F * kOnes))) return false;
    if (entities && zero_bytes(v ^ ('&' * kOnes))) return false;
    if (collapse) {
      const uint64_t sp = zero_bytes(v ^ (' ' * kOnes));
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
      const uint64_t first = 0x8000000000000000ULL, last = 0x80;
      const uint64_t next_also = sp & (sp >> 8);
#else
      const uint64_t first = 0x80, last = 0x8000000000000000ULL;
      const uint64_t next_also = sp & (sp << 8);
#endif
      if (next_also != 0 || (prev_space && (sp & first))) return false;
      prev_space = sp & last;
    }
  }
  for (; i < n; ++i) {
    const unsigned char c = p[i];
    if (c < 0x20 || c >= 0x7F) return false;
    if (entities && c == '&') return false;
    const bool is_sp = c == ' ';
    if (collapse && is_sp && prev_space) return false;
    prev_space = is_sp;
  }
  return true;
}

void Normalizer::Impl::Clean(std::string_view s, Normalized* out, bool* non_ascii) const {
  Writer w(&out->text, options.collapse_whitespace, options.keep_line_breaks);
  const bool decode = options.decode_html_entities;
  const bool collapse = options.collapse_whitespace;
  const size_t n = s.size();
  size_t i = 0;
  while (i < n) {
    // Copy runs of printable ASCII (with single spaces between words) in
    // one go.
    size_t j = i;
    while (j < n) {
      const auto c = static_cast<unsigned char>(s[j]);
      if (c > 0x20 && c < 0x7F && (c != '&' || !decode)) {
        ++j;
      } else if (c == ' ' && (j > i || !collapse) && j + 1 < n &&
                 static_cast<unsigned char>(s[j + 1]) > 0x20 && static_cast<unsigned char>(s[j + 1]) < 0x7F &&
                 (s[j + 1] != '&' || !decode)) {
        j += 2;
      } else if (c == ' ' && !collapse) {
        ++j;
      } else {
        break;
      }
    }
    if (j > i) {
      w.PutAsciiRun(s.data() + i, j - i);
      i = j;
      if (i >= n) break;
    }
    char32_t cp;
    const auto b = static_cast<unsigned char>(s[i]);
    if (b == '&' && options.decode_html_entities) {
      size_t len = 0;
      if (ParseEntity(s, i, &cp, &len)) {
        ++out->entities_decoded;
        i += len;
      } else {
        cp = '&';
        ++i;
      }
    } else {
      bool invalid = false;
      cp = DecodeUtf8(s, &i, &invalid);
      if (invalid) ++out->invalid_utf8;
    }
    if (cp == 0 || (options.remove_controls && IsRemovedControl(cp))) {
      ++out->controls_removed;
      continue;
    }
    w.Put(cp);
  }
  *non_ascii = w.non_ascii();
}

Normalizer::Normalizer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Normalizer::~Normalizer() = default;

const NormalizerOptions& Normalizer::options() const { return impl_->options; }

Result<std::unique_ptr<Normalizer>> Normalizer::Create(const NormalizerOptions& options) {
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  UErrorCode status = U_ZERO_ERROR;
  impl->icu = options.form == NormalizerOptions::Form::kNFKC ? icu::Normalizer2::getNFKCInstance(status)
                                                             : icu::Normalizer2::getNFCInstance(status);
  if (U_FAILURE(status) || impl->icu == nullptr)
    return InternalError(std::string("cannot load ICU normalization data: ") + u_errorName(status));
  return std::unique_ptr<Normalizer>(new Normalizer(std::move(impl)));
}

Normalized Normalizer::Normalize(std::string_view bytes) const {
  Normalized out;
  const Impl& im = *impl_;
  if (im.FastPathApplies(bytes)) {
    out.text.assign(bytes.data(), bytes.size());
    return out;
  }
  out.text.reserve(bytes.size());
  bool non_ascii = false;
  im.Clean(bytes, &out, &non_ascii);
  if (!non_ascii) return out;  // ASCII is in every normal form already

  UErrorCode status = U_ZERO_ERROR;
  if (im.icu->isNormalizedUTF8(out.text, status) && U_SUCCESS(status)) return out;
  std::string normalized;
  normalized.reserve(out.text.size() + 16);
  icu::StringByteSink<std::string> sink(&normalized);
  status = U_ZERO_ERROR;
  im.icu->normalizeUTF8(0, out.text, sink, nullptr, status);
  if (U_FAILURE(status)) return out;  // keep the cleaned, valid text
  if (im.options.form == NormalizerOptions::Form::kNFKC && im.options.collapse_whitespace) {
    // Compatibility mappings may produce spaces (U+00A8 -> " \u0308"):
    // collapse again. The text is valid UTF-8 and holds no entities now.
    out.text.clear();
    Writer w(&out.text, true, im.options.keep_line_breaks);
    size_t i = 0;
    bool invalid = false;
    while (i < normalized.size()) w.Put(DecodeUtf8(normalized, &i, &invalid));
  } else {
    out.text = std::move(normalized);
  }
  return out;
}

}  // namespace voc
