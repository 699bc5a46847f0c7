// _voc: the private extension behind the `voc` Python package.
//
// Each binding is a shim around one public call of include/voc/: it converts
// arguments and results between C++ and Python and maps a non-OK
// `voc::Status` to an exception; the conveniences live in voc/__init__.py.
//
// Conversions:
// * `str` arguments are passed as UTF-8; `bytes` arguments are passed as they
//   are (the normaliser repairs invalid UTF-8).
// * Byte offsets of the C++ API become code-point indices of the Python `str`
//   they point into, so `text[begin:end]` is the evidence. When the input was
//   `bytes` and the result points into it (tokenize, redact), offsets stay
//   byte offsets and texts stay `bytes`, as the `re` module does.
// * Status codes: InvalidArgument -> ValueError, NotFound ->
//   FileNotFoundError, others -> voc.Error.
// * Long calls (analysis, batches, training, findings) release the GIL.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include <algorithm>
#include <cstdlib>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "voc/adapter.h"
#include "voc/aggregate.h"
#include "voc/analysis.h"
#include "voc/analyzer.h"
#include "voc/pipeline.h"
#include "voc/parallel.h"
#include "voc/classifier.h"
#include "voc/conversation.h"
#include "voc/discovery.h"
#include "voc/economics.h"
#include "voc/parallel.h"
#include "voc/findings.h"
#include "voc/history.h"
#include "voc/model_input.h"
#include "voc/normalizer.h"
#include "voc/reader.h"
#include "voc/redactor.h"
#include "voc/report.h"
#include "voc/sentiment.h"
#include "voc/status.h"
#include "voc/taxonomy.h"
#include "voc/tokenizer.h"

namespace py = pybind11;

namespace {

// Raised for every status that has no closer built-in exception.
struct VocError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Throws the Python exception that matches a non-OK `status`.
void ThrowIfError(const voc::Status& status) {
  if (status.ok()) return;
  switch (status.code()) {
    case voc::StatusCode::kInvalidArgument:
      throw py::value_error(status.message());
    case voc::StatusCode::kNotFound:
      PyErr_SetString(PyExc_FileNotFoundError, status.message().c_str());
      throw py::error_already_set();
    default:
      throw VocError(status.message());
  }
}

template <typename T>
T ValueOrThrow(voc::Result<T>&& r) {
  ThrowIfError(r.status());
  return std::move(*r);
}

// Runs `f` (returning a Result) without the GIL, then returns its value or
// raises with the GIL held again.
template <typename F>
auto WithoutGil(F&& f) {
  auto result = [&] {
    py::gil_scoped_release nogil;
    return f();
  }();
  return ValueOrThrow(std::move(result));
}

// A text argument: `str` (passed as UTF-8) or `bytes` (passed as is).
struct TextArg {
  std::string_view bytes;
  bool is_bytes = false;
  std::shared_ptr<std::string> owned;  // holds `bytes` when they were re-encoded
};

TextArg ToText(py::handle h) {
  if (PyBytes_Check(h.ptr())) {
    char* data = nullptr;
    Py_ssize_t size = 0;
    PyBytes_AsStringAndSize(h.ptr(), &data, &size);
    return {std::string_view(data, static_cast<size_t>(size)), true, nullptr};
  }
  if (PyUnicode_Check(h.ptr())) {
    Py_ssize_t size = 0;
    const char* data = PyUnicode_AsUTF8AndSize(h.ptr(), &size);
    if (data != nullptr) return {std::string_view(data, static_cast<size_t>(size)), false, nullptr};
    // A lone surrogate has no UTF-8 form: pass its 3-byte encoding, which is
    // invalid UTF-8 that the normaliser repairs (one code point, as in `str`).
    PyErr_Clear();
    PyObject* b = PyUnicode_AsEncodedString(h.ptr(), "utf-8", "surrogatepass");
    if (b == nullptr) throw py::error_already_set();
    auto owned =
        std::make_shared<std::string>(PyBytes_AS_STRING(b), static_cast<size_t>(PyBytes_GET_SIZE(b)));
    Py_DECREF(b);
    return {std::string_view(*owned), false, owned};
  }
  throw py::type_error(std::string("expected str or bytes, got ") + Py_TYPE(h.ptr())->tp_name);
}

// Converts byte offsets of one UTF-8 string to code-point indices. Offsets
// inside a character map to that character; offsets past the end clamp.
class CharIndex {
 public:
  // With `identity`, offsets are returned as they are (bytes results).
  explicit CharIndex(std::string_view s, bool identity = false) : text_(s), size_(s.size()) {
    if (identity) return;
    bool ascii = true;
    for (unsigned char c : s)
      if (c >= 0x80) {
        ascii = false;
        break;
      }
    if (ascii) return;
    map_.resize(s.size() + 1);
    size_t n = 0;  // characters opened so far
    for (size_t i = 0; i < s.size(); ++i) {
      if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80)
        map_[i] = n++;
      else
        map_[i] = n > 0 ? n - 1 : 0;  // inside the character opened last
    }
    map_[s.size()] = n;
  }
  size_t operator()(size_t byte) const {
    if (byte > size_) byte = size_;
    return map_.empty() ? byte : map_[byte];
  }
  // The piece [begin, end) of the text, as `str`.
  py::object Slice(size_t begin, size_t end) const;

 private:
  std::string_view text_;
  size_t size_;
  std::vector<size_t> map_;
};

// Returns `s` as `bytes` or as `str` (invalid UTF-8 replaced, never raised).
py::object Out(std::string_view s, bool as_bytes) {
  if (as_bytes) return py::bytes(s.data(), s.size());
  PyObject* o = PyUnicode_DecodeUTF8(s.data(), static_cast<Py_ssize_t>(s.size()), "replace");
  if (o == nullptr) throw py::error_already_set();
  return py::reinterpret_steal<py::object>(o);
}

py::str Str(std::string_view s) { return py::reinterpret_borrow<py::str>(Out(s, false)); }

py::object CharIndex::Slice(size_t begin, size_t end) const {
  end = std::min(end, size_);
  begin = std::min(begin, end);
  return Out(text_.substr(begin, end - begin), false);
}

// ---- Analysis ------------------------------------------------------------

py::dict SpanDict(const voc::EvidenceSpan& e, const CharIndex& ix) {
  py::dict d;
  d["begin"] = ix(e.begin);
  d["end"] = ix(e.end);
  d["text"] = ix.Slice(e.begin, e.end);
  d["source"] = Str(e.source);
  d["weight"] = e.weight;
  return d;
}

py::list SpanList(const std::vector<voc::EvidenceSpan>& v, const CharIndex& ix) {
  py::list out;
  for (const auto& e : v) out.append(SpanDict(e, ix));
  return out;
}

py::dict SentimentDict(const voc::Sentiment& s, const CharIndex& ix) {
  py::dict d;
  d["label"] = s.scored() ? voc::PolarityName(s.label) : "unscored";
  d["score"] = s.scored() ? py::object(py::float_(s.score)) : py::object(py::none());
  d["confidence"] = s.confidence;
  d["evidence"] = SpanList(s.evidence, ix);
  if (!s.scored()) d["reason"] = s.unscored;
  return d;
}

py::list SentencesList(const voc::Analysis& a, const CharIndex& ix) {
  py::list out;
  for (const auto& s : a.sentences) {
    py::dict d = SentimentDict(s.sentiment, ix);
    d["begin"] = ix(s.begin);
    d["end"] = ix(s.end);
    out.append(d);
  }
  return out;
}

py::list ThemesList(const voc::Analysis& a, const CharIndex& ix) {
  py::list out;
  for (const auto& t : a.themes) {
    py::dict d;
    d["id"] = Str(t.id);
    d["confidence"] = t.confidence;
    d["source"] = Str(t.source);
    d["department"] = Str(t.department);
    d["role"] = voc::ValueRoleName(t.role);
    d["evidence"] = SpanList(t.evidence, ix);
    out.append(d);
  }
  return out;
}

py::list SignalsList(const voc::Analysis& a, const CharIndex& ix) {
  py::list out;
  for (const auto& s : a.signals) {
    py::dict d = SpanDict(s.evidence, ix);
    d["signal"] = voc::SignalName(s.signal);
    out.append(d);
  }
  return out;
}

py::dict RedactionsDict(const voc::Analysis& a) {
  py::dict d;
  for (const auto& [kind, n] : a.redactions) d[Str(kind)] = n;
  return d;
}

py::object Timestamp(const std::optional<int64_t>& t) {
  if (!t) return py::none();
  return py::int_(*t);
}

py::dict AnalysisDict(const voc::Analysis& a) {
  CharIndex ix(a.text);
  py::dict d;
  d["id"] = Str(a.id);
  d["timestamp"] = Timestamp(a.timestamp);
  d["channel"] = Str(a.channel);
  d["customer_id"] = Str(a.customer_id);
  d["text"] = Str(a.text);
  d["redactions"] = RedactionsDict(a);
  d["invalid_utf8"] = a.invalid_utf8;
  d["language"] = a.language;
  d["language_confidence"] = a.language_confidence;
  d["sentiment"] = SentimentDict(a.sentiment, ix);
  d["sentences"] = SentencesList(a, ix);
  d["themes"] = ThemesList(a, ix);
  d["signals"] = SignalsList(a, ix);
  d["emotion_intensity"] = a.emotion_intensity;
  d["profanity"] = a.profanity;
  d["unclassified"] = a.unclassified();
  return d;
}

std::vector<voc::Record> ToRecords(const py::sequence& items) {
  std::vector<voc::Record> records;
  records.reserve(items.size());
  for (py::handle h : items) {
    if (py::isinstance<voc::Record>(h)) {
      records.push_back(h.cast<voc::Record>());
    } else {
      voc::Record r;
      r.text = std::string(ToText(h).bytes);
      records.push_back(std::move(r));
    }
    records.back().index = records.size() - 1;
  }
  return records;
}

py::list ToList(std::vector<voc::Analysis>&& v) {
  py::list out(v.size());
  for (size_t i = 0; i < v.size(); ++i) out[i] = py::cast(std::move(v[i]));
  return out;
}

// ---- Columnar batches (pandas) -----------------------------------------------

// One Python `str` per distinct value (labels, theme ids, departments ...),
// shared by every row that holds it.
class StrCache {
 public:
  py::object Get(const std::string& s) {
    auto it = map_.find(s);
    if (it != map_.end()) return it->second;
    py::object o = Str(s);
    map_.emplace(s, o);
    return o;
  }

 private:
  std::unordered_map<std::string, py::object> map_;
};

