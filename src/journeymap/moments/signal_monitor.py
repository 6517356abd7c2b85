"""Watching the moments of truth over time: a sudden rise in late parcels is an incident.

Every negative signal of the journey's touchpoints (kind ``late``, ``failed`` or
``negative_feedback``; see :mod:`journeymap.moments.signals`) becomes a rate per period:
of the touchpoint's events the signal is about (deliveries; those a ``where`` keeps), the
share on which the customer lived it (late ones). Events, not customers, are counted: a rate
of late *parcels* is what a carrier answers for, and event counts add up, so the hourly
series counted once in the engine sums exactly into days and weeks
(:mod:`journeymap.moments.periods`).

Each period is tested against its rolling baseline with the one-sided exact test for two
proportions of :mod:`journeymap.moments.alarms`, in the other direction from conversions:
a significant **rise**. A constant problem (one carrier late on a quarter of its parcels all year) is the
baseline, not an incident; a carrier that starts failing this week is one.

A period is tested once its signal can no longer change: at once for ``late``, after
``within_hours`` for a ``failed`` or ``negative_feedback`` signal (its follow-up may still
come), or after ``follow_window`` when such a signal sets no ``within_hours``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import ibis

from journeymap.model import Journey, SignalKind
from journeymap.model.canonical import TS
from journeymap.moments.monitor import Incident, complete_grid, latest_time, series_incidents
from journeymap.moments.periods import (
    HOURLY_MINIMUM,
    MonitorPeriod,
    PeriodChoice,
    check_period,
    choose_period,
    period_start,
    roll_up,
)
from journeymap.moments.signals import (
    SignalColumn,
    eligible_column,
    journey_signals,
    signal_events,
)

__all__ = [
    "NEGATIVE_KINDS",
    "SignalMonitoring",
    "SignalPeriod",
    "monitor_signals",
    "signal_rates_by_period",
    "watched_signals",
]

NEGATIVE_KINDS = frozenset({SignalKind.LATE, SignalKind.FAILED, SignalKind.NEGATIVE_FEEDBACK})
"""The signal kinds whose rate is watched for rises: something went wrong."""

_TRUNCATE = {"hour": "h", "day": "D", "week": "W"}


def watched_signals(journey: Journey) -> tuple[SignalColumn, ...]:
    """The journey's negative signals (late, failed, negative feedback), in spine order."""
    return tuple(c for c in journey_signals(journey) if c.signal.kind in NEGATIVE_KINDS)


@dataclass(frozen=True)
class SignalPeriod:
    """One signal's numbers for the touchpoint events of one period."""

    period: dt.date
    """The period's first day; for hours, its first moment (an aware UTC datetime)."""
    touchpoint: str
    signal: str
    events: int
    """The touchpoint's events the signal is about (after its ``where``)."""
    lived: int
    """Of those, the events on which the customer lived the signal."""

    @property
    def rate(self) -> float | None:
        """Share of the events that lived the signal."""
        return self.lived / self.events if self.events else None


def signal_rates_by_period(
    events: ibis.Table,
    journey: Journey,
    *,
    period: MonitorPeriod = "day",
    signals: Sequence[SignalColumn] | None = None,
) -> tuple[SignalPeriod, ...]:
    """Each signal's events and how many lived it, per (UTC) hour, day or week, oldest first.

    One group-by in the engine over :func:`~journeymap.moments.signals.signal_events`;
    ``signals`` defaults to :func:`watched_signals`. Periods without an eligible event for
    a signal have no row for it.
    """
    columns = watched_signals(journey) if signals is None else tuple(signals)
    if not columns:
        return ()
    flags = signal_events(events, journey, signals=columns)
    moment: Any = flags[TS].truncate(_TRUNCATE[period])
    keyed = flags.mutate(_period=moment if period == "hour" else moment.date())
    totals = keyed.group_by("_period").agg(
        **{
            f"n{i}": keyed[eligible_column(c.name)].cast("int64").sum()
            for i, c in enumerate(columns)
        },
        **{f"x{i}": keyed[c.name].cast("int64").sum() for i, c in enumerate(columns)},
    )
    rows = []
    for row in totals.to_pyarrow().to_pylist():
        when = period_start(row["_period"]) if period == "hour" else row["_period"]
        for i, column in enumerate(columns):
            if row[f"n{i}"]:
                rows.append(SignalPeriod(when, column.touchpoint.id, column.signal.id,
                                         int(row[f"n{i}"]), int(row[f"x{i}"] or 0)))  # fmt: skip
    rows.sort(key=lambda r: period_start(r.period))
    return tuple(rows)


