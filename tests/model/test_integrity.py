from __future__ import annotations

import pytest
from pydantic import ValidationError

from journeymap.model import (
    Emotion,
    EventRule,
    Evidence,
    EvidenceSource,
    Journey,
    MomentKind,
    Opportunity,
    Outcome,
    Persona,
    Stage,
    Team,
    Touchpoint,
    Validation,
    ValidationStatus,
    Workspace,
    find_problems,
)


def small_workspace() -> Workspace:
    return Workspace(
        personas=[Persona(id="parent", name="Busy parent", segment='kids > 0 and plan == "pro"')],
        teams=[Team(id="support", name="Support")],
        journeys=[
            Journey(
                id="shop",
                name="Shop online",
                persona="parent",
                stages=[
                    Stage(
                        id="buy",
                        name="Purchase",
                        emotion=Emotion(score=1, words=["hopeful"]),
                        touchpoints=[
                            Touchpoint(
                                id="pay",
                                name="Payment",
                                owner_team="support",
                                moment=MomentKind.HYGIENE_FACTOR,
                                impact_rank=1,
                                event_rule=EventRule(
                                    events=["payment_attempt"], where='status == "failed"'
                                ),
                            )
                        ],
                    ),
                    Stage(id="help", name="Support"),
                ],
                outcomes=[
                    Outcome(
                        id="converted", name="Converted", event_rule=EventRule(events=["order"])
                    )
                ],
                evidence=[
                    Evidence(
                        id="e1",
                        source=EvidenceSource.INTERVIEW,
                        text="Card declined",
                        touchpoint="pay",
                    )
                ],
                opportunities=[Opportunity(id="o1", title="Retry payment", touchpoints=["pay"])],
            )
        ],
    )


def test_a_consistent_workspace_has_no_problems() -> None:
    assert find_problems(small_workspace()) == []


def test_every_broken_reference_is_reported_with_its_location() -> None:
    workspace = small_workspace()
    journey = workspace.journeys[0]
    journey.persona = "retiree"
    journey.stages[1].touchpoints.append(Touchpoint(id="pay", name="Pay again", owner_team="ops"))
    journey.evidence.append(
        Evidence(id="e1", source=EvidenceSource.SURVEY, text="x", stage="nowhere")
    )
    journey.evidence.append(
        Evidence(id="e2", source=EvidenceSource.SURVEY, text="x", stage="help", touchpoint="pay")
    )
    journey.opportunities[0].touchpoints.append("ghost")
    journey.opportunities[0].outcome = "happiness"
    problems = {(p.location, p.message.split(" (")[0]) for p in find_problems(workspace)}
    assert problems == {
        (("journeys", 0, "persona"), "unknown persona 'retiree'"),
        (("journeys", 0, "stages", 1, "touchpoints", 0, "owner_team"), "unknown team 'ops'"),
        (("journeys", 0, "stages", 1, "touchpoints", 0, "id"), "duplicate touchpoint id 'pay'"),
        (("journeys", 0, "evidence", 1, "id"), "duplicate evidence id 'e1'"),
        (("journeys", 0, "evidence", 1, "stage"), "unknown stage 'nowhere'"),
        (("journeys", 0, "evidence", 2, "stage"), "touchpoint 'pay' is in stage 'buy', not 'help'"),
        (("journeys", 0, "opportunities", 0, "touchpoints", 1), "unknown touchpoint 'ghost'"),
        (("journeys", 0, "opportunities", 0, "outcome"), "unknown outcome 'happiness'"),
    }


def test_known_ids_from_the_store_satisfy_references() -> None:
    workspace = small_workspace()
    part = Workspace(journeys=workspace.journeys)
    assert {p.message for p in find_problems(part)} == {
        "unknown persona 'parent'",
        "unknown team 'support'",
    }
    assert find_problems(part, extra_personas=["parent"], extra_teams=["support"]) == []


@pytest.mark.parametrize(
    ("build", "fragment"),
    [
        (lambda: Emotion(score=3), "less than or equal to 2"),
        (lambda: Touchpoint(id="Bad Id", name="x"), "should match pattern"),
        (lambda: Touchpoint(id="t", name="x", impact_rank=2), "moment is none"),
        (lambda: EventRule(events=[]), "at least 1 item"),
        (lambda: EventRule(events=["a"], where="status = 1"), "not a valid expression"),
        (lambda: Persona(id="p", name="P", segment="plan == pro"), "Text values need quotes"),
        (lambda: Outcome(id="o", name="O"), "needs an event_rule"),
        (lambda: Evidence(id="e", source=EvidenceSource.REVIEW, text="x"), "must name the stage"),
        (lambda: Validation(status=ValidationStatus.CONFIRMED), "confirmed_by of at least 1"),
        (lambda: Stage(id="s", name="S", colour="red"), "Extra inputs are not permitted"),
    ],
)
def test_field_rules_reject_bad_values(build: object, fragment: str) -> None:
    with pytest.raises(ValidationError, match=fragment):
        build()  # type: ignore[operator]


def test_lookup_helpers() -> None:
    workspace = small_workspace()
    journey = workspace.journey("shop")
    assert journey.stage("buy").name == "Purchase"
    assert journey.touchpoint("pay").name == "Payment"
    assert workspace.persona("parent").name == "Busy parent"
    assert workspace.journeys_of("parent") == [journey]
    assert [t.id for _, t in journey.touchpoints()] == ["pay"]
    with pytest.raises(KeyError):
        journey.touchpoint("nope")
