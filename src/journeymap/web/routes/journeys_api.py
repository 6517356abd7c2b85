"""The JSON API of maps: journeys, their stages and touchpoints (``/api/v1``).

The same edits as the map page's forms, for scripts and for the page's drag and drop. Every
change names the ``base_version`` it was made on and answers the new version; when someone
saved meanwhile the answer is a 409 with ``yours`` (what you sent), ``theirs`` (the item,
or the whole journey, as the head has it; ``null`` when it is gone) and ``head_version``,
so a script can show both, merge and send again based on the head.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from journeymap.model import Journey
from journeymap.services import editing
from journeymap.services.editing import StageEdit, TouchpointEdit
from journeymap.web.routes.journey_saving import (
    Change,
    EditConflictError,
    invalid,
    item_json,
    save_edit,
)
from journeymap.web.routes.journeys import create_journey
from journeymap.web.security import Access, access, context_of

api = APIRouter(prefix="/api/v1", tags=["journeys"])

Edit = TypeVar("Edit", StageEdit, TouchpointEdit)


class JourneySummary(BaseModel):
    """A journey in the list: whose it is and its current version."""

    id: str
    name: str
    persona: str
    persona_name: str | None
    stages: int
    touchpoints: int
    version: int


class JourneyOut(Journey):
    """The whole map, as the map file has it, and the version it is."""

    version: int = Field(description="The head version: send it back as base_version.")


class NewJourneyIn(BaseModel):
    template: str = Field(min_length=1, description="A shipped template: ecommerce, saas...")
    persona_id: str | None = Field(
        default=None, description="A persona of the workspace; the template's by default."
    )
    journey_id: str | None = Field(default=None, description="Its id; made from the name.")
    name: str | None = Field(default=None, max_length=200)


class Based(BaseModel):
    base_version: int = Field(ge=1, description="The version the change was made on.")


class JourneyIn(Based):
    journey: Journey


class StageIn(Based):
    name: str = Field(min_length=1, max_length=200)
    after: str | None = Field(default=None, description="Stage id; the end when left out.")


class StagePatchIn(StageEdit, Based):
    """The fields to change (left out: unchanged) and the version they were made on."""


class StageMoveIn(Based):
    to_position: int = Field(description="Index in the spine, 0 = first.")


class StageDeleteIn(Based):
    move_touchpoints_to: str | None = Field(
        default=None, description="Stage that takes its touchpoints (needed if it has any)."
    )


class TouchpointIn(TouchpointEdit, Based):
    stage_id: str
    name: str = Field(min_length=1, max_length=200)
    position: int | None = Field(default=None, description="Index in the stage; the end.")


class TouchpointPatchIn(TouchpointEdit, Based):
    """The fields to change (left out: unchanged) and the version they were made on."""


class TouchpointMoveIn(Based):
    to_stage: str = Field(description="Its own stage's id or another's.")
    to_position: int | None = Field(
        default=None, description="Index among the stage's other touchpoints; the end."
    )


class EditOut(BaseModel):
    """A saved change: the version it made (the head, unchanged, when nothing changed)."""

    journey_id: str
    version: int
    changed: bool
    item_id: str | None = Field(default=None, description="The stage or touchpoint edited.")


class ConflictOut(BaseModel):
    """409: the journey changed since ``base_version``; nothing was saved."""

    detail: str
    yours: Any
    theirs: Any
    head_version: int


CONFLICT: dict[int | str, dict[str, Any]] = {
    409: {"model": ConflictOut, "description": "Someone saved a newer version."}
}


def _edit(
    request: Request,
    journey_id: str,
    body: Based,
    change: Change,
    *,
    message: str,
    kind: str,
    item_id: str | None,
) -> Response | EditOut:
    try:
        saved = save_edit(request, journey_id, body.base_version, change, message=message)
    except EditConflictError as conflict:
        answer = ConflictOut(
            detail=f"{conflict}; your change was not saved. Merge it with theirs and send it "
            f"again with base_version={conflict.head.number}.",
            yours=body.model_dump(mode="json", exclude_unset=True),
            theirs=item_json(conflict.journey, kind, item_id),
            head_version=conflict.head.number,
        )
        return JSONResponse(answer.model_dump(mode="json"), status_code=409)
    return EditOut(
        journey_id=journey_id,
        version=saved.version.number,
        changed=saved.changed,
        item_id=item_id,
    )


def _edit_fields(
    body: BaseModel, model: type[Edit], *, leave_out: frozenset[str] = frozenset()
) -> Edit:
    """The edit part of a body, keeping which fields were sent (left out means unchanged)."""
    sent = body.model_dump(exclude_unset=True)
    return model.model_validate(
        {k: v for k, v in sent.items() if k in model.model_fields and k not in leave_out}
    )


def _adding(
    add: Callable[[Journey], Journey], ids: Callable[[Journey], set[str]]
) -> tuple[Change, list[str]]:
    """``add`` that also records the id of the item it added (made from the name)."""
    added: list[str] = []

    def change(journey: Journey) -> Journey:
        updated = add(journey)
        added.extend(sorted(ids(updated) - ids(journey)))
        return updated

    return change, added


def _stage_ids(journey: Journey) -> set[str]:
    return {stage.id for stage in journey.stages}


def _touchpoint_ids(journey: Journey) -> set[str]:
    return {touchpoint.id for _, touchpoint in journey.touchpoints()}


# -- journeys -----------------------------------------------------------------------------


@api.get("/journeys", response_model=list[JourneySummary])
@access(Access.READ)
def list_journeys(request: Request) -> list[JourneySummary]:
    """Every journey with its persona and head version."""
    context = context_of(request)
    workspace = context.workspace.load()
    names = {persona.id: persona.name for persona in workspace.personas}
    return [
        JourneySummary(
            id=journey.id,
            name=journey.name,
            persona=journey.persona,
            persona_name=names.get(journey.persona),
            stages=len(journey.stages),
            touchpoints=sum(1 for _ in journey.touchpoints()),
            version=context.workspace.store.head(journey.id).number,
        )
        for journey in workspace.journeys
    ]


@api.post("/journeys", response_model=EditOut, status_code=201)
@access(Access.EDIT)
def create(request: Request, body: NewJourneyIn) -> EditOut:
    """A new journey drawn from a shipped template (with its persona and teams if missing)."""
    journey_id = create_journey(
        request,
        body.template,
        persona_id=body.persona_id,
        name=body.name,
        journey_id=body.journey_id,
    )
    version = context_of(request).workspace.store.head(journey_id).number
    return EditOut(journey_id=journey_id, version=version, changed=True, item_id=journey_id)


@api.get("/journeys/{journey_id}", response_model=JourneyOut)
@access(Access.READ)
def get_journey(request: Request, journey_id: str) -> JourneyOut:
    """The whole map at its head version."""
    workspace = context_of(request).workspace
    head = workspace.store.head(journey_id)
    journey = workspace.journey(journey_id, head.number)
    return JourneyOut.model_validate(journey.model_dump() | {"version": head.number})


@api.put("/journeys/{journey_id}", response_model=EditOut, responses=CONFLICT)
@access(Access.EDIT)
def replace_journey(request: Request, journey_id: str, body: JourneyIn) -> Response | EditOut:
    """Replace the whole map (as ``journeymap apply`` does for one journey)."""
    if body.journey.id != journey_id:
        raise invalid("journey.id", f"the journey's id must be {journey_id!r}, as in the path")
    return _edit(
        request,
        journey_id,
        body,
        lambda _: body.journey,
        message="Replaced the map",
        kind="journey",
        item_id=None,
    )


# -- stages -------------------------------------------------------------------------------


@api.post(
    "/journeys/{journey_id}/stages", response_model=EditOut, status_code=201, responses=CONFLICT
)
@access(Access.EDIT)
def add_stage(request: Request, journey_id: str, body: StageIn) -> Response | EditOut:
    """A new, empty stage (its id made from the name) after ``after``."""
    change, added = _adding(
        lambda journey: editing.add_stage(journey, body.name, after=body.after), _stage_ids
    )
    answer = _edit(
        request,
        journey_id,
        body,
        change,
        message=f"Added stage {body.name}",
        kind="stage",
        item_id=None,
    )
    if isinstance(answer, EditOut) and added:
        answer.item_id = added[0]
    return answer


@api.patch("/journeys/{journey_id}/stages/{stage_id}", response_model=EditOut, responses=CONFLICT)
@access(Access.EDIT)
def update_stage(
    request: Request, journey_id: str, stage_id: str, body: StagePatchIn
) -> Response | EditOut:
    """Change the fields sent; the others stay."""
    edit = _edit_fields(body, StageEdit)
    return _edit(
        request,
        journey_id,
        body,
        lambda journey: editing.update_stage(journey, stage_id, edit),
        message=f"Edited stage {stage_id}",
        kind="stage",
        item_id=stage_id,
    )


@api.post(
    "/journeys/{journey_id}/stages/{stage_id}/move", response_model=EditOut, responses=CONFLICT
)
@access(Access.EDIT)
def move_stage(
    request: Request, journey_id: str, stage_id: str, body: StageMoveIn
) -> Response | EditOut:
    """Put the stage at another place in the spine."""
    return _edit(
        request,
        journey_id,
        body,
        lambda journey: editing.move_stage(journey, stage_id, body.to_position),
        message=f"Moved stage {stage_id}",
        kind="stage",
        item_id=stage_id,
    )


@api.delete("/journeys/{journey_id}/stages/{stage_id}", response_model=EditOut, responses=CONFLICT)
@access(Access.EDIT)
def delete_stage(
    request: Request, journey_id: str, stage_id: str, body: StageDeleteIn
) -> Response | EditOut:
    """Remove the stage; its touchpoints move to ``move_touchpoints_to``."""
    return _edit(
        request,
        journey_id,
        body,
        lambda journey: editing.remove_stage(
            journey, stage_id, move_touchpoints_to=body.move_touchpoints_to
        ),
        message=f"Removed stage {stage_id}",
        kind="stage",
        item_id=stage_id,
    )


# -- touchpoints --------------------------------------------------------------------------


@api.post(
    "/journeys/{journey_id}/touchpoints",
    response_model=EditOut,
    status_code=201,
    responses=CONFLICT,
)
@access(Access.EDIT)
def add_touchpoint(request: Request, journey_id: str, body: TouchpointIn) -> Response | EditOut:
    """A new touchpoint in stage ``stage_id`` (its id made from the name)."""
    edit = _edit_fields(body, TouchpointEdit, leave_out=frozenset({"name"}))
    change, added = _adding(
        lambda journey: editing.add_touchpoint(
            journey, body.stage_id, body.name, position=body.position, edit=edit
        ),
        _touchpoint_ids,
    )
    answer = _edit(
        request,
        journey_id,
        body,
        change,
        message=f"Added touchpoint {body.name}",
        kind="touchpoint",
        item_id=None,
    )
    if isinstance(answer, EditOut) and added:
        answer.item_id = added[0]
    return answer


@api.patch(
    "/journeys/{journey_id}/touchpoints/{touchpoint_id}", response_model=EditOut, responses=CONFLICT
)
@access(Access.EDIT)
def update_touchpoint(
    request: Request, journey_id: str, touchpoint_id: str, body: TouchpointPatchIn
) -> Response | EditOut:
    """Change the fields sent; the others stay."""
    edit = _edit_fields(body, TouchpointEdit)
    return _edit(
        request,
        journey_id,
        body,
        lambda journey: editing.update_touchpoint(journey, touchpoint_id, edit),
        message=f"Edited touchpoint {touchpoint_id}",
        kind="touchpoint",
        item_id=touchpoint_id,
    )


@api.post(
    "/journeys/{journey_id}/touchpoints/{touchpoint_id}/move",
    response_model=EditOut,
    responses=CONFLICT,
)
@access(Access.EDIT)
def move_touchpoint(
    request: Request, journey_id: str, touchpoint_id: str, body: TouchpointMoveIn
) -> Response | EditOut:
    """Move the touchpoint within its stage or to another one (what drag and drop sends)."""
    return _edit(
        request,
        journey_id,
        body,
        lambda journey: editing.move_touchpoint(
            journey, touchpoint_id, body.to_stage, body.to_position
        ),
        message=f"Moved touchpoint {touchpoint_id}",
        kind="touchpoint",
        item_id=touchpoint_id,
    )


@api.delete(
    "/journeys/{journey_id}/touchpoints/{touchpoint_id}", response_model=EditOut, responses=CONFLICT
)
@access(Access.EDIT)
def delete_touchpoint(
    request: Request, journey_id: str, touchpoint_id: str, body: Based
) -> Response | EditOut:
    """Remove the touchpoint (refused while evidence or opportunities point at it)."""
    return _edit(
        request,
        journey_id,
        body,
        lambda journey: editing.remove_touchpoint(journey, touchpoint_id),
        message=f"Removed touchpoint {touchpoint_id}",
        kind="touchpoint",
        item_id=touchpoint_id,
    )
