"""Every planted truth is visible in the generated files, measured here with DuckDB.

These queries are written from the files alone (never from ``persona_truth`` where an
analysis would not have it), the way the analytics will have to find the truths.
"""

from __future__ import annotations

import itertools
from typing import Any

import duckdb
import pytest
from demo_files import GeneratedDemo

from journeymap.demo.catalogue import UNMAPPED_EVENTS


def one(db: duckdb.DuckDBPyConnection, sql: str) -> Any:
    row = db.execute(sql).fetchone()
    assert row is not None
    return row[0] if len(row) == 1 else row


def rates(db: duckdb.DuckDBPyConnection, sql: str) -> dict[Any, float]:
    return {key: float(value) for key, value in db.execute(sql).fetchall()}


# a. Late delivery


def test_about_one_order_in_seven_arrives_late_mostly_with_swiftship(
    db: duckdb.DuckDBPyConnection,
) -> None:
    late_share = one(db, "SELECT avg(late::INT) FROM orders WHERE late IS NOT NULL")
    assert 0.10 <= late_share <= 0.20
    by_carrier = rates(
        db,
        """
        SELECT carrier, avg((delivered_date > promised_date)::INT)
        FROM events WHERE event = 'order_delivered' GROUP BY carrier
        """,
    )
    assert by_carrier["SwiftShip"] > 2 * by_carrier["ParcelPro"]
    by_country = rates(
        db,
        """
        SELECT c.country, avg((e.delivered_date > e.promised_date)::INT)
        FROM events e JOIN customers c USING (customer_id)
        WHERE e.event = 'order_delivered' GROUP BY c.country
        """,
    )
    assert by_country["IE"] > by_country["GB"] + 0.05


def test_late_orders_get_reviews_at_least_a_star_lower(db: duckdb.DuckDBPyConnection) -> None:
    ratings = rates(
        db,
        """
        SELECT o.late, avg(r.score) FROM events r JOIN orders o USING (order_id)
        WHERE r.event = 'review_submitted' AND o.late IS NOT NULL GROUP BY o.late
        """,
    )
    assert ratings[False] - ratings[True] >= 1.0


def test_late_orders_bring_delivery_contacts(db: duckdb.DuckDBPyConnection) -> None:
    contacts = rates(
        db,
        """
        SELECT o.late, count(s.order_id) / count(DISTINCT o.order_id)
        FROM orders o LEFT JOIN events s ON s.order_id = o.order_id
            AND s.event IN ('support_email', 'support_call')
            AND s.reason IN ('delivery_late', 'where_is_my_order')
        WHERE o.late IS NOT NULL GROUP BY o.late
        """,
    )
    assert contacts[True] >= 0.25
    assert contacts[True] > 5 * contacts[False]


def test_late_orders_are_followed_by_fewer_repeat_purchases(
    db: duckdb.DuckDBPyConnection, demo: GeneratedDemo
) -> None:
    repeat = rates(
        db,
        "SELECT late, avg(followed::INT) FROM orders WHERE early AND late IS NOT NULL GROUP BY late",
    )
    assert repeat[False] - repeat[True] >= 0.08
    observed = demo.manifest.truth("late-delivery").observed
    assert repeat[True] == pytest.approx(observed["late.repeat_rate_late"], abs=1e-3)


# b. Payment outage


