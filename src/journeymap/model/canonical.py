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
