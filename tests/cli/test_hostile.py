"""Hostile inputs and outputs: device and symlink outputs, write errors,
outputs that are inputs, interrupted runs, duplicated aggregates, deep JSON,
absurd flags, and personal data in every column and every output."""
import gzip
import json
import os
import signal
import stat
import subprocess
import time
import zlib

import pytest

from conftest import VOC_BIN


def write_csv(path, n=40, extra_cols=False):
    rows = ["id,date,channel,customer,text"]
    for i in range(n):
        month = 1 + i % 6
        rows.append(f"r{i},2024-{month:02d}-1{i % 9},phone,c{i % 7},"
                    f"\"The fee was charged twice again, third call about refund {i}\"")
    path.write_text("\n".join(rows) + "\n")
    return path


def findings_args(path):
    return ["findings", path, "--time-col", "date", "--channel-col", "channel",
            "--customer-col", "customer", "--period", "month", "-q"]


# ---- data loss and system damage -------------------------------------------------

def test_device_outputs_are_written_in_place(voc, tmp_path):
    src = write_csv(tmp_path / "in.csv")
    # A private null device when we may make one (root), so that the check
    # does not depend on what other processes do to /dev/null.
    null = "/dev/null"
    if os.geteuid() == 0:
        null = str(tmp_path / "null")
        os.mknod(null, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    r = voc("analyze", src, "-o", null, "-q")
    assert r.code == 0, r.err
    assert stat.S_ISCHR(os.stat(null).st_mode)
    r = voc(*findings_args(src), "--html", null, "--csv", null, "-o", "/dev/stdout")
    assert r.code == 0, r.err
    assert stat.S_ISCHR(os.stat(null).st_mode)
    assert json.loads(r.out)["schema_version"]


def test_symlink_output_is_written_through(voc, tmp_path):
    src = write_csv(tmp_path / "in.csv")
    target = tmp_path / "real.jsonl"
    target.write_text("old\n")
    link = tmp_path / "link.jsonl"
    link.symlink_to(target)
    r = voc("analyze", src, "-o", link, "-q")
    assert r.code == 0, r.err
    assert link.is_symlink()
    assert len(target.read_text().splitlines()) == 40
    html_target = tmp_path / "r.html"
    html_link = tmp_path / "r-link.html"
    html_link.symlink_to(html_target)
    r = voc(*findings_args(src), "--html", html_link, "-o", tmp_path / "f.json")
    assert r.code == 0, r.err
    assert html_link.is_symlink() and "<html" in html_target.read_text()


def test_write_errors_fail_with_a_message(voc, tmp_path):
    src = write_csv(tmp_path / "in.csv")
    for args in (["analyze", src, "-o", "/dev/full", "-q"],
                 [*findings_args(src), "-o", "/dev/full"],
                 [*findings_args(src), "--html", "/dev/full", "-o", tmp_path / "f.json"]):
        r = voc(*args)
        assert r.code == 1, (args, r.err)
        assert "No space left on device" in r.err, r.err
    # Standard output on a full disk.
    with open("/dev/full", "wb") as full:
        for args in (["analyze", src, "-q"], [*findings_args(src)], ["records", src]):
            p = subprocess.run([VOC_BIN, *map(str, args)], stdout=full, stderr=subprocess.PIPE)
            assert p.returncode == 1, args
            assert b"No space left on device" in p.stderr


def test_an_output_that_is_an_input_is_refused(voc, tmp_path):
    src = write_csv(tmp_path / "in.csv")
    before = src.read_bytes()
    r = voc("analyze", src, "--rejects", src, "-q")
    assert r.code == 2 and "--rejects" in r.err and "same file as INPUT" in r.err, r.err
    r = voc("analyze", src, "-o", src, "-q")
    assert r.code == 2 and "same file as INPUT" in r.err
    # Another name for the same file: a hard link and a symlink.
    hard = tmp_path / "hard.csv"
    os.link(src, hard)
    soft = tmp_path / "soft.csv"
    soft.symlink_to(src)
    for other in (hard, soft, tmp_path / "." / "in.csv"):
        r = voc(*findings_args(src), "--rejects", other)
        assert r.code == 2 and "same file as INPUT" in r.err, (other, r.err)
    r = voc("records", src, "--rejects", hard)
    assert r.code == 2
    assert src.read_bytes() == before
    # Two outputs on one file.
    out = tmp_path / "x.json"
    r = voc(*findings_args(src), "-o", out, "--save-aggregate", out)
    assert r.code == 2 and "one output would overwrite the other" in r.err, r.err
    assert not out.exists()
    # report: an aggregate is an input too.
    agg = tmp_path / "agg.json"
    assert voc(*findings_args(src), "--save-aggregate", agg, "-o", tmp_path / "f.json").code == 0
    r = voc("report", agg, "--html", agg)
    assert r.code == 2 and "same file as AGGREGATE" in r.err
    # Standard input redirected from the output file.
    with open(src, "rb") as stdin:
        p = subprocess.run([VOC_BIN, "analyze", "-", "-o", str(src), "-q"], stdin=stdin,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert p.returncode == 2 and src.read_bytes() == before


def test_interrupted_run_leaves_no_temporary_file(tmp_path):
    out = tmp_path / "out.jsonl"
    for sig in (signal.SIGINT, signal.SIGTERM):
        p = subprocess.Popen([VOC_BIN, "analyze", "-", "--format", "text", "-o", str(out), "-q",
                              "--batch-size", "1"],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        p.stdin.write(b"the refund never arrived\n" * 5000)
        p.stdin.flush()
        deadline = time.time() + 60
        while time.time() < deadline and not [f for f in os.listdir(tmp_path) if ".tmp" in f]:
            time.sleep(0.05)
        temps = [f for f in os.listdir(tmp_path) if ".tmp" in f]
        assert temps, "no temporary file while writing"
        assert all(f != "out.jsonl.tmp" for f in temps)  # unique names
        p.send_signal(sig)
        p.wait(timeout=60)
        p.stdin.close()
        assert p.returncode == -sig
        assert os.listdir(tmp_path) == [], os.listdir(tmp_path)


def test_two_runs_on_one_output_do_not_interleave(tmp_path):
    src = write_csv(tmp_path / "in.csv", n=300)
    out = tmp_path / "out.jsonl"
    procs = [subprocess.Popen([VOC_BIN, "analyze", str(src), "-o", str(out), "-q"],
                              stderr=subprocess.PIPE) for _ in range(2)]
    for p in procs:
        assert p.wait(timeout=300) == 0
    lines = out.read_text().splitlines()
    assert len(lines) == 300
    for line in lines:
        json.loads(line)


def test_the_same_aggregate_twice_is_refused(voc, tmp_path):
    src = write_csv(tmp_path / "in.csv")
    a = tmp_path / "a.json"
    assert voc(*findings_args(src), "--save-aggregate", a, "-o", tmp_path / "f.json").code == 0
    r = voc("report", a, a)
    assert r.code == 1 and "counted twice" in r.err, r.err
    b = tmp_path / "b.json"
    b.write_bytes(a.read_bytes())
    r = voc("report", a, b)
    assert r.code == 1 and "counted twice" in r.err, r.err
    # Two different partials merge, and a merged one still refuses its parts.
    src2 = tmp_path / "in2.csv"
    src2.write_text(src.read_text().replace("twice again", "once more"))
    c = tmp_path / "c.json"
    assert voc(*findings_args(src2), "--save-aggregate", c, "-o", tmp_path / "g.json").code == 0
    r = voc("report", a, c, "-o", tmp_path / "ac.json")
    assert r.code == 0, r.err
    assert json.loads(a.read_text())["sources"] != json.loads(c.read_text())["sources"]


# ---- crashes and resource exhaustion ---------------------------------------------

def test_deeply_nested_json_is_a_located_reject(voc, tmp_path):
    deep = "[" * 100000 + "]" * 100000
    src = tmp_path / "deep.jsonl"
    src.write_text('{"text": "refund please", "id": "1"}\n'
                   '{"text": "fee charged twice", "meta": ' + deep + '}\n'
                   '{"text": "thanks for the help", "id": "3"}\n')
    rej = tmp_path / "rej.jsonl"
    for cmd in (["records", src], ["analyze", src, "-q"],
                ["findings", src, "-q", "-o", tmp_path / "f.json"]):
        r = voc(*cmd, "--rejects", rej)
        assert r.code == 0, (cmd, r.err)
        assert "2 emitted, 1 rejected" in r.err
        reason = json.loads(rej.read_text())["reason"]
        assert reason.startswith("invalid JSON: JSON nested deeper than 64 levels at byte"), reason
    # A deep aggregate or taxonomy is refused, not a crash.
    agg = tmp_path / "agg.json"
    agg.write_text('{"format": ' + deep + "}")
    r = voc("report", agg)
    assert r.code == 1 and "nested deeper than 64" in r.err
    tax = tmp_path / "tax.json"
    tax.write_text('{"themes": ' + deep + "}")
    r = voc("themes", "--taxonomy", tax, stdin="x\n")
    assert r.code == 1 and "nested deeper than 64" in r.err, r.err


def test_absurd_thread_counts_are_capped(voc, tmp_path):
    src = write_csv(tmp_path / "in.csv")
    r = voc("analyze", src, "--threads", "100000", "-q")
    assert r.code == 0, r.err
    assert "--threads 100000 is more than 4 per core; using" in r.err
    assert len(r.out.splitlines()) == 40
    r = voc("redact", "--threads", "100000", stdin="call 555-867-5309\n")
    assert r.code == 0 and "[PHONE]" in r.out and "using" in r.err


def test_negative_sizes_are_refused(voc, tmp_path):
    src = write_csv(tmp_path / "in.csv")
    r = voc("analyze", src, "--batch-size", "-1")
    assert r.code == 2 and "--batch-size must be at least 1, got -1" in r.err
    r = voc("findings", src, "--max-record-bytes", "-5")
    assert r.code == 2 and "--max-record-bytes must be at least 16, got -5" in r.err
    r = voc("records", src, "--max-record-bytes", "-1")
    assert r.code == 2


def test_deep_or_long_theme_ids_are_refused(voc, tmp_path):
    for theme_id, why in (("/".join(["a"] * 20000), "levels (at most 8"),
                          ("x" * 5000, "bytes long (at most 200)")):
        tax = tmp_path / "tax.json"
        tax.write_text(json.dumps({"themes": [{"id": theme_id, "department": "it",
                                                "rules": [{"include": ["refund"]}]}]}))
        r = voc("themes", "--taxonomy", tax, stdin="refund\n")
        assert r.code == 1 and why in r.err, r.err


# ---- wrong results and poor errors -----------------------------------------------

def test_out_of_range_epochs_are_rejected_with_a_hint(voc, tmp_path):
    src = tmp_path / "t.jsonl"
    lines = [json.dumps({"text": f"fee charged twice {i}", "t": 1700000000 + i * 86400})
             for i in range(10)]
    lines.append(json.dumps({"text": "ms epoch", "t": 1700000000000}))
    lines.append('{"text": "huge", "t": 123456789012345678901234567890}')
    src.write_text("\n".join(lines) + "\n")
    rej = tmp_path / "rej.jsonl"
    r = voc("findings", src, "--time-col", "t", "--period", "day", "-q", "--rejects", rej,
            "-o", tmp_path / "f.json")
    assert r.code == 0 and "10 emitted, 2 rejected" in r.err, r.err
    reasons = [json.loads(l)["reason"] for l in rej.read_text().splitlines()]
    assert "milliseconds since the epoch? divide by 1000" in reasons[0]
    assert "out of range" in reasons[1]
    f = json.loads((tmp_path / "f.json").read_text())
    assert f["records"]["total"] == 10
    assert len(f["window"]["periods"]) == 10  # one day each, no period stretched
    csv = tmp_path / "t.csv"
    csv.write_text("text,t\nhello there,1700000000000\n")
    r = voc("records", csv, "--time-col", "t")
    assert "1 rejected" in r.err and "milliseconds" in r.err


def test_malformed_last_period_is_a_usage_error(voc, tmp_path):
    src = write_csv(tmp_path / "in.csv")
    r = voc(*findings_args(src), "--last-period", "2024-13")
    assert r.code == 2 and "--last-period: '2024-13' is not a month period id" in r.err


def test_duplicate_csv_header_names(voc, tmp_path):
    src = tmp_path / "d.csv"
    src.write_text("id,note,text,note,\n1,a,refund please,b,c\n")
    r = voc("records", src)
    assert r.code == 0, r.err
    rec = json.loads(r.out)
    assert rec["metadata"] == {"note": "a", "note_2": "b", "column_5": "c"}
    assert "column 4 repeats the name 'note' of column 2; called 'note_2'" in r.err
    src.write_text("text,id,text\nx,1,y\n")
    r = voc("records", src)
    assert r.code == 1 and "CSV header names column 'text' twice (columns 1 and 3)" in r.err


def test_other_compressions_are_named(voc, tmp_path):
    plain = b"text\nrefund please\n"
    cases = {
        "double.csv.gz": (gzip.compress(gzip.compress(plain)), "gzip-compressed twice"),
        "z.csv": (zlib.compress(plain), "zlib-compressed (not gzip)"),
        "u16.csv": (plain.decode().encode("utf-16"), "UTF-16"),
        "a.zip": (b"PK\x03\x04" + b"\0" * 30, "ZIP archive"),
    }
    for name, (data, why) in cases.items():
        f = tmp_path / name
        f.write_bytes(data)
        r = voc("records", f)
        assert r.code == 1 and why in r.err, (name, r.err)


def test_big_jsonl_ids_keep_their_digits(voc, tmp_path):
    src = tmp_path / "ids.jsonl"
    src.write_text('{"id": 123456789012345678901234567890, "text": "hi", "n": 1.50}\n'
                   '{"id": 18446744073709551615, "text": "hi"}\n')
    r = voc("records", src)
    recs = [json.loads(l) for l in r.out.splitlines()]
    assert recs[0]["id"] == "123456789012345678901234567890"
    assert recs[0]["metadata"]["n"] == "1.50"
    assert recs[1]["id"] == "18446744073709551615"


def test_blank_lines_are_skipped_alike(voc, tmp_path):
    body = ["refund please", "", "   ", "\t", "fee charged twice"]
    (tmp_path / "t.txt").write_text("\n".join(body) + "\n")
    (tmp_path / "t.csv").write_text("text\n" + "\n".join(body) + "\n")
    (tmp_path / "t.jsonl").write_text("\n".join(json.dumps({"text": b}) if b.strip() else b
                                                for b in body) + "\n")
    for name in ("t.txt", "t.csv", "t.jsonl"):
        r = voc("records", tmp_path / name)
        assert r.code == 0
        assert "read 2 records: 2 emitted, 0 rejected" in r.err, (name, r.err)


def test_sentiment_model_is_not_a_themes_model(voc, tmp_path, source_dir):
    model = os.path.join(source_dir, "models", "sentiment.vocm")
    r = voc("analyze", "-", "--format", "text", "--themes", model, stdin="refund\n")
    assert r.code == 1 and "is a sentiment model (task 'sentiment'), not a themes model" in r.err


def test_long_department_names_give_short_file_names(voc, tmp_path):
    dept = "Department of " + "very " * 200 + "long names"
    tax = tmp_path / "tax.json"
    tax.write_text(json.dumps({"themes": [
        {"id": "billing", "department": dept, "role": "enhancer",
         "rules": [{"include": ["fee", "charged"]}]},
        {"id": "refunds", "department": "日本語の部署", "role": "enhancer",
         "rules": [{"include": ["refund"]}]}]}))
    src = write_csv(tmp_path / "in.csv")
    d = tmp_path / "digests"
    r = voc(*findings_args(src), "--themes", tax, "--digests", d, "-o", tmp_path / "f.json",
            "--window", "0")
    assert r.code == 0, r.err
    names = sorted(os.listdir(d))
    assert "README.md" in names and len(names) == 3, names
    assert all(len(n) <= 80 for n in names), names


# ---- personal data in every column and output ------------------------------------

PII = {
    "email": "jane.doe@example.com",
    "phone": "555-867-5309",
    "ssn": "123-45-6789",
    "card": "4111 1111 1111 1111",
}


def test_identity_columns_are_redacted_everywhere(voc, tmp_path):
    rows = ["id,date,channel,customer,note,text"]
    for i in range(30):
        rows.append(f"{PII['email'] if i % 2 else 'r' + str(i)},2024-0{1 + i % 5}-10,"
                    f"{PII['phone'] if i % 3 == 0 else 'chat'},{PII['ssn'] if i % 2 else 'cust' + str(i % 4)},"
                    f"{PII['card']},\"The fee was charged twice again; refund please {i}\"")
    src = tmp_path / "in.csv"
    src.write_text("\n".join(rows) + "\n")
    out = tmp_path / "o"
    out.mkdir()
    cols = ["--id-col", "id", "--time-col", "date", "--channel-col", "channel",
            "--customer-col", "customer"]
    r1 = voc("analyze", src, *cols, "-q", "-o", out / "a.jsonl")
    r2 = voc("findings", src, *cols, "--period", "month", "--window", "0",
             "-o", out / "f.json", "--csv", out / "f.csv", "--html", out / "f.html",
             "--digests", out / "d", "--save-aggregate", out / "agg.json")
    r3 = voc("records", src, *cols)
    assert r1.code == r2.code == r3.code == 0, (r1.err, r2.err, r3.err)
    texts = {"stdout": r3.out, "stderr": r1.err + r2.err + r3.err}
    for root, _, files in os.walk(out):
        for f in files:
            texts[f] = open(os.path.join(root, f), encoding="utf-8").read()
    for where, text in texts.items():
        for kind, value in PII.items():
            assert value not in text, (kind, where)
        assert "4111111111111111" not in text
    # Repeat customers are still counted, by keyed hash.
    agg = json.loads((out / "agg.json").read_text())
    keys = {k for t in agg["themes"].values() for p in t["customers"].values() for k in p}
    assert keys and all(k.startswith("cust-") and len(k) == 37 for k in keys)
    # Same salt: same keys (so partial aggregates merge exactly); another salt: others.
    a = [json.loads(l)["customer_id"] for l in (out / "a.jsonl").read_text().splitlines()]
    r = voc("analyze", src, *cols, "-q")
    assert [json.loads(l)["customer_id"] for l in r.out.splitlines()] == a
    r = voc("analyze", src, *cols, "-q", "--customer-salt", "s3cret")
    b = [json.loads(l)["customer_id"] for l in r.out.splitlines()]
    assert b != a and len(set(b)) == len(set(a))


def test_rejects_are_redacted_before_they_are_cut(voc, tmp_path):
    # The card straddles the 4096-byte cut of a rejected record's raw text, the
    # e-mail the 64-character cut of a timestamp reason.
    pad = "x" * (4096 - len('{"text": "') - 9)  # the card covers bytes 4088-4106
    src = tmp_path / "r.jsonl"
    src.write_text('{"text": "' + pad + ' 4111 1111 1111 1111 tail", broken\n'
                   '{"text": "ok", "t": "on 2024-01-01 write to ' + "y" * 30 +
                   ' jane.doe@example.com or 4111 1111 1111 1111"}\n')
    rej = tmp_path / "rej.jsonl"
    r = voc("records", src, "--time-col", "t", "--rejects", rej)
    assert "2 rejected" in r.err
    r2 = voc("records", src, "--time-col", "t")
    for text in (rej.read_text(), r2.err):
        assert "4111 111" not in text and "jane.doe" not in text, text[-300:]
    first = json.loads(rej.read_text().splitlines()[0])
    assert len(first["raw"].encode()) <= 4096 + 3 and first["raw"].endswith("...")


# ---- the privacy generator: every kind, every spelling, every column, every output ----

INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u2060", "\u00ad", "\u200e", "\u202e", "\ufeff"]
SCRIPTS = [0xFF10, 0x0660, 0x06F0, 0x0966]


def _in_script(s, zero):
    return "".join(chr(zero + int(c)) if c.isdigit() and c.isascii() else c for c in s)


def _interleave(s, inv):
    return inv.join(s)


def pii_variants():
    """(kind, value, probe) triples: probe is what must not survive (ASCII digits
    or a lower-cased text, compared after folding the outputs)."""
    card, ssn, phone = "4111111111111111", "123456789", "5558675309"
    out = []
    for sep in [" ", "-", ".", "/", "_", "\u2013", "\u00a0", ""]:
        out.append(("card", sep.join([card[i:i + 4] for i in range(0, 16, 4)]), card))
    for inv in INVISIBLE:
        out.append(("card", _interleave("4111 1111 1111 1111", inv), card))
        out.append(("ssn", _interleave("123-45-6789", inv), ssn))
        out.append(("email", _interleave("jane.doe@example.com", inv), "jane.doe"))
        out.append(("phone", _interleave("555-867-5309", inv), phone))
    for zero in SCRIPTS:
        out.append(("card", _in_script("4111 1111 1111 1111", zero), card))
        out.append(("ssn", _in_script("123-45-6789", zero), ssn))
        out.append(("phone", _in_script("(555) 867-5309", zero), phone))
    # national phone numbers and postal addresses of the supported languages
    out += [("phone", "030 8475921", "8475921"),
            ("phone", "+49 (0)30 736 184 2", "7361842"),
            ("phone", "0170/6293847", "6293847"),
            ("phone", "06 84 75 92 13", "0684759213"),
            ("phone", "612 84 75 92", "612847592"),
            ("phone", "(11) 98475-9213", "984759213"),
            ("phone", "347 847 5921", "3478475921"),
            ("phone", "06-84759213", "0684759213"),
            ("address", "Lindenstraße 47, 10115 Berlin", "lindenstraße 47"),
            ("address", "12 rue de la Paix, 75002 Paris", "rue de la paix"),
            ("address", "Calle Mayor 5, 28013 Madrid", "calle mayor 5"),
            ("address", "Via Roma 10, 00184 Roma", "via roma 10"),
            ("address", "Kerkstraat 1, 1017 GC Amsterdam", "kerkstraat 1"),
            ("address", "Rua Augusta 100, 1100-053 Lisboa", "rua augusta 100")]
    for sep in ["-", " ", ".", "\u2013"]:
        out.append(("ssn", sep.join(["123", "45", "6789"]), ssn))
    out += [("card", "paid 3 4111 1111 1111 1111", card),
            ("card", "4111 1111 1111 1111 5", card),
            ("email", "jane.doe\uff20example.com", "jane.doe"),
            ("email", "JANE.DOE@EXAMPLE.COM", "jane.doe"),
            ("iban", "de89370400440532013000", "370400440532013000"),
            ("iban", "DE89-3704-0044-0532-0130-00", "370400440532013000"),
            ("iban", "DE89 3704 0044 0532 0130 00", "370400440532013000"),
            ("phone", "0044 20 7946 0958", "2079460958"),
            ("phone", "+44 20 7946 0958", "2079460958"),
            ("url", "example.com/reset?token=Zx81kQ03pLm29vBn", "zx81kq03plm29vbn"),
            ("url", "https://example.com/cb?next=%2Freset%3Ftoken%3DZx81kQ03pLm29vBn",
             "zx81kq03plm29vbn"),
            ("ip", "203.0.113.77", "203011377"),
            ("ip", "2001:db8::8a2e:370:7334", "8a2e:370:7334"),
            ("account", "acct # 7741 2290 1187", "22901187"),
            ("account", "account number 00123456789", "00123456789"),
            ("account", "IBAN DE89 3704 0044 0532 0130 01", "370400440532013001")]
    return out


def _fold(text):
    import unicodedata
    out = []
    for ch in text:
        if unicodedata.category(ch) == "Cf":
            continue
        if ch.isdigit() and not ch.isascii():
            try:
                ch = str(unicodedata.digit(ch))
            except ValueError:
                pass
        out.append(ch)
    return unicodedata.normalize("NFKC", "".join(out)).lower()


def _digits(text):
    """The digit runs of `text` (digits joined by at most one separator), each
    without its separators, one per line."""
    import re
    return "\n".join(re.sub(r"[^0-9]", "", m.group(0))
                     for m in re.finditer(r"[0-9](?:[ \-./_\u2013]?[0-9])*", text))


def test_planted_pii_of_every_kind_and_spelling_reaches_no_output(voc, tmp_path, capsys):
    variants = pii_variants()
    columns = ["id", "channel", "customer", "note", "text"]
    rows = []
    for i, (kind, value, probe) in enumerate(variants):
        for col in columns:  # every variant in every column
            row = {"id": f"r{i}-{col}", "date": f"2024-0{1 + i % 6}-1{i % 9}", "channel": "chat",
                   "customer": f"c{i % 5}", "note": "n",
                   "text": f"The fee was charged twice, refund please (case {i})"}
            row[col] = value if col != "text" else f"refund please, {value} was charged twice"
            rows.append(row)
    jsonl = tmp_path / "in.jsonl"
    jsonl.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n",
                     encoding="utf-8")
    # The same records with a broken line holding every value, for the rejects.
    broken = tmp_path / "broken.jsonl"
    broken.write_text(jsonl.read_text(encoding="utf-8") + "{oops " +
                      " ".join(v for _, v, _ in variants) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    cols = ["--time-col", "date", "--channel-col", "channel", "--customer-col", "customer"]
    runs = [voc("records", broken, *cols, "--rejects", out / "rec_rejects.jsonl"),
            voc("records", broken, *cols),
            voc("analyze", broken, *cols, "-o", out / "a.jsonl", "--rejects", out / "rej.jsonl"),
            voc("findings", broken, *cols, "--period", "month", "--window", "0",
                "-o", out / "f.json", "--csv", out / "f.csv", "--html", out / "f.html",
                "--digests", out / "d", "--save-aggregate", out / "agg.json")]
    for r in runs:
        assert r.code == 0, r.err
    texts = {"stdout": "".join(r.out for r in runs), "stderr": "".join(r.err for r in runs)}
    for root, _, files in os.walk(out):
        for f in files:
            texts[f] = open(os.path.join(root, f), encoding="utf-8").read()
    folded = {k: _fold(v) for k, v in texts.items()}
    digits = {k: _digits(v) for k, v in folded.items()}
    missed, per_kind = [], {}
    for kind, value, probe in variants:
        hit = per_kind.setdefault(kind, [0, 0])
        hit[1] += 1
        leaked = [k for k in texts
                  if (probe.isdigit() and probe in digits[k]) or
                  (not probe.isdigit() and probe in folded[k])]
        if leaked:
            missed.append((kind, value, leaked))
        else:
            hit[0] += 1
    with capsys.disabled():
        print("\nplanted PII recall over every column and output:")
        for kind, (h, n) in sorted(per_kind.items()):
            print(f"  {kind:6} {h}/{n}")
    assert not missed, missed
