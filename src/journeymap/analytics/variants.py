"""Variants: the whole sequence of activities per customer, and how many share each.

A variant is a customer's complete sequence of activities (event names, or touchpoints on
touchpoint events) in their order ``(ts, event_id)``. The numbers equal pm4py's
``get_variants`` on logs whose timestamps are distinct per case, and do not depend on the
order of the input rows (some tools give wrong variants on logs not sorted by case).

Activities are numbered first (a small lookup of the distinct names, in name order), each
customer's sequence is an array of those numbers collected in order, and the arrays are
grouped and ranked inside the engine; only the variants returned are turned back into
names. Arrays of small integers group and sort several times faster than joined strings.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import ibis
import pyarrow as pa

from journeymap.analytics._sequence import (
    SEQUENCE,
    activity_names,
    decode_sequences,
    paused_gc,
    sequence_keys,
    with_activity_codes,
)
from journeymap.analytics.breakdown import Breakdown, group_keys, group_order
from journeymap.analytics.scope import GROUP, with_customer_group
from journeymap.model.canonical import CUSTOMER_ID, EVENT

__all__ = ["Variant", "Variants", "variants", "variants_breakdown"]


@dataclass(frozen=True)
class Variant:
    """One sequence of activities and the customers who followed exactly it."""

    activities: tuple[str, ...]
    customers: int
    share: float


@dataclass(frozen=True)
class Variants:
    """The most common variants (most customers first) out of ``total_variants``."""

    top: tuple[Variant, ...]
    total_variants: int
    customers: int

    def rows(self) -> list[dict[str, object]]:
        """One dict per variant; ``activities`` joined with ' > '."""
        return [
            {"variant": " > ".join(v.activities), "length": len(v.activities),
             "customers": v.customers, "share": v.share}
            for v in self.top
        ]  # fmt: skip

    def to_arrow(self) -> pa.Table:
        """The rows as an Arrow table."""
        schema = pa.schema(
            [("variant", pa.string()), ("length", pa.int64()), ("customers", pa.int64()),
             ("share", pa.float64())]
        )  # fmt: skip
        return pa.Table.from_pylist(self.rows(), schema=schema)


def variants(events: ibis.Table, *, activity: str = EVENT, top: int | None = 20) -> Variants:
    """The ``top`` most common variants (all with ``top=None``), with counts and shares.

    Events without a value in ``activity`` are left out (on touchpoint events: events the
    map does not cover). Ties in count are ordered by the activities, name by name, so the
    list is deterministic. ``share`` is the share of customers with at least one such event.

    >>> import datetime as dt, ibis
    >>> events = ibis.memtable({"customer_id": ["a", "a", "b"], "event_id": ["1", "2", "3"],
    ...     "ts": [dt.datetime(2025, 1, 1, h, tzinfo=dt.UTC) for h in (2, 1, 1)],
    ...     "event": ["buy", "view", "view"]})
    >>> [(v.activities, v.customers) for v in variants(events).top]
    [(('view',), 1), (('view', 'buy'), 1)]
    """
    names = activity_names(events, activity)
    if not names:
        return Variants(top=(), total_variants=0, customers=0)
    return _variants(_ranked(events, names, activity, top, by=None), names)


def variants_breakdown(
    events: ibis.Table, *, by: str, activity: str = EVENT, top: int | None = 20
) -> Breakdown[Variants]:
    """:func:`variants` per value of ``by`` (a column of ``events``, e.g. a customer property
    joined by :func:`~journeymap.analytics.scope.with_breakdown`), in one query: each group's
    ``top`` variants, with shares of that group's customers. A customer belongs to the group
    of their first event, so the groups' customers add up to the plain call's.

    >>> import datetime as dt, ibis
    >>> events = ibis.memtable({"customer_id": ["a", "a", "b"], "event_id": ["1", "2", "3"],
    ...     "ts": [dt.datetime(2025, 1, 1, h, tzinfo=dt.UTC) for h in (1, 2, 1)],
    ...     "event": ["view", "buy", "view"], "plan": ["pro", "pro", "free"]})
    >>> [(g, [v.activities for v in r.top]) for g, r in variants_breakdown(events, by="plan").groups]
    [('free', [('view',)]), ('pro', [('view', 'buy')])]
    """
    names = activity_names(events, activity)
    if not names:
        return Breakdown(by, ())
    table = _ranked(with_customer_group(events, by), names, activity, top, by=by)
    groups: list[tuple[object, Variants]] = []
    start = 0
    for value, run in itertools.groupby(table[GROUP].to_pylist()):  # rows come by group
        length = len(list(run))
        groups.append((value, _variants(table.slice(start, length), names)))
        start += length
    return Breakdown(by, tuple(sorted(groups, key=lambda item: group_order(item[0]))))


def _ranked(
    events: ibis.Table, names: list[str], activity: str, top: int | None, by: str | None
) -> pa.Table:
    """Variants as arrays of activity codes with their customers, most customers first (per
    group, groups in value order, nulls last), and the totals as window columns."""
    groups = group_keys(by)
    coded = with_activity_codes(events, activity, names)
    sequences = sequence_keys(coded, keys=[CUSTOMER_ID, *groups])
    counted: Any = sequences.group_by([*groups, SEQUENCE]).agg(customers=sequences.count())
    # Totals ride along as window columns, so the sequences are built once, in one query.
    group = ibis.window(group_by=groups or None)
    counted = counted.mutate(
        _variants=counted.count().over(group),
        _customers=counted["customers"].sum().over(group),
    )
    order = [ibis.desc(counted["customers"]), counted[SEQUENCE]]
    if by is None:
        ranked = counted.order_by(order)
        return (ranked if top is None else ranked.limit(top)).to_pyarrow()
    rank = ibis.row_number().over(ibis.window(group_by=groups, order_by=order))
    counted = counted.mutate(_rank=rank)
    if top is not None:
        counted = counted.filter(counted["_rank"] < top)
    table: pa.Table = counted.order_by(
        [counted[GROUP].isnull(), counted[GROUP], counted["_rank"]]
    ).to_pyarrow()
    return table


def _variants(table: pa.Table, names: list[str]) -> Variants:
    """The result from :func:`_ranked`'s rows (of one group), activities decoded."""
    if table.num_rows == 0:
        return Variants(top=(), total_variants=0, customers=0)
    customers = int(table["_customers"][0].as_py())
    counts = table["customers"].to_pylist()
    with paused_gc():
        activities = decode_sequences(table[SEQUENCE], names)
        top = tuple(
            Variant(activities=path, customers=int(count), share=count / customers)
            for path, count in zip(activities, counts, strict=True)
        )
    return Variants(top=top, total_variants=int(table["_variants"][0].as_py()), customers=customers)
