"""The journey itself: an ordered spine of stages holding touchpoints, plus its outcomes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from pydantic import Field, field_validator, model_validator

from journeymap.model._base import ID_DESCRIPTION, Identifier, JourneyObject
from journeymap.model.enums import (
    Channel,
    EffortLevel,
    MomentKind,
    OutcomePolarity,
    Performance,
    SignalKind,
    StakeholderTier,
)
from journeymap.model.evidence import Evidence
from journeymap.model.funnel import Funnel
from journeymap.model.opportunity import Opportunity
from journeymap.model.persona import check_rule_text

EmotionScore = Annotated[int, Field(ge=-2, le=2)]


class Emotion(JourneyObject):
    """The customer's state of mind: a score from -2 (distressed) to +2 (delighted) and words."""

    score: EmotionScore = Field(
        default=0, description="From -2 (distressed) through 0 (neutral) to +2 (delighted)."
    )
    words: list[str] = Field(
        default_factory=list, description="Words for the feeling (relieved, anxious...)."
    )


class EventRule(JourneyObject):
    """Which raw events are a touchpoint: any of the event names, where the predicate holds."""

    events: list[str] = Field(
        min_length=1, description="Event names that mark it; any of them matches."
    )
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


class ExperienceSignal(JourneyObject):
    """Something that can go right or wrong at a touchpoint, measured per customer.

    The analytics of moments of truth test each signal against the journey's outcomes:
    ``happened`` (the customer had the touchpoint), ``late`` (an event's ``actual`` property,
    or its time, is after its ``promised`` property, e.g. ``delivered_date`` after
    ``promised_date``; or it came more than ``within_hours`` after the customer's ``after``
    touchpoint), ``failed`` and ``negative_feedback`` (an event of ``followed_by`` came after
    it, within ``within_hours`` when set). A ``negative_feedback`` signal without
    ``followed_by`` reads the imported customer text: negative feedback assigned to this
    touchpoint after it. ``where`` narrows which of the touchpoint's events count, for
    every kind.
    """

    id: Identifier = Field(description=ID_DESCRIPTION + " Unique within the touchpoint.")
    name: str = Field(min_length=1, description="Display name of the signal (e.g. Arrived late).")
    kind: SignalKind = Field(
        default=SignalKind.HAPPENED,
        description="happened, late, failed or negative_feedback.",
    )
    where: str | None = Field(
        default=None,
        description="Rule over event properties: only the touchpoint's events where it holds count.",
    )
    promised: str | None = Field(
        default=None,
        description="Late only: the event property holding the promised date or time "
        "(e.g. promised_date).",
    )
    actual: str | None = Field(
        default=None,
        description="Late only: the event property holding what really happened "
        "(e.g. delivered_date); the event's time when left out.",
    )
    after: Identifier | None = Field(
        default=None,
        description="Late only: id of the earlier touchpoint the promise counts from.",
    )
    within_hours: float | None = Field(
        default=None,
        gt=0,
        description="Late: the promise, in hours after the after touchpoint. Failed and "
        "negative_feedback: how soon the following event must come.",
    )
    followed_by: EventRule | None = Field(
        default=None,
        description="Failed and negative_feedback: the events that mark it (error events, "
        "a low review score). Negative_feedback without it: negative customer feedback "
        "assigned to this touchpoint.",
    )

    _check_where = field_validator("where")(check_rule_text)

    @model_validator(mode="after")
    def _fields_fit_the_kind(self) -> ExperienceSignal:
        late_fields = self.promised or self.actual or self.after
        if self.kind is SignalKind.HAPPENED and (
            late_fields or self.within_hours or self.followed_by
        ):
            raise ValueError(
                "a happened signal takes only where; promised, actual, after, within_hours "
                "and followed_by belong to late, failed and negative_feedback signals"
            )
        if self.kind is SignalKind.LATE:
            self._check_late()
        if self.kind in (SignalKind.FAILED, SignalKind.NEGATIVE_FEEDBACK):
            if self.followed_by is None and self.kind is SignalKind.FAILED:
                raise ValueError("a failed signal needs followed_by: the events that mark it")
            if late_fields:
                raise ValueError(
                    f"a {self.kind.value} signal has no promised, actual or after; "
                    "those belong to late signals"
                )
        return self

    def _check_late(self) -> None:
        if self.followed_by is not None:
            raise ValueError("a late signal has no followed_by; use kind failed for errors")
        if self.actual is not None and self.promised is None:
            raise ValueError("actual needs promised: the property it is compared with")
        if (self.after is None) != (self.within_hours is None):
            raise ValueError("a late signal by time needs both after and within_hours")
        if (self.after is None) == (self.promised is None):
            raise ValueError(
                "a late signal needs either promised (e.g. promised_date, with actual: "
                "delivered_date) or after with within_hours, not both or neither"
            )


