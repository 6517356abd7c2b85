"""Browser fixtures for every test folder, registered by ``tests/conftest.py``.

``browser`` is one headless Chromium for the whole run (starting one takes about a second);
``page`` is a fresh page in a fresh context (no cookies or storage from another test).
Both skip with a reason where Chromium or Playwright is missing, and fail instead when CI
demands ``chromium``. See ``tests/browser.py`` for ``LiveServer``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from browser import chromium

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless Chromium (Debian's) for the whole run."""
    with chromium() as launched:
        yield launched


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A new page in its own browser context, closed after the test."""
    context = browser.new_context()
    try:
        yield context.new_page()
    finally:
        context.close()
