"""Columnar records the simulation keeps beside the event log: orders, support cases, reviews, NPS.

The event log says *what happened*; these records keep the context the texts and the
manifest need (was the parcel late, was the refund slow) without searching the log again.
Each record type is a frozen dataclass of equally long numpy arrays, appended per round
and concatenated once per chunk.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Self

import numpy as np

from journeymap.demo.sampling import Bools, Floats, Ints

_DTYPES = {"Ints": np.int64, "Floats": np.float64, "Bools": np.bool_}


@dataclass(frozen=True)
class RecordBatch:
    """Base of the record types: concatenation and selection over all columns at once."""

    @classmethod
    def concat(cls, parts: list[Self]) -> Self:
        """All parts as one batch (an empty batch when there are none)."""
        columns = {}
        for field in fields(cls):
            arrays = [getattr(part, field.name) for part in parts]
            # annotations are postponed, so a field's type is its alias name: "Ints"...
            dtype = _DTYPES[str(field.type)]
            columns[field.name] = np.concatenate(arrays) if arrays else np.empty(0, dtype=dtype)
        return cls(**columns)

    def select(self, rows: Bools | Ints) -> Self:
        """The rows given by a mask or by indices."""
        return type(self)(**{f.name: getattr(self, f.name)[rows] for f in fields(self)})

    def __len__(self) -> int:
        first = fields(self)[0].name
        return int(getattr(self, first).size)


@dataclass(frozen=True)
class OrderRecords(RecordBatch):
    """Placed orders with what happened to them; ``order`` is the chunk's order key."""

    customer: Ints
    order: Ints
    placed: Floats
    product: Ints
    amount: Floats
    carrier: Ints
    promised: Ints
    delivered: Ints
    delivered_at: Floats
    late: Bools
    confirmation_missing: Bools
    first: Bools
    welcome_call: Bools
    returned: Bools
    refund_days: Floats
    followed: Bools


@dataclass(frozen=True)
class SupportCases(RecordBatch):
    """Support contacts (an e-mail or a call) with the order they are about, if any."""

    customer: Ints
    seconds: Floats
    reason: Ints
    channel: Ints
    order: Ints
    product: Ints
    amount: Floats
    carrier: Ints
    promised: Ints
    delivered: Ints


@dataclass(frozen=True)
class ReviewRecords(RecordBatch):
    """Product reviews, one per reviewed order."""

    customer: Ints
    order: Ints
    seconds: Floats
    product: Ints
    rating: Ints
    late: Bools
    returned: Bools


@dataclass(frozen=True)
class NpsRecords(RecordBatch):
    """Answers to the NPS survey sent two weeks after a customer's first delivery."""

    customer: Ints
    seconds: Floats
    score: Ints
    welcome_call: Bools
    late: Bools
    confirmation_missing: Bools
    returned: Bools
    slow_refund: Bools
