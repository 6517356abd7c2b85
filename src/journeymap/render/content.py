"""What a poster shows: the map itself and, optionally, what the data says about it.

The services gather these from the store, the analytics and the feedback; the layout only
reads them. Keeping the measured side as plain values (not live tables) is what makes a
poster reproducible: the same content renders to the same bytes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from journeymap.model import Journey, MomentKind, Persona, Team, ValidationStatus
from journeymap.voice.emotion import MeasuredEmotion


@dataclass(frozen=True)
class StageMetrics:
    """One stage measured: customers reached, conversion to the next stage, time, NPS."""

    customers: int
    base: int
    """Customers measured in all (the persona's segment, or everyone)."""
    to_next: float | None = None
    """Share of this stage's customers who reached the next stage (None for the last)."""
    median_days_to_next: float | None = None
    nps: float | None = None
    nps_responses: int = 0


@dataclass(frozen=True)
class TouchpointMetrics:
    """One touchpoint measured: how many customers lived it, and how they spoke of it."""

    customers: int
    base: int
    feedback_items: int = 0
    mean_sentiment: float | None = None


@dataclass(frozen=True)
class MomentMark:
    """A moment of truth found in the data: its kind, its rank, the outcome it moves."""

    touchpoint: str
    kind: MomentKind
    rank: int
    outcome: str
    summary: str
    """In words: ``churned 21% with vs 9% without (n=4,210)``."""
    on_map: MomentKind = MomentKind.NONE


@dataclass(frozen=True)
class Quote:
    """A customer's words, tied to where in the journey they belong."""

    text: str
    stage: str | None = None
    touchpoint: str | None = None
    sentiment: float | None = None
    source: str = ""


@dataclass(frozen=True)
class PosterData:
    """Everything measured that the poster can show; every part is optional."""

    period: tuple[dt.date, dt.date] | None = None
    customers: int | None = None
    stages: Mapping[str, StageMetrics] = field(default_factory=dict)
    touchpoints: Mapping[str, TouchpointMetrics] = field(default_factory=dict)
    emotions: Mapping[str, MeasuredEmotion] = field(default_factory=dict)
    moments: tuple[MomentMark, ...] = ()
    quotes: tuple[Quote, ...] = ()
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class PosterContent:
    """One journey as a poster: the map, its persona and teams, and optionally its data."""

    journey: Journey
    persona: Persona
    teams: Mapping[str, Team]
    version: int | None = None
    saved_on: dt.date | None = None
    """The date of the version drawn (not today: the same version draws the same poster)."""
    data: PosterData | None = None
    measured_for: str | None = None
    """The persona whose customers the data measures, when it is not the journey's own."""

    def team_name(self, team_id: str | None) -> str:
        """The owner team's display name, or the id when the team is not defined."""
        if team_id is None:
            return ""
        team = self.teams.get(team_id)
        return team.name if team is not None else team_id

    def validation_summary(self) -> str:
        """Whether customers checked the map: ``validated with customers on 2026-05-02 …``."""
        validations = [item.validation for item in self.journey.evidence]
        confirmed = [v for v in validations if v.status is ValidationStatus.CONFIRMED]
        disputed = [v for v in validations if v.status is ValidationStatus.DISPUTED]
        dates = [v.last_validated for v in validations if v.last_validated is not None]
        if not confirmed and not disputed:
            return "Not yet validated with customers"
        people = max((v.confirmed_by for v in confirmed), default=0)
        text = (
            f"Validated with customers: {len(confirmed)} of {len(validations)} observations "
            f"confirmed (by up to {people:,})"
        )
        if disputed:
            text += f", {len(disputed)} disputed"
        if dates:
            text += f", last on {max(dates).isoformat()}"
        return text
