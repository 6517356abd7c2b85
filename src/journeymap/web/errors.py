"""Errors become answers people can act on: a page for browsers, JSON for the API.

Every answer says what is wrong and, where we know, how to fix it. Tracebacks never reach a
browser: an unexpected error is logged with its traceback and answered with a short 500.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response

from journeymap.services.errors import JourneymapError
from journeymap.store import ConflictError, InvalidWorkspaceError, NotFoundError, StoreError
from journeymap.web.pages import page
from journeymap.web.security import NotAuthenticatedError

log = logging.getLogger("journeymap.web")

HEADINGS = {
    400: "That did not work",
    401: "Please log in",
    403: "Not allowed",
    404: "Not found",
    409: "Someone else changed this meanwhile",
    422: "Please check the input",
    429: "Too many attempts",
    500: "Something went wrong on our side",
}


def wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def answer(
    request: Request,
    status_code: int,
    message: str,
    *,
    hint: str = "",
    headers: Mapping[str, str] | None = None,
    extra: dict[str, Any] | None = None,
) -> Response:
    """The error answer in the shape the caller reads (JSON for ``/api``, else a page)."""
    if wants_json(request):
        body: dict[str, Any] = {"detail": message}
        if hint:
            body["hint"] = hint
        body.update(extra or {})
        return JSONResponse(body, status_code=status_code, headers=headers)
    response = page(
        request,
        "error.html",
        status_code=status_code,
        title=HEADINGS.get(status_code, "Error"),
        heading=HEADINGS.get(status_code, "Error"),
        message=message,
        hint=hint,
    )
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def install_error_handlers(app: FastAPI) -> None:
    """Map our errors to HTTP answers on ``app``."""

    @app.exception_handler(NotAuthenticatedError)
    async def not_authenticated(request: Request, _: NotAuthenticatedError) -> Response:
        if wants_json(request):
            return JSONResponse(
                {"detail": "log in or send Authorization: Bearer <token>"},
                status_code=401,
                headers={"WWW-Authenticate": "Bearer"},
            )
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, error: HTTPException) -> Response:
        return answer(request, error.status_code, str(error.detail), headers=error.headers)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, error: RequestValidationError) -> Response:
        problems = [
            {"where": ".".join(str(part) for part in problem["loc"]), "problem": problem["msg"]}
            for problem in error.errors()
        ]
        message = "; ".join(f"{p['where']}: {p['problem']}" for p in problems)
        return answer(request, 422, message, extra={"problems": problems})

    @app.exception_handler(InvalidWorkspaceError)
    async def invalid_map(request: Request, error: InvalidWorkspaceError) -> Response:
        return answer(request, 422, str(error))

    @app.exception_handler(NotFoundError)
    async def not_found(request: Request, error: NotFoundError) -> Response:
        return answer(request, 404, str(error))

    @app.exception_handler(ConflictError)
    async def conflict(request: Request, error: ConflictError) -> Response:
        return answer(
            request,
            409,
            str(error),
            hint="Your change was not saved and nothing was lost: reload to see theirs, "
            "then make yours again.",
        )

    @app.exception_handler(StoreError)
    async def store_error(request: Request, error: StoreError) -> Response:
        return answer(request, 400, str(error))

    @app.exception_handler(JourneymapError)
    async def user_error(request: Request, error: JourneymapError) -> Response:
        return answer(request, 400, error.message, hint=error.hint)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, error: Exception) -> Response:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return answer(request, 500, "an unexpected error happened; it has been logged")
