// Language identification: script first, English function words second,
// fastText's lid.176 model for the rest (voc/language.h, docs/LANGUAGES.md).
#include "voc/language.h"

#include <fasttext/densematrix.h>
#include <fasttext/fasttext.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <cstring>
#include <fstream>
#include <memory>
#include <mutex>
#include <sstream>
#include <unordered_map>
#include <utility>
#include <vector>

#if defined(__SSE2__)
#include <xmmintrin.h>
#endif

#include "classifier/classifier_backend.h"
#include "text/language_internal.h"
#include "util/flat_string_map.h"
#include "util/impl_access.h"
#include "util/utf8_util.h"

namespace voc {
namespace {

// Bytes in memory as a stream for fastText's loader, read in place
// (std::istringstream would copy them); a read of many bytes is one memcpy.
class BytesBuf : public std::streambuf {
 public:
  explicit BytesBuf(std::string_view bytes) {
    char* p = const_cast<char*>(bytes.data());  // only read
    setg(p, p, p + bytes.size());
  }

 protected:
  std::streamsize xsgetn(char* s, std::streamsize n) override {
    const std::streamsize k = std::min<std::streamsize>(n, egptr() - gptr());
    if (k <= 0) return 0;
    std::memcpy(s, gptr(), static_cast<size_t>(k));
    setg(eback(), gptr() + k, egptr());
    return k;
  }
};

enum Script : int {
  kLatin = 0,
  kHan,
  kKana,
  kHangul,
  kArabic,
  kCyrillic,
  kDevanagari,
  kGreek,
  kHebrew,
  kThai,
  kOtherLetter,  // any other script (Bengali, Tamil, Georgian, ...): the model's
  kScriptCount
};

// The script of letter `c`, or -1 for a non-letter (digits, punctuation,
// symbols, emoji, spaces). Latin covers ASCII letters and the Latin blocks.
int ScriptOf(char32_t c) {
  if (c < 0x80) return ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') ? kLatin : -1;
  if (c < 0x250) return (c == 0xD7 || c == 0xF7 || c < 0xC0) ? -1 : kLatin;  // Latin-1, Ext-A/B
  if (c >= 0x1E00 && c <= 0x1EFF) return kLatin;                             // Latin Extended Additional
  if (c >= 0x370 && c <= 0x3FF) return kGreek;
  if (c >= 0x1F00 && c <= 0x1FFF) return kGreek;
  if (c >= 0x400 && c <= 0x52F) return kCyrillic;
  if (c >= 0x590 && c <= 0x5FF) return c >= 0x5D0 ? kHebrew : -1;  // points are not letters
  if ((c >= 0x600 && c <= 0x6FF) || (c >= 0x750 && c <= 0x77F) || (c >= 0xFB50 && c <= 0xFDFF) ||
      (c >= 0xFE70 && c <= 0xFEFF)) {
    if ((c >= 0x660 && c <= 0x669) || (c >= 0x6F0 && c <= 0x6F9)) return -1;  // digits
    if (c >= 0x60C && c <= 0x61F) return -1;                                  // punctuation
    return kArabic;
  }
  if (c >= 0x900 && c <= 0x97F) return kDevanagari;
  if (c >= 0xE00 && c <= 0xE7F) return kThai;
  if (c >= 0x1100 && c <= 0x11FF) return kHangul;
  if (c >= 0x3130 && c <= 0x318F) return kHangul;
  if (c >= 0xAC00 && c <= 0xD7AF) return kHangul;
  if (c >= 0x3040 && c <= 0x30FF) return c == 0x30FB || c == 0x30FC ? -1 : kKana;  // ・ ー
  if (c >= 0x31F0 && c <= 0x31FF) return kKana;
  if (c >= 0xFF66 && c <= 0xFF9D) return kKana;  // half-width katakana
  if ((c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x20000 && c <= 0x2FA1F) ||
      (c >= 0xF900 && c <= 0xFAFF))
    return kHan;
  if (c >= 0xFF21 && c <= 0xFF5A) return ((c >= 0xFF21 && c <= 0xFF3A) || c >= 0xFF41) ? kLatin : -1;
  // Other scripts with letters: Armenian to Myanmar, Georgian, Ethiopic, ...
  if ((c >= 0x530 && c <= 0x58F) || (c >= 0x980 && c <= 0xDFF) || (c >= 0xE80 && c <= 0x10FF) ||
      (c >= 0x1200 && c <= 0x139F))
    return kOtherLetter;
  return -1;
}

// Lower-cased ASCII word, or empty for a word with other bytes.
bool IsAsciiWordByte(unsigned char b) { return (b | 0x20) >= 'a' && (b | 0x20) <= 'z'; }

// The bytes of an English-cue word: 1 for ASCII letters, 2 for the
// apostrophe, 0 for any other byte.
struct CueWordBytes {
  uint8_t kind[256];
  constexpr CueWordBytes() : kind() {
    for (int b = 0; b < 256; ++b) kind[b] = ((b | 0x20) >= 'a' && (b | 0x20) <= 'z') ? 1 : b == '\'' ? 2 : 0;
  }
};
constexpr CueWordBytes kCueWordByte;

// The bytes of an English-cue word among the eight bytes `v` (little-endian):
// the high bit of each byte that is an ASCII letter or an apostrophe
// (kCueWordByte kind 1 or 2), exactly. No lane carries into the next: the
// sums stay below 0x100.
inline uint64_t CueWordBytes8(uint64_t v) {
  constexpr uint64_t kOnes = 0x0101010101010101ull, kHigh = kOnes * 0x80, kLow7 = kOnes * 0x7F;
  const uint64_t x = (v | (kOnes * 0x20)) & kLow7;  // lower case, high bit off
  const uint64_t letters = (x + kOnes * (0x80 - 'a')) & ~(x + kOnes * (0x80 - 'z' - 1)) & ~v & kHigh;
  const uint64_t y = v ^ (kOnes * '\'');  // zero at an apostrophe
  const uint64_t apostrophes = ~(((y & kLow7) + kLow7) | y) & kHigh;
  return letters | apostrophes;
}

// English words that are not (ASCII) words of the other major Latin-script
// languages: "in", "is", "a", "no", "me", "on", "so", "die", "do", "an",
// "or", "i", "her", "also", "even", "over", "last", "see", "best" are left
// out for that reason, and so are loanwords ("like", "love", "new", "lol").
constexpr std::string_view kEnglishCues[] = {
    "the", "and", "you", "your", "was", "were", "with", "this", "that", "have", "has", "had", "they", "them",
    "their", "it", "its", "of", "for", "not", "are", "be", "been", "would", "could", "should", "our", "we",
    "what", "when", "which", "will", "from", "but", "just", "very", "after", "about", "there", "because",
    "get", "got", "now", "still", "again", "did", "does", "all", "any", "how", "why", "who", "more", "out",
    "up", "by", "at", "if", "my", "to", "can", "he",
    // Contractions, pronouns, common verbs, adverbs and time words.
    "i'm", "it's", "don't", "can't", "i've", "you're", "that's", "he's", "she's", "isn't", "didn't",
    "doesn't", "won't", "wasn't", "aren't", "i'll", "you'll", "we're", "they're", "i'd", "you've",
    "shouldn't", "wouldn't", "couldn't", "haven't", "hasn't", "hadn't", "weren't", "who's", "what's", "let's",
    "she", "his", "him", "us", "than", "into", "some", "one", "people", "day", "today", "time", "going",
    "gonna", "know", "think", "want", "where", "these", "those", "being", "really", "never", "every", "too",
    "off", "first", "year", "week", "night", "watch", "watching", "make", "made", "said", "says", "tonight",
    "tomorrow", "yesterday", "thanks", "thank", "please", "need", "let", "way", "say", "much", "many", "well",
    "while", "here", "other", "through", "during", "before", "against", "between", "without", "yes", "yeah",
    "wait", "having", "always", "since", "until", "something", "nothing", "everything", "someone", "everyone",
    "anyone", "ever", "though", "thought", "look", "looking", "right", "left", "better", "worse"};

// ASCII function words of the other major Latin-script languages; one of
// them sends the text to the model.
constexpr std::string_view kForeignCues[] = {
    "de",   "la",    "le",   "les",   "des", "et",   "est", "une",   "pas",  "je",  "il",   "el",
    "los",  "las",   "que",  "y",     "es",  "un",   "una", "por",   "con",  "del", "der",  "die",
    "das",  "und",   "ist",  "nicht", "ich", "mit",  "sie", "ein",   "eine", "het", "een",  "van",
    "niet", "ik",    "di",   "che",   "non", "sono", "per", "della", "nao",  "com", "uma",  "um",
    "para", "muito", "mais", "mas",   "en",  "och",  "og",  "jeg",   "er",   "nie", "jest", "na",
    "sa",   "ang",   "ng",   "yang",  "dan", "ini",  "itu", "ke",    "zu",   "auf", "wir",  "du"};

enum Cue : uint8_t { kNoCue = 0, kEnglishCue = 1, kForeignCue = 2 };

constexpr size_t kCueLengths = 16;  // every cue is shorter
constexpr bool CuesShorter() {
  for (std::string_view w : kEnglishCues)
    if (w.empty() || w.size() >= kCueLengths) return false;
  for (std::string_view w : kForeignCues)
    if (w.empty() || w.size() >= kCueLengths) return false;
  return true;
}
static_assert(CuesShorter(), "every cue has a bucket");

// A word of up to 15 bytes as two little-endian words, zero-padded: cue
// words compare as two integers.
struct PackedWord {
  uint64_t lo = 0, hi = 0;
  bool operator==(const PackedWord& o) const { return lo == o.lo && hi == o.hi; }
};

// The eight-byte fast paths below read a text's first byte as the low byte
// of a word.
constexpr bool kLittleEndian = __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__;

// The `n` bytes at `s` (0 < n <= 8), little-endian, the rest zero; reads
// only those bytes.
inline uint64_t LoadUpTo8(const char* s, size_t n) {
  uint64_t v = 0;
  if (n == 8) {
    std::memcpy(&v, s, 8);
  } else if (n >= 4) {
    uint32_t lo, hi;
    std::memcpy(&lo, s, 4);
    std::memcpy(&hi, s + n - 4, 4);
    v = lo | (static_cast<uint64_t>(hi) << (8 * (n - 4)));  // the overlap holds the same bytes
  } else {
    const auto b = [s](size_t k) { return static_cast<uint64_t>(static_cast<unsigned char>(s[k])); };
    v = b(0) | (b(n / 2) << (8 * (n / 2))) | (b(n - 1) << (8 * (n - 1)));
  }
  return v;
}

// `w`: 1 to 15 bytes.
inline PackedWord Pack(std::string_view w) {
  PackedWord p;
  p.lo = LoadUpTo8(w.data(), std::min<size_t>(w.size(), 8));
  if (w.size() > 8) p.hi = LoadUpTo8(w.data() + 8, w.size() - 8);
  return p;
}

// The cue words by first letter and length, so that a word is compared with
// the few words of its letter and length only (every ASCII text passes
// here); in list order, English first.
class CueTable {
 public:
  CueTable() {
    std::array<std::vector<Entry>, kBuckets> buckets;
    for (std::string_view w : kEnglishCues) buckets[Index(w)].push_back({Pack(w), kEnglishCue});
    for (std::string_view w : kForeignCues) buckets[Index(w)].push_back({Pack(w), kForeignCue});
    for (size_t b = 0; b < kBuckets; ++b) {
      first_[b] = static_cast<uint16_t>(entries_.size());
      entries_.insert(entries_.end(), buckets[b].begin(), buckets[b].end());
    }
    first_[kBuckets] = static_cast<uint16_t>(entries_.size());
    // The words of up to eight bytes again by their packed form, the first
    // of a word's entries (English before foreign, as Find meets them).
    for (const Entry& e : entries_) {
      if (e.word.hi != 0) continue;
      ShortSlot* slot = &short_[ShortIndex(e.word.lo)];
      while (slot->word != 0 && slot->word != e.word.lo)
        slot = &short_[(slot - short_.data() + 1) % kShortSlots];
      if (slot->word == 0) *slot = {e.word.lo, e.cue};
    }
  }
  // Find() for a word of up to eight bytes, packed (`lo`; a word holds no
  // zero byte, so the packed form also tells its length): one hash probe,
  // not a walk of its bucket.
  Cue FindShort(uint64_t lo) const {
    for (size_t i = ShortIndex(lo);; i = (i + 1) % kShortSlots) {
      if (short_[i].word == lo) return short_[i].cue;
      if (short_[i].word == 0) return kNoCue;
    }
  }
  // `w`: the word packed, `size` bytes of lower-case ASCII letters and
  // apostrophes, starting with a letter.
  Cue Find(const PackedWord& w, size_t size) const {
    if (size >= kLengths) return kNoCue;  // no cue is this long
    const size_t b = static_cast<size_t>((w.lo & 0xFF) - 'a') * kLengths + size;
    for (size_t i = first_[b]; i < first_[b + 1]; ++i)
      if (entries_[i].word == w) return entries_[i].cue;
    return kNoCue;
  }

