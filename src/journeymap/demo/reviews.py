"""Product reviews and NPS comments in customers' words, driven by what happened to them.

A review of a late parcel complains about the delivery, a refund that took weeks shows up
in the NPS comment, a welcome call earns praise. Sentences are drawn from small pools per
rating band and driver and joined, so thousands of texts read differently while staying
true to each customer's events.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from journeymap.demo.catalogue import PRODUCTS
from journeymap.demo.labels import FeedbackLabel, nps_label, review_label
from journeymap.demo.personas import PERSONA_IDS
from journeymap.demo.records import NpsRecords, ReviewRecords
from journeymap.demo.sampling import Floats
from journeymap.demo.simulate import ChunkResult
from journeymap.demo.tables import IdFormat
from journeymap.demo.timeline import Timeline

REVIEWS_SCHEMA = pa.schema(
    [
        pa.field("review_id", pa.string(), nullable=False),
        pa.field("customer_id", pa.string(), nullable=False),
        pa.field("order_id", pa.string(), nullable=False),
        pa.field("ts", pa.string(), nullable=False),
        pa.field("product", pa.string(), nullable=False),
        pa.field("rating", pa.int8(), nullable=False),
        pa.field("title", pa.string(), nullable=False),
        pa.field("text", pa.string(), nullable=False),
    ]
)
NPS_SCHEMA = pa.schema(
    [
        pa.field("response_id", pa.string(), nullable=False),
        pa.field("customer_id", pa.string(), nullable=False),
        pa.field("ts", pa.string(), nullable=False),
        pa.field("score", pa.int8(), nullable=False),
        pa.field("comment", pa.string()),
    ]
)

TITLES: dict[int, tuple[str, ...]] = {
    5: ("Love it", "Exactly as described", "Beautiful quality", "Better than expected", "Five stars", "Great value"),
    4: ("Very nice", "Good quality, one small niggle", "Happy with it", "Nice, if a bit pricey"),
    3: ("OK", "Does the job", "Mixed feelings", "Average"),
    2: ("Disappointed", "Not great", "Expected better"),
    1: ("Avoid", "Terrible experience", "Never again", "Very poor"),
}  # fmt: skip
LATE_TITLES = (
    "Nice product, shocking delivery",
    "Took forever to arrive",
    "Late delivery spoilt it",
)
PRODUCT_SENTENCES: dict[int, tuple[str, ...]] = {
    5: (
        "The {item} is gorgeous and feels really solid.",
        "Really pleased with the {item} – the quality is excellent for the price.",
        "Bought the {item} as a gift and it went down a treat.",
        "Second {item} I've bought, just as good as the first.",
    ),
    4: (
        "The {item} is nice quality, though a little smaller than I imagined.",
        "Good {item}, does exactly what it should.",
        "Lovely {item}; the colour is slightly darker than on the website.",
    ),
    3: (
        "The {item} is fine, nothing special.",
        "It's OK, but the {item} looks a bit different from the photos.",
        "Does the job. I expected the {item} to feel a bit sturdier.",
    ),
    2: (
        "The {item} feels cheaper than the price suggests.",
        "Not what I expected from the pictures.",
        "The {item} had a scratch on it when it arrived.",
    ),
    1: (
        "The {item} arrived damaged and looks nothing like the photos.",
        "Poor quality, the {item} started falling apart within a week.",
        "Honestly the worst {item} I've owned.",
    ),
}
LATE_SENTENCES = (
    "Delivery was days late and nobody told me why.",
    "The courier missed the delivery date twice.",
    "It arrived well after the promised date, which was annoying as it was for a birthday.",
    "I had to chase customer service to find out where it was.",
)
ON_TIME_SENTENCES = ("Arrived on time and well packed.", "Quick delivery too.", "")
LATE_BUT_FINE = (
    "It came a few days late, but it was worth the wait.",
    "Delivery was slower than promised; otherwise great.",
)
RETURN_BUT_FINE = (
    "Had to send one back and the refund took a while, but I'm happy with this one.",
    "",
)
RETURN_SENTENCES = (
    "I sent it back and I'm still waiting for my refund.",
    "Returned it – the returns process was a real hassle.",
)
CLOSINGS: dict[int, tuple[str, ...]] = {
    5: ("Would recommend.", "Will be ordering more.", ""),
    4: ("Would buy again.", ""),
    3: ("", "Might try something else next time."),
    2: ("Wouldn't recommend.", ""),
    1: ("Won't be ordering again.", "Save your money."),
}

NPS_DRIVERS: dict[str, tuple[str, ...]] = {
    "slow_refund": (
        "Took nearly three weeks to get my refund after a return. Not acceptable.",
        "Returns are a nightmare, I had to chase my refund several times.",
        "Fine until I needed a refund – then nobody seemed to care.",
    ),
    "late": (
        "Delivery was late and the courier gave no updates.",
        "My order arrived days after the promised date.",
        "Products are nice but I can't rely on the delivery dates.",
    ),
    "confirmation_missing": (
        "Never received an order confirmation, had to call to check the order existed.",
        "No confirmation email, I wasn't sure I'd been charged properly.",
    ),
    "welcome_call": (
        "Someone actually called to check I was happy with my order – brilliant service!",
        "Loved the welcome call, the care tips were really useful.",
        "The phone call after my first order was such a nice surprise.",
    ),
    "returned": (
        "Had to return something; it was OK but took longer than I'd like.",
        "Return label was hard to find.",
    ),
}
NPS_BANDS: dict[str, tuple[str, ...]] = {
    "promoter": ("Great products and an easy website.", "Lovely quality at fair prices.", "Always a pleasure to order from you."),
    "passive": ("Good, but delivery costs are a bit high.", "Fine. The website could be easier to use.", "Nice things, slightly pricey."),
    "detractor": ("Prices have gone up a lot.", "Products were not as pictured.", "Customer service took ages to reply."),
}  # fmt: skip
PERSONA_ASIDES: dict[str, tuple[str, ...]] = {
    "bargain-hunter": ("Would love more discount codes.", "Keep the sales coming!", ""),
    "busy-parent": ("With two kids, fast delivery is what matters to me.", "The app makes reordering quick.", ""),
    "retiree": ("The lady on the phone was very patient with me.", "I prefer ordering by phone.", ""),
}  # fmt: skip
NPS_COMMENT_SHARE = 0.7


def _pick(options: tuple[str, ...], draw: float) -> str:
    return options[min(int(draw * len(options)), len(options) - 1)]


def iso_times(timeline: Timeline, seconds: Floats) -> list[str]:
    """``2025-03-14T10:22:05Z`` for each moment, vectorised through numpy datetimes."""
    epoch = np.datetime64(timeline.start, "s")
    moments = epoch + seconds.astype(np.int64).astype("timedelta64[s]")
    return [f"{text}Z" for text in np.datetime_as_string(moments, unit="s").tolist()]


def reviews_table(
    result: ChunkResult,
    timeline: Timeline,
    ids: IdFormat,
    rng: np.random.Generator,
    labels: list[FeedbackLabel] | None = None,
) -> pa.Table:
    """The chunk's product reviews, one row per reviewed order; their truths go to ``labels``."""
    reviews: ReviewRecords = result.reviews
    draws = rng.random((len(reviews), 6))
    first = result.people.first_number
    ids_, customers, orders, titles, texts = [], [], [], [], []
    for row in range(len(reviews)):
        number = first + int(reviews.customer[row])
        order = int(reviews.order[row]) % 100
        rating = int(reviews.rating[row])
        late, returned = bool(reviews.late[row]), bool(reviews.returned[row])
        name = PRODUCTS.values[int(reviews.product[row])]
        item = name[0].lower() + name[1:]
        draw = draws[row]
        happy = rating >= 4
        late_title = late and not happy and draw[5] < 0.6
        title = _pick(LATE_TITLES if late_title else TITLES[rating], draw[0])
        delivery = (LATE_BUT_FINE if happy else LATE_SENTENCES) if late else ON_TIME_SENTENCES
        returns = (RETURN_BUT_FINE if happy else RETURN_SENTENCES) if returned else ("",)
        returns_sentence = _pick(returns, draw[3])
        sentences = [
            _pick(PRODUCT_SENTENCES[rating], draw[1]).format(item=item),
            _pick(delivery, draw[2]),
            returns_sentence,
            "" if happy and (late or returned) else _pick(CLOSINGS[rating], draw[4]),
        ]
        ids_.append(f"RV-{number:0{ids.customer_digits}d}-{order:02d}")
        if labels is not None:
            labels.append(
                review_label(
                    ids_[-1], rating=rating, late=late, returned=returned,
                    refund_sentence="refund" in returns_sentence,
                )
            )  # fmt: skip
        customers.append(ids.customer_text(number))
        orders.append(ids.order_text(number, order))
        titles.append(title)
        texts.append(" ".join(s for s in sentences if s))
    columns = [
        pa.array(ids_, pa.string()),
        pa.array(customers, pa.string()),
        pa.array(orders, pa.string()),
        pa.array(iso_times(timeline, reviews.seconds), pa.string()),
        pa.array([PRODUCTS.values[p] for p in reviews.product.tolist()], pa.string()),
        pa.array(reviews.rating.astype(np.int8), pa.int8()),
        pa.array(titles, pa.string()),
        pa.array(texts, pa.string()),
    ]
    return pa.Table.from_arrays(columns, schema=REVIEWS_SCHEMA)


