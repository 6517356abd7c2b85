"""The opportunity backlog: which moments to fix or spread first, suggested from the evidence.

:func:`~journeymap.moments.impact.moment_impacts` says *which* signals go with a better or
worse outcome. This module turns the significant ones into a ranked backlog, each
suggestion answering "what would we gain if this moment performed everywhere as well as
where it already works best?":

* **fix** - a significant, unfavourable signal: a failure (late, failed, negative feedback)
  or a pain point's ``happened`` signal; we gain when fewer customers live it.
* **spread** - a significant, favourable ``happened`` signal that most customers miss
  (fewer than half get it: the data's delighter); we gain when more customers get it.

Where the data cannot tell cause from consequence the map's word counts: a touchpoint the
team calls a delighter or hygiene factor is never something to cut, a pain point never
something to spread (see :func:`_direction`).

**How often the moment goes wrong (or right)** is counted in the engine (see
:mod:`journeymap.moments._backlog_counts`) among the customers the signal concerns: the
touchpoint's customers for a narrowed signal (late, failed, negative feedback, or a
``where``), everyone for a plain ``happened`` one; per **segment** (a column of the events:
an event property such as the carrier, or a customer property such as the country) and per
**ISO week**. Narrowed signals are judged on each customer's first week at the touchpoint,
so that a week is not flattered by having had less time to go wrong, and a per-parcel
segment such as the carrier is the one that carried those parcels.

**The best segment (or week)** has the lowest rate of a failure (the highest of a
delighter) among the groups with at least ``min_customers`` customers whose 95 % (Wilson)
interval lies wholly on the better side of the rate over all groups: a small or merely
lucky group is no benchmark. Weeks at the edges of the log, and weeks whose follow-up
window has not closed, are left out.

**The expected gain** is::

    (rate over all groups - best group's rate) x their customers x outcome difference

counted among the customers whose outcome is measured (for a review score: those who
reviewed). The outcome difference per customer is the impact's raw comparison (rate, or
mean, without the signal minus with it, read in the outcome's good direction). The gain is
in the outcome's own unit: customers for a yes/no outcome (churners avoided, repeat buyers
gained), points for a numeric one (review stars). Both bases are computed; the larger is
the suggestion's gain.

Customers and stars do not add up, so the backlog is **ranked by the relative gain**: the
gain as a share of the outcome's current total over every measured customer ("6 % more
promoters", "review stars up 3 %"). Within one outcome that is the order of the gain itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import ibis
import pyarrow as pa

from journeymap.model import (
    ExperienceSignal,
    Impact,
    Journey,
    MomentKind,
    Opportunity,
    OpportunityStatus,
    Outcome,
    OutcomePolarity,
    SignalKind,
    Stage,
    Touchpoint,
    slugify,
)
from journeymap.moments._backlog_counts import (
    CountRequest,
    Counts,
    count,
    customer_table,
    observation_span,
)
from journeymap.moments._benchmarks import (
    Direction,
    GroupRate,
    benchmark,
    complete,
    groups,
    judged_rate,
    worst,
)
from journeymap.moments.impact import MomentImpacts, SignalImpact
from journeymap.moments.windows import CutOff, resolve_cut_off

__all__ = [
    "BACKLOG_COLUMNS",
    "GroupRate",
    "OpportunityBacklog",
    "SuggestedOpportunity",
    "suggest_opportunities",
]

DEFAULT_SEGMENT = "persona"
"""The events column used for segments when none is named, if the events carry it."""

BACKLOG_COLUMNS: tuple[str, ...] = (
    "rank", "id", "title", "direction", "touchpoint", "touchpoint_name", "stage",
    "owner_team", "signal", "signal_name", "kind", "outcome", "outcome_with",
    "outcome_without", "effect", "effect_low", "effect_high", "q_value",
    "customers_concerned", "customers_affected", "customers", "current_rate", "segment",
    "best_segment", "best_segment_rate", "best_segment_customers", "worst_segment",
    "worst_segment_rate", "worst_segment_customers", "best_week", "best_week_rate",
    "best_week_customers", "worst_week", "worst_week_rate", "worst_week_customers",
    "benchmark", "benchmark_rate", "gain_like_segment", "gain_like_week", "gain", "basis",
    "gain_text", "relative_gain", "expected_impact", "on_map",
)  # fmt: skip
"""The columns of :meth:`OpportunityBacklog.rows`, in order (also when there are none)."""

HIGH_IMPACT = 0.05
"""A relative gain of at least 5 % of the outcome makes an accepted suggestion high impact."""
MEDIUM_IMPACT = 0.01
"""At least 1 %: medium; below: low."""


@dataclass(frozen=True)
class SuggestedOpportunity:
    """One suggestion of the backlog: a moment, its owner, its impact and what it could gain."""

    id: str
    direction: Direction
    touchpoint: str
    touchpoint_name: str
    stage: str
    owner_team: str | None
    signal: str
    signal_name: str
    kind: SignalKind
    outcome: str
    outcome_name: str
    numeric: bool
    polarity: OutcomePolarity
    impact: SignalImpact
    customers_concerned: int
    """Customers the signal is about: at the touchpoint (narrowed signals) or everyone."""
    customers_affected: int
    """Of those, who lived the unfavourable signal (fix) or lacked the delighter (spread)."""
    customers: int
    """Customers concerned whose outcome is measured: the base of the rates and the gain."""
    current_rate: float
    """How often the measured customers lived it (got it, for spread): in their first week
    at the touchpoint for a narrowed signal, over their whole history for a plain one."""
    narrowed: bool
    """Whether the signal is about the touchpoint's customers (late, failed...)."""
    per_customer: float
    """What one customer spared the signal (or given it) gains, in the outcome's unit."""
    outcome_total: float
    """The outcome's current total over every measured customer (churners, stars...)."""
    segment: str | None
    best_segment: GroupRate | None
    worst_segment: GroupRate | None
    best_week: GroupRate | None
    worst_week: GroupRate | None
    gain_like_segment: float | None
    gain_like_week: float | None
    on_map: bool = False
    """Whether the journey already holds an opportunity with this id (accepted before)."""

    @property
    def gain(self) -> float:
        """The expected gain on the better basis, in the outcome's unit."""
        return max(self.gain_like_segment or 0.0, self.gain_like_week or 0.0)

    @property
    def basis(self) -> str:
        """``best segment`` or ``best week``: what the gain assumes the moment performs like."""
        if (self.gain_like_segment or 0.0) >= (self.gain_like_week or 0.0):
            return "best segment"
        return "best week"

    @property
    def benchmark(self) -> GroupRate:
        """The group the gain is measured against."""
        group = self.best_segment if self.basis == "best segment" else self.best_week
        assert group is not None, "a suggestion always has a benchmark"
        return group

    @property
    def relative_gain(self) -> float:
        """The gain as a share of the outcome's current total: the ranking's common scale."""
        return self.gain / self.outcome_total if self.outcome_total else 0.0

    @property
    def owner(self) -> str:
        """The owner team's id, or ``unowned`` (someone has to pick it up)."""
        return self.owner_team or "unowned"

    @property
    def expected_impact(self) -> Impact:
        """High from a 5 % relative gain, medium from 1 %, low below (size, not rank, so an
        accepted suggestion keeps its label whatever else the backlog holds)."""
        if self.relative_gain >= HIGH_IMPACT:
            return Impact.HIGH
        return Impact.MEDIUM if self.relative_gain >= MEDIUM_IMPACT else Impact.LOW

    @property
    def title(self) -> str:
        """One line for a backlog: the touchpoint, the change and the benchmark."""
        verb = "cut" if self.direction == "fix" else "raise"
        return (
            f"{self.touchpoint_name}: {verb} '{self.signal_name}' from "
            f"{_percent(self.current_rate)} to {_percent(self.benchmark.rate)}, "
            f"{self._like()} ({self.gain_text})"
        )

    @property
    def gain_text(self) -> str:
        """The gain in plain words: ``34 fewer customers 'Churned'``, ``+58 'Review score'``."""
        if self.numeric:
            average = self.gain / self.customers if self.customers else 0.0
            sign = "+" if self.polarity is OutcomePolarity.POSITIVE else "-"
            return (
                f"{sign}{self.gain:,.0f} '{self.outcome_name}' in total, "
                f"{sign}{average:.2f} per customer"
            )
        more = "more" if self.polarity is OutcomePolarity.POSITIVE else "fewer"
        return f"{self.gain:,.0f} {more} customers '{self.outcome_name}'"

    @property
    def description(self) -> str:
        """The evidence in a paragraph: what happens, what it costs, where it works better."""
        c = self.impact.comparison
        lived = "lived" if self.direction == "fix" else "did not get"
        value = _number if self.numeric else _rate
        effect = "difference" if self.numeric else "odds ratio"
        text = [
            f"Suggested from the data. At {self.touchpoint_name} ({self.stage}), "
            f"{self.customers_affected:,} of {self.customers_concerned:,} customers {lived} "
            f"'{self.signal_name}'.",
            f"{self.outcome_name}: {value(c.outcome_with)} with it, "
            f"{value(c.outcome_without)} without it ({effect} {_number(c.effect)}, 95 % "
            f"interval {_number(c.low)} to {_number(c.high)}, q = {_number(self.impact.q_value)}).",
            f"Of the {self.customers:,} whose {self.outcome_name} is measured, "
            f"{_percent(self.current_rate)} {'lived' if self.direction == 'fix' else 'got'} it"
            f"{' in their first week at the touchpoint' if self.narrowed else ''}.",
        ]
        for name, group in (
            (f"Best {self.segment}", self.best_segment),
            (f"worst {self.segment}", self.worst_segment),
            ("best week", self.best_week),
            ("worst week", self.worst_week),
        ):
            if group is not None:
                text.append(
                    f"{name[0].upper()}{name[1:]}: {group.label}, "
                    f"{_percent(group.rate)} of {group.customers:,}."
                )
        text.append(
            f"If the moment performed {self._like()}: {self.gain_text} "
            f"({_percent(self.relative_gain)} of today's total)."
        )
        return " ".join(text)

    def _like(self) -> str:
        if self.basis == "best segment":
            return f"like {self.segment} {self.benchmark.label}"
        return f"like the week of {self.benchmark.label}"

    def row(self) -> dict[str, object]:
        """A flat dict for tables, JSON and CSV."""
        c = self.impact.comparison
        rows: dict[str, object] = {
            "id": self.id, "title": self.title, "direction": self.direction,
            "touchpoint": self.touchpoint, "touchpoint_name": self.touchpoint_name,
            "stage": self.stage, "owner_team": self.owner, "signal": self.signal,
            "signal_name": self.signal_name, "kind": self.kind.value, "outcome": self.outcome,
            "outcome_with": c.outcome_with, "outcome_without": c.outcome_without,
            "effect": c.effect, "effect_low": c.low, "effect_high": c.high,
            "q_value": self.impact.q_value, "customers_concerned": self.customers_concerned,
            "customers_affected": self.customers_affected, "customers": self.customers,
            "current_rate": self.current_rate, "segment": self.segment,
        }  # fmt: skip
        for name, group in (
            ("best_segment", self.best_segment),
            ("worst_segment", self.worst_segment),
            ("best_week", self.best_week),
            ("worst_week", self.worst_week),
        ):
            rows[name] = group.label if group else None
            rows[f"{name}_rate"] = group.rate if group else None
            rows[f"{name}_customers"] = group.customers if group else None
        rows |= {
            "benchmark": self._like().removeprefix("like "), "benchmark_rate": self.benchmark.rate,
            "gain_like_segment": self.gain_like_segment, "gain_like_week": self.gain_like_week,
            "gain": self.gain, "basis": self.basis, "gain_text": self.gain_text,
            "relative_gain": self.relative_gain, "expected_impact": self.expected_impact.value,
            "on_map": self.on_map,
        }  # fmt: skip
        return rows

    def to_opportunity(self) -> Opportunity:
        """The suggestion as an :class:`~journeymap.model.Opportunity` for the map (status
        idea, source suggested), carrying its numbers in the description."""
        return Opportunity(
            id=self.id,
            title=self.title,
            description=self.description,
            owner_team=self.owner_team,
            touchpoints=[self.touchpoint],
            expected_impact=self.expected_impact,
            status=OpportunityStatus.IDEA,
            source="suggested",
            outcome=self.outcome,
            expected_gain=round(self.gain, 2),
        )


