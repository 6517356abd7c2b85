"""Understanding customer text: sentiment, assignment to touchpoints, pain-point themes, NPS/CSAT.

The one API behind ``journeymap feedback ...``. The analyses are pure functions in
:mod:`journeymap.voice`; this module feeds them the workspace's imported feedback, its
events (for the customers' recent touchpoints) and its maps, and keeps what is slow to
recompute in the analytics database (:mod:`journeymap.engine.voice_tables`): each item's
text score and sentence vector, keyed by a hash of its text, and the model's verdicts per
journey, keyed by a hash of the touchpoint texts, encoder, settings, items and overrides.
Re-running therefore encodes only new or changed items, and a map whose touchpoints
changed is assigned afresh from the stored vectors. People's overrides are stored here
too; they win over the model and teach it.

>>> with VoiceService.open(Path("demo-workspace")) as voice:  # doctest: +SKIP
...     found = voice.assign("busy-parent-journey")
...     voice.themes("busy-parent-journey").of("home-delivery")[0].name
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType

import ibis
import numpy as np
import pyarrow as pa

from journeymap.analytics.matching import match_touchpoints
from journeymap.analytics.scope import Scope, apply_scope
from journeymap.engine import AnalyticsDatabase, NoEventsError, database_path
from journeymap.engine.voice_tables import VoiceTables
from journeymap.model import Evidence, Journey
from journeymap.model.canonical import FEEDBACK_ID, STAGE, TOUCHPOINT
from journeymap.services.errors import JourneymapError, as_user_error
from journeymap.services.workspace import WorkspaceService
from journeymap.store import VersionInfo
from journeymap.voice.assignment import (
    Assignments,
    AssignmentSettings,
    embed_items,
    feedback_texts,
    final_assignment,
    model_assignment,
    thread_ids,
)
from journeymap.voice.embeddings import Encoder, ItemEmbeddings, KnownVectors, encoder_named
from journeymap.voice.emotion import MeasuredEmotion, measured_emotions
from journeymap.voice.evidence import FEEDBACK_EVIDENCE_PREFIX, feedback_evidence
from journeymap.voice.priors import customer_context
from journeymap.voice.profiles import encode_profiles, profiles_key, touchpoint_profiles
from journeymap.voice.scores import FeedbackScores, feedback_scores
from journeymap.voice.sentiment import (
    DEFAULT_MODEL,
    SENTIMENT,
    SENTIMENT_SOURCE,
    TEXT_SENTIMENT,
    LearnsFromRatings,
    SentimentScores,
    learn_from_ratings,
    score_sentiment,
    sentiment_model,
    sentiment_texts,
)
from journeymap.voice.themes import PainPointThemes, pain_point_themes


def text_hash(text: str) -> str:
    """A short fingerprint of an item's text: a cached result is reused only while it holds."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


