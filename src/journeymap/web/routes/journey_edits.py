"""The map page's forms: add, change, move and remove stages and touchpoints.

Each route applies one edit of :mod:`journeymap.services.editing` to the head and saves it
against the form's ``base_version``. On success it sends the browser back to the item on
the map (303, so a reload does not post again); when someone saved meanwhile it answers
the conflict page, which shows their version and yours and re-applies yours in one click.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from journeymap.services import editing
from journeymap.web.routes.journey_forms import (
    base_version_of,
    conflict_page,
    read_form,
    stage_edit,
    text,
    touchpoint_edit,
)
from journeymap.web.routes.journey_saving import Change, EditConflictError, invalid, save_edit
from journeymap.web.security import Access, access

router = APIRouter(include_in_schema=False)

Posted = Annotated[FormData, Depends(read_form)]


def _position(form: FormData, name: str) -> int | None:
    value = text(form, name).strip()
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        raise invalid(name, f"{name} must be a whole number") from None


def _save(
    request: Request,
    journey_id: str,
    form: FormData,
    change: Change,
    *,
    message: str,
    kind: str,
    item_id: str | None,
    what: str,
    anchor: str,
) -> Response:
    try:
        save_edit(request, journey_id, base_version_of(form), change, message=message)
    except EditConflictError as conflict:
        return conflict_page(request, conflict, form, kind=kind, item_id=item_id, what=what)
    return RedirectResponse(f"/journeys/{journey_id}#{anchor}", status_code=303)


# -- stages -------------------------------------------------------------------------------


@router.post("/journeys/{journey_id}/stages")
@access(Access.EDIT)
def add_stage_page(request: Request, journey_id: str, form: Posted) -> Response:
    name = text(form, "name").strip()
    after = text(form, "after").strip() or None
    return _save(
        request,
        journey_id,
        form,
        lambda journey: editing.add_stage(journey, name, after=after),
        message=f"Added stage {name}",
        kind="stage",
        item_id=None,
        what=f"adding the stage {name!r}",
        anchor="map",
    )


@router.post("/journeys/{journey_id}/stages/{stage_id}")
@access(Access.EDIT)
def update_stage_page(request: Request, journey_id: str, stage_id: str, form: Posted) -> Response:
    edit = stage_edit(form)
    return _save(
        request,
        journey_id,
        form,
        lambda journey: editing.update_stage(journey, stage_id, edit),
        message=f"Edited stage {stage_id}",
        kind="stage",
        item_id=stage_id,
        what=f"your edit of the stage {stage_id!r}",
        anchor=f"stage-{stage_id}",
    )


@router.post("/journeys/{journey_id}/stages/{stage_id}/move")
@access(Access.EDIT)
def move_stage_page(request: Request, journey_id: str, stage_id: str, form: Posted) -> Response:
    position = _position(form, "to_position")
    if position is None:
        raise invalid("to_position", "say where the stage goes (0 = first)")
    return _save(
        request,
        journey_id,
        form,
        lambda journey: editing.move_stage(journey, stage_id, position),
        message=f"Moved stage {stage_id}",
        kind="stage",
        item_id=stage_id,
        what=f"moving the stage {stage_id!r}",
        anchor=f"stage-{stage_id}",
    )


@router.post("/journeys/{journey_id}/stages/{stage_id}/delete")
@access(Access.EDIT)
def delete_stage_page(request: Request, journey_id: str, stage_id: str, form: Posted) -> Response:
    target = text(form, "move_touchpoints_to").strip() or None
    return _save(
        request,
        journey_id,
        form,
        lambda journey: editing.remove_stage(journey, stage_id, move_touchpoints_to=target),
        message=f"Removed stage {stage_id}",
        kind="stage",
        item_id=stage_id,
        what=f"removing the stage {stage_id!r}",
        anchor="map",
    )


# -- touchpoints --------------------------------------------------------------------------


@router.post("/journeys/{journey_id}/touchpoints")
@access(Access.EDIT)
def add_touchpoint_page(request: Request, journey_id: str, form: Posted) -> Response:
    stage_id = text(form, "stage_id").strip()
    name = text(form, "name").strip()
    edit = touchpoint_edit(form, leave_out=frozenset({"name"}))
    return _save(
        request,
        journey_id,
        form,
        lambda journey: editing.add_touchpoint(journey, stage_id, name, edit=edit),
        message=f"Added touchpoint {name}",
        kind="touchpoint",
        item_id=None,
        what=f"adding the touchpoint {name!r}",
        anchor=f"stage-{stage_id}",
    )


@router.post("/journeys/{journey_id}/touchpoints/{touchpoint_id}")
@access(Access.EDIT)
def update_touchpoint_page(
    request: Request, journey_id: str, touchpoint_id: str, form: Posted
) -> Response:
    edit = touchpoint_edit(form)
    return _save(
        request,
        journey_id,
        form,
        lambda journey: editing.update_touchpoint(journey, touchpoint_id, edit),
        message=f"Edited touchpoint {touchpoint_id}",
        kind="touchpoint",
        item_id=touchpoint_id,
        what=f"your edit of the touchpoint {touchpoint_id!r}",
        anchor=f"touchpoint-{touchpoint_id}",
    )


@router.post("/journeys/{journey_id}/touchpoints/{touchpoint_id}/move")
@access(Access.EDIT)
def move_touchpoint_page(
    request: Request, journey_id: str, touchpoint_id: str, form: Posted
) -> Response:
    to_stage = text(form, "to_stage").strip()
    position = _position(form, "to_position")
    return _save(
        request,
        journey_id,
        form,
        lambda journey: editing.move_touchpoint(journey, touchpoint_id, to_stage, position),
        message=f"Moved touchpoint {touchpoint_id}",
        kind="touchpoint",
        item_id=touchpoint_id,
        what=f"moving the touchpoint {touchpoint_id!r}",
        anchor=f"touchpoint-{touchpoint_id}",
    )


@router.post("/journeys/{journey_id}/touchpoints/{touchpoint_id}/delete")
@access(Access.EDIT)
def delete_touchpoint_page(
    request: Request, journey_id: str, touchpoint_id: str, form: Posted
) -> Response:
    return _save(
        request,
        journey_id,
        form,
        lambda journey: editing.remove_touchpoint(journey, touchpoint_id),
        message=f"Removed touchpoint {touchpoint_id}",
        kind="touchpoint",
        item_id=touchpoint_id,
        what=f"removing the touchpoint {touchpoint_id!r}",
        anchor="map",
    )
