"""Saving one edit of a map from the web, against the version the editor was looking at.

Pages and the JSON API share this: load the head, refuse when it is no longer the version
the edit was made on (someone saved meanwhile), apply the edit (a pure function of
:mod:`journeymap.services.editing`) and save it with that base version, so a save racing
another one is refused by the store too. A refusal is an :class:`EditConflictError` carrying the
head, which the page turns into the side-by-side conflict page and the API into a 409 with
both versions; nothing anyone typed is lost.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from fastapi import HTTPException, Request
from fastapi.exceptions import RequestValidationError

from journeymap.model import Journey
from journeymap.services.editing import EditError, UnknownItemError
from journeymap.store import ConflictError, InvalidWorkspaceError, VersionInfo
from journeymap.web.security import context_of, require_principal

Change = Callable[[Journey], Journey]


@dataclass(frozen=True)
class Saved:
    """An edit that went in: the journey as saved and its version (the head when the edit
    changed nothing, since an unchanged map makes no new version)."""

    journey: Journey
    version: VersionInfo
    base_version: int

    @property
    def changed(self) -> bool:
        return self.version.number != self.base_version


class EditConflictError(Exception):
    """The journey changed since ``base_version``: ``head`` is theirs, ``journey`` its map."""

    def __init__(self, *, base_version: int, head: VersionInfo, journey: Journey) -> None:
        super().__init__(f"journey {journey.id!r} changed since version {base_version}")
        self.base_version = base_version
        self.head = head
        self.journey = journey


def invalid(where: str, message: str) -> RequestValidationError:
    """A 422 naming the input at fault, in the shape FastAPI's own validation errors take."""
    location = ("body", *where.split(".")) if where else ("body",)
    return RequestValidationError([{"loc": location, "msg": message, "type": "value_error"}])


@contextmanager
def edit_errors() -> Iterator[None]:
    """Editing errors as HTTP answers: an unknown stage or touchpoint is a 404, any other
    refused edit a 422 that says which input is wrong."""
    try:
        yield
    except UnknownItemError as error:
        raise HTTPException(404, _with_hint(error)) from None
    except EditError as error:
        raise invalid(error.where, _with_hint(error)) from None
    except InvalidWorkspaceError as error:
        raise RequestValidationError(
            [
                {
                    "loc": ("body", *(str(part) for part in problem.location)),
                    "msg": f"{problem.describe()}. {problem.hint}".strip(),
                    "type": "value_error",
                }
                for problem in error.problems
            ]
        ) from None


def save_edit(
    request: Request, journey_id: str, base_version: int, change: Change, *, message: str
) -> Saved:
    """Apply ``change`` to the head and save it as the version after ``base_version``."""
    workspace = context_of(request).workspace
    head = workspace.store.head(journey_id)
    current = workspace.journey(journey_id, head.number)
    if head.number != base_version:
        raise EditConflictError(base_version=base_version, head=head, journey=current)
    with edit_errors():
        updated = change(current)
        try:
            info = workspace.save_journey(
                updated,
                base_version=base_version,
                author=require_principal(request).user.username,
                message=message,
            )
        except ConflictError:
            head = workspace.store.head(journey_id)
            raise EditConflictError(
                base_version=base_version,
                head=head,
                journey=workspace.journey(journey_id, head.number),
            ) from None
    return Saved(journey=updated, version=info, base_version=base_version)


def item_json(journey: Journey, kind: str, item_id: str | None) -> dict[str, Any] | None:
    """A stage or touchpoint (or with ``kind="journey"`` the whole map) as JSON; ``None``
    when the journey no longer has it."""
    if kind == "journey":
        return journey.model_dump(mode="json")
    try:
        if kind == "stage" and item_id is not None:
            return journey.stage(item_id).model_dump(mode="json")
        if kind == "touchpoint" and item_id is not None:
            return journey.touchpoint(item_id).model_dump(mode="json")
    except KeyError:
        return None
    return None


def _with_hint(error: EditError) -> str:
    return f"{error.message} {error.hint}".strip()
