"""Money and score drivers in `voc findings` / `voc report`, checked against a
direct pandas computation on a bundled sample of real clothing reviews."""
import json
import os

import pytest

pd = pytest.importorskip("pandas")

SAMPLE = "tests/data/econ/clothing_reviews_sample.csv"
COLS = ["--text-col", "Review Text", "--id-col", "id"]


def sample(source_dir):
    return os.path.join(source_dir, SAMPLE)


def record_themes(voc, path):
    r = voc("analyze", path, *COLS, "--quiet")
    assert r.code == 0, r.err
    rows = [json.loads(line) for line in r.out.splitlines()]
    return {row["id"]: {t["id"] for t in row["themes"]} for row in rows}


def loo(df, themes, score):
    """Leave-one-out impact of each theme computed directly in pandas."""
    allscore = score(df)
    out = {}
    for theme in sorted(set().union(*themes.values())):
        has = df["id"].astype(str).map(lambda i: theme in themes[i])
        out[theme] = allscore - score(df[~has])
    return allscore, out


def csat(d):
    return 100.0 * (d["Rating"] >= 4).sum() / len(d)


def test_drivers_match_pandas_csat_and_mean(voc, source_dir, tmp_path):
    path = sample(source_dir)
    df = pd.read_csv(path)
    themes = record_themes(voc, path)
    out = tmp_path / "f.json"
    r = voc("findings", path, *COLS, "--score-col", "Rating", "-o", out, "--quiet")
    assert r.code == 0, r.err
    f = json.loads(out.read_text())
    assert f["score"]["kind"] == "csat"  # auto: integers 1..5
    assert f["score"]["from_sentiment"] is False
    assert f["score"]["n"] == len(df)
    allscore, want = loo(df, themes, csat)
    assert f["score"]["score"] == pytest.approx(allscore, abs=1e-3)
    got = {d["theme"]: d for d in f["drivers"] if not d["theme"].startswith("discovered/")}
    assert set(got) == set(want)
    # Discovered themes join the drivers with their impact on the sample
    # (tests/discovery_test.cc checks it against a direct computation).
    found = {u["id"]: u for u in f["unknown_themes"] if u.get("impact")}
    assert found
    for d in f["drivers"]:
        if d["theme"].startswith("discovered/"):
            assert d["department"] == "unassigned"
            assert d["relative_weight"] == 0
            assert d["impact"] == found[d["theme"]]["impact"]["impact"]
            assert d["ci_low"] <= d["impact"] + 1e-9 <= d["ci_high"] + 2e-9
    for theme, w in want.items():
        assert got[theme]["impact"] == pytest.approx(w, abs=1e-3), theme
        assert got[theme]["ci_low"] <= got[theme]["impact"] + 1e-9 <= got[theme]["ci_high"] + 2e-9
    weights = sum(d["relative_weight"] for d in f["drivers"])
    assert weights == pytest.approx(1.0, abs=1e-3)

    # Recommended IND (0/1) is read as a mean (the share recommending).
    out2 = tmp_path / "g.json"
    r = voc("findings", path, *COLS, "--score-col", "Recommended IND", "-o", out2, "--quiet")
    assert r.code == 0, r.err
    g = json.loads(out2.read_text())
    assert g["score"]["kind"] == "mean"
    allrec, want_rec = loo(df, themes, lambda d: d["Recommended IND"].mean())
    assert g["score"]["score"] == pytest.approx(allrec, abs=1e-4)
    for d in g["drivers"]:
        if not d["theme"].startswith("discovered/"):
            assert d["impact"] == pytest.approx(want_rec[d["theme"]], abs=1e-4)

    # NPS on a 0-10 recoding, forced by --score-kind.
    df2 = df.copy()
    df2["nps"] = (df2["Rating"] - 1) * 2.5
    df2["nps"] = df2["nps"].round().astype(int)
    p2 = tmp_path / "nps.csv"
    df2.to_csv(p2, index=False)
    out3 = tmp_path / "h.json"
    r = voc("findings", p2, *COLS, "--score-col", "nps", "--score-kind", "nps", "-o", out3, "--quiet")
    assert r.code == 0, r.err
    h = json.loads(out3.read_text())

    def nps(d):
        return 100.0 * ((d["nps"] >= 9).sum() - (d["nps"] <= 6).sum()) / len(d)

    allnps, want_nps = loo(df2, themes, nps)
    assert h["score"]["kind"] == "nps"
    assert h["score"]["score"] == pytest.approx(allnps, abs=1e-3)
    for d in h["drivers"]:
        if not d["theme"].startswith("discovered/"):
            assert d["impact"] == pytest.approx(want_nps[d["theme"]], abs=1e-3)


def test_sentiment_is_the_score_without_a_column(voc, source_dir, tmp_path):
    out = tmp_path / "f.json"
    r = voc("findings", sample(source_dir), *COLS, "-o", out, "--quiet", "--html", tmp_path / "r.html")
    assert r.code == 0, r.err
    f = json.loads(out.read_text())
    assert f["score"]["from_sentiment"] is True
    assert f["score"]["name"] == "sentiment"
    assert "no score column" in f["score"]["method"]
    html = (tmp_path / "r.html").read_text()
    assert "What drives the score" in html
    assert "sentiment score is the score" in html


