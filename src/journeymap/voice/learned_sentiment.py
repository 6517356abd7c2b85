"""A sentiment model that learns from the workspace's own rated items: ``learned``, the default.

Reviews and survey answers come with the customer's rating beside their words. The rating
is a weak label for the words (4 and 5 stars: positive; 1 and 2: negative; an NPS
detractor: negative), free and in the workspace's own vocabulary — furniture, couriers,
refunds — which no general word list knows. This model fits a logistic regression from the
items' sentence vectors (the ones assignment computes and stores, all-MiniLM-L6-v2 by
default) to the sign of their rating, and scores any text as ``2 p - 1`` with ``p`` the
probability it is positive. Both signs weigh the same in the fit: most reviews are happy,
but that says nothing about how many e-mails to the support inbox are (on the demo, weighing
them by their share left a quarter of the complaints read as mildly positive). What it learns it applies to the items without a rating —
e-mails, tickets — where VADER reads a polite complaint ("my order still hasn't turned
up") as neutral (benchmarks/README.md has the numbers).

- **Too few rated items**: with fewer than :data:`MINIMUM_RATED` rated texts, or fewer than
  :data:`MINIMUM_PER_SIGN` of either sign, there is not enough to learn from and the model
  is VADER (and says so in its ``name``).
- **Rated items score out of fold**: a rated item's own text score (kept beside its
  rating) comes from a model that did not see it (five folds, a text's copies in one fold),
  so "text alone" is what the words say, not the rating echoed back.
- **Languages it has not learnt**: the encoder is English-centric and the ratings teach the
  languages they are written in. A text that does not look English (eight words or more,
  hardly any English function words) scores 0.0, not read, unless at least
  :data:`MINIMUM_PER_SIGN` rated texts were not English either. Without that guard it
  guesses: on the demo it read a quarter of the German and French complaints as positive.

>>> from journeymap.voice.embeddings import HashingEncoder
>>> model = LearnedSentiment(encoder=HashingEncoder(), minimum_rated=4, minimum_per_sign=2)
>>> model.learn(["late and broken", "broken again", "lovely sofa", "lovely cushions"],
...             [-1.0, -0.5, 1.0, 0.8])
>>> [round(score, 2) > 0 for score in model.score(["broken parcel", "lovely"])]
[False, True]
"""

from __future__ import annotations

import hashlib
import re
import warnings
from collections.abc import Sequence
from typing import Final

import numpy as np
import numpy.typing as npt

from journeymap.voice.embeddings import Encoder, Vectors, embed_texts, encoder_named
from journeymap.voice.sentiment import VaderSentiment, register_sentiment_model

MINIMUM_RATED: Final = 200
"""Fewer rated texts than this and the model is VADER. On a development demo, trained on 200
random rated items it read complaint and praise e-mails right 86 % of the time (VADER: 32 %),
on all 4,930 of them 96 %; on 50, 77 % on average but as little as 71 %."""
MINIMUM_PER_SIGN: Final = 50
"""Fewer negative (or positive) rated texts than this and the model is VADER."""
FOLDS: Final = 5
_FUNCTION_WORDS: Final = (
    "a about all an and are as at be but by can did do does for from had has have he her his "
    "how i if in is it its me my no not of on or our she so that the their there they this "
    "to up was we were what when which will with would you your"
)
_ENGLISH: Final = frozenset(_FUNCTION_WORDS.split())
_WORD = re.compile(r"[^\W\d_]+")


def looks_english(text: str, *, least_words: int = 8, least_share: float = 0.05) -> bool:
    """Whether ``text`` reads as English: short texts always do; longer ones need a few
    English function words ("the", "my", "is"...), which any English sentence has.

    >>> looks_english("Meine Bestellung ist bis heute nicht angekommen, bitte prüfen Sie das.")
    False
    >>> looks_english("My order still hasn't turned up, can you check?"), looks_english("Danke!")
    (True, True)
    """
    words = _WORD.findall(text.lower())
    if len(words) < least_words:
        return True
    return sum(word in _ENGLISH for word in words) >= least_share * len(words)


