"""Paths: where customers go next (or came from), and the flows a Sankey diagram draws.

Paths run over one activity column, by default the touchpoint of touchpoint events; events
with no value there (events the map does not cover) are skipped, so "next" means the next
touchpoint the customer met. Order is the customer's ``(ts, event_id)``. A missing
neighbour is reported as ``None``: the journey ended there (next) or started there
(previous).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import ibis
import pyarrow as pa

from journeymap.analytics._sequence import customer_order
from journeymap.model.canonical import CUSTOMER_ID, TOUCHPOINT, TS

__all__ = [
    "Neighbour",
    "Neighbours",
    "PathFlow",
    "PathFlows",
    "next_touchpoints",
    "next_touchpoints_after",
    "path_flows",
    "previous_touchpoints",
]


@dataclass(frozen=True)
class Neighbour:
    """A touchpoint next to the one asked about (``None``: journey ended or started)."""

    touchpoint: str | None
    occurrences: int
    customers: int
    share: float


@dataclass(frozen=True)
class Neighbours:
    """Top neighbours of ``touchpoint`` (most occurrences first); ``share`` of ``occurrences``."""

    touchpoint: str | None
    direction: str
    top: tuple[Neighbour, ...]
    occurrences: int

    def rows(self) -> list[dict[str, object]]:
        """One dict per neighbour."""
        return [
            {"touchpoint": n.touchpoint, "occurrences": n.occurrences,
             "customers": n.customers, "share": n.share}
            for n in self.top
        ]  # fmt: skip

    def to_arrow(self) -> pa.Table:
        """The rows as an Arrow table."""
        schema = pa.schema(
            [("touchpoint", pa.string()), ("occurrences", pa.int64()),
             ("customers", pa.int64()), ("share", pa.float64())]
        )  # fmt: skip
        return pa.Table.from_pylist(self.rows(), schema=schema)


def _ordered(events: ibis.Table, activity: str) -> tuple[ibis.Table, Any]:
    present = events.filter(events[activity].notnull())
    window = ibis.window(group_by=present[CUSTOMER_ID], order_by=customer_order(present))
    return present, window


def _neighbours(
    events: ibis.Table, touchpoint: str, activity: str, top: int, direction: str
) -> Neighbours:
    present, window = _ordered(events, activity)
    value: Any = present[activity].cast("string")
    neighbour = value.lead() if direction == "next" else value.lag()
    steps = present.select(present[CUSTOMER_ID], _here=value, _there=neighbour.over(window))
    return _count_neighbours(steps.filter(steps["_here"] == touchpoint), touchpoint, direction, top)


def _count_neighbours(
    hits: ibis.Table, touchpoint: str | None, direction: str, top: int
) -> Neighbours:
    counted: Any = hits.group_by("_there").agg(
        occurrences=hits.count(), customers=hits[CUSTOMER_ID].nunique()
    )
    rows = counted.to_pyarrow().to_pylist()
    total = sum(int(r["occurrences"]) for r in rows)
    rows.sort(key=lambda r: (-r["occurrences"], r["_there"] is None, r["_there"] or ""))
    return Neighbours(
        touchpoint=touchpoint,
        direction=direction,
        top=tuple(
            Neighbour(
                r["_there"], int(r["occurrences"]), int(r["customers"]), r["occurrences"] / total
            )
            for r in rows[:top]
        ),
        occurrences=total,
    )


def next_touchpoints(
    events: ibis.Table, touchpoint: str, *, activity: str = TOUCHPOINT, top: int = 10
) -> Neighbours:
    """What customers meet right after ``touchpoint``, over every time they met it.

    >>> import datetime as dt, ibis
    >>> events = ibis.memtable({"customer_id": ["a", "a", "b"], "event_id": ["1", "2", "3"],
    ...     "ts": [dt.datetime(2025, 1, 1, h, tzinfo=dt.UTC) for h in (1, 2, 1)],
    ...     "touchpoint": ["basket", "payment", "basket"]})
    >>> [(n.touchpoint, n.share) for n in next_touchpoints(events, "basket").top]
    [('payment', 0.5), (None, 0.5)]
    """
    return _neighbours(events, touchpoint, activity, top, "next")


def previous_touchpoints(
    events: ibis.Table, touchpoint: str, *, activity: str = TOUCHPOINT, top: int = 10
) -> Neighbours:
    """What customers met right before ``touchpoint`` (``None``: it was their first).

    >>> import datetime as dt, ibis
    >>> events = ibis.memtable({"customer_id": ["a", "a"], "event_id": ["1", "2"],
    ...     "ts": [dt.datetime(2025, 1, 1, h, tzinfo=dt.UTC) for h in (1, 2)],
    ...     "touchpoint": ["basket", "payment"]})
    >>> [n.touchpoint for n in previous_touchpoints(events, "payment").top]
    ['basket']
    """
    return _neighbours(events, touchpoint, activity, top, "previous")


def next_touchpoints_after(
    events: ibis.Table,
    customers: ibis.Table,
    *,
    since: str,
    activity: str = TOUCHPOINT,
    top: int = 10,
) -> Neighbours:
    """For a subset of customers, the first touchpoint each met after their own moment.

    ``customers`` has ``customer_id`` and a timestamp column ``since`` (e.g. the rows of
    :func:`~journeymap.analytics.funnel.funnel_customers` that dropped at payment, with the
    previous step's time): "what did the ones who dropped at payment do next?". Customers
    with nothing afterwards count under ``None``. Events exactly at ``since`` do not count.

    >>> import datetime as dt, ibis
    >>> at = [dt.datetime(2025, 1, 1, h, tzinfo=dt.UTC) for h in (1, 2, 3)]
    >>> events = ibis.memtable({"customer_id": ["a", "a", "a"], "event_id": ["1", "2", "3"],
    ...     "ts": at, "touchpoint": ["basket", "support", "payment"]})
    >>> dropped = ibis.memtable({"customer_id": ["a"], "step_1": [at[0]]})
    >>> [n.touchpoint for n in next_touchpoints_after(events, dropped, since="step_1").top]
    ['support']
    """
    chosen = customers.select(CUSTOMER_ID, _since=customers[since])
    present = events.filter(events[activity].notnull())
    later = present.inner_join(chosen, CUSTOMER_ID)
    later = later.filter(later[TS] > later["_since"])
    window = ibis.window(group_by=later[CUSTOMER_ID], order_by=customer_order(later))
    ranked = later.mutate(_rank=ibis.row_number().over(window))
    first = ranked.filter(ranked["_rank"] == 0).select(
        CUSTOMER_ID, _next=ranked[activity].cast("string")
    )
    joined = chosen.left_join(first, CUSTOMER_ID)
    hits = joined.select(joined[CUSTOMER_ID], _there=joined["_next"])
    return _count_neighbours(hits, None, "next", top)


@dataclass(frozen=True)
class PathFlow:
    """Customers going from ``source`` at ``depth`` to ``target`` at ``depth + 1``."""

    depth: int
    source: str
    target: str
    customers: int


@dataclass(frozen=True)
class PathFlows:
    """Links of a Sankey diagram from ``start``: depth 0 is ``start`` itself."""

    start: str
    customers: int
    flows: tuple[PathFlow, ...]

    def rows(self) -> list[dict[str, object]]:
        """One dict per link."""
        return [
            {"depth": f.depth, "source": f.source, "target": f.target, "customers": f.customers}
            for f in self.flows
        ]

    def to_arrow(self) -> pa.Table:
        """The links as an Arrow table."""
        schema = pa.schema(
            [("depth", pa.int64()), ("source", pa.string()), ("target", pa.string()),
             ("customers", pa.int64())]
        )  # fmt: skip
        return pa.Table.from_pylist(self.rows(), schema=schema)


def path_flows(
    events: ibis.Table, start: str, *, steps: int = 5, activity: str = TOUCHPOINT
) -> PathFlows:
    """Flows of the first ``steps`` moves after each customer's first ``start``.

    Each customer counts once, from their first time at ``start``; a link at depth ``i``
    joins their ``i``-th and ``i+1``-th touchpoint after it. Customers whose path ends
    earlier simply stop contributing (their share is the drop between depths).

    >>> import datetime as dt, ibis
    >>> events = ibis.memtable({"customer_id": ["a", "a", "a"], "event_id": ["1", "2", "3"],
    ...     "ts": [dt.datetime(2025, 1, 1, h, tzinfo=dt.UTC) for h in (1, 2, 3)],
    ...     "touchpoint": ["ad", "basket", "payment"]})
    >>> [(f.depth, f.source, f.target) for f in path_flows(events, "ad").flows]
    [(0, 'ad', 'basket'), (1, 'basket', 'payment')]
    """
    if steps < 1:
        raise ValueError(f"steps must be at least 1; got {steps}")
    present, window = _ordered(events, activity)
    value: Any = present[activity].cast("string")
    numbered = present.select(
        present[CUSTOMER_ID], _value=value, _position=ibis.row_number().over(window)
    )
    at_start: Any = ibis.ifelse(numbered["_value"] == start, numbered["_position"], None)
    numbered = numbered.mutate(_start=at_start.min().over(group_by=numbered[CUSTOMER_ID]))
    depth = numbered["_position"] - numbered["_start"]
    after = numbered.filter(depth.between(0, steps)).mutate(_depth=depth)
    follow = ibis.window(group_by=after[CUSTOMER_ID], order_by=after["_position"])
    links = after.mutate(_target=after["_value"].lead().over(follow))
    links = links.filter(links["_target"].notnull() & (links["_depth"] < steps))
    counted = links.group_by(
        depth=links["_depth"], source=links["_value"], target=links["_target"]
    ).agg(customers=links.count())
    customers = after.filter(after["_depth"] == 0).count().to_pyarrow().as_py()
    rows = sorted(
        counted.to_pyarrow().to_pylist(),
        key=lambda r: (r["depth"], -r["customers"], r["source"], r["target"]),
    )
    return PathFlows(
        start=start,
        customers=int(customers),
        flows=tuple(
            PathFlow(int(r["depth"]), r["source"], r["target"], int(r["customers"])) for r in rows
        ),
    )
