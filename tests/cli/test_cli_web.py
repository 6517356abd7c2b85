"""The web app's commands: accounts and tokens through the CLI, and `serve` for real."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from journeymap.cli.app import app
from journeymap.services import WorkspaceService
from journeymap.services.accounts import AccountsService

runner = CliRunner()
PASSWORD = "a long enough password"


def run(workspace: Path, *args: str, code: int = 0, stdin: str | None = None) -> str:
    result = runner.invoke(
        app, ["--workspace", str(workspace), *args], input=stdin, catch_exceptions=False
    )
    output = result.stdout + (result.stderr or "")
    assert result.exit_code == code, output
    return output


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    folder = tmp_path / "shop"
    run(folder, "init", "--template", "ecommerce")
    return folder


def add_owner(workspace: Path) -> None:
    run(
        workspace,
        "user",
        "add",
        "ada",
        "--role",
        "owner",
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )


def test_user_add_list_role_disable(workspace: Path) -> None:
    add_owner(workspace)
    run(
        workspace,
        "user",
        "add",
        "sam",
        "--role",
        "editor",
        "--team",
        "logistics",
        "--name",
        "Sam Tran",
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    users = json.loads(run(workspace, "user", "list", "--format", "json"))
    assert [(u["username"], u["role"], u["team"]) for u in users] == [
        ("ada", "owner", ""),
        ("sam", "editor", "logistics"),
    ]
    assert "last owner" in run(workspace, "user", "role", "ada", "viewer", code=1)
    run(workspace, "user", "role", "sam", "viewer")
    run(workspace, "user", "disable", "sam")
    users = json.loads(run(workspace, "user", "list", "--format", "json"))
    assert users[1]["role"] == "viewer"
    assert users[1]["status"] == "disabled"
    with WorkspaceService.open(workspace) as service:
        assert AccountsService(service.store).authenticate("sam", PASSWORD) is None
        assert AccountsService(service.store).authenticate("ada", PASSWORD) is not None


def test_user_add_refuses_bad_input_with_advice(workspace: Path) -> None:
    short = run(workspace, "user", "add", "ada", "--password-stdin", stdin="short\n", code=1)
    assert "at least 12 characters" in short
    team = run(
        workspace,
        "user",
        "add",
        "ada",
        "--team",
        "nope",
        "--password-stdin",
        stdin=PASSWORD + "\n",
        code=1,
    )
    assert "no team 'nope'" in team
    role = run(
        workspace,
        "user",
        "add",
        "ada",
        "--role",
        "god",
        "--password-stdin",
        stdin=PASSWORD + "\n",
        code=1,
    )
    assert "unknown role" in role
    run(workspace, "user", "add", "ada", "--password-stdin", stdin=PASSWORD + "\n")
    again = run(workspace, "user", "add", "ada", "--password-stdin", stdin=PASSWORD + "\n", code=1)
    assert "already a user called 'ada'" in again


def test_password_change_ends_sessions(workspace: Path) -> None:
    add_owner(workspace)
    with WorkspaceService.open(workspace) as service:
        accounts = AccountsService(service.store)
        user = accounts.authenticate("ada", PASSWORD)
        assert user is not None
        started = accounts.start_session(user)
    run(workspace, "user", "password", "ada", "--password-stdin", stdin="another long password\n")
    with WorkspaceService.open(workspace) as service:
        accounts = AccountsService(service.store)
        assert accounts.resolve_session(started.secret) is None
        assert accounts.authenticate("ada", "another long password") is not None


def test_token_add_list_revoke(workspace: Path) -> None:
    add_owner(workspace)
    output = run(workspace, "token", "add", "ada", "--name", "nightly", "--scope", "write")
    secret = output.strip().splitlines()[-1]
    assert secret.startswith("jm_")
    tokens = json.loads(run(workspace, "token", "list", "--format", "json"))
    assert [(t["user"], t["name"], t["scope"], t["status"]) for t in tokens] == [
        ("ada", "nightly", "write", "active")
    ]
    assert secret not in json.dumps(tokens)
    run(workspace, "token", "revoke", str(tokens[0]["id"]))
    assert "no active token" in run(workspace, "token", "revoke", str(tokens[0]["id"]), code=1)
    with WorkspaceService.open(workspace) as service:
        assert AccountsService(service.store).resolve_token(secret) is None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def test_serve_answers_on_loopback(workspace: Path, tmp_path: Path) -> None:
    add_owner(workspace)
    token = run(workspace, "token", "add", "ada", "--name", "t").strip().splitlines()[-1]
    port = _free_port()
    log = tmp_path / "serve.log"
    with log.open("wb") as sink:
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "journeymap",
                "serve",
                "-w",
                str(workspace),
                "--port",
                str(port),
            ],
            stdout=sink,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                answer = httpx.get(
                    f"http://127.0.0.1:{port}/api/v1/me",
                    headers={"Authorization": f"Bearer {token}"},
                )
                break
            except httpx.ConnectError:
                assert server.poll() is None, log.read_text()
                assert time.monotonic() < deadline, "journeymap serve did not start in 30 s"
                time.sleep(0.2)
        assert answer.status_code == 200
        assert answer.json()["username"] == "ada"
        login = httpx.get(f"http://127.0.0.1:{port}/login")
        assert "Log in" in login.text
    finally:
        server.terminate()
        server.wait(timeout=10)
