"""The heavy views: moments of truth (model fits per outcome) and monitoring (a test per step
and period). Each runs as a background job; its page shows a progress bar until it is done.

The job keeps two things in the :class:`~journeymap.services.map_metrics.MeasurementCache`:
the view (the API's response model, also stored as the job's JSON result) and the result
its chart draws (``MomentImpacts``, the incidents), so the SVG route draws without measuring.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, Field

from journeymap.moments.impact import MomentImpacts
from journeymap.moments.journey_monitor import JourneyMonitoring
from journeymap.moments.monitor import Incident
from journeymap.services.errors import JourneymapError
from journeymap.services.jobs import Progress
from journeymap.services.map_metrics import NO_EVENTS_HINT, Work, has_events
from journeymap.services.poster_data import OBSERVATION_WINDOW
from journeymap.web.context import WebContext
from journeymap.web.routes.analytics_views import journey_scope, names_of

EXAMPLES = 5
"""Significant moments that get an example customer's path (each is one more query)."""
RANKED = 25


class MomentOut(BaseModel):
    """One signal tested against one outcome: its effect, interval, and what it makes of the
    touchpoint."""

    rank: int
    touchpoint: str
    touchpoint_name: str
    signal: str
    signal_kind: str
    outcome: str
    reach: int = Field(description="Customers who lived the signal.")
    reach_share: float
    outcome_with: float | None
    outcome_without: float | None
    effect: float | None = Field(description="Adjusted effect where the model fitted, else raw.")
    low: float | None = Field(description="95% interval of the effect.")
    high: float | None
    adjusted: bool
    q_value: float | None
    significant: bool
    kind: str = Field(
        description="What the data finds: delighter, hygiene_factor, pain_point, none."
    )
    on_map: str = Field(description="What the map says the touchpoint is.")
    note: str = Field(description="Where the data and the map disagree, in words.")
    example: str = Field(description="One customer's path around the moment (top ranks only).")


class MomentsOut(BaseModel):
    """The ranked moments of truth of a journey, observed before the last 45 days."""

    journey_id: str
    version: int
    measured: bool
    customers: int
    fdr: float
    outcomes: list[str] = Field(description="Outcomes with significant findings, most first.")
    moments: list[MomentOut]
    notes: list[str]
    hint: str = ""


class IncidentOut(BaseModel):
    touchpoint: str
    touchpoint_name: str
    kind: str = Field(description="conversion (a step dropped) or signal (a signal rose).")
    funnel: str | None
    signal: str | None
    step: int | None
    start: str
    end: str
    baseline_rate: float
    observed_rate: float
    customers_affected: int
    p_value: float
    open: bool


class IncidentsOut(BaseModel):
    """Drops in the journey's declared funnels and rises in its negative signals."""

    journey_id: str
    version: int
    measured: bool
    checked_until: dt.datetime | None
    incidents: list[IncidentOut]
    hint: str = ""


@dataclass(frozen=True)
class Measured:
    """What a heavy job leaves in the cache: the view, and the result its chart draws."""

    view: MomentsOut | IncidentsOut
    drawn: Any


def moments_work(context: WebContext, journey_id: str, version: int, *, everyone: bool) -> Work:
    """The job that ranks the journey's moments of truth (with example paths)."""

    def work(progress: Progress) -> tuple[object, Any]:
        with context.analysis() as analysis:
            if not has_events(analysis):
                view = MomentsOut(journey_id=journey_id, version=version, measured=False,
                                  customers=0, fdr=0.05, outcomes=[], moments=[],
                                  notes=["no events imported yet"], hint=NO_EVENTS_HINT)  # fmt: skip
                return Measured(view, None), view.model_dump(mode="json")
            journey = analysis.journey_of(journey_id)
            scope = journey_scope(analysis, journey, everyone=everyone)
            progress(0.1, f"{journey_id}: testing every signal against every outcome")
            impacts = analysis.moment_impacts(
                journey_id, scope=scope, observed_before=OBSERVATION_WINDOW
            )
            ranked = [i for i in impacts.ranked() if i.significant][:RANKED]
            examples: dict[str, str] = {}
            for n, impact in enumerate(ranked[:EXAMPLES]):
                progress(0.7 + 0.3 * n / EXAMPLES, f"{journey_id}: example paths")
                try:
                    found = analysis.moment_evidence(
                        journey_id, impact.column, outcome=impact.outcome, examples=1,
                        scope=scope, observed_before=OBSERVATION_WINDOW,
                    )  # fmt: skip
                except JourneymapError:
                    continue
                if found.examples:
                    examples[f"{impact.column}|{impact.outcome}"] = found.examples[0].text()
            view = _moments_view(journey_id, version, impacts, examples, names_of(journey))
        return Measured(view, impacts), view.model_dump(mode="json")

    return work


