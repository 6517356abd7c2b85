"""Working on maps together: comments, customers' validations, reviews and background jobs.

This module only keeps rows; what a comment may mention, which items exist in a journey,
what counts as a valid feeling and how a journey goes stale is policy and lives in
:mod:`journeymap.services.collaboration` (jobs: :mod:`journeymap.services.jobs`). Rows
point at map items by ``(journey_id, item_kind, item_id)`` rather than by foreign keys,
so that a comment or a validation outlives the stage it was about, as versions do.

>>> collaboration = store.collaboration  # doctest: +SKIP
>>> note = collaboration.add_comment("buy", "touchpoint", "payment", user_id=1,
...     body="@payments the form times out", mentions=["payments"], now=now)  # doctest: +SKIP
>>> [c.body for c in collaboration.comments_on("buy")]  # doctest: +SKIP
['@payments the form times out']
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError

from journeymap.store.engine import writer
from journeymap.store.errors import NotFoundError
from journeymap.store.rows import record_of
from journeymap.store.tables import comments, jobs, journey_reviews, validations

ITEM_KINDS = ("journey", "stage", "touchpoint", "opportunity", "evidence")
"""What a comment can be about: the journey itself or one of its parts."""

VALIDATION_ITEM_KINDS = ("stage", "touchpoint")
"""What a customer can confirm or dispute: the parts of the journey they lived."""

JOB_STATUSES = ("queued", "running", "done", "failed")
"""A job's life, in order; ``done`` and ``failed`` are final."""


@dataclass(frozen=True, slots=True)
class Comment:
    """A remark on one item of a journey; a reply names the root of its thread."""

    id: int
    journey_id: str
    item_kind: str
    item_id: str
    parent_id: int | None
    user_id: int
    body: str
    mentions: list[str]
    created_at: dt.datetime
    resolved_at: dt.datetime | None

    @property
    def thread_id(self) -> int:
        """The id of the comment that started this thread (its own id for a root)."""
        return self.id if self.parent_id is None else self.parent_id

    @property
    def resolved(self) -> bool:
        return self.resolved_at is not None


@dataclass(frozen=True, slots=True)
class CustomerValidation:
    """One person's word on a stage or touchpoint: true to life or not, and how it felt."""

    id: int
    journey_id: str
    item_kind: str
    item_id: str
    user_id: int
    verdict: str | None
    feeling: int | None
    comment: str
    created_at: dt.datetime
    updated_at: dt.datetime


@dataclass(frozen=True, slots=True)
class Review:
    """A team's statement that it looked at the whole journey and it is still true."""

    id: int
    journey_id: str
    user_id: int
    reviewed_at: dt.datetime
    note: str


@dataclass(frozen=True, slots=True)
class Job:
    """Work the web app runs in the background (an import, a poster), and how far it got."""

    id: str
    kind: str
    status: str
    progress: float
    message: str
    created_by: int | None
    created_at: dt.datetime
    finished_at: dt.datetime | None
    result: Any
    error: str | None

    @property
    def finished(self) -> bool:
        return self.status in ("done", "failed")


def check_item_kind(item_kind: str, allowed: tuple[str, ...] = ITEM_KINDS) -> None:
    """Refuse an item kind outside ``allowed`` with a message that names the allowed ones."""
    if item_kind not in allowed:
        raise ValueError(f"unknown item kind {item_kind!r}; use one of {', '.join(allowed)}")


def _comment(row: Any) -> Comment:
    return record_of(Comment, row)


