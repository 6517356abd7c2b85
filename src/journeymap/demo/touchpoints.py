"""The demo store's spine and touchpoints as the team drew them, shared by all three journeys.

Every touchpoint names the generated events it is made of (its event rule), so the
analytics can measure it; two event types (``wishlist_add``, ``price_alert_set``) are on no
touchpoint on purpose, as gaps for the analytics to report. Moments of truth are the
team's beliefs, including one the data contradicts (see :mod:`journeymap.demo.truths`).
"""

from __future__ import annotations

from dataclasses import dataclass

from journeymap.demo.effects import SLOW_REFUND_DAYS
from journeymap.model import (
    Channel,
    EventRule,
    ExperienceSignal,
    MomentKind,
    Performance,
    SignalKind,
    StakeholderTier,
)


@dataclass(frozen=True)
class StageSpec:
    """One column of the spine with what holds for every persona."""

    id: str
    name: str
    description: str
    expectations: tuple[str, ...]
    company_success: str
    company_influence: tuple[str, ...]


@dataclass(frozen=True)
class TouchpointSpec:
    """One touchpoint: where it sits, who owns it, which events it is, and what the team thinks."""

    id: str
    stage: str
    name: str
    description: str
    channel: Channel
    owner_team: str
    tier: StakeholderTier
    events: tuple[str, ...]
    where: str | None = None
    moment: MomentKind = MomentKind.NONE
    performance: Performance = Performance.UNKNOWN
    direct: bool = True
    customers_would_pay: bool | None = None
    keywords: tuple[str, ...] = ()


STAGES: tuple[StageSpec, ...] = (
    StageSpec("awareness", "Awareness", "The customer first hears of Northwind Home: an ad, a comparison site, a showroom window.", ("Prices and style are clear at a glance",), "New visitors at an acceptable cost per visit", ("Ad creative", "Partner listings", "Showroom windows")),
    StageSpec("consideration", "Consideration", "Browsing the website, the app or a showroom, comparing products and prices.", ("Good photos and honest sizes", "Stock and delivery date shown early"), "Visitors who add to cart", ("Product pages", "App", "Showroom staff")),
    StageSpec("purchase", "Purchase", "Checkout in small steps: basket, discount code, delivery options, payment, confirmation.", ("A checkout that just works", "Total cost known before paying"), "Completed orders with few payment failures", ("Checkout design", "Payment provider", "Order emails")),
    StageSpec("delivery", "Delivery", "The parcel travels with one of three carriers; updates and the delivery itself.", ("Arrives on the promised day", "Told early if it will not"), "On-time deliveries", ("Carrier choice", "Promised dates", "Delay notices")),
    StageSpec("use", "Use", "Unpacking and living with the product; help to get the most out of it.", ("Product as described", "Help on care when needed"), "Customers who use and keep what they bought", ("Welcome call", "Care guides")),
    StageSpec("support", "Support", "Getting help by e-mail or phone when something goes wrong.", ("A quick, human answer", "Not having to chase"), "Issues resolved on first contact", ("Staffing", "Macros and tone", "Order visibility for agents")),
    StageSpec("returns", "Returns & refunds", "Sending something back and getting the money back.", ("Free, simple returns", "Refund within days"), "Returns handled without losing the customer", ("Returns policy", "Warehouse checks", "Refund timing")),
    StageSpec("loyalty", "Loyalty & renewal", "Staying in touch and buying again; the club and the newsletter.", ("Relevant offers", "Recognition as a regular"), "Repeat purchases and club members", ("Northwind Club", "Newsletter")),
    StageSpec("advocacy", "Advocacy", "Recommending the store: NPS answers, reviews, referrals.", ("Being asked for an opinion, and heard",), "Promoters and referred friends", ("NPS survey", "Reviews", "Refer-a-friend")),
    StageSpec("return", "Return", "A lapsed customer, quiet for 45 days or more, is invited back and orders again.", ("A reason to come back", "Past problems put right"), "Lapsed customers who order again", ("Win-back offer", "Timing", "Fixing what drove them away")),
)  # fmt: skip

