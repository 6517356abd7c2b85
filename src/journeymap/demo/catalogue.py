"""What the demo store sells and says: events, vocabularies, products, carriers, campaigns.

Northwind Home is a fictional online home-goods store (kitchen, bedroom, bathroom, living,
garden). Everything the simulation writes as text (event names, statuses, carriers...) is
listed here once, as a :class:`Vocabulary`, so the event log stores small integer codes
while it is built and turns them into strings only when a chunk is written.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from journeymap.model import Channel

STORE_NAME = "Northwind Home"
STORE_DOMAIN = "northwind-home.example.com"
SUPPORT_ADDRESS = f"care@{STORE_DOMAIN}"


class Vocabulary:
    """An ordered, closed set of text values; a value's code is its position."""

    def __init__(self, values: Iterable[str]) -> None:
        self.values: tuple[str, ...] = tuple(values)
        self._codes = {value: code for code, value in enumerate(self.values)}
        if len(self._codes) != len(self.values):
            raise ValueError(f"duplicate values in vocabulary {self.values}")

    def __getitem__(self, value: str) -> int:
        try:
            return self._codes[value]
        except KeyError:
            raise KeyError(f"{value!r} is not one of {', '.join(self.values)}") from None

    def __len__(self) -> int:
        return len(self.values)

    def __contains__(self, value: object) -> bool:
        return value in self._codes

    def codes(self, *values: str) -> tuple[int, ...]:
        """The codes of several values, in the order given."""
        return tuple(self[value] for value in values)


EVENTS = Vocabulary(
    [
        # Awareness and consideration
        "ad_click",
        "partner_click",
        "store_visit",
        "site_visit",
        "app_open",
        "product_view",
        "wishlist_add",
        "price_alert_set",
        # Checkout, in the small steps a funnel needs
        "cart_add",
        "coupon_applied",
        "shipping_selected",
        "payment_attempt",
        "order_placed",
        "order_confirmation_email",
        "cart_reminder_email",
        # Delivery and use
        "shipment_dispatched",
        "delivery_update",
        "order_delivered",
        "welcome_call",
        "guide_view",
        # Support and returns
        "support_email",
        "support_call",
        "return_requested",
        "refund_issued",
        # Loyalty and advocacy
        "loyalty_joined",
        "newsletter_open",
        "winback_email",
        "nps_response",
        "review_submitted",
        "referral_sent",
    ]
)

UNMAPPED_EVENTS: tuple[str, ...] = ("wishlist_add", "price_alert_set")
"""Events the product team never put on the map; the analytics should report them as gaps."""

CHANNELS = Vocabulary(channel.value for channel in Channel)

STATUSES = Vocabulary(
    [
        "succeeded",
        "failed",
        "first_order",
        "repeat_order",
        "completed",
        "delayed",
        "club",
        "club_plus",
    ]
)

ERRORS = Vocabulary(
    ["card_declined", "insufficient_funds", "authentication_failed", "gateway_timeout"]
)
OUTAGE_ERROR = "gateway_timeout"
EVERYDAY_ERRORS: tuple[str, ...] = ("card_declined", "insufficient_funds", "authentication_failed")

SHIPPING_METHODS = Vocabulary(["standard", "express"])

CAMPAIGNS = Vocabulary(
    [
        "spring_sale",
        "home_refresh",
        "welcome_10",
        "cart_comeback_10",
        "we_miss_you",
        "refer_a_friend",
        "weekly_newsletter",
    ]
)
AD_CAMPAIGNS: tuple[str, ...] = ("spring_sale", "home_refresh")

DEVICES = Vocabulary(["desktop", "mobile_web", "ios", "android"])
WEB_DEVICES: tuple[str, ...] = ("desktop", "mobile_web")
APP_DEVICES: tuple[str, ...] = ("ios", "android")

RETURN_REASONS: tuple[str, ...] = (
    "damaged",
    "not_as_described",
    "changed_mind",
    "arrived_late",
    "wrong_item",
)
SUPPORT_REASONS: tuple[str, ...] = (
    "delivery_late",
    "where_is_my_order",
    "confirmation_missing",
    "payment_failed",
    "refund_delay",
    "return_question",
    "welcome_call_praise",
    "product_question",
)
REASONS = Vocabulary(RETURN_REASONS + SUPPORT_REASONS)

