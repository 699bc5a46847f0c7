#!/usr/bin/python3
"""Themes adapted to the input (voc analyze --adapt on) against the rules
alone, on the labelled corpora, scored on the fixed gold->theme mapping of
bench/coverage_mapping.json (the corpora and the scoring are those of
bench/themes_coverage.py, imported from it).

Per corpus, over the issue-bearing records (those with a gold label the
mapping maps to a theme):
  coverage   share with >= 1 theme, rules alone and rules + adaptation;
  correct    share with >= 1 theme the mapping accepts;
  precision  of the rules' hits and of the adapted hits, separately (share of
             the hits whose theme the mapping accepts for the record);
  adapted    records that got adapted themes (all of them were unclassified);
and the cost: wall time of `voc analyze --adapt on` over `--adapt off` on the
same file, run side by side (alternating, best of --repeats), on the corpus
and on the corpus repeated --scale times (the sample is bounded, so the cost
of fitting is spread over more records).

usage: /usr/bin/python3 bench/adapt_bench.py [--voc build/bin/voc]
          [--data ../shared/data] [--taxonomy models/taxonomy.json]
          [--threads 2] [--repeats 3] [--scale 10] [--json OUT] [--markdown]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import themes_coverage as tc  # noqa: E402


def run(voc, src, taxonomy, extra, may_fail=False):
    cmd = [voc, "analyze", src, "--themes", taxonomy, "-q"] + extra
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
    secs = time.perf_counter() - t0
    if proc.returncode != 0 and may_fail:
        return None, secs
    if proc.returncode != 0:
        sys.exit(f"adapt_bench: {' '.join(cmd)} failed: {proc.stderr.decode()[-2000:]}")
    return proc.stdout, secs


def score(mapping, corpus, recs, rows, aliases):
    c = {"n": 0, "covered_rules": 0, "covered_all": 0, "correct_rules": 0, "correct_all": 0,
         "rule_hits": 0, "rule_ok": 0, "adapted_hits": 0, "adapted_ok": 0, "adapted_records": 0,
         "general": 0, "general_adapted": 0}
    for (text, labels), row in zip(recs, rows):
        acc = set()
        for field, label in labels:
            acc |= tc.accepted_ids(mapping, corpus, field, label)
        hits = [(tc.canonical(h["id"], aliases), h["source"]) for h in row["themes"]]
        rule = {t for t, s in hits if s != "adapted"}
        adapted = {t for t, s in hits if s == "adapted"}
        if not acc:
            c["general"] += 1
            c["general_adapted"] += bool(adapted)
            continue
        c["n"] += 1
        c["covered_rules"] += bool(rule)
        c["covered_all"] += bool(rule or adapted)
        c["correct_rules"] += any(tc.accepted(t, acc) for t in rule)
        c["correct_all"] += any(tc.accepted(t, acc) for t in rule | adapted)
        c["rule_hits"] += len(rule)
        c["rule_ok"] += sum(tc.accepted(t, acc) for t in rule)
        c["adapted_hits"] += len(adapted)
        c["adapted_ok"] += sum(tc.accepted(t, acc) for t in adapted)
        c["adapted_records"] += bool(adapted)
    n = max(1, c["n"])
    return {
        "issue_records": c["n"],
        "coverage_rules": c["covered_rules"] / n, "coverage_adapted": c["covered_all"] / n,
        "correct_rules": c["correct_rules"] / n, "correct_adapted": c["correct_all"] / n,
        "precision_rules": c["rule_ok"] / max(1, c["rule_hits"]),
        "precision_adapted_hits": c["adapted_ok"] / max(1, c["adapted_hits"]),
        "rule_hits": c["rule_hits"], "adapted_hits": c["adapted_hits"],
        "adapted_records": c["adapted_records"],
        "general_records": c["general"], "general_adapted": c["general_adapted"],
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--voc", default=os.path.join(ROOT, "build/bin/voc"))
    ap.add_argument("--data", default=os.environ.get("VOC_DATA", os.path.join(ROOT, "..", "shared", "data")))
    ap.add_argument("--taxonomy", default=os.path.join(ROOT, "models/taxonomy.json"))
    ap.add_argument("--mapping", default=os.path.join(HERE, "coverage_mapping.json"))
    ap.add_argument("--corpora", default=",".join(tc.CORPORA))
    ap.add_argument("--threads", default="2")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--scale", type=int, default=10, help="copies of the corpus for the second timing")
    ap.add_argument("--extra", default="", help="more voc flags for both runs, space-separated")
    ap.add_argument("--json")
    ap.add_argument("--markdown", action="store_true")
    args = ap.parse_args()
    if not os.path.isdir(args.data):
        sys.exit(f"adapt_bench: no corpora at {args.data} (use --data or VOC_DATA)")
    with open(args.mapping, encoding="utf-8") as f:
        mapping = json.load(f)
    with open(args.taxonomy, encoding="utf-8") as f:
        tax = json.load(f)
    aliases = dict(mapping.get("v1_aliases", {}))
    aliases.update(tax.get("aliases", {}))
    base = ["--threads", args.threads] + args.extra.split()
    report = {"taxonomy": {"name": tax.get("name"), "version": tax.get("version")},
              "threads": args.threads, "corpora": {}}
    with tempfile.TemporaryDirectory() as tmp:
        for corpus in args.corpora.split(","):
            recs = tc.load_corpus(corpus, args.data)
            src = os.path.join(tmp, corpus + ".jsonl")
            with open(src, "w", encoding="utf-8") as f:
                for i, (t, _) in enumerate(recs):
                    f.write(json.dumps({"id": str(i), "text": t}, ensure_ascii=False) + "\n")
            model = os.path.join(tmp, corpus + ".voca")
            best = {"off": 1e9, "on": 1e9}
            outs = {}
            for _ in range(max(1, args.repeats)):
                for mode in ("off", "on"):
                    out, secs = run(args.voc, src, args.taxonomy, base + ["--adapt", mode])
                    best[mode] = min(best[mode], secs)
                    if outs.setdefault(mode, out) != out:
                        sys.exit(f"adapt_bench: {corpus}: --adapt {mode} output differs between runs")
            # The saved model applied in another run gives the same output.
            # (It fails when no theme can be adapted: then nothing is saved.)
            saved, _ = run(args.voc, src, args.taxonomy, base + ["--save-adapted", model], may_fail=True)
            again = run(args.voc, src, args.taxonomy, base + ["--adapted", model])[0] if saved else outs["on"]
            rows = [json.loads(l) for l in outs["on"].decode("utf-8").splitlines()]
            assert len(rows) == len(recs)
            res = score(mapping, corpus, recs, rows, aliases)
            res["records"] = len(recs)
            res["seconds_off"], res["seconds_on"] = best["off"], best["on"]
            res["cost_ratio"] = best["on"] / best["off"]
            res["saved_model_identical"] = again == outs["on"]
            if args.scale > 1:
                big = os.path.join(tmp, corpus + "_x.jsonl")
                with open(big, "w", encoding="utf-8") as f:
                    for k in range(args.scale):
                        for i, (t, _) in enumerate(recs):
                            f.write(json.dumps({"id": f"{k}-{i}", "text": t}, ensure_ascii=False) + "\n")
                best = {"off": 1e9, "on": 1e9}
                for _ in range(max(1, args.repeats)):
                    for mode in ("off", "on"):
                        _, secs = run(args.voc, big, args.taxonomy, base + ["--adapt", mode])
                        best[mode] = min(best[mode], secs)
                res["scaled_records"] = len(recs) * args.scale
                res["scaled_seconds_off"], res["scaled_seconds_on"] = best["off"], best["on"]
                res["scaled_cost_ratio"] = best["on"] / best["off"]
            report["corpora"][corpus] = res
    print_table(report, args.markdown)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(report, f, indent=1)
            f.write("\n")


def print_table(report, markdown):
    head = ["corpus", "issue records", "coverage rules", "coverage +adapt", "correct rules",
            "correct +adapt", "precision rules", "precision adapted", "adapted hits",
            "time on/off", "time on/off at scale"]
    rows = []
    for corpus, r in report["corpora"].items():
        rows.append([corpus, f"{r['issue_records']:,}", f"{r['coverage_rules']:.3f}",
                     f"{r['coverage_adapted']:.3f}", f"{r['correct_rules']:.3f}",
                     f"{r['correct_adapted']:.3f}", f"{r['precision_rules']:.3f}",
                     f"{r['precision_adapted_hits']:.3f}", f"{r['adapted_hits']:,}",
                     f"{r['cost_ratio']:.2f}x",
                     f"{r['scaled_cost_ratio']:.2f}x" if "scaled_cost_ratio" in r else "-"])
    if markdown:
        print("| " + " | ".join(head) + " |")
        print("|" + "---|" * len(head))
        for r in rows:
            print("| " + " | ".join(r) + " |")
    else:
        for r in [head] + rows:
            print("  ".join(f"{c:>17}" if i else f"{c:<20}" for i, c in enumerate(r)))


if __name__ == "__main__":
    main()
