"""Bring a database's schema to the newest migration, from code: no ``alembic.ini`` needed.

The migrations ship inside the package (``journeymap/store/migrations``), so an installed
journeymap can create or upgrade any store it opens. To write a new revision after
changing ``tables.py``, autogenerate it against a store at the previous head, name the
file ``vNNNN_what.py`` and review it by hand::

    import sqlalchemy as sa
from alembic import command
    from journeymap.store import Store
    from journeymap.store.migrate import alembic_config

    with Store.open("sqlite:////tmp/scratch.db") as store, store.engine.begin() as c:
        command.revision(alembic_config(c), message="add x", autogenerate=True, rev_id="0002")
"""

from __future__ import annotations

import threading
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy.engine import Connection, Engine

from journeymap.store.engine import describe_url, writer
from journeymap.store.errors import StoreError

MIGRATIONS = Path(__file__).parent / "migrations"

_LOCK_KEY = 0x6A6D6170  # "jmap": the advisory lock that serialises schema upgrades
_ONE_MIGRATION_PER_PROCESS = threading.Lock()


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic configuration for our migrations, optionally bound to an open connection."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        # env.py runs the migrations on this connection instead of opening its own.
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The newest migration this version of journeymap knows."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:  # pragma: no cover - the package always ships its migrations
        raise StoreError(f"no migrations found in {MIGRATIONS}; reinstall journeymap")
    return head


def current_revision(connection: Connection) -> str | None:
    """The migration the database is at (``None`` for an empty database)."""
    return MigrationContext.configure(connection).get_current_revision()


def upgrade_to_head(engine: Engine) -> None:
    """Create the schema in an empty database or upgrade an older one, in one transaction.

    Opening a store that is already at the head only reads, so readers never queue for
    the write lock. Two processes upgrading at once (web workers starting together) take
    turns: SQLite's write transaction locks the file, PostgreSQL takes an advisory lock.
    Within one process, threads take turns too, because Alembic's ``context`` and ``op``
    are process-wide; that lock is taken before any database lock, never after, so the
    two kinds of lock cannot deadlock.
    """
    with engine.connect() as connection:
        if current_revision(connection) == head_revision():
            return
    with _ONE_MIGRATION_PER_PROCESS, writer(engine).begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})
        at = current_revision(connection)
        if at == head_revision():
            return
        try:
            command.upgrade(alembic_config(connection), "head")
        except CommandError as error:
            raise StoreError(
                f"cannot upgrade the store at {describe_url(engine)}: its schema is at "
                f"revision {at!r}, which this journeymap does not know ({error}). "
                "It was probably written by a newer journeymap; upgrade journeymap."
            ) from None
