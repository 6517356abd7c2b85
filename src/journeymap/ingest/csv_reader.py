"""CSV/TSV (optionally gzip) through Arrow's streaming reader, with malformed rows captured.

Arrow parses (no Python per row); every column is read as text and typed by the
:class:`Shaper`, so one odd value fails one row instead of the whole block. Rows with the
wrong number of fields reach ``invalid_row_handler`` with their physical row number, which
also numbers the good rows: rows count from the header (row 1), blank lines included;
that is the line number unless a quoted value spans lines. Blank lines are skipped without
a reject (they hold no data).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Final

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from journeymap.ingest.errors import IngestError
from journeymap.ingest.rejects import Reject, RejectKind
from journeymap.ingest.shaper import RawBatch, Shaper
from journeymap.ingest.source import Chunk, Source
from journeymap.ingest.streams import REPLACEMENT, Utf8Guard, open_bytes

_BYTES_PER_ROW: Final = 160
"""Rough size of an event row, to turn ``batch_rows`` into Arrow's block size."""
_HEADER_PEEK: Final = 1 << 20


def read_csv(source: Source) -> Iterator[Chunk]:
    """The chunks of a CSV or TSV file (see the module docstring)."""
    header = _header(source)
    shaper = Shaper(source.path, source.mapping, source.layout)
    invalid: list[tuple[int, Reject | None]] = []

    def on_invalid(row: pacsv.InvalidRow) -> str:
        number = int(row.number) if row.number is not None else -1
        text = row.text
        if text.strip():
            message = (
                f"{row.actual_columns} field{'s' if row.actual_columns != 1 else ''} where the "
                f"header has {row.expected_columns}"
                + (" (truncated row)" if row.actual_columns < row.expected_columns else "")
            )
            invalid.append(
                (
                    number,
                    Reject(source.path.name, number, None, RejectKind.FIELD_COUNT, message, text),
                )
            )
        else:
            invalid.append((number, None))
        return "skip"

    with open_bytes(source.path, compressed=source.compressed) as opened:
        try:
            reader = pacsv.open_csv(
                Utf8Guard(opened.stream),
                read_options=pacsv.ReadOptions(
                    use_threads=False, block_size=max(1 << 16, source.batch_rows * _BYTES_PER_ROW)
                ),
                parse_options=pacsv.ParseOptions(
                    delimiter=source.delimiter,
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
            raise IngestError(source.path, f"not a readable CSV file: {error}") from error
        next_row = 2
        while True:
            try:
                batch = reader.read_next_batch()
            except StopIteration:
                break
            except pa.ArrowInvalid as error:
                raise IngestError(source.path, f"not a readable CSV file: {error}") from error
            rows = _row_numbers(next_row, batch.num_rows, [n for n, _ in invalid if n >= next_row])
            if batch.num_rows:
                next_row = int(rows[-1]) + 1
            done = [(n, r) for n, r in invalid if n < next_row]
            invalid[:] = [(n, r) for n, r in invalid if n >= next_row]
            batch, rows = _without_blank_lines(batch, rows)
            columns, junk = _text_columns(batch)
            good, rejects = shaper.shape(RawBatch(columns, rows, junk))
            rejects.extend(r for _, r in done if r is not None)
            yield Chunk(
                good,
                tuple(sorted(rejects, key=lambda r: r.row)),
                batch.num_rows + sum(r is not None for _, r in done),
                opened.position(),
            )
        tail = [r for _, r in invalid if r is not None]
        if tail:
            yield Chunk(_empty(shaper, header), tuple(tail), len(tail), opened.position())


def _row_numbers(first: int, count: int, skipped: list[int]) -> np.ndarray:
    """The first ``count`` row numbers from ``first`` on, leaving out ``skipped`` ones."""
    candidates = np.arange(first, first + count + len(skipped), dtype=np.int64)
    if skipped:
        candidates = candidates[~np.isin(candidates, np.asarray(skipped, dtype=np.int64))]
    return candidates[:count]


def _without_blank_lines(
    batch: pa.RecordBatch, rows: np.ndarray
) -> tuple[pa.RecordBatch, np.ndarray]:
    """The batch without rows whose fields are all empty (blank lines hold no data)."""
    if batch.num_columns == 0 or batch.num_rows == 0:
        return batch, rows
    blank = pc.is_null(batch.column(0))
    for values in batch.columns[1:]:
        blank = pc.and_(blank, pc.is_null(values))
    if not pc.any(blank).as_py():
        return batch, rows
    keep = np.flatnonzero(~np.asarray(blank.to_numpy(zero_copy_only=False), dtype=bool))
    return batch.take(pa.array(keep)), rows[keep]


def _text_columns(batch: pa.RecordBatch) -> tuple[dict[str, pa.Array], dict[str, np.ndarray]]:
    """The batch's columns, and per column a mask of values that held bytes which were not UTF-8."""
    columns: dict[str, pa.Array] = {}
    junk: dict[str, np.ndarray] = {}
    for name, values in zip(batch.schema.names, batch.columns, strict=True):
        columns[name] = values
        if pa.types.is_string(values.type):
            marked = pc.fill_null(pc.match_substring(values, REPLACEMENT), False)
            if pc.any(marked).as_py():
                junk[name] = np.asarray(marked.to_numpy(zero_copy_only=False), dtype=bool)
    return columns, junk


def _empty(shaper: Shaper, header: list[str]) -> pa.RecordBatch:
    columns = {name: pa.array([], pa.string()) for name in header}
    batch, _ = shaper.shape(RawBatch(columns, np.zeros(0, dtype=np.int64)))
    return batch


def _header(source: Source) -> list[str]:
    """Column names from the first record (checked here for a clear error on non-CSV files)."""
    with open_bytes(source.path, compressed=source.compressed) as opened:
        try:
            head = bytes(opened.stream.read(_HEADER_PEEK))
        except OSError as error:
            raise IngestError(source.path, f"cannot read the file: {error}") from error
    line_end = head.find(b"\n")
    first = head if line_end < 0 else head[:line_end]
    try:
        text = first.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise IngestError(
            source.path,
            f"the header is not UTF-8 text (byte {error.start + 1}); is this really a CSV file?",
            line=1,
        ) from None
    if not text.strip():
        raise IngestError(source.path, "no header row (the first line is empty)", line=1)
    names = next(csv.reader(io.StringIO(text), delimiter=source.delimiter))
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise IngestError(
            source.path, f"the header repeats column(s) {', '.join(duplicates)}", line=1
        )
    return names
