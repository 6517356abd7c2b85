"""The counts behind the opportunity backlog, computed in the engine in one round trip.

For every suggestion the backlog needs a handful of numbers: how many customers the signal
concerns and how many lived it, the same among those whose outcome is measured, and both
per segment and per week; plus each outcome's current total. They all come from one
customer-level table (:func:`customer_table`) and one union of small group-bys
(:func:`count`), so only a few rows per suggestion leave the engine.

**Which experience a segment or week is judged on.** "Lived it at least once" over a whole
history is what the impact compares, but it cannot be split by week honestly: a customer
whose first parcel came last week has had less time for a late one than a customer of
March, so recent weeks would always look best. For a *narrowed* signal (late, failed,
negative feedback, or a ``where``: about the touchpoint's own customers) segments and weeks
are therefore judged on each customer's **first week at the touchpoint**: the signal as
lived at the touchpoint's events of that week (the events it is measured against, such as
the ``after`` touchpoint or the ``followed_by`` answers, are kept whole). That also ties a
per-event segment such as the carrier to the parcels it carried. Weeks whose follow-up
window (``within_hours`` of a failed or negative-feedback signal) runs past the end of
observation are left out by the caller; a plain ``happened`` signal (about everyone) is
compared by segment only, since "when" a customer might have reached it has no week.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import ibis

from journeymap.analytics.matching import touchpoint_condition
from journeymap.model import ExperienceSignal, Journey, SignalKind, Stage, Touchpoint
from journeymap.model.canonical import CUSTOMER_ID, TS
from journeymap.moments.signals import signal_column, signal_table
from journeymap.moments.windows import observed_events, windowed_outcomes

EVERYONE = "_everyone"
"""The population of plain ``happened`` signals (no touchpoint id starts with ``_``)."""


@dataclass(frozen=True)
class CountRequest:
    """One suggestion's signal and outcome, whose numbers :func:`count` gathers."""

    touchpoint: Touchpoint
    signal: ExperienceSignal
    outcome: str

    @property
    def population(self) -> str:
        """Whom the rates are about: the touchpoint's customers (narrowed) or everyone."""
        narrowed = self.signal.kind is not SignalKind.HAPPENED or self.signal.where is not None
        return self.touchpoint.id if narrowed else EVERYONE

    @property
    def column(self) -> str:
        """The signal's column in the signal table."""
        return signal_column(self.touchpoint.id, self.signal.id)


@dataclass(frozen=True)
class Tally:
    """Customers, how many of them lived the signal, and their outcome's total."""

    customers: int
    lived: int
    total: float


Counts = dict[str, dict[str, dict[str | None, Tally]]]
"""Part (a request's index, or ``outcome:<id>``) -> dimension -> key -> tally."""


def customer_table(
    events: ibis.Table,
    journey: Journey,
    requests: Sequence[CountRequest],
    *,
    customers: ibis.Table | None,
    segment: str | None,
    cut_off: dt.datetime | None,
) -> ibis.Table:
    """Per customer: the signals (ever), the outcomes, and per narrowed population the week
    and the signals of the customer's first week at the touchpoint, and the segment."""
    observed = observed_events(events, cut_off)
    table = signal_table(observed, journey).inner_join(
        windowed_outcomes(events, journey.outcomes, customers=customers, observed_before=cut_off),
        CUSTOMER_ID,
    )
    table = table.inner_join(_places(observed, requests, segment), CUSTOMER_ID)
    for touchpoint in {
        r.population: r.touchpoint for r in requests if r.population != EVERYONE
    }.values():
        first = _first_week_signals(observed, journey, touchpoint)
        table = table.left_join(first, CUSTOMER_ID).drop(f"{CUSTOMER_ID}_right")
    return table


def first_week(column: str) -> str:
    """The column of a signal as lived in the customer's first week at its touchpoint."""
    return f"_first_week:{column}"


def week(population: str) -> str:
    """The column of the Monday of the customer's first week in a population."""
    return f"_week_{population}"


def segment_of(population: str) -> str:
    """The column of the customer's segment value for a population."""
    return f"_segment_{population}"


def _places(
    observed: ibis.Table, requests: Sequence[CountRequest], segment: str | None
) -> ibis.Table:
    """Per customer and population: the week of the first event there, and the segment
    value at it (else the customer's first value at all)."""
    value = observed[segment].cast("string") if segment is not None else None
    firsts: dict[str, Any] = {}
    populations = {r.population: r.touchpoint for r in requests}
    narrowed = {key: tp for key, tp in populations.items() if key != EVERYONE}
    for key, touchpoint in narrowed.items():
        here = touchpoint_condition(touchpoint, observed)
        firsts[f"_at_{key}"] = observed[TS].min(where=here)
        if value is not None:
            firsts[f"_value_{key}"] = value.argmin(observed[TS], where=here & value.notnull())
    if value is not None:
        firsts[f"_value_{EVERYONE}"] = value.argmin(observed[TS], where=value.notnull())
    if not firsts:
        return observed.select(CUSTOMER_ID).distinct()
    per = observed.group_by(CUSTOMER_ID).agg(**firsts)
    places: dict[str, Any] = {}
    for key in narrowed:
        places[week(key)] = per[f"_at_{key}"].truncate("W").date()
    if value is not None:
        places[segment_of(EVERYONE)] = per[f"_value_{EVERYONE}"]
        for key in narrowed:
            places[segment_of(key)] = per[f"_value_{key}"].coalesce(per[f"_value_{EVERYONE}"])
    return per.select(CUSTOMER_ID, **places)


