"""Money and score drivers from Python: the options of `voc findings`
(cost per contact, customer value, value column, currency, score column and
kind, bootstrap, rank-by) on detect_findings, scores and values fed through
Aggregate.add / add_many, voc.pandas and voc.dask, and the same figures as
the CLI on the same bundled data."""
import json
import os
import pathlib
import subprocess
import warnings

import pytest

import voc
import voc.pandas as vp

pd = pytest.importorskip("pandas")

BUILD_DIR = os.environ.get("VOC_BUILD_DIR")
VOC_BIN = pathlib.Path(BUILD_DIR, "bin", "voc") if BUILD_DIR else None
needs_cli = pytest.mark.skipif(VOC_BIN is None or not VOC_BIN.exists(),
                               reason="needs the voc CLI (ctest)")
CLOTHING = "tests/data/econ/clothing_reviews_sample.csv"
ECON_COLS = dict(text_col="text", time_col="date", id_col="id", channel_col="channel",
                 customer_col="customer")
CLI_COLS = ["--text-col", "text", "--time-col", "date", "--id-col", "id", "--channel-col",
            "channel", "--customer-col", "customer", "--period", "month"]


def econ_frame(cfpb_frame, n=360):
    """CFPB complaints with a channel, a customer, an NPS answer (a few not
    numbers, a few blank) and a customer value (a few blank) per row."""
    df = cfpb_frame.iloc[:n].copy()
    i = df["id"].astype(int)
    df["channel"] = [("Web", "Phone", "Email")[k % 3] for k in (i // 7)]
    df["customer"] = "c" + (i % 150).astype(str)
    df["nps"] = (i % 11).astype(str)
    df.loc[i % 53 == 0, "nps"] = "great"
    df.loc[i % 89 == 0, "nps"] = ""
    df["ltv"] = (100 + (i % 500)).astype(str)
    df.loc[i % 83 == 0, "ltv"] = ""
    return df


@pytest.fixture(scope="module")
def econ_csv(cfpb_frame, tmp_path_factory):
    path = tmp_path_factory.mktemp("econ") / "cfpb_econ.csv"
    econ_frame(cfpb_frame).to_csv(path, index=False)
    return path


def cli_findings(tmp_path, path, *args):
    out = tmp_path / "cli.json"
    r = subprocess.run([str(VOC_BIN), "findings", str(path), *args, "--quiet", "-o", str(out)],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return json.loads(out.read_text())


MONEY = dict(cost_per_contact="Web=4.5,Phone=7,2", customer_value=50, currency="EUR")
MONEY_FLAGS = ["--cost-per-contact", "Web=4.5,Phone=7,2", "--customer-value", "50",
               "--currency", "EUR"]


@needs_cli
def test_money_and_impact_equal_the_cli(tmp_path, econ_csv, cfpb_frame):
    cli = cli_findings(tmp_path, econ_csv, *CLI_COLS, "--score-col", "nps", "--value-col", "ltv",
                       *MONEY_FLAGS, "--adapt", "off")
    df = pd.read_csv(econ_csv, dtype=str, keep_default_na=False)
    agg = vp.aggregate_frame(df, period="month", score_col="nps", value_col="ltv",
                             analyzer=voc.Analyzer(), **ECON_COLS)
    assert (agg.score_col, agg.value_col) == ("nps", "ltv")
    with pytest.warns(UserWarning, match="records had a nps that is not a number"):
        f = voc.detect_findings(agg, **MONEY)
    got = json.loads(f.to_json())
    # The figures themselves, then the whole document.
    assert got["money"] == cli["money"]
    assert got["score"] == cli["score"] and got["drivers"] == cli["drivers"]
    assert [(x["theme"], x.get("money"), x.get("impact")) for x in got["findings"]] == \
        [(x["theme"], x.get("money"), x.get("impact")) for x in cli["findings"]]
    assert got == cli
    # Not trivially equal: every part of the money is there.
    m = got["money"]
    assert m["currency"] == "EUR" and m["contact_cost"]["contacts"] > 0
    costs = {c["channel"]: c["cost_per_contact"] for c in m["contact_cost"]["by_channel"]}
    assert costs == {"Web": 4.5, "Phone": 7.0, "Email": 2.0}
    assert m["contact_cost"]["amount"] == pytest.approx(
        sum(c["cost"] for c in m["contact_cost"]["by_channel"]))
    risk = m["value_at_risk"]
    assert risk["distinct_customers"] and risk["customers"] > 0 and risk["amount"] > 50
    assert got["score"]["kind"] == "nps" and got["score"]["invalid"] > 0
    assert any(x["impact"]["valid"] for x in got["findings"])
    # The frames carry the same figures.
    table = vp.findings_frame(f).set_index("theme")
    for x in got["findings"]:
        if "money" in x:
            assert table.loc[x["theme"], "contact_cost"] == x["money"]["contact_cost"]["amount"]
        if x.get("impact", {}).get("valid"):
            assert table.loc[x["theme"], "impact"] == x["impact"]["impact"]
    drivers = vp.drivers_frame(f)
    assert list(drivers.columns) == vp.DRIVER_COLUMNS
    assert drivers["impact"].tolist() == [d["impact"] for d in cli["drivers"]]
    assert drivers.attrs["score"]["name"] == "nps"
    # relative_weights=False: the same impacts, without the regression's weights.
    assert any(d["relative_weight"] > 0 for d in cli["drivers"])
    with pytest.warns(UserWarning):
        plain = json.loads(voc.detect_findings(agg, relative_weights=False, **MONEY).to_json())
    assert [d["impact"] for d in plain["drivers"]] == [d["impact"] for d in cli["drivers"]]
    assert all(d["relative_weight"] == 0 and "R^2" not in d["why"] for d in plain["drivers"])


@needs_cli
def test_clothing_drivers_equal_the_cli_and_pandas(tmp_path, source_dir):
    path = source_dir / CLOTHING
    cli = cli_findings(tmp_path, path, "--text-col", "Review Text", "--id-col", "id",
                       "--score-col", "Rating", "--rank-by", "impact", "--bootstrap", "200",
                       "--adapt", "off")
    df = pd.read_csv(path)  # Rating: int64, read as numbers
    agg = voc.Aggregate()
    frame = vp.analyze_frame(df, text_col="Review Text", id_col="id", aggregate=agg,
                             score_col="Rating", analyzer=voc.Analyzer())
    f = voc.detect_findings(agg, rank_by="impact", bootstrap=200)
    assert f["score"] == cli["score"] and f["drivers"] == cli["drivers"]
    assert f["score"]["kind"] == "csat" and f["score"]["bootstrap_samples"] == 200
    # Leave-one-out computed directly in pandas on the same analyses.
    csat = lambda d: 100.0 * (d["Rating"] >= 4).sum() / len(d)  # noqa: E731
    for d in f["drivers"][:5]:
        has = frame["themes"].map(lambda ts: d["theme"] in ts)
        assert d["impact"] == pytest.approx(csat(df) - csat(df[~has.to_numpy()]), abs=1e-3)
        assert d["ci_low"] <= d["impact"] <= d["ci_high"]
    with pytest.raises(ValueError, match="pass aggregate= too"):
        vp.analyze_frame(df.head(3), text_col="Review Text", score_col="Rating")


def test_scores_and_values_through_add_and_add_many(analyzer):
    texts = ["the fee was wrong", "love the app", "slow delivery", "the fee again", "fine app",
             "I will cancel my account, the fee is a scam", "charged a fee twice"]
    analyses = analyzer.analyze_many(texts)
    one = voc.Aggregate()
    for a, s, v in zip(analyses, [2, "great", None, "1", 5.0, float("nan"), pd.NA],
                       ["100", 5, None, "-3", 7.5, 800, "n/a"]):
        one.add(a, score=s, value=v)
    many = voc.Aggregate()
    many.add_many(analyses, scores=[2, "great", None, "1", 5.0, float("nan"), pd.NA],
                  values=pd.Series(["100", 5, None, "-3", 7.5, 800, "n/a"]))
    assert one.serialize() == many.serialize()
    with pytest.warns(UserWarning, match=r"1 records had a score that is not a number"):
        f = voc.detect_findings(many)
    s = f["score"]
    assert s["from_sentiment"] is False and s["name"] == "score"
    assert (s["n"], s["invalid"]) == (3, 1)  # 2, 1, 5; "great" counted; blanks skipped
    assert s["kind"] == "csat"  # auto: integers 1..5
    assert s["score"] == pytest.approx(100.0 / 3, abs=1e-3)  # one answer of 3 is 4-5
    with pytest.warns(UserWarning, match="1 records had a stars that is not a number"):
        named = voc.detect_findings(many, score_col="stars", score_kind="mean")
    assert named["score"]["name"] == "stars"
    assert named["score"]["score"] == pytest.approx((2 + 1 + 5) / 3, abs=1e-4)
    # Numeric arrays (NaN: no value) give the same as the cells.
    import numpy as np
    arr = voc.Aggregate()
    arr.add_many(analyses, scores=np.array([2, np.nan, np.nan, 1, 5, np.nan, np.nan]))
    assert voc.detect_findings(arr)["score"]["n"] == 3
    with pytest.raises(ValueError, match="scores has 2 values for 7 rows"):
        voc.Aggregate().add_many(analyses, scores=[1, 2])
    with pytest.raises(TypeError, match="one value per row"):
        voc.Aggregate().add_many(analyses, scores="12345")


def test_money_options_and_their_errors(cfpb_frame):
    df = econ_frame(cfpb_frame, 120)
    agg = vp.aggregate_frame(df, period="month", analyzer=voc.Analyzer(industry="none"),
                             **ECON_COLS)
    plain = voc.detect_findings(agg)
    assert "money" not in plain and all("money" not in x for x in plain["findings"])
    assert plain["score"]["from_sentiment"] is True
    # A bare amount, a dict per channel, and the CLI's text all work.
    flat = voc.detect_findings(agg, cost_per_contact=3)
    by_dict = voc.detect_findings(agg, cost_per_contact={"Web": 3, "Phone": 3, "Email": 3})
    by_text = voc.detect_findings(agg, cost_per_contact="Web=3,Phone=3,Email=3")
    assert flat["money"]["contact_cost"]["amount"] == by_text["money"]["contact_cost"]["amount"]
    assert by_dict["money"]["contact_cost"] == by_text["money"]["contact_cost"]
    both = voc.detect_findings(agg, cost_per_contact=2, cost_per_channel={"Web": 4})
    assert both["money"]["contact_cost"] == voc.detect_findings(
        agg, cost_per_contact="2,Web=4")["money"]["contact_cost"]
    by_cost = voc.detect_findings(agg, cost_per_contact="2,Web=4", rank_by="cost")
    costs = [x["money"]["contact_cost"]["amount"] for x in by_cost["findings"]]
    assert costs == sorted(costs, reverse=True) and by_cost["score"]["rank_by"] == "cost"
    risk = voc.detect_findings(agg, customer_value=1200, currency="USD")
    assert risk["money"]["contact_cost"] is None
    assert risk["money"]["value_at_risk"]["amount"] == \
        1200 * risk["money"]["value_at_risk"]["customers"]
    assert "USD 1,200" in risk["money"]["why"]
    assert voc.findings_options(value_col="ltv").value_per_record is True

    with pytest.raises(ValueError, match=r"cost_per_contact: cost per contact: 'call=cheap' is "
                                         r"not AMOUNT or CHANNEL=AMOUNT with 0 <= AMOUNT <= 1e9"):
        voc.detect_findings(agg, cost_per_contact="call=cheap")
    with pytest.raises(ValueError, match="channel 'Web' given twice"):
        voc.detect_findings(agg, cost_per_contact="Web=1,Web=2")
    with pytest.raises(TypeError, match=r"cost_per_channel 'Web': an amount must be a number"):
        voc.detect_findings(agg, cost_per_contact={"Web": "cheap"})
    with pytest.raises(TypeError, match="give them once"):
        voc.detect_findings(agg, cost_per_contact="Web=1", cost_per_channel={"Phone": 2})
    with pytest.raises(TypeError, match="cost_per_contact: an amount"):
        voc.detect_findings(agg, cost_per_contact=True)
    with pytest.raises(ValueError, match=r"cost_per_contact must be in \[0, 1e9\]"):
        voc.detect_findings(agg, cost_per_contact=-1)
    with pytest.raises(ValueError, match=r"customer_value must be in \[0, 1e9\]"):
        voc.detect_findings(agg, customer_value=-3)
    with pytest.raises(ValueError, match="score_kind: score kind 'stars' is not one of nps, "
                                         "csat, mean, auto"):
        voc.detect_findings(agg, score_kind="stars")
    with pytest.raises(ValueError, match="rank_by: rank-by 'size' is not one of priority, "
                                         "impact, cost"):
        voc.detect_findings(agg, rank_by="size")
    with pytest.raises(ValueError, match="bootstrap_samples"):
        voc.detect_findings(agg, bootstrap=-1)
    with pytest.raises(TypeError, match="give 'score_col' or 'score_name', not both"):
        voc.detect_findings(agg, score_col="a", score_name="b")
    with pytest.raises(TypeError, match="unknown findings option: 'cost'"):
        voc.detect_findings(agg, cost=3)


def test_non_numeric_scores_in_a_frame_are_counted(tmp_path):
    df = pd.DataFrame({"id": ["1", "2", "3", "4", "5"],
                       "text": ["the fee was wrong", "love the app", "slow delivery",
                                "the fee again", "fine app"],
                       "score": ["2", "great", "", "1", "5"]})
    agg = vp.aggregate_frame(df, score_col="score", analyzer=voc.Analyzer())
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        f = voc.detect_findings(agg)
    assert (f["score"]["n"], f["score"]["invalid"]) == (3, 1)
    assert any("1 records had a score that is not a number" in str(w.message) for w in caught)
    if VOC_BIN is not None and VOC_BIN.exists():  # the CLI counts the same
        path = tmp_path / "s.csv"
        df.to_csv(path, index=False)
        cli = cli_findings(tmp_path, path, "--score-col", "score", "--id-col", "id",
                           "--adapt", "off")
        assert cli["score"] == f["score"]
    with pytest.raises(ValueError, match="score column 'stars' not found; columns are: id, text"):
        vp.aggregate_frame(df, score_col="stars")
