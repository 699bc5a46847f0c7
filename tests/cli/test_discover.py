"""`voc discover`: a draft taxonomy of discovered themes, reused with --themes."""
import csv
import json
import random


def write_stream(path, seed=1, pii=False):
    """Airline complaints over 8 weeks: lost luggage said three ways, seat
    upgrades, and an app crash that starts in the last two weeks; every text
    names the brand. With `pii`, e-mails and phone numbers are planted."""
    rng = random.Random(seed)
    filler = ["gate", "crew", "snack", "window", "pilot", "terminal", "airport", "ticket",
              "boarding", "lounge", "coffee", "music", "movie", "blanket", "pillow", "weather"]
    bodies = {
        "luggage": ["They lost luggage on my trip", "My lost bag never arrived",
                    "Waited an hour at baggage claim", "Still no lost luggage update at baggage claim",
                    "The baggage claim desk lost bag reports"],
        "seat": ["Paid for a seat upgrade", "No extra legroom as promised"],
        "app": ["The app crashes at check in"],
    }
    rows = []
    n = 0
    for week in range(8):
        plan = [("luggage", 30), ("seat", 20), ("noise", 120)] + ([("app", 30)] if week >= 6 else [])
        for kind, count in plan:
            for _ in range(count):
                day = 1 + week * 7 + rng.randrange(7)
                body = rng.choice(bodies[kind]) if kind in bodies else "Note"
                text = "Skyfleet flight. " + body + ". " + ". ".join(rng.choice(filler) for _ in range(3))
                if pii:
                    text += rng.choice([" Mail jane.doe@example.com", " Call 555-867-5309",
                                        " Card 4111 1111 1111 1111"])
                rows.append({"id": "r%d" % n, "date": "2024-01-%02d" % day if day <= 31 else
                             "2024-02-%02d" % (day - 31), "text": text})
                n += 1
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=["id", "date", "text"])
        w.writeheader()
        w.writerows(rows)
    return rows


def empty_base(tmp_path):
    p = tmp_path / "empty.json"
    p.write_text('{"themes": []}')
    return p


def test_help_and_usage(voc):
    r = voc("discover", "--help")
    assert r.code == 0
    assert "usage: voc discover INPUT" in r.out and "--themes-out" in r.out
    r = voc("discover")
    assert r.code == 2 and "voc: missing INPUT" in r.err
    r = voc("discover", "x.csv", "--link", "0")
    assert r.code == 2 and "voc: link must be in (0, 1]" in r.err
    r = voc("discover", "x.csv", "--sample", "0")
    assert r.code == 2 and "voc: --sample must be at least 1" in r.err
    r = voc("discover", "x.csv", "--min-general-lift", "0.5")
    assert r.code == 2 and "voc: min_general_lift must be >= 1" in r.err


def test_bad_base(voc, tmp_path):
    data = tmp_path / "in.csv"
    write_stream(data)
    bad = tmp_path / "bad.json"
    bad.write_text("[1, 2]")
    r = voc("discover", data, "--id-col", "id", "--time-col", "date", "--themes", bad, "-q")
    assert r.code == 1
    assert "is not a taxonomy JSON file" in r.err
    r = voc("discover", data, "--themes", tmp_path / "missing.json", "-q")
    assert r.code == 1 and "cannot read the taxonomy" in r.err


def test_general_background(voc, tmp_path):
    data = tmp_path / "in.csv"
    write_stream(data)
    themes = tmp_path / "themes.json"
    args = ["discover", data, "--id-col", "id", "--time-col", "date", "--themes", empty_base(tmp_path),
            "-o", tmp_path / "draft.json", "--themes-out", themes, "-q"]
    # The shipped background is the default.
    r = voc(*args)
    assert r.code == 0, r.err
    out = json.loads(themes.read_text())
    assert out["background"].endswith("background.tsv")
    names = [t["name"] for t in out["themes"]]
    assert any("app crashes" in n for n in names)
    # A background where the seat words are everywhere: no seat theme.
    bg = tmp_path / "bg.tsv"
    bg.write_text("# test\nphrase\tper_million\nseat\t400000\nupgrade\t400000\nseat upgrade\t400000\n"
                  "extra\t400000\nlegroom\t400000\nextra legroom\t400000\npromised\t400000\n"
                  "paid\t400000\n")
    r = voc(*args, "--background", bg)
    assert r.code == 0, r.err
    out = json.loads(themes.read_text())
    assert out["background"] == str(bg)
    names = [t["name"] for t in out["themes"]]
    assert any("app crashes" in n for n in names)
    assert not [n for n in names if "seat" in n or "legroom" in n], names
    r = voc(*args, "--background", "none")
    assert r.code == 0, r.err
    out = json.loads(themes.read_text())
    assert out["background"] == ""
    assert any("seat upgrade" in t["name"] or "legroom" in t["name"] for t in out["themes"])
    # A phrase must be --min-general-lift times more common than in general text.
    r = voc(*args, "--background", bg, "--min-general-lift", "1e9")
    assert r.code == 0, r.err
    assert json.loads(themes.read_text())["themes"] == []
    # Errors name the file, the line and the fault.
    bg.write_text("phrase\tper_million\nseat\tmany\n")
    r = voc(*args, "--background", bg)
    assert r.code == 2
    assert "voc: background %s line 2: per_million must be an integer in 1..1000000" % bg in r.err
    r = voc(*args, "--background", tmp_path / "missing.tsv")
    assert r.code == 2 and "missing.tsv: no such file" in r.err