@dataclass(frozen=True)
class OpportunityBacklog:
    """The suggestions, ranked by relative gain, and what was left out and why."""

    suggestions: tuple[SuggestedOpportunity, ...]
    segment: str | None
    min_customers: int
    notes: tuple[str, ...] = field(default=())

    def ranked(self, outcome: str | None = None) -> tuple[SuggestedOpportunity, ...]:
        """The suggestions in rank order; optionally for one outcome only."""
        return tuple(s for s in self.suggestions if outcome is None or s.outcome == outcome)

    def suggestion(self, suggestion_id: str) -> SuggestedOpportunity:
        """The suggestion with this id; ``KeyError`` naming the ids there are."""
        for found in self.suggestions:
            if found.id == suggestion_id:
                return found
        known = ", ".join(s.id for s in self.suggestions) or "(none)"
        raise KeyError(f"no suggestion {suggestion_id!r}; the backlog holds: {known}")

    def rows(self) -> list[dict[str, object]]:
        """One flat dict per suggestion, in rank order, with its ``rank`` (1 = first)."""
        return [{"rank": n, **s.row()} for n, s in enumerate(self.suggestions, start=1)]

    def to_arrow(self) -> pa.Table:
        """One row per suggestion, in rank order."""
        return pa.Table.from_pylist(self.rows())


