"""Dask scale-out: analyse partitions on workers, merge their aggregates,
detect findings.

    from distributed import Client
    import voc.dask
    client = Client("tcp://scheduler:8786")      # or a LocalCluster
    findings = voc.dask.findings_from_dask("complaints-*.jsonl", text_col="text",
                                           time_col="date", period="week")
    findings.save("findings.html")

Files are best: `aggregate_files` (and the functions above given paths)
makes each file, or each byte range of a JSON Lines or text file, a task
that reads, analyses and aggregates it in C++ on a worker (the library's
reader and pipeline, without the GIL), as fast per core as `voc findings`.
A dask DataFrame's partitions are handed to the C++ analysis column by
column (`voc.pandas.aggregate_frame`). Either way the worker process builds
its Analyzer once (cached per process and options) and returns the
partition's Aggregate (which pickles through its canonical JSON between
processes; within one process it is handed over as it is). The partial aggregates
are merged in a tree (`split_every` at a time; with a distributed client its
last level on the client, each partial as it arrives) and findings are
detected on the client. Because aggregates merge exactly, the findings equal those of a
single process over the same rows, byte for byte, whatever the partitioning,
the number of workers or the order of the merges.

Workers need the `voc` package importable and the models (the installed
share/voc/models, or $VOC_MODELS_DIR / `analyzer_options={"models_dir": ...}`
pointing to a folder every worker can read).
"""

import threading as _threading

import voc as _voc_pkg
from voc import _reading

__all__ = ["aggregate_partition", "findings_from_dask", "aggregate_from_dask", "merge_serialized",
           "aggregate_files", "aggregate_file_part", "file_parts", "cluster_config"]

_cache_lock = _threading.Lock()
_analyzers = {}
_spares = {}  # options -> an analyzer built ahead (_prepare_analyzer), not yet used


def _frozen(d):
    if isinstance(d, dict):
        return tuple(sorted((k, _frozen(v)) for k, v in d.items()))
    if isinstance(d, (list, tuple)):
        return tuple(_frozen(v) for v in d)
    return d


_malloc_checked = False


def _worker_malloc():
    """Once per process: a small fixed malloc trim threshold (Dask's nanny
    sets MALLOC_TRIM_THRESHOLD_=65536 in its worker processes) makes glibc
    unmap and re-map the analysis' buffers after every batch, and the
    analysis about four times slower; relaxed to 64 MiB (with a 32 MiB mmap
    threshold) in such processes. VOC_KEEP_MALLOC_TRIM=1 keeps it as set."""
    global _malloc_checked
    if _malloc_checked:
        return
    import os
    _malloc_checked = True
    if os.environ.get("MALLOC_TRIM_THRESHOLD_") and not os.environ.get("VOC_KEEP_MALLOC_TRIM"):
        _voc_pkg._voc._relax_malloc_trim()


def cluster_config():
    """Dask settings for clusters that run voc's tasks, to set where the
    workers are made: `with dask.config.set(voc.dask.cluster_config()):
    cluster = LocalCluster(...)` (a nanny hands its config to the worker
    processes it starts), or the same keys in the workers' dask config
    (YAML, or DASK_DISTRIBUTED__... environment variables). A voc task
    spends its time in C++ without the GIL, so what a worker does beside it
    takes the cores the analysis needs; these settings cut that:

    - the workers' sampling profiler off (it samples Python stacks every
      10 ms and merges them each second; a task in C++ has none to show);
    - the event loop's tick (a timer that watches for a blocked loop) every
      second instead of every 20 ms;
    - the workers' memory check every second instead of every 100 ms (the
      limits still apply, checked less often; an aggregate's memory stays
      bounded).

    An idle LocalCluster of 2 worker processes used 1.9 s of CPU in 20 s
    with dask's defaults and 0.35 s with these. Results do not depend on
    them."""
    return {
        "distributed.worker.profile.enabled": False,
        "distributed.admin.tick.interval": "1s",
        "distributed.worker.memory.monitor-interval": "1s",
    }


