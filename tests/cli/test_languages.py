"""CLI tests of languages: `"language"` in `voc analyze` JSON, --language,
unscored sentiment for unsupported languages, per-language sentiment, and the
language mix and warning in `voc findings`."""
import csv
import json
import os


def analyze(voc, tmp_path, texts, *flags):
    src = tmp_path / "in.txt"
    src.write_text("\n".join(texts) + "\n", encoding="utf-8")
    r = voc("analyze", "--quiet", *flags, str(src))
    assert r.code == 0, r.err
    return [json.loads(line) for line in r.out.splitlines()]


def test_language_per_record_in_analyze_json(voc, tmp_path):
    rows = analyze(voc, tmp_path, [
        "I have been waiting for my refund for three weeks and nobody answers.",
        "Der Zug hatte 40 Minuten Verspätung, total ärgerlich!",
        "房间很脏，服务也很差",
        "ok",
    ])
    assert [r["language"] for r in rows] == ["en", "de", "zh", "und"]
    for r in rows:
        assert 0.0 <= r["language_confidence"] <= 1.0
    assert rows[3]["language_confidence"] == 0.0


def test_german_sentiment_is_german_not_english(voc, tmp_path):
    rows = analyze(voc, tmp_path, [
        "Der Zug hatte 40 Minuten Verspätung, total ärgerlich!",
        "Das Personal war sehr freundlich und hilfsbereit, danke!",
        "Das Essen war nicht gut.",
    ])
    assert [r["sentiment"]["label"] for r in rows] == ["negative", "positive", "negative"]
    sources = {e["source"] for r in rows for e in r["sentiment"]["evidence"]}
    assert sources <= {"lexicon:de", "lexicon:de:negated", "emoji", "emoticon"}
    assert "lexicon:de:negated" in sources


def test_unsupported_language_is_unscored_with_a_reason(voc, tmp_path):
    rows = analyze(voc, tmp_path, ["Обслуживание ужасное, жду уже неделю"])
    s = rows[0]["sentiment"]
    assert rows[0]["language"] == "ru"
    assert s["label"] == "unscored"
    assert s["score"] is None
    assert "Russian" in s["reason"]
    assert rows[0]["sentences"] == []


def test_forced_language(voc, tmp_path):
    rows = analyze(voc, tmp_path, ["Der Zug war pünktlich."], "--language", "fr")
    assert rows[0]["language"] == "fr"
    assert rows[0]["language_confidence"] == 1.0
    src = tmp_path / "in.txt"
    r = voc("analyze", "--quiet", "--language", "German", str(src))
    assert r.code != 0
    assert "ISO 639-1" in r.err


def test_findings_show_language_mix_and_warn_about_unscored(voc, tmp_path):
    src = tmp_path / "mixed.csv"
    with open(src, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["id", "date", "text"])
        for i in range(30):
            w.writerow([f"e{i}", f"2026-01-{1 + i % 28:02d}", "The refund never arrived and support does not answer."])
        for i in range(20):
            w.writerow([f"r{i}", f"2026-01-{1 + i % 28:02d}", "Возврат денег так и не пришёл, поддержка молчит."])
    out = tmp_path / "findings.json"
    r = voc("findings", "--quiet", "--time-col", "date", str(src), "-o", str(out))
    assert r.code == 0, r.err
    j = json.loads(out.read_text(encoding="utf-8"))
    langs = {l["language"]: l for l in j["languages"]}
    assert langs["en"]["count"] == 30 and langs["en"]["unscored"] == 0
    assert langs["ru"]["count"] == 20 and langs["ru"]["unscored"] == 20
    assert any("Russian (ru)" in w and "no sentiment support" in w for w in j["warnings"])
