"""The directly-follows graph equals pm4py's on generated logs and on the XES running example."""

from __future__ import annotations

import datetime as dt
import warnings
from collections import Counter
from typing import Any

import ibis
import pm4py
import pyarrow as pa
import pytest
from logs import log, random_log
from pm4py_logs import pm4py_frame, read_running_example

from journeymap.analytics.dfg import (
    ActivityCount,
    directly_follows,
    directly_follows_breakdown,
)


def test_edges_times_starts_and_ends_on_both_engines(engine: Any) -> None:
    events = engine.table(
        log(("a", [(0, "view"), (1, "cart"), (3, "buy")]), ("b", [(0, "view"), (5, "cart")]))
    )
    graph = directly_follows(events)
    assert graph.edge("view", "cart").frequency == 2
    assert graph.edge("view", "cart").mean_seconds == pytest.approx(180.0)
    assert graph.edge("view", "cart").median_seconds == pytest.approx(180.0)
    assert graph.edge("cart", "buy").frequency == 1
    assert graph.start_activities == (ActivityCount("view", 2),)
    assert graph.end_activities == (ActivityCount("buy", 1), ActivityCount("cart", 1))


def test_unlabelled_events_are_skipped_not_paired() -> None:
    data = log(("a", [(0, "view"), (1, "noise"), (2, "buy")]))
    events = ibis.memtable(data).mutate(
        touchpoint=ibis.cases(
            (ibis._.event == "noise", ibis.null().cast("string")), else_=ibis._.event
        )
    )
    graph = directly_follows(events, activity="touchpoint")
    assert [(e.source, e.target) for e in graph.edges] == [("view", "buy")]


def _assert_same_as_pm4py(frame: Any, events: ibis.Table) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        dfg, starts, ends = pm4py.discover_dfg(frame)
        performance, _, _ = pm4py.discover_performance_dfg(frame)
    graph = directly_follows(events)
    assert {(e.source, e.target): e.frequency for e in graph.edges} == dict(dfg)
    for edge in graph.edges:
        expected = performance[(edge.source, edge.target)]
        assert edge.mean_seconds == pytest.approx(expected["mean"])
        assert edge.median_seconds == pytest.approx(expected["median"])
    assert {a.activity: a.customers for a in graph.start_activities} == dict(starts)
    assert {a.activity: a.customers for a in graph.end_activities} == dict(ends)


def test_same_numbers_as_pm4py_on_a_generated_log() -> None:
    data = random_log(customers=400, events_per_customer=(1, 15), alphabet="abcdefgh",
                      span=dt.timedelta(days=5), seed=5)  # fmt: skip
    _assert_same_as_pm4py(pm4py_frame(data), ibis.duckdb.connect().create_table("e", data))


def test_same_numbers_as_pm4py_on_the_xes_running_example() -> None:
    frame, ours = read_running_example()
    _assert_same_as_pm4py(frame, ibis.duckdb.connect().create_table("e", ours))


def with_plan(data: pa.Table) -> pa.Table:
    """Odd customer numbers are "pro", even "free", every fifth has no plan (null group)."""
    plans = []
    for customer in data["customer_id"].to_pylist():
        number = int(customer[1:])
        plans.append(None if number % 5 == 0 else "pro" if number % 2 else "free")
    return data.append_column("plan", pa.array(plans, pa.string()))


def test_breakdown_plants_one_graph_per_group(engine: Any) -> None:
    data = log(
        ("c00001", [(0, "view"), (1, "cart"), (3, "buy")]),
        ("c00002", [(0, "view"), (5, "cart")]),
        ("c00005", [(0, "cart")]),
    )
    split = directly_follows_breakdown(engine.table(with_plan(data)), by="plan")
    assert [group for group, _ in split.groups] == ["free", "pro", None]
    free, pro, nobody = (graph for _, graph in split.groups)
    assert [(e.source, e.target, e.frequency) for e in free.edges] == [("view", "cart", 1)]
    assert free.edge("view", "cart").mean_seconds == pytest.approx(300.0)
    assert [(e.source, e.target) for e in pro.edges] == [("cart", "buy"), ("view", "cart")]
    assert pro.end_activities == (ActivityCount("buy", 1),)
    assert (nobody.edges, nobody.start_activities) == ((), (ActivityCount("cart", 1),))
    assert split.to_arrow().column_names[:3] == ["plan", "source", "target"]


def test_breakdown_groups_add_up_and_equal_each_group_alone(engine: Any) -> None:
    data = random_log(customers=30, events_per_customer=(1, 8), alphabet="abcd",
                      span=dt.timedelta(days=1), seed=6)  # fmt: skip
    events = engine.table(with_plan(data))
    split = directly_follows_breakdown(events, by="plan")
    whole = directly_follows(events)
    edges: Counter[tuple[str, str]] = Counter()
    starts: Counter[str] = Counter()
    ends: Counter[str] = Counter()
    for group, graph in split.groups:
        edges.update({(e.source, e.target): e.frequency for e in graph.edges})
        starts.update({a.activity: a.customers for a in graph.start_activities})
        ends.update({a.activity: a.customers for a in graph.end_activities})
        alone = events.filter(events.plan.isnull() if group is None else events.plan == group)
        assert graph == directly_follows(alone)
    assert edges == {(e.source, e.target): e.frequency for e in whole.edges}
    assert starts == {a.activity: a.customers for a in whole.start_activities}
    assert ends == {a.activity: a.customers for a in whole.end_activities}
    assert sum(starts.values()) == 30
