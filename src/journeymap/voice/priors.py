"""The evidence beside an item's words: what the customer was living when they wrote, and
the map's keywords.

Both are priors for :mod:`journeymap.voice.assignment`, one score per item and touchpoint.
The customers' events (matched to the map) say three different things about an item, so
:func:`context_weights` keeps them apart:

- **where it was given**: an event within ``given_within`` before the item is the item
  itself arriving (a review's ``review_submitted``, an e-mail's ``support_email``); an item
  whose words name no touchpoint is about that one. Only touchpoints where feedback is
  given count: at least :data:`CHANNEL_SHARE` of the items arrived there. In a large
  workspace some customer opens the app a minute before writing an e-mail, and the app is
  not where their e-mail was given;
- **what the customer had just lived**: the touchpoints passed before that, in the window,
  weighted by recency (halving every ``half_life_hours``);
- **what the customer was waiting for**: the touchpoints that usually come next after the
  last one they passed (the directly-follows graph of everyone's touchpoints,
  :func:`next_touchpoints`) and that they had not reached yet. "My order still hasn't
  turned up" is written after the dispatch e-mail and before the delivery, about the
  delivery.

:func:`recent_touchpoints` and :func:`next_touchpoints` run in the engine; only one row per
item and touchpoint, and one per pair of touchpoints, come out.
:func:`keyword_matches` scores the map's ``keywords`` found in the text by their rarity.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final

import ibis
import numpy as np
import numpy.typing as npt
import pyarrow as pa

from journeymap.analytics.dfg import directly_follows
from journeymap.model.canonical import CUSTOMER_ID, FEEDBACK_ID, TOUCHPOINT, TS
from journeymap.voice.profiles import TouchpointProfile

HOURS_BEFORE: Final = "hours_before"
DEFAULT_WINDOW: Final = dt.timedelta(days=14)
DEFAULT_GIVEN_WITHIN: Final = dt.timedelta(minutes=5)
CHANNEL_SHARE: Final = 0.01
"""Least share of the items given at a touchpoint for it to be a place feedback is given
(on the demo: reviews, the NPS survey and the support inbox hold thousands of items each;
a coincidence, an event a minute before an item, holds a handful)."""
Weights = npt.NDArray[np.float32]


def recent_touchpoints(
    feedback: ibis.Table,
    touchpoint_events: ibis.Table,
    *,
    window: dt.timedelta = DEFAULT_WINDOW,
) -> ibis.Table:
    """Per item and touchpoint, how many hours before writing the customer last passed it.

    ``touchpoint_events`` are events matched to the map (``match_touchpoints``); events up
    to the item's time and within ``window`` before it count (one at the very time is where
    the item was given). Columns: ``feedback_id``, ``touchpoint``, ``hours_before``; runs in
    the engine, one join on the customer.
    """
    items = feedback.select(
        feedback[FEEDBACK_ID], feedback[CUSTOMER_ID].name("_item_customer"),
        feedback[TS].name("_item_ts"),
    )  # fmt: skip
    matched = touchpoint_events.filter(touchpoint_events[TOUCHPOINT].notnull())
    events = matched.select(
        matched[CUSTOMER_ID].name("_event_customer"), matched[TS].name("_event_ts"),
        matched[TOUCHPOINT],
    )  # fmt: skip
    seconds = int(window.total_seconds())
    joined = items.join(
        events,
        [
            items["_item_customer"] == events["_event_customer"],
            events["_event_ts"] <= items["_item_ts"],
            events["_event_ts"] >= items["_item_ts"] - ibis.interval(seconds=seconds),
        ],
    )
    latest = joined.group_by([FEEDBACK_ID, TOUCHPOINT]).agg(
        _item=joined["_item_ts"].max(), _event=joined["_event_ts"].max()
    )
    hours = (latest["_item"].epoch_seconds() - latest["_event"].epoch_seconds()) / 3600.0
    return latest.select(FEEDBACK_ID, TOUCHPOINT, hours.cast("float64").name(HOURS_BEFORE))


def next_touchpoints(touchpoint_events: ibis.Table) -> dict[str, dict[str, float]]:
    """Per touchpoint, the share of customers' next (other) touchpoints after it.

    From the directly-follows graph of the events matched to the map: repeats of the same
    touchpoint are skipped, so after ``delivery-updates`` (dispatch, then a delay notice)
    comes ``home-delivery``, not ``delivery-updates`` again.

    >>> import datetime as dt, ibis
    >>> events = ibis.memtable({"customer_id": ["a", "a", "a", "b", "b"],
    ...     "ts": [dt.datetime(2025, 1, d, tzinfo=dt.UTC) for d in (1, 2, 3, 1, 2)],
    ...     "touchpoint": ["ship", "ship", "deliver", "ship", "support"]})
    >>> next_touchpoints(events)
    {'ship': {'deliver': 0.5, 'support': 0.5}}
    """
    graph = directly_follows(
        touchpoint_events.filter(touchpoint_events[TOUCHPOINT].notnull()), activity=TOUCHPOINT
    )
    counts: dict[str, dict[str, int]] = {}
    for edge in graph.edges:
        if edge.source != edge.target:
            counts.setdefault(edge.source, {})[edge.target] = edge.frequency
    return {
        source: {target: count / sum(targets.values()) for target, count in targets.items()}
        for source, targets in counts.items()
    }


@dataclass(frozen=True)
class CustomerContext:
    """What the customers had lived around their feedback: the input of :func:`context_weights`.

    ``recent`` holds :func:`recent_touchpoints`' rows (as Arrow); ``next_shares`` is
    :func:`next_touchpoints` (empty: waiting for nothing).
    """

    recent: pa.Table
    next_shares: Mapping[str, Mapping[str, float]] = field(default_factory=dict)


def customer_context(
    feedback: ibis.Table,
    touchpoint_events: ibis.Table,
    *,
    window: dt.timedelta = DEFAULT_WINDOW,
) -> CustomerContext:
    """The recent touchpoints of every item's customer and what usually follows each
    touchpoint: two queries in the engine, small results."""
    recent = recent_touchpoints(feedback, touchpoint_events, window=window).to_pyarrow()
    return CustomerContext(recent, next_touchpoints(touchpoint_events))


@dataclass(frozen=True)
class ContextWeights:
    """(items, touchpoints) matrices: where each item was given, what its customer had just
    lived (recency weights in [0, 1]) and what they were waiting for (shares in [0, 1])."""

    given: npt.NDArray[np.bool_]
    lived: Weights
    waiting: Weights

    @property
    def last_lived(self) -> npt.NDArray[np.int64]:
        """Per item, the column of the touchpoint passed last before writing (-1: none)."""
        return _last(self.lived)


def context_weights(
    ids: Sequence[str],
    profiles: Sequence[TouchpointProfile],
    context: CustomerContext | None,
    *,
    half_life_hours: float,
    given_within: dt.timedelta = DEFAULT_GIVEN_WITHIN,
) -> ContextWeights:
    """The three kinds of context of every item (see the module docstring)."""
    shape = (len(ids), len(profiles))
    given = np.zeros(shape, dtype=np.bool_)
    hours = np.full(shape, np.inf)
    if context is not None and context.recent.num_rows:
        row_of = {item: row for row, item in enumerate(ids)}
        column_of = {p.touchpoint: column for column, p in enumerate(profiles)}
        at_item = given_within.total_seconds() / 3600.0
        recent = context.recent
        for item, touchpoint, before in zip(
            recent.column(FEEDBACK_ID).to_pylist(),
            recent.column(TOUCHPOINT).to_pylist(),
            recent.column(HOURS_BEFORE).to_pylist(),
            strict=True,
        ):
            row, column = row_of.get(item), column_of.get(touchpoint)
            if row is None or column is None:
                continue
            if before <= at_item:
                given[row, column] = True
            else:
                hours[row, column] = min(hours[row, column], before)
    coincidences = given & (given.sum(axis=0) < CHANNEL_SHARE * len(ids))[None, :]
    given &= ~coincidences
    hours[coincidences] = 0.0  # lived at the very time of writing
    passed = np.isfinite(hours)
    lived = np.where(passed, 0.5 ** (np.where(passed, hours, 0.0) / half_life_hours), 0.0)
    lived = lived.astype(np.float32)
    waiting = np.zeros(shape, dtype=np.float32)
    if context is not None and context.next_shares:
        follows = _follows(profiles, context.next_shares)
        last = _last(lived)
        waiting[last >= 0] = follows[last[last >= 0]]
        waiting[passed | given] = 0.0  # reached already: not waited for
    return ContextWeights(given, lived, waiting)


def _last(lived: Weights) -> npt.NDArray[np.int64]:
    if lived.shape[1] == 0:
        return np.full(lived.shape[0], -1, dtype=np.int64)
    last = lived.argmax(axis=1)
    found: npt.NDArray[np.int64] = np.where(lived[np.arange(len(last)), last] > 0, last, -1)
    return found.astype(np.int64)


def _follows(
    profiles: Sequence[TouchpointProfile], next_shares: Mapping[str, Mapping[str, float]]
) -> Weights:
    """(touchpoints, touchpoints): the share of customers going on from row to column."""
    names = [p.touchpoint for p in profiles]
    matrix = np.zeros((len(names), len(names)), dtype=np.float32)
    for row, source in enumerate(names):
        shares = next_shares.get(source, {})
        for column, target in enumerate(names):
            matrix[row, column] = shares.get(target, 0.0)
    return matrix


def keyword_matches(
    texts: Sequence[str], profiles: Sequence[TouchpointProfile]
) -> npt.NDArray[np.float32]:
    """(items, touchpoints): the rarest matching keyword's IDF, scaled to [0, 1], or 0.

    A keyword matches when each of its words starts a word of the text ("call" in
    "called"); IDF is ``log(items / items matching)`` over these items, divided by
    ``log(items)``, so a keyword in one item scores 1 and one in every item 0.
    """
    matrix = np.zeros((len(texts), len(profiles)), dtype=np.float32)
    if len(texts) < 2:
        return matrix
    texts_words = [frozenset(_WORD.findall(text.lower())) for text in texts]
    scale = math.log(len(texts))
    for column, profile in enumerate(profiles):
        for keyword in profile.keywords:
            parts = _WORD.findall(keyword.lower())
            if not parts:
                continue
            hits = np.array([_mentions(words, parts) for words in texts_words], dtype=bool)
            count = int(hits.sum())
            if count:
                rarity = math.log(len(texts) / count) / scale
                matrix[hits, column] = np.maximum(matrix[hits, column], rarity)
    return matrix


_WORD = re.compile(r"[^\W\d_]+")


def _mentions(words: frozenset[str], parts: list[str]) -> bool:
    return all(any(word.startswith(part) for word in words) for part in parts)
