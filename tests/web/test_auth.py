"""Logging in and out, sessions, CSRF, throttling and API tokens, through HTTP."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from web_helpers import PASSWORD, csrf_of, login

from journeymap.services.accounts import digest
from journeymap.services.layout import WorkspaceLayout
from journeymap.store import Store
from journeymap.web import LoginThrottle, WebSettings, close_app, create_app
from journeymap.web.security import SESSION_COOKIE


def test_guests_are_sent_to_the_login_and_back(new_client: Callable[[], TestClient]) -> None:
    client = new_client()
    answer = client.get("/account", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/login?next=%2Faccount"
    assert client.get("/api/v1/me").status_code == 401


def test_login_makes_a_new_session_id_even_over_a_planted_one(
    new_client: Callable[[], TestClient],
) -> None:
    client = new_client()
    client.cookies.set(SESSION_COOKIE, "planted-by-an-attacker", domain="testserver.local")
    login(client, "olive")
    first = client.cookies[SESSION_COOKIE]
    assert first != "planted-by-an-attacker"
    login(client, "vera")
    assert client.cookies[SESSION_COOKIE] != first


def test_the_login_form_checks_its_own_token(new_client: Callable[[], TestClient]) -> None:
    client = new_client()
    client.get("/login")
    answer = client.post(
        "/login",
        data={"username": "olive", "password": PASSWORD, "login_csrf": "forged"},
        follow_redirects=False,
    )
    assert answer.status_code == 403
    assert SESSION_COOKIE not in client.cookies


def test_session_cookie_flags(new_client: Callable[[], TestClient]) -> None:
    client = new_client()
    form = client.get("/login")
    token = re.search(r'name="login_csrf" value="([^"]+)"', form.text)
    assert token
    answer = client.post(
        "/login",
        data={"username": "olive", "password": PASSWORD, "login_csrf": token.group(1)},
        follow_redirects=False,
    )
    header = next(h for h in answer.headers.get_list("set-cookie") if h.startswith(SESSION_COOKIE))
    flags = {part.strip().lower() for part in header.split(";")}
    assert {"httponly", "secure", "samesite=lax", "path=/"} <= flags


def test_the_old_session_id_stops_working_after_a_new_login(
    new_client: Callable[[], TestClient],
) -> None:
    client = new_client()
    login(client, "olive")
    old = client.cookies[SESSION_COOKIE]
    login(client, "olive")
    thief = new_client()
    thief.cookies.set(SESSION_COOKIE, old, domain="testserver.local")
    assert thief.get("/api/v1/me").status_code == 401


def test_wrong_password_and_unknown_user_get_the_same_answer(
    new_client: Callable[[], TestClient],
) -> None:
    client = new_client()
    answers = []
    for username in ("olive", "nobody"):
        form = client.get("/login")
        token = re.search(r'name="login_csrf" value="([^"]+)"', form.text)
        assert token
        answers.append(
            client.post(
                "/login",
                data={
                    "username": username,
                    "password": "wrong-password!",
                    "login_csrf": token.group(1),
                },
            )
        )
    assert [a.status_code for a in answers] == [401, 401]
    assert all("do not match an account" in a.text for a in answers)


def test_failed_logins_are_throttled(web_workspace: Path) -> None:
    settings = WebSettings(login_throttle=LoginThrottle(attempts=3, window=dt.timedelta(minutes=5)))
    app = create_app(web_workspace, settings=settings)
    with TestClient(app, base_url="https://testserver") as client:
        codes = []
        for password in ["bad-password-1"] * 3 + [PASSWORD]:
            form = client.get("/login")
            token = re.search(r'name="login_csrf" value="([^"]+)"', form.text)
            assert token
            answer = client.post(
                "/login",
                data={"username": "olive", "password": password, "login_csrf": token.group(1)},
                follow_redirects=False,
            )
            codes.append(answer.status_code)
        assert codes == [401, 401, 401, 429]
        assert int(answer.headers["retry-after"]) > 0
    close_app(app)


def test_logout_ends_the_session_on_the_server(new_client: Callable[[], TestClient]) -> None:
    client = new_client()
    csrf = login(client, "olive")
    cookie = client.cookies[SESSION_COOKIE]
    assert (
        client.post("/logout", data={"csrf_token": csrf}, follow_redirects=False).status_code == 303
    )
    replay = new_client()
    replay.cookies.set(SESSION_COOKIE, cookie, domain="testserver.local")
    assert replay.get("/api/v1/me").status_code == 401


def test_state_changes_need_the_csrf_token(new_client: Callable[[], TestClient]) -> None:
    client = new_client()
    csrf = login(client, "olive")
    without = client.post("/account/tokens", data={"name": "x", "scope": "read"})
    assert without.status_code == 403
    assert "security token" in without.text
    wrong = client.post("/account/tokens", data={"name": "x", "csrf_token": "nope"})
    assert wrong.status_code == 403
    right = client.post("/account/tokens", data={"name": "x", "csrf_token": csrf})
    assert right.status_code == 200
    header = client.post("/api/v1/tokens", json={"name": "y"}, headers={"X-CSRF-Token": csrf})
    assert header.status_code == 201


def test_sessions_time_out_when_idle(web_workspace: Path) -> None:
    now = [dt.datetime(2026, 1, 1, 9, tzinfo=dt.UTC)]
    app = create_app(web_workspace, clock=lambda: now[0])
    with TestClient(app, base_url="https://testserver") as client:
        login(client, "olive")
        now[0] += dt.timedelta(hours=1)
        assert client.get("/api/v1/me").status_code == 200
        now[0] += dt.timedelta(hours=2, minutes=1)
        assert client.get("/api/v1/me").status_code == 401
    close_app(app)


def test_sessions_end_at_the_absolute_timeout(web_workspace: Path) -> None:
    now = [dt.datetime(2026, 1, 1, 9, tzinfo=dt.UTC)]
    app = create_app(web_workspace, clock=lambda: now[0])
    with TestClient(app, base_url="https://testserver") as client:
        login(client, "olive")
        for _ in range(11):
            now[0] += dt.timedelta(hours=1, minutes=5)
            assert client.get("/api/v1/me").status_code == 200
        now[0] += dt.timedelta(hours=1)
        assert client.get("/api/v1/me").status_code == 401
    close_app(app)


def test_api_tokens_are_scoped_and_revocable(owner: TestClient, new_client) -> None:  # type: ignore[no-untyped-def]
    read = owner.post("/api/v1/tokens", json={"name": "reader", "scope": "read"}).json()
    write = owner.post("/api/v1/tokens", json={"name": "writer", "scope": "write"}).json()
    assert read["secret"].startswith("jm_")
    script = new_client()
    bearer = {"Authorization": f"Bearer {read['secret']}"}
    assert script.get("/api/v1/me", headers=bearer).json()["token_scope"] == "read"
    denied = script.post(
        "/api/v1/users",
        json={"username": "x", "password": "long enough pw", "role": "viewer"},
        headers=bearer,
    )
    assert denied.status_code == 403
    assert "read token" in denied.json()["detail"]
    allowed = script.post(
        "/api/v1/users",
        json={"username": "newbie", "password": "long enough pw", "role": "viewer"},
        headers={"Authorization": f"Bearer {write['secret']}"},
    )
    assert allowed.status_code == 201  # bearer requests need no CSRF token
    assert owner.delete(f"/api/v1/tokens/{read['id']}").json()["revoked"] is True
    assert script.get("/api/v1/me", headers=bearer).status_code == 401
    listed = owner.get("/api/v1/tokens").json()
    assert all("secret" not in token for token in listed)


def test_tokens_are_stored_hashed(owner: TestClient, web_workspace: Path) -> None:
    secret = owner.post("/api/v1/tokens", json={"name": "t"}).json()["secret"]
    files = b"".join(path.read_bytes() for path in web_workspace.glob("journeymap.db*"))
    assert secret.encode() not in files
    with Store.open(WorkspaceLayout(web_workspace).store_url()) as store:
        stored = store.people.token_by_hash(digest(secret))
    assert stored is not None
    assert stored.prefix == secret[:11]


def test_a_token_cannot_mint_tokens(owner: TestClient, new_client) -> None:  # type: ignore[no-untyped-def]
    secret = owner.post("/api/v1/tokens", json={"name": "w", "scope": "write"}).json()["secret"]
    script = new_client()
    answer = script.post(
        "/api/v1/tokens", json={"name": "child"}, headers={"Authorization": f"Bearer {secret}"}
    )
    assert answer.status_code == 403


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/", "/\\evil"])
def test_login_never_redirects_off_site(new_client: Callable[[], TestClient], target: str) -> None:
    client = new_client()
    form = client.get(f"/login?next={target}")
    token = re.search(r'name="login_csrf" value="([^"]+)"', form.text)
    assert token
    answer = client.post(
        "/login",
        data={
            "username": "olive",
            "password": PASSWORD,
            "login_csrf": token.group(1),
            "next": target,
        },
        follow_redirects=False,
    )
    assert answer.headers["location"] == "/"


def test_security_headers_on_every_answer(owner: TestClient) -> None:
    for path in ("/", "/login", "/api/v1/me", "/static/app.css"):
        headers = owner.get(path).headers
        assert "script-src 'self'" in headers["content-security-policy"]
        assert "unsafe-inline" not in headers["content-security-policy"]
        assert "frame-ancestors 'none'" in headers["content-security-policy"]
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "no-referrer"
        if not path.startswith("/static/"):
            assert headers["cache-control"] == "no-store"


def test_csrf_token_differs_per_session(new_client: Callable[[], TestClient]) -> None:
    one, two = new_client(), new_client()
    assert login(one, "olive") != login(two, "olive")
    assert csrf_of(one) == csrf_of(one)
