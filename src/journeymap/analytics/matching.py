"""Which touchpoint of the map each raw event is: the bridge from the log to the journey.

Every touchpoint's event rule (event names plus an optional ``where`` over properties) is
compiled to an engine expression; one ``CASE`` over those rules, in spine order, labels each
event. **The first matching touchpoint in spine order wins** (stage by stage, touchpoints in
the order the map lists them), so an event belongs to at most one touchpoint and counts
never double. Rules that overlap are a map problem worth seeing, hence
:func:`touchpoint_overlaps`; events no rule covers are the map's gaps, hence
:func:`unmatched_events`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from journeymap.analytics.rules import compile_rule
from journeymap.model import Journey, Touchpoint
from journeymap.model.canonical import (
    CUSTOMER_ID,
    EVENT,
    STAGE,
    STAGE_INDEX,
    TOUCHPOINT,
    TOUCHPOINT_INDEX,
)

__all__ = [
    "EventCoverage",
    "TouchpointOverlap",
    "TouchpointOverlaps",
    "UnmatchedEvents",
    "match_touchpoints",
    "touchpoint_condition",
    "touchpoint_overlaps",
    "unmatched_events",
]


@dataclass(frozen=True)
class _Matcher:
    """One touchpoint with an event rule and its place in the spine."""

    touchpoint: Touchpoint
    stage_id: str
    stage_index: int
    touchpoint_index: int


def _matchers(journey: Journey) -> list[_Matcher]:
    matchers = []
    position = 0
    for stage_index, stage in enumerate(journey.stages):
        for touchpoint in stage.touchpoints:
            if touchpoint.event_rule is not None:
                matchers.append(_Matcher(touchpoint, stage.id, stage_index, position))
            position += 1
    return matchers


def touchpoint_condition(touchpoint: Touchpoint, events: ibis.Table) -> ir.BooleanValue:
    """True on the events that ``touchpoint``'s event rule describes (false if it has none).

    >>> import ibis
    >>> from journeymap.model import EventRule, Touchpoint
    >>> pay = Touchpoint(id="pay", name="Pay", event_rule=EventRule(
    ...     events=["payment"], where='status == "ok"'))
    >>> events = ibis.memtable({"event": ["payment", "payment"], "status": ["ok", "failed"]})
    >>> events.mutate(hit=touchpoint_condition(pay, events)).hit.to_pyarrow().to_pylist()
    [True, False]
    """
    rule = touchpoint.event_rule
    if rule is None:
        return cast(ir.BooleanValue, ibis.literal(False))
    condition = cast(ir.BooleanValue, events[EVENT].isin(rule.events))
    if rule.where is not None:
        condition = condition & compile_rule(rule.where, events)
    return condition


def match_touchpoints(events: ibis.Table, journey: Journey) -> ibis.Table:
    """``events`` plus the columns touchpoint, stage, stage_index and touchpoint_index.

    The result ("touchpoint events") is what most analytics read. Events that no rule
    matches keep null in all four columns; the first rule in spine order wins when several
    match. ``stage_index`` and ``touchpoint_index`` are 0-based spine positions (touchpoints
    without an event rule still take a position, so indexes follow the map as drawn).

    >>> import ibis
    >>> from journeymap.model import EventRule, Journey, Stage, Touchpoint
    >>> journey = Journey(id="j", name="J", persona="p", stages=[Stage(id="buy", name="Buy",
    ...     touchpoints=[Touchpoint(id="pay", name="Pay", event_rule=EventRule(events=["payment"]))])])
    >>> events = ibis.memtable({"event": ["payment", "login"]})
    >>> match_touchpoints(events, journey).touchpoint.to_pyarrow().to_pylist()
    ['pay', None]
    """
    matchers = _matchers(journey)
    if not matchers:
        return events.mutate(
            **{
                TOUCHPOINT: ibis.null().cast("string"),
                STAGE: ibis.null().cast("string"),
                STAGE_INDEX: ibis.null().cast("int64"),
                TOUCHPOINT_INDEX: ibis.null().cast("int64"),
            }
        )
    # One CASE over the (expensive) rules yields the spine position; the other columns are
    # cheap lookups on that integer instead of three more passes over the rules.
    position: Any = ibis.cases(
        *[
            (touchpoint_condition(m.touchpoint, events), ibis.literal(m.touchpoint_index, "int64"))
            for m in matchers
        ],
        else_=ibis.null().cast("int64"),
    )
    labelled = events.mutate(**{TOUCHPOINT_INDEX: position})
    index: Any = labelled[TOUCHPOINT_INDEX]

    def lookup(values: list[tuple[int, Any]], dtype: str) -> Any:
        return index.cases(*values, else_=ibis.null().cast(dtype))

    return labelled.mutate(
        **{
            TOUCHPOINT: lookup([(m.touchpoint_index, m.touchpoint.id) for m in matchers], "string"),
            STAGE: lookup([(m.touchpoint_index, m.stage_id) for m in matchers], "string"),
            STAGE_INDEX: lookup([(m.touchpoint_index, m.stage_index) for m in matchers], "int64"),
        }
    ).relocate(TOUCHPOINT, STAGE, STAGE_INDEX, TOUCHPOINT_INDEX, after=events.columns[-1])


@dataclass(frozen=True)
class EventCoverage:
    """One event name with how many of its rows no touchpoint matched."""

    event: str
    events: int
    unmatched: int
    customers: int

    @property
    def unmatched_share(self) -> float:
        """Share of this event's rows that belong to no touchpoint."""
        return self.unmatched / self.events if self.events else 0.0


