"""CLI tests of `voc analyze` and `voc findings`: reconciliation, determinism,
atomic outputs, privacy of every output, HTML escaping."""
import csv
import io
import json
import os
import subprocess

from conftest import VOC_BIN

PII = {
    "email": "jane.doe@example.com",
    "phone": "(415) 555-0132",
    "card": "4111 1111 1111 1111",
    "ssn": "123-45-6789",
    "iban": "DE89 3704 0044 0532 0130 00",
    "ip": "192.168.14.27",
    "url": "https://example.com/reset?token=abcd1234efgh5678",
    "account": "account number 99887766",
}

TEXTS = [
    "They charged me a late fee twice, this is the third time I call about it.",
    "Package never arrived, where is my order? I was on hold for an hour.",
    "The app keeps crashing when I log in, I will cancel and switch to another bank.",
    "Great service, the agent fixed it right away, thank you!",
    "I was told the fee would be waived but it was not. <script>alert('x')</script> \"onload=\"",
]


def write_csv(path, rows):
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["id", "date", "channel", "text"])
        w.writerows(rows)


def sample_rows(n=120, pii=True):
    rows = []
    kinds = list(PII.items())
    for i in range(n):
        text = TEXTS[i % len(TEXTS)]
        if pii:
            kind, value = kinds[i % len(kinds)]
            text += f" Contact: {value}."
        day = 1 + (i % 28)
        month = 1 + (i // 28) % 4
        rows.append([f"r{i}", f"2024-{month:02d}-{day:02d}", ["call", "email", "social"][i % 3], text])
    return rows


def test_analyze_reconciles_and_redacts(voc, tmp_path):
    src = tmp_path / "in.csv"
    write_csv(src, sample_rows(40))
    with open(src, "a", encoding="utf-8") as f:
        f.write('r-bad,2024-01-01,call,"unterminated quote and ' + PII["email"] + '\n')
    out, rej = tmp_path / "out.jsonl", tmp_path / "rejects.jsonl"
    r = voc("analyze", src, "--id-col", "id", "--time-col", "date", "--channel-col", "channel",
            "-o", out, "--rejects", rej, "--threads", "2")
    assert r.code == 0, r.err
    assert "read 41 records: 40 emitted, 1 rejected" in r.err
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 40
    first = json.loads(lines[0])
    assert first["id"] == "r0" and first["channel"] == "call"
    assert first["timestamp"].startswith("2024-01-01")
    assert {"sentiment", "themes", "signals", "unclassified", "text"} <= set(first)
    rejects = [json.loads(l) for l in rej.read_text(encoding="utf-8").splitlines()]
    assert len(rejects) == 1 and "unterminated" in rejects[0]["reason"]
    everything = out.read_text(encoding="utf-8") + rej.read_text(encoding="utf-8") + r.err
    for kind, value in PII.items():
        assert value not in everything, kind


def test_analyze_is_deterministic_across_threads(voc, tmp_path):
    src = tmp_path / "in.csv"
    write_csv(src, sample_rows(90))
    outs = []
    for t in ("1", "2", "3"):
        r = voc("analyze", src, "--id-col", "id", "--time-col", "date", "--threads", t, "-q")
        assert r.code == 0, r.err
        outs.append(r.out)
    assert outs[0] == outs[1] == outs[2]
    assert len(outs[0].splitlines()) == 90


def test_analyze_bad_column_is_a_clear_error_and_writes_nothing(voc, tmp_path):
    src = tmp_path / "in.csv"
    write_csv(src, sample_rows(3))
    out = tmp_path / "out.jsonl"
    r = voc("analyze", src, "--text-col", "body", "-o", out)
    assert r.code == 1
    assert r.err.startswith("voc: ") and "'body' not found" in r.err
    assert not out.exists()
    assert not (tmp_path / "out.jsonl.tmp").exists()


def test_analyze_usage_errors(voc):
    r = voc("analyze")
    assert r.code == 2 and "missing INPUT" in r.err
    r = voc("analyze", "x.csv", "--no-such-flag")
    assert r.code == 2 and r.err.startswith("voc: ")
    r = voc("analyze", "/nonexistent/in.csv")
    assert r.code == 1 and "/nonexistent/in.csv" in r.err


def test_findings_outputs_have_no_pii_and_escape_html(voc, tmp_path):
    src = tmp_path / "in.csv"
    write_csv(src, sample_rows(160))
    out, html, csvf, dig = tmp_path / "f.json", tmp_path / "r.html", tmp_path / "f.csv", tmp_path / "digests"
    agg = tmp_path / "agg.json"
    r = voc("findings", src, "--id-col", "id", "--time-col", "date", "--channel-col", "channel",
            "--period", "week", "-o", out, "--html", html, "--csv", csvf, "--digests", dig,
            "--save-aggregate", agg)
    assert r.code == 0, r.err
    f = json.loads(out.read_text(encoding="utf-8"))
    assert f["schema_version"] == "1.1"
    assert f["findings"], "expected findings"
    assert all(x["department"] for x in f["findings"] if x["theme"] != "unclassified")
    page = html.read_text(encoding="utf-8")
    assert "<script>alert" not in page
    assert "&lt;script&gt;" in page or "script" not in page
    assert "http://" not in page.replace("http://www.w3.org", "")  # self-contained: no network
    texts = [out.read_text(encoding="utf-8"), page, csvf.read_text(encoding="utf-8"),
             agg.read_text(encoding="utf-8"), r.err]
    texts += [p.read_text(encoding="utf-8") for p in dig.iterdir()]
    assert len(list(dig.iterdir())) >= 2
    for kind, value in PII.items():
        for t in texts:
            assert value not in t, kind


def test_findings_bad_period_is_usage_error(voc, tmp_path):
    src = tmp_path / "in.csv"
    write_csv(src, sample_rows(3))
    r = voc("findings", src, "--period", "fortnight")
    assert r.code == 2
    assert "fortnight" in r.err


def test_findings_are_byte_identical_for_any_thread_count(voc, tmp_path):
    src = tmp_path / "in.csv"
    write_csv(src, sample_rows(150))
    outs = []
    for t in ("1", "2", "4"):
        out = tmp_path / f"f{t}.json"
        html = tmp_path / f"r{t}.html"
        r = voc("findings", src, "--id-col", "id", "--time-col", "date", "--channel-col", "channel",
                "--period", "week", "--threads", t, "--batch-size", "7", "-o", out, "--html", html, "-q")
        assert r.code == 0, r.err
        outs.append((out.read_bytes(), html.read_bytes()))
    assert outs[0] == outs[1] == outs[2]


def test_findings_with_a_trained_model_as_themes(voc, tmp_path, source_dir):
    model = os.path.join(source_dir, "models", "cfpb_product.vocm")
    src = os.path.join(source_dir, "examples", "data", "cfpb_complaints.csv.gz")
    out = tmp_path / "f.json"
    r = voc("findings", src, "--id-col", "id", "--time-col", "date", "--period", "month",
            "--themes", model, "-o", out, "-q")
    assert r.code == 0, r.err
    f = json.loads(out.read_text(encoding="utf-8"))
    themes = {x["theme"] for x in f["findings"]}
    # The model's labels (CFPB products) are the themes now, not the taxonomy's.
    assert any("credit" in t for t in themes)
    assert not any(t.startswith("service/") for t in themes)
    assert f["records"]["total"] == 1532


def test_a_full_disk_is_a_write_error(voc, source_dir):
    sample = os.path.join(source_dir, "examples", "data", "sample_tweets.txt")
    for command in (["analyze", sample], ["sentiment", sample], ["tokenize", sample],
                    ["analyze", "--threads", "2", "--batch-size", "16", sample]):
        with open("/dev/full", "w") as full:
            proc = subprocess.run([VOC_BIN, *command], stdout=full, stderr=subprocess.PIPE, timeout=600)
        assert proc.returncode == 1, command
        assert "voc: write error on output: No space left on device" in proc.stderr.decode(), command


def test_rejects_that_cannot_be_written_lose_no_record(tmp_path):
    # The rejects go to a full device (record 1003 has no text): the run
    # fails, and every record analysed, the first 1,000 (read to choose the
    # industry packs, written with the pipeline's first output) and the rest,
    # is in the output, a regular file here (written in large writes).
    src = tmp_path / "in.csv"
    rows = ["id,text"] + [f"{i},my parcel {i} never arrived" if i != 1003 else f"{i}," for i in range(1010)]
    src.write_text("\n".join(rows) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    with open(out, "wb") as stdout:
        proc = subprocess.run([VOC_BIN, "analyze", src, "--text-col", "text", "--id-col", "id", "--adapt", "off",
                               "--rejects", "/dev/full", "-q"], stdout=stdout, stderr=subprocess.PIPE, timeout=600)
    assert proc.returncode == 1
    assert "No space left on device" in proc.stderr.decode()
    ids = [json.loads(l)["id"] for l in out.read_text(encoding="utf-8").splitlines()]
    assert ids == [str(i) for i in range(1010) if i != 1003]