 private:
  struct Entry {
    PackedWord word;
    Cue cue;
  };
  static constexpr size_t kLengths = kCueLengths;
  static constexpr size_t kBuckets = 26 * kLengths;
  static size_t Index(std::string_view w) { return static_cast<size_t>(w[0] - 'a') * kLengths + w.size(); }
  std::vector<Entry> entries_;                  // bucket by bucket
  std::array<uint16_t, kBuckets + 1> first_{};  // a bucket's first entry
  struct ShortSlot {
    uint64_t word = 0;  // 0: empty
    Cue cue = kNoCue;
  };
  static constexpr size_t kShortBits = 10;  // 1,024 slots for about 250 words
  static constexpr size_t kShortSlots = size_t{1} << kShortBits;
  static size_t ShortIndex(uint64_t lo) {
    return static_cast<size_t>((lo * 0x9E3779B97F4A7C15ull) >> (64 - kShortBits));
  }
  std::array<ShortSlot, kShortSlots> short_{};
};

const CueTable& Cues() {
  static const CueTable* table = new CueTable();
  return *table;
}

struct ScriptCounts {
  std::array<int, kScriptCount> letters{};
  int total = 0;
  bool ascii_letters = true;  // no letter outside ASCII (emoji and symbols may be there)
  // Letters that tell the languages of a script apart.
  int uk = 0, bg_hard = 0, ru_only = 0, sr = 0, mk = 0, fa = 0, ur = 0;
};

ScriptCounts CountScripts(std::string_view text) {
  ScriptCounts sc;
  for (size_t pos = 0; pos < text.size();) {
    // Eight ASCII bytes at a time: the letters are the bytes that are in
    // 'a'..'z' once the case bit (0x20) is set.
    while (pos + 8 <= text.size()) {
      uint64_t v;
      std::memcpy(&v, text.data() + pos, 8);
      constexpr uint64_t kHigh = 0x8080808080808080ull, kOnes = 0x0101010101010101ull;
      if (v & kHigh) break;
      const uint64_t x = v | (kOnes * 0x20);
      const uint64_t letters = (x + kOnes * (0x80 - 'a')) & ~(x + kOnes * (0x80 - 'z' - 1)) & kHigh;
      const int n = static_cast<int>((((letters >> 7) * kOnes) >> 56));
      sc.letters[kLatin] += n;
      sc.total += n;
      pos += 8;
    }
    if (pos == text.size()) break;
    const auto b = static_cast<unsigned char>(text[pos]);
    if (b < 0x80) {
      ++pos;
      if (IsAsciiWordByte(b)) {
        ++sc.letters[kLatin];
        ++sc.total;
      }
      continue;
    }
    bool invalid = false;
    const char32_t c = internal::DecodeUtf8(text, &pos, &invalid);
    const int s = ScriptOf(c);
    if (s < 0) continue;
    sc.ascii_letters = false;
    ++sc.letters[s];
    ++sc.total;
    if (s == kCyrillic) {
      const char32_t l = (c >= 0x410 && c <= 0x42F) ? c + 0x20 : (c >= 0x400 && c <= 0x40F) ? c + 0x50 : c;
      switch (l) {
        case 0x456:
        case 0x457:
        case 0x454:
        case 0x491:
        case 0x490:
          ++sc.uk;
          break;  // і ї є ґ Ґ
        case 0x44A:
          ++sc.bg_hard;
          break;  // ъ
        case 0x44B:
        case 0x44D:
        case 0x451:
          ++sc.ru_only;
          break;  // ы э ё
        case 0x452:
        case 0x45B:
        case 0x45F:
        case 0x458:
        case 0x459:
        case 0x45A:  // ђ ћ џ ј љ њ
          ++sc.sr;
          break;
        case 0x453:
        case 0x45C:
        case 0x455:
          ++sc.mk;
          break;  // ѓ ќ ѕ
        default:
          break;
      }
    } else if (s == kArabic) {
      if (c == 0x67E || c == 0x686 || c == 0x698 || c == 0x6AF || c == 0x6CC || c == 0x6A9) ++sc.fa;
      if (c == 0x6D2 || c == 0x679 || c == 0x688 || c == 0x691 || c == 0x6BA || c == 0x6BE) ++sc.ur;
    }
  }
  return sc;
}

// The language of a script that decides it, "" for Latin and other scripts.
std::string ScriptLanguage(int script, const ScriptCounts& sc) {
  switch (script) {
    case kHan:
      return sc.letters[kKana] * 10 >= sc.letters[kHan] ? "ja" : "zh";
    case kKana:
      return "ja";
    case kHangul:
      return "ko";
    case kArabic:
      return sc.ur > 0 ? "ur" : sc.fa > 0 ? "fa" : "ar";
    case kCyrillic:
      if (sc.uk > 0) return "uk";
      if (sc.mk > 0) return "mk";
      if (sc.sr > 0) return "sr";
      if (sc.bg_hard > 0 && sc.ru_only == 0) return "bg";
      return "ru";
    case kDevanagari:
      return "hi";
    case kGreek:
      return "el";
    case kHebrew:
      return "he";
    case kThai:
      return "th";
    default:
      return "";
  }
}

// fastText with its protected parts in reach: the input matrix, for
// LidNetwork.
class LidFastText : public fasttext::FastText {
 public:
  const fasttext::Matrix& InputMatrix() const { return *input_; }
};

// fastText's Dictionary with its protected members in reach (through
// pointers to members, which a derived class may form): the pruning index.
struct DictionaryMembers : fasttext::Dictionary {
  static const std::unordered_map<int32_t, int32_t>& PruneIndex(const fasttext::Dictionary& d) {
    return d.*&DictionaryMembers::pruneidx_;
  }
  static int64_t PruneSize(const fasttext::Dictionary& d) { return d.*&DictionaryMembers::pruneidx_size_; }
};

// The input ids of one word as fastText 0.9.2's Dictionary::getSubwords(word)
// gives them: a known word's stored ids; else the ids of the character
// n-grams of "<word>" (minn to maxn code points, FNV-1a hashed into
// `bucket` buckets), each kept only if the pruning index of a quantized
// model holds its bucket. fastText looks each n-gram up in that index, a
// std::unordered_map, at two or three cache misses; a word has a dozen
// n-grams. Here a bit per bucket says whether the index holds it, and the
// buckets it holds are in an open-addressing table.
class SubwordIds {
 public:
  SubwordIds(const fasttext::Dictionary& dict, const fasttext::Args& args)
      : dict_(dict),
        minn_(args.minn),
        maxn_(args.maxn),
        bucket_(args.bucket > 0 ? static_cast<uint32_t>(args.bucket) : 0),
        nwords_(dict.nwords()),
        prune_size_(DictionaryMembers::PruneSize(dict)) {
    if (prune_size_ <= 0 || bucket_ == 0) return;
    const auto& index = DictionaryMembers::PruneIndex(dict);
    held_.assign((static_cast<size_t>(bucket_) + 63) / 64, 0);
    size_t size = 16;
    while (size < 2 * index.size()) size *= 2;
    slots_.assign(size, kEmpty);
    mask_ = size - 1;
    for (const auto& [from, to] : index) {
      if (from < 0 || static_cast<uint32_t>(from) >= bucket_) continue;  // never hashed to
      held_[static_cast<size_t>(from) / 64] |= uint64_t{1} << (static_cast<size_t>(from) % 64);
      size_t s = Slot(static_cast<uint32_t>(from));
      while (slots_[s] != kEmpty) s = (s + 1) & mask_;
      slots_[s] = static_cast<uint64_t>(static_cast<uint32_t>(from)) << 32 | static_cast<uint32_t>(to);
    }
  }

