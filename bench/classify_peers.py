#!/usr/bin/python3
"""Side-by-side accuracy / macro-F1 of `voc train` (defaults) against the
classical peers of BASELINES.md, on the fixed splits, in one run:

  scikit-learn TF-IDF word 1-2 + char_wb 2-5 grams with LinearSVC(C=0.5) and
  LogisticRegression(C=10); the fastText CLI with its defaults and with
  -epoch 25 -lr 0.5 -wordNgrams 2 (-minn 2 -maxn 5).

Also classification throughput: `voc predict` against `fasttext predict` on
the same test texts. Writes bench/results/classify.md.

usage: /usr/bin/python3 bench/classify_peers.py [--voc build/bin/voc]
       [--splits DIR] [--tasks a,b] [--out bench/results/classify.md]
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile
import time

import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score
from sklearn.pipeline import make_union
from sklearn.svm import LinearSVC

TASKS = ["bitext_intent", "cfpb_product", "reviews_sentiment", "tweets_sentiment"]
TOKEN = re.compile(r"\w+|[^\w\s]")


def ft_text(s):
    return " ".join(TOKEN.findall(str(s).lower()))


def scores(y, p):
    return accuracy_score(y, p), f1_score(y, p, average="macro")


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw)


def sklearn_peers(tr, te):
    vec = make_union(
        TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True),
        TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True))
    xtr = vec.fit_transform(tr.text)
    xte = vec.transform(te.text)
    out = {}
    for name, m in [("sklearn LinearSVC(C=0.5)", LinearSVC(C=0.5)),
                    ("sklearn LogReg(C=10)", LogisticRegression(C=10, max_iter=2000))]:
        m.fit(xtr, tr.label)
        out[name] = scores(te.label, m.predict(xte))
    return out


def fasttext_peers(tr, te, tmp):
    trf, tef = os.path.join(tmp, "ft_train.txt"), os.path.join(tmp, "ft_test.txt")
    with open(trf, "w") as f:
        for t, l in zip(tr.text, tr.label):
            f.write("__label__%s %s\n" % (str(l).replace(" ", "_"), ft_text(t)))
    with open(tef, "w") as f:
        for t in te.text:
            f.write(ft_text(t) + "\n")
    out, models = {}, {}
    configs = [("fastText defaults", []),
               ("fastText -epoch 25 -lr 0.5 -wordNgrams 2", ["-epoch", "25", "-lr", "0.5", "-wordNgrams", "2"]),
               ("fastText same + -minn 2 -maxn 5",
                ["-epoch", "25", "-lr", "0.5", "-wordNgrams", "2", "-minn", "2", "-maxn", "5"])]
    for i, (name, args) in enumerate(configs):
        base = os.path.join(tmp, "ft%d" % i)
        run(["fasttext", "supervised", "-input", trf, "-output", base, "-verbose", "0"] + args)
        pred = run(["fasttext", "predict", base + ".bin", tef]).stdout.decode().split("\n")
        pred = [p[len("__label__"):] for p in pred[: len(te)]]
        truth = [str(l).replace(" ", "_") for l in te.label]
        out[name] = scores(truth, pred)
        models[name] = base + ".bin"
    return out, models, tef


def throughput(voc, voc_model, ft_model, te, ft_test, tmp, repeat):
    raw = os.path.join(tmp, "texts.txt")
    with open(raw, "w") as f:
        for _ in range(repeat):
            for t in te.text:
                f.write(str(t).replace("\r", " ").replace("\n", " ") + "\n")
    ftin = os.path.join(tmp, "ft_texts.txt")
    with open(ftin, "w") as f, open(ft_test) as g:
        lines = g.read()
        for _ in range(repeat):
            f.write(lines)
    n = len(te) * repeat
    best = {}
    for name, cmd in [("voc", [voc, "predict", "--model", voc_model, raw]),
                      ("fasttext", ["fasttext", "predict", ft_model, ftin])]:
        times = []
        for _ in range(2):
            s = time.perf_counter()
            run(cmd)
            times.append(time.perf_counter() - s)
        best[name] = n / min(times)
    return best


def main():
    ap = argparse.ArgumentParser()
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--voc", default=os.path.join(here, "..", "build", "bin", "voc"))
    ap.add_argument("--splits", default=os.path.join(
        os.environ.get("VOC_DATA", os.path.join(here, "..", "..", "shared", "data")), "splits"))
    ap.add_argument("--tasks", default=",".join(TASKS))
    ap.add_argument("--out", default=os.path.join(here, "results", "classify.md"))
    args = ap.parse_args()
    rows, speed, notes = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        for task in args.tasks.split(","):
            train = os.path.join(args.splits, task + "_train.csv")
            test = os.path.join(args.splits, task + "_test.csv")
            tr = pd.read_csv(train, keep_default_na=False)
            te = pd.read_csv(test, keep_default_na=False)
            print("==", task, len(tr), "train", len(te), "test", file=sys.stderr, flush=True)
            model = os.path.join(tmp, task + ".vocm")
            s = time.perf_counter()
            out = run([args.voc, "train", "--input", train, "--output", model, "--task", task]).stdout.decode()
            train_s = time.perf_counter() - s
            settings = re.search(r"settings: (.*)", out).group(1)
            ev = run([args.voc, "eval", "--model", model, "--input", test, "--json"]).stdout.decode()
            import json
            d = json.loads(ev)
            res = {"voc train (defaults)": (d["accuracy"], d["macro_f1"])}
            res.update(sklearn_peers(tr, te))
            ft, ft_models, ft_test = fasttext_peers(tr, te, tmp)
            res.update(ft)
            rows.append((task, tr.label.nunique(), res))
            notes.append("- %s: voc chose %s (train %.0f s, model %.1f MB)" % (
                task, settings, train_s, os.path.getsize(model) / 1e6))
            repeat = max(1, 5000 // len(te))
            sp = throughput(args.voc, model, ft_models["fastText same + -minn 2 -maxn 5"], te, ft_test, tmp,
                            repeat)
            speed.append((task, sp))
            print(task, res, sp, file=sys.stderr, flush=True)
    cols = list(rows[0][2].keys())
    lines = ["# voc train vs classical peers", "",
             "Produced by `/usr/bin/python3 bench/classify_peers.py` (one run, same machine, same splits "
             "`../shared/data/splits`). Accuracy / macro-F1 on the test split; **bold**: voc at or above "
             "the best peer on that metric.", "",
             "| task (labels) | " + " | ".join(cols) + " |", "|---" * (len(cols) + 1) + "|"]
    for task, nl, res in rows:
        best_acc = max(v[0] for k, v in res.items() if not k.startswith("voc"))
        best_f1 = max(v[1] for k, v in res.items() if not k.startswith("voc"))
        cells = []
        for k in cols:
            a, f = res[k]
            if k.startswith("voc"):
                cells.append(("**%.4f**" if a >= best_acc else "%.4f") % a + " / " +
                             ("**%.4f**" if f >= best_f1 else "%.4f") % f)
            else:
                cells.append("%.4f / %.4f" % (a, f))
        lines.append("| %s (%d) | %s |" % (task, nl, " | ".join(cells)))
    lines += ["", "Chosen settings:", ""] + notes
    lines += ["", "## Classification throughput", "",
              "`voc predict --model M FILE` (raw text, one per line) vs `fasttext predict MODEL FILE` "
              "(pre-tokenized text, model trained with -epoch 25 -lr 0.5 -wordNgrams 2 -minn 2 -maxn 5), "
              "the test texts repeated to at least 5k lines, best of 2, single process.", "",
              "| task | voc docs/s | fastText docs/s | voc / fastText |", "|---|---|---|---|"]
    for task, sp in speed:
        lines.append("| %s | %.0f | %.0f | %.2f |" % (task, sp["voc"], sp["fasttext"], sp["voc"] / sp["fasttext"]))
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
