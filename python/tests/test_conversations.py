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
