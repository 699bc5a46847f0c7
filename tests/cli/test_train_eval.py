"""CLI tests of `voc train`, `voc eval` and `voc predict`."""
import csv
import json
import os
import random

import pytest

WORDS = {
    "billing": ["charged", "twice", "refund", "invoice", "fee", "bill"],
    "delivery": ["package", "late", "courier", "shipping", "parcel", "tracking"],
    "login": ["password", "reset", "locked", "account", "login", "username"],
}


def write_csv(path, rows, header=("text", "label")):
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)
    return path


def synthetic(n, seed=1, multi=False):
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        label = sorted(WORDS)[i % 3]
        words = [rng.choice(WORDS[label]) for _ in range(5)] + ["the", "my"]
        labels = label
        if multi and i % 4 == 0:
            other = sorted(WORDS)[(i + 1) % 3]
            words += [rng.choice(WORDS[other]) for _ in range(4)]
            labels = label + "|" + other
        rng.shuffle(words)
        rows.append((", ".join(words[:3]) + " " + " ".join(words[3:]), labels))
    return rows


@pytest.fixture
def trained(tmp_path, voc):
    train = write_csv(tmp_path / "train.csv", synthetic(120))
    model = tmp_path / "m.vocm"
    r = voc("train", "--input", train, "--output", model, "--task", "themes", "--backend", "linear")
    assert r.code == 0, r.err
    return model


def test_train_prints_settings_and_validation(tmp_path, voc):
    train = write_csv(tmp_path / "train.csv", synthetic(90))
    model = tmp_path / "m.vocm"
    r = voc("train", "--input", train, "--output", model, "--backend", "linear", "--seed", "3")
    assert r.code == 0, r.err
    assert "trained linear model for task 'themes' on 90 rows, 3 labels" in r.out
    assert "settings: {" in r.out and '"solver"' in r.out
    assert "validation (slice, " in r.out and "macro-F1" in r.out
    assert model.stat().st_size > 0


def test_eval_json_contract(tmp_path, voc, trained):
    test = write_csv(tmp_path / "test.csv", synthetic(30, seed=9))
    r = voc("eval", "--model", trained, "--input", test, "--json")
    assert r.code == 0, r.err
    d = json.loads(r.out)
    assert set(d) >= {"accuracy", "macro_f1", "per_label", "confusion"}
    assert d["accuracy"] > 0.9 and d["macro_f1"] > 0.9
    assert set(d["per_label"]) == {"billing", "delivery", "login"}
    assert set(d["per_label"]["billing"]) == {"precision", "recall", "f1", "support"}
    assert d["per_label"]["billing"]["support"] == 10
    assert d["confusion"]["labels"] == ["billing", "delivery", "login"]
    assert sum(map(sum, d["confusion"]["matrix"])) == 30


def test_eval_text_report(tmp_path, voc, trained):
    test = write_csv(tmp_path / "test.csv", synthetic(30, seed=9))
    r = voc("eval", "--model", trained, "--input", test)
    assert r.code == 0, r.err
    assert "accuracy:" in r.out and "macro-F1:" in r.out
    assert "precision  recall" in r.out and "confusion" in r.out


def test_predict_lines(tmp_path, voc, trained):
    r = voc("predict", "--model", trained, "-", stdin="charged twice for my bill\nthe courier lost the parcel\n")
    assert r.code == 0, r.err
    lines = r.out.splitlines()
    assert [l.split("\t")[0] for l in lines] == ["billing", "delivery"]
    assert 0 < float(lines[0].split("\t")[1]) <= 1
    r = voc("predict", "--model", trained, "-k", "2", "--explain", stdin="password reset\n")
    assert r.code == 0, r.err
    assert r.out.count("\t") >= 4 and "word:password" in r.out


