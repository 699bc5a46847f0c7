"""Python parity with the CLI: Model objects wherever a model path goes,
unmapped model labels warned about, training options (search, char
n-grams, lexicon), the scikit-learn estimator, the notebook HTML, and the
findings JSON of `voc findings` equal to Python's (default, money, score and
rank-by options)."""
import json
import os
import pathlib
import pickle
import subprocess
import warnings

import numpy as np
import pytest

import voc

BILLING = ["charged twice on my card", "unexpected fee on my bill", "the invoice amount is wrong",
           "double charge again", "billing error on statement", "why this extra fee",
           "refund the overcharge on my bill", "my bill shows a fee I never agreed to"]
DELIVERY = ["parcel arrived late", "package never delivered", "tracking shows no update",
            "courier lost my parcel", "delivery is a week late", "the box arrived damaged",
            "where is my package", "driver left the parcel outside in the rain"]
TEXTS = BILLING + DELIVERY
LABELS = ["billing"] * len(BILLING) + ["delivery"] * len(DELIVERY)


@pytest.fixture(scope="module")
def model():
    return voc.train(TEXTS, LABELS, backend="linear", validation_fraction=0)


def _taxonomy(tmp_path, model_labels):
    tax = {"name": "t", "version": 1, "themes": [
        {"id": "billing", "label": "Billing", "department": "finance", "role": "enhancer",
         "rules": [{"id": "fee", "include": ["\\bfee\\b"]}]},
        {"id": "delivery", "label": "Delivery", "department": "logistics", "role": "service",
         "rules": [{"id": "parcel", "include": ["\\bparcel\\b"]}]}],
        "model_labels": model_labels}
    path = tmp_path / "tax.json"
    path.write_text(json.dumps(tax), encoding="utf-8")
    return path


def test_model_object_accepted_where_a_path_is(model, tmp_path):
    path = tmp_path / "m.vocm"
    model.save(path)
    tax = _taxonomy(tmp_path, {})
    by_object = voc.Analyzer(themes=str(tax), themes_model=model)
    by_path = voc.Analyzer(themes=str(tax), themes_model=str(path))
    text = "my package never came"
    assert by_object.analyze(text).to_json() == by_path.analyze(text).to_json()
    assert any(t["source"].startswith("model:") for t in by_object.analyze(text).themes)
    assert not list(tmp_path.glob("voc-model-*"))
    # It pickles with its model (sent to other processes as bytes).
    again = pickle.loads(pickle.dumps(by_object))
    assert again.analyze(text).to_json() == by_object.analyze(text).to_json()
    # A model as the theme source: its labels are the themes.
    own = voc.Analyzer(themes=model)
    assert {t["id"] for t in own.analyze("double charge on my bill").themes} == {"billing"}
    assert voc.evaluate(str(path), TEXTS, LABELS)["n"] == len(TEXTS)


def test_unmapped_model_labels_are_warned_about(model, tmp_path):
    tax = _taxonomy(tmp_path, {"delivery": "delivery"})
    other = voc.train(TEXTS, [x if x == "delivery" else "invoices" for x in LABELS],
                      backend="linear", validation_fraction=0)
    with pytest.warns(RuntimeWarning, match=r"1 of 2 labels of the themes model are not themes "
                                            r".*never be reported: 'invoices'"):
        voc.Analyzer(themes=str(tax), themes_model=other)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        voc.Analyzer(themes=str(tax), themes_model=model)  # every label maps


def test_training_options_of_the_cli(model):
    no_chars = voc.train(TEXTS, LABELS, backend="linear", validation_fraction=0,
                         char_ngrams=False)
    def meta(m):
        return json.loads(m.info["metadata_json"])

    assert meta(model)["features"]["char_ngrams"] == [2, 5]
    assert meta(no_chars)["features"]["char_ngrams"] is None
    searched = voc.train(TEXTS * 3, LABELS * 3, search=True, validation_fraction=0.3)
    assert len(meta(searched)["validation"]["candidates"]) > 1
    sent_texts = ["love it", "great help thanks", "awful service", "terrible, never again",
                  "it is a box", "the order arrived"] * 4
    sent_labels = ["positive", "positive", "negative", "negative", "neutral", "neutral"] * 4
    stacked = voc.train(sent_texts, sent_labels, task="sentiment", validation_fraction=0)
    plain = voc.train(sent_texts, sent_labels, task="sentiment", lexicon=False,
                      validation_fraction=0)
    assert meta(stacked)["input"] == "sentiment-lexicon/3"
    assert meta(plain)["input"] == "words/1"
    with pytest.raises(ValueError, match="needs task='sentiment'"):
        voc.train(TEXTS, LABELS, lexicon=True)
    with pytest.raises(TypeError, match="unknown train option: 'char_grams'"):
        voc.train(TEXTS, LABELS, char_grams=False)


