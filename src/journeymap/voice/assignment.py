"""Which touchpoint (and so which stage) each piece of feedback is about.

Four kinds of evidence, in order of authority:

1. **A human override** (feedback id -> touchpoint id) always wins. Overrides are data
   handed in; where they are kept is the service's business.
2. **The words.** Each touchpoint is described by its name, description and keywords
   (:func:`touchpoint_profiles`); item and touchpoint texts become unit vectors (an
   :class:`~journeymap.voice.embeddings.Encoder`) whose cosine similarity says how well the
   item fits the touchpoint. The map describes touchpoints in the company's words and
   customers use their own, so where a team has given **examples** (the overridden items)
   each touchpoint's vector becomes its description plus ``example_weight`` times the mean
   of its examples: a few per touchpoint lift accuracy a lot (benchmarks/README.md).
   Without examples the model teaches itself, like k-means started from the map: for
   ``rounds`` rounds each touchpoint's vector moves to its description plus the mean of
   the items it won with at least ``seed_confidence``, that mean weighing ``n / (n +
   seed_prior)`` for ``n`` items — except the touchpoints where feedback is *given* (the
   review, the survey, the support inbox; see :mod:`journeymap.voice.priors`). Items about
   those name no touchpoint, so they would teach generic praise and complaint; on the demo
   "would recommend" reviews made the NPS survey's vector a review's, and it then drew every
   review. With those left to their descriptions, the late-delivery e-mails that the
   context assigns teach *home delivery* how customers say "late", and the reviews and NPS
   comments that say it follow.
3. **The map's keywords**, which exist to tie feedback to touchpoints: a touchpoint whose
   keyword occurs in the text (each word of it as the start of a word of the text, so
   "call" finds "called") gains ``keyword_weight`` times the keyword's rarity among the
   items (its IDF scaled to [0, 1]), so "order", in nearly every e-mail, counts for little.
4. **What the customer was living** (:mod:`journeymap.voice.priors`, from their events
   matched to the map), three things kept apart:

   - *where the item was given*: an event within ``given_within`` before the item (a
     review's ``review_submitted``, an e-mail's ``support_email``). An item whose words name
     no touchpoint ("Lovely quality at fair prices") is about that one, so it takes the
     probability of "none of them";
   - *what they had just lived*: a touchpoint passed ``h`` hours before that (in the
     ``window``) gains ``context_boost * 0.5 ** (h / half_life_hours)``;
   - *what they were waiting for*: a touchpoint that usually follows the last one they
     passed (its share among everyone's next touchpoints) and that they had not reached
     gains ``waiting_boost`` times that share. "Still hasn't turned up" is written after
     the dispatch e-mail, about the delivery that has not happened.

   The boosts are small next to clear words.

The scores, beside a "none of them" score of ``floor``, become probabilities by a softmax
with ``temperature``; the probability of "none" goes to the touchpoint where the item was
given, if any. The messages of one **thread** (an e-mail conversation) are about one case,
so their probabilities are averaged, each message weighted by its own confidence: "I'd like
a full refund" in reply to a late parcel is about the parcel, and a bare "Thanks!" changes
nothing. The **confidence** is the winner's probability; on the demo it is roughly
calibrated up to 0.8 (items at 0.6-0.7 are right three times in four, at 0.7-0.8 86 %) and
over-confident above 0.9 (87 %; benchmarks/README.md).
An item stays **unassigned** rather than guessed when "none" wins without a place it was
given, or the confidence is below ``threshold`` — unless another item of its thread is
assigned (an override): then it follows that one (``assigned_by`` thread).

>>> from journeymap.model import Journey, Stage, Touchpoint
>>> from journeymap.voice.embeddings import HashingEncoder
>>> journey = Journey(id="j", name="J", persona="p", stages=[Stage(id="after", name="After",
...     touchpoints=[Touchpoint(id="delivery", name="Delivery", keywords=["parcel", "late"]),
...                  Touchpoint(id="refund", name="Refund", keywords=["money back"])])])
>>> feedback = ibis.memtable({"feedback_id": ["m1", "m2"], "customer_id": ["a", "b"],
...     "subject": [None, None], "text": ["My parcel is late", "I want my money back"]})
>>> found = assign_touchpoints(feedback, journey, encoder=HashingEncoder())
>>> [(r["feedback_id"], r["touchpoint"]) for r in found.rows()]
[('m1', 'delivery'), ('m2', 'refund')]
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

import ibis
import numpy as np
import numpy.typing as npt
import pyarrow as pa

from journeymap.model import Journey
from journeymap.model.canonical import (
    FEEDBACK_ID,
    STAGE,
    SUBJECT,
    TEXT,
    THREAD_ID,
    TOUCHPOINT,
)
from journeymap.voice.embeddings import (
    Encoder,
    ItemEmbeddings,
    Vectors,
    embed_texts,
    normalised,
)
from journeymap.voice.priors import (
    DEFAULT_GIVEN_WITHIN,
    DEFAULT_WINDOW,
    ContextWeights,
    CustomerContext,
    context_weights,
    customer_context,
    keyword_matches,
)
from journeymap.voice.profiles import (
    TouchpointProfile,
    encode_profiles,
    touchpoint_profiles,
)
from journeymap.voice.sentiment import item_text

CONFIDENCE: Final = "confidence"
BEST_TOUCHPOINT: Final = "best_touchpoint"
SIMILARITY: Final = "similarity"
CONTEXT_TOUCHPOINT: Final = "context_touchpoint"
ASSIGNED_BY: Final = "assigned_by"


@dataclass(frozen=True)
class AssignmentSettings:
    """How feedback is assigned to touchpoints (see the module docstring for each knob)."""

    threshold: float = 0.7
    """Least confidence for the model's verdict to stand. Confidences are roughly calibrated
    (benchmarks/README.md), so 0.7 keeps items right at least about seven times in ten,
    and on average more than eight in ten."""
    temperature: float = 0.05
    floor: float = 0.4
    """The score of "none of them": an item must fit a touchpoint better to be assigned
    anywhere but where it was given."""
    keyword_weight: float = 0.2
    context_boost: float = 0.1
    """For a touchpoint just lived (passed at the item's time: ``context_boost``)."""
    waiting_boost: float = 0.2
    """For a touchpoint waited for, times the share of customers going on to it."""
    half_life_hours: float = 72.0
    window: dt.timedelta = DEFAULT_WINDOW
    given_within: dt.timedelta = DEFAULT_GIVEN_WITHIN
    """An event this long before an item (or less) is where the item was given."""
    rounds: int = 3
    """Rounds of self-training; they run only when no examples (overrides) are given."""
    seed_confidence: float = 0.9
    seed_prior: float = 30.0
    """How many won items count as much as the description (see ``_learnt``)."""
    example_weight: float = 3.0

    def __post_init__(self) -> None:
        if not 0.0 <= self.threshold <= 1.0:
            raise ValueError(f"threshold is a probability between 0 and 1; got {self.threshold}")
        if self.temperature <= 0 or self.half_life_hours <= 0:
            raise ValueError("temperature and half_life_hours must be positive")
        if self.rounds < 0:
            raise ValueError(f"rounds must be at least 0; got {self.rounds}")

    def model_key(self) -> str:
        """The settings that change the model's verdicts (the threshold does not)."""
        return (
            f"t{self.temperature}-f{self.floor}-k{self.keyword_weight}-c{self.context_boost}"
            f"-n{self.waiting_boost}-h{self.half_life_hours}-w{self.window.total_seconds():.0f}"
            f"-g{self.given_within.total_seconds():.0f}-r{self.rounds}"
            f"-s{self.seed_confidence}-p{self.seed_prior}-e{self.example_weight}"
        )


MODEL_SCHEMA: Final = pa.schema(
    [
        pa.field(FEEDBACK_ID, pa.string()),
        pa.field(BEST_TOUCHPOINT, pa.string()),
        pa.field(CONFIDENCE, pa.float64()),
        pa.field(SIMILARITY, pa.float64()),
        pa.field(CONTEXT_TOUCHPOINT, pa.string()),
    ]
)
"""What the model says per item, before threshold and overrides.

``best_touchpoint`` is the touchpoint with the highest probability and ``confidence`` that
probability (low where "none of them" is likelier and the item was given nowhere known);
``similarity`` is the item's cosine similarity to its (learnt) vector; ``context_touchpoint``
the touchpoint the customer passed last before writing (not the one where they wrote)."""


def model_assignment(
    items: ItemEmbeddings,
    texts: Sequence[str],
    profiles: Sequence[TouchpointProfile],
    touchpoint_vectors: Vectors,
    *,
    context: CustomerContext | None = None,
    examples: Mapping[str, str] | None = None,
    threads: Mapping[str, str | None] | None = None,
    settings: AssignmentSettings = AssignmentSettings(),
) -> pa.Table:
    """The best touchpoint of every item with its confidence (:data:`MODEL_SCHEMA`).

    ``texts`` are the items' texts (for keywords), in the order of ``items``; ``context``
    is :func:`~journeymap.voice.priors.customer_context`'s result, or ``None`` (words only);
    ``examples`` maps feedback ids (among ``items``) to the touchpoint a person said they
    are about; ``threads`` maps feedback ids to thread ids (messages of a thread are decided
    together). All items are scored together: the touchpoints' vectors learn from the
    examples.
    """
    if not profiles:
        raise ValueError("the journey has no touchpoints to assign feedback to")
    if len(texts) != len(items):
        raise ValueError(f"{len(texts)} texts for {len(items)} items")
    described = np.asarray(touchpoint_vectors, dtype=np.float32)
    vectors = items.vectors if len(items) else np.zeros((0, described.shape[1]), np.float32)
    lived = context_weights(items.ids, profiles, context, half_life_hours=settings.half_life_hours,
                            given_within=settings.given_within)  # fmt: skip
    prior = (
        settings.context_boost * lived.lived
        + settings.waiting_boost * lived.waiting
        + settings.keyword_weight * keyword_matches(texts, profiles)
    )
    taught = _examples(items.ids, profiles, examples or {})
    prototypes = _learnt(described, vectors, taught, settings)
    rounds = 0 if taught.any() else settings.rounds
    for round_ in range(rounds + 1):
        similarity = vectors @ prototypes.T
        probabilities = _probabilities(similarity + prior, lived, settings)
        if round_ < rounds:
            prototypes = _learnt(described, vectors, _seeds(probabilities, lived, settings),
                                 settings, examples=False)  # fmt: skip
    if threads:
        probabilities = _pooled(items.ids, probabilities, threads)
    best = probabilities.argmax(axis=1)
    rows = np.arange(len(items))
    confidence = probabilities[rows, best]
    touchpoints = [p.touchpoint for p in profiles]
    last = lived.last_lived
    return pa.Table.from_arrays(
        [
            pa.array(items.ids, pa.string()),
            pa.array([touchpoints[i] for i in best], pa.string()),
            pa.array(confidence.astype(np.float64), pa.float64()),
            pa.array(similarity[rows, best].astype(np.float64), pa.float64()),
            pa.array([touchpoints[n] if n >= 0 else None for n in last], pa.string()),
        ],
        schema=MODEL_SCHEMA,
    )


def _probabilities(
    scores: npt.NDArray[np.float32], context: ContextWeights, settings: AssignmentSettings
) -> npt.NDArray[np.float64]:
    """Probabilities over the touchpoints: a softmax beside "none of them" at ``floor``,
    whose probability goes to the touchpoint where the item was given (shared if several)."""
    with_none = np.concatenate(
        [scores.astype(np.float64), np.full((scores.shape[0], 1), settings.floor)], axis=1
    )
    logits = (with_none - with_none.max(axis=1, keepdims=True)) / settings.temperature
    weights = np.exp(logits)
    weights /= weights.sum(axis=1, keepdims=True)
    result: npt.NDArray[np.float64] = weights[:, :-1]
    places = context.given.sum(axis=1, keepdims=True)
    result += weights[:, -1:] * np.divide(
        context.given, places, out=np.zeros(result.shape), where=places > 0
    )
    return result


def _seeds(
    probabilities: npt.NDArray[np.float64], context: ContextWeights, settings: AssignmentSettings
) -> npt.NDArray[np.bool_]:
    """(items, touchpoints): the items each touchpoint wins with ``seed_confidence``, except
    for the touchpoints where feedback is given (see the module docstring)."""
    best = probabilities.argmax(axis=1)
    sure = probabilities[np.arange(len(best)), best] >= settings.seed_confidence
    won = (best[:, None] == np.arange(probabilities.shape[1])[None, :]) & sure[:, None]
    channels: npt.NDArray[np.bool_] = np.asarray(context.given.any(axis=0), dtype=np.bool_)
    seeds: npt.NDArray[np.bool_] = won & ~channels[None, :]
    return seeds


def _pooled(
    ids: Sequence[str], probabilities: npt.NDArray[np.float64], threads: Mapping[str, str | None]
) -> npt.NDArray[np.float64]:
    """Each message's probabilities replaced by its thread's: the mean over the thread's
    messages weighted by how sure each is, so a bare "Thanks!" leaves the case as it was."""
    members: dict[str, list[int]] = {}
    for row, item in enumerate(ids):
        thread = threads.get(item)
        if thread is not None:
            members.setdefault(thread, []).append(row)
    pooled = probabilities.copy()
    for rows in members.values():
        if len(rows) > 1:
            sure = probabilities[rows].max(axis=1, keepdims=True)
            if sure.sum() > 0:
                pooled[rows] = (sure * probabilities[rows]).sum(axis=0) / sure.sum()
    return pooled


def _examples(
    ids: Sequence[str], profiles: Sequence[TouchpointProfile], examples: Mapping[str, str]
) -> npt.NDArray[np.bool_]:
    """(items, touchpoints): true where a person said the item is about the touchpoint."""
    matrix = np.zeros((len(ids), len(profiles)), dtype=np.bool_)
    column_of = {p.touchpoint: column for column, p in enumerate(profiles)}
    for row, item in enumerate(ids):
        column = column_of.get(examples.get(item, ""))
        if column is not None:
            matrix[row, column] = True
    return matrix


def _learnt(
    described: Vectors,
    vectors: Vectors,
    members: npt.NDArray[np.bool_],
    settings: AssignmentSettings,
    *,
    examples: bool = True,
) -> Vectors:
    """Each touchpoint's description moved towards the mean of its member items.

    Examples weigh ``example_weight``. Items the model won weigh ``n / (n + seed_prior)``
    for ``n`` of them: the mean of a handful says little, and one item a touchpoint won by
    a whisker must not turn it into a magnet for everything worded like that item.
    """
    learnt = described.copy()
    for column in range(described.shape[0]):
        rows = members[:, column]
        count = int(rows.sum())
        if count:
            weight = settings.example_weight if examples else count / (count + settings.seed_prior)
            learnt[column] = described[column] + weight * vectors[rows].mean(axis=0)
    return normalised(learnt)


ASSIGNMENTS_SCHEMA: Final = pa.schema(
    [
        pa.field(FEEDBACK_ID, pa.string()),
        pa.field(TOUCHPOINT, pa.string()),
        pa.field(STAGE, pa.string()),
        pa.field(CONFIDENCE, pa.float64()),
        pa.field(ASSIGNED_BY, pa.string()),
        pa.field(BEST_TOUCHPOINT, pa.string()),
        pa.field(CONTEXT_TOUCHPOINT, pa.string()),
    ]
)


@dataclass(frozen=True)
class Assignments:
    """Each item's touchpoint and stage (null when unassigned) with how it was decided.

    ``assigned_by`` is ``override``, ``model``, ``thread`` or null (unassigned);
    ``best_touchpoint`` is the model's top guess even below the threshold, for people
    reviewing what stayed unassigned.
    """

    table: pa.Table
    threshold: float

    def rows(self) -> list[dict[str, Any]]:
        """One dict per item."""
        rows: list[dict[str, Any]] = self.table.to_pylist()
        return rows

    def to_arrow(self) -> pa.Table:
        """The assignments as an Arrow table (:data:`ASSIGNMENTS_SCHEMA`)."""
        return self.table

    def __len__(self) -> int:
        return int(self.table.num_rows)

    @property
    def assigned(self) -> int:
        """How many items have a touchpoint."""
        return int(self.table.num_rows - self.table.column(TOUCHPOINT).null_count)

    @property
    def coverage(self) -> float:
        """The share of items assigned to a touchpoint."""
        return self.assigned / len(self) if len(self) else 0.0


def final_assignment(
    model: pa.Table,
    journey: Journey,
    *,
    threshold: float = AssignmentSettings.threshold,
    overrides: Mapping[str, str] | None = None,
    threads: Mapping[str, str | None] | None = None,
) -> Assignments:
    """The model's verdicts (:data:`MODEL_SCHEMA`) with threshold, threads and overrides.

    ``overrides`` maps feedback ids to touchpoint ids of ``journey`` (an unknown touchpoint
    is a ``ValueError``); ``threads`` maps feedback ids to thread ids. Cheap: run it on
    every request, so a new override or threshold needs no new embeddings.
    """
    if not 0.0 <= threshold <= 1.0:
        raise ValueError(f"threshold is a probability between 0 and 1; got {threshold}")
    stage_of = {touchpoint.id: stage.id for stage, touchpoint in journey.touchpoints()}
    chosen = dict(overrides or {})
    unknown = sorted({t for t in chosen.values() if t not in stage_of})
    if unknown:
        raise ValueError(
            f"override to unknown touchpoint(s) {', '.join(map(repr, unknown))} of journey "
            f"{journey.id!r}; its touchpoints are: {', '.join(stage_of)}"
        )
    ids: list[str] = model.column(FEEDBACK_ID).to_pylist()
    best: list[str | None] = model.column(BEST_TOUCHPOINT).to_pylist()
    confidence: list[float] = model.column(CONFIDENCE).to_pylist()
    touchpoint: list[str | None] = []
    by: list[str | None] = []
    for item, guess, sure in zip(ids, best, confidence, strict=True):
        if item in chosen:
            touchpoint.append(chosen[item])
            by.append("override")
        elif guess is not None and sure >= threshold:
            touchpoint.append(guess)
            by.append("model")
        else:
            touchpoint.append(None)
            by.append(None)
    if threads:
        _follow_threads(ids, confidence, touchpoint, by, threads)
    table = pa.Table.from_arrays(
        [
            pa.array(ids, pa.string()),
            pa.array(touchpoint, pa.string()),
            pa.array([stage_of.get(t) if t else None for t in touchpoint], pa.string()),
            pa.array([1.0 if b == "override" else c for b, c in zip(by, confidence, strict=True)],
                     pa.float64()),
            pa.array(by, pa.string()),
            model.column(BEST_TOUCHPOINT),
            model.column(CONTEXT_TOUCHPOINT),
        ],
        schema=ASSIGNMENTS_SCHEMA,
    )  # fmt: skip
    return Assignments(table=table, threshold=threshold)


def _follow_threads(
    ids: list[str],
    confidence: list[float],
    touchpoint: list[str | None],
    by: list[str | None],
    threads: Mapping[str, str | None],
) -> None:
    """Unassigned items take the touchpoint of their thread's most certain assigned item."""
    leader: dict[str, tuple[float, str]] = {}
    for item, sure, chosen, how in zip(ids, confidence, touchpoint, by, strict=True):
        thread = threads.get(item)
        if thread is None or chosen is None:
            continue
        weight = 2.0 if how == "override" else sure
        if thread not in leader or weight > leader[thread][0]:
            leader[thread] = (weight, chosen)
    for row, item in enumerate(ids):
        thread = threads.get(item)
        if touchpoint[row] is None and thread is not None and thread in leader:
            touchpoint[row] = leader[thread][1]
            by[row] = "thread"


def feedback_texts(feedback: ibis.Table) -> tuple[list[str], list[str]]:
    """Feedback ids and what the encoder reads for each: subject and text as one passage."""
    columns = [FEEDBACK_ID, TEXT] + ([SUBJECT] if SUBJECT in feedback.columns else [])
    rows = feedback.select(*columns).to_pyarrow()
    ids: list[str] = rows.column(FEEDBACK_ID).to_pylist()
    subjects = rows.column(SUBJECT).to_pylist() if SUBJECT in columns else [None] * len(ids)
    bodies = rows.column(TEXT).to_pylist()
    return ids, [item_text(s, t) for s, t in zip(subjects, bodies, strict=True)]


def embed_items(
    ids: Sequence[str], texts: Sequence[str], encoder: Encoder, *, batch_size: int = 256
) -> ItemEmbeddings:
    """Vectors of items' texts; blank texts get a zero vector (they fit no touchpoint).

    Each distinct text is encoded once: short survey comments repeat a lot.
    """
    distinct = sorted({text for text in texts if text.strip()})
    found = embed_texts(encoder, distinct, batch_size=batch_size)
    width = found.shape[1] if distinct else 1
    vectors = np.zeros((len(ids), width), dtype=np.float32)
    row_of = {text: row for row, text in enumerate(distinct)}
    filled = [row for row, text in enumerate(texts) if text in row_of]
    if filled:
        vectors[filled] = found[[row_of[texts[row]] for row in filled]]
    return ItemEmbeddings(ids=tuple(ids), vectors=vectors, encoder=encoder.name)


def thread_ids(feedback: ibis.Table) -> dict[str, str | None]:
    """Feedback id -> thread id, for :func:`final_assignment` (empty without the column)."""
    if THREAD_ID not in feedback.columns:
        return {}
    rows = feedback.select(FEEDBACK_ID, THREAD_ID).to_pyarrow()
    return dict(
        zip(rows.column(FEEDBACK_ID).to_pylist(), rows.column(THREAD_ID).to_pylist(), strict=True)
    )


def assign_touchpoints(
    feedback: ibis.Table,
    journey: Journey,
    *,
    encoder: Encoder,
    touchpoint_events: ibis.Table | None = None,
    overrides: Mapping[str, str] | None = None,
    settings: AssignmentSettings = AssignmentSettings(),
    embeddings: ItemEmbeddings | None = None,
) -> Assignments:
    """Assign every item of a feedback table to a touchpoint of ``journey``, or leave it.

    ``touchpoint_events`` (events matched with ``match_touchpoints``) add what the
    customers were living as context; ``embeddings`` are the items' vectors when already
    known (a cache), else they are computed with ``encoder``. See the module docstring.
    """
    profiles = touchpoint_profiles(journey)
    ids, texts = feedback_texts(feedback)
    if embeddings is None:
        items = embed_items(ids, texts, encoder)
    else:
        items = ItemEmbeddings(tuple(ids), embeddings.rows_of(ids), embeddings.encoder)
    context = None
    if touchpoint_events is not None:
        context = customer_context(feedback, touchpoint_events, window=settings.window)
    threads = thread_ids(feedback)
    model = model_assignment(
        items, texts, profiles, encode_profiles(encoder, profiles), context=context,
        examples=overrides, threads=threads, settings=settings,
    )  # fmt: skip
    return final_assignment(
        model, journey, threshold=settings.threshold, overrides=overrides, threads=threads
    )