def suggest_opportunities(
    events: ibis.Table,
    journey: Journey,
    impacts: MomentImpacts,
    *,
    customers: ibis.Table | None = None,
    segment: str | None = None,
    observed_before: CutOff | None = None,
    min_customers: int = 100,
) -> OpportunityBacklog:
    """The ranked opportunity backlog of ``journey`` from its ``impacts``.

    Pass the same ``events``, ``customers`` and ``observed_before`` as to
    :func:`~journeymap.moments.moment_impacts`. ``segment`` is a column of ``events`` (an
    event property such as ``carrier``, or a customer property joined with
    :func:`~journeymap.analytics.scope.with_breakdown`); by default ``persona`` when the
    events have it, else weeks only.

    >>> backlog = suggest_opportunities(events, journey, impacts, segment="carrier")  # doctest: +SKIP
    >>> top = backlog.suggestions[0]  # doctest: +SKIP
    >>> print(top.title, top.owner)  # doctest: +SKIP
    """
    if min_customers < 1:
        raise ValueError(f"min_customers must be at least 1; got {min_customers}")
    if segment is None and DEFAULT_SEGMENT in events.columns:
        segment = DEFAULT_SEGMENT
    if segment is not None and segment not in events.columns:
        known = ", ".join(sorted(c for c in events.columns if not c.startswith("_")))
        raise ValueError(
            f"cannot compare segments by {segment!r}: the events have no such column; "
            f"their columns are: {known}"
        )
    candidates, notes = _candidates(journey, impacts)
    if not candidates:
        return OpportunityBacklog((), segment, min_customers, tuple(notes))
    cut_off = resolve_cut_off(events, observed_before)
    requests = [c.request for c in candidates]
    table = customer_table(
        events, journey, requests, customers=customers, segment=segment, cut_off=cut_off
    )
    counts = count(table, requests, segment=segment is not None)
    span = observation_span(events, cut_off)
    suggestions = []
    for index, candidate in enumerate(candidates):
        found = _suggestion(candidate, counts, str(index), segment, min_customers, span)
        if isinstance(found, str):
            notes.append(found)
        else:
            suggestions.append(found)
    ranked = _unique_ids(sorted(suggestions, key=lambda s: (-s.relative_gain, -s.gain, s.id)))
    accepted = {opportunity.id for opportunity in journey.opportunities}
    ranked = [replace(s, on_map=True) if s.id in accepted else s for s in ranked]
    return OpportunityBacklog(tuple(ranked), segment, min_customers, tuple(notes))


