"""Analyzer: results, offsets on non-ASCII text, records, batches, the GIL,
config files and errors."""
import json
import pickle
import threading
import time

import pytest

import voc

TEXT = ("I was charged twice 😡 and the agent hung up on me. Third time I call about "
        "this refund, still not fixed! Écrivez-moi à jane.doe@example.com. 東京")


def spans_of(a):
    d = a.to_dict()
    out = list(d["sentiment"]["evidence"])
    for s in d["sentences"]:
        out.append(s)
        out.extend(s["evidence"])
    for t in d["themes"]:
        out.extend(t["evidence"])
    out.extend(d["signals"])
    return out


def test_analyze_result(analyzer):
    a = analyzer.analyze(TEXT)
    assert isinstance(a, voc.Analysis)
    assert a.label == "negative" and a.score < 0
    assert "[EMAIL]" in a.text and "jane.doe" not in a.text
    assert a.redactions == {"email": 1}
    ids = [t["id"] for t in a.themes]
    assert any(i.startswith("billing") for i in ids), ids
    assert all(t["department"] for t in a.themes)
    assert "repeat_contact" in [s["signal"] for s in a.signals]
    assert a.unclassified is False
    d = a.to_dict()
    assert d["text"] == a.text and d["id"] == a.id and d["unclassified"] is False
    assert d["sentiment"]["label"] == a.label
    assert json.loads(a.to_json())["id"] == a.id


def test_offsets_point_into_str_text(analyzer):
    a = analyzer.analyze(TEXT)
    assert not a.text.isascii()
    spans = spans_of(a)
    assert len(spans) > 4
    for s in spans:
        assert 0 <= s["begin"] <= s["end"] <= len(a.text)
    # Evidence is whole words of the str, e.g. the cue of the repeat signal.
    cue = [s for s in a.to_dict()["signals"] if s["signal"] == "repeat_contact"][0]
    assert "third time" in a.text[cue["begin"]:cue["end"]].lower()
    lex = [a.text[s["begin"]:s["end"]] for s in a.sentiment["evidence"]]
    assert all(x and x == x.strip() for x in lex), lex
    # The same offsets, taken as UTF-8 byte offsets, would be off after "😡".
    raw = a.text.encode()
    assert any(raw[s["begin"]:s["end"]].decode(errors="replace") != a.text[s["begin"]:s["end"]]
               for s in spans if s["begin"] > a.text.index("😡"))


def test_offsets_match_the_byte_offsets_of_the_json(analyzer):
    a = analyzer.analyze(TEXT)
    d, j = a.to_dict(), json.loads(a.to_json())
    raw = a.text.encode()
    pairs = list(zip(d["sentiment"]["evidence"], j["sentiment"]["evidence"]))
    pairs += list(zip(d["signals"], j["signals"]))
    for td, tj in zip(d["themes"], j["themes"]):
        pairs += list(zip(td["evidence"], tj["evidence"]))
    for sd, sj in zip(d["sentences"], j["sentences"]):
        pairs.append((sd, sj))
        pairs += list(zip(sd["evidence"], sj["evidence"]))
    assert len(pairs) > 6
    for py_span, byte_span in pairs:
        piece = raw[byte_span["begin"]:byte_span["end"]].decode()
        assert a.text[py_span["begin"]:py_span["end"]] == piece
        if "text" in byte_span:
            assert py_span["text"] == byte_span["text"] == piece


def test_empty_and_invalid_utf8(analyzer):
    e = analyzer.analyze("")
    assert e.text == "" and e.label == "neutral" and e.unclassified and e.themes == []
    b = analyzer.analyze(b"refund \xff\xfe never came \xc3")
    assert b.invalid_utf8 >= 2 and "\ufffd" in b.text
    assert "refund" in b.text
    assert analyzer.analyze("   \x00 ").text == ""
    # A lone surrogate (no UTF-8 form) is repaired like invalid bytes.
    s = analyzer.analyze("refund \ud800 please")
    assert s.invalid_utf8 >= 1 and "\ufffd" in s.text and s.text.startswith("refund ")


