"""Moments of truth ranked by their impact on the journey's outcomes, with honest statistics.

For every experience signal of the map (see :mod:`journeymap.moments.signals`) and every
outcome of the journey, :func:`moment_impacts` compares the customers who lived the signal
with those who did not (:mod:`journeymap.moments.statistics`): rate or mean with and without,
lift, odds ratio or difference with a 95 % interval, Fisher's or Welch's p-value, a
Benjamini-Hochberg q-value over everything tested, and the effect adjusted for every other
signal and the customer's segment. The signal and outcome tables are built in the engine;
only the customers x (signals + outcomes) matrix comes out, and the adjusted models use at
most ``model_customers`` of its rows (a seeded random sample, reported).

**Significant** means q below ``fdr`` and, where the adjusted model could estimate it, an
adjusted interval that excludes "no effect" on the same side. **Favourable** is read with
the outcome's polarity (fewer churners is favourable). A touchpoint is then classified per
outcome:

* **pain point** - having it (a ``happened`` signal) significantly goes with a worse outcome;
* **delighter** - having it goes with a better outcome and fewer than half the customers get
  it (its presence lifts them above the rest);
* **hygiene factor** - having it goes with a better outcome and most customers get it (so it
  is its *absence* that hurts), or one of its failure signals (late, failed, negative
  feedback) significantly goes with a worse outcome;
* **none** - no significant evidence.

The score that ranks signals is the size of the effect (the absolute log odds ratio, or the
difference in standard deviations) times the share of customers who lived it.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import ibis
import numpy as np
import pyarrow as pa

from journeymap.analytics.scope import GROUP, customer_groups
from journeymap.model import Journey, MomentKind, Outcome, OutcomePolarity, SignalKind
from journeymap.model.canonical import CUSTOMER_ID
from journeymap.moments.signals import (
    SignalColumn,
    journey_signals,
    reach_column,
    signal_table,
)
from journeymap.moments.statistics import (
    AdjustedEffect,
    AdjustedModel,
    Comparison,
    adjusted_effects,
    compare_means,
    compare_rates,
    q_values,
)
from journeymap.moments.windows import (
    EXPOSURE_COLUMNS,
    CutOff,
    exposure_table,
    observed_events,
    resolve_cut_off,
    windowed_outcomes,
)

EXPOSURE = "_exposure"

__all__ = ["MomentImpacts", "MomentVerdict", "SignalImpact", "moment_impacts"]


@dataclass(frozen=True)
class SignalImpact:
    """One signal against one outcome."""

    touchpoint: str
    signal: str
    kind: SignalKind
    outcome: str
    numeric: bool
    comparison: Comparison
    q_value: float | None
    adjusted: AdjustedEffect | None
    favourable: bool | None
    """True when the signal goes with a better outcome; None when there is no estimate."""
    significant: bool
    reach_share: float
    score: float

    @property
    def column(self) -> str:
        """``touchpoint:signal``."""
        return f"{self.touchpoint}:{self.signal}"

    def row(self) -> dict[str, object]:
        """A flat dict for tables, JSON and CSV."""
        c, a = self.comparison, self.adjusted
        return {
            "touchpoint": self.touchpoint, "signal": self.signal, "kind": self.kind.value,
            "outcome": self.outcome, "reach": c.with_signal, "reach_share": self.reach_share,
            "outcome_with": c.outcome_with, "outcome_without": c.outcome_without,
            "lift": c.lift, "effect": c.effect, "effect_low": c.low, "effect_high": c.high,
            "p_value": c.p_value, "q_value": self.q_value,
            "adjusted_effect": a.effect if a else None, "adjusted_low": a.low if a else None,
            "adjusted_high": a.high if a else None, "favourable": self.favourable,
            "significant": self.significant, "score": self.score,
        }  # fmt: skip


@dataclass(frozen=True)
class MomentVerdict:
    """What the data says a touchpoint is, for one outcome, beside what the map says."""

    touchpoint: str
    outcome: str
    found: MomentKind
    on_map: MomentKind
    evidence: tuple[str, ...]
    """The significant signals behind the verdict (``touchpoint:signal``)."""

    @property
    def agrees(self) -> bool:
        """Whether the map's kind is the one found (no evidence never disagrees)."""
        return self.found is MomentKind.NONE or self.found is self.on_map

    @property
    def note(self) -> str:
        """``the map calls this a delighter; the data says hygiene factor``, or ""."""
        if self.agrees:
            return ""
        return f"the map calls this {_words(self.on_map)}; the data says {_words(self.found)}"


