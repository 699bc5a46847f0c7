"""pandas helpers: analyse a DataFrame of verbatims, aggregate it, and turn
findings into a DataFrame.

    import pandas as pd, voc, voc.pandas
    df = pd.read_csv("complaints.csv.gz")
    out = voc.pandas.analyze_frame(df, text_col="text", time_col="date",
                                   id_col="id", channel_col="channel")
    agg = voc.pandas.aggregate_frame(df, text_col="text", time_col="date")
    table = voc.pandas.findings_frame(voc.detect_findings(agg))
"""

import gc as _gc
import warnings as _warnings

import numpy as _np
import pandas as _pd

import voc as _voc_pkg
from voc import _progress

__all__ = ["ANALYSIS_COLUMNS", "CONVERSATION_COLUMNS", "FINDING_COLUMNS", "SERIES_COLUMNS", "analyze_conversations",
           "analyze_frame", "aggregate_frame", "explode_themes", "findings_frame",
           "findings_series", "frame_records", "period_start", "read_frame", "rejects",
           "window_frame", "history_frame", "actions_frame", "HISTORY_COLUMNS", "ACTION_COLUMNS",
           "drivers_frame", "DRIVER_COLUMNS"]

_MISSING_ID = _np.iinfo(_np.int64).min  # "no timestamp" for the native call
_ERRORS = ("raise", "coerce")
_MISSING = ("reject", "skip", "empty", "raise")


def _as_frame(data, text_col):
    """A DataFrame from a DataFrame, a Series or a list of texts (then the
    text column is that data)."""
    if isinstance(data, _pd.DataFrame):
        return data, text_col
    if isinstance(data, _pd.Series):
        name = data.name if data.name is not None else "text"
        return data.to_frame(name), name
    if isinstance(data, (str, bytes)):
        raise TypeError("expected a DataFrame, a Series or a list of texts, not one "
                        f"{type(data).__name__}")
    if isinstance(data, (list, tuple, _np.ndarray)) or hasattr(data, "__iter__"):
        return _pd.DataFrame({"text": list(data)}), "text"
    raise TypeError(f"expected a DataFrame, a Series or a list of texts, "
                    f"got {type(data).__name__}")


def _column(df, spec, what):
    """The column `spec` of `df`: a column name, or a Series / list / array
    as long as `df` (taken in row order); None stays None."""
    if spec is None:
        return None
    if isinstance(spec, _pd.Series):
        if len(spec) != len(df):
            raise ValueError(f"{what} Series has {len(spec)} values for {len(df)} rows")
        return _pd.Series(spec.to_numpy(), index=df.index, name=spec.name)
    if isinstance(spec, (list, tuple, _np.ndarray, _pd.Index)):
        if len(spec) != len(df):
            raise ValueError(f"{what} column has {len(spec)} values for {len(df)} rows")
        return _pd.Series(list(spec) if not isinstance(spec, _np.ndarray) else spec,
                          index=df.index)
    try:
        present = spec in df.columns
    except TypeError:
        present = False
    if not present:
        cols = ", ".join(str(c) for c in df.columns)
        raise ValueError(f"{what} column {spec!r} not found; columns are: {cols}")
    return df[spec]


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
    if isinstance(v, (bytes, bytearray)):
        return bytes(v).decode("utf-8", errors="replace")
    return str(v)


def _where(df, pos):
    """'row 3 (index 'x')': 1-based row position and the frame's label."""
    return f"row {pos + 1} (index {df.index[pos]!r})"


