"""The app's routers: pages (not in the OpenAPI document) and the JSON API (``/api/v1``).

Each module owns one area and exports ``router`` (pages) and/or ``api``; add a new module
here. Every endpoint declares its access with :func:`journeymap.web.security.access`.
"""

from __future__ import annotations

from fastapi import APIRouter

from journeymap.web.routes import auth, home, people

ROUTERS: tuple[APIRouter, ...] = (
    auth.router,
    auth.api,
    home.router,
    people.router,
    people.api,
)
