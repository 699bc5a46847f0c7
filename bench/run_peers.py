#!/usr/bin/env python3
"""Runs voc and its peers on the same texts, in one run, and writes a Markdown table.

usage: /usr/bin/python3 bench/run_peers.py [--data ../shared/data] [--build build]
                                          [--out bench/results/peers.md] [--repeat 3] [--scale 1]

Every figure is the wall time of a whole command (start-up and model loading
included) on the same input file, best of --repeat runs, and its peak RSS
(from wait4); the commands compared are run in turn, round after round.
Ratios are voc's throughput over the peer's. The inputs: short social posts
and requests (repeated 2 x --scale times), complaint narratives (--scale
times), and the splits' distinct short and medium texts once each, where work
that depends on each text being new (the adapter's fit on a sample of
distinct verbatims, the rules' first searches) is not hidden by repeats.
Peers are installed here, outside the library's build: Debian's fasttext and
python3-sklearn (apt), and vader-sentiment, wink-nlp, wink-tokenizer (npm, in
a scratch folder).
"""
import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PY = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable
csv.field_size_limit(1 << 30)


def sh(cmd, **kw):
    return subprocess.run(cmd, shell=True, check=True, **kw)


def install_peers(scratch):
    need = [] if os.path.exists("/usr/bin/fasttext") else ["fasttext"]
    try:
        subprocess.run([PY, "-c", "import sklearn"], check=True, capture_output=True)
    except subprocess.CalledProcessError:
        need.append("python3-sklearn")
    if need:
        sudo = "" if os.geteuid() == 0 else "sudo "
        sh(f"{sudo}apt-get install -y -qq {' '.join(need)}")
    os.makedirs(scratch, exist_ok=True)
    if not os.path.isdir(os.path.join(scratch, "node_modules", "wink-nlp")):
        sh("npm init -y >/dev/null && npm install --silent --no-audit --no-fund "
           "vader-sentiment wink-nlp wink-eng-lite-web-model wink-tokenizer >/dev/null", cwd=scratch)
    for f in os.listdir(os.path.join(HERE, "peers")):
        shutil.copy(os.path.join(HERE, "peers", f), scratch)


def flat(t):
    return " ".join(t.split())


def read_texts(path, col="text"):
    with open(path, encoding="utf-8", newline="") as f:
        return [flat(r[col]) for r in csv.DictReader(f) if r[col].strip()]


def write_lines(path, texts, times=1):
    with open(path, "w", encoding="utf-8") as f:
        for _ in range(times):
            for t in texts:
                f.write(t + "\n")
    return os.path.getsize(path)


