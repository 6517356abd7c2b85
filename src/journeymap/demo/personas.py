"""The three true personas of the demo: who they are and how they behave in the simulation.

These are the *generator's* personas (``persona_truth`` in the customers table), with the
numbers that drive the simulation. The map's personas in :mod:`journeymap.demo.workspace`
describe the same people in the team's words and select them with segment rules over
ordinary customer attributes, which match only approximately, as in real life.
"""

from __future__ import annotations

from dataclasses import dataclass

AGE_BANDS: tuple[str, ...] = ("18-24", "25-34", "35-44", "45-54", "55-64", "65+")
PROFESSIONS: tuple[str, ...] = (
    "student",
    "retail assistant",
    "nurse",
    "teacher",
    "software engineer",
    "accountant",
    "marketing manager",
    "self-employed",
    "tradesperson",
    "civil servant",
    "retired",
)
INCOME_BANDS: tuple[str, ...] = ("under_25k", "25k_50k", "50k_80k", "80k_plus")
FAMILY_STATUSES: tuple[str, ...] = ("single", "couple", "family_with_children", "empty_nester")
KNOWLEDGE_LEVELS: tuple[str, ...] = ("novice", "intermediate", "expert")
CHANNEL_PREFERENCES: tuple[str, ...] = ("web", "app", "phone", "store")
LOYALTY_TIERS: tuple[str, ...] = ("none", "club", "club_plus")
ACQUISITION_SOURCES: tuple[str, ...] = ("social_ad", "partner", "showroom", "organic")


@dataclass(frozen=True)
class Demographics:
    """Probabilities over each customer attribute, in the order of the value tuples above."""

    age_band: tuple[float, ...]
    profession: tuple[float, ...]
    income_band: tuple[float, ...]
    family_status: tuple[float, ...]
    knowledge_level: tuple[float, ...]
    channel_preference: tuple[float, ...]


@dataclass(frozen=True)
class Behaviour:
    """How a persona moves through the store; shares are probabilities, days are means."""

    never_buys: float
    buys_in_first_session: float
    first_purchase_days: float
    browse_sessions: float
    views_per_session: float
    app_share: float
    phone_order_share: float
    reaches_shipping: float
    reaches_payment: float
    express_share: float
    coupon_share: float
    reminder_comeback: float
    repeat_base: float
    repeat_gap_days: float
    late_repeat_penalty: float
    phone_support_share: float
    review_share: float
    nps_response_share: float
    nps_base: float
    winback_comeback: float
    wishlist_share: float
    price_alert_share: float
    newsletter_open_rate: float
    guide_views: float
    loyalty_join: float
    plus_share: float
    store_return_share: float
    active_hours: tuple[float, ...]
    acquisition: tuple[float, ...]


@dataclass(frozen=True)
class PersonaProfile:
    """One true persona: its id (shared with the map), share of customers and behaviour."""

    id: str
    name: str
    share: float
    segment: str
    demographics: Demographics
    behaviour: Behaviour


def _hours(*peaks: tuple[int, int, float]) -> tuple[float, ...]:
    """24 hourly weights: a low night-time floor plus the persona's busy hours."""
    weights = [0.2 if 7 <= hour <= 22 else 0.03 for hour in range(24)]
    for first, last, weight in peaks:
        for hour in range(first, last + 1):
            weights[hour] += weight
    return tuple(weights)