class VoiceService:
    """One workspace's customer text, ready to understand."""

    def __init__(
        self,
        workspace: WorkspaceService,
        database: AnalyticsDatabase,
        *,
        encoder: Encoder | None = None,
    ) -> None:
        self.workspace = workspace
        self.database = database
        self._encoder = encoder
        self.tables: VoiceTables = database.voice_tables()

    @classmethod
    def open(cls, directory: Path | None = None, *, encoder: Encoder | None = None) -> VoiceService:
        """Open the workspace and its analytics database; ``encoder`` defaults to MiniLM."""
        workspace = WorkspaceService.open(directory)
        try:
            database = AnalyticsDatabase.open(database_path(workspace.layout.data_dir))
        except BaseException:
            workspace.close()
            raise
        return cls(workspace, database, encoder=encoder)

    def close(self) -> None:
        """Release the store and the analytics database."""
        try:
            self.database.close()
        finally:
            self.workspace.close()

    def __enter__(self) -> VoiceService:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    @property
    def encoder(self) -> Encoder:
        """The sentence encoder (loaded only when some item still needs a vector)."""
        if self._encoder is None:
            self._encoder = encoder_named()
        return self._encoder

    # -- inputs ----------------------------------------------------------------------------

    def feedback(self) -> ibis.Table:
        """The imported feedback (canonical columns)."""
        try:
            return self.database.feedback_table()
        except NoEventsError as error:
            raise JourneymapError(
                str(error), hint="Import some with `journeymap import feedback FILE...`."
            ) from None

    def journey(self, journey_id: str) -> Journey:
        """A journey of the workspace at its head version."""
        return self.workspace.journey(journey_id)

    # -- sentiment -------------------------------------------------------------------------

    def sentiment(self, *, model: str = DEFAULT_MODEL) -> SentimentScores:
        """Sentiment per item (rating wins, text score beside it); text scores are cached.

        A model that learns from the rated items (the default, ``learned``) reads the
        items' stored sentence vectors, encoding only those not stored yet.
        """
        try:
            chosen = sentiment_model(model)
        except KeyError as error:
            raise JourneymapError(str(error.args[0])) from None
        feedback = self.feedback()
        ids, texts = sentiment_texts(feedback)
        hashes = {item: text_hash(text) for item, text in zip(ids, texts, strict=True)}
        encoder = None
        if isinstance(chosen, LearnsFromRatings):
            item_ids, passages = feedback_texts(feedback)
            with _model_needed():
                stored = self.embeddings(item_ids, passages, [text_hash(t) for t in passages])
                encoder = KnownVectors(
                    self.encoder, dict(zip(passages, stored.vectors, strict=True))
                )
                learn_from_ratings(chosen, feedback, encoder=encoder)
        known = self.tables.text_sentiments(chosen.name, hashes)
        with _model_needed():
            scores = score_sentiment(feedback, model=chosen, text_scores=known, encoder=encoder)
        table = scores.to_arrow()
        fresh = {
            item: value
            for item, value in zip(table.column(FEEDBACK_ID).to_pylist(),
                                   table.column(TEXT_SENTIMENT).to_pylist(), strict=True)
            if item not in known
        }  # fmt: skip
        self.tables.store_text_sentiments(chosen.name, fresh, hashes)
        return scores

    # -- assignment ------------------------------------------------------------------------

    def assign(
        self,
        journey_id: str,
        *,
        settings: AssignmentSettings = AssignmentSettings(),
        context: bool = True,
    ) -> Assignments:
        """Every item's touchpoint and stage in ``journey_id`` (or unassigned), overrides first.

        ``context`` adds what the customers were living (from the events), when there are
        events. The model's verdicts are cached; see the module docstring.
        """
        journey = self.journey(journey_id)
        feedback = self.feedback()
        ids, texts = feedback_texts(feedback)
        hashes = [text_hash(text) for text in texts]
        overrides = {k: v for k, v in self.tables.overrides(journey.id).items() if k in set(ids)}
        profiles = touchpoint_profiles(journey)
        events = self._touchpoint_events(journey) if context else None
        key = profiles_key(
            profiles, self.encoder.name, settings.model_key(), events is not None,
            _fingerprint(ids, hashes), sorted(overrides.items()),
        )  # fmt: skip
        model = self.tables.model_assignment(journey.id, key)
        if model is None:
            with _model_needed():
                vectors = encode_profiles(self.encoder, profiles)
            items = self.embeddings(ids, texts, hashes)
            found = None
            if events is not None:
                found = customer_context(feedback, events, window=settings.window)
            model = model_assignment(
                items, texts, profiles, vectors, context=found,
                examples=overrides, threads=thread_ids(feedback), settings=settings,
            )  # fmt: skip
            model = model.sort_by(FEEDBACK_ID)  # the order the stored verdicts come back in
            self.tables.store_model_assignment(journey.id, key, model)
        try:
            return final_assignment(
                model, journey, threshold=settings.threshold, overrides=overrides,
                threads=thread_ids(feedback),
            )  # fmt: skip
        except ValueError as error:
            raise JourneymapError(
                str(error), hint="Change the override with `journeymap feedback override`."
            ) from None

    def embeddings(
        self, ids: Sequence[str], texts: Sequence[str], hashes: Sequence[str]
    ) -> ItemEmbeddings:
        """The items' vectors: stored ones where the text is unchanged, the rest encoded now."""
        encoder = self.encoder
        cached_ids, cached = self.tables.embeddings(
            encoder.name, dict(zip(ids, hashes, strict=True))
        )
        have = set(cached_ids)
        missing = [row for row, item in enumerate(ids) if item not in have]
        with _model_needed():
            fresh = embed_items([ids[r] for r in missing], [texts[r] for r in missing], encoder)
        if missing:
            self.tables.store_embeddings(encoder.name, list(fresh.ids),
                                         [hashes[r] for r in missing], fresh.vectors)  # fmt: skip
        width = cached.shape[1] if cached_ids else fresh.vectors.shape[1]
        vectors = np.zeros((len(ids), width), dtype=np.float32)
        row_of = {item: row for row, item in enumerate(ids)}
        if cached_ids:
            vectors[[row_of[item] for item in cached_ids]] = cached
        if missing:
            vectors[missing] = fresh.vectors
        return ItemEmbeddings(ids=tuple(ids), vectors=vectors, encoder=encoder.name)

    def override(
        self, journey_id: str, feedback_id: str, touchpoint: str | None, *, note: str = ""
    ) -> None:
        """Say which touchpoint an item is about (``None``: drop the override)."""
        journey = self.journey(journey_id)
        known = [t.id for _, t in journey.touchpoints()]
        if touchpoint is not None and touchpoint not in known:
            raise JourneymapError(
                f"journey {journey.id!r} has no touchpoint {touchpoint!r}.",
                hint=f"Use one of: {', '.join(known)}.",
            )
        feedback = self.feedback()
        found = feedback.filter(feedback[FEEDBACK_ID] == feedback_id).count().to_pyarrow()
        if not found.as_py():
            raise JourneymapError(
                f"no feedback item {feedback_id!r}.",
                hint="Ids are in `journeymap feedback assign JOURNEY --format json`.",
            )
        self.tables.set_override(journey.id, feedback_id, touchpoint, note=note)

    def overrides(self, journey_id: str) -> dict[str, str]:
        """The stored overrides of a journey: feedback id -> touchpoint id."""
        return self.tables.overrides(self.journey(journey_id).id)

    # -- themes and scores -----------------------------------------------------------------

    def themes(
        self,
        journey_id: str,
        *,
        by: str = TOUCHPOINT,
        only: str | None = None,
        max_themes: int = 6,
        settings: AssignmentSettings = AssignmentSettings(),
    ) -> PainPointThemes:
        """Pain-point themes of the negative feedback per touchpoint (or stage) of a journey.

        ``only`` keeps one touchpoint (or stage) id.
        """
        assignments = self.assign(journey_id, settings=settings)
        table = self._annotated(assignments, with_sentiment=True)
        if only is not None:
            table = table.filter(table[by] == only)
        ids, texts = feedback_texts(table)
        embeddings = self.embeddings(ids, texts, [text_hash(t) for t in texts])
        try:
            return pain_point_themes(table, embeddings, by=by, max_themes=max_themes)
        except ValueError as error:
            raise JourneymapError(str(error)) from None

    def scores(
        self,
        journey_id: str,
        *,
        csat_sources: Sequence[str] = ("csat",),
        confidence: float = 0.95,
        settings: AssignmentSettings = AssignmentSettings(),
        segment: str | None = None,
    ) -> FeedbackScores:
        """NPS and CSAT overall, per persona (with a segment), stage and touchpoint; with
        ``segment``, of those customers' answers only."""
        assignments = self.assign(journey_id, settings=settings)
        table = self._of_segment(self._annotated(assignments, with_sentiment=False), segment)
        personas = {p.id: p.segment for p in self.workspace.load().personas if p.segment}
        customers = None
        if personas:
            try:
                customers = self.database.customers_table()
            except NoEventsError:
                personas = {}
        return feedback_scores(table, customers=customers, personas=personas,
                               csat_sources=csat_sources, confidence=confidence)  # fmt: skip

    # -- into the map ----------------------------------------------------------------------

    def annotated(
        self,
        journey_id: str,
        *,
        settings: AssignmentSettings = AssignmentSettings(),
        segment: str | None = None,
    ) -> ibis.Table:
        """The feedback with each item's touchpoint, stage and sentiment in ``journey_id``;
        with ``segment`` (a rule over customer properties), only those customers' items."""
        table = self._annotated(self.assign(journey_id, settings=settings), with_sentiment=True)
        return self._of_segment(table, segment)

    def _of_segment(self, table: ibis.Table, segment: str | None) -> ibis.Table:
        if segment is None:
            return table
        try:
            customers = self.database.customers_table()
        except NoEventsError:
            raise JourneymapError(
                "a segment needs the customers table.",
                hint="Import it with `journeymap import customers FILE`.",
            ) from None
        with as_user_error():
            return apply_scope(table, Scope(segment=segment), customers)

    def measured_emotions(
        self,
        journey_id: str,
        *,
        gap: float = 0.25,
        settings: AssignmentSettings = AssignmentSettings(),
        segment: str | None = None,
    ) -> tuple[MeasuredEmotion, ...]:
        """Per stage, the mean sentiment of its feedback beside the emotion the team assumed
        (of the customers a ``segment`` rule selects, where given)."""
        journey = self.journey(journey_id)
        table = self.annotated(journey_id, settings=settings, segment=segment)
        with as_user_error():
            return measured_emotions(table, journey, gap=gap)

    def feedback_evidence(
        self,
        journey_id: str,
        *,
        negative: int = 2,
        positive: int = 1,
        settings: AssignmentSettings = AssignmentSettings(),
        segment: str | None = None,
    ) -> tuple[Evidence, ...]:
        """Quotes per touchpoint, ready to go on the map as Evidence (of a ``segment``'s
        customers, where given)."""
        journey = self.journey(journey_id)
        table = self.annotated(journey_id, settings=settings, segment=segment)
        with as_user_error():
            return feedback_evidence(table, journey, negative=negative, positive=positive)

    def save_feedback_evidence(
        self, journey_id: str, evidence: Sequence[Evidence], *, author: str | None = None
    ) -> VersionInfo:
        """Put the quotes on the map as a new version, replacing earlier feedback evidence
        (ids ``feedback-...``) and keeping what people recorded by hand."""
        return self.workspace.replace_evidence(
            journey_id, FEEDBACK_EVIDENCE_PREFIX, evidence, author=author,
            message=f"Feedback evidence: {len(evidence)} quotes from customer feedback",
        )  # fmt: skip

    # -- helpers ---------------------------------------------------------------------------

    def _touchpoint_events(self, journey: Journey) -> ibis.Table | None:
        try:
            return match_touchpoints(self.database.events_table(), journey)
        except NoEventsError:
            return None

    def _annotated(self, assignments: Assignments, *, with_sentiment: bool) -> ibis.Table:
        """The feedback with each item's touchpoint and stage (and sentiment), in the engine."""
        feedback = self.feedback()
        labels = ibis.memtable(
            assignments.to_arrow().select([FEEDBACK_ID, TOUCHPOINT, STAGE])
            .rename_columns(["_item", TOUCHPOINT, STAGE])
        )  # fmt: skip
        drop = [c for c in (TOUCHPOINT, STAGE, SENTIMENT) if c in feedback.columns]
        table = feedback.drop(*drop) if drop else feedback
        joined = table.left_join(labels, table[FEEDBACK_ID] == labels["_item"]).drop("_item")
        if not with_sentiment:
            return joined
        scores: pa.Table = self.sentiment().to_arrow()
        scored = ibis.memtable(
            scores.select([FEEDBACK_ID, SENTIMENT, TEXT_SENTIMENT, SENTIMENT_SOURCE])
            .rename_columns(["_scored", SENTIMENT, TEXT_SENTIMENT, SENTIMENT_SOURCE])
        )  # fmt: skip
        return joined.left_join(scored, joined[FEEDBACK_ID] == scored["_scored"]).drop("_scored")


@contextmanager
def _model_needed() -> Iterator[None]:
    """A missing model package is the user's to install: say how, without a traceback."""
    try:
        yield
    except ImportError as error:
        raise JourneymapError(
            str(error), hint="Or try `--encoder hashing`, which needs no model."
        ) from None


def _fingerprint(ids: Sequence[str], hashes: Sequence[str]) -> str:
    """One hash over every (item, text hash): a new or changed item changes it."""
    digest = hashlib.sha256()
    for item, value in sorted(zip(ids, hashes, strict=True)):
        digest.update(f"{item}\x00{value}\x01".encode())
    return digest.hexdigest()[:16]
