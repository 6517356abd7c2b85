"""The journey itself: an ordered spine of stages holding touchpoints, plus its outcomes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from pydantic import Field, field_validator, model_validator

from journeymap.model._base import Identifier, JourneyObject
from journeymap.model.enums import (
    Channel,
    EffortLevel,
    MomentKind,
    OutcomePolarity,
    Performance,
    StakeholderTier,
)
from journeymap.model.evidence import Evidence
from journeymap.model.opportunity import Opportunity
from journeymap.model.persona import check_rule_text

EmotionScore = Annotated[int, Field(ge=-2, le=2)]


class Emotion(JourneyObject):
    """The customer's state of mind: a score from -2 (distressed) to +2 (delighted) and words."""

    score: EmotionScore = 0
    words: list[str] = Field(default_factory=list)


class EventRule(JourneyObject):
    """Which raw events are a touchpoint: any of the event names, where the predicate holds."""

    events: list[str] = Field(min_length=1)
    where: str | None = Field(
        default=None, description="Rule over event properties, e.g. error != null."
    )

    _check_where = field_validator("where")(check_rule_text)

    @field_validator("events")
    @classmethod
    def _names_are_not_blank(cls, names: list[str]) -> list[str]:
        if any(not name.strip() for name in names):
            raise ValueError("event names must not be blank")
        return names


class Touchpoint(JourneyObject):
    """An interaction between customer and company inside one stage."""

    id: Identifier
    name: str = Field(min_length=1)
    description: str = ""
    channel: Channel = Channel.WEB
    direct: bool = Field(
        default=True, description="False for indirect touchpoints (reviews, press)."
    )
    owner_team: Identifier | None = None
    tier: StakeholderTier = StakeholderTier.FRONTLINE
    moment: MomentKind = MomentKind.NONE
    impact_rank: int | None = Field(
        default=None,
        ge=1,
        description="Emotional-impact rank among moments of truth (1 = highest).",
    )
    performance: Performance = Performance.UNKNOWN
    customers_would_pay: bool | None = None
    keywords: list[str] = Field(default_factory=list)
    event_rule: EventRule | None = None

    @model_validator(mode="after")
    def _rank_needs_moment(self) -> Touchpoint:
        if self.impact_rank is not None and self.moment is MomentKind.NONE:
            raise ValueError("impact_rank is set but moment is none; set moment or drop the rank")
        return self


class Stage(JourneyObject):
    """One column of the spine (Awareness, Purchase, Support...) and what customers live there."""

    id: Identifier
    name: str = Field(min_length=1)
    description: str = ""
    goals: list[str] = Field(default_factory=list)
    expectations: list[str] = Field(default_factory=list)
    concerns: list[str] = Field(default_factory=list, description="Concerns and uncertainties.")
    barriers: list[str] = Field(default_factory=list, description="What may stop them moving on.")
    motivations: list[str] = Field(default_factory=list, description="What moves them on.")
    emotion: Emotion | None = None
    effort: EffortLevel | None = None
    effort_notes: str = ""
    actions: list[str] = Field(default_factory=list)
    desired_outcome: str = ""
    customer_success: str = ""
    company_success: str = ""
    company_influence: list[str] = Field(default_factory=list)
    open_questions: list[str] = Field(default_factory=list)
    touchpoints: list[Touchpoint] = Field(default_factory=list)


class Outcome(JourneyObject):
    """A named condition on a customer (converted, churned, promoter...) the analytics measure."""

    id: Identifier
    name: str = Field(min_length=1)
    description: str = ""
    polarity: OutcomePolarity = OutcomePolarity.POSITIVE
    event_rule: EventRule | None = Field(
        default=None, description="The customer has at least one matching event."
    )
    customer_rule: str | None = Field(
        default=None, description="Rule over the customer's properties, e.g. churned == true."
    )
    within_days: int | None = Field(
        default=None, ge=1, description="Counts only within this many days of the first event."
    )

    _check_customer_rule = field_validator("customer_rule")(check_rule_text)

    @model_validator(mode="after")
    def _has_a_condition(self) -> Outcome:
        if self.event_rule is None and self.customer_rule is None:
            raise ValueError("an outcome needs an event_rule, a customer_rule or both")
        return self


class Journey(JourneyObject):
    """One persona's journey: the spine of stages, its outcomes, evidence and opportunities."""

    id: Identifier
    name: str = Field(min_length=1)
    persona: Identifier
    description: str = Field(default="", description="The scenario the map tells.")
    expectations: list[str] = Field(default_factory=list)
    stages: list[Stage] = Field(default_factory=list)
    outcomes: list[Outcome] = Field(default_factory=list)
    evidence: list[Evidence] = Field(default_factory=list)
    opportunities: list[Opportunity] = Field(default_factory=list)

    def touchpoints(self) -> Iterator[tuple[Stage, Touchpoint]]:
        """Every touchpoint with its stage, in spine order."""
        for stage in self.stages:
            for touchpoint in stage.touchpoints:
                yield stage, touchpoint

    def stage(self, stage_id: str) -> Stage:
        """The stage with this id; ``KeyError`` if there is none."""
        for stage in self.stages:
            if stage.id == stage_id:
                return stage
        raise KeyError(stage_id)

    def touchpoint(self, touchpoint_id: str) -> Touchpoint:
        """The touchpoint with this id; ``KeyError`` if there is none."""
        for _, touchpoint in self.touchpoints():
            if touchpoint.id == touchpoint_id:
                return touchpoint
        raise KeyError(touchpoint_id)
