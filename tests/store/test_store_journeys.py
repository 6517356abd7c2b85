"""One journey at a time: optimistic saves, history, restore and delete."""

from __future__ import annotations

import re

import pytest
from store_helpers import shopping_journey, take_snapshot

from journeymap.model import Journey, MomentKind, Stage
from journeymap.store import ConflictError, InvalidWorkspaceError, NotFoundError, Store


def renamed(journey: Journey, name: str) -> Journey:
    return journey.model_copy(update={"name": name})


def test_a_new_journey_starts_at_version_one(saved: Store) -> None:
    gift = Journey(id="gift", name="Buying a gift", persona="parent")
    info = saved.save_journey(gift, author="ann", message="new map", base_version=None)
    assert (info.journey_id, info.number, info.author, info.message) == (
        "gift",
        1,
        "ann",
        "new map",
    )
    assert saved.journey_ids() == ["online-shopping", "returns", "gift"]
    assert saved.load_workspace().journey("gift") == gift


def test_each_save_on_the_head_adds_a_version(saved: Store) -> None:
    journey = shopping_journey()
    second = saved.save_journey(
        renamed(journey, "Shopping"), author="ben", message="v2", base_version=1
    )
    third = saved.save_journey(renamed(journey, "Shop"), author="cy", message="v3", base_version=2)

    assert [(v.number, v.author, v.message) for v in saved.versions(journey.id)] == [
        (1, "alice", "first maps"),
        (2, "ben", "v2"),
        (3, "cy", "v3"),
    ]
    assert saved.head(journey.id) == third
    assert second.created_at <= third.created_at
    assert [saved.journey_at(journey.id, n).name for n in (1, 2, 3)] == [
        "Online shopping",
        "Shopping",
        "Shop",
    ]
    assert saved.journey_at(journey.id) == renamed(journey, "Shop")
    assert saved.load_workspace().journey(journey.id) == renamed(journey, "Shop")


def test_saving_the_head_unchanged_returns_the_head(saved: Store) -> None:
    head = saved.head("online-shopping")
    assert (
        saved.save_journey(shopping_journey(), author="dee", message="no-op", base_version=1)
        == head
    )
    assert len(saved.versions("online-shopping")) == 1


def test_stale_base_is_a_conflict_that_says_how_to_resolve(saved: Store) -> None:
    journey = shopping_journey()
    saved.save_journey(
        renamed(journey, "Shopping"), author="ben", message="shorter name", base_version=1
    )
    before = take_snapshot(saved)

    with pytest.raises(ConflictError) as caught:
        saved.save_journey(renamed(journey, "Buying"), author="eve", message="mine", base_version=1)

    message = str(caught.value)
    assert re.search(
        r"journey 'online-shopping' changed since version 1, the version your change starts "
        r'from: version 2 \(saved by ben at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC: "shorter name"\)',
        message,
    )
    assert "reload version 2, reapply your change and save with base_version=2" in message
    assert "diff versions 1 and 2" in message
    assert (caught.value.journey_id, caught.value.base_version) == ("online-shopping", 1)
    assert take_snapshot(saved) == before


def test_conflict_lists_the_latest_versions_when_many(saved: Store) -> None:
    journey = shopping_journey()
    for number in range(1, 6):
        saved.save_journey(
            renamed(journey, f"v{number + 1}"),
            author="ben",
            message=f"m{number + 1}",
            base_version=number,
        )
    with pytest.raises(
        ConflictError, match=r"since version 1, .*: 2 more, then version 4 .*version 6"
    ):
        saved.save_journey(renamed(journey, "late"), author="eve", message="late", base_version=1)


def test_base_ahead_of_the_head_is_a_conflict(saved: Store) -> None:
    with pytest.raises(ConflictError, match="has no version 7 yet; its head is version 1"):
        saved.save_journey(
            renamed(shopping_journey(), "x"), author="eve", message="m", base_version=7
        )


def test_creating_a_journey_that_exists_is_a_conflict(saved: Store) -> None:
    with pytest.raises(
        ConflictError, match=r"'returns' already exists at version 1 \(saved by alice"
    ):
        saved.save_journey(
            Journey(id="returns", name="Other", persona="parent"),
            author="fin",
            message="m",
            base_version=None,
        )


def test_saving_an_unknown_journey_on_a_base_names_the_journeys(saved: Store) -> None:
    with pytest.raises(
        NotFoundError,
        match=re.escape("unknown journey 'gift'. Journeys in this store: online-shopping, returns"),
    ):
        saved.save_journey(
            Journey(id="gift", name="Gift", persona="parent"),
            author="gil",
            message="m",
            base_version=1,
        )


