"""Sentiment per piece of feedback: the customer's own rating where there is one, else the text.

A star rating or survey score is the customer's own verdict, so **the rating wins**: it is
mapped onto [-1, 1] on its scale (:data:`~journeymap.model.canonical.RATING_SCALES`) and
the text's score is kept beside it, since a 4-star review that says "delivery was a
nightmare" is worth seeing. Items without a rating get the text's score.

Text models are pluggable: a :class:`SentimentModel` scores a batch of texts, and models
are found by name in one registry, where the built-in ones register exactly as a third
party's would (:func:`register_sentiment_model`): ``vader``, a word list with rules for
English, and ``learned`` (the default, :mod:`journeymap.voice.learned_sentiment`), which
learns from the workspace's own rated items. A model that learns that way says so by having
a ``learn`` method (:class:`LearnsFromRatings`); :func:`score_sentiment` hands it the rated
items' texts and ratings before it scores.

>>> import ibis
>>> feedback = ibis.memtable({"feedback_id": ["a", "b"], "source": ["review", "email"],
...     "subject": [None, None], "text": ["Lovely", "Awful service"], "rating": [5, None]})
>>> scores = score_sentiment(feedback, model=sentiment_model("vader"))
>>> [(r["sentiment_source"], r["sentiment"] > 0) for r in scores.rows()]
[('rating', True), ('text', False)]
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, Protocol, runtime_checkable

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from journeymap.model.canonical import FEEDBACK_ID, RATING, RATING_SCALES, SOURCE, SUBJECT, TEXT
from journeymap.voice.embeddings import Encoder

SENTIMENT: Final = "sentiment"
"""The item's sentiment in [-1, 1]: the rating's where the item has one, else the text's."""
TEXT_SENTIMENT: Final = "text_sentiment"
"""What the text model says about the words alone, kept beside a rating."""
SENTIMENT_SOURCE: Final = "sentiment_source"
"""``rating`` or ``text``: which of the two :data:`SENTIMENT` is."""

RATING_ANCHORS: Final[Mapping[str, tuple[tuple[float, float], ...]]] = {
    "review": ((1, -1.0), (3, 0.0), (5, 1.0)),
    "csat": ((1, -1.0), (3, 0.0), (5, 1.0)),
    # NPS is not symmetric: 0-6 are detractors, 7-8 passives, 9-10 promoters. The middle of
    # the passive band is neutral, so every detractor is negative and every promoter positive.
    "nps": ((0, -1.0), (7.5, 0.0), (10, 1.0)),
}
"""Per source, (rating, sentiment) points; a rating between two points is interpolated."""

DEFAULT_MODEL: Final = "learned"
"""The text model used unless another is named (registered by :mod:`journeymap.voice.learned_sentiment`)."""


@runtime_checkable
class SentimentModel(Protocol):
    """Scores texts: one float in [-1, 1] per text, negative to positive, in input order."""

    name: str
    """Identifies the model (and its version) in caches: change it when scores change."""

    def score(self, texts: Sequence[str]) -> list[float]:
        """The sentiment of each text; the caller batches, so this may be called often."""
        ...


@runtime_checkable
class LearnsFromRatings(Protocol):
    """A text model that learns from the workspace's rated items before it scores the rest.

    Reviews and survey answers carry the customer's rating beside their words: weak labels
    that cost nothing. :func:`score_sentiment` calls ``learn`` with the texts of the items
    that have a rating and the rating on [-1, 1] (:func:`rating_sentiment`), and ``encoder``
    when the caller has sentence vectors to share; after learning, ``name`` says what was
    learnt from (it keys cached scores). Learning from the same items again must be cheap.
    """

    name: str

    def learn(
        self, texts: Sequence[str], ratings: Sequence[float], *, encoder: Encoder | None = None
    ) -> None:
        """Learn from ``texts`` and their ratings' sentiment, in the same order."""
        ...

    def score(self, texts: Sequence[str]) -> list[float]:
        """The sentiment of each text, as :meth:`SentimentModel.score`."""
        ...


SentimentModelFactory = Callable[[], SentimentModel]
_REGISTRY: dict[str, SentimentModelFactory] = {}


def register_sentiment_model(name: str, factory: SentimentModelFactory) -> None:
    """Make a text model available by ``name`` (``--model NAME`` on the command line).

    ``factory`` is called when the model is first asked for, so heavy models cost nothing
    until used. Registering a name again replaces the earlier model.

    >>> class Shouting:
    ...     name = "shouting-v1"
    ...     def score(self, texts):
    ...         return [-1.0 if text.isupper() else 0.0 for text in texts]
    >>> register_sentiment_model("shouting", Shouting)
    >>> sentiment_model("shouting").score(["WHERE IS IT", "thanks"])
    [-1.0, 0.0]
    """
    if not name.strip():
        raise ValueError("a sentiment model needs a name")
    _REGISTRY[name] = factory


