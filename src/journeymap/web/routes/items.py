"""One item of a map (a stage, touchpoint, opportunity or evidence entry) and the talk about it.

The item page is where the company discusses a part of the journey: its fields, comment
threads (``@team`` mentions link to that team's touchpoints), the evidence behind it (with
files: see :mod:`journeymap.web.evidence_files`), what customers said about it and, for a
touchpoint, the customer feedback assigned to it, with a form to correct the assignment.

Comments are talk, so viewers may comment; evidence is part of the map, so adding it is a
versioned save of the journey (editors and owners), refused with 409 when someone saved
meanwhile. Every page action has its JSON twin under
``/api/v1/journeys/{journey_id}/items/{kind}/{item_id}``.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field

from journeymap.model import EvidenceSource
from journeymap.services.collaboration import MAX_COMMENT_LENGTH, Thread
from journeymap.store import NotFoundError
from journeymap.store.collaboration import Comment
from journeymap.web import evidence_files
from journeymap.web.journey_items import ITEM_PATH, ItemKind, evidence_of, find_item, item_url
from journeymap.web.pages import page
from journeymap.web.routes.item_evidence import EvidenceOut, evidence_out
from journeymap.web.routes.item_feedback import touchpoint_feedback
from journeymap.web.routes.review import (
    ItemValidationOut,
    collaboration_of,
    display_names,
    feeling_word,
    validations_of,
)
from journeymap.web.security import Access, access, context_of, require_principal

router = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/v1", tags=["items"])

ITEM = ITEM_PATH

# Kept in step with journeymap.services.collaboration's mention rule: "@web" starts a word.
_MENTION = re.compile(r"(?<![\w.@])@([A-Za-z0-9][A-Za-z0-9_-]*)")


def mention_segments(comment: Comment) -> list[tuple[str, str | None]]:
    """The body in pieces: ``(text, None)`` and ``("@team", team_id)`` for each mention."""
    pieces: list[tuple[str, str | None]] = []
    at = 0
    for found in _MENTION.finditer(comment.body):
        word = found.group(1).lower()
        team = next((t for t in (word, word.rstrip("-_")) if t in comment.mentions), None)
        if team is None:
            continue
        pieces.append((comment.body[at : found.start()], None))
        pieces.append((found.group(0), team))
        at = found.end()
    pieces.append((comment.body[at:], None))
    return [piece for piece in pieces if piece[0]]


# -- answers -------------------------------------------------------------------------------


class CommentOut(BaseModel):
    id: int
    parent_id: int | None
    author: str
    body: str
    mentions: list[str] = Field(description="Team ids the comment mentions (@team).")
    created_at: dt.datetime
    resolved_at: dt.datetime | None

    @classmethod
    def of(cls, comment: Comment, names: dict[int, str]) -> CommentOut:
        return cls(
            id=comment.id,
            parent_id=comment.parent_id,
            author=names.get(comment.user_id, f"account {comment.user_id}"),
            body=comment.body,
            mentions=list(comment.mentions),
            created_at=comment.created_at,
            resolved_at=comment.resolved_at,
        )


class ThreadOut(BaseModel):
    root: CommentOut
    replies: list[CommentOut]
    resolved: bool

    @classmethod
    def of(cls, thread: Thread, names: dict[int, str]) -> ThreadOut:
        return cls(
            root=CommentOut.of(thread.root, names),
            replies=[CommentOut.of(reply, names) for reply in thread.replies],
            resolved=thread.resolved,
        )


class CommentIn(BaseModel):
    body: str = Field(min_length=1, max_length=MAX_COMMENT_LENGTH)
    parent_id: int | None = Field(default=None, description="The comment this one answers.")


class ItemOut(BaseModel):
    """An item of a journey with the talk, evidence and customers' word about it."""

    journey_id: str
    head_version: int = Field(description="Send it back as base_version when adding evidence.")
    kind: ItemKind
    id: str
    name: str
    fields: dict[str, Any]
    threads: list[ThreadOut]
    evidence: list[EvidenceOut]
    validation: ItemValidationOut | None = Field(
        description="What customers said (stages and touchpoints only)."
    )


def item_out(request: Request, journey_id: str, kind: ItemKind, item_id: str) -> ItemOut:
    context = context_of(request)
    journey = context.workspace.journey(journey_id)
    item = find_item(journey, kind, item_id)
    names = display_names(request)
    threads = collaboration_of(request).threads(journey_id, kind, item_id)
    validation = None
    if kind in ("stage", "touchpoint"):
        summary = validations_of(request, journey_id)
        validation = next(
            (v for v in summary.items if (v.item_kind, v.item_id) == (kind, item_id)), None
        )
    return ItemOut(
        journey_id=journey_id,
        head_version=context.workspace.store.head(journey_id).number,
        kind=kind,
        id=item.id,
        name=item.name,
        fields=item.fields,
        threads=[ThreadOut.of(thread, names) for thread in threads],
        evidence=[evidence_out(request, journey_id, e) for e in evidence_of(journey, item)],
        validation=validation,
    )


