"""The examples in the voice modules' docstrings run and show what they claim."""

from __future__ import annotations

import doctest
from types import ModuleType

import pytest

from journeymap.voice import (
    assignment,
    embeddings,
    learned_sentiment,
    priors,
    profiles,
    scores,
    sentiment,
    themes,
)


@pytest.mark.parametrize(
    "module",
    [assignment, embeddings, learned_sentiment, priors, profiles, scores, sentiment, themes],
    ids=lambda m: m.__name__,
)
def test_docstring_examples_run(module: ModuleType) -> None:
    failures, tried = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert tried > 0
    assert failures == 0
