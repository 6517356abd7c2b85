"""After the order: delivery, the welcome call, care guides, returns, refunds and support.

This is where most planted truths live. Late parcels (SwiftShip misses the promised day
most, and it is Ireland's only carrier) bring bad reviews, support contacts and lower NPS;
the welcome call lifts NPS; returns with slow refunds bring angry e-mails. What the round
loop needs to decide about a repeat purchase comes back as :class:`OrderRecords`.
"""

from __future__ import annotations

import numpy as np

from journeymap.demo.catalogue import (
    CARRIER_PROFILES,
    CARRIERS,
    CHANNELS,
    COUNTRIES,
    REASONS,
    RETURN_REASONS,
    STATUSES,
)
from journeymap.demo.chunk import ChunkContext
from journeymap.demo.effects import (
    CONFIRMATION_MISSING_SUPPORT,
    LATE_DELAY_MEAN_DAYS,
    LATE_DELAY_NOTICE,
    LATE_RETURN_EXTRA,
    LATE_SUPPORT_CONTACT,
    ON_TIME_WHERE_IS_MY_ORDER,
    PRODUCT_QUESTION_SUPPORT,
    REFUND_DAYS_MEAN_EXTRA,
    REFUND_DAYS_MINIMUM,
    RETURN_QUESTION_SUPPORT,
    RETURN_SHARE,
    SLOW_REFUND_DAYS,
    SLOW_REFUND_SUPPORT,
    WELCOME_CALL_PRAISE,
    WELCOME_CALL_SHARE,
)
from journeymap.demo.eventlog import NULL
from journeymap.demo.opinions import answer_survey, write_reviews
from journeymap.demo.personas import LOYALTY_TIERS
from journeymap.demo.records import OrderRecords
from journeymap.demo.sampling import Bools, Floats, Ints, bernoulli, choose_one, expand
from journeymap.demo.timeline import DAY, HOUR, MINUTE, at_hour, office_hours

_CARRIER_BY_COUNTRY = {
    country: [CARRIERS[c.name] for c in CARRIER_PROFILES if country in c.serves]
    for country in COUNTRIES.values
}
_LATE_SHARE = np.array([c.late_share for c in CARRIER_PROFILES])
_RETURN_REASON_CODES = np.array(REASONS.codes(*RETURN_REASONS))


