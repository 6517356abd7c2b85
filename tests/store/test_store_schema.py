"""The schema: migrations build exactly the tables' metadata, SQLite is set up for sharing."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from journeymap.store import Store, StoreError, sqlite_url
from journeymap.store.engine import BUSY_TIMEOUT_MS, create_store_engine, parse_store_url
from journeymap.store.migrate import MIGRATIONS, current_revision, head_revision
from journeymap.store.tables import metadata


def test_migrations_build_exactly_the_metadata(store: Store) -> None:
    with store.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, metadata) == []
        assert current_revision(connection) == head_revision()
        tables = set(sa.inspect(connection).get_table_names())
    assert tables == {table.name for table in metadata.sorted_tables} | {"alembic_version"}


def test_opening_again_keeps_the_data(saved: Store, store_url: str) -> None:
    with Store.open(store_url) as again:
        assert again.load_workspace() == saved.load_workspace()
        assert again.head("online-shopping").number == 1


def test_newer_schema_is_refused_with_advice(store: Store, store_url: str) -> None:
    with store.engine.begin() as connection:
        connection.execute(sa.text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(StoreError, match=r"revision '9999'.*upgrade journeymap"):
        Store.open(store_url)


def test_sqlite_connections_use_wal_foreign_keys_and_a_busy_timeout(tmp_path: Path) -> None:
    with (
        Store.open(sqlite_url(tmp_path / "journeymap.db")) as store,
        store.engine.connect() as connection,
    ):
        pragma = connection.exec_driver_sql
        assert pragma("PRAGMA journal_mode").scalar() == "wal"
        assert pragma("PRAGMA foreign_keys").scalar() == 1
        assert pragma("PRAGMA busy_timeout").scalar() == BUSY_TIMEOUT_MS
    assert (tmp_path / "journeymap.db").exists()


def test_sqlite_url_points_at_the_file(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path / "shop" / "journeymap.db")
    assert url == f"sqlite:///{tmp_path}/shop/journeymap.db"
    assert parse_store_url(url).database == str(tmp_path / "shop" / "journeymap.db")


def test_plain_postgresql_urls_use_psycopg() -> None:
    assert parse_store_url("postgresql://u@db/maps").drivername == "postgresql+psycopg"
    engine = create_store_engine("postgresql://u:secret@db/maps")
    assert engine.dialect.driver == "psycopg"
    engine.dispose()


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("not a url", "is not a database URL"),
        ("mysql://u:secret@db/maps", r"unsupported database 'mysql'.*\*\*\*"),
    ],
)
def test_unusable_urls_say_what_to_use(url: str, message: str) -> None:
    with pytest.raises(StoreError, match=message) as caught:
        Store.open(url)
    assert "sqlite:///path/to/journeymap.db" in str(caught.value)
    assert "secret" not in str(caught.value)


def test_unreachable_database_is_a_store_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match=r"cannot open the store at sqlite:///.*folder exists"):
        Store.open(sqlite_url(tmp_path / "missing-folder" / "journeymap.db"))


def test_migrations_ship_inside_the_package() -> None:
    # hatchling packages everything under src/journeymap; the files must live there.
    assert MIGRATIONS.is_relative_to(Path(__file__).parents[2] / "src" / "journeymap")
    assert (MIGRATIONS / "env.py").is_file()
    assert (MIGRATIONS / "script.py.mako").is_file()
    assert sorted(p.name for p in (MIGRATIONS / "versions").glob("v*.py"))[0].startswith("v0001")


def test_two_processes_opening_a_new_store_at_once_both_succeed(store_url: str) -> None:
    start = threading.Barrier(2)

    def open_store(_: int) -> list[str]:
        start.wait(timeout=5)
        with Store.open(store_url) as store:
            return store.journey_ids()

    with ThreadPoolExecutor(max_workers=2) as pool:
        assert list(pool.map(open_store, range(2))) == [[], []]
