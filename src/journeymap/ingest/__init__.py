"""The outside world's files -> canonical tables (events, customers), with rejects.

``read_events(path)`` opens CSV/TSV (optionally gzip), Parquet, JSON Lines or XES by its
extension and yields :class:`Chunk` objects: a :class:`pyarrow.RecordBatch` of good rows in
the canonical schema (``event_id, customer_id, ts, event, channel``, then one typed column
per property) and the :class:`Reject` records of bad rows, never dropped silently. A
:class:`ColumnMapping` says which source column is which, the time zone of naive
timestamps and the timestamp format. ``event_id`` is null where the source has none; the
engine derives a content hash for those rows when it stores them.

Nothing here knows a database: :mod:`journeymap.engine` writes the chunks.

>>> source = read_events("events.csv", mapping=ColumnMapping(customer="user_id"))  # doctest: +SKIP
>>> rows = sum(chunk.batch.num_rows for chunk in source)  # doctest: +SKIP
"""

from journeymap.ingest.errors import IngestError
from journeymap.ingest.mapping import ALIASES, TIME_FORMATS, ColumnMapping, PropertyType
from journeymap.ingest.rejects import REJECT_FILE_COLUMNS, Reject, RejectKind, reject_record
from journeymap.ingest.shaper import Layout
from journeymap.ingest.source import (
    BATCH_ROWS,
    Chunk,
    Source,
    SourceFormat,
    detect_format,
    read_customers,
    read_events,
)

__all__ = [
    "ALIASES",
    "BATCH_ROWS",
    "REJECT_FILE_COLUMNS",
    "TIME_FORMATS",
    "Chunk",
    "ColumnMapping",
    "IngestError",
    "Layout",
    "PropertyType",
    "Reject",
    "RejectKind",
    "Source",
    "SourceFormat",
    "detect_format",
    "read_customers",
    "read_events",
    "reject_record",
]
