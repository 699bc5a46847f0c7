#!/usr/bin/python3
"""Python and Dask against the CLI on the same JSON Lines file, side by side
in one run: does the scale-out pay?

Makes a JSON Lines file of --records short customer texts (the Bitext
customer-support requests and the tweets of ../shared/data when present,
else the bundled examples/data texts; repeated with distinct ids and dates
over 26 weeks, two channels), then times, best of --repeats, each from
input file to findings JSON:

  cli t2 / cli t1     voc findings FILE --threads 2 / 1
  py t1 / py t2       one Python process: voc.dask.aggregate_files(FILE,
                      blocksize=None, threads_per_task=T) (the C++ reader,
                      pipeline and aggregate in one call), detect_findings
  dask 1w / dask 2w   a LocalCluster of 1 or 2 worker processes with one
                      thread each, made under voc.dask.cluster_config()
                      (--cluster-config default: dask's own settings):
                      aggregate_files(FILE, blocksize=--blocksize,
                      client=...), detect_findings on the client; the cluster
                      is started before the clock (fresh for every repeat, so
                      every worker loads its models inside the timing, as the
                      CLI does)
  frame t1 (--frame)  voc.pandas.aggregate_frame on the records already in a
                      pandas DataFrame (reading the file not timed), threads=1;
                      frames are not adapted (voc findings adapts its themes to
                      a file by default), so its aggregate is not compared

Every Python and Dask aggregate is checked equal to the CLI's
--save-aggregate (counts, i.e. without "sources"). Prints a table of wall
times and ratios to `cli t2` / `cli t1`, and the load average before and
after (the machine may be shared).

usage: /usr/bin/python3 bench/dask_scale.py [--voc build/bin/voc]
          [--pythonpath build/python] [--records 1000000] [--repeats 3]
          [--blocksize auto] [--adapt on|off] [--cluster-config voc|default]
          [--frame] [--keep FILE]
"""
import argparse
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
SHARED = os.path.join(ROOT, "..", "shared", "data")


def texts():
    out = []
    bitext = os.path.join(SHARED, "bitext_customer_support",
                          "Bitext_Sample_Customer_Support_Training_Dataset.csv")
    tweets = os.path.join(SHARED, "splits", "tweets_sentiment_train.csv")
    if os.path.exists(bitext):
        with open(bitext, encoding="utf-8", newline="") as f:
            out += [r["instruction"] for r in csv.DictReader(f)]
    if os.path.exists(tweets):
        with open(tweets, encoding="utf-8", newline="") as f:
            out += [r["text"] for r in csv.DictReader(f)]
    if not out:
        with open(os.path.join(ROOT, "examples", "data", "sample_tweets.txt"), encoding="utf-8") as f:
            out = [line.strip() for line in f if line.strip()]
    return [t for t in out if t.strip()]


def make_input(path, n):
    base = texts()
    rng = random.Random(7)
    t0 = 1704067200  # 2024-01-01
    with open(path, "w", encoding="utf-8") as f:
        for i in range(n):
            rec = {"id": f"r{i + 1}", "date": t0 + rng.randrange(26 * 7 * 86400),
                   "channel": "chat" if i % 3 else "email", "text": base[i % len(base)]}
            f.write(json.dumps(rec) + "\n")
    return len(base)


COLS = ["--text-col", "text", "--time-col", "date", "--channel-col", "channel", "--id-col", "id"]
PY_COLS = dict(text_col="text", time_col="date", channel_col="channel", id_col="id")


def counts(serialized):
    d = json.loads(serialized)
    d.pop("sources", None)
    return d


def time_cli(voc, path, threads, out_dir, adapt):
    saved = os.path.join(out_dir, f"cli{threads}.agg.json")
    cmd = [voc, "findings", path, "--period", "week", "--threads", str(threads), "--quiet",
           "--adapt", adapt,
           "-o", os.path.join(out_dir, "cli.json"), "--save-aggregate", saved] + COLS
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True)
    return time.perf_counter() - t0, saved


PY_ONE = """
import sys, time, json
t0 = time.perf_counter()
import voc, voc.dask
agg = voc.dask.aggregate_files(sys.argv[1], period="week", blocksize=None,
                               threads_per_task=int(sys.argv[2]), adapt=sys.argv[5] == "on",
                               **json.loads(sys.argv[3]))
f = voc.detect_findings(agg).to_json()
t = time.perf_counter() - t0
open(sys.argv[4], "w").write(agg.serialize())
print(t)
"""

PY_DASK = """
import sys, time, json
import dask
import voc, voc.dask
from distributed import Client, LocalCluster
with dask.config.set(voc.dask.cluster_config() if sys.argv[7] == "voc" else {}):
    cluster = LocalCluster(n_workers=int(sys.argv[2]), threads_per_worker=1, processes=True,
                           host="127.0.0.1", dashboard_address=None)
client = Client(cluster)
client.run(lambda: __import__("voc.dask"))  # workers up, package imported
t0 = time.perf_counter()
agg = voc.dask.aggregate_files(sys.argv[1], period="week", blocksize=sys.argv[5],
                               client=client, adapt=sys.argv[6] == "on", **json.loads(sys.argv[3]))
f = voc.detect_findings(agg).to_json()
t = time.perf_counter() - t0
open(sys.argv[4], "w").write(agg.serialize())
client.close(); cluster.close()
print(t)
"""

