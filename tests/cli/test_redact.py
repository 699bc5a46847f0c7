"""CLI tests for `voc redact` and `voc normalize`."""
import json


def test_redact_masks_each_kind_line_by_line(voc):
    lines = [
        "Call me at 555-867-5309, order #A123456",
        "mail jo.doe@example.com  &amp; SSN 123-45-6789",
        "card 4111 1111 1111 1111, IBAN DE89 3704 0044 0532 0130 00",
        "from 192.168.0.17 via https://x.example.com/reset?token=abc123XYZ987",
        "nothing to hide, paid $39.00 on 03/18/2020 3 times",
    ]
    r = voc("redact", stdin="\n".join(lines) + "\n")
    assert r.code == 0, r.err
    assert r.out.splitlines() == [
        "Call me at [PHONE], order #[ACCOUNT]",
        "mail [EMAIL] & SSN [SSN]",
        "card [CARD], IBAN [IBAN]",
        "from [IP] via [URL]",
        "nothing to hide, paid $39.00 on 03/18/2020 3 times",
    ]
    for secret in ("555-867-5309", "A123456", "jo.doe@example.com", "123-45-6789",
                   "4111 1111 1111 1111", "DE89", "192.168.0.17", "abc123XYZ987"):
        assert secret not in r.out


def test_redact_spans_jsonl_offsets_point_into_normalised_input(voc):
    line = "  Write  to  a@b.com or call (555) 123-4567  "
    r = voc("redact", "--spans", "-", stdin=line + "\n")
    assert r.code == 0, r.err
    rec = json.loads(r.out)
    assert rec["text"] == "Write to [EMAIL] or call [PHONE]"
    normalised = "Write to a@b.com or call (555) 123-4567"
    kinds = [(s["kind"], normalised[s["begin"]:s["end"]]) for s in rec["spans"]]
    assert kinds == [("email", "a@b.com"), ("phone", "(555) 123-4567")]
    for s in rec["spans"]:
        assert rec["text"][s["out_begin"]:s["out_end"]] == "[" + s["kind"].upper() + "]"
    assert rec["existing_masks"] == 0


def test_redact_keeps_existing_masks_and_is_idempotent(voc):
    line = "On XX/XX/XXXX I paid {$39.00} to XXXX XXXX from 555-867-5309"
    once = voc("redact", stdin=line + "\n")
    assert once.out == "On XX/XX/XXXX I paid {$39.00} to XXXX XXXX from [PHONE]\n"
    twice = voc("redact", "--spans", stdin=once.out)
    rec = json.loads(twice.out)
    assert rec["text"] == once.out.strip()
    assert rec["spans"] == []
    assert rec["existing_masks"] == 4


def test_redact_extra_patterns(voc):
    r = voc("redact", "--pattern", "employee=EMP-\\d{5}", "--pattern", "PRJ\\d+",
            stdin="ask EMP-12345 about PRJ77\n")
    assert r.code == 0, r.err
    assert r.out == "ask [EMPLOYEE] about [CUSTOM]\n"
    r = voc("redact", "--spans", "--pattern", "employee=EMP-\\d{5}", stdin="EMP-12345\n")
    span = json.loads(r.out)["spans"][0]
    assert (span["kind"], span["name"]) == ("custom", "employee")


def test_redact_disable_kind(voc):
    r = voc("redact", "--disable", "email", stdin="a@b.com 555-867-5309\n")
    assert r.out == "a@b.com [PHONE]\n"


def test_redact_reads_a_file_and_handles_bad_bytes(voc, tmp_path):
    p = tmp_path / "in.txt"
    p.write_bytes(b"bad \xff byte a@b.com\r\nline\x00two\n\nlast without newline 4111111111111111")
    r = voc("redact", p)
    assert r.code == 0, r.err
    assert r.out.splitlines() == ["bad \ufffd byte [EMAIL]", "linetwo", "",
                                  "last without newline [CARD]"]


def test_redact_invalid_pattern_is_a_usage_error(voc):
    r = voc("redact", "--pattern", "t=(TK\\d+", stdin="x\n")
    assert r.code == 2
    assert "voc: invalid pattern '(TK\\d+': missing ): (TK\\d+" in r.err
    r = voc("redact", "--pattern", "x*", stdin="x\n")
    assert r.code == 2
    assert "voc: pattern 'x*' matches the empty string" in r.err


def test_redact_errors(voc, tmp_path):
    r = voc("redact", tmp_path / "missing.txt")
    assert r.code == 1
    assert r.err.startswith("voc: cannot open '")
    assert "No such file or directory" in r.err
    r = voc("redact", tmp_path)
    assert r.code == 1
    assert r.err == "voc: cannot read '%s'\n" % tmp_path
    r = voc("redact", "--disable", "weather", stdin="")
    assert r.code == 2
    assert "voc: unknown kind 'weather' for --disable" in r.err
    r = voc("redact", "--frobnicate")
    assert r.code == 2
    assert "voc: unrecognised option '--frobnicate'" in r.err
    r = voc("redact", "a.txt", "b.txt")
    assert r.code == 2
    assert r.err.startswith("voc: ")


def test_redact_help(voc):
    r = voc("redact", "--help")
    assert r.code == 0
    assert "usage: voc redact [FILE|-]" in r.out
    assert "--spans" in r.out and "--pattern" in r.out
    assert "redact" in voc("--help").out


def test_normalize(voc):
    r = voc("normalize", stdin="  Caf\u00e9  &amp;\u2028 bar \n\uff21&#x1F600;\n")
    assert r.code == 0, r.err
    assert r.out == "Caf\u00e9 & bar\n\uff21\U0001F600\n"
    r = voc("normalize", "--nfkc", "--json", stdin="\uff21 &lt;\x01\n")
    rec = json.loads(r.out)
    assert rec == {"text": "A <", "invalid_utf8": 0, "controls_removed": 1, "entities_decoded": 1}
    r = voc("normalize", "--keep-entities", stdin="a &amp; b\n")
    assert r.out == "a &amp; b\n"
    assert voc("normalize", "--help").code == 0
    r = voc("normalize", "/nonexistent/x")
    assert r.code == 1 and r.err.startswith("voc: cannot open '/nonexistent/x'")


def test_threads_keep_input_order(same_output_for_threads):
    for command, extra in (("redact", ("--spans",)), ("redact", ()), ("normalize", ("--json",))):
        out = same_output_for_threads(command, extra=extra)
        assert len(out.splitlines()) == 60
