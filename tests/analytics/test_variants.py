"""Variants equal pm4py's and do not depend on the order of the input rows."""

from __future__ import annotations

import datetime as dt
import warnings
from collections import Counter
from typing import Any

import ibis
import pm4py
import pyarrow as pa
from logs import log, random_log
from pm4py_logs import pm4py_frame, read_running_example

from journeymap.analytics._sequence import (
    activity_names,
    portable_sequence_keys,
    sequence_keys,
    with_activity_codes,
)
from journeymap.analytics.scope import with_breakdown
from journeymap.analytics.variants import Variant, Variants, variants, variants_breakdown


def test_counts_shares_and_ties_on_both_engines(engine: Any) -> None:
    events = engine.table(
        log(
            ("a", [(2, "buy"), (1, "view")]),
            ("b", [(1, "view"), (2, "buy")]),
            ("c", [(1, "view")]),
        )
    )
    found = variants(events)
    assert found.top == (
        Variant(("view", "buy"), customers=2, share=2 / 3),
        Variant(("view",), customers=1, share=1 / 3),
    )
    assert (found.total_variants, found.customers) == (2, 3)
    assert variants(events, top=1).top == found.top[:1]


def _pm4py_variants(frame: Any) -> dict[tuple[str, ...], int]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return {tuple(k): int(v) for k, v in pm4py.get_variants(frame).items()}


def test_same_as_pm4py_and_independent_of_row_order() -> None:
    data = random_log(customers=600, events_per_customer=(1, 6), alphabet="abc",
                      span=dt.timedelta(days=2), seed=8)  # fmt: skip
    expected = _pm4py_variants(pm4py_frame(data))
    con = ibis.duckdb.connect()
    found = variants(con.create_table("e", data), top=None)
    assert {v.activities: v.customers for v in found.top} == expected
    reversed_rows = data.take(pa.array(list(reversed(range(data.num_rows)))))
    assert variants(con.create_table("r", reversed_rows), top=None) == found


def test_same_as_pm4py_on_the_xes_running_example() -> None:
    frame, ours = read_running_example()
    found = variants(ibis.duckdb.connect().create_table("e", ours), top=None)
    assert {v.activities: v.customers for v in found.top} == _pm4py_variants(frame)


def test_fast_and_portable_sequences_agree(engine: Any) -> None:
    """The ordered-aggregation fast path (where the engine has it) equals the portable one."""
    events = engine.table(
        random_log(
            customers=40,
            events_per_customer=(1, 12),
            alphabet="abcdefgh",
            span=dt.timedelta(hours=5),
            seed=9,
        )
    )
    coded = with_activity_codes(events, "event", activity_names(events, "event"))
    fast = sequence_keys(coded).order_by("customer_id").to_pyarrow()
    slow = portable_sequence_keys(coded).order_by("customer_id").to_pyarrow()
    assert fast.to_pylist() == slow.to_pylist()
    assert fast.schema == slow.schema


def test_ties_in_time_follow_the_event_id_and_many_activities_decode(engine: Any) -> None:
    """Events at one instant go in event id order; 200 names need 16-bit codes."""
    names = [f"step{number:03d}" for number in range(200)]
    data = log(("a", [(0, name) for name in reversed(names)]), ("b", [(0, "step000")]))
    reordered = data.take(pa.array(list(reversed(range(data.num_rows)))))
    found = variants(engine.table(reordered), top=None)
    assert found.top == (
        Variant(("step000",), customers=1, share=0.5),
        Variant(tuple(reversed(names)), customers=1, share=0.5),
    )


def test_equal_counts_are_ordered_by_activities_name_by_name(engine: Any) -> None:
    events = engine.table(
        log(("a", [(0, "ab")]), ("b", [(0, "a"), (1, "b")]), ("c", [(0, "a")]), ("d", [(0, "b")]))
    )
    assert [v.activities for v in variants(events).top] == [("a",), ("a", "b"), ("ab",), ("b",)]


def plans(data: pa.Table) -> pa.Table:
    """A customers table: odd customer numbers are "pro", even "free"; every fifth is missing
    (their events get no plan: the null group)."""
    numbers = sorted({int(c[1:]) for c in data["customer_id"].to_pylist()})
    kept = [n for n in numbers if n % 5]
    return pa.table(
        {"customer_id": [f"c{n:05d}" for n in kept],
         "plan": ["pro" if n % 2 else "free" for n in kept]}
    )  # fmt: skip


def test_breakdown_plants_one_group_per_customer(engine: Any) -> None:
    data = log(
        ("c00001", [(0, "view"), (1, "buy")]),
        ("c00003", [(0, "view"), (1, "buy")]),
        ("c00002", [(0, "view")]),
        ("c00005", [(0, "view"), (1, "buy")]),
    )
    events = with_breakdown(engine.table(data), engine.table(plans(data)), "plan")
    split = variants_breakdown(events, by="plan")
    assert split.groups == (
        ("free", Variants((Variant(("view",), 1, 1.0),), total_variants=1, customers=1)),
        ("pro", Variants((Variant(("view", "buy"), 2, 1.0),), total_variants=1, customers=2)),
        (None, Variants((Variant(("view", "buy"), 1, 1.0),), total_variants=1, customers=1)),
    )
    assert split.rows()[0] == {
        "plan": "free", "variant": "view", "length": 1, "customers": 1, "share": 1.0
    }  # fmt: skip
    assert split.to_arrow().column_names == ["plan", "variant", "length", "customers", "share"]


def test_breakdown_groups_add_up_and_equal_each_group_alone(engine: Any) -> None:
    data = random_log(customers=40, events_per_customer=(1, 4), alphabet="abc",
                      span=dt.timedelta(days=1), seed=4)  # fmt: skip
    events = with_breakdown(engine.table(data), engine.table(plans(data)), "plan")
    split = variants_breakdown(events, by="plan", top=None)
    assert [group for group, _ in split.groups] == ["free", "pro", None]
    whole = variants(events, top=None)
    assert sum(result.customers for _, result in split.groups) == whole.customers == 40
    added: Counter[tuple[str, ...]] = Counter()
    for group, result in split.groups:
        added.update({v.activities: v.customers for v in result.top})
        alone = events.filter(events.plan.isnull() if group is None else events.plan == group)
        assert result == variants(alone, top=None)
    assert added == {v.activities: v.customers for v in whole.top}
    top_two = variants_breakdown(events, by="plan", top=2)
    assert [(g, r.top) for g, r in top_two.groups] == [(g, r.top[:2]) for g, r in split.groups]