def fulfil(
    ctx: ChunkContext,
    customer: Ints,
    order: Ints,
    placed: Floats,
    product: Ints,
    amount: Floats,
    express: Bools,
    confirmation_missing: Bools,
) -> OrderRecords:
    """Deliver the orders placed this round and play out everything that follows them."""
    rng, log = ctx.rng, ctx.log
    size = customer.size
    first = ctx.order_count[customer] == 1
    carrier = _carriers(ctx, customer)
    late = bernoulli(rng, _LATE_SHARE[carrier], size)
    order_day = np.floor(placed / DAY).astype(np.int64)
    domestic = ctx.people.country[customer] == COUNTRIES["GB"]
    promised = order_day + np.where(express, 1, np.where(domestic, 3, 4))
    early = ~express & bernoulli(rng, 0.25, size)
    delay = np.where(late, rng.geometric(1 / LATE_DELAY_MEAN_DAYS, size), -early.astype(np.int64))
    delivered = promised + delay
    delivered_at = office_hours(rng, delivered * DAY, 9, 19)
    dispatched_at = np.minimum(placed + rng.uniform(HOUR, 20 * HOUR, size), delivered_at - 2 * HOUR)
    dispatched_at = np.maximum(dispatched_at, placed + 600)

    log.add(
        "shipment_dispatched",
        customer,
        dispatched_at,
        channel="email",
        order=order,
        carrier=carrier,
        promised=promised,
    )
    notice = late & bernoulli(rng, LATE_DELAY_NOTICE, size)
    log.add(
        "delivery_update",
        customer[notice],
        office_hours(rng, promised[notice] * DAY, 7, 10),
        channel="email",
        order=order[notice],
        carrier=carrier[notice],
        promised=promised[notice],
        status="delayed",
    )
    log.add(
        "order_delivered",
        customer,
        delivered_at,
        channel="partner",
        order=order,
        product=product,
        carrier=carrier,
        promised=promised,
        delivered=delivered,
    )

    called = first & bernoulli(rng, WELCOME_CALL_SHARE, size)
    call_at = office_hours(rng, delivered_at + rng.uniform(0.5 * DAY, 2.5 * DAY, size), 10, 17)
    log.add(
        "welcome_call",
        customer[called],
        call_at[called],
        channel="phone",
        order=order[called],
        status="completed",
    )
    ctx.welcomed[customer[called]] = True
    _guides(ctx, customer, delivered_at, product)

    returned = bernoulli(rng, RETURN_SHARE + LATE_RETURN_EXTRA * late, size)
    returned_at = at_hour(
        rng,
        delivered_at + rng.uniform(1 * DAY, 14 * DAY, size),
        (1.0,) * 8 + (3.0,) * 14 + (1.0,) * 2,
    )
    returned_at = np.maximum(returned_at, delivered_at + HOUR)
    refund_days = REFUND_DAYS_MINIMUM + rng.exponential(REFUND_DAYS_MEAN_EXTRA, size)
    refund_at = office_hours(rng, returned_at + refund_days * DAY, 8, 18)
    refund_days = np.where(returned, (refund_at - returned_at) / DAY, np.nan)
    _returns(ctx, customer, order, product, amount, late, returned, returned_at, refund_at)

    slow = returned & (refund_days > SLOW_REFUND_DAYS)
    common: dict[str, Ints | Floats] = {
        "order": order,
        "product": product,
        "amount": amount,
        "carrier": carrier,
    }
    dated: dict[str, Ints | Floats] = {**common, "promised": promised, "delivered": delivered}
    cases = (
        # reason, who writes or calls, earliest moment, around when, what the case knows
        (
            "delivery_late",
            late & bernoulli(rng, LATE_SUPPORT_CONTACT, size),
            promised * DAY + 18 * HOUR,
            (promised + 1) * DAY,
            dated,
        ),
        (
            "where_is_my_order",
            ~late & bernoulli(rng, ON_TIME_WHERE_IS_MY_ORDER, size),
            placed + HOUR,
            placed + rng.uniform(DAY, 2 * DAY, size),
            dated,
        ),
        (
            "confirmation_missing",
            confirmation_missing & bernoulli(rng, CONFIRMATION_MISSING_SUPPORT, size),
            placed + 10 * MINUTE,
            placed + rng.uniform(HOUR, 20 * HOUR, size),
            common,
        ),
        (
            "product_question",
            bernoulli(rng, PRODUCT_QUESTION_SUPPORT, size),
            delivered_at + HOUR,
            delivered_at + rng.uniform(DAY, 20 * DAY, size),
            common,
        ),
        (
            "refund_delay",
            slow & bernoulli(rng, SLOW_REFUND_SUPPORT, size),
            returned_at + SLOW_REFUND_DAYS * DAY,
            returned_at + SLOW_REFUND_DAYS * DAY + rng.uniform(0, 2 * DAY, size),
            common,
        ),
        (
            "return_question",
            returned & bernoulli(rng, RETURN_QUESTION_SUPPORT, size),
            delivered_at + HOUR,
            returned_at - rng.uniform(HOUR, DAY, size),
            common,
        ),
        (
            "welcome_call_praise",
            called & bernoulli(rng, WELCOME_CALL_PRAISE, size),
            call_at + HOUR,
            call_at + rng.uniform(2 * HOUR, 2 * DAY, size),
            common,
        ),
    )
    for reason, rows, earliest, around, context in cases:
        # customers chasing a late parcel write before it finally arrives
        latest = delivered_at - HOUR if reason == "delivery_late" else None
        _case(ctx, reason, rows, customer, earliest, around, context, latest=latest)

    write_reviews(ctx, customer, order, product, delivered_at, late, returned)
    answer_survey(
        ctx,
        customer[first],
        delivered_at[first],
        called[first],
        late[first],
        confirmation_missing[first],
        returned[first],
        returned_at[first],
        slow[first],
    )
    _loyalty(ctx, customer[first], delivered_at[first])
    ctx.first_delivered[customer[first]] = delivered_at[first]
    return OrderRecords(
        customer=customer,
        order=order,
        placed=placed,
        product=product,
        amount=amount,
        carrier=carrier,
        promised=promised,
        delivered=delivered,
        delivered_at=delivered_at,
        late=late,
        confirmation_missing=confirmation_missing,
        first=first,
        welcome_call=called,
        returned=returned,
        refund_days=refund_days,
        followed=np.zeros(size, dtype=np.bool_),
    )