def _words(kind: MomentKind) -> str:
    return {
        MomentKind.DELIGHTER: "a delighter",
        MomentKind.HYGIENE_FACTOR: "a hygiene factor",
        MomentKind.PAIN_POINT: "a pain point",
        MomentKind.NONE: "no moment of truth",
    }[kind]


@dataclass(frozen=True)
class MomentImpacts:
    """Every signal x outcome tested, ranked, and the verdict per touchpoint and outcome."""

    impacts: tuple[SignalImpact, ...]
    verdicts: tuple[MomentVerdict, ...]
    customers: int
    model_customers: int
    fdr: float
    notes: tuple[str, ...] = field(default=())

    def ranked(self, outcome: str | None = None) -> tuple[SignalImpact, ...]:
        """Significant impacts first, by score; optionally for one outcome only."""
        chosen = [i for i in self.impacts if outcome is None or i.outcome == outcome]
        return tuple(sorted(chosen, key=lambda i: (not i.significant, -i.score, i.column)))

    def to_arrow(self) -> pa.Table:
        """One row per signal and outcome, in rank order."""
        return pa.Table.from_pylist([impact.row() for impact in self.ranked()])


def moment_impacts(
    events: ibis.Table,
    journey: Journey,
    *,
    customers: ibis.Table | None = None,
    segment: str | None = None,
    fdr: float = 0.05,
    model_customers: int = 200_000,
    seed: int = 0,
    observed_before: CutOff | None = None,
) -> MomentImpacts:
    """Test every signal of ``journey`` against every outcome; rank and classify.

    ``segment`` names a column of ``events`` (a customer property joined with
    :func:`~journeymap.analytics.scope.with_breakdown`, or the persona) that the adjusted
    models control for; ``customers`` is needed by outcomes with a ``customer_rule``.
    ``observed_before`` (a time, or a timedelta counted back from the last event) splits
    time into an observation and an outcome window (see :mod:`journeymap.moments.windows`):
    signals before it, event outcomes after it. The adjusted models also control for each
    customer's tenure and recency in the observation window
    (:func:`~journeymap.moments.windows.exposure_table`).
    """
    columns = journey_signals(journey)
    if not columns:
        raise ValueError(
            f"journey {journey.id!r} has no signals: add signals to its moments of truth "
            "(see the ExperienceSignal section of docs/reference/map-format.md)"
        )
    if not journey.outcomes:
        raise ValueError(f"journey {journey.id!r} has no outcomes to test the signals against")
    if not 0 < fdr < 1:
        raise ValueError(f"fdr must be between 0 and 1; got {fdr}")
    cut_off = resolve_cut_off(events, observed_before)
    matrix = _matrix(events, journey, columns, customers, segment, cut_off)
    signals = np.column_stack([matrix[c.name] for c in columns]).astype(bool)
    segments = matrix.get(GROUP)
    controls = _controls(matrix, columns)
    rng = np.random.default_rng(seed)
    n = signals.shape[0]
    sample = np.sort(rng.choice(n, model_customers, replace=False)) if n > model_customers else None
    drafts: list[tuple[SignalColumn, Outcome, Comparison, AdjustedEffect | None, float]] = []
    notes = [
        _whole_history_note(o) for o in journey.outcomes if cut_off is None and o.customer_rule
    ]
    for outcome in journey.outcomes:
        values = matrix[outcome.id]
        numeric = outcome.value is not None
        model = _model(signals, values, segments, controls, sample, binary=not numeric)
        if model.note:
            notes.append(f"{outcome.id}: {model.note}")
        measured = ~np.isnan(values)  # outside an outcome's population: not measured
        for j, column in enumerate(columns):
            compared = measured
            if column.narrowed:  # against the touchpoint's other customers, not everyone
                compared = measured & matrix[reach_column(column.touchpoint.id)]
            lived = signals[compared, j]
            if numeric:
                comparison = compare_means(lived, values[compared])
            else:
                comparison = compare_rates(lived, values[compared].astype(bool))
            reach_share = float(signals[measured, j].mean()) if measured.any() else 0.0
            drafts.append((column, outcome, comparison, model.effects.get(j), reach_share))
    qs = q_values([draft[2].p_value for draft in drafts])
    impacts = tuple(
        _impact(column, outcome, comparison, adjusted, q, fdr, matrix[outcome.id], reach_share)
        for (column, outcome, comparison, adjusted, reach_share), q in zip(drafts, qs, strict=True)
    )
    return MomentImpacts(
        impacts=impacts,
        verdicts=_verdicts(journey, columns, impacts),
        customers=n,
        model_customers=n if sample is None else model_customers,
        fdr=fdr,
        notes=tuple(notes),
    )


