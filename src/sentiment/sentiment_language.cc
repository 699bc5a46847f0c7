// Lexicon-and-rules sentiment for languages other than English (see
// sentiment_language.h and docs/LANGUAGES.md). The rules follow VADER's,
// with each language's own negators, boosters, dampeners and contrast
// words: a negator among the three words before a term (or, in German and
// Dutch, among the two after it in the same clause: "gefällt mir nicht")
// flips and damps it; boosters and dampeners before it scale it; terms
// after a contrast word weigh 1.5, before it 0.5; ALL-CAPS words and '!'
// add emphasis.
#include "sentiment/sentiment_language.h"

#include <unicode/uchar.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <sstream>
#include <vector>

#include "sentiment/sentiment_scan.h"
#include "util/utf8_util.h"
#include "util/data_lines.h"
#include "util/flat_string_map.h"

namespace voc {
namespace internal {
namespace {

namespace si = sentiment_internal;

constexpr double kBoost = 0.293;            // VADER's booster increment
constexpr double kNegation = -0.74;         // VADER's negation scalar
constexpr double kCapsBoost = 0.733;        // VADER's ALL-CAPS increment
constexpr double kBangBoost = 0.292;        // per '!', at most four
constexpr double kNeutralThreshold = 0.15;  // as the English scorer's default, unless @neutral
constexpr size_t kMinStem = 3;              // bytes an inflection rule leaves at least

double Logistic(double x) { return 1.0 / (1.0 + std::exp(-x)); }

double Normalize(double s) { return s / std::sqrt(s * s + 15.0); }

// Lower-cases UTF-8 `w` code point by code point (ICU's simple mapping).
std::string Lower(std::string_view w) {
  std::string out;
  out.reserve(w.size());
  for (size_t p = 0; p < w.size();) {
    const auto b = static_cast<unsigned char>(w[p]);
    if (b < 0x80) {
      out.push_back(static_cast<char>(b >= 'A' && b <= 'Z' ? b + 32 : b));
      ++p;
      continue;
    }
    bool invalid = false;
    char32_t c = DecodeUtf8(w, &p, &invalid);
    AppendUtf8(static_cast<char32_t>(u_tolower(static_cast<UChar32>(c))), &out);
  }
  return out;
}

// `w` (lower case) with the accents of Latin letters removed: "não" ->
// "nao", so that texts typed without accents still find their terms.
std::string Fold(std::string_view w) {
  // The letter of U+00E0..U+00FF without its accent; 0: kept as it is.
  static constexpr char kFold[32] = {'a', 'a', 'a', 'a', 'a', 'a', 0,   'c', 'e', 'e', 'e',
                                     'e', 'i', 'i', 'i', 'i', 0,   'n', 'o', 'o', 'o', 'o',
                                     'o', 0,   0,   'u', 'u', 'u', 'u', 'y', 0,   'y'};
  std::string out;
  out.reserve(w.size());
  for (size_t p = 0; p < w.size();) {
    const auto b = static_cast<unsigned char>(w[p]);
    if (b < 0x80) {
      out.push_back(static_cast<char>(b));
      ++p;
      continue;
    }
    bool invalid = false;
    const size_t start = p;
    char32_t c = DecodeUtf8(w, &p, &invalid);
    const char to = c >= 0xE0 && c <= 0xFF ? kFold[c - 0xE0] : 0;
    if (c == 0xDF) {
      out += "ss";
    } else if (to) {
      out.push_back(to);
    } else {
      out.append(w.substr(start, p - start));
    }
  }
  return out;
}

// Laughter typed in any language: "haha", "hehehe", "jajaja" (Spanish),
// "kkkk" (Portuguese), "hihi", "ahah", "xd", "mdr" / "ptdr" (French):
// two or more of one two-letter syllable, or four or more k's.
constexpr double kLaughter = 1.5;  // the valence of VADER's "haha"
bool IsLaughter(std::string_view w) {
  if (w == "xd" || w == "mdr" || w == "ptdr" || w == "lol") return true;
  if (w.size() >= 4 && w.find_first_not_of('k') == std::string_view::npos) return true;
  if (w.size() < 4) return false;
  static constexpr std::string_view kSyllables[] = {"ha", "ah", "he", "eh", "hi", "ja", "je", "ji", "ju"};
  for (std::string_view syl : kSyllables) {
    size_t i = 0;
    while (i + 2 <= w.size() && w.compare(i, 2, syl) == 0) i += 2;
    if (i >= 4 && (i == w.size() || (i + 1 == w.size() && w[i] == syl[0]))) return true;
  }
  return false;
}

const si::Scanner& SharedScanner() {
  static const si::Scanner scanner;
  return scanner;
}

// A short decimal, [-]digits[.digits] with at most 15 digits, as
// std::from_chars reads it: the digits as an integer (exact below 2^53)
// divided by a power of ten (exact up to 10^22) is the correctly rounded
// value. False, leaving *v alone, for any other text.
bool ParseShortDecimal(std::string_view s, double* v) {
  static constexpr double kPow10[] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                      1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
  size_t i = s[0] == '-' ? 1 : 0;
  uint64_t digits = 0;
  int count = 0, fraction = -1;  // fraction: digits after '.', -1 before one
  for (; i < s.size(); ++i) {
    const char c = s[i];
    if (c >= '0' && c <= '9') {
      if (++count > 15) return false;
      digits = digits * 10 + static_cast<uint64_t>(c - '0');
      if (fraction >= 0) ++fraction;
    } else if (c == '.' && fraction < 0 && count > 0) {
      fraction = 0;
    } else {
      return false;
    }
  }
  if (count == 0 || fraction == 0) return false;  // "-", "5.": left to from_chars
  const double x = static_cast<double>(digits) / kPow10[fraction < 0 ? 0 : fraction];
  *v = s[0] == '-' ? -x : x;
  return true;
}

// The number of '\n' in `s`.
size_t CountLines(std::string_view s) {
  size_t n = 0;
  for (size_t i = s.find('\n'); i != std::string_view::npos; i = s.find('\n', i + 1)) ++n;
  return n;
}

}  // namespace

bool ParseLexiconNumber(std::string_view s, double* v) {
  if (s.empty()) return false;
  if (ParseShortDecimal(s, v)) return true;
  const auto r = std::from_chars(s.data(), s.data() + s.size(), *v);
  if (r.ec == std::errc() && r.ptr == s.data() + s.size()) return true;
  const std::string copy(s);
  char* end = nullptr;
  *v = std::strtod(copy.c_str(), &end);
  return end != copy.c_str() && *end == '\0';
}

namespace {

// kIgnore: function words (@ignore), never opinion terms whatever a source
// or an inflection rule says ("plus" is not "plu" + "s").
enum WordRole : uint8_t { kNone = 0, kNegator = 1, kBooster = 2, kDampener = 4, kContrast = 8, kIgnore = 16 };

struct Word {
  uint32_t begin, end;
  std::string lower;
  bool all_caps;
  bool proper;  // capitalised inside a sentence: a name ("France"), not inflected
  uint32_t sentence;
  bool clause_break_after = false;  // punctuation follows before the next word
};

}  // namespace

struct LanguageSentiment::Impl {
  std::string language;
  std::string source, source_negated;
  FlatStringMap<float> terms;
  FlatStringMap<float> folded;  // by Fold(term), when not a term itself
  FlatStringMap<uint8_t> roles;
  bool negation_after = false;  // German, Dutch: "gefällt mir nicht"
  bool inflect_names = false;   // German: nouns are capitalised, names are not told apart
  double neutral = kNeutralThreshold;
  double negation_alone = 0.0;  // @negation_alone: a negator with no term in reach
  // Inflection rules (@suffix from>to), in order: a word that is not a
  // term ends in `from`; `to` in its place gives the term ("lekkere" ->
  // "lekker", "buenas" -> "bueno").
  std::vector<std::pair<std::string, std::string>> suffixes;
  // The scanner's tables are built from compiled-in data: one for every
  // language.
  const si::Scanner& scanner = SharedScanner();

