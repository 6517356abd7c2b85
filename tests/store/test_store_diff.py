"""diff_journeys: changes matched by id, per field, with moves; a pure function."""

from __future__ import annotations

import dataclasses

import pytest
from store_helpers import shopping_journey

from journeymap.model import Journey, MomentKind, Opportunity, Outcome, Stage, Touchpoint
from journeymap.store import Change, DiffSummary, JourneyDiff, diff_journeys


def rows(diff: JourneyDiff) -> list[tuple[str, str, str, str | None, object, object]]:
    return [(c.kind, c.item, c.path, c.field, c.old, c.new) for c in diff.changes]


def spine(*stages: tuple[str, list[str]]) -> Journey:
    """A journey with these stages and touchpoint ids (names derived from the ids)."""
    return Journey(
        id="j",
        name="J",
        persona="p",
        stages=[
            Stage(id=s, name=s.upper(), touchpoints=[Touchpoint(id=t, name=t.upper()) for t in tps])
            for s, tps in stages
        ],
    )


def test_equal_journeys_have_no_changes() -> None:
    diff = diff_journeys(shopping_journey(), shopping_journey())
    assert diff.is_empty
    assert diff.changes == ()
    assert diff.summary() == DiffSummary(added=0, removed=0, changed=0, moved=0)


def test_journey_fields_are_compared_one_by_one() -> None:
    old = shopping_journey()
    new = old.model_copy(update={"name": "Shopping", "expectations": ["cheap"]})
    assert rows(diff_journeys(old, new)) == [
        ("changed", "journey", "name", "name", "Online shopping", "Shopping"),
        ("changed", "journey", "expectations", "expectations", ["fast delivery"], ["cheap"]),
    ]


def test_touchpoint_field_change_has_a_full_path_and_json_values() -> None:
    old = shopping_journey()
    new = old.model_copy(deep=True)
    new.stages[1].touchpoints[0].moment = MomentKind.HYGIENE_FACTOR
    new.stages[1].touchpoints[0].event_rule = None

    diff = diff_journeys(old, new)

    assert diff.changes == (
        Change(
            "changed",
            "touchpoint",
            "payment",
            "stages[checkout].touchpoints[payment].moment",
            "moment",
            "pain_point",
            "hygiene_factor",
        ),
        Change(
            "changed",
            "touchpoint",
            "payment",
            "stages[checkout].touchpoints[payment].event_rule",
            "event_rule",
            {"events": ["payment_failed", "payment_error"], "where": None},
            None,
        ),
    )
    assert diff.summary() == DiffSummary(added=0, removed=0, changed=1, moved=0)
    assert str(diff.summary()) == "0 added, 0 removed, 1 changed, 0 moved"


def test_renamed_stage_is_a_change_not_a_replacement() -> None:
    old = spine(("a", ["x"]), ("b", []))
    new = spine(("a", ["x"]), ("b", []))
    new.stages[0].name = "Awareness"
    assert rows(diff_journeys(old, new)) == [
        ("changed", "stage", "stages[a].name", "name", "A", "Awareness")
    ]


def test_added_and_removed_stages_list_their_touchpoints_separately() -> None:
    old = spine(("a", ["x"]), ("gone", ["y"]))
    new = spine(("a", ["x"]), ("new", ["z"]))
    assert rows(diff_journeys(old, new)) == [
        ("removed", "stage", "stages[gone]", None, _stage("gone"), None),
        ("added", "stage", "stages[new]", None, None, _stage("new")),
        ("removed", "touchpoint", "stages[gone].touchpoints[y]", None, _touchpoint("y"), None),
        ("added", "touchpoint", "stages[new].touchpoints[z]", None, None, _touchpoint("z")),
    ]


def _stage(stage_id: str) -> dict[str, object]:
    dump = Stage(id=stage_id, name=stage_id.upper()).model_dump(mode="json")
    del dump["touchpoints"]
    return dump


def _touchpoint(touchpoint_id: str) -> dict[str, object]:
    return Touchpoint(id=touchpoint_id, name=touchpoint_id.upper()).model_dump(mode="json")


def test_touchpoint_moved_to_another_stage_is_one_move() -> None:
    old = spine(("a", ["x", "y"]), ("b", ["z"]))
    new = spine(("a", ["x"]), ("b", ["y", "z"]))
    new.stages[1].touchpoints[0].name = "Why"
    assert rows(diff_journeys(old, new)) == [
        ("moved", "touchpoint", "stages[b].touchpoints[y]", "stage", "a", "b"),
        ("changed", "touchpoint", "stages[b].touchpoints[y].name", "name", "Y", "Why"),
    ]
    assert diff_journeys(old, new).summary() == DiffSummary(0, 0, 1, 1)


def test_reordering_reports_the_fewest_moves() -> None:
    old = spine(("a", ["t1", "t2", "t3"]), ("b", []), ("c", []))
    # Stage c moved to the front; t3 moved to the front of its stage.
    new = spine(("c", []), ("a", ["t3", "t1", "t2"]), ("b", []))
    assert rows(diff_journeys(old, new)) == [
        ("moved", "stage", "stages[c]", "position", 2, 0),
        ("moved", "touchpoint", "stages[a].touchpoints[t3]", "position", 2, 0),
    ]


def test_inserting_at_the_front_moves_nothing() -> None:
    old = spine(("a", ["x"]), ("b", ["y"]))
    new = spine(("new", ["w"]), ("a", ["v", "x"]), ("b", ["y"]))
    kinds = [(c.kind, c.item_id) for c in diff_journeys(old, new).changes]
    assert kinds == [("added", "new"), ("added", "w"), ("added", "v")]


def test_swapping_two_stages_is_one_move() -> None:
    old = spine(("a", []), ("b", []))
    new = spine(("b", []), ("a", []))
    assert rows(diff_journeys(old, new)) == [("moved", "stage", "stages[b]", "position", 1, 0)]


def test_outcomes_evidence_and_opportunities_are_matched_by_id() -> None:
    old = shopping_journey()
    new = old.model_copy(deep=True)
    new.outcomes.reverse()
    new.outcomes.append(Outcome(id="promoter", name="Promoter", customer_rule="nps >= 9"))
    new.evidence[0].sentiment = -0.5
    del new.evidence[1]
    new.opportunities = [
        Opportunity(id="one-click", title="One-click pay", touchpoints=["payment"]),
        *new.opportunities,
    ]

    changes = diff_journeys(old, new).changes

    assert [(c.kind, c.item, c.path, c.field) for c in changes] == [
        ("moved", "outcome", "outcomes[churned]", "position"),
        ("added", "outcome", "outcomes[promoter]", None),
        ("removed", "evidence", "evidence[survey-1]", None),
        ("changed", "evidence", "evidence[interview-7].sentiment", "sentiment"),
        ("added", "opportunity", "opportunities[one-click]", None),
    ]
    assert (changes[3].old, changes[3].new) == (-0.75, -0.5)
    assert changes[2].old == old.evidence[1].model_dump(mode="json")
    assert diff_journeys(old, new).summary() == DiffSummary(added=2, removed=1, changed=1, moved=1)


def test_diff_types_are_frozen() -> None:
    diff = diff_journeys(spine(("a", [])), spine(("b", [])))
    with pytest.raises(dataclasses.FrozenInstanceError):
        diff.changes[0].kind = "moved"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        diff.changes = ()  # type: ignore[misc]
