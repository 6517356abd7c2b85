"""File-level problems: the whole file cannot be read, so no row of it is imported.

Row-level problems are not errors but :class:`~journeymap.ingest.rejects.Reject` records;
an :class:`IngestError` means the file itself is wrong (not the format its name says, a
required column missing, an unsafe XML prolog) and its message names the file, the
position where known, and what to do about it.
"""

from __future__ import annotations

from pathlib import Path


class IngestError(Exception):
    """A file that cannot be imported at all; nothing of it was read into the store."""

    def __init__(
        self, path: Path | str, problem: str, *, line: int | None = None, column: int | None = None
    ) -> None:
        self.path = Path(path)
        self.problem = problem
        self.line = line
        self.column = column
        where = str(self.path)
        if line is not None:
            where += f", line {line}"
            if column is not None:
                where += f", column {column}"
        super().__init__(f"{where}: {problem}")
