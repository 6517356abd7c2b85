"""The experience score: the moments a customer lived, weighted by what they do to an outcome.

Each customer's score is a weighted sum of the experience signals they lived. The weights are
the coefficients (log odds) of a logistic regression of one yes/no outcome (churned, bought
again) on every signal, fitted on a **training** share of the customers only; the score is
then judged on the **held-out** rest, where it never saw the outcome: its ROC AUC, a
calibration table (predicted against observed rate by tenth of the score), and the AUC of a
baseline that knows only how many touchpoint events the customer had. A score that does not
beat that baseline says the map's moments explain nothing that plain activity does not.

The balance of positive and negative moments per persona (or any segment) and stage comes
with it: per customer, how many favourable and unfavourable signals they lived.
"""

from __future__ import annotations

import datetime as dt
import warnings
from dataclasses import dataclass

import ibis
import numpy as np
import pyarrow as pa
from scipy import stats

from journeymap.analytics.matching import match_touchpoints
from journeymap.analytics.scope import GROUP, customer_groups
from journeymap.model import Journey, Outcome, OutcomePolarity
from journeymap.model.canonical import CUSTOMER_ID, TOUCHPOINT
from journeymap.moments.signals import journey_signals, signal_table
from journeymap.moments.windows import (
    CutOff,
    observed_events,
    resolve_cut_off,
    windowed_outcomes,
)

__all__ = ["CalibrationBin", "ExperienceScore", "MomentBalance", "experience_score", "roc_auc"]

_ACTIVITY = "_touchpoint_events"


def roc_auc(scores: np.ndarray, labels: np.ndarray) -> float | None:
    """Area under the ROC curve (the Mann-Whitney form, ties counted half); None when one
    class is missing.

    >>> import numpy as np
    >>> roc_auc(np.array([0.1, 0.4, 0.35, 0.8]), np.array([False, False, True, True]))
    0.75
    """
    positives = int(labels.sum())
    negatives = int(labels.size - positives)
    if positives == 0 or negatives == 0:
        return None
    ranks = stats.rankdata(scores)
    rank_sum = float(ranks[labels].sum())
    return (rank_sum - positives * (positives + 1) / 2) / (positives * negatives)


@dataclass(frozen=True)
class CalibrationBin:
    """One tenth of the held-out customers by score: predicted and observed outcome rates."""

    bin: int
    customers: int
    predicted: float
    observed: float


@dataclass(frozen=True)
class MomentBalance:
    """Per segment and stage: the mean number of favourable and unfavourable signals lived."""

    segment: object
    stage: str
    customers: int
    positive: float
    negative: float

    @property
    def balance(self) -> float:
        """Positive minus negative moments per customer: above 0 leans to loyalty."""
        return self.positive - self.negative


@dataclass(frozen=True)
class ExperienceScore:
    """The fitted weights and how well the score predicts the outcome on held-out customers."""

    outcome: str
    weights: dict[str, float]
    """Log odds per signal (``touchpoint:signal``): positive raises the outcome's odds."""
    training_customers: int
    test_customers: int
    auc: float | None
    baseline_auc: float | None
    calibration: tuple[CalibrationBin, ...]
    balance: tuple[MomentBalance, ...]

    @property
    def beats_baseline(self) -> bool:
        """Whether the score ranks held-out customers better than activity counts alone."""
        return (
            self.auc is not None and self.baseline_auc is not None and self.auc > self.baseline_auc
        )

    def weights_table(self) -> pa.Table:
        """One row per signal with its weight, strongest first."""
        ordered = sorted(self.weights.items(), key=lambda item: -abs(item[1]))
        return pa.Table.from_pylist([{"signal": s, "weight": w} for s, w in ordered])


def experience_score(
    events: ibis.Table,
    journey: Journey,
    *,
    outcome: str,
    customers: ibis.Table | None = None,
    segment: str | None = None,
    training_share: float = 0.7,
    seed: int = 0,
    observed_before: CutOff | None = None,
) -> ExperienceScore:
    """Fit the score for one yes/no ``outcome`` of ``journey`` and judge it on held-out customers.

    ``segment`` (a column of ``events``, e.g. the persona) groups the balance of moments.
    With ``observed_before`` (a time, or a timedelta back from the last event), signals and activity come from before it and event outcomes
    from after it (:mod:`journeymap.moments.windows`): a score that predicts, not describes.
    """
    chosen = _outcome(journey, outcome)
    if not 0 < training_share < 1:
        raise ValueError(f"training_share must be between 0 and 1; got {training_share}")
    columns = journey_signals(journey)
    if not columns:
        raise ValueError(f"journey {journey.id!r} has no signals to score")
    cut_off = resolve_cut_off(events, observed_before)
    table = _customer_table(events, journey, chosen, customers, segment, cut_off)
    # Customers outside the outcome's population (``among``) are neither trained nor judged.
    measured = table[chosen.id].is_valid().to_numpy(zero_copy_only=False)
    table = table.filter(pa.array(measured))
    signals = np.column_stack(
        [table[c.name].to_numpy(zero_copy_only=False).astype(bool) for c in columns]
    )
    labels = table[chosen.id].to_numpy(zero_copy_only=False).astype(bool)
    activity = table[_ACTIVITY].to_numpy(zero_copy_only=False).astype(np.float64)
    training = np.random.default_rng(seed).random(labels.size) < training_share
    weights, intercept = _fit(signals[training], labels[training])
    scores = signals.astype(np.float64) @ weights
    test = ~training
    baseline_weights, _ = _fit(activity[training, None], labels[training])
    baseline = activity * baseline_weights[0]
    # A weight raises the outcome's odds; that is good news only for a wanted outcome.
    favourable = (weights > 0) == (chosen.polarity is OutcomePolarity.POSITIVE)
    return ExperienceScore(
        outcome=chosen.id,
        weights={c.name: float(w) for c, w in zip(columns, weights, strict=True)},
        training_customers=int(training.sum()),
        test_customers=int(test.sum()),
        auc=roc_auc(scores[test], labels[test]),
        baseline_auc=roc_auc(baseline[test], labels[test]),
        calibration=_calibration(scores[test] + intercept, labels[test]),
        balance=_balance(journey, signals, favourable, table, segment),
    )