COUNTRIES = Vocabulary(["GB", "IE", "DE", "NL", "FR"])
COUNTRY_SHARES: tuple[float, ...] = (0.58, 0.10, 0.14, 0.10, 0.08)


@dataclass(frozen=True)
class Carrier:
    """A delivery partner, the countries it serves and how often it misses the promised day."""

    name: str
    late_share: float
    serves: tuple[str, ...]


CARRIERS = Vocabulary(["ParcelPro", "SwiftShip", "EuroFreight"])
CARRIER_PROFILES: tuple[Carrier, ...] = (
    Carrier("ParcelPro", late_share=0.06, serves=("GB",)),
    Carrier("SwiftShip", late_share=0.25, serves=("GB", "IE")),
    Carrier("EuroFreight", late_share=0.10, serves=("DE", "NL", "FR")),
)


@dataclass(frozen=True)
class Product:
    """One article of the catalogue, with the persona weights that make baskets differ."""

    name: str
    category: str
    price: float
    bargain_hunter: float
    busy_parent: float
    retiree: float


PRODUCT_LIST: tuple[Product, ...] = (
    Product("Cast-iron casserole 24 cm", "kitchen", 119.00, 0.3, 1.0, 2.0),
    Product("Chef's knife 20 cm", "kitchen", 64.00, 0.6, 1.0, 1.2),
    Product("Oak chopping board", "kitchen", 34.00, 1.2, 1.0, 1.0),
    Product("Stoneware dinner set, 12 pieces", "kitchen", 89.00, 0.6, 1.4, 1.5),
    Product("Glass storage jars, set of 6", "kitchen", 29.00, 1.5, 1.6, 0.8),
    Product("Non-stick frying pan 28 cm", "kitchen", 45.00, 1.4, 1.2, 0.9),
    Product("Enamel kettle", "kitchen", 39.00, 1.0, 0.7, 1.3),
    Product("Linen tea towels, set of 3", "kitchen", 18.00, 2.0, 0.8, 1.0),
    Product("Bamboo lunch boxes, set of 4", "kitchen", 22.00, 1.0, 2.5, 0.2),
    Product("Kids' melamine plate set", "kitchen", 16.00, 0.6, 2.5, 0.3),
    Product("Linen duvet cover, double", "bedroom", 79.00, 0.6, 1.0, 1.6),
    Product("Cotton percale sheet set, king", "bedroom", 69.00, 0.7, 1.0, 1.5),
    Product("Wool throw, charcoal", "bedroom", 55.00, 0.9, 0.8, 1.4),
    Product("Memory-foam pillow", "bedroom", 39.00, 1.3, 1.0, 1.2),
    Product("Blackout curtains 140 × 260 cm", "bedroom", 59.00, 0.8, 1.8, 0.8),
    Product("Waffle towel bale, 6 pieces", "bathroom", 49.00, 1.2, 1.2, 1.0),
    Product("Bamboo bath mat", "bathroom", 24.00, 1.6, 1.0, 0.8),
    Product("Stoneware soap dispenser", "bathroom", 15.00, 1.8, 0.8, 0.8),
    Product("Ceramic table lamp", "living", 68.00, 0.9, 0.8, 1.0),
    Product("Jute rug 160 × 230 cm", "living", 129.00, 0.5, 1.0, 0.8),
    Product("Velvet cushion cover", "living", 19.00, 2.0, 0.9, 0.9),
    Product("Oak wall shelf", "living", 42.00, 1.0, 1.0, 0.9),
    Product("Scented candle trio", "living", 21.00, 1.8, 0.8, 1.0),
    Product("Seagrass storage baskets, set of 3", "living", 35.00, 1.1, 2.2, 0.7),
    Product("Teak garden bench", "garden", 249.00, 0.2, 0.4, 1.8),
    Product("Galvanised watering can", "garden", 28.00, 0.8, 0.6, 2.0),
    Product("Bird feeder station", "garden", 36.00, 0.5, 0.6, 2.2),
    Product("Outdoor string lights", "garden", 32.00, 1.4, 1.0, 0.7),
    Product("Cordless stick vacuum", "cleaning", 179.00, 0.5, 1.8, 0.6),
    Product("Steel drying rack", "cleaning", 45.00, 1.3, 1.5, 0.9),
)
PRODUCTS = Vocabulary(product.name for product in PRODUCT_LIST)
