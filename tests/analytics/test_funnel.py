"""Funnels: ClickHouse's windowFunnel semantics, our extensions, and the demo's outage."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import chdb
import ibis
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from logs import EPOCH, log, random_log

from journeymap.analytics.funnel import (
    FunnelExclusion,
    FunnelMode,
    FunnelStep,
    customers_at_step,
    funnel,
    funnel_by_period,
    funnel_customers,
)
from journeymap.analytics.matching import match_touchpoints
from journeymap.demo import demo_workspace, generate_demo

HOUR = dt.timedelta(hours=1)


def steps_of(names: str, **options: Any) -> list[FunnelStep]:
    return [FunnelStep(name, events=name, **options) for name in names]


def levels(table: ibis.Table) -> dict[str, int]:
    rows = table.select("customer_id", "level").to_pyarrow().to_pylist()
    return {row["customer_id"]: row["level"] for row in rows}


TRACES = log(
    ("straight", [(0, "a"), (10, "b"), (20, "c")]),
    ("noise", [(0, "a"), (5, "x"), (10, "b"), (15, "x"), (20, "c")]),
    ("slow", [(0, "a"), (10, "b"), (200, "c")]),
    ("restart", [(0, "a"), (100, "a"), (110, "b"), (120, "c")]),
    ("reversed", [(0, "c"), (10, "b"), (20, "a")]),
    ("early-c", [(0, "a"), (5, "c"), (10, "b"), (20, "c")]),
    ("never", [(0, "x")]),
)


def test_modes_on_both_engines(engine: Any) -> None:
    events = engine.table(TRACES)
    steps = steps_of("abc")
    ordered = levels(funnel_customers(events, steps, window=HOUR))
    assert ordered == {"straight": 3, "noise": 3, "slow": 2, "restart": 3, "reversed": 1,
                       "early-c": 3, "never": 0}  # fmt: skip
    strict = levels(funnel_customers(events, steps, window=HOUR, mode="strict"))
    # An event of no step stops the search; so does c before any chain reached b.
    assert strict == {"straight": 3, "noise": 1, "slow": 2, "restart": 3, "reversed": 1,
                      "early-c": 1, "never": 0}  # fmt: skip
    unordered = levels(funnel_customers(events, steps, window=HOUR, mode="unordered"))
    assert unordered["reversed"] == 3
    assert unordered["slow"] == 2


def test_step_numbers_on_both_engines(engine: Any) -> None:
    result = funnel(engine.table(TRACES), steps_of("abc"), window=HOUR)
    assert result.levels == (1, 1, 1, 4)
    assert [s.customers for s in result.steps] == [6, 5, 4]
    second, third = result.steps[1], result.steps[2]
    assert second.conversion_from_previous == pytest.approx(5 / 6)
    assert third.conversion_from_first == pytest.approx(4 / 6)
    assert third.drop_off == 1
    # b came 10 minutes after a for everyone who did it in a chain.
    assert second.median_seconds_from_previous == pytest.approx(600.0)
    assert third.median_seconds_from_previous == pytest.approx(600.0)


def test_the_reported_chain_is_the_first_to_reach_the_level_and_the_tightest(engine: Any) -> None:
    events = engine.table(log(("c", [(0, "a"), (30, "a"), (40, "b"), (50, "b"), (300, "a")])))
    row = funnel_customers(events, steps_of("ab"), window=HOUR).to_pyarrow().to_pylist()[0]
    assert (row["level"], _minutes(row["step_1"]), _minutes(row["step_2"])) == (2, 30, 40)


def _minutes(value: dt.datetime) -> float:
    return (value.replace(tzinfo=dt.UTC) - EPOCH).total_seconds() / 60


def test_optional_steps_may_be_skipped() -> None:
    events = ibis.memtable(
        log(
            ("with-code", [(0, "a"), (5, "code"), (10, "b")]),
            ("without", [(0, "a"), (10, "b")]),
            ("code-late", [(0, "a"), (10, "b"), (15, "code")]),
            ("code-only", [(0, "a"), (5, "code")]),
        )
    )
    steps = [FunnelStep("a", events="a"), FunnelStep("code", events="code", optional=True),
             FunnelStep("b", events="b")]  # fmt: skip
    table = funnel_customers(events, steps, window=HOUR)
    assert levels(table) == {"with-code": 3, "without": 3, "code-late": 3, "code-only": 2}
    result = funnel(events, steps, window=HOUR)
    assert [s.customers for s in result.steps] == [4, 2, 3]
    # b is measured against a, the previous required step.
    assert result.steps[2].conversion_from_previous == pytest.approx(3 / 4)
    assert result.steps[1].drop_off == 2


def test_exclusions_end_the_chain_between_their_steps() -> None:
    events = ibis.memtable(
        log(
            ("cancelled", [(0, "a"), (5, "cancel"), (10, "b"), (20, "c")]),
            ("retried", [(0, "a"), (5, "cancel"), (7, "a"), (10, "b"), (20, "c")]),
            ("late-cancel", [(0, "a"), (10, "b"), (15, "cancel"), (20, "c")]),
        )
    )
    exclusion = FunnelExclusion("cancel", events="cancel", after_step=1)
    found = levels(funnel_customers(events, steps_of("abc"), window=HOUR, exclusions=[exclusion]))
    assert found == {"cancelled": 1, "retried": 3, "late-cancel": 3}
    everywhere = FunnelExclusion("cancel", events="cancel")
    found = levels(funnel_customers(events, steps_of("abc"), window=HOUR, exclusions=[everywhere]))
    assert found["late-cancel"] == 2


def test_per_step_gaps() -> None:
    events = ibis.memtable(log(("c", [(0, "a"), (2, "b"), (30, "b"), (40, "c")])))
    at_least = [FunnelStep("a", events="a"), FunnelStep("b", events="b", min_gap=10 * MINUTE)]
    row = funnel_customers(events, at_least, window=HOUR).to_pyarrow().to_pylist()[0]
    assert _minutes(row["step_2"]) == 30
    at_most = [FunnelStep("a", events="a"), FunnelStep("b", events="b"),
               FunnelStep("c", events="c", max_gap=5 * MINUTE)]  # fmt: skip
    assert levels(funnel_customers(events, at_most, window=HOUR)) == {"c": 2}


MINUTE = dt.timedelta(minutes=1)


def test_customers_behind_the_numbers() -> None:
    events = ibis.memtable(TRACES)
    table = funnel_customers(events, steps_of("abc"), window=HOUR)
    dropped = customers_at_step(table, 3, dropped=True).customer_id.to_pyarrow().to_pylist()
    assert dropped == ["slow"]
    converted = customers_at_step(table, 3).customer_id.to_pyarrow().to_pylist()
    assert sorted(converted) == ["early-c", "noise", "restart", "straight"]
    never = customers_at_step(table, 1, dropped=True).customer_id.to_pyarrow().to_pylist()
    assert never == ["never"]


def test_results_do_not_depend_on_row_order() -> None:
    data = random_log(customers=200, events_per_customer=(1, 10), alphabet="abcd",
                      span=dt.timedelta(days=1), seed=3)  # fmt: skip
    shuffled = data.take(pa.array(list(reversed(range(data.num_rows)))))
    first = funnel(ibis.memtable(data), steps_of("abc"), window=4 * HOUR)
    second = funnel(ibis.memtable(shuffled), steps_of("abc"), window=4 * HOUR)
    assert first == second


@pytest.mark.parametrize(
    ("message", "build"),
    [
        ("cannot be optional", lambda: funnel(_EMPTY, [FunnelStep("a", events="a", optional=True)], window=HOUR)),
        ("either touchpoint", lambda: FunnelStep("a")),
        ("longer than max_gap", lambda: FunnelStep("a", events="a", min_gap=HOUR, max_gap=MINUTE)),
        ("no 'between steps'", lambda: funnel(_EMPTY, steps_of("ab"), window=HOUR, mode="unordered",
                                              exclusions=[FunnelExclusion("x", events="x")])),
        ("match_touchpoints", lambda: funnel(_EMPTY, [FunnelStep("a", touchpoint="pay")], window=HOUR)),
        ("window must be positive", lambda: funnel(_EMPTY, steps_of("a"), window=dt.timedelta(0))),
    ],
)  # fmt: skip
def test_mistakes_say_what_to_fix(message: str, build: Any) -> None:
    with pytest.raises(ValueError, match=message):
        build()


_EMPTY = ibis.memtable(log())


def _clickhouse_levels(
    path: Path, names: str, window: dt.timedelta, mode: FunnelMode
) -> tuple[int, ...]:
    conditions = ", ".join(f"event = '{name}'" for name in names)
    option = ", 'strict_order'" if mode is FunnelMode.STRICT else ""
    sql = f"""
        SELECT level, count() AS customers FROM (
            SELECT customer_id, windowFunnel({int(window.total_seconds())}{option})(
                toUInt32(toUnixTimestamp(ts)), {conditions}) AS level
            FROM file('{path}', Parquet) GROUP BY customer_id)
        GROUP BY level
    """
    counts = dict.fromkeys(range(len(names) + 1), 0)
    for row in chdb.query(sql, "ArrowTable").to_pylist():
        counts[row["level"]] = row["customers"]
    return tuple(counts.values())


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, pa.Table]:
    data = random_log(customers=700, events_per_customer=(1, 12), alphabet="abcdefgh",
                      span=dt.timedelta(days=3), seed=11)  # fmt: skip
    path = tmp_path_factory.mktemp("funnel") / "events.parquet"
    pq.write_table(data, path)
    return path, data


@pytest.mark.parametrize("names", ["abc", "abcdef"])
@pytest.mark.parametrize("window", [2 * HOUR, dt.timedelta(days=2)])
@pytest.mark.parametrize("mode", [FunnelMode.ORDERED, FunnelMode.STRICT])
def test_levels_equal_clickhouse_window_funnel(
    generated: tuple[Path, pa.Table], names: str, window: dt.timedelta, mode: FunnelMode
) -> None:
    path, data = generated
    ours = funnel(ibis.duckdb.connect().create_table("events", data), steps_of(names),
                  window=window, mode=mode)  # fmt: skip
    assert ours.levels == _clickhouse_levels(path, names, window, mode)
    assert len([n for n in ours.levels if n]) >= 3  # the comparison is not a trivial one


def test_the_planted_payment_outage_shows_in_daily_conversion(tmp_path: Path) -> None:
    manifest = generate_demo(tmp_path, customers=2000)
    events = ibis.duckdb.connect().read_parquet(tmp_path / "data" / "events.parquet")
    journey = demo_workspace().journeys[0]
    steps = [FunnelStep("delivery options", touchpoint="delivery-options"),
             FunnelStep("payment", touchpoint="payment")]  # fmt: skip
    daily = funnel_by_period(match_touchpoints(events, journey), steps, window=HOUR)
    outage = set(manifest.payment_outage_dates)
    payment = daily.of_step(2)
    assert outage <= {row.period for row in payment}

    def pooled(rows: list[Any]) -> float:
        return sum(r.customers for r in rows) / sum(r.previous for r in rows)

    on_outage = pooled([r for r in payment if r.period in outage])
    other_days = pooled([r for r in payment if r.period not in outage])
    assert on_outage < 0.6 < 0.85 < other_days