def _outcome(journey: Journey, outcome: str) -> Outcome:
    for candidate in journey.outcomes:
        if candidate.id == outcome:
            if candidate.value is not None:
                raise ValueError(
                    f"outcome {outcome!r} is numeric; the experience score predicts a yes/no "
                    "outcome such as churned or repeat-purchase"
                )
            return candidate
    known = ", ".join(o.id for o in journey.outcomes) or "(none)"
    raise ValueError(f"journey {journey.id!r} has no outcome {outcome!r}; it has: {known}")


def _customer_table(
    events: ibis.Table,
    journey: Journey,
    outcome: Outcome,
    customers: ibis.Table | None,
    segment: str | None,
    observed_before: dt.datetime | None,
) -> pa.Table:
    """Signals, the outcome, touchpoint activity and the segment per customer, in the engine."""
    observed = observed_events(events, observed_before)
    labelled = match_touchpoints(observed, journey)
    activity = labelled.group_by(CUSTOMER_ID).agg(
        **{_ACTIVITY: labelled[TOUCHPOINT].notnull().cast("int64").sum()}
    )
    # The outcome, and the one that defines its population (``among``) when it has one.
    needed = [o for o in journey.outcomes if o.id in (outcome.id, outcome.among)]
    outcomes = windowed_outcomes(
        events, needed, customers=customers, observed_before=observed_before
    )
    joined = signal_table(observed, journey).inner_join(
        outcomes.select(CUSTOMER_ID, outcome.id), CUSTOMER_ID
    )
    joined = joined.inner_join(activity, CUSTOMER_ID)
    groups = customer_groups(observed, segment)
    joined = joined.left_join(groups, CUSTOMER_ID).drop(f"{CUSTOMER_ID}_right")
    return joined.order_by(CUSTOMER_ID).to_pyarrow()


def _fit(features: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, float]:
    """Logistic regression weights (without the intercept) and the intercept.

    Features with one value for every training customer get weight 0 and stay out of the fit; the
    rest get a light L1 penalty, raised once if the data separate the outcome perfectly.
    """
    import statsmodels.api as sm  # heavy: only when a score is fitted

    weights = np.zeros(features.shape[1])
    if labels.size == 0 or labels.all() or not labels.any():
        return weights, 0.0
    values = features.astype(np.float64)
    varying = np.flatnonzero(values.min(axis=0) < values.max(axis=0))
    design = np.column_stack([np.ones(labels.size), features[:, varying].astype(np.float64)])
    model = sm.Logit(labels.astype(np.float64), design)
    for strength in (1e-4, 1e-2):
        penalty = np.full(design.shape[1], strength * labels.size)
        penalty[0] = 0.0
        with warnings.catch_warnings():
            # Convergence chatter of the solver; the held-out AUC is what judges the fit.
            warnings.simplefilter("ignore")
            try:
                fitted = model.fit_regularized(method="l1", alpha=penalty, disp=0, trim_mode="off")
            except np.linalg.LinAlgError:
                continue
        params = np.asarray(fitted.params, dtype=np.float64)
        weights[varying] = params[1:]
        return weights, float(params[0])
    return weights, float(np.log(labels.mean() / (1 - labels.mean())))


def _calibration(linear: np.ndarray, labels: np.ndarray) -> tuple[CalibrationBin, ...]:
    """Predicted against observed outcome rate per tenth of the held-out scores."""
    if labels.size == 0:
        return ()
    predicted = 1 / (1 + np.exp(-linear))
    order = np.argsort(predicted, kind="stable")
    bins = []
    for number, chunk in enumerate(np.array_split(order, min(10, labels.size)), start=1):
        bins.append(
            CalibrationBin(
                bin=number,
                customers=int(chunk.size),
                predicted=float(predicted[chunk].mean()),
                observed=float(labels[chunk].mean()),
            )
        )
    return tuple(bins)


def _balance(
    journey: Journey,
    signals: np.ndarray,
    favourable: np.ndarray,
    table: pa.Table,
    segment: str | None,
) -> tuple[MomentBalance, ...]:
    """Mean favourable and unfavourable signals lived, per segment and stage."""
    columns = journey_signals(journey)
    stage_of = {tp.id: stage.id for stage in journey.stages for tp in stage.touchpoints}
    groups = np.array(table[GROUP].to_pylist(), dtype=object)
    rows = []
    for value in sorted(set(groups.tolist()), key=lambda v: (v is None, str(v))):
        members = groups == value
        for stage in journey.stages:
            in_stage = np.array([stage_of[c.touchpoint.id] == stage.id for c in columns])
            if not in_stage.any():
                continue
            lived = signals[members][:, in_stage]
            positive = lived[:, favourable[in_stage]].sum(axis=1)
            negative = lived[:, ~favourable[in_stage]].sum(axis=1)
            rows.append(
                MomentBalance(
                    segment=value if segment is not None else None,
                    stage=stage.id,
                    customers=int(members.sum()),
                    positive=float(positive.mean()) if members.any() else 0.0,
                    negative=float(negative.mean()) if members.any() else 0.0,
                )
            )
    return tuple(rows)
