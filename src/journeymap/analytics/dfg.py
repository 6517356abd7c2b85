"""The directly-follows graph: which activity follows which, how often and how fast.

The process-mining workhorse: for every customer (case), consecutive events in their order
``(ts, event_id)`` make an edge ``a -> b``. We report each edge's frequency and the mean and
median seconds between the two events, plus how many customers start and end with each
activity. The numbers are those of pm4py's ``discover_dfg``, ``discover_performance_dfg``,
``get_start_activities`` and ``get_end_activities`` on the same log (pm4py orders ties by
file position, we by event id: logs with distinct timestamps per case agree exactly).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import ibis
import pyarrow as pa

from journeymap.analytics._sequence import customer_order, epoch_ms
from journeymap.analytics.breakdown import Breakdown, group_keys, split_by_group
from journeymap.analytics.scope import with_customer_group
from journeymap.model.canonical import CUSTOMER_ID, EVENT

__all__ = [
    "ActivityCount",
    "DirectlyFollowsEdge",
    "DirectlyFollowsGraph",
    "directly_follows",
    "directly_follows_breakdown",
]


@dataclass(frozen=True)
class DirectlyFollowsEdge:
    """``source`` directly followed by ``target``: how often, and seconds between them."""

    source: str
    target: str
    frequency: int
    mean_seconds: float
    median_seconds: float


@dataclass(frozen=True)
class ActivityCount:
    """An activity and the number of customers whose sequence starts (or ends) with it."""

    activity: str
    customers: int


@dataclass(frozen=True)
class DirectlyFollowsGraph:
    """Edges (most frequent first) and start and end activities (most frequent first)."""

    edges: tuple[DirectlyFollowsEdge, ...]
    start_activities: tuple[ActivityCount, ...]
    end_activities: tuple[ActivityCount, ...]

    def edge(self, source: str, target: str) -> DirectlyFollowsEdge:
        """The edge ``source -> target``; ``KeyError`` if the log never has it."""
        for edge in self.edges:
            if (edge.source, edge.target) == (source, target):
                return edge
        raise KeyError((source, target))

    def rows(self) -> list[dict[str, object]]:
        """One dict per edge."""
        return [
            {"source": e.source, "target": e.target, "frequency": e.frequency,
             "mean_seconds": e.mean_seconds, "median_seconds": e.median_seconds}
            for e in self.edges
        ]  # fmt: skip

    def to_arrow(self) -> pa.Table:
        """The edges as an Arrow table."""
        schema = pa.schema(
            [("source", pa.string()), ("target", pa.string()), ("frequency", pa.int64()),
             ("mean_seconds", pa.float64()), ("median_seconds", pa.float64())]
        )  # fmt: skip
        return pa.Table.from_pylist(self.rows(), schema=schema)


def directly_follows(events: ibis.Table, *, activity: str = EVENT) -> DirectlyFollowsGraph:
    """The directly-follows graph of ``events`` with ``activity`` as the activity column.

    Use ``activity="touchpoint"`` on touchpoint events for the map's view: events without
    a value in the activity column (unmatched events) are left out before pairing, so the
    edges join the touchpoints a customer went through one after another.

    >>> import datetime as dt, ibis
    >>> events = ibis.memtable({"customer_id": ["a", "a", "a"], "event_id": ["1", "2", "3"],
    ...     "ts": [dt.datetime(2025, 1, 1, 0, m, tzinfo=dt.UTC) for m in (0, 1, 3)],
    ...     "event": ["view", "cart", "buy"]})
    >>> graph = directly_follows(events)
    >>> graph.edge("cart", "buy").mean_seconds
    120.0
    >>> graph.start_activities
    (ActivityCount(activity='view', customers=1),)
    """
    groups = _graphs(events, activity, None)
    return groups[0][1] if groups else DirectlyFollowsGraph((), (), ())


def directly_follows_breakdown(
    events: ibis.Table, *, by: str, activity: str = EVENT
) -> Breakdown[DirectlyFollowsGraph]:
    """:func:`directly_follows` per value of ``by`` (a column of ``events``, e.g. a customer
    property joined by :func:`~journeymap.analytics.scope.with_breakdown`), in one query.

    A customer belongs to the group of their first event, so every edge, start and end
    falls in exactly one group and the groups' frequencies add up to the plain graph's.

    >>> import datetime as dt, ibis
    >>> events = ibis.memtable({"customer_id": ["a", "a", "b", "b"],
    ...     "event_id": ["1", "2", "3", "4"],
    ...     "ts": [dt.datetime(2025, 1, 1, h, tzinfo=dt.UTC) for h in (1, 2, 1, 2)],
    ...     "event": ["view", "buy", "view", "view"], "plan": ["pro", "pro", "free", "free"]})
    >>> split = directly_follows_breakdown(events, by="plan")
    >>> [(g, [(e.source, e.target) for e in graph.edges]) for g, graph in split.groups]
    [('free', [('view', 'view')]), ('pro', [('view', 'buy')])]
    """
    return Breakdown(by, tuple(_graphs(with_customer_group(events, by), activity, by)))


def _graphs(
    events: ibis.Table, activity: str, by: str | None
) -> list[tuple[Any, DirectlyFollowsGraph]]:
    """One graph per breakdown group (a single ``None`` group without ``by``)."""
    present = events.filter(events[activity].notnull())
    window = ibis.window(group_by=present[CUSTOMER_ID], order_by=customer_order(present))
    keys = group_keys(by)
    seconds = epoch_ms(present["ts"]).lead().over(window) - epoch_ms(present["ts"])
    steps = present.select(
        present[CUSTOMER_ID],
        *keys,
        _activity=present[activity].cast("string"),
        _next=present[activity].cast("string").lead().over(window),
        _seconds=seconds.cast("float64") / 1000.0,
        _first=ibis.row_number().over(window) == 0,
    )
    # One pass: every (activity, next) pair, where a null "next" marks a customer's last
    # event (the end activities) and the first-event flags sum to the start activities.
    grouped: Any = steps.group_by([*keys, "_activity", "_next"]).agg(
        frequency=steps.count(),
        starts=steps["_first"].cast("int64").sum(),
        mean_seconds=steps["_seconds"].mean(),
        median_seconds=steps["_seconds"].quantile(0.5),
    )
    rows = grouped.to_pyarrow().to_pylist()
    return [(group, _graph(part)) for group, part in split_by_group(rows)]


def _graph(rows: list[dict[str, Any]]) -> DirectlyFollowsGraph:
    """The graph from one group's ``(activity, next)`` rows."""
    starts: dict[str, int] = {}
    for row in rows:
        starts[row["_activity"]] = starts.get(row["_activity"], 0) + int(row["starts"] or 0)
    edge_rows = sorted(
        (r for r in rows if r["_next"] is not None),
        key=lambda r: (-r["frequency"], r["_activity"], r["_next"]),
    )
    return DirectlyFollowsGraph(
        edges=tuple(
            DirectlyFollowsEdge(
                source=r["_activity"],
                target=r["_next"],
                frequency=int(r["frequency"]),
                mean_seconds=float(r["mean_seconds"]),
                median_seconds=float(r["median_seconds"]),
            )
            for r in edge_rows
        ),
        start_activities=_counts({a: n for a, n in starts.items() if n}),
        end_activities=_counts(
            {r["_activity"]: int(r["frequency"]) for r in rows if r["_next"] is None}
        ),
    )


def _counts(customers: dict[str, int]) -> tuple[ActivityCount, ...]:
    """Activities with their customer counts, most customers first, then by name."""
    ordered = sorted(customers.items(), key=lambda item: (-item[1], item[0]))
    return tuple(ActivityCount(activity, count) for activity, count in ordered)
