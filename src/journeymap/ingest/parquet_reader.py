"""Parquet, batch by batch from its row groups; rows are numbered by their 1-based index."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from journeymap.ingest.errors import IngestError
from journeymap.ingest.shaper import RawBatch, Shaper
from journeymap.ingest.source import Chunk, Source


def read_parquet(source: Source) -> Iterator[Chunk]:
    """The chunks of a Parquet file; its column types are kept (no text inference)."""
    try:
        parquet = pq.ParquetFile(source.path)
    except (pa.ArrowInvalid, OSError) as error:
        raise IngestError(source.path, f"not a Parquet file: {error}") from error
    shaper = Shaper(source.path, source.mapping, source.layout, infer=frozenset())
    total = max(parquet.metadata.num_rows, 1)
    size = source.size
    done = 0
    with parquet:
        for batch in parquet.iter_batches(batch_size=source.batch_rows):
            rows = np.arange(done + 1, done + batch.num_rows + 1, dtype=np.int64)
            columns = dict(zip(batch.schema.names, batch.columns, strict=True))
            good, rejects = shaper.shape(RawBatch(columns, rows))
            done += batch.num_rows
            yield Chunk(good, tuple(rejects), batch.num_rows, size * done // total)
