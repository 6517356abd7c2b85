"""Conformance to the spine: do customers live the stages in the order the map draws them?

The map's spine is a promise about order (Awareness, then Consideration, then Purchase...).
Here each customer's touchpoint events become a sequence of **stage visits**: consecutive
events in the same stage collapse into one visit, so ``awareness, awareness, purchase`` is
the visits ``awareness > purchase``. Over those visits:

- a **backward move** is a visit whose stage comes earlier in the spine than the previous
  visit's stage (``purchase > consideration``);
- a **loop** is a visit to a stage the customer had already left (re-entry); every loop
  follows a backward move somewhere, but one backward move need not re-enter anything;
- a customer **conforms** when they make no backward move: their stage indexes never
  decrease. Skipping stages does not break conformance (it is reported on its own);
- a stage is **skipped** when it lies strictly between the earliest and the latest spine
  stage the customer reached and the customer never visited it;
- **time in a stage** runs from the first event of a visit to the first event of the next
  visit (of another stage). A customer's last visit has no end, so it has no duration.

Events without a stage (not on the map) are ignored. Events are ordered by time; events at
the same instant by spine position, then ``event_id``, so the order is the same on every
engine and ties never invent a backward move.

>>> import datetime as dt, ibis
>>> from journeymap.model import Journey, Stage
>>> journey = Journey(id="j", name="J", persona="p", stages=[
...     Stage(id="discover", name="Discover"), Stage(id="buy", name="Buy"),
...     Stage(id="use", name="Use")])
>>> t = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
>>> events = ibis.memtable({
...     "event_id": ["1", "2", "3", "4"], "customer_id": ["a", "a", "b", "b"],
...     "ts": [t, t + dt.timedelta(hours=1), t, t + dt.timedelta(hours=2)],
...     "stage": ["discover", "use", "buy", "discover"], "stage_index": [0, 2, 1, 0]})
>>> result = conformance(events, journey)
>>> result.groups[0].share_conforming, [s.stage for s in result.skipped]
(0.5, ['buy'])
"""

from __future__ import annotations

from dataclasses import dataclass

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from journeymap.analytics.scope import GROUP, group_rows, with_customer_group
from journeymap.analytics.time_to_value import DurationStats, duration_aggregates
from journeymap.model import Journey
from journeymap.model.canonical import (
    CUSTOMER_ID,
    EVENT_ID,
    STAGE,
    STAGE_INDEX,
    TOUCHPOINT_INDEX,
    TS,
)


@dataclass(frozen=True)
class ConformanceGroup:
    """How one breakdown group (None without a breakdown) follows the spine."""

    group: object
    customers: int
    conforming: int
    with_backward_moves: int
    with_loops: int
    with_skips: int

    @property
    def share_conforming(self) -> float:
        """Share of the group's customers whose stage order never goes back."""
        return self.conforming / self.customers if self.customers else 0.0


@dataclass(frozen=True)
class SkippedStage:
    """A stage that ``customers`` passed over between their first and last stage."""

    group: object
    stage: str
    customers: int


@dataclass(frozen=True)
class BackwardMove:
    """Moves from a later stage back to an earlier one, and how many customers made them."""

    group: object
    from_stage: str
    to_stage: str
    moves: int
    customers: int


@dataclass(frozen=True)
class StageLoop:
    """Re-entries into a stage the customer had left earlier."""

    group: object
    stage: str
    reentries: int
    customers: int


@dataclass(frozen=True)
class StageTime:
    """Time spent per visit of a stage (visits that ended, i.e. were followed by another)."""

    group: object
    stage: str
    stats: DurationStats


