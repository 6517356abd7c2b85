"""Funnels: how many customers go through an ordered list of steps, and who drops where.

A step is a touchpoint of the map (on touchpoint events, see
:func:`~journeymap.analytics.matching.match_touchpoints`) or an event rule (names plus a
``where``). Semantics, for each customer:

* **ordered** (default) - the level is the longest chain ``step 1 -> step 2 -> ...`` where
  each step is an event later in the customer's order (``ts``, then ``event_id``) than the
  previous one and every step lies within ``window`` of the chain's first event (inclusive),
  maximised over every step-1 event as a start. Other events may happen in between. This is
  ClickHouse's ``windowFunnel(window)(ts, c1, ..., cn)``; the one difference is ties: where
  ClickHouse lets one timestamp (or one row matching two conditions) serve two consecutive
  steps, we need a later event.
* **strict** - ClickHouse's ``'strict_order'``: from the customer's first step-1 event on,
  the chain search stops at the first event that matches *no* step of the funnel, or at a
  step's event seen before any chain reached the step before it (``A -> C`` stops a funnel
  ``A, B, C``). Events of the funnel's own steps do not stop it.
* **unordered** - the level is the longest prefix of steps all done within one ``window``
  (any order), maximised over windows.

Options beyond ClickHouse:

* per-step ``min_gap``/``max_gap``: the step must come at least/at most this long after the
  previous required step; each step then takes the earliest qualifying event (greedy, as
  Mixpanel and Amplitude do), which is no longer guaranteed to be the longest chain;
* **optional** steps never break the chain: the chain is built from the required steps, and
  an optional step counts as done when the customer did it after the previous required step
  and before the next one (or within the window when the chain ends there). Its row reports
  who did it; the next required step's conversion is measured from the previous required
  step, skipping it. The first step cannot be optional;
* **exclusions**: an exclusion event between two consecutive required steps (``after_step``
  names the first of them; ``None`` means every gap) ends the chain there: a customer whose
  only chains have a cancellation between "basket" and "payment" does not convert past
  "basket". In strict mode events that match only an exclusion stop the search like any
  other event.

Each customer's reported chain is the one reaching the highest level first (ties: the one
that started last, the tightest); its step times are the times behind the per-step
durations and behind :func:`funnel_customers`, the table of *who* converted or dropped.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, cast

import ibis
import pyarrow as pa

from journeymap.analytics._funnel_chains import (
    choose_chain,
    greatest,
    latest_start_chains,
    ordered_chains,
    strict_cut,
    takes_latest_start_route,
    unordered_chains,
)
from journeymap.analytics._funnel_plan import (
    LEVEL,
    FunnelExclusion,
    FunnelMode,
    FunnelStep,
    Plan,
    make_plan,
    step_column,
)
from journeymap.analytics._sequence import epoch_ms, with_sequence
from journeymap.analytics.scope import GROUP, customer_groups
from journeymap.model.canonical import CUSTOMER_ID, EVENT, TS

__all__ = [
    "FunnelBreakdown",
    "FunnelExclusion",
    "FunnelMode",
    "FunnelPeriod",
    "FunnelPeriods",
    "FunnelResult",
    "FunnelStep",
    "FunnelStepResult",
    "customers_at_step",
    "funnel",
    "funnel_breakdown",
    "funnel_by_period",
    "funnel_customers",
    "step_column",
]


def funnel_customers(
    events: ibis.Table,
    steps: Sequence[FunnelStep],
    *,
    window: dt.timedelta,
    mode: FunnelMode | str = FunnelMode.ORDERED,
    exclusions: Sequence[FunnelExclusion] = (),
) -> ibis.Table:
    """One row per customer of ``events``: ``customer_id``, ``level`` and ``step_1..step_n``.

    ``level`` is the furthest step reached (0 for customers who never did step 1), and
    ``step_k`` the time of the customer's step-k event in the reported chain (null when not
    done). Filter it to list who converted or dropped (:func:`customers_at_step`), export
    it, or pass it to :func:`~journeymap.analytics.paths.next_touchpoints_after` to see
    what the ones who dropped did next.

    >>> import datetime as dt, ibis
    >>> events = ibis.memtable({"customer_id": ["a", "a", "b"], "event_id": ["1", "2", "3"],
    ...     "ts": [dt.datetime(2025, 1, 1, h, tzinfo=dt.UTC) for h in (1, 2, 1)],
    ...     "event": ["view", "buy", "view"]})
    >>> steps = [FunnelStep("view", events="view"), FunnelStep("buy", events="buy")]
    >>> table = funnel_customers(events, steps, window=dt.timedelta(days=1))
    >>> sorted(table.select("customer_id", "level").to_pyarrow().to_pylist(), key=str)
    [{'customer_id': 'a', 'level': 2}, {'customer_id': 'b', 'level': 1}]
    """
    return customers_of_plan(events, make_plan(steps, window, mode, exclusions))


def customers_of_plan(events: ibis.Table, plan: Plan, *, general: bool = False) -> ibis.Table:
    """:func:`funnel_customers` for a checked plan; ``general`` forces the general route
    (every option handled), which tests use as the oracle of the fast one."""
    relevant = events
    names = _event_names(plan)
    if names is not None and plan.mode is not FunnelMode.STRICT:
        # One IN filter the scan can push down, before any per-step flag is computed.
        relevant = events.filter(events[EVENT].isin(sorted(names)))
    flagged = relevant.mutate(
        **{f"_s{i}": step.condition(relevant) for i, step in enumerate(plan.steps)},
        **{f"_x{j}": x.condition(relevant) for j, x in enumerate(plan.exclusions)},
    )
    flags = [f"_s{i}" for i in range(len(plan.steps))] + [
        f"_x{j}" for j in range(len(plan.exclusions))
    ]
    if plan.mode is not FunnelMode.STRICT:
        # Only strict mode needs the events that match nothing (they stop its search).
        flagged = flagged.filter(ibis.or_(*[flagged[f] for f in flags]))
    base = with_sequence(flagged.select(CUSTOMER_ID, TS, *_order_columns(events), *flags))
    chosen = _chosen_chains(base, plan, general=general)
    people = events.select(CUSTOMER_ID).distinct()
    joined = people.left_join(chosen, CUSTOMER_ID)
    return joined.select(
        joined[CUSTOMER_ID],
        **{LEVEL: joined[LEVEL].fill_null(0).cast("int64")},
        **{step_column(i + 1): joined[f"_t{i}"] for i in range(len(plan.steps))},
    )


def _event_names(plan: Plan) -> set[str] | None:
    """Every event name the funnel's steps and exclusions match; None if one is a touchpoint."""
    names: set[str] = set()
    for match in (*plan.steps, *plan.exclusions):
        if match.touchpoint is not None:
            return None
        names.update((match.events,) if isinstance(match.events, str) else match.events)
    return names


