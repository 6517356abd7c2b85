"""Feedback as events: the rows, and their union with the event log on every engine."""

from __future__ import annotations

import datetime as dt
import doctest
from typing import Any

import ibis
import ibis.expr.datatypes as dt_types
import pyarrow as pa
import pytest

import journeymap.services.feedback_events as module
from journeymap.model import EventRule, ExperienceSignal, Journey, SignalKind, Stage, Touchpoint
from journeymap.moments import signal_table
from journeymap.services.feedback_events import (
    FEEDBACK_EVENT_COLUMNS,
    feedback_events,
    no_feedback_notes,
    text_feedback_signals,
    with_feedback_events,
)

T0 = dt.datetime(2025, 5, 1, 8, tzinfo=dt.UTC)

COMPLAINED = ExperienceSignal(id="complained", name="Complained", kind=SignalKind.NEGATIVE_FEEDBACK)
BAD_REVIEW = ExperienceSignal(
    id="bad-review",
    name="Bad review",
    kind=SignalKind.NEGATIVE_FEEDBACK,
    followed_by=EventRule(events=["review"], where="score <= 2"),
)
JOURNEY = Journey(
    id="j",
    name="J",
    persona="p",
    stages=[
        Stage(
            id="s",
            name="S",
            touchpoints=[
                Touchpoint(id="pay", name="Pay", event_rule=EventRule(events=["pay"])),
                Touchpoint(
                    id="parcel",
                    name="Parcel",
                    event_rule=EventRule(events=["delivered"]),
                    signals=[COMPLAINED, BAD_REVIEW],
                ),
            ],
        )
    ],
)


def _hours(h: float) -> dt.datetime:
    return T0 + dt.timedelta(hours=h)


def _events() -> pa.Table:
    """A log whose id columns are NOT NULL, with properties of several types."""
    rows = [
        ("e1", "a", 0, "delivered", "web", "DHL", dt.date(2025, 5, 2), 3),
        ("e2", "b", 0, "delivered", "app", "UPS", None, None),
        ("e3", "c", 0, "pay", "web", None, None, None),
    ]  # fmt: skip
    schema = pa.schema(
        [
            pa.field("event_id", pa.string(), nullable=False),
            pa.field("customer_id", pa.string(), nullable=False),
            pa.field("ts", pa.timestamp("us", tz="UTC"), nullable=False),
            pa.field("event", pa.string(), nullable=False),
            pa.field("channel", pa.string()),
            pa.field("carrier", pa.string()),
            pa.field("promised_date", pa.date32()),
            pa.field("score", pa.int16()),
        ]
    )
    columns = list(zip(*rows, strict=True))
    return pa.table(
        [
            pa.array(
                [_hours(v) if name == "ts" else v for v in values],
                field.type,
            )
            for name, field, values in zip(schema.names, schema, columns, strict=True)
        ],
        schema=schema,
    )


def _annotated() -> pa.Table:
    """Feedback with its assigned touchpoint and sentiment, as the voice service gives it."""
    rows = [
        ("m1", "a", 2, "email", "parcel", -0.6),  # complains about the parcel, after it came
        ("m2", "b", 2, "review", "pay", -0.8),  # complains about something else
        ("m3", "b", 3, "nps", "parcel", 0.7),  # kind words about the parcel
        ("m4", None, 1, "email", "parcel", -0.9),  # linked to no customer
        ("m5", "z", 1, "email", "parcel", -0.9),  # a customer the event log never saw
        ("m6", "c", 1, "survey", None, -0.5),  # unassigned
    ]
    return pa.table(
        {
            "feedback_id": [r[0] for r in rows],
            "customer_id": pa.array([r[1] for r in rows], pa.string()),
            "ts": pa.array([_hours(r[2]) for r in rows], pa.timestamp("us", tz="UTC")),
            "source": [r[3] for r in rows],
            "text": ["..."] * len(rows),
            "rating": pa.array([None] * len(rows), pa.float64()),
            "touchpoint": pa.array([r[4] for r in rows], pa.string()),
            "stage": pa.array(["s" if r[4] else None for r in rows], pa.string()),
            "sentiment": [r[5] for r in rows],
        }
    )


