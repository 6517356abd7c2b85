"""Fixtures for the analytics database: a fresh workspace data folder and a small demo log."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from journeymap.demo import generate_demo
from journeymap.engine import AnalyticsDatabase, database_path

IMPORT_DATA = Path(__file__).parents[1] / "data" / "import"


@pytest.fixture(scope="session")
def demo_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 500-customer demo (about 11k events): data/events.parquet, data/customers.*."""
    folder = tmp_path_factory.mktemp("demo")
    generate_demo(folder, customers=500)
    return folder


@pytest.fixture
def db(tmp_path: Path) -> Iterator[AnalyticsDatabase]:
    """An empty analytics database in ``<tmp>/workspace/data``."""
    with AnalyticsDatabase.open(database_path(tmp_path / "workspace" / "data")) as database:
        yield database