def measure(cmd, repeat, cwd=None):
    """Returns (best wall seconds, peak RSS KiB of that run).

    Wall time is read from a monotonic clock around the process (GNU time's
    %e has 10 ms steps, 2-3% of the sub-second runs whose ratios the tables
    report); peak RSS is the largest of the process and its children, from
    wait4 as GNU time reads it.
    """
    best = None
    for _ in range(repeat):
        with open(os.path.join(cwd or ".", "out.tmp"), "wb") as out, \
                tempfile.TemporaryFile() as err:
            t0 = time.perf_counter()
            p = subprocess.Popen(["sh", "-c", cmd], cwd=cwd, stdout=out, stderr=err)
            _, status, usage = os.wait4(p.pid, 0)
            wall = time.perf_counter() - t0
            # Reaped here: Popen must not wait for it again.
            p.returncode = os.waitstatus_to_exitcode(status)
            if p.returncode != 0:
                err.seek(0)
                tail = err.read()[-2000:].decode("utf-8", "replace")
                raise RuntimeError(f"command failed ({p.returncode}): {cmd}\n{tail}")
        if best is None or wall < best[0]:
            best = (wall, int(usage.ru_maxrss))
    return best


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=os.environ.get("VOC_DATA", os.path.join(ROOT, "..", "shared", "data")))
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--out", default=os.path.join(HERE, "results", "peers.md"))
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--scale", type=int, default=1, help="replicate the inputs this many times")
    ap.add_argument("--scratch", default=os.path.join(tempfile.gettempdir(), "voc-bench-peers"))
    args = ap.parse_args()

    data = os.path.abspath(args.data)
    if not os.path.isdir(os.path.join(data, "splits")):
        sys.exit(f"bench: no corpora at {data} (use --data)")
    voc = os.path.join(os.path.abspath(args.build), "bin", "voc")
    install_peers(args.scratch)
    work = tempfile.mkdtemp(prefix="voc-bench-")
    sp = os.path.join(data, "splits")

    # The same texts for everyone: short social posts and long complaint narratives.
    short = read_texts(f"{sp}/tweets_sentiment_train.csv") + read_texts(f"{sp}/tweets_sentiment_test.csv") + \
        read_texts(f"{sp}/bitext_intent_train.csv")
    long = read_texts(f"{sp}/cfpb_product_test.csv")
    files = {}
    for name, texts, times in (("short", short, 2 * args.scale), ("long", long, args.scale)):
        path = os.path.join(work, f"{name}.txt")
        size = write_lines(path, texts, times)
        files[name] = (path, len(texts) * times, size)
    # Every distinct short and medium text of the splits, each once: the
    # inputs above repeat their texts, which warms per-text work (the rules'
    # DFA states, the adapter's sample holds each text several times).
    seen, distinct = set(), []
    for t in short + read_texts(f"{sp}/bitext_intent_test.csv") + \
            read_texts(f"{sp}/reviews_sentiment_train.csv") + read_texts(f"{sp}/reviews_sentiment_test.csv"):
        if t not in seen:  # read_texts flattened them
            seen.add(t)
            distinct.append(t)
    distinct_path = os.path.join(work, "distinct.txt")
    distinct_size = write_lines(distinct_path, distinct, 1)
    # 10x input for the memory figures, and the short texts at 10x for the
    # thread scaling once start-up is amortised.
    long10 = os.path.join(work, "long10.txt")
    write_lines(long10, long, 10 * args.scale)
    short10 = os.path.join(work, "short10.txt")
    write_lines(short10, short, 20 * args.scale)

    # fastText and scikit-learn models for the classification peers (not timed).
    ft_train = os.path.join(work, "cfpb_ft.txt")
    with open(ft_train, "w", encoding="utf-8") as f:
        with open(f"{sp}/cfpb_product_train.csv", encoding="utf-8", newline="") as src:
            for r in csv.DictReader(src):
                f.write("__label__" + r["label"].replace(" ", "_") + " " + flat(r["text"]).lower() + "\n")
    sh(f"fasttext supervised -input {ft_train} -output {work}/cfpb_ft -epoch 25 -lr 0.5 -wordNgrams 2 "
       f"-minn 2 -maxn 5 -thread 2 -verbose 0")
    sh(f"{PY} {args.scratch}/sklearn_predict.py train {sp}/cfpb_product_train.csv {work}/sk.pkl")
    voc_model = os.path.join(ROOT, "models", "cfpb_product.vocm")
    if not os.path.exists(voc_model):
        sh(f"{voc} train --input {sp}/cfpb_product_train.csv --text-col text --label-col label "
           f"--output {work}/cfpb.vocm --quantize > /dev/null")
        voc_model = f"{work}/cfpb.vocm"

    rows = []

    def row(figure, unit, voc_cmd, peers, inp):
        path, docs, size = files[inp] if inp in files else inp
        # voc and its peers in turn, round after round (best of --repeat
        # each): a slow minute of a shared machine falls on all of them,
        # not on whichever happened to run in it.
        cmds = [voc_cmd.format(f=path)] + [pcmd.format(f=path) for _, pcmd in peers]
        best = [None] * len(cmds)
        for _ in range(args.repeat):
            for i, cmd in enumerate(cmds):
                got = measure(cmd, 1, cwd=work)
                if best[i] is None or got[0] < best[i][0]:
                    best[i] = got
        (vw, vr), amount = best[0], size / 1e6 if unit == "MB/s" else docs
        r = {"figure": figure, "input": f"{os.path.basename(path)} ({docs} docs, {size / 1e6:.1f} MB)",
             "unit": unit, "voc": amount / vw, "voc_rss": vr, "peers": []}
        for (pname, _), (pw, pr) in zip(peers, best[1:]):
            r["peers"].append({"name": pname, "value": amount / pw, "rss": pr, "ratio": pw / vw})
        rows.append(r)
        print(json.dumps(r), flush=True)

    node = "node"
    for inp in ("short", "long"):
        row("tokenizer", "MB/s", f"{voc} tokenize --no-sentences {{f}}",
            [("wink-tokenizer", f"{node} {args.scratch}/wink_tokenizer.js {{f}}")], inp)
        row("redactor", "MB/s", f"{voc} redact {{f}}", [], inp)
        row("sentiment", "docs/s", f"{voc} sentiment {{f}}",
            [("VADER (vader-sentiment)", f"{node} {args.scratch}/vader.js {{f}}"),
             ("wink-nlp sentiment", f"{node} {args.scratch}/wink_sentiment.js {{f}}")], inp)
    row("theme classification (cfpb model)", "docs/s", f"{voc} predict --model {voc_model} {{f}}",
        [("fasttext predict", f"fasttext predict {work}/cfpb_ft.bin {{f}}"),
         ("sklearn TF-IDF+LinearSVC predict", f"{PY} {args.scratch}/sklearn_predict.py predict {work}/sk.pkl {{f}}")],
        "long")
    for threads in (1, 2):
        for inp in ("short", "long"):
            row(f"full pipeline `voc analyze`, {threads} thread(s)", "docs/s",
                f"{voc} analyze --format text --threads {threads} -q {{f}}",
                [("fasttext predict (classify only)", f"fasttext predict {work}/cfpb_ft.bin {{f}}"),
                 ("VADER (sentiment only)", f"{node} {args.scratch}/vader.js {{f}}")], inp)
    row("`voc findings` end to end, 2 threads", "docs/s",
        f"{voc} findings --format text --period week --threads 2 -q {{f}}", [], "long")
    # Memory: peak RSS at 1x and 10x input.
    mem = []
    for cmd in ("analyze --format text -q", "findings --format text --period week -q"):
        w1, r1 = measure(f"{voc} {cmd} {files['long'][0]}", 1, cwd=work)
        w10, r10 = measure(f"{voc} {cmd} {long10}", 1, cwd=work)
        mem.append((cmd.split()[0], r1, r10))
        print(cmd, r1, r10, flush=True)

    # The targets against VADER and across thread counts, with the commands
    # timed alternately (round after round) so that a slow minute of a
    # shared machine hits all of them alike.
    alt = []
    for inp in ("short", "long"):
        path, docs, _ = files[inp]
        cmds = [("VADER", f"{node} {args.scratch}/vader.js {path}"),
                ("sentiment", f"{voc} sentiment {path}"),
                ("analyze 1 thread", f"{voc} analyze --format text --threads 1 -q {path}"),
                ("analyze 2 threads", f"{voc} analyze --format text --threads 2 -q {path}")]
        # Two independent one-thread runs at once: what two cores of this
        # machine give two processes that share nothing, the ceiling of
        # "2 threads / 1 thread".
        one = f"{voc} analyze --format text --threads 1 -q {path}"
        cmds.append(("two 1-thread runs at once", f"( {one} > pair.tmp & {one} > pair2.tmp; wait )"))
        best = {}
        for _ in range(args.repeat):
            for name, cmd in cmds:
                w, _ = measure(cmd, 1, cwd=work)
                best[name] = min(best.get(name, w), w)
        alt.append((inp, docs, best))
        print(json.dumps({"alternating": inp, "best_seconds": best}), flush=True)

    # The distinct texts: VADER and voc with and without adaptation, alternately.
    dcmds = [("VADER", f"{node} {args.scratch}/vader.js {distinct_path}"),
             ("analyze 2 threads", f"{voc} analyze --format text --threads 2 -q {distinct_path}"),
             ("analyze 2 threads, --adapt off",
              f"{voc} analyze --format text --threads 2 -q --adapt off {distinct_path}")]
    dbest = {}
    for _ in range(args.repeat):
        for name, cmd in dcmds:
            w, _ = measure(cmd, 1, cwd=work)
            dbest[name] = min(dbest.get(name, w), w)
    print(json.dumps({"distinct": dbest}), flush=True)

    # 2 threads / 1 thread on the short texts at 10x, where the ~60 ms of
    # start-up (model loading, pattern compilation) is a small part of a run:
    # the same three commands, alternately.
    one = f"{voc} analyze --format text --threads 1 -q {short10}"
    big_cmds = [("1 thread", one),
                ("2 threads", f"{voc} analyze --format text --threads 2 -q {short10}"),
                ("two 1-thread runs at once", f"( {one} > pair.tmp & {one} > pair2.tmp; wait )")]
    big = {}
    for _ in range(max(3, args.repeat // 2)):
        for name, cmd in big_cmds:
            w, _ = measure(cmd, 1, cwd=work)
            big[name] = min(big.get(name, w), w)
    print(json.dumps({"scaling_10x": big}), flush=True)

    with open(args.out, "w") as f:
        f.write("| figure | input | voc | peer | peer figure | voc / peer |\n|---|---|---|---|---|---|\n")
        for r in rows:
            vv = f"{r['voc']:,.1f} {r['unit']} ({r['voc_rss'] / 1024:.0f} MiB)"
            if not r["peers"]:
                f.write(f"| {r['figure']} | {r['input']} | {vv} | | | |\n")
            for p in r["peers"]:
                f.write(f"| {r['figure']} | {r['input']} | {vv} | {p['name']} | "
                        f"{p['value']:,.1f} {r['unit']} ({p['rss'] / 1024:.0f} MiB) | **{p['ratio']:.2f}x** |\n")
        f.write("\n| command | peak RSS 1x | peak RSS 10x | growth |\n|---|---|---|---|\n")
        for name, r1, r10 in mem:
            f.write(f"| voc {name} | {r1 / 1024:.0f} MiB | {r10 / 1024:.0f} MiB | {100 * (r10 - r1) / r1:+.0f}% |\n")
        f.write("\nTimed alternately, best of each (seconds; docs/s in brackets):\n\n"
                "| input | VADER | voc sentiment | voc analyze, 1 thread | voc analyze, 2 threads | "
                "sentiment / VADER | analyze 2 threads / VADER | 2 threads / 1 thread | "
                "two 1-thread runs at once | machine ceiling |\n"
                "|---|---|---|---|---|---|---|---|---|---|\n")
        for inp, docs, b in alt:
            cell = lambda k: f"{b[k]:.2f} ({docs / b[k]:,.0f})"
            pair = b["two 1-thread runs at once"]
            f.write(f"| {inp} | {cell('VADER')} | {cell('sentiment')} | {cell('analyze 1 thread')} | "
                    f"{cell('analyze 2 threads')} | **{b['VADER'] / b['sentiment']:.1f}x** | "
                    f"**{b['VADER'] / b['analyze 2 threads']:.1f}x** | "
                    f"**{b['analyze 1 thread'] / b['analyze 2 threads']:.2f}x** | "
                    f"{pair:.2f} ({2 * docs / pair:,.0f}) | {2 * b['analyze 1 thread'] / pair:.2f}x |\n")
        f.write("\nmachine ceiling: twice the documents of one 1-thread run, in the time two such runs "
                "take side by side (2 x 1-thread time / time of the pair); two threads of one process "
                "cannot beat it.\n")
        nd = len(distinct)
        f.write(f"\nDistinct texts, each once ({nd:,} docs, {distinct_size / 1e6:.1f} MB: the short texts, "
                "Bitext's test split and the clothing reviews of the splits), timed alternately, best of each "
                "(seconds; docs/s in brackets):\n\n"
                "| VADER | voc analyze, 2 threads | voc analyze, 2 threads, --adapt off | "
                "analyze / VADER | adaptation's cost (on / off) |\n|---|---|---|---|---|\n")
        dcell = lambda k: f"{dbest[k]:.2f} ({nd / dbest[k]:,.0f})"
        f.write(f"| {dcell('VADER')} | {dcell('analyze 2 threads')} | {dcell('analyze 2 threads, --adapt off')} | "
                f"**{dbest['VADER'] / dbest['analyze 2 threads']:.1f}x** | "
                f"{dbest['analyze 2 threads'] / dbest['analyze 2 threads, --adapt off']:.2f}x |\n")
        docs10 = len(short) * 20 * args.scale
        f.write("\nThread scaling on the short texts at 10x (%s docs), timed alternately, best of each "
                "(seconds; docs/s in brackets):\n\n"
                "| voc analyze, 1 thread | voc analyze, 2 threads | 2 threads / 1 thread | "
                "two 1-thread runs at once | machine ceiling |\n|---|---|---|---|---|\n" % f"{docs10:,}")
        f.write(f"| {big['1 thread']:.2f} ({docs10 / big['1 thread']:,.0f}) | "
                f"{big['2 threads']:.2f} ({docs10 / big['2 threads']:,.0f}) | "
                f"**{big['1 thread'] / big['2 threads']:.2f}x** | "
                f"{big['two 1-thread runs at once']:.2f} | "
                f"{2 * big['1 thread'] / big['two 1-thread runs at once']:.2f}x |\n")
    print(f"bench: wrote {args.out}")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
