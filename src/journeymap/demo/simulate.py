"""One chunk of customers lived through the window, vectorised over customers, round by round.

A round is "browse for a while, then try to check out" for every customer who still has a
next step. After the checkout some customers are scheduled for another round (a repeat
purchase, a comeback after a cart reminder or a failed payment, a win-back after a 45-day
lapse); the others are done. Rounds loop in Python, but each round is a handful of numpy
calls over all the chunk's customers in it, so a chunk of 10,000 customers takes about as
many Python steps as a chunk of 10.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from journeymap.demo.catalogue import AD_CAMPAIGNS, CAMPAIGNS, CHANNELS
from journeymap.demo.checkout import PRODUCT_TASTES, checkout
from journeymap.demo.chunk import ChunkContext
from journeymap.demo.effects import (
    ACTIVE_TAIL_DAYS,
    CONFIRMATION_MISSING_REPEAT_PENALTY,
    LAPSE_DAYS,
    MAX_ROUNDS,
    NEWSLETTER_DAYS,
    SLOW_REFUND_DAYS,
    SLOW_REFUND_REPEAT_PENALTY,
    WELCOME_CALL_REPEAT_LIFT,
    WINBACK_BATCH_DAYS,
    WINBACK_REACHABLE,
)
from journeymap.demo.eventlog import NULL, EventColumns, EventLog
from journeymap.demo.fulfilment import fulfil
from journeymap.demo.personas import ACQUISITION_SOURCES
from journeymap.demo.population import Population
from journeymap.demo.records import NpsRecords, OrderRecords, ReviewRecords, SupportCases
from journeymap.demo.referrals import plant_referrals
from journeymap.demo.sampling import Bools, Floats, Ints, bernoulli, choose, expand, group_cumsum
from journeymap.demo.timeline import DAY, HOUR, MINUTE, Timeline


@dataclass(frozen=True)
class ChunkResult:
    """Everything one chunk produced, for the writers, the texts and the manifest."""

    people: Population
    events: EventColumns
    orders: OrderRecords
    cases: SupportCases
    reviews: ReviewRecords
    nps: NpsRecords
    referrer: Ints
    loyalty: Ints
    churned: Bools
    winbacks_sent: int


_SHOWROOM = ACQUISITION_SOURCES.index("showroom")


@dataclass
class _Plan:
    """Per customer: when the current gap began, the next checkout and what prompts it."""

    since: Floats
    checkout_at: Floats
    campaign: Ints
    continuing: Bools

    @classmethod
    def empty(cls, size: int) -> _Plan:
        return cls(
            since=np.full(size, np.nan),
            checkout_at=np.full(size, np.inf),
            campaign=np.full(size, NULL, dtype=np.int64),
            continuing=np.zeros(size, dtype=np.bool_),
        )


def simulate_chunk(rng: np.random.Generator, timeline: Timeline, people: Population) -> ChunkResult:
    """Simulate the whole window for the customers of one chunk."""
    ctx = ChunkContext(rng=rng, timeline=timeline, people=people, log=EventLog(len(people)))
    channel, device, session_end = _first_visit(ctx)
    plan, browse_until = _first_plan(ctx, session_end, online=people.source != _SHOWROOM)
    winbacks_sent = 0
    active = np.arange(len(people), dtype=np.int64)
    for _ in range(MAX_ROUNDS):
        if active.size == 0:
            break
        plan, sent = _round(ctx, active, plan, browse_until)
        winbacks_sent += sent
        active = np.flatnonzero(plan.checkout_at < timeline.end)
    referrer = plant_referrals(ctx)
    _log_arrivals(ctx, channel, device, referrer)
    return _finish(ctx, referrer, winbacks_sent)


def _first_plan(ctx: ChunkContext, session_end: Floats, *, online: Bools) -> tuple[_Plan, Floats]:
    """When each customer first tries to buy: in the first visit, days later, or never.

    Showroom visitors who buy at once do so online when they get home, in a new session.
    """
    rng = ctx.rng
    size = session_end.size
    everyone = np.arange(size, dtype=np.int64)
    never = bernoulli(rng, ctx.persona_value("never_buys", everyone), size)
    at_once = ~never & bernoulli(rng, ctx.persona_value("buys_in_first_session", everyone), size)
    mean_days = ctx.persona_value("first_purchase_days", everyone)
    later = session_end + HOUR + rng.exponential(1.0, size) * DAY * mean_days
    later = np.maximum(ctx.daytime(everyone, later), session_end + 30 * MINUTE)
    checkout_at = np.where(at_once, session_end + rng.uniform(60, 600, size), later)
    checkout_at[never] = np.inf
    plan = _Plan(
        since=session_end.copy(),
        checkout_at=checkout_at,
        campaign=np.full(size, NULL, dtype=np.int64),
        continuing=at_once & online,
    )
    # people who never buy still come back to browse for a few weeks
    return plan, session_end + rng.exponential(20 * DAY, size)


def _round(ctx: ChunkContext, active: Ints, plan: _Plan, browse_until: Floats) -> tuple[_Plan, int]:
    """One round for the active customers: browse, check out, fulfil, plan what comes next."""
    end = ctx.timeline.end
    start, checkout_at = plan.since[active], plan.checkout_at[active]
    until = np.minimum(np.where(np.isfinite(checkout_at), checkout_at, browse_until[active]), end)
    _browse(ctx, active, start, until)

    buying = checkout_at < end
    buyers = active[buying]
    outcome = checkout(
        ctx, buyers, checkout_at[buying], plan.campaign[buyers], plan.continuing[buyers]
    )
    placed = outcome.placed
    orders = fulfil(
        ctx,
        buyers[placed],
        outcome.order[placed],
        outcome.placed_at[placed],
        outcome.product[placed],
        outcome.amount[placed],
        outcome.express[placed],
        outcome.confirmation_missing[placed],
    )
    ctx.orders.append(orders)

    following = _Plan.empty(len(ctx.people))
    engaged_until = until.copy()
    position = np.full(len(ctx.people), -1, dtype=np.int64)
    position[active] = np.arange(active.size)

    retry = ~placed & np.isfinite(outcome.retry_at)
    retried = buyers[retry]
    following.since[retried] = outcome.placed_at[retry] + HOUR
    following.checkout_at[retried] = np.maximum(
        outcome.retry_at[retry], outcome.placed_at[retry] + 2 * HOUR
    )
    following.campaign[retried] = outcome.retry_campaign[retry]
    engaged_until[position[retried]] = following.since[retried]
    gave_up = ~placed & ~retry
    engaged_until[position[buyers[gave_up]]] = outcome.placed_at[gave_up] + 7 * DAY

    repeat = _repeats(ctx, orders)
    repeaters = orders.customer[repeat]
    following.since[repeaters] = orders.delivered_at[repeat] + DAY
    gap = ctx.persona_value("repeat_gap_days", repeaters) * DAY
    base = orders.delivered_at[repeat] + 2 * DAY + ctx.rng.exponential(1.0, repeaters.size) * gap
    following.checkout_at[repeaters] = ctx.daytime(repeaters, base)
    engaged_until[position[repeaters]] = following.since[repeaters]
    lapsing = orders.customer[~repeat]
    engaged_until[position[lapsing]] = orders.placed[~repeat] + ACTIVE_TAIL_DAYS * DAY
    _newsletters(ctx, active, start, np.minimum(engaged_until, end))

    # referral shares must fall before any lapse, so remember where the first round ended
    first_buyers = orders.customer[orders.first]
    ctx.first_round_last[first_buyers] = ctx.log.last_seen[first_buyers]
    sent = _win_back(ctx, lapsing, following)
    return following, sent


def _first_visit(ctx: ChunkContext) -> tuple[Ints, Ints, Floats]:
    """Product views of the first visit; the arrival event itself is logged after referrals."""
    people, rng = ctx.people, ctx.rng
    everyone = np.arange(len(people), dtype=np.int64)
    channel, device = ctx.first_channel, ctx.first_device
    online = people.source != _SHOWROOM
    views = np.where(
        online, 1 + rng.poisson(ctx.persona_value("views_per_session", everyone) - 1), 0
    )
    source, _ = expand(views)
    gaps = rng.uniform(20, 120, source.size)
    at = people.arrival[source] + 15 + group_cumsum(gaps, source)
    ctx.log.add(
        "product_view",
        source,
        at,
        channel=channel[source],
        device=device[source],
        product=choose(rng, PRODUCT_TASTES, people.persona[source]),
    )
    session_end = people.arrival + 15 + np.bincount(source, gaps, minlength=len(people)) + 60
    session_end = np.where(online, session_end, people.arrival + HOUR)
    return channel, device, session_end


def _log_arrivals(ctx: ChunkContext, channel: Ints, device: Ints, referrer: Ints) -> None:
    """The first event of every customer: the ad, partner site or showroom that brought them.

    Referred customers arrive on the website or app through their friend's link, which
    carries ``referrer_id`` and the ``refer_a_friend`` campaign.
    """
    people, rng, log = ctx.people, ctx.rng, ctx.log
    size = len(people)
    referred = referrer >= 0
    source = people.source
    ad = (source == ACQUISITION_SOURCES.index("social_ad")) & ~referred
    ad_campaign = np.array(CAMPAIGNS.codes(*AD_CAMPAIGNS))[rng.integers(0, 2, size)]
    log.add(
        "ad_click",
        np.flatnonzero(ad),
        people.arrival[ad],
        channel="social",
        device=device[ad],
        campaign=ad_campaign[ad],
    )
    partner = (source == ACQUISITION_SOURCES.index("partner")) & ~referred
    log.add(
        "partner_click",
        np.flatnonzero(partner),
        people.arrival[partner],
        channel="partner",
        device=device[partner],
    )
    store = (source == ACQUISITION_SOURCES.index("showroom")) & ~referred
    log.add("store_visit", np.flatnonzero(store), people.arrival[store], channel="store")
    direct = ~(ad | partner | store)
    for event, code in (("site_visit", CHANNELS["web"]), ("app_open", CHANNELS["app"])):
        rows = direct & (channel == code)
        log.add(
            event,
            np.flatnonzero(rows),
            people.arrival[rows],
            channel=code,
            device=device[rows],
            referrer=referrer[rows],
            campaign=np.where(referred, CAMPAIGNS["refer_a_friend"], NULL)[rows],
        )


def _browse(ctx: ChunkContext, customer: Ints, start: Floats, stop: Floats) -> None:
    """Browsing sessions between two steps: a visit, some product views, maybe a wishlist."""
    rng, log = ctx.rng, ctx.log
    span = stop - start
    rate = ctx.persona_value("browse_sessions", customer) * np.clip(span / (10 * DAY), 0, 1.5)
    sessions = np.where(span > 2 * HOUR, rng.poisson(rate), 0)
    session, _ = expand(sessions)
    who = customer[session]
    begins = ctx.daytime(who, start[session] + rng.random(session.size) * span[session])
    begins = np.clip(begins, start[session] + MINUTE, stop[session] - 10 * MINUTE)
    channel, device = ctx.online_channel(who)
    for event, code in (("site_visit", CHANNELS["web"]), ("app_open", CHANNELS["app"])):
        rows = channel == code
        log.add(event, who[rows], begins[rows], channel=code, device=device[rows])
    views = 1 + rng.poisson(ctx.persona_value("views_per_session", who) - 1)
    view, _ = expand(views)
    at = begins[view] + group_cumsum(rng.uniform(20, 150, view.size), view)
    products = choose(rng, PRODUCT_TASTES, ctx.people.persona[who[view]])
    log.add(
        "product_view", who[view], at, channel=channel[view], device=device[view], product=products
    )
    last_view = np.zeros(session.size)
    np.maximum.at(last_view, view, at)
    for event, share in (
        ("wishlist_add", "wishlist_share"),
        ("price_alert_set", "price_alert_share"),
    ):
        rows = bernoulli(rng, ctx.persona_value(share, who), who.size)
        log.add(
            event,
            who[rows],
            last_view[rows] + rng.uniform(5, 40, who.size)[rows],
            channel=channel[rows],
            device=device[rows],
            product=products[np.searchsorted(view, np.flatnonzero(rows))],
        )


def _newsletters(ctx: ChunkContext, customer: Ints, start: Floats, stop: Floats) -> None:
    """Weekly newsletter opens while a customer is engaged; lapsed customers open none."""
    rng = ctx.rng
    weeks = np.floor(np.maximum(stop - start, 0) / (NEWSLETTER_DAYS * DAY)).astype(np.int64)
    weeks = np.where(ctx.people.consent[customer], weeks, 0)
    opens = rng.binomial(weeks, ctx.persona_value("newsletter_open_rate", customer))
    source, _ = expand(opens)
    who = customer[source]
    at = start[source] + rng.random(source.size) * (stop - start)[source]
    at = np.clip(ctx.daytime(who, at), start[source], stop[source] - MINUTE)
    ctx.log.add("newsletter_open", who, at, channel="email", campaign="weekly_newsletter")


def _repeats(ctx: ChunkContext, orders: OrderRecords) -> Bools:
    """Who buys again: the planted lifts and penalties move each persona's base rate."""
    customer = orders.customer
    slow_refund = orders.returned & (orders.refund_days > SLOW_REFUND_DAYS)
    probability = (
        ctx.persona_value("repeat_base", customer)
        + WELCOME_CALL_REPEAT_LIFT * ctx.welcomed[customer]
        - ctx.persona_value("late_repeat_penalty", customer) * orders.late
        - CONFIRMATION_MISSING_REPEAT_PENALTY * orders.confirmation_missing
        - SLOW_REFUND_REPEAT_PENALTY * slow_refund
    )
    return bernoulli(ctx.rng, np.clip(probability, 0.02, 0.95), customer.size)


