"""Raw columns of one file -> canonical rows plus rejects, consistently from batch to batch.

Every reader hands its rows to a :class:`Shaper` as a :class:`RawBatch` (source column name
-> Arrow array, 1-based row numbers). The shaper maps columns onto canonical names, decodes
bytes, parses timestamps, types properties, and splits the rows into good ones (a canonical
:class:`pyarrow.RecordBatch`) and :class:`Reject` records, one per bad row.

A property's type is fixed the first time the file shows the column (explicit type, then
the type the source declares, then inference for text, else the Arrow type as read), so
every batch of a file has the same schema and the store never sees a column change type
half-way through a file.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Final

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from journeymap.ingest.casting import cast_or_null, convert_or_null, failed
from journeymap.ingest.convert import blank_to_null, decode_utf8, infer_type, to_property
from journeymap.ingest.errors import IngestError
from journeymap.ingest.mapping import ColumnMapping, PropertyType, resolve_columns
from journeymap.ingest.rejects import Reject, RejectKind
from journeymap.ingest.timestamps import UTC_MICROS, parse_timestamps
from journeymap.model.canonical import (
    CHANNEL,
    CUSTOMER_ID,
    EVENT,
    EVENT_COLUMNS,
    EVENT_ID,
    STAGE,
    STAGE_INDEX,
    TOUCHPOINT,
    TOUCHPOINT_INDEX,
    TS,
)

_Message = Callable[[str | None], str]


class Layout(Enum):
    """Which canonical table a file feeds."""

    EVENTS = "events"
    CUSTOMERS = "customers"

    @property
    def required(self) -> tuple[str, ...]:
        """Canonical columns the source must have."""
        return (CUSTOMER_ID, TS, EVENT) if self is Layout.EVENTS else (CUSTOMER_ID,)

    @property
    def optional(self) -> tuple[str, ...]:
        """Canonical columns taken when the source has them."""
        return (CHANNEL, EVENT_ID) if self is Layout.EVENTS else ()

    @property
    def reserved(self) -> frozenset[str]:
        """Names a property may not take (they mean something in the table or in matching)."""
        if self is Layout.CUSTOMERS:
            return frozenset({CUSTOMER_ID})
        return frozenset({*EVENT_COLUMNS, TOUCHPOINT, STAGE, STAGE_INDEX, TOUCHPOINT_INDEX})


@dataclass
class RawBatch:
    """Rows as a reader found them: source columns (any Arrow type) and their row numbers."""

    columns: dict[str, pa.Array]
    rows: np.ndarray
    """1-based source row numbers, one per row (int64)."""
    undecodable: dict[str, np.ndarray] = field(default_factory=dict)
    """Per column, a mask of values whose bytes were not UTF-8 (the reader replaced them)."""


_TIME_FORMAT_NAMES: Final = {
    None: "ISO 8601 or epoch number",
    "iso": "ISO 8601, e.g. 2024-03-01T14:32:00Z",
    "epoch_s": "epoch seconds",
    "epoch_ms": "epoch milliseconds",
    "epoch_us": "epoch microseconds",
    "epoch_ns": "epoch nanoseconds",
}


@dataclass
class Shaper:
    """Canonicalises the raw batches of one file (see the module docstring)."""

    path: Path
    mapping: ColumnMapping
    layout: Layout
    declared: Mapping[str, PropertyType] = field(default_factory=dict)
    """Property types the source itself declares (XES attribute types)."""
    infer: frozenset[str] | None = None
    """Text columns whose type is inferred; ``None`` means every text column (CSV)."""
    _resolved: dict[str, str] | None = field(default=None, init=False)
    _types: dict[str, PropertyType | pa.DataType] = field(default_factory=dict, init=False)

    def shape(self, raw: RawBatch) -> tuple[pa.RecordBatch, list[Reject]]:
        """The good rows in canonical form, and one reject per bad row."""
        resolved = self.resolve(list(raw.columns))
        check = _Checker(self.path.name, raw.rows)
        for name, mask in raw.undecodable.items():
            check.flag(mask, name, RejectKind.UNDECODABLE, raw.columns[name], _not_utf8)
        columns = {name: self._decode(name, values, check) for name, values in raw.columns.items()}
        out: dict[str, pa.Array] = {}
        if self.layout is Layout.EVENTS:
            out[EVENT_ID] = self._text(columns, resolved.get(EVENT_ID), check, None)
        out[CUSTOMER_ID] = self._text(
            columns, resolved[CUSTOMER_ID], check, RejectKind.MISSING_CUSTOMER
        )
        if self.layout is Layout.EVENTS:
            out[TS] = self._timestamps(columns[resolved[TS]], resolved[TS], check)
            out[EVENT] = self._text(columns, resolved[EVENT], check, RejectKind.MISSING_EVENT)
            out[CHANNEL] = self._text(columns, resolved.get(CHANNEL), check, None)
        mapped = set(resolved.values())
        for name, values in columns.items():
            if name not in mapped:
                out[name] = self._property(name, values, check)
        good = ~check.bad
        if not good.all():
            keep = pa.array(np.flatnonzero(good))
            out = {name: values.take(keep) for name, values in out.items()}
        return pa.RecordBatch.from_pydict(out), sorted(check.rejects, key=lambda r: r.row)

    def resolve(self, names: Sequence[str]) -> dict[str, str]:
        if self._resolved is None:
            self._resolved = resolve_columns(
                self.mapping,
                names,
                path=self.path,
                required=self.layout.required,
                optional=self.layout.optional,
            )
        mapped = set(self._resolved.values())
        properties = [name for name in names if name not in mapped]
        _check_property_names(self.path, properties, self.layout.reserved)
        missing = [c for c in self.layout.required if self._resolved[c] not in names]
        if missing:
            raise IngestError(self.path, f"the {missing[0]} column disappeared part-way through")
        return self._resolved

    @staticmethod
    def _decode(name: str, values: pa.Array, check: _Checker) -> pa.Array:
        if pa.types.is_string(values.type):
            # Some readers (Arrow's JSON) pass invalid UTF-8 through; one pass checks.
            try:
                values.validate(full=True)
            except pa.ArrowInvalid:
                values = values.view(pa.binary())
        if not pa.types.is_binary(values.type):
            return values
        text, bad = decode_utf8(values)
        check.flag(bad, name, RejectKind.UNDECODABLE, values, _not_utf8)
        return text

    @staticmethod
    def _text(
        columns: Mapping[str, pa.Array],
        source: str | None,
        check: _Checker,
        missing: RejectKind | None,
    ) -> pa.Array:
        if source is None:
            return pa.nulls(check.size, pa.string())
        values = columns[source]
        if pa.types.is_dictionary(values.type):
            values = values.cast(values.type.value_type)
        text = blank_to_null(cast_or_null(values, pa.string()))
        if missing is not None:
            absent = np.asarray(text.is_null().to_numpy(zero_copy_only=False), dtype=bool)
            what = "customer id" if missing is RejectKind.MISSING_CUSTOMER else "event name"
            check.flag(
                absent,
                source,
                missing,
                values,
                lambda raw: f"no {what} (column {source!r} is empty)",
            )
        return text

    def _timestamps(self, values: pa.Array, source: str, check: _Checker) -> pa.Array:
        fmt = self.mapping.time_format
        parsed = parse_timestamps(values, time_format=fmt, timezone=self.mapping.timezone)
        if pa.types.is_string(values.type):
            values = blank_to_null(values)
        absent = np.asarray(values.is_null().to_numpy(zero_copy_only=False), dtype=bool)
        check.flag(
            absent,
            source,
            RejectKind.MISSING_TIMESTAMP,
            values,
            lambda raw: f"no timestamp (column {source!r} is empty)",
        )
        expected = _TIME_FORMAT_NAMES.get(fmt, f"format {fmt!r}")
        check.flag(
            failed(values, parsed), source, RejectKind.BAD_TIMESTAMP, values,
            lambda raw: f"{raw!r} is not a timestamp (expected {expected})",
        )  # fmt: skip
        return parsed

    def _property(self, name: str, values: pa.Array, check: _Checker) -> pa.Array:
        kind = self._types.get(name)
        if kind is None:
            kind = self._types[name] = self._type_of(name, values)
        if isinstance(kind, PropertyType):
            converted = to_property(values, kind, timezone=self.mapping.timezone)
            described = f"{'an' if kind.value[0] in 'aeiou' else 'a'} {kind.value}"
        else:
            target = kind
            converted = convert_or_null(values, lambda part: pc.cast(part, target), target)
            described = f"of type {kind}"
        if isinstance(kind, PropertyType) and pa.types.is_string(values.type):
            values = blank_to_null(values)
        check.flag(
            failed(values, converted), name, RejectKind.WRONG_TYPE, values,
            lambda raw: f"{raw!r} is not {described}",
        )  # fmt: skip
        return converted

    def _type_of(self, name: str, values: pa.Array) -> PropertyType | pa.DataType:
        if name in self.mapping.types:
            return self.mapping.types[name]
        if name in self.declared:
            return self.declared[name]
        kind = values.type
        if pa.types.is_string(kind) and (self.infer is None or name in self.infer):
            return infer_type(values)
        if pa.types.is_dictionary(kind):
            return kind.value_type
        if pa.types.is_large_string(kind) or pa.types.is_null(kind):
            return pa.string()
        if pa.types.is_timestamp(kind):
            return UTC_MICROS
        return kind


class _Checker:
    """Collects one reject per bad row: the first problem found wins."""

    def __init__(self, file: str, rows: np.ndarray) -> None:
        self.file = file
        self.rows = rows
        self.size = len(rows)
        self.bad = np.zeros(self.size, dtype=bool)
        self.rejects: list[Reject] = []

    def flag(
        self, mask: np.ndarray, column: str, kind: RejectKind, values: pa.Array, message: _Message
    ) -> None:
        new = mask & ~self.bad
        for index in np.flatnonzero(new):
            raw = _raw_text(values[int(index)].as_py())
            self.rejects.append(
                Reject(self.file, int(self.rows[index]), column, kind, message(raw), raw)
            )
        self.bad |= mask


def _not_utf8(raw: str | None) -> str:
    return "bytes that are not UTF-8 text (binary junk?)"


def _raw_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="backslashreplace")
    return str(value)


def _check_property_names(path: Path, names: Sequence[str], reserved: frozenset[str]) -> None:
    seen: dict[str, str] = {}
    for position, name in enumerate(names, start=1):
        if not name.strip():
            raise IngestError(
                path, f"property column {position} has no name; give it one in the header"
            )
        if name in reserved:
            raise IngestError(
                path,
                f"column {name!r} is not mapped but its name is reserved for the canonical "
                "column; map it (e.g. --customer/--time/--event/--channel) or rename it",
            )
        folded = name.casefold()
        if folded in seen:
            raise IngestError(
                path, f"columns {seen[folded]!r} and {name!r} differ only in case; rename one"
            )
        seen[folded] = name