def nps_table(
    result: ChunkResult,
    timeline: Timeline,
    ids: IdFormat,
    rng: np.random.Generator,
    labels: list[FeedbackLabel] | None = None,
) -> pa.Table:
    """The chunk's NPS answers; most carry a comment about what mattered to that customer.

    The truth about each comment goes to ``labels`` (answers without one have none).
    """
    nps: NpsRecords = result.nps
    draws = rng.random((len(nps), 4))
    first = result.people.first_number
    response_ids: list[str] = []
    customers: list[str] = []
    comments: list[str | None] = []
    for row in range(len(nps)):
        local = int(nps.customer[row])
        number = first + local
        draw = draws[row]
        response_ids.append(f"NPS-{number:0{ids.customer_digits}d}")
        customers.append(ids.customer_text(number))
        if draw[0] >= NPS_COMMENT_SHARE:
            comments.append(None)
            continue
        score = int(nps.score[row])
        driver = _driver(nps, row, score)
        band = "promoter" if score >= 9 else "passive" if score >= 7 else "detractor"
        persona = PERSONA_IDS[int(result.people.persona[local])]
        parts = [
            _pick(NPS_DRIVERS[driver], draw[1]) if driver else _pick(NPS_BANDS[band], draw[1]),
            _pick(PERSONA_ASIDES[persona], draw[2]) if draw[3] < 0.3 else "",
        ]
        comment = " ".join(p for p in parts if p)
        comments.append(comment)
        if labels is not None:
            labels.append(nps_label(response_ids[-1], driver=driver, band=band, comment=comment))
    columns = [
        pa.array(response_ids, pa.string()),
        pa.array(customers, pa.string()),
        pa.array(iso_times(timeline, nps.seconds), pa.string()),
        pa.array(nps.score.astype(np.int8), pa.int8()),
        pa.array(comments, pa.string()),
    ]
    return pa.Table.from_arrays(columns, schema=NPS_SCHEMA)


def _driver(nps: NpsRecords, row: int, score: int) -> str:
    """The experience that most shaped this answer, as the comment will mention it."""
    if nps.slow_refund[row]:
        return "slow_refund"
    if nps.late[row]:
        return "late"
    if nps.confirmation_missing[row]:
        return "confirmation_missing"
    if nps.welcome_call[row] and score >= 8:
        return "welcome_call"
    if nps.returned[row]:
        return "returned"
    return ""
