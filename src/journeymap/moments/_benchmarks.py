"""Benchmarks of the opportunity backlog: how often each segment and week lived a signal,
which of them is fit to be the benchmark, and what performing like it would gain.

Pure Python over the few tallies :mod:`journeymap.moments._backlog_counts` brings out of the
engine (a handful of rows per suggestion). The rules, explained in
:mod:`journeymap.moments.opportunities`: a benchmark has at least ``min_customers``
customers and a 95 % (Wilson) interval wholly on the better side of the rate over all
groups; weeks at the edges of the log, or whose follow-up window is still open, are none.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from journeymap.model import ExperienceSignal, SignalKind
from journeymap.moments._backlog_counts import Tally
from journeymap.moments.statistics import Z95

Direction = Literal["fix", "spread"]
"""``fix``: fewer customers should live the signal; ``spread``: more should."""


@dataclass(frozen=True)
class GroupRate:
    """How often the customers of one segment (or one week) lived the signal."""

    label: str
    """The segment's value, or the week's Monday as an ISO date (2025-04-07)."""
    customers: int
    lived: int

    @property
    def rate(self) -> float:
        """Share of the group's customers who lived the signal."""
        return self.lived / self.customers if self.customers else 0.0

    @property
    def interval(self) -> tuple[float, float]:
        """The rate's 95 % Wilson interval (honest for small groups and rates near 0 or 1)."""
        n, p = self.customers, self.rate
        if n == 0:
            return 0.0, 1.0
        centre = (p + Z95**2 / (2 * n)) / (1 + Z95**2 / n)
        half = Z95 * math.sqrt(p * (1 - p) / n + Z95**2 / (4 * n * n)) / (1 + Z95**2 / n)
        return max(0.0, centre - half), min(1.0, centre + half)


def judged_rate(tallies: dict[str, dict[str | None, Tally]], measured: Tally) -> float:
    """The rate the benchmarks are judged against: over the weeks (each customer's first
    week at the touchpoint) for a narrowed signal, over everyone for a plain one."""
    weeks = tallies.get("week")
    if not weeks:
        return measured.lived / measured.customers
    customers = sum(t.customers for t in weeks.values())
    return sum(t.lived for t in weeks.values()) / customers if customers else 0.0


def groups(tallies: dict[str | None, Tally]) -> list[GroupRate]:
    """The named groups (customers with no segment value are in no group)."""
    return [GroupRate(key, t.customers, t.lived) for key, t in sorted(tallies.items(), key=str)
            if key]  # fmt: skip


def complete(
    weeks: list[GroupRate], signal: ExperienceSignal, span: tuple[dt.datetime, dt.datetime] | None
) -> list[GroupRate]:
    """The weeks fit to be a benchmark: neither the first nor the last week of observation
    (journeys there are cut short: the first week's parcels can only come from quick
    orders, the last week's late ones may not have arrived yet), and only weeks whose
    follow-up window closed (a detractor's answer may come 30 days after the parcel)."""
    if span is None:
        return []
    start, end = span
    wait = dt.timedelta(days=7)
    if signal.kind in (SignalKind.FAILED, SignalKind.NEGATIVE_FEEDBACK):
        if signal.within_hours is None:
            return []  # the follow-up never closes: no week is complete
        wait += dt.timedelta(hours=signal.within_hours)
    first_monday = _monday((start - dt.timedelta(days=start.weekday())).date().isoformat())
    return [w for w in weeks if first_monday < _monday(w.label) and _monday(w.label) + wait <= end]


def _monday(label: str) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(label), dt.time(), tzinfo=dt.UTC)


def benchmark(
    groups: Sequence[GroupRate], direction: Direction, min_customers: int, per_customer: float
) -> tuple[GroupRate | None, float | None]:
    """The best group and the gain if every customer of the groups lived it at its rate.

    The comparison stays among the customers who are in a group: a segment taken from the
    parcels exists only for buyers, and everyone else's rate is not the segments' business.
    """
    customers = sum(g.customers for g in groups)
    if customers == 0:
        return None, None
    current = sum(g.lived for g in groups) / customers
    big = [g for g in groups if g.customers >= min_customers]
    if direction == "fix":
        better = [g for g in big if g.interval[1] < current]
        best = min(better, key=lambda g: (g.rate, -g.customers, g.label), default=None)
    else:
        better = [g for g in big if g.interval[0] > current]
        best = max(better, key=lambda g: (g.rate, g.customers, g.label), default=None)
    if best is None:
        return None, None
    moved = current - best.rate if direction == "fix" else best.rate - current
    return best, moved * customers * per_customer


def worst(
    groups: Sequence[GroupRate], direction: Direction, min_customers: int
) -> GroupRate | None:
    big = [g for g in groups if g.customers >= min_customers]
    if direction == "fix":
        return max(big, key=lambda g: (g.rate, g.customers, g.label), default=None)
    return min(big, key=lambda g: (g.rate, -g.customers, g.label), default=None)
