"""The only package that knows DuckDB, Spark or another Ibis backend by name.

:class:`AnalyticsDatabase` is a workspace's analytics database: a DuckDB file opened
through Ibis, into which :mod:`journeymap.ingest` chunks are imported atomically (no
partial state, no duplicates), or beside which Parquet files and backend tables are
attached in place. ``events_table()`` and ``customers_table()`` give the Ibis tables the
analytics run on. :func:`connect` opens any engine by URL (DuckDB, local PySpark, or
whatever ``ibis.connect`` accepts).

>>> with AnalyticsDatabase.open(database_path(Path("data"))) as db:  # doctest: +SKIP
...     print(db.import_events([read_events("events.parquet")]))
"""

from journeymap.engine.connection import connect, connect_duckdb, connect_spark
from journeymap.engine.database import (
    DATABASE_FILE,
    AnalyticsDatabase,
    ImportSummary,
    Progress,
    database_path,
)
from journeymap.engine.errors import (
    EngineError,
    ImportRejectedError,
    NoEventsError,
    SchemaConflictError,
)
from journeymap.engine.feedback_store import FeedbackImportSummary
from journeymap.engine.sources import SOURCES_FILE, AttachedSource

__all__ = [
    "DATABASE_FILE",
    "SOURCES_FILE",
    "AnalyticsDatabase",
    "AttachedSource",
    "EngineError",
    "FeedbackImportSummary",
    "ImportRejectedError",
    "ImportSummary",
    "NoEventsError",
    "Progress",
    "SchemaConflictError",
    "connect",
    "connect_duckdb",
    "connect_spark",
    "database_path",
]