def _chosen_chains(base: ibis.Table, plan: Plan, *, general: bool = False) -> ibis.Table:
    """Per customer who did step 1: ``level`` and ``_t0..`` (see ``_funnel_chains``).

    ``general`` forces the route that handles every option, the oracle of the fast one.
    """
    if not general and takes_latest_start_route(plan):
        return latest_start_chains(base, plan)
    if plan.mode is FunnelMode.UNORDERED:
        chains = unordered_chains(base, plan)
    else:
        chains = ordered_chains(base, plan)
        if plan.mode is FunnelMode.STRICT:
            chains = strict_cut(chains, base, plan)
    return choose_chain(chains, plan)


def _order_columns(events: ibis.Table) -> list[str]:
    return ["event_id"] if "event_id" in events.columns else []


def customers_at_step(customers: ibis.Table, step: int, *, dropped: bool = False) -> ibis.Table:
    """The rows of :func:`funnel_customers` that reached ``step`` (1-based), or dropped there.

    Dropped at ``step`` means: reached the previous step (the previous one in the table,
    whether optional or not) but not this one; for step 1, never entered.

    >>> import ibis
    >>> table = ibis.memtable({"customer_id": ["a", "b"], "level": [2, 1],
    ...     "step_1": [1, 1], "step_2": [2, None]})
    >>> customers_at_step(table, 2, dropped=True).customer_id.to_pyarrow().to_pylist()
    ['b']
    """
    here = customers[step_column(step)]
    if not dropped:
        return customers.filter(here.notnull())
    if step == 1:
        return customers.filter(here.isnull())
    return customers.filter(customers[step_column(step - 1)].notnull() & here.isnull())