def _win_back(ctx: ChunkContext, lapsing: Ints, following: _Plan) -> int:
    """The weekly win-back job e-mails customers silent for 45 days; some come back."""
    rng = ctx.rng
    size = lapsing.size
    silent_since = ctx.log.last_seen[lapsing]
    due = silent_since + LAPSE_DAYS * DAY + rng.random(size) * WINBACK_BATCH_DAYS * DAY
    sent_at = (np.floor(due / DAY) + 1) * DAY + 9 * HOUR + rng.random(size) * 2 * HOUR
    sent = (sent_at < ctx.timeline.end) & ctx.people.consent[lapsing]
    sent &= bernoulli(rng, WINBACK_REACHABLE, size)
    ctx.log.add(
        "winback_email", lapsing[sent], sent_at[sent], channel="email", campaign="we_miss_you"
    )
    comes_back = sent & bernoulli(rng, ctx.persona_value("winback_comeback", lapsing), size)
    back, back_at = lapsing[comes_back], sent_at[comes_back]
    following.since[back] = back_at
    returning = ctx.daytime(back, back_at + HOUR + rng.exponential(3 * DAY, back.size))
    following.checkout_at[back] = np.maximum(returning, back_at + 30 * MINUTE)
    following.campaign[back] = CAMPAIGNS["we_miss_you"]
    return int(sent.sum())


