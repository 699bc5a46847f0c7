"""pandas helpers: analyse a DataFrame of verbatims, aggregate it, and turn
findings into a DataFrame.

    import pandas as pd, voc, voc.pandas
    df = pd.read_csv("complaints.csv.gz")
    out = voc.pandas.analyze_frame(df, text_col="text", time_col="date",
                                   id_col="id", channel_col="channel")
    agg = voc.pandas.aggregate_frame(df, text_col="text", time_col="date")
    table = voc.pandas.findings_frame(voc.detect_findings(agg))
"""

import pandas as _pd

import voc as _voc_pkg

__all__ = ["FINDING_COLUMNS", "analyze_conversations", "analyze_frame", "aggregate_frame", "findings_frame",
           "frame_records"]


def _column(df, name, what):
    if name is None:
        return None
    if name not in df.columns:
        cols = ", ".join(str(c) for c in df.columns)
        raise ValueError(f"{what} column {name!r} not found; columns are: {cols}")
    return df[name]


def _missing(v):
    if isinstance(v, (str, bytes, list, tuple, dict)):
        return False
    try:
        return bool(_pd.isna(v))
    except (TypeError, ValueError):
        return False


def _text_value(v):
    if isinstance(v, (str, bytes)):
        return v
    if _missing(v):
        return ""
    return str(v)


def _str_value(v):
    if _missing(v):
        return ""
    return str(v)


def frame_records(df, text_col="text", time_col=None, id_col=None, channel_col=None,
                  customer_col=None):
    """Builds one `voc.Record` per row of `df`. Missing texts become "", ids
    come from `id_col`, else an "id" column, else the row's 1-based position
    (as the file reader does); times may be strings (parsed like the CLI does), datetimes or
    Unix seconds."""
    texts = _column(df, text_col, "text")
    if texts is None:
        raise ValueError("text_col is required")
    times = _column(df, time_col, "time")
    if id_col is None and "id" in df.columns:
        id_col = "id"  # as the file reader does
    ids = _column(df, id_col, "id")
    channels = _column(df, channel_col, "channel")
    customers = _column(df, customer_col, "customer")
    stamps = None
    if times is not None:
        stamps = [None if _missing(t) else _voc_pkg._to_unix(t) for t in times.tolist()]
    records = []
    Record = _voc_pkg.Record
    for i, text in enumerate(texts.tolist()):
        records.append(Record(
            _text_value(text),
            id=_str_value(ids.iat[i]) if ids is not None else str(i + 1),
            timestamp=stamps[i] if stamps is not None else None,
            channel=_str_value(channels.iat[i]) if channels is not None else "",
            customer_id=_str_value(customers.iat[i]) if customers is not None else ""))
    return records


def _departments(themes):
    seen = []
    for t in themes:
        d = t["department"]
        if d and d not in seen:
            seen.append(d)
    return seen


def analyze_frame(df, text_col="text", time_col=None, id_col=None, channel_col=None,
                  customer_col=None, threads=0, analyzer=None, aggregate=None):
    """Analyses every row of `df` (on `threads` threads, 0: all cores) and
    returns a DataFrame with one row per input row, on the same index:
    id, timestamp (UTC, NaT when none), channel, customer_id, language
    (ISO 639-1 or "und"), label, score,
    confidence, themes (list of ids), departments (list), roles (list),
    signals (list of names), unclassified, emotion_intensity, profanity,
    redactions (dict kind -> count), invalid_utf8 and text (normalised and
    redacted). With `aggregate`, every analysis is also added to it."""
    analyzer = analyzer or _voc_pkg.default_analyzer()
    records = frame_records(df, text_col, time_col, id_col, channel_col, customer_col)
    analyses = analyzer.analyze_many(records, threads=threads)
    if aggregate is not None:
        aggregate.add_many(analyses)
    rows = []
    for a in analyses:
        themes = a.themes
        signals = []
        for s in a.signals:
            if s["signal"] not in signals:
                signals.append(s["signal"])
        rows.append({
            "id": a.id,
            "timestamp": a.timestamp,
            "channel": a.channel,
            "customer_id": a.customer_id,
            "language": a.language,
            "label": a.label,
            "score": a.score,
            "confidence": a.confidence,
            "themes": [t["id"] for t in themes],
            "departments": _departments(themes),
            "roles": [t["role"] for t in themes],
            "signals": signals,
            "unclassified": a.unclassified,
            "emotion_intensity": a.emotion_intensity,
            "profanity": a.profanity,
            "redactions": a.redactions,
            "invalid_utf8": a.invalid_utf8,
            "text": a.text,
        })
    columns = ["id", "timestamp", "channel", "customer_id", "language", "label", "score", "confidence",
               "themes", "departments", "roles", "signals", "unclassified",
               "emotion_intensity", "profanity", "redactions", "invalid_utf8", "text"]
    out = _pd.DataFrame(rows, columns=columns, index=df.index)
    out["timestamp"] = _pd.to_datetime(out["timestamp"], unit="s", utc=True)
    return out


def aggregate_frame(df, text_col="text", time_col=None, id_col=None, channel_col=None,
                    customer_col=None, period="week", threads=0, analyzer=None,
                    aggregate_options=None):
    """Analyses every row of `df` into a new `voc.Aggregate` (periods of
    `period`; `aggregate_options` is a dict of the other Aggregate options)."""
    analyzer = analyzer or _voc_pkg.default_analyzer()
    agg = _voc_pkg.Aggregate(period, **(aggregate_options or {}))
    records = frame_records(df, text_col, time_col, id_col, channel_col, customer_col)
    agg.add_many(analyzer.analyze_many(records, threads=threads))
    return agg


