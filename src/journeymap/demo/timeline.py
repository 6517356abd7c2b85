"""The demo's calendar: the observed window, its payment-outage days and time-of-day helpers.

The simulation counts time in seconds since midnight UTC of the first day, as float64;
only the writer turns that into timestamps. Keeping one clock makes "days since" rules
(lapse after 45 days, delivery promised in 3 days) plain arithmetic.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

DAY = 86_400.0
HOUR = 3_600.0
MINUTE = 60.0

DEFAULT_START = dt.date(2025, 3, 3)
MINIMUM_DAYS = 60
OUTAGE_LENGTH_DAYS = 3
OUTAGE_POSITION = 0.45
"""The outage starts this far into the window, away from both edges."""

Floats = npt.NDArray[np.floating[Any]]


@dataclass(frozen=True)
class Timeline:
    """The observed window of ``days`` days from ``start`` and its outage days (none when
    ``outage`` is off: a clean log to measure false alarms on)."""

    start: dt.date
    days: int
    outage: bool = True

    def __post_init__(self) -> None:
        if self.days < MINIMUM_DAYS:
            raise ValueError(
                f"days must be at least {MINIMUM_DAYS} so that the 45-day lapse and the "
                f"win-back that follows fit in the window; got days={self.days}"
            )

    @property
    def end(self) -> float:
        """The first second after the window, in simulation seconds."""
        return self.days * DAY

    @property
    def outage_days(self) -> tuple[int, ...]:
        """Day offsets (0 = ``start``) on which the payment provider fails most attempts."""
        if not self.outage:
            return ()
        first = int(self.days * OUTAGE_POSITION)
        return tuple(range(first, first + OUTAGE_LENGTH_DAYS))

    @property
    def outage_dates(self) -> tuple[dt.date, ...]:
        """The outage days as calendar dates, as the manifest reports them."""
        return tuple(self.date(day) for day in self.outage_days)

    @property
    def epoch_day(self) -> int:
        """``start`` as days since 1970-01-01, the unit of Arrow's date32."""
        return (self.start - dt.date(1970, 1, 1)).days

    def date(self, day: int) -> dt.date:
        """The calendar date of a day offset."""
        return self.start + dt.timedelta(days=day)

    def moment(self, seconds: float) -> dt.datetime:
        """Simulation seconds as an aware UTC datetime."""
        midnight = dt.datetime(self.start.year, self.start.month, self.start.day, tzinfo=dt.UTC)
        return midnight + dt.timedelta(seconds=seconds)

    def in_outage(self, seconds: Floats) -> npt.NDArray[np.bool_]:
        """Whether each moment falls on an outage day."""
        days = np.floor(seconds / DAY)
        result: npt.NDArray[np.bool_] = np.isin(days, self.outage_days)
        return result


def at_hour(rng: np.random.Generator, seconds: Floats, hour_weights: tuple[float, ...]) -> Floats:
    """Move each moment to a random time of the same day drawn from ``hour_weights``.

    Sessions start when people are awake and free, which differs by persona; keeping the
    day but redrawing the hour gives every persona its own daily rhythm.
    """
    weights = np.asarray(hour_weights, dtype=np.float64)
    cumulative = np.cumsum(weights / weights.sum())
    hours = np.searchsorted(cumulative, rng.random(seconds.size), side="right")
    hours = np.minimum(hours, 23)
    day_start = np.floor(seconds / DAY) * DAY
    result: Floats = day_start + hours * HOUR + np.floor(rng.random(seconds.size) * HOUR)
    return result


def office_hours(rng: np.random.Generator, seconds: Floats, first: int, last: int) -> Floats:
    """Move each moment to the same day between ``first`` and ``last`` o'clock (company time)."""
    day_start = np.floor(seconds / DAY) * DAY
    span = (last - first) * HOUR
    result: Floats = day_start + first * HOUR + np.floor(rng.random(seconds.size) * span)
    return result