  // Appends the ids of `word` to `out`, as fastText's getLine does for a
  // token of the line: a known word's stored ids, an unknown word's n-gram
  // ids, nothing for a known label (not a word; the caller drops tokens
  // that start with the model's label prefix).
  void Append(const std::string& word, std::vector<int32_t>* out) const {
    const int32_t id = dict_.getId(word);
    if (id >= nwords_) return;  // a label
    if (id >= 0) {
      const std::vector<int32_t>& known = dict_.getSubwords(id);
      out->insert(out->end(), known.begin(), known.end());
      return;
    }
    if (word == fasttext::Dictionary::EOS || bucket_ == 0) return;
    thread_local std::string w;
    w.assign(1, '<');
    w += word;
    w += '>';
    // Dictionary::computeSubwords, the hash of each n-gram carried on from
    // that of the n-gram one code point shorter (FNV-1a reads bytes in order).
    const size_t size = w.size();
    for (size_t i = 0; i < size; ++i) {
      if ((w[i] & 0xC0) == 0x80) continue;
      uint32_t h = 2166136261u;
      size_t j = i;
      for (int n = 1; j < size && n <= maxn_; ++n) {
        h = (h ^ static_cast<uint32_t>(static_cast<int8_t>(w[j++]))) * 16777619u;
        while (j < size && (w[j] & 0xC0) == 0x80)
          h = (h ^ static_cast<uint32_t>(static_cast<int8_t>(w[j++]))) * 16777619u;
        if (n >= minn_ && !(n == 1 && (i == 0 || j == size))) Push(h % bucket_, out);
      }
    }
  }

