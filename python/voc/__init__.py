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
import sys as _sys
import threading as _threading
import warnings as _warnings



def _missing_extension(error):
    """An ImportError that says why `_voc` cannot be loaded: built for
    another interpreter, or not built at all."""
    import glob
    import sys
    import sysconfig
    here = _os.path.dirname(_os.path.abspath(__file__))
    suffix = sysconfig.get_config_var("EXT_SUFFIX") or ".so"
    running = f"{sys.implementation.name} {sys.version.split()[0]} ({sys.executable})"
    found = sorted(_os.path.basename(p) for p in glob.glob(_os.path.join(here, "_voc*.so"))
                   + glob.glob(_os.path.join(here, "_voc*.pyd")))
    others = [f for f in found if not f.endswith(suffix)]
    if others and not any(f == "_voc" + suffix for f in found):
        msg = (f"voc's compiled extension was built for another Python: {', '.join(others)} "
               f"in {here}, but this is {running}, which loads _voc{suffix}. Rebuild for "
               f"this interpreter: `pip install --no-build-isolation .` in the voc source "
               f"folder, or CMake with -DPython_EXECUTABLE={sys.executable}")
    elif not found:
        msg = (f"voc's compiled extension _voc{suffix} is missing from {here}: build it "
               f"(`cmake --build build --target _voc`, then use build/python) or install "
               f"the package (`pip install --no-build-isolation .`)")
    else:
        msg = f"voc's compiled extension in {here} cannot be loaded by {running}: {error}"
    return ImportError(msg, name="voc._voc", path=here)


try:
    from . import _voc
except ImportError as _e:
    raise _missing_extension(_e) from None
from . import _progress
from . import _reading
from . import _conversations
from ._conversations import Conversation, Conversations, Turn, read_conversations  # noqa: F401
from ._voc import (  # noqa: F401  (re-exported)
    FINDINGS_SCHEMA_VERSION,
    Analysis,
    Error,
    Record,
    format_timestamp,
    parse_timestamp,
    words_only,
)

__version__ = _voc.__version__

__all__ = [
    "FINDINGS_SCHEMA_VERSION", "Aggregate", "Analysis", "Analyzer", "Error", "Findings",
    "Model", "Record", "make_record", "merge_aggregates",
    "analyze", "analyze_many", "contains_pii", "default_models_dir", "detect_findings", "discover",
    "evaluate",
    "customer_key", "format_timestamp", "load_model", "max_threads", "normalize", "parse_timestamp",
    "read_records", "redact",
    "Conversation", "Conversations", "Turn", "read_conversations",
    "to_csv", "to_html", "to_json", "tokenize", "train", "words_only", "write_digests",
]


def _fill(target, options, what):
    """Sets the fields named in `options` on an options struct; unknown names
    raise TypeError, as unknown keyword arguments do."""
    for name, value in options.items():
        if name.startswith("_") or not hasattr(target, name):
            raise TypeError(f"unknown {what} option: {name!r}")
        setattr(target, name, value)
    return target


_MIN_UNIX, _MAX_UNIX = -2208988800, 7258118400


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
    if isinstance(value, (_numbers.Integral, _numbers.Real)):
        # As the readers do: a number beyond 1900-2199 is not Unix seconds
        # (usually milliseconds), and one would stretch every window.
        if not _MIN_UNIX <= value < _MAX_UNIX:
            hint = "; milliseconds since the epoch? divide by 1000" if (
                _MAX_UNIX <= value < _MAX_UNIX * 1000) else ""
            raise ValueError("timestamp %r: Unix seconds out of range (years 1900-2199)%s"
                             % (value, hint))
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
    return Record(text, id=_field_text(id), timestamp=_to_unix(timestamp),
                  channel=_field_text(channel), customer_id=_field_text(customer_id),
                  metadata=[(_field_text(k), _field_text(v)) for k, v in (metadata or [])])


def _field_text(value):
    """A record field as text: None is empty, bytes are decoded as UTF-8
    (invalid bytes replaced), not turned into their b'...' repr."""
    if value is None:
        return ""
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).decode("utf-8", errors="replace")
    return str(value)


class Records(list):
    """The records of a file (a list of `Record`) with `rejects`: the
    records the reader could not use, as dicts {index (0-based record
    number), line (where it starts), reason, raw (its bytes, cut at 4 KiB)},
    and `stats` {read, emitted, rejected, bytes}."""

    rejects = ()
    stats = None


def read_records(source, text_col="text", id_col=None, time_col=None, channel_col=None,
                 customer_col=None, format="auto", delimiter=None, max_record_bytes=None,
                 progress=None):
    """Reads a CSV / TSV / JSON Lines / text file (gzip or not; or its bytes)
    with the library's reader, exactly as `voc analyze` and `voc findings`
    do (--format, --text-col, --id-col, --time-col, --channel-col,
    --customer-col, --max-record-bytes): returns `Records`, whose `rejects`
    list what `--rejects` would write (a bad timestamp, an unterminated
    quote, a record over the size limit ...). ValueError for an unknown
    column, FileNotFoundError for a missing file. Reads in steps: Ctrl-C
    interrupts it; `progress=True` draws a bar of the bytes read on stderr,
    a callable gets (bytes read, bytes in all)."""
    o = _reading.reader_options(text_col, id_col, time_col, channel_col, customer_col, format,
                                delimiter, max_record_bytes)
    if not isinstance(source, bytes):
        source = _os.fspath(source)
    records, rejects, stats = _reading.read_chunked(source, o, progress)
    out = Records(records)
    out.rejects = [{"index": i, "line": line, "reason": reason, "raw": raw}
                   for i, line, reason, raw in rejects]
    out.stats = stats
    return out


