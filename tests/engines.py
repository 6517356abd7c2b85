"""One test suite, every engine: engine tests take ``engine`` and run on DuckDB and PySpark.

The fixtures are registered for the whole suite by ``tests/conftest.py``.

``engine.table(arrow_table)`` registers an Arrow table in the backend and returns the Ibis
table expression, so tests build tiny logs in code and assert the same numbers everywhere.
Spark tests carry the ``spark`` mark; they skip with a reason where Java or PySpark is
missing, and fail instead when CI demands the service (``JOURNEYMAP_REQUIRE_SERVICES``).
"""

from __future__ import annotations

import itertools
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import ibis
import pyarrow as pa
import pytest

from required_services import missing_service

_names = itertools.count()


@dataclass
class Engine:
    """A live Ibis backend for tests."""

    name: str
    backend: Any
    created: list[str] = field(default_factory=list)

    def table(self, data: pa.Table) -> ibis.Table:
        """Register ``data`` as a new table in the backend."""
        # Not "t<n>": Ibis names its CTEs t0, t1, ... and a CTE would shadow the table.
        name = f"jm_test_table_{next(_names)}"
        self.created.append(name)
        if self.name == "pyspark":
            # Ibis cannot make temporary Spark tables; a temp view is the same thing.
            session = self.backend._session
            # From Arrow directly: through pandas, numeric nulls would become NaN.
            session.createDataFrame(data).createOrReplaceTempView(name)
            return self.backend.table(name)
        return self.backend.create_table(name, data, temp=True)


@pytest.fixture(scope="session")
def spark_session() -> Iterator[Any]:
    """One local Spark session for the whole run (starting one takes seconds)."""
    if shutil.which("java") is None:
        missing_service("spark", "no java on PATH (install Java 17)")
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        missing_service("spark", "pyspark is not installed (pip install 'journeymap[spark]')")
    warehouse = tempfile.mkdtemp(prefix="journeymap-spark-")
    session = (
        SparkSession.builder.master("local[2]")
        .appName("journeymap-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.warehouse.dir", warehouse)
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", "2")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()
    shutil.rmtree(warehouse, ignore_errors=True)


@pytest.fixture(params=["duckdb", pytest.param("pyspark", marks=pytest.mark.spark)])
def engine(request: pytest.FixtureRequest) -> Iterator[Engine]:
    """An Ibis backend: in-memory DuckDB, or the shared local Spark session."""
    if request.param == "duckdb":
        backend = ibis.duckdb.connect()
        backend.raw_sql("SET TimeZone = 'UTC'")  # as journeymap.engine does: periods cut in UTC
        yield Engine("duckdb", backend)
        return
    session = request.getfixturevalue("spark_session")
    engine = Engine("pyspark", ibis.pyspark.connect(session))
    yield engine
    for name in engine.created:
        session.catalog.dropTempView(name)
