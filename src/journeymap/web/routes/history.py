"""A journey's history (who changed what, when and why), restores, and two maps side by side.

Every save is a version; the history page lists them and shows what changed between any
two, field by field (items matched by id, so a moved card is one move, not a removal and
an addition). Restoring brings an old version back as a new one: history is never
rewritten. The compare page sets two personas' maps next to each other, stage by stage.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field

from journeymap.store import JourneyDiff, VersionInfo
from journeymap.web.pages import page
from journeymap.web.routes.journeys import MOMENTS
from journeymap.web.security import Access, access, context_of, require_principal

router = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/v1", tags=["journeys"])


class VersionOut(BaseModel):
    """One saved version of a journey."""

    number: int
    author: str
    created_at: dt.datetime
    message: str

    @classmethod
    def of(cls, info: VersionInfo) -> VersionOut:
        return cls(
            number=info.number, author=info.author, created_at=info.created_at, message=info.message
        )


class ChangeOut(BaseModel):
    """One difference: an item added, removed, moved, or one of its fields changed."""

    kind: str = Field(description="added, removed, changed or moved.")
    item: str = Field(description="What it is: stage, touchpoint, outcome...")
    item_id: str
    path: str
    field: str | None
    old: Any
    new: Any


class DiffSummaryOut(BaseModel):
    added: int
    removed: int
    changed: int
    moved: int


class DiffOut(BaseModel):
    """What changed in a journey from version ``old`` to version ``new``."""

    journey_id: str
    old: int
    new: int
    summary: DiffSummaryOut
    changes: list[ChangeOut]

    @classmethod
    def of(cls, journey_id: str, old: int, new: int, diff: JourneyDiff) -> DiffOut:
        summary = diff.summary()
        return cls(
            journey_id=journey_id,
            old=old,
            new=new,
            summary=DiffSummaryOut(
                added=summary.added,
                removed=summary.removed,
                changed=summary.changed,
                moved=summary.moved,
            ),
            changes=[
                ChangeOut(
                    kind=change.kind,
                    item=change.item,
                    item_id=change.item_id,
                    path=change.path,
                    field=change.field,
                    old=change.old,
                    new=change.new,
                )
                for change in diff.changes
            ],
        )


class RestoreIn(BaseModel):
    version: int = Field(ge=1, description="The version to bring back.")


class RestoredOut(BaseModel):
    """The new version the restore made (the head itself when it already held that map)."""

    journey_id: str
    version: int
    restored: int


# -- pages --------------------------------------------------------------------------------


@router.get("/journeys/{journey_id}/history")
@access(Access.READ)
def history_page(request: Request, journey_id: str) -> Response:
    workspace = context_of(request).workspace
    journey = workspace.journey(journey_id)
    versions = workspace.versions(journey_id)
    return page(
        request,
        "history.html",
        title=f"History of {journey.name}",
        journey=journey,
        versions=list(reversed(versions)),
        head=versions[-1].number if versions else None,
        can_edit=require_principal(request).may(Access.EDIT),
        diff=None,
    )


@router.get("/journeys/{journey_id}/history/{old}/{new}")
@access(Access.READ)
def diff_page(request: Request, journey_id: str, old: int, new: int) -> Response:
    workspace = context_of(request).workspace
    journey = workspace.journey(journey_id)
    versions = workspace.versions(journey_id)
    diff = workspace.diff(journey_id, old, new)
    return page(
        request,
        "history.html",
        title=f"Changes to {journey.name}: version {old} to {new}",
        journey=journey,
        versions=list(reversed(versions)),
        head=versions[-1].number if versions else None,
        can_edit=require_principal(request).may(Access.EDIT),
        diff=diff,
        old=old,
        new=new,
    )


# Restoring needs EDIT, not OWNER: it changes nothing irreversibly (the restore is itself a
# new version, and the version it replaces can be restored in turn), which is what an
# editor's every save does too; keeping it from editors would only send them to retype
# an old version by hand.
@router.post("/journeys/{journey_id}/restore/{version}")
@access(Access.EDIT)
def restore_page(request: Request, journey_id: str, version: int) -> Response:
    restore_version(request, journey_id, version)
    return RedirectResponse(f"/journeys/{journey_id}/history", status_code=303)


def restore_version(request: Request, journey_id: str, version: int) -> VersionInfo:
    """Make ``version`` the head again, as a new version authored by the caller."""
    return context_of(request).workspace.restore(
        journey_id, version, author=require_principal(request).user.username
    )


@router.get("/journeys/{journey_id}/compare")
@access(Access.READ)
def compare_page(
    request: Request,
    journey_id: str,
    other: Annotated[str, Query(max_length=64)] = "",
) -> Response:
    workspace = context_of(request).workspace
    current = workspace.load()
    journey = workspace.journey(journey_id)
    others = [j for j in current.journeys if j.id != journey_id]
    comparison = workspace.compare(journey_id, other) if other else None
    personas = {persona.id: persona for persona in current.personas}
    return page(
        request,
        "compare.html",
        title=f"Compare {journey.name}",
        journey=journey,
        others=others,
        other=other,
        comparison=comparison,
        personas=personas,
        moments=MOMENTS,
    )


# -- API ----------------------------------------------------------------------------------


@api.get("/journeys/{journey_id}/versions", response_model=list[VersionOut])
@access(Access.READ)
def versions(request: Request, journey_id: str) -> list[VersionOut]:
    """Every saved version of the journey, oldest first."""
    return [VersionOut.of(info) for info in context_of(request).workspace.versions(journey_id)]


@api.get("/journeys/{journey_id}/diff", response_model=DiffOut)
@access(Access.READ)
def diff(
    request: Request,
    journey_id: str,
    old: Annotated[int, Query(ge=1, description="The older version.")],
    new: Annotated[
        int | None, Query(ge=1, description="The newer one; the head by default.")
    ] = None,
) -> DiffOut:
    """What changed between two versions, item by item and field by field."""
    workspace = context_of(request).workspace
    newest = new if new is not None else workspace.store.head(journey_id).number
    return DiffOut.of(journey_id, old, newest, workspace.diff(journey_id, old, newest))


@api.post("/journeys/{journey_id}/restore", response_model=RestoredOut)
@access(Access.EDIT)
def restore(request: Request, journey_id: str, body: RestoreIn) -> RestoredOut:
    """Bring an old version back as a new version (history is kept)."""
    info = restore_version(request, journey_id, body.version)
    return RestoredOut(journey_id=journey_id, version=info.number, restored=body.version)
