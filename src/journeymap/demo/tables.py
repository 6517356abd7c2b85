"""Arrow schemas of the generated tables, and the conversion of a simulated chunk into them.

Ids are fixed-width text built straight into Arrow buffers (``C000123``, ``NW-000123-02``,
``E000000001``) and text columns go through dictionary arrays, so converting a chunk of
half a million events costs a few vectorised passes and no Python loop over rows.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from journeymap.demo.catalogue import (
    CAMPAIGNS,
    CARRIERS,
    CHANNELS,
    COUNTRIES,
    DEVICES,
    ERRORS,
    EVENTS,
    PRODUCTS,
    REASONS,
    SHIPPING_METHODS,
    STATUSES,
    Vocabulary,
)
from journeymap.demo.eventlog import EventColumns
from journeymap.demo.personas import (
    AGE_BANDS,
    CHANNEL_PREFERENCES,
    FAMILY_STATUSES,
    INCOME_BANDS,
    KNOWLEDGE_LEVELS,
    LOYALTY_TIERS,
    PERSONA_IDS,
    PROFESSIONS,
)
from journeymap.demo.sampling import Bools, Ints
from journeymap.demo.simulate import ChunkResult
from journeymap.demo.timeline import DAY, Timeline

EVENTS_SCHEMA = pa.schema(
    [
        pa.field("event_id", pa.string(), nullable=False),
        pa.field("customer_id", pa.string(), nullable=False),
        pa.field("ts", pa.timestamp("us", tz="UTC"), nullable=False),
        pa.field("event", pa.string(), nullable=False),
        pa.field("channel", pa.string(), nullable=False),
        pa.field("order_id", pa.string()),
        pa.field("product", pa.string()),
        pa.field("amount", pa.float64()),
        pa.field("status", pa.string()),
        pa.field("error", pa.string()),
        pa.field("carrier", pa.string()),
        pa.field("shipping_method", pa.string()),
        pa.field("promised_date", pa.date32()),
        pa.field("delivered_date", pa.date32()),
        pa.field("referrer_id", pa.string()),
        pa.field("campaign", pa.string()),
        pa.field("device", pa.string()),
        pa.field("reason", pa.string()),
        pa.field("score", pa.int16()),
    ]
)

CUSTOMERS_SCHEMA = pa.schema(
    [
        pa.field("customer_id", pa.string(), nullable=False),
        pa.field("signup_date", pa.date32(), nullable=False),
        pa.field("country", pa.string(), nullable=False),
        pa.field("age_band", pa.string(), nullable=False),
        pa.field("profession", pa.string(), nullable=False),
        pa.field("income_band", pa.string(), nullable=False),
        pa.field("family_status", pa.string(), nullable=False),
        pa.field("knowledge_level", pa.string(), nullable=False),
        pa.field("channel_preference", pa.string(), nullable=False),
        pa.field("loyalty_tier", pa.string(), nullable=False),
        pa.field("email", pa.string(), nullable=False),
        pa.field("persona_truth", pa.string(), nullable=False),
        pa.field("referred_by", pa.string()),
        pa.field("first_name", pa.string(), nullable=False),
        pa.field("last_name", pa.string(), nullable=False),
        pa.field("churned", pa.bool_(), nullable=False),
    ]
)


class IdFormat:
    """Widths of the generated ids; customer numbers widen past 999,999 customers."""

    def __init__(self, customers: int) -> None:
        self.customer_digits = max(6, len(str(customers)))
        self.event_digits = max(9, len(str(customers * 100)))

    def customer(self, numbers: Ints) -> pa.StringArray:
        """``C000123`` for customer number 123."""
        return fixed_width_text([b"C", (numbers, self.customer_digits)])

    def customer_text(self, number: int) -> str:
        """One customer id as a Python string."""
        return f"C{number:0{self.customer_digits}d}"

    def order(self, customer_numbers: Ints, order_numbers: Ints, valid: Bools) -> pa.StringArray:
        """``NW-000123-02`` for the second order of customer 123."""
        parts: list[bytes | tuple[Ints, int]] = [
            b"NW-",
            (customer_numbers, self.customer_digits),
            b"-",
            (order_numbers, 2),
        ]
        return fixed_width_text(parts, valid=valid)

    def order_text(self, customer_number: int, order_number: int) -> str:
        """One order id as a Python string."""
        return f"NW-{customer_number:0{self.customer_digits}d}-{order_number:02d}"

    def event(self, numbers: Ints) -> pa.StringArray:
        """``E000000001`` for the first event written."""
        return fixed_width_text([b"E", (numbers, self.event_digits)])


def fixed_width_text(
    parts: list[bytes | tuple[Ints, int]], *, valid: Bools | None = None
) -> pa.StringArray:
    """Strings made of constant bytes and zero-padded numbers, written straight into a buffer."""
    size = next(p[0].size for p in parts if isinstance(p, tuple)) if parts else 0
    width = sum(len(p) if isinstance(p, bytes) else p[1] for p in parts)
    text = np.empty((size, width), dtype=np.uint8)
    column = 0
    for part in parts:
        if isinstance(part, bytes):
            text[:, column : column + len(part)] = np.frombuffer(part, dtype=np.uint8)
            column += len(part)
            continue
        numbers, digits = part
        rest = numbers.astype(np.int64).copy()
        for position in range(column + digits - 1, column - 1, -1):
            text[:, position] = 48 + rest % 10
            rest //= 10
        column += digits
    offsets = np.arange(0, size * width + 1, width, dtype=np.int32)
    bitmap = None
    if valid is not None:
        bitmap = pa.py_buffer(np.packbits(valid, bitorder="little"))
    nulls = -1 if valid is None else int(size - np.count_nonzero(valid))
    return pa.StringArray.from_buffers(
        size, pa.py_buffer(offsets), pa.py_buffer(text), bitmap, null_count=nulls
    )


def categorical(codes: npt.NDArray[np.integer], values: Vocabulary | tuple[str, ...]) -> pa.Array:
    """Text from codes into ``values``; negative codes become nulls."""
    labels = values.values if isinstance(values, Vocabulary) else values
    indices = pa.array(codes.astype(np.int32), mask=codes < 0)
    return pa.DictionaryArray.from_arrays(indices, pa.array(labels, pa.string())).cast(pa.string())


def _dates(timeline: Timeline, days: Ints) -> pa.Array:
    return pa.array((timeline.epoch_day + days).astype(np.int32), pa.date32(), mask=days < 0)


def _lookup(ids: pa.StringArray, local: Ints) -> pa.Array:
    """Customer ids of the chunk looked up by local index (-1 gives null)."""
    indices = pa.array(local.astype(np.int32), mask=local < 0)
    return pa.DictionaryArray.from_arrays(indices, ids).cast(pa.string())


def events_table(
    result: ChunkResult, timeline: Timeline, ids: IdFormat, first_event: int
) -> pa.Table:
    """The chunk's events as Arrow, numbered from ``first_event``."""
    events: EventColumns = result.events
    size = len(events)
    customer_ids = ids.customer(result.people.numbers)
    has_order = events.order >= 0
    order_customer = result.people.first_number + np.maximum(events.order, 0) // 100
    epoch_us = timeline.epoch_day * int(DAY) * 1_000_000
    columns = [
        ids.event(np.arange(first_event, first_event + size, dtype=np.int64)),
        _lookup(customer_ids, events.customer),
        pa.array(epoch_us + events.seconds * 1_000_000, pa.timestamp("us", tz="UTC")),
        categorical(events.event, EVENTS),
        categorical(events.channel, CHANNELS),
        ids.order(order_customer, np.maximum(events.order, 0) % 100, has_order),
        categorical(events.product, PRODUCTS),
        pa.array(events.amount, pa.float64(), from_pandas=True),
        categorical(events.status, STATUSES),
        categorical(events.error, ERRORS),
        categorical(events.carrier, CARRIERS),
        categorical(events.shipping_method, SHIPPING_METHODS),
        _dates(timeline, events.promised),
        _dates(timeline, events.delivered),
        _lookup(customer_ids, events.referrer),
        categorical(events.campaign, CAMPAIGNS),
        categorical(events.device, DEVICES),
        categorical(events.reason, REASONS),
        pa.array(events.score.astype(np.int16), pa.int16(), mask=events.score < 0),
    ]
    return pa.Table.from_arrays(columns, schema=EVENTS_SCHEMA)


def customers_table(result: ChunkResult, timeline: Timeline, ids: IdFormat) -> pa.Table:
    """The chunk's customers as Arrow."""
    people = result.people
    customer_ids = ids.customer(people.numbers)
    signup = np.floor(people.arrival / DAY).astype(np.int64)
    columns = [
        customer_ids,
        _dates(timeline, signup),
        categorical(people.country, COUNTRIES),
        categorical(people.age_band, AGE_BANDS),
        categorical(people.profession, PROFESSIONS),
        categorical(people.income_band, INCOME_BANDS),
        categorical(people.family_status, FAMILY_STATUSES),
        categorical(people.knowledge_level, KNOWLEDGE_LEVELS),
        categorical(people.channel_preference, CHANNEL_PREFERENCES),
        categorical(result.loyalty, LOYALTY_TIERS),
        pa.array(people.email, pa.string()),
        categorical(people.persona, PERSONA_IDS),
        _lookup(customer_ids, result.referrer),
        pa.array(people.first_name, pa.string()),
        pa.array(people.last_name, pa.string()),
        pa.array(result.churned, pa.bool_()),
    ]
    return pa.Table.from_arrays(columns, schema=CUSTOMERS_SCHEMA)
