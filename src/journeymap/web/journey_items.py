"""Finding one part of a journey by kind and id, as the item pages and their API name it.

Items are addressed as ``/journeys/{journey_id}/items/{kind}/{item_id}``; the kinds are the
parts a comment can be about (:data:`journeymap.store.collaboration.ITEM_KINDS`, less the
journey itself, which has its own page).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import quote

from journeymap.model import Evidence, Journey
from journeymap.store import NotFoundError

ItemKind = Literal["stage", "touchpoint", "opportunity", "evidence"]
ITEM_PATH = "/journeys/{journey_id}/items/{kind}/{item_id}"


@dataclass(frozen=True, slots=True)
class Item:
    """A part of a journey, found by kind and id."""

    kind: str
    id: str
    name: str
    fields: dict[str, Any]
    stage_id: str | None
    """The stage a touchpoint sits in (evidence about a touchpoint names it too)."""


def find_item(journey: Journey, kind: str, item_id: str) -> Item:
    """The item, or :class:`NotFoundError` that names what the journey has."""
    if kind == "stage":
        for stage in journey.stages:
            if stage.id == item_id:
                fields = stage.model_dump(mode="json", exclude_none=True, exclude={"touchpoints"})
                fields["touchpoints"] = [t.name for t in stage.touchpoints]
                return Item(kind, stage.id, stage.name, fields, stage.id)
    elif kind == "touchpoint":
        for stage, touchpoint in journey.touchpoints():
            if touchpoint.id == item_id:
                fields = touchpoint.model_dump(mode="json", exclude_none=True)
                return Item(kind, touchpoint.id, touchpoint.name, fields, stage.id)
    elif kind == "opportunity":
        for opportunity in journey.opportunities:
            if opportunity.id == item_id:
                fields = opportunity.model_dump(mode="json", exclude_none=True)
                return Item(kind, opportunity.id, opportunity.title, fields, None)
    elif kind == "evidence":
        for evidence in journey.evidence:
            if evidence.id == item_id:
                fields = evidence.model_dump(mode="json", exclude_none=True)
                return Item(kind, evidence.id, evidence.id, fields, evidence.stage)
    raise NotFoundError(f"journey {journey.id!r} has no {kind} {item_id!r}")


def evidence_of(journey: Journey, item: Item) -> list[Evidence]:
    """The evidence entries about an item (for a stage, its touchpoints' too)."""
    if item.kind == "touchpoint":
        return [e for e in journey.evidence if e.touchpoint == item.id]
    if item.kind == "stage":
        return [e for e in journey.evidence if e.stage == item.id]
    if item.kind == "evidence":
        return [e for e in journey.evidence if e.id == item.id]
    return []


def item_url(journey_id: str, kind: str, item_id: str, anchor: str = "") -> str:
    """The item page's path (ids quoted), with ``#anchor`` where given."""
    url = f"/journeys/{quote(journey_id, safe='')}/items/{kind}/{quote(item_id, safe='')}"
    return url + (f"#{anchor}" if anchor else "")
