"""Shared fixtures: store URLs for every database we support, and service requirements.

Tests that need an outside service (PostgreSQL today; Chromium and Java later) skip with
a clear reason when it is missing on a developer's machine. CI sets
``JOURNEYMAP_REQUIRE_SERVICES`` (comma-separated, e.g. ``postgresql``) and then a missing
service fails the run instead of skipping, so nothing silently goes untested.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest

from engines import engine, spark_session  # noqa: F401  (fixtures for every test folder)
from required_services import missing_service

pytest_plugins = ["browser_fixtures"]  # browser, page: headless Chromium (tests/browser.py)

POSTGRESQL_ADMIN_URL = os.environ.get(
    "JOURNEYMAP_TEST_POSTGRESQL_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


def _postgresql_admin_connection():  # type: ignore[no-untyped-def]
    try:
        import psycopg
    except ImportError:
        missing_service("postgresql", "psycopg is not installed (pip install 'journeymap[dev]')")
    dsn = POSTGRESQL_ADMIN_URL.replace("postgresql+psycopg://", "postgresql://")
    try:
        return psycopg.connect(dsn, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as error:
        missing_service("postgresql", f"cannot connect to {dsn}: {error}".strip())


@pytest.fixture
def postgresql_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test; dropped afterwards."""
    admin = _postgresql_admin_connection()
    name = f"journeymap_test_{uuid.uuid4().hex[:12]}"
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        base = POSTGRESQL_ADMIN_URL.rsplit("/", 1)[0]
        try:
            yield f"{base}/{name}"
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: os.PathLike[str]) -> str:
    """A database URL for an empty store, on every database we support."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/journeymap.db"
    request.applymarker(pytest.mark.postgresql)
    url: str = request.getfixturevalue("postgresql_url")
    return url


@pytest.fixture(autouse=True)
def isolated_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """A developer's own workspace settings must not leak into tests."""
    for name in ("JOURNEYMAP_DATABASE_URL", "JOURNEYMAP_WORKSPACE", "JOURNEYMAP_AUTHOR"):
        monkeypatch.delenv(name, raising=False)