def test_payments_fail_on_the_outage_days_and_checkouts_drop(
    db: duckdb.DuckDBPyConnection, demo: GeneratedDemo
) -> None:
    dates = demo.manifest.payment_outage_dates
    assert 2 <= len(dates) <= 3
    assert [(b - a).days for a, b in itertools.pairwise(dates)] == [1] * (len(dates) - 1)
    assert demo.manifest.truth("payment-outage").parameters["dates"] == tuple(
        d.isoformat() for d in dates
    )
    listed = ", ".join(f"DATE '{d.isoformat()}'" for d in dates)
    failure = rates(
        db,
        f"""
        SELECT CAST(ts AT TIME ZONE 'UTC' AS DATE) IN ({listed}), avg((status = 'failed')::INT)
        FROM events WHERE event = 'payment_attempt' GROUP BY 1
        """,
    )
    assert failure[True] > 0.5
    assert failure[False] < 0.1
    outage_errors = one(
        db,
        f"""
        SELECT list_distinct(list(error)) FROM events
        WHERE event = 'payment_attempt' AND status = 'failed'
          AND CAST(ts AT TIME ZONE 'UTC' AS DATE) IN ({listed})
        """,
    )
    assert outage_errors == ["gateway_timeout"]
    conversion = rates(
        db,
        f"""
        WITH days AS (
            SELECT customer_id, CAST(ts AT TIME ZONE 'UTC' AS DATE) AS day,
                   bool_or(event = 'order_placed') AS ordered
            FROM events WHERE event IN ('payment_attempt', 'order_placed') GROUP BY ALL
        )
        SELECT day IN ({listed}), avg(ordered::INT) FROM days GROUP BY 1
        """,
    )
    assert conversion[True] < 0.6 * conversion[False]


# c. Delighter


def test_the_welcome_call_lifts_repeat_purchase(
    db: duckdb.DuckDBPyConnection, demo: GeneratedDemo
) -> None:
    repeat = rates(
        db,
        """
        SELECT w.order_id IS NOT NULL, avg(o.followed::INT)
        FROM orders o LEFT JOIN (SELECT order_id FROM events WHERE event = 'welcome_call') w
            USING (order_id)
        WHERE o.number = 1 AND o.early GROUP BY 1
        """,
    )
    truth = demo.manifest.truth("welcome-call-delighter")
    assert repeat[True] - repeat[False] >= 0.4 * truth.effect_size
    assert repeat[True] == pytest.approx(truth.observed["welcome.repeat_rate_called"], abs=1e-3)
    called_share = one(
        db,
        """
        SELECT avg((w.order_id IS NOT NULL)::INT) FROM orders o
        LEFT JOIN (SELECT order_id FROM events WHERE event = 'welcome_call') w USING (order_id)
        WHERE o.number = 1 AND o.delivered_ts IS NOT NULL
        """,
    )
    assert 0.2 <= called_share <= 0.4


# d. Hygiene factor


def test_a_missing_confirmation_hurts_while_a_sent_one_is_taken_for_granted(
    db: duckdb.DuckDBPyConnection,
) -> None:
    sent_share = one(db, "SELECT avg(confirmed::INT) FROM orders")
    assert 0.93 <= sent_share <= 0.99
    repeat = rates(
        db, "SELECT confirmed, avg(followed::INT) FROM orders WHERE early GROUP BY confirmed"
    )
    assert repeat[True] - repeat[False] >= 0.08
    contact = rates(
        db,
        """
        SELECT o.confirmed, avg((s.customer_id IS NOT NULL)::INT) FROM orders o
        LEFT JOIN (
            SELECT DISTINCT customer_id, ts FROM events
            WHERE event IN ('support_email', 'support_call')
        ) s ON s.customer_id = o.customer_id AND s.ts BETWEEN o.ts AND o.ts + INTERVAL 1 DAY
        GROUP BY o.confirmed
        """,
    )
    assert contact[False] > 0.3
    assert contact[True] < 0.05


# e. Pain point


def test_slow_refunds_drive_contacts_and_low_scores(db: duckdb.DuckDBPyConnection) -> None:
    refunds = db.execute(
        """
        SELECT avg((date_diff('day', r.ts, f.ts) > 10)::INT), count(*)
        FROM events r JOIN events f ON f.order_id = r.order_id AND f.event = 'refund_issued'
        WHERE r.event = 'return_requested'
        """
    ).fetchone()
    assert refunds is not None
    slow_share, returns = refunds
    assert returns > 100
    assert 0.25 <= slow_share <= 0.6
    chasing = one(
        db,
        """
        SELECT count(*) FROM events WHERE event IN ('support_email', 'support_call')
        AND reason = 'refund_delay'
        """,
    )
    assert chasing > 0.2 * returns * slow_share
    scores = rates(
        db,
        """
        SELECT r.customer_id IS NOT NULL, avg(n.score) FROM events n
        LEFT JOIN (SELECT DISTINCT customer_id, min(ts) AS ts FROM events
                   WHERE event = 'return_requested' GROUP BY customer_id) r
            ON r.customer_id = n.customer_id AND r.ts < n.ts
        WHERE n.event = 'nps_response' GROUP BY 1
        """,
    )
    assert scores[False] - scores[True] >= 1.0


