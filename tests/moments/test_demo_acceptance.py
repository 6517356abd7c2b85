"""Acceptance on the demo data at its default size, on several seeds: the moments analyses
find what the generator planted (see ``journeymap.demo.truths``) and nothing it did not.

The analysis is the one a CX analyst would run on the demo: the observation window ends 45
days before the data do (the window the CRM's churn flag is decided in), and the adjusted
models control for the persona. Planted: late deliveries lower review scores and the chance
to buy again; the welcome call (given at random) lifts it; a missing order confirmation
lowers it while a sent one adds little; the spring-sale and home-refresh ads are shown at
random and change nothing.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import ibis
import pytest

from journeymap.analytics.scope import with_breakdown
from journeymap.demo import demo_workspace, generate_demo
from journeymap.model import MomentKind
from journeymap.moments import MomentImpacts, experience_score, moment_impacts

pytestmark = pytest.mark.slow

SEEDS = (7, 11, 13)
CUT_OFF = dt.timedelta(days=45)
JOURNEY = demo_workspace().journeys[0]


@pytest.fixture(scope="module", params=SEEDS, ids=[f"seed{seed}" for seed in SEEDS])
def demo_tables(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[ibis.Table, ibis.Table]:
    folder = tmp_path_factory.mktemp(f"demo{request.param}")
    generate_demo(folder, seed=request.param)  # the default size: 50,000 customers
    con = ibis.duckdb.connect()
    con.raw_sql("SET TimeZone = 'UTC'")
    customers = con.read_parquet(Path(folder, "data", "customers.parquet"))
    events = con.read_parquet(Path(folder, "data", "events.parquet"))
    return with_breakdown(events, customers, "persona_truth"), customers


@pytest.fixture(scope="module")
def impacts(demo_tables: tuple[ibis.Table, ibis.Table]) -> MomentImpacts:
    events, customers = demo_tables
    return moment_impacts(
        events, JOURNEY, customers=customers, segment="persona_truth", observed_before=CUT_OFF
    )


def _top_negative(impacts: MomentImpacts, outcome: str) -> str:
    negative = [i for i in impacts.ranked(outcome) if i.significant and i.favourable is False]
    assert negative, f"no significant negative moment for {outcome}"
    return negative[0].column


@pytest.mark.parametrize("outcome", ["review-score", "churned"])
def test_late_delivery_is_the_top_negative_moment(impacts: MomentImpacts, outcome: str) -> None:
    assert _top_negative(impacts, outcome) == "home-delivery:late"


def _verdict(impacts: MomentImpacts, touchpoint: str, outcome: str) -> MomentKind:
    (verdict,) = [
        v for v in impacts.verdicts if v.touchpoint == touchpoint and v.outcome == outcome
    ]
    return verdict.found


def test_the_welcome_call_is_a_delighter(impacts: MomentImpacts) -> None:
    for outcome in ("repeat-purchase", "churned"):
        assert _verdict(impacts, "welcome-call", outcome) is MomentKind.DELIGHTER


def test_the_order_confirmation_is_a_hygiene_factor_and_the_map_is_told(
    impacts: MomentImpacts,
) -> None:
    (verdict,) = [
        v
        for v in impacts.verdicts
        if v.touchpoint == "order-confirmation" and v.outcome == "repeat-purchase"
    ]
    assert verdict.found is MomentKind.HYGIENE_FACTOR
    assert verdict.note == "the map calls this a delighter; the data says a hygiene factor"


def test_the_randomly_shown_ad_is_flagged_for_no_outcome(impacts: MomentImpacts) -> None:
    spring = [i for i in impacts.impacts if i.column == "social-ad:spring-sale"]
    assert len(spring) == len(JOURNEY.outcomes)
    assert not [i for i in spring if i.significant], [i.row() for i in spring]
    assert {v.found for v in impacts.verdicts if v.touchpoint == "social-ad"} == {MomentKind.NONE}


def test_the_experience_score_beats_the_activity_baseline_on_held_out_customers(
    demo_tables: tuple[ibis.Table, ibis.Table],
) -> None:
    events, customers = demo_tables
    for outcome in ("churned", "promoter"):
        score = experience_score(
            events, JOURNEY, outcome=outcome, customers=customers, observed_before=CUT_OFF
        )
        assert score.auc is not None
        assert score.baseline_auc is not None
        assert score.auc > score.baseline_auc, (outcome, score.auc, score.baseline_auc)
