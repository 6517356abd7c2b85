"""Customer text -> canonical feedback rows, with rejects: mailboxes, tickets, reviews, surveys.

``read_feedback(path)`` opens an mbox file, an .eml file or a folder of them, or a CSV /
JSON Lines table of tickets, reviews, NPS, CSAT or free-text survey answers, and yields
:class:`FeedbackChunk` objects: a :class:`pyarrow.RecordBatch` of good items with the
canonical feedback columns (``feedback_id, customer_id, ts, source, subject, text, rating,
thread_id``, then ``sender`` and ``notes``, then text properties such as ``order_id``) and
the :class:`~journeymap.ingest.Reject` records of bad items, never dropped silently.

Nothing here redacts or links: the services layer redacts personal data between reading
and storing, and the engine links each item to a customer by id or sender address.

>>> for chunk in read_feedback("feedback/support.mbox"):  # doctest: +SKIP
...     print(chunk.batch.num_rows, len(chunk.rejects), chunk.agent_messages)
"""

from journeymap.ingest.feedback.cleaning import html_to_text, own_words
from journeymap.ingest.feedback.source import (
    FEEDBACK_BATCH_ROWS,
    MAPPABLE,
    NOTES,
    SENDER,
    FeedbackChunk,
    FeedbackFormat,
    FeedbackKind,
    FeedbackMapping,
    FeedbackSource,
    read_feedback,
)
from journeymap.ingest.feedback.table_shaper import FEEDBACK_ALIASES

__all__ = [
    "FEEDBACK_ALIASES",
    "FEEDBACK_BATCH_ROWS",
    "MAPPABLE",
    "NOTES",
    "SENDER",
    "FeedbackChunk",
    "FeedbackFormat",
    "FeedbackKind",
    "FeedbackMapping",
    "FeedbackSource",
    "html_to_text",
    "own_words",
    "read_feedback",
]
