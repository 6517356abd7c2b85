"""Store URLs and the SQLAlchemy engine: the only place that knows SQLite from PostgreSQL.

SQLite needs three things a server database gives for free, set on every new connection:

* ``journal_mode=WAL`` so readers (the web app, a second CLI) never block the writer;
* ``foreign_keys=ON`` because SQLite ignores foreign keys unless asked, per connection;
* a busy timeout, so a writer waits for another writer instead of failing at once.

It also needs us to emit ``BEGIN`` ourselves: the sqlite3 driver's legacy mode starts
transactions late (not before a SELECT), which breaks read-then-write consistency and
transactional DDL. Write transactions begin ``IMMEDIATE``: they take the write lock
before reading the head version, so two writers queue up instead of one failing with
"database is locked" after it read a snapshot that another writer has since replaced.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import URL, Connection, Engine
from sqlalchemy.exc import ArgumentError

from journeymap.store.errors import StoreError

BUSY_TIMEOUT_MS = 30_000
"""How long a SQLite writer waits for another one before giving up."""

_BEGIN_OPTION = "journeymap_sqlite_begin"
_SUPPORTED = "sqlite:///path/to/journeymap.db or postgresql+psycopg://user@host/database"


def sqlite_url(path: Path) -> str:
    """The store URL of a SQLite file (``sqlite:////abs/path/journeymap.db``)."""
    return f"sqlite:///{path}"


def parse_store_url(url: str) -> URL:
    """Parse and normalise a store URL; plain ``postgresql://`` means the psycopg 3 driver."""
    try:
        parsed = sa.make_url(url)
    except ArgumentError:
        raise StoreError(f"{url!r} is not a database URL. Use {_SUPPORTED}.") from None
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise StoreError(
            f"unsupported database {parsed.get_backend_name()!r} in "
            f"{parsed.render_as_string(hide_password=True)!r}. Use {_SUPPORTED}."
        )
    return parsed


def create_store_engine(url: str) -> Engine:
    """An engine for the store at ``url``, with the SQLite settings above applied."""
    parsed = parse_store_url(url)
    engine = sa.create_engine(parsed)
    if parsed.get_backend_name() == "sqlite":
        sa.event.listen(engine, "connect", _configure_sqlite_connection)
        sa.event.listen(engine, "begin", _begin_sqlite_transaction)
    return engine


def writer(engine: Engine) -> Engine:
    """The same engine, but its transactions take SQLite's write lock when they begin."""
    return engine.execution_options(**{_BEGIN_OPTION: "IMMEDIATE"})


def describe_url(engine: Engine) -> str:
    """The engine's URL for messages, password hidden."""
    return engine.url.render_as_string(hide_password=True)


def _configure_sqlite_connection(dbapi_connection: Any, _record: object) -> None:
    # The driver must not issue BEGIN itself; _begin_sqlite_transaction does.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        _use_write_ahead_log(cursor)
        cursor.execute("PRAGMA foreign_keys = ON")
    finally:
        cursor.close()


def _use_write_ahead_log(cursor: Any) -> None:
    """Switch the file to WAL once; the mode is stored in the file and outlives connections.

    Switching needs the file to itself, and SQLite answers "database is locked" at once,
    without waiting out the busy timeout, when another connection opens the new file at
    the same moment (two workers starting together). So retry until the timeout.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            if cursor.execute("PRAGMA journal_mode").fetchone()[0] in ("wal", "memory"):
                return
            cursor.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


def _begin_sqlite_transaction(connection: Connection) -> None:
    mode = connection.get_execution_options().get(_BEGIN_OPTION, "DEFERRED")
    connection.exec_driver_sql(f"BEGIN {mode}")