def _stamps(df, times, errors):
    """Unix seconds (int64, _MISSING_ID for none) of a time column, and the
    positions of values that could not be parsed (coerced to none)."""
    bad = []
    if times is None:
        return None, bad
    if _pd.api.types.is_datetime64_any_dtype(times.dtype):  # vectorised
        t = times.dt.tz_convert("UTC") if getattr(times.dt, "tz", None) is not None else times
        ns = t.to_numpy(dtype="datetime64[ns]").astype(_np.int64)
        out = _np.where(ns == _MISSING_ID, _MISSING_ID, ns // 1_000_000_000)
        return out.astype(_np.int64), bad
    out = _np.empty(len(times), dtype=_np.int64)
    parsed = {}  # each distinct string is parsed once
    for pos, v in enumerate(times.tolist()):
        if isinstance(v, str) and v in parsed:
            u = parsed[v]
        elif _missing(v):
            u = None
        else:
            try:
                u = _voc_pkg._to_unix(v)
            except (ValueError, TypeError, OverflowError) as e:
                u = e
            if isinstance(v, str):
                parsed[v] = u
        if isinstance(u, Exception):
            if errors == "raise":
                raise ValueError(f"time column: cannot read {v!r} in {_where(df, pos)}: {u} "
                                 f"(errors='coerce' makes it undated)") from None
            bad.append(pos)
            u = None
        out[pos] = _MISSING_ID if u is None else u
    return out, bad


def _figures(col, keep, what):
    """A score or value column (a Series or None) of the kept rows, for the
    native calls: floats for numeric data, else cells parsed in C++ as the
    CLI parses a field (invalid ones counted in the findings)."""
    if col is None:
        return None
    if keep is not None:
        col = col[keep]
    return _voc_pkg._figure_column(col, len(col), what)


class _Prepared:
    """The columns of a frame as the native call takes them, after the
    missing-text and timestamp policies."""

    def __init__(self, data, text_col, time_col, id_col, channel_col, customer_col, errors,
                 missing, id_offset=0, score_col=None, value_col=None):
        if errors not in _ERRORS:
            raise ValueError(f"errors must be one of {_ERRORS}, got {errors!r}")
        if missing not in _MISSING:
            raise ValueError(f"missing must be one of {_MISSING}, got {missing!r}")
        df, text_col = _as_frame(data, text_col)
        if text_col is None:
            raise ValueError("text_col is required")
        texts = _column(df, text_col, "text")
        times = _column(df, time_col, "time")
        if id_col is None and isinstance(df, _pd.DataFrame) and "id" in df.columns:
            id_col = "id"  # as the file reader does
        ids = _column(df, id_col, "id")
        channels = _column(df, channel_col, "channel")
        customers = _column(df, customer_col, "customer")
        scores = _column(df, score_col, "score")
        values = _column(df, value_col, "value")

        text_list = texts.tolist()
        missing_pos = [i for i, v in enumerate(text_list) if _missing(v)]
        if missing_pos and missing == "raise":
            raise ValueError(f"text column: missing text (NaN/None) in {_where(df, missing_pos[0])}"
                             f" and {len(missing_pos) - 1} more rows (missing='reject' or 'skip' "
                             f"leaves them out, 'empty' analyses them as \"\")")
        stamps, bad_times = _stamps(df, times, errors)
        keep = None
        if missing_pos and missing in ("reject", "skip"):
            keep = _np.ones(len(text_list), dtype=bool)
            keep[missing_pos] = False
        self.frame = df
        self.index = df.index if keep is None else df.index[keep]
        self.keep = keep
        self.missing_pos = missing_pos
        self.bad_times = bad_times
        self.time_values = times

        def pick(col, conv):
            if col is None:
                return None
            vals = col.tolist()
            if keep is not None:
                vals = [v for v, k in zip(vals, keep) if k]
            return [conv(v) for v in vals]

        self.texts = pick(texts, _text_value)
        self.ids = pick(ids, _str_value)
        self.channels = pick(channels, _str_value)
        self.customers = pick(customers, _str_value)
        self.scores = _figures(scores, keep, "score column")
        self.values = _figures(values, keep, "value column")
        if stamps is not None and keep is not None:
            stamps = stamps[keep]
        self.stamps = stamps
        self.id_offset = id_offset
        if ids is None:
            # Without ids, rows are numbered by their 1-based position in the
            # frame (as the file reader does), skipped rows included.
            self.ids = None
            if keep is not None:
                pos = _np.flatnonzero(keep) + 1 + id_offset
                self.ids = [str(p) for p in pos.tolist()]

    def rejects(self, text_col_values=None):
        """The rejected rows: row (1-based), index, reason, value."""
        rows = []
        if self.keep is not None:
            for pos in self.missing_pos:
                rows.append((pos + 1, self.frame.index[pos], "missing text (NaN/None)", None))
        for pos in self.bad_times:
            rows.append((pos + 1, self.frame.index[pos], "unparsable timestamp, made undated",
                         self.time_values.iat[pos]))
        rows.sort(key=lambda r: r[0])
        return _pd.DataFrame(rows, columns=["row", "index", "reason", "value"])

    def report(self, missing):
        n_missing = len(self.missing_pos)
        if n_missing and missing == "reject":
            _warnings.warn(f"voc: {n_missing} of {len(self.frame)} rows have no text (NaN/None) and "
                           f"were left out, first {_where(self.frame, self.missing_pos[0])}; "
                           f"voc.pandas.rejects(result) lists them", RuntimeWarning, stacklevel=3)

    def run(self, analyzer, threads, aggregate, columns, progress, desc):
        """Analyses the prepared rows in chunks; returns the result columns."""
        if getattr(analyzer, "_pending_sample", False) and self.texts:
            # industry "auto": the packs the first 1,000 texts show, as the
            # CLI and analyze_many choose them.
            analyzer._sample_industries(self.texts[:1000])
        native = analyzer._native
        parts = []
        agg = aggregate if aggregate is not None else None

        def work(begin, end):
            parts.append(native.analyze_columns(
                self.texts, self.ids, self.stamps, self.channels, self.customers, begin, end,
                threads, agg, columns, self.id_offset, scores=self.scores, values=self.values))

        _progress.run_chunks(len(self.texts), work, progress, desc)
        return parts


def frame_records(df, text_col="text", time_col=None, id_col=None, channel_col=None,
                  customer_col=None, errors="raise", missing="empty"):
    """Builds one `voc.Record` per row of `df` (a DataFrame, a Series or a
    list of texts). Ids come from `id_col`, else an "id" column, else the
    row's 1-based position (as the file reader does); times may be strings
    (parsed like the CLI does), datetimes or Unix seconds. `errors` and
    `missing` are those of `analyze_frame` (missing texts become "" by
    default here)."""
    p = _Prepared(df, text_col, time_col, id_col, channel_col, customer_col, errors, missing)
    Record = _voc_pkg.Record
    out = []
    for i, text in enumerate(p.texts):
        stamp = None if p.stamps is None or p.stamps[i] == _MISSING_ID else int(p.stamps[i])
        out.append(Record(
            text,
            id=p.ids[i] if p.ids is not None else str(i + 1),
            timestamp=stamp,
            channel=p.channels[i] if p.channels is not None else "",
            customer_id=p.customers[i] if p.customers is not None else ""))
    return out


ANALYSIS_COLUMNS = ["id", "timestamp", "channel", "customer_id", "language", "label", "score", "confidence",
                    "themes", "theme_confidence", "theme_source", "theme_department",
                    "theme_evidence", "departments", "roles", "signals", "unclassified",
                    "emotion_intensity", "profanity", "redactions", "invalid_utf8", "text"]
_LIST_COLUMNS = ["text", "id", "language", "label", "themes", "theme_confidence", "theme_source",
                 "theme_department", "theme_evidence", "departments", "roles", "signals",
                 "redactions"]
_ARRAY_COLUMNS = ["score", "confidence", "emotion_intensity", "unclassified", "profanity",
                  "invalid_utf8"]


def _concat(parts, name):
    if name in _ARRAY_COLUMNS:
        return _np.concatenate([p[name] for p in parts]) if parts else _np.empty(0)
    out = []
    for p in parts:
        out.extend(p[name])
    return out


def analyze_frame(df, text_col="text", time_col=None, id_col=None, channel_col=None,
                  customer_col=None, threads=0, analyzer=None, aggregate=None, errors="raise",
                  missing="reject", progress=None, score_col=None, value_col=None):
    """Analyses every row of `df` (a DataFrame, a Series of texts or a list
    of texts) on `threads` threads (0: all cores) and returns a DataFrame on
    the same index: id, timestamp (UTC datetime64, NaT when none), channel,
    customer_id, language (ISO 639-1 or "und"), label ("unscored" for a
    language sentiment does not support, with score NaN), score, confidence, themes (list of ids) with, in the
    same order, theme_confidence, theme_source ("rule:<id>", "model:<name>"
    ...), theme_department and theme_evidence (the first evidence span's
    text), departments (distinct), roles, signals (names), unclassified,
    emotion_intensity, profanity, redactions (dict kind -> count),
    invalid_utf8 and text (normalised and redacted). `explode_themes` turns
    it into one row per theme.

    Columns may be names or Series/lists as long as `df`.
    `errors="raise"` stops at the first unparsable timestamp with its row
    and value; `"coerce"` makes such rows undated (listed by `rejects`).
    `missing` says what becomes of rows whose text is NaN/None: "reject"
    (default: left out with a warning, listed by `rejects(result)`), "skip"
    (left out silently, listed too), "empty" (analysed as ""), "raise".
    With `aggregate`, every analysis is also added to it, with the row's
    score and customer value from `score_col` / `value_col` (see
    `aggregate_frame`). Runs in chunks:
    Ctrl-C interrupts it, `progress=True` draws a bar, a callable gets
    (done, total)."""
    analyzer = analyzer or _voc_pkg.default_analyzer()
    if aggregate is None and (score_col is not None or value_col is not None):
        raise ValueError("score_col and value_col feed an aggregate; pass aggregate= too")
    p = _Prepared(df, text_col, time_col, id_col, channel_col, customer_col, errors, missing,
                  score_col=score_col, value_col=value_col)
    p.report(missing)
    _name_figures(aggregate, score_col, value_col)
    # The result holds millions of new lists and strings that form no
    # cycles: without the cycle collector running over them again and again
    # while they are made, the conversion takes about half the time.
    gc_was_enabled = _gc.isenabled()
    _gc.disable()
    try:
        return _analyze_prepared(p, analyzer, threads, aggregate, progress)
    finally:
        if gc_was_enabled:
            _gc.enable()


def _analyze_prepared(p, analyzer, threads, aggregate, progress):
    parts = p.run(analyzer, threads, aggregate, True, progress, "analyze_frame")
    cols = {name: _concat(parts, name) for name in _LIST_COLUMNS + _ARRAY_COLUMNS}
    del parts
    n = len(p.texts)
    if p.stamps is None:
        cols["timestamp"] = _pd.array(_np.full(n, _np.datetime64("NaT"), "datetime64[ns]"),
                                      dtype="datetime64[ns]")
    else:
        ns = _np.where(p.stamps == _MISSING_ID, _MISSING_ID, p.stamps * 1_000_000_000)
        cols["timestamp"] = _pd.array(ns.astype("datetime64[ns]"), dtype="datetime64[ns]")
    cols["timestamp"] = _pd.DatetimeIndex(cols["timestamp"]).tz_localize("UTC").array
    cols["channel"] = p.channels if p.channels is not None else [""] * n
    cols["customer_id"] = p.customers if p.customers is not None else [""] * n
    out = _pd.DataFrame({c: cols[c] for c in ANALYSIS_COLUMNS}, index=p.index)
    out.attrs["voc_rejects"] = p.rejects()
    return out


def rejects(result):
    """The rows `analyze_frame` / `aggregate_frame` left out or changed: a
    DataFrame with row (1-based position in the input), index (its label),
    reason and value."""
    r = getattr(result, "attrs", {}).get("voc_rejects")
    if r is None:
        r = getattr(result, "rejects", None)
    if r is None:
        return _pd.DataFrame(columns=["row", "index", "reason", "value"])
    return r


def explode_themes(frame):
    """One row per (analysed row, theme) of an `analyze_frame` result, on
    the frame's index (repeated): id, theme, confidence, source ("rule",
    "model", "adapted", "discovered" ...: what assigned it), source_name
    (the rule or model), department, role, evidence, label, score and
    timestamp. Unclassified rows are left out."""
    need = ["themes", "theme_confidence", "theme_source", "theme_department", "theme_evidence",
            "roles"]
    missing = [c for c in need if c not in frame.columns]
    if missing:
        raise ValueError(f"not an analyze_frame result: no {', '.join(missing)} column")
    keep = [c for c in ("id", "timestamp", "label", "score") if c in frame.columns]
    sub = frame.loc[frame["themes"].map(len) > 0, keep + need]
    long = sub.explode(need)
    src = long["theme_source"].astype(str).str.partition(":")
    out = _pd.DataFrame({
        **{c: long[c] for c in ("id", "timestamp") if c in long.columns},
        "theme": long["themes"].astype(object),
        "confidence": long["theme_confidence"].astype(float),
        "source": src[0],
        "source_name": src[2],
        "department": long["theme_department"].astype(object),
        "role": long["roles"].astype(object),
        "evidence": long["theme_evidence"].astype(object),
        **{c: long[c] for c in ("label", "score") if c in long.columns},
    }, index=long.index)
    return out


def _name_figures(aggregate, score_col, value_col):
    """Names the score and value columns on the aggregate, for
    detect_findings (a Series names itself)."""
    if aggregate is None:
        return
    for attr, col in (("score_col", score_col), ("value_col", value_col)):
        if col is None:
            continue
        name = getattr(col, "name", None) if not isinstance(col, str) else col
        setattr(aggregate, attr, str(name) if name is not None else attr[:-4])


def aggregate_frame(df, text_col="text", time_col=None, id_col=None, channel_col=None,
                    customer_col=None, period="week", threads=0, analyzer=None,
                    aggregate_options=None, errors="raise", missing="reject", progress=None,
                    id_offset=0, score_col=None, value_col=None):
    """Analyses every row of `df` into a new `voc.Aggregate` (periods of
    `period`; `aggregate_options` is a dict of the other Aggregate options).
    `errors`, `missing` and `progress` are those of `analyze_frame`; rows
    left out or made undated are in `rejects(aggregate)`. Rows without an id
    are numbered from `id_offset` + 1.

    `score_col`: a score per row (NPS 0-10, CSAT 1-5, stars, any number)
    whose drivers `voc.detect_findings` reports; `value_col`: the
    customer's value (revenue, LTV) for the value at risk; as `voc findings
    --score-col / --value-col` read them. Numbers, or texts parsed as the
    CLI parses a field; a non-numeric score is counted (the findings'
    `score.invalid` and a warning), never an error. The aggregate remembers
    both names and `detect_findings` uses them."""
    analyzer = analyzer or _voc_pkg.default_analyzer()
    agg = _voc_pkg.Aggregate(period, **(aggregate_options or {}))
    p = _Prepared(df, text_col, time_col, id_col, channel_col, customer_col, errors, missing,
                  id_offset=id_offset, score_col=score_col, value_col=value_col)
    p.report(missing)
    _name_figures(agg, score_col, value_col)
    agg.analyzer = analyzer
    p.run(analyzer, threads, agg, False, progress, "aggregate_frame")
    agg.rejects = p.rejects()
    return agg


_SIGNALS = ["repeat_contact", "effort", "avoidable_contact", "churn_risk",
            "expectation_mismatch", "urgency_safety"]
_PARTS = ["volume", "persistence", "negativity", "signals", "growth"]
FINDING_COLUMNS = (
    ["rank", "theme", "status", "priority"] + [f"priority_{p}" for p in _PARTS]
    + ["escalated", "department", "role", "volume", "share", "persistence", "trend",
       "trend_slope", "share_negative", "mean_score"] + _SIGNALS
    + ["repeat_customers", "channels", "status_reason", "next_step"]
    + ["contact_cost", "costly_contacts", "value_at_risk", "customers_at_risk", "money_why",
       "impact", "impact_low", "impact_high", "relative_weight", "impact_why", "evidence"])


# The conversation figures of a finding (conversation input only).
CONVERSATION_COLUMNS = ["conversations", "share_resolved", "share_unresolved",
                        "mean_sentiment_change", "transfers_per_conversation",
                        "right_first_time"]


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
    })
    # Money and score impact: present only when the run asked for them.
    money = f.get("money") or {}
    cost = money.get("contact_cost") or {}
    risk = money.get("value_at_risk") or {}
    impact = f.get("impact") or {}
    valid = bool(impact.get("valid"))
    nan = float("nan")
    row.update({
        "contact_cost": cost.get("amount", nan), "costly_contacts": cost.get("contacts", nan),
        "value_at_risk": risk.get("amount", nan), "customers_at_risk": risk.get("customers", nan),
        "money_why": money.get("why", ""),
        "impact": impact["impact"] if valid else nan,
        "impact_low": impact["ci_low"] if valid else nan,
        "impact_high": impact["ci_high"] if valid else nan,
        "relative_weight": impact["relative_weight"] if valid else nan,
        "impact_why": impact.get("why", ""),
        "evidence": f["evidence"][0]["text"] if f["evidence"] else "",
    })
    return row


