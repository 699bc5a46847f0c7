"""Conversations from Python: reading conversation files as `voc analyze`
does, and turning the accepted Python forms of a conversation into the
native ones (voc.Analyzer.analyze_conversations, voc.read_conversations)."""

import collections as _collections
import os as _os

from . import _progress
from . import _reading
from . import _voc

Turn = _collections.namedtuple("Turn", ["speaker", "text", "time", "role"])
Turn.__new__.__defaults__ = (None, "")
Turn.__doc__ = """One turn: speaker label, text, time (Unix seconds or None) and role
("customer", "agent", "bot", "system"; "" = from the speaker label)."""

Conversation = _collections.namedtuple(
    "Conversation", ["id", "turns", "time", "channel", "customer_id", "line"])
Conversation.__new__.__defaults__ = (None, "", "", 0)
Conversation.__doc__ = """One conversation: id, turns (a list of Turn), time (Unix
seconds or None: then its first timed turn's), channel, customer_id and the
line of the input where it starts (0 when not read from a file)."""


class Conversations(list):
    """The conversations of a file (a list of `Conversation`) with `rejects`:
    what `--rejects` would write, as dicts {index, line, reason, raw}, and
    `stats` {read, emitted, rejected, conversations, turns} (for reply
    threads read / emitted / rejected count rows)."""

    rejects = ()
    stats = None


def read_conversations(source, format="auto", text_col=None, id_col=None, time_col=None,
                       channel_col=None, customer_col=None, parent_col=None, role_col=None,
                       author_col=None, company_authors=None, transcript_marker="### ",
                       max_turns=10000, speaker_map=None, delimiter=None,
                       max_record_bytes=None, turns_col="turns"):
    """Reads conversations from a file (or its bytes) as `voc analyze` does
    (docs/CONVERSATIONS.md), with the CLI's options:

    - JSON Lines (or one JSON array of objects) with a `turns` array of
      {"speaker", "text"} objects or [speaker, text] pairs: format "auto"
      (detected; ValueError when the first record has no `turns_col`
      array) or "conversations"; `turns_col` (default "turns") names the
      field holding the turns;
    - plain-text transcripts ("Agent: ...", "[00:01:12] Caller: ..."):
      format "transcript"; a conversation ends at a blank line or a marker
      line (`transcript_marker`, default "### ", or "---");
    - reply threads (CSV or JSON Lines rows): `parent_col` (the in-reply-to
      id) with `role_col`, or `author_col` and `company_authors` (a list or
      "id,id"); `text_col` is the post text (default "text").

    `speaker_map` ("spk_0=customer,spk_1=agent") adds speaker labels;
    conversations with more than `max_turns` turns are rejected. Returns
    `Conversations` (pass them to `Analyzer.analyze_conversations`), whose
    `rejects` say what was refused and why: nothing is lost,
    stats["read"] == stats["emitted"] + stats["rejected"]. Ctrl-C interrupts
    it."""
    form, detect = "turns", False
    if parent_col:
        form = "thread"
        reader_format = "auto" if format in ("auto", "conversations") else format
        text_col = text_col or "text"
    elif format == "conversations":
        reader_format = "jsonl"
        text_col = text_col or turns_col
    elif format in ("transcript", "transcripts"):
        form = "transcript"
        reader_format = "text"
        text_col = "text"
    elif format in ("auto", "jsonl"):
        reader_format = format
        text_col = text_col or "text"
        detect = True
    else:
        raise ValueError("format must be 'auto', 'conversations', 'transcript' (or a reader "
                         "format with parent_col for reply threads), got %r" % (format,))
    o = _reading.reader_options(text_col, id_col, time_col, channel_col, customer_col,
                                reader_format, delimiter, max_record_bytes)
    if isinstance(company_authors, str):
        company_authors = [a for a in company_authors.split(",") if a]
    if not isinstance(source, bytes):
        source = _os.fspath(source)
    convs, rejects, stats = _progress.interruptible(
        _voc.read_conversations, source, o, form, detect, speaker_map or "", int(max_turns), transcript_marker,
        parent_col or "", role_col or "", author_col or "", list(company_authors or []),
        turns_col if turns_col is not None else "")
    out = Conversations(
        Conversation(cid, [Turn(*t) for t in turns], time, channel, customer, line)
        for cid, turns, time, channel, customer, line in convs)
    out.rejects = [{"index": i, "line": line, "reason": reason, "raw": raw}
                   for i, line, reason, raw in rejects]
    out.stats = stats
    return out


_ROLES = ("customer", "agent", "bot", "system")


def _text(value):
    if value is None:
        return ""
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).decode("utf-8", errors="replace")
    return str(value)


def _turn(t, to_unix):
    if isinstance(t, dict):
        if "text" not in t:
            raise ValueError("a turn dict needs 'text'")
        speaker = t.get("speaker", t.get("role", ""))
        role = t.get("role", "") if "speaker" in t else ""
        if role not in _ROLES:  # a label, not a role: the speaker decides
            role = ""
        return (_text(speaker), t["text"], to_unix(t.get("time")), _text(role))
    t = tuple(t)
    if not 2 <= len(t) <= 4:
        raise ValueError("a turn is (speaker, text), (speaker, text, time) or a Turn")
    speaker, text = t[0], t[1]
    time = to_unix(t[2]) if len(t) > 2 else None
    role = _text(t[3]) if len(t) > 3 else ""
    if not isinstance(text, (str, bytes)):
        raise TypeError("turn text must be str or bytes, got %s" % type(text).__name__)
    return (_text(speaker), text, time, role)


def native_items(conversations, to_unix):
    """The native form (id, [(speaker, text, time, role)], time, channel,
    customer_id) of each conversation given as (id, turns), a Conversation /
    5-tuple, or a dict {"id", "turns", "time", "channel", "customer_id"}."""
    items = []
    for c in conversations:
        if isinstance(c, dict):
            if "turns" not in c:
                raise ValueError("a conversation dict needs 'turns'")
            cid, turns = c.get("id", len(items) + 1), c["turns"]
            time, channel, customer = c.get("time"), c.get("channel"), c.get("customer_id")
        else:
            c = tuple(c)
            if len(c) < 2:
                raise ValueError("a conversation is (id, turns), (id, turns, time, channel, "
                                 "customer_id), a Conversation or a dict")
            cid, turns = c[0], c[1]
            time = c[2] if len(c) > 2 else None
            channel = c[3] if len(c) > 3 else ""
            customer = c[4] if len(c) > 4 else ""
        items.append((_text(cid), [_turn(t, to_unix) for t in turns], to_unix(time),
                      _text(channel), _text(customer)))
    return items


def analyze_chunked(native, items, speaker_map, threads, progress, aggregate):
    """Analyses native items in chunks of about a quarter second (Ctrl-C
    interrupts between them; progress as analyze_many)."""
    out = []

    def work(begin, end):
        out.extend(native.analyze_conversations(items[begin:end], speaker_map, threads, aggregate))

    _progress.run_chunks(len(items), work, progress, "conversations", first=32)
    return out
