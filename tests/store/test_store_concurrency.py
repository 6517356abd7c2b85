"""Two people saving the same journey: exactly one wins, nothing is overwritten."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import sqlalchemy as sa

from journeymap.model import Journey, Persona, Workspace
from journeymap.store import ConflictError, Store, VersionInfo


def test_second_save_on_the_same_base_is_refused(saved: Store, store_url: str) -> None:
    with Store.open(store_url) as other:
        mine = saved.journey_at("returns")
        theirs = other.journey_at("returns")
        base = saved.head("returns").number
        assert other.head("returns").number == base

        won = other.save_journey(
            theirs.model_copy(update={"name": "Theirs"}),
            author="them",
            message="t",
            base_version=base,
        )
        with pytest.raises(ConflictError, match="saved by them"):
            saved.save_journey(
                mine.model_copy(update={"name": "Mine"}),
                author="me",
                message="m",
                base_version=base,
            )

    assert saved.head("returns") == won
    assert saved.journey_at("returns").name == "Theirs"
    assert [v.number for v in saved.versions("returns")] == [1, 2]


class Rendezvous:
    """Holds each writer just before its first statement starting with ``prefix`` until
    the other writer got there too, so both have read the store before either writes.

    Where the database already serialises writers (SQLite takes its write lock when a
    write transaction begins) the second never arrives in time; the first then goes on
    after a short wait. ``events`` records the order of those statements and commits.
    """

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.events: list[str] = []
        self._both_there = threading.Event()
        self._lock = threading.Lock()

    def attach(self, store: Store) -> None:
        sa.event.listen(store.engine, "before_cursor_execute", self._before)
        sa.event.listen(store.engine, "commit", self._commit)

    def _before(self, _conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if statement.startswith(self.prefix):
            with self._lock:
                self.events.append("write")
                if self.events.count("write") == 2:
                    self._both_there.set()
            self._both_there.wait(timeout=0.5)

    def _commit(self, _conn: Any) -> None:
        with self._lock:
            self.events.append("commit")

    def raced(self) -> bool:
        """True when both writers issued the statement before anything committed."""
        return self.events[:2] == ["write", "write"]


def race(
    store_url: str, rendezvous: Rendezvous, work: Callable[[Store, int], VersionInfo]
) -> list[VersionInfo | ConflictError]:
    """Run ``work`` on two stores at once; each result is a version or the conflict."""
    writers = [Store.open(store_url) for _ in range(2)]
    start = threading.Barrier(2)

    def run(index: int) -> VersionInfo | ConflictError:
        start.wait(timeout=5)
        try:
            return work(writers[index], index)
        except ConflictError as error:
            return error

    try:
        for store in writers:
            rendezvous.attach(store)
        with ThreadPoolExecutor(max_workers=2) as pool:
            return list(pool.map(run, range(2)))
    finally:
        for store in writers:
            store.close()


def test_racing_saves_on_the_same_base_one_wins(saved: Store, store_url: str) -> None:
    rendezvous = Rendezvous("UPDATE journeys SET")

    def save(store: Store, index: int) -> VersionInfo:
        journey = store.journey_at("returns").model_copy(update={"name": f"writer {index}"})
        return store.save_journey(journey, author=f"w{index}", message="race", base_version=1)

    results = race(store_url, rendezvous, save)

    winners = [r for r in results if isinstance(r, VersionInfo)]
    losers = [r for r in results if isinstance(r, ConflictError)]
    assert (len(winners), len(losers)) == (1, 1)
    winner = winners[0]
    assert winner.number == 2
    assert f"saved by {winner.author}" in str(losers[0])
    assert saved.head("returns") == winner
    assert saved.journey_at("returns").name == f"writer {winner.author[1]}"
    assert saved.load_workspace().journey("returns").name == f"writer {winner.author[1]}"
    assert [v.number for v in saved.versions("returns")] == [1, 2]
    if saved.engine.dialect.name == "postgresql":
        # Both guarded updates ran before either committed: the row count decided.
        assert rendezvous.raced()


def test_racing_creations_of_one_new_journey_one_wins(saved: Store, store_url: str) -> None:
    rendezvous = Rendezvous("INSERT INTO journeys")

    def create(store: Store, index: int) -> VersionInfo:
        journey = Journey(id="gift", name=f"gift {index}", persona="parent")
        return store.save_journey(journey, author=f"w{index}", message="new", base_version=None)

    results = race(store_url, rendezvous, create)

    assert sorted(type(r).__name__ for r in results) == ["ConflictError", "VersionInfo"]
    loser = next(r for r in results if isinstance(r, ConflictError))
    assert "'gift' already exists at version 1 (saved by w" in str(loser)
    assert [v.number for v in saved.versions("gift")] == [1]
    if saved.engine.dialect.name == "postgresql":
        assert rendezvous.raced()


@pytest.mark.postgresql
def test_persona_deleted_between_check_and_write_is_a_conflict(postgresql_url: str) -> None:
    """PostgreSQL lets another client commit between our checks and our insert.

    (SQLite cannot: a write transaction holds the lock from its first statement.)
    """
    with Store.open(postgresql_url) as mine, Store.open(postgresql_url) as theirs:
        mine.save_workspace(
            Workspace(personas=[Persona(id="teacher", name="Teacher")]), author="a", message="m"
        )

        def delete_persona_first(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
            if statement.startswith("INSERT INTO journeys"):
                theirs.delete_persona("teacher")

        sa.event.listen(mine.engine, "before_cursor_execute", delete_persona_first)
        journey = Journey(id="class-order", name="Class order", persona="teacher")
        with pytest.raises(
            ConflictError, match="the store changed while this change was being written"
        ) as caught:
            mine.save_journey(journey, author="me", message="m", base_version=None)

        assert "Nothing was written. Reload and try again." in str(caught.value)
        assert mine.journey_ids() == []
        assert mine.load_workspace().personas == []
