"""Logging in and out, and the customer's invitation link.

The login form is protected against cross-site posts by a double-submit token (a cookie
and a form field that must match), because there is no session yet to hold a CSRF token.
Failed logins are throttled per username and per client address
(:class:`journeymap.web.throttle.FailedLogins`); a wrong username and a wrong password get
the same answer in the same time.
"""

from __future__ import annotations

import hmac
import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from journeymap.services.accounts import AccountError
from journeymap.store.people import User
from journeymap.web.pages import page
from journeymap.web.security import (
    SESSION_COOKIE,
    Access,
    access,
    context_of,
    principal_of,
    require_principal,
)

router = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/v1", tags=["account"])

LOGIN_COOKIE = "journeymap_login"


def safe_next(target: str | None) -> str:
    """Only a path on this site (``/x``), never ``//evil.example`` or a full URL."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return "/"


def home_of(user: User) -> str:
    return f"/review/{user.journey_id}" if user.is_customer else "/"


def start_session(request: Request, user: User, target: str) -> Response:
    """Log ``user`` in: a new session id every time (no fixation), cookie set, redirect."""
    context = context_of(request)
    old = request.cookies.get(SESSION_COOKIE)
    if old:
        context.accounts.end_session(old)
    started = context.accounts.start_session(user)
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        started.secret,
        httponly=True,
        secure=context.settings.secure_cookies,
        samesite="lax",
        path="/",
    )
    response.delete_cookie(LOGIN_COOKIE, path="/login")
    return response


def login_page(
    request: Request, *, next_path: str, error: str = "", username: str = "", status_code: int = 200
) -> HTMLResponse:
    token = secrets.token_urlsafe(24)
    response = page(
        request,
        "login.html",
        title="Log in",
        status_code=status_code,
        login_csrf=token,
        next=next_path,
        error=error,
        username=username,
    )
    response.set_cookie(
        LOGIN_COOKIE,
        token,
        httponly=True,
        secure=context_of(request).settings.secure_cookies,
        samesite="strict",
        path="/login",
    )
    return response


@router.get("/login")
@access(Access.PUBLIC)
def login_form(request: Request, next: str | None = None) -> Response:
    # Shown even to someone logged in: logging in again (or as someone else) replaces
    # the session, which is how people switch accounts on a shared machine.
    return login_page(request, next_path=safe_next(next))


@router.post("/login")
@access(Access.PUBLIC)
def login(
    request: Request,
    username: Annotated[str, Form(max_length=200)],
    password: Annotated[str, Form(max_length=1000)],
    login_csrf: Annotated[str, Form(max_length=200)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    context = context_of(request)
    target = safe_next(next)
    expected = request.cookies.get(LOGIN_COOKIE, "")
    if not expected or not hmac.compare_digest(expected, login_csrf):
        return login_page(
            request,
            next_path=target,
            username=username,
            error="The login form expired; please log in again.",
            status_code=403,
        )
    name = username.strip().lower()
    keys = (f"user:{name}", f"address:{request.client.host if request.client else '?'}")
    wait = context.failed_logins.retry_after(*keys)
    if wait:
        response = login_page(
            request,
            next_path=target,
            username=username,
            error=f"Too many failed logins. Try again in {wait} seconds.",
            status_code=429,
        )
        response.headers["Retry-After"] = str(wait)
        return response
    user = context.accounts.authenticate(name, password)
    if user is None:
        context.failed_logins.failed(*keys)
        return login_page(
            request,
            next_path=target,
            username=username,
            error="That username and password do not match an account.",
            status_code=401,
        )
    context.failed_logins.succeeded(keys[0])
    return start_session(request, user, target if target != "/" else home_of(user))


@router.post("/logout")
@access(Access.PUBLIC)
def logout(request: Request) -> Response:
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie and principal_of(request) is not None:
        context_of(request).accounts.end_session(cookie)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/invite/{secret}")
@access(Access.PUBLIC)
def invitation(request: Request, secret: str) -> Response:
    """The link's landing page; accepting is a POST, so link previews cannot use it up."""
    return page(request, "invitation.html", title="Welcome", secret=secret)


@router.post("/invite/{secret}")
@access(Access.PUBLIC)
def accept_invitation(request: Request, secret: str) -> Response:
    try:
        user = context_of(request).accounts.accept_invitation(secret)
    except AccountError as error:
        return page(
            request,
            "error.html",
            status_code=410,
            title="Link not valid",
            heading="This link is not valid any more",
            message=error.message,
            hint=error.hint,
        )
    return start_session(request, user, home_of(user))


@api.get("/me")
@access(Access.READ)
def me(request: Request) -> dict[str, object]:
    """Who the caller is: username, role, team and, for a token, its scope."""
    principal = require_principal(request)
    user = principal.user
    return {
        "username": user.username,
        "display_name": user.display_name,
        "role": user.role,
        "team_id": user.team_id,
        "token_scope": principal.token.scope if principal.token else None,
    }
