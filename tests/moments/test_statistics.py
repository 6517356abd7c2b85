"""The statistics of moments, checked against statsmodels and SciPy and on planted effects."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats
from statsmodels.stats.contingency_tables import Table2x2
from statsmodels.stats.multitest import multipletests

from journeymap.moments.statistics import adjusted_effects, compare_means, compare_rates, q_values


def _table(a: int, b: int, c: int, d: int) -> tuple[np.ndarray, np.ndarray]:
    signal = np.array([True] * (a + b) + [False] * (c + d))
    outcome = np.array([True] * a + [False] * b + [True] * c + [False] * d)
    return signal, outcome


@pytest.mark.parametrize("cells", [(30, 70, 10, 90), (5, 3, 40, 200), (120, 880, 95, 905)])
def test_rates_odds_ratio_and_p_value_equal_the_references(cells: tuple[int, ...]) -> None:
    a, b, c, d = cells
    found = compare_rates(*_table(a, b, c, d))
    reference = Table2x2(np.array([[a, b], [c, d]]))
    low, high = reference.oddsratio_confint()
    assert (found.with_signal, found.without_signal) == (a + b, c + d)
    assert found.outcome_with == pytest.approx(a / (a + b))
    assert found.lift == pytest.approx((a / (a + b)) / (c / (c + d)))
    assert (found.effect, found.low, found.high) == pytest.approx((reference.oddsratio, low, high))
    assert found.p_value == pytest.approx(stats.fisher_exact([[a, b], [c, d]]).pvalue)


def test_an_empty_cell_gets_the_haldane_correction_and_an_empty_group_no_effect() -> None:
    corrected = compare_rates(*_table(10, 0, 5, 5))
    assert corrected.effect == pytest.approx((10.5 * 5.5) / (0.5 * 5.5))
    everyone = compare_rates(np.ones(4, dtype=bool), np.array([True, False, True, True]))
    assert (everyone.effect, everyone.p_value, everyone.outcome_with) == (None, None, 0.75)


def test_means_follow_welch() -> None:
    rng = np.random.default_rng(3)
    signal = rng.random(400) < 0.3
    values = np.where(signal, rng.normal(3.0, 1.0, 400), rng.normal(3.6, 1.5, 400))
    values[::17] = np.nan  # customers without a score are left out
    found = compare_means(signal, values)
    known = ~np.isnan(values)
    reference = stats.ttest_ind(values[known & signal], values[known & ~signal], equal_var=False)
    interval = reference.confidence_interval(0.95)
    assert found.p_value == pytest.approx(reference.pvalue)
    assert (found.low, found.high) == pytest.approx((interval.low, interval.high))
    assert found.effect is not None
    assert found.effect < 0


def test_q_values_are_benjamini_hochberg_and_skip_untested() -> None:
    p = [0.001, None, 0.02, 0.04, 0.5]
    expected = multipletests([0.001, 0.02, 0.04, 0.5], method="fdr_bh")[1]
    found = q_values(p)
    assert found[1] is None
    assert [q for q in found if q is not None] == pytest.approx(list(expected))


def test_the_adjusted_model_does_not_credit_a_moment_for_its_neighbour() -> None:
    # "welcome" truly triples the odds of buying again; "newsletter" only goes with it.
    rng = np.random.default_rng(11)
    n = 20_000
    segment = rng.integers(0, 3, n)
    welcome = rng.random(n) < 0.3
    newsletter = np.where(welcome, rng.random(n) < 0.8, rng.random(n) < 0.2)
    log_odds = -1.0 + np.log(3.0) * welcome + 0.4 * (segment == 2)
    bought = rng.random(n) < 1 / (1 + np.exp(-log_odds))
    raw = compare_rates(newsletter, bought)
    assert raw.p_value is not None
    assert raw.p_value < 1e-6
    model = adjusted_effects(
        np.column_stack([welcome, newsletter]), bought.astype(float), segment, binary=True
    )
    assert model.effects[0].low < 3.0 < model.effects[0].high
    assert model.effects[1].low < 1.0 < model.effects[1].high
    assert model.customers == n


def test_constant_signals_get_no_adjusted_effect_and_say_why() -> None:
    rng = np.random.default_rng(2)
    varying = rng.random(500) < 0.5
    score = np.where(varying, 4.0, 3.0) + rng.normal(0, 0.5, 500)
    model = adjusted_effects(
        np.column_stack([varying, np.ones(500, dtype=bool)]), score, None, binary=False
    )
    assert set(model.effects) == {0}
    assert model.effects[0].effect == pytest.approx(1.0, abs=0.15)
    assert "every customer" in model.note


def test_perfect_separation_leaves_the_effect_out_and_says_so() -> None:
    # Only payers can order: "paid" decides "ordered" completely (the demo has such pairs).
    rng = np.random.default_rng(8)
    paid = rng.random(3000) < 0.6
    other = rng.random(3000) < 0.5
    ordered = paid.astype(float)
    model = adjusted_effects(np.column_stack([paid, other]), ordered, None, binary=True)
    assert 0 not in model.effects
    assert "perfect separation" in model.note
