"""Observation and outcome windows: what customers lived before a cut-off, what became of them after.

Without a cut-off, the moments analyses read each customer's whole history, so a signal
that happens *because of* an outcome (a thank-you mail after a repeat order, a parcel still
on its way for a recent buyer) looks like its cause. With ``observed_before`` set:

* the **observation window** (events before the cut-off) gives the signals, the activity
  baseline, the segments, and the populations of outcomes measured ``among`` another
  (churn among those who bought *before* the cut-off); the customers studied are those
  active in it;
* the **outcome window** (events at or after the cut-off) gives the event outcomes (bought
  again, promoter, a review score); outcomes on customer properties only (the CRM's churn
  flag) are taken as the customers table has them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import ibis

from journeymap.analytics.outcomes import outcome_table
from journeymap.model import Outcome
from journeymap.model.canonical import CUSTOMER_ID, TS

__all__ = [
    "EXPOSURE_COLUMNS",
    "CutOff",
    "exposure_table",
    "observed_events",
    "resolve_cut_off",
    "windowed_outcomes",
]

CutOff = dt.datetime | dt.timedelta
"""A cut-off time, or how long before the log's last event it lies (``45 days``)."""

EXPOSURE_COLUMNS = ("_tenure_days", "_recency_days", "_events")
"""Days from each customer's first, and from their last, observed event to the window's end,
and how many events they had in it."""

_DAY_SECONDS = 86_400.0


def resolve_cut_off(events: ibis.Table, observed_before: CutOff | None) -> dt.datetime | None:
    """The cut-off as a time: a timedelta counts back from the last event of ``events``.

    Naive times are UTC, as everywhere in journeymap.
    """
    if observed_before is None:
        return None
    if isinstance(observed_before, dt.timedelta):
        observed_before = _latest(events) - observed_before
    assert isinstance(observed_before, dt.datetime)
    if observed_before.tzinfo is None:
        observed_before = observed_before.replace(tzinfo=dt.UTC)
    return observed_before


def _latest(events: ibis.Table) -> dt.datetime:
    """The time of the last event (one reduction in the engine)."""
    latest = events.aggregate(latest=events[TS].max()).to_pyarrow().to_pylist()[0]["latest"]
    if latest is None:
        raise ValueError("there are no events: the observation window has no end")
    assert isinstance(latest, dt.datetime)
    return latest


def observed_events(events: ibis.Table, observed_before: dt.datetime | None) -> ibis.Table:
    """The events of the observation window (all of them without a cut-off)."""
    return events if observed_before is None else events.filter(events[TS] < observed_before)


def windowed_outcomes(
    events: ibis.Table,
    outcomes: Sequence[Outcome],
    *,
    customers: ibis.Table | None,
    observed_before: dt.datetime | None,
) -> ibis.Table:
    """``customer_id`` and one column per outcome, for the customers of the observation window.

    Without a cut-off this is :func:`~journeymap.analytics.outcomes.outcome_table`.
    """
    if observed_before is None:
        return outcome_table(events, outcomes, customers=customers)
    before = observed_events(events, observed_before)
    after = events.filter(events[TS] >= observed_before)
    plain = [outcome.model_copy(update={"among": None}) for outcome in outcomes]
    # Populations and customer-property outcomes: as of the observation window.
    early = outcome_table(before, outcomes, customers=customers)
    # Event outcomes: what happened after the cut-off.
    later_outcomes = [o for o in plain if o.event_rule is not None]
    joined = early
    if later_outcomes:
        later = outcome_table(after, later_outcomes, customers=customers)
        later = later.rename({f"_later_{o.id}": o.id for o in later_outcomes})
        joined = early.left_join(later, CUSTOMER_ID).drop(f"{CUSTOMER_ID}_right")
    columns = {}
    for outcome in outcomes:
        if outcome.event_rule is None:
            value = joined[outcome.id]
        else:
            value = joined[f"_later_{outcome.id}"]
            if outcome.value is None:
                value = value.fill_null(False)  # no event after the cut-off: did not happen
        if outcome.among is not None:
            population = joined[outcome.among]
            value = ibis.ifelse(population, value, ibis.null().cast(value.type()))
        columns[outcome.id] = value
    return joined.select(CUSTOMER_ID, **columns)


def exposure_table(events: ibis.Table, observed_before: dt.datetime | None) -> ibis.Table:
    """Per customer, how long they were observed (tenure), how long ago they were last seen
    (recency), in days up to the end of the observation window (the cut-off, or the last
    event of the log), and how many events they had (frequency).

    These are the controls of the adjusted models. A customer who arrived late had less time
    to live any signal and to reach any outcome; one seen recently is less likely to churn
    whatever they lived; one with many orders had more chances to live every signal once
    and is more likely to order again anyway. Without them a signal that merely marks
    recent or frequent activity (a parcel still on its way, an express delivery chosen at
    some point) would be credited with the activity's effect.
    """
    observed = observed_events(events, observed_before)
    end = ibis.literal(observed_before or _latest(events))
    per_customer = observed.group_by(CUSTOMER_ID).agg(
        _first=observed[TS].min(), _last=observed[TS].max(), _events=observed.count()
    )
    return per_customer.select(
        CUSTOMER_ID,
        _tenure_days=_days_between(per_customer["_first"], end),
        _recency_days=_days_between(per_customer["_last"], end),
        _events=per_customer["_events"],
    )


def _days_between(start: ibis.Value, end: ibis.Value) -> ibis.Value:
    seconds = end.epoch_seconds() - start.epoch_seconds()
    return ibis.greatest(seconds, 0) / _DAY_SECONDS
