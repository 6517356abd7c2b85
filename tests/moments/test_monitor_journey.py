"""Watching a whole journey: the funnels the map declares and its negative signals, at once;
on the demo only the planted payment outage, on a clean log nothing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import ibis

from journeymap.analytics import match_touchpoints
from journeymap.demo import demo_workspace, generate_demo
from journeymap.model import Funnel
from journeymap.moments import JourneyMonitoring, monitor_journey
from journeymap.moments.journey_monitor import funnel_steps


def _watch(
    folder: Path, *, outage: bool, **options: object
) -> tuple[JourneyMonitoring, tuple[dt.date, ...]]:
    manifest = generate_demo(folder, customers=10_000, seed=3, outage=outage)
    con = ibis.duckdb.connect()
    con.raw_sql("SET TimeZone = 'UTC'")
    journey = demo_workspace().journeys[0]
    events = match_touchpoints(con.read_parquet(folder / "data" / "events.parquet"), journey)
    return monitor_journey(events, journey, **options), manifest.payment_outage_dates  # type: ignore[arg-type]


def test_the_demo_declares_a_checkout_funnel_through_the_payment() -> None:
    for journey in demo_workspace().journeys:
        (checkout,) = journey.funnels
        assert checkout.id == "checkout"
        assert checkout.steps[:4] == ["basket", "delivery-options", "payment", "order-placed"]
        assert [s.touchpoint for s in funnel_steps(checkout)] == checkout.steps


def test_the_outage_is_the_only_incident_of_the_journey(tmp_path: Path) -> None:
    found, truth = _watch(tmp_path, outage=True)
    (incident,) = found.incidents
    assert (incident.funnel, incident.step, incident.name) == ("checkout", 3, "payment")
    assert abs((incident.start - truth[0]).days) <= 1
    assert abs((incident.end - truth[-1]).days) <= 1
    assert found.open_incidents == ()
    (checkout,) = found.funnels
    assert checkout.period == "day"
    assert found.signals is not None
    assert found.signals.series
    assert found.checked_until is not None
    assert found.checked_until.date() == dt.date(2025, 6, 30)


def test_a_clean_log_raises_nothing_in_funnels_or_signals(tmp_path: Path) -> None:
    found, truth = _watch(tmp_path, outage=False)
    assert truth == ()
    assert found.incidents == ()


def test_the_funnels_to_watch_can_be_chosen(tmp_path: Path) -> None:
    only = Funnel(id="pay", name="Pay", steps=["delivery-options", "payment"], window_hours=24)
    found, _ = _watch(tmp_path, outage=True, funnels=[only], signals=False)
    assert found.signals is None
    (incident,) = found.incidents
    assert (incident.funnel, incident.step, incident.name) == ("pay", 2, "payment")


def test_weekly_monitoring_is_dated_by_mondays(tmp_path: Path) -> None:
    found, truth = _watch(tmp_path, outage=True, period="week", signals=False)
    (checkout,) = found.funnels
    assert checkout.period == "week"
    assert {row.period.weekday() for row in checkout.series} == {0}
    (incident,) = found.incidents  # the week holding most outage days
    assert incident.start == incident.end == truth[0] - dt.timedelta(days=truth[0].weekday())
