"""Fixtures for the voc Python tests. Run through ctest (`ctest -R python`),
which puts the built package on PYTHONPATH and VOC_MODELS_DIR on the
source models/ folder."""
import os
import pathlib

import pytest

SOURCE_DIR = pathlib.Path(os.environ.get("VOC_SOURCE_DIR",
                                         pathlib.Path(__file__).resolve().parents[2]))
CFPB = SOURCE_DIR / "examples" / "data" / "cfpb_complaints.csv.gz"


@pytest.fixture(scope="session")
def source_dir():
    return SOURCE_DIR


@pytest.fixture(scope="session")
def analyzer():
    import voc
    return voc.Analyzer()


@pytest.fixture(scope="session")
def cfpb_frame():
    """The first 500 rows of the bundled CFPB sample, every column as text."""
    import pandas as pd
    return pd.read_csv(CFPB, dtype=str, keep_default_na=False, nrows=500)


@pytest.fixture(scope="session")
def cfpb_analyses(cfpb_frame, analyzer):
    import voc.pandas
    records = voc.pandas.frame_records(cfpb_frame, text_col="text", time_col="date",
                                       id_col="id", channel_col="channel")
    return analyzer.analyze_many(records, threads=0)


def counts(serialized):
    """A serialized aggregate without its "sources": an aggregate merged from
    saved partials lists their identities, one pass lists its own."""
    import json
    if hasattr(serialized, "serialize"):
        serialized = serialized.serialize()
    data = json.loads(serialized)
    data.pop("sources", None)
    return data
