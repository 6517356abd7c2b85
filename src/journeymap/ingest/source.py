"""A file to import, read lazily: its format, size, and an iterator of :class:`Chunk`.

``read_events(path)`` and ``read_customers(path)`` only look at the name; reading starts
when the source is iterated, one chunk (about ``batch_rows`` rows) at a time, so any file
size streams in bounded memory. Formats come from the extension (``.csv``, ``.tsv``,
``.tab``, ``.parquet``, ``.jsonl``/``.ndjson``/``.json``, ``.xes``, each optionally ``.gz``
except Parquet, which compresses inside) or are named explicitly.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Final

import pyarrow as pa

from journeymap.ingest.errors import IngestError
from journeymap.ingest.mapping import ColumnMapping
from journeymap.ingest.rejects import Reject
from journeymap.ingest.shaper import Layout

BATCH_ROWS: Final = 100_000
"""Rows per chunk: big enough for vectorised work, small enough for flat memory."""


class SourceFormat(StrEnum):
    """File formats journeymap imports."""

    CSV = "csv"
    PARQUET = "parquet"
    JSONL = "jsonl"
    XES = "xes"


_EXTENSIONS: Final = {
    ".csv": SourceFormat.CSV,
    ".tsv": SourceFormat.CSV,
    ".tab": SourceFormat.CSV,
    ".txt": SourceFormat.CSV,
    ".parquet": SourceFormat.PARQUET,
    ".pq": SourceFormat.PARQUET,
    ".jsonl": SourceFormat.JSONL,
    ".ndjson": SourceFormat.JSONL,
    ".json": SourceFormat.JSONL,
    ".xes": SourceFormat.XES,
}
_DELIMITERS: Final = {".tsv": "\t", ".tab": "\t"}


@dataclass(frozen=True)
class Chunk:
    """Some consecutive rows of a file: the good ones in canonical form, and the rejects."""

    batch: pa.RecordBatch
    rejects: tuple[Reject, ...]
    rows_read: int
    """Source rows this chunk covers, imported and rejected."""
    bytes_done: int
    """How far into the file (bytes, of the file as stored) reading has come."""


Reader = Callable[["Source"], Iterator[Chunk]]


@dataclass(frozen=True)
class Source:
    """One file to import; iterate it for its chunks (each iteration reads the file again)."""

    path: Path
    format: SourceFormat
    layout: Layout
    mapping: ColumnMapping
    delimiter: str
    batch_rows: int

    @property
    def size(self) -> int:
        """Bytes of the file as stored (compressed size for ``.gz``)."""
        return self.path.stat().st_size

    @property
    def compressed(self) -> bool:
        """Whether the file is gzip-compressed (by its name)."""
        return self.path.suffix.lower() == ".gz"

    def __iter__(self) -> Iterator[Chunk]:
        if not self.path.is_file():
            raise IngestError(self.path, "no such file")
        from journeymap.ingest.readers import READERS  # the readers depend on this module

        return READERS[self.format](self)


def read_events(
    path: Path | str,
    *,
    mapping: ColumnMapping | None = None,
    format: SourceFormat | str | None = None,
    delimiter: str | None = None,
    batch_rows: int = BATCH_ROWS,
) -> Source:
    """An event file to import; its chunks hold canonical events (see :mod:`journeymap.ingest`).

    >>> for chunk in read_events("events.csv", mapping=ColumnMapping(customer="user")):  # doctest: +SKIP
    ...     print(chunk.batch.num_rows, len(chunk.rejects))
    """
    return _source(path, Layout.EVENTS, mapping, format, delimiter, batch_rows)


def read_customers(
    path: Path | str,
    *,
    customer_column: str | None = None,
    mapping: ColumnMapping | None = None,
    format: SourceFormat | str | None = None,
    delimiter: str | None = None,
    batch_rows: int = BATCH_ROWS,
) -> Source:
    """A customers file (CSV, Parquet or JSON Lines): a customer id column, the rest properties."""
    base = mapping or ColumnMapping()
    if customer_column is not None:
        base = ColumnMapping(customer=customer_column, timezone=base.timezone, types=base.types)
    source = _source(path, Layout.CUSTOMERS, base, format, delimiter, batch_rows)
    if source.format is SourceFormat.XES:
        raise IngestError(
            source.path, "XES holds events, not customers; use a CSV, Parquet or JSON Lines file"
        )
    return source


def detect_format(path: Path) -> tuple[SourceFormat, str]:
    """The format and the CSV delimiter a file's name implies."""
    suffixes = [suffix.lower() for suffix in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes.pop()
    extension = suffixes[-1] if suffixes else ""
    if extension not in _EXTENSIONS:
        known = ", ".join(sorted(_EXTENSIONS))
        raise IngestError(
            path,
            f"cannot tell the format from the name (known extensions: {known}, optionally .gz); "
            "name it with --input-format csv|parquet|jsonl|xes",
        )
    return _EXTENSIONS[extension], _DELIMITERS.get(extension, ",")


def _source(
    path: Path | str,
    layout: Layout,
    mapping: ColumnMapping | None,
    format: SourceFormat | str | None,
    delimiter: str | None,
    batch_rows: int,
) -> Source:
    path = Path(path)
    if format is None:
        kind, implied = detect_format(path)
    else:
        try:
            kind = SourceFormat(format)
        except ValueError:
            raise ValueError(
                f"unknown format {format!r}; use one of {', '.join(SourceFormat)}"
            ) from None
        implied = _DELIMITERS.get(path.suffix.lower(), ",")
    if delimiter is not None and len(delimiter) != 1:
        raise ValueError(f"the delimiter must be one character; got {delimiter!r}")
    if kind is SourceFormat.PARQUET and path.suffix.lower() == ".gz":
        raise IngestError(path, "Parquet compresses inside the file; decompress the .gz first")
    if batch_rows < 1:
        raise ValueError(f"batch_rows must be at least 1; got {batch_rows}")
    return Source(path, kind, layout, mapping or ColumnMapping(), delimiter or implied, batch_rows)
