"""Data for the people who own the journey: each team's touchpoints (with the incidents that
touch them and the opportunities it owns), and whether each map has gone stale.

A map is stale when its review is due or the data drifted from it (event types no
touchpoint covers appeared since the last review). Drift reads the events, so it is found by
a background job and cached per journey version, data import and review; the dashboard shows
what is known and never waits for it. "Mark reviewed" restarts a journey's review clock.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field

from journeymap.moments.impact import MomentImpacts
from journeymap.services.analysis import AnalysisService
from journeymap.services.collaboration import (
    CollaborationService,
    DataDrift,
    Staleness,
    data_drift,
    review_baseline,
)
from journeymap.services.errors import JourneymapError
from journeymap.services.jobs import Progress
from journeymap.services.map_metrics import MeasurementKey, Started, file_stamp, has_events
from journeymap.services.poster_data import OBSERVATION_WINDOW
from journeymap.web.pages import page
from journeymap.web.routes.analytics_views import journey_scope
from journeymap.web.routes.jobs import measurement_key, measurements
from journeymap.web.routes.moment_views import IncidentOut, IncidentsOut, Measured
from journeymap.web.security import Access, access, context_of, require_principal

router = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/v1", tags=["analytics"])


class StalenessOut(BaseModel):
    """Whether a journey needs another look: its badge and the reasons."""

    journey_id: str
    badge: str = Field(description='"review due", "data drift: 3 new event types", "up to date".')
    stale: bool
    reasons: list[str]
    review_due: dt.date
    last_reviewed_at: dt.datetime | None
    review_every_days: int
    drift_checked: bool = Field(description="False while the drift job has not finished.")
    new_event_types: list[str]
    moments_changed: list[str] = Field(
        description="Touchpoints whose measured moment of truth disagrees with the map's kind."
    )


class ReviewIn(BaseModel):
    note: str = Field(default="", max_length=2000)


class ReviewOut(BaseModel):
    id: int
    journey_id: str
    reviewed_at: dt.datetime
    note: str


def collaboration(request: Request) -> CollaborationService:
    context = context_of(request)
    return CollaborationService(context.workspace.store, clock=context.clock)


def _impacts(analysis: AnalysisService, journey_id: str) -> MomentImpacts | None:
    """The moments measured as the moments page measures them, or ``None`` when the data
    cannot say (too little history for the window, no outcome observed)."""
    journey = analysis.journey_of(journey_id)
    try:
        return analysis.moment_impacts(
            journey_id,
            scope=journey_scope(analysis, journey, everyone=False),
            observed_before=OBSERVATION_WINDOW,
        )
    except JourneymapError:
        return None


def _drift(request: Request, journey_id: str) -> DataDrift | None:
    """The cached drift of a journey, starting its job when there is none (``None`` then)."""
    context = context_of(request)
    if file_stamp(context.workspace.layout.data_dir).startswith("-"):
        return DataDrift()  # no analytics database, so no events: nothing can have drifted
    since, _ = review_baseline(context.workspace.store, journey_id)
    try:
        key: MeasurementKey = measurement_key(request, "drift", journey_id, since.isoformat())
    except HTTPException:
        return None  # the database is busy: the badge shows the review date only

    def work(progress: Progress) -> tuple[object, Any]:
        with context.analysis() as analysis:
            if not has_events(analysis):
                found = DataDrift()
            else:
                progress(0.1, f"{journey_id}: moments of truth against the map")
                impacts = _impacts(analysis, journey_id)
                progress(0.8, f"{journey_id}: event types no touchpoint covers")
                found = data_drift(analysis, journey_id, since=since, impacts=impacts)
        return found, {
            "journey_id": journey_id,
            "unmatched_event_types": found.unmatched_event_types,
            "moments_changed": found.moments_changed,
        }

    user = require_principal(request).user
    found = measurements(request.app).measure(key, work, created_by=user.id)
    return None if isinstance(found, Started) else found  # type: ignore[return-value]


def staleness_of(request: Request, journey_id: str) -> StalenessOut:
    drift = _drift(request, journey_id)
    found: Staleness = collaboration(request).staleness(journey_id, drift=drift)
    overdue = context_of(request).clock().date() > found.review_due
    new = drift.unmatched_event_types if drift is not None else []
    moments = drift.moments_changed if drift is not None else []
    drifted = [f"{len(new)} new event type{'s' if len(new) != 1 else ''}"] if new else []
    if moments:
        drifted.append(f"{len(moments)} moment{'s' if len(moments) != 1 else ''} unlike the map")
    if overdue:
        badge = "review due"
    elif drifted:
        badge = "data drift: " + ", ".join(drifted)
    else:
        badge = "up to date"
    return StalenessOut(
        journey_id=journey_id, badge=badge, stale=found.stale, reasons=found.reasons,
        review_due=found.review_due, last_reviewed_at=found.last_reviewed_at,
        review_every_days=found.review_every_days, drift_checked=drift is not None,
        new_event_types=new, moments_changed=moments,
    )  # fmt: skip


def dashboard_staleness(request: Request) -> dict[str, StalenessOut]:
    """Every current journey's staleness, for the dashboard (``home.py``)."""
    journeys = context_of(request).workspace.load().journeys
    return {journey.id: staleness_of(request, journey.id) for journey in journeys}


@api.get("/staleness", response_model=list[StalenessOut])
@access(Access.READ)
def list_staleness(request: Request) -> list[StalenessOut]:
    """Every journey's staleness badge and reasons (drift once its job has run)."""
    return list(dashboard_staleness(request).values())


