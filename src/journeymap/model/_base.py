"""Shared base class and identifier type for every journey-model object."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints

IDENTIFIER_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,63}$"

Identifier = Annotated[str, StringConstraints(pattern=IDENTIFIER_PATTERN)]
"""A stable, human-readable id (``checkout-payment``); history and comments point at it."""

ID_DESCRIPTION = "Stable id: lowercase letters, digits, '-' and '_' (e.g. checkout-payment)."
"""How every ``id`` field explains itself in the JSON Schema that editors show on hover."""

_NON_ID_CHARACTERS = re.compile(r"[^a-z0-9]+")


def slugify(name: str, *, fallback: str = "item") -> str:
    """Turn a display name into an :data:`Identifier` (``"Pay & go!"`` -> ``"pay-go"``)."""
    slug = _NON_ID_CHARACTERS.sub("-", name.lower()).strip("-")[:64].strip("-")
    return slug or fallback


class JourneyObject(BaseModel):
    """Base of all model types: unknown fields are errors, so typos in map files surface."""

    model_config = ConfigDict(
        extra="forbid",
        validate_assignment=True,
        use_enum_values=False,
        populate_by_name=True,
    )
