"""What customers say after an order: product reviews and the NPS survey, as events and records.

Ratings follow what happened (a late parcel, a return), and every first-time buyer gets a
latent NPS score, answered or not: the answers are what the survey sees, the latent
scores decide who becomes an advocate and shares a referral link.
"""

from __future__ import annotations

import numpy as np

from journeymap.demo.chunk import ChunkContext
from journeymap.demo.effects import (
    CONFIRMATION_MISSING_NPS_PENALTY,
    LATE_NPS_PENALTY,
    LATE_RATINGS,
    LATE_REVIEW_BOOST,
    NPS_SURVEY_DAYS,
    ON_TIME_RATINGS,
    RETURN_NPS_PENALTY,
    RETURNED_RATINGS,
    SLOW_REFUND_DAYS,
    SLOW_REFUND_NPS_PENALTY,
    WELCOME_CALL_NPS_LIFT,
)
from journeymap.demo.records import NpsRecords, ReviewRecords
from journeymap.demo.sampling import Bools, Floats, Ints, bernoulli, choose_one
from journeymap.demo.timeline import DAY


def write_reviews(
    ctx: ChunkContext,
    customer: Ints,
    order: Ints,
    product: Ints,
    delivered_at: Floats,
    late: Bools,
    returned: Bools,
) -> None:
    """Reviews for a share of orders, more often and much worse when the parcel was late."""
    rng = ctx.rng
    size = customer.size
    share = ctx.persona_value("review_share", customer) * np.where(late, LATE_REVIEW_BOOST, 1.0)
    writes = bernoulli(rng, share, size)
    rating = 1 + np.select(
        [late, returned],
        [choose_one(rng, LATE_RATINGS, size), choose_one(rng, RETURNED_RATINGS, size)],
        choose_one(rng, ON_TIME_RATINGS, size),
    )
    at = ctx.daytime(customer, delivered_at + rng.uniform(2 * DAY, 10 * DAY, size))
    ctx.log.add(
        "review_submitted",
        customer[writes],
        at[writes],
        channel="web",
        order=order[writes],
        product=product[writes],
        score=rating[writes],
    )
    ctx.reviews.append(
        ReviewRecords(
            customer=customer[writes],
            order=order[writes],
            seconds=at[writes],
            product=product[writes],
            rating=rating[writes],
            late=late[writes],
            returned=returned[writes],
        )
    )


def answer_survey(
    ctx: ChunkContext,
    customer: Ints,
    delivered_at: Floats,
    called: Bools,
    late: Bools,
    missing: Bools,
    returned: Bools,
    returned_at: Floats,
    slow: Bools,
) -> None:
    """The NPS survey two weeks after the first delivery; every buyer has a latent score."""
    rng = ctx.rng
    size = customer.size
    survey_at = delivered_at + NPS_SURVEY_DAYS * DAY + rng.exponential(2 * DAY, size)
    returned_before = returned & (returned_at < survey_at)
    slow_before = slow & (returned_at + SLOW_REFUND_DAYS * DAY < survey_at)
    latent = (
        ctx.persona_value("nps_base", customer)
        + WELCOME_CALL_NPS_LIFT * called
        - LATE_NPS_PENALTY * late
        - CONFIRMATION_MISSING_NPS_PENALTY * missing
        - RETURN_NPS_PENALTY * returned_before
        - SLOW_REFUND_NPS_PENALTY * slow_before
        + rng.normal(0.0, 1.4, size)
    )
    score = np.clip(np.round(latent), 0, 10).astype(np.int64)
    ctx.latent_score[customer] = score
    answered = bernoulli(rng, ctx.persona_value("nps_response_share", customer), size)
    ctx.log.add(
        "nps_response",
        customer[answered],
        survey_at[answered],
        channel="email",
        score=score[answered],
    )
    ctx.nps.append(
        NpsRecords(
            customer=customer[answered],
            seconds=survey_at[answered],
            score=score[answered],
            welcome_call=called[answered],
            late=late[answered],
            confirmation_missing=missing[answered],
            returned=returned_before[answered],
            slow_refund=slow_before[answered],
        )
    )
