"""CLI tests of `voc records`: formats, gzip, rejects, counts and errors."""
import gzip
import json
import os


def data(source_dir, name):
    return os.path.join(source_dir, "tests", "data", "reader", name)


def records(out):
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def test_help(voc):
    r = voc("records", "--help")
    assert r.code == 0
    for flag in ("--format", "--text-col", "--id-col", "--time-col", "--channel-col",
                 "--customer-col", "--rejects"):
        assert flag in r.out


def test_csv_with_columns(voc, source_dir):
    r = voc("records", data(source_dir, "complaints.csv"), "--text-col", "body",
            "--time-col", "date", "--channel-col", "channel")
    assert r.code == 0, r.err
    got = records(r.out)
    assert [g["id"] for g in got] == ["A1", "A2", "A3"]
    assert got[0] == {"index": 0, "line": 2, "id": "A1", "timestamp": "2024-03-01T00:00:00Z",
                      "channel": "phone", "customer_id": "", "text": 'Charged twice, "again"',
                      "metadata": {}}
    assert got[1]["text"] == "Line one\r\nline two"
    assert got[2]["line"] == 5
    assert r.err.strip() == "voc: read 3 records: 3 emitted, 0 rejected"


def test_gzip_jsonl_and_text(voc, source_dir):
    r = voc("records", data(source_dir, "complaints.csv.gz"), "--text-col", "body")
    assert r.code == 0, r.err
    assert len(records(r.out)) == 3
    assert records(r.out)[0]["metadata"] == {"date": "2024-03-01", "channel": "phone"}

    r = voc("records", data(source_dir, "reviews.jsonl"))
    assert r.code == 0, r.err
    got = records(r.out)
    assert got[0]["metadata"] == {"stars": "2", "tags": '["a","b"]'}

    r = voc("records", data(source_dir, "verbatims.txt"))
    assert [g["id"] for g in records(r.out)] == ["1", "3", "4"]


def test_stdin_sniffed_and_gzip(voc):
    payload = gzip.compress(b'{"text":"from stdin","customer":"c1"}\n')
    r = voc("records", "-", "--customer-col", "customer", stdin=payload)
    assert r.code == 0, r.err
    got = records(r.out)
    assert got[0]["text"] == "from stdin"
    assert got[0]["customer_id"] == "c1"
    r = voc("records", "--format", "text", stdin="a,b\nc\n")
    assert [g["text"] for g in records(r.out)] == ["a,b", "c"]


def test_rejects_file_and_counts(voc, source_dir, tmp_path):
    rejects = tmp_path / "rejects.jsonl"
    r = voc("records", data(source_dir, "broken.csv"), "--time-col", "date",
            "--rejects", rejects)
    assert r.code == 0, r.err
    assert [g["text"] for g in records(r.out)] == ["good record", "fine again", "last good"]
    assert r.err.strip() == "voc: read 8 records: 3 emitted, 5 rejected"
    rows = [json.loads(line) for line in rejects.read_text().splitlines()]
    assert [x["line"] for x in rows] == [4, 5, 6, 7, 8]
    assert rows[0] == {"index": 2, "line": 4,
                       "reason": "cannot parse timestamp '31/31/2020' in column 'date': "
                                 "month 31 is out of range",
                       "raw": "3,bad date,31/31/2020\n"}
    assert rows[4]["reason"] == "unterminated quoted field starting at line 8"


def test_rejects_warned_on_stderr_without_file(voc, source_dir):
    r = voc("records", data(source_dir, "broken.csv"))
    assert r.code == 0
    assert "voc: line 5: empty text in column 'text'" in r.err
    assert "voc: line 8: unterminated quoted field starting at line 8" in r.err


def test_invalid_utf8_is_replaced_in_json_output(voc):
    r = voc("records", "--format", "text", stdin=b"caf\xe9 ok\n")
    assert r.code == 0
    assert records(r.out)[0]["text"] == "caf\ufffd ok"


def test_fatal_errors(voc, source_dir, tmp_path):
    r = voc("records", data(source_dir, "complaints.csv"), "--text-col", "txt")
    assert r.code == 1
    assert r.err.strip() == ("voc: text column 'txt' not found; columns are: "
                             "id, body, date, channel")
    missing = os.path.join(source_dir, "no_such_file.csv")
    r = voc("records", missing)
    assert r.code == 1
    assert r.err.strip() == f"voc: input file '{missing}' not found"
    r = voc("records", data(source_dir, "verbatims.txt"), "--format", "xml")
    assert r.code == 2
    assert "unknown input format 'xml'" in r.err
    r = voc("records", data(source_dir, "verbatims.txt"), "--rejects",
            tmp_path / "no" / "dir.jsonl")
    assert r.code == 1
    assert "cannot open rejects file" in r.err


def test_truncated_gzip_keeps_records_and_fails(voc, tmp_path):
    body = "".join(f"line {i}\n" for i in range(5000)).encode()
    z = gzip.compress(body)
    path = tmp_path / "cut.txt.gz"
    path.write_bytes(z[: len(z) // 2])
    r = voc("records", path)
    assert r.code == 1
    got = records(r.out)
    assert len(got) > 10
    assert got[0]["text"] == "line 0"
    assert "gzip data truncated at byte offset" in r.err
    assert "voc: read " in r.err


def test_empty_and_header_only(voc, tmp_path):
    for name, content in (("empty.csv", b""), ("header.csv", b"id,text\r\n")):
        p = tmp_path / name
        p.write_bytes(content)
        r = voc("records", p)
        assert r.code == 0, r.err
        assert r.out == ""
        assert r.err.strip() == "voc: read 0 records: 0 emitted, 0 rejected"


def test_records_redacts_personal_data_by_default(voc):
    src = "id,text\n1,mail me at jane.doe@example.com or call (415) 555-0132\n"
    r = voc("records", "--format", "csv", stdin=src)
    assert r.code == 0, r.err
    out = json.loads(r.out.splitlines()[0])
    assert out["text"] == "mail me at [EMAIL] or call [PHONE]"
    raw = voc("records", "--format", "csv", "--no-redact", stdin=src)
    assert "jane.doe@example.com" in raw.out
