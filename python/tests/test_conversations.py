"""Conversations from Python: per-speaker analysis, DataFrame and list input,
roles, errors, offsets as str indices, privacy, one count per conversation."""
import pandas as pd
import pytest

import voc
import voc.pandas as vp

TURNS = [
    ("agent", "Thanks for calling, how can I help?"),
    ("caller", "There is an unexpected fee on my bill, mail me at jane.doe@example.com — merci."),
    ("agent", "I'm so sorry, I understand. I've refunded the fee."),
    ("caller", "Thanks, perfect."),
]


def test_list_of_turns(analyzer):
    df = vp.analyze_conversations(TURNS, analyzer=analyzer)
    assert len(df) == 1
    row = df.iloc[0]
    assert row.customer_turns == 2 and row.agent_turns == 2
    assert any(t.startswith("billing") for t in row.themes)
    assert row.resolution == "resolved"
    assert "apology" in row.agent_behaviours and "empathy" in row.agent_behaviours
    assert "sorry" not in row.text and "jane.doe" not in row.text
    d = row.analysis
    assert "jane.doe" not in str(d)
    turns = d["conversation"]["turns"]
    for e in d["conversation"]["evidence"]:  # str indices, past the non-ASCII dash
        assert turns[e["turn"]]["text"][e["begin"]:e["end"]] == e["text"]
    for t in d["themes"]:
        for e in t["evidence"]:
            assert d["text"][e["begin"]:e["end"]] == e["text"]


def test_frame_and_aggregate(analyzer):
    rows = []
    for cid in ("a", "b"):
        for s, t in TURNS:
            rows.append({"call": cid, "who": s, "said": t})
    rows.append({"call": "c", "who": "spk_0", "said": "my parcel is late"})
    frame = pd.DataFrame(rows)
    with pytest.raises(ValueError, match="unknown speaker 'spk_0'"):
        vp.analyze_conversations(frame, "call", "who", "said", analyzer=analyzer)
    agg = voc.Aggregate(period="week")
    df = vp.analyze_conversations(frame, "call", "who", "said", speaker_map="spk_0=customer",
                                  analyzer=analyzer, aggregate=agg)
    assert list(df.id) == ["a", "b", "c"]
    assert df.iloc[2].customer_turns == 1 and df.iloc[2].agent_turns == 0
    assert agg.records == 3  # one per conversation, not per turn
    with pytest.raises(ValueError, match="column 'nope' not found"):
        vp.analyze_conversations(frame, "nope", analyzer=analyzer)
    with pytest.raises(ValueError, match="bad speaker map entry"):
        vp.analyze_conversations(frame, "call", "who", "said", speaker_map="x=boss",
                                 analyzer=analyzer)


STUCK = [
    ("customer", "There is an unexpected fee on my bill again."),
    ("agent", "Let me transfer you to billing."),
    ("customer", "It is still not fixed, this is unacceptable."),
]


def _frame(weeks=6, per_week=4):
    rows = []
    for w in range(weeks):
        for k in range(per_week):
            cid = f"w{w}k{k}"
            day = pd.Timestamp("2024-01-01", tz="UTC") + pd.Timedelta(days=7 * w + k)
            for i, (s, t) in enumerate(TURNS if k % 2 == 0 else STUCK):
                rows.append({"call": cid, "who": s, "said": t, "started": day if i == 0 else None,
                             "line": "phone" if i == 0 else None, "cust": f"u{k}",
                             "at": day + pd.Timedelta(minutes=i)})
    return pd.DataFrame(rows)


