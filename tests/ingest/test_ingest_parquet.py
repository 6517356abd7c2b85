"""Parquet import: the demo log reads with zero rejects; typed columns keep their types."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from ingest_helpers import kinds, read_all

from journeymap.ingest import ColumnMapping, read_customers, read_events


def test_demo_events_read_with_zero_rejects(demo_folder: Path) -> None:
    path = demo_folder / "data" / "events.parquet"
    original = pq.read_table(path)

    table, rejects, rows_read = read_all(read_events(path, batch_rows=4000))

    assert rejects == []
    assert rows_read == table.num_rows == original.num_rows
    assert table.column_names == original.column_names
    assert table.column("event_id").equals(original.column("event_id"))
    assert table.schema.field("promised_date").type == pa.date32()
    assert table.schema.field("score").type == pa.int16()


def test_demo_customers_read_with_zero_rejects(demo_folder: Path) -> None:
    for name in ("customers.parquet", "customers.csv"):
        table, rejects, rows_read = read_all(read_customers(demo_folder / "data" / name))
        assert rejects == []
        assert rows_read == table.num_rows == 500
        assert table.column_names[0] == "customer_id"
        assert "churned" in table.column_names


def test_naive_timestamps_and_row_index_rejects(tmp_path: Path) -> None:
    path = tmp_path / "log.parquet"
    pq.write_table(
        pa.table(
            {
                "case": ["a", None, "b"],
                "time": pa.array(
                    [dt.datetime(2024, 1, 1, 12), dt.datetime(2024, 1, 1), None], pa.timestamp("ns")
                ),
                "activity": ["x", "y", "z"],
            }
        ),
        path,
    )

    table, rejects, _ = read_all(read_events(path, mapping=ColumnMapping(timezone="Asia/Tokyo")))

    assert kinds(rejects) == {(2, "missing-customer"), (3, "missing-timestamp")}
    assert table.column("ts").to_pylist() == [dt.datetime(2024, 1, 1, 3, tzinfo=dt.UTC)]
