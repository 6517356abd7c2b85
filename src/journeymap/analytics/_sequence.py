"""Building blocks for sequence analytics that every engine runs the same way.

Customer event order is ``(ts, event_id)``: timestamps first, the event id breaking ties,
so "next", "previous" and "after" are well defined even when two events share a time.
Durations are computed on whole milliseconds since the epoch (``floor(epoch seconds)``
plus the millisecond field), because that is what DuckDB and Spark both extract exactly.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, cast

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from ibis.common.exceptions import UnsupportedOperationError

from journeymap.model.canonical import CUSTOMER_ID, EVENT_ID, TS

SEQ = "_seq"
"""0-based position of an event in its customer's order ``(ts, event_id)``."""
MS = "_ms"
"""The event time as integer milliseconds since the epoch."""


def epoch_ms(ts: ir.TimestampValue) -> ir.IntegerValue:
    """Milliseconds since the epoch, the same on DuckDB and Spark (sub-ms digits dropped)."""
    seconds: Any = ts.epoch_seconds().cast("float64").floor().cast("int64")
    return cast(ir.IntegerValue, seconds * 1000 + ts.millisecond().cast("int64"))


def customer_order(table: ibis.Table) -> list[Any]:
    """The sort keys of a customer's events: time, then event id when there is one."""
    keys: list[Any] = [table[TS]]
    if EVENT_ID in table.columns:
        keys.append(table[EVENT_ID])
    return keys


def with_sequence(table: ibis.Table) -> ibis.Table:
    """``table`` plus :data:`SEQ` and :data:`MS`."""
    window = ibis.window(group_by=table[CUSTOMER_ID], order_by=customer_order(table))
    return table.mutate(**{SEQ: ibis.row_number().over(window), MS: epoch_ms(table[TS])})


def earliest_after(
    anchors: ibis.Table,
    anchor_ms: ir.IntegerValue,
    anchor_seq: ir.IntegerValue,
    events: ibis.Table,
    targets: Mapping[str, str],
    *,
    inclusive: bool = False,
) -> ibis.Table:
    """For every anchor row, the earliest event of each target kind after the anchor.

    ``anchors`` holds one row per anchor (with a customer id); its position in the customer's
    order is ``(anchor_ms, anchor_seq)``: an event's position is ``(MS, SEQ)``, so an anchor
    at ``(ms, -1)`` means "from this time on". ``events`` carries ``MS`` and ``SEQ``; each
    target names a boolean column of ``events`` that marks its events. The result is ``anchors`` plus, per target name,
    ``{name}_seq``, ``{name}_ms`` and ``{name}_ts`` of the first matching event strictly
    after the anchor (at or after it when ``inclusive``), null when there is none.

    It is one union and one window per call, no join: anchors and candidate events are
    sorted together newest first, and a running minimum over the rows already seen is the
    earliest later event (a descending running frame is linear on every engine, where an
    "unbounded following" frame is quadratic on Spark).
    """
    names = list(targets)
    anchor_columns = list(anchors.columns)
    schema = anchors.schema()
    key_ms, key_seq, kind = "_key_ms", "_key_seq", "_kind"
    # For equal keys the anchor sorts first (strictly after) or last (inclusive).
    anchor_kind, event_kind = (1, 0) if inclusive else (0, 1)
    parts: dict[str, tuple[str, Any]] = {
        "seq": (SEQ, ibis.dtype("int64")),
        "ms": (MS, ibis.dtype("int64")),
        "ts": (TS, events[TS].type()),
    }

    def null_of(dtype: Any) -> Any:
        return ibis.null().cast(dtype)

    anchor_rows = anchors.select(
        *anchor_columns,
        **{key_ms: anchor_ms.cast("int64"), key_seq: anchor_seq.cast("int64")},
        **{kind: ibis.literal(anchor_kind, "int8")},
        **{f"{n}_{part}": null_of(t) for n in names for part, (_, t) in parts.items()},
    )
    candidates = events.filter(ibis.or_(*[events[c] for c in targets.values()]))
    event_rows = candidates.select(
        **{c: null_of(schema[c]) for c in anchor_columns if c != CUSTOMER_ID},
        **{CUSTOMER_ID: candidates[CUSTOMER_ID]},
        **{key_ms: candidates[MS].cast("int64"), key_seq: candidates[SEQ].cast("int64")},
        **{kind: ibis.literal(event_kind, "int8")},
        **{
            f"{n}_{part}": ibis.ifelse(candidates[targets[n]], candidates[column], null_of(t))
            for n in names
            for part, (column, t) in parts.items()
        },
    ).select(anchor_rows.columns)
    both = anchor_rows.union(event_rows)
    window = ibis.window(
        group_by=both[CUSTOMER_ID],
        order_by=[ibis.desc(both[key_ms]), ibis.desc(both[key_seq]), both[kind]],
        rows=(None, -1),
    )
    found = both.mutate(
        **{f"{n}_{part}": both[f"{n}_{part}"].min().over(window) for n in names for part in parts}
    )
    return found.filter(found[kind] == anchor_kind).drop(key_ms, key_seq, kind)