def test_multi_label(tmp_path, voc):
    train = write_csv(tmp_path / "train.csv", synthetic(240, multi=True))
    model = tmp_path / "m.vocm"
    r = voc("train", "--input", train, "--output", model, "--multi-label", "--backend", "linear")
    assert r.code == 0, r.err
    test = write_csv(tmp_path / "test.csv", synthetic(60, seed=5, multi=True))
    r = voc("eval", "--model", model, "--input", test, "--json")
    assert r.code == 0, r.err
    d = json.loads(r.out)
    assert d["macro_f1"] > 0.8
    r = voc("predict", "--model", model, stdin="charged twice refund and the parcel courier was late\n")
    assert set(r.out.strip().split("\t")[0::2]) == {"billing", "delivery"}


def test_quantize_and_task_check(tmp_path, voc):
    train = write_csv(tmp_path / "train.csv", synthetic(120))
    model = tmp_path / "q.vocm"
    r = voc("train", "--input", train, "--output", model, "--backend", "linear", "--quantize",
            "--task", "intents")
    assert r.code == 0, r.err
    assert "quantization:" in r.out
    test = write_csv(tmp_path / "test.csv", synthetic(30, seed=9))
    r = voc("eval", "--model", model, "--input", test, "--task", "themes")
    assert r.code == 1
    assert r.err.startswith("voc: model '")
    assert "model was trained for task 'intents', expected 'themes'" in r.err


SENTIMENT = {
    "positive": ["thank you so much, great help", "the agent was lovely", "problem solved, excellent",
                 "love the new app", "very happy with the quick refund", "friendly staff, thanks"],
    "negative": ["the agent was rude and hung up", "still waiting for my refund, awful",
                 "charged twice and nobody cares", "worst service ever", "the app keeps crashing",
                 "never got a call back"],
    "neutral": ["please update my address", "how do I change my plan", "I need to reset my password",
                "what are your opening hours", "where can I find my invoice", "I want to check my order"],
}


def test_sentiment_models_are_stacked_on_the_lexicon(tmp_path, voc):
    rows = [(t, label) for label, texts in SENTIMENT.items() for t in texts] * 5
    train = write_csv(tmp_path / "s.csv", rows)
    model = tmp_path / "s.vocm"
    r = voc("train", "--input", train, "--output", model, "--task", "sentiment")
    assert r.code == 0, r.err
    assert "input: sentiment-lexicon/3" in r.out and '"char_ngrams":null' in r.out
    # eval and predict give the model the lexicon's tokens too.
    test = write_csv(tmp_path / "st.csv", [("the agent was rude, still waiting", "negative"),
                                           ("thank you, great help", "positive"),
                                           ("please update my address", "neutral")])
    r = voc("eval", "--model", model, "--input", test, "--json")
    assert r.code == 0, r.err
    assert json.loads(r.out)["accuracy"] == 1.0
    r = voc("predict", "--model", model, "--explain", stdin="the agent was rude\n")
    assert r.code == 0, r.err
    assert r.out.startswith("negative\t") and "word:lexclassneg" in r.out
    r = voc("sentiment", "--model", model, "--components", stdin="never got a call back\n")
    assert r.code == 0, r.err
    assert json.loads(r.out)["label"] == "negative"
    # --no-lexicon: a plain text model; other labels are refused.
    r = voc("train", "--input", train, "--output", tmp_path / "p.vocm", "--task", "sentiment", "--no-lexicon")
    assert r.code == 0, r.err
    assert "input: words/1;" in r.out
    bad = write_csv(tmp_path / "bad.csv", rows + [("meh", "mixed")])
    r = voc("train", "--input", bad, "--output", tmp_path / "b.vocm", "--task", "sentiment")
    assert r.code == 1
    assert "has label 'mixed'; sentiment labels are negative, neutral and positive" in r.err


