"""voc.discover: a draft taxonomy and a table of discovered themes."""
import random

import pytest

import voc


def airline_texts(seed=1):
    rng = random.Random(seed)
    filler = ["gate", "crew", "snack", "window", "pilot", "terminal", "airport", "ticket",
              "boarding", "lounge", "coffee", "music", "movie", "blanket", "pillow", "weather"]
    bodies = (["They lost luggage on my trip", "My lost bag never arrived",
               "Waited an hour at baggage claim", "Still no lost luggage at baggage claim",
               "The baggage claim desk lost bag reports"] * 6 + ["Paid for a seat upgrade"] * 8 +
              ["Note"] * 40)
    return ["Skyfleet flight. " + rng.choice(bodies) + ". " +
            ". ".join(rng.choice(filler) for _ in range(3)) for _ in range(600)]


def test_discover_from_texts():
    draft, themes = voc.discover(airline_texts(), themes={"themes": []})
    assert any(t["id"].startswith("discovered/") for t in draft["themes"])
    rows = themes.to_dict("records") if hasattr(themes, "to_dict") else themes
    lug = [r for r in rows if "lost luggage" in r["phrases"]]
    assert len(lug) == 1 and "baggage claim" in lug[0]["phrases"]
    assert lug[0]["rule_precision"] >= 0.9 and lug[0]["sample_count"] == len(lug[0]["members"])
    assert all("skyfleet" not in r["name"] for r in rows)


def test_discover_frame_and_errors(tmp_path):
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({"body": airline_texts(2), "key": ["k%d" % i for i in range(600)]})
    draft, themes = voc.discover(frame, text_col="body", id_col="key", themes={"themes": []},
                                 max_themes=3)
    assert len(themes) <= 3
    assert all(m.startswith("k") for ms in themes["members"] for m in ms)
    with pytest.raises(KeyError):
        voc.discover(frame, text_col="missing", themes={"themes": []})
    with pytest.raises(TypeError, match="unknown discovery option: 'bogus'"):
        voc.discover(["x"], bogus=1)
    with pytest.raises(ValueError, match="link must be in"):
        voc.discover(["x"], link=0)


def test_discover_background_options(tmp_path):
    texts = airline_texts(3)
    # Default: the shipped general background.
    _, themes = voc.discover(texts, themes={"themes": []})
    rows = themes.to_dict("records") if hasattr(themes, "to_dict") else themes
    assert any("lost luggage" in r["phrases"] for r in rows)
    # A background where the luggage words are everywhere: no luggage theme.
    bg = tmp_path / "bg.tsv"
    bg.write_text("phrase\tper_million\n" + "".join(
        "%s\t400000\n" % w for w in ["lost", "luggage", "lost luggage", "bag", "lost bag", "baggage",
                                      "claim", "baggage claim", "arrived", "reports", "desk", "trip"]))
    _, themes = voc.discover(texts, themes={"themes": []}, background=str(bg))
    rows = themes.to_dict("records") if hasattr(themes, "to_dict") else themes
    assert not [r for r in rows if any("luggage" in p or "baggage" in p for p in r["phrases"])], rows
    # No general background: the luggage theme again.
    _, themes = voc.discover(texts, themes={"themes": []}, background="none")
    rows = themes.to_dict("records") if hasattr(themes, "to_dict") else themes
    assert any("lost luggage" in r["phrases"] for r in rows)
    # A lift no phrase reaches: nothing discovered.
    _, themes = voc.discover(texts, themes={"themes": []}, background=str(bg), min_general_lift=1e9)
    assert len(themes) == 0
    with pytest.raises(ValueError, match="min_general_lift must be >= 1"):
        voc.discover(texts, min_general_lift=0.5)
    with pytest.raises(Exception, match="missing.tsv"):
        voc.discover(texts, themes={"themes": []}, background=str(tmp_path / "missing.tsv"))
