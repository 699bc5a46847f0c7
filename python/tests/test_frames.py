"""voc.pandas inputs, errors and tidy frames: errors=, missing=, Series and
lists, explode_themes, findings_series, rejects."""
import warnings

import numpy as np
import pandas as pd
import pytest

import voc
import voc.pandas as vp


def test_bad_timestamp_raises_with_row_and_value(analyzer):
    df = pd.DataFrame({"text": ["a", "b", "c"], "d": ["2015-04-22", "22-04-15", "nope"]},
                      index=["x", "y", "z"])
    with pytest.raises(ValueError, match=r"cannot read '22-04-15' in row 2 \(index 'y'\)"):
        vp.analyze_frame(df, time_col="d", analyzer=analyzer)


def test_bad_timestamps_coerced_to_undated_and_listed(analyzer):
    df = pd.DataFrame({"text": ["a", "b", "c"], "d": ["2015-04-22", "22-04-15", "nope"]})
    out = vp.analyze_frame(df, time_col="d", errors="coerce", analyzer=analyzer)
    assert len(out) == 3
    assert out["timestamp"].iloc[0] == pd.Timestamp("2015-04-22", tz="UTC")
    assert out["timestamp"].iloc[1:].isna().all()
    r = vp.rejects(out)
    assert list(r["row"]) == [2, 3] and list(r["value"]) == ["22-04-15", "nope"]
    assert (r["reason"] == "unparsable timestamp, made undated").all()
    with pytest.raises(ValueError, match="errors must be one of"):
        vp.analyze_frame(df, time_col="d", errors="ignore", analyzer=analyzer)


def test_missing_texts_rejected_by_default_with_a_warning(analyzer):
    df = pd.DataFrame({"text": ["late parcel", None, np.nan, "refund please"]},
                      index=[5, 6, 7, 8])
    with pytest.warns(RuntimeWarning, match=r"2 of 4 rows have no text .* first row 2 \(index 6\)"):
        out = vp.analyze_frame(df, analyzer=analyzer)
    assert list(out.index) == [5, 8]
    assert list(out["id"]) == ["1", "4"]  # positions in the input, as the file reader numbers
    r = vp.rejects(out)
    assert list(r["row"]) == [2, 3] and list(r["index"]) == [6, 7]
    assert (r["reason"] == "missing text (NaN/None)").all()


def test_missing_text_options(analyzer):
    df = pd.DataFrame({"text": ["late parcel", None]})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        skipped = vp.analyze_frame(df, missing="skip", analyzer=analyzer)
    assert list(skipped.index) == [0] and len(vp.rejects(skipped)) == 1
    empty = vp.analyze_frame(df, missing="empty", analyzer=analyzer)
    assert list(empty.index) == [0, 1] and empty.loc[1, "text"] == ""
    assert vp.rejects(empty).empty
    with pytest.raises(ValueError, match=r"missing text \(NaN/None\) in row 2 \(index 1\)"):
        vp.analyze_frame(df, missing="raise", analyzer=analyzer)
    with pytest.raises(ValueError, match="missing must be one of"):
        vp.analyze_frame(df, missing="drop", analyzer=analyzer)
    agg = vp.aggregate_frame(df, missing="skip", analyzer=analyzer)
    assert agg.records == 1 and list(vp.rejects(agg)["row"]) == [2]


def test_series_and_lists_are_accepted(analyzer):
    texts = ["Charged twice!", "great help, thanks"]
    from_list = vp.analyze_frame(texts, analyzer=analyzer)
    s = pd.Series(texts, index=[3, 4], name="body")
    from_series = vp.analyze_frame(s, analyzer=analyzer)
    assert list(from_series.index) == [3, 4]
    assert list(from_list["label"]) == list(from_series["label"])
    assert list(from_list["text"]) == [analyzer.analyze(t).text for t in texts]
    df = pd.DataFrame({"x": [1, 2]}, index=[3, 4])
    cols = vp.analyze_frame(df, text_col=s, time_col=["2024-01-01", "2024-01-08"],
                            id_col=pd.Series(["a", "b"]), analyzer=analyzer)
    assert list(cols["id"]) == ["a", "b"]
    assert cols["timestamp"].iloc[1] == pd.Timestamp("2024-01-08", tz="UTC")
    with pytest.raises(ValueError, match="time column has 1 values for 2 rows"):
        vp.analyze_frame(df, text_col=s, time_col=["2024-01-01"], analyzer=analyzer)
    with pytest.raises(TypeError, match="not one str"):
        vp.analyze_frame("Charged twice!", analyzer=analyzer)


def test_bytes_ids_and_channels_are_decoded(analyzer):
    df = pd.DataFrame({"text": ["late"], "id": [b"r\xc3\xa9f-1"], "ch": [b"email"]})
    out = vp.analyze_frame(df, channel_col="ch", analyzer=analyzer)
    assert out["id"].iloc[0] == "réf-1" and out["channel"].iloc[0] == "email"


