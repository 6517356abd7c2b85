"""Conformance to the spine: visits, backward moves, loops, skipped stages, time per stage."""

from __future__ import annotations

import datetime as dt
from typing import Any

import ibis
import pyarrow as pa

from journeymap.analytics.conformance import (
    BackwardMove,
    ConformanceGroup,
    SkippedStage,
    StageLoop,
    conformance,
    conformance_by_customer,
    stage_visits,
)
from journeymap.model import Journey, Stage

T0 = dt.datetime(2025, 5, 1, tzinfo=dt.UTC)
SPINE = ("discover", "consider", "buy", "use")
JOURNEY = Journey(
    id="first-purchase",
    name="First purchase",
    persona="shopper",
    stages=[Stage(id=stage, name=stage.title()) for stage in SPINE],
)


def _touchpoint_events(visits: dict[str, list[tuple[float, str | None]]]) -> pa.Table:
    """Touchpoint events from (hours after T0, stage) per customer; None is an unmatched event."""
    rows = [
        (customer, hours, stage) for customer, stages in visits.items() for hours, stage in stages
    ]
    index = {stage: position for position, stage in enumerate(SPINE)}
    return pa.table(
        {
            "event_id": [f"e{number:03d}" for number in range(len(rows))],
            "customer_id": [customer for customer, _, _ in rows],
            "ts": [T0 + dt.timedelta(hours=hours) for _, hours, _ in rows],
            "event": [stage or "other" for _, _, stage in rows],
            "channel": ["web"] * len(rows),
            "touchpoint": [stage and f"{stage}-tp" for _, _, stage in rows],
            "stage": [stage for _, _, stage in rows],
            "stage_index": pa.array([index.get(stage or "") for _, _, stage in rows], pa.int64()),
            "touchpoint_index": pa.array(
                [index.get(stage or "") for _, _, stage in rows], pa.int64()
            ),
            "segment": [customer.upper() < "C" for customer, _, _ in rows],
        }
    )


LOG = {
    # conforms: repeats collapse, 2 h in discover, 3 h in consider
    "a": [(0, "discover"), (1, "discover"), (2, "consider"), (5, "buy")],
    # conforms, skips consider
    "b": [(0, "discover"), (4, "buy"), (6, None)],
    # goes back from buy to consider and re-enters buy
    "c": [(0, "discover"), (1, "buy"), (2, "consider"), (4, "buy")],
    # one stage only: conforms, skips nothing
    "d": [(3, "consider")],
    # never on the map: not counted
    "e": [(0, None), (1, None)],
    # same instant in two stages: spine order breaks the tie, so no backward move
    "f": [(0, "buy"), (0, "discover"), (2, "use")],
    # jumps from the first stage to the last: skips two
    "g": [(0, "discover"), (3, "use")],
}


def test_conformance_summarises_the_log_on_every_engine(engine: Any) -> None:
    result = conformance(engine.table(_touchpoint_events(LOG)), JOURNEY)

    assert result.groups == (
        ConformanceGroup(
            group=None,
            customers=6,
            conforming=5,
            with_backward_moves=1,
            with_loops=1,
            with_skips=3,
        ),
    )
    assert result.groups[0].share_conforming == 5 / 6
    assert result.skipped == (
        SkippedStage(group=None, stage="consider", customers=3),  # b, f, g
        SkippedStage(group=None, stage="buy", customers=1),  # g
    )
    assert result.backward_moves == (
        BackwardMove(group=None, from_stage="buy", to_stage="consider", moves=1, customers=1),
    )
    assert result.loops == (StageLoop(group=None, stage="buy", reentries=1, customers=1),)
    times = {time.stage: time.stats for time in result.stage_times}
    # discover: a 2 h, b 4 h, c 1 h, f 0 h, g 3 h; consider: a 3 h, c 2 h; buy: c 1 h, f 2 h.
    # Last visits (a's buy, d's consider, the use visits) have no end and no duration.
    assert {stage: (stats.count, stats.median) for stage, stats in times.items()} == {
        "discover": (5, 2 * 3600.0),
        "consider": (2, 2.5 * 3600),
        "buy": (2, 1.5 * 3600),
    }
    assert list(times) == ["discover", "consider", "buy"]  # spine order


def test_stage_visits_collapse_repeats_and_flag_moves() -> None:
    visits = stage_visits(ibis.memtable(_touchpoint_events(LOG)))
    c = visits.filter(visits.customer_id == "c").order_by("visit").to_pyarrow().to_pylist()

    assert [(v["visit"], v["stage"], v["backward"], v["reentry"]) for v in c] == [
        (0, "discover", False, False),
        (1, "buy", False, False),
        (2, "consider", True, False),
        (3, "buy", False, True),
    ]
    assert [v["seconds"] for v in c] == [3600, 3600, 7200, None]
    assert c[2]["from_stage"] == "buy"
    a = visits.filter(visits.customer_id == "a").order_by("visit").stage.to_list()
    assert a == ["discover", "consider", "buy"]


def test_per_customer_table_says_who_conforms_and_what_they_skipped() -> None:
    table = conformance_by_customer(ibis.memtable(_touchpoint_events(LOG)), JOURNEY)
    rows = {row["customer_id"]: row for row in table.to_pyarrow().to_pylist()}

    assert sorted(rows) == ["a", "b", "c", "d", "f", "g"]
    assert {c: (r["conforming"], r["skipped"], r["backward_moves"]) for c, r in rows.items()} == {
        "a": (True, 0, 0),
        "b": (True, 1, 0),
        "c": (False, 0, 1),
        "d": (True, 0, 0),
        "f": (True, 1, 0),
        "g": (True, 2, 0),
    }


def test_breakdown_splits_every_number_by_group() -> None:
    result = conformance(ibis.memtable(_touchpoint_events(LOG)), JOURNEY, by="segment")

    assert [(g.group, g.customers, g.conforming) for g in result.groups] == [
        (False, 4, 3),  # c, d, f, g
        (True, 2, 2),  # a, b
    ]
    assert [(s.group, s.stage, s.customers) for s in result.skipped] == [
        (False, "consider", 2),
        (False, "buy", 1),
        (True, "consider", 1),
    ]
    assert result.to_arrow().column_names[0] == "segment"
