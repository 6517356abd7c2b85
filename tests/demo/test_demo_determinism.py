"""The same seed and size give byte-identical files; another seed gives other data."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
from demo_files import DEMO_CUSTOMERS, DEMO_SEED, GeneratedDemo

from journeymap.demo import generate_demo
from journeymap.demo.generate import FILES

ALL_FILES = [*FILES.values(), "manifest.json"]


def test_same_seed_gives_identical_files(demo: GeneratedDemo, tmp_path: Path) -> None:
    again = generate_demo(tmp_path, customers=DEMO_CUSTOMERS, seed=DEMO_SEED)
    assert again == demo.manifest
    for relative in ALL_FILES:
        assert (tmp_path / relative).read_bytes() == (demo.root / relative).read_bytes(), relative


def test_another_seed_gives_other_data(tmp_path: Path) -> None:
    first = generate_demo(tmp_path / "a", customers=2_000, seed=1)
    second = generate_demo(tmp_path / "b", customers=2_000, seed=2)
    assert first.events != second.events
    for relative in ("data/events.parquet", "data/customers.parquet"):
        a = pq.read_table(tmp_path / "a" / relative)
        b = pq.read_table(tmp_path / "b" / relative)
        assert a.schema == b.schema
        assert not a.equals(b), relative
    emails_a = pq.read_table(tmp_path / "a" / "data/customers.parquet").column("email")
    emails_b = pq.read_table(tmp_path / "b" / "data/customers.parquet").column("email")
    assert emails_a.to_pylist() != emails_b.to_pylist()
