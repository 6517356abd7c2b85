"""Outcomes per customer: event rules, customer rules, both, and the within-days window."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import ibis
import pyarrow as pa
import pytest

from journeymap.analytics.outcomes import OutcomeRate, outcome_summary, outcome_table
from journeymap.analytics.scope import ScopeError
from journeymap.demo import demo_workspace, generate_demo
from journeymap.model import EventRule, Outcome, OutcomePolarity

T0 = dt.datetime(2025, 2, 1, 12, tzinfo=dt.UTC)

# (customer, day, event, status, score)
LOG = [
    ("a", 0, "visit", None, None),
    ("a", 2, "order", "first", None),
    ("a", 20, "order", "repeat", None),
    ("b", 0, "visit", None, None),
    ("b", 10, "nps", None, 9),
    ("c", 0, "visit", None, None),
]

OUTCOMES = [
    Outcome(id="converted", name="Ordered", event_rule=EventRule(events=["order"])),
    Outcome(
        id="quick-order",
        name="Ordered in the first week",
        event_rule=EventRule(events=["order"]),
        within_days=7,
    ),
    Outcome(
        id="repeat_in_week",
        name="Bought again in the first week",
        event_rule=EventRule(events=["order"], where='status == "repeat"'),
        within_days=7,
    ),
    Outcome(
        id="promoter", name="Promoter", event_rule=EventRule(events=["nps"], where="score >= 9")
    ),
    Outcome(
        id="churned",
        name="Churned",
        polarity=OutcomePolarity.NEGATIVE,
        customer_rule="churned == true",
    ),
    Outcome(
        id="pro-buyer",
        name="Pro customer who ordered",
        event_rule=EventRule(events=["order"]),
        customer_rule='plan == "pro"',
    ),
]


def _log() -> pa.Table:
    return pa.table(
        {
            "event_id": [f"e{number}" for number in range(len(LOG))],
            "customer_id": [row[0] for row in LOG],
            "ts": [T0 + dt.timedelta(days=row[1]) for row in LOG],
            "event": [row[2] for row in LOG],
            "channel": ["web"] * len(LOG),
            "status": pa.array([row[3] for row in LOG], pa.string()),
            "score": pa.array([row[4] for row in LOG], pa.int64()),
            "tier": ["gold" if row[0] == "a" else "basic" for row in LOG],
        }
    )


def _customers() -> pa.Table:
    # c has no row: customer rules do not hold for it
    return pa.table({"customer_id": ["a", "b"], "churned": [False, True], "plan": ["pro", "free"]})


def test_outcome_table_has_one_never_null_flag_per_outcome_on_every_engine(engine: Any) -> None:
    table = outcome_table(engine.table(_log()), OUTCOMES, customers=engine.table(_customers()))
    rows = table.order_by("customer_id").to_pyarrow().to_pylist()

    assert table.columns == ("customer_id", *(outcome.id for outcome in OUTCOMES))
    assert [tuple(row.values()) for row in rows] == [
        ("a", True, True, False, False, False, True),
        ("b", False, False, False, True, True, False),
        ("c", False, False, False, False, False, False),
    ]


def test_summary_counts_and_rates_per_breakdown() -> None:
    summary = outcome_summary(
        ibis.memtable(_log()), OUTCOMES[:2], customers=ibis.memtable(_customers()), by="tier"
    )

    assert summary.rates == (
        OutcomeRate("converted", "Ordered", OutcomePolarity.POSITIVE, "basic", 2, 0),
        OutcomeRate("converted", "Ordered", OutcomePolarity.POSITIVE, "gold", 1, 1),
        OutcomeRate(
            "quick-order", "Ordered in the first week", OutcomePolarity.POSITIVE, "basic", 2, 0
        ),
        OutcomeRate(
            "quick-order", "Ordered in the first week", OutcomePolarity.POSITIVE, "gold", 1, 1
        ),
    )
    assert summary.to_arrow().column_names == [
        "outcome",
        "name",
        "polarity",
        "tier",
        "customers",
        "count",
        "rate",
        "mean",
    ]


def test_event_outcomes_need_no_customers_table() -> None:
    summary = outcome_summary(ibis.memtable(_log()), OUTCOMES[:1])

    assert [(r.group, r.customers, r.count, r.rate) for r in summary.rates] == [
        (None, 3, 1, pytest.approx(1 / 3))
    ]


def test_customer_outcomes_without_customers_are_a_clear_error() -> None:
    with pytest.raises(ScopeError, match="outcomes churned, pro-buyer test customer properties"):
        outcome_table(ibis.memtable(_log()), OUTCOMES)


def test_a_customer_rule_on_an_unknown_property_names_the_known_ones() -> None:
    outcome = Outcome(id="vip", name="VIP", customer_rule="vip == true")
    with pytest.raises(ScopeError, match=r"'vip'.*properties are: churned, plan"):
        outcome_table(ibis.memtable(_log()), [outcome], customers=ibis.memtable(_customers()))


def test_outcome_ids_that_clash_with_columns_are_refused() -> None:
    clash = Outcome(id="customer_id", name="x", event_rule=EventRule(events=["order"]))
    with pytest.raises(ValueError, match="clashes with a column"):
        outcome_table(ibis.memtable(_log()), [clash])
    with pytest.raises(ValueError, match="appears twice"):
        outcome_table(ibis.memtable(_log()), [OUTCOMES[0], OUTCOMES[0]])


def test_the_demo_journeys_outcomes_match_the_generated_data(tmp_path: Path) -> None:
    generate_demo(tmp_path, customers=600)
    con = ibis.duckdb.connect()
    events = con.read_parquet(tmp_path / "data" / "events.parquet")
    customers = con.read_parquet(tmp_path / "data" / "customers.parquet")
    journey = demo_workspace().journeys[0]

    table = outcome_table(events, journey.outcomes, customers=customers)
    yes_no = [outcome for outcome in journey.outcomes if outcome.value is None]
    flagged = {
        outcome.id: set(table.filter(table[outcome.id]).customer_id.to_pyarrow().to_pylist())
        for outcome in yes_no
    }

    def who(sql: str) -> set[str]:
        return {row[0] for row in con.raw_sql(sql).fetchall()}

    data = tmp_path / "data"
    orders = f"SELECT DISTINCT customer_id FROM read_parquet('{data / 'events.parquet'}') WHERE event = 'order_placed'"
    assert flagged["converted"] == who(orders)
    assert flagged["returned"] == who(orders + " AND campaign = 'we_miss_you'")
    assert flagged["promoter"] == who(
        f"SELECT DISTINCT customer_id FROM read_parquet('{data / 'events.parquet'}') "
        "WHERE event = 'nps_response' AND score >= 9"
    )
    assert flagged["churned"] == who(
        f"SELECT customer_id FROM read_parquet('{data / 'customers.parquet'}') WHERE churned "
        f"AND customer_id IN (SELECT customer_id FROM read_parquet('{data / 'events.parquet'}'))"
    )
    assert all(flagged[outcome.id] for outcome in yes_no)
    scores = {
        row["customer_id"]: row["review-score"]
        for row in table.filter(table["review-score"].notnull()).to_pyarrow().to_pylist()
    }
    expected = con.raw_sql(
        f"SELECT customer_id, avg(score) FROM read_parquet('{data / 'events.parquet'}') "
        "WHERE event = 'review_submitted' GROUP BY 1"
    ).fetchall()
    assert scores == pytest.approx(dict(expected))


SCORED = [
    ("a", 0, "review", None, 2),
    ("a", 1, "review", None, 5),
    ("a", 2, "review", "hidden", 1),
    ("b", 0, "review", None, 4),
    ("c", 0, "visit", None, None),
]
REVIEW_SCORE = Outcome(
    id="review-score",
    name="Review score",
    event_rule=EventRule(events=["review"], where="status == null"),
    value="score",
)


def _scored() -> pa.Table:
    return pa.table(
        {
            "customer_id": [row[0] for row in SCORED],
            "ts": [T0 + dt.timedelta(days=row[1]) for row in SCORED],
            "event": [row[2] for row in SCORED],
            "status": pa.array([row[3] for row in SCORED], pa.string()),
            "score": pa.array([row[4] for row in SCORED], pa.int64()),
        }
    )


def test_numeric_outcomes_average_the_value_of_matching_events(engine: Any) -> None:
    table = outcome_table(engine.table(_scored()), [REVIEW_SCORE, OUTCOMES[0]])
    rows = {row["customer_id"]: row["review-score"] for row in table.to_pyarrow().to_pylist()}
    # a's hidden review does not match the rule; c wrote none, so it has no value.
    assert rows == {"a": 3.5, "b": 4.0, "c": None}
    summary = outcome_summary(engine.table(_scored()), [REVIEW_SCORE])
    (rate,) = summary.rates
    assert (rate.customers, rate.count, rate.mean) == (3, 2, pytest.approx(3.75))


def test_a_numeric_outcome_over_a_missing_property_says_which_exist() -> None:
    wrong = REVIEW_SCORE.model_copy(update={"value": "stars"})
    with pytest.raises(ScopeError, match=r"'stars', which the events do not have.*score"):
        outcome_table(ibis.memtable(_scored()), [wrong])


def test_an_outcome_among_another_is_measured_on_that_population_only(engine: Any) -> None:
    churn_among_buyers = Outcome(
        id="churned",
        name="Churned",
        polarity=OutcomePolarity.NEGATIVE,
        customer_rule="churned == true",
        among="converted",
    )
    outcomes = [OUTCOMES[0], churn_among_buyers]
    events, customers = engine.table(_log()), engine.table(_customers())
    table = outcome_table(events, outcomes, customers=customers)
    rows = {r["customer_id"]: r["churned"] for r in table.to_pyarrow().to_pylist()}
    # b churned by the CRM flag but never ordered: outside the population, not "churned".
    assert rows == {"a": False, "b": None, "c": None}
    summary = outcome_summary(events, outcomes, customers=customers)
    churn = next(rate for rate in summary.rates if rate.outcome == "churned")
    assert (churn.customers, churn.count) == (1, 0)


def test_a_population_must_be_another_yes_no_outcome() -> None:
    itself = Outcome(id="o", name="O", event_rule=EventRule(events=["order"]), among="o")
    with pytest.raises(ValueError, match="another yes/no outcome"):
        outcome_table(ibis.memtable(_log()), [itself])
