#!/usr/bin/python3
"""Languages: identification accuracy and sentiment per language, through `voc analyze`.

  /usr/bin/python3 bench/languages.py --voc build/bin/voc [--data ../shared/data] [--speed | --speed-only]

Reads (when present) ../shared/data/multilingual/eval: xlm-t tweets (8 languages, 870 each,
3 classes), SentiRuEval-2016 telecom and bank tweets (Russian; a tweet's label is its entities'
label when they agree, mixed tweets are left out), Arabic PROD product reviews (-1/0/1), and
../shared/data/semeval_absa/restaurants_dutch_training.xml (Dutch sentences; label = their
opinions' polarity when all agree). Prints, per set: records, language-ID accuracy against the
set's language, the share left unscored, and for the scored records accuracy and macro-F1
beside the majority-class baseline (accuracy of always answering the most frequent class,
macro-F1 of the same). Records identified as another language are scored as identified (that
is what a user gets); `forced` rows pass --language to show the scorer alone.

Split: the sets of the languages voc scores with its own lexicons (de es fr it pt, and the Dutch
sentences) are cut in two halves by position: records 0, 2, 4, ... are the train half, 1, 3, 5,
... the test half. The rows of those sets report language ID over all records and sentiment
over the test half only (n = all / test); `--calibrate` fits each
language's neutral band (the `@neutral` line of models/sentiment/<lang>.tsv) on the train half
only and prints it (xlm-t has no train split of its own here).

--speed times `voc analyze` on short English texts (the xlm-t English tweets, repeated)
with identification (default) and with it skipped (--language en), best of 5 runs each:
CPU time (user + system) and wall time.
"""
import argparse, collections, csv, json, os, re, subprocess, sys, tempfile, time
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
LABELS = ["negative", "neutral", "positive"]
XLMT = {"arabic": "ar", "english": "en", "french": "fr", "german": "de", "hindi": "hi",
        "italian": "it", "portuguese": "pt", "spanish": "es"}


def clean(t):
    return " ".join(t.replace("\r", " ").replace("\n", " ").split())


def load_xlmt(root, name):
    d = os.path.join(root, "multilingual", "eval", "xlm-t")
    texts = open(os.path.join(d, f"{name}-test_text.txt"), encoding="utf-8").read().splitlines()
    labels = open(os.path.join(d, f"{name}-test_labels.txt"), encoding="utf-8").read().split()
    return [(clean(t), LABELS[int(l)]) for t, l in zip(texts, labels) if clean(t)]


def load_sentirueval(root):
    rows = []
    d = os.path.join(root, "multilingual", "eval", "sentirueval")
    for f in ("tkk_test_etalon.xml", "banks_test_etalon.xml"):
        tree = ET.parse(os.path.join(d, f))
        for table in tree.getroot().iter("table"):
            cols = {c.get("name"): (c.text or "") for c in table.findall("column")}
            if "text" not in cols:
                continue
            vals = {v for k, v in cols.items() if k not in ("id", "twitid", "date", "text") and v not in ("", "NULL")}
            if len(vals) != 1:
                continue
            v = vals.pop()
            if v not in ("-1", "0", "1"):
                continue
            rows.append((clean(cols["text"]), LABELS[int(v) + 1]))
    return rows