def test_feedback_rows_are_the_linked_items_as_events() -> None:
    rows = feedback_events(ibis.memtable(_annotated())).order_by("event_id").to_pyarrow()
    assert rows.column_names == list(FEEDBACK_EVENT_COLUMNS)
    assert rows.column("event_id").to_pylist() == ["m1", "m2", "m3", "m5", "m6"]
    assert set(rows.column("event").to_pylist()) == {"feedback"}
    assert rows.column("feedback_touchpoint").to_pylist() == ["parcel", "pay", "parcel",
                                                              "parcel", None]  # fmt: skip
    assert rows.column("sentiment").to_pylist() == [-0.6, -0.8, 0.7, -0.9, -0.5]
    assert rows.column("source").to_pylist() == ["email", "review", "nps", "email", "survey"]


def test_for_signals_only_the_items_that_can_mark_one_are_kept() -> None:
    signals = text_feedback_signals(JOURNEY)
    assert [c.name for c in signals] == ["parcel:complained"]  # bad-review reads events
    rows = feedback_events(ibis.memtable(_annotated()), signals=signals).to_pyarrow()
    assert sorted(rows.column("event_id").to_pylist()) == ["m1", "m5"]
    assert feedback_events(ibis.memtable(_annotated()), signals=()).count().execute() == 0
    assert no_feedback_notes(signals) == (
        "no customer feedback is imported: signal parcel:complained reads it",
    )


def test_the_union_adds_typed_null_columns_on_each_side(engine: Any) -> None:
    events = engine.table(_events())
    rows = feedback_events(ibis.memtable(_annotated())).to_pyarrow()
    joined = with_feedback_events(events, rows)
    assert list(joined.columns) == [*events.columns, "feedback_touchpoint", "sentiment"]
    schema = joined.schema()
    for name, dtype in events.schema().items():
        assert schema[name] == dtype.copy(nullable=True), name
    assert schema["feedback_touchpoint"] == dt_types.string
    assert schema["sentiment"] == dt_types.float64
    table = joined.order_by(["customer_id", "ts"]).to_pyarrow()
    got = [
        (r["customer_id"], r["event_id"], r["event"], r["channel"], r["carrier"],
         r["promised_date"], r["score"], r["feedback_touchpoint"], r["sentiment"])
        for r in table.to_pylist()
    ]  # fmt: skip
    assert got == [
        ("a", "e1", "delivered", "web", "DHL", dt.date(2025, 5, 2), 3, None, None),
        ("a", "m1", "feedback", None, None, None, None, "parcel", -0.6),
        ("b", "e2", "delivered", "app", "UPS", None, None, None, None),
        ("b", "m2", "feedback", None, None, None, None, "pay", -0.8),
        ("b", "m3", "feedback", None, None, None, None, "parcel", 0.7),
        ("c", "e3", "pay", "web", None, None, None, None, None),
        ("c", "m6", "feedback", None, None, None, None, None, -0.5),
    ]  # m5's customer has no events: left out
    # Feedback times come back as the events' own do (naive UTC from Spark, aware from DuckDB).
    delivered, wrote = table.column("ts").to_pylist()[:2]
    assert wrote.tzinfo == delivered.tzinfo
    assert (wrote - delivered, wrote.replace(tzinfo=None)) == (
        dt.timedelta(hours=2),
        _hours(2).replace(tzinfo=None),
    )


def test_the_union_feeds_the_signal_that_reads_feedback(engine: Any) -> None:
    events = engine.table(_events())
    rows = feedback_events(ibis.memtable(_annotated()), signals=text_feedback_signals(JOURNEY))
    joined = with_feedback_events(events, rows.to_pyarrow())
    table = signal_table(joined, JOURNEY).order_by("customer_id").to_pyarrow()
    assert table.column("customer_id").to_pylist() == ["a", "b", "c"]
    assert table.column("parcel:complained").to_pylist() == [True, False, False]
    plain = signal_table(events, JOURNEY).to_pyarrow()
    assert plain.column("parcel:complained").to_pylist() == [False] * 3


def test_feedback_rows_need_the_event_columns() -> None:
    events = ibis.memtable(_events())
    with pytest.raises(ValueError, match="need the columns event"):
        with_feedback_events(events, pa.table({"customer_id": ["a"], "ts": [T0]}))


def test_the_module_examples_run() -> None:
    failures, tried = doctest.testmod(module)
    assert tried > 0
    assert failures == 0
