"""Analyzer.adapt: themes adapted to the user's texts, saved and applied
again by a pickled analyzer (as on Dask workers), with identical results."""
import json
import pickle

import pytest

import voc

TAXONOMY = {"themes": [
    {"id": "billing", "department": "finance",
     "rules": [{"id": "charged", "include": ["\\bcharged\\b"], "weight": 0.8}]},
    {"id": "delivery", "department": "operations",
     "rules": [{"id": "parcel", "include": ["\\bparcel\\b"], "weight": 0.8}]},
    {"id": "quality", "department": "quality",
     "rules": [{"id": "broken", "include": ["\\bbroken\\b"], "weight": 0.8}]},
    {"id": "login", "department": "it",
     "rules": [{"id": "password", "include": ["\\bpassword\\b"], "weight": 0.8}]},
]}
MONEY = ["invoice", "fee", "statement", "subscription", "bill", "overdraft"]
SHIP = ["courier", "tracking", "shipment", "warehouse", "dispatch", "driver"]
MAKE = ["cracked", "faulty", "screen", "hinge", "stopped working", "defective"]
FILLER = ["today", "again", "last week", "this month", "yesterday", "as usual"]
OTHER = ["Hello there, a question", "Thanks for your help", "Nice people at the shop",
         "Can I ask something", "Good morning to you all", "Just saying hi"]
MISSED = "I was billed for the invoice, the fee and the bill today"


def corpus():
    texts = []
    for i in range(60):
        f = f"{FILLER[i % 6]} ref {i}"  # distinct texts: duplicates are fitted once
        a, b, c = i % 6, (i // 6 + 1) % 6, (i // 2 + 3) % 6
        texts.append(f"I was charged for the {MONEY[a]}, the {MONEY[b]} and the {MONEY[c]} {f}")
        texts.append(f"The parcel never came, the {SHIP[a]}, the {SHIP[b]} and the {SHIP[c]} {f}")
        texts.append(f"It arrived broken, {MAKE[a]}, {MAKE[b]} and {MAKE[c]} {f}")
        if i % 12 == 0:
            texts.append(f"I forgot my password {f}")
        if i % 3 == 0:
            texts.append(f"{OTHER[i % 6]} {FILLER[(i // 6) % 6]} ref {i}")
    return texts


@pytest.fixture
def taxonomy(tmp_path):
    path = tmp_path / "taxonomy.json"
    path.write_text(json.dumps(TAXONOMY), encoding="utf-8")
    return str(path)


def test_adapt_labels_what_the_rules_miss_and_pickles_with_the_saved_model(taxonomy, tmp_path):
    an = voc.Analyzer(themes=taxonomy, sentiment_model="none")
    assert an.analyze(MISSED).unclassified
    model = tmp_path / "adapted.voca"
    report = an.adapt(corpus(), save=model, min_examples=30)
    assert [t["id"] for t in report["themes"]] == ["billing", "delivery", "quality"]
    assert report["skipped"] == [{"id": "login", "reason": "5 examples (needs 30)"}]
    hits = an.analyze(MISSED).themes
    assert [h["id"] for h in hits] == ["billing"] and hits[0]["source"] == "adapted"
    assert model.exists()
    copy = pickle.loads(pickle.dumps(an))
    assert copy.analyze(MISSED).to_json() == an.analyze(MISSED).to_json()
    again = voc.Analyzer(themes=taxonomy, sentiment_model="none", adapted_model=str(model))
    assert again.analyze(MISSED).to_json() == an.analyze(MISSED).to_json()


def test_adapt_errors(taxonomy):
    an = voc.Analyzer(themes=taxonomy, sentiment_model="none")
    with pytest.raises(voc.Error, match="no theme can be adapted"):
        an.adapt(["I was charged twice"] * 5)
    with pytest.raises(TypeError, match="unknown adapt option"):
        an.adapt(corpus(), min_exemples=3)
    with pytest.raises(FileNotFoundError, match="adapted model not found"):
        voc.Analyzer(themes=taxonomy, adapted_model="/nonexistent.voca")
