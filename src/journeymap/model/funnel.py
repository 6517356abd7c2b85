"""Funnels the team declares on a journey: the touchpoint sequences it watches and measures.

A funnel names, in order, the touchpoints a customer goes through to reach a result (basket,
delivery options, payment, order placed) and how long that may take. Declared on the map,
it is measured and monitored without retyping the steps: ``journeymap monitor JOURNEY``
watches every step of every declared funnel for outages.
"""

from __future__ import annotations

from pydantic import Field, field_validator

from journeymap.model._base import ID_DESCRIPTION, Identifier, JourneyObject


class Funnel(JourneyObject):
    """An ordered list of the journey's touchpoints and the window to go through them."""

    id: Identifier = Field(description=ID_DESCRIPTION + " Unique within the journey.")
    name: str = Field(min_length=1, description="Display name of the funnel (e.g. Checkout).")
    description: str = Field(default="", description="What the funnel measures and why.")
    steps: list[Identifier] = Field(
        min_length=2,
        description="Ids of the journey's touchpoints, in the order customers go through them "
        "(at least two).",
    )
    window_hours: float = Field(
        default=48,
        gt=0,
        description="Conversion window: every step must follow within this many hours of "
        "the first.",
    )

    @field_validator("steps")
    @classmethod
    def _steps_are_distinct(cls, steps: list[str]) -> list[str]:
        repeated = sorted({step for step in steps if steps.count(step) > 1})
        if repeated:
            raise ValueError(
                f"a funnel lists each touchpoint once; repeated: {', '.join(repeated)}"
            )
        return steps
