"""Opportunities: improvements the team commits to, owned and linked to touchpoints."""

from __future__ import annotations

from pydantic import Field

from journeymap.model._base import ID_DESCRIPTION, Identifier, JourneyObject
from journeymap.model.enums import Impact, OpportunityStatus


class Opportunity(JourneyObject):
    """An improvement to the experience with an owner, its touchpoints and expected impact."""

    id: Identifier = Field(description=ID_DESCRIPTION)
    title: str = Field(min_length=1, description="Short name of the improvement.")
    description: str = Field(default="", description="What changes and why it helps the customer.")
    owner_team: Identifier | None = Field(default=None, description="Id of the team that owns it.")
    touchpoints: list[Identifier] = Field(
        default_factory=list, description="Ids of the touchpoints it improves."
    )
    expected_impact: Impact = Field(
        default=Impact.MEDIUM, description="Expected impact: low, medium or high."
    )
    status: OpportunityStatus = Field(
        default=OpportunityStatus.IDEA,
        description="Where it stands: idea, planned, in_progress, done or dropped.",
    )
