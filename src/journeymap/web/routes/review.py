"""Customers at the table: the invited customer's review of their journey, and what staff see.

A map is a hypothesis until the people who live the journey say "yes, that is how it went"
or "no, not for me". The customer's page shows the journey in their words only: stage
names, descriptions, goals and actions, and each touchpoint's name, description and
channel. Everything internal (owner teams, tiers, moments of truth, impact ranks,
performance, metrics, evidence, notes, opportunities, other customers' answers) stays out,
and :class:`ReviewOut` is the guarantee: the page and the API both render that model, never
the journey itself, so a field added to the map later cannot leak by accident.

Staff may preview the page (owners pass the customer gate), but their answers are refused:
a validation counts only when a customer gave it. Staff read the counts on
``/journeys/{journey_id}/validations`` and in the journey page's badges (``collab.js``).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal
from urllib.parse import quote

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from journeymap.model import Journey
from journeymap.services.collaboration import (
    MAX_VALIDATION_COMMENT_LENGTH,
    CollaborationService,
    ItemValidation,
)
from journeymap.store.collaboration import CustomerValidation
from journeymap.web.pages import page
from journeymap.web.security import Access, access, context_of, require_principal

router = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/v1", tags=["review"])

ReviewKind = Literal["stage", "touchpoint"]
Verdict = Literal["confirmed", "disputed"]

FEELINGS: tuple[tuple[int, str], ...] = (
    (-2, "Awful"),
    (-1, "Not good"),
    (0, "Okay"),
    (1, "Good"),
    (2, "Delighted"),
)
"""The five answers to "how did it feel?", in words first: people do not think in numbers."""

CHANNEL_WORDS = {
    "web": "Website",
    "app": "App",
    "email": "Email",
    "phone": "Phone",
    "store": "In a shop",
    "social": "Social media",
    "partner": "Through a partner",
    "chat": "Chat",
    "sms": "Text message",
    "mail": "Post",
    "event": "At an event",
    "other": "Elsewhere",
}
"""Channels as a customer would say them."""

STAFF_ANSWERS_REFUSED = (
    "You are previewing this page as staff: only invited customers' answers count as "
    "validations, so nothing was saved. Invite a customer from the journey's page."
)


def collaboration_of(request: Request) -> CollaborationService:
    """The comments and validations service over the app's store (cheap to make)."""
    context = context_of(request)
    return CollaborationService(context.workspace.store, clock=context.clock)


def display_names(request: Request) -> dict[int, str]:
    """Every account's name as people know it (customers: as the invitation named them)."""
    return {user.id: user.display_name for user in context_of(request).accounts.users()}


# -- what a customer may see ---------------------------------------------------------------


class CustomerAnswer(BaseModel):
    """The customer's own word on one stage or touchpoint."""

    model_config = ConfigDict(extra="forbid")

    verdict: Verdict | None
    feeling: int | None = Field(description="From -2 (awful) to +2 (delighted).")
    comment: str
    updated_at: dt.datetime

    @classmethod
    def of(cls, answer: CustomerValidation) -> CustomerAnswer:
        verdict: Verdict | None = None
        if answer.verdict == "confirmed":
            verdict = "confirmed"
        elif answer.verdict == "disputed":
            verdict = "disputed"
        return cls(
            verdict=verdict,
            feeling=answer.feeling,
            comment=answer.comment,
            updated_at=answer.updated_at,
        )


class ReviewTouchpoint(BaseModel):
    """A touchpoint as the customer meets it: no owner, tier, moment or metric."""

    model_config = ConfigDict(extra="forbid")

    id: str
    name: str
    description: str
    channel: str
    answer: CustomerAnswer | None


class ReviewStage(BaseModel):
    """A stage as the customer lives it: what happens, what they want, what they do."""

    model_config = ConfigDict(extra="forbid")

    id: str
    name: str
    description: str
    goals: list[str]
    actions: list[str]
    touchpoints: list[ReviewTouchpoint]
    answer: CustomerAnswer | None


class ReviewOut(BaseModel):
    """The customer-facing view of a journey: the only fields a customer ever receives."""

    model_config = ConfigDict(extra="forbid")

    journey_id: str
    name: str
    stages: list[ReviewStage]
    answered: int = Field(description="How many stages and touchpoints you answered.")
    items: int = Field(description="How many stages and touchpoints there are.")


