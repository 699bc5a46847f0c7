"""normalize, tokenize and redact: str and bytes input, offsets, errors."""
import threading

import pytest

import voc

MIXED = "Café 😀 naïve 東京 refund: jane.doe@example.com ok"


def test_normalize_str_and_entities():
    out = voc.normalize("Caf\u0065\u0301  &amp; bar\r\n")
    assert out == {"text": "Café & bar", "invalid_utf8": 0, "controls_removed": 0,
                   "entities_decoded": 1}


def test_normalize_repairs_invalid_utf8_bytes():
    out = voc.normalize(b"ok \xff\xfe bad \xc3")
    assert out["invalid_utf8"] >= 2
    assert "\ufffd" in out["text"]
    assert out["text"].startswith("ok ")


def test_normalize_options_and_errors():
    assert voc.normalize("ﬁne", form="NFKC")["text"] == "fine"
    assert voc.normalize("a\n\n b", keep_line_breaks=True)["text"] == "a\nb"
    with pytest.raises(ValueError, match="unknown normal form 'XYZ'"):
        voc.normalize("x", form="XYZ")
    with pytest.raises(TypeError, match="unknown normalizer option: 'nope'"):
        voc.normalize("x", nope=True)
    with pytest.raises(TypeError, match="expected str or bytes, got int"):
        voc.normalize(3)


def test_lone_surrogates_do_not_raise():
    text = "a\ud800b café"
    toks = voc.tokenize(text)["tokens"]
    assert toks[-1]["text"] == "café" and text[toks[-1]["begin"]:toks[-1]["end"]] == "café"
    assert voc.normalize(text)["invalid_utf8"] >= 1
    assert voc.redact("x\udfff jane@example.com")["text"].endswith("[EMAIL]")


def test_normalize_empty():
    assert voc.normalize("")["text"] == ""
    assert voc.normalize(b"")["text"] == ""


def test_tokenize_offsets_are_str_indices():
    out = voc.tokenize(MIXED)
    texts = [t["text"] for t in out["tokens"]]
    assert "😀" in texts and "東京" in "".join(texts) and "naïve" in texts
    for t in out["tokens"]:
        assert MIXED[t["begin"]:t["end"]] == t["text"]
    kinds = {t["text"]: t["kind"] for t in out["tokens"]}
    assert kinds["😀"] == "emoji"
    assert kinds["jane.doe@example.com"] == "email"
    assert out["sentences"] and out["sentences"][0]["begin"] == 0
    assert out["sentences"][-1]["end"] == len(MIXED)


def test_tokenize_bytes_gives_byte_offsets():
    data = MIXED.encode()
    out = voc.tokenize(data)
    for t in out["tokens"]:
        assert isinstance(t["text"], bytes)
        assert data[t["begin"]:t["end"]] == t["text"]
    bad = voc.tokenize(b"abc \xff\xfe def")
    assert [t["text"] for t in bad["tokens"]][0] == b"abc"
    assert bad["tokens"][-1]["text"] == b"def"


def test_tokenize_norm_and_options():
    out = voc.tokenize("Soooo HAPPY")
    assert [t["norm"] for t in out["tokens"]] == ["soo", "happy"]
    assert out["tokens"][0]["elongated"] is True
    assert voc.tokenize("Hi there.", sentences=False)["sentences"] == []
    assert voc.tokenize("") == {"tokens": [], "sentences": []}


def test_redact_spans_in_str_and_output():
    text = "Écrivez à jane.doe@example.com ou 555-867-5309 😀"
    out = voc.redact(text)
    assert out["text"] == "Écrivez à [EMAIL] ou [PHONE] 😀"
    kinds = [s["kind"] for s in out["spans"]]
    assert kinds == ["email", "phone"]
    email, phone = out["spans"]
    assert text[email["begin"]:email["end"]] == "jane.doe@example.com"
    assert text[phone["begin"]:phone["end"]] == "555-867-5309"
    assert out["text"][email["out_begin"]:email["out_end"]] == "[EMAIL]"
    assert out["text"][phone["out_begin"]:phone["out_end"]] == "[PHONE]"


def test_redact_bytes_and_options():
    out = voc.redact("mail jane@example.com".encode())
    assert out["text"] == b"mail [EMAIL]"
    assert out["spans"][0]["begin"] == 5
    assert voc.redact("mail jane@example.com", email=False)["text"] == "mail jane@example.com"
    custom = voc.redact("code ZZ-1234 here", extra_patterns=["TICKET=ZZ-\\d+"])
    assert custom["text"] == "code [TICKET] here"
    assert custom["spans"][0]["name"] == "TICKET"


def test_redact_addresses_and_national_phones():
    out = voc.redact("Lieferung an Hauptstraße 12, 10115 Berlin, Tel. 030 1234567")
    assert out["text"] == "Lieferung an [ADDRESS], Tel. [PHONE]"
    assert [s["kind"] for s in out["spans"]] == ["address", "phone"]
    assert voc.redact("Via Roma 10", address=False)["text"] == "Via Roma 10"
    a = voc.Analyzer(redactor={"address": False})
    assert "Via Roma 10" in a.analyze("abito in Via Roma 10").text
    assert "[ADDRESS]" in voc.Analyzer().analyze("abito in Via Roma 10").text


def test_redact_bad_pattern_is_value_error():
    with pytest.raises(ValueError, match="\\(unclosed"):
        voc.redact("x", extra_patterns=["(unclosed"])


def test_threads_share_components():
    errors = []

    def work():
        try:
            for _ in range(200):
                assert voc.redact("jane@example.com")["text"] == "[EMAIL]"
                assert len(voc.tokenize(MIXED)["tokens"]) > 5
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=work) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


def test_version():
    assert voc.__version__.count(".") == 2
    assert voc.FINDINGS_SCHEMA_VERSION == "1.1"


def test_contains_pii_and_timestamps():
    assert voc.contains_pii("call 555-867-5309") is True
    assert voc.contains_pii(b"nothing here") is False
    assert voc.contains_pii("jane@example.com", email=False) is False
    assert voc.format_timestamp(voc.parse_timestamp("02/13/2024 10:00")) == "2024-02-13T10:00:00Z"
    with pytest.raises(ValueError, match="2024-02-30"):
        voc.parse_timestamp("2024-02-30")