 private:
  static constexpr uint64_t kEmpty = ~uint64_t{0};

  size_t Slot(uint32_t bucket) const { return (bucket * 0x9E3779B1u) & mask_; }

  // Dictionary::pushHash: bucket `b`'s id, if the model keeps it.
  void Push(uint32_t b, std::vector<int32_t>* out) const {
    if (prune_size_ == 0) return;
    if (prune_size_ < 0) {  // not pruned: every bucket has its row
      out->push_back(nwords_ + static_cast<int32_t>(b));
      return;
    }
    if ((held_[b / 64] >> (b % 64) & 1) == 0) return;
    for (size_t s = Slot(b);; s = (s + 1) & mask_) {
      const uint64_t e = slots_[s];
      if (static_cast<uint32_t>(e >> 32) == b) {
        out->push_back(nwords_ + static_cast<int32_t>(static_cast<uint32_t>(e)));
        return;
      }
    }
  }

  const fasttext::Dictionary& dict_;
  int minn_ = 0, maxn_ = 0;
  uint32_t bucket_ = 0;
  int32_t nwords_ = 0;
  int64_t prune_size_ = -1;
  std::vector<uint64_t> held_;   // a bit per bucket: in the pruning index
  std::vector<uint64_t> slots_;  // bucket << 32 | its index entry; kEmpty
  size_t mask_ = 0;
};

// fastText's prediction of one label for a supervised model with
// hierarchical softmax (lid.176's loss), float for float as fastText 0.9.2
// computes it (Model::computeHidden, HierarchicalSoftmaxLoss::dfs), without
// its per-call state, virtual row calls and quantized row decoding: a
// quantized input row is decoded once (by fastText's own addRowToVector,
// into zeros) and kept; a dense one is read where it is (fastText adds its
// floats as they are). Adding the kept row x * c gives the bits fastText's x += a * c gives:
// its product is rounded alone (no fused multiply-add), and a sum that starts
// at +0 never holds -0, so a -0 product kept as +0 adds the same.
class LidNetwork {
 public:
  // Null when the model is not of that kind (the identifier then calls
  // fastText's predict()).
  static std::unique_ptr<LidNetwork> Make(const LidFastText& ft) {
    const fasttext::Args& args = ft.getArgs();
    if (args.model != fasttext::model_name::sup || args.loss != fasttext::loss_name::hs) return nullptr;
    std::shared_ptr<const fasttext::DenseMatrix> out;
    try {
      out = ft.getOutputMatrix();  // throws when quantized
    } catch (const std::exception&) {
      return nullptr;
    }
    const fasttext::Matrix& in = ft.InputMatrix();
    const std::vector<int64_t> counts = ft.getDictionary()->getCounts(fasttext::entry_type::label);
    if (out == nullptr || in.size(1) != out->size(1) || in.size(1) <= 0 || counts.size() < 2 ||
        out->size(0) != static_cast<int64_t>(counts.size()))
      return nullptr;
    auto net = std::unique_ptr<LidNetwork>(new LidNetwork(ft, *out, counts));
    return net;
  }

