"""Next and previous touchpoints, paths after a funnel drop-off, and Sankey flows."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

import ibis
import pyarrow as pa
from logs import log, random_log

from journeymap.analytics.funnel import FunnelStep, customers_at_step, funnel_customers
from journeymap.analytics.paths import (
    Neighbour,
    PathFlow,
    next_touchpoints,
    next_touchpoints_after,
    next_touchpoints_breakdown,
    path_flows,
    path_flows_breakdown,
    previous_touchpoints,
    previous_touchpoints_breakdown,
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


def with_plan(data: pa.Table) -> pa.Table:
    """Customers a and c are "pro", b "free", anyone else has no plan (null group)."""
    plan = {"a": "pro", "b": "free", "c": "pro"}
    values = [plan.get(customer) for customer in data["customer_id"].to_pylist()]
    return data.append_column("plan", pa.array(values, pa.string()))


def test_breakdowns_plant_each_customer_in_one_group(engine: Any) -> None:
    events = engine.table(with_plan(touchpoint_events(TRACES)))
    after = next_touchpoints_breakdown(events, "basket", by="plan")
    assert [(g, r.top) for g, r in after.groups] == [
        ("free", (Neighbour("payment", 1, 1, 0.5), Neighbour("support", 1, 1, 0.5))),
        ("pro", (Neighbour("payment", 1, 1, 0.5), Neighbour(None, 1, 1, 0.5))),
    ]
    before = previous_touchpoints_breakdown(events, "basket", by="plan", top=1)
    assert [(g, r.occurrences, r.top[0].touchpoint) for g, r in before.groups] == [
        ("free", 2, "ad"), ("pro", 2, "ad")
    ]  # fmt: skip
    flows = path_flows_breakdown(events, "basket", by="plan", steps=2)
    assert flows.group("pro").customers == 2
    assert flows.group("pro").flows == (
        PathFlow(0, "basket", "payment", 1), PathFlow(1, "payment", "confirmation", 1)
    )  # fmt: skip
    assert flows.rows()[0] == {
        "plan": "free", "depth": 0, "source": "basket", "target": "support", "customers": 1
    }  # fmt: skip


def test_breakdown_groups_add_up_and_equal_each_group_alone(engine: Any) -> None:
    data = random_log(customers=30, events_per_customer=(2, 8), alphabet="abcd",
                      span=dt.timedelta(days=1), seed=7)  # fmt: skip
    plans = [None if int(c[1:]) % 5 == 0 else "pro" if int(c[1:]) % 2 else "free"
             for c in data["customer_id"].to_pylist()]  # fmt: skip
    events = engine.table(
        touchpoint_events(data).append_column("plan", pa.array(plans, pa.string()))
    )
    after = next_touchpoints_breakdown(events, "a", by="plan", top=100)
    whole = next_touchpoints(events, "a", top=100)
    assert [group for group, _ in after.groups] == ["free", "pro", None]
    assert sum(result.occurrences for _, result in after.groups) == whole.occurrences
    counts: Counter[str | None] = Counter()
    customers: Counter[str | None] = Counter()
    for group, result in after.groups:
        counts.update({n.touchpoint: n.occurrences for n in result.top})
        customers.update({n.touchpoint: n.customers for n in result.top})
        alone = events.filter(events.plan.isnull() if group is None else events.plan == group)
        assert result == next_touchpoints(alone, "a", top=100)
    assert counts == {n.touchpoint: n.occurrences for n in whole.top}
    assert customers == {n.touchpoint: n.customers for n in whole.top}
    flows = path_flows_breakdown(events, "b", by="plan", steps=3)
    all_flows = path_flows(events, "b", steps=3)
    assert sum(result.customers for _, result in flows.groups) == all_flows.customers
    links: Counter[tuple[int, str, str]] = Counter()
    for _, result in flows.groups:
        links.update({(f.depth, f.source, f.target): f.customers for f in result.flows})
    assert links == {(f.depth, f.source, f.target): f.customers for f in all_flows.flows}
