"""Stage progression: customers per stage, how many go on to the next one, and how fast."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pyarrow as pa
from logs import stage_log

from journeymap.analytics.progression import stage_progression
from journeymap.model import Journey, Stage

T0 = dt.datetime(2025, 5, 1, tzinfo=dt.UTC)
SPINE = ("discover", "consider", "buy", "use")
JOURNEY = Journey(
    id="first-purchase",
    name="First purchase",
    persona="shopper",
    stages=[Stage(id=stage, name=stage.title()) for stage in SPINE],
)

LOG = {
    "a": [(0, "discover"), (1, "discover"), (2, "consider"), (5, "buy")],
    "b": [(0, "discover"), (4, "buy"), (6, None)],  # skips consider: no conversion to it
    "c": [(0, "discover"), (1, "buy"), (2, "consider"), (4, "buy")],  # back to buy later
    "d": [(3, "consider")],
    "e": [(0, None), (1, None)],  # never on the map
    "f": [(0, "buy"), (0, "discover"), (2, "use")],
    "g": [(0, "discover"), (3, "use")],
}


def _touchpoint_events(visits: dict[str, list[tuple[float, str | None]]]) -> pa.Table:
    return stage_log(visits, SPINE, start=T0)


def test_customers_move_on_only_after_entering_a_stage_on_every_engine(engine: Any) -> None:
    result = stage_progression(engine.table(_touchpoint_events(LOG)), JOURNEY)

    numbers = {
        s.stage: (s.customers, s.to_next, s.time_to_next.median if s.time_to_next else None)
        for s in result.stages
    }
    assert numbers == {
        "discover": (5, 2, 2 * 3600.0),  # a and c reach consider, 2 h each
        "consider": (3, 2, 2.5 * 3600),  # a (3 h) and c, whose second buy counts (2 h)
        "buy": (4, 1, 2 * 3600.0),  # only f goes on to use
        "use": (2, None, None),  # the last stage has no next
    }
    assert result.customers == 6
    assert result.stage("consider").next_share == 2 / 3
    assert [s.position for s in result.stages] == [0, 1, 2, 3]
    assert result.to_arrow().num_rows == 4


def test_a_stage_nobody_reached_is_zero_not_missing(engine: Any) -> None:
    log = {"a": [(0, "discover"), (1, "buy")]}
    result = stage_progression(engine.table(_touchpoint_events(log)), JOURNEY)

    assert [(s.customers, s.to_next) for s in result.stages] == [(1, 0), (0, 0), (1, 0), (0, None)]
