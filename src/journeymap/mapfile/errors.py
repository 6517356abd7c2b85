"""Problems in map files, each with the place a person has to look at and a way to fix it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class LocatedProblem:
    """One thing wrong with a map file: where (1-based line and column), what, and a fix.

    ``path`` points into the document the way a reader names it
    (``journeys[0].stages[2].emotion.score``); it is empty for the document itself.

    >>> str(LocatedProblem("map.yaml", 3, 14, "'score' should be at most 2, got 3",
    ...                    "Emotion scores go from -2 to +2.", "journeys[0].stages[0].emotion.score"))
    "map.yaml:3:14: 'score' should be at most 2, got 3 (journeys[0].stages[0].emotion.score). Emotion scores go from -2 to +2."
    """

    file: str
    line: int
    column: int
    message: str
    hint: str
    path: str = ""

    def __str__(self) -> str:
        where = f" ({self.path})" if self.path else ""
        hint = f". {self.hint}" if self.hint else ""
        return f"{self.file}:{self.line}:{self.column}: {self.message}{where}{hint}"


class MapFileError(Exception):
    """A map file that cannot become a workspace; ``problems`` holds every reason, in file order."""

    def __init__(self, problems: Iterable[LocatedProblem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))


def in_file_order(problems: Iterable[LocatedProblem]) -> list[LocatedProblem]:
    """Sort problems the way an editor lists them; ties keep the order they were found in."""
    return sorted(problems, key=lambda problem: (problem.line, problem.column))
