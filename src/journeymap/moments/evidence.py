"""The evidence behind a ranked moment: example customers who lived it, and their paths.

A rank and an odds ratio convince analysts; a CX team believes a moment when it reads a few
real stories: *this* customer's parcel came three days late, they wrote to support, and they
never ordered again. :func:`moment_evidence` picks such customers and shows their path
through the journey's touchpoints around the moment.

With an outcome, the examples are customers who lived the signal **and** had the outcome the
signal goes with: the bad one when the signal's outcome is worse than the others' (churned,
a low review score), the good one when it is better. Which side is read from the data (the
mean outcome with and without the signal), so the stories illustrate the measured effect.

The selection is deterministic (a hash of the customer id and ``seed``), runs in the engine,
and only the chosen customers' events come out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import ibis

from journeymap.analytics.matching import match_touchpoints
from journeymap.model import Journey, Outcome, OutcomePolarity
from journeymap.model.canonical import CUSTOMER_ID, EVENT, TOUCHPOINT, TS
from journeymap.moments.signals import LIVED, lived_events, signal_table
from journeymap.moments.windows import (
    CutOff,
    observed_events,
    resolve_cut_off,
    windowed_outcomes,
)

__all__ = ["ExamplePath", "MomentEvidence", "PathStep", "moment_evidence"]

_ORDER = "_example_order"


@dataclass(frozen=True)
class PathStep:
    """One event of an example path."""

    ts: dt.datetime
    event: str
    touchpoint: str | None
    """The touchpoint's name (None when the event is on no touchpoint of the map)."""
    lived: bool
    """True on the events where the customer lived the signal."""

    def label(self) -> str:
        """``Home delivery [lived]``: the touchpoint (or the raw event) and the mark."""
        name = self.touchpoint or f"({self.event})"
        return f"{name} [lived]" if self.lived else name


@dataclass(frozen=True)
class ExamplePath:
    """One customer who lived the signal: their outcome and their path around it."""

    customer_id: str
    outcome: float | bool | None
    steps: tuple[PathStep, ...]
    skipped_before: int
    """Events before the first step shown (the path is cut around the moment)."""
    skipped_after: int

    def text(self) -> str:
        """The path in one line: ``... Payment > Home delivery [lived] > Support by email``."""
        parts = [step.label() for step in self.steps]
        if self.skipped_before:
            parts.insert(0, f"({self.skipped_before} earlier)")
        if self.skipped_after:
            parts.append(f"({self.skipped_after} later)")
        return " > ".join(parts)


@dataclass(frozen=True)
class MomentEvidence:
    """Example customers for one signal (and outcome)."""

    signal: str
    outcome: str | None
    side: str | None
    """``worse`` or ``better``: the outcome the examples had, against the customers without
    the signal; None without an outcome."""
    lived_by: int
    """Customers who lived the signal (in the outcome's population, with an outcome)."""
    examples: tuple[ExamplePath, ...]


def moment_evidence(
    events: ibis.Table,
    journey: Journey,
    signal: str,
    *,
    outcome: str | None = None,
    customers: ibis.Table | None = None,
    examples: int = 3,
    around: int = 6,
    observed_before: CutOff | None = None,
    seed: int = 0,
) -> MomentEvidence:
    """Up to ``examples`` customers who lived ``signal`` (``touchpoint:signal``), each with
    the ``around`` touchpoint events before and after their first time.

    ``outcome`` (an outcome id of the journey) picks customers whose outcome went the way
    the signal goes with (see the module docstring); ``customers`` is needed by outcomes on
    customer properties. ``observed_before`` works as in
    :func:`~journeymap.moments.impact.moment_impacts`: the paths come from the observation
    window, the outcomes from after it.
    """
    if examples < 1 or around < 0:
        raise ValueError(
            f"examples must be at least 1 and around at least 0; got {examples}, {around}"
        )
    chosen_outcome = _outcome(journey, outcome)
    cut_off = resolve_cut_off(events, observed_before)
    observed = observed_events(events, cut_off)
    lived = lived_events(observed, journey, signal)  # validates the signal's name
    signals = signal_table(observed, journey)
    table = signals.select(CUSTOMER_ID, _signal=signals[signal])
    side = None
    if chosen_outcome is not None:
        needed = [o for o in journey.outcomes if o.id in {chosen_outcome.id, chosen_outcome.among}]
        values = windowed_outcomes(events, needed, customers=customers, observed_before=cut_off)
        values = values.select(CUSTOMER_ID, _value=values[chosen_outcome.id])
        table = table.inner_join(values, CUSTOMER_ID)
        table = table.filter(table["_value"].notnull())
        side, table = _on_the_signals_side(table, chosen_outcome)
    table = table.filter(table["_signal"])
    lived_by = int(table.count().to_pyarrow().as_py())
    picked = (
        table.mutate(**{_ORDER: (table[CUSTOMER_ID].cast("string") + f":{seed}").hash()})
        .order_by([_ORDER, CUSTOMER_ID])
        .limit(examples)
    )
    outcomes = {row[CUSTOMER_ID]: row.get("_value") for row in picked.to_pyarrow().to_pylist()}
    return MomentEvidence(
        signal=signal,
        outcome=outcome,
        side=side,
        lived_by=lived_by,
        examples=_paths(lived, journey, outcomes, around),
    )


