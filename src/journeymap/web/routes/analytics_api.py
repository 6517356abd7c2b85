"""The JSON API of the data on the map (``/api/v1``, tag ``analytics``): the map's numbers,
the analytics views and starting a measurement.

Quick views (funnel, paths, directly-follows graph, feedback) are measured in the request,
holding the analytics database only meanwhile. Heavy ones (the map's numbers, moments of
truth, monitoring) answer ``202 Accepted`` with the job measuring them until it is done,
then ``200`` with the result, cached per journey version and data import.
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from journeymap.services.jobs import Progress
from journeymap.services.map_metrics import (
    MapMetrics,
    MeasurementKey,
    Started,
    Work,
    measure_map,
)
from journeymap.web.routes.analytics_views import (
    DfgOut,
    FeedbackOut,
    FunnelCustomersOut,
    FunnelOut,
    PathsOut,
    feedback_quotes,
    funnel_people,
    measure_dfg,
    measure_funnel,
    measure_paths,
)
from journeymap.web.routes.jobs import (
    JobOut,
    accepted,
    analysis_or_busy,
    measurement_key,
    measurements,
)
from journeymap.web.routes.moment_views import (
    IncidentsOut,
    Measured,
    MomentsOut,
    moments_work,
    monitor_work,
)
from journeymap.web.security import Access, access, context_of, require_principal

api = APIRouter(prefix="/api/v1", tags=["analytics"])

Heavy = Literal["metrics", "moments", "monitor"]


class StageOut(BaseModel):
    customers: int
    base: int = Field(description="Customers measured: the persona's segment, or everyone.")
    share: float | None
    to_next: float | None = Field(description="Share who reached the next stage (0..1).")
    median_days_to_next: float | None
    nps: float | None
    nps_responses: int


class MomentMarkOut(BaseModel):
    touchpoint: str
    kind: str
    rank: int
    outcome: str
    summary: str
    on_map: str


class TouchpointOut(BaseModel):
    customers: int
    base: int
    share: float | None
    feedback_items: int
    mean_sentiment: float | None = Field(description="-1 to +1 over its assigned feedback.")
    moment: MomentMarkOut | None


class MetricsOut(BaseModel):
    """The numbers on the map: per stage and touchpoint of the journey's head version."""

    status: Literal["done"] = "done"
    journey_id: str
    version: int | None
    measured: bool = Field(description="False when there was nothing to measure (see hint).")
    customers: int | None
    period: list[str] | None
    stages: dict[str, StageOut]
    touchpoints: dict[str, TouchpointOut]
    moments: list[MomentMarkOut]
    notes: list[str]
    hint: str


class MeasuringOut(BaseModel):
    """Not measured yet: the job measuring it; poll ``job.url`` or ask again."""

    status: str = Field(description="queued, running or failed.")
    journey_id: str
    progress: float
    message: str
    error: str | None
    job: JobOut


class AnalyzeIn(BaseModel):
    what: Heavy = Field(default="metrics", description="metrics, moments or monitor.")
    everyone: bool = Field(default=False, description="All customers, not the persona's.")


class OverviewOut(BaseModel):
    """Where a journey's analytics are, and whether there is data to measure."""

    journey_id: str
    name: str
    funnels: list[str]
    links: dict[str, str]


def metrics_key(request: Request, journey_id: str) -> MeasurementKey:
    return measurement_key(request, "metrics", journey_id)


def start(
    request: Request, journey_id: str, what: Heavy, *, everyone: bool = False, again: bool = False
) -> object | Started:
    """The cached measurement, or the job measuring it (started when none is)."""
    context = context_of(request)
    options = "everyone" if everyone else ""
    key = measurement_key(request, what, journey_id, options)
    if what == "metrics":

        def work(progress: Progress) -> tuple[object, Any]:
            with context.analysis() as analysis:
                found = measure_map(analysis, journey_id, version=key.version, progress=progress)
            return found, found.to_json()

        job_work: Work = work
    elif what == "moments":
        job_work = moments_work(context, journey_id, key.version, everyone=everyone)
    else:
        job_work = monitor_work(context, journey_id, key.version, everyone=everyone)
    user = require_principal(request).user
    return measurements(request.app).measure(key, job_work, created_by=user.id, again=again)


def pending(request: Request, journey_id: str, started: Started) -> JSONResponse:
    """202 with the job, or (for a failed one) 500 with its message and how to retry."""
    job = JobOut.of(request, started.job, with_result=False)
    body = MeasuringOut(
        status=job.status, journey_id=journey_id, progress=job.progress, message=job.message,
        error=job.error, job=job,
    )  # fmt: skip
    if job.status == "failed":
        return JSONResponse(
            {
                "detail": f"measuring failed: {job.error}",
                "hint": f"Start it again: POST /api/v1/journeys/{journey_id}/analyze.",
                **body.model_dump(mode="json"),
            },
            status_code=500,
        )
    return accepted(request, started.job, body)


def metrics_out(metrics: MapMetrics) -> MetricsOut:
    return MetricsOut.model_validate(metrics.to_json())


