"""Evidence: what we observed, where it came from and whether customers confirmed it."""

from __future__ import annotations

import datetime as dt

from pydantic import Field, model_validator

from journeymap.model._base import Identifier, JourneyObject
from journeymap.model.enums import EvidenceSource, ValidationStatus


class Validation(JourneyObject):
    """A map is a hypothesis until customers confirm it; this records how far that got."""

    status: ValidationStatus = ValidationStatus.HYPOTHESIS
    confirmed_by: int = Field(default=0, ge=0, description="Customers who confirmed it.")
    disputed_by: int = Field(default=0, ge=0, description="Customers who disputed it.")
    last_validated: dt.date | None = None

    @model_validator(mode="after")
    def _status_matches_counts(self) -> Validation:
        if self.status is ValidationStatus.CONFIRMED and self.confirmed_by == 0:
            raise ValueError("status confirmed needs confirmed_by of at least 1")
        if self.status is ValidationStatus.DISPUTED and self.disputed_by == 0:
            raise ValueError("status disputed needs disputed_by of at least 1")
        return self


class Evidence(JourneyObject):
    """An observation linked to a stage or touchpoint of the journey."""

    id: Identifier
    source: EvidenceSource
    text: str = Field(min_length=1)
    stage: Identifier | None = None
    touchpoint: Identifier | None = None
    sentiment: float | None = Field(default=None, ge=-1.0, le=1.0)
    customer_id: str | None = None
    author: str | None = None
    recorded_on: dt.date | None = None
    validation: Validation = Field(default_factory=Validation)

    @model_validator(mode="after")
    def _is_linked(self) -> Evidence:
        if self.stage is None and self.touchpoint is None:
            raise ValueError("evidence must name the stage or the touchpoint it is about")
        return self
