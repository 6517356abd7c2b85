"""Background jobs in the browser: what is measuring now, how far it got, what came out.

Long analyses (the map's numbers, moments of truth, monitoring) run as jobs of one
:class:`~journeymap.services.jobs.JobRunner` per app, so a request never waits a minute for
DuckDB: it starts the job and answers ``202`` with it, and the page polls
``GET /api/v1/jobs/{job_id}`` (``static/jobs.js``) until the job is done. The runner and the
:class:`~journeymap.services.map_metrics.MeasurementCache` of finished measurements live on
``app.state``, made on first use.

The analytics database is one DuckDB connection: :func:`analysis_or_busy` waits a little for
it and then answers ``503`` with ``Retry-After`` rather than holding a request for as long as
a job measures.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from fastapi import APIRouter, FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from journeymap.services.analysis import AnalysisService
from journeymap.services.jobs import JobRunner
from journeymap.services.map_metrics import (
    MeasurementCache,
    MeasurementKey,
    data_fingerprint,
    file_stamp,
)
from journeymap.store.collaboration import Job
from journeymap.web.pages import page
from journeymap.web.security import Access, access, context_of

router = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/v1", tags=["analytics"])

BUSY_WAIT_S = 10.0
"""How long a request waits for the analytics database before it answers 503."""
RETRY_AFTER_S = 5

_state_lock = threading.Lock()


def job_runner(app: FastAPI) -> JobRunner:
    """The app's job runner (made on first use; :func:`stop_jobs` ends it)."""
    with _state_lock:
        runner: JobRunner | None = getattr(app.state, "job_runner", None)
        if runner is None:
            context = app.state.context
            runner = JobRunner(context.workspace.store, clock=context.clock)
            app.state.job_runner = runner
        return runner


def measurements(app: FastAPI) -> MeasurementCache:
    """The app's cache of finished measurements (made on first use)."""
    runner = job_runner(app)
    with _state_lock:
        cache: MeasurementCache | None = getattr(app.state, "measurements", None)
        if cache is None:
            cache = MeasurementCache(runner)
            app.state.measurements = cache
        return cache


def stop_jobs(app: FastAPI, *, wait: bool = True) -> None:
    """Finish (``wait``) or drop the app's queued jobs; call before closing the context."""
    with _state_lock:
        runner: JobRunner | None = getattr(app.state, "job_runner", None)
        # Forget the stopped runner (and the cache that submits to it): an app that serves
        # again, as a test client re-entered does, starts a fresh one on first use.
        app.state.job_runner = None
        app.state.measurements = None
    if runner is not None:
        runner.shutdown(wait=wait)


@contextmanager
def analysis_or_busy(request: Request, *, wait: float = BUSY_WAIT_S) -> Iterator[AnalysisService]:
    """The analytics service for a quick analysis, or 503 while a job holds it too long."""
    context = context_of(request)
    if not context.analysis_lock.acquire(timeout=wait):
        raise HTTPException(
            503,
            "the analytics database is busy with a background measurement; try again shortly",
            headers={"Retry-After": str(RETRY_AFTER_S)},
        )
    try:
        with context.analysis() as analysis:
            yield analysis
    finally:
        context.analysis_lock.release()


def current_fingerprint(request: Request) -> str:
    """The imported data's fingerprint, checked only when the database files moved.

    While a job holds the database (and its cache writes move the files), the last
    fingerprint stands: imports go through this process too, and a job measuring is not
    one.
    """
    cache = measurements(request.app)
    stamp = file_stamp(context_of(request).workspace.layout.data_dir)
    known = cache.fingerprint(stamp)
    if known is not None:
        return known
    context = context_of(request)
    last = cache.last_fingerprint()
    if not context.analysis_lock.acquire(timeout=0.2 if last is not None else BUSY_WAIT_S):
        if last is not None:
            return last
        raise HTTPException(503, "the analytics database is busy; try again shortly",
                            headers={"Retry-After": str(RETRY_AFTER_S)})  # fmt: skip
    try:
        with context.analysis() as analysis:
            found = data_fingerprint(analysis)
            # Opening the database may create its file: stamp it after.
            cache.remember_fingerprint(file_stamp(context.workspace.layout.data_dir), found)
    finally:
        context.analysis_lock.release()
    return found


def measurement_key(
    request: Request, kind: str, journey_id: str, options: str = ""
) -> MeasurementKey:
    """The key of a measurement of a journey's head version on the data as it is now."""
    version = context_of(request).workspace.store.head(journey_id).number
    return MeasurementKey(kind, journey_id, version, current_fingerprint(request), options)


# -- the API -------------------------------------------------------------------------------


class JobOut(BaseModel):
    """A background job: what it is, how far it got, and how it ended."""

    id: str
    kind: str = Field(description="metrics, moments, monitor, drift, or another area's kind.")
    journey_id: str | None = Field(description="The journey it measures, where it measures one.")
    status: str = Field(description="queued, running, done or failed.")
    progress: float = Field(description="The share done, 0 to 1.")
    message: str
    error: str | None = Field(description="Why it failed, in words; null unless failed.")
    created_at: dt.datetime
    finished_at: dt.datetime | None
    url: str = Field(description="Where to poll it.")
    result: Any = Field(default=None, description="What it produced (JSON), once done.")

    @classmethod
    def of(cls, request: Request, job: Job, *, with_result: bool = True) -> JobOut:
        label = measurements(request.app).label(job.id)
        journey_id = label[0] if label else None
        if journey_id is None and isinstance(job.result, dict):
            found = job.result.get("journey_id")
            journey_id = found if isinstance(found, str) else None
        return cls(
            id=job.id,
            kind=job.kind,
            journey_id=journey_id,
            status=job.status,
            progress=job.progress,
            message=job.message,
            error=job.error,
            created_at=job.created_at,
            finished_at=job.finished_at,
            url=f"/api/v1/jobs/{job.id}",
            result=job.result if with_result else None,
        )


def accepted(request: Request, job: Job, body: BaseModel | None = None) -> JSONResponse:
    """``202 Accepted`` with the job (or ``body``, which names it) and where to poll it."""
    shown = body if body is not None else JobOut.of(request, job, with_result=False)
    return JSONResponse(
        shown.model_dump(mode="json"),
        status_code=202,
        headers={"Location": f"/api/v1/jobs/{job.id}", "Retry-After": "1"},
    )


@api.get("/jobs", response_model=list[JobOut])
@access(Access.READ)
def list_jobs(request: Request, limit: int = 20) -> list[JobOut]:
    """The latest background jobs, newest first (without their results)."""
    runner = job_runner(request.app)
    return [JobOut.of(request, job, with_result=False) for job in runner.recent(min(limit, 100))]


@api.get("/jobs/{job_id}", response_model=JobOut)
@access(Access.READ)
def get_job(request: Request, job_id: str) -> JobOut:
    """One job: poll it until ``status`` is ``done`` (see ``result``) or ``failed`` (``error``)."""
    return JobOut.of(request, job_runner(request.app).job(job_id))


# -- the page ------------------------------------------------------------------------------


@router.get("/jobs")
@access(Access.READ)
def jobs_page(request: Request) -> Response:
    jobs = [
        JobOut.of(request, job, with_result=False) for job in job_runner(request.app).recent(50)
    ]
    return page(request, "jobs.html", title="Jobs", jobs=jobs)
