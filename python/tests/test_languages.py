"""Languages from Python: per-record language, forced language, unscored
sentiment of unsupported languages, the pandas column."""
import pytest

import voc


def test_language_and_unscored_sentiment():
    a = voc.Analyzer()
    de = a.analyze("Das Personal war sehr unfreundlich, total ärgerlich!")
    assert de.language == "de" and 0.5 < de.language_confidence <= 1.0
    assert de.label == "negative" and de.score < 0
    ru = a.analyze("Обслуживание ужасное, жду уже неделю")
    assert ru.language == "ru"
    assert ru.label == "unscored" and ru.score is None
    d = ru.to_dict()
    assert d["language"] == "ru"
    assert d["sentiment"]["label"] == "unscored" and d["sentiment"]["score"] is None
    assert "Russian" in d["sentiment"]["reason"]


def test_forced_language():
    a = voc.Analyzer(language="fr")
    r = a.analyze("The parcel never arrived.")
    assert r.language == "fr" and r.language_confidence == 1.0
    with pytest.raises(Exception, match="ISO 639-1"):
        voc.Analyzer(language="French")


def test_language_column_in_frames():
    pd = pytest.importorskip("pandas")
    import voc.pandas as vp
    df = pd.DataFrame({"text": ["The refund never came and nobody answers.", "Der Zug war wieder verspätet."]})
    out = vp.analyze_frame(df, threads=1)
    assert list(out["language"]) == ["en", "de"]
