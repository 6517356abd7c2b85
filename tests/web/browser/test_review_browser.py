"""Customers at the table, in a real browser: the owner invites a customer from the journey
page, the customer answers in place (review.js), and the owner sees the counts."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from browser import LiveServer
from journeymap.web import WebSettings, create_app

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser

JOURNEY = "family-order"
PASSWORD = "correct horse battery staple"  # the web fixtures' staff password


@pytest.fixture
def server(web_workspace: Path) -> Iterator[LiveServer]:
    app = create_app(web_workspace, settings=WebSettings(secure_cookies=False))
    with LiveServer(app) as live:
        yield live


def log_in(page: Page, url: str, username: str) -> None:
    page.goto(f"{url}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button:has-text('Log in')")
    page.wait_for_url(f"{url}/")


def invite_from_the_journey_page(page: Page, url: str) -> str:
    page.goto(f"{url}/journeys/{JOURNEY}")
    extras = page.locator("#journey-extras")
    extras.locator("input[name=name]").fill("Casey")
    extras.locator("button:has-text('Invite a customer')").click()
    link = extras.locator("[data-testid=invitation-link]")
    link.wait_for()
    return link.inner_text().strip()


def answer(page: Page, item: str, *, verdict: str, feeling: str = "", comment: str = "") -> None:
    form = page.locator(f"#{item} form.review-answer").first
    form.locator(f"input[name=verdict][value={verdict}]").check()
    if feeling:
        form.locator(f"input[name=feeling][value='{feeling}']").check()
    if comment:
        form.locator("textarea[name=comment]").fill(comment)
    form.locator("button:has-text('Save')").click()
    form.locator(".review-status:has-text('saved')").wait_for()


def test_a_customer_validates_the_map_the_owner_invited_them_to(
    server: LiveServer, page: Page, browser: Browser
) -> None:
    url = server.url
    log_in(page, url, "olive")
    link = invite_from_the_journey_page(page, url)
    assert link.startswith(f"{url}/invite/")

    customer = browser.new_context().new_page()
    try:
        customer.goto(link)
        customer.click("button:has-text('Start')")
        customer.wait_for_url(f"{url}/review/{JOURNEY}")
        answer(customer, "touchpoint-social-ad", verdict="confirmed")
        answer(customer, "touchpoint-search-result", verdict="disputed", feeling="-2",
               comment="I never search, I ask other parents")  # fmt: skip
        # Saved in place: no reload, no ?saved= in the address.
        assert customer.url == f"{url}/review/{JOURNEY}"
        assert customer.locator("[data-review-progress] [data-answered]").inner_text() == "2"
        for path in (f"/journeys/{JOURNEY}", "/review/another-journey", "/people"):
            response = customer.goto(f"{url}{path}")
            assert response is not None
            assert response.status == 404, path
        customer.goto(f"{url}/review/{JOURNEY}")  # answers are kept
        assert customer.locator(
            "#touchpoint-search-result input[name=feeling][value='-2']"
        ).first.is_checked()
    finally:
        customer.context.close()

    page.goto(f"{url}/journeys/{JOURNEY}/validations")
    table = page.locator("table.validations")
    assert "confirmed by 1" in table.locator("#touchpoint-social-ad").inner_text()
    assert "disputed by 1" in table.locator("#touchpoint-search-result").inner_text()
    assert "I never search" in table.inner_text()
    page.goto(f"{url}/journeys/{JOURNEY}")
    badge = page.locator("[data-validation-for='touchpoint:social-ad'] .badge")
    badge.wait_for()
    assert "confirmed by 1" in badge.inner_text()
    assert "Last validated with customers on" in page.locator("#journey-extras").inner_text()
