#!/usr/bin/python3
"""Builds models/background.tsv, the general background of theme discovery:
how common each content word and two-word phrase is in general English text.

    /usr/bin/python3 models/make_background.py [--voc build/bin/voc]
        [--data ../shared/data] [-o models/background.tsv]

Sources (permissively licensed, local copies under --data; attribution in
third_party/background/NOTICE.md), each one "source":
  tweets, amazon, movies, nyt   vader/groundtruth/*_GroundTruth.txt (MIT)
  clothing                      womens_ecommerce_clothing_reviews, Review Text (CC0)
  uci                           uci_sentiment_labelled_sentences, 3 files (CC BY 4.0)
None of them is a corpus that bench/discovery.py scores.

Words are voc's own (`voc tokenize --no-sentences`): words, contractions and
hashtags (without '#'), case-folded, possessive 's stripped, no digits,
punctuation other than - ' / & ends a run (as the discovery sample's content
words, src/insight/aggregate_sample.cc). A phrase is one word or two
consecutive words of a run, neither a stop word (the list of
src/text/stop_words.cc). Its rate in a source is the share of the source's
documents holding it; its background rate is the MEDIAN of its rates over the
sources, so a word is common in the background only when it is common in most
kinds of text ("day", "time", "money"), never because one source is about it
("dress" in the clothing reviews, "movie" in the film snippets). Kept: rates
of at least --min-ppm documents per million. Output (format in
models/BACKGROUND.md): comment lines, the header `phrase<TAB>per_million`,
then one `phrase<TAB>integer` line per phrase, sorted by phrase.
"""
import argparse
import csv
import json
import os
import re
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def vader(data, name):
    path = os.path.join(data, "vader", "groundtruth", name + "_GroundTruth.txt")
    out = []
    with open(path, encoding="utf-8", errors="replace", newline="") as f:
        for line in f.read().replace("\r\n", "\n").split("\n"):
            parts = line.split("\t")
            if len(parts) >= 3 and parts[2].strip():
                out.append(parts[2])
    return out


def clothing(data):
    path = os.path.join(data, "womens_ecommerce_clothing_reviews", "womens_clothing_ecommerce_reviews.csv")
    with open(path, newline="", encoding="utf-8") as f:
        return [r["Review Text"] for r in csv.DictReader(f) if r.get("Review Text", "").strip()]


def uci(data):
    out = []
    for name in ("amazon_cells_labelled.txt", "imdb_labelled.txt", "yelp_labelled.txt"):
        with open(os.path.join(data, "uci_sentiment_labelled_sentences", name), encoding="utf-8",
                  newline="") as f:
            for line in f.read().split("\n"):
                text = line.rsplit("\t", 1)[0]
                if text.strip():
                    out.append(text)
    return out


SOURCES = [
    ("tweets", lambda d: vader(d, "tweets")),
    ("amazon", lambda d: vader(d, "amazonReviewSnippets")),
    ("movies", lambda d: vader(d, "movieReviewSnippets")),
    ("nyt", lambda d: vader(d, "nytEditorialSnippets")),
    ("clothing", clothing),
    ("uci", uci),
]


def stop_words():
    """The stop list of src/text/stop_words.cc (the quoted words of StopWords())."""
    src = open(os.path.join(ROOT, "src", "text", "stop_words.cc"), encoding="utf-8").read()
    body = src[src.index("StopWords()"):src.index("return *kWords")]
    return set(re.findall(r'"([^"]*)"', body))


def content_runs(voc, texts):
    """Per text, the runs of content words (lists of words), from voc's tokenizer."""
    # One text per line: line breaks and NEL inside a text become spaces.
    payload = "".join(re.sub(r"[\r\n\x85\u2028\u2029]+", " ", t) + "\n" for t in texts)
    p = subprocess.run([voc, "tokenize", "--no-sentences", "-", "--threads", "2"], input=payload.encode(),
                       stdout=subprocess.PIPE, check=True)
    out = []
    for line in p.stdout.decode("utf-8").splitlines():
        runs, run = [], []
        for tok in json.loads(line)["tokens"]:
            kind, w = tok["kind"], tok.get("norm", tok["text"])
            keep = False
            if kind in ("word", "contraction"):
                keep = True
            elif kind == "hashtag":
                w, keep = w[1:], True
            elif kind == "punct" and w in ("-", "'", "/", "&"):
                continue
            if keep and len(w) > 2 and w.endswith("'s"):
                w = w[:-2]
            if keep and (len(w) < 2 or any(c.isdigit() for c in w) or not any(c.isalpha() for c in w)):
                keep = False
            if keep:
                run.append(w)
            elif run:
                runs.append(run)
                run = []
        if run:
            runs.append(run)
        out.append(runs)
    if len(out) != len(texts):
        sys.exit("voc tokenize returned %d lines for %d texts" % (len(out), len(texts)))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--voc", default=os.path.join(ROOT, "build", "bin", "voc"))
    ap.add_argument("--data", default=os.path.join(ROOT, "..", "shared", "data"))
    ap.add_argument("-o", "--output", default=os.path.join(HERE, "background.tsv"))
    ap.add_argument("--min-ppm", type=int, default=200,
                    help="smallest background rate kept, documents per million (default 200)")
    a = ap.parse_args()
    stops = stop_words()
    rates = {}  # phrase -> [rate per source]
    counts = []
    for k, (name, load) in enumerate(SOURCES):
        texts = load(a.data)
        counts.append((name, len(texts)))
        df = {}
        for runs in content_runs(a.voc, texts):
            seen = set()
            for run in runs:
                for i, w in enumerate(run):
                    if w in stops:
                        continue
                    seen.add(w)
                    if i + 1 < len(run) and run[i + 1] not in stops:
                        seen.add(w + " " + run[i + 1])
            for p in seen:
                df[p] = df.get(p, 0) + 1
        for p, c in df.items():
            rates.setdefault(p, [0.0] * len(SOURCES))[k] = c / len(texts)
    rows = []
    for p, r in rates.items():
        ppm = int(round(statistics.median(r) * 1e6))
        if ppm >= a.min_ppm:
            rows.append((p, ppm))
    rows.sort()
    with open(a.output, "w", encoding="utf-8", newline="\n") as f:
        f.write("# voc general background for theme discovery (format: models/BACKGROUND.md).\n")
        f.write("# Built by models/make_background.py --min-ppm %d from: %s.\n" % (
            a.min_ppm, ", ".join("%s %d" % c for c in counts)))
        f.write("# per_million: median over the sources of the documents per million holding the phrase.\n")
        f.write("# Sources and licences: third_party/background/NOTICE.md.\n")
        f.write("phrase\tper_million\n")
        for p, ppm in rows:
            f.write("%s\t%d\n" % (p, ppm))
    words = sum(1 for p, _ in rows if " " not in p)
    print("%s: %d phrases (%d words, %d two-word phrases), %d bytes" % (
        a.output, len(rows), words, len(rows) - words, os.path.getsize(a.output)), file=sys.stderr)


if __name__ == "__main__":
    main()
