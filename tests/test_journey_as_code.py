"""Journey-as-code end to end: YAML -> store -> YAML is lossless, on SQLite and PostgreSQL."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings

from journeymap.mapfile import dump_workspace, load_template, load_text
from journeymap.model import Workspace
from journeymap.store import Store
from strategies import workspaces


def reset(store: Store) -> None:
    for journey_id in store.journey_ids():
        store.delete_journey(journey_id, author="reset")
    current = store.load_workspace()
    for persona in current.personas:
        store.delete_persona(persona.id)
    for team in current.teams:
        store.delete_team(team.id)


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(workspace=workspaces())
def test_yaml_to_store_to_yaml_is_lossless(store_url: str, workspace: Workspace) -> None:
    text = dump_workspace(workspace)
    with Store.open(store_url) as store:
        reset(store)
        store.save_workspace(load_text(text), author="prop", message="from YAML")
        loaded = store.load_workspace()
    assert loaded == workspace
    assert dump_workspace(loaded) == text


def test_every_template_survives_the_round_trip(store_url: str) -> None:
    with Store.open(store_url) as store:
        for name in ("ecommerce", "saas", "b2b-service"):
            template = load_template(name)
            text = dump_workspace(template)
            reset(store)
            store.save_workspace(load_text(text), author="t", message=name)
            assert dump_workspace(store.load_workspace()) == text