def test_discover_from_scratch_and_reuse(voc, tmp_path):
    data = tmp_path / "in.csv"
    rows = write_stream(data)
    draft = tmp_path / "draft.json"
    themes = tmp_path / "themes.json"
    r = voc("discover", data, "--id-col", "id", "--time-col", "date", "--themes",
            empty_base(tmp_path), "-o", draft, "--themes-out", themes)
    assert r.code == 0, r.err
    assert "themes discovered" in r.err
    d = json.loads(draft.read_text())
    ids = [t["id"] for t in d["themes"]]
    assert "discovered" in ids
    disc = [t for t in d["themes"] if t["id"].startswith("discovered/")]
    assert len(disc) >= 3
    for t in disc:
        assert t["department"] == "unassigned"
        assert t["comment"].startswith("about ")
        assert "Examples: " in t["comment"]
        assert t["rules"][0]["include"][0]
        assert "skyfleet" not in t["label"].lower()
    out = json.loads(themes.read_text())
    by_phrase = {}
    for t in out["themes"]:
        for p in t["phrases"]:
            by_phrase[p["phrase"]] = t
    assert by_phrase["lost luggage"] is by_phrase["baggage claim"]
    assert by_phrase["app crashes"]["status"] == "emerging"
    # Dated records: each theme's finding counts its signals ("lost" texts
    # say what went wrong); undated ones (no --time-col) skip their detection.
    assert by_phrase["lost luggage"]["with_signal"] > 0
    assert "skyfleet" in out["ubiquitous"]
    members = set(by_phrase["app crashes"]["members"])
    assert len(members) == 60

    # The draft passed back: the discovered themes behave like any other.
    r = voc("analyze", data, "--id-col", "id", "--time-col", "date", "--themes", draft, "-q")
    assert r.code == 0, r.err
    app_id = by_phrase["app crashes"]["id"]
    hits = [json.loads(line) for line in r.out.splitlines()]
    with_app = {h["id"] for h in hits if any(t["id"] == app_id for t in h["themes"])}
    assert with_app == members
    assert len(hits) == len(rows)
    r = voc("findings", data, "--id-col", "id", "--time-col", "date", "--themes", draft, "-q")
    assert r.code == 0, r.err
    f = json.loads(r.out)
    app = [x for x in f["findings"] if x["theme"] == app_id]
    assert app and app[0]["status"] == "emerging"


def test_same_draft_for_any_thread_count(voc, tmp_path):
    data = tmp_path / "in.csv"
    write_stream(data, seed=3)
    outs = []
    for t in ("1", "3"):
        r = voc("discover", data, "--id-col", "id", "--time-col", "date", "--themes",
                empty_base(tmp_path), "--threads", t, "--sample", "500", "-q")
        assert r.code == 0, r.err
        outs.append(r.out)
    assert outs[0] == outs[1]


def test_planted_pii_never_in_draft(voc, tmp_path):
    data = tmp_path / "in.csv"
    write_stream(data, seed=5, pii=True)
    draft = tmp_path / "draft.json"
    themes = tmp_path / "themes.json"
    r = voc("discover", data, "--id-col", "id", "--time-col", "date", "--themes",
            empty_base(tmp_path), "-o", draft, "--themes-out", themes, "-q")
    assert r.code == 0, r.err
    text = draft.read_text() + themes.read_text()
    for secret in ("jane.doe@example.com", "example.com", "555-867-5309", "4111 1111", "jane"):
        assert secret not in text, secret
