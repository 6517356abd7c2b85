"""The statistics behind a moment's impact: 2x2 tables, exact tests, FDR and adjusted models.

Kept apart from the engine work: everything here takes the small customers x signals matrix
(NumPy arrays) that :mod:`journeymap.moments.impact` pulls out of the engine.

* **Yes/no outcomes**: the 2x2 table of signal x outcome gives the outcome rate with and
  without the signal, the lift (ratio of the two), the odds ratio with a 95 % confidence
  interval (Woolf's log method, adding 0.5 to every cell when one is empty) and Fisher's
  exact p-value.
* **Numeric outcomes** (a review score): the mean with and without, their difference with a
  95 % Welch interval, and Welch's t-test.
* **Multiple testing**: Benjamini-Hochberg q-values over every signal x outcome tested, so
  "significant at 5 %" means a false-discovery rate of 5 % across the whole analysis.
* **Adjusted effects**: one logistic (or linear) regression per outcome of the outcome on all
  signals plus segment indicators, so a moment is not credited for its neighbours: the
  adjusted odds ratio (or difference) of each signal with its 95 % interval.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import stats
from statsmodels.stats.multitest import multipletests

Bools = npt.NDArray[np.bool_]
Floats = npt.NDArray[np.float64]

_SEPARATED = 30.0
"""A log odds ratio beyond this means perfect separation, not an estimate."""
_UNINFORMATIVE = 10.0
"""A standard error of the log odds ratio beyond this: the data say nothing about the effect."""
Z95 = 1.959963984540054
"""The standard normal quantile of a two-sided 95 % interval."""


@dataclass(frozen=True)
class Comparison:
    """The outcome with and without one signal, and how sure the difference is."""

    with_signal: int
    without_signal: int
    outcome_with: float | None
    """Rate (yes/no outcome) or mean (numeric outcome) among customers with the signal."""
    outcome_without: float | None
    effect: float | None
    """Odds ratio (yes/no) or difference of means (numeric); None when a group is empty."""
    low: float | None
    high: float | None
    p_value: float | None

    @property
    def lift(self) -> float | None:
        """Rate (or mean) with the signal divided by the rate without."""
        if self.outcome_with is None or not self.outcome_without:
            return None
        return self.outcome_with / self.outcome_without


def compare_rates(signal: Bools, outcome: Bools) -> Comparison:
    """The 2x2 comparison of a yes/no outcome between customers with and without the signal.

    >>> import numpy as np
    >>> signal = np.array([True] * 10 + [False] * 10)
    >>> outcome = np.array([True] * 8 + [False] * 2 + [True] * 2 + [False] * 8)
    >>> found = compare_rates(signal, outcome)
    >>> (found.outcome_with, found.outcome_without, round(found.effect, 1))
    (0.8, 0.2, 16.0)
    """
    a = int(np.sum(signal & outcome))
    b = int(np.sum(signal & ~outcome))
    c = int(np.sum(~signal & outcome))
    d = int(np.sum(~signal & ~outcome))
    if a + b == 0 or c + d == 0:
        rate = (a + c) / (a + b + c + d) if a + b + c + d else None
        return Comparison(a + b, c + d, rate if a + b else None, rate if c + d else None,
                          None, None, None, None)  # fmt: skip
    cells = [float(cell) for cell in (a, b, c, d)]
    if 0 in cells:
        cells = [cell + 0.5 for cell in cells]
    log_odds = math.log(cells[0] * cells[3] / (cells[1] * cells[2]))
    spread = Z95 * math.sqrt(sum(1 / cell for cell in cells))
    p_value = float(stats.fisher_exact([[a, b], [c, d]]).pvalue)
    return Comparison(
        with_signal=a + b,
        without_signal=c + d,
        outcome_with=a / (a + b),
        outcome_without=c / (c + d),
        effect=math.exp(log_odds),
        low=math.exp(log_odds - spread),
        high=math.exp(log_odds + spread),
        p_value=p_value,
    )


def compare_means(signal: Bools, values: Floats) -> Comparison:
    """A numeric outcome's mean with and without the signal (customers with a value only).

    >>> import numpy as np
    >>> found = compare_means(np.array([True, True, False, False]), np.array([4.0, 5, 2, 2]))
    >>> (found.outcome_with, found.outcome_without, found.effect)
    (4.5, 2.0, 2.5)
    """
    known = ~np.isnan(values)
    with_values, without_values = values[known & signal], values[known & ~signal]
    mean_with = float(with_values.mean()) if with_values.size else None
    mean_without = float(without_values.mean()) if without_values.size else None
    if with_values.size < 2 or without_values.size < 2:
        effect = None if mean_with is None or mean_without is None else mean_with - mean_without
        return Comparison(int(with_values.size), int(without_values.size), mean_with,
                          mean_without, effect, None, None, None)  # fmt: skip
    assert mean_with is not None
    assert mean_without is not None
    var_with = float(with_values.var(ddof=1)) / with_values.size
    var_without = float(without_values.var(ddof=1)) / without_values.size
    difference = mean_with - mean_without
    spread_squared = var_with + var_without
    if spread_squared == 0:
        p_value = 1.0 if difference == 0 else 0.0
        return Comparison(int(with_values.size), int(without_values.size), mean_with,
                          mean_without, difference, difference, difference, p_value)  # fmt: skip
    freedom = spread_squared**2 / (
        var_with**2 / (with_values.size - 1) + var_without**2 / (without_values.size - 1)
    )
    half = float(stats.t.ppf(0.975, freedom)) * math.sqrt(spread_squared)
    p_value = float(2 * stats.t.sf(abs(difference) / math.sqrt(spread_squared), freedom))
    return Comparison(
        with_signal=int(with_values.size),
        without_signal=int(without_values.size),
        outcome_with=mean_with,
        outcome_without=mean_without,
        effect=difference,
        low=difference - half,
        high=difference + half,
        p_value=p_value,
    )


def q_values(p_values: Sequence[float | None]) -> list[float | None]:
    """Benjamini-Hochberg adjusted p-values; untested entries (None) stay None.

    >>> [round(q, 3) for q in q_values([0.01, 0.04, 0.03])]
    [0.03, 0.04, 0.04]
    """
    tested = [(index, p) for index, p in enumerate(p_values) if p is not None]
    result: list[float | None] = [None] * len(p_values)
    if not tested:
        return result
    _, adjusted, _, _ = multipletests([p for _, p in tested], method="fdr_bh")
    for (index, _), q in zip(tested, adjusted, strict=True):
        result[index] = float(q)
    return result


@dataclass(frozen=True)
class AdjustedEffect:
    """One signal's effect in the model with every other signal and the segments."""

    effect: float
    """Odds ratio (logistic model) or difference (linear model)."""
    low: float
    high: float
    p_value: float


