"""Observation and outcome windows: signals before the cut-off, event outcomes after it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import ibis
import pyarrow as pa
from test_impact import JOURNEY, T0, planted_log

from journeymap.model import EventRule, ExperienceSignal, MomentKind, Outcome, Stage, Touchpoint
from journeymap.moments import experience_score, moment_impacts
from journeymap.moments.windows import exposure_table, resolve_cut_off, windowed_outcomes

CUT = T0 + dt.timedelta(hours=300)


def test_event_outcomes_come_from_after_the_cut_off_and_populations_from_before(
    engine: Any,
) -> None:
    day = dt.timedelta(days=1)
    events = engine.table(
        pa.table(
            {
                "customer_id": ["early", "early", "late", "late", "newcomer"],
                "ts": [T0, T0 + 20 * day, T0, T0 + 2 * day, T0 + 30 * day],
                "event": ["order", "order", "visit", "order", "order"],
            }
        )
    )
    outcomes = [
        Outcome(id="bought", name="Bought", event_rule=EventRule(events=["order"])),
        Outcome(id="again", name="Again", event_rule=EventRule(events=["order"]),
                among="bought"),
    ]  # fmt: skip
    cut = T0 + 10 * day
    table = windowed_outcomes(events, outcomes, customers=None, observed_before=cut)
    rows = {r["customer_id"]: (r["bought"], r["again"]) for r in table.to_pyarrow().to_pylist()}
    # early bought before (population) and after (outcome); late bought only before the
    # cut-off: in the population, no outcome; the newcomer was not observed at all.
    assert rows == {"early": (True, True), "late": (False, False)}


def _with_thank_you(log: pa.Table) -> pa.Table:
    """A thank-you mail at hour 500 for every customer who bought again (at hour 400)."""
    repeat = log.filter(pa.compute.equal(log["event"], "repeat_order"))
    thanks = pa.table(
        {
            "customer_id": repeat["customer_id"],
            "ts": pa.array(
                [T0 + dt.timedelta(hours=500)] * repeat.num_rows, log.schema.field("ts").type
            ),
            "event": pa.array(["thanks"] * repeat.num_rows),
        }
    )
    return pa.concat_tables([log, thanks], promote_options="default")


THANKS = Touchpoint(id="thanks", name="Thank-you mail", event_rule=EventRule(events=["thanks"]),
                    signals=[ExperienceSignal(id="had", name="Got it")])  # fmt: skip
LEAKY = JOURNEY.model_copy(
    update={"stages": [*JOURNEY.stages, Stage(id="after", name="After", touchpoints=[THANKS])]}
)


def test_a_signal_caused_by_the_outcome_stops_looking_like_its_cause() -> None:
    events = ibis.memtable(_with_thank_you(planted_log(4000, 31)))
    whole = moment_impacts(events, LEAKY)
    leak = {(i.column, i.outcome): i for i in whole.impacts}[("thanks:had", "repeat")]
    assert leak.significant  # without windows, the thank-you "causes" the repeat purchase
    windowed = moment_impacts(events, LEAKY, observed_before=CUT)
    found = {(i.column, i.outcome): i for i in windowed.impacts}
    assert not found[("thanks:had", "repeat")].significant
    verdicts = {(v.touchpoint, v.outcome): v.found for v in windowed.verdicts}
    assert verdicts["welcome", "repeat"] is MomentKind.DELIGHTER
    # Refunds come at hour 200, inside the observation window: still seen, still hurting.
    assert verdicts["refund", "repeat"] is MomentKind.PAIN_POINT


def test_the_score_with_a_window_does_not_use_the_leak() -> None:
    events = ibis.memtable(_with_thank_you(planted_log(4000, 32)))
    whole = experience_score(events, LEAKY, outcome="repeat")
    windowed = experience_score(events, LEAKY, outcome="repeat", observed_before=CUT)
    assert whole.auc is not None
    assert windowed.auc is not None
    assert whole.auc > 0.95  # the leak predicts perfectly
    assert windowed.weights["thanks:had"] == 0.0
    assert 0.6 < windowed.auc < whole.auc


def test_exposure_is_tenure_recency_and_events_up_to_the_window_end(engine: Any) -> None:
    day = dt.timedelta(days=1)
    events = engine.table(
        pa.table(
            {
                "customer_id": ["a", "a", "a", "b"],
                "ts": [T0, T0 + 2 * day, T0 + 9 * day, T0 + 4 * day],
                "event": ["visit", "order", "order", "visit"],
            }
        )
    )
    cut = T0 + 5 * day  # a's third event is after it: not observed
    rows = exposure_table(events, cut).order_by("customer_id").to_pyarrow().to_pylist()
    assert [(r["customer_id"], r["_tenure_days"], r["_recency_days"], r["_events"])
            for r in rows] == [("a", 5.0, 3.0, 2), ("b", 1.0, 1.0, 1)]  # fmt: skip
    whole = exposure_table(events, None).order_by("customer_id").to_pyarrow().to_pylist()
    assert [(r["_tenure_days"], r["_recency_days"]) for r in whole] == [(9.0, 0.0), (5.0, 5.0)]


def test_a_cut_off_can_count_back_from_the_last_event() -> None:
    events = ibis.memtable({"customer_id": ["a"], "ts": [T0 + dt.timedelta(days=50)]})
    assert resolve_cut_off(events, dt.timedelta(days=45)) == T0 + dt.timedelta(days=5)
    naive = dt.datetime(2025, 1, 1)
    assert resolve_cut_off(events, naive) == naive.replace(tzinfo=dt.UTC)
    assert resolve_cut_off(events, None) is None
