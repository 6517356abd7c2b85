"""The demo map as the team drew it: valid, stable ids, one journey per persona, rules that parse."""

from __future__ import annotations

import journeymap.demo
from journeymap.demo import demo_workspace
from journeymap.demo.catalogue import EVENTS, UNMAPPED_EVENTS
from journeymap.demo.personas import PERSONA_IDS
from journeymap.model import MomentKind, Workspace, find_problems, parse_rule


def test_demo_workspace_has_no_problems() -> None:
    assert find_problems(demo_workspace()) == []


def test_demo_workspace_is_the_same_every_time() -> None:
    assert demo_workspace() == demo_workspace()
    assert demo_workspace().model_dump_json() == demo_workspace().model_dump_json()


def test_ids_are_explicit_and_stable() -> None:
    workspace = demo_workspace()
    assert [p.id for p in workspace.personas] == ["bargain-hunter", "busy-parent", "retiree"]
    assert [j.id for j in workspace.journeys] == [
        "bargain-hunter-journey",
        "busy-parent-journey",
        "retiree-journey",
    ]
    assert [s.id for s in workspace.journeys[0].stages] == [
        "awareness",
        "consideration",
        "purchase",
        "delivery",
        "use",
        "support",
        "returns",
        "loyalty",
        "advocacy",
        "return",
    ]
    assert {t.id for t in workspace.teams} >= {"customer-care", "logistics", "payments"}


def test_journeys_share_the_spine_and_touchpoints_but_not_the_experience() -> None:
    journeys = demo_workspace().journeys
    spines = {tuple((s.id, tuple(t.id for t in s.touchpoints)) for s in j.stages) for j in journeys}
    assert len(spines) == 1
    touchpoints = [t for _, t in journeys[0].touchpoints()]
    assert 20 <= len(touchpoints) <= 30
    channels = {t.channel.value for t in touchpoints}
    assert {"web", "app", "email", "phone", "store", "social", "partner"} <= channels
    emotions = {tuple(s.emotion.score for s in j.stages if s.emotion) for j in journeys}
    assert len(emotions) == 3
    ranks = {tuple(t.impact_rank for _, t in j.touchpoints()) for j in journeys}
    assert len(ranks) == 3


def test_personas_are_rich_and_segment_rules_use_customer_attributes() -> None:
    customer_columns = {
        "age_band",
        "profession",
        "income_band",
        "family_status",
        "knowledge_level",
        "channel_preference",
        "country",
        "loyalty_tier",
    }
    for persona in demo_workspace().personas:
        assert persona.description
        assert persona.quote
        assert len(persona.goals) >= 2
        assert {"age_band", "profession", "income", "family_status", "knowledge_level"} <= set(
            persona.attributes
        )
        assert persona.segment is not None
        fields = parse_rule(persona.segment).fields
        assert fields <= customer_columns, fields - customer_columns
        assert "persona_truth" not in fields
        assert len(fields) >= 2


def test_every_touchpoint_has_an_event_rule_over_generated_events() -> None:
    mapped: set[str] = set()
    for journey in demo_workspace().journeys:
        for _, touchpoint in journey.touchpoints():
            assert touchpoint.event_rule is not None, touchpoint.id
            assert set(touchpoint.event_rule.events) <= set(EVENTS.values), touchpoint.id
            assert touchpoint.owner_team is not None
            mapped |= set(touchpoint.event_rule.events)
    assert mapped | set(UNMAPPED_EVENTS) == set(EVENTS.values)
    assert not mapped & set(UNMAPPED_EVENTS)


def test_outcomes_cover_conversion_retention_churn_return_promoters_and_review_score() -> None:
    for journey in demo_workspace().journeys:
        assert [o.id for o in journey.outcomes] == [
            "converted",
            "repeat-purchase",
            "churned",
            "returned",
            "promoter",
            "review-score",
        ]
        assert [o.id for o in journey.outcomes if o.value is not None] == ["review-score"]


def test_the_planted_moments_carry_the_signals_that_measure_them() -> None:
    journey = demo_workspace().journeys[0]
    signals = {
        touchpoint.id: {(signal.id, signal.kind.value) for signal in touchpoint.signals}
        for stage in journey.stages
        for touchpoint in stage.touchpoints
        if touchpoint.signals
    }
    assert signals["home-delivery"] >= {("delivered", "happened"), ("late", "late")}
    assert ("slow", "late") in signals["refund"]
    assert ("called", "happened") in signals["welcome-call"]
    assert set(signals) >= {"payment", "payment-failure", "order-confirmation"}


def test_moments_of_truth_include_the_teams_mistaken_delighter() -> None:
    workspace: Workspace = demo_workspace()
    for journey in workspace.journeys:
        moments = {t.id: t.moment for _, t in journey.touchpoints() if t.moment != MomentKind.NONE}
        assert moments["order-confirmation"] is MomentKind.DELIGHTER
        assert moments["welcome-call"] is MomentKind.DELIGHTER
        assert moments["refund"] is MomentKind.PAIN_POINT
        ranks = sorted(t.impact_rank for _, t in journey.touchpoints() if t.impact_rank)
        assert ranks == list(range(1, len(moments) + 1))


def test_evidence_and_opportunities_have_sources_and_owners() -> None:
    team_ids = {t.id for t in demo_workspace().teams}
    for journey in demo_workspace().journeys:
        assert {e.source.value for e in journey.evidence} >= {"workshop", "interview"}
        assert all(o.owner_team in team_ids for o in journey.opportunities)
        assert "richer-confirmation-email" in {o.id for o in journey.opportunities}


def test_persona_ids_match_the_generators_truth() -> None:
    assert tuple(p.id for p in demo_workspace().personas) == PERSONA_IDS


def test_public_api_is_sorted_and_complete() -> None:
    names = journeymap.demo.__all__
    assert names == sorted(names)
    assert {"DemoManifest", "demo_workspace", "generate_demo", "read_manifest"} <= set(names)
    for name in names:
        assert hasattr(journeymap.demo, name), name
