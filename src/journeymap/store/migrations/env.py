"""Alembic's entry point: run the migrations on the connection the store hands us.

Both ``journeymap.store.migrate.upgrade_to_head`` and the developer recipe in that
module's docstring pass an open connection in ``config.attributes["connection"]``; there
is no ``alembic.ini`` and no URL to configure here.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from journeymap.store.tables import metadata


def run_migrations(connection: Connection) -> None:
    """Run the pending migrations inside the caller's transaction."""
    context.configure(
        connection=connection,
        target_metadata=metadata,
        # SQLite cannot ALTER most things; batch mode rebuilds the table instead.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def main() -> None:
    """Alembic's entry point; the connection comes from ``config.attributes``."""
    connection = context.config.attributes.get("connection")
    if context.is_offline_mode() or not isinstance(connection, Connection):
        raise RuntimeError(
            "journeymap migrations run on an open connection: use "
            "journeymap.store.migrate.alembic_config(connection), not the alembic command line."
        )
    run_migrations(connection)


# Alembic executes this file under its own module name; a tool that merely imports the
# package (doctest collection, an import walker) must not start a migration.
if __name__ != "journeymap.store.migrations.env":
    main()