DRIVER_COLUMNS = ["theme", "department", "valid", "n", "theme_score", "score_without", "impact",
                  "ci_low", "ci_high", "relative_weight", "why"]


def drivers_frame(findings):
    """The drivers of the score of a `voc.Findings` (or its dict): one row
    per theme with scored records, most negative impact first, with the
    columns `DRIVER_COLUMNS`: theme, department, valid, n (scored records of
    the theme), theme_score, score_without, impact (score of all records
    minus score without the theme), ci_low / ci_high (95% bootstrap
    interval), relative_weight (share of R^2) and why. `attrs["score"]`
    holds the findings' score object (name, kind, n, invalid, score, r2,
    method)."""
    rows = [{c: d.get(c) for c in DRIVER_COLUMNS} for d in findings.get("drivers", [])]
    out = _pd.DataFrame(rows, columns=DRIVER_COLUMNS)
    out.attrs["score"] = dict(findings.get("score", {}))
    return out


def findings_frame(findings):
    """One row per finding of a `voc.Findings` (or its dict), highest
    priority first, with the columns of the CSV report (`FINDING_COLUMNS`):
    rank, theme, status, priority and its five parts, escalated, department,
    role, volume, share, persistence, trend, trend_slope, share_negative,
    mean_score, the share of each CX signal, repeat_customers, channels (a
    list), status_reason, next_step and evidence (the first quote's redacted
    text). Numbers keep full precision (the CSV rounds them). Findings of
    conversations add, as the CSV does, the `CONVERSATION_COLUMNS` of the
    conversations that carried each theme (NaN / 0 for a theme without)."""
    rows = [_finding_row(f) for f in findings.get("findings", [])]
    columns = list(FINDING_COLUMNS)
    if findings.get("conversations") is not None:
        for row, f in zip(rows, findings.get("findings", [])):
            c = f.get("conversations") or {}
            for k in CONVERSATION_COLUMNS:
                v = c.get(k)
                row[k] = (0 if k == "conversations" else float("nan")) if v is None else v
        columns = columns[:-1] + CONVERSATION_COLUMNS + columns[-1:]  # evidence stays last
    return _pd.DataFrame(rows, columns=columns)