@dataclass(frozen=True)
class FunnelStepResult:
    """The numbers of one step; conversions are shares (0..1), durations in seconds."""

    step: int
    name: str
    optional: bool
    customers: int
    conversion_from_previous: float | None
    conversion_from_first: float | None
    drop_off: int
    median_seconds_from_previous: float | None
    p90_seconds_from_previous: float | None


@dataclass(frozen=True)
class FunnelResult:
    """Per-step numbers and the customers per level (``levels[k]``: customers at level k)."""

    steps: tuple[FunnelStepResult, ...]
    levels: tuple[int, ...]
    mode: FunnelMode
    window: dt.timedelta

    @property
    def customers(self) -> int:
        """Every customer in the input, entered or not."""
        return sum(self.levels)

    def rows(self) -> list[dict[str, object]]:
        """One dict per step."""
        return [
            {name: getattr(step, name) for name in FunnelStepResult.__dataclass_fields__}
            for step in self.steps
        ]

    def to_arrow(self) -> pa.Table:
        """The steps as an Arrow table."""
        return pa.Table.from_pylist(self.rows(), schema=_STEP_SCHEMA)


_STEP_SCHEMA = pa.schema(
    [
        ("step", pa.int64()),
        ("name", pa.string()),
        ("optional", pa.bool_()),
        ("customers", pa.int64()),
        ("conversion_from_previous", pa.float64()),
        ("conversion_from_first", pa.float64()),
        ("drop_off", pa.int64()),
        ("median_seconds_from_previous", pa.float64()),
        ("p90_seconds_from_previous", pa.float64()),
    ]
)


def _seconds_from_previous(customers: ibis.Table, plan: Plan, index: int) -> Any:
    """Seconds from the previous required step to step ``index`` (0-based); null if not done."""
    previous = plan.previous_required(index)
    if previous is None:
        return None
    ms = {i: epoch_ms(customers[step_column(i + 1)]) for i in range(len(plan.steps))}
    if plan.mode is FunnelMode.UNORDERED:
        # Any order: the extra time the step took beyond the steps before it.
        before = [ms[i] for i in plan.required if i <= previous]
        gap = greatest([*before, ms[index]]) - greatest(before)
    else:
        gap = ms[index] - ms[previous]
    return gap.cast("float64") / 1000.0


def funnel(
    events: ibis.Table,
    steps: Sequence[FunnelStep],
    *,
    window: dt.timedelta,
    mode: FunnelMode | str = FunnelMode.ORDERED,
    exclusions: Sequence[FunnelExclusion] = (),
) -> FunnelResult:
    """Customers, conversion, drop-off and time between steps for each step of a funnel.

    Semantics are in the module docstring; the customers behind each number come from
    :func:`funnel_customers` with the same arguments. Conversion from previous is measured
    against the previous *required* step, drop-off is that step's customers minus this
    one's; durations are the median and 90th percentile (interpolated) over customers who
    did the step.

    >>> import datetime as dt, ibis
    >>> events = ibis.memtable({"customer_id": ["a", "a", "b"], "event_id": ["1", "2", "3"],
    ...     "ts": [dt.datetime(2025, 1, 1, h, tzinfo=dt.UTC) for h in (1, 2, 1)],
    ...     "event": ["view", "buy", "view"]})
    >>> steps = [FunnelStep("view", events="view"), FunnelStep("buy", events="buy")]
    >>> result = funnel(events, steps, window=dt.timedelta(days=1))
    >>> [(s.name, s.customers, s.conversion_from_previous) for s in result.steps]
    [('view', 2, 1.0), ('buy', 1, 0.5)]
    """
    plan = make_plan(steps, window, mode, exclusions)
    customers = funnel_customers(events, steps, window=window, mode=mode, exclusions=exclusions)
    # One aggregate for everything: the per-customer chains are computed once.
    totals = customers.aggregate(**_step_metrics(customers, plan)).to_pyarrow().to_pylist()[0]
    return _result(plan, window, totals)


