"""The map page: one journey's spine as columns of touchpoint cards, editable in place.

Every stage and touchpoint carries its own small forms (edit, move, remove) posting to
:mod:`journeymap.web.routes.journey_edits`, so the page works without JavaScript;
``static/journeys.js`` adds drag and drop on top. Each form carries the head version it
was rendered from, which is what lets a second editor's save be caught as a conflict.
New journeys start from a shipped template (a practitioner's first draft, not a blank page).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from journeymap.mapfile import list_templates
from journeymap.model import (
    Channel,
    EffortLevel,
    MomentKind,
    Performance,
    StakeholderTier,
)
from journeymap.services.editing import new_journey_from_template
from journeymap.web.pages import page
from journeymap.web.routes.journey_saving import edit_errors
from journeymap.web.security import Access, access, context_of, require_principal

router = APIRouter(include_in_schema=False)

MOMENTS = {
    MomentKind.DELIGHTER: ("▲", "Delighter"),
    MomentKind.HYGIENE_FACTOR: ("■", "Hygiene factor"),
    MomentKind.PAIN_POINT: ("▼", "Pain point"),
    MomentKind.NONE: ("", "No moment of truth"),
}
"""Each moment of truth as a shape and a word, never by colour alone (as on the poster)."""

STAGE_LISTS = (
    ("goals", "Goals"),
    ("expectations", "Expectations"),
    ("actions", "Actions"),
    ("motivations", "Motivations"),
    ("concerns", "Concerns"),
    ("barriers", "Barriers"),
)
STAGE_TEXTS = (
    ("desired_outcome", "Desired outcome"),
    ("customer_success", "Customer success"),
    ("company_success", "Company success"),
)
POSTER_FORMATS = ("svg", "png", "pdf", "html")


def choices() -> dict[str, list[tuple[str, str]]]:
    """The closed vocabularies the forms offer, as (value, label)."""

    def labelled(values: list[str]) -> list[tuple[str, str]]:
        return [(value, value.replace("_", " ")) for value in values]

    return {
        "channel": labelled([c.value for c in Channel]),
        "tier": labelled([t.value for t in StakeholderTier]),
        "moment": [(kind.value, MOMENTS[kind][1]) for kind in MomentKind],
        "performance": labelled([p.value for p in Performance]),
        "effort": labelled([e.value for e in EffortLevel]),
    }


@router.get("/journeys/new")
@access(Access.EDIT)
def new_journey_page(request: Request) -> Response:
    workspace = context_of(request).workspace.load()
    return page(
        request,
        "journey_new.html",
        title="New journey",
        templates=list_templates(),
        personas=workspace.personas,
    )


@router.post("/journeys")
@access(Access.EDIT)
def create_journey_page(
    request: Request,
    template: Annotated[str, Form(min_length=1, max_length=100)],
    persona_id: Annotated[str, Form(max_length=64)] = "",
    name: Annotated[str, Form(max_length=200)] = "",
    journey_id: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    created = create_journey(
        request, template, persona_id=persona_id, name=name, journey_id=journey_id
    )
    return RedirectResponse(f"/journeys/{created}", status_code=303)


def create_journey(
    request: Request,
    template: str,
    *,
    persona_id: str | None = None,
    name: str | None = None,
    journey_id: str | None = None,
) -> str:
    """Save a new journey from ``template`` (its persona and teams where missing); its id."""
    workspace = context_of(request).workspace
    with edit_errors():
        part = new_journey_from_template(
            workspace.load(),
            template,
            persona_id=persona_id or None,
            journey_id=journey_id or None,
            name=name or None,
        )
        [journey] = part.journeys
        workspace.save(
            part,
            author=require_principal(request).user.username,
            message=f"Created from template {template}",
        )
    return journey.id


@router.get("/journeys/{journey_id}")
@access(Access.READ)
def journey_page(request: Request, journey_id: str) -> Response:
    context = context_of(request)
    head = context.workspace.store.head(journey_id)
    journey = context.workspace.journey(journey_id, head.number)
    workspace = context.workspace.load()
    persona = next((p for p in workspace.personas if p.id == journey.persona), None)
    others = [j for j in workspace.journeys if j.id != journey_id]
    return page(
        request,
        "journey.html",
        title=journey.name,
        journey=journey,
        version=head,
        persona=persona,
        teams={team.id: team for team in workspace.teams},
        others=others,
        can_edit=require_principal(request).may(Access.EDIT),
        choices=choices(),
        moments=MOMENTS,
        stage_lists=STAGE_LISTS,
        stage_texts=STAGE_TEXTS,
        poster_formats=POSTER_FORMATS,
    )
