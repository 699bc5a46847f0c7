"""Peer: scikit-learn TF-IDF (word 1-2 + char_wb 2-5) + LinearSVC.

usage: sklearn_predict.py train TRAIN.csv MODEL.pkl
       sklearn_predict.py predict MODEL.pkl TEXTS.txt
"""
import csv
import pickle
import sys

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import make_pipeline, make_union
from sklearn.svm import LinearSVC

csv.field_size_limit(1 << 30)

if sys.argv[1] == "train":
    rows = list(csv.DictReader(open(sys.argv[2], encoding="utf-8", newline="")))
    model = make_pipeline(
        make_union(TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2),
                   TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2)),
        LinearSVC(C=0.5))
    model.fit([r["text"] for r in rows], [r["label"] for r in rows])
    pickle.dump(model, open(sys.argv[3], "wb"))
else:
    model = pickle.load(open(sys.argv[2], "rb"))
    texts = [l.rstrip("\n") for l in open(sys.argv[3], encoding="utf-8") if l.strip()]
    labels = model.predict(texts)
    print(len(labels))