def _analyzer(options, adapter=None):
    """The analyzer of this process for `options` (a dict) and the adapted
    themes serialized in `adapter` (bytes or None), built once."""
    import hashlib
    key = (_frozen(options or {}), hashlib.sha256(adapter).hexdigest() if adapter else None)
    with _cache_lock:
        _worker_malloc()
        an = _analyzers.get(key)
        if an is None:
            an = _spares.pop(key[0], None)
            if an is None:
                an = _voc_pkg.Analyzer(**(options or {}))
            if adapter:
                an._native.set_theme_adapter(_voc_pkg._voc.ThemeAdapter.from_bytes(adapter))
            _analyzers[key] = an
        return an


def _prepare_analyzer(options, client_pid):
    """A task that builds this worker process's analyzer for `options`
    (models loaded, rules compiled) while the client fits the adapter, and
    keeps it aside: the first task for these options takes it and applies
    the adapter (no analysis runs on it before, so none can race with
    that). Nothing in the client's own process, which has its analyzer."""
    import os
    if os.getpid() == client_pid:
        return False
    key = _frozen(options or {})
    with _cache_lock:
        if key in _spares or any(k[0] == key for k in _analyzers):
            return False
        _worker_malloc()
        _spares[key] = _voc_pkg.Analyzer(**(options or {}))
    return True


def _warm_workers(client, options, parts):
    """Starts `_prepare_analyzer` on every worker of a distributed `client`
    (the current one if None) when there are at least as many `parts` as
    workers; returns the futures (to keep until the work is done)."""
    import os
    client = _distributed_client(client)
    if client is None:
        return []
    try:
        workers = list(client.scheduler_info()["workers"])
    except Exception:  # a client without workers' info
        return []
    if not workers or parts < len(workers):
        return []
    return [client.submit(_prepare_analyzer, options, os.getpid(), workers=[w],
                          allow_other_workers=False, pure=False) for w in workers]


def _remember(options, adapter, analyzer):
    """Makes `analyzer` (built for `options`, with the adapted themes
    serialized in `adapter` applied) the cached analyzer of this process
    for them, so that tasks run in this process do not build another."""
    import hashlib
    key = (_frozen(options or {}), hashlib.sha256(adapter).hexdigest() if adapter else None)
    with _cache_lock:
        _analyzers.setdefault(key, analyzer)


def _cluster_threads(client):
    """The worker threads of `client` (or of the current distributed
    client); None without one, or when it does not say."""
    client = _distributed_client(client)
    if client is None:
        return None
    try:
        return sum(client.nthreads().values()) or None
    except Exception:  # a client without workers' info
        return None


def _fit_threads(client, threads_per_task):
    """Threads for fitting the adapter on the client, while the workers
    wait for it: those of the cluster (at most the client's cores), as
    `voc findings --threads N` fits on its N threads; `threads_per_task`
    without a distributed client."""
    import os
    total = _cluster_threads(client)
    if total is None:
        return threads_per_task
    return max(threads_per_task, min(total, os.cpu_count() or 1))


def aggregate_partition(pdf, columns, period, analyzer_options=None, aggregate_options=None,
                        threads=1, id_offset=0, errors="raise", missing="reject"):
    """Analyses one pandas partition and returns its `voc.Aggregate` (which
    pickles through its JSON between processes).
    `columns` maps text_col, time_col, id_col, channel_col, customer_col
    (and optionally score_col, value_col);
    rows without an id are numbered from `id_offset` + 1."""
    if not len(pdf):
        return _voc_pkg.Aggregate(period, **(aggregate_options or {}))
    import warnings
    from voc import pandas as _voc_pandas  # imports pandas: only where a frame is analysed
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # rejects are counted, not printed
        agg = _voc_pandas.aggregate_frame(pdf, period=period, threads=threads,
                                          analyzer=_analyzer(analyzer_options),
                                          aggregate_options=aggregate_options, errors=errors,
                                          missing=missing, id_offset=id_offset, **columns)
    return agg


def merge_serialized(*parts):
    """Merges serialized aggregates (or Aggregates) into one, serialized."""
    return _voc_pkg.merge_aggregates(parts).serialize()


def _merge(*parts):
    return _voc_pkg.merge_aggregates(parts)


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


def _paths(paths):
    import glob
    import os
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    out = []
    for p in paths:
        p = os.fspath(p)
        if any(c in p for c in "*?["):
            matched = sorted(glob.glob(p))
            if not matched:
                raise FileNotFoundError(f"no file matches {p!r}")
            out.extend(matched)
        else:
            out.append(p)
    if not out:
        raise ValueError("no input files")
    return out