@dataclass(frozen=True)
class Conformance:
    """Conformance of a population to the spine; lists are ordered most frequent first."""

    by: str | None
    groups: tuple[ConformanceGroup, ...]
    skipped: tuple[SkippedStage, ...]
    backward_moves: tuple[BackwardMove, ...]
    loops: tuple[StageLoop, ...]
    stage_times: tuple[StageTime, ...]

    def to_arrow(self) -> pa.Table:
        """One row per group: customers, conforming and its share, backward moves, loops, skips."""
        return pa.Table.from_pylist(
            [
                {
                    **({self.by: group.group} if self.by else {}),
                    "customers": group.customers,
                    "conforming": group.conforming,
                    "share_conforming": group.share_conforming,
                    "with_backward_moves": group.with_backward_moves,
                    "with_loops": group.with_loops,
                    "with_skips": group.with_skips,
                }
                for group in self.groups
            ]
        )


def stage_visits(touchpoint_events: ir.Table, *, by: str | None = None) -> ir.Table:
    """Each customer's stage visits, in order: the stage sequence with repeats collapsed.

    Columns: ``customer_id``, the breakdown :data:`~journeymap.analytics.scope.GROUP`,
    ``visit`` (0-based), ``stage``, ``stage_index``, ``entered_at``, ``left_at`` (null for the
    last visit), ``seconds`` in the stage, ``from_stage`` and ``from_index`` (the previous
    visit), ``backward`` (a move back in the spine) and ``reentry`` (a loop).
    """
    grouped = with_customer_group(touchpoint_events, by)
    staged = grouped.filter(grouped[STAGE].notnull())
    order = [staged[TS], staged[STAGE_INDEX]]
    order += [staged[name] for name in (TOUCHPOINT_INDEX, EVENT_ID) if name in staged.columns]
    in_order = ibis.window(group_by=staged[CUSTOMER_ID], order_by=order)
    marked = staged.mutate(previous_stage=staged[STAGE].lag().over(in_order))
    entries = marked.filter(
        marked.previous_stage.isnull() | (marked.previous_stage != marked[STAGE])
    )
    entry_order = [entries[column.get_name()] for column in order]
    visit = ibis.window(group_by=entries[CUSTOMER_ID], order_by=entry_order)
    same_stage = ibis.window(group_by=[entries[CUSTOMER_ID], entries[STAGE]], order_by=entry_order)
    visits = entries.select(
        entries[CUSTOMER_ID],
        entries[GROUP],
        visit=ibis.row_number().over(visit),
        **{STAGE: entries[STAGE], STAGE_INDEX: entries[STAGE_INDEX]},
        entered_at=entries[TS],
        left_at=entries[TS].lead().over(visit),
        from_stage=entries[STAGE].lag().over(visit),
        from_index=entries[STAGE_INDEX].lag().over(visit),
        reentry=ibis.row_number().over(same_stage) > 0,
    )
    return visits.mutate(
        seconds=visits.left_at.epoch_seconds() - visits.entered_at.epoch_seconds(),
        backward=(visits[STAGE_INDEX] < visits.from_index).fill_null(False),
    )


def conformance_by_customer(
    touchpoint_events: ir.Table, journey: Journey, *, by: str | None = None
) -> ir.Table:
    """Per customer: visits, first/last stage index, backward moves, loops, skipped, conforming.

    Only customers with at least one event in a stage appear.
    """
    stages = len(journey.stages)
    customers = _customers(stage_visits(touchpoint_events, by=by), stages)
    return customers.mutate(conforming=customers.backward_moves == 0).drop(
        *(_skipped(position) for position in range(stages))
    )


