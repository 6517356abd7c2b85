"""JSON Lines import: exact rejects (malformed lines, junk bytes, wrong types) and pinned types."""

from __future__ import annotations

import datetime as dt
import gzip
import json
from pathlib import Path

import pyarrow as pa
from ingest_helpers import kinds, read_all

from conftest import IMPORT_DATA
from journeymap.ingest import ColumnMapping, PropertyType, read_events

BROKEN_JSONL_REJECTS = {
    (3, "malformed-json"),
    (5, "missing-customer"),
    (6, "bad-timestamp"),
    (7, "wrong-type"),
    (8, "malformed-json"),
    (9, "undecodable"),
    (10, "missing-event"),
    (12, "malformed-json"),
}


def test_broken_jsonl_yields_exact_rejects_and_the_good_rows() -> None:
    table, rejects, rows_read = read_all(read_events(IMPORT_DATA / "events_broken.jsonl"))

    assert kinds(rejects) == BROKEN_JSONL_REJECTS
    assert rows_read == 11  # twelve lines, one blank
    assert table.column("customer_id").to_pylist() == ["c1", "c1", "c4"]
    assert table.column("ts").to_pylist() == [
        dt.datetime(2024, 3, 1, 10, 0, tzinfo=dt.UTC),
        dt.datetime(2024, 3, 1, 9, 5, tzinfo=dt.UTC),
        dt.datetime(2024, 3, 1, 13, 0, tzinfo=dt.UTC),
    ]
    assert table.column("amount").to_pylist() == [10.5, 20.0, 7.25]
    assert table.column("coupon").to_pylist() == [None, None, "SPRING"]
    by_row = {reject.row: reject for reject in rejects}
    assert by_row[3].raw is not None
    assert by_row[3].raw.startswith('{"customer_id": "c1"')
    assert "column 71" in by_row[3].message
    assert by_row[7].column == "amount"


def test_types_are_pinned_by_the_first_block(tmp_path: Path) -> None:
    rows = [
        {"user_id": f"u{i}", "time": 1_709_287_200_000 + i, "name": "tick", "n": i}
        for i in range(400)
    ]
    rows.append({"user_id": "u", "time": 1_709_287_200_000, "name": "tick", "n": "many"})
    path = tmp_path / "ticks.ndjson.gz"
    path.write_bytes(gzip.compress("\n".join(json.dumps(row) for row in rows).encode()))

    chunks = list(read_events(path, batch_rows=50))
    table, rejects, rows_read = read_all(read_events(path, batch_rows=50))

    assert len(chunks) > 1
    assert rows_read == 401
    assert kinds(rejects) == {(401, "wrong-type")}
    assert table.schema.field("n").type == pa.int64()
    assert table.column("ts")[0].as_py() == dt.datetime(
        2024, 3, 1, 10, 0, tzinfo=dt.UTC
    )  # epoch ms


def test_explicit_types_and_zoned_text_timestamps(tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    lines = [
        {
            "customer_id": 1,
            "ts": "2024-06-01T12:00:00+02:00",
            "event": "a",
            "n": 1,
            "due": "2024-06-30",
        },
        {
            "customer_id": 2,
            "ts": "2024-06-01 12:00:00",
            "event": "b",
            "n": 2.5,
            "due": "2024-07-01",
        },
    ]
    path.write_text("\n".join(json.dumps(line) for line in lines))
    mapping = ColumnMapping(types={"n": PropertyType.FLOAT}, timezone="America/New_York")

    table, rejects, _ = read_all(read_events(path, mapping=mapping))

    assert rejects == []
    assert table.column("customer_id").to_pylist() == ["1", "2"]
    assert table.column("ts").to_pylist() == [
        dt.datetime(2024, 6, 1, 10, 0, tzinfo=dt.UTC),
        dt.datetime(2024, 6, 1, 16, 0, tzinfo=dt.UTC),
    ]
    assert table.column("n").to_pylist() == [1.0, 2.5]
    assert table.schema.field("due").type == pa.date32()
