"""The planted truths in words and numbers, as the manifest reports them.

Each entry says in plain words what was planted, which touchpoints and events carry it,
the parameters the simulation used (read from :mod:`journeymap.demo.effects`, so the text
cannot drift from the code), the effect an analysis should find with its size, and the
size observed in the generated data.
"""

from __future__ import annotations

import math

from journeymap.demo import effects as e
from journeymap.demo.catalogue import CARRIER_PROFILES, UNMAPPED_EVENTS
from journeymap.demo.manifest import MomentBelief, PersonaTruth, PlantedTruth
from journeymap.demo.personas import PERSONAS
from journeymap.demo.timeline import Timeline
from journeymap.demo.workspace import demo_workspace
from journeymap.model import MomentKind

TRUE_MOMENTS: dict[str, MomentKind] = {
    "payment": MomentKind.HYGIENE_FACTOR,
    "payment-failure": MomentKind.PAIN_POINT,
    "order-confirmation": MomentKind.HYGIENE_FACTOR,
    "home-delivery": MomentKind.HYGIENE_FACTOR,
    "welcome-call": MomentKind.DELIGHTER,
    "refund": MomentKind.PAIN_POINT,
}
EXPLANATIONS: dict[str, str] = {
    "payment": "Nobody praises a payment that works; the outage days show what its failure costs.",
    "payment-failure": "Failed attempts end checkouts, most visibly on the outage days.",
    "order-confirmation": "Almost every order gets it and it adds nothing; the 4 % who miss it contact support, score lower and buy again less. A hygiene factor, not the delighter the team believes.",
    "home-delivery": "On time is expected; late parcels bring bad reviews, contacts and churn.",
    "welcome-call": "Randomly called first-time buyers buy again more often and score higher.",
    "refund": "Slow refunds drive angry e-mails and low NPS.",
}


def _mean(distribution: tuple[float, ...]) -> float:
    return sum((star + 1) * share for star, share in enumerate(distribution)) / sum(distribution)


def _weighted(name: str) -> float:
    return sum(float(p.share * getattr(p.behaviour, name)) for p in PERSONAS)


def _by_persona(name: str) -> dict[str, float]:
    return {f"{name}.{p.id}": getattr(p.behaviour, name) for p in PERSONAS}


def _outage_truth(timeline: Timeline, seen: dict[str, float]) -> tuple[PlantedTruth, ...]:
    """The payment outage, when the timeline has one (a clean log has none)."""
    if not timeline.outage_days:
        return ()
    outage = tuple(day.isoformat() for day in timeline.outage_dates)
    return (
        PlantedTruth(
            id="payment-outage",
            kind="outage",
            title="Payment provider outage",
            description=(
                f"On {', '.join(outage)} the payment provider timed out on most attempts "
                "(payment_attempt with status failed and error gateway_timeout). Many customers gave up, "
                "so orders per paying customer dropped on those days; some came back days later."
            ),
            touchpoints=("payment", "payment-failure", "order-placed"),
            events=("payment_attempt", "order_placed"),
            parameters={
                "dates": outage,
                "failure_rate_outage": e.OUTAGE_FAILURE,
                "failure_rate_other_days": e.EVERYDAY_FAILURE,
                "error": "gateway_timeout",
                "retry_within_checkout": e.PAYMENT_RETRY,
                "comeback_after_failed_checkout": e.FAILED_CHECKOUT_COMEBACK,
            },
            expected_effect=f"{e.OUTAGE_FAILURE:.0%} of payment attempts fail on the outage days against {e.EVERYDAY_FAILURE:.0%} on other days.",
            effect_size=round(e.OUTAGE_FAILURE - e.EVERYDAY_FAILURE, 2),
            effect_unit="share of payment attempts failing: outage days minus other days",
            observed=seen,
        ),
    )


