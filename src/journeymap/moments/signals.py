"""The customer x signal table: which experience signals each customer lived, in the engine.

Every :class:`~journeymap.model.ExperienceSignal` of the journey's touchpoints becomes one
boolean column, true when the customer lived it at least once:

* ``happened`` - an event of the touchpoint (narrowed by the signal's ``where``);
* ``late`` with ``promised`` - such an event whose ``actual`` property (or its time) is after
  its ``promised`` property; a promised *date* is kept when the thing happens on that day;
* ``late`` with ``after`` - such an event more than ``within_hours`` after the customer's
  latest earlier event of the ``after`` touchpoint;
* ``failed`` and ``negative_feedback`` - such an event followed by an event of
  ``followed_by`` (within ``within_hours`` when given).

Everything runs as one per-customer aggregation over at most two window passes (the latest
``after`` event before each event; the next ``followed_by`` event after it), so the table is
built where the data lives; only this customers x signals matrix, a few booleans per
customer, ever leaves the engine for the statistics.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, cast

import ibis
import ibis.expr.types as ir

from journeymap.analytics._sequence import customer_order, epoch_ms
from journeymap.analytics.matching import touchpoint_condition
from journeymap.analytics.rules import compile_rule
from journeymap.model import EventRule, ExperienceSignal, Journey, SignalKind, Touchpoint
from journeymap.model.canonical import (
    CUSTOMER_ID,
    EVENT,
    FEEDBACK_EVENT,
    FEEDBACK_TOUCHPOINT,
    SENTIMENT,
    TS,
)

__all__ = [
    "SignalColumn",
    "eligible_column",
    "journey_signals",
    "lived_events",
    "reach_column",
    "signal_column",
    "signal_events",
    "signal_table",
]

_HOUR_MS = 3_600_000


def signal_column(touchpoint: str, signal: str) -> str:
    """The column of :func:`signal_table` for one signal: ``touchpoint:signal``."""
    return f"{touchpoint}:{signal}"


def reach_column(touchpoint: str) -> str:
    """The column of ``signal_table(..., reach=True)`` that says the customer had any event
    of the touchpoint: ``touchpoint:*`` (no signal id can contain ``*``)."""
    return f"{touchpoint}:*"


@dataclass(frozen=True)
class SignalColumn:
    """One column of the signal table: the signal and the touchpoint it belongs to."""

    touchpoint: Touchpoint
    signal: ExperienceSignal

    @property
    def name(self) -> str:
        """The column name (see :func:`signal_column`)."""
        return signal_column(self.touchpoint.id, self.signal.id)

    @property
    def following(self) -> EventRule | None:
        """The events that mark a failed or negative-feedback signal: its ``followed_by``,
        or, for negative feedback without one, negative customer feedback assigned to the
        touchpoint (feedback joins the events as :data:`FEEDBACK_EVENT` events; see
        :mod:`journeymap.model.canonical`)."""
        signal = self.signal
        if signal.followed_by is not None or signal.kind is not SignalKind.NEGATIVE_FEEDBACK:
            return signal.followed_by
        return EventRule(
            events=[FEEDBACK_EVENT],
            where=f'{FEEDBACK_TOUCHPOINT} == "{self.touchpoint.id}" and {SENTIMENT} < 0',
        )

    @property
    def narrowed(self) -> bool:
        """True when the signal is a part of its touchpoint's events (late, failed, negative
        feedback, or a ``where``): it is then compared with the touchpoint's other customers,
        not with everyone (a late parcel against the parcels on time)."""
        return self.signal.kind is not SignalKind.HAPPENED or self.signal.where is not None


def journey_signals(journey: Journey) -> tuple[SignalColumn, ...]:
    """Every signal of the journey's touchpoints, in spine order."""
    return tuple(
        SignalColumn(touchpoint, signal)
        for stage in journey.stages
        for touchpoint in stage.touchpoints
        for signal in touchpoint.signals
    )


def signal_table(events: ibis.Table, journey: Journey, *, reach: bool = False) -> ibis.Table:
    """``customer_id`` and one boolean column per signal of ``journey`` (never null), for
    every customer with events; with ``reach``, also a :func:`reach_column` per touchpoint
    with a :attr:`~SignalColumn.narrowed` signal.

    >>> import datetime as dt, ibis
    >>> from journeymap.model import EventRule, ExperienceSignal, Journey, Stage, Touchpoint
    >>> late = ExperienceSignal(id="late", name="Late", kind="late", promised="promised")
    >>> parcel = Touchpoint(id="parcel", name="Parcel", signals=[late],
    ...     event_rule=EventRule(events=["delivered"]))
    >>> journey = Journey(id="j", name="J", persona="p",
    ...     stages=[Stage(id="s", name="S", touchpoints=[parcel])])
    >>> day = lambda d: dt.datetime(2025, 1, d, 12, tzinfo=dt.UTC)
    >>> events = ibis.memtable({"customer_id": ["a", "b"], "ts": [day(3), day(5)],
    ...     "event": ["delivered", "delivered"], "promised": [day(4).date(), day(4).date()]})
    >>> rows = signal_table(events, journey).order_by("customer_id").to_pyarrow().to_pylist()
    >>> [(row["customer_id"], row["parcel:late"]) for row in rows]
    [('a', False), ('b', True)]
    """
    columns = journey_signals(journey)
    marked = _marked(events, journey, columns)
    reached = {
        reach_column(tp_id): marked[_at(tp_id)].any().fill_null(False)
        for tp_id in dict.fromkeys(c.touchpoint.id for c in columns if c.narrowed)
    }
    return marked.group_by(CUSTOMER_ID).agg(
        **{column.name: _lived(marked, column).any().fill_null(False) for column in columns},
        **(reached if reach else {}),
    )


