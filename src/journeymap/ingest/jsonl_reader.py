"""JSON Lines (optionally gzip): Arrow parses whole blocks; bad lines are found by halving.

The happy path hands a block of lines (about ``batch_rows``) to Arrow's JSON reader in one
call. When a block fails (a malformed line, bytes that are not UTF-8, a value whose type
does not fit), the block is split in halves until each bad line stands alone and is
classified: ``undecodable``, ``malformed-json`` (with the decoder's position) or
``wrong-type``. Cost is O(k log n) Arrow calls for k bad lines.

Types are pinned after the first block so every block of a file has the same schema:
properties keep the type Arrow inferred (or the explicit one from the mapping); text that
Arrow took for dates or times is pinned as text and typed by the shaper, which parses zones
correctly; canonical text columns stay unpinned (an id may be a number on one line and
text on the next).
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from typing import Final

import numpy as np
import pyarrow as pa
import pyarrow.json as pajson

from journeymap.ingest.errors import IngestError
from journeymap.ingest.rejects import Reject, RejectKind
from journeymap.ingest.shaper import RawBatch, Shaper
from journeymap.ingest.source import Chunk, Source
from journeymap.ingest.streams import open_bytes
from journeymap.model.canonical import TS

_BYTES_PER_LINE: Final = 200
_COLUMN_IN_ERROR: Final = re.compile(r"Column\(/([^)/]*)")

Line = tuple[int, bytes]


class _Pinning:
    """The schema Arrow must follow after the first block (see the module docstring)."""

    def __init__(self, source: Source, shaper: Shaper) -> None:
        self.source = source
        self.shaper = shaper
        self.schema: pa.Schema | None = None
        self.ts_column: str | None = None

    def pin(self, tables: list[pa.Table]) -> None:
        """Fix each field's type as first seen (with a value) in ``tables``, in order."""
        first_seen: dict[str, pa.DataType] = {}
        for table in tables:
            for field in table.schema:
                if field.name not in first_seen and not pa.types.is_null(field.type):
                    first_seen[field.name] = field.type
        names = [name for table in tables for name in table.schema.names]
        self.ts_column = self.shaper.resolve(list(dict.fromkeys(names))).get(TS)
        fields = []
        texts = set()
        for name, kind in first_seen.items():
            explicit = self.source.mapping.types.get(name)
            if explicit is not None:
                kind = explicit.arrow_type
            if pa.types.is_temporal(kind):
                kind = pa.string()
                texts.add(name)
            fields.append(pa.field(name, kind))
        self.schema = pa.schema(fields)
        self.shaper.infer = frozenset(texts - set(self.source.mapping.types))

    def options(self) -> pajson.ParseOptions:
        """Arrow's options: the pinned schema once known, new fields inferred."""
        if self.schema is None:
            return pajson.ParseOptions()
        return pajson.ParseOptions(explicit_schema=self.schema, unexpected_field_behavior="infer")


def read_jsonl(source: Source) -> Iterator[Chunk]:
    """The chunks of a JSON Lines file (see the module docstring)."""
    shaper = Shaper(source.path, source.mapping, source.layout, infer=frozenset())
    pinning = _Pinning(source, shaper)
    block_bytes = max(1 << 16, source.batch_rows * _BYTES_PER_LINE)
    with open_bytes(source.path, compressed=source.compressed) as opened:
        for lines in _blocks(opened.stream, block_bytes, source):
            options = pinning.options()
            if pinning.schema is None:
                tables, _ = _parse(lines, options, source, None)
                if tables:
                    pinning.pin(tables)
                    options = pinning.options()
            tables, rejects = _parse(lines, options, source, pinning.ts_column)
            table = _combine(tables)
            batch = pa.record_batch({})
            shaped: list[Reject] = []
            if table.num_columns:
                rows = np.asarray([number for number, _ in lines], dtype=np.int64)
                if rejects:
                    bad = np.asarray([reject.row for reject in rejects], dtype=np.int64)
                    rows = rows[~np.isin(rows, bad)]
                columns = {name: table.column(name).combine_chunks() for name in table.schema.names}
                batch, shaped = shaper.shape(RawBatch(columns, rows))
            everything = sorted([*rejects, *shaped], key=lambda reject: reject.row)
            yield Chunk(batch, tuple(everything), len(lines), opened.position())


