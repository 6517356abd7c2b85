"""Editing a map one change at a time: every edit gives a new, valid journey or says why not."""

from __future__ import annotations

import pytest

from journeymap.mapfile import load_template
from journeymap.model import Channel, EffortLevel, Journey, MomentKind, Workspace
from journeymap.services import editing
from journeymap.services.editing import EditError, StageEdit, TouchpointEdit, UnknownItemError


@pytest.fixture(scope="module")
def template() -> Workspace:
    return load_template("ecommerce")


@pytest.fixture
def journey(template: Workspace) -> Journey:
    return template.journeys[0]


def stage_ids(journey: Journey) -> list[str]:
    return [stage.id for stage in journey.stages]


def touchpoint_ids(journey: Journey, stage_id: str) -> list[str]:
    return [t.id for t in journey.stage(stage_id).touchpoints]


# -- stages -------------------------------------------------------------------------------


def test_add_stage_derives_a_unique_id_and_leaves_the_input_alone(journey: Journey) -> None:
    before = journey.model_dump()
    added = editing.add_stage(journey, "Use", after="awareness")
    assert stage_ids(added)[:2] == ["awareness", "use-2"]
    assert added.stage("use-2").name == "Use"
    assert journey.model_dump() == before
    at_end = editing.add_stage(journey, "Farewell & thanks!")
    assert stage_ids(at_end)[-1] == "farewell-thanks"


def test_add_stage_refuses_an_unknown_anchor_and_a_blank_name(journey: Journey) -> None:
    with pytest.raises(UnknownItemError) as unknown:
        editing.add_stage(journey, "New", after="nowhere")
    assert unknown.value.where == "after"
    with pytest.raises(EditError) as blank:
        editing.add_stage(journey, "")
    assert blank.value.where == "name"


def test_rename_keeps_the_id(journey: Journey) -> None:
    renamed = editing.rename_stage(journey, "use", "Using it")
    assert renamed.stage("use").name == "Using it"
    assert stage_ids(renamed) == stage_ids(journey)


def test_update_stage_changes_only_what_is_set(journey: Journey) -> None:
    edit = StageEdit(goals=["Get it fast"], emotion_score=-2, effort=EffortLevel.HIGH)
    updated = editing.update_stage(journey, "purchase", edit)
    stage = updated.stage("purchase")
    assert stage.goals == ["Get it fast"]
    assert stage.emotion is not None
    assert stage.emotion.score == -2
    assert stage.emotion.words == journey.stage("purchase").emotion.words  # type: ignore[union-attr]
    assert stage.effort is EffortLevel.HIGH
    assert stage.name == journey.stage("purchase").name
    assert stage.touchpoints == journey.stage("purchase").touchpoints


def test_update_stage_clears_the_emotion_and_effort(journey: Journey) -> None:
    cleared = editing.update_stage(
        journey, "purchase", StageEdit(emotion_score=None, emotion_words=[], effort=None)
    )
    assert cleared.stage("purchase").emotion is None
    assert cleared.stage("purchase").effort is None


def test_update_stage_refuses_bad_input(journey: Journey) -> None:
    with pytest.raises(UnknownItemError):
        editing.update_stage(journey, "nope", StageEdit(name="x"))
    with pytest.raises(ValueError, match="less than or equal to 2"):
        StageEdit(emotion_score=3)


def test_remove_stage_needs_a_home_for_its_touchpoints(template: Workspace) -> None:
    journey = template.journeys[0].model_copy(update={"evidence": [], "opportunities": []})
    with pytest.raises(EditError) as refused:
        editing.remove_stage(journey, "use")
    assert refused.value.where == "move_touchpoints_to"
    with pytest.raises(EditError):
        editing.remove_stage(journey, "use", move_touchpoints_to="use")
    with pytest.raises(UnknownItemError):
        editing.remove_stage(journey, "use", move_touchpoints_to="nowhere")
    moved = editing.remove_stage(journey, "use", move_touchpoints_to="purchase")
    assert "use" not in stage_ids(moved)
    assert touchpoint_ids(moved, "purchase")[-3:] == touchpoint_ids(journey, "use")
    empty = editing.add_stage(journey, "Empty")
    assert stage_ids(editing.remove_stage(empty, "empty")) == stage_ids(journey)