def test_refund_comments_are_negative_in_nps(db: duckdb.DuckDBPyConnection) -> None:
    mentions = rates(
        db,
        """
        SELECT score >= 9, avg(contains(lower(comment), 'refund')::INT)
        FROM nps WHERE comment IS NOT NULL GROUP BY 1
        """,
    )
    assert mentions[False] > mentions[True]


# f. Lapse and return


def test_lapsed_customers_come_back_after_the_winback_email(db: duckdb.DuckDBPyConnection) -> None:
    gaps = db.execute(
        """
        WITH ordered AS (
            SELECT customer_id, ts, event, campaign,
                   lag(ts) OVER (PARTITION BY customer_id ORDER BY ts, event_id) AS previous_ts
            FROM events
        ), winbacks AS (
            SELECT customer_id, ts, date_diff('day', previous_ts, ts) AS gap_days
            FROM ordered WHERE event = 'winback_email'
        )
        SELECT w.customer_id, min(w.gap_days)
        FROM winbacks w JOIN events o ON o.customer_id = w.customer_id
            AND o.event = 'order_placed' AND o.campaign = 'we_miss_you' AND o.ts > w.ts
        GROUP BY w.customer_id
        """
    ).fetchall()
    assert len(gaps) >= 50
    assert min(gap for _, gap in gaps) >= 45


# g. Referral loop


def test_referrals_link_real_customers_who_shared_first(db: duckdb.DuckDBPyConnection) -> None:
    referred, broken = db.execute(
        """
        WITH firsts AS (
            SELECT customer_id, ts, referrer_id, campaign,
                   row_number() OVER (PARTITION BY customer_id ORDER BY ts, event_id) AS n
            FROM events
        )
        SELECT count(*),
               count(*) FILTER (WHERE f.referrer_id IS DISTINCT FROM c.referred_by
                   OR f.campaign <> 'refer_a_friend'
                   OR r.customer_id IS NULL
                   OR c.referred_by = c.customer_id
                   OR NOT EXISTS (SELECT 1 FROM events s WHERE s.customer_id = c.referred_by
                                  AND s.event = 'referral_sent' AND s.ts < f.ts))
        FROM customers c
        JOIN firsts f ON f.customer_id = c.customer_id AND f.n = 1
        LEFT JOIN customers r ON r.customer_id = c.referred_by
        WHERE c.referred_by IS NOT NULL
        """
    ).fetchone()  # type: ignore[misc]
    assert broken == 0
    assert 0.03 * 12_000 <= referred <= 0.12 * 12_000
    stray = one(
        db,
        "SELECT count(*) FROM events WHERE referrer_id IS NOT NULL AND event NOT IN ('site_visit', 'app_open')",
    )
    assert stray == 0


# h. Personas


def test_personas_use_channels_differently(db: duckdb.DuckDBPyConnection) -> None:
    app_share = rates(
        db,
        """
        SELECT c.persona_truth, avg((e.event = 'app_open')::INT)
        FROM events e JOIN customers c USING (customer_id)
        WHERE e.event IN ('app_open', 'site_visit') GROUP BY 1
        """,
    )
    assert app_share["retiree"] < 0.15 < 0.5 < app_share["busy-parent"]
    phone_orders = rates(
        db,
        """
        SELECT c.persona_truth, avg((e.channel = 'phone')::INT)
        FROM events e JOIN customers c USING (customer_id)
        WHERE e.event = 'order_placed' GROUP BY 1
        """,
    )
    assert phone_orders["retiree"] > 0.15
    assert max(phone_orders["busy-parent"], phone_orders["bargain-hunter"]) < 0.05
    express = rates(
        db,
        """
        SELECT c.persona_truth, avg((e.shipping_method = 'express')::INT)
        FROM events e JOIN customers c USING (customer_id)
        WHERE e.event = 'order_placed' GROUP BY 1
        """,
    )
    assert express["busy-parent"] > 2 * max(express["retiree"], express["bargain-hunter"])