def test_frame_with_times_channels_customers_makes_findings_over_time(analyzer):
    frame = _frame()
    agg = voc.Aggregate(period="week")
    df = vp.analyze_conversations(frame, "call", "who", "said", time_col="started",
                                  channel_col="line", customer_col="cust", analyzer=analyzer,
                                  aggregate=agg)
    assert len(df) == 24 and agg.records == 24 and agg.conversations == 24
    assert agg.undated == 0
    assert df.timestamp.iloc[0] == pd.Timestamp("2024-01-01", tz="UTC")
    assert set(df.channel) == {"phone"}
    assert df.analysis.iloc[0]["customer_id"] not in ("", "u0")  # a keyed hash, not the id
    f = voc.detect_findings(agg)
    assert len(f["window"]["periods"]) == 6
    assert f["conversations"]["conversations"] == 24
    assert f["conversations"]["share_resolved"] == 0.5
    assert f["conversations"]["transfers_per_conversation"] == 0.5
    billing = [x for x in f["findings"] if x["theme"].startswith("billing") and "conversations" in x]
    assert billing and billing[0]["conversations"]["conversations"] == 24
    assert billing[0]["repeat_customers"]["customers"] > 0
    assert "share_resolved" in f.to_csv().splitlines()[0]
    assert "<th>Conversations</th>" in f.to_html()
    ff = vp.findings_frame(f)
    row = ff[ff.theme == billing[0]["theme"]].iloc[0]
    assert row.conversations == 24 and row.share_resolved == 0.5
    assert row.right_first_time == billing[0]["conversations"]["right_first_time"]
    assert list(ff.columns[-7:]) == vp.CONVERSATION_COLUMNS + ["evidence"]
    flat = voc.Aggregate(period="week")
    flat.add_many(analyzer.analyze_many(["my bill has an unexpected fee"] * 3))
    assert "share_resolved" not in vp.findings_frame(voc.detect_findings(flat)).columns
    # Saved and read back, the figures stay.
    back = voc.Aggregate.deserialize(agg.serialize())
    assert voc.detect_findings(back)["conversations"] == f["conversations"]

    # Without a conversation time, each turn's time dates its conversation.
    agg2 = voc.Aggregate(period="week")
    df2 = vp.analyze_conversations(frame, "call", "who", "said", turn_time_col="at",
                                   analyzer=analyzer, aggregate=agg2)
    assert agg2.undated == 0 and list(df2.timestamp) == list(df.timestamp)
    turn_times = df2.analysis.iloc[0]["conversation"]["turns"]
    assert turn_times[1]["time"] == "2024-01-01T00:01:00Z"
    # Without any time: undated, one undated count per conversation.
    agg3 = voc.Aggregate(period="week")
    vp.analyze_conversations(frame, "call", "who", "said", analyzer=analyzer, aggregate=agg3)
    assert agg3.undated == 24


def test_tuples_dicts_and_roles(analyzer):
    convs = [
        ("a", TURNS, "2024-03-04T10:00:00Z", "chat", "cust-1"),
        {"id": "b", "time": 1709546400, "channel": "email",
         "turns": [{"speaker": "Jane", "role": "customer", "text": "my parcel never arrived"},
                   {"speaker": "Sam", "role": "agent", "text": "I've sent a new one."}]},
        voc.Conversation("c", [voc.Turn("spk_9", "my card was charged twice", None, "customer")]),
    ]
    agg = voc.Aggregate(period="day")
    out = analyzer.analyze_conversations(convs, aggregate=agg)
    (a, da), (b, db), (c, dc) = out
    assert a.channel == "chat" and da["timestamp"] == "2024-03-04T10:00:00Z"
    assert b.channel == "email" and db["timestamp"] == "2024-03-04T10:00:00Z"
    assert [t["role"] for t in db["conversation"]["turns"]] == ["customer", "agent"]
    assert dc["conversation"]["turns"][0]["role"] == "customer"
    assert agg.conversations == 3 and agg.undated == 1
    with pytest.raises(ValueError, match="unknown role 'boss'"):
        analyzer.analyze_conversations([("x", [("a", "hi", None, "boss")])])
    with pytest.raises(ValueError, match="a turn is"):
        analyzer.analyze_conversations([("x", [("a",)])])
    with pytest.raises(ValueError, match="Unix seconds out of range"):
        analyzer.analyze_conversations([("x", TURNS, 1709546400000)])
    with pytest.raises(TypeError, match="list of conversations"):
        analyzer.analyze_conversations("not a list")


