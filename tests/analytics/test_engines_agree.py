"""The engine fixture itself: the same expression gives the same numbers on every backend."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pyarrow as pa


def test_a_group_by_is_identical_everywhere(engine: Any) -> None:
    utc = dt.UTC
    events = engine.table(
        pa.table(
            {
                "customer_id": ["a", "a", "b"],
                "ts": [dt.datetime(2025, 1, d, tzinfo=utc) for d in (1, 2, 3)],
                "event": ["view", "buy", "view"],
            }
        )
    )
    counts = events.group_by("event").agg(n=events.customer_id.nunique()).order_by("event")
    assert counts.to_pyarrow().to_pylist() == [{"event": "buy", "n": 1}, {"event": "view", "n": 2}]