// A text of a column: str/bytes, None or anything else as "".
std::string CellText(py::handle h) {
  if (h.is_none()) return std::string();
  if (PyUnicode_Check(h.ptr()) || PyBytes_Check(h.ptr())) return std::string(ToText(h).bytes);
  return std::string(py::str(h));
}

// ---- Scores and customer values (voc/economics.h) --------------------------

// A number of a score (`score`) or customer-value column: NaN is no value;
// out of range ([-1000, 1000] for scores, [0, 1e9] for values) is invalid,
// as ParseScoreField / ParseValueField read the fields of a file.
void NumberFigure(double v, bool score, voc::RecordFigures* fig) {
  if (std::isnan(v)) return;
  if (score) {
    if (std::fabs(v) <= 1000.0)
      fig->score = v;
    else
      fig->score_invalid = true;
  } else {
    if (v >= 0 && v <= 1e9)
      fig->value = v;
    else
      fig->value_invalid = true;
  }
}

// One cell of a score or value column into `fig`: None is no value; a
// number (int, float, numpy scalar, bool as 0/1) is range-checked; str and
// bytes are parsed as the CLI parses the column ("NA", "" no value; "great"
// invalid: counted, never an error); anything else is read as its str().
void CellFigure(py::handle h, bool score, voc::RecordFigures* fig) {
  if (h.is_none()) return;
  if (PyUnicode_Check(h.ptr()) || PyBytes_Check(h.ptr())) {
    TextArg t = ToText(h);
    if (score)
      voc::ParseScoreField(t.bytes, fig);
    else
      voc::ParseValueField(t.bytes, fig);
    return;
  }
  if (PyFloat_Check(h.ptr()) || PyLong_Check(h.ptr()) ||
      (PyNumber_Check(h.ptr()) && Py_TYPE(h.ptr())->tp_as_number != nullptr &&
       Py_TYPE(h.ptr())->tp_as_number->nb_float != nullptr)) {
    const double v = PyFloat_AsDouble(h.ptr());
    if (v == -1.0 && PyErr_Occurred()) {
      PyErr_Clear();  // e.g. an int too large for a double
      (score ? fig->score_invalid : fig->value_invalid) = true;
      return;
    }
    NumberFigure(v, score, fig);
    return;
  }
  const std::string text = py::str(h);
  if (score)
    voc::ParseScoreField(text, fig);
  else
    voc::ParseValueField(text, fig);
}

// A score or value column of `total` rows: None (no column), a 1-d numeric
// numpy array (NaN: no value) or a sequence of cells (CellFigure).
class FigureColumn {
 public:
  FigureColumn(const py::object& column, bool score, size_t total, const char* what)
      : column_(column), score_(score) {
    if (column.is_none()) return;
    if (py::isinstance<py::array>(column)) {
      const char kind = py::reinterpret_borrow<py::array>(column).dtype().kind();
      if (kind == 'f' || kind == 'i' || kind == 'u' || kind == 'b') {
        numbers_ = py::array_t<double, py::array::c_style | py::array::forcecast>::ensure(column);
        if (!numbers_ || numbers_.ndim() != 1)
          throw py::value_error(std::string(what) + " must be a 1-d array");
        Check(static_cast<size_t>(numbers_.size()), total, what);
        data_ = numbers_.data();
        return;
      }
    }
    if (!py::isinstance<py::sequence>(column) || PyUnicode_Check(column.ptr()) || PyBytes_Check(column.ptr()))
      throw py::type_error(std::string(what) + " must be a list or an array of values, one per row");
    cells_ = py::reinterpret_borrow<py::sequence>(column);
    Check(cells_.size(), total, what);
    has_cells_ = true;
  }

  bool present() const { return data_ != nullptr || has_cells_; }

  void Read(size_t row, voc::RecordFigures* fig) const {
    if (data_ != nullptr)
      NumberFigure(data_[row], score_, fig);
    else if (has_cells_)
      CellFigure(cells_[row], score_, fig);
  }

 private:
  static void Check(size_t n, size_t total, const char* what) {
    if (n != total)
      throw py::value_error(std::string(what) + " has " + std::to_string(n) + " values for " +
                            std::to_string(total) + " rows");
  }

  py::object column_;
  bool score_;
  py::array_t<double, py::array::c_style | py::array::forcecast> numbers_;
  const double* data_ = nullptr;
  py::sequence cells_;
  bool has_cells_ = false;
};

// The figures of rows [begin, end) of a score and a value column; empty
// when neither is given.
std::vector<voc::RecordFigures> ColumnFigures(const py::object& scores, const py::object& values,
                                              size_t total, size_t begin, size_t end) {
  FigureColumn s(scores, true, total, "scores");
  FigureColumn v(values, false, total, "values");
  std::vector<voc::RecordFigures> out;
  if (!s.present() && !v.present()) return out;
  out.resize(end - begin);
  for (size_t row = begin; row < end; ++row) {
    s.Read(row, &out[row - begin]);
    v.Read(row, &out[row - begin]);
  }
  return out;
}

// Analyses rows [begin, end) of columns (lists of the same length; `ids`,
// `channels`, `customers` may be None; `stamps` None or an int64 array of
// Unix seconds with INT64_MIN for none) and returns their results as
// columns: no per-row dicts of analyses, one Python object per value only
// where a column holds objects. Rows without an id get the 1-based row
// number plus `id_offset`. Analyses are added to `aggregate` when given and
// dropped after conversion, so memory holds one chunk of them.
py::dict AnalyzeColumns(const voc::Analyzer& an, const py::list& texts, const py::object& ids,
                        const py::object& stamps, const py::object& channels, const py::object& customers,
                        size_t begin, size_t end, int threads, voc::Aggregate* aggregate, bool columns,
                        int64_t id_offset, const py::object& scores, const py::object& values) {
  const size_t total = texts.size();
  end = std::min(end, total);
  begin = std::min(begin, end);
  const size_t n = end - begin;
  py::list id_list = ids.is_none() ? py::list() : py::reinterpret_borrow<py::list>(ids);
  py::list channel_list = channels.is_none() ? py::list() : py::reinterpret_borrow<py::list>(channels);
  py::list customer_list = customers.is_none() ? py::list() : py::reinterpret_borrow<py::list>(customers);
  for (const py::list* l : {&id_list, &channel_list, &customer_list})
    if (l->size() != 0 && l->size() != total)
      throw py::value_error("columns differ in length: " + std::to_string(l->size()) + " and " +
                            std::to_string(total));
  const int64_t* stamp_data = nullptr;
  py::array_t<int64_t, py::array::c_style | py::array::forcecast> stamp_array;
  if (!stamps.is_none()) {
    stamp_array = py::array_t<int64_t, py::array::c_style | py::array::forcecast>::ensure(stamps);
    if (!stamp_array || stamp_array.ndim() != 1 || static_cast<size_t>(stamp_array.size()) != total)
      throw py::value_error("timestamps must be a 1-d int64 array as long as the texts");
    stamp_data = stamp_array.data();
  }
  std::vector<voc::Record> records(n);
  for (size_t i = 0; i < n; ++i) {
    voc::Record& r = records[i];
    const size_t row = begin + i;
    r.text = std::string(ToText(texts[row]).bytes);
    if (id_list.size() != 0) r.id = CellText(id_list[row]);
    if (r.id.empty() && ids.is_none()) r.id = std::to_string(id_offset + static_cast<int64_t>(row) + 1);
    if (stamp_data != nullptr && stamp_data[row] != std::numeric_limits<int64_t>::min())
      r.timestamp = stamp_data[row];
    if (channel_list.size() != 0) r.channel = CellText(channel_list[row]);
    if (customer_list.size() != 0) r.customer_id = CellText(customer_list[row]);
    r.index = row;
  }
  const std::vector<voc::RecordFigures> figures = ColumnFigures(scores, values, total, begin, end);
  std::vector<voc::Analysis> out;
  {
    py::gil_scoped_release nogil;
    out = an.AnalyzeBatch(records, threads);
    records.clear();
    if (aggregate != nullptr) {
      for (size_t i = 0; i < out.size(); ++i) {
        if (figures.empty())
          aggregate->Add(out[i]);
        else
          aggregate->Add(out[i], figures[i]);
      }
    }
  }
  py::dict d;
  if (!columns) return d;
  StrCache strings;
  py::list text(n), id(n), language(n), label(n), themes(n), departments(n), roles(n), signals(n),
      redactions(n);
  py::array_t<double> score(n), confidence(n), emotion(n);
  py::array_t<bool> unclassified(n);
  py::array_t<int64_t> profanity(n), invalid(n);
  auto sc = score.mutable_unchecked<1>();
  auto co = confidence.mutable_unchecked<1>();
  auto em = emotion.mutable_unchecked<1>();
  auto un = unclassified.mutable_unchecked<1>();
  auto pr = profanity.mutable_unchecked<1>();
  auto iv = invalid.mutable_unchecked<1>();
  py::list t_conf(n), t_source(n), t_department(n), t_evidence(n);
  py::object empty = strings.Get("");
  for (size_t i = 0; i < n; ++i) {
    const voc::Analysis& a = out[i];
    text[i] = Str(a.text);
    id[i] = Str(a.id);
    language[i] = strings.Get(a.language.empty() ? "und" : a.language);
    // Unscored (a language sentiment does not support): label "unscored", score NaN.
    label[i] = strings.Get(a.sentiment.scored() ? voc::PolarityName(a.sentiment.label) : "unscored");
    sc(i) = a.sentiment.scored() ? a.sentiment.score : std::numeric_limits<double>::quiet_NaN();
    co(i) = a.sentiment.confidence;
    em(i) = a.emotion_intensity;
    un(i) = a.unclassified();
    pr(i) = a.profanity;
    iv(i) = a.invalid_utf8;
    py::list th, dep, ro, sig, conf, src, tdep, ev;
    std::vector<std::string> seen_departments;
    std::unique_ptr<CharIndex> ix;
    for (const voc::ThemeHit& t : a.themes) {
      py::object dept = strings.Get(t.department);
      th.append(strings.Get(t.id));
      ro.append(strings.Get(voc::ValueRoleName(t.role)));
      conf.append(py::float_(t.confidence));
      src.append(strings.Get(t.source));
      tdep.append(dept);
      if (!t.department.empty() && std::find(seen_departments.begin(), seen_departments.end(),
                                             t.department) == seen_departments.end()) {
        seen_departments.push_back(t.department);
        dep.append(dept);
      }
      if (t.evidence.empty()) {
        ev.append(empty);
      } else {
        if (!ix) ix = std::make_unique<CharIndex>(a.text);
        ev.append(ix->Slice(t.evidence.front().begin, t.evidence.front().end));
      }
    }
    for (const voc::SignalHit& s : a.signals) {
      py::object name = strings.Get(voc::SignalName(s.signal));
      if (!sig.contains(name)) sig.append(name);
    }
    themes[i] = th;
    departments[i] = dep;
    roles[i] = ro;
    signals[i] = sig;
    redactions[i] = RedactionsDict(a);
    t_conf[i] = conf;
    t_source[i] = src;
    t_department[i] = tdep;
    t_evidence[i] = ev;
  }
  d["text"] = text;
  d["id"] = id;
  d["language"] = language;
  d["label"] = label;
  d["score"] = score;
  d["confidence"] = confidence;
  d["emotion_intensity"] = emotion;
  d["unclassified"] = unclassified;
  d["profanity"] = profanity;
  d["invalid_utf8"] = invalid;
  d["themes"] = themes;
  d["departments"] = departments;
  d["roles"] = roles;
  d["signals"] = signals;
  d["redactions"] = redactions;
  d["theme_confidence"] = t_conf;
  d["theme_source"] = t_source;
  d["theme_department"] = t_department;
  d["theme_evidence"] = t_evidence;
  return d;
}

