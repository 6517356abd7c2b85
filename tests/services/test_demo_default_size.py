"""Acceptance: `journeymap demo` builds the default workspace in under two minutes.

This is a generous ceiling, not a speed claim; the measured figures live in
``benchmarks/demo_generation.py``.
"""

from __future__ import annotations

import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from journeymap.services import build_demo


@pytest.mark.slow
def test_default_size_builds_well_under_two_minutes(tmp_path: Path) -> None:
    started = time.perf_counter()
    result = build_demo(tmp_path / "demo")
    seconds = time.perf_counter() - started
    manifest = result.manifest
    assert manifest.customers == 50_000
    assert 800_000 <= manifest.events <= 1_300_000
    events = pq.ParquetFile(tmp_path / "demo" / "data" / "events.parquet")
    assert events.metadata.num_rows == manifest.events
    assert len(result.workspace.journeys) == 3
    assert seconds < 120, f"the default demo took {seconds:.1f} s"
