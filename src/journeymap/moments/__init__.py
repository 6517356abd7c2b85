"""Moments of truth from data: which experience signals customers lived, and what they cost.

Pure functions over Ibis tables, like :mod:`journeymap.analytics`: the per-customer signal
table is built inside the engine; the statistics run on that small matrix.
"""

from journeymap.moments.alarms import detect_drops, detect_rises
from journeymap.moments.evidence import ExamplePath, MomentEvidence, PathStep, moment_evidence
from journeymap.moments.impact import MomentImpacts, MomentVerdict, SignalImpact, moment_impacts
from journeymap.moments.journey_monitor import JourneyMonitoring, monitor_journey
from journeymap.moments.monitor import Incident, Monitoring, monitor_funnel
from journeymap.moments.opportunities import (
    GroupRate,
    OpportunityBacklog,
    SuggestedOpportunity,
    suggest_opportunities,
)
from journeymap.moments.score import (
    CalibrationBin,
    ExperienceScore,
    MomentBalance,
    experience_score,
    roc_auc,
)
from journeymap.moments.signal_monitor import (
    SignalMonitoring,
    SignalPeriod,
    monitor_signals,
    signal_rates_by_period,
)
from journeymap.moments.signals import SignalColumn, journey_signals, signal_column, signal_table
from journeymap.moments.windows import CutOff

__all__ = [
    "CalibrationBin",
    "CutOff",
    "ExamplePath",
    "ExperienceScore",
    "GroupRate",
    "Incident",
    "JourneyMonitoring",
    "MomentBalance",
    "MomentEvidence",
    "MomentImpacts",
    "MomentVerdict",
    "Monitoring",
    "OpportunityBacklog",
    "PathStep",
    "SignalColumn",
    "SignalImpact",
    "SignalMonitoring",
    "SignalPeriod",
    "SuggestedOpportunity",
    "detect_drops",
    "detect_rises",
    "experience_score",
    "journey_signals",
    "moment_evidence",
    "moment_impacts",
    "monitor_funnel",
    "monitor_journey",
    "monitor_signals",
    "roc_auc",
    "signal_column",
    "signal_rates_by_period",
    "signal_table",
    "suggest_opportunities",
]
