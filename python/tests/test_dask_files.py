"""voc.dask.aggregate_files: files and byte ranges read, analysed and
aggregated in C++ on the workers equal one pass over the whole input."""
import gzip
import json
import os
import pathlib
import subprocess

import pytest

import voc
import voc.dask
from conftest import counts

dask = pytest.importorskip("dask")

BUILD_DIR = os.environ.get("VOC_BUILD_DIR")
VOC_BIN = pathlib.Path(BUILD_DIR, "bin", "voc") if BUILD_DIR else None
COLS = dict(text_col="text", time_col="date", channel_col="channel")


@pytest.fixture(scope="module")
def rows(cfpb_frame):
    return cfpb_frame.iloc[:240]


def write_jsonl(path, rows, with_id, extra_lines=True):
    """JSON Lines with blank lines, CRLF ends and bad lines mixed in."""
    with open(path, "w", encoding="utf-8", newline="") as f:
        for i, r in enumerate(rows.itertuples()):
            obj = {"date": r.date, "channel": r.channel, "text": r.text}
            if with_id:
                obj = dict(id=r.id, **obj)
            end = "\r\n" if i % 7 == 3 else "\n"
            f.write(json.dumps(obj) + end)
            if extra_lines and i % 50 == 10:
                f.write("\n   \n")
            if extra_lines and i % 60 == 20:
                f.write('{"text": "bad date", "date": "2020-13-45"}\n{not json\n')
    return str(path)


def one_pass(path, packs, period="month", **reader):
    """The aggregate of one reader over the whole file."""
    return voc.dask.aggregate_file_part(str(path), dict(COLS, **reader), period,
                                        analyzer_options=packs)


@pytest.fixture(scope="module")
def packs(rows):
    return voc.dask.fixed_industries(rows, "text")


