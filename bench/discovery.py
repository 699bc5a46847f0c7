#!/usr/bin/python3
"""Theme discovery from an empty taxonomy, side by side with scikit-learn
TF-IDF + NMF at the same number of topics, on labelled corpora.

    /usr/bin/python3 bench/discovery.py [--voc build/bin/voc] [--data ../shared/data]
                                        [--scale 10] [--markdown]

For each corpus, `voc discover --themes {"themes": []}` runs on the texts
alone; every discovered theme is scored against the gold labels of its
members: its majority label and purity (majority share). A gold category is
recovered when some theme with purity >= 0.5 has it as majority. Coverage:
share of the texts assigned to a theme. NMF (Debian's python3-sklearn,
TfidfVectorizer with English stop words, min_df 2, max_df 0.5, NMF init
nndsvd, random_state 0) gets k = the number of themes voc found, each text
goes to its strongest topic (texts with no weight: unassigned), and is scored
the same way. Names are checked for handles, URLs, numbers and brand words
(words in voc's own `ubiquitous` list).

What is timed, on the same input (the corpus's CSV file, columns id and
text): for voc, the wall time of the whole `voc discover` process (start,
model loading, reading the CSV, normalising, redacting, language, sentiment,
signals, tokenizing, discovery, writing the draft and the themes); for NMF,
reading the same CSV + vectorising + fitting + assigning, in a child process
that has imported scikit-learn first (Python's start and the import are not
counted). Each side runs `--repeat` times (default 3), interleaved, and its
fastest run is kept: on a shared machine the minimum is the least disturbed
figure. Threads: voc runs with `--threads` (default 2); NMF with whatever
numpy's BLAS uses (Debian's reference BLAS: one thread; scikit-learn's
coordinate descent is single-threaded). "CPU / wall" shows the cores each
side kept busy in its fastest run (CPU seconds per wall second). "voc startup" is the same `voc discover` on a one-record file (the
fixed cost: loading the models, compiling the redactor and the signal cues);
"voc analyze alone" is `voc analyze` of the input (no discovery). Peak RSS
per process (os.wait4). `--scale N` also runs voc on the first corpus
repeated N times (new ids) to check that peak memory stays flat (the
discovery sample bounds it).

Corpora (under --data, skipped when missing):
  cfpb        cfpb_complaints/complaints_sample.csv: narratives, gold Issue
  bitext      bitext_customer_support/...Training_Dataset.csv: instruction, gold intent
  restaurants semeval_absa/ABSA16_Restaurants_Train_SB1_v2.xml: sentence, gold first category
  laptops     semeval_absa/ABSA16_Laptops_Train_SB1_v2.xml: sentence, gold first category
"""
import argparse
import collections
import csv
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))


