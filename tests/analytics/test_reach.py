"""Reach and volume per stage and touchpoint, with and without a breakdown."""

from __future__ import annotations

from typing import Any

import ibis
import pyarrow as pa

from journeymap.analytics.matching import match_touchpoints
from journeymap.analytics.reach import reach
from journeymap.model import EventRule, Journey, Stage, Touchpoint

JOURNEY = Journey(
    id="j",
    name="J",
    persona="p",
    stages=[
        Stage(id="browse", name="Browse", touchpoints=[
            Touchpoint(id="web", name="Web", event_rule=EventRule(events=["view"])),
        ]),
        Stage(id="buy", name="Buy", touchpoints=[
            Touchpoint(id="pay", name="Pay", event_rule=EventRule(events=["payment"])),
            Touchpoint(id="refund", name="Refund", event_rule=EventRule(events=["refund"])),
        ]),
    ],
)  # fmt: skip

EVENTS = pa.table(
    {
        "event_id": [str(i) for i in range(6)],
        "customer_id": ["a", "a", "a", "b", "c", "c"],
        "event": ["view", "view", "payment", "view", "login", "login"],
        "channel": ["web", "web", "app", "app", "web", "web"],
    }
)


def test_every_spine_item_with_customers_events_and_share(engine: Any) -> None:
    result = reach(match_touchpoints(engine.table(EVENTS), JOURNEY), JOURNEY)
    assert result.customers == 3
    assert [(r.id, r.customers, r.events) for r in result.stages] == [
        ("browse", 2, 3), ("buy", 1, 1)
    ]  # fmt: skip
    assert [(r.id, r.customers, r.events) for r in result.touchpoints] == [
        ("web", 2, 3), ("pay", 1, 1), ("refund", 0, 0)
    ]  # fmt: skip
    assert result.row("web").share == 2 / 3


def test_breakdown_shares_are_within_each_group() -> None:
    result = reach(match_touchpoints(ibis.memtable(EVENTS), JOURNEY), JOURNEY, by="channel")
    # app: a (payment) and b (view); web: a (views) and c (logins only).
    assert result.row("web", "app").customers == 1
    assert result.row("web", "app").share == 0.5
    assert result.row("pay", "app").share == 0.5
    assert result.row("pay", "web").customers == 0
    assert result.to_arrow().column_names[4] == "channel"


def test_without_a_journey_rows_come_from_the_data() -> None:
    result = reach(match_touchpoints(ibis.memtable(EVENTS), JOURNEY))
    assert [r.id for r in result.touchpoints] == ["web", "pay"]