# -- the item page ---------------------------------------------------------------------------


@router.get(ITEM)
@access(Access.READ)
def item_page(request: Request, journey_id: str, kind: ItemKind, item_id: str) -> Response:
    context = context_of(request)
    item = item_out(request, journey_id, kind, item_id)
    journey = context.workspace.journey(journey_id)
    feedback = None
    touchpoints: list[tuple[str, str]] = []
    if kind == "touchpoint":
        feedback = touchpoint_feedback(request, journey_id, item_id)
        touchpoints = [(t.id, t.name) for _, t in journey.touchpoints()]
    comments = {
        comment.id: mention_segments(comment)
        for thread in collaboration_of(request).threads(journey_id, kind, item_id)
        for comment in (thread.root, *thread.replies)
    }
    principal = require_principal(request)
    return page(
        request,
        "item.html",
        title=f"{item.name} · {journey.name}",
        journey=journey,
        item=item,
        segments=comments,
        feedback=feedback,
        touchpoints=touchpoints,
        sources=[source.value for source in EvidenceSource],
        may_edit=principal.may(Access.EDIT),
        feeling_word=feeling_word,
        max_mb=evidence_files.MAX_BYTES // (1024 * 1024),
        allowed=", ".join(sorted(evidence_files.ALLOWED)),
    )


@api.get(ITEM, response_model=ItemOut)
@access(Access.READ)
def item(request: Request, journey_id: str, kind: ItemKind, item_id: str) -> ItemOut:
    """An item's fields, comment threads, evidence and customers' validations."""
    return item_out(request, journey_id, kind, item_id)


# -- comments --------------------------------------------------------------------------------


def _comment(
    request: Request, journey_id: str, kind: ItemKind, item_id: str, body: CommentIn
) -> CommentOut:
    principal = require_principal(request)
    try:
        comment = collaboration_of(request).comment(
            journey_id, kind, item_id, body.body, user_id=principal.user.id, reply_to=body.parent_id
        )
    except ValueError as error:
        raise HTTPException(422, str(error)) from None
    return CommentOut.of(comment, display_names(request))


def _resolve(
    request: Request, journey_id: str, kind: ItemKind, item_id: str, comment_id: int
) -> CommentOut:
    principal = require_principal(request)
    found = context_of(request).workspace.store.collaboration.comment(comment_id)
    if (found.journey_id, found.item_kind, found.item_id) != (journey_id, kind, item_id):
        raise NotFoundError(f"no comment with id {comment_id} on {kind} {item_id!r}")
    resolved = collaboration_of(request).resolve(comment_id, user_id=principal.user.id)
    return CommentOut.of(resolved, display_names(request))


@router.post(ITEM + "/comments")
@access(Access.COMMENT)
def comment_page(
    request: Request,
    journey_id: str,
    kind: ItemKind,
    item_id: str,
    body: Annotated[str, Form(min_length=1, max_length=MAX_COMMENT_LENGTH)],
    parent_id: Annotated[int | None, Form()] = None,
) -> Response:
    made = _comment(request, journey_id, kind, item_id, CommentIn(body=body, parent_id=parent_id))
    return RedirectResponse(
        item_url(journey_id, kind, item_id, f"comment-{made.id}"), status_code=303
    )


@router.post(ITEM + "/comments/{comment_id}/resolve")
@access(Access.COMMENT)
def resolve_page(
    request: Request, journey_id: str, kind: ItemKind, item_id: str, comment_id: int
) -> Response:
    _resolve(request, journey_id, kind, item_id, comment_id)
    return RedirectResponse(
        item_url(journey_id, kind, item_id, f"comment-{comment_id}"), status_code=303
    )


@api.post(ITEM + "/comments", response_model=CommentOut, status_code=201)
@access(Access.COMMENT)
def comment(
    request: Request, journey_id: str, kind: ItemKind, item_id: str, body: CommentIn
) -> CommentOut:
    """Comment on an item, or reply to a comment (``parent_id``); ``@team`` mentions a team."""
    return _comment(request, journey_id, kind, item_id, body)


@api.post(ITEM + "/comments/{comment_id}/resolve", response_model=CommentOut)
@access(Access.COMMENT)
def resolve(
    request: Request, journey_id: str, kind: ItemKind, item_id: str, comment_id: int
) -> CommentOut:
    """Close a comment's thread."""
    return _resolve(request, journey_id, kind, item_id, comment_id)
