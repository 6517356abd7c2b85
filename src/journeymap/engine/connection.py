"""Connections to analytics engines by URL: DuckDB (the default), local PySpark, any Ibis backend.

``duckdb:///path/to/file.duckdb`` (or ``duckdb://`` for memory) opens DuckDB with the
session time zone set to UTC, so timestamps print and group the same everywhere.
``pyspark://local[2]`` starts a local Spark session (no web UI, bound to 127.0.0.1, UTC
session time zone, a temporary warehouse folder); ``pyspark:///path/to/warehouse`` (Ibis's
form: the path is the warehouse folder) does the same on that warehouse. A process has
one Spark session: a later URL reuses the running one. Anything else goes to
``ibis.connect`` (``postgres://...``, ``clickhouse://...``, ...).

Spark's default catalog lives in memory, so a new session knows none of the tables an
earlier one wrote into a local warehouse; :func:`open_table` reads such a table from its
folder, ``<warehouse>/<table>`` (Parquet, Spark's default table format).

>>> backend = connect("duckdb://")  # doctest: +SKIP
>>> events = open_table("pyspark:///data/warehouse", "events")  # doctest: +SKIP
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import ibis
from ibis.backends import BaseBackend

_SPARK_MASTER = "local[2]"


def connect(url: str) -> BaseBackend:
    """An Ibis backend for ``url`` (see the module docstring)."""
    scheme, separator, rest = url.partition("://")
    if not separator:
        raise ValueError(
            f"not a connection URL: {url!r}; use e.g. duckdb:///path/file.duckdb, "
            "pyspark://local[2] or any URL ibis.connect understands"
        )
    if scheme == "duckdb":
        return connect_duckdb(Path(rest) if rest else None)
    if scheme == "pyspark":
        warehouse = _spark_warehouse(url)
        if warehouse is not None:
            return connect_spark(_SPARK_MASTER, warehouse=warehouse)
        return connect_spark(rest or _SPARK_MASTER)
    return ibis.connect(url)


def open_table(url: str, name: str) -> ibis.Table:
    """Table ``name`` of the backend at ``url``; a local Spark warehouse's table by its folder.

    Raises the backend's own error when there is no such table.
    """
    backend = connect(url)
    warehouse = _spark_warehouse(url)
    if warehouse is None or name in backend.list_tables() or not (warehouse / name).is_dir():
        return backend.table(name)
    # A table written by an earlier Spark session: its files outlive the in-memory catalog.
    return backend.read_parquet(str(warehouse / name), table_name=name)


def _spark_warehouse(url: str) -> Path | None:
    """The warehouse folder of a ``pyspark:///path`` URL, else ``None``."""
    scheme, _, rest = url.partition("://")
    return Path(rest) if scheme == "pyspark" and rest.startswith("/") else None


def connect_duckdb(path: Path | None, *, memory_limit: str | None = None) -> BaseBackend:
    """DuckDB on ``path`` (in memory when ``None``), session time zone UTC."""
    backend = ibis.duckdb.connect(":memory:" if path is None else str(path))
    backend.raw_sql("SET TimeZone = 'UTC'")
    if memory_limit is not None:
        backend.raw_sql(f"SET memory_limit = '{memory_limit}'")
    return backend


def connect_spark(master: str, *, warehouse: Path | None = None) -> BaseBackend:
    """A local Spark session through Ibis (needs ``pip install 'journeymap[spark]'`` and Java 17).

    The warehouse is a new temporary folder unless one is given. When the process already
    runs a Spark session, that session is used as it is (Spark keeps one per process).
    """
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise ImportError(
            "PySpark is not installed; pip install 'journeymap[spark]' (and Java 17)"
        ) from None
    folder = (
        str(warehouse) if warehouse is not None else tempfile.mkdtemp(prefix="journeymap-spark-")
    )
    builder: Any = SparkSession.builder
    session = (
        builder.master(master)
        .appName("journeymap")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.warehouse.dir", folder)
        .getOrCreate()
    )
    return ibis.pyspark.connect(session)