  // The best label and its log-probability for the input ids (a line's
  // words' subword ids and the end-of-line token's); false when fastText
  // would give no answer (no ids, or a NaN output it refuses).
  bool Predict(const std::vector<int32_t>& ids, int32_t* label, float* score) const {
    if (ids.empty()) return false;
    thread_local std::vector<float> hidden;
    hidden.assign(static_cast<size_t>(dim_), 0.0f);
    float* const h = hidden.data();
    if (dim_ == 16) {  // lid.176's: a fixed count, added four lanes at a time
      for (const int32_t id : ids) AddRow<16>(Row(id), h);
    } else {
      for (const int32_t id : ids) {
        const float* r = Row(id);
        for (int j = 0; j < dim_; ++j) h[j] += r[j];
      }
    }
    const auto a = static_cast<fasttext::real>(1.0 / static_cast<double>(ids.size()));
    for (int j = 0; j < dim_; ++j) h[j] *= a;
    Best best;
    if (!Dfs(2 * osz_ - 2, 0.0f, h, &best) || !best.found) return false;
    *label = best.label;
    *score = best.score;
    return true;
  }

  int64_t rows() const { return rows_; }
  // The bytes held for decoded input rows.
  size_t RowsKept() const {
    return decoded_ != nullptr ? static_cast<size_t>(rows_) * static_cast<size_t>(dim_) * sizeof(float) : 0;
  }

 private:
  struct Node {
    int32_t left = -1, right = -1;
  };
  struct Best {
    bool found = false;
    float score = 0;
    int32_t label = 0;
  };

  LidNetwork(const LidFastText& ft, const fasttext::DenseMatrix& out, const std::vector<int64_t>& counts)
      : input_(ft.InputMatrix()),
        dense_(dynamic_cast<const fasttext::DenseMatrix*>(&input_)),
        dim_(static_cast<int>(out.size(1))),
        osz_(static_cast<int32_t>(counts.size())),
        rows_(ft.InputMatrix().size(0)) {
    if (dense_ == nullptr) {  // a copy of the matrix would double its memory
      decoded_.reset(new float[static_cast<size_t>(rows_) * static_cast<size_t>(dim_)]);
      ready_.reset(new std::atomic<bool>[static_cast<size_t>(rows_)]);
      for (int64_t i = 0; i < rows_; ++i)
        ready_[static_cast<size_t>(i)].store(false, std::memory_order_relaxed);
    }
    output_.resize(static_cast<size_t>(out.size(0)) * static_cast<size_t>(dim_));
    for (int64_t i = 0; i < out.size(0); ++i)
      for (int j = 0; j < dim_; ++j) output_[static_cast<size_t>(i * dim_ + j)] = out.at(i, j);
    BuildTree(counts);
  }

  // HierarchicalSoftmaxLoss::buildTree's tree (its Huffman tree of the
  // label counts), children only.
  void BuildTree(const std::vector<int64_t>& counts) {
    std::vector<int64_t> count(static_cast<size_t>(2 * osz_ - 1), static_cast<int64_t>(1e15));
    tree_.assign(count.size(), Node());
    for (int32_t i = 0; i < osz_; ++i) count[static_cast<size_t>(i)] = counts[static_cast<size_t>(i)];
    int32_t leaf = osz_ - 1, node = osz_;
    for (int32_t i = osz_; i < 2 * osz_ - 1; ++i) {
      int32_t mini[2] = {0, 0};
      for (int32_t& m : mini)
        m = (leaf >= 0 && count[static_cast<size_t>(leaf)] < count[static_cast<size_t>(node)]) ? leaf--
                                                                                               : node++;
      tree_[static_cast<size_t>(i)] = {mini[0], mini[1]};
      count[static_cast<size_t>(i)] =
          count[static_cast<size_t>(mini[0])] + count[static_cast<size_t>(mini[1])];
    }
  }

  // Input row `id`: a dense matrix's in place, a quantized one's decoded on
  // first use. Ids outside the matrix are never given (the dictionary makes
  // them).
  const float* Row(int32_t id) const {
    const auto i = static_cast<size_t>(id);
    if (dense_ != nullptr) return dense_->data() + i * static_cast<size_t>(dim_);
    float* const row = decoded_.get() + i * static_cast<size_t>(dim_);
    if (!ready_[i].load(std::memory_order_acquire)) {
      std::lock_guard<std::mutex> lock(decode_);
      if (!ready_[i].load(std::memory_order_relaxed)) {
        fasttext::Vector v(dim_);
        v.zero();
        input_.addRowToVector(v, id);
        std::memcpy(row, v.data(), sizeof(float) * static_cast<size_t>(dim_));
        ready_[i].store(true, std::memory_order_release);
      }
    }
    return row;
  }

  // h += r, `kDim` floats: each lane's sum is rounded alone, as in the
  // scalar loop (SSE's addition is IEEE single addition per lane).
  template <int kDim>
  static void AddRow(const float* r, float* h) {
#if defined(__SSE2__)
    static_assert(kDim % 4 == 0, "whole lanes");
    for (int j = 0; j < kDim; j += 4)
      _mm_storeu_ps(h + j, _mm_add_ps(_mm_loadu_ps(h + j), _mm_loadu_ps(r + j)));
#else
    for (int j = 0; j < kDim; ++j) h[j] += r[j];
#endif
  }

  // fastText's std_log: the log of x + 1e-5, in double, rounded to float.
  static float StdLog(float x) { return static_cast<float>(std::log(x + 1e-5)); }

  // HierarchicalSoftmaxLoss::dfs for one prediction (k = 1, threshold 0);
  // false when a node's output is NaN (DenseMatrix::dotRow throws).
  bool Dfs(int32_t node, float score, const float* h, Best* best) const {
    static const float kFloor = StdLog(0.0f);
    if (score < kFloor) return true;
    if (best->found && score < best->score) return true;
    const Node& n = tree_[static_cast<size_t>(node)];
    if (n.left == -1 && n.right == -1) {
      // A heap of one: a score not below the kept one replaces it.
      *best = {true, score, node};
      return true;
    }
    const float* w = output_.data() + static_cast<size_t>(node - osz_) * static_cast<size_t>(dim_);
    float f = 0.0f;
    for (int j = 0; j < dim_; ++j) f += w[j] * h[j];
    if (std::isnan(f)) return false;
    f = static_cast<float>(1. / (1 + std::exp(-f)));
    return Dfs(n.left, score + StdLog(static_cast<float>(1.0 - f)), h, best) &&
           Dfs(n.right, score + StdLog(f), h, best);
  }

