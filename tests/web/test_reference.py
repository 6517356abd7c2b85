"""The routes reference is generated from the app and committed; it must be up to date."""

from __future__ import annotations

from pathlib import Path

from fastapi.routing import APIRoute

from journeymap.web.reference import render_reference
from journeymap.web.routes import ROUTERS

REFERENCE = Path(__file__).parents[2] / "docs" / "reference" / "web-routes.md"


def test_the_committed_reference_is_up_to_date() -> None:
    assert REFERENCE.read_text(encoding="utf-8") == render_reference(), (
        "regenerate it: python -m journeymap.web.reference > docs/reference/web-routes.md"
    )


def test_every_api_route_says_what_it_is_for() -> None:
    undocumented = [
        f"{sorted(route.methods)} {route.path}"
        for router in ROUTERS
        for route in router.routes
        if isinstance(route, APIRoute)
        and route.path.startswith("/api/")
        and not (route.endpoint.__doc__ or "").strip()
    ]
    assert undocumented == []
