"""detect_findings(history=..., actions=...) and the voc.pandas history and
actions frames: runs compared across time, actions judged before / after."""
import json
import os
import warnings

import pytest

import voc
import voc.pandas as vp


@pytest.fixture(scope="module")
def planted(source_dir):
    path = source_dir / "tests" / "data" / "findings" / "planted_aggregate.json"
    return voc.Aggregate.deserialize(path.read_text())


def states(findings):
    return {f["theme"]: f["history"]["state"] for f in findings["findings"]}


def test_two_runs_in_memory(planted):
    first = voc.detect_findings(planted, history=True, last_period="2024-W06",
                                run_timestamp="2026-01-01T00:00:00Z")
    assert first["run"]["id"] == "run-000001" and first["run"]["previous"] == ""
    assert states(first)["store/closure"] == "new"
    assert json.loads(first.history_run)["version"] == 1
    second = voc.detect_findings(planted, history=first)
    s = states(second)
    assert s["store/closure"] == "resolved"
    assert s["app/login-failure"] == "new"
    assert s["billing/unexpected-fee"] in ("persisting", "worsening", "improving")
    assert sorted(r["theme"] for r in second["resolved"]) == ["product/overheating",
                                                             "store/closure"]
    assert second["changes"]["previous_run"] == "run-000001"
    # The same from the run's JSON text.
    again = voc.detect_findings(planted, history=first.history_run)
    assert states(again) == s
    # Without history nothing is added.
    plain = voc.detect_findings(planted)
    assert plain.history_run is None
    assert "changes" not in plain and all("history" not in f for f in plain["findings"])
    with pytest.raises(ValueError, match="detected without history"):
        voc.detect_findings(planted, history=plain)


def test_history_folder_like_the_cli(planted, tmp_path):
    folder = tmp_path / "hist"
    voc.detect_findings(planted, history=folder, last_period="2024-W06")
    second = voc.detect_findings(planted, history=str(folder))
    assert sorted(os.listdir(folder)) == ["run-000001.json", "run-000002.json"]
    assert second["run"]["previous"] == "run-000001"
    frame = vp.history_frame(second)
    assert list(frame.columns) == vp.HISTORY_COLUMNS
    row = frame.set_index("theme").loc["store/closure"]
    assert row["state"] == "resolved" and row["share_change"] < 0
    # A corrupt latest file is refused, named and kept.
    bad = folder / "run-000003.json"
    bad.write_text("{\"format\": \"voc-history\", \"version\": 1, \"run_")
    with pytest.raises(ValueError, match=r"run-000003.json: history: not valid JSON .*never "
                                         r"overwritten"):
        voc.detect_findings(planted, history=folder)
    bad.write_text(json.dumps({"format": "voc-history", "version": 9, "run_id": "run-000003",
                               "period": "week", "themes": []}))
    with pytest.raises(voc.Error, match="version 9 is newer than this voc reads"):
        voc.detect_findings(planted, history=folder)
    assert sorted(os.listdir(folder)) == ["run-000001.json", "run-000002.json",
                                          "run-000003.json"]


def test_actions_from_list_frame_and_file(planted, tmp_path):
    import pandas as pd
    acts = [{"theme": "billing/unexpected-fee", "owner": "Billing", "action": "waive fee",
             "date": "2024-02-05", "status": "done"},
            {"theme": "nosuch/theme", "owner": "x", "action": "y", "date": "2024-02-05",
             "status": "done"}]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        f = voc.detect_findings(planted, actions=acts)
    msg = ("actions: unknown theme 'nosuch/theme' (no finding in this window); its action of "
           "2024-02-05 is not judged")
    assert msg in f["warnings"] and any(str(w.message) == msg for w in caught)
    frame = vp.actions_frame(f)
    assert list(frame.columns) == vp.ACTION_COLUMNS and len(frame) == 1
    row = frame.iloc[0]
    assert row["theme"] == "billing/unexpected-fee" and row["action_period"] == "2024-W06"
    assert row["before_periods"] == 5 and row["after_periods"] == 6
    assert row["before_share"] == pytest.approx(row["before_count"] / row["before_total"], abs=1e-6)
    assert row["verdict"] in ("worked", "did not work")
    assert str(frame["date"].dtype).startswith("datetime64")
    df = pd.DataFrame([{"theme": "billing/unexpected-fee", "owner": "Billing",
                        "action": "waive fee", "date": pd.Timestamp("2024-02-05"),
                        "status": "done"}])
    g = voc.detect_findings(planted, actions=df)
    assert vp.actions_frame(g)[["p_value", "verdict"]].equals(frame[["p_value", "verdict"]])
    path = tmp_path / "actions.csv"
    path.write_text("theme,owner,action,date,status\n"
                    "billing/unexpected-fee,Billing,waive fee,2024-02-05,done\n")
    h = voc.detect_findings(planted, actions=str(path))
    assert vp.actions_frame(h)["p_value"].tolist() == frame["p_value"].tolist()
    path.write_text("theme,date\nbilling/unexpected-fee,2024-02-31\n")
    with pytest.raises(ValueError, match=r"actions.csv:2: bad date '2024-02-31' \(expected "
                                         r"YYYY-MM-DD\)"):
        voc.detect_findings(planted, actions=path)
    with pytest.raises(ValueError, match="bad date 'soon'"):
        voc.detect_findings(planted, actions=[{"theme": "x", "date": "soon"}])
    with pytest.raises(ValueError, match="item 1: empty date"):
        voc.detect_findings(planted, actions=[{"theme": "x"}])
