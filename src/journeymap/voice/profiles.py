"""Touchpoints as text: what the encoder reads for each touchpoint of a journey.

A touchpoint is described by its name, its description and its keywords, one sentence each.
The stage's name is left out of the text: one word such as "Purchase" or "Use" pulls every
"I bought..." or "I use it..." towards all the touchpoints of that stage (on the demo it cost
seven points of top-1 accuracy for the words alone; benchmarks/README.md). :func:`profiles_key`
hashes the texts, so anything cached from them (the model's verdicts) is known to be stale
once a touchpoint is renamed, redescribed or moved to another stage.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass

from journeymap.model import Journey
from journeymap.voice.embeddings import Encoder, Vectors, embed_texts


@dataclass(frozen=True)
class TouchpointProfile:
    """A touchpoint as text for the encoder, with its stage and keywords."""

    touchpoint: str
    stage: str
    text: str
    keywords: tuple[str, ...] = ()


def touchpoint_profiles(journey: Journey) -> tuple[TouchpointProfile, ...]:
    """Every touchpoint of ``journey`` described by its name, description and keywords.

    >>> from journeymap.model import Journey, Stage, Touchpoint
    >>> journey = Journey(id="j", name="J", persona="p", stages=[Stage(id="s", name="Returns",
    ...     touchpoints=[Touchpoint(id="r", name="Refund", description="Money back.",
    ...                             keywords=["refund", "money back"])])])
    >>> touchpoint_profiles(journey)[0].text
    'Refund. Money back. Refund, money back.'
    """
    profiles = []
    for stage, touchpoint in journey.touchpoints():
        parts = [touchpoint.name, touchpoint.description]
        if touchpoint.keywords:
            keywords = ", ".join(touchpoint.keywords)
            parts.append(keywords[0].upper() + keywords[1:])
        text = " ".join(_sentence(part) for part in parts if part.strip())
        profiles.append(
            TouchpointProfile(touchpoint.id, stage.id, text, tuple(touchpoint.keywords))
        )
    return tuple(profiles)


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text[-1] in ".!?" else text + "."


def profiles_key(profiles: Sequence[TouchpointProfile], *parts: object) -> str:
    """A short hash of the touchpoint texts (and any settings in ``parts``): a cache key
    that changes whenever the map's touchpoints are renamed, redescribed or moved."""
    content = json.dumps(
        [[p.touchpoint, p.stage, p.text, list(p.keywords)] for p in profiles]
        + [str(part) for part in parts]
    )
    return hashlib.sha256(content.encode("utf-8")).hexdigest()[:16]


def encode_profiles(encoder: Encoder, profiles: Sequence[TouchpointProfile]) -> Vectors:
    """The touchpoints' vectors, one row per profile."""
    return embed_texts(encoder, [p.text for p in profiles])
