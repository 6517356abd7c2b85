"""The canonical feedback batch: fixed columns in order, then text properties.

Every feedback reader ends here, so every batch of every file has the same fixed schema
(``feedback_id, customer_id, ts, source, subject, text, rating, thread_id``, then the
linking aid ``sender`` and the reader's ``notes``) and the engine never sees a fixed column
change type. Properties (``order_id``, ``product``...) are kept as text.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Final

import pyarrow as pa

from journeymap.ingest.feedback.source import NOTES, SENDER
from journeymap.ingest.timestamps import UTC_MICROS
from journeymap.model.canonical import (
    CUSTOMER_ID,
    FEEDBACK_COLUMNS,
    FEEDBACK_ID,
    RATING,
    SOURCE,
    SUBJECT,
    TEXT,
    THREAD_ID,
    TS,
)

FIXED_TYPES: Final[Mapping[str, pa.DataType]] = {
    FEEDBACK_ID: pa.string(),
    CUSTOMER_ID: pa.string(),
    TS: UTC_MICROS,
    SOURCE: pa.string(),
    SUBJECT: pa.string(),
    TEXT: pa.string(),
    RATING: pa.float64(),
    THREAD_ID: pa.string(),
    SENDER: pa.string(),
    NOTES: pa.string(),
}
"""The fixed columns of a feedback batch and their Arrow types, in order."""

RESERVED: Final = frozenset(FIXED_TYPES) | frozenset(FEEDBACK_COLUMNS)
"""Names a property column may not take."""


def feedback_batch(
    columns: Mapping[str, pa.Array | Sequence[object]],
    *,
    size: int,
    properties: Sequence[str] = (),
) -> pa.RecordBatch:
    """A batch with every fixed column (null where ``columns`` lacks it), then ``properties``."""
    arrays: dict[str, pa.Array] = {}
    for name, kind in FIXED_TYPES.items():
        arrays[name] = _array(columns.get(name), kind, size)
    for name in properties:
        arrays[name] = _array(columns.get(name), pa.string(), size)
    return pa.RecordBatch.from_pydict(arrays)


def _array(values: pa.Array | Sequence[object] | None, kind: pa.DataType, size: int) -> pa.Array:
    if values is None:
        return pa.nulls(size, kind)
    if isinstance(values, pa.Array | pa.ChunkedArray):
        return values.cast(kind) if not values.type.equals(kind) else values
    return pa.array(values, kind)
