"""`voc themes`: one text per line in, JSONL themes and signals out."""
import json
import os


def records(out):
    return [json.loads(line) for line in out.splitlines()]


def test_help(voc):
    r = voc("themes", "--help")
    assert r.code == 0
    assert "usage: voc themes [FILE|-]" in r.out
    assert "--themes" in r.out


def test_themes_signals_and_routing_from_stdin(voc):
    r = voc("themes", "-", stdin="I was charged twice and the agent was rude. Third time I call!\n"
                                 "What a lovely day in the park\n")
    assert r.code == 0, r.err
    recs = records(r.out)
    assert [x["line"] for x in recs] == [1, 2]
    first = {t["id"]: t for t in recs[0]["themes"]}
    assert "billing/double-charge" in first
    dc = first["billing/double-charge"]
    assert dc["department"] == "finance" and dc["role"] == "enhancer"
    assert dc["source"] == "rule:billing/double-charge#double"
    ev = dc["evidence"][0]
    line = "I was charged twice and the agent was rude. Third time I call!"
    assert line.encode()[ev["begin"]:ev["end"]].decode() == ev["text"] == "charged twice"
    assert first["service/staff-attitude"]["role"] == "service"
    assert recs[0]["unclassified"] is False
    sig = {(s["signal"], s["text"]) for s in recs[0]["signals"]}
    assert ("repeat_contact", "Third time") in sig
    # Nothing fits: no theme is forced.
    assert recs[1]["themes"] == [] and recs[1]["unclassified"] is True
    assert recs[1]["signals"] == []


def test_themes_and_signals_have_the_schema_of_analyze(voc, tmp_path):
    text = "I was charged twice and the agent was rude. Third time I call!"
    themes = records(voc("themes", stdin=text + "\n").out)[0]
    inp = tmp_path / "in.txt"
    inp.write_text(text + "\n", encoding="utf-8")
    r = voc("analyze", str(inp), "--format", "text", "-q")
    assert r.code == 0, r.err
    analyzed = records(r.out)[0]
    assert themes["themes"] == analyzed["themes"]
    assert themes["signals"] == analyzed["signals"]
    # The old flag name still works.
    old = voc("themes", "--taxonomy", "/nonexistent/tax.json", stdin="x\n")
    assert old.code == 1 and "/nonexistent/tax.json" in old.err


def test_file_input_custom_taxonomy_and_empty_lines(voc, source_dir, tmp_path):
    inp = tmp_path / "in.txt"
    inp.write_text("my package was late\n\nsurcharge\r\n", encoding="utf-8")
    tax = os.path.join(source_dir, "tests/data/taxonomy/small.json")
    r = voc("themes", str(inp), "--themes", tax, "--no-signals")
    assert r.code == 0, r.err
    recs = records(r.out)
    assert len(recs) == 3  # the empty line is kept, never dropped
    assert [t["id"] for t in recs[0]["themes"]] == ["delivery/late"]
    assert recs[1]["unclassified"] is True
    assert [t["id"] for t in recs[2]["themes"]] == ["billing/unexpected-fee"]
    assert "signals" not in recs[0]


def test_profanity_is_counted_not_echoed(voc):
    r = voc("themes", stdin="This damn app is shit!! It keeps crashing\n")
    assert r.code == 0, r.err
    rec = records(r.out)[0]
    assert rec["profanity"] == 2
    assert rec["emotion_intensity"] > 0.5
    profane = [s for s in rec["signals"] if s["source"] == "cue:profanity"]
    assert len(profane) == 2
    assert all("text" not in s for s in profane)
    assert "shit" not in json.dumps(rec["signals"])


def test_invalid_utf8_gives_valid_json(voc):
    r = voc("themes", stdin=b"charged twice \xff\xfe ok\n")
    assert r.code == 0, r.err
    rec = records(r.out)[0]
    assert rec["themes"][0]["id"] == "billing/double-charge"


def test_bad_taxonomy_is_a_failure_with_message(voc, source_dir):
    tax = os.path.join(source_dir, "tests/data/taxonomy/bad_regex.json")
    r = voc("themes", "--taxonomy", tax, stdin="x\n")
    assert r.code == 1
    assert "theme 'billing/fee' rule 'broken'" in r.err
    assert "missing )" in r.err
    r = voc("themes", "--taxonomy", "/nonexistent/tax.json", stdin="x\n")
    assert r.code == 1
    assert 'voc: cannot open taxonomy file "/nonexistent/tax.json"' in r.err


def test_missing_input_and_bad_flag(voc):
    r = voc("themes", "/nonexistent/input.txt")
    assert r.code == 1
    assert 'cannot open input file "/nonexistent/input.txt"' in r.err
    r = voc("themes", "--frobnicate")
    assert r.code == 2
    assert "voc:" in r.err


def test_threads_keep_line_numbers_and_order(same_output_for_threads):
    out = same_output_for_threads("themes", counts=("1", "2", "7"))
    assert [r["line"] for r in records(out)] == list(range(1, 61))
