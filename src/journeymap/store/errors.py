"""What can go wrong when reading or writing the store, phrased so a user can act on it.

Every error derives from :class:`StoreError`, so an edge (CLI, web) can catch one type and
print the message; each message says what is wrong, where, and how to fix it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from journeymap.model import Problem


class StoreError(Exception):
    """Base of every error the store raises on purpose."""


class NotFoundError(StoreError, LookupError):
    """A journey, version, persona or team the store does not hold."""


class ConflictError(StoreError):
    """Someone else changed the journey since the version this save started from."""

    def __init__(
        self, message: str, *, journey_id: str | None, base_version: int | None = None
    ) -> None:
        super().__init__(message)
        self.journey_id = journey_id
        self.base_version = base_version


class InvalidWorkspaceError(StoreError, ValueError):
    """Content that would leave the store inconsistent; nothing was written."""

    def __init__(
        self, problems: Iterable[Problem], *, subject: str = "workspace", action: str = "saved"
    ) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        self.subject = subject
        super().__init__(describe_problems(self.problems, subject=subject, action=action))


def describe_problems(problems: Sequence[Problem], *, subject: str, action: str) -> str:
    """One line per problem: its path in the document, what is wrong and the fix."""
    count = f"{len(problems)} problem" + ("" if len(problems) == 1 else "s")
    lines = [f"{subject} was not {action} ({count}; nothing was written):"]
    for problem in problems:
        where = ".".join(str(part) for part in problem.location) or "(top level)"
        lines.append(f"  {where}: {problem.describe()}. {problem.hint}")
    return "\n".join(lines)


def choices(known: Iterable[object], *, none: str) -> str:
    """``"a, b, c"`` for an error message, or ``none`` when there is nothing to choose from."""
    names = [str(item) for item in known]
    return ", ".join(names) if names else none