BARGAIN_HUNTER = PersonaProfile(
    id="bargain-hunter",
    name="Bea, the bargain hunter",
    share=0.40,
    segment=(
        'income_band in ["under_25k", "25k_50k"] and family_status in ["single", "couple"]'
        ' and age_band in ["18-24", "25-34", "35-44", "45-54"]'
    ),
    demographics=Demographics(
        age_band=(0.25, 0.35, 0.20, 0.12, 0.06, 0.02),
        profession=(0.20, 0.15, 0.10, 0.08, 0.08, 0.07, 0.07, 0.12, 0.10, 0.03, 0.0),
        income_band=(0.40, 0.40, 0.15, 0.05),
        family_status=(0.55, 0.35, 0.10, 0.0),
        knowledge_level=(0.10, 0.40, 0.50),
        channel_preference=(0.55, 0.40, 0.02, 0.03),
    ),
    behaviour=Behaviour(
        never_buys=0.25,
        buys_in_first_session=0.15,
        first_purchase_days=6.0,
        browse_sessions=2.0,
        views_per_session=2.6,
        app_share=0.35,
        phone_order_share=0.01,
        reaches_shipping=0.60,
        reaches_payment=0.88,
        express_share=0.08,
        coupon_share=0.55,
        reminder_comeback=0.40,
        repeat_base=0.40,
        repeat_gap_days=20.0,
        late_repeat_penalty=0.20,
        phone_support_share=0.15,
        review_share=0.26,
        nps_response_share=0.25,
        nps_base=7.4,
        winback_comeback=0.40,
        wishlist_share=0.25,
        price_alert_share=0.18,
        newsletter_open_rate=0.35,
        guide_views=0.3,
        loyalty_join=0.25,
        plus_share=0.05,
        store_return_share=0.02,
        active_hours=_hours((12, 13, 0.6), (19, 23, 1.0)),
        acquisition=(0.35, 0.35, 0.02, 0.28),
    ),
)

BUSY_PARENT = PersonaProfile(
    id="busy-parent",
    name="Sam, the busy parent",
    share=0.35,
    segment=('family_status == "family_with_children" and age_band in ["25-34", "35-44", "45-54"]'),
    demographics=Demographics(
        age_band=(0.0, 0.35, 0.45, 0.17, 0.03, 0.0),
        profession=(0.0, 0.08, 0.12, 0.14, 0.16, 0.12, 0.12, 0.10, 0.10, 0.06, 0.0),
        income_band=(0.08, 0.32, 0.38, 0.22),
        family_status=(0.03, 0.02, 0.95, 0.0),
        knowledge_level=(0.15, 0.55, 0.30),
        channel_preference=(0.28, 0.68, 0.02, 0.02),
    ),
    behaviour=Behaviour(
        never_buys=0.18,
        buys_in_first_session=0.30,
        first_purchase_days=3.0,
        browse_sessions=1.4,
        views_per_session=1.8,
        app_share=0.75,
        phone_order_share=0.01,
        reaches_shipping=0.82,
        reaches_payment=0.93,
        express_share=0.45,
        coupon_share=0.12,
        reminder_comeback=0.25,
        repeat_base=0.50,
        repeat_gap_days=16.0,
        late_repeat_penalty=0.30,
        phone_support_share=0.25,
        review_share=0.16,
        nps_response_share=0.18,
        nps_base=7.8,
        winback_comeback=0.22,
        wishlist_share=0.08,
        price_alert_share=0.02,
        newsletter_open_rate=0.15,
        guide_views=0.5,
        loyalty_join=0.40,
        plus_share=0.55,
        store_return_share=0.03,
        active_hours=_hours((6, 7, 0.8), (12, 13, 0.5), (20, 23, 1.2)),
        acquisition=(0.45, 0.15, 0.05, 0.35),
    ),
)

