"""Shipped templates: complete, realistic starting points that load without a single problem."""

from __future__ import annotations

from importlib import resources

import pytest

from journeymap.mapfile import TemplateInfo, list_templates, load_template, validate_text
from journeymap.mapfile.document import SCHEMA_ID
from journeymap.model import MomentKind, OutcomePolarity, StakeholderTier, ValidationStatus

NAMES = ["b2b-service", "ecommerce", "saas"]
SPINE = [
    "awareness",
    "consideration",
    "onboarding",
    "use",
    "support",
    "renewal",
    "advocacy",
    "return",
]
SPINES = {
    "ecommerce": [*SPINE[:2], "purchase", *SPINE[3:5], "loyalty", *SPINE[6:]],
    "saas": SPINE,
    "b2b-service": SPINE,
}


def _text(name: str) -> str:
    folder = resources.files("journeymap.mapfile").joinpath("templates")
    return folder.joinpath(f"{name}.yaml").read_text(encoding="utf-8")


def test_list_templates_names_each_with_title_and_description() -> None:
    templates = list_templates()

    assert [template.name for template in templates] == NAMES
    assert all(isinstance(t, TemplateInfo) and t.title and t.description for t in templates)
    assert {t.name: t.title for t in templates}["saas"] == "SaaS subscription"


@pytest.mark.parametrize("name", NAMES)
def test_template_file_has_no_problem(name: str) -> None:
    assert validate_text(_text(name), file=f"{name}.yaml") == []


@pytest.mark.parametrize("name", NAMES)
def test_template_spine_runs_from_awareness_to_the_return_of_a_lost_customer(name: str) -> None:
    workspace = load_template(name)

    [persona] = workspace.personas
    [journey] = workspace.journeys
    assert journey.persona == persona.id
    assert persona.attributes
    assert persona.segment
    assert persona.goals
    assert persona.quote
    assert [stage.id for stage in journey.stages] == SPINES[name]


@pytest.mark.parametrize("name", NAMES)
def test_every_stage_is_filled_in(name: str) -> None:
    [journey] = load_template(name).journeys

    for stage in journey.stages:
        lists = [
            stage.goals,
            stage.expectations,
            stage.concerns,
            stage.barriers,
            stage.motivations,
            stage.actions,
            stage.company_influence,
            stage.open_questions,
        ]
        texts = [stage.description, stage.desired_outcome]
        texts += [stage.customer_success, stage.company_success]
        assert all(lists), stage.id
        assert all(texts), stage.id
        assert stage.emotion is not None, stage.id
        assert stage.emotion.words, stage.id
        assert stage.effort is not None, stage.id
        assert 2 <= len(stage.touchpoints) <= 4, stage.id


@pytest.mark.parametrize("name", NAMES)
def test_touchpoints_span_channels_and_have_owners_and_event_rules(name: str) -> None:
    workspace = load_template(name)
    [journey] = workspace.journeys
    touchpoints = [touchpoint for _, touchpoint in journey.touchpoints()]

    assert all(touchpoint.owner_team for touchpoint in touchpoints)
    assert len({touchpoint.channel for touchpoint in touchpoints}) >= 5
    with_rules = [t for t in touchpoints if t.event_rule is not None]
    assert len(with_rules) >= len(touchpoints) * 2 // 3
    assert any(t.event_rule.where for t in with_rules if t.event_rule is not None)
    assert {team.tier for team in workspace.teams} == set(StakeholderTier)


@pytest.mark.parametrize("name", NAMES)
def test_moments_outcomes_evidence_and_opportunities_are_there(name: str) -> None:
    [journey] = load_template(name).journeys
    moments = [t for _, t in journey.touchpoints() if t.moment is not MomentKind.NONE]

    assert {t.moment for t in moments} == {
        MomentKind.DELIGHTER,
        MomentKind.HYGIENE_FACTOR,
        MomentKind.PAIN_POINT,
    }
    ranks = [t.impact_rank for t in moments]
    assert sorted(rank for rank in ranks if rank is not None) == list(range(1, len(ranks) + 1))
    assert any(t.impact_rank is not None for t in journey.stage("return").touchpoints)
    assert {o.id for o in journey.outcomes} == {
        "converted",
        "retained",
        "churned",
        "returned",
        "promoter",
    }
    assert {o.polarity for o in journey.outcomes} == set(OutcomePolarity)
    assert 1 <= len(journey.evidence) <= 2
    assert all(e.validation.status is ValidationStatus.HYPOTHESIS for e in journey.evidence)
    assert 1 <= len(journey.opportunities) <= 2
    assert all(o.owner_team and o.touchpoints for o in journey.opportunities)


@pytest.mark.parametrize("name", NAMES)
def test_template_files_point_editors_at_the_schema_and_write_ids_explicitly(name: str) -> None:
    text = _text(name)

    assert text.startswith(f"# yaml-language-server: $schema={SCHEMA_ID}\n")
    assert text.count("- id: ") >= 40


def test_load_template_returns_a_fresh_copy() -> None:
    first = load_template("ecommerce")
    first.name = "Changed"

    assert load_template("ecommerce").name == "Online shop"


def test_unknown_template_names_the_available_ones() -> None:
    with pytest.raises(
        ValueError,
        match="unknown template 'shop'; available templates: b2b-service, ecommerce, saas",
    ):
        load_template("shop")
