"""Time to value: from first touch or a named start to a value milestone; stats and histogram."""

from __future__ import annotations

import datetime as dt
from typing import Any

import ibis
import pyarrow as pa
import pytest

from journeymap.analytics.scope import ScopeError
from journeymap.analytics.time_to_value import (
    DAY,
    HOUR,
    DurationStats,
    HistogramBin,
    Milestone,
    human_duration,
    time_to_value,
    time_to_value_by_customer,
)

T0 = dt.datetime(2025, 4, 1, 8, tzinfo=dt.UTC)
TOUCHPOINTS = {"visit": "website", "signup": "register", "order": "checkout"}

# (customer, seconds after T0, event)
LOG = [
    ("a", 0, "visit"),
    ("a", HOUR, "signup"),
    ("a", 3 * HOUR, "order"),
    ("b", 0, "visit"),
    ("b", 2 * DAY, "order"),
    ("c", 0, "visit"),
    ("c", 1800, "signup"),  # never orders
    ("d", 0, "order"),  # orders at first touch, then signs up and orders again
    ("d", HOUR, "signup"),
    ("d", 5 * HOUR, "order"),
]


def _log() -> pa.Table:
    return pa.table(
        {
            "event_id": [f"e{number}" for number in range(len(LOG))],
            "customer_id": [row[0] for row in LOG],
            "ts": [T0 + dt.timedelta(seconds=row[1]) for row in LOG],
            "event": [row[2] for row in LOG],
            "channel": ["web"] * len(LOG),
            "touchpoint": [TOUCHPOINTS[row[2]] for row in LOG],
            "tier": ["gold" if row[0] in "ab" else "basic" for row in LOG],
        }
    )


def test_time_from_first_touch_to_an_event_on_every_engine(engine: Any) -> None:
    result = time_to_value(engine.table(_log()), Milestone(event="order"))

    (group,) = result.groups
    assert (group.customers, group.reached, group.share_reached) == (4, 3, 0.75)
    # reached after 3 h (a), 2 d (b) and at once (d)
    assert group.stats == DurationStats(
        count=3,
        median=3 * HOUR,
        p25=1.5 * HOUR,
        p75=(3 * HOUR + 2 * DAY) / 2,
        p90=3 * HOUR + 0.8 * (2 * DAY - 3 * HOUR),
        mean=(3 * HOUR + 2 * DAY) / 3,
    )
    assert result.histogram == (
        HistogramBin(group=None, lower=0, upper=60, customers=1),
        HistogramBin(group=None, lower=HOUR, upper=6 * HOUR, customers=1),
        HistogramBin(group=None, lower=DAY, upper=3 * DAY, customers=1),
    )


def test_a_named_start_and_a_touchpoint_value_per_breakdown() -> None:
    result = time_to_value(
        ibis.memtable(_log()),
        Milestone(touchpoint="checkout"),
        start=Milestone(touchpoint="register"),
        by="tier",
    )

    # b never signed up; d's first order came before signing up, so the later one counts
    assert [(g.group, g.customers, g.reached, g.stats.median) for g in result.groups] == [
        ("basic", 2, 1, 4 * HOUR),
        ("gold", 1, 1, 2 * HOUR),
    ]
    assert result.to_arrow().column_names[:4] == ["tier", "customers", "reached", "share_reached"]
    assert result.to_arrow().column("median")[0].as_py() == "4 h"


def test_per_customer_table_keeps_those_who_never_reach_the_value() -> None:
    table = time_to_value_by_customer(ibis.memtable(_log()), Milestone(event="order"))
    rows = {r["customer_id"]: r["seconds"] for r in table.to_pyarrow().to_pylist()}

    assert rows == {"a": 3 * HOUR, "b": 2 * DAY, "c": None, "d": 0}


def test_custom_bins_and_an_open_last_bin() -> None:
    result = time_to_value(ibis.memtable(_log()), Milestone(event="order"), bin_edges=(0, DAY))

    assert [(b.label, b.customers) for b in result.histogram] == [("0 s – 1 d", 2), ("≥ 1 d", 1)]
    with pytest.raises(ValueError, match="start at 0 and ascend"):
        time_to_value(ibis.memtable(_log()), Milestone(event="order"), bin_edges=(0, DAY, HOUR))


def test_a_touchpoint_milestone_needs_matched_events() -> None:
    events = ibis.memtable(_log()).drop("touchpoint")
    with pytest.raises(ScopeError, match="match the events to the journey first"):
        time_to_value(events, Milestone(touchpoint="checkout"))


def test_a_milestone_is_a_touchpoint_or_an_event() -> None:
    with pytest.raises(ValueError, match="exactly one"):
        Milestone(touchpoint="checkout", event="order")
    with pytest.raises(ValueError, match="exactly one"):
        Milestone()


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (None, "–"),
        (0, "0 s"),
        (45, "45 s"),
        (125, "2 min 5 s"),
        (2 * HOUR, "2 h"),
        (DAY + 2 * HOUR + 3 * 60, "1 d 2 h"),
        (DAY + 5 * 60, "1 d"),
        (14.6, "15 s"),
    ],
)
def test_human_durations(seconds: float | None, text: str) -> None:
    assert human_duration(seconds) == text