def sentiment_models() -> list[str]:
    """Names of the registered text models, sorted."""
    return sorted(_REGISTRY)


def sentiment_model(name: str = DEFAULT_MODEL) -> SentimentModel:
    """The registered text model called ``name``; ``KeyError`` names the known ones."""
    try:
        factory = _REGISTRY[name]
    except KeyError:
        raise KeyError(
            f"no sentiment model {name!r}; registered: {', '.join(sentiment_models())}"
        ) from None
    return factory()


class VaderSentiment:
    """VADER: a lexicon and rules for English, tuned on short social-media-like text.

    Its lexicon ships inside the ``vaderSentiment`` package, so nothing is downloaded. The
    score is VADER's ``compound`` value, already in [-1, 1]; by VADER's convention scores
    within ±0.05 are neutral.
    """

    name = "vader-3.3"

    def __init__(self) -> None:
        try:
            from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
        except ImportError as error:  # pragma: no cover - it is a dependency
            raise ImportError(
                "the VADER sentiment model needs the vaderSentiment package: "
                "pip install vaderSentiment"
            ) from error
        self._analyzer = SentimentIntensityAnalyzer()

    def score(self, texts: Sequence[str]) -> list[float]:
        """VADER's compound score of each text (0.0 for an empty one)."""
        return [
            float(self._analyzer.polarity_scores(text)["compound"]) if text else 0.0
            for text in texts
        ]


register_sentiment_model("vader", VaderSentiment)


def rating_sentiment(source: ir.StringValue, rating: ir.NumericValue) -> ir.FloatingValue:
    """The rating mapped onto [-1, 1] on its source's scale; null without a rating.

    An engine expression, so the mapping runs where the data is.

    >>> import ibis
    >>> t = ibis.memtable({"source": ["nps", "nps", "review"], "rating": [10, 0, 3]})
    >>> t.select(s=rating_sentiment(t.source, t.rating)).s.to_list()
    [1.0, -1.0, 0.0]
    """
    cases = []
    value = rating.cast("float64")
    for name, points in RATING_ANCHORS.items():
        low, high = RATING_SCALES[name]
        inside = (source == name) & (value >= low) & (value <= high)
        for (x0, y0), (x1, y1) in itertools.pairwise(points):
            segment = (value >= x0) & (value <= x1)
            cases.append((inside & segment, y0 + (value - x0) * (y1 - y0) / (x1 - x0)))
    mapped: ir.FloatingValue = ibis.cases(*cases, else_=ibis.null("float64"))
    return mapped


def item_text(subject: str | None, text: str | None) -> str:
    """What a text model reads: the subject (without ``Re:``) and the text, as one passage.

    A review's title or an e-mail's subject is often the clearest sentence of the item.

    >>> item_text("Re: Refund still not received", "Any news?")
    'Refund still not received. Any news?'
    """
    title = (subject or "").strip()
    while title[:3].lower() in ("re:", "fw:") or title[:4].lower() == "fwd:":
        title = title.split(":", 1)[1].strip()
    body = (text or "").strip()
    if not title:
        return body
    if not body:
        return title
    joiner = " " if title[-1] in ".!?" else ". "
    return f"{title}{joiner}{body}"


def sentiment_text(subject: str | None, text: str | None) -> str:
    """What a text model reads for sentiment: :func:`item_text`, but without the subject of
    a reply or forward, which is the thread's first subject and says how *that* message felt.

    >>> sentiment_text("Re: Refund still not received", "Thanks for sorting that out!")
    'Thanks for sorting that out!'
    """
    title = (subject or "").strip().lower()
    if title.startswith(_REPLY_PREFIXES):
        subject = None
    return item_text(subject, text)


_REPLY_PREFIXES: Final = ("re:", "fw:", "fwd:")


@dataclass(frozen=True)
class SentimentScores:
    """Sentiment per item: ``feedback_id``, ``sentiment``, ``text_sentiment``, ``sentiment_source``.

    ``model`` names the text model that scored the words.
    """

    table: pa.Table
    model: str

    def rows(self) -> list[dict[str, Any]]:
        """One dict per item."""
        rows: list[dict[str, Any]] = self.table.to_pylist()
        return rows

    def to_arrow(self) -> pa.Table:
        """The scores as an Arrow table."""
        return self.table

    def __len__(self) -> int:
        return int(self.table.num_rows)


SCORES_SCHEMA: Final = pa.schema(
    [
        pa.field(FEEDBACK_ID, pa.string()),
        pa.field(SENTIMENT, pa.float64()),
        pa.field(TEXT_SENTIMENT, pa.float64()),
        pa.field(SENTIMENT_SOURCE, pa.string()),
    ]
)


