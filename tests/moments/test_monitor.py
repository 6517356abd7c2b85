"""Outage monitoring: drops against a rolling baseline, merged into incidents; the demo's
planted payment outage is found to the day and a clean log raises nothing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import ibis
import pytest

from journeymap.analytics import match_touchpoints
from journeymap.analytics.funnel import FunnelStep
from journeymap.demo import demo_workspace, generate_demo
from journeymap.moments.monitor import Monitoring, detect_drops, monitor_funnel


def test_a_drop_is_found_and_kept_out_of_later_baselines() -> None:
    previous = [200] * 20 + [200, 200] + [200] * 5
    converted = [100] * 20 + [40, 45] + [100] * 5
    alarms = detect_drops(previous, converted)
    assert [a.index for a in alarms] == [20, 21]
    assert alarms[1].baseline_rate == pytest.approx(0.5)  # day 20 is not in day 21's baseline
    assert alarms[0].observed_rate == pytest.approx(0.2)


def test_small_days_and_short_histories_do_not_alarm() -> None:
    # A day with 4 entrants and 1 conversion is low, but not significantly so.
    assert detect_drops([200] * 20 + [4], [100] * 20 + [1]) == []
    # Fewer than a week of history: nothing to compare with yet.
    assert detect_drops([200] * 6 + [200], [100] * 6 + [0]) == []


STEPS = [
    FunnelStep(t, touchpoint=t) for t in ("basket", "delivery-options", "payment", "order-placed")
]


def _monitor(folder: Path, *, seed: int, outage: bool) -> tuple[Monitoring, tuple[dt.date, ...]]:
    manifest = generate_demo(folder, customers=10_000, seed=seed, outage=outage)
    con = ibis.duckdb.connect()
    con.raw_sql("SET TimeZone = 'UTC'")
    events = match_touchpoints(con.read_parquet(folder / "data" / "events.parquet"),
                               demo_workspace().journeys[1])  # fmt: skip
    return monitor_funnel(events, STEPS, window=dt.timedelta(days=2)), manifest.payment_outage_dates


@pytest.mark.parametrize("seed", [1, 2])
def test_the_planted_outage_is_one_incident_within_a_day_of_the_truth(
    tmp_path: Path, seed: int
) -> None:
    found, truth = _monitor(tmp_path, seed=seed, outage=True)
    (incident,) = found.incidents
    assert incident.name == "payment"
    assert abs((incident.start - truth[0]).days) <= 1
    assert abs((incident.end - truth[-1]).days) <= 1
    assert incident.drop > 0.3
    assert incident.customers_affected > 20
    assert found.open_incidents == ()


@pytest.mark.parametrize("seed", [1, 2])
def test_a_clean_log_raises_no_incident(tmp_path: Path, seed: int) -> None:
    found, truth = _monitor(tmp_path, seed=seed, outage=False)
    assert truth == ()
    assert found.incidents == ()
    assert found.last_complete is not None
