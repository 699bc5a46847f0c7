"""Hostile arguments: strings where sequences belong, bytes fields, thread
counts beyond the machine, personal data in identity fields."""
import warnings

import pytest

import voc


def test_analyze_many_refuses_a_single_string(analyzer):
    for bad in ("a string", b"some bytes"):
        with pytest.raises(TypeError, match="not one"):
            analyzer.analyze_many(bad)
        with pytest.raises(TypeError, match="not one"):
            voc.analyze_many(bad)


def test_bytes_fields_are_decoded_not_repr(analyzer):
    r = voc.make_record("late parcel", id=b"r-17", channel=b"chat", metadata={b"k": b"v\xff"})
    assert r.id == "r-17" and r.channel == "chat"
    assert r.metadata == [("k", "v\ufffd")]
    a = analyzer.analyze("late parcel", id=b"r-18")
    assert a.id == "r-18"


def test_thread_counts_are_capped_with_a_warning(analyzer):
    cap = voc.max_threads()
    assert cap >= 8
    with pytest.warns(RuntimeWarning, match="threads=100000 is more than 4 per core; using %d" % cap):
        out = analyzer.analyze_many(["refund please", "thanks"], threads=100000)
    assert len(out) == 2
    with pytest.raises(ValueError, match="threads must be >= 0"):
        analyzer.analyze_many(["x"], threads=-1)
    with pytest.raises(TypeError, match="threads must be an int"):
        analyzer.analyze_many(["x"], threads="8")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        analyzer.analyze_many(["x"], threads=cap)


def test_identity_fields_hold_no_personal_data(analyzer):
    a = analyzer.analyze("refund please", id="jane.doe@example.com", channel="555-867-5309",
                         customer_id="123-45-6789")
    assert a.id == "[EMAIL]" and a.channel == "[PHONE]"
    assert a.customer_id == voc.customer_key("123-45-6789") != "123-45-6789"
    salted = voc.Analyzer(customer_salt="s3cret").analyze("x", customer_id="123-45-6789")
    assert salted.customer_id == voc.customer_key("123-45-6789", "s3cret") != a.customer_id


def test_out_of_range_timestamps_are_refused():
    with pytest.raises(ValueError, match="milliseconds since the epoch"):
        voc.make_record("x", timestamp=1700000000000)
    with pytest.raises(ValueError, match="out of range"):
        voc.make_record("x", timestamp=10 ** 30)
    assert voc.make_record("x", timestamp=1700000000.5).timestamp == 1700000000
