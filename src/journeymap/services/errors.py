"""Errors of the use cases: each says what is wrong and what to do about it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager


class JourneymapError(Exception):
    """A problem the user can fix; ``hint`` says how."""

    def __init__(self, message: str, *, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message}\n{self.hint}" if self.hint else self.message


class WorkspaceNotFoundError(JourneymapError):
    """The folder holds no workspace."""


class WorkspaceExistsError(JourneymapError):
    """``init`` would overwrite a workspace."""


@contextmanager
def as_user_error() -> Iterator[None]:
    """The building blocks say what to fix with ValueError; users of a service get a
    JourneymapError."""
    try:
        yield
    except ValueError as error:
        raise JourneymapError(str(error)) from error
