"""The journeys' history: append-only versions (whole documents) and deletion records.

Nothing here updates or deletes a version; "restore" and "delete" append. Functions take
an open connection so the caller decides the transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from journeymap.store.errors import NotFoundError, choices
from journeymap.store.tables import journey_deletions, journey_versions, journeys


@dataclass(frozen=True)
class VersionInfo:
    """One saved version of a journey: who saved it, when (UTC) and why."""

    journey_id: str
    number: int
    author: str
    created_at: dt.datetime
    message: str

    def describe(self) -> str:
        """``version 3 (saved by alice at 2025-05-01 09:30:00 UTC: "rename checkout")``."""
        when = self.created_at.strftime("%Y-%m-%d %H:%M:%S UTC")
        return f'version {self.number} (saved by {self.author} at {when}: "{self.message}")'


@dataclass(frozen=True)
class Deletion:
    """A journey taken out of the current state; its versions stay readable."""

    journey_id: str
    after_version: int
    author: str
    deleted_at: dt.datetime

    def describe(self) -> str:
        """``deleted by bob at 2025-05-02 10:00:00 UTC after version 4``."""
        when = self.deleted_at.strftime("%Y-%m-%d %H:%M:%S UTC")
        return f"deleted by {self.author} at {when} after version {self.after_version}"


_INFO_COLUMNS = (
    journey_versions.c.journey_id,
    journey_versions.c.number,
    journey_versions.c.author,
    journey_versions.c.created_at,
    journey_versions.c.message,
)


def _info(row: Mapping[str, Any]) -> VersionInfo:
    return VersionInfo(**row)


def now() -> dt.datetime:
    """The timestamp a version gets: aware UTC, to the microsecond both databases keep."""
    return dt.datetime.now(dt.UTC)


def version_infos(connection: Connection, journey_id: str) -> list[VersionInfo]:
    """Every version of the journey, oldest first; empty if it never existed."""
    query = (
        sa.select(*_INFO_COLUMNS)
        .where(journey_versions.c.journey_id == journey_id)
        .order_by(journey_versions.c.number)
    )
    return [_info(row._asdict()) for row in connection.execute(query)]


def version_info(connection: Connection, journey_id: str, number: int) -> VersionInfo | None:
    """One version's metadata, or ``None``."""
    row = connection.execute(
        sa.select(*_INFO_COLUMNS).where(
            journey_versions.c.journey_id == journey_id, journey_versions.c.number == number
        )
    ).one_or_none()
    return None if row is None else _info(row._asdict())


def version_document(connection: Connection, journey_id: str, number: int) -> dict[str, Any]:
    """The journey document saved as this version; :class:`NotFoundError` names the others."""
    stored = connection.execute(
        sa.select(journey_versions.c.document).where(
            journey_versions.c.journey_id == journey_id, journey_versions.c.number == number
        )
    ).scalar_one_or_none()
    if stored is None:
        raise not_found(connection, journey_id, version=number)
    return dict(stored)


def last_number(connection: Connection, journey_id: str) -> int:
    """The highest version number the journey ever had (0 if none)."""
    query = sa.select(sa.func.max(journey_versions.c.number)).where(
        journey_versions.c.journey_id == journey_id
    )
    return connection.execute(query).scalar_one_or_none() or 0


def append_version(
    connection: Connection,
    journey_id: str,
    number: int,
    *,
    author: str,
    message: str,
    document: dict[str, Any],
) -> VersionInfo:
    """Record a new version; the primary key refuses a number that is already taken."""
    info = VersionInfo(journey_id, number, author, now(), message)
    connection.execute(
        sa.insert(journey_versions).values(
            journey_id=journey_id,
            number=number,
            author=author,
            created_at=info.created_at,
            message=message,
            document=document,
        )
    )
    return info


def record_deletion(
    connection: Connection, journey_id: str, *, after_version: int, author: str
) -> None:
    """Note who took the journey out of the current state, after which version."""
    connection.execute(
        sa.insert(journey_deletions).values(
            journey_id=journey_id, after_version=after_version, author=author, deleted_at=now()
        )
    )


def last_deletion(connection: Connection, journey_id: str) -> Deletion | None:
    """The journey's most recent deletion, if it has one."""
    row = connection.execute(
        sa.select(journey_deletions)
        .where(journey_deletions.c.journey_id == journey_id)
        .order_by(journey_deletions.c.after_version.desc())
        .limit(1)
    ).one_or_none()
    if row is None:
        return None
    return Deletion(row.journey_id, row.after_version, row.author, row.deleted_at)


def not_found(
    connection: Connection, journey_id: str, *, version: int | None = None
) -> NotFoundError:
    """The error for an unknown journey or version, naming what does exist."""
    numbers = [info.number for info in version_infos(connection, journey_id)]
    if version is not None and numbers:
        return NotFoundError(
            f"journey {journey_id!r} has no version {version}; "
            f"it has versions {numbers[0]} to {numbers[-1]}."
        )
    current = connection.execute(sa.select(journeys.c.id).order_by(journeys.c.position)).scalars()
    return NotFoundError(
        f"unknown journey {journey_id!r}. Journeys in this store: "
        f"{choices(current, none='none yet (save a workspace or a journey first)')}."
    )
