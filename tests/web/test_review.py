"""The customer at the table: their review page shows only what is theirs to see, their
answers count as validations, and staff read the counts; staff answers never count."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from web_helpers import JOURNEY, csrf_of, login

from journeymap.model import Journey

REVIEW = f"/review/{JOURNEY}"
API_REVIEW = f"/api/v1/review/{JOURNEY}"
VALIDATIONS = f"/api/v1/journeys/{JOURNEY}/validations"


def invite(owner: TestClient, name: str, journey_id: str = JOURNEY) -> str:
    answer = owner.post(f"/api/v1/journeys/{journey_id}/invitations", json={"name": name})
    assert answer.status_code == 201, answer.text
    link: str = answer.json()["link"]
    return link[link.index("/invite/") :]


def accept(client: TestClient, path: str) -> None:
    """Open the link and press Start, as the customer does; the client is then logged in."""
    assert client.get(path).status_code == 200
    answer = client.post(path, follow_redirects=False)
    assert answer.status_code == 303, answer.text
    assert answer.headers["location"] == REVIEW
    client.headers["X-CSRF-Token"] = csrf_of(client, REVIEW)


@pytest.fixture
def customer(owner: TestClient, new_client: Callable[[], TestClient]) -> TestClient:
    client = new_client()
    accept(client, invite(owner, "Casey Customer"))
    return client


@pytest.fixture
def journey(web_app: FastAPI) -> Journey:
    found: Journey = web_app.state.context.workspace.journey(JOURNEY)
    return found


@pytest.fixture
def second_journey(web_app: FastAPI, journey: Journey) -> str:
    other = journey.model_copy(update={"id": "second-order", "name": "Second order"})
    web_app.state.context.workspace.save_journey(other, base_version=None, message="a copy")
    return other.id


def internal_texts(journey: Journey) -> list[str]:
    """Text of the map that a customer must never receive."""
    texts: list[str] = ["decision_maker", "pain_point", "hygiene_factor", "delighter"]
    texts += ["impact_rank", "owner_team", "performance", "event_rule"]
    for stage in journey.stages:
        texts += [stage.company_success, stage.effort_notes, *stage.company_influence]
        texts += [*stage.open_questions, *stage.concerns, *stage.barriers]
        for touchpoint in stage.touchpoints:
            if touchpoint.event_rule is not None:
                texts += [touchpoint.event_rule.where or ""]
    texts += [evidence.text.strip()[:40] for evidence in journey.evidence]
    texts += [opportunity.title for opportunity in journey.opportunities]
    texts += [opportunity.description for opportunity in journey.opportunities]
    return [text for text in texts if len(text) >= 4]


def allowed_text(journey: Journey) -> str:
    parts = [journey.name]
    for stage in journey.stages:
        parts += [stage.name, stage.description, *stage.goals, *stage.actions]
        for touchpoint in stage.touchpoints:
            parts += [touchpoint.name, touchpoint.description, touchpoint.channel.value]
    return "\n".join(parts)


def keys_of(value: Any) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for inner in value.values() for k in keys_of(inner)}
    if isinstance(value, list):
        return {k for inner in value for k in keys_of(inner)}
    return set()


def test_the_customer_sees_only_customer_facing_fields(
    customer: TestClient, journey: Journey, web_app: FastAPI
) -> None:
    teams = [team.name for team in web_app.state.context.workspace.load().teams]
    allowed = allowed_text(journey)
    forbidden = [t for t in [*internal_texts(journey), *teams] if t not in allowed]
    assert len(forbidden) > 20  # the check means something
    page = html.unescape(customer.get(REVIEW).text)
    answer = customer.get(API_REVIEW)
    assert answer.status_code == 200
    text = json.dumps(answer.json(), ensure_ascii=False)
    for secret in forbidden:
        assert secret not in page, secret
        assert secret not in text, secret
    assert journey.stages[0].goals[0] in page
    assert journey.stages[0].touchpoints[0].name in page
    assert keys_of(answer.json()) <= {
        "journey_id", "name", "stages", "answered", "items", "id", "description", "goals",
        "actions", "touchpoints", "channel", "answer", "verdict", "feeling", "comment",
        "updated_at",
    }  # fmt: skip


def test_feelings_are_five_labelled_choices(customer: TestClient) -> None:
    page = customer.get(REVIEW).text
    form = page[page.index('<form class="review-answer"') :]
    form = form[: form.index("</form>")]
    assert re.findall(r'name="feeling" value="(-?\d)"', form) == ["-2", "-1", "0", "1", "2"]
    for word in ("Awful", "Not good", "Okay", "Good", "Delighted"):
        assert word in form


def test_a_customer_reaches_nothing_but_their_review(
    customer: TestClient, second_journey: str
) -> None:
    for path in (
        f"/journeys/{JOURNEY}",
        f"/journeys/{JOURNEY}/validations",
        f"/journeys/{JOURNEY}/items/stage/awareness",
        "/api/v1/journeys",
        VALIDATIONS,
        f"/review/{second_journey}",
        f"/api/v1/review/{second_journey}",
        "/people",
        "/account",
        "/api/v1/me",
    ):
        assert customer.get(path, follow_redirects=False).status_code == 404, path
    answer = customer.put(
        f"/api/v1/review/{second_journey}/items/stage/awareness", json={"verdict": "confirmed"}
    )
    assert answer.status_code == 404
    assert customer.get(f"{REVIEW}/done").status_code == 200


def test_an_invitation_link_works_once(
    owner: TestClient, new_client: Callable[[], TestClient]
) -> None:
    path = invite(owner, "Pat")
    accept(new_client(), path)
    again = new_client().post(path, follow_redirects=False)
    assert again.status_code == 410
    assert "not valid" in again.text


def test_answers_count_as_validations(
    owner: TestClient, customer: TestClient, new_client: Callable[[], TestClient]
) -> None:
    other = new_client()
    accept(other, invite(owner, "Robin"))
    # The form (no JavaScript) goes back to the item's anchor with "saved".
    answer = customer.post(
        f"{REVIEW}/items/touchpoint/social-ad",
        data={"verdict": "confirmed", "feeling": "1", "comment": ""},
        follow_redirects=False,
    )
    assert answer.status_code == 303
    assert answer.headers["location"] == f"{REVIEW}?saved=touchpoint-social-ad#touchpoint-social-ad"
    page = customer.get(answer.headers["location"]).text
    assert 'value="confirmed" checked' in page
    assert ">saved<" in page
    saved = other.put(
        f"{API_REVIEW}/items/touchpoint/social-ad",
        json={"verdict": "disputed", "feeling": -2, "comment": "I never saw <b>that</b> ad"},
    )
    assert saved.status_code == 200, saved.text
    assert saved.json()["verdict"] == "disputed"
    other.put(f"{API_REVIEW}/items/stage/awareness", json={"verdict": "confirmed", "feeling": 0})
    other.put(f"{API_REVIEW}/items/stage/awareness", json={"verdict": "confirmed", "feeling": 2})

    summary = owner.get(VALIDATIONS).json()
    items = {(i["item_kind"], i["item_id"]): i for i in summary["items"]}
    touchpoint = items[("touchpoint", "social-ad")]
    assert (touchpoint["state"], touchpoint["confirmations"], touchpoint["disputes"]) == (
        "disputed", 1, 1,
    )  # fmt: skip
    assert touchpoint["label"] == "disputed by 1, confirmed by 1"
    assert touchpoint["mean_feeling"] == -0.5
    assert {a["customer"] for a in touchpoint["answers"]} == {"Casey Customer", "Robin"}
    stage = items[("stage", "awareness")]
    assert (stage["label"], stage["responses"], stage["mean_feeling"]) == ("confirmed by 1", 1, 2)
    assert items[("touchpoint", "search-result")]["label"] == "hypothesis"
    assert summary["last_validated_at"] is not None

    staff_page = owner.get(f"/journeys/{JOURNEY}/validations").text
    assert "Robin" in staff_page
    assert "disputed by 1" in staff_page
    assert "I never saw &lt;b&gt;that&lt;/b&gt; ad" in staff_page
    # The customer sees their own answers, never the other customer's.
    mine = customer.get(API_REVIEW).json()
    assert mine["answered"] == 1
    assert "I never saw" not in customer.get(REVIEW).text


def test_staff_may_preview_but_their_answers_do_not_count(
    owner: TestClient, new_client: Callable[[], TestClient]
) -> None:
    page = owner.get(REVIEW)
    assert page.status_code == 200
    assert "previewing" in page.text
    refused = owner.put(f"{API_REVIEW}/items/stage/awareness", json={"verdict": "confirmed"})
    assert refused.status_code == 403
    assert "only invited customers" in refused.json()["detail"]
    form = owner.post(f"{REVIEW}/items/stage/awareness", data={"verdict": "confirmed"})
    assert form.status_code == 403
    assert owner.get(VALIDATIONS).json()["last_validated_at"] is None
    editor = new_client()
    editor.headers["X-CSRF-Token"] = login(editor, "eddie")
    assert editor.get(REVIEW).status_code == 403
    assert editor.get(VALIDATIONS).status_code == 200


def test_bad_answers_are_refused_with_reasons(customer: TestClient) -> None:
    assert (
        customer.put(f"{API_REVIEW}/items/stage/awareness", json={"feeling": 3}).status_code == 422
    )
    assert (
        customer.put(f"{API_REVIEW}/items/opportunity/wallet-payment", json={}).status_code == 422
    )
    missing = customer.put(f"{API_REVIEW}/items/stage/nowhere", json={"verdict": "confirmed"})
    assert missing.status_code == 404
    assert "nowhere" in missing.json()["detail"]
    no_csrf = customer.put(
        f"{API_REVIEW}/items/stage/awareness", json={}, headers={"X-CSRF-Token": ""}
    )
    assert no_csrf.status_code == 403


def test_the_api_is_described(owner: TestClient) -> None:
    paths = owner.get("/api/v1/openapi.json").json()["paths"]
    assert {"get"} <= set(paths["/api/v1/review/{journey_id}"])
    assert {"put"} <= set(paths["/api/v1/review/{journey_id}/items/{kind}/{item_id}"])
    assert {"get"} <= set(paths["/api/v1/journeys/{journey_id}/validations"])
    assert not any(path.startswith("/review") for path in paths)


def test_owners_can_invite_without_javascript(owner: TestClient) -> None:
    page = owner.get(f"/journeys/{JOURNEY}").text
    assert f'action="/journeys/{JOURNEY}/invitations"' in page
    answer = owner.post(
        f"/journeys/{JOURNEY}/invitations",
        data={"name": "Sam", "csrf_token": owner.headers["X-CSRF-Token"]},
    )
    assert answer.status_code == 200
    assert "/invite/" in answer.text
