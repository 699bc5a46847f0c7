"""Shared fixtures for the CLI tests: the built `voc` binary and a runner."""
import os
import subprocess

import pytest

VOC_BIN = os.environ.get("VOC_BIN", os.path.join(os.path.dirname(__file__), "../../build/bin/voc"))
SOURCE_DIR = os.environ.get("VOC_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "../.."))


class Run:
    def __init__(self, proc):
        self.code = proc.returncode
        self.out = proc.stdout.decode("utf-8", "replace")
        self.err = proc.stderr.decode("utf-8", "replace")


@pytest.fixture
def voc():
    def run(*args, stdin=None, cwd=None):
        data = stdin.encode("utf-8") if isinstance(stdin, str) else stdin
        proc = subprocess.run([VOC_BIN, *map(str, args)], input=data,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              cwd=cwd, timeout=600)
        return Run(proc)
    return run


@pytest.fixture
def source_dir():
    return os.path.abspath(SOURCE_DIR)


@pytest.fixture
def same_output_for_threads(voc, source_dir):
    """Runs `voc COMMAND --threads T` on the sample tweets for each T; asserts the
    outputs are identical and --threads -1 is refused; returns the output."""
    def check(command, counts=("1", "2", "5"), extra=()):
        sample = os.path.join(source_dir, "examples", "data", "sample_tweets.txt")
        outs = []
        for t in counts:
            r = voc(command, *extra, "--threads", t, sample)
            assert r.code == 0, r.err
            outs.append(r.out)
        assert all(o == outs[0] for o in outs)
        r = voc(command, *extra, "--threads", "-1", stdin="x\n")
        assert r.code == 2 and "--threads must be >= 0" in r.err
        return outs[0]
    return check
