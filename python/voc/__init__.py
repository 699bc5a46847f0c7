"""voc: Voice-of-the-Customer text mining from Python.

    import voc
    analyzer = voc.Analyzer()                     # shipped models
    a = analyzer.analyze("Charged twice and on hold 40 min!")
    a.label, a.score, [t["id"] for t in a.themes]
    for span in a.sentiment["evidence"]:
        print(a.text[span["begin"]:span["end"]])  # offsets are str indices

    agg = voc.Aggregate(period="week")
    agg.add_many(analyzer.analyze_many(records, threads=0))
    findings = voc.detect_findings(agg)           # a dict, plus .to_html() ...

Offsets in every result are indices into the Python `str` they refer to
(code points, not UTF-8 bytes). `bytes` input is accepted everywhere a text
is: the analyzer and the normaliser repair invalid UTF-8; `tokenize` and
`redact` of `bytes` answer with `bytes` and byte offsets, as `re` does.

Errors: ValueError for invalid arguments, FileNotFoundError for missing
files, `voc.Error` for everything else.

Thread safety: analyzers, tokenizers, redactors, normalizers and models are
immutable and may be shared by threads; their long calls release the GIL.
An Aggregate needs one writer at a time.
"""

import datetime as _datetime
import functools as _functools
import json as _json
import numbers as _numbers
import os as _os
import threading as _threading

from . import _voc
from ._voc import (  # noqa: F401  (re-exported)
    FINDINGS_SCHEMA_VERSION,
    Analysis,
    Error,
    Record,
    format_timestamp,
    parse_timestamp,
)

__version__ = _voc.__version__

__all__ = [
    "FINDINGS_SCHEMA_VERSION", "Aggregate", "Analysis", "Analyzer", "Error", "Findings",
    "Model", "Record", "make_record", "merge_aggregates",
    "analyze", "analyze_many", "contains_pii", "default_models_dir", "detect_findings", "evaluate",
    "format_timestamp", "load_model", "normalize", "parse_timestamp", "redact",
    "to_csv", "to_html", "to_json", "tokenize", "train", "write_digests",
]


def _fill(target, options, what):
    """Sets the fields named in `options` on an options struct; unknown names
    raise TypeError, as unknown keyword arguments do."""
    for name, value in options.items():
        if name.startswith("_") or not hasattr(target, name):
            raise TypeError(f"unknown {what} option: {name!r}")
        setattr(target, name, value)
    return target


