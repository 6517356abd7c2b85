"""Retention cohorts: of the customers who first showed up in a week (or month), how many are
still active 1, 2, 3... periods later?

- A customer's **cohort** is the calendar period (ISO week starting Monday, or month, in
  UTC) of their first activity;
- they are **active in period k** when they have at least one activity in the k-th period
  after their cohort's (k = 0 is the cohort's own period, where everyone is active);
- **activity** is every event, or only those satisfying the ``activity`` rule (leave out
  messages the company sends, such as newsletters, to measure what customers do);
- periods are reported up to the one holding the data's last activity (which may be
  partial); later periods are not reported at all, rather than shown as 0 % retained.

>>> import datetime as dt, ibis
>>> t = dt.datetime(2025, 1, 6, tzinfo=dt.UTC)  # a Monday
>>> events = ibis.memtable({"customer_id": ["a", "a", "b"],
...     "ts": [t, t + dt.timedelta(days=8), t + dt.timedelta(days=1)]})
>>> result = retention_cohorts(events, period="week", periods=4)
>>> [(c.period, c.active, c.share) for c in result.cells]
[(0, 2, 1.0), (1, 1, 0.5)]
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

import ibis.expr.types as ir
import pyarrow as pa

from journeymap.analytics.rules import compile_rule
from journeymap.analytics.scope import GROUP, group_rows, with_customer_group
from journeymap.analytics.time_to_value import DAY
from journeymap.model.canonical import CUSTOMER_ID, TS
from journeymap.model.rules import Rule

_WEEK_SECONDS = 7 * DAY


class CohortPeriod(StrEnum):
    """Calendar period that cohorts and retention are counted in."""

    WEEK = "week"
    MONTH = "month"


@dataclass(frozen=True)
class CohortCell:
    """Customers of one cohort active ``period`` periods after it (``size`` is the cohort's)."""

    group: object
    cohort: date
    size: int
    period: int
    active: int

    @property
    def share(self) -> float:
        """Share of the cohort active in this period."""
        return self.active / self.size if self.size else 0.0


@dataclass(frozen=True)
class RetentionCohorts:
    """A cohort triangle: one cell per group, cohort and period (oldest cohort first)."""

    period: CohortPeriod
    periods: int
    by: str | None
    cells: tuple[CohortCell, ...]

    def to_arrow(self) -> pa.Table:
        """One row per cell: cohort, size, period, active customers and their share."""
        return pa.Table.from_pylist(
            [
                {
                    **({self.by: cell.group} if self.by else {}),
                    "cohort": cell.cohort,
                    "size": cell.size,
                    "period": cell.period,
                    "active": cell.active,
                    "share": cell.share,
                }
                for cell in self.cells
            ]
        )


def cohort_activity(
    events: ir.Table,
    *,
    period: CohortPeriod | str = CohortPeriod.WEEK,
    activity: str | Rule | None = None,
    by: str | None = None,
) -> ir.Table:
    """Per customer and active period: ``customer_id``, group, ``cohort`` (a date), ``period``.

    One row for each period (0, 1, 2...) after their cohort in which the customer was active.
    """
    unit = CohortPeriod(period)
    grouped = with_customer_group(events, by)
    active = grouped if activity is None else grouped.filter(compile_rule(activity, grouped))
    start = _period_start(active[TS], unit)
    starts = active.select(CUSTOMER_ID, GROUP, period_start=start)
    cohort = starts.period_start.min().over(group_by=starts[CUSTOMER_ID])
    with_cohort = starts.mutate(cohort=cohort)
    return with_cohort.select(
        CUSTOMER_ID,
        GROUP,
        cohort=with_cohort.cohort.date(),
        period=_periods_between(with_cohort.cohort, with_cohort.period_start, unit),
    ).distinct()


def retention_cohorts(
    events: ir.Table,
    *,
    period: CohortPeriod | str = CohortPeriod.WEEK,
    periods: int = 12,
    activity: str | Rule | None = None,
    by: str | None = None,
) -> RetentionCohorts:
    """Cohort sizes and the share active in each of the ``periods`` periods after the cohort."""
    unit = CohortPeriod(period)
    if periods < 0:
        raise ValueError(f"periods must be 0 or more, got {periods}")
    cohorts = cohort_activity(events, period=unit, activity=activity, by=by)
    counts = (
        cohorts.filter(cohorts.period <= periods)
        .group_by([GROUP, "cohort", "period"])
        .agg(active=cohorts[CUSTOMER_ID].nunique())
    )
    rows = group_rows(counts, "cohort", "period")
    if not rows:
        return RetentionCohorts(period=unit, periods=periods, by=by, cells=())
    active_events = events if activity is None else events.filter(compile_rule(activity, events))
    last = _period_start(active_events[TS].max(), unit).date().to_pyarrow().as_py()
    active = {(row[GROUP], row["cohort"], row["period"]): row for row in rows}
    cells: list[CohortCell] = []
    for row in rows:
        if row["period"] != 0:
            continue
        group, cohort, size = row[GROUP], row["cohort"], int(row["active"])
        for k in range(min(periods, _calendar_periods(cohort, last, unit)) + 1):
            found = active.get((group, cohort, k))
            cells.append(CohortCell(group, cohort, size, k, int(found["active"]) if found else 0))
    return RetentionCohorts(period=unit, periods=periods, by=by, cells=tuple(cells))


def _period_start(ts: ir.TimestampValue, unit: CohortPeriod) -> ir.TimestampValue:
    start: ir.TimestampValue = ts.truncate("W" if unit is CohortPeriod.WEEK else "M")
    return start


def _periods_between(
    first: ir.TimestampValue, later: ir.TimestampValue, unit: CohortPeriod
) -> ir.IntegerValue:
    if unit is CohortPeriod.WEEK:
        seconds = later.epoch_seconds() - first.epoch_seconds()
        weeks: ir.IntegerValue = (seconds / _WEEK_SECONDS).round().cast("int64")
        return weeks
    months: ir.IntegerValue = (later.year() * 12 + later.month()) - (
        first.year() * 12 + first.month()
    )
    return months.cast("int64")


def _calendar_periods(first: date, last: date | datetime, unit: CohortPeriod) -> int:
    """Whole periods from ``first`` to ``last`` (both period starts)."""
    last_day = last.date() if isinstance(last, datetime) else last
    if unit is CohortPeriod.WEEK:
        return (last_day - first).days // 7
    return (last_day.year * 12 + last_day.month) - (first.year * 12 + first.month)