def _outcome(journey: Journey, outcome: str | None) -> Outcome | None:
    if outcome is None:
        return None
    for candidate in journey.outcomes:
        if candidate.id == outcome:
            return candidate
    known = ", ".join(o.id for o in journey.outcomes) or "none"
    raise ValueError(f"journey {journey.id!r} has no outcome {outcome!r}; its outcomes: {known}")


def _on_the_signals_side(table: ibis.Table, outcome: Outcome) -> tuple[str, ibis.Table]:
    """Keep the customers whose outcome lies on the side the signal pushes it to."""
    value = table["_value"].cast("float64")
    means = (
        table.aggregate(
            with_signal=value.mean(where=table["_signal"]),
            without=value.mean(where=~table["_signal"]),
            overall=value.mean(),
        )
        .to_pyarrow()
        .to_pylist()[0]
    )
    with_signal, without = means["with_signal"], means["without"]
    higher = with_signal is not None and without is not None and with_signal > without
    worse = higher == (outcome.polarity is OutcomePolarity.NEGATIVE)
    side = "worse" if worse else "better"
    if outcome.value is None:  # yes/no: exactly the outcome the signal goes with
        return side, table.filter(value == (1.0 if higher else 0.0))
    overall = means["overall"]
    if overall is None:
        return side, table
    # numeric: on the signal's side of the mean (a review below average for a late parcel)
    return side, table.filter(value > overall if higher else value < overall)


def _paths(
    lived: ibis.Table, journey: Journey, outcomes: dict[str, object], around: int
) -> tuple[ExamplePath, ...]:
    if not outcomes:
        return ()
    names = {tp.id: tp.name for _, tp in journey.touchpoints()}
    chosen = lived.filter(lived[CUSTOMER_ID].isin(list(outcomes)))
    matched = match_touchpoints(chosen, journey)
    rows = (
        matched.select(CUSTOMER_ID, TS, EVENT, TOUCHPOINT, LIVED)
        .order_by([CUSTOMER_ID, TS, EVENT])
        .to_pyarrow()
        .to_pylist()
    )
    by_customer: dict[str, list[dict[str, object]]] = {}
    for row in rows:
        by_customer.setdefault(str(row[CUSTOMER_ID]), []).append(row)
    paths = []
    for customer_id, value in outcomes.items():
        history = by_customer.get(customer_id, [])
        paths.append(_around_first(customer_id, value, history, names, around))
    return tuple(paths)


def _around_first(
    customer_id: str,
    value: object,
    history: Sequence[dict[str, object]],
    names: dict[str, str],
    around: int,
) -> ExamplePath:
    """The customer's touchpoint events around the first one where they lived the signal."""
    on_map = [row for row in history if row[TOUCHPOINT] is not None or row[LIVED]]
    first = next((i for i, row in enumerate(on_map) if row[LIVED]), 0)
    start, stop = max(0, first - around), min(len(on_map), first + around + 1)
    steps = tuple(
        PathStep(
            ts=_utc(row[TS]),
            event=str(row[EVENT]),
            touchpoint=names.get(str(row[TOUCHPOINT])) if row[TOUCHPOINT] is not None else None,
            lived=bool(row[LIVED]),
        )
        for row in on_map[start:stop]
    )
    outcome = value if value is None or isinstance(value, bool) else float(value)  # type: ignore[arg-type]
    return ExamplePath(customer_id, outcome, steps, start, len(on_map) - stop)


def _utc(value: object) -> dt.datetime:
    """Event times as aware UTC datetimes (naive times are UTC, as everywhere)."""
    assert isinstance(value, dt.datetime)
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)
