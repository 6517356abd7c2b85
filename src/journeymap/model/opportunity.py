"""Opportunities: improvements the team commits to, owned and linked to touchpoints."""

from __future__ import annotations

from pydantic import Field

from journeymap.model._base import Identifier, JourneyObject
from journeymap.model.enums import Impact, OpportunityStatus


class Opportunity(JourneyObject):
    """An improvement to the experience with an owner, its touchpoints and expected impact."""

    id: Identifier
    title: str = Field(min_length=1)
    description: str = ""
    owner_team: Identifier | None = None
    touchpoints: list[Identifier] = Field(default_factory=list)
    expected_impact: Impact = Impact.MEDIUM
    status: OpportunityStatus = OpportunityStatus.IDEA