class Collaboration:
    """The collaboration side of a store; get it from :attr:`journeymap.store.Store.collaboration`."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._writer = writer(engine)

    # -- comments --------------------------------------------------------------------------

    def add_comment(
        self,
        journey_id: str,
        item_kind: str,
        item_id: str,
        *,
        user_id: int,
        body: str,
        mentions: list[str],
        now: dt.datetime,
        parent_id: int | None = None,
    ) -> Comment:
        """Store a comment, or a reply when ``parent_id`` is given.

        A reply must be on the same item as its parent. A reply to a reply joins the same
        thread (``parent_id`` becomes the thread's root): threads are one level deep, as
        people read them, and ordering by thread stays one indexed column.
        """
        check_item_kind(item_kind)
        with self._writer.begin() as connection:
            if parent_id is not None:
                parent = self._comment_in(connection, parent_id)
                where = (parent.journey_id, parent.item_kind, parent.item_id)
                if where != (journey_id, item_kind, item_id):
                    raise ValueError(
                        f"comment {parent_id} is on {parent.item_kind} {parent.item_id!r} of "
                        f"journey {parent.journey_id!r}, not on {item_kind} {item_id!r} of "
                        f"journey {journey_id!r}; a reply must be on the same item as the "
                        "comment it answers"
                    )
                parent_id = parent.thread_id
            new_id = connection.execute(
                comments.insert().values(
                    journey_id=journey_id,
                    item_kind=item_kind,
                    item_id=item_id,
                    parent_id=parent_id,
                    user_id=user_id,
                    body=body,
                    mentions=list(mentions),
                    created_at=now,
                )
            ).inserted_primary_key
            assert new_id is not None
            return self._comment_in(connection, int(new_id[0]))

    def comment(self, comment_id: int) -> Comment:
        with self._engine.connect() as connection:
            return self._comment_in(connection, comment_id)

    def comments_on(
        self, journey_id: str, item_kind: str | None = None, item_id: str | None = None
    ) -> list[Comment]:
        """A journey's comments (or one kind's, or one item's), thread by thread, oldest first."""
        if item_kind is not None:
            check_item_kind(item_kind)
        query = comments.select().where(comments.c.journey_id == journey_id)
        if item_kind is not None:
            query = query.where(comments.c.item_kind == item_kind)
        if item_id is not None:
            query = query.where(comments.c.item_id == item_id)
        thread = sa.func.coalesce(comments.c.parent_id, comments.c.id)
        is_reply = comments.c.parent_id.is_not(None)  # the root first, then its replies
        query = query.order_by(thread, is_reply, comments.c.created_at, comments.c.id)
        with self._engine.connect() as connection:
            return [_comment(row) for row in connection.execute(query)]

    def resolve_comment(self, comment_id: int, now: dt.datetime) -> Comment:
        """Mark a comment resolved; resolving it again keeps the first time."""
        with self._writer.begin() as connection:
            self._comment_in(connection, comment_id)
            connection.execute(
                comments.update()
                .where(comments.c.id == comment_id, comments.c.resolved_at.is_(None))
                .values(resolved_at=now)
            )
            return self._comment_in(connection, comment_id)

    def comments_mentioning(self, team_id: str) -> list[Comment]:
        """Comments that mention a team, newest first (the team's inbox)."""
        # JSON containment differs between SQLite and PostgreSQL; a LIKE on the JSON text
        # narrows the rows portably and the exact check below removes near misses.
        quoted = sa.cast(comments.c.mentions, sa.Text).contains(f'"{team_id}"', autoescape=True)
        query = (
            comments.select()
            .where(quoted)
            .order_by(comments.c.created_at.desc(), comments.c.id.desc())
        )
        with self._engine.connect() as connection:
            found = [_comment(row) for row in connection.execute(query)]
        return [comment for comment in found if team_id in comment.mentions]

    def _comment_in(self, connection: Connection, comment_id: int) -> Comment:
        row = connection.execute(comments.select().where(comments.c.id == comment_id)).first()
        if row is None:
            raise NotFoundError(f"no comment with id {comment_id}")
        return _comment(row)

    # -- validations -----------------------------------------------------------------------

    def record_validation(
        self,
        journey_id: str,
        item_kind: str,
        item_id: str,
        *,
        user_id: int,
        verdict: str | None,
        feeling: int | None,
        comment: str,
        now: dt.datetime,
    ) -> CustomerValidation:
        """Keep one person's latest word on an item: a second call replaces the first."""
        check_item_kind(item_kind, VALIDATION_ITEM_KINDS)
        key = (
            validations.c.journey_id == journey_id,
            validations.c.item_kind == item_kind,
            validations.c.item_id == item_id,
            validations.c.user_id == user_id,
        )
        values = {"verdict": verdict, "feeling": feeling, "comment": comment, "updated_at": now}
        with self._writer.begin() as connection:
            if not connection.execute(validations.update().where(*key).values(values)).rowcount:
                try:
                    # A savepoint: on PostgreSQL two first answers can race; the loser updates.
                    with connection.begin_nested():
                        connection.execute(
                            validations.insert().values(
                                journey_id=journey_id, item_kind=item_kind, item_id=item_id,
                                user_id=user_id, created_at=now, **values,
                            )
                        )  # fmt: skip
                except IntegrityError:
                    if not connection.execute(
                        validations.update().where(*key).values(values)
                    ).rowcount:
                        raise
            row = connection.execute(validations.select().where(*key)).one()
        return record_of(CustomerValidation, row)

    def validations_of(
        self, journey_id: str, user_id: int | None = None
    ) -> list[CustomerValidation]:
        """A journey's validations (or one person's), in the order they were first given."""
        query = validations.select().where(validations.c.journey_id == journey_id)
        if user_id is not None:
            query = query.where(validations.c.user_id == user_id)
        with self._engine.connect() as connection:
            rows = connection.execute(query.order_by(validations.c.id)).all()
        return [record_of(CustomerValidation, row) for row in rows]

    # -- reviews ---------------------------------------------------------------------------

    def add_review(self, journey_id: str, *, user_id: int, note: str, now: dt.datetime) -> Review:
        with self._writer.begin() as connection:
            new_id = connection.execute(
                journey_reviews.insert().values(
                    journey_id=journey_id, user_id=user_id, reviewed_at=now, note=note
                )
            ).inserted_primary_key
            assert new_id is not None
            row = connection.execute(
                journey_reviews.select().where(journey_reviews.c.id == int(new_id[0]))
            ).one()
        return record_of(Review, row)

    def last_review(self, journey_id: str) -> Review | None:
        """The latest review of a journey, or ``None`` when nobody reviewed it yet."""
        query = (
            journey_reviews.select()
            .where(journey_reviews.c.journey_id == journey_id)
            .order_by(journey_reviews.c.reviewed_at.desc(), journey_reviews.c.id.desc())
            .limit(1)
        )
        with self._engine.connect() as connection:
            row = connection.execute(query).first()
        return None if row is None else record_of(Review, row)

    # -- jobs ------------------------------------------------------------------------------

    def add_job(self, kind: str, *, created_by: int | None, now: dt.datetime) -> Job:
        """A new job, queued, under a random id that is safe to show in a URL."""
        job_id = uuid.uuid4().hex
        with self._writer.begin() as connection:
            connection.execute(
                jobs.insert().values(
                    id=job_id, kind=kind, status="queued", progress=0.0, message="",
                    created_by=created_by, created_at=now,
                )
            )  # fmt: skip
        return self.job(job_id)

    def update_job(self, job_id: str, **values: Any) -> Job:
        """Change a job's status, progress, message, result, error or finished_at."""
        allowed = {"status", "progress", "message", "result", "error", "finished_at"}
        unknown = set(values) - allowed
        if unknown:
            raise ValueError(f"cannot change {sorted(unknown)} of a job; only {sorted(allowed)}")
        if "status" in values and values["status"] not in JOB_STATUSES:
            raise ValueError(
                f"unknown job status {values['status']!r}; use one of {', '.join(JOB_STATUSES)}"
            )
        with self._writer.begin() as connection:
            changed = connection.execute(
                jobs.update().where(jobs.c.id == job_id).values(**values)
            ).rowcount
        if not changed:
            raise NotFoundError(f"no job with id {job_id!r}")
        return self.job(job_id)

    def job(self, job_id: str) -> Job:
        with self._engine.connect() as connection:
            row = connection.execute(jobs.select().where(jobs.c.id == job_id)).first()
        if row is None:
            raise NotFoundError(f"no job with id {job_id!r}")
        return record_of(Job, row)

    def recent_jobs(self, limit: int = 20) -> list[Job]:
        """The latest jobs, newest first."""
        query = jobs.select().order_by(jobs.c.created_at.desc(), jobs.c.id).limit(limit)
        with self._engine.connect() as connection:
            return [record_of(Job, row) for row in connection.execute(query)]