TOUCHPOINTS: tuple[TouchpointSpec, ...] = (
    TouchpointSpec("social-ad", "awareness", "Social media ad", "Sponsored posts for the spring sale and the home-refresh range.", Channel.SOCIAL, "marketing", StakeholderTier.DECISION_MAKER, ("ad_click",), keywords=("ad", "instagram", "facebook")),
    TouchpointSpec("partner-listing", "awareness", "Comparison-site listing", "Products listed on price-comparison and marketplace partners.", Channel.PARTNER, "marketing", StakeholderTier.DECISION_MAKER, ("partner_click",), keywords=("comparison", "marketplace")),
    TouchpointSpec("showroom", "awareness", "Showroom visit", "Five showrooms where people see and touch the range.", Channel.STORE, "showrooms", StakeholderTier.FRONTLINE, ("store_visit",), performance=Performance.STRONG, keywords=("showroom", "shop", "store")),
    TouchpointSpec("website", "consideration", "Website browsing", "Visits and product pages on the website, desktop or mobile.", Channel.WEB, "ecommerce", StakeholderTier.DECISION_MAKER, ("site_visit", "product_view"), where='device in ["desktop", "mobile_web"]', keywords=("website", "product page")),
    TouchpointSpec("mobile-app", "consideration", "App browsing", "Sessions and product pages in the iOS and Android app.", Channel.APP, "ecommerce", StakeholderTier.DECISION_MAKER, ("app_open", "product_view"), where='device in ["ios", "android"]', keywords=("app",)),
    TouchpointSpec("basket", "purchase", "Add to basket", "Putting products in the basket.", Channel.WEB, "ecommerce", StakeholderTier.DECISION_MAKER, ("cart_add",), keywords=("basket", "cart")),
    TouchpointSpec("discount-code", "purchase", "Discount code", "Entering a welcome, sale or win-back code.", Channel.WEB, "marketing", StakeholderTier.DECISION_MAKER, ("coupon_applied",), keywords=("code", "discount", "voucher")),
    TouchpointSpec("delivery-options", "purchase", "Delivery options", "Choosing standard or express delivery; the delivery fee appears here.", Channel.WEB, "ecommerce", StakeholderTier.DECISION_MAKER, ("shipping_selected",), keywords=("delivery fee", "express")),
    TouchpointSpec("payment", "purchase", "Payment", "A payment attempt that goes through.", Channel.WEB, "payments", StakeholderTier.SUPPORT, ("payment_attempt",), where='status == "succeeded"', moment=MomentKind.HYGIENE_FACTOR, performance=Performance.STRONG, keywords=("payment", "card")),
    TouchpointSpec("payment-failure", "purchase", "Failed payment", "A payment attempt the provider declines or times out.", Channel.WEB, "payments", StakeholderTier.SUPPORT, ("payment_attempt",), where='status == "failed"', moment=MomentKind.PAIN_POINT, performance=Performance.WEAK, keywords=("payment failed", "declined", "timeout")),
    TouchpointSpec("order-placed", "purchase", "Order placed", "The order is created and the customer sees the thank-you page.", Channel.WEB, "ecommerce", StakeholderTier.DECISION_MAKER, ("order_placed",), keywords=("order",)),
    TouchpointSpec("order-confirmation", "purchase", "Order confirmation email", "The designed confirmation email with the order summary, sent straight after the order.", Channel.EMAIL, "marketing", StakeholderTier.DECISION_MAKER, ("order_confirmation_email",), moment=MomentKind.DELIGHTER, performance=Performance.STRONG, keywords=("confirmation", "did my order go through")),
    TouchpointSpec("cart-reminder", "purchase", "Cart reminder email", "Sent a day after an abandoned basket, with a 10 % code.", Channel.EMAIL, "crm", StakeholderTier.SUPPORT, ("cart_reminder_email",), keywords=("reminder", "basket")),
    TouchpointSpec("delivery-updates", "delivery", "Dispatch and delay notices", "Dispatch email with tracking; delay notice when the carrier reports one.", Channel.EMAIL, "logistics", StakeholderTier.DECISION_MAKER, ("shipment_dispatched", "delivery_update"), keywords=("tracking", "dispatched", "delayed")),
    TouchpointSpec("home-delivery", "delivery", "Home delivery", "The parcel arrives at the door, carried by ParcelPro, SwiftShip or EuroFreight.", Channel.PARTNER, "logistics", StakeholderTier.DECISION_MAKER, ("order_delivered",), moment=MomentKind.HYGIENE_FACTOR, performance=Performance.UNKNOWN, keywords=("delivery", "courier", "late", "parcel")),
    TouchpointSpec("welcome-call", "use", "Welcome call", "A care agent calls a first-time buyer to check all is well and share care tips.", Channel.PHONE, "customer-care", StakeholderTier.FRONTLINE, ("welcome_call",), moment=MomentKind.DELIGHTER, performance=Performance.STRONG, customers_would_pay=False, keywords=("call", "phoned", "rang")),
    TouchpointSpec("care-guides", "use", "Care guides", "How-to and care guides for the products, on the website and in the app.", Channel.WEB, "ecommerce", StakeholderTier.DECISION_MAKER, ("guide_view",), keywords=("guide", "care", "instructions")),
    TouchpointSpec("support-email", "support", "Support by email", "Writing to care@; answered within a working day.", Channel.EMAIL, "customer-care", StakeholderTier.FRONTLINE, ("support_email",), keywords=("email", "reply")),
    TouchpointSpec("support-phone", "support", "Support by phone", "The care line, Monday to Saturday.", Channel.PHONE, "customer-care", StakeholderTier.FRONTLINE, ("support_call",), performance=Performance.STRONG, keywords=("phone", "call")),
    TouchpointSpec("return-request", "returns", "Return request", "Asking to return an item online, in the app or in a showroom.", Channel.WEB, "customer-care", StakeholderTier.FRONTLINE, ("return_requested",), keywords=("return", "label")),
    TouchpointSpec("refund", "returns", "Refund", "The refund, issued after the warehouse has checked the returned item.", Channel.EMAIL, "payments", StakeholderTier.SUPPORT, ("refund_issued",), moment=MomentKind.PAIN_POINT, performance=Performance.WEAK, keywords=("refund", "money back")),
    TouchpointSpec("loyalty-club", "loyalty", "Northwind Club", "Joining the free club or paid Club Plus (free express delivery).", Channel.APP, "crm", StakeholderTier.SUPPORT, ("loyalty_joined",), customers_would_pay=True, keywords=("club", "plus", "member")),
    TouchpointSpec("newsletter", "loyalty", "Weekly newsletter", "Inspiration and offers, every Thursday.", Channel.EMAIL, "crm", StakeholderTier.SUPPORT, ("newsletter_open",), keywords=("newsletter",)),
    TouchpointSpec("winback-email", "return", "Win-back email", "Sent weekly to customers quiet for 45 days, with a 15 % code.", Channel.EMAIL, "crm", StakeholderTier.SUPPORT, ("winback_email",), keywords=("we miss you",)),
    TouchpointSpec("nps-survey", "advocacy", "NPS survey", "Two weeks after the first delivery: how likely are you to recommend us?", Channel.EMAIL, "crm", StakeholderTier.SUPPORT, ("nps_response",), keywords=("survey", "recommend")),
    TouchpointSpec("product-review", "advocacy", "Product review", "Star ratings and reviews on product pages.", Channel.WEB, "ecommerce", StakeholderTier.DECISION_MAKER, ("review_submitted",), direct=False, keywords=("review", "stars")),
    TouchpointSpec("refer-a-friend", "advocacy", "Refer a friend", "Sharing a personal link; both get 10 % off.", Channel.APP, "marketing", StakeholderTier.DECISION_MAKER, ("referral_sent",), keywords=("referral", "friend")),
)  # fmt: skip