def _moments_view(
    journey_id: str,
    version: int,
    impacts: MomentImpacts,
    examples: dict[str, str],
    names: dict[str, str],
) -> MomentsOut:
    verdicts = {(v.touchpoint, v.outcome): v for v in impacts.verdicts}
    rows = []
    for rank, impact in enumerate([i for i in impacts.ranked() if i.significant][:RANKED], 1):
        c, a = impact.comparison, impact.adjusted
        verdict = verdicts.get((impact.touchpoint, impact.outcome))
        rows.append(
            MomentOut(
                rank=rank, touchpoint=impact.touchpoint,
                touchpoint_name=names.get(impact.touchpoint, impact.touchpoint),
                signal=impact.signal, signal_kind=impact.kind.value, outcome=impact.outcome,
                reach=c.with_signal, reach_share=impact.reach_share,
                outcome_with=c.outcome_with, outcome_without=c.outcome_without,
                effect=a.effect if a else c.effect, low=a.low if a else c.low,
                high=a.high if a else c.high, adjusted=a is not None, q_value=impact.q_value,
                significant=impact.significant,
                kind=verdict.found.value if verdict else "none",
                on_map=verdict.on_map.value if verdict else "none",
                note=verdict.note if verdict else "",
                example=examples.get(f"{impact.column}|{impact.outcome}", ""),
            )
        )  # fmt: skip
    counts: dict[str, int] = {}
    for impact in impacts.impacts:
        counts.setdefault(impact.outcome, 0)
        counts[impact.outcome] += impact.significant
    outcomes = [o for o in sorted(counts, key=lambda o: -counts[o]) if counts[o]]
    return MomentsOut(
        journey_id=journey_id, version=version, measured=True, customers=impacts.customers,
        fdr=impacts.fdr, outcomes=outcomes, moments=rows, notes=list(impacts.notes),
    )  # fmt: skip


def monitor_work(context: WebContext, journey_id: str, version: int, *, everyone: bool) -> Work:
    """The job that watches the journey's funnels and signals for incidents."""

    def work(progress: Progress) -> tuple[object, Any]:
        with context.analysis() as analysis:
            if not has_events(analysis):
                view = IncidentsOut(journey_id=journey_id, version=version, measured=False,
                                    checked_until=None, incidents=[], hint=NO_EVENTS_HINT)  # fmt: skip
                return Measured(view, ()), view.model_dump(mode="json")
            journey = analysis.journey_of(journey_id)
            scope = journey_scope(analysis, journey, everyone=everyone)
            progress(0.1, f"{journey_id}: testing each step and signal per period")
            monitoring = analysis.monitor(journey_id, scope=scope)
            view = incidents_view(journey_id, version, monitoring, names_of(journey))
        return Measured(view, monitoring.incidents), view.model_dump(mode="json")

    return work


def incidents_view(
    journey_id: str, version: int, monitoring: JourneyMonitoring, names: dict[str, str]
) -> IncidentsOut:
    return IncidentsOut(
        journey_id=journey_id,
        version=version,
        measured=True,
        checked_until=monitoring.checked_until,
        incidents=[incident_out(i, names) for i in monitoring.incidents],
    )


def incident_out(incident: Incident, names: dict[str, str]) -> IncidentOut:
    return IncidentOut(
        touchpoint=incident.name, touchpoint_name=names.get(incident.name, incident.name),
        kind=incident.kind, funnel=incident.funnel, signal=incident.signal, step=incident.step,
        start=str(incident.start), end=str(incident.end), baseline_rate=incident.baseline_rate,
        observed_rate=incident.observed_rate, customers_affected=incident.customers_affected,
        p_value=incident.p_value, open=incident.open,
    )  # fmt: skip