# ---- analyzer ------------------------------------------------------------------

_PATH_FIELDS = ("models_dir", "sentiment_model", "themes", "themes_model", "adapted_model")


def _installed_models_dir():
    """The models inside the package (voc/models, put there by pip), else
    <prefix>/share/voc/models beside an installed package (found from this
    file, so an install under any prefix finds its own models), or None."""
    here = _os.path.dirname(_os.path.abspath(__file__))
    packaged = _os.path.join(here, "models")
    if _os.path.isfile(_os.path.join(packaged, "taxonomy.json")):
        return packaged
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


_MODEL_FIELDS = ("sentiment_model", "themes", "themes_model")


def _model_files(options):
    """Options with every `Model` object (or path-like) in a model field
    replaced by a file path; Model objects are written to temporary files,
    whose paths are returned for removal once the analyzer is built."""
    out = dict(options)
    temporary = []
    for key in _MODEL_FIELDS:
        value = out.get(key)
        if isinstance(value, Model):
            import tempfile
            fd, path = tempfile.mkstemp(prefix="voc-model-", suffix=".vocm")
            _os.close(fd)
            temporary.append(path)
            value.save(path)
            out[key] = path
        elif value is not None and not isinstance(value, str) and hasattr(value, "__fspath__"):
            out[key] = _os.fspath(value)
    return out, temporary


