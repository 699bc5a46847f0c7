"""CLI tests of themes adapted to the input (--adapt, --save-adapted,
--adapted): on by default over a file, off by default on stdin, identical
output for any thread count and for a saved model, clear errors."""
import csv
import json
import os

# A taxonomy of its own (the shipped one changes): three themes with plenty
# of rule hits below, one with few.
TAXONOMY = {
    "themes": [
        {"id": "billing", "department": "finance",
         "rules": [{"id": "charged", "include": ["\\bcharged\\b"], "weight": 0.8}]},
        {"id": "delivery", "department": "operations",
         "rules": [{"id": "parcel", "include": ["\\bparcel\\b"], "weight": 0.8}]},
        {"id": "quality", "department": "quality",
         "rules": [{"id": "broken", "include": ["\\bbroken\\b"], "weight": 0.8}]},
        {"id": "login", "department": "it",
         "rules": [{"id": "password", "include": ["\\bpassword\\b"], "weight": 0.8}]},
    ]
}

MONEY = ["invoice", "fee", "statement", "subscription", "bill", "overdraft"]
SHIP = ["courier", "tracking", "shipment", "warehouse", "dispatch", "driver"]
MAKE = ["cracked", "faulty", "screen", "hinge", "stopped working", "defective"]
FILLER = ["today", "again", "last week", "this month", "yesterday", "as usual"]
OTHER = ["Hello there, a question", "Thanks for your help", "Nice people at the shop",
         "Can I ask something", "Good morning to you all", "Just saying hi"]
# Said in the words the rules do not know ("billed", "package", no "broken").
MISSED = [
    "I was billed for the invoice, the fee and the bill today",
    "The package never came, the courier, the tracking and the driver again",
    "It arrived cracked, faulty and stopped working",
]


