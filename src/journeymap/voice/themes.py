"""Pain-point themes: what the negative feedback of each touchpoint (or stage) is about.

For each touchpoint, its negative items (sentiment below 0) are clustered on their sentence
embeddings with k-means (scikit-learn, seeded, so the same data gives the same themes).
**The number of themes** is the k in 2..``max_themes`` (at most one per ``min_items``
items) with the best mean silhouette (cosine; on a seeded sample of at most 2,000 items);
when even the best silhouette is below ``min_silhouette`` the items show no structure and
form one theme. Small groups (fewer than twice ``min_items``) are one theme too.

Each theme is **named** by its most distinctive terms by class-based TF-IDF (c-TF-IDF, as
in BERTopic): all texts of a theme form one document; a term's weight is its frequency in
the theme times ``log(1 + A / f)``, where ``A`` is the average number of words per theme
and ``f`` the term's frequency over all themes of all touchpoints, so words every theme
uses ("order", "delivery") sink and the ones that set a theme apart rise. English stop
words, greetings and sign-offs ("hi", "thanks", "regards"), redaction placeholders and
anything written with digits (order numbers, dates, prices) are left out; terms are words
and two-word phrases.

Each theme is **counted**, **trended** (items per ISO week, counted in the engine, and the
least-squares slope over the weeks) and shown by three **quotes**: the items closest to
the theme's centre, distinct texts only.

>>> import ibis
>>> from journeymap.voice.embeddings import HashingEncoder
>>> from journeymap.voice.assignment import embed_items
>>> texts = ["parcel late again", "late parcel, courier lost it", "refund never came",
...          "still no refund", "the parcel is late"]
>>> feedback = ibis.memtable({"feedback_id": list("abcde"), "touchpoint": ["d"] * 5,
...     "sentiment": [-0.5] * 5, "text": texts,
...     "ts": [datetime.datetime(2025, 1, 6, tzinfo=datetime.UTC)] * 5})
>>> found = pain_point_themes(feedback, embed_items(list("abcde"), texts, HashingEncoder()),
...                           min_items=2)
>>> [(t.items, t.terms[0]) for t in found.themes]
[(3, 'late'), (2, 'refund')]
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

import ibis
import numpy as np
import numpy.typing as npt
import pyarrow as pa

from journeymap.model.canonical import FEEDBACK_ID, STAGE, SUBJECT, TEXT, TOUCHPOINT, TS
from journeymap.voice.embeddings import ItemEmbeddings, Vectors, normalised
from journeymap.voice.sentiment import SENTIMENT, item_text

SILHOUETTE_SAMPLE: Final = 2_000
_PLACEHOLDER = re.compile(r"\[[A-Z]+\]")
_WITH_DIGITS = re.compile(r"\S*\d\S*")
"""Order numbers, dates, prices: "NW" out of "NW-009285-02" would name a theme of e-mails."""
_CONTRACTIONS: Final = frozenset(
    {
        "aren",
        "couldn",
        "didn",
        "doesn",
        "don",
        "hadn",
        "hasn",
        "haven",
        "isn",
        "ll",
        "re",
        "shouldn",
        "ve",
        "wasn",
        "weren",
        "won",
        "wouldn",
    }
)
"""What is left of "wouldn't" and "I've" when words are letters only."""
_PLEASANTRIES: Final = frozenset(
    [
        "best",
        "cheers",
        "dear",
        "faithfully",
        "hello",
        "hey",
        "hi",
        "kind",
        "madam",
        "morning",
        "regards",
        "sir",
        "thank",
        "thanks",
    ]
)
"""Greetings and sign-offs: every e-mail has them, so they would name any theme of e-mails."""


@dataclass(frozen=True)
class Quote:
    """A representative item of a theme, in the customer's (redacted) words."""

    feedback_id: str
    text: str


@dataclass(frozen=True)
class Theme:
    """One pain-point theme of a touchpoint (or stage): its terms, size, quotes and trend."""

    group: str
    """The touchpoint (or stage) id the theme belongs to."""
    rank: int
    """1 for the group's largest theme."""
    terms: tuple[str, ...]
    items: int
    share: float
    """The theme's share of the group's negative items."""
    quotes: tuple[Quote, ...]
    weekly: tuple[tuple[datetime.date, int], ...]
    """Items per ISO week (Monday), weeks without any included."""

    @property
    def name(self) -> str:
        """The theme in a few words: its three most distinctive terms."""
        return ", ".join(self.terms[:3])

    @property
    def trend(self) -> float:
        """Least-squares slope of the weekly counts: items per week, per week."""
        counts = np.array([count for _, count in self.weekly], dtype=np.float64)
        if counts.size < 2:
            return 0.0
        return float(np.polyfit(np.arange(counts.size), counts, 1)[0])


