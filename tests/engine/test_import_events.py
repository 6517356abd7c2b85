"""Importing events: zero rejects on the demo, no duplicates, all-or-nothing, rejects files."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from conftest import IMPORT_DATA
from journeymap.engine import (
    AnalyticsDatabase,
    ImportRejectedError,
    NoEventsError,
    SchemaConflictError,
)
from journeymap.ingest import ColumnMapping, IngestError, PropertyType, read_events

AMOUNT_IS_FLOAT = ColumnMapping(types={"amount": PropertyType.FLOAT})


def snapshot(db: AnalyticsDatabase) -> pa.Table:
    """The whole events table in a stable order, to compare before and after."""
    return db.events_table().order_by("event_id").to_pyarrow()


def test_the_demo_log_imports_with_zero_rejects(db: AnalyticsDatabase, demo_folder: Path) -> None:
    path = demo_folder / "data" / "events.parquet"
    original = pq.read_table(path)
    seen: list[tuple[str, int, int | None]] = []

    summary = db.import_events(
        [read_events(path, batch_rows=3000)], progress=lambda *call: seen.append(call)
    )

    assert summary.rejected == 0
    assert summary.rejects_file is None
    assert summary.rows_read == summary.rows_imported == original.num_rows
    assert summary.files == 1
    assert summary.duplicates_skipped == 0
    events = db.events_table()
    assert events.count().execute() == original.num_rows
    assert events.columns[:5] == ("event_id", "customer_id", "ts", "event", "channel")
    assert events.customer_id.nunique().execute() == len(
        set(original.column("customer_id").to_pylist())
    )
    assert seen[-1] == ("store", original.num_rows, original.num_rows)
    assert [call[1] for call in seen if call[0] == "read"][-1] == path.stat().st_size


def test_reimporting_never_duplicates(db: AnalyticsDatabase) -> None:
    path = IMPORT_DATA / "running-example.xes"
    first = db.import_events([read_events(path)])
    before = snapshot(db)

    again = db.import_events([read_events(path), read_events(path)])

    assert first.rows_imported == 42
    assert again.rows_imported == 0
    assert again.duplicates_skipped == 84
    assert again.files == 2
    assert snapshot(db).equals(before)


def test_content_hash_ids_are_stable_and_skip_identical_rows(
    db: AnalyticsDatabase, tmp_path: Path
) -> None:
    path = tmp_path / "twice.csv"
    path.write_text(
        "customer_id,ts,event,plan\n"
        "c1,2024-01-01T00:00:00Z,visit,pro\n"
        "c1,2024-01-01T00:00:00Z,visit,pro\n"
        "c1,2024-01-01T00:00:00Z,visit,free\n"
    )

    summary = db.import_events([read_events(path)])

    assert summary.rows_imported == 2
    assert summary.duplicates_skipped == 1
    ids = db.events_table().event_id.to_pyarrow().to_pylist()
    assert len(set(ids)) == 2
    assert all(len(event_id) == 32 for event_id in ids)


def test_broken_csv_imports_the_good_rows_and_writes_the_rejects_file(
    db: AnalyticsDatabase,
) -> None:
    summary = db.import_events(
        [read_events(IMPORT_DATA / "events_broken.csv", mapping=AMOUNT_IS_FLOAT)]
    )

    assert (summary.rows_read, summary.rows_imported, summary.rejected) == (13, 5, 8)
    assert summary.rejects_file is not None
    assert summary.rejects_file.parent == db.folder / "rejects"
    assert summary.rejects_file.name.startswith("events_broken-")
    with summary.rejects_file.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["file", "row", "column", "reason", "raw"]
    assert [int(row["row"]) for row in rows] == [4, 5, 6, 7, 8, 9, 10, 15]
    assert rows[1]["reason"].startswith("bad-timestamp: 'not-a-time' is not a timestamp")
    assert rows[1]["raw"] == "not-a-time"


@pytest.mark.parametrize("max_rejects", [7, 0.5])
def test_the_threshold_fails_the_import_and_leaves_the_table_unchanged(
    db: AnalyticsDatabase, max_rejects: float
) -> None:
    db.import_events([read_events(IMPORT_DATA / "running-example.xes")])
    before = snapshot(db)

    with pytest.raises(
        ImportRejectedError, match="8 of 13 rows read so far were rejected"
    ) as raised:
        db.import_events(
            [read_events(IMPORT_DATA / "events_broken.csv", mapping=AMOUNT_IS_FLOAT)],
            max_rejects=max_rejects,
        )

    assert raised.value.rejects_file is not None
    assert raised.value.rejects_file.is_file()
    after = snapshot(db)
    assert after.num_rows == 42
    assert after.equals(before)


def test_a_count_threshold_is_met_exactly(db: AnalyticsDatabase) -> None:
    summary = db.import_events(
        [read_events(IMPORT_DATA / "events_broken.csv", mapping=AMOUNT_IS_FLOAT)], max_rejects=8
    )
    assert summary.rows_imported == 5


def test_a_failure_mid_import_leaves_the_store_unchanged(
    db: AnalyticsDatabase, demo_folder: Path
) -> None:
    db.import_events([read_events(IMPORT_DATA / "running-example.xes")])
    before = snapshot(db)

    def explode(phase: str, done: int, total: int | None) -> None:
        if phase == "read":
            raise KeyboardInterrupt  # the user pressed Ctrl-C after the first batch

    with pytest.raises(KeyboardInterrupt):
        db.import_events(
            [read_events(demo_folder / "data" / "events.parquet", batch_rows=1000)],
            progress=explode,
        )

    assert snapshot(db).equals(before)
    assert not any((db.folder / "staging").glob("*"))


def test_a_failure_while_storing_rolls_back(db: AnalyticsDatabase, demo_folder: Path) -> None:
    db.import_events([read_events(IMPORT_DATA / "running-example.xes")])
    before = snapshot(db)

    def explode(phase: str, done: int, total: int | None) -> None:
        if phase == "store" and done > 0:
            raise RuntimeError("disk full")

    with pytest.raises(RuntimeError, match="disk full"):
        db.import_events([read_events(demo_folder / "data" / "events.parquet")], progress=explode)

    assert snapshot(db).equals(before)


def test_a_file_error_in_the_second_file_imports_nothing(
    db: AnalyticsDatabase, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.xes"
    bad.write_text("<log><trace><event></trace></log>")

    with pytest.raises(IngestError, match=r"bad\.xes, line 1"):
        db.import_events([read_events(IMPORT_DATA / "running-example.xes"), read_events(bad)])

    with pytest.raises(NoEventsError, match="run journeymap import events FILE"):
        db.events_table()


def test_new_properties_are_added_and_type_conflicts_refused(
    db: AnalyticsDatabase, tmp_path: Path
) -> None:
    first = tmp_path / "first.csv"
    first.write_text("customer_id,ts,event,amount\nc1,2024-01-01T00:00:00Z,buy,10\n")
    second = tmp_path / "second.csv"
    second.write_text("customer_id,ts,event,amount,coupon\nc2,2024-01-02T00:00:00Z,buy,12.5,X\n")
    third = tmp_path / "third.csv"
    third.write_text("customer_id,ts,event,amount\nc3,2024-01-03T00:00:00Z,buy,true\n")
    db.import_events([read_events(first, mapping=AMOUNT_IS_FLOAT)])

    db.import_events([read_events(second)])
    before = snapshot(db)
    with pytest.raises(
        SchemaConflictError,
        match="column 'amount' is BOOLEAN but the events table holds it as DOUBLE",
    ):
        db.import_events([read_events(third)])

    assert before.column("coupon").to_pylist() == [None, "X"]
    assert before.column("amount").to_pylist() == [10.0, 12.5]
    assert snapshot(db).equals(before)


def test_rows_are_stored_clustered_by_customer_and_time(
    db: AnalyticsDatabase, tmp_path: Path
) -> None:
    path = tmp_path / "shuffled.csv"
    path.write_text(
        "customer_id,ts,event\n"
        "b,2024-01-02T00:00:00Z,x\na,2024-01-03T00:00:00Z,x\nb,2024-01-01T00:00:00Z,x\n"
        "a,2024-01-01T00:00:00Z,x\n"
    )
    db.import_events([read_events(path)])

    stored = db.backend.con.execute("SELECT customer_id, ts FROM events ORDER BY rowid").fetchall()

    assert [customer for customer, _ in stored] == ["a", "a", "b", "b"]
    assert stored[0][1] == dt.datetime(2024, 1, 1, tzinfo=dt.UTC)


def test_no_events_yet_is_a_clear_error(db: AnalyticsDatabase) -> None:
    with pytest.raises(NoEventsError, match="run journeymap import events FILE"):
        db.events_table()
