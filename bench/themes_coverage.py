#!/usr/bin/python3
"""Coverage and rough precision of the default taxonomy, through `voc themes`.

Runs `voc themes` on real corpora in ../shared/data and reports:
  - coverage: share of records with >= 1 theme, per corpus;
  - signal shares per corpus;
  - Bitext intents vs theme hits (the taxonomy's `model_labels` maps each
    intent to a theme): per-intent recall (records of the intent whose hits
    include that theme, an ancestor or a descendant) and per-theme precision
    (hits compatible with the record's intent), a rough proxy only;
  - a seeded random sample of hits written to a file, for a person to read.

usage: /usr/bin/python3 bench/themes_coverage.py [--voc build/bin/voc]
         [--data ../shared/data] [--taxonomy models/taxonomy.json]
         [--sample 50] [--sample-out FILE] [--json OUT]
"""
import argparse
import collections
import csv
import json
import os
import random
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def read_csv(path, text_col, label_col=None, limit=None):
    csv.field_size_limit(1 << 30)
    out = []
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            text = (row.get(text_col) or "").strip()
            if not text:
                continue
            out.append((" ".join(text.split()), row.get(label_col) if label_col else None))
            if limit and len(out) >= limit:
                break
    return out


def run_voc(voc, taxonomy, texts):
    data = "".join(t + "\n" for t in texts).encode("utf-8")
    t0 = time.perf_counter()
    proc = subprocess.run([voc, "themes", "-", "--taxonomy", taxonomy], input=data,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=True)
    secs = time.perf_counter() - t0
    rows = [json.loads(line) for line in proc.stdout.decode("utf-8").splitlines()]
    assert len(rows) == len(texts), (len(rows), len(texts))
    return rows, secs


def related(a, b):
    return a == b or a.startswith(b + "/") or b.startswith(a + "/")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--voc", default=os.path.join(ROOT, "build/bin/voc"))
    ap.add_argument("--data", default=os.environ.get("VOC_DATA", os.path.join(ROOT, "..", "shared", "data")))
    ap.add_argument("--taxonomy", default=os.path.join(ROOT, "models/taxonomy.json"))
    ap.add_argument("--sample", type=int, default=50)
    ap.add_argument("--sample-out", default=os.path.join(tempfile.gettempdir(), "theme_hits_sample.txt"))
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--json")
    args = ap.parse_args()
    data = args.data
    if not os.path.isdir(data):
        sys.exit(f"themes_coverage: no corpora at {data} (use --data or VOC_DATA)")

    corpora = {
        "cfpb_narratives": read_csv(os.path.join(data, "cfpb_complaints/complaints_sample.csv"),
                                    "Consumer complaint narrative", "Product"),
        "bitext_test": read_csv(os.path.join(data, "splits/bitext_intent_test.csv"), "text", "label"),
        "reviews_test": read_csv(os.path.join(data, "splits/reviews_sentiment_test.csv"), "text", "label"),
        "tweets_test": read_csv(os.path.join(data, "splits/tweets_sentiment_test.csv"), "text", "label"),
    }
    with open(args.taxonomy, encoding="utf-8") as f:
        model_labels = json.load(f).get("model_labels", {})

    report = {"corpora": {}}
    all_hits = []
    print(f"{'corpus':18} {'records':>7} {'coverage':>8} {'themes/rec':>10} {'rec/s':>8}  top themes")
    for name, recs in corpora.items():
        texts = [t for t, _ in recs]
        rows, secs = run_voc(args.voc, args.taxonomy, texts)
        covered = sum(1 for r in rows if r["themes"])
        n_themes = sum(len(r["themes"]) for r in rows)
        tops = collections.Counter(h["id"] for r in rows for h in r["themes"])
        sig = collections.Counter()
        for r in rows:
            for s in {h["signal"] for h in r["signals"]}:
                sig[s] += 1
        depts = collections.Counter(h["department"] for r in rows for h in r["themes"])
        entry = {
            "records": len(rows), "coverage": covered / len(rows),
            "themes_per_record": n_themes / len(rows), "records_per_sec": len(rows) / secs,
            "top_themes": tops.most_common(12),
            "signal_share": {k: v / len(rows) for k, v in sorted(sig.items())},
            "departments": depts.most_common(),
        }
        report["corpora"][name] = entry
        print(f"{name:18} {len(rows):7d} {entry['coverage']:8.3f} {entry['themes_per_record']:10.2f} "
              f"{entry['records_per_sec']:8.0f}  " + ", ".join(f"{k} {v}" for k, v in tops.most_common(6)))
        print(" " * 19 + "signals: " + ", ".join(f"{k} {v:.3f}" for k, v in entry["signal_share"].items()))
        for (text, label), r in zip(recs, rows):
            for h in r["themes"]:
                all_hits.append((name, text, label, h))

        if name == "bitext_test":
            recall_num = collections.Counter()
            recall_den = collections.Counter()
            prec_num = collections.Counter()
            prec_den = collections.Counter()
            for (text, label), r in zip(recs, rows):
                target = model_labels.get(label)
                if target is None:
                    continue
                recall_den[label] += 1
                if any(related(h["id"], target) for h in r["themes"]):
                    recall_num[label] += 1
                for h in r["themes"]:
                    prec_den[h["id"]] += 1
                    if related(h["id"], target):
                        prec_num[h["id"]] += 1
            rec = {k: recall_num[k] / recall_den[k] for k in sorted(recall_den)}
            prec = {k: prec_num[k] / prec_den[k] for k in sorted(prec_den)}
            micro_r = sum(recall_num.values()) / max(1, sum(recall_den.values()))
            micro_p = sum(prec_num.values()) / max(1, sum(prec_den.values()))
            report["bitext_alignment"] = {"micro_recall": micro_r, "micro_precision": micro_p,
                                          "recall_by_intent": rec, "precision_by_theme": prec}
            print(f"\nBitext intent -> theme alignment: micro recall {micro_r:.3f}, "
                  f"micro precision {micro_p:.3f}")
            print("  recall by intent: " + ", ".join(f"{k} {v:.2f}" for k, v in rec.items()))
            print("  precision by theme: " + ", ".join(f"{k} {v:.2f}" for k, v in prec.items()) + "\n")

    rng = random.Random(args.seed)
    sample = rng.sample(all_hits, min(args.sample, len(all_hits)))
    with open(args.sample_out, "w", encoding="utf-8") as f:
        for i, (name, text, label, h) in enumerate(sample, 1):
            ev = "; ".join(e.get("text", "") for e in h["evidence"])
            f.write(f"[{i}] {name} ({label}) theme={h['id']} evidence=<{ev}>\n")
            f.write(f"    {text[:600]}\n\n")
    print(f"random sample of {len(sample)} hits written to {args.sample_out}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(report, f, indent=2)


if __name__ == "__main__":
    main()
