"""The analytics pages of a journey: the map's numbers, funnel, paths, directly-follows graph,
moments of truth, incidents and customers' words, each beside its JSON twin in
:mod:`journeymap.web.routes.analytics_api` and drawing the same response model.

Charts are the report's charts (:mod:`journeymap.render.charts`) served as SVG files, shown
with ``<img src>`` so the page's content security policy holds (no inline styles or script
in the page). Pages of heavy analyses show the job's progress bar; ``static/jobs.js`` polls
the job and reloads the page when it is done, and without script a reload does the same.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from xml.sax.saxutils import escape

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from journeymap.render.charts import (
    dfg_chart,
    funnel_chart,
    impact_chart,
    incident_chart,
    sankey_chart,
)
from journeymap.render.scene import Scene
from journeymap.render.svg import to_svg
from journeymap.services.map_metrics import MapMetrics, Started
from journeymap.web.pages import page
from journeymap.web.routes.analytics_api import Heavy, metrics_out, start
from journeymap.web.routes.analytics_views import (
    feedback_quotes,
    funnel_people,
    measure_dfg,
    measure_funnel,
    measure_paths,
    names_of,
)
from journeymap.web.routes.jobs import JobOut, analysis_or_busy, measurement_key, measurements
from journeymap.web.routes.moment_views import Measured
from journeymap.web.security import Access, access, context_of

router = APIRouter(include_in_schema=False)

SVG = "image/svg+xml"


def _svg(make: Callable[[], Scene]) -> Response:
    """A chart as an SVG file; one with nothing to draw says so in the picture."""
    try:
        body = to_svg(make())
    except ValueError as error:
        body = _message_svg(str(error))
    return Response(body, media_type=SVG, headers={"Cache-Control": "private, max-age=60"})


def _message_svg(message: str) -> str:
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="640" height="60" viewBox="0 0 640 60">'
        f'<text x="10" y="35" font-family="sans-serif" font-size="14">{escape(message)}</text>'
        "</svg>"
    )


def _common(request: Request, journey_id: str, section: str) -> dict[str, Any]:
    journey = context_of(request).workspace.journey(journey_id)
    return {"journey": journey, "section": section, "names": names_of(journey)}


def _heavy(
    request: Request, journey_id: str, what: Heavy, template: str, title: str, everyone: bool
) -> Response:
    found = start(request, journey_id, what, everyone=everyone)
    common = _common(request, journey_id, what)
    if isinstance(found, Started):
        job = JobOut.of(request, found.job, with_result=False)
        return page(request, template, title=title, job=job, view=None, everyone=everyone,
                    **common)  # fmt: skip
    assert isinstance(found, Measured)
    view = found.view
    return page(request, template, title=title, job=None, view=view, everyone=everyone, **common)


# -- overview and the map's numbers ---------------------------------------------------------


@router.get("/journeys/{journey_id}/analytics")
@access(Access.READ)
def overview_page(request: Request, journey_id: str) -> Response:
    found = start(request, journey_id, "metrics")
    common = _common(request, journey_id, "overview")
    if isinstance(found, Started):
        job = JobOut.of(request, found.job, with_result=False)
        return page(request, "analytics_overview.html", title="Analytics", job=job, metrics=None,
                    **common)  # fmt: skip
    assert isinstance(found, MapMetrics)
    return page(request, "analytics_overview.html", title="Analytics", job=None,
                metrics=metrics_out(found), **common)  # fmt: skip


@router.post("/journeys/{journey_id}/analyze")
@access(Access.EDIT)
def analyze_page(request: Request, journey_id: str) -> Response:
    start(request, journey_id, "metrics", again=True)
    return RedirectResponse(f"/journeys/{journey_id}/analytics", status_code=303)


# -- quick views --------------------------------------------------------------------------


@router.get("/journeys/{journey_id}/analytics/funnel")
@access(Access.READ)
def funnel_page(
    request: Request, journey_id: str, funnel: str | None = None, everyone: bool = False
) -> Response:
    with analysis_or_busy(request) as analysis:
        view, _ = measure_funnel(analysis, journey_id, funnel, everyone=everyone)
    return page(request, "analytics_funnel.html", title="Funnel", view=view,
                **_common(request, journey_id, "funnel"))  # fmt: skip


@router.get("/journeys/{journey_id}/analytics/funnel.svg")
@access(Access.READ)
def funnel_svg(
    request: Request, journey_id: str, funnel: str | None = None, everyone: bool = False
) -> Response:
    with analysis_or_busy(request) as analysis:
        view, result = measure_funnel(analysis, journey_id, funnel, everyone=everyone)
    return _svg(lambda: funnel_chart(result, title=f"Funnel: {view.name}"))


@router.get("/journeys/{journey_id}/analytics/funnel/customers")
@access(Access.READ)
def funnel_customers_page(
    request: Request,
    journey_id: str,
    step: int,
    funnel: str | None = None,
    dropped: bool = False,
    everyone: bool = False,
) -> Response:
    with analysis_or_busy(request) as analysis:
        view = funnel_people(analysis, journey_id, funnel, step, dropped=dropped, everyone=everyone)
    return page(request, "analytics_funnel_customers.html", title="Customers", view=view,
                **_common(request, journey_id, "funnel"))  # fmt: skip


@router.get("/journeys/{journey_id}/analytics/paths")
@access(Access.READ)
def paths_page(
    request: Request,
    journey_id: str,
    start: str | None = None,
    steps: int = 4,
    everyone: bool = False,
) -> Response:
    with analysis_or_busy(request) as analysis:
        view, _ = measure_paths(
            analysis, journey_id, start, max(1, min(steps, 8)), everyone=everyone
        )
    return page(request, "analytics_paths.html", title="Paths", view=view,
                **_common(request, journey_id, "paths"))  # fmt: skip


@router.get("/journeys/{journey_id}/analytics/paths.svg")
@access(Access.READ)
def paths_svg(
    request: Request,
    journey_id: str,
    start: str | None = None,
    steps: int = 4,
    everyone: bool = False,
) -> Response:
    with analysis_or_busy(request) as analysis:
        _, flows = measure_paths(
            analysis, journey_id, start, max(1, min(steps, 8)), everyone=everyone
        )
    return _svg(lambda: sankey_chart(flows))


@router.get("/journeys/{journey_id}/analytics/dfg")
@access(Access.READ)
def dfg_page(
    request: Request, journey_id: str, by_touchpoint: bool = True, everyone: bool = False
) -> Response:
    with analysis_or_busy(request) as analysis:
        view, _ = measure_dfg(analysis, journey_id, by_touchpoint=by_touchpoint, everyone=everyone)
    return page(request, "analytics_dfg.html", title="Process map", view=view,
                **_common(request, journey_id, "dfg"))  # fmt: skip


@router.get("/journeys/{journey_id}/analytics/dfg.svg")
@access(Access.READ)
def dfg_svg(
    request: Request, journey_id: str, by_touchpoint: bool = True, everyone: bool = False
) -> Response:
    with analysis_or_busy(request) as analysis:
        _, graph = measure_dfg(analysis, journey_id, by_touchpoint=by_touchpoint, everyone=everyone)
    return _svg(lambda: dfg_chart(graph, show_median=True, max_edges=30))


@router.get("/journeys/{journey_id}/analytics/feedback")
@access(Access.READ)
def feedback_page(request: Request, journey_id: str, everyone: bool = False) -> Response:
    with analysis_or_busy(request) as analysis:
        view = feedback_quotes(analysis, journey_id, everyone=everyone)
    return page(request, "analytics_feedback.html", title="Customers' words", view=view,
                **_common(request, journey_id, "feedback"))  # fmt: skip


# -- heavy views (background jobs) ------------------------------------------------------------


@router.get("/journeys/{journey_id}/analytics/moments")
@access(Access.READ)
def moments_page(request: Request, journey_id: str, everyone: bool = False) -> Response:
    return _heavy(request, journey_id, "moments", "analytics_moments.html", "Moments of truth",
                  everyone)  # fmt: skip


@router.get("/journeys/{journey_id}/analytics/incidents")
@access(Access.READ)
def incidents_page(request: Request, journey_id: str, everyone: bool = False) -> Response:
    return _heavy(request, journey_id, "monitor", "analytics_incidents.html", "Incidents",
                  everyone)  # fmt: skip


@router.post("/journeys/{journey_id}/analytics/{what}/run")
@access(Access.EDIT)
def run_again_page(request: Request, journey_id: str, what: Heavy) -> Response:
    start(request, journey_id, what, again=True)
    target = {"metrics": "", "moments": "/moments", "monitor": "/incidents"}[what]
    return RedirectResponse(f"/journeys/{journey_id}/analytics{target}", status_code=303)


def _drawn(request: Request, journey_id: str, what: Heavy, everyone: bool) -> Any:
    """What a finished heavy job left for its chart (``None`` when it has not finished)."""
    key = measurement_key(request, what, journey_id, "everyone" if everyone else "")
    found = measurements(request.app).get(key)
    return found.drawn if isinstance(found, Measured) else None


@router.get("/journeys/{journey_id}/analytics/moments.svg")
@access(Access.READ)
def moments_svg(
    request: Request, journey_id: str, outcome: str | None = None, everyone: bool = False
) -> Response:
    impacts = _drawn(request, journey_id, "moments", everyone)
    if impacts is None:
        return _svg(_not_measured("the moments of truth"))
    return _svg(lambda: impact_chart(impacts, outcome=outcome, top=12))


@router.get("/journeys/{journey_id}/analytics/incidents.svg")
@access(Access.READ)
def incidents_svg(request: Request, journey_id: str, everyone: bool = False) -> Response:
    found = _drawn(request, journey_id, "monitor", everyone)
    if found is None:
        return _svg(_not_measured("the incidents"))
    return _svg(lambda: incident_chart(found))


def _not_measured(what: str) -> Callable[[], Scene]:
    def fail() -> Scene:
        raise ValueError(f"{what} are being measured; reload the page when the job is done")

    return fail
