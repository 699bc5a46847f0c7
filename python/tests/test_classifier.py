"""train / load_model / evaluate, explanations with str offsets, errors."""
import pickle

import pytest

import voc

BILLING = ["charged twice on my card", "unexpected fee on my bill", "the invoice amount is wrong",
           "double charge again", "billing error on statement", "why this extra fee",
           "refund the overcharge on my bill", "my bill shows a fee I never agreed to"]
DELIVERY = ["parcel arrived late", "package never delivered", "tracking shows no update",
            "courier lost my parcel", "delivery is a week late", "the box arrived damaged",
            "where is my package", "driver left the parcel outside in the rain"]


def data():
    texts = BILLING + DELIVERY
    labels = ["billing"] * len(BILLING) + ["delivery"] * len(DELIVERY)
    return texts, labels


@pytest.fixture(scope="module")
def model():
    texts, labels = data()
    return voc.train(texts, labels, task="themes", backend="linear", validation_fraction=0)


def test_train_predict_evaluate(model):
    assert sorted(model.labels) == ["billing", "delivery"]
    assert model.info["task"] == "themes" and model.info["backend"] == "linear"
    top = model.predict("I was charged a fee twice", k=2)
    assert top[0][0] == "billing" and len(top) == 2
    assert 0.0 <= top[0][1] <= 1.0 and top[0][1] >= top[1][1]
    assert model.predict_above_thresholds("my parcel is late")[0][0] == "delivery"
    texts, labels = data()
    report = voc.evaluate(model, texts, labels)
    assert report["n"] == len(texts) and report["accuracy"] > 0.8
    assert {m["label"] for m in report["per_label"]} == {"billing", "delivery"}
    assert len(report["confusion"]) == 2


def test_explain_offsets_in_str(model):
    text = "Très énervé 😡: charged twice!"
    e = model.explain(text, "billing", max_features=20)
    assert e["label"] == "billing"
    spans = [(f["begin"], f["end"]) for f in e["features"] if f["end"] > f["begin"]]
    assert spans
    pieces = [text[b:e2] for b, e2 in spans]
    assert any("charged" in p for p in pieces), pieces


def test_save_load_pickle(model, tmp_path):
    path = tmp_path / "m.vocm"
    model.save(path)
    loaded = voc.load_model(path, task="themes")
    assert loaded.predict("charged twice", k=2) == model.predict("charged twice", k=2)
    again = pickle.loads(pickle.dumps(model))
    assert again.predict("parcel late") == model.predict("parcel late")
    assert voc._model_from_bytes(model.to_bytes()).labels == model.labels


def test_multi_label():
    texts, labels = data()
    ml = [[l] for l in labels] + [["billing", "delivery"]] * 2
    texts = texts + ["charged for a parcel that never arrived", "fee for late delivery"]
    m = voc.train(texts, ml, multi_label=True, backend="linear", validation_fraction=0)
    assert m.info["multi_label"] is True


def test_errors(model, tmp_path):
    with pytest.raises(FileNotFoundError, match="cannot open model"):
        voc.load_model(tmp_path / "none.vocm")
    junk = tmp_path / "junk.vocm"
    junk.write_bytes(b"definitely not a model")
    with pytest.raises(ValueError, match="not a voc model file"):
        voc.load_model(junk)
    model.save(tmp_path / "t.vocm")
    with pytest.raises(voc.Error, match="trained for task 'themes'"):
        voc.load_model(tmp_path / "t.vocm", task="sentiment")
    with pytest.raises(ValueError, match="only one class"):
        voc.train(["a", "b"], ["x", "x"])
    with pytest.raises(ValueError, match="no training rows"):
        voc.train([], [])
    with pytest.raises(ValueError, match="unknown backend 'svm'"):
        voc.train(*data(), backend="svm")
    with pytest.raises(ValueError, match="texts and labels differ in length: 2 and 1"):
        voc.train(["a", "b"], ["x"])
    with pytest.raises(TypeError, match="unknown train option: 'epochs'"):
        voc.train(*data(), epochs=3)
    with pytest.raises(voc.Error, match="corrupt model file"):
        voc._model_from_bytes(model.to_bytes()[:-10])