def test_record_fields_are_carried(analyzer):
    a = analyzer.analyze("my card was declined", id="r1", timestamp="2024-02-13T10:00:00Z",
                         channel="chat", customer_id="c9")
    assert (a.id, a.channel, a.customer_id) == ("r1", "chat", voc.customer_key("c9"))
    assert a.timestamp == voc.parse_timestamp("2024-02-13T10:00:00Z") == 1707818400
    r = voc.make_record("late parcel", id=7, timestamp=1707818400, channel="email")
    b = analyzer.analyze_record(r)
    assert (b.id, b.timestamp, b.channel) == ("7", 1707818400, "email")
    c = analyzer.analyze_record(text="late parcel", id="x", timestamp=None)
    assert c.timestamp is None and c.id == "x"
    with pytest.raises(ValueError, match="not-a-date"):
        analyzer.analyze("x", timestamp="not-a-date")
    with pytest.raises(TypeError, match="pass either a Record or its fields"):
        analyzer.analyze_record(r, id="y")


def test_timestamp_kinds():
    import datetime
    import numpy as np
    import pandas as pd
    want = 1707818400  # 2024-02-13T10:00:00Z
    for value in (want, np.int64(want), float(want) + 0.5, "2024-02-13 10:00:00",
                  "02/13/2024 10:00", datetime.datetime(2024, 2, 13, 10),
                  datetime.datetime(2024, 2, 13, 11, tzinfo=datetime.timezone(
                      datetime.timedelta(hours=1))),
                  pd.Timestamp("2024-02-13 10:00")):
        assert voc.make_record("x", timestamp=value).timestamp == want, value
    assert voc.make_record("x", timestamp=datetime.date(2024, 2, 13)).timestamp == 1707782400
    for missing in (None, float("nan"), "", pd.NaT):
        assert voc.make_record("x", timestamp=missing).timestamp is None
    with pytest.raises(TypeError, match="cannot use list as a timestamp"):
        voc.make_record("x", timestamp=[1])
    assert voc.make_record("x", id=None).id == ""


def test_record_object():
    r = voc.Record(b"caf\xc3\xa9", id="1", timestamp=5, metadata=[("k", "v")])
    assert r.text == "café" and r.timestamp == 5 and r.metadata == [("k", "v")]
    r.text = "x"
    assert r.text == "x"


def test_analyze_many_equals_one_by_one(analyzer):
    texts = [TEXT, "", "great service, thanks!", b"bad \xff bytes", "delivery was late again"]
    many = analyzer.analyze_many(texts, threads=2)
    assert [m.to_dict() for m in many] == [analyzer.analyze(t).to_dict() for t in texts]
    assert analyzer.analyze_many([]) == []
    recs = [voc.make_record("refund please", id="a"), voc.make_record("thanks", id="b")]
    assert [a.id for a in analyzer.analyze_many(recs, threads=1)] == ["a", "b"]
    with pytest.raises(ValueError, match="threads must be >= 0, got -1"):
        analyzer.analyze_many(texts, threads=-1)
    with pytest.raises(TypeError, match="expected str or bytes, got NoneType"):
        analyzer.analyze_many(["ok", None])


def test_analyze_many_from_two_python_threads_releases_gil(analyzer):
    texts = [TEXT * 8] * 150
    expected = analyzer.analyze(TEXT * 8).to_dict()
    results, spans = {}, {}

    def work(k):
        t0 = time.perf_counter()
        results[k] = analyzer.analyze_many(texts, threads=1)
        spans[k] = (t0, time.perf_counter())

    workers = [threading.Thread(target=work, args=(k,)) for k in range(2)]
    for w in workers:
        w.start()
    ticks = []
    while any(w.is_alive() for w in workers):  # pure Python work, needs the GIL
        ticks.append(time.perf_counter())
    for w in workers:
        w.join()
    assert sorted(results) == [0, 1]
    for k in results:
        assert len(results[k]) == 150
        assert results[k][0].to_dict() == expected and results[k][-1].to_dict() == expected
    # The main thread kept running while the batches were inside C++: the
    # GIL was released (holding it would allow a tick only every 5 ms).
    begin, end = min(s[0] for s in spans.values()), max(s[1] for s in spans.values())
    inside = sum(1 for t in ticks if begin < t < end)
    assert inside > 50 * max(1.0, (end - begin) / 0.005) or inside > 10000, (inside, end - begin)