RETIREE = PersonaProfile(
    id="retiree",
    name="Robert, the retiree",
    share=0.25,
    segment='age_band in ["55-64", "65+"] and profession == "retired"',
    demographics=Demographics(
        age_band=(0.0, 0.0, 0.0, 0.0, 0.25, 0.75),
        profession=(0.0, 0.0, 0.0, 0.03, 0.0, 0.03, 0.0, 0.05, 0.0, 0.04, 0.85),
        income_band=(0.25, 0.45, 0.20, 0.10),
        family_status=(0.20, 0.20, 0.02, 0.58),
        knowledge_level=(0.55, 0.35, 0.10),
        channel_preference=(0.38, 0.05, 0.40, 0.17),
    ),
    behaviour=Behaviour(
        never_buys=0.20,
        buys_in_first_session=0.20,
        first_purchase_days=5.0,
        browse_sessions=1.7,
        views_per_session=2.3,
        app_share=0.06,
        phone_order_share=0.30,
        reaches_shipping=0.85,
        reaches_payment=0.92,
        express_share=0.10,
        coupon_share=0.08,
        reminder_comeback=0.20,
        repeat_base=0.44,
        repeat_gap_days=24.0,
        late_repeat_penalty=0.18,
        phone_support_share=0.70,
        review_share=0.20,
        nps_response_share=0.45,
        nps_base=8.2,
        winback_comeback=0.20,
        wishlist_share=0.05,
        price_alert_share=0.03,
        newsletter_open_rate=0.50,
        guide_views=0.8,
        loyalty_join=0.30,
        plus_share=0.10,
        store_return_share=0.40,
        active_hours=_hours((9, 11, 1.2), (14, 16, 0.8)),
        acquisition=(0.08, 0.20, 0.35, 0.37),
    ),
)

PERSONAS: tuple[PersonaProfile, ...] = (BARGAIN_HUNTER, BUSY_PARENT, RETIREE)
PERSONA_IDS: tuple[str, ...] = tuple(persona.id for persona in PERSONAS)

FIRST_NAMES: dict[str, tuple[str, ...]] = {
    "GB": (
        "Oliver", "Amelia", "Harry", "Isla", "George", "Emily", "Jack", "Sophie", "Margaret",
        "Brian", "Priya", "Mohammed", "Chloe", "Daniel", "Hannah", "Susan", "Keith", "Zoë",
    ),
    "IE": (
        "Seán", "Siobhán", "Niamh", "Cian", "Aoife", "Pádraig", "Róisín", "Conor", "Orla",
        "Declan", "Éabha", "Ciarán",
    ),
    "DE": (
        "Jürgen", "Lena", "Lukas", "Anna", "Jörg", "Sophie", "Maximilian", "Käthe", "Felix",
        "Ursula", "Björn", "Marie",
    ),
    "NL": (
        "Sanne", "Daan", "Femke", "Bram", "Lotte", "Joris", "Eline", "Wouter", "Maartje",
        "Sven", "Noor", "Pieter",
    ),
    "FR": (
        "François", "Hélène", "Camille", "Julien", "Léa", "Mathéo", "Chloé", "Amélie", "Jérôme",
        "Anaïs", "Noël", "Margaux",
    ),
}  # fmt: skip
LAST_NAMES: dict[str, tuple[str, ...]] = {
    "GB": (
        "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Patel", "Khan", "Evans",
        "Thomas", "Roberts", "Walker", "Wright", "Hughes", "Edwards", "Clarke",
    ),
    "IE": (
        "Murphy", "Kelly", "O'Sullivan", "Walsh", "O'Brien", "Byrne", "Ryan", "Ó Briain",
        "McCarthy", "Doyle", "Gallagher", "Ní Mhurchú",
    ),
    "DE": (
        "Müller", "Schmidt", "Schneider", "Fischer", "Weiß", "Groß", "Becker", "Schäfer",
        "Hoffmann", "Köhler", "Wagner", "Krüger",
    ),
    "NL": (
        "de Jong", "Jansen", "de Vries", "van den Berg", "Bakker", "Visser", "Smit", "Meijer",
        "de Boer", "Mulder", "van Dijk", "Bos",
    ),
    "FR": (
        "Martin", "Bernard", "Dubois", "Lefèvre", "Moreau", "Laurent", "Girard", "Lefebvre",
        "Rousseau", "Fontaine", "Mercier", "Dupré",
    ),
}  # fmt: skip
EMAIL_DOMAINS: tuple[str, ...] = ("example.com", "example.org")
