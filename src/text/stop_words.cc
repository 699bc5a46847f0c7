// Stop words of the languages voc reads (text/stop_words.h).
#include "text/stop_words.h"

#include "text/segment.h"

#include <functional>
#include <string_view>
#include <unordered_set>

namespace voc {
namespace internal {
namespace {

// Stop words: function words of English, French, German, Spanish, Italian,
// Portuguese and Dutch, plus chat filler ("pls", "thx") and reporting verbs
// that say nothing about a theme ("said", "told").
const std::unordered_set<std::string_view>& StopWords() {
  static const auto* const kWords = new std::unordered_set<std::string_view>{
      // English
      "a", "about", "above", "after", "again", "against", "all", "also", "am", "an", "and", "any", "are",
      "aren't", "as", "at", "be", "because", "been", "before", "being", "below", "between", "both", "but",
      "by", "can", "can't", "cannot", "could", "couldn't", "did", "didn't", "do", "does", "doesn't", "doing",
      "don't", "down", "during", "each", "even", "ever", "every", "few", "for", "from", "further", "get",
      "got", "gets", "getting", "had", "hadn't", "has", "hasn't", "have", "haven't", "having", "he", "he'd",
      "he'll", "he's", "her", "here", "here's", "hers", "herself", "him", "himself", "his", "how", "how's",
      "i", "i'd", "i'll", "i'm", "i've", "if", "in", "into", "is", "isn't", "it", "it's", "its", "itself",
      "just", "let's", "like", "me", "more", "most", "mustn't", "my", "myself", "no", "nor", "not", "now",
      "of", "off", "on", "once", "only", "or", "other", "ought", "our", "ours", "ourselves", "out", "over",
      "own", "really", "same", "shan't", "she", "she'd", "she'll", "she's", "should", "shouldn't", "so",
      "some", "still", "such", "than", "that", "that's", "the", "their", "theirs", "them", "themselves",
      "then", "there", "there's", "these", "they", "they'd", "they'll", "they're", "they've", "this", "those",
      "through", "to", "too", "under", "until", "up", "us", "very", "was", "wasn't", "we", "we'd", "we'll",
      "we're", "we've", "were", "weren't", "what", "what's", "when", "when's", "where", "where's", "which",
      "while", "who", "who's", "whom", "why", "why's", "will", "with", "won't", "would", "wouldn't", "you",
      "you'd", "you'll", "you're", "you've", "your", "yours", "yourself", "yourselves", "im", "ive", "dont",
      "cant", "wont", "didnt", "doesnt", "isnt", "wasnt", "u", "ur", "yes", "ok", "okay", "please", "pls",
      "plz", "thanks", "thank", "thx", "hi", "hello", "hey", "said", "told", "say", "says", "back", "since",
      "yet", "via", "etc", "amp", "rt", "would", "could", "may", "might", "must", "shall", "one", "two",
      "much", "many", "well", "go", "going", "went", "gone", "make", "made", "know", "think", "want",
      "wanted", "need", "needed", "see", "way", "thing", "things", "lot", "lol", "oh", "ve", "ll", "re", "de",
      "la", "le", "el", "y", "e", "o", "there'd", "anyone", "someone", "something", "anything", "nothing",
      "everything", "else", "another", "though", "although", "however", "already", "always", "never", "ago",
      "us", "own", "whether", "within", "without", "upon", "around", "among", "per", "onto", "unto", "let",
      "put", "take", "took", "come", "came", "give", "gave", "use", "used", "using", "try", "tried", "able",
      "unable", "ask", "asked", "new", "good", "great", "bad", "today", "yesterday", "tomorrow", "day",
      "days", "time", "times", "year", "years", "week", "weeks", "month", "months", "hour", "hours", "minute",
      "minutes", "first", "last", "next", "http", "https", "www",
      // French
      "au", "aux", "avec", "ce", "ces", "dans", "des", "du", "elle", "en", "et", "eux", "il", "je", "les",
      "leur", "lui", "ma", "mais", "mes", "moi", "mon", "ne", "nos", "notre", "nous", "ou", "par", "pas",
      "pour", "qu", "que", "qui", "sa", "se", "ses", "son", "sur", "ta", "te", "tes", "toi", "ton", "tu",
      "un", "une", "vos", "votre", "vous", "est", "suis", "sont", "été", "être", "avoir", "ai", "as", "avons",
      "avez", "ont", "était", "c'est", "j'ai", "n'est", "plus", "très", "tout", "tous", "cette", "cet",
      "aussi", "bien", "fait", "d'un", "d'une", "l'on", "qu'il", "mon", "ça", "si", "non", "oui", "merci",
      "bonjour",
      // more function words, adverbs and common verbs, as the English list has (no English homographs)
      "comme", "donc", "peu", "peut", "puis", "quand", "rien", "sans", "sous", "toujours", "jamais", "déjà",
      "avant", "après", "alors", "ici", "là", "quoi", "où", "vais", "vont", "sera", "faut", "chez", "trop",
      "pourquoi", "dit", "vraiment", "faire", "fais", "toute", "toutes", "autre", "autres", "même",
      // German
      "aber", "alle", "als", "also", "am", "an", "auch", "auf", "aus", "bei", "bin", "bis", "bist", "da",
      "damit", "dann", "das", "dass", "dein", "dem", "den", "der", "des", "dich", "die", "dir", "doch",
      "dort", "du", "durch", "ein", "eine", "einem", "einen", "einer", "eines", "er", "es", "euer", "für",
      "hab", "habe", "haben", "hat", "hatte", "ich", "ihr", "ihre", "im", "ist", "ja", "jetzt", "kann",
      "kein", "keine", "man", "mein", "meine", "mich", "mir", "mit", "nach", "nicht", "noch", "nur", "ob",
      "oder", "ohne", "sehr", "sein", "sich", "sie", "sind", "so", "über", "um", "und", "uns", "unser", "vom",
      "von", "vor", "war", "waren", "was", "weil", "wenn", "wer", "wie", "wir", "wird", "wurde", "zu", "zum",
      "zur", "danke", "bitte", "hallo",
      // more function words, adverbs and common verbs, as the English list has (no English homographs)
      "allem", "allen", "aller", "alles", "andere", "anderen", "anderer", "anderes", "denn", "dessen", "dies",
      "diese", "diesem", "diesen", "dieser", "dieses", "einige", "einigen", "einmal", "ihn", "ihm", "ihnen",
      "etwas", "euch", "gegen", "gewesen", "hatten", "hier", "hinter", "indem", "ins", "jede", "jedem",
      "jeden", "jeder", "jedes", "können", "könnte", "machen", "manche", "meinem", "meinen", "meiner", "muss",
      "musste", "müssen", "nichts", "nun", "seine", "seinem", "seinen", "seiner", "selbst", "soll", "sollte",
      "sondern", "sonst", "unter", "viel", "viele", "während", "weiter", "welche", "welcher", "werde",
      "werden", "wieder", "wo", "wollen", "wollte", "würde", "würden", "zwar", "zwischen", "schon", "mehr",
      "immer", "nie", "mal", "ganz", "gibt", "kommt",
      // Spanish
      "al", "algo", "como", "con", "cuando", "del", "donde", "él", "ella", "ellos", "era", "es", "esa", "ese",
      "eso", "esta", "está", "estaba", "estar", "este", "esto", "estoy", "fue", "ha", "han", "hay", "las",
      "lo", "los", "me", "mi", "mis", "muy", "más", "nada", "ni", "nos", "nosotros", "para", "pero", "por",
      "porque", "qué", "se", "ser", "si", "sí", "sin", "sobre", "su", "sus", "también", "te", "tengo", "ti",
      "todo", "tu", "tus", "un", "una", "uno", "unos", "ya", "yo", "gracias", "hola",
      // more function words, adverbs and common verbs, as the English list has (no English homographs)
      "así", "pa", "cada", "quien", "quién", "sólo", "tener", "tiene", "tienen", "hacer", "hace", "puede",
      "puedo", "ahora", "aquí", "siempre", "nunca", "otro", "otra", "otros", "mucho", "mucha", "muchos",
      "poco", "entonces", "hasta", "desde", "mismo", "cosa", "cosas", "vez", "será", "están", "estás",
      "estamos", "eres", "soy", "somos", "había", "hoy", "ayer", "mañana", "voy", "vamos", "sabes", "sabe",
      "contigo", "conmigo", "bueno", "buena", "malo", "mala", "igual", "bien",
      // Italian
      "ad", "agli", "ai", "alla", "alle", "anche", "che", "chi", "ci", "col", "come", "con", "da", "dal",
      "dalla", "degli", "dei", "della", "delle", "di", "gli", "ha", "hanno", "ho", "il", "io", "lei", "loro",
      "ma", "mi", "mio", "nel", "nella", "noi", "non", "per", "perché", "più", "quella", "quello", "questa",
      "questo", "sei", "si", "sono", "sta", "sua", "suo", "ti", "tra", "tu", "tutto", "uno", "voi", "grazie",
      "ciao",
      // more function words, adverbs and common verbs, as the English list has (no English homographs)
      "fatto", "cui", "può", "posso", "mai", "sarà", "essere", "avere", "ancora", "già", "sempre", "dopo",
      "quando", "cosa", "così", "tanto", "molto", "poco", "ogni", "altro", "altri", "altra", "nostro",
      "vostro", "oggi", "ieri", "domani", "qualcuno", "qualcosa", "niente", "nulla", "vado", "stato", "era",
      "sia", "siamo", "siete", "ecco", "allora", "sul", "sulla", "nei", "nelle", "del", "dello", "c'è",
      "bene", "buona", "buono",
      // Portuguese
      "ao", "aos", "aquele", "as", "às", "até", "com", "da", "das", "de", "dela", "dele", "depois", "do",
      "dos", "ela", "ele", "em", "entre", "essa", "esse", "esta", "este", "eu", "foi", "há", "isso", "isto",
      "já", "mais", "mas", "meu", "minha", "muito", "na", "não", "nas", "nem", "no", "nos", "num", "numa",
      "os", "ou", "para", "pela", "pelo", "por", "qual", "quando", "que", "se", "sem", "ser", "seu", "sua",
      "são", "também", "tem", "um", "uma", "você", "obrigado", "olá",
      // more function words, adverbs and common verbs, as the English list has (no English homographs)
      "pra", "sou", "desse", "dessa", "disso", "aqui", "vai", "vou", "vamos", "ter", "tenho", "fazer", "faz",
      "pode", "posso", "ainda", "sempre", "nunca", "agora", "hoje", "ontem", "amanhã", "dia", "ano", "coisa",
      "tudo", "nada", "algo", "alguém", "ninguém", "outro", "outra", "cada", "muita", "muitos", "pouco",
      "mesmo", "só", "então", "assim", "estar", "está", "estou", "estão", "era", "foram", "seja", "vez",
      "bem", "bom", "boa",
      // Dutch
      "aan", "al", "bij", "dat", "de", "den", "der", "deze", "die", "dit", "doch", "door", "een", "en", "er",
      "geen", "had", "heb", "hebben", "heeft", "het", "hij", "hoe", "hun", "ik", "in", "is", "je", "kan",
      "maar", "me", "met", "mij", "mijn", "na", "naar", "niet", "niets", "nog", "nu", "of", "om", "ons",
      "ook", "op", "te", "tot", "uit", "van", "veel", "voor", "want", "was", "wat", "we", "wel", "werd",
      "wie", "wij", "zal", "ze", "zei", "zich", "zij", "zijn", "zo", "zou", "bedankt", "dank",
      // Arabic: prepositions, pronouns, demonstratives, particles, forms of "to be"
      "في", "من", "على", "إلى", "الى", "عن", "مع", "هذا", "هذه", "ذلك", "تلك", "التي", "الذي", "الذين", "ما",
      "لا", "لم", "لن", "أن", "ان", "إن", "كان", "كانت", "يكون", "هو", "هي", "هم", "نحن", "أنا", "انا", "أنت",
      "انت", "كل", "قد", "يا", "ثم", "أو", "او", "بعد", "قبل", "حتى", "عند", "بين", "منذ", "لقد", "هل", "ليس",
      "أي", "اي", "كما", "لكن", "بل", "إذا", "اذا", "فى", "وفي", "ومن", "وهو", "وهي", "وما", "ولا", "كيف",
      "لماذا", "متى", "أين", "شكرا"};
  return *kWords;
}

}  // namespace

bool IsStopWord(std::string_view word) { return StopWords().count(word) != 0; }

void ForEachStopWord(const std::function<void(std::string_view)>& f) {
  for (std::string_view w : StopWords()) f(w);
}

bool IsContentWord(std::string_view w) {
  // 3+ bytes: 2+ ASCII characters or a non-ASCII one; 2 bytes: 2 ASCII ones.
  if (w.size() < 2 || (w.size() == 2 && static_cast<unsigned char>(w[0]) >= 0x80)) return false;
  bool all_x = true, letter = false;
  for (unsigned char c : w) {
    if (c != 'x') all_x = false;
    if ((c >= 'a' && c <= 'z') || c >= 0x80) letter = true;
  }
  return letter && !all_x && !IsNumberWord(w) && !IsStopWord(w);
}

}  // namespace internal
}  // namespace voc