def test_frame_columns_equal_the_analyses(cfpb_frame, cfpb_analyses, analyzer):
    out = vp.analyze_frame(cfpb_frame, time_col="date", channel_col="channel", analyzer=analyzer,
                           threads=2)
    assert list(out.columns) == vp.ANALYSIS_COLUMNS
    assert out["score"].dtype == np.float64 and out["unclassified"].dtype == bool
    assert str(out["timestamp"].dtype) == "datetime64[ns, UTC]"
    for i in (0, 17, 123, 499):
        a = cfpb_analyses[i]
        row = out.iloc[i]
        assert row["id"] == a.id and row["text"] == a.text and row["label"] == a.label
        assert row["score"] == a.score and row["confidence"] == a.confidence
        assert row["themes"] == [t["id"] for t in a.themes]
        assert row["theme_confidence"] == [t["confidence"] for t in a.themes]
        assert row["theme_source"] == [t["source"] for t in a.themes]
        assert row["theme_department"] == [t["department"] for t in a.themes]
        assert row["theme_evidence"] == [t["evidence"][0]["text"] if t["evidence"] else ""
                                         for t in a.themes]
        assert row["roles"] == [t["role"] for t in a.themes]
        assert row["redactions"] == a.redactions
        assert row["unclassified"] == a.unclassified
        assert row["timestamp"] == pd.Timestamp(a.timestamp, unit="s", tz="UTC")


def test_explode_themes(cfpb_frame, analyzer):
    out = vp.analyze_frame(cfpb_frame.head(60), time_col="date", analyzer=analyzer)
    long = vp.explode_themes(out)
    assert list(long.columns) == ["id", "timestamp", "theme", "confidence", "source",
                                  "source_name", "department", "role", "evidence", "label", "score"]
    assert len(long) == out["themes"].map(len).sum() > 0
    assert set(long.index) == set(out.index[out["themes"].map(len) > 0])
    assert set(long["source"]) <= {"rule", "model", "adapted", "discovered"}
    assert long["confidence"].between(0, 1).all()
    first = out.index[out["themes"].map(len) > 0][0]
    assert list(long.loc[[first], "theme"]) == out.loc[first, "themes"]
    for _, r in long[long["evidence"] != ""].head(20).iterrows():
        assert r["evidence"] in out.loc[out["id"] == r["id"], "text"].iloc[0]
    with pytest.raises(ValueError, match="not an analyze_frame result"):
        vp.explode_themes(pd.DataFrame({"x": [1]}))


def test_findings_series_and_period_starts(cfpb_frame, analyzer):
    agg = vp.aggregate_frame(cfpb_frame, time_col="date", period="week", analyzer=analyzer)
    f = voc.detect_findings(agg)
    s = vp.findings_series(f)
    assert list(s.columns) == vp.SERIES_COLUMNS
    assert str(s["period"].dtype) == "datetime64[ns]"
    assert len(s) == sum(len(x["series"]) for x in f["findings"])
    assert (s["period"].dt.dayofweek == 0).all()  # ISO weeks start on Monday
    first = f["findings"][0]
    mine = s[s["theme"] == first["theme"]]
    assert list(mine["count"]) == [p["count"] for p in first["series"]]
    assert list(mine["period_label"]) == [p["period"] for p in first["series"]]
    w = vp.window_frame(f)
    assert list(w["period_label"]) == f["window"]["periods"]
    assert vp.period_start("2015-W26") == pd.Timestamp("2015-06-22")
    assert vp.period_start("2015-06") == pd.Timestamp("2015-06-01")
    assert vp.period_start("2015-06-23") == pd.Timestamp("2015-06-23")
    with pytest.raises(ValueError, match="not a period label"):
        vp.period_start("2015-13")


def test_read_frame_reads_and_rejects_as_the_cli_does(tmp_path, analyzer):
    path = tmp_path / "in.csv"
    path.write_text("id,date,via,text,stars\n"
                    "a,2024-01-02,email,late parcel again,2\n"
                    "b,22-04-15,call,refund please,1\n"
                    "c,,chat,great help,5\n", encoding="utf-8")
    df = vp.read_frame(path, time_col="date", channel_col="via")
    assert list(df["id"]) == ["a", "c"] and list(df["channel"]) == ["email", "chat"]
    assert df["timestamp"].iloc[0] == pd.Timestamp("2024-01-02", tz="UTC")
    assert pd.isna(df["timestamp"].iloc[1])
    assert list(df["stars"]) == ["2", "5"]
    r = vp.rejects(df)
    assert list(r["row"]) == [2] and list(r["line"]) == [3]
    assert "22-04-15" in r["reason"].iloc[0] and r["value"].iloc[0].startswith("b,22-04-15")
    out = vp.analyze_frame(df, time_col="timestamp", channel_col="channel", analyzer=analyzer)
    assert list(out["text"]) == [analyzer.analyze(t).text for t in df["text"]]
    recs = voc.read_records(path.read_bytes(), time_col="date")
    assert len(recs) == 2 and recs.stats["rejected"] == 1 and recs.rejects[0]["line"] == 3
    with pytest.raises(ValueError, match="time column 'when' not found"):
        voc.read_records(path, time_col="when")
    with pytest.raises(FileNotFoundError):
        voc.read_records(tmp_path / "nope.csv")
