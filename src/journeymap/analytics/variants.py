"""Variants: the whole sequence of activities per customer, and how many share each.

A variant is a customer's complete sequence of activities (event names, or touchpoints on
touchpoint events) in their order ``(ts, event_id)``. The numbers equal pm4py's
``get_variants`` on logs whose timestamps are distinct per case, and do not depend on the
order of the input rows (some tools give wrong variants on logs not sorted by case).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import ibis
import pyarrow as pa

from journeymap.analytics._sequence import SEPARATOR, sequence_keys
from journeymap.model.canonical import CUSTOMER_ID, EVENT

__all__ = ["Variant", "Variants", "variants"]


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
    map does not cover). Ties in count are ordered by the sequence text, so the list is
    deterministic. ``share`` is the share of customers with at least one such event.

    >>> import datetime as dt, ibis
    >>> events = ibis.memtable({"customer_id": ["a", "a", "b"], "event_id": ["1", "2", "3"],
    ...     "ts": [dt.datetime(2025, 1, 1, h, tzinfo=dt.UTC) for h in (2, 1, 1)],
    ...     "event": ["buy", "view", "view"]})
    >>> [(v.activities, v.customers) for v in variants(events).top]
    [(('view',), 1), (('view', 'buy'), 1)]
    """
    present = events.filter(events[activity].notnull())
    keys = sequence_keys(present, activity)
    counted: Any = keys.group_by("sequence").agg(customers=keys[CUSTOMER_ID].count())
    # Totals ride along as window columns, so the sequences are built once, in one query.
    everything = ibis.window()
    counted = counted.mutate(
        _variants=counted.count().over(everything),
        _customers=counted["customers"].sum().over(everything),
    )
    ranked = counted.order_by(ibis.desc("customers"), "sequence")
    if top is not None:
        ranked = ranked.limit(top)
    rows = ranked.to_pyarrow().to_pylist()
    if not rows:
        return Variants(top=(), total_variants=0, customers=0)
    customers = int(rows[0]["_customers"] or 0)
    return Variants(
        top=tuple(
            Variant(
                activities=tuple(row["sequence"].split(SEPARATOR)),
                customers=int(row["customers"]),
                share=row["customers"] / customers,
            )
            for row in rows
        ),
        total_variants=int(rows[0]["_variants"]),
        customers=customers,
    )
