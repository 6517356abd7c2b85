"""Customers upsert by id; attached sources are read in place with the same counts as imports."""

from __future__ import annotations

import json
from pathlib import Path

import ibis
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from journeymap.engine import AnalyticsDatabase, EngineError, NoEventsError, connect, database_path
from journeymap.ingest import ColumnMapping, read_customers, read_events


def test_customers_upsert_by_id(db: AnalyticsDatabase, tmp_path: Path) -> None:
    first = tmp_path / "customers.csv"
    first.write_text("customer_id,country,tier\nc1,DE,gold\nc2,FR,silver\n")
    second = tmp_path / "update.csv"
    second.write_text("customer_id,tier,age\nc2,gold,31\nc3,bronze,22\nc3,silver,23\n")

    one = db.import_customers([read_customers(first)])
    two = db.import_customers([read_customers(second)])

    assert (one.rows_imported, one.rows_updated) == (2, 0)
    assert (two.rows_imported, two.rows_updated, two.duplicates_skipped) == (1, 1, 1)
    rows = db.customers_table().order_by("customer_id").to_pyarrow().to_pylist()
    assert rows == [
        {"customer_id": "c1", "country": "DE", "tier": "gold", "age": None},
        {"customer_id": "c2", "country": "FR", "tier": "gold", "age": 31},
        {"customer_id": "c3", "country": None, "tier": "silver", "age": 23},
    ]


def test_demo_customers_import(db: AnalyticsDatabase, demo_folder: Path) -> None:
    summary = db.import_customers([read_customers(demo_folder / "data" / "customers.parquet")])
    assert summary.rows_imported == 500
    assert summary.rejected == 0
    assert db.customers_table().count().execute() == 500


def test_attached_parquet_gives_the_same_counts_as_import(
    demo_folder: Path, tmp_path: Path
) -> None:
    path = demo_folder / "data" / "events.parquet"
    with AnalyticsDatabase.open(database_path(tmp_path / "imported" / "data")) as imported:
        imported.import_events([read_events(path)])
        expected = per_event(imported.events_table())
    with AnalyticsDatabase.open(database_path(tmp_path / "attached" / "data")) as attached:
        source = attached.attach_events(path)
        events = attached.events_table()
        counted = per_event(events)

        assert source.kind == "parquet"
        assert counted.equals(expected)
        assert events.schema() == imported_schema(tmp_path)
        recorded = json.loads((attached.folder / "sources.json").read_text())
        assert recorded["events"]["location"] == str(path.absolute())


def per_event(events: ibis.Table) -> pa.Table:
    return events.group_by("event").agg(n=events.count()).order_by("event").to_pyarrow()


def imported_schema(tmp_path: Path) -> object:
    with AnalyticsDatabase.open(database_path(tmp_path / "imported" / "data")) as db:
        return db.events_table().schema()


def test_attach_maps_columns_and_fills_the_canonical_ones(tmp_path: Path) -> None:
    workspace = tmp_path / "ws"
    parts = workspace / "lake"
    parts.mkdir(parents=True)
    for number in range(2):
        pq.write_table(
            pa.table(
                {
                    "case": [f"c{number}", f"c{number}"],
                    "time": pa.array(
                        [1_700_000_000_000_000, 1_700_000_100_000_000], pa.timestamp("us")
                    ),
                    "activity": ["open", "close"],
                }
            ),
            parts / f"part-{number}.parquet",
        )
    with AnalyticsDatabase.open(database_path(workspace / "data")) as db:
        db.attach_events(
            str(parts / "*.parquet"),
            mapping=ColumnMapping(customer="case", ts="time", event="activity"),
        )
        events = db.events_table()

        assert events.columns == ("event_id", "customer_id", "ts", "event", "channel")
        assert events.count().execute() == 4
        assert events.ts.type().timezone == "UTC"
        # Stored relative to the workspace, so the workspace can move with its data.
        assert db.attached()["events"].location == "lake/*.parquet"

        with pytest.raises(EngineError, match=r"events are attached from parquet lake/\*\.parquet"):
            db.import_events(
                [read_events(parts / "part-0.parquet", mapping=ColumnMapping(customer="case"))]
            )
        db.detach("events")
        with pytest.raises(NoEventsError):
            db.events_table()


def test_attach_a_table_of_another_backend_by_url(tmp_path: Path) -> None:
    other = tmp_path / "warehouse.duckdb"
    backend = connect(f"duckdb://{other}")
    backend.create_table(
        "clicks",
        pa.table(
            {
                "customer_id": ["a"],
                "ts": pa.array([0], pa.timestamp("us", tz="UTC")),
                "event": ["click"],
            }
        ),
    )
    backend.disconnect()
    with AnalyticsDatabase.open(database_path(tmp_path / "ws" / "data")) as db:
        db.attach_events(f"duckdb://{other}", table="clicks")
        assert db.events_table().event.to_pyarrow().to_pylist() == ["click"]


def test_attach_refuses_a_source_without_the_required_columns(
    db: AnalyticsDatabase, tmp_path: Path
) -> None:
    path = tmp_path / "odd.parquet"
    pq.write_table(pa.table({"who": ["a"], "what": ["b"]}), path)
    with pytest.raises(EngineError, match="has no customer_id, ts, event column"):
        db.attach_events(path)
    assert db.attached() == {}


def test_connect_urls() -> None:
    backend = connect("duckdb://")
    assert backend.con.execute("SELECT current_setting('TimeZone')").fetchall() == [("UTC",)]
    with pytest.raises(ValueError, match="not a connection URL"):
        connect("events.duckdb")
