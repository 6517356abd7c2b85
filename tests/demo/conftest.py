"""One generated demo data set for the whole demo test package, and DuckDB views over it.

Twelve thousand customers span two generation chunks, so chunk boundaries are exercised,
and take about two seconds; every test reads the same files.
"""

from __future__ import annotations

from collections.abc import Iterator

import duckdb
import pytest
from demo_files import DEMO_CUSTOMERS, DEMO_SEED, GeneratedDemo

from journeymap.demo import generate_demo


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> GeneratedDemo:
    root = tmp_path_factory.mktemp("demo") / "workspace"
    calls: list[tuple[str, int, int]] = []
    manifest = generate_demo(
        root,
        customers=DEMO_CUSTOMERS,
        seed=DEMO_SEED,
        progress=lambda phase, done, total: calls.append((phase, done, total)),
    )
    return GeneratedDemo(root=root, manifest=manifest, progress=calls)


@pytest.fixture(scope="session")
def db(demo: GeneratedDemo) -> Iterator[duckdb.DuckDBPyConnection]:
    """DuckDB with views ``events``, ``customers``, ``reviews``, ``nps`` and ``orders``.

    ``orders`` has one row per placed order with its delivery and what followed it.
    """
    con = duckdb.connect()
    data, feedback = demo.root / "data", demo.root / "feedback"
    con.execute(f"CREATE VIEW events AS SELECT * FROM read_parquet('{data / 'events.parquet'}')")
    con.execute(
        f"CREATE VIEW customers AS SELECT * FROM read_parquet('{data / 'customers.parquet'}')"
    )
    con.execute(f"CREATE VIEW reviews AS SELECT * FROM read_csv('{feedback / 'reviews.csv'}')")
    con.execute(f"CREATE VIEW nps AS SELECT * FROM read_csv('{feedback / 'nps.csv'}')")
    end = f"TIMESTAMPTZ '{demo.manifest.start.isoformat()} 00:00:00+00' + INTERVAL {demo.manifest.days} DAY"
    con.execute(
        f"""
        CREATE TABLE orders AS
        WITH placed AS (
            SELECT customer_id, order_id, ts, campaign, status,
                   lead(ts) OVER (PARTITION BY customer_id ORDER BY ts) AS next_order_ts,
                   row_number() OVER (PARTITION BY customer_id ORDER BY ts) AS number
            FROM events WHERE event = 'order_placed'
        )
        SELECT p.*,
               d.delivered_date > d.promised_date AS late,
               d.ts AS delivered_ts,
               c.order_id IS NOT NULL AS confirmed,
               p.next_order_ts IS NOT NULL AS followed,
               p.ts < {end} - INTERVAL 45 DAY AS early
        FROM placed p
        LEFT JOIN (SELECT * FROM events WHERE event = 'order_delivered') d USING (order_id)
        LEFT JOIN (SELECT order_id FROM events WHERE event = 'order_confirmation_email') c
            USING (order_id)
        """
    )
    yield con
    con.close()