def test_invalid_journey_is_refused_with_every_problem(saved: Store) -> None:
    before = take_snapshot(saved)
    journey = shopping_journey(persona="teacher")
    journey.stages[0].touchpoints[1].owner_team = "legal"
    journey.stages.append(Stage(id="discover", name="Again"))

    with pytest.raises(InvalidWorkspaceError) as caught:
        saved.save_journey(journey, author="hu", message="m", base_version=1)

    assert [p.location for p in caught.value.problems] == [
        ("persona",),
        ("stages", 3, "id"),
        ("stages", 0, "touchpoints", 1, "owner_team"),
    ]
    assert "journey 'online-shopping' was not saved (3 problems" in str(caught.value)
    assert "Use one of: parent, student." in str(caught.value)
    assert take_snapshot(saved) == before


def test_history_of_unknown_things_says_what_exists(saved: Store) -> None:
    with pytest.raises(
        NotFoundError,
        match=re.escape("unknown journey 'gift'. Journeys in this store: online-shopping, returns"),
    ):
        saved.versions("gift")
    with pytest.raises(NotFoundError, match="'returns' has no version 4; it has versions 1 to 1"):
        saved.journey_at("returns", 4)
    with pytest.raises(NotFoundError, match="unknown journey 'gift'"):
        saved.head("gift")


def test_unknown_journey_in_an_empty_store(store: Store) -> None:
    with pytest.raises(NotFoundError, match="Journeys in this store: none yet"):
        store.journey_at("gift")


def test_restore_adds_a_version_equal_to_the_old_one(saved: Store) -> None:
    journey = shopping_journey()
    changed = journey.model_copy(deep=True)
    changed.stages[1].touchpoints[0].moment = MomentKind.HYGIENE_FACTOR
    changed.stages[1].touchpoints[0].impact_rank = None
    saved.save_journey(changed, author="ivy", message="not a pain any more", base_version=1)

    info = saved.restore(journey.id, 1, author="jon")

    assert (info.number, info.author, info.message) == (3, "jon", "Restored version 1")
    assert saved.journey_at(journey.id) == journey
    assert saved.journey_at(journey.id, 2) == changed
    assert saved.load_workspace().journey(journey.id) == journey
    assert saved.restore(journey.id, 3, author="kim", message="again") == info


def test_deleted_journey_keeps_its_history_and_can_come_back(saved: Store) -> None:
    saved.delete_journey("returns", author="lea")

    assert saved.journey_ids() == ["online-shopping"]
    assert [j.id for j in saved.load_workspace().journeys] == ["online-shopping"]
    assert [v.number for v in saved.versions("returns")] == [1]
    assert saved.journey_at("returns", 1).name == "Returning an item"
    with pytest.raises(
        NotFoundError,
        match=r"'returns' was deleted by lea at .* after version 1.*restore\('returns', 1\)",
    ):
        saved.head("returns")
    with pytest.raises(
        ConflictError,
        match=r"'returns' was deleted by lea .*your change to version 1 was not saved",
    ):
        saved.save_journey(
            saved.journey_at("returns", 1), author="max", message="m", base_version=1
        )
    with pytest.raises(NotFoundError, match="was deleted by lea"):
        saved.delete_journey("returns", author="lea")

    info = saved.restore("returns", 1, author="ned", message="undo delete")

    assert (info.number, info.message) == (2, "undo delete")
    assert saved.journey_ids() == ["online-shopping", "returns"]
    assert saved.journey_at("returns") == saved.journey_at("returns", 1)


def test_a_deleted_journey_id_can_be_saved_as_new(saved: Store) -> None:
    saved.delete_journey("returns", author="lea")
    fresh = Journey(id="returns", name="Returns, new style", persona="parent")
    info = saved.save_journey(fresh, author="oz", message="start over", base_version=None)
    assert info.number == 2  # numbers continue, so old versions keep theirs
    assert saved.journey_at("returns") == fresh


def test_diff_between_versions(saved: Store) -> None:
    journey = shopping_journey()
    saved.save_journey(renamed(journey, "Shopping"), author="ben", message="v2", base_version=1)
    changes = saved.diff(journey.id, 1, 2).changes
    assert [(c.kind, c.path, c.old, c.new) for c in changes] == [
        ("changed", "name", "Online shopping", "Shopping")
    ]
    assert saved.diff(journey.id, 2, 2).is_empty
    with pytest.raises(NotFoundError, match="no version 3"):
        saved.diff(journey.id, 1, 3)
