"""The reader options of the Python calls that read files (read_records,
read_conversations, voc.dask), named as the CLI's input flags."""

from . import _voc


def reader_options(text_col="text", id_col=None, time_col=None, channel_col=None,
                   customer_col=None, format="auto", delimiter=None, max_record_bytes=None):
    """A native ReaderOptions: --format, --text-col, --id-col, --time-col,
    --channel-col, --customer-col, --delimiter, --max-record-bytes (None:
    the reader's default; a column None or "": not read)."""
    o = _voc.ReaderOptions()
    o.format = format
    o.text_column = text_col
    o.id_column = id_col or ""
    o.time_column = time_col or ""
    o.channel_column = channel_col or ""
    o.customer_column = customer_col or ""
    if delimiter is not None:
        o.delimiter = delimiter
    if max_record_bytes is not None:
        o.max_record_bytes = max_record_bytes
    return o


def read_chunked(source, options, progress=None):
    """Reads all records of `source` (a path or bytes) in steps of about a
    quarter of a second, so that Ctrl-C is raised between them; `progress`
    (see voc._progress) counts bytes of the input (uncompressed bytes of a
    gzip input, whose total is then known at the end only). Returns
    (records, rejects, stats) as _voc.read_records does."""
    import os
    import time
    from . import _progress
    stream = _voc.RecordStream(source, options)
    if isinstance(source, bytes):
        gz, total = source[:2] == b"\x1f\x8b", len(source)
    else:
        with open(source, "rb") as f:
            gz = f.read(2) == b"\x1f\x8b"
        total = os.path.getsize(source)
    rep = _progress.reporter(progress, total, "read")
    records, rejects = [], []
    size = 4096
    try:
        rep.update(0)
        ended = False
        while not ended:
            t0 = time.monotonic()
            got, rj, ended = stream.read(size)
            records.extend(got)
            rejects.extend(rj)
            took = time.monotonic() - t0
            if not gz:
                rep.update(min(total, stream.stats["bytes"]))
            if took < 0.1:
                size = min(1 << 18, size * 2)
            elif took > 0.5:
                size = max(256, size // 2)
        rep.update(total)
    finally:
        rep.close()
    return records, rejects, stream.stats