def load_cfpb(data):
    path = os.path.join(data, "cfpb_complaints", "complaints_sample.csv")
    out = []
    with open(path, newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            t = r.get("Consumer complaint narrative", "").strip()
            if t:
                out.append((t, r["Issue"]))
    return out


def load_bitext(data):
    path = os.path.join(data, "bitext_customer_support",
                        "Bitext_Sample_Customer_Support_Training_Dataset.csv")
    with open(path, newline="", encoding="utf-8") as f:
        return [(r["instruction"], r["intent"]) for r in csv.DictReader(f) if r["instruction"].strip()]


def load_semeval(data, name):
    path = os.path.join(data, "semeval_absa", name)
    out = []
    for s in ET.parse(path).getroot().iter("sentence"):
        text = s.findtext("text") or ""
        cats = [o.get("category") for o in s.iter("Opinion") if o.get("category")]
        if text.strip() and cats:
            out.append((text, cats[0]))
    return out


CORPORA = [
    ("cfpb", load_cfpb),
    ("bitext", load_bitext),
    ("restaurants", lambda d: load_semeval(d, "ABSA16_Restaurants_Train_SB1_v2.xml")),
    ("laptops", lambda d: load_semeval(d, "ABSA16_Laptops_Train_SB1_v2.xml")),
]


def run_voc_measured(voc, csv_path, base, themes_out, extra=()):
    cmd = [voc, "discover", csv_path, "--id-col", "id", "--themes", base, "--themes-out",
           themes_out, "-o", os.devnull, "-q", *extra]
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.monotonic() - t0
    err = p.stderr.read().decode()
    if status != 0:
        sys.exit("voc failed: " + err)
    return wall, ru.ru_maxrss / 1024, ru.ru_utime + ru.ru_stime


NMF_CHILD = r"""
import csv, json, sys, time, resource
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.decomposition import NMF
k = int(sys.argv[2])
t0 = time.monotonic()
r0 = resource.getrusage(resource.RUSAGE_SELF)
with open(sys.argv[1], newline="", encoding="utf-8") as f:
    texts = [r["text"] for r in csv.DictReader(f)]
vec = TfidfVectorizer(stop_words="english", min_df=2, max_df=0.5)
X = vec.fit_transform(texts)
nmf = NMF(n_components=k, init="nndsvd", random_state=0, max_iter=400)
W = nmf.fit_transform(X)
assign = [int(r.argmax()) if r.max() > 0 else -1 for r in W]
terms = vec.get_feature_names_out()
names = [" ".join(terms[i] for i in c.argsort()[::-1][:3]) for c in nmf.components_]
wall = time.monotonic() - t0
r1 = resource.getrusage(resource.RUSAGE_SELF)
cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
json.dump({"assign": assign, "names": names, "seconds": wall, "cpu": cpu}, sys.stdout)
"""


def sklearn_version():
    try:
        out = subprocess.run([sys.executable, "-c", "import sklearn; print(sklearn.__version__)"],
                             capture_output=True, text=True, check=True).stdout.strip()
        return out or "?"
    except (OSError, subprocess.CalledProcessError):
        return "?"


def score(groups, gold, n):
    """groups: list of member index lists. Returns metrics."""
    purities, recovered = [], set()
    covered = 0
    for g in groups:
        if not g:
            continue
        covered += len(g)
        c = collections.Counter(gold[i] for i in g)
        label, m = c.most_common(1)[0]
        p = m / len(g)
        purities.append(p)
        if p >= 0.5:
            recovered.add(label)
    return {
        "themes": len(purities),
        "recovered": len(recovered),
        "purity": sum(purities) / len(purities) if purities else 0.0,
        "coverage": covered / n,
    }


BAD_NAME = re.compile(r"(^|\s)(@\w+|https?|www|\S*\.\w{2,3}\b|\S*\d\S*)(\s|,|$)")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--voc", default=os.path.join(HERE, "..", "build", "bin", "voc"))
    ap.add_argument("--data", default=os.path.join(HERE, "..", "..", "shared", "data"))
    ap.add_argument("--scale", type=int, default=10)
    ap.add_argument("--scale-sample", default="1000",
                    help="discovery sample of the scaling runs (both inputs exceed it)")
    ap.add_argument("--threads", default="2")
    ap.add_argument("--repeat", type=int, default=3, help="runs per side; the fastest is kept")
    ap.add_argument("--markdown", action="store_true")
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="voc_discovery_")
    base = os.path.join(tmp, "empty.json")
    with open(base, "w") as f:
        f.write('{"themes": []}')
    one = os.path.join(tmp, "one.csv")
    with open(one, "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([["id", "text"], ["1", "The app crashes at check in."]])
    startup = min(run_voc_measured(a.voc, one, base, os.path.join(tmp, "one.json"),
                                   ("--threads", a.threads))[0] for _ in range(max(1, a.repeat)))
    nmf_threads = os.environ.get("OMP_NUM_THREADS", "") or "unset"
    rows = []
    first = None
    for name, load in CORPORA:
        try:
            docs = load(a.data)
        except (OSError, ET.ParseError) as e:
            print("skip %s: %s" % (name, e), file=sys.stderr)
            continue
        texts = [t for t, _ in docs]
        gold = [g for _, g in docs]
        path = os.path.join(tmp, name + ".csv")
        with open(path, "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(["id", "text"])
            for i, t in enumerate(texts):
                w.writerow([str(i), t])
        if first is None:
            first = (name, texts)
        themes_out = os.path.join(tmp, name + ".themes.json")
        k = None
        v_wall = nmf_s = analyze_s = float("inf")
        v_rss = n_rss = 0
        v_cpu = n_cpu = 0.0
        nmf = None
        for _ in range(max(1, a.repeat)):
            w, r, c = run_voc_measured(a.voc, path, base, themes_out, ("--threads", a.threads))
            if w < v_wall:
                v_cpu = c
            v_wall, v_rss = min(v_wall, w), max(v_rss, r)
            if k is None:
                disc = json.load(open(themes_out))
                k = max(1, len(disc["themes"]))
            p = subprocess.Popen([sys.executable, "-c", NMF_CHILD, path, str(k)],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            out = p.stdout.read()
            _, status, ru = os.wait4(p.pid, 0)
            if status != 0:
                sys.exit("NMF failed: " + p.stderr.read().decode())
            run = json.loads(out)
            nmf = nmf or run
            if run["seconds"] < nmf_s:
                n_cpu = run["cpu"]
            nmf_s, n_rss = min(nmf_s, run["seconds"]), max(n_rss, ru.ru_maxrss / 1024)
            t0 = time.monotonic()
            subprocess.run([a.voc, "analyze", path, "--id-col", "id", "--themes", base, "-q",
                            "--threads", a.threads], stdout=subprocess.DEVNULL, check=True)
            analyze_s = min(analyze_s, time.monotonic() - t0)
        vgroups = [[int(m) for m in t["members"]] for t in disc["themes"]]
        vs = score(vgroups, gold, len(texts))
        ubiq = set(disc["ubiquitous"])
        bad = [t["name"] for t in disc["themes"]
               if BAD_NAME.search(t["name"]) or any(w in ubiq for w in re.split(r"[ ,]+", t["name"]))]
        ngroups = collections.defaultdict(list)
        for i, t in enumerate(nmf["assign"]):
            if t >= 0:
                ngroups[t].append(i)
        ns = score(list(ngroups.values()), gold, len(texts))
        rows.append({
            "corpus": name, "docs": len(texts), "gold": len(set(gold)), "k": k,
            "voc": vs, "nmf": ns, "voc_s": v_wall, "nmf_s": nmf_s, "analyze_s": analyze_s,
            "startup_s": startup, "voc_rss": v_rss, "nmf_rss": n_rss, "bad_names": bad,
            "voc_cpu_per_wall": v_cpu / v_wall, "nmf_cpu_per_wall": n_cpu / nmf_s,
            "voc_names": [t["name"] for t in disc["themes"]][:6], "nmf_names": nmf["names"][:6],
        })
    flat = None
    if first and a.scale > 1:
        name, texts = first
        sizes = {}
        for mult in (1, a.scale):
            path = os.path.join(tmp, "%s_x%d.csv" % (name, mult))
            with open(path, "w", newline="", encoding="utf-8") as f:
                w = csv.writer(f)
                w.writerow(["id", "text"])
                for r in range(mult):
                    for i, t in enumerate(texts):
                        w.writerow(["%d-%d" % (r, i), t])
            wall, rss, _ = run_voc_measured(a.voc, path, base, os.path.join(tmp, "scale.json"),
                                            ("--threads", a.threads, "--sample", a.scale_sample))
            sizes[mult] = (len(texts) * mult, wall, rss)
        flat = (name, sizes)

    if a.markdown:
        print("voc `--threads %s`; NMF: scikit-learn %s on numpy's BLAS (OMP_NUM_THREADS %s). "
              "CPU / wall: CPU seconds per second of the fastest run (the cores a side kept busy)."
              % (a.threads, sklearn_version(), nmf_threads))
        print()
        print("| corpus | texts | gold | k | recovered voc / NMF | mean purity voc / NMF | "
              "coverage voc / NMF | time voc / NMF (s) | speed ratio | CPU / wall voc / NMF | voc startup (s) | "
              "voc analyze alone (s) | peak RSS voc / NMF (MiB) |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for r in rows:
            print("| %s | %d | %d | %d | %d / %d | %.2f / %.2f | %.2f / %.2f | %.3f / %.2f | %.1fx | %.1f / %.1f | %.3f | "
                  "%.2f | %.0f / %.0f |" % (
                      r["corpus"], r["docs"], r["gold"], r["k"], r["voc"]["recovered"], r["nmf"]["recovered"],
                      r["voc"]["purity"], r["nmf"]["purity"], r["voc"]["coverage"], r["nmf"]["coverage"],
                      r["voc_s"], r["nmf_s"], r["nmf_s"] / r["voc_s"], r["voc_cpu_per_wall"],
                      r["nmf_cpu_per_wall"], r["startup_s"], r["analyze_s"], r["voc_rss"], r["nmf_rss"]))
        print()
        for r in rows:
            print("- %s: voc names %s; NMF top words %s; bad names: %s" % (
                r["corpus"], "; ".join(r["voc_names"]), "; ".join(r["nmf_names"]),
                ", ".join(r["bad_names"]) or "none"))
        if flat:
            name, sizes = flat
            (n1, w1, m1), (n10, w10, m10) = sizes[1], sizes[a.scale]
            print("\n- memory at %dx input (%s, --sample %s): %d texts %.0f MiB, %.2f s; %d texts %.0f MiB, "
                  "%.2f s (peak RSS ratio %.2f)" % (a.scale, name, a.scale_sample, n1, m1, w1, n10, m10,
                                                   w10, m10 / m1))
    else:
        json.dump({"rows": rows, "flat": flat}, sys.stdout, indent=1)
        print()


if __name__ == "__main__":
    main()
