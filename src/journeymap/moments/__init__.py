"""Moments of truth from data: which experience signals customers lived, and what they cost.

Pure functions over Ibis tables, like :mod:`journeymap.analytics`: the per-customer signal
table is built inside the engine; the statistics run on that small matrix.
"""

from journeymap.moments.impact import MomentImpacts, MomentVerdict, SignalImpact, moment_impacts
from journeymap.moments.monitor import Incident, Monitoring, detect_drops, monitor_funnel
from journeymap.moments.score import (
    CalibrationBin,
    ExperienceScore,
    MomentBalance,
    experience_score,
    roc_auc,
)
from journeymap.moments.signals import SignalColumn, journey_signals, signal_column, signal_table

__all__ = [
    "CalibrationBin",
    "ExperienceScore",
    "Incident",
    "MomentBalance",
    "MomentImpacts",
    "MomentVerdict",
    "Monitoring",
    "SignalColumn",
    "SignalImpact",
    "detect_drops",
    "experience_score",
    "journey_signals",
    "moment_impacts",
    "monitor_funnel",
    "roc_auc",
    "signal_column",
    "signal_table",
]
