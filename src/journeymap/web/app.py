"""The web app: ``create_app(workspace_dir)`` gives the ASGI app ``journeymap serve`` runs.

Pages are rendered on the server and work without JavaScript; ``static/app.js`` adds
drag-and-drop, in-place saves and live progress on top (progressive enhancement). The same
operations are a JSON API under ``/api/v1`` with an OpenAPI document at
``/api/v1/openapi.json``. Every route passes :func:`journeymap.web.security.authorize`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import Depends, FastAPI, Request, Response
from fastapi.staticfiles import StaticFiles

from journeymap import __version__
from journeymap.services.accounts import now_utc
from journeymap.web.context import WebContext
from journeymap.web.errors import install_error_handlers
from journeymap.web.pages import STATIC
from journeymap.web.routes import ROUTERS
from journeymap.web.routes.jobs import stop_jobs
from journeymap.web.security import authorize
from journeymap.web.settings import WebSettings

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
    )
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    # Invitation links carry their secret in the path: never send it on as a referrer.
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


def close_app(app: FastAPI) -> None:
    """Stop the app's background jobs, then release its store and analytics database.

    Jobs first: one still measuring would otherwise reopen the analytics database. Safe to
    call more than once (the server's shutdown calls it; tests call it themselves).
    """
    stop_jobs(app)
    app.state.context.close()


def create_app(
    directory: Path,
    *,
    settings: WebSettings | None = None,
    clock: Callable[[], dt.datetime] = now_utc,
) -> FastAPI:
    """The web app over the workspace in ``directory`` (opened now, closed on shutdown)."""
    context = WebContext.open(directory, settings=settings, clock=clock)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        close_app(app)

    app = FastAPI(
        title="journeymap",
        version=__version__,
        summary="Customer journey maps built by the whole company, validated by customers.",
        openapi_url="/api/v1/openapi.json",
        # Swagger UI and ReDoc load their scripts from a CDN, which the CSP (and the promise
        # of no network at run time) rules out; the OpenAPI document is the reference.
        docs_url=None,
        redoc_url=None,
        dependencies=[Depends(authorize)],
        lifespan=lifespan,
    )
    app.state.context = context

    @app.middleware("http")
    async def security_headers(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if not request.url.path.startswith("/static/"):
            # Maps, customers' words and tokens must not linger in shared or browser caches.
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    install_error_handlers(app)
    for router in ROUTERS:
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app
