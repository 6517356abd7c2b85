"""The answer key for the demo's customer text: what each message is about and how it feels.

The generator writes every e-mail, review and NPS comment from something it knows (the
support case's reason, the late parcel behind a review, the NPS driver), so it also knows
the touchpoint the text is about and the sentiment it expresses. ``feedback/labels.csv``
records both, keyed by the id the item carries after import (an e-mail's Message-ID, a
review's ``review_id``, an NPS answer's ``response_id``; Message-IDs without their angle brackets), so that assignment and sentiment
can be scored against the truth (``benchmarks/voice_quality.py``).

Rules, so that the key stays honest:

- A text that names no particular touchpoint ("Lovely quality at fair prices.") belongs
  to the touchpoint where it was given: ``product-review`` for a review about the product
  itself, ``nps-survey`` for a general NPS comment.
- A customer's follow-up in a thread is about the thread's case, whatever its words.
- ``sentiment`` is the sign of what the text says: -1, 0 or +1, not the rating.
- Only customers' own words are labelled; agent replies are not feedback.

Labels use the generator's values only and draw no random numbers, so writing them changes
no other file.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import pyarrow as pa

from journeymap.demo.touchpoints import TOUCHPOINTS

LABELS_SCHEMA: Final = pa.schema(
    [
        pa.field("feedback_id", pa.string(), nullable=False),
        pa.field("source", pa.string(), nullable=False),
        pa.field("touchpoint", pa.string(), nullable=False),
        pa.field("stage", pa.string(), nullable=False),
        pa.field("sentiment", pa.int8(), nullable=False),
    ]
)

STAGE_OF: Final = {spec.id: spec.stage for spec in TOUCHPOINTS}

REASON_TOUCHPOINTS: Final = {
    "delivery_late": "home-delivery",
    "where_is_my_order": "delivery-updates",
    "confirmation_missing": "order-confirmation",
    "payment_failed": "payment-failure",
    "refund_delay": "refund",
    "return_question": "return-request",
    "welcome_call_praise": "welcome-call",
    "product_question": "care-guides",
}
"""Support e-mail reason -> the touchpoint the customer writes about."""
GENERAL_QUESTIONS: Final = ("replacement parts", "another colour")
"""Product questions that are not about care: general questions, given by e-mail."""
REASON_SENTIMENT: Final = {
    "delivery_late": -1,
    "where_is_my_order": 0,
    "confirmation_missing": -1,
    "payment_failed": -1,
    "refund_delay": -1,
    "return_question": 0,
    "welcome_call_praise": 1,
    "product_question": 0,
}
"""Support e-mail reason -> the sign of the customer's first message (questions are neutral)."""

NPS_DRIVER_TOUCHPOINTS: Final = {
    "slow_refund": "refund",
    "late": "home-delivery",
    "confirmation_missing": "order-confirmation",
    "welcome_call": "welcome-call",
    "returned": "return-request",
}
NPS_DRIVER_SENTIMENT: Final = {
    "slow_refund": -1,
    "late": -1,
    "confirmation_missing": -1,
    "welcome_call": 1,
    "returned": -1,
}
NPS_BAND_SENTIMENT: Final = {"promoter": 1, "passive": 0, "detractor": -1}
NPS_BAND_TOUCHPOINTS: Final = {
    "Great products and an easy website.": "website",
    "Good, but delivery costs are a bit high.": "delivery-options",
    "Fine. The website could be easier to use.": "website",
    "Customer service took ages to reply.": "support-email",
}
"""NPS band comments that name a touchpoint; the others are general (``nps-survey``)."""
NPS_ASIDE_TOUCHPOINTS: Final = {
    "Would love more discount codes.": "discount-code",
    "The app makes reordering quick.": "mobile-app",
    "The lady on the phone was very patient with me.": "support-phone",
}
"""Persona asides that name a touchpoint, for comments whose first sentence names none."""


@dataclass(frozen=True)
class FeedbackLabel:
    """The truth about one generated text."""

    feedback_id: str
    source: str
    touchpoint: str
    sentiment: int

    @property
    def stage(self) -> str:
        """The stage of the touchpoint on the demo map."""
        return STAGE_OF[self.touchpoint]


def mail_label(message_id: str, *, reason: str, text: str) -> FeedbackLabel:
    """A customer's first message is about its reason's touchpoint (a general product
    question, such as spare parts, is about the e-mail support it was given to)."""
    touchpoint = REASON_TOUCHPOINTS[reason]
    if reason == "product_question" and any(words in text for words in GENERAL_QUESTIONS):
        touchpoint = "support-email"
    return FeedbackLabel(mail_id(message_id), "email", touchpoint, REASON_SENTIMENT[reason])


def mail_id(message_id: str) -> str:
    """An e-mail's feedback id: its Message-ID without the angle brackets, as imported."""
    return message_id.strip().strip("<>")


def review_label(
    feedback_id: str, *, rating: int, late: bool, returned: bool, refund_sentence: bool
) -> FeedbackLabel:
    """A review is about what went wrong (a late parcel, a return), else about the product.

    ``refund_sentence``: the unhappy return sentence the review drew is about the refund
    (not the returns process).
    """
    happy = rating >= 4
    if late and not happy:
        touchpoint = "home-delivery"
    elif returned and not happy:
        touchpoint = "refund" if refund_sentence else "return-request"
    else:
        touchpoint = "product-review"
    if happy:
        sign = 1
    elif rating <= 2 or late or returned:
        sign = -1
    else:
        sign = 0
    return FeedbackLabel(feedback_id, "review", touchpoint, sign)


def nps_label(feedback_id: str, *, driver: str, band: str, comment: str) -> FeedbackLabel:
    """An NPS comment is about its driver's touchpoint, or what its band sentence names."""
    if driver:
        return FeedbackLabel(
            feedback_id, "nps", NPS_DRIVER_TOUCHPOINTS[driver], NPS_DRIVER_SENTIMENT[driver]
        )
    named = [t for sentence, t in NPS_BAND_TOUCHPOINTS.items() if comment.startswith(sentence)]
    named += [t for sentence, t in NPS_ASIDE_TOUCHPOINTS.items() if comment.endswith(sentence)]
    touchpoint = named[0] if named else "nps-survey"
    return FeedbackLabel(feedback_id, "nps", touchpoint, NPS_BAND_SENTIMENT[band])


def labels_table(labels: list[FeedbackLabel]) -> pa.Table:
    """Labels as rows of ``feedback/labels.csv``."""
    return pa.Table.from_arrays(
        [
            pa.array([label.feedback_id for label in labels], pa.string()),
            pa.array([label.source for label in labels], pa.string()),
            pa.array([label.touchpoint for label in labels], pa.string()),
            pa.array([label.stage for label in labels], pa.string()),
            pa.array([label.sentiment for label in labels], pa.int8()),
        ],
        schema=LABELS_SCHEMA,
    )