@api.get("/journeys/{journey_id}/staleness", response_model=StalenessOut)
@access(Access.READ)
def journey_staleness(request: Request, journey_id: str) -> StalenessOut:
    """One journey's staleness badge and reasons."""
    return staleness_of(request, journey_id)


@api.post("/journeys/{journey_id}/reviewed", response_model=ReviewOut, status_code=201)
@access(Access.COMMENT)
def mark_reviewed(request: Request, journey_id: str, body: ReviewIn | None = None) -> ReviewOut:
    """Say the whole journey was looked at and still holds: its review clock restarts."""
    user = require_principal(request).user
    review = collaboration(request).mark_reviewed(
        journey_id, user_id=user.id, note=(body or ReviewIn()).note
    )
    return ReviewOut(id=review.id, journey_id=review.journey_id, reviewed_at=review.reviewed_at,
                     note=review.note)  # fmt: skip


@router.post("/journeys/{journey_id}/reviewed")
@access(Access.COMMENT)
def mark_reviewed_page(
    request: Request, journey_id: str, note: Annotated[str, Form(max_length=2000)] = ""
) -> Response:
    user = require_principal(request).user
    collaboration(request).mark_reviewed(journey_id, user_id=user.id, note=note)
    return RedirectResponse("/", status_code=303)


# -- my touchpoints ------------------------------------------------------------------------


class OwnedTouchpointOut(BaseModel):
    journey_id: str
    journey_name: str
    stage_id: str
    stage_name: str
    touchpoint: str
    name: str
    channel: str
    moment: str = Field(description="delighter, hygiene_factor, pain_point or none (the map's).")
    opportunities: list[str] = Field(description="Titles of opportunities naming it.")
    incidents: list[IncidentOut] | None = Field(
        description="From the journey's last monitoring; null when it was never monitored."
    )
    monitor_url: str = Field(description="Where to run (or see) the journey's monitoring.")


class OwnedOpportunityOut(BaseModel):
    journey_id: str
    journey_name: str
    id: str
    title: str
    status: str


class TeamWorkOut(BaseModel):
    """What one team owns across every journey."""

    team_id: str
    team_name: str
    touchpoints: list[OwnedTouchpointOut]
    opportunities: list[OwnedOpportunityOut]


def _last_monitoring(request: Request, journey_id: str) -> IncidentsOut | None:
    latest = measurements(request.app).latest("monitor", journey_id)
    if latest is not None and isinstance(latest[1], Measured):
        view = latest[1].view
        return view if isinstance(view, IncidentsOut) else None
    for job in measurements(request.app).runner.recent(100):
        result = job.result
        done = job.kind == "monitor" and job.status == "done"
        if done and isinstance(result, dict) and result.get("journey_id") == journey_id:
            return IncidentsOut.model_validate(result)
    return None


def team_work(request: Request, team: str | None) -> TeamWorkOut:
    principal = require_principal(request)
    team_id = principal.user.team_id
    if team is not None and team != team_id:
        if principal.role != "owner":
            raise HTTPException(403, "only an owner may look at another team's touchpoints")
        team_id = team
    if team_id is None:
        raise HTTPException(
            404, "you belong to no team; an owner sets your team on the People page"
            + (" (owners: pass ?team=ID)" if principal.role == "owner" else ""),
        )  # fmt: skip
    work = collaboration(request).my_touchpoints(team_id)
    teams = {t.id: t.name for t in context_of(request).workspace.load().teams}
    monitored: dict[str, IncidentsOut | None] = {}
    touchpoints = []
    for owned in work.touchpoints:
        if owned.journey_id not in monitored:
            monitored[owned.journey_id] = _last_monitoring(request, owned.journey_id)
        last = monitored[owned.journey_id]
        touchpoints.append(
            OwnedTouchpointOut(
                journey_id=owned.journey_id, journey_name=owned.journey_name,
                stage_id=owned.stage_id, stage_name=owned.stage_name,
                touchpoint=owned.touchpoint.id, name=owned.touchpoint.name,
                channel=owned.touchpoint.channel.value, moment=owned.moment.value,
                opportunities=[o.title for o in owned.opportunities],
                incidents=None if last is None
                else [i for i in last.incidents if i.touchpoint == owned.touchpoint.id],
                monitor_url=f"/journeys/{owned.journey_id}/analytics/incidents",
            )
        )  # fmt: skip
    return TeamWorkOut(
        team_id=team_id, team_name=teams.get(team_id, team_id), touchpoints=touchpoints,
        opportunities=[
            OwnedOpportunityOut(journey_id=o.journey_id, journey_name=o.journey_name,
                                id=o.opportunity.id, title=o.opportunity.title,
                                status=o.opportunity.status.value)
            for o in work.opportunities
        ],
    )  # fmt: skip


@api.get("/my-touchpoints", response_model=TeamWorkOut)
@access(Access.READ)
def my_touchpoints(request: Request, team: str | None = None) -> TeamWorkOut:
    """Your team's touchpoints across journeys, their incidents and the team's opportunities."""
    return team_work(request, team)


@router.get("/my-touchpoints")
@access(Access.READ)
def my_touchpoints_page(request: Request, team: str | None = None) -> Response:
    principal = require_principal(request)
    teams = context_of(request).workspace.load().teams
    if principal.user.team_id is None and team is None:
        return page(request, "my_touchpoints.html", title="My touchpoints", work=None,
                    teams=teams)  # fmt: skip
    return page(request, "my_touchpoints.html", title="My touchpoints",
                work=team_work(request, team), teams=teams)  # fmt: skip
