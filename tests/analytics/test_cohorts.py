"""Retention cohorts by first-activity week or month, against hand counts and plain SQL."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import ibis
import pyarrow as pa
import pytest

from journeymap.analytics.cohorts import CohortCell, cohort_activity, retention_cohorts
from journeymap.demo import generate_demo

MONDAY = dt.datetime(2025, 1, 6, 10, tzinfo=dt.UTC)
JAN_6, JAN_13, JAN_20 = dt.date(2025, 1, 6), dt.date(2025, 1, 13), dt.date(2025, 1, 20)

# (customer, days after Monday 6 January, event)
LOG = [
    ("a", 0, "visit"),
    ("a", 8, "visit"),  # week 1
    ("a", 28, "order"),  # week 4: the data's last week
    ("b", 1, "visit"),
    ("b", 2, "order"),
    ("c", 7, "visit"),  # cohort of 13 January
    ("c", 21, "visit"),
    ("d", 0, "newsletter_open"),
    ("d", 14, "visit"),
]


def _log() -> pa.Table:
    return pa.table(
        {
            "event_id": [f"e{number}" for number in range(len(LOG))],
            "customer_id": [customer for customer, _, _ in LOG],
            "ts": [MONDAY + dt.timedelta(days=day) for _, day, _ in LOG],
            "event": [event for _, _, event in LOG],
            "channel": ["web"] * len(LOG),
            "tier": ["gold" if customer in "ac" else "basic" for customer, _, _ in LOG],
        }
    )


def _triangle(cells: tuple[CohortCell, ...]) -> list[tuple[Any, ...]]:
    return [(cell.group, cell.cohort, cell.size, cell.period, cell.active) for cell in cells]


def test_weekly_cohorts_on_every_engine(engine: Any) -> None:
    result = retention_cohorts(engine.table(_log()), period="week", periods=3)

    assert _triangle(result.cells) == [
        (None, JAN_6, 3, 0, 3),
        (None, JAN_6, 3, 1, 1),
        (None, JAN_6, 3, 2, 1),
        (None, JAN_6, 3, 3, 0),  # nobody, but the week is in the data: 0, not missing
        (None, JAN_13, 1, 0, 1),
        (None, JAN_13, 1, 1, 0),
        (None, JAN_13, 1, 2, 1),
        (None, JAN_13, 1, 3, 0),
    ]
    assert result.cells[1].share == pytest.approx(1 / 3)


def test_activity_rule_leaves_company_messages_out_and_stops_at_the_data_end() -> None:
    result = retention_cohorts(
        ibis.memtable(_log()), period="week", periods=3, activity='event != "newsletter_open"'
    )

    assert [cell for cell in _triangle(result.cells) if cell[1] == JAN_20] == [
        (None, JAN_20, 1, 0, 1),
        (None, JAN_20, 1, 1, 0),
        (None, JAN_20, 1, 2, 0),  # 3 February is the data's last week; 10 February is not shown
    ]
    assert result.cells[0].size == 2


def test_monthly_cohorts_with_a_breakdown() -> None:
    result = retention_cohorts(ibis.memtable(_log()), period="month", periods=6, by="tier")

    january = dt.date(2025, 1, 1)
    assert _triangle(result.cells) == [
        ("basic", january, 2, 0, 2),
        ("basic", january, 2, 1, 0),
        ("gold", january, 2, 0, 2),
        ("gold", january, 2, 1, 1),
    ]
    assert result.to_arrow().column_names == ["tier", "cohort", "size", "period", "active", "share"]


def test_cohort_activity_lists_each_active_period_once() -> None:
    table = cohort_activity(ibis.memtable(_log()), period="week")
    rows = sorted((r["customer_id"], r["period"]) for r in table.to_pyarrow().to_pylist())

    assert rows == [("a", 0), ("a", 1), ("a", 4), ("b", 0), ("c", 0), ("c", 2), ("d", 0), ("d", 2)]


def test_demo_cohorts_match_plain_sql(tmp_path: Path) -> None:
    generate_demo(tmp_path, customers=600)
    path = tmp_path / "data" / "events.parquet"
    con = ibis.duckdb.connect()
    con.raw_sql("SET TimeZone = 'UTC'")

    result = retention_cohorts(con.read_parquet(path), period="month", periods=3)

    expected = con.raw_sql(
        f"""
        WITH e AS (SELECT customer_id, date_trunc('month', ts)::DATE AS month
                   FROM read_parquet('{path}')),
             c AS (SELECT customer_id, min(month) AS cohort FROM e GROUP BY ALL)
        SELECT cohort, datediff('month', cohort, month) AS k, count(DISTINCT customer_id)
        FROM e JOIN c USING (customer_id)
        WHERE datediff('month', cohort, month) <= 3
        GROUP BY ALL ORDER BY ALL
        """
    ).fetchall()
    got = [(c.cohort, c.period, c.active) for c in result.cells if c.active]
    assert got == [tuple(row) for row in expected]
    assert len(got) >= 6
