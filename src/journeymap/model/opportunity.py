"""Opportunities: improvements the team commits to, owned and linked to touchpoints.

Most are written by the team; some start as suggestions from the data (``journeymap
opportunities suggest``) and, once accepted, say so in ``source`` and keep the outcome they
should move and the gain the evidence promised, so that the map shows why they are there.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from journeymap.model._base import ID_DESCRIPTION, Identifier, JourneyObject
from journeymap.model.enums import Impact, OpportunityStatus

OpportunitySource = Literal["team", "suggested"]
"""Who proposed an opportunity: the team, or the data (an accepted suggestion)."""


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
    source: OpportunitySource = Field(
        default="team",
        description="Who proposed it: team, or suggested (accepted from the data's "
        "opportunity backlog).",
    )
    outcome: Identifier | None = Field(
        default=None,
        description="Id of the journey outcome it should move (churned, repeat-purchase...).",
    )
    expected_gain: float | None = Field(
        default=None,
        description="The gain the evidence promised, in the outcome's unit: customers for a "
        "yes/no outcome (churners avoided), points for a numeric one (review stars).",
    )
