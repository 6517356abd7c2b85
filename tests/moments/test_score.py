"""The experience score: fitted on a training share, judged on held-out customers."""

from __future__ import annotations

import ibis
import numpy as np
import pytest
from sklearn_free import roc_reference
from test_impact import JOURNEY, planted_log

from journeymap.moments.score import experience_score, roc_auc


def test_roc_auc_equals_the_pairwise_definition() -> None:
    rng = np.random.default_rng(4)
    scores = np.round(rng.random(300), 2)  # with ties
    labels = rng.random(300) < 0.4
    assert roc_auc(scores, labels) == pytest.approx(roc_reference(scores, labels))
    assert roc_auc(scores, np.zeros(300, dtype=bool)) is None


def test_the_score_beats_activity_counts_on_held_out_customers() -> None:
    events = ibis.memtable(planted_log(8000, 21))
    score = experience_score(events, JOURNEY, outcome="repeat")
    assert score.training_customers + score.test_customers == 8000
    assert score.auc is not None
    assert score.baseline_auc is not None
    assert score.beats_baseline
    assert score.auc > 0.6
    # The planted directions: the welcome call helps, a late parcel and a refund hurt.
    assert score.weights["welcome:had"] > 0.5
    assert score.weights["delivery:late"] < -0.5
    assert score.weights["refund:had"] < -0.5
    assert abs(score.weights["newsletter:had"]) < 0.2
    observed = [b.observed for b in score.calibration]
    assert len(observed) == 10
    assert observed[-1] > observed[0]  # the top tenth buys again more than the bottom one


def test_the_balance_of_moments_reads_the_outcome_polarity() -> None:
    events = ibis.memtable(planted_log(4000, 22))
    lost = experience_score(events, JOURNEY, outcome="lost")
    kept = experience_score(events, JOURNEY, outcome="repeat")
    (lost_balance,) = lost.balance
    (kept_balance,) = kept.balance
    # Predicting "lost" flips every weight, but the good moments stay good.
    assert lost.weights["welcome:had"] < 0 < kept.weights["welcome:had"]
    assert lost_balance.positive == pytest.approx(kept_balance.positive)
    assert lost_balance.customers == 4000


@pytest.mark.parametrize(("outcome", "message"), [("stars", "numeric"), ("nope", "has no outcome")])
def test_wrong_outcomes_say_what_to_pick(outcome: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        experience_score(ibis.memtable(planted_log(50, 1)), JOURNEY, outcome=outcome)