@dataclass(frozen=True)
class SignalMonitoring:
    """The negative signals' rates per period and the rises found in them."""

    period: MonitorPeriod
    series: tuple[SignalPeriod, ...]
    incidents: tuple[Incident, ...]
    last_complete: dt.date | None
    """The last period tested for the signal that settles soonest (a late parcel is late at
    once; a detractor score may come weeks after the delivery)."""
    tested: Mapping[str, tuple[dt.date, ...]] = field(default_factory=dict)
    """Per signal column (``touchpoint:signal``), the periods tested, oldest first."""

    @property
    def open_incidents(self) -> tuple[Incident, ...]:
        """Rises still running in the last period tested."""
        return tuple(i for i in self.incidents if i.open)

    def of_signal(self, touchpoint: str, signal: str) -> tuple[SignalPeriod, ...]:
        """The rows of one signal, oldest first."""
        return tuple(r for r in self.series if (r.touchpoint, r.signal) == (touchpoint, signal))


def monitor_signals(
    events: ibis.Table,
    journey: Journey,
    *,
    period: PeriodChoice = "auto",
    baseline_periods: int = 14,
    alpha: float = 0.0001,
    hourly_minimum: int = HOURLY_MINIMUM,
    follow_window: dt.timedelta = dt.timedelta(days=2),
) -> SignalMonitoring:
    """Every negative signal's rate per ``period``, and its significant rises as incidents.

    ``period="auto"`` watches hourly when in the median hour every signal has at least
    ``hourly_minimum`` events, else daily.
    """
    chosen = check_period(period)
    if not 0 < alpha < 0.5:
        raise ValueError(f"alpha must be between 0 and 0.5; got {alpha}")
    columns = watched_signals(journey)
    if not columns:
        return SignalMonitoring("day" if chosen == "auto" else chosen, (), (), None)
    counted = "hour" if chosen == "auto" else chosen
    rows = signal_rates_by_period(events, journey, period=counted, signals=columns)
    latest = latest_time(events)
    horizons = {c.name: _horizon(c, follow_window) for c in columns}
    if chosen == "auto":
        settled = None if latest is None else latest - max(horizons.values())
        chosen = choose_period(_smallest_per_hour(rows, len(columns)), complete_until=settled,
                               hourly_minimum=hourly_minimum)  # fmt: skip
    series = _rolled_up(rows, chosen)
    incidents: list[Incident] = []
    tested: dict[str, tuple[dt.date, ...]] = {}
    for column in columns:
        mine = {r.period: r for r in series if (r.touchpoint, r.signal) == _ids(column)}
        until = None if latest is None else latest - horizons[column.name]
        grid = complete_grid(list(mine), chosen, until)
        tested[column.name] = tuple(grid)
        incidents += series_incidents(
            grid,
            [mine[p].events if p in mine else 0 for p in grid],
            [mine[p].lived if p in mine else 0 for p in grid],
            name=column.touchpoint.id, period=chosen, direction="rise",
            baseline_periods=baseline_periods, alpha=alpha, signal=column.signal.id,
        )  # fmt: skip
    incidents.sort(key=lambda i: (i.starts_at, i.name, i.signal or ""))
    ends = [grid[-1] for grid in tested.values() if grid]
    last = max(ends, key=period_start) if ends else None
    return SignalMonitoring(chosen, series, tuple(incidents), last, tested)


def _ids(column: SignalColumn) -> tuple[str, str]:
    return column.touchpoint.id, column.signal.id


def _horizon(column: SignalColumn, follow_window: dt.timedelta) -> dt.timedelta:
    """How long after an event its signal may still change."""
    signal = column.signal
    if column.following is None:
        return dt.timedelta(0)
    if signal.within_hours is None:
        return follow_window
    return dt.timedelta(hours=signal.within_hours)


def _smallest_per_hour(rows: Sequence[SignalPeriod], signals: int) -> list[tuple[dt.date, int]]:
    """Per hour, the fewest events any signal is measured on (0 when one had none)."""
    per_hour: dict[dt.date, list[int]] = {}
    for row in rows:
        per_hour.setdefault(row.period, []).append(row.events)
    return [
        (hour, min(counts) if len(counts) == signals else 0) for hour, counts in per_hour.items()
    ]


def _rolled_up(rows: Sequence[SignalPeriod], kind: MonitorPeriod) -> tuple[SignalPeriod, ...]:
    """Hourly rows summed into days or weeks (rows already in ``kind`` pass through)."""
    sums: dict[tuple[dt.date, str, str], list[int]] = {}
    for row in rows:
        total = sums.setdefault((roll_up(row.period, kind), row.touchpoint, row.signal), [0, 0])
        total[0] += row.events
        total[1] += row.lived
    return tuple(
        SignalPeriod(period, touchpoint, signal, n, x)
        for (period, touchpoint, signal), (n, x) in sorted(
            sums.items(), key=lambda item: (period_start(item[0][0]), item[0][1], item[0][2])
        )
    )