def planted_truths(timeline: Timeline, observed: dict[str, float]) -> tuple[PlantedTruth, ...]:
    """Every planted truth with its parameters and the observed values from ``observed``."""

    def seen(prefix: str) -> dict[str, float]:
        return {k: v for k, v in observed.items() if k.startswith(prefix + ".")}

    rating_gap = _mean(e.ON_TIME_RATINGS) - _mean(e.LATE_RATINGS)
    late_shares = {f"late_share.{c.name}": c.late_share for c in CARRIER_PROFILES}
    slow_share = math.exp(-(e.SLOW_REFUND_DAYS - e.REFUND_DAYS_MINIMUM) / e.REFUND_DAYS_MEAN_EXTRA)
    return (
        PlantedTruth(
            id="late-delivery",
            kind="failure",
            title="Late deliveries hurt",
            description=(
                "About one order in seven arrives after its promised date (delivered_date > promised_date). "
                "SwiftShip misses most often and is the only carrier to Ireland. Late orders get much worse "
                "reviews, many more support contacts about the delivery, lower NPS and fewer repeat purchases; "
                "busy parents, who pay for express, punish lateness most."
            ),
            touchpoints=(
                "home-delivery",
                "delivery-updates",
                "product-review",
                "support-email",
                "support-phone",
            ),
            events=(
                "order_delivered",
                "delivery_update",
                "review_submitted",
                "support_email",
                "support_call",
                "order_placed",
            ),
            parameters={
                **late_shares,
                "late_delay_mean_days": e.LATE_DELAY_MEAN_DAYS,
                "mean_rating_on_time": round(_mean(e.ON_TIME_RATINGS), 2),
                "mean_rating_late": round(_mean(e.LATE_RATINGS), 2),
                "support_contact_late": e.LATE_SUPPORT_CONTACT,
                "support_contact_on_time": e.ON_TIME_WHERE_IS_MY_ORDER,
                "nps_penalty": e.LATE_NPS_PENALTY,
                **_by_persona("late_repeat_penalty"),
            },
            expected_effect=(
                f"Reviews of late orders average {rating_gap:.1f} stars lower; "
                f"{e.LATE_SUPPORT_CONTACT:.0%} of late orders bring a delivery contact (vs {e.ON_TIME_WHERE_IS_MY_ORDER:.0%}); "
                f"coming back to buy is {min(p.behaviour.late_repeat_penalty for p in PERSONAS) * 100:.0f}–{max(p.behaviour.late_repeat_penalty for p in PERSONAS) * 100:.0f} percentage points less likely."
            ),
            effect_size=round(rating_gap, 2),
            effect_unit="stars: mean review rating on time minus late",
            observed=seen("late"),
        ),
        *_outage_truth(timeline, seen("outage")),
        PlantedTruth(
            id="welcome-call-delighter",
            kind="delighter",
            title="The welcome call is a delighter",
            description=(
                f"A random {e.WELCOME_CALL_SHARE:.0%} of first-time buyers get a welcome call a day or two after delivery. "
                "Nobody expects it; those called buy again more often and give higher NPS scores. "
                "Because the choice is random, the difference is causal."
            ),
            touchpoints=("welcome-call", "order-placed", "nps-survey"),
            events=("welcome_call", "order_placed", "nps_response"),
            parameters={
                "called_share": e.WELCOME_CALL_SHARE,
                "repeat_lift": e.WELCOME_CALL_REPEAT_LIFT,
                "nps_lift": e.WELCOME_CALL_NPS_LIFT,
            },
            expected_effect=f"Coming back to buy is {e.WELCOME_CALL_REPEAT_LIFT * 100:.0f} percentage points more likely after a welcome call; NPS {e.WELCOME_CALL_NPS_LIFT} points higher. Observed repeat orders rise less, since some return visits end without an order and the window cuts late ones off.",
            effect_size=e.WELCOME_CALL_REPEAT_LIFT,
            effect_unit="probability of coming back to buy, called minus not called",
            observed=seen("welcome"),
        ),
        PlantedTruth(
            id="confirmation-email-hygiene",
            kind="hygiene_factor",
            title="The confirmation email is a hygiene factor",
            description=(
                f"A mail-queue bug drops the order confirmation email for {e.CONFIRMATION_MISSING:.0%} of orders. "
                "Getting it changes nothing; missing it makes people write in ('did my order go through?'), "
                "score lower and buy again less. The team's map calls it a delighter: the map is wrong here."
            ),
            touchpoints=("order-confirmation", "support-email", "support-phone"),
            events=("order_confirmation_email", "order_placed", "support_email", "support_call"),
            parameters={
                "missing_share": e.CONFIRMATION_MISSING,
                "repeat_penalty_when_missing": e.CONFIRMATION_MISSING_REPEAT_PENALTY,
                "support_contact_when_missing": e.CONFIRMATION_MISSING_SUPPORT,
                "nps_penalty_when_missing": e.CONFIRMATION_MISSING_NPS_PENALTY,
                "team_belief": MomentKind.DELIGHTER.value,
                "truth": MomentKind.HYGIENE_FACTOR.value,
            },
            expected_effect=f"No lift where the email is sent; where it is missing, coming back to buy is {e.CONFIRMATION_MISSING_REPEAT_PENALTY * 100:.0f} percentage points less likely and {e.CONFIRMATION_MISSING_SUPPORT:.0%} contact support.",
            effect_size=e.CONFIRMATION_MISSING_REPEAT_PENALTY,
            effect_unit="probability of coming back to buy lost when the email is missing",
            observed=seen("confirmation"),
        ),
        PlantedTruth(
            id="refund-pain-point",
            kind="pain_point",
            title="Returns and slow refunds are a pain point",
            description=(
                f"{e.RETURN_SHARE:.0%} of orders are returned ({e.RETURN_SHARE + e.LATE_RETURN_EXTRA:.0%} of late ones). "
                f"Refunds take {e.REFUND_DAYS_MINIMUM:.0f} days plus a long tail; {slow_share:.0%} take over "
                f"{e.SLOW_REFUND_DAYS:.0f} days. Those customers write angry e-mails, give low NPS with comments about refunds, and buy again less."
            ),
            touchpoints=("return-request", "refund", "support-email", "nps-survey"),
            events=(
                "return_requested",
                "refund_issued",
                "support_email",
                "support_call",
                "nps_response",
            ),
            parameters={
                "return_share": e.RETURN_SHARE,
                "extra_return_share_when_late": e.LATE_RETURN_EXTRA,
                "slow_refund_days": e.SLOW_REFUND_DAYS,
                "slow_refund_share": round(slow_share, 3),
                "support_contact_slow_refund": e.SLOW_REFUND_SUPPORT,
                "nps_penalty_return": e.RETURN_NPS_PENALTY,
                "nps_penalty_slow_refund": e.SLOW_REFUND_NPS_PENALTY,
                "repeat_penalty_slow_refund": e.SLOW_REFUND_REPEAT_PENALTY,
            },
            expected_effect=f"NPS about {e.RETURN_NPS_PENALTY + slow_share * e.SLOW_REFUND_NPS_PENALTY:.1f} points lower for customers who returned something before the survey; {e.SLOW_REFUND_SUPPORT:.0%} of slow refunds bring a support e-mail or call.",
            effect_size=round(e.RETURN_NPS_PENALTY + slow_share * e.SLOW_REFUND_NPS_PENALTY, 2),
            effect_unit="NPS points: not returned minus returned before the survey",
            observed=seen("returns"),
        ),
        PlantedTruth(
            id="lapse-and-return",
            kind="lapse_and_return",
            title="Lapsed customers come back after a win-back email",
            description=(
                f"Customers who do not buy again go quiet. The weekly win-back job e-mails those silent for {e.LAPSE_DAYS:.0f} days "
                "(winback_email, campaign we_miss_you) and some order again through it, after a gap of 45 days or more."
            ),
            touchpoints=("winback-email", "order-placed"),
            events=("winback_email", "order_placed"),
            parameters={
                "lapse_days": e.LAPSE_DAYS,
                "batch_days": e.WINBACK_BATCH_DAYS,
                "reachable_share": e.WINBACK_REACHABLE,
                **_by_persona("winback_comeback"),
            },
            expected_effect=f"About {_weighted('winback_comeback'):.0%} of win-back recipients order again (bargain hunters most).",
            effect_size=round(_weighted("winback_comeback"), 3),
            effect_unit="share of win-back recipients who come back",
            observed=seen("lapse"),
        ),
        PlantedTruth(
            id="referral-loop",
            kind="referral_loop",
            title="Promoters bring friends",
            description=(
                f"First-time buyers with an NPS of {e.ADVOCATE_MIN_SCORE} or 10 (answered or not) share their referral link (referral_sent). "
                "Some new customers arrive through such a link: their first event carries referrer_id and the customers table names the referrer in referred_by."
            ),
            touchpoints=("refer-a-friend", "nps-survey", "website", "mobile-app"),
            events=("referral_sent", "site_visit", "app_open"),
            parameters={
                "advocate_min_score": e.ADVOCATE_MIN_SCORE,
                "sharing_advocates": e.REFERRAL_SENDERS,
                "referred_share_after_ramp": e.REFERRED_SHARE,
                "ramp_days": e.REFERRAL_RAMP_DAYS,
                "max_lag_days": e.REFERRAL_MAX_LAG_DAYS,
            },
            expected_effect=f"Up to {e.REFERRED_SHARE:.0%} of new customers come through a referral once the first advocates exist.",
            effect_size=e.REFERRED_SHARE,
            effect_unit="share of new customers referred, after the first month",
            observed=seen("referral"),
        ),
        PlantedTruth(
            id="persona-differences",
            kind="persona_difference",
            title="Personas behave differently",
            description=(
                "Retirees rarely use the app, order and call by phone and return in showrooms; busy parents live in the app "
                "and choose express delivery; bargain hunters use discount codes and abandon baskets at the delivery-fee step."
            ),
            touchpoints=(
                "mobile-app",
                "support-phone",
                "delivery-options",
                "discount-code",
                "basket",
            ),
            events=(
                "app_open",
                "site_visit",
                "order_placed",
                "support_call",
                "coupon_applied",
                "cart_add",
                "shipping_selected",
            ),
            parameters={
                **_by_persona("app_share"),
                **_by_persona("phone_order_share"),
                **_by_persona("express_share"),
                **_by_persona("coupon_share"),
                **_by_persona("reaches_shipping"),
            },
            expected_effect="App share of visits: busy parents about 75 %, retirees about 6 %; bargain hunters drop out most at the delivery-options step.",
            effect_size=round(PERSONAS[1].behaviour.app_share - PERSONAS[2].behaviour.app_share, 2),
            effect_unit="app share of visits: busy parents minus retirees",
            observed=seen("persona"),
        ),
        PlantedTruth(
            id="unmapped-events",
            kind="map_gap",
            title="Events the map does not cover",
            description="wishlist_add and price_alert_set are logged but sit on no touchpoint; bargain hunters use them most. The analytics should report them as gaps in the map.",
            touchpoints=(),
            events=UNMAPPED_EVENTS,
            parameters={**_by_persona("wishlist_share"), **_by_persona("price_alert_share")},
            expected_effect="Two event types with thousands of events and no touchpoint.",
            effect_size=float(len(UNMAPPED_EVENTS)),
            effect_unit="event types on no touchpoint",
        ),
    )


