"""Watching a funnel's steps over time: a sudden drop in a step's conversion is an incident.

The funnel is computed per hour of entry inside the engine
(:func:`~journeymap.analytics.funnel.funnel_by_period`) and summed into the monitoring
period: hours when the volume gives hourly tests power, else days (or weeks; see
:mod:`journeymap.moments.periods`). Each step's conversion from the previous one is then
compared, period by period, with a **rolling baseline**: the pooled conversion of the
previous ``baseline_periods`` comparable periods (the same hour of earlier days, for hours)
that raised no alarm themselves. The test is a one-sided exact test for two proportions
("is this period's rate lower than the baseline's?", Fisher's; see
:mod:`journeymap.moments.alarms`), not a fixed threshold, so a quiet day with few customers
does not alarm and a real outage on a busy one does. ``alpha`` is per test: at the default
0.0001 a step watched daily raises a false alarm less than once in 27 years (on a true
null), far below the one per 90 days the benchmark allows; a real outage's p-value is many
orders of magnitude smaller. Adjacent alarm periods (one
quiet period between them at most; two for hours) merge into one **incident** with its
start, end, the rates, and the customers it cost (conversions the baseline rate would have
given, minus those seen).

Periods whose entrants may still convert (their conversion window reaches past the data)
are left out: otherwise the last days would always look like an outage.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import ibis

from journeymap.analytics.funnel import FunnelPeriod, FunnelStep, funnel_by_period
from journeymap.model.canonical import TS
from journeymap.moments.alarms import Alarm, Direction, alarm_runs, detect_drops, detect_shifts
from journeymap.moments.periods import (
    HOURLY_MINIMUM,
    MonitorPeriod,
    PeriodChoice,
    check_period,
    choose_period,
    last_complete,
    merge_gap,
    period_end,
    period_grid,
    period_start,
    roll_up,
    season,
)

__all__ = [
    "Alarm",
    "Incident",
    "Monitoring",
    "complete_grid",
    "detect_drops",
    "latest_time",
    "monitor_funnel",
    "series_incidents",
]


@dataclass(frozen=True)
class Incident:
    """A run of alarm periods on one watched rate, merged: a step's conversion that dropped,
    or a negative signal's rate that rose."""

    name: str
    """The funnel step's name (its touchpoint), or the touchpoint of the signal."""
    start: dt.date
    """The first alarm period: a date for days and weeks, an aware UTC datetime for hours."""
    end: dt.date
    """The start of the last alarm period (same type as ``start``)."""
    baseline_rate: float
    observed_rate: float
    customers_affected: int
    """Conversions lost against the baseline rate; for a signal, the extra touchpoint
    events (parcels, refunds) that lived it."""
    p_value: float
    """The smallest p-value among its periods."""
    step: int | None = None
    """The funnel step (1-based) whose conversion from the previous step dropped."""
    funnel: str | None = None
    """The id of the journey's funnel, when it was declared on the map."""
    signal: str | None = None
    """The id of the signal (late, failed, negative feedback) whose rate rose."""
    period: MonitorPeriod = "day"
    open: bool = False
    """Still running in the last period tested."""

    @property
    def kind(self) -> str:
        """``conversion`` (a step dropped) or ``signal`` (a negative signal rose)."""
        return "signal" if self.signal is not None else "conversion"

    @property
    def drop(self) -> float:
        """Baseline rate minus observed rate (conversion points lost; negative for a rise)."""
        return self.baseline_rate - self.observed_rate

    @property
    def change(self) -> float:
        """Observed rate minus baseline rate."""
        return self.observed_rate - self.baseline_rate

    @property
    def starts_at(self) -> dt.datetime:
        """The first moment of the incident (UTC)."""
        return period_start(self.start)

    @property
    def ends_at(self) -> dt.datetime:
        """The first moment after its last alarm period (UTC)."""
        return period_end(self.end, self.period)

    @property
    def key(self) -> str:
        """What it is about and when it started: the same incident keeps its key while it
        runs, so alerts are sent once (``checkout/3/payment@2025-04-26``)."""
        what = (
            f"{self.name}:{self.signal}"
            if self.signal
            else f"{self.funnel or ''}/{self.step}/{self.name}"
        )
        return f"{what}@{self.start.isoformat()}"


def series_incidents(
    periods: Sequence[dt.date],
    base: Sequence[int],
    hits: Sequence[int],
    *,
    name: str,
    period: MonitorPeriod,
    direction: Direction,
    baseline_periods: int = 14,
    alpha: float = 0.0001,
    step: int | None = None,
    funnel: str | None = None,
    signal: str | None = None,
) -> list[Incident]:
    """The incidents of one rate series on a regular grid of complete ``periods``.

    ``base[i]`` customers (or events) could do it in ``periods[i]`` and ``hits[i]`` did;
    alarms in ``direction`` are merged into incidents; one reaching the last period is open.
    """
    alarms = detect_shifts(base, hits, direction=direction, baseline_periods=baseline_periods,
                           alpha=alpha, season=season(period))  # fmt: skip
    incidents = []
    for run in alarm_runs(alarms, gap=merge_gap(period)):
        seen = sum(base[alarm.index] for alarm in run)
        done = sum(hits[alarm.index] for alarm in run)
        expected = sum(alarm.baseline_rate * base[alarm.index] for alarm in run)
        lost = expected - done if direction == "drop" else done - expected
        incidents.append(
            Incident(
                name=name,
                start=periods[run[0].index],
                end=periods[run[-1].index],
                baseline_rate=expected / seen,
                observed_rate=done / seen,
                customers_affected=round(lost),
                p_value=min(alarm.p_value for alarm in run),
                step=step,
                funnel=funnel,
                signal=signal,
                period=period,
                open=run[-1].index == len(periods) - 1,
            )
        )
    return incidents