class Touchpoint(JourneyObject):
    """An interaction between customer and company inside one stage."""

    id: Identifier = Field(description=ID_DESCRIPTION + " Unique across all stages of the journey.")
    name: str = Field(
        min_length=1, description="Display name of the touchpoint (e.g. Order confirmation email)."
    )
    description: str = Field(default="", description="What happens at this touchpoint.")
    channel: Channel = Field(
        default=Channel.WEB,
        description="Where it happens: web, app, email, phone, store, social...",
    )
    direct: bool = Field(
        default=True, description="False for indirect touchpoints (reviews, press)."
    )
    owner_team: Identifier | None = Field(default=None, description="Id of the team that owns it.")
    tier: StakeholderTier = Field(
        default=StakeholderTier.FRONTLINE,
        description="Who owns the interaction: frontline, support, decision_maker or executive.",
    )
    moment: MomentKind = Field(
        default=MomentKind.NONE,
        description="Moment of truth: delighter, hygiene_factor, pain_point or none.",
    )
    impact_rank: int | None = Field(
        default=None,
        ge=1,
        description="Emotional-impact rank among moments of truth (1 = highest).",
    )
    performance: Performance = Field(
        default=Performance.UNKNOWN,
        description="How well we deliver it today: strong, weak or unknown.",
    )
    customers_would_pay: bool | None = Field(
        default=None, description="Whether customers would pay for it (Kano-style check)."
    )
    keywords: list[str] = Field(
        default_factory=list, description="Words that tie customer feedback to this touchpoint."
    )
    event_rule: EventRule | None = Field(
        default=None, description="Which raw events are this touchpoint."
    )
    signals: list[ExperienceSignal] = Field(
        default_factory=list,
        description="What can go right or wrong here, measured per customer "
        "(happened, late, failed, negative_feedback).",
    )

    @model_validator(mode="after")
    def _rank_needs_moment(self) -> Touchpoint:
        if self.impact_rank is not None and self.moment is MomentKind.NONE:
            raise ValueError("impact_rank is set but moment is none; set moment or drop the rank")
        return self


class Stage(JourneyObject):
    """One column of the spine (Awareness, Purchase, Support...) and what customers live there."""

    id: Identifier = Field(description=ID_DESCRIPTION)
    name: str = Field(
        min_length=1, description="Display name of the stage (Awareness, Purchase, Support...)."
    )
    description: str = Field(default="", description="What happens in this stage.")
    goals: list[str] = Field(
        default_factory=list, description="What the customer wants to achieve here."
    )
    expectations: list[str] = Field(
        default_factory=list, description="What the customer expects from us here."
    )
    concerns: list[str] = Field(default_factory=list, description="Concerns and uncertainties.")
    barriers: list[str] = Field(default_factory=list, description="What may stop them moving on.")
    motivations: list[str] = Field(default_factory=list, description="What moves them on.")
    emotion: Emotion | None = Field(
        default=None, description="How the customer feels: a score from -2 to +2 and words."
    )
    effort: EffortLevel | None = Field(
        default=None, description="Effort the customer needs to move on: low, medium or high."
    )
    effort_notes: str = Field(default="", description="Where the effort comes from.")
    actions: list[str] = Field(default_factory=list, description="What the customer does.")
    desired_outcome: str = Field(
        default="", description="The result the customer wants when leaving this stage."
    )
    customer_success: str = Field(
        default="", description="What success looks like for the customer."
    )
    company_success: str = Field(default="", description="What success looks like for the company.")
    company_influence: list[str] = Field(
        default_factory=list, description="What the company can influence here."
    )
    open_questions: list[str] = Field(
        default_factory=list,
        description="What the team does not know yet and wants to find out.",
    )
    touchpoints: list[Touchpoint] = Field(
        default_factory=list,
        description="Interactions between customer and company in this stage.",
    )