# -- which impacts become suggestions ---------------------------------------------------


@dataclass(frozen=True)
class _Candidate:
    """A significant impact worth a suggestion, with the map objects it names."""

    impact: SignalImpact
    direction: Direction
    stage: Stage
    touchpoint: Touchpoint
    signal: ExperienceSignal
    outcome: Outcome

    @property
    def request(self) -> CountRequest:
        """What the engine counts for it."""
        return CountRequest(self.touchpoint, self.signal, self.outcome.id)


def _candidates(journey: Journey, impacts: MomentImpacts) -> tuple[list[_Candidate], list[str]]:
    places = {tp.id: (stage, tp) for stage, tp in journey.touchpoints()}
    outcomes = {outcome.id: outcome for outcome in journey.outcomes}
    chosen, notes = [], []
    for impact in impacts.ranked():
        if not impact.significant or impact.touchpoint not in places:
            continue
        stage, touchpoint = places[impact.touchpoint]
        signal = next((s for s in touchpoint.signals if s.id == impact.signal), None)
        if signal is None or impact.outcome not in outcomes:
            continue
        direction = _direction(impact, touchpoint)
        if direction is None:
            if impact.favourable is False:
                notes.append(
                    f"{impact.column} on {impact.outcome}: the map calls {touchpoint.id} "
                    f"a {touchpoint.moment.value.replace('_', ' ')}, so having it is not "
                    "something to cut; not suggested"
                )
            continue
        if _per_customer(impact, outcomes[impact.outcome], direction) <= 0:
            notes.append(
                f"{impact.column} on {impact.outcome}: the raw difference disagrees with the "
                "adjusted effect, so no gain can be stated; not suggested"
            )
            continue
        chosen.append(_Candidate(impact, direction, stage, touchpoint, signal,
                                 outcomes[impact.outcome]))  # fmt: skip
    return chosen, notes


