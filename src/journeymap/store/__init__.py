"""The workspace store: current maps in normalized tables, every journey version, diffs.

SQLite (a file, the default) or PostgreSQL (a shared server), chosen by URL; the schema
is created and upgraded by the Alembic migrations shipped in this package whenever a
store is opened.

>>> with Store.open(sqlite_url(tmp_path / "journeymap.db")) as store:  # doctest: +SKIP
...     store.save_workspace(workspace, author="alice", message="first map")
...     [v.number for v in store.versions("online-shopping")]
[1]
"""

from journeymap.store.diff import Change, ChangeKind, DiffSummary, JourneyDiff, diff_journeys
from journeymap.store.engine import sqlite_url
from journeymap.store.errors import (
    ConflictError,
    InvalidWorkspaceError,
    NotFoundError,
    StoreError,
)
from journeymap.store.history import VersionInfo
from journeymap.store.store import Store

__all__ = [
    "Change",
    "ChangeKind",
    "ConflictError",
    "DiffSummary",
    "InvalidWorkspaceError",
    "JourneyDiff",
    "NotFoundError",
    "Store",
    "StoreError",
    "VersionInfo",
    "diff_journeys",
    "sqlite_url",
]