  bool Lookup(const std::string& w, float* v) const {
    auto it = terms.find(w);
    if (it != terms.end()) {
      *v = it->second;
      return true;
    }
    auto f = folded.find(Fold(w));
    if (f != folded.end()) {
      *v = f->second;
      return true;
    }
    return false;
  }
  // Lookup; then laughter; then stretched words ("buenooo") with their
  // runs cut to one letter and to two; then the inflection rules.
  bool LookupWord(const std::string& w, bool inflect, float* v) const {
    if (inflect ? LookupInflected(w, v) : Lookup(w, v)) return true;
    if (IsLaughter(w)) {
      *v = static_cast<float>(kLaughter);
      return true;
    }
    for (size_t keep : {size_t{1}, size_t{2}}) {
      const std::string u = si::Unstretch(w, keep);
      if (u == w) break;
      if (Role(u) == kNone && (inflect ? LookupInflected(u, v) : Lookup(u, v))) return true;
    }
    return false;
  }
  // Lookup, then the inflection rules on `w` and on its folded form.
  bool LookupInflected(const std::string& w, float* v) const {
    if (Lookup(w, v)) return true;
    if (suffixes.empty()) return false;
    for (int pass = 0; pass < 2; ++pass) {
      const std::string word = pass == 0 ? w : Fold(w);
      if (pass == 1 && word == w) break;
      for (const auto& [from, to] : suffixes) {
        if (word.size() < from.size() + kMinStem ||
            word.compare(word.size() - from.size(), from.size(), from) != 0)
          continue;
        std::string stem = word.substr(0, word.size() - from.size()) + to;
        if (Role(stem) != kNone) continue;
        auto it = terms.find(stem);
        if (it != terms.end()) {
          *v = it->second;
          return true;
        }
        auto f = folded.find(stem);
        if (f != folded.end()) {
          *v = f->second;
          return true;
        }
      }
    }
    return false;
  }
  uint8_t Role(const std::string& w) const {
    auto it = roles.find(w);
    if (it != roles.end()) return it->second;
    auto f = roles.find(Fold(w));
    return f != roles.end() ? f->second : static_cast<uint8_t>(kNone);
  }
};

LanguageSentiment::LanguageSentiment() : impl_(std::make_unique<Impl>()) {}
LanguageSentiment::~LanguageSentiment() = default;

const std::string& LanguageSentiment::language() const { return impl_->language; }
size_t LanguageSentiment::terms() const { return impl_->terms.size(); }

Result<std::unique_ptr<LanguageSentiment>> LanguageSentiment::Load(const std::string& path,
                                                                   std::string language) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFoundError("sentiment lexicon not found: " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  auto r = Parse(ss.str(), std::move(language));
  if (!r.ok()) return Status(r.status().code(), path + ": " + r.status().message());
  return r;
}

Result<std::unique_ptr<LanguageSentiment>> LanguageSentiment::Parse(std::string_view contents,
                                                                    std::string language) {
  std::unique_ptr<LanguageSentiment> ls(new LanguageSentiment());
  Impl& im = *ls->impl_;
  im.language = language;
  im.source = "lexicon:" + language;
  im.source_negated = im.source + ":negated";
  im.negation_after = language == "de" || language == "nl";
  im.inflect_names = language == "de";
  im.terms.reserve(CountLines(contents) + 1);
  std::vector<std::string> accented_terms, accented_roles;  // first seen, in order
  internal::DataLines lines(contents);
  std::string_view line;
  while (lines.Next(&line)) {
    const size_t line_no = lines.line_no();
    auto bad = [&](const std::string& why) {
      return InvalidArgumentError("line " + std::to_string(line_no) + ": " + why);
    };
    if (line[0] == '@') {
      const size_t sp = line.find(' ');
      const std::string_view kind = line.substr(1, sp == std::string_view::npos ? line.size() - 1 : sp - 1);
      const std::string rest(sp == std::string_view::npos ? "" : line.substr(sp + 1));
      if (kind == "neutral") {
        double t = 0.0;
        if (!ParseLexiconNumber(rest, &t) || !(t >= 0.0 && t < 1.0))
          return bad("@neutral takes one number in [0, 1)");
        im.neutral = t;
        continue;
      }
      if (kind == "negation_alone") {
        double t = 0.0;
        if (!ParseLexiconNumber(rest, &t) || !(t >= -4.0 && t <= 0.0))
          return bad("@negation_alone takes one number in [-4, 0]");
        im.negation_alone = t;
        continue;
      }
      if (kind == "suffix") {
        std::istringstream rules(rest);
        std::string r;
        while (rules >> r) {
          const size_t gt = r.find('>');
          if (gt == std::string::npos || gt == 0 || r.find('>', gt + 1) != std::string::npos)
            return bad("@suffix rules are from>to with a non-empty from, e.g. 'en>' or 'as>o'");
          im.suffixes.emplace_back(Lower(r.substr(0, gt)), Lower(r.substr(gt + 1)));
        }
        continue;
      }
      uint8_t role = kind == "negation"   ? kNegator
                     : kind == "booster"  ? kBooster
                     : kind == "dampener" ? kDampener
                     : kind == "contrast" ? kContrast
                     : kind == "ignore"   ? kIgnore
                                          : kNone;
      if (role == kNone) return bad("unknown rule list '@" + std::string(kind) + "'");
      std::istringstream words(rest);
      std::string w;
      while (words >> w) {
        const std::string lower = Lower(w);
        auto [slot, added] = im.roles.emplace(lower, 0);
        slot->second |= role;
        if (added && !IsAsciiBytes(lower)) accented_roles.push_back(lower);
      }
      continue;
    }
    const size_t tab = line.find('\t');
    if (tab == std::string_view::npos || tab == 0) return bad("expected term<TAB>valence");
    double v = 0.0;
    if (!ParseLexiconNumber(line.substr(tab + 1), &v) || !std::isfinite(v) || v < -4.0 || v > 4.0)
      return bad("valence must be a number in [-4, 4]");
    const std::string_view term = line.substr(0, tab);
    const bool plain = IsAsciiBytes(term) && std::none_of(term.begin(), term.end(), [](char c) {
                         return c >= 'A' && c <= 'Z';
                       });  // already its own lower case
    std::string lower;
    if (!plain) lower = Lower(term);
    auto [slot, added] = im.terms.emplace(plain ? term : std::string_view(lower), 0.0f);
    slot->second = static_cast<float>(v);  // a repeated term: the last valence
    if (added && !plain && !IsAsciiBytes(lower)) accented_terms.push_back(std::move(lower));
  }
  // Unaccented forms of accented terms and rule words (Fold(t) == t for
  // ASCII), in the file's order: the first term of a form gives its value.
  for (const std::string& t : accented_terms) {
    std::string f = Fold(t);
    if (f != t && im.terms.find(f) == im.terms.end()) im.folded.emplace(f, im.terms.find(t)->second);
  }
  std::vector<std::pair<std::string, uint8_t>> folded_roles;
  for (const std::string& w : accented_roles) {
    std::string f = Fold(w);
    if (f != w && im.roles.find(f) == im.roles.end())
      folded_roles.emplace_back(std::move(f), im.roles.find(w)->second);
  }
  for (auto& [f, r] : folded_roles) im.roles.emplace(f, r);
  return ls;
}

SentimentResult LanguageSentiment::Analyze(std::string_view text) const {
  const Impl& im = *impl_;
  SentimentResult out;
  thread_local std::vector<si::Token> tokens;
  thread_local std::vector<std::pair<uint32_t, uint32_t>> sentences;
  im.scanner.Scan(text, &tokens, &sentences);

  struct Hit {
    uint32_t begin, end;
    double weight;
    const char* source;
    uint32_t sentence;
  };
  std::vector<Hit> hits;
  // Words, split at apostrophes ("n'est", "l'hôtel", "un'ora"), in order;
  // emoji and emoticons as hits straight away.
  std::vector<Word> words;
  std::vector<int> bangs(sentences.size(), 0);
  for (const si::Token& t : tokens) {
    if (t.kind == si::TokenKind::kPunct) {
      if (!words.empty() && t.clause_break) words.back().clause_break_after = true;
      if (t.sentence < bangs.size()) bangs[t.sentence] += t.bangs;
      continue;
    }
    if (t.kind == si::TokenKind::kEmoji || t.kind == si::TokenKind::kEmoticon ||
        t.kind == si::TokenKind::kRating) {
      hits.push_back({t.begin, t.end, t.valence,
                      t.kind == si::TokenKind::kEmoji      ? "emoji"
                      : t.kind == si::TokenKind::kEmoticon ? "emoticon"
                                                           : "rating",
                      t.sentence});
      if (!words.empty()) words.back().clause_break_after = true;
      continue;
    }
    std::string_view w = text.substr(t.begin, t.end - t.begin);
    uint32_t start = t.begin;
    for (size_t i = 0; i <= w.size();) {
      size_t next = w.find('\'', i);
      size_t alen = 1;
      const size_t curly = w.find("\xE2\x80\x99", i);  // ’
      if (curly < next) next = curly, alen = 3;
      if (next == std::string_view::npos) next = w.size(), alen = 0;
      if (next > i) {
        const bool first = words.empty() || words.back().sentence != t.sentence;
        size_t q = i;
        bool invalid = false;
        const char32_t c0 = DecodeUtf8(w, &q, &invalid);
        const bool proper = !first && !t.all_caps && u_isupper(static_cast<UChar32>(c0));
        words.push_back({static_cast<uint32_t>(start + i), static_cast<uint32_t>(start + next),
                         Lower(w.substr(i, next - i)), t.all_caps, proper, t.sentence});
      }
      if (alen == 0) break;
      i = next + alen;
    }
  }

  // Contrast: the last contrast word of each sentence.
  std::vector<int> contrast_at(sentences.size(), -1);
  std::vector<uint8_t> role(words.size());
  for (size_t i = 0; i < words.size(); ++i) {
    role[i] = im.Role(words[i].lower);
    if ((role[i] & kContrast) && words[i].sentence < contrast_at.size())
      contrast_at[words[i].sentence] = static_cast<int>(i);
  }
  std::vector<bool> is_term(words.size(), false);
  for (size_t i = 0; i < words.size(); ++i) {
    const Word& w = words[i];
    float base;
    if (role[i] != kNone || !im.LookupWord(w.lower, !w.proper || im.inflect_names, &base)) continue;
    is_term[i] = true;
    double v = base;
    const double sign = v > 0 ? 1.0 : -1.0;
    bool negated = false;
    // Up to three words before, within the sentence and the clause.
    for (int k = 1; k <= 3 && static_cast<int>(i) - k >= 0; ++k) {
      const size_t j = i - k;
      if (words[j].sentence != w.sentence || words[j].clause_break_after) break;
      const double decay = k == 1 ? 1.0 : k == 2 ? 0.95 : 0.9;
      if (role[j] & kBooster) v += sign * kBoost * decay;
      if (role[j] & kDampener) v -= sign * kBoost * decay;
      if (role[j] & kNegator) negated = true;
    }
    if (im.negation_after && !negated) {
      for (size_t j = i + 1; j < words.size() && j <= i + 2; ++j) {
        if (words[j].sentence != w.sentence || words[j - 1].clause_break_after) break;
        if (role[j] & kNegator) negated = true;
      }
    }
    if (negated) v *= kNegation;
    if (w.all_caps) v += (v > 0 ? 1.0 : -1.0) * kCapsBoost;
    const int c = w.sentence < contrast_at.size() ? contrast_at[w.sentence] : -1;
    if (c >= 0) v *= static_cast<int>(i) > c ? 1.5 : 0.5;
    hits.push_back({w.begin, w.end, v, negated ? im.source_negated.c_str() : im.source.c_str(), w.sentence});
  }
  // A negator with no term in its reach ("kein Rückruf", "no llegó nunca",
  // "werkt niet"): one hit of @negation_alone per clause, when set.
  if (im.negation_alone != 0.0) {
    int last = -10;  // the last bare negator counted, to count "ne ... pas" once
    for (size_t j = 0; j < words.size(); ++j) {
      if (!(role[j] & kNegator)) continue;
      bool reaches = false, same_clause_as_last = last >= 0;
      for (size_t i = j + 1; i < words.size() && i <= j + 3; ++i) {
        if (words[i].sentence != words[j].sentence || words[i - 1].clause_break_after) break;
        reaches |= is_term[i];
      }
      for (int i = std::max(0, static_cast<int>(j) - 2); im.negation_after && i < static_cast<int>(j); ++i)
        if (words[i].sentence == words[j].sentence && !words[i].clause_break_after) reaches |= is_term[i];
      for (int i = last; same_clause_as_last && i < static_cast<int>(j); ++i)
        if (words[i].sentence != words[j].sentence || words[i].clause_break_after)
          same_clause_as_last = false;
      if (reaches || (same_clause_as_last && static_cast<int>(j) - last <= 3)) continue;
      last = static_cast<int>(j);
      hits.push_back({words[j].begin, words[j].end, im.negation_alone, "negation", words[j].sentence});
    }
  }

  // Sums per sentence and for the document.
  std::vector<double> sums(sentences.size(), 0.0), pos(sentences.size(), 0.0), neg(sentences.size(), 0.0);
  double total = 0.0;
  for (const Hit& h : hits) {
    if (h.sentence >= sums.size()) continue;
    sums[h.sentence] += h.weight;
    (h.weight > 0 ? pos : neg)[h.sentence] += std::fabs(h.weight);
  }
  const double neutral = im.neutral;
  auto finish = [neutral](double sum, double p, double n, int bang_count, Sentiment* s) {
    if (sum != 0.0) sum += (sum > 0 ? 1.0 : -1.0) * std::min(bang_count, 4) * kBangBoost;
    const double score = Normalize(sum);
    const double polar = p + n > 0 ? Logistic(12.0 * (std::fabs(score) - neutral)) : 0.0;
    const double q[3] = {score < 0 ? polar : 0.0, 1.0 - polar, score > 0 ? polar : 0.0};
    int best = 1;
    if (q[0] > q[best]) best = 0;
    if (q[2] > q[best]) best = 2;
    s->label = static_cast<Polarity>(best - 1);
    s->score = score;
    s->confidence = q[best];
    return score;
  };
  double all_pos = 0, all_neg = 0;
  int all_bangs = 0;
  for (size_t s = 0; s < sentences.size(); ++s) {
    total += sums[s];
    all_pos += pos[s];
    all_neg += neg[s];
    all_bangs += bangs[s];
  }
  out.lexicon_score = finish(total, all_pos, all_neg, all_bangs, &out.document);
  out.lexicon_positive = all_pos;
  out.lexicon_negative = all_neg;
  // Evidence: the strongest eight hits, in text order.
  auto evidence = [&](std::vector<const Hit*> hs, Sentiment* s) {
    const size_t keep = std::min<size_t>(hs.size(), 8);
    std::partial_sort(hs.begin(), hs.begin() + keep, hs.end(),
                      [](const Hit* a, const Hit* b) { return std::fabs(a->weight) > std::fabs(b->weight); });
    hs.resize(keep);
    std::sort(hs.begin(), hs.end(), [](const Hit* a, const Hit* b) { return a->begin < b->begin; });
    for (const Hit* h : hs)
      s->evidence.push_back({h->begin, h->end, h->source, std::round(h->weight * 1000.0) / 1000.0});
  };
  std::vector<const Hit*> all;
  for (const Hit& h : hits) all.push_back(&h);
  evidence(all, &out.document);
  for (size_t s = 0; s < sentences.size(); ++s) {
    std::vector<const Hit*> in;
    for (const Hit& h : hits)
      if (h.sentence == s) in.push_back(&h);
    if (in.empty()) continue;
    SentenceSentiment ss;
    ss.begin = sentences[s].first;
    ss.end = sentences[s].second;
    finish(sums[s], pos[s], neg[s], bangs[s], &ss.sentiment);
    evidence(in, &ss.sentiment);
    out.sentences.push_back(std::move(ss));
  }
  return out;
}

}  // namespace internal
}  // namespace voc