@dataclass(frozen=True)
class AdjustedModel:
    """The per-outcome regression: effects by signal index, and what happened fitting it."""

    effects: dict[int, AdjustedEffect]
    customers: int
    note: str = ""
    """Why some or all effects are missing (constant signals, no convergence...)."""


def adjusted_effects(
    signals: Bools,
    outcome: Floats,
    segments: npt.NDArray[np.int64] | None,
    *,
    binary: bool,
    controls: Floats | None = None,
) -> AdjustedModel:
    """Regress the outcome on every signal (columns of ``signals``) plus segment indicators.

    Customers without a value (NaN) are left out. Signals that are constant among the rest
    cannot be estimated and get no effect (the note says so). The logistic model reports odds
    ratios, the linear one differences, each with a 95 % Wald interval.
    """
    import statsmodels.api as sm  # heavy: only when a model is fitted

    known = ~np.isnan(outcome)
    x_signals, y = signals[known].astype(np.float64), outcome[known]
    varying = [j for j in range(x_signals.shape[1]) if 0 < x_signals[:, j].sum() < len(y)]
    notes = []
    if len(varying) < x_signals.shape[1]:
        notes.append("signals every customer (or none) lived have no adjusted effect")
    columns = [np.ones(len(y)), *(x_signals[:, j] for j in varying)]
    if segments is not None:
        present = np.unique(segments[known])
        columns += [(segments[known] == value).astype(np.float64) for value in present[1:]]
    if controls is not None:
        columns += [controls[known, k] for k in range(controls.shape[1])]
    design = np.column_stack(columns)
    if len(y) <= design.shape[1] or (binary and len(np.unique(y)) < 2):
        return AdjustedModel({}, len(y), "too few customers or one outcome value only")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            if binary:
                fitted = sm.Logit(y, design).fit(disp=0, maxiter=200, method="newton")
            else:
                fitted = sm.OLS(y, design).fit()
        except (np.linalg.LinAlgError, ValueError) as error:
            return AdjustedModel({}, len(y), f"the model could not be fitted: {error}")
    if caught:
        notes.append("; ".join(sorted({str(w.message).splitlines()[0] for w in caught})))
    params, errors, p_values = fitted.params, fitted.bse, fitted.pvalues
    effects = {}
    for position, j in enumerate(varying, start=1):
        estimate, spread = float(params[position]), float(errors[position])
        if not (math.isfinite(estimate) and math.isfinite(spread)) or (
            binary and (abs(estimate) > _SEPARATED or spread > _UNINFORMATIVE)
        ):
            notes.append("effects the data cannot estimate (perfect separation) are left out")
            continue
        low, high = estimate - Z95 * spread, estimate + Z95 * spread
        if binary:
            estimate, low, high = math.exp(estimate), math.exp(low), math.exp(high)
        effects[j] = AdjustedEffect(estimate, low, high, float(p_values[position]))
    return AdjustedModel(effects, len(y), "; ".join(dict.fromkeys(notes)))
