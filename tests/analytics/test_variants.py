"""Variants equal pm4py's and do not depend on the order of the input rows."""

from __future__ import annotations

import datetime as dt
import warnings
from typing import Any

import ibis
import pm4py
import pyarrow as pa
from logs import log, random_log
from pm4py_logs import pm4py_frame, read_running_example

from journeymap.analytics._sequence import portable_sequence_keys, sequence_keys
from journeymap.analytics.variants import Variant, variants


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
    fast = sequence_keys(events, "event").order_by("customer_id").to_pyarrow().to_pylist()
    slow = portable_sequence_keys(events, "event").order_by("customer_id").to_pyarrow()
    assert fast == slow.to_pylist()
