"""Impact ranking and classification on a log with planted moments of every kind."""

from __future__ import annotations

import datetime as dt

import ibis
import numpy as np
import pyarrow as pa
import pytest

from journeymap.model import (
    EventRule,
    ExperienceSignal,
    Journey,
    MomentKind,
    Outcome,
    OutcomePolarity,
    SignalKind,
    Stage,
    Touchpoint,
)
from journeymap.moments import moment_impacts

T0 = dt.datetime(2025, 6, 1, tzinfo=dt.UTC)


def _tp(tp_id: str, moment: MomentKind, *signals: ExperienceSignal) -> Touchpoint:
    return Touchpoint(id=tp_id, name=tp_id, moment=moment, event_rule=EventRule(events=[tp_id]),
                      signals=list(signals) or [ExperienceSignal(id="had", name="Had it")])  # fmt: skip


JOURNEY = Journey(
    id="j",
    name="J",
    persona="p",
    stages=[
        Stage(
            id="all",
            name="All",
            touchpoints=[
                _tp("welcome", MomentKind.DELIGHTER),
                _tp("confirmation", MomentKind.DELIGHTER),  # the map is wrong: hygiene factor
                _tp(
                    "delivery",
                    MomentKind.HYGIENE_FACTOR,
                    ExperienceSignal(
                        id="late",
                        name="Late",
                        kind=SignalKind.LATE,
                        promised="promised_date",
                        actual="delivered_date",
                    ),
                ),
                _tp("refund", MomentKind.PAIN_POINT),
                _tp("newsletter", MomentKind.NONE),
            ],
        )
    ],
    outcomes=[
        Outcome(id="repeat", name="Bought again", event_rule=EventRule(events=["repeat_order"])),
        Outcome(
            id="lost",
            name="Lost",
            polarity=OutcomePolarity.NEGATIVE,
            event_rule=EventRule(events=["goodbye"]),
        ),
        Outcome(
            id="stars", name="Review stars", event_rule=EventRule(events=["review"]), value="score"
        ),
    ],
)


def planted_log(customers: int, seed: int) -> pa.Table:
    """Welcome calls (30 %) triple the odds of buying again; a missing confirmation (10 %)
    cuts them to a third; late parcels (15 %) and refunds (10 %) hurt; the newsletter (50 %)
    does nothing. Lost customers are those who did not buy again; reviews follow lateness."""
    rng = np.random.default_rng(seed)
    welcome = rng.random(customers) < 0.3
    confirmation = rng.random(customers) < 0.9
    late = rng.random(customers) < 0.15
    refund = rng.random(customers) < 0.1
    newsletter = rng.random(customers) < 0.5
    log_odds = -0.4 + np.log(3) * welcome - np.log(3) * ~confirmation - 1.0 * late - 1.2 * refund
    repeat = rng.random(customers) < 1 / (1 + np.exp(-log_odds))
    score = np.clip(np.round(rng.normal(np.where(late, 2.5, 4.2), 0.8)), 1, 5)
    reviewed = rng.random(customers) < 0.4
    rows: dict[str, list[object]] = {k: [] for k in
        ("customer_id", "ts", "event", "promised_date", "delivered_date", "score")}  # fmt: skip

    def add(customer: int, hours: float, event: str, **extra: object) -> None:
        rows["customer_id"].append(f"c{customer:05d}")
        rows["ts"].append(T0 + dt.timedelta(hours=hours))
        rows["event"].append(event)
        for key in ("promised_date", "delivered_date", "score"):
            rows[key].append(extra.get(key))

    for c in range(customers):
        add(c, 0, "order")
        promised = (T0 + dt.timedelta(days=3)).date()
        delivered = promised + dt.timedelta(days=2 if late[c] else 0)
        add(c, 60, "delivery", promised_date=promised, delivered_date=delivered)
        for flag, event, hours in ((welcome, "welcome", 1), (confirmation, "confirmation", 0.1),
                                   (refund, "refund", 200), (newsletter, "newsletter", 30)):  # fmt: skip
            if flag[c]:
                add(c, hours, event)
        if reviewed[c]:
            add(c, 80, "review", score=int(score[c]))
        add(c, 400, "repeat_order" if repeat[c] else "goodbye")
    return pa.table(
        {
            **{k: rows[k] for k in ("customer_id", "ts", "event")},
            "promised_date": pa.array(rows["promised_date"], pa.date32()),
            "delivered_date": pa.array(rows["delivered_date"], pa.date32()),
            "score": pa.array(rows["score"], pa.int64()),
        }
    )


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_planted_moments_are_classified_and_the_map_corrected(seed: int) -> None:
    found = moment_impacts(ibis.memtable(planted_log(6000, seed)), JOURNEY)
    verdicts = {(v.touchpoint, v.outcome): v for v in found.verdicts}
    assert verdicts["welcome", "repeat"].found is MomentKind.DELIGHTER
    assert verdicts["confirmation", "repeat"].found is MomentKind.HYGIENE_FACTOR
    assert verdicts["confirmation", "repeat"].note == (
        "the map calls this a delighter; the data says a hygiene factor"
    )
    assert verdicts["delivery", "repeat"].found is MomentKind.HYGIENE_FACTOR
    assert verdicts["delivery", "repeat"].evidence == ("delivery:late",)
    assert verdicts["refund", "repeat"].found is MomentKind.PAIN_POINT


