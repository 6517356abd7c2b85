"""Fixtures for the web app: a workspace from a template, its app, and logged-in clients.

Clients talk to the app in process (Starlette's TestClient) over ``https://testserver`` so
that the session cookie, which is ``Secure``, is sent back as a browser would.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from web_helpers import STAFF, login

from journeymap.services import WorkspaceService
from journeymap.services.accounts import AccountsService
from journeymap.web import close_app, create_app


@pytest.fixture(scope="session")
def _workspace_original(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Made once (argon2 hashing is slow on purpose); each test gets its own copy."""
    directory = tmp_path_factory.mktemp("web-original") / "workspace"
    with WorkspaceService.init(directory, template="ecommerce", author="test") as service:
        accounts = AccountsService(service.store)
        teams = [team.id for team in service.load().teams]
        for person in STAFF:
            accounts.add_user(
                person.username,
                person.password,
                role=person.role,
                team_id=teams[0] if person.role == "editor" and teams else None,
            )
    return directory


@pytest.fixture
def web_workspace(_workspace_original: Path, tmp_path: Path) -> Path:
    """A workspace made from the e-commerce template, with an owner, an editor, a viewer."""
    directory = tmp_path / "workspace"
    shutil.copytree(_workspace_original, directory)
    return directory


@pytest.fixture
def web_app(web_workspace: Path) -> Iterator[FastAPI]:
    app = create_app(web_workspace)
    yield app
    close_app(app)


@pytest.fixture
def new_client(web_app: FastAPI) -> Iterator[Callable[[], TestClient]]:
    """Make as many independent clients (browsers) as a test needs."""
    clients: list[TestClient] = []

    def make() -> TestClient:
        client = TestClient(web_app, base_url="https://testserver")
        client.__enter__()
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.__exit__(None, None, None)


@pytest.fixture
def owner(new_client: Callable[[], TestClient]) -> TestClient:
    client = new_client()
    client.headers["X-CSRF-Token"] = login(client, "olive")
    return client
