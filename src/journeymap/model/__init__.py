"""The journey as data: personas, journeys, stages, touchpoints, evidence, opportunities.

Pure Pydantic models and their invariants; this package does no I/O and imports nothing
else of journeymap, so every other layer can depend on it.
"""

from journeymap.model._base import Identifier, JourneyObject, slugify
from journeymap.model.compare import JourneyComparison, StagePair, TouchpointPair, compare_journeys
from journeymap.model.enums import (
    Channel,
    EffortLevel,
    EvidenceSource,
    Impact,
    MomentKind,
    OpportunityStatus,
    OutcomePolarity,
    Performance,
    SignalKind,
    StakeholderTier,
    ValidationStatus,
)
from journeymap.model.evidence import Evidence, Validation
from journeymap.model.funnel import Funnel
from journeymap.model.integrity import Problem, find_problems
from journeymap.model.journey import (
    Emotion,
    EventRule,
    ExperienceSignal,
    Journey,
    Outcome,
    Stage,
    Touchpoint,
)
from journeymap.model.opportunity import Opportunity
from journeymap.model.persona import Persona, Team
from journeymap.model.rules import Rule, RuleSyntaxError, parse_rule
from journeymap.model.workspace import Workspace

__all__ = [
    "Channel",
    "EffortLevel",
    "Emotion",
    "EventRule",
    "Evidence",
    "EvidenceSource",
    "ExperienceSignal",
    "Funnel",
    "Identifier",
    "Impact",
    "Journey",
    "JourneyComparison",
    "JourneyObject",
    "MomentKind",
    "Opportunity",
    "OpportunityStatus",
    "Outcome",
    "OutcomePolarity",
    "Performance",
    "Persona",
    "Problem",
    "Rule",
    "RuleSyntaxError",
    "SignalKind",
    "Stage",
    "StagePair",
    "StakeholderTier",
    "Team",
    "Touchpoint",
    "TouchpointPair",
    "Validation",
    "ValidationStatus",
    "Workspace",
    "compare_journeys",
    "find_problems",
    "parse_rule",
    "slugify",
]
