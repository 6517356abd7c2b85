"""Events attached from a local Spark warehouse by URL give the numbers DuckDB gives.

``pyspark:///path/to/warehouse`` names a warehouse folder. A table the running session
knows is read through its catalog; one an earlier session wrote (Spark's default catalog
is in memory, so only the folder is left) is read from ``<warehouse>/<table>``.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from journeymap.analytics import FunnelStep, funnel, match_touchpoints, reach
from journeymap.engine import AnalyticsDatabase, database_path
from journeymap.ingest import read_events
from journeymap.model import EventRule, Journey, Stage, Touchpoint

pytestmark = pytest.mark.spark

JOURNEY = Journey(
    id="j",
    name="J",
    persona="p",
    stages=[
        Stage(id="browse", name="Browse", touchpoints=[
            Touchpoint(id="view", name="View", event_rule=EventRule(events=["view"])),
        ]),
        Stage(id="buy", name="Buy", touchpoints=[
            Touchpoint(id="cart", name="Cart", event_rule=EventRule(events=["cart"])),
            Touchpoint(id="pay", name="Pay", event_rule=EventRule(events=["pay"])),
        ]),
    ],
)  # fmt: skip
STEPS = [FunnelStep(name, events=name) for name in ("view", "cart", "pay")]
WINDOW = dt.timedelta(hours=3)


def _events() -> pa.Table:
    """Six customers who get different distances down view -> cart -> pay."""
    paths = {
        "a": ["view", "cart", "pay"],
        "b": ["view", "cart"],
        "c": ["view"],
        "d": ["cart", "view", "pay"],  # pays after a view but never carts after it
        "e": ["view", "cart", "login", "pay"],
        "f": ["view", "cart", "pay", "view"],
    }
    start = dt.datetime(2025, 3, 1, 9, tzinfo=dt.UTC)
    rows = [
        (customer, start + dt.timedelta(minutes=50 * i), event)
        for customer, events in paths.items()
        for i, event in enumerate(events)
    ]
    customers, times, names = zip(*rows, strict=True)
    return pa.table(
        {
            "event_id": [f"e{i}" for i in range(len(rows))],
            "customer_id": list(customers),
            "ts": pa.array(times, pa.timestamp("us", tz="UTC")),
            "event": list(names),
            "channel": ["web"] * len(rows),
        }
    )


@pytest.fixture
def spark(spark_session: Any) -> Any:
    """The suite's shared local Spark session (``tests/engines.py``)."""
    return spark_session


def _warehouse(session: Any) -> Path:
    """The running session's warehouse folder (it may predate this module's fixture)."""
    return Path(urlparse(session.conf.get("spark.sql.warehouse.dir")).path)


def _numbers(db: AnalyticsDatabase) -> tuple[object, ...]:
    """Funnel and reach as the workspace computes them on its events."""
    events = db.events_table()
    steps = funnel(events, STEPS, window=WINDOW).steps
    touched = reach(match_touchpoints(events, JOURNEY), JOURNEY)
    return (
        [(s.name, s.customers, s.conversion_from_previous) for s in steps],
        [(r.id, r.customers, r.events, r.share) for r in touched.rows_],
    )


def _per_event(db: AnalyticsDatabase) -> list[dict[str, object]]:
    events = db.events_table()
    counted = events.group_by("event").agg(n=events.count(), first=events.ts.min())
    rows: list[dict[str, object]] = counted.order_by("event").to_pyarrow().to_pylist()
    return rows


@pytest.fixture(scope="module")
def duckdb_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AnalyticsDatabase]:
    """The same events imported into a DuckDB workspace: the reference numbers."""
    folder = tmp_path_factory.mktemp("duckdb")
    pq.write_table(_events(), folder / "events.parquet")
    with AnalyticsDatabase.open(database_path(folder / "data")) as db:
        db.import_events([read_events(folder / "events.parquet")])
        yield db


def test_a_catalog_table_attached_by_url_gives_the_duckdb_numbers(
    spark: Any, duckdb_db: AnalyticsDatabase, tmp_path: Path
) -> None:
    spark.createDataFrame(_events()).write.format("parquet").saveAsTable("jm_attach_catalog")
    url = f"pyspark://{_warehouse(spark)}"
    try:
        with AnalyticsDatabase.open(database_path(tmp_path / "data")) as db:
            source = db.attach_events(url, table="jm_attach_catalog")
            numbers = _numbers(db)
            engine = db.events_table()._find_backend().name
    finally:
        spark.sql("DROP TABLE IF EXISTS jm_attach_catalog")

    assert source.describe() == f"table jm_attach_catalog at {url}"
    assert engine == "pyspark"
    assert numbers == _numbers(duckdb_db)
    assert numbers[0] == [("view", 6, 1.0), ("cart", 4, 4 / 6), ("pay", 3, 3 / 4)]


def test_a_table_an_earlier_session_wrote_is_read_from_its_folder(
    spark: Any, duckdb_db: AnalyticsDatabase, tmp_path: Path
) -> None:
    # Files in the warehouse but no catalog entry: what a new session finds after a restart.
    folder = _warehouse(spark) / "jm_attach_files"
    spark.createDataFrame(_events()).write.parquet(str(folder))
    try:
        with AnalyticsDatabase.open(database_path(tmp_path / "data")) as db:
            db.attach_events(f"pyspark://{_warehouse(spark)}", table="jm_attach_files")
            counted = _per_event(db)
    finally:
        spark.catalog.dropTempView("jm_attach_files")
        shutil.rmtree(folder, ignore_errors=True)

    assert counted == _per_event(duckdb_db)
    assert [row["n"] for row in counted] == [5, 1, 4, 7]  # cart, login, pay, view
