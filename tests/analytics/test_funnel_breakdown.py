"""A funnel broken down by a customer property equals the funnel run on each group alone."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from logs import random_log

from journeymap.analytics.funnel import FunnelStep, funnel, funnel_breakdown

STEPS = [FunnelStep(name, events=name) for name in ("a", "b", "c")]
WINDOW = dt.timedelta(hours=6)


def with_plan(table: pa.Table) -> pa.Table:
    """A constant-per-customer property: odd customer numbers are "pro"."""
    numbers = pc.cast(pc.utf8_slice_codeunits(table["customer_id"], 1), pa.int64())
    plans = pc.if_else(pc.equal(pc.bit_wise_and(numbers, 1), 1), "pro", "free")
    return table.append_column("plan", plans)


def test_each_group_equals_the_funnel_of_that_group_alone(engine: Any) -> None:
    data = with_plan(
        random_log(
            customers=60,
            events_per_customer=(3, 9),
            alphabet="abcx",
            span=dt.timedelta(days=1),
            seed=5,
        )
    )
    events = engine.table(data)
    split = funnel_breakdown(events, STEPS, window=WINDOW, by="plan")
    assert [group for group, _ in split.groups] == ["free", "pro"]
    for group, result in split.groups:
        alone = funnel(events.filter(events.plan == group), STEPS, window=WINDOW)
        assert result.levels == alone.levels
        assert [s.customers for s in result.steps] == [s.customers for s in alone.steps]
        assert [s.median_seconds_from_previous for s in result.steps] == [
            s.median_seconds_from_previous for s in alone.steps
        ]
    rows = split.rows()
    assert rows[0]["plan"] == "free"
    assert len(rows) == 2 * len(STEPS)
