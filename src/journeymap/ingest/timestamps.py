"""Timestamps from any source representation to UTC microseconds, vectorised.

Accepted, per :attr:`ColumnMapping.time_format`:

- ISO 8601 text (the default): ``2024-03-01``, ``2024-03-01 14:32``, ``2024-03-01T14:32:00.123``,
  with or without a zone (``Z``, ``+01``, ``+0100``, ``+01:00``). Values without a zone are read
  in the mapping's time zone; in a daylight-saving overlap the earlier instant wins, in a gap the instant clocks jumped to.
  More than six fractional digits are truncated to microseconds.
- Epoch numbers (``epoch_s``, ``epoch_ms``, ``epoch_us``, ``epoch_ns``); with no format given,
  numbers are epoch values whose unit is guessed per value by magnitude (below 1e11 seconds,
  below 1e14 milliseconds, below 1e17 microseconds, else nanoseconds).
- A strptime pattern (anything with ``%``), e.g. ``%d/%m/%Y %H:%M``; with ``%z`` the offset is
  honoured, without it the mapping's time zone applies.
- Already-typed timestamps (Parquet, Arrow) are converted to UTC; naive ones are read in the
  mapping's time zone. Dates become midnight in that zone.

Values that do not parse come back null; callers compare with the input to reject them.
"""

from __future__ import annotations

from typing import Final

import pyarrow as pa
import pyarrow.compute as pc

from journeymap.ingest.casting import cast_or_null
from journeymap.ingest.mapping import EPOCH_FORMATS

UTC_MICROS: Final = pa.timestamp("us", tz="UTC")

_DATE_TIME = r"[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?)?"
_ZONED: Final = rf"^{_DATE_TIME}\s*(Z|z|[+-][0-9]{{2}}(:?[0-9]{{2}})?)$"
_NAIVE: Final = rf"^{_DATE_TIME}$"
_NUMBER: Final = r"^[+-]?[0-9]+(\.[0-9]*)?([eE][+-]?[0-9]+)?$"


def parse_timestamps(values: pa.Array, *, time_format: str | None, timezone: str) -> pa.Array:
    """``values`` as ``timestamp[us, UTC]``; null where a value does not parse."""
    kind = values.type
    if pa.types.is_null(kind):
        return pa.nulls(len(values), UTC_MICROS)
    if pa.types.is_timestamp(kind):
        if kind.tz is None:
            return _localise(values, timezone)
        return _cast(values, UTC_MICROS)
    if pa.types.is_date(kind):
        return _localise(pc.cast(values, pa.timestamp("us")), timezone)
    if pa.types.is_integer(kind) or pa.types.is_floating(kind):
        return _from_epoch(values, time_format)
    if pa.types.is_dictionary(kind):
        return parse_timestamps(
            values.cast(kind.value_type), time_format=time_format, timezone=timezone
        )
    if not (pa.types.is_string(kind) or pa.types.is_large_string(kind)):
        return pa.nulls(len(values), UTC_MICROS)
    text = pc.utf8_trim_whitespace(values.cast(pa.string()))
    if time_format is not None and "%" in time_format:
        return _strptime(text, time_format, timezone)
    if time_format in EPOCH_FORMATS:
        numbers = _cast(text, pa.float64())
        return _from_epoch(numbers, time_format)
    return _from_iso(text, timezone, numbers_are_epoch=time_format is None)


def _from_iso(text: pa.Array, timezone: str, *, numbers_are_epoch: bool) -> pa.Array:
    try:  # Fast path: every value carries its zone (XES, most exports); one cast does it all.
        return pc.cast(text, UTC_MICROS)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        pass
    # Arrow parses at most microseconds and no blank before the zone; normalise both.
    text = pc.replace_substring_regex(text, r"(\.[0-9]{6})[0-9]+", r"\1")
    text = pc.replace_substring_regex(text, r"\s+([Zz+-][0-9:]*)$", r"\1")
    null = pa.scalar(None, pa.string())
    zoned = pc.if_else(pc.match_substring_regex(text, _ZONED), text, null)
    naive = pc.if_else(pc.match_substring_regex(text, _NAIVE), text, null)
    parts = [_cast(zoned, UTC_MICROS), _localise(_cast(naive, pa.timestamp("us")), timezone)]
    if numbers_are_epoch:
        numeric = pc.if_else(pc.match_substring_regex(text, _NUMBER), text, null)
        parts.append(_from_epoch(_cast(numeric, pa.float64()), None))
    return pc.coalesce(*parts)


def _strptime(text: pa.Array, pattern: str, timezone: str) -> pa.Array:
    parsed = pc.strptime(text, format=pattern, unit="us", error_is_null=True)
    if parsed.type.tz is None:
        return _localise(parsed, timezone)
    return parsed.cast(UTC_MICROS)


def _from_epoch(numbers: pa.Array, time_format: str | None) -> pa.Array:
    values = _cast(numbers, pa.float64())
    if time_format is None:
        magnitude = pc.abs(values)
        scale = pc.if_else(
            pc.less(magnitude, 1e11),
            1e6,
            pc.if_else(
                pc.less(magnitude, 1e14), 1e3, pc.if_else(pc.less(magnitude, 1e17), 1.0, 1e-3)
            ),
        )
    else:
        per_unit = EPOCH_FORMATS[time_format]
        scale = pa.scalar(1e-3 if per_unit is None else float(per_unit))
    micros = pc.round(pc.multiply(values, scale))
    # Out-of-range numbers (beyond year 294,000) would overflow; they are not timestamps.
    in_range = pc.and_(pc.greater(micros, -9.2e18), pc.less(micros, 9.2e18))
    micros = pc.if_else(in_range, micros, pa.scalar(None, pa.float64()))
    return _cast(_cast(micros, pa.int64()), UTC_MICROS)


def _localise(naive: pa.Array, timezone: str) -> pa.Array:
    if timezone == "UTC":
        return _cast(naive, pa.timestamp("us")).cast(UTC_MICROS)
    local = pc.assume_timezone(
        _cast(naive, pa.timestamp("us")),
        timezone=timezone,
        ambiguous="earliest",
        nonexistent="latest",
    )
    return local.cast(UTC_MICROS)


def _cast(values: pa.Array, target: pa.DataType) -> pa.Array:
    # Unit changes truncate (nanoseconds to microseconds) rather than reject.
    safe = not (pa.types.is_timestamp(values.type) and pa.types.is_timestamp(target))
    return cast_or_null(values, target, safe=safe)
