"""Who is asking and may they: one authorisation dependency in front of every route.

Deny by default. Every endpoint declares what it needs with :func:`access`; the app-wide
dependency :func:`authorize` refuses any endpoint that declares nothing, so a route added
without thought is closed, not open. It also makes the per-object check that matters most
here: a customer may reach only the journey they were invited to, so any route whose path
names another journey answers 404 (not 403: a customer must not learn which journeys exist).

Credentials: a session cookie (browsers) or ``Authorization: Bearer jm_…`` (scripts). State
changes made with a cookie must carry the session's CSRF token (form field ``csrf_token``
or header ``X-CSRF-Token``), which htmx-style requests send as a header; bearer requests
carry no ambient authority and need none.
"""

from __future__ import annotations

import enum
import hmac
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from fastapi import HTTPException, Request, status

from journeymap.store.people import ApiToken, SessionRecord, User
from journeymap.web.context import WebContext

SESSION_COOKIE = "journeymap_session"
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

Endpoint = TypeVar("Endpoint", bound=Callable[..., Any])


class Access(enum.Enum):
    """What an endpoint needs; the roles each level admits are in :data:`ADMITS`."""

    PUBLIC = "public"  # login, static files, the invitation link
    CUSTOMER = "customer"  # the customer's review of their journey (owners may preview)
    READ = "read"  # staff reads: owner, editor, viewer
    COMMENT = "comment"  # staff talk: comments, review marks (viewers too)
    EDIT = "edit"  # changing maps and evidence: owner, editor
    OWNER = "owner"  # people, invitations, tokens of others, restores


ADMITS: dict[Access, frozenset[str]] = {
    Access.PUBLIC: frozenset({"owner", "editor", "viewer", "customer"}),
    Access.CUSTOMER: frozenset({"owner", "customer"}),
    Access.READ: frozenset({"owner", "editor", "viewer"}),
    Access.COMMENT: frozenset({"owner", "editor", "viewer"}),
    Access.EDIT: frozenset({"owner", "editor"}),
    Access.OWNER: frozenset({"owner"}),
}

READ_SCOPE_ALLOWS = frozenset({Access.PUBLIC, Access.READ})
"""A ``read`` token may call only these; a ``write`` token whatever its user's role may."""

_ACCESS_ATTRIBUTE = "__journeymap_access__"


def access(level: Access) -> Callable[[Endpoint], Endpoint]:
    """Declare what an endpoint needs (put it under the route decorator)."""

    def declare(endpoint: Endpoint) -> Endpoint:
        setattr(endpoint, _ACCESS_ATTRIBUTE, level)
        return endpoint

    return declare


def declared_access(endpoint: Callable[..., Any]) -> Access | None:
    level = getattr(endpoint, _ACCESS_ATTRIBUTE, None)
    return level if isinstance(level, Access) else None


@dataclass(frozen=True, slots=True)
class Principal:
    """The authenticated caller: a user through a session or through an API token."""

    user: User
    session: SessionRecord | None = None
    token: ApiToken | None = None

    @property
    def role(self) -> str:
        return self.user.role

    @property
    def csrf_token(self) -> str:
        return self.session.csrf_token if self.session else ""

    def may(self, level: Access) -> bool:
        if self.user.role not in ADMITS[level]:
            return False
        return not (
            self.token is not None and self.token.scope == "read" and level not in READ_SCOPE_ALLOWS
        )

    def may_see_journey(self, journey_id: str) -> bool:
        return not self.user.is_customer or self.user.journey_id == journey_id


class NotAuthenticatedError(Exception):
    """No valid credential: pages redirect to the login, the API answers 401."""


def context_of(request: Request) -> WebContext:
    context: WebContext = request.app.state.context
    return context


def principal_of(request: Request) -> Principal | None:
    """The caller, as :func:`authorize` found them (``None`` on public routes for guests)."""
    found: Principal | None = getattr(request.state, "principal", None)
    return found


def require_principal(request: Request) -> Principal:
    """The caller of a non-public route (always set once :func:`authorize` let it through)."""
    principal = principal_of(request)
    if principal is None:
        raise NotAuthenticatedError
    return principal


def _identify(request: Request, context: WebContext) -> Principal | None:
    authorization = request.headers.get("authorization", "")
    if authorization:
        scheme, _, secret = authorization.partition(" ")
        if scheme.lower() != "bearer" or not secret.strip():
            raise HTTPException(
                status.HTTP_401_UNAUTHORIZED,
                "use Authorization: Bearer <token>",
                headers={"WWW-Authenticate": "Bearer"},
            )
        found = context.accounts.resolve_token(secret.strip())
        if found is None:
            raise HTTPException(
                status.HTTP_401_UNAUTHORIZED,
                "this API token is unknown, expired or revoked",
                headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
            )
        user, token = found
        return Principal(user=user, token=token)
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        active = context.accounts.resolve_session(cookie)
        if active is not None:
            return Principal(user=active.user, session=active.record)
    return None


async def _check_csrf(request: Request, principal: Principal) -> None:
    if request.method in SAFE_METHODS or principal.session is None:
        return
    sent = request.headers.get(CSRF_HEADER, "")
    if not sent and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()  # Starlette caches it: the endpoint reads it again
        value = form.get(CSRF_FIELD)
        sent = value if isinstance(value, str) else ""
    if not sent or not hmac.compare_digest(sent, principal.session.csrf_token):
        raise HTTPException(
            status.HTTP_403_FORBIDDEN,
            "the form's security token is missing or stale; reload the page and try again",
        )


async def authorize(request: Request) -> None:
    """The one gate: identify the caller, check the endpoint's declared access and the object."""
    endpoint = request.scope.get("endpoint")
    level = declared_access(endpoint) if endpoint is not None else None
    if level is None:
        # Deny by default: an endpoint that declares nothing is not reachable.
        raise HTTPException(status.HTTP_404_NOT_FOUND, "not found")
    context = context_of(request)
    principal = _identify(request, context)
    request.state.principal = principal
    if level is Access.PUBLIC:
        if principal is not None:
            await _check_csrf(request, principal)
        return
    if principal is None:
        raise NotAuthenticatedError
    journey_id = request.path_params.get("journey_id")
    if isinstance(journey_id, str) and not principal.may_see_journey(journey_id):
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no journey {journey_id!r}")
    if not principal.may(level):
        if principal.user.is_customer:
            raise HTTPException(status.HTTP_404_NOT_FOUND, "not found")
        raise HTTPException(
            status.HTTP_403_FORBIDDEN,
            f"your role ({principal.role}"
            + (f", {principal.token.scope} token" if principal.token else "")
            + f") may not do this; it needs {level.value} access",
        )
    await _check_csrf(request, principal)
