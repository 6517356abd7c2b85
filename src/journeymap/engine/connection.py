"""Connections to analytics engines by URL: DuckDB (the default), local PySpark, any Ibis backend.

``duckdb:///path/to/file.duckdb`` (or ``duckdb://`` for memory) opens DuckDB with the
session time zone set to UTC, so timestamps print and group the same everywhere.
``pyspark://local[2]`` starts a local Spark session (no web UI, bound to 127.0.0.1, UTC
session time zone, a temporary warehouse folder). Anything else goes to ``ibis.connect``
(``postgres://...``, ``clickhouse://...``, ...).

>>> backend = connect("duckdb://")  # doctest: +SKIP
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import ibis
from ibis.backends import BaseBackend


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
        return connect_spark(rest or "local[2]")
    return ibis.connect(url)


def connect_duckdb(path: Path | None, *, memory_limit: str | None = None) -> BaseBackend:
    """DuckDB on ``path`` (in memory when ``None``), session time zone UTC."""
    backend = ibis.duckdb.connect(":memory:" if path is None else str(path))
    backend.raw_sql("SET TimeZone = 'UTC'")
    if memory_limit is not None:
        backend.raw_sql(f"SET memory_limit = '{memory_limit}'")
    return backend


def connect_spark(master: str) -> BaseBackend:
    """A local Spark session through Ibis (needs ``pip install 'journeymap[spark]'`` and Java 17)."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise ImportError(
            "PySpark is not installed; pip install 'journeymap[spark]' (and Java 17)"
        ) from None
    warehouse = tempfile.mkdtemp(prefix="journeymap-spark-")
    builder: Any = SparkSession.builder
    session = (
        builder.master(master)
        .appName("journeymap")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.warehouse.dir", warehouse)
        .getOrCreate()
    )
    return ibis.pyspark.connect(session)