def _warn_unmapped_labels(options, model):
    """Warns when labels of the themes model map to no theme of the
    taxonomy: the analyzer cannot report them."""
    if not options.themes_model:
        return
    taxonomy = options.themes or _os.path.join(options.models_dir, "taxonomy.json")
    try:
        with open(taxonomy, "rb") as f:
            if not f.read(64).lstrip().startswith(b"{"):
                return  # a model as the theme source: its labels are the themes
    except OSError:
        return  # the analyzer reports a missing file
    try:
        labels = load_model(model if isinstance(model, Model) else options.themes_model).labels
        unmapped = _voc.unmapped_model_labels(taxonomy, labels)
    except (OSError, ValueError, Error):
        return  # the analyzer reports a bad file with its own message
    if unmapped:
        import warnings
        shown = ", ".join(repr(x) for x in unmapped[:10])
        more = f" and {len(unmapped) - 10} more" if len(unmapped) > 10 else ""
        warnings.warn(f"voc: {len(unmapped)} of {len(labels)} labels of the themes model are not "
                      f"themes of {taxonomy} (neither a theme id nor in its model_labels) and "
                      f"will never be reported: {shown}{more}; map them in the taxonomy's "
                      f"model_labels, or pass themes=<the model> to use its labels as themes",
                      RuntimeWarning, stacklevel=3)


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
    # The options of the stages (sentiment, signals, theme rules) as the
    # library's config reads them, with the same checks and messages.
    staged = {k: merged.pop(k) for k in ("sentiment", "signals", "theme_rules") if k in merged}
    if staged:
        _voc.apply_analyzer_config(_json.dumps(staged), o)
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
    themes, themes_model, themes_model_top_k, industry, industry_sample,
    customer_salt, language="de" (forced; default: identified per record),
    adapted_model, normalizer={...}, redactor={...}, sentiment={...}
    (neutral_threshold, model_weight, ...), signals={...} (emotion_threshold,
    negation, max_hits_per_signal, extra_cues), theme_rules={...}): the keys of
    `voc analyze --print-config`. `adapted_model` is a
    file saved by `adapt(..., save=PATH)` or `voc analyze --save-adapted`. Model options take a path or a
    trained `voc.Model`. Labels of a themes model that the taxonomy does not
    map are warned about (RuntimeWarning). Analyzers pickle as their
    options, so they can be sent to other processes (each rebuilds its own).

    `industry` picks the taxonomy's industry packs: "auto" (default), "none",
    "all" or pack names ("travel,telecom"). With "auto" the packs are chosen
    from `industry_sample` (a list of texts) when given; otherwise from the
    first 1,000 texts of the first `analyze_many` call (or voc.pandas
    frame), after which the
    choice is fixed (and travels with the pickled analyzer); `analyze` before
    that uses the core themes only. `industries()` says what was chosen and
    why."""

    def __init__(self, config=None, **options):
        self._config = config
        self._kwargs = options
        resolved, temporary = _model_files(options)
        try:
            o = analyzer_options(config, **resolved)
            _warn_unmapped_labels(o, options.get("themes_model"))
            self._native = _voc.Analyzer.create(o)
        finally:
            for path in temporary:
                _os.unlink(path)
        self._pending_sample = (o.industry == "auto" and not o.industry_sample
                                and bool(self.industries().get("packs")))

    def __reduce__(self):
        return (_rebuild_analyzer, (self._config, self._kwargs))

    def _sample_industries(self, items):
        """Chooses the packs of `industry="auto"` from the first texts."""
        self._pending_sample = False
        sample = []
        for item in items[:1000]:
            text = item.text if isinstance(item, Record) else item
            if isinstance(text, bytes):
                text = text.decode("utf-8", "replace")
            sample.append(text)
        resolved, temporary = _model_files(dict(self._kwargs, industry_sample=sample))
        try:
            native = _voc.Analyzer.create(analyzer_options(self._config, **resolved))
        finally:
            for path in temporary:
                _os.unlink(path)
        chosen = _json.loads(native.describe_json()).get("industries", {}).get("enabled", [])
        self._native = native
        # Fixed from now on, also for copies sent to other processes.
        self._kwargs = dict(self._kwargs, industry=",".join(chosen) if chosen else "none")

    def industries(self):
        """The industry packs in use and why: {"mode", "sample_size",
        "enabled", "packs": [{"id", "enabled", "matched", "share", "terms",
        "reason"}]} (empty when the themes have no packs)."""
        return self.describe().get("industries", {})

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

    def analyze_many(self, items, threads=0, progress=None):
        """Analyses texts (`str`/`bytes`) or Records on `threads` threads
        (0: all cores), without holding the GIL; results in input order,
        equal to those of `analyze` one by one. Runs in chunks of about a
        quarter second: Ctrl-C interrupts it; `progress=True` draws a bar on
        stderr, a callable gets (done, total). `threads` above max_threads()
        is capped to it with a RuntimeWarning."""
        if isinstance(items, (str, bytes, bytearray)):
            raise TypeError("analyze_many takes a sequence of texts or Records, not one %s; "
                            "use analyze() for one text" % type(items).__name__)
        if not isinstance(items, (list, tuple)):
            items = list(items)
        threads = _checked_threads(threads)
        if self._pending_sample and items:
            self._sample_industries(items)
        return _analyze_chunked(self._native, items, threads, progress)

    def analyze_conversations(self, conversations, speaker_map=None, threads=0, progress=None,
                              aggregate=None):
        """Analyses conversations per speaker. Each conversation is
        (id, [(speaker, text), ...]), (id, turns, time, channel, customer_id),
        a `voc.Conversation` (as `voc.read_conversations` gives) or a dict
        {"id", "turns", "time", "channel", "customer_id"}; a turn is
        (speaker, text), (speaker, text, time), a `voc.Turn` or a dict
        {"speaker", "text", "time"}. Times are anything `make_record` takes;
        without one, a conversation takes its first timed turn's. Speakers
        map to roles as in the CLI (customer/caller/user..., agent/rep/
        advisor..., bot/ivr..., system); `speaker_map` adds "label=role,..."
        entries; an unknown speaker is a ValueError. With `aggregate`, each
        conversation is added to it once, with its conversation figures
        (share resolved, sentiment change, transfers ...) for findings.
        Runs in chunks: Ctrl-C interrupts it; `progress` as in analyze_many.
        Returns a list of (customer Analysis, dict): the Analysis of the
        customer's turns alone and the `voc analyze` JSON object of the
        conversation, with offsets as str indices."""
        if isinstance(conversations, (str, bytes, dict)):
            raise TypeError("analyze_conversations takes a list of conversations")
        items = _conversations.native_items(conversations, _to_unix)
        threads = _checked_threads(threads)
        out = _conversations.analyze_chunked(self._native, items, speaker_map or "", threads,
                                             progress, aggregate)
        return [(a, _char_offsets(_json.loads(j))) for a, j in out]

    def adapt(self, items, save=None, threads=0, progress=None, **options):
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
        use this analyzer. Ctrl-C interrupts it; `progress` reports the
        analysis of `items` as in analyze_many."""
        o = _fill(_voc.AdaptOptions(), options, "adapt")
        self._native.set_theme_adapter(None)
        analyses = self.analyze_many(items, threads, progress=progress)
        adapter = _progress.interruptible(_voc.ThemeAdapter.fit, analyses, o)
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


def _analyze_chunked(native, items, threads, progress):
    out = []

    def work(begin, end):
        out.extend(native.analyze_batch(items[begin:end], threads))

    _progress.run_chunks(len(items), work, progress, "analyze")
    return out


def customer_key(customer_id, salt=""):
    """The keyed hash an Analyzer stores in place of a customer id."""
    return _voc.customer_key(_field_text(customer_id), salt)


def max_threads():
    """The most threads a voc call starts (4 per hardware thread, at least 8)."""
    return _voc.max_threads()


def _checked_threads(threads):
    if isinstance(threads, bool) or not isinstance(threads, _numbers.Integral):
        raise TypeError("threads must be an int, got %s" % type(threads).__name__)
    if threads < 0:
        raise ValueError("threads must be >= 0, got %d" % threads)
    cap = _voc.max_threads()
    if threads > cap:
        _warnings.warn("threads=%d is more than 4 per core; using %d" % (threads, cap),
                       RuntimeWarning, stacklevel=3)
        return cap
    return int(threads)


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


