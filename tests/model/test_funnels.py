"""Funnels declared on a journey: their own rules, and steps that must be its touchpoints."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from journeymap.mapfile import load_text, validate_text
from journeymap.model import (
    Funnel,
    Journey,
    Persona,
    Stage,
    Touchpoint,
    Workspace,
    find_problems,
)


def _journey(*funnels: Funnel) -> Journey:
    touchpoints = [Touchpoint(id=t, name=t.title()) for t in ("basket", "payment", "order")]
    return Journey(id="shop", name="Shop", persona="sam",
                   stages=[Stage(id="buy", name="Buy", touchpoints=touchpoints)],
                   funnels=list(funnels))  # fmt: skip


def _problems(*funnels: Funnel) -> list[str]:
    workspace = Workspace(personas=[Persona(id="sam", name="Sam")], journeys=[_journey(*funnels)])
    return [
        f"{'.'.join(map(str, p.location))}: {p.message} | {p.hint}"
        for p in find_problems(workspace)
    ]


def test_a_funnel_has_two_distinct_steps_and_a_positive_window() -> None:
    funnel = Funnel(id="checkout", name="Checkout", steps=["basket", "payment"])
    assert funnel.window_hours == 48
    with pytest.raises(ValidationError, match="at least 2"):
        Funnel(id="f", name="F", steps=["basket"])
    with pytest.raises(ValidationError, match="each touchpoint once; repeated: basket"):
        Funnel(id="f", name="F", steps=["basket", "payment", "basket"])
    with pytest.raises(ValidationError, match="greater than 0"):
        Funnel(id="f", name="F", steps=["basket", "payment"], window_hours=0)
    with pytest.raises(ValidationError, match="pattern"):
        Funnel(id="f", name="F", steps=["basket", "Pay Now"])


def test_the_journey_finds_its_funnels_by_id() -> None:
    checkout = Funnel(id="checkout", name="Checkout", steps=["basket", "payment"])
    journey = _journey(checkout)
    assert journey.funnel("checkout") == checkout
    with pytest.raises(KeyError):
        journey.funnel("returns")
    assert _journey().funnels == []


def test_steps_must_be_touchpoints_of_the_journey_and_ids_unique() -> None:
    good = Funnel(id="checkout", name="Checkout", steps=["basket", "payment", "order"])
    assert _problems(good) == []
    typo = Funnel(id="checkout", name="Checkout", steps=["basket", "paymnet"])
    assert _problems(typo) == [
        "journeys.0.funnels.0.steps.1: unknown touchpoint 'paymnet' | Did you mean 'payment'? "
        "Use one of: basket, order, payment."
    ]
    twice = Funnel(id="checkout", name="Again", steps=["payment", "order"])
    (problem,) = _problems(good, twice)
    assert problem.startswith("journeys.0.funnels.1.id: duplicate funnel id 'checkout'")


MAP = """\
name: Shop
personas:
  - {id: sam, name: Sam}
journeys:
  - id: shop
    name: Shop
    persona: sam
    stages:
      - id: buy
        name: Buy
        touchpoints:
          - {id: basket, name: Basket}
          - {id: payment, name: Payment}
    funnels:
      - id: checkout
        name: Checkout
        steps: [basket, payment]
        window_hours: 24
"""


def test_a_map_file_declares_funnels_and_wrong_steps_are_located() -> None:
    (journey,) = load_text(MAP).journeys
    assert journey.funnels == [
        Funnel(id="checkout", name="Checkout", steps=["basket", "payment"], window_hours=24)
    ]
    (problem,) = validate_text(MAP.replace("[basket, payment]", "[basket, paymnet]"))
    assert (problem.line, problem.path) == (17, "journeys[0].funnels[0].steps[1]")
    assert "unknown touchpoint 'paymnet'" in problem.message
    (short,) = validate_text(MAP.replace("[basket, payment]", "[basket]"))
    assert short.path == "journeys[0].funnels[0].steps"