def _step_metrics(customers: ibis.Table, plan: Plan) -> dict[str, Any]:
    """Customers per level, and per step: customers who did it, and median and p90 seconds
    from the previous step."""
    metrics: dict[str, Any] = {
        f"level{k}": (customers[LEVEL] == k).cast("int64").sum() for k in range(len(plan.steps) + 1)
    }
    for i in range(len(plan.steps)):
        done = customers[step_column(i + 1)].notnull()
        metrics[f"n{i}"] = done.cast("int64").sum()
        seconds = _seconds_from_previous(customers, plan, i)
        if seconds is not None:
            metrics[f"median{i}"] = seconds.quantile(0.5)
            metrics[f"p90_{i}"] = seconds.quantile(0.9)
    return metrics


def _result(plan: Plan, window: dt.timedelta, totals: dict[str, Any]) -> FunnelResult:
    levels = tuple(int(totals[f"level{k}"] or 0) for k in range(len(plan.steps) + 1))
    counts = [int(totals[f"n{i}"] or 0) for i in range(len(plan.steps))]
    results = []
    for i, step in enumerate(plan.steps):
        previous = plan.previous_required(i)
        base = counts[previous] if previous is not None else counts[0]
        results.append(
            FunnelStepResult(
                step=i + 1,
                name=step.name,
                optional=step.optional,
                customers=counts[i],
                conversion_from_previous=counts[i] / base if base else None,
                conversion_from_first=counts[i] / counts[0] if counts[0] else None,
                drop_off=base - counts[i],
                median_seconds_from_previous=_float(totals.get(f"median{i}")),
                p90_seconds_from_previous=_float(totals.get(f"p90_{i}")),
            )
        )
    return FunnelResult(tuple(results), levels, plan.mode, window)


@dataclass(frozen=True)
class FunnelBreakdown:
    """One funnel per value of a breakdown column (a customer property), computed at once."""

    by: str
    groups: tuple[tuple[object, FunnelResult], ...]

    def rows(self) -> list[dict[str, object]]:
        """One dict per group and step, the group value first."""
        return [{self.by: group, **row} for group, result in self.groups for row in result.rows()]

    def to_arrow(self) -> pa.Table:
        """The rows as an Arrow table."""
        return pa.Table.from_pylist(self.rows())


def funnel_breakdown(
    events: ibis.Table,
    steps: Sequence[FunnelStep],
    *,
    window: dt.timedelta,
    by: str,
    mode: FunnelMode | str = FunnelMode.ORDERED,
    exclusions: Sequence[FunnelExclusion] = (),
) -> FunnelBreakdown:
    """:func:`funnel` per value of ``by`` (a column of ``events``, e.g. a customer property
    joined by :func:`~journeymap.analytics.scope.with_breakdown`); a customer belongs to the
    group of their first event. Groups come in value order, nulls last.

    >>> import datetime as dt, ibis
    >>> events = ibis.memtable({"customer_id": ["a", "a", "b"], "event_id": ["1", "2", "3"],
    ...     "ts": [dt.datetime(2025, 1, 1, h, tzinfo=dt.UTC) for h in (1, 2, 1)],
    ...     "event": ["view", "buy", "view"], "plan": ["pro", "pro", "free"]})
    >>> steps = [FunnelStep("view", events="view"), FunnelStep("buy", events="buy")]
    >>> split = funnel_breakdown(events, steps, window=dt.timedelta(days=1), by="plan")
    >>> [(g, r.steps[1].customers) for g, r in split.groups]
    [('free', 0), ('pro', 1)]
    """
    plan = make_plan(steps, window, mode, exclusions)
    customers = funnel_customers(events, steps, window=window, mode=mode, exclusions=exclusions)
    grouped = customers.inner_join(customer_groups(events, by), CUSTOMER_ID)
    totals = grouped.group_by(GROUP).aggregate(**_step_metrics(grouped, plan))
    rows = totals.to_pyarrow().to_pylist()
    rows.sort(key=lambda row: (row[GROUP] is None, row[GROUP]))
    return FunnelBreakdown(by, tuple((row[GROUP], _result(plan, window, row)) for row in rows))


def _float(value: object) -> float | None:
    return None if value is None else float(cast(float, value))


Period = Literal["hour", "day", "week", "month"]
_TRUNCATE: dict[str, str] = {"hour": "h", "day": "D", "week": "W", "month": "M"}


