"""NPS and CSAT with their intervals, overall and per persona, stage and touchpoint."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest
from statsmodels.stats.proportion import proportion_confint

from engines import Engine
from journeymap.voice import feedback_scores, nps_interval, wilson_interval


def test_wilson_matches_statsmodels() -> None:
    for successes, n in ((0, 5), (8, 10), (45, 50), (300, 1000)):
        expected = proportion_confint(successes, n, alpha=0.05, method="wilson")
        assert wilson_interval(successes, n) == pytest.approx(expected)
    with pytest.raises(ValueError, match="at least one"):
        wilson_interval(0, 0)


def test_the_nps_interval_keeps_its_coverage_on_small_groups() -> None:
    rng = np.random.default_rng(1)
    shares = (0.5, 0.3, 0.2)  # promoters, passives, detractors: true NPS 30
    for n in (20, 200):
        hits = 0
        for _ in range(2000):
            p, s, d = rng.multinomial(n, shares)
            low, high = nps_interval(int(p), int(s), int(d))
            hits += low <= 30.0 <= high
        assert 0.93 <= hits / 2000 <= 0.98, (n, hits)
    assert nps_interval(5, 0, 0)[1] == 100.0
    with pytest.raises(ValueError, match="confidence"):
        nps_interval(1, 1, 1, confidence=1.0)


def test_scores_per_level_are_counted_in_the_engine(engine: Engine) -> None:
    feedback = engine.table(
        pa.table(
            {
                "customer_id": ["a", "b", "c", "d", "a", "b", "e"],
                "source": ["nps", "nps", "nps", "nps", "csat", "csat", "review"],
                "rating": pa.array([10, 9, 7, 3, 5, 2, 5], pa.int64()),
                "touchpoint": ["refund", "refund", None, "refund", "refund", "refund", None],
                "stage": ["returns", "returns", None, "returns", "returns", "returns", None],
            }
        )
    )
    customers = engine.table(pa.table({"customer_id": list("abcde"),
                                       "plan": ["pro", "pro", "free", "free", "pro"]}))  # fmt: skip
    found = feedback_scores(feedback, customers=customers, personas={"pros": 'plan == "pro"'})
    overall, pros, stage, touchpoint = found.rows
    assert (overall.level, overall.nps_responses, overall.nps) == ("all", 4, 25.0)
    assert (overall.csat_responses, overall.csat) == (2, 50.0)
    assert (pros.group, pros.promoters, pros.nps, pros.csat) == ("pros", 2, 100.0, 50.0)
    assert (stage.level, stage.group, stage.nps_responses) == ("stage", "returns", 3)
    assert touchpoint.row()["nps"] == pytest.approx(100 / 3)
    with_reviews = feedback_scores(feedback, csat_sources=("csat", "review")).rows[0]
    assert (with_reviews.csat_responses, with_reviews.satisfied) == (3, 2)
    table = found.to_arrow()
    assert table.num_rows == 4
    assert table.column("nps_low")[0].as_py() < 25.0 < table.column("nps_high")[0].as_py()


def test_groups_without_answers_have_no_score() -> None:
    import ibis

    empty = ibis.memtable(pa.table({"customer_id": pa.array([], pa.string()),
                                    "source": pa.array([], pa.string()),
                                    "rating": pa.array([], pa.int64())}))  # fmt: skip
    (overall,) = feedback_scores(empty).rows
    assert overall.nps is None
    assert overall.nps_interval is None
    assert overall.csat_interval is None
