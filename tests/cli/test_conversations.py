"""CLI tests of conversations: JSON Lines turns, transcripts and reply threads
through `voc analyze` and `voc findings`; roles, rejects, privacy."""
import json
import os

EMAIL = "jane.doe@example.com"
PHONE = "(415) 555-0132"


def conv(cid, turns, **extra):
    d = {"id": cid, "time": "2024-03-04T10:00:00Z", "channel": "call",
         "turns": [{"speaker": s, "text": t} for s, t in turns]}
    d.update(extra)
    return json.dumps(d)


BILLING = [
    ("agent", "Thanks for calling, how can I help?"),
    ("caller", f"There is an unexpected fee on my bill. My email is {EMAIL}."),
    ("agent", "I'm so sorry about that, I understand. I've refunded the fee."),
    ("caller", "Thanks, perfect."),
]
STUCK = [
    ("customer", f"I called yesterday, my internet is down, call me on {PHONE}."),
    ("agent_1", "Let me transfer you to technical support."),
    ("agent_2", "Unfortunately I can't see a fault."),
    ("customer", "It is still not working, I want a supervisor."),
]


def analyze_lines(out):
    return [json.loads(l) for l in out.splitlines() if l.strip()]


def test_jsonl_turns_detected_and_analysed_per_speaker(voc, tmp_path):
    p = tmp_path / "calls.jsonl"
    p.write_text(conv("c1", BILLING) + "\n" + conv("c2", STUCK) + "\n")
    r = voc("analyze", p)
    assert r.code == 0, r.err
    assert "read 2 conversations: 2 emitted, 0 rejected (2 conversations, 8 turns)" in r.err
    a, b = analyze_lines(r.out)
    assert a["id"] == "c1" and a["channel"] == "call" and a["timestamp"] == "2024-03-04T10:00:00Z"
    c = a["conversation"]
    assert [t["role"] for t in c["turns"]] == ["agent", "customer", "agent", "customer"]
    # The customer's text only; the agent's apology is not in it.
    assert "sorry" not in a["text"] and "unexpected fee" in a["text"]
    assert any(t["id"].startswith("billing") for t in a["themes"])
    assert c["resolution"]["status"] == "resolved"
    assert {x["behaviour"] for x in c["agent_behaviours"]} >= {"apology", "empathy"}
    assert all(x["turn"] in (0, 2) for x in c["agent_behaviours"])
    ev = [e for e in c["evidence"] if "theme" in e]
    assert ev and all(e["turn"] == 1 for e in ev)
    for e in ev:
        assert c["turns"][e["turn"]]["text"][e["begin"]:e["end"]] == e["text"]
    s = b["conversation"]
    assert s["resolution"]["status"] == "unresolved"
    assert len(s["structure"]["transfers"]) == 1 and s["structure"]["transfers"][0]["turn"] == 1
    assert len(s["structure"]["supervisor"]) == 1 and len(s["structure"]["recontact"]) == 1
    assert s["right_first_time"] < a["conversation"]["right_first_time"]
    assert EMAIL not in r.out and "555-0132" not in r.out


def test_stdin_and_forced_format(voc, tmp_path):
    data = conv("c1", BILLING) + "\n"
    r = voc("analyze", "-", stdin=data)
    assert r.code == 0, r.err
    assert analyze_lines(r.out)[0]["conversation"]["customer_turns"] == 2
    # Forcing conversations on records without turns is a clear error.
    p = tmp_path / "flat.jsonl"
    p.write_text(json.dumps({"id": 1, "text": "hello"}) + "\n")
    r = voc("analyze", "--format", "conversations", p)
    assert r.code != 0
    assert "text column 'turns' not found; columns are: id, text" in r.err
    # Flat records are still flat records.
    r = voc("analyze", p)
    assert r.code == 0 and "conversation" not in r.out