PY_FRAME = """
import sys, time, json
import pandas as pd
import voc, voc.pandas, voc.dask
with open(sys.argv[1], encoding="utf-8") as f:
    df = pd.DataFrame([json.loads(line) for line in f])
opts = voc.dask.fixed_industries(df, "text")
t0 = time.perf_counter()
agg = voc.pandas.aggregate_frame(df, period="week", threads=int(sys.argv[2]),
                                 analyzer=voc.Analyzer(**opts), **json.loads(sys.argv[3]))
f = voc.detect_findings(agg).to_json()
t = time.perf_counter() - t0
open(sys.argv[4], "w").write(agg.serialize())
print(t)
"""


def time_py(script, env, args, out):
    proc = subprocess.run([sys.executable, "-c", script] + args[:3] + [out] + args[3:],
                          env=env, check=True, stdout=subprocess.PIPE, text=True)
    return float(proc.stdout.strip().splitlines()[-1])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--voc", default=os.path.join(ROOT, "build", "bin", "voc"))
    ap.add_argument("--pythonpath", default=os.path.join(ROOT, "build", "python"))
    ap.add_argument("--records", type=int, default=1_000_000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--blocksize", default="auto",
                    help="dask byte ranges (aggregate_files' default: auto)")
    ap.add_argument("--adapt", default="on", choices=["on", "off"],
                    help="adapted themes (voc findings --adapt; on by default for a file)")
    ap.add_argument("--cluster-config", default="voc", choices=["voc", "default"],
                    help="the LocalCluster's dask settings: voc.dask.cluster_config() (default) "
                         "or dask's defaults")
    ap.add_argument("--frame", action="store_true", help="also time voc.pandas.aggregate_frame")
    ap.add_argument("--keep", help="write the input here (kept) instead of a temporary file")
    args = ap.parse_args()

    env = dict(os.environ, PYTHONPATH=args.pythonpath,
               VOC_MODELS_DIR=os.environ.get("VOC_MODELS_DIR", os.path.join(ROOT, "models")))
    with tempfile.TemporaryDirectory() as tmp:
        path = args.keep or os.path.join(tmp, "records.jsonl")
        if not os.path.exists(path):
            distinct = make_input(path, args.records)
        else:
            distinct = None
        size = os.path.getsize(path)
        load0 = os.getloadavg()
        cols = json.dumps(PY_COLS)
        a = args.adapt
        cc = args.cluster_config
        runs = [("cli t2", lambda out: time_cli(args.voc, path, 2, tmp, a)),
                ("cli t1", lambda out: time_cli(args.voc, path, 1, tmp, a)),
                ("py t1", lambda out: (time_py(PY_ONE, env, [path, "1", cols, a], out), out)),
                ("py t2", lambda out: (time_py(PY_ONE, env, [path, "2", cols, a], out), out)),
                ("dask 1w", lambda out: (time_py(PY_DASK, env,
                                                 [path, "1", cols, args.blocksize, a, cc], out), out)),
                ("dask 2w", lambda out: (time_py(PY_DASK, env,
                                                 [path, "2", cols, args.blocksize, a, cc], out), out))]
        if args.frame:
            runs.append(("frame t1",
                         lambda out: (time_py(PY_FRAME, env, [path, "1", cols], out), out)))
        best = {}
        saved = {}
        for _ in range(args.repeats):  # interleaved, so that load changes hit every run
            for name, fn in runs:
                out = os.path.join(tmp, name.replace(" ", "_") + ".agg.json")
                t, agg = fn(out)
                best[name] = min(best.get(name, t), t)
                saved[name] = agg
                print(f"  {name}: {t:.2f} s", file=sys.stderr)
        load1 = os.getloadavg()
        with open(saved["cli t2"]) as f:
            reference = counts(f.read())
        same = {}
        for name in best:
            with open(saved[name]) as f:
                same[name] = counts(f.read()) == reference
        if "frame t1" in same and args.adapt == "on":  # a DataFrame is not adapted
            same["frame t1"] = None
        print(f"input: {args.records:,} records ({distinct or '?'} distinct texts), "
              f"{size / 1e6:.0f} MB JSON Lines; best of {args.repeats}; "
              f"dask blocksize {args.blocksize}; adapted themes {args.adapt}; "
              f"cluster config {args.cluster_config}")
        print(f"load average (1, 5, 15 min) before: {load0[0]:.2f} {load0[1]:.2f} {load0[2]:.2f}; "
              f"after: {load1[0]:.2f} {load1[1]:.2f} {load1[2]:.2f}; cores: {os.cpu_count()}")
        print()
        print("| run | wall s | records/s | / cli t2 | / cli t1 | aggregate = CLI |")
        print("|---|---:|---:|---:|---:|---|")
        for name, t in best.items():
            print(f"| {name} | {t:.2f} | {args.records / t:,.0f} | {t / best['cli t2']:.2f} | "
                  f"{t / best['cli t1']:.2f} | "
                  f"{'n/a (not adapted)' if same[name] is None else 'yes' if same[name] else 'NO'} |")
        print()
        print(f"dask scaling 1 -> 2 workers: {best['dask 1w'] / best['dask 2w']:.2f}x; "
              f"cli 1 -> 2 threads: {best['cli t1'] / best['cli t2']:.2f}x")
        for run, ref in (("py t1", "cli t1"), ("dask 2w", "cli t2"), ("dask 1w", "cli t1")):
            ratio = best[run] / best[ref]
            print(f"{run} / {ref}: {ratio:.2f} (target <= 1.30: {'met' if ratio <= 1.3 else 'missed'})")
        return 0 if all(v is not False for v in same.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
