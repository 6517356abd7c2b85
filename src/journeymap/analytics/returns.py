"""Lapse and return: customers who go quiet for a while and come back, and what brought them back.

Definitions (``lapse_days`` defaults to 45):

- **activity** is every event, or only the events that satisfy the ``activity`` rule. Leave
  out messages the company sends (``event != "winback_email"``, ``channel != "email"``):
  a win-back e-mail is not the customer being active, and counting it would "end" every
  lapse it was sent to, whether the customer came back or not;
- a **return** is an activity event that comes ``lapse_days`` or more after the customer's
  previous activity (the gap). A customer can return several times;
- **what brought them back** is the first event on or after the moment the customer
  counted as lapsed (previous activity + ``lapse_days``) and no later than the return: the
  win-back e-mail when activity leaves it out, otherwise the return event itself. With
  touchpoint events it is reported as the first *touchpoint* in that window (null when no
  event there is on the map), else as the event name;
- a customer is **still lapsed** when their last activity lies ``lapse_days`` or more
  before ``as_of`` (by default the last event in ``events``).

>>> import datetime as dt, ibis
>>> t = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
>>> events = ibis.memtable({
...     "event_id": ["1", "2", "3", "4"], "customer_id": ["a", "a", "a", "b"],
...     "ts": [t, t + dt.timedelta(days=50), t + dt.timedelta(days=52), t + dt.timedelta(days=52)],
...     "event": ["order", "winback_email", "visit", "order"]})
>>> result = returns(events, activity='event != "winback_email"')
>>> [(x.brought_back_by, x.returns) for x in result.triggers]
[('winback_email', 1)]
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from journeymap.analytics.rules import compile_rule
from journeymap.analytics.scope import GROUP, group_rows, timestamp_literal, with_customer_group
from journeymap.analytics.time_to_value import DAY, DurationStats, duration_aggregates
from journeymap.model.canonical import CUSTOMER_ID, EVENT, EVENT_ID, TOUCHPOINT, TS
from journeymap.model.rules import Rule

DEFAULT_LAPSE_DAYS = 45


@dataclass(frozen=True)
class ReturnTrigger:
    """What brought customers back: a touchpoint id or event name (None: not on the map)."""

    group: object
    brought_back_by: str | None
    returns: int
    customers: int


@dataclass(frozen=True)
class ReturnGroup:
    """Lapses and returns in one breakdown group (None without a breakdown)."""

    group: object
    active_customers: int
    returns: int
    returning_customers: int
    still_lapsed: int
    gap: DurationStats
    """Length of the silences that ended in a return, in seconds."""


@dataclass(frozen=True)
class Returns:
    """Who lapsed and came back, and what brought them back (most frequent first)."""

    lapse_days: int
    brought_back_by: str
    """``touchpoint`` or ``event``: what :attr:`ReturnTrigger.brought_back_by` names."""
    by: str | None
    groups: tuple[ReturnGroup, ...]
    triggers: tuple[ReturnTrigger, ...]

    def to_arrow(self) -> pa.Table:
        """One row per group: active customers, returns, returning and still-lapsed customers."""
        return pa.Table.from_pylist(
            [
                {
                    **({self.by: group.group} if self.by else {}),
                    "active_customers": group.active_customers,
                    "returns": group.returns,
                    "returning_customers": group.returning_customers,
                    "still_lapsed": group.still_lapsed,
                    "median_gap_days": None if group.gap.median is None else group.gap.median / DAY,
                }
                for group in self.groups
            ]
        )


def return_list(
    events: ir.Table,
    *,
    lapse_days: int = DEFAULT_LAPSE_DAYS,
    activity: str | Rule | None = None,
    by: str | None = None,
) -> ir.Table:
    """One row per return: who, when they went quiet and came back, the gap and the trigger.

    Columns: ``customer_id``, :data:`~journeymap.analytics.scope.GROUP`, ``last_active_at``,
    ``returned_at``, ``gap_seconds``, ``trigger_event`` and ``trigger_at`` (the first event
    once lapsed), and with touchpoint events ``trigger_touchpoint``.
    """
    _check_lapse(lapse_days)
    grouped = with_customer_group(events, by)
    marked = grouped.mutate(
        _active=ibis.literal(True) if activity is None else compile_rule(activity, grouped),
        _has_touchpoint=(grouped[TOUCHPOINT].notnull() if TOUCHPOINT in grouped.columns else False),
    )
    # One pass of windows, no self-join: each event learns the customer's last activity
    # before it; the events at least lapse_days after that activity, up to and including
    # the next activity (the return), form one lapse, and its first event is the trigger.
    before = ibis.window(group_by=marked[CUSTOMER_ID], order_by=_order(marked), rows=(None, -1))
    marked = marked.mutate(last_active_at=marked[TS].max(where=marked._active).over(before))
    lapsed = marked.filter(
        marked[TS].epoch_seconds() >= marked.last_active_at.epoch_seconds() + lapse_days * DAY
    )
    lapse = [lapsed[CUSTOMER_ID], lapsed.last_active_at]
    first = ibis.window(group_by=lapse, order_by=_order(lapsed))
    first_touchpoint = ibis.window(
        group_by=[*lapse, lapsed._has_touchpoint], order_by=_order(lapsed)
    )
    ranked = lapsed.mutate(
        _first=ibis.row_number().over(first) == 0,
        _first_touchpoint=(ibis.row_number().over(first_touchpoint) == 0) & lapsed._has_touchpoint,
    )
    touchpoint = (
        {"trigger_touchpoint": ranked[TOUCHPOINT].max(where=ranked._first_touchpoint)}
        if TOUCHPOINT in ranked.columns
        else {}
    )
    lapses = ranked.group_by([CUSTOMER_ID, GROUP, "last_active_at"]).agg(
        returned_at=ranked[TS].min(where=ranked._active),
        trigger_event=ranked[EVENT].max(where=ranked._first),
        trigger_at=ranked[TS].max(where=ranked._first),
        **touchpoint,
    )
    back = lapses.filter(lapses.returned_at.notnull())
    return back.select(
        CUSTOMER_ID,
        GROUP,
        "last_active_at",
        "returned_at",
        gap_seconds=back.returned_at.epoch_seconds() - back.last_active_at.epoch_seconds(),
        trigger_event=back.trigger_event,
        trigger_at=back.trigger_at,
        **{name: back[name] for name in touchpoint},
    )


def lapsed_customers(
    events: ir.Table,
    *,
    lapse_days: int = DEFAULT_LAPSE_DAYS,
    activity: str | Rule | None = None,
    as_of: datetime | None = None,
    by: str | None = None,
) -> ir.Table:
    """Customers still lapsed at ``as_of``: ``customer_id``, group, ``last_active_at``, ``silent_seconds``.

    ``as_of`` defaults to the time of the last event in ``events``; activity after it is
    ignored, as if the data ended there.
    """
    _check_lapse(lapse_days)
    grouped = with_customer_group(events, by)
    active = _activity(grouped, activity)
    if as_of is not None:
        # what happened after as_of was not known then
        active = active.filter(active[TS] <= timestamp_literal(as_of, active))
    last = active.group_by([CUSTOMER_ID, GROUP]).agg(last_active_at=active[TS].max())
    if as_of is None:
        end = grouped.aggregate(as_of=grouped[TS].max())
        last = last.cross_join(end)
        end_seconds = last.as_of.epoch_seconds()
    else:
        end_seconds = timestamp_literal(as_of, active).epoch_seconds()
    silent = last.mutate(silent_seconds=end_seconds - last.last_active_at.epoch_seconds())
    return silent.filter(silent.silent_seconds >= lapse_days * DAY).select(
        CUSTOMER_ID, GROUP, "last_active_at", "silent_seconds"
    )


def returns(
    events: ir.Table,
    *,
    lapse_days: int = DEFAULT_LAPSE_DAYS,
    activity: str | Rule | None = None,
    as_of: datetime | None = None,
    by: str | None = None,
) -> Returns:
    """Returns after a lapse of ``lapse_days``, what brought customers back, who is still lapsed."""
    listed = return_list(events, lapse_days=lapse_days, activity=activity, by=by)
    lapsed = lapsed_customers(events, lapse_days=lapse_days, activity=activity, as_of=as_of, by=by)
    grouped = with_customer_group(events, by)
    active = _activity(grouped, activity)
    population = active.group_by(GROUP).agg(active_customers=active[CUSTOMER_ID].nunique())
    returned = listed.group_by(GROUP).agg(
        returns=listed.count(),
        returning_customers=listed[CUSTOMER_ID].nunique(),
        **duration_aggregates(listed.gap_seconds, prefix="gap_"),
    )
    still = lapsed.group_by(GROUP).agg(still_lapsed=lapsed.count())
    summary = (
        population.left_join(returned, _same_group(population, returned))
        .drop(GROUP + "_right")
        .left_join(still, _same_group(population, still))
        .drop(GROUP + "_right")
    )
    groups = tuple(
        ReturnGroup(
            group=row[GROUP],
            active_customers=int(row["active_customers"]),
            returns=int(row["returns"] or 0),
            returning_customers=int(row["returning_customers"] or 0),
            still_lapsed=int(row["still_lapsed"] or 0),
            gap=DurationStats.from_row(row, prefix="gap_"),
        )
        for row in group_rows(summary)
    )
    kind = TOUCHPOINT if TOUCHPOINT in events.columns else EVENT
    trigger = listed[f"trigger_{kind}"]
    counts = listed.group_by([GROUP, trigger.name("brought_back_by")]).agg(
        returns=listed.count(), customers=listed[CUSTOMER_ID].nunique()
    )
    triggers = tuple(
        ReturnTrigger(
            group=row[GROUP],
            brought_back_by=row["brought_back_by"],
            returns=int(row["returns"]),
            customers=int(row["customers"]),
        )
        for row in group_rows(counts, ibis.desc("returns"), "brought_back_by")
    )
    return Returns(
        lapse_days=lapse_days, brought_back_by=kind, by=by, groups=groups, triggers=triggers
    )


def _activity(events: ir.Table, activity: str | Rule | None) -> ir.Table:
    return events if activity is None else events.filter(compile_rule(activity, events))


def _order(events: ir.Table) -> list[ir.Column]:
    return [events[TS], *(events[key] for key in (EVENT_ID,) if key in events.columns)]


def _same_group(left: ir.Table, right: ir.Table) -> ir.BooleanValue:
    # null groups (no breakdown, or customers without the property) must meet each other
    condition: ir.BooleanValue = left[GROUP].identical_to(right[GROUP])
    return condition


def _check_lapse(lapse_days: int) -> None:
    if lapse_days < 1:
        raise ValueError(f"lapse_days must be at least 1 day, got {lapse_days}")
