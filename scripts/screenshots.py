"""Screenshots of the web app's main pages for the README, taken in headless Chromium.

Builds a small demo workspace in a temporary folder, serves it, logs in as the demo owner
(and as an invited customer for the review page) and saves one PNG per page under
docs/images/. Run it after changing how a page looks:

    PYTHONPATH=tests .venv/bin/python scripts/screenshots.py
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from browser import LiveServer, chromium
from journeymap.services import WorkspaceService, build_demo
from journeymap.services.accounts import AccountsService
from journeymap.web import close_app, create_app

IMAGES = Path(__file__).resolve().parents[1] / "docs" / "images"
JOURNEY = "busy-parent-journey"
STAFF_PAGES = {
    "web-dashboard.png": "/",
    "web-journey.png": f"/journeys/{JOURNEY}",
    "web-analytics.png": f"/journeys/{JOURNEY}/analytics",
    "web-moments.png": f"/journeys/{JOURNEY}/analytics/moments",
    "web-history.png": f"/journeys/{JOURNEY}/history",
}


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        demo = build_demo(Path(folder) / "demo", customers=3000, seed=7)
        with WorkspaceService.open(demo.layout.root) as service:
            accounts = AccountsService(service.store)
            owner = service.store.people.user_named(demo.login.username)
            assert owner is not None
            link = accounts.invite(JOURNEY, name="Robin", by=owner).secret
        app = create_app(demo.layout.root)
        with LiveServer(app) as server, chromium() as browser:
            staff = browser.new_context(viewport={"width": 1440, "height": 900})
            page = staff.new_page()
            page.goto(server.url + "/login")
            page.fill("input[name=username]", demo.login.username)
            page.fill("input[name=password]", demo.login.password)
            page.click("button[type=submit]")
            page.wait_for_load_state("networkidle")
            for name, path in STAFF_PAGES.items():
                page.goto(server.url + path)
                page.wait_for_load_state("networkidle")
                # Measurements run as background jobs; the page reloads when they are done.
                for _ in range(300):
                    if "measuring" not in page.inner_text("body").lower():
                        break
                    page.wait_for_timeout(1000)
                page.wait_for_load_state("networkidle")
                page.wait_for_timeout(500)
                page.screenshot(path=str(IMAGES / name), full_page=False)
                print(f"saved docs/images/{name}")
            customer = browser.new_context(viewport={"width": 1100, "height": 900}).new_page()
            customer.goto(f"{server.url}/invite/{link}")
            customer.click("button[type=submit]")
            customer.wait_for_load_state("networkidle")
            customer.screenshot(path=str(IMAGES / "web-review.png"))
            print("saved docs/images/web-review.png")
        close_app(app)
    return 0


if __name__ == "__main__":
    sys.exit(main())