def test_read_conversation_files_with_the_cli_options(analyzer, tmp_path):
    import json
    p = tmp_path / "calls.jsonl"
    lines = [
        {"id": "c1", "time": "2024-03-04T10:00:00Z", "channel": "call", "customer_id": "u1",
         "turns": [{"speaker": s, "text": t} for s, t in TURNS]},
        {"id": "c2", "turns": [{"speaker": "spk_0", "text": "my bill is wrong",
                                "time": "2024-03-05T09:00:00Z"},
                               {"speaker": "spk_1", "text": "Let me check."}]},
        {"id": "c3", "turns": [{"speaker": "customer", "text": "x"}] * 5},
    ]
    p.write_text("\n".join(json.dumps(x) for x in lines) + "\n")
    with pytest.raises(ValueError, match="bad speaker map entry"):
        voc.read_conversations(p, speaker_map="x=boss")
    convs = voc.read_conversations(p, speaker_map="spk_0=customer,spk_1=agent", max_turns=4)
    assert [c.id for c in convs] == ["c1", "c2"]
    assert convs.stats["read"] == 3 and convs.stats["emitted"] == 2 and convs.stats["rejected"] == 1
    assert "more than the limit of 4" in convs.rejects[0]["reason"]
    assert convs[0].time == 1709546400 and convs[0].channel == "call"
    assert convs[1].time == 1709629200  # its first timed turn's
    assert [t.role for t in convs[1].turns] == ["customer", "agent"]
    agg = voc.Aggregate(period="day")
    out = analyzer.analyze_conversations(convs, aggregate=agg)  # roles kept, no map needed
    assert [d["timestamp"] for _, d in out] == ["2024-03-04T10:00:00Z", "2024-03-05T09:00:00Z"]
    assert agg.conversations == 2 and agg.undated == 0
    unknown = voc.read_conversations(p)
    assert [c.id for c in unknown] == ["c1", "c3"]
    assert any("unknown speaker 'spk_0'" in r["reason"] for r in unknown.rejects)
    flat = tmp_path / "flat.jsonl"
    flat.write_text('{"id": 1, "text": "hello"}\n')
    with pytest.raises(ValueError, match="not conversation input"):
        voc.read_conversations(flat)
    assert voc.read_conversations(p, format="conversations", max_turns=5).stats["emitted"] == 2
    # A chat export: one JSON array, [speaker, text] pairs under another name.
    arr = tmp_path / "chats.json"
    arr.write_text(json.dumps([{"convo_id": 7, "original": [["agent", "Hi!"],
                                                             ["customer", "my card was charged twice"]]},
                               {"convo_id": 8, "original": [["customer", "the app is slow"]]}], indent=2))
    for fmt in ("auto", "conversations"):
        convs = voc.read_conversations(arr, format=fmt, id_col="convo_id", turns_col="original")
        assert [c.id for c in convs] == ["7", "8"] and convs.stats["rejected"] == 0
        assert [t.role for t in convs[0].turns] == ["agent", "customer"]
        starts = [i + 1 for i, l in enumerate(arr.read_text().splitlines()) if l == "  {"]
        assert [c.line for c in convs] == starts  # the lines their objects start on
    with pytest.raises(ValueError, match="text column 'text' not found; columns are: convo_id, original"):
        voc.read_conversations(arr)
    with pytest.raises(ValueError, match="turns_col cannot be empty"):
        voc.read_conversations(arr, turns_col="")

    # Transcripts: blank lines and markers end conversations; the marker gives the id.
    t = tmp_path / "calls.txt"
    t.write_text("[00:00:01] Agent: How can I help?\nCaller: my bill is wrong\n"
                 "and too high\n\n== call-2\nCustomer: hello\n\nWizard: hi\n")
    convs = voc.read_conversations(t, format="transcript", transcript_marker="== ")
    assert [c.id for c in convs] == ["1", "call-2"]
    assert "my bill is wrong" in convs[0].turns[1].text
    assert "and too high" in convs[0].turns[1].text
    assert [x.role for x in convs[0].turns] == ["agent", "customer"]
    assert len(convs.rejects) == 1 and "Wizard" in convs.rejects[0]["reason"]
    assert len(voc.read_conversations(t, format="transcript", transcript_marker="== ",
                                      speaker_map="wizard=bot")) == 3

    # Reply threads: a role column, or author ids of the company.
    c = tmp_path / "threads.csv"
    c.write_text("id,in_reply_to,author,who,text,time\n"
                 "1,,cust1,customer,My order never arrived,2024-01-01T10:00:00Z\n"
                 "2,1,BrandCare,brand,Sorry! We have refunded your order.,2024-01-01T10:05:00Z\n"
                 "3,2,cust1,customer,Thanks that works,2024-01-01T11:00:00Z\n"
                 "4,99,cust2,customer,orphan,2024-01-02T10:00:00Z\n")
    for kw in ({"role_col": "who"}, {"author_col": "author", "company_authors": "BrandCare"},
               {"author_col": "author", "company_authors": ["BrandCare", "Other"]}):
        convs = voc.read_conversations(c, parent_col="in_reply_to", time_col="time", **kw)
        assert len(convs) == 1 and convs[0].time == 1704103200
        assert [x.role for x in convs[0].turns] == ["customer", "agent", "customer"]
        assert convs.stats == {"read": 4, "emitted": 3, "rejected": 1, "conversations": 1,
                               "turns": 3}
        assert "missing parent" in convs.rejects[0]["reason"]
    with pytest.raises(ValueError, match="role column"):
        voc.read_conversations(c, parent_col="in_reply_to")
    df = vp.analyze_conversations(convs, analyzer=analyzer)
    assert list(df.id) == ["1"] and df.resolution.iloc[0] == "resolved"
    assert "refunded" not in df.text.iloc[0]
    with pytest.raises(ValueError, match="format must be"):
        voc.read_conversations(c, format="csv")


def test_progress_and_ctrl_c(analyzer):
    import os
    import signal
    import threading
    import time
    convs = [(str(i), TURNS) for i in range(300)]
    seen = []
    out = analyzer.analyze_conversations(convs, threads=2, progress=lambda d, t: seen.append((d, t)))
    assert len(out) == 300 and seen[0] == (0, 300) and seen[-1] == (300, 300)
    if threading.current_thread() is not threading.main_thread():
        return
    many = [(str(i), TURNS) for i in range(20_000)]  # far more than a second of work
    timer = threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGINT))
    timer.start()
    start = time.monotonic()
    try:
        with pytest.raises(KeyboardInterrupt):
            analyzer.analyze_conversations(many, threads=1)
    finally:
        timer.cancel()
    assert time.monotonic() - start < 3.0
