"""The referral loop: advocates share their link and some friends sign up through it.

Advocates are first-time buyers whose (latent) NPS score is 9 or 10, whether or not they
answered the survey. Invited customers were flagged when the population was drawn; here
each is matched to a ``referral_sent`` from the same chunk that happened before their first
visit, so ``referrer_id`` on the first event and ``referred_by`` in the customers table
always point at a real customer who really sent an invitation. Shares fall in the
advocate's active weeks after the first delivery, never inside a later lapse.
"""

from __future__ import annotations

import numpy as np

from journeymap.demo.chunk import ChunkContext
from journeymap.demo.effects import ADVOCATE_MIN_SCORE, REFERRAL_MAX_LAG_DAYS, REFERRAL_SENDERS
from journeymap.demo.eventlog import NULL
from journeymap.demo.sampling import Ints, bernoulli, expand
from journeymap.demo.timeline import DAY, HOUR


def plant_referrals(ctx: ChunkContext) -> Ints:
    """Log the advocates' shares and return each customer's referrer (-1 for none)."""
    rng = ctx.rng
    size = len(ctx.people)
    window_start = ctx.first_delivered
    window_end = ctx.first_round_last
    has_window = np.isfinite(window_start) & np.isfinite(window_end)
    has_window &= window_end - window_start > HOUR
    advocate = has_window & (np.nan_to_num(ctx.latent_score, nan=-1) >= ADVOCATE_MIN_SCORE)
    senders = np.flatnonzero(advocate & bernoulli(rng, REFERRAL_SENDERS, size))
    shares = 1 + rng.binomial(2, 0.3, senders.size)
    source, _ = expand(shares)
    sender = senders[source]
    span = window_end[sender] - window_start[sender]
    sent_at = window_start[sender] + rng.random(sender.size) * span
    channel, device = ctx.online_channel(sender)
    ctx.log.add(
        "referral_sent",
        sender,
        sent_at,
        channel=channel,
        device=device,
        campaign="refer_a_friend",
    )

    by_time = np.argsort(sent_at, kind="stable")
    sent_sorted, sender_sorted = sent_at[by_time], sender[by_time]
    referrer = np.full(size, NULL, dtype=np.int64)
    invited = np.flatnonzero(ctx.people.invited)
    arrival = ctx.people.arrival[invited]
    earliest = np.searchsorted(sent_sorted, arrival - REFERRAL_MAX_LAG_DAYS * DAY, side="left")
    latest = np.searchsorted(sent_sorted, arrival - 10 * 60, side="right")
    matched = latest > earliest
    pick = earliest + (rng.random(invited.size) * (latest - earliest)).astype(np.int64)
    pick = np.minimum(pick, max(sent_sorted.size - 1, 0))
    chosen = sender_sorted[pick[matched]] if sent_sorted.size else np.empty(0, np.int64)
    referrer[invited[matched]] = chosen
    return referrer
