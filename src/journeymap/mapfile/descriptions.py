"""What each key of a map file means, for the JSON Schema that editors show on hover.

The model documents some fields itself (``Field(description=...)``); those win. This table
covers the rest, in the words of journey mapping, so that every key a person can type has
an explanation. A test fails when a field of the model has neither.
"""

from __future__ import annotations

from typing import Final

_ID: Final = "Stable id: lowercase letters, digits, '-' and '_' (e.g. checkout-payment)."

FIELD_DESCRIPTIONS: Final[dict[str, dict[str, str]]] = {
    "MapDocument": {
        "name": "Name of the workspace: the product, service or team the maps belong to.",
        "description": "What this workspace maps and for whom.",
        "personas": "Customer archetypes; each journey follows one of them.",
        "teams": "Groups in the company that own touchpoints and opportunities.",
        "journeys": "Customer journeys, each a spine of stages for one persona and scenario.",
    },
    "Persona": {
        "id": _ID,
        "name": "Display name of the persona (e.g. Busy parent).",
        "description": "Who they are and what situation they are in.",
        "quote": "A sentence in their own words that captures their attitude.",
        "goals": "What they want to achieve, independent of our product.",
    },
    "Team": {
        "id": _ID,
        "name": "Display name of the team.",
        "tier": "Where the team sits: frontline, support, decision_maker or executive.",
        "description": "What the team is responsible for in the experience.",
        "members": "People in the team (names or roles).",
    },
    "Journey": {
        "id": _ID,
        "name": "Display name of the journey (e.g. First purchase).",
        "persona": "Id of the persona whose journey this is.",
        "expectations": "What the persona expects of the whole experience.",
        "stages": "The spine: stages in the order customers live them.",
        "outcomes": "Results the analytics measure (converted, churned, promoter...).",
        "evidence": "Observations that back or question the map.",
        "opportunities": "Improvements the team commits to.",
    },
    "Stage": {
        "id": _ID,
        "name": "Display name of the stage (Awareness, Purchase, Support...).",
        "description": "What happens in this stage.",
        "goals": "What the customer wants to achieve here.",
        "expectations": "What the customer expects from us here.",
        "emotion": "How the customer feels: a score from -2 to +2 and words.",
        "effort": "Effort the customer needs to move on: low, medium or high.",
        "effort_notes": "Where the effort comes from.",
        "actions": "What the customer does.",
        "desired_outcome": "The result the customer wants when leaving this stage.",
        "customer_success": "What success looks like for the customer.",
        "company_success": "What success looks like for the company.",
        "company_influence": "What the company can influence here.",
        "open_questions": "What the team does not know yet and wants to find out.",
        "touchpoints": "Interactions between customer and company in this stage.",
    },
    "Touchpoint": {
        "id": _ID + " Unique across all stages of the journey.",
        "name": "Display name of the touchpoint (e.g. Order confirmation email).",
        "description": "What happens at this touchpoint.",
        "channel": "Where it happens: web, app, email, phone, store, social...",
        "owner_team": "Id of the team that owns it.",
        "tier": "Who owns the interaction: frontline, support, decision_maker or executive.",
        "moment": "Moment of truth: delighter, hygiene_factor, pain_point or none.",
        "performance": "How well we deliver it today: strong, weak or unknown.",
        "customers_would_pay": "Whether customers would pay for it (Kano-style check).",
        "keywords": "Words that tie customer feedback to this touchpoint.",
        "event_rule": "Which raw events are this touchpoint.",
    },
    "Emotion": {
        "score": "From -2 (distressed) through 0 (neutral) to +2 (delighted).",
        "words": "Words for the feeling (relieved, anxious...).",
    },
    "EventRule": {
        "events": "Event names that mark it; any of them matches.",
    },
    "Outcome": {
        "id": _ID,
        "name": "Display name of the outcome (Converted, Churned...).",
        "description": "What the outcome means for the business.",
        "polarity": "positive for outcomes we want, negative for those we fear.",
    },
    "Evidence": {
        "id": _ID,
        "source": "Where it came from: interview, workshop, survey, analytics...",
        "text": "The observation, in the customer's words where possible.",
        "stage": "Id of the stage it is about.",
        "touchpoint": "Id of the touchpoint it is about.",
        "sentiment": "From -1.0 (negative) to 1.0 (positive).",
        "customer_id": "The customer it came from, if known.",
        "author": "Who recorded it.",
        "recorded_on": "When it was recorded (YYYY-MM-DD).",
        "validation": "Whether customers confirmed it.",
    },
    "Validation": {
        "status": "hypothesis until customers confirm or dispute it.",
        "last_validated": "When it was last checked with customers (YYYY-MM-DD).",
    },
    "Opportunity": {
        "id": _ID,
        "title": "Short name of the improvement.",
        "description": "What changes and why it helps the customer.",
        "owner_team": "Id of the team that owns it.",
        "touchpoints": "Ids of the touchpoints it improves.",
        "expected_impact": "Expected impact: low, medium or high.",
        "status": "Where it stands: idea, planned, in_progress, done or dropped.",
    },
}