def moment_beliefs() -> tuple[MomentBelief, ...]:
    """The team's moments of truth from the map next to the planted ones (one disagrees)."""
    journey = demo_workspace().journeys[0]
    beliefs = []
    for _, touchpoint in journey.touchpoints():
        truth = TRUE_MOMENTS.get(touchpoint.id, MomentKind.NONE)
        if touchpoint.moment is MomentKind.NONE and truth is MomentKind.NONE:
            continue
        beliefs.append(
            MomentBelief(
                touchpoint=touchpoint.id,
                team_belief=touchpoint.moment.value,
                truth=truth.value,
                explanation=EXPLANATIONS[touchpoint.id],
            )
        )
    return tuple(beliefs)


def persona_truths(counts: dict[str, int]) -> tuple[PersonaTruth, ...]:
    """The true personas with their customer counts and the map's approximate segment rules."""
    behaviour = {
        "bargain-hunter": "Comparison sites and social ads; codes on over half of checkouts; 40 % leave at the delivery fee; wishlists and price alerts.",
        "busy-parent": "App for three visits in four; express delivery on almost half the orders; most hurt by late parcels; Club Plus.",
        "retiree": "Showroom and phone: a third of orders and most support by phone, returns in showrooms, app almost never; answers surveys.",
    }
    return tuple(
        PersonaTruth(
            id=p.id,
            name=p.name,
            share=p.share,
            customers=counts.get(p.id, 0),
            segment=p.segment,
            behaviour=behaviour[p.id],
        )
        for p in PERSONAS
    )