def _to_unix(value):
    """Unix seconds from None, an int, a float, an ISO/US date string, a
    `datetime` (naive means UTC) or anything with `.timestamp()` (pandas)."""
    if value is None:
        return None
    try:
        if value != value:  # NaN, NaT: missing
            return None
    except (TypeError, ValueError):
        pass
    if isinstance(value, bool):
        raise TypeError("a timestamp cannot be a bool")
    if isinstance(value, _numbers.Integral):
        return int(value)
    if isinstance(value, _numbers.Real):
        return int(value // 1)
    if isinstance(value, str):
        return parse_timestamp(value) if value.strip() else None
    if isinstance(value, _datetime.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=_datetime.timezone.utc)
        return int(value.timestamp() // 1)
    if isinstance(value, _datetime.date):
        return int(_datetime.datetime(value.year, value.month, value.day,
                                      tzinfo=_datetime.timezone.utc).timestamp())
    if hasattr(value, "timestamp"):  # pandas.Timestamp (naive is UTC there)
        try:
            return int(value.timestamp() // 1)
        except ValueError:  # NaT
            return None
    raise TypeError(f"cannot use {type(value).__name__} as a timestamp")


def make_record(text, id="", timestamp=None, channel="", customer_id="", metadata=None):
    """Builds a `Record`: `timestamp` may be Unix seconds, a date string, a
    `datetime` or a pandas Timestamp; `metadata` a dict or pairs."""
    if isinstance(metadata, dict):
        metadata = list(metadata.items())
    return Record(text, id="" if id is None else str(id), timestamp=_to_unix(timestamp),
                  channel="" if channel is None else str(channel),
                  customer_id="" if customer_id is None else str(customer_id),
                  metadata=[(str(k), str(v)) for k, v in (metadata or [])])


# ---- analyzer ------------------------------------------------------------------

_PATH_FIELDS = ("models_dir", "sentiment_model", "themes", "themes_model", "adapted_model")


def _installed_models_dir():
    """<prefix>/share/voc/models beside an installed package (found from this
    file, so an install under any prefix finds its own models), or None."""
    here = _os.path.dirname(_os.path.abspath(__file__))
    for _ in range(5):
        here = _os.path.dirname(here)
        candidate = _os.path.join(here, "share", "voc", "models")
        if _os.path.isfile(_os.path.join(candidate, "taxonomy.json")):
            return candidate
    return None


def default_models_dir():
    """The models folder used when none is given: $VOC_MODELS_DIR, else the
    models installed with this package, else the library's default (the
    installed share/voc/models or the source tree's models/)."""
    if _os.environ.get("VOC_MODELS_DIR"):
        return _os.environ["VOC_MODELS_DIR"]
    return _installed_models_dir() or _voc.default_models_dir()


def analyzer_options(config=None, **options):
    """Returns `_voc.AnalyzerOptions` from a JSON config file (its fields are
    those of AnalyzerOptions; relative paths are relative to the file) and
    keyword options (which win). `normalizer` and `redactor` are dicts of
    their options; `normalizer["form"]` is "NFC" or "NFKC"."""
    merged = {}
    if config is not None:
        with open(config, encoding="utf-8") as f:
            try:
                loaded = _json.load(f)
            except ValueError as e:
                raise ValueError(f"{config}: not valid JSON: {e}") from None
        if not isinstance(loaded, dict):
            raise ValueError(f"{config}: expected a JSON object of analyzer options")
        base = _os.path.dirname(_os.path.abspath(config))
        for key in _PATH_FIELDS:
            value = loaded.get(key)
            if isinstance(value, str) and value and value != "none" and not _os.path.isabs(value):
                loaded[key] = _os.path.join(base, value)
        merged.update(loaded)
    merged.update(options)
    o = _voc.AnalyzerOptions()
    normalizer = dict(merged.pop("normalizer", None) or {})
    if "form" in normalizer and isinstance(normalizer["form"], str):
        try:
            normalizer["form"] = _voc.NormalForm.__members__[normalizer["form"].upper()]
        except KeyError:
            raise ValueError(f"unknown normal form {normalizer['form']!r}; use NFC or NFKC") from None
    _fill(o.normalizer, normalizer, "normalizer")
    _fill(o.redactor, dict(merged.pop("redactor", None) or {}), "redactor")
    _fill(o, merged, "analyzer")
    if not o.models_dir:
        o.models_dir = default_models_dir()
    return o


class Analyzer:
    """The whole per-verbatim pipeline: normalise, redact PII, tokenize,
    sentiment, themes (with departments) and CX signals.

    `Analyzer(config="voc.json", themes="my_taxonomy.json")`: options come
    from a JSON config file and/or keywords (models_dir, sentiment_model,
    themes, themes_model, themes_model_top_k, adapted_model, normalizer={...},
    redactor={...}). Analyzers pickle as their options, so they can be sent
    to other processes (each rebuilds its own). `adapted_model` is a file
    saved by `adapt(..., save=PATH)` or `voc analyze --save-adapted`."""

    def __init__(self, config=None, **options):
        self._config = config
        self._kwargs = options
        self._native = _voc.Analyzer.create(analyzer_options(config, **options))

    def __reduce__(self):
        return (_rebuild_analyzer, (self._config, self._kwargs))

    def analyze(self, text, **record):
        """Analyses one text (`str` or `bytes`). Keywords id, timestamp,
        channel, customer_id and metadata make it a record."""
        if record:
            return self._native.analyze(make_record(text, **record))
        return self._native.analyze_text(text)

    def analyze_record(self, record=None, **fields):
        """Analyses a `Record`, or one built from keywords (see make_record)."""
        if record is None:
            record = make_record(**fields)
        elif fields:
            raise TypeError("pass either a Record or its fields, not both")
        return self._native.analyze(record)

    def analyze_many(self, items, threads=0):
        """Analyses texts (`str`/`bytes`) or Records on `threads` threads
        (0: all cores), without holding the GIL; results in input order,
        equal to those of `analyze` one by one."""
        if not isinstance(items, (list, tuple)):
            items = list(items)
        return self._native.analyze_batch(items, threads)

    def analyze_conversations(self, conversations, speaker_map=None, threads=0):
        """Analyses conversations per speaker: `conversations` is a list of
        (id, [(speaker, text), ...]). Speakers map to roles as in the CLI
        (customer/caller/user..., agent/rep/advisor..., bot/ivr..., system);
        `speaker_map` adds "label=role,..." entries; an unknown speaker is a
        ValueError. Returns a list of (customer Analysis, dict): the Analysis
        of the customer's turns alone (add it to an Aggregate: one count per
        conversation) and the `voc analyze` JSON object of the conversation,
        with offsets as str indices."""
        if not isinstance(conversations, (list, tuple)):
            conversations = list(conversations)
        items = [(str(cid), [(str(s), t) for s, t in turns]) for cid, turns in conversations]
        out = self._native.analyze_conversations(items, speaker_map or "", threads)
        return [(a, _char_offsets(_json.loads(j))) for a, j in out]

    def adapt(self, items, save=None, threads=0, **options):
        """Adapts the themes to `items` (texts or Records, e.g. the first
        20,000 of a corpus): the verbatims the taxonomy's rules label
        confidently train a classifier that from then on gives themes (source
        "adapted") to the verbatims the rules leave unclassified. Options are
        those of AdaptOptions (min_examples, min_negatives,
        min_rule_confidence, min_precision,
        unlabelled_share, mask_rule_evidence, max_themes_per_text, seed). With `save`, the
        adapter is written there and becomes this analyzer's
        `adapted_model`, so that pickled copies (Dask workers) load and apply
        it too (the path must be readable there); without, they have none.
        Returns the report: themes adapted, with their example counts and
        held-back precision, and themes skipped with the reason. Raises
        voc.Error when no theme has enough examples. Not while other threads
        use this analyzer."""
        o = _fill(_voc.AdaptOptions(), options, "adapt")
        self._native.set_theme_adapter(None)
        analyses = self.analyze_many(items, threads)
        adapter = _voc.ThemeAdapter.fit(analyses, o)
        if save is not None:
            adapter.save(_os.fspath(save))
        self._native.set_theme_adapter(adapter)
        # Pickled copies rebuild from the options: the saved file, or none.
        self._kwargs = {k: v for k, v in self._kwargs.items() if k != "adapted_model"}
        if save is not None:
            self._kwargs["adapted_model"] = _os.path.abspath(_os.fspath(save))
        return _json.loads(adapter.report_json())

    def redact(self, text):
        """The normalised text with personal data masked, as the analyzer
        stores it."""
        return self._native.redact(text)

    def describe(self):
        """The loaded components, e.g. {"sentiment": ..., "themes": ...}."""
        return _json.loads(self._native.describe_json())


def _rebuild_analyzer(config, kwargs):
    return Analyzer(config, **kwargs)


_default_lock = _threading.Lock()
_default = None


def _char_offsets(d):
    """Turns the UTF-8 byte offsets of a conversation's JSON into str indices."""
    def conv(text, spans):
        if text.isascii():
            return
        raw = text.encode("utf-8")
        for s in spans:
            for k in ("begin", "end"):
                if k in s:
                    s[k] = len(raw[:s[k]].decode("utf-8", "ignore"))
    text = d.get("text", "")
    spans = list(d.get("sentiment", {}).get("evidence", [])) + list(d.get("signals", []))
    spans += d.get("sentences", [])
    for s in d.get("sentences", []):
        spans += s.get("evidence", [])
    for t in d.get("themes", []):
        spans += t.get("evidence", [])
    conv(text, spans)
    c = d.get("conversation", {})
    turns = c.get("turns", [])
    by_turn = {}
    groups = [c.get("agent_behaviours", []), c.get("evidence", []),
              c.get("resolution", {}).get("evidence", [])]
    groups += list(c.get("structure", {}).values())
    for g in groups:
        for s in g:
            by_turn.setdefault(s.get("turn"), []).append(s)
    for i, spans in by_turn.items():
        if isinstance(i, int) and 0 <= i < len(turns):
            conv(turns[i]["text"], spans)
    return d


def default_analyzer():
    """A shared Analyzer with the shipped models, built on first use."""
    global _default
    with _default_lock:
        if _default is None:
            _default = Analyzer()
        return _default


def analyze(text, **record):
    """Analyses one text with the default analyzer (see Analyzer.analyze)."""
    return default_analyzer().analyze(text, **record)


def analyze_many(items, threads=0):
    """Analyses many texts or Records with the default analyzer."""
    return default_analyzer().analyze_many(items, threads)


# ---- components ------------------------------------------------------------------

def _frozen(options):
    return tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in options.items()))


@_functools.lru_cache(maxsize=16)
def _normalizer(frozen):
    o = dict(frozen)
    if isinstance(o.get("form"), str):
        try:
            o["form"] = _voc.NormalForm.__members__[o["form"].upper()]
        except KeyError:
            raise ValueError(f"unknown normal form {o['form']!r}; use NFC or NFKC") from None
    return _voc.Normalizer.create(_fill(_voc.NormalizerOptions(), o, "normalizer"))


@_functools.lru_cache(maxsize=16)
def _redactor(frozen):
    o = {k: list(v) if isinstance(v, tuple) else v for k, v in frozen}
    return _voc.Redactor.create(_fill(_voc.RedactorOptions(), o, "redactor"))


@_functools.lru_cache(maxsize=16)
def _tokenizer(frozen):
    return _voc.Tokenizer.create(_fill(_voc.TokenizerOptions(), dict(frozen), "tokenizer"))


def normalize(text, **options):
    """Cleans `text` (str or bytes; invalid UTF-8 is repaired) into NFC
    UTF-8 with decoded entities and collapsed whitespace. Returns
    {"text", "invalid_utf8", "controls_removed", "entities_decoded"}.
    Options: form ("NFC"/"NFKC"), decode_html_entities, collapse_whitespace,
    keep_line_breaks, remove_controls."""
    return _normalizer(_frozen(options)).normalize(text)


def redact(text, **options):
    """Masks personal data. Returns {"text", "spans", "existing_masks"};
    each span has kind, name, begin/end (in the input) and out_begin/out_end
    (in the output). Options: email, phone, card, ssn, iban, ip, url,
    account (bools), extra_patterns (["NAME=RE2", ...]), keep_existing_masks."""
    return _redactor(_frozen(options)).redact(text)


def contains_pii(text, **options):
    """True when `redact(text, **options)` would mask something."""
    return _redactor(_frozen(options)).contains_pii(text)


def tokenize(text, **options):
    """Words, punctuation, social tokens and sentences. Returns
    {"tokens": [{begin, end, kind, text, norm, elongated}],
    "sentences": [{begin, end, first_token, end_token}]}. Options: sentences,
    case_fold, social, fast_path."""
    return _tokenizer(_frozen(options)).tokenize(text)


# ---- classifier --------------------------------------------------------------------

def _label_lists(labels):
    out = []
    for x in labels:
        if isinstance(x, str):
            out.append([x])
        elif x is None:
            out.append([])
        else:
            out.append([str(v) for v in x])
    return out


class Model:
    """A trained text classifier (see `train` and `load_model`); pickles as
    its model bytes."""

    def __init__(self, native):
        self._native = native

    def __reduce__(self):
        return (_model_from_bytes, (self._native.serialize(),))

    @property
    def info(self):
        """{"task", "backend", "multi_label", "labels", "metadata_json",
        "validation_accuracy", "validation_macro_f1"}."""
        return self._native.info()

    @property
    def labels(self):
        return self._native.info()["labels"]

    def predict(self, text, k=1):
        """The `k` most probable (label, probability) pairs."""
        return self._native.predict(text, k)

    def predict_above_thresholds(self, text):
        """Multi-label: every label above its tuned threshold; single-label:
        the top label."""
        return self._native.predict_above_thresholds(text)

    def explain(self, text, label="", max_features=10):
        """Why `label` (default: the top one) was predicted: features with
        their weight and their span in `text` (begin == end when none)."""
        return self._native.explain(text, label, max_features)

    def save(self, path):
        self._native.save(str(path))

    def to_bytes(self):
        return self._native.serialize()


def _model_from_bytes(data, task=""):
    return Model(_voc.TextClassifier.from_bytes(data, task))


def train(texts, labels, validation=None, **options):
    """Trains a classifier on `texts` and `labels` (a label per text, or a
    list of labels per text for multi_label=True). Options are those of
    TrainOptions: task, multi_label, seed, validation_fraction, backend
    ("auto", "linear", "fasttext"), quantize, quantize_max_features, threads,
    verbose. `validation=(texts, labels)` chooses settings on those rows."""
    o = _fill(_voc.TrainOptions(), options, "train")
    texts = list(texts)
    labels = _label_lists(labels)
    if validation is not None:
        vt, vl = validation
        o.validation = [_voc.LabeledText(t, l) for t, l in zip(vt, _label_lists(vl))]
    return Model(_voc.TextClassifier.train(texts, labels, o))


def load_model(path, task=""):
    """Loads and validates a model file; with `task`, refuses a model
    trained for another task."""
    return Model(_voc.TextClassifier.load(_os.fspath(path), task))


def evaluate(model, texts, labels):
    """Scores `model` on labeled rows: {"accuracy", "macro_f1", "n",
    "labels", "per_label": [...], "confusion": [[...]]}."""
    return _voc.evaluate(model._native, list(texts), _label_lists(labels))


# ---- aggregate and findings -------------------------------------------------------

def aggregate_options(period="week", **options):
    o = _fill(_voc.AggregateOptions(), options, "aggregate")
    o.period = period if isinstance(period, _voc.Period) else _voc.parse_period(period)
    return o


class Aggregate(_voc.Aggregate):
    """Mergeable per-period counts of analyses, for findings.

    `Aggregate(period="week", evidence_per_theme=5, unclassified_evidence=50,
    snippet_bytes=280, track_customers=True, phrase_stats=True, max_ngram=3)`.
    `add(analysis)`, `add_many(analyses)`, `merge(other)`; `serialize()`
    gives canonical JSON and `Aggregate.deserialize(text)` reads it back;
    aggregates pickle through it. Merging parts in any order equals one pass."""

    def __init__(self, period="week", **options):
        super().__init__(aggregate_options(period, **options))

    @classmethod
    def deserialize(cls, text):
        """Reads `serialize()` output; ValueError when it is not one."""
        if isinstance(text, bytes):
            text = text.decode("utf-8")
        obj = cls.__new__(cls)
        _voc.Aggregate.__init__(obj)
        obj._load(text)
        return obj

    def __reduce__(self):
        return (_aggregate_from_json, (self.serialize(),))

    def add_many(self, analyses):
        if not isinstance(analyses, list):
            analyses = list(analyses)
        super().add_many(analyses)

    @property
    def period(self):
        return _voc.period_name(self.options.period)

    def __repr__(self):
        return f"<voc.Aggregate period={self.period} records={self.records}>"


def _aggregate_from_json(text):
    return Aggregate.deserialize(text)


def merge_aggregates(parts):
    """Merges aggregates (or their serialized JSON) into a new one."""
    out = None
    for p in parts:
        if isinstance(p, (str, bytes)):
            p = Aggregate.deserialize(p)
        if out is None:
            out = Aggregate.deserialize(p.serialize())
        else:
            out.merge(p)
    if out is None:
        raise ValueError("no aggregates to merge")
    return out


def findings_options(**options):
    o = _fill(_voc.FindingsOptions(), options, "findings")
    _voc.validate_findings_options(o)
    return o


def _utf8_to_str_index(text, byte_offset):
    return len(text.encode("utf-8")[:byte_offset].decode("utf-8", errors="ignore"))


def _convert_quote_spans(quotes):
    for q in quotes:
        text = q.get("text", "")
        if text.isascii():
            continue
        for s in q.get("spans", []):
            s["begin"] = _utf8_to_str_index(text, s["begin"])
            s["end"] = _utf8_to_str_index(text, s["end"])


class Findings(dict):
    """The findings document as a dict (the JSON of `to_json()`, with quote
    spans as str indices of their `text`), plus the report writers."""

    def __init__(self, native):
        self._native = native
        self._json = native.to_json()
        super().__init__(_json.loads(self._json))
        for f in self.get("findings", []):
            _convert_quote_spans(f.get("evidence", []))
        for u in self.get("unknown_themes", []):
            _convert_quote_spans(u.get("examples", []))

    def __reduce__(self):
        return (dict, (dict(self),))  # the writers stay with the original

    def to_json(self):
        """The findings JSON document (byte offsets, schema 1.0), deterministic."""
        return self._json

    def to_csv(self):
        """One row per finding, RFC 4180 with a header row."""
        return self._native.to_csv()

    def to_html(self, title=None, max_detailed=None):
        """A self-contained HTML report."""
        o = _voc.HtmlOptions()
        if title is not None:
            o.title = title
        if max_detailed is not None:
            o.max_detailed = max_detailed
        return self._native.to_html(o)

    def digests(self):
        """Per-department Markdown digests: [{department, file_name, markdown}]."""
        return self._native.digests()

    def write_digests(self, directory):
        """Writes one Markdown digest per department and README.md into
        `directory` (created when missing)."""
        self._native.write_digests(_os.fspath(directory))

    def save(self, path, format=None):
        """Writes the findings atomically as json, csv or html (by default
        after the file's extension)."""
        path = _os.fspath(path)
        fmt = (format or _os.path.splitext(path)[1].lstrip(".") or "json").lower()
        writers = {"json": self.to_json, "csv": self.to_csv, "html": self.to_html,
                   "htm": self.to_html}
        if fmt not in writers:
            raise ValueError(f"unknown findings format {fmt!r}; use json, csv or html")
        _voc.write_file_atomic(path, writers[fmt]())


def detect_findings(aggregate, **options):
    """Chronic, emerging, spike and resolved issues of `aggregate` (an
    Aggregate or its serialized JSON). Options are those of FindingsOptions
    (chronic_k, chronic_n, last_period, ...); out-of-range values raise
    ValueError. Returns a `Findings` dict."""
    if isinstance(aggregate, (str, bytes)):
        aggregate = Aggregate.deserialize(aggregate)
    return Findings(_voc.detect_findings(aggregate, findings_options(**options)))


def to_json(findings):
    return findings.to_json()


def to_csv(findings):
    return findings.to_csv()


def to_html(findings, title=None, max_detailed=None):
    return findings.to_html(title=title, max_detailed=max_detailed)


def write_digests(findings, directory):
    findings.write_digests(directory)
