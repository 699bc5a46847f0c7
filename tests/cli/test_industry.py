"""`--industry NAME[,NAME]|auto|none|all` on the commands that analyse: which
industry packs of the taxonomy run, and the output says which and why."""
import json


def records(out):
    return [json.loads(line) for line in out.splitlines()]


def ids(rec):
    return [t["id"] for t in rec["themes"]]


TRAVEL = "The airline lost my luggage and the boarding took forever.\n"


def test_themes_named_none_and_unknown_packs(voc):
    r = voc("themes", "--industry", "travel", stdin=TRAVEL)
    assert r.code == 0, r.err
    got = ids(records(r.out)[0])
    assert "travel/baggage" in got and "travel/boarding" in got and "items/lost" in got
    assert "voc: industry packs: travel (asked for)" in r.err
    r = voc("themes", "--industry", "none", stdin=TRAVEL)
    assert r.code == 0, r.err
    got = ids(records(r.out)[0])
    assert "items/lost" in got  # the core still sees lost belongings
    assert not [i for i in got if i.startswith("travel/")]
    assert "voc: industry packs: none (core themes only)" in r.err
    r = voc("themes", "--industry", "travel,cooking", stdin=TRAVEL)
    assert r.code == 2
    assert "unknown industry \"cooking\"; packs of this taxonomy: travel, telecom" in r.err


def test_themes_auto_enables_the_packs_the_input_shows(voc):
    hotel = ["The waiter was rude and the pasta was cold.", "Great sushi, slow service.",
             "The menu is small but the desserts are delicious.", "My card was charged twice."]
    r = voc("themes", stdin="".join(t + "\n" for t in hotel))
    assert r.code == 0, r.err
    assert "voc: industry packs: hospitality (" in r.err
    assert "not enabled: travel" in r.err
    recs = records(r.out)
    assert [x["line"] for x in recs] == [1, 2, 3, 4]  # the sampled lines are all written, in order
    assert "food/quality" in ids(recs[0])
    r = voc("themes", "-q", stdin="".join(t + "\n" for t in hotel))
    assert r.code == 0 and "industry" not in r.err


def test_analyze_auto_reads_past_the_sample_in_order_for_any_thread_count(voc, tmp_path):
    # 1,000 sampled records, then the rest through the pipeline.
    lines = ["id,text"]
    for i in range(1205):
        text = ("My flight was delayed and the airline lost my suitcase" if i % 3 == 0
                else "The hotel room was dirty" if i % 3 == 1 else "ok")
        lines.append(f"r{i},{text}")
    src = tmp_path / "in.csv"
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    outs = []
    for threads in ("1", "3"):
        r = voc("analyze", src, "--threads", threads)
        assert r.code == 0, r.err
        assert "voc: industry packs: travel (33% of 1000 sampled records: " in r.err
        recs = records(r.out)
        assert [x["id"] for x in recs] == [f"r{i}" for i in range(1205)]
        assert "travel/baggage" in ids(recs[1203])
        outs.append(r.out)
    assert outs[0] == outs[1]
    r = voc("analyze", src, "--industry", "none", "-q")
    assert r.code == 0 and "industry" not in r.err
    assert "travel/baggage" not in ids(records(r.out)[0])


def test_findings_says_which_packs(voc, tmp_path):
    src = tmp_path / "in.csv"
    src.write_text("id,date,text\n" + "".join(
        f"r{i},2024-01-0{1 + i % 7},The train was late and the conductor was rude\n" for i in range(40)),
        encoding="utf-8")
    r = voc("findings", src, "--period", "week")
    assert r.code == 0, r.err
    assert "voc: industry packs: travel (100% of 40 sampled records: " in r.err
    doc = json.loads(r.out)
    assert doc["industries"]["enabled"] == ["travel"]
    assert doc["industries"]["packs"][0]["reason"].startswith("100% of 40 sampled records")
    r = voc("findings", src, "--industry", "nonsense")
    assert r.code != 0 and "unknown industry \"nonsense\"" in r.err