def _blocks(stream: pa.NativeFile, size: int, source: Source) -> Iterator[list[Line]]:
    """Lists of (line number, line) of non-blank lines, about ``size`` bytes each."""
    carry = b""
    line_number = 0
    while True:
        try:
            data = stream.read(size)
        except OSError as error:
            raise IngestError(source.path, f"cannot read the file: {error}") from error
        if data:
            buffer = carry + data
            cut = buffer.rfind(b"\n")
            if cut < 0:
                carry = buffer
                continue
            carry, buffer = buffer[cut + 1 :], buffer[: cut + 1]
        else:
            buffer, carry = carry, b""
            if not buffer:
                return
        pieces = buffer.split(b"\n")
        if pieces and pieces[-1] == b"":
            pieces.pop()
        block = [(line_number + i + 1, piece) for i, piece in enumerate(pieces) if piece.strip()]
        line_number += len(pieces)
        if block:
            yield block


def _parse(
    lines: list[Line], options: pajson.ParseOptions, source: Source, ts_column: str | None
) -> tuple[list[pa.Table], list[Reject]]:
    """Arrow's reading of ``lines``; lines it cannot take are found by halving and rejected."""
    try:
        return [_read(lines, options)], []
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as error:
        if len(lines) == 1:
            return [], [_classify(lines[0], str(error), source, ts_column)]
    middle = len(lines) // 2
    tables: list[pa.Table] = []
    rejects: list[Reject] = []
    for half in (lines[:middle], lines[middle:]):
        parsed, bad = _parse(half, options, source, ts_column)
        tables.extend(parsed)
        rejects.extend(bad)
    return tables, rejects


def _combine(tables: list[pa.Table]) -> pa.Table:
    """One table from the parts; a field typed differently in two parts becomes text."""
    if not tables:
        return pa.table({})
    if len(tables) == 1:
        return tables[0]
    kinds: dict[str, set[pa.DataType]] = {}
    for table in tables:
        for field in table.schema:
            if not pa.types.is_null(field.type):
                kinds.setdefault(field.name, set()).add(field.type)
    mixed = {name for name, types in kinds.items() if len(types) > 1}
    if mixed:
        tables = [
            table.select(table.schema.names).cast(
                pa.schema(
                    pa.field(f.name, pa.string() if f.name in mixed else f.type)
                    for f in table.schema
                )
            )
            for table in tables
        ]
    return pa.concat_tables(tables, promote_options="permissive")


def _read(lines: list[Line], options: pajson.ParseOptions) -> pa.Table:
    data = b"\n".join(line for _, line in lines) + b"\n"
    read_options = pajson.ReadOptions(block_size=len(data) + 1)
    return pajson.read_json(io.BytesIO(data), read_options=read_options, parse_options=options)


def _classify(line: Line, arrow_error: str, source: Source, ts_column: str | None) -> Reject:
    number, raw = line
    file = source.path.name
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        shown = raw.decode("utf-8", errors="backslashreplace")
        message = f"bytes that are not UTF-8 text at byte {error.start + 1} (binary junk?)"
        return Reject(file, number, None, RejectKind.UNDECODABLE, message, shown)
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        message = f"not valid JSON: {error.msg} at column {error.colno}"
        return Reject(file, number, None, RejectKind.MALFORMED_JSON, message, text)
    if not isinstance(value, dict):
        message = f"a JSON {type(value).__name__}, not an object"
        return Reject(file, number, None, RejectKind.MALFORMED_JSON, message, text)
    found = _COLUMN_IN_ERROR.search(arrow_error)
    column = found.group(1) if found else None
    if column is None:
        column = next((key for key in value if key in arrow_error), None)
    shown = repr(value.get(column)) if column is not None else text
    message = (
        f"{shown} does not fit the column's type ({arrow_error.removeprefix('JSON parse error: ')})"
    )
    return Reject(file, number, column, RejectKind.WRONG_TYPE, message, text)