def analyze_many(items, threads=0, progress=None):
    """Analyses many texts or Records with the default analyzer."""
    return default_analyzer().analyze_many(items, threads, progress=progress)


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
    account, address (bools), extra_patterns (["NAME=RE2", ...]), keep_existing_masks."""
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
        """{"task", "backend", "multi_label", "labels", "input",
        "metadata_json", "validation_accuracy", "validation_macro_f1"}; "input"
        names how texts are prepared before the model reads them."""
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


def train(texts, labels, validation=None, lexicon=None, **options):
    """Trains a classifier on `texts` and `labels` (a label per text, or a
    list of labels per text for multi_label=True). Options are those of
    TrainOptions and of `voc train`: task, multi_label, seed,
    validation_fraction, backend ("auto", "linear", "fasttext"), search
    (--search: try a grid of settings of both backends), char_ngrams
    (False: --no-char-ngrams), quantize, quantize_max_features,
    fasttext_dim, fasttext_bucket, threads, verbose. With task="sentiment"
    the model is stacked on voc's sentiment lexicon unless lexicon=False
    (--no-lexicon), as the CLI does. model_input (--model-input): what the
    model reads, "words/1" (default: tokens that are not words, such as URLs,
    mentions, e-mails, masks and numbers, blanked; see `words_only`) or
    "text"; a stacked model reads "sentiment-lexicon/3". Predictions,
    explanations and `evaluate` prepare texts the same way.
    `validation=(texts, labels)` chooses settings on those rows."""
    model_input = options.pop("model_input", None)
    o = _fill(_voc.TrainOptions(), options, "train")
    if lexicon is None:
        lexicon = o.task == "sentiment"
    if lexicon and o.task != "sentiment":
        raise ValueError(f"lexicon=True stacks a sentiment model on the lexicon: it needs "
                         f"task='sentiment', not {o.task!r}")
    if lexicon and model_input is not None:
        raise ValueError("model_input does not apply to a model stacked on the lexicon "
                         "(it reads 'sentiment-lexicon/3'); pass lexicon=False")
    if model_input is None:
        model_input = "words/1"
    if model_input not in ("words/1", "text"):
        raise ValueError(f"model_input must be 'words/1' or 'text', not {model_input!r}")
    o.input = model_input
    texts = list(texts)
    labels = _label_lists(labels)
    if validation is not None:
        vt, vl = validation
        o.validation = [_voc.LabeledText(t, l) for t, l in zip(vt, _label_lists(vl))]
    if lexicon:
        return Model(_progress.interruptible(_voc.TextClassifier.train_sentiment, texts, labels, o))
    return Model(_progress.interruptible(_voc.TextClassifier.train, texts, labels, o))


def load_model(path, task=""):
    """Loads and validates a model file; with `task`, refuses a model
    trained for another task. A `Model` is returned as it is."""
    if isinstance(path, Model):
        return path
    return Model(_voc.TextClassifier.load(_os.fspath(path), task))


def evaluate(model, texts, labels):
    """Scores `model` on labeled rows: {"accuracy", "macro_f1", "n",
    "labels", "per_label": [...], "confusion": [[...]]}. Ctrl-C interrupts
    it."""
    return _progress.interruptible(_voc.evaluate, load_model(model)._native, list(texts),
                                   _label_lists(labels))


# ---- aggregate and findings -------------------------------------------------------

def aggregate_options(period="week", **options):
    o = _fill(_voc.AggregateOptions(), options, "aggregate")
    o.period = period if isinstance(period, _voc.Period) else _voc.parse_period(period)
    return o


def _is_missing(v):
    """None, NaN, NaT and pandas.NA: no value."""
    if v is None:
        return True
    if isinstance(v, (str, bytes, bool, int)):
        return False
    if isinstance(v, float):
        return v != v
    pd = _sys.modules.get("pandas")
    if pd is not None:
        try:
            return bool(pd.isna(v))
        except (TypeError, ValueError):
            return False
    try:
        return bool(v != v)
    except (TypeError, ValueError):
        return False


def _figure_column(values, n, what):
    """A score or value column for the native calls: None, a 1-d float
    array (NaN: no value) for numeric data, else a list of cells with None
    for missing ones (text is parsed as the CLI parses the column)."""
    if values is None:
        return None
    if isinstance(values, (str, bytes)):
        raise TypeError(f"{what} must be one value per row, not a single {type(values).__name__}")
    np = _sys.modules.get("numpy")
    dtype = getattr(values, "dtype", None)
    if np is not None and dtype is not None:
        kind = getattr(dtype, "kind", "O")
        if kind in "fiub":
            try:  # pandas nullable dtypes (Int64, boolean) have NA
                arr = values.to_numpy(dtype="float64", na_value=np.nan)
            except (AttributeError, TypeError):
                arr = np.asarray(values, dtype="float64")
            return np.ascontiguousarray(arr, dtype="float64").reshape(-1)
    cells = [None if _is_missing(v) else v for v in
             (values.tolist() if hasattr(values, "tolist") else values)]
    if len(cells) != n:
        raise ValueError(f"{what} has {len(cells)} values for {n} rows")
    return cells


class Aggregate(_voc.Aggregate):
    """Mergeable per-period counts of analyses, for findings.

    `Aggregate(period="week", evidence_per_theme=5, unclassified_evidence=50,
    snippet_bytes=280, track_customers=True, phrase_stats=True, max_ngram=3)`.
    `add(analysis, score=None, value=None)`, `add_many(analyses,
    scores=None, values=None)`, `merge(other)`; `serialize()` gives
    canonical JSON and `Aggregate.deserialize(text)` reads it back.
    `serialize_binary()` gives a compact binary form (bytes, versioned,
    several times faster to write and read, not canonical), which
    `deserialize` reads too; aggregates pickle through it (between Dask
    workers). Merging parts in any order equals one pass.

    A score (NPS 0-10, CSAT 1-5, stars, any number in [-1000, 1000]) and a
    customer value (revenue, LTV in [0, 1e9]) per record feed the score
    drivers and the value at risk of `detect_findings` (as the columns of
    `voc findings --score-col / --value-col`): numbers, or texts parsed as
    the CLI parses a field; None, NaN and "NA" are no value; anything else
    ("great") is counted as invalid in the findings' `score`, not an error.
    `score_col` / `value_col` (attributes, None by default) name them for
    `detect_findings`."""

    score_col = None
    value_col = None
    analyzer = None  # the Analyzer of its records, when known (for the findings' industries)

    def __init__(self, period="week", **options):
        super().__init__(aggregate_options(period, **options))

    @classmethod
    def deserialize(cls, text):
        """Reads `serialize()` or `serialize_binary()` output; ValueError
        when it is not one."""
        obj = cls.__new__(cls)
        _voc.Aggregate.__init__(obj)
        if isinstance(text, (bytes, bytearray, memoryview)):
            text = bytes(text)
            if text.startswith(b"voc.aggb"):
                obj._load_binary(text)
                return obj
            text = text.decode("utf-8")
        obj._load(text)
        return obj

    def __reduce__(self):
        return (_aggregate_from_binary, (self.serialize_binary(),))

    def add(self, analysis, score=None, value=None):
        """Counts one analysis, with its record's score and customer value."""
        super().add(analysis, None if _is_missing(score) else score,
                    None if _is_missing(value) else value)

    def add_many(self, analyses, scores=None, values=None):
        """Counts analyses; `scores` / `values`: one per analysis (a list,
        an array or a pandas Series), or None."""
        if not isinstance(analyses, list):
            analyses = list(analyses)
        n = len(analyses)
        super().add_many(analyses, _figure_column(scores, n, "scores"),
                         _figure_column(values, n, "values"))

    @property
    def period(self):
        return _voc.period_name(self.options.period)

    def __repr__(self):
        return f"<voc.Aggregate period={self.period} records={self.records}>"


