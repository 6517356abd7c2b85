"""Editing the map in a real browser: a new journey from a template, a touchpoint added and
dragged into place (journeys.js), the live poster following every save, and two editors
changing the same card at once, the second seeing both versions and re-applying theirs."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from browser import LiveServer
from journeymap.services import WorkspaceService
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


def card_order(page: Page, stage_id: str) -> list[str]:
    order: list[str] = page.eval_on_selector_all(
        f"#stage-{stage_id} ol.touchpoints > li.touchpoint",
        "cards => cards.map(c => c.dataset.touchpoint)",
    )
    return order


def stored(directory: Path, journey_id: str):  # type: ignore[no-untyped-def]
    with WorkspaceService.open(directory) as service:
        return service.journey(journey_id), service.versions(journey_id)


def wait_for_version(page: Page, version: int) -> None:
    page.wait_for_selector(f'img.poster[src$="?v={version}"]')


def test_create_add_and_drag_touchpoints_into_place(
    page: Page, server: LiveServer, web_workspace: Path
) -> None:
    problems: list[str] = []
    page.on(
        "console",
        lambda message: (
            problems.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    url = server.url
    page.set_viewport_size({"width": 1600, "height": 2400})  # whole columns in view
    log_in(page, url, "olive")

    page.goto(f"{url}/journeys/new")
    page.check("input[name=template][value=saas]")
    page.fill("input[name=name]", "Trial to paid")
    page.click("button:has-text('Create journey')")
    page.wait_for_url(f"{url}/journeys/trial-to-paid")
    journey, _ = stored(web_workspace, "trial-to-paid")
    first = journey.stages[0].id
    before = card_order(page, first)
    assert before == [t.id for t in journey.stages[0].touchpoints]
    wait_for_version(page, 1)

    stage = page.locator(f"#stage-{first}")
    stage.locator("details.add-touchpoint summary").click()
    stage.locator("details.add-touchpoint input[name=name]").fill("Webinar invite")
    stage.locator("button:has-text('Add touchpoint')").click()
    wait_for_version(page, 2)
    assert card_order(page, first) == [*before, "webinar-invite"]
    poster = page.request.get(url + (page.locator("img.poster").get_attribute("src") or ""))
    assert poster.headers["content-type"] == "image/svg+xml"
    assert "Webinar invite" in poster.text()

    # Drag the new card onto the top of the first one: it goes first (one move, saved).
    page.locator("#touchpoint-webinar-invite .touchpoint-head").drag_to(
        page.locator(f"#touchpoint-{before[0]}"), target_position={"x": 12, "y": 4}
    )
    wait_for_version(page, 3)
    assert card_order(page, first) == ["webinar-invite", *before]
    journey, versions = stored(web_workspace, "trial-to-paid")
    assert [t.id for t in journey.stages[0].touchpoints] == ["webinar-invite", *before]
    assert versions[-1].message == "Moved touchpoint webinar-invite"

    # And into the next stage's column, below its cards.
    second = journey.stages[1].id
    target = page.locator(f"#stage-{second} ol.touchpoints")
    box = target.bounding_box()
    assert box is not None
    page.locator("#touchpoint-webinar-invite .touchpoint-head").drag_to(
        target, target_position={"x": 20, "y": box["height"] - 3}
    )
    wait_for_version(page, 4)
    page.reload()
    assert card_order(page, second)[-1] == "webinar-invite"
    assert "webinar-invite" not in card_order(page, first)
    journey, _ = stored(web_workspace, "trial-to-paid")
    assert journey.stages[1].touchpoints[-1].id == "webinar-invite"

    # Stages move by their heads: the second dropped on the left of the first goes first.
    page.locator(f"#stage-{second} .stage-head").drag_to(
        page.locator(f"#stage-{first} .stage-head"), target_position={"x": 4, "y": 4}
    )
    wait_for_version(page, 5)
    stages: list[str] = page.eval_on_selector_all(
        "#map > .stage", "columns => columns.map(c => c.dataset.stage)"
    )
    assert stages[:2] == [second, first]
    journey, _ = stored(web_workspace, "trial-to-paid")
    assert [s.id for s in journey.stages][:2] == [second, first]
    assert problems == []


def test_two_editors_change_the_same_card(
    browser: Browser, server: LiveServer, web_workspace: Path
) -> None:
    url = server.url
    contexts = [browser.new_context(), browser.new_context()]
    try:
        olive, eddie = (context.new_page() for context in contexts)
        log_in(olive, url, "olive")
        log_in(eddie, url, "eddie")
        for page in (olive, eddie):
            page.goto(f"{url}/journeys/{JOURNEY}")

        def rename(page: Page, name: str) -> None:
            card = page.locator("#touchpoint-cart")
            card.locator("details.edit-touchpoint summary").click()
            card.locator("details.edit-touchpoint input[name=name]").fill(name)
            card.locator("button:has-text('Save touchpoint')").click()

        rename(olive, "Basket (Olive)")
        wait_for_version(olive, 2)
        rename(eddie, "Basket (Eddie)")
        eddie.wait_for_selector("h1:has-text('Someone else changed this map meanwhile')")
        table = eddie.locator("table.conflict-table")
        assert "Basket (Olive)" in table.inner_text()
        assert "Basket (Eddie)" in table.inner_text()
        eddie.click("button:has-text('Re-apply mine on top of theirs')")
        eddie.wait_for_url(f"{url}/journeys/{JOURNEY}#touchpoint-cart")
        wait_for_version(eddie, 3)
        assert eddie.locator("#touchpoint-cart .touchpoint-name").inner_text() == "Basket (Eddie)"
        journey, versions = stored(web_workspace, JOURNEY)
        assert journey.touchpoint("cart").name == "Basket (Eddie)"
        assert [v.author for v in versions] == ["test", "olive", "eddie"]
    finally:
        for context in contexts:
            context.close()
