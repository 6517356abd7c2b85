"""Outside services a test needs: skip where missing, fail where CI demands them.

CI sets ``JOURNEYMAP_REQUIRE_SERVICES`` (comma-separated: ``postgresql,spark,chromium``); a
developer's machine without the service skips those tests with the reason instead.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
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


CHROMIUM = "/usr/bin/chromium"
"""Debian's Chromium (``apt-get install chromium``); never a browser Playwright downloads."""


def chromium_executable() -> str:
    """The Chromium binary browser tests drive (``JOURNEYMAP_TEST_CHROMIUM`` overrides it).

    Skips the test where it is missing, or fails it when CI requires ``chromium``.
    """
    configured = os.environ.get("JOURNEYMAP_TEST_CHROMIUM", CHROMIUM)
    found = shutil.which(configured)
    if found is None or not Path(found).is_file():
        missing_service(
            "chromium",
            f"no Chromium at {configured} (apt-get install chromium, "
            "or point JOURNEYMAP_TEST_CHROMIUM at one)",
        )
    return found