def _carriers(ctx: ChunkContext, customer: Ints) -> Ints:
    country = ctx.people.country[customer]
    carrier = np.empty(customer.size, dtype=np.int64)
    pick = ctx.rng.random(customer.size)
    for code, name in enumerate(COUNTRIES.values):
        rows = country == code
        options = np.array(_CARRIER_BY_COUNTRY[name])
        carrier[rows] = options[(pick[rows] * options.size).astype(np.int64)]
    return carrier


def _guides(ctx: ChunkContext, customer: Ints, delivered_at: Floats, product: Ints) -> None:
    views = ctx.rng.poisson(ctx.persona_value("guide_views", customer))
    source, _ = expand(views)
    rows = customer[source]
    channel, device = ctx.online_channel(rows)
    at = delivered_at[source] + ctx.rng.exponential(6 * DAY, source.size) + HOUR
    ctx.log.add("guide_view", rows, at, channel=channel, device=device, product=product[source])


def _returns(
    ctx: ChunkContext,
    customer: Ints,
    order: Ints,
    product: Ints,
    amount: Floats,
    late: Bools,
    returned: Bools,
    returned_at: Floats,
    refund_at: Floats,
) -> None:
    """Return requests (in the showroom for many retirees) and the refunds that follow."""
    rng = ctx.rng
    size = customer.size
    reason = _RETURN_REASON_CODES[choose_one(rng, (0.25, 0.25, 0.3, 0.0, 0.2), size)]
    reason = np.where(late & (rng.random(size) < 0.5), REASONS["arrived_late"], reason)
    in_store = bernoulli(rng, ctx.persona_value("store_return_share", customer), size)
    channel, device = ctx.online_channel(customer)
    channel = np.where(in_store, CHANNELS["store"], channel)
    device = np.where(in_store, NULL, device)
    ctx.log.add(
        "return_requested",
        customer[returned],
        returned_at[returned],
        channel=channel[returned],
        device=device[returned],
        order=order[returned],
        product=product[returned],
        amount=amount[returned],
        reason=reason[returned],
    )
    ctx.log.add(
        "refund_issued",
        customer[returned],
        refund_at[returned],
        channel="email",
        order=order[returned],
        amount=amount[returned],
        status="completed",
    )


def _case(
    ctx: ChunkContext,
    reason: str,
    rows: Bools,
    customer: Ints,
    earliest: Floats,
    around: Floats,
    context: dict[str, Ints | Floats],
    *,
    latest: Floats | None = None,
) -> None:
    """Support contacts at the customer's usual hours on the day ``around`` falls on.

    ``earliest`` keeps cause before effect: nobody asks about an order before placing it.
    """
    who = customer[rows]
    seconds = np.maximum(ctx.daytime(who, around[rows]), earliest[rows])
    if latest is not None:
        seconds = np.minimum(seconds, latest[rows])
    ctx.support_case(
        np.full(who.size, REASONS[reason], dtype=np.int64),
        who,
        seconds,
        email_only=reason == "welcome_call_praise",
        **{name: values[rows] for name, values in context.items()},  # type: ignore[arg-type]
    )


def _loyalty(ctx: ChunkContext, customer: Ints, delivered_at: Floats) -> None:
    """Some first-time buyers join Northwind Club; busy parents often pay for Club Plus."""
    rng = ctx.rng
    size = customer.size
    joins = bernoulli(rng, ctx.persona_value("loyalty_join", customer), size)
    plus = bernoulli(rng, ctx.persona_value("plus_share", customer), size)
    at = delivered_at + HOUR + rng.exponential(10 * DAY, size)
    channel, device = ctx.online_channel(customer)
    tier = np.where(plus, STATUSES["club_plus"], STATUSES["club"])
    ctx.log.add(
        "loyalty_joined",
        customer[joins],
        at[joins],
        channel=channel[joins],
        device=device[joins],
        status=tier[joins],
    )
    joined_in_window = joins & (at < ctx.timeline.end)
    tiers = np.where(plus, LOYALTY_TIERS.index("club_plus"), LOYALTY_TIERS.index("club"))
    ctx.loyalty[customer[joined_in_window]] = tiers[joined_in_window]
