"""The workspace: everything a team maps, in one object that can be saved, zipped and shared."""

from __future__ import annotations

from pydantic import Field

from journeymap.model._base import JourneyObject
from journeymap.model.journey import Journey
from journeymap.model.persona import Persona, Team


class Workspace(JourneyObject):
    """Personas, teams and their journeys; one journey per persona and scenario."""

    name: str = Field(
        default="journeymap workspace",
        min_length=1,
        description="Name of the workspace: the product, service or team the maps belong to.",
    )
    description: str = Field(default="", description="What this workspace maps and for whom.")
    personas: list[Persona] = Field(
        default_factory=list,
        description="Customer archetypes; each journey follows one of them.",
    )
    teams: list[Team] = Field(
        default_factory=list,
        description="Groups in the company that own touchpoints and opportunities.",
    )
    journeys: list[Journey] = Field(
        default_factory=list,
        description="Customer journeys, each a spine of stages for one persona and scenario.",
    )

    def persona(self, persona_id: str) -> Persona:
        """The persona with this id; ``KeyError`` if there is none."""
        for persona in self.personas:
            if persona.id == persona_id:
                return persona
        raise KeyError(persona_id)

    def journey(self, journey_id: str) -> Journey:
        """The journey with this id; ``KeyError`` if there is none."""
        for journey in self.journeys:
            if journey.id == journey_id:
                return journey
        raise KeyError(journey_id)

    def journeys_of(self, persona_id: str) -> list[Journey]:
        """The journeys mapped for one persona."""
        return [journey for journey in self.journeys if journey.persona == persona_id]
