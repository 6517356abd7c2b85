"""Touchpoint matching: first rule in spine order wins; gaps and overlaps are reported."""

from __future__ import annotations

from typing import Any

import ibis
import pyarrow as pa

from journeymap.analytics.matching import (
    EventCoverage,
    TouchpointOverlap,
    match_touchpoints,
    touchpoint_overlaps,
    unmatched_events,
)
from journeymap.model import EventRule, Journey, Stage, Touchpoint


def touchpoint(id: str, *events: str, where: str | None = None) -> Touchpoint:
    return Touchpoint(id=id, name=id, event_rule=EventRule(events=list(events), where=where))


JOURNEY = Journey(
    id="j",
    name="J",
    persona="p",
    stages=[
        Stage(id="browse", name="Browse", touchpoints=[
            touchpoint("web", "view", where='device == "desktop"'),
            Touchpoint(id="word-of-mouth", name="Word of mouth"),
            touchpoint("app", "view", "open", where='device in ["ios", "desktop"]'),
        ]),
        Stage(id="buy", name="Buy", touchpoints=[
            touchpoint("paid", "payment", where='status == "ok"'),
            touchpoint("failed", "payment", where='status == "failed"'),
        ]),
    ],
)  # fmt: skip

EVENTS = pa.table(
    {
        "event_id": [str(i) for i in range(8)],
        "customer_id": ["a", "a", "a", "b", "b", "b", "c", "c"],
        "event": ["view", "view", "open", "payment", "payment", "payment", "login", "login"],
        "device": ["desktop", "ios", None, None, None, None, None, None],
        "status": [None, None, None, "ok", "failed", None, None, None],
    }
)


def test_labels_follow_the_spine_and_the_first_match_wins(engine: Any) -> None:
    labelled = match_touchpoints(engine.table(EVENTS), JOURNEY).order_by("event_id")
    rows = labelled.select("touchpoint", "stage", "stage_index", "touchpoint_index").to_pyarrow()
    assert rows.to_pylist() == [
        {"touchpoint": "web", "stage": "browse", "stage_index": 0, "touchpoint_index": 0},
        {"touchpoint": "app", "stage": "browse", "stage_index": 0, "touchpoint_index": 2},
        {"touchpoint": None, "stage": None, "stage_index": None, "touchpoint_index": None},
        {"touchpoint": "paid", "stage": "buy", "stage_index": 1, "touchpoint_index": 3},
        {"touchpoint": "failed", "stage": "buy", "stage_index": 1, "touchpoint_index": 4},
        {"touchpoint": None, "stage": None, "stage_index": None, "touchpoint_index": None},
        {"touchpoint": None, "stage": None, "stage_index": None, "touchpoint_index": None},
        {"touchpoint": None, "stage": None, "stage_index": None, "touchpoint_index": None},
    ]
    assert labelled.columns[: len(EVENTS.column_names)] == tuple(EVENTS.column_names)


def test_a_journey_without_event_rules_labels_nothing() -> None:
    empty = Journey(id="j", name="J", persona="p", stages=[Stage(id="s", name="S")])
    labelled = match_touchpoints(ibis.memtable(EVENTS), empty)
    assert labelled.touchpoint.isnull().all().to_pyarrow().as_py()
    assert labelled.schema()["touchpoint_index"].is_integer()


def test_unmatched_events_show_the_maps_gaps() -> None:
    gaps = unmatched_events(ibis.memtable(EVENTS), JOURNEY)
    assert gaps.uncovered == (EventCoverage("login", events=2, unmatched=2, customers=1),)
    assert set(gaps.partial) == {
        EventCoverage("open", events=1, unmatched=1, customers=1),
        EventCoverage("payment", events=3, unmatched=1, customers=1),
    }
    assert gaps.to_arrow().num_rows == 3


def test_overlapping_rules_are_counted_per_pair() -> None:
    overlaps = touchpoint_overlaps(ibis.memtable(EVENTS), JOURNEY)
    # The desktop view matches web and app; web wins because it comes first.
    assert overlaps.pairs == (TouchpointOverlap(winner="web", shadowed="app", events=1),)
    assert overlaps.rows() == [{"winner": "web", "shadowed": "app", "events": 1}]
