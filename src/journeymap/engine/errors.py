"""What can go wrong in the analytics database, phrased so a user can act on it."""

from __future__ import annotations

from pathlib import Path


class EngineError(Exception):
    """Base of every error the engine raises on purpose."""


class NoEventsError(EngineError, LookupError):
    """The workspace has no events yet: none imported and no source attached."""


class SchemaConflictError(EngineError):
    """A column arrives with a type the table cannot hold; nothing was imported."""


class ImportRejectedError(EngineError):
    """More rows were rejected than the threshold allows; nothing was imported."""

    def __init__(
        self, message: str, *, rejected: int, rows_read: int, rejects_file: Path | None
    ) -> None:
        super().__init__(message)
        self.rejected = rejected
        self.rows_read = rows_read
        self.rejects_file = rejects_file