def _departments(themes):
    seen = []
    for t in themes:
        d = t["department"]
        if d and d not in seen:
            seen.append(d)
    return seen


def analyze_conversations(data, conversation_col="conversation_id", speaker_col="speaker",
                          text_col="text", speaker_map=None, threads=0, analyzer=None,
                          aggregate=None, time_col=None, channel_col=None, customer_col=None,
                          turn_time_col=None, progress=None):
    """Analyses conversations per speaker. `data` is a DataFrame with one row
    per turn (columns `conversation_col`, `speaker_col`, `text_col`; turns in
    row order; optional `time_col` (the conversation's time), `channel_col`
    and `customer_col`, read from the first row of each conversation that
    has a value, and `turn_time_col`, each turn's time: without a
    conversation time, the first timed turn dates the conversation), one
    conversation as a list of (speaker, text), or what
    `voc.read_conversations` returns (reply threads, transcripts, JSON
    Lines turns). Returns a DataFrame with one row per conversation: id,
    timestamp (UTC), channel, customer_turns, agent_turns,
    label, score (the customer's turns only), themes, departments, signals,
    sentiment_start, sentiment_end, sentiment_change, trend, resolution,
    right_first_time, transfers, holds, repeats, supervisor, recontact,
    agent_behaviours (list of names), text (the customer's turns, redacted)
    and analysis (the full dict, as `voc analyze` writes it). With
    `aggregate`, each conversation is added to it once, with its
    conversation figures, so findings over time count conversations.
    `progress` as in `analyze_frame`; Ctrl-C interrupts between chunks."""
    analyzer = analyzer or _voc_pkg.default_analyzer()
    if isinstance(data, _pd.DataFrame):
        conv = _column(data, conversation_col, "conversation")
        spk = _column(data, speaker_col, "speaker")
        txt = _column(data, text_col, "text")
        n = len(data)
        none = [None] * n
        ctime = _column(data, time_col, "time")
        chan = _column(data, channel_col, "channel")
        cust = _column(data, customer_col, "customer")
        ttime = _column(data, turn_time_col, "turn time")
        order, convs = [], {}

        def present(v):
            return v is not None and not (isinstance(v, float) and v != v) and v is not _pd.NaT

        for c, s, t, ct, ch, cu, tt in zip(
                conv, spk, txt, none if ctime is None else ctime, none if chan is None else chan,
                none if cust is None else cust, none if ttime is None else ttime):
            key = str(c)
            if key not in convs:
                order.append(key)
                convs[key] = {"id": key, "turns": [], "time": None, "channel": "",
                              "customer_id": ""}
            d = convs[key]
            if d["time"] is None and present(ct):
                d["time"] = ct
            if not d["channel"] and present(ch):
                d["channel"] = _str_value(ch)
            if not d["customer_id"] and present(cu):
                d["customer_id"] = _str_value(cu)
            d["turns"].append((_str_value(s), _text_value(t), tt if present(tt) else None))
        items = [convs[k] for k in order]
    elif data and isinstance(data[0], (tuple, list)) and len(data[0]) == 2 and \
            isinstance(data[0][1], (str, bytes)):
        items = [("1", [(s, t) for s, t in data])]  # one conversation: (speaker, text) pairs
    else:
        items = list(data)  # conversations (voc.read_conversations, dicts, tuples)
    results = analyzer.analyze_conversations(items, speaker_map=speaker_map, threads=threads,
                                             progress=progress, aggregate=aggregate)
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
            "id": a.id, "timestamp": d.get("timestamp"), "channel": a.channel,
            "customer_turns": c["customer_turns"], "agent_turns": c["agent_turns"],
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
    columns = ["id", "timestamp", "channel", "customer_turns", "agent_turns", "label", "score", "themes", "departments",
               "signals", "sentiment_start", "sentiment_end", "sentiment_change", "trend",
               "resolution", "right_first_time", "transfers", "holds", "repeats", "supervisor",
               "recontact", "agent_behaviours", "text", "analysis"]
    out = _pd.DataFrame(rows, columns=columns)
    out["timestamp"] = _pd.to_datetime(out["timestamp"], utc=True)
    return out