def test_speaker_map_and_bad_input_reconcile(voc, tmp_path):
    lines = [
        conv("ok", [("spk_0", "My parcel is late"), ("spk_1", "Sorry, it ships tomorrow")]),
        conv("blank", [("customer", "   "), ("agent", "hello?")]),
        conv("none", []),
        '{"id": "broken", "turns": [',
        conv("huge", [("customer", "again")] * 5),
        conv("who", [("narrator", "once upon a time")]),
    ]
    p = tmp_path / "calls.jsonl"
    p.write_text("\n".join(lines) + "\n")
    rej = tmp_path / "rejects.jsonl"
    r = voc("analyze", p, "--speaker-map", "spk_0=customer,spk_1=agent", "--max-turns", "4",
            "--rejects", rej)
    assert r.code == 0, r.err
    out = analyze_lines(r.out)
    assert [o["id"] for o in out] == ["ok"]
    assert out[0]["conversation"]["turns"][0]["role"] == "customer"
    reasons = [json.loads(l)["reason"] for l in rej.read_text().splitlines()]
    assert reasons[0] == "turn 0 has no text"
    assert reasons[1] == "conversation has no turns"
    assert reasons[2].startswith("invalid JSON")
    assert reasons[3] == "conversation has 5 turns, more than the limit of 4 (--max-turns)"
    assert reasons[4].startswith("turn 0: unknown speaker 'narrator'; map it with --speaker-map")
    assert "read 6 conversations: 1 emitted, 5 rejected" in r.err
    r = voc("analyze", p, "--speaker-map", "spk_0=boss")
    assert r.code == 2 and "bad speaker map entry 'spk_0=boss'" in r.err


def test_transcripts(voc, tmp_path):
    p = tmp_path / "calls.txt"
    p.write_text(
        "### call-1\n"
        "[00:00:01] Agent: Thanks for calling, how can I help?\n"
        f"[00:00:09] Caller: I was charged twice, my card is 4111 1111 1111 1111\n"
        "and I want it fixed.\n"
        "[00:01:12] Agent: I've refunded the second charge.\n"
        "[00:01:20] Caller: Great, thanks!\n"
        "### call-2\n"
        "Customer: my package never arrived\n"
        "Rep: sorry, let me check\n"
        "\n"
        "Customer: hello\n"
        "Wizard: hi\n")
    rej = tmp_path / "rejects.jsonl"
    r = voc("analyze", "--format", "transcript", p, "--rejects", rej)
    assert r.code == 0, r.err
    out = analyze_lines(r.out)
    assert [o["id"] for o in out] == ["call-1", "call-2"]
    c = out[0]["conversation"]
    assert [t["role"] for t in c["turns"]] == ["agent", "customer", "agent", "customer"]
    assert c["turns"][1]["text"].endswith("and I want it fixed.")
    assert "4111" not in r.out and "[CARD]" in c["turns"][1]["text"]
    assert c["resolution"]["status"] == "resolved"
    reasons = [json.loads(l)["reason"] for l in rej.read_text().splitlines()]
    assert len(reasons) == 1 and "unknown speaker 'Wizard'" in reasons[0]
    assert "read 3 conversations: 2 emitted, 1 rejected" in r.err


def test_reply_threads(voc, tmp_path):
    p = tmp_path / "tweets.csv"
    p.write_text(
        "id,in_reply_to,author,text,time\n"
        "1,,cust1,My order never arrived and nobody answers,2024-01-01T10:00:00Z\n"
        "2,1,BrandCare,Sorry! We have refunded your order.,2024-01-01T10:05:00Z\n"
        "3,2,cust1,Thanks that works,2024-01-01T11:00:00Z\n"
        "4,99,cust2,orphan,2024-01-02T10:00:00Z\n")
    rej = tmp_path / "rejects.jsonl"
    r = voc("analyze", p, "--parent-col", "in_reply_to", "--author-col", "author",
            "--company-authors", "BrandCare", "--time-col", "time", "--rejects", rej)
    assert r.code == 0, r.err
    out = analyze_lines(r.out)
    assert len(out) == 1
    c = out[0]["conversation"]
    assert [t["role"] for t in c["turns"]] == ["customer", "agent", "customer"]
    assert "refunded" not in out[0]["text"]
    assert "read 4 rows: 3 emitted, 1 rejected (1 conversations, 3 turns)" in r.err
    assert "missing parent" in rej.read_text()
    r = voc("analyze", p, "--parent-col", "in_reply_to")
    assert r.code != 0 and "reply threads need a role column" in r.err
    r = voc("analyze", p, "--parent-col", "nope", "--author-col", "author")
    assert r.code != 0 and "column 'nope' not found" in r.err


