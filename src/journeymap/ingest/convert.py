"""Vectorised conversion of source values to property types, and type inference for text.

Inference (:func:`infer_type`) types a text column from its first batch, once per file:
``true``/``false`` -> boolean; integers without leading zeros -> integer (so ``"00123"``
stays a string id); decimals (also without leading zeros) -> float; ``YYYY-MM-DD`` -> date; ISO 8601 date-times ->
timestamp; anything else -> string. A later value that does not fit is rejected as
``wrong-type`` rather than silently widening the column; name the type explicitly
(``ColumnMapping.types``) to override.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from journeymap.ingest.casting import cast_or_null, convert_or_null, failed
from journeymap.ingest.mapping import PropertyType
from journeymap.ingest.timestamps import parse_timestamps

_INFERENCE: Final = (
    (PropertyType.BOOLEAN, r"^(?i:true|false)$"),
    (PropertyType.INTEGER, r"^[+-]?(0|[1-9][0-9]{0,17})$"),
    (PropertyType.FLOAT, r"^[+-]?((0|[1-9][0-9]*)(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$"),
    (PropertyType.DATE, r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"),
    (PropertyType.TIMESTAMP, r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}"),
)
_TRUE: Final = pa.array(["true", "t", "yes", "y", "1"])
_FALSE: Final = pa.array(["false", "f", "no", "n", "0"])


def decode_utf8(values: pa.Array) -> tuple[pa.Array, np.ndarray]:
    """Binary -> string, and a mask of the elements that are not valid UTF-8 (now null)."""
    text = cast_or_null(values, pa.string())
    return text, failed(values, text)


def blank_to_null(values: pa.Array) -> pa.Array:
    """Text with empty or whitespace-only values made null (they mean "not given")."""
    trimmed = pc.utf8_trim_whitespace(values)
    return pc.if_else(pc.equal(trimmed, ""), pa.scalar(None, pa.string()), trimmed)


def infer_type(values: pa.Array) -> PropertyType:
    """The narrowest property type every non-null text value of ``values`` fits."""
    present = pc.drop_null(blank_to_null(values))
    if len(present) == 0:
        return PropertyType.STRING
    for kind, pattern in _INFERENCE:
        if pc.all(pc.match_substring_regex(present, pattern)).as_py():
            return kind
    return PropertyType.STRING


def to_property(values: pa.Array, kind: PropertyType, *, timezone: str) -> pa.Array:
    """Convert a column to ``kind``; elements that do not fit become null (see :func:`failed`)."""
    target = kind.arrow_type
    if pa.types.is_null(values.type):
        return pa.nulls(len(values), target)
    if values.type.equals(target):
        return values
    if pa.types.is_string(values.type) or pa.types.is_large_string(values.type):
        return _text_to_property(blank_to_null(values), kind, timezone=timezone)
    if kind is PropertyType.TIMESTAMP:
        return parse_timestamps(values, time_format=None, timezone=timezone)
    if kind is PropertyType.STRING:
        return cast_or_null(values, pa.string())
    return convert_or_null(values, lambda part: pc.cast(part, target, safe=True), target)


def _text_to_property(values: pa.Array, kind: PropertyType, *, timezone: str) -> pa.Array:
    if kind is PropertyType.STRING:
        return values
    if kind is PropertyType.TIMESTAMP:
        return parse_timestamps(values, time_format="iso", timezone=timezone)
    if kind is PropertyType.BOOLEAN:
        lowered = pc.utf8_lower(values)
        unknown = pa.scalar(None, pa.bool_())
        truth = pc.if_else(pc.is_in(lowered, _TRUE), pa.scalar(True), unknown)
        return pc.if_else(pc.is_in(lowered, _FALSE), pa.scalar(False), truth)
    return cast_or_null(values, kind.arrow_type)
