"""Watching a funnel's steps over time: a sudden drop in a step's conversion is an incident.

The funnel is computed per day (or week) of entry inside the engine
(:func:`~journeymap.analytics.funnel.funnel_by_period`); each step's conversion from the
previous one is then compared, period by period, with a **rolling baseline**: the pooled
conversion of the previous ``baseline_periods`` periods that raised no alarm themselves. The
test is a one-sided two-proportion z-test ("is this period's rate lower than the
baseline's?"), not a fixed threshold, so a quiet day with few customers does not alarm and a
real outage on a busy one does. ``alpha`` is per test: at the default 0.0001 a step watched
daily raises a false alarm about once in 27 years (on a true null), far below the one per 90
days the benchmark allows; a real outage's p-value is many orders of magnitude smaller. Adjacent alarm periods (a gap of one period at most)
merge into one **incident** with its start, end, the rates, and the customers it cost
(conversions the baseline rate would have given, minus those seen).

Periods whose entrants may still convert (their conversion window reaches past the data)
are left out: otherwise the last days would always look like an outage.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

import ibis
from scipy import stats

from journeymap.analytics.funnel import FunnelPeriod, FunnelStep, Period, funnel_by_period
from journeymap.model.canonical import TS

__all__ = ["Incident", "Monitoring", "StepAlarm", "detect_drops", "monitor_funnel"]

_PERIOD_LENGTH = {"day": dt.timedelta(days=1), "week": dt.timedelta(weeks=1)}


@dataclass(frozen=True)
class StepAlarm:
    """One period whose conversion fell significantly below the baseline."""

    index: int
    """Position of the period in the series given to :func:`detect_drops`."""
    baseline_rate: float
    observed_rate: float
    p_value: float


def detect_drops(
    previous: Sequence[int],
    converted: Sequence[int],
    *,
    baseline_periods: int = 14,
    minimum_baseline: int = 7,
    alpha: float = 0.0001,
) -> list[StepAlarm]:
    """The periods of one step's series whose conversion dropped below the rolling baseline.

    ``previous[i]`` customers could convert in period ``i`` and ``converted[i]`` did. The
    baseline pools the last ``baseline_periods`` periods without an alarm (at least
    ``minimum_baseline`` of them, else no test).

    >>> detect_drops([100] * 20 + [100], [50] * 20 + [20])[0].index
    20
    """
    alarms: list[StepAlarm] = []
    clean: list[int] = []
    for index, (n, x) in enumerate(zip(previous, converted, strict=True)):
        window = clean[-baseline_periods:]
        if len(window) >= minimum_baseline and n > 0:
            big_n = sum(previous[i] for i in window)
            big_x = sum(converted[i] for i in window)
            p_value = _drop_p_value(x, n, big_x, big_n)
            if p_value < alpha:
                alarms.append(StepAlarm(index, big_x / big_n, x / n, p_value))
                continue
        if n > 0:
            clean.append(index)
    return alarms


def _drop_p_value(x: int, n: int, big_x: int, big_n: int) -> float:
    """One-sided two-proportion z-test: is x/n below big_x/big_n?"""
    pooled = (x + big_x) / (n + big_n)
    spread = math.sqrt(pooled * (1 - pooled) * (1 / n + 1 / big_n))
    if spread == 0:
        return 1.0
    z = (x / n - big_x / big_n) / spread
    return float(stats.norm.cdf(z))


@dataclass(frozen=True)
class Incident:
    """A run of alarm periods on one step, merged."""

    step: int
    name: str
    start: dt.date
    end: dt.date
    """The first day of the last alarm period."""
    baseline_rate: float
    observed_rate: float
    customers_affected: int
    p_value: float
    """The smallest p-value among its periods."""

    @property
    def drop(self) -> float:
        """Baseline rate minus observed rate (conversion points lost)."""
        return self.baseline_rate - self.observed_rate


@dataclass(frozen=True)
class Monitoring:
    """The monitored series and the incidents found in it."""

    period: Period
    series: tuple[FunnelPeriod, ...]
    incidents: tuple[Incident, ...]
    last_complete: dt.date | None
    """The last period tested (later ones may still convert)."""

    @property
    def open_incidents(self) -> tuple[Incident, ...]:
        """Incidents still running in the last complete period."""
        return tuple(i for i in self.incidents if i.end == self.last_complete)


def monitor_funnel(
    events: ibis.Table,
    steps: Sequence[FunnelStep],
    *,
    window: dt.timedelta,
    period: Period = "day",
    baseline_periods: int = 14,
    alpha: float = 0.0001,
) -> Monitoring:
    """Every step of the funnel per ``period``, and its significant drops as incidents."""
    if period not in _PERIOD_LENGTH:
        raise ValueError(f"period must be 'day' or 'week'; got {period!r}")
    if not 0 < alpha < 0.5:
        raise ValueError(f"alpha must be between 0 and 0.5; got {alpha}")
    series = funnel_by_period(events, steps, window=window, period=period)
    latest = events.aggregate(latest=events[TS].max()).to_pyarrow().to_pylist()[0]["latest"]
    if latest is not None and latest.tzinfo is None:
        latest = latest.replace(tzinfo=dt.UTC)  # naive times are UTC, as everywhere
    complete = [
        row
        for row in series.entries
        if latest is not None and _period_end(row.period, period) + window <= latest
    ]
    periods = sorted({row.period for row in complete})
    incidents: list[Incident] = []
    for step in range(2, len(steps) + 1):
        rows = {row.period: row for row in complete if row.step == step}
        ordered = [rows[p] for p in periods if p in rows]
        alarms = detect_drops(
            [row.previous for row in ordered],
            [row.customers for row in ordered],
            baseline_periods=baseline_periods,
            alpha=alpha,
        )
        incidents += _merge(alarms, ordered, steps[step - 1].name, step, period)
    incidents.sort(key=lambda i: (i.start, i.step))
    return Monitoring(period, series.entries, tuple(incidents), periods[-1] if periods else None)


def _period_end(start: dt.date, period: Period) -> dt.datetime:
    midnight = dt.datetime(start.year, start.month, start.day, tzinfo=dt.UTC)
    return midnight + _PERIOD_LENGTH[period]


def _merge(
    alarms: Sequence[StepAlarm], rows: Sequence[FunnelPeriod], name: str, step: int, period: Period
) -> list[Incident]:
    """Alarms at most one period apart become one incident."""
    runs: list[list[StepAlarm]] = []
    for alarm in alarms:
        if runs and alarm.index - runs[-1][-1].index <= 2:
            runs[-1].append(alarm)
        else:
            runs.append([alarm])
    incidents = []
    for run in runs:
        members = [rows[alarm.index] for alarm in run]
        entered = sum(row.previous for row in members)
        converted = sum(row.customers for row in members)
        baseline = sum(a.baseline_rate * rows[a.index].previous for a in run) / entered
        incidents.append(
            Incident(
                step=step,
                name=name,
                start=members[0].period,
                end=members[-1].period,
                baseline_rate=baseline,
                observed_rate=converted / entered,
                customers_affected=round(baseline * entered - converted),
                p_value=min(alarm.p_value for alarm in run),
            )
        )
    return incidents