def test_findings_count_a_conversation_once(voc, tmp_path):
    lines = []
    for week in range(6):
        for k in range(4):
            turns = BILLING if k % 2 == 0 else [
                ("customer", "There is an unexpected fee on my bill again."),
                ("agent", "Let me transfer you to billing."),
                ("customer", "It is still not fixed, this is unacceptable."),
            ]
            lines.append(conv(f"w{week}-{k}", turns, time=f"2024-0{1 + week // 4}-{1 + 7 * (week % 4):02d}T10:00:00Z"))
    p = tmp_path / "calls.jsonl"
    p.write_text("\n".join(lines) + "\n")
    r = voc("findings", p, "--period", "week", "--time-col", "time")
    assert r.code == 0, r.err
    f = json.loads(r.out)
    assert f["records"]["total"] == 24  # conversations, not turns
    assert f["conversations"]["conversations"] == 24
    assert f["conversations"]["share_resolved"] == 0.5
    billing = [x for x in f["findings"] if x["theme"].startswith("billing")]
    assert billing
    fig = billing[0]["conversations"]
    assert fig["conversations"] == 24 and fig["transfers_per_conversation"] == 0.5
    assert EMAIL not in r.out
    for x in f["findings"]:
        for e in x.get("evidence", []):
            assert "sorry" not in e.get("snippet", "").lower()  # customer turns only


def test_reply_threads_jsonl(voc, tmp_path):
    rows = [
        {"id": "t1", "parent": None, "role": "customer", "body": f"My refund never arrived, mail {EMAIL}",
         "time": "2024-02-01T09:00:00Z", "channel": "twitter"},
        {"id": "t2", "parent": "t1", "role": "brand", "body": "Sorry! We have refunded your order.",
         "time": "2024-02-01T09:10:00Z"},
        {"id": "t3", "parent": "t2", "role": "customer", "body": "Thanks that works",
         "time": "2024-02-01T09:30:00Z"},
        # A second thread, its rows out of order: the reply comes first.
        {"id": "u2", "parent": "u1", "role": "agent", "body": "Let me transfer you to our billing team.",
         "time": "2024-02-02T10:05:00Z"},
        {"id": "u1", "parent": "", "role": "customer", "body": "There is an unexpected fee on my bill",
         "time": "2024-02-02T10:00:00Z"},
        # A reply cycle and a reply to a post not in the input.
        {"id": "x1", "parent": "x2", "role": "customer", "body": "first", "time": "2024-02-03T10:00:00Z"},
        {"id": "x2", "parent": "x1", "role": "agent", "body": "second", "time": "2024-02-03T10:01:00Z"},
        {"id": "y1", "parent": "gone", "role": "customer", "body": "orphan", "time": "2024-02-03T11:00:00Z"},
    ]
    p = tmp_path / "threads.jsonl"
    p.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    rej = tmp_path / "rejects.jsonl"
    r = voc("analyze", p, "--parent-col", "parent", "--role-col", "role", "--text-col", "body",
            "--time-col", "time", "--channel-col", "channel", "--rejects", rej)
    assert r.code == 0, r.err
    out = analyze_lines(r.out)
    assert [o["id"] for o in out] == ["t1", "u1"]
    t, u = out
    assert [x["role"] for x in t["conversation"]["turns"]] == ["customer", "agent", "customer"]
    assert t["channel"] == "twitter" and t["timestamp"] == "2024-02-01T09:00:00Z"
    assert "refunded" not in t["text"] and "refund never arrived" in t["text"]
    assert t["conversation"]["resolution"]["status"] == "resolved"
    assert EMAIL not in r.out
    # Turns in time order although the reply was read first.
    assert [x["role"] for x in u["conversation"]["turns"]] == ["customer", "agent"]
    assert len(u["conversation"]["structure"]["transfers"]) == 1
    assert "read 8 rows: 5 emitted, 3 rejected (2 conversations, 5 turns)" in r.err
    reasons = [json.loads(l)["reason"] for l in rej.read_text().splitlines()]
    assert len(reasons) == 3
    assert sum("reply cycle" in x for x in reasons) == 2
    assert sum("in-reply-to id 'gone' not found (missing parent)" in x for x in reasons) == 1
    # An unknown role rejects its whole thread, with the hint.
    rows[2]["role"] = "wizard"
    p.write_text("\n".join(json.dumps(r) for r in rows[:5]) + "\n")
    r = voc("analyze", p, "--parent-col", "parent", "--role-col", "role", "--text-col", "body")
    assert r.code == 0, r.err
    assert [o["id"] for o in analyze_lines(r.out)] == ["u1"]
    assert "unknown role 'wizard'; map it with --speaker-map 'wizard=ROLE'" in r.err
    assert "read 5 rows: 2 emitted, 3 rejected" in r.err