_SIGNALS = ["repeat_contact", "effort", "avoidable_contact", "churn_risk",
            "expectation_mismatch", "urgency_safety"]
_PARTS = ["volume", "persistence", "negativity", "signals", "growth"]
FINDING_COLUMNS = (
    ["rank", "theme", "status", "priority"] + [f"priority_{p}" for p in _PARTS]
    + ["escalated", "department", "role", "volume", "share", "persistence", "trend",
       "trend_slope", "share_negative", "mean_score"] + _SIGNALS
    + ["repeat_customers", "channels", "status_reason", "next_step", "evidence"])


def _finding_row(f):
    parts = {p["name"]: p["points"] for p in f["priority"]["parts"]}
    row = {
        "rank": f["rank"], "theme": f["theme"], "status": f["status"],
        "priority": f["priority"]["score"],
    }
    for p in _PARTS:
        row[f"priority_{p}"] = parts.get(p, 0.0)
    row.update({
        "escalated": f["escalation"]["escalated"], "department": f["department"],
        "role": f["role"], "volume": f["volume"], "share": f["share"],
        "persistence": f["persistence"], "trend": f["trend"]["direction"],
        "trend_slope": f["trend"]["slope"],
        "share_negative": f["sentiment"]["share_negative"],
        "mean_score": f["sentiment"]["mean_score"],
    })
    for s in _SIGNALS:
        row[s] = f["signals"].get(s, {}).get("share", 0.0)
    row.update({
        "repeat_customers": f["repeat_customers"]["repeat"],
        "channels": [c["channel"] for c in f["channels"]],
        "status_reason": f["status_reason"], "next_step": f["next_step"],
        "evidence": f["evidence"][0]["text"] if f["evidence"] else "",
    })
    return row


def findings_frame(findings):
    """One row per finding of a `voc.Findings` (or its dict), highest
    priority first, with the columns of the CSV report (`FINDING_COLUMNS`):
    rank, theme, status, priority and its five parts, escalated, department,
    role, volume, share, persistence, trend, trend_slope, share_negative,
    mean_score, the share of each CX signal, repeat_customers, channels (a
    list), status_reason, next_step and evidence (the first quote's redacted
    text). Numbers keep full precision (the CSV rounds them)."""
    rows = [_finding_row(f) for f in findings.get("findings", [])]
    return _pd.DataFrame(rows, columns=FINDING_COLUMNS)


def analyze_conversations(data, conversation_col="conversation_id", speaker_col="speaker",
                          text_col="text", speaker_map=None, threads=0, analyzer=None,
                          aggregate=None):
    """Analyses conversations per speaker. `data` is a DataFrame with one row
    per turn (columns `conversation_col`, `speaker_col`, `text_col`; turns in
    row order), or one conversation as a list of (speaker, text). Returns a
    DataFrame with one row per conversation: id, customer_turns, agent_turns,
    label, score (the customer's turns only), themes, departments, signals,
    sentiment_start, sentiment_end, sentiment_change, trend, resolution,
    right_first_time, transfers, holds, repeats, supervisor, recontact,
    agent_behaviours (list of names), text (the customer's turns, redacted)
    and analysis (the full dict, as `voc analyze` writes it). With
    `aggregate`, each conversation's customer analysis is added to it once."""
    analyzer = analyzer or _voc_pkg.default_analyzer()
    if isinstance(data, _pd.DataFrame):
        conv = _column(data, conversation_col, "conversation")
        spk = _column(data, speaker_col, "speaker")
        txt = _column(data, text_col, "text")
        order, turns = [], {}
        for c, s, t in zip(conv, spk, txt):
            key = str(c)
            if key not in turns:
                order.append(key)
                turns[key] = []
            turns[key].append((_str_value(s), _text_value(t)))
        items = [(k, turns[k]) for k in order]
    else:
        items = [("1", [(s, t) for s, t in data])]
    results = analyzer.analyze_conversations(items, speaker_map=speaker_map, threads=threads)
    if aggregate is not None:
        aggregate.add_many([a for a, _ in results])
    rows = []
    for a, d in results:
        c = d["conversation"]
        tr = c["trajectory"]
        signals = []
        for s in a.signals:
            if s["signal"] not in signals:
                signals.append(s["signal"])
        behaviours = []
        for b in c["agent_behaviours"]:
            if b["behaviour"] not in behaviours:
                behaviours.append(b["behaviour"])
        st = c["structure"]
        rows.append({
            "id": a.id, "customer_turns": c["customer_turns"], "agent_turns": c["agent_turns"],
            "label": a.label, "score": a.score, "themes": [t["id"] for t in a.themes],
            "departments": _departments(a.themes), "signals": signals,
            "sentiment_start": tr["start"], "sentiment_end": tr["end"],
            "sentiment_change": tr["change"], "trend": tr["trend"],
            "resolution": c["resolution"]["status"], "right_first_time": c["right_first_time"],
            "transfers": len(st["transfers"]), "holds": len(st["holds"]),
            "repeats": len(st["repeats"]), "supervisor": len(st["supervisor"]),
            "recontact": len(st["recontact"]), "agent_behaviours": behaviours,
            "text": a.text, "analysis": d,
        })
    columns = ["id", "customer_turns", "agent_turns", "label", "score", "themes", "departments",
               "signals", "sentiment_start", "sentiment_end", "sentiment_change", "trend",
               "resolution", "right_first_time", "transfers", "holds", "repeats", "supervisor",
               "recontact", "agent_behaviours", "text", "analysis"]
    return _pd.DataFrame(rows, columns=columns)