IMPACT_RANKS: dict[str, tuple[str, ...]] = {
    "bargain-hunter": ("refund", "payment-failure", "home-delivery", "order-confirmation", "payment", "welcome-call"),
    "busy-parent": ("home-delivery", "payment", "payment-failure", "order-confirmation", "refund", "welcome-call"),
    "retiree": ("welcome-call", "refund", "home-delivery", "order-confirmation", "payment-failure", "payment"),
}  # fmt: skip
"""Per persona, the team's moments of truth from the highest emotional impact down."""


SIGNALS: dict[str, tuple[ExperienceSignal, ...]] = {
    "social-ad": (ExperienceSignal(id="spring-sale", name="Came through the spring sale ad",
                                   where='campaign == "spring_sale"'),),
    "payment": (ExperienceSignal(id="paid", name="Payment went through"),),
    "payment-failure": (ExperienceSignal(id="declined", name="Payment declined or timed out"),),
    "order-confirmation": (ExperienceSignal(id="confirmed", name="Got the confirmation email"),),
    "home-delivery": (
        ExperienceSignal(id="delivered", name="Parcel delivered"),
        ExperienceSignal(id="late", name="Arrived after the promised date", kind=SignalKind.LATE,
                         promised="promised_date", actual="delivered_date"),
        ExperienceSignal(id="detractor-after", name="NPS detractor after delivery",
                         kind=SignalKind.NEGATIVE_FEEDBACK,
                         followed_by=EventRule(events=["nps_response"], where="score <= 6"),
                         within_hours=30 * 24),
    ),
    "welcome-call": (ExperienceSignal(id="called", name="Got a welcome call"),),
    "refund": (
        ExperienceSignal(id="refunded", name="Refund issued"),
        ExperienceSignal(id="slow", name=f"Refund more than {SLOW_REFUND_DAYS:g} days after the request",
                         kind=SignalKind.LATE, after="return-request",
                         within_hours=SLOW_REFUND_DAYS * 24),
    ),
}  # fmt: skip
"""What the team measures at its moments of truth: the signals the impact analysis tests."""