def conformance(
    touchpoint_events: ir.Table, journey: Journey, *, by: str | None = None
) -> Conformance:
    """Share conforming, most skipped stages, backward moves, loops and median time per stage.

    ``touchpoint_events`` are events matched to ``journey`` (they carry ``stage`` and
    ``stage_index``); ``by`` breaks every number down by a column constant per customer.
    """
    visits = stage_visits(touchpoint_events, by=by)
    spine = [stage.id for stage in journey.stages]
    customers = _customers(visits, len(spine))
    summary = customers.group_by(GROUP).agg(
        customers=customers.count(),
        conforming=(customers.backward_moves == 0).sum(),
        with_backward_moves=(customers.backward_moves > 0).sum(),
        with_loops=(customers.loops > 0).sum(),
        with_skips=(customers.skipped > 0).sum(),
        **{
            _skipped(position): customers[_skipped(position)].sum()
            for position in range(len(spine))
        },
    )
    rows = group_rows(summary)
    groups = tuple(
        ConformanceGroup(
            group=row[GROUP],
            customers=int(row["customers"]),
            conforming=int(row["conforming"] or 0),
            with_backward_moves=int(row["with_backward_moves"] or 0),
            with_loops=int(row["with_loops"] or 0),
            with_skips=int(row["with_skips"] or 0),
        )
        for row in rows
    )
    # most skipped first within each group; ties keep spine order (sorted() is stable)
    skipped = [
        (index, SkippedStage(group=row[GROUP], stage=spine[position], customers=int(count)))
        for index, row in enumerate(rows)
        for position in range(len(spine))
        if (count := row[_skipped(position)] or 0) > 0
    ]
    skipped.sort(key=lambda pair: (pair[0], -pair[1].customers))
    return Conformance(
        by=by,
        groups=groups,
        skipped=tuple(stage for _, stage in skipped),
        backward_moves=_backward_moves(visits),
        loops=_loops(visits),
        stage_times=_stage_times(visits),
    )


def _customers(visits: ir.Table, stages: int) -> ir.Table:
    """Per customer the spine range reached, moves back, loops and one skip flag per stage."""
    reached = {
        _reached(position): (visits[STAGE_INDEX] == position).any() for position in range(stages)
    }
    customers = visits.group_by([CUSTOMER_ID, GROUP]).agg(
        visits=visits.count(),
        lowest_index=visits[STAGE_INDEX].min(),
        highest_index=visits[STAGE_INDEX].max(),
        backward_moves=visits.backward.sum(),
        loops=visits.reentry.sum(),
        **reached,
    )
    skipped = {
        _skipped(position): (customers.lowest_index < position)
        & (customers.highest_index > position)
        & ~customers[_reached(position)]
        for position in range(stages)
    }
    count = ibis.literal(0)
    for flag in skipped.values():
        count = count + flag.cast("int64")
    return customers.mutate(**skipped, skipped=count).drop(*reached)


def _backward_moves(visits: ir.Table) -> tuple[BackwardMove, ...]:
    back = visits.filter(visits.backward)
    counts = back.group_by([GROUP, "from_stage", STAGE]).agg(
        moves=back.count(), customers=back[CUSTOMER_ID].nunique()
    )
    return tuple(
        BackwardMove(
            group=row[GROUP],
            from_stage=row["from_stage"],
            to_stage=row[STAGE],
            moves=int(row["moves"]),
            customers=int(row["customers"]),
        )
        for row in group_rows(counts, ibis.desc("moves"), "from_stage", STAGE)
    )


def _loops(visits: ir.Table) -> tuple[StageLoop, ...]:
    again = visits.filter(visits.reentry)
    counts = again.group_by([GROUP, STAGE, STAGE_INDEX]).agg(
        reentries=again.count(), customers=again[CUSTOMER_ID].nunique()
    )
    return tuple(
        StageLoop(
            group=row[GROUP],
            stage=row[STAGE],
            reentries=int(row["reentries"]),
            customers=int(row["customers"]),
        )
        for row in group_rows(counts, ibis.desc("reentries"), STAGE_INDEX)
    )


def _stage_times(visits: ir.Table) -> tuple[StageTime, ...]:
    ended = visits.filter(visits.seconds.notnull())
    times = ended.group_by([GROUP, STAGE, STAGE_INDEX]).agg(**duration_aggregates(ended.seconds))
    return tuple(
        StageTime(group=row[GROUP], stage=row[STAGE], stats=DurationStats.from_row(row))
        for row in group_rows(times, STAGE_INDEX)
    )


def _reached(position: int) -> str:
    return f"reached_{position}"


def _skipped(position: int) -> str:
    return f"skipped_{position}"
