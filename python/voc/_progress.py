"""Progress reports and chunked long calls.

Long calls (analyze_many, analyze_frame, aggregate_frame, detect_findings)
run in chunks of about a quarter of a second, so that Ctrl-C
(KeyboardInterrupt) is raised between two chunks, and report progress:
`progress=True` draws a bar on stderr (tqdm's when tqdm is installed),
a callable gets `(done, total)` after each chunk, None/False says nothing.
"""

import sys as _sys
import threading as _threading
import time as _time

_TARGET_SECONDS = 0.25


class _Bar:
    """A one-line text bar on stderr, redrawn at most ten times a second."""

    def __init__(self, total, desc):
        self.total, self.desc = total, desc
        self.start = self.last = _time.monotonic()
        self.done = 0

    def update(self, done):
        self.done = done
        now = _time.monotonic()
        if now - self.last >= 0.1 or done >= self.total:
            self.last = now
            self._draw(now)

    def _draw(self, now):
        frac = self.done / self.total if self.total else 1.0
        width = 30
        filled = int(frac * width)
        bar = "#" * filled + "-" * (width - filled)
        _sys.stderr.write(f"\r{self.desc}: {frac:4.0%} |{bar}| {self.done:,}/{self.total:,} "
                          f"[{now - self.start:.1f}s]")
        _sys.stderr.flush()

    def close(self):
        self._draw(_time.monotonic())
        _sys.stderr.write("\n")
        _sys.stderr.flush()


class _Tqdm:
    def __init__(self, tqdm, total, desc):
        self.bar = tqdm(total=total, desc=desc, file=_sys.stderr, unit="rec")
        self.done = 0

    def update(self, done):
        self.bar.update(done - self.done)
        self.done = done

    def close(self):
        self.bar.close()


class _Callback:
    def __init__(self, fn, total):
        self.fn, self.total = fn, total

    def update(self, done):
        self.fn(done, self.total)

    def close(self):
        pass


class _Silent:
    def update(self, done):
        pass

    def close(self):
        pass


def reporter(progress, total, desc):
    """The reporter for a `progress=` argument (see the module doc)."""
    if progress is None or progress is False:
        return _Silent()
    if callable(progress):
        return _Callback(progress, total)
    if progress is True:
        try:
            from tqdm.auto import tqdm
        except ImportError:
            return _Bar(total, desc)
        return _Tqdm(tqdm, total, desc)
    raise TypeError(f"progress must be True, False, None or a callable (done, total), "
                    f"got {type(progress).__name__}")


def run_chunks(total, work, progress=None, desc="voc", first=256, most=1 << 16):
    """Calls `work(begin, end)` over [0, total) in chunks sized to take about
    a quarter of a second each (signals are handled between them) and
    reports progress. Returns nothing; `work` keeps its results."""
    rep = reporter(progress, total, desc)
    size = first
    begin = 0
    try:
        rep.update(0)
        while begin < total:
            end = min(total, begin + size)
            t0 = _time.monotonic()
            work(begin, end)
            took = _time.monotonic() - t0
            begin = end
            rep.update(begin)
            if took < _TARGET_SECONDS / 2:
                size = min(most, size * 2)
            elif took > _TARGET_SECONDS * 2:
                size = max(16, size // 2)
    finally:
        rep.close()


def interruptible(fn, *args):
    """Runs `fn(*args)` (a native call that releases the GIL) in a helper
    thread and waits for it in short steps, so that Ctrl-C in the calling
    thread raises KeyboardInterrupt at once (the helper thread finishes its
    call in the background and its result is dropped)."""
    box = {}

    def target():
        try:
            box["value"] = fn(*args)
        except BaseException as e:  # handed over to the caller
            box["error"] = e

    t = _threading.Thread(target=target, name="voc-call", daemon=True)
    t.start()
    while t.is_alive():
        t.join(0.05)
    if "error" in box:
        raise box["error"]
    return box["value"]
