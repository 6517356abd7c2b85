"""Sentiment per item: the rating wins on its own scale, the text score is kept beside it."""

from __future__ import annotations

from collections.abc import Sequence

import ibis
import numpy as np
import pyarrow as pa
import pytest

from engines import Engine
from journeymap.voice import (
    HashingEncoder,
    KnownVectors,
    LearnedSentiment,
    LearnsFromRatings,
    VaderSentiment,
    learn_from_ratings,
    rating_sentiment,
    register_sentiment_model,
    score_sentiment,
    sentiment_model,
    sentiment_models,
)
from journeymap.voice.embeddings import Vectors
from journeymap.voice.learned_sentiment import looks_english
from journeymap.voice.sentiment import item_text, score_texts, sentiment_text


class Counting:
    """A text model that says +0.5 to everything and remembers what it was asked."""

    name = "counting-v1"

    def __init__(self) -> None:
        self.asked: list[str] = []

    def score(self, texts: Sequence[str]) -> list[float]:
        self.asked += texts
        return [0.5] * len(texts)


class CountingEncoder(HashingEncoder):
    """The hashing encoder (64 dimensions), remembering what it was asked to encode."""

    def __init__(self) -> None:
        super().__init__(64)
        self.asked: list[str] = []

    def encode(self, texts: Sequence[str]) -> Vectors:
        self.asked += texts
        return super().encode(texts)


def feedback(engine: Engine, rows: list[dict[str, object]]) -> ibis.Table:
    schema = pa.schema([("feedback_id", pa.string()), ("source", pa.string()),
                        ("subject", pa.string()), ("text", pa.string()), ("rating", pa.int64())])  # fmt: skip
    return engine.table(pa.Table.from_pylist(rows, schema=schema))


@pytest.mark.parametrize(
    ("source", "rating", "expected"),
    [
        ("review", 1, -1.0), ("review", 3, 0.0), ("review", 5, 1.0), ("review", 4, 0.5),
        ("csat", 2, -0.5), ("nps", 0, -1.0), ("nps", 10, 1.0), ("nps", 9, 0.6),
        ("nps", 6, -0.2), ("nps", 8, 0.2),
        ("email", 5, None), ("review", 9, None), ("nps", None, None),
    ],
)  # fmt: skip
def test_ratings_map_onto_minus_one_to_one_on_their_scale(
    source: str, rating: int | None, expected: float | None
) -> None:
    table = ibis.memtable(pa.table({"source": [source], "rating": pa.array([rating], pa.int64())}))
    (value,) = table.select(s=rating_sentiment(table.source, table.rating)).s.to_list()
    assert value == pytest.approx(expected) if expected is not None else value is None


def test_every_nps_detractor_is_negative_and_every_promoter_positive() -> None:
    table = ibis.memtable({"source": ["nps"] * 11, "rating": list(range(11))})
    values = table.select(s=rating_sentiment(table.source, table.rating)).s.to_list()
    assert all(v < 0 for v in values[:7])
    assert all(v > 0 for v in values[9:])


def test_the_rating_wins_and_the_text_score_is_kept_beside_it(engine: Engine) -> None:
    table = feedback(engine, [
        {"feedback_id": "r1", "source": "review", "subject": "Love it", "text": "Lovely",
         "rating": 1},
        {"feedback_id": "m1", "source": "email", "subject": None, "text": "Hello", "rating": None},
    ])  # fmt: skip
    scores = score_sentiment(table, model=Counting())
    rows = {row["feedback_id"]: row for row in scores.rows()}
    assert rows["r1"] == {"feedback_id": "r1", "sentiment": -1.0, "text_sentiment": 0.5,
                          "sentiment_source": "rating"}  # fmt: skip
    assert rows["m1"]["sentiment"] == rows["m1"]["text_sentiment"] == 0.5
    assert rows["m1"]["sentiment_source"] == "text"
    assert scores.model == "counting-v1"


def test_known_text_scores_are_not_asked_for_again() -> None:
    table = ibis.memtable({"feedback_id": ["a", "b"], "source": ["email", "email"],
                           "text": ["one", "two"], "rating": [None, None]})  # fmt: skip
    model = Counting()
    rows = score_sentiment(table, model=model, text_scores={"a": -0.25}).rows()
    assert model.asked == ["two"]
    assert [r["text_sentiment"] for r in sorted(rows, key=lambda r: r["feedback_id"])] == [
        -0.25,
        0.5,
    ]


def test_vader_reads_english_complaints_and_praise() -> None:
    vader = sentiment_model("vader")
    assert isinstance(vader, VaderSentiment)
    angry, glad, empty = vader.score(
        ["This is really frustrating, the worst service ever.", "Brilliant, thank you!", ""]
    )
    assert angry < -0.5 < 0.5 < glad
    assert empty == 0.0


def test_models_register_by_name_like_the_built_in_one() -> None:
    assert "vader" in sentiment_models()
    register_sentiment_model("counting", Counting)
    assert sentiment_model("counting").name == "counting-v1"
    with pytest.raises(KeyError, match=r"no sentiment model .nope.; registered: .*vader"):
        sentiment_model("nope")
    with pytest.raises(ValueError, match="needs a name"):
        register_sentiment_model(" ", Counting)


def test_a_model_that_loses_texts_is_an_error() -> None:
    class Lossy:
        name = "lossy"

        def score(self, texts: Sequence[str]) -> list[float]:
            return [0.0]

    with pytest.raises(ValueError, match="returned 1 scores for 2 texts"):
        score_texts(Lossy(), ["a", "b"])
    assert score_texts(Counting(), ["x"] * 5, batch_size=2) == [0.5] * 5