def test_sklearn_estimator_in_pipeline_and_cross_validation():
    sklearn = pytest.importorskip("sklearn")
    from sklearn.base import clone
    from sklearn.model_selection import cross_val_score
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import FunctionTransformer
    from voc.sklearn import TextClassifier

    clf = TextClassifier(backend="linear", validation_fraction=0)
    assert clf.get_params()["backend"] == "linear"
    assert clone(clf).set_params(char_ngrams=False).get_params()["char_ngrams"] is False
    y = np.array([0 if x == "billing" else 1 for x in LABELS])  # any label type
    clf.fit(TEXTS, y)
    assert list(clf.classes_) == [0, 1]
    p = clf.predict_proba(["charged a fee twice", "parcel lost"])
    assert p.shape == (2, 2) and np.allclose(p.sum(axis=1), 1.0)
    assert list(clf.predict(["charged a fee twice", "parcel lost"])) == [0, 1]
    pipe = make_pipeline(FunctionTransformer(lambda xs: [x.lower() for x in xs]),
                         TextClassifier(backend="linear", validation_fraction=0))
    scores = cross_val_score(pipe, np.array(TEXTS * 2, dtype=object), LABELS * 2, cv=4)
    assert len(scores) == 4 and scores.mean() > 0.7, scores
    with pytest.raises(ValueError, match="at least two classes"):
        TextClassifier().fit(["a", "b"], ["x", "x"])


def test_notebook_html(analyzer, cfpb_analyses):
    a = analyzer.analyze("Charged twice <again>, mail me at jane@example.com, third time I call!")
    html = a._repr_html_()
    assert "&lt;again&gt;" in html and "jane@example.com" not in html
    assert '<mark class="theme sig neg" title="billing/double-charge' in html
    assert '>Charged twice</mark>' in html
    assert '<mark class="sig" title="repeat_contact (cue:nth time)">third time</mark>' in html
    agg = voc.Aggregate("month")
    agg.add_many(cfpb_analyses)
    f = voc.detect_findings(agg)
    page = f._repr_html_()
    assert page.startswith("<iframe srcdoc=") and "&lt;html" in page.lower()


# ---- findings: the CLI's JSON and Python's on the same input ----------------

_VOC_BIN = (pathlib.Path(os.environ["VOC_BUILD_DIR"], "bin", "voc")
            if os.environ.get("VOC_BUILD_DIR") else None)
_FILE_COLS = dict(text_col="text", time_col="date", id_col="id", channel_col="channel",
                  customer_col="customer")
_CLI_COLS = ["--text-col", "text", "--time-col", "date", "--id-col", "id", "--channel-col",
             "channel", "--customer-col", "customer", "--period", "month"]
# (CLI flags, columns read into the aggregate, detect_findings options)
_FINDINGS_CASES = {
    "default": ([], {}, {}),
    "money": (["--value-col", "ltv", "--cost-per-contact", "Web=4.5,Phone=7,2",
               "--customer-value", "50", "--currency", "EUR"],
              {"value_col": "ltv"},
              {"cost_per_contact": "Web=4.5,Phone=7,2", "customer_value": 50,
               "currency": "EUR"}),
    "score": (["--score-col", "nps", "--score-kind", "mean", "--bootstrap", "100"],
              {"score_col": "nps"}, {"score_kind": "mean", "bootstrap": 100}),
    "rank-by": (["--score-col", "nps", "--value-col", "ltv", "--customer-value", "80",
                 "--cost-per-contact", "3", "--rank-by", "impact", "--chronic-k", "2"],
                {"score_col": "nps", "value_col": "ltv"},
                {"customer_value": 80, "cost_per_contact": 3, "rank_by": "impact",
                 "chronic_k": 2}),
}


@pytest.fixture(scope="module")
def findings_input(cfpb_frame, tmp_path_factory):
    df = cfpb_frame.iloc[:300].copy()
    i = df["id"].astype(int)
    df["channel"] = [("Web", "Phone", "Email")[k % 3] for k in (i // 7)]
    df["customer"] = "c" + (i % 120).astype(str)
    df["nps"] = (i % 11).astype(str)
    df.loc[i % 53 == 0, "nps"] = "n/a?"
    df["ltv"] = (100 + (i % 500)).astype(str)
    df.loc[i % 83 == 0, "ltv"] = ""
    path = tmp_path_factory.mktemp("parity") / "econ.csv"
    df.to_csv(path, index=False)
    return path


@pytest.mark.skipif(_VOC_BIN is None or not _VOC_BIN.exists(), reason="needs the voc CLI (ctest)")
@pytest.mark.parametrize("case", list(_FINDINGS_CASES))
def test_findings_json_equals_the_cli(findings_input, tmp_path, case):
    pytest.importorskip("dask")
    import voc.dask
    flags, columns, options = _FINDINGS_CASES[case]
    out = tmp_path / "cli.json"
    r = subprocess.run([str(_VOC_BIN), "findings", str(findings_input), *_CLI_COLS, *flags,
                        "--quiet", "-o", str(out)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    cli = json.loads(out.read_text())
    # As `voc findings FILE`: the library's reader, industries chosen from
    # the first 1,000 records, themes adapted to the input.
    agg = voc.dask.aggregate_files(str(findings_input), period="month", **_FILE_COLS, **columns)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the non-numeric scores, reported in both
        got = json.loads(voc.detect_findings(agg, **options).to_json())
    assert got == cli
    assert ("money" in got) == (case in ("money", "rank-by"))
    assert got["score"]["from_sentiment"] == (case in ("default", "money"))
    assert got["industries"]["mode"] == "auto"
