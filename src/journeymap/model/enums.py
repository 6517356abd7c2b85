"""The closed vocabularies of journey mapping, shared by maps, the store and the analytics."""

from __future__ import annotations

from enum import StrEnum


class Channel(StrEnum):
    """Where a touchpoint happens."""

    WEB = "web"
    APP = "app"
    EMAIL = "email"
    PHONE = "phone"
    STORE = "store"
    SOCIAL = "social"
    PARTNER = "partner"
    CHAT = "chat"
    SMS = "sms"
    MAIL = "mail"
    EVENT = "event"
    OTHER = "other"


class StakeholderTier(StrEnum):
    """Who in the company owns an interaction, from the front line to the executives."""

    FRONTLINE = "frontline"
    SUPPORT = "support"
    DECISION_MAKER = "decision_maker"
    EXECUTIVE = "executive"


class MomentKind(StrEnum):
    """How a touchpoint decides the experience (Carlzon's moments of truth)."""

    DELIGHTER = "delighter"
    """Its presence lifts the experience beyond what customers expect."""
    HYGIENE_FACTOR = "hygiene_factor"
    """Expected and unnoticed; only its absence or failure is felt."""
    PAIN_POINT = "pain_point"
    """Its presence hurts the experience."""
    NONE = "none"
    """Not a moment of truth (yet)."""


class Performance(StrEnum):
    """How well the company delivers a touchpoint today, as the team judges it."""

    STRONG = "strong"
    WEAK = "weak"
    UNKNOWN = "unknown"


class EffortLevel(StrEnum):
    """The effort a customer needs to move to the next stage."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class EvidenceSource(StrEnum):
    """Where an observation about the journey came from."""

    INTERVIEW = "interview"
    WORKSHOP = "workshop"
    WALKTHROUGH = "walkthrough"
    SUPPORT_MESSAGE = "support_message"
    SURVEY = "survey"
    REVIEW = "review"
    ANALYTICS = "analytics"


class ValidationStatus(StrEnum):
    """Whether customers have confirmed what the map claims."""

    HYPOTHESIS = "hypothesis"
    CONFIRMED = "confirmed"
    DISPUTED = "disputed"


class Impact(StrEnum):
    """Expected impact of an opportunity."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class OpportunityStatus(StrEnum):
    """Where an improvement stands."""

    IDEA = "idea"
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    DROPPED = "dropped"


class SignalKind(StrEnum):
    """What an experience signal says about a touchpoint a customer lived."""

    HAPPENED = "happened"
    """The customer had the touchpoint (its presence, or absence, is the signal)."""
    LATE = "late"
    """It happened later than promised: a rule on its events, or too long after a step."""
    FAILED = "failed"
    """An error event followed it."""
    NEGATIVE_FEEDBACK = "negative_feedback"
    """The customer's feedback on it, an event that followed, was negative."""


class OutcomePolarity(StrEnum):
    """Whether an outcome is one the company wants (converted) or fears (churned)."""

    POSITIVE = "positive"
    NEGATIVE = "negative"