def _direction(impact: SignalImpact, touchpoint: Touchpoint) -> Direction | None:
    """Fix an unfavourable signal, spread a favourable one most customers miss.

    Where the data cannot tell cause from consequence, the map's word counts: having a
    touchpoint the team calls a delighter or hygiene factor (a delivered parcel) is never
    something to cut, and a pain point (a failed payment) never something to spread; such
    "effects" mark busier or more recent customers.
    """
    if impact.favourable is False:
        wanted = (MomentKind.DELIGHTER, MomentKind.HYGIENE_FACTOR)
        plain = impact.kind is SignalKind.HAPPENED
        return None if plain and touchpoint.moment in wanted else "fix"
    spreadable = (
        impact.kind is SignalKind.HAPPENED
        and impact.reach_share < 0.5
        and touchpoint.moment is not MomentKind.PAIN_POINT
    )
    return "spread" if impact.favourable and spreadable else None


def _per_customer(impact: SignalImpact, outcome: Outcome, direction: Direction) -> float:
    """The outcome gained per customer spared the signal (fix) or given it (spread)."""
    c = impact.comparison
    if c.outcome_with is None or c.outcome_without is None:
        return 0.0
    change = (
        c.outcome_without - c.outcome_with
        if direction == "fix"
        else -(c.outcome_without - c.outcome_with)
    )
    return change if outcome.polarity is OutcomePolarity.POSITIVE else -change


