"""The data on the map in a real browser: the map's numbers fill in while the job measures,
the funnel and process-map charts load under the content security policy, and the moments
page shows its progress bar until the job is done, then the ranked table.

One small demo workspace for the module (a few hundred customers)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from browser import LiveServer
from journeymap.services import build_demo
from journeymap.services.accounts import AccountsService
from journeymap.services.workspace import WorkspaceService
from journeymap.web import WebSettings, create_app
from journeymap.web.routes.jobs import stop_jobs

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser

JOURNEY = "busy-parent-journey"
PASSWORD = "correct horse battery staple"
JOB_TIMEOUT_MS = 90_000


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    folder = tmp_path_factory.mktemp("analytics-browser") / "demo"
    build_demo(folder, customers=250, seed=5)
    with WorkspaceService.open(folder) as service:
        AccountsService(service.store).add_user("olive", PASSWORD, role="owner")
    app = create_app(folder, settings=WebSettings(secure_cookies=False))
    with LiveServer(app) as live:
        yield live
        stop_jobs(app)


def log_in(page: Page, url: str) -> list[str]:
    """Log in as the owner; the console errors the pages raise (CSP violations among them)."""
    errors: list[str] = []
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    page.goto(f"{url}/login")
    page.fill("input[name=username]", "olive")
    page.fill("input[name=password]", PASSWORD)
    page.click("button:has-text('Log in')")
    page.wait_for_url(f"{url}/")
    return errors


def image_loaded(page: Page, selector: str) -> bool:
    """Whether the first image matching ``selector`` loads and has a size (waits up to 15 s)."""
    script = "s => { const i = document.querySelector(s); return !!i && i.complete && i.naturalWidth > 0; }"
    page.wait_for_function(script, arg=selector, timeout=15_000)
    return True


def test_the_analytics_views_show_numbers_and_charts(server: LiveServer, page: Page) -> None:
    errors = log_in(page, server.url)

    # The overview measures in the background, then reloads itself with the numbers.
    page.goto(f"{server.url}/journeys/{JOURNEY}/analytics")
    page.locator("table.metrics-table").wait_for(timeout=JOB_TIMEOUT_MS)
    assert page.locator("table.metrics-table tr.stage-row").count() > 3

    # The journey page's placeholders fill from the (now cached) metrics.
    page.goto(f"{server.url}/journeys/{JOURNEY}")
    spot = page.locator("[data-metrics-for^='stage:']").first
    spot.filter(has_text="customers").wait_for(timeout=JOB_TIMEOUT_MS)

    # The funnel: its chart as an image, its numbers in the table.
    page.goto(f"{server.url}/journeys/{JOURNEY}/analytics/funnel")
    assert image_loaded(page, "figure.chart img")
    first_step = page.locator("table.funnel-table tr[data-step='1'] td.customers").inner_text()
    assert first_step.replace(",", "").isdigit()

    # The process map.
    page.goto(f"{server.url}/journeys/{JOURNEY}/analytics/dfg")
    assert image_loaded(page, "img.dfg-chart")
    assert page.locator("table.dfg-table tbody tr").count() > 0

    # Moments of truth: a progress bar while the job runs, then the ranked table.
    page.goto(f"{server.url}/journeys/{JOURNEY}/analytics/moments")
    page.locator("table.moments-table").wait_for(timeout=JOB_TIMEOUT_MS)
    assert page.locator(".job-progress").count() == 0
    if page.locator("img.impact-chart").count():
        assert image_loaded(page, "img.impact-chart")

    assert not [e for e in errors if "Content Security Policy" in e], errors