def score_texts(
    model: SentimentModel, texts: Sequence[str], *, batch_size: int = 512
) -> list[float]:
    """``model``'s scores for ``texts``, asked for in batches and clipped to [-1, 1]."""
    scores: list[float] = []
    for start in range(0, len(texts), batch_size):
        batch = list(texts[start : start + batch_size])
        found = model.score(batch)
        if len(found) != len(batch):
            raise ValueError(
                f"sentiment model {model.name!r} returned {len(found)} scores for "
                f"{len(batch)} texts"
            )
        scores.extend(min(1.0, max(-1.0, float(value))) for value in found)
    return scores


def score_sentiment(
    feedback: ibis.Table,
    *,
    model: SentimentModel | None = None,
    text_scores: Mapping[str, float] | None = None,
    encoder: Encoder | None = None,
    batch_size: int = 512,
) -> SentimentScores:
    """Sentiment of every item of a feedback table (canonical columns).

    A model that learns from ratings (:class:`LearnsFromRatings`) first learns from the
    rated items of ``feedback`` (``encoder``, if given, is handed to it). ``text_scores``
    are text scores already known (a cache, by feedback id): those items are not scored
    again. The rating mapping runs in the engine; only the texts still to score come out.
    """
    chosen = model or sentiment_model()
    rated = feedback.select(
        feedback[FEEDBACK_ID],
        _optional(feedback, SUBJECT),
        feedback[TEXT],
        rating_sentiment(feedback[SOURCE], feedback[RATING]).name("rating_sentiment"),
    )
    rows = rated.to_pyarrow()
    ids = rows.column(FEEDBACK_ID).to_pylist()
    subjects = rows.column(SUBJECT).to_pylist()
    texts = [sentiment_text(s, t) for s, t in zip(subjects, rows.column(TEXT).to_pylist(),
                                                   strict=True)]  # fmt: skip
    ratings = rows.column("rating_sentiment").to_pylist()
    if isinstance(chosen, LearnsFromRatings):
        taught = [i for i, r in enumerate(ratings) if r is not None and texts[i].strip()]
        chosen.learn([texts[i] for i in taught], [ratings[i] for i in taught], encoder=encoder)
    known = text_scores or {}
    todo = [i for i, item in enumerate(ids) if item not in known]
    fresh = score_texts(chosen, [texts[i] for i in todo], batch_size=batch_size)
    scored = dict(zip((ids[i] for i in todo), fresh, strict=True))
    text_sentiment = [known[item] if item in known else scored[item] for item in ids]
    sentiment = [r if r is not None else t for r, t in zip(ratings, text_sentiment, strict=True)]
    source = ["rating" if r is not None else "text" for r in ratings]
    table = pa.Table.from_arrays(
        [pa.array(ids, pa.string()), pa.array(sentiment, pa.float64()),
         pa.array(text_sentiment, pa.float64()), pa.array(source, pa.string())],
        schema=SCORES_SCHEMA,
    )  # fmt: skip
    return SentimentScores(table=table, model=chosen.name)


def learn_from_ratings(
    model: SentimentModel, feedback: ibis.Table, *, encoder: Encoder | None = None
) -> None:
    """Let ``model`` learn from the rated items of ``feedback``, if it learns at all.

    :func:`score_sentiment` does this itself; call it first where the model's ``name``
    (which says what it learnt from) is needed before scoring, to look up cached scores.
    Only the rated items with text come out of the engine.
    """
    if not isinstance(model, LearnsFromRatings):
        return
    rated = feedback.filter(feedback[RATING].notnull())
    rows = rated.select(
        _optional(rated, SUBJECT),
        rated[TEXT],
        rating_sentiment(rated[SOURCE], rated[RATING]).name("rating_sentiment"),
    ).to_pyarrow()
    texts, ratings = [], []
    for subject, text, rating in zip(
        rows.column(SUBJECT).to_pylist(), rows.column(TEXT).to_pylist(),
        rows.column("rating_sentiment").to_pylist(), strict=True,
    ):  # fmt: skip
        passage = sentiment_text(subject, text)
        if rating is not None and passage.strip():
            texts.append(passage)
            ratings.append(float(rating))
    model.learn(texts, ratings, encoder=encoder)


def sentiment_texts(feedback: ibis.Table) -> tuple[list[str], list[str]]:
    """Feedback ids and what a text model reads for each (:func:`sentiment_text`)."""
    rows = feedback.select(FEEDBACK_ID, _optional(feedback, SUBJECT), feedback[TEXT]).to_pyarrow()
    ids: list[str] = rows.column(FEEDBACK_ID).to_pylist()
    texts = [sentiment_text(s, t) for s, t in zip(rows.column(SUBJECT).to_pylist(),
                                                  rows.column(TEXT).to_pylist(), strict=True)]  # fmt: skip
    return ids, texts


def _optional(table: ibis.Table, column: str) -> ir.Value:
    """``table[column]``, or a null text column of that name when the table lacks it."""
    if column in table.columns:
        return table[column]
    return ibis.null("string").name(column)