def _aggregate_from_json(text):  # pickles made before the binary form
    return Aggregate.deserialize(text)


def _aggregate_from_binary(data):
    return Aggregate.deserialize(data)


def merge_aggregates(parts):
    """Merges aggregates (or their serialized JSON or binary form) into a
    new one."""
    out = None
    for p in parts:
        if isinstance(p, (str, bytes)):
            p = Aggregate.deserialize(p)
        if out is None:
            out = Aggregate.__new__(Aggregate)
            _voc.Aggregate.__init__(out)
            out._copy_from(p)
        else:
            out.merge(p)
    if out is None:
        raise ValueError("no aggregates to merge")
    return out


def discover(texts_or_frame, text_col="text", id_col=None, time_col=None, channel_col=None,
             themes=None, period="week", sample=20000, threads=0, findings=None, progress=None,
             **options):
    """Discovers themes no known theme covers (voc/discovery.h).

    `texts_or_frame`: texts (ids "1", "2", ... in order) or a pandas
    DataFrame with `text_col` (and optionally `id_col`, `time_col`,
    `channel_col`). `themes`: the base taxonomy (a path, a dict, or None for
    the shipped one; `{"themes": []}` discovers from scratch); its themes are
    the known ones. `options`: DiscoveryOptions fields, as the flags of `voc
    discover`: max_themes, link, min_general_lift, background ("default": the
    models folder's background.tsv; "none" or "": no general background; or
    the path of a background file, models/BACKGROUND.md), max_words,
    min_docs, min_theme_docs, max_phrase_share, min_background_lift,
    ubiquity_share, ubiquity_lift, max_phrases, support, phrases_per_theme, examples;
    `findings`: FindingsOptions fields for each theme's status.
    Returns `(draft, themes)`: the draft taxonomy as a dict (the base plus
    `discovered/<slug>` themes, to review and pass back as `themes=`), and a
    pandas DataFrame (a list of dicts without pandas) with one row per
    discovered theme: id, name, estimated, sample_count, share, status,
    rule, rule_precision, rule_recall, phrases, examples, members.
    Ctrl-C interrupts it; `progress` reports the analysis of the texts as
    in Analyzer.analyze_many."""
    import tempfile
    dopt = _fill(_voc.DiscoveryOptions(), options, "discovery")
    _voc.validate_discovery_options(dopt)
    fopt = findings_options(**(findings or {}))
    if sample < 1:
        raise ValueError("sample must be >= 1")
    tmp = None
    if themes is None:
        base_path = _os.path.join(default_models_dir(), "taxonomy.json")
    elif isinstance(themes, dict):
        tmp = tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf-8")
        _json.dump(themes, tmp)
        tmp.close()
        base_path = tmp.name
    else:
        base_path = _os.fspath(themes)
    try:
        with open(base_path, encoding="utf-8") as f:
            base = f.read()
        # Discovery never reads the per-sentence sentiment: not computed.
        analyzer = Analyzer(themes=base_path, sentiment={"sentences": False})
    finally:
        if tmp is not None:
            _os.unlink(tmp.name)
    records = []
    if hasattr(texts_or_frame, "columns"):
        frame = texts_or_frame
        if text_col not in frame.columns:
            raise KeyError(f"no column {text_col!r}")
        n = len(frame)
        col = lambda c: list(frame[c]) if c else [None] * n  # noqa: E731
        for i, (t, rid, ts, ch) in enumerate(zip(col(text_col), col(id_col), col(time_col),
                                                 col(channel_col))):
            records.append(make_record("" if t is None else t,
                                       id=str(i + 1) if rid is None else str(rid),
                                       timestamp=ts, channel="" if ch is None else str(ch)))
    else:
        for i, t in enumerate(texts_or_frame):
            records.append(make_record(t, id=str(i + 1)))
    agg = Aggregate(period, discovery_sample=sample, phrase_stats=False, track_customers=False)
    agg.add_many(analyzer.analyze_many(records, threads, progress=progress))
    draft_text, themes_text = _progress.interruptible(_voc.discover, agg, dopt, fopt, base)
    draft = _json.loads(draft_text)
    rows = []
    for t in _json.loads(themes_text)["themes"]:
        rows.append({
            "id": t["id"], "name": t["name"], "estimated": t["estimated"],
            "sample_count": t["sample_count"], "share": t["share"], "status": t["status"],
            "rule": t["rule"]["include"], "rule_precision": t["rule"]["precision"],
            "rule_recall": t["rule"]["recall"], "phrases": [p["phrase"] for p in t["phrases"]],
            "examples": [q["text"] for q in t["examples"]], "members": t["members"],
        })
    try:
        import pandas as pd
    except ImportError:
        return draft, rows
    columns = ["id", "name", "estimated", "sample_count", "share", "status", "rule",
               "rule_precision", "rule_recall", "phrases", "examples", "members"]
    return draft, pd.DataFrame(rows, columns=columns)


