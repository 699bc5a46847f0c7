#!/usr/bin/python3
"""Chronic-issue findings over a Dask cluster, checked against one process.

    PYTHONPATH=build/python /usr/bin/python3 examples/dask_findings.py \
        [--workers 2] [--partitions 8] [--period month] [--out findings.html]

Runs the bundled CFPB complaint sample (examples/data/cfpb_complaints.csv.gz)
through `voc.dask.findings_from_dask` on a LocalCluster of worker processes:
each partition is analysed on a worker (the worker builds its Analyzer once),
returns its partial Aggregate as JSON, the partials are merged in a tree and
the findings are detected on the client. The script then does the same in
this one process and checks that both findings documents are byte-identical,
and prints both timings.

On a real multi-machine cluster the same code runs unchanged; only the
client changes:

    from distributed import Client
    client = Client("tcp://scheduler:8786")   # `dask scheduler` on one host,
                                              # `dask worker tcp://scheduler:8786` on the others
    findings = voc.dask.findings_from_dask(
        "s3://bucket/complaints-*.csv.gz",    # or any path every worker can read,
        text_col="text", time_col="date",     # or a dask DataFrame
        channel_col="channel", period="week", client=client,
        analyzer_options={"models_dir": "/opt/voc/models"})

Every worker needs the voc package importable by its Python (`cmake
--install` on each machine, or a shared PYTHONPATH) and the models: the
installed share/voc/models, $VOC_MODELS_DIR set in the worker's environment,
or `analyzer_options={"models_dir": ...}` naming a folder every worker can
read. Only partial aggregates (a few hundred KB of JSON each) travel back to
the client, never the texts.
"""

import argparse
import os
import pathlib
import sys
import time

import pandas as pd

import voc
import voc.dask
import voc.pandas

HERE = pathlib.Path(__file__).resolve().parent
DATA = HERE / "data" / "cfpb_complaints.csv.gz"
COLUMNS = dict(text_col="text", time_col="date", id_col="id", channel_col="channel")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", default=str(DATA), help="CSV(.gz) with id,date,channel,text")
    ap.add_argument("--workers", type=int, default=2, help="worker processes")
    ap.add_argument("--partitions", type=int, default=8, help="dask partitions")
    ap.add_argument("--period", default="month", help="day, week or month")
    ap.add_argument("--out", help="write the findings (.json, .csv or .html)")
    ap.add_argument("--scheduler", help="address of an existing scheduler instead of a LocalCluster")
    args = ap.parse_args()

    os.environ.setdefault("VOC_MODELS_DIR", str(HERE.parent / "models"))
    from distributed import Client, LocalCluster

    if args.scheduler:
        cluster, client = None, Client(args.scheduler)
    else:
        import dask
        with dask.config.set(voc.dask.cluster_config()):  # less beside the tasks on each worker
            cluster = LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True,
                                   host="127.0.0.1", dashboard_address=None)
        client = Client(cluster)
    try:
        t0 = time.perf_counter()
        findings = voc.dask.findings_from_dask(args.data, period=args.period,
                                               npartitions=args.partitions, client=client,
                                               **COLUMNS)
        t_dask = time.perf_counter() - t0
    finally:
        client.close()
        if cluster is not None:
            cluster.close()

    t0 = time.perf_counter()
    df = pd.read_csv(args.data, dtype=str, keep_default_na=False)
    agg = voc.pandas.aggregate_frame(df, period=args.period, threads=1, **COLUMNS)
    single = voc.detect_findings(agg)
    t_single = time.perf_counter() - t0

    same = findings.to_json() == single.to_json()
    print(f"records: {agg.records}  periods: {len(agg.periods)}  findings: "
          f"{len(findings['findings'])}")
    print(f"dask ({args.workers} workers, {args.partitions} partitions): {t_dask:.2f} s; "
          f"one process, one thread: {t_single:.2f} s")
    print("findings identical to the single-process run:", same)
    print(voc.pandas.findings_frame(findings)[["rank", "theme", "status", "priority",
                                               "department", "volume"]].head(10)
          .to_string(index=False))
    if args.out:
        findings.save(args.out)
        print("wrote", args.out)
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