def test_a_moment_with_no_planted_effect_is_rarely_flagged_at_the_fdr_level() -> None:
    # Nothing was planted on the newsletter. At a 5 % false-discovery rate it may be flagged
    # by chance now and then (BH is lenient when many true effects are found), but rarely:
    # about once in 20 independent logs is expected; 4 or more would mean a broken test.
    flagged = 0
    for seed in range(20):
        found = moment_impacts(ibis.memtable(planted_log(3000, 100 + seed)), JOURNEY)
        flagged += any(
            v.touchpoint == "newsletter" and v.found is not MomentKind.NONE for v in found.verdicts
        )
    assert flagged <= 3


def test_the_top_negative_moment_for_review_stars_is_the_late_parcel() -> None:
    found = moment_impacts(ibis.memtable(planted_log(4000, 7)), JOURNEY)
    top = found.ranked("stars")[0]
    assert (top.column, top.significant, top.favourable) == ("delivery:late", True, False)
    assert top.comparison.effect is not None
    assert top.comparison.effect < -1  # stars: about 1.7 fewer for late parcels
    lost = [i for i in found.ranked("lost") if i.significant and not i.favourable]
    assert {i.column for i in lost} >= {"delivery:late", "refund:had"}


def test_rows_and_sampling_are_reported() -> None:
    found = moment_impacts(ibis.memtable(planted_log(3000, 5)), JOURNEY, model_customers=1000)
    assert (found.customers, found.model_customers) == (3000, 1000)
    table = found.to_arrow()
    assert table.num_rows == 5 * 3  # five signals, three outcomes
    assert {"q_value", "adjusted_effect", "score", "lift"} <= set(table.column_names)


def test_a_journey_without_signals_says_how_to_add_them() -> None:
    bare = JOURNEY.model_copy(update={"stages": [Stage(id="s", name="S")]})
    with pytest.raises(ValueError, match="has no signals"):
        moment_impacts(ibis.memtable(planted_log(10, 1)), bare)


def test_a_narrowed_signal_is_compared_with_the_touchpoints_other_customers() -> None:
    # 600 of 1,000 customers get a parcel, 100 of them late: "late" is judged against the
    # 500 parcels on time, not against the 400 customers who never had one.
    rows: dict[str, list[object]] = {"customer_id": [], "ts": [], "event": [],
                                     "promised_date": [], "delivered_date": [], "score": []}  # fmt: skip
    for c in range(1000):
        events = [("delivery", c < 100)] if c < 600 else []
        events.append(("repeat_order" if c % 2 else "goodbye", False))
        for event, late in events:
            rows["customer_id"].append(f"c{c:04d}")
            rows["ts"].append(T0 + dt.timedelta(days=len(rows["ts"]) % 7))
            rows["event"].append(event)
            promised = T0.date() if event == "delivery" else None
            rows["promised_date"].append(promised)
            rows["delivered_date"].append(
                promised + dt.timedelta(days=2 if late else 0) if promised else None
            )
            rows["score"].append(None)
    table = pa.table({**rows, "score": pa.array(rows["score"], pa.int64())})
    found = moment_impacts(ibis.memtable(table), JOURNEY)
    late = next(i for i in found.impacts if i.column == "delivery:late" and i.outcome == "repeat")
    welcome = next(i for i in found.impacts if i.column == "welcome:had" and i.outcome == "repeat")
    assert (late.comparison.with_signal, late.comparison.without_signal) == (100, 500)
    assert welcome.comparison.without_signal == 1000  # a plain "happened": against everyone
    assert late.reach_share == pytest.approx(0.1)  # the share of everyone, for the rank
