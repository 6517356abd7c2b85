"""Every field a map file can hold explains itself in the model, the one source of hover texts.

The JSON Schema editors show is generated from these descriptions, so a field added
without one would appear in editors as a bare key.
"""

from __future__ import annotations

import typing
from collections.abc import Iterator

from pydantic import BaseModel

from journeymap.model import (
    Emotion,
    EventRule,
    Evidence,
    ExperienceSignal,
    Funnel,
    Journey,
    Opportunity,
    Outcome,
    Persona,
    Stage,
    Team,
    Touchpoint,
    Validation,
    Workspace,
)
from journeymap.model._base import ID_DESCRIPTION


def _models_in(annotation: object) -> Iterator[type[BaseModel]]:
    """The model classes an annotation mentions, through lists, unions and ``Annotated``."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
    for argument in typing.get_args(annotation):
        yield from _models_in(argument)


def _reachable(root: type[BaseModel]) -> list[type[BaseModel]]:
    """``root`` and every model its fields can hold, in the order first met."""
    found = [root]
    for model in found:
        for field in model.model_fields.values():
            found.extend(m for m in _models_in(field.annotation) if m not in found)
    return found


def test_the_walk_reaches_every_model_of_a_workspace() -> None:
    assert set(_reachable(Workspace)) == {
        Workspace,
        Persona,
        Team,
        Journey,
        Stage,
        Touchpoint,
        ExperienceSignal,
        Emotion,
        EventRule,
        Outcome,
        Funnel,
        Evidence,
        Validation,
        Opportunity,
    }


def test_every_field_of_every_reachable_model_has_a_description() -> None:
    undescribed = [
        f"{model.__name__}.{name}"
        for model in _reachable(Workspace)
        for name, field in model.model_fields.items()
        if not (field.description or "").strip()
    ]

    assert undescribed == [], "give these fields a Field(..., description=...) in the model"


def test_ids_share_one_description_so_editors_explain_them_alike() -> None:
    ids = {
        model.__name__: model.model_fields["id"].description
        for model in _reachable(Workspace)
        if "id" in model.model_fields
    }

    assert sorted(ids) == [
        "Evidence",
        "ExperienceSignal",
        "Funnel",
        "Journey",
        "Opportunity",
        "Outcome",
        "Persona",
        "Stage",
        "Team",
        "Touchpoint",
    ]
    assert all(text is not None and text.startswith(ID_DESCRIPTION) for text in ids.values())
