"""Benchmark: how often outage monitoring cries wolf on clean logs, and how well it finds the
planted payment outage.

For each seed, the demo log is generated twice: without the outage
(``generate_demo(..., outage=False)``) and with it. On the clean log, every step of every
funnel the demo journey declares and every negative-signal series is monitored exactly as
``journeymap monitor`` does (``period="auto"``, alpha 0.0001); each incident found is a
false alarm, since nothing was planted. The rate is incidents per 90 tested days per series
(a funnel step or a signal), over all seeds, with its one-sided 95 % Poisson upper bound;
the target is below one. A second, looser alpha (0.01) shows the calibration: there the
alarms are frequent enough to compare with what the alpha promises. On the outage
log the payment incident's start and end are compared with the manifest's outage days.
The three demo journeys share their touchpoints, funnels and signals (their events are not
filtered by persona), so one journey stands for all three.

    .venv/bin/python benchmarks/monitor_false_alarms.py --seeds 10 --customers 20000
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import ibis
from scipy import stats

from journeymap.analytics import match_touchpoints
from journeymap.demo import demo_workspace, generate_demo
from journeymap.moments import Incident, JourneyMonitoring, monitor_journey

JOURNEY = demo_workspace().journeys[0]


WARM_UP = 7
"""Periods at the start of each series without a baseline yet (``minimum_baseline``)."""
_DAYS = {"hour": 1 / 24, "day": 1.0, "week": 7.0}


@dataclass
class Tally:
    """Per monitored series: periods tested and incidents raised, over every seed."""

    periods: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    incidents: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    period_days: dict[str, float] = field(default_factory=dict)

    def add(self, found: JourneyMonitoring) -> None:
        for funnel in found.funnels:
            for step, name in sorted({(r.step, r.name) for r in funnel.series if r.step >= 2}):
                key = f"{funnel.funnel} step {step} ({name})"
                incidents = sum(1 for i in funnel.incidents if i.step == step)
                self._count(key, len(funnel.tested), funnel.period, incidents)
        if found.signals is not None:
            for column, grid in found.signals.tested.items():
                touchpoint, signal = column.split(":")
                incidents = sum(1 for i in found.signals.incidents
                                if (i.name, i.signal) == (touchpoint, signal))  # fmt: skip
                self._count(f"signal {column}", len(grid), found.signals.period, incidents)

    def _count(self, key: str, periods: int, period: str, incidents: int) -> None:
        # Conservative: only periods with a baseline could alarm, so only they count.
        self.periods[key] += max(0, periods - WARM_UP)
        self.period_days[key] = _DAYS[period]
        self.incidents[key] += incidents


def _events(
    folder: Path, *, seed: int, customers: int, outage: bool
) -> tuple[ibis.Table, tuple[dt.date, ...]]:
    manifest = generate_demo(folder, customers=customers, seed=seed, outage=outage)
    con = ibis.duckdb.connect()
    con.raw_sql("SET TimeZone = 'UTC'")
    events = match_touchpoints(con.read_parquet(folder / "data" / "events.parquet"), JOURNEY)
    return events, manifest.payment_outage_dates


def _timed(events: ibis.Table, alpha: float, seconds: list[float]) -> JourneyMonitoring:
    started = time.perf_counter()
    found = monitor_journey(events, JOURNEY, alpha=alpha)
    seconds.append(time.perf_counter() - started)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--customers", type=int, default=20_000)
    parser.add_argument("--first-seed", type=int, default=100)
    parser.add_argument("--alphas", type=float, nargs="+", default=[0.0001, 0.01],
                        help="the default first; a looser one shows the calibration")  # fmt: skip
    args = parser.parse_args()
    seeds = range(args.first_seed, args.first_seed + args.seeds)
    clean = {alpha: Tally() for alpha in args.alphas}
    detections = []
    seconds: list[float] = []
    with tempfile.TemporaryDirectory(prefix="journeymap-monitor-bench-") as scratch:
        for seed in seeds:
            events, _ = _events(Path(scratch) / f"clean-{seed}", seed=seed,
                                customers=args.customers, outage=False)  # fmt: skip
            for alpha in args.alphas:
                clean[alpha].add(_timed(events, alpha, seconds))
            events, truth = _events(Path(scratch) / f"outage-{seed}", seed=seed,
                                    customers=args.customers, outage=True)  # fmt: skip
            found = _timed(events, args.alphas[0], seconds)
            payment = [i for i in found.incidents if i.name == "payment" and i.step]
            others = [i for i in found.incidents if i not in payment]
            detections.append((seed, truth, payment, others))
            print(f"seed {seed}: clean and outage logs done", flush=True)
    for alpha in args.alphas:
        _false_alarms(clean[alpha], alpha, args.seeds, args.customers)
    _outages(detections)
    print(f"\nMonitoring alone (funnels + signals, DuckDB): median "
          f"{statistics.median(seconds):.2f} s per log.")  # fmt: skip


def _false_alarms(tally: Tally, alpha: float, seeds: int, customers: int) -> None:
    print(f"\n## False alarms on clean logs ({seeds} seeds x {customers:,} customers, "
          f"period auto, alpha {alpha:g})\n")  # fmt: skip
    print("| series | days tested | incidents | per 90 days | 95 % upper bound | "
          "alarms expected at alpha |")  # fmt: skip
    print("|---|---:|---:|---:|---:|---:|")
    total_days = total_incidents = 0.0
    for key in sorted(tally.periods):
        days = tally.periods[key] * tally.period_days[key]
        total_days += days
        total_incidents += tally.incidents[key]
        print(f"| {key} | {days:,.0f} | {tally.incidents[key]} | "
              f"{_per_90(tally.incidents[key], days)} | {tally.periods[key] * alpha:.2f} |")  # fmt: skip
    print(f"| **all series** | {total_days:,.0f} | {total_incidents:.0f} | "
          f"{_per_90(round(total_incidents), total_days)} | |")  # fmt: skip


def _per_90(incidents: int, days: float) -> str:
    """The rate per 90 days and its one-sided 95 % Poisson upper bound."""
    if not days:
        return "n/a | n/a"
    upper = stats.chi2.ppf(0.95, 2 * (incidents + 1)) / 2
    return f"{incidents / days * 90:.3f} | {upper / days * 90:.3f}"


def _outages(
    detections: list[tuple[int, tuple[dt.date, ...], list[Incident], list[Incident]]],
) -> None:
    print("\n## The planted payment outage\n")
    print("| seed | outage days | found start | found end | start error (days) | "
          "end error (days) | drop | customers affected | other incidents |")  # fmt: skip
    print("|---:|---|---|---|---:|---:|---:|---:|---:|")
    for seed, truth, payment, others in detections:
        if len(payment) != 1:
            print(f"| {seed} | {truth[0]} to {truth[-1]} | {len(payment)} payment incidents | "
                  f"| | | | | {len(others)} |")  # fmt: skip
            continue
        (incident,) = payment
        start_error = (incident.start - truth[0]).days
        end_error = (incident.end - truth[-1]).days
        print(f"| {seed} | {truth[0]} to {truth[-1]} | {incident.start} | {incident.end} | "
              f"{start_error:+d} | {end_error:+d} | {incident.drop:.2f} | "
              f"{incident.customers_affected:,} | {len(others)} |")  # fmt: skip


if __name__ == "__main__":
    main()
