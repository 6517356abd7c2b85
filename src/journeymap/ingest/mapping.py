"""Which source column is the customer, the time, the event: the mapping onto canonical names.

Sources name things their own way (``case_id``, ``timestamp``, ``activity`` in process
mining; ``user_id`` in product analytics). A :class:`ColumnMapping` names the source column
for each canonical column; a field left ``None`` is found by the first alias present in
the source (case-insensitive). Every other column becomes a property, typed explicitly by
``types`` or inferred (see :mod:`journeymap.ingest.convert`).

>>> mapping = ColumnMapping(customer="user", time_format="epoch_ms", timezone="Europe/Berlin")
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Final

import pyarrow as pa

from journeymap.ingest.errors import IngestError
from journeymap.model.canonical import CHANNEL, CUSTOMER_ID, EVENT, EVENT_ID, TS


class PropertyType(StrEnum):
    """The type of a property column."""

    STRING = "string"
    INTEGER = "integer"
    FLOAT = "float"
    BOOLEAN = "boolean"
    DATE = "date"
    TIMESTAMP = "timestamp"

    @property
    def arrow_type(self) -> pa.DataType:
        """The Arrow type that holds this property."""
        return _ARROW_TYPES[self]


_ARROW_TYPES: Final = {
    PropertyType.STRING: pa.string(),
    PropertyType.INTEGER: pa.int64(),
    PropertyType.FLOAT: pa.float64(),
    PropertyType.BOOLEAN: pa.bool_(),
    PropertyType.DATE: pa.date32(),
    PropertyType.TIMESTAMP: pa.timestamp("us", tz="UTC"),
}

EPOCH_FORMATS: Final = {"epoch_s": 1_000_000, "epoch_ms": 1_000, "epoch_us": 1, "epoch_ns": None}
"""Timestamp formats counting from 1970-01-01 UTC, with microseconds per unit (ns divides)."""
TIME_FORMATS: Final = ("iso", *EPOCH_FORMATS)
"""Named timestamp formats; anything containing ``%`` is a strptime pattern instead."""

ALIASES: Final[Mapping[str, tuple[str, ...]]] = {
    CUSTOMER_ID: (CUSTOMER_ID, "customer", "case_id", "case", "case:concept:name", "user_id",
                  "user", "client_id", "account_id"),
    TS: (TS, "timestamp", "time", "time:timestamp", "event_time", "datetime", "date"),
    EVENT: (EVENT, "activity", "concept:name", "event_name", "action", "name"),
    CHANNEL: (CHANNEL, "medium"),
    EVENT_ID: (EVENT_ID, "eventid", "event_uuid"),
}  # fmt: skip
"""Source names tried, in order, for a canonical column the mapping leaves open."""

_FLAGS: Final = {CUSTOMER_ID: "customer", TS: "time", EVENT: "event", CHANNEL: "channel"}


@dataclass(frozen=True)
class ColumnMapping:
    """How a source's columns map onto the canonical events (or customers) table."""

    customer: str | None = None
    ts: str | None = None
    event: str | None = None
    channel: str | None = None
    event_id: str | None = None
    timezone: str = "UTC"
    """Zone of timestamps written without one (naive); zoned timestamps keep their offset."""
    time_format: str | None = None
    """``None`` (ISO 8601, or epoch guessed by magnitude for numbers), ``"iso"``, ``"epoch_s"``,
    ``"epoch_ms"``, ``"epoch_us"``, ``"epoch_ns"``, or a strptime pattern like ``"%d/%m/%Y %H:%M"``."""
    types: Mapping[str, PropertyType] = field(default_factory=dict)
    """Property types to enforce; values that do not fit are rejected as ``wrong-type``."""

    def __post_init__(self) -> None:
        try:
            zoneinfo.ZoneInfo(self.timezone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"unknown time zone {self.timezone!r}; use an IANA name such as "
                "'UTC', 'Europe/Berlin' or 'America/New_York'"
            ) from None
        fmt = self.time_format
        if fmt is not None and fmt not in TIME_FORMATS and "%" not in fmt:
            raise ValueError(
                f"unknown time format {fmt!r}; use one of {', '.join(TIME_FORMATS)} "
                "or a strptime pattern such as '%d/%m/%Y %H:%M'"
            )
        for name, kind in self.types.items():
            if not isinstance(kind, PropertyType):
                raise ValueError(
                    f"type of property {name!r} must be one of "
                    f"{', '.join(PropertyType)}; got {kind!r}"
                )

    def given(self, canonical: str) -> str | None:
        """The source column explicitly named for ``canonical``, if any."""
        return {
            CUSTOMER_ID: self.customer,
            TS: self.ts,
            EVENT: self.event,
            CHANNEL: self.channel,
            EVENT_ID: self.event_id,
        }[canonical]


def resolve_columns(
    mapping: ColumnMapping,
    columns: Sequence[str],
    *,
    path: Path,
    required: Sequence[str],
    optional: Sequence[str] = (),
) -> dict[str, str]:
    """Canonical name -> source column for every required and found optional column.

    A required column that the mapping does not name and no alias finds is an
    :class:`IngestError` listing the file's columns and the flag that names it.
    """
    by_lower = {name.lower(): name for name in reversed(columns)}
    resolved: dict[str, str] = {}
    for canonical in (*required, *optional):
        named = mapping.given(canonical)
        if named is not None:
            if named not in columns:
                raise IngestError(
                    path,
                    f"the {canonical} column {named!r} is not in the file; its columns are "
                    f"{_listing(columns)}",
                )
            resolved[canonical] = named
            continue
        found = next(
            (by_lower[a.lower()] for a in ALIASES[canonical] if a.lower() in by_lower), None
        )
        if found is not None:
            resolved[canonical] = found
        elif canonical in required:
            flag = _FLAGS.get(canonical, canonical)
            raise IngestError(
                path,
                f"no {canonical} column: none of {', '.join(ALIASES[canonical])} is in the file "
                f"(its columns are {_listing(columns)}); name it with --{flag} COLUMN",
            )
    taken = list(resolved.values())
    if len(set(taken)) != len(taken):
        raise IngestError(path, f"one source column is mapped twice: {resolved}")
    return resolved


def _listing(columns: Sequence[str]) -> str:
    shown = ", ".join(columns[:20])
    return shown + (f" and {len(columns) - 20} more" if len(columns) > 20 else "") or "(none)"