# The names of the CLI flags, accepted beside the FindingsOptions fields.
_FINDINGS_ALIASES = {"score_col": "score_name", "bootstrap": "bootstrap_samples"}


def _amount(v, what):
    if isinstance(v, bool) or not isinstance(v, _numbers.Real):
        raise TypeError(f"{what}: an amount must be a number, got {v!r}")
    return float(v)


def _findings_struct(options, aggregate=None):
    """FindingsOptions from keyword options: the fields of the struct, or
    the CLI's names (`score_col`, `value_col`, `bootstrap`). Economics:
    `cost_per_contact` is an amount, the CLI's "AMOUNT" or
    "CHANNEL=AMOUNT,..." text, or a dict {channel: amount};
    `cost_per_channel` a dict or (channel, amount) pairs. Without a score
    or value option, those the aggregate was built with (its `score_col`,
    `value_col`) are used, as `voc findings --score-col` reads and uses a
    column in one step."""
    options = dict(options)
    for alias, name in _FINDINGS_ALIASES.items():
        if alias in options:
            if name in options:
                raise TypeError(f"findings: give {alias!r} or {name!r}, not both")
            options[name] = options.pop(alias)
    if "value_col" in options:
        if "value_per_record" in options:
            raise TypeError("findings: give 'value_col' or 'value_per_record', not both")
        col = options.pop("value_col")
        options["value_per_record"] = bool(col)
    if aggregate is not None:
        if "score_name" not in options and getattr(aggregate, "score_col", None):
            options["score_name"] = aggregate.score_col
        if "value_per_record" not in options and getattr(aggregate, "value_col", None):
            options["value_per_record"] = True
    cost = options.pop("cost_per_contact", None)
    channels = options.pop("cost_per_channel", None)
    o = _fill(_voc.FindingsOptions(), options, "findings")
    if isinstance(cost, dict):
        if channels is not None:
            raise TypeError("findings: per-channel costs in cost_per_contact and in "
                            "cost_per_channel; give them once")
        channels, cost = cost, None
    if cost is not None:
        o.cost_per_contact = cost  # text: parsed as --cost-per-contact
    if channels is not None:
        if o.cost_per_channel:
            raise TypeError("findings: per-channel costs in cost_per_contact and in "
                            "cost_per_channel; give them once")
        pairs = channels.items() if isinstance(channels, dict) else channels
        o.cost_per_channel = [(str(ch), _amount(v, f"cost_per_channel {ch!r}"))
                              for ch, v in pairs]
    return o


