"""Dask scale-out: analyse partitions on workers, merge their aggregates,
detect findings.

    from distributed import Client
    import voc.dask
    client = Client("tcp://scheduler:8786")      # or a LocalCluster
    findings = voc.dask.findings_from_dask("complaints-*.csv.gz", text_col="text",
                                           time_col="date", period="week")
    findings.save("findings.html")

Each partition is analysed by a task on a worker: the worker process builds
its Analyzer once (cached per process and options) and returns the
partition's Aggregate serialized as canonical JSON. The partial aggregates
are merged in a tree (`split_every` at a time) and findings are detected on
the client. Because aggregates merge exactly, the findings equal those of a
single process over the same rows, byte for byte, whatever the partitioning,
the number of workers or the order of the merges.

Workers need the `voc` package importable and the models (the installed
share/voc/models, or $VOC_MODELS_DIR / `analyzer_options={"models_dir": ...}`
pointing to a folder every worker can read).
"""

import threading as _threading

import voc as _voc_pkg
from voc import pandas as _voc_pandas

__all__ = ["aggregate_partition", "findings_from_dask", "aggregate_from_dask", "merge_serialized"]

_cache_lock = _threading.Lock()
_analyzers = {}


def _frozen(d):
    if isinstance(d, dict):
        return tuple(sorted((k, _frozen(v)) for k, v in d.items()))
    if isinstance(d, (list, tuple)):
        return tuple(_frozen(v) for v in d)
    return d


def _analyzer(options):
    """The analyzer of this process for `options` (a dict), built once."""
    key = _frozen(options or {})
    with _cache_lock:
        an = _analyzers.get(key)
        if an is None:
            an = _voc_pkg.Analyzer(**(options or {}))
            _analyzers[key] = an
        return an


def aggregate_partition(pdf, columns, period, analyzer_options=None, aggregate_options=None,
                        threads=1, id_offset=0, errors="raise", missing="reject"):
    """Analyses one pandas partition and returns its Aggregate as JSON.
    `columns` maps text_col, time_col, id_col, channel_col, customer_col;
    rows without an id are numbered from `id_offset` + 1."""
    if not len(pdf):
        return _voc_pkg.Aggregate(period, **(aggregate_options or {})).serialize()
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # rejects are counted, not printed
        agg = _voc_pandas.aggregate_frame(pdf, period=period, threads=threads,
                                          analyzer=_analyzer(analyzer_options),
                                          aggregate_options=aggregate_options, errors=errors,
                                          missing=missing, id_offset=id_offset, **columns)
    return agg.serialize()


def merge_serialized(*parts):
    """Merges serialized aggregates into one, serialized."""
    return _voc_pkg.merge_aggregates(parts).serialize()


def _read(paths, npartitions):
    import dask.dataframe as dd
    ddf = dd.read_csv(paths, dtype=str, keep_default_na=False, blocksize=None)
    if npartitions and ddf.npartitions < npartitions:
        ddf = ddf.repartition(npartitions=npartitions)
    return ddf


def fixed_industries(data, text_col="text", analyzer_options=None):
    """With industry "auto" (the default), one process chooses the packs from
    the first 1,000 texts of its input; every worker must use that same
    choice, not one of its own partition. Chooses it from the head of `data`
    (a dask or pandas DataFrame) and returns `analyzer_options` naming the
    packs; pass them to `aggregate_partition` when calling it directly."""
    options = dict(analyzer_options or {})
    if options.get("industry", "auto") != "auto" or options.get("industry_sample"):
        return options
    column = data[text_col]
    head = column.head(1000, npartitions=-1) if hasattr(data, "npartitions") else column.head(1000)
    sample = ["" if t is None or t != t else str(t) for t in head.tolist()]
    chosen = _voc_pkg.Analyzer(**dict(options, industry_sample=sample)).industries()
    packs = [p["id"] for p in chosen.get("packs", []) if p.get("enabled")]
    if chosen.get("packs"):
        options["industry"] = ",".join(packs) if packs else "none"
    return options