  const fasttext::Matrix& input_;
  const fasttext::DenseMatrix* dense_;  // input_, when dense
  int dim_;
  int32_t osz_;
  int64_t rows_;
  std::unique_ptr<float[]> decoded_;            // quantized rows, when decoded
  std::unique_ptr<std::atomic<bool>[]> ready_;  // decoded_'s row is written
  mutable std::mutex decode_;
  std::vector<float> output_;  // the output matrix's rows
  std::vector<Node> tree_;
};

}  // namespace

namespace internal {

std::vector<std::string_view> EnglishCueWords() {
  return std::vector<std::string_view>(std::begin(kEnglishCues), std::end(kEnglishCues));
}
std::vector<std::string_view> ForeignCueWords() {
  return std::vector<std::string_view>(std::begin(kForeignCues), std::end(kForeignCues));
}

CueCounts CountCueWords(std::string_view text) {
  CueCounts counts;
  const CueTable& table = Cues();
  const char* const s = text.data();
  const size_t n = text.size();
  const auto word_byte = [s](size_t k) { return kCueWordByte.kind[static_cast<unsigned char>(s[k])] != 0; };
  for (size_t i = 0; i < n;) {
    if (kCueWordByte.kind[static_cast<unsigned char>(s[i])] != 1) {
      ++i;
      continue;
    }
    // The word [i, j) and its cue. Lower case: letters | 0x20; the
    // apostrophe (0x27) keeps its bit.
    size_t j = i + 1;
    Cue c = kNoCue;
    uint64_t v = 0, others = 0;
    if (kLittleEndian && i + 8 <= n) {  // the word's first byte is v's low byte
      std::memcpy(&v, s + i, 8);
      others = ~CueWordBytes8(v) & 0x8080808080808080ull;
    }
    if (others != 0) {  // the word ends inside the eight bytes: they are its low ones
      j = i + static_cast<size_t>(__builtin_ctzll(others)) / 8;
      c = table.FindShort((v | 0x2020202020202020ull) & ((uint64_t{1} << (8 * (j - i))) - 1));
    } else {
      while (j < n && word_byte(j)) ++j;
      if (const size_t len = j - i; len < kCueLengths) {
        const PackedWord w = Pack(text.substr(i, len));
        const uint64_t lo_mask = len >= 8 ? ~uint64_t{0} : (uint64_t{1} << (8 * len)) - 1;
        const uint64_t hi_mask = len <= 8 ? 0 : (uint64_t{1} << (8 * (len - 8))) - 1;
        c = table.Find({w.lo | (0x2020202020202020ull & lo_mask), w.hi | (0x2020202020202020ull & hi_mask)},
                       len);
      }
    }
    ++counts.words;
    if (c == kForeignCue) {
      counts.foreign = true;
      return counts;
    }
    if (c == kEnglishCue) ++counts.english;
    i = j;
  }
  return counts;
}

namespace {

// True when `tok` starts with the four bytes of `prefix` (one load each, not
// a call of memcmp).
bool StartsWith4(std::string_view tok, const char (&prefix)[5]) {
  if (tok.size() < 4) return false;
  uint32_t a, b;
  std::memcpy(&a, tok.data(), 4);
  std::memcpy(&b, prefix, 4);
  return a == b;
}

}  // namespace

// Masks ("[EMAIL]"), mentions, URLs and hashtag signs left out, blanks
// collapsed, ASCII lower-cased, ending in a newline; whole words up to
// kModelBytes (the model's cost grows with the text, its answer hardly
// changes past a few sentences). Written through a pointer: the line is
// never longer than the text and its newline (each blank written stands for
// the blanks before its word in the text).
void LanguageModelLine(std::string_view text, std::string* line) {
  constexpr size_t kModelBytes = 300;
  line->resize(text.size() + 1);
  char* const begin = line->data();
  char* out = begin;
  for (size_t i = 0; i < text.size() && static_cast<size_t>(out - begin) < kModelBytes;) {
    const auto b = static_cast<unsigned char>(text[i]);
    if (b <= ' ') {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < text.size() && static_cast<unsigned char>(text[j]) > ' ') ++j;
    std::string_view tok = text.substr(i, j - i);
    i = j;
    if (tok[0] == '@' || StartsWith4(tok, "http") || StartsWith4(tok, "www.")) continue;
    if (tok.size() > 2 && tok.front() == '[' && tok.find(']') != std::string_view::npos) continue;
    while (!tok.empty() && tok[0] == '#') tok.remove_prefix(1);
    if (tok.empty()) continue;
    if (out != begin) *out++ = ' ';
    // Lower case: the model is surer of lower-cased short texts (measured
    // in docs/LANGUAGES.md); ASCII letters are enough for that.
    for (const char c : tok) *out++ = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
  }
  *out++ = '\n';
  line->resize(static_cast<size_t>(out - begin));
}

}  // namespace internal

struct LanguageIdentifier::Impl {
  LanguageOptions options;
  std::unique_ptr<LidFastText> model;
  // The model's prediction without fastText's per-call overhead (null for a
  // model of another kind).
  std::unique_ptr<LidNetwork> network;
  std::shared_ptr<const fasttext::Dictionary> dict;
  std::unique_ptr<SubwordIds> subwords;  // the ids of a word (IdsOf)
  int word_ngrams = 0;
  // The ids of the end-of-line token, which ends every line (none when the
  // dictionary has no such token).
  std::vector<int32_t> eos_ids;
  // The model's labels by id, without "__label__" ("en", "und" ...).
  std::vector<std::string> label_codes;
  // The prefix that makes a token a label to the model (its training's
  // -label, "__label__" for lid.176).
  std::string label_prefix = "__label__";
  uint64_t serial = 0;  // tells this identifier's cache entries from another's

