"""Messages for refused saves: who changed what since your version, and how to go on.

A conflict is normal in a shared workspace, so the message must let the user resolve it
without help: name the versions saved since theirs (author, time, message) and give the
three ways forward — reload, reapply the change, or diff first.
"""

from __future__ import annotations

from sqlalchemy.engine import Connection

from journeymap.store import history, state
from journeymap.store.errors import ConflictError, NotFoundError

_SHOWN = 3  # versions listed in a message; more would bury the advice

ConflictOrNotFound = ConflictError | NotFoundError


def already_exists(connection: Connection, journey_id: str) -> ConflictError:
    """A save meant to create a journey that is already in the store."""
    head = state.head_version(connection, journey_id) or 0
    info = history.version_info(connection, journey_id, head)
    saved = f" at {info.describe()}" if info else ""
    return ConflictError(
        f"journey {journey_id!r} already exists{saved}; your journey was not saved. "
        f"To change it, reload version {head}, reapply your change and save with "
        f"base_version={head}; to add another journey, give it a new id.",
        journey_id=journey_id,
    )


def stale_base(connection: Connection, journey_id: str, base_version: int) -> ConflictOrNotFound:
    """A save whose base version is no longer the head (or never was)."""
    head = state.head_version(connection, journey_id)
    if head is None:
        deletion = history.last_deletion(connection, journey_id)
        if deletion is None:
            return history.not_found(connection, journey_id)
        return ConflictError(
            f"journey {journey_id!r} was {deletion.describe()}; your change to version "
            f"{base_version} was not saved. Bring the journey back with "
            f"restore({journey_id!r}, {deletion.after_version}) and reapply your change, "
            "or save it as a new journey (base_version=None).",
            journey_id=journey_id,
            base_version=base_version,
        )
    if base_version > head:
        return ConflictError(
            f"journey {journey_id!r} has no version {base_version} yet; its head is version "
            f"{head}. Reload it and save with base_version={head}.",
            journey_id=journey_id,
            base_version=base_version,
        )
    newer = [
        info for info in history.version_infos(connection, journey_id) if info.number > base_version
    ]
    listed = "; ".join(info.describe() for info in newer[-_SHOWN:])
    if len(newer) > _SHOWN:
        listed = f"{len(newer) - _SHOWN} more, then {listed}"
    return ConflictError(
        f"journey {journey_id!r} changed since version {base_version}, the version your "
        f"change starts from: {listed}. Your change was not saved. To resolve: reload "
        f"version {head}, reapply your change and save with base_version={head}; or diff "
        f"versions {base_version} and {head} to see what the others changed.",
        journey_id=journey_id,
        base_version=base_version,
    )


def concurrent_write(detail: object) -> ConflictError:
    """The database refused a write because another client changed the same rows meanwhile."""
    return ConflictError(
        "the store changed while this change was being written: another client saved or "
        f"deleted the same personas, teams or journeys at the same time ({detail}). "
        "Nothing was written. Reload and try again.",
        journey_id=None,
    )
