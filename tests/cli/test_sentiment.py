"""CLI tests of `voc sentiment`."""
import json
import os


def lines(out):
    return [json.loads(l) for l in out.split("\n") if l]


def test_help(voc):
    r = voc("sentiment", "--help")
    assert r.code == 0
    assert "usage: voc sentiment [FILE|-]" in r.out
    assert "--models-dir" in r.out


def test_one_object_per_line_with_evidence(voc):
    text = "Still waiting on my refund :(\n\nNo problem, thanks! The agent was great.\n"
    r = voc("sentiment", "--no-model", stdin=text)
    assert r.code == 0, r.err
    out = lines(r.out)
    assert len(out) == 3  # the empty line is a record too
    assert out[0]["label"] == "negative"
    assert out[1]["label"] == "neutral" and out[1]["evidence"] == [] and out[1]["sentences"] == []
    assert out[2]["label"] == "positive"
    src = text.split("\n")
    for o, line in zip(out, src):
        b = line.encode("utf-8")
        for e in o["evidence"]:
            assert b[e["begin"]:e["end"]].decode("utf-8") == e["text"]
            assert isinstance(e["weight"], float) and e["source"].startswith(("lexicon", "emoji", "emoticon"))
        assert -1 <= o["score"] <= 1 and 0 <= o["confidence"] <= 1
    assert [e["text"] for e in out[0]["evidence"]] == ["Still waiting", "refund", ":("]
    assert len(out[2]["sentences"]) == 2
    s0, s1 = out[2]["sentences"]
    assert src[2].encode()[s0["begin"]:s0["end"]].decode() == "No problem, thanks!"
    assert s1["label"] == "positive" and s1["evidence"][0]["text"] == "great"


def test_file_input_and_byte_offsets_with_emoji(voc, tmp_path):
    p = tmp_path / "in.txt"
    p.write_text("🙄 sure, GREAT service\n", encoding="utf-8")
    r = voc("sentiment", "--no-model", "--no-sentences", p)
    assert r.code == 0, r.err
    o = lines(r.out)[0]
    assert "sentences" not in o
    texts = {e["text"]: e for e in o["evidence"]}
    assert texts["🙄"]["begin"] == 0 and texts["🙄"]["end"] == 4 and texts["🙄"]["weight"] < 0
    assert texts["GREAT service"]["begin"] == 11


def test_invalid_utf8_is_scored_not_dropped(voc):
    r = voc("sentiment", "--no-model", stdin=b"\xff\xfe good\n\xc3\n")
    assert r.code == 0, r.err
    out = lines(r.out)
    assert len(out) == 2 and out[0]["label"] == "positive"


def test_missing_model_is_a_failure(voc, tmp_path):
    r = voc("sentiment", "--model", tmp_path / "nope.ftz", stdin="hi\n")
    assert r.code == 1
    assert r.err.strip() == f"voc: cannot open sentiment model '{tmp_path / 'nope.ftz'}'"


def test_corrupt_model_is_a_failure(voc, tmp_path):
    bad = tmp_path / "bad.ftz"
    bad.write_bytes(b"garbage that is not a model" * 4)
    r = voc("sentiment", "--model", bad, stdin="hi\n")
    assert r.code == 1
    assert f"voc: sentiment model '{bad}' is neither a voc sentiment model nor a fastText model" in r.err


def test_usage_errors(voc, tmp_path):
    r = voc("sentiment", "--model", "x", "--no-model", stdin="")
    assert r.code == 2 and "--model and --no-model exclude each other" in r.err
    r = voc("sentiment", "--model-weight", "2", "--no-model", stdin="")
    assert r.code == 1 and "model_weight must be in [0, 1]" in r.err
    r = voc("sentiment", "--frobnicate")
    assert r.code == 2
    r = voc("sentiment", "--no-model", tmp_path / "missing.txt")
    assert r.code == 1 and "cannot open input" in r.err


def test_models_dir_resolution(voc, tmp_path, source_dir):
    # An empty models dir: lexicon only, with a note.
    r = voc("sentiment", "--models-dir", tmp_path, "--components", stdin="great\n")
    assert r.code == 0
    assert "no sentiment model at" in r.err
    assert "model" not in lines(r.out)[0]
    # The shipped model, through --models-dir and through VOC_MODELS_DIR.
    models = os.path.join(source_dir, "models")
    r = voc("sentiment", "--models-dir", models, "--components", stdin="the agent was rude\n")
    assert r.code == 0, r.err
    o = lines(r.out)[0]
    assert set(o["model"]) == {"negative", "neutral", "positive"}
    assert o["label"] == "negative"
    env_before = os.environ.get("VOC_MODELS_DIR")
    os.environ["VOC_MODELS_DIR"] = models
    try:
        r = voc("sentiment", "--components", stdin="thank you so much\n")
    finally:
        if env_before is None:
            del os.environ["VOC_MODELS_DIR"]
        else:
            os.environ["VOC_MODELS_DIR"] = env_before
    assert r.code == 0 and "model" in lines(r.out)[0]


def test_threads_keep_input_order(same_output_for_threads):
    out = same_output_for_threads("sentiment")
    assert len(lines(out)) == 60  # examples/data/sample_tweets.txt
