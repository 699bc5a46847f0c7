"""Long calls: progress reports and Ctrl-C (KeyboardInterrupt) within about
a second."""
import os
import signal
import threading
import time

import pandas as pd
import pytest

import voc
import voc.pandas as vp
from voc import _progress

TEXTS = ["Charged twice for the same order and nobody answers the phone!",
         "great service, thank you", "my parcel is late again, third time I call",
         "refund still not processed after 3 weeks"]


def test_progress_callback_sees_every_row(analyzer):
    texts = TEXTS * 500
    seen = []
    out = analyzer.analyze_many(texts, threads=2, progress=lambda d, t: seen.append((d, t)))
    assert len(out) == len(texts)
    assert seen[0] == (0, len(texts)) and seen[-1] == (len(texts), len(texts))
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    assert [a.to_json() for a in out[:8]] == [analyzer.analyze(t).to_json() for t in texts[:8]]
    frame_seen = []
    vp.analyze_frame(pd.DataFrame({"text": texts}), analyzer=analyzer,
                     progress=lambda d, t: frame_seen.append(d))
    assert frame_seen[-1] == len(texts)


def test_progress_bar_on_stderr_without_tqdm(analyzer, capsys, monkeypatch):
    import builtins
    real_import = builtins.__import__

    def no_tqdm(name, *args, **kwargs):
        if name.startswith("tqdm"):
            raise ImportError("no tqdm")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_tqdm)
    analyzer.analyze_many(TEXTS * 50, progress=True)
    err = capsys.readouterr().err
    assert "analyze: 100% |" in err and "200/200" in err and err.endswith("\n")
    with pytest.raises(TypeError, match="progress must be True, False, None or a callable"):
        analyzer.analyze_many(TEXTS, progress="yes")


def _interrupt_after(seconds):
    timer = threading.Timer(seconds, os.kill, (os.getpid(), signal.SIGINT))
    timer.start()
    return timer


@pytest.mark.skipif(threading.current_thread() is not threading.main_thread(),
                    reason="signals reach the main thread only")
def test_ctrl_c_interrupts_analyze_many_within_a_second(analyzer):
    texts = TEXTS * 100_000  # far more than a second of work
    done = []
    timer = _interrupt_after(0.5)
    start = time.monotonic()
    try:
        with pytest.raises(KeyboardInterrupt):
            analyzer.analyze_many(texts, threads=1, progress=lambda d, t: done.append(d))
    finally:
        timer.cancel()
    took = time.monotonic() - start
    assert done[-1] < len(texts)
    assert took < 0.5 + 1.5, took


@pytest.mark.skipif(threading.current_thread() is not threading.main_thread(),
                    reason="signals reach the main thread only")
def test_ctrl_c_interrupts_analyze_frame_and_native_waits(analyzer):
    df = pd.DataFrame({"text": TEXTS * 100_000})
    timer = _interrupt_after(0.5)
    start = time.monotonic()
    try:
        with pytest.raises(KeyboardInterrupt):
            vp.analyze_frame(df, analyzer=analyzer, threads=1)
    finally:
        timer.cancel()
    assert time.monotonic() - start < 2.0
    import gc
    assert gc.isenabled()  # turned off during the conversion only
    # A native call that cannot be split (findings, training) is waited for
    # in a helper thread, so Ctrl-C returns at once.
    timer = _interrupt_after(0.2)
    start = time.monotonic()
    try:
        with pytest.raises(KeyboardInterrupt):
            _progress.interruptible(time.sleep, 5)
    finally:
        timer.cancel()
    assert time.monotonic() - start < 1.5
    with pytest.raises(ZeroDivisionError):
        _progress.interruptible(lambda: 1 / 0)