@dataclass(frozen=True)
class PainPointThemes:
    """Themes of every group, groups in the order given, largest theme first within one."""

    by: str
    themes: tuple[Theme, ...]

    def of(self, group: str) -> tuple[Theme, ...]:
        """The themes of one touchpoint (or stage)."""
        return tuple(theme for theme in self.themes if theme.group == group)

    def rows(self) -> list[dict[str, Any]]:
        """One dict per theme; quotes and weeks as lists."""
        return [
            {
                self.by: theme.group, "theme": theme.rank, "name": theme.name,
                "terms": list(theme.terms), "items": theme.items, "share": theme.share,
                "trend": theme.trend, "quotes": [q.text for q in theme.quotes],
                "quote_ids": [q.feedback_id for q in theme.quotes],
                "weekly": [{"week": week.isoformat(), "items": n} for week, n in theme.weekly],
            }
            for theme in self.themes
        ]  # fmt: skip

    def to_arrow(self) -> pa.Table:
        """The themes as an Arrow table (weeks left out: see :meth:`rows`)."""
        rows = [{k: v for k, v in row.items() if k != "weekly"} for row in self.rows()]
        schema = pa.schema(
            [
                (self.by, pa.string()), ("theme", pa.int64()), ("name", pa.string()),
                ("terms", pa.list_(pa.string())), ("items", pa.int64()), ("share", pa.float64()),
                ("trend", pa.float64()), ("quotes", pa.list_(pa.string())),
                ("quote_ids", pa.list_(pa.string())),
            ]
        )  # fmt: skip
        return pa.Table.from_pylist(rows, schema=schema)


def pain_point_themes(
    feedback: ibis.Table,
    embeddings: ItemEmbeddings,
    *,
    by: str = TOUCHPOINT,
    max_themes: int = 6,
    min_items: int = 5,
    min_silhouette: float = 0.05,
    terms: int = 6,
    quotes: int = 3,
    seed: int = 0,
) -> PainPointThemes:
    """Themes of the negative feedback per touchpoint (``by`` touchpoint or stage).

    ``feedback`` has the canonical columns plus ``sentiment`` and the ``by`` column (from an
    assignment); ``embeddings`` holds the vectors of (at least) its negative items.
    """
    if by not in (TOUCHPOINT, STAGE):
        raise ValueError(f"themes are per touchpoint or stage, not {by!r}")
    if max_themes < 1 or min_items < 1:
        raise ValueError("max_themes and min_items must be at least 1")
    negative = feedback.filter((feedback[SENTIMENT] < 0) & feedback[by].notnull())
    columns = [FEEDBACK_ID, by, TEXT] + ([SUBJECT] if SUBJECT in feedback.columns else [])
    rows = negative.select(*columns).order_by([by, FEEDBACK_ID]).to_pyarrow()
    ids: list[str] = rows.column(FEEDBACK_ID).to_pylist()
    groups: list[str] = rows.column(by).to_pylist()
    subjects = rows.column(SUBJECT).to_pylist() if SUBJECT in columns else [None] * len(ids)
    texts = [item_text(s, t) for s, t in zip(subjects, rows.column(TEXT).to_pylist(), strict=True)]
    vectors = embeddings.rows_of(ids)

    clusters: list[tuple[str, npt.NDArray[np.int64]]] = []
    for group in dict.fromkeys(groups):
        members = np.flatnonzero(np.array(groups) == group)
        labels = _cluster(vectors[members], max_themes, min_items, min_silhouette, seed)
        for label in np.unique(labels):
            clusters.append((group, members[labels == label]))
    if not clusters:
        return PainPointThemes(by=by, themes=())
    names = _distinctive_terms([[texts[i] for i in rows_] for _, rows_ in clusters], terms)
    weekly = _weekly(negative, [(ids, rows_) for _, rows_ in clusters])

    themes: list[Theme] = []
    for group in dict.fromkeys(groups):
        chosen = [n for n, (g, _) in enumerate(clusters) if g == group]
        total = sum(len(clusters[n][1]) for n in chosen)
        chosen.sort(key=lambda n: -len(clusters[n][1]))
        for rank, n in enumerate(chosen, start=1):
            members = clusters[n][1]
            themes.append(
                Theme(
                    group=group, rank=rank, terms=names[n], items=len(members),
                    share=len(members) / total,
                    quotes=_quotes(vectors, members, ids, texts, quotes), weekly=weekly[n],
                )
            )  # fmt: skip
    return PainPointThemes(by=by, themes=tuple(themes))


