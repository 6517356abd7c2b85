"""The demo store's map as the team drew it: personas, teams, and one journey per persona.

>>> from journeymap.model import find_problems
>>> workspace = demo_workspace()
>>> [journey.id for journey in workspace.journeys]
['bargain-hunter-journey', 'busy-parent-journey', 'retiree-journey']
>>> find_problems(workspace)
[]

The map is deliberately a *map*, not the truth: the team calls the order confirmation email
a delighter, while the generated data shows it is a hygiene factor (see the manifest).
"""

from __future__ import annotations

import datetime as dt

from journeymap.demo.catalogue import STORE_NAME
from journeymap.demo.personas import PERSONAS
from journeymap.demo.stage_notes import NOTES
from journeymap.demo.touchpoints import IMPACT_RANKS, SIGNALS, STAGES, TOUCHPOINTS
from journeymap.model import (
    Emotion,
    EventRule,
    Evidence,
    EvidenceSource,
    Funnel,
    Impact,
    Journey,
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

WORKSHOP_DAY = dt.date(2025, 2, 12)

PERSONA_TEXT: dict[str, tuple[str, str, tuple[str, ...], dict[str, str]]] = {
    "bargain-hunter": (
        "In her twenties, renting a first flat and furnishing it on a tight budget. Compares prices across comparison sites, waits for sales, fills baskets and leaves them when the delivery fee appears.",
        "If I wait until Friday there's always a code somewhere.",
        ("Make the flat feel like home without overspending", "Never pay full price or a delivery fee", "Know exactly what the total will be"),
        {"age_band": "18-34", "profession": "Student or early career", "income": "Under £50k", "family_status": "Single or couple, no children", "knowledge_level": "Expert online shopper", "channel_preference": "Web, app and comparison sites"},
    ),
    "busy-parent": (
        "Works full time with two children at primary school. Shops in the app in spare minutes – at 6 am or after bedtime – and pays for express delivery when it saves a trip.",
        "I don't have time to chase a parcel. Tell me when it comes, and then make it come.",
        ("Get what the family needs in a few taps", "Reliable, fast delivery on the promised day", "Reorder favourites without searching"),
        {"age_band": "25-54", "profession": "Teacher, nurse, engineer and the like", "income": "£50-80k household", "family_status": "Family with children", "knowledge_level": "Intermediate, app first", "channel_preference": "App"},
    ),
    "retiree": (
        "Retired, lives with his wife in a house with a garden. Likes to see products in the showroom, orders by phone when the website gets fiddly, and values being treated as a person.",
        "I don't mind paying for quality, as long as there is a real person to talk to when something goes wrong.",
        ("Buy quality that lasts for home and garden", "Speak to someone who knows the products", "Return things without printing labels"),
        {"age_band": "55+", "profession": "Retired", "income": "£25-50k pension", "family_status": "Empty nester", "knowledge_level": "Novice online", "channel_preference": "Phone and showroom"},
    ),
}  # fmt: skip

TEAMS: tuple[Team, ...] = (
    Team(id="leadership", name="Leadership team", tier=StakeholderTier.EXECUTIVE, description="Sets priorities and budgets across the experience.", members=["Helen Marsh (CEO)", "Raj Mehta (COO)"]),
    Team(id="marketing", name="Growth marketing", tier=StakeholderTier.DECISION_MAKER, description="Ads, partners, discount codes, referral programme and order emails.", members=["Chloe Evans", "Luca Romano"]),
    Team(id="ecommerce", name="E-commerce product", tier=StakeholderTier.DECISION_MAKER, description="Website, app, checkout and care guides.", members=["Anna Kowalski", "Ben Carter"]),
    Team(id="payments", name="Payments", tier=StakeholderTier.SUPPORT, description="Payment provider, refunds and fraud checks.", members=["Omar Haddad"]),
    Team(id="logistics", name="Logistics & carriers", tier=StakeholderTier.DECISION_MAKER, description="Warehouse, carrier contracts and delivery promises.", members=["Fiona Byrne", "Stefan Vogel"]),
    Team(id="customer-care", name="Customer care", tier=StakeholderTier.FRONTLINE, description="Email and phone support, welcome calls, returns desk.", members=["Priya Shah", "Tom Walsh", "Aisling Doyle"]),
    Team(id="showrooms", name="Showrooms", tier=StakeholderTier.FRONTLINE, description="Five showrooms; in-store advice and returns.", members=["Grace Okafor"]),
    Team(id="crm", name="CRM & loyalty", tier=StakeholderTier.SUPPORT, description="Newsletter, Northwind Club, reminders, win-back and surveys.", members=["Marek Nowak"]),
)  # fmt: skip

SCENARIOS: dict[str, str] = {
    "bargain-hunter": "Bea sees a spring-sale ad, compares prices, waits for a code and buys a few pieces for her flat – and decides from the delivery and the refund whether to come back.",
    "busy-parent": "Sam orders kitchen and storage basics in the app before school, pays for express delivery and reorders when it works.",
    "retiree": "Robert sees the range in a showroom, orders by phone, gets a welcome call, and returns what doesn't fit without a printer.",
}  # fmt: skip

OUTCOMES: tuple[Outcome, ...] = (
    Outcome(id="converted", name="Placed an order", description="The customer placed at least one order.", event_rule=EventRule(events=["order_placed"])),
    Outcome(id="repeat-purchase", name="Bought again", description="A second or later order: the customer was retained; measured among customers who ordered.", event_rule=EventRule(events=["order_placed"], where='status == "repeat_order"'), among="converted"),
    Outcome(id="churned", name="Churned", description="Ordered at least once but not in the last 45 days of the data (the CRM's churn flag); measured among customers who ordered.", polarity=OutcomePolarity.NEGATIVE, customer_rule="churned == true", among="converted"),
    Outcome(id="returned", name="Came back after a lapse", description="Lapsed for 45 days or more, then ordered again through the win-back email. Not about product returns.", event_rule=EventRule(events=["order_placed"], where='campaign == "we_miss_you"')),
    Outcome(id="promoter", name="Promoter", description="Answered the NPS survey with 9 or 10.", event_rule=EventRule(events=["nps_response"], where="score >= 9")),
    Outcome(id="review-score", name="Review score", description="Mean star rating (1-5) of the customer's product reviews.", event_rule=EventRule(events=["review_submitted"]), value="score"),
)  # fmt: skip

FUNNELS: tuple[Funnel, ...] = (
    Funnel(id="checkout", name="Checkout", description="From the basket to the confirmation email: the steps the payment provider's outage breaks.", steps=["basket", "delivery-options", "payment", "order-placed", "order-confirmation"], window_hours=48),
)  # fmt: skip
"""What the team watches: ``journeymap monitor`` checks every step of these for outages."""


def _evidence(persona: str) -> list[Evidence]:
    hypothesis = Validation()
    confirmed = Validation(
        status=ValidationStatus.CONFIRMED, confirmed_by=4, last_validated=dt.date(2025, 2, 26)
    )
    common = [
        Evidence(
            id="workshop-confirmation-email",
            source=EvidenceSource.WORKSHOP,
            text="Customers love our order confirmation email – several people said it is 'the moment it feels real'. It is our best-designed email.",
            touchpoint="order-confirmation",
            sentiment=0.7,
            author="Journey workshop",
            recorded_on=WORKSHOP_DAY,
            validation=hypothesis,
        ),
        Evidence(
            id="interview-late-parcel",
            source=EvidenceSource.INTERVIEW,
            text="I waited in all day and the parcel didn't come. Nobody told me anything until I rang.",
            touchpoint="home-delivery",
            sentiment=-0.8,
            author="Customer interviews",
            recorded_on=dt.date(2025, 2, 20),
            validation=confirmed,
        ),
        Evidence(
            id="support-refund-chasing",
            source=EvidenceSource.SUPPORT_MESSAGE,
            text="Where is my refund? You've had the item back for two weeks.",
            touchpoint="refund",
            sentiment=-0.7,
            author="Customer care inbox",
            recorded_on=dt.date(2025, 2, 3),
        ),
        Evidence(
            id="workshop-welcome-call",
            source=EvidenceSource.WORKSHOP,
            text="Care agents say customers are surprised and pleased by the welcome call; we think it makes people come back.",
            touchpoint="welcome-call",
            sentiment=0.8,
            author="Journey workshop",
            recorded_on=WORKSHOP_DAY,
            validation=hypothesis,
        ),
        Evidence(
            id="workshop-payment-provider",
            source=EvidenceSource.WORKSHOP,
            text="Payments 'just work'; the provider's uptime has been fine for a year.",
            touchpoint="payment",
            sentiment=0.2,
            author="Journey workshop",
            recorded_on=WORKSHOP_DAY,
            validation=hypothesis,
        ),
    ]
    specific = {
        "bargain-hunter": Evidence(
            id="workshop-delivery-fee",
            source=EvidenceSource.WORKSHOP,
            text="Bargain hunters abandon the basket when the delivery fee appears at the shipping step.",
            touchpoint="delivery-options",
            sentiment=-0.5,
            author="Journey workshop",
            recorded_on=WORKSHOP_DAY,
            validation=hypothesis,
        ),
        "busy-parent": Evidence(
            id="interview-express",
            source=EvidenceSource.INTERVIEW,
            text="I pay for express because I can't wait in two days running. If express is late I'm done.",
            touchpoint="home-delivery",
            sentiment=-0.4,
            author="Customer interviews",
            recorded_on=dt.date(2025, 2, 20),
            validation=confirmed,
        ),
        "retiree": Evidence(
            id="interview-phone-order",
            source=EvidenceSource.INTERVIEW,
            text="The lady on the phone took my order and rang me again when it had arrived. That's proper service.",
            touchpoint="welcome-call",
            sentiment=0.9,
            author="Customer interviews",
            recorded_on=dt.date(2025, 2, 21),
            validation=confirmed,
        ),
    }
    return [*common, specific[persona]]


def _opportunities(persona: str) -> list[Opportunity]:
    common = [
        Opportunity(
            id="richer-confirmation-email",
            title="Richer confirmation email with styling tips",
            description="Build on our favourite email: add room-styling ideas and related products.",
            owner_team="marketing",
            touchpoints=["order-confirmation"],
            expected_impact=Impact.MEDIUM,
            status=OpportunityStatus.PLANNED,
        ),
        Opportunity(
            id="move-irish-deliveries",
            title="Move Irish deliveries off SwiftShip",
            description="Tender the Irish route; SwiftShip misses promised dates most often.",
            owner_team="logistics",
            touchpoints=["home-delivery", "delivery-updates"],
            expected_impact=Impact.HIGH,
            status=OpportunityStatus.IDEA,
        ),
        Opportunity(
            id="payment-failover",
            title="Fail over to a second payment provider",
            description="Route payments to a backup provider when the main one times out.",
            owner_team="payments",
            touchpoints=["payment", "payment-failure"],
            expected_impact=Impact.HIGH,
            status=OpportunityStatus.IDEA,
        ),
        Opportunity(
            id="call-every-first-buyer",
            title="Welcome call for every first-time buyer",
            description="Today we call about a third of them; staff the team to call everyone.",
            owner_team="customer-care",
            touchpoints=["welcome-call"],
            expected_impact=Impact.MEDIUM,
            status=OpportunityStatus.IN_PROGRESS,
        ),
        Opportunity(
            id="refund-on-scan",
            title="Refund when the return is scanned",
            description="Pay refunds when the carrier scans the parcel, not after the warehouse check.",
            owner_team="payments",
            touchpoints=["refund", "return-request"],
            expected_impact=Impact.HIGH,
            status=OpportunityStatus.IDEA,
        ),
    ]
    specific = {
        "bargain-hunter": Opportunity(
            id="fee-on-product-page",
            title="Show the delivery fee on product pages",
            owner_team="ecommerce",
            touchpoints=["website", "delivery-options"],
            expected_impact=Impact.MEDIUM,
        ),
        "busy-parent": Opportunity(
            id="one-tap-reorder",
            title="One-tap reorder in the app",
            owner_team="ecommerce",
            touchpoints=["mobile-app", "basket"],
            expected_impact=Impact.MEDIUM,
            status=OpportunityStatus.PLANNED,
        ),
        "retiree": Opportunity(
            id="label-free-showroom-returns",
            title="Label-free returns in every showroom",
            owner_team="showrooms",
            touchpoints=["return-request"],
            expected_impact=Impact.LOW,
            status=OpportunityStatus.PLANNED,
        ),
    }
    return [*common, specific[persona]]


def _stages(persona: str) -> list[Stage]:
    ranks = {touchpoint: rank for rank, touchpoint in enumerate(IMPACT_RANKS[persona], start=1)}
    stages = []
    for spec in STAGES:
        notes = NOTES[persona][spec.id]
        touchpoints = [
            Touchpoint(
                id=tp.id,
                name=tp.name,
                description=tp.description,
                channel=tp.channel,
                direct=tp.direct,
                owner_team=tp.owner_team,
                tier=tp.tier,
                moment=tp.moment,
                impact_rank=ranks.get(tp.id),
                performance=tp.performance,
                customers_would_pay=tp.customers_would_pay,
                keywords=list(tp.keywords),
                event_rule=EventRule(events=list(tp.events), where=tp.where),
                signals=list(SIGNALS.get(tp.id, ())),
            )
            for tp in TOUCHPOINTS
            if tp.stage == spec.id
        ]
        stages.append(
            Stage(
                id=spec.id,
                name=spec.name,
                description=spec.description,
                goals=list(notes.goals),
                expectations=list(spec.expectations),
                concerns=list(notes.concerns),
                barriers=list(notes.barriers),
                motivations=list(notes.motivations),
                emotion=Emotion(score=notes.emotion, words=list(notes.words)),
                effort=notes.effort,
                actions=list(notes.actions),
                desired_outcome=notes.desired_outcome,
                company_success=spec.company_success,
                company_influence=list(spec.company_influence),
                touchpoints=touchpoints,
            )
        )
    return stages


def demo_workspace() -> Workspace:
    """The Northwind Home map: three personas, eight teams, one journey per persona."""
    personas = []
    journeys = []
    for profile in PERSONAS:
        description, quote, goals, attributes = PERSONA_TEXT[profile.id]
        personas.append(
            Persona(
                id=profile.id,
                name=profile.name,
                description=description,
                quote=quote,
                goals=list(goals),
                attributes=dict(attributes),
                segment=profile.segment,
            )
        )
        journeys.append(
            Journey(
                id=f"{profile.id}-journey",
                name=f"{profile.name.split(',')[0]} shops at {STORE_NAME}",
                persona=profile.id,
                description=SCENARIOS[profile.id],
                expectations=list(goals),
                stages=_stages(profile.id),
                outcomes=[outcome.model_copy(deep=True) for outcome in OUTCOMES],
                funnels=[funnel.model_copy(deep=True) for funnel in FUNNELS],
                evidence=_evidence(profile.id),
                opportunities=_opportunities(profile.id),
            )
        )
    return Workspace(
        name=STORE_NAME,
        description=f"{STORE_NAME}, an online home-goods store: kitchen, bedroom, bathroom, living and garden. The team's journey maps for its three personas.",
        personas=personas,
        teams=[team.model_copy(deep=True) for team in TEAMS],
        journeys=journeys,
    )
