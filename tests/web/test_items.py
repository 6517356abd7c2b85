"""The item page: comment threads with @team mentions, evidence with files kept safe, and
the feedback assigned to a touchpoint."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from web_helpers import JOURNEY, login

from journeymap.web.evidence_files import MAX_BYTES

ITEM = f"/journeys/{JOURNEY}/items/touchpoint/social-ad"
API_ITEM = f"/api/v1{ITEM}"
PDF = b"%PDF-1.4\n% a tiny document\n"


@pytest.fixture
def viewer(new_client: Callable[[], TestClient]) -> TestClient:
    client = new_client()
    client.headers["X-CSRF-Token"] = login(client, "vera")
    return client


@pytest.fixture
def editor(new_client: Callable[[], TestClient]) -> TestClient:
    client = new_client()
    client.headers["X-CSRF-Token"] = login(client, "eddie")
    return client


def evidence_files(workspace: Path) -> list[Path]:
    return sorted(p for p in (workspace / "evidence").rglob("*") if p.is_file())


def test_comments_make_threads_with_mentions_and_resolve(
    viewer: TestClient, owner: TestClient
) -> None:
    made = viewer.post(
        f"{ITEM}/comments",
        data={"body": "@marketing is this ad still running? ask @nobody <script>x</script>"},
        follow_redirects=False,
    )
    assert made.status_code == 303
    root_id = int(re.search(r"#comment-(\d+)$", made.headers["location"]).group(1))  # type: ignore[union-attr]
    reply = owner.post(
        f"{API_ITEM}/comments", json={"body": "yes, until May", "parent_id": root_id}
    )
    assert reply.status_code == 201, reply.text
    assert reply.json()["parent_id"] == root_id
    assert reply.json()["author"] == "olive"

    threads = owner.get(API_ITEM).json()["threads"]
    assert len(threads) == 1
    assert threads[0]["root"]["mentions"] == ["marketing"]
    assert [r["body"] for r in threads[0]["replies"]] == ["yes, until May"]
    page = viewer.get(ITEM).text
    assert '<a class="mention" href="/my-touchpoints?team=marketing">@marketing</a>' in page
    assert "@nobody" in page
    assert "team=nobody" not in page
    assert "&lt;script&gt;x&lt;/script&gt;" in page
    assert "<script>x" not in page

    resolved = viewer.post(f"{ITEM}/comments/{root_id}/resolve", follow_redirects=False)
    assert resolved.status_code == 303
    assert owner.get(API_ITEM).json()["threads"][0]["resolved"] is True
    elsewhere = owner.post(
        f"/api/v1/journeys/{JOURNEY}/items/stage/awareness/comments/{root_id}/resolve"
    )
    assert elsewhere.status_code == 404
    assert (
        owner.post(f"{API_ITEM}/comments", json={"body": "x", "parent_id": 999}).status_code == 404
    )


def test_evidence_without_a_file_is_a_new_version(editor: TestClient, owner: TestClient) -> None:
    head = owner.get(API_ITEM).json()["head_version"]
    added = editor.post(
        f"{API_ITEM}/evidence",
        data={"text": "Three parents said the ad looked like a scam", "source": "interview",
              "base_version": str(head)},
    )  # fmt: skip
    assert added.status_code == 201, added.text
    assert added.json()["file"] is None
    assert added.json()["touchpoint"] == "social-ad"
    item = owner.get(API_ITEM).json()
    assert item["head_version"] == head + 1
    assert [e["text"] for e in item["evidence"]] == ["Three parents said the ad looked like a scam"]
    stale = editor.post(
        f"{API_ITEM}/evidence",
        data={"text": "another", "source": "workshop", "base_version": str(head)},
    )
    assert stale.status_code == 409
    page = owner.get(ITEM).text
    assert "looked like a scam" in page
    versions = owner.app.state.context.workspace.store.versions(JOURNEY)  # type: ignore[attr-defined]
    assert versions[-1].author == "eddie"


def test_evidence_with_a_file_is_stored_safely_and_served_as_attachment(
    editor: TestClient, owner: TestClient, web_workspace: Path
) -> None:
    added = editor.post(
        f"{ITEM}/evidence",
        data={"text": "Workshop notes", "source": "workshop"},
        files={"file": ("../../../../evil.PDF", PDF, "application/pdf")},
        follow_redirects=False,
    )
    assert added.status_code == 303, added.text
    stored = evidence_files(web_workspace)
    assert len(stored) == 1
    assert stored[0].parent == web_workspace / "evidence" / JOURNEY
    assert re.fullmatch(r"[0-9a-f]{32}\.pdf", stored[0].name)
    assert not list(web_workspace.parent.rglob("evil*"))
    entry = owner.get(API_ITEM).json()["evidence"][0]
    assert entry["id"] == f"file-{stored[0].stem}"
    download = owner.get(entry["file"])
    assert download.status_code == 200
    assert download.content == PDF
    assert download.headers["content-disposition"].startswith("attachment")
    assert download.headers["x-content-type-options"] == "nosniff"
    assert owner.get(f"/api/v1{entry['file']}").content == PDF
    assert owner.get(f"{ITEM}/evidence/file-{'0' * 32}/file").status_code == 404


@pytest.mark.parametrize("name", ["../../journeymap.db", "..\\..\\journeymap.yaml", "noextension"])
def test_a_file_name_cannot_choose_where_or_what_is_written(
    editor: TestClient, web_workspace: Path, name: str
) -> None:
    before = (web_workspace / "journeymap.db").read_bytes()
    refused = editor.post(
        f"{API_ITEM}/evidence",
        data={"text": "x", "source": "interview"},
        files={"file": (name, b"overwrite", "application/octet-stream")},
    )
    assert refused.status_code == 415
    assert "not accepted" in refused.json()["detail"]
    assert evidence_files(web_workspace) == []
    assert (web_workspace / "journeymap.db").read_bytes() == before


def test_an_oversize_file_is_refused_with_413(editor: TestClient, web_workspace: Path) -> None:
    answer = editor.post(
        f"{API_ITEM}/evidence",
        data={"text": "the whole recording", "source": "interview"},
        files={"file": ("recording.mp3", b"\0" * (MAX_BYTES + 1), "audio/mpeg")},
    )
    assert answer.status_code == 413
    assert "larger than 10 MB" in answer.json()["detail"]
    assert evidence_files(web_workspace) == []


def test_viewers_comment_but_do_not_add_evidence(viewer: TestClient) -> None:
    assert viewer.post(f"{API_ITEM}/comments", json={"body": "looks right"}).status_code == 201
    refused = viewer.post(f"{API_ITEM}/evidence", data={"text": "x", "source": "interview"})
    assert refused.status_code == 403
    page = viewer.get(ITEM).text
    assert "Attach evidence" not in page
    assert "New comment" in page


def test_every_kind_of_item_has_a_page(owner: TestClient) -> None:
    for kind, item_id, name in (
        ("stage", "awareness", "Awareness"),
        ("opportunity", "wallet-payment", "One-tap wallet payment on mobile"),
        ("evidence", "payment-fails-on-mobile", "payment-fails-on-mobile"),
    ):
        page = owner.get(f"/journeys/{JOURNEY}/items/{kind}/{item_id}")
        assert page.status_code == 200, (kind, page.text)
        assert name in page.text
    assert owner.get(f"/journeys/{JOURNEY}/items/stage/nowhere").status_code == 404
    assert owner.get(f"/journeys/{JOURNEY}/items/persona/x").status_code == 422
    on_opportunity = owner.post(
        f"/api/v1/journeys/{JOURNEY}/items/opportunity/wallet-payment/evidence",
        data={"text": "x", "source": "interview"},
    )
    assert on_opportunity.status_code == 422


def test_a_touchpoint_without_imported_feedback_says_so(owner: TestClient) -> None:
    found = owner.get(f"/api/v1/journeys/{JOURNEY}/items/touchpoint/social-ad/feedback")
    assert found.status_code == 200
    assert found.json()["available"] is False
    assert found.json()["message"]
    assert "Customer feedback" in owner.get(ITEM).text
    corrected = owner.put(
        f"/api/v1/journeys/{JOURNEY}/items/touchpoint/social-ad/feedback/f1/assignment",
        json={"touchpoint": "search-result"},
    )
    assert corrected.status_code == 400
