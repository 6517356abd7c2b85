"""Helpers shared by the web tests: the test users and logging in through the form.

A module of its own (not conftest.py) because every test folder has a conftest and
``from conftest import`` would pick whichever was imported first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from fastapi.testclient import TestClient

PASSWORD = "correct horse battery staple"
JOURNEY = "family-order"


@dataclass(frozen=True)
class Person:
    username: str
    role: str
    password: str = PASSWORD


STAFF = (Person("olive", "owner"), Person("eddie", "editor"), Person("vera", "viewer"))


def login(client: TestClient, username: str, password: str = PASSWORD) -> str:
    """Log ``client`` in through the form, as a browser does; the session's CSRF token."""
    form = client.get("/login")
    token = re.search(r'name="login_csrf" value="([^"]+)"', form.text)
    assert token, form.text
    answer = client.post(
        "/login",
        data={
            "username": username,
            "password": password,
            "login_csrf": token.group(1),
            "csrf_token": _session_csrf(form.text),
        },
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    return csrf_of(client)


def csrf_of(client: TestClient, path: str = "/account") -> str:
    """The CSRF token the pages of ``client``'s session carry."""
    page = client.get(path)
    found = re.search(r'<meta name="csrf-token" content="([^"]*)"', page.text)
    assert found, page.text
    return found.group(1)


def _session_csrf(html: str) -> str:
    found = re.search(r'<meta name="csrf-token" content="([^"]*)"', html)
    return found.group(1) if found else ""