def test_item_text_joins_subject_and_text_without_reply_prefixes() -> None:
    assert item_text("Re: Fwd: Refund?", "Any news") == "Refund? Any news"
    assert item_text(None, " body ") == "body"
    assert item_text("Title", None) == "Title"


# -- the learned model: it learns the sign of the workspace's ratings ------------------------

# Words VADER has no opinion on: only the ratings can teach what they mean here.
PRAISE = ["sturdy oak shelf", "soft linen throw", "sturdy and soft", "oak table, sturdy"]
GRIPES = ["wobbly leg on arrival", "dented lid", "chipped mug, wobbly", "dented and chipped"]


def rated_workspace(engine: Engine, copies: int) -> ibis.Table:
    """``copies`` rated reviews per praise and gripe, and four unrated e-mails."""
    rows: list[dict[str, object]] = []
    for n in range(copies):
        for k, text in enumerate(PRAISE + GRIPES):
            rows.append({"feedback_id": f"r{n}-{k}", "source": "review", "subject": None,
                         "text": f"{text} {n}", "rating": 5 if text in PRAISE else 1})  # fmt: skip
    rows += [
        {"feedback_id": "m1", "source": "email", "subject": "Re: Order", "text": "arrived dented",
         "rating": None},
        {"feedback_id": "m2", "source": "email", "subject": None, "text": "a sturdy soft chair",
         "rating": None},
        {"feedback_id": "m3", "source": "email", "subject": None,
         "text": "Meine Bestellung ist bis heute nicht angekommen, bitte prüfen Sie das sofort.",
         "rating": None},
    ]  # fmt: skip
    return feedback(engine, rows)


def learned(**settings: int) -> LearnedSentiment:
    return LearnedSentiment(encoder=HashingEncoder(), minimum_rated=settings.get("rated", 16),
                            minimum_per_sign=settings.get("per_sign", 8))  # fmt: skip


def test_the_learned_model_reads_unrated_text_by_what_the_ratings_taught(engine: Engine) -> None:
    model = learned()
    scores = score_sentiment(rated_workspace(engine, copies=4), model=model)
    rows = {row["feedback_id"]: row for row in scores.rows()}
    assert model.learnt
    assert scores.model.startswith("learned-hashing-1024-")
    assert rows["m1"]["sentiment"] < -0.05 < 0.05 < rows["m2"]["sentiment"]
    assert VaderSentiment().score(["arrived dented", "a sturdy soft chair"]) == [0.0, 0.0]
    assert rows["m1"]["sentiment_source"] == "text"
    assert rows["m3"]["sentiment"] == 0.0  # German, and no German was learnt: not read
    # a rated item keeps its rating; its own text score comes from folds that did not see it
    assert rows["r0-0"]["sentiment"] == 1.0
    assert rows["r0-0"]["text_sentiment"] > 0
    assert rows["r0-4"]["text_sentiment"] < 0


def test_below_the_minimum_the_learned_model_is_vader(engine: Engine) -> None:
    model = learned(rated=100)
    table = rated_workspace(engine, copies=4)  # 32 rated texts: too few
    scores = score_sentiment(table, model=model)
    assert not model.learnt
    assert scores.model == "vader-3.3"
    texts = ["arrived dented", "Awful service", "Brilliant, thank you!"]
    assert model.score(texts) == VaderSentiment().score(texts)
    one_sided = learned(per_sign=20)  # 16 of each sign: too few gripes and praise
    score_sentiment(table, model=one_sided)
    assert one_sided.name == "vader-3.3"


def test_learning_from_the_same_items_again_encodes_nothing(engine: Engine) -> None:
    encoder = CountingEncoder()
    model = LearnedSentiment(encoder=encoder, minimum_rated=16, minimum_per_sign=8)
    table = rated_workspace(engine, copies=4)
    learn_from_ratings(model, table)
    name, asked = model.name, len(encoder.asked)
    assert asked == 32  # the rated texts, once each
    score_sentiment(table, model=model, text_scores={"m1": -0.5, "m2": 0.5, "m3": 0.0})
    assert model.name == name
    assert len(encoder.asked) == asked


def test_the_learned_model_is_the_default_and_vader_stays_available() -> None:
    assert {"learned", "vader"} <= set(sentiment_models())
    assert isinstance(sentiment_model(), LearnedSentiment)
    assert isinstance(sentiment_model("vader"), VaderSentiment)
    assert isinstance(sentiment_model(), LearnsFromRatings)
    assert not isinstance(sentiment_model("vader"), LearnsFromRatings)


def test_english_is_told_from_german_and_french() -> None:
    assert looks_english("The parcel was meant to come on Friday and there is no sign of it.")
    assert not looks_english("Ma commande devait être livrée le 3 mars, mais je n'ai rien reçu.")
    assert looks_english("Danke!")  # too short to tell: read


def test_a_reply_is_read_without_the_subject_of_its_thread() -> None:
    assert sentiment_text("Re: Refund still not received", "Thanks, sorted!") == "Thanks, sorted!"
    assert sentiment_text("FWD: Broken", "See below") == "See below"
    assert sentiment_text("Refund still not received", "Any news?") == (
        "Refund still not received. Any news?"
    )


def test_known_vectors_encode_only_what_is_new() -> None:
    encoder = CountingEncoder()
    stored = HashingEncoder(64).encode(["late parcel"])
    known = KnownVectors(encoder, {"late parcel": stored[0]})
    vectors = known.encode(["late parcel", "refund", "late parcel"])
    assert encoder.asked == ["refund"]
    assert vectors.shape == (3, 64)
    assert np.allclose(vectors[0], stored[0])
    assert known.name == encoder.name