def figures_input(tmp_path, weeks=6):
    lines = []
    for week in range(weeks):
        for k in range(4):
            turns = BILLING if k % 2 == 0 else [
                ("customer", "There is an unexpected fee on my bill again."),
                ("agent", "Let me transfer you to billing."),
                ("customer", "It is still not fixed, this is unacceptable."),
            ]
            day = 1 + 7 * week
            lines.append(conv(f"w{week}-{k}", turns, time=f"2024-01-{day:02d}T10:00:00Z"
                              if day <= 31 else f"2024-02-{day - 31:02d}T10:00:00Z"))
    return lines


def test_conversation_figures_in_every_output_and_through_saved_aggregates(voc, source_dir, tmp_path):
    lines = figures_input(tmp_path)
    whole, first, second = (tmp_path / n for n in ("all.jsonl", "a.jsonl", "b.jsonl"))
    whole.write_text("\n".join(lines) + "\n")
    first.write_text("\n".join(lines[:10]) + "\n")
    second.write_text("\n".join(lines[10:]) + "\n")
    out = tmp_path / "out"
    out.mkdir()
    r = voc("findings", whole, "--period", "week", "--csv", out / "f.csv", "--html", out / "f.html",
            "--digests", out / "digests", "--save-aggregate", out / "all.agg.json")
    assert r.code == 0, r.err
    f = json.loads(r.out)
    top = f["conversations"]
    assert top["conversations"] == 24 and top["turns"] == 12 * 4 + 12 * 3
    assert top["share_resolved"] == 0.5 and top["share_unresolved"] == 0.5
    assert top["transfers_per_conversation"] == 0.5
    assert 0 < top["right_first_time"] < 0.9 and top["mean_sentiment_change"] is not None
    billing = [x for x in f["findings"] if x["theme"].startswith("billing") and "conversations" in x]
    assert billing
    fig = billing[0]["conversations"]
    assert fig["conversations"] == 24 and fig["share_resolved"] == 0.5
    # CSV: the conversation columns, with the same figures.
    import csv
    rows = list(csv.DictReader(open(out / "f.csv", newline="")))
    row = next(x for x in rows if x["theme"] == billing[0]["theme"])
    assert row["conversations"] == "24" and float(row["share_resolved"]) == 0.5
    assert float(row["transfers_per_conversation"]) == 0.5
    assert float(row["right_first_time"]) == fig["right_first_time"]
    # Digests: the overall line and the theme's line.
    digests = "".join(p.read_text() for p in (out / "digests").glob("*.md"))
    assert "Conversations (all departments): 24, 50% resolved, 50% unresolved" in digests
    assert "- Conversations: 24, 50% resolved" in digests
    assert "0.50 transfers per conversation" in digests
    # HTML: the KPIs and the compact column.
    html = (out / "f.html").read_text()
    assert "<th>Conversations</th>" in html and "transfers per conversation" in html
    assert "50% resolved<br><small>sentiment" in html
    assert "conversations in window" in html and "verbatims in window" not in html
    assert EMAIL not in html and EMAIL not in digests and EMAIL not in r.out

    # Two halves saved as aggregates and reported together: the same figures.
    for part in (first, second):
        r = voc("findings", part, "--period", "week", "--save-aggregate", str(part) + ".agg.json",
                "-o", str(part) + ".findings.json")
        assert r.code == 0, r.err
    r = voc("report", str(first) + ".agg.json", str(second) + ".agg.json", "--csv", out / "r.csv",
            "--html", out / "r.html", "-o", out / "r.json")
    assert r.code == 0, r.err
    g = json.loads((out / "r.json").read_text())
    assert g["conversations"] == top
    gb = next(x for x in g["findings"] if x["theme"] == billing[0]["theme"])
    assert gb["conversations"] == fig
    assert "<th>Conversations</th>" in (out / "r.html").read_text()
    assert "share_resolved" in (out / "r.csv").read_text().splitlines()[0]
    r = voc("report", out / "all.agg.json")
    assert r.code == 0, r.err
    assert json.loads(r.out)["conversations"] == top
    try:
        import jsonschema
    except ImportError:
        return
    schema = json.load(open(os.path.join(source_dir, "include/voc/schema/findings.schema.json")))
    validator = jsonschema.Draft202012Validator(schema)
    assert list(validator.iter_errors(f)) == []
    bad = json.loads(json.dumps(f))
    bad["conversations"]["share_resolved"] = 2
    del bad["findings"][0]["conversations"]["turns"]
    assert len(list(validator.iter_errors(bad))) == 2