def read_frame(source, text_col="text", id_col=None, time_col=None, channel_col=None,
               customer_col=None, format="auto", delimiter=None, max_record_bytes=None):
    """Reads a file as `voc findings` does (see `voc.read_records`) into a
    DataFrame: id, timestamp (UTC datetime64), channel, customer_id, text
    and the other columns (as text); the rows the reader rejected are in
    `rejects(frame)` (row = 1-based record number, line, reason, value =
    the raw record). Analyse it with `analyze_frame(frame, time_col=
    "timestamp", channel_col="channel", customer_col="customer_id")`."""
    recs = _voc_pkg.read_records(source, text_col=text_col, id_col=id_col, time_col=time_col,
                                 channel_col=channel_col, customer_col=customer_col,
                                 format=format, delimiter=delimiter,
                                 max_record_bytes=max_record_bytes)
    stamps = _np.array([_MISSING_ID if r.timestamp is None else r.timestamp for r in recs],
                       dtype=_np.int64)
    ns = _np.where(stamps == _MISSING_ID, _MISSING_ID, stamps * 1_000_000_000)
    data = {"id": [r.id for r in recs],
            "timestamp": _pd.DatetimeIndex(ns.astype("datetime64[ns]")).tz_localize("UTC").array,
            "channel": [r.channel for r in recs],
            "customer_id": [r.customer_id for r in recs],
            "text": [r.text for r in recs]}
    extra = {}
    for i, r in enumerate(recs):
        for k, v in r.metadata:
            extra.setdefault(k, [None] * len(recs))[i] = v
    for k, v in extra.items():
        if k not in data:
            data[k] = v
    out = _pd.DataFrame(data)
    out.attrs["voc_rejects"] = _pd.DataFrame(
        [(j["index"] + 1, j["line"], j["reason"], j["raw"].decode("utf-8", errors="replace"))
         for j in recs.rejects], columns=["row", "line", "reason", "value"])
    return out


