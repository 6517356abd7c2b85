"""The journey's named outcomes (converted, churned, promoter...) evaluated for every customer.

An :class:`~journeymap.model.Outcome` holds for a customer when:

- its ``event_rule`` matches: the customer has at least one event whose name is one of the
  rule's events and where its ``where`` rule holds; with ``within_days``, only events no
  later than that many days after the customer's first event (of any kind) count;
- its ``customer_rule`` holds on the customer's row of the customers table (customers
  without a row do not satisfy it);
- with both, both must hold.

A numeric outcome (``value``, e.g. a review score) is the mean of that event property over
the customer's matching events, null for customers with none. An outcome measured ``among``
another (churned among converted customers) is null outside that population, and its rate
is over the population only.

The population is the customers who have events (after any scope was applied). The
per-customer table (:func:`outcome_table`) has ``customer_id`` and one column per outcome
id: boolean and never null for yes/no outcomes, a float for numeric ones, so later analyses
can join it and compare groups; :func:`outcome_summary` counts them (and averages the
numeric ones).

>>> import datetime as dt, ibis
>>> from journeymap.model import EventRule, Outcome
>>> t = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
>>> events = ibis.memtable({"customer_id": ["a", "a", "b"], "ts": [t, t, t],
...     "event": ["visit", "order", "visit"]})
>>> converted = Outcome(id="converted", name="Converted", event_rule=EventRule(events=["order"]))
>>> outcome_summary(events, [converted]).rates[0].rate
0.5
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import cast

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from journeymap.analytics.rules import compile_rule
from journeymap.analytics.scope import GROUP, ScopeError, group_rows, with_customer_group
from journeymap.analytics.time_to_value import DAY
from journeymap.model import EventRule, Outcome, OutcomePolarity, parse_rule
from journeymap.model.canonical import CUSTOMER_ID, EVENT, TS

_FIRST_SEEN = "_first_seen"


@dataclass(frozen=True)
class OutcomeRate:
    """How many customers of a group (None without a breakdown) reached one outcome."""

    outcome: str
    name: str
    polarity: OutcomePolarity
    group: object
    customers: int
    count: int
    mean: float | None = None
    """Numeric outcomes: the mean of the customers' values (``count`` customers have one)."""

    @property
    def rate(self) -> float:
        """Share of the group's customers with the outcome (with a value, if numeric)."""
        return self.count / self.customers if self.customers else 0.0


@dataclass(frozen=True)
class OutcomeSummary:
    """Count and rate of every outcome, per breakdown group, outcomes in the journey's order."""

    by: str | None
    rates: tuple[OutcomeRate, ...]

    def to_arrow(self) -> pa.Table:
        """One row per outcome and group."""
        return pa.Table.from_pylist(
            [
                {
                    "outcome": rate.outcome,
                    "name": rate.name,
                    "polarity": str(rate.polarity),
                    **({self.by: rate.group} if self.by else {}),
                    "customers": rate.customers,
                    "count": rate.count,
                    "rate": rate.rate,
                    "mean": rate.mean,
                }
                for rate in self.rates
            ]
        )


def outcome_table(
    events: ir.Table, outcomes: Sequence[Outcome], *, customers: ir.Table | None = None
) -> ir.Table:
    """``customer_id`` and one column per outcome id (boolean; float for numeric outcomes),
    for every customer with events."""
    return _flags(events, outcomes, customers, by=None).drop(GROUP)


def outcome_summary(
    events: ir.Table,
    outcomes: Sequence[Outcome],
    *,
    customers: ir.Table | None = None,
    by: str | None = None,
) -> OutcomeSummary:
    """Count and rate of each outcome among the customers with events, per ``by`` group."""
    flags = _flags(events, outcomes, customers, by=by)
    counts = flags.group_by(GROUP).agg(
        customers=flags.count(),
        **{f"_n_{o.id}": flags[o.id].notnull().sum() for o in outcomes if o.among is not None},
        **{outcome.id: _count(flags[outcome.id], outcome) for outcome in outcomes},
        **{f"_mean_{o.id}": flags[o.id].mean() for o in outcomes if o.value is not None},
    )
    rows = group_rows(counts)
    return OutcomeSummary(
        by=by,
        rates=tuple(
            OutcomeRate(
                outcome=outcome.id,
                name=outcome.name,
                polarity=outcome.polarity,
                group=row[GROUP],
                customers=int(row.get(f"_n_{outcome.id}", row["customers"])),
                count=int(row[outcome.id] or 0),
                mean=_mean(row.get(f"_mean_{outcome.id}")),
            )
            for outcome in outcomes
            for row in rows
        ),
    )


def _count(column: ir.Value, outcome: Outcome) -> ir.IntegerScalar:
    """Customers with the outcome: true flags, or values present for numeric outcomes."""
    if outcome.value is not None:
        return column.count()
    return cast(ir.BooleanColumn, column).sum()


def _mean(value: object) -> float | None:
    return None if value is None else float(cast(float, value))


