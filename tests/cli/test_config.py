"""`--config FILE` and `--print-config`: analyzer options as JSON, flags over the file."""
import json
import os


def write(tmp_path, name, obj):
    p = tmp_path / name
    p.write_text(json.dumps(obj) if not isinstance(obj, str) else obj, encoding="utf-8")
    return p


def first(out):
    return json.loads(out.splitlines()[0])


def test_print_config_reads_back_and_flags_override_the_file(voc, tmp_path):
    cfg = write(tmp_path, "voc.json", {"industry": "travel", "language": "de",
                                       "sentiment": {"neutral_threshold": 0.25}})
    r = voc("analyze", "--config", cfg, "--print-config")
    assert r.code == 0, r.err
    printed = json.loads(r.out)
    assert printed["industry"] == "travel" and printed["language"] == "de"
    assert printed["sentiment"]["neutral_threshold"] == 0.25
    assert "customer_salt" not in printed
    r = voc("findings", "--config", cfg, "--industry", "none", "--print-config")
    assert r.code == 0, r.err
    assert json.loads(r.out)["industry"] == "none"  # the flag wins
    # The printed config is itself a valid config.
    again = write(tmp_path, "again.json", r.out)
    assert json.loads(voc("analyze", "--config", again, "--print-config").out) == json.loads(r.out)


def test_config_options_reach_the_analysis(voc, tmp_path):
    text = tmp_path / "t.txt"
    text.write_text("goodbye forever, the service was slightly meh\n", encoding="utf-8")
    plain = voc("analyze", text, "--format", "text", "-q")
    assert plain.code == 0, plain.err
    assert first(plain.out)["signals"] == []
    cfg = write(tmp_path, "voc.json", {"signals": {"extra_cues": [
        {"signal": "churn_risk", "name": "bye", "pattern": "goodbye forever"}]}})
    r = voc("analyze", text, "--format", "text", "-q", "--config", cfg)
    assert r.code == 0, r.err
    sig = first(r.out)["signals"]
    assert [s["signal"] for s in sig] == ["churn_risk"]


def test_relative_paths_in_a_config_are_relative_to_the_file(voc, tmp_path, source_dir):
    sub = tmp_path / "conf"
    sub.mkdir()
    (sub / "tax.json").write_text(
        open(os.path.join(source_dir, "models", "taxonomy.json"), encoding="utf-8").read(), encoding="utf-8")
    cfg = write(sub, "voc.json", {"themes": "tax.json"})
    r = voc("analyze", "--config", cfg, "--print-config")
    assert r.code == 0, r.err
    assert json.loads(r.out)["themes"] == str(sub / "tax.json")


def test_bad_configs_are_usage_errors_naming_the_key(voc, tmp_path):
    cases = [
        ({"sentiment": {"neutral_treshold": 0.1}}, "config: sentiment.neutral_treshold is not an option"),
        ({"signals": {"emotion_threshold": 7}}, "config: signals.emotion_threshold must be a number from 0 to 1"),
        ("{not json", "config: not valid JSON"),
    ]
    for i, (obj, message) in enumerate(cases):
        cfg = write(tmp_path, f"bad{i}.json", obj)
        r = voc("analyze", "--config", cfg, "--print-config")
        assert r.code == 2, (obj, r.err)
        assert message in r.err, r.err
    r = voc("analyze", "--config", tmp_path / "missing.json", "--print-config")
    assert r.code == 2 and "cannot read --config" in r.err
    r = voc("analyze", "--config", tmp_path, "--print-config")
    assert r.code == 2 and "is a directory" in r.err
