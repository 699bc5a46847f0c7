#!/usr/bin/python3
"""Cost of turning analyses into a pandas DataFrame: analyze_frame on short
texts, before (analyze_many, then one Python dict per record, as
analyze_frame did up to this version) and after (columns straight from C++
in chunks), each in its own process so that peak memory is its own.

    PYTHONPATH=build/python VOC_MODELS_DIR=models \
        /usr/bin/python3 python/bench/frame_conversion_bench.py [--rows 146000] [--threads 2]

The texts are the tweets of ../shared/data/splits (train + test) repeated
up to --rows (the bundled sample_tweets.txt when that folder is absent).
For each way it prints the wall and CPU time (all threads of the process)
of the whole call, of the analysis alone (the same call without
conversion) and their difference (the conversion), the process's peak RSS
and that peak above what it held before the call. On a loaded machine
compare the CPU columns.
"""
import argparse
import json
import pathlib
import resource
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[2]
SPLITS = ROOT.parent / "shared" / "data" / "splits"


def texts(rows):
    import pandas as pd
    parts = [SPLITS / "tweets_sentiment_train.csv", SPLITS / "tweets_sentiment_test.csv"]
    if all(p.is_file() for p in parts):
        base = pd.concat([pd.read_csv(p, dtype=str, keep_default_na=False) for p in parts])
        base = base["text"].tolist()
    else:
        base = (ROOT / "examples" / "data" / "sample_tweets.txt").read_text().splitlines()
    out = (base * (rows // len(base) + 1))[:rows]
    return pd.DataFrame({"text": out, "date": ["2024-01-%02d" % (1 + i % 28) for i in range(rows)]})


def before(df, analyzer, threads, convert):
    """analyze_frame as it was: Records from rows, analyze_many, one dict per
    analysis."""
    import pandas as pd
    import voc.pandas as vp
    records = vp.frame_records(df, text_col="text", time_col="date")
    analyses = analyzer.analyze_many(records, threads=threads)
    if not convert:
        return None
    rows = []
    for a in analyses:
        themes = a.themes
        signals = []
        for s in a.signals:
            if s["signal"] not in signals:
                signals.append(s["signal"])
        deps = []
        for t in themes:
            if t["department"] and t["department"] not in deps:
                deps.append(t["department"])
        rows.append({"id": a.id, "timestamp": a.timestamp, "channel": a.channel,
                     "customer_id": a.customer_id, "label": a.label, "score": a.score,
                     "confidence": a.confidence, "themes": [t["id"] for t in themes],
                     "departments": deps, "roles": [t["role"] for t in themes],
                     "signals": signals, "unclassified": a.unclassified,
                     "emotion_intensity": a.emotion_intensity, "profanity": a.profanity,
                     "redactions": a.redactions, "invalid_utf8": a.invalid_utf8, "text": a.text})
    out = pd.DataFrame(rows, index=df.index)
    out["timestamp"] = pd.to_datetime(out["timestamp"], unit="s", utc=True)
    return out


def after(df, analyzer, threads, convert):
    import voc.pandas as vp
    if not convert:  # the same preparation and chunks, results dropped in C++
        p = vp._Prepared(df, "text", "date", None, None, None, "raise", "reject")
        p.run(analyzer, threads, None, False, None, "analyze")
        return None
    return vp.analyze_frame(df, text_col="text", time_col="date", threads=threads,
                            analyzer=analyzer)


def child(way, rows, threads, convert):
    import voc
    df = texts(rows)
    analyzer = voc.Analyzer()
    analyzer.analyze_many(df["text"].head(200).tolist(), threads=threads)  # warm up
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0, c0 = time.perf_counter(), time.process_time()
    out = {"before": before, "after": after}[way](df, analyzer, threads, convert)
    took, cpu = time.perf_counter() - t0, time.process_time() - c0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"seconds": took, "cpu": cpu, "base_mb": base / 1024, "peak_mb": peak / 1024,
                      "rows": len(out) if out is not None and hasattr(out, "__len__") else rows}))


def run(way, rows, threads, convert):
    cmd = [sys.executable, __file__, "--child", way, "--rows", str(rows), "--threads", str(threads)]
    if not convert:
        cmd.append("--no-convert")
    return json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=146_000)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--child")
    ap.add_argument("--no-convert", action="store_true")
    args = ap.parse_args()
    if args.child:
        child(args.child, args.rows, args.threads, not args.no_convert)
        return
    print(f"{args.rows:,} short texts, {args.threads} threads (best of {args.repeat})")
    print(f"{'way':8} {'total s':>8} {'analysis s':>10} {'convert s':>9} {'total cpu':>9} "
          f"{'analysis cpu':>12} {'convert cpu':>11} {'peak MB':>8} {'+MB':>7}")
    for way in ("before", "after"):
        full = min((run(way, args.rows, args.threads, True) for _ in range(args.repeat)),
                   key=lambda r: r["seconds"])
        bare = min((run(way, args.rows, args.threads, False) for _ in range(args.repeat)),
                   key=lambda r: r["seconds"])
        print(f"{way:8} {full['seconds']:8.2f} {bare['seconds']:10.2f} "
              f"{full['seconds'] - bare['seconds']:9.2f} {full['cpu']:9.2f} {bare['cpu']:12.2f} "
              f"{full['cpu'] - bare['cpu']:11.2f} {full['peak_mb']:8.0f} "
              f"{full['peak_mb'] - full['base_mb']:7.0f}", flush=True)


if __name__ == "__main__":
    main()
