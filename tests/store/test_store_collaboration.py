"""The collaboration rows: comment threads, one validation per person and item, reviews and
jobs, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import datetime as dt

import pytest

from journeymap.store import NotFoundError, Store
from journeymap.store.collaboration import Collaboration

T0 = dt.datetime(2025, 5, 1, 9, 0, tzinfo=dt.UTC)


def at(minutes: int) -> dt.datetime:
    return T0 + dt.timedelta(minutes=minutes)


@pytest.fixture
def rows(store: Store) -> Collaboration:
    return store.collaboration


@pytest.fixture
def ana(store: Store) -> int:
    return store.people.add_user(
        username="ana", display_name="Ana", role="editor", password_hash=None, now=T0
    ).id


@pytest.fixture
def bo(store: Store) -> int:
    return store.people.add_user(
        username="bo", display_name="Bo", role="customer", password_hash=None, now=T0
    ).id


def test_replies_follow_their_root_in_thread_order(rows: Collaboration, ana: int, bo: int) -> None:
    first = rows.add_comment("buy", "touchpoint", "payment", user_id=ana, body="slow",
                             mentions=["web"], now=at(0))  # fmt: skip
    rows.add_comment("buy", "touchpoint", "payment", user_id=bo, body="timed out",
                     mentions=[], now=at(1))  # fmt: skip
    reply = rows.add_comment("buy", "touchpoint", "payment", user_id=bo, body="agreed",
                             mentions=[], now=at(2), parent_id=first.id)  # fmt: skip
    # A reply to a reply joins the thread of the comment that started it.
    nested = rows.add_comment("buy", "touchpoint", "payment", user_id=ana, body="fixing",
                              mentions=[], now=at(3), parent_id=reply.id)  # fmt: skip
    rows.add_comment("buy", "stage", "checkout", user_id=ana, body="elsewhere", mentions=[],
                     now=at(4))  # fmt: skip

    assert (reply.parent_id, nested.parent_id, nested.thread_id) == (first.id, first.id, first.id)
    on_item = rows.comments_on("buy", "touchpoint", "payment")
    assert [c.body for c in on_item] == ["slow", "agreed", "fixing", "timed out"]
    assert on_item[0].mentions == ["web"]
    assert on_item[0].created_at == at(0)
    assert len(rows.comments_on("buy")) == 5
    assert [c.body for c in rows.comments_on("buy", "stage")] == ["elsewhere"]
    assert rows.comments_on("other") == []


def test_a_reply_must_be_on_the_same_item(rows: Collaboration, ana: int) -> None:
    root = rows.add_comment("buy", "touchpoint", "payment", user_id=ana, body="x", mentions=[],
                            now=at(0))  # fmt: skip
    with pytest.raises(ValueError, match="same item"):
        rows.add_comment("buy", "touchpoint", "search", user_id=ana, body="y", mentions=[],
                         now=at(1), parent_id=root.id)  # fmt: skip
    with pytest.raises(NotFoundError, match="no comment with id 999"):
        rows.add_comment("buy", "touchpoint", "payment", user_id=ana, body="y", mentions=[],
                         now=at(1), parent_id=999)  # fmt: skip


def test_unknown_item_kinds_are_refused_naming_the_allowed_ones(
    rows: Collaboration, ana: int
) -> None:
    with pytest.raises(ValueError, match="journey, stage, touchpoint, opportunity, evidence"):
        rows.add_comment("buy", "persona", "p", user_id=ana, body="x", mentions=[], now=T0)
    with pytest.raises(ValueError, match=r"use one of stage, touchpoint$"):
        rows.record_validation("buy", "opportunity", "o", user_id=ana, verdict=None,
                               feeling=None, comment="", now=T0)  # fmt: skip
    with pytest.raises(ValueError, match="unknown item kind"):
        rows.comments_on("buy", "personas")


def test_resolving_keeps_the_first_time(rows: Collaboration, ana: int) -> None:
    comment = rows.add_comment("buy", "journey", "buy", user_id=ana, body="x", mentions=[],
                               now=at(0))  # fmt: skip
    assert not comment.resolved
    assert rows.resolve_comment(comment.id, at(5)).resolved_at == at(5)
    assert rows.resolve_comment(comment.id, at(9)).resolved_at == at(5)
    with pytest.raises(NotFoundError):
        rows.resolve_comment(12345, at(9))


def test_comments_mentioning_a_team_match_the_whole_id(rows: Collaboration, ana: int) -> None:
    for minute, mentions in enumerate([["web"], ["web_x"], ["web", "support"], ["webby"], []]):
        rows.add_comment("buy", "journey", "buy", user_id=ana, body=str(minute),
                         mentions=mentions, now=at(minute))  # fmt: skip
    assert [c.body for c in rows.comments_mentioning("web")] == ["2", "0"]  # newest first
    # "_" is a LIKE wildcard; it must match only itself.
    assert [c.body for c in rows.comments_mentioning("web_x")] == ["1"]
    assert [c.body for c in rows.comments_mentioning("we")] == []


def test_a_second_validation_by_the_same_person_replaces_the_first(
    rows: Collaboration, ana: int, bo: int
) -> None:
    first = rows.record_validation("buy", "touchpoint", "payment", user_id=bo,
                                   verdict="confirmed", feeling=-2, comment="awful", now=at(0))  # fmt: skip
    again = rows.record_validation("buy", "touchpoint", "payment", user_id=bo,
                                   verdict="disputed", feeling=None, comment="", now=at(7))  # fmt: skip
    rows.record_validation("buy", "touchpoint", "payment", user_id=ana, verdict=None,
                           feeling=1, comment="", now=at(8))  # fmt: skip
    rows.record_validation("buy", "stage", "checkout", user_id=bo, verdict="confirmed",
                           feeling=0, comment="", now=at(9))  # fmt: skip

    assert again.id == first.id
    assert (again.verdict, again.feeling, again.comment) == ("disputed", None, "")
    assert (again.created_at, again.updated_at) == (at(0), at(7))
    everyone = rows.validations_of("buy")
    assert [(v.item_id, v.user_id) for v in everyone] == [
        ("payment", bo), ("payment", ana), ("checkout", bo)
    ]  # fmt: skip
    assert [v.item_id for v in rows.validations_of("buy", user_id=bo)] == ["payment", "checkout"]
    assert rows.validations_of("other") == []


def test_last_review_is_the_latest(rows: Collaboration, ana: int) -> None:
    assert rows.last_review("buy") is None
    rows.add_review("buy", user_id=ana, note="first look", now=at(0))
    rows.add_review("buy", user_id=ana, note="still true", now=at(60))
    rows.add_review("returns", user_id=ana, note="other journey", now=at(90))
    last = rows.last_review("buy")
    assert last is not None
    assert (last.note, last.reviewed_at, last.user_id) == ("still true", at(60), ana)


def test_jobs_are_queued_then_updated(rows: Collaboration, ana: int) -> None:
    job = rows.add_job("import", created_by=ana, now=at(0))
    assert len(job.id) == 32
    assert int(job.id, 16) >= 0
    assert (job.status, job.progress, job.message, job.result, job.error) == (
        "queued", 0.0, "", None, None
    )  # fmt: skip
    assert not job.finished
    running = rows.update_job(job.id, status="running", progress=0.5, message="halfway")
    assert (running.status, running.progress, running.message) == ("running", 0.5, "halfway")
    done = rows.update_job(job.id, status="done", result={"rows": [1, 2]}, finished_at=at(3))
    assert (done.result, done.finished_at, done.finished) == ({"rows": [1, 2]}, at(3), True)
    assert rows.job(job.id) == done


def test_job_updates_are_checked(rows: Collaboration) -> None:
    job = rows.add_job("poster", created_by=None, now=at(0))
    with pytest.raises(ValueError, match="cannot change \\['kind'\\]"):
        rows.update_job(job.id, kind="other")
    with pytest.raises(ValueError, match="queued, running, done, failed"):
        rows.update_job(job.id, status="finished")
    with pytest.raises(NotFoundError, match="no job with id 'nope'"):
        rows.update_job("nope", progress=1.0)
    with pytest.raises(NotFoundError):
        rows.job("nope")


def test_recent_jobs_newest_first(rows: Collaboration) -> None:
    made = [rows.add_job("import", created_by=None, now=at(minute)) for minute in range(4)]
    assert [j.id for j in rows.recent_jobs(limit=3)] == [j.id for j in reversed(made)][:3]
