"""voc.dask on a LocalCluster of two worker processes: the findings equal a
single process's byte for byte."""
import gzip
import json

import pytest

import voc
import voc.dask
import voc.pandas
from conftest import counts

dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")

COLUMNS = dict(text_col="text", time_col="date", id_col="id", channel_col="channel")


@pytest.fixture(scope="module")
def client():
    import dask
    with dask.config.set(voc.dask.cluster_config()):
        cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                           host="127.0.0.1", dashboard_address=None)
    c = distributed.Client(cluster)
    yield c
    c.close()
    cluster.close()


@pytest.fixture(scope="module")
def frame(cfpb_frame):
    return cfpb_frame.iloc[:300]


@pytest.fixture(scope="module")
def packs(frame):
    # The industry packs one process chooses for this input (first 1,000 texts).
    return voc.dask.fixed_industries(frame, COLUMNS["text_col"])


@pytest.fixture(scope="module")
def single_process(frame, packs):
    analyzer = voc.Analyzer(**packs)
    agg = voc.pandas.aggregate_frame(frame, period="month", analyzer=analyzer, **COLUMNS)
    return agg, voc.detect_findings(agg, chronic_k=2, chronic_n=3)


def test_cluster_config_reaches_the_worker_processes(client):
    import dask

    def settings(keys):
        import dask
        return [dask.config.get(k) for k in keys]

    keys = list(voc.dask.cluster_config())
    defaults = [dask.config.get(k) for k in keys]  # every key is one of dask's (KeyError if not)
    wanted = list(voc.dask.cluster_config().values())
    assert defaults != wanted
    got = client.run(settings, keys)
    assert len(got) == 2
    for values in got.values():
        assert values == wanted
    # The workers run no sampling profiler thread (dask names it "Profile").
    threads = client.run(lambda: [t.name for t in __import__("threading").enumerate()])
    assert all("Profile" not in names for names in threads.values())


def test_dask_frame_equals_single_process(client, frame, single_process):
    agg, expected = single_process
    ddf = dd.from_pandas(frame, npartitions=5)
    got = voc.dask.findings_from_dask(ddf, period="month", split_every=2,
                                      findings_options={"chronic_k": 2, "chronic_n": 3},
                                      client=client, **COLUMNS)
    assert got.to_json() == expected.to_json()
    assert got["findings"]
    # The work ran in the worker processes, which built their own analyzers.
    assert len(client.scheduler_info()["workers"]) == 2
    cached = client.run(lambda: len(__import__("voc.dask").dask._analyzers))
    assert len(cached) == 2 and sum(cached.values()) >= 1, cached


def test_dask_paths_equal_single_process(client, frame, single_process, tmp_path):
    agg, _ = single_process
    half = len(frame) // 2
    paths = []
    for i, part in enumerate([frame.iloc[:half], frame.iloc[half:]]):
        p = tmp_path / f"part{i}.csv.gz"
        with gzip.open(p, "wt", encoding="utf-8", newline="") as f:
            part.to_csv(f, index=False)
        paths.append(str(p))
    got = voc.dask.aggregate_from_dask(str(tmp_path / "part*.csv.gz"), period="month",
                                       npartitions=4, client=client, **COLUMNS)
    assert counts(got.serialize()) == counts(agg.serialize())


def test_dask_errors(client, frame):
    ddf = dd.from_pandas(frame.iloc[:10], npartitions=1)
    with pytest.raises(ValueError, match="column 'body' not found"):
        voc.dask.findings_from_dask(ddf, text_col="body", client=client)
    with pytest.raises(ValueError, match="chronic_k"):
        voc.dask.findings_from_dask(ddf, findings_options={"chronic_k": 9}, client=client)
    with pytest.raises(ValueError, match="split_every must be >= 2"):
        voc.dask.aggregate_from_dask(ddf, split_every=1, client=client)
    with pytest.raises(ValueError, match="fortnight"):
        voc.dask.aggregate_from_dask(ddf, period="fortnight", client=client)


def test_partition_task_and_merge_orders(frame, single_process, packs):
    agg, _ = single_process
    parts = [frame.iloc[i:i + 70] for i in range(0, len(frame), 70)]
    got = [voc.dask.aggregate_partition(p, COLUMNS, "month", analyzer_options=packs) for p in parts]
    assert all(isinstance(g, voc.Aggregate) for g in got)
    assert counts(voc.dask.merge_serialized(*got)) == counts(agg.serialize())
    ser = [g.serialize() for g in got]  # as they cross processes: saved partials
    assert counts(voc.dask.merge_serialized(*ser)) == counts(agg.serialize())
    assert voc.dask.merge_serialized(*reversed(ser)) == voc.dask.merge_serialized(*ser)
    mid = len(ser) // 2
    tree = voc.dask.merge_serialized(voc.dask.merge_serialized(*ser[mid:]),
                                     voc.dask.merge_serialized(*ser[:mid]))
    assert tree == voc.dask.merge_serialized(*ser)
    assert len(json.loads(tree)["sources"]) == len(ser)


def test_dask_without_id_column_numbers_rows_across_partitions(client, frame, packs):
    analyzer = voc.Analyzer(**packs)
    no_ids = frame.drop(columns=["id"]).reset_index(drop=True)
    cols = dict(text_col="text", time_col="date", channel_col="channel")
    one = voc.pandas.aggregate_frame(no_ids, period="month", analyzer=analyzer, **cols)
    ddf = dd.from_pandas(no_ids, npartitions=4)
    got = voc.dask.aggregate_from_dask(ddf, period="month", split_every=2, client=client, **cols)
    assert counts(got.serialize()) == counts(one.serialize())
    # Evidence ids are the rows' 1-based positions in the whole frame.
    f = voc.detect_findings(got)
    ids = {q["id"] for x in f["findings"] for q in x["evidence"]}
    assert ids and all(1 <= int(i) <= len(no_ids) for i in ids)
    assert any(int(i) > len(no_ids) // 4 for i in ids)  # beyond the first partition
    for q in (q for x in f["findings"] for q in x["evidence"]):
        assert q["text"][:20] in analyzer.analyze(no_ids["text"].iloc[int(q["id"]) - 1]).text