def test_errors(tmp_path, voc, trained):
    good = write_csv(tmp_path / "good.csv", synthetic(30))
    r = voc("train", "--input", good, "--output", tmp_path / "x.vocm", "--text-col", "body")
    assert r.code == 1 and "text column 'body' not found; columns are: text, label" in r.err
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    r = voc("train", "--input", empty, "--output", tmp_path / "x.vocm")
    assert r.code == 1 and "is empty (no header row)" in r.err
    header = write_csv(tmp_path / "header.csv", [])
    r = voc("train", "--input", header, "--output", tmp_path / "x.vocm")
    assert r.code == 1 and "has no data rows" in r.err
    one = write_csv(tmp_path / "one.csv", [("a b", "x"), ("c d", "x")])
    r = voc("train", "--input", one, "--output", tmp_path / "x.vocm")
    assert r.code == 1 and "voc: only one class ('x') in the training rows; need at least two" in r.err
    r = voc("train", "--input", good)
    assert r.code == 2 and "--output is required" in r.err
    r = voc("train", "--input", good, "--output", tmp_path / "x.vocm", "--backend", "svm")
    assert r.code == 1 and "unknown backend 'svm'" in r.err
    r = voc("train", "--input", tmp_path / "missing.csv", "--output", tmp_path / "x.vocm")
    assert r.code == 1 and "not found" in r.err
    bad = tmp_path / "bad.vocm"
    bad.write_bytes(b"not a model at all")
    r = voc("eval", "--model", bad, "--input", good)
    assert r.code == 1 and "not a voc model file (bad magic)" in r.err
    data = trained.read_bytes()
    cut = tmp_path / "cut.vocm"
    cut.write_bytes(data[: len(data) // 2])
    r = voc("predict", "--model", cut, stdin="x\n")
    assert r.code == 1 and "corrupt model file" in r.err
    r = voc("eval", "--model", tmp_path / "nope.vocm", "--input", good)
    assert r.code == 1 and "cannot open model" in r.err
    r = voc("eval", "--input", good)
    assert r.code == 2 and "--model is required" in r.err
    for cmd in ("train", "eval", "predict"):
        r = voc(cmd, "--help")
        assert r.code == 0 and "usage: voc " + cmd in r.out


def test_predict_threads_keep_input_order(same_output_for_threads, source_dir):
    model = os.path.join(source_dir, "models", "sentiment.vocm")
    out = same_output_for_threads("predict", extra=("--model", model, "-k", "2"))
    lines = out.splitlines()
    assert len(lines) == 60
    assert all(len(l.split("\t")) == 4 for l in lines)


def test_theme_models_read_only_words(tmp_path, voc):
    # Each label's texts carry its own mention, URL and mask: a model of the
    # raw text learns them, a words/1 model (the default) never sees them.
    rows = [("@" + label + "desk " + text + " https://" + label + ".example.com/a [EMAIL] 4417", label)
            for text, label in synthetic(120)]
    train = write_csv(tmp_path / "leaky.csv", rows)
    words, raw = tmp_path / "w.vocm", tmp_path / "r.vocm"
    r = voc("train", "--input", train, "--output", words, "--backend", "linear")
    assert r.code == 0, r.err
    assert "input: words/1;" in r.out
    r = voc("train", "--input", train, "--output", raw, "--backend", "linear", "--model-input", "text")
    assert r.code == 0, r.err
    assert "input: text;" in r.out
    line = "@billingdesk https://billing.example.com/a [EMAIL] my package is late\n"
    r = voc("predict", "--model", words, "--explain", stdin=line)
    assert r.code == 0, r.err
    assert r.out.startswith("delivery\t")
    for leak in ("billingdesk", "example", "http", "email"):
        assert leak not in r.out.lower(), r.out
    r = voc("predict", "--model", raw, "--explain", stdin="@billingdesk https://billing.example.com/a\n")
    assert r.code == 0, r.err
    assert r.out.startswith("billing\t") and ("billingdesk" in r.out or "example" in r.out), r.out
    test = write_csv(tmp_path / "t.csv", rows[:30])
    r = voc("eval", "--model", words, "--input", test, "--json")
    assert r.code == 0, r.err
    assert json.loads(r.out)["accuracy"] == 1.0
    r = voc("train", "--input", train, "--output", tmp_path / "x.vocm", "--model-input", "html")
    assert r.code == 2 and "--model-input must be words/1 or text, not 'html'" in r.err
    r = voc("train", "--input", train, "--output", tmp_path / "x.vocm", "--task", "sentiment",
            "--model-input", "text")
    assert r.code == 2 and "--model-input does not apply to a model stacked on the lexicon" in r.err
