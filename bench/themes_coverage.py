#!/usr/bin/python3
"""Theme coverage and correctness of a taxonomy on the labelled corpora.

Runs `voc analyze` (the product path: normalise, redact, themes) on each
labelled corpus in ../shared/data and scores its themes against a FIXED
mapping from the corpora's gold labels to theme ids, bench/coverage_mapping.json
(written before taxonomy version 2 was tuned; see its "comment"):

  corpus               records   gold labels
  cfpb                 1,532     Product, Issue, Sub-issue (complaint narratives)
  bitext               903       intent (+ its category), splits/bitext_intent_test.csv
  semeval_restaurants  2,000     ENTITY#ATTRIBUTE aspect categories (ABSA16, English)
  semeval_laptops      2,500     ENTITY#ATTRIBUTE aspect categories (ABSA16, English)
  clothing             2,407     reviews rated 1-2 (the complaints), department
  semeval_restaurants_nl  1,722  ENTITY#ATTRIBUTE aspect categories (SemEval-16 Dutch
                                 restaurants, scored with the English restaurants' mapping)

For each corpus, over the records with at least one label that the mapping
maps to a theme (the issue-bearing records):
  coverage  share with >= 1 theme;
  correct   share with >= 1 theme that the mapping accepts for the record
            (a predicted id equal to an accepted id or below it);
  precision share of the predicted themes, over all records, that are accepted;
and `general`: share of the records whose labels all map to nothing (e.g.
"RESTAURANT#GENERAL") that still get a theme. Per gold label the same
figures are written with --per-label (and always into --json).

Modes (columns): `rules` (the taxonomy's rules; `--industry auto` when the
binary has the flag) and `rules+adapt` (the same with `--adapt on`, run only
when `voc analyze --help` offers `--adapt`).

usage:
  /usr/bin/python3 bench/themes_coverage.py [--voc build/bin/voc]
      [--data ../shared/data] [--taxonomy models/taxonomy.json]
      [--industry auto] [--half even|odd] [--json OUT] [--compare BEFORE.json] [--per-label]
      [--markdown] [--sample 50 --sample-out FILE]

The figures of taxonomy version 1 are in bench/results/themes_coverage_v1.json:
  git show 7111555:models/taxonomy.json > /tmp/taxonomy_v1.json
  /usr/bin/python3 bench/themes_coverage.py --taxonomy /tmp/taxonomy_v1.json \\
      --json bench/results/themes_coverage_v1.json
and a before/after table:
  /usr/bin/python3 bench/themes_coverage.py --compare bench/results/themes_coverage_v1.json --markdown
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
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
CORPORA = ["cfpb", "bitext", "semeval_restaurants", "semeval_laptops", "clothing", "semeval_restaurants_nl"]
# Corpora scored with another corpus's table of coverage_mapping.json (same labels).
MAPPING_OF = {"semeval_restaurants_nl": "semeval_restaurants"}
# xlm-t tweets (--tweets): not customer feedback; the share given a theme shows
# how often rules fire on everyday text (false hits matter more there).
TWEET_SETS = ["english", "german", "spanish", "french", "portuguese", "italian"]


def clean(text):
    return " ".join(text.split())


def load_csv(path):
    csv.field_size_limit(1 << 30)
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


# Each loader returns [(text, [(field, label), ...])].
def load_cfpb(data):
    out = []
    for row in load_csv(os.path.join(data, "cfpb_complaints/complaints_sample.csv")):
        text = clean(row.get("Consumer complaint narrative") or "")
        if text:
            out.append((text, [(k, row[k]) for k in ("Product", "Issue", "Sub-issue") if row.get(k)]))
    return out


def load_bitext(data):
    category = {}
    for row in load_csv(os.path.join(data, "bitext_customer_support",
                                     "Bitext_Sample_Customer_Support_Training_Dataset.csv")):
        category[row["intent"]] = row["category"]
    out = []
    for row in load_csv(os.path.join(data, "splits/bitext_intent_test.csv")):
        text = clean(row["text"])
        if text:
            out.append((text, [("intent", row["label"]), ("category", category.get(row["label"], ""))]))
    return out


def load_semeval(path, half=None):
    """Sentences with their aspect categories; `half` "even" / "odd" keeps the
    sentences of the even- / odd-numbered reviews (0-based, file order)."""
    out = []
    reviews = list(ET.parse(path).iter("Review"))
    for k, review in enumerate(reviews):
        if half and (k % 2 == 0) != (half == "even"):
            continue
        for s in review.iter("sentence"):
            t = s.find("text")
            text = clean(t.text or "") if t is not None else ""
            if not text:
                continue
            cats = sorted({o.get("category") for o in s.iter("Opinion") if o.get("category")})
            out.append((text, [("category", c) for c in cats]))
    return out


def load_clothing(data):
    out = []
    for row in load_csv(os.path.join(data, "womens_ecommerce_clothing_reviews",
                                     "womens_clothing_ecommerce_reviews.csv")):
        body = clean(row.get("Review Text") or "")
        if not body or row.get("Rating") not in ("1", "2"):
            continue
        title = clean(row.get("Title") or "")
        text = f"{title}. {body}" if title else body
        out.append((text, [("Department Name", row.get("Department Name") or "")]))
    return out


def load_corpus(name, data, half=None):
    """[(text, labels)]; `half` "even" / "odd" keeps half of the records (of
    the reviews for SemEval, whose sentences of one review stay together)."""
    recs = _load_corpus(name, data, half)
    if half and not name.startswith("semeval_"):
        recs = recs[(0 if half == "even" else 1)::2]
    return recs


def _load_corpus(name, data, half):
    if name == "cfpb":
        return load_cfpb(data)
    if name == "bitext":
        return load_bitext(data)
    if name == "semeval_restaurants":
        return load_semeval(os.path.join(data, "semeval_absa/ABSA16_Restaurants_Train_SB1_v2.xml"), half)
    if name == "semeval_laptops":
        return load_semeval(os.path.join(data, "semeval_absa/ABSA16_Laptops_Train_SB1_v2.xml"), half)
    if name == "clothing":
        return load_clothing(data)
    if name == "semeval_restaurants_nl":
        return load_semeval(os.path.join(data, "semeval_absa/restaurants_dutch_training.xml"), half)
    raise ValueError(name)


def accepted_ids(mapping, corpus, field, label):
    """Theme ids the mapping accepts for one gold label."""
    m = mapping[MAPPING_OF.get(corpus, corpus)]
    if corpus.startswith("semeval_"):
        entity, _, attribute = label.partition("#")
        return set(m["entity"].get(entity, [])) | set(m["attribute"].get(attribute, []))
    return set(m.get(field, {}).get(label, []))


def voc_flags(voc):
    """The `voc analyze` flags this binary offers (a set of '--name')."""
    proc = subprocess.run([voc, "analyze", "--help"], stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, check=False)
    text = proc.stdout.decode("utf-8", "replace")
    return {w.rstrip(",") for w in text.split() if w.startswith("--")}


def run_voc(voc, taxonomy, texts, extra):
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "in.jsonl")
        with open(src, "w", encoding="utf-8") as f:
            for i, t in enumerate(texts):
                f.write(json.dumps({"id": str(i), "text": t}, ensure_ascii=False) + "\n")
        cmd = [voc, "analyze", src, "--themes", taxonomy, "--format", "jsonl"] + extra
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
        secs = time.perf_counter() - t0
    if proc.returncode != 0:
        sys.exit(f"themes_coverage: {' '.join(cmd)} failed: {proc.stderr.decode()[-2000:]}")
    rows = [json.loads(line) for line in proc.stdout.decode("utf-8").splitlines()]
    assert len(rows) == len(texts), (len(rows), len(texts))
    return rows, secs, proc.stderr.decode("utf-8", "replace")


def canonical(theme_id, aliases):
    """Renames an id (or its longest renamed prefix) through `aliases`."""
    parts = theme_id.split("/")
    for n in range(len(parts), 0, -1):
        head = "/".join(parts[:n])
        if head in aliases:
            return "/".join([aliases[head]] + parts[n:])
    return theme_id


def accepted(pred, acc):
    return any(pred == a or pred.startswith(a + "/") for a in acc)


def score(mapping, corpus, recs, rows, aliases):
    per_label = collections.defaultdict(lambda: collections.Counter())
    tot = collections.Counter()
    for (text, labels), row in zip(recs, rows):
        preds = {canonical(h["id"], aliases) for h in row["themes"]}
        acc = set()
        for field, label in labels:
            acc |= accepted_ids(mapping, corpus, field, label)
        if not acc:
            tot["general"] += 1
            tot["general_themed"] += bool(preds)
            continue
        ok = any(accepted(p, acc) for p in preds)
        tot["n"] += 1
        tot["covered"] += bool(preds)
        tot["correct"] += ok
        tot["pred"] += len(preds)
        tot["pred_ok"] += sum(accepted(p, acc) for p in preds)
        for field, label in labels:
            if not accepted_ids(mapping, corpus, field, label):
                continue
            c = per_label[f"{field}={label}"]
            c["n"] += 1
            c["covered"] += bool(preds)
            c["correct"] += ok
    n = max(1, tot["n"])
    res = {
        "records": len(recs), "issue_records": tot["n"],
        "coverage": tot["covered"] / n, "correct": tot["correct"] / n,
        "precision": tot["pred_ok"] / max(1, tot["pred"]),
        "general_records": tot["general"],
        "general_themed": tot["general_themed"] / max(1, tot["general"]),
        "per_label": {k: {"n": c["n"], "coverage": c["covered"] / c["n"], "correct": c["correct"] / c["n"]}
                      for k, c in sorted(per_label.items(), key=lambda kv: -kv[1]["n"])},
    }
    return res


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--voc", default=os.path.join(ROOT, "build/bin/voc"))
    ap.add_argument("--data", default=os.environ.get("VOC_DATA", os.path.join(ROOT, "..", "shared", "data")))
    ap.add_argument("--taxonomy", default=os.path.join(ROOT, "models/taxonomy.json"))
    ap.add_argument("--mapping", default=os.path.join(HERE, "coverage_mapping.json"))
    ap.add_argument("--industry", default="auto", help="passed to voc when it has --industry")
    ap.add_argument("--corpora", default=",".join(CORPORA))
    ap.add_argument("--threads", default="2")
    ap.add_argument("--half", choices=["even", "odd"],
                    help="score only half of each corpus (SemEval: the sentences of the even- or "
                         "odd-numbered reviews; others: every other record): a development half "
                         "to read while writing rules, and a held-out half to measure them on")
    ap.add_argument("--json", help="write the figures here")
    ap.add_argument("--compare", help="figures of an earlier run (--json) for a before/after table")
    ap.add_argument("--per-label", action="store_true", help="print the figures per gold label")
    ap.add_argument("--markdown", action="store_true", help="print the summary as a Markdown table")
    ap.add_argument("--sample", type=int, default=0, help="write a seeded sample of N hits to read")
    ap.add_argument("--sample-out", default=os.path.join(tempfile.gettempdir(), "theme_hits_sample.txt"))
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--tweets", action="store_true",
                    help="instead: share of the xlm-t tweets per language given a theme (multilingual/eval/xlm-t), "
                         "with --sample N hits per language written to --sample-out")
    args = ap.parse_args()
    if args.tweets:
        return tweets(args)
    if not os.path.isdir(args.data):
        sys.exit(f"themes_coverage: no corpora at {args.data} (use --data or VOC_DATA)")
    with open(args.mapping, encoding="utf-8") as f:
        mapping = json.load(f)
    with open(args.taxonomy, encoding="utf-8") as f:
        tax = json.load(f)
    aliases = dict(mapping.get("v1_aliases", {}))
    aliases.update(tax.get("aliases", {}))

    flags = voc_flags(args.voc)
    base = ["--threads", args.threads]
    if "--industry" in flags:
        base += ["--industry", args.industry]
    modes = {"rules": base + (["--adapt", "off"] if "--adapt" in flags else [])}
    if "--adapt" in flags:
        modes["rules+adapt"] = base + ["--adapt", "on"]

    path = os.path.abspath(args.taxonomy)
    shown = os.path.relpath(path, ROOT) if path.startswith(ROOT + os.sep) else args.taxonomy
    report = {"taxonomy": {"path": shown, "name": tax.get("name"),
                           "version": tax.get("version")},
              "voc": os.path.basename(args.voc), "modes": list(modes), "corpora": {}}
    hits = []
    for corpus in args.corpora.split(","):
        recs = load_corpus(corpus, args.data, args.half)
        texts = [t for t, _ in recs]
        entry = {}
        for mode, extra in modes.items():
            rows, secs, err = run_voc(args.voc, args.taxonomy, texts, extra)
            res = score(mapping, corpus, recs, rows, aliases)
            res["seconds"] = secs
            res["voc_stderr"] = [l for l in err.splitlines() if l.strip()][:8]
            res["top_themes"] = collections.Counter(
                canonical(h["id"], aliases) for r in rows for h in r["themes"]).most_common(15)
            entry[mode] = res
            if mode == "rules":
                for (text, labels), r in zip(recs, rows):
                    for h in r["themes"]:
                        hits.append((corpus, text, labels, h))
        report["corpora"][corpus] = entry

    before = None
    if args.compare:
        with open(args.compare, encoding="utf-8") as f:
            before = json.load(f)
    print_summary(report, before, args.markdown)
    if args.per_label:
        for corpus, entry in report["corpora"].items():
            print(f"\n{corpus}: per gold label (rules): n coverage correct")
            for k, v in entry["rules"]["per_label"].items():
                print(f"  {v['n']:5d} {v['coverage']:6.3f} {v['correct']:6.3f}  {k}")
    if args.sample:
        rng = random.Random(args.seed)
        sample = rng.sample(hits, min(args.sample, len(hits)))
        with open(args.sample_out, "w", encoding="utf-8") as f:
            for i, (corpus, text, labels, h) in enumerate(sample, 1):
                ev = "; ".join(e.get("text", "") for e in h["evidence"])
                f.write(f"[{i}] {corpus} {labels} theme={h['id']} evidence=<{ev}>\n    {text[:600]}\n\n")
        print(f"random sample of {len(sample)} hits written to {args.sample_out}")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(report, f, indent=1, ensure_ascii=False)
            f.write("\n")


def tweets(args):
    """Share of the xlm-t test tweets of each language that get a theme."""
    base = os.path.join(args.data, "multilingual/eval/xlm-t")
    flags = voc_flags(args.voc)
    extra = ["--threads", args.threads] + (["--industry", args.industry] if "--industry" in flags else [])
    rng = random.Random(args.seed)
    lines = []
    print("| tweets | n | themed | themed, identified as the set's language | top themes |")
    print("|---|---|---|---|---|")
    codes = {"english": "en", "german": "de", "spanish": "es", "french": "fr", "portuguese": "pt", "italian": "it"}
    for name in TWEET_SETS:
        with open(os.path.join(base, f"{name}-test_text.txt"), encoding="utf-8") as f:
            texts = [clean(l) for l in f if l.strip()]
        rows, _, _ = run_voc(args.voc, args.taxonomy, texts, extra)
        themed = [(t, r) for t, r in zip(texts, rows) if r["themes"]]
        own = [r for r in rows if r.get("language") == codes[name]]
        own_themed = sum(bool(r["themes"]) for r in own)
        top = collections.Counter(h["id"] for _, r in themed for h in r["themes"]).most_common(5)
        print(f"| {name} | {len(texts)} | {len(themed) / len(texts):.3f} ({len(themed)}) | "
              f"{own_themed / max(1, len(own)):.3f} ({own_themed} of {len(own)}) | "
              f"{', '.join(f'{k} {v}' for k, v in top)} |")
        for t, r in rng.sample(themed, min(args.sample, len(themed))):
            ids = ", ".join(f"{h['id']} <{'; '.join(e.get('text', '') for e in h['evidence'])}>" for h in r["themes"])
            lines.append(f"[{name}] {ids}\n    {t[:300]}\n")
    if args.sample:
        with open(args.sample_out, "w", encoding="utf-8") as f:
            f.write("\n".join(lines))
        print(f"{len(lines)} themed tweets written to {args.sample_out}")


def general(r):
    """Share of the label-less ("general") sentences given a theme, or "-"."""
    return f"{r['general_themed']:.3f}" if r["general_records"] else "-"


def print_summary(report, before, markdown):
    rows = []
    for corpus, entry in report["corpora"].items():
        for mode, r in entry.items():
            b = None
            if before and mode in before["corpora"].get(corpus, {}):
                b = before["corpora"][corpus][mode]
            elif before and "rules" in before["corpora"].get(corpus, {}):
                b = before["corpora"][corpus]["rules"]
            rows.append((corpus, mode, r, b))
    if markdown:
        if before:
            print("| corpus | mode | issue records | coverage before | coverage after | correct before | "
                  "correct after | precision before | precision after | general sentences themed (after) |")
            print("|---|---|---|---|---|---|---|---|---|---|")
            for corpus, mode, r, b in rows:
                bc = lambda k: f"{b[k]:.3f}" if b else "-"
                print(f"| {corpus} | {mode} | {r['issue_records']:,} | {bc('coverage')} | {r['coverage']:.3f} | "
                      f"{bc('correct')} | {r['correct']:.3f} | {bc('precision')} | {r['precision']:.3f} | "
                      f"{general(r)} |")
        else:
            print("| corpus | mode | issue records | coverage | correct | precision | general sentences themed |")
            print("|---|---|---|---|---|---|---|")
            for corpus, mode, r, b in rows:
                print(f"| {corpus} | {mode} | {r['issue_records']:,} | {r['coverage']:.3f} | {r['correct']:.3f} | "
                      f"{r['precision']:.3f} | {general(r)} |")
        return
    print(f"taxonomy {report['taxonomy']['path']} ({report['taxonomy']['name']} v{report['taxonomy']['version']})")
    head = f"{'corpus':20} {'mode':11} {'issue':>6} {'cover':>6} {'correct':>7} {'prec':>6} {'general':>7}"
    if before:
        head += f"   {'cover0':>6} {'correct0':>8} {'prec0':>6}"
    print(head)
    for corpus, mode, r, b in rows:
        line = (f"{corpus:20} {mode:11} {r['issue_records']:6d} {r['coverage']:6.3f} {r['correct']:7.3f} "
                f"{r['precision']:6.3f} {general(r):>7}")
        if b:
            line += f"   {b['coverage']:6.3f} {b['correct']:8.3f} {b['precision']:6.3f}"
        print(line)
        for l in r.get("voc_stderr", []):
            if "industr" in l:
                print(" " * 22 + l)


if __name__ == "__main__":
    main()