@dataclass(frozen=True)
class UnmatchedEvents:
    """The map's gaps: events that belong to no touchpoint.

    ``uncovered`` are event names no rule mentions; ``partial`` are names a rule mentions
    but whose ``where`` leaves some rows out. Both are sorted most unmatched rows first.
    """

    uncovered: tuple[EventCoverage, ...]
    partial: tuple[EventCoverage, ...]

    def rows(self) -> list[dict[str, object]]:
        """One dict per event name, uncovered first."""
        return [
            {"coverage": kind, "event": row.event, "events": row.events,
             "unmatched": row.unmatched, "customers": row.customers}
            for kind, group in (("uncovered", self.uncovered), ("partial", self.partial))
            for row in group
        ]  # fmt: skip

    def to_arrow(self) -> pa.Table:
        """The rows as an Arrow table."""
        return pa.Table.from_pylist(self.rows(), schema=_COVERAGE_SCHEMA)


_COVERAGE_SCHEMA = pa.schema(
    [
        ("coverage", pa.string()),
        ("event", pa.string()),
        ("events", pa.int64()),
        ("unmatched", pa.int64()),
        ("customers", pa.int64()),
    ]
)


def unmatched_events(events: ibis.Table, journey: Journey) -> UnmatchedEvents:
    """Event names (with counts) that the journey's touchpoints do not cover.

    "These 7 event types belong to no touchpoint" is how a team finds what its map misses.
    Customers counted are those with at least one unmatched row of that name.

    >>> import ibis
    >>> from journeymap.model import EventRule, Journey, Stage, Touchpoint
    >>> journey = Journey(id="j", name="J", persona="p", stages=[Stage(id="buy", name="Buy",
    ...     touchpoints=[Touchpoint(id="pay", name="Pay", event_rule=EventRule(events=["payment"]))])])
    >>> events = ibis.memtable({"customer_id": ["a", "b"], "event": ["payment", "login"]})
    >>> [row.event for row in unmatched_events(events, journey).uncovered]
    ['login']
    """
    matched = match_touchpoints(events, journey)
    is_unmatched = matched[TOUCHPOINT].isnull()
    counts = (
        matched.group_by(EVENT)
        .agg(
            events=matched.count(),
            unmatched=is_unmatched.cast("int64").sum(),
            customers=matched[CUSTOMER_ID].nunique(where=is_unmatched),
        )
        .filter(lambda t: t.unmatched > 0)
    )
    mentioned = {name for m in _matchers(journey) for name in _rule_events(m.touchpoint)}
    rows = sorted(
        (
            EventCoverage(
                event=row[EVENT],
                events=int(row["events"]),
                unmatched=int(row["unmatched"]),
                customers=int(row["customers"]),
            )
            for row in counts.to_pyarrow().to_pylist()
        ),
        key=lambda row: (-row.unmatched, row.event),
    )
    return UnmatchedEvents(
        uncovered=tuple(row for row in rows if row.event not in mentioned),
        partial=tuple(row for row in rows if row.event in mentioned),
    )


