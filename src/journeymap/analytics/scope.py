"""Which events an analysis looks at, and which customer property it breaks its numbers down by.

Every analysis answers the same question for a slice of customers: one persona's segment, a
date range, a channel. :class:`Scope` names that slice and :func:`apply_scope` cuts it out of
the events table before any analysis runs, so all analyses share one meaning of "in scope":

- ``start`` <= ``ts`` < ``end`` (either bound may be open): the date range keeps *events*, so
  a journey that began before ``start`` is seen from ``start`` on;
- ``channels``: only events on one of these channels (an empty tuple keeps every channel;
  events with no channel never match a non-empty list);
- ``segment``: only customers whose properties in the customers table satisfy the rule (a
  persona's segment), kept by a semi-join so the events table is never widened.

:func:`with_breakdown` adds one customer property as a column of the events, and every
analysis takes ``by=`` to break its numbers down by any such column.

>>> import ibis
>>> events = ibis.memtable({"customer_id": ["a", "b"], "channel": ["web", "app"]})
>>> customers = ibis.memtable({"customer_id": ["a", "b"], "plan": ["pro", "free"]})
>>> scoped = apply_scope(events, Scope(segment='plan == "pro"'), customers)
>>> scoped.customer_id.to_list()
['a']
>>> with_breakdown(events, customers, "plan").order_by("customer_id").plan.to_list()
['pro', 'free']
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import ibis
import ibis.expr.types as ir

from journeymap.analytics.rules import compile_rule
from journeymap.model.canonical import CHANNEL, CUSTOMER_ID, TS
from journeymap.model.rules import Rule, parse_rule

GROUP = "breakdown_group"
"""Column that holds each customer's breakdown value inside the analyses' expressions."""


class ScopeError(ValueError):
    """A scope or breakdown that cannot be applied to the tables at hand."""


@dataclass(frozen=True)
class Scope:
    """A slice of the events: a date range, some channels and a customer segment.

    ``start`` is inclusive and ``end`` exclusive; naive datetimes are taken as UTC.
    """

    start: datetime | None = None
    end: datetime | None = None
    channels: tuple[str, ...] = ()
    segment: str | Rule | None = None

    def __post_init__(self) -> None:
        if self.start is not None and self.end is not None and self.end <= self.start:
            raise ScopeError(
                f"the date range is empty: end {self.end.isoformat()} is not after start "
                f"{self.start.isoformat()}; pass an end later than the start"
            )


def apply_scope(events: ir.Table, scope: Scope, customers: ir.Table | None = None) -> ir.Table:
    """The events inside ``scope``; ``customers`` is needed when the scope has a segment.

    >>> import ibis
    >>> events = ibis.memtable({"customer_id": ["a", "a"], "channel": ["web", None]})
    >>> apply_scope(events, Scope(channels=("web",))).count().to_pyarrow().as_py()
    1
    """
    scoped = events
    if scope.start is not None:
        scoped = scoped.filter(scoped[TS] >= timestamp_literal(scope.start, scoped))
    if scope.end is not None:
        scoped = scoped.filter(scoped[TS] < timestamp_literal(scope.end, scoped))
    if scope.channels:
        scoped = scoped.filter(scoped[CHANNEL].isin(scope.channels).fill_null(False))
    if scope.segment is not None:
        scoped = _in_segment(scoped, scope.segment, customers)
    return scoped


def with_breakdown(events: ir.Table, customers: ir.Table, column: str) -> ir.Table:
    """``events`` with the customer property ``column`` added, for ``by=`` breakdowns.

    Customers missing from ``customers`` get null. Should the customers table hold several
    rows for one customer, the largest value counts, so events are never duplicated.

    >>> import ibis
    >>> events = ibis.memtable({"customer_id": ["a", "c"]})
    >>> customers = ibis.memtable({"customer_id": ["a"], "tier": ["gold"]})
    >>> with_breakdown(events, customers, "tier").order_by("customer_id").tier.to_list()
    ['gold', None]
    """
    if column == CUSTOMER_ID or column not in customers.columns:
        known = ", ".join(name for name in customers.columns if name != CUSTOMER_ID)
        raise ScopeError(
            f"cannot break down by {column!r}: it is not a property in the customers table; "
            f"the properties there are: {known or '(none)'}"
        )
    if column in events.columns:
        raise ScopeError(
            f"cannot break down by the customer property {column!r}: the events already have a "
            f"column of that name; pass by={column!r} to the analysis to use the events' column"
        )
    values = customers.group_by(CUSTOMER_ID).agg(customers[column].max().name(column))
    joined = events.left_join(values, events[CUSTOMER_ID] == values[CUSTOMER_ID])
    return joined.select(*events.columns, column)


def customer_groups(events: ir.Table, by: str | None) -> ir.Table:
    """One row per customer: ``customer_id`` and its breakdown value in :data:`GROUP`.

    The value is that of the customer's first event, which is *the* value for a column that
    :func:`with_breakdown` added (constant per customer); without ``by`` it is null.
    """
    return with_customer_group(events, by).select(CUSTOMER_ID, GROUP).distinct()


def with_customer_group(events: ir.Table, by: str | None) -> ir.Table:
    """``events`` plus :data:`GROUP`: the customer's value of ``by`` at their first event."""
    if by is None:
        return events.mutate(ibis.null("string").name(GROUP))
    if by not in events.columns:
        raise ScopeError(
            f"cannot break down by {by!r}: the events have no such column; add a customer "
            f"property with with_breakdown() or use one of: {', '.join(events.columns)}"
        )
    first = ibis.window(group_by=events[CUSTOMER_ID], order_by=[events[TS], events[by]])
    return events.mutate(events[by].first().over(first).name(GROUP))