def _bytes(blocksize):
    if blocksize is None or isinstance(blocksize, int):
        return blocksize
    from dask.utils import parse_bytes
    return parse_bytes(blocksize)


AUTO_BLOCKSIZE_MAX = 64 << 20
AUTO_BLOCKSIZE_MIN = 1 << 20


def auto_blocksize(total_bytes, slots):
    """The byte ranges of `blocksize="auto"`: 64 MiB (each range's partial
    aggregate costs about the same to send and merge whatever its size, so
    large ranges amortise it), smaller when that would leave some of the
    `slots` (the cluster's worker threads) without a range, but not under
    1 MiB."""
    slots = max(1, int(slots))
    even = -(-int(total_bytes) // slots)  # ceil
    return max(AUTO_BLOCKSIZE_MIN, min(AUTO_BLOCKSIZE_MAX, even))


def _slots(client, threads_per_task):
    """Tasks the cluster runs at once: the worker threads of a distributed
    client, else this machine's cores, over `threads_per_task`."""
    import os
    total = _cluster_threads(client) or os.cpu_count() or 1
    return max(1, total // max(1, threads_per_task))


def file_parts(paths, reader, blocksize=None, slots=None):
    """The partitions `aggregate_files` makes: (path, byte range or None,
    id prefix). JSON Lines and plain text files larger than `blocksize`
    bytes are split into byte ranges (aligned to line starts by the reader);
    CSV files (a quoted field may hold line ends), JSON arrays and gzip
    files (not seekable) are read whole. `reader` is a dict of reader options.
    `blocksize="auto"` is `auto_blocksize` of the files' total size for
    `slots` tasks at once (default: this machine's cores)."""
    import os
    paths = _paths(paths)
    names = [os.path.basename(p) for p in paths]
    if len(set(names)) < len(names):
        names = paths
    ro = _reading.reader_options(**reader)
    files = []
    for path, name in zip(paths, names):
        fmt, _, _ = _voc_pkg._voc.probe_file(path, ro, 0)
        with open(path, "rb") as f:
            gz = f.read(2) == b"\x1f\x8b"
        files.append((path, f"{name}:" if len(paths) > 1 else "", fmt in ("csv", "json") or gz,
                      os.path.getsize(path)))
    if blocksize == "auto":
        blocksize = auto_blocksize(sum(f[3] for f in files), slots or os.cpu_count() or 1)
    blocksize = _bytes(blocksize)
    parts = []
    for path, prefix, whole, size in files:
        if not blocksize or whole or size <= blocksize:
            parts.append((path, None, prefix))
            continue
        for begin in range(0, size, blocksize):
            parts.append((path, (begin, min(begin + blocksize, size)), prefix))
    return parts


def aggregate_file_part(path, reader, period, analyzer_options=None, aggregate_options=None,
                        byte_range=None, id_prefix="", threads=1, score_col=None,
                        value_col=None, adapter=None):
    """Reads, analyses and aggregates one file or byte range in C++ (the
    library's reader and pipeline, without the GIL) on this process's cached
    analyzer (with the adapted themes serialized in `adapter`, if any).
    Returns (`voc.Aggregate`, reader stats, rejects as the redacted JSON
    lines `voc findings --rejects` writes); the aggregate pickles through
    its JSON between processes."""
    an = _analyzer(analyzer_options, adapter)
    into = _voc_pkg.Aggregate(period, **(aggregate_options or {}))
    return _voc_pkg._voc.aggregate_file(
        path, _reading.reader_options(**reader), an._native,
        _voc_pkg.aggregate_options(period, **(aggregate_options or {})), byte_range,
        threads, score_col or "", value_col or "", 512, id_prefix, into)


def _stats_and_rejects(parts):
    """The summed reader stats and the rejects, in part order, of
    aggregate_file_part results."""
    stats = {}
    for p in parts:
        for k, v in p[1].items():
            stats[k] = stats.get(k, 0) + v
    return stats, [r for p in parts for r in p[2]]


def _merge_parts(*parts):
    return (_voc_pkg.merge_aggregates([p[0] for p in parts]),) + _stats_and_rejects(parts)


def _distributed_client(client):
    """`client`, else the current distributed client, else None (dask's
    local schedulers)."""
    if client is not None:
        return client
    try:
        from distributed import get_client
        return get_client()
    except (ImportError, ValueError):
        return None


def _reduce(level, split_every, merge, client, combine):
    """Reduces the delayed partials `level` to one result. With a
    distributed client, the tree stops at `split_every` partials, which are
    merged here as they arrive, `combine(state, index, result, more to
    come)`, then `combine(state, None, results in level order, False)`: the
    merge of each overlaps the work still running, and the last partial is
    the only one left to merge when the workers are done (instead of a merge
    task that waits for all of them and then sends its result here).
    Without one, the whole tree runs on dask's scheduler."""
    client = _distributed_client(client)
    limit = split_every if client is not None else 1
    while len(level) > limit:
        level = [merge(*level[i:i + split_every]) if len(level[i:i + split_every]) > 1
                 else level[i] for i in range(0, len(level), split_every)]
    if client is None:
        return level[0].compute()
    from distributed import as_completed
    futures = client.compute(level)
    where = {}
    for i, f in enumerate(futures):
        where.setdefault(f.key, []).append(i)
    results = [None] * len(futures)
    state = None
    left = len(futures)
    for future in as_completed(futures):
        i = where[future.key].pop(0)
        results[i] = future.result()
        left -= 1
        state = combine(state, i, results[i], left > 0)
    return combine(state, None, results, False)


def _accumulate(state, aggregate, more):
    """Adds `aggregate` to the running merge `state`: (aggregate, owned).
    A received aggregate is not changed (a worker in this process may hold
    it): the first is copied when it arrives if `more` are to come (while
    the workers still compute them, instead of after the last), else kept
    as it is; the rest are merged into the copy."""
    if state is None:
        return (_voc_pkg.merge_aggregates([aggregate]), True) if more else (aggregate, False)
    if not state[1]:
        return _voc_pkg.merge_aggregates([state[0], aggregate]), True
    state[0].merge(aggregate)
    return state


def _combine_parts(state, i, part, more):
    """`_reduce`'s combine for aggregate_file_part results: the aggregates
    are merged in the order they arrive (merging is exact whatever the
    order); stats and rejects are gathered in part order at the end."""
    if i is None:  # the end: `part` holds every result in level order
        return (state[0],) + _stats_and_rejects(part)
    return _accumulate(state, part[0], more)


def _combine_aggregates(state, i, part, more):
    """`_reduce`'s combine for aggregates."""
    return state[0] if i is None else _accumulate(state, part, more)


def _shared_adapter(client, adapter):
    """The serialized adapter as the range tasks take it: one copy in the
    graph. With a distributed client it is first sent to every worker
    (broadcast): were it the result of a task on one worker, the scheduler
    would put every range task there, and the other workers would wait for
    theirs to be stolen (0.4 s on a 2-worker LocalCluster)."""
    import dask
    if not adapter:
        return None
    client = _distributed_client(client)
    if client is not None:
        try:
            return client.scatter(adapter, broadcast=True, hash=False)
        except Exception:  # a client that cannot scatter: the graph holds it
            pass
    return dask.delayed(adapter, pure=True)


def aggregate_files(paths, text_col="text", time_col=None, id_col=None, channel_col=None,
                    customer_col=None, format="auto", delimiter=None, max_record_bytes=None,
                    period="week", analyzer_options=None, aggregate_options=None,
                    score_col=None, value_col=None, blocksize="auto", split_every=8,
                    threads_per_task=1, client=None, adapt=True, adapt_sample=20000,
                    save_adapted=None):
    """Aggregates files (paths or globs) on the cluster the way `voc
    findings` does one file: every partition (a file, or a byte range of a
    JSON Lines / text file, see `file_parts`) is read, analysed and
    aggregated in C++ on a worker, and the serialized partials are merged in
    a tree. The industry packs ("auto") are chosen once, from the first
    1,000 records of the first file, so every worker uses the same. Ids
    without an id column are the record numbers in the whole file (plain
    text: the line), prefixed by the file name when there are several
    files. With `adapt` (default, as `voc findings` on a file) the themes
    are adapted to the input once, on the client, from the first
    `adapt_sample` records of the first file (voc.Analyzer.adapt), and every
    worker applies that adapter; `save_adapted` writes it to a file; an
    `adapted_model` in `analyzer_options` is applied instead of fitting.
    Returns the merged `voc.Aggregate`, whose `stats` sum the
    reader's counts (read, emitted, rejected, bytes) and whose `rejects`
    are the redacted rejects, in file and line order. Without `client`, the
    current distributed client is used if any, else dask's threads.
    `blocksize` (bytes, a string such as "64MiB", None for whole files, or
    "auto": see `auto_blocksize`) sizes the byte ranges; the result does not
    depend on it."""
    import dask
    import json
    import os
    if split_every < 2:
        raise ValueError(f"split_every must be >= 2, got {split_every}")
    reader = dict(text_col=text_col, time_col=time_col, id_col=id_col, channel_col=channel_col,
                  customer_col=customer_col, format=format, delimiter=delimiter,
                  max_record_bytes=max_record_bytes)
    # Fail on the client, not on every worker, for bad options and inputs.
    _voc_pkg.aggregate_options(period, **(aggregate_options or {}))
    _voc_pkg.analyzer_options(**(analyzer_options or {}))
    parts = file_parts(paths, reader, blocksize, _slots(client, threads_per_task))
    for col in (score_col, value_col):
        if col:
            _, columns, _ = _voc_pkg._voc.probe_file(parts[0][0], _reading.reader_options(**reader), 0)
            if col not in columns:
                raise ValueError(f"column {col!r} not found; columns are: {', '.join(columns)}")
    options = dict(analyzer_options or {})
    sampled = options.get("industry", "auto") == "auto"  # `voc findings` reads 1,000 records first
    if sampled and not options.get("industry_sample"):
        head = []  # the first 1,000 records of the files in order, as of their concatenation
        for path in dict.fromkeys(p[0] for p in parts):
            if len(head) >= 1000:
                break
            head += _voc_pkg._voc.probe_file(path, _reading.reader_options(**reader), 1000 - len(head))[2]
        # The one analyzer of the client: it chooses the packs, fits the
        # adapter and (in this process) analyses, as the CLI's one analyzer.
        base = _voc_pkg.Analyzer(**dict(options, industry_sample=head))
        chosen = base.industries()
        if chosen.get("packs"):
            packs = [p["id"] for p in chosen["packs"] if p.get("enabled")]
            options["industry"] = ",".join(packs) if packs else "none"
    else:
        sampled = False
        base = _voc_pkg.Analyzer(**options)
    adapter = None
    warm = []
    if adapt and not options.get("adapted_model"):
        import warnings
        # The workers build their analyzers while the adapter is fitted here.
        warm = _warm_workers(client, options, len(parts))
        ao = _voc_pkg._fill(_voc_pkg._voc.AdaptOptions(), {"sample_records": adapt_sample},
                            "adapt")
        ao.threads = _fit_threads(client, threads_per_task)
        fitted, why = _voc_pkg._voc.fit_file_adapter(
            parts[0][0], _reading.reader_options(**reader), base._native, ao,
            1000 if sampled else 0)
        if fitted is None:
            warnings.warn(f"{why}; themes from the rules only", RuntimeWarning, stacklevel=2)
        else:
            adapter = fitted.serialize()
            if save_adapted is not None:
                fitted.save(os.fspath(save_adapted))
            base._native.set_theme_adapter(fitted)
    elif save_adapted is not None:
        raise ValueError("save_adapted needs adapt=True and no adapted_model")
    _remember(options, adapter, base)  # tasks run in this process use it as it is
    part = dask.delayed(aggregate_file_part, pure=True)
    merge = dask.delayed(_merge_parts, pure=True)
    shared = _shared_adapter(client, adapter)
    level = [part(path, reader, period, options, aggregate_options, byte_range, prefix,
                  threads_per_task, score_col, value_col, shared)
             for path, byte_range, prefix in parts]
    agg, stats, rejects = _reduce(level, split_every, merge, client, _combine_parts)
    del warm
    agg.score_col, agg.value_col = score_col or None, value_col or None
    agg.analyzer = base
    agg.stats = stats
    agg.rejects = [json.loads(r) for r in rejects]
    return agg


def aggregate_from_dask(data, text_col="text", time_col=None, id_col=None, channel_col=None,
                        customer_col=None, period="week", analyzer_options=None,
                        aggregate_options=None, npartitions=None, split_every=8,
                        threads_per_task=1, client=None, errors="raise", missing="reject",
                        blocksize="auto", adapt=False, score_col=None, value_col=None):
    """Analyses a dask DataFrame on the cluster and returns the merged
    `voc.Aggregate`. Path(s) or globs are handed to `aggregate_files`
    (the library's reader, pipeline and aggregate in C++ on the workers,
    as `voc findings` reads a file: bad records are rejected, listed in
    the result's `rejects`; `errors` and `missing` apply to DataFrames;
    `adapt=True` adapts the themes as `aggregate_files` does).

    Ids come from `id_col`, else an "id" column; without either they are
    the 1-based row position in the whole frame (partition lengths are
    counted first), as in one process, so evidence traces back to rows and
    the output equals `voc.pandas.aggregate_frame` on the same rows.
    `errors` and `missing` are those of `voc.pandas.analyze_frame`.
    `npartitions` repartitions a DataFrame with fewer partitions; for paths,
    `blocksize` (bytes, a string such as "64MiB", or "auto") sizes the byte
    ranges of JSON Lines and text files. `client` defaults to the current
    distributed client, if any. `score_col` / `value_col`: a score and a
    customer value per record for the drivers and the value at risk (as in
    `voc.pandas.aggregate_frame`)."""
    import dask
    import os
    if isinstance(data, (str, os.PathLike, list, tuple)):
        if split_every < 2:
            raise ValueError(f"split_every must be >= 2, got {split_every}")
        return aggregate_files(data, text_col=text_col, time_col=time_col, id_col=id_col,
                               channel_col=channel_col, customer_col=customer_col,
                               period=period, analyzer_options=analyzer_options,
                               aggregate_options=aggregate_options, blocksize=blocksize,
                               split_every=split_every, threads_per_task=threads_per_task,
                               client=client, adapt=adapt, score_col=score_col,
                               value_col=value_col)
    if npartitions and data.npartitions < npartitions:
        data = data.repartition(npartitions=npartitions)
    if split_every < 2:
        raise ValueError(f"split_every must be >= 2, got {split_every}")
    columns = dict(text_col=text_col, time_col=time_col, id_col=id_col,
                   channel_col=channel_col, customer_col=customer_col, score_col=score_col,
                   value_col=value_col)
    absent = [c for c in columns.values() if c is not None and c not in data.columns]
    if absent:
        cols = ", ".join(str(c) for c in data.columns)
        raise ValueError(f"column {absent[0]!r} not found; columns are: {cols}")
    # Fail on the client, not on every worker, for bad options.
    _voc_pkg.aggregate_options(period, **(aggregate_options or {}))
    _voc_pkg.analyzer_options(**(analyzer_options or {}))
    analyzer_options = fixed_industries(data, text_col, analyzer_options)

    partition = dask.delayed(aggregate_partition, pure=True)
    merge = dask.delayed(_merge, pure=True)
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
    agg = _reduce(level, split_every, merge, client, _combine_aggregates)
    agg.score_col, agg.value_col = score_col, value_col
    agg.analyzer = _analyzer(analyzer_options)  # the packs every partition used
    return agg


def findings_from_dask(data, text_col="text", time_col=None, id_col=None, channel_col=None,
                       customer_col=None, period="week", analyzer_options=None,
                       aggregate_options=None, findings_options=None, npartitions=None,
                       split_every=8, threads_per_task=1, client=None, errors="raise",
                       missing="reject", blocksize="auto", adapt=False, score_col=None,
                       value_col=None):
    """Findings of a dask DataFrame or CSV path(s): `aggregate_from_dask`,
    then `voc.detect_findings` on the client with `findings_options` (a dict
    of its options: FindingsOptions fields, cost_per_contact, rank_by ...).
    Returns a `voc.Findings`."""
    # Refuse bad findings options before any work is scheduled.
    _voc_pkg.findings_options(**(findings_options or {}))
    agg = aggregate_from_dask(data, text_col=text_col, time_col=time_col, id_col=id_col,
                              channel_col=channel_col, customer_col=customer_col, period=period,
                              analyzer_options=analyzer_options,
                              aggregate_options=aggregate_options, npartitions=npartitions,
                              split_every=split_every, threads_per_task=threads_per_task,
                              client=client, errors=errors, missing=missing,
                              blocksize=blocksize, adapt=adapt, score_col=score_col,
                              value_col=value_col)
    return _voc_pkg.detect_findings(agg, **(findings_options or {}))
