"""The event log of one chunk while it is simulated: whole blocks of events as numpy columns.

Every ``add`` appends one block (say, all ``cart_add`` events of this round) at once, so
the simulation never loops over events or customers. Text properties are held as codes
into the vocabularies of :mod:`journeymap.demo.catalogue`, missing values as ``-1`` (NaN
for amounts); :mod:`journeymap.demo.tables` turns the finished columns into Arrow.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np
import numpy.typing as npt

from journeymap.demo.catalogue import (
    CAMPAIGNS,
    CARRIERS,
    CHANNELS,
    DEVICES,
    ERRORS,
    EVENTS,
    PRODUCTS,
    REASONS,
    SHIPPING_METHODS,
    STATUSES,
    Vocabulary,
)
from journeymap.demo.sampling import Bools, Floats, Ints

NULL = -1
Codes = str | int | Ints | None
"""A text property: one value (or code) for the whole block, a code per event, or missing."""

_CUSTOMER_BITS = 21
_SECOND_BITS = 30
_BLOCK_BITS = 12


@dataclass(frozen=True)
class EventColumns:
    """A finished chunk of events, sorted by customer and time; codes as in the vocabularies.

    ``order`` is ``customer * 100 + order number`` within the chunk, ``referrer`` a
    customer index within the chunk, ``promised`` and ``delivered`` day offsets.
    """

    customer: Ints
    seconds: Ints
    event: Ints
    channel: Ints
    order: Ints
    product: Ints
    amount: Floats
    status: Ints
    error: Ints
    carrier: Ints
    shipping_method: Ints
    promised: Ints
    delivered: Ints
    referrer: Ints
    campaign: Ints
    device: Ints
    reason: Ints
    score: Ints

    def __len__(self) -> int:
        return int(self.customer.size)

    def of(self, event: str) -> Bools:
        """Which rows are this event."""
        mask: Bools = self.event == EVENTS[event]
        return mask


_CATEGORICAL: dict[str, Vocabulary] = {
    "channel": CHANNELS,
    "product": PRODUCTS,
    "status": STATUSES,
    "error": ERRORS,
    "carrier": CARRIERS,
    "shipping_method": SHIPPING_METHODS,
    "campaign": CAMPAIGNS,
    "device": DEVICES,
    "reason": REASONS,
}
_COLUMN_NAMES = tuple(field.name for field in fields(EventColumns))


class EventLog:
    """Collects blocks of events for ``customers`` customers and sorts them at the end."""

    def __init__(self, customers: int) -> None:
        if customers >= 1 << _CUSTOMER_BITS:
            raise ValueError(f"a chunk holds at most {1 << _CUSTOMER_BITS} customers")
        self._blocks: dict[str, list[npt.NDArray[np.generic]]] = {
            name: [] for name in (*_COLUMN_NAMES, "block")
        }
        self.last_seen: Floats = np.full(customers, -np.inf)
        """Each customer's latest event so far; the win-back job reads it to find lapses."""

    def add(
        self,
        event: str,
        customer: Ints,
        seconds: Floats,
        *,
        channel: Codes,
        order: Ints | None = None,
        product: Codes = None,
        amount: Floats | float | None = None,
        status: Codes = None,
        error: Codes = None,
        carrier: Codes = None,
        shipping_method: Codes = None,
        promised: Ints | None = None,
        delivered: Ints | None = None,
        referrer: Ints | None = None,
        campaign: Codes = None,
        device: Codes = None,
        reason: Codes = None,
        score: Ints | None = None,
    ) -> None:
        """Append one block: ``customer`` and ``seconds`` arrays of equal length, properties
        as arrays of that length or single values for the whole block."""
        size = customer.size
        if seconds.size != size:
            raise ValueError(f"{event}: {size} customers but {seconds.size} times")
        if size == 0:
            return
        block = len(self._blocks["block"])
        if block >= 1 << _BLOCK_BITS:
            raise ValueError("too many event blocks in one chunk")
        categorical = {
            "channel": channel,
            "product": product,
            "status": status,
            "error": error,
            "carrier": carrier,
            "shipping_method": shipping_method,
            "campaign": campaign,
            "device": device,
            "reason": reason,
        }
        columns: dict[str, npt.NDArray[np.generic]] = {
            "customer": customer.astype(np.int64, copy=False),
            "seconds": np.floor(seconds),
            "event": np.full(size, EVENTS[event], dtype=np.int64),
            "order": _numbers(order, size),
            "amount": _amounts(amount, size),
            "promised": _numbers(promised, size),
            "delivered": _numbers(delivered, size),
            "referrer": _numbers(referrer, size),
            "score": _numbers(score, size),
            "block": np.full(size, block, dtype=np.int64),
        }
        for name, value in categorical.items():
            columns[name] = _codes(value, _CATEGORICAL[name], size)
        for name, column in columns.items():
            if column.shape != (size,):
                raise ValueError(f"{event}: property {name} has shape {column.shape}")
            self._blocks[name].append(column)
        np.maximum.at(self.last_seen, customer, columns["seconds"])

    def finish(self, end: float) -> EventColumns:
        """All events before ``end``, sorted by customer, time and the order they were added.

        Adding order breaks ties within a second, so a checkout's steps stay in sequence.
        """
        joined = {
            name: np.concatenate(parts) if parts else np.empty(0, dtype=np.int64)
            for name, parts in self._blocks.items()
        }
        seconds = joined["seconds"].astype(np.int64)
        keep = (seconds >= 0) & (seconds < end)
        key = (
            (joined["customer"].astype(np.int64) << (_SECOND_BITS + _BLOCK_BITS))
            | (seconds << _BLOCK_BITS)
            | joined["block"].astype(np.int64)
        )
        order = np.flatnonzero(keep)
        order = order[np.argsort(key[order], kind="stable")]
        values: dict[str, npt.NDArray[np.generic]] = {}
        for name in _COLUMN_NAMES:
            column = seconds if name == "seconds" else joined[name]
            values[name] = column[order]
        return EventColumns(**values)  # type: ignore[arg-type]


def _codes(value: Codes, vocabulary: Vocabulary, size: int) -> Ints:
    if value is None:
        return np.full(size, NULL, dtype=np.int64)
    if isinstance(value, str):
        return np.full(size, vocabulary[value], dtype=np.int64)
    if isinstance(value, int):
        return np.full(size, value, dtype=np.int64)
    return value.astype(np.int64, copy=False)


def _numbers(value: Ints | None, size: int) -> Ints:
    if value is None:
        return np.full(size, NULL, dtype=np.int64)
    return value.astype(np.int64, copy=False)


def _amounts(value: Floats | float | None, size: int) -> Floats:
    if value is None:
        return np.full(size, np.nan)
    if isinstance(value, float):
        return np.full(size, value)
    return value.astype(np.float64, copy=False)
