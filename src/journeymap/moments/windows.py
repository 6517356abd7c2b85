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

__all__ = ["observed_events", "windowed_outcomes"]


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