@dataclass(frozen=True)
class FunnelPeriod:
    """One step's numbers for the customers who entered the funnel in one period."""

    period: dt.date
    """The period's first day; for hours, its first moment (an aware UTC ``datetime``)."""
    step: int
    name: str
    entered: int
    customers: int
    previous: int

    @property
    def conversion_from_previous(self) -> float | None:
        """Share of the previous required step's customers who did this step."""
        return self.customers / self.previous if self.previous else None


@dataclass(frozen=True)
class FunnelPeriods:
    """A funnel split by the period of each customer's step-1 event, oldest first."""

    period: Period
    entries: tuple[FunnelPeriod, ...] = field(default=())

    def of_step(self, step: int) -> tuple[FunnelPeriod, ...]:
        """The rows of one step (1-based), oldest period first."""
        return tuple(row for row in self.entries if row.step == step)

    def rows(self) -> list[dict[str, object]]:
        """One dict per period and step."""
        return [
            {"period": r.period, "step": r.step, "name": r.name, "entered": r.entered,
             "customers": r.customers, "previous": r.previous,
             "conversion_from_previous": r.conversion_from_previous}
            for r in self.entries
        ]  # fmt: skip

    def to_arrow(self) -> pa.Table:
        """The rows as an Arrow table."""
        return pa.Table.from_pylist(self.rows())


def funnel_by_period(
    events: ibis.Table,
    steps: Sequence[FunnelStep],
    *,
    window: dt.timedelta,
    period: Period = "day",
    mode: FunnelMode | str = FunnelMode.ORDERED,
    exclusions: Sequence[FunnelExclusion] = (),
) -> FunnelPeriods:
    """The funnel per hour, day, week or month of entry: spot the day a step broke.

    Customers are grouped by the (UTC) period of the step-1 event of their reported chain,
    so a payment outage shows as a dip in the payment step's conversion on those days.
    Days, weeks and months are dates; hours are aware UTC datetimes.

    >>> import datetime as dt, ibis
    >>> events = ibis.memtable({"customer_id": ["a", "a", "b"], "event_id": ["1", "2", "3"],
    ...     "ts": [dt.datetime(2025, 1, d, tzinfo=dt.UTC) for d in (1, 1, 2)],
    ...     "event": ["view", "buy", "view"]})
    >>> steps = [FunnelStep("view", events="view"), FunnelStep("buy", events="buy")]
    >>> daily = funnel_by_period(events, steps, window=dt.timedelta(hours=1))
    >>> [(r.period.day, r.conversion_from_previous) for r in daily.of_step(2)]
    [(1, 1.0), (2, 0.0)]
    """
    if period not in _TRUNCATE:
        raise ValueError(f"period must be one of {sorted(_TRUNCATE)}; got {period!r}")
    plan = make_plan(steps, window, mode, exclusions)
    customers = funnel_customers(events, steps, window=window, mode=mode, exclusions=exclusions)
    entered = customers.filter(customers[step_column(1)].notnull())
    first: Any = entered[step_column(1)].truncate(_TRUNCATE[period])
    grouped = entered.group_by(_period=first if period == "hour" else first.date()).agg(
        **{
            f"n{i}": entered[step_column(i + 1)].notnull().cast("int64").sum()
            for i in range(len(plan.steps))
        }
    )
    rows = []
    for row in sorted(grouped.to_pyarrow().to_pylist(), key=lambda r: r["_period"]):
        for i, step in enumerate(plan.steps):
            previous = plan.previous_required(i)
            rows.append(
                FunnelPeriod(
                    period=_utc(row["_period"]),
                    step=i + 1,
                    name=step.name,
                    entered=int(row["n0"]),
                    customers=int(row[f"n{i}"]),
                    previous=int(row[f"n{previous if previous is not None else 0}"]),
                )
            )
    return FunnelPeriods(period, tuple(rows))


def _utc(period: dt.date) -> dt.date:
    """Hours as aware UTC datetimes whatever the engine returns (Spark gives naive ones)."""
    if not isinstance(period, dt.datetime):
        return period
    if period.tzinfo is None:
        return period.replace(tzinfo=dt.UTC)
    return period.astimezone(dt.UTC)
