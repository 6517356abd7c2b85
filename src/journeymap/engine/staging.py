"""Staging an import on disk: chunks stream into Parquet part files, never into memory.

Reading a file and storing it are separate steps so the store's transaction is short and
memory stays flat: while the sources are read, every chunk is appended to a Parquet part
(a new part whenever the columns change, e.g. a JSON key first seen half-way through);
the merge then reads all parts with ``read_parquet(..., union_by_name=true)`` inside one
DuckDB transaction. The folder is removed afterwards, whatever happened.
"""

from __future__ import annotations

import contextlib
import shutil
import uuid
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Final, Self

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from journeymap.engine.errors import SchemaConflictError
from journeymap.model.canonical import CUSTOMER_ID, TS

_WIDER: Final = {
    pa.int8(): (pa.int16(), pa.int32(), pa.int64(), pa.float64()),
    pa.int16(): (pa.int32(), pa.int64(), pa.float64()),
    pa.int32(): (pa.int64(), pa.float64()),
    pa.int64(): (pa.float64(),),
    pa.float32(): (pa.float64(),),
}


class Staging:
    """Parquet parts under ``folder`` holding an import's good rows (see the module docstring)."""

    def __init__(
        self, folder: Path, *, origin: Callable[[], str], track_order: bool = True
    ) -> None:
        """``track_order=False`` skips the (customer_id, ts) order check: for tables the merge
        sorts anyway, or whose customer id may be null (unlinked feedback)."""
        self.folder = folder / f"import-{uuid.uuid4().hex[:12]}"
        self.parts: list[Path] = []
        self.columns: dict[str, pa.DataType] = {}
        self.rows = 0
        self._origin = origin
        self.ordered = track_order
        """Whether the staged rows so far are sorted by (customer_id, ts) (the merge skips its sort)."""
        self._writer: pq.ParquetWriter | None = None
        self._schema: pa.Schema | None = None
        self._last_key: tuple[object, object] | None = None

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.finish()
        shutil.rmtree(self.folder, ignore_errors=True)
        with contextlib.suppress(OSError):  # the shared parent goes once no import uses it
            self.folder.parent.rmdir()

    def append(self, batch: pa.RecordBatch) -> None:
        """Add the batch's rows (nothing for an empty batch)."""
        if batch.num_rows == 0:
            return
        self._union(batch.schema)
        if self._writer is None or self._schema is None or not batch.schema.equals(self._schema):
            self.finish()
            self.folder.mkdir(parents=True, exist_ok=True)
            part = self.folder / f"part-{len(self.parts):05d}.parquet"
            self._writer = pq.ParquetWriter(part, batch.schema, compression="lz4")
            self._schema = batch.schema
            self.parts.append(part)
        self._writer.write_batch(batch)
        self.rows += batch.num_rows
        if self.ordered and CUSTOMER_ID in batch.schema.names and TS in batch.schema.names:
            self.ordered = self._still_ordered(batch)

    def _still_ordered(self, batch: pa.RecordBatch) -> bool:
        """Whether ``batch`` is sorted by (customer_id, ts) and follows the previous batch."""
        customers, times = batch.column(CUSTOMER_ID), batch.column(TS)
        first = (customers[0].as_py(), times[0].as_py())
        if self._last_key is not None and first < self._last_key:
            return False
        self._last_key = (customers[-1].as_py(), times[-1].as_py())
        if batch.num_rows < 2:
            return True
        head_c, next_c = customers.slice(0, batch.num_rows - 1), customers.slice(1)
        head_t, next_t = times.slice(0, batch.num_rows - 1), times.slice(1)
        backwards = pc.or_(
            pc.greater(head_c, next_c),
            pc.and_(pc.equal(head_c, next_c), pc.greater(head_t, next_t)),
        )
        return not pc.any(backwards).as_py()

    def finish(self) -> None:
        """Close the current part (the parts are then complete Parquet files)."""
        if self._writer is not None:
            self._writer.close()
            self._writer = None

    def relation(self) -> str:
        """SQL reading every part, columns matched by name (missing ones are null)."""
        files = ", ".join("'" + part.as_posix().replace("'", "''") + "'" for part in self.parts)
        return f"read_parquet([{files}], union_by_name = true)"

    def _union(self, schema: pa.Schema) -> None:
        for field in schema:
            existing = self.columns.get(field.name)
            if existing is None:
                self.columns[field.name] = field.type
            elif field.type.equals(existing) or existing in _WIDER.get(field.type, ()):
                continue
            elif field.type in _WIDER.get(existing, ()):
                self.columns[field.name] = field.type
            else:
                raise SchemaConflictError(
                    f"{self._origin()}: column {field.name!r} is {field.type} here but "
                    f"{existing} earlier in this import; give the column one type "
                    f"(e.g. --type {field.name}=float)"
                )