LIVED = "_lived"
"""The column :func:`lived_events` adds."""


def lived_events(events: ibis.Table, journey: Journey, column: str) -> ibis.Table:
    """``events`` plus a boolean column ``_lived``: whether the customer lived the signal
    ``column`` (``touchpoint:signal``) at that event. The evidence behind a moment (which
    order came late, which payment failed) comes from here."""
    columns = journey_signals(journey)
    chosen = [c for c in columns if c.name == column]
    if not chosen:
        known = ", ".join(c.name for c in columns) or "none"
        raise ValueError(f"journey {journey.id!r} has no signal {column!r}; its signals: {known}")
    marked = _marked(events, journey, (chosen[0],))
    helpers = [name for name in marked.columns if name not in events.columns]
    return marked.mutate(**{LIVED: _lived(marked, chosen[0])}).drop(*helpers)


def _marked(events: ibis.Table, journey: Journey, columns: tuple[SignalColumn, ...]) -> ibis.Table:
    """The events with the helper columns every signal reads: each touchpoint's match, the
    latest ``after`` event and the next ``followed_by`` event."""
    _check_properties(events, columns)
    touchpoints = _touchpoints_read(journey, columns)
    marked = events.mutate(
        _ms=epoch_ms(events[TS]),
        **{_at(tp_id): touchpoint_condition(tp, events) for tp_id, tp in touchpoints.items()},
    )
    marked = _with_latest_after(marked, columns)
    return _with_next_follow(marked, columns)


def _touchpoints_read(journey: Journey, columns: tuple[SignalColumn, ...]) -> dict[str, Touchpoint]:
    """The touchpoints the signals read: their own, and those their ``after`` names."""
    touchpoints = {column.touchpoint.id: column.touchpoint for column in columns}
    touchpoints |= {
        tp.id: tp
        for stage in journey.stages
        for tp in stage.touchpoints
        if tp.id in _afters(columns)
    }
    return touchpoints


def _at(touchpoint: str) -> str:
    return f"_at_{touchpoint}"


def _afters(columns: tuple[SignalColumn, ...]) -> set[str]:
    return {c.signal.after for c in columns if c.signal.after is not None}


def _followers(columns: tuple[SignalColumn, ...]) -> Iterator[SignalColumn]:
    return (column for column in columns if column.following is not None)


def _next(column: SignalColumn) -> str:
    return f"_next_{column.name}"


def _with_latest_after(events: ibis.Table, columns: tuple[SignalColumn, ...]) -> ibis.Table:
    """Per event, the time of the customer's latest event of each ``after`` touchpoint up to it."""
    afters = sorted(_afters(columns))
    if not afters:
        return events
    window = ibis.window(
        group_by=events[CUSTOMER_ID], order_by=customer_order(events), rows=(None, 0)
    )
    return events.mutate(
        **{
            f"_last_{tp}": ibis.ifelse(events[_at(tp)], events["_ms"], None).max().over(window)
            for tp in afters
        }
    )


def _with_next_follow(events: ibis.Table, columns: tuple[SignalColumn, ...]) -> ibis.Table:
    """Per event, the time of the customer's next (strictly later) ``followed_by`` event."""
    followers = list(_followers(columns))
    if not followers:
        return events
    # Newest first with a frame over the rows already seen: a linear running minimum on
    # every engine (an "unbounded following" frame is quadratic on Spark).
    window = ibis.window(
        group_by=events[CUSTOMER_ID],
        order_by=[ibis.desc(key) for key in customer_order(events)],
        rows=(None, -1),
    )
    updates = {}
    for column in followers:
        rule = column.following
        assert rule is not None
        if column.signal.followed_by is None and FEEDBACK_TOUCHPOINT not in events.columns:
            # Negative feedback read from customer text, but none has joined the events
            # (no feedback imported or assigned yet): nobody lived it.
            updates[_next(column)] = ibis.null().cast("int64")
            continue
        follow: Any = events[EVENT].isin(rule.events)
        if rule.where is not None:
            follow = follow & compile_rule(rule.where, events)
        updates[_next(column)] = ibis.ifelse(follow, events["_ms"], None).min().over(window)
    return events.mutate(**updates)


