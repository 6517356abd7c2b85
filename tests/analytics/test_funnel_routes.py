"""The fast route for plain ordered funnels gives exactly what the general route gives.

Plain ordered funnels (no optional steps, gaps or exclusions) are computed with ClickHouse's
"latest start per level" method (``latest_start_chains``); everything else with chains from
every start. The general route is the oracle here: same levels and the same reported step
times, on logs with timestamp ties and events that match two steps, on both engines.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import pyarrow as pa
import pytest
from logs import EPOCH, EVENTS_SCHEMA

from journeymap.analytics._funnel_chains import takes_latest_start_route
from journeymap.analytics._funnel_plan import make_plan
from journeymap.analytics.funnel import (
    FunnelExclusion,
    FunnelStep,
    customers_of_plan,
    funnel,
    funnel_customers,
)


def tied_log(*, customers: int, seed: int) -> pa.Table:
    """Random traces on a coarse clock (minutes), so customers often have simultaneous events."""
    rng = random.Random(seed)
    rows = []
    for number in range(customers):
        for _ in range(rng.randint(1, 14)):
            rows.append(
                {
                    "event_id": f"e{rng.randrange(10**6):06d}-{len(rows)}",
                    "customer_id": f"c{number:04d}",
                    "ts": EPOCH + dt.timedelta(minutes=rng.randrange(6 * 60)),
                    "event": rng.choice("abcdx"),
                    "channel": "web",
                }
            )
    rng.shuffle(rows)
    return pa.Table.from_pylist(rows, schema=EVENTS_SCHEMA)


FUNNELS = {
    "three steps": [FunnelStep(n, events=n) for n in "abc"],
    "five steps": [FunnelStep(n, events=n) for n in "abcab"],
    "overlapping steps": [
        FunnelStep("a", events="a"),
        FunnelStep("a or b", events=("a", "b")),
        FunnelStep("b or c", events=("b", "c")),
        FunnelStep("d", events="d"),
    ],
    "one step": [FunnelStep("a", events="a")],
}


def rows(table: Any) -> list[dict[str, Any]]:
    return sorted(table.to_pyarrow().to_pylist(), key=lambda row: row["customer_id"])


@pytest.mark.parametrize("name", sorted(FUNNELS))
@pytest.mark.parametrize("window", [dt.timedelta(minutes=45), dt.timedelta(hours=3)])
def test_the_fast_route_equals_the_general_route(engine: Any, name: str, window: Any) -> None:
    events = engine.table(tied_log(customers=150, seed=len(name)))
    plan = make_plan(FUNNELS[name], window, "ordered", ())
    assert takes_latest_start_route(plan)
    fast = rows(customers_of_plan(events, plan))
    general = rows(customers_of_plan(events, plan, general=True))
    assert fast == general
    reached = {row["level"] for row in fast}
    assert len(reached) >= min(3, len(FUNNELS[name]) + 1)  # not a trivial comparison


@pytest.mark.parametrize(
    ("steps", "mode", "exclusions"),
    [
        ([FunnelStep("a", events="a"), FunnelStep("b", events="b", optional=True)], "ordered", ()),
        ([FunnelStep("a", events="a"), FunnelStep("b", events="b", max_gap=dt.timedelta(1))],
         "ordered", ()),
        ([FunnelStep("a", events="a"), FunnelStep("b", events="b")], "ordered",
         (FunnelExclusion("x", events="x"),)),
        ([FunnelStep("a", events="a"), FunnelStep("b", events="b")], "strict", ()),
        ([FunnelStep("a", events="a"), FunnelStep("b", events="b")], "unordered", ()),
    ],
)  # fmt: skip
def test_every_other_funnel_takes_the_general_route(
    steps: list[FunnelStep], mode: str, exclusions: tuple[FunnelExclusion, ...]
) -> None:
    assert not takes_latest_start_route(make_plan(steps, dt.timedelta(hours=1), mode, exclusions))


@pytest.mark.parametrize("mode", ["ordered", "strict", "unordered"])
def test_one_and_two_step_funnels_in_every_mode(engine: Any, mode: str) -> None:
    # Spark's greatest() refuses a single argument: short funnels once hit that.
    events = engine.table(tied_log(customers=40, seed=5))
    one = funnel(events, [FunnelStep("a", events="a")], window=dt.timedelta(hours=1), mode=mode)
    two = funnel(events, [FunnelStep(n, events=n) for n in "ab"], window=dt.timedelta(hours=1),
                 mode=mode)  # fmt: skip
    assert one.steps[0].customers == two.steps[0].customers > 0
    assert sum(one.levels) == sum(two.levels) == 40


def long_walks(*, customers: int, steps: int, seed: int) -> tuple[pa.Table, dict[str, int]]:
    """Customers walk steps ``s00, s01, ...`` in order, each stopping at a planted step, with
    noise events and a repeated step now and then; returns the log and the planted levels."""
    rng = random.Random(seed)
    rows, planted = [], {}
    for number in range(customers):
        customer = f"c{number:04d}"
        level = rng.randint(0, steps)
        planted[customer] = level
        minute = 0
        for step in range(level):
            for name in [f"s{step:02d}"] * rng.choice([1, 1, 2]) + ["noise"] * rng.randint(0, 2):
                minute += rng.randint(1, 5)
                rows.append({"event_id": f"{customer}-{minute:05d}", "customer_id": customer,
                             "ts": EPOCH + dt.timedelta(minutes=minute), "event": name,
                             "channel": "web"})  # fmt: skip
        if level == 0:
            rows.append({"event_id": f"{customer}-0", "customer_id": customer, "ts": EPOCH,
                         "event": "noise", "channel": "web"})  # fmt: skip
    rng.shuffle(rows)
    return pa.Table.from_pylist(rows, schema=EVENTS_SCHEMA), planted


def test_long_funnels_find_every_planted_level(engine: Any) -> None:
    # 24 steps on DuckDB; Spark plans long funnels slowly (it inlines the shared per-level
    # subqueries DuckDB materialises: docs/ROADMAP.md), so it checks the same walk at 6.
    n = 24 if engine.name == "duckdb" else 6
    data, planted = long_walks(customers=60, steps=n, seed=24)
    steps = [FunnelStep(f"s{i:02d}", events=f"s{i:02d}") for i in range(n)]
    table = funnel_customers(engine.table(data), steps, window=dt.timedelta(days=1))
    found = {row["customer_id"]: row["level"] for row in table.to_pyarrow().to_pylist()}
    assert found == planted
    assert len(set(planted.values())) > n // 2  # many levels are planted, not only 0 and n