  // The model input ids of `line` (internal::LanguageModelLine's output: words separated by
  // one space, ending in '\n'). Returns a per-thread buffer.
  std::vector<int32_t>& IdsOf(std::string_view line) const {
    struct Cache {
      uint64_t serial = 0;
      // A word's ids: [first, first + count) of `arena`.
      internal::FlatStringMap<std::pair<uint32_t, uint32_t>> words;
      std::vector<int32_t> arena;
      std::vector<int32_t> ids;
      std::string word;
    };
    thread_local Cache cache;
    if (cache.serial != serial || cache.words.size() > kMaxCachedWords) {
      cache.words = {};
      cache.arena.clear();
      cache.serial = serial;
    }
    cache.ids.clear();
    for (size_t i = 0; i < line.size();) {
      size_t j = i;
      while (j < line.size() && line[j] != ' ' && line[j] != '\n') ++j;
      const std::string_view w = line.substr(i, j - i);
      // A token that looks like a label ("__label__en") is not a word to fastText.
      if (!w.empty() && w.compare(0, label_prefix.size(), label_prefix) != 0) {
        std::pair<uint32_t, uint32_t> span;
        if (const auto* slot = cache.words.find(w)) {
          span = slot->second;
        } else {
          cache.word.assign(w);
          const size_t first = cache.arena.size();
          subwords->Append(cache.word, &cache.arena);
          span = {static_cast<uint32_t>(first), static_cast<uint32_t>(cache.arena.size() - first)};
          cache.words.emplace(w, span);
        }
        const int32_t* first = cache.arena.data() + span.first;
        cache.ids.insert(cache.ids.end(), first, first + span.second);
      }
      i = j + 1;
    }
    cache.ids.insert(cache.ids.end(), eos_ids.begin(), eos_ids.end());
    return cache.ids;
  }
  static constexpr size_t kMaxCachedWords = 200000;

  // The model's best label and its log-probability for the input ids:
  // from `network` when there is one (the same floats), else from
  // fastText's predict(). False for no answer.
  bool Predict(const std::vector<int32_t>& ids, int32_t* label, float* score) const {
    if (network != nullptr) return network->Predict(ids, label, score);
    return LibraryPredict(ids, label, score);
  }
  bool LibraryPredict(const std::vector<int32_t>& ids, int32_t* label, float* score) const {
    thread_local fasttext::Predictions top;
    top.clear();  // predict() adds to it
    model->predict(1, ids, top, 0.0);
    if (top.empty()) return false;
    *label = top[0].second;
    *score = top[0].first;
    return true;
  }

  // Keeps `network` only if it answers as fastText's predict() does, label
  // and log-probability bits, on a few lines of several languages: its
  // arithmetic is fastText's only where both are compiled alike (a build
  // that fuses multiplications and additions rounds differently).
  void CheckNetwork() {
    if (network == nullptr || word_ngrams != 1) return;
    static const char* const kLines[] = {
        "my order never arrived and nobody answers the phone",
        "la livraison est en retard et le service client ne r\xC3\xA9pond pas",
        "el pedido lleg\xC3\xB3 roto y quiero un reembolso",
        "die lieferung kam zu sp\xC3\xA4t und der kundendienst antwortet nicht",
        "het pakket is nooit aangekomen",
        "o produto chegou com defeito",
        "zzq xkcd 123",
    };
    for (const char* text : kLines) {
      std::string line;
      internal::LanguageModelLine(text, &line);
      const std::vector<int32_t> ids = IdsOf(line);
      int32_t own_label = -1, library_label = -1;
      float own_score = 0, library_score = 0;
      bool library_found = false;
      try {
        library_found = LibraryPredict(ids, &library_label, &library_score);
      } catch (const std::exception&) {
        library_found = false;
      }
      const bool own_found = network->Predict(ids, &own_label, &own_score);
      if (own_found != library_found ||
          (own_found &&
           (own_label != library_label || std::memcmp(&own_score, &library_score, sizeof(float)) != 0))) {
        network.reset();
        return;
      }
    }
  }