// ---- Tokenizer, redactor, normalizer ---------------------------------------

py::dict TokenizationDict(const voc::Tokenization& t, const TextArg& in) {
  CharIndex ix(in.bytes, in.is_bytes);
  py::list tokens;
  for (const auto& tok : t.tokens) {
    py::dict d;
    d["begin"] = ix(tok.begin);
    d["end"] = ix(tok.end);
    d["kind"] = voc::TokenKindName(tok.kind);
    d["text"] = Out(tok.text(in.bytes), in.is_bytes);
    d["norm"] = Out(tok.norm, in.is_bytes);
    d["elongated"] = tok.elongated;
    tokens.append(d);
  }
  py::list sentences;
  for (const auto& s : t.sentences) {
    py::dict d;
    d["begin"] = ix(s.begin);
    d["end"] = ix(s.end);
    d["first_token"] = s.first_token;
    d["end_token"] = s.end_token;
    sentences.append(d);
  }
  py::dict out;
  out["tokens"] = tokens;
  out["sentences"] = sentences;
  return out;
}

py::dict RedactionDict(const voc::Redaction& r, const TextArg& in) {
  CharIndex in_ix(in.bytes, in.is_bytes);
  CharIndex out_ix(r.text, in.is_bytes);
  py::list spans;
  for (const auto& s : r.spans) {
    py::dict d;
    d["kind"] = voc::PiiKindName(s.kind);
    d["name"] = Str(s.name);
    d["begin"] = in_ix(s.begin);
    d["end"] = in_ix(s.end);
    d["out_begin"] = out_ix(s.out_begin);
    d["out_end"] = out_ix(s.out_end);
    spans.append(d);
  }
  py::dict out;
  out["text"] = Out(r.text, in.is_bytes);
  out["spans"] = spans;
  out["existing_masks"] = r.existing_masks;
  return out;
}

py::dict NormalizedDict(const voc::Normalized& n) {
  py::dict d;
  d["text"] = Str(n.text);
  d["invalid_utf8"] = n.invalid_utf8;
  d["controls_removed"] = n.controls_removed;
  d["entities_decoded"] = n.entities_decoded;
  return d;
}

// ---- Classifier -------------------------------------------------------------

py::dict InfoDict(const voc::ModelInfo& i) {
  py::dict d;
  d["task"] = Str(i.task);
  d["backend"] = Str(i.backend);
  d["multi_label"] = i.multi_label;
  d["labels"] = i.labels;
  d["metadata_json"] = Str(i.metadata_json);
  d["validation_accuracy"] = i.validation_accuracy;
  d["validation_macro_f1"] = i.validation_macro_f1;
  d["input"] = Str(i.input);
  return d;
}

// The preparation a model's ModelInfo::input names, made once per kind
// (a lexicon kind builds a sentiment analyzer). Raises for a kind this
// version cannot produce. Call with the GIL held.
const voc::ModelInput& InputOf(const voc::TextClassifier& c) {
  static std::map<std::string, std::unique_ptr<const voc::ModelInput>> made;
  auto& slot = made[c.info().input];
  if (!slot)
    slot = std::make_unique<const voc::ModelInput>(ValueOrThrow(voc::ModelInput::Create(c.info().input)));
  return *slot;
}

py::list PredictionList(const std::vector<voc::Prediction>& v) {
  py::list out;
  for (const auto& p : v) out.append(py::make_tuple(Str(p.label), p.probability));
  return out;
}

py::dict EvalDict(const voc::EvalReport& r) {
  py::dict d;
  d["accuracy"] = r.accuracy;
  d["macro_f1"] = r.macro_f1;
  d["n"] = r.n;
  d["labels"] = r.labels;
  py::list per;
  for (const auto& m : r.per_label) {
    py::dict x;
    x["label"] = Str(m.label);
    x["precision"] = m.precision;
    x["recall"] = m.recall;
    x["f1"] = m.f1;
    x["support"] = m.support;
    per.append(x);
  }
  d["per_label"] = per;
  d["confusion"] = r.confusion;
  return d;
}

std::vector<voc::LabeledText> ToRows(const py::sequence& texts, const py::sequence& labels) {
  if (texts.size() != labels.size())
    throw py::value_error("texts and labels differ in length: " + std::to_string(texts.size()) + " and " +
                          std::to_string(labels.size()));
  std::vector<voc::LabeledText> rows(texts.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    rows[i].text = std::string(ToText(texts[i]).bytes);
    rows[i].labels = labels[i].cast<std::vector<std::string>>();
  }
  return rows;
}

// voc/adapter.h: AdaptOptions, ThemeAdapter (fitted on analyses, saved,
// loaded), held by shared_ptr so that analyzers can share one.
void AddAdapterBindings(py::module_& m) {
  py::class_<voc::AdaptOptions>(m, "AdaptOptions")
      .def(py::init<>())
      .def_readwrite("sample_records", &voc::AdaptOptions::sample_records)
      .def_readwrite("sample_bytes", &voc::AdaptOptions::sample_bytes)
      .def_readwrite("min_rule_confidence", &voc::AdaptOptions::min_rule_confidence)
      .def_readwrite("min_examples", &voc::AdaptOptions::min_examples)
      .def_readwrite("min_negatives", &voc::AdaptOptions::min_negatives)
      .def_readwrite("min_precision", &voc::AdaptOptions::min_precision)
      .def_readwrite("mask_rule_evidence", &voc::AdaptOptions::mask_rule_evidence)
      .def_readwrite("unlabelled_share", &voc::AdaptOptions::unlabelled_share)
      .def_readwrite("max_themes_per_text", &voc::AdaptOptions::max_themes_per_text)
      .def_readwrite("threads", &voc::AdaptOptions::threads)
      .def_readwrite("seed", &voc::AdaptOptions::seed);
  py::class_<voc::ThemeAdapter, std::shared_ptr<voc::ThemeAdapter>>(m, "ThemeAdapter")
      .def_static("fit",
                  [](const std::vector<const voc::Analysis*>& sample, const voc::AdaptOptions& o) {
                    std::vector<voc::Analysis> copy;
                    copy.reserve(sample.size());
                    for (const voc::Analysis* a : sample) {
                      voc::Analysis c;
                      c.text = a->text;
                      c.themes = a->themes;
                      copy.push_back(std::move(c));
                    }
                    return std::shared_ptr<voc::ThemeAdapter>(
                        WithoutGil([&] { return voc::ThemeAdapter::Fit(copy, o); }));
                  })
      .def_static("load",
                  [](const std::string& path) {
                    return std::shared_ptr<voc::ThemeAdapter>(
                        WithoutGil([&] { return voc::ThemeAdapter::Load(path); }));
                  })
      .def_static("from_bytes",
                  [](const py::bytes& b) {
                    std::string s = b;
                    return std::shared_ptr<voc::ThemeAdapter>(ValueOrThrow(voc::ThemeAdapter::FromBytes(s)));
                  })
      .def("save", [](const voc::ThemeAdapter& a, const std::string& path) { ThrowIfError(a.Save(path)); })
      .def("serialize", [](const voc::ThemeAdapter& a) { return py::bytes(a.Serialize()); })
      .def("report_json", [](const voc::ThemeAdapter& a) { return Str(a.report().ToJson()); });
}

}  // namespace

