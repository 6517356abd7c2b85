"""Next and previous touchpoints, paths after a funnel drop-off, and Sankey flows."""

from __future__ import annotations

import datetime as dt
from typing import Any

import ibis
import pyarrow as pa
from logs import log

from journeymap.analytics.funnel import FunnelStep, customers_at_step, funnel_customers
from journeymap.analytics.paths import (
    Neighbour,
    PathFlow,
    next_touchpoints,
    next_touchpoints_after,
    path_flows,
    previous_touchpoints,
)

TRACES = log(
    ("a", [(0, "ad"), (1, "basket"), (2, "payment"), (3, "confirmation")]),
    ("b", [(0, "ad"), (1, "basket"), (2, "support"), (3, "basket"), (4, "payment")]),
    ("c", [(0, "search"), (1, "basket")]),
)


def touchpoint_events(data: pa.Table) -> pa.Table:
    return data.append_column("touchpoint", data["event"])


def test_next_and_previous_on_both_engines(engine: Any) -> None:
    events = engine.table(touchpoint_events(TRACES))
    after = next_touchpoints(events, "basket")
    assert after.occurrences == 4
    assert after.top == (
        Neighbour("payment", occurrences=2, customers=2, share=0.5),
        Neighbour("support", occurrences=1, customers=1, share=0.25),
        Neighbour(None, occurrences=1, customers=1, share=0.25),
    )
    before = previous_touchpoints(events, "basket")
    assert [(n.touchpoint, n.occurrences) for n in before.top] == [
        ("ad", 2), ("search", 1), ("support", 1)
    ]  # fmt: skip
    assert [n.touchpoint for n in previous_touchpoints(events, "ad").top] == [None]


def test_flows_start_at_each_customers_first_visit(engine: Any) -> None:
    flows = path_flows(engine.table(touchpoint_events(TRACES)), "basket", steps=2)
    assert flows.customers == 3
    assert flows.flows == (
        PathFlow(0, "basket", "payment", 1),
        PathFlow(0, "basket", "support", 1),
        PathFlow(1, "payment", "confirmation", 1),
        PathFlow(1, "support", "basket", 1),
    )


def test_what_the_ones_who_dropped_did_next() -> None:
    data = log(
        ("a", [(0, "basket"), (1, "payment")]),
        ("b", [(0, "basket"), (5, "support"), (6, "payment")]),
        ("c", [(0, "basket")]),
    )
    events = ibis.memtable(touchpoint_events(data))
    steps = [FunnelStep("basket", touchpoint="basket"), FunnelStep("payment", touchpoint="payment")]
    table = funnel_customers(events, steps, window=dt.timedelta(seconds=90))
    dropped = customers_at_step(table, 2, dropped=True)
    assert sorted(dropped.customer_id.to_pyarrow().to_pylist()) == ["b", "c"]
    after = next_touchpoints_after(events, dropped, since="step_1")
    assert [(n.touchpoint, n.customers) for n in after.top] == [("support", 1), (None, 1)]


def test_unlabelled_events_are_skipped() -> None:
    data = touchpoint_events(log(("a", [(0, "ad"), (1, "noise"), (2, "basket")])))
    labels = pa.array(["ad", None, "basket"])
    events = ibis.memtable(data.set_column(5, "touchpoint", labels))
    assert [n.touchpoint for n in next_touchpoints(events, "ad").top] == ["basket"]
