"""voc.pandas: analyze_frame, aggregate_frame, findings_frame."""
import pandas as pd
import pytest

import voc
import voc.pandas as vp


def test_analyze_frame_rows(analyzer):
    df = pd.DataFrame({
        "body": ["Charged twice, third time I call! 😡", None, "Colis arrivé en retard à Tōkyō",
                 "thanks, great help"],
        "when": ["2024-02-13", "", "2024-02-14T08:00:00+01:00", None],
        "ref": ["a", "b", "c", "d"],
        "via": ["call", "email", None, "chat"],
        "who": ["c1", "c1", "c2", ""],
    }, index=[10, 11, 12, 13])
    out = vp.analyze_frame(df, text_col="body", time_col="when", id_col="ref",
                           channel_col="via", customer_col="who", threads=2, analyzer=analyzer,
                           missing="empty")
    assert list(out.index) == [10, 11, 12, 13]
    assert list(out["id"]) == ["a", "b", "c", "d"]
    assert list(out["channel"]) == ["call", "email", "", "chat"]
    assert out.loc[10, "timestamp"] == pd.Timestamp("2024-02-13", tz="UTC")
    assert out.loc[12, "timestamp"] == pd.Timestamp("2024-02-14T07:00:00", tz="UTC")
    assert pd.isna(out.loc[11, "timestamp"]) and pd.isna(out.loc[13, "timestamp"])
    assert out.loc[10, "label"] == "negative" and out.loc[13, "label"] == "positive"
    assert out.loc[11, "text"] == "" and out.loc[11, "unclassified"]
    assert isinstance(out.loc[10, "themes"], list) and out.loc[10, "themes"]
    assert "repeat_contact" in out.loc[10, "signals"]
    assert out.loc[10, "departments"]
    a = analyzer.analyze(df.loc[12, "body"])
    assert out.loc[12, "text"] == a.text and out.loc[12, "score"] == a.score


def test_analyze_frame_datetimes_and_default_ids(analyzer):
    df = pd.DataFrame({"text": ["late parcel", "refund please"],
                       "t": pd.to_datetime(["2024-01-01 12:00", None])})
    out = vp.analyze_frame(df, time_col="t", analyzer=analyzer)
    assert list(out["id"]) == ["1", "2"]
    assert out["timestamp"].iloc[0] == pd.Timestamp("2024-01-01 12:00", tz="UTC")
    assert pd.isna(out["timestamp"].iloc[1])
    empty = vp.analyze_frame(df.iloc[0:0], analyzer=analyzer)
    assert len(empty) == 0 and "label" in empty.columns


def test_analyze_frame_errors(analyzer):
    df = pd.DataFrame({"text": ["x"]})
    with pytest.raises(ValueError, match="text column 'body' not found; columns are: text"):
        vp.analyze_frame(df, text_col="body", analyzer=analyzer)
    with pytest.raises(ValueError, match="time column 'when' not found"):
        vp.analyze_frame(df, time_col="when", analyzer=analyzer)
    with pytest.raises(ValueError, match="bad-date"):
        vp.analyze_frame(pd.DataFrame({"text": ["x"], "d": ["bad-date"]}), time_col="d",
                         analyzer=analyzer)


def test_aggregate_frame_and_findings_frame(cfpb_frame, cfpb_analyses, analyzer):
    agg = vp.aggregate_frame(cfpb_frame, text_col="text", time_col="date", id_col="id",
                             channel_col="channel", period="month", analyzer=analyzer)
    direct = voc.Aggregate("month")
    direct.add_many(cfpb_analyses)
    assert agg.serialize() == direct.serialize()
    into = voc.Aggregate("month")
    vp.analyze_frame(cfpb_frame, time_col="date", channel_col="channel", analyzer=analyzer,
                     aggregate=into)
    assert into.serialize() == direct.serialize()  # "id" column used by default
    f = voc.detect_findings(agg)
    table = vp.findings_frame(f)
    assert list(table.columns) == vp.FINDING_COLUMNS
    assert len(table) == len(f["findings"])
    assert list(table["theme"]) == [x["theme"] for x in f["findings"]]
    assert list(table["rank"]) == list(range(1, len(table) + 1))
    header = f.to_csv().split("\r\n")[0].split(",")
    assert header == vp.FINDING_COLUMNS
    assert table["priority"].is_monotonic_decreasing
    assert vp.findings_frame({"findings": []}).empty
