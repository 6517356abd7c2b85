"""Vectorised drawing helpers the simulation builds on: grouped choices and ragged expansions.

A chunk holds thousands of customers and each block of events is drawn for all of them at
once. The two recurring shapes are "each row picks from its own distribution" (a persona's
product tastes) and "each row becomes a variable number of rows" (a session's page views).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

Ints = npt.NDArray[np.integer[Any]]
"""Integer columns; the simulation keeps them as int64, numpy's typing only knows "integer"."""
Floats = npt.NDArray[np.floating[Any]]
Bools = npt.NDArray[np.bool_]


def choose(rng: np.random.Generator, probabilities: Sequence[Sequence[float]], group: Ints) -> Ints:
    """For each row, an index drawn from ``probabilities[group[row]]`` (weights, any scale)."""
    table = np.asarray(probabilities, dtype=np.float64)
    cumulative = np.cumsum(table, axis=1)
    cumulative /= cumulative[:, -1:]
    draws = rng.random(group.size)
    result = np.empty(group.size, dtype=np.int64)
    for value in range(table.shape[0]):
        rows = group == value
        result[rows] = np.searchsorted(cumulative[value], draws[rows], side="right")
    np.minimum(result, table.shape[1] - 1, out=result)
    return result


def choose_one(rng: np.random.Generator, weights: Sequence[float], size: int) -> Ints:
    """``size`` indices drawn from one distribution given by ``weights`` (any scale)."""
    return choose(rng, [weights], np.zeros(size, dtype=np.int64))


def per_row(values: Sequence[float], group: Ints) -> Floats:
    """Look up a per-group parameter for each row (a persona's repeat rate per customer)."""
    result: Floats = np.asarray(values, dtype=np.float64)[group]
    return result


def expand(counts: Ints) -> tuple[Ints, Ints]:
    """Rows repeated ``counts`` times: (index of the source row, position within its group)."""
    counts = counts.astype(np.int64, copy=False)
    source = np.repeat(np.arange(counts.size, dtype=np.int64), counts)
    starts = np.cumsum(counts) - counts
    position: Ints = np.arange(source.size, dtype=np.int64) - starts[source]
    return source, position


def group_cumsum(values: Floats, source: Ints) -> Floats:
    """Running sums restarted for each group of consecutive equal ``source`` values."""
    if values.size == 0:
        return values.copy()
    totals = np.cumsum(values)
    first = np.ones(source.size, dtype=np.bool_)
    first[1:] = source[1:] != source[:-1]
    group_index = np.cumsum(first) - 1
    before = (totals - values)[first]
    result: Floats = totals - before[group_index]
    return result


def bernoulli(rng: np.random.Generator, probability: Floats | float, size: int) -> Bools:
    """One yes/no draw per row with that row's probability."""
    result: Bools = rng.random(size) < probability
    return result