def _flags(
    events: ir.Table, outcomes: Sequence[Outcome], customers: ir.Table | None, by: str | None
) -> ir.Table:
    _check_ids(outcomes)
    grouped = with_customer_group(events, by)
    if any(o.event_rule is not None and o.within_days is not None for o in outcomes):
        first_seen = grouped[TS].min().over(group_by=grouped[CUSTOMER_ID])
        grouped = grouped.mutate(**{_FIRST_SEEN: first_seen})
    event_flags = {
        outcome.id: _event_measure(outcome, grouped)
        for outcome in outcomes
        if outcome.event_rule is not None
    }
    flags = grouped.group_by([CUSTOMER_ID, GROUP]).agg(**event_flags)
    ruled = [outcome for outcome in outcomes if outcome.customer_rule is not None]
    if ruled:
        properties = _customer_flags(ruled, customers)
        joined = flags.left_join(properties, flags[CUSTOMER_ID] == properties[CUSTOMER_ID])
        flags = joined.select(
            flags[CUSTOMER_ID],
            flags[GROUP],
            *(flags[name] for name in event_flags),
            *(properties[o.id].fill_null(False).name(f"_rule_{o.id}") for o in ruled),
        )
    columns: dict[str, ir.Value] = {}
    for outcome in outcomes:
        if outcome.value is not None:
            columns[outcome.id] = flags[outcome.id]
            continue
        condition = ibis.literal(True)
        if outcome.event_rule is not None:
            condition = condition & flags[outcome.id].fill_null(False)
        if outcome.customer_rule is not None:
            condition = condition & flags[f"_rule_{outcome.id}"]
        columns[outcome.id] = condition
    for outcome in outcomes:
        if outcome.among is not None:
            # Outside its population the outcome is not "no", it is not measured: null.
            among = columns[_population_of(outcome, outcomes).id]
            column = columns[outcome.id]
            columns[outcome.id] = ibis.ifelse(among, column, ibis.null().cast(column.type()))
    return flags.select(CUSTOMER_ID, GROUP, **columns)


def _population_of(outcome: Outcome, outcomes: Sequence[Outcome]) -> Outcome:
    for candidate in outcomes:
        if candidate.id == outcome.among and candidate.id != outcome.id:
            if candidate.value is not None or candidate.among is not None:
                break
            return candidate
    raise ValueError(
        f"outcome {outcome.id!r} is measured among {outcome.among!r}, which must be another "
        "yes/no outcome of the same list (not numeric, not itself measured among another)"
    )


def _event_measure(outcome: Outcome, events: ir.Table) -> ir.Scalar:
    """Per customer: whether a matching event happened, or the mean of its ``value``."""
    assert outcome.event_rule is not None
    matches = _event_condition(outcome.event_rule, outcome.within_days, events)
    if outcome.value is None:
        return matches.any()
    if outcome.value not in events.columns:
        known = ", ".join(sorted(name for name in events.columns if not name.startswith("_")))
        raise ScopeError(
            f"outcome {outcome.id!r} averages the event property {outcome.value!r}, which the "
            f"events do not have; their columns are: {known}"
        )
    return events[outcome.value].cast("float64").mean(where=matches)


def _event_condition(rule: EventRule, within_days: int | None, events: ir.Table) -> ir.BooleanValue:
    condition: ir.BooleanValue = events[EVENT].isin(rule.events).fill_null(False)
    if rule.where is not None:
        condition = condition & compile_rule(rule.where, events)
    if within_days is not None:
        deadline = events[_FIRST_SEEN].epoch_seconds() + within_days * DAY
        condition = condition & (events[TS].epoch_seconds() <= deadline)
    return condition


def _customer_flags(outcomes: Sequence[Outcome], customers: ir.Table | None) -> ir.Table:
    """Per customer of the customers table, whether each outcome's customer rule holds."""
    if customers is None:
        names = ", ".join(outcome.id for outcome in outcomes)
        raise ScopeError(
            f"the outcomes {names} test customer properties, but no customers table was given; "
            "import one (journeymap import customers FILE) or measure event outcomes only"
        )
    for outcome in outcomes:
        rule = parse_rule(outcome.customer_rule or "")
        unknown = sorted(rule.fields - set(customers.columns))
        if unknown:
            known = ", ".join(name for name in customers.columns if name != CUSTOMER_ID)
            raise ScopeError(
                f"outcome {outcome.id!r}: its customer_rule {rule.source!r} reads "
                f"{', '.join(map(repr, unknown))}, which the customers table does not have; "
                f"its properties are: {known or '(none)'}"
            )
    return customers.group_by(CUSTOMER_ID).agg(
        **{
            outcome.id: compile_rule(outcome.customer_rule or "", customers).any()
            for outcome in outcomes
        }
    )


def _check_ids(outcomes: Sequence[Outcome]) -> None:
    seen: set[str] = set()
    for outcome in outcomes:
        if outcome.id in (CUSTOMER_ID, GROUP) or outcome.id.startswith("_"):
            raise ValueError(
                f"outcome id {outcome.id!r} clashes with a column of the outcome table; "
                "rename the outcome"
            )
        if outcome.id in seen:
            raise ValueError(f"outcome id {outcome.id!r} appears twice; outcome ids must differ")
        seen.add(outcome.id)
