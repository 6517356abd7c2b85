"""Lapse and return: gaps, what brought customers back, who is still lapsed; the demo's truth."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import ibis
import pyarrow as pa
import pytest

from journeymap.analytics.returns import (
    ReturnTrigger,
    lapsed_customers,
    return_list,
    returns,
)
from journeymap.analytics.time_to_value import DAY
from journeymap.demo import generate_demo, read_manifest

T0 = dt.datetime(2025, 1, 1, 9, tzinfo=dt.UTC)
NOT_WINBACK = 'event != "winback_email"'
TOUCHPOINTS = {"visit": "website", "order": "checkout", "winback_email": "winback"}

# (customer, day, event); "wishlist" is on no touchpoint
LOG = [
    ("a", 0, "order"),
    ("a", 50, "winback_email"),  # sent once a went quiet; a comes back two days later
    ("a", 52, "visit"),
    ("a", 80, "order"),
    ("b", 0, "order"),
    ("b", 10, "visit"),
    ("b", 100, "visit"),  # back after 90 days on their own
    ("b", 110, "visit"),  # the last event of the data
    ("c", 0, "order"),
    ("c", 46, "winback_email"),  # never comes back
    ("d", 5, "visit"),
    ("e", 0, "visit"),
    ("e", 50, "visit"),  # back once...
    ("e", 101, "wishlist"),  # ...and again, on an event the map does not cover
]


def _log(*, touchpoints: bool = False) -> pa.Table:
    columns: dict[str, Any] = {
        "event_id": [f"e{number:02d}" for number in range(len(LOG))],
        "customer_id": [customer for customer, _, _ in LOG],
        "ts": [T0 + dt.timedelta(days=day) for _, day, _ in LOG],
        "event": [event for _, _, event in LOG],
        "channel": ["email" if event == "winback_email" else "web" for _, _, event in LOG],
        "tier": ["gold" if customer in "ab" else "basic" for customer, _, _ in LOG],
    }
    if touchpoints:
        columns["touchpoint"] = [TOUCHPOINTS.get(event) for _, _, event in LOG]
    return pa.table(columns)


def test_returns_count_lapses_triggers_and_the_still_lapsed_on_every_engine(engine: Any) -> None:
    result = returns(engine.table(_log(touchpoints=True)), activity=NOT_WINBACK)

    (group,) = result.groups
    assert (group.active_customers, group.returns, group.returning_customers) == (5, 4, 3)
    assert group.still_lapsed == 2  # c (silent since day 0) and d (since day 5)
    assert group.gap.count == 4
    assert group.gap.median == 51.5 * DAY  # gaps of 50, 51, 52 and 90 days
    assert result.brought_back_by == "touchpoint"
    assert result.triggers == (
        ReturnTrigger(group=None, brought_back_by="website", returns=2, customers=2),
        ReturnTrigger(group=None, brought_back_by="winback", returns=1, customers=1),
        ReturnTrigger(group=None, brought_back_by=None, returns=1, customers=1),
    )


def test_every_event_counts_as_activity_by_default() -> None:
    result = returns(ibis.memtable(_log()))

    (group,) = result.groups
    # the win-back e-mails themselves end a's and c's silences
    assert (group.returns, group.returning_customers, group.still_lapsed) == (5, 4, 2)
    assert result.brought_back_by == "event"
    assert [(t.brought_back_by, t.returns) for t in result.triggers] == [
        ("visit", 2),
        ("winback_email", 2),
        ("wishlist", 1),
    ]


def test_the_return_list_has_the_gap_and_the_first_event_once_lapsed() -> None:
    listed = return_list(ibis.memtable(_log(touchpoints=True)), activity=NOT_WINBACK)
    rows = listed.order_by(["customer_id", "returned_at"]).to_pyarrow().to_pylist()

    assert [
        (r["customer_id"], r["gap_seconds"] // DAY, r["trigger_event"], r["trigger_touchpoint"])
        for r in rows
    ] == [
        ("a", 52, "winback_email", "winback"),
        ("b", 90, "visit", "website"),
        ("e", 50, "visit", "website"),
        ("e", 51, "wishlist", None),
    ]
    assert rows[0]["trigger_at"] == T0 + dt.timedelta(days=50)


def test_lapsed_customers_as_of_a_given_day() -> None:
    events = ibis.memtable(_log())
    as_of = T0 + dt.timedelta(days=60)

    lapsed = lapsed_customers(events, activity=NOT_WINBACK, as_of=as_of, lapse_days=30)

    # a was last active on day 52 and e on day 50; b's return on day 100 is not known yet
    assert sorted(lapsed.customer_id.to_list()) == ["b", "c", "d"]


@pytest.fixture(scope="module")
def demo_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo")
    generate_demo(folder, customers=2_000)
    return folder


def test_the_demos_planted_returners_are_found(demo_folder: Path) -> None:
    """The planted lapse-and-return truth: win-back e-mails bring lapsed customers back.

    The generator e-mails customers silent for 45 days (winback_email, campaign we_miss_you);
    those it wins back order with campaign we_miss_you. The manifest counts them.
    """
    truth = next(t for t in read_manifest(demo_folder).truths if t.id == "lapse-and-return")
    con = ibis.duckdb.connect()
    events = con.read_parquet(demo_folder / "data" / "events.parquet")
    won_back = set(
        events.filter((events.event == "order_placed") & (events.campaign == "we_miss_you"))
        .customer_id.to_pyarrow()
        .to_pylist()
    )
    assert len(won_back) == truth.observed["lapse.customers_won_back"] > 20
    # Independently of the analysis: who did anything after their win-back e-mail?
    after_email = {
        row[0]
        for row in con.raw_sql(
            f"""
            SELECT DISTINCT e.customer_id
            FROM read_parquet('{demo_folder / "data" / "events.parquet"}') e
            JOIN read_parquet('{demo_folder / "data" / "events.parquet"}') w
              ON e.customer_id = w.customer_id AND w.event = 'winback_email' AND e.ts > w.ts
            """
        ).fetchall()
    }

    result = returns(events, lapse_days=int(truth.parameters["lapse_days"]), activity=NOT_WINBACK)
    listed = return_list(events, activity=NOT_WINBACK)
    by_email = listed.filter(listed.trigger_event == "winback_email")
    brought_back = set(by_email.customer_id.to_pyarrow().to_pylist())

    top = result.triggers[0]
    assert (top.brought_back_by, top.customers) == ("winback_email", len(after_email))
    assert brought_back == after_email
    assert won_back <= brought_back
    # Counting the e-mail as activity finds every recipient "back"; the trigger is the same.
    everyone = returns(events)
    assert everyone.triggers[0].brought_back_by == "winback_email"
    assert everyone.triggers[0].returns == truth.observed["lapse.winback_emails"]
    # Recipients who never came back are still lapsed at the end of the data.
    still = set(lapsed_customers(events, activity=NOT_WINBACK).customer_id.to_pyarrow().to_pylist())
    emailed = set(
        events.filter(events.event == "winback_email").customer_id.to_pyarrow().to_pylist()
    )
    assert emailed - after_email <= still
    assert result.groups[0].still_lapsed == len(still)


def test_returns_break_down_by_a_customer_property() -> None:
    result = returns(ibis.memtable(_log()), activity=NOT_WINBACK, by="tier")

    assert [
        (g.group, g.active_customers, g.returns, g.returning_customers, g.still_lapsed)
        for g in result.groups
    ] == [("basic", 3, 2, 1, 2), ("gold", 2, 2, 2, 0)]
    assert [(t.group, t.brought_back_by, t.returns) for t in result.triggers] == [
        ("basic", "visit", 1),
        ("basic", "wishlist", 1),
        ("gold", "visit", 1),
        ("gold", "winback_email", 1),
    ]
    assert result.to_arrow().column_names[0] == "tier"


def test_a_lapse_shorter_than_a_day_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 1 day"):
        returns(ibis.memtable(_log()), lapse_days=0)
