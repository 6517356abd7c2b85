"""Property tests over generated workspaces (tests/strategies.py): nothing is lost."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from journeymap.model import Journey, Workspace
from journeymap.store import Store, diff_journeys
from strategies import journeys, workspaces

ON_A_SHARED_STORE = settings(
    max_examples=25,
    deadline=None,
    # One store serves every example; each example empties it first, through the API.
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


def empty(store: Store) -> None:
    """Delete everything current (history stays, which a round trip must not see)."""
    for journey_id in store.journey_ids():
        store.delete_journey(journey_id, author="reset")
    current = store.load_workspace()
    for persona in current.personas:
        store.delete_persona(persona.id)
    for team in current.teams:
        store.delete_team(team.id)


@ON_A_SHARED_STORE
@given(workspace=workspaces())
def test_saved_workspace_loads_back_equal(store: Store, workspace: Workspace) -> None:
    empty(store)

    versions = store.save_workspace(workspace, author="prop", message="round trip")

    assert [v.journey_id for v in versions] == [j.id for j in workspace.journeys]
    assert store.load_workspace() == workspace
    for journey in workspace.journeys:
        assert store.journey_at(journey.id) == journey
    assert store.save_workspace(workspace, author="prop", message="again") == []


@settings(max_examples=20, deadline=None)
@given(data=st.data())
def test_diff_is_empty_exactly_for_equal_journeys(data: st.DataObject) -> None:
    first = data.draw(journeys("j", ["p", "q"], ["t"]))
    second = data.draw(st.just(first) | journeys("j", ["p", "q"], ["t"]))
    assert diff_journeys(first, first).is_empty
    assert diff_journeys(first, second).is_empty == (first == second)


@settings(max_examples=20, deadline=None)
@given(journey=journeys("j", ["p"], ["t"], max_stages=5))
def test_reversed_spine_is_only_moves_of_all_stages_but_one(journey: Journey) -> None:
    reversed_spine = journey.model_copy(update={"stages": journey.stages[::-1]})
    changes = diff_journeys(journey, reversed_spine).changes
    assert {(c.kind, c.item, c.field) for c in changes} <= {("moved", "stage", "position")}
    assert len(changes) == max(len(journey.stages) - 1, 0)
