"""The app's routers: pages (not in the OpenAPI document) and the JSON API (``/api/v1``).

Each module owns one area and exports ``router`` (pages) and/or ``api``; add a new module
here. Every endpoint declares its access with :func:`journeymap.web.security.access`.
"""

from __future__ import annotations

from fastapi import APIRouter

from journeymap.web.routes import (
    analytics,
    analytics_api,
    auth,
    dashboard_data,
    history,
    home,
    imports,
    item_evidence,
    item_feedback,
    items,
    jobs,
    journey_edits,
    journey_posters,
    journeys,
    journeys_api,
    people,
    review,
)

ROUTERS: tuple[APIRouter, ...] = (
    auth.router,
    auth.api,
    home.router,
    people.router,
    people.api,
    review.router,
    review.api,
    items.router,
    items.api,
    item_evidence.router,
    item_evidence.api,
    item_feedback.router,
    item_feedback.api,
    journeys.router,
    journey_edits.router,
    journey_posters.router,
    journey_posters.api,
    journeys_api.api,
    history.router,
    history.api,
    analytics.router,
    analytics_api.api,
    jobs.router,
    jobs.api,
    dashboard_data.router,
    dashboard_data.api,
    imports.router,
    imports.api,
)
