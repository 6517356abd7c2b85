"""Which model type and field a path into a map file names, for errors that need to know.

A validation error says ``journeys.0.stages.1.emotin``; to suggest ``emotion`` we need the
fields of :class:`~journeymap.model.Stage`, and to list valid channels we need the enum.
We get both by walking the type annotations of :class:`MapDocument` along the path.
"""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass
from enum import Enum
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from journeymap.mapfile.document import MapDocument
from journeymap.mapfile.positions import KEY_MARKER, Location


@dataclass(frozen=True)
class FieldAt:
    """The model that holds the last step of a path, and that field if it is a model field."""

    owner: type[BaseModel] | None
    field: FieldInfo | None
    annotation: Any


def field_at(location: Location) -> FieldAt:
    """Resolve a pydantic error location against the document's types."""
    current: Any = MapDocument
    owner: type[BaseModel] | None = None
    field: FieldInfo | None = None
    for part in location:
        if part == KEY_MARKER:
            break
        current = _unwrap(current)
        if isinstance(current, type) and issubclass(current, BaseModel):
            owner, field = current, _model_field(current, part)
            current = field.annotation if field is not None else None
        elif typing.get_origin(current) is list and isinstance(part, int):
            owner, field, current = None, None, typing.get_args(current)[0]
        elif typing.get_origin(current) is dict:
            owner, field, current = None, None, typing.get_args(current)[1]
        else:
            return FieldAt(owner=None, field=None, annotation=None)
    return FieldAt(owner=owner, field=field, annotation=current)


def model_at(location: Location) -> type[BaseModel] | None:
    """The model type whose mapping sits at ``location`` (``None`` if it is not a model)."""
    annotation = _unwrap(field_at(location).annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return None


def enum_at(location: Location) -> type[Enum] | None:
    """The enum a field at ``location`` takes its values from, if any."""
    annotation = _unwrap(field_at(location).annotation)
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return annotation
    return None


def field_names(model: type[BaseModel]) -> list[str]:
    """The keys a file may use for a model, in declaration order ($schema, not schema_url)."""
    return [field.alias or name for name, field in model.model_fields.items()]


def label(model: type[BaseModel] | None) -> str:
    """How an error names a model: ``EventRule`` -> ``event rule``, the document -> ``map file``."""
    if model is None:
        return "value"
    if issubclass(model, MapDocument):
        return "map file"
    words = "".join(f" {c.lower()}" if c.isupper() else c for c in model.__name__)
    return words.strip()


def _model_field(model: type[BaseModel], part: str | int) -> FieldInfo | None:
    for name, field in model.model_fields.items():
        if part in (name, field.alias):
            return field
    return None


def _unwrap(annotation: Any) -> Any:
    """Strip ``Annotated[...]`` and ``X | None`` down to ``X``."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            members = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
            if len(members) != 1:
                return annotation
            annotation = members[0]
        else:
            return annotation
