"""Fixtures for the store tests: an open store on every database and a small shop workspace."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from store_helpers import shop_workspace

from journeymap.model import Workspace
from journeymap.store import Store


@pytest.fixture
def shop() -> Workspace:
    return shop_workspace()


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    """An open, empty store on SQLite and on PostgreSQL."""
    with Store.open(store_url) as opened:
        yield opened


@pytest.fixture
def saved(store: Store, shop: Workspace) -> Store:
    """The store holding the shop workspace as version 1 of each journey."""
    store.save_workspace(shop, author="alice", message="first maps")
    return store