def test_non_numeric_scores_are_counted_not_fatal(voc, tmp_path):
    p = tmp_path / "s.csv"
    p.write_text("id,text,score\n1,the fee was wrong,2\n2,love the app,great\n3,slow delivery,\n"
                 "4,the fee again,1\n5,fine app,5\n")
    out = tmp_path / "f.json"
    r = voc("findings", p, "--score-col", "score", "-o", out, "--quiet")
    assert r.code == 0, r.err
    f = json.loads(out.read_text())
    assert f["score"]["invalid"] == 1
    assert f["score"]["n"] == 3
    assert any("not a number" in w for w in f["warnings"])


def test_bad_options_and_missing_columns(voc, source_dir, tmp_path):
    path = sample(source_dir)
    r = voc("findings", path, *COLS, "--score-col", "Stars")
    assert r.code == 2
    assert "column 'Stars' not found; columns are: id, Review Text, Rating" in r.err
    r = voc("findings", path, *COLS, "--cost-per-contact", "call=cheap")
    assert r.code == 2
    assert "--cost-per-contact: cost per contact: 'call=cheap'" in r.err
    r = voc("findings", path, *COLS, "--score-kind", "stars")
    assert r.code == 2 and "'stars' is not one of nps, csat, mean, auto" in r.err
    r = voc("findings", path, *COLS, "--customer-value", "-3")
    assert r.code == 2 and "--customer-value" in r.err
    r = voc("findings", path, *COLS, "--rank-by", "size")
    assert r.code == 2 and "rank-by" in r.err


def test_money_in_json_csv_digests_and_html(voc, source_dir, tmp_path):
    data = os.path.join(source_dir, "examples/data/cfpb_complaints.csv.gz")
    base = ["findings", data, "--id-col", "id", "--time-col", "date", "--channel-col", "channel",
            "--period", "month", "--quiet"]
    out = tmp_path / "plain.json"
    assert voc(*base, "-o", out).code == 0
    plain = json.loads(out.read_text())
    assert "money" not in plain
    assert all("money" not in x for x in plain["findings"])

    out = tmp_path / "f.json"
    r = voc(*base, "--cost-per-contact", "web=4.5", "--customer-value", "1200", "--currency", "USD",
            "--rank-by", "cost", "-o", out, "--csv", tmp_path / "f.csv",
            "--digests", tmp_path / "d", "--html", tmp_path / "r.html")
    assert r.code == 0, r.err
    f = json.loads(out.read_text())
    m = f["money"]
    assert m["currency"] == "USD"
    cc = m["contact_cost"]
    assert cc["amount"] == pytest.approx(4.5 * cc["contacts"])
    assert sum(p["cost"] for p in cc["by_period"]) == pytest.approx(cc["amount"])
    assert m["value_at_risk"]["amount"] == pytest.approx(1200 * m["value_at_risk"]["customers"])
    costs = [x["money"]["contact_cost"]["amount"] + x["money"]["value_at_risk"]["amount"]
             for x in f["findings"]]
    assert costs == sorted(costs, reverse=True)  # --rank-by cost
    top = f["findings"][0]["money"]
    assert "x USD 4.50" in top["why"] and "value at risk" in top["why"]
    csv = pd.read_csv(tmp_path / "f.csv")
    assert list(csv["contact_cost"]) == pytest.approx(
        [x["money"]["contact_cost"]["amount"] for x in f["findings"]])
    digests = "".join(p.read_text() for p in (tmp_path / "d").glob("*.md"))
    assert "- Money: " in digests
    assert "What it costs" in (tmp_path / "r.html").read_text()


def test_report_from_partial_aggregates_gives_the_same_drivers(voc, source_dir, tmp_path):
    path = sample(source_dir)
    df = pd.read_csv(path)
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    df.iloc[:170].to_csv(a, index=False)
    df.iloc[170:].to_csv(b, index=False)
    for src, agg in ((path, "all.json"), (a, "a.json"), (b, "b.json")):
        r = voc("findings", src, *COLS, "--score-col", "Rating", "--quiet",
                "--save-aggregate", tmp_path / agg, "-o", tmp_path / ("f-" + agg))
        assert r.code == 0, r.err
    one = voc("report", tmp_path / "all.json", "--score-col", "Rating")
    two = voc("report", tmp_path / "b.json", tmp_path / "a.json", "--score-col", "Rating")
    assert one.code == 0 and two.code == 0, one.err + two.err
    f1, f2 = json.loads(one.out), json.loads(two.out)
    assert f1["drivers"] == f2["drivers"]
    assert f1["score"] == f2["score"]
    direct = json.loads((tmp_path / "f-all.json").read_text())
    assert direct["drivers"] == f1["drivers"]
