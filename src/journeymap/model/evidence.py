"""Evidence: what we observed, where it came from and whether customers confirmed it."""

from __future__ import annotations

import datetime as dt

from pydantic import Field, model_validator

from journeymap.model._base import ID_DESCRIPTION, Identifier, JourneyObject
from journeymap.model.enums import EvidenceSource, ValidationStatus


class Validation(JourneyObject):
    """A map is a hypothesis until customers confirm it; this records how far that got."""

    status: ValidationStatus = Field(
        default=ValidationStatus.HYPOTHESIS,
        description="hypothesis until customers confirm or dispute it.",
    )
    confirmed_by: int = Field(default=0, ge=0, description="Customers who confirmed it.")
    disputed_by: int = Field(default=0, ge=0, description="Customers who disputed it.")
    last_validated: dt.date | None = Field(
        default=None, description="When it was last checked with customers (YYYY-MM-DD)."
    )

    @model_validator(mode="after")
    def _status_matches_counts(self) -> Validation:
        if self.status is ValidationStatus.CONFIRMED and self.confirmed_by == 0:
            raise ValueError("status confirmed needs confirmed_by of at least 1")
        if self.status is ValidationStatus.DISPUTED and self.disputed_by == 0:
            raise ValueError("status disputed needs disputed_by of at least 1")
        return self


class Evidence(JourneyObject):
    """An observation linked to a stage or touchpoint of the journey."""

    id: Identifier = Field(description=ID_DESCRIPTION)
    source: EvidenceSource = Field(
        description="Where it came from: interview, workshop, survey, analytics..."
    )
    text: str = Field(
        min_length=1, description="The observation, in the customer's words where possible."
    )
    stage: Identifier | None = Field(default=None, description="Id of the stage it is about.")
    touchpoint: Identifier | None = Field(
        default=None, description="Id of the touchpoint it is about."
    )
    sentiment: float | None = Field(
        default=None, ge=-1.0, le=1.0, description="From -1.0 (negative) to 1.0 (positive)."
    )
    customer_id: str | None = Field(
        default=None, description="The customer it came from, if known."
    )
    author: str | None = Field(default=None, description="Who recorded it.")
    recorded_on: dt.date | None = Field(
        default=None, description="When it was recorded (YYYY-MM-DD)."
    )
    validation: Validation = Field(
        default_factory=Validation, description="Whether customers confirmed it."
    )

    @model_validator(mode="after")
    def _is_linked(self) -> Evidence:
        if self.stage is None and self.touchpoint is None:
            raise ValueError("evidence must name the stage or the touchpoint it is about")
        return self
