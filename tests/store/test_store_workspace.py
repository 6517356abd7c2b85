"""Saving and loading whole (or partial) workspaces."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import sqlalchemy as sa
from store_helpers import returns_journey, shopping_journey, take_snapshot

from journeymap.model import Journey, Persona, Stage, Team, Workspace
from journeymap.store import InvalidWorkspaceError, NotFoundError, Store
from journeymap.store.tables import journeys, stages, touchpoints


def test_empty_store_loads_an_empty_workspace(store: Store) -> None:
    assert store.load_workspace() == Workspace()
    assert store.journey_ids() == []


def test_round_trip_keeps_everything_in_order(store: Store, shop: Workspace) -> None:
    versions = store.save_workspace(shop, author="alice", message="first maps")

    assert [(v.journey_id, v.number, v.author, v.message) for v in versions] == [
        ("online-shopping", 1, "alice", "first maps"),
        ("returns", 1, "alice", "first maps"),
    ]
    loaded = store.load_workspace()
    assert loaded == shop
    assert [p.id for p in loaded.personas] == ["student", "parent"]
    assert store.journey_ids() == ["online-shopping", "returns"]
    for journey in shop.journeys:
        assert store.journey_at(journey.id) == journey


def test_versions_are_stamped_in_utc(store: Store, shop: Workspace) -> None:
    before = dt.datetime.now(dt.UTC)
    (info, _) = store.save_workspace(shop, author="alice", message="first maps")
    after = dt.datetime.now(dt.UTC)
    assert info.created_at.tzinfo is dt.UTC
    assert before - dt.timedelta(seconds=1) <= info.created_at <= after + dt.timedelta(seconds=1)
    assert store.versions("online-shopping") == [info]


def test_current_state_lives_in_normalized_tables(saved: Store) -> None:
    with saved.engine.connect() as connection:
        journey = connection.execute(sa.select(journeys).where(journeys.c.id == "returns")).one()
        stage_rows = connection.execute(
            sa.select(stages.c.id, stages.c.position)
            .where(stages.c.journey_id == "online-shopping")
            .order_by(stages.c.position)
        ).all()
        payment = connection.execute(
            sa.select(touchpoints).where(touchpoints.c.id == "payment")
        ).one()
    assert (journey.persona_id, journey.head_version, journey.position) == ("student", 1, 1)
    assert [tuple(row) for row in stage_rows] == [("discover", 0), ("checkout", 1), ("support", 2)]
    assert (payment.stage_id, payment.owner_team_id, payment.name) == ("checkout", "web", "Payment")
    # The body keeps what has no column of its own, and nothing twice.
    assert payment.body["moment"] == "pain_point"
    assert "name" not in payment.body
    assert "owner_team" not in payment.body


def test_saving_the_same_workspace_again_creates_no_versions(saved: Store, shop: Workspace) -> None:
    assert saved.save_workspace(shop, author="bob", message="again") == []
    assert [v.number for v in saved.versions("online-shopping")] == [1]


def test_only_changed_journeys_get_a_version(saved: Store, shop: Workspace) -> None:
    changed = shop.model_copy(deep=True)
    changed.journeys[1].name = "Returns"

    versions = saved.save_workspace(changed, author="bob", message="rename returns")

    assert [(v.journey_id, v.number, v.author) for v in versions] == [("returns", 2, "bob")]
    assert saved.head("online-shopping").number == 1
    assert saved.journey_at("returns").name == "Returns"
    assert saved.journey_at("returns", 1).name == "Returning an item"


def test_partial_document_deletes_nothing(saved: Store, shop: Workspace) -> None:
    partial = Workspace(
        name="Stationery shop",
        description="Maps of our web shop.",
        personas=[Persona(id="teacher", name="Teacher")],
        journeys=[
            Journey(id="class-order", name="Class order", persona="teacher"),
            shop.journeys[1],
        ],
    )

    saved.save_workspace(partial, author="carol", message="add teacher")

    loaded = saved.load_workspace()
    # The document's items come first, in its order; the others keep theirs after them.
    assert [p.id for p in loaded.personas] == ["teacher", "student", "parent"]
    assert [t.id for t in loaded.teams] == ["web", "support", "payments"]
    assert [j.id for j in loaded.journeys] == ["class-order", "returns", "online-shopping"]
    assert loaded.journey("online-shopping") == shop.journeys[0]


def test_personas_and_teams_are_updated_in_place(saved: Store, shop: Workspace) -> None:
    changed = shop.model_copy(deep=True)
    changed.personas[0].quote = "Cheap, please."
    changed.teams = [Team(id="payments", name="Payments & fraud")]

    saved.save_workspace(changed, author="dan", message="edit people")

    loaded = saved.load_workspace()
    assert loaded.persona("student").quote == "Cheap, please."
    assert [(t.id, t.name) for t in loaded.teams] == [
        ("payments", "Payments & fraud"),
        ("web", "Web team"),
        ("support", "Support"),
    ]


def test_workspace_name_and_description_are_kept(saved: Store, shop: Workspace) -> None:
    saved.save_workspace(
        Workspace(name="Paper & pens", description=""), author="erin", message="rename"
    )
    loaded = saved.load_workspace()
    assert (loaded.name, loaded.description) == ("Paper & pens", "")
    assert [j.id for j in loaded.journeys] == ["online-shopping", "returns"]


def test_a_journey_may_use_a_persona_already_in_the_store(saved: Store) -> None:
    document = Workspace(journeys=[Journey(id="gift", name="Buying a gift", persona="parent")])
    (info,) = saved.save_workspace(document, author="fay", message="gift map")
    assert (info.journey_id, info.number) == ("gift", 1)


def test_invalid_workspace_is_refused_without_any_write(saved: Store, shop: Workspace) -> None:
    before = take_snapshot(saved)
    statements: list[str] = []
    sa.event.listen(saved.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    broken = shop.model_copy(deep=True)
    broken.name = "renamed but broken"
    broken.personas.append(Persona(id="teacher", name="Teacher"))
    broken.journeys[0].persona = "nobody"
    broken.journeys[1].stages[0].touchpoints[0].owner_team = "legal"

    with pytest.raises(InvalidWorkspaceError) as caught:
        saved.save_workspace(broken, author="gus", message="oops")

    assert [problem.location for problem in caught.value.problems] == [
        ("journeys", 0, "persona"),
        ("journeys", 1, "stages", 0, "touchpoints", 0, "owner_team"),
    ]
    text = str(caught.value)
    assert "workspace 'renamed but broken' was not saved (2 problems; nothing was written)" in text
    assert "journeys.0.persona: unknown persona 'nobody'. Use one of: " in text
    assert "unknown team 'legal'" in text
    writes = [s for s in statements if s.split()[0].upper() in ("INSERT", "UPDATE", "DELETE")]
    assert writes == []
    assert take_snapshot(saved) == before


def test_delete_persona_refuses_while_a_journey_uses_it(saved: Store) -> None:
    with pytest.raises(
        InvalidWorkspaceError, match="journey 'returns' still uses persona"
    ) as caught:
        saved.delete_persona("student")
    assert caught.value.problems[0].location == ("journeys", "returns", "persona")
    assert "persona 'student' was not deleted" in str(caught.value)

    saved.delete_journey("returns", author="hal")
    saved.delete_persona("student")
    assert [p.id for p in saved.load_workspace().personas] == ["parent"]


def test_delete_team_refuses_while_a_journey_uses_it(saved: Store) -> None:
    with pytest.raises(InvalidWorkspaceError, match="journey 'online-shopping' still uses team"):
        saved.delete_team("payments")
    with pytest.raises(InvalidWorkspaceError, match="journey 'returns' still uses team 'support'"):
        saved.delete_team("support")

    journey = shopping_journey()
    journey.opportunities = []
    saved.save_journey(journey, author="ida", message="drop opportunity", base_version=1)
    saved.delete_team("payments")
    assert [t.id for t in saved.load_workspace().teams] == ["web", "support"]


def test_deleting_unknown_people_names_those_that_exist(saved: Store) -> None:
    with pytest.raises(
        NotFoundError,
        match=re.escape("unknown persona 'nobody'. Personas in this store: student, parent"),
    ):
        saved.delete_persona("nobody")
    with pytest.raises(
        NotFoundError,
        match=re.escape("unknown team 'legal'. Teams in this store: web, support, payments"),
    ):
        saved.delete_team("legal")


def test_journeys_of_a_persona_round_trip_without_teams(store: Store) -> None:
    document = Workspace(
        personas=[Persona(id="student", name="Student")],
        teams=[Team(id="support", name="Support")],
        journeys=[
            returns_journey(),
            Journey(
                id="empty", name="Empty", persona="student", stages=[Stage(id="only", name="Only")]
            ),
        ],
    )
    store.save_workspace(document, author="jo", message="two maps")
    assert store.load_workspace() == document
