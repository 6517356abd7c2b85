"""Customer feedback assigned to a touchpoint, and people correcting the assignment.

The voice service assigns each feedback item (support mail, reviews, survey answers) to the
touchpoint it is about; a person who knows better records an override
(:meth:`journeymap.services.voice.VoiceService.override`), which wins over the model and
teaches it. Assigning reads the analytics database (one DuckDB connection), so it runs
under :meth:`journeymap.web.context.WebContext.analysis`; the first assignment of new
feedback encodes its text, which takes a while, and later ones come from the cache.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field

from journeymap.model.canonical import FEEDBACK_ID, SOURCE, TEXT, TOUCHPOINT, TS
from journeymap.services.errors import JourneymapError
from journeymap.services.voice import VoiceService
from journeymap.voice.assignment import ASSIGNED_BY, CONFIDENCE
from journeymap.web.journey_items import find_item, item_url
from journeymap.web.security import Access, access, context_of

router = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/v1", tags=["items"])

SHOWN = 50
"""Feedback items a touchpoint page lists (the newest first)."""


class FeedbackItemOut(BaseModel):
    feedback_id: str
    source: str | None
    ts: dt.datetime | None
    text: str
    assigned_by: str | None = Field(description="override (a person), model or thread.")
    confidence: float | None


class FeedbackOut(BaseModel):
    """The feedback assigned to one touchpoint, or why there is none to show."""

    touchpoint: str
    available: bool
    message: str = Field(description="Why nothing is shown, when nothing is.")
    total: int
    items: list[FeedbackItemOut] = Field(description=f"The newest {SHOWN}.")


def touchpoint_feedback(request: Request, journey_id: str, item_id: str) -> FeedbackOut:
    """The feedback assigned to a touchpoint (the model's and people's assignments)."""
    context = context_of(request)
    find_item(context.workspace.journey(journey_id), "touchpoint", item_id)
    try:
        with context.analysis() as analysis:
            voice = VoiceService(analysis.workspace, analysis.database)
            table = voice.feedback()
            rows = [r for r in voice.assign(journey_id).rows() if r[TOUCHPOINT] == item_id]
            how = {r[FEEDBACK_ID]: r for r in rows}
            found = table.filter(table[FEEDBACK_ID].isin(list(how))) if how else None
            texts: list[dict[str, Any]] = []
            if found is not None:
                texts = (
                    found.select(FEEDBACK_ID, SOURCE, TS, TEXT)
                    .order_by(found[TS].desc())
                    .limit(SHOWN)
                    .to_pyarrow()
                    .to_pylist()
                )
    except JourneymapError as error:
        return FeedbackOut(
            touchpoint=item_id, available=False, message=str(error), total=0, items=[]
        )
    items = [
        FeedbackItemOut(
            feedback_id=row[FEEDBACK_ID],
            source=row[SOURCE],
            ts=row[TS],
            text=row[TEXT] or "",
            assigned_by=how[row[FEEDBACK_ID]][ASSIGNED_BY],
            confidence=how[row[FEEDBACK_ID]][CONFIDENCE],
        )
        for row in texts
    ]
    message = "" if items else "No feedback is assigned to this touchpoint."
    return FeedbackOut(
        touchpoint=item_id, available=True, message=message, total=len(rows), items=items
    )


class AssignmentIn(BaseModel):
    touchpoint: str | None = Field(
        description="The touchpoint the feedback is really about; null: drop the correction."
    )
    note: str = Field(default="", max_length=2000)


@api.get("/journeys/{journey_id}/items/touchpoint/{item_id}/feedback", response_model=FeedbackOut)
@access(Access.READ)
def feedback(request: Request, journey_id: str, item_id: str) -> FeedbackOut:
    """The customer feedback assigned to a touchpoint (by the model or a person)."""
    return touchpoint_feedback(request, journey_id, item_id)


def _reassign(
    request: Request, journey_id: str, item_id: str, feedback_id: str, body: AssignmentIn
) -> None:
    context = context_of(request)
    find_item(context.workspace.journey(journey_id), "touchpoint", item_id)
    with context.analysis() as analysis:
        VoiceService(analysis.workspace, analysis.database).override(
            journey_id, feedback_id, body.touchpoint, note=body.note
        )


@router.post("/journeys/{journey_id}/items/touchpoint/{item_id}/feedback/{feedback_id}/assignment")
@access(Access.EDIT)
def reassign_page(
    request: Request,
    journey_id: str,
    item_id: str,
    feedback_id: str,
    touchpoint: Annotated[str, Form(max_length=64)] = "",
    note: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    body = AssignmentIn(touchpoint=touchpoint or None, note=note)
    _reassign(request, journey_id, item_id, feedback_id, body)
    return RedirectResponse(
        item_url(journey_id, "touchpoint", item_id, "feedback"), status_code=303
    )


@api.put(
    "/journeys/{journey_id}/items/touchpoint/{item_id}/feedback/{feedback_id}/assignment",
    status_code=204,
)
@access(Access.EDIT)
def reassign(
    request: Request, journey_id: str, item_id: str, feedback_id: str, body: AssignmentIn
) -> Response:
    """Correct which touchpoint a feedback item is about; people's word beats the model's."""
    _reassign(request, journey_id, item_id, feedback_id, body)
    return Response(status_code=204)
