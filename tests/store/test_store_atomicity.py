"""A save that fails half way leaves the store exactly as it was."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from store_helpers import take_snapshot

from journeymap.model import Persona, Workspace
from journeymap.store import Store


class SabotageError(RuntimeError):
    """The failure we inject; anything the database or driver raises behaves alike."""


def fail_on(store: Store, prefix: str, *, occurrence: int) -> list[str]:
    """Make the ``occurrence``-th statement starting with ``prefix`` fail; log all writes."""
    writes: list[str] = []

    def hook(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if statement.split()[0] in ("INSERT", "UPDATE", "DELETE"):
            writes.append(statement)
        if statement.startswith(prefix) and sum(w.startswith(prefix) for w in writes) == occurrence:
            raise SabotageError(statement)

    sa.event.listen(store.engine, "before_cursor_execute", hook)
    return writes


def test_workspace_save_failing_on_the_second_journey_writes_nothing(
    saved: Store, shop: Workspace
) -> None:
    before = take_snapshot(saved)
    changed = shop.model_copy(deep=True)
    changed.name = "Renamed"
    changed.personas.append(Persona(id="teacher", name="Teacher"))
    for journey in changed.journeys:
        journey.description = "changed"
    writes = fail_on(saved, "INSERT INTO journey_versions", occurrence=2)

    with pytest.raises(SabotageError):
        saved.save_workspace(changed, author="mallory", message="half")

    # Meta, a persona, one whole journey version and the second journey's rows were
    # written before the failure...
    assert any(w.startswith("UPDATE workspace_meta") for w in writes)
    assert any(w.startswith("INSERT INTO personas") for w in writes)
    assert sum(w.startswith("INSERT INTO touchpoints") for w in writes) == 2
    # ...and all of it was rolled back.
    assert take_snapshot(saved) == before
    assert saved.load_workspace() == shop


def test_journey_save_failing_after_its_rows_writes_nothing(saved: Store, shop: Workspace) -> None:
    before = take_snapshot(saved)
    journey = shop.journeys[0].model_copy(update={"name": "Half saved"})
    writes = fail_on(saved, "INSERT INTO opportunities", occurrence=1)

    with pytest.raises(SabotageError):
        saved.save_journey(journey, author="mallory", message="half", base_version=1)

    assert writes[0].startswith("UPDATE journeys SET")
    assert any(w.startswith("DELETE FROM stages") for w in writes)
    assert take_snapshot(saved) == before
    assert saved.head(journey.id).number == 1


def test_store_works_normally_after_a_failed_save(saved: Store, shop: Workspace) -> None:
    journey = shop.journeys[1].model_copy(update={"name": "Returns"})
    fail_on(saved, "INSERT INTO journey_versions", occurrence=1)
    with pytest.raises(SabotageError):
        saved.save_journey(journey, author="mallory", message="half", base_version=1)

    info = saved.save_journey(journey, author="trent", message="whole", base_version=1)
    assert (info.number, saved.journey_at("returns").name) == (2, "Returns")
