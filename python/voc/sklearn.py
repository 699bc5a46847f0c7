"""A scikit-learn estimator around voc's trainable text classifier.

    from sklearn.model_selection import cross_val_score
    from sklearn.pipeline import make_pipeline
    from voc.sklearn import TextClassifier
    scores = cross_val_score(TextClassifier(), texts, labels, cv=5)

`TextClassifier` takes texts (a list, Series or 1-column array of str) and
one label per text; `fit` trains `voc.train(...)` with the estimator's
parameters, `predict` / `predict_proba` / `score` follow scikit-learn's
conventions (`classes_` sorted, probabilities in that order), `get_params`
/ `set_params` / `clone` work, so it fits in a Pipeline and in
cross_val_score or GridSearchCV. The trained `voc.Model` is `model_`
(`model_.save(path)` makes a file for `voc.Analyzer(themes_model=...)`).
"""

import numpy as _np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.validation import check_is_fitted

import voc as _voc

__all__ = ["TextClassifier"]


def _texts(X):
    """Texts from a list, a Series, or an array / DataFrame of one column."""
    if hasattr(X, "columns"):  # DataFrame
        if len(X.columns) != 1:
            raise ValueError(f"expected one text column, got {len(X.columns)}")
        X = X.iloc[:, 0]
    if isinstance(X, (str, bytes)):
        raise TypeError("expected a sequence of texts, not one text")
    arr = _np.asarray(X, dtype=object)
    if arr.ndim == 2:
        if arr.shape[1] != 1:
            raise ValueError(f"expected one text column, got {arr.shape[1]}")
        arr = arr[:, 0]
    if arr.ndim != 1:
        raise ValueError(f"expected a 1-d sequence of texts, got {arr.ndim} dimensions")
    return ["" if t is None or (isinstance(t, float) and t != t) else
            t if isinstance(t, (str, bytes)) else str(t) for t in arr.tolist()]


class TextClassifier(ClassifierMixin, BaseEstimator):
    """voc's text classifier as a scikit-learn estimator (single label per
    text). Parameters are those of `voc.train`: backend ("auto", "linear",
    "fasttext"), search (try a grid of settings on the validation slice),
    char_ngrams (linear: character 2-5 grams), validation_fraction, seed,
    quantize, threads, task (the name stored in the model; "sentiment"
    with lexicon=True stacks the model on voc's sentiment lexicon) and
    model_input ("words/1": URLs, mentions, e-mails, masks and numbers
    blanked; "text": the text as it is)."""

    def __init__(self, task="themes", backend="auto", search=False, char_ngrams=True,
                 validation_fraction=0.15, seed=13, quantize=False, threads=0, lexicon=True,
                 model_input="words/1"):
        self.task = task
        self.backend = backend
        self.search = search
        self.char_ngrams = char_ngrams
        self.validation_fraction = validation_fraction
        self.seed = seed
        self.quantize = quantize
        self.threads = threads
        self.lexicon = lexicon
        self.model_input = model_input

    def fit(self, X, y):
        texts = _texts(X)
        y = _np.asarray(y)
        if y.ndim != 1 or len(y) != len(texts):
            raise ValueError(f"expected one label per text: {len(texts)} texts, "
                             f"labels of shape {y.shape}")
        self.classes_ = _np.unique(y)
        if len(self.classes_) < 2:
            raise ValueError("need at least two classes to fit a classifier")
        names = [str(c) for c in self.classes_]
        if len(set(names)) != len(names):
            raise ValueError("class labels must stay distinct as text")
        self._index = {n: i for i, n in enumerate(names)}
        stacked = bool(self.lexicon) and self.task == "sentiment"
        extra = {} if stacked else {"model_input": self.model_input}
        self.model_ = _voc.train(texts, [str(v) for v in y.tolist()], task=self.task,
                                 backend=self.backend, search=self.search,
                                 char_ngrams=self.char_ngrams,
                                 validation_fraction=self.validation_fraction, seed=self.seed,
                                 quantize=self.quantize, threads=self.threads,
                                 lexicon=stacked, **extra)
        return self

    def predict_proba(self, X):
        check_is_fitted(self, "model_")
        texts = _texts(X)
        k = len(self.classes_)
        out = _np.zeros((len(texts), k))
        predict = self.model_.predict
        index = self._index
        for i, t in enumerate(texts):
            for label, p in predict(t, k):
                j = index.get(label)
                if j is not None:
                    out[i, j] = p
        sums = out.sum(axis=1, keepdims=True)
        _np.divide(out, sums, out=out, where=sums > 0)
        return out

    def predict(self, X):
        return self.classes_[_np.argmax(self.predict_proba(X), axis=1)]

    def _more_tags(self):
        return {"X_types": ["string"], "requires_y": True}
