"""Experience signals on touchpoints and numeric outcomes: what a map may say, and the errors."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from journeymap.model import (
    EventRule,
    ExperienceSignal,
    Journey,
    Outcome,
    SignalKind,
    Stage,
    Touchpoint,
)
from journeymap.model.integrity import journey_problems

LOW_SCORE = EventRule(events=["review_submitted"], where="score <= 2")


@pytest.mark.parametrize(
    "fields",
    [
        {},
        {"where": 'channel == "app"'},
        {"kind": "late", "promised": "promised_date", "actual": "delivered_date"},
        {"kind": "late", "promised": "promised_time"},
        {"kind": "late", "after": "order", "within_hours": 72},
        {"kind": "failed", "followed_by": EventRule(events=["payment_error"]), "within_hours": 1},
        {"kind": "negative_feedback", "followed_by": LOW_SCORE},
    ],
)
def test_each_kind_of_signal_can_be_written(fields: dict[str, Any]) -> None:
    signal = ExperienceSignal(id="s", name="S", **fields)
    assert signal.kind == SignalKind(fields.get("kind", "happened"))


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"within_hours": 2}, "happened signal takes only where"),
        ({"kind": "late"}, "either promised"),
        ({"kind": "late", "promised": "p", "after": "a", "within_hours": 1}, "not both"),
        ({"kind": "late", "after": "order"}, "needs both after and within_hours"),
        ({"kind": "late", "actual": "delivered_date"}, "actual needs promised"),
        ({"kind": "late", "promised": "p", "followed_by": LOW_SCORE}, "use kind failed"),
        ({"kind": "failed"}, "needs followed_by"),
        ({"kind": "negative_feedback", "followed_by": LOW_SCORE, "promised": "p"}, "no promised"),
        ({"where": "score <= low"}, "Text values need quotes"),
        ({"kind": "failed", "followed_by": LOW_SCORE, "within_hours": 0}, "greater than 0"),
    ],
)
def test_a_signal_that_does_not_fit_its_kind_says_what_to_change(
    fields: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        ExperienceSignal(id="s", name="S", **fields)


def _journey(*signals: ExperienceSignal) -> Journey:
    order = Touchpoint(id="order", name="Order")
    delivery = Touchpoint(id="delivery", name="Delivery", signals=list(signals))
    return Journey(
        id="j",
        name="J",
        persona="p",
        stages=[Stage(id="buy", name="Buy", touchpoints=[order, delivery])],
    )


def test_signal_ids_are_unique_within_a_touchpoint() -> None:
    twice = [ExperienceSignal(id="late", name="Late", kind="late", promised="p")] * 2
    problems = journey_problems(_journey(*twice), ("journeys", 0), personas=["p"], teams=None)
    assert [p.location for p in problems] == [
        ("journeys", 0, "stages", 0, "touchpoints", 1, "signals", 1, "id")
    ]


@pytest.mark.parametrize(("after", "message"), [("ordr", "did you mean"), ("delivery", "its own")])
def test_a_late_signal_counts_from_another_touchpoint_of_the_journey(
    after: str, message: str
) -> None:
    late = ExperienceSignal(id="late", name="Late", kind="late", after=after, within_hours=48)
    problems = journey_problems(_journey(late), ("journeys", 0), personas=["p"], teams=None)
    assert len(problems) == 1
    assert problems[0].location[-1] == "after"
    assert message in (problems[0].message + " " + problems[0].hint).lower()


def test_numeric_outcomes_average_a_property_of_events() -> None:
    score = Outcome(id="review-score", name="Review score", event_rule=LOW_SCORE, value="score")
    assert score.value == "score"
    with pytest.raises(ValidationError, match="give an event_rule and no customer_rule"):
        Outcome(id="o", name="O", customer_rule="churned == true", value="score")


@pytest.mark.parametrize(
    ("among", "message"),
    [("convertd", "did you mean"), ("churned", "among itself"), ("score", "numeric")],
)
def test_an_outcome_is_measured_among_another_yes_no_outcome(among: str, message: str) -> None:
    outcomes = [
        Outcome(id="converted", name="Converted", event_rule=EventRule(events=["order"])),
        Outcome(id="score", name="Score", event_rule=LOW_SCORE, value="score"),
        Outcome(id="churned", name="Churned", customer_rule="churned == true", among=among),
    ]
    journey = _journey().model_copy(update={"outcomes": outcomes})
    problems = journey_problems(journey, ("journeys", 0), personas=["p"], teams=None)
    assert len(problems) == 1
    assert problems[0].location == ("journeys", 0, "outcomes", 2, "among")
    assert message in (problems[0].message + " " + problems[0].hint).lower()
