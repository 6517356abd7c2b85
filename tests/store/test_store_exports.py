"""journeymap.store has one curated, sorted public surface."""

from __future__ import annotations

import types

import journeymap.store


def test_all_is_sorted_and_complete() -> None:
    exported = journeymap.store.__all__
    assert exported == sorted(exported)
    public = {
        name
        for name, value in vars(journeymap.store).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType)
    }
    assert public == set(exported)
