"""The package's public surface is curated: one sorted ``__all__`` that names everything exported."""

from __future__ import annotations

import types

import journeymap


def test_all_is_sorted() -> None:
    assert journeymap.__all__ == sorted(journeymap.__all__)


def test_every_public_name_is_in_all_and_every_name_in_all_exists() -> None:
    public = {
        name
        for name, value in vars(journeymap).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType)
    }
    assert public | {"__version__"} == set(journeymap.__all__)
    for name in journeymap.__all__:
        assert hasattr(journeymap, name), name
