"""Where things live in a workspace folder, and which store a workspace uses.

A workspace is a folder a team can zip and hand over::

    journeymap.yaml      the maps as code: personas, teams, journeys (rewritten on every save)
    journeymap.db        the SQLite store: current maps and every version (unless a
                         PostgreSQL URL is given in JOURNEYMAP_DATABASE_URL)
    journeymap.toml      settings (optional): the [monitor] webhook for new incidents,
                         [privacy] whether feedback keeps its text before redaction
    data/                event logs and customer tables
    feedback/            customer text: support mail, reviews, survey answers
    manifest.json        the demo generator's planted truths (demo workspaces only)
    monitor/posted.json  the incidents already sent to the webhook, so none is sent twice
"""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass
from pathlib import Path

DATABASE_URL_VARIABLE = "JOURNEYMAP_DATABASE_URL"
WORKSPACE_VARIABLE = "JOURNEYMAP_WORKSPACE"
AUTHOR_VARIABLE = "JOURNEYMAP_AUTHOR"


@dataclass(frozen=True)
class WorkspaceLayout:
    """The files of one workspace folder."""

    root: Path

    @property
    def map_file(self) -> Path:
        """The workspace as YAML, kept in step with the store after every save."""
        return self.root / "journeymap.yaml"

    @property
    def store_file(self) -> Path:
        """The default SQLite store."""
        return self.root / "journeymap.db"

    @property
    def data_dir(self) -> Path:
        """Event logs and customer tables."""
        return self.root / "data"

    @property
    def feedback_dir(self) -> Path:
        """Customer text."""
        return self.root / "feedback"

    @property
    def manifest_file(self) -> Path:
        """Planted truths of a demo workspace."""
        return self.root / "manifest.json"

    @property
    def settings_file(self) -> Path:
        """Workspace settings (TOML); optional, every setting has a default."""
        return self.root / "journeymap.toml"

    @property
    def posted_incidents_file(self) -> Path:
        """The incidents ``journeymap monitor`` has delivered to the webhook."""
        return self.root / "monitor" / "posted.json"

    def store_url(self) -> str:
        """The store's URL: ``JOURNEYMAP_DATABASE_URL`` if set, else SQLite in the folder."""
        return os.environ.get(DATABASE_URL_VARIABLE) or f"sqlite:///{self.store_file}"

    def exists(self) -> bool:
        """True when the folder holds a workspace (a map file or a store)."""
        return self.map_file.exists() or self.store_file.exists()


def default_workspace_dir() -> Path:
    """``JOURNEYMAP_WORKSPACE`` if set, else the current folder."""
    return Path(os.environ.get(WORKSPACE_VARIABLE) or Path.cwd())


def current_author() -> str:
    """Who is saving: ``JOURNEYMAP_AUTHOR`` if set, else the login name."""
    author = os.environ.get(AUTHOR_VARIABLE)
    if author:
        return author
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