class AnswerIn(BaseModel):
    """A customer's answer; sending it again replaces the earlier one."""

    model_config = ConfigDict(extra="forbid")

    verdict: Verdict | None = Field(
        default=None, description="confirmed: that is how it went for me; disputed: it was not."
    )
    feeling: int | None = Field(default=None, ge=-2, le=2, description="-2 awful … +2 delighted.")
    comment: str = Field(default="", max_length=MAX_VALIDATION_COMMENT_LENGTH)


class AnswerOut(CustomerAnswer):
    item_kind: ReviewKind
    item_id: str


def customer_view(journey: Journey, answers: list[CustomerValidation]) -> ReviewOut:
    """The journey with one customer's answers, as :class:`ReviewOut` (nothing internal)."""
    mine = {(a.item_kind, a.item_id): CustomerAnswer.of(a) for a in answers}
    stages = [
        ReviewStage(
            id=stage.id,
            name=stage.name,
            description=stage.description,
            goals=list(stage.goals),
            actions=list(stage.actions),
            answer=mine.get(("stage", stage.id)),
            touchpoints=[
                ReviewTouchpoint(
                    id=touchpoint.id,
                    name=touchpoint.name,
                    description=touchpoint.description,
                    channel=touchpoint.channel.value,
                    answer=mine.get(("touchpoint", touchpoint.id)),
                )
                for touchpoint in stage.touchpoints
            ],
        )
        for stage in journey.stages
    ]
    items = sum(1 + len(stage.touchpoints) for stage in journey.stages)
    answered = sum(
        (stage.answer is not None) + sum(t.answer is not None for t in stage.touchpoints)
        for stage in stages
    )
    return ReviewOut(
        journey_id=journey.id, name=journey.name, stages=stages, answered=answered, items=items
    )


def _review_of(request: Request, journey_id: str) -> ReviewOut:
    principal = require_principal(request)
    journey = context_of(request).workspace.journey(journey_id)
    answers = context_of(request).workspace.store.collaboration.validations_of(
        journey_id, principal.user.id
    )
    return customer_view(journey, answers)


def _save_answer(
    request: Request, journey_id: str, kind: ReviewKind, item_id: str, answer: AnswerIn
) -> AnswerOut:
    principal = require_principal(request)
    if not principal.user.is_customer:
        raise HTTPException(403, STAFF_ANSWERS_REFUSED)
    try:
        saved = collaboration_of(request).validate(
            journey_id,
            kind,
            item_id,
            user_id=principal.user.id,
            verdict=answer.verdict,
            feeling=answer.feeling,
            comment=answer.comment,
        )
    except ValueError as error:
        raise HTTPException(422, str(error)) from None
    return AnswerOut(**CustomerAnswer.of(saved).model_dump(), item_kind=kind, item_id=item_id)


# -- the customer's pages --------------------------------------------------------------------


@router.get("/review/{journey_id}")
@access(Access.CUSTOMER)
def review_page(request: Request, journey_id: str, saved: str = "") -> Response:
    principal = require_principal(request)
    view = _review_of(request, journey_id)
    return page(
        request,
        "review.html",
        title=view.name,
        view=view,
        feelings=FEELINGS,
        channels=CHANNEL_WORDS,
        saved=saved,
        preview=not principal.user.is_customer,
    )


@router.post("/review/{journey_id}/items/{kind}/{item_id}")
@access(Access.CUSTOMER)
def save_answer_page(
    request: Request,
    journey_id: str,
    kind: ReviewKind,
    item_id: str,
    verdict: Annotated[Literal["confirmed", "disputed", ""], Form()] = "",
    feeling: Annotated[Literal["", "-2", "-1", "0", "1", "2"], Form()] = "",
    comment: Annotated[str, Form(max_length=MAX_VALIDATION_COMMENT_LENGTH)] = "",
) -> Response:
    answer = AnswerIn(
        verdict=verdict or None,
        feeling=int(feeling) if feeling else None,
        comment=comment,
    )
    _save_answer(request, journey_id, kind, item_id, answer)
    anchor = quote(f"{kind}-{item_id}", safe="")
    return RedirectResponse(
        f"/review/{quote(journey_id, safe='')}?saved={anchor}#{anchor}", status_code=303
    )


