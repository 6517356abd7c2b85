"""Editing maps through HTTP: the map page, its forms, the conflict page and the JSON API."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from web_helpers import JOURNEY, login

from journeymap.services import WorkspaceService

API = f"/api/v1/journeys/{JOURNEY}"


@pytest.fixture
def editor(new_client: Callable[[], TestClient]) -> TestClient:
    client = new_client()
    client.headers["X-CSRF-Token"] = login(client, "eddie")
    return client


@pytest.fixture
def viewer(new_client: Callable[[], TestClient]) -> TestClient:
    client = new_client()
    client.headers["X-CSRF-Token"] = login(client, "vera")
    return client


def stored(web_workspace: Path, journey_id: str = JOURNEY):  # type: ignore[no-untyped-def]
    with WorkspaceService.open(web_workspace) as service:
        return service.journey(journey_id), service.versions(journey_id)


def touchpoint_order(web_workspace: Path, stage_id: str) -> list[str]:
    journey, _ = stored(web_workspace)
    return [t.id for t in journey.stage(stage_id).touchpoints]


def head(client: TestClient) -> int:
    version: int = client.get(API).json()["version"]
    return version


# -- the map page -------------------------------------------------------------------------


def test_the_map_page_shows_the_spine_with_its_hooks(owner: TestClient) -> None:
    answer = owner.get(f"/journeys/{JOURNEY}")
    assert answer.status_code == 200
    html = answer.text
    stages = re.findall(r'<section class="stage" id="stage-([^"]+)"', html)
    assert stages[:3] == ["awareness", "consideration", "purchase"]
    assert 'data-metrics-for="stage:awareness"' in html
    assert 'data-validation-for="touchpoint:checkout-payment"' in html
    assert 'data-metrics-for="touchpoint:checkout-payment"' in html
    assert f'<div id="journey-extras" data-journey="{JOURNEY}"></div>' in html
    for script in ("journeys.js", "metrics.js", "collab.js"):
        assert f'<script src="/static/{script}" defer></script>' in html
    assert f'src="/journeys/{JOURNEY}/poster.svg?v=1"' in html
    assert f'href="/journeys/{JOURNEY}/items/touchpoint/checkout-payment"' in html
    assert f'href="/journeys/{JOURNEY}/analytics"' in html
    assert 'name="base_version" value="1"' in html
    assert "▼</span> Pain point" in html  # a shape and a word, not colour alone
    assert "style=" not in html
    assert "onclick" not in html


def test_viewers_see_the_map_without_forms_and_may_not_edit(viewer: TestClient) -> None:
    html = viewer.get(f"/journeys/{JOURNEY}").text
    assert "Edit touchpoint" not in html
    assert 'draggable="true"' not in html
    answer = viewer.post(
        f"/journeys/{JOURNEY}/stages", data={"base_version": "1", "name": "Sneaky"}
    )
    assert answer.status_code == 403
    assert viewer.post(f"{API}/stages", json={"base_version": 1, "name": "x"}).status_code == 403
    assert viewer.get("/journeys/new").status_code == 403


def test_the_map_escapes_what_people_type(owner: TestClient) -> None:
    owner.post(
        f"/journeys/{JOURNEY}/touchpoints",
        data={"base_version": "1", "stage_id": "awareness", "name": "<script>alert(1)</script>"},
    )
    html = owner.get(f"/journeys/{JOURNEY}").text
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_forms_without_the_csrf_token_are_refused(new_client: Callable[[], TestClient]) -> None:
    client = new_client()
    login(client, "olive")
    answer = client.post(f"/journeys/{JOURNEY}/stages", data={"base_version": "1", "name": "X"})
    assert answer.status_code == 403


# -- the forms ----------------------------------------------------------------------------


def test_adding_and_editing_through_the_forms(editor: TestClient, web_workspace: Path) -> None:
    answer = editor.post(
        f"/journeys/{JOURNEY}/touchpoints",
        data={"base_version": "1", "stage_id": "use", "name": "Doorbell camera", "channel": "app"},
        follow_redirects=False,
    )
    assert answer.status_code == 303
    assert answer.headers["location"] == f"/journeys/{JOURNEY}#stage-use"
    answer = editor.post(
        f"/journeys/{JOURNEY}/touchpoints/doorbell-camera",
        data={
            "base_version": "2",
            "name": "Doorbell camera",
            "direct": ["false", "true"],
            "moment": "delighter",
            "impact_rank": "2",
            "customers_would_pay": "true",
            "events": "doorbell_seen, parcel_left",
            "where": "",
            "owner_team": "",
        },
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    answer = editor.post(
        f"/journeys/{JOURNEY}/stages/use",
        data={
            "base_version": "3",
            "name": "Using it",
            "goals": "Get it on time\n\nKeep the kids happy\n",
            "emotion_score": "2",
            "emotion_words": "happy, relieved",
            "effort": "",
        },
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    journey, versions = stored(web_workspace)
    touchpoint = journey.touchpoint("doorbell-camera")
    assert touchpoint.moment.value == "delighter"
    assert touchpoint.impact_rank == 2
    assert touchpoint.event_rule is not None
    assert touchpoint.event_rule.events == ["doorbell_seen", "parcel_left"]
    assert touchpoint.customers_would_pay is True
    stage = journey.stage("use")
    assert stage.name == "Using it"
    assert stage.goals == ["Get it on time", "Keep the kids happy"]
    assert stage.emotion is not None
    assert stage.emotion.words == ["happy", "relieved"]
    assert stage.effort is None
    assert [v.author for v in versions[1:]] == ["eddie"] * 3


def test_moving_and_removing_through_the_forms(owner: TestClient, web_workspace: Path) -> None:
    order = touchpoint_order(web_workspace, "purchase")
    owner.post(
        f"/journeys/{JOURNEY}/touchpoints/{order[0]}/move",
        data={"base_version": "1", "to_stage": "purchase", "to_position": "1"},
    )
    assert touchpoint_order(web_workspace, "purchase") == [order[1], order[0], order[2]]
    owner.post(
        f"/journeys/{JOURNEY}/touchpoints/{order[0]}/move",
        data={"base_version": "2", "to_stage": "use"},
    )
    assert touchpoint_order(web_workspace, "use")[-1] == order[0]
    owner.post(
        f"/journeys/{JOURNEY}/stages/return/move", data={"base_version": "3", "to_position": "0"}
    )
    journey, _ = stored(web_workspace)
    assert journey.stages[0].id == "return"
    owner.post(
        f"/journeys/{JOURNEY}/stages", data={"base_version": "4", "name": "Gone", "after": ""}
    )
    answer = owner.post(
        f"/journeys/{JOURNEY}/stages/gone/delete",
        data={"base_version": "5"},
        follow_redirects=False,
    )
    assert answer.status_code == 303
    journey, versions = stored(web_workspace)
    assert "gone" not in [s.id for s in journey.stages]
    assert len(versions) == 6


def test_form_errors_say_which_field(owner: TestClient) -> None:
    answer = owner.post(
        f"/journeys/{JOURNEY}/stages/use/move", data={"base_version": "1", "to_position": "99"}
    )
    assert answer.status_code == 422
    assert "to_position" in answer.text
    assert "out of range" in answer.text
    answer = owner.post(f"/journeys/{JOURNEY}/stages/use", data={"name": "No version"})
    assert answer.status_code == 422
    assert "base_version" in answer.text
    answer = owner.post(f"/journeys/{JOURNEY}/stages/nope", data={"base_version": "1", "name": "x"})
    assert answer.status_code == 404


def test_a_conflicting_form_shows_both_versions_and_reapplies(
    owner: TestClient, editor: TestClient, web_workspace: Path
) -> None:
    owner.post(
        f"/journeys/{JOURNEY}/touchpoints/cart",
        data={"base_version": "1", "name": "Basket (theirs)"},
    )
    answer = editor.post(
        f"/journeys/{JOURNEY}/touchpoints/cart",
        data={"base_version": "1", "name": "Basket (mine)", "description": "Line one\nline two"},
    )
    assert answer.status_code == 409
    html = answer.text
    assert "Basket (theirs)" in html
    assert "Basket (mine)" in html
    assert "olive saved version 2" in html
    assert 'name="base_version" value="2"' in html
    assert '<textarea name="description" hidden>Line one\nline two</textarea>' in html
    form = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', html))
    assert form["name"] == "Basket (mine)"
    reapplied = editor.post(
        f"/journeys/{JOURNEY}/touchpoints/cart",
        data={
            "base_version": form["base_version"],
            "name": form["name"],
            "description": "Line one\nline two",
        },
        follow_redirects=False,
    )
    assert reapplied.status_code == 303
    journey, versions = stored(web_workspace)
    assert journey.touchpoint("cart").name == "Basket (mine)"
    assert [v.author for v in versions] == ["test", "olive", "eddie"]


def test_new_journey_pages(owner: TestClient, web_workspace: Path) -> None:
    form = owner.get("/journeys/new")
    assert form.status_code == 200
    assert 'value="saas"' in form.text
    answer = owner.post(
        "/journeys", data={"template": "saas", "name": "Trial to paid"}, follow_redirects=False
    )
    assert answer.status_code == 303
    assert answer.headers["location"] == "/journeys/trial-to-paid"
    journey, versions = stored(web_workspace, "trial-to-paid")
    assert journey.name == "Trial to paid"
    assert versions[0].author == "olive"
    assert owner.get("/journeys/trial-to-paid").status_code == 200
    refused = owner.post("/journeys", data={"template": "nope"})
    assert refused.status_code == 422
    assert "template" in refused.text


# -- the JSON API -------------------------------------------------------------------------


def test_list_get_and_create(owner: TestClient) -> None:
    [listed] = owner.get("/api/v1/journeys").json()
    assert listed["id"] == JOURNEY
    assert listed["version"] == 1
    assert listed["persona"]
    journey = owner.get(API).json()
    assert journey["version"] == 1
    assert journey["stages"][0]["id"] == "awareness"
    created = owner.post("/api/v1/journeys", json={"template": "saas", "journey_id": "trial"})
    assert created.status_code == 201
    assert created.json() == {
        "journey_id": "trial",
        "version": 1,
        "changed": True,
        "item_id": "trial",
    }
    again = owner.post("/api/v1/journeys", json={"template": "saas", "journey_id": "trial"})
    assert again.status_code == 422
    assert again.json()["problems"][0]["where"] == "body.journey_id"
    assert owner.get("/api/v1/journeys/nope").status_code == 404


def test_replace_the_whole_journey(owner: TestClient) -> None:
    journey = owner.get(API).json()
    version = journey.pop("version")
    journey["name"] = "Ordering for a big family"
    answer = owner.put(API, json={"base_version": version, "journey": journey})
    assert answer.status_code == 200
    assert answer.json()["version"] == 2
    stale = owner.put(API, json={"base_version": 1, "journey": journey | {"name": "Mine"}})
    assert stale.status_code == 409
    body = stale.json()
    assert body["head_version"] == 2
    assert body["yours"]["journey"]["name"] == "Mine"
    assert body["theirs"]["name"] == "Ordering for a big family"
    wrong = owner.put(API, json={"base_version": 2, "journey": journey | {"id": "other"}})
    assert wrong.status_code == 422
    assert wrong.json()["problems"][0]["where"] == "body.journey.id"
    broken = journey | {"persona": "nobody"}
    answer = owner.put(API, json={"base_version": 2, "journey": broken})
    assert answer.status_code == 422
    assert answer.json()["problems"][0]["where"] == "body.persona"


def test_stage_endpoints(editor: TestClient) -> None:
    added = editor.post(f"{API}/stages", json={"base_version": 1, "name": "Unpack", "after": "use"})
    assert added.status_code == 201
    assert added.json() | {} == {
        "journey_id": JOURNEY,
        "version": 2,
        "changed": True,
        "item_id": "unpack",
    }
    patched = editor.patch(
        f"{API}/stages/unpack", json={"base_version": 2, "goals": ["Open it"], "emotion_score": 1}
    )
    assert patched.status_code == 200
    assert patched.json()["version"] == 3
    stage = next(s for s in editor.get(API).json()["stages"] if s["id"] == "unpack")
    assert stage["goals"] == ["Open it"]
    assert stage["emotion"]["score"] == 1
    assert stage["name"] == "Unpack"
    moved = editor.post(f"{API}/stages/unpack/move", json={"base_version": 3, "to_position": 0})
    assert moved.status_code == 200
    assert editor.get(API).json()["stages"][0]["id"] == "unpack"
    deleted = editor.request("DELETE", f"{API}/stages/unpack", json={"base_version": 4})
    assert deleted.status_code == 200
    assert deleted.json()["version"] == 5
    refused = editor.request("DELETE", f"{API}/stages/purchase", json={"base_version": 5})
    assert refused.status_code == 422
    assert refused.json()["problems"][0]["where"] == "body.move_touchpoints_to"
    assert editor.patch(f"{API}/stages/nope", json={"base_version": 5}).status_code == 404
    bad = editor.patch(f"{API}/stages/use", json={"base_version": 5, "emotion_score": 7})
    assert bad.status_code == 422
    assert bad.json()["problems"][0]["where"] == "body.emotion_score"
    stale = editor.post(f"{API}/stages/use/move", json={"base_version": 1, "to_position": 0})
    assert stale.status_code == 409
    assert stale.json()["theirs"]["id"] == "use"
    assert stale.json()["yours"]["to_position"] == 0


def test_touchpoint_endpoints(owner: TestClient) -> None:
    added = owner.post(
        f"{API}/touchpoints",
        json={
            "base_version": 1,
            "stage_id": "use",
            "name": "Porch pickup",
            "channel": "store",
            "position": 0,
            "events": ["pickup"],
        },
    )
    assert added.status_code == 201
    assert added.json()["item_id"] == "porch-pickup"
    use = next(s for s in owner.get(API).json()["stages"] if s["id"] == "use")
    assert use["touchpoints"][0]["id"] == "porch-pickup"
    assert use["touchpoints"][0]["event_rule"] == {"events": ["pickup"], "where": None}
    patched = owner.patch(
        f"{API}/touchpoints/porch-pickup",
        json={"base_version": 2, "moment": "pain_point", "impact_rank": 3},
    )
    assert patched.status_code == 200
    assert patched.json()["version"] == 3
    moved = owner.post(
        f"{API}/touchpoints/porch-pickup/move",
        json={"base_version": 3, "to_stage": "support", "to_position": 1},
    )
    assert moved.status_code == 200
    support = next(s for s in owner.get(API).json()["stages"] if s["id"] == "support")
    assert support["touchpoints"][1]["id"] == "porch-pickup"
    assert support["touchpoints"][1]["moment"] == "pain_point"
    deleted = owner.request("DELETE", f"{API}/touchpoints/porch-pickup", json={"base_version": 4})
    assert deleted.status_code == 200
    assert deleted.json()["version"] == 5
    assert (
        owner.patch(f"{API}/touchpoints/porch-pickup", json={"base_version": 5}).status_code == 404
    )
    unknown_stage = owner.post(
        f"{API}/touchpoints/cart/move", json={"base_version": 5, "to_stage": "nope"}
    )
    assert unknown_stage.status_code == 404
    bad = owner.post(
        f"{API}/touchpoints/cart/move",
        json={"base_version": 5, "to_stage": "use", "to_position": 42},
    )
    assert bad.status_code == 422
    assert bad.json()["problems"][0]["where"] == "body.to_position"
    team = owner.patch(f"{API}/touchpoints/cart", json={"base_version": 5, "owner_team": "ghosts"})
    assert team.status_code == 422
    assert "owner_team" in team.json()["problems"][0]["where"]
    stale = owner.patch(f"{API}/touchpoints/cart", json={"base_version": 2, "name": "Mine"})
    assert stale.status_code == 409
    body = stale.json()
    assert body["yours"] == {"base_version": 2, "name": "Mine"}
    assert body["theirs"]["id"] == "cart"
    assert body["head_version"] == 5
    assert owner.get(API).json()["version"] == 5


def test_an_edit_that_changes_nothing_makes_no_version(owner: TestClient) -> None:
    name = owner.get(API).json()["stages"][0]["name"]
    same = owner.patch(f"{API}/stages/awareness", json={"base_version": 1, "name": name})
    assert same.json() == {
        "journey_id": JOURNEY,
        "version": 1,
        "changed": False,
        "item_id": "awareness",
    }


# -- the poster ---------------------------------------------------------------------------


def test_the_poster_follows_every_save_and_is_cached(owner: TestClient) -> None:
    first = owner.get(f"/journeys/{JOURNEY}/poster.svg?v=1")
    assert first.status_code == 200
    assert first.headers["content-type"] == "image/svg+xml"
    assert "content-disposition" not in first.headers
    cache = owner.app.state.journey_posters  # type: ignore[attr-defined]
    assert cache.get((JOURNEY, 1, "svg", "A3")) is not None
    owner.post(
        f"{API}/touchpoints", json={"base_version": 1, "stage_id": "use", "name": "Drone drop"}
    )
    page = owner.get(f"/journeys/{JOURNEY}").text
    assert "poster.svg?v=2" in page
    second = owner.get(f"/journeys/{JOURNEY}/poster.svg?v=2")
    assert b"Drone drop" in second.content
    assert b"Drone drop" not in first.content
    download = owner.get(f"/journeys/{JOURNEY}/poster.pdf?download=true")
    assert download.headers["content-type"] == "application/pdf"
    assert "attachment" in download.headers["content-disposition"]
    assert owner.get(f"/journeys/{JOURNEY}/poster.doc").status_code == 422


def test_the_poster_api(owner: TestClient, viewer: TestClient) -> None:
    svg = viewer.get(f"{API}/poster")
    assert svg.status_code == 200
    assert svg.headers["content-type"] == "image/svg+xml"
    html = owner.get(f"{API}/poster", params={"format": "html", "size": "screen"})
    assert html.headers["content-type"].startswith("text/html")
    assert "attachment" in html.headers["content-disposition"]
    assert owner.get(f"{API}/poster", params={"size": "A9"}).status_code == 422
    assert owner.get("/api/v1/journeys/nope/poster").status_code == 404


def test_the_openapi_document_describes_the_journeys_api(owner: TestClient) -> None:
    document = owner.get("/api/v1/openapi.json").json()
    paths = document["paths"]
    for path, methods in {
        "/api/v1/journeys": {"get", "post"},
        "/api/v1/journeys/{journey_id}": {"get", "put"},
        "/api/v1/journeys/{journey_id}/stages": {"post"},
        "/api/v1/journeys/{journey_id}/stages/{stage_id}": {"patch", "delete"},
        "/api/v1/journeys/{journey_id}/stages/{stage_id}/move": {"post"},
        "/api/v1/journeys/{journey_id}/touchpoints": {"post"},
        "/api/v1/journeys/{journey_id}/touchpoints/{touchpoint_id}": {"patch", "delete"},
        "/api/v1/journeys/{journey_id}/touchpoints/{touchpoint_id}/move": {"post"},
        "/api/v1/journeys/{journey_id}/poster": {"get"},
    }.items():
        assert methods <= set(paths[path]), path
    assert "409" in paths["/api/v1/journeys/{journey_id}"]["put"]["responses"]
    assert not [p for p in paths if p.startswith("/journeys")]  # pages stay out of it
