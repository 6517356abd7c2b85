"""Fixture files for import tests, and a small demo event log built once per run."""

from __future__ import annotations

from pathlib import Path

import pytest

from journeymap.demo import generate_demo

IMPORT_DATA = Path(__file__).parents[1] / "data" / "import"


@pytest.fixture(scope="session")
def demo_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 500-customer demo (about 11k events): data/events.parquet, data/customers.*."""
    folder = tmp_path_factory.mktemp("demo")
    generate_demo(folder, customers=500)
    return folder
