"""The interactive HTML poster in a real browser (headless Chromium): it loads from file://
with no console error and no request at all, hovering a touchpoint shows its whole story
(the data's numbers and the customers' words) and moving away hides it, and text from the
map that looks like markup stays text.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from test_poster import demo_content

from journeymap.model import MomentKind
from journeymap.render.content import MomentMark, PosterData, Quote, TouchpointMetrics
from journeymap.render.html import poster_html
from journeymap.render.poster import poster_scene

if TYPE_CHECKING:
    from playwright.sync_api import ConsoleMessage, Dialog, Page, Request

pytestmark = pytest.mark.browser

SCRIPT_NAME = "<script>alert(1)</script>"
QUOTE = "The parcel came two days late and nobody told me why."


@dataclasses.dataclass
class Loaded:
    page: Page
    url: str
    errors: list[str]
    requests: list[str]
    dialogs: list[str]


@pytest.fixture(scope="module")
def poster_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The busy parent's poster with data, and one touchpoint named like a script."""
    content = demo_content()
    journey = content.journey.model_copy(deep=True)
    for _, touchpoint in journey.touchpoints():
        if touchpoint.id == "refund":
            touchpoint.name = SCRIPT_NAME
    data = PosterData(
        customers=10_000,
        touchpoints={
            "delivery-updates": TouchpointMetrics(
                customers=4_210, base=10_000, feedback_items=312, mean_sentiment=-0.41
            ),
            "refund": TouchpointMetrics(customers=120, base=10_000),
        },
        moments=(
            MomentMark(
                touchpoint="delivery-updates",
                kind=MomentKind.PAIN_POINT,
                rank=1,
                outcome="churned",
                summary="churned 21% with vs 9% without (n=4,210)",
            ),
        ),
        quotes=(Quote(text=QUOTE, touchpoint="delivery-updates", sentiment=-0.8),),
    )
    content = dataclasses.replace(content, journey=journey, data=data)
    path = tmp_path_factory.mktemp("poster") / "busy-parent.html"
    path.write_text(poster_html(poster_scene(content)), encoding="utf-8")
    return path


@pytest.fixture
def loaded(page: Page, poster_file: Path) -> Iterator[Loaded]:
    url = poster_file.as_uri()
    seen = Loaded(page=page, url=url, errors=[], requests=[], dialogs=[])

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            seen.errors.append(message.text)

    def on_dialog(dialog: Dialog) -> None:
        seen.dialogs.append(dialog.message)
        dialog.dismiss()

    def on_request(request: Request) -> None:
        seen.requests.append(request.url)

    page.on("console", on_console)
    page.on("pageerror", lambda error: seen.errors.append(str(error)))
    page.on("dialog", on_dialog)
    page.on("request", on_request)
    page.goto(url, wait_until="load")
    yield seen
    assert not seen.dialogs, f"a dialog opened: {seen.dialogs}"


def test_the_poster_loads_with_no_error_and_no_request(loaded: Loaded) -> None:
    page = loaded.page
    assert page.title().startswith("Sam shops at Northwind Home")
    assert page.locator("figure svg").count() == 1
    assert page.locator('[data-tip][data-key="delivery-updates"]').count() == 1
    # The fonts are inlined: the document is done and nothing was fetched, not even them.
    page.evaluate("document.fonts.ready.then(() => true)")
    assert loaded.errors == []
    assert loaded.requests == [loaded.url]


def test_hovering_a_touchpoint_shows_its_story_and_moving_away_hides_it(loaded: Loaded) -> None:
    page = loaded.page
    tip = page.locator("#jm-tip")
    assert tip.is_hidden()

    card = page.locator('g.jm-touchpoint[data-key="delivery-updates"]')
    card.scroll_into_view_if_needed()
    card.hover()
    tip.wait_for(state="visible", timeout=2_000)
    text = tip.inner_text()
    assert "Dispatch and delay notices" in tip.locator("strong").inner_text()
    assert "Reached 4,210 customers (42% of 10,000)" in text
    assert "Feedback: 312 items, mean sentiment -0.41" in text
    assert "churned 21% with vs 9% without (n=4,210)" in text
    assert QUOTE in text
    # The tip stays inside the window, next to the pointer.
    box = tip.bounding_box()
    assert box is not None
    viewport = page.viewport_size
    assert viewport is not None
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= viewport["width"]
    assert box["y"] >= 0
    assert box["y"] + box["height"] <= viewport["height"]

    page.locator("h1").hover()
    tip.wait_for(state="hidden", timeout=2_000)

    # Keyboard focus shows it too, and Escape hides it.
    card.focus()
    tip.wait_for(state="visible", timeout=2_000)
    assert QUOTE in tip.inner_text()
    page.keyboard.press("Escape")
    tip.wait_for(state="hidden", timeout=2_000)
    assert loaded.errors == []


def test_a_name_that_looks_like_a_script_stays_text(loaded: Loaded) -> None:
    page = loaded.page
    card = page.locator('g.jm-touchpoint[data-key="refund"]')
    assert card.count() == 1
    drawn = card.locator("text").first.text_content() or ""  # the card may wrap the name
    assert drawn.startswith("<script>alert(")
    assert drawn.endswith("</script>")
    assert card.get_attribute("aria-label") == f"Touchpoint {SCRIPT_NAME}"
    card.scroll_into_view_if_needed()
    card.hover()
    tip = page.locator("#jm-tip")
    tip.wait_for(state="visible", timeout=2_000)
    assert tip.locator("strong").inner_text() == SCRIPT_NAME
    assert tip.locator("script").count() == 0
    # The card's own text and the full-text list show it as text too; no script element
    # other than the poster's one exists, and no dialog opened (checked by the fixture).
    assert page.locator("script").count() == 1
    assert SCRIPT_NAME in (page.locator("dl.jm-all").text_content() or "")
    assert page.locator("dl.jm-all dt", has_text=SCRIPT_NAME).count() == 1
    page.wait_for_timeout(100)
    assert loaded.dialogs == []
    assert loaded.errors == []
