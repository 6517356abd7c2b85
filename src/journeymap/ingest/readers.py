"""The reader for each format, in one registry (a new format registers here)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from journeymap.ingest.csv_reader import read_csv
from journeymap.ingest.jsonl_reader import read_jsonl
from journeymap.ingest.parquet_reader import read_parquet
from journeymap.ingest.source import Reader, SourceFormat
from journeymap.ingest.xes_reader import read_xes

READERS: Final[Mapping[SourceFormat, Reader]] = {
    SourceFormat.CSV: read_csv,
    SourceFormat.PARQUET: read_parquet,
    SourceFormat.JSONL: read_jsonl,
    SourceFormat.XES: read_xes,
}