def test_module_level_helpers():
    a = voc.analyze("the app keeps crashing")
    assert a.text == "the app keeps crashing"
    assert [x.text for x in voc.analyze_many(["a", "b"])] == ["a", "b"]


def test_redact_and_describe(analyzer):
    assert analyzer.redact("mail  jane@example.com") == "mail [EMAIL]"
    d = analyzer.describe()
    assert "themes" in d and "sentiment" in d


def test_config_file_and_keywords(tmp_path, source_dir):
    tax = json.loads((source_dir / "models" / "taxonomy.json").read_text())
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "tax.json").write_text(json.dumps(tax))
    cfg = tmp_path / "voc.json"
    cfg.write_text(json.dumps({"themes": "sub/tax.json",
                               "redactor": {"email": False},
                               "normalizer": {"form": "NFKC"}}))
    an = voc.Analyzer(config=cfg)
    a = an.analyze("ﬁne, jane@example.com")
    assert a.text == "fine, jane@example.com"
    b = voc.Analyzer(config=cfg, redactor={"email": True}).analyze("jane@example.com")
    assert b.text == "[EMAIL]"
    # Analyzers pickle as their options and rebuild.
    c = pickle.loads(pickle.dumps(an))
    assert c.analyze("ﬁne, jane@example.com").to_dict() == a.to_dict()


def test_analyzer_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="themes file not found: .*missing.json"):
        voc.Analyzer(themes=str(tmp_path / "missing.json"))
    with pytest.raises(FileNotFoundError, match="sentiment model not found"):
        voc.Analyzer(sentiment_model=str(tmp_path / "nope.vocm"))
    with pytest.raises(TypeError, match="unknown analyzer option: 'colour'"):
        voc.Analyzer(colour="red")
    with pytest.raises(TypeError, match="unknown redactor option: 'phones'"):
        voc.Analyzer(redactor={"phones": False})
    with pytest.raises(ValueError, match="missing \\)"):
        voc.Analyzer(redactor={"extra_patterns": ["(bad"]})
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(ValueError, match="bad.json: not valid JSON"):
        voc.Analyzer(config=bad)
    bad.write_text("[1]")
    with pytest.raises(ValueError, match="expected a JSON object"):
        voc.Analyzer(config=bad)
    broken = tmp_path / "tax.json"
    broken.write_text('{"themes": 3}')
    with pytest.raises((ValueError, voc.Error)) as e:
        voc.Analyzer(themes=str(broken))
    assert str(e.value)


def test_industry_packs():
    travel = "The airline lost my luggage and boarding took forever."
    an = voc.Analyzer(industry="travel")
    ids = [t["id"] for t in an.analyze(travel).themes]
    assert "travel/baggage" in ids and "items/lost" in ids
    assert an.industries()["enabled"] == ["travel"]
    ids = [t["id"] for t in voc.Analyzer(industry="none").analyze(travel).themes]
    assert "items/lost" in ids and not [i for i in ids if i.startswith("travel/")]
    with pytest.raises(ValueError, match='unknown industry "cooking"'):
        voc.Analyzer(industry="cooking")
    # auto: from the given sample, or else from the first analyze_many batch,
    # then fixed (also in a pickled copy).
    hotel = ["The waiter was rude and the pasta was cold.", "Great sushi, slow service.",
             "The menu is small but the desserts are delicious."]
    an = voc.Analyzer(industry_sample=hotel)
    assert an.industries()["enabled"] == ["hospitality"]
    an = voc.Analyzer()
    assert an.industries()["enabled"] == []
    assert "food/quality" not in [t["id"] for t in an.analyze(hotel[0]).themes]
    first = an.analyze_many(hotel)
    assert "food/quality" in [t["id"] for t in first[0].themes]
    sel = an.industries()
    assert sel["enabled"] == ["hospitality"] and sel["mode"] == "auto" and sel["sample_size"] == 3
    assert "food/quality" in [t["id"] for t in an.analyze(hotel[0]).themes]
    copy = pickle.loads(pickle.dumps(an))
    assert copy.industries()["enabled"] == ["hospitality"] and copy.industries()["mode"] == "list"