def _rule_events(touchpoint: Touchpoint) -> list[str]:
    return [] if touchpoint.event_rule is None else touchpoint.event_rule.events


@dataclass(frozen=True)
class TouchpointOverlap:
    """Events that two touchpoints' rules both match; ``winner`` (earlier in the spine) gets them."""

    winner: str
    shadowed: str
    events: int


@dataclass(frozen=True)
class TouchpointOverlaps:
    """Pairs of touchpoints whose rules match the same events, most shared events first."""

    pairs: tuple[TouchpointOverlap, ...]

    def rows(self) -> list[dict[str, object]]:
        """One dict per overlapping pair."""
        return [
            {"winner": p.winner, "shadowed": p.shadowed, "events": p.events} for p in self.pairs
        ]

    def to_arrow(self) -> pa.Table:
        """The rows as an Arrow table."""
        schema = pa.schema(
            [("winner", pa.string()), ("shadowed", pa.string()), ("events", pa.int64())]
        )
        return pa.Table.from_pylist(self.rows(), schema=schema)


def touchpoint_overlaps(events: ibis.Table, journey: Journey) -> TouchpointOverlaps:
    """Events matched by more than one touchpoint rule, counted per pair of touchpoints.

    :func:`match_touchpoints` gives such events to the first touchpoint in spine order; the
    second one silently loses them. Only pairs that name a common event can overlap, so only
    those are counted (in one aggregate query).

    >>> import ibis
    >>> from journeymap.model import EventRule, Journey, Stage, Touchpoint
    >>> rule = EventRule(events=["view"])
    >>> journey = Journey(id="j", name="J", persona="p", stages=[Stage(id="s", name="S",
    ...     touchpoints=[Touchpoint(id="web", name="Web", event_rule=rule),
    ...                  Touchpoint(id="app", name="App", event_rule=rule)])])
    >>> touchpoint_overlaps(ibis.memtable({"event": ["view", "buy"]}), journey).pairs
    (TouchpointOverlap(winner='web', shadowed='app', events=1),)
    """
    matchers = _matchers(journey)
    candidates = [
        (first, second)
        for i, first in enumerate(matchers)
        for second in matchers[i + 1 :]
        if set(_rule_events(first.touchpoint)) & set(_rule_events(second.touchpoint))
    ]
    if not candidates:
        return TouchpointOverlaps(pairs=())
    both = {
        f"pair_{n}": (
            touchpoint_condition(first.touchpoint, events)
            & touchpoint_condition(second.touchpoint, events)
        )
        .cast("int64")
        .sum()
        for n, (first, second) in enumerate(candidates)
    }
    counts = events.aggregate(**both).to_pyarrow().to_pylist()[0]
    pairs = [
        TouchpointOverlap(first.touchpoint.id, second.touchpoint.id, int(counts[f"pair_{n}"] or 0))
        for n, (first, second) in enumerate(candidates)
    ]
    return TouchpointOverlaps(
        pairs=tuple(sorted((p for p in pairs if p.events), key=lambda p: -p.events))
    )
