"""What the planted truths look like in the generated data, tallied chunk by chunk.

The manifest reports each truth's planted size *and* the size observed in this very data
set, because the observed one is what an analysis can find: a repeat purchase after the
window's last day is never seen, so observed lifts come out somewhat smaller. Counts are
summed over chunks and turned into rates once at the end, so memory stays flat.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from journeymap.demo.catalogue import (
    CAMPAIGNS,
    CARRIERS,
    CHANNELS,
    REASONS,
    SHIPPING_METHODS,
    STATUSES,
)
from journeymap.demo.effects import LAPSE_DAYS
from journeymap.demo.personas import PERSONA_IDS
from journeymap.demo.sampling import Bools, Ints
from journeymap.demo.simulate import ChunkResult
from journeymap.demo.timeline import DAY, Timeline

REPEAT_HORIZON_DAYS = LAPSE_DAYS
"""Repeat rates count only orders placed at least this long before the window ends."""


class Tally:
    """Named counts summed over chunks, and the rates derived from them."""

    def __init__(self) -> None:
        self.counts: defaultdict[str, float] = defaultdict(float)

    def add(self, name: str, value: float | int | np.integer | np.floating) -> None:
        """Add to one count."""
        self.counts[name] += float(value)

    def rate(self, numerator: str, denominator: str) -> float:
        """``numerator / denominator`` rounded for the manifest, NaN-free (0 when empty)."""
        below = self.counts.get(denominator, 0.0)
        return round(self.counts.get(numerator, 0.0) / below, 4) if below else 0.0

    def observe(self, result: ChunkResult, timeline: Timeline) -> None:
        """Count everything the manifest's observed values need from one chunk."""
        self._orders(result, timeline)
        self._payments(result, timeline)
        self._feedback(result)
        self._personas(result)
        events = result.events
        won_back = events.of("order_placed") & (events.campaign == CAMPAIGNS["we_miss_you"])
        self.add("winback.sent", result.winbacks_sent)
        self.add("winback.came_back", np.unique(events.customer[won_back]).size)
        self.add("referral.sent", np.count_nonzero(events.of("referral_sent")))
        self.add("referral.referred", np.count_nonzero(result.referrer >= 0))
        self.add("customers", len(result.people))
        self.add("churned", np.count_nonzero(result.churned))

    def _orders(self, result: ChunkResult, timeline: Timeline) -> None:
        orders = result.orders
        early = orders.placed < timeline.end - REPEAT_HORIZON_DAYS * DAY
        self.add("orders", len(orders))
        self.add("orders.late", np.count_nonzero(orders.late))
        self.add("orders.on_time", np.count_nonzero(~orders.late))
        self.add("orders.missing_confirmation", np.count_nonzero(orders.confirmation_missing))
        self.add("orders.returned", np.count_nonzero(orders.returned))
        slow = orders.returned & (orders.refund_days > 10)
        self.add("orders.slow_refund", np.count_nonzero(slow))
        for code, name in enumerate(CARRIERS.values):
            mine = orders.carrier == code
            self.add(f"carrier.{name}.orders", np.count_nonzero(mine))
            self.add(f"carrier.{name}.late", np.count_nonzero(mine & orders.late))
        groups: dict[str, Bools] = {
            "late": orders.late,
            "on_time": ~orders.late,
            "missing_confirmation": orders.confirmation_missing,
            "confirmation_sent": ~orders.confirmation_missing,
            "welcome_call": orders.first & orders.welcome_call,
            "no_welcome_call": orders.first & ~orders.welcome_call,
        }
        for name, rows in groups.items():
            self.add(f"repeat.{name}.orders", np.count_nonzero(rows & early))
            self.add(f"repeat.{name}.followed", np.count_nonzero(rows & early & orders.followed))
        cases = result.cases
        for reason in REASONS.values:
            self.add(f"cases.{reason}", np.count_nonzero(cases.reason == REASONS[reason]))

    def _payments(self, result: ChunkResult, timeline: Timeline) -> None:
        events = result.events
        day = events.seconds // int(DAY)
        outage = np.isin(day, timeline.outage_days)
        attempts = events.of("payment_attempt")
        failed = attempts & (events.status == STATUSES["failed"])
        placed = events.of("order_placed")
        for name, rows in (("outage", outage), ("normal", ~outage)):
            self.add(f"payment.{name}.attempts", np.count_nonzero(attempts & rows))
            self.add(f"payment.{name}.failed", np.count_nonzero(failed & rows))
            self.add(f"payment.{name}.orders", np.count_nonzero(placed & rows))
            trying = _distinct(events.customer, day, attempts & rows)
            self.add(f"payment.{name}.paying_customer_days", trying)

    def _feedback(self, result: ChunkResult) -> None:
        reviews, nps = result.reviews, result.nps
        for name, rows in (("late", reviews.late), ("on_time", ~reviews.late)):
            self.add(f"reviews.{name}.count", np.count_nonzero(rows))
            self.add(f"reviews.{name}.rating_sum", reviews.rating[rows].sum())
        groups = {
            "welcome_call": nps.welcome_call,
            "no_welcome_call": ~nps.welcome_call,
            "returned": nps.returned,
            "not_returned": ~nps.returned,
        }
        for name, rows in groups.items():
            self.add(f"nps.{name}.count", np.count_nonzero(rows))
            self.add(f"nps.{name}.score_sum", nps.score[rows].sum())

    def _personas(self, result: ChunkResult) -> None:
        events = result.events
        persona = result.people.persona[events.customer]
        day = events.seconds // int(DAY)
        visits = events.of("site_visit") | events.of("app_open")
        placed = events.of("order_placed")
        for code, name in enumerate(PERSONA_IDS):
            mine = persona == code
            self.add(f"persona.{name}.customers", np.count_nonzero(result.people.persona == code))
            self.add(f"persona.{name}.visits", np.count_nonzero(visits & mine))
            self.add(f"persona.{name}.app_visits", np.count_nonzero(events.of("app_open") & mine))
            self.add(f"persona.{name}.orders", np.count_nonzero(placed & mine))
            phone_orders = placed & mine & (events.channel == CHANNELS["phone"])
            self.add(f"persona.{name}.phone_orders", np.count_nonzero(phone_orders))
            express = placed & mine & (events.shipping_method == SHIPPING_METHODS["express"])
            self.add(f"persona.{name}.express_orders", np.count_nonzero(express))
            carts = _distinct(events.customer, day, events.of("cart_add") & mine)
            self.add(f"persona.{name}.cart_sessions", carts)
            self.add(
                f"persona.{name}.coupons", np.count_nonzero(events.of("coupon_applied") & mine)
            )
            calls = np.count_nonzero(events.of("support_call") & mine)
            self.add(f"persona.{name}.support_calls", calls)
            self.add(
                f"persona.{name}.support_contacts",
                calls + np.count_nonzero(events.of("support_email") & mine),
            )

    def observed(self) -> dict[str, float]:
        """Every rate the manifest reports, by name."""
        r = self.rate
        values = {
            "late.share": r("orders.late", "orders"),
            "late.mean_rating_late": r("reviews.late.rating_sum", "reviews.late.count"),
            "late.mean_rating_on_time": r("reviews.on_time.rating_sum", "reviews.on_time.count"),
            "late.delivery_contact_rate_late": r("cases.delivery_late", "orders.late"),
            "late.where_is_my_order_rate_on_time": r("cases.where_is_my_order", "orders.on_time"),
            "late.repeat_rate_late": r("repeat.late.followed", "repeat.late.orders"),
            "late.repeat_rate_on_time": r("repeat.on_time.followed", "repeat.on_time.orders"),
            "outage.failure_rate_outage_days": r("payment.outage.failed", "payment.outage.attempts"),
            "outage.failure_rate_other_days": r("payment.normal.failed", "payment.normal.attempts"),
            "outage.orders_per_paying_customer_outage_days": r("payment.outage.orders", "payment.outage.paying_customer_days"),
            "outage.orders_per_paying_customer_other_days": r("payment.normal.orders", "payment.normal.paying_customer_days"),
            "welcome.repeat_rate_called": r("repeat.welcome_call.followed", "repeat.welcome_call.orders"),
            "welcome.repeat_rate_not_called": r("repeat.no_welcome_call.followed", "repeat.no_welcome_call.orders"),
            "welcome.mean_nps_called": r("nps.welcome_call.score_sum", "nps.welcome_call.count"),
            "welcome.mean_nps_not_called": r("nps.no_welcome_call.score_sum", "nps.no_welcome_call.count"),
            "confirmation.missing_share": r("orders.missing_confirmation", "orders"),
            "confirmation.repeat_rate_missing": r("repeat.missing_confirmation.followed", "repeat.missing_confirmation.orders"),
            "confirmation.repeat_rate_sent": r("repeat.confirmation_sent.followed", "repeat.confirmation_sent.orders"),
            "confirmation.contact_rate_missing": r("cases.confirmation_missing", "orders.missing_confirmation"),
            "returns.share": r("orders.returned", "orders"),
            "returns.slow_refund_share": r("orders.slow_refund", "orders.returned"),
            "returns.refund_contact_rate": r("cases.refund_delay", "orders.returned"),
            "returns.mean_nps_returned": r("nps.returned.score_sum", "nps.returned.count"),
            "returns.mean_nps_not_returned": r("nps.not_returned.score_sum", "nps.not_returned.count"),
            "lapse.winback_emails": self.counts["winback.sent"],
            "lapse.customers_won_back": self.counts["winback.came_back"],
            "referral.shares": self.counts["referral.sent"],
            "referral.referred_customers": self.counts["referral.referred"],
            "referral.referred_share": r("referral.referred", "customers"),
        }  # fmt: skip
        for name in CARRIERS.values:
            values[f"late.share_{name}"] = r(f"carrier.{name}.late", f"carrier.{name}.orders")
        for name in PERSONA_IDS:
            p = f"persona.{name}"
            values[f"persona.{name}.app_share_of_visits"] = r(f"{p}.app_visits", f"{p}.visits")
            values[f"persona.{name}.phone_share_of_orders"] = r(f"{p}.phone_orders", f"{p}.orders")
            values[f"persona.{name}.express_share_of_orders"] = r(
                f"{p}.express_orders", f"{p}.orders"
            )
            values[f"persona.{name}.cart_abandonment"] = round(
                1 - r(f"{p}.orders", f"{p}.cart_sessions"), 4
            )
            values[f"persona.{name}.coupons_per_cart_session"] = r(
                f"{p}.coupons", f"{p}.cart_sessions"
            )
            values[f"persona.{name}.phone_share_of_support"] = r(
                f"{p}.support_calls", f"{p}.support_contacts"
            )
        return values


def _distinct(customer: Ints, day: Ints, rows: Bools) -> int:
    """How many distinct (customer, day) pairs the selected rows cover."""
    keys = customer[rows].astype(np.int64) * 100_000 + day[rows]
    return int(np.unique(keys).size)
