from __future__ import annotations

from journeymap.model import Emotion, Journey, MomentKind, Stage, Touchpoint, compare_journeys


def journey(journey_id: str, persona: str, stages: list[Stage]) -> Journey:
    return Journey(id=journey_id, name=journey_id, persona=persona, stages=stages)


def test_stages_align_by_id_then_name_and_differences_show() -> None:
    parent = journey(
        "parent",
        "parent",
        [
            Stage(id="aware", name="Awareness", emotion=Emotion(score=0)),
            Stage(
                id="buy",
                name="Purchase",
                emotion=Emotion(score=-1),
                touchpoints=[
                    Touchpoint(id="app", name="App checkout"),
                    Touchpoint(id="pay", name="Payment", moment=MomentKind.PAIN_POINT),
                ],
            ),
        ],
    )
    retiree = journey(
        "retiree",
        "retiree",
        [
            Stage(id="awareness", name="awareness", emotion=Emotion(score=1)),
            Stage(
                id="buy",
                name="Purchase",
                emotion=Emotion(score=1),
                touchpoints=[
                    Touchpoint(id="pay", name="Payment", moment=MomentKind.HYGIENE_FACTOR),
                    Touchpoint(id="phone", name="Phone order"),
                ],
            ),
            Stage(id="return", name="Return"),
        ],
    )
    comparison = compare_journeys(parent, retiree)
    assert [pair.name for pair in comparison.stages] == ["Awareness", "Purchase", "Return"]
    awareness, purchase, back = comparison.stages
    assert awareness.right is not None
    assert awareness.right.id == "awareness"
    assert purchase.emotion_gap == 2
    assert back.left is None
    assert back.emotion_gap is None
    pairs = {p.touchpoint_id: p for p in purchase.touchpoints}
    assert list(pairs) == ["app", "pay", "phone"]
    assert pairs["app"].right is None
    assert pairs["phone"].left is None
    assert pairs["pay"].moment_differs
    assert [t.id for t in purchase.moments("left")] == ["pay"]
    assert comparison.largest_emotion_gap is purchase
