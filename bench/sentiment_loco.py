#!/usr/bin/python3
"""Leave-one-corpus-out evaluation of voc's sentiment against VADER and wink-nlp.

For each corpus C in {tweets, reviews, uci, snippets}: train a quantized
sentiment model with `voc train --task sentiment` (a linear model stacked on
the lexicon) on the other corpora (plus Bitext customer-service requests as
neutral examples), then score C's test texts with voc (lexicon only, model only,
the blend with parameters chosen on the other three folds only, and the blend
with the shipped defaults) and with the peers VADER (npm vader-sentiment) and wink-nlp (npm wink-nlp +
wink-eng-lite-web-model) on the same texts, in one run. Peers map to 3 classes
with score >= 0.05 positive, <= -0.05 negative.

  npm install --prefix "$TMPDIR/peers" vader-sentiment wink-nlp wink-eng-lite-web-model
  /usr/bin/python3 bench/sentiment_loco.py --voc build/bin/voc --peers "$TMPDIR/peers/node_modules"

With --ship OUT.vocm it also trains the default model on every corpus's training
part (tweets and reviews train splits, all of uci and snippets), quantized, and
scores the tweets and reviews test splits (held out from it).
"""
import argparse, csv, glob, json, math, os, random, subprocess, sys, tempfile, time
from sklearn.metrics import f1_score

HERE = os.path.dirname(os.path.abspath(__file__))
LABELS = ["negative", "neutral", "positive"]
WEIGHTS = [round(0.1 * i, 1) for i in range(11)]
THRESHOLDS = [0.02, 0.05, 0.08, 0.1, 0.12, 0.15, 0.2, 0.25, 0.3]
TRAIN_ARGS = []  # voc train's defaults


def clean(t):
    return " ".join(t.replace("\r", " ").replace("\n", " ").split())


def three(v):  # VADER ground truth mean rating (-4..4) -> 3 classes, as make_splits.py does
    return "negative" if v <= -0.5 else ("positive" if v >= 0.5 else "neutral")


def read_split(path):
    with open(path, encoding="utf-8", newline="") as f:
        return [(clean(r["text"]), r["label"]) for r in csv.DictReader(f) if clean(r["text"])]


def read_groundtruth(path):
    rows = []
    for line in open(path, encoding="utf-8", errors="replace", newline=""):
        p = line.rstrip("\r\n").split("\t")
        if len(p) >= 3 and clean(p[2]):
            rows.append((clean(p[2]), three(float(p[1]))))
    return rows


def load(data, test_cap, seed):
    rnd = random.Random(seed)
    sp = os.path.join(data, "splits")
    gt = os.path.join(data, "vader", "groundtruth")
    tweets_all = read_groundtruth(os.path.join(gt, "tweets_GroundTruth.txt"))
    uci = []
    for f in sorted(glob.glob(os.path.join(data, "uci_sentiment_labelled_sentences", "*_labelled.txt"))):
        for line in open(f, encoding="utf-8", newline="\n"):
            t, _, l = line.rstrip("\n").rpartition("\t")
            if clean(t) and l.strip() in ("0", "1"):
                uci.append((clean(t), "positive" if l.strip() == "1" else "negative"))
    snippets = []
    for name in ("amazonReviewSnippets", "movieReviewSnippets", "nytEditorialSnippets"):
        snippets += read_groundtruth(os.path.join(gt, f"{name}_GroundTruth.txt"))

    def cap(rows):
        rows = list(rows)
        return rnd.sample(rows, test_cap) if len(rows) > test_cap else rows

    # name -> (training rows, test rows)
    corpora = {
        "tweets": (read_split(os.path.join(sp, "tweets_sentiment_train.csv")), cap(tweets_all)),
        "reviews": (read_split(os.path.join(sp, "reviews_sentiment_train.csv")),
                    cap(read_split(os.path.join(sp, "reviews_sentiment_test.csv")))),
        "uci": (uci, cap(uci)),
        "snippets": (snippets, cap(snippets)),
    }
    return corpora


def bitext_neutral(data):
    """Customer-service requests (Bitext intents, training split) as examples of
    the neutral class; the `complaint` intent is left out. Training only."""
    rows = read_split(os.path.join(data, "splits", "bitext_intent_train.csv"))
    return [(t, "neutral") for t, l in rows if l != "complaint"]


def train_voc(voc, rows, out_prefix, backend="auto"):
    """`voc train --task sentiment --quantize` on `rows`; returns the model path."""
    path = out_prefix + ".train.csv"
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["text", "label"])
        w.writerows(rows)
    model = out_prefix + ".vocm"
    subprocess.run([voc, "train", "--task", "sentiment", "--input", path, "--output", model, "--quantize",
                    "--backend", backend] + TRAIN_ARGS, check=True, stdout=subprocess.DEVNULL)
    os.remove(path)
    return model


