"""Attached sources: events or customers read in place, recorded in ``sources.json``.

Attaching writes a small JSON file beside the database, so the workspace remembers where
its data lives without copying it: a Parquet path or glob, or a table in another Ibis
backend named by URL. Paths inside the workspace folder are stored relative to it, so
the workspace can move (or be shared) with its data.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Literal

SOURCES_FILE = "sources.json"

SourceKind = Literal["parquet", "backend"]


@dataclass(frozen=True)
class AttachedSource:
    """Where a canonical table's data lives when it is attached instead of imported."""

    kind: SourceKind
    location: str
    """Parquet path or glob (``kind="parquet"``) or connection URL (``kind="backend"``)."""
    table: str | None = None
    """Table name in the backend (``kind="backend"``)."""
    columns: dict[str, str] = field(default_factory=dict)
    """Canonical name -> source column, for sources that name things their own way."""

    def describe(self) -> str:
        """``parquet /data/*.parquet`` or ``table events at duckdb:///x.duckdb``."""
        if self.kind == "parquet":
            return f"parquet {self.location}"
        return f"table {self.table} at {self.location}"


def load_sources(path: Path) -> dict[str, AttachedSource]:
    """Table name -> attached source, from ``sources.json`` (empty when there is none)."""
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return {name: AttachedSource(**entry) for name, entry in data.items()}
    except (ValueError, TypeError) as error:
        raise ValueError(
            f"{path}: not a valid sources file ({error}); fix or delete it and attach again"
        ) from error


def save_sources(path: Path, sources: dict[str, AttachedSource]) -> None:
    """Write ``sources.json`` atomically (a crash leaves the old file or the new one)."""
    if not sources:
        path.unlink(missing_ok=True)
        return
    data = {name: asdict(source) for name, source in sorted(sources.items())}
    temporary = path.with_suffix(".json.tmp")
    temporary.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    temporary.replace(path)


def stored_location(location: str, *, root: Path) -> str:
    """A Parquet location as recorded: relative to ``root`` when inside it, else absolute."""
    absolute = Path(location).expanduser().absolute()
    try:
        return absolute.relative_to(root.absolute()).as_posix()
    except ValueError:
        return absolute.as_posix()


def resolved_location(location: str, *, root: Path) -> str:
    """A recorded Parquet location made usable: relative ones are under ``root``."""
    path = Path(location)
    return location if path.is_absolute() else (root / path).as_posix()
