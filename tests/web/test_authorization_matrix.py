"""Every endpoint against every kind of caller: allowed, or refused with 401/403/404.

The matrix is derived from the app itself, so an endpoint added later is covered the day
it appears: each route's declared access level (``@access``) says which callers it admits,
and the test calls every route as each caller and checks the answer. Path parameters get
ids that do not exist (except the journey), so allowed calls change nothing that matters.
A customer is also sent to another journey's address, which must answer 404.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from web_helpers import JOURNEY, PASSWORD

from journeymap.services import WorkspaceService
from journeymap.services.accounts import AccountsService
from journeymap.store.people import User
from journeymap.web import close_app, create_app
from journeymap.web.routes import ROUTERS
from journeymap.web.security import (
    ADMITS,
    READ_SCOPE_ALLOWS,
    SESSION_COOKIE,
    Access,
    declared_access,
)

OTHER_JOURNEY = "other-journey"


@dataclass(frozen=True)
class Caller:
    name: str
    role: str | None  # None: a guest
    token_scope: str | None = None


CALLERS = (
    Caller("guest", None),
    Caller("customer", "customer"),
    Caller("viewer", "viewer"),
    Caller("editor", "editor"),
    Caller("owner", "owner"),
    Caller("owner read token", "owner", "read"),
    Caller("editor write token", "editor", "write"),
)

# Refusals that are the endpoint's own rule, on top of the gate's (each says why).
# (Not listed: e.g. "a token cannot mint tokens" is refused only after the body is checked,
# so the empty bodies sent here meet the 422 first; tests/web/test_auth.py covers it.)
OWN_REFUSALS: dict[tuple[str, str, str], str] = {
    # Owners may preview the customer's review, but only customers' answers count (403).
    ("POST", "/review/{journey_id}/items/{kind}/{item_id}", "owner"): "staff answers",
    ("PUT", "/api/v1/review/{journey_id}/items/{kind}/{item_id}", "owner"): "staff answers",
}


@dataclass
class World:
    app: FastAPI
    accounts: AccountsService
    users: dict[str, User]
    tokens: dict[str, str]


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    directory = tmp_path_factory.mktemp("matrix") / "workspace"
    with WorkspaceService.init(directory, template="ecommerce", author="test") as service:
        workspace = service.load()
        other = workspace.journey(JOURNEY).model_copy(update={"id": OTHER_JOURNEY})
        service.save_journey(other, base_version=None, author="test", message="second")
        accounts = AccountsService(service.store)
        users = {
            role: accounts.add_user(role, PASSWORD, role=role)
            for role in ("owner", "editor", "viewer")
        }
        invitation = accounts.invite(JOURNEY, name="Casey", by=users["owner"])
        users["customer"] = accounts.accept_invitation(invitation.secret)
        tokens = {
            "owner read token": accounts.issue_token(users["owner"], name="r", scope="read").secret,
            "editor write token": accounts.issue_token(
                users["editor"], name="w", scope="write"
            ).secret,
        }
    app = create_app(directory)
    yield World(app=app, accounts=app.state.context.accounts, users=users, tokens=tokens)
    close_app(app)


def routes() -> list[tuple[str, str, str]]:
    """(method, path, endpoint name) of every route of a freshly made app."""
    return [
        (method, route.path, route.name)
        for route in ROUTES
        for method in sorted(route.methods - {"HEAD"})
    ]


def _app_routes() -> list[APIRoute]:
    """Every endpoint the app serves: the routes of each router it includes."""
    found = [route for router in ROUTERS for route in router.routes]
    assert all(isinstance(route, APIRoute) for route in found), "nested routers: walk them"
    return [route for route in found if isinstance(route, APIRoute)]


ROUTES = _app_routes()
BY_KEY = {(m, r.path): r for r in ROUTES for m in r.methods}


def fill_path(route: APIRoute, journey: str) -> str:
    parameters = inspect.signature(route.endpoint).parameters

    def value(match: re.Match[str]) -> str:
        name = match.group(1).split(":")[0]
        if name == "journey_id":
            return journey
        annotation = parameters[name].annotation if name in parameters else str
        if annotation in (int, "int"):
            return "999999"
        if name == "kind":
            return "touchpoint"
        return "no-such-thing"

    return re.sub(r"\{([^}]+)\}", value, route.path)


def call(world: World, caller: Caller, method: str, path: str) -> int:
    """``caller``'s answer; sessions are made directly (no argon2) and fresh for each call."""
    client = TestClient(world.app, base_url="https://testserver")
    headers: dict[str, str] = {}
    if caller.token_scope is not None:
        headers["Authorization"] = f"Bearer {world.tokens[caller.name]}"
    elif caller.role is not None:
        started = world.accounts.start_session(world.users[caller.role])
        client.cookies.set(SESSION_COOKIE, started.secret, domain="testserver.local")
        headers["X-CSRF-Token"] = started.record.csrf_token
    body: dict[str, object] = {}
    if method in ("POST", "PUT", "PATCH", "DELETE"):
        body = {"json": {}} if path.startswith("/api/") else {"data": {}}
    answer = client.request(method, path, headers=headers, follow_redirects=False, **body)  # type: ignore[arg-type]
    return answer.status_code


def admitted(caller: Caller, level: Access) -> bool:
    if caller.role is None:
        return level is Access.PUBLIC
    if caller.role not in ADMITS[level]:
        return False
    return not (caller.token_scope == "read" and level not in READ_SCOPE_ALLOWS)


def test_every_route_declares_its_access() -> None:
    undeclared = [r.path for r in ROUTES if declared_access(r.endpoint) is None]
    assert undeclared == []


def test_every_path_that_names_a_journey_calls_it_journey_id() -> None:
    suspicious = [r.path for r in ROUTES if "{journey}" in r.path or "{journey_name}" in r.path]
    assert suspicious == []


@pytest.mark.parametrize(("method", "path", "name"), routes())
def test_route_against_every_caller(world: World, method: str, path: str, name: str) -> None:
    route = BY_KEY[(method, path)]
    level = declared_access(route.endpoint)
    assert level is not None
    is_api = path.startswith("/api/")
    problems = []
    for caller in CALLERS:
        status = call(world, caller, method, fill_path(route, JOURNEY))
        if OWN_REFUSALS.get((method, path, caller.name)):
            expected_ok = False
        else:
            expected_ok = admitted(caller, level)
        if expected_ok:
            if status in (401, 403):
                problems.append(f"{caller.name}: {status}, expected to be let in")
        else:
            # Pages send guests to the login; the API answers 401.
            guest = {401} if is_api else {303}
            refused = guest if caller.role is None else {403, 404}
            if status not in refused:
                problems.append(f"{caller.name}: {status}, expected one of {sorted(refused)}")
        if caller.role == "customer" and "{journey_id}" in path:
            elsewhere = call(world, caller, method, fill_path(route, OTHER_JOURNEY))
            if elsewhere != 404:
                problems.append(f"customer on another journey: {elsewhere}, expected 404")
    assert problems == [], f"{method} {path} ({level.value}): " + "; ".join(problems)