@router.get("/review/{journey_id}/done")
@access(Access.CUSTOMER)
def review_done_page(request: Request, journey_id: str) -> Response:
    view = _review_of(request, journey_id)
    return page(request, "review_done.html", title="Thank you", view=view)


@api.get("/review/{journey_id}", response_model=ReviewOut)
@access(Access.CUSTOMER)
def review(request: Request, journey_id: str) -> ReviewOut:
    """The journey as the invited customer sees it, with their own answers so far."""
    return _review_of(request, journey_id)


@api.put("/review/{journey_id}/items/{kind}/{item_id}", response_model=AnswerOut)
@access(Access.CUSTOMER)
def save_answer(
    request: Request, journey_id: str, kind: ReviewKind, item_id: str, body: AnswerIn
) -> AnswerOut:
    """Confirm or dispute a stage or touchpoint, say how it felt, add a word (customers only)."""
    return _save_answer(request, journey_id, kind, item_id, body)


# -- what staff see --------------------------------------------------------------------------


class CustomerSaid(BaseModel):
    """One customer's answer, for staff: named as the invitation named them."""

    customer: str
    verdict: Verdict | None
    feeling: int | None
    comment: str
    updated_at: dt.datetime


class ItemValidationOut(BaseModel):
    """What customers said about one stage or touchpoint."""

    item_kind: ReviewKind
    item_id: str
    name: str
    state: Literal["hypothesis", "confirmed", "disputed"]
    label: str = Field(description='Ready to show: "hypothesis", "confirmed by 3", ….')
    confirmations: int
    disputes: int
    mean_feeling: float | None
    comments: int
    responses: int
    answers: list[CustomerSaid]


class ValidationsOut(BaseModel):
    journey_id: str
    last_validated_at: dt.datetime | None
    items: list[ItemValidationOut]


def validation_label(item: ItemValidation) -> str:
    """``hypothesis``, ``confirmed by 3`` or ``disputed by 1`` (with the confirmations)."""
    if item.state == "hypothesis":
        return "hypothesis"
    if item.state == "confirmed":
        return f"confirmed by {item.confirmations}"
    label = f"disputed by {item.disputes}"
    return label + (f", confirmed by {item.confirmations}" if item.confirmations else "")


def validations_of(request: Request, journey_id: str) -> ValidationsOut:
    """The validation summary of a journey with every customer's answer, for staff."""
    collaboration = collaboration_of(request)
    summary = collaboration.validation_summary(journey_id)
    names = display_names(request)
    answers = collaboration.store.collaboration.validations_of(journey_id)
    items = []
    for item in summary.items:
        said = [
            CustomerSaid(
                customer=names.get(a.user_id, f"account {a.user_id}"),
                **CustomerAnswer.of(a).model_dump(),
            )
            for a in answers
            if (a.item_kind, a.item_id) == (item.item_kind, item.item_id)
        ]
        items.append(
            ItemValidationOut(
                item_kind="stage" if item.item_kind == "stage" else "touchpoint",
                item_id=item.item_id,
                name=item.name,
                state=item.state,
                label=validation_label(item),
                confirmations=item.confirmations,
                disputes=item.disputes,
                mean_feeling=item.mean_feeling,
                comments=item.comments,
                responses=item.responses,
                answers=said,
            )
        )
    return ValidationsOut(
        journey_id=journey_id, last_validated_at=summary.last_validated_at, items=items
    )


def feeling_word(mean: float | None) -> str:
    """The nearest of the five feeling words to a mean, with the number: "Good (+0.7)"."""
    if mean is None:
        return "no feeling given"
    nearest = min(FEELINGS, key=lambda pair: abs(pair[0] - mean))
    return f"{nearest[1]} ({mean:+.1f})"


@router.get("/journeys/{journey_id}/validations")
@access(Access.READ)
def validations_page(request: Request, journey_id: str) -> Response:
    journey = context_of(request).workspace.journey(journey_id)
    return page(
        request,
        "review_validations.html",
        title=f"Validations · {journey.name}",
        journey=journey,
        validations=validations_of(request, journey_id),
        feeling_word=feeling_word,
        feelings=dict(FEELINGS),
    )


@api.get("/journeys/{journey_id}/validations", response_model=ValidationsOut)
@access(Access.READ)
def validations(request: Request, journey_id: str) -> ValidationsOut:
    """Per stage and touchpoint: hypothesis, confirmed or disputed, with counts and answers."""
    return validations_of(request, journey_id)
