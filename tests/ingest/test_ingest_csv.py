"""CSV/TSV import: exact row-level rejects, the good rows, formats, compression and clear errors."""

from __future__ import annotations

import datetime as dt
import gzip
from pathlib import Path

import pyarrow as pa
import pytest
from ingest_helpers import kinds, read_all

from conftest import IMPORT_DATA
from journeymap.ingest import ColumnMapping, IngestError, PropertyType, RejectKind, read_events

UTC = dt.UTC
BROKEN_CSV_REJECTS = {
    (4, "missing-customer"),
    (5, "bad-timestamp"),
    (6, "missing-event"),
    (7, "wrong-type"),
    (8, "field-count"),
    (9, "undecodable"),
    (10, "bad-timestamp"),
    (15, "field-count"),
}


def test_broken_csv_yields_exact_rejects_and_the_good_rows() -> None:
    mapping = ColumnMapping(types={"amount": PropertyType.FLOAT})
    table, rejects, rows_read = read_all(
        read_events(IMPORT_DATA / "events_broken.csv", mapping=mapping)
    )

    assert kinds(rejects) == BROKEN_CSV_REJECTS
    assert rows_read == 13  # 14 lines after the header, one of them blank
    assert table.column_names == ["event_id", "customer_id", "ts", "event", "channel", "amount"]
    assert table.column("customer_id").to_pylist() == ["c1", "c1", "c4", "c4", "c5"]
    assert table.column("ts").to_pylist() == [
        dt.datetime(2024, 3, 1, 10, 0, tzinfo=UTC),
        dt.datetime(2024, 3, 1, 9, 5, tzinfo=UTC),
        dt.datetime(2024, 3, 1, 10, 0, tzinfo=UTC),  # epoch seconds 1709287200
        dt.datetime(2024, 3, 1, 13, 0, tzinfo=UTC),
        dt.datetime(2024, 3, 2, 9, 0, 0, 123456, tzinfo=UTC),  # nanoseconds truncated
    ]
    assert table.column("event").to_pylist()[-1] == "visit, again"
    assert table.column("channel").to_pylist()[-1] is None
    assert table.column("amount").to_pylist() == [10.5, 20.0, 6.0, 7.0, 8.0]
    assert table.column("event_id").null_count == 5  # no source id: the engine hashes content


def test_each_reject_says_where_and_why_with_the_raw_text() -> None:
    mapping = ColumnMapping(types={"amount": PropertyType.FLOAT})
    _, rejects, _ = read_all(read_events(IMPORT_DATA / "events_broken.csv", mapping=mapping))
    by_row = {reject.row: reject for reject in rejects}

    assert all(reject.file == "events_broken.csv" for reject in rejects)
    assert by_row[5].column == "ts"
    assert by_row[5].raw == "not-a-time"
    assert by_row[7].column == "amount"
    assert "'lots' is not a float" in by_row[7].reason
    assert by_row[8].raw == "c3,2024-03-01T12:00:00Z,visit"
    assert "3 fields where the header has 5 (truncated row)" in by_row[8].message
    assert by_row[9].kind is RejectKind.UNDECODABLE
    assert by_row[9].column == "event"
    assert by_row[10].raw == "2024-02-30T12:00:00Z"


def test_inferred_types_hold_for_the_whole_file(tmp_path: Path) -> None:
    # Enough rows for several Arrow blocks: the type comes from the first, later ones obey it.
    lines = ["user,time,activity,amount,code,when"]
    lines += [f"u{i},2024-01-01T00:00:00Z,a,{i},007,2024-01-0{1 + i % 9}" for i in range(5000)]
    lines.append("u9,2024-01-01T00:01:00Z,a,nine,008,2024-01-09")
    path = tmp_path / "typed.csv"
    path.write_text("\n".join(lines) + "\n")

    chunks = list(read_events(path, batch_rows=1))
    table, rejects, _ = read_all(read_events(path, batch_rows=1))

    assert len(chunks) > 1
    assert kinds(rejects) == {(5002, "wrong-type")}
    assert table.schema.field("amount").type == pa.int64()
    assert table.schema.field("code").type == pa.string()  # leading zeros: an id, not a number
    assert table.schema.field("when").type == pa.date32()


def test_tsv_by_extension_and_gzip(tmp_path: Path) -> None:
    text = "case_id\ttimestamp\tactivity\nc1\t2024-01-01 10:00\tstart\nc1\t2024-01-01 11:00\tend\n"
    path = tmp_path / "log.tsv.gz"
    path.write_bytes(gzip.compress(text.encode()))

    table, rejects, rows_read = read_all(
        read_events(path, mapping=ColumnMapping(timezone="Europe/Berlin"))
    )

    assert rejects == []
    assert rows_read == 2
    assert table.column("customer_id").to_pylist() == ["c1", "c1"]
    assert table.column("ts").to_pylist()[0] == dt.datetime(2024, 1, 1, 9, 0, tzinfo=UTC)


def test_explicit_columns_delimiter_and_strptime_format(tmp_path: Path) -> None:
    path = tmp_path / "export.txt"
    path.write_text("who;when;what;via\nann;31/12/2023 23:30;login;app\nbob;1/1/2024;login;web\n")
    mapping = ColumnMapping(
        customer="who", ts="when", event="what", channel="via", time_format="%d/%m/%Y %H:%M"
    )

    table, rejects, _ = read_all(read_events(path, mapping=mapping, delimiter=";"))

    assert table.column("ts").to_pylist() == [dt.datetime(2023, 12, 31, 23, 30, tzinfo=UTC)]
    assert table.column("channel").to_pylist() == ["app"]
    assert kinds(rejects) == {(3, "bad-timestamp")}
    assert "format '%d/%m/%Y %H:%M'" in rejects[0].message


def test_a_missing_required_column_names_the_file_and_the_flag(tmp_path: Path) -> None:
    path = tmp_path / "no_time.csv"
    path.write_text("customer_id,event\nc1,visit\n")

    with pytest.raises(IngestError, match=r"no_time\.csv: no ts column.*--time COLUMN"):
        read_all(read_events(path))


def test_a_binary_file_named_csv_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "image.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe")

    with pytest.raises(IngestError, match=r"image\.csv, line 1: the header is not UTF-8"):
        read_all(read_events(path))


def test_an_unmapped_column_with_a_canonical_name_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "clash.csv"
    path.write_text("user,customer_id,ts,event\nu1,c1,2024-01-01T00:00:00Z,visit\n")

    with pytest.raises(IngestError, match="'customer_id' is not mapped but its name is reserved"):
        read_all(read_events(path, mapping=ColumnMapping(customer="user")))


def test_unknown_extension_asks_for_a_format(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match=r"--input-format csv\|parquet\|jsonl\|xes"):
        read_events(tmp_path / "events.dat")
