// Lexicon-and-rules sentiment with an optional fastText model (see
// include/voc/sentiment.h and models/SENTIMENT.md).
#include "voc/sentiment.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <utility>

#include "util/json_writer.h"
#include "util/impl_access.h"
#include "sentiment/sentiment_internal.h"
#include "sentiment/sentiment_lexicon.h"
#include "sentiment/sentiment_model.h"
#include "sentiment/sentiment_scan.h"
#include "sentiment/short_key_map.h"
#include "text/segment.h"
#include "util/utf8_util.h"

namespace voc {

namespace si = sentiment_internal;

namespace {

// Word roles other than polarity.
enum Role : uint8_t {
  kNone = 0,
  kNegator = 1,
  kBooster = 2,          // "very": strengthens the next polar word
  kDampener = 4,         // "slightly": weakens it
  kContrast = 8,         // "but": the clause after it weighs more
  kCounterfactual = 16,  // "would have": flips like a negator, but is none
  kHave = 32,            // "have": counterfactual after "would", "could" ...
};

struct RoleEntry {
  const char* word;
  uint8_t role;
  float amount;  // for boosters and dampeners
};

// Negators, boosters, dampeners and contrast words (voc's own lists).
constexpr RoleEntry kRoles[] = {
    {"not", kNegator, 0},
    {"no", kNegator, 0},
    {"never", kNegator, 0},
    {"nor", kNegator, 0},
    {"neither", kNegator, 0},
    {"without", kNegator, 0},
    {"nothing", kNegator, 0},
    {"none", kNegator, 0},
    {"nobody", kNegator, 0},
    {"nowhere", kNegator, 0},
    {"cannot", kNegator, 0},
    {"cant", kNegator, 0},
    {"dont", kNegator, 0},
    {"doesnt", kNegator, 0},
    {"didnt", kNegator, 0},
    {"isnt", kNegator, 0},
    {"wasnt", kNegator, 0},
    {"arent", kNegator, 0},
    {"werent", kNegator, 0},
    {"wont", kNegator, 0},
    {"wouldnt", kNegator, 0},
    {"couldnt", kNegator, 0},
    {"shouldnt", kNegator, 0},
    {"havent", kNegator, 0},
    {"hasnt", kNegator, 0},
    {"hadnt", kNegator, 0},
    {"aint", kNegator, 0},
    {"rarely", kNegator, 0},
    {"seldom", kNegator, 0},
    {"least", kNegator, 0},  // "the least helpful"; "at least" is not a negation
    // Counterfactual modals: "should've been better", "would have liked more"
    // (the "modal + have" pair is marked below).
    {"wouldve", kCounterfactual, 0},
    {"couldve", kCounterfactual, 0},
    {"shouldve", kCounterfactual, 0},
    {"have", kHave, 0},
    {"hardly", kNegator | kDampener, 0.3f},
    {"barely", kDampener, 0.3f},
    {"very", kBooster, 0.3f},
    {"really", kBooster, 0.3f},
    {"so", kBooster, 0.25f},
    {"extremely", kBooster, 0.4f},
    {"totally", kBooster, 0.3f},
    {"absolutely", kBooster, 0.35f},
    {"completely", kBooster, 0.3f},
    {"incredibly", kBooster, 0.4f},
    {"super", kBooster, 0.3f},
    {"highly", kBooster, 0.3f},
    {"truly", kBooster, 0.3f},
    {"utterly", kBooster, 0.35f},
    {"most", kBooster, 0.3f},
    {"especially", kBooster, 0.25f},
    {"exceptionally", kBooster, 0.4f},
    {"deeply", kBooster, 0.3f},
    {"entirely", kBooster, 0.3f},
    {"fully", kBooster, 0.25f},
    {"hugely", kBooster, 0.3f},
    {"insanely", kBooster, 0.35f},
    {"seriously", kBooster, 0.3f},
    {"such", kBooster, 0.2f},
    {"too", kBooster, 0.15f},
    {"pretty", kBooster, 0.15f},
    {"quite", kBooster, 0.15f},
    {"remarkably", kBooster, 0.3f},
    {"amazingly", kBooster, 0.3f},
    {"ridiculously", kBooster, 0.35f},
    {"beyond", kBooster, 0.3f},
    {"slightly", kDampener, 0.3f},
    {"somewhat", kDampener, 0.3f},
    {"kinda", kDampener, 0.3f},
    {"sorta", kDampener, 0.3f},
    {"marginally", kDampener, 0.3f},
    {"partly", kDampener, 0.25f},
    {"fairly", kDampener, 0.2f},
    {"occasionally", kDampener, 0.2f},
    {"almost", kDampener, 0.2f},
    {"little", kDampener, 0.2f},
    {"bit", kDampener, 0.2f},
    {"mostly", kDampener, 0.1f},
    {"but", kContrast, 0},
    {"however", kContrast, 0},
    {"though", kContrast, 0},
    {"although", kContrast, 0},
    {"yet", kContrast, 0},
    {"except", kContrast, 0},
};

// Phrases that look like "negator + polar word" but are not negations.
constexpr const char* kNotNegations[] = {"not only", "no doubt", "never mind", "nothing but", "at least"};

// A polar word after "would / could / should / might have" did not happen:
// "could have been better", "would have been great", "should have known".
bool IsCounterfactualModal(std::string_view w) {
  return w == "would" || w == "could" || w == "should" || w == "might";
}

constexpr float kAllCapsBoost = 0.7f;
constexpr float kExclamationBoost = 0.3f;
constexpr float kQuestionFactor = 0.5f;
constexpr float kQuotedFactor = 0.5f;
constexpr int kNegationWindow = 3;  // words after a negator that it flips
constexpr int kBoosterWindow = 3;
constexpr int kMaxPhraseWords = 5;
// Score normalisation: score = (P - N) / (P + N + kEvidencePrior + kPerWord * words).
constexpr double kEvidencePrior = 1.5;
constexpr double kPerWord = 0.02;

struct Hit {
  uint32_t begin, end;
  float weight;
  uint8_t source;  // index into kSources
  uint32_t sentence;
};

// With their lengths: an evidence span's source is copied, not measured.
constexpr std::string_view kSources[] = {"lexicon", "lexicon:negated", "emoji", "emoticon", "rating"};

// The lookup key Impl::Score builds, a word or phrase at a time: written
// through a pointer into room made once per token, where a std::string's
// push_back checked its capacity and wrote a terminator for every byte.
class KeyBuffer {
 public:
  KeyBuffer() : buf_(64) {}
  void clear() { size_ = 0; }
  size_t size() const { return size_; }
  char back() const { return buf_[size_ - 1]; }
  char operator[](size_t i) const { return buf_[i]; }
  // Room for `extra` more bytes; returns where they go (Commit ends them).
  char* Extend(size_t extra) {
    if (size_ + extra > buf_.size()) buf_.resize(std::max(2 * buf_.size(), size_ + extra));
    return buf_.data() + size_;
  }
  void Commit(const char* end) { size_ = static_cast<size_t>(end - buf_.data()); }
  void push_back(char c) {
    *Extend(1) = c;
    ++size_;
  }
  void assign(std::string_view s) {
    size_ = 0;
    std::memcpy(Extend(s.size()), s.data(), s.size());
    size_ = s.size();
  }
  operator std::string_view() const { return std::string_view(buf_.data(), size_); }

