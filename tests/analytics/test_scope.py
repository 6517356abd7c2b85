"""Scope filters (date range, channels, segment) and customer-property breakdowns."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pyarrow as pa
import pytest

from journeymap.analytics.scope import (
    GROUP,
    Scope,
    ScopeError,
    apply_scope,
    customer_groups,
    group_rows,
    with_breakdown,
)
from journeymap.model import parse_rule

DAY = dt.datetime(2025, 3, 1, tzinfo=dt.UTC)


def _events() -> pa.Table:
    rows = [
        ("e1", "a", 0, "visit", "web"),
        ("e2", "a", 2, "order", "app"),
        ("e3", "b", 1, "visit", None),
        ("e4", "b", 3, "order", "web"),
        ("e5", "c", 5, "visit", "web"),
    ]
    return pa.table(
        {
            "event_id": [r[0] for r in rows],
            "customer_id": [r[1] for r in rows],
            "ts": [DAY + dt.timedelta(days=r[2]) for r in rows],
            "event": [r[3] for r in rows],
            "channel": pa.array([r[4] for r in rows], pa.string()),
        }
    )


def _customers() -> pa.Table:
    return pa.table(
        {
            "customer_id": ["a", "b", "c"],
            "plan": ["pro", "free", "pro"],
            "country": ["DE", "AT", None],
        }
    )


def _ids(table: Any) -> list[str]:
    return sorted(table.event_id.to_pyarrow().to_pylist())


def test_scope_filters_date_range_channels_and_segment_on_every_engine(engine: Any) -> None:
    events, customers = engine.table(_events()), engine.table(_customers())

    in_range = apply_scope(events, Scope(start=DAY + dt.timedelta(days=1), end=DAY.replace(day=4)))
    on_web = apply_scope(events, Scope(channels=("web",)))
    pro = apply_scope(events, Scope(segment='plan == "pro"'), customers)
    pro_in_de = apply_scope(
        events,
        Scope(segment=parse_rule('plan == "pro" and country == "DE"'), channels=("app",)),
        customers,
    )

    assert _ids(in_range) == ["e2", "e3"]  # start inclusive, end exclusive
    assert _ids(on_web) == ["e1", "e4", "e5"]  # a null channel never matches
    assert _ids(pro) == ["e1", "e2", "e5"]
    assert _ids(pro_in_de) == ["e2"]


def test_naive_bounds_are_utc_and_zoned_bounds_are_converted(engine: Any) -> None:
    events = engine.table(_events())
    berlin = dt.timezone(dt.timedelta(hours=1))

    naive = apply_scope(events, Scope(start=dt.datetime(2025, 3, 3, 0, 30)))
    zoned = apply_scope(events, Scope(start=dt.datetime(2025, 3, 3, 0, 30, tzinfo=berlin)))

    assert _ids(naive) == ["e4", "e5"]
    assert _ids(zoned) == ["e2", "e4", "e5"]  # 23:30 UTC the day before


def test_breakdown_adds_the_customer_property_and_groups_read_it(engine: Any) -> None:
    customers = engine.table(_customers())
    events = with_breakdown(engine.table(_events()), customers, "country")

    groups = group_rows(customer_groups(events, "country"), "customer_id")

    assert events.count().to_pyarrow().as_py() == 5  # a join never duplicates events
    assert groups == [
        {"customer_id": "b", GROUP: "AT"},
        {"customer_id": "a", GROUP: "DE"},
        {"customer_id": "c", GROUP: None},
    ]


def test_a_customer_listed_twice_does_not_duplicate_events() -> None:
    import ibis

    customers = ibis.memtable({"customer_id": ["a", "a"], "plan": ["free", "pro"]})
    events = ibis.memtable(_events())

    broken_down = with_breakdown(events, customers, "plan")

    assert broken_down.count().to_pyarrow().as_py() == 5
    assert set(broken_down.filter(broken_down.customer_id == "a").plan.to_list()) == {"pro"}


def test_a_segment_without_customers_is_a_clear_error() -> None:
    import ibis

    with pytest.raises(ScopeError, match="no customers table was given; import one"):
        apply_scope(ibis.memtable(_events()), Scope(segment='plan == "pro"'))


def test_a_segment_reading_an_unknown_property_names_the_known_ones() -> None:
    import ibis

    with pytest.raises(ScopeError, match=r"reads 'tier'.*properties are: plan, country"):
        apply_scope(
            ibis.memtable(_events()), Scope(segment='tier == "gold"'), ibis.memtable(_customers())
        )


def test_an_unknown_breakdown_property_lists_the_properties() -> None:
    import ibis

    with pytest.raises(ScopeError, match=r"'age'.*properties there are: plan, country"):
        with_breakdown(ibis.memtable(_events()), ibis.memtable(_customers()), "age")


def test_a_breakdown_that_clashes_with_an_event_column_says_what_to_do() -> None:
    import ibis

    customers = ibis.memtable({"customer_id": ["a"], "channel": ["web"]})
    with pytest.raises(ScopeError, match="pass by='channel'"):
        with_breakdown(ibis.memtable(_events()), customers, "channel")


def test_grouping_by_a_missing_column_is_a_clear_error() -> None:
    import ibis

    with pytest.raises(ScopeError, match="add a customer property with with_breakdown"):
        customer_groups(ibis.memtable(_events()), "plan")


def test_an_empty_date_range_is_refused() -> None:
    with pytest.raises(ScopeError, match="date range is empty"):
        Scope(start=DAY, end=DAY)