PYBIND11_MODULE(_voc, m) {
  m.doc() = "Private extension of the voc package; use `import voc`.";
  py::register_exception<VocError>(m, "Error", PyExc_RuntimeError);
  m.attr("__version__") = VOC_PYTHON_VERSION;
  m.attr("FINDINGS_SCHEMA_VERSION") = voc::kFindingsSchemaVersion;

  m.def("default_models_dir", &voc::DefaultModelsDir);
  m.def(
      "customer_key",
      [](const std::string& id, const std::string& salt) { return voc::CustomerKey(id, salt); },
      py::arg("customer_id"), py::arg("salt") = "",
      "The keyed hash an Analyzer stores in place of a customer id (see customer_salt).");
  m.def("max_threads", &voc::MaxThreads,
        "The most threads a voc call starts (4 per hardware thread, at least 8).");
  m.def("parse_timestamp", [](const std::string& s) { return ValueOrThrow(voc::ParseTimestamp(s)); });
  m.def("format_timestamp", &voc::FormatTimestamp);

  // ---- options --------------------------------------------------------------
  py::enum_<voc::NormalizerOptions::Form>(m, "NormalForm")
      .value("NFC", voc::NormalizerOptions::Form::kNFC)
      .value("NFKC", voc::NormalizerOptions::Form::kNFKC);
  py::class_<voc::NormalizerOptions>(m, "NormalizerOptions")
      .def(py::init<>())
      .def_readwrite("form", &voc::NormalizerOptions::form)
      .def_readwrite("decode_html_entities", &voc::NormalizerOptions::decode_html_entities)
      .def_readwrite("collapse_whitespace", &voc::NormalizerOptions::collapse_whitespace)
      .def_readwrite("keep_line_breaks", &voc::NormalizerOptions::keep_line_breaks)
      .def_readwrite("remove_controls", &voc::NormalizerOptions::remove_controls);
  py::class_<voc::RedactorOptions>(m, "RedactorOptions")
      .def(py::init<>())
      .def_readwrite("email", &voc::RedactorOptions::email)
      .def_readwrite("phone", &voc::RedactorOptions::phone)
      .def_readwrite("card", &voc::RedactorOptions::card)
      .def_readwrite("ssn", &voc::RedactorOptions::ssn)
      .def_readwrite("iban", &voc::RedactorOptions::iban)
      .def_readwrite("ip", &voc::RedactorOptions::ip)
      .def_readwrite("url", &voc::RedactorOptions::url)
      .def_readwrite("account", &voc::RedactorOptions::account)
      .def_readwrite("address", &voc::RedactorOptions::address)
      .def_readwrite("extra_patterns", &voc::RedactorOptions::extra_patterns)
      .def_readwrite("keep_existing_masks", &voc::RedactorOptions::keep_existing_masks);
  py::class_<voc::TokenizerOptions>(m, "TokenizerOptions")
      .def(py::init<>())
      .def_readwrite("sentences", &voc::TokenizerOptions::sentences)
      .def_readwrite("case_fold", &voc::TokenizerOptions::case_fold)
      .def_readwrite("social", &voc::TokenizerOptions::social)
      .def_readwrite("fast_path", &voc::TokenizerOptions::fast_path);
  py::class_<voc::AnalyzerOptions>(m, "AnalyzerOptions")
      .def(py::init<>())
      .def_readwrite("normalizer", &voc::AnalyzerOptions::normalizer)
      .def_readwrite("redactor", &voc::AnalyzerOptions::redactor)
      .def_readwrite("models_dir", &voc::AnalyzerOptions::models_dir)
      .def_readwrite("sentiment_model", &voc::AnalyzerOptions::sentiment_model)
      .def_readwrite("themes", &voc::AnalyzerOptions::themes)
      .def_readwrite("themes_model", &voc::AnalyzerOptions::themes_model)
      .def_readwrite("themes_model_top_k", &voc::AnalyzerOptions::themes_model_top_k)
      .def_readwrite("industry", &voc::AnalyzerOptions::industry)
      .def_readwrite("industry_sample", &voc::AnalyzerOptions::industry_sample)
      .def_readwrite("customer_salt", &voc::AnalyzerOptions::customer_salt)
      .def_readwrite("language", &voc::AnalyzerOptions::language)
      .def_readwrite("adapted_model", &voc::AnalyzerOptions::adapted_model);
  m.def(
      "apply_analyzer_config",
      [](const std::string& config, voc::AnalyzerOptions& options) {
        if (auto st = voc::ApplyAnalyzerConfig(config, &options); !st.ok())
          throw py::value_error(st.message());
      },
      py::arg("config"), py::arg("options"),
      "Sets the options a JSON config names (voc.h ApplyAnalyzerConfig) on `options`; ValueError naming "
      "the key for an unknown key, a wrong type or a value out of range.");
  m.def("analyzer_config_json", &voc::AnalyzerConfigToJson, py::arg("options"),
        "The analyzer options as a JSON config (every key but the customer salt).");

  // ---- records and analyses -------------------------------------------------
  py::class_<voc::Record>(m, "Record")
      .def(py::init([](py::handle text, std::string id, std::optional<int64_t> timestamp, std::string channel,
                       std::string customer_id, std::vector<std::pair<std::string, std::string>> metadata) {
             voc::Record r;
             r.text = std::string(ToText(text).bytes);
             r.id = std::move(id);
             r.timestamp = timestamp;
             r.channel = std::move(channel);
             r.customer_id = std::move(customer_id);
             r.metadata = std::move(metadata);
             return r;
           }),
           py::arg("text"), py::arg("id") = "", py::arg("timestamp") = py::none(), py::arg("channel") = "",
           py::arg("customer_id") = "",
           py::arg("metadata") = std::vector<std::pair<std::string, std::string>>{})
      .def_property(
          "text", [](const voc::Record& r) { return Out(r.text, false); },
          [](voc::Record& r, py::handle h) { r.text = std::string(ToText(h).bytes); })
      .def_readwrite("id", &voc::Record::id)
      .def_readwrite("timestamp", &voc::Record::timestamp)
      .def_readwrite("channel", &voc::Record::channel)
      .def_readwrite("customer_id", &voc::Record::customer_id)
      .def_readwrite("metadata", &voc::Record::metadata);

  py::class_<voc::Analysis>(m, "Analysis")
      .def_property_readonly("id", [](const voc::Analysis& a) { return Str(a.id); })
      .def_property_readonly("timestamp", [](const voc::Analysis& a) { return Timestamp(a.timestamp); })
      .def_property_readonly("channel", [](const voc::Analysis& a) { return Str(a.channel); })
      .def_property_readonly("customer_id", [](const voc::Analysis& a) { return Str(a.customer_id); })
      .def_property_readonly("text", [](const voc::Analysis& a) { return Str(a.text); })
      .def_property_readonly("redactions", &RedactionsDict)
      .def_readonly("invalid_utf8", &voc::Analysis::invalid_utf8)
      .def_property_readonly("label",
                             [](const voc::Analysis& a) {
                               return a.sentiment.scored() ? voc::PolarityName(a.sentiment.label)
                                                           : "unscored";
                             })
      .def_property_readonly("score",
                             [](const voc::Analysis& a) {
                               return a.sentiment.scored() ? py::object(py::float_(a.sentiment.score))
                                                           : py::object(py::none());
                             })
      .def_property_readonly("confidence", [](const voc::Analysis& a) { return a.sentiment.confidence; })
      .def_property_readonly(
          "sentiment", [](const voc::Analysis& a) { return SentimentDict(a.sentiment, CharIndex(a.text)); })
      .def_property_readonly("sentences",
                             [](const voc::Analysis& a) { return SentencesList(a, CharIndex(a.text)); })
      .def_property_readonly("themes",
                             [](const voc::Analysis& a) { return ThemesList(a, CharIndex(a.text)); })
      .def_property_readonly("signals",
                             [](const voc::Analysis& a) { return SignalsList(a, CharIndex(a.text)); })
      .def_readonly("language", &voc::Analysis::language)
      .def_readonly("language_confidence", &voc::Analysis::language_confidence)
      .def_readonly("emotion_intensity", &voc::Analysis::emotion_intensity)
      .def_readonly("profanity", &voc::Analysis::profanity)
      .def_property_readonly("unclassified", &voc::Analysis::unclassified)
      .def("to_dict", &AnalysisDict)
      .def("to_json", [](const voc::Analysis& a) { return Str(voc::AnalysisToJson(a)); });

  py::class_<voc::Analyzer>(m, "Analyzer")
      .def_static(
          "create",
          [](const voc::AnalyzerOptions& o) { return WithoutGil([&] { return voc::Analyzer::Create(o); }); })
      .def("analyze_text",
           [](const voc::Analyzer& an, py::handle text) {
             TextArg t = ToText(text);
             py::gil_scoped_release nogil;
             return an.AnalyzeText(t.bytes);
           })
      .def("analyze",
           [](const voc::Analyzer& an, const voc::Record& r) {
             py::gil_scoped_release nogil;
             return an.Analyze(r);
           })
      .def(
          "analyze_batch",
          [](const voc::Analyzer& an, const py::sequence& items, int threads) {
            if (threads < 0) throw py::value_error("threads must be >= 0, got " + std::to_string(threads));
            std::vector<voc::Record> records = ToRecords(items);
            std::vector<voc::Analysis> out;
            {
              py::gil_scoped_release nogil;
              out = an.AnalyzeBatch(records, threads);
            }
            return ToList(std::move(out));
          },
          py::arg("items"), py::arg("threads") = 0)
      .def(
          "analyze_columns",
          [](const voc::Analyzer& an, const py::list& texts, const py::object& ids, const py::object& stamps,
             const py::object& channels, const py::object& customers, size_t begin, size_t end, int threads,
             voc::Aggregate* aggregate, bool columns, int64_t id_offset, const py::object& scores,
             const py::object& values) {
            if (threads < 0) throw py::value_error("threads must be >= 0, got " + std::to_string(threads));
            return AnalyzeColumns(an, texts, ids, stamps, channels, customers, begin, end, threads, aggregate,
                                  columns, id_offset, scores, values);
          },
          py::arg("texts"), py::arg("ids"), py::arg("stamps"), py::arg("channels"), py::arg("customers"),
          py::arg("begin"), py::arg("end"), py::arg("threads") = 0, py::arg("aggregate") = nullptr,
          py::arg("columns") = true, py::arg("id_offset") = 0, py::arg("scores") = py::none(),
          py::arg("values") = py::none())
      .def("redact",
           [](const voc::Analyzer& an, py::handle text) {
             TextArg t = ToText(text);
             std::string out;
             {
               py::gil_scoped_release nogil;
               out = an.Redact(t.bytes);
             }
             return Str(out);
           })
      .def("describe_json", [](const voc::Analyzer& an) { return Str(an.DescribeJson()); })
      // [(id, [(speaker, text, time, role), ...], time, channel, customer_id), ...]
      // -> [(customer Analysis, JSON str), ...]; times are Unix seconds or
      // None; a role "" is looked up by speaker. With `aggregate`, each
      // conversation is added to it (Aggregate::Add(ConversationAnalysis)).
      .def(
          "analyze_conversations",
          [](const voc::Analyzer& an, const py::sequence& items, const std::string& speaker_map, int threads,
             voc::Aggregate* aggregate) {
            if (threads < 0) throw py::value_error("threads must be >= 0, got " + std::to_string(threads));
            voc::SpeakerMap map;
            if (!speaker_map.empty()) {
              voc::Status st = map.Add(speaker_map);
              if (!st.ok()) throw py::value_error(st.message());
            }
            auto stamp = [](py::handle h) -> std::optional<int64_t> {
              if (h.is_none()) return std::nullopt;
              return h.cast<int64_t>();
            };
            std::vector<voc::Conversation> convs;
            convs.reserve(py::len(items));
            for (py::handle item : items) {
              auto c5 = py::reinterpret_borrow<py::sequence>(item);
              if (py::len(c5) != 5)
                throw py::value_error("a conversation is (id, turns, time, channel, customer_id)");
              voc::Conversation c;
              c.index = convs.size();
              c.id = py::str(c5[0]);
              c.timestamp = stamp(c5[2]);
              c.channel = py::str(c5[3]);
              c.customer_id = py::str(c5[4]);
              for (py::handle t : py::reinterpret_borrow<py::sequence>(c5[1])) {
                auto st = py::reinterpret_borrow<py::sequence>(t);
                if (py::len(st) != 4) throw py::value_error("a turn is (speaker, text, time, role)");
                voc::Turn turn;
                turn.speaker = py::str(st[0]);
                turn.text = std::string(ToText(st[1]).bytes);
                turn.timestamp = stamp(st[2]);
                const std::string role_name = py::str(st[3]);
                std::optional<voc::SpeakerRole> role;
                for (voc::SpeakerRole r : {voc::SpeakerRole::kCustomer, voc::SpeakerRole::kAgent,
                                           voc::SpeakerRole::kBot, voc::SpeakerRole::kSystem})
                  if (role_name == voc::SpeakerRoleName(r)) role = r;
                if (!role_name.empty() && !role)
                  throw py::value_error("conversation '" + c.id + "', turn " +
                                        std::to_string(c.turns.size()) + ": unknown role '" + role_name +
                                        "' (roles: customer, agent, bot, system)");
                if (!role) role = map.Find(turn.speaker);
                if (!role)
                  throw py::value_error("conversation '" + c.id + "', turn " +
                                        std::to_string(c.turns.size()) + ": unknown speaker '" +
                                        turn.speaker + "'; pass speaker_map='" + turn.speaker +
                                        "=customer' (roles: customer, agent, bot, system)");
                turn.role = *role;
                c.turns.push_back(std::move(turn));
              }
              convs.push_back(std::move(c));
            }
            std::vector<voc::ConversationAnalysis> out(convs.size());
            std::vector<std::string> json(convs.size());
            {
              py::gil_scoped_release nogil;
              voc::ParallelFor team(threads);
              team.Run(convs.size(), [&](size_t i) {
                out[i] = an.AnalyzeConversation(convs[i]);
                json[i] = voc::ConversationAnalysisToJson(out[i]);
              });
              if (aggregate != nullptr)
                for (const voc::ConversationAnalysis& a : out) aggregate->Add(a);
            }
            py::list result;
            for (size_t i = 0; i < out.size(); ++i)
              result.append(py::make_tuple(py::cast(std::move(out[i].customer)), Str(json[i])));
            return result;
          },
          py::arg("items"), py::arg("speaker_map") = "", py::arg("threads") = 0,
          py::arg("aggregate") = nullptr)
      .def("set_theme_adapter", [](voc::Analyzer& an, std::shared_ptr<voc::ThemeAdapter> a) {
        voc::Status st = an.SetThemeAdapter(std::move(a));
        if (!st.ok()) ThrowIfError(st);
      });
  AddAdapterBindings(m);

  // ---- components -------------------------------------------------------------
  py::class_<voc::Normalizer>(m, "Normalizer")
      .def_static("create",
                  [](const voc::NormalizerOptions& o) { return ValueOrThrow(voc::Normalizer::Create(o)); })
      .def("normalize", [](const voc::Normalizer& n, py::handle text) {
        TextArg t = ToText(text);
        voc::Normalized out;
        {
          py::gil_scoped_release nogil;
          out = n.Normalize(t.bytes);
        }
        return NormalizedDict(out);
      });
  py::class_<voc::Redactor>(m, "Redactor")
      .def_static("create",
                  [](const voc::RedactorOptions& o) { return ValueOrThrow(voc::Redactor::Create(o)); })
      .def("redact",
           [](const voc::Redactor& r, py::handle text) {
             TextArg t = ToText(text);
             voc::Redaction out;
             {
               py::gil_scoped_release nogil;
               out = r.Redact(t.bytes);
             }
             return RedactionDict(out, t);
           })
      .def("contains_pii", [](const voc::Redactor& r, py::handle text) {
        TextArg t = ToText(text);
        py::gil_scoped_release nogil;
        return r.ContainsPii(t.bytes);
      });
  py::class_<voc::Tokenizer>(m, "Tokenizer")
      .def_static("create",
                  [](const voc::TokenizerOptions& o) { return ValueOrThrow(voc::Tokenizer::Create(o)); })
      .def("tokenize", [](const voc::Tokenizer& tk, py::handle text) {
        TextArg t = ToText(text);
        voc::Tokenization out;
        {
          py::gil_scoped_release nogil;
          out = tk.Tokenize(t.bytes);
        }
        return TokenizationDict(out, t);
      });

  // ---- classifier -------------------------------------------------------------
  py::class_<voc::LabeledText>(m, "LabeledText")
      .def(py::init([](std::string text, std::vector<std::string> labels) {
             return voc::LabeledText{std::move(text), std::move(labels)};
           }),
           py::arg("text"), py::arg("labels"))
      .def_readwrite("text", &voc::LabeledText::text)
      .def_readwrite("labels", &voc::LabeledText::labels);
  py::class_<voc::TrainOptions>(m, "TrainOptions")
      .def(py::init<>())
      .def_readwrite("task", &voc::TrainOptions::task)
      .def_readwrite("multi_label", &voc::TrainOptions::multi_label)
      .def_readwrite("label_separator", &voc::TrainOptions::label_separator)
      .def_readwrite("seed", &voc::TrainOptions::seed)
      .def_readwrite("validation_fraction", &voc::TrainOptions::validation_fraction)
      .def_readwrite("validation", &voc::TrainOptions::validation)
      .def_readwrite("backend", &voc::TrainOptions::backend)
      .def_readwrite("search", &voc::TrainOptions::search)
      .def_readwrite("char_ngrams", &voc::TrainOptions::char_ngrams)
      .def_readwrite("input", &voc::TrainOptions::input)
      .def_readwrite("fasttext_dim", &voc::TrainOptions::fasttext_dim)
      .def_readwrite("fasttext_bucket", &voc::TrainOptions::fasttext_bucket)
      .def_readwrite("quantize", &voc::TrainOptions::quantize)
      .def_readwrite("quantize_max_features", &voc::TrainOptions::quantize_max_features)
      .def_readwrite("threads", &voc::TrainOptions::threads)
      .def_readwrite("verbose", &voc::TrainOptions::verbose);
  m.def(
      "words_only",
      [](py::handle text) {
        TextArg t = ToText(text);
        std::string out;
        {
          py::gil_scoped_release nogil;
          out = voc::WordsOnly(t.bytes);
        }
        return Out(out, t.is_bytes);
      },
      "The text with every token that is not a word (URL, e-mail, mention, hashtag mark, mask, number, "
      "money, time) replaced by spaces, byte for byte: what a model of input 'words/1' reads.");
  py::class_<voc::TextClassifier>(m, "TextClassifier")
      .def_static("train",
                  [](const py::sequence& texts, const py::sequence& labels, const voc::TrainOptions& o) {
                    std::vector<voc::LabeledText> rows = ToRows(texts, labels);
                    return WithoutGil([&] { return voc::TrainModel(rows, o); });
                  })
      .def_static("train_sentiment",
                  [](const py::sequence& texts, const py::sequence& labels, const voc::TrainOptions& o) {
                    std::vector<voc::LabeledText> rows = ToRows(texts, labels);
                    return WithoutGil([&] { return voc::TrainSentimentModel(rows, o); });
                  })
      .def_static(
          "load",
          [](const std::string& path, const std::string& task) {
            return WithoutGil([&] { return voc::TextClassifier::Load(path, task); });
          },
          py::arg("path"), py::arg("task") = "")
      .def_static(
          "from_bytes",
          [](const py::bytes& data, const std::string& task) {
            std::string bytes = data;
            return WithoutGil([&] { return voc::TextClassifier::FromBytes(bytes, task); });
          },
          py::arg("data"), py::arg("task") = "")
      .def("save",
           [](const voc::TextClassifier& c, const std::string& path) {
             voc::Status s;
             {
               py::gil_scoped_release nogil;
               s = c.Save(path);
             }
             ThrowIfError(s);
           })
      .def("serialize", [](const voc::TextClassifier& c) { return py::bytes(c.Serialize()); })
      .def(
          "predict",
          [](const voc::TextClassifier& c, py::handle text, int k) {
            TextArg t = ToText(text);
            const voc::ModelInput& input = InputOf(c);
            std::vector<voc::Prediction> out;
            {
              py::gil_scoped_release nogil;
              out = c.Predict(input.Prepare(t.bytes), k);
            }
            return PredictionList(out);
          },
          py::arg("text"), py::arg("k") = 1)
      .def("predict_above_thresholds",
           [](const voc::TextClassifier& c, py::handle text) {
             TextArg t = ToText(text);
             const voc::ModelInput& input = InputOf(c);
             std::vector<voc::Prediction> out;
             {
               py::gil_scoped_release nogil;
               out = c.PredictAboveThresholds(input.Prepare(t.bytes));
             }
             return PredictionList(out);
           })
      .def(
          "explain",
          [](const voc::TextClassifier& c, py::handle text, const std::string& label, int max_features) {
            TextArg t = ToText(text);
            const voc::ModelInput& input = InputOf(c);
            voc::Explanation e;
            {
              py::gil_scoped_release nogil;
              // The preparation keeps byte offsets: spans index `text`.
              e = c.Explain(input.Prepare(t.bytes), label, max_features);
            }
            CharIndex ix(t.bytes, t.is_bytes);
            py::list features;
            for (const auto& f : e.features) {
              py::dict d;
              d["feature"] = Str(f.feature);
              d["weight"] = f.weight;
              d["begin"] = ix(f.begin);
              d["end"] = ix(f.end);
              features.append(d);
            }
            py::dict d;
            d["label"] = Str(e.label);
            d["probability"] = e.probability;
            d["features"] = features;
            return d;
          },
          py::arg("text"), py::arg("label") = "", py::arg("max_features") = 10)
      .def("info", [](const voc::TextClassifier& c) { return InfoDict(c.info()); });
  m.def(
      "unmapped_model_labels",
      [](const std::string& taxonomy, const std::vector<std::string>& labels) {
        std::unique_ptr<voc::Taxonomy> tax = ValueOrThrow(voc::Taxonomy::LoadFile(taxonomy));
        std::vector<std::string> out;
        for (const std::string& l : labels)
          if (tax->FindModelLabel(l) == nullptr) out.push_back(l);
        return out;
      },
      "The labels that map to no theme of the taxonomy file (neither model_labels nor a theme id).");
  m.def("evaluate", [](const voc::TextClassifier& c, const py::sequence& texts, const py::sequence& labels) {
    std::vector<voc::LabeledText> rows = ToRows(texts, labels);
    const voc::ModelInput& input = InputOf(c);
    voc::EvalReport r;
    {
      py::gil_scoped_release nogil;
      r = voc::Evaluate(c, input.Prepare(rows));
    }
    return EvalDict(r);
  });

  // ---- aggregate and findings -----------------------------------------------
  py::enum_<voc::Period>(m, "Period")
      .value("DAY", voc::Period::kDay)
      .value("WEEK", voc::Period::kWeek)
      .value("MONTH", voc::Period::kMonth);
  m.def("parse_period", [](const std::string& s) { return ValueOrThrow(voc::ParsePeriod(s)); });
  m.def("period_name", [](voc::Period p) { return voc::PeriodName(p); });
  m.def("period_id", &voc::PeriodId);
  py::class_<voc::AggregateOptions>(m, "AggregateOptions")
      .def(py::init<>())
      .def_readwrite("period", &voc::AggregateOptions::period)
      .def_readwrite("evidence_per_theme", &voc::AggregateOptions::evidence_per_theme)
      .def_readwrite("unclassified_evidence", &voc::AggregateOptions::unclassified_evidence)
      .def_readwrite("snippet_bytes", &voc::AggregateOptions::snippet_bytes)
      .def_readwrite("track_customers", &voc::AggregateOptions::track_customers)
      .def_readwrite("phrase_stats", &voc::AggregateOptions::phrase_stats)
      .def_readwrite("max_ngram", &voc::AggregateOptions::max_ngram)
      .def_readwrite("discovery_sample", &voc::AggregateOptions::discovery_sample);
  py::class_<voc::Aggregate>(m, "Aggregate")
      .def(py::init<const voc::AggregateOptions&>(), py::arg("options") = voc::AggregateOptions())
      // `score` / `value`: the record's score and customer value (a number,
      // a field's text, or None); `scores` / `values`: one per analysis.
      .def(
          "add",
          [](voc::Aggregate& g, const voc::Analysis& a, py::handle score, py::handle value) {
            voc::RecordFigures fig;
            CellFigure(score, true, &fig);
            CellFigure(value, false, &fig);
            g.Add(a, fig);
          },
          py::arg("analysis"), py::arg("score") = py::none(), py::arg("value") = py::none())
      .def(
          "add_many",
          [](voc::Aggregate& g, const std::vector<const voc::Analysis*>& items, const py::object& scores,
             const py::object& values) {
            const std::vector<voc::RecordFigures> figures =
                ColumnFigures(scores, values, items.size(), 0, items.size());
            py::gil_scoped_release nogil;
            for (size_t i = 0; i < items.size(); ++i) {
              if (figures.empty())
                g.Add(*items[i]);
              else
                g.Add(*items[i], figures[i]);
            }
          },
          py::arg("analyses"), py::arg("scores") = py::none(), py::arg("values") = py::none())
      .def("merge",
           [](voc::Aggregate& g, const voc::Aggregate& other) {
             voc::Status s;
             {
               py::gil_scoped_release nogil;
               s = g.Merge(other);
             }
             ThrowIfError(s);
           })
      .def("serialize",
           [](const voc::Aggregate& g) {
             std::string s;
             {
               py::gil_scoped_release nogil;
               s = g.Serialize();
             }
             return Str(s);
           })
      .def("serialize_binary",
           [](const voc::Aggregate& g) {
             std::string s;
             {
               py::gil_scoped_release nogil;
               s = g.SerializeBinary();
             }
             return py::bytes(s);
           })
      .def("_load_binary",
           [](voc::Aggregate& g, const py::bytes& data) {
             std::string_view bytes = data;  // the bytes object outlives the call
             voc::Result<voc::Aggregate> r = voc::InvalidArgumentError("not read");
             {
               py::gil_scoped_release nogil;
               r = voc::Aggregate::DeserializeBinary(bytes);
             }
             g = ValueOrThrow(std::move(r));
           })
      .def("_copy_from", [](voc::Aggregate& g, const voc::Aggregate& other) { g = other; })
      .def("_load",
           [](voc::Aggregate& g, const std::string& json) {
             voc::Result<voc::Aggregate> r = voc::Aggregate::Deserialize(json);
             g = ValueOrThrow(std::move(r));
           })
      .def_property_readonly("options", &voc::Aggregate::options)
      .def_property_readonly("records", &voc::Aggregate::records)
      .def_property_readonly("undated", &voc::Aggregate::undated)
      .def_property_readonly("conversations", &voc::Aggregate::conversations)
      .def_property_readonly("periods", &voc::Aggregate::periods)
      .def_property_readonly("themes", &voc::Aggregate::themes);

  py::class_<voc::FindingsOptions>(m, "FindingsOptions")
      .def(py::init<>())
      .def_readwrite("chronic_k", &voc::FindingsOptions::chronic_k)
      .def_readwrite("chronic_n", &voc::FindingsOptions::chronic_n)
      .def_readwrite("baseline_quantile", &voc::FindingsOptions::baseline_quantile)
      .def_readwrite("presence_alpha", &voc::FindingsOptions::presence_alpha)
      .def_readwrite("min_count", &voc::FindingsOptions::min_count)
      .def_readwrite("emerging_alpha", &voc::FindingsOptions::emerging_alpha)
      .def_readwrite("emerging_min_count", &voc::FindingsOptions::emerging_min_count)
      .def_readwrite("emerging_min_ratio", &voc::FindingsOptions::emerging_min_ratio)
      .def_readwrite("spike_alpha", &voc::FindingsOptions::spike_alpha)
      .def_readwrite("resolved_quiet", &voc::FindingsOptions::resolved_quiet)
      .def_readwrite("window_periods", &voc::FindingsOptions::window_periods)
      .def_readwrite("last_period", &voc::FindingsOptions::last_period)
      .def_readwrite("evidence_per_finding", &voc::FindingsOptions::evidence_per_finding)
      .def_readwrite("weight_volume", &voc::FindingsOptions::weight_volume)
      .def_readwrite("weight_persistence", &voc::FindingsOptions::weight_persistence)
      .def_readwrite("weight_negativity", &voc::FindingsOptions::weight_negativity)
      .def_readwrite("weight_signals", &voc::FindingsOptions::weight_signals)
      .def_readwrite("weight_growth", &voc::FindingsOptions::weight_growth)
      .def_readwrite("escalation_min_count", &voc::FindingsOptions::escalation_min_count)
      .def_readwrite("phrase_alpha", &voc::FindingsOptions::phrase_alpha)
      .def_readwrite("phrase_min_count", &voc::FindingsOptions::phrase_min_count)
      .def_readwrite("max_unknown_themes", &voc::FindingsOptions::max_unknown_themes)
      .def_readwrite("phrases_per_unknown_theme", &voc::FindingsOptions::phrases_per_unknown_theme)
      .def_readwrite("examples_per_unknown_theme", &voc::FindingsOptions::examples_per_unknown_theme)
      .def_readwrite("min_baseline_periods", &voc::FindingsOptions::min_baseline_periods)
      .def_readwrite("surge_alpha", &voc::FindingsOptions::surge_alpha)
      .def_readwrite("surge_min_ratio", &voc::FindingsOptions::surge_min_ratio)
      .def_readwrite("surge_min_count", &voc::FindingsOptions::surge_min_count)
      .def_readwrite("drivers_per_surge", &voc::FindingsOptions::drivers_per_surge)
      // Economics (voc/economics.h). `cost_per_contact`: None, an amount, or
      // the CLI's "AMOUNT" / "CHANNEL=AMOUNT,..." text (replaces both the
      // amount and the per-channel costs); `cost_per_channel`: [(channel,
      // amount)].
      .def_property(
          "cost_per_contact", [](const voc::FindingsOptions& o) { return o.cost_per_contact; },
          [](voc::FindingsOptions& o, py::handle v) {
            if (v.is_none()) {
              o.cost_per_contact.reset();
              return;
            }
            if (PyUnicode_Check(v.ptr())) {
              voc::FindingsOptions parsed;
              voc::Status s = voc::ParseCostPerContact(v.cast<std::string>(), &parsed);
              if (!s.ok()) throw py::value_error("cost_per_contact: " + s.message());
              o.cost_per_contact = parsed.cost_per_contact;
              o.cost_per_channel = std::move(parsed.cost_per_channel);
              return;
            }
            if (PyBool_Check(v.ptr()) ||
                !(PyFloat_Check(v.ptr()) || PyLong_Check(v.ptr()) || PyNumber_Check(v.ptr())))
              throw py::type_error(
                  "cost_per_contact: an amount, 'AMOUNT' or "
                  "'CHANNEL=AMOUNT,...', or a dict {channel: amount}");
            o.cost_per_contact = v.cast<double>();
          })
      .def_readwrite("cost_per_channel", &voc::FindingsOptions::cost_per_channel)
      .def_readwrite("customer_value", &voc::FindingsOptions::customer_value)
      .def_readwrite("value_per_record", &voc::FindingsOptions::value_per_record)
      .def_readwrite("currency", &voc::FindingsOptions::currency)
      .def_readwrite("score_name", &voc::FindingsOptions::score_name)
      .def_property(
          "score_kind", [](const voc::FindingsOptions& o) { return voc::ScoreKindName(o.score_kind); },
          [](voc::FindingsOptions& o, const std::string& name) {
            voc::Result<voc::ScoreKind> k = voc::ParseScoreKind(name);
            if (!k.ok()) throw py::value_error("score_kind: " + k.status().message());
            o.score_kind = *k;
          })
      .def_readwrite("bootstrap_samples", &voc::FindingsOptions::bootstrap_samples)
      .def_readwrite("relative_weights", &voc::FindingsOptions::relative_weights)
      .def_property(
          "rank_by", [](const voc::FindingsOptions& o) { return voc::RankByName(o.rank_by); },
          [](voc::FindingsOptions& o, const std::string& name) {
            voc::Result<voc::RankBy> r = voc::ParseRankBy(name);
            if (!r.ok()) throw py::value_error("rank_by: " + r.status().message());
            o.rank_by = *r;
          })
      .def_readwrite("history", &voc::FindingsOptions::history)
      .def_readwrite("run_timestamp", &voc::FindingsOptions::run_timestamp)
      .def_readwrite("history_alpha", &voc::FindingsOptions::history_alpha)
      .def_readwrite("history_min_change", &voc::FindingsOptions::history_min_change)
      .def_readwrite("action_alpha", &voc::FindingsOptions::action_alpha)
      .def_readwrite("action_min_periods", &voc::FindingsOptions::action_min_periods)
      .def("_set_previous_run",
           [](voc::FindingsOptions& o, const std::string& text) {
             o.previous_run = ValueOrThrow(voc::ParseHistoryRun(text));
           })
      .def("_set_actions_text",
           [](voc::FindingsOptions& o, const std::string& text, const std::string& source) {
             o.actions = ValueOrThrow(voc::ParseActions(text, source));
           })
      .def("_set_actions",
           [](voc::FindingsOptions& o, const std::vector<std::vector<std::string>>& rows) {
             std::vector<voc::Action> actions;
             for (const std::vector<std::string>& r : rows) {
               if (r.size() != 5) throw py::value_error("an action has 5 fields");
               actions.push_back({r[0], r[1], r[2], r[3], r[4]});
             }
             o.actions = std::move(actions);
           })
      .def_property_readonly("action_count", [](const voc::FindingsOptions& o) { return o.actions.size(); });

  py::class_<voc::DiscoveryOptions>(m, "DiscoveryOptions")
      .def(py::init<>())
      .def_readwrite("max_themes", &voc::DiscoveryOptions::max_themes)
      .def_readwrite("max_words", &voc::DiscoveryOptions::max_words)
      .def_readwrite("min_docs", &voc::DiscoveryOptions::min_docs)
      .def_readwrite("min_theme_docs", &voc::DiscoveryOptions::min_theme_docs)
      .def_readwrite("max_phrase_share", &voc::DiscoveryOptions::max_phrase_share)
      .def_readwrite("min_background_lift", &voc::DiscoveryOptions::min_background_lift)
      .def_readwrite("ubiquity_share", &voc::DiscoveryOptions::ubiquity_share)
      .def_readwrite("ubiquity_lift", &voc::DiscoveryOptions::ubiquity_lift)
      .def_readwrite("max_phrases", &voc::DiscoveryOptions::max_phrases)
      .def_readwrite("link", &voc::DiscoveryOptions::link)
      .def_readwrite("support", &voc::DiscoveryOptions::support)
      .def_readwrite("phrases_per_theme", &voc::DiscoveryOptions::phrases_per_theme)
      .def_readwrite("examples", &voc::DiscoveryOptions::examples)
      .def_readwrite("background", &voc::DiscoveryOptions::background)
      .def_readwrite("min_general_lift", &voc::DiscoveryOptions::min_general_lift);
  m.def("validate_discovery_options",
        [](const voc::DiscoveryOptions& o) { ThrowIfError(voc::ValidateDiscoveryOptions(o)); });
  // Returns (draft taxonomy JSON, discovery JSON) for an aggregate.
  m.def("discover", [](const voc::Aggregate& g, const voc::DiscoveryOptions& o,
                       const voc::FindingsOptions& fo, const std::string& base) {
    std::string draft, themes;
    voc::Status s;
    {
      py::gil_scoped_release nogil;
      voc::Discovery d = voc::DiscoverThemes(g, o, fo);
      voc::Result<std::string> r = voc::DiscoveryDraft(d, base);
      if (r.ok()) {
        draft = std::move(*r);
        themes = voc::DiscoveryToJson(d);
      } else {
        s = r.status();
      }
    }
    ThrowIfError(s);
    return py::make_tuple(Str(draft), Str(themes));
  });
  m.def("validate_findings_options",
        [](const voc::FindingsOptions& o) { ThrowIfError(voc::ValidateFindingsOptions(o)); });

  py::class_<voc::HtmlOptions>(m, "HtmlOptions")
      .def(py::init<>())
      .def_readwrite("title", &voc::HtmlOptions::title)
      .def_readwrite("max_detailed", &voc::HtmlOptions::max_detailed);
  py::class_<voc::Findings>(m, "Findings")
      .def("to_json", [](const voc::Findings& f) { return Str(voc::FindingsToJson(f)); })
      .def("to_csv", [](const voc::Findings& f) { return Str(voc::FindingsToCsv(f)); })
      .def(
          "to_html",
          [](const voc::Findings& f, const voc::HtmlOptions& o) { return Str(voc::FindingsToHtml(f, o)); },
          py::arg("options") = voc::HtmlOptions())
      .def("digests",
           [](const voc::Findings& f) {
             py::list out;
             for (const voc::Digest& d : voc::DepartmentDigests(f)) {
               py::dict x;
               x["department"] = Str(d.department);
               x["file_name"] = Str(d.file_name);
               x["markdown"] = Str(d.markdown);
               out.append(x);
             }
             return out;
           })
      // The industry packs the analysis used, as `voc findings` records them.
      .def("_set_industries",
           [](voc::Findings& f, const voc::Analyzer& an) {
             if (!an.industries().packs.empty()) f.industries = an.industries();
           })
      .def("history_run",
           [](const voc::Findings& f) -> py::object {
             if (!f.has_history) return py::none();
             return Str(voc::SerializeHistoryRun(f.run));
           })
      .def("write_digests", [](const voc::Findings& f, const std::string& dir) {
        voc::Status s;
        {
          py::gil_scoped_release nogil;
          s = voc::WriteDigests(f, dir);
        }
        ThrowIfError(s);
      });
  m.def("detect_findings", [](const voc::Aggregate& g, const voc::FindingsOptions& o) {
    py::gil_scoped_release nogil;
    return voc::DetectFindings(g, o);
  });
  py::class_<voc::ReaderOptions>(m, "ReaderOptions")
      .def(py::init<>())
      .def_readwrite("text_column", &voc::ReaderOptions::text_column)
      .def_readwrite("id_column", &voc::ReaderOptions::id_column)
      .def_readwrite("time_column", &voc::ReaderOptions::time_column)
      .def_readwrite("channel_column", &voc::ReaderOptions::channel_column)
      .def_readwrite("customer_column", &voc::ReaderOptions::customer_column)
      .def_readwrite("delimiter", &voc::ReaderOptions::delimiter)
      .def_readwrite("max_record_bytes", &voc::ReaderOptions::max_record_bytes)
      .def_readwrite("max_reject_raw_bytes", &voc::ReaderOptions::max_reject_raw_bytes)
      .def_property(
          "format", [](const voc::ReaderOptions& o) { return static_cast<int>(o.format); },
          [](voc::ReaderOptions& o, const std::string& name) {
            o.format = ValueOrThrow(voc::ParseInputFormat(name));
            if (name == "tsv") o.delimiter = '\t';
          });
  // Reads a whole file (or bytes) with the library's reader, as the CLI
  // does: (records, rejects as (index, line, reason, raw bytes), stats).
  m.def("read_records", [](py::object source, const voc::ReaderOptions& o) {
    std::unique_ptr<voc::RecordReader> reader;
    if (PyBytes_Check(source.ptr())) {
      std::string data = source.cast<std::string>();
      reader = WithoutGil([&] { return voc::RecordReader::FromString(std::move(data), o); });
    } else {
      std::string path = py::str(source);
      reader = WithoutGil([&] { return voc::RecordReader::Open(path, o); });
    }
    std::vector<voc::Record> records;
    std::vector<voc::Reject> rejects;
    {
      py::gil_scoped_release nogil;
      voc::Record r;
      voc::Reject j;
      for (;;) {
        voc::RecordReader::Next next = reader->Read(&r, &j);
        if (next == voc::RecordReader::Next::kEnd) break;
        if (next == voc::RecordReader::Next::kReject)
          rejects.push_back(std::move(j));
        else
          records.push_back(std::move(r));
      }
    }
    ThrowIfError(reader->status());
    py::list rj;
    for (const voc::Reject& j : rejects)
      rj.append(py::make_tuple(j.index, j.line, Str(j.reason), py::bytes(j.raw)));
    py::dict stats;
    stats["read"] = reader->stats().read;
    stats["emitted"] = reader->stats().emitted;
    stats["rejected"] = reader->stats().rejected;
    stats["bytes"] = reader->stats().bytes;
    return py::make_tuple(py::cast(std::move(records)), rj, stats);
  });
  // The same in steps, for Ctrl-C and progress between them: read(n) reads
  // up to n records without the GIL and returns (records, rejects as above,
  // ended); `stats` are those of the reader so far.
  struct RecordStream {
    std::unique_ptr<voc::RecordReader> reader;
    bool ended = false;
  };
  py::class_<RecordStream>(m, "RecordStream")
      .def(py::init([](py::object source, const voc::ReaderOptions& o) {
        auto s = std::make_unique<RecordStream>();
        if (PyBytes_Check(source.ptr())) {
          std::string data = source.cast<std::string>();
          s->reader = WithoutGil([&] { return voc::RecordReader::FromString(std::move(data), o); });
        } else {
          std::string path = py::str(source);
          s->reader = WithoutGil([&] { return voc::RecordReader::Open(path, o); });
        }
        return s;
      }))
      .def("read",
           [](RecordStream& s, size_t n) {
             std::vector<voc::Record> records;
             std::vector<voc::Reject> rejects;
             {
               py::gil_scoped_release nogil;
               voc::Record r;
               voc::Reject j;
               while (!s.ended && records.size() + rejects.size() < n) {
                 voc::RecordReader::Next next = s.reader->Read(&r, &j);
                 if (next == voc::RecordReader::Next::kEnd)
                   s.ended = true;
                 else if (next == voc::RecordReader::Next::kReject)
                   rejects.push_back(std::move(j));
                 else
                   records.push_back(std::move(r));
               }
             }
             ThrowIfError(s.reader->status());
             py::list rj;
             for (const voc::Reject& j : rejects)
               rj.append(py::make_tuple(j.index, j.line, Str(j.reason), py::bytes(j.raw)));
             return py::make_tuple(py::cast(std::move(records)), rj, s.ended);
           })
      .def_property_readonly("stats", [](const RecordStream& s) {
        py::dict stats;
        stats["read"] = s.reader->stats().read;
        stats["emitted"] = s.reader->stats().emitted;
        stats["rejected"] = s.reader->stats().rejected;
        stats["bytes"] = s.reader->stats().bytes;
        return stats;
      });
  // Reads conversations as `voc analyze` does: `form` "turns" (JSON Lines
  // or a JSON array, each record with a `turns_col` array; `detect`: refuse
  // input that is not), "transcript" or "thread". Returns ([(id, [(speaker,
  // text, time, role)], time, channel, customer_id, line)], rejects as
  // (index, line, reason, raw bytes), stats).
  m.def("read_conversations",
        [](py::object source, voc::ReaderOptions ro, const std::string& form, bool detect,
           const std::string& speaker_map, size_t max_turns, const std::string& marker,
           const std::string& parent_col, const std::string& role_col, const std::string& author_col,
           const std::vector<std::string>& company_authors, const std::string& turns_col) {
          voc::ConversationReaderOptions co;
          if (form == "turns") {
            if (turns_col.empty()) throw py::value_error("turns_col cannot be empty");
            co.form = voc::ConversationForm::kTurns;
            ro.turns_column = turns_col;
          } else if (form == "transcript") {
            co.form = voc::ConversationForm::kTranscript;
          } else if (form == "thread") {
            co.form = voc::ConversationForm::kThread;
          } else {
            throw py::value_error("unknown conversation form '" + form + "'");
          }
          if (!speaker_map.empty()) {
            voc::Status st = co.speakers.Add(speaker_map);
            if (!st.ok()) throw py::value_error(st.message());
          }
          if (max_turns == 0) throw py::value_error("max_turns must be at least 1");
          co.max_turns = max_turns;
          co.marker = marker;
          co.parent_column = parent_col;
          co.role_column = role_col;
          co.author_column = author_col;
          co.company_authors = company_authors;
          std::unique_ptr<voc::RecordReader> records;
          if (PyBytes_Check(source.ptr())) {
            std::string data = source.cast<std::string>();
            records = WithoutGil([&] { return voc::RecordReader::FromString(std::move(data), ro); });
          } else {
            std::string path = py::str(source);
            records = WithoutGil([&] { return voc::RecordReader::Open(path, ro); });
          }
          if (detect && !records->conversations())
            throw py::value_error("not conversation input: no `" + turns_col +
                                  "` array in the first record; "
                                  "pass format='conversations', 'transcript' or parent_col=");
          std::unique_ptr<voc::ConversationReader> reader =
              WithoutGil([&] { return voc::ConversationReader::Create(std::move(records), std::move(co)); });
          std::vector<voc::Conversation> convs;
          std::vector<voc::Reject> rejects;
          {
            py::gil_scoped_release nogil;
            voc::Conversation c;
            voc::Reject j;
            for (;;) {
              auto next = reader->Read(&c, &j);
              if (next == voc::ConversationReader::Next::kEnd) break;
              if (next == voc::ConversationReader::Next::kReject)
                rejects.push_back(std::move(j));
              else
                convs.push_back(std::move(c));
              c = voc::Conversation();
            }
          }
          ThrowIfError(reader->records().status());
          auto stamp = [](const std::optional<int64_t>& t) -> py::object {
            return t ? py::object(py::int_(*t)) : py::object(py::none());
          };
          py::list out;
          for (const voc::Conversation& c : convs) {
            py::list turns;
            for (const voc::Turn& t : c.turns)
              turns.append(py::make_tuple(Str(t.speaker), Str(t.text), stamp(t.timestamp),
                                          voc::SpeakerRoleName(t.role)));
            out.append(py::make_tuple(Str(c.id), turns, stamp(c.timestamp), Str(c.channel),
                                      Str(c.customer_id), c.line));
          }
          py::list rj;
          for (const voc::Reject& j : rejects)
            rj.append(py::make_tuple(j.index, j.line, Str(j.reason), py::bytes(j.raw)));
          const voc::ConversationStats& s = reader->stats();
          py::dict stats;
          stats["read"] = s.read;
          stats["emitted"] = s.emitted;
          stats["rejected"] = s.rejected;
          stats["conversations"] = s.conversations;
          stats["turns"] = s.turns;
          return py::make_tuple(out, rj, stats);
        });
  // Reads a file, or the byte range [begin, end) of one (RecordReader::
  // OpenRange), analyses and aggregates it as `voc findings` does, all in
  // C++ without the GIL. `score_column` / `value_column` feed the economics
  // figures. Returns (serialized aggregate, stats, rejects as the JSON lines
  // `--rejects` writes, redacted).
  m.def(
      "aggregate_file",
      [](const std::string& path, const voc::ReaderOptions& ro, const voc::Analyzer& an,
         const voc::AggregateOptions& ao, std::optional<std::pair<uint64_t, uint64_t>> byte_range,
         int threads, const std::string& score_column, const std::string& value_column, size_t batch_size,
         const std::string& id_prefix, py::object into) {
        voc::Aggregate* target = into.is_none() ? nullptr : &into.cast<voc::Aggregate&>();
        if (threads < 0) throw py::value_error("threads must be >= 0, got " + std::to_string(threads));
        if (batch_size == 0) throw py::value_error("batch_size must be positive");
        std::string serialized;
        std::vector<std::string> rejects;
        voc::ReaderStats stats;
        voc::Status status;
        {
          py::gil_scoped_release nogil;
          status = [&]() -> voc::Status {
            voc::Result<std::unique_ptr<voc::RecordReader>> reader =
                byte_range ? voc::RecordReader::OpenRange(path, ro, byte_range->first, byte_range->second)
                           : voc::RecordReader::Open(path, ro);
            if (!reader.ok()) return reader.status();
            voc::PipelineOptions po;
            po.threads = threads;
            po.batch_size = batch_size;
            for (const std::string* col : {&score_column, &value_column}) {
              if (col->empty()) continue;
              const std::vector<std::string>& cols = (*reader)->columns();
              if (std::find(cols.begin(), cols.end(), *col) == cols.end()) {
                std::string list;
                for (const std::string& c : cols) list += (list.empty() ? "" : ", ") + c;
                return voc::InvalidArgumentError("column '" + *col + "' not found; columns are: " + list);
              }
              po.keep_columns.push_back(*col);
            }
            // Ids numbered by the reader get `id_prefix` (unique across files).
            const std::vector<std::string>& cols = (*reader)->columns();
            const bool numbered = !id_prefix.empty() && ro.id_column.empty() &&
                                  std::find(cols.begin(), cols.end(), std::string("id")) == cols.end();
            voc::Aggregate aggregate(ao);
            voc::RejectWriter::Redact redact = [&an](std::string_view raw) { return an.Redact(raw); };
            // Each analysing thread adds to an aggregate of its own (merged:
            // the same result as adding in input order).
            voc::Status st = voc::AggregateRecords(
                **reader, an, po,
                [&](voc::Analysis& a, voc::RecordFigures* fig) {
                  for (const auto& field : a.fields) {
                    if (!score_column.empty() && field.first == score_column)
                      voc::ParseScoreField(field.second, fig);
                    if (!value_column.empty() && field.first == value_column)
                      voc::ParseValueField(field.second, fig);
                  }
                  if (numbered) a.id.insert(0, id_prefix);
                },
                [&](const voc::Reject& r) { rejects.push_back(voc::RejectWriter::ToJson(r, redact)); },
                &aggregate);
            stats = (*reader)->stats();
            if (!st.ok()) return st;
            if (target != nullptr)
              *target = std::move(aggregate);
            else
              serialized = aggregate.Serialize();
            return voc::Status();
          }();
        }
        ThrowIfError(status);
        py::dict st;
        st["read"] = stats.read;
        st["emitted"] = stats.emitted;
        st["rejected"] = stats.rejected;
        st["bytes"] = stats.bytes;
        py::list rj;
        for (const std::string& j : rejects) rj.append(Str(j));
        return py::make_tuple(target != nullptr ? into : py::object(Str(serialized)), st, rj);
      },
      py::arg("path"), py::arg("reader_options"), py::arg("analyzer"), py::arg("aggregate_options"),
      py::arg("byte_range") = py::none(), py::arg("threads") = 1, py::arg("score_column") = "",
      py::arg("value_column") = "", py::arg("batch_size") = 512, py::arg("id_prefix") = "",
      py::arg("into") = py::none());
  // Undoes a small fixed malloc trim threshold (MALLOC_TRIM_THRESHOLD_,
  // which Dask's nanny sets to 64 KiB in its worker processes): it also
  // fixes the mmap threshold, so that glibc maps and unmaps the analysis'
  // batch buffers and returns freed memory to the system after every
  // batch; analysing then takes about four times as long. Sets the mmap
  // threshold to 32 MiB and the trim threshold to 64 MiB (still returning
  // memory past that). Returns False where this is not glibc.
  m.def("_relax_malloc_trim", []() {
#if defined(__GLIBC__)
    return mallopt(M_MMAP_THRESHOLD, 32 << 20) == 1 && mallopt(M_TRIM_THRESHOLD, 64 << 20) == 1;
#else
    return false;
#endif
  });
  // Fits the adapted themes of a file as `voc findings --adapt on` does: the
  // first `head` records (the --industry auto sample; 0 when the packs are
  // given) and then the records read on, up to the options' sample size.
  // Returns the adapter, or None with the reason when too few verbatims are
  // labelled (the CLI then warns and uses the rules alone).
  m.def("fit_file_adapter", [](const std::string& path, const voc::ReaderOptions& ro, const voc::Analyzer& an,
                               const voc::AdaptOptions& ao, size_t head) {
    voc::Result<std::unique_ptr<voc::ThemeAdapter>> adapter = voc::FailedPreconditionError("not fitted");
    {
      py::gil_scoped_release nogil;
      adapter = [&]() -> voc::Result<std::unique_ptr<voc::ThemeAdapter>> {
        auto reader = voc::RecordReader::Open(path, ro);
        if (!reader.ok()) return reader.status();
        std::vector<voc::Record> records;
        voc::Record r;
        voc::Reject j;
        while (records.size() < head) {
          auto next = (*reader)->Read(&r, &j);
          if (next == voc::RecordReader::Next::kEnd) break;
          if (next == voc::RecordReader::Next::kRecord) records.push_back(r);
        }
        std::vector<voc::Analysis> sample = an.AnalyzeBatch(records, ao.threads);
        return voc::FitThemeAdapter(**reader, an, ao, &sample, nullptr);
      }();
    }
    if (!adapter.ok() && adapter.status().code() == voc::StatusCode::kFailedPrecondition)
      return py::make_tuple(py::none(), Str(adapter.status().message()));
    std::shared_ptr<voc::ThemeAdapter> fitted(ValueOrThrow(std::move(adapter)));
    return py::make_tuple(py::cast(fitted), py::none());
  });
  // Opens a file as `voc findings` does and returns (format "csv", "jsonl",
  // "json" (a JSON array) or "text", columns, the texts of the first `n`
  // records (rejects skipped) as `--industry auto` samples them).
  m.def("probe_file", [](const std::string& path, const voc::ReaderOptions& ro, size_t n) {
    std::vector<std::string> texts;
    std::vector<std::string> columns;
    voc::InputFormat format = voc::InputFormat::kAuto;
    bool array = false;
    voc::Status status;
    {
      py::gil_scoped_release nogil;
      auto reader = voc::RecordReader::Open(path, ro);
      if (!reader.ok()) {
        status = reader.status();
      } else {
        format = (*reader)->format();
        array = (*reader)->json_array();
        columns = (*reader)->columns();
        voc::Record r;
        voc::Reject j;
        while (texts.size() < n) {
          auto next = (*reader)->Read(&r, &j);
          if (next == voc::RecordReader::Next::kEnd) break;
          if (next == voc::RecordReader::Next::kRecord) texts.push_back(r.text);
        }
        status = (*reader)->status();
      }
    }
    ThrowIfError(status);
    py::list out;
    for (const std::string& t : texts) out.append(py::bytes(t));
    const char* name = format == voc::InputFormat::kCsv     ? "csv"
                       : array                              ? "json"
                       : format == voc::InputFormat::kJsonl ? "jsonl"
                                                            : "text";
    return py::make_tuple(name, py::cast(columns), out);
  });
  m.def("write_file_atomic", [](const std::string& path, py::handle data) {
    TextArg t = ToText(data);
    voc::Status s;
    {
      py::gil_scoped_release nogil;
      s = voc::WriteFileAtomic(path, t.bytes);
    }
    ThrowIfError(s);
  });
}