def _matrix(
    events: ibis.Table,
    journey: Journey,
    columns: Sequence[SignalColumn],
    customers: ibis.Table | None,
    segment: str | None,
    observed_before: dt.datetime | None,
) -> dict[str, np.ndarray]:
    """The customers x (signals, outcomes, segment) matrix, computed in the engine."""
    observed = observed_events(events, observed_before)
    signals = signal_table(observed, journey, reach=True)
    outcomes = windowed_outcomes(
        events, journey.outcomes, customers=customers, observed_before=observed_before
    )
    joined = signals.inner_join(outcomes, CUSTOMER_ID)
    joined = joined.inner_join(exposure_table(observed, observed_before), CUSTOMER_ID)
    if segment is not None:
        groups = customer_groups(observed, segment)
        joined = joined.left_join(groups, CUSTOMER_ID).drop(f"{CUSTOMER_ID}_right")
    table = joined.to_pyarrow()
    matrix: dict[str, np.ndarray] = {}
    reached = [
        reach_column(tp) for tp in dict.fromkeys(c.touchpoint.id for c in columns if c.narrowed)
    ]
    for name in [column.name for column in columns] + reached:
        matrix[name] = table[name].to_numpy(zero_copy_only=False).astype(bool)
    for outcome in journey.outcomes:
        values = table[outcome.id].to_numpy(zero_copy_only=False)
        matrix[outcome.id] = values.astype(np.float64)
    matrix[EXPOSURE] = np.column_stack(
        [np.log1p(table[name].to_numpy(zero_copy_only=False).astype(np.float64))
         for name in EXPOSURE_COLUMNS]
    )  # fmt: skip
    if segment is not None:
        labels = table[GROUP].to_pylist()
        codes = {value: code for code, value in enumerate(sorted(set(labels), key=str))}
        matrix[GROUP] = np.array([codes[value] for value in labels], dtype=np.int64)
    return matrix


def _whole_history_note(outcome: Outcome) -> str:
    return (
        f"{outcome.id}: a customer property read as it is now, against signals from the whole "
        "history; recent signals (a parcel still on its way) then mark recent customers. Set "
        "an observation window (observed_before, e.g. 45 days: the window the flag is "
        "decided in) so signals come from before it"
    )


def _controls(matrix: dict[str, np.ndarray], columns: Sequence[SignalColumn]) -> np.ndarray:
    """What the adjusted models control for besides the signals and the segment: each
    customer's exposure (log tenure, recency, events) and, for touchpoints whose signals are
    all narrowed, whether the customer reached the touchpoint at all, so that a narrowed
    signal's adjusted effect is against the touchpoint's other customers too."""
    plain = {c.touchpoint.id for c in columns if not c.narrowed}
    reached = [
        matrix[reach_column(tp)].astype(np.float64)
        for tp in dict.fromkeys(c.touchpoint.id for c in columns if c.narrowed)
        if tp not in plain
    ]
    return np.column_stack([matrix[EXPOSURE], *reached])