def _finish(ctx: ChunkContext, referrer: Ints, winbacks_sent: int) -> ChunkResult:
    """Sort the log, drop what falls after the window and mark follow-up orders and churn."""
    end = ctx.timeline.end
    orders = OrderRecords.concat(ctx.orders)
    orders = orders.select(orders.placed < end)
    orders = orders.select(np.lexsort((orders.placed, orders.customer)))
    followed = np.zeros(len(orders), dtype=np.bool_)
    followed[:-1] = orders.customer[1:] == orders.customer[:-1]
    orders = OrderRecords(**{**orders.__dict__, "followed": followed})
    last_order = np.full(len(ctx.people), -np.inf)
    np.maximum.at(last_order, orders.customer, orders.placed)
    churned = np.isfinite(last_order) & (last_order < end - LAPSE_DAYS * DAY)
    cases = SupportCases.concat(ctx.cases)
    reviews = ReviewRecords.concat(ctx.reviews)
    nps = NpsRecords.concat(ctx.nps)
    return ChunkResult(
        people=ctx.people,
        events=ctx.log.finish(end),
        orders=orders,
        cases=cases.select(cases.seconds < end),
        reviews=reviews.select(reviews.seconds < end),
        nps=nps.select(nps.seconds < end),
        referrer=referrer,
        loyalty=ctx.loyalty,
        churned=churned,
        winbacks_sent=winbacks_sent,
    )