  // English by its function words: no letter outside ASCII, at least two of
  // kEnglishCues, one word in eight of them, and none of kForeignCues.
  static bool EnglishCues(std::string_view text) {
    const internal::CueCounts c = internal::CountCueWords(text);
    return !c.foreign && c.english >= 2 && c.english * 8 >= c.words;
  }
};

LanguageIdentifier::LanguageIdentifier() : impl_(std::make_unique<Impl>()) {}
LanguageIdentifier::~LanguageIdentifier() = default;

Result<std::unique_ptr<LanguageIdentifier>> LanguageIdentifier::Create(const LanguageOptions& options) {
  if (!(options.min_confidence >= 0.0 && options.min_confidence <= 1.0))
    return InvalidArgumentError("language min_confidence must be in [0, 1]");
  if (options.min_letters < 0) return InvalidArgumentError("language min_letters must be >= 0");
  std::unique_ptr<LanguageIdentifier> lid(new LanguageIdentifier());
  lid->impl_->options = options;
  if (options.model_path.empty()) return lid;
  const std::string& path = options.model_path;
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFoundError("language model not found: " + path);
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  if (size < 64 || size > (std::streamoff{1} << 30))
    return DataLossError("language model '" + path + "' is not a fastText model (size)");
  std::string image(static_cast<size_t>(size), '\0');
  in.seekg(0);
  if (!in.read(image.data(), size)) return DataLossError("cannot read language model '" + path + "'");
  // fastText's loader trusts its input: walk the whole image first.
  if (Status v = internal::ValidateNamedFastTextImage(image); !v.ok())
    return DataLossError("language model '" + path + "' refused: " + v.message());
  auto ft = std::make_unique<LidFastText>();
  try {
    BytesBuf bytes(std::string_view(image).substr(8));  // past the magic and version, checked above
    std::istream stream(&bytes);
    ft->loadModel(stream);
  } catch (const std::exception& e) {
    return DataLossError("language model '" + path + "' cannot be loaded: " + e.what());
  }
  static std::atomic<uint64_t> next_serial{1};
  lid->impl_->serial = next_serial++;
  lid->impl_->dict = ft->getDictionary();
  lid->impl_->word_ngrams = ft->getArgs().wordNgrams;
  lid->impl_->subwords = std::make_unique<SubwordIds>(*lid->impl_->dict, ft->getArgs());
  if (const int32_t eos = lid->impl_->dict->getId(fasttext::Dictionary::EOS); eos >= 0)
    lid->impl_->eos_ids = lid->impl_->dict->getSubwords(eos);
  for (int32_t i = 0; i < lid->impl_->dict->nlabels(); ++i) {
    std::string l = lid->impl_->dict->getLabel(i);
    if (l.compare(0, 9, "__label__") == 0) l.erase(0, 9);
    lid->impl_->label_codes.push_back(std::move(l));
  }
  lid->impl_->label_prefix = ft->getArgs().label;
  lid->impl_->network = LidNetwork::Make(*ft);
  lid->impl_->model = std::move(ft);
  lid->impl_->CheckNetwork();
  return lid;
}

bool LanguageIdentifier::has_model() const { return impl_->model != nullptr; }

bool internal::UsesOwnNetwork(const LanguageIdentifier& lid) { return ImplOf(lid).network != nullptr; }

bool internal::ModelAnswers(const LanguageIdentifier& lid, std::string_view text, ModelAnswer* library,
                            ModelAnswer* own) {
  const auto& im = ImplOf(lid);
  if (im.network == nullptr || im.word_ngrams != 1) return false;
  std::string line;
  internal::LanguageModelLine(text, &line);
  const std::vector<int32_t> ids = im.IdsOf(line);
  *library = ModelAnswer();
  *own = ModelAnswer();
  try {
    library->found = im.LibraryPredict(ids, &library->label, &library->score);
  } catch (const std::exception&) {
    library->found = false;
  }
  own->found = im.network->Predict(ids, &own->label, &own->score);
  return true;
}

bool internal::WordIds(const LanguageIdentifier& lid, const std::string& word, std::vector<int32_t>* library,
                       std::vector<int32_t>* own) {
  const auto& im = ImplOf(lid);
  if (im.subwords == nullptr) return false;
  *library = im.dict->getSubwords(word);
  own->clear();
  im.subwords->Append(word, own);
  return true;
}

size_t internal::LanguageModelRowsKept(const LanguageIdentifier& lid) {
  const auto& im = ImplOf(lid);
  return im.network != nullptr ? im.network->RowsKept() : 0;
}

LanguageGuess LanguageIdentifier::Identify(std::string_view text) const {
  LanguageGuess g;
  const ScriptCounts sc = CountScripts(text);
  if (sc.total < impl_->options.min_letters || sc.total == 0) return g;
  // The script with the most letters; Han and Kana count together for Japanese.
  int best = kLatin;
  for (int s = 1; s < kScriptCount; ++s)
    if (sc.letters[s] > sc.letters[best]) best = s;
  int decided = sc.letters[best];
  if ((best == kHan || best == kKana) && sc.letters[kKana] * 10 >= sc.letters[kHan])
    decided = sc.letters[kHan] + sc.letters[kKana];
  if (best != kLatin && best != kOtherLetter) {
    g.code = ScriptLanguage(best, sc);
    g.confidence = static_cast<double>(decided) / sc.total;
    g.method = "script";
    if (g.confidence >= 0.5) return g;
    g = LanguageGuess();  // mostly Latin letters after all: the model decides
  }
  if (sc.ascii_letters && impl_->EnglishCues(text)) {
    g.code = "en";
    g.confidence = 0.99;  // the cue rule's precision on the benchmark tweets (docs/LANGUAGES.md)
    g.method = "cues";
    return g;
  }
  if (!impl_->model) return g;
  fasttext::real prob = 0;
  std::string label;      // predictLine's answer
  std::string_view code;  // the label without "__label__"
  try {
    if (impl_->word_ngrams == 1) {
      // The model's input ids, word by word, as fastText's getLine makes
      // them (a word's subword ids, then those of the end-of-line token),
      // with each word's ids kept in a per-thread cache: the n-gram lookups
      // are most of the model's cost and customer text repeats its words.
      thread_local std::string line;
      internal::LanguageModelLine(text, &line);
      std::vector<int32_t>& ids = impl_->IdsOf(line);
      int32_t id = -1;
      float score = 0;
      if (!impl_->Predict(ids, &id, &score)) return g;
      // A label id getLabel() refuses (it throws) gives no answer.
      if (id < 0 || static_cast<size_t>(id) >= impl_->label_codes.size()) return g;
      prob = std::exp(score);
      code = impl_->label_codes[static_cast<size_t>(id)];
    } else {
      std::string line;
      internal::LanguageModelLine(text, &line);
      std::istringstream in(line);
      std::vector<std::pair<fasttext::real, std::string>> preds;
      impl_->model->predictLine(in, preds, 1, 0.0);
      if (preds.empty()) return g;
      prob = preds[0].first;
      label = std::move(preds[0].second);
      code = label;
      if (code.compare(0, 9, "__label__") == 0) code.remove_prefix(9);
    }
  } catch (const std::exception&) {
    return g;
  }
  const double p = std::clamp(static_cast<double>(prob), 0.0, 1.0);  // a probability
  g.confidence = p;
  g.method = "model";
  if (p >= impl_->options.min_confidence && IsLanguageCode(code) && code != "und") g.code = std::string(code);
  return g;
}

bool IsLanguageCode(std::string_view code) {
  if (code == "und") return true;
  return code.size() == 2 && code[0] >= 'a' && code[0] <= 'z' && code[1] >= 'a' && code[1] <= 'z';
}

std::string LanguageName(std::string_view code) {
  static constexpr std::pair<std::string_view, std::string_view> kNames[] = {
      {"ar", "Arabic"},     {"bg", "Bulgarian"},    {"de", "German"},    {"el", "Greek"},
      {"en", "English"},    {"es", "Spanish"},      {"fa", "Persian"},   {"fr", "French"},
      {"he", "Hebrew"},     {"hi", "Hindi"},        {"it", "Italian"},   {"ja", "Japanese"},
      {"ko", "Korean"},     {"mk", "Macedonian"},   {"nl", "Dutch"},     {"pl", "Polish"},
      {"pt", "Portuguese"}, {"ru", "Russian"},      {"sr", "Serbian"},   {"sv", "Swedish"},
      {"th", "Thai"},       {"tr", "Turkish"},      {"uk", "Ukrainian"}, {"ur", "Urdu"},
      {"zh", "Chinese"},    {"und", "undetermined"}};
  for (const auto& [c, n] : kNames)
    if (c == code) return std::string(n);
  return std::string(code);
}

}  // namespace voc
