"""Reach and volume: how many customers each stage and touchpoint touches, and how often.

Read from touchpoint events (see :func:`~journeymap.analytics.matching.match_touchpoints`).
``customers`` counts distinct customers with at least one event there, ``events`` the
events, and ``share`` is customers over all customers in the input (events the map does not
cover included), within the same breakdown group when there is one. With a journey, every
stage and touchpoint of the spine is listed in spine order, unreached ones with zeros.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import ibis
import pyarrow as pa

from journeymap.model import Journey
from journeymap.model.canonical import CUSTOMER_ID, STAGE, STAGE_INDEX, TOUCHPOINT, TOUCHPOINT_INDEX

__all__ = ["Reach", "ReachRow", "reach"]


@dataclass(frozen=True)
class ReachRow:
    """One stage or touchpoint (``level``), within one breakdown ``group`` (None: all)."""

    level: str
    id: str
    stage: str
    position: int
    group: object
    customers: int
    events: int
    share: float


@dataclass(frozen=True)
class Reach:
    """Stage rows, then touchpoint rows, each in spine order (then by group)."""

    rows_: tuple[ReachRow, ...]
    by: str | None
    customers: int

    @property
    def stages(self) -> tuple[ReachRow, ...]:
        """The stage rows."""
        return tuple(r for r in self.rows_ if r.level == "stage")

    @property
    def touchpoints(self) -> tuple[ReachRow, ...]:
        """The touchpoint rows."""
        return tuple(r for r in self.rows_ if r.level == "touchpoint")

    def row(self, id: str, group: object = None) -> ReachRow:
        """The row of a stage or touchpoint id (in ``group``); ``KeyError`` if absent."""
        for row in self.rows_:
            if row.id == id and row.group == group:
                return row
        raise KeyError(id)

    def rows(self) -> list[dict[str, object]]:
        """One dict per row; ``group`` is named after the breakdown column."""
        return [
            {"level": r.level, "id": r.id, "stage": r.stage, "position": r.position,
             self.by or "group": r.group, "customers": r.customers, "events": r.events,
             "share": r.share}
            for r in self.rows_
        ]  # fmt: skip

    def to_arrow(self) -> pa.Table:
        """The rows as an Arrow table."""
        return pa.Table.from_pylist(self.rows())


def reach(
    touchpoint_events: ibis.Table, journey: Journey | None = None, *, by: str | None = None
) -> Reach:
    """Customers, events and share of customers per stage and per touchpoint.

    ``by`` names a column to break the numbers down by (a channel, or a customer property
    the caller joined in); shares are then within each group.

    >>> import ibis
    >>> events = ibis.memtable({"customer_id": ["a", "a", "b"],
    ...     "touchpoint": ["pay", "pay", None], "stage": ["buy", "buy", None],
    ...     "stage_index": [0, 0, None], "touchpoint_index": [0, 0, None]})
    >>> row = reach(events).row("pay")
    >>> (row.customers, row.events, row.share)
    (1, 2, 0.5)
    """
    table = touchpoint_events
    group: Any = table[by] if by is not None else ibis.literal(None).cast("string")
    table = table.mutate(_group=group)
    totals = {
        r["_group"]: int(r["n"])
        for r in table.group_by("_group")
        .agg(n=table[CUSTOMER_ID].nunique())
        .to_pyarrow()
        .to_pylist()
    }
    rows: list[ReachRow] = []
    for level, key, index in (
        ("stage", STAGE, STAGE_INDEX),
        ("touchpoint", TOUCHPOINT, TOUCHPOINT_INDEX),
    ):
        matched = table.filter(table[key].notnull())
        counted = matched.group_by(
            _id=matched[key],
            _stage=matched[STAGE],
            _position=matched[index],
            _group=matched["_group"],
        ).agg(customers=matched[CUSTOMER_ID].nunique(), events=matched.count())
        found = {(r["_id"], r["_group"]): r for r in counted.to_pyarrow().to_pylist()}
        for (item, stage, position), group_value in _expected(journey, level, found, totals):
            r = found.get((item, group_value))
            customers = int(r["customers"]) if r else 0
            total = totals.get(group_value, 0)
            rows.append(
                ReachRow(level, item, stage, position, group_value, customers,
                         int(r["events"]) if r else 0, customers / total if total else 0.0)
            )  # fmt: skip
    return Reach(tuple(rows), by, sum(totals.values()) if by is None else _distinct(table))


def _distinct(table: ibis.Table) -> int:
    return int(table[CUSTOMER_ID].nunique().to_pyarrow().as_py())


def _expected(
    journey: Journey | None,
    level: str,
    found: dict[tuple[Any, Any], dict[str, Any]],
    totals: dict[Any, int],
) -> list[tuple[tuple[str, str, int], Any]]:
    """The rows to show: the whole spine with a journey, else what the data has."""
    if journey is not None:
        if level == "stage":
            items = [(s.id, s.id, i) for i, s in enumerate(journey.stages)]
        else:
            items = [(t.id, s.id, i) for i, (s, t) in enumerate(journey.touchpoints())]
    else:
        seen = {(key[0], r["_stage"], int(r["_position"])) for key, r in found.items()}
        items = sorted(seen, key=lambda item: (item[2], item[0]))
    groups = sorted(totals, key=lambda g: (g is None, str(g)))
    return [(item, g) for item in items for g in groups]
