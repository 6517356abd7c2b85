"""Time to value: how long customers take from their first touch to the moment that pays off.

For every customer the clock starts at their first event (or their first ``start``
milestone, when one is named) and stops at their first ``value`` milestone at or after the
start. Customers who never reach the value count in the denominator of the share reached
but not in the duration statistics. Durations are whole seconds (timestamps are compared at
second precision on every engine).

A milestone is either a touchpoint of the map (``Milestone(touchpoint="order-placed")``,
which needs touchpoint events) or a raw event name (``Milestone(event="order_placed")``).

The duration statistics (:class:`DurationStats`) and :func:`human_duration` are shared with
the other analyses that report times (conformance, returns).

>>> import datetime as dt, ibis
>>> day = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
>>> events = ibis.memtable({
...     "customer_id": ["a", "a", "b"],
...     "ts": [day, day + dt.timedelta(hours=2), day],
...     "event": ["visit", "order", "visit"],
... })
>>> result = time_to_value(events, Milestone(event="order"))
>>> result.groups[0].share_reached, human_duration(result.groups[0].stats.median)
(0.5, '2 h')
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from journeymap.analytics.scope import GROUP, ScopeError, group_rows, with_customer_group
from journeymap.model.canonical import CUSTOMER_ID, EVENT, TOUCHPOINT, TS

MINUTE = 60
HOUR = 60 * MINUTE
DAY = 24 * HOUR

DEFAULT_BIN_EDGES: tuple[int, ...] = (
    0,
    MINUTE,
    HOUR,
    6 * HOUR,
    DAY,
    3 * DAY,
    7 * DAY,
    14 * DAY,
    30 * DAY,
    90 * DAY,
)
"""Lower edges (seconds) of the histogram bins: durations of journeys are heavy-tailed, so
the bins widen the way people think about waiting (minutes, hours, days, weeks)."""

_STATISTICS = ("median", "p25", "p75", "p90", "mean")


@dataclass(frozen=True)
class Milestone:
    """A point of the journey: a touchpoint of the map (by id) or a raw event (by name)."""

    touchpoint: str | None = None
    event: str | None = None

    def __post_init__(self) -> None:
        if (self.touchpoint is None) == (self.event is None):
            raise ValueError(
                "a milestone is a touchpoint or an event: pass exactly one of "
                "Milestone(touchpoint='order-placed') or Milestone(event='order_placed')"
            )

    @property
    def label(self) -> str:
        """``touchpoint order-placed`` or ``event order_placed``."""
        return f"touchpoint {self.touchpoint}" if self.touchpoint else f"event {self.event}"

    def matches(self, events: ir.Table) -> ir.BooleanValue:
        """Which rows of ``events`` are this milestone."""
        if self.touchpoint is not None:
            if TOUCHPOINT not in events.columns:
                raise ScopeError(
                    f"the milestone {self.label} needs touchpoint events: match the events to "
                    "the journey first, or name an event instead (Milestone(event=...))"
                )
            return events[TOUCHPOINT] == self.touchpoint
        return events[EVENT] == self.event


@dataclass(frozen=True)
class DurationStats:
    """Count and distribution of durations in seconds (None when there are none)."""

    count: int
    median: float | None
    p25: float | None
    p75: float | None
    p90: float | None
    mean: float | None

    @classmethod
    def from_row(cls, row: Mapping[str, Any], prefix: str = "") -> DurationStats:
        """Read the columns :func:`duration_aggregates` made (with the same ``prefix``)."""
        values = {name: _float(row[prefix + name]) for name in _STATISTICS}
        return cls(count=int(row[prefix + "count"] or 0), **values)

    def human(self) -> dict[str, str]:
        """Each statistic as people say it (``2 d 4 h``)."""
        return {name: human_duration(getattr(self, name)) for name in _STATISTICS}


def duration_aggregates(seconds: ir.NumericColumn, prefix: str = "") -> dict[str, ir.Scalar]:
    """Named aggregations behind :class:`DurationStats`; nulls are not counted."""
    return {
        prefix + "count": seconds.count(),
        prefix + "median": seconds.quantile(0.5),
        prefix + "p25": seconds.quantile(0.25),
        prefix + "p75": seconds.quantile(0.75),
        prefix + "p90": seconds.quantile(0.9),
        prefix + "mean": seconds.mean(),
    }


def human_duration(seconds: float | None) -> str:
    """A duration the way people say it: the two largest units (``3 d 4 h``, ``12 min 5 s``).

    >>> human_duration(93784), human_duration(45), human_duration(None)
    ('1 d 2 h', '45 s', '–')
    """
    if seconds is None:
        return "–"
    remaining = round(seconds)
    parts: list[tuple[int, str]] = []
    for unit, size in (("d", DAY), ("h", HOUR), ("min", MINUTE), ("s", 1)):
        amount, remaining = divmod(remaining, size)
        if amount or parts:
            parts.append((amount, unit))
        if len(parts) == 2:
            break
    # "2 h 0 min" says no more than "2 h"
    return " ".join(f"{amount} {unit}" for amount, unit in parts if amount) or "0 s"


@dataclass(frozen=True)
class TimeToValueGroup:
    """Time to value for one breakdown group (``group`` is None without a breakdown)."""

    group: object
    customers: int
    reached: int
    stats: DurationStats

    @property
    def share_reached(self) -> float:
        """Share of the customers who started and reached the value."""
        return self.reached / self.customers if self.customers else 0.0


@dataclass(frozen=True)
class HistogramBin:
    """Customers who reached the value within ``[lower, upper)`` seconds (upper None: open)."""

    group: object
    lower: int
    upper: int | None
    customers: int

    @property
    def label(self) -> str:
        """``1 h – 6 h`` or ``≥ 90 d``."""
        if self.upper is None:
            return f"≥ {human_duration(self.lower)}"
        return f"{human_duration(self.lower)} – {human_duration(self.upper)}"


@dataclass(frozen=True)
class TimeToValue:
    """Distribution of the time from start to value, per breakdown group."""

    value: Milestone
    start: Milestone | None
    by: str | None
    groups: tuple[TimeToValueGroup, ...]
    histogram: tuple[HistogramBin, ...]

    def to_arrow(self) -> pa.Table:
        """One row per group: customers, reached, share and each statistic in seconds."""
        rows = [
            {
                **({self.by: group.group} if self.by else {}),
                "customers": group.customers,
                "reached": group.reached,
                "share_reached": group.share_reached,
                **{f"{name}_seconds": getattr(group.stats, name) for name in _STATISTICS},
                **group.stats.human(),
            }
            for group in self.groups
        ]
        return pa.Table.from_pylist(rows)


def time_to_value_by_customer(
    events: ir.Table,
    value: Milestone,
    *,
    start: Milestone | None = None,
    by: str | None = None,
) -> ir.Table:
    """Per customer who started: ``started_at``, ``reached_at`` (null if never) and ``seconds``.

    The breakdown value is in the :data:`~journeymap.analytics.scope.GROUP` column.
    """
    grouped = with_customer_group(events, by)
    starters = grouped if start is None else grouped.filter(start.matches(grouped))
    started = starters.group_by([CUSTOMER_ID, GROUP]).agg(started_at=starters[TS].min())
    valued = grouped.filter(value.matches(grouped))
    after = valued.join(
        started,
        [valued[CUSTOMER_ID] == started[CUSTOMER_ID], valued[TS] >= started.started_at],
    )
    reached = after.group_by(CUSTOMER_ID).agg(reached_at=after[TS].min())
    joined = started.left_join(reached, started[CUSTOMER_ID] == reached[CUSTOMER_ID])
    return joined.select(
        started[CUSTOMER_ID],
        started[GROUP],
        started.started_at,
        reached.reached_at,
        seconds=reached.reached_at.epoch_seconds() - started.started_at.epoch_seconds(),
    )


def time_to_value(
    events: ir.Table,
    value: Milestone,
    *,
    start: Milestone | None = None,
    by: str | None = None,
    bin_edges: Sequence[int] = DEFAULT_BIN_EDGES,
) -> TimeToValue:
    """Time from first touch (or ``start``) to ``value``: share reached, quantiles, histogram.

    ``bin_edges`` are the histogram's lower edges in seconds, ascending, starting at 0; the
    last bin is open-ended.
    """
    edges = tuple(bin_edges)
    if not edges or edges[0] != 0 or any(b <= a for a, b in itertools.pairwise(edges)):
        raise ValueError(f"bin_edges must start at 0 and ascend strictly, got {edges}")
    per_customer = time_to_value_by_customer(events, value, start=start, by=by)
    seconds = per_customer.seconds
    summary = per_customer.group_by(GROUP).agg(
        customers=per_customer[CUSTOMER_ID].count(),
        reached=per_customer.reached_at.count(),
        **duration_aggregates(seconds),
    )
    groups = tuple(
        TimeToValueGroup(
            group=row[GROUP],
            customers=int(row["customers"]),
            reached=int(row["reached"]),
            stats=DurationStats.from_row(row),
        )
        for row in group_rows(summary)
    )
    bin_index = ibis.cases(
        *((seconds < upper, index) for index, upper in enumerate(edges[1:])),
        else_=len(edges) - 1,
    )
    binned = per_customer.filter(seconds.notnull()).mutate(bin=bin_index)
    counts = binned.group_by([GROUP, "bin"]).agg(customers=binned[CUSTOMER_ID].count())
    histogram = tuple(
        HistogramBin(
            group=row[GROUP],
            lower=edges[row["bin"]],
            upper=edges[row["bin"] + 1] if row["bin"] + 1 < len(edges) else None,
            customers=int(row["customers"]),
        )
        for row in group_rows(counts, "bin")
    )
    return TimeToValue(value=value, start=start, by=by, groups=groups, histogram=histogram)


def _float(value: object) -> float | None:
    return None if value is None else float(value)  # type: ignore[arg-type]