def _lived(events: ibis.Table, column: SignalColumn) -> ir.BooleanValue:
    """True on the events where the customer lived this signal."""
    signal, touchpoint = column.signal, column.touchpoint
    here: Any = events[_at(touchpoint.id)]
    if signal.where is not None:
        here = here & compile_rule(signal.where, events)
    if signal.kind is SignalKind.LATE and signal.promised is not None:
        here = here & _after_promise(events, signal.promised, signal.actual)
    elif signal.kind is SignalKind.LATE:
        last = events[f"_last_{signal.after}"]
        limit = int(cast(float, signal.within_hours) * _HOUR_MS)
        here = here & last.notnull() & (events["_ms"] - last > limit)
    elif column.following is not None:
        following = events[_next(column)]
        here = here & following.notnull()
        if signal.within_hours is not None:
            limit = int(signal.within_hours * _HOUR_MS)
            here = here & (following - events["_ms"] <= limit)
    return cast(ir.BooleanValue, here.fill_null(False))


def _after_promise(events: ibis.Table, promised: str, actual: str | None) -> ir.BooleanValue:
    """``actual`` (or the event time) after ``promised``; against a promised date, what
    happens on that day is on time."""
    done: Any = events[TS] if actual is None else events[actual]
    promise: Any = events[promised]
    if promise.type().is_date() and done.type().is_timestamp():
        done = done.date()
    elif promise.type().is_timestamp() and done.type().is_date():
        promise = promise.date()
    return cast(ir.BooleanValue, done > promise)


def _check_properties(events: ibis.Table, columns: tuple[SignalColumn, ...]) -> None:
    """Name the signal and the missing property before the engine fails on a column."""
    for column in columns:
        signal = column.signal
        for field, name in (("promised", signal.promised), ("actual", signal.actual)):
            if name is not None and name not in events.columns:
                known = ", ".join(sorted(c for c in events.columns if not c.startswith("_")))
                raise ValueError(
                    f"signal {column.name!r}: its {field} property {name!r} is not a column "
                    f"of the events; their columns are: {known}"
                )


def eligible_column(column: str) -> str:
    """The column of :func:`signal_events` true on the events a signal is about:
    ``touchpoint:signal:eligible``."""
    return f"{column}:eligible"


def signal_events(
    events: ibis.Table, journey: Journey, *, signals: Sequence[SignalColumn] | None = None
) -> ibis.Table:
    """The signals event by event, for rates over time: ``customer_id``, ``ts`` and two
    booleans per signal (all of ``journey``'s by default): :func:`eligible_column`, true on
    the touchpoint's events the signal is about (narrowed by its ``where``), and the
    :func:`signal_column`, true where the customer lived the signal on that event (a late
    parcel, a delivery followed by a detractor score). Only events eligible for some signal
    are kept; the semantics are :func:`signal_table`'s, before its per-customer ``any``.

    >>> import datetime as dt, ibis
    >>> from journeymap.model import EventRule, ExperienceSignal, Journey, Stage, Touchpoint
    >>> late = ExperienceSignal(id="late", name="Late", kind="late", promised="promised")
    >>> parcel = Touchpoint(id="parcel", name="Parcel", signals=[late],
    ...     event_rule=EventRule(events=["delivered"]))
    >>> journey = Journey(id="j", name="J", persona="p",
    ...     stages=[Stage(id="s", name="S", touchpoints=[parcel])])
    >>> day = lambda d: dt.datetime(2025, 1, d, 12, tzinfo=dt.UTC)
    >>> events = ibis.memtable({"customer_id": ["a", "a", "b"], "ts": [day(2), day(3), day(5)],
    ...     "event": ["ordered", "delivered", "delivered"],
    ...     "promised": [None, day(4).date(), day(4).date()]})
    >>> table = signal_events(events, journey).order_by("ts").to_pyarrow()
    >>> table["parcel:late"].to_pylist(), table["parcel:late:eligible"].to_pylist()
    ([False, True], [True, True])
    """
    columns = journey_signals(journey) if signals is None else tuple(signals)
    touchpoints = _touchpoints_read(journey, columns)
    names = {name for tp in touchpoints.values() if tp.event_rule for name in tp.event_rule.events}
    names |= {name for c in _followers(columns) if c.following
              for name in c.following.events}  # fmt: skip
    # Only the events the flags can depend on: the windows below then scan far fewer rows.
    relevant = events.filter(events[EVENT].isin(sorted(names))) if names else events
    marked = _marked(relevant, journey, columns)
    flags: dict[str, Any] = {}
    for column in columns:
        eligible: Any = marked[_at(column.touchpoint.id)]
        if column.signal.where is not None:
            eligible = eligible & compile_rule(column.signal.where, marked)
        flags[eligible_column(column.name)] = eligible.fill_null(False)
        flags[column.name] = _lived(marked, column)
    flagged = marked.select(CUSTOMER_ID, TS, **flags)
    if not columns:
        return flagged.filter(ibis.literal(False))
    return flagged.filter(ibis.or_(*[flagged[eligible_column(c.name)] for c in columns]))
