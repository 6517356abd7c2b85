"""Helpers for the store tests: hand-built workspaces that use every kind of field the
model has, and a snapshot of every table to prove that refused or failed saves write nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa

from journeymap.model import (
    Channel,
    Emotion,
    EventRule,
    Evidence,
    EvidenceSource,
    Journey,
    MomentKind,
    Opportunity,
    OpportunityStatus,
    Outcome,
    OutcomePolarity,
    Persona,
    Stage,
    StakeholderTier,
    Team,
    Touchpoint,
    Validation,
    ValidationStatus,
    Workspace,
)
from journeymap.store import Store
from journeymap.store.tables import metadata

Snapshot = dict[str, list[tuple[Any, ...]]]


def take_snapshot(store: Store) -> Snapshot:
    """Every row of every table in primary-key order, so two snapshots compare exactly."""
    with store.engine.connect() as connection:
        return {
            table.name: [
                tuple(row)
                for row in connection.execute(sa.select(table).order_by(*table.primary_key))
            ]
            for table in metadata.sorted_tables
        }


def shopping_journey(journey_id: str = "online-shopping", persona: str = "parent") -> Journey:
    """A journey that uses every kind of field: nested rules, emotions, dates, floats."""
    return Journey(
        id=journey_id,
        name="Online shopping",
        persona=persona,
        description="Ordering school supplies in the evening.",
        expectations=["fast delivery"],
        stages=[
            Stage(
                id="discover",
                name="Discover",
                goals=["find the right size"],
                emotion=Emotion(score=1, words=["curious"]),
                touchpoints=[
                    Touchpoint(id="ad", name="Social ad", channel=Channel.SOCIAL, direct=False),
                    Touchpoint(
                        id="search",
                        name="Site search",
                        owner_team="web",
                        keywords=["search", "find"],
                        event_rule=EventRule(events=["search"], where="results == 0"),
                    ),
                ],
            ),
            Stage(
                id="checkout",
                name="Checkout",
                emotion=Emotion(score=-2, words=["anxious"]),
                touchpoints=[
                    Touchpoint(
                        id="payment",
                        name="Payment",
                        owner_team="web",
                        tier=StakeholderTier.DECISION_MAKER,
                        moment=MomentKind.PAIN_POINT,
                        impact_rank=1,
                        customers_would_pay=False,
                        event_rule=EventRule(events=["payment_failed", "payment_error"]),
                    )
                ],
            ),
            Stage(id="support", name="Support", touchpoints=[]),
        ],
        outcomes=[
            Outcome(id="converted", name="Converted", event_rule=EventRule(events=["order"])),
            Outcome(
                id="churned",
                name="Churned",
                polarity=OutcomePolarity.NEGATIVE,
                customer_rule="churned == true",
                within_days=30,
            ),
        ],
        evidence=[
            Evidence(
                id="interview-7",
                source=EvidenceSource.INTERVIEW,
                text="The card form timed out twice.",
                touchpoint="payment",
                sentiment=-0.75,
                recorded_on=dt.date(2025, 3, 14),
                validation=Validation(status=ValidationStatus.CONFIRMED, confirmed_by=4),
            ),
            Evidence(
                id="survey-1",
                source=EvidenceSource.SURVEY,
                text="Search finds nothing for 'A4'.",
                stage="discover",
            ),
        ],
        opportunities=[
            Opportunity(
                id="retry-payment",
                title="Keep the basket when payment fails",
                owner_team="payments",
                touchpoints=["payment"],
                status=OpportunityStatus.PLANNED,
            )
        ],
    )


def returns_journey() -> Journey:
    """A second, smaller journey for a second persona."""
    return Journey(
        id="returns",
        name="Returning an item",
        persona="student",
        stages=[
            Stage(
                id="request",
                name="Request return",
                touchpoints=[Touchpoint(id="form", name="Return form", owner_team="support")],
            ),
            Stage(id="refund", name="Refund"),
        ],
    )


def shop_workspace() -> Workspace:
    """Two personas, three teams and two journeys, in a deliberately unsorted order."""
    return Workspace(
        name="Stationery shop",
        description="Maps of our web shop.",
        personas=[
            Persona(
                id="student",
                name="Student",
                attributes={"age": "18-25"},
                segment='plan == "free"',
            ),
            Persona(id="parent", name="Busy parent", quote="No time.", goals=["order fast"]),
        ],
        teams=[
            Team(id="web", name="Web team", members=["ana", "bo"]),
            Team(id="support", name="Support", tier=StakeholderTier.SUPPORT),
            Team(id="payments", name="Payments"),
        ],
        journeys=[shopping_journey(), returns_journey()],
    )
