"""`voc report`: findings, CSV, HTML and digests from serialized aggregates."""
import csv
import io
import json
import os


def aggregate_path(source_dir):
    return os.path.join(source_dir, "tests/data/findings/planted_aggregate.json")


def test_help(voc):
    r = voc("report", "--help")
    assert r.code == 0
    assert "usage: voc report AGGREGATE.json" in r.out
    assert "--digests" in r.out


def test_usage_errors(voc, source_dir, tmp_path):
    r = voc("report")
    assert r.code == 2
    assert "voc: no aggregate file given" in r.err
    r = voc("report", aggregate_path(source_dir), "--period", "year")
    assert r.code == 2
    assert "voc: unknown period 'year' (expected day, week or month)" in r.err
    r = voc("report", aggregate_path(source_dir), "--chronic-k", "5")
    assert r.code == 2
    assert "voc: chronic_k must be in [1, chronic_n]" in r.err
    r = voc("report", aggregate_path(source_dir), "--last-period", "2024-13")
    assert r.code == 2
    assert "voc: --last-period: '2024-13' is not a week period id" in r.err
    r = voc("report", aggregate_path(source_dir), "--bogus")
    assert r.code == 2


def test_failures(voc, source_dir, tmp_path):
    r = voc("report", str(tmp_path / "missing.json"))
    assert r.code == 1
    assert "voc: cannot open" in r.err
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    r = voc("report", str(bad))
    assert r.code == 1
    assert "bad.json: aggregate: not valid JSON" in r.err
    r = voc("report", aggregate_path(source_dir), "--period", "month")
    assert r.code == 1
    assert ("voc: --period month: cannot regroup a week aggregate by month: "
            "only day aggregates regroup exactly") in r.err
    r = voc("report", aggregate_path(source_dir), "-o", str(tmp_path / "no/such/dir/f.json"))
    assert r.code == 1
    assert "does not exist" in r.err
    # Aggregates built with different options do not merge.
    doc = json.load(open(aggregate_path(source_dir)))
    doc["options"]["evidence_per_theme"] = 7
    other = tmp_path / "other.json"
    other.write_text(json.dumps(doc))
    r = voc("report", aggregate_path(source_dir), str(other))
    assert r.code == 1
    assert "cannot merge aggregates with different options" in r.err


def test_all_outputs(voc, source_dir, tmp_path):
    out, csv_path, html, digests = (tmp_path / "f.json", tmp_path / "f.csv",
                                    tmp_path / "r.html", tmp_path / "digests")
    r = voc("report", aggregate_path(source_dir), "--period", "week", "-o", out,
            "--csv", csv_path, "--html", html, "--digests", digests)
    assert r.code == 0, r.err
    assert "11 findings (2 chronic, 1 emerging, 1 spike, 1 resolved) over 2024-W01..2024-W12" in r.err
    doc = json.load(open(out))
    assert doc["schema_version"] == "1.1"
    status = {f["theme"]: f["status"] for f in doc["findings"]}
    assert status["billing/unexpected-fee"] == "chronic"
    assert status["delivery/late"] == "chronic"
    assert status["app/login-failure"] == "emerging"
    assert status["product/overheating"] == "spike"
    assert status["store/closure"] == "resolved"
    assert doc["escalations"] == ["product/overheating"]
    for f in doc["findings"]:
        assert abs(f["priority"]["score"] - sum(p["points"] for p in f["priority"]["parts"])) < 0.05

    raw = open(csv_path, newline="").read()
    assert "\r\n" in raw
    rows = list(csv.reader(io.StringIO(raw)))
    assert len(rows) == 12
    assert rows[0][:3] == ["rank", "theme", "status"]
    assert all(len(row) == len(rows[0]) for row in rows)

    page = open(html).read()
    assert page.startswith("<!DOCTYPE html>")
    assert "<svg" in page and "<script" not in page

    names = sorted(os.listdir(digests))
    assert names == ["README.md", "billing.md", "customer-service.md", "digital.md",
                     "engineering.md", "finance.md", "logistics.md", "marketing.md", "retail.md"]
    assert "Next step" in open(digests / "billing.md").read()
    # No temporary files are left next to the outputs.
    assert not [n for n in os.listdir(tmp_path) if n.startswith(".")]


def test_stdout_and_exact_merge(voc, source_dir, tmp_path):
    one = voc("report", aggregate_path(source_dir))
    assert one.code == 0, one.err
    doc = json.loads(one.out)
    assert doc["records"]["total"] == 12050
    # Merging an aggregate with itself would count every record twice: refused.
    two = voc("report", aggregate_path(source_dir), aggregate_path(source_dir))
    assert two.code == 1 and "would be counted twice" in two.err, two.err


def test_hostile_evidence_is_escaped(voc, source_dir, tmp_path):
    doc = json.load(open(aggregate_path(source_dir)))
    nasty = '<script>alert("x")</script> "><img onerror=alert(1)> & \'q\''
    for theme in doc["themes"].values():
        for e in theme["evidence_negative"] + theme["evidence_other"]:
            e["snippet"] = nasty
            e["spans"] = [[0, 8]]
    path = tmp_path / "nasty.json"
    path.write_text(json.dumps(doc))
    html = tmp_path / "r.html"
    digests = tmp_path / "d"
    r = voc("report", path, "--html", html, "--digests", digests, "--csv", tmp_path / "f.csv")
    assert r.code == 0, r.err
    page = open(html).read()
    assert "<script" not in page
    assert "<img" not in page
    assert "&lt;img onerror=alert(1)&gt;" in page
    assert "&quot;&gt;" in page
    md = open(digests / "billing.md").read()
    assert "<script>" not in md and "&lt;script&gt;" in md
    rows = list(csv.reader(open(tmp_path / "f.csv", newline="")))
    assert rows[1][-1] == nasty


def test_findings_validate_with_jsonschema(voc, source_dir, tmp_path):
    """Cross-checks the shipped schema with an independent validator
    (Debian's python3-jsonschema), when it is installed."""
    jsonschema = __import__("pytest").importorskip("jsonschema")
    schema = json.load(open(os.path.join(source_dir, "include/voc/schema/findings.schema.json")))
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    r = voc("report", aggregate_path(source_dir))
    assert r.code == 0, r.err
    doc = json.loads(r.out)
    assert list(validator.iter_errors(doc)) == []
    golden = json.load(open(os.path.join(source_dir, "tests/data/findings/planted_findings.json")))
    assert list(validator.iter_errors(golden)) == []
    golden["findings"][0]["status"] = "fine"
    del golden["window"]
    assert len(list(validator.iter_errors(golden))) == 2