def run_voc(voc, texts, model=None, extra=()):
    args = [voc, "sentiment", "-", "--no-sentences", "--components", "--max-evidence", "0"]
    args += ["--model", model] if model else ["--no-model"]
    args += list(extra)
    data = "".join(t + "\n" for t in texts).encode("utf-8")
    t0 = time.perf_counter()
    p = subprocess.run(args, input=data, stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=True)
    dt = time.perf_counter() - t0
    out = [json.loads(l) for l in p.stdout.decode("utf-8").split("\n") if l]
    assert len(out) == len(texts), (len(out), len(texts))
    return out, len(texts) / dt


def run_peers(node_path, texts):
    data = "".join(json.dumps(t) + "\n" for t in texts).encode("utf-8")
    env = dict(os.environ, NODE_PATH=node_path)
    p = subprocess.run(["node", os.path.join(HERE, "sentiment_peers.js")], input=data, env=env,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=True)
    out = [json.loads(l) for l in p.stdout.decode("utf-8").split("\n") if l]
    assert len(out) == len(texts)
    return out, json.loads(p.stderr.decode("utf-8").strip().split("\n")[-1])


def peer_label(x):
    return "positive" if x >= 0.05 else ("negative" if x <= -0.05 else "neutral")


TEMPERATURES = [1.0, 2.0, 4.0]
GRID = [(t, w, thr) for t in TEMPERATURES for w in WEIGHTS for thr in THRESHOLDS]


def blend(rec, w, thr, temp=1.0):
    """voc's blend, as in SentimentAnalyzer::Impl::Finish."""
    s = rec["lexicon_score"]
    polar = 1.0 / (1.0 + math.exp(-12.0 * (abs(s) - thr))) if s != 0 else 0.0
    q = [polar if s < 0 else 0.0, 1.0 - polar, polar if s > 0 else 0.0]
    m = rec.get("model")
    if m and w > 0:
        mv = [m["negative"], m["neutral"], m["positive"]]
        if sum(mv) > 0:
            mv = [max(v, 1e-6) ** (1.0 / temp) for v in mv]
            tot = sum(mv)
            q = [(1 - w) * q[c] + w * mv[c] / tot for c in range(3)]
    best = 1
    if q[0] > q[best]: best = 0
    if q[2] > q[best]: best = 2
    return LABELS[best]


def metrics(gold, pred):
    labels = sorted(set(gold))
    acc = sum(g == p for g, p in zip(gold, pred)) / len(gold)
    return acc, f1_score(gold, pred, labels=labels, average="macro", zero_division=0)


def grid_scores(recs, gold):
    """(accuracy, macro-F1) of every blend setting in GRID."""
    return [metrics(gold, [blend(x, w, thr, t) for x in recs]) for (t, w, thr) in GRID]


