"""CLI tests of `voc tokenize`: JSONL tokens and sentences per input line."""
import json
import os


def lines(out):
    return [json.loads(l) for l in out.splitlines()]


def test_help(voc):
    r = voc("tokenize", "--help")
    assert r.code == 0
    assert "usage: voc tokenize [FILE|-]" in r.out
    assert "--no-sentences" in r.out


def test_tokens_and_sentences_from_stdin(voc):
    r = voc("tokenize", stdin="Hello, World! Sooo happy :)\n")
    assert r.code == 0, r.err
    [doc] = lines(r.out)
    toks = doc["tokens"]
    assert toks[0] == {"text": "Hello", "norm": "hello", "kind": "word", "begin": 0, "end": 5}
    assert [t["kind"] for t in toks] == ["word", "punct", "word", "punct", "word", "word",
                                         "emoticon"]
    assert toks[4]["norm"] == "soo" and toks[4]["elongated"] is True
    assert "elongated" not in toks[0]
    assert doc["sentences"] == [
        {"begin": 0, "end": 13, "first_token": 0, "end_token": 4},
        {"begin": 14, "end": 27, "first_token": 4, "end_token": 7},
    ]


def test_one_output_line_per_input_line(voc):
    r = voc("tokenize", "-", stdin="one\n\n@bob #fail https://x.io\r\nlast")
    assert r.code == 0, r.err
    docs = lines(r.out)
    assert len(docs) == 4
    assert docs[1] == {"tokens": [], "sentences": []}
    assert [t["kind"] for t in docs[2]["tokens"]] == ["mention", "hashtag", "url"]
    assert docs[3]["tokens"][0]["text"] == "last"


def test_byte_offsets_in_utf8(voc):
    text = "caf\u00e9 \U0001F44D\U0001F3FD ok"
    r = voc("tokenize", stdin=text + "\n")
    [doc] = lines(r.out)
    raw = text.encode("utf-8")
    for t in doc["tokens"]:
        assert raw[t["begin"]:t["end"]].decode("utf-8") == t["text"]
    assert [t["kind"] for t in doc["tokens"]] == ["word", "emoji", "word"]


def test_flags(voc):
    r = voc("tokenize", "--no-sentences", "--no-social", "--no-case-fold", "--no-norm",
            stdin="Hi #fail\n")
    assert r.code == 0, r.err
    [doc] = lines(r.out)
    assert "sentences" not in doc
    assert doc["tokens"] == [
        {"text": "Hi", "kind": "word", "begin": 0, "end": 2},
        {"text": "#", "kind": "punct", "begin": 3, "end": 4},
        {"text": "fail", "kind": "word", "begin": 4, "end": 8},
    ]
    r = voc("tokenize", "--no-case-fold", stdin="Hi\n")
    assert lines(r.out)[0]["tokens"][0]["norm"] == "Hi"


def test_fast_path_flag_gives_same_output(voc, source_dir):
    path = os.path.join(source_dir, "examples", "data", "sample_tweets.txt")
    fast = voc("tokenize", path)
    slow = voc("tokenize", "--no-fast-path", path)
    assert fast.code == 0 and slow.code == 0
    assert fast.out == slow.out
    with open(path, encoding="utf-8") as f:
        assert len(lines(fast.out)) == len(f.read().splitlines())


def test_invalid_utf8_does_not_crash_and_outputs_valid_json(voc):
    r = voc("tokenize", stdin=b"bad \xff\xfe x \xc3\n\xe2\x82\n")
    assert r.code == 0, r.err
    docs = [json.loads(l) for l in r.out.splitlines()]
    assert len(docs) == 2
    assert docs[0]["tokens"][0]["text"] == "bad"
    # Each ill-formed byte is a symbol token, printed as U+FFFD.
    assert [t["text"] for t in docs[0]["tokens"]] == ["bad", "\ufffd", "\ufffd", "x", "\ufffd"]
    assert [t["kind"] for t in docs[0]["tokens"][1:3]] == ["symbol", "symbol"]
    assert docs[0]["tokens"][1]["begin"] == 4 and docs[0]["tokens"][1]["end"] == 5


def test_control_characters_are_escaped(voc):
    r = voc("tokenize", stdin='say "hi"\\ \x01\n')
    [doc] = lines(r.out)
    assert [t["text"] for t in doc["tokens"]] == ["say", '"', "hi", '"', "\\", "\x01"]


def test_missing_file_is_a_failure(voc, tmp_path):
    r = voc("tokenize", tmp_path / "nope.txt")
    assert r.code == 1
    assert r.err.startswith("voc: cannot open '")
    assert "nope.txt'" in r.err


def test_unknown_flag_is_a_usage_error(voc):
    r = voc("tokenize", "--frobnicate")
    assert r.code == 2
    assert "voc: unrecognised option '--frobnicate'" in r.err


def test_two_inputs_is_a_usage_error(voc):
    r = voc("tokenize", "a.txt", "b.txt")
    assert r.code == 2
    assert r.err.startswith("voc: ")


def test_threads_keep_input_order(same_output_for_threads):
    out = same_output_for_threads("tokenize")
    assert len(out.splitlines()) == 60  # one line out per tweet


# Texts where the stages used to disagree on sentences: ';', '...',
# abbreviations, lower-case starts, emoji, a mention and a URL.
AGREE = [
    "Refund please; the fee was wrong. Thanks!",
    "The app crashed... again. Then it froze... Great job \U0001F621 really",
    "Mr. Smith said e.g. the fee is approx. ten dollars. No. 5 is the U.S. rule.",
    "Love it \U0001F60D. the fit is great!! \U0001F44D\U0001F3FD would buy again",
    "@united thanks for nothing. See http://x.io/?A=1 now. mail me at a.b@c.com? ok",
]


def test_sentences_of_tokenize_sentiment_and_analyze_agree(voc, tmp_path):
    p = tmp_path / "in.txt"
    p.write_text("\n".join(AGREE) + "\n", encoding="utf-8")
    tok = voc("tokenize", p)
    sen = voc("sentiment", p)
    ana = voc("analyze", p, "--language", "en", "-q")
    assert tok.code == 0 and sen.code == 0 and ana.code == 0, tok.err + sen.err + ana.err
    spans = lambda doc: [(s["begin"], s["end"]) for s in doc["sentences"]]
    tokenized = [spans(d) for d in lines(tok.out)]
    assert tokenized == [spans(d) for d in lines(sen.out)]
    # `voc analyze` reports the sentences of its (redacted) text.
    analysed = lines(ana.out)
    q = tmp_path / "redacted.txt"
    q.write_text("\n".join(d["text"] for d in analysed) + "\n", encoding="utf-8")
    assert "[EMAIL]" in analysed[4]["text"]
    tok_redacted = voc("tokenize", q)
    assert [spans(d) for d in lines(tok_redacted.out)] == [spans(d) for d in analysed]
    text = AGREE[0].encode("utf-8")
    assert [text[b:e].decode() for b, e in tokenized[0]] == ["Refund please; the fee was wrong.", "Thanks!"]
    # The mention is in the sentence, never in the evidence.
    first = lines(ana.out)[4]
    assert first["sentences"][0]["begin"] == 0
    assert all(e["begin"] >= 8 for e in first["sentiment"]["evidence"])
