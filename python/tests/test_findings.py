"""Aggregate (add, merge, serialize, pickle), detect_findings and the
report writers."""
import csv
import io
import json
import pickle
import random

import pytest

import voc
from conftest import counts


def aggregate_of(analyses, **options):
    agg = voc.Aggregate("month", **options)
    agg.add_many(analyses)
    return agg


def test_aggregate_basics(cfpb_analyses):
    agg = aggregate_of(cfpb_analyses)
    assert agg.records == len(cfpb_analyses) and agg.undated == 0
    assert agg.period == "month"
    assert agg.periods == sorted(agg.periods) and len(agg.periods) > 3
    assert "unclassified" in agg.themes or len(agg.themes) > 3
    one = voc.Aggregate("month")
    for a in cfpb_analyses:
        one.add(a)
    assert one.serialize() == agg.serialize()
    assert "records=%d" % agg.records in repr(agg)


def test_merge_in_any_order_is_identical(cfpb_analyses):
    whole = aggregate_of(cfpb_analyses).serialize()
    rng = random.Random(7)
    for trial in range(3):
        idx = list(range(len(cfpb_analyses)))
        rng.shuffle(idx)
        cuts = sorted(rng.sample(range(1, len(idx)), 4))
        parts = [idx[a:b] for a, b in zip([0] + cuts, cuts + [len(idx)])]
        partials = [aggregate_of([cfpb_analyses[i] for i in p]) for p in parts]
        rng.shuffle(partials)
        merged = voc.Aggregate("month")
        for p in partials:
            merged.merge(p)
        assert merged.serialize() == whole
        # Via serialized partials and a tree, in another order.
        ser = [p.serialize() for p in reversed(partials)]
        left = voc.merge_aggregates(ser[:2])
        right = voc.merge_aggregates(ser[2:])
        right.merge(left)
        assert counts(right.serialize()) == counts(whole)
        assert len(json.loads(right.serialize())["sources"]) == len(partials)


def test_serialize_pickle_roundtrip(cfpb_analyses):
    agg = aggregate_of(cfpb_analyses[:100])
    back = voc.Aggregate.deserialize(agg.serialize())
    assert isinstance(back, voc.Aggregate) and back.serialize() == agg.serialize()
    p = pickle.loads(pickle.dumps(agg))
    assert isinstance(p, voc.Aggregate) and p.serialize() == agg.serialize()
    assert p.period == "month"


def test_binary_form_roundtrip_pickle_and_errors(cfpb_analyses):
    agg = aggregate_of(cfpb_analyses[:100])
    data = agg.serialize_binary()
    assert isinstance(data, bytes) and data.startswith(b"voc.aggb")
    assert len(data) < len(agg.serialize().encode())
    back = voc.Aggregate.deserialize(data)
    assert back.serialize() == agg.serialize()
    # Pickles (between Dask workers) carry the binary form; those made with
    # the JSON still load.
    assert b"voc.aggb" in pickle.dumps(agg)
    assert voc._aggregate_from_json(agg.serialize()).serialize() == agg.serialize()
    # Partials in binary merge as their JSON does.
    halves = [aggregate_of(cfpb_analyses[:50]), aggregate_of(cfpb_analyses[50:100])]
    by_binary = voc.merge_aggregates([h.serialize_binary() for h in halves])
    by_json = voc.merge_aggregates([h.serialize() for h in halves])
    assert by_binary.serialize() == by_json.serialize()
    with pytest.raises(ValueError, match=r"^binary aggregate: truncated at "):
        voc.Aggregate.deserialize(data[:-3])
    with pytest.raises(ValueError, match=r"unsupported version 9 \(this build reads 2\)"):
        voc.Aggregate.deserialize(b"voc.aggb\x09" + data[9:])
    with pytest.raises(ValueError, match="bytes after the end"):
        voc.Aggregate.deserialize(data + b"\x00")


def test_aggregate_errors(cfpb_analyses):
    with pytest.raises(ValueError, match="fortnight"):
        voc.Aggregate("fortnight")
    with pytest.raises(TypeError, match="unknown aggregate option: 'k'"):
        voc.Aggregate(k=3)
    with pytest.raises(ValueError):
        voc.Aggregate.deserialize("{}")
    with pytest.raises(ValueError):
        voc.Aggregate.deserialize("not json")
    week = voc.Aggregate("week")
    with pytest.raises(voc.Error):
        week.merge(voc.Aggregate("month"))
    with pytest.raises(ValueError, match="no aggregates to merge"):
        voc.merge_aggregates([])