def findings_options(**options):
    o = _findings_struct(options)
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
        """The findings JSON document (byte offsets, schema 1.1), deterministic."""
        return self._json

    @property
    def history_run(self):
        """This run's history record (JSON text, voc/history.h) to pass as
        `history=` to the next `detect_findings`, or None when the findings
        were detected without history."""
        return self._native.history_run() if hasattr(self, "_native") else None

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


def _run_number(name):
    if not (name.startswith("run-") and name.endswith(".json")):
        return 0
    digits = name[4:-5]
    return int(digits) if digits.isdigit() and len(digits) <= 18 else 0


def _latest_run(folder):
    """The path of the latest run file in a history folder, or None."""
    if not _os.path.exists(folder):
        return None
    if not _os.path.isdir(folder):
        raise ValueError(f"history: {folder} is not a folder")
    best, path = 0, None
    for name in _os.listdir(folder):
        n = _run_number(name)
        if n > best:
            best, path = n, _os.path.join(folder, name)
    return path


def _set_previous(o, text, where):
    try:
        o._set_previous_run(text)
    except ValueError as e:
        raise ValueError(f"{where}: {e}; fix or move the file away (it is never overwritten)") from None
    except Error as e:
        raise Error(f"{where}: {e}") from None


def _store_run(folder, run_json):
    """Stores a run as a new file of `folder`; never replaces one."""
    _os.makedirs(folder, exist_ok=True)
    name = _json.loads(run_json)["run_id"] + ".json"
    target = _os.path.join(folder, name)
    part = _os.path.join(folder, "." + name + f".part{_os.getpid()}")
    with open(part, "w", encoding="utf-8") as out:
        out.write(run_json)
    try:
        _os.link(part, target)  # fails rather than replace a stored run
    except FileExistsError:
        raise Error(f"history: {target} already exists; not overwritten") from None
    finally:
        _os.remove(part)


_ACTION_FIELDS = ("theme", "owner", "action", "date", "status")


def _action_value(v):
    if v is None or (isinstance(v, float) and v != v):
        return ""
    if hasattr(v, "strftime"):
        return v.strftime("%Y-%m-%d")
    return str(v).strip()


def _set_actions(o, actions):
    """Actions from a path (CSV or JSON file), a list of dicts or a DataFrame
    with the columns theme, owner, action, date, status."""
    if isinstance(actions, (str, bytes, _os.PathLike)):
        path = _os.fsdecode(actions)
        with open(path, encoding="utf-8") as f:
            o._set_actions_text(f.read(), path)
        return
    if hasattr(actions, "to_dict") and hasattr(actions, "columns"):  # a DataFrame
        actions = actions.to_dict("records")
    rows = []
    for i, a in enumerate(actions, 1):
        if not isinstance(a, dict):
            raise TypeError(f"actions: item {i} is not a dict")
        row = [_action_value(a.get(k)) for k in _ACTION_FIELDS]
        if not row[0]:
            raise ValueError(f"actions: item {i}: empty theme")
        if not row[3]:
            raise ValueError(f"actions: item {i}: empty date (expected YYYY-MM-DD)")
        rows.append(row)
    o._set_actions(rows)


def detect_findings(aggregate, history=None, actions=None, **options):
    """Chronic, emerging, spike and resolved issues of `aggregate` (an
    Aggregate or its serialized JSON). Options are those of FindingsOptions
    (chronic_k, chronic_n, last_period, ...); out-of-range values raise
    ValueError. Returns a `Findings` dict.

    Money and score drivers (include/voc/economics.h), as the flags of `voc
    findings` / `voc report`: `cost_per_contact` (an amount, "AMOUNT" or
    "CHANNEL=AMOUNT,..." as --cost-per-contact, or a dict {channel:
    amount}), `customer_value`, `value_col` (use the per-record values the
    aggregate kept; = `value_per_record=True`), `currency`, `score_col`
    (the score's name; = `score_name`), `score_kind` ("nps", "csat",
    "mean", "auto"), `bootstrap` (resamples; = `bootstrap_samples`),
    `rank_by` ("priority", "impact", "cost"). Without amounts there are no
    money figures. Each finding then has `money` and `impact` objects, and
    the result `score`, `drivers` and `money` (`voc.pandas.drivers_frame`).
    An aggregate built with `score_col` / `value_col` (voc.pandas,
    voc.dask) passes them on unless given here.

    `history`: compare with the previous run (docs/HISTORY.md): a folder
    (the latest `run-NNNNNN.json` there is read and this run is stored as the
    next one, as `voc findings --history` does), the `Findings` of the
    previous call, a run's JSON text (`Findings.history_run`), or True for a
    first run. Each finding then has a `history` object and the result has
    `run`, `resolved` and `changes`. `actions`: a CSV/JSON path, a list of
    dicts or a DataFrame with theme, owner, action, date (YYYY-MM-DD),
    status; each is judged by the theme's share before vs after its date
    (an unknown theme is a warning)."""
    if isinstance(aggregate, (str, bytes)):
        aggregate = Aggregate.deserialize(aggregate)
    o = _findings_struct(options, aggregate)
    store = None
    if history is not None and history is not False:
        o.history = True
        if isinstance(history, Findings):
            run = history.history_run
            if run is None:
                raise ValueError("history: the previous findings were detected without history "
                                 "(pass history=True or a folder the first time)")
            _set_previous(o, run, "history")
        elif isinstance(history, (str, _os.PathLike)) and not str(history).lstrip().startswith("{"):
            store = _os.fspath(history)
            latest = _latest_run(store)
            if latest is not None:
                with open(latest, encoding="utf-8", errors="replace") as f:
                    _set_previous(o, f.read(), latest)
        elif isinstance(history, str):
            _set_previous(o, history, "history")
        elif isinstance(history, dict):
            _set_previous(o, _json.dumps(history), "history")
        elif history is not True:
            raise TypeError("history: a folder, the previous Findings, a run's JSON or True")
    if actions is not None:
        _set_actions(o, actions)
    _voc.validate_findings_options(o)
    native = _progress.interruptible(_voc.detect_findings, aggregate, o)
    analyzer = getattr(aggregate, "analyzer", None)
    if analyzer is not None:  # the packs its records were analysed with
        native._set_industries(getattr(analyzer, "_native", analyzer))
    result = Findings(native)
    for w in result.get("warnings", []):
        if (w.startswith("actions: ") or w.startswith("history: ")
                or "that is not a number" in w or "no record has a value" in w):
            _warnings.warn(w, stacklevel=2)
    if store is not None:
        _store_run(store, result.history_run)
    return result


