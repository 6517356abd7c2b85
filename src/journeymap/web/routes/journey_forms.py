"""The map page's forms: what they post, read into edits, and the conflict page they lead to.

Forms post plain text (lists one item per line, emotion words separated by commas), which
is read here into :class:`~journeymap.services.editing.StageEdit` and
:class:`~journeymap.services.editing.TouchpointEdit`; the same models are the JSON API's
bodies, so both ways of editing are checked by the same rules. A checkbox posts nothing
when unticked, so each one follows a hidden ``false`` of the same name and the last value
wins.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, TypeVar

from fastapi import Request
from fastapi.responses import Response
from pydantic import BaseModel, ValidationError
from starlette.datastructures import FormData

from journeymap.model import Journey
from journeymap.services.editing import StageEdit, TouchpointEdit
from journeymap.web.pages import page
from journeymap.web.routes.journey_saving import EditConflictError, invalid
from journeymap.web.security import CSRF_FIELD, context_of

Edit = TypeVar("Edit", bound=BaseModel)

LIST_FIELDS = (
    "goals",
    "expectations",
    "concerns",
    "barriers",
    "motivations",
    "actions",
    "keywords",
)
"""Posted as one item per line."""
WORD_FIELDS = ("emotion_words", "events")
"""Posted as items separated by commas or lines."""
NULL_IF_EMPTY = frozenset(
    {"emotion_score", "effort", "owner_team", "impact_rank", "customers_would_pay", "where"}
)
NOT_AN_EDIT = frozenset({CSRF_FIELD, "base_version"})

LABELS = {
    "to_stage": "Stage",
    "to_position": "Position",
    "move_touchpoints_to": "Move its touchpoints to",
    "emotion_score": "Emotion score",
    "emotion_words": "Emotion words",
    "owner_team": "Owner team",
    "impact_rank": "Impact rank",
    "customers_would_pay": "Customers would pay",
    "desired_outcome": "Desired outcome",
    "customer_success": "Customer success",
    "company_success": "Company success",
    "effort_notes": "Effort notes",
    "stage_id": "Stage",
    "after": "After stage",
    "delete": "Remove",
}


async def read_form(request: Request) -> FormData:
    """The posted form (a dependency, so that endpoints doing the work can stay synchronous)."""
    return await request.form()


def base_version_of(form: FormData) -> int:
    """The head version the form was rendered from (every edit form carries it)."""
    value = form.get("base_version")
    if not isinstance(value, str) or not value.strip().isdigit():
        raise invalid("base_version", "the form's base_version is missing; reload the page")
    return int(value)


def text(form: FormData, name: str, default: str = "") -> str:
    """One text field (the last value when a name is posted twice)."""
    values = [value for value in form.getlist(name) if isinstance(value, str)]
    return values[-1] if values else default


def stage_edit(form: FormData) -> StageEdit:
    """The stage fields the form posts."""
    return _edit(StageEdit, form)


def touchpoint_edit(form: FormData, *, leave_out: frozenset[str] = frozenset()) -> TouchpointEdit:
    """The touchpoint fields the form posts (``leave_out``: fields the route reads itself)."""
    return _edit(TouchpointEdit, form, leave_out=leave_out)


def _edit(model: type[Edit], form: FormData, *, leave_out: frozenset[str] = frozenset()) -> Edit:
    data: dict[str, Any] = {}
    for name in model.model_fields:
        if name in leave_out or name not in form:
            continue
        value = text(form, name)
        if name in LIST_FIELDS:
            data[name] = [line.strip() for line in value.splitlines() if line.strip()]
        elif name in WORD_FIELDS:
            data[name] = [word.strip() for word in re.split(r"[,\n]", value) if word.strip()]
        elif name in NULL_IF_EMPTY and not value.strip():
            data[name] = None
        else:
            data[name] = value.strip() if name != "description" else value
    try:
        return model.model_validate(data)
    except ValidationError as error:
        problem = error.errors()[0]
        raise invalid(".".join(str(part) for part in problem["loc"]), problem["msg"]) from None


# -- the conflict page --------------------------------------------------------------------


@dataclass(frozen=True)
class ConflictRow:
    """One field of the edited item: as the head has it and as the editor submitted it."""

    label: str
    theirs: str
    yours: str

    @property
    def differs(self) -> bool:
        return self.theirs.strip() != self.yours.strip()


def item_values(journey: Journey, kind: str, item_id: str | None) -> dict[str, str] | None:
    """A stage's or touchpoint's fields as its edit form shows them; ``None`` if it is gone."""
    for s_index, stage in enumerate(journey.stages):
        if kind == "stage" and stage.id == item_id:
            values = _form_text(stage.model_dump(exclude={"touchpoints", "emotion"}))
            values["emotion_score"] = str(stage.emotion.score) if stage.emotion else ""
            values["emotion_words"] = ", ".join(stage.emotion.words) if stage.emotion else ""
            return values | {"to_position": str(s_index), "delete": stage.name}
        for t_index, touchpoint in enumerate(stage.touchpoints):
            if kind == "touchpoint" and touchpoint.id == item_id:
                values = _form_text(touchpoint.model_dump(exclude={"event_rule", "signals"}))
                rule = touchpoint.event_rule
                values["events"] = ", ".join(rule.events) if rule else ""
                values["where"] = (rule.where or "") if rule else ""
                values["stage_id"] = values["to_stage"] = stage.id
                return values | {"to_position": str(t_index), "delete": touchpoint.name}
    return None


def _form_text(dump: dict[str, Any]) -> dict[str, str]:
    values = {}
    for name, value in dump.items():
        if isinstance(value, list):
            values[name] = "\n".join(str(item) for item in value)
        elif value is None:
            values[name] = ""
        elif isinstance(value, bool):
            values[name] = "true" if value else "false"
        else:
            values[name] = str(getattr(value, "value", value))
    return values


def conflict_page(
    request: Request,
    conflict: EditConflictError,
    form: FormData,
    *,
    kind: str,
    item_id: str | None,
    what: str,
) -> Response:
    """409: what the others saved next to what you submitted, and a button to re-apply yours
    on top of theirs (the same form, based on their version)."""
    theirs = item_values(conflict.journey, kind, item_id)
    submitted = [(name, value) for name, value in form.multi_items() if name not in NOT_AN_EDIT]
    rows = []
    for name in dict.fromkeys(name for name, _ in submitted):
        yours = text(form, name) if name != "delete" else "remove it"
        rows.append(
            ConflictRow(
                label=LABELS.get(name, name.replace("_", " ").capitalize()),
                theirs="" if theirs is None else theirs.get(name, ""),
                yours=yours,
            )
        )
    versions = context_of(request).workspace.versions(conflict.journey.id)
    return page(
        request,
        "conflict.html",
        status_code=409,
        title="Someone else changed this map",
        journey=conflict.journey,
        conflict=conflict,
        newer=[v for v in versions if v.number > conflict.base_version],
        what=what,
        gone=theirs is None and item_id is not None,
        rows=rows,
        submitted=[(name, value) for name, value in submitted if isinstance(value, str)],
        action=request.url.path,
    )
