"""The dashboard: every journey, grouped by persona (a separate map per persona)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from journeymap.web.pages import page
from journeymap.web.routes.dashboard_data import dashboard_staleness
from journeymap.web.security import Access, access, context_of, require_principal

router = APIRouter(include_in_schema=False)


@router.get("/")
@access(Access.PUBLIC)
def dashboard(request: Request) -> Response:
    # Public so that customers land on their review instead of a 404; guests log in.
    principal = require_principal(request)
    if principal.user.is_customer:
        return RedirectResponse(f"/review/{principal.user.journey_id}", status_code=303)
    workspace = context_of(request).workspace.load()
    groups = [(persona, workspace.journeys_of(persona.id)) for persona in workspace.personas]
    # Review dates always; data drift once its background job has run (never waited for).
    staleness = dashboard_staleness(request)
    return page(request, "dashboard.html", title="Journeys", workspace=workspace, groups=groups,
                staleness=staleness)  # fmt: skip
