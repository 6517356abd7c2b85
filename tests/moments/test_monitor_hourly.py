"""Hourly monitoring on every engine: busy logs are watched by the hour, an outage of a few
hours is found with its start and end times, and quiet logs fall back to days."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pytest

from engines import Engine
from journeymap.analytics.funnel import FunnelStep, funnel_by_period
from journeymap.moments.monitor import monitor_funnel

START = dt.datetime(2025, 3, 1, tzinfo=dt.UTC)
DAYS = 16
PER_HOUR = 20
OUTAGE = [START + dt.timedelta(days=14, hours=h) for h in (10, 11, 12)]
STEPS = [FunnelStep("view", events="view"), FunnelStep("buy", events="buy")]
WINDOW = dt.timedelta(hours=1)


def _log() -> pa.Table:
    """20 customers enter every hour and 12 buy ten minutes later; 1 during the outage."""
    customers, times, names = [], [], []
    for hour in range(DAYS * 24):
        moment = START + dt.timedelta(hours=hour)
        buyers = 1 if moment in OUTAGE else 12
        for k in range(PER_HOUR):
            customer = f"c{hour}-{k}"
            customers.append(customer)
            times.append(moment + dt.timedelta(minutes=k))
            names.append("view")
            if k < buyers:
                customers.append(customer)
                times.append(moment + dt.timedelta(minutes=k + 10))
                names.append("buy")
    return pa.table(
        {
            "customer_id": customers,
            "event_id": [str(i) for i in range(len(customers))],
            "ts": pa.array(times, pa.timestamp("us", tz="UTC")),
            "event": names,
        }
    )


@pytest.fixture(scope="module")
def log() -> pa.Table:
    return _log()


def test_funnel_by_hour_gives_aware_utc_hours(engine: Engine, log: pa.Table) -> None:
    hourly = funnel_by_period(engine.table(log), STEPS, window=WINDOW, period="hour")
    rows = hourly.of_step(2)
    assert len(rows) == DAYS * 24
    assert rows[0].period == START
    outage = [row for row in rows if row.period in OUTAGE]
    assert [(row.previous, row.customers) for row in outage] == [(20, 1)] * 3


def test_an_outage_of_three_hours_is_one_incident_with_its_times(
    engine: Engine, log: pa.Table
) -> None:
    found = monitor_funnel(engine.table(log), STEPS, window=WINDOW, hourly_minimum=PER_HOUR)
    assert found.period == "hour"
    (incident,) = found.incidents
    assert (incident.start, incident.end) == (OUTAGE[0], OUTAGE[-1])
    assert incident.ends_at == OUTAGE[-1] + dt.timedelta(hours=1)
    assert incident.customers_affected == 3 * (12 - 1)
    assert incident.observed_rate == pytest.approx(3 / 60)
    assert not incident.open
    # The last event is at 23:21 on the last day: buyers of 22:00-22:59 may still come
    # (until 23:59), so 21:00 is the last hour tested.
    assert found.last_complete == START + dt.timedelta(days=DAYS, hours=-3)


def test_a_quiet_log_is_watched_by_the_day(engine: Engine, log: pa.Table) -> None:
    found = monitor_funnel(engine.table(log), STEPS, window=WINDOW)  # 20 an hour is too few
    assert found.period == "day"
    assert found.series[0].entered == 24 * PER_HOUR  # the hours summed into days
    assert found.last_complete == (START + dt.timedelta(days=DAYS - 2)).date()
    # Three bad hours in a day of 480 customers are within a day's chance variation: the
    # price of watching by the day, and why busy logs are watched by the hour.
    assert found.incidents == ()
    daily = monitor_funnel(engine.table(log), STEPS, window=WINDOW, period="day", alpha=0.01)
    (incident,) = daily.incidents
    assert incident.start == incident.end == OUTAGE[0].date()
