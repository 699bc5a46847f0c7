#!/usr/bin/python3
"""Throughput of Analyzer.analyze_many on the bundled CFPB sample.

    PYTHONPATH=build/python VOC_MODELS_DIR=models \
        /usr/bin/python3 python/bench/analyze_many_bench.py [--threads 1 2] [--repeat 3]

Prints documents per second (best of --repeat runs) for each thread count,
the cost of the Python-side conversion (to_dict) and the one-by-one
`analyze` rate for comparison.
"""
import argparse
import pathlib
import time

import pandas as pd

import voc
import voc.pandas

DATA = pathlib.Path(__file__).resolve().parents[2] / "examples" / "data" / "cfpb_complaints.csv.gz"


def best(fn, repeat):
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--rows", type=int, default=0, help="use the first N rows (0: all)")
    args = ap.parse_args()
    df = pd.read_csv(DATA, dtype=str, keep_default_na=False)
    if args.rows:
        df = df.iloc[:args.rows]
    records = voc.pandas.frame_records(df, text_col="text", time_col="date", channel_col="channel")
    mb = sum(len(t.encode()) for t in df["text"]) / 1e6
    an = voc.Analyzer()
    an.analyze_many(records[:50])  # warm up
    print(f"{len(records)} records, {mb:.1f} MB of text")
    for th in args.threads:
        s = best(lambda: an.analyze_many(records, threads=th), args.repeat)
        print(f"analyze_many threads={th}: {len(records) / s:.0f} docs/s ({mb / s:.2f} MB/s)")
    s = best(lambda: [an.analyze(r.text) for r in records], 1)
    print(f"analyze one by one: {len(records) / s:.0f} docs/s")
    res = an.analyze_many(records, threads=0)
    s = best(lambda: [a.to_dict() for a in res], 1)
    print(f"to_dict: {len(res) / s:.0f} analyses/s")


if __name__ == "__main__":
    main()