@api.get(
    "/journeys/{journey_id}/metrics",
    response_model=MetricsOut,
    responses={202: {"model": MeasuringOut, "description": "Measuring: poll the job."}},
)
@access(Access.READ)
def metrics(request: Request, journey_id: str) -> MetricsOut | JSONResponse:
    """The numbers for each stage and touchpoint; ``202`` with the job while measuring."""
    found = start(request, journey_id, "metrics")
    if isinstance(found, Started):
        return pending(request, journey_id, found)
    assert isinstance(found, MapMetrics)
    return metrics_out(found)


@api.post("/journeys/{journey_id}/analyze", response_model=JobOut, status_code=202)
@access(Access.EDIT)
def analyze(request: Request, journey_id: str, body: AnalyzeIn | None = None) -> JSONResponse:
    """Measure again now (after an import, or to retry a failed job): ``202`` with the job."""
    chosen = body or AnalyzeIn()
    found = start(request, journey_id, chosen.what, everyone=chosen.everyone, again=True)
    assert isinstance(found, Started)
    return accepted(request, found.job)


@api.get("/journeys/{journey_id}/analytics", response_model=OverviewOut)
@access(Access.READ)
def overview(request: Request, journey_id: str) -> OverviewOut:
    """The journey's analytics views, by name."""
    journey = context_of(request).workspace.journey(journey_id)
    base = f"/api/v1/journeys/{journey_id}"
    return OverviewOut(
        journey_id=journey_id,
        name=journey.name,
        funnels=[f.id for f in journey.funnels],
        links={
            "metrics": f"{base}/metrics",
            **{name: f"{base}/analytics/{name}"
               for name in ("funnel", "paths", "dfg", "moments", "incidents", "feedback")},
        },
    )  # fmt: skip


@api.get("/journeys/{journey_id}/analytics/funnel", response_model=FunnelOut)
@access(Access.READ)
def funnel(
    request: Request, journey_id: str, funnel: str | None = None, everyone: bool = False
) -> FunnelOut:
    """A declared funnel (the first by default): customers, conversion and drop-off per step."""
    with analysis_or_busy(request) as analysis:
        return measure_funnel(analysis, journey_id, funnel, everyone=everyone)[0]


@api.get("/journeys/{journey_id}/analytics/funnel/customers", response_model=FunnelCustomersOut)
@access(Access.READ)
def funnel_customers(
    request: Request,
    journey_id: str,
    step: int,
    funnel: str | None = None,
    dropped: bool = False,
    everyone: bool = False,
) -> FunnelCustomersOut:
    """Who reached a step of the funnel, or (``dropped``) who stopped just before it."""
    with analysis_or_busy(request) as analysis:
        return funnel_people(analysis, journey_id, funnel, step, dropped=dropped, everyone=everyone)


@api.get("/journeys/{journey_id}/analytics/paths", response_model=PathsOut)
@access(Access.READ)
def paths(
    request: Request,
    journey_id: str,
    start: str | None = None,
    steps: int = 4,
    everyone: bool = False,
) -> PathsOut:
    """Flows from a touchpoint over the next ``steps`` touchpoints, and the top variants."""
    with analysis_or_busy(request) as analysis:
        return measure_paths(analysis, journey_id, start, max(1, min(steps, 8)), everyone=everyone)[
            0
        ]


@api.get("/journeys/{journey_id}/analytics/dfg", response_model=DfgOut)
@access(Access.READ)
def dfg(
    request: Request, journey_id: str, by_touchpoint: bool = True, everyone: bool = False
) -> DfgOut:
    """The directly-follows graph of touchpoints (or, ``by_touchpoint=false``, raw events)."""
    with analysis_or_busy(request) as analysis:
        return measure_dfg(analysis, journey_id, by_touchpoint=by_touchpoint, everyone=everyone)[0]


@api.get("/journeys/{journey_id}/analytics/feedback", response_model=FeedbackOut)
@access(Access.READ)
def feedback(request: Request, journey_id: str, everyone: bool = False) -> FeedbackOut:
    """Quotes assigned to the journey's touchpoints, the most negative first."""
    with analysis_or_busy(request) as analysis:
        return feedback_quotes(analysis, journey_id, everyone=everyone)


@api.get(
    "/journeys/{journey_id}/analytics/moments",
    response_model=MomentsOut,
    responses={202: {"model": MeasuringOut, "description": "Measuring: poll the job."}},
)
@access(Access.READ)
def moments(request: Request, journey_id: str, everyone: bool = False) -> MomentsOut | JSONResponse:
    """Moments of truth ranked by impact x reach, with intervals, kinds and example paths."""
    found = start(request, journey_id, "moments", everyone=everyone)
    if isinstance(found, Started):
        return pending(request, journey_id, found)
    assert isinstance(found, Measured)
    assert isinstance(found.view, MomentsOut)
    return found.view


@api.get(
    "/journeys/{journey_id}/analytics/incidents",
    response_model=IncidentsOut,
    responses={202: {"model": MeasuringOut, "description": "Measuring: poll the job."}},
)
@access(Access.READ)
def incidents(
    request: Request, journey_id: str, everyone: bool = False
) -> IncidentsOut | JSONResponse:
    """Incidents: drops in the declared funnels' steps and rises in negative signals."""
    found = start(request, journey_id, "monitor", everyone=everyone)
    if isinstance(found, Started):
        return pending(request, journey_id, found)
    assert isinstance(found, Measured)
    assert isinstance(found.view, IncidentsOut)
    return found.view
