"""XES import: streamed, typed by XES types, pm4py as the oracle, hostile XML refused."""

from __future__ import annotations

import datetime as dt
import gzip
from collections import Counter
from pathlib import Path

import pyarrow as pa
import pytest
from ingest_helpers import kinds, read_all

from conftest import IMPORT_DATA
from journeymap.ingest import IngestError, read_events

RUNNING_EXAMPLE = IMPORT_DATA / "running-example.xes"
BROKEN_XES_REJECTS = {
    (2, "wrong-type"),  # <int key="items" value="three"/>
    (3, "bad-timestamp"),  # a date that is no date
    (4, "wrong-type"),  # <boolean value="maybe"/>
    (5, "missing-event"),  # no concept:name
    (6, "wrong-type"),  # <float value="x1"/>
    (8, "missing-customer"),  # a trace without concept:name
}


@pytest.mark.filterwarnings("ignore:Install the optional requirement:UserWarning")
def test_running_example_matches_pm4py() -> None:
    pm4py = pytest.importorskip("pm4py")
    oracle = pm4py.read_xes(str(RUNNING_EXAMPLE))

    table, rejects, _ = read_all(read_events(RUNNING_EXAMPLE))

    assert rejects == []
    assert table.num_rows == len(oracle) == 42
    assert (
        len(set(table.column("customer_id").to_pylist()))
        == oracle["case:concept:name"].nunique()
        == 6
    )
    assert Counter(table.column("event").to_pylist()) == Counter(oracle["concept:name"])
    ours = Counter(
        zip(table.column("customer_id").to_pylist(), table.column("ts").to_pylist(), strict=True)
    )
    theirs = Counter(
        zip(
            oracle["case:concept:name"],
            (t.to_pydatetime() for t in oracle["time:timestamp"]),
            strict=True,
        )
    )
    assert ours == theirs
    assert table.column("Costs").to_pylist()[0] == "50"  # a <string> stays text
    assert set(table.column("case:creator").to_pylist()) == {"Fluxicon Nitro"}


def test_broken_xes_yields_exact_rejects_and_typed_good_rows() -> None:
    table, rejects, rows_read = read_all(read_events(IMPORT_DATA / "events_broken.xes"))

    assert kinds(rejects) == BROKEN_XES_REJECTS
    assert rows_read == 8
    assert table.column("customer_id").to_pylist() == ["case-1", "case-2"]
    assert table.column("ts").to_pylist() == [
        dt.datetime(2024, 3, 1, 9, 0, tzinfo=dt.UTC),
        dt.datetime(2024, 3, 2, 8, 0, tzinfo=dt.UTC),
    ]
    assert table.schema.field("items").type == pa.int64()
    assert table.schema.field("cost").type == pa.float64()
    assert table.schema.field("urgent").type == pa.bool_()
    assert table.column("items").to_pylist() == [3, 7]
    assert table.column("case:segment").to_pylist() == ["gold", None]
    by_row = {reject.row: reject for reject in rejects}
    assert by_row[2].column == "items"
    assert by_row[2].raw == "three"


def test_gzipped_xes_streams_in_small_batches(tmp_path: Path) -> None:
    path = tmp_path / "running.xes.gz"
    path.write_bytes(gzip.compress(RUNNING_EXAMPLE.read_bytes()))

    chunks = list(read_events(path, batch_rows=5))

    assert len(chunks) == 9
    assert sum(chunk.batch.num_rows for chunk in chunks) == 42
    assert chunks[-1].bytes_done == path.stat().st_size


def test_a_file_that_is_not_xml_is_a_clear_error_with_its_position(tmp_path: Path) -> None:
    path = tmp_path / "log.xes"
    path.write_text('<?xml version="1.0"?>\n<log>\n  <trace>\n    <event>\n  </trace>\n</log>\n')

    with pytest.raises(IngestError, match=r"log\.xes, line 5, column \d+: not well-formed XML"):
        read_all(read_events(path))


def test_plain_text_named_xes_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.xes"
    path.write_text("customer_id,ts,event\nc1,2024-01-01,visit\n")

    with pytest.raises(IngestError, match=r"notes\.xes, line 1, column 1: not well-formed XML"):
        read_all(read_events(path))


def test_entity_expansion_is_refused(tmp_path: Path) -> None:
    laughs = "\n".join(
        f'  <!ENTITY lol{i} "{"&lol" + str(i - 1) + ";" if i else "lol"}{("&lol" + str(i - 1) + ";") * 9 if i else ""}">'
        for i in range(10)
    )
    path = tmp_path / "bomb.xes"
    path.write_text(
        f'<?xml version="1.0"?>\n<!DOCTYPE log [\n{laughs}\n]>\n'
        '<log><trace><string key="concept:name" value="&lol9;"/>'
        '<event><string key="concept:name" value="x"/></event></trace></log>\n'
    )

    with pytest.raises(IngestError, match=r"bomb\.xes, line 2: the log declares a DOCTYPE"):
        read_all(read_events(path))
