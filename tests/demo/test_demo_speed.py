"""The default demo (50,000 customers, about a million events) is quick to build."""

from __future__ import annotations

import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from journeymap.demo import generate_demo


@pytest.mark.slow
def test_default_size_takes_well_under_two_minutes(tmp_path: Path) -> None:
    started = time.perf_counter()
    manifest = generate_demo(tmp_path)
    seconds = time.perf_counter() - started
    assert manifest.customers == 50_000
    assert 800_000 <= manifest.events <= 1_300_000
    assert pq.ParquetFile(tmp_path / "data" / "events.parquet").metadata.num_rows == manifest.events
    assert seconds < 120, f"default demo took {seconds:.1f} s"
