"""Customer feedback as Evidence on the map: the quotes that show what a touchpoint feels like.

A map carries a handful of observations per touchpoint, not thousands of e-mails; the rest
stays in the feedback table where the analyses read it. So each touchpoint gets its
``negative`` most negative items (the pain, in the customer's words) and its ``positive``
most positive ones, as :class:`~journeymap.model.Evidence` with the item's source, sentiment,
customer and date. The text is the stored one: redacted on import unless the workspace
keeps raw text. Evidence made here has ids starting ``feedback-`` so that it can be
refreshed without touching what people recorded by hand.
"""

from __future__ import annotations

import datetime as dt
import hashlib

import ibis

from journeymap.model import Evidence, EvidenceSource, Journey
from journeymap.model.canonical import (
    CUSTOMER_ID,
    FEEDBACK_ID,
    SENTIMENT,
    SOURCE,
    STAGE,
    TEXT,
    TOUCHPOINT,
    TS,
)

__all__ = ["FEEDBACK_EVIDENCE_PREFIX", "feedback_evidence"]

FEEDBACK_EVIDENCE_PREFIX = "feedback-"
"""Ids of evidence made from feedback start with this; hand-written evidence never should."""

_SOURCES = {
    "email": EvidenceSource.SUPPORT_MESSAGE,
    "ticket": EvidenceSource.SUPPORT_MESSAGE,
    "review": EvidenceSource.REVIEW,
    "nps": EvidenceSource.SURVEY,
    "csat": EvidenceSource.SURVEY,
    "survey": EvidenceSource.SURVEY,
}
_LONGEST = 400
"""Characters of a quote kept on the map; the full text stays in the feedback table."""


def feedback_evidence(
    feedback: ibis.Table, journey: Journey, *, negative: int = 2, positive: int = 1
) -> tuple[Evidence, ...]:
    """Quotes per touchpoint of ``journey`` from its assigned, scored feedback.

    ``feedback`` has the canonical feedback columns plus ``touchpoint``, ``stage`` and
    ``sentiment``. Items on touchpoints the journey does not have are ignored.

    >>> import datetime as dt, ibis
    >>> from journeymap.model import Journey, Stage, Touchpoint
    >>> journey = Journey(id="j", name="J", persona="p", stages=[Stage(id="ship", name="Ship",
    ...     touchpoints=[Touchpoint(id="parcel", name="Parcel")])])
    >>> rows = ibis.memtable({"feedback_id": ["m1", "m2"], "customer_id": ["c1", "c2"],
    ...     "ts": [dt.datetime(2025, 5, 1), dt.datetime(2025, 5, 2)], "source": ["email"] * 2,
    ...     "text": ["Still no parcel!", "Fine"], "touchpoint": ["parcel"] * 2,
    ...     "stage": ["ship"] * 2, "sentiment": [-0.7, 0.1]})
    >>> [(e.text, e.sentiment) for e in feedback_evidence(rows, journey)]
    [('Still no parcel!', -0.7), ('Fine', 0.1)]
    """
    if negative < 0 or positive < 0:
        raise ValueError(f"negative and positive must be 0 or more; got {negative}, {positive}")
    for column in (TOUCHPOINT, STAGE, SENTIMENT):
        if column not in feedback.columns:
            raise ValueError(f"the feedback has no {column!r} column: assign and score it first")
    touchpoints = [tp.id for _, tp in journey.touchpoints()]
    usable = feedback.filter(
        feedback[TOUCHPOINT].isin(touchpoints)
        & feedback[SENTIMENT].notnull()
        & feedback[TEXT].notnull()
    )
    worst = ibis.window(
        group_by=usable[TOUCHPOINT], order_by=[usable[SENTIMENT], usable[FEEDBACK_ID]]
    )
    best = ibis.window(
        group_by=usable[TOUCHPOINT], order_by=[ibis.desc(usable[SENTIMENT]), usable[FEEDBACK_ID]]
    )
    ranked = usable.mutate(_worst=ibis.row_number().over(worst), _best=ibis.row_number().over(best))
    chosen = ranked.filter(
        ((ranked[SENTIMENT] < 0) & (ranked["_worst"] < negative))
        | ((ranked[SENTIMENT] > 0) & (ranked["_best"] < positive))
    )
    rows = (
        chosen.select(FEEDBACK_ID, CUSTOMER_ID, TS, SOURCE, TEXT, TOUCHPOINT, STAGE, SENTIMENT)
        .to_pyarrow()
        .to_pylist()
    )
    order = {tp: index for index, tp in enumerate(touchpoints)}
    rows.sort(key=lambda row: (order[row[TOUCHPOINT]], row[SENTIMENT], row[FEEDBACK_ID]))
    return tuple(_evidence(row) for row in rows)


def _evidence(row: dict[str, object]) -> Evidence:
    text = " ".join(str(row[TEXT]).split())
    if len(text) > _LONGEST:
        text = text[: _LONGEST - 1].rstrip() + "…"
    when = row[TS]
    digest = hashlib.sha256(str(row[FEEDBACK_ID]).encode("utf-8")).hexdigest()[:12]
    return Evidence(
        id=f"{FEEDBACK_EVIDENCE_PREFIX}{digest}",
        source=_SOURCES.get(str(row[SOURCE]), EvidenceSource.SURVEY),
        text=text,
        stage=str(row[STAGE]) if row[STAGE] is not None else None,
        touchpoint=str(row[TOUCHPOINT]),
        sentiment=max(-1.0, min(1.0, float(row[SENTIMENT]))),  # type: ignore[arg-type]
        customer_id=str(row[CUSTOMER_ID]) if row[CUSTOMER_ID] is not None else None,
        recorded_on=when.date() if isinstance(when, dt.datetime) else None,
    )