def load_prod(root):
    rows = []
    with open(os.path.join(root, "multilingual", "eval", "arabic", "PROD.csv"), encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            t, p = clean(r.get("text") or ""), (r.get("polarity") or "").strip()
            if t and p in ("-1", "0", "1"):
                rows.append((t, LABELS[int(p) + 1]))
    return rows


def load_dutch(root):
    rows = []
    tree = ET.parse(os.path.join(root, "semeval_absa", "restaurants_dutch_training.xml"))
    for s in tree.getroot().iter("sentence"):
        text = clean(s.findtext("text") or "")
        pols = {o.get("polarity") for o in s.iter("Opinion")}
        if text and len(pols) == 1 and next(iter(pols)) in LABELS:
            rows.append((text, pols.pop()))
    return rows


def run_voc(voc, texts, extra=()):
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "in.csv")
        with open(src, "w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow(["id", "text"])
            for i, t in enumerate(texts):
                w.writerow([str(i), t])
        out = subprocess.run([voc, "analyze", "--quiet", "--text-col", "text", "--id-col", "id", *extra, src],
                             check=True, stdout=subprocess.PIPE).stdout.decode("utf-8")
    rows = [json.loads(l) for l in out.splitlines() if l.strip()]
    by_id = {r["id"]: r for r in rows}
    return [by_id.get(str(i)) for i in range(len(texts))]


def macro_f1(gold, pred, labels):
    f1s = []
    for c in labels:
        tp = sum(1 for g, p in zip(gold, pred) if g == c and p == c)
        fp = sum(1 for g, p in zip(gold, pred) if g != c and p == c)
        fn = sum(1 for g, p in zip(gold, pred) if g == c and p != c)
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        f1s.append(2 * prec * rec / (prec + rec) if prec + rec else 0.0)
    return sum(f1s) / len(f1s)


def evaluate(voc, name, lang, rows, extra=(), test_half=False):
    """Language ID over all `rows`; sentiment over all of them, or over the
    test half only (odd positions) when `test_half`."""
    res = run_voc(voc, [t for t, _ in rows], extra)
    n = len(rows)
    lid = sum(1 for r in res if r and r["language"] == lang) / n
    if test_half:
        rows, res = half(rows, "test"), half(res, "test")
    ns = len(rows)
    scored = [(g, r["sentiment"]["label"]) for (_, g), r in zip(rows, res) if r and r["sentiment"]["label"] != "unscored"]
    gold_all = [g for _, g in rows]
    labels = [c for c in LABELS if c in set(gold_all)]
    out = {"set": name, "lang": lang, "n": n, "ns": ns, "lid": lid, "unscored": 1 - len(scored) / ns}
    maj = collections.Counter(gold_all).most_common(1)[0][0]
    out["majority_acc"] = sum(1 for g in gold_all if g == maj) / ns
    out["majority_f1"] = macro_f1(gold_all, [maj] * ns, labels)
    if scored:
        g, p = zip(*scored)
        out["acc"] = sum(1 for a, b in scored if a == b) / len(scored)
        out["f1"] = macro_f1(g, p, labels)
    langs = collections.Counter(r["language"] for r in res if r)
    out["top_langs"] = ", ".join(f"{k} {v}" for k, v in langs.most_common(3))
    return out


CALIBRATED = ("de", "es", "fr", "it", "pt", "nl")


def half(rows, which):
    """Records 0, 2, 4, ... (train) or 1, 3, 5, ... (test)."""
    return [r for i, r in enumerate(rows) if i % 2 == (0 if which == "train" else 1)]


def calibrate(voc, sets):
    """The neutral band per language that maximises macro-F1 on the train
    halves of its sets (scored with --language forced), on a 0.01 grid."""
    by_lang = collections.defaultdict(list)
    for name, code, rows in sets:
        if code in CALIBRATED:
            by_lang[code] += half(rows, "train")
    print("| lang | train records | neutral band | train macro-F1 | at 0.15 |")
    print("|---|---|---|---|---|")
    for code, rows in sorted(by_lang.items()):
        res = run_voc(voc, [t for t, _ in rows], ["--language", code])
        gold = [g for _, g in rows]
        scores = [r["sentiment"]["score"] if r else None for r in res]
        labels = [c for c in LABELS if c in set(gold)]

        def f1_at(t):
            pred = ["neutral" if s is None or abs(s) <= t else ("positive" if s > 0 else "negative") for s in scores]
            return macro_f1(gold, pred, labels)

        grid = [i / 100 for i in range(3, 51)]
        best = max(grid, key=lambda t: (round(f1_at(t), 6), -abs(t - 0.15)))
        print(f"| {code} | {len(rows)} | {best:.2f} | {f1_at(best):.3f} | {f1_at(0.15):.3f} |", flush=True)


def fmt(x):
    return "-" if x is None else f"{x:.3f}"


def speed(voc, root, repeat=20, runs=5):
    """CPU time (user + system, of the child) and wall time of `voc analyze`
    with and without identification; CPU time is the figure that holds on a
    shared machine, where wall time mostly measures the other jobs."""
    import resource
    tweets = [t for t, _ in load_xlmt(root, "english")] * repeat
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "short.txt")
        with open(src, "w", encoding="utf-8") as f:
            f.write("\n".join(tweets) + "\n")
        res = {}
        for _ in range(runs):
            for label, extra in (("identified", []), ("--language en", ["--language", "en"])):
                r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
                t0 = time.monotonic()
                subprocess.run([voc, "analyze", "--quiet", "--threads", "1", *extra, src, "-o",
                                os.path.join(tmp, "o.jsonl")], check=True)
                wall = time.monotonic() - t0
                r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
                cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
                best = res.get(label)
                res[label] = (min(cpu, best[0]), min(wall, best[1])) if best else (cpu, wall)
    print(f"\nspeed: {len(tweets)} short English texts (xlm-t English x{repeat}), voc analyze --threads 1, "
          f"best of {runs} (alternating):")
    for k, (cpu, wall) in res.items():
        print(f"  {k:>15}: {cpu:.3f} s CPU, {wall:.3f} s wall")
    a, b = res["identified"], res["--language en"]
    print(f"  identification adds {100 * (a[0] / b[0] - 1):.1f}% CPU time, {100 * (a[1] / b[1] - 1):.1f}% wall time")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--voc", default=os.path.join(HERE, "..", "build", "bin", "voc"))
    ap.add_argument("--data", default=os.path.join(HERE, "..", "..", "shared", "data"))
    ap.add_argument("--speed", action="store_true")
    ap.add_argument("--speed-only", action="store_true", help="only the --speed measurement")
    ap.add_argument("--no-forced", action="store_true", help="skip the forced-language rows")
    ap.add_argument("--calibrate", action="store_true",
                    help="fit the neutral band per language on the train halves and exit")
    a = ap.parse_args()
    if not os.path.isdir(os.path.join(a.data, "multilingual")):
        sys.exit(f"no multilingual data under {a.data}")
    sets = [(f"xlm-t {name}", code, load_xlmt(a.data, name)) for name, code in XLMT.items()]
    sets.append(("SentiRuEval", "ru", load_sentirueval(a.data)))
    sets.append(("Arabic PROD", "ar", load_prod(a.data)))
    sets.append(("SemEval-16 Dutch", "nl", load_dutch(a.data)))
    if a.calibrate:
        calibrate(a.voc, sets)
        return
    if a.speed_only:
        speed(a.voc, a.data)
        return
    print("| set | lang | n | language ID | unscored | accuracy | macro-F1 | majority acc | majority F1 | identified as (top 3) |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for name, code, rows in sets:
        runs = [(name, [])]
        if not a.no_forced and code not in ("hi", "ar", "ru"):
            runs.append((name + " (forced)", ["--language", code]))
        for label, extra in runs:
            r = evaluate(a.voc, label, code, rows, extra, test_half=code in CALIBRATED)
            n = f"{r['n']} / {r['ns']} test" if code in CALIBRATED else str(r["n"])
            print(f"| {label} | {code} | {n} | {fmt(r['lid']) if not extra else '-'} | {r['unscored']:.3f} | "
                  f"{fmt(r.get('acc'))} | {fmt(r.get('f1'))} | {r['majority_acc']:.3f} | {r['majority_f1']:.3f} | "
                  f"{r['top_langs'] if not extra else ''} |", flush=True)
    if a.speed:
        speed(a.voc, a.data)


if __name__ == "__main__":
    main()