def corpus():
    texts = []
    for i in range(60):
        f = f"{FILLER[i % 6]} ref {i}"  # distinct texts: duplicates are fitted once
        a, b, c = i % 6, (i // 6 + 1) % 6, (i // 2 + 3) % 6
        texts.append(f"I was charged for the {MONEY[a]}, the {MONEY[b]} and the {MONEY[c]} {f}")
        texts.append(f"The parcel never came, the {SHIP[a]}, the {SHIP[b]} and the {SHIP[c]} {f}")
        texts.append(f"It arrived broken, {MAKE[a]}, {MAKE[b]} and {MAKE[c]} {f}")
        if i % 12 == 0:
            texts.append(f"I forgot my password {f}")
        if i % 3 == 0:
            texts.append(f"{OTHER[i % 6]} {FILLER[(i // 6) % 6]} ref {i}")
        if i % 20 == 0:
            texts.append(MISSED[i // 20])
    return texts


def jsonl(texts):
    return "".join(json.dumps({"text": t}) + "\n" for t in texts)


def make_inputs(tmp_path):
    tax = tmp_path / "taxonomy.json"
    tax.write_text(json.dumps(TAXONOMY), encoding="utf-8")
    src = tmp_path / "in.jsonl"
    src.write_text(jsonl(corpus()), encoding="utf-8")
    return str(tax), str(src)


def rows(out):
    return [json.loads(l) for l in out.splitlines()]


def adapted(rs):
    return {r["text"]: [t["id"] for t in r["themes"]] for r in rs
            if any(t["source"] == "adapted" for t in r["themes"])}


def test_adaptation_is_on_for_a_file_and_labels_what_the_rules_miss(voc, tmp_path):
    tax, src = make_inputs(tmp_path)
    r = voc("analyze", src, "--themes", tax, "--threads", "1")
    assert r.code == 0, r.err
    assert "voc: adapted 3 themes on the first 208 records (185 labelled by the rules); 1 not adapted" in r.err
    rs = rows(r.out)
    assert len(rs) == len(corpus())
    got = adapted(rs)
    assert got[MISSED[0]] == ["billing"]
    assert got[MISSED[1]] == ["delivery"]
    assert got[MISSED[2]] == ["quality"]
    for row in rs:
        for t in row["themes"]:
            if t["source"] == "adapted":
                assert 0.5 <= t["confidence"] <= 1
                assert t["evidence"] and all(e["source"] == "adapted" for e in t["evidence"])
            else:
                assert t["source"].startswith("rule:")
    # Off: the rules alone, no adapted hit, nothing else changed.
    off = voc("analyze", src, "--themes", tax, "--adapt", "off", "--threads", "1")
    assert off.code == 0, off.err
    assert "adapted" not in off.err
    assert not adapted(rows(off.out))
    for a, b in zip(rows(off.out), rs):
        if not any(t["source"] == "adapted" for t in b["themes"]):
            assert a == b
        else:
            assert a["unclassified"] and not a["themes"]


def test_stdin_is_off_by_default_and_on_on_request(voc, tmp_path):
    tax, src = make_inputs(tmp_path)
    data = open(src, encoding="utf-8").read()
    r = voc("analyze", "-", "--themes", tax, "-q", stdin=data)
    assert r.code == 0, r.err
    assert not adapted(rows(r.out))
    on = voc("analyze", "-", "--themes", tax, "-q", "--adapt", "on", stdin=data)
    assert on.code == 0, on.err
    from_file = voc("analyze", src, "--themes", tax, "-q")
    assert on.out == from_file.out
    assert adapted(rows(on.out))


def test_same_output_for_any_thread_count_and_batch_size(voc, tmp_path):
    tax, src = make_inputs(tmp_path)
    outs = []
    for threads, batch in (("1", "512"), ("2", "7"), ("3", "64")):
        r = voc("analyze", src, "--themes", tax, "-q", "--threads", threads, "--batch-size", batch)
        assert r.code == 0, r.err
        outs.append(r.out)
    assert outs[0] == outs[1] == outs[2]
    assert adapted(rows(outs[0]))


def test_a_sample_of_many_records_is_written_whole_and_in_order(voc, tmp_path):
    # The sample's lines are written a group of 2,048 records at a time
    # while the next group is formatted: 5,000 records (the whole input is
    # the sample) cross two group boundaries and end in a part-group. Each
    # line is the one the pipeline writes for the same record with the
    # saved model, for any thread count.
    tax, _ = make_inputs(tmp_path)
    base = corpus()  # repeated: a text is fitted once, whatever its count
    texts = [base[i % len(base)] for i in range(5000)]
    src = tmp_path / "many.jsonl"
    src.write_text("".join(json.dumps({"id": f"r{i}", "text": t}) + "\n" for i, t in enumerate(texts)),
                   encoding="utf-8")
    model = tmp_path / "many.voca"
    outs = []
    for threads in ("1", "2", "3"):
        r = voc("analyze", src, "--themes", tax, "-q", "--threads", threads, "--save-adapted", model)
        assert r.code == 0, r.err
        outs.append(r.out)
    assert outs[0] == outs[1] == outs[2]
    rs = rows(outs[0])
    assert [r["id"] for r in rs] == [f"r{i}" for i in range(5000)]
    assert adapted(rs)
    applied = voc("analyze", src, "--themes", tax, "-q", "--threads", "2", "--adapted", model)
    assert applied.code == 0, applied.err
    assert applied.out == outs[0]


def test_a_saved_model_gives_the_same_output_later_and_on_other_input(voc, tmp_path):
    tax, src = make_inputs(tmp_path)
    model = tmp_path / "adapted.voca"
    first = voc("analyze", src, "--themes", tax, "-q", "--save-adapted", model)
    assert first.code == 0, first.err
    assert model.exists()
    again = voc("analyze", src, "--themes", tax, "-q", "--adapted", model, "--threads", "2")
    assert again.code == 0, again.err
    assert again.out == first.out
    # Another input (a part, e.g. on a cluster worker) gets the same themes
    # as in the run that fitted the model.
    part = tmp_path / "part.jsonl"
    part.write_text(jsonl(MISSED), encoding="utf-8")
    p = voc("analyze", part, "--themes", tax, "-q", "--adapted", model)
    assert p.code == 0, p.err
    whole = {r["text"]: r["themes"] for r in rows(first.out)}
    for r in rows(p.out):
        assert r["themes"] == whole[r["text"]]
    # Even on stdin, and with too few records to fit anything.
    s = voc("analyze", "-", "--themes", tax, "-q", "--adapted", model, stdin=jsonl(MISSED[:1]))
    assert s.code == 0, s.err
    assert rows(s.out)[0]["themes"] == whole[MISSED[0]]


def test_findings_count_theme_hits_by_source(voc, tmp_path):
    tax, _ = make_inputs(tmp_path)
    src = tmp_path / "in.csv"
    with open(src, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["id", "date", "text"])
        for i, t in enumerate(corpus()):
            w.writerow([f"r{i}", f"2024-0{1 + i % 6}-1{i % 9}", t])
    r = voc("findings", src, "--themes", tax, "--time-col", "date", "--id-col", "id",
            "--period", "month", "-q")
    assert r.code == 0, r.err
    j = json.loads(r.out)
    src_counts = j["theme_sources"]
    assert src_counts["rule"] == 185
    assert src_counts["adapted"] >= 3
    per = {f["theme"]: f["sources"] for f in j["findings"]}
    assert per["billing"]["rule"] == 60 and per["billing"]["adapted"] >= 1
    off = voc("findings", src, "--themes", tax, "--time-col", "date", "--id-col", "id",
              "--period", "month", "-q", "--adapt", "off")
    assert off.code == 0, off.err
    assert json.loads(off.out)["theme_sources"] == {"rule": 185}


def test_adaptation_errors_are_clear(voc, tmp_path, source_dir):
    tax, src = make_inputs(tmp_path)
    r = voc("analyze", src, "--themes", tax, "--adapt", "maybe")
    assert r.code == 2 and "--adapt must be on or off, not 'maybe'" in r.err
    r = voc("analyze", src, "--themes", tax, "--adapt", "off", "--adapted", "x.voca")
    assert r.code == 2 and "--adapted contradicts --adapt off" in r.err
    r = voc("analyze", src, "--themes", tax, "--adapt", "off", "--save-adapted", "x.voca")
    assert r.code == 2 and "--save-adapted contradicts --adapt off" in r.err
    r = voc("analyze", src, "--themes", tax, "--adapted", "a.voca", "--save-adapted", "b.voca")
    assert r.code == 2 and "give one of them" in r.err
    r = voc("analyze", src, "--themes", tax, "--adapt-sample", "0")
    assert r.code == 2 and "--adapt-sample must be at least 1" in r.err
    missing = tmp_path / "missing.voca"
    r = voc("analyze", src, "--themes", tax, "--adapted", missing)
    assert r.code == 1 and f"adapted model not found: {missing}" in r.err
    assert r.out == ""
    # A model of another kind (made by `voc train`).
    other = os.path.join(source_dir, "models", "cfpb_product.vocm")
    r = voc("analyze", src, "--themes", tax, "--adapted", other)
    assert r.code == 1 and "not an adapted-themes model (write one with --save-adapted)" in r.err
    # A model adapted to another taxonomy.
    model = tmp_path / "adapted.voca"
    assert voc("analyze", src, "--themes", tax, "-q", "--save-adapted", model).code == 0
    small = tmp_path / "small.json"
    small.write_text(json.dumps({"themes": TAXONOMY["themes"][:1]}), encoding="utf-8")
    r = voc("analyze", src, "--themes", small, "--adapted", model)
    assert r.code == 1
    assert "the adapted model's theme 'delivery' is not in the taxonomy" in r.err
    # Too little to adapt: a warning by default, an error when asked to save.
    few = tmp_path / "few.txt"
    few.write_text("I was charged twice\nThe parcel is late\n", encoding="utf-8")
    r = voc("analyze", few, "--themes", tax)
    assert r.code == 0, r.err
    assert "voc: warning: adapt: no theme can be adapted" in r.err
    assert len(rows(r.out)) == 2
    r = voc("analyze", few, "--themes", tax, "--save-adapted", tmp_path / "none.voca")
    assert r.code == 1 and "no theme can be adapted" in r.err
    assert not (tmp_path / "none.voca").exists()
