"""`voc findings --history DIR --actions FILE` and `voc report --history`:
runs compared across time, actions judged before / after their date."""
import json
import os

import pytest

MONTHS = ["--id-col", "id", "--time-col", "date", "--channel-col", "channel",
          "--period", "month", "--window", "12", "--quiet"]


def sample(source_dir):
    return os.path.join(str(source_dir), "examples/data/cfpb_complaints.csv.gz")


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory):
    """Two monthly runs on the bundled complaints, a year apart, with one action."""
    from conftest import SOURCE_DIR, VOC_BIN, Run
    import subprocess

    source_dir = os.path.abspath(SOURCE_DIR)

    def voc(*args):
        return Run(subprocess.run([VOC_BIN, *map(str, args)], stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, timeout=600))

    tmp_path = tmp_path_factory.mktemp("two_runs")
    hist = tmp_path / "hist"
    actions = tmp_path / "actions.csv"
    actions.write_text("theme,owner,action,date,status\n"
                       "loans/mortgage,Operations,new servicing partner,2019-06-15,done\n")
    r1 = voc("findings", sample(source_dir), *MONTHS, "--last-period", "2019-03",
             "--history", hist, "--run-timestamp", "2026-01-01T00:00:00Z",
             "-o", tmp_path / "run1.json")
    assert r1.code == 0, r1.err
    r2 = voc("findings", sample(source_dir), *MONTHS, "--history", hist, "--actions", actions,
             "--run-timestamp", "2026-02-01T00:00:00Z", "-o", tmp_path / "run2.json",
             "--csv", tmp_path / "run2.csv", "--html", tmp_path / "run2.html",
             "--digests", tmp_path / "digests")
    assert r2.code == 0, r2.err
    return (json.loads((tmp_path / "run1.json").read_text()),
            json.loads((tmp_path / "run2.json").read_text()), hist, tmp_path)


def test_two_runs_compare(two_runs):
    run1, run2, hist, _ = two_runs
    assert sorted(os.listdir(hist)) == ["run-000001.json", "run-000002.json"]
    assert run1["schema_version"] == "1.1"
    assert run1["run"] == {"id": "run-000001", "timestamp": "2026-01-01T00:00:00Z",
                           "previous": "", "previous_timestamp": ""}
    assert run2["run"]["previous"] == "run-000001"
    states1 = {f["theme"]: f["history"]["state"] for f in run1["findings"]}
    for f in run1["findings"]:
        issue = f["status"] in ("chronic", "emerging")
        assert states1[f["theme"]] == ("new" if issue else "quiet")
    assert sorted(run1["changes"]["new"]) == sorted(
        f["theme"] for f in run1["findings"] if f["status"] in ("chronic", "emerging"))
    was_issue = {f["theme"] for f in run1["findings"] if f["status"] in ("chronic", "emerging")}
    for f in run2["findings"]:
        h = f["history"]
        issue = f["status"] in ("chronic", "emerging")
        before = f["theme"] in was_issue
        if issue and before:
            assert h["state"] in ("persisting", "worsening", "improving")
            assert h["since_run"] == "run-000001" and h["runs"] == 2
            old = next(x for x in run1["findings"] if x["theme"] == f["theme"])
            assert h["volume_change"] == f["volume"] - old["volume"]
            assert abs(h["share_change"] - (f["share"] - old["share"])) < 1e-5
        elif issue:
            assert h["state"] == "new"
        elif before:
            assert h["state"] == "resolved"
        else:
            assert h["state"] == "quiet"
    resolved = {r["theme"] for r in run2["resolved"]}
    assert resolved == {f["theme"] for f in run2["findings"] if f["history"]["state"] == "resolved"}
    assert resolved and sorted(run2["changes"]["resolved"]) == sorted(resolved)
    # The stored run: figures only, no text, a version.
    stored = json.loads((hist / "run-000002.json").read_text())
    assert stored["format"] == "voc-history" and stored["version"] == 1
    assert set(stored["themes"][0]) == {
        "theme", "status", "issue", "state", "volume", "share", "impact", "priority",
        "department", "since_run", "since_period", "runs", "resolved_run"}


def test_action_before_after(two_runs):
    _, run2, _, _ = two_runs
    f = next(x for x in run2["findings"] if x["theme"] == "loans/mortgage")
    (a,) = f["actions"]
    assert a["owner"] == "Operations" and a["date"] == "2019-06-15"
    assert a["action_period"] == "2019-06"
    assert a["before"]["periods"] + a["after"]["periods"] == 11  # 12 months less June
    assert a["before"]["share"] == pytest.approx(a["before"]["count"] / a["before"]["total"], abs=1e-6)
    assert a["verdict"] in ("worked", "did not work")
    assert "two-proportion z-test" in a["test"]
    key = "worked" if a["verdict"] == "worked" else "did_not_work"
    assert run2["changes"]["actions"][key] == ["loans/mortgage (2019-06-15)"]


def test_without_history_nothing_is_added(voc, source_dir, tmp_path):
    r = voc("findings", sample(source_dir), *MONTHS)
    assert r.code == 0, r.err
    doc = json.loads(r.out)
    for key in ("run", "resolved", "changes"):
        assert key not in doc
    assert all("history" not in f and "actions" not in f for f in doc["findings"])


