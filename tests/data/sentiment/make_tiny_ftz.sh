#!/bin/sh
# Rebuilds tiny.ftz, a small quantized fastText sentiment model used by the
# tests of fastText model loading (tests/sentiment_test.cc). The training
# lines are synthetic, made here from three short word lists.
set -eu
cd "$(dirname "$0")"
tmp=$(mktemp -d)
/usr/bin/python3 - "$tmp/train.txt" <<'PY'
import random, sys
words = {"positive": "great thanks helpful quick friendly love excellent resolved happy".split(),
         "negative": "rude waiting refund broken charged never worst angry cancel".split(),
         "neutral": "account order address update number change the my please".split()}
rnd = random.Random(7)
with open(sys.argv[1], "w") as f:
    for i in range(600):
        label = ("positive", "negative", "neutral")[i % 3]
        f.write(f"__label__{label} " + " ".join(rnd.choice(words[label]) for _ in range(6)) + "\n")
PY
fasttext supervised -input "$tmp/train.txt" -output "$tmp/tiny" -dim 8 -bucket 2000 -minCount 1 \
  -epoch 20 -wordNgrams 2 -seed 7 -thread 1 -verbose 0
fasttext quantize -input "$tmp/train.txt" -output "$tmp/tiny" -dsub 2 -verbose 0
cp "$tmp/tiny.ftz" tiny.ftz
rm -rf "$tmp"
