"""Dumping: short, readable, deterministic YAML that loads back to the same workspace."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings

from journeymap.mapfile import dump_workspace, list_templates, load_template, load_text
from journeymap.mapfile.document import SCHEMA_ID
from journeymap.model import (
    Channel,
    Emotion,
    Evidence,
    EvidenceSource,
    Journey,
    Persona,
    Stage,
    Touchpoint,
    Validation,
    ValidationStatus,
    Workspace,
)
from strategies import TRICKY_IDS, TRICKY_TEXTS, workspaces


@settings(max_examples=75, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(workspace=workspaces())
def test_every_valid_workspace_survives_a_round_trip(workspace: Workspace) -> None:
    text = dump_workspace(workspace)

    assert load_text(text) == workspace
    assert dump_workspace(load_text(text)) == text


@pytest.mark.parametrize("text", [*TRICKY_TEXTS, "nul\x00byte"], ids=repr)
def test_tricky_text_keeps_its_type_and_every_character(text: str) -> None:
    name = text or "-"
    workspace = Workspace(
        name=name,
        description=text,
        personas=[Persona(id="p", name=name, quote=text, goals=[text], attributes={text: text})],
    )

    assert load_text(dump_workspace(workspace)) == workspace


def test_ids_that_yaml_would_read_as_other_types_stay_text() -> None:
    workspace = Workspace(personas=[Persona(id=persona_id, name="P") for persona_id in TRICKY_IDS])

    text = dump_workspace(workspace)

    assert "- id: 'yes'" in text
    assert "- id: '2024-01-05'" in text
    assert load_text(text) == workspace


def test_fields_at_their_default_are_left_out() -> None:
    workspace = Workspace(
        name="Shop",
        personas=[Persona(id="sam", name="Sam")],
        journeys=[
            Journey(
                id="buy",
                name="Buying",
                persona="sam",
                stages=[
                    Stage(
                        id="pay",
                        name="Pay",
                        emotion=Emotion(),
                        touchpoints=[Touchpoint(id="checkout", name="Checkout")],
                    )
                ],
                evidence=[
                    Evidence(id="e", source=EvidenceSource.SURVEY, text="Slow.", stage="pay")
                ],
            )
        ],
    )

    assert (
        dump_workspace(workspace)
        == f"""\
# yaml-language-server: $schema={SCHEMA_ID}
format: 1
name: Shop
personas:
  - id: sam
    name: Sam
journeys:
  - id: buy
    name: Buying
    persona: sam
    stages:
      - id: pay
        name: Pay
        emotion: {{}}
        touchpoints:
          - id: checkout
            name: Checkout
    evidence:
      - id: e
        source: survey
        text: Slow.
        stage: pay
"""
    )


def test_values_are_written_the_way_people_write_them() -> None:
    workspace = Workspace(
        name="Café 日本",
        description="First line\nsecond line\n",
        personas=[Persona(id="p", name="P", segment='plan == "pro"')],
        journeys=[
            Journey(
                id="j",
                name="J",
                persona="p",
                stages=[
                    Stage(
                        id="s",
                        name="S",
                        emotion=Emotion(score=-2, words=["angry"]),
                        touchpoints=[
                            Touchpoint(id="t", name="T", channel=Channel.EMAIL, direct=False)
                        ],
                    )
                ],
                evidence=[
                    Evidence(
                        id="e",
                        source=EvidenceSource.INTERVIEW,
                        text="x",
                        stage="s",
                        sentiment=-0.5,
                        recorded_on=dt.date(2024, 3, 1),
                        validation=Validation(status=ValidationStatus.CONFIRMED, confirmed_by=3),
                    )
                ],
            )
        ],
    )

    text = dump_workspace(workspace)

    assert "name: Café 日本\n" in text  # unicode as is, not escaped
    assert "description: |\n  First line\n  second line\n" in text  # literal block
    assert 'segment: plan == "pro"\n' in text
    assert "channel: email\n" in text
    assert "direct: false\n" in text
    assert "recorded_on: 2024-03-01\n" in text
    assert "sentiment: -0.5\n" in text
    assert "validation:\n          status: confirmed\n          confirmed_by: 3\n" in text
    assert load_text(text) == workspace


def test_keys_follow_the_model_field_order() -> None:
    touchpoint = Touchpoint(id="t", name="T", description="d", channel=Channel.APP)
    workspace = Workspace(
        personas=[Persona(id="p", name="P")],
        journeys=[
            Journey(
                id="j",
                name="J",
                persona="p",
                stages=[Stage(id="s", name="S", touchpoints=[touchpoint])],
            )
        ],
    )

    lines = dump_workspace(workspace).splitlines()

    keys = [line.strip().removeprefix("- ").split(":")[0] for line in lines[1:]]
    assert keys == [
        "format",
        "personas",
        "id",
        "name",
        "journeys",
        "id",
        "name",
        "persona",
        "stages",
        "id",
        "name",
        "touchpoints",
        "id",
        "name",
        "description",
        "channel",
    ]


def test_none_and_empty_values_load_back_as_they_were() -> None:
    workspace = Workspace(
        personas=[Persona(id="p", name="P", segment=None, attributes={"": ""}, goals=[""])],
        journeys=[Journey(id="j", name="J", persona="p", stages=[Stage(id="s", name="S")])],
    )

    back = load_text(dump_workspace(workspace))

    assert back == workspace
    assert back.journeys[0].stages[0].emotion is None


@pytest.mark.parametrize("name", [template.name for template in list_templates()])
def test_templates_survive_a_round_trip(name: str) -> None:
    workspace = load_template(name)

    assert load_text(dump_workspace(workspace)) == workspace
