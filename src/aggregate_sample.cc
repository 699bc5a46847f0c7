// The discovery sample of the aggregate: the records with the smallest
// content hash, with their content words (from the Tokenizer).
#include <algorithm>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "aggregate_data.h"
#include "voc/tokenizer.h"

namespace voc {
namespace internal {
namespace {

// Stop words: function words of English, French, German, Spanish, Italian,
// Portuguese and Dutch, plus chat filler ("pls", "thx") and reporting verbs
// that say nothing about a theme ("said", "told").
const std::unordered_set<std::string_view>& StopWords() {
  static const auto* const kWords = new std::unordered_set<std::string_view>{
      // English
      "a", "about", "above", "after", "again", "against", "all", "also", "am", "an", "and",
      "any", "are", "aren't", "as", "at", "be", "because", "been", "before", "being", "below",
      "between", "both", "but", "by", "can", "can't", "cannot", "could", "couldn't", "did",
      "didn't", "do", "does", "doesn't", "doing", "don't", "down", "during", "each", "even",
      "ever", "every", "few", "for", "from", "further", "get", "got", "gets", "getting", "had",
      "hadn't", "has", "hasn't", "have", "haven't", "having", "he", "he'd", "he'll", "he's",
      "her", "here", "here's", "hers", "herself", "him", "himself", "his", "how", "how's", "i",
      "i'd", "i'll", "i'm", "i've", "if", "in", "into", "is", "isn't", "it", "it's", "its",
      "itself", "just", "let's", "like", "me", "more", "most", "mustn't", "my", "myself", "no",
      "nor", "not", "now", "of", "off", "on", "once", "only", "or", "other", "ought", "our",
      "ours", "ourselves", "out", "over", "own", "really", "same", "shan't", "she", "she'd",
      "she'll", "she's", "should", "shouldn't", "so", "some", "still", "such", "than", "that",
      "that's", "the", "their", "theirs", "them", "themselves", "then", "there", "there's",
      "these", "they", "they'd", "they'll", "they're", "they've", "this", "those", "through",
      "to", "too", "under", "until", "up", "us", "very", "was", "wasn't", "we", "we'd",
      "we'll", "we're", "we've", "were", "weren't", "what", "what's", "when", "when's",
      "where", "where's", "which", "while", "who", "who's", "whom", "why", "why's", "will",
      "with", "won't", "would", "wouldn't", "you", "you'd", "you'll", "you're", "you've",
      "your", "yours", "yourself", "yourselves", "im", "ive", "dont", "cant", "wont", "didnt",
      "doesnt", "isnt", "wasnt", "u", "ur", "yes", "ok", "okay", "please", "pls", "plz",
      "thanks", "thank", "thx", "hi", "hello", "hey", "said", "told", "say", "says", "back",
      "since", "yet", "via", "etc", "amp", "rt", "would", "could", "may", "might", "must",
      "shall", "one", "two", "much", "many", "well", "go", "going", "went", "gone", "make",
      "made", "know", "think", "want", "wanted", "need", "needed", "see", "way", "thing",
      "things", "lot", "lol", "oh", "ve", "ll", "re", "de", "la", "le", "el", "y", "e", "o",
      "there'd", "anyone", "someone", "something", "anything", "nothing", "everything", "else",
      "another", "though", "although", "however", "already", "always", "never", "ago", "us",
      "own", "whether", "within", "without", "upon", "around", "among", "per", "onto", "unto",
      "let", "put", "take", "took", "come", "came", "give", "gave", "use", "used", "using",
      "try", "tried", "able", "unable", "ask", "asked", "new", "good", "great", "bad", "today",
      "yesterday", "tomorrow", "day", "days", "time", "times", "year", "years", "week", "weeks",
      "month", "months", "hour", "hours", "minute", "minutes", "first", "last", "next",
      // French
      "au", "aux", "avec", "ce", "ces", "dans", "des", "du", "elle", "en", "et", "eux", "il",
      "je", "les", "leur", "lui", "ma", "mais", "mes", "moi", "mon", "ne", "nos", "notre",
      "nous", "ou", "par", "pas", "pour", "qu", "que", "qui", "sa", "se", "ses", "son", "sur",
      "ta", "te", "tes", "toi", "ton", "tu", "un", "une", "vos", "votre", "vous", "est", "suis",
      "sont", "été", "être", "avoir", "ai", "as", "avons", "avez", "ont", "était", "c'est",
      "j'ai", "n'est", "plus", "très", "tout", "tous", "cette", "cet", "aussi", "bien", "fait",
      "d'un", "d'une", "l'on", "qu'il", "mon", "ça", "si", "non", "oui", "merci", "bonjour",
      // German
      "aber", "alle", "als", "also", "am", "an", "auch", "auf", "aus", "bei", "bin", "bis",
      "bist", "da", "damit", "dann", "das", "dass", "dein", "dem", "den", "der", "des", "dich",
      "die", "dir", "doch", "dort", "du", "durch", "ein", "eine", "einem", "einen", "einer",
      "eines", "er", "es", "euer", "für", "hab", "habe", "haben", "hat", "hatte", "ich", "ihr",
      "ihre", "im", "ist", "ja", "jetzt", "kann", "kein", "keine", "man", "mein", "meine",
      "mich", "mir", "mit", "nach", "nicht", "noch", "nur", "ob", "oder", "ohne", "sehr",
      "sein", "sich", "sie", "sind", "so", "über", "um", "und", "uns", "unser", "vom", "von",
      "vor", "war", "waren", "was", "weil", "wenn", "wer", "wie", "wir", "wird", "wurde", "zu",
      "zum", "zur", "danke", "bitte", "hallo",
      // Spanish
      "al", "algo", "como", "con", "cuando", "del", "donde", "él", "ella", "ellos", "era",
      "es", "esa", "ese", "eso", "esta", "está", "estaba", "estar", "este", "esto", "estoy",
      "fue", "ha", "han", "hay", "las", "lo", "los", "me", "mi", "mis", "muy", "más", "nada",
      "ni", "nos", "nosotros", "para", "pero", "por", "porque", "qué", "se", "ser", "si", "sí",
      "sin", "sobre", "su", "sus", "también", "te", "tengo", "ti", "todo", "tu", "tus", "un",
      "una", "uno", "unos", "ya", "yo", "gracias", "hola",
      // Italian
      "ad", "agli", "ai", "alla", "alle", "anche", "che", "chi", "ci", "col", "come", "con",
      "da", "dal", "dalla", "degli", "dei", "della", "delle", "di", "gli", "ha", "hanno", "ho",
      "il", "io", "lei", "loro", "ma", "mi", "mio", "nel", "nella", "noi", "non", "per",
      "perché", "più", "quella", "quello", "questa", "questo", "sei", "si", "sono", "sta",
      "sua", "suo", "ti", "tra", "tu", "tutto", "uno", "voi", "grazie", "ciao",
      // Portuguese
      "ao", "aos", "aquele", "as", "às", "até", "com", "da", "das", "de", "dela", "dele",
      "depois", "do", "dos", "ela", "ele", "em", "entre", "essa", "esse", "esta", "este",
      "eu", "foi", "há", "isso", "isto", "já", "mais", "mas", "meu", "minha", "muito", "na",
      "não", "nas", "nem", "no", "nos", "num", "numa", "os", "ou", "para", "pela", "pelo",
      "por", "qual", "quando", "que", "se", "sem", "ser", "seu", "sua", "são", "também", "tem",
      "um", "uma", "você", "obrigado", "olá",
      // Dutch
      "aan", "al", "bij", "dat", "de", "den", "der", "deze", "die", "dit", "doch", "door",
      "een", "en", "er", "geen", "had", "heb", "hebben", "heeft", "het", "hij", "hoe", "hun",
      "ik", "in", "is", "je", "kan", "maar", "me", "met", "mij", "mijn", "na", "naar", "niet",
      "niets", "nog", "nu", "of", "om", "ons", "ook", "op", "te", "tot", "uit", "van", "veel",
      "voor", "want", "was", "wat", "we", "wel", "werd", "wie", "wij", "zal", "ze", "zei",
      "zich", "zij", "zijn", "zo", "zou", "bedankt", "dank"};
  return *kWords;
}

const Tokenizer& SampleTokenizer() {
  static const Tokenizer* const kTokenizer = [] {
    TokenizerOptions o;
    o.sentences = false;
    Result<std::unique_ptr<Tokenizer>> t = Tokenizer::Create(o);
    return t.ok() ? t->release() : nullptr;
  }();
  return *kTokenizer;
}

bool HasDigit(std::string_view w) {
  for (unsigned char c : w)
    if (c >= '0' && c <= '9') return true;
  return false;
}

// Words of at least two characters (one CJK character counts).
bool LongEnough(std::string_view w) {
  if (w.size() >= 3) return true;  // 3+ bytes: 2+ ASCII letters or a non-ASCII char
  return w.size() == 2 && static_cast<unsigned char>(w[0]) < 0x80;
}

}  // namespace

bool IsStopWord(std::string_view word) { return StopWords().count(word) != 0; }

bool SampleLess(const SampleDoc& a, const SampleDoc& b) {
  return a.hash != b.hash ? a.hash < b.hash : a.id < b.id;
}

std::string ContentTerms(std::string_view text, size_t max_bytes) {
  std::string out;
  const Tokenization t = SampleTokenizer().Tokenize(text);
  bool run_open = false;
  auto brk = [&] {
    if (run_open) out.push_back('\n');
    run_open = false;
  };
  for (const Token& tok : t.tokens) {
    std::string_view w = tok.norm;
    bool keep = false;
    switch (tok.kind) {
      case TokenKind::kWord:
      case TokenKind::kContraction:
        keep = true;
        break;
      case TokenKind::kHashtag:
        w.remove_prefix(1);
        keep = true;
        break;
      case TokenKind::kPunct:
        // An apostrophe or hyphen inside a phrase does not end it.
        if (w == "-" || w == "'" || w == "/" || w == "&") continue;
        break;
      default:
        break;
    }
    if (keep) {
      // Strip possessive "'s" so "company's" and "company" are one word.
      if (w.size() > 2 && w.substr(w.size() - 2) == "'s") w.remove_suffix(2);
      keep = LongEnough(w) && !HasDigit(w) && !IsStopWord(w) &&
             w.find_first_not_of('x') != std::string_view::npos;
    }
    if (!keep) {
      brk();
      continue;
    }
    if (out.size() + w.size() + 1 > max_bytes) break;
    if (run_open) out.push_back(' ');
    out.append(w.data(), w.size());
    run_open = true;
  }
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

void OfferSample(AggregateData* d, const Analysis& a, const std::string& period,
                 const std::string& channel, const Counts& c, bool covered, uint64_t hash) {
  const size_t k = d->options.discovery_sample;
  if (k == 0) return;
  std::vector<SampleDoc>& s = d->sample;
  if (s.size() >= k && (s.back().hash < hash || (s.back().hash == hash && s.back().id <= a.id)))
    return;  // cheap reject: most records after the first k
  SampleDoc x;
  x.hash = hash;
  x.id = a.id;
  x.period = period;
  x.channel = channel;
  x.polarity = static_cast<int>(a.sentiment.label);
  x.score_micros = c.score_micros;
  x.emotion_micros = c.emotion_micros;
  for (int i = 0; i < kSignalCount; ++i)
    if (c.signals[i]) x.signals |= 1u << i;
  x.covered = covered;
  x.terms = ContentTerms(a.text, 512);
  const auto [b, e] = SnippetRange(a.text, 0, 0, d->options.snippet_bytes);
  x.snippet = a.text.substr(b, e - b);
  auto it = std::lower_bound(s.begin(), s.end(), x, SampleLess);
  if (it != s.end() && it->hash == x.hash && it->id == x.id) return;  // the same record twice
  s.insert(it, std::move(x));
  if (s.size() > k) s.pop_back();
}

void MergeSample(std::vector<SampleDoc>* into, const std::vector<SampleDoc>& from, size_t k) {
  std::vector<SampleDoc> all;
  all.reserve(std::min(k, into->size() + from.size()));
  auto a = into->begin();
  auto b = from.begin();
  while (all.size() < k && (a != into->end() || b != from.end())) {
    if (b == from.end() || (a != into->end() && SampleLess(*a, *b))) {
      all.push_back(std::move(*a++));
    } else if (a == into->end() || SampleLess(*b, *a)) {
      all.push_back(*b++);
    } else {  // equal keys: one record
      all.push_back(std::move(*a++));
      ++b;
    }
  }
  *into = std::move(all);
}

}  // namespace internal
}  // namespace voc