def test_report_history_from_aggregates(voc, source_dir, tmp_path):
    agg = os.path.join(source_dir, "tests/data/findings/planted_aggregate.json")
    hist = tmp_path / "h"
    r = voc("report", agg, "--last-period", "2024-W06", "--history", hist, "-o", tmp_path / "a.json")
    assert r.code == 0, r.err
    assert "run-000001.json; first run: 4 new, 0 relapsed" in r.err
    r = voc("report", agg, "--history", hist, "-o", tmp_path / "b.json")
    assert r.code == 0, r.err
    assert "run-000002.json; since run-000001: 1 new, 0 relapsed" in r.err
    assert " persisting, 2 resolved\n" in r.err
    doc = json.loads((tmp_path / "b.json").read_text())
    states = {f["theme"]: f["history"]["state"] for f in doc["findings"]}
    assert states["billing/unexpected-fee"] in ("persisting", "worsening", "improving")
    assert states["store/closure"] == "resolved"
    assert states["app/login-failure"] == "new"
    # product/overheating spiked in the last week of the first run: emerging then.
    assert sorted(x["theme"] for x in doc["resolved"]) == ["product/overheating", "store/closure"]


def test_corrupt_and_future_history_is_refused_and_kept(voc, source_dir, tmp_path):
    agg = os.path.join(source_dir, "tests/data/findings/planted_aggregate.json")
    hist = tmp_path / "h"
    hist.mkdir()
    bad = hist / "run-000003.json"
    bad.write_text('{"format": "voc-history", "version": 1, "run_id": "run-0000')
    r = voc("report", agg, "--history", hist, "-o", tmp_path / "o.json")
    assert r.code == 1
    assert ("run-000003.json: history: not valid JSON (line 1); fix or move the file away "
            "(it is never overwritten)") in r.err
    assert "Traceback" not in r.err and not (tmp_path / "o.json").exists()
    assert sorted(os.listdir(hist)) == ["run-000003.json"]
    bad.write_text('{"format": "voc-history", "version": 2, "run_id": "run-000003", '
                   '"period": "week", "themes": []}')
    r = voc("report", agg, "--history", hist)
    assert r.code == 1
    assert "history: version 2 is newer than this voc reads (1); upgrade voc" in r.err
    assert sorted(os.listdir(hist)) == ["run-000003.json"]
    afile = tmp_path / "plain"
    afile.write_text("x")
    r = voc("report", agg, "--history", afile)
    assert r.code == 2 and "--history: " + str(afile) + " is not a folder" in r.err


def test_actions_errors_and_unknown_theme(voc, source_dir, tmp_path):
    agg = os.path.join(source_dir, "tests/data/findings/planted_aggregate.json")
    acts = tmp_path / "acts.csv"
    acts.write_text("theme,owner,action,date,status\n"
                    "billing/unexpected-fee,Billing,waive,2024-02-05,done\n"
                    "delivery/late,Logistics,carrier,2024-02-30,done\n")
    r = voc("report", agg, "--actions", acts)
    assert r.code == 1
    assert f"voc: {acts}:3: bad date '2024-02-30' (expected YYYY-MM-DD)" in r.err
    acts.write_text('[{"theme": "nosuch/theme", "owner": "x", "action": "y", '
                    '"date": "2024-02-05", "status": "done"},\n'
                    ' {"theme": "billing/unexpected-fee", "date": "2024-02-05"}]\n')
    r = voc("report", agg, "--actions", acts)
    assert r.code == 0, r.err
    warning = ("actions: unknown theme 'nosuch/theme' (no finding in this window); "
               "its action of 2024-02-05 is not judged")
    assert "voc: warning: " + warning in r.err
    doc = json.loads(r.out)
    assert warning in doc["warnings"]
    fee = next(f for f in doc["findings"] if f["theme"] == "billing/unexpected-fee")
    assert fee["actions"][0]["verdict"] in ("worked", "did not work")
    assert "history" not in fee and "run" not in doc
    r = voc("report", agg, "--actions", tmp_path / "missing.csv")
    assert r.code == 1 and "--actions: cannot open" in r.err
    r = voc("report", agg, "--actions", agg)
    assert r.code == 1 and "expected a JSON array of actions" in r.err
    r = voc("report", agg, "--history", tmp_path / "h", "--run-timestamp", "yesterday")
    assert r.code == 2 and "--run-timestamp: 'yesterday' is not YYYY-MM-DDTHH:MM:SSZ" in r.err


def test_html_digests_and_csv_show_the_changes(two_runs):
    _, run2, _, tmp = two_runs
    html = (tmp / "run2.html").read_text()
    at = html.index("<h2>What changed since the last run</h2>")
    assert at < html.index("<h2>Findings by")
    assert "compared with run-000001 of 2026-01-01T00:00:00Z" in html
    assert "<h3>Actions: before vs after</h3>" in html
    assert "new servicing partner" in html
    assert "Since the last run: " in html
    ops = (tmp / "digests" / "operations.md").read_text()
    assert ops.index("## What changed since the last run") < ops.index("Your findings:")
    assert "Compared with run-000001 (2026-01-01T00:00:00Z)." in ops
    assert "- Action on loans/mortgage (new servicing partner, Operations, 2019-06-15): **" in ops
    import csv
    rows = list(csv.DictReader(open(tmp / "run2.csv", newline="")))
    assert len(rows) == len(run2["findings"])
    by_theme = {r["theme"]: r for r in rows}
    for f in run2["findings"]:
        assert by_theme[f["theme"]]["history_state"] == f["history"]["state"]
    assert by_theme["loans/mortgage"]["actions"].startswith("2019-06-15 new servicing partner: ")