def aggregate_from_dask(data, text_col="text", time_col=None, id_col=None, channel_col=None,
                        customer_col=None, period="week", analyzer_options=None,
                        aggregate_options=None, npartitions=None, split_every=8,
                        threads_per_task=1, client=None, errors="raise", missing="reject"):
    """Analyses a dask DataFrame (or CSV path(s) / glob, read with every
    column as text) on the cluster and returns the merged `voc.Aggregate`.

    Ids come from `id_col`, else an "id" column; without either they are
    the 1-based row position in the whole frame (partition lengths are
    counted first), as in one process, so evidence traces back to rows and
    the output equals `voc.pandas.aggregate_frame` on the same rows.
    `errors` and `missing` are those of `voc.pandas.analyze_frame`. `npartitions` splits
    files read from paths (gzip files are one partition each otherwise).
    `client` defaults to the current distributed client, if any."""
    import dask
    if isinstance(data, (str, list, tuple)):
        data = _read(list(data) if isinstance(data, tuple) else data, npartitions)
    elif npartitions and data.npartitions < npartitions:
        data = data.repartition(npartitions=npartitions)
    if split_every < 2:
        raise ValueError(f"split_every must be >= 2, got {split_every}")
    columns = dict(text_col=text_col, time_col=time_col, id_col=id_col,
                   channel_col=channel_col, customer_col=customer_col)
    absent = [c for c in columns.values() if c is not None and c not in data.columns]
    if absent:
        cols = ", ".join(str(c) for c in data.columns)
        raise ValueError(f"column {absent[0]!r} not found; columns are: {cols}")
    # Fail on the client, not on every worker, for bad options.
    _voc_pkg.aggregate_options(period, **(aggregate_options or {}))
    _voc_pkg.analyzer_options(**(analyzer_options or {}))
    analyzer_options = fixed_industries(data, text_col, analyzer_options)

    partition = dask.delayed(aggregate_partition, pure=True)
    merge = dask.delayed(merge_serialized, pure=True)
    parts = data.to_delayed()
    offsets = [0] * len(parts)
    if id_col is None and "id" not in data.columns:
        lengths = data.map_partitions(len)
        lengths = (client.compute(lengths).result() if client is not None
                   else lengths.compute()).tolist()
        for i in range(1, len(parts)):
            offsets[i] = offsets[i - 1] + int(lengths[i - 1])
    level = [partition(p, columns, period, analyzer_options, aggregate_options, threads_per_task,
                       offsets[i], errors, missing)
             for i, p in enumerate(parts)]
    if not level:
        raise ValueError("the dask DataFrame has no partitions")
    while len(level) > 1:
        level = [merge(*level[i:i + split_every]) if len(level[i:i + split_every]) > 1
                 else level[i] for i in range(0, len(level), split_every)]
    if client is not None:
        serialized = client.compute(level[0]).result()
    else:
        serialized = level[0].compute()
    return _voc_pkg.Aggregate.deserialize(serialized)


def findings_from_dask(data, text_col="text", time_col=None, id_col=None, channel_col=None,
                       customer_col=None, period="week", analyzer_options=None,
                       aggregate_options=None, findings_options=None, npartitions=None,
                       split_every=8, threads_per_task=1, client=None, errors="raise",
                       missing="reject"):
    """Findings of a dask DataFrame or CSV path(s): `aggregate_from_dask`,
    then `voc.detect_findings` on the client with `findings_options` (a dict
    of FindingsOptions fields). Returns a `voc.Findings`."""
    # Refuse bad findings options before any work is scheduled.
    _voc_pkg.findings_options(**(findings_options or {}))
    agg = aggregate_from_dask(data, text_col=text_col, time_col=time_col, id_col=id_col,
                              channel_col=channel_col, customer_col=customer_col, period=period,
                              analyzer_options=analyzer_options,
                              aggregate_options=aggregate_options, npartitions=npartitions,
                              split_every=split_every, threads_per_task=threads_per_task,
                              client=client, errors=errors, missing=missing)
    return _voc_pkg.detect_findings(agg, **(findings_options or {}))
