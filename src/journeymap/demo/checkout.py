"""The checkout funnel in small steps: cart, coupon, shipping, payment attempts, order, confirmation.

Each step loses some customers (bargain hunters most at the shipping step, where the
delivery cost shows), payment attempts fail now and then and mostly on the outage days,
and about one confirmation e-mail in 25 never leaves the mail queue. Customers who drop
out get a cart reminder and some come back; the round loop schedules their next try.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from journeymap.demo.catalogue import (
    AD_CAMPAIGNS,
    CAMPAIGNS,
    CHANNELS,
    ERRORS,
    EVERYDAY_ERRORS,
    OUTAGE_ERROR,
    PRODUCT_LIST,
    REASONS,
    SHIPPING_METHODS,
    STATUSES,
)
from journeymap.demo.chunk import ChunkContext
from journeymap.demo.effects import (
    CART_REMINDER_SENT,
    CONFIRMATION_MISSING,
    EVERYDAY_FAILURE,
    FAILED_CHECKOUT_COMEBACK,
    MAX_PAYMENT_ATTEMPTS,
    OUTAGE_FAILURE,
    PAYMENT_FAILED_SUPPORT,
    PAYMENT_RETRY,
    RETURNING_DROPOUT_FACTOR,
)
from journeymap.demo.eventlog import NULL
from journeymap.demo.personas import PERSONAS
from journeymap.demo.sampling import Bools, Floats, Ints, bernoulli, choose, expand, group_cumsum
from journeymap.demo.timeline import DAY, HOUR, MINUTE

PRICES = np.array([product.price for product in PRODUCT_LIST])
PRODUCT_TASTES = tuple(
    tuple(getattr(product, persona.id.replace("-", "_")) for product in PRODUCT_LIST)
    for persona in PERSONAS
)
COUPON_DISCOUNT = 0.10
FREE_SHIPPING_FROM = 50.0
SHIPPING_FEES = {"standard": 3.95, "express": 6.95}
PHONE_STEP_SHARE = 0.98
"""An agent on the phone walks the customer through every step; few drop out."""


@dataclass(frozen=True)
class CheckoutOutcome:
    """What one round of checkout sessions produced, row-aligned with the customers given."""

    placed: Bools
    placed_at: Floats
    order: Ints
    product: Ints
    amount: Floats
    express: Bools
    confirmation_missing: Bools
    campaign: Ints
    retry_at: Floats
    retry_campaign: Ints


def checkout(
    ctx: ChunkContext, customer: Ints, start: Floats, campaign: Ints, continuing: Bools
) -> CheckoutOutcome:
    """Run one checkout session per customer, starting at ``start``.

    ``campaign`` is what brought the customer back (a win-back or cart e-mail) or -1;
    ``continuing`` marks sessions that go on from the first visit, on its channel and device.
    """
    rng, log = ctx.rng, ctx.log
    size = customer.size
    persona = ctx.people.persona[customer]
    phone = ~continuing & bernoulli(rng, ctx.persona_value("phone_order_share", customer), size)
    channel, device = ctx.online_channel(customer)
    channel = np.where(continuing, ctx.first_channel[customer], channel)
    device = np.where(continuing, ctx.first_device[customer], device)
    channel[phone] = CHANNELS["phone"]
    device[phone] = NULL
    t = start.copy()

    visit = ~phone & ~continuing
    for event, code in (("site_visit", CHANNELS["web"]), ("app_open", CHANNELS["app"])):
        rows = visit & (channel == code)
        log.add(event, customer[rows], t[rows], channel=code, device=device[rows])
    t += np.where(visit, rng.uniform(5, 30, size), 0.0)

    online = np.flatnonzero(~phone)
    views = 1 + rng.binomial(1, 0.6, online.size)
    source, _ = expand(views)
    rows = online[source]
    view_at = t[rows] + group_cumsum(rng.uniform(20, 120, source.size), source)
    log.add(
        "product_view",
        customer[rows],
        view_at,
        channel=channel[rows],
        device=device[rows],
        product=choose(rng, PRODUCT_TASTES, persona[rows]),
    )
    t[online] += np.bincount(source, rng.uniform(20, 120, source.size), minlength=online.size)

    items = 1 + rng.binomial(2, 0.35, size)
    source, position = expand(items)
    item_product = choose(rng, PRODUCT_TASTES, persona[source])
    item_at = t[source] + group_cumsum(rng.uniform(20, 180, source.size), source)
    log.add(
        "cart_add",
        customer[source],
        item_at,
        channel=channel[source],
        device=device[source],
        product=item_product,
        amount=PRICES[item_product],
    )
    main_product = item_product[position == 0]
    # bincount with weights sums prices; numpy's stubs type its result as integers
    subtotal = np.asarray(np.bincount(source, PRICES[item_product], minlength=size), np.float64)
    t = np.maximum.reduceat(item_at, np.flatnonzero(position == 0)) if size else t

    first_order = ctx.order_count[customer] == 0
    brought_back = np.isin(campaign, CAMPAIGNS.codes("cart_comeback_10", "we_miss_you"))
    coupon = brought_back | bernoulli(rng, ctx.persona_value("coupon_share", customer), size)
    everyday_campaign = np.where(
        rng.random(size) < 0.5, CAMPAIGNS[AD_CAMPAIGNS[0]], CAMPAIGNS[AD_CAMPAIGNS[1]]
    )
    coupon_campaign = np.where(
        campaign >= 0,
        campaign,
        np.where(first_order, CAMPAIGNS["welcome_10"], everyday_campaign),
    )
    t += rng.uniform(10, 60, size)
    log.add(
        "coupon_applied",
        customer[coupon],
        t[coupon],
        channel=channel[coupon],
        device=device[coupon],
        campaign=coupon_campaign[coupon],
    )

    returning = ~first_order
    step = _step(ctx, "reaches_shipping", customer, phone, returning)
    shipping = bernoulli(rng, step, size)
    express = bernoulli(rng, ctx.persona_value("express_share", customer), size)
    method = np.where(express, SHIPPING_METHODS["express"], SHIPPING_METHODS["standard"])
    t += rng.uniform(30, 240, size)
    log.add(
        "shipping_selected",
        customer[shipping],
        t[shipping],
        channel=channel[shipping],
        device=device[shipping],
        shipping_method=method[shipping],
    )

    step = _step(ctx, "reaches_payment", customer, phone, returning)
    paying = shipping & bernoulli(rng, step, size)
    fee = np.where(express, SHIPPING_FEES["express"], SHIPPING_FEES["standard"])
    fee = np.where(subtotal >= FREE_SHIPPING_FROM, 0.0, fee)
    amount = np.round(subtotal * np.where(coupon, 1 - COUPON_DISCOUNT, 1.0) + fee, 2)
    placed, t = _pay(ctx, customer, t, paying, channel, device, amount)
    payment_failed = paying & ~placed

    order_number = ctx.order_count[customer] + 1
    order = np.where(placed, customer * 100 + order_number, NULL)
    order_campaign = np.where(coupon, coupon_campaign, campaign)
    t += rng.uniform(2, 15, size)
    status = np.where(first_order, STATUSES["first_order"], STATUSES["repeat_order"])
    log.add(
        "order_placed",
        customer[placed],
        t[placed],
        channel=channel[placed],
        device=device[placed],
        order=order[placed],
        product=main_product[placed],
        amount=amount[placed],
        status=status[placed],
        campaign=order_campaign[placed],
        shipping_method=method[placed],
    )
    missing = placed & bernoulli(rng, CONFIRMATION_MISSING, size)
    sent = placed & ~missing
    log.add(
        "order_confirmation_email",
        customer[sent],
        t[sent] + rng.uniform(20, 300, size)[sent],
        channel="email",
        order=order[sent],
        amount=amount[sent],
    )
    ctx.order_count[customer[placed]] += 1

    retry_at, retry_campaign = _after_dropout(
        ctx, customer, t, placed, payment_failed, phone, main_product, amount
    )
    return CheckoutOutcome(
        placed=placed,
        placed_at=t,
        order=order,
        product=main_product,
        amount=amount,
        express=express,
        confirmation_missing=missing,
        campaign=order_campaign,
        retry_at=retry_at,
        retry_campaign=retry_campaign,
    )


def _step(ctx: ChunkContext, share: str, customer: Ints, phone: Bools, returning: Bools) -> Floats:
    """The chance to go on to the next checkout step for each customer."""
    online = ctx.persona_value(share, customer)
    online = np.where(returning, 1 - (1 - online) * RETURNING_DROPOUT_FACTOR, online)
    result: Floats = np.where(phone, PHONE_STEP_SHARE, online)
    return result


def _pay(
    ctx: ChunkContext,
    customer: Ints,
    t: Floats,
    paying: Bools,
    channel: Ints,
    device: Ints,
    amount: Floats,
) -> tuple[Bools, Floats]:
    """Up to three payment attempts; on outage days the provider times out most of them."""
    rng = ctx.rng
    size = customer.size
    succeeded = np.zeros(size, dtype=np.bool_)
    trying = paying.copy()
    t = t + rng.uniform(30, 180, size)
    everyday_errors = np.array(ERRORS.codes(*EVERYDAY_ERRORS))
    for _ in range(MAX_PAYMENT_ATTEMPTS):
        outage = ctx.timeline.in_outage(t)
        failed = bernoulli(rng, np.where(outage, OUTAGE_FAILURE, EVERYDAY_FAILURE), size)
        error = np.where(
            outage,
            ERRORS[OUTAGE_ERROR],
            everyday_errors[rng.integers(0, everyday_errors.size, size)],
        )
        log_rows = trying
        ctx.log.add(
            "payment_attempt",
            customer[log_rows],
            t[log_rows],
            channel=channel[log_rows],
            device=device[log_rows],
            amount=amount[log_rows],
            status=np.where(failed, STATUSES["failed"], STATUSES["succeeded"])[log_rows],
            error=np.where(failed, error, NULL)[log_rows],
        )
        succeeded |= trying & ~failed
        trying &= failed & bernoulli(rng, PAYMENT_RETRY, size)
        t = np.where(trying, t + rng.uniform(20, 120, size), t)
    return succeeded, t


def _after_dropout(
    ctx: ChunkContext,
    customer: Ints,
    t: Floats,
    placed: Bools,
    payment_failed: Bools,
    phone: Bools,
    product: Ints,
    amount: Floats,
) -> tuple[Floats, Ints]:
    """Cart reminders, support contacts about failed payments, and who tries again when."""
    rng = ctx.rng
    size = customer.size
    dropped = ~placed
    consent = ctx.people.consent[customer]
    reminded = dropped & ~phone & consent & bernoulli(rng, CART_REMINDER_SENT, size)
    reminder_at = t + rng.uniform(20 * HOUR, 28 * HOUR, size)
    ctx.log.add(
        "cart_reminder_email",
        customer[reminded],
        reminder_at[reminded],
        channel="email",
        product=product[reminded],
        campaign="cart_comeback_10",
    )
    complains = payment_failed & bernoulli(rng, PAYMENT_FAILED_SUPPORT, size)
    ctx.support_case(
        np.full(int(complains.sum()), REASONS["payment_failed"], dtype=np.int64),
        customer[complains],
        t[complains] + rng.uniform(10 * MINUTE, 2 * HOUR, size)[complains],
        product=product[complains],
        amount=amount[complains],
    )
    after_reminder = reminded & bernoulli(
        rng, ctx.persona_value("reminder_comeback", customer), size
    )
    after_failure = payment_failed & bernoulli(rng, FAILED_CHECKOUT_COMEBACK, size)
    retry_at = np.full(size, np.nan)
    retry_campaign = np.full(size, NULL, dtype=np.int64)
    # people come back at their usual hours, but never before what prompted them
    reminded_back = ctx.daytime(customer, reminder_at + HOUR + rng.exponential(1.5 * DAY, size))
    reminded_back = np.maximum(reminded_back, reminder_at + 30 * MINUTE)
    retry_at[after_reminder] = reminded_back[after_reminder]
    retry_campaign[after_reminder] = CAMPAIGNS["cart_comeback_10"]
    comeback = ctx.daytime(customer, t + 6 * HOUR + rng.exponential(2 * DAY, size))
    comeback = np.maximum(comeback, t + 2 * HOUR)
    retry_at = np.where(after_failure & ~after_reminder, comeback, retry_at)
    return retry_at, retry_campaign