def test_bargain_hunters_use_codes_and_abandon_at_the_delivery_fee(
    db: duckdb.DuckDBPyConnection,
) -> None:
    funnel = db.execute(
        """
        WITH sessions AS (
            SELECT c.persona_truth AS persona, e.customer_id,
                   CAST(e.ts AT TIME ZONE 'UTC' AS DATE) AS day,
                   bool_or(event = 'cart_add') AS cart,
                   bool_or(event = 'coupon_applied') AS coupon,
                   bool_or(event = 'shipping_selected') AS shipping,
                   bool_or(event = 'payment_attempt') AS payment,
                   bool_or(event = 'order_placed') AS ordered
            FROM events e JOIN customers c USING (customer_id)
            WHERE event IN ('cart_add', 'coupon_applied', 'shipping_selected', 'payment_attempt',
                            'order_placed')
            GROUP BY ALL
        )
        SELECT persona, count(*) FILTER (WHERE cart), count(*) FILTER (WHERE shipping),
               count(*) FILTER (WHERE payment), count(*) FILTER (WHERE ordered),
               count(*) FILTER (WHERE coupon)
        FROM sessions GROUP BY persona
        """
    ).fetchall()
    steps = {persona: counts for persona, *counts in funnel}
    for persona, (cart, shipping, payment, ordered, _) in steps.items():
        assert cart > shipping > payment > ordered > 0, persona
    to_shipping = {p: s[1] / s[0] for p, s in steps.items()}
    assert min(to_shipping, key=to_shipping.__getitem__) == "bargain-hunter"
    coupons = {p: s[4] / s[0] for p, s in steps.items()}
    assert max(coupons, key=coupons.__getitem__) == "bargain-hunter"


def test_segment_rules_select_their_personas_approximately(
    db: duckdb.DuckDBPyConnection,
) -> None:
    from demo_sql import rule_sql

    from journeymap.demo import demo_workspace

    for persona in demo_workspace().personas:
        assert persona.segment is not None
        precision, recall = db.execute(
            f"""
            SELECT avg((persona_truth = '{persona.id}')::INT) FILTER (WHERE {rule_sql(persona.segment)}),
                   avg(({rule_sql(persona.segment)})::INT) FILTER (WHERE persona_truth = '{persona.id}')
            FROM customers
            """
        ).fetchone()  # type: ignore[misc]
        assert precision >= 0.75, persona.id
        assert 0.5 <= recall < 1.0, persona.id


# The map against the log


def test_every_event_is_on_exactly_one_touchpoint_or_a_declared_gap(
    db: duckdb.DuckDBPyConnection, demo: GeneratedDemo
) -> None:
    from demo_sql import event_rule_sql

    from journeymap.demo import demo_workspace

    journey = demo_workspace().journeys[0]
    conditions = [
        event_rule_sql(t.event_rule.events, t.event_rule.where)
        for _, t in journey.touchpoints()
        if t.event_rule is not None
    ]
    matches = " + ".join(f"({c})::INT" for c in conditions)
    coverage = db.execute(
        f"SELECT event, {matches} AS touchpoints, count(*) FROM events GROUP BY ALL"
    ).fetchall()
    unmapped = {event for event, touchpoints, _ in coverage if touchpoints == 0}
    assert unmapped == set(UNMAPPED_EVENTS) == set(demo.manifest.unmapped_events)
    assert {touchpoints for _, touchpoints, _ in coverage} == {0, 1}
    unmapped_rows = sum(n for event, _, n in coverage if event in unmapped)
    assert unmapped_rows > 1_000
