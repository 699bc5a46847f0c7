"""Analyzer options of every stage from Python: the same config keys and
checks as `voc --config` (the library's ApplyAnalyzerConfig)."""
import json

import pytest

import voc


def test_stage_options_reach_the_analysis():
    plain = voc.Analyzer(industry="none", language="en", sentiment_model="none")
    tuned = voc.Analyzer(industry="none", language="en", sentiment_model="none",
                         sentiment={"neutral_threshold": 0.9},
                         signals={"extra_cues": [{"signal": "churn_risk", "name": "bye",
                                                  "pattern": "goodbye forever"}]})
    assert plain.analyze("the service was good").label == "positive"
    assert tuned.analyze("the service was good").label == "neutral"
    hits = tuned.analyze("goodbye forever").signals
    assert [h["signal"] for h in hits] == ["churn_risk"]
    assert plain.analyze("goodbye forever").signals == []


def test_a_config_file_holds_stage_options_and_keywords_win(tmp_path):
    cfg = tmp_path / "voc.json"
    cfg.write_text(json.dumps({"industry": "none", "sentiment_model": "none",
                               "sentiment": {"neutral_threshold": 0.9}}), encoding="utf-8")
    a = voc.Analyzer(config=str(cfg), language="en")
    assert a.analyze("the service was good").label == "neutral"
    b = voc.Analyzer(config=str(cfg), language="en", sentiment={"neutral_threshold": 0.15})
    assert b.analyze("the service was good").label == "positive"


def test_bad_stage_options_name_the_key():
    with pytest.raises(ValueError, match=r"config: sentiment.neutral_treshold is not an option"):
        voc.Analyzer(sentiment={"neutral_treshold": 0.2})
    with pytest.raises(ValueError, match=r"config: signals.max_hits_per_signal must be an integer from 1 to 1000"):
        voc.Analyzer(signals={"max_hits_per_signal": 0})
