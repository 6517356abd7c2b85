"""CSV and JSON Lines of feedback -> raw text columns with their row numbers, and rejects.

Rows are read as text, whatever the source wrote (a rating may be ``5`` or ``"5"``), so
typing happens in one place (:mod:`journeymap.ingest.feedback.table_shaper`). CSV goes
through Arrow's streaming reader (values may span lines, as comments often do); rows with
the wrong number of fields become ``field-count`` rejects and bytes that are not UTF-8
``undecodable`` ones. JSON Lines are parsed line by line: a feedback file is text-heavy
and small next to an event log, and a line that is not a JSON object is a
``malformed-json`` reject naming the decoder's complaint.

Rows are numbered as in the events importer: CSV records counting the header as row 1,
JSON Lines by line number.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from journeymap.ingest.errors import IngestError
from journeymap.ingest.feedback.source import FeedbackFormat
from journeymap.ingest.rejects import Reject, RejectKind
from journeymap.ingest.streams import REPLACEMENT, Utf8Guard, open_bytes

_PEEK = 1 << 20


@dataclass
class RawRows:
    """Some rows as text columns, their 1-based row numbers, and rows already rejected."""

    columns: dict[str, pa.Array]
    rows: np.ndarray
    rejects: list[Reject] = field(default_factory=list)
    bytes_done: int = 0

    @property
    def size(self) -> int:
        """Rows held in ``columns``."""
        return len(self.rows)


def peek_columns(path: Path, shape: FeedbackFormat, delimiter: str) -> list[str]:
    """The column names of a table (the CSV header, or the keys of the first JSON object)."""
    with path.open("rb") as handle:
        head = handle.read(_PEEK)
    if shape is FeedbackFormat.JSONL:
        for line in head.splitlines():
            if line.strip():
                try:
                    first = json.loads(line)
                except ValueError:
                    return []
                return list(first) if isinstance(first, dict) else []
        return []
    return _header(path, head, delimiter)


def _header(path: Path, head: bytes, delimiter: str) -> list[str]:
    end = head.find(b"\n")
    try:
        text = (head if end < 0 else head[:end]).decode("utf-8-sig")
    except UnicodeDecodeError:
        raise IngestError(
            path, "the header is not UTF-8 text; is this a CSV file?", line=1
        ) from None
    if not text.strip():
        raise IngestError(path, "no header row (the first line is empty)", line=1)
    names = next(csv.reader(io.StringIO(text), delimiter=delimiter))
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise IngestError(path, f"the header repeats column(s) {', '.join(repeated)}", line=1)
    return names


def csv_rows(path: Path, delimiter: str, batch_rows: int) -> Iterator[RawRows]:
    """Text columns of a CSV file, a batch at a time."""
    with path.open("rb") as handle:
        header = _header(path, handle.read(_PEEK), delimiter)
    invalid: list[tuple[int, Reject | None]] = []

    def on_invalid(row: pacsv.InvalidRow) -> str:
        number = int(row.number) if row.number is not None else -1
        reject = None
        if row.text.strip():
            short = " (truncated row)" if row.actual_columns < row.expected_columns else ""
            message = (
                f"{row.actual_columns} fields where the header has {row.expected_columns}{short}"
            )
            reject = Reject(path.name, number, None, RejectKind.FIELD_COUNT, message, row.text)
        invalid.append((number, reject))
        return "skip"

    with open_bytes(path, compressed=False) as opened:
        try:
            reader = pacsv.open_csv(
                Utf8Guard(opened.stream),
                read_options=pacsv.ReadOptions(use_threads=False, block_size=1 << 22),
                parse_options=pacsv.ParseOptions(
                    delimiter=delimiter,
                    newlines_in_values=True,
                    ignore_empty_lines=False,
                    invalid_row_handler=on_invalid,
                ),
                convert_options=pacsv.ConvertOptions(
                    column_types=dict.fromkeys(header, pa.string()),
                    strings_can_be_null=True,
                    null_values=[""],
                    quoted_strings_can_be_null=True,
                ),
            )
        except (pa.ArrowInvalid, OSError) as error:
            raise IngestError(path, f"not a readable CSV file: {error}") from error
        next_row = 2
        while True:
            try:
                batch = reader.read_next_batch()
            except StopIteration:
                break
            except pa.ArrowInvalid as error:
                raise IngestError(path, f"not a readable CSV file: {error}") from error
            skipped = {n for n, _ in invalid if n >= next_row}
            rows = _numbers(next_row, batch.num_rows, skipped)
            if batch.num_rows:
                next_row = int(rows[-1]) + 1
            done = [r for n, r in invalid if n < next_row and r is not None]
            invalid[:] = [(n, r) for n, r in invalid if n >= next_row]
            for start in range(0, max(batch.num_rows, 1), batch_rows):
                part = batch.slice(start, batch_rows)
                raw = _from_batch(path, part, rows[start : start + batch_rows])
                if start == 0:
                    raw.rejects.extend(done)
                raw.bytes_done = opened.position()
                yield raw
        tail = [r for _, r in invalid if r is not None]
        if tail:
            empty = {name: pa.array([], pa.string()) for name in header}
            yield RawRows(empty, np.zeros(0, np.int64), tail, opened.position())


def _numbers(first: int, count: int, skipped: set[int]) -> np.ndarray:
    candidates = np.arange(first, first + count + len(skipped), dtype=np.int64)
    if skipped:
        candidates = candidates[~np.isin(candidates, np.fromiter(skipped, np.int64))]
    return candidates[:count]


def _from_batch(path: Path, batch: pa.RecordBatch, rows: np.ndarray) -> RawRows:
    """Columns of a batch, without blank lines; rows holding non-UTF-8 bytes rejected."""
    columns = dict(zip(batch.schema.names, batch.columns, strict=True))
    size = batch.num_rows
    blank = np.ones(size, dtype=bool)
    junk = np.zeros(size, dtype=bool)
    junk_column: dict[int, str] = {}
    for name, values in columns.items():
        blank &= np.asarray(values.is_null().to_numpy(zero_copy_only=False), dtype=bool)
        marked = pc.fill_null(pc.match_substring(values, REPLACEMENT), False)
        mask = np.asarray(marked.to_numpy(zero_copy_only=False), dtype=bool)
        for index in np.flatnonzero(mask & ~junk):
            junk_column[int(index)] = name
        junk |= mask
    rejects = [
        Reject(
            path.name,
            int(rows[index]),
            column,
            RejectKind.UNDECODABLE,
            "bytes that are not UTF-8 text (binary junk?)",
            str(columns[column][index].as_py()),
        )
        for index, column in sorted(junk_column.items())
    ]
    keep = ~(blank | junk)
    if not keep.all():
        take = pa.array(np.flatnonzero(keep))
        columns = {name: values.take(take) for name, values in columns.items()}
        rows = rows[keep]
    return RawRows(columns, rows, rejects)


def jsonl_rows(path: Path, batch_rows: int) -> Iterator[RawRows]:
    """Text columns of a JSON Lines file, a batch at a time (values as text)."""
    records: list[dict[str, str | None]] = []
    numbers: list[int] = []
    rejects: list[Reject] = []
    position = 0
    with path.open("rb") as handle:
        for number, line in enumerate(handle, start=1):
            position += len(line)
            if line.strip():
                record = _record(path, number, line, rejects)
                if record is not None:
                    records.append(record)
                    numbers.append(number)
            if len(records) >= batch_rows:
                yield _raw(records, numbers, rejects, position)
                records, numbers, rejects = [], [], []
    if records or rejects or position == 0:
        yield _raw(records, numbers, rejects, position)


def _record(
    path: Path, number: int, line: bytes, rejects: list[Reject]
) -> dict[str, str | None] | None:
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError:
        raw = line.decode("utf-8", errors="backslashreplace").rstrip()
        message = "bytes that are not UTF-8 text (binary junk?)"
        rejects.append(Reject(path.name, number, None, RejectKind.UNDECODABLE, message, raw))
        return None
    try:
        value = json.loads(text)
    except ValueError as error:
        message = f"not JSON: {error}"
        rejects.append(
            Reject(path.name, number, None, RejectKind.MALFORMED_JSON, message, text.rstrip())
        )
        return None
    if not isinstance(value, dict):
        message = f"a JSON {type(value).__name__}, not an object"
        rejects.append(
            Reject(path.name, number, None, RejectKind.MALFORMED_JSON, message, text.rstrip())
        )
        return None
    return {str(key): _text(item) for key, item in value.items()}


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float):
        return str(value)
    return json.dumps(value, ensure_ascii=False)


def _raw(
    records: list[dict[str, str | None]], numbers: list[int], rejects: list[Reject], position: int
) -> RawRows:
    names: dict[str, None] = {}
    for record in records:
        names.update(dict.fromkeys(record))
    columns = {name: pa.array([r.get(name) for r in records], pa.string()) for name in names}
    return RawRows(columns, np.asarray(numbers, dtype=np.int64), list(rejects), position)
