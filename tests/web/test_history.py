"""A journey's history, diffs, restores and the side-by-side comparison, through HTTP."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from web_helpers import JOURNEY, login

API = f"/api/v1/journeys/{JOURNEY}"


@pytest.fixture
def edited(owner: TestClient) -> TestClient:
    """The owner's client after two saves: a renamed stage (v2) and a moved touchpoint (v3)."""
    renamed = owner.patch(f"{API}/stages/use", json={"base_version": 1, "name": "Using it"})
    assert renamed.status_code == 200
    moved = owner.post(f"{API}/touchpoints/cart/move", json={"base_version": 2, "to_stage": "use"})
    assert moved.status_code == 200
    return owner


def test_versions_and_diff_api(edited: TestClient) -> None:
    versions = edited.get(f"{API}/versions").json()
    assert [v["number"] for v in versions] == [1, 2, 3]
    assert [v["author"] for v in versions] == ["test", "olive", "olive"]
    assert versions[1]["message"] == "Edited stage use"
    diff = edited.get(f"{API}/diff", params={"old": 1, "new": 2}).json()
    assert diff["summary"] == {"added": 0, "removed": 0, "changed": 1, "moved": 0}
    [change] = diff["changes"]
    assert (change["kind"], change["item_id"], change["field"]) == ("changed", "use", "name")
    assert change["new"] == "Using it"
    to_head = edited.get(f"{API}/diff", params={"old": 2}).json()
    assert to_head["new"] == 3
    assert [c["kind"] for c in to_head["changes"]] == ["moved"]
    assert edited.get(f"{API}/diff", params={"old": 1, "new": 9}).status_code == 404
    assert edited.get(f"{API}/diff", params={"old": 0}).status_code == 422
    assert edited.get("/api/v1/journeys/nope/versions").status_code == 404


def test_restore_api_makes_a_new_version(edited: TestClient) -> None:
    answer = edited.post(f"{API}/restore", json={"version": 1})
    assert answer.status_code == 200
    assert answer.json() == {"journey_id": JOURNEY, "version": 4, "restored": 1}
    journey = edited.get(API).json()
    assert next(s for s in journey["stages"] if s["id"] == "use")["name"] == "Delivery and use"
    versions = edited.get(f"{API}/versions").json()
    assert versions[-1]["message"] == "Restored version 1"
    assert edited.post(f"{API}/restore", json={"version": 99}).status_code == 404
    assert edited.post(f"{API}/restore", json={}).status_code == 422


def test_viewers_read_history_but_may_not_restore(
    edited: TestClient, new_client: Callable[[], TestClient]
) -> None:
    viewer = new_client()
    viewer.headers["X-CSRF-Token"] = login(viewer, "vera")
    assert viewer.get(f"{API}/versions").status_code == 200
    page = viewer.get(f"/journeys/{JOURNEY}/history")
    assert page.status_code == 200
    assert "Restore</button>" not in page.text
    assert viewer.post(f"{API}/restore", json={"version": 1}).status_code == 403
    assert viewer.post(f"/journeys/{JOURNEY}/restore/1").status_code == 403


def test_history_and_diff_pages(edited: TestClient) -> None:
    page = edited.get(f"/journeys/{JOURNEY}/history")
    assert page.status_code == 200
    assert "Edited stage use" in page.text
    assert "Moved touchpoint cart" in page.text
    assert f'action="/journeys/{JOURNEY}/restore/1"' in page.text
    diff = edited.get(f"/journeys/{JOURNEY}/history/1/3")
    assert diff.status_code == 200
    assert "Version 1 → version 3" in diff.text
    assert "Using it" in diff.text
    assert edited.get(f"/journeys/{JOURNEY}/history/1/9").status_code == 404


def test_restore_page_redirects_to_the_history(edited: TestClient) -> None:
    answer = edited.post(f"/journeys/{JOURNEY}/restore/2", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == f"/journeys/{JOURNEY}/history"
    versions = edited.get(f"{API}/versions").json()
    assert versions[-1]["author"] == "olive"
    assert versions[-1]["message"] == "Restored version 2"


def test_compare_two_personas_side_by_side(owner: TestClient) -> None:
    created = owner.post("/api/v1/journeys", json={"template": "saas", "journey_id": "trial"})
    assert created.status_code == 201
    empty = owner.get(f"/journeys/{JOURNEY}/compare")
    assert empty.status_code == 200
    assert '<option value="trial"' in empty.text
    page = owner.get(f"/journeys/{JOURNEY}/compare", params={"other": "trial"})
    assert page.status_code == 200
    assert page.text.count('<tr class="compare-stage">') >= 8
    assert "only left" in page.text or "only right" in page.text
    assert owner.get(f"/journeys/{JOURNEY}/compare", params={"other": "nope"}).status_code == 404
