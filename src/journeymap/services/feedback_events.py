"""Customer feedback as events: negative text about a touchpoint becomes an experience signal.

A ``negative_feedback`` signal with no ``followed_by`` (see
:attr:`journeymap.moments.signals.SignalColumn.following`) is lived when the customer wrote
negative feedback about the touchpoint after an event of it. The moments analyses read
events only, so the feedback joins the event log: each item linked to a customer becomes one
:data:`~journeymap.model.canonical.FEEDBACK_EVENT` event carrying the touchpoint it was
assigned to and its sentiment. Those are the voice service's work (assignment and scores,
cached in the analytics database); this module only reshapes them and unions them with the
events in the engine, which may be another engine than the feedback's (an attached Spark
table), so the rows travel as a small Arrow table.

>>> import datetime as dt, ibis
>>> when = dt.datetime(2025, 5, 1, tzinfo=dt.UTC)
>>> annotated = ibis.memtable({"feedback_id": ["m1", "m2"], "customer_id": ["a", None],
...     "ts": [when, when], "source": ["email", "review"], "text": ["Late!", "Meh"],
...     "touchpoint": ["parcel", None], "sentiment": [-0.7, 0.0]})
>>> rows = feedback_events(annotated).to_pyarrow()
>>> rows.column("event").to_pylist(), rows.column("feedback_touchpoint").to_pylist()
(['feedback'], ['parcel'])
>>> events = ibis.memtable({"customer_id": ["a"], "ts": [when], "event": ["delivered"],
...     "carrier": ["DHL"]})
>>> joined = with_feedback_events(events, rows).order_by("event").to_pyarrow()
>>> joined.column_names
['customer_id', 'ts', 'event', 'carrier', 'feedback_touchpoint', 'sentiment']
>>> joined.column("carrier").to_pylist(), joined.column("sentiment").to_pylist()
(['DHL', None], [None, -0.7])
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import ibis
import ibis.expr.datatypes as dt
import pyarrow as pa

from journeymap.analytics.rules import compile_rule
from journeymap.model import Journey
from journeymap.model.canonical import (
    CUSTOMER_ID,
    EVENT,
    EVENT_ID,
    FEEDBACK_EVENT,
    FEEDBACK_ID,
    FEEDBACK_TOUCHPOINT,
    SENTIMENT,
    SOURCE,
    TOUCHPOINT,
    TS,
)
from journeymap.moments.signals import SignalColumn, journey_signals

__all__ = [
    "FEEDBACK_EVENT_COLUMNS",
    "feedback_events",
    "no_feedback_notes",
    "text_feedback_signals",
    "with_feedback_events",
]

FEEDBACK_EVENT_COLUMNS = (EVENT_ID, CUSTOMER_ID, TS, EVENT, FEEDBACK_TOUCHPOINT, SENTIMENT, SOURCE)
"""The columns of :func:`feedback_events`, in order."""

_ADDED = {FEEDBACK_TOUCHPOINT: dt.string, SENTIMENT: dt.float64}
"""The columns the union adds to the events (null on real events), with their types."""

_CARRIED = (EVENT_ID, CUSTOMER_ID, TS, EVENT, *_ADDED)
"""What a feedback row brings into the union; every other column (the events' properties,
the channel) is null on it. Its ``event_id`` is the item's id, so that two events at the
same time keep one order on every engine (nulls sort first on Spark, last on DuckDB)."""


def text_feedback_signals(journey: Journey) -> tuple[SignalColumn, ...]:
    """The journey's signals that read customer text: ``negative_feedback`` without
    ``followed_by``, in spine order."""
    return tuple(
        column
        for column in journey_signals(journey)
        if column.signal.followed_by is None and column.following is not None
    )


def no_feedback_notes(signals: Sequence[SignalColumn]) -> tuple[str, ...]:
    """What the analyses say when such signals have no feedback to read: nobody lived them."""
    return tuple(f"no customer feedback is imported: signal {c.name} reads it" for c in signals)


def feedback_events(
    annotated: ibis.Table, *, signals: Sequence[SignalColumn] | None = None
) -> ibis.Table:
    """The feedback items linked to a customer, as events (:data:`FEEDBACK_EVENT_COLUMNS`).

    ``annotated`` is the feedback with each item's assigned ``touchpoint`` (null when
    unassigned) and its ``sentiment`` (the rating's where there is one), as
    :meth:`journeymap.services.VoiceService.annotated` gives it. With ``signals``, only the
    items that can mark one of them are kept (negative ones about their touchpoints): the
    others mark none, and joined they would only add to their writers' activity counts,
    which the impact models control for.
    """
    linked = annotated.filter(annotated[CUSTOMER_ID].notnull())
    rows = linked.select(
        **{
            EVENT_ID: linked[FEEDBACK_ID].cast("string"),
            CUSTOMER_ID: linked[CUSTOMER_ID],
            TS: linked[TS],
            EVENT: ibis.literal(FEEDBACK_EVENT, type="string"),
            FEEDBACK_TOUCHPOINT: linked[TOUCHPOINT].cast("string"),
            SENTIMENT: linked[SENTIMENT].cast("float64"),
            SOURCE: linked[SOURCE],
        }
    )
    if signals is None:
        return rows
    marks: list[Any] = []
    for column in signals:
        rule = column.following
        if rule is None:
            continue
        mark: Any = rows[EVENT].isin(rule.events)
        if rule.where is not None:
            mark = mark & compile_rule(rule.where, rows)
        marks.append(mark)
    return rows.filter(ibis.or_(*marks)) if marks else rows.filter(ibis.literal(False))


def with_feedback_events(events: ibis.Table, feedback: ibis.Table | pa.Table) -> ibis.Table:
    """``events`` and the rows of :func:`feedback_events` in one table, in ``events``' engine.

    The columns are the events' plus ``feedback_touchpoint`` and ``sentiment`` (null on real
    events); the properties and the channel are null on feedback rows. Feedback of customers
    without events is left out: it follows no touchpoint event, and would only add customers
    the log never saw to the analyses' populations. ``feedback`` as an Arrow table travels
    into ``events``' engine (a DuckDB workspace's feedback beside attached Spark events).
    """
    rows = ibis.memtable(feedback) if isinstance(feedback, pa.Table) else feedback
    missing = [name for name in (CUSTOMER_ID, TS, EVENT) if name not in rows.columns]
    if missing:
        raise ValueError(
            f"feedback events need the columns {', '.join(missing)}; "
            f"they have: {', '.join(rows.columns)}"
        )
    types = dict(events.schema().items())
    for name, dtype in _ADDED.items():
        types.setdefault(name, dtype)
    # Union needs equal schemas, nullability included: a NOT NULL column of the events
    # table holds nulls on the other side.
    types = {name: dtype.copy(nullable=True) for name, dtype in types.items()}
    own = events.select(**{name: _typed(events, name, dtype) for name, dtype in types.items()})
    rows = rows.select(*[name for name in _CARRIED if name in rows.columns])
    theirs = rows.select(**{name: _typed(rows, name, dtype) for name, dtype in types.items()})
    customers = events.select(CUSTOMER_ID).distinct()
    theirs = theirs.semi_join(customers, theirs[CUSTOMER_ID] == customers[CUSTOMER_ID])
    return own.union(theirs)


def _typed(table: ibis.Table, name: str, dtype: dt.DataType) -> Any:
    """Column ``name`` of ``table`` as ``dtype`` (itself when it already is); a typed null
    where ``table`` has no such column."""
    if name not in table.columns:
        return ibis.null().cast(dtype)
    column: Any = table[name]
    return column if column.type() == dtype else column.cast(dtype)
