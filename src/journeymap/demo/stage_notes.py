"""What each persona wants, feels and fears in each stage, as the team wrote it in the workshop.

Plain content for :mod:`journeymap.demo.workspace`: the spine is shared, the lived
experience differs. Bea counts every pound, Sam counts every minute, Robert wants a
person to talk to.
"""

from __future__ import annotations

from dataclasses import dataclass

from journeymap.model import EffortLevel


@dataclass(frozen=True)
class StageNotes:
    """One persona's row of a stage: goals, emotion, worries, drivers, effort, actions."""

    goals: tuple[str, ...]
    emotion: int
    words: tuple[str, ...]
    concerns: tuple[str, ...]
    barriers: tuple[str, ...]
    motivations: tuple[str, ...]
    effort: EffortLevel
    actions: tuple[str, ...]
    desired_outcome: str


N = StageNotes
L, M, H = EffortLevel.LOW, EffortLevel.MEDIUM, EffortLevel.HIGH

NOTES: dict[str, dict[str, StageNotes]] = {
    "bargain-hunter": {
        "awareness": N(("Spot a good deal",), 1, ("curious", "sceptical"), ("Is the sale price real?",), ("Unknown brand",), ("Discount in the ad",), L, ("Clicks a sale ad", "Compares on a comparison site"), "Finds a bargain worth a look"),
        "consideration": N(("Find the cheapest good-enough option",), 0, ("calculating",), ("Hidden costs",), ("Delivery fee unknown",), ("Price alerts", "Wishlist"), M, ("Saves items to a wishlist", "Sets price alerts", "Waits for a code"), "Knows the total price"),
        "purchase": N(("Pay as little as possible",), -1, ("annoyed", "hesitant"), ("Delivery fee at the last step",), ("Fee appears late", "Payment errors"), ("Discount code works",), H, ("Applies a code", "Abandons when the fee shows"), "Checks out with a discount"),
        "delivery": N(("Get it when promised",), 0, ("watchful",), ("Cheap delivery is slow",), ("No updates",), ("Tracking link",), M, ("Checks tracking",), "Parcel arrives on the day"),
        "use": N(("Make the flat look good",), 1, ("pleased",), ("Does it look like the photo?",), (), ("Good value",), L, ("Unpacks", "Posts a photo"), "Happy with the find"),
        "support": N(("Get a fast answer",), -1, ("impatient",), ("Being ignored",), ("Slow replies",), ("Chat-style email",), M, ("Emails support",), "Resolved in one reply"),
        "returns": N(("Get the money back quickly",), -2, ("frustrated", "distrustful"), ("Refund takes weeks",), ("Return postage", "Slow refund"), ("Free returns",), H, ("Returns online", "Chases the refund"), "Refund within days"),
        "loyalty": N(("Be first to hear of sales",), 0, ("opportunistic",), ("Spam",), (), ("Club codes", "Win-back code"), L, ("Opens sale newsletters", "Uses win-back code"), "Rewarded for coming back"),
        "advocacy": N(("Share a good find",), 1, ("proud of a deal",), (), (), ("Referral discount",), L, ("Shares a referral link", "Writes a short review"), "Friends get the deal too"),
        "return": N(("Come back only for a real deal",), 0, ("tempted", "wary"), ("Last refund took weeks",), ("Bad memories of a late parcel",), ("15 % win-back code",), L, ("Opens the win-back email", "Orders with the code"), "A bargain that wins them back"),
    },
    "busy-parent": {
        "awareness": N(("Solve a household need fast",), 0, ("rushed",), ("Time wasted on a new shop",), (), ("Recommendation from a friend",), L, ("Taps an Instagram ad",), "Finds a shop that has it"),
        "consideration": N(("Decide in minutes",), 0, ("focused",), ("Will it arrive in time?",), ("Delivery date not shown",), ("Express delivery",), L, ("Browses the app at 6 am or after bedtime",), "Knows it will come on time"),
        "purchase": N(("Check out in a few taps",), 0, ("efficient",), ("Checkout errors",), ("Payment failing on the phone",), ("Saved card", "Express option"), L, ("Picks express", "Pays with a saved card"), "Order placed in under two minutes"),
        "delivery": N(("Receive it on the promised day",), -1, ("anxious", "stressed"), ("Waiting in for nothing",), ("Late carriers", "No delay notice"), ("Precise delivery slot",), M, ("Plans the day around the delivery", "Chases the courier"), "Delivered on time, no chasing"),
        "use": N(("Things that survive children",), 1, ("relieved",), ("Durability",), (), ("Care tips",), L, ("Reads a quick care guide",), "Product in daily use"),
        "support": N(("One contact, problem solved",), -1, ("exasperated",), ("Repeating the story",), ("Long hold times",), ("Agent sees the order",), M, ("Calls or emails during a break",), "Fixed on first contact"),
        "returns": N(("Return without a trip to the post office",), -1, ("put out",), ("Time cost",), ("Printing labels",), ("Collection from home",), H, ("Books a return in the app",), "Easy return, quick refund"),
        "loyalty": N(("Reorder favourites quickly",), 1, ("loyal when it works",), (), ("One bad delivery",), ("Club Plus free express",), L, ("Joins Club Plus", "Reorders from the app"), "A shop they can rely on"),
        "advocacy": N(("Tell other parents what works",), 1, ("helpful",), (), (), ("School-gate recommendations",), L, ("Recommends to friends",), "Friends trust the recommendation"),
        "return": N(("Give the shop a second chance if delivery is fixed",), -1, ("doubtful",), ("Another late delivery",), ("Lost trust after a missed slot",), ("Free express on the comeback order",), L, ("Reads the win-back email", "Reorders in the app"), "Trust restored by an on-time delivery"),
    },
    "retiree": {
        "awareness": N(("Find quality that lasts",), 1, ("interested",), ("Online shops feel impersonal",), (), ("Showroom nearby",), L, ("Visits a showroom", "Reads the newsletter"), "Trusts the brand"),
        "consideration": N(("Understand the product properly",), 0, ("careful",), ("Website is fiddly",), ("Small print", "Too many steps"), ("Staff who know the products",), M, ("Asks in the showroom", "Calls to ask questions"), "Confident in the choice"),
        "purchase": N(("Order without mistakes",), -1, ("uneasy",), ("Making an error online", "Card security"), ("Complex checkout",), ("Ordering by phone",), M, ("Orders by phone with an agent",), "Order placed with help"),
        "delivery": N(("Be home when it comes",), 0, ("patient",), ("Heavy items left outside",), ("Unclear times",), ("Delivery to the door",), L, ("Waits at home",), "Delivered and placed inside"),
        "use": N(("Use and care for it properly",), 2, ("delighted", "looked after"), ("Getting care wrong",), (), ("The welcome call",), L, ("Takes the welcome call", "Follows the care tips"), "Feels looked after"),
        "support": N(("Talk to a person",), 0, ("reassured",), ("Automated replies",), ("Email only",), ("Phone line",), L, ("Calls the care line",), "Problem solved by a friendly person"),
        "returns": N(("Return without printing a label",), -1, ("confused",), ("Labels and post offices",), ("No printer",), ("Showroom returns",), M, ("Returns in the showroom", "Waits for the refund"), "Refund without hassle"),
        "loyalty": N(("Stay in touch with a trusted shop",), 1, ("loyal",), (), (), ("Newsletter with garden ideas",), L, ("Reads every newsletter",), "Keeps coming back"),
        "advocacy": N(("Recommend to friends and family",), 1, ("generous",), (), (), ("Being asked for feedback",), L, ("Answers the NPS survey", "Tells the neighbours"), "Friends shop there too"),
        "return": N(("Be remembered as a good customer",), 1, ("pleasantly surprised",), ("Impersonal marketing",), ("Code only usable online",), ("A personal note", "Phone ordering"), M, ("Reads the letter-like email", "Calls to order"), "Welcomed back like a regular"),
    },
}  # fmt: skip