class LearnedSentiment:
    """Logistic regression from sentence vectors to the sign of the workspace's ratings.

    ``encoder`` defaults to the registered default encoder (all-MiniLM-L6-v2), loaded when
    first needed; :meth:`learn` may hand over another (the service hands over its stored
    vectors). Before :meth:`learn`, and below the minimums, it scores like VADER.
    """

    def __init__(
        self,
        *,
        encoder: Encoder | None = None,
        minimum_rated: int = MINIMUM_RATED,
        minimum_per_sign: int = MINIMUM_PER_SIGN,
        regularisation: float = 1.0,
    ) -> None:
        self.encoder = encoder
        self.minimum_rated = minimum_rated
        self.minimum_per_sign = minimum_per_sign
        self.regularisation = regularisation
        self._fallback: VaderSentiment | None = None
        self._weights: npt.NDArray[np.float64] | None = None
        self._bias = 0.0
        self._out_of_fold: dict[str, float] = {}
        self._reads_other_languages = False
        self._learnt_from = ""
        self.name = self.fallback.name

    @property
    def fallback(self) -> VaderSentiment:
        """VADER, for when there is too little to learn from."""
        if self._fallback is None:
            self._fallback = VaderSentiment()
        return self._fallback

    @property
    def learnt(self) -> bool:
        """Whether the last :meth:`learn` had enough rated texts (else this is VADER)."""
        return self._weights is not None

    def learn(
        self, texts: Sequence[str], ratings: Sequence[float], *, encoder: Encoder | None = None
    ) -> None:
        """Fit on the texts whose rating is not neutral (0); the same items again is free."""
        if len(texts) != len(ratings):
            raise ValueError(f"{len(texts)} texts for {len(ratings)} ratings")
        chosen = encoder or self.encoder or encoder_named()
        kept = [(t, r > 0) for t, r in zip(texts, ratings, strict=True) if r != 0 and t.strip()]
        fingerprint = _fingerprint(chosen.name, kept, self)
        if fingerprint == self._learnt_from:
            return
        self.encoder = chosen
        self._learnt_from = fingerprint
        positive = sum(1 for _, good in kept if good)
        if len(kept) < self.minimum_rated or min(positive, len(kept) - positive) < (
            self.minimum_per_sign
        ):
            self._weights, self._out_of_fold = None, {}
            self.name = self.fallback.name
            return
        vectors = embed_texts(chosen, [text for text, _ in kept])
        labels = np.array([good for _, good in kept], dtype=np.int64)
        self._weights, self._bias = self._fit(vectors, labels)
        self._out_of_fold = self._cross_fitted([text for text, _ in kept], vectors, labels)
        foreign = sum(1 for text, _ in kept if not looks_english(text))
        self._reads_other_languages = foreign >= self.minimum_per_sign
        self.name = f"learned-{chosen.name}-{fingerprint[:12]}"

    def score(self, texts: Sequence[str]) -> list[float]:
        """``2 p - 1`` per text; out of fold for a text learnt from; 0.0 for a language not
        learnt; VADER's score before learning or below the minimums."""
        if self._weights is None or self.encoder is None:
            return self.fallback.score(texts)
        readable = [
            i for i, text in enumerate(texts)
            if text.strip() and text not in self._out_of_fold
            and (self._reads_other_languages or looks_english(text))
        ]  # fmt: skip
        scores = [self._out_of_fold.get(text, 0.0) for text in texts]
        if readable:
            vectors = embed_texts(self.encoder, [texts[i] for i in readable])
            for i, value in zip(readable, self._probability(vectors), strict=True):
                scores[i] = 2.0 * float(value) - 1.0
        return scores

    def _fit(
        self, vectors: Vectors, labels: npt.NDArray[np.int64]
    ) -> tuple[npt.NDArray[np.float64], float]:
        from sklearn.linear_model import LogisticRegression

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # lbfgs' convergence chatter on tiny test sets
            fitted = LogisticRegression(
                C=self.regularisation, class_weight="balanced", max_iter=1000
            ).fit(vectors, labels)
        return fitted.coef_[0].astype(np.float64), float(fitted.intercept_[0])

    def _probability(self, vectors: Vectors) -> npt.NDArray[np.float64]:
        assert self._weights is not None
        logits = vectors.astype(np.float64) @ self._weights + self._bias
        result: npt.NDArray[np.float64] = 1.0 / (1.0 + np.exp(-logits))
        return result

    def _cross_fitted(
        self, texts: list[str], vectors: Vectors, labels: npt.NDArray[np.int64]
    ) -> dict[str, float]:
        """Each learnt text's score from the folds that did not see it (a text's copies
        share a fold); a text whose folds lack one sign keeps the full model's score."""
        fold = np.array([int(_digest(text)[:8], 16) % FOLDS for text in texts])
        scores: dict[str, float] = {}
        for held in range(FOLDS):
            train = fold != held
            if np.unique(labels[train]).size < 2 or train.all():
                continue
            weights, bias = self._fit(vectors[train], labels[train])
            test = np.flatnonzero(~train)
            logits = vectors[test].astype(np.float64) @ weights + bias
            for row, value in zip(test, 1.0 / (1.0 + np.exp(-logits)), strict=True):
                scores[texts[row]] = 2.0 * float(value) - 1.0
        return scores


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _fingerprint(encoder: str, kept: list[tuple[str, bool]], model: LearnedSentiment) -> str:
    """What the model learns from: encoder, settings, texts and signs."""
    digest = hashlib.sha256(
        f"{encoder}\x00{model.minimum_rated}\x00{model.minimum_per_sign}\x00"
        f"{model.regularisation}\x00".encode()
    )
    for text, good in sorted(kept):
        digest.update(f"{text}\x00{int(good)}\x01".encode())
    return digest.hexdigest()


register_sentiment_model("learned", LearnedSentiment)