def _first_week_signals(
    observed: ibis.Table, journey: Journey, touchpoint: Touchpoint
) -> ibis.Table:
    """The touchpoint's signals as lived at its events of each customer's first week there."""
    customer = ibis.window(group_by=observed[CUSTOMER_ID])
    here = touchpoint_condition(touchpoint, observed).fill_null(False)
    # Named columns first, then the filter: Spark cannot filter on a window expression.
    marked = observed.mutate(
        _here=here, _first_week=observed[TS].min(where=here).over(customer).truncate("W")
    )
    kept = marked.filter(~marked["_here"] | (marked[TS].truncate("W") == marked["_first_week"]))
    flags = signal_table(kept.drop("_here", "_first_week"), _only(journey, touchpoint))
    return flags.select(
        CUSTOMER_ID,
        **{
            first_week(signal_column(touchpoint.id, s.id)): flags[
                signal_column(touchpoint.id, s.id)
            ]
            for s in touchpoint.signals
        },
    )


def _only(journey: Journey, touchpoint: Touchpoint) -> Journey:
    """A journey with this touchpoint's signals only (and the touchpoints they count from)."""
    afters = {s.after for s in touchpoint.signals if s.after is not None} - {touchpoint.id}
    others = [
        tp.model_copy(update={"signals": []}) for _, tp in journey.touchpoints() if tp.id in afters
    ]
    stage = Stage(id="only", name="Only", touchpoints=[touchpoint, *others])
    return Journey(id=journey.id, name=journey.name, persona=journey.persona, stages=[stage])


def count(table: ibis.Table, requests: Sequence[CountRequest], *, segment: bool) -> Counts:
    """Every tally the suggestions need, as one union of small group-bys.

    The customer table is cached first (one row per customer, released at the end): the
    union reads it a few times per request, and engines would otherwise rebuild the signal
    table for every branch (three times slower on the demo).
    """
    cached = table.cache()
    try:
        return _count(cached, requests, segment=segment)
    finally:
        cached.release()


def _count(table: ibis.Table, requests: Sequence[CountRequest], *, segment: bool) -> Counts:
    parts = []
    for index, request in enumerate(requests):
        key, part = request.population, str(index)
        concerned = table if key == EVERYONE else table.filter(table[week(key)].notnull())
        measured = concerned.filter(concerned[request.outcome].notnull())
        parts.append(_tally(concerned, part, "concerned", None, request.column))
        parts.append(_tally(measured, part, "measured", None, request.column))
        judged = request.column if key == EVERYONE else first_week(request.column)
        if key != EVERYONE:
            weeks = measured[week(key)].cast("string")
            parts.append(_tally(measured, part, "week", weeks, judged))
        if segment:
            parts.append(_tally(measured, part, "segment", measured[segment_of(key)], judged))
    for outcome in dict.fromkeys(r.outcome for r in requests):
        measured = table.filter(table[outcome].notnull())
        parts.append(_tally(measured, f"outcome:{outcome}", "total", None, None, total=outcome))
    rows = ibis.union(*parts, distinct=False).to_pyarrow().to_pylist()
    counts: Counts = {}
    for row in rows:
        slot = counts.setdefault(row["part"], {}).setdefault(row["dimension"], {})
        slot[row["key"]] = Tally(int(row["customers"]), int(row["lived"] or 0), row["total"] or 0.0)
    return counts


def _tally(
    table: ibis.Table,
    part: str,
    dimension: str,
    key: ibis.Value | None,
    lived: str | None,
    *,
    total: str | None = None,
) -> ibis.Table:
    """Customers, how many lived ``lived`` and the sum of ``total``, per ``key`` if given."""
    metrics = {
        "customers": table[CUSTOMER_ID].count(),
        "lived": table[lived].fill_null(False).cast("int64").sum()
        if lived
        else ibis.literal(0, "int64"),
        "total": table[total].cast("float64").sum() if total else ibis.literal(0.0, "float64"),
    }
    if key is None:
        result = table.aggregate(**metrics).mutate(key=ibis.null("string"))
    else:
        result = table.group_by(key=key).aggregate(**metrics)
    return result.select(
        part=ibis.literal(part),
        dimension=ibis.literal(dimension),
        key=result["key"].cast("string"),
        customers=result["customers"].cast("int64"),
        lived=result["lived"].cast("int64"),
        total=result["total"].cast("float64"),
    )


def observation_span(
    events: ibis.Table, cut_off: dt.datetime | None
) -> tuple[dt.datetime, dt.datetime] | None:
    """The first event's time and the end of observation (the cut-off, or the last event)."""
    observed = observed_events(events, cut_off)
    row = observed.aggregate(first=observed[TS].min(), last=observed[TS].max()).to_pyarrow()
    first, last = row.to_pylist()[0].values()
    if not isinstance(first, dt.datetime) or not isinstance(last, dt.datetime):
        return None
    return _utc(first), _utc(cut_off or last)


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)
