"""Schemathesis against the OpenAPI document: whatever it sends, the API never fails with 5xx.

Requests come from an owner's write token, so every operation is reached past the gate;
ids are mostly made up, so most answers are 404 or 422, which is the point: malformed and
unexpected input must get a clear 4xx, never a crash. Derandomised, so CI is repeatable.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from web_helpers import PASSWORD

from journeymap.services import WorkspaceService
from journeymap.services.accounts import AccountsService
from journeymap.web import create_app


def _fuzzed_app() -> tuple[FastAPI, str]:
    """Made when the module is collected: schemathesis needs the schema to make the tests."""
    folder = tempfile.mkdtemp(prefix="journeymap-fuzz-")
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    directory = Path(folder) / "workspace"
    with WorkspaceService.init(directory, template="ecommerce", author="test") as service:
        accounts = AccountsService(service.store)
        owner = accounts.add_user("owner", PASSWORD, role="owner")
        token = accounts.issue_token(owner, name="fuzz", scope="write").secret
    return create_app(directory), token


APP, TOKEN = _fuzzed_app()
schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", APP)


@schema.parametrize()
@settings(
    max_examples=12,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_no_request_makes_the_api_fail(case: schemathesis.Case) -> None:
    case.call_and_validate(
        headers={"Authorization": f"Bearer {TOKEN}"}, checks=[not_a_server_error]
    )