 private:
  std::vector<char> buf_;
  size_t size_ = 0;
};

constexpr uint64_t kOnes = 0x0101010101010101ULL;
constexpr uint64_t kHighs = 0x8080808080808080ULL;

// The high bit of a byte of the result is set where `x` holds `b`, and
// perhaps in bytes above such a byte (a borrow), never in a byte below the
// lowest match: masking some low bytes tells exactly whether they hold it.
inline uint64_t HasByte(uint64_t x, unsigned char b) {
  const uint64_t y = x ^ (kOnes * b);
  return (y - kOnes) & ~y & kHighs;
}

// Working arrays of Impl::Score, reused by each thread.
struct ScoreScratch {
  // The per-token arrays (Tokens) and the per-sentence ones (Sentences),
  // each set carved from one block cleared by one memset.
  std::vector<uint64_t> token_block, sentence_block;
  std::vector<Hit> hits, doc_hits, sentence_hits;
  KeyBuffer key;

  // `n` bytes of `block`, zero; the block only grows. It is never empty, so
  // that even n = 0 (an empty text) has a valid pointer for memset.
  static char* Zeroed(std::vector<uint64_t>* block, size_t n) {
    if (block->size() * 8 < n || block->empty()) block->resize(n / 8 + 1);
    char* p = reinterpret_cast<char*>(block->data());
    std::memset(p, 0, n);
    return p;
  }
  struct Tokens {
    float *valence, *role_amount, *factor;
    uint32_t* span_end;
    uint8_t *role, *source, *covered;
  };
  // Arrays of `n` each, zero (role kNone); `factor` is not filled.
  Tokens TokenArrays(size_t n) {
    char* p = Zeroed(&token_block, n * (4 * sizeof(float) + 3));
    Tokens t;
    t.valence = reinterpret_cast<float*>(p);
    t.role_amount = t.valence + n;
    t.factor = t.role_amount + n;
    t.span_end = reinterpret_cast<uint32_t*>(t.factor + n);
    t.role = reinterpret_cast<uint8_t*>(t.span_end + n);
    t.source = t.role + n;
    t.covered = t.source + n;
    return t;
  }
  struct Sentences {
    double *pos, *neg;
    uint32_t *words, *bangs;
  };
  // Arrays of `n` each, zero.
  Sentences SentenceArrays(size_t n) {
    char* p = Zeroed(&sentence_block, n * (2 * sizeof(double) + 2 * sizeof(uint32_t)));
    Sentences s;
    s.pos = reinterpret_cast<double*>(p);
    s.neg = s.pos + n;
    s.words = reinterpret_cast<uint32_t*>(s.neg + n);
    s.bangs = s.words + n;
    return s;
  }
};
static_assert(kNone == 0, "TokenArrays' zero role is kNone");

double Logistic(double x) { return 1.0 / (1.0 + std::exp(-x)); }

// VADER's valence of "pretty" as an adjective.
constexpr float kPrettyValence = 2.2f;
// "well" after a booster, as voc's lexicon values "work well".
constexpr float kWellValence = 1.8f;

// "too" + a word of no polarity ("too big"): an excess. Not after "too":
// function words ("too and", "too as"), which end no excess.
constexpr float kExcessValence = -1.0f;
constexpr const char* kNotExcess[] = {"and", "as",  "with", "but",  "so",       "the",      "a",     "an",
                                      "to",  "for", "in",   "on",   "of",       "was",      "is",    "are",
                                      "i",   "it",  "this", "that", "actually", "although", "though"};

}  // namespace

// What the lexicon knows of a key: one map answers the three questions
// Score asks of each word (does a phrase start here, is it polar, does it
// modify), so a word costs one lookup instead of three.
struct LexEntry {
  float valence = 0.0f;  // when `term`
  float role_amount = 0.0f;
  uint8_t role = kNone;
  uint8_t phrase_words = 0;  // most words of a phrase starting with this key
  bool term = false;         // a word, phrase or emoticon with a valence
};

struct SentimentAnalyzer::Impl {
  SentimentOptions options;
  si::ShortKeyMap<LexEntry> lexicon;
  si::Scanner scanner;
  std::unique_ptr<si::SentimentModel> model;

