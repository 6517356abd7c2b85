"""Benchmark: what the moments analyses find on the demo log, with and without a cut-off.

Generates the demo (cached), then prints, for the first demo journey, the significant
moments per outcome, the verdicts that disagree with the map, and the experience score's
held-out AUC against the activity-count baseline, over the whole history and with an
observation window that ends 45 days before the log does (where the CRM churn flag's window
starts); the adjusted models control for the persona. Timings are printed too. These are
the numbers benchmarks/README.md quotes::

    .venv/bin/python benchmarks/moments_on_demo.py --events 1000000
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import time
from pathlib import Path

import ibis
from analytics_vs_oracles import demo_log

from journeymap.analytics.scope import with_breakdown
from journeymap.demo import demo_workspace
from journeymap.moments import experience_score, moment_impacts

OUTCOMES = ("churned", "repeat-purchase", "promoter", "review-score")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument(
        "--cache", type=Path, default=Path(tempfile.gettempdir()) / "journeymap-bench"
    )
    args = parser.parse_args()
    parquet = demo_log(args.cache, args.events)
    con = ibis.duckdb.connect()
    con.raw_sql("SET TimeZone = 'UTC'")
    customers = con.read_parquet(parquet.with_name("customers.parquet"))
    events = with_breakdown(con.read_parquet(parquet), customers, "persona_truth")
    end = events.ts.max().to_pyarrow().as_py()
    journey = demo_workspace().journeys[0]
    for cut in (None, end - dt.timedelta(days=45)):
        label = "whole history" if cut is None else f"observed before {cut:%Y-%m-%d}"
        started = time.perf_counter()
        found = moment_impacts(events, journey, customers=customers, observed_before=cut,
                               segment="persona_truth")  # fmt: skip
        print(f"\n## {label}: {found.customers:,} customers, {time.perf_counter() - started:.1f} s")
        for outcome in OUTCOMES:
            top = [i for i in found.ranked(outcome) if i.significant][:5]
            shown = ", ".join(f"{i.column} ({'+' if i.favourable else '-'})" for i in top)
            print(f"- {outcome}: {shown or 'nothing significant'}")
        for verdict in found.verdicts:
            if verdict.note:
                print(f"  {verdict.touchpoint} / {verdict.outcome}: {verdict.note}")
        for outcome in ("churned", "repeat-purchase", "promoter"):
            score = experience_score(events, journey, outcome=outcome, customers=customers,
                                     observed_before=cut)  # fmt: skip
            print(f"- score {outcome}: AUC {score.auc:.3f} vs activity baseline "
                  f"{score.baseline_auc:.3f} ({score.test_customers:,} held out)")  # fmt: skip


if __name__ == "__main__":
    main()
