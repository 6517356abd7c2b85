"""The generated files: schemas, sort order, ids, row counts, the manifest and its arguments."""

from __future__ import annotations

import datetime as dt
import json
import mailbox
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest
from demo_files import DEMO_CUSTOMERS, DEMO_SEED, GeneratedDemo

from journeymap.demo import DemoManifest, generate_demo, read_manifest
from journeymap.demo.generate import CHUNK_CUSTOMERS

EVENT_COLUMNS = [
    ("event_id", pa.string()),
    ("customer_id", pa.string()),
    ("ts", pa.timestamp("us", tz="UTC")),
    ("event", pa.string()),
    ("channel", pa.string()),
]
PROPERTY_COLUMNS = {
    "order_id": pa.string(),
    "product": pa.string(),
    "amount": pa.float64(),
    "status": pa.string(),
    "error": pa.string(),
    "carrier": pa.string(),
    "shipping_method": pa.string(),
    "promised_date": pa.date32(),
    "delivered_date": pa.date32(),
    "referrer_id": pa.string(),
    "campaign": pa.string(),
    "device": pa.string(),
    "reason": pa.string(),
    "score": pa.int16(),
}
CUSTOMER_COLUMNS = [
    "customer_id",
    "signup_date",
    "country",
    "age_band",
    "profession",
    "income_band",
    "family_status",
    "knowledge_level",
    "channel_preference",
    "loyalty_tier",
    "email",
    "persona_truth",
    "referred_by",
]


def test_event_log_schema_starts_with_the_canonical_columns(demo: GeneratedDemo) -> None:
    schema = pq.read_schema(demo.events)
    assert [(f.name, f.type) for f in schema][:5] == EVENT_COLUMNS
    properties = {f.name: f.type for f in schema}
    for name, type_ in PROPERTY_COLUMNS.items():
        assert properties.pop(name) == type_, name
    assert set(properties) == {name for name, _ in EVENT_COLUMNS}