# -- from counts to a suggestion ---------------------------------------------------------


def _suggestion(
    candidate: _Candidate,
    counts: Counts,
    part: str,
    segment: str | None,
    min_customers: int,
    span: tuple[dt.datetime, dt.datetime] | None,
) -> SuggestedOpportunity | str:
    """The suggestion, or a note saying why there is none."""
    impact, direction, mine = candidate.impact, candidate.direction, counts[part]
    concerned = mine["concerned"][None]
    measured = mine["measured"][None]
    if measured.customers == 0:
        return f"{impact.column} on {impact.outcome}: no measured customers; not suggested"
    per_customer = _per_customer(impact, candidate.outcome, direction)
    segments = groups(mine.get("segment", {}))
    weeks = complete(groups(mine.get("week", {})), candidate.signal, span)
    best_segment, gain_like_segment = benchmark(segments, direction, min_customers, per_customer)
    best_week, gain_like_week = benchmark(weeks, direction, min_customers, per_customer)
    if best_segment is None and best_week is None:
        where = f"no {segment} and no week" if segment else "no week"
        return (
            f"{impact.column} on {impact.outcome}: {where} with at least {min_customers} "
            "customers did clearly better; not suggested"
        )
    total = counts[f"outcome:{candidate.outcome.id}"]["total"][None].total
    affected = concerned.lived if direction == "fix" else concerned.customers - concerned.lived
    return SuggestedOpportunity(
        id=slugify(f"{candidate.touchpoint.id}-{candidate.signal.id}-{candidate.outcome.id}"),
        direction=direction,
        touchpoint=candidate.touchpoint.id,
        touchpoint_name=candidate.touchpoint.name,
        stage=candidate.stage.name,
        owner_team=candidate.touchpoint.owner_team,
        signal=candidate.signal.id,
        signal_name=candidate.signal.name,
        kind=candidate.signal.kind,
        outcome=candidate.outcome.id,
        outcome_name=candidate.outcome.name,
        numeric=candidate.outcome.value is not None,
        polarity=candidate.outcome.polarity,
        impact=impact,
        customers_concerned=concerned.customers,
        customers_affected=affected,
        customers=measured.customers,
        current_rate=judged_rate(mine, measured),
        narrowed=candidate.request.population == candidate.touchpoint.id,
        per_customer=per_customer,
        outcome_total=abs(total),
        segment=segment,
        best_segment=best_segment,
        worst_segment=worst(segments, direction, min_customers),
        best_week=best_week,
        worst_week=worst(weeks, direction, min_customers),
        gain_like_segment=gain_like_segment,
        gain_like_week=gain_like_week,
    )


def _unique_ids(suggestions: Sequence[SuggestedOpportunity]) -> list[SuggestedOpportunity]:
    """Ids are slugs cut at 64 characters; two long ones that collide get a number."""
    seen: set[str] = set()
    unique = []
    for suggestion in suggestions:
        new_id, number = suggestion.id, 2
        while new_id in seen:
            suffix = f"-{number}"
            new_id, number = suggestion.id[: 64 - len(suffix)] + suffix, number + 1
        seen.add(new_id)
        unique.append(suggestion if new_id == suggestion.id else replace(suggestion, id=new_id))
    return unique


def _percent(share: float) -> str:
    """``24%``, or ``4.5%`` below 10 %, so small rates do not round to nothing."""
    return f"{share * 100:.1f}%" if abs(share) < 0.1 else f"{share * 100:.0f}%"


def _rate(value: float | None) -> str:
    return "n/a" if value is None else _percent(value)


def _number(value: float | None) -> str:
    if value is None:
        return "n/a"
    return f"{value:.2g}" if abs(value) < 0.01 else f"{value:.2f}"