@pytest.mark.parametrize("blocksize", [97, 1000, 4096, 30000, None])
def test_byte_ranges_equal_one_pass(tmp_path, rows, packs, blocksize):
    path = write_jsonl(tmp_path / "in.jsonl", rows.iloc[:120], with_id=False)
    expected, stats, rejects = one_pass(path, packs)
    parts = voc.dask.file_parts(path, dict(COLS), blocksize)
    if blocksize:
        assert len(parts) == -(-os.path.getsize(path) // blocksize)
    got = voc.dask.aggregate_files(path, period="month", blocksize=blocksize,
                                   analyzer_options=packs, adapt=False, **COLS)
    assert counts(got.serialize()) == counts(expected)
    assert got.stats == stats and stats["rejected"] == 4
    assert [r["line"] for r in got.rejects] == [json.loads(r)["line"] for r in rejects]
    assert [r["index"] for r in got.rejects] == sorted(r["index"] for r in got.rejects)
    assert "invalid JSON" in got.rejects[1]["reason"]


def test_auto_blocksize_gives_every_slot_a_range():
    mib = 1 << 20
    assert voc.dask.auto_blocksize(128 * mib, 2) == 64 * mib  # two ranges
    assert voc.dask.auto_blocksize(50 * mib, 2) == 25 * mib  # not one 50 MiB range
    assert voc.dask.auto_blocksize(10 * 1024 * mib, 2) == 64 * mib  # capped
    assert voc.dask.auto_blocksize(1000, 8) == mib  # not under 1 MiB
    assert voc.dask.auto_blocksize(3 * mib + 1, 3) == mib + 1  # rounded up: three ranges
    assert voc.dask.auto_blocksize(10 * mib, 0) == 10 * mib  # at least one slot


def test_auto_blocksize_equals_one_pass(tmp_path, rows, packs):
    path = write_jsonl(tmp_path / "in.jsonl", rows.iloc[:60], with_id=False)
    expected, stats, _ = one_pass(path, packs)
    got = voc.dask.aggregate_files(path, period="month", analyzer_options=packs, adapt=False,
                                   **COLS)  # blocksize="auto" is the default
    assert counts(got.serialize()) == counts(expected)
    assert got.stats == stats


def test_scores_over_byte_ranges_equal_one_pass(tmp_path, rows, packs):
    """Scores and customer values read on the workers: the drivers, the
    impact of every finding and the money equal those of one process."""
    path = tmp_path / "scored.jsonl"
    with open(path, "w", encoding="utf-8") as f:
        for i, r in enumerate(rows.itertuples()):
            nps = "great" if i % 41 == 7 else None if i % 37 == 5 else (i * 7) % 11
            ltv = None if i % 29 == 3 else 100 + (i * 13) % 400
            f.write(json.dumps({"date": r.date, "channel": ("web", "phone")[i % 2],
                                "text": r.text, "nps": nps, "ltv": ltv}) + "\n")
    expected, stats, _ = voc.dask.aggregate_file_part(str(path), dict(COLS), "month",
                                                      analyzer_options=packs, score_col="nps",
                                                      value_col="ltv")
    assert len(voc.dask.file_parts(str(path), dict(COLS), 3000)) > 5
    got = voc.dask.aggregate_files(str(path), period="month", blocksize=3000,
                                   analyzer_options=packs, adapt=False, score_col="nps",
                                   value_col="ltv", **COLS)
    assert counts(got.serialize()) == counts(expected)
    money = dict(cost_per_contact="web=3,phone=8", customer_value=40, currency="EUR")
    with pytest.warns(UserWarning, match="not a number"):
        one = voc.detect_findings(expected, score_col="nps",
                                  value_col="ltv", **money)
    with pytest.warns(UserWarning, match="not a number"):
        split = voc.detect_findings(got, **money)  # the names come with the aggregate
    assert one["score"]["name"] == "nps" and one["score"]["kind"] == "nps"
    assert one["score"]["n"] > 200 and one["score"]["invalid"] == len(range(7, len(rows), 41))
    assert split["score"] == one["score"]
    assert split["drivers"] == one["drivers"] and any(d["valid"] for d in one["drivers"])
    assert [(x["theme"], x["impact"]) for x in split["findings"]] == \
        [(x["theme"], x["impact"]) for x in one["findings"]]
    assert split["money"] == one["money"] and one["money"]["value_at_risk"] is not None
    assert [x.get("money") for x in split["findings"]] == [x.get("money") for x in one["findings"]]


def test_ranges_that_cut_lines_and_hold_no_line_start(tmp_path, rows, packs):
    path = write_jsonl(tmp_path / "in.jsonl", rows.iloc[:40], with_id=False)
    size = os.path.getsize(path)
    expected, stats, _ = one_pass(path, packs)
    ro = voc._reading.reader_options(**COLS)
    bounds = [0, 1, 2, 3, 150, 151, 1200, 1201, size // 2, size - 1, size]
    parts = [voc._voc.aggregate_file(path, ro, voc.dask._analyzer(packs)._native,
                                     voc.aggregate_options("month"), (b, e))
             for b, e in zip(bounds, bounds[1:])]
    assert sum(p[1]["read"] for p in parts) == stats["read"]
    assert any(p[1]["read"] == 0 for p in parts)  # a range with no line start
    assert counts(voc.dask.merge_serialized(*(p[0] for p in parts))) == counts(expected)


def test_ids_without_id_column_are_record_numbers_of_the_whole_file(tmp_path, rows, packs):
    path = write_jsonl(tmp_path / "in.jsonl", rows, with_id=False)
    got = voc.dask.aggregate_files(path, period="month", blocksize=2048,
                                   analyzer_options=packs, adapt=False, **COLS)
    f = voc.detect_findings(got)
    ev = [q for x in f["findings"] for q in x["evidence"]]
    assert ev
    lines = open(path, encoding="utf-8", newline="").read().replace("\r\n", "\n").split("\n")
    records = [l for l in lines if l.strip()]
    for q in ev:
        obj = json.loads(records[int(q["id"]) - 1])
        assert q["text"][:15] in voc.analyze(obj["text"]).text
    assert max(int(q["id"]) for q in ev) > len(records) // 2  # beyond the first ranges


def test_plain_text_ranges_number_lines(tmp_path, packs, source_dir):
    src = (source_dir / "examples" / "data" / "sample_tweets.txt").read_bytes()
    path = tmp_path / "tweets.txt"
    path.write_bytes(src * 3)
    o = voc.dask.aggregate_file_part(str(path), {}, "week", analyzer_options=packs)
    got = voc.dask.aggregate_files(str(path), period="week", blocksize=700,
                                   analyzer_options=packs, adapt=False)
    assert len(voc.dask.file_parts(str(path), {}, 700)) > 10
    assert counts(got.serialize()) == counts(o[0])
    assert got.stats["read"] == o[1]["read"]


def test_several_files_gzip_and_csv_with_quoted_newlines(tmp_path, rows, packs):
    a = write_jsonl(tmp_path / "a.jsonl", rows.iloc[:100], with_id=True)
    b = tmp_path / "b.jsonl.gz"
    with gzip.open(b, "wb") as f:
        f.write(open(write_jsonl(tmp_path / "b0.jsonl", rows.iloc[100:170], with_id=True),
                     "rb").read())
    c = tmp_path / "c.csv"
    part = rows.iloc[170:].copy()
    part["text"] = part["text"].str.replace(". ", ".\n", n=1, regex=False)
    assert part["text"].str.contains("\n").any()
    part.to_csv(c, index=False)
    paths = [a, str(b), str(c)]
    parts = voc.dask.file_parts(paths, dict(COLS), 1000)
    assert [p[1] for p in parts if p[0] != a] == [None, None]  # gzip, CSV: whole
    with_ids = dict(COLS, id_col="id")
    got = voc.dask.aggregate_files(paths, period="month", blocksize=1000,
                                   analyzer_options=packs, adapt=False, **with_ids)
    single = [one_pass(p, packs, id_col="id")[0] for p in paths]
    assert counts(got.serialize()) == counts(voc.dask.merge_serialized(*single))
    assert got.records == len(rows)
    # Merged in this process (dask's threads), without a JSON round trip:
    # one partial, as aggregates built and merged in one process are.
    assert len(json.loads(got.serialize())["sources"]) == 1
    # A byte range of a gzip or CSV file is refused.
    ro = voc._reading.reader_options(**COLS)
    an = voc.dask._analyzer(packs)._native
    for p, what in ((str(b), "gzip-compressed"), (str(c), "is CSV")):
        with pytest.raises(ValueError, match=what):
            voc._voc.aggregate_file(p, ro, an, voc.aggregate_options("month"), (0, 10))


def test_json_array_file_is_read_whole_and_counts_as_its_lines_would(tmp_path, rows, packs):
    objs = [{"id": r.id, "date": r.date, "channel": r.channel, "text": r.text}
            for r in rows.iloc[:120].itertuples()]
    arr = tmp_path / "export.json"
    arr.write_text(json.dumps(objs, indent=1), encoding="utf-8")
    lines = tmp_path / "export.jsonl"
    lines.write_text("".join(json.dumps(o) + "\n" for o in objs), encoding="utf-8")
    assert voc._voc.probe_file(str(arr), voc._reading.reader_options(**COLS), 0)[0] == "json"
    assert voc.dask.file_parts(str(arr), dict(COLS), 1000) == [(str(arr), None, "")]
    with_ids = dict(COLS, id_col="id")
    got = voc.dask.aggregate_files(str(arr), period="month", blocksize=1000,
                                   analyzer_options=packs, adapt=False, **with_ids)
    want = voc.dask.aggregate_files(str(lines), period="month", blocksize=1000,
                                    analyzer_options=packs, adapt=False, **with_ids)
    assert got.records == want.records == 120
    assert counts(got.serialize()) == counts(want.serialize())
    ro = voc._reading.reader_options(**COLS)
    an = voc.dask._analyzer(packs)._native
    with pytest.raises(ValueError, match="is a JSON array, which is read whole"):
        voc._voc.aggregate_file(str(arr), ro, an, voc.aggregate_options("month"), (0, 10))


def test_numbered_ids_are_unique_across_files(tmp_path, rows, packs):
    paths = [write_jsonl(tmp_path / f"p{i}.jsonl", rows.iloc[i * 80:(i + 1) * 80], False, False)
             for i in range(2)]
    got = voc.dask.aggregate_files(paths, period="month", analyzer_options=packs, adapt=False,
                                   **COLS)
    ev = [q["id"] for x in voc.detect_findings(got)["findings"] for q in x["evidence"]]
    assert ev and all(i.split(":")[0] in ("p0.jsonl", "p1.jsonl") for i in ev)
    assert got.records == 160


@pytest.mark.skipif(VOC_BIN is None or not VOC_BIN.exists(), reason="needs the voc CLI (ctest)")
def test_equals_voc_findings_save_aggregate(tmp_path, rows):
    path = write_jsonl(tmp_path / "in.jsonl", rows, with_id=False)
    saved = tmp_path / "agg.json"
    subprocess.run([str(VOC_BIN), "findings", path, "--period", "month", "--text-col", "text",
                    "--time-col", "date", "--channel-col", "channel", "--quiet",
                    "--save-aggregate", str(saved), "-o", str(tmp_path / "f.json")],
                   check=True)
    got = voc.dask.aggregate_files(path, period="month", blocksize=3000, **COLS)
    assert counts(got.serialize()) == counts(saved.read_text())


def test_with_a_local_cluster(tmp_path, rows, packs):
    distributed = pytest.importorskip("distributed")
    path = write_jsonl(tmp_path / "in.jsonl", rows, with_id=False)
    expected, stats, rejects = one_pass(path, packs)
    # More parts than split_every: merge tasks on the workers, then the
    # last level merged on the client as its parts arrive (in any order).
    assert len(voc.dask.file_parts(path, dict(COLS), 5000)) > 4
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  host="127.0.0.1", dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        got = voc.dask.aggregate_files(path, period="month", blocksize=5000, client=client,
                                       analyzer_options=packs, split_every=2, adapt=False,
                                       **COLS)
    assert counts(got.serialize()) == counts(expected)
    assert got.stats == stats and stats["rejected"] > 0
    assert [r["line"] for r in got.rejects] == [json.loads(r)["line"] for r in rejects]


def test_prepared_analyzer_is_taken_by_the_first_task(monkeypatch, packs):
    """A warm-up builds a spare analyzer once per process and options (not
    in the client's own process); the first task takes it as it is."""
    import os
    monkeypatch.setattr(voc.dask, "_analyzers", {})
    monkeypatch.setattr(voc.dask, "_spares", {})
    assert voc.dask._prepare_analyzer(packs, os.getpid()) is False  # the client's process
    assert voc.dask._spares == {}
    assert voc.dask._prepare_analyzer(packs, -1) is True
    assert voc.dask._prepare_analyzer(packs, -1) is False  # one spare is enough
    spare = next(iter(voc.dask._spares.values()))
    assert voc.dask._analyzer(packs) is spare and voc.dask._spares == {}
    assert voc.dask._prepare_analyzer(packs, -1) is False  # the process has one in use
    assert voc.dask._spares == {}


def test_workers_prepare_their_analyzers_while_the_client_fits(tmp_path, rows, packs):
    distributed = pytest.importorskip("distributed")
    path = write_jsonl(tmp_path / "in.jsonl", rows, with_id=False)
    expected = voc.dask.aggregate_files(path, period="month", blocksize=5000,
                                        analyzer_options=packs, **COLS)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  host="127.0.0.1", dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        assert voc.dask._warm_workers(client, packs, 1) == []  # fewer parts than workers
        warm = voc.dask._warm_workers(client, packs, 2)
        assert [f.result() for f in warm] == [True, True]
        spares = client.run(lambda: len(__import__("voc.dask").dask._spares))
        assert sorted(spares.values()) == [1, 1]
        got = voc.dask.aggregate_files(path, period="month", blocksize=5000, client=client,
                                       analyzer_options=packs, **COLS)
        left = client.run(lambda: (len(__import__("voc.dask").dask._spares),
                                   len(__import__("voc.dask").dask._analyzers)))
        # The adapter is on every worker before a range task is scheduled,
        # so none waits for it to be moved (or for its task to be stolen).
        shared = voc.dask._shared_adapter(client, b"adapter bytes")
        assert isinstance(shared, distributed.Future)
        assert sorted(client.who_has([shared])[shared.key]) == sorted(client.nthreads())
        assert voc.dask._shared_adapter(client, None) is None
    assert counts(got.serialize()) == counts(expected.serialize())
    # Each worker that ran a part took its spare instead of building another.
    assert all(s + a == 1 for s, a in left.values()), left
    # Without a distributed client the graph holds the adapter.
    assert voc.dask._shared_adapter(None, b"adapter bytes").compute() == b"adapter bytes"


def test_errors(tmp_path, rows):
    path = write_jsonl(tmp_path / "in.jsonl", rows.iloc[:5], with_id=False)
    with pytest.raises(FileNotFoundError, match="not found"):
        voc.dask.aggregate_files(str(tmp_path / "missing.jsonl"), **COLS)
    with pytest.raises(FileNotFoundError, match="no file matches"):
        voc.dask.aggregate_files(str(tmp_path / "nothing*.jsonl"), **COLS)
    with pytest.raises(ValueError, match="text column 'body' not found"):
        voc.dask.aggregate_files(path, text_col="body")
    with pytest.raises(ValueError, match="fortnight"):
        voc.dask.aggregate_files(path, period="fortnight", **COLS)
    with pytest.raises(ValueError, match="split_every must be >= 2"):
        voc.dask.aggregate_files(path, split_every=1, **COLS)
    with pytest.raises(ValueError, match="column 'nps' not found"):
        voc.dask.aggregate_files(path, score_col="nps", **COLS)
    with pytest.raises(ValueError, match="unknown input format"):
        voc.dask.aggregate_files(path, format="xml", **COLS)
    an = voc.dask._analyzer({})._native
    ro = voc._reading.reader_options(**COLS)
    with pytest.raises(ValueError, match="after its end"):
        voc._voc.aggregate_file(path, ro, an, voc.aggregate_options(), (10, 5))
    with pytest.raises(ValueError, match="threads must be >= 0"):
        voc._voc.aggregate_file(path, ro, an, voc.aggregate_options(), None, -1)


def test_worker_malloc_trim_is_relaxed_once(monkeypatch):
    """Dask's nanny sets MALLOC_TRIM_THRESHOLD_=65536 in its workers, which
    makes the analysis about four times slower: the first task of such a
    process relaxes it (unless VOC_KEEP_MALLOC_TRIM is set)."""
    import sys
    calls = []
    monkeypatch.setattr(voc._voc, "_relax_malloc_trim", lambda: calls.append(1) or True)
    for env, expected in (({}, []), ({"MALLOC_TRIM_THRESHOLD_": "65536"}, [1]),
                          ({"MALLOC_TRIM_THRESHOLD_": "65536", "VOC_KEEP_MALLOC_TRIM": "1"}, [])):
        calls.clear()
        monkeypatch.setattr(voc.dask, "_malloc_checked", False)
        for k in ("MALLOC_TRIM_THRESHOLD_", "VOC_KEEP_MALLOC_TRIM"):
            monkeypatch.delenv(k, raising=False)
        for k, v in env.items():
            monkeypatch.setenv(k, v)
        voc.dask._worker_malloc()
        voc.dask._worker_malloc()
        assert calls == expected, env
    monkeypatch.undo()
    assert voc._voc._relax_malloc_trim() is sys.platform.startswith("linux")
