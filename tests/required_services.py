"""Outside services a test needs: skip where missing, fail where CI demands them.

CI sets ``JOURNEYMAP_REQUIRE_SERVICES`` (comma-separated: ``postgresql,spark``); a developer's
machine without the service skips those tests with the reason instead.
"""

from __future__ import annotations

import os
from typing import NoReturn

import pytest


def required_services() -> set[str]:
    """Services that CI demands; a missing one is a failure, not a skip."""
    raw = os.environ.get("JOURNEYMAP_REQUIRE_SERVICES", "")
    return {name.strip().lower() for name in raw.split(",") if name.strip()}


def missing_service(name: str, reason: str) -> NoReturn:
    """Skip the test, or fail it when CI requires the service."""
    if name in required_services():
        pytest.fail(f"{name} is required (JOURNEYMAP_REQUIRE_SERVICES) but {reason}")
    pytest.skip(f"{name} not available: {reason}")