class Outcome(JourneyObject):
    """A named condition on a customer (converted, churned, promoter...) the analytics measure."""

    id: Identifier = Field(description=ID_DESCRIPTION)
    name: str = Field(
        min_length=1, description="Display name of the outcome (Converted, Churned...)."
    )
    description: str = Field(default="", description="What the outcome means for the business.")
    polarity: OutcomePolarity = Field(
        default=OutcomePolarity.POSITIVE,
        description="positive for outcomes we want, negative for those we fear.",
    )
    event_rule: EventRule | None = Field(
        default=None, description="The customer has at least one matching event."
    )
    customer_rule: str | None = Field(
        default=None, description="Rule over the customer's properties, e.g. churned == true."
    )
    within_days: int | None = Field(
        default=None, ge=1, description="Counts only within this many days of the first event."
    )
    value: str | None = Field(
        default=None,
        description="Makes the outcome numeric: the event property averaged per customer over "
        "the event_rule's events (e.g. score of review_submitted).",
    )
    among: Identifier | None = Field(
        default=None,
        description="Id of another (yes/no) outcome: only customers with it are measured, "
        "e.g. churned among converted customers.",
    )

    _check_customer_rule = field_validator("customer_rule")(check_rule_text)

    @model_validator(mode="after")
    def _has_a_condition(self) -> Outcome:
        if self.event_rule is None and self.customer_rule is None:
            raise ValueError("an outcome needs an event_rule, a customer_rule or both")
        if self.value is not None and (self.event_rule is None or self.customer_rule):
            raise ValueError(
                "a numeric outcome (value) averages a property of the event_rule's events: "
                "give an event_rule and no customer_rule"
            )
        return self


class Journey(JourneyObject):
    """One persona's journey: the spine of stages, its outcomes, evidence and opportunities."""

    id: Identifier = Field(description=ID_DESCRIPTION)
    name: str = Field(
        min_length=1, description="Display name of the journey (e.g. First purchase)."
    )
    persona: Identifier = Field(description="Id of the persona whose journey this is.")
    description: str = Field(default="", description="The scenario the map tells.")
    expectations: list[str] = Field(
        default_factory=list, description="What the persona expects of the whole experience."
    )
    stages: list[Stage] = Field(
        default_factory=list, description="The spine: stages in the order customers live them."
    )
    outcomes: list[Outcome] = Field(
        default_factory=list,
        description="Results the analytics measure (converted, churned, promoter...).",
    )
    funnels: list[Funnel] = Field(
        default_factory=list,
        description="Touchpoint sequences the team measures and monitors (e.g. checkout).",
    )
    evidence: list[Evidence] = Field(
        default_factory=list, description="Observations that back or question the map."
    )
    opportunities: list[Opportunity] = Field(
        default_factory=list, description="Improvements the team commits to."
    )
    review_every_days: int | None = Field(
        default=None,
        ge=1,
        description="How often the team reviews the whole map, in days; after that it is "
        "marked stale until someone marks it reviewed. Left out: the workspace default "
        "(90 days).",
    )

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

    def funnel(self, funnel_id: str) -> Funnel:
        """The declared funnel with this id; ``KeyError`` if there is none."""
        for funnel in self.funnels:
            if funnel.id == funnel_id:
                return funnel
        raise KeyError(funnel_id)

    def touchpoint(self, touchpoint_id: str) -> Touchpoint:
        """The touchpoint with this id; ``KeyError`` if there is none."""
        for _, touchpoint in self.touchpoints():
            if touchpoint.id == touchpoint_id:
                return touchpoint
        raise KeyError(touchpoint_id)
