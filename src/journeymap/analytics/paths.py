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
from journeymap.analytics.breakdown import Breakdown, aggregate, group_keys, split_by_group
from journeymap.analytics.scope import with_customer_group
from journeymap.model.canonical import CUSTOMER_ID, TOUCHPOINT, TS

__all__ = [
    "Neighbour",
    "Neighbours",
    "PathFlow",
    "PathFlows",
    "next_touchpoints",
    "next_touchpoints_after",
    "next_touchpoints_breakdown",
    "path_flows",
    "path_flows_breakdown",
    "previous_touchpoints",
    "previous_touchpoints_breakdown",
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


def _neighbour_rows(
    events: ibis.Table, touchpoint: str, activity: str, direction: str, by: str | None
) -> list[dict[str, Any]]:
    """Per group (with ``by``) and neighbour: occurrences and distinct customers."""
    present, window = _ordered(events, activity)
    value: Any = present[activity].cast("string")
    neighbour = value.lead() if direction == "next" else value.lag()
    steps = present.select(
        present[CUSTOMER_ID], *group_keys(by), _here=value, _there=neighbour.over(window)
    )
    return _count_rows(steps.filter(steps["_here"] == touchpoint), by)


def _count_rows(hits: ibis.Table, by: str | None) -> list[dict[str, Any]]:
    counted: Any = hits.group_by([*group_keys(by), "_there"]).agg(
        occurrences=hits.count(), customers=hits[CUSTOMER_ID].nunique()
    )
    rows: list[dict[str, Any]] = counted.to_pyarrow().to_pylist()
    return rows


def _neighbours(
    rows: list[dict[str, Any]], touchpoint: str | None, direction: str, top: int
) -> Neighbours:
    """The result from one group's counted rows: most occurrences first, shares of the group."""
    total = sum(int(r["occurrences"]) for r in rows)
    rows = sorted(rows, key=lambda r: (-r["occurrences"], r["_there"] is None, r["_there"] or ""))
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


def _neighbours_breakdown(
    events: ibis.Table, touchpoint: str, activity: str, top: int, direction: str, by: str
) -> Breakdown[Neighbours]:
    rows = _neighbour_rows(with_customer_group(events, by), touchpoint, activity, direction, by)
    return Breakdown(
        by,
        tuple(
            (group, _neighbours(part, touchpoint, direction, top))
            for group, part in split_by_group(rows)
        ),
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
    rows = _neighbour_rows(events, touchpoint, activity, "next", None)
    return _neighbours(rows, touchpoint, "next", top)


def next_touchpoints_breakdown(
    events: ibis.Table,
    touchpoint: str,
    *,
    by: str,
    activity: str = TOUCHPOINT,
    top: int = 10,
) -> Breakdown[Neighbours]:
    """:func:`next_touchpoints` per value of ``by`` (a column of ``events``, e.g. a customer
    property joined by :func:`~journeymap.analytics.scope.with_breakdown`), in one query.

    A customer belongs to the group of their first event; shares are within each group, and
    the groups' occurrences and customers add up to the plain call's.

    >>> import datetime as dt, ibis
    >>> events = ibis.memtable({"customer_id": ["a", "a", "b"], "event_id": ["1", "2", "3"],
    ...     "ts": [dt.datetime(2025, 1, 1, h, tzinfo=dt.UTC) for h in (1, 2, 1)],
    ...     "touchpoint": ["basket", "payment", "basket"], "plan": ["pro", "pro", "free"]})
    >>> split = next_touchpoints_breakdown(events, "basket", by="plan")
    >>> [(g, [n.touchpoint for n in r.top]) for g, r in split.groups]
    [('free', [None]), ('pro', ['payment'])]
    """
    return _neighbours_breakdown(events, touchpoint, activity, top, "next", by)


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
    rows = _neighbour_rows(events, touchpoint, activity, "previous", None)
    return _neighbours(rows, touchpoint, "previous", top)


def previous_touchpoints_breakdown(
    events: ibis.Table,
    touchpoint: str,
    *,
    by: str,
    activity: str = TOUCHPOINT,
    top: int = 10,
) -> Breakdown[Neighbours]:
    """:func:`previous_touchpoints` per value of ``by``, as :func:`next_touchpoints_breakdown`."""
    return _neighbours_breakdown(events, touchpoint, activity, top, "previous", by)


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
    return _neighbours(_count_rows(hits, None), None, "next", top)


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
    groups = _flows_by_group(events, start, steps, activity, None)
    return groups[0][1] if groups else PathFlows(start=start, customers=0, flows=())


def path_flows_breakdown(
    events: ibis.Table, start: str, *, by: str, steps: int = 5, activity: str = TOUCHPOINT
) -> Breakdown[PathFlows]:
    """:func:`path_flows` per value of ``by`` (a customer belongs to the group of their
    first event), in one query; the groups' customers and link counts add up to the plain
    call's.

    >>> import datetime as dt, ibis
    >>> events = ibis.memtable({"customer_id": ["a", "a", "b"], "event_id": ["1", "2", "3"],
    ...     "ts": [dt.datetime(2025, 1, 1, h, tzinfo=dt.UTC) for h in (1, 2, 1)],
    ...     "touchpoint": ["ad", "basket", "ad"], "plan": ["pro", "pro", "free"]})
    >>> [(g, f.customers, len(f.flows)) for g, f in path_flows_breakdown(events, "ad", by="plan").groups]
    [('free', 1, 0), ('pro', 1, 1)]
    """
    grouped = with_customer_group(events, by)
    return Breakdown(by, tuple(_flows_by_group(grouped, start, steps, activity, by)))


def _flows_by_group(
    events: ibis.Table, start: str, steps: int, activity: str, by: str | None
) -> list[tuple[Any, PathFlows]]:
    if steps < 1:
        raise ValueError(f"steps must be at least 1; got {steps}")
    present, window = _ordered(events, activity)
    keys = group_keys(by)
    value: Any = present[activity].cast("string")
    numbered = present.select(
        present[CUSTOMER_ID], *keys, _value=value, _position=ibis.row_number().over(window)
    )
    at_start: Any = ibis.ifelse(numbered["_value"] == start, numbered["_position"], None)
    numbered = numbered.mutate(_start=at_start.min().over(group_by=numbered[CUSTOMER_ID]))
    depth = numbered["_position"] - numbered["_start"]
    after = numbered.filter(depth.between(0, steps)).mutate(_depth=depth)
    follow = ibis.window(group_by=after[CUSTOMER_ID], order_by=after["_position"])
    links = after.mutate(_target=after["_value"].lead().over(follow))
    links = links.filter(links["_target"].notnull() & (links["_depth"] < steps))
    counted = links.group_by(
        [*keys, links["_depth"].name("depth"), links["_value"].name("source"),
         links["_target"].name("target")]
    ).agg(customers=links.count())  # fmt: skip
    starts = after.filter(after["_depth"] == 0)
    entered = aggregate(starts, keys, customers=starts.count())
    flows = dict(split_by_group(counted.to_pyarrow().to_pylist()))
    return [
        (group, _path_flows(start, int(part[0]["customers"]), flows.get(group, [])))
        for group, part in split_by_group(entered.to_pyarrow().to_pylist())
        if part[0]["customers"]
    ]


def _path_flows(start: str, customers: int, rows: list[dict[str, Any]]) -> PathFlows:
    rows = sorted(rows, key=lambda r: (r["depth"], -r["customers"], r["source"], r["target"]))
    return PathFlows(
        start=start,
        customers=customers,
        flows=tuple(
            PathFlow(int(r["depth"]), r["source"], r["target"], int(r["customers"])) for r in rows
        ),
    )
