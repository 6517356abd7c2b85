"""Names of the canonical tables and columns: the contract between import and analytics.

Every importer produces exactly these columns; every analysis reads exactly these. Extra
columns of an event are its properties (``status``, ``amount``...), which event rules and
segment rules refer to by name.
"""

from __future__ import annotations

from typing import Final

EVENTS_TABLE: Final = "events"
CUSTOMERS_TABLE: Final = "customers"
FEEDBACK_TABLE: Final = "feedback"

CUSTOMER_ID: Final = "customer_id"
"""Who: the customer (or case, in process-mining terms); text."""
TS: Final = "ts"
"""When: a UTC timestamp."""
EVENT: Final = "event"
"""What: the event name (activity, in process-mining terms); text."""
CHANNEL: Final = "channel"
"""Where: web, app, email...; text, may be null."""
EVENT_ID: Final = "event_id"
"""A unique id per event: given by the source or a hash of its content (re-imports dedupe on it)."""

EVENT_COLUMNS: Final = (EVENT_ID, CUSTOMER_ID, TS, EVENT, CHANNEL)
"""The fixed columns of the events table, in order; properties follow."""

# Columns added when events are matched to the map's touchpoints.
TOUCHPOINT: Final = "touchpoint"
"""Id of the touchpoint an event is (null when no touchpoint's rule matches)."""
STAGE: Final = "stage"
"""Id of the stage of that touchpoint."""
STAGE_INDEX: Final = "stage_index"
"""0-based position of that stage in the spine."""
TOUCHPOINT_INDEX: Final = "touchpoint_index"
"""0-based position of the touchpoint in spine order (stage by stage)."""

# The feedback table: one row per piece of customer text (an e-mail, a ticket, a review, a
# survey answer), linked to a customer and a time like an event.
FEEDBACK_ID: Final = "feedback_id"
"""A unique id per item: the source's (Message-ID, review id...) or a hash of its content."""
SOURCE: Final = "source"
"""What kind of feedback: one of :data:`FEEDBACK_SOURCES`."""
SUBJECT: Final = "subject"
"""The e-mail subject or review title; text, may be null."""
TEXT: Final = "text"
"""The customer's own words: quoted replies and signatures stripped, personal data redacted."""
RATING: Final = "rating"
"""The customer's score where the source has one (stars 1-5, NPS 0-10, CSAT 1-5); may be null."""
THREAD_ID: Final = "thread_id"
"""Items of one conversation share it (an e-mail thread, a ticket); may be null."""

FEEDBACK_COLUMNS: Final = (FEEDBACK_ID, CUSTOMER_ID, TS, SOURCE, SUBJECT, TEXT, RATING, THREAD_ID)
"""The fixed columns of the feedback table, in order; properties (order id, product...) follow."""

FEEDBACK_SOURCES: Final = ("email", "ticket", "review", "nps", "csat", "survey")
"""The kinds of feedback; the rating's scale follows from it (review and csat 1-5, nps 0-10)."""
RATING_SCALES: Final = {"review": (1, 5), "csat": (1, 5), "nps": (0, 10)}
"""The valid range of ``rating`` per source; other sources have no rating."""
RAW_TEXT: Final = "raw_text"
"""The text before personal data was redacted; only stored where the workspace opts in."""

# Feedback seen as events, beside the event log: the moments analyses read negative feedback
# about a touchpoint as an experience signal (see ExperienceSignal, kind negative_feedback).
FEEDBACK_EVENT: Final = "feedback"
"""The event name a feedback item takes when it joins the events."""
FEEDBACK_TOUCHPOINT: Final = "feedback_touchpoint"
"""Id of the touchpoint the item was assigned to (null when unassigned)."""
SENTIMENT: Final = "sentiment"
"""The item's sentiment, -1 (negative) to 1 (positive); the rating's where there is one."""