def test_flat_records_have_no_conversation_figures(voc, tmp_path):
    p = tmp_path / "flat.csv"
    p.write_text("id,text,time\n" + "".join(
        f"{i},There is an unexpected fee on my bill,2024-01-{1 + i % 28:02d}T10:00:00Z\n" for i in range(30)))
    r = voc("findings", p, "--period", "week", "--time-col", "time", "--csv", tmp_path / "f.csv",
            "--html", tmp_path / "f.html")
    assert r.code == 0, r.err
    f = json.loads(r.out)
    assert "conversations" not in f and all("conversations" not in x for x in f["findings"])
    assert "share_resolved" not in (tmp_path / "f.csv").read_text()
    assert "<th>Conversations</th>" not in (tmp_path / "f.html").read_text()
    assert "verbatims in window" in (tmp_path / "f.html").read_text()


def test_json_array_of_conversations_with_a_named_turns_field(voc, tmp_path):
    # A chat export as one JSON array, its turns [speaker, text] pairs in a
    # field of its own name, an "action" line among them.
    chats = [
        {"convo_id": 11, "original": [["agent", "Hi, how can I help?"],
                                      ["customer", f"My refund never arrived, email me at {EMAIL}"],
                                      ["action", "Account has been pulled up"],
                                      ["agent", "Sorry about that, I have sent it again."]]},
        {"convo_id": 12, "original": [["customer", "The app crashes every time I log in"],
                                      ["agent", "Please reinstall it."]]},
    ]
    p = tmp_path / "chats.json"
    p.write_text(json.dumps(chats, indent=2))
    r = voc("analyze", "--format", "conversations", "--turns-col", "original", "--id-col", "convo_id",
            "--speaker-map", "action=system", p)
    assert r.code == 0, r.err
    assert "read 2 conversations: 2 emitted, 0 rejected (2 conversations, 6 turns)" in r.err
    a, b = analyze_lines(r.out)
    assert a["id"] == "11" and b["id"] == "12"
    assert [t["role"] for t in a["conversation"]["turns"]] == ["agent", "customer", "system", "agent"]
    assert "refund" in a["text"] and "Sorry" not in a["text"]
    assert EMAIL not in r.out
    # Found without --format: the first object has the turns field and no text.
    r = voc("analyze", "--turns-col", "original", "--speaker-map", "action=system", p)
    assert r.code == 0, r.err
    assert len(analyze_lines(r.out)) == 2
    r = voc("analyze", "--format", "conversations", "--turns-col", "", p)
    assert r.code != 0 and "--turns-col cannot be empty" in r.err