def to_json(findings):
    return findings.to_json()


def to_csv(findings):
    return findings.to_csv()


def to_html(findings, title=None, max_detailed=None):
    return findings.to_html(title=title, max_detailed=max_detailed)


def write_digests(findings, directory):
    findings.write_digests(directory)


# ---- notebooks ---------------------------------------------------------------------

_HTML_STYLE = ("<style>.voc-a mark{padding:0 1px;background:none;color:inherit}"
               ".voc-a mark.neg{background:#f8c4c4}.voc-a mark.pos{background:#c4ecc4}"
               ".voc-a mark.theme{border-bottom:2px solid #d9a400}"
               ".voc-a mark.sig{border-top:2px dotted #2f6fd6}"
               ".voc-a td,.voc-a th{text-align:left;padding:1px 8px}</style>")


def _analysis_html(a):
    """The analysed (redacted) text with its evidence highlighted: sentiment
    words on red / green, theme evidence underlined, CX signal cues
    overlined; hover a mark for what it is evidence of. Then the labels."""
    import html
    text = a.text
    kinds = [[] for _ in text]  # what each character is evidence of
    titles = [[] for _ in text]

    def mark(begin, end, kind, title):
        for i in range(max(0, begin), min(len(text), end)):
            if kind not in kinds[i]:
                kinds[i].append(kind)
            if title not in titles[i]:
                titles[i].append(title)

    themes, signals = a.themes, a.signals
    for t in themes:
        for e in t["evidence"]:
            mark(e["begin"], e["end"], "theme", f"{t['id']} ({t['confidence']:.2f}, {t['source']})")
    for s in signals:
        mark(s["begin"], s["end"], "sig", f"{s['signal']} ({s['source']})")
    for e in a.sentiment["evidence"]:
        mark(e["begin"], e["end"], "neg" if e["weight"] < 0 else "pos",
             f"sentiment {e['weight']:+.2f} ({e['source']})")
    parts = []
    i = 0
    while i < len(text):
        j = i
        while j < len(text) and kinds[j] == kinds[i] and titles[j] == titles[i]:
            j += 1
        piece = html.escape(text[i:j])
        if not kinds[i]:
            parts.append(piece)
        else:
            parts.append(f'<mark class="{" ".join(kinds[i])}" '
                         f'title="{html.escape("; ".join(titles[i]))}">{piece}</mark>')
        i = j
    rows = [f"<tr><th>sentiment</th><td>{html.escape(a.label)} {a.score:+.2f} "
            f"(confidence {a.confidence:.2f})</td></tr>"]
    if themes:
        rows.append("<tr><th>themes</th><td>" + "; ".join(
            html.escape(f"{t['id']} {t['confidence']:.2f} [{t['source']}] -> {t['department']}")
            for t in themes) + "</td></tr>")
    else:
        rows.append("<tr><th>themes</th><td>(unclassified)</td></tr>")
    if signals:
        rows.append("<tr><th>signals</th><td>" + ", ".join(
            sorted({html.escape(s["signal"]) for s in signals})) + "</td></tr>")
    if a.redactions:
        rows.append("<tr><th>redacted</th><td>" + ", ".join(
            f"{html.escape(k)} x{n}" for k, n in a.redactions.items()) + "</td></tr>")
    ident = f" <small>{html.escape(a.id)}</small>" if a.id else ""
    return (f'{_HTML_STYLE}<div class="voc-a"><p>{"".join(parts)}{ident}</p>'
            f'<table>{"".join(rows)}</table></div>')


Analysis._repr_html_ = _analysis_html


def _findings_html(self):
    """The HTML report inline, in a frame (its styles stay inside)."""
    import html
    return (f'<iframe srcdoc="{html.escape(self.to_html(), quote=True)}" '
            f'style="width:100%;height:640px;border:1px solid #ddd"></iframe>')


Findings._repr_html_ = _findings_html