def group_rows(table: ir.Table, *then: Any) -> list[dict[str, Any]]:
    """Rows of a small result table in :data:`GROUP` order (nulls last), then by ``then``
    (column names or sort keys such as ``ibis.desc("moves")``).

    Sorting in the engine makes results identical everywhere; zoned and naive timestamps
    (Spark has no zoned type) both come back as UTC-aware datetimes.
    """
    ordered = table.order_by([table[GROUP].isnull(), table[GROUP], *then])
    rows: list[dict[str, Any]] = ordered.to_pyarrow().to_pylist()
    return [{name: _utc(value) for name, value in row.items()} for row in rows]


def _utc(value: object) -> object:
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    if isinstance(value, datetime):
        return value.astimezone(UTC)
    return value


def _in_segment(events: ir.Table, segment: str | Rule, customers: ir.Table | None) -> ir.Table:
    rule = parse_rule(segment) if isinstance(segment, str) else segment
    if customers is None:
        raise ScopeError(
            f"the segment {rule.source!r} selects customers by their properties, but no "
            "customers table was given; import one (journeymap import customers FILE) or drop "
            "the segment"
        )
    unknown = sorted(rule.fields - set(customers.columns))
    if unknown:
        known = ", ".join(name for name in customers.columns if name != CUSTOMER_ID)
        raise ScopeError(
            f"the segment {rule.source!r} reads {', '.join(map(repr, unknown))}, which the "
            f"customers table does not have; its properties are: {known or '(none)'}"
        )
    members = customers.filter(compile_rule(rule, customers))[CUSTOMER_ID]
    # IN (subquery), not a join: the table may itself be scoped by a segment already, and
    # two joins on the same customers table make the join keys ambiguous to Ibis.
    return events.filter(events[CUSTOMER_ID].isin(members))


def timestamp_literal(moment: datetime, events: ir.Table) -> ir.TimestampValue:
    """``moment`` (naive means UTC) typed like the events' ``ts``, so no engine shifts it."""
    utc = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    column_type = events[TS].type()
    if getattr(column_type, "timezone", None) is None:
        # Engines without zoned timestamps (Spark) hold UTC wall-clock times.
        utc = utc.replace(tzinfo=None)
    literal: ir.TimestampValue = ibis.literal(utc, type=column_type)
    return literal