def _cluster(
    vectors: Vectors, max_themes: int, min_items: int, min_silhouette: float, seed: int
) -> npt.NDArray[np.int64]:
    """Cluster labels 0..k-1 (k by silhouette, see the module docstring)."""
    from sklearn.cluster import KMeans
    from sklearn.metrics import silhouette_score

    size = vectors.shape[0]
    most = min(max_themes, size // min_items)
    if most < 2 or np.unique(vectors, axis=0).shape[0] < 2:
        return np.zeros(size, dtype=np.int64)
    best: tuple[float, npt.NDArray[np.int64]] | None = None
    for k in range(2, most + 1):
        labels = KMeans(n_clusters=k, n_init=4, random_state=seed).fit_predict(vectors)
        if np.unique(labels).size < 2:
            continue
        sample = min(size, SILHOUETTE_SAMPLE)
        score = float(silhouette_score(vectors, labels, metric="cosine", sample_size=sample,
                                       random_state=seed))  # fmt: skip
        if best is None or score > best[0]:
            best = (score, labels.astype(np.int64))
    if best is None or best[0] < min_silhouette:
        return np.zeros(size, dtype=np.int64)
    return best[1]


def _distinctive_terms(documents: Sequence[Sequence[str]], top: int) -> list[tuple[str, ...]]:
    """Each class's ``top`` terms by c-TF-IDF (see the module docstring)."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, CountVectorizer

    joined = [_WITH_DIGITS.sub(" ", _PLACEHOLDER.sub(" ", " ".join(texts))) for texts in documents]
    vectorizer = CountVectorizer(
        stop_words=sorted(ENGLISH_STOP_WORDS | _CONTRACTIONS | _PLEASANTRIES),
        ngram_range=(1, 2),
        token_pattern=r"(?u)\b[^\W\d_]{2,}\b",
    )
    try:
        counts = vectorizer.fit_transform(joined).toarray().astype(np.float64)
    except ValueError:  # nothing but stop words
        return [() for _ in documents]
    vocabulary = vectorizer.get_feature_names_out()
    words_per_class = counts.sum(axis=1, keepdims=True)
    frequency = np.divide(counts, words_per_class, out=np.zeros_like(counts),
                          where=words_per_class > 0)  # fmt: skip
    average = counts.sum() / counts.shape[0]
    weights = frequency * np.log(1 + average / counts.sum(axis=0))
    names = []
    for row in weights:
        picked: list[str] = []
        for column in np.argsort(-row, kind="stable"):
            if row[column] <= 0 or len(picked) == top:
                break
            term = str(vocabulary[column])
            if any(term in chosen.split() or chosen in term for chosen in picked):
                continue  # a word already inside a chosen phrase, or the reverse
            picked.append(term)
        names.append(tuple(picked))
    return names


def _quotes(
    vectors: Vectors, members: npt.NDArray[np.int64], ids: list[str], texts: list[str], top: int
) -> tuple[Quote, ...]:
    """The ``top`` items nearest the theme's centre (cosine), one per distinct text."""
    centre = normalised(vectors[members].mean(axis=0, keepdims=True))[0]
    order = members[np.argsort(-(vectors[members] @ centre), kind="stable")]
    found: list[Quote] = []
    seen: set[str] = set()
    for row in order:
        if texts[row] in seen:
            continue
        seen.add(texts[row])
        found.append(Quote(ids[row], texts[row]))
        if len(found) == top:
            break
    return tuple(found)


def _weekly(
    negative: ibis.Table, clusters: Sequence[tuple[list[str], npt.NDArray[np.int64]]]
) -> list[tuple[tuple[datetime.date, int], ...]]:
    """Items per ISO week of each cluster, counted in the engine; empty weeks filled."""
    keys = [(ids[row], n) for n, (ids, rows) in enumerate(clusters) for row in rows]
    membership = ibis.memtable(
        {"_item": [item for item, _ in keys], "_theme": [n for _, n in keys]}
    )
    joined = negative.join(membership, negative[FEEDBACK_ID] == membership["_item"])
    week = joined[TS].truncate("W").date().name("_week")
    counts = joined.group_by([joined["_theme"], week]).agg(_items=joined.count()).to_pyarrow()
    found: dict[int, dict[datetime.date, int]] = {}
    for theme, day, count in zip(
        counts.column("_theme").to_pylist(), counts.column("_week").to_pylist(),
        counts.column("_items").to_pylist(), strict=True,
    ):  # fmt: skip
        found.setdefault(int(theme), {})[day] = int(count)
    weeks = sorted({day for per in found.values() for day in per})
    if not weeks:
        return [() for _ in clusters]
    span = [
        weeks[0] + datetime.timedelta(weeks=w) for w in range((weeks[-1] - weeks[0]).days // 7 + 1)
    ]
    return [
        tuple((day, found.get(n, {}).get(day, 0)) for day in span) for n in range(len(clusters))
    ]