def period_start(label):
    """The first day of a period label of the findings ("2015-06-22" day,
    "2015-W26" ISO week, "2015-06" month) as a pandas Timestamp (naive, UTC
    calendar); ValueError for anything else."""
    import datetime as dt
    s = str(label)
    try:
        if len(s) == 10:
            return _pd.Timestamp(dt.date.fromisoformat(s))
        if len(s) == 8 and s[4:6] == "-W":
            return _pd.Timestamp(dt.date.fromisocalendar(int(s[:4]), int(s[6:]), 1))
        if len(s) == 7 and s[4] == "-":
            return _pd.Timestamp(dt.date(int(s[:4]), int(s[5:]), 1))
    except ValueError:
        pass
    raise ValueError(f"not a period label (YYYY-MM-DD, YYYY-Www or YYYY-MM): {label!r}")


SERIES_COLUMNS = ["period", "period_label", "theme", "status", "department", "count", "total",
                  "share", "present", "repeat_customers"]


def findings_series(findings):
    """The per-period series of every finding as a tidy DataFrame: one row
    per (finding, period) with period (its start, datetime64), period_label
    (as in the reports), theme, status, department, count (records of the
    theme), total (records of the period), share, present (above the
    baseline) and repeat_customers; ready for a pivot or a line plot."""
    rows = []
    for f in findings.get("findings", []):
        for p in f.get("series", []):
            rows.append((p["period"], f["theme"], f["status"], f["department"], p["count"],
                         p["total"], p["share"], p["present"], p.get("repeat_customers", 0)))
    out = _pd.DataFrame(rows, columns=SERIES_COLUMNS[1:])
    starts = {label: period_start(label) for label in out["period_label"].unique()}
    out.insert(0, "period", _pd.to_datetime(out["period_label"].map(starts)))
    return out.astype({"count": "int64", "total": "int64", "share": "float64", "present": bool,
                       "repeat_customers": "int64"})