def test_detect_findings_and_writers(cfpb_analyses, tmp_path):
    agg = aggregate_of(cfpb_analyses)
    f = voc.detect_findings(agg, chronic_k=2, chronic_n=3)
    assert isinstance(f, dict) and f["findings"]
    assert json.loads(f.to_json())["findings"][0]["theme"] == f["findings"][0]["theme"]
    assert (f["options"]["chronic_k"], f["options"]["chronic_n"]) == (2, 3)
    assert f.to_json() == voc.detect_findings(agg.serialize(), chronic_k=2, chronic_n=3).to_json()
    statuses = {x["status"] for x in f["findings"]}
    assert statuses <= {"chronic", "emerging", "resolved", "spike", "stable"}
    # Quote spans are str indices of their text.
    for x in f["findings"]:
        for q in x["evidence"]:
            for s in q["spans"]:
                assert 0 <= s["begin"] <= s["end"] <= len(q["text"])
    rows = list(csv.reader(io.StringIO(f.to_csv())))
    assert rows[0][:3] == ["rank", "theme", "status"] and len(rows) == len(f["findings"]) + 1
    html = f.to_html(title="Test <report>")
    assert html.lstrip().lower().startswith("<!doctype html")
    assert "Test &lt;report&gt;" in html
    assert voc.to_html(f) and voc.to_csv(f) == f.to_csv() and voc.to_json(f) == f.to_json()
    digests = f.digests()
    assert digests and all(d["markdown"] for d in digests)
    voc.write_digests(f, tmp_path / "digests")
    assert (tmp_path / "digests" / "README.md").exists()
    assert len(list((tmp_path / "digests").glob("*.md"))) == len(digests) + 1
    f.save(tmp_path / "f.json")
    assert (tmp_path / "f.json").read_text() == f.to_json()
    f.save(tmp_path / "f.html")
    with pytest.raises(ValueError, match="unknown findings format 'pdf'"):
        f.save(tmp_path / "f.pdf")


def test_findings_quote_spans_non_ascii(analyzer):
    # English (theme rules fire on English records) with characters outside ASCII.
    texts = ["So déçu 😡 — “naïve” me, charged an unexpected fee on my bill again"] * 6
    agg = voc.Aggregate("week")
    for i, t in enumerate(texts):
        agg.add(analyzer.analyze(t, id=str(i), timestamp=1707818400 + i))
    f = voc.detect_findings(agg)
    raw = json.loads(f.to_json())
    seen = 0
    for x, rx in zip(f["findings"], raw["findings"]):
        for q, rq in zip(x["evidence"], rx["evidence"]):
            for s, rs in zip(q["spans"], rq["spans"]):
                assert q["text"][s["begin"]:s["end"]] == \
                    rq["text"].encode()[rs["begin"]:rs["end"]].decode()
                seen += 1
    assert seen > 0


def test_report_write_errors(cfpb_analyses, tmp_path):
    f = voc.detect_findings(aggregate_of(cfpb_analyses[:50]))
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(voc.Error, match="cannot create directory .*file/digests: Not a directory"):
        f.write_digests(blocker / "digests")
    assert issubclass(voc.Error, RuntimeError)
    with pytest.raises(FileNotFoundError, match="cannot write .*f.json: directory .* does not exist"):
        f.save(tmp_path / "no" / "such" / "dir" / "f.json")


def test_findings_option_errors(cfpb_analyses):
    agg = aggregate_of(cfpb_analyses[:50])
    with pytest.raises(ValueError, match="chronic_k"):
        voc.detect_findings(agg, chronic_k=5, chronic_n=4)
    with pytest.raises(TypeError, match="unknown findings option: 'colour'"):
        voc.detect_findings(agg, colour=1)
    f = voc.detect_findings(agg, last_period="2024-W07")
    assert any(w.startswith("last_period: ") for w in f["warnings"]), f["warnings"]
