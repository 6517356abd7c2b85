"""Reading a whole source in tests: all good rows as one table, all rejects."""

from __future__ import annotations

import pyarrow as pa

from journeymap.ingest import Reject, Source


def read_all(source: Source) -> tuple[pa.Table, list[Reject], int]:
    """(good rows, rejects, rows read) of a whole source."""
    batches = []
    rejects: list[Reject] = []
    rows_read = 0
    for chunk in source:
        if chunk.batch.num_rows:
            batches.append(chunk.batch)
        rejects.extend(chunk.rejects)
        rows_read += chunk.rows_read
    table = pa.Table.from_batches(batches) if batches else pa.table({})
    return table, rejects, rows_read


def kinds(rejects: list[Reject]) -> set[tuple[int, str]]:
    """The (row, reason kind) set the acceptance tests compare exactly."""
    return {(reject.row, str(reject.kind)) for reject in rejects}