def test_remove_stage_refuses_while_evidence_points_at_it(journey: Journey) -> None:
    used = {e.stage for e in journey.evidence if e.stage}
    assert used, "the template's evidence names stages"
    stage_id = sorted(used)[0]
    target = next(s.id for s in journey.stages if s.id != stage_id)
    with pytest.raises(EditError) as refused:
        editing.remove_stage(journey, stage_id, move_touchpoints_to=target)
    assert "still used" in refused.value.message


def test_move_stage(journey: Journey) -> None:
    moved = editing.move_stage(journey, "return", 0)
    assert stage_ids(moved)[0] == "return"
    assert sorted(stage_ids(moved)) == sorted(stage_ids(journey))
    last = len(journey.stages) - 1
    assert stage_ids(editing.move_stage(journey, "awareness", last))[-1] == "awareness"
    for bad in (-1, last + 1):
        with pytest.raises(EditError) as refused:
            editing.move_stage(journey, "awareness", bad)
        assert refused.value.where == "to_position"


# -- touchpoints --------------------------------------------------------------------------


def test_add_touchpoint_with_fields(journey: Journey) -> None:
    edit = TouchpointEdit(channel=Channel.SMS, events=["sms_sent"], where="kind == 'promo'")
    added = editing.add_touchpoint(journey, "awareness", "Social ad", position=0, edit=edit)
    first = added.stage("awareness").touchpoints[0]
    assert first.id == "social-ad-2"  # the template has a social-ad already
    assert first.channel is Channel.SMS
    assert first.event_rule is not None
    assert first.event_rule.events == ["sms_sent"]
    with pytest.raises(EditError) as refused:
        editing.add_touchpoint(journey, "awareness", "X", position=9)
    assert refused.value.where == "position"
    with pytest.raises(UnknownItemError):
        editing.add_touchpoint(journey, "nope", "X")


def test_update_touchpoint(journey: Journey) -> None:
    edit = TouchpointEdit(name="Pay", moment=MomentKind.PAIN_POINT, impact_rank=1, direct=False)
    updated = editing.update_touchpoint(journey, "checkout-payment", edit)
    touchpoint = updated.touchpoint("checkout-payment")
    assert (touchpoint.name, touchpoint.moment, touchpoint.impact_rank) == (
        "Pay",
        MomentKind.PAIN_POINT,
        1,
    )
    assert touchpoint.direct is False
    assert touchpoint.event_rule == journey.touchpoint("checkout-payment").event_rule
    unmarked = editing.update_touchpoint(
        updated, "checkout-payment", TouchpointEdit(moment=MomentKind.NONE)
    )
    assert unmarked.touchpoint("checkout-payment").impact_rank is None


def test_update_touchpoint_event_rule(journey: Journey) -> None:
    narrowed = editing.update_touchpoint(journey, "cart", TouchpointEdit(where="items > 2"))
    rule = narrowed.touchpoint("cart").event_rule
    assert rule is not None
    assert rule.where == "items > 2"
    assert rule.events == journey.touchpoint("cart").event_rule.events  # type: ignore[union-attr]
    dropped = editing.update_touchpoint(journey, "cart", TouchpointEdit(events=[]))
    assert dropped.touchpoint("cart").event_rule is None
    with pytest.raises(EditError) as refused:
        editing.update_touchpoint(dropped, "cart", TouchpointEdit(where="items > 2"))
    assert refused.value.where == "where"


def test_update_touchpoint_refuses_bad_input(journey: Journey) -> None:
    with pytest.raises(UnknownItemError) as unknown:
        editing.update_touchpoint(journey, "nope", TouchpointEdit(name="x"))
    assert unknown.value.where == "touchpoint_id"
    with pytest.raises(EditError, match="impact_rank"):
        editing.update_touchpoint(
            journey, "cart", TouchpointEdit(moment=MomentKind.NONE, impact_rank=2)
        )
    with pytest.raises(EditError) as bad_rule:
        editing.update_touchpoint(journey, "cart", TouchpointEdit(where="items >"))
    assert "where" in bad_rule.value.where