@dataclass(frozen=True)
class Monitoring:
    """One funnel's monitored series and the incidents found in it."""

    period: MonitorPeriod
    series: tuple[FunnelPeriod, ...]
    """The funnel per monitoring period (complete or not), oldest first."""
    incidents: tuple[Incident, ...]
    last_complete: dt.date | None
    """The last period tested (later ones may still convert)."""
    funnel: str | None = None
    """The id of the journey's funnel, when it was declared on the map."""
    tested: tuple[dt.date, ...] = ()
    """The periods tested (complete ones from the first entry on, empty ones included)."""

    @property
    def open_incidents(self) -> tuple[Incident, ...]:
        """Incidents still running in the last complete period."""
        return tuple(i for i in self.incidents if i.open)


def latest_time(events: ibis.Table) -> dt.datetime | None:
    """The newest event time, aware UTC (naive times are UTC, as everywhere)."""
    latest = events.aggregate(latest=events[TS].max()).to_pyarrow().to_pylist()[0]["latest"]
    if latest is None:
        return None
    return period_start(latest)


def monitor_funnel(
    events: ibis.Table,
    steps: Sequence[FunnelStep],
    *,
    window: dt.timedelta,
    period: PeriodChoice = "auto",
    baseline_periods: int = 14,
    alpha: float = 0.0001,
    hourly_minimum: int = HOURLY_MINIMUM,
    funnel: str | None = None,
) -> Monitoring:
    """Every step of the funnel per ``period``, and its significant drops as incidents.

    ``period="auto"`` watches hourly when in the median hour every step is measured on at
    least ``hourly_minimum`` customers, else daily (:func:`~journeymap.moments.periods.choose_period`).

    >>> import datetime as dt, ibis
    >>> day = lambda d: dt.datetime(2025, 1, d, 12, tzinfo=dt.UTC)
    >>> events = ibis.memtable({"customer_id": ["a", "a", "b"], "ts": [day(1), day(1), day(30)],
    ...     "event": ["view", "buy", "view"]})
    >>> steps = [FunnelStep("view", events="view"), FunnelStep("buy", events="buy")]
    >>> found = monitor_funnel(events, steps, window=dt.timedelta(days=1))
    >>> found.period, found.incidents, found.last_complete
    ('day', (), datetime.date(2025, 1, 28))
    """
    chosen = check_period(period)
    if not 0 < alpha < 0.5:
        raise ValueError(f"alpha must be between 0 and 0.5; got {alpha}")
    if chosen == "hour" or chosen == "auto":
        hourly = funnel_by_period(events, steps, window=window, period="hour").entries
    else:
        hourly = funnel_by_period(events, steps, window=window, period=chosen).entries
    latest = latest_time(events)
    complete_until = None if latest is None else latest - window
    if chosen == "auto":
        chosen = choose_period(_smallest_per_hour(hourly), complete_until=complete_until,
                               hourly_minimum=hourly_minimum)  # fmt: skip
    series = _rolled_up(hourly, chosen)
    grid = complete_grid([row.period for row in series], chosen, complete_until)
    incidents: list[Incident] = []
    for index, step in enumerate(steps[1:], start=2):
        rows = {row.period: row for row in series if row.step == index}
        base = [rows[p].previous if p in rows else 0 for p in grid]
        hits = [rows[p].customers if p in rows else 0 for p in grid]
        incidents += series_incidents(grid, base, hits, name=step.name, period=chosen,
                                      direction="drop", baseline_periods=baseline_periods,
                                      alpha=alpha, step=index, funnel=funnel)  # fmt: skip
    incidents.sort(key=lambda i: (i.starts_at, i.step or 0))
    last = grid[-1] if grid else None
    return Monitoring(chosen, series, tuple(incidents), last, funnel, tuple(grid))


def complete_grid(
    periods: Sequence[dt.date], kind: MonitorPeriod, complete_until: dt.datetime | None
) -> list[dt.date]:
    """Every period from the first seen to the last that ends by ``complete_until``, empty
    ones included: the regular grid the tests run on (an hour nobody entered is a period
    too, and a total outage of the first step must not stop the clock)."""
    if complete_until is None or not periods:
        return []
    return period_grid(min(periods, key=period_start), last_complete(complete_until, kind), kind)


def _smallest_per_hour(rows: Sequence[FunnelPeriod]) -> list[tuple[dt.date, int]]:
    """Per hour, the fewest customers any tested step (2 and on) is measured on."""
    smallest: dict[dt.date, int] = {}
    for row in rows:
        if row.step >= 2:
            smallest[row.period] = min(smallest.get(row.period, row.previous), row.previous)
    return sorted(smallest.items(), key=lambda item: period_start(item[0]))


def _rolled_up(rows: Sequence[FunnelPeriod], kind: MonitorPeriod) -> tuple[FunnelPeriod, ...]:
    """Hourly rows summed into days or weeks (rows already in ``kind`` pass through)."""
    sums: dict[tuple[dt.date, int], list[int]] = {}
    names: dict[int, str] = {}
    for row in rows:
        key = (roll_up(row.period, kind), row.step)
        total = sums.setdefault(key, [0, 0, 0])
        total[0] += row.entered
        total[1] += row.customers
        total[2] += row.previous
        names[row.step] = row.name
    return tuple(
        FunnelPeriod(period=p, step=step, name=names[step], entered=e, customers=c, previous=v)
        for (p, step), (e, c, v) in sorted(
            sums.items(), key=lambda i: (period_start(i[0][0]), i[0][1])
        )
    )
