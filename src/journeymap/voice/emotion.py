"""The measured emotion curve: what customers wrote about each stage, beside what the team drew.

A journey map's emotion curve is usually the team's guess (``Stage.emotion``, -2 distressed
to +2 delighted). Customers' own words give a second curve: the mean sentiment of the
feedback assigned to each stage, with a 95 % interval and its count. Where the team's
point lies outside the measured interval and the two differ by at least ``gap`` on the
sentiment scale (-1 to 1; the team's score is halved onto it), the stage is **flagged**:
the map feels differently from the customers.

The per-stage counts, means and variances are computed in the engine; only one row per
stage comes out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import ibis
from scipy import stats

from journeymap.model import Journey
from journeymap.model.canonical import SENTIMENT, STAGE

__all__ = ["MeasuredEmotion", "measured_emotions"]


@dataclass(frozen=True)
class MeasuredEmotion:
    """One stage: the emotion the team assumed and the one customers' feedback shows."""

    stage: str
    name: str
    assumed: float | None
    """The team's score on the sentiment scale (``Stage.emotion.score / 2``); None if unset."""
    items: int
    mean: float | None
    """Mean sentiment of the stage's feedback (-1 to 1); None without feedback."""
    low: float | None
    high: float | None
    flagged: bool
    """True when the team's point lies outside the interval and ``gap`` or more away."""

    @property
    def note(self) -> str:
        """``the map assumes delighted (+0.50); customers say -0.21 (n=340)``, or ""."""
        if not self.flagged or self.assumed is None or self.mean is None:
            return ""
        return (
            f"the map assumes {_feeling(self.assumed)} ({self.assumed:+.2f}); customers' "
            f"feedback says {_feeling(self.mean)} ({self.mean:+.2f}, n={self.items})"
        )


def _feeling(value: float) -> str:
    if value <= -0.5:
        return "distressed"
    if value < -0.1:
        return "unhappy"
    if value <= 0.1:
        return "neutral"
    if value < 0.5:
        return "pleased"
    return "delighted"


def measured_emotions(
    feedback: ibis.Table,
    journey: Journey,
    *,
    confidence: float = 0.95,
    gap: float = 0.25,
    minimum: int = 5,
) -> tuple[MeasuredEmotion, ...]:
    """Per stage of ``journey``, in spine order, the measured against the assumed emotion.

    ``feedback`` has a ``stage`` column (the assignment) and a ``sentiment`` column (-1..1).
    Stages with fewer than ``minimum`` items get a mean but no interval and are never flagged.

    >>> import ibis
    >>> from journeymap.model import Emotion, Journey, Stage
    >>> journey = Journey(id="j", name="J", persona="p", stages=[
    ...     Stage(id="buy", name="Buy", emotion=Emotion(score=2))])
    >>> rows = ibis.memtable({"stage": ["buy"] * 6, "sentiment": [-0.5, -0.4, -0.6, -0.2, -0.3, -0.5]})
    >>> measured_emotions(rows, journey)[0].note
    "the map assumes delighted (+1.00); customers' feedback says unhappy (-0.42, n=6)"
    """
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1; got {confidence}")
    for column in (STAGE, SENTIMENT):
        if column not in feedback.columns:
            raise ValueError(f"the feedback has no {column!r} column: assign and score it first")
    known = feedback.filter(feedback[STAGE].notnull() & feedback[SENTIMENT].notnull())
    value = known[SENTIMENT].cast("float64")
    rows = (
        known.group_by(STAGE)
        .agg(items=known.count(), mean=value.mean(), variance=value.var(how="sample"))
        .to_pyarrow()
        .to_pylist()
    )
    by_stage = {row[STAGE]: row for row in rows}
    emotions = []
    for stage in journey.stages:
        score = stage.emotion.score if stage.emotion else None
        row = by_stage.get(stage.id)
        emotions.append(_emotion(stage.id, stage.name, score, row, confidence, gap, minimum))
    return tuple(emotions)


def _emotion(
    stage: str,
    name: str,
    score: int | None,
    row: dict[str, object] | None,
    confidence: float,
    gap: float,
    minimum: int,
) -> MeasuredEmotion:
    assumed = None if score is None else score / 2
    if row is None:
        return MeasuredEmotion(stage, name, assumed, 0, None, None, None, flagged=False)
    items = int(row["items"])  # type: ignore[call-overload]
    mean = float(row["mean"])  # type: ignore[arg-type]
    variance = row["variance"]
    if items < minimum or variance is None:
        return MeasuredEmotion(stage, name, assumed, items, mean, None, None, flagged=False)
    half = float(stats.t.ppf(0.5 + confidence / 2, items - 1)) * math.sqrt(
        float(variance) / items  # type: ignore[arg-type]
    )
    low, high = max(-1.0, mean - half), min(1.0, mean + half)
    flagged = assumed is not None and not low <= assumed <= high and abs(assumed - mean) >= gap
    return MeasuredEmotion(stage, name, assumed, items, mean, low, high, flagged=flagged)