def test_remove_touchpoint(journey: Journey) -> None:
    referenced = {t for o in journey.opportunities for t in o.touchpoints}
    free = next(t.id for _, t in journey.touchpoints() if t.id not in referenced and t.id != "cart")
    removed = editing.remove_touchpoint(journey, free)
    assert free not in {t.id for _, t in removed.touchpoints()}
    with pytest.raises(UnknownItemError):
        editing.remove_touchpoint(journey, "nope")


def test_remove_touchpoint_refuses_while_it_is_used(journey: Journey) -> None:
    used = sorted({t for o in journey.opportunities for t in o.touchpoints})
    assert used
    with pytest.raises(EditError, match="still used"):
        editing.remove_touchpoint(journey, used[0])


def test_move_touchpoint_within_and_between_stages(journey: Journey) -> None:
    order = touchpoint_ids(journey, "purchase")
    within = editing.move_touchpoint(journey, order[2], "purchase", 0)
    assert touchpoint_ids(within, "purchase") == [order[2], order[0], order[1]]
    between = editing.move_touchpoint(journey, order[0], "use", 1)
    assert touchpoint_ids(between, "purchase") == order[1:]
    assert touchpoint_ids(between, "use")[1] == order[0]
    to_end = editing.move_touchpoint(journey, order[0], "use")
    assert touchpoint_ids(to_end, "use")[-1] == order[0]
    with pytest.raises(EditError) as refused:
        editing.move_touchpoint(journey, order[0], "purchase", 3)
    assert refused.value.where == "to_position"
    with pytest.raises(UnknownItemError) as unknown:
        editing.move_touchpoint(journey, order[0], "nowhere", 0)
    assert unknown.value.where == "to_stage"


# -- new journeys -------------------------------------------------------------------------


def test_new_journey_from_template_into_a_workspace_that_has_it(template: Workspace) -> None:
    part = editing.new_journey_from_template(template, "ecommerce", name="Second order")
    [journey] = part.journeys
    assert journey.id == "second-order"
    assert journey.name == "Second order"
    assert part.personas == []
    assert part.teams == []
    assert part.name == template.name
    again = editing.new_journey_from_template(template, "ecommerce")
    assert again.journeys[0].id == "family-order-2"


def test_new_journey_from_template_brings_its_persona_and_teams(template: Workspace) -> None:
    part = editing.new_journey_from_template(template, "saas", journey_id="trial")
    [journey] = part.journeys
    assert journey.id == "trial"
    assert [p.id for p in part.personas] == [journey.persona]
    owners = {t.owner_team for _, t in journey.touchpoints() if t.owner_team}
    have = {t.id for t in template.teams}
    assert {t.id for t in part.teams} == owners - have
    mine = editing.new_journey_from_template(template, "saas", persona_id="busy-parent")
    assert mine.journeys[0].persona == "busy-parent"
    assert mine.personas == []


def test_new_journey_from_template_refuses_bad_input(template: Workspace) -> None:
    with pytest.raises(EditError) as unknown_template:
        editing.new_journey_from_template(template, "nope")
    assert unknown_template.value.where == "template"
    with pytest.raises(UnknownItemError) as unknown_persona:
        editing.new_journey_from_template(template, "saas", persona_id="nobody")
    assert unknown_persona.value.where == "persona_id"
    with pytest.raises(EditError) as taken:
        editing.new_journey_from_template(template, "saas", journey_id="family-order")
    assert taken.value.where == "journey_id"
    with pytest.raises(EditError) as bad_id:
        editing.new_journey_from_template(template, "saas", journey_id="Not An Id")
    assert bad_id.value.where == "id"


def test_unique_id() -> None:
    assert editing.unique_id("Pay", []) == "pay"
    assert editing.unique_id("Pay", ["pay", "pay-2"]) == "pay-3"
    assert editing.unique_id("!!!", [], fallback="stage") == "stage"
    long = "x" * 64
    assert editing.unique_id(long, [long]) == "x" * 62 + "-2"