def criterion(acc_f1, select):
    return acc_f1[1] if select == "f1" else 0.5 * (acc_f1[0] + acc_f1[1])


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--voc", default=os.path.join(HERE, "..", "build", "bin", "voc"))
    ap.add_argument("--peers", default=os.path.join(tempfile.gettempdir(), "peers", "node_modules"), help="node_modules with the npm peers")
    ap.add_argument("--data", default=os.environ.get("VOC_DATA", os.path.join(HERE, "..", "..", "shared", "data")))
    ap.add_argument("--test-cap", type=int, default=4000, help="most test texts per corpus (seeded sample)")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--default-weight", type=float, help="SentimentOptions::model_weight "
                    "(default: the best over all four folds)")
    ap.add_argument("--default-threshold", type=float, help="SentimentOptions::neutral_threshold (same)")
    ap.add_argument("--default-temperature", type=float, help="SentimentOptions::model_temperature (same)")
    ap.add_argument("--select", choices=("mean", "f1"), default="mean",
                    help="blend settings are chosen by the mean of accuracy and macro-F1, or by macro-F1")
    ap.add_argument("--ship", help="also train the default model to this .vocm path")
    ap.add_argument("--backend", default="auto", help="voc train --backend for the stacked model (auto: linear)")
    ap.add_argument("--json", help="write all figures here")
    ap.add_argument("--no-bitext", action="store_true",
                    help="do not add Bitext customer-service requests as neutral training examples")
    a = ap.parse_args()

    corpora = load(a.data, a.test_cap, a.seed)
    extra = [] if a.no_bitext else bitext_neutral(a.data)
    work = tempfile.mkdtemp(prefix="voc_sentiment_loco_")
    fold = {}
    speed = {}
    for held in corpora:
        train = [r for name, (tr, _) in corpora.items() if name != held for r in tr] + extra
        random.Random(a.seed).shuffle(train)
        model = train_voc(a.voc, train, os.path.join(work, f"loco_{held}"), a.backend)
        test = corpora[held][1]
        texts, gold = [t for t, _ in test], [l for _, l in test]
        recs, dps_model = run_voc(a.voc, texts, model)
        _, dps_lex = run_voc(a.voc, texts, None)
        peers, peer_speed = run_peers(a.peers, texts)
        fold[held] = {"n_test": len(test), "n_train": len(train), "gold": gold, "recs": recs, "peers": peers,
                      "grid": grid_scores(recs, gold)}
        speed[held] = {"voc_lexicon_cli_docs_per_s": dps_lex, "voc_model_cli_docs_per_s": dps_model,
                       "vader_docs_per_s": peer_speed["vader_docs_per_s"],
                       "wink_docs_per_s": peer_speed["wink_docs_per_s"]}
        print(f"[{held}] test {len(test)} train {len(train)}", file=sys.stderr)

    names = list(fold)

    def choose(exclude, only_lexicon=False):
        """Blend parameters with the best mean macro-F1 over the folds not in `exclude`."""
        best = None
        for g, (t, w, thr) in enumerate(GRID):
            if only_lexicon and w != 0.0:
                continue
            score = sum(criterion(fold[c]["grid"][g], a.select) for c in names if c not in exclude) / \
                (len(names) - len(exclude))
            if best is None or score > best[0] + 1e-12:
                best = (score, t, w, thr)
        return best[1:]

    best_t, best_w, best_thr = choose(set())
    if a.default_temperature is None: a.default_temperature = best_t
    if a.default_weight is None: a.default_weight = best_w
    if a.default_threshold is None: a.default_threshold = best_thr
    results = {}
    for c in names:
        f = fold[c]
        gold, recs = f["gold"], f["recs"]
        lt, lw, lthr = choose({c}, only_lexicon=True)
        t, w, thr = choose({c})
        results[c] = {
            "n_test": f["n_test"], "n_train": f["n_train"],
            "nested_choice": {"lexicon_threshold": lthr, "temperature": t, "weight": w, "threshold": thr},
            "voc lexicon only": metrics(gold, [blend(x, 0.0, lthr) for x in recs]),
            "voc model only": metrics(gold, [blend(x, 1.0, 0.1) for x in recs]),
            "voc blend (chosen without C)": metrics(gold, [blend(x, w, thr, t) for x in recs]),
            "voc blend (shipped defaults)": metrics(gold, [blend(x, a.default_weight, a.default_threshold,
                                                                 a.default_temperature) for x in recs]),
            "VADER (npm vader-sentiment)": metrics(gold, [peer_label(p["vader"]) for p in f["peers"]]),
            "wink-nlp (eng-lite-web)": metrics(gold, [peer_label(p["wink"]) for p in f["peers"]]),
        }
    systems = [k for k in results[names[0]] if k not in ("n_test", "n_train", "nested_choice")]
    print("| system | " + " | ".join(f"{c} (n={results[c]['n_test']})" for c in names) + " | mean |")
    print("|---|" + "---|" * (len(names) + 1))
    for s in systems:
        cells = [f"{results[c][s][0]:.3f} / {results[c][s][1]:.3f}" for c in names]
        ma = sum(results[c][s][0] for c in names) / len(names)
        mf = sum(results[c][s][1] for c in names) / len(names)
        print(f"| {s} | " + " | ".join(cells) + f" | {ma:.3f} / {mf:.3f} |")
    print()
    print("accuracy / macro-F1; uci is 2-class gold (a neutral prediction counts as wrong).")
    print("choices made without the tested corpus (temperature, weight, threshold): "
          + json.dumps({c: results[c]["nested_choice"] for c in names}))
    t, w, thr = choose(set())
    print(f"best over all four folds (the candidate shipped defaults): temperature={t} weight={w} threshold={thr}; "
          f"run used --default-temperature {a.default_temperature} --default-weight {a.default_weight} "
          f"--default-threshold {a.default_threshold}")
    print("throughput (docs/s; voc = whole CLI run incl. process start, model load and JSON; "
          "peers = scoring loop only): "
          + json.dumps({c: {k: round(v) for k, v in speed[c].items()} for c in speed}))

    ship = None
    if a.ship:
        train = [r for _, (tr, _) in corpora.items() for r in tr] + extra
        random.Random(a.seed).shuffle(train)
        prefix = os.path.splitext(a.ship)[0]
        model = train_voc(a.voc, train, prefix, a.backend)
        ship = {"model": model, "size_bytes": os.path.getsize(model), "n_train": len(train)}
        for name, path in (("tweets_sentiment_test", "tweets_sentiment_test.csv"),
                           ("reviews_sentiment_test", "reviews_sentiment_test.csv")):
            test = read_split(os.path.join(a.data, "splits", path))
            recs, _ = run_voc(a.voc, [t for t, _ in test], model)
            gold = [l for _, l in test]
            ship[name] = {
                "voc lexicon": metrics(gold, [blend(x, 0.0, a.default_threshold) for x in recs]),
                "voc model only": metrics(gold, [blend(x, 1.0, 0.1) for x in recs]),
                "voc blend (shipped defaults)": metrics(gold, [blend(x, a.default_weight, a.default_threshold,
                                                                     a.default_temperature) for x in recs]),
            }
        print("shipped model: " + json.dumps(ship))
    if a.json:
        for c in fold:
            del fold[c]["recs"], fold[c]["peers"], fold[c]["gold"]
        with open(a.json, "w") as f:
            json.dump({"loco": results, "speed": speed, "ship": ship, "train_args": TRAIN_ARGS,
                       "grid": GRID, "grid_accuracy_f1": {c: fold[c]["grid"] for c in fold}, "select": a.select}, f, indent=1)


if __name__ == "__main__":
    main()
