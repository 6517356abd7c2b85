"""Personas, teams and the stakeholders who own parts of the experience."""

from __future__ import annotations

from pydantic import Field, field_validator

from journeymap.model._base import ID_DESCRIPTION, Identifier, JourneyObject
from journeymap.model.enums import StakeholderTier
from journeymap.model.rules import parse_rule


def check_rule_text(value: str | None) -> str | None:
    """Validate rule syntax at load time so a bad rule is reported where it was written."""
    if value is not None:
        parse_rule(value)
    return value


class Persona(JourneyObject):
    """A customer archetype with its own map, measured on the customers its segment selects."""

    id: Identifier = Field(description=ID_DESCRIPTION)
    name: str = Field(min_length=1, description="Display name of the persona (e.g. Busy parent).")
    description: str = Field(default="", description="Who they are and what situation they are in.")
    quote: str = Field(
        default="", description="A sentence in their own words that captures their attitude."
    )
    goals: list[str] = Field(
        default_factory=list, description="What they want to achieve, independent of our product."
    )
    attributes: dict[str, str] = Field(
        default_factory=dict,
        description="Age band, profession, income, family status, knowledge level and the like.",
    )
    segment: str | None = Field(
        default=None,
        description='Rule over customer properties, e.g. plan == "pro" and country in ["DE","AT"].',
    )

    _check_segment = field_validator("segment")(check_rule_text)


class Team(JourneyObject):
    """A group in the company that owns touchpoints (support, logistics, marketing...)."""

    id: Identifier = Field(description=ID_DESCRIPTION)
    name: str = Field(min_length=1, description="Display name of the team.")
    tier: StakeholderTier = Field(
        default=StakeholderTier.FRONTLINE,
        description="Where the team sits: frontline, support, decision_maker or executive.",
    )
    description: str = Field(
        default="", description="What the team is responsible for in the experience."
    )
    members: list[str] = Field(
        default_factory=list, description="People in the team (names or roles)."
    )
