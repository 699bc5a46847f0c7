"""Bad input never crashes and never loses a record: each case gives a clear,
located error or a counted reject."""
import json
import os


def run_analyze(voc, path, *extra):
    return voc("analyze", path, "-q", *extra)


def test_50mb_single_record_is_rejected_not_crashed(voc, tmp_path):
    src = tmp_path / "huge.txt"
    with open(src, "w") as f:
        f.write("short first line\n")
        f.write("word " * (10 * 1024 * 1024))  # 50 MB on one line
        f.write("\nlast line\n")
    rej = tmp_path / "rejects.jsonl"
    r = run_analyze(voc, src, "--format", "text", "--rejects", rej)
    assert r.code == 0, r.err
    assert "read 3 records: 2 emitted, 1 rejected" in r.err
    reasons = [json.loads(l)["reason"] for l in rej.read_text().splitlines()]
    assert len(reasons) == 1 and "exceeds" in reasons[0]
    assert len(r.out.splitlines()) == 2


def test_empty_and_header_only_files(voc, tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    r = run_analyze(voc, empty)
    assert r.code == 0, r.err
    assert r.out == ""
    assert "read 0 records" in r.err
    header = tmp_path / "header.csv"
    header.write_text("id,text\n")
    r = run_analyze(voc, header)
    assert r.code == 0, r.err
    assert "read 0 records: 0 emitted, 0 rejected" in r.err


def test_invalid_utf8_nul_and_mixed_line_endings(voc, tmp_path):
    src = tmp_path / "mixed.csv"
    src.write_bytes(b"id,text\r\n1,caf\xc3\xa9 ok\n2,bad \xff\xfe bytes\r\n3,has a \x00 nul\n4,fine\r\n")
    rej = tmp_path / "rej.jsonl"
    r = run_analyze(voc, src, "--rejects", rej)
    assert r.code == 0, r.err
    out = [json.loads(l) for l in r.out.splitlines()]
    rejects = [json.loads(l) for l in rej.read_text().splitlines()] if rej.exists() else []
    assert len(out) + len(rejects) == 4
    assert "read 4 records" in r.err
    bad = [o for o in out if o["id"] == "2"]
    assert bad and bad[0]["invalid_utf8"] >= 1 and "\ufffd" in bad[0]["text"]


def test_unparseable_timestamp_is_a_counted_reject(voc, tmp_path):
    src = tmp_path / "dates.csv"
    src.write_text("id,date,text\n1,2024-01-05,fine\n2,31/31/2020,bad date\n3,01/07/2024,fine too\n")
    rej = tmp_path / "rej.jsonl"
    r = run_analyze(voc, src, "--time-col", "date", "--rejects", rej)
    assert r.code == 0, r.err
    assert "read 3 records: 2 emitted, 1 rejected" in r.err
    row = json.loads(rej.read_text().splitlines()[0])
    assert row["line"] == 3 and "cannot parse timestamp '31/31/2020'" in row["reason"]


def test_taxonomy_with_invalid_pattern_is_a_clear_error(voc, tmp_path):
    tax = tmp_path / "bad.json"
    tax.write_text(json.dumps({"name": "t", "version": 1, "themes": [
        {"id": "billing", "label": "Billing", "department": "finance",
         "rules": [{"id": "r1", "include": ["(unclosed"]}]}]}))
    src = tmp_path / "in.txt"
    src.write_text("hello\n")
    r = voc("findings", src, "--format", "text", "--themes", tax)
    assert r.code == 1
    assert r.err.startswith("voc: ")
    assert "billing" in r.err and "r1" in r.err and "missing )" in r.err


def test_corrupt_model_is_refused_with_a_clear_error(voc, tmp_path, source_dir):
    src = tmp_path / "in.txt"
    src.write_text("hello\n")
    bad = tmp_path / "bad.vocm"
    bad.write_bytes(b"\x00garbage that is not a model" * 10)
    r = voc("findings", src, "--format", "text", "--themes", bad)
    assert r.code == 1
    assert r.err.startswith("voc: ") and "model" in r.err
    real = os.path.join(source_dir, "models", "cfpb_product.vocm")
    if os.path.exists(real):
        data = open(real, "rb").read()
        cut = tmp_path / "cut.vocm"
        cut.write_bytes(data[: len(data) // 2])
        r = voc("findings", src, "--format", "text", "--themes", cut)
        assert r.code == 1 and r.err.startswith("voc: ")


def test_missing_text_column_in_jsonl_is_rejected(voc, tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text('{"text": "fine"}\n{"body": "no text"}\n{not json}\n{"text": "also fine"}\n')
    r = run_analyze(voc, src)
    assert r.code == 0, r.err
    assert "read 4 records: 2 emitted, 2 rejected" in r.err


def test_reject_reasons_are_redacted_too(voc, tmp_path):
    src = tmp_path / "dates.csv"
    src.write_text("id,date,text\n1,jane.doe@example.com,fine\n2,2024-01-05,ok\n")
    rej = tmp_path / "rej.jsonl"
    r = run_analyze(voc, src, "--time-col", "date", "--rejects", rej)
    assert r.code == 0, r.err
    body = rej.read_text()
    assert "jane.doe@example.com" not in body and "[EMAIL]" in body
    r = run_analyze(voc, src, "--time-col", "date")
    assert "jane.doe@example.com" not in r.err and "[EMAIL]" in r.err