  // With `lexicon_only` only the lexicon fields of `out` are filled.
  // `social`, if given, holds the social tokens of `text` (the scan found them).
  void Score(std::string_view text, const std::vector<si::Token>& toks,
             const std::vector<std::pair<uint32_t, uint32_t>>& sentences, SentimentResult* out,
             bool lexicon_only = false, const std::vector<internal::SocialSpan>* social = nullptr) const;
  // `pos` and `neg`: summed positive and negative strengths behind `lexicon_score`.
  // `words`: the words of `text`, for the model's lexicon tokens. `social`:
  // as for Score, of `text`.
  void Finish(std::string_view text, double lexicon_score, double pos, double neg, size_t words,
              std::vector<Hit>& hits, bool use_model, Sentiment* s, std::array<double, 3>* model_probs,
              const std::array<double, 3>* given = nullptr,
              const std::vector<internal::SocialSpan>* social = nullptr) const;
};

SentimentAnalyzer::SentimentAnalyzer() : impl_(new Impl) {}
SentimentAnalyzer::~SentimentAnalyzer() = default;
bool SentimentAnalyzer::has_model() const { return impl_->model != nullptr; }

Result<std::unique_ptr<SentimentAnalyzer>> SentimentAnalyzer::Create(const SentimentOptions& options) {
  if (!(options.model_weight >= 0.0 && options.model_weight <= 1.0))
    return InvalidArgumentError("model_weight must be in [0, 1]");
  if (!(options.neutral_threshold >= 0.0 && options.neutral_threshold < 1.0))
    return InvalidArgumentError("neutral_threshold must be in [0, 1)");
  if (!(options.model_temperature > 0.0 && options.model_temperature <= 100.0))
    return InvalidArgumentError("model_temperature must be in (0, 100]");
  if (options.max_evidence < 0) return InvalidArgumentError("max_evidence must be >= 0");
  std::unique_ptr<SentimentAnalyzer> a(new SentimentAnalyzer);
  Impl& im = *a->impl_;
  im.options = options;
  im.lexicon.reserve(si::kLexiconTermCount + std::size(kRoles));
  for (size_t i = 0; i < si::kLexiconTermCount; ++i) {
    std::string_view t = si::kLexiconTerms[i].term;
    LexEntry& e = im.lexicon[t];
    if (!e.term) {  // the first entry of a term wins
      e.term = true;
      e.valence = si::kLexiconTerms[i].valence;
    }
    size_t sp = t.find(' ');
    if (sp != std::string_view::npos) {
      uint8_t words = 1 + static_cast<uint8_t>(std::count(t.begin(), t.end(), ' '));
      uint8_t& m = im.lexicon[t.substr(0, sp)].phrase_words;
      m = std::max(m, words);
    }
  }
  for (const auto& r : kRoles) {
    LexEntry& e = im.lexicon[r.word];
    if (e.role == kNone) {
      e.role = r.role;
      e.role_amount = r.amount;
    }
  }
  for (const char* p : kNotNegations) {
    std::string_view t = p;
    uint8_t& m = im.lexicon[t.substr(0, t.find(' '))].phrase_words;
    m = std::max<uint8_t>(m, 2);
  }
  if (!options.model_path.empty()) {
    auto m = si::SentimentModel::Load(options.model_path);
    if (!m.ok()) return m.status();
    im.model = std::move(*m);
  }
  return a;
}

std::string SentimentAnalyzer::ModelInput(std::string_view text, std::string_view input) const {
  std::vector<si::Token> toks;
  std::vector<std::pair<uint32_t, uint32_t>> sentences;
  impl_->scanner.Scan(text, &toks, &sentences);
  SentimentResult r;
  impl_->Score(text, toks, sentences, &r, /*lexicon_only=*/true);
  std::string out;
  if (input == kSentimentLexiconInputV1)
    out.assign(text);
  else
    internal::BlankNonWords(text, &out);
  size_t words = 0;
  for (const si::Token& t : toks) words += t.kind == si::TokenKind::kWord;
  si::AppendLexiconTokens(r.lexicon_score, r.lexicon_positive, r.lexicon_negative, &out,
                          si::LexiconRepeats(input, words));
  return out;
}

Result<std::unique_ptr<TextClassifier>> TrainSentimentModel(const std::vector<LabeledText>& rows,
                                                            TrainOptions options) {
  for (size_t i = 0; i < rows.size(); ++i)
    for (const std::string& l : rows[i].labels)
      if (l != "negative" && l != "neutral" && l != "positive")
        return InvalidArgumentError("row " + std::to_string(i + 1) + " has label '" + l +
                                    "'; sentiment labels are negative, neutral and positive");
  if (options.multi_label) return InvalidArgumentError("a sentiment model is single-label");
  SentimentOptions lexicon_only;
  lexicon_only.sentences = false;
  auto lexicon = SentimentAnalyzer::Create(lexicon_only);
  if (!lexicon.ok()) return lexicon.status();
  auto stacked = [&](const std::vector<LabeledText>& in) {
    std::vector<LabeledText> out;
    out.reserve(in.size());
    for (const LabeledText& r : in) out.push_back({(*lexicon)->ModelInput(r.text), r.labels});
    return out;
  };
  options.task = "sentiment";
  options.input = kSentimentLexiconInput;
  if (options.backend == "auto") options.backend = "linear";
  options.char_ngrams = false;
  options.class_weight_power = kSentimentClassWeightPower;
  options.validation = stacked(options.validation);
  return TextClassifier::Train(stacked(rows), options);
}

namespace {

void SentimentEvidenceJson(internal::JsonWriter& w, const std::vector<EvidenceSpan>& evidence,
                           std::string_view text) {
  w.Key("evidence").BeginArray();
  for (const auto& e : evidence) {
    w.BeginObject().Key("begin").Uint(e.begin).Key("end").Uint(e.end).Key("source").String(e.source);
    if (e.end <= text.size() && e.begin <= e.end) w.Key("text").String(text.substr(e.begin, e.end - e.begin));
    w.Key("weight").Double(e.weight).EndObject();
  }
  w.EndArray();
}

}  // namespace

std::string SentimentToJson(const SentimentResult& r, std::string_view text, bool sentences,
                            bool components) {
  std::string out;
  out.reserve(256 + text.size());
  internal::JsonWriter w(&out);
  // Keys sorted, as the nlohmann::json rendering this replaced wrote them.
  w.BeginObject().Key("confidence").Double(r.document.confidence);
  SentimentEvidenceJson(w, r.document.evidence, text);
  w.Key("label").String(PolarityName(r.document.label));
  if (components) {
    w.Key("lexicon_score").Double(r.lexicon_score);
    if (r.has_model)
      w.Key("model")
          .BeginObject()
          .Key("negative")
          .Double(r.model_probabilities[0])
          .Key("neutral")
          .Double(r.model_probabilities[1])
          .Key("positive")
          .Double(r.model_probabilities[2])
          .EndObject();
  }
  w.Key("score").Double(r.document.score);
  if (sentences) {
    w.Key("sentences").BeginArray();
    for (const auto& s : r.sentences) {
      w.BeginObject().Key("begin").Uint(s.begin).Key("confidence").Double(s.sentiment.confidence);
      w.Key("end").Uint(s.end);
      SentimentEvidenceJson(w, s.sentiment.evidence, text);
      w.Key("label").String(PolarityName(s.sentiment.label)).Key("score").Double(s.sentiment.score);
      w.EndObject();
    }
    w.EndArray();
  }
  w.EndObject();
  return out;
}

SentimentResult internal::AnalyzeKeepingSocial(const SentimentAnalyzer& analyzer, std::string_view text,
                                               std::vector<SocialSpan>* social) {
  const auto& impl = ImplOf(analyzer);
  // Per thread: a text's tokens and sentences cost no allocation.
  thread_local std::vector<si::Token> toks;
  thread_local std::vector<std::pair<uint32_t, uint32_t>> sentences;
  impl.scanner.Scan(text, &toks, &sentences, social);
  SentimentResult out;
  impl.Score(text, toks, sentences, &out, /*lexicon_only=*/false, social);
  return out;
}

SentimentResult internal::ScoreScanned(const SentimentAnalyzer& analyzer, std::string_view text,
                                       const std::vector<si::Token>& tokens,
                                       const std::vector<std::pair<uint32_t, uint32_t>>& sentences,
                                       const std::vector<SocialSpan>& social) {
  SentimentResult out;
  ImplOf(analyzer).Score(text, tokens, sentences, &out, /*lexicon_only=*/false, &social);
  return out;
}

SentimentResult SentimentAnalyzer::Analyze(std::string_view text) const {
  thread_local std::vector<internal::SocialSpan> social;
  return internal::AnalyzeKeepingSocial(*this, text, &social);
}

SentimentResult SentimentAnalyzer::Analyze(std::string_view text, const Tokenization& tokenization) const {
  std::vector<si::Token> toks;
  std::vector<std::pair<uint32_t, uint32_t>> sentences;
  toks.reserve(tokenization.tokens.size());
  const auto& in = tokenization.tokens;
  // Sentence index of every input token.
  std::vector<uint32_t> sentence_of(in.size(), 0);
  for (size_t s = 0; s < tokenization.sentences.size(); ++s) {
    const Sentence& sen = tokenization.sentences[s];
    for (uint32_t i = sen.first_token; i < sen.end_token && i < in.size(); ++i)
      sentence_of[i] = static_cast<uint32_t>(s);
  }
  std::string stripped, prev;
  uint32_t last_sentence = UINT32_MAX;
  uint32_t rating_end = 0;  // tokens before it belong to a rating
  for (size_t i = 0; i < in.size(); ++i) {
    const voc::Token& t = in[i];
    if (t.begin >= t.end || t.end > text.size() || t.begin < rating_end) continue;
    si::Token o;
    o.begin = t.begin;
    o.end = t.end;
    std::string_view piece = text.substr(t.begin, t.end - t.begin);
    if (t.kind == TokenKind::kNumber) {
      // A rating ("9/10", "1 star") is scored as the scanner scores it.
      prev.clear();
      if (!toks.empty() && toks.back().kind == si::TokenKind::kWord)
        for (uint32_t k = toks.back().begin; k < toks.back().end; ++k)
          prev.push_back((text[k] >= 'A' && text[k] <= 'Z') ? static_cast<char>(text[k] + 32) : text[k]);
      size_t end = 0;
      float v = 0;
      if (si::RatingValence(text, t.begin, t.end, prev, &end, &v)) {
        o.kind = si::TokenKind::kRating;
        o.end = static_cast<uint32_t>(end);
        o.valence = v;
        rating_end = o.end;
      }
    }
    switch (t.kind) {
      case TokenKind::kHashtag:
        if (piece.size() < 2) continue;
        o.begin += 1;  // "#fail" scores as "fail"
        [[fallthrough]];
      case TokenKind::kWord:
      case TokenKind::kContraction:
      case TokenKind::kNumber: {
        if (o.kind == si::TokenKind::kRating) break;  // scored as it is
        o.kind = si::TokenKind::kWord;
        int letters = 0, lowers = 0;
        for (uint32_t p = o.begin; p < o.end; ++p) {
          char c = text[p];
          if (c >= 'a' && c <= 'z')
            ++letters, ++lowers;
          else if (c >= 'A' && c <= 'Z')
            ++letters;
        }
        o.all_caps = letters >= 2 && lowers == 0;
        break;
      }
      case TokenKind::kEmoji:
      case TokenKind::kEmoticon: {
        o.kind = t.kind == TokenKind::kEmoji ? si::TokenKind::kEmoji : si::TokenKind::kEmoticon;
        float v = 0;
        if (!impl_->scanner.LookupSymbol(piece, &v)) {
          // Without presentation selectors, joiners' tails and skin tones.
          stripped.clear();
          for (size_t p = 0; p < piece.size();) {
            if (piece.compare(p, 3, "\xEF\xB8\x8F") == 0) {
              p += 3;
              continue;
            }
            if (p + 3 < piece.size() && piece.compare(p, 3, "\xF0\x9F\x8F") == 0 &&
                static_cast<unsigned char>(piece[p + 3]) >= 0xBB &&
                static_cast<unsigned char>(piece[p + 3]) <= 0xBF) {
              p += 4;
              continue;
            }
            if (piece.compare(p, 3, "\xE2\x80\x8D") == 0) break;  // keep the first element
            stripped.push_back(piece[p++]);
          }
          if (!impl_->scanner.LookupSymbol(stripped, &v)) v = 0;
        }
        if (v == 0) continue;
        o.valence = v;
        break;
      }
      case TokenKind::kPunct: {
        o.kind = si::TokenKind::kPunct;
        char c = piece[0];
        uint8_t bangs = 0;
        for (char ch : piece)
          if (ch == '!' && bangs < 255) ++bangs;
        o.bangs = bangs;
        o.clause_break = c == ',' || c == ';' || c == ':' || c == '(' || c == ')' || c == '"' || c == '-' ||
                         c == '.' || c == '!' || c == '?' || static_cast<unsigned char>(c) >= 0x80;
        break;
      }
      default:
        continue;  // URLs, e-mails, mentions, masks, money, times, symbols
    }
    uint32_t s = sentence_of[i];
    if (sentences.empty() || s != last_sentence) {
      if (s < tokenization.sentences.size() && tokenization.sentences[s].end <= text.size())
        sentences.push_back({tokenization.sentences[s].begin, tokenization.sentences[s].end});
      else
        sentences.push_back({o.begin, o.end});
      last_sentence = s;
    } else if (s >= tokenization.sentences.size()) {
      sentences.back().second = o.end;
    }
    o.sentence = static_cast<uint32_t>(sentences.size() - 1);
    toks.push_back(o);
  }
  SentimentResult out;
  impl_->Score(text, toks, sentences, &out);
  return out;
}

void SentimentAnalyzer::Impl::Score(std::string_view text, const std::vector<si::Token>& toks,
                                    const std::vector<std::pair<uint32_t, uint32_t>>& sentences,
                                    SentimentResult* out, bool lexicon_only,
                                    const std::vector<internal::SocialSpan>* social) const {
  const size_t n = toks.size();
  // Per-token and per-sentence arrays live in per-thread scratch: a short
  // text would otherwise cost some fifteen allocations.
  thread_local ScoreScratch scratch;
  const ScoreScratch::Tokens arrays = scratch.TokenArrays(n);
  float* const valence = arrays.valence;
  uint8_t* const role = arrays.role;
  float* const role_amount = arrays.role_amount;
  uint8_t* const source = arrays.source;
  uint32_t* const span_end = arrays.span_end;  // end of a phrase starting here
  uint8_t* const covered = arrays.covered;     // inside a matched phrase
  KeyBuffer& key = scratch.key;
  key.clear();

  // Lower-cased lookup key of token i; apostrophes removed so that "don't",
  // "dont" and "don’t" meet.
  // `apostrophe`: whether the last key appended with apostrophes kept one.
  bool apostrophe = false;
  auto append_key = [&](const si::Token& t, bool keep_apostrophe) __attribute__((always_inline)) {
    // A key is never longer than its token; 8 bytes more for whole-word stores.
    char* o = key.Extend(t.end - t.begin + 8);
    const char* s = text.data();
    uint32_t p = t.begin;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    if (t.plain) {
      // No apostrophe to look for (the scanner saw none): each eight bytes
      // lower-cased as they are copied.
      while (p < t.end && size_t{p} + 8 <= text.size()) {
        uint64_t x;
        std::memcpy(&x, s + p, 8);
        x = internal::LowerAsciiBytes(x);
        std::memcpy(o, &x, 8);
        const uint32_t take = std::min<uint32_t>(8, t.end - p);
        o += take;
        p += take;
      }
    }
    // Eight bytes at a time (a whole word, mostly) while none of those in
    // the token is an apostrophe or may start a curly one (0xE2).
    while (p < t.end && size_t{p} + 8 <= text.size()) {
      uint64_t x;
      std::memcpy(&x, s + p, 8);
      const uint32_t take = std::min<uint32_t>(8, t.end - p);
      const uint64_t in_token = take == 8 ? ~uint64_t{0} : (uint64_t{1} << (8 * take)) - 1;
      if ((HasByte(x, 0xE2) | HasByte(x, '\'')) & in_token) break;
      x = internal::LowerAsciiBytes(x);
      std::memcpy(o, &x, 8);
      o += take;
      p += take;
    }
#endif
    for (; p < t.end; ++p) {
      const unsigned char c = static_cast<unsigned char>(s[p]);
      if (c == 0xE2 && p + 2 < t.end && s[p + 1] == '\x80' && (s[p + 2] == '\x99' || s[p + 2] == '\x98')) {
        if (keep_apostrophe) *o++ = '\'', apostrophe = true;
        p += 2;
        continue;
      }
      if (c == '\'') {
        if (!keep_apostrophe) continue;
        apostrophe = true;
      }
      *o++ = static_cast<char>(static_cast<unsigned char>(c - 'A') < 26 ? c + 32 : c);
    }
    key.Commit(o);
  };

  // The words and '!' of each sentence are counted in the same pass as the
  // text's words.
  const size_t ns = sentences.size();
  const ScoreScratch::Sentences per_sentence = scratch.SentenceArrays(ns);
  double* const pos = per_sentence.pos;
  double* const neg = per_sentence.neg;
  uint32_t* const sent_words = per_sentence.words;
  uint32_t* const bangs = per_sentence.bangs;
  size_t caps_words = 0, words = 0;
  for (const auto& t : toks) {
    if (t.kind == si::TokenKind::kWord) {
      ++words;
      if (t.all_caps) ++caps_words;
      if (t.sentence < ns) ++sent_words[t.sentence];
    } else if (t.kind == si::TokenKind::kPunct && t.bangs && t.sentence < ns) {
      bangs[t.sentence] += t.bangs;
    }
  }
  const bool shouting_contrast = caps_words > 0 && caps_words < words;

  // 1. Lexicon lookups: phrases first (longest match), then single terms.
  bool any_contrast = false;  // a token with the role kContrast
  for (size_t i = 0; i < n; ++i) {
    const si::Token& t = toks[i];
    if (t.kind == si::TokenKind::kEmoji || t.kind == si::TokenKind::kEmoticon ||
        t.kind == si::TokenKind::kRating) {
      valence[i] = t.valence;
      source[i] = t.kind == si::TokenKind::kEmoji ? 2 : t.kind == si::TokenKind::kEmoticon ? 3 : 4;
      span_end[i] = t.end;
      continue;
    }
    if (t.kind != si::TokenKind::kWord || covered[i]) continue;
    // `word`: the token's key (apostrophes kept), or the unstretched word
    // found for it. A lower-case plain token is its own key, read in place;
    // any other is built in `key`. Code that builds other keys in `key`
    // (neighbours, phrases) leaves `word` unread or sets it again.
    apostrophe = false;
    std::string_view word = text.substr(t.begin, t.end - t.begin);
    if (!t.lower) {
      key.clear();
      append_key(t, true);
      word = key;
    }
    const bool plain = !apostrophe;  // then the key for roles is the same key
    const auto* entry = lexicon.find(word);
    if (entry == nullptr && si::IsStretched(word)) {
      // A stretched word ("goooood", "sooo", "loooove") is the word with its
      // runs cut to two letters, else to one.
      for (size_t keep : {size_t{2}, size_t{1}}) {
        std::string u = si::Unstretch(word, keep);
        if (const auto* e = lexicon.find(u)) {
          key.assign(u);
          word = key;
          entry = e;
          break;
        }
      }
    }
    if (entry != nullptr && entry->phrase_words > 0) {
      // Try the longest phrase of consecutive words (same sentence) first.
      size_t last[kMaxPhraseWords];
      size_t count = 0;
      const size_t most = std::min<size_t>(entry->phrase_words, kMaxPhraseWords);
      for (size_t j = i; j < n && count < most; ++j) {
        if (toks[j].kind != si::TokenKind::kWord) break;
        if (toks[j].sentence != t.sentence) break;
        last[count++] = j;
      }
      bool matched = false;
      for (size_t c = count; c >= 2 && !matched; --c) {
        key.clear();
        for (size_t w = 0; w < c; ++w) {
          if (w) key.push_back(' ');
          append_key(toks[last[w]], true);
        }
        bool not_negation = false;
        for (const char* p : kNotNegations)
          if (std::string_view(key) == p) not_negation = true;
        const auto* phrase = lexicon.find(key);
        const bool polar = phrase != nullptr && phrase->term;
        if (polar || not_negation) {
          matched = true;
          valence[i] = polar ? phrase->valence : 0.0f;
          span_end[i] = toks[last[c - 1]].end;
          for (size_t w = 1; w < c; ++w) covered[last[w]] = 1;
        }
      }
      if (matched) continue;
      // The token's own key again (not an unstretched word).
      word = text.substr(t.begin, t.end - t.begin);
      if (!t.lower) {
        key.clear();
        append_key(t, true);
        word = key;
      }
    }
    if (entry != nullptr && entry->term) {
      valence[i] = entry->valence;
      span_end[i] = t.end;
    } else if (word == "well") {
      // "well" after a booster praises how a thing is done ("works very
      // well", "holds up pretty well"); alone it is an interjection, "as
      // well" or the well of a place (and "well made" is a phrase).
      if (i > 0 && toks[i - 1].kind == si::TokenKind::kWord && toks[i - 1].sentence == t.sentence) {
        key.clear();
        append_key(toks[i - 1], false);
        const auto* r = lexicon.find(key);
        if (r != nullptr && (r->role & kBooster)) {
          valence[i] = kWellValence;
          span_end[i] = t.end;
        }
        key.assign("well");
      }
    } else if (word == "like") {
      // "like" is polar only as a verb of a personal subject ("I like it"),
      // not as a preposition ("looks like") or a request ("would like").
      static constexpr const char* kLikers[] = {"i",   "we",      "you",  "they", "really",    "do",
                                                "did", "totally", "also", "just", "definitely"};
      for (size_t j = i; j-- > 0;) {
        if (toks[j].kind != si::TokenKind::kWord || toks[j].sentence != t.sentence) break;
        key.clear();
        append_key(toks[j], true);
        for (const char* w : kLikers)
          if (std::string_view(key) == w) valence[i] = 1.5f;
        // "don't like", "never liked": a verb too (then negated below).
        const auto* r = lexicon.find(key);
        if (r != nullptr && (r->role & kNegator)) valence[i] = 1.5f;
        if (key.size() > 3 && std::string_view(key).substr(key.size() - 3) == "n't") valence[i] = 1.5f;
        break;
      }
      if (valence[i] != 0.0f) span_end[i] = t.end;
    } else if (entry != nullptr && (entry->role & kBooster) && word == "too" && i + 1 < n &&
               toks[i + 1].kind == si::TokenKind::kWord && toks[i + 1].sentence == t.sentence) {
      // "too" before a word of no polarity is an excess, a complaint: "too
      // big", "too long", "too many"; before a polar word it is a booster
      // ("too expensive"), and "not too big" is then mildly positive.
      key.clear();
      append_key(toks[i + 1], false);
      const auto* next = lexicon.find(key);
      bool plain_word = next == nullptr || (!next->term && next->role == kNone);
      for (std::string_view w : kNotExcess)
        if (std::string_view(key) == w) plain_word = false;
      if (plain_word) {
        valence[i] = kExcessValence;
        span_end[i] = toks[i + 1].end;
        covered[i + 1] = 1;
        continue;
      }
      key.assign("too");
    } else if (word == "pretty") {
      // "pretty" is an adjective, not the booster of "pretty good", when it
      // ends its clause ("so pretty!", "looks pretty.") or follows a booster
      // ("very pretty colours").
      const bool ends =
          i + 1 >= n || toks[i + 1].kind != si::TokenKind::kWord || toks[i + 1].sentence != t.sentence;
      bool boosted = false;
      if (i > 0 && toks[i - 1].kind == si::TokenKind::kWord && toks[i - 1].sentence == t.sentence) {
        key.clear();
        append_key(toks[i - 1], false);
        const auto* r = lexicon.find(key);
        boosted = r != nullptr && (r->role & kBooster);
        key.assign("pretty");
      }
      if (ends || boosted) {
        valence[i] = kPrettyValence;
        span_end[i] = t.end;
        continue;  // an adjective has no modifier role
      }
    }
    // Roles use the key without apostrophes. A plain token's is the key
    // looked up above (`entry`), as long as the token: no "n't" either.
    if (!plain) {
      key.clear();
      append_key(t, false);
    }
    const auto* r = plain ? entry : lexicon.find(key);
    if (r != nullptr && r->role == kHave) {
      if (i > 0 && toks[i - 1].kind == si::TokenKind::kWord && toks[i - 1].sentence == t.sentence) {
        key.clear();
        append_key(toks[i - 1], false);
        if (IsCounterfactualModal(key)) role[i] = kCounterfactual;
      }
    } else if (r != nullptr && r->role != kNone) {
      role[i] = r->role;
      role_amount[i] = r->role_amount;
      any_contrast |= (r->role & kContrast) != 0;
    } else if (!plain && key.size() > 2 && key[key.size() - 2] == 'n' && key.back() == 't' &&
               t.end - t.begin > key.size()) {
      role[i] = kNegator;  // any "...n't" contraction
    }
  }

  // 2. Modifiers: boosters, negation, capitals, contrast; per sentence sums.
  float* const factor = arrays.factor;
  std::fill_n(factor, n, 1.0f);
  // The per-sentence passes below change a factor only for a contrast word,
  // a quotation mark or a question mark: most texts have none.
  const bool any_factor =
      any_contrast || (!text.empty() && (std::memchr(text.data(), '"', text.size()) != nullptr ||
                                         std::memchr(text.data(), '?', text.size()) != nullptr));
  // Contrast: in the sentence of a contrast word, what comes before it counts
  // half and what follows counts 1.5 times; a sentence that opens with one
  // also halves the previous sentence.
  // Linear in the number of tokens: per sentence, a backward pass counts the
  // contrast words after each token and a forward pass sees whether one came
  // before it.
  auto is_contrast = [&](size_t i) {
    return (role[i] & kContrast) && !covered[i] && span_end[i] <= toks[i].end;
  };
  for (size_t first = 0; any_factor && first < n;) {
    size_t last = first;
    while (last < n && toks[last].sentence == toks[first].sentence) ++last;
    float later = 1.0f;
    for (size_t j = last; j-- > first;) {
      factor[j] *= later;
      if (is_contrast(j)) later = std::max(later * 0.5f, 1.0f / 64);
    }
    bool earlier = false;
    bool seen_word = false;
    bool opens = false;
    for (size_t j = first; j < last; ++j) {
      if (earlier) factor[j] *= 1.5f;
      if (is_contrast(j)) {
        if (!seen_word) opens = true;
        earlier = true;
      }
      if (toks[j].kind == si::TokenKind::kWord) seen_word = true;
    }
    // Words in quotation marks are cited rather than meant (the
    // "expedited" repair, a title): they count half.
    bool quoted = false;
    for (size_t j = first; j < last; ++j) {
      if (toks[j].kind == si::TokenKind::kPunct && text[toks[j].begin] == '"') {
        quoted = !quoted;
        continue;
      }
      if (quoted) factor[j] *= kQuotedFactor;
    }
    // A question asks rather than states: its polar words count half
    // ("Is it any good?"), unless it is also an exclamation ("?!").
    if (last > first && toks[last - 1].kind == si::TokenKind::kPunct && toks[last - 1].bangs == 0) {
      const si::Token& q = toks[last - 1];
      if (std::memchr(text.data() + q.begin, '?', q.end - q.begin) != nullptr)
        for (size_t j = first; j < last; ++j) factor[j] *= kQuestionFactor;
    }
    if (opens && first > 0) {
      // Halve the previous sentence.
      uint32_t prev = toks[first - 1].sentence;
      for (size_t j = first; j-- > 0 && toks[j].sentence == prev;) factor[j] *= 0.5f;
    }
    first = last;
  }

  auto& hits = scratch.hits;
  hits.clear();
  for (size_t i = 0; i < n; ++i) {
    float v = valence[i];
    if (v == 0.0f) continue;
    const si::Token& t = toks[i];
    float sign = v > 0 ? 1.0f : -1.0f;
    bool negated = false;
    bool denied = false;  // negated by a negator, not a counterfactual
    if (t.kind == si::TokenKind::kWord) {
      // Look back over up to kBoosterWindow words of the same clause.
      int seen = 0;
      for (size_t j = i; j-- > 0 && seen < std::max(kNegationWindow, kBoosterWindow);) {
        const si::Token& u = toks[j];
        if (u.sentence != t.sentence) break;
        if (u.kind == si::TokenKind::kPunct && u.clause_break) break;
        if (u.kind != si::TokenKind::kWord) continue;
        if (covered[j]) continue;
        if (valence[j] != 0.0f && span_end[j] > u.end) break;  // a phrase ends here
        if (role[j] & kContrast) break;
        ++seen;
        float decay = 1.0f - 0.05f * static_cast<float>(seen - 1);
        if (role[j] & kBooster) v += sign * role_amount[j] * decay;
        if (role[j] & kDampener) v -= sign * role_amount[j] * decay;
        if ((role[j] & (kNegator | kCounterfactual)) && seen <= kNegationWindow) {
          negated = !negated;
          if (role[j] & kNegator) denied = !denied;
        }
      }
      if (t.all_caps && shouting_contrast) v += sign * kAllCapsBoost;
      if ((negated || v > 0) && span_end[i] == t.end) {
        // A comparative after "be" / "get": negated, it is the top of the
        // scale ("couldn't be happier", "can't get any better", "couldn't be
        // worse"); after "would be" it wishes for what is not there ("would
        // be nicer", "would be much better").
        auto word_before = [&](size_t k) -> size_t {
          return k > 0 && toks[k - 1].kind == si::TokenKind::kWord && toks[k - 1].sentence == t.sentence
                     ? k - 1
                     : n;
        };
        auto key_of = [&](size_t k) -> std::string_view {
          key.clear();
          append_key(toks[k], false);
          return key;
        };
        std::string_view w = key_of(i);
        bool comparative = w == "worse" || w == "better" ||
                           (w.size() >= 5 && w.substr(w.size() - 2) == "er" && w != "never");
        size_t b = word_before(i);
        bool any = false;  // "any better", "much better": a "get" needs one
        if (b != n) {
          w = key_of(b);
          if (w == "more" || w == "any" || w == "much" || w == "even") {
            comparative = comparative || w == "more";
            any = w == "any" || w == "much";
            b = word_before(b);
          }
        }
        if (comparative && b != n) {
          w = key_of(b);
          const bool be = w == "be" || w == "been";
          const bool get = w == "get" || w == "gets" || w == "got";
          if (denied && (be || (any && get))) {
            negated = false;
          } else if (!negated && v > 0 && be) {
            const size_t m = word_before(b);
            if (m != n) {
              w = key_of(m);
              negated = w == "would" || w == "could";
            }
          }
        }
      }
      if (negated) {
        // "not good" is clearly negative; "not bad" only mildly positive.
        v = v > 0 ? -0.75f * v : -0.35f * v;
      }
    }
    v *= factor[i];
    hits.push_back({t.begin, span_end[i] ? span_end[i] : t.end, v,
                    static_cast<uint8_t>(negated ? 1 : source[i]), t.sentence});
  }

  // 3. Aggregate per sentence and for the document.
  for (const Hit& h : hits) {
    if (h.sentence >= ns) continue;
    (h.weight > 0 ? pos : neg)[h.sentence] += std::fabs(h.weight);
  }
  double doc_pos = 0, doc_neg = 0;
  for (size_t s = 0; s < ns; ++s) {
    double emph = kExclamationBoost * std::min<uint32_t>(bangs[s], 4);
    if (pos[s] > neg[s])
      pos[s] += emph;
    else if (neg[s] > pos[s])
      neg[s] += emph;
    doc_pos += pos[s];
    doc_neg += neg[s];
  }
  auto normalise = [](double p, double q, size_t w) {
    if (p + q == 0) return 0.0;
    return (p - q) / (p + q + kEvidencePrior + kPerWord * static_cast<double>(w));
  };

  double doc_score = normalise(doc_pos, doc_neg, words);
  out->lexicon_score = doc_score;
  out->lexicon_positive = doc_pos;
  out->lexicon_negative = doc_neg;
  if (lexicon_only) return;
  out->has_model = model != nullptr;
  // With several sentences the model judges the document and each sentence;
  // a voc model reads the text once for all of them.
  // Part 0 is the whole text, then each sentence: the text prepared once,
  // each part followed by its lexicon tokens, written once with the number
  // of their repeats.
  thread_local std::vector<std::array<double, 3>> part_model;
  const bool parts = model != nullptr && options.sentences && ns > 1;
  if (parts) {
    thread_local std::string input;
    thread_local std::vector<std::string> suffixes;
    thread_local std::vector<internal::TextPart> spans;
    model->PrepareText(text, &input, social);
    const bool lexicon_tokens = model->wants_lexicon_tokens();
    suffixes.resize(ns + 1);
    spans.resize(ns + 1);
    for (size_t s = 0; s <= ns; ++s) {
      suffixes[s].clear();
      if (!lexicon_tokens) continue;
      if (s == 0)
        si::AppendLexiconTokens(doc_score, doc_pos, doc_neg, &suffixes[0]);
      else
        si::AppendLexiconTokens(normalise(pos[s - 1], neg[s - 1], sent_words[s - 1]), pos[s - 1], neg[s - 1],
                                &suffixes[s]);
    }
    spans[0] = {0, static_cast<uint32_t>(input.size()), suffixes[0],
                lexicon_tokens ? model->lexicon_repeats(words) : 0};
    for (size_t s = 0; s < ns; ++s)
      spans[s + 1] = {sentences[s].first, sentences[s].second, suffixes[s + 1],
                      lexicon_tokens ? model->lexicon_repeats(sent_words[s]) : 0};
    model->PredictParts(input, spans, nullptr, &part_model);
  }
  auto& doc_hits = scratch.doc_hits;
  doc_hits.assign(hits.begin(), hits.end());
  Finish(text, doc_score, doc_pos, doc_neg, words, doc_hits, true, &out->document, &out->model_probabilities,
         parts ? &part_model[0] : nullptr, social);

  if (options.sentences) {
    out->sentences.reserve(ns);
    auto& sh = scratch.sentence_hits;
    size_t next_hit = 0;  // hits are in token order, hence in sentence order
    for (size_t s = 0; s < ns; ++s) {
      sh.clear();
      while (next_hit < hits.size() && hits[next_hit].sentence < s) ++next_hit;
      while (next_hit < hits.size() && hits[next_hit].sentence == s) sh.push_back(hits[next_hit++]);
      SentenceSentiment ss;
      ss.begin = sentences[s].first;
      ss.end = sentences[s].second;
      if (ns == 1 && sh.size() == hits.size()) {
        // One sentence holding every hit: its verdict is the document's, and
        // so is its evidence (the same hits, chosen the same way).
        ss.sentiment = out->document;
        out->sentences.push_back(std::move(ss));
        continue;
      }
      double score = normalise(pos[s], neg[s], sent_words[s]);
      std::array<double, 3> probs{};
      Finish(text.substr(ss.begin, ss.end - ss.begin), score, pos[s], neg[s], sent_words[s], sh, ns > 1,
             &ss.sentiment, &probs, parts ? &part_model[s + 1] : nullptr);
      if (ns == 1) {
        // One sentence: it shares the document's verdict.
        ss.sentiment.label = out->document.label;
        ss.sentiment.score = out->document.score;
        ss.sentiment.confidence = out->document.confidence;
      }
      out->sentences.push_back(std::move(ss));
    }
  }
}

// Turns a lexicon score (and the model's opinion of `text`) into label, score,
// confidence and the strongest evidence spans.
void SentimentAnalyzer::Impl::Finish(std::string_view text, double lexicon_score, double pos, double neg,
                                     size_t words, std::vector<Hit>& hits, bool use_model, Sentiment* s,
                                     std::array<double, 3>* model_probs, const std::array<double, 3>* given,
                                     const std::vector<internal::SocialSpan>* social) const {
  // Lexicon class probabilities: polar mass rises steeply around the threshold.
  const double thr = options.neutral_threshold;
  double polar = pos + neg > 0 ? Logistic(12.0 * (std::fabs(lexicon_score) - thr)) : 0.0;
  std::array<double, 3> q = {lexicon_score < 0 ? polar : 0.0, 1.0 - polar, lexicon_score > 0 ? polar : 0.0};
  bool blended = false;
  if (model && use_model) {
    std::array<double, 3> m;
    if (given != nullptr) {  // judged already (PredictParts)
      m = *given;
    } else {
      thread_local std::string input, suffix;
      model->PrepareText(text, &input, social);
      suffix.clear();
      uint32_t repeats = 0;
      if (model->wants_lexicon_tokens()) {
        si::AppendLexiconTokens(lexicon_score, pos, neg, &suffix);
        repeats = model->lexicon_repeats(words);
      }
      m = model->PredictWithSuffix(input, suffix, repeats);
    }
    *model_probs = m;
    double total = m[0] + m[1] + m[2];
    if (total > 0) {
      std::array<double, 3> t;
      const double inv_t = 1.0 / options.model_temperature;
      total = 0;
      // pow(x, 1) is x: the default temperature costs no pow.
      for (int c = 0; c < 3; ++c)
        total += (t[c] = inv_t == 1.0 ? std::max(m[c], 1e-6) : std::pow(std::max(m[c], 1e-6), inv_t));
      const double w = options.model_weight;
      for (int c = 0; c < 3; ++c) q[c] = (1.0 - w) * q[c] + w * t[c] / total;
      blended = true;
    }
  }
  int best = 1;
  if (q[0] > q[best]) best = 0;
  if (q[2] > q[best]) best = 2;
  s->label = static_cast<Polarity>(best - 1);
  s->score = blended ? std::max(-1.0, std::min(1.0, q[2] - q[0])) : lexicon_score;
  s->confidence = q[best];

  // Evidence: the strongest hits, in text order.
  size_t keep = std::min<size_t>(hits.size(), static_cast<size_t>(options.max_evidence));
  std::partial_sort(hits.begin(), hits.begin() + keep, hits.end(),
                    [](const Hit& a, const Hit& b) { return std::fabs(a.weight) > std::fabs(b.weight); });
  hits.resize(keep);
  std::sort(hits.begin(), hits.end(), [](const Hit& a, const Hit& b) { return a.begin < b.begin; });
  s->evidence.reserve(keep);  // none for a text without hits
  for (const Hit& h : hits)
    s->evidence.push_back({h.begin, h.end, std::string(kSources[h.source]),
                           std::round(static_cast<double>(h.weight) * 1000.0) / 1000.0});
  (void)text;
}

}  // namespace voc
