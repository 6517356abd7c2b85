"""The test behind every alarm: exact, one-sided either way, seasonal, and merged into runs."""

from __future__ import annotations

import datetime as dt

import pytest
from scipy import stats

from journeymap.moments.alarms import Alarm, alarm_runs, detect_rises, detect_shifts
from journeymap.moments.monitor import series_incidents
from journeymap.moments.periods import (
    choose_period,
    last_complete,
    period_end,
    period_grid,
    period_of,
    roll_up,
)


def test_a_rise_is_found_and_a_drop_is_not_a_rise() -> None:
    base = [300] * 20 + [300, 300]
    hits = [30] * 20 + [75, 5]
    (alarm,) = detect_rises(base, hits)
    assert alarm.index == 20
    assert alarm.baseline_rate == pytest.approx(0.1)
    assert alarm.observed_rate == pytest.approx(0.25)
    assert [a.index for a in detect_shifts(base, hits, direction="drop")] == [21]


def test_the_p_value_is_fishers_exact_one_sided_test() -> None:
    # A day with 20 late parcels out of 68 against 167 of 1,300: the normal approximation
    # says p = 5e-5, an alarm at alpha 1e-4; the exact test says 4e-4, no alarm.
    (alarm,) = detect_rises([1300, 68], [167, 20], minimum_baseline=1, alpha=0.01)
    expected = stats.fisher_exact([[20, 48], [167, 1133]], alternative="greater").pvalue
    assert alarm.p_value == pytest.approx(expected)
    assert detect_rises([1300, 68], [167, 20], minimum_baseline=1) == []
    (drop,) = detect_shifts([900, 100], [810, 70], direction="drop", minimum_baseline=1,
                            alpha=0.01)  # fmt: skip
    less = stats.fisher_exact([[70, 30], [810, 90]], alternative="less").pvalue
    assert drop.p_value == pytest.approx(less)


def test_hours_are_compared_with_the_same_hour_of_earlier_days() -> None:
    # Nights convert at 20 %, days at 60 %: pooled over all hours every night would look
    # like an outage; against earlier nights nothing is wrong.
    rates = [0.2 if hour < 6 else 0.6 for hour in range(24)] * 15
    base = [1000] * len(rates)
    hits = [round(1000 * rate) for rate in rates]
    assert detect_shifts(base, hits, direction="drop", season=24) == []
    assert len(detect_shifts(base, hits, direction="drop")) > 20
    broken = 14 * 24 + 15  # 15:00 on the last day
    hits[broken] = 300
    (alarm,) = detect_shifts(base, hits, direction="drop", season=24)
    assert alarm.index == broken
    assert alarm.baseline_rate == pytest.approx(0.6)


def test_empty_periods_are_skipped_and_the_arguments_are_checked() -> None:
    assert detect_rises([0] * 30, [0] * 30) == []
    with pytest.raises(ValueError, match="direction"):
        detect_shifts([1], [1], direction="up")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="season"):
        detect_shifts([1], [1], direction="rise", season=0)


def test_alarms_merge_across_short_gaps_only() -> None:
    alarms = [Alarm(i, 0.5, 0.1, 1e-9) for i in (1, 2, 5, 8, 9)]
    assert [[a.index for a in run] for run in alarm_runs(alarms, gap=1)] == [[1, 2], [5], [8, 9]]
    assert [[a.index for a in run] for run in alarm_runs(alarms, gap=2)] == [[1, 2, 5, 8, 9]]


def test_an_incident_sums_its_periods_and_is_open_when_it_reaches_the_end() -> None:
    days = period_grid(dt.date(2025, 3, 1), dt.date(2025, 3, 22), "day")
    base = [200] * 22
    hits = [100] * 20 + [40, 50]
    (incident,) = series_incidents(days, base, hits, name="payment", period="day",
                                   direction="drop", step=3, funnel="checkout")  # fmt: skip
    assert (incident.start, incident.end) == (dt.date(2025, 3, 21), dt.date(2025, 3, 22))
    assert incident.open
    assert incident.observed_rate == pytest.approx(90 / 400)
    assert incident.customers_affected == 110  # 0.5 * 400 expected, 90 seen
    assert incident.ends_at == dt.datetime(2025, 3, 23, tzinfo=dt.UTC)
    assert incident.key == "checkout/3/payment@2025-03-21"
    assert incident.kind == "conversion"
    assert incident.drop == pytest.approx(0.5 - 0.225)
    (rise,) = series_incidents(days[:21], base[:21], [10] * 20 + [60], name="home-delivery",
                               period="day", direction="rise", signal="late")  # fmt: skip
    assert (rise.kind, rise.customers_affected, rise.key) == (
        "signal",
        50,
        "home-delivery:late@2025-03-21",
    )


def test_periods_hours_days_and_weeks() -> None:
    moment = dt.datetime(2025, 3, 5, 17, 42, tzinfo=dt.UTC)  # a Wednesday
    assert period_of(moment, "hour") == dt.datetime(2025, 3, 5, 17, tzinfo=dt.UTC)
    assert period_of(moment, "day") == dt.date(2025, 3, 5)
    assert period_of(moment, "week") == dt.date(2025, 3, 3)
    assert roll_up(dt.datetime(2025, 3, 9, 23, tzinfo=dt.UTC), "week") == dt.date(2025, 3, 3)
    assert last_complete(moment, "hour") == dt.datetime(2025, 3, 5, 16, tzinfo=dt.UTC)
    assert last_complete(moment, "day") == dt.date(2025, 3, 4)
    assert last_complete(moment, "week") == dt.date(2025, 2, 24)
    hours = period_grid(dt.datetime(2025, 3, 1, 22, tzinfo=dt.UTC),
                        dt.datetime(2025, 3, 2, 1, tzinfo=dt.UTC), "hour")  # fmt: skip
    assert [h.hour for h in hours] == [22, 23, 0, 1]  # type: ignore[attr-defined]
    assert period_end(dt.date(2025, 3, 3), "week") == dt.datetime(2025, 3, 10, tzinfo=dt.UTC)


def test_hours_are_chosen_only_when_the_median_hour_is_busy_enough() -> None:
    start = dt.datetime(2025, 3, 1, tzinfo=dt.UTC)
    until = start + dt.timedelta(days=30)
    busy = [(start + dt.timedelta(hours=h), 600) for h in range(24 * 30)]
    assert choose_period(busy, complete_until=until) == "hour"
    assert choose_period(busy, complete_until=until, hourly_minimum=601) == "day"
    # Busy by day, empty at night (hours without a row count as 0): the median is 0.
    days_only = [(hour, n) for hour, n in busy if 8 <= hour.hour < 20]
    assert choose_period(days_only, complete_until=until) == "day"
    # Only the last two weeks count: a shop that grew busy watches hourly.
    grown = [(hour, 50 if hour < start + dt.timedelta(days=14) else 900) for hour, _ in busy]
    assert choose_period(grown, complete_until=until) == "hour"
    assert choose_period([], complete_until=until) == "day"
    assert choose_period(busy, complete_until=None) == "day"