def window_frame(findings):
    """The records of every period of the findings window: period (start,
    datetime64), period_label and count."""
    totals = findings.get("window", {}).get("totals", [])
    out = _pd.DataFrame([(t["period"], t["count"]) for t in totals],
                        columns=["period_label", "count"])
    out.insert(0, "period", _pd.to_datetime([period_start(x) for x in out["period_label"]]))
    return out


HISTORY_COLUMNS = ["theme", "department", "status", "state", "since_run", "since_period", "runs",
                   "previous_status", "volume", "volume_change", "share", "share_change",
                   "impact_change", "z", "p_value", "reason"]


def history_frame(findings):
    """What changed since the previous run (`detect_findings(..., history=...)`):
    one row per finding with its history state (new, persisting, worsening,
    improving, resolved, relapsed, quiet), the run and period its streak
    started, its length in runs, and the change in volume, share and impact,
    plus one row per resolved issue that has no finding any more (status ""
    and volume 0). Empty without history."""
    nan = float("nan")
    rows = []
    for f in findings.get("findings", []):
        h = f.get("history")
        if not h:
            continue
        prev = h["in_previous"]
        rows.append((f["theme"], f["department"], f["status"], h["state"], h["since_run"],
                     h["since_period"], h["runs"], h["previous_status"], f["volume"],
                     h["volume_change"] if prev else nan, f["share"],
                     h["share_change"] if prev else nan,
                     nan if h["impact_change"] is None else h["impact_change"], h["z"],
                     h["p_value"], h["reason"]))
    themes = {r[0] for r in rows}
    for r in findings.get("resolved", []):
        if r["theme"] in themes:
            continue
        rows.append((r["theme"], r["department"], "", "resolved", r["since_run"], "", r["runs"],
                     r["previous_status"], 0, -r["previous_volume"], 0.0, -r["previous_share"],
                     nan, nan, nan, "resolved: no finding in this run"))
    return _pd.DataFrame(rows, columns=HISTORY_COLUMNS)


ACTION_COLUMNS = ["theme", "department", "owner", "action", "date", "status", "action_period",
                  "before_periods", "before_count", "before_total", "before_share",
                  "after_periods", "after_count", "after_total", "after_share", "z", "p_value",
                  "verdict", "why"]


def actions_frame(findings):
    """The actions judged by `detect_findings(..., actions=...)`: one row per
    action with the theme's periods, counts, totals and shares before and
    after its date (datetime64), the one-sided two-proportion z-test and the
    verdict ("worked", "did not work", "too early", "no baseline")."""
    rows = []
    for f in findings.get("findings", []):
        for a in f.get("actions", []):
            b, n = a["before"], a["after"]
            rows.append((f["theme"], f["department"], a["owner"], a["action"], a["date"],
                         a["status"], a["action_period"], b["periods"], b["count"], b["total"],
                         b["share"], n["periods"], n["count"], n["total"], n["share"], a["z"],
                         a["p_value"], a["verdict"], a["why"]))
    out = _pd.DataFrame(rows, columns=ACTION_COLUMNS)
    out["date"] = _pd.to_datetime(out["date"], format="%Y-%m-%d")
    return out
