"""The calendar of monitoring: hours, days or weeks, and which one the volume can afford.

A test on one hour of data only has power when the hour holds enough customers; otherwise
hourly monitoring would alarm late (or never) and only add tests that can go wrong. So
``period="auto"`` picks hours when, in the median hour of the last two weeks, every watched
rate is measured on at least ``hourly_minimum`` customers (or events), and days otherwise.
The default of 500 is what a one-sided test at alpha 0.0001 needs to see a conversion fall
from 50 % to 40 % in a single hour with about 80 % power.

Series are counted per hour once, in the engine; days and weeks are sums of their hours
(every customer or event belongs to exactly one period), so choosing costs no second query.
Hours are aware UTC datetimes, days and weeks dates (a week starts on Monday).
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Iterable, Sequence
from typing import Literal

__all__ = [
    "HOURLY_MINIMUM",
    "MonitorPeriod",
    "PeriodChoice",
    "check_period",
    "choose_period",
    "last_complete",
    "merge_gap",
    "period_end",
    "period_grid",
    "period_of",
    "period_start",
    "roll_up",
    "season",
]

MonitorPeriod = Literal["hour", "day", "week"]
PeriodChoice = Literal["auto", "hour", "day", "week"]

HOURLY_MINIMUM = 500
"""Customers (or events) per median hour from which hourly tests have power."""

_LENGTH: dict[str, dt.timedelta] = {
    "hour": dt.timedelta(hours=1),
    "day": dt.timedelta(days=1),
    "week": dt.timedelta(weeks=1),
}
_SEASON = {"hour": 24, "day": 1, "week": 1}
# Quiet periods allowed inside one incident: a night hour with few customers may not alarm
# on its own in the middle of an outage that alarms every busy hour around it.
_MERGE_GAP = {"hour": 2, "day": 1, "week": 1}
_CHOICE_DAYS = 14


def check_period(period: str) -> PeriodChoice:
    """``period`` if it is a monitoring period or ``auto``; a clear ``ValueError`` if not."""
    if period not in ("auto", *_LENGTH):
        raise ValueError(f"period must be auto, hour, day or week; got {period!r}")
    return period  # type: ignore[return-value]


def period_start(period: dt.date) -> dt.datetime:
    """The first moment of a period given as a date (day, week) or an hour's datetime."""
    if isinstance(period, dt.datetime):
        return period if period.tzinfo else period.replace(tzinfo=dt.UTC)
    return dt.datetime(period.year, period.month, period.day, tzinfo=dt.UTC)


def period_end(period: dt.date, kind: MonitorPeriod) -> dt.datetime:
    """The first moment after the period."""
    return period_start(period) + _LENGTH[kind]


def season(kind: MonitorPeriod) -> int:
    """Periods per cycle the baseline compares like with like over (24 for hours)."""
    return _SEASON[kind]


def merge_gap(kind: MonitorPeriod) -> int:
    """Quiet periods allowed between two alarms of one incident."""
    return _MERGE_GAP[kind]


def period_grid(first: dt.date, last: dt.date, kind: MonitorPeriod) -> list[dt.date]:
    """Every period from ``first`` to ``last`` inclusive, empty ones included.

    >>> [d.day for d in period_grid(dt.date(2025, 1, 30), dt.date(2025, 2, 2), "day")]
    [30, 31, 1, 2]
    """
    step = _LENGTH[kind]
    grid: list[dt.date] = []
    current: dt.date = first
    if kind == "hour":  # adding an hour to a plain date would never move it
        current, last = period_start(first), period_start(last)
    while current <= last:
        grid.append(current)
        current = current + step
    return grid


def period_of(moment: dt.datetime, kind: MonitorPeriod) -> dt.date:
    """The period a moment falls in (UTC).

    >>> period_of(dt.datetime(2025, 3, 5, 17, 30, tzinfo=dt.UTC), "hour").hour
    17
    """
    utc = period_start(moment).astimezone(dt.UTC)
    return roll_up(utc.replace(minute=0, second=0, microsecond=0), kind)


def last_complete(complete_until: dt.datetime, kind: MonitorPeriod) -> dt.date:
    """The last period that ends by ``complete_until``."""
    return period_of(complete_until - _LENGTH[kind], kind)


def roll_up(hour: dt.date, kind: MonitorPeriod) -> dt.date:
    """The period (hour, day, or the week from Monday) an hour belongs to.

    >>> roll_up(dt.datetime(2025, 3, 5, 17, tzinfo=dt.UTC), "week")
    datetime.date(2025, 3, 3)
    """
    if kind == "hour":
        return hour
    day = hour.date() if isinstance(hour, dt.datetime) else hour
    return day if kind == "day" else day - dt.timedelta(days=day.weekday())


def choose_period(
    hourly: Iterable[tuple[dt.date, int]],
    *,
    complete_until: dt.datetime | None,
    hourly_minimum: int = HOURLY_MINIMUM,
) -> MonitorPeriod:
    """``hour`` when the median complete hour of the last two weeks holds at least
    ``hourly_minimum``, else ``day``.

    ``hourly`` gives, per hour, the smallest count any watched rate is measured on; hours
    left out had none.

    >>> start = dt.datetime(2025, 3, 1, tzinfo=dt.UTC)
    >>> busy = [(start + dt.timedelta(hours=h), 800) for h in range(24 * 20)]
    >>> choose_period(busy, complete_until=start + dt.timedelta(days=20))
    'hour'
    >>> choose_period(busy[::2], complete_until=start + dt.timedelta(days=20))
    'day'
    """
    counts = {period_start(hour): n for hour, n in hourly}
    if complete_until is None or not counts:
        return "day"
    last = period_start(last_complete(complete_until, "hour"))
    first = max(min(counts), last - dt.timedelta(days=_CHOICE_DAYS) + _LENGTH["hour"])
    if first > last:
        return "day"
    hours: Sequence[dt.date] = period_grid(first, last, "hour")
    median = statistics.median(counts.get(period_start(hour), 0) for hour in hours)
    return "hour" if median >= hourly_minimum else "day"
