#!/usr/bin/env python3
"""Times `voc analyze` right after another command, for one or more voc binaries in turn.

usage: bench/run_after.py --input FILE --before CMD [--rounds 6] [--threads 2] BIN [BIN ...]

What ran just before a run of voc changes its time on a virtual machine that hands freed
memory back to its host (free page reporting): right after another voc run, the memory it
needs is still backed; after seconds of other work it is not, and each page costs a fault on
the host. `bench/run_peers.py` times every voc run of its rows right after a peer's, and its
alternating tables right after `voc analyze --threads 1`. This script isolates that effect:
each round runs CMD (a shell command: a peer, `sleep 4`, another voc run) and then one
binary's `voc analyze --format text --threads N -q FILE`, for each binary in turn (the order
reversed every other round). It prints the median and best wall time, the median user and
system CPU, and the median peak RSS of each binary. Nothing is written but to /dev/null and a
scratch directory.

Examples (docs/PERFORMANCE.md, "Eleventh round"):
  bench/run_after.py --input short.txt --before 'node /tmp/peers/vader.js short.txt' OLD NEW
  bench/run_after.py --input short.txt --before 'sleep 4' OLD NEW
"""
import argparse
import os
import statistics
import subprocess
import sys
import time


def timed(cmd):
    """Runs `cmd` (a list) with its output discarded; returns (wall, user, sys, maxrss KiB)."""
    t0 = time.perf_counter()
    with open(os.devnull, "wb") as null:
        p = subprocess.Popen(cmd, stdout=null, stderr=null)
        _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    if status != 0:
        sys.exit(f"run_after: {' '.join(cmd)} failed (status {status})")
    return wall, usage.ru_utime, usage.ru_stime, usage.ru_maxrss


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--input", required=True, help="input file, one text per line")
    ap.add_argument("--before", required=True, help="shell command run before each timed run")
    ap.add_argument("--rounds", type=int, default=6)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("binaries", nargs="+", help="voc executables to compare")
    args = ap.parse_args()
    if args.rounds < 1:
        sys.exit("run_after: --rounds must be at least 1")
    if not os.path.isfile(args.input):
        sys.exit(f"run_after: no such input: {args.input}")
    for b in args.binaries:
        if not os.access(b, os.X_OK):
            sys.exit(f"run_after: not an executable: {b}")
    runs = {b: [] for b in args.binaries}
    for r in range(args.rounds):
        order = args.binaries if r % 2 == 0 else list(reversed(args.binaries))
        for b in order:
            subprocess.run(args.before, shell=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            runs[b].append(timed([b, "analyze", "--format", "text", "--threads", str(args.threads), "-q",
                                  args.input]))
    print(f"voc analyze --threads {args.threads} {os.path.basename(args.input)}, each run right after: "
          f"{args.before} ({args.rounds} rounds)")
    print("| binary | wall, median (best) | user | sys | peak RSS |")
    print("|---|---|---|---|---|")
    for b, v in runs.items():
        wall = [x[0] for x in v]
        print(f"| {b} | {statistics.median(wall):.3f} ({min(wall):.3f}) | "
              f"{statistics.median(x[1] for x in v):.3f} | {statistics.median(x[2] for x in v):.3f} | "
              f"{statistics.median(x[3] for x in v) / 1024:.0f} MiB |")


if __name__ == "__main__":
    main()