def _model(
    signals: np.ndarray,
    values: np.ndarray,
    segments: np.ndarray | None,
    controls: np.ndarray,
    sample: np.ndarray | None,
    *,
    binary: bool,
) -> AdjustedModel:
    if sample is not None:
        signals, values, controls = signals[sample], values[sample], controls[sample]
        segments = None if segments is None else segments[sample]
    return adjusted_effects(signals, values, segments, binary=binary, controls=controls)


def _impact(
    column: SignalColumn,
    outcome: Outcome,
    comparison: Comparison,
    adjusted: AdjustedEffect | None,
    q: float | None,
    fdr: float,
    values: np.ndarray,
    reach_share: float,
) -> SignalImpact:
    numeric = outcome.value is not None
    null = 0.0 if numeric else 1.0
    estimate = adjusted.effect if adjusted is not None else comparison.effect
    favourable = None
    if estimate is not None and estimate != null:
        favourable = (estimate > null) == (outcome.polarity is OutcomePolarity.POSITIVE)
    significant = q is not None and q < fdr and favourable is not None
    if significant and adjusted is not None:
        significant = adjusted.low > null or adjusted.high < null
    return SignalImpact(
        touchpoint=column.touchpoint.id,
        signal=column.signal.id,
        kind=column.signal.kind,
        outcome=outcome.id,
        numeric=numeric,
        comparison=comparison,
        q_value=q,
        adjusted=adjusted,
        favourable=favourable,
        significant=significant,
        reach_share=reach_share,
        score=_size(estimate, numeric, values) * reach_share,
    )


def _size(estimate: float | None, numeric: bool, values: np.ndarray) -> float:
    """How big an effect is, comparable across outcomes: |log OR|, or the difference in
    standard deviations of the outcome."""
    if estimate is None:
        return 0.0
    if not numeric:
        return abs(math.log(estimate)) if estimate > 0 else 0.0
    known = values[~np.isnan(values)]
    spread = float(known.std()) if known.size > 1 else 0.0
    return abs(estimate) / spread if spread else 0.0


def _verdicts(
    journey: Journey, columns: Sequence[SignalColumn], impacts: Sequence[SignalImpact]
) -> tuple[MomentVerdict, ...]:
    on_map = {c.touchpoint.id: c.touchpoint.moment for c in columns}
    verdicts = []
    for touchpoint in dict.fromkeys(c.touchpoint.id for c in columns):
        for outcome in journey.outcomes:
            found = [
                i
                for i in impacts
                if i.touchpoint == touchpoint and i.outcome == outcome.id and i.significant
            ]
            kind = _classify(found)
            evidence = tuple(i.column for i in found if _supports(i, kind))
            verdicts.append(
                MomentVerdict(touchpoint, outcome.id, kind, on_map[touchpoint], evidence)
            )
    return tuple(verdicts)


def _classify(found: Sequence[SignalImpact]) -> MomentKind:
    happened = [i for i in found if i.kind is SignalKind.HAPPENED]
    failures = [i for i in found if i.kind is not SignalKind.HAPPENED]
    if any(i.favourable is False for i in happened):
        return MomentKind.PAIN_POINT
    if any(i.favourable and i.reach_share < 0.5 for i in happened):
        return MomentKind.DELIGHTER
    if any(i.favourable for i in happened) or any(i.favourable is False for i in failures):
        return MomentKind.HYGIENE_FACTOR
    return MomentKind.NONE


def _supports(impact: SignalImpact, kind: MomentKind) -> bool:
    if kind is MomentKind.PAIN_POINT:
        return impact.kind is SignalKind.HAPPENED and impact.favourable is False
    if kind is MomentKind.DELIGHTER:
        return impact.kind is SignalKind.HAPPENED and bool(impact.favourable)
    if kind is MomentKind.HYGIENE_FACTOR:
        return (impact.kind is SignalKind.HAPPENED) == bool(impact.favourable)
    return False