def test_event_log_is_streamed_in_row_groups(demo: GeneratedDemo) -> None:
    metadata = pq.ParquetFile(demo.events).metadata
    expected_chunks = -(-DEMO_CUSTOMERS // CHUNK_CUSTOMERS)
    assert metadata.num_row_groups == expected_chunks >= 2
    assert metadata.num_rows == demo.manifest.events


def test_events_are_sorted_unique_and_inside_the_window(
    db: duckdb.DuckDBPyConnection, demo: GeneratedDemo
) -> None:
    unsorted = db.execute(
        """
        SELECT count(*) FROM (
            SELECT customer_id, ts,
                   lag(customer_id) OVER () AS previous_customer, lag(ts) OVER () AS previous_ts
            FROM events
        ) WHERE customer_id < previous_customer
             OR (customer_id = previous_customer AND ts < previous_ts)
        """
    ).fetchone()
    assert unsorted == (0,)
    start = f"TIMESTAMPTZ '{demo.manifest.start.isoformat()} 00:00:00+00'"
    total, distinct, inside = db.execute(
        f"""
        SELECT count(*), count(DISTINCT event_id),
               bool_and(ts >= {start} AND ts < {start} + INTERVAL {demo.manifest.days} DAY)
        FROM events
        """
    ).fetchone()  # type: ignore[misc]
    assert total == distinct == demo.manifest.events
    assert inside
    per_customer = total / DEMO_CUSTOMERS
    assert 15 <= per_customer <= 28


def test_ids_look_real_and_link_up(db: duckdb.DuckDBPyConnection) -> None:
    assert db.execute(
        "SELECT count(*) FROM events WHERE NOT regexp_full_match(customer_id, 'C[0-9]{6}')"
    ).fetchone() == (0,)
    assert db.execute(
        "SELECT count(*) FROM events WHERE order_id IS NOT NULL "
        "AND NOT regexp_full_match(order_id, 'NW-[0-9]{6}-[0-9]{2}')"
    ).fetchone() == (0,)
    orphans = db.execute(
        "SELECT count(*) FROM events e ANTI JOIN customers c USING (customer_id)"
    ).fetchone()
    assert orphans == (0,)
    assert db.execute("SELECT count(DISTINCT customer_id) FROM customers").fetchone() == (
        DEMO_CUSTOMERS,
    )


def test_every_customer_starts_with_an_arrival_event(db: duckdb.DuckDBPyConnection) -> None:
    firsts = db.execute(
        """
        SELECT event, count(*) FROM (
            SELECT event, row_number() OVER (PARTITION BY customer_id ORDER BY ts, event_id) AS n
            FROM events
        ) WHERE n = 1 GROUP BY event
        """
    ).fetchall()
    assert {event for event, _ in firsts} <= {
        "ad_click",
        "partner_click",
        "store_visit",
        "site_visit",
        "app_open",
    }
    assert sum(count for _, count in firsts) == DEMO_CUSTOMERS


def test_order_events_carry_their_properties(db: duckdb.DuckDBPyConnection) -> None:
    missing = db.execute(
        """
        SELECT
            count(*) FILTER (WHERE event = 'order_placed' AND (order_id IS NULL OR amount IS NULL
                OR status NOT IN ('first_order', 'repeat_order'))),
            count(*) FILTER (WHERE event = 'order_delivered' AND (promised_date IS NULL
                OR delivered_date IS NULL OR carrier IS NULL)),
            count(*) FILTER (WHERE event = 'payment_attempt' AND status = 'failed' AND error IS NULL),
            count(*) FILTER (WHERE event = 'nps_response' AND score IS NULL),
            count(*) FILTER (WHERE event <> 'order_delivered' AND delivered_date IS NOT NULL)
        FROM events
        """
    ).fetchone()
    assert missing == (0, 0, 0, 0, 0)


def test_checkout_steps_come_in_order(db: duckdb.DuckDBPyConnection) -> None:
    """Every order follows a successful payment, which follows a shipping choice and a cart."""
    out_of_order = db.execute(
        """
        WITH steps AS (
            SELECT customer_id, ts, event, status,
                   lag(event, 1) OVER w AS before1,
                   lag(status, 1) OVER w AS before1_status
            FROM events WINDOW w AS (PARTITION BY customer_id ORDER BY ts, event_id)
        )
        SELECT count(*) FROM steps
        WHERE event = 'order_placed'
          AND NOT (before1 = 'payment_attempt' AND before1_status = 'succeeded')
        """
    ).fetchone()
    assert out_of_order == (0,)


def test_customers_table_and_csv_agree(demo: GeneratedDemo) -> None:
    table = pq.read_table(demo.customers)
    assert table.column_names[: len(CUSTOMER_COLUMNS)] == CUSTOMER_COLUMNS
    csv = pacsv.read_csv(demo.root / "data" / "customers.csv")
    assert csv.column_names == table.column_names
    assert csv.num_rows == table.num_rows == DEMO_CUSTOMERS
    assert csv.column("email").to_pylist() == table.column("email").to_pylist()
    emails = table.column("email").to_pylist()
    assert len(set(emails)) == len(emails)
    assert all(e.endswith(("@example.com", "@example.org")) and e.isascii() for e in emails)


def test_manifest_round_trips_and_matches_the_files(demo: GeneratedDemo) -> None:
    manifest = demo.manifest
    assert read_manifest(demo.root) == manifest
    assert read_manifest(demo.root / "manifest.json") == manifest
    assert DemoManifest.from_json(manifest.to_json()) == manifest
    assert (manifest.seed, manifest.customers, manifest.days) == (DEMO_SEED, DEMO_CUSTOMERS, 120)
    assert manifest.file("data/events.parquet").rows == manifest.events
    assert manifest.file("data/customers.csv").rows == DEMO_CUSTOMERS
    box = mailbox.mbox(demo.mbox, create=False)
    try:
        assert manifest.file("feedback/support.mbox").rows == len(box)
    finally:
        box.close()
    for name in ("reviews", "nps"):
        rows = pacsv.read_csv(demo.root / "feedback" / f"{name}.csv").num_rows
        assert manifest.file(f"feedback/{name}.csv").rows == rows
    data = json.loads((demo.root / "manifest.json").read_text(encoding="utf-8"))
    for truth in data["truths"]:
        assert truth["description"]
        assert truth["expected_effect"]
        assert truth["effect_unit"]
    assert "Planted truths" in manifest.summary()


def test_manifest_records_the_one_disagreement(demo: GeneratedDemo) -> None:
    (wrong,) = demo.manifest.disagreements
    assert (wrong.touchpoint, wrong.team_belief, wrong.truth) == (
        "order-confirmation",
        "delighter",
        "hygiene_factor",
    )
    assert "order-confirmation" in demo.manifest.summary()


def test_progress_is_reported_per_chunk(demo: GeneratedDemo) -> None:
    assert [done for _, done, _ in demo.progress] == [CHUNK_CUSTOMERS, DEMO_CUSTOMERS]
    assert {total for _, _, total in demo.progress} == {DEMO_CUSTOMERS}


def test_bad_manifest_says_what_is_wrong(tmp_path: Path) -> None:
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps({"format": 99}), encoding="utf-8")
    with pytest.raises(ValueError, match=r"manifest\.json.*format 99.*regenerate"):
        read_manifest(path)
    path.write_text(json.dumps({"format": 1, "store": "x"}), encoding="utf-8")
    with pytest.raises(ValueError, match="not a journeymap demo manifest"):
        read_manifest(path)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"customers": 0}, "customers must be at least 1; got 0"),
        ({"days": 30}, "days must be at least 60"),
    ],
)
def test_bad_arguments_are_explained(
    tmp_path: Path, arguments: dict[str, int], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        generate_demo(tmp_path, **arguments)


def test_a_handful_of_customers_still_makes_valid_files(tmp_path: Path) -> None:
    manifest = generate_demo(tmp_path, customers=3, seed=1, start=dt.date(2024, 1, 1), days=60)
    assert manifest.customers == 3
    assert pq.read_table(tmp_path / "data" / "events.parquet").num_rows == manifest.events
    assert read_manifest(tmp_path).payment_outage_dates[0] == dt.date(2024, 1, 28)
