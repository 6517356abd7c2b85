"""Stage progression: how many customers reach each stage and how many of them go on to the
next one, and how long that takes.

This is the metrics strip of the poster ("62% of 48,210 customers reach Delivery, median 1.8
days"): a funnel over the spine's stages that counts a customer at the next stage only if
they entered it *after* first entering this one. Customers who skip a stage do not count as
its conversions; :func:`~journeymap.analytics.conformance.conformance` reports the skips.
"""

from __future__ import annotations

from dataclasses import dataclass

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from journeymap.analytics.conformance import stage_visits
from journeymap.analytics.scope import GROUP, group_rows
from journeymap.analytics.time_to_value import DurationStats, duration_aggregates
from journeymap.model import Journey
from journeymap.model.canonical import CUSTOMER_ID, STAGE_INDEX

__all__ = ["StageProgress", "StageProgression", "stage_progression"]


@dataclass(frozen=True)
class StageProgress:
    """One stage: customers who reached it, how many then reached the next, and when."""

    stage: str
    position: int
    customers: int
    to_next: int | None
    """Of them, customers who entered the next stage after entering this one (None: last)."""
    time_to_next: DurationStats | None

    @property
    def next_share(self) -> float | None:
        """``to_next`` as a share of ``customers``."""
        if self.to_next is None:
            return None
        return self.to_next / self.customers if self.customers else 0.0


@dataclass(frozen=True)
class StageProgression:
    """Every stage of the spine in order, with the customers measured in all."""

    stages: tuple[StageProgress, ...]
    customers: int

    def stage(self, stage_id: str) -> StageProgress:
        """The numbers of one stage; ``KeyError`` if it is not in the journey."""
        for progress in self.stages:
            if progress.stage == stage_id:
                return progress
        raise KeyError(stage_id)

    def to_arrow(self) -> pa.Table:
        """One row per stage."""
        return pa.Table.from_pylist(
            [
                {
                    "stage": s.stage,
                    "position": s.position,
                    "customers": s.customers,
                    "to_next": s.to_next,
                    "next_share": s.next_share,
                    "median_seconds_to_next": s.time_to_next.median if s.time_to_next else None,
                }
                for s in self.stages
            ]
        )


def stage_progression(touchpoint_events: ir.Table, journey: Journey) -> StageProgression:
    """Customers per stage and their progress to the next stage of ``journey``'s spine.

    ``touchpoint_events`` are events matched to the journey (:func:`match_touchpoints`).
    """
    visits = stage_visits(touchpoint_events)
    first = visits.group_by([CUSTOMER_ID, STAGE_INDEX]).agg(entered=visits.entered_at.min())
    # Any entry into the next stage after the first entry into this one counts, so a
    # customer who peeked at the next stage early and came back later still moved on.
    entries = visits.select(
        next_customer=visits[CUSTOMER_ID],
        next_index=visits[STAGE_INDEX] - 1,
        next_entered=visits.entered_at,
    )
    later = first.join(
        entries,
        [
            first[CUSTOMER_ID] == entries.next_customer,
            first[STAGE_INDEX] == entries.next_index,
            entries.next_entered >= first.entered,
        ],
    )
    moved_on = later.group_by([later[CUSTOMER_ID], later[STAGE_INDEX]]).agg(
        next_entered=later.next_entered.min()
    )
    moved = moved_on.select(
        moved_customer=moved_on[CUSTOMER_ID],
        moved_index=moved_on[STAGE_INDEX],
        next_entered=moved_on.next_entered,
    )
    joined = first.left_join(
        moved,
        [first[CUSTOMER_ID] == moved.moved_customer, first[STAGE_INDEX] == moved.moved_index],
    )
    steps = joined.mutate(
        seconds=joined.next_entered.epoch_seconds() - joined.entered.epoch_seconds(),
        moved=joined.next_entered.notnull().cast("int64"),
    )
    per_stage = (
        steps.group_by(STAGE_INDEX)
        .aggregate(
            customers=steps.count(), moved=steps.moved.sum(), **duration_aggregates(steps.seconds)
        )
        .mutate(ibis.null("string").name(GROUP))
    )
    found = {int(row[STAGE_INDEX]): row for row in group_rows(per_stage, STAGE_INDEX)}
    total = int(visits.select(CUSTOMER_ID).distinct().count().to_pyarrow().as_py())
    last = len(journey.stages) - 1
    stages = []
    for position, stage in enumerate(journey.stages):
        row = found.get(position)
        customers = int(row["customers"]) if row else 0
        is_last = position == last
        stages.append(
            StageProgress(
                stage=stage.id,
                position=position,
                customers=customers,
                to_next=None if is_last else (int(row["moved"] or 0) if row else 0),
                time_to_next=None if is_last or not row else DurationStats.from_row(row),
            )
        )
    return StageProgression(stages=tuple(stages), customers=total)
