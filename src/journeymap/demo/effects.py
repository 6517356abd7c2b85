"""The sizes of the planted truths, in one place: the simulation reads them, the manifest reports them.

Probabilities are per order (or per customer where said), shifts are absolute: a repeat lift
of 0.20 moves a 40 % repeat-purchase chance to 60 %. Observed effects come out smaller
than planted ones where the window cuts a customer's story short (a repeat purchase that
would happen after the last day is never seen), which the manifest says next to each truth.
"""

from __future__ import annotations

# a. Late delivery (carrier late shares live in catalogue.CARRIER_PROFILES)
LATE_DELAY_MEAN_DAYS = 3.0
"""Days past the promised date for a late parcel: 1 plus a geometric tail."""
ON_TIME_RATINGS = (0.02, 0.04, 0.10, 0.34, 0.50)
LATE_RATINGS = (0.30, 0.30, 0.22, 0.12, 0.06)
RETURNED_RATINGS = (0.14, 0.24, 0.30, 0.20, 0.12)
LATE_REVIEW_BOOST = 1.5
"""Angry customers write reviews more often than content ones."""
LATE_SUPPORT_CONTACT = 0.40
ON_TIME_WHERE_IS_MY_ORDER = 0.02
LATE_NPS_PENALTY = 2.8
LATE_DELAY_NOTICE = 0.60
"""Share of late parcels for which the carrier sends a delay notice."""

# b. Payment outage (the days themselves come from timeline.Timeline.outage_days)
OUTAGE_FAILURE = 0.80
EVERYDAY_FAILURE = 0.05
PAYMENT_RETRY = 0.55
"""After a failed attempt, the share who try again within the same checkout."""
MAX_PAYMENT_ATTEMPTS = 3
FAILED_CHECKOUT_COMEBACK = 0.45
"""After giving up on a failed payment, the share who come back days later."""
PAYMENT_FAILED_SUPPORT = 0.20

# c. Delighter: the welcome call
WELCOME_CALL_SHARE = 0.30
"""Share of first-time buyers the care team calls, chosen at random."""
WELCOME_CALL_REPEAT_LIFT = 0.25
WELCOME_CALL_NPS_LIFT = 1.3
WELCOME_CALL_PRAISE = 0.06

# d. Hygiene factor: the order confirmation email
CONFIRMATION_MISSING = 0.04
"""Share of orders whose confirmation a mail-queue bug drops."""
CONFIRMATION_MISSING_REPEAT_PENALTY = 0.30
CONFIRMATION_MISSING_SUPPORT = 0.45
CONFIRMATION_MISSING_NPS_PENALTY = 2.5

# e. Pain point: returns and refunds
RETURN_SHARE = 0.08
LATE_RETURN_EXTRA = 0.10
REFUND_DAYS_MINIMUM = 3.0
REFUND_DAYS_MEAN_EXTRA = 8.0
SLOW_REFUND_DAYS = 10.0
SLOW_REFUND_SUPPORT = 0.70
RETURN_QUESTION_SUPPORT = 0.12
RETURN_NPS_PENALTY = 1.5
SLOW_REFUND_NPS_PENALTY = 2.5
SLOW_REFUND_REPEAT_PENALTY = 0.15

# f. Lapse and return
LAPSE_DAYS = 45.0
WINBACK_BATCH_DAYS = 7.0
"""The win-back job runs weekly, so the email lands 45 to 52 days after the last activity."""
WINBACK_REACHABLE = 0.90

# g. Referral loop
ADVOCATE_MIN_SCORE = 9
REFERRAL_SENDERS = 0.45
"""Share of advocates (latent NPS >= 9) who share their referral link."""
REFERRED_SHARE = 0.10
REFERRAL_RAMP_DAYS = 30.0
"""Referred sign-ups ramp up over the first month, while the first advocates appear."""
REFERRAL_MAX_LAG_DAYS = 30.0

# Other everyday behaviour
PRODUCT_QUESTION_SUPPORT = 0.03
CART_REMINDER_SENT = 0.85
NPS_SURVEY_DAYS = 14.0
NEWSLETTER_DAYS = 7.0
ACTIVE_TAIL_DAYS = 21.0
"""How long after an order a customer stays engaged (opens newsletters) if they do not return."""
MAX_ROUNDS = 24
RETURNING_DROPOUT_FACTOR = 0.5
"""Customers who bought before know the checkout: half as many drop out at each step."""
