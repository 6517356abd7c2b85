"""NPS and CSAT, overall and per persona, stage and touchpoint, with confidence intervals.

- **NPS** (Net Promoter Score) over answers of source ``nps`` (0-10): the percentage of
  promoters (9-10) minus the percentage of detractors (0-6), from -100 to +100. Its
  interval is the *adjusted Wald* interval for a difference of two proportions of one
  trinomial sample (Rocks, 2016): add 3/4 of a response to promoters and detractors and
  3/2 to passives, then ``NPS ± z * sqrt((p + d - (p - d)²) / n)`` with the adjusted shares
  ``p`` and ``d`` and ``n`` plus 3, clipped to [-100, 100]. It keeps its promised coverage
  down to small groups, where the plain Wald interval is too narrow.
- **CSAT** (customer satisfaction) over ratings 1-5 of the ``csat_sources`` (``csat`` by
  default; reviews' stars can count too): the percentage of 4s and 5s, with the **Wilson
  score interval**.

Counts are computed in the engine, one group-by per level; only the counts come out.
Per persona, a customer counts where the persona's segment rule selects them (from the
customers table), so overlapping segments each count them. Per stage and touchpoint, an
answer counts where its comment was assigned (answers without a comment have no
touchpoint and count only overall and per persona).

>>> import ibis
>>> answers = ibis.memtable({"customer_id": ["a", "b", "c", "d"], "source": ["nps"] * 4,
...                         "rating": [10, 9, 7, 3]})
>>> (overall,) = feedback_scores(answers).rows
>>> overall.nps, [round(x) for x in overall.nps_interval]
(25.0, [-44, 73])
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from statistics import NormalDist
from typing import Any, Final

import ibis
import pyarrow as pa

from journeymap.analytics.scope import Scope, apply_scope
from journeymap.model.canonical import RATING, SOURCE, STAGE, TOUCHPOINT

LEVELS: Final = ("all", "persona", "stage", "touchpoint")


@dataclass(frozen=True)
class ScoreRow:
    """NPS and CSAT counts of one group (``level`` all, persona, stage or touchpoint)."""

    level: str
    group: str | None
    promoters: int
    passives: int
    detractors: int
    satisfied: int
    csat_responses: int
    confidence: float = 0.95

    @property
    def nps_responses(self) -> int:
        """NPS answers in the group."""
        return self.promoters + self.passives + self.detractors

    @property
    def nps(self) -> float | None:
        """% promoters minus % detractors, or ``None`` without answers."""
        n = self.nps_responses
        return 100.0 * (self.promoters - self.detractors) / n if n else None

    @property
    def nps_interval(self) -> tuple[float, float] | None:
        """The adjusted Wald interval (see the module docstring)."""
        if not self.nps_responses:
            return None
        return nps_interval(self.promoters, self.passives, self.detractors,
                            confidence=self.confidence)  # fmt: skip

    @property
    def csat(self) -> float | None:
        """% of 4-5 ratings, or ``None`` without ratings."""
        n = self.csat_responses
        return 100.0 * self.satisfied / n if n else None

    @property
    def csat_interval(self) -> tuple[float, float] | None:
        """The Wilson score interval, in percent."""
        if not self.csat_responses:
            return None
        low, high = wilson_interval(self.satisfied, self.csat_responses, confidence=self.confidence)
        return 100.0 * low, 100.0 * high

    def row(self) -> dict[str, Any]:
        """The counts, scores and interval bounds as one flat dict."""
        nps, csat = self.nps_interval, self.csat_interval
        return {
            "level": self.level, "group": self.group, "nps_responses": self.nps_responses,
            "promoters": self.promoters, "passives": self.passives,
            "detractors": self.detractors, "nps": self.nps,
            "nps_low": nps[0] if nps else None, "nps_high": nps[1] if nps else None,
            "csat_responses": self.csat_responses, "satisfied": self.satisfied,
            "csat": self.csat, "csat_low": csat[0] if csat else None,
            "csat_high": csat[1] if csat else None,
        }  # fmt: skip


SCORES_SCHEMA: Final = pa.schema(
    [
        ("level", pa.string()), ("group", pa.string()), ("nps_responses", pa.int64()),
        ("promoters", pa.int64()), ("passives", pa.int64()), ("detractors", pa.int64()),
        ("nps", pa.float64()), ("nps_low", pa.float64()), ("nps_high", pa.float64()),
        ("csat_responses", pa.int64()), ("satisfied", pa.int64()), ("csat", pa.float64()),
        ("csat_low", pa.float64()), ("csat_high", pa.float64()),
    ]
)  # fmt: skip


@dataclass(frozen=True)
class FeedbackScores:
    """NPS and CSAT per level and group: overall first, then personas, stages, touchpoints."""

    rows: tuple[ScoreRow, ...]

    def level(self, level: str) -> tuple[ScoreRow, ...]:
        """The rows of one level."""
        return tuple(row for row in self.rows if row.level == level)

    def to_arrow(self) -> pa.Table:
        """One row per group (:data:`SCORES_SCHEMA`)."""
        return pa.Table.from_pylist([row.row() for row in self.rows], schema=SCORES_SCHEMA)


def _z(confidence: float) -> float:
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be between 0 and 1; got {confidence}")
    return NormalDist().inv_cdf(0.5 + confidence / 2)


def nps_interval(
    promoters: int, passives: int, detractors: int, *, confidence: float = 0.95
) -> tuple[float, float]:
    """The adjusted Wald interval of the NPS, in points (see the module docstring).

    >>> [round(x, 1) for x in nps_interval(50, 30, 20)]
    [14.1, 44.2]
    """
    n = promoters + passives + detractors + 3.0
    p = (promoters + 0.75) / n
    d = (detractors + 0.75) / n
    centre = p - d
    half = _z(confidence) * math.sqrt(max(p + d - centre**2, 0.0) / n)
    return max(-100.0, 100.0 * (centre - half)), min(100.0, 100.0 * (centre + half))


def wilson_interval(successes: int, n: int, *, confidence: float = 0.95) -> tuple[float, float]:
    """The Wilson score interval of a proportion, as shares in [0, 1].

    >>> [round(x, 3) for x in wilson_interval(8, 10)]
    [0.49, 0.943]
    """
    if n <= 0:
        raise ValueError("a proportion needs at least one trial")
    z = _z(confidence)
    share = successes / n
    denominator = 1 + z * z / n
    centre = (share + z * z / (2 * n)) / denominator
    half = z * math.sqrt(share * (1 - share) / n + z * z / (4 * n * n)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def feedback_scores(
    feedback: ibis.Table,
    *,
    customers: ibis.Table | None = None,
    personas: Mapping[str, str] | None = None,
    csat_sources: Sequence[str] = ("csat",),
    confidence: float = 0.95,
) -> FeedbackScores:
    """NPS and CSAT of a feedback table overall, per persona, stage and touchpoint.

    ``personas`` maps persona ids to segment rules over ``customers``; ``stage`` and
    ``touchpoint`` levels appear when ``feedback`` has those columns (an assignment joined).
    """
    _z(confidence)
    rows = [ScoreRow("all", None, *_counts(feedback, None, csat_sources)[None], confidence)]
    for persona, segment in (personas or {}).items():
        members = apply_scope(feedback, Scope(segment=segment), customers)
        counts = _counts(members, None, csat_sources)[None]
        rows.append(ScoreRow("persona", persona, *counts, confidence))
    for level in (STAGE, TOUCHPOINT):
        if level in feedback.columns:
            found = _counts(feedback.filter(feedback[level].notnull()), level, csat_sources)
            rows += [ScoreRow(level, group, *c, confidence) for group, c in sorted(found.items())]
    return FeedbackScores(rows=tuple(rows))


def _counts(
    feedback: ibis.Table, by: str | None, csat_sources: Sequence[str]
) -> dict[str | None, tuple[int, int, int, int, int]]:
    """Per group: promoters, passives, detractors, satisfied, CSAT responses."""
    source, rating = feedback[SOURCE], feedback[RATING]
    nps = (source == "nps") & rating.between(0, 10)
    csat = source.isin(list(csat_sources)) & rating.between(1, 5)

    def number(condition: Any) -> Any:
        return condition.fill_null(False).cast("int64").sum()

    metrics = {
        "promoters": number(nps & (rating >= 9)),
        "passives": number(nps & (rating >= 7) & (rating <= 8)),
        "detractors": number(nps & (rating <= 6)),
        "satisfied": number(csat & (rating >= 4)),
        "csat": number(csat),
    }
    table = feedback.group_by(by).agg(**metrics) if by else feedback.aggregate(**metrics)
    result: dict[str | None, tuple[int, int, int, int, int]] = {}
    for row in table.to_pyarrow().to_pylist():
        counts = tuple(int(row[name] or 0) for name in metrics)
        result[row[by] if by else None] = counts  # type: ignore[assignment]
    if by is None and None not in result:
        result[None] = (0, 0, 0, 0, 0)
    return result