SEPARATOR = "\x1f"
"""Joins items inside the portable builder's strings (the ASCII unit separator)."""
_POSITION_DIGITS = 12
CODE = "_code"
"""An activity's number: its index in the sorted list of distinct activity names."""
SEQUENCE = "_sequence"
"""A customer's activity codes in their order ``(ts, event_id)``, as an array."""


def activity_names(table: ibis.Table, activity: str) -> list[str]:
    """The distinct non-null values of ``activity`` (as text), sorted: code ``i`` is name ``i``.

    Sorted names make code order name order, so arrays of codes sort like the activities.
    One cheap query (a distinct over one column); the list is small (tens to thousands).
    """
    values = table.filter(table[activity].notnull()).select(_name=table[activity].cast("string"))
    names: list[str] = values.distinct().to_pyarrow()["_name"].to_pylist()
    return sorted(names)


def with_activity_codes(table: ibis.Table, activity: str, names: Sequence[str]) -> ibis.Table:
    """``table`` plus :data:`CODE` for ``activity``; rows whose activity is not in ``names``
    (nulls) are dropped. Sequences of small integers group and sort far faster than text.
    """
    lookup = ibis.memtable(
        pa.table({"_name": pa.array(names, pa.string()),
                  CODE: pa.array(range(len(names)), code_type(len(names)))})
    )  # fmt: skip
    joined = table.inner_join(lookup, table[activity].cast("string") == lookup["_name"])
    return joined.drop("_name")


def code_type(count: int) -> pa.DataType:
    """The smallest signed integer that numbers ``count`` activities (Spark has no unsigned)."""
    for candidate, largest in ((pa.int8(), 2**7), (pa.int16(), 2**15)):
        if count <= largest:
            return candidate
    return pa.int32()


def sequence_keys(table: ibis.Table, *, keys: Sequence[str] = (CUSTOMER_ID,)) -> ibis.Table:
    """One row per ``keys`` (a customer, plus any column constant per customer): the
    customer's :data:`CODE` values in their order ``(ts, event_id)`` as :data:`SEQUENCE`.

    Where the engine supports ordered aggregation (DuckDB does; Ibis refuses it on PySpark),
    the codes are collected in customer order directly; elsewhere the portable builder below
    gives the same arrays. The choice is made by compiling the fast expression (a capability
    probe), never by the engine's name.
    """
    codes: Any = table[CODE]
    ordered = table.group_by(list(keys)).agg(
        **{SEQUENCE: codes.collect(order_by=customer_order(table))}
    )
    try:
        ibis.to_sql(ordered)  # compiles for the table's backend (DuckDB for memtables)
    except UnsupportedOperationError:
        return portable_sequence_keys(table, keys=keys)
    return ordered


def portable_sequence_keys(
    table: ibis.Table, *, keys: Sequence[str] = (CUSTOMER_ID,)
) -> ibis.Table:
    """:func:`sequence_keys` for every engine, without ordered aggregation.

    Ordered aggregation is not portable (Spark has none through Ibis), so every code is
    prefixed with its zero-padded position, collected in any order, sorted as an array inside
    the engine, joined, stripped of the prefixes with one regular expression and split back
    into an array (array lambdas differ between engines and DuckDB versions).
    """
    window = ibis.window(group_by=table[CUSTOMER_ID], order_by=customer_order(table))
    position: Any = ibis.row_number().over(window).cast("string").lpad(_POSITION_DIGITS, "0")
    tagged = table.select(*keys, _tagged=position.concat(SEPARATOR, table[CODE].cast("string")))
    collected = tagged.group_by(list(keys)).agg(_items=tagged["_tagged"].collect())
    items: Any = collected["_items"]
    prefix = f"[0-9]{{{_POSITION_DIGITS}}}{SEPARATOR}"
    codes = items.sort().join(SEPARATOR).re_replace(prefix, "").split(SEPARATOR)
    return collected.select(*keys, **{SEQUENCE: codes.cast(dt.Array(table[CODE].type()))})


def decode_sequences(
    sequences: pa.ChunkedArray | pa.Array, names: Sequence[str]
) -> list[tuple[str, ...]]:
    """Arrays of codes back to tuples of names, one C-level pass (the names are shared
    objects, not one new string per activity: 10M events stay a few hundred MB lighter).
    """
    array = sequences.combine_chunks() if isinstance(sequences, pa.ChunkedArray) else sequences
    lookup = np.array(list(names), dtype=object)
    flat = lookup[array.flatten().to_numpy(zero_copy_only=False)].tolist()
    ends = np.cumsum(pc.list_value_length(array).to_numpy(zero_copy_only=False)).tolist()
    starts = [0, *ends][:-1]
    return [tuple(flat[start:end]) for start, end in zip(starts, ends, strict=True)]


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while building many small acyclic objects.

    Hundreds of thousands of variants are as many tuples and result objects; each batch of
    new containers would trigger a collection that walks all the earlier ones, which more
    than doubles the time. Nothing built here holds a cycle, so nothing is left to collect.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
